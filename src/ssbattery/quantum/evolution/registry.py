"""The registered propagation methods, by name (for listings, the CLI and the tests).

The solver dispatches on the method object's type; this table only lists the methods so
that documentation, command-line options and the shared tests (``tests/systems/``) cover
every one of them: a new method is tested by being registered here.
"""

from __future__ import annotations

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.base import Method, OpenMethod
from ssbattery.quantum.evolution.chebyshev import Chebyshev
from ssbattery.quantum.evolution.eigh import Eigh
from ssbattery.quantum.evolution.expm import Expm, ExpmMultiply
from ssbattery.quantum.evolution.lanczos import Lanczos

__all__ = ["METHODS", "check_method", "check_open_method", "open_methods"]

#: Every propagation method, by name; each class built with no arguments is its default.
METHODS: dict[str, type] = {
    "eigh": Eigh,
    "chebyshev": Chebyshev,
    "lanczos": Lanczos,
    "expm_multiply": ExpmMultiply,
    "expm": Expm,
}


def check_method(method: object, *, name: str = "method") -> Method:
    """Return ``method`` if it is a propagation method object, else raise naming ``name``."""
    if isinstance(method, type) and method in METHODS.values():
        raise InvalidParameterError(
            f"`{name}` must be a method object, got the class {method.__name__}; "
            f"write {method.__name__}()."
        )
    if not isinstance(method, Method):
        names = ", ".join(f"{cls.__name__}()" for cls in METHODS.values())
        raise InvalidParameterError(f"`{name}` must be one of {names}, got {method!r}.")
    return method


def open_methods() -> dict[str, type]:
    """The registered methods that also propagate Lindblad generators (``propagate_open``)."""
    return {k: cls for k, cls in METHODS.items() if hasattr(cls, "propagate_open")}


def check_open_method(method: object, *, name: str = "method") -> OpenMethod:
    """Return ``method`` if it can propagate a Lindblad generator, else raise naming ``name``."""
    checked = check_method(method, name=name)
    if not isinstance(checked, OpenMethod):
        names = ", ".join(f"{cls.__name__}()" for cls in open_methods().values())
        raise InvalidParameterError(
            f"`{name}` {checked!r} propagates kets under a Hermitian H only; for a Lindblad "
            f"generator use one of {names}."
        )
    return checked
