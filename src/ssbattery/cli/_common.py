"""Helpers shared by the CLI modules: error handling, output files, JSON, list parsing.

* **User text is text.** Both consoles print with Rich markup *off*, so file names, formulas
  and paths such as ``LLZO [batch 2]_25C.csv`` or ``[/x]`` are shown verbatim everywhere
  (tables included). Style our own words with :func:`styled` or ``rich.text.Text``, never
  with ``[bold]…[/]`` markup in an f-string, and never call ``rich.markup.escape``.
* **Output paths are checked before any computation:** declare them with
  :func:`output_option` (``--plot``, ``--checkpoint``, …); a bad path is one ``error:``
  line naming the option, exit 2.
* **Plots are saved all-or-nothing, after the results are printed:** :func:`save_plot`
  inside a :func:`handle_errors` command only queues the figure; when the command's body has
  finished (its table or JSON printed) every queued figure is rendered to a temporary file
  and renamed into place together. A failing save reports one ``error:`` line and leaves no
  output behind, and the results already printed stay printed.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import errno
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
from rich.text import Text

from ssbattery.errors import SsbatteryError
from ssbattery.io import JSON_SUFFIXES, PLOT_SUFFIXES, OutputBatch, check_output_path

__all__ = [
    "JSON_SUFFIXES",
    "PLOT_SUFFIXES",
    "agg_pyplot",
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "output_option",
    "parse_float_list",
    "parse_int_list",
    "print_json",
    "progress_on_stderr",
    "quantity_table",
    "record_table",
    "save_plot",
    "styled",
    "to_jsonable",
    "warnings_to_stderr",
]

# markup=False: every string printed is shown verbatim (see the module docstring).
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

P = ParamSpec("P")
R = TypeVar("R")


def styled(text: str, style: str) -> Text:
    """``text`` shown verbatim in ``style`` (e.g. ``"bold"``, ``"red"``)."""
    return Text(text, style=style)


def fail(message: str) -> typer.Exit:
    """Print ``error: message`` on stderr (verbatim) and return the exit (code 2) to raise."""
    line = Text.assemble(("error:", "bold red"), " ", " ".join(str(message).split()))
    err_console.print(line, highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _os_error_message(exc: OSError) -> str:
    """One line for an operating-system error: what, which file, and the fix where known."""
    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"could not write{where}: {reason}; free some space or write elsewhere."
    if isinstance(exc, FileNotFoundError):
        return f"file not found:{where}."
    if isinstance(exc, IsADirectoryError):
        return f"{where.strip()} is a folder; give a file."
    if isinstance(exc, PermissionError):
        return f"permission denied:{where}."
    return f"{reason}:{where}" if where else reason


# Figures that save_plot queued during the running command (None outside a command).
_pending_plots: contextvars.ContextVar[list[tuple[Any, Path, dict[str, Any]]] | None] = (
    contextvars.ContextVar("_pending_plots", default=None)
)


def _write_pending_plots(pending: list[tuple[Any, Path, dict[str, Any]]]) -> None:
    """Render every queued figure to a temporary file, then rename them all into place."""
    import matplotlib.pyplot as plt

    batch = OutputBatch()
    try:
        for fig, path, kwargs in pending:
            fig.savefig(batch.path(path), format=path.suffix.lstrip(".").lower(), **kwargs)
        written = batch.commit()
    finally:
        batch.discard()
        for fig, _, _ in pending:
            plt.close(fig)
    for path in written:
        err_console.print(f"figure written to {path}", highlight=False, soft_wrap=True)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command: the package's errors and OS errors become one ``error:`` line and
    exit code 2, and the figures it queued with :func:`save_plot` are written (together,
    atomically) once it has finished."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        pending: list[tuple[Any, Path, dict[str, Any]]] = []
        token = _pending_plots.set(pending)
        try:
            try:
                result = func(*args, **kwargs)
            finally:
                _pending_plots.reset(token)
            if pending:
                _write_pending_plots(pending)
            return result
        except SsbatteryError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(_os_error_message(exc)) from None
        except MemoryError:
            raise fail(
                "ran out of memory; lower the size options (sites, levels, steps, population)."
            ) from None
        except RecursionError:
            raise fail("input too deeply nested; simplify it.") from None
        finally:
            if pending:
                import matplotlib.pyplot as plt

                for fig, _, _ in pending:
                    plt.close(fig)

    return wrapper


def _output_callback(
    suffixes: tuple[str, ...] | None,
) -> Callable[[typer.Context, Any, str | None], Path | None]:
    def check(ctx: typer.Context, param: Any, value: str | None) -> Path | None:
        if value is None or ctx.resilient_parsing:
            return None if value is None else Path(value)
        option = max(getattr(param, "opts", None) or [f"--{param.name}"], key=len)
        try:
            return check_output_path(value, option=option, suffixes=suffixes)
        except SsbatteryError as exc:
            raise fail(str(exc)) from None

    return check


def output_option(
    *param_decls: str,
    help: str,
    suffixes: tuple[str, ...] | None = PLOT_SUFFIXES,
) -> Any:
    """A ``Path | None`` option for a file the command writes, checked while the command line
    is parsed (before any computation) with :func:`ssbattery.io.check_output_path`.

    ``suffixes`` are the allowed extensions (default: image formats; ``None``: any).
    """
    # parser=str: the callback sees the text typed (click would turn "" into Path(".")).
    return typer.Option(
        None, *param_decls, help=help, parser=str, callback=_output_callback(suffixes)
    )


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


_LIST_EXAMPLE = {int: "1,2,4", float: "0.1,0.2,0.5"}


def _parse_list(text: str, kind: type, name: str) -> list[Any]:
    """The one list parser: items separated by commas, optional spaces around them.

    Anything else is refused, showing the offending item: ``"1 2 4"`` (spaces are not
    separators), ``"1,,2"`` or ``"1,2,"`` (an empty item), ``"nan"``/``"inf"`` for floats.
    """
    example = _LIST_EXAMPLE[kind]
    if not text.strip():
        raise fail(f"`{name}` is empty; give e.g. {example}.")
    values = []
    for position, raw in enumerate(text.split(","), start=1):
        item = raw.strip()
        what = f"`{name}` item {position} {item!r}"
        if not item:
            raise fail(
                f"`{name}` has an empty item at position {position} in {text!r}; "
                f"separate values with single commas, e.g. {example}."
            )
        try:
            value = kind(item)
        except ValueError:
            hint = " (separate values with commas, not spaces)" if " " in item else ""
            raise fail(
                f"{what} is not {'an integer' if kind is int else 'a number'}{hint}; "
                f"give e.g. {example}."
            ) from None
        if kind is float and not math.isfinite(value):
            raise fail(f"{what} is not a finite number; give e.g. {example}.")
        values.append(value)
    return values


def parse_int_list(text: str, name: str) -> list[int]:
    """Parse ``"1,2,4"`` (or ``"1, 2, 4"``) into ``[1, 2, 4]``; exit 2 naming the bad item."""
    return _parse_list(text, int, name)


def parse_float_list(text: str, name: str) -> list[float]:
    """Parse ``"0.1,0.2"`` into finite floats; exit 2 naming the bad item."""
    return _parse_list(text, float, name)


def agg_pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend (imported only when plotting)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_plot(fig: Any, path: Path, **savefig_kwargs: Any) -> None:
    """Save ``fig`` to ``path`` (default 150 dpi, tight box) atomically and say so on stderr.

    Inside a :func:`handle_errors` command the figure is only queued: it is written, with
    the command's other figures, all-or-nothing after the command has printed its results.
    ``path`` should come from :func:`output_option`; its extension picks the format, so the
    file written is exactly ``path``.
    """
    kwargs = {"dpi": 150, "bbox_inches": "tight", **savefig_kwargs}
    pending = _pending_plots.get()
    if pending is not None:
        pending.append((fig, Path(path), kwargs))
        return
    _write_pending_plots([(fig, Path(path), kwargs)])


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
    line = Text.assemble(("warning:", "yellow"), " ", str(message))
    err_console.print(line, highlight=False, soft_wrap=True)


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
