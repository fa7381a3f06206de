"""Plots of the cell part: band alignment, discharge, Landau NC, self-charging, topology.

Each function draws one panel on ``ax`` (a new figure when None) and returns the axes;
matplotlib is imported inside. Line labels name the quantity so tests can read data back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.cell.alignment import Alignment
    from ssbattery.cell.discharge import DischargeCurve
    from ssbattery.cell.landau import HysteresisLoop, LandauCoefficients
    from ssbattery.cell.self_charging import BifurcationDiagram, SelfChargingCell, SelfChargingRun
    from ssbattery.cell.topology import BBHResult, QWZRibbon

__all__ = [
    "plot_band_diagram",
    "plot_bbh_corner_density",
    "plot_bifurcation",
    "plot_discharge_curve",
    "plot_hysteresis",
    "plot_landau_capacitance",
    "plot_landau_energy",
    "plot_nc_vs_temperature",
    "plot_phase_portrait",
    "plot_qwz_ribbon",
    "plot_self_charging_voltage",
    "plot_ssh_spectrum",
]


def _axes(ax: Axes | None) -> Axes:
    return new_axes(ax, (5, 4))


def plot_band_diagram(
    alignment: Alignment,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    labels: tuple[str, str, str] = ("anode", "electrolyte", "cathode"),
) -> Axes:
    """Fig. 1-style diagram: electrode Fermi levels, electrolyte bands and μ_E, double layers.

    Lines (labels): "μ_A", "μ_E", "μ_C", and "E_C", "E_V" when the band edges are known.
    Energies in eV vs vacuum (E₀ = 0).
    """
    ax = _axes(ax)
    a = alignment
    levels = [a.mu_anode_eV, a.mu_electrolyte_eV, a.mu_cathode_eV]
    if a.cbm_eV is not None and a.vbm_eV is not None:
        levels += [a.cbm_eV, a.vbm_eV]
    lo, hi = min(levels) - 0.8, max(max(levels) + 0.8, 0.2)
    ax.fill_between([0, 1], lo, a.mu_anode_eV, color="tab:blue", alpha=0.3, lw=0)
    ax.fill_between([2, 3], lo, a.mu_cathode_eV, color="tab:red", alpha=0.3, lw=0)
    ax.plot([0, 1], [a.mu_anode_eV] * 2, color="tab:blue", lw=2, label="μ_A")
    ax.plot([2, 3], [a.mu_cathode_eV] * 2, color="tab:red", lw=2, label="μ_C")
    if a.cbm_eV is not None and a.vbm_eV is not None:
        ax.fill_between([1, 2], a.cbm_eV, hi, color="0.85", lw=0)
        ax.fill_between([1, 2], lo, a.vbm_eV, color="0.6", lw=0)
        ax.plot([1, 2], [a.cbm_eV] * 2, color="k", lw=1.5, label="E_C")
        ax.plot([1, 2], [a.vbm_eV] * 2, color="k", lw=1.5, label="E_V")
    ax.plot([1, 2], [a.mu_electrolyte_eV] * 2, color="tab:green", lw=2, ls="--", label="μ_E")
    # double layers: vertical walls at the interfaces, arrows spanning ΔV_AE and ΔV_EC
    ax.axvline(1, color="k", lw=0.8)
    ax.axvline(2, color="k", lw=0.8)
    for x, y0, y1, name, val in (
        (0.97, a.mu_anode_eV, a.mu_electrolyte_eV, "ΔV_AE", a.dV_AE),
        (2.03, a.mu_cathode_eV, a.mu_electrolyte_eV, "ΔV_EC", a.dV_EC),
    ):
        ax.annotate("", xy=(x, y1), xytext=(x, y0), arrowprops={"arrowstyle": "<->", "lw": 1})
        ax.text(
            x + (0.05 if x > 1.5 else -0.05),
            (y0 + y1) / 2,
            f"{name}\n{val:.2f} V",
            ha="left" if x > 1.5 else "right",
            va="center",
            fontsize=7,
        )
    ax.axhline(0.0, color="0.5", lw=0.6, ls=":")
    ax.set_xlim(-0.1, 3.1)
    ax.set_ylim(lo, hi)
    ax.set_xticks([0.5, 1.5, 2.5], labels)
    ax.set_ylabel("Energy vs vacuum (eV)")
    ax.set_title(title or f"ΔV = {a.formula} = {a.cell_voltage:.2f} V ({a.profile})", fontsize=8)
    ax.legend(fontsize=6, loc="lower center", ncol=3)
    return ax


def plot_discharge_curve(curve: DischargeCurve, ax: Axes | None = None) -> Axes:
    """Equilibrium discharge ΔV vs capacity (line "equilibrium") with the homogeneous
    (single-phase) curve dotted ("homogeneous") and the plateau range shaded."""
    ax = _axes(ax)
    ax.plot(
        curve.capacity_mAh_g,
        curve.mu_anode_eV - curve.homogeneous_mu_eV,
        ":",
        color="0.5",
        label="homogeneous",
    )
    ax.plot(curve.capacity_mAh_g, curve.voltage_V, color="tab:blue", lw=2, label="equilibrium")
    if curve.plateau_x is not None:
        scale = curve.capacity_mAh_g[-1] / curve.x[-1]
        ax.axvspan(
            curve.plateau_x[0] * scale,
            curve.plateau_x[1] * scale,
            color="tab:orange",
            alpha=0.15,
            label="two phases coexist",
        )
    if curve.mu_electrolyte_eV is not None:
        ax.axhline(
            curve.mu_anode_eV - curve.mu_electrolyte_eV,
            color="tab:green",
            ls="--",
            lw=1,
            label="μ_C = μ_E",
        )
    ax.set_xlabel("Capacity (mA h g⁻¹)")
    ax.set_ylabel("Cell voltage ΔV (V)")
    ax.legend(fontsize=7)
    return ax


def plot_landau_energy(
    coeffs: LandauCoefficients,
    ax: Axes | None = None,
    *,
    fields: tuple[float, ...] = (0.0,),
    q_max: float | None = None,
) -> Axes:
    """U(Q) − EQ for each field in ``fields`` (lines labelled "E = …")."""
    from ssbattery.cell.landau import energy, spontaneous_polarisation

    ax = _axes(ax)
    qm = q_max or 1.6 * max(spontaneous_polarisation(coeffs), 1e-12)
    q = np.linspace(-qm, qm, 801)
    for e in fields:
        ax.plot(q, energy(coeffs, q, e), label=f"E = {e:.3g}")
    ax.set_xlabel("Polarisation charge Q")
    ax.set_ylabel("U(Q) − EQ")
    ax.legend(fontsize=7)
    return ax


def plot_landau_capacitance(
    coeffs: LandauCoefficients, ax: Axes | None = None, *, q_max: float | None = None
) -> Axes:
    """Inverse capacitance d²U/dQ² vs Q (line "d²U/dQ²"), NC region shaded."""
    from ssbattery.cell.landau import (
        inverse_capacitance,
        negative_capacitance_bounds,
        spontaneous_polarisation,
    )

    ax = _axes(ax)
    qm = q_max or 1.6 * max(spontaneous_polarisation(coeffs), 1e-12)
    q = np.linspace(-qm, qm, 801)
    ax.plot(q, inverse_capacitance(coeffs, q), color="tab:purple", label="d²U/dQ²")
    nc = negative_capacitance_bounds(coeffs)
    if nc is not None:
        for s in (1, -1):
            ax.axvspan(
                s * nc[0],
                s * nc[1],
                color="tab:red",
                alpha=0.15,
                label="C_F < 0" if s == 1 else None,
            )
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("Polarisation charge Q")
    ax.set_ylabel("1/C_F = d²U/dQ²")
    ax.legend(fontsize=7)
    return ax


def plot_hysteresis(loop: HysteresisLoop, ax: Axes | None = None) -> Axes:
    """Quasi-static P–E loop: lines "sweep up" and "sweep down"."""
    ax = _axes(ax)
    ax.plot(loop.E_up, loop.Q_up, color="tab:blue", label="sweep up")
    ax.plot(loop.E_down, loop.Q_down, color="tab:orange", ls="--", label="sweep down")
    ax.axvline(loop.coercive_field, color="0.5", lw=0.6, ls=":")
    ax.axvline(-loop.coercive_field, color="0.5", lw=0.6, ls=":")
    ax.set_xlabel("Field E")
    ax.set_ylabel("Polarisation Q")
    ax.set_title(
        f"E_c = {loop.coercive_field:.3g}, P_r = {loop.remanent_polarisation:.3g}", fontsize=8
    )
    ax.legend(fontsize=7)
    return ax


def plot_nc_vs_temperature(
    temperatures_K: NDArray[np.float64],
    nc_half_width: NDArray[np.float64],
    ax: Axes | None = None,
    *,
    curie_K: float | None = None,
) -> Axes:
    """NC region (±half-width in Q) vs temperature: line "NC edge"."""
    ax = _axes(ax)
    ax.fill_between(temperatures_K, -nc_half_width, nc_half_width, color="tab:red", alpha=0.2)
    ax.plot(temperatures_K, nc_half_width, color="tab:red", label="NC edge")
    ax.plot(temperatures_K, -nc_half_width, color="tab:red")
    if curie_K is not None:
        ax.axvline(curie_K, color="k", ls="--", lw=0.8, label="T_c")
    ax.set_xlabel("Temperature (K)")
    ax.set_ylabel("Q range with C_F < 0")
    ax.legend(fontsize=7)
    return ax


def plot_self_charging_voltage(run: SelfChargingRun, ax: Axes | None = None) -> Axes:
    """Terminal voltage V(t) across the load (line "V") with the rising, discharging
    intervals marked."""
    ax = _axes(ax)
    ax.plot(run.t_s, run.voltage_V, color="tab:blue", lw=1, label="V")
    dv = np.gradient(run.voltage_V, run.t_s)
    rising = (dv > 0) & (run.current_A > 0)
    ax.fill_between(
        run.t_s,
        run.voltage_V.min(),
        run.voltage_V.max(),
        where=rising,
        color="tab:green",
        alpha=0.12,
        lw=0,
        label="V rises while I > 0",
    )
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Voltage on the load (V)")
    ax.legend(fontsize=7)
    return ax


def plot_phase_portrait(
    cell: SelfChargingCell, run: SelfChargingRun, ax: Axes | None = None
) -> Axes:
    """Trajectory in (Q, w) ("trajectory") with the two nullclines ("dQ/dt = 0", "dw/dt = 0")."""
    ax = _axes(ax)
    qs = np.linspace(run.Q_C.min(), run.Q_C.max(), 400)
    pad = 0.2 * (qs[-1] - qs[0] + 1e-12)
    qs = np.linspace(qs[0] - pad, qs[-1] + pad, 400)
    ax.plot(
        qs * 1e3,
        cell.emf_V - cell.kappa * (cell.builtin_V + cell.f(qs)),
        color="tab:red",
        lw=1,
        label="dQ/dt = 0",
    )
    ax.plot(qs * 1e3, cell.feedback_V_per_C * qs, color="tab:green", lw=1, label="dw/dt = 0")
    ax.plot(run.Q_C * 1e3, run.w_V, color="tab:blue", lw=0.8, label="trajectory")
    ax.plot([run.fixed.Q * 1e3], [run.fixed.w], "ko", ms=4, label="fixed point")
    ax.set_xlabel("Double-layer charge Q (mC)")
    ax.set_ylabel("Interface-phase back-EMF w (V)")
    ax.set_ylim(
        run.w_V.min() - 0.3 * np.ptp(run.w_V) - 0.1, run.w_V.max() + 0.3 * np.ptp(run.w_V) + 0.1
    )
    ax.legend(fontsize=7)
    return ax


def plot_bifurcation(diagram: BifurcationDiagram, ax: Axes | None = None) -> Axes:
    """Attractor's V range vs load ("V max", "V min") and the steady state ("fixed point"),
    with the Hopf load from the Jacobian marked."""
    ax = _axes(ax)
    r = diagram.load_ohm
    ax.plot(r, diagram.fixed_voltage_V, "k--", lw=1, label="fixed point")
    ax.plot(r, diagram.v_max, "o-", color="tab:blue", ms=3, label="V max")
    ax.plot(r, diagram.v_min, "o-", color="tab:orange", ms=3, label="V min")
    if diagram.hopf_load_ohm is not None:
        ax.axvline(
            diagram.hopf_load_ohm,
            color="tab:red",
            lw=1,
            label=f"Hopf (Jacobian) {diagram.hopf_load_ohm:.0f} Ω",
        )
    ax.set_xscale("log")
    ax.set_xlabel("Load resistance R_L (Ω)")
    ax.set_ylabel("Voltage on the load (V)")
    ax.legend(fontsize=7)
    return ax


def plot_ssh_spectrum(
    ratios: NDArray[np.float64], spectra: NDArray[np.float64], ax: Axes | None = None
) -> Axes:
    """Open-chain SSH energies vs v/w (one line per eigenvalue, the two mid-spectrum ones
    labelled "edge modes")."""
    ax = _axes(ax)
    n = spectra.shape[1]
    for j in range(n):
        mid = j in (n // 2 - 1, n // 2)
        ax.plot(
            ratios,
            spectra[:, j],
            color="tab:red" if mid else "0.6",
            lw=1.5 if mid else 0.6,
            label="edge modes" if j == n // 2 else None,
        )
    ax.axvline(1.0, color="k", ls=":", lw=0.8)
    ax.set_xlabel("v / w")
    ax.set_ylabel("Energy (units of w)")
    ax.legend(fontsize=7)
    return ax


def plot_bbh_corner_density(result: BBHResult, ax: Axes | None = None) -> Axes:
    """Density of the four mid-gap BBH states on the flake (image)."""
    ax = _axes(ax)
    im = ax.imshow(result.corner_density.T, origin="lower", cmap="viridis")
    ax.figure.colorbar(im, ax=ax, label="density of the 4 mid-gap states")
    ax.set_xlabel("cell x")
    ax.set_ylabel("cell y")
    ax.set_title(
        f"|E| ≤ {np.max(np.abs(result.corner_energies)):.1e}, corner weight "
        f"{result.corner_weight:.2f}",
        fontsize=8,
    )
    return ax


def plot_qwz_ribbon(ribbon: QWZRibbon, ax: Axes | None = None) -> Axes:
    """Ribbon bands E(k_x), coloured by weight on the boundary rows (scatter)."""
    ax = _axes(ax)
    k = np.repeat(ribbon.kx, ribbon.energies.shape[1])
    sc = ax.scatter(
        k,
        ribbon.energies.ravel(),
        c=ribbon.edge_weight.ravel(),
        s=2,
        cmap="coolwarm",
        vmin=0,
        vmax=1,
    )
    ax.figure.colorbar(sc, ax=ax, label="weight on edge rows")
    ax.set_xlabel("k_x (1/a)")
    ax.set_ylabel("Energy (hopping units)")
    ax.set_title(f"QWZ ribbon u = {ribbon.u:g}, Chern number {ribbon.chern_number}", fontsize=8)
    return ax
