"""Matrix exponentials: scipy's ``expm_multiply`` (a reference) and dense ``expm`` steps.

Both serve closed systems (e^{−iHΔt} on kets) and open ones (e^{LΔt} on vec(ρ)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from ssbattery.quantum.operators import is_sparse
from ssbattery.validation import check_memory

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.base import Emit, EmitOpen, StatsRecorder
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Expm", "ExpmMultiply"]


def _steps(times: NDArray[np.float64]) -> NDArray[np.float64]:
    """The step lengths from t = 0 through every output time."""
    return np.diff(np.concatenate(([0.0], np.asarray(times, dtype=float))))


@dataclass(frozen=True)
class ExpmMultiply:
    """scipy.sparse.linalg.expm_multiply from one output time to the next (a reference).

    Its truncated Taylor series is chosen by scipy for double precision, so it has no
    tolerance of ours; scipy reports neither its products nor an error estimate. On a
    uniform grid of an open system one call evaluates every output time.
    """

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) to every time in ``times`` (see :class:`Method`)."""
        stats.not_reported(products=True, error=True)
        A = sp.csc_array(H.H) if is_sparse(H.H) else np.asarray(H.H)
        state = Psi.astype(complex)
        for k, dt in enumerate(_steps(times)):
            if dt > 0:
                state = np.asarray(spla.expm_multiply(-1j * float(dt) * A, state))
                stats.add(steps=1)
            emit(k, state[None])
        return state

    def propagate_open(
        self,
        L: sp.csr_array,
        v0: NDArray[np.complex128],
        times: NDArray[np.float64],
        emit: EmitOpen,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve vec(ρ(0)) under ``L`` to every time in ``times`` (see :class:`OpenMethod`)."""
        stats.not_reported(products=True, error=True)
        Lc = sp.csc_array(L)
        t = np.asarray(times, dtype=float)
        v = np.asarray(v0, dtype=complex)
        k0 = 0
        if t[0] > 0:
            v = np.asarray(spla.expm_multiply(Lc * float(t[0]), v))
            stats.add(steps=1)
        rest = t - t[0]
        steps = np.diff(rest)
        if t.size > 2 and np.allclose(steps, steps[0], rtol=1e-12, atol=0):
            block = np.asarray(
                spla.expm_multiply(
                    Lc, v, start=0.0, stop=float(rest[-1]), num=t.size, endpoint=True
                )
            )
            stats.add(steps=1)
            emit(0, block)
            return np.asarray(block[-1])
        emit(k0, v[None])
        for k, dt in enumerate(steps, start=1):
            if dt > 0:
                v = np.asarray(spla.expm_multiply(Lc * float(dt), v))
                stats.add(steps=1)
            emit(k, v[None])
        return v


@dataclass(frozen=True)
class Expm:
    """Dense exact propagators: exp(GΔt) once per distinct step Δt, then products.

    G = −iH on kets or L on vec(ρ); exact to round-off (Padé ``scipy.linalg.expm``), so
    it has no tolerance. Fast for small systems on uniform grids (one exponential); the
    default for Lindblad generators up to
    :data:`~ssbattery.quantum.evolution.kernels.DENSE_EXPM_LIMIT`.
    """

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) to every time in ``times`` (see :class:`Method`)."""
        G = -1j * (H.H.toarray() if is_sparse(H.H) else np.asarray(H.H))
        state = Psi.astype(complex)
        for k, v in enumerate(_dense_steps(G, state, times, stats)):
            emit(k, v[None])
            state = v
        return state

    def propagate_open(
        self,
        L: sp.csr_array,
        v0: NDArray[np.complex128],
        times: NDArray[np.float64],
        emit: EmitOpen,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve vec(ρ(0)) under ``L`` to every time in ``times`` (see :class:`OpenMethod`)."""
        check_memory("the dense Liouvillian", L.shape)
        v = np.asarray(v0, dtype=complex)
        for k, w in enumerate(_dense_steps(L.toarray(), v, times, stats)):
            emit(k, w[None])
            v = w
        return v


def _dense_steps(
    G: NDArray, v: NDArray, times: NDArray[np.float64], stats: StatsRecorder
) -> list[NDArray]:
    """v(t_k) = exp(G Δt_k) v(t_{k−1}) for every output time, one expm per distinct Δt."""
    cache: dict[float, NDArray] = {}
    out = []
    for dt in _steps(times):
        if dt > 0:
            key = float(np.round(dt, 14))
            if key not in cache:
                cache[key] = sla.expm(G * dt)
                stats.add(steps=1)
            v = cache[key] @ v
            stats.add(products=v.shape[1] if v.ndim == 2 else 1)
        out.append(v)
    return out
