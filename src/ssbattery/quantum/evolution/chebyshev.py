"""Multi-time Chebyshev propagation of e^{−iHt}ψ for large sparse H.

For states that spread over much of H's spectrum (the spin chain). The expansion
e^{−iHτ} = e^{−iaτ} Σ_k (2 − δ_k0)(−i)^k J_k(rτ) T_k((H − a)/r), with the spectrum in
[a − r, a + r] (Lanczos estimate, Gershgorin fallback), is evaluated for *many output
times at once*: the vectors T_k ψ are built once by the three-term recurrence and every
output time is a matrix product with its Bessel coefficients (even and odd orders
separately, so the coefficients are real). For a real H and a real ψ(0) (the spin chain,
the Dicke battery) a single real expansion from t = 0 serves all output times when its
vectors fit in ``memory_mb``; otherwise blocks of consecutive output times are expanded
from the state at the start of each block (chosen by a cost model), so the sparse
products per output time tend to r·Δt instead of r·Δt + O(log 1/tol) for step-by-step
schemes. A block either stores its K vectors and combines them (K + M vectors for M
outputs) or streams them: each group of G new vectors is added into the M outputs at
once, so only 2G + M vectors are held and K is free; with little memory this allows
blocks of many more outputs (1.5–2.1× fewer products at 20–46 vectors for the spin
chain). When the prepared Hamiltonian names ``outputs``, a map onto fewer entries that
holds the evolved states exactly (the chain's reflection-even half), a streamed block
keeps its outputs in that form (three full vectors for the recurrence, G + M reduced
ones) and ``emit`` receives them so. A real H acts on complex states through their real
view (no complex copy of H). Written here because no library offers this multi-time
evaluation: scipy's ``expm_multiply`` restarts its Taylor series for every step, QuTiP
and QuSpin integrate the ODE with adaptive Runge–Kutta steps.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg.blas import zgemm

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.csr_kernels import (
    THREADED_MIN_NNZ,
    CodedCSR,
    coded_csr,
    csr_accumulate,
    recurrence_step,
)
from ssbattery.quantum.operators import Operator, is_sparse
from ssbattery.validation import check_memory, require_positive

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.base import Emit, StatsRecorder
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Chebyshev", "bessel_table", "chebyshev_terms"]

#: Output times evaluated together from the single real Chebyshev expansion.
_GLOBAL_CHUNK = 16

#: Group sizes G tried for streamed blocks (see ``_Expansion.streamed``); () turns them off.
STREAM_GROUPS: tuple[int, ...] = (4, 8, 16)


@runtime_checkable
class _MatrixFree(Protocol):
    """A real symmetric operator that applies itself without a stored matrix (e.g.
    :class:`~ssbattery.quantum.chain_operator.ChainOperator`): what the expansion needs."""

    shape: tuple[int, int]

    @property
    def nnz(self) -> int: ...

    def scaled(self, shift: float, scale: float) -> Any: ...

    def recurrence_step(
        self,
        x: NDArray,
        prev: NDArray,
        out: NDArray,
        *,
        threads: int | None = None,
        feeds_next: bool = False,
    ) -> None: ...

    def __matmul__(self, x: NDArray) -> NDArray: ...


@runtime_checkable
class _Reducer(Protocol):
    """A map of the evolved states onto fewer entries that hold them exactly (e.g.
    :class:`~ssbattery.quantum.chain_stream.MirrorHalf`, the reflection-even half): a
    prepared Hamiltonian's ``outputs``. The streamed blocks then keep their outputs in this
    form, and ``emit`` receives them so."""

    size: int

    def reduce(self, full: NDArray, out: NDArray | None = None) -> NDArray: ...

    def expand(self, half: NDArray, out: NDArray | None = None) -> NDArray: ...


@dataclass(frozen=True)
class Chebyshev:
    """Multi-time Chebyshev propagation (see the module docstring).

    Args:
        tol: bound on the truncation error of each expansion, Σ_{k≥K} 2|J_k(rτ)| (state
            norm).
        memory_mb: memory for the Chebyshev vectors and the output states of one block
            (larger: fewer, longer expansions; the single real expansion needs
            ≈ (r·t_max + 100)·n·8 bytes).
        max_block: most output times evaluated from one complex expansion.
        gemm_weight: cost of one dense multiply-add relative to one sparse one, used to
            pick the block length (≈ 0.05–0.1: OpenBLAS matrix products run 10–20× more
            multiply-adds per second than scipy's CSR product on this kind of machine).
        threads: threads of the sparse recurrence T_{k+1} = H2·T_k − T_{k−1} for a real
            sparse H with ≥ :data:`~ssbattery.quantum.evolution.csr_kernels.
            THREADED_MIN_NNZ` entries (:func:`~ssbattery.quantum.evolution.csr_kernels.
            recurrence_step`); None: numba's default (all cores); 1: scipy's product.
    """

    tol: float = 1e-12
    memory_mb: float = 512.0
    max_block: int = 64
    gemm_weight: float = 0.1
    threads: int | None = None

    def __post_init__(self) -> None:
        require_positive("tol", self.tol)
        require_positive("memory_mb", self.memory_mb)
        require_positive("gemm_weight", self.gemm_weight)
        if self.threads is not None and int(self.threads) < 1:
            raise InvalidParameterError(f"`threads` must be ≥ 1 or None, got {self.threads!r}.")
        if int(self.max_block) < 1:
            raise InvalidParameterError(f"`max_block` must be ≥ 1, got {self.max_block!r}.")

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) to every time in ``times`` (see :class:`Method`).

        Stats: every expansion built (a failed one too), its K − 1 products per ket, and
        the truncation bound ``tol``·‖ψ‖ of each expansion the final state passed through.
        """
        exp = _Expansion(H.H, *H.bounds, tol=self.tol, threads=self.threads)
        chain: list[int] = []  # one entry per successful expansion on the way to the end
        try:
            return _propagate(H, exp, Psi, times, emit, self, chain)
        finally:
            norm0 = float(np.linalg.norm(Psi))
            stats.add(
                products=exp.products, steps=exp.expansions, error=len(chain) * self.tol * norm0
            )


def _propagate(
    prepared: PreparedHamiltonian,
    exp: _Expansion,
    Psi: NDArray,
    times: NDArray,
    emit: Emit,
    method: Chebyshev,
    chain: list[int],
) -> NDArray[np.complex128]:
    H = prepared.H
    n, m = Psi.shape
    safe = False
    tol = method.tol
    nnz = float(H.nnz) if is_sparse(H) or isinstance(H, _MatrixFree) else float(n) * n
    budget = method.memory_mb * 1024**2
    state = np.ascontiguousarray(Psi)
    if not prepared.real or np.iscomplexobj(state):
        state = state.astype(complex)
    norm0 = float(np.linalg.norm(state))
    # Real H and real ψ(0): one real expansion from t = 0 serves every output time if its
    # vectors fit in memory (half the sparse work of a complex state).
    t_cur = 0.0
    k_out = 0
    n_times = len(times)
    # Real vectors that fit beside one chunk of outputs and its temporaries (≈ 8 real
    # vectors per output time: the state, its transpose, A·state, the partial sums).
    cap = int(budget // (n * m * 8)) - 8 * _GLOBAL_CHUNK
    while np.isrealobj(state) and cap >= 16:
        # The longest prefix of output times one real expansion of ≤ cap terms reaches.
        Ks = _terms_for(exp.r * np.asarray(times, dtype=float), tol) + 1
        n_pre = int(np.searchsorted(Ks, cap, side="right"))
        if n_pre == 0:
            break
        try:
            state = _chebyshev_global(exp, state, times[:n_pre], emit, Ks[:n_pre], norm0)
        except _Diverged:
            if safe:
                raise
            exp.set_bounds(*prepared.widen_bounds())  # the Lanczos estimate was too tight
            safe = True
            continue
        chain.append(1)
        k_out, t_cur = n_pre, float(times[n_pre - 1])
        break
    # Blocks of consecutive output times from the state at the start of each block.
    # Memory: (K vectors + M outputs) × n × m complex numbers.
    slots = int(budget // (16 * n * m))
    if slots < 8:
        check_memory("the Chebyshev vectors", (8, n, m))
        slots = 8
    state = state.astype(complex, copy=False)
    reducer = getattr(prepared, "outputs", None)
    spare: list[NDArray[np.complex128]] = []  # the last reduced block, once measured
    plan: list[tuple[int, int]] | None = None  # (M, G) of the reduced blocks left
    while k_out < n_times:
        # Candidate blocks: the next M output times, M = 1 … max_block.
        m_max = min(method.max_block, n_times - k_out)
        taus = times[k_out : k_out + m_max] - t_cur
        Ks = np.maximum(_terms_for(exp.r * taus, tol), 2)
        if isinstance(reducer, _Reducer) and m == 1:
            if plan is None:  # planned once, and again after the bounds widen
                plan = reduced_plan(exp.r, times[k_out:], t_cur, tol, nnz, reducer, method, n)
            try:
                shape = plan[0] if plan else None
                M, block, state = _reduced_block(exp, state, taus, Ks, reducer, shape, nnz, spare)
            except _Diverged:
                if safe:
                    raise
                exp.set_bounds(*prepared.widen_bounds())
                safe = True
                plan = None
                continue
            if plan:
                plan.pop(0)
            chain.append(1)
            emit(k_out, block)
            spare.append(block[:, :, 0])  # the next block writes its outputs here
            del block
            t_cur = float(times[k_out + M - 1])
            k_out += M
            continue
        best_M, best_cost, best_K = 0, math.inf, 0
        for M in range(1, m_max + 1):
            K = int(Ks[M - 1])
            if K + M > slots:
                break
            # Work per output time: K sparse products shared by M outputs + one dense
            # combination of K vectors per output.
            cost = (K * nnz + method.gemm_weight * M * K * n) / M
            if cost < best_cost:
                best_M, best_cost, best_K = M, cost, K
        # Streamed blocks: the vectors are added into the M outputs in groups of G as the
        # recurrence makes them (2G vectors kept), so K is not bounded by the memory; each
        # group's update reads and writes the M outputs once (counted as 2M/G dense passes
        # per product besides the multiply-adds).
        # Output j takes only its own Ks[j] terms, so the update work is Σ_j Ks[j].
        best_G = 0
        k_sum = np.cumsum(Ks)
        for G in STREAM_GROUPS:
            for M in range(1, min(m_max, slots - 2 * G) + 1):
                K = int(Ks[M - 1])
                upd = float(k_sum[M - 1]) * (1.0 + 2.0 / G)
                cost = (K * nnz + method.gemm_weight * n * upd) / M
                if cost < best_cost:
                    best_M, best_cost, best_K, best_G = M, cost, K, G
        try:
            if best_M == 0:
                # The next output is too far for the memory: a step without output.
                K = max(slots - 1, 2)
                tau = np.array([_max_argument(K, tol) / exp.r])
                block = _chebyshev_block(exp, state, tau, K, norm0)
                chain.append(1)
                state = np.ascontiguousarray(block[0])
                t_cur += float(tau[0])
                continue
            M, K = best_M, best_K
            if best_G:
                block = exp.streamed(state, taus[:M], K, best_G, Ks[:M])
                _check_norm(block, norm0, exp.norm_slack)
            else:
                block = _chebyshev_block(exp, state, taus[:M], K, norm0)
            chain.append(1)
        except _Diverged:
            if safe:
                raise
            exp.set_bounds(*prepared.widen_bounds())  # the Lanczos estimate was too tight
            safe = True
            continue
        emit(k_out, block)
        # A copy, and the block dropped: the next block's vectors must not coexist with it
        # (its M states would otherwise sit outside the memory budget).
        state = block[M - 1].copy()
        del block
        t_cur = float(times[k_out + M - 1])
        k_out += M
    return state.astype(complex, copy=False)


#: The cost model of :func:`_reduced_block`, in units of one term of the operator's
#: product (``nnz``): reducing one entry of a new vector, and one flush's read-modify-write
#: of one entry of one output. Measured at N = 24 (streaming chain, 2 threads, cProfile of
#: 28 outputs through bench.sh, RESULTS_spin_chain_scale.md): a product 0.48 s for
#: 36.5 × 2^24 terms, a reduction 0.028 s and a flush 0.46 s for ≈ 18 outputs of 8.4 M
#: entries (memory-bound: the outputs' traffic, not their multiply-adds).
_REDUCE_WEIGHT = 4.3
_FLUSH_WEIGHT = 4.0


def _block_terms(
    r: float, times: NDArray, t_cur: float, tol: float, k: int, m: int
) -> NDArray[np.float64]:
    """Chebyshev terms of outputs k … k + m − 1 in a block starting at output k − 1's time
    (``t_cur`` for k = 0)."""
    t0 = t_cur if k == 0 else float(times[k - 1])
    return np.maximum(_terms_for(r * (times[k : k + m] - t0), tol), 2).astype(float)


def _block_work(Ks: NDArray[np.float64], G: int, nnz: float, size: int) -> NDArray[np.float64]:
    """Modelled work of a reduced block of the first M outputs, for every M = 1 … len(Ks):
    K products of ``nnz`` terms, a reduction of each, and Σ_j ⌈Ks[j]/G⌉ flushes of an
    output of ``size`` entries."""
    flushes = np.cumsum(np.ceil(Ks / G))
    return Ks * nnz + size * (_FLUSH_WEIGHT * flushes + _REDUCE_WEIGHT * Ks)


def reduced_plan(
    r: float,
    times: NDArray,
    t_cur: float,
    tol: float,
    nnz: float,
    reducer: _Reducer,
    method: Chebyshev,
    n: int,
) -> list[tuple[int, int]]:
    """The reduced blocks (M outputs, group size G) that cover ``times`` (from ``t_cur``)
    at the least modelled work in all: K products, one reduction per product, and each
    output read and written once per group that adds into it (Σ_j ⌈Ks[j]/G⌉ passes).

    Memory (``method.memory_mb``): three full vectors for the recurrence, G reduced ones
    for a group and M reduced outputs. Planned over every output of the call (dynamic
    programming from the last one back), not block by block: a block chosen alone as the
    cheapest per output can leave a short, costly block at the end of a checkpoint
    segment (N = 24 NN, segments of 24: M = 20 + 4, 80 products per segment, where one
    block of 24 takes 66). An empty list when no block fits the memory.
    """
    nr = int(reducer.size)
    free = method.memory_mb * 1024**2 / 16 - 3 * n  # complex entries left after the ring
    n_t = int(times.size)
    cost = np.full(n_t + 1, math.inf)
    cost[n_t] = 0.0
    step: list[tuple[int, int]] = [(0, 0)] * n_t
    for k in range(n_t - 1, -1, -1):
        Ks = _block_terms(r, times, t_cur, tol, k, min(int(method.max_block), n_t - k))
        for G in STREAM_GROUPS or (4,):
            M = min(int(free // nr) - G, Ks.size)
            if M < 1:
                continue
            c = _block_work(Ks[:M], G, nnz, nr) + cost[k + 1 : k + M + 1]
            best = int(np.argmin(c))
            if c[best] < cost[k]:
                cost[k], step[k] = float(c[best]), (best + 1, G)
    plan, k = [], 0
    while k < n_t and step[k][0]:
        plan.append(step[k])
        k += step[k][0]
    return plan if k == n_t else []


def reduced_work(
    r: float,
    times: NDArray,
    t_cur: float,
    tol: float,
    nnz: float,
    size: int,
    blocks: list[tuple[int, int]],
) -> tuple[float, int]:
    """(modelled work, products) of reduced ``blocks`` (M, G) covering ``times`` from
    ``t_cur``, in the units of :func:`reduced_plan` (one term of the operator's product;
    ``size``: the reduced outputs' length)."""
    total, k, products = 0.0, 0, 0
    for M, G in blocks:
        Ks = _block_terms(r, times, t_cur, tol, k, M)
        total += float(_block_work(Ks, G, nnz, size)[-1])
        k, products = k + M, products + int(Ks[-1])
    if k != times.size:
        raise InvalidParameterError(f"the blocks cover {k} of {times.size} output times.")
    return total, products


def _reduced_block(
    exp: _Expansion,
    state: NDArray,
    taus: NDArray,
    Ks: NDArray[np.int64],
    reducer: _Reducer,
    shape: tuple[int, int] | None,
    nnz: float,
    spare: list[NDArray[np.complex128]] | None = None,
) -> tuple[int, NDArray[np.complex128], NDArray[np.complex128]]:
    """One streamed block whose outputs are kept reduced: (M, the M reduced outputs
    (M, size, 1), the full state at the last of them). ``shape``: its (M, G) from
    :func:`reduced_plan`; None when none fits (then M = 1, G = 4 if the memory allows).
    ``spare``: holds the previous block's outputs, already measured, whose memory this
    block takes (no fresh pages) when it fits, else drops before allocating.
    """
    n = state.shape[0]
    nr = int(reducer.size)
    norm0 = float(np.linalg.norm(state))
    if shape is None:
        check_memory("the reduced Chebyshev block", (3 * n + 5 * nr,))
        shape = (1, 4)
    M, G = shape
    buf = spare.pop() if spare else None
    if buf is not None and (buf.shape[0] < M or buf.shape[1:] != (nr,)):
        buf = None  # freed before the new outputs are allocated
    block = exp.streamed_reduced(state[:, 0], taus[:M], int(Ks[M - 1]), G, Ks[:M], reducer, out=buf)
    del buf
    full = reducer.expand(block[M - 1, :, 0]).reshape(n, 1)
    nrm = float(np.linalg.norm(full))
    if not math.isfinite(nrm) or abs(nrm - norm0) > exp.norm_slack * max(norm0, 1.0):
        raise _Diverged(f"Chebyshev propagation lost the norm ({nrm} vs {norm0})")
    return M, block, full


def _check_norm(block: NDArray, norm0: float, slack: float = 1e-6) -> None:
    """Raise :class:`_Diverged` when the norm moved by more than ``slack`` (relative).

    A diverging expansion (spectral bounds too tight) grows exponentially, far beyond any
    slack; the slack only has to exceed the truncation errors that ``tol`` allows.
    """
    nrm = float(np.linalg.norm(block[-1]))
    if not math.isfinite(nrm) or abs(nrm - norm0) > slack * max(norm0, 1.0):
        raise _Diverged(f"Chebyshev propagation lost the norm ({nrm} vs {norm0})")


def _chebyshev_global(
    exp: _Expansion,
    state: NDArray,
    times: NDArray,
    emit: Emit,
    Ks: NDArray[np.int64],
    norm0: float,
) -> NDArray[np.complex128]:
    """Every output from one real expansion at t = 0, in chunks of output times.

    ``Ks[j]`` is the number of terms output time j needs (non-decreasing).
    """
    K_all = max(int(Ks[-1]), 2)
    Ve, Vo = exp.vectors(state, K_all, norm0)
    J_all = bessel_table(exp.r * np.asarray(times, dtype=float), K_all)  # one table
    out = state.astype(complex)
    chunk = _GLOBAL_CHUNK
    for k0 in range(0, len(times), chunk):
        taus = times[k0 : k0 + chunk]
        K = max(int(Ks[k0 + taus.size - 1]), 2)
        block = exp.combine(taus, Ve, Vo, K, J_all[k0 : k0 + taus.size, :K])
        _check_norm(block, norm0, exp.norm_slack)
        emit(k0, block)
        out = block[-1]
    return np.ascontiguousarray(out)


def _chebyshev_block(
    exp: _Expansion, state: NDArray, taus: NDArray, K: int, norm0: float
) -> NDArray[np.complex128]:
    """States e^{−iHτ}ψ for every τ in ``taus`` from K Chebyshev vectors; shape (M, n, m)."""
    Ve, Vo = exp.vectors(state, K, norm0)
    out = exp.combine(taus, Ve, Vo, K)
    _check_norm(out, norm0, exp.norm_slack)
    return out


def chebyshev_terms(x: float, tol: float) -> int:
    """Smallest K with Σ_{k≥K} 2|J_k(x)| ≤ tol: the terms needed for e^{−ix H̃} (‖H̃‖ ≤ 1).
    Cached (a pure function; a run asks for the same x several times)."""
    return _chebyshev_terms(float(x), float(tol))


@functools.lru_cache(maxsize=1024)
def _chebyshev_terms(x: float, tol: float) -> int:
    return int(_terms_for(np.array([x]), tol)[0])


def _terms_for(xs: NDArray[np.float64], tol: float) -> NDArray[np.int64]:
    """:func:`chebyshev_terms` for every x in ``xs`` at once (one Bessel table)."""
    x = np.abs(np.asarray(xs, dtype=float))
    xm = float(x.max()) if x.size else 0.0
    kmax = int(xm + 12.0 * xm ** (1.0 / 3.0) + 60)
    J = np.abs(bessel_table(x, kmax))
    tail = 2.0 * np.cumsum(J[:, ::-1], axis=1)[:, ::-1]
    ok = tail <= tol
    return np.where(ok.any(axis=1), np.argmax(ok, axis=1), kmax).astype(np.int64)


@functools.lru_cache(maxsize=64)
def _max_argument(K: int, tol: float) -> float:
    """Largest x with chebyshev_terms(x, tol) ≤ K (bisection)."""
    lo, hi = 0.0, float(K)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if chebyshev_terms(mid, tol) <= K:
            lo = mid
        else:
            hi = mid
    return lo


class _Diverged(RuntimeError):
    pass


def bessel_table(x: NDArray[np.float64], K: int) -> NDArray[np.float64]:
    """J_k(x) for k = 0 … K − 1 and every x ≥ 0, shape (len(x), K).

    Miller's backward recurrence J_{k−1} = (2k/x) J_k − J_{k+1}, normalised by
    J_0 + 2 Σ J_{2k} = 1, for all x at once (scipy's ``jv`` evaluates every (k, x) pair
    separately, ~100× slower for the tables needed here), compiled
    (:mod:`._bessel_numba`: the NumPy loop over orders cost ~1 ms per small table). x ≤
    1e-14 gives J_0 = 1 and J_k = 0 otherwise (error below 1e-14).
    """
    x = np.asarray(x, dtype=float)
    pos = x > 1e-14
    every = bool(pos.all())  # the usual case: no zero argument, no masked copy
    xp = x if every else x[pos]
    if xp.size == 0:
        out = np.zeros((x.size, K))
        out[:, 0] = 1.0
        return out
    from ssbattery.quantum.evolution._bessel_numba import miller_table

    top = max(K, int(np.max(xp)))
    start = top + 20 + int(math.sqrt(40.0 * top))
    start += start % 2
    table = miller_table(np.ascontiguousarray(xp), int(K), int(start))
    if every:
        return table
    out = np.zeros((x.size, K))
    out[~pos, 0] = 1.0
    out[pos] = table
    return out


class _Expansion:
    """The Chebyshev expansion of e^{−iHτ} for one H: scaled operator, recurrence, sums."""

    def __init__(
        self, H: Operator, lo: float, hi: float, tol: float = 1e-12, threads: int | None = None
    ) -> None:
        self.H = H
        self.threads = threads
        # The truncation errors of many blocks add up (≤ tol each); see _check_norm.
        self.norm_slack = min(max(1e-6, 1e3 * tol), 0.1)
        self.products = 0  # products of H with one vector, for the statistics
        self.expansions = 0
        self.set_bounds(lo, hi)

    def set_bounds(self, lo: float, hi: float) -> None:
        self.a = 0.5 * (hi + lo)
        self.r = max(0.5 * (hi - lo), 1e-300)
        # H2 = 2(H − a)/r, so that T_{k+1} = H2 T_k − T_{k−1} costs one fused product.
        n = self.H.shape[0]
        self.fast: sp.csr_array | CodedCSR | _MatrixFree | None = None
        if isinstance(self.H, _MatrixFree):
            # Matrix-free: the scaled operator shares the tables and fuses the recurrence.
            self.H2: Any = self.H.scaled(self.a, 2.0 / self.r)
            self.fast = self.H2
            return
        if is_sparse(self.H):
            H2 = sp.csr_array(self.H - self.a * sp.eye_array(n, format="csr")) * (2.0 / self.r)
            H2 = sp.csr_array(H2)
            H2.sum_duplicates()
            H2.sort_indices()
        else:
            H2 = (np.asarray(self.H) - self.a * np.eye(n)) * (2.0 / self.r)
        self.H2 = H2
        # The threaded recurrence for large real sparse H; with few distinct off-diagonal
        # values as one-byte codes (5 instead of 12 bytes streamed per entry).
        if (
            self.threads != 1
            and is_sparse(H2)
            and not np.iscomplexobj(H2.data)
            and H2.nnz >= THREADED_MIN_NNZ
        ):
            self.fast = coded_csr(H2) or H2

    def _accumulate(self, x: NDArray, y: NDArray) -> None:
        """y += H2 @ x in place (x, y contiguous, same shape)."""
        H2 = self.H2
        if isinstance(H2, _MatrixFree):
            y += H2 @ x
        elif is_sparse(H2):
            real_h = not np.iscomplexobj(H2.data)
            if real_h and np.iscomplexobj(x):
                xv, yv = x.view(np.float64), y.view(np.float64)
            elif not real_h and not np.iscomplexobj(x):  # pragma: no cover - not used
                y += H2 @ x
                return
            else:
                xv, yv = x, y
            csr_accumulate(H2, xv, yv)
        else:
            y += H2 @ x

    def vectors(self, state: NDArray, K: int, norm0: float) -> tuple[NDArray, NDArray]:
        """T_k((H − a)/r)ψ for k < K, split into even and odd k: (V_even, V_odd)."""
        n, m = state.shape
        K = max(K, 2)
        self.products += (K - 1) * m
        self.expansions += 1
        Ve = np.empty(((K + 1) // 2, n, m), dtype=state.dtype)
        Vo = np.empty((K // 2, n, m), dtype=state.dtype)
        Ve[0] = state
        # T_1 = H̃ψ = ½ H2 ψ.
        Vo[0] = 0.0
        self._accumulate(Ve[0], Vo[0])
        Vo[0] *= 0.5
        for k in range(1, K - 1):
            cur = Vo[k // 2] if k % 2 else Ve[k // 2]
            prev = Ve[(k - 1) // 2] if k % 2 else Vo[(k - 1) // 2]
            nxt = Ve[(k + 1) // 2] if k % 2 else Vo[(k + 1) // 2]
            self._step(cur, prev, nxt, k + 2 < K)
        last = Vo[(K - 1) // 2] if (K - 1) % 2 else Ve[(K - 1) // 2]
        if K > 2 and float(np.linalg.norm(last)) > 1.5 * norm0 + 1e-300:
            raise _Diverged("Chebyshev vectors grow: the spectral bounds are too tight")
        return Ve, Vo

    def streamed(
        self,
        state: NDArray,
        taus: NDArray,
        K: int,
        group: int,
        terms: NDArray[np.int64] | None = None,
    ) -> NDArray[np.complex128]:
        """ψ(τ) for every τ in ``taus`` from K terms without storing them: the recurrence
        keeps 2·``group`` vectors (two halves used in turn), and each completed half is
        added into the outputs by one matrix product with its coefficients
        (2 − δ_k0)(−i)^k J_k(rτ). Shape (M, n, m).

        ``terms[j]`` (non-decreasing, ≤ K): the terms output j needs (its tail Σ 2|J_k| ≤
        tol, :func:`chebyshev_terms`); a group past them skips that output, so the updates
        cost Σ_j terms[j] instead of M·K. The update is one in-place BLAS product on the
        outputs still taking terms (no (M, n) temporary: at 2^24 states the temporary's
        traffic was as large as the products'; benchmarks/RESULTS_spin_chain_scale.md)."""
        n, m = state.shape
        K = max(K, 2)
        G = max(int(group), 2)
        self.products += (K - 1) * m
        self.expansions += 1
        taus = np.asarray(taus, dtype=float)
        k = np.arange(K)
        C = bessel_table(self.r * taus, K) * np.where(k == 0, 1.0, 2.0) * (-1j) ** k
        out = np.zeros((taus.size, n * m), dtype=complex)
        buf = np.empty((2 * G, n, m), dtype=complex)
        buf[0] = state
        buf[1] = 0.0
        self._accumulate(buf[0], buf[1])  # T_1 = ½ H2 ψ
        buf[1] *= 0.5
        flushed = 0  # terms already added into the outputs

        need = np.full(taus.size, K, dtype=np.int64) if terms is None else np.asarray(terms)

        def flush(upto: int) -> None:
            nonlocal flushed
            lo = flushed % (2 * G)
            count = upto - flushed
            # The outputs that still take terms ≥ flushed (a suffix: ``need`` ascends).
            j0 = int(np.searchsorted(need, flushed, side="right"))
            if j0 < taus.size:
                V = buf[lo : lo + count].reshape(count, n * m)
                with contextlib.ExitStack() as stack:
                    if self.fast is not None:  # BLAS on the recurrence's threads
                        from ssbattery._blas import blas_threads
                        from ssbattery.quantum.evolution.csr_kernels import threads_available

                        stack.enter_context(blas_threads(self.threads or threads_available()))
                    # out[j0:] += C[j0:, group] @ V, as (out[j0:])ᵀ += Vᵀ C[j0:, group]ᵀ on
                    # the Fortran views (in place: c is F-contiguous complex128).
                    zgemm(
                        1.0, V.T, C[j0:, flushed:upto].T, beta=1.0, c=out[j0:].T, overwrite_c=True
                    )
            flushed = upto

        for j in range(1, K - 1):
            if (j + 1) % G == 0:
                flush(j + 1)  # the half holding T_{j+1−G} … T_j is complete
            cur, prev, nxt = (buf[(j + d) % (2 * G)] for d in (0, -1, 1))
            self._step(cur, prev, nxt, j + 2 < K)  # flush() only reads the vectors
        last = buf[(K - 1) % (2 * G)]
        if K > 2 and float(np.linalg.norm(last)) > 1.5 * float(np.linalg.norm(state)) + 1e-300:
            raise _Diverged("Chebyshev vectors grow: the spectral bounds are too tight")
        flush(K)
        out *= np.exp(-1j * self.a * taus)[:, None]
        return out.reshape(taus.size, n, m)

    def streamed_reduced(
        self,
        state: NDArray,
        taus: NDArray,
        K: int,
        group: int,
        terms: NDArray[np.int64],
        reducer: _Reducer,
        out: NDArray[np.complex128] | None = None,
    ) -> NDArray[np.complex128]:
        """:meth:`streamed` for one ket (n,) with the outputs kept reduced: the recurrence
        runs on three full vectors, each new one is reduced into a group of ``group``, and
        each full group is added into the M reduced outputs by one BLAS product. Shape
        (M, ``reducer.size``, 1). ``out``: a buffer (≥ M, ``reducer.size``) to write the
        outputs into (overwritten: the first group sets every output)."""
        n, nr = state.shape[0], int(reducer.size)
        K, G = max(K, 2), max(int(group), 1)
        self.products += K - 1
        self.expansions += 1
        taus = np.asarray(taus, dtype=float)
        k = np.arange(K)
        C = bessel_table(self.r * taus, K) * np.where(k == 0, 1.0, 2.0) * (-1j) ** k
        C *= np.exp(-1j * self.a * taus)[:, None]  # the phase rides on the weights: no pass
        if out is None or out.shape[0] < taus.size or out.shape[1:] != (nr,):
            out = np.empty((taus.size, nr), dtype=complex)
        out = out[: taus.size]
        grp = np.empty((G, nr), dtype=complex)
        ring = np.empty((3, n), dtype=complex)
        ring[0] = state
        ring[2] = 0.0
        need = np.asarray(terms)
        flushed = 0

        def take(j: int) -> None:  # T_j is in ring[j % 3]: reduce it, flush a full group
            nonlocal flushed
            reducer.reduce(ring[j % 3], grp[j - flushed])
            if j + 1 - flushed < G and j + 1 < K:
                return
            j0 = int(np.searchsorted(need, flushed, side="right"))
            if j0 < taus.size:
                with contextlib.ExitStack() as stack:
                    if self.fast is not None:
                        from ssbattery._blas import blas_threads
                        from ssbattery.quantum.evolution.csr_kernels import threads_available

                        stack.enter_context(blas_threads(self.threads or threads_available()))
                    V = grp[: j + 1 - flushed]
                    Cg = C[j0:, flushed : j + 1]
                    # The first group reaches every output (Ks ≥ 2 > 0): it sets them.
                    beta = 1.0 if flushed else 0.0
                    zgemm(1.0, V.T, Cg.T, beta=beta, c=out[j0:].T, overwrite_c=True)
            flushed = j + 1

        step = self._step
        step(ring[0], ring[2], ring[1])  # T_1 = ½ H2 ψ
        ring[1] *= 0.5
        take(0)
        for j in range(1, K - 1):
            take(j)  # reads T_j only: T_(j+1) feeds the next step unchanged
            step(ring[j % 3], ring[(j - 1) % 3], ring[(j + 1) % 3], j + 2 < K)
        take(K - 1)
        if K > 2 and float(np.linalg.norm(ring[(K - 1) % 3])) > 1.5 * float(np.linalg.norm(state)):
            raise _Diverged("Chebyshev vectors grow: the spectral bounds are too tight")
        return out.reshape(taus.size, nr, 1)

    def _step(self, cur: NDArray, prev: NDArray, nxt: NDArray, feeds_next: bool = False) -> None:
        """nxt = H2·cur − prev (the recurrence, by whichever product H2 has); ``feeds_next``:
        the next step's ``cur`` is this ``nxt``, unchanged (a matrix-free H2 may start that
        product now, while ``nxt`` is in cache)."""
        if isinstance(self.fast, _MatrixFree):
            self.fast.recurrence_step(cur, prev, nxt, threads=self.threads, feeds_next=feeds_next)
        elif self.fast is not None:
            recurrence_step(self.fast, cur, prev, nxt, threads=self.threads)
        else:
            np.negative(prev, out=nxt)
            self._accumulate(cur, nxt)

    def combine(
        self,
        taus: NDArray,
        Ve: NDArray,
        Vo: NDArray,
        K: int,
        J: NDArray[np.float64] | None = None,
    ) -> NDArray[np.complex128]:
        """ψ(τ) = e^{−iaτ}[Σ_even (2−δ_k0)(−1)^{k/2} J_k T_kψ − i Σ_odd 2(−1)^{(k−1)/2} J_k T_kψ].

        Splitting even and odd orders makes both sums real-coefficient matrix products.
        """
        taus = np.asarray(taus, dtype=float)
        if J is None:
            J = bessel_table(self.r * taus, K)
        ke = np.arange(0, K, 2)
        ko = np.arange(1, K, 2)
        Ce = J[:, ke] * np.where(ke == 0, 1.0, 2.0) * (-1.0) ** (ke // 2)
        Co = J[:, ko] * 2.0 * (-1.0) ** ((ko - 1) // 2)
        _, n, m = Ve.shape
        phase = np.exp(-1j * self.a * taus)[:, None]
        out = np.empty((taus.size, n * m), dtype=complex)
        if self.fast is not None:
            # Large products: BLAS on the recurrence's threads (inside one_blas_thread).
            from ssbattery._blas import blas_threads
            from ssbattery.quantum.evolution.csr_kernels import threads_available

            with blas_threads(self.threads or threads_available()):
                self._combine_into(out, Ce, Co, Ve, Vo, ke.size, ko.size)
        else:
            self._combine_into(out, Ce, Co, Ve, Vo, ke.size, ko.size)
        out *= phase
        return out.reshape(taus.size, n, m)

    @staticmethod
    def _combine_into(
        out: NDArray, Ce: NDArray, Co: NDArray, Ve: NDArray, Vo: NDArray, ne: int, no: int
    ) -> None:
        _, n, m = Ve.shape
        ke, ko = np.arange(ne), np.arange(no)
        if np.iscomplexobj(Ve):
            np.matmul(Ce, Ve[: ke.size].reshape(ke.size, n * m), out=out)
            out -= 1j * (Co @ Vo[: ko.size].reshape(ko.size, n * m))
        else:
            # Real vectors: the even sum is the real part, minus the odd sum the imaginary.
            out.real = Ce @ Ve[: ke.size].reshape(ke.size, n * m)
            out.imag = Co @ Vo[: ko.size].reshape(ko.size, n * m)
            np.negative(out.imag, out=out.imag)
