"""``ssbattery reproduce``: the main job."""

from __future__ import annotations

from pathlib import Path

import typer

from ssbattery.cli._common import console, handle_errors, styled

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` to ``app``."""

    @app.command("reproduce")
    @handle_errors
    def reproduce_command(
        out: Path = typer.Option(Path("ssbattery-report"), "--out", help="Output folder."),
        only: str = typer.Option(
            "", "--only", help="Comma-separated figure keys to build (default: all)."
        ),
        list_figures: bool = typer.Option(False, "--list", help="List the figure keys and exit."),
    ) -> None:
        """Regenerate the review's figures and tables as PNG/SVG + CSV and index.html."""
        from ssbattery.report import reproduce
        from ssbattery.report.catalog import all_figures

        if list_figures:
            for spec in all_figures():
                console.print(f"{spec.key:32s} {spec.review_ref:20s} {spec.title}")
            return
        keys = [k.strip() for k in only.split(",") if k.strip()]
        result = reproduce(out, only=keys or None)
        console.print(
            f"Report: {result.index} ({len(result.runs)} figures, {result.seconds:.1f} s, "
            f"{len(result.failed)} failed)"
        )
        for run in result.failed:
            console.print(styled("failed:", "red"), run.spec.key)
        if result.failed:
            raise typer.Exit(code=1)
