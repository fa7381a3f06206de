"""The test tree mirrors ``src/ssbattery`` (tests/README.md): a test of
``src/ssbattery/<pkg path>/<module>.py`` lives at ``tests/<pkg path>/test_<module>.py``, or
``test_<module>_<aspect>.py`` when one module's tests fill several files; a subpackage or the
package itself may stand for ``<module>``. The few cross-cutting files are named here. Tests
use the package's public names only: no ``_private`` name or module of ssbattery."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src" / "ssbattery"

# Tests of the whole package, not of one module (documented in tests/README.md).
CROSS_CUTTING = {
    "test_quality.py",  # ruff and mypy over the package
    "test_docs.py",  # the documentation site builds, every command documented
    "test_docstrings.py",  # every public name has a docstring
    "test_packaging.py",  # sdist and wheel
    "test_strategies.py",  # a Hypothesis strategy per public class (strategies.py)
    "test_api_fuzz.py",  # Hypothesis over the public functions
    "test_cli_fuzz.py",  # Hypothesis over every command
    "test_deprecation.py",  # the renamed names of docs/glossary.md
    "test_departures.py",  # models that depart from their paper: the numbers
    "test_departure_statements.py",  # … and the texts that say so
    "test_layout.py",  # this file
    "cli/test_inputs.py",  # option parsing of every command
    "cli/test_outputs.py",  # output files of every command
    "cli/test_thin.py",  # every command is a small function over the API
}
CROSS_CUTTING_FOLDERS = {"systems"}  # the analytic systems every registered method runs on


def _module_names(package: Path) -> set[str]:
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    return names | {package.name}


def test_every_test_file_mirrors_a_module_of_src() -> None:
    misplaced = []
    for path in sorted(TESTS.rglob("test_*.py")):
        rel = path.relative_to(TESTS)
        if rel.as_posix() in CROSS_CUTTING or rel.parts[0] in CROSS_CUTTING_FOLDERS:
            continue
        package = SRC.joinpath(*rel.parts[:-1])
        if not (package / "__init__.py").is_file():
            misplaced.append(f"{rel}: no package src/ssbattery/{rel.parent.as_posix()}")
            continue
        name = path.stem.removeprefix("test_")
        if not any(name == m or name.startswith(m + "_") for m in _module_names(package)):
            misplaced.append(f"{rel}: no module {name!r} (or its prefix) in {package.name}/")
    assert not misplaced, "\n".join(misplaced)


def test_cross_cutting_files_exist() -> None:
    missing = [name for name in sorted(CROSS_CUTTING) if not (TESTS / name).is_file()]
    missing += [f for f in sorted(CROSS_CUTTING_FOLDERS) if not (TESTS / f).is_dir()]
    assert not missing


def test_duplicate_basenames_are_collected_by_importlib() -> None:
    # tests/cli/test_cell.py and tests/plotting/test_cell.py share a basename; without
    # __init__.py files only --import-mode=importlib collects both.
    basenames = [p.name for p in TESTS.rglob("test_*.py")]
    assert len(basenames) > len(set(basenames))
    assert not list(TESTS.rglob("__init__.py"))
    config = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "--import-mode=importlib" in config["tool"]["pytest"]["ini_options"]["addopts"]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """``from ssbattery… import _x``, ``ssbattery._mod`` and ``module._x`` where ``module``
    was imported from ssbattery."""
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ssbattery"):
            names = [node.module or "", *(a.name for a in node.names)]
            found += [(node.lineno, n) for n in names if any(map(_private, n.split(".")))]
            modules |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("ssbattery"):
                    if any(map(_private, a.name.split("."))):
                        found.append((node.lineno, a.name))
                    modules.add(a.asname or a.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                found.append((node.lineno, f"{base.id}….{node.attr}"))
    return found


def test_tests_use_public_names_only() -> None:
    uses = [
        f"{path.relative_to(TESTS)}:{line}: {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in _private_uses(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not uses, "tests reach private names:\n" + "\n".join(uses)


def test_the_private_name_check_finds_each_form() -> None:
    source = (
        "from ssbattery.cli._common import fail\n"
        "from ssbattery.thermal import feedback\n"
        "from ssbattery.thermal.feedback import _flip\n"
        "import ssbattery.quantum.open as qo\n"
        "feedback._Relaxation\n"
        "qo.scan._helper\n"
        "other._fine\n"
    )
    assert [line for line, _ in _private_uses(ast.parse(source))] == [1, 3, 5, 6]
