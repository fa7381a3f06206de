"""Write the CLI reference page from the commands themselves.

typer (0.29) runs on its own copy of click, whose command classes sphinx-click does not
recognise, so this module walks the same command tree that ``ssbattery --help`` prints:
every command and group, its help, its usage line and every option with its default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from ssbattery.cli import app

__all__ = ["write_cli_page"]

_HEADER = """# Command line

Generated from the commands themselves at every build. Every command takes `--help`;
`python -m ssbattery` is the same program. Bad input gets one `error:` line on stderr and
exit code 2.

Shell completion: `ssbattery --install-completion` adds it to your shell's start-up file;
`ssbattery --show-completion` prints the script instead (bash, zsh, fish, PowerShell).
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _command(cmd: Any, ctx: Any, path: str, lines: list[str]) -> None:
    level = "#" * min(2 + path.count(" ") - 1, 4)
    lines += [f"{level} `{path}`", "", (cmd.help or "").strip(), ""]
    lines += ["```text", cmd.get_usage(ctx).strip(), "```", ""]
    records = [p.get_help_record(ctx) for p in cmd.params if not getattr(p, "hidden", False)]
    records = [r for r in records if r is not None]
    if records:
        lines += ["| option | meaning |", "| --- | --- |"]
        lines += [f"| `{_cell(opts)}` | {_cell(help_)} |" for opts, help_ in records]
        lines.append("")
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            sub_ctx = type(ctx)(sub, info_name=name, parent=ctx)
            _command(sub, sub_ctx, f"{path} {name}", lines)


def write_cli_page(path: Path) -> None:
    """Write the CLI reference (MyST Markdown) to ``path`` if its text changed."""
    root = typer.main.get_command(app)
    ctx_type = type(root).context_class
    ctx = ctx_type(root, info_name="ssbattery")
    lines = [_HEADER]
    _command(root, ctx, "ssbattery", lines)
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
