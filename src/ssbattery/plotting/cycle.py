"""Plot of a general cycle's ledger: work and heat of every stroke (flows into the medium).

Takes ``ax=None`` (a new figure is made) and returns the axes; matplotlib is imported
inside. Energies in the units of the medium's Hamiltonian.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.thermal.cycle import CycleResult

__all__ = ["plot_cycle_ledger"]


def plot_cycle_ledger(result: CycleResult, ax: Axes | None = None) -> Axes:
    """Bars of the work (unitary and feedback strokes) and the heat (thermal strokes, summed
    over their baths) of each stroke in the limit cycle; the title quotes W, η and the
    first-law residual."""
    ax = new_axes(ax, (6.0, 3.8))
    names = [s.name or s.kind for s in result.strokes]
    work = np.array([s.work for s in result.strokes])
    heat = np.array([sum(s.heat) for s in result.strokes])
    x = np.arange(len(names))
    ax.bar(x - 0.2, work, width=0.4, label="work into the medium")
    ax.bar(x + 0.2, heat, width=0.4, label="heat into the medium")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_xticks(x, names, rotation=20)
    ax.set_ylabel("energy per cycle")
    eta = f", η = {result.efficiency:.4f}" if np.isfinite(result.efficiency) else ""
    ax.set_title(
        f"W = {result.work:.4g}{eta}, |first law| = {result.first_law_residual:.1e}",
        fontsize="small",
    )
    ax.legend(fontsize="small")
    return ax
