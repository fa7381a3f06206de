"""Build every report figure with progress, then write ``index.html``."""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ssbattery.errors import InvalidParameterError
from ssbattery.report.catalog import all_figures
from ssbattery.report.html import write_index
from ssbattery.report.registry import Artifact, FigureSpec

__all__ = ["FigureRun", "ReportResult", "reproduce"]


@dataclass(frozen=True)
class FigureRun:
    """The outcome of one figure: its artifact or the error it raised, and seconds taken."""

    spec: FigureSpec
    seconds: float
    artifact: Artifact | None = None
    error: str | None = None


@dataclass(frozen=True)
class ReportResult:
    """The whole report: where it is, what each figure did, total seconds."""

    out_dir: Path
    index: Path
    runs: tuple[FigureRun, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    started: str = ""

    @property
    def failed(self) -> tuple[FigureRun, ...]:
        """The runs that raised."""
        return tuple(r for r in self.runs if r.error is not None)


def _select(figures: list[FigureSpec], only: Sequence[str] | None) -> list[FigureSpec]:
    if not only:
        return figures
    known = {f.key for f in figures}
    unknown = [k for k in only if k not in known]
    if unknown:
        raise InvalidParameterError(
            f"`only` names unknown figures {unknown}; known keys: {', '.join(sorted(known))}"
        )
    return [f for f in figures if f.key in set(only)]


def reproduce(
    out_dir: Path | str = "ssbattery-report",
    *,
    only: Sequence[str] | None = None,
    show_progress: bool = True,
) -> ReportResult:
    """Regenerate the review's computable figures and tables into ``out_dir``.

    A figure that fails is recorded (with its traceback in the page) and the others still
    run, so nothing already computed is lost.
    """
    import matplotlib

    matplotlib.use("Agg")
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = _select(all_figures(), only)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    t0 = time.perf_counter()
    runs: list[FigureRun] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        disable=not show_progress,
        transient=False,
    ) as progress:
        task = progress.add_task("reproduce", total=len(figures))
        for spec in figures:
            progress.update(task, description=f"{spec.review_ref}: {spec.title}")
            t1 = time.perf_counter()
            try:
                artifact = spec.build(out)
                runs.append(FigureRun(spec, time.perf_counter() - t1, artifact=artifact))
            except Exception:  # keep the other figures: report this one's failure
                runs.append(FigureRun(spec, time.perf_counter() - t1, error=traceback.format_exc()))
            progress.advance(task)
    seconds = time.perf_counter() - t0
    result = ReportResult(out, out / "index.html", tuple(runs), seconds, started)
    write_index(result)
    return result
