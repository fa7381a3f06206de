"""``ssbattery cycle SPEC.toml``: run a thermodynamic cycle written as a TOML spec
(:func:`ssbattery.thermal.spec.cycle_from_spec`) and print its per-stroke ledger."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import (
    agg_pyplot,
    console,
    handle_errors,
    output_option,
    print_json,
    record_table,
    save_plot,
)
from ssbattery.cli.audit import AUDIT_HELP, attach_audits, print_audits

__all__ = ["cycle_command", "register"]


def _defined(value: float) -> str:
    """``value`` to 6 digits, "—" where undefined (NaN: no heat in, or no cycle time; the
    JSON holds null there)."""
    return f"{value:.6g}" if math.isfinite(value) else "—"


def _ledger(result: Any, ref: Any) -> None:
    """The per-stroke table and the cycle's totals (information and Σ Q/T with feedback)."""
    rows = [
        {
            "stroke": s.name or s.kind,
            "kind": s.kind,
            "work": s.work,
            "heat": sum(s.heat),
            "measurement": s.measurement_energy,
        }
        for s in result.strokes
    ]
    title = f"cycle of {result.cycle.medium.name} (flows into the medium)"
    console.print(record_table(title, rows))
    console.print(
        f"W = {result.work:.8g}, ΣQ = {sum(result.heats):.8g}, efficiency "
        f"{_defined(result.efficiency)}, power {_defined(result.power)}, first-law residual "
        f"{result.first_law_residual:.1e}",
        highlight=False,
    )
    if any(s.kind == "feedback" for s in result.strokes):
        console.print(
            f"information I = {result.information:.6g} nats per cycle, Σ Q/T = "
            f"{result.clausius_sum:.6g} ≤ I (Sagawa–Ueda)",
            highlight=False,
        )
    if ref is not None:
        console.print(
            f"quasi-static reference: W = {ref.work:.8g}, efficiency {_defined(ref.efficiency)}",
            highlight=False,
        )


@handle_errors
def cycle_command(
    spec: Path = typer.Argument(..., help=r"TOML spec: \[medium] and \[\[strokes]] tables."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    plot: Path | None = output_option("--plot", help="Save the per-stroke work/heat bars."),
    quasi_static: bool = typer.Option(
        False, "--quasi-static", help="Also report the quasi-static reference cycle."
    ),
    audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
) -> None:
    """Limit cycle of any medium and strokes: work and heat per stroke, first law."""
    from ssbattery.thermal import cycle as cy
    from ssbattery.thermal.spec import load_cycle_spec

    cyc = load_cycle_spec(spec)
    result = cy.run_cycle(cyc)
    ref = cy.quasi_static(cyc) if quasi_static else None
    if plot is not None:
        from ssbattery.plotting.cycle import plot_cycle_ledger

        agg_pyplot()
        save_plot(plot_cycle_ledger(result).figure, plot)
    out = result.to_dict()
    if ref is not None:
        out["quasi_static"] = ref.to_dict()
    reports = attach_audits(out, audit_flag, [result], many=False)
    if as_json:
        print_json(out)
        return
    _ledger(result, ref)
    print_audits(reports)


def register(app: typer.Typer) -> None:
    """Add ``cycle`` to ``app``."""
    app.command("cycle")(cycle_command)
