"""``ssbattery audit SPEC.toml``: the checks of :func:`ssbattery.thermal.audit.audit` on a
model written as a spec (:mod:`ssbattery.thermal.spec`), and the ``--audit`` printer the
model commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import console, handle_errors, print_json

__all__ = ["print_audit", "register"]


def print_audit(report: Any) -> None:
    """Print an audit's errors and warnings (and a one-line verdict) after a result."""
    from rich.text import Text

    style = {"error": "bold red", "warning": "yellow", "info": "dim"}
    console.print(
        Text(
            f"audit of {report.name}: {len(report.errors)} errors, {len(report.warnings)} warnings",
            style="bold",
        )
    )
    for f in report.findings:
        console.print(Text(f"{f.level}: [{f.check}] {f.message}", style=style[f.level]))


def register(app: typer.Typer) -> None:
    """Add ``audit`` to ``app``."""

    @app.command("audit")
    @handle_errors
    def audit_command(
        spec: Path = typer.Argument(..., help="TOML spec of the model ([model] kind = …)."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    ) -> None:
        """Audit a thermal model or cycle: steady-state uniqueness, second law, current
        directions, detailed balance, local vs global, truncation, TUR. Exit code 1 when
        the audit finds an error."""
        from ssbattery.thermal.audit import audit
        from ssbattery.thermal.spec import load_spec

        report = audit(load_spec(spec))
        if as_json:
            print_json(report.to_dict())
        else:
            print_audit(report)
        if report.errors:
            raise typer.Exit(1)
