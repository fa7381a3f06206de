"""``ssbattery validate [--json]``: run the package's published and analytic checks
(:mod:`ssbattery.literature`) and print each with its reference, expected and obtained
values and tolerance, plus the pass count. Exit code 1 when a check fails."""

from __future__ import annotations

from typing import Any

import typer

from ssbattery.cli._common import (
    console,
    handle_errors,
    parse_str_list,
    print_json,
    record_table,
)

__all__ = ["register", "validate_command"]

_OPS = {"abs": "±", "rel": "± rel", "le": "≤ +", "ge": "≥ −"}


def _table(results: list[Any]) -> None:
    records = [
        {
            "": "PASS" if r.passed else "FAIL",
            "check": r.name,
            "reference": r.reference,
            "expected": f"{r.expected:.8g}",
            "obtained": f"{r.obtained:.8g}" if not r.error else r.error,
            "tolerance": f"{_OPS[r.compare]} {r.tolerance:.1g}",
            "unit": r.unit,
        }
        for r in results
    ]
    console.print(record_table("literature and analytic checks", records))


@handle_errors
def validate_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    only: str | None = typer.Option(
        None, "--only", help="Comma-separated check names (see --list)."
    ),
    list_checks: bool = typer.Option(False, "--list", help="List the checks and exit."),
) -> None:
    """Run every literature and analytic check the package knows (≥ 40)."""
    from ssbattery.literature import CHECKS, run_checks

    if list_checks:
        for c in CHECKS:  # one line per check, also in a pipe
            console.print(f"{c.name}  [{c.topic}]  {c.reference}", highlight=False, soft_wrap=True)
        return
    # the package's one list parser: an empty `--only` or item is refused (it had run no
    # check and printed "0/0 passed", exit 0)
    names = None if only is None else parse_str_list(only, "--only")
    results = run_checks(names)
    passed = sum(r.passed for r in results)
    if as_json:
        checks = [r.to_dict() for r in results]
        print_json({"passed": passed, "total": len(results), "checks": checks})
    else:
        _table(results)
        console.print(f"{passed}/{len(results)} passed", highlight=False)
    if passed < len(results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to ``app``."""
    app.command("validate")(validate_command)
