"""The documentation: every public name has a docstring, and the site builds with warnings
as errors, its tutorials executed, its API pages covering every name in every ``__all__``,
its gallery every report figure and its CLI page every command."""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
TUTORIALS = sorted(p.stem for p in (DOCS / "tutorials").glob("*.md") if p.stem != "index")
# Two fast figures give the gallery real images without building the whole report.
GALLERY_FIGURES = ("table1_electrolytes", "fig9_landau_negative_capacitance")


def _apigen() -> ModuleType:
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return importlib.import_module("apigen")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


def _public_names() -> list[tuple[str, str, Any]]:
    """(module, name, object) for every name in every public module's ``__all__``."""
    out = []
    for modname in _apigen().public_modules():
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            if hasattr(module, name):
                out.append((modname, name, getattr(module, name)))
            else:  # a submodule listed in a package's __all__
                out.append((modname, name, importlib.import_module(f"{modname}.{name}")))
    return out


def _own_docstring(obj: Any) -> str:
    doc = obj.__doc__ or ""
    if inspect.isclass(obj) and doc.startswith(f"{obj.__name__}("):
        return ""  # the signature that @dataclass writes when the class has no docstring
    return doc.strip()


def _attribute_doc(modname: str, name: str, value: Any) -> str:
    """The ``#:`` comment or string after the assignment, in the module that defines it."""
    from sphinx.pycode import ModuleAnalyzer

    candidates = [modname]
    candidates += [
        m for m in _apigen().public_modules() if m.startswith(f"{modname}.") and m != modname
    ]
    for m in candidates:
        module = importlib.import_module(m)
        if getattr(module, name, None) is not value:
            continue
        docs = ModuleAnalyzer.for_module(m).find_attr_docs()
        if ("", name) in docs:
            return "\n".join(docs[("", name)]).strip()
    return ""


def test_every_public_name_has_a_docstring() -> None:
    """Modules, functions, classes, their public methods and properties, and data (by a
    ``#:`` comment): everything the API reference shows must say what it is."""
    missing = []
    names = _public_names()
    assert len(names) > 400  # the walk found the package
    for modname in _apigen().public_modules():
        if not (importlib.import_module(modname).__doc__ or "").strip():
            missing.append(modname)
    for modname, name, obj in names:
        where = f"{modname}.{name}"
        if inspect.ismodule(obj):
            continue
        is_ours = str(getattr(obj, "__module__", "")).startswith("ssbattery")
        if (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)) and is_ours:
            if not _own_docstring(obj):
                missing.append(where)
            if inspect.isclass(obj) and obj.__module__ == modname:
                fields = getattr(obj, "__dataclass_fields__", {})
                for attr, value in vars(obj).items():
                    if attr in fields:  # a dataclass field's default, not a method
                        continue
                    func = value.fget if isinstance(value, property) else value
                    func = getattr(func, "__func__", func)
                    if not attr.startswith("_") and inspect.isfunction(func):
                        if not (func.__doc__ or "").strip():
                            missing.append(f"{where}.{attr}")
        elif not _attribute_doc(modname, name, obj):
            missing.append(where)
    assert not missing, f"no docstring: {missing}"


def test_the_review_is_cited_by_its_first_author() -> None:
    """The review's authors are B. M. Gomes, J. F. R. Moutinho and M. H. Braga (its title
    page and docs/reference/citing.md); README, the docs and docstrings
    cited it as "Braga et al.". ("Braga et al. 2020", Appl. Phys. Rev. 7, 011406, is
    another paper, whose first author is Braga.)"""
    files = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "src").rglob("*.py")]
    wrong = [
        str(f.relative_to(ROOT))
        for f in files
        if "_build" not in f.parts
        and any(
            bad in f.read_text(encoding="utf-8")
            for bad in ("Braga et al., J. Mater", 'Braga et al., "The building blocks')
        )
    ]
    assert wrong == []
    assert "B. M. Gomes, J. F. R. Moutinho and\nM. H. Braga" in (ROOT / "README.md").read_text()


def _build(tmp: Path) -> subprocess.CompletedProcess[str]:
    report = tmp / "report"
    # No MPLBACKEND here: the tutorials' kernels use the inline backend to capture figures.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["SSBATTERY_DOCS_REPORT"] = str(report)
    made = subprocess.run(
        [
            *(sys.executable, "-m", "ssbattery", "reproduce", "--out", str(report)),
            *("--only", ",".join(GALLERY_FIGURES)),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    return subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html"),
            *("-d", str(tmp / "doctrees"), str(DOCS), str(tmp / "html")),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    pytest.importorskip("pydata_sphinx_theme")
    tmp = tmp_path_factory.mktemp("docs")
    built = _build(tmp)
    noise = "Kernel is running over TCP"
    errors = "\n".join(line for line in built.stderr.splitlines() if noise not in line)
    assert built.returncode == 0, errors[-6000:]
    return tmp / "html"


@pytest.mark.slow
def test_api_reference_documents_every_public_name(site: Path) -> None:
    ids: set[str] = set()
    for page in (site / "api" / "generated").glob("*.html"):
        ids |= set(
            re.findall(r'id="((?:module-)?ssbattery[\w.]+)"', page.read_text(encoding="utf-8"))
        )
    absent = []
    for modname, name, obj in _public_names():
        if inspect.ismodule(obj):
            target = obj.__name__
        elif inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj):
            home = obj.__module__
            public_home = home.startswith("ssbattery") and "._" not in home
            target = f"{home}.{obj.__qualname__}" if public_home else f"{modname}.{name}"
        else:
            target = None  # data: found on its defining module's page, checked below
        if target is not None and target not in ids and f"module-{target}" not in ids:
            absent.append(target)
    assert not absent, f"not in the API reference: {absent}"
    metrics = (site / "api" / "generated" / "ssbattery.quantum.metrics.html").read_text()
    assert "eq. 7" in metrics  # the docstrings' review equation numbers reach the page


@pytest.mark.slow
@pytest.mark.parametrize("tutorial", TUTORIALS)
def test_tutorial_was_executed_with_figures(site: Path, tutorial: str) -> None:
    page = (site / "tutorials" / f"{tutorial}.html").read_text(encoding="utf-8")
    assert "cell_output" in page, "no executed output"
    assert "Traceback" not in page
    if tutorial not in {"electrolytes"}:  # its chart is drawn; the others plot too
        assert re.search(r'<img [^>]*src="[^"]+\.png"', page), "no figure"


@pytest.mark.slow
def test_gallery_has_every_report_figure_linked(site: Path) -> None:
    from ssbattery.report.catalog import all_figures

    page = (site / "gallery" / "generated" / "index.html").read_text(encoding="utf-8")
    for spec in all_figures():
        anchor = spec.key.replace("_", "-")  # docutils' id for the label (key)=
        assert f'id="{anchor}"' in page and f"{spec.key}</span></code>" in page, spec.key
    for key in GALLERY_FIGURES:
        assert re.search(rf'<img [^>]*src="[^"]*{key}\.png"', page), key
    assert page.count('href="../../tutorials/') >= len(all_figures())


@pytest.mark.slow
def test_cli_reference_lists_every_command(site: Path) -> None:
    import typer.main

    from ssbattery.cli import app

    page = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        assert f"ssbattery {name}" in page, name
        for sub in getattr(cmd, "commands", {}):
            assert f"ssbattery {name} {sub}" in page, (name, sub)
    assert "--thickness-mm" in page
