"""Figures of the open Dicke battery (issue 12): the advantage and the half-life vs noise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.quantum.open.scan import NoiseScan

__all__ = ["plot_noise_scan"]

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
