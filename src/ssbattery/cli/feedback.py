"""CLI: ``ssbattery demon`` (measurement + feedback, Bhandari et al.) and ``ssbattery
learn-cycle`` (learned control of a two-level heat engine, Erdman et al.); review §2.4.
Each a thin function over :mod:`ssbattery.thermal.feedback` and
:mod:`ssbattery.thermal.learning`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import (
    JSON_SUFFIXES,
    agg_pyplot,
    console,
    handle_errors,
    output_option,
    parse_float_list,
    print_json,
    progress_on_stderr,
    record_table,
    save_plot,
)
from ssbattery.cli.audit import AUDIT_HELP, audits, print_audits

__all__ = ["demon_command", "learn_cycle_command", "register"]

_DEMON_COLUMNS = {
    "g": "g [ω1]",
    "mean": "heat/cycle",
    "std": "std",
    "single": "Q1 only",
    "bound": "T·I (joint)",
}


def _demon_plot(scan: Any, plot: Path) -> None:
    from ssbattery.plotting.feedback import plot_demon_heat_vs_coupling

    fig, ax = agg_pyplot().subplots(figsize=(6, 4))
    plot_demon_heat_vs_coupling(scan, ax=ax)
    save_plot(fig, plot)


@handle_errors(
    quantities={
        "temperature": "model_temperature",
        "omega2": "model_energy",
        "rate": "model_rate",
    }
)
def demon_command(
    coupling: str = typer.Option(
        "-0.4,-0.2,0,0.2,0.4", "--coupling", help="σz–σz couplings g [ω1], comma-separated."
    ),
    temperature: float = typer.Option(1.0, "--temperature", help="Bath temperature [ω1]."),
    omega2: float = typer.Option(1.0, "--omega2", help="Splitting of qubit 2 [ω1]."),
    rate: float = typer.Option(1.0, "--rate", help="Bath coupling rate γ [ω1]."),
    tau: float = typer.Option(1.0, "--tau", help="Thermalisation time per cycle [1/γ]."),
    joint: bool = typer.Option(
        True,
        "--joint/--parallel",
        help="Joint measurement of both coupled qubits, or two parallel single-qubit demons.",
    ),
    audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save the heat-vs-g figure."),
) -> None:
    """Maxwell's demon of two coupled qubits: heat extracted per cycle vs the coupling."""
    from ssbattery.thermal.feedback import demon_scan

    gs = parse_float_list(coupling, "--coupling")
    scan = demon_scan(gs, omega2=omega2, temperature=temperature, rate=rate, tau=tau)
    n = len(gs)
    if joint:
        mean, std = list(scan.joint_mean), list(scan.joint_std)
    else:
        mean, std = [scan.parallel_mean] * n, [scan.parallel_std] * n
    if plot is not None:
        _demon_plot(scan, plot)
    reports = audits(audit_flag, [scan])
    bound = [float(scan.temperature * i) for i in scan.joint_information]
    if as_json:
        payload = {
            "audit": reports[0].to_dict() if reports else None,
            "setup": "joint" if joint else "parallel",
            "temperature": temperature,
            "omega1": 1.0,
            "omega2": omega2,
            "rate": rate,
            "tau": tau,
            "couplings": gs,
            "heat_per_cycle_mean": mean,
            "heat_per_cycle_std": std,
            "single_qubit_measured_mean": scan.single_mean,
            "joint_information_nats": scan.joint_information,
            "sagawa_ueda_bound": bound,
            "plot": plot,
        }
        print_json(payload)
        return
    records = [
        {"g": f"{g:g}", "mean": mean[i], "std": std[i], "single": float(scan.single_mean[i]),
         "bound": bound[i]}
        for i, g in enumerate(gs)
    ]  # fmt: skip
    setup = "joint measurement" if joint else "two parallel qubits"
    title = f"Maxwell's demon ({setup}), T = {temperature:g}, τ = {tau:g}"
    console.print(record_table(title, records, _DEMON_COLUMNS, float_format=".5f"))
    print_audits(reports)


def _learning_plot(result: Any, plot: Path) -> None:
    from ssbattery.plotting.feedback import plot_learned_vs_otto, plot_learning_curve

    fig, (a1, a2) = agg_pyplot().subplots(1, 2, figsize=(11, 4))
    plot_learning_curve(result, ax=a1)
    plot_learned_vs_otto(result, ax=a2)
    save_plot(fig, plot)


def _learning_table(result: Any, period: float, seed: int) -> None:
    learned, otto = result.learned, result.otto
    rows = [
        {"cycle": "learned", "power": learned.power, "efficiency": learned.efficiency},
        {
            "cycle": f"Otto (u_h={otto.u_hot:.3f}, u_c={otto.u_cold:.3f})",
            "power": otto.metrics.power,
            "efficiency": otto.metrics.efficiency,
        },
    ]
    rows = [
        r | {"power": f"{r['power']:.6f}", "efficiency": f"{r['efficiency']:.4f}"} for r in rows
    ]
    headers = {"cycle": "cycle", "power": "power [E0 Γ]", "efficiency": "efficiency"}
    title = f"Learned cycle vs best Otto cycle (period {period:g}/Γ, seed {seed})"
    table = record_table(title, rows, headers)
    console.print(table)
    console.print(f"learned / Otto power: {result.advantage:.3f}")


@handle_errors(quantities=dict.fromkeys(("t_hot", "t_cold"), "model_temperature"))
def learn_cycle_command(
    iterations: int = typer.Option(200, "--iterations", help="Optimiser iterations."),
    seed: int = typer.Option(0, "--seed", help="Random seed (reproducible runs)."),
    population: int = typer.Option(256, "--population", help="Schedules per iteration."),
    steps: int = typer.Option(16, "--steps", help="Piecewise-constant steps per cycle."),
    period: float = typer.Option(4.0, "--period", help="Cycle period [1/Γ]."),
    u_min: float = typer.Option(0.3, "--u-min", help="Smallest control u (0 < u ≤ 1)."),
    u_max: float = typer.Option(1.0, "--u-max", help="Largest control u (0 < u ≤ 1)."),
    t_hot: float = typer.Option(1.0, "--t-hot", help="Hot bath temperature [E0]."),
    t_cold: float = typer.Option(0.2, "--t-cold", help="Cold bath temperature [E0]."),
    checkpoint: Path | None = output_option(
        "--checkpoint",
        help="Save/resume the optimiser state in this JSON file.",
        suffixes=JSON_SUFFIXES,
    ),
    checkpoint_every: int = typer.Option(
        10, "--checkpoint-every", help="Iterations between checkpoint writes."
    ),
    audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save the learning figure."),
) -> None:
    """Learn a two-level engine cycle that beats the best Otto cycle of the same period."""
    from ssbattery.sweep.models.thermal import LEARNED_CYCLE, solve_learned

    # the entry a sweep point of `learned-cycle` runs, plus this run's checkpoint file
    run = LEARNED_CYCLE.build(
        LEARNED_CYCLE.complete(
            {"u_min": u_min, "u_max": u_max, "T_hot": t_hot, "T_cold": t_cold, "n_steps": steps,
             "period": period, "iterations": iterations, "population": population, "seed": seed}
        )
    )  # fmt: skip
    with progress_on_stderr("learning") as update:
        result = solve_learned(
            run, progress=update, checkpoint=checkpoint, checkpoint_every=checkpoint_every
        )
    if plot is not None:
        _learning_plot(result, plot)
    reports = audits(audit_flag, [result])
    if as_json:
        learned, otto = result.learned, result.otto
        payload = {
            "audit": reports[0].to_dict() if reports else None,
            "seed": seed,
            "iterations": iterations,
            "period": period,
            "learned_power": learned.power,
            "learned_efficiency": learned.efficiency,
            "learned_u": learned.u,
            "learned_bath": learned.bath_names,
            "otto_power": otto.metrics.power,
            "otto_efficiency": otto.metrics.efficiency,
            "otto_u_hot": otto.u_hot,
            "otto_u_cold": otto.u_cold,
            "otto_time_hot": otto.time_hot,
            "advantage": result.advantage,
            "learning_curve_best": result.best_power,
            "learning_curve_mean": result.mean_power,
            "checkpoint": checkpoint,
            "plot": plot,
        }
        print_json(payload)
        return
    _learning_table(result, period, seed)
    print_audits(reports)


def register(app: typer.Typer) -> None:
    """Add ``demon`` and ``learn-cycle`` to ``app``."""
    app.command("demon")(demon_command)
    app.command("learn-cycle")(learn_cycle_command)
