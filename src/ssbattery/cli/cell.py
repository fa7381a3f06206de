"""``ssbattery align | landau | self-charge | topology``: the cell physics from the command line.

Thin wrappers over :mod:`ssbattery.cell`: parse, call the API, print a rich table or, with
``--json``, exactly one JSON object; ``--plot FILE`` saves a figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import (
    agg_pyplot,
    console,
    err_console,
    handle_errors,
    output_option,
    print_json,
    quantity_table,
    save_plot,
)

__all__ = ["align_command", "landau_command", "register", "self_charge_command", "topology_command"]


def register(app: typer.Typer) -> None:
    """Add ``align``, ``landau``, ``self-charge`` and ``topology`` to ``app``."""
    app.command("align")(align_command)
    app.command("landau")(landau_command)
    app.command("self-charge")(self_charge_command)
    app.command("topology")(topology_command)


@handle_errors(
    quantities=dict.fromkeys(
        ("mu_anode", "mu_electrolyte", "mu_cathode", "band_gap", "cbm"), "electron_energy_eV"
    )
)
def align_command(
    anode: str = typer.Option("Li", "--anode", help="Anode metal: Li, Na, K or Cu."),
    electrolyte: str = typer.Option(
        "Li6PS5Cl", "--electrolyte", help="Electrolyte (dataset or review levels)."
    ),
    cathode: str = typer.Option("Cu", "--cathode", help="Cathode metal: Li, Na, K or Cu."),
    mu_anode: float | None = typer.Option(
        None, "--mu-anode", help="Anode chemical potential vs vacuum (eV); overrides --anode."
    ),
    mu_electrolyte: float | None = typer.Option(
        None, "--mu-electrolyte", help="Electrolyte chemical potential (eV)."
    ),
    mu_cathode: float | None = typer.Option(
        None, "--mu-cathode", help="Cathode chemical potential (eV); overrides --cathode."
    ),
    band_gap: float | None = typer.Option(None, "--band-gap", help="Band gap E_g (eV)."),
    cbm: float | None = typer.Option(
        None, "--cbm", help="Conduction-band minimum E_C vs vacuum (eV)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save a band diagram (PNG/SVG)."),
) -> None:
    """Interface double layers and cell voltage from eq. 1 (energies vs vacuum, eV)."""
    from ssbattery.cell.alignment import find_electrolyte_levels
    from ssbattery.errors import InvalidParameterError
    from ssbattery.sweep.models.cell import AlignInputs, solve_align

    sources: dict[str, str] = {}
    mu_a, sources["anode"] = _electrode(anode, mu_anode, "anode")
    mu_c, sources["cathode"] = _electrode(cathode, mu_cathode, "cathode")
    if mu_anode is None and mu_cathode is None and mu_c > mu_a:
        raise InvalidParameterError(
            f"cathode {cathode} (μ = {mu_c} eV) lies above anode {anode} (μ = {mu_a} eV); "
            "by definition μ_C ≤ μ_A (review §1.1): swap --anode and --cathode."
        )
    gap, cb = band_gap, cbm
    if mu_electrolyte is None and (gap is None or cb is None):
        levels = find_electrolyte_levels(electrolyte)
        gap = levels.band_gap_eV if gap is None else gap
        cb = levels.cbm_eV if cb is None else cb
        sources["electrolyte"] = levels.source
    else:
        sources["electrolyte"] = "command line"
    # the `align` sweep entry: a sweep point, bit for bit
    result = solve_align(AlignInputs(mu_a, mu_c, mu_electrolyte, gap, cb))
    if plot is not None:
        plt = agg_pyplot()

        from ssbattery.plotting.cell import plot_band_diagram

        fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
        plot_band_diagram(result, ax, labels=(anode, electrolyte, cathode))
        save_plot(fig, plot)
    if as_json:
        # units in the keys ("cell_voltage [V]"), as every result's to_dict()
        print_json({"alignment": result.to_dict(), "vbm_eV": result.vbm_eV, "sources": sources})
        return
    console.print(
        quantity_table(
            "Electrochemical-potential alignment (eq. 1)",
            [
                ("μ_A (eV)", result.mu_anode_eV),
                ("μ_E (eV)", result.mu_electrolyte_eV),
                ("μ_C (eV)", result.mu_cathode_eV),
                ("ΔV_AE (V)", result.dV_AE),
                ("ΔV_EC (V)", result.dV_EC),
                ("cell voltage (V)", result.cell_voltage),
                ("formula", result.formula),
                ("ordering", result.ordering),
                ("electrolyte forms a", result.profile),
                ("voltage zero (ΔV_AE = ΔV_EC)", result.voltage_zero),
                ("electrons drift from anode into CB", result.electron_drift_from_anode),
            ],
        )
    )


@handle_errors(
    api_names={"temperature_K": "--temperature", "curie_K": "--tc"},
    quantities={
        **dict.fromkeys(("alpha", "beta", "gamma", "alpha0"), "landau_coefficient"),
        **dict.fromkeys(("tc", "temperature"), "temperature_K"),
    },
)
def landau_command(
    alpha: float | None = typer.Option(None, "--alpha", help="α (negative: ferroelectric)."),
    beta: float = typer.Option(1.0, "--beta", help="β (> 0 unless γ > 0)."),
    gamma: float = typer.Option(0.0, "--gamma", help="γ (≥ 0)."),
    alpha0: float | None = typer.Option(None, "--alpha0", help="α₀ in α = α₀ (T − T_c)."),
    tc: float | None = typer.Option(None, "--tc", help="Curie temperature T_c (K)."),
    temperature: float | None = typer.Option(None, "--temperature", help="T (K)."),
    c_d: float | None = typer.Option(
        None, "--c-d", help="Dielectric capacitance in series (same units as C_F)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save U(Q), C_F, loop (PNG/SVG)."),
) -> None:
    """Landau ferroelectric: P_s, E_c, negative-capacitance region, hysteresis loop."""
    from ssbattery.cell.landau import (
        LandauCoefficients,
        landau_from_temperature,
        series_with_dielectric,
    )
    from ssbattery.errors import InvalidParameterError
    from ssbattery.sweep.models.cell import solve_landau

    by_temp = (alpha0, tc, temperature)
    if alpha is not None and any(v is not None for v in by_temp):
        raise InvalidParameterError("give either --alpha or --alpha0/--tc/--temperature, not both.")
    if alpha is None:
        if alpha0 is None or tc is None or temperature is None:
            raise InvalidParameterError("give --alpha, or all of --alpha0, --tc and --temperature.")
        coeffs = landau_from_temperature(alpha0, temperature, tc, beta, gamma)
    else:
        coeffs = LandauCoefficients(alpha, beta, gamma)
    result = solve_landau(coeffs)  # the `landau` sweep entry: a sweep point, bit for bit
    loop, nc = result.loop, result.negative_capacitance_Q_range
    out: dict[str, Any] = {
        "coefficients": coeffs,
        "spontaneous_polarisation": result.spontaneous_polarisation,
        "coercive_field": result.coercive_field,
        "negative_capacitance_Q_range": list(nc) if nc else None,
        "C_F_at_Q0": result.C_F_at_Q0,
        "loop_coercive_field": loop.coercive_field,
        "loop_remanent_polarisation": loop.remanent_polarisation,
    }
    if c_d is not None:
        out["series_with_dielectric"] = series_with_dielectric(coeffs, c_d)
    if plot is not None:
        _plot_landau(coeffs, loop, out["coercive_field"], plot)
    if as_json:
        print_json(out)
        return
    rows = [(k, v) for k, v in out.items() if k not in ("coefficients", "series_with_dielectric")]
    if c_d is not None:
        s = out["series_with_dielectric"]
        rows += [
            ("series: stable (no hysteresis)", s.stable),
            ("series: total capacitance", s.total_capacitance),
            ("series: amplification dV_D/dV", s.amplification),
        ]
    rows = [("α, β, γ", f"{coeffs.alpha:g}, {coeffs.beta:g}, {coeffs.gamma:g}"), *rows]
    console.print(quantity_table("Landau ferroelectric (§2.1)", rows))


@handle_errors(
    api_names={"t_end_s": "--t-end"},
    quantities={
        "load_ohm": "resistance_ohm",
        **dict.fromkeys(("tau_s", "t_end"), "time_s"),
        **dict.fromkeys(("alpha", "beta"), "landau_coefficient"),
    },
)
def self_charge_command(
    load_ohm: float = typer.Option(1800.0, "--load-ohm", help="Load resistance R_L (Ω)."),
    tau_s: float = typer.Option(1.5, "--tau", help="Interface-phase relaxation time τ (s)."),
    feedback: float = typer.Option(8.0e3, "--feedback", help="Feedback g (V/C)."),
    alpha: float = typer.Option(-1.0e3, "--alpha", help="Landau α of the double layer (V/C)."),
    beta: float = typer.Option(1.0e10, "--beta", help="Landau β (V/C³)."),
    t_end: float = typer.Option(120.0, "--t-end", help="Simulated time (s)."),
    bifurcation: bool = typer.Option(
        False, "--bifurcation", help="Also sweep the load (simulations, a few seconds)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save V(t) and phase portrait."),
) -> None:
    """Self-charging cell with a negative-capacitance double layer discharging into R_L."""
    from ssbattery.cell.self_charging import SelfChargingCell, bifurcation_diagram
    from ssbattery.sweep.models.cell import SelfChargeRun, solve_self_charge

    cell = SelfChargingCell(
        load_ohm=load_ohm, tau_s=tau_s, feedback_V_per_C=feedback, alpha=alpha, beta=beta
    )
    # the `self-charge` sweep entry: a sweep point, bit for bit
    result = solve_self_charge(SelfChargeRun(cell, t_end))
    run, hopf = result.simulation, result.hopf_load_ohm
    diag = None
    if bifurcation:
        with err_console.status("sweeping the load resistance"):
            diag = bifurcation_diagram(cell)
    out: dict[str, Any] = {
        "parameters": cell,
        "fixed_point": run.fixed,
        "oscillating": run.oscillating,
        "period_s": run.period_s,
        "amplitude_V": run.amplitude_V,
        "self_charging_fraction": run.self_charging_fraction,
        "hopf_load_ohm": hopf,
    }
    if diag is not None:
        out["simulated_onset_ohm"] = diag.simulated_onset_ohm
        out["bifurcation"] = {
            "load_ohm": diag.load_ohm,
            "v_min": diag.v_min,
            "v_max": diag.v_max,
            "oscillating": diag.oscillating,
        }
    if plot is not None:
        _plot_self_charge(cell, run, diag, plot)
    if as_json:
        print_json(out)
        return
    ev = run.fixed.eigenvalues
    rows: list[tuple[str, Any]] = [
        ("load R_L (Ω)", load_ohm),
        ("steady current (mA)", 1e3 * run.fixed.current_A),
        ("steady voltage (V)", run.fixed.voltage_V),
        ("C_F at steady state (mF)", 1e3 * run.fixed.capacitance_F),
        ("eigenvalues (1/s)", ", ".join(f"{z:.4g}" for z in ev)),
        ("oscillating", run.oscillating),
        ("period (s)", run.period_s),
        ("peak-to-peak (V)", run.amplitude_V),
        ("time with V rising while I > 0", f"{100 * run.self_charging_fraction:.0f} %"),
        ("Hopf load from Jacobian (Ω)", hopf),
    ]
    if diag is not None:
        rows.append(("simulated onset (Ω)", diag.simulated_onset_ohm))
    console.print(quantity_table("Self-charging cell (§2.1, Fig. 16c)", rows))


@handle_errors(api_names={"nx": "--size", "ny": "--rows"})  # bbh: nx = ny = size
def topology_command(
    model: str = typer.Argument(..., help="ssh, bbh or qwz."),
    v: float = typer.Option(0.5, "--v", help="SSH intra-cell hopping."),
    w: float = typer.Option(1.0, "--w", help="SSH inter-cell hopping."),
    n_cells: int = typer.Option(20, "--n-cells", help="SSH chain length (cells)."),
    gamma: float = typer.Option(0.3, "--gamma", help="BBH intra-cell hopping γ."),
    lam: float = typer.Option(1.0, "--lam", help="BBH inter-cell hopping λ."),
    size: int = typer.Option(10, "--size", help="BBH flake size (cells per side)."),
    u: float = typer.Option(-1.0, "--u", help="QWZ mass parameter u."),
    rows_: int = typer.Option(20, "--rows", help="QWZ ribbon width (rows)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save the spectrum/state figure."),
) -> None:
    """Topological boundary states: SSH edge modes, BBH corner states, QWZ edge states."""

    name = model.strip().lower()
    builders = {
        "ssh": lambda ax: _ssh(n_cells, v, w, ax),
        "bbh": lambda ax: _bbh(size, gamma, lam, ax),
        "qwz": lambda ax: _qwz(u, rows_, ax),
    }
    if name not in builders:
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(f"`model` must be ssh, bbh or qwz; got {model!r}.")
    fig, ax = (
        agg_pyplot().subplots(figsize=(6, 4.5), layout="constrained") if plot else (None, None)
    )
    out = builders[name](ax)
    if fig is not None and plot is not None:
        save_plot(fig, plot)
    if as_json:
        print_json(out)
        return
    shown = [(k, val) for k, val in out.items() if k != "energies"]
    console.print(quantity_table(f"{name.upper()} model (§2.2, Fig. 10)", shown))


def _ssh(n_cells: int, v: float, w: float, ax: Any) -> dict[str, Any]:
    """The SSH chain's facts; with ``ax``, its spectrum against v/w (Fig. 10)."""
    from ssbattery.cell.topology import ssh_chain, ssh_spectrum_scan

    res = ssh_chain(n_cells, v, w)
    if ax is not None:
        from ssbattery.plotting.cell import plot_ssh_spectrum

        plot_ssh_spectrum(*ssh_spectrum_scan(n_cells, w), ax)
    return {
        "model": "ssh",
        "v": v,
        "w": w,
        "n_cells": n_cells,
        "winding_number": res.winding_number,
        "edge_energies": res.edge_energies,
        "edge_weight": res.edge_weight,
        "edge_ipr": res.edge_ipr,
        "bulk_gap": res.bulk_gap,
        "energies": res.energies,
    }


def _bbh(size: int, gamma: float, lam: float, ax: Any) -> dict[str, Any]:
    """The BBH flake's corner states; with ``ax``, their density."""
    from ssbattery.cell.topology import bbh_corner_states

    b = bbh_corner_states(size, size, gamma=gamma, lam=lam)
    if ax is not None:
        from ssbattery.plotting.cell import plot_bbh_corner_density

        plot_bbh_corner_density(b, ax)
    return {
        "model": "bbh",
        "gamma": gamma,
        "lam": lam,
        "size": size,
        "corner_energies": b.corner_energies,
        "corner_weight": b.corner_weight,
        "next_state_energy": b.bulk_gap,
    }


def _qwz(u: float, rows: int, ax: Any) -> dict[str, Any]:
    """The QWZ ribbon's Chern number and edge states; with ``ax``, its bands."""
    from ssbattery.cell.topology import qwz_ribbon

    q = qwz_ribbon(u, rows)
    if ax is not None:
        from ssbattery.plotting.cell import plot_qwz_ribbon

        plot_qwz_ribbon(q, ax)
    return {
        "model": "qwz",
        "u": u,
        "rows": rows,
        "chern_number": q.chern_number,
        "bulk_gap": q.bulk_gap,
        "in_gap_edge_states": q.in_gap_edge_states,
    }


def _electrode(name: str, mu: float | None, role: str) -> tuple[float, str]:
    """The electrode's chemical potential (eV) and its source: ``mu`` if given, else the
    tabulated value of the metal ``name``; an unknown metal's error names ``--<role>`` and
    ``--mu-<role>``."""
    if mu is not None:
        return mu, "command line"
    from ssbattery.cell.alignment import find_electrode
    from ssbattery.cli.screening import cli_option_names

    with cli_option_names({role: f"--{role}", f"mu_{role}": f"--mu-{role}"}):
        e = find_electrode(name, role=role)
    return e.mu_eV, e.source


def _plot_self_charge(cell: Any, run: Any, diag: Any, plot: Path) -> None:
    """V(t), the phase portrait and (with a load sweep) the bifurcation diagram."""
    from ssbattery.plotting.cell import (
        plot_bifurcation,
        plot_phase_portrait,
        plot_self_charging_voltage,
    )

    n = 3 if diag is not None else 2
    fig, axes = agg_pyplot().subplots(1, n, figsize=(5 * n, 4), layout="constrained")
    plot_self_charging_voltage(run, axes[0])
    plot_phase_portrait(cell, run, axes[1])
    if diag is not None:
        plot_bifurcation(diag, axes[2])
    save_plot(fig, plot)


def _plot_landau(coeffs: Any, loop: Any, coercive: float | None, plot: Path) -> None:
    """The Landau energy, the capacitance C_F(Q) and the hysteresis loop."""
    from ssbattery.plotting.cell import plot_hysteresis, plot_landau_capacitance, plot_landau_energy

    fig, axes = agg_pyplot().subplots(1, 3, figsize=(14, 4), layout="constrained")
    plot_landau_energy(coeffs, axes[0], fields=(0.0, coercive) if coercive else (0.0,))
    plot_landau_capacitance(coeffs, axes[1])
    plot_hysteresis(loop, axes[2])
    save_plot(fig, plot)
