"""The test tree mirrors ``src/ssbattery`` (tests/README.md): a test of
``src/ssbattery/<pkg path>/<module>.py`` lives at ``tests/<pkg path>/test_<module>.py``, or
``test_<module>_<aspect>.py`` when one module's tests fill several files; a subpackage or the
package itself may stand for ``<module>``. The few cross-cutting files are named here."""

from __future__ import annotations

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
