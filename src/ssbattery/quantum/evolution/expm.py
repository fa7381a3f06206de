"""scipy's ``expm_multiply`` from one output time to the next (a reference method)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ssbattery.quantum.operators import is_sparse

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.base import Emit
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["ExpmMultiply"]


@dataclass(frozen=True)
class ExpmMultiply:
    """scipy.sparse.linalg.expm_multiply from one output time to the next (a reference).

    Its truncated Taylor series is chosen by scipy for double precision, so it has no
    tolerance of ours.
    """

    def propagate(
        self, H: PreparedHamiltonian, Psi: NDArray, times: NDArray[np.float64], emit: Emit
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) to every time in ``times`` (see :class:`Method`)."""
        from scipy.sparse.linalg import expm_multiply

        A = sp.csc_array(H.H) if is_sparse(H.H) else np.asarray(H.H)
        state = Psi.astype(complex)
        t_prev = 0.0
        for k, t in enumerate(times):
            dt = float(t - t_prev)
            if dt > 0:
                state = np.asarray(expm_multiply(-1j * dt * A, state))
            emit(k, state[None])
            t_prev = float(t)
        return state
