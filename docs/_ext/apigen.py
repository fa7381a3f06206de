"""Write the API reference pages from the package itself: one page per public module,
documenting every name in its ``__all__`` exactly once, where it is defined.

A name that a package re-exports from one of its modules is listed on the package's page
with a link to the page of the module that defines it, so no object is described twice.
Pages are regenerated on every build (into ``docs/api/generated/``, not kept in git), so
the reference cannot fall behind the code.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["public_modules", "write_api_pages"]


def public_modules(package: str = "ssbattery") -> list[str]:
    """Every importable module of ``package`` whose dotted name has no ``_``-prefixed part."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if not _is_private(info.name):
            names.append(info.name)
    return sorted(names)


def _is_private(modname: str) -> bool:
    return any(part.startswith("_") for part in modname.split(".")[1:])


def _is_documented_object(obj: Any) -> bool:
    """Functions and classes defined in the package (not aliases such as ``Literal[...]``)."""
    return (inspect.isfunction(inspect.unwrap(obj)) or inspect.isclass(obj)) and str(
        getattr(obj, "__module__", "")
    ).startswith("ssbattery")


def _home_of_data(module: ModuleType, name: str, value: Any, modules: list[str]) -> str:
    """The module under ``module`` that defines the data ``name`` (``value`` itself)."""
    for other in modules:
        if other != module.__name__ and other.startswith(f"{module.__name__}."):
            mod = importlib.import_module(other)
            if name in getattr(mod, "__all__", ()) and getattr(mod, name, None) is value:
                return _home_of_data(mod, name, value, modules)
    return module.__name__


def _module_page(modname: str, modules: list[str]) -> str:
    module = importlib.import_module(modname)
    title = f"``{modname}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {modname}", "   :no-members:", ""]
    defined: list[str] = []
    elsewhere: list[str] = []
    submodules: list[str] = []
    for name in getattr(module, "__all__", ()):
        if not hasattr(module, name):
            submodules.append(f"{modname}.{name}")
            continue
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            submodules.append(obj.__name__)
        elif _is_documented_object(obj):
            home = obj.__module__
            if home == modname or _is_private(home):
                kind = "autoclass" if inspect.isclass(obj) else "autofunction"
                defined.append(f".. {kind}:: {modname}.{name}")
                if inspect.isclass(obj):
                    defined += ["   :members:", "   :show-inheritance:"]
                defined.append("")
            else:
                elsewhere.append(f"* :py:obj:`{name} <{home}.{obj.__qualname__}>`")
        else:
            home = _home_of_data(module, name, obj, modules)
            if home == modname:
                defined += [f".. autodata:: {modname}.{name}", "   :no-value:", ""]
            else:
                elsewhere.append(f"* :py:obj:`{name} <{home}.{name}>`")
    if submodules:
        lines += ["Modules", "-------", ""]
        lines += [f"* :py:mod:`{s}`" for s in submodules] + [""]
    if elsewhere:
        lines += ["Also available here", "-------------------", ""]
        lines += [*elsewhere, ""]
    if defined:
        lines += ["Contents", "--------", "", *defined]
    return "\n".join(lines) + "\n"


def write_api_pages(out_dir: Path, package: str = "ssbattery") -> list[str]:
    """Write one ``.rst`` per public module and an index with a toctree; return the names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    modules = public_modules(package)
    for stale in out_dir.glob("*.rst"):  # pages of modules that no longer exist
        if stale.stem not in modules and stale.name != "index.rst":
            stale.unlink()
    for modname in modules:
        text = _module_page(modname, modules)
        path = out_dir / f"{modname}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    index = ["API reference", "=============", ""]
    index += [
        "Generated from the docstrings: every name in every public module's ``__all__``,",
        "documented on the page of the module that defines it.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "",
    ]
    index += [f"   {m}" for m in modules]
    (out_dir / "index.rst").write_text("\n".join(index) + "\n", encoding="utf-8")
    return modules
