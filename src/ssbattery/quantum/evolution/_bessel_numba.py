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
    normalised by J_0 + 2 Σ J_2k = 1; rescaled above 1e150 every 4 orders. Shape (n, K)."""
    n = x.size
    out = np.zeros((n, K))
    big = 1e150
    for i in range(n):
        two_over_x = 2.0 / x[i]
        j_next = 0.0
        j_cur = 1e-300
        norm = 0.0
        for k in range(start, 0, -1):
            j_prev = k * two_over_x * j_cur - j_next
            if k < K:
                out[i, k] = j_cur
            if k % 2 == 0:
                norm += 2.0 * j_cur
            j_next = j_cur
            j_cur = j_prev
            if k % 4 == 0 and abs(j_cur) > big:
                j_cur /= big
                j_next /= big
                norm /= big
                for q in range(k, K):
                    out[i, q] /= big
        out[i, 0] = j_cur
        norm += j_cur
        for q in range(K):
            out[i, q] /= norm
    return out
