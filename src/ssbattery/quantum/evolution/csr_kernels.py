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
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import _sparsetools

__all__ = [
    "THREADED_MIN_NNZ",
    "CodedCSR",
    "coded_csr",
    "csr_accumulate",
    "recurrence_step",
    "sparse_product",
    "threads_available",
]

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

    @numba.njit(parallel=True, cache=True, fastmath=True)
    def coded_step(indptr, indices, codes, table, diag, x, prev, out):
        n, c = x.shape
        for i in numba.prange(n):
            d = diag[i]
            for q in range(c):
                out[i, q] = d * x[i, q] - prev[i, q]
            for j in range(indptr[i], indptr[i + 1]):
                col = indices[j]
                v = table[codes[j]]
                for q in range(c):
                    out[i, q] += v * x[col, q]

    @numba.njit(parallel=True, cache=True, fastmath=True)
    def coded_step1(indptr, indices, codes, table, diag, x, prev, out):
        n = x.shape[0]
        for i in numba.prange(n):
            acc = diag[i] * x[i] - prev[i]
            for j in range(indptr[i], indptr[i + 1]):
                acc += table[codes[j]] * x[indices[j]]
            out[i] = acc

    @numba.njit(parallel=True, cache=True, fastmath=True)
    def product(indptr, indices, data, x, out):
        n, c = out.shape
        for i in numba.prange(n):
            for q in range(c):
                out[i, q] = 0.0
            for j in range(indptr[i], indptr[i + 1]):
                col = indices[j]
                v = data[j]
                for q in range(c):
                    out[i, q] += v * x[col, q]

    return step, step1, coded_step, coded_step1, product


def sparse_product(A: sp.csr_array, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``A @ x`` for a real CSR ``A`` and a real (n, c) ``x``: threaded above
    :data:`THREADED_MIN_NNZ` entries (the observables of the propagators' output blocks),
    scipy's product otherwise."""
    kern = _kernels() if A.nnz >= THREADED_MIN_NNZ and not np.iscomplexobj(A.data) else None
    if kern is None or x.ndim != 2 or np.iscomplexobj(x):
        return np.asarray(A @ x)
    xc = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty((A.shape[0], xc.shape[1]))
    kern[4](A.indptr, A.indices, A.data, xc, out)
    return out


@dataclass(frozen=True)
class CodedCSR:
    """A real sparse matrix whose off-diagonal entries take few distinct values.

    Stored as CSR of the off-diagonal entries with one byte per entry (``codes``, an
    index into ``table``) and the diagonal apart: 5 bytes per entry instead of CSR's 12.
    The recurrence streams the matrix once per product and is bound by memory bandwidth,
    so this is what makes it faster (the spin chain: ω, the flip-flop amplitudes and
    the symmetry-norm ratios give a few dozen distinct values).
    """

    shape: tuple[int, int]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    codes: NDArray[np.uint8]
    table: NDArray[np.float64]
    diag: NDArray[np.float64]

    @property
    def nnz(self) -> int:
        """Stored off-diagonal entries plus the diagonal."""
        return int(self.indices.size + self.diag.size)


def coded_csr(A: sp.csr_array) -> CodedCSR | None:
    """``A`` (real, square CSR) as a :class:`CodedCSR`, or None when its off-diagonal
    entries take more than 256 distinct values (or it is too small to gain)."""
    import pandas as pd

    if A.nnz < THREADED_MIN_NNZ or np.iscomplexobj(A.data) or A.shape[0] >= 2**31:
        return None
    n = A.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(A.indptr))
    off = A.indices != rows
    codes, uniques = pd.factorize(A.data[off], sort=True)
    if len(uniques) > 256:
        return None
    counts = np.bincount(rows[off], minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return CodedCSR(
        (n, n),
        indptr,
        A.indices[off].astype(np.int32),
        codes.astype(np.uint8),
        np.asarray(uniques, dtype=np.float64),
        np.asarray(A.diagonal(), dtype=np.float64),
    )


def threads_available() -> int:
    """Threads the kernels may use (numba's setting, else the CPU count)."""
    try:
        import numba

        return int(numba.get_num_threads())
    except ImportError:  # pragma: no cover
        return os.cpu_count() or 1


def csr_accumulate(A: sp.csr_array, x: NDArray, y: NDArray) -> None:
    """``y += A @ x`` in place with scipy's one-thread product (contiguous ``x``, ``y`` of
    A's dtype, shape (n,) or (n, c))."""
    n = A.shape[0]
    c = x.size // n
    if c == 1:
        _sparsetools.csr_matvec(n, n, A.indptr, A.indices, A.data, x.reshape(-1), y.reshape(-1))
    else:
        _sparsetools.csr_matvecs(n, n, c, A.indptr, A.indices, A.data, x.reshape(-1), y.reshape(-1))


def recurrence_step(
    H2: sp.csr_array | CodedCSR,
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
    if isinstance(H2, CodedCSR):
        kern = _kernels()
    else:
        kern = _kernels() if H2.nnz >= THREADED_MIN_NNZ and threads != 1 else None
    if kern is None:
        if isinstance(H2, CodedCSR):  # pragma: no cover - coded_csr needs numba too
            raise RuntimeError("a CodedCSR product needs numba")
        np.negative(pv, out=ov)
        csr_accumulate(H2, xv, ov)
        return
    from ssbattery.quantum.evolution.fused import numba_threads

    with numba_threads(threads):
        step, step1, coded_step, coded_step1, _ = kern
        one = xv.shape[1] == 1
        x1, p1, o1 = xv.reshape(-1), pv.reshape(-1), ov.reshape(-1)
        if isinstance(H2, CodedCSR):
            args = (H2.indptr, H2.indices, H2.codes, H2.table, H2.diag)
            if one:
                coded_step1(*args, x1, p1, o1)
            else:
                coded_step(*args, xv, pv, ov)
        elif one:
            step1(H2.indptr, H2.indices, H2.data, x1, p1, o1)
        else:
            step(H2.indptr, H2.indices, H2.data, xv, pv, ov)
