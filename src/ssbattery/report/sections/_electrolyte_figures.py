"""What every electrolytes report builder does last: save the figure, write the CSVs.

Shared by :mod:`ssbattery.report.sections.electrolytes` and
:mod:`ssbattery.report.sections.electrolytes_data` so that each builder only computes,
draws and words its summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.report.registry import Artifact, save_figure, write_csv

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CsvTable", "use_agg", "write_artifact"]

#: One CSV of an artifact: file stem, header, rows.
CsvTable = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def use_agg() -> None:
    """Select matplotlib's non-interactive Agg backend (report builders run headless)."""
    import matplotlib

    matplotlib.use("Agg")


def write_artifact(
    ax: Axes,
    out_dir: Path,
    stem: str,
    tables: Sequence[CsvTable],
    *,
    parameters: Mapping[str, Any],
    summary: str,
) -> Artifact:
    """Save ``ax``'s figure as ``stem``.png/.svg and each table as ``<its stem>.csv``."""
    from matplotlib.figure import Figure

    figure = ax.get_figure()
    if not isinstance(figure, Figure):
        raise TypeError(f"the axes of {stem!r} belong to no top-level figure")
    png, svg = save_figure(figure, out_dir, stem)
    paths = tuple(write_csv(out_dir / f"{name}.csv", header, rows) for name, header, rows in tables)
    return Artifact(images=(png, svg), tables=paths, parameters=parameters, summary=summary)
