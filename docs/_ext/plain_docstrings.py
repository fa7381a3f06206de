"""Let docstrings keep the physics notation they are written in.

The package's docstrings use bra-kets (|n⟩⟨m|) and absolute values (|α| ≤ 1) as plain text;
reStructuredText reads ``|...|`` as a substitution. Before autodoc parses a docstring, this
hook escapes every bar outside inline literals, roles and literal blocks, and leaves
tables and line blocks (lines that start with ``+-``, ``+=`` or ``| ``) alone. An inline
literal glued to a letter (````grid````³) gets the escaped space docutils needs.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["escape_bars", "setup"]

_LITERAL = re.compile(r"(``[^`].*?``|:[a-z:]+:`[^`]+`|(?<!`)`[^`]+`(?!`)_?)")


_BOUNDARY = set(" \t-.,:;!?/'\")]}>")  # what may follow an inline literal (docutils)


def _escape_line(line: str) -> str:
    parts = _LITERAL.split(line)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a literal or role: kept, but a letter glued to it (``grid``³) is split
            if out and out[-1] and out[-1][-1] not in _BOUNDARY | set("([{<"):
                out.append("\\ ")
            out.append(part)
            nxt = parts[i + 1] if i + 1 < len(parts) else ""
            if nxt and nxt[0] not in _BOUNDARY:
                out.append("\\ ")
        else:
            out.append(part.replace("|", r"\|"))
    return "".join(out)


def escape_bars(lines: list[str]) -> None:
    """Escape ``|`` in ``lines`` in place (see the module docstring for what is kept)."""
    literal_above: int | None = None  # indent of the line that opened a literal block
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if literal_above is not None:
            if not stripped or indent > literal_above:
                continue
            literal_above = None
        table = stripped.startswith(("+-", "+=", "| ")) or stripped == "|"
        if not table and not stripped.startswith((">>>", "...")):
            lines[i] = _escape_line(line)
        if line.rstrip().endswith("::"):
            literal_above = indent


def _hook(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    escape_bars(lines)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point."""
    app.connect("autodoc-process-docstring", _hook)
    return {"parallel_read_safe": True}
