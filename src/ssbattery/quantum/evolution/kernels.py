"""Linear-algebra kernels shared by the propagators, and the dense/sparse rule.

A real Hamiltonian acts on complex states through their real view (no complex copy of H):
half the memory traffic of a complex product, which is what the Chebyshev and Lanczos
propagators are bound by.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ssbattery.quantum.operators import Operator, is_sparse

__all__ = ["DENSE_LIMIT", "is_real", "matmul"]

#: Below this dimension the default method is exact diagonalisation, spectral bounds are
#: exact, and BLAS is left to its own thread count (too small for threading to matter).
DENSE_LIMIT = 512


def is_real(H: Operator) -> bool:
    """True if the entries of ``H`` (dense or sparse) are stored as real numbers."""
    data = H.data if is_sparse(H) else H
    return not np.iscomplexobj(data)


def matmul(H: Operator, X: NDArray) -> NDArray:
    """H @ X; a real H acts on a complex X through its real view (no complex copy of H)."""
    if is_real(H) and np.iscomplexobj(X):
        Xc = np.ascontiguousarray(X)
        shape = Xc.shape
        X2 = Xc.reshape(shape[0], -1).view(np.float64)
        Y = np.asarray(H @ X2)
        return np.ascontiguousarray(Y).view(np.complex128).reshape(shape)
    return np.asarray(H @ X)
