"""CLI commands for screening and calculators (filled in by its issue)."""

from __future__ import annotations

import typer

__all__ = ["add_classify_command", "register"]


def register(app: typer.Typer) -> None:
    """Add the top-level calculator commands (``capacity``, ``cost``) to ``app``."""


def add_classify_command(electrolytes_app: typer.Typer) -> None:
    """Add ``classify`` to the ``ssbattery electrolytes`` sub-app."""
