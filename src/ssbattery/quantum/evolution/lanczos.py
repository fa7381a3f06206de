"""Lanczos (Krylov) propagation with long steps, each serving several output times.

For large sparse H whose state samples a narrow band of a wide spectrum (the Dicke
battery: a photon cutoff × coupling of thousands of ωc against the state's conserved
energy spread ΔH). A Krylov space adapts to the state's spectral measure, so its products
scale with ΔH·t rather than with the spectral width; each long step (a basis of
``krylov_dim`` vectors, a-posteriori error estimate) serves every output time it reaches.
Vectors are complex stored as real pairs, a real H acts on their (n, 2) view. scipy's
``expm_multiply`` and QuSpin's Taylor steps restart per output time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.fused import (
    HAVE_NUMBA,
    CSRProduct,
    LanczosProduct,
    fused_lanczos_basis,
)
from ssbattery.quantum.evolution.kernels import is_real
from ssbattery.quantum.operators import Operator, is_sparse
from ssbattery.validation import check_memory, require_positive

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.base import Emit, StatsRecorder
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Lanczos", "lanczos_basis", "propagate_matrix_free"]


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

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) to every time in ``times`` (see :class:`Method`).

        Stats: one step per Krylov basis, one product per basis vector, and the sum of
        the a-posteriori estimates at the end of each step (the largest over kets).
        """
        return _propagate(_product_operator(H), Psi, times, emit, self, stats)


def _product_operator(H: PreparedHamiltonian) -> Operator | LanczosProduct:
    """What the Lanczos iterations multiply with: the matrix-free H given to the solver,
    else the fused CSR kernel for a real sparse H (numba), else H itself (NumPy/BLAS).

    Per iteration on the Dicke parity block (machine otherwise idle, see
    benchmarks/RESULTS_dicke_window.md §2): NumPy/BLAS 1.03 / 3.73 / 14.5 ms, fused CSR
    0.99 / 3.19 / 14.8 ms, the Dicke stencil 0.94 / 3.04 / 9.8 ms at 77 529 / 257 129 /
    769 757 states.
    """
    if H.matrix_free is not None:
        return H.matrix_free
    if HAVE_NUMBA and is_sparse(H.H) and H.real:
        return CSRProduct(H.H)
    return H.H


def lanczos_basis(
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

    real_h = is_real(H)
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
        # (len(τ) × k) @ (k × n): each state a contiguous row (the transpose is returned).
        # The same product as V_kᵀ c, but BLAS streams V once per row block: 1.8× faster
        # for 5 states of 235 541 (31 against 57 ms), and the observers get contiguous
        # states instead of strided columns.
        return np.asarray(coeffs[:k].T @ self.V[:k].view(np.complex128)).T


def _lanczos_column(
    H: Operator | LanczosProduct,
    psi0: NDArray[np.complex128],
    times: NDArray,
    out: Callable[[int, NDArray[np.complex128]], None],
    method: Lanczos,
) -> tuple[NDArray[np.complex128], int, int, float]:
    """Propagate one ket; ``out(k0, states)`` gets (n × b) blocks of consecutive outputs.

    Returns the final ket, the products and steps taken, and the summed error estimate.
    """
    psi = np.array(psi0, dtype=np.complex128)
    norm0 = float(np.linalg.norm(psi))
    n_times = len(times)
    products, steps, error = 0, 0, 0.0
    if norm0 == 0.0:
        for k0 in range(0, n_times, method.batch):
            out(k0, np.zeros((psi.size, min(method.batch, n_times - k0)), dtype=complex))
        return psi, products, steps, error
    V_buffer = np.empty((int(method.krylov_dim), 2 * psi.size))
    tol = method.tol
    budget_per_time = tol * norm0 / max(float(times[-1]), 1e-300)
    t_now = 0.0
    k_out = 0
    while k_out < n_times:
        pair = psi.view(np.float64)
        beta0 = float(np.sqrt(pair @ pair))
        if isinstance(H, LanczosProduct):
            V, alpha, beta, beta_m = fused_lanczos_basis(
                H, pair / beta0, int(method.krylov_dim), V_buffer
            )
        else:
            V, alpha, beta, beta_m = lanczos_basis(
                H, pair / beta0, int(method.krylov_dim), V_buffer
            )
        step = _KrylovStep(V, alpha, beta, beta0, beta_m)
        products += len(alpha)
        steps += 1
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
            error += float(step.error(np.array([lo]))[0])
            t_now += lo
            continue
        for start in range(0, n_ok, int(method.batch)):
            taus = remaining[start : min(n_ok, start + int(method.batch))]
            states = step.states(taus, 1e-3 * tol * norm0)  # n × b
            out(k_out + start, states)
            psi = states[:, -1].copy()
        error += float(step.error(remaining[n_ok - 1 : n_ok])[0])
        t_now = float(times[k_out + n_ok - 1])
        k_out += n_ok
    return psi, products, steps, error


def _propagate(
    H: Operator | LanczosProduct,
    Psi: NDArray,
    times: NDArray,
    emit: Emit,
    method: Lanczos,
    stats: StatsRecorder,
) -> NDArray[np.complex128]:
    n, m = Psi.shape
    if m == 1:

        def out(k0: int, states: NDArray[np.complex128]) -> None:
            emit(k0, states.T[:, :, None])

        final, products, steps, error = _lanczos_column(H, Psi[:, 0], times, out, method)
        stats.add(products=products, steps=steps, error=error)
        return final.reshape(n, 1)
    # Several kets (a mixed state): each column takes its own steps, so the outputs are
    # gathered before they are emitted together.
    check_memory("the Lanczos output states", (len(times), n, m))
    allst = np.empty((len(times), n, m), dtype=np.complex128)
    finals = np.empty((n, m), dtype=np.complex128)
    worst = 0.0
    for c in range(m):

        def put(k0: int, states: NDArray[np.complex128], c: int = c) -> None:
            allst[k0 : k0 + states.shape[1], :, c] = states.T

        finals[:, c], products, steps, error = _lanczos_column(H, Psi[:, c], times, put, method)
        stats.add(products=products, steps=steps)
        worst = max(worst, error)
    stats.add(error=worst)
    emit(0, allst)
    return finals


def propagate_matrix_free(
    H: LanczosProduct,
    psi0: NDArray[np.complex128],
    times: NDArray[np.float64],
    observer: Callable[[NDArray[np.complex128], int], None],
    method: Lanczos,
    *,
    blas_threads: int | None = 1,
) -> tuple[NDArray[np.complex128], int]:
    """Evolve one ket by :class:`Lanczos` with a matrix-free H alone (ħ = 1).

    The propagation of ``Evolver(H_csr, method, matrix_free=H).run(psi0, times,
    observer=...)`` without the matrix: nothing is built or checked but the shapes, for
    callers that hold a verified matrix-free H and change it often (the moving Dicke
    window rebuilt its CSR H and checked it Hermitian at every move: ≈ 7 % of a run at
    N = 256). ``observer(state, k)`` gets every output state, as in :func:`evolve`.
    ``blas_threads``: BLAS threads inside the call (the output states' matrix product and
    whatever the observer computes, e.g. the Dicke ergotropy's ZHERK and eigvalsh; None:
    the library's setting). Returns the final ket and the products with H.
    """
    import contextlib

    from ssbattery._blas import blas_threads as blas_limit
    from ssbattery._blas import one_blas_thread
    from ssbattery.quantum.evolution.validation import check_times

    t = check_times(times)
    psi = np.ascontiguousarray(psi0, dtype=np.complex128)
    if psi.shape != (H.shape[0],):
        raise InvalidParameterError(
            f"`psi0` must be a ket of length {H.shape[0]} (the shape of `H`), got {psi.shape}."
        )

    def out(k0: int, states: NDArray[np.complex128]) -> None:
        for j in range(states.shape[1]):
            observer(states[:, j], k0 + j)

    if blas_threads is None:
        region: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    elif int(blas_threads) == 1:
        region = one_blas_thread()
    else:
        region = blas_limit(int(blas_threads))
    with region:
        final, products, _, _ = _lanczos_column(H, psi, t, out, method)
    return final, products
