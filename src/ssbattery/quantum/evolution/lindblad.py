"""Open-system evolution dρ/dt = Lρ: the prepared :class:`LindbladEvolver` and
:func:`evolve_density`.

The same rules as the unitary solver (:mod:`.solver`): times start at t = 0 and increase
strictly, the method is an object picked by type (a registered method with
``propagate_open``: :class:`~ssbattery.quantum.evolution.Expm` dense exact exp(LΔt) once
per distinct step, or :class:`~ssbattery.quantum.evolution.ExpmMultiply` on the sparse
L), the default is dense up to :data:`~ssbattery.quantum.evolution.kernels.DENSE_EXPM_LIMIT`
(here the length d² of vec(ρ)), and the result is a
:class:`~ssbattery.quantum.evolution.Trajectory` with the method and its statistics.

Why our own engine rather than QuTiP's ``mesolve`` (the cross-check in the tests and the
peer in ``benchmarks/bench_lindblad.py``, see RESULTS_lindblad.md): the machines of the
review are small and time independent within each stroke, so the state on an output grid
is exactly ρ(t + Δt) = exp(L Δt) ρ(t): one dense ``expm`` per step size, then products
(machine precision; as fast as or faster than ``mesolve`` at atol = rtol = 1e-10 up to
d ≈ 15); above it ``expm_multiply`` on the sparse L (faster than ``mesolve`` at that
tolerance for d = 30–60 in our benchmark).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery._blas import one_blas_thread
from ssbattery.quantum.evolution.base import OpenMethod, StatsRecorder
from ssbattery.quantum.evolution.expm import Expm, ExpmMultiply
from ssbattery.quantum.evolution.kernels import prefers_dense
from ssbattery.quantum.evolution.registry import check_open_method
from ssbattery.quantum.evolution.solver import Observer
from ssbattery.quantum.evolution.trajectory import Trajectory
from ssbattery.quantum.evolution.validation import check_times, prepare_e_ops
from ssbattery.quantum.operators import OperatorLike, as_density_matrix, to_dense
from ssbattery.quantum.superoperators import liouvillian, unvec, vec
from ssbattery.validation import check_memory, require_positive

__all__ = ["LindbladEvolver", "evolve_density"]


class LindbladEvolver:
    """A prepared solver for dρ/dt = −i[H, ρ] + Σ_k D[C_k]ρ (ħ = 1).

    The Liouvillian is built once (:func:`~ssbattery.quantum.superoperators.liouvillian`)
    and serves every :meth:`run` and :meth:`step`.

    Args:
        H: Hermitian Hamiltonian (ndarray, scipy sparse or QuTiP ``Qobj``).
        c_ops: jump operators C_k = √γ_k A_k, of H's shape.
        method: :class:`~ssbattery.quantum.evolution.Expm` or
            :class:`~ssbattery.quantum.evolution.ExpmMultiply` (default: Expm for
            d² ≤ DENSE_EXPM_LIMIT = 256, ExpmMultiply above).

    Example:
        >>> import numpy as np
        >>> lower = np.array([[0.0, 1.0], [0.0, 0.0]])  # |1⟩ → |0⟩ at rate 1
        >>> ev = LindbladEvolver(np.diag([0.0, 1.0]), [lower])
        >>> rho = ev.step(np.diag([0.0, 1.0]), np.log(2.0))
        >>> round(float(rho[1, 1].real), 12)
        0.5
    """

    def __init__(
        self,
        H: OperatorLike,
        c_ops: Sequence[OperatorLike] = (),
        method: OpenMethod | None = None,
    ) -> None:
        self.L = liouvillian(H, c_ops)
        self.dim = round(float(np.sqrt(self.L.shape[0])))
        self.method: OpenMethod | None = None if method is None else check_open_method(method)

    def method_for(self) -> OpenMethod:
        """The method a run uses: the one given, else dense Expm for d² ≤ 256.

        The package's one dense/sparse rule,
        :func:`~ssbattery.quantum.evolution.kernels.prefers_dense`, for an exponential.
        """
        if self.method is not None:
            return self.method
        return Expm() if prefers_dense(self.dim**2, exponential=True) else ExpmMultiply()

    def run(
        self,
        rho0: ArrayLike | OperatorLike,
        times: ArrayLike,
        *,
        e_ops: Sequence[OperatorLike] = (),
        observer: Observer | None = None,
        store_states: bool | None = None,
    ) -> Trajectory:
        """Evolve ``rho0`` from t = 0 to every output time (see :func:`evolve_density`)."""
        d = self.dim
        r0 = as_density_matrix(rho0, d, name="rho0")
        t = check_times(times)
        ops, hermitian = prepare_e_ops(e_ops, d)
        dense_ops = [to_dense(A) for A in ops]
        keep = (not dense_ops and observer is None) if store_states is None else store_states
        method = self.method_for()
        expect = np.zeros((len(ops), t.size), dtype=float if hermitian else complex)
        observed: list[Any] = []
        states = None
        if keep:
            check_memory("the stored density matrices", (t.size, d, d))
            states = np.empty((t.size, d, d), dtype=complex)

        def emit(k0: int, block: NDArray[np.complex128]) -> None:
            rhos = block.reshape(block.shape[0], d, d).transpose(0, 2, 1)  # unvec each row
            for i, A in enumerate(dense_ops):
                vals = np.einsum("ij,tji->t", A, rhos)
                expect[i, k0 : k0 + block.shape[0]] = vals.real if hermitian else vals
            for j, rho in enumerate(rhos):
                if observer is not None:
                    observed.append(observer(rho, k0 + j))
                if states is not None:
                    states[k0 + j] = rho

        stats = StatsRecorder()
        with one_blas_thread():
            final = method.propagate_open(self.L, vec(r0), t, emit, stats)
        return Trajectory(t, expect, observed, unvec(final, d), states, method, stats.freeze())

    def step(self, rho: ArrayLike | OperatorLike, dt: float) -> NDArray[np.complex128]:
        """The density matrix a time ``dt`` ≥ 0 after ``rho``."""
        dt = require_positive("dt", dt, allow_zero=True)
        return np.asarray(self.run(rho, [dt], store_states=False).final_state)


def evolve_density(
    H: OperatorLike,
    c_ops: Sequence[OperatorLike],
    rho0: ArrayLike | OperatorLike,
    times: ArrayLike,
    *,
    e_ops: Sequence[OperatorLike] = (),
    observer: Observer | None = None,
    method: OpenMethod | None = None,
    store_states: bool | None = None,
) -> Trajectory:
    """Solve dρ/dt = Lρ from ρ(0) = ``rho0`` and return ρ on the grid ``times``.

    One call of :class:`LindbladEvolver`. Exact up to round-off with either method (no ODE
    tolerance): Expm uses exp(L Δt), computed once per distinct step size (one ``expm``
    for a uniform grid); ExpmMultiply uses ``scipy.sparse.linalg.expm_multiply``.

    Args:
        H: Hermitian Hamiltonian, d × d (ndarray, scipy sparse or ``Qobj``), ħ = 1.
        c_ops: jump operators C_k (rates inside: C_k = √γ_k A_k).
        rho0: density matrix, or a normalised ket (taken as |ψ⟩⟨ψ|).
        times: output times ≥ 0, strictly increasing; evolution starts at t = 0.
        e_ops: observables E; ``expect[i, k]`` = Tr[E_i ρ(t_k)] (real when every E_i is
            Hermitian).
        observer: called as ``observer(rho, k)`` at each output time (as in
            :func:`~ssbattery.quantum.evolution.evolve`).
        method: Expm() or ExpmMultiply() (default: Expm for d² ≤ 256).
        store_states: keep every ρ(t_k) in ``Trajectory.states``; default (None): only
            when nothing else is asked for (no ``e_ops``, no ``observer``), the same rule
            as :func:`~ssbattery.quantum.evolution.evolve`.
    """
    return LindbladEvolver(H, c_ops, method).run(
        rho0, times, e_ops=e_ops, observer=observer, store_states=store_states
    )
