"""Renamed command-line options: the old spelling works for one release (hidden from
``--help``) and prints one ``warning:`` line naming the new one (see docs/glossary.md)."""

from __future__ import annotations

from typing import Any, TypeVar

import typer

from ssbattery._deprecation import REMOVED_IN
from ssbattery.cli._common import err_console
from ssbattery.errors import InvalidParameterError

__all__ = ["old_option", "renamed_choice", "renamed_option"]

T = TypeVar("T")


def old_option(old: str) -> Any:
    """The hidden option ``old`` (a former name), unset by default."""
    return typer.Option(None, old, hidden=True)


def renamed_option(value: T | None, old_value: T | None, *, new: str, old: str) -> T:
    """The option's value: ``value`` of ``new``, or ``old_value`` given under the former
    name ``old`` (with a deprecation warning on stderr). ``new`` is required when
    ``value`` is None."""
    if old_value is None:
        if value is None:
            raise InvalidParameterError(f"missing option `{new}`.")
        return value
    err_console.print(
        f"warning: `{old}` is deprecated and will be removed in ssbattery {REMOVED_IN}; "
        f"use `{new}`.",
        highlight=False,
        markup=False,
    )
    return old_value


def renamed_choice(value: str, *, option: str, old: str, new: str) -> str:
    """``value`` of ``option``, with the former choice ``old`` read as ``new`` (and a
    deprecation warning on stderr)."""
    if value != old:
        return value
    err_console.print(
        f"warning: `{option} {old}` is deprecated and will be removed in ssbattery "
        f"{REMOVED_IN}; use `{option} {new}`.",
        highlight=False,
        markup=False,
    )
    return new
