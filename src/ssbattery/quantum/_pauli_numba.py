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
def pair(ar, ai, br, bi, kind):
    # one level on the entries a and b of both planes, each half given as its own slice:
    # LLVM vectorises a loop over distinct views, not one over a single array at two
    # indices (on the Intel host, 0.8 against 1.7 cycles per entry, q11l)
    for k in range(ar.size):
        ar[k], ai[k], br[k], bi[k] = bf(kind, ar[k], ai[k], br[k], bi[k])


@_scalar
def quad4(kind, x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i):
    # two levels on (x0, x1, x2, x3): bit k pairs (0, 1), (2, 3); bit k + 1 (0, 2), (1, 3)
    y0r, y0i, y1r, y1i = bf(kind, x0r, x0i, x1r, x1i)
    y2r, y2i, y3r, y3i = bf(kind, x2r, x2i, x3r, x3i)
    z0r, z0i, z2r, z2i = bf(kind, y0r, y0i, y2r, y2i)
    z1r, z1i, z3r, z3i = bf(kind, y1r, y1i, y3r, y3i)
    return z0r, z0i, z1r, z1i, z2r, z2i, z3r, z3i


@_scalar
def quad_plane(p0, p1, p2, p3):
    # two levels of W on one plane, its four quarters given as slices
    for k in range(p0.size):
        s0 = p0[k] + p1[k]
        s1 = p0[k] - p1[k]
        s2 = p2[k] + p3[k]
        s3 = p2[k] - p3[k]
        p0[k] = s0 + s2
        p1[k] = s1 + s3
        p2[k] = s0 - s2
        p3[k] = s1 - s3


@_scalar
def quad_planes(x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i, kind):
    # two levels of Q or Q† on both planes, each quarter given as a slice
    for k in range(x0r.size):
        v = quad4(kind, x0r[k], x0i[k], x1r[k], x1i[k], x2r[k], x2i[k], x3r[k], x3i[k])
        x0r[k], x0i[k], x1r[k], x1i[k], x2r[k], x2i[k], x3r[k], x3i[k] = v


@_inner
def low_eight(re, im, kind):
    # state bits 0, 1 and 2 on blocks of 8 entries, written out (constant offsets from one
    # index: LLVM vectorises them as an interleaved group)
    for c in range(re.size // 8):
        o = 8 * c
        a = quad4(
            kind, re[o], im[o], re[o + 1], im[o + 1], re[o + 2], im[o + 2], re[o + 3], im[o + 3]
        )
        b = quad4(
            kind,
            re[o + 4],
            im[o + 4],
            re[o + 5],
            im[o + 5],
            re[o + 6],
            im[o + 6],
            re[o + 7],
            im[o + 7],
        )
        re[o], im[o], re[o + 4], im[o + 4] = bf(kind, a[0], a[1], b[0], b[1])
        re[o + 1], im[o + 1], re[o + 5], im[o + 5] = bf(kind, a[2], a[3], b[2], b[3])
        re[o + 2], im[o + 2], re[o + 6], im[o + 6] = bf(kind, a[4], a[5], b[4], b[5])
        re[o + 3], im[o + 3], re[o + 7], im[o + 7] = bf(kind, a[6], a[7], b[6], b[7])


@_inner
def levels(re, im, k, nlev, kind):
    # state bits k (and k + 1 with nlev 2) on the planes re, im of one contiguous region,
    # two levels at a time (radix 4) on slices: 0.23 against 0.33 ms per 2^16-entry tile
    # for the 16 low levels of Q on the Intel host (q11l)
    n = re.size
    h = 1 << k
    if nlev == 2:
        for c in range(n // (4 * h)):
            o = 4 * h * c
            a, b, d, e = o, o + h, o + 2 * h, o + 3 * h
            if kind == 0:
                quad_plane(re[a:b], re[b:d], re[d:e], re[e : e + h])
                quad_plane(im[a:b], im[b:d], im[d:e], im[e : e + h])
            else:
                quad_planes(
                    re[a:b],
                    im[a:b],
                    re[b:d],
                    im[b:d],
                    re[d:e],
                    im[d:e],
                    re[e : e + h],
                    im[e : e + h],
                    kind,
                )
        return
    for c in range(n // (2 * h)):
        o = 2 * h * c
        pair(re[o : o + h], im[o : o + h], re[o + h : o + 2 * h], im[o + h : o + 2 * h], kind)


@_inner
def run_levels(re, im, k, k1, kind):
    # levels k … k1 − 1 on one contiguous region: bits 0–2 together, then two at a time
    if k == 0 and k1 >= 3:
        low_eight(re, im, kind)
        k = 3
    while k < k1:
        nl = 2 if k + 1 < k1 else 1
        levels(re, im, k, nl, kind)
        k += nl


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
        run_levels(sr, si, k0, kmid, kind)
    run_levels(re, im, kmid, k1, kind)


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
