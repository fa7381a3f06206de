"""The prepared solver :class:`Evolver` and the one-call :func:`evolve` (eqs. 3–5).

|ψ(t)⟩ = e^{−iHt}|ψ(0)⟩ (ħ = 1) for a constant Hamiltonian; density matrices evolve as
ρ(t) = U ρ(0) U† (eq. 5), through the eigenvectors of ρ(0) with nonzero weight, so every
method serves kets and density matrices alike. The state is propagated from one output
time to the next (never restarted from t = 0) and only what is asked for is kept:
expectation values of ``e_ops`` and whatever ``observer`` returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery._blas import one_blas_thread
from ssbattery.quantum.evolution.base import Emit, Method, StatsRecorder
from ssbattery.quantum.evolution.chebyshev import Chebyshev
from ssbattery.quantum.evolution.eigh import Eigh
from ssbattery.quantum.evolution.fused import LanczosProduct
from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian
from ssbattery.quantum.evolution.kernels import matmul, prefers_dense
from ssbattery.quantum.evolution.lanczos import Lanczos
from ssbattery.quantum.evolution.trajectory import Trajectory
from ssbattery.quantum.evolution.validation import (
    check_method_and_tol,
    check_times,
    prepare_e_ops,
)
from ssbattery.quantum.operators import Operator, as_density_matrix, as_ket, state_array
from ssbattery.validation import check_memory, require_positive

__all__ = ["DEFAULT_TOL", "LANCZOS_SPREAD_RATIO", "Evolver", "Observer", "evolve"]

#: Target relative accuracy of energies when neither ``tol`` nor ``method`` is given.
DEFAULT_TOL = 1e-10

#: Default method for a ket above the dense limit: Lanczos when the spectral half-width
#: r of H exceeds this many times the energy spread ΔH of ψ(0), Chebyshev otherwise.
LANCZOS_SPREAD_RATIO = 8.0

#: ``observer(state, k)``: called at output time k with the state (do not keep it).
Observer = Callable[[NDArray[np.complex128], int], Any]


class Evolver:
    """A prepared solver for one constant Hamiltonian: ``Evolver(H, method).run(ψ0, t)``.

    H is checked once, and what the methods derive from it (its spectral bounds, its
    eigendecomposition) is computed when first needed and reused by every :meth:`run`
    and :meth:`step` (repeated evolutions of one H, e.g. refining a power maximum).

    Args:
        H: Hermitian Hamiltonian, dense or scipy sparse, shape (n, n) (ħ = 1).
        method: :class:`~ssbattery.quantum.evolution.Eigh`,
            :class:`~ssbattery.quantum.evolution.Chebyshev`,
            :class:`~ssbattery.quantum.evolution.Lanczos` or
            :class:`~ssbattery.quantum.evolution.ExpmMultiply`, with its own settings
            (its tolerance among them). Default: picked per initial state by
            :meth:`method_for`.
        tol: target relative accuracy of energies for the default method (default 1e-10);
            not together with ``method`` (the method carries its own tolerance).
        bounds: an interval known to hold H's spectrum (default: estimated when needed).
        name: H's name in error messages.
        matrix_free: the same H applied without a matrix, fused with the Lanczos
            iteration (e.g. :class:`~ssbattery.quantum.dicke_stencil.DickeStencil`); used
            by :class:`Lanczos` for its products, H serving everything else.

    Example:
        >>> import numpy as np
        >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
        >>> ev = Evolver(sx, Eigh())
        >>> psi = ev.step(np.array([1.0, 0.0]), np.pi / 2)  # a π pulse: |0⟩ → −i|1⟩
        >>> np.round(np.abs(psi) ** 2, 12).tolist()
        [0.0, 1.0]
    """

    def __init__(
        self,
        H: Operator,
        method: Method | None = None,
        *,
        tol: float | None = None,
        bounds: tuple[float, float] | None = None,
        name: str = "H",
        matrix_free: LanczosProduct | None = None,
    ) -> None:
        self.hamiltonian = PreparedHamiltonian(H, bounds=bounds, name=name, matrix_free=matrix_free)
        self.method: Method | None = check_method_and_tol(method, tol)
        self.tol: float = DEFAULT_TOL if tol is None else float(tol)

    @property
    def H(self) -> Operator:
        """The checked Hamiltonian (CSR array or 2-D ndarray)."""
        return self.hamiltonian.H

    @property
    def dim(self) -> int:
        """The Hilbert-space dimension n."""
        return self.hamiltonian.dim

    @property
    def bounds(self) -> tuple[float, float]:
        """An interval holding H's spectrum (estimated on first use, then remembered)."""
        return self.hamiltonian.bounds

    def method_for(self, state: NDArray | None = None) -> Method:
        """The method a run from ``state`` uses: the one given, else the default choice.

        Eigh for n ≤ 512; above it, by the ratio r/ΔH of H's spectral half-width to the
        initial ket's energy spread (one product with H; Chebyshev needs r anyway).
        Chebyshev needs ≈ r·t products (real ones for real H and ψ(0)), Lanczos ≈ ΔH·t
        plus a margin, on complex vectors. Measured at equal 1e-8 accuracy (benchmarks/
        RESULTS_dicke.md, RESULTS_spin_chain.md): the Dicke curve, r/ΔH = 13–45 for
        N = 16–256, Lanczos 1.2–2× faster; the spin chain, r/ΔH ≈ 4, Chebyshev 2–2.5×
        faster. The threshold 8 lies between the two. Density matrices (``state`` None or
        a matrix: several kets) use Chebyshev. The default Chebyshev tolerance is
        min(tol/100, 1e-12), the Lanczos one ``tol``.
        """
        if self.method is not None:
            return self.method
        n, tol = self.dim, self.tol
        if prefers_dense(n):
            return Eigh()
        cheb = Chebyshev(tol=min(tol * 1e-2, 1e-12))
        if state is None or np.ndim(state) != 1:
            return cheb
        v = state_array(state).reshape(-1)
        nrm2 = float(np.vdot(v, v).real)
        if nrm2 == 0.0:
            return cheb
        Hv = matmul(self.H, v.astype(complex))
        mean = float(np.vdot(v, Hv).real) / nrm2
        spread = math.sqrt(max(float(np.vdot(Hv, Hv).real) / nrm2 - mean * mean, 0.0))
        lo, hi = self.bounds
        if 0.5 * (hi - lo) > LANCZOS_SPREAD_RATIO * spread:
            return Lanczos(tol=tol)
        return cheb

    def run(
        self,
        state0: ArrayLike,
        times: ArrayLike,
        *,
        e_ops: Sequence[Operator] = (),
        observer: Observer | None = None,
        store_states: bool | None = None,
    ) -> Trajectory:
        """Evolve ``state0`` from t = 0 to every output time (see :func:`evolve`)."""
        n = self.dim
        t = check_times(times)
        if store_states is None:
            store_states = not e_ops and observer is None
        arr = state_array(state0)
        if arr.ndim == 2 and arr.shape == (n, n) and n > 1:
            return self._run_density(arr, t, e_ops, observer, store_states)
        return self._run_ket(as_ket(arr, n, name="psi0"), t, e_ops, observer, store_states)

    def step(self, state: ArrayLike, dt: float) -> NDArray[np.complex128]:
        """The state (ket or density matrix) a time ``dt`` ≥ 0 after ``state``."""
        dt = require_positive("dt", dt, allow_zero=True)
        return np.asarray(self.run(state, [dt], store_states=False).final_state)

    # ----------------------------------------------------------------------------------

    def _propagate(
        self, Psi: NDArray, t: NDArray, emit: Emit, method: Method, stats: StatsRecorder
    ) -> NDArray:
        if prefers_dense(self.dim):  # small: not worth threadpoolctl's library scan
            return method.propagate(self.hamiltonian, Psi, t, emit, stats)
        with one_blas_thread():
            return method.propagate(self.hamiltonian, Psi, t, emit, stats)

    def _run_ket(
        self,
        psi: NDArray,
        t: NDArray[np.float64],
        e_ops: Sequence[Operator],
        observer: Observer | None,
        store_states: bool,
    ) -> Trajectory:
        n = self.dim
        ops, hermitian = prepare_e_ops(e_ops, n)
        method = self.method_for(psi)
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
                AX = matmul(A, X)
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

        stats = StatsRecorder()
        final = self._propagate(psi.reshape(n, 1), t, emit, method, stats)
        return Trajectory(
            t, expect, observed, np.array(final[:, 0]), states, method, stats.freeze()
        )

    def _run_density(
        self,
        rho0: NDArray,
        t: NDArray[np.float64],
        e_ops: Sequence[Operator],
        observer: Observer | None,
        store_states: bool,
    ) -> Trajectory:
        """ρ(t) = U ρ0 U† (eq. 5): evolve the eigenvectors of ρ0 with nonzero weight."""
        n = self.dim
        rho = as_density_matrix(rho0, n, name="psi0")
        p, Phi = np.linalg.eigh(rho)
        keep = p > 1e-14 * max(float(p.max()), 1e-300)
        p, Phi = p[keep], np.ascontiguousarray(Phi[:, keep])
        ops, hermitian = prepare_e_ops(e_ops, n)
        method = self.method_for(None)
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
                    val = np.sum(p * np.sum(block.conj() * matmul(A, block), axis=0))
                    expect[i, k] = val.real if hermitian else val
                if observer is not None or states is not None:
                    r_t = to_rho(block)
                    if observer is not None:
                        observed.append(observer(r_t, k))
                    if states is not None:
                        states[k] = r_t

        stats = StatsRecorder()
        final = self._propagate(Phi, t, emit, method, stats)
        return Trajectory(t, expect, observed, to_rho(final), states, method, stats.freeze())


def evolve(
    H: Operator,
    psi0: ArrayLike,
    times: ArrayLike,
    *,
    e_ops: Sequence[Operator] = (),
    observer: Observer | None = None,
    tol: float | None = None,
    method: Method | None = None,
    store_states: bool | None = None,
    matrix_free: LanczosProduct | None = None,
) -> Trajectory:
    """Evolve ``psi0`` under the constant Hamiltonian ``H`` (eqs. 4–5 with eq. 14's U).

    One call of :class:`Evolver`; build the Evolver yourself to evolve several states or
    time grids under one H (its spectral data are then computed once).

    Args:
        H: Hermitian Hamiltonian, dense or scipy sparse, shape (n, n) (ħ = 1).
        psi0: initial ket (length n), or a density matrix (n × n) evolved as UρU† (eq. 5).
        times: increasing output times ≥ 0; evolution starts at t = 0.
        e_ops: observables A; ``expect[i, k]`` = ⟨ψ(t_k)|A_i|ψ(t_k)⟩ (Tr[ρA_i]).
        observer: called as ``observer(state, k)`` at each output time; its returns are
            collected in ``Trajectory.observed``. Do not keep ``state`` (it is reused).
        tol: target relative accuracy of energies for the default method (default 1e-10:
            Chebyshev(tol=min(tol/100, 1e-12)) or Lanczos(tol=tol)). Not together with
            ``method``, whose own tolerance applies.
        method: :class:`Eigh`, :class:`Chebyshev`, :class:`Lanczos` or
            :class:`ExpmMultiply` (its own options then apply); default Eigh for
            n ≤ 512; above, Lanczos for a ket whose energy spread is narrow against H's
            spectral width (r > 8 ΔH, e.g. the Dicke battery), Chebyshev otherwise.
        store_states: also return every output state (memory n × n_times); default
            (None): only when nothing else is asked for (no ``e_ops``, no ``observer``),
            the rule of :func:`~ssbattery.quantum.evolution.evolve_density` too.
        matrix_free: H applied without a matrix for the Lanczos products (see
            :class:`Evolver`).

    Raises:
        InvalidParameterError: bad arguments, or both ``tol`` and ``method`` given.

    Example:
        >>> import numpy as np
        >>> sx = np.array([[0.0, 1.0], [1.0, 0.0]])
        >>> tr = evolve(sx, [1.0, 0.0], [np.pi / 2], e_ops=[np.diag([1.0, -1.0])])
        >>> round(float(tr.expect[0, 0]), 12)
        -1.0
    """
    return Evolver(H, method, tol=tol, matrix_free=matrix_free).run(
        psi0, times, e_ops=e_ops, observer=observer, store_states=store_states
    )
