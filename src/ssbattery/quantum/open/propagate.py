"""Propagation of ρ(t) on the permutation-invariant space (time-independent generator).

dρ/dt = L ρ is integrated by the adaptive 8th-order Dormand–Prince method (scipy's
``DOP853``, error control on every entry of the state) with L applied matrix-free; each
output time is read from the step's 7th-order dense output, so the grid never shortens
the steps. Why not the package's ``thermal.lindblad.evolve_density``: that engine builds
the d²×d² superoperator of a d×d state and exponentiates it, while here the state is a
list of blocks whose superoperator would hold (n_levels² N³)² entries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.integrate import DOP853

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import require_positive

__all__ = ["ChebyshevLindblad", "RungeKutta", "propagate", "propagate_chebyshev"]


class _RealCSR(NamedTuple):
    """A real CSR matrix as its arrays, for the compiled recurrence: what
    :meth:`~.liouvillian.PILiouvillian.real_form` combines, without scipy's checked
    construction of a ``csr_array`` (~20 µs, 4 % of the smallest runs)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]


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
    # The integrator sees the complex state as interleaved real pairs: its stage
    # combinations are then real BLAS products (complex × real mixed products went through
    # a slow path: 60 % of the run time at N = 100 without this view).
    z0 = np.ascontiguousarray(y0, dtype=np.complex128)

    def real_rhs(s: float, x: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(rhs(s, x.view(np.complex128)), dtype=np.complex128).view(
            np.float64
        )

    solver = DOP853(
        real_rhs, t0, z0.view(np.float64), float(t[-1]), rtol=method.rtol, atol=method.atol
    )
    while k < t.size:
        msg = solver.step()
        if solver.status == "failed":
            raise InvalidParameterError(f"the integrator failed: {msg}")
        dense = None
        while k < t.size and t[k] <= solver.t:
            if t[k] == solver.t:
                x = solver.y
            else:
                dense = dense or solver.dense_output()
                x = dense(t[k])
            observer(np.ascontiguousarray(x).view(np.complex128), k)
            k += 1
    propagate.last_evaluations = solver.nfev  # type: ignore[attr-defined]
    return np.array(solver.y).view(np.complex128)


@dataclass(frozen=True)
class ChebyshevLindblad:
    """Chebyshev expansion of e^{Lt} for all output times at once (``tol`` per term sum).

    ``max_growth`` bounds e^{d Δt/2} within one expansion (d the largest decay rate): a
    longer run is split into segments restarted from the state at their start; so is one
    whose kept reductions (one per term) would exceed ``memory_mb``.
    """

    tol: float = 1e-11
    max_growth: float = 1e3
    memory_mb: float = 256.0

    def __post_init__(self) -> None:
        require_positive("tol", self.tol)
        if not self.max_growth > 1.0:
            raise InvalidParameterError(f"`max_growth` must be > 1, got {self.max_growth!r}.")


def propagate_chebyshev(
    step: Callable[[np.ndarray], np.ndarray] | sp.csr_array | _RealCSR,
    y0: np.ndarray,
    times: np.ndarray,
    reduce: Callable[[np.ndarray], np.ndarray] | sp.csr_array | None,
    *,
    half_width: float,
    decay: float,
    keep: int | None = None,
    method: ChebyshevLindblad | None = None,
    full_at: Sequence[int] = (),
    on_full: Callable[[np.ndarray, int], None] | None = None,
    step_into: Callable[[np.ndarray, np.ndarray], None] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """reduce(ρ(t_k)) for every output time, and the full state at index ``keep``.

    ``on_full(ρ(t_k), k)`` is called for every k in ``full_at`` (each needs one more
    state-sized accumulator while its segment runs: the caller bounds their number).
    ``step_into(x, acc)``, where given, does acc += S x in place (``step``'s map): the
    recurrence then overwrites P_{k−1} with P_{k+1} and allocates nothing per term.
    ``step`` may be the matrix S itself (CSR) and ``reduce`` a CSR matrix P (reduce(v) =
    P v) or None (the identity). Where S, P and ``y0`` are real (the real form of L on
    Hermitian states, :meth:`~.liouvillian.PILiouvillian.real_form`) the whole recurrence
    of a segment runs compiled (:mod:`._chebyshev_numba`, the same terms and sums; for
    small spaces, whose Python loop cost more per term than the product).

    The generator L maps Hermitian to Hermitian; its spectrum lies in about the strip
    −d ≤ Re λ ≤ 0, |Im λ| ≤ R (R = ``half_width``, the largest Bohr frequency; d =
    ``decay``, the largest total jump rate). ``step`` must apply S = 2M with
    M = (L + d/2)/R. Then

        e^{Lt} = e^{−dt/2} Σ_k (2 − δ_k0) J_k(Rt) P_k(M),  P_0 = 1, P_1 = M,
        P_{k+1} = 2M P_k + P_{k−1},

    the Chebyshev series of e^{−iRtX} at X = iM (T_k(iM) = i^k P_k(M)), whose
    coefficients and vectors are real combinations: every P_k(M)ρ is Hermitian. The
    vectors are built once per segment and each output time is a sum with its own
    Bessel coefficients J_k(R t), so the cost is ≈ R·t_max products, not (steps) × (a
    restart). Only the linear reductions of the P_k ρ are kept, plus accumulators for the
    segment's end and for ``keep``. A segment is as long as e^{dΔt/2} ≤ ``max_growth``
    allows (the terms grow as that before their cancellation) and its reductions fit in
    ``memory_mb``; the truncation adds terms until |J_k|·‖P_k ρ‖ stays below
    ``tol``·‖ρ‖ for the largest argument (non-normal generators make ‖P_k ρ‖ grow).
    """
    from ssbattery.quantum.evolution import chebyshev_terms

    method = method or ChebyshevLindblad()
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) <= 0) or t[0] < 0:
        raise InvalidParameterError("`times` must be increasing and ≥ 0.")
    R = max(float(half_width), 1e-12)
    d = max(float(decay), 0.0)
    seg_len = math.inf if d == 0 else 2.0 * math.log(method.max_growth) / d
    y = np.array(y0)
    compiled = (
        isinstance(step, sp.sparray | _RealCSR)
        and not np.iscomplexobj(step.data)
        and not np.iscomplexobj(y)
        and (
            reduce is None or (isinstance(reduce, sp.sparray) and not np.iscomplexobj(reduce.data))
        )
    )
    if not compiled:
        y = y.astype(np.complex128)
    if reduce is None:
        m = np.asarray(y0).size
    elif isinstance(reduce, sp.sparray):
        m = reduce.shape[0]
    else:
        m = reduce(np.asarray(y0)).size
    max_terms = max(96, int(method.memory_mb * 2**20 // (16 * m)))
    span = min(float(t[-1]), seg_len)
    while chebyshev_terms(R * span, method.tol * 1e-2) + 16 > max_terms:
        span *= 0.5
    if span < float(t[-1]):
        seg_len = span
    out: list[np.ndarray] = []
    kept: np.ndarray | None = None
    t_start, k = 0.0, 0
    while k < t.size:
        # the output times within this segment (t − t_start ≤ its length)
        stop = k + int(np.searchsorted(t[k:] - t_start, seg_len * (1 + 1e-12), side="right"))
        if stop == k:  # a gap longer than a segment: cross it first
            t_end, idx = t_start + seg_len, np.array([], dtype=np.int64)
        else:
            t_end, idx = float(t[stop - 1]), np.arange(k, stop)
        last = stop == t.size
        x_all = R * np.append(t[idx] - t_start, t_end - t_start)
        K = chebyshev_terms(float(x_all.max()), method.tol * 1e-2) + 8
        damp = np.exp(-0.5 * d * (x_all / R))
        row = -1
        if keep is not None and idx.size and idx[0] <= keep <= idx[-1]:
            row = keep - int(idx[0])
        wanted = set(full_at) if on_full is not None else set()
        full_rows = [g - k for g in sorted(wanted) if k <= g < stop and g - k != row]
        rows = ([] if last else [-1]) + ([row] if row >= 0 else []) + full_rows
        seg = _Segment(
            y, x_all, _doubled_bessel(x_all, K + 64), rows, K, method.tol * float(np.linalg.norm(y))
        )
        if compiled:
            kk, J, red, accs = _compiled_segment(step, reduce, seg)
        else:
            kk, J, red, accs = _python_segment(step, step_into, reduce, seg)
        coef = J[:-1, : kk + 1] * damp[:-1, None]
        if idx.size:
            part = np.ascontiguousarray(red[: kk + 1])
            if np.iscomplexobj(part):
                out.append((coef @ part.view(np.float64)).view(np.complex128))
            else:
                out.append(coef @ part)
        for acc, r in zip(accs, rows, strict=True):
            if r == -1:
                y = acc * damp[-1]
                continue
            state = acc * damp[r]
            if r == row:
                kept = state
            if on_full is not None and int(idx[r]) in wanted:
                on_full(state, int(idx[r]))
        t_start, k = t_end, stop
    return (out[0] if len(out) == 1 else np.concatenate(out)), kept


def _apply_reduce(reduce: Any, v: np.ndarray) -> np.ndarray:
    if reduce is None:
        return v
    if isinstance(reduce, sp.sparray):
        return np.asarray(reduce @ v)
    return np.asarray(reduce(v))


@dataclass
class _Segment:
    """One segment's inputs: the state ``y`` at its start, the arguments ``x_all`` = R (t −
    t_start) of its output times and of its end (last), the Bessel table ``J`` (columns
    k ≥ 1 doubled; replaced by a longer one if the terms outrun it), the ``rows`` of J
    whose full states are accumulated (−1: the segment's end), the least number of terms
    ``K`` and the absolute truncation tolerance ``tol_abs``."""

    y: np.ndarray
    x_all: np.ndarray
    J: np.ndarray
    rows: list[int]
    K: int
    tol_abs: float

    def longer_table(self) -> np.ndarray:
        """Double the Bessel table's columns (the terms ran past it) and return it."""
        self.J = _doubled_bessel(self.x_all, 2 * self.J.shape[1])
        return self.J


def _doubled_bessel(x: np.ndarray, K: int) -> np.ndarray:
    """J_k(x) for k < K (:func:`~ssbattery.quantum.evolution.chebyshev.bessel_table`),
    the columns k ≥ 1 doubled: the series' coefficients (2 − δ_k0) J_k."""
    from ssbattery.quantum.evolution.chebyshev import bessel_table

    J = bessel_table(x, K)
    J *= 2.0  # then column 0 back: the same numbers as J[:, 1:] *= 2, one contiguous pass
    J[:, 0] *= 0.5
    return J


def _python_segment(
    step: Any,
    step_into: Callable[[np.ndarray, np.ndarray], None] | None,
    reduce: Any,
    seg: _Segment,
) -> tuple[int, np.ndarray, np.ndarray, list[np.ndarray]]:
    """One segment's recurrence in Python (any ``step``); see :func:`propagate_chebyshev`.
    Returns (last term, the Bessel table, the reductions per term, the accumulators)."""
    if isinstance(step, sp.sparray):
        S = step
        step = lambda v: np.asarray(S @ v)  # noqa: E731
    y, J, rows, K = seg.y, seg.J, seg.rows, seg.K
    p_prev: np.ndarray = y
    if step_into is None:
        p_cur: np.ndarray = 0.5 * step(y)
    else:
        p_cur = np.zeros_like(y)
        step_into(y, p_cur)
        p_cur *= 0.5
        p_prev = y.copy()  # overwritten by the recurrence below
    first = _apply_reduce(reduce, p_prev)
    red = np.empty((K + 32, first.size), dtype=np.complex128)
    red[0], red[1] = first, _apply_reduce(reduce, p_cur)
    accs = [J[r, 0] * p_prev + J[r, 1] * p_cur for r in rows]
    kk, quiet = 1, 0
    while quiet < 4:
        kk += 1
        if kk >= J.shape[1]:
            J = seg.longer_table()
        if step_into is None:
            p_next = step(p_cur)
            p_next += p_prev
        else:
            step_into(p_cur, p_prev)  # P_{k+1} = S P_k + P_{k−1}, in P_{k−1}'s place
            p_next = p_prev
        p_prev, p_cur = p_cur, p_next
        if kk >= red.shape[0]:
            red = np.concatenate([red, np.empty_like(red)])
        red[kk] = _apply_reduce(reduce, p_cur)
        for acc, r in zip(accs, rows, strict=True):
            acc += J[r, kk] * p_cur
        if kk >= K:
            size = float(np.max(np.abs(J[:, kk]))) * float(np.linalg.norm(p_cur))
            if not math.isfinite(size):
                raise InvalidParameterError(_DIVERGED)
            quiet = quiet + 1 if size <= seg.tol_abs else 0
    return kk, J, red, accs


#: The identity reduction's (empty) CSR arrays for the compiled recurrence.
_NO_INDPTR = np.zeros(2, dtype=np.int32)
_NO_INDICES = np.zeros(0, dtype=np.int32)
_NO_DATA = np.zeros(0)


def _compiled_segment(
    S: sp.csr_array | _RealCSR, reduce: sp.csr_array | None, seg: _Segment
) -> tuple[int, np.ndarray, np.ndarray, list[np.ndarray]]:
    """:func:`_python_segment` for a real CSR ``S``, a real CSR (or identity) reduction
    and a real state, in one compiled loop (:mod:`._chebyshev_numba`); the same terms
    and sums."""
    from ssbattery.quantum.open._chebyshev_numba import chebyshev_segment

    S = S if isinstance(S, sp.csr_array | _RealCSR) else sp.csr_array(S)
    y = np.ascontiguousarray(seg.y, dtype=np.float64)
    if reduce is None:
        identity, m = True, y.size
        p_parts = (_NO_INDPTR, _NO_INDICES, _NO_DATA)
    else:
        P = reduce if isinstance(reduce, sp.csr_array) else sp.csr_array(reduce)
        identity, m = False, P.shape[0]
        p_parts = (P.indptr, P.indices, np.asarray(P.data, dtype=np.float64))
    J = seg.J
    acc_rows = np.array([J.shape[0] - 1 if r == -1 else r for r in seg.rows], dtype=np.int64)
    while True:
        red = np.empty((J.shape[1], m))
        accs = np.empty((len(seg.rows), y.size))
        kk, status = chebyshev_segment(
            S.indptr,
            S.indices,
            np.asarray(S.data, dtype=np.float64),
            *p_parts,
            identity,
            y,
            J,
            acc_rows,
            seg.K,
            seg.tol_abs,
            red,
            accs,
        )
        if status == 0:
            return int(kk), J, red, list(accs)
        if status == 2:
            raise InvalidParameterError(_DIVERGED)
        J = seg.longer_table()  # the table ran out: a longer one, again


_DIVERGED = (
    "the Chebyshev expansion diverged (the generator's spectrum lies outside its bounds); "
    "use method=RungeKutta()."
)
