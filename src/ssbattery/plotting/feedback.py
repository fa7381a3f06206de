"""Figures of the measurement-feedback machines and the learned engine cycle (review §2.4).

One function per panel: each takes ``ax=None`` (a new figure when None) and returns the axes.
matplotlib is imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.thermal.feedback import DemonScan
    from ssbattery.thermal.learning import CycleMetrics, LearningResult

__all__ = [
    "plot_demon_heat_vs_coupling",
    "plot_learned_vs_otto",
    "plot_learning_curve",
    "plot_power_vs_period",
    "plot_refrigerator_modes",
]

_BATH_COLOURS = {0: "#dddddd", 1: "#f4a582", 2: "#92c5de"}


def _axes(ax: Axes | None) -> Axes:
    return new_axes(ax, (6, 4))


def plot_demon_heat_vs_coupling(scan: DemonScan, ax: Axes | None = None) -> Axes:
    """Heat extracted per cycle vs the σz–σz coupling g, mean ± one standard deviation.

    Lines (in this order): joint measurement, Q1 measured only, two parallel single-qubit
    demons (independent of g); shaded bands: ± the per-cycle fluctuation.
    """
    ax = _axes(ax)
    g = scan.couplings
    parallel = np.full_like(g, scan.parallel_mean)
    for mean, std, label, colour in (
        (scan.joint_mean, scan.joint_std, "joint measurement (Q1 and Q2)", "C0"),
        (scan.single_mean, scan.single_std, "Q1 measured only", "C2"),
        (parallel, np.full_like(g, scan.parallel_std), "two parallel single-qubit demons", "C1"),
    ):
        ax.plot(g, mean, "-o", ms=3, color=colour, label=label)
        ax.fill_between(g, mean - std, mean + std, color=colour, alpha=0.15, lw=0)
    ax.set_xlabel("σz–σz coupling g [ω1]")
    ax.set_ylabel("heat extracted per cycle [ω1]")
    ax.set_title(f"Maxwell's demon, T = {scan.temperature:g} ω1, τ = {scan.tau:g}/γ")
    ax.legend(fontsize=8)
    return ax


def plot_refrigerator_modes(
    taus: NDArray[np.float64],
    cooling_power: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
) -> Axes:
    """Cooling power of the cold bath vs the thermalisation time τ, one line per mode."""
    ax = _axes(ax)
    for mode, values in cooling_power.items():
        ax.plot(taus, values, "-o", ms=3, label=mode)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_xscale("log")
    ax.set_xlabel("thermalisation time τ [1/γ]")
    ax.set_ylabel("cooling power Q_c/τ [ω1 γ]")
    ax.set_title("Measurement-assisted refrigerator")
    ax.legend(title="mode", fontsize=8)
    return ax


def plot_learning_curve(result: LearningResult, ax: Axes | None = None) -> Axes:
    """Learning curve: best, elite-mean and population-mean power per iteration, and Otto."""
    ax = _axes(ax)
    it = np.arange(1, result.iterations + 1)
    ax.plot(it, result.best_power, label="best so far")
    ax.plot(it, result.elite_power, label="elite mean")
    ax.plot(it, result.mean_power, label="population mean", alpha=0.7)
    ax.axhline(result.otto.metrics.power, color="k", ls="--", label="best Otto (same period)")
    ax.set_xlabel("iteration")
    ax.set_ylabel("average power [E0 Γ]")
    ax.set_title(f"Cross-entropy policy search (seed {result.seed})")
    ax.legend(fontsize=8)
    return ax


def _step_line(metrics: CycleMetrics) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    edges = np.concatenate([[0.0], np.cumsum(metrics.durations)])
    return edges, np.concatenate([metrics.u, metrics.u[-1:]])


def plot_learned_vs_otto(result: LearningResult, ax: Axes | None = None) -> Axes:
    """Control u(t) over one period: learned cycle (line 0) and best Otto cycle (line 1).

    The background of each step shows the learned cycle's bath (red hot, blue cold, grey
    none).
    """
    ax = _axes(ax)
    t, u = _step_line(result.learned)
    ax.step(t, u, where="post", color="C3", lw=2, label="learned")
    to, uo = _step_line(result.otto.metrics)
    ax.step(to, uo, where="post", color="k", ls="--", label="best Otto")
    for k, b in enumerate(result.learned.bath):
        ax.axvspan(t[k], t[k + 1], color=_BATH_COLOURS[int(b)], alpha=0.5, lw=0)
    ax.set_xlabel("time in the cycle [1/Γ]")
    ax.set_ylabel("control u (E = E0 u)")
    ax.set_title(
        f"P_learned = {result.learned.power:.4f}, P_Otto = {result.otto.metrics.power:.4f} [E0 Γ]",
        fontsize=9,
    )
    ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_power_vs_period(
    periods: NDArray[np.float64],
    learned_power: Sequence[float],
    otto_power: Sequence[float],
    ax: Axes | None = None,
) -> Axes:
    """Average power vs cycle period: learned cycles (line 0) and best Otto cycles (line 1)."""
    ax = _axes(ax)
    ax.plot(periods, learned_power, "-o", color="C3", label="learned (16 steps)")
    ax.plot(periods, otto_power, "--s", color="k", label="best Otto")
    ax.set_xscale("log")
    ax.set_xticks(list(periods), [f"{t:g}" for t in periods])
    ax.minorticks_off()
    ax.set_xlabel("cycle period [1/Γ]")
    ax.set_ylabel("average power [E0 Γ]")
    ax.set_title("Same u range and baths, period scan")
    ax.legend(fontsize=8)
    return ax
