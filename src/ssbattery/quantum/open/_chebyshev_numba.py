"""The compiled Chebyshev recurrence of :func:`~.propagate.propagate_chebyshev` for an
assembled real (CSR) generator, the real form of L on Hermitian states
(:meth:`~.liouvillian.PILiouvillian.real_form`): every term's sparse product, its
linear reduction and the accumulations of the few full states in one compiled loop, in
float64 throughout (a module of its own so that
Numba caches it on disk and is imported only when a small space needs it).

Why compiled: in a small space (a few thousand entries) one term's sparse product takes
a few µs, while the Python loop around it (the product's dispatch, the reduction, the
accumulations, the convergence check) took 15–20 µs per term, several times the
arithmetic."""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["chebyshev_segment", "expand_real_rows"]


@numba.njit(cache=True, nogil=True)
def _csr_matvec_add(indptr, indices, data, x, out):  # pragma: no cover - compiled
    """out += A x for the CSR matrix (indptr, indices, data)."""
    for i in range(indptr.size - 1):
        acc = 0.0
        for q in range(indptr[i], indptr[i + 1]):
            acc += data[q] * x[indices[q]]
        out[i] += acc


@numba.njit(cache=True, nogil=True)
def _reduce_into(r_indptr, r_indices, r_data, identity, x, out):  # pragma: no cover
    """out = P x (the reduction, a CSR matrix), or out = x where ``identity``."""
    if identity:
        out[:] = x
        return
    for i in range(r_indptr.size - 1):
        acc = 0.0
        for q in range(r_indptr[i], r_indptr[i + 1]):
            acc += r_data[q] * x[r_indices[q]]
        out[i] = acc


@numba.njit(cache=True, nogil=True)
def chebyshev_segment(
    indptr,
    indices,
    data,
    r_indptr,
    r_indices,
    r_data,
    identity,
    y,
    J,
    acc_rows,
    k_min,
    tol_abs,
    red,
    accs,
):  # pragma: no cover - compiled
    """The recurrence P_0 = y, P_1 = ½ S y, P_{k+1} = S P_k + P_{k−1} (S the CSR matrix),
    the reductions red[k] = P P_k and the accumulations accs[a] = Σ_k J[acc_rows[a], k] P_k
    (``J`` already doubled for k ≥ 1), stopped after ``k_min`` terms once the largest
    |J[:, k]| · ‖P_k‖ has stayed ≤ ``tol_abs`` for 4 terms. Returns (last k, status):
    0 converged, 1 the table ``J`` (or ``red``) ran out of columns, 2 not finite."""
    n = y.size
    n_j = J.shape[1]
    p_prev = y.copy()
    p_cur = np.zeros(n)
    _csr_matvec_add(indptr, indices, data, y, p_cur)
    for i in range(n):
        p_cur[i] *= 0.5
    _reduce_into(r_indptr, r_indices, r_data, identity, p_prev, red[0])
    _reduce_into(r_indptr, r_indices, r_data, identity, p_cur, red[1])
    for a in range(acc_rows.size):
        r = acc_rows[a]
        c0 = J[r, 0]
        c1 = J[r, 1]
        for i in range(n):
            accs[a, i] = c0 * p_prev[i] + c1 * p_cur[i]
    kk = 1
    quiet = 0
    while quiet < 4:
        kk += 1
        if kk >= n_j or kk >= red.shape[0]:
            return kk, 1
        # P_{k+1} = S P_k + P_{k−1}, written over P_{k−1}
        _csr_matvec_add(indptr, indices, data, p_cur, p_prev)
        tmp = p_prev
        p_prev = p_cur
        p_cur = tmp
        _reduce_into(r_indptr, r_indices, r_data, identity, p_cur, red[kk])
        for a in range(acc_rows.size):
            c = J[acc_rows[a], kk]
            for i in range(n):
                accs[a, i] += c * p_cur[i]
        if kk >= k_min:
            norm = 0.0
            for i in range(n):
                norm += p_cur[i] * p_cur[i]
            jmax = 0.0
            for r in range(J.shape[0]):
                jmax = max(jmax, abs(J[r, kk]))
            size = jmax * math.sqrt(norm)
            if not math.isfinite(size):
                return kk, 2
            quiet = quiet + 1 if size <= tol_abs else 0
    return kk, 0


@numba.njit(cache=True, nogil=True)
def expand_real_rows(
    X, re_rows, mirror_re, re_off, im_rows, im_mirror, size
):  # pragma: no cover - compiled
    """The complex flat states (rows) of the real vectors X[t] of
    :class:`~.liouvillian._RealForm`: ρ_ab = ρ_ba = x_re at (re_rows, mirror_re[re_off]),
    then ± i x_im at (im_rows, im_mirror); every other entry 0."""
    n_t = X.shape[0]
    n_re = re_rows.size
    out = np.zeros((n_t, size), dtype=np.complex128)
    for t in range(n_t):
        for i in range(n_re):
            out[t, re_rows[i]] = X[t, i]
        for q in range(re_off.size):
            out[t, mirror_re[q]] = X[t, re_off[q]]
        for i in range(im_rows.size):
            v = X[t, n_re + i]
            out[t, im_rows[i]] += 1j * v
            out[t, im_mirror[i]] -= 1j * v
    return out
