"""Report figures of the cell part: eq. 1 alignment (Fig. 1), Landau NC (Fig. 9), the
self-charging cell (Fig. 16c) and topological boundary states (Fig. 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv

__all__ = ["FIGURES"]

#: Landau coefficients of the report (dimensionless units): quartic, α = α₀ (T − T_c).
_ALPHA0, _TC, _T, _BETA = 0.01, 400.0, 300.0, 1.0


#: The Fig. 1 cathode's plateau lies this far below the electrolyte's mid-gap μ_E (eV), so that
#: the end of discharge carries μ_C past μ_E as in the review's Fig. 1c; our choice of a
#: schematic cathode, not a measured one.
_PLATEAU_BELOW_MU_E_EV = 0.05


def _fig1_cell() -> tuple[Any, Any, Any, Any, Any]:
    """The one cell both Fig. 1 panels show: Li | Li6PS5Cl | two-phase cathode.

    μ(Li), μ(Cu) and Li6PS5Cl's band gap and CBM come from the package's data
    (:func:`ssbattery.cell.alignment.find_electrode`, :func:`~ssbattery.cell.alignment.
    find_electrolyte_levels`); μ_E = E_c − Eg/2 is the electrolyte's mid-gap potential, used
    by both panels. Returns (Li, Cu, Li6PS5Cl levels, cathode, discharge curve).
    """
    from ssbattery.cell.alignment import find_electrode, find_electrolyte_levels
    from ssbattery.cell.discharge import RegularSolutionCathode, discharge_curve

    li = find_electrode("Li")
    cu = find_electrode("Cu")
    lpscl = find_electrolyte_levels("Li6PS5Cl")
    cath = RegularSolutionCathode(mu0_eV=lpscl.mu_eV - _PLATEAU_BELOW_MU_E_EV)
    curve = discharge_curve(cath, mu_anode_eV=li.mu_eV, mu_electrolyte_eV=lpscl.mu_eV)
    return li, cu, lpscl, cath, curve


def _band_alignment(out: Path) -> Artifact:
    import matplotlib.pyplot as plt

    from ssbattery.cell.alignment import align
    from ssbattery.plotting.cell import plot_band_diagram

    li, cu, lpscl, cath, curve = _fig1_cell()
    mu_e = lpscl.mu_eV
    states = [
        ("a: charged, μ_C = μ(Cu)", cu.mu_eV),
        ("b: two-phase plateau, μ_C1 = μ_C2", cath.mu0_eV),
        ("c: end of discharge, μ_C passed μ_E", float(curve.mu_cathode_eV[-1])),
    ]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained", sharey=True)
    rows = []
    for ax, (label, mu_c) in zip(axes, states, strict=True):
        a = align(li.mu_eV, mu_c, band_gap_eV=lpscl.band_gap_eV, cbm_eV=lpscl.cbm_eV)
        plot_band_diagram(
            a,
            ax,
            labels=("Li", "Li6PS5Cl", "cathode"),
            title=f"({label})\nΔV = {a.formula} = {a.cell_voltage:.2f} V",
        )
        rows.append(
            [
                label,
                a.mu_anode_eV,
                a.mu_electrolyte_eV,
                a.mu_cathode_eV,
                a.cbm_eV,
                a.vbm_eV,
                a.dV_AE,
                a.dV_EC,
                a.cell_voltage,
                a.formula,
                a.profile,
                a.electron_drift_from_anode,
            ]
        )
    fig.suptitle("Eq. 1 alignment: Li / Li6PS5Cl / cathode (energies vs vacuum)")
    images = save_figure(fig, out, "fig1_band_alignment")
    table = write_csv(
        out / "fig1_band_alignment.csv",
        [
            "state",
            "mu_A_eV",
            "mu_E_eV",
            "mu_C_eV",
            "E_C_eV",
            "E_V_eV",
            "dV_AE_V",
            "dV_EC_V",
            "cell_voltage_V",
            "formula",
            "profile",
            "electron_drift_from_anode",
        ],
        rows,
    )
    return Artifact(
        images=images,
        tables=(table,),
        parameters={
            "mu_Li_eV": li.mu_eV,
            "mu_Cu_eV": cu.mu_eV,
            "Li6PS5Cl_band_gap_eV": lpscl.band_gap_eV,
            "Li6PS5Cl_cbm_eV": lpscl.cbm_eV,
            "Li6PS5Cl_source": lpscl.source,
            "mu_C_panels_eV": [s[1] for s in states],
            "mu_electrolyte_eV": mu_e,
            "cathode_mu0_eV": cath.mu0_eV,
        },
        summary=(
            f"Li (μ = {li.mu_eV} eV) / Li6PS5Cl (μ_E = {mu_e:.2f} eV mid-gap, E_C = "
            f"{lpscl.cbm_eV} eV) / cathode. (a) μ_C = {cu.mu_eV} eV: ΔV_AE = {rows[0][6]:.2f} V "
            f"+ ΔV_EC = {rows[0][7]:.2f} V = {rows[0][8]:.2f} V; (b) plateau μ_C = "
            f"{cath.mu0_eV} eV: {rows[1][8]:.2f} V; (c) μ_C above μ_E: ΔV = ΔV_AE − ΔV_EC = "
            f"{rows[2][8]:.2f} V (the last point of the fig1_discharge_curve discharge: same "
            "cell, same μ_E). μ(Li) lies above E_C, so electrons can drift into the "
            "electrolyte's conduction band (review §1.3). LPSCl levels: " + lpscl.source + "."
        ),
    )


def _discharge(out: Path) -> Artifact:
    import matplotlib.pyplot as plt

    from ssbattery.plotting.cell import plot_discharge_curve

    li, _, lpscl, cath, curve = _fig1_cell()
    mu_e = lpscl.mu_eV
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    plot_discharge_curve(curve, ax)
    ax.set_title("Two-phase cathode vs Li (regular solution, Ω = 0.12 eV, 298 K)", fontsize=9)
    images = save_figure(fig, out, "fig1_discharge_curve")
    table = write_csv(
        out / "fig1_discharge_curve.csv",
        ["x", "capacity_mAh_g", "mu_C_eV", "voltage_V", "homogeneous_mu_eV"],
        zip(
            curve.x,
            curve.capacity_mAh_g,
            curve.mu_cathode_eV,
            curve.voltage_V,
            curve.homogeneous_mu_eV,
            strict=True,
        ),
    )
    x1, x2 = curve.plateau_x or (float("nan"), float("nan"))
    return Artifact(
        images=images,
        tables=(table,),
        parameters={
            "mu0_eV": cath.mu0_eV,
            "omega_eV": cath.omega_eV,
            "temperature_K": cath.temperature_K,
            "capacity_mAh_g": cath.capacity_mAh_g,
            "mu_anode_eV": li.mu_eV,
            "mu_electrolyte_eV": mu_e,
            "mu_electrolyte_source": f"Li6PS5Cl mid-gap E_c − Eg/2 ({lpscl.source})",
        },
        summary=(
            f"Plateau at ΔV = {curve.plateau_voltage_V:.3f} V while both phases coexist for "
            f"{x1:.4f} < x < {x2:.4f} (common tangent of the regular solution, Ω/k_BT = "
            f"{cath.omega_eV / cath.kT_eV:.2f} > 2); then μ_C rises and passes μ_E = {mu_e:.2f} eV "
            f"(Li6PS5Cl mid-gap, the same μ_E as fig1_band_alignment) at x = "
            f"{curve.x_crossing_electrolyte:.4f}, where ΔV switches from ΔV_AE + ΔV_EC to "
            f"ΔV_AE − ΔV_EC. The plateau μ0 = μ_E − {_PLATEAU_BELOW_MU_E_EV} eV is our "
            "schematic cathode."
        ),
    )


def _landau(out: Path) -> Artifact:
    import math

    import matplotlib.pyplot as plt

    from ssbattery.cell.landau import (
        coercive_field,
        hysteresis_loop,
        landau_from_temperature,
        nc_width_vs_temperature,
        series_with_dielectric,
        spontaneous_polarisation,
    )
    from ssbattery.plotting.cell import (
        plot_hysteresis,
        plot_landau_capacitance,
        plot_landau_energy,
        plot_nc_vs_temperature,
    )

    c = landau_from_temperature(_ALPHA0, _T, _TC, _BETA)
    ec = coercive_field(c)
    loop = hysteresis_loop(c, n_points=2001)
    temps = np.linspace(250.0, 450.0, 201)
    _, width, ecs = nc_width_vs_temperature(_ALPHA0, _TC, _BETA, temps)
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout="constrained")
    plot_landau_energy(c, axes[0, 0], fields=(0.0, 0.5 * ec, ec))
    plot_landau_capacitance(c, axes[0, 1])
    plot_hysteresis(loop, axes[1, 0])
    plot_nc_vs_temperature(temps, width, axes[1, 1], curie_K=_TC)
    fig.suptitle(f"Landau ferroelectric: α = α₀(T − T_c) = {c.alpha:g}, β = {c.beta:g}")
    images = save_figure(fig, out, "fig9_landau_negative_capacitance")
    table = write_csv(
        out / "fig9_landau_hysteresis.csv",
        ["E_up", "Q_up", "E_down", "Q_down"],
        zip(loop.E_up, loop.Q_up, loop.E_down, loop.Q_down, strict=True),
    )
    t_table = write_csv(
        out / "fig9_landau_nc_vs_temperature.csv",
        ["temperature_K", "nc_half_width", "coercive_field"],
        zip(temps, width, ecs, strict=True),
    )
    ec_exact = 2 * abs(c.alpha) ** 1.5 / (3 * math.sqrt(3) * math.sqrt(c.beta))
    series = series_with_dielectric(c, 0.5 / abs(c.alpha))
    return Artifact(
        images=images,
        tables=(table, t_table),
        parameters={"alpha0": _ALPHA0, "curie_K": _TC, "temperature_K": _T, "beta": _BETA},
        summary=(
            f"α = {c.alpha:g}, β = {c.beta:g}: P_s = {spontaneous_polarisation(c):.6f} "
            f"(√(|α|/β) = {math.sqrt(abs(c.alpha) / c.beta):.6f}); E_c = {ec:.6f} "
            f"(closed form {ec_exact:.6f}); swept loop gives E_c ≈ {loop.coercive_field:.4f}, "
            f"P_r = {loop.remanent_polarisation:.6f}. The NC region |Q| < √(−α/3β) = "
            f"{width[np.searchsorted(temps, _T)]:.4f} at {_T:g} K shrinks to 0 at T_c = "
            f"{_TC:g} K (Salvatore et al. 2014). In series with C_D = |C_F(0)|/2 = "
            f"{series.C_D:g} the NC is stabilised ({series.stable}): total capacitance "
            f"{series.total_capacitance:g} > C_D and voltage amplification dV_D/dV = "
            f"{series.amplification:g}."
        ),
    )


def _self_charging(out: Path) -> Artifact:
    import matplotlib.pyplot as plt

    from ssbattery.cell.self_charging import SelfChargingCell, bifurcation_diagram, simulate
    from ssbattery.plotting.cell import (
        plot_bifurcation,
        plot_phase_portrait,
        plot_self_charging_voltage,
    )

    cell = SelfChargingCell(load_ohm=1800.0)
    t_end, transient = 60.0, 0.4  # s; the first 40 % is the transient
    run = simulate(cell, t_end_s=t_end, n_points=3000, transient_fraction=transient)
    diag = bifurcation_diagram(cell, np.geomspace(300.0, 1.5e4, 18), t_end_s=120.0)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    plot_self_charging_voltage(run, axes[0])
    axes[0].set_title("Discharge through 1.8 kΩ: the voltage rises and oscillates", fontsize=9)
    plot_phase_portrait(cell, run, axes[1])
    plot_bifurcation(diag, axes[2])
    images = save_figure(fig, out, "fig16c_self_charging_oscillation")
    ts = write_csv(
        out / "fig16c_self_charging_timeseries.csv",
        ["t_s", "Q_C", "w_V", "current_A", "voltage_V"],
        zip(run.t_s, run.Q_C, run.w_V, run.current_A, run.voltage_V, strict=True),
    )
    bif = write_csv(
        out / "fig16c_self_charging_bifurcation.csv",
        [
            "load_ohm",
            "fixed_voltage_V",
            "max_real_eigenvalue_per_s",
            "v_min",
            "v_max",
            "oscillating",
        ],
        zip(
            diag.load_ohm,
            diag.fixed_voltage_V,
            diag.max_real_eigenvalue,
            diag.v_min,
            diag.v_max,
            diag.oscillating,
            strict=True,
        ),
    )
    params = {k: getattr(cell, k) for k in cell.__dataclass_fields__}
    return Artifact(
        images=images,
        tables=(ts, bif),
        parameters=params,
        summary=(
            f"On {cell.load_ohm / 1e3:g} kΩ the steady state has C_F = "
            f"{run.fixed.capacitance_F * 1e3:.2f} mF < 0 and "
            f"eigenvalues {run.fixed.eigenvalues[0]:.3f} /s: it self-oscillates with period "
            f"{run.period_s:.2f} s and {run.amplitude_V:.2f} V peak-to-peak while the current "
            f"stays > 0 (min {run.current_A[run.t_s > transient * t_end].min() * 1e3:.3f} mA); "
            "the voltage "
            f"rises during {100 * run.self_charging_fraction:.0f} % of the discharge. Hopf point "
            f"from the Jacobian: R_L = {diag.hopf_load_ohm:.0f} Ω; simulated onset between grid "
            f"loads ≈ {diag.simulated_onset_ohm:.0f} Ω."
        ),
    )


def _topology(out: Path) -> Artifact:
    import matplotlib.pyplot as plt

    from ssbattery.cell.topology import (
        bbh_corner_states,
        qwz_ribbon,
        ssh_chain,
        ssh_spectrum_scan,
    )
    from ssbattery.plotting.cell import (
        plot_bbh_corner_density,
        plot_qwz_ribbon,
        plot_ssh_spectrum,
    )

    n_cells, v_over_w, bbh_n, bbh_gamma, qwz_u, qwz_rows = 20, 0.5, 10, 0.3, -1.0, 20
    edge_cells, corner_cells = 3, 2  # where the edge / corner weight is counted
    ratios, spectra = ssh_spectrum_scan(n_cells, 1.0, np.linspace(0.0, 2.0, 81))
    ssh = ssh_chain(n_cells, v_over_w, 1.0, edge_cells=edge_cells)
    bbh = bbh_corner_states(bbh_n, bbh_n, gamma=bbh_gamma, lam=1.0, corner_cells=corner_cells)
    qwz = qwz_ribbon(qwz_u, qwz_rows, n_kx=81)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    plot_ssh_spectrum(ratios, spectra, axes[0])
    axes[0].set_title(f"SSH chain, {n_cells} cells (winding 1 for v < w)", fontsize=9)
    plot_bbh_corner_density(bbh, axes[1])
    plot_qwz_ribbon(qwz, axes[2])
    images = save_figure(fig, out, "fig10_topological_states")
    table = write_csv(
        out / "fig10_ssh_spectrum.csv",
        ["v_over_w", *[f"E{j}" for j in range(spectra.shape[1])]],
        ([r, *row] for r, row in zip(ratios, spectra, strict=True)),
    )
    return Artifact(
        images=images,
        tables=(table,),
        parameters={
            "ssh_cells": n_cells,
            "bbh_size": f"{bbh_n}x{bbh_n}",
            "bbh_gamma": bbh_gamma,
            "qwz_u": qwz_u,
            "qwz_rows": qwz_rows,
        },
        summary=(
            f"SSH (v/w = {v_over_w:g}, {n_cells} cells): edge energies "
            f"±{abs(ssh.edge_energies[1]):.1e} with {100 * ssh.edge_weight:.1f} % weight on "
            f"{edge_cells} end cells, winding {ssh.winding_number}; BBH {bbh_n}×{bbh_n} (γ/λ = "
            f"{bbh_gamma:g}): {len(bbh.corner_energies)} corner states |E| ≤ "
            f"{np.max(np.abs(bbh.corner_energies)):.1e}, {100 * bbh.corner_weight:.1f} % on "
            f"the {corner_cells}×{corner_cells} corner cells, next state at {bbh.bulk_gap:.2f}; "
            "QWZ ribbon u = "
            f"{qwz_u:g}: Chern "
            f"number {qwz.chern_number}, bulk gap {qwz.bulk_gap:.2f}, "
            f"{qwz.in_gap_edge_states} edge-localised in-gap states on the k-grid."
        ),
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig1_band_alignment",
        "Electrochemical-potential alignment (eq. 1)",
        "Fig. 1a-c",
        _band_alignment,
    ),
    FigureSpec("fig1_discharge_curve", "Two-phase cathode discharge curve", "Fig. 1b", _discharge),
    FigureSpec(
        "fig9_landau_negative_capacitance",
        "Landau ferroelectric negative capacitance",
        "§2.1, Fig. 9",
        _landau,
    ),
    FigureSpec(
        "fig16c_self_charging_oscillation",
        "Self-charging, self-oscillating cell",
        "§2.1, Fig. 16c",
        _self_charging,
    ),
    FigureSpec(
        "fig10_topological_states", "Topological edge and corner states", "§2.2, Fig. 10", _topology
    ),
]
