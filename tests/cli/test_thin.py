"""The command line stays thin (issue 15 §5): each command is a module-level function over
the API, ``register`` only adds commands (no closures), and no function in ``cli/`` is
longer than 80 lines (decorators and signature included)."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "src" / "ssbattery" / "cli"
LIMIT = 80


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _length(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
    assert node.end_lineno is not None
    return node.end_lineno - start + 1


def _modules() -> list[Path]:
    return sorted(CLI.glob("*.py"))


def test_no_cli_function_is_longer_than_80_lines() -> None:
    long = [
        f"{path.name}:{fn.name} ({_length(fn)} lines)"
        for path in _modules()
        for fn in _functions(ast.parse(path.read_text(encoding="utf-8")))
        if _length(fn) > LIMIT
    ]
    assert not long, "split these (computation to the model layer): " + ", ".join(long)


def test_register_only_adds_module_level_commands() -> None:
    closures = []
    for path in _modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == "register":
                inner = [n.name for n in _functions(ast.Module(body=node.body, type_ignores=[]))]
                closures += [f"{path.name}:{name}" for name in inner]
    assert not closures, "commands defined inside register(): " + ", ".join(closures)


def test_the_limit_is_checked_somewhere() -> None:
    # every command module is checked, the converted ones named here included
    names = {p.name for p in _modules()}
    assert {"dicke.py", "spin_chain.py", "cell.py", "screening.py", "eis.py"} <= names
    assert {"electrolytes.py", "thermal.py", "feedback.py", "cycle.py", "audit.py"} <= names
