"""Unitary evolution under time-independent and piecewise-constant Hamiltonians (eqs. 3–5).

|ψ(t)⟩ = e^{−iHt}|ψ(0)⟩ (ħ = 1) for a constant charging field, and the time-ordered product
U = e^{−iH_n τ_n} ⋯ e^{−iH_1 τ_1} (eq. 3) for piecewise-constant fields; density matrices
evolve as ρ(t) = U ρ(0) U† (eq. 5).

The state is propagated from one output time to the next (never restarted from t = 0) and
only what is asked for is kept: expectation values of ``e_ops`` and whatever ``observer``
returns. Four integrators, picked by the *type* of the ``method`` object (the default is
chosen by :func:`evolve`, see ``_default_method``):

* :class:`Eigh` — exact diagonalisation, for small (dense) problems.
* :class:`Chebyshev` — large sparse H whose state spreads over much of its spectrum (the
  spin chain). The Chebyshev expansion
  e^{−iHτ} = e^{−iaτ} Σ_k (2 − δ_k0)(−i)^k J_k(rτ) T_k((H − a)/r), with the spectrum in
  [a − r, a + r] (Lanczos estimate, Gershgorin fallback), is evaluated for *many output
  times at once*: the vectors T_k ψ are built once by the three-term recurrence and every
  output time is a matrix product with its Bessel coefficients (even and odd orders
  separately, so the coefficients are real). For a real H and a real ψ(0) (the spin chain,
  the Dicke battery) a single real expansion from t = 0 serves all output times when its
  vectors fit in ``memory_mb``; otherwise blocks of consecutive output times are expanded
  from the state at the start of each block (chosen by a cost model), so the sparse
  products per output time tend to r·Δt instead of r·Δt + O(log 1/tol) for step-by-step
  schemes. A real H acts on complex states through their real view (no complex copy of
  H). Written here because no library offers this multi-time evaluation: scipy's
  ``expm_multiply`` restarts its Taylor series for every step, QuTiP and QuSpin integrate
  the ODE with adaptive Runge–Kutta steps.
* :class:`Lanczos` — large sparse H whose state samples a narrow band of a wide spectrum
  (the Dicke battery: a photon cutoff × coupling of thousands of ωc against the state's
  conserved energy spread ΔH). A Krylov space adapts to the state's spectral measure, so
  its products scale with ΔH·t rather than with the spectral width; each long step (a
  basis of ``krylov_dim`` vectors, a-posteriori error estimate) serves every output time
  it reaches. Vectors are complex stored as real pairs, a real H acts on their (n, 2)
  view. scipy's ``expm_multiply`` and QuSpin's Taylor steps restart per output time.
* :class:`ExpmMultiply` — scipy's ``expm_multiply`` step by step (a reference).
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import _sparsetools

from ssbattery._blas import one_blas_thread
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import Operator, as_density_matrix, as_hermitian, as_ket, is_sparse
from ssbattery.validation import check_memory, require_positive

__all__ = [
    "Chebyshev",
    "Eigh",
    "ExpmMultiply",
    "Lanczos",
    "Method",
    "Trajectory",
    "chebyshev_terms",
    "evolve",
    "evolve_piecewise",
    "spectral_bounds",
]

#: Output times evaluated together from the single real Chebyshev expansion.
_GLOBAL_CHUNK = 16

#: Below this dimension the default method is exact diagonalisation.
DENSE_LIMIT = 512


@dataclass(frozen=True)
class Eigh:
    """Exact diagonalisation H = V diag(E) V†; ψ(t) = V e^{−iEt} V†ψ(0). Dense, O(n³)."""


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
    """

    tol: float = 1e-12
    memory_mb: float = 512.0
    max_block: int = 64
    gemm_weight: float = 0.1

    def __post_init__(self) -> None:
        require_positive("tol", self.tol)
        require_positive("memory_mb", self.memory_mb)
        require_positive("gemm_weight", self.gemm_weight)
        if int(self.max_block) < 1:
            raise InvalidParameterError(f"`max_block` must be ≥ 1, got {self.max_block!r}.")


@dataclass(frozen=True)
class Lanczos:
    """Lanczos (Krylov) propagation with long steps, each serving several output times.

    Each step builds ``krylov_dim`` Lanczos vectors from the current state and serves every
    following output time for which the a-posteriori estimate β₀ β_m |e_mᵀ e^{−iT_mτ} e₁|
    stays within an error budget proportional to τ (so the global state error stays
    ≈ ``tol``·‖ψ₀‖ up to t_max). A Krylov space adapts to the state's own spectral measure,
    so its products per output time scale with the state's energy spread, not with the
    spectral width of H as a Chebyshev or Taylor series does.

    Args:
        tol: global bound on the state error (norm-2, relative to ‖ψ₀‖) at t_max.
        krylov_dim: Lanczos vectors per step (memory 2·krylov_dim·n reals per column).
        batch: output states formed together from one basis (one matrix product).
    """

    tol: float = 1e-10
    krylov_dim: int = 64
    batch: int = 32

    def __post_init__(self) -> None:
        require_positive("tol", self.tol)
        if int(self.krylov_dim) < 2:
            raise InvalidParameterError(f"`krylov_dim` must be ≥ 2, got {self.krylov_dim!r}.")
        if int(self.batch) < 1:
            raise InvalidParameterError(f"`batch` must be ≥ 1, got {self.batch!r}.")


@dataclass(frozen=True)
class ExpmMultiply:
    """scipy.sparse.linalg.expm_multiply from one output time to the next (a reference)."""


#: Any propagator method object accepted by :func:`evolve` (picked by type).
Method = Eigh | Chebyshev | Lanczos | ExpmMultiply


@dataclass(frozen=True)
class Trajectory:
    """The result of :func:`evolve`.

    Attributes:
        times: the output times (same units as 1/H).
        expect: ⟨A⟩(t) for each of ``e_ops``, shape (n_ops, n_times); real when every A is
            Hermitian, complex otherwise.
        observed: ``observer(state, k)``'s return value at each output time.
        final_state: the state at ``times[-1]`` (ket, or density matrix).
        states: every output state, shape (n_times, n) or (n_times, n, n), only if asked.
    """

    times: NDArray[np.float64]
    expect: NDArray[Any]
    observed: list[Any] = field(default_factory=list)
    final_state: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    states: NDArray[Any] | None = None


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _is_real(H: Operator) -> bool:
    data = H.data if is_sparse(H) else H
    return not np.iscomplexobj(data)


def _matmul(H: Operator, X: NDArray) -> NDArray:
    """H @ X; a real H acts on a complex X through its real view (no complex copy of H)."""
    if _is_real(H) and np.iscomplexobj(X):
        Xc = np.ascontiguousarray(X)
        shape = Xc.shape
        X2 = Xc.reshape(shape[0], -1).view(np.float64)
        Y = np.asarray(H @ X2)
        return np.ascontiguousarray(Y).view(np.complex128).reshape(shape)
    return np.asarray(H @ X)


def _gershgorin(H: Operator) -> tuple[float, float]:
    if is_sparse(H):
        A = sp.csr_array(H)
        d = A.diagonal().real
        off = np.asarray(abs(A).sum(axis=1)).ravel() - np.abs(A.diagonal())
    else:
        A = np.asarray(H)
        d = np.diag(A).real
        off = np.abs(A).sum(axis=1) - np.abs(np.diag(A))
    return float(np.min(d - off)), float(np.max(d + off))


def spectral_bounds(
    H: Operator, *, steps: int = 60, margin: float = 0.01, seed: int = 1
) -> tuple[float, float]:
    """An interval [E_lo, E_hi] that contains the spectrum of Hermitian ``H``.

    Exact (``eigvalsh``) below :data:`DENSE_LIMIT`; otherwise the extreme Ritz values of
    ``steps`` Lanczos iterations widened by their residual and by ``margin`` of the width,
    clipped to the Gershgorin interval (which always holds).
    """
    n = H.shape[0]
    if n <= DENSE_LIMIT:
        dense = H.toarray() if is_sparse(H) else np.asarray(H)
        ev = np.linalg.eigvalsh(dense)
        pad = 1e-12 * max(1.0, float(np.max(np.abs(ev))))
        return float(ev[0]) - pad, float(ev[-1]) + pad
    g_lo, g_hi = _gershgorin(H)
    rng = np.random.default_rng(seed)
    dtype = float if _is_real(H) else complex
    v = rng.standard_normal(n).astype(dtype)
    v /= np.linalg.norm(v)
    v_old = np.zeros_like(v)
    alphas: list[float] = []
    betas: list[float] = []
    beta = 0.0
    for _ in range(min(steps, n)):
        w = np.asarray(H @ v) - beta * v_old
        alpha = float(np.vdot(v, w).real)
        w -= alpha * v
        alphas.append(alpha)
        beta = float(np.linalg.norm(w))
        if beta < 1e-12:
            break
        betas.append(beta)
        v_old, v = v, w / beta
    m = len(alphas)
    T = np.diag(alphas) + np.diag(betas[: m - 1], 1) + np.diag(betas[: m - 1], -1)
    theta, S = np.linalg.eigh(T)
    res_lo = beta * abs(S[-1, 0])
    res_hi = beta * abs(S[-1, -1])
    width = float(theta[-1] - theta[0])
    lo = float(theta[0]) - res_lo - margin * width
    hi = float(theta[-1]) + res_hi + margin * width
    return max(lo, g_lo), min(hi, g_hi)


def chebyshev_terms(x: float, tol: float) -> int:
    """Smallest K with Σ_{k≥K} 2|J_k(x)| ≤ tol: the terms needed for e^{−ix H̃} (‖H̃‖ ≤ 1)."""
    return int(_terms_for(np.array([x]), tol)[0])


def _terms_for(xs: NDArray[np.float64], tol: float) -> NDArray[np.int64]:
    """:func:`chebyshev_terms` for every x in ``xs`` at once (one Bessel table)."""
    x = np.abs(np.asarray(xs, dtype=float))
    xm = float(x.max()) if x.size else 0.0
    kmax = int(xm + 12.0 * xm ** (1.0 / 3.0) + 60)
    J = np.abs(_bessel_table(x, kmax))
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


# --------------------------------------------------------------------------------------
# integrators on a block of kets Psi (n, m)
# --------------------------------------------------------------------------------------

#: ``emit(k0, block)``: the states at output times k0 … k0 + M − 1, shape (M, n, m).
Emit = Callable[[int, NDArray[np.complex128]], None]

_BOUNDS_CACHE: dict[int, tuple[weakref.ref[Any], tuple[float, float]]] = {}


def _cached_bounds(H: Operator) -> tuple[float, float]:
    """:func:`spectral_bounds`, remembered per operator object (repeated evolutions)."""
    key = id(H)
    hit = _BOUNDS_CACHE.get(key)
    if hit is not None and hit[0]() is H:
        return hit[1]
    bounds = spectral_bounds(H)
    try:
        ref = weakref.ref(H)
    except TypeError:  # pragma: no cover - objects without weak references
        return bounds
    for k in [k for k, (r, _) in _BOUNDS_CACHE.items() if r() is None]:
        del _BOUNDS_CACHE[k]
    _BOUNDS_CACHE[key] = (ref, bounds)
    return bounds


def _propagate_eigh(H: Operator, Psi: NDArray, times: NDArray, emit: Emit) -> NDArray:
    dense = H.toarray() if is_sparse(H) else np.asarray(H)
    E, V = np.linalg.eigh(dense)
    c = V.conj().T @ Psi
    out = Psi.astype(complex)[None]
    chunk = 64
    for k0 in range(0, len(times), chunk):
        ts = times[k0 : k0 + chunk]
        phases = np.exp(-1j * np.outer(ts, E))  # (M, n)
        out = np.einsum("ij,mj,jk->mik", V, phases, c, optimize=True)
        emit(k0, out)
    return np.asarray(out[-1])


def _propagate_expm(H: Operator, Psi: NDArray, times: NDArray, emit: Emit) -> NDArray:
    from scipy.sparse.linalg import expm_multiply

    A = sp.csc_array(H) if is_sparse(H) else np.asarray(H)
    state = Psi.astype(complex)
    t_prev = 0.0
    for k, t in enumerate(times):
        dt = float(t - t_prev)
        if dt > 0:
            state = np.asarray(expm_multiply(-1j * dt * A, state))
        emit(k, state[None])
        t_prev = float(t)
    return state


class _Diverged(RuntimeError):
    pass


def _bessel_table(x: NDArray[np.float64], K: int) -> NDArray[np.float64]:
    """J_k(x) for k = 0 … K − 1 and every x ≥ 0, shape (len(x), K).

    Miller's backward recurrence J_{k−1} = (2k/x) J_k − J_{k+1}, normalised by
    J_0 + 2 Σ J_{2k} = 1, for all x at once (scipy's ``jv`` evaluates every (k, x) pair
    separately, ~100× slower for the tables needed here). x ≤ 1e-14 gives J_0 = 1 and
    J_k = 0 otherwise (error below 1e-14).
    """
    x = np.asarray(x, dtype=float)
    out = np.zeros((x.size, K))
    pos = x > 1e-14
    out[~pos, 0] = 1.0
    xp = x[pos]
    if xp.size == 0:
        return out
    top = max(K, int(np.max(xp)))
    start = top + 20 + int(math.sqrt(40.0 * top))
    start += start % 2
    tab = np.zeros((K, xp.size))  # one row per order: contiguous writes
    j_next = np.zeros(xp.size)
    j_cur = np.full(xp.size, 1e-300)
    norm = np.zeros(xp.size)
    two_over_x = 2.0 / xp
    # Rescale above 1e150: 4 more steps grow by at most (2k/x)⁴ < 1e68 for x > 1e-14.
    big = 1e150
    for k in range(start, 0, -1):
        j_prev = (k * two_over_x) * j_cur
        j_prev -= j_next  # J_{k−1}
        if k < K:
            tab[k] = j_cur
        if k % 2 == 0:
            norm += 2.0 * j_cur
        j_next, j_cur = j_cur, j_prev
        if k % 4 == 0:
            over = np.abs(j_cur) > big
            if over.any():
                j_cur[over] /= big
                j_next[over] /= big
                norm[over] /= big
                tab[:, over] /= big
    tab[0] = j_cur
    norm += j_cur
    out[pos] = (tab / norm[None, :]).T
    return out


class _Expansion:
    """The Chebyshev expansion of e^{−iHτ} for one H: scaled operator, recurrence, sums."""

    def __init__(self, H: Operator, lo: float, hi: float, tol: float = 1e-12) -> None:
        self.H = H
        # The truncation errors of many blocks add up (≤ tol each); see _check_norm.
        self.norm_slack = min(max(1e-6, 1e3 * tol), 0.1)
        self.set_bounds(lo, hi)

    def set_bounds(self, lo: float, hi: float) -> None:
        self.a = 0.5 * (hi + lo)
        self.r = max(0.5 * (hi - lo), 1e-300)
        # H2 = 2(H − a)/r, so that T_{k+1} = H2 T_k − T_{k−1} costs one fused product.
        n = self.H.shape[0]
        if is_sparse(self.H):
            H2 = sp.csr_array(self.H - self.a * sp.eye_array(n, format="csr")) * (2.0 / self.r)
            H2 = sp.csr_array(H2)
            H2.sum_duplicates()
            H2.sort_indices()
        else:
            H2 = (np.asarray(self.H) - self.a * np.eye(n)) * (2.0 / self.r)
        self.H2 = H2

    def _accumulate(self, x: NDArray, y: NDArray) -> None:
        """y += H2 @ x in place (x, y contiguous, same shape)."""
        H2 = self.H2
        if is_sparse(H2):
            real_h = not np.iscomplexobj(H2.data)
            if real_h and np.iscomplexobj(x):
                xv, yv = x.view(np.float64), y.view(np.float64)
            elif not real_h and not np.iscomplexobj(x):  # pragma: no cover - not used
                y += H2 @ x
                return
            else:
                xv, yv = x, y
            n = H2.shape[0]
            n_vecs = xv.size // n
            if n_vecs == 1:
                _sparsetools.csr_matvec(
                    n, n, H2.indptr, H2.indices, H2.data, xv.reshape(-1), yv.reshape(-1)
                )
            else:
                _sparsetools.csr_matvecs(
                    n, n, n_vecs, H2.indptr, H2.indices, H2.data, xv.reshape(-1), yv.reshape(-1)
                )
        else:
            y += H2 @ x

    def vectors(self, state: NDArray, K: int, norm0: float) -> tuple[NDArray, NDArray]:
        """T_k((H − a)/r)ψ for k < K, split into even and odd k: (V_even, V_odd)."""
        n, m = state.shape
        K = max(K, 2)
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
            np.negative(prev, out=nxt)
            self._accumulate(cur, nxt)
        last = Vo[(K - 1) // 2] if (K - 1) % 2 else Ve[(K - 1) // 2]
        if K > 2 and float(np.linalg.norm(last)) > 1.5 * norm0 + 1e-300:
            raise _Diverged("Chebyshev vectors grow: the spectral bounds are too tight")
        return Ve, Vo

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
            J = _bessel_table(self.r * taus, K)
        ke = np.arange(0, K, 2)
        ko = np.arange(1, K, 2)
        Ce = J[:, ke] * np.where(ke == 0, 1.0, 2.0) * (-1.0) ** (ke // 2)
        Co = J[:, ko] * 2.0 * (-1.0) ** ((ko - 1) // 2)
        _, n, m = Ve.shape
        phase = np.exp(-1j * self.a * taus)[:, None]
        out = np.empty((taus.size, n * m), dtype=complex)
        if np.iscomplexobj(Ve):
            np.matmul(Ce, Ve[: ke.size].reshape(ke.size, n * m), out=out)
            out -= 1j * (Co @ Vo[: ko.size].reshape(ko.size, n * m))
        else:
            # Real vectors: the even sum is the real part, minus the odd sum the imaginary.
            out.real = Ce @ Ve[: ke.size].reshape(ke.size, n * m)
            out.imag = Co @ Vo[: ko.size].reshape(ko.size, n * m)
            np.negative(out.imag, out=out.imag)
        out *= phase
        return out.reshape(taus.size, n, m)


def _propagate_chebyshev(
    H: Operator, Psi: NDArray, times: NDArray, emit: Emit, method: Chebyshev
) -> NDArray:
    n, m = Psi.shape
    exp = _Expansion(H, *_cached_bounds(H), tol=method.tol)
    safe = False
    tol = method.tol
    nnz = float(H.nnz) if is_sparse(H) else float(n) * n
    budget = method.memory_mb * 1024**2
    state = np.ascontiguousarray(Psi)
    if not _is_real(H) or np.iscomplexobj(state):
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
            exp.set_bounds(*_gershgorin(H))  # the Lanczos estimate was too tight
            safe = True
            continue
        k_out, t_cur = n_pre, float(times[n_pre - 1])
        break
    # Blocks of consecutive output times from the state at the start of each block.
    # Memory: (K vectors + M outputs) × n × m complex numbers.
    slots = int(budget // (16 * n * m))
    if slots < 8:
        check_memory("the Chebyshev vectors", (8, n, m))
        slots = 8
    state = state.astype(complex, copy=False)
    while k_out < n_times:
        # Candidate blocks: the next M output times, M = 1 … max_block.
        m_max = min(method.max_block, n_times - k_out)
        taus = times[k_out : k_out + m_max] - t_cur
        Ks = np.maximum(_terms_for(exp.r * taus, tol), 2)
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
        try:
            if best_M == 0:
                # The next output is too far for the memory: a step without output.
                K = max(slots - 1, 2)
                tau = np.array([_max_argument(K, tol) / exp.r])
                block = _chebyshev_block(exp, state, tau, K, norm0)
                state = np.ascontiguousarray(block[0])
                t_cur += float(tau[0])
                continue
            M, K = best_M, best_K
            block = _chebyshev_block(exp, state, taus[:M], K, norm0)
        except _Diverged:
            if safe:
                raise
            exp.set_bounds(*_gershgorin(H))  # the Lanczos estimate was too tight
            safe = True
            continue
        emit(k_out, block)
        state = np.ascontiguousarray(block[M - 1])
        t_cur = float(times[k_out + M - 1])
        k_out += M
    return state.astype(complex, copy=False)


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
    J_all = _bessel_table(exp.r * np.asarray(times, dtype=float), K_all)  # one table
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


# --------------------------------------------------------------------------------------
# Lanczos
# --------------------------------------------------------------------------------------


def _lanczos_basis(
    H: Operator, v: NDArray[np.float64], m: int, V: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """``m``-step Lanczos from the unit vector ``v`` (complex, as 2n reals) into ``V``.

    Real arithmetic throughout: a complex vector of length n is stored as 2n reals
    (re, im interleaved); a real H acts on its (n, 2) view (no complex copy of H), a
    complex H on its complex view. For Hermitian H every Lanczos coefficient is real and
    ⟨u|w⟩ = Re⟨u|w⟩ = the real dot product of the views (BLAS ddot). Plain three-term
    recurrence without re-orthogonalisation: for the exponential, lost orthogonality only
    produces spurious copies of converged Ritz values, which do not spoil the result.
    Returns V[:k], α (k), β (k − 1) and β_k (0 on an invariant subspace).
    """
    from scipy.linalg.blas import daxpy

    real_h = _is_real(H)
    alpha = np.empty(m)
    beta = np.empty(m)
    V[0] = v
    k = m
    for j in range(m):
        if real_h:
            w = np.ascontiguousarray(H @ V[j].reshape(-1, 2)).reshape(-1)
        else:
            w = np.asarray(H @ V[j].view(np.complex128)).view(np.float64)
        a = float(V[j] @ w)
        alpha[j] = a
        w = daxpy(V[j], w, a=-a)
        if j > 0:
            w = daxpy(V[j - 1], w, a=-beta[j - 1])
        b = float(np.sqrt(w @ w))
        beta[j] = b
        if j + 1 == m:
            break
        if b < 1e-13 * (abs(a) + 1.0):  # invariant subspace: exact for every time
            k = j + 1
            break
        np.multiply(w, 1.0 / b, out=V[j + 1])
    return V[:k], alpha[:k], beta[: k - 1], float(beta[k - 1]) if k == m else 0.0


class _KrylovStep:
    """One Lanczos basis: states β₀ V e^{−iTτ} e₁ and their error estimate at times τ."""

    def __init__(self, V: NDArray, alpha: NDArray, beta: NDArray, beta0: float, beta_m: float):
        from scipy.linalg import eigh_tridiagonal

        if len(alpha) > 1:
            theta, S = eigh_tridiagonal(alpha, beta)
        else:
            theta, S = alpha.copy(), np.ones((1, 1))
        self.V, self.theta, self.S = V, theta, S
        self.beta0, self.beta_m = beta0, beta_m

    def _phases(self, tau: NDArray[np.float64]) -> NDArray[np.complex128]:
        return np.exp(-1j * np.outer(self.theta, tau)) * self.S[0, :, None]

    def error(self, tau: NDArray[np.float64]) -> NDArray[np.float64]:
        """A-posteriori estimate β₀ β_m |e_mᵀ e^{−iTτ} e₁| of the error of ψ(τ)."""
        return self.beta0 * self.beta_m * np.abs(self.S[-1, :] @ self._phases(tau))

    def states(self, tau: NDArray[np.float64], drop: float) -> NDArray[np.complex128]:
        """ψ(τ) for each τ as the columns of an (n × len(τ)) array.

        Trailing Krylov coefficients whose joint norm is below ``drop`` for every τ are
        left out: early in a step they are negligible, and the combination V_kᵀ c is the
        dominant dense cost of the propagation.
        """
        coeffs = self.S @ self._phases(tau) * self.beta0
        tail = np.sqrt(np.cumsum((np.abs(coeffs[::-1]) ** 2).max(axis=1)))[::-1]
        k = max(int(np.count_nonzero(tail > drop)), 1)
        return np.asarray(self.V[:k].view(np.complex128).T @ coeffs[:k])


def _lanczos_column(
    H: Operator,
    psi0: NDArray[np.complex128],
    times: NDArray,
    out: Callable[[int, NDArray[np.complex128]], None],
    method: Lanczos,
) -> NDArray[np.complex128]:
    """Propagate one ket; ``out(k0, states)`` gets (n × b) blocks of consecutive outputs."""
    psi = np.array(psi0, dtype=np.complex128)
    norm0 = float(np.linalg.norm(psi))
    n_times = len(times)
    if norm0 == 0.0:
        for k0 in range(0, n_times, method.batch):
            out(k0, np.zeros((psi.size, min(method.batch, n_times - k0)), dtype=complex))
        return psi
    V_buffer = np.empty((int(method.krylov_dim), 2 * psi.size))
    tol = method.tol
    budget_per_time = tol * norm0 / max(float(times[-1]), 1e-300)
    t_now = 0.0
    k_out = 0
    while k_out < n_times:
        pair = psi.view(np.float64)
        beta0 = float(np.sqrt(pair @ pair))
        V, alpha, beta, beta_m = _lanczos_basis(H, pair / beta0, int(method.krylov_dim), V_buffer)
        step = _KrylovStep(V, alpha, beta, beta0, beta_m)
        # The estimate cannot resolve less than rounding (its small-τ cancellation; it is
        # exactly 0 at τ = 0, so its value there measures that rounding level).
        floor = max(1e-15 * beta0, 4.0 * float(step.error(np.zeros(1))[0]))
        remaining = times[k_out:] - t_now
        ok = step.error(remaining) <= np.maximum(budget_per_time * remaining, floor)
        n_ok = int(np.argmin(ok)) if not ok.all() else len(ok)
        if n_ok == 0:
            # Not even the next output time: an intermediate step, by bisection.
            lo, hi = 0.0, float(remaining[0])
            for _ in range(50):
                mid = 0.5 * (lo + hi)
                if step.error(np.array([mid]))[0] <= max(budget_per_time * mid, floor):
                    lo = mid
                else:
                    hi = mid
            if lo <= 0.0:
                raise InvalidParameterError(
                    f"`method` Lanczos(krylov_dim={method.krylov_dim}, tol={tol:g}) cannot "
                    "take a step at the requested accuracy; increase `krylov_dim` or `tol`."
                )
            psi = step.states(np.array([lo]), 0.0)[:, 0]
            t_now += lo
            continue
        for start in range(0, n_ok, int(method.batch)):
            taus = remaining[start : min(n_ok, start + int(method.batch))]
            states = step.states(taus, 1e-3 * tol * norm0)  # n × b
            out(k_out + start, states)
            psi = states[:, -1].copy()
        t_now = float(times[k_out + n_ok - 1])
        k_out += n_ok
    return psi


def _propagate_lanczos(
    H: Operator, Psi: NDArray, times: NDArray, emit: Emit, method: Lanczos
) -> NDArray[np.complex128]:
    n, m = Psi.shape
    if m == 1:

        def out(k0: int, states: NDArray[np.complex128]) -> None:
            emit(k0, states.T[:, :, None])

        final = _lanczos_column(H, Psi[:, 0], times, out, method)
        return final.reshape(n, 1)
    # Several kets (a mixed state): each column takes its own steps, so the outputs are
    # gathered before they are emitted together.
    check_memory("the Lanczos output states", (len(times), n, m))
    allst = np.empty((len(times), n, m), dtype=np.complex128)
    finals = np.empty((n, m), dtype=np.complex128)
    for c in range(m):

        def put(k0: int, states: NDArray[np.complex128], c: int = c) -> None:
            allst[k0 : k0 + states.shape[1], :, c] = states.T

        finals[:, c] = _lanczos_column(H, Psi[:, c], times, put, method)
    emit(0, allst)
    return finals


def _propagate(
    H: Operator, Psi: NDArray, times: NDArray, emit: Emit, method: Method
) -> NDArray[np.complex128]:
    if H.shape[0] <= DENSE_LIMIT:  # small: not worth threadpoolctl's library scan
        return _propagate_any(H, Psi, times, emit, method)
    with one_blas_thread():
        return _propagate_any(H, Psi, times, emit, method)


def _propagate_any(
    H: Operator, Psi: NDArray, times: NDArray, emit: Emit, method: Method
) -> NDArray[np.complex128]:
    if isinstance(method, Eigh):
        return _propagate_eigh(H, Psi, times, emit)
    if isinstance(method, ExpmMultiply):
        return _propagate_expm(H, Psi, times, emit)
    if isinstance(method, Chebyshev):
        return _propagate_chebyshev(H, Psi, times, emit, method)
    if isinstance(method, Lanczos):
        return _propagate_lanczos(H, Psi, times, emit, method)
    raise InvalidParameterError(
        f"`method` must be Eigh(), Chebyshev(...), Lanczos(...) or ExpmMultiply(), got {method!r}."
    )


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def _check_times(times: ArrayLike, *, name: str = "times") -> NDArray[np.float64]:
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


#: Default method for a ket above :data:`DENSE_LIMIT`: Lanczos when the spectral half-width
#: r of H exceeds this many times the energy spread ΔH of ψ(0), Chebyshev otherwise.
LANCZOS_SPREAD_RATIO = 8.0


def _default_method(n: int, H: Operator, tol: float, psi: NDArray | None = None) -> Method:
    """Eigh for n ≤ 512; above it, by the ratio r/ΔH of H's spectral half-width to ψ(0)'s
    energy spread (one product with H; r is cached and Chebyshev needs it anyway).

    Chebyshev needs ≈ r·t products (real ones for real H and ψ(0)), Lanczos ≈ ΔH·t plus a
    margin, on complex vectors. Measured at equal 1e-8 accuracy (benchmarks/
    RESULTS_dicke.md, RESULTS_spin_chain.md): the Dicke curve, r/ΔH = 13–45 for
    N = 16–256, Lanczos 1.2–2× faster; the spin chain, r/ΔH ≈ 4, Chebyshev 2–2.5× faster.
    The threshold 8 lies between the two. Density matrices (several kets) use Chebyshev.
    """
    if n <= DENSE_LIMIT:
        return Eigh()
    cheb = Chebyshev(tol=min(tol * 1e-2, 1e-12))
    if psi is None:
        return cheb
    v = np.asarray(psi).reshape(-1)
    nrm2 = float(np.vdot(v, v).real)
    if nrm2 == 0.0:
        return cheb
    Hv = _matmul(H, v.astype(complex))
    mean = float(np.vdot(v, Hv).real) / nrm2
    spread = math.sqrt(max(float(np.vdot(Hv, Hv).real) / nrm2 - mean * mean, 0.0))
    lo, hi = _cached_bounds(H)
    if 0.5 * (hi - lo) > LANCZOS_SPREAD_RATIO * spread:
        return Lanczos(tol=tol)
    return cheb


def _prepare_e_ops(e_ops: Sequence[Operator], n: int) -> tuple[list[Operator], bool]:
    ops: list[Operator] = []
    hermitian = True
    for i, A in enumerate(e_ops):
        A2 = sp.csr_array(A) if is_sparse(A) else np.asarray(A)
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


def evolve(
    H: Operator,
    psi0: ArrayLike,
    times: ArrayLike,
    *,
    e_ops: Sequence[Operator] = (),
    observer: Callable[[NDArray[np.complex128], int], Any] | None = None,
    tol: float = 1e-10,
    method: Method | None = None,
    store_states: bool = False,
) -> Trajectory:
    """Evolve ``psi0`` under the constant Hamiltonian ``H`` (eqs. 4–5 with eq. 14's U).

    Args:
        H: Hermitian Hamiltonian, dense or scipy sparse, shape (n, n) (ħ = 1).
        psi0: initial ket (length n), or a density matrix (n × n) evolved as UρU† (eq. 5).
        times: increasing output times ≥ 0; evolution starts at t = 0.
        e_ops: observables A; ``expect[i, k]`` = ⟨ψ(t_k)|A_i|ψ(t_k)⟩ (Tr[ρA_i]).
        observer: called as ``observer(state, k)`` at each output time; its returns are
            collected in ``Trajectory.observed``. Do not keep ``state`` (it is reused).
        tol: target relative accuracy of energies (default 1e-10); sets the default
            method's accuracy (Chebyshev(tol=min(tol/100, 1e-12)) or Lanczos(tol=tol)).
        method: :class:`Eigh`, :class:`Chebyshev`, :class:`Lanczos` or
            :class:`ExpmMultiply` (its own options then apply); default Eigh for
            n ≤ 512; above, Lanczos for a ket whose energy spread is narrow against H's
            spectral width (r > 8 ΔH, e.g. the Dicke battery), Chebyshev otherwise.
        store_states: also return every output state (memory n × n_times).

    Example:
        >>> import numpy as np
        >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
        >>> tr = evolve(sx, [1.0, 0.0], [np.pi / 2], e_ops=[np.diag([1.0, -1.0])])
        >>> round(float(tr.expect[0, 0]), 12)
        -1.0
    """
    Hc = as_hermitian(H, name="H")
    n = Hc.shape[0]
    require_positive("tol", tol)
    t = _check_times(times)
    arr = np.asarray(psi0)
    if arr.ndim == 2 and arr.shape == (n, n) and n > 1:
        return _evolve_density(Hc, arr, t, e_ops, observer, tol, method, store_states)
    psi = as_ket(arr, n, name="psi0")
    ops, hermitian = _prepare_e_ops(e_ops, n)
    meth = method if method is not None else _default_method(n, Hc, tol, psi)
    expect = np.zeros((len(ops), t.size), dtype=float if hermitian else complex)
    observed: list[Any] = []
    states = None
    if store_states:
        check_memory("the stored states", (t.size, n))
        states = np.empty((t.size, n), dtype=complex)

    def emit(k0: int, block: NDArray[np.complex128]) -> None:
        M = block.shape[0]
        X = np.ascontiguousarray(block[:, :, 0].T)  # (n, M)
        for i, A in enumerate(ops):
            AX = _matmul(A, X)
            if hermitian:
                # Re⟨x|Ax⟩ = Σ (Re x·Re Ax + Im x·Im Ax), on the real views (no conj copy).
                prod = np.einsum("ij,ij->j", X.view(np.float64), AX.view(np.float64))
                expect[i, k0 : k0 + M] = prod.reshape(M, 2).sum(axis=1)
            else:
                expect[i, k0 : k0 + M] = np.sum(X.conj() * AX, axis=0)
        for j in range(M):
            if observer is not None:
                observed.append(observer(block[j, :, 0], k0 + j))
            if states is not None:
                states[k0 + j] = block[j, :, 0]

    final = _propagate(Hc, psi.reshape(n, 1), t, emit, meth)
    return Trajectory(t, expect, observed, np.array(final[:, 0]), states)


def _evolve_density(
    H: Operator,
    rho0: NDArray,
    t: NDArray[np.float64],
    e_ops: Sequence[Operator],
    observer: Callable[[NDArray[np.complex128], int], Any] | None,
    tol: float,
    method: Method | None,
    store_states: bool,
) -> Trajectory:
    """ρ(t) = U ρ0 U† (eq. 5): evolve the eigenvectors of ρ0 with nonzero weight."""
    n = H.shape[0]
    rho = as_density_matrix(rho0, n, name="psi0")
    p, Phi = np.linalg.eigh(rho)
    keep = p > 1e-14 * max(float(p.max()), 1e-300)
    p, Phi = p[keep], np.ascontiguousarray(Phi[:, keep])
    ops, hermitian = _prepare_e_ops(e_ops, n)
    meth = method if method is not None else _default_method(n, H, tol)
    expect = np.zeros((len(ops), t.size), dtype=float if hermitian else complex)
    observed: list[Any] = []
    states = None
    if store_states:
        check_memory("the stored density matrices", (t.size, n, n))
        states = np.empty((t.size, n, n), dtype=complex)

    def to_rho(block: NDArray[np.complex128]) -> NDArray[np.complex128]:
        return (block * p[None, :]) @ block.conj().T

    def emit(k0: int, blocks: NDArray[np.complex128]) -> None:
        for j, block in enumerate(blocks):
            k = k0 + j
            for i, A in enumerate(ops):
                val = np.sum(p * np.sum(block.conj() * _matmul(A, block), axis=0))
                expect[i, k] = val.real if hermitian else val
            if observer is not None or states is not None:
                r_t = to_rho(block)
                if observer is not None:
                    observed.append(observer(r_t, k))
                if states is not None:
                    states[k] = r_t

    final = _propagate(H, Phi, t, emit, meth)
    return Trajectory(t, expect, observed, to_rho(final), states)


def evolve_piecewise(
    segments: Sequence[tuple[Operator, float]],
    psi0: ArrayLike,
    times: ArrayLike | None = None,
    *,
    e_ops: Sequence[Operator] = (),
    observer: Callable[[NDArray[np.complex128], int], Any] | None = None,
    tol: float = 1e-10,
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
    if len(segments) == 0:
        raise InvalidParameterError("`segments` is empty; give at least one (H, duration).")
    durations = [
        require_positive(f"segments[{j}] duration", tau) for j, (_, tau) in enumerate(segments)
    ]
    ends = np.cumsum(durations)
    t = ends.copy() if times is None else _check_times(times)
    if t[-1] > ends[-1] * (1 + 1e-12):
        raise InvalidParameterError(
            f"`times` must lie within the total duration {ends[-1]:g}, got up to {t[-1]:g}."
        )
    state: NDArray[Any] = np.asarray(psi0)
    expect_rows: list[NDArray[Any]] = []
    observed: list[Any] = []
    start = 0.0
    k_done = 0
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

        tr = evolve(
            as_hermitian(Hj, name=f"segments[{j}] H"),
            state,
            np.asarray(local),
            e_ops=e_ops,
            observer=obs,
            tol=tol,
            method=method,
        )
        expect_rows.append(tr.expect[:, :n_req])
        k_done += n_req
        state = tr.final_state
        start = end
    expect = np.concatenate(expect_rows, axis=1)
    return Trajectory(t, expect, observed, state)
