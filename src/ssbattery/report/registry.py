"""The contract between figure builders and the report.

A builder is a function ``build(out_dir: Path) -> Artifact`` that computes one of the
review's figures or tables, writes its image(s) (PNG + SVG) and data (CSV) into
``out_dir`` and returns what it wrote, the parameters it used and a one-paragraph summary
of the numbers it measured.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.results import Recorded

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Artifact", "FigureSpec", "save_figure", "write_csv"]


@dataclass(frozen=True)
class Artifact(Recorded):
    """What one figure builder produced."""

    images: tuple[Path, ...] = ()
    tables: tuple[Path, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""

    def _title(self) -> str:
        return f"figure artifact: {self.summary}" if self.summary else "figure artifact"

    #: The package's own warnings raised while building (truncation, validity), shown in
    #: the figure's entry of the report (recorded by the runner, never swallowed).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class FigureSpec:
    """One entry of the report: a key (file stem), a title, where it is in the review."""

    key: str
    title: str
    review_ref: str
    build: Callable[[Path], Artifact]


def save_figure(fig: Figure, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Save ``fig`` as ``stem.png`` (150 dpi) and ``stem.svg`` in ``out_dir``; close it.

    Both files appear together or not at all (:class:`ssbattery.io.OutputBatch`).
    """
    import matplotlib.pyplot as plt

    from ssbattery.io import OutputBatch

    png = out_dir / f"{stem}.png"
    svg = out_dir / f"{stem}.svg"
    try:
        with OutputBatch() as batch:
            fig.savefig(batch.path(png), format="png", dpi=150, bbox_inches="tight")
            fig.savefig(batch.path(svg), format="svg", bbox_inches="tight")
    finally:
        plt.close(fig)
    return png, svg


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write a CSV file with a header row atomically; return its path."""
    from ssbattery.io import atomic_write

    with atomic_write(path) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return path
