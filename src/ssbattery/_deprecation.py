"""The one mechanism for renamed names: the old name keeps working for one release and
warns with a :class:`DeprecationWarning` that names the new one.

Four shapes of rename are covered: a module attribute (:func:`module_getattr`, used as a
module's ``__getattr__``), a keyword argument of a function or a dataclass
(:func:`renamed_kwargs`), a method (:func:`renamed_method`) and an attribute
(:func:`renamed_attribute`). The glossary (``docs/glossary.md``) lists every rename.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "REMOVED_IN",
    "module_getattr",
    "renamed_attribute",
    "renamed_kwargs",
    "renamed_method",
    "warn_renamed",
]

#: The release that drops the deprecated names.
REMOVED_IN = "0.3"

F = TypeVar("F", bound=Callable[..., Any])


def warn_renamed(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is now called ``new`` (a :class:`DeprecationWarning`)."""
    warnings.warn(
        f"`{old}` is deprecated and will be removed in ssbattery {REMOVED_IN}; use `{new}`.",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def module_getattr(module: str, renames: dict[str, tuple[str, Any]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``renames`` (old name → (new name, object))."""

    def __getattr__(name: str) -> Any:
        if name in renames:
            new, obj = renames[name]
            warn_renamed(f"{module}.{name}", f"{module}.{new}")
            return obj
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__


def renamed_kwargs(**renames: str) -> Callable[[F], F]:
    """Accept the old keyword ``old=`` for ``new=`` (``renamed_kwargs(old="new")``).

    Decorates a function or a class (then its ``__init__``, e.g. a frozen dataclass); the
    signature shown by ``help`` and ``inspect`` is the new one. Both names at once are an
    error.
    """

    def rename(where: str, kwargs: dict[str, Any]) -> None:
        for old, new in renames.items():
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{where}() got both `{old}` (deprecated) and `{new}`.")
                warn_renamed(f"{where}({old}=...)", f"{new}=", stacklevel=4)
                kwargs[new] = kwargs.pop(old)

    def decorate(obj: F) -> F:
        if isinstance(obj, type):
            init = vars(obj).get("__init__") or obj.__init__  # type: ignore[misc]

            @functools.wraps(init)
            def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
                rename(obj.__name__, kwargs)
                init(self, *args, **kwargs)

            setattr(obj, "__init__", __init__)  # noqa: B010 (mypy refuses the assignment)
            return obj

        @functools.wraps(obj)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            rename(obj.__name__, kwargs)
            return obj(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


class _Alias:
    """A class attribute standing for the attribute or method ``new`` under its old name."""

    def __init__(self, new: str, suffix: str) -> None:
        self.new, self.suffix = new, suffix

    def __set_name__(self, owner: type, name: str) -> None:
        self.old = f"{owner.__name__}.{name}{self.suffix}"
        self.full_new = f"{owner.__name__}.{self.new}{self.suffix}"
        self.__doc__ = f"Deprecated name of ``{self.new}``."

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        warn_renamed(self.old, self.full_new)
        return getattr(instance, self.new)


def renamed_method(new: str) -> Any:
    """The method ``new`` under its old name (assign it to the old name in the class)."""
    return _Alias(new, "()")


def renamed_attribute(new: str) -> Any:
    """The attribute or property ``new`` under its old name (read-only)."""
    return _Alias(new, "")
