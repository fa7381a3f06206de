"""``ssbattery sweep``: run a spec, inspect, plot and export its store.

``ssbattery sweep SPEC.toml`` (or ``sweep run SPEC.toml``) runs a sweep; ``sweep check``
validates a spec, ``sweep models`` lists what can be swept, ``sweep show``, ``sweep plot``
and ``sweep export`` read a store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from ssbattery.cli._common import console, err_console, handle_errors, print_json, record_table

__all__ = ["register"]


class _RunByDefault(TyperGroup):
    """A group whose first argument may be a spec file: ``sweep SPEC`` = ``sweep run SPEC``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().resolve_command(ctx, args)


sweep_app = typer.Typer(
    cls=_RunByDefault,
    help="Parameter sweeps of any model on one engine (in-process or Dask), results in Zarr.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``sweep`` command group."""
    app.add_typer(sweep_app, name="sweep")


def _progress_bar() -> Any:
    """A rich bar on stderr with done, failed, remaining and ETA; returns (bar, callback)."""
    from rich.progress import BarColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("sweep"),
        BarColumn(),
        TextColumn(
            "{task.fields[done]} done, {task.fields[failed]} failed, "
            "{task.fields[remaining]} remaining, ETA {task.fields[eta]}"
        ),
        console=err_console,
        transient=True,
    )
    state: dict[str, Any] = {}

    def update(p: Any) -> None:
        eta = "?" if p.eta_s is None else f"{p.eta_s:.0f} s"
        fields = {"done": p.done, "failed": p.failed, "remaining": p.remaining, "eta": eta}
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("sweep", total=p.total, **fields)
        bar.update(state["task"], completed=p.done + p.failed, total=p.total, **fields)

    return bar, update


@sweep_app.command("run")
@handle_errors
def run_command(
    spec: Path = typer.Argument(..., help="Sweep spec (TOML)."),
    store: Path | None = typer.Option(
        None, "--store", help="Zarr store (default SPEC with .zarr); resumed if it exists."
    ),
    workers: int | None = typer.Option(
        None, "--workers", help="Start a local Dask cluster of N single-threaded workers."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler (tcp://HOST:8786)."
    ),
    task_seconds: float = typer.Option(
        0.5, "--task-seconds", help="Target duration of one task (small points are batched)."
    ),
    flush_seconds: float = typer.Option(
        1.0, "--flush-seconds", help="Write finished points to the store at most this often."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Run a sweep; only points not yet done are computed. Exit 1 if any point failed."""
    from ssbattery.errors import InvalidParameterError
    from ssbattery.sweep import load_spec, run

    if workers is not None and scheduler is not None:
        raise InvalidParameterError("give only one of --workers and --scheduler.")
    parsed = load_spec(spec)
    target = store if store is not None else spec.with_suffix(".zarr")
    bar, update = _progress_bar()
    try:
        result = run(
            parsed,
            store=target,
            workers=workers,
            scheduler=scheduler,
            progress=update,
            task_seconds=task_seconds,
            flush_seconds=flush_seconds,
        )
    except KeyboardInterrupt:
        bar.stop()
        err_console.print(
            f"interrupted: the points finished so far are in {target}; run the same command "
            "again to compute only the rest.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=130) from None
    finally:
        bar.stop()
    if as_json:
        print_json(
            {
                "store": result.store,
                "total": result.total,
                "done": result.done,
                "computed": result.computed,
                "skipped": result.skipped,
                "wall_s": result.wall_s,
                "executor": result.executor,
                "failures": [{"point": p, "error": m} for p, m in result.failures],
                "warnings": [{"point": p, "warnings": m} for p, m in result.warnings],
            }
        )
    else:
        console.print(str(result), highlight=False)
        for where, msg in result.warnings:
            err_console.print(
                Text.assemble(("warning:", "yellow"), f" {where}: {msg}"), highlight=False
            )
    if result.failures:
        raise typer.Exit(code=1)


@sweep_app.command("check")
@handle_errors
def check_command(spec: Path = typer.Argument(..., help="Sweep spec (TOML).")) -> None:
    """Validate a spec without running it: model, dimensions and number of points."""
    from ssbattery.sweep import load_spec

    s = load_spec(spec)
    dims = ", ".join(f"{a.name} ({len(a)})" for a in s.axes) or "none"
    console.print(
        f"{spec}: model {s.model}, {s.size} points; dimensions: {dims}",
        highlight=False,
        soft_wrap=True,
    )


@sweep_app.command("models")
@handle_errors
def models_command(
    model: str | None = typer.Argument(None, help="Show one model's parameters and outputs."),
) -> None:
    """List the models that can be swept (or one model's parameters and outputs)."""
    from ssbattery.sweep import entry_names, get_entry

    if model is None:
        models = [{"model": name, "summary": get_entry(name).summary} for name in entry_names()]
        console.print(record_table("sweepable models", models, left={"model", "summary"}))
        return
    entry = get_entry(model)
    rows = [
        {
            "": "param",
            "name": p.name,
            "type": p.kind,
            "default": (
                "required"
                if p.required
                else ("model default" if p.default is None else repr(p.default))
            ),
            "unit": p.unit,
            "meaning": p.doc,
        }
        for p in entry.params
    ]
    rows += [
        {
            "": "output",
            "name": o.name,
            "type": f"array ({', '.join(o.dims)})" if o.dims else "scalar",
            "default": "",
            "unit": o.unit,
            "meaning": o.doc,
        }
        for o in entry.outputs
    ]
    text = {"", "name", "type", "default", "unit", "meaning"}
    console.print(record_table(f"{entry.name}: {entry.summary}", rows, left=text))


@sweep_app.command("show")
@handle_errors
def show_command(
    store: Path = typer.Argument(..., help="Sweep store (.zarr)."),
    as_json: bool = typer.Option(False, "--json", help="Print the table as JSON records."),
) -> None:
    """A table of every point: status, error and the scalar results."""
    from ssbattery.sweep import open_dataset, to_dataframe

    ds = open_dataset(store)
    df = to_dataframe(ds).drop(columns=["start_time", "finish_time"], errors="ignore")
    if as_json:
        print_json(
            {"store": str(store), "model": ds.attrs["model"], "points": df.to_dict("records")}
        )
        return
    counts = df["status"].value_counts().to_dict()
    title = f"{store}: {ds.attrs['model']}, " + ", ".join(
        f"{n} {k}" for k, n in sorted(counts.items())
    )
    cells = {
        str(col): [f"{v:.6g}" if isinstance(v, float) else str(v) for v in df[col]]
        for col in df.columns
    }
    for table in _fitting_tables(title, cells, console.width):
        console.print(table)


def _fitting_tables(title: str, cells: dict[str, list[str]], width: int) -> list[Any]:
    """The point table as rich tables that each fit ``width`` without cutting a value: the
    swept parameters (the columns before ``status``) start every table, and the other
    columns follow in order, as many as fit (a wide table is split, as pandas wraps)."""
    names = list(cells)
    n_keys = names.index("status") if "status" in names else 0
    keys, rest = names[:n_keys], names[n_keys:]

    def need(col: str) -> int:  # the column's text plus rich's padding and border
        return max([len(col), *(len(v) for v in cells[col])]) + 3

    base = 1 + sum(need(k) for k in keys)
    groups: list[list[str]] = []
    used = width + 1  # the first column opens a table
    for col in rest:
        if used + need(col) > width:
            groups.append([])
            used = base
        groups[-1].append(col)
        used += need(col)
    n_rows = len(next(iter(cells.values()), []))
    tables = []
    for i, group in enumerate(groups or [[]]):
        part = f" ({i + 1}/{len(groups)})" if len(groups) > 1 else ""
        shown = [*keys, *group]
        rows = [{c: cells[c][r] for c in shown} for r in range(n_rows)]
        text = {"status", "error"}.intersection(shown)
        columns = dict(zip(shown, shown, strict=True))
        tables.append(
            record_table(title + part, rows, columns, left=text, no_wrap=set(shown) - text)
        )
    return tables


def _parse_where(items: list[str]) -> dict[str, str]:
    from ssbattery.errors import InvalidParameterError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidParameterError(f"`--where` takes DIM=VALUE, got {item!r}.")
        out[key.strip()] = value.strip()
    return out


@sweep_app.command("plot")
@handle_errors
def plot_command(
    store: Path = typer.Argument(..., help="Sweep store (.zarr)."),
    x: str = typer.Option(..., "--x", help="Swept dimension on the x axis."),
    y: str = typer.Option(..., "--y", help="Scalar output on the y axis."),
    hue: str | None = typer.Option(None, "--hue", help="Swept dimension: one line per value."),
    where: list[str] = typer.Option([], "--where", help="DIM=VALUE for the other dimensions."),
    loglog: bool = typer.Option(False, "--loglog", help="Logarithmic x and y axes."),
    fit: str | None = typer.Option(None, "--fit", help="power-law: fit y = βx^α per group."),
    out: Path = typer.Option(Path("sweep.png"), "--out", help="Figure file (.png/.svg/.pdf)."),
) -> None:
    """Plot an output against a swept parameter; --fit power-law prints α ± SE and R²."""
    from ssbattery.cli._common import agg_pyplot, save_plot
    from ssbattery.errors import InvalidParameterError
    from ssbattery.io import PLOT_SUFFIXES, check_output_path
    from ssbattery.plotting.sweep import plot_sweep
    from ssbattery.sweep import open_dataset

    if fit not in (None, "power-law"):
        raise InvalidParameterError(f"`--fit` must be 'power-law', got {fit!r}.")
    check_output_path(out, option="--out", suffixes=PLOT_SUFFIXES)
    ds = open_dataset(store)
    fig, ax = agg_pyplot().subplots(figsize=(6, 4.2), layout="constrained")
    fits = plot_sweep(
        ds, x, y, hue=hue, where=_parse_where(where), loglog=loglog, fit=fit is not None, ax=ax
    )
    save_plot(fig, out)
    for f in fits:
        label = "" if f.group is None else f"{hue} = {f.group}: "
        console.print(
            f"{label}α = {f.fit.exponent:.4f} ± {f.fit.stderr:.4f}, R² = {f.fit.r2:.5f} "
            f"({f.points} points)",
            highlight=False,
        )
    groups = [None] if hue is None else ds[hue].values.tolist()
    for g in [g for g in groups if fit and g not in {f.group for f in fits}]:
        label = "" if g is None else f" for {hue} = {g}"
        err_console.print(
            f"note: no power-law fit{label}: fewer than 3 done points with {x} > 0 and "
            f"{y} > 0 (a log–log fit needs them).",
            highlight=False,
        )


@sweep_app.command("export")
@handle_errors
def export_command(
    store: Path = typer.Argument(..., help="Sweep store (.zarr)."),
    csv: Path = typer.Option(..., "--csv", help="CSV file: one row per point."),
) -> None:
    """Export the per-point table (status, error, scalar outputs) to CSV."""
    from ssbattery.sweep import open_dataset, to_csv

    path = to_csv(open_dataset(store), csv, option="--csv")
    err_console.print(f"wrote {path}")
