"""The compiled passes of :mod:`ssbattery.quantum.chain_stream` (a module of its own so
that Numba caches them on disk; imported only when a product is asked for).

They were closures built inside a function: Numba's disk cache keys a closure by the
pickled contents of its cells, which differ in every process, so each run compiled them
again (≈ 12 s per call of the N = 24 run, and a new cache file each time).

Vectors are real, or complex as their real views (``q`` = 1: flat index 2s + re/im);
the tiles, panels and the mirrored half are described in the module that uses them."""

from __future__ import annotations

import numba
import numpy as np

from ssbattery.quantum.evolution.fused import compiled_pair

__all__ = [
    "apply_serial",
    "apply_threaded",
    "expand",
    "expect_serial",
    "expect_threaded",
    "half_expect",
    "mirror_asymmetric",
    "panels_serial",
    "panels_threaded",
    "reduce",
    "symmetrize",
    "zz_diagonal",
]


# Inner loops over slices indexed by the range variable only: numba then emits no
# negative-index wraparound and LLVM vectorises them (offsets inside the index do not).
@numba.njit(fastmath=True, cache=True, inline="always")
def axpy(o, x, f):
    for k in range(o.size):
        o[k] += f * x[k]


@numba.njit(fastmath=True, cache=True, inline="always")
def swap_axpy(o, x, f, h):
    # within blocks of 2h: o[c + k] += f x[c + h + k] and o[c + h + k] += f x[c + k]
    nb = o.size // (2 * h)
    if h == 1:
        for c in range(nb):
            o[2 * c] += f * x[2 * c + 1]
            o[2 * c + 1] += f * x[2 * c]
    elif h == 2:
        for c in range(nb):
            o[4 * c] += f * x[4 * c + 2]
            o[4 * c + 1] += f * x[4 * c + 3]
            o[4 * c + 2] += f * x[4 * c]
            o[4 * c + 3] += f * x[4 * c + 1]
    elif h == 4:
        # short offsets written out on blocks (constant indices: LLVM packs them into
        # vector operations; a loop per 4 doubles cost more than its work)
        for c in range(nb):
            ob = o[8 * c : 8 * c + 8]
            xb = x[8 * c : 8 * c + 8]
            for k in range(4):
                ob[k] += f * xb[k + 4]
                ob[k + 4] += f * xb[k]
    elif h == 8:
        for c in range(nb):
            ob = o[16 * c : 16 * c + 16]
            xb = x[16 * c : 16 * c + 16]
            for k in range(8):
                ob[k] += f * xb[k + 8]
                ob[k + 8] += f * xb[k]
    else:
        for c in range(nb):
            lo = 2 * h * c
            axpy(o[lo : lo + h], x[lo + h : lo + 2 * h], f)
            axpy(o[lo + h : lo + 2 * h], x[lo : lo + h], f)


@numba.njit(fastmath=True, cache=True, inline="always")
def half_axpy(o, x, f, h, upper):
    # within blocks of 2h: o[c + so + k] += f x[c + sx + k], (so, sx) = (h, 0) or (0, h)
    nb = o.size // (2 * h)
    so = h * upper
    sx = h - so
    if h == 1:
        for c in range(nb):
            o[2 * c + so] += f * x[2 * c + sx]
    else:
        for c in range(nb):
            lo = 2 * h * c
            axpy(o[lo + so : lo + so + h], x[lo + sx : lo + sx + h], f)


@numba.njit(fastmath=True, cache=True)
def tile(x, prev, out, ob, q, diag, base, T, fb, fa, pi, pj, pa):
    # (H x)[base : base + T] (− prev) into out[ob : ob + T] (the output, or a buffer)
    o = out[ob : ob + T]
    xt = x[base : base + T]
    if diag.size:
        dq = diag[base >> q : (base + T) >> q]
        if q == 0:
            for k in range(T):
                o[k] = dq[k] * xt[k]
        else:
            for k in range(T // 2):
                o[2 * k] = dq[k] * xt[2 * k]
                o[2 * k + 1] = dq[k] * xt[2 * k + 1]
    else:
        for k in range(T):
            o[k] = 0.0
    if prev.size:
        pv = prev[base : base + T]
        for k in range(T):
            o[k] -= pv[k]
    for u in range(fb.size):
        h = 1 << (fb[u] + q)
        if h < T:
            swap_axpy(o, xt, fa[u], h)
        else:
            p = base ^ h
            axpy(o, x[p : p + T], fa[u])
    for u in range(pi.size):
        hi = 1 << (pi[u] + q)
        hj = 1 << (pj[u] + q)
        a = pa[u]
        if hi == 2 and hj == 4 and T >= 8:
            # the two lowest bits of a complex state (the blocks written out, as above)
            for c in range(T // 8):
                ob = o[8 * c : 8 * c + 8]
                xb = xt[8 * c : 8 * c + 8]
                ob[2] += a * xb[4]
                ob[3] += a * xb[5]
                ob[4] += a * xb[2]
                ob[5] += a * xb[3]
        elif hi == 4 and hj == 8 and T >= 16:
            for c in range(T // 16):
                ob = o[16 * c : 16 * c + 16]
                xb = xt[16 * c : 16 * c + 16]
                for k in range(4):
                    ob[k + 4] += a * xb[k + 8]
                    ob[k + 8] += a * xb[k + 4]
        elif hj < T:
            # both bits inside the tile: (i set, j clear) ↔ (i clear, j set)
            for c1 in range(T // (2 * hj)):
                b1 = 2 * hj * c1
                ob = o[b1 : b1 + 2 * hj]
                xb = xt[b1 : b1 + 2 * hj]
                if hi == 1:
                    for c2 in range(hj // 2):
                        ob[2 * c2 + 1] += a * xb[2 * c2 + hj]
                        ob[2 * c2 + hj] += a * xb[2 * c2 + 1]
                else:
                    for c2 in range(hj // (2 * hi)):
                        lo = 2 * hi * c2
                        axpy(ob[lo + hi : lo + 2 * hi], xb[lo + hj : lo + hj + hi], a)
                        axpy(ob[lo + hj : lo + hj + hi], xb[lo + hi : lo + 2 * hi], a)
        elif hi < T:
            # bit j fixed by the tile: the states whose bit i differs from it act
            p = base ^ hj
            half_axpy(o, x[p : p + T], a, hi, 1 if (base & hj) == 0 else 0)
        elif ((base & hi) != 0) != ((base & hj) != 0):
            p = base ^ (hi | hj)
            axpy(o, x[p : p + T], a)


def apply(x, prev, out, q, diag, bits, fb, fa, pi, pj, pa):
    T = min(1 << bits, x.size)
    for t in numba.prange(x.size // T):
        tile(x, prev, out, t * T, q, diag, t * T, T, fb, fa, pi, pj, pa)


def expect(x, q, diag, bits, fb, fa, pi, pj, pa):
    # Σ_k x_k (H x)_k tile by tile: each output tile in a cache-sized buffer, never stored
    T = min(1 << bits, x.size)
    nt = x.size // T
    acc = np.zeros(nt)
    none = np.zeros(0)
    for t in numba.prange(nt):
        buf = np.empty(T)
        base = t * T
        tile(x, none, buf, 0, q, diag, base, T, fb, fa, pi, pj, pa)
        xt = x[base : base + T]
        s = 0.0
        for k in range(T):
            s += buf[k] * xt[k]
        acc[t] = s
    return acc.sum()


def panels(x, out, rbits, w, bits, nth, fb, fa, pi, pj, pa):
    # out += H_high x, H_high acting on the row bits (flat bits ≥ rbits) only: the rows
    # of 2^rbits doubles are cut into columns of W = 2^w; each column of all rows is
    # gathered into a panel (row r at r·W), H_high applied there by tiles (the term
    # bits given relative to the rows, at panel offset w), and added back. Returns
    # Σ x·(H_high x) instead (out empty): the panel's reduction, nothing written.
    R = 1 << rbits
    rows = x.size >> rbits
    W = 1 << w
    nch = R >> w
    P = rows * W
    T = min(1 << bits, P)
    none = np.zeros(0)
    acc = np.zeros(nth)
    for th in numba.prange(nth):
        bx = np.empty(P)
        bo = np.empty(P)
        s = 0.0
        for ch in range(th * nch // nth, (th + 1) * nch // nth):
            a0 = ch * W
            for r in range(rows):
                src = x[r * R + a0 : r * R + a0 + W]
                dst = bx[r * W : r * W + W]
                for k in range(W):
                    dst[k] = src[k]
            for t in range(P // T):
                tile(bx, none, bo, t * T, w, none, t * T, T, fb, fa, pi, pj, pa)
            if out.size:
                for r in range(rows):
                    o = out[r * R + a0 : r * R + a0 + W]
                    b = bo[r * W : r * W + W]
                    for k in range(W):
                        o[k] += b[k]
            else:
                for k in range(P):
                    s += bx[k] * bo[k]
        acc[th] = s
    return acc.sum()


apply_threaded, apply_serial = compiled_pair(apply, fastmath=True)
expect_threaded, expect_serial = compiled_pair(expect, fastmath=True)
panels_threaded, panels_serial = compiled_pair(panels, fastmath=True)


@numba.njit(parallel=True, cache=True)
def zz_diagonal(n_states, bit_i, bit_j, amp, out):
    # −¼ Σ g_ij z_i z_j with z_i z_j = 1 − 2 [bits i and j differ]
    for s in numba.prange(n_states):
        acc = 0.0
        for t in range(bit_i.size):
            differ = ((s >> bit_i[t]) ^ (s >> bit_j[t])) & 1
            acc += amp[t] * (1.0 - 2.0 * differ)
        out[s] = acc


# Row c of the triangle holds side − c entries: the threads take the rows in pairs
# (c, side − 1 − c), equal work each (a plain split of the rows gave one thread 3/4).
@numba.njit(fastmath=True, cache=True, inline="always")
def rows(full, half, side, c, out):
    off = c * side - c * (c - 1) // 2
    row = full[c * side + c : (c + 1) * side]
    tri = half[off : off + side - c]
    if out:
        for k in range(side - c):
            tri[k] = row[k]
    else:
        for k in range(side - c):
            row[k] = tri[k]


@numba.njit(parallel=True, cache=True)
def reduce(full, half, side):
    for i in numba.prange((side + 1) // 2):
        rows(full, half, side, i, True)
        if side - 1 - i != i:
            rows(full, half, side, side - 1 - i, True)


@numba.njit(parallel=True, cache=True)
def expand(half, full, side):
    # the rows c ≤ a, then the mirror images a > c in blocks of B × B (cache-sized)
    for i in numba.prange((side + 1) // 2):
        rows(full, half, side, i, False)
        if side - 1 - i != i:
            rows(full, half, side, side - 1 - i, False)
    B = min(64, side)
    nb = side // B
    for i in numba.prange((nb + 1) // 2):
        for twin in range(2 if nb - 1 - i != i else 1):
            cb = nb - 1 - i if twin else i
            for ab in range(cb, nb):
                for a in range(ab * B, ab * B + B):
                    for c in range(cb * B, min(cb * B + B, a)):
                        full[a * side + c] = full[c * side + a]


@numba.njit(parallel=True, fastmath=True, cache=True)
def symmetrize(out, prev, side):
    # out = ½(out + outᵀ) − prev on the side × side matrix, in place, by B × B blocks
    # (both halves of each mirror pair read, then written: in place is safe); the
    # threads take the block rows in pairs (ib, nb − 1 − ib), equal work each
    B = min(32, side)
    nb = side // B
    sub = prev.size > 0
    for i in numba.prange((nb + 1) // 2):
        for twin in range(2 if nb - 1 - i != i else 1):
            ib = nb - 1 - i if twin else i
            for jb in range(ib, nb):
                for a in range(ib * B, ib * B + B):
                    c0 = a if jb == ib else jb * B
                    ra = a * side
                    for c in range(c0, jb * B + B):
                        w = 0.5 * (out[ra + c] + out[c * side + a])
                        if sub:
                            w -= prev[ra + c]
                        out[ra + c] = w
                        out[c * side + a] = w


@numba.njit(parallel=True, cache=True)
def mirror_asymmetric(d, side):
    # whether d (side × side, flat) differs from its transpose anywhere (beyond the
    # rounding of sums taken in another order)
    bad = np.zeros(side, np.bool_)
    for a in numba.prange(side):
        for c in range(a + 1, side):
            u, v = d[a * side + c], d[c * side + a]
            if abs(u - v) > 1e-12 * max(1.0, abs(u)):
                bad[a] = True
                break
    return bad.any()


@numba.njit(parallel=True, fastmath=True, cache=True)
def half_expect(half, side, diag, fb, fa):
    # Σ_(c,a) conj(X[c,a]) (D∘X + X L)[c,a], real part, for the symmetric X of a reflection-
    # even complex state given by its triangle as a real view (row c: a = c … side − 1, two
    # doubles each), L the flips fb (bits of a) with amplitudes fa, D = diag (side², or
    # empty). Rows in blocks of B assembled in a buffer (the entries a < c from B-entry
    # runs of the earlier triangle rows), so the full vector is never written: one read
    # of the half and of diag. Re(conj(p) r) = p_re r_re + p_im r_im: a flip of offset h
    # is a dot product of the real row with itself shifted by 2h doubles.
    B = min(16, side)
    nb = side // B
    w = 2 * side
    acc = np.zeros(nb)
    for ib in numba.prange(nb):
        c0 = ib * B
        # rows padded: a power-of-two stride would map a column's B entries to one cache set
        buf = np.empty((B, w + 16))
        for a in range(c0 + B):  # X[c0 + j, a] = X[a, c0 + j] for a < c0 + j
            off = 2 * (a * side - a * (a - 1) // 2 - a + c0)
            for j in range(max(0, a - c0 + 1), B):
                buf[j, 2 * a] = half[off + 2 * j]
                buf[j, 2 * a + 1] = half[off + 2 * j + 1]
        for j in range(B):
            c = c0 + j
            off = 2 * (c * side - c * (c - 1) // 2 - c)
            row = buf[j]
            for k in range(2 * c, w):
                row[k] = half[off + k]
        s = 0.0
        for j in range(B):
            x = buf[j, :w]
            if diag.size:
                d = diag[(c0 + j) * side : (c0 + j + 1) * side]
                for a in range(side):
                    s += d[a] * (x[2 * a] * x[2 * a] + x[2 * a + 1] * x[2 * a + 1])
            for u in range(fb.size):
                H = 2 << fb[u]  # doubles between partners
                t = 0.0
                # short offsets on blocks of constant indices (vectorised; a loop of H
                # doubles per block cost 3.5× more at N = 24)
                if H == 2:
                    for m in range(w // 4):
                        t += x[4 * m] * x[4 * m + 2] + x[4 * m + 1] * x[4 * m + 3]
                elif H == 4:
                    for m in range(w // 8):
                        xb = x[8 * m : 8 * m + 8]
                        for k in range(4):
                            t += xb[k] * xb[k + 4]
                elif H == 8:
                    for m in range(w // 16):
                        xb = x[16 * m : 16 * m + 16]
                        for k in range(8):
                            t += xb[k] * xb[k + 8]
                else:
                    for lo in range(0, w, 2 * H):
                        xa = x[lo : lo + H]
                        xc = x[lo + H : lo + 2 * H]
                        for k in range(H):
                            t += xa[k] * xc[k]
                s += 2.0 * fa[u] * t  # each pair (a, a + h) once, both of its terms
        acc[ib] = s
    return acc.sum()
