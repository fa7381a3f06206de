"""Figures of the open Dicke battery (issue 12): the advantage and the half-life vs noise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.quantum.open.scan import AdvantageLoss, NoiseScan

__all__ = ["plot_advantage", "plot_noise_scan"]

_LABELS = {
    "dephasing": "local dephasing γ_φ [ωc]",
    "cavity_loss": "cavity loss κ [ωc]",
    "decay": "local decay γ↓ [ωc]",
    "pumping": "local pumping γ↑ [ωc]",
    "collective_decay": "collective decay γ_c [ωc]",
}


def plot_noise_scan(scan: NoiseScan, *, axes: tuple[Axes, Axes] | None = None) -> tuple[Axes, Axes]:
    """Left: the exponent α of P_max ∝ N^α (± its standard error) with the closed-battery
    limit 3/2 marked; right: the ergotropy half-life for each N. The scanned rate on a
    symmetric-log x axis (its first value may be 0)."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, pair = plt.subplots(1, 2, figsize=(9.0, 3.6))
        axes = (pair[0], pair[1])
    left, right = axes
    x = scan.values
    positive = x[x > 0]
    thresh = float(positive.min()) if positive.size else 1.0
    left.errorbar(x, scan.alpha, yerr=scan.alpha_stderr, fmt="o-", capsize=3)
    left.axhline(1.5, color="0.5", ls="--", lw=1, label="N^{3/2} (closed, large N)")
    left.axhline(1.0, color="0.7", ls=":", lw=1, label="parallel (α = 1)")
    left.set_ylabel(f"α of P_max ∝ N^α, N = {scan.n_atoms.min()}–{scan.n_atoms.max()}")
    for j, n in enumerate(scan.n_atoms):
        hl = np.where(np.isfinite(scan.half_life[:, j]), scan.half_life[:, j], np.nan)
        right.plot(x, hl, "o-", label=f"N = {n}")
    right.set_ylabel("ergotropy half-life [1/ωc]")
    right.set_yscale("log")
    for ax in axes:
        ax.set_xscale("symlog", linthresh=thresh)
        ax.set_xlabel(_LABELS.get(scan.parameter, scan.parameter))
        ax.legend(frameon=False, fontsize=7)
    return axes


def plot_advantage(scan: NoiseScan, loss: AdvantageLoss, *, ax: Axes | None = None) -> Axes:
    """α of P_max ∝ N^α against the scanned rate (left axis, with the criterion
    ``loss.alpha_threshold`` and the crossing rate* marked where found) and the
    collective-to-parallel ratio at the largest N (right axis, dashed, with its threshold).
    Returns the α axes; the ratio's twin is ``ax.ratio_axes``."""
    ax = new_axes(ax, (4.6, 3.6))
    x = scan.values
    positive = x[x > 0]
    thresh = float(positive.min()) if positive.size else 1.0
    ax.plot(x, scan.alpha, "o-", color="C0", label="α (fit over N)")
    ax.axhline(
        loss.alpha_threshold, color="C0", ls=":", lw=1, label=f"α = {loss.alpha_threshold:g}"
    )
    ax.axhline(1.5, color="0.5", ls="--", lw=1, label="N^{3/2}")
    twin = ax.twinx()
    twin.plot(
        x, scan.ratio[:, -1], "s--", color="C3", label=f"P_max(N)/(N P_max(1)), N = {loss.n_max}"
    )
    twin.axhline(loss.ratio_threshold, color="C3", ls=":", lw=1)
    twin.set_ylabel("collective / parallel power", color="C3")
    for rate, color in ((loss.rate_alpha, "C0"), (loss.rate_ratio, "C3")):
        if np.isfinite(rate):
            ax.axvline(rate, color=color, lw=1, alpha=0.6)
    ax.set_ylabel("α", color="C0")
    ax.set_xscale("symlog", linthresh=thresh)
    ax.set_xlim(float(x.min()), float(x.max()) * 1.3)  # no empty negative decades
    ax.set_xlabel(_LABELS.get(scan.parameter, scan.parameter))
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], frameon=False, fontsize=7)
    ax.ratio_axes = twin  # type: ignore[attr-defined]
    return ax
