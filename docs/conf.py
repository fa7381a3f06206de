"""Sphinx configuration of the ssbattery documentation.

Build (from the repository root)::

    .venv/bin/ssbattery reproduce --out docs/_build/report   # optional: gallery images
    .venv/bin/python -m sphinx -W -b html docs docs/_build/html

Sphinx with pydata-sphinx-theme, as QuTiP and PyBaMM use: autodoc reads the docstrings
(equations, units, review equation numbers) from the code, MyST-NB executes the tutorials
at every build so they cannot go stale, and sphinx-click documents the CLI from the
commands themselves (typer's command tree, read by ``_ext/cli_reference.py``: typer 0.29
runs on its own copy of click, which sphinx-click does not accept).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import apigen  # noqa: E402
import cli_reference  # noqa: E402
import gallery  # noqa: E402

import ssbattery  # noqa: E402

project = "ssbattery"
author = "The ssbattery developers"
copyright = "2026, The ssbattery developers"
release = ssbattery.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "plain_docstrings",
    "myst_nb",
]

exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
napoleon_google_docstring = True
napoleon_numpy_docstring = True
python_use_unqualified_type_names = True

intersphinx_mapping: dict[str, tuple[str, None]] = {}

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Every tutorial runs at every build; one that raises fails the build.
nb_execution_mode = os.environ.get("SSBATTERY_DOCS_EXECUTE", "force")
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True

html_theme = "pydata_sphinx_theme"
html_title = f"ssbattery {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False

# Two classes share the name ChargingResult (quantum.battery, thermal.pumped_battery); a
# bare annotation naming it cannot pick one, and Sphinx then links neither.
suppress_warnings = ["ref.python"]

# Regenerated on every build (not kept in git): the API pages, the CLI page, the gallery.
apigen.write_api_pages(HERE / "api" / "generated")
cli_reference.write_cli_page(HERE / "reference" / "cli.md")
_report = Path(os.environ.get("SSBATTERY_DOCS_REPORT", HERE / "_build" / "report"))
gallery.write_gallery(HERE / "gallery" / "generated", _report if _report.is_dir() else None)
