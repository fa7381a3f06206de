"""Every public name of the package has a docstring (issue 15 §6).

Public = listed in a module's ``__all__``; functions, classes and their public methods
must say what they do (a dataclass's generated signature does not count).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ssbattery


def _public_objects() -> list[tuple[str, object]]:
    out = []
    for info in pkgutil.walk_packages(ssbattery.__path__, "ssbattery."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if obj is None or getattr(obj, "__module__", info.name) != info.name:
                continue  # re-exported: checked where it is defined
            if inspect.isfunction(obj) or inspect.isclass(obj):
                out.append((f"{info.name}.{name}", obj))
    return out


def _missing(qualname: str, obj: object) -> bool:
    doc = inspect.getdoc(obj) or ""
    short = qualname.rsplit(".", 1)[-1]
    return not doc.strip() or doc.startswith(f"{short}(")


def test_every_public_function_and_class_has_a_docstring() -> None:
    missing = [q for q, obj in _public_objects() if _missing(q, obj)]
    assert not missing, "no docstring: " + ", ".join(missing)


def test_every_public_method_of_the_evolution_layer_has_a_docstring() -> None:
    missing = []
    for q, obj in _public_objects():
        if not q.startswith(("ssbattery.quantum.evolution", "ssbattery.results")):
            continue
        if inspect.isclass(obj):
            for name, member in vars(obj).items():
                if name.startswith("_") or not callable(member):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    missing.append(f"{q}.{name}")
    assert not missing, "no docstring: " + ", ".join(missing)
