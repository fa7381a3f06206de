"""Threaded CSR kernels for the Chebyshev recurrence (numba), with a scipy fallback.

T_{k+1} = H2·T_k − T_{k−1} is the whole cost of a Chebyshev expansion for large sparse H.
scipy's ``csr_matvec(s)`` runs on one thread and needs a separate pass for the subtraction;
:func:`recurrence_step` does both in one pass over the rows, split across threads (numba
``prange``; rows are independent, so no write conflicts). Written here because neither
scipy nor NumPy offers a threaded sparse product; measured in benchmarks/
RESULTS_spin_chain.md (§ "threaded recurrence").

Complex vectors with a real H go through their real view: an (n, m) complex array is an
(n, 2m) real one, and each row's products reuse the column index and value they read.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import _sparsetools

__all__ = ["THREADED_MIN_NNZ", "recurrence_step", "threads_available"]

#: Below this many stored entries the thread start-up outweighs the gain; scipy's product
#: is used (measured with the spin chain: N = 12, nnz ≈ 6·10⁴, equal within noise).
THREADED_MIN_NNZ = 200_000


@functools.cache
def _kernels() -> Any:
    """Compile the numba kernels once (None when numba is missing)."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return None

    @numba.njit(parallel=True, cache=True, fastmath=True)
    def step(indptr, indices, data, x, prev, out):
        n, c = x.shape
        for i in numba.prange(n):
            for q in range(c):
                out[i, q] = -prev[i, q]
            for j in range(indptr[i], indptr[i + 1]):
                col = indices[j]
                v = data[j]
                for q in range(c):
                    out[i, q] += v * x[col, q]

    @numba.njit(parallel=True, cache=True, fastmath=True)
    def step1(indptr, indices, data, x, prev, out):
        n = x.shape[0]
        for i in numba.prange(n):
            acc = -prev[i]
            for j in range(indptr[i], indptr[i + 1]):
                acc += data[j] * x[indices[j]]
            out[i] = acc

    return step, step1


def threads_available() -> int:
    """Threads the kernels may use (numba's setting, else the CPU count)."""
    try:
        import numba

        return int(numba.get_num_threads())
    except ImportError:  # pragma: no cover
        return os.cpu_count() or 1


def recurrence_step(
    H2: sp.csr_array,
    x: NDArray,
    prev: NDArray,
    out: NDArray,
    *,
    threads: int | None = None,
) -> None:
    """``out = H2 @ x − prev`` for a real CSR ``H2`` and contiguous (n, m) ``x``, ``prev``,
    ``out`` (real or complex, all of one dtype; ``out`` must not alias ``x``).

    ``threads``: numba threads for this call (default: numba's setting); 1 with scipy's
    single-threaded product gives the same numbers up to rounding order.
    """
    n = H2.shape[0]
    xv = x.view(np.float64) if np.iscomplexobj(x) else x
    pv = prev.view(np.float64) if np.iscomplexobj(prev) else prev
    ov = out.view(np.float64) if np.iscomplexobj(out) else out
    xv, pv, ov = (a.reshape(n, -1) for a in (xv, pv, ov))
    kern = _kernels() if H2.nnz >= THREADED_MIN_NNZ and threads != 1 else None
    if kern is None:
        np.negative(pv, out=ov)
        c = xv.shape[1]
        if c == 1:
            _sparsetools.csr_matvec(
                n, n, H2.indptr, H2.indices, H2.data, xv.reshape(-1), ov.reshape(-1)
            )
        else:
            _sparsetools.csr_matvecs(
                n, n, c, H2.indptr, H2.indices, H2.data, xv.reshape(-1), ov.reshape(-1)
            )
        return
    import numba

    before = numba.get_num_threads()
    if threads is not None:
        most = int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))
        numba.set_num_threads(max(1, min(int(threads), most)))
    try:
        step, step1 = kern
        if xv.shape[1] == 1:
            step1(H2.indptr, H2.indices, H2.data, xv.reshape(-1), pv.reshape(-1), ov.reshape(-1))
        else:
            step(H2.indptr, H2.indices, H2.data, xv, pv, ov)
    finally:
        numba.set_num_threads(before)
