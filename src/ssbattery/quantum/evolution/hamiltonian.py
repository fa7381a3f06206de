"""A checked Hamiltonian and what the propagators compute from it once (bounds, spectrum).

:class:`~ssbattery.quantum.evolution.solver.Evolver` holds one; repeated runs and steps on
the same Hamiltonian reuse its spectral bounds and eigendecomposition (this replaces a
module-level cache keyed by ``id(H)``, which could not tell a mutated array from a new one).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.fused import LanczosProduct
from ssbattery.quantum.evolution.kernels import is_real
from ssbattery.quantum.evolution.spectrum import gershgorin_bounds, spectral_bounds
from ssbattery.quantum.operators import Operator, as_hermitian, is_sparse

__all__ = ["PreparedHamiltonian"]


class PreparedHamiltonian:
    """A Hermitian H (checked once) with lazily computed, remembered spectral data.

    Args:
        H: Hermitian operator, dense or scipy sparse (ħ = 1).
        bounds: an interval known to hold the spectrum (default: :func:`spectral_bounds`
            when first needed).
        name: the argument's name in error messages.
        matrix_free: an equivalent matrix-free H for the Lanczos products (see
            :class:`~ssbattery.quantum.evolution.fused.LanczosProduct`); H still serves
            the checks, bounds and the other methods.
    """

    def __init__(
        self,
        H: Operator,
        *,
        bounds: tuple[float, float] | None = None,
        name: str = "H",
        matrix_free: LanczosProduct | None = None,
    ) -> None:
        self.H: Operator = as_hermitian(H, name=name)
        if matrix_free is not None and tuple(matrix_free.shape) != tuple(self.H.shape):
            raise InvalidParameterError(
                f"`matrix_free` has shape {tuple(matrix_free.shape)}, but `{name}` has "
                f"shape {tuple(self.H.shape)}; pass the matrix-free form of `{name}`."
            )
        self.matrix_free = matrix_free
        self.dim: int = int(self.H.shape[0])
        self.real: bool = is_real(self.H)
        self._bounds = None if bounds is None else (float(bounds[0]), float(bounds[1]))
        self._eigh: tuple[NDArray[np.float64], NDArray] | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """[E_lo, E_hi] holding the spectrum (computed on first use, then remembered)."""
        if self._bounds is None:
            self._bounds = spectral_bounds(self.H)
        return self._bounds

    def widen_bounds(self) -> tuple[float, float]:
        """Replace the bounds by the Gershgorin interval (always valid) and return it.

        Called by a propagator that found the estimated bounds too tight.
        """
        self._bounds = gershgorin_bounds(self.H)
        return self._bounds

    def eigh(self) -> tuple[NDArray[np.float64], NDArray]:
        """Eigenvalues E and eigenvectors V of H (dense, computed once)."""
        if self._eigh is None:
            dense = self.H.toarray() if is_sparse(self.H) else np.asarray(self.H)
            self._eigh = np.linalg.eigh(dense)
        return self._eigh
