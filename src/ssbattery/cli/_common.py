"""Helpers shared by the CLI modules: error handling, JSON output, list parsing."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

import numpy as np
import typer
from rich.console import Console

from ssbattery.errors import SsbatteryError

__all__ = [
    "agg_pyplot",
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "parse_float_list",
    "parse_int_list",
    "print_json",
    "progress_on_stderr",
    "quantity_table",
    "record_table",
    "save_plot",
    "to_jsonable",
    "warnings_to_stderr",
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


def agg_pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (imported only when plotting)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_plot(fig: Any, path: Path) -> None:
    """Save ``fig`` to ``path`` (150 dpi, tight box), close it and say so on stderr."""
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    err_console.print(f"figure written to {path}", highlight=False)


def _cell(value: object, float_format: str) -> str:
    if isinstance(value, float | np.floating):
        return format(float(value), float_format)
    return str(value)


def quantity_table(
    title: str, rows: Iterable[tuple[str, object]], *, float_format: str = ".6g"
) -> Any:
    """A two-column rich table (quantity, value); floats formatted with ``float_format``."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, _cell(value, float_format))
    return table


def record_table(
    title: str,
    records: Sequence[Mapping[str, object]],
    columns: Mapping[str, str] | None = None,
    *,
    float_format: str = ".5g",
) -> Any:
    """A rich table with one row per record; ``columns`` maps record keys to headers
    (default: every key of the first record, as its own header)."""
    from rich.table import Table

    cols = dict(columns) if columns is not None else {k: k for k in (records[0] if records else {})}
    table = Table(title=title)
    for header in cols.values():
        table.add_column(header, justify="right")
    for record in records:
        table.add_row(*(_cell(record[key], float_format) for key in cols))
    return table


def _warning_line(
    message: Warning | str, category: type[Warning], *_: object, **__: object
) -> None:
    err_console.print(f"[yellow]warning:[/] {message}", highlight=False, soft_wrap=True)


@contextlib.contextmanager
def warnings_to_stderr(action: Literal["always", "once", "default"] = "always") -> Iterator[None]:
    """Show each warning raised inside as one ``warning: …`` line on stderr (stdout stays
    clean for ``--json``); ``action`` is the :mod:`warnings` filter ("once": no repeats)."""
    with warnings.catch_warnings():
        warnings.showwarning = _warning_line
        warnings.simplefilter(action)
        yield


@contextlib.contextmanager
def progress_on_stderr(description: str) -> Iterator[Callable[[int, int], None]]:
    """A transient rich progress bar on stderr; yields ``update(done, total)``.

    The bar starts at the first ``update``, so bad input rejected before any progress leaves
    stderr with nothing but its one ``error:`` line.
    """
    from rich.progress import Progress, TaskID

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            bar = Progress(console=err_console, transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(description, total=total)
        task: TaskID = state["task"]
        state["bar"].update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
