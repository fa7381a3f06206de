"""Small argument checks shared by the public API (raise the package's own errors)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ssbattery.errors import InvalidParameterError, ResourceLimitError

__all__ = [
    "check_memory",
    "require_finite",
    "require_in_range",
    "require_int_at_least",
    "require_positive",
]

#: Refuse any single dense/sparse allocation above this many bytes (default 8 GiB).
MEMORY_LIMIT_BYTES = 8 * 1024**3


def require_finite(name: str, value: float) -> float:
    """Return ``value`` as float, or raise if it is NaN or infinite."""
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"`{name}` must be a number, got {value!r}.") from exc
    if not math.isfinite(x):
        raise InvalidParameterError(f"`{name}` must be finite, got {value!r}.")
    return x


def require_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as float, or raise if it is not > 0 (or ≥ 0 with ``allow_zero``)."""
    x = require_finite(name, value)
    if x < 0 or (x == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise InvalidParameterError(f"`{name}` must be {bound}, got {value!r}.")
    return x


def require_in_range(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` as float, or raise if it lies outside [low, high]."""
    x = require_finite(name, value)
    if not low <= x <= high:
        raise InvalidParameterError(f"`{name}` must lie in [{low}, {high}], got {value!r}.")
    return x


def require_int_at_least(name: str, value: int, minimum: int) -> int:
    """Return ``value`` as int, or raise if it is not an integer ≥ ``minimum``."""
    if isinstance(value, bool) or int(value) != value:
        raise InvalidParameterError(f"`{name}` must be an integer, got {value!r}.")
    n = int(value)
    if n < minimum:
        raise InvalidParameterError(f"`{name}` must be ≥ {minimum}, got {value!r}.")
    return n


def check_memory(what: str, shape: Sequence[int], *, bytes_per_element: int = 16) -> None:
    """Refuse, before allocating, an array of ``shape`` larger than the memory limit.

    Raises :class:`ResourceLimitError` that states the size it would need.
    """
    n = 1
    for s in shape:
        n *= int(s)
    need = n * bytes_per_element
    if need > MEMORY_LIMIT_BYTES:
        raise ResourceLimitError(
            f"{what} would need {need / 1024**3:.1f} GiB ({' × '.join(map(str, shape))} "
            f"elements), above the {MEMORY_LIMIT_BYTES / 1024**3:.0f} GiB limit; "
            "reduce the system size or the cutoff."
        )
