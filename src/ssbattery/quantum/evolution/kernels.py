"""Linear-algebra kernels shared by the propagators, and the dense/sparse rule.

A real Hamiltonian acts on complex states through their real view (no complex copy of H):
half the memory traffic of a complex product, which is what the Chebyshev and Lanczos
propagators are bound by.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ssbattery.quantum.operators import Operator, is_sparse

__all__ = ["DENSE_EXPM_LIMIT", "DENSE_LIMIT", "is_real", "matmul", "prefers_dense"]

#: Largest length of the propagated vector (n for a ket) up to which dense linear algebra
#: is the default: exact diagonalisation (Eigh), exact spectral bounds, BLAS left to its
#: own thread count (too small for threading to matter).
DENSE_LIMIT = 512

#: The same limit for a dense matrix *exponential* of the generator (vec(ρ) of length d²
#: under a Liouvillian): one ``expm`` costs ≈ 10 matrix products of that size per distinct
#: step, against one diagonalisation reused for every time, so it pays off only up to a
#: smaller size. Measured with ``evolve_density`` on a damped oscillator, 101 output times
#: (load 16 on 2 cores): d² = 256 dense 0.061 s vs expm_multiply 0.075 s; d² = 400
#: 0.21 s vs 0.10 s; d² = 484 0.37 s vs 0.08 s.
DENSE_EXPM_LIMIT = 256


def prefers_dense(size: int, *, exponential: bool = False) -> bool:
    """The one dense/sparse rule: dense for a vector of length ``size`` up to the limit.

    ``exponential``: the dense method exponentiates the generator (``DENSE_EXPM_LIMIT``)
    rather than diagonalising it (``DENSE_LIMIT``).
    """
    return size <= (DENSE_EXPM_LIMIT if exponential else DENSE_LIMIT)


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
        Y = _product(H, X2)
        return np.ascontiguousarray(Y).view(np.complex128).reshape(shape)
    return _product(H, X)


def _product(H: Operator, X: NDArray) -> NDArray:
    """H @ X, threaded for a large real sparse H and a real block X (csr_kernels)."""
    if is_sparse(H) and X.ndim == 2 and not np.iscomplexobj(X) and is_real(H):
        from ssbattery.quantum.evolution.csr_kernels import sparse_product

        return sparse_product(H, X)
    return np.asarray(H @ X)
