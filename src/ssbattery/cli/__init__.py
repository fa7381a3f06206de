"""The ``ssbattery`` command line: a thin layer over the public API.

Each command group lives in its own module with a ``register(app)`` function; this module
only assembles them. Errors of the package's own types become one line on stderr and exit
code 2 (see :func:`ssbattery.cli._common.handle_errors`).
"""

from __future__ import annotations

import typer

from ssbattery.cli import (
    audit,
    cell,
    cycle,
    dicke,
    eis,
    electrolytes,
    feedback,
    report,
    screening,
    spin_chain,
    sweep,
    thermal,
    validate,
)
from ssbattery.cli._common import CommandGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="ssbattery",
    cls=CommandGroup,
    help="The building blocks of a solid-state battery, computable.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from ssbattery import __version__

        typer.echo(f"ssbattery {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """The building blocks of a solid-state battery, computable."""


for _module in (
    report,
    electrolytes,
    screening,
    eis,
    cell,
    dicke,
    spin_chain,
    thermal,
    feedback,
    sweep,
):
    _module.register(app)
for _module in (audit, cycle, validate):
    _module.register(app)


def main(prog_name: str | None = None) -> None:
    """Entry point of the ``ssbattery`` console script (and of ``python -m ssbattery``).

    ``prog_name`` names the program in help and in the shell-completion script; ``None``
    takes it from ``sys.argv[0]``.

    Usage errors (unknown option, missing or malformed value) are printed as one line naming
    the option and where to look, with exit code 2, by :class:`CommandGroup`, the root
    group, so the console script and ``CliRunner().invoke(app, ...)`` behave the same.
    """
    app(prog_name=prog_name)
