"""Write the report's single self-contained ``index.html`` (images embedded as base64)."""

from __future__ import annotations

import base64
import csv
import html
from typing import TYPE_CHECKING, Any

from ssbattery import __version__
from ssbattery.io import write_text

if TYPE_CHECKING:
    from pathlib import Path

    from ssbattery.report.runner import FigureRun, ReportResult

__all__ = ["write_index"]

_MAX_TABLE_ROWS = 60

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}
h1{margin-bottom:.2em} .meta{color:#555} section{border-top:1px solid #ddd;padding:1em 0}
img{max-width:100%;height:auto} table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left} .err{color:#a00;white-space:pre-wrap}
details{margin:.4em 0} .ref{color:#666;font-weight:normal}
"""


def _embed_image(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    return f'<img alt="{html.escape(path.stem)}" src="data:{mime};base64,{data}">'


def _table(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in rows[1 : _MAX_TABLE_ROWS + 1]
    )
    more = len(rows) - 1 - _MAX_TABLE_ROWS
    note = f"<p>… {more} more rows in {html.escape(path.name)}</p>" if more > 0 else ""
    return (
        f"<details><summary>{html.escape(path.name)} ({len(rows) - 1} rows)</summary>"
        f"<table><tr>{head}</tr>{body}</table>{note}</details>"
    )


def _parameters(parameters: dict[str, Any]) -> str:
    if not parameters:
        return ""
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in parameters.items()
    )
    return f"<table>{rows}</table>"


def _section(run: FigureRun) -> str:
    spec = run.spec
    head = (
        f'<h2 id="{html.escape(spec.key)}">{html.escape(spec.title)} '
        f'<span class="ref">({html.escape(spec.review_ref)})</span></h2>'
        f"<p class=meta>{run.seconds:.1f} s</p>"
    )
    if run.error is not None or run.artifact is None:
        return (
            f'<section>{head}<p class="err">{html.escape(run.error or "no output")}</p></section>'
        )
    art = run.artifact
    images = "".join(_embed_image(p) for p in art.images if p.suffix == ".png")
    files = ", ".join(html.escape(p.name) for p in (*art.images, *art.tables))
    notes = "".join(f'<p class="warn">warning: {html.escape(w)}</p>' for w in art.warnings)
    return (
        f"<section>{head}<p>{html.escape(art.summary)}</p>{notes}{images}"
        f"{_parameters(dict(art.parameters))}"
        f"{''.join(_table(p) for p in art.tables)}<p class=meta>Files: {files}</p></section>"
    )


def write_index(result: ReportResult) -> Path:
    """Write ``index.html`` for ``result`` and return its path."""
    toc = "".join(
        f'<li><a href="#{html.escape(r.spec.key)}">{html.escape(r.spec.review_ref)}: '
        f"{html.escape(r.spec.title)}</a>{' — failed' if r.error else ''}</li>"
        for r in result.runs
    )
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>ssbattery report</title><style>{_STYLE}</style></head><body>"
        "<h1>ssbattery: the review's computable figures</h1>"
        "<p class=meta>Braga et al., J. Mater. Chem. A 12, 690–722 (2024). "
        f"ssbattery {html.escape(__version__)} · started {html.escape(result.started)} · "
        f"total {result.seconds:.1f} s · {len(result.runs)} figures, "
        f"{len(result.failed)} failed</p><ul>{toc}</ul>"
        + "".join(_section(r) for r in result.runs)
        + "</body></html>"
    )
    write_text(result.index, page)
    return result.index
