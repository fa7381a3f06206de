"""The compiled transforms of :mod:`ssbattery.quantum.chain_pauli` (a module of its own so
that Numba caches them on disk; imported only when a product is asked for).

Layout: x, prev and out are complex vectors as their real views (flat index 2s + re/im, s
the bit string); the two work vectors hold each tile of 2^L entries as two planes (its
real parts, then its imaginary parts), so that a multiplication by i is a change of planes
and every level is a contiguous loop; a level of state bit k pairs the entries 2^k apart.
Three butterfly kinds: 0: W, (a, b) → (a + b, a − b); 1: Q = (H S†) per qubit,
(a − ib, a + ib); 2: Q† = S H, (a + b, i(a − b)); all unnormalised (√2 per qubit and level)."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["backward", "forward", "middle", "zz_table"]

_inner = numba.njit(fastmath=True, cache=True)
# the butterflies and the short loops over slices inlined at numba's level (no call and no
# reference counting per block of a short level; each call with a constant kind)
_scalar = numba.njit(fastmath=True, cache=True, inline="always")
_par = numba.njit(parallel=True, fastmath=True, cache=True)


@_scalar
def bf(kind, ar, ai, br, bi):
    # one level on (a, b): W (a + b, a − b), Q (a − ib, a + ib), Q† (a + b, i(a − b))
    if kind == 0:
        return ar + br, ai + bi, ar - br, ai - bi
    if kind == 1:
        return ar + bi, ai - br, ar - bi, ai + br
    return ar + br, ai + bi, bi - ai, ar - br


@_scalar
def pair(re, im, o, h, kind):
    # one level on the entries o + [0, h) and o + h + [0, h) of both planes (unsigned
    # indices: no negative-index wraparound, contiguous loops, no slices to count)
    for k in range(h):
        i = o + k
        j = i + h
        re[i], im[i], re[j], im[j] = bf(kind, re[i], im[i], re[j], im[j])


@_scalar
def quad4(kind, x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i):
    # two levels on (x0, x1, x2, x3): bit k pairs (0, 1), (2, 3); bit k + 1 (0, 2), (1, 3)
    y0r, y0i, y1r, y1i = bf(kind, x0r, x0i, x1r, x1i)
    y2r, y2i, y3r, y3i = bf(kind, x2r, x2i, x3r, x3i)
    z0r, z0i, z2r, z2i = bf(kind, y0r, y0i, y2r, y2i)
    z1r, z1i, z3r, z3i = bf(kind, y1r, y1i, y3r, y3i)
    return z0r, z0i, z1r, z1i, z2r, z2i, z3r, z3i


@_scalar
def quad_plane(p, o, h):
    # two levels of W on one plane at o + [0, h), …, o + 3h + [0, h) (unsigned indices)
    for k in range(h):
        i = o + k
        j = i + h
        m = j + h
        q = m + h
        s0 = p[i] + p[j]
        s1 = p[i] - p[j]
        s2 = p[m] + p[q]
        s3 = p[m] - p[q]
        p[i] = s0 + s2
        p[j] = s1 + s3
        p[m] = s0 - s2
        p[q] = s1 - s3


@_inner
def low_quad(re, im, kind):
    # state bits 0 and 1 on blocks of 4 entries, written out
    for c in range(re.size // 4):
        er = re[4 * c : 4 * c + 4]
        ei = im[4 * c : 4 * c + 4]
        if kind == 0:
            v = quad4(0, er[0], ei[0], er[1], ei[1], er[2], ei[2], er[3], ei[3])
        elif kind == 1:
            v = quad4(1, er[0], ei[0], er[1], ei[1], er[2], ei[2], er[3], ei[3])
        else:
            v = quad4(2, er[0], ei[0], er[1], ei[1], er[2], ei[2], er[3], ei[3])
        er[0], ei[0], er[1], ei[1], er[2], ei[2], er[3], ei[3] = v


@_inner
def levels(re, im, k, nlev, kind):
    # state bits k (and k + 1 with nlev 2) on the planes re, im of one contiguous region:
    # W two levels at a time on each plane, Q and Q† (which mix the planes) one level at a
    # time (two at a time on both planes measured slower: 0.61 against 0.57 s per product
    # at N = 24, q11j)
    if k == 0 and nlev == 2:
        low_quad(re, im, kind)
        return
    n = np.uint64(re.size)
    h = np.uint64(1) << np.uint64(k)
    if kind == 0 and nlev == 2:
        for c in range(n // (np.uint64(4) * h)):
            quad_plane(re, np.uint64(4) * h * c, h)
            quad_plane(im, np.uint64(4) * h * c, h)
        return
    for j in range(nlev):
        hj = h << np.uint64(j)
        for c in range(n // (np.uint64(2) * hj)):
            pair(re, im, np.uint64(2) * hj * c, hj, kind)


@_inner
def transform(re, im, src, k0, k1, kind, l1):
    # levels k0 … k1 − 1 on the planes re, im; those below l1 in blocks of 2^l1 entries
    # (L1), each block first copied from the interleaved src (when given), then the rest
    kmid = min(max(k0, l1), k1)
    blk = min(1 << l1, re.size)
    for c in range(re.size // blk):
        sr = re[c * blk : (c + 1) * blk]
        si = im[c * blk : (c + 1) * blk]
        if src.size:
            s = src[2 * c * blk : 2 * (c + 1) * blk]
            for k in range(blk):
                sr[k] = s[2 * k]
                si[k] = s[2 * k + 1]
        k = k0
        while k < kmid:
            nl = 2 if k + 1 < kmid else 1
            levels(sr, si, k, nl, kind)
            k += nl
    k = kmid
    while k < k1:
        nl = 2 if k + 1 < k1 else 1
        levels(re, im, k, nl, kind)
        k += nl


@_par
def forward(x, U, V, L, l1):
    # pass A: the low-bit W and Q of x (interleaved) into U and V (planar per tile)
    T = 1 << L
    for t in numba.prange(x.size // (2 * T)):
        o = 2 * T * t
        xs = x[o : o + 2 * T]
        transform(U[o : o + T], U[o + T : o + 2 * T], xs, 0, L, 0, l1)
        transform(V[o : o + T], V[o + T : o + 2 * T], xs, 0, L, 1, l1)


@_scalar
def gather(U, bre, bim, T, R, W, c0, back):
    # the panel's planes ↔ column c0 … c0 + W of every row (tile) of U
    for r in range(R):
        g = U[2 * T * r + c0 : 2 * T * r + c0 + W]
        h = U[2 * T * r + T + c0 : 2 * T * r + T + c0 + W]
        pr = bre[r * W : r * W + W]
        pi = bim[r * W : r * W + W]
        if back:
            for k in range(W):
                g[k] = pr[k]
                h[k] = pi[k]
        else:
            for k in range(W):
                pr[k] = g[k]
                pi[k] = h[k]


@_par
def middle(U, V, Z, cy, flo, fhi, n, L, w, l1, nth):
    # pass B: per panel (column c0 … c0 + 2^w of every row), the high-bit transforms,
    # D_x (U) and D_y (V), and the inverse high-bit transforms
    T = 1 << L
    R = 1 << (n - L)
    W = 1 << w
    nb = T >> w
    P = R * W
    for th in numba.prange(nth):
        ur = np.empty(P)
        ui = np.empty(P)
        vr = np.empty(P)
        vi = np.empty(P)
        none = np.zeros(0)
        for cb in range(th * nb // nth, (th + 1) * nb // nth):
            c0 = cb * W
            gather(U, ur, ui, T, R, W, c0, False)
            gather(V, vr, vi, T, R, W, c0, False)
            transform(ur, ui, none, w, w + n - L, 0, l1)
            transform(vr, vi, none, w, w + n - L, 1, l1)
            fl = flo[c0 : c0 + W]
            for r in range(R):
                # D_x and D_y, few pointers per loop (each vectorises)
                fr = fhi[r]
                z = Z[r * T + c0 : r * T + c0 + W]
                for p in (ur, ui):
                    a = p[r * W : r * W + W]
                    for k in range(W):
                        a[k] *= cy * z[k] + fl[k] + fr
                for p in (vr, vi):
                    a = p[r * W : r * W + W]
                    for k in range(W):
                        a[k] *= cy * z[k]
            transform(ur, ui, none, w, w + n - L, 0, l1)
            transform(vr, vi, none, w, w + n - L, 2, l1)
            gather(U, ur, ui, T, R, W, c0, True)
            gather(V, vr, vi, T, R, W, c0, True)


@_par
def backward(x, prev, out, U, V, Z, cz, c0, extra, L, l1, fwd):
    # pass C: the low-bit inverse transforms of U and V, plus D_z x (− prev), interleaved;
    # with fwd, also the next product's pass A on each out tile while it is in cache
    T = 1 << L
    none = np.zeros(0)
    for t in numba.prange(x.size // (2 * T)):
        o = 2 * T * t
        ur = U[o : o + T]
        ui = U[o + T : o + 2 * T]
        vr = V[o : o + T]
        vi = V[o + T : o + 2 * T]
        transform(ur, ui, none, 0, L, 0, l1)
        transform(vr, vi, none, 0, L, 2, l1)
        xt = x[o : o + 2 * T]
        ot = out[o : o + 2 * T]
        zt = Z[T * t : T * t + T]
        # U + V + D_z x in U's planes, then interleaved into out (− prev); few pointers
        # per loop (each vectorises)
        for k in range(T):
            ur[k] += vr[k] + (cz * zt[k] + c0) * xt[2 * k]
        for k in range(T):
            ui[k] += vi[k] + (cz * zt[k] + c0) * xt[2 * k + 1]
        if extra.size:
            et = extra[T * t : T * t + T]
            for k in range(T):
                ur[k] += et[k] * xt[2 * k]
            for k in range(T):
                ui[k] += et[k] * xt[2 * k + 1]
        if prev.size:
            pt = prev[o : o + 2 * T]
            for k in range(T):
                ot[2 * k] = ur[k] - pt[2 * k]
                ot[2 * k + 1] = ui[k] - pt[2 * k + 1]
        else:
            for k in range(T):
                ot[2 * k] = ur[k]
                ot[2 * k + 1] = ui[k]
        if fwd:
            transform(ur, ui, ot, 0, L, 0, l1)
            transform(vr, vi, ot, 0, L, 1, l1)


@numba.njit(parallel=True, cache=True)
def zz_table(n, L, gi, gj, gv, out):
    # out[s] = Σ_(i<j) g_ij z_i z_j with s = hi·2^L + lo: the pairs inside lo (a table
    # of 2^L), inside hi, and across as Σ_(i<L) z_i(lo) C_i(hi), C_i = Σ_(j≥L) g_ij z_j
    # (hi), from two tables over the low and the high half of lo
    nlo = 1 << L
    tlo = np.zeros(nlo)
    for lo in numba.prange(nlo):
        acc = 0.0
        for t in range(gi.size):
            if gj[t] < L:
                zi = 1.0 - 2.0 * ((lo >> gi[t]) & 1)
                zj = 1.0 - 2.0 * ((lo >> gj[t]) & 1)
                acc += gv[t] * zi * zj
        tlo[lo] = acc
    a = L // 2
    for hi in numba.prange(1 << (n - L)):
        s_hi = hi << L
        th = 0.0
        C = np.zeros(L)
        for t in range(gi.size):
            zj = 1.0 - 2.0 * ((s_hi >> gj[t]) & 1)
            if gi[t] >= L:
                th += gv[t] * (1.0 - 2.0 * ((s_hi >> gi[t]) & 1)) * zj
            elif gj[t] >= L:
                C[gi[t]] += gv[t] * zj
        A = np.zeros(1 << a)
        for m in range(1 << a):
            for i in range(a):
                A[m] += (1.0 - 2.0 * ((m >> i) & 1)) * C[i]
        B = np.zeros(1 << (L - a))
        for m in range(1 << (L - a)):
            for i in range(L - a):
                B[m] += (1.0 - 2.0 * ((m >> i) & 1)) * C[a + i]
        for mb in range(1 << (L - a)):
            base = s_hi + (mb << a)
            for ma in range(1 << a):
                out[base + ma] = tlo[(mb << a) + ma] + th + A[ma] + B[mb]


par = numba.njit(parallel=True, fastmath=True, cache=True)
