"""Plots of the spin-chain battery (review §2.3.8–2.3.9, Fig. 14)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.spin_chain import AnisotropySweep

__all__ = ["plot_anisotropy_sweep", "plot_chain_charging"]


def plot_anisotropy_sweep(sweep: AnisotropySweep, ax: Axes | None = None) -> Axes:
    """Fig. 14: P_max(α)/P_max(α = 1) against the anisotropy α, one line per range."""
    ax = new_axes(ax, (5.0, 3.6))
    labels = {"nn": "nearest neighbour", "lr": "long range"}
    markers = {"nn": "o", "lr": "s"}
    for kind, ratio in sweep.ratio.items():
        ax.plot(
            sweep.alphas,
            ratio,
            marker=markers.get(kind, "^"),
            markersize=3,
            label=labels.get(kind, kind),
        )
    ax.axhline(1.0, color="0.5", lw=0.8, ls="--", label="α = 1 (N independent spins)")
    p = sweep.parameters
    ax.set_xlabel("anisotropy α")
    ax.set_ylabel("P_max(α) / P_max(α = 1)")
    ax.set_title(
        f"N = {p['n_sites']}, B = {p['field']:g}, ω = {p['charging']:g}, "
        f"g = {p['coupling']:g}, p = {p['decay']:g}",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    return ax


def plot_chain_charging(result: ChargingResult, ax: Axes | None = None) -> Axes:
    """Stored energy W(t) and average power P(t) of one charging run (twin y axes)."""
    ax = new_axes(ax, (5.0, 3.6))
    t = result.times
    ax.plot(t, result.energy, color="C0", label="stored energy W(t)")
    ax.set_xlabel("time t [ħ/a.u.]")
    ax.set_ylabel("stored energy W(t) [a.u.]")
    ax2 = ax.twinx()
    ax2.plot(t, result.power, color="C1", label="average power P(t) = W/t")
    ax2.plot([result.t_power_max], [result.power_max], "o", color="C3", label="P_max", markersize=4)
    ax2.set_ylabel("average power P(t) [a.u.²/ħ]")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [str(line.get_label()) for line in lines], fontsize=8, loc="best")
    ax.set_xlim(0.0, float(np.max(t)))
    return ax
