"""Lanczos propagation of ``exp(-iHt)ψ`` for a real symmetric sparse ``H`` on a time grid.

Used by the Dicke battery (it is general for any real symmetric ``H``; see the report of
the Dicke part for why it is not yet the package's general engine).

Why our own propagator rather than the general engine or ``scipy.sparse.linalg.expm_multiply``:
the truncated Dicke Hamiltonian has a spectral width of thousands of ωc (photon cutoff ×
coupling), but the charging state only samples a narrow band of it (its energy spread
ΔH is conserved). A Chebyshev or Taylor series has to resolve the *whole* spectrum, whereas
a Lanczos space adapts to the state's spectral measure; with long Krylov steps (each one
covering many output times) the number of matrix–vector products drops by one to two
orders of magnitude. The products themselves stay real: the complex vector is viewed as an
``(n, 2)`` real array, so the real CSR matrix is multiplied without any complex copy.

Conventions: ħ = 1; ``times`` are absolute times with ``times[0] ≥ 0`` measured from the
initial state.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.linalg import eigh_tridiagonal

__all__ = ["lanczos_propagate"]

#: ``observer(states, first)``: ``states`` is (n × b), column i is ψ(times[first + i]).
Observer = Callable[[NDArray[np.complex128], int], None]


def _lanczos(
    H: sp.csr_matrix, v: NDArray[np.float64], m: int, V: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """``m``-step Lanczos from the unit vector ``v`` into the buffer ``V`` (m × 2n).

    Real arithmetic throughout: a complex vector of length n is stored as 2n reals
    (re, im interleaved), ``H`` acts on the (n, 2) view, and because H is real symmetric
    every Lanczos coefficient is real, so ⟨u|w⟩ = Re⟨u|w⟩ = the real dot product of the
    views (BLAS ddot, no strided complex parts). Plain three-term recurrence without
    re-orthogonalisation: for the exponential the loss of orthogonality only produces
    spurious copies of converged Ritz values, which does not spoil the approximation.
    Returns V[:k], α (k), β (k − 1) and β_k (0 on an invariant subspace).
    """
    from scipy.linalg.blas import daxpy

    alpha = np.empty(m)
    beta = np.empty(m)
    V[0] = v
    k = m
    for j in range(m):
        w = np.ascontiguousarray(H @ V[j].reshape(-1, 2)).reshape(-1)
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
    """One Lanczos basis: states β V exp(-iTτ) e1 and the error estimate at times τ."""

    def __init__(self, V: NDArray, theta: NDArray, S: NDArray, beta0: float, beta_m: float):
        self.V, self.theta, self.S = V, theta, S
        self.beta0, self.beta_m = beta0, beta_m

    def _phases(self, tau: NDArray[np.float64]) -> NDArray[np.complex128]:
        return np.exp(-1j * np.outer(self.theta, tau)) * self.S[0, :, None]

    def error(self, tau: NDArray[np.float64]) -> NDArray[np.float64]:
        """A-posteriori estimate β0 β_m |e_mᵀ exp(-iTτ) e1| of the error in ψ(τ)."""
        return self.beta0 * self.beta_m * np.abs(self.S[-1, :] @ self._phases(tau))

    def states(self, tau: NDArray[np.float64], drop: float = 0.0) -> NDArray[np.complex128]:
        """ψ(τ) for each τ as the columns of an (n × len(τ)) array.

        Trailing Krylov coefficients whose joint norm is below ``drop`` (for every τ) are
        left out: early in a step they are negligible, and the combination V_kᵀ c is the
        dominant dense cost of the propagation.
        """
        coeffs = self.S @ self._phases(tau) * self.beta0
        tail = np.sqrt(np.cumsum((np.abs(coeffs[::-1]) ** 2).max(axis=1)))[::-1]
        k = max(int(np.count_nonzero(tail > drop)), 1)
        return np.asarray(self.V[:k].view(np.complex128).T @ coeffs[:k])


def _single_threaded_blas() -> AbstractContextManager[object]:
    """Limit BLAS to one thread while propagating, if ``threadpoolctl`` is installed.

    The Lanczos loop is a long chain of level-1 BLAS calls on vectors of 10⁴–10⁶ entries;
    on a 2-core machine under load, OpenBLAS's spinning worker threads make each call
    10–100× slower (measured: N = 128 took 167 s with default threads, 1.4 s with one).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it set OPENBLAS_NUM_THREADS=1 yourself
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def lanczos_propagate(
    H: sp.csr_matrix,
    psi0: NDArray[np.complex128],
    times: NDArray[np.float64],
    observer: Observer,
    *,
    tol: float = 1e-10,
    krylov_dim: int = 64,
    batch: int = 32,
) -> tuple[NDArray[np.complex128], int]:
    """Propagate ``ψ(t) = exp(-iHt)ψ0`` to every time in ``times`` (increasing, ≥ 0).

    ``observer(states, first)`` receives the states at consecutive output times in blocks
    (column i of ``states`` is ψ(times[first + i])), in order. Each Krylov step is
    as long as the a-posteriori error estimate ``β_m |e_mᵀ exp(-iT_m τ) e_1|`` allows with
    an error budget proportional to the step length (so the global error stays ≈ ``tol``
    relative to ‖ψ0‖), and serves every output time inside it from the same basis.

    Returns the final state and the number of matrix–vector products used.
    """
    with _single_threaded_blas():  # ~2 ms per call
        return _propagate(H, psi0, times, observer, tol=tol, krylov_dim=krylov_dim, batch=batch)


def _propagate(
    H: sp.csr_matrix,
    psi0: NDArray[np.complex128],
    times: NDArray[np.float64],
    observer: Observer,
    *,
    tol: float,
    krylov_dim: int,
    batch: int,
) -> tuple[NDArray[np.complex128], int]:
    H = sp.csr_matrix(H)
    if H.dtype != np.float64:
        H = H.astype(np.float64)
    psi = np.array(psi0, dtype=np.complex128)
    norm0 = float(np.linalg.norm(psi))
    V_buffer = np.empty((krylov_dim, 2 * psi.size))
    t_end = float(times[-1]) if len(times) else 0.0
    t_now = 0.0
    k_out = 0
    matvecs = 0
    n_times = len(times)
    while k_out < n_times:
        pair = psi.view(np.float64)
        beta0 = float(np.sqrt(pair @ pair))
        V, alpha, beta, beta_m = _lanczos(H, pair / beta0, krylov_dim, V_buffer)
        matvecs += len(alpha)
        if len(alpha) > 1:
            theta, S = eigh_tridiagonal(alpha, beta)
        else:
            theta, S = alpha.copy(), np.ones((1, 1))
        step = _KrylovStep(V, theta, S, beta0, beta_m)
        budget_per_time = tol * norm0 / max(t_end, 1e-300)
        # the estimate itself cannot resolve less than rounding (its small-τ cancellation)
        # (exactly 0 at τ = 0, so its value there measures that rounding level)
        floor = max(1e-15 * beta0, 4.0 * float(step.error(np.zeros(1))[0]))
        remaining = times[k_out:] - t_now
        ok = step.error(remaining) <= np.maximum(budget_per_time * remaining, floor)
        # serve the leading run of output times the basis is accurate for
        n_ok = int(np.argmin(ok)) if not ok.all() else len(ok)
        if n_ok == 0:
            # not even the next output time: take an intermediate step by bisection
            lo, hi = 0.0, float(remaining[0])
            for _ in range(50):
                mid = 0.5 * (lo + hi)
                if step.error(np.array([mid]))[0] <= max(budget_per_time * mid, floor):
                    lo = mid
                else:
                    hi = mid
            if lo <= 0.0:
                raise RuntimeError("Lanczos step collapsed; increase krylov_dim or tol")
            psi = step.states(np.array([lo]))[:, 0]
            t_now += lo
            continue
        for start in range(0, n_ok, batch):
            taus = remaining[start : min(n_ok, start + batch)]
            states = step.states(taus, drop=1e-3 * tol * norm0)  # n × b
            observer(states, k_out + start)
            psi = states[:, -1].copy()
        t_now = float(times[k_out + n_ok - 1])
        k_out += n_ok
    return psi, matvecs
