"""Helpers shared by the CLI modules: error handling, JSON output, list parsing."""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import typer
from rich.console import Console

from ssbattery.errors import SsbatteryError

__all__ = [
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "parse_float_list",
    "parse_int_list",
    "print_json",
    "to_jsonable",
]

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr and return the exit (code 2) to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the package's own errors into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SsbatteryError as exc:
            raise fail(str(exc)) from None
        except FileNotFoundError as exc:
            raise fail(f"file not found: {exc.filename}") from None

    return wrapper


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays/scalars, dataclasses, paths and complex numbers for ``json``."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, complex):
        return {"re": obj.real, "im": obj.imag}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    return obj


def print_json(obj: Any) -> None:
    """Write exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(to_jsonable(obj)) + "\n")


def _parse_list(text: str, kind: type, name: str) -> list[Any]:
    try:
        values = [kind(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise fail(
            f"`{name}` must be a comma-separated list of {kind.__name__}s, got {text!r}"
        ) from None
    if not values:
        raise fail(f"`{name}` is empty; give e.g. 1,2,4")
    return values


def parse_int_list(text: str, name: str) -> list[int]:
    """Parse ``"1,2,4"`` into ``[1, 2, 4]`` (exit 2 with a clear message otherwise)."""
    return _parse_list(text, int, name)


def parse_float_list(text: str, name: str) -> list[float]:
    """Parse ``"0.1,0.2"`` into floats (exit 2 with a clear message otherwise)."""
    return _parse_list(text, float, name)
