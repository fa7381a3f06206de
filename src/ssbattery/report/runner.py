"""Build every report figure with progress, then write ``index.html``.

The report is built in a staging folder beside the output folder and swapped in at the end,
so the previous report stays intact until the new one is complete:

* ``DIR`` is the report; ``.DIR.ssbattery-partial`` (same parent) is the report being built
  and ``.DIR.lock`` keeps a second ``reproduce`` off the same folder.
* After each figure, the staging folder's manifest (``.ssbattery-report.json``) records
  what was written; a run killed midway leaves ``DIR`` untouched, and the next run resumes
  from the staging folder, rebuilding only the figures not yet done.
* ``only=[...]`` on an existing report rebuilds those figures and keeps the others.
* A non-empty folder that is not an ssbattery report is refused unless ``force=True``;
  files in ``DIR`` that the report did not write are always carried over, never deleted,
  and a run that would write a file of the same name as one of them (the user's own
  ``index.html`` or ``fig12_dicke_scaling.png``) is refused instead of replacing it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import traceback
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from ssbattery import __version__
from ssbattery.errors import (
    ConvergenceWarning,
    InvalidParameterError,
    OutputPathError,
    ValidityWarning,
)
from ssbattery.io import check_output_dir, file_lock, write_json
from ssbattery.report.catalog import all_figures
from ssbattery.report.html import write_index
from ssbattery.report.registry import Artifact, FigureSpec
from ssbattery.results import Recorded

__all__ = ["MANIFEST", "FigureRun", "ReportResult", "reproduce", "staging_dir"]

#: The file in a report folder that lists what the report wrote (figure by figure).
MANIFEST = ".ssbattery-report.json"
_FORMAT = "ssbattery.report.v1"


@dataclass(frozen=True)
class FigureRun(Recorded):
    """The outcome of one figure: its artifact or the error it raised, and seconds taken.

    ``reused`` is true for a figure taken from an interrupted run or from the previous
    report (``only=...``) instead of being rebuilt.
    """

    spec: FigureSpec
    seconds: float
    artifact: Artifact | None = None
    error: str | None = None
    reused: bool = False

    _UNITS: ClassVar[dict[str, str]] = {"seconds": "time [s]"}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the figure's key and title, time taken [s], its artifact (files,
        parameters, summary, warnings) or the error, and whether it was reused."""
        out = super().to_dict()
        spec = self.spec
        out["spec"] = {"key": spec.key, "title": spec.title, "review": spec.review_ref}
        return out

    def _title(self) -> str:
        state = "failed" if self.error is not None else "reused" if self.reused else "built"
        return f"figure {self.spec.key} {state} in {self.seconds:.3g} s"


@dataclass(frozen=True)
class ReportResult(Recorded):
    """The whole report: where it is, what each figure did, total seconds."""

    out_dir: Path
    index: Path
    runs: tuple[FigureRun, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    started: str = ""

    _UNITS: ClassVar[dict[str, str]] = {"seconds": "time [s]"}

    def _title(self) -> str:
        return (
            f"report at {self.index}: {len(self.runs)} figures, {len(self.failed)} failed, "
            f"{len(self.reused)} reused, {self.seconds:.3g} s"
        )

    @property
    def failed(self) -> tuple[FigureRun, ...]:
        """The runs that raised."""
        return tuple(r for r in self.runs if r.error is not None)

    @property
    def reused(self) -> tuple[FigureRun, ...]:
        """The runs whose outputs were reused from an earlier report."""
        return tuple(r for r in self.runs if r.reused)


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


def _jsonable(obj: Any) -> Any:
    """Parameters as plain JSON values (numpy scalars/arrays, paths → numbers, lists, text)."""

    def fallback(value: Any) -> Any:
        if hasattr(value, "tolist"):
            return value.tolist()
        if isinstance(value, complex):
            return str(value)
        return str(value)

    return json.loads(json.dumps(obj, default=fallback, allow_nan=True))


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]] | None:
    """The figures recorded in ``folder``'s manifest whose files are all there, or None
    when ``folder`` has no manifest of this ssbattery version."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or data.get("version") != __version__:
            return None
        figures = dict(data["figures"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return {
        key: entry
        for key, entry in figures.items()
        if all((folder / name).is_file() for name in (*entry["images"], *entry["tables"]))
    }


def _is_report(folder: Path) -> bool:
    """A folder written by ``reproduce``: a manifest, or (older reports) our index.html."""
    if (folder / MANIFEST).is_file():
        return True
    index = folder / "index.html"
    try:
        return index.is_file() and "<title>ssbattery report</title>" in index.read_text(
            encoding="utf-8", errors="replace"
        )
    except OSError:
        return False


def _write_manifest(folder: Path, figures: Mapping[str, dict[str, Any]]) -> None:
    write_json(
        folder / MANIFEST,
        {"format": _FORMAT, "version": __version__, "figures": dict(figures)},
        indent=1,
        allow_nan=True,
    )


def build_recording_warnings(spec: FigureSpec, folder: Path) -> Artifact:
    """Build one figure; the package's own warnings it raises go into its artifact.

    Each distinct message is kept once, in the order raised, as "Category: message". The
    pyplot figures the builder opened and left open (it raised before saving, or forgot to
    close one) are closed, so a long report or a notebook session does not pile them up.
    """
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            warnings.simplefilter("always", ValidityWarning)
            artifact = spec.build(folder)
    finally:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
    seen: dict[str, None] = {}
    for w in caught:
        if issubclass(w.category, (ConvergenceWarning, ValidityWarning)):
            seen.setdefault(f"{w.category.__name__}: {w.message}", None)
        else:  # not ours: pass it on as it came
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if not seen:
        return artifact
    return replace(artifact, warnings=(*artifact.warnings, *seen))


def _entry(run: FigureRun, folder: Path) -> dict[str, Any]:
    art = run.artifact
    assert art is not None  # only successful runs are recorded
    return {
        "images": [str(p.relative_to(folder)) for p in art.images],
        "tables": [str(p.relative_to(folder)) for p in art.tables],
        "parameters": _jsonable(dict(art.parameters)),
        "summary": art.summary,
        "warnings": list(art.warnings),
        "seconds": run.seconds,
    }


def _run_from_entry(spec: FigureSpec, entry: Mapping[str, Any], folder: Path) -> FigureRun:
    artifact = Artifact(
        images=tuple(folder / n for n in entry["images"]),
        tables=tuple(folder / n for n in entry["tables"]),
        parameters=dict(entry["parameters"]),
        summary=str(entry["summary"]),
        warnings=tuple(str(w) for w in entry.get("warnings", ())),
    )
    return FigureRun(spec, float(entry["seconds"]), artifact=artifact, reused=True)


def _check_target(out_dir: Path | str, *, force: bool) -> Path:
    """Refuse what must not become a report (see :func:`reproduce`); return the folder."""
    out = check_output_dir(out_dir, option="out")
    resolved = out.resolve()
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise OutputPathError(
            f"`out` {str(out)!r} is the current folder or one above it; give a subfolder, "
            "e.g. ssbattery-report."
        )
    if out.is_dir() and any(out.iterdir()) and not _is_report(out) and not force:
        raise OutputPathError(
            f"`out` {str(out)!r} is a non-empty folder that is not an ssbattery report; give "
            "an empty or new folder, or `force` to write the report into it (its other files "
            "are kept)."
        )
    return out


def staging_dir(out_dir: Path | str) -> Path:
    """Where the report for ``out_dir`` is built (and an interrupted run's figures wait):
    ``.DIR.ssbattery-partial`` beside it (beside the folder a symlinked ``DIR`` names)."""
    out = Path(out_dir).expanduser().resolve()
    return out.with_name(f".{out.name}.ssbattery-partial")


def _siblings(out: Path) -> tuple[Path, Path]:
    return staging_dir(out), out.with_name(f".{out.name}.ssbattery-old")


def _recover(out: Path, old: Path) -> None:
    """Finish or undo a swap that a kill interrupted."""
    if old.exists():
        if not out.exists():
            os.replace(old, out)  # killed between the two renames: put the old report back
        else:
            shutil.rmtree(old, ignore_errors=True)  # killed after the swap: drop the old one


def _prepare_staging(
    staging: Path, out: Path, selected: list[FigureSpec]
) -> dict[str, dict[str, Any]]:
    """The staging folder and what it already holds (resumed figures and, for figures not
    selected, the previous report's), as manifest entries."""
    done = _read_manifest(staging) if staging.is_dir() else None
    if done is None:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        done = {}
    selected_keys = {s.key for s in selected}
    previous = _read_manifest(out) if out.is_dir() else None
    for key, entry in (previous or {}).items():
        if key in selected_keys or key in done:
            continue
        for name in (*entry["images"], *entry["tables"]):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(out / name, staging / name)
        done[key] = entry
    _write_manifest(staging, done)
    return done


def _recorded_names(folder: Path) -> set[str] | None:
    """The names ``folder``'s report wrote, whatever version wrote it: its manifest's
    files, the manifest and ``index.html``; None for an older report with no manifest
    (all its figure files are the report's), an empty set for a folder that is no report."""
    if not _is_report(folder):
        return set()
    try:
        figures = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["figures"]
        names = {MANIFEST, "index.html"}
        for entry in figures.values():
            names.update(Path(n).parts[0] for n in (*entry["images"], *entry["tables"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return {MANIFEST, "index.html"}  # unreadable manifest: claim only the sure names
    return names


def _refuse_clobbering(out: Path, names: set[str], *, staging: Path | None = None) -> None:
    """Refuse when ``out`` holds a file or folder among ``names`` (what this run writes,
    top level) that the report did not write: the user's own, which must not be replaced."""
    if not out.is_dir():
        return
    recorded = _recorded_names(out)
    if recorded is None:
        return
    theirs = sorted(n for n in names - recorded if os.path.lexists(out / n))
    if not theirs:
        return
    kept = (
        f" The figures built so far are kept in {str(staging)!r}: the next run reuses them."
        if staging is not None
        else ""
    )
    raise OutputPathError(
        f"`out` {str(out)!r} holds {', '.join(theirs)}, not written by ssbattery, which the "
        f"report would replace; move or rename them, or give another folder.{kept}"
    )


def _planned_names(selected: Sequence[FigureSpec]) -> set[str]:
    """The top-level names a run surely writes: the page, the manifest and each figure's
    ``KEY.png``, ``KEY.svg`` and ``KEY.csv`` (builders name their files after the key)."""
    names = {MANIFEST, "index.html"}
    for spec in selected:
        names.update(f"{spec.key}{suffix}" for suffix in (".png", ".svg", ".csv"))
    return names


def _drop_new(folder: Path, before: set[str]) -> None:
    """Remove what a failed figure left in ``folder`` (names not in ``before``): unrecorded,
    it would reach the report as a file ssbattery did not write."""
    for item in folder.iterdir():
        if item.name not in before:
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
            else:
                item.unlink(missing_ok=True)


def _swap_in(staging: Path, out: Path, old: Path, previous: Mapping[str, Any] | None) -> None:
    """Carry the user's own files over, then replace ``out`` by ``staging``. The report's
    own files are known from its manifest whatever version wrote it: a report of another
    version had its figures carried over unrecorded, and a later build of one of them was
    then refused as replacing a user's file."""
    if out.is_dir():
        ours = {MANIFEST, "index.html"} | (_recorded_names(out) or set())
        for entry in (previous or {}).values():
            ours.update(entry["images"], entry["tables"])
        for item in out.iterdir():
            if item.name not in ours and not (staging / item.name).exists():
                os.replace(item, staging / item.name)  # the user's file: keep it
        os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out)


def reproduce(
    out_dir: Path | str = "ssbattery-report",
    *,
    only: Sequence[str] | None = None,
    show_progress: bool = True,
    force: bool = False,
) -> ReportResult:
    """Regenerate the review's computable figures and tables into ``out_dir``.

    A figure that fails is recorded (with its traceback in the page) and the others still
    run, so nothing already computed is lost. The report is built beside ``out_dir`` and
    swapped in when complete; a killed run leaves the previous report intact and the next
    run resumes the figures it had finished. With ``only``, just those figures are rebuilt
    and an existing report keeps the others.

    Refused before anything is created (:class:`~ssbattery.errors.OutputPathError`): an
    empty path, an existing file, a folder whose parent is missing or not writable, the
    current folder, a non-empty folder that is not an ssbattery report (unless ``force``),
    a folder holding a file of the user's that the report would replace (its own
    ``index.html``, or a ``KEY.png``/``KEY.svg``/``KEY.csv`` of a figure to build), and
    unknown ``only`` keys (:class:`~ssbattery.errors.InvalidParameterError`). A figure
    file of another name that would replace a user's file is found once the figures are
    built: the run is then refused the same way, the built figures kept for the next run.
    """
    import matplotlib

    matplotlib.use("Agg")
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    figures = all_figures()
    selected = _select(figures, only)
    # the folder a symlink names is the one swapped (the link itself stays as it was)
    out = _check_target(out_dir, force=force).resolve()
    staging, old = _siblings(out)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    t0 = time.perf_counter()
    with file_lock(out, option="out"):
        _recover(out, old)
        _refuse_clobbering(out, _planned_names(selected))  # before any figure is built
        previous = _read_manifest(out) if out.is_dir() else None
        done = _prepare_staging(staging, out, selected)
        new_runs: dict[str, FigureRun] = {}
        todo = [s for s in selected if s.key not in done]
        with Progress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            disable=not show_progress,
            transient=False,
        ) as progress:
            task = progress.add_task("reproduce", total=len(todo))
            for spec in todo:
                progress.update(task, description=f"{spec.review_ref}: {spec.title}")
                t1 = time.perf_counter()
                before = {p.name for p in staging.iterdir()}
                try:
                    artifact = build_recording_warnings(spec, staging)
                    run = FigureRun(spec, time.perf_counter() - t1, artifact=artifact)
                    done[spec.key] = _entry(run, staging)
                    _write_manifest(staging, done)  # a kill after this keeps the figure
                except Exception:  # keep the other figures: report this one's failure
                    run = FigureRun(spec, time.perf_counter() - t1, error=traceback.format_exc())
                    _drop_new(staging, before)  # no orphan file the manifest does not know
                new_runs[spec.key] = run
                progress.advance(task)
        runs = []
        for spec in figures:  # catalog order; figures never built are left out
            if spec.key in new_runs:
                runs.append(new_runs[spec.key])
            elif spec.key in done:
                runs.append(_run_from_entry(spec, done[spec.key], staging))
        result = ReportResult(
            staging, staging / "index.html", tuple(runs), time.perf_counter() - t0, started
        )
        _refuse_clobbering(out, {p.name for p in staging.iterdir()}, staging=staging)
        write_index(result)
        _swap_in(staging, out, old, previous)
    return _moved(result, staging, out)


def _moved(result: ReportResult, staging: Path, out: Path) -> ReportResult:
    """``result`` with its paths moved from the staging folder to the report folder."""

    def move(p: Path) -> Path:
        return out / p.relative_to(staging)

    runs = tuple(
        r
        if r.artifact is None
        else replace(
            r,
            artifact=replace(
                r.artifact,
                images=tuple(move(p) for p in r.artifact.images),
                tables=tuple(move(p) for p in r.artifact.tables),
            ),
        )
        for r in result.runs
    )
    return replace(result, out_dir=out, index=out / "index.html", runs=runs)
