"""Exact diagonalisation: ψ(t) = V e^{−iEt} V†ψ(0) with H = V diag(E) V† (dense, O(n³))."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.base import Emit, StatsRecorder
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Eigh"]

#: Output times formed together from the eigendecomposition.
_CHUNK = 64


@dataclass(frozen=True)
class Eigh:
    """Exact diagonalisation H = V diag(E) V†; ψ(t) = V e^{−iEt} V†ψ(0). Dense, O(n³).

    Exact to round-off, so it has no tolerance; the decomposition is computed once per
    :class:`~ssbattery.quantum.evolution.Evolver` and reused by every run and step.
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
        E, V = H.eigh()
        stats.add(steps=1)  # one diagonalisation (reused from H's cache when repeated)
        c = V.conj().T @ Psi
        out = Psi.astype(complex)[None]
        for k0 in range(0, len(times), _CHUNK):
            ts = times[k0 : k0 + _CHUNK]
            phases = np.exp(-1j * np.outer(ts, E))  # (M, n)
            out = np.einsum("ij,mj,jk->mik", V, phases, c, optimize=True)
            emit(k0, out)
        return np.asarray(out[-1])
