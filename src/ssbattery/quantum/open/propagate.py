"""Propagation of ρ(t) on the permutation-invariant space (time-independent generator).

dρ/dt = L ρ is integrated by the adaptive 8th-order Dormand–Prince method (scipy's
``DOP853``, error control on every entry of the state) with L applied matrix-free; each
output time is read from the step's 7th-order dense output, so the grid never shortens
the steps. Why not the package's ``thermal.lindblad.evolve_density``: that engine builds
the d²×d² superoperator of a d×d state and exponentiates it, while here the state is a
list of blocks whose superoperator would hold (n_levels² N³)² entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import DOP853

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import require_positive

__all__ = ["RungeKutta", "propagate"]


@dataclass(frozen=True)
class RungeKutta:
    """Adaptive DOP853 with relative/absolute tolerances ``rtol``/``atol`` per entry."""

    rtol: float = 1e-10
    atol: float = 1e-12

    def __post_init__(self) -> None:
        require_positive("rtol", self.rtol)
        require_positive("atol", self.atol)


def propagate(
    rhs: Callable[[float, np.ndarray], np.ndarray],
    y0: np.ndarray,
    t0: float,
    times: np.ndarray,
    observer: Callable[[np.ndarray, int], None],
    *,
    method: RungeKutta | None = None,
) -> np.ndarray:
    """Integrate y′ = rhs(t, y) from y(t0) = ``y0`` and call ``observer(y(t_k), k)``.

    ``times`` must be increasing and ≥ t0. Returns the state at ``times[-1]``. Also reports
    the number of right-hand-side evaluations in ``propagate.last_evaluations``.
    """
    method = method or RungeKutta()
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) <= 0) or t[0] < t0:
        raise InvalidParameterError("`times` must be increasing and start at or after t0.")
    k = 0
    while k < t.size and t[k] == t0:
        observer(y0, k)
        k += 1
    if k == t.size:
        return y0
    solver = DOP853(rhs, t0, y0, float(t[-1]), rtol=method.rtol, atol=method.atol)
    y = y0
    while k < t.size:
        msg = solver.step()
        if solver.status == "failed":
            raise InvalidParameterError(f"the integrator failed: {msg}")
        dense = None
        while k < t.size and t[k] <= solver.t:
            if t[k] == solver.t:
                y = solver.y
            else:
                dense = dense or solver.dense_output()
                y = dense(t[k])
            observer(y, k)
            k += 1
    propagate.last_evaluations = solver.nfev  # type: ignore[attr-defined]
    return np.asarray(solver.y)
