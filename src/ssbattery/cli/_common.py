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
import errno
import functools
import importlib
import json
import math
import re
import sys
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar, overload

import numpy as np
import typer
from rich.console import Console
from rich.text import Text

from ssbattery.errors import SsbatteryError
from ssbattery.io import (
    JSON_SUFFIXES,
    PLOT_SUFFIXES,
    OutputBatch,
    check_output_path,
    to_jsonable,
)

__all__ = [
    "JSON_SUFFIXES",
    "PLOT_SUFFIXES",
    "CommandGroup",
    "agg_pyplot",
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "output_option",
    "parse_float_list",
    "parse_int_list",
    "parse_str_list",
    "print_json",
    "progress_on_stderr",
    "quantity_table",
    "record_table",
    "save_plot",
    "styled",
    "to_jsonable",
    "warnings_to_stderr",
]

# markup=False: every string printed is shown verbatim (see the module docstring);
# highlight=False: no automatic colouring of numbers and paths inside user text either
# (Rich's highlighter regexes took 7 s on a 16 000-character formula).
console = Console(markup=False, highlight=False)
err_console = Console(stderr=True, markup=False, highlight=False)

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


# typer vendors click: reach its exception classes through public typer names.
_click_exceptions = sys.modules[typer.BadParameter.__module__]
# ...and its context stack (click.globals, or typer._click.globals where typer vendors it).
_click_globals = importlib.import_module(
    typer.Context.__mro__[1].__module__.rsplit(".", 1)[0] + ".globals"
)
_UsageError: type[Exception] = _click_exceptions.UsageError
_NoArgsIsHelp: type[Exception] | None = getattr(_click_exceptions, "NoArgsIsHelpError", None)


class CommandGroup(typer.core.TyperGroup):
    """The root command group: the one place where a run ends.

    Usage errors (unknown option, malformed or missing value) become one ``error:`` line
    naming the option, with exit code 2, instead of click's multi-line box; a group called
    without a subcommand (``ssbattery eis``) prints its help and exits 0. The same holds for
    ``ssbattery`` on the command line and for ``CliRunner().invoke(app, ...)`` in tests.
    An unexpected exception (a bug) is one ``internal error:`` line and exit code 1, with
    the traceback shown only when ``SSBATTERY_TRACEBACK=1``.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Exit as exc:
            code = exc.exit_code
        except typer.Abort:
            code = 130
        except Exception as exc:  # the last line of defence: no traceback for users
            code = _report_exception(exc)
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _report_exception(exc: Exception) -> int:
    if _NoArgsIsHelp is not None and isinstance(exc, _NoArgsIsHelp):
        ctx = getattr(exc, "ctx", None)
        text = ctx.get_help() if ctx is not None else ""
        if text:
            typer.echo(text)
        return 0
    if isinstance(exc, _UsageError):
        ctx = getattr(exc, "ctx", None)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        fail(f"{message}{where}")
        return 2
    if isinstance(exc, SsbatteryError):  # raised outside a command body (e.g. a callback)
        fail(str(exc))
        return 2
    import os

    if os.environ.get("SSBATTERY_TRACEBACK") == "1":
        raise exc
    line = Text.assemble(
        ("internal error:", "bold red"),
        f" {type(exc).__name__}: {' '.join(str(exc).split())[:300]} — this is a bug in "
        "ssbattery; rerun with SSBATTERY_TRACEBACK=1 and report the traceback.",
    )
    err_console.print(line, highlight=False, soft_wrap=True)
    return 1


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


#: Largest magnitude (and smallest non-zero one) accepted for a number on the command line.
#: No input of any model here comes near it in the units the options use (the largest
#: default is the Landau β = 1e10 V/C³); beyond it products and exponentials overflow
#: double precision (≈ 1.8e308) and the results are meaningless.
NUMBER_LIMIT = 1e30


def _option_names() -> dict[str, str]:
    """Python parameter name → the option the user types, for the running command."""
    ctx = _click_globals.get_current_context(silent=True)
    if ctx is None:
        return {}
    names = {}
    for param in ctx.command.params:
        opts = [o for o in (getattr(param, "opts", None) or []) if o.startswith("--")]
        names[param.name] = max(opts, key=len) if opts else str(param.name).upper()
    return names


def check_numbers(
    values: Mapping[str, object],
    names: Mapping[str, str],
    quantities: Mapping[str, str] | None = None,
) -> None:
    """Refuse a non-finite or absurdly large/small number given for any float option.

    NaN and ±inf are never a physical input. An option declared in ``quantities`` (its
    kind of quantity, a key of :data:`ssbattery.validation.QUANTITIES`) must lie in that
    kind's physical range, and the message gives the physical reason; any other float
    option must stay within :data:`NUMBER_LIMIT` in magnitude (or 0), beyond which the
    models' products and exponentials overflow double precision. Raised as
    :class:`~ssbattery.errors.InvalidParameterError` naming the option.
    """
    from ssbattery.errors import InvalidParameterError
    from ssbattery.validation import require_quantity

    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, float):
            continue
        option = names.get(key, f"--{key.replace('_', '-')}")
        if not math.isfinite(value):
            raise InvalidParameterError(f"`{option}` must be a finite number, got {value!r}.")
        if quantities and key in quantities:
            require_quantity(option, value, quantities[key])
        if value != 0.0 and not 1.0 / NUMBER_LIMIT <= abs(value) <= NUMBER_LIMIT:
            raise InvalidParameterError(
                f"`{option}` = {value:g} is outside the range of any physical input here "
                f"(|x| between {1 / NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}, or 0): the model's "
                "arithmetic would overflow double precision; give a value in the option's units."
            )


def _numerical_failure(exc: Exception) -> bool:
    """An exception that signals overflow / non-finite arithmetic, not a bug in our logic."""
    if isinstance(exc, OverflowError | FloatingPointError | ZeroDivisionError):
        return True
    text = str(exc).lower()
    return type(exc).__name__ == "LinAlgError" or any(
        k in text for k in ("infs or nans", "must be finite", "not finite", "overflow")
    )


@overload
def handle_errors(func: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def handle_errors(
    *, api_names: Mapping[str, str] | None = None, quantities: Mapping[str, str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
def handle_errors(
    func: Callable[P, R] | None = None,
    /,
    *,
    api_names: Mapping[str, str] | None = None,
    quantities: Mapping[str, str] | None = None,
) -> Any:
    """Run a command: the package's errors and OS errors become one ``error:`` line and
    exit code 2, and the figures it queued with :func:`save_plot` are written (together,
    atomically) once it has finished.

    Before the body runs, every float option is checked by :func:`check_numbers`; declare
    the physical kind of an option with ``quantities={"t_hot": "model_temperature"}`` (the
    kinds of :data:`ssbattery.validation.QUANTITIES`) to check it against that kind's
    physical range, the same table the API's validators use. Messages
    from the API name Python arguments in backticks (`` `n_steps` ``); where a name is one of
    the command's own parameters it is replaced by the option the user typed. Where the API
    argument has another name, say so: ``@handle_errors(api_names={"nx": "--size"})``.
    """
    if func is None:
        return functools.partial(
            _wrap_command, api_names=dict(api_names or {}), quantities=dict(quantities or {})
        )
    return _wrap_command(func, api_names={}, quantities={})


def _wrap_command(
    func: Callable[P, R], api_names: dict[str, str], quantities: dict[str, str]
) -> Callable[P, R]:
    from ssbattery.validation import QUANTITIES

    unknown = sorted(set(quantities.values()) - set(QUANTITIES))
    if unknown:  # a typo in a declaration fails at import, not at the user's run
        raise KeyError(f"unknown quantity kinds {unknown} for {func.__name__}")

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        pending: list[tuple[Any, Path, dict[str, Any]]] = []
        names = {**_option_names(), **api_names}
        token = _pending_plots.set(pending)
        try:
            try:
                check_numbers(kwargs, names, quantities)
                with _cost_notes(names):
                    result = func(*args, **kwargs)
            finally:
                _pending_plots.reset(token)
            if pending:
                _write_pending_plots(pending)
            return result
        except SsbatteryError as exc:
            raise fail(_with_option_names(str(exc), names)) from None
        except OSError as exc:
            raise fail(_os_error_message(exc)) from None
        except MemoryError:
            raise fail(
                "ran out of memory; lower the size options (sites, levels, steps, population)."
            ) from None
        except RecursionError:
            raise fail("input too deeply nested; simplify it.") from None
        except (ArithmeticError, ValueError) as exc:
            if not _numerical_failure(exc):
                raise
            raise fail(
                "the computation overflowed (non-finite numbers) for these inputs: they are "
                "far outside the model's range; bring the large or tiny values closer to the "
                f"options' natural units ({type(exc).__name__}: {exc})."
            ) from None
        finally:
            if pending:
                import matplotlib.pyplot as plt

                for fig, _, _ in pending:
                    plt.close(fig)

    return wrapper


@contextlib.contextmanager
def _cost_notes(names: Mapping[str, str]) -> Iterator[None]:
    """Show each :class:`~ssbattery.errors.CostWarning` (a long run ahead) at once as one
    ``note:`` line on stderr, in the options' names; other warnings go their usual way."""
    from ssbattery.errors import CostWarning

    previous = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
        if issubclass(category, CostWarning):
            line = Text.assemble(("note:", "cyan"), " ", _with_option_names(str(message), names))
            err_console.print(line, highlight=False, soft_wrap=True)
        else:
            previous(message, category, *args, **kw)

    with warnings.catch_warnings():
        warnings.simplefilter("always", CostWarning)
        warnings.showwarning = show
        yield


#: Unit suffixes of API argument names that the CLI's options leave out.
_UNIT_SUFFIX = re.compile(r"_(eV|K|s|ohm|um|mm|mm2|Hz|V|V_per_C|g_mol|g_cm3)$")


def command_line_text(message: str) -> str:
    """An error message as the command line shows it: advice only a Python caller can follow
    (:func:`ssbattery.errors.api_only`) removed, for a note that reports a caught error."""
    return _with_option_names(message, {})


def _with_option_names(message: str, names: Mapping[str, str]) -> str:
    """Replace `` `python_name` `` by `` `--option` `` for the command's own parameters,
    and drop advice marked :func:`ssbattery.errors.api_only` (Python keyword arguments).

    A name matches a parameter exactly, in lower case (``T_cold`` → ``--t-cold``), without
    an ``n_`` prefix (``n_steps`` → ``--steps``) or without a unit suffix on either side
    (``band_gap_eV`` → ``--band-gap``, ``thickness`` → ``--thickness-mm``); ``names`` may
    also carry explicit
    API-argument → option entries (see :func:`handle_errors`' ``api_names``).
    """
    import re

    from ssbattery.errors import API_ONLY_PREFIX

    # advice only a Python caller can follow is not shown on the command line
    message = re.sub(rf"\s*{re.escape(API_ONLY_PREFIX)}[^\]]*\]", "", message)

    # an option whose parameter carries a unit the message leaves out: thickness → thickness_mm
    by_bare = {_UNIT_SUFFIX.sub("", k): v for k, v in names.items()}

    def swap(match: re.Match[str]) -> str:
        name = match.group(1)
        bare = _UNIT_SUFFIX.sub("", name)  # band_gap_eV → band_gap, t_end_s → t_end
        for candidate in (name, name.lower(), name.removeprefix("n_"), bare):
            if candidate in names:
                return f"`{names[candidate]}`"
        if bare in by_bare:
            return f"`{by_bare[bare]}`"
        return match.group(0)

    return re.sub(r"`([A-Za-z_][A-Za-z0-9_]*)`", swap, message)


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


def print_json(obj: Any) -> None:
    """Write exactly one JSON object on stdout."""
    sys.stdout.write(json.dumps(to_jsonable(obj)) + "\n")


_KIND_NAME = {int: "an integer", float: "a number", str: "a single name"}
_LIST_EXAMPLE = {int: "1,2,4", float: "0.1,0.2,0.5", str: "a,b"}


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
            if kind is str and (" " in item or "\t" in item):
                raise ValueError(item)
        except ValueError:
            hint = " (separate values with commas, not spaces)" if " " in item else ""
            raise fail(f"{what} is not {_KIND_NAME[kind]}{hint}; give e.g. {example}.") from None
        if kind is float and not math.isfinite(value):
            raise fail(f"{what} is not a finite number; give e.g. {example}.")
        values.append(value)
    return values


def parse_int_list(text: str, name: str) -> list[int]:
    """Parse ``"1,2,4"`` (or ``"1, 2, 4"``) into ``[1, 2, 4]``; exit 2 naming the bad item."""
    return _parse_list(text, int, name)


def parse_str_list(text: str, name: str) -> list[str]:
    """Parse ``"a,b"`` (or ``"a, b"``) into names; exit 2 naming an empty item."""
    return _parse_list(text, str, name)


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
    left: Collection[str] = (),
    fold: Collection[str] = (),
    no_wrap: Collection[str] = (),
    show_header: bool = True,
) -> Any:
    """A rich table with one row per record; ``columns`` maps record keys to headers
    (default: every key of the first record, as its own header).

    Cells are right-justified, as numbers read best; the keys in ``left`` (labels, text) are
    left-justified, those in ``fold`` wrap long text onto more lines instead of cutting it,
    and those in ``no_wrap`` never wrap. Floats are formatted with ``float_format``; any
    other value (a string already formatted by the caller) is shown as it is."""
    from rich.table import Table

    cols = dict(columns) if columns is not None else {k: k for k in (records[0] if records else {})}
    table = Table(title=title, show_header=show_header)
    for key, header in cols.items():
        table.add_column(
            header,
            justify="left" if key in left else "right",
            overflow="fold" if key in fold else "ellipsis",
            no_wrap=key in no_wrap,
        )
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
