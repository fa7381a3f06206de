"""CLI commands of the thermal machines (review §2.4): ``ssbattery otto``,
``ssbattery thermal-battery`` and ``ssbattery pumped-battery``; each a thin function over
:mod:`ssbattery.thermal`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import (
    agg_pyplot,
    console,
    handle_errors,
    output_option,
    parse_float_list,
    print_json,
    quantity_table,
    record_table,
    save_plot,
    warnings_to_stderr,
)
from ssbattery.cli.audit import AUDIT_HELP, attach_audits, print_audits
from ssbattery.presets import FIG15_HEAT_BATTERY, FIG16_OTTO, PUMPED_BATTERY
from ssbattery.results import quantity_values

# the defaults are the cited presets' values (issue 15 §4), not re-typed numbers
_HEAT, _PUMP = FIG15_HEAT_BATTERY, PUMPED_BATTERY
_BAT = _PUMP.battery

__all__ = ["otto_command", "pumped_battery_command", "register", "thermal_battery_command"]

# The thermal API's argument names → the options that set them (for error messages).
_BATH_OPTIONS = {
    "T_h": "--t-hot",
    "T_c": "--t-cold",
    "tau_h": "--tau-hot",
    "tau_c": "--tau-cold",
    "rate_h": "--rate-hot",
    "rate_c": "--rate-cold",
}
_JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")
_AUDIT = typer.Option(False, "--audit", help=AUDIT_HELP)


def _otto_plot(result: Any, plot: Path) -> None:
    from ssbattery.plotting.thermal import plot_otto_cycle
    from ssbattery.thermal.otto import otto_trajectory

    agg_pyplot()
    save_plot(plot_otto_cycle(otto_trajectory(result)).figure, plot)


@handle_errors(
    api_names=_BATH_OPTIONS | {"tau_u": "--tau-u"},
    quantities={
        **dict.fromkeys(("omega_h", "omega_c"), "model_energy"),
        **dict.fromkeys(("t_hot", "t_cold"), "model_temperature"),
        **dict.fromkeys(("rate_hot", "rate_cold"), "model_rate"),
    },
)
def otto_command(
    medium: str = typer.Option("qubit", "--medium", help="qubit or oscillator."),
    omega_h: float = typer.Option(
        FIG16_OTTO.omega_h, "--omega-h", help="Frequency at the hot bath ω_h."
    ),
    omega_c: float = typer.Option(
        FIG16_OTTO.omega_c, "--omega-c", help="Frequency at the cold bath ω_c."
    ),
    t_hot: float = typer.Option(
        FIG16_OTTO.T_h, "--t-hot", help="Hot-bath temperature T_h (k_B = 1)."
    ),
    t_cold: float = typer.Option(FIG16_OTTO.T_c, "--t-cold", help="Cold-bath temperature T_c."),
    rate_hot: float = typer.Option(FIG16_OTTO.rate_h, "--rate-hot", help="Hot-bath rate γ_h."),
    rate_cold: float = typer.Option(FIG16_OTTO.rate_c, "--rate-cold", help="Cold-bath rate γ_c."),
    tau_hot: float = typer.Option(
        FIG16_OTTO.tau_h, "--tau-hot", help="Hot isochore duration τ_h > 0."
    ),
    tau_cold: float = typer.Option(
        FIG16_OTTO.tau_c, "--tau-cold", help="Cold isochore duration τ_c > 0."
    ),
    stroke: str = typer.Option(
        "adiabatic", "--stroke", help="Unitary strokes: adiabatic, sudden or driven."
    ),
    tau_u: float = typer.Option(0.0, "--tau-u", help="Duration of each unitary stroke."),
    levels: int = typer.Option(20, "--levels", help="Oscillator truncation (levels)."),
    as_json: bool = _JSON,
    audit_flag: bool = _AUDIT,
    plot: Path | None = output_option("--plot", help="Save the cycle (ω, S) plot."),
) -> None:
    """Limit cycle of the quantum Otto cycle (review Fig. 16): W, Q_h, Q_c, η, mode."""
    from ssbattery.errors import InvalidParameterError
    from ssbattery.sweep.models.thermal import OttoRun, solve_otto

    if medium not in ("qubit", "oscillator"):
        raise InvalidParameterError(f"`--medium` must be 'qubit' or 'oscillator', got {medium!r}.")
    kwargs = {
        "omega_h": omega_h, "omega_c": omega_c, "T_h": t_hot, "T_c": t_cold, "rate_h": rate_hot,
        "rate_c": rate_cold, "tau_h": tau_hot, "tau_c": tau_cold, "stroke": stroke, "tau_u": tau_u,
    }  # fmt: skip
    with warnings_to_stderr():
        # the `otto` sweep entry: a sweep point, bit for bit
        result = solve_otto(OttoRun(medium, levels, tuple(sorted(kwargs.items()))))
    if plot is not None:
        _otto_plot(result, plot)
    unit = next(q.unit for q in result.quantities() if q.name == "work")
    out: dict[str, Any] = {
        "mode": result.mode,
        **result.to_dict(),  # units in the keys, as every result's to_dict
        "medium": medium,
        "stroke": stroke,
        f"corner_energies [{unit}]": list(result.corner_energies),
        "corner_entropies [1]": list(result.corner_entropies),
    }
    reports = attach_audits(out, audit_flag, [result], many=False)
    if as_json:
        print_json(out)
        return
    plain = {"mode": result.mode, **quantity_values(result.quantities())}
    rows = [*plain.items(), ("medium", medium), ("stroke", stroke)]
    title = f"Otto cycle, {medium}, {stroke} strokes (flows into the medium)"
    console.print(quantity_table(title, rows, float_format=".8g"))
    print_audits(reports)


_HEAT_COLUMNS = {
    "coupling": "λ",
    "tau": "τ",
    "work": "W",
    "heat_hot": "Q_h",
    "efficiency": "η",
    "power": "P = W/τ",
    "ergotropy": "ergotropy ρ_τ",
    "ness_ergotropy": "NESS ergotropy",
}


def _heat_battery_plot(taus: list[float], lams: list[float], plot: Path, **kw: Any) -> None:
    from ssbattery.plotting.thermal import plot_heat_battery
    from ssbattery.thermal.heat_battery import heat_battery_sweep

    sw = heat_battery_sweep(sorted(taus), lams, **kw)
    fig, (a1, a2) = agg_pyplot().subplots(1, 2, figsize=(10, 4), layout="constrained")
    plot_heat_battery(sw, ax=a1, quantity="efficiency")
    plot_heat_battery(sw, ax=a2, quantity="power")
    save_plot(fig, plot)


@handle_errors(
    api_names=_BATH_OPTIONS | {"rate_h": "--rate", "rate_c": "--rate"},
    quantities={
        **dict.fromkeys(("t_hot", "t_cold"), "model_temperature"),
        "rate": "model_rate",
    },
)
def thermal_battery_command(
    coupling: str = typer.Option("0.05", "--coupling", help="λ values, e.g. 0.01,0.05."),
    tau: str = typer.Option("0.5,2,10,50", "--tau", help="Charging times τ, e.g. 1,10."),
    t_hot: float = typer.Option(_HEAT.T_h, "--t-hot", help="Hot-bath temperature T_h (ω0)."),
    t_cold: float = typer.Option(_HEAT.T_c, "--t-cold", help="Cold-bath temperature T_c (ω0)."),
    rate: float = typer.Option(_HEAT.rate, "--rate", help="Bath rate γ (both baths)."),
    form: str = typer.Option("local", "--form", help="local or global dissipators."),
    gate: str = typer.Option(
        "ness", "--gate", help="Discharge gate: ness (fixed) or optimal (best per τ)."
    ),
    as_json: bool = _JSON,
    audit_flag: bool = _AUDIT,
    plot: Path | None = output_option("--plot", help="Save η and P vs τ."),
) -> None:
    """Two-qubit battery charged by a heat current (review eq. 15, Tacchino et al.)."""
    from ssbattery.sweep.models.thermal import HeatBatteryRun, solve_heat_battery
    from ssbattery.thermal.heat_battery import HeatBattery

    lams = parse_float_list(coupling, "--coupling")
    taus = parse_float_list(tau, "--tau")
    batteries = [HeatBattery(lam, t_hot, t_cold, rate, rate, 1.0, form) for lam in lams]  # type: ignore[arg-type]
    with warnings_to_stderr("once"):
        # the `thermal-battery` sweep entry: a sweep point, bit for bit
        rows = [
            quantity_values(solve_heat_battery(HeatBatteryRun(b, t, gate)).quantities())
            for b in batteries
            for t in taus
        ]
    if plot is not None:
        _heat_battery_plot(
            taus, lams, plot, T_h=t_hot, T_c=t_cold, rate_h=rate, rate_c=rate, form=form, gate=gate
        )
    payload: dict[str, Any] = {
        "form": form, "gate": gate, "T_h": t_hot, "T_c": t_cold, "rate": rate, "cycles": rows,
    }  # fmt: skip
    reports = attach_audits(payload, audit_flag, batteries, many=True)
    if as_json:
        print_json(payload)
        return
    title = (
        f"heat-charged battery (eq. 15), {form} baths, T_h={t_hot}, T_c={t_cold} "
        "(W: work out per cycle, Q_h: heat in)"  # the Otto table's W is work in
    )
    console.print(record_table(title, rows, _HEAT_COLUMNS))
    print_audits(reports)


def _pumped_plot(scan: Any, omega_a: float, plot: Path) -> None:
    from ssbattery.plotting.thermal import plot_pumped_charging

    agg_pyplot()
    save_plot(plot_pumped_charging(scan, omega_a=omega_a).figure, plot)


def _pumped_rows(scan: Any, ws: list[float], *, engine: bool) -> list[dict[str, float]]:
    """One row per pump frequency: the charging scan and, optionally, the engine."""
    keys = ["efficiency", "stored_energy", "power", "pump_work", "first_law_defect"]
    if engine:
        keys += ["engine_work", "engine_efficiency", "engine_bound"]
    return [
        {"omega_L": w} | {key: float(getattr(scan, key)[k]) for key in keys}
        for k, w in enumerate(ws)
    ]


@handle_errors(
    api_names=_BATH_OPTIONS,
    quantities={
        **dict.fromkeys(("omega_a", "rabi", "omega_c"), "model_energy"),
        **dict.fromkeys(("decay", "battery_rate"), "model_rate"),
        **dict.fromkeys(("t_reservoir", "t_cold"), "model_temperature"),
    },
)
def pumped_battery_command(
    omega_l: str = typer.Option("1.3,1.4,1.5,1.6,1.7", "--omega-l", help="Pump ω_L list."),
    time: float = typer.Option(_PUMP.pump_time, "--time", help="Charging time t (1/ω_e)."),
    omega_a: float = typer.Option(_BAT.omega_a, "--omega-a", help="Pumped level ω_a (ω_e = 1)."),
    rabi: float = typer.Option(_BAT.rabi, "--rabi", help="Pump Rabi frequency Ω."),
    decay: float = typer.Option(_BAT.decay, "--decay", help="Decay rate Γ of a → e."),
    battery_rate: float = typer.Option(
        _BAT.battery_rate, "--battery-rate", help="Battery γ_B (e → g)."
    ),
    t_reservoir: float = typer.Option(_BAT.T_r, "--t-reservoir", help="Reservoir T_r of a → e."),
    t_cold: float = typer.Option(_BAT.T_c, "--t-cold", help="Cold-bath temperature T_c."),
    single_reservoir: bool = typer.Option(
        False, "--single-reservoir", help="a → e decays into the cold bath (T_r = T_c)."
    ),
    engine: bool = typer.Option(True, "--engine/--no-engine", help="Also the 2-stroke engine."),
    omega_c: float = typer.Option(
        _PUMP.engine_omega_c, "--omega-c", help="Engine cold-qubit gap ω_c."
    ),
    tau: float = typer.Option(
        _PUMP.engine_tau, "--tau", help="Engine pumping stroke duration τ > 0."
    ),
    audit_flag: bool = _AUDIT,
    as_json: bool = _JSON,
    plot: Path | None = output_option("--plot", help="Save efficiency/power vs ω_L."),
) -> None:
    """Optically pumped two-level battery and two-stroke engine (§2.4, Santos et al.)."""
    from ssbattery.thermal.audit import pumped_battery_model
    from ssbattery.thermal.pumped_battery import PumpedBattery, pump_scan

    ws = parse_float_list(omega_l, "--omega-l")
    bat = PumpedBattery(
        omega_e=1.0, omega_a=omega_a, rabi=rabi, decay=decay, battery_rate=battery_rate,
        T_r=t_reservoir, T_c=t_cold, single_reservoir=single_reservoir,
    )  # fmt: skip
    # each ω_L is a point of the `pumped-battery` sweep entry (same numbers as a sweep)
    scan = pump_scan(bat, ws, time, engine=engine, omega_c=omega_c, tau=tau)
    rows = _pumped_rows(scan, ws, engine=engine)
    if plot is not None:
        _pumped_plot(scan, omega_a, plot)
    payload: dict[str, Any] = {
        "time [1/ω_e]": scan.time,
        "omega_a [ω_e]": omega_a,
        "T_c [ω_e]": t_cold,
        "rows": scan.rows(),  # PumpScan.to_dict's columns, one record per ω_L
    }
    models = (pumped_battery_model(bat, w) for w in ws)
    reports = attach_audits(payload, audit_flag, models, many=True)
    if as_json:
        print_json(payload)
        return
    console.print(record_table(f"optically pumped battery, t = {time}, ω_a = {omega_a}", rows))
    print_audits(reports)


def register(app: typer.Typer) -> None:
    """Add ``otto``, ``thermal-battery`` and ``pumped-battery`` to ``app``."""
    app.command("otto")(otto_command)
    app.command("thermal-battery")(thermal_battery_command)
    app.command("pumped-battery")(pumped_battery_command)
