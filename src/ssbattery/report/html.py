"""Write the report's single self-contained ``index.html`` (images embedded as base64).

The page is grouped by part of the review, with a table of contents, a figure search (plain
JavaScript, no network) and, for each figure, its parameters and run time. It reads on a
phone: a viewport tag, images scaled to the width, wide tables scrolled inside their box.
"""

from __future__ import annotations

import base64
import csv
import html
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ssbattery import __version__
from ssbattery.io import write_text

if TYPE_CHECKING:
    from pathlib import Path

    from ssbattery.report.runner import FigureRun, ReportResult

__all__ = ["REVIEW_PARTS", "part_of", "write_index"]

_MAX_TABLE_ROWS = 60

#: The review's parts in order: (anchor, heading, report section modules). A figure joins
#: the part whose list holds the module its builder lives in; any other goes to "Other".
REVIEW_PARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "part-electrolytes",
        "§1 Solid electrolytes: data and screening",
        ("electrolytes_data", "electrolytes", "_electrolyte_figures"),
    ),
    ("part-impedance", "§1.1 Impedance and activation energy", ("impedance",)),
    ("part-cell", "§1.1, §2.1–2.2 Cell physics", ("cell",)),
    ("part-dicke", "§2.3.3–2.3.6 The Dicke battery", ("dicke", "regime")),
    ("part-spin-chain", "§2.3.8–2.3.9 The spin-chain battery", ("spin_chain",)),
    ("part-thermal", "§2.4 Quantum thermal machines", ("thermal", "feedback")),
)
_OTHER = ("part-other", "Other figures")

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1em;color:#222;
line-height:1.4}
h1{margin:.2em 0;font-size:1.6em} .meta{color:#555;font-size:.9em}
nav{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
nav h2{font-size:1.1em;margin:.3em 0} nav h3{font-size:1em;margin:.6em 0 .2em}
nav ul{margin:0;padding-left:1.2em} nav li{margin:.15em 0}
#figure-search{width:100%;max-width:28em;font-size:1em;padding:.4em;margin:.3em 0}
section.part>h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:1.5em}
article{border-top:1px solid #ddd;padding:1em 0} article h3{margin:.2em 0}
img{max-width:100%;height:auto;display:block;margin:.5em 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.err{color:#a00;white-space:pre-wrap;overflow-x:auto} .warn{color:#8a5a00}
details{margin:.4em 0} .ref{color:#666;font-weight:normal} .hidden{display:none}
code{overflow-wrap:anywhere}
"""

# Filters the figures by every word typed (title, key, review reference, parameters,
# summary); hides the parts and contents entries left empty.
_SCRIPT = """
(function(){
  var box=document.getElementById('figure-search');
  var count=document.getElementById('search-count');
  var figs=Array.prototype.slice.call(document.querySelectorAll('article.figure'));
  function apply(){
    var words=box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown=0;
    figs.forEach(function(f){
      var text=f.getAttribute('data-search');
      var ok=words.every(function(w){return text.indexOf(w)>=0;});
      f.classList.toggle('hidden',!ok);
      var li=document.querySelector('nav li[data-key="'+f.id+'"]');
      if(li){li.classList.toggle('hidden',!ok);}
      if(ok){shown++;}
    });
    document.querySelectorAll('section.part').forEach(function(s){
      var any=s.querySelector('article.figure:not(.hidden)')!==null;
      s.classList.toggle('hidden',!any);
      var head=document.querySelector('nav [data-part="'+s.id+'"]');
      if(head){head.classList.toggle('hidden',!any);}
    });
    count.textContent=words.length?shown+' of '+figs.length+' figures match':'';
  }
  box.addEventListener('input',apply);
})();
"""


def part_of(run: FigureRun) -> tuple[str, str]:
    """(anchor, heading) of the review part that ``run``'s figure belongs to."""
    # a builder made at run time (a test's stand-in) may have no module: it goes to "Other"
    module = str(getattr(run.spec.build, "__module__", None) or "").rsplit(".", 1)[-1]
    for anchor, heading, modules in REVIEW_PARTS:
        if module in modules:
            return anchor, heading
    return _OTHER


def _embed_image(path: Path, title: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    alt = html.escape(f"{title} ({path.name})")
    return f'<img alt="{alt}" src="data:{mime};base64,{data}">'


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
        f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>{note}</details>'
    )


def _parameters(parameters: dict[str, Any]) -> str:
    if not parameters:
        return "<p class=meta>Parameters: none (the builder's defaults are its data).</p>"
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in parameters.items()
    )
    return (
        f"<details open><summary>Parameters ({len(parameters)})</summary>"
        f'<div class="scroll"><table>{rows}</table></div></details>'
    )


def _search_text(run: FigureRun) -> str:
    spec = run.spec
    words = [spec.key, spec.title, spec.review_ref, part_of(run)[1]]
    if run.artifact is not None:
        words.append(run.artifact.summary)
        words += [f"{k} {v}" for k, v in run.artifact.parameters.items()]
    return html.escape(" ".join(words).lower())


def _figure(run: FigureRun, folder: Path) -> str:
    spec = run.spec
    head = (
        f'<h3>{html.escape(spec.title)} <span class="ref">({html.escape(spec.review_ref)})'
        f"</span></h3><p class=meta>Run time {run.seconds:.2f} s · key "
        f"<code>{html.escape(spec.key)}</code> · rebuild with "
        f"<code>ssbattery reproduce --only {html.escape(spec.key)}</code></p>"
    )
    opening = (
        f'<article class="figure" id="{html.escape(spec.key)}" '
        f'data-search="{_search_text(run)}">{head}'
    )
    if run.error is not None or run.artifact is None:
        return f'{opening}<p class="err">{html.escape(run.error or "no output")}</p></article>'
    art = run.artifact
    images = "".join(_embed_image(p, spec.title) for p in art.images if p.suffix == ".png")
    files = ", ".join(_file_link(p, folder) for p in (*art.images, *art.tables))
    notes = "".join(f'<p class="warn">warning: {html.escape(w)}</p>' for w in art.warnings)
    return (
        f"{opening}<p>{html.escape(art.summary)}</p>{notes}{images}"
        f"{_parameters(dict(art.parameters))}"
        f"{''.join(_table(p) for p in art.tables)}<p class=meta>Files: {files}</p></article>"
    )


def _file_link(path: Path, folder: Path) -> str:
    """A link to one of the figure's files, relative to the page's ``folder``."""
    try:
        name = path.relative_to(folder).as_posix()
    except ValueError:  # not under the report folder: name it, link nothing
        return html.escape(path.name)
    return f'<a href="{html.escape(quote(name))}">{html.escape(name)}</a>'


def _grouped(runs: tuple[FigureRun, ...]) -> list[tuple[str, str, list[FigureRun]]]:
    order = [(a, h) for a, h, _ in REVIEW_PARTS] + [_OTHER]
    groups: dict[str, list[FigureRun]] = {a: [] for a, _ in order}
    for run in runs:
        groups[part_of(run)[0]].append(run)
    return [(a, h, groups[a]) for a, h in order if groups[a]]


def _contents(parts: list[tuple[str, str, list[FigureRun]]]) -> str:
    blocks = []
    for anchor, heading, runs in parts:
        items = "".join(
            f'<li data-key="{html.escape(r.spec.key)}"><a href="#{html.escape(r.spec.key)}">'
            f"{html.escape(r.spec.review_ref)}: {html.escape(r.spec.title)}</a> "
            f"<span class=meta>{r.seconds:.1f} s{' · failed' if r.error else ''}</span></li>"
            for r in runs
        )
        blocks.append(
            f'<div data-part="{anchor}"><h3><a href="#{anchor}">{html.escape(heading)}</a></h3>'
            f"<ul>{items}</ul></div>"
        )
    return (
        '<nav id="contents" aria-label="Contents"><h2>Contents</h2>'
        '<label for="figure-search">Search the figures</label><br>'
        '<input id="figure-search" type="search" autocomplete="off" '
        'placeholder="a title, key, § or parameter, e.g. Landau or N_atoms">'
        '<p id="search-count" class=meta aria-live="polite"></p>' + "".join(blocks) + "</nav>"
    )


def write_index(result: ReportResult) -> Path:
    """Write ``index.html`` for ``result`` and return its path."""
    parts = _grouped(result.runs)
    body = "".join(
        f'<section class="part" id="{anchor}"><h2>{html.escape(heading)}</h2>'
        + "".join(_figure(r, result.index.parent) for r in runs)
        + "</section>"
        for anchor, heading, runs in parts
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ssbattery report</title><style>{_STYLE}</style></head><body>"
        "<header><h1>ssbattery: the review's computable figures</h1>"
        "<p class=meta>Gomes, Moutinho and Braga, J. Mater. Chem. A 12, 690–722 (2024). "
        f"ssbattery {html.escape(__version__)} · started {html.escape(result.started)} · "
        f"total {result.seconds:.1f} s · {len(result.runs)} figures, "
        f"{len(result.failed)} failed</p></header>"
        f"{_contents(parts)}<main>{body}</main><script>{_SCRIPT}</script></body></html>"
    )
    write_text(result.index, page)
    return result.index
