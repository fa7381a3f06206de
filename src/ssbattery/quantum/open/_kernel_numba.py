"""The compiled pass of :mod:`.kernel` (a module of its own so that Numba caches it on
disk and the package imports Numba only when a large space needs it)."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["lindblad_pass"]


@numba.njit(cache=True, nogil=True, inline="always")
def _add_shifted(out, row, y, srow, coef, scalar, n, k, nc, d, ds, dn, dk, parity):
    """out[row, c] += scalar · coef[c] · y[srow, c + δ] over the columns c ≥ r of row
    r = n d + k (r's parity class when ``parity``), δ = (dn, dk), source rows of width
    nc·ds: the ρH part (source row = r) and a jump's A ρ_s A† (source row r + δ)."""
    step = 2 if parity else 1
    hi = min(d, ds - dk)
    for n2 in range(n, nc):
        nn2 = n2 + dn
        if nn2 < 0 or nn2 >= nc:
            continue
        a = max(k if n2 == n else 0, -dk)
        if parity:
            a += (a + n + k + n2) % 2
        base, base2 = n2 * d, nn2 * ds + dk
        for k2 in range(a, hi, step):
            out[row + base + k2] += scalar * coef[base + k2] * y[srow + base2 + k2]


@numba.njit(cache=True, nogil=True)
def lindblad_pass(y, out, offs, dims, nc, diag, tgt, src, kind, dn, dk, coef, accumulate, parity):
    """out (+)= L y on the blocks of the flat Hermitian state ``y`` (see :mod:`.kernel`)."""
    # Only the upper triangle c ≥ r is computed (L keeps ρ Hermitian), then mirrored.
    n_blocks = dims.size
    ones = np.ones(nc * dims.max())
    step = 2 if parity else 1
    for b in range(n_blocks):
        d = dims[b]
        D = nc * d
        ob = offs[b]
        g = diag[b]
        mine = np.flatnonzero((tgt == b) & (kind >= 0))
        for r in range(D):
            n, k = r // d, r % d
            gr = g[r]
            row = ob + r * D  # start of row r of block b in y / out
            # columns c = n2 d + k2 ≥ r of the same coherence parity: k2 ≡ n + k + n2
            for n2 in range(n, nc):
                k0 = k if n2 == n else 0
                if parity:
                    k0 += (k0 + n + k + n2) % 2
                base = n2 * d
                for k2 in range(k0, d, step):
                    c = base + k2
                    v = (gr + np.conj(g[c])) * y[row + c]
                    if accumulate:
                        out[row + c] += v
                    else:
                        out[row + c] = v
            for t in mine:
                cr = coef[t, r]
                if kind[t] == 0:
                    # −i h_r ρ[r + δ, :]  and  + i ρ[r, c + δ] h_c
                    nn, kk = n + dn[t], k + dk[t]
                    if cr != 0.0 and 0 <= nn < nc and 0 <= kk < d:
                        srow = ob + (nn * d + kk) * D
                        _add_shifted(
                            out, row, y, srow, ones, -1j * cr, n, k, nc, d, d, 0, 0, parity
                        )
                    _add_shifted(
                        out, row, y, row, coef[t], 1j, n, k, nc, d, d, dn[t], dk[t], parity
                    )
                else:
                    if cr == 0.0:
                        continue
                    s = src[t]
                    ds = dims[s]
                    Ds = nc * ds
                    nn, kk = n + dn[t], k + dk[t]
                    if nn < 0 or nn >= nc or kk < 0 or kk >= ds:
                        continue
                    srow = offs[s] + (nn * ds + kk) * Ds
                    _add_shifted(
                        out, row, y, srow, coef[t], cr, n, k, nc, d, ds, dn[t], dk[t], parity
                    )
        # mirror the upper triangle, in tiles (the column writes stay in cache)
        B = 32
        for i0 in range(0, D, B):
            for j0 in range(i0, D, B):
                for r in range(i0, min(i0 + B, D)):
                    for c in range(max(j0, r + 1), min(j0 + B, D)):
                        out[ob + c * D + r] = np.conj(out[ob + r * D + c])
            for r in range(i0, min(i0 + B, D)):
                out[ob + r * D + r] = out[ob + r * D + r].real
