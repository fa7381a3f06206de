"""The compiled Miller recurrence of :func:`~.chebyshev.bessel_table` (a module of its own
so that Numba caches it on disk and is imported only when a table is asked for).

Why compiled: the NumPy form runs ~6 array operations per order, each on a handful of
arguments, and so cost 1.1 ms for the 41 × 120 table of a small open-battery run (the
same table here: ~10 µs), more than the whole propagation of such a run."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["miller_table"]


@numba.njit(cache=True, nogil=True)
def miller_table(x, K, start):  # pragma: no cover - compiled
    """J_k(x_i), k < K, by Miller's backward recurrence from order ``start`` (even),
    normalised by J_0 + 2 Σ J_2k = 1; rescaled above 1e150 every 4 orders. Shape (n, K).

    The orders run in the outer loop and the arguments in the inner one, so that the n
    independent recurrences overlap in the pipeline (one recurrence is a chain of
    dependent multiply-subtracts): the same operations on each x, so the same numbers,
    in about half the time for the small tables of the open battery."""
    n = x.size
    out = np.zeros((n, K))
    big = 1e150
    two_over_x = 2.0 / x
    j_next = np.zeros(n)
    j_cur = np.full(n, 1e-300)
    norm = np.zeros(n)
    for k in range(start, 0, -1):
        even = k % 2 == 0
        for i in range(n):
            j_prev = k * two_over_x[i] * j_cur[i] - j_next[i]
            if even:
                norm[i] += 2.0 * j_cur[i]
            j_next[i] = j_cur[i]
            j_cur[i] = j_prev
        if k < K:
            for i in range(n):
                out[i, k] = j_next[i]
        if k % 4 == 0:
            for i in range(n):
                if abs(j_cur[i]) > big:
                    j_cur[i] /= big
                    j_next[i] /= big
                    norm[i] /= big
                    for q in range(k, K):
                        out[i, q] /= big
    for i in range(n):
        out[i, 0] = j_cur[i]
        norm[i] += j_cur[i]
        for q in range(K):
            out[i, q] /= norm[i]
    return out
