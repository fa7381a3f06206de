"""Plots of the electrolyte dataset: Table 1 as a figure, the review beside OBELiX, and the
conductivity model's predictions against the measured values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ssbattery.plotting import new_axes
from ssbattery.plotting.electrolytes import ION_COLOURS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

    from ssbattery.electrolytes.dataset import Electrolyte

__all__ = ["TABLE1_COLUMNS", "plot_family_strip", "plot_parity", "plot_table1", "table1_cells"]

#: Column headers of :func:`plot_table1`.
TABLE1_COLUMNS = (
    "Solid electrolyte",
    "Crystal structure",
    "Space group",
    "Ferroelectric",
    "Eg character (§1.3)",
    "Stable vs alkali metal (text)",
    "σ [mS/cm]",
)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def table1_cells(rows: Sequence[Electrolyte]) -> list[list[str]]:
    """The cell texts of :func:`plot_table1` (one list per row, :data:`TABLE1_COLUMNS`)."""
    cells = []
    for r in rows:
        label = r.formula + (f" {r.name}" if r.name else "")
        cells.append(
            [
                label,
                r.crystal_system,
                r.space_group,
                _yes_no(r.ferroelectric),
                r.electronic_character,
                _yes_no(r.stable_vs_alkali_metal),
                r.conductivity_text("g"),
            ]
        )
    return cells


def plot_table1(rows: Sequence[Electrolyte], *, ax: Axes | None = None) -> Axes:
    """Draw the review's Table 1 electrolytes as a table (structure, judgements, σ).

    The axis is switched off; the table is ``ax.tables[0]`` (cell text readable back
    with ``ax.tables[0][row + 1, column].get_text().get_text()``).
    """
    ax = new_axes(ax, (13.0, 0.42 * (len(rows) + 2)))
    ax.axis("off")
    cells = table1_cells(rows)
    table = ax.table(
        cellText=cells or [[""] * len(TABLE1_COLUMNS)],
        colLabels=list(TABLE1_COLUMNS),
        loc="center",
        cellLoc="left",
        colLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.auto_set_column_width(list(range(len(TABLE1_COLUMNS))))
    table.scale(1.0, 1.35)
    for column in range(len(TABLE1_COLUMNS)):
        table[0, column].set_text_props(weight="bold")
    return ax


def plot_family_strip(
    review: Sequence[Electrolyte],
    others: Sequence[Electrolyte] = (),
    *,
    ax: Axes | None = None,
    other_label: str = "OBELiX",
) -> Axes:
    """log10 σ (mS/cm) by family: the review's values (dots) beside another table (grey).

    Rows without a conductivity or a family are skipped; upper bounds ("<") are drawn
    as open triangles, stated ranges as a vertical bar from the low to the high value
    (the dot at the high one). Families are ordered by the review's median σ.
    """
    import numpy as np

    ax = new_axes(ax, (10.0, 5.0))
    with_sigma = [r for r in review if r.conductivity_mS_cm is not None and r.family]
    families = sorted(
        {r.family for r in with_sigma},
        key=lambda f: float(np.median([r.conductivity_mS_cm for r in with_sigma if r.family == f])),
    )
    index = {f: i for i, f in enumerate(families)}
    rng = np.random.default_rng(0)  # fixed jitter so the figure is reproducible
    other_rows = [r for r in others if r.conductivity_mS_cm is not None and r.family in index]
    if other_rows:
        xs = np.array([index[r.family] for r in other_rows], dtype=float)
        xs += rng.uniform(-0.25, 0.25, xs.size)
        ys = np.array([r.conductivity_mS_cm for r in other_rows], dtype=float)
        ax.scatter(xs, ys, s=10, color="0.65", alpha=0.6, label=f"{other_label} (RT)")
    for ion, colour in ION_COLOURS.items():
        mine = [r for r in with_sigma if r.mobile_ion == ion]
        if not mine:
            continue
        xs = np.array([index[r.family] for r in mine], dtype=float)
        ys = np.array([r.conductivity_mS_cm for r in mine], dtype=float)
        bound = np.array([r.conductivity_qualifier == "<" for r in mine])
        for r, x in zip(mine, xs, strict=True):
            low, high = r.conductivity_low_mS_cm, r.conductivity_mS_cm
            if r.conductivity_qualifier == "range" and low is not None and high is not None:
                ax.vlines(x, low, high, color=colour, lw=2)
        ax.scatter(
            xs[~bound], ys[~bound], s=40, color=colour, edgecolor="k", label=f"review, {ion}⁺"
        )
        if bound.any():
            ax.scatter(xs[bound], ys[bound], s=40, facecolor="none", edgecolor=colour, marker="v")
    ax.set_yscale("log")
    ax.set_xticks(range(len(families)))
    ax.set_xticklabels(families, rotation=30, ha="right")
    ax.set_xlabel("structure family")
    ax.set_ylabel("ionic conductivity σ [mS cm⁻¹]")
    ax.axhline(1.0, color="0.3", lw=0.8, ls=":")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_parity(
    measured: ArrayLike,
    predicted: ArrayLike,
    lower: ArrayLike,
    upper: ArrayLike,
    censored: ArrayLike,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Predicted against measured log10 σ [S/cm], each prediction with its interval.

    A bar runs from ``lower`` to ``upper`` at the measured value: blue where the interval
    holds the measurement, red where it misses. A censored row ("<" bound, ``censored``) is an
    open left-pointing triangle at its bound (the true value lies to its left); its interval
    holds it when the lower end is at or below the bound. The diagonal is exact agreement,
    the dotted lines ± 1 decade.
    """
    import numpy as np

    y, p = np.asarray(measured, dtype=float), np.asarray(predicted, dtype=float)
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    c = np.asarray(censored, dtype=bool)
    covered = np.where(c, lo <= y, (lo <= y) & (y <= hi))
    ax = new_axes(ax, (6.0, 6.0))
    for mask, colour, label in ((covered, "tab:blue", "inside"), (~covered, "tab:red", "outside")):
        if mask.any():
            ax.vlines(y[mask], lo[mask], hi[mask], color=colour, lw=0.8, alpha=0.5)
            ax.scatter(
                y[mask & ~c], p[mask & ~c], s=14, color=colour, label=f"{label} its interval"
            )
            if (mask & c).any():
                ax.scatter(
                    y[mask & c], p[mask & c], s=30, marker="<", facecolor="none", edgecolor=colour
                )
    span = np.concatenate([y, lo, hi]) if y.size else np.array([-10.0, 0.0])
    a, b = float(span.min()) - 0.5, float(span.max()) + 0.5
    ax.plot([a, b], [a, b], color="0.3", lw=1)
    for d in (-1.0, 1.0):
        ax.plot([a, b], [a + d, b + d], color="0.5", lw=0.8, ls=":")
    ax.set_xlim(a, b)
    ax.set_ylim(a, b)
    ax.set_aspect("equal")
    ax.set_xlabel("measured log10 σ [S cm⁻¹]")
    ax.set_ylabel("predicted log10 σ [S cm⁻¹]")
    ax.legend(loc="upper left", fontsize=8)
    return ax
