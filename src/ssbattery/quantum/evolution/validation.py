"""Argument checks shared by the evolution solvers (times, observables, tolerance)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.base import Method
from ssbattery.quantum.evolution.registry import check_method
from ssbattery.quantum.operators import Operator, as_hermitian, as_operator
from ssbattery.validation import require_positive

__all__ = ["check_method_and_tol", "check_times", "prepare_e_ops"]


def check_times(times: ArrayLike, *, name: str = "times") -> NDArray[np.float64]:
    """``times`` as a non-empty, finite, strictly increasing 1-D array of times ≥ 0."""
    t = np.atleast_1d(np.asarray(times, dtype=float))
    if t.ndim != 1 or t.size == 0:
        raise InvalidParameterError(f"`{name}` must be a non-empty 1-D array of times.")
    if not np.all(np.isfinite(t)):
        raise InvalidParameterError(f"`{name}` must be finite.")
    if t[0] < 0:
        raise InvalidParameterError(f"`{name}` must be ≥ 0 (evolution starts at t = 0).")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise InvalidParameterError(f"`{name}` must be strictly increasing.")
    return t


def check_method_and_tol(method: object | None, tol: float | None) -> Method | None:
    """Check ``method`` and ``tol``: a tolerance lives on the method, so not both.

    Returns the checked method (None: the solver picks one for ``tol``).

    Raises:
        InvalidParameterError: when both are given (``tol`` would be silently ignored),
            when ``tol`` is not positive, or when ``method`` is not a method object.
    """
    if tol is not None:
        require_positive("tol", tol)
    if method is None:
        return None
    checked = check_method(method)
    if tol is not None:
        name = type(checked).__name__
        fix = (
            f"pass `method={name}(tol={tol:g})`"
            if hasattr(checked, "tol")
            else f"{name} has no tolerance (it is exact to round-off)"
        )
        raise InvalidParameterError(
            f"`tol` and `method` were both given; the tolerance is a setting of the method: "
            f"{fix}, or give `tol` alone for the default method."
        )
    return checked


def prepare_e_ops(e_ops: Sequence[Operator], n: int) -> tuple[list[Operator], bool]:
    """The observables (arrays, sparse or QuTiP ``Qobj``, read by
    :func:`~ssbattery.quantum.operators.as_operator`) as n × n CSR/dense arrays, and whether
    every one is Hermitian."""
    ops: list[Operator] = []
    hermitian = True
    for i, A in enumerate(e_ops):
        A2 = as_operator(A, name=f"e_ops[{i}]")
        if A2.shape != (n, n):
            raise InvalidParameterError(
                f"`e_ops[{i}]` must have shape ({n}, {n}) like H, got {A2.shape}."
            )
        try:
            A2 = as_hermitian(A2, name=f"e_ops[{i}]")
        except InvalidParameterError:
            hermitian = False
        ops.append(A2)
    return ops, hermitian
