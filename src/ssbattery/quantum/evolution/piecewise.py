"""Evolution under piecewise-constant fields: U = e^{−iH_n τ_n} ⋯ e^{−iH_1 τ_1} (eq. 3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.base import Method, StatsRecorder
from ssbattery.quantum.evolution.solver import Evolver, Observer
from ssbattery.quantum.evolution.trajectory import Trajectory
from ssbattery.quantum.evolution.validation import check_method_and_tol, check_times
from ssbattery.quantum.operators import Operator
from ssbattery.validation import require_positive

__all__ = ["evolve_piecewise"]


def evolve_piecewise(
    segments: Sequence[tuple[Operator, float]],
    psi0: ArrayLike,
    times: ArrayLike | None = None,
    *,
    e_ops: Sequence[Operator] = (),
    observer: Observer | None = None,
    tol: float | None = None,
    method: Method | None = None,
) -> Trajectory:
    """Evolve under piecewise-constant fields: U = e^{−iH_n τ_n} ⋯ e^{−iH_1 τ_1} (eq. 3).

    Args:
        segments: ``(H_j, τ_j)`` in time order, τ_j > 0; H_j is on during
            [T_{j−1}, T_j) with T_j = τ_1 + … + τ_j.
        psi0: initial ket or density matrix.
        times: absolute output times in [0, T_n] (default: the end of each segment).
        e_ops, observer, tol, method: as in :func:`evolve`.
    """
    check_method_and_tol(method, tol)
    if len(segments) == 0:
        raise InvalidParameterError("`segments` is empty; give at least one (H, duration).")
    durations = [
        require_positive(f"segments[{j}] duration", tau) for j, (_, tau) in enumerate(segments)
    ]
    ends = np.cumsum(durations)
    t = ends.copy() if times is None else check_times(times)
    if t[-1] > ends[-1] * (1 + 1e-12):
        raise InvalidParameterError(
            f"`times` must lie within the total duration {ends[-1]:g}, got up to {t[-1]:g}."
        )
    state: NDArray[Any] = np.asarray(psi0)
    expect_rows: list[NDArray[Any]] = []
    observed: list[Any] = []
    start = 0.0
    k_done = 0
    stats = StatsRecorder()
    for j, (Hj, _) in enumerate(segments):
        end = float(ends[j])
        last = j == len(segments) - 1
        sel = (t > start) & (t <= (end * (1 + 1e-12) if last else end))
        if j == 0:
            sel |= t == 0.0
        local = list(t[sel] - start)
        if not local or local[-1] < end - start:
            local.append(end - start)
        n_req = int(np.count_nonzero(sel))
        idx0 = k_done

        def obs(s: NDArray[np.complex128], k: int, idx0: int = idx0, n_req: int = n_req) -> Any:
            if k < n_req and observer is not None:
                observed.append(observer(s, idx0 + k))
            return None

        solver = Evolver(Hj, method, tol=tol, name=f"segments[{j}] H")
        tr = solver.run(state, np.asarray(local), e_ops=e_ops, observer=obs)
        expect_rows.append(tr.expect[:, :n_req])
        stats.add(products=tr.stats.products or 0, steps=tr.stats.steps)
        stats.add(error=tr.stats.error_estimate or 0.0)
        if tr.stats.products is None or tr.stats.error_estimate is None:
            stats.not_reported(
                products=tr.stats.products is None, error=tr.stats.error_estimate is None
            )
        k_done += n_req
        state = tr.final_state
        start = end
    expect = np.concatenate(expect_rows, axis=1)
    # The method of the last segment (each segment picks its own when none was given).
    return Trajectory(t, expect, observed, state, None, tr.method, stats.freeze())
