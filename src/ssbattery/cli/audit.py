"""``ssbattery audit SPEC.toml``: the checks of :func:`ssbattery.thermal.audit.audit` on a
model or cycle written as a spec (:mod:`ssbattery.thermal.spec`), and the ``--audit``
option, runner and printer every model command shares."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from ssbattery.cli._common import console, handle_errors, print_json

__all__ = [
    "AUDIT_HELP",
    "attach_audits",
    "audit_command",
    "audits",
    "print_audit",
    "print_audits",
    "register",
]

#: Help of every model command's ``--audit`` flag.
AUDIT_HELP = "Also audit the model and print its errors and warnings after the result."


def audits(flag: bool, models: Iterable[Any]) -> list[Any]:
    """The :class:`~ssbattery.thermal.audit.AuditReport` of every model when ``flag`` is
    set, else none (the audit module is imported only when asked for)."""
    if not flag:
        return []
    from ssbattery.thermal.audit import audit

    return [audit(m) for m in models]


def attach_audits(
    out: dict[str, Any], flag: bool, models: Iterable[Any], *, many: bool
) -> list[Any]:
    """:func:`audits`, also stored in the JSON payload ``out`` under ``"audit"`` (one
    report's dict, or a list of them with ``many=True``); returns the reports."""
    reports = audits(flag, models)
    if flag:
        out["audit"] = [r.to_dict() for r in reports] if many else reports[0].to_dict()
    return reports


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


def print_audits(reports: Iterable[Any]) -> None:
    """:func:`print_audit` for each report."""
    for r in reports:
        print_audit(r)


@handle_errors
def audit_command(
    spec: Path = typer.Argument(
        ..., help=r"TOML spec: a \[model] table, or a cycle (\[medium], \[\[strokes]])."
    ),
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


def register(app: typer.Typer) -> None:
    """Add ``audit`` to ``app``."""
    app.command("audit")(audit_command)
