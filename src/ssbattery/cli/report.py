"""``ssbattery reproduce``: the main job."""

from __future__ import annotations

import typer

from ssbattery.cli._common import console, err_console, handle_errors, parse_str_list, styled

__all__ = ["register", "reproduce_command"]


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` to ``app``."""
    app.command("reproduce")(reproduce_command)


@handle_errors
def reproduce_command(
    out: str = typer.Option(
        "ssbattery-report",
        "--out",
        help="Output folder (built beside it and swapped in when complete; a rerun "
        "after an interruption resumes).",
    ),
    only: list[str] | None = typer.Option(
        None,
        "--only",
        help="Comma-separated figure keys to build (default: all); may be repeated.",
    ),
    list_figures: bool = typer.Option(False, "--list", help="List the figure keys and exit."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Write into a non-empty folder that is not a report (its files are kept).",
    ),
) -> None:
    """Regenerate the review's figures and tables as PNG/SVG + CSV and index.html."""
    from ssbattery.report import reproduce
    from ssbattery.report.catalog import all_figures
    from ssbattery.report.runner import staging_dir

    if list_figures:
        for spec in all_figures():  # one line per figure, also in a pipe (`| cut -f1`)
            console.print(f"{spec.key:32s} {spec.review_ref:20s} {spec.title}", soft_wrap=True)
        return
    if only is not None and not ",".join(only).strip(", "):
        # an empty --only (e.g. a second, blank --only overriding the first) must not
        # silently mean "every figure"
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(
            "`--only` needs at least one figure key (see `ssbattery reproduce --list`)."
        )
    # a repeated --only adds its keys (the last one alone was kept before)
    keys = parse_str_list(",".join(only), "--only") if only else []
    try:
        result = reproduce(out, only=keys or None, force=force)
    except KeyboardInterrupt:
        err_console.print(
            f"interrupted: {out} was left as it was; the figures finished so far are kept in "
            f"{staging_dir(out)}. Run the same command again to build only the rest.",
            soft_wrap=True,
        )
        raise typer.Exit(code=130) from None
    reused = f", {len(result.reused)} reused" if result.reused else ""
    console.print(
        f"Report: {result.index} ({len(result.runs)} figures{reused}, "
        f"{result.seconds:.1f} s, {len(result.failed)} failed)",
        soft_wrap=True,  # a long path is never broken across lines
    )
    for run in result.failed:
        console.print(styled("failed:", "red"), run.spec.key)
    if result.failed:
        raise typer.Exit(code=1)
