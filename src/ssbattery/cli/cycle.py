"""``ssbattery cycle SPEC.toml``: run a thermodynamic cycle written as a TOML spec
(:func:`ssbattery.thermal.spec.cycle_from_spec`) and print its per-stroke ledger."""

from __future__ import annotations

from pathlib import Path

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
from ssbattery.cli.audit import print_audit

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``cycle`` to ``app``."""

    @app.command("cycle")
    @handle_errors
    def cycle_command(
        spec: Path = typer.Argument(..., help="TOML spec: [medium] and [[strokes]]."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
        plot: Path | None = output_option("--plot", help="Save the per-stroke work/heat bars."),
        quasi_static: bool = typer.Option(
            False, "--quasi-static", help="Also report the quasi-static reference cycle."
        ),
        audit_flag: bool = typer.Option(
            False, "--audit", help="Also audit the model and print its errors and warnings."
        ),
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
            ax = plot_cycle_ledger(result)
            save_plot(ax.figure, plot)
        out = result.to_dict()
        if ref is not None:
            out["quasi_static"] = ref.to_dict()
        report = None
        if audit_flag:
            from ssbattery.thermal.audit import audit

            report = audit(result)
            out["audit"] = report.to_dict()
        if as_json:
            print_json(out)
            return
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
        console.print(record_table(f"cycle of {cyc.medium.name} (flows into the medium)", rows))
        line = (
            f"W = {result.work:.8g}, ΣQ = {sum(result.heats):.8g}, efficiency "
            f"{result.efficiency:.6g}, power {result.power:.6g}, first-law residual "
            f"{result.first_law_residual:.1e}"
        )
        console.print(line, highlight=False)
        if ref is not None:
            console.print(
                f"quasi-static reference: W = {ref.work:.8g}, efficiency {ref.efficiency:.6g}",
                highlight=False,
            )
        if report is not None:
            print_audit(report)
