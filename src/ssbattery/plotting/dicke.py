"""Figures of the Dicke battery (review Fig. 12 and §2.3.4): one function per figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke_scaling import EtaSweep, ScalingResult

__all__ = ["plot_dicke_charging", "plot_dicke_scaling", "plot_eta_sweep"]


def _axes(ax: Axes | None) -> Axes:
    return new_axes(ax, (5.0, 3.6))


def plot_dicke_scaling(
    result: ScalingResult, *, ax: Axes | None = None, label: str = "simulation"
) -> Axes:
    """Pmax vs N on log–log axes with the fit β N^α (α in the legend), as in Fig. 12."""
    ax = _axes(ax)
    fit = result.fit
    (points,) = ax.loglog(result.n_atoms, result.power_max, "o", label=label)
    n_line = np.geomspace(result.n_atoms.min(), result.n_atoms.max(), 100)
    ax.loglog(
        n_line,
        fit.prefactor * n_line**fit.exponent,
        "-",
        color=points.get_color(),
        label=f"fit: α = {fit.exponent:.3f} ± {fit.stderr:.3f}, R² = {fit.r2:.4f}",
    )
    ax.set_xlabel("number of two-level systems N")
    ax.set_ylabel(r"maximum power $P_{max}$ [$\hbar\omega_c^2$]")
    ax.legend(frameon=False)
    return ax


def plot_eta_sweep(sweep: EtaSweep, *, ax: Axes | None = None) -> Axes:
    """Maximum stored energy vs atom–atom interaction η, with η_crit marked (§2.3.4)."""
    ax = _axes(ax)
    n = sweep.parameters.get("n_atoms", "?")
    ax.plot(sweep.eta, sweep.energy_max, "o-", ms=3, label=f"$E_{{max}}$, N = {n}")
    ax.axvline(
        sweep.eta_critical,
        color="k",
        ls="--",
        lw=1,
        label=rf"$\eta_{{crit}} = \omega_a - 4\omega_c g^2N$ = {sweep.eta_critical:.3g}",
    )
    ax.set_xlabel(r"atom–atom interaction $\eta$ [$\hbar\omega_c$]")
    ax.set_ylabel(r"maximum stored energy $E_{max}$ [$\hbar\omega_c$]")
    ax.legend(frameon=False)
    return ax


def plot_dicke_charging(result: ChargingResult, *, ax: Axes | None = None) -> Axes:
    """E(t), ergotropy and P(t) of one charging run (P on a twin axis)."""
    ax = _axes(ax)
    p: dict[str, Any] = dict(result.parameters)
    ax.plot(result.times, result.energy, label="stored energy E(t)")
    if np.all(np.isfinite(result.ergotropy)):
        ax.plot(result.times, result.ergotropy, "--", label="ergotropy of the atoms")
    ax.set_xlabel(r"time t [$1/\omega_c$]")
    ax.set_ylabel(r"energy [$\hbar\omega_c$]")
    twin = ax.twinx()
    twin.plot(result.times, result.power, color="C3", label="power P(t) = E/t")
    twin.plot([result.t_power_max], [result.power_max], "o", color="C3")
    twin.set_ylabel(r"power [$\hbar\omega_c^2$]")
    lines = ax.get_lines() + twin.get_lines()[:1]
    ax.legend(lines, [str(line.get_label()) for line in lines], frameon=False, fontsize=8)
    ax.set_title(f"Dicke battery, N = {p.get('n_atoms', '?')}, g = {p.get('coupling', '?')}")
    return ax
