"""The spin chain's Hamiltonians as streaming passes over the full 2^N space (bit offsets).

:class:`~ssbattery.quantum.chain_operator.ChainOperator` works on the reflection × flip
sectors (half the states of the open chain), but each of its terms reads a lookup entry and
then a vector entry at a scattered place (a reflected representative lies far away in
memory): at N = 24 a product is bound by DRAM latency (≈ 3 ns per term).
:class:`StreamOperator` drops the symmetry sectors. In the full space the basis index *is*
the bit string s (bit i set: spin i up), and every term of

    H = D + Σ_i f_i σx_i + Σ_(i<j) p_ij (σ+_iσ−_j + h.c.)       (eqs. 11, 14)

reads its partner at a fixed XOR offset: σx_i couples s and s XOR 2^i, the flip-flop of
(i, j) couples s and s XOR (2^i + 2^j) when the two bits differ. (The spin flip alone would
not reduce the work: |↓…↓⟩ has weight ½ in each flip parity and BΣσz couples them, so both
parities, 2 × 2^(N−1) = 2^N states, are evolved; with both kept, the full space has the same
states and needs neither a sign for the top bit nor a lookup.) A product is a set of
streaming, SIMD-vectorised passes, cache-blocked: the vector is cut into tiles of 2^L
doubles, each output tile stays in cache while every term adds into it; a term on the tile's
low bits pairs runs of the same tile, a term on a higher bit reads the partner tile at a
fixed offset in one contiguous stream (numba threads over tiles, no tile written twice).
The diagonal D (the ZZ couplings, one float per string) is stored.

A complex vector is applied as its real view (H is real): the state index moves up one
bit, the lowest bit of the flat index selects the real or the imaginary part. The Chebyshev
recurrence T_{k+1} = H2·T_k − T_{k−1} runs in the same pass (:meth:`StreamOperator.
recurrence_step`), as :class:`~ssbattery.quantum.evolution.Chebyshev` calls it.

Written here because neither QuSpin's nor QuTiP's operators apply the Hamiltonian without
storing it or its index structure, and scipy's CSR product streams 12 bytes per entry; the
cost per product against both is in benchmarks/RESULTS_spin_chain_scale.md.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.chain_operator import _Products
from ssbattery.quantum.evolution.fused import numba_threads

__all__ = ["DEFAULT_TILE_BITS", "StreamOperator", "stream_operator"]

#: log2 of the tile length in doubles, on one thread and on more (None: by the threads of
#: the call). Measured at N = 24 (benchmarks/bench_chain_products.py through bench.sh, two
#: runs): on one thread tiles of 2^13 doubles (64 KiB) are the faster (complex product 634
#: vs 662–803 ms), on two threads tiles of 2^10 (370–448 vs 728–746 ms; larger tiles there
#: made the second thread a loss).
DEFAULT_TILE_BITS = {1: 13, 2: 10}

#: Below this many flat entries a product runs on one thread (thread start-up dominates).
_THREADED_MIN_ENTRIES = 1 << 15


@functools.cache
def _kernels() -> Any:
    """Compile the numba kernels once."""
    import numba

    # Inner loops over slices indexed by the range variable only: numba then emits no
    # negative-index wraparound and LLVM vectorises them (offsets inside the index do not).
    @numba.njit(fastmath=True, inline="always")
    def axpy(o, x, f):
        for k in range(o.size):
            o[k] += f * x[k]

    @numba.njit(fastmath=True, inline="always")
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
        else:
            for c in range(nb):
                lo = 2 * h * c
                axpy(o[lo : lo + h], x[lo + h : lo + 2 * h], f)
                axpy(o[lo + h : lo + 2 * h], x[lo : lo + h], f)

    @numba.njit(fastmath=True, inline="always")
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

    @numba.njit(fastmath=True)
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
            if hj < T:
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

    threaded = numba.njit(parallel=True, fastmath=True)(apply)
    serial = numba.njit(parallel=False, fastmath=True)(apply)
    expect_threaded = numba.njit(parallel=True, fastmath=True)(expect)
    expect_serial = numba.njit(parallel=False, fastmath=True)(expect)

    @numba.njit(parallel=True, cache=True)
    def zz_diagonal(n_states, bit_i, bit_j, amp, out):
        # −¼ Σ g_ij z_i z_j with z_i z_j = 1 − 2 [bits i and j differ]
        for s in numba.prange(n_states):
            acc = 0.0
            for t in range(bit_i.size):
                differ = ((s >> bit_i[t]) ^ (s >> bit_j[t])) & 1
                acc += amp[t] * (1.0 - 2.0 * differ)
            out[s] = acc

    return threaded, serial, zz_diagonal, expect_threaded, expect_serial


_NONE_I = np.zeros(0, np.int64)
_NONE_F = np.zeros(0)


class StreamOperator(_Products):
    """A real symmetric chain Hamiltonian on the full 2^N space, applied in streaming passes.

    H = D + Σ_i f_i σx_i + Σ_(i<j) p_ij (σ+_iσ−_j + h.c.) with the diagonal D stored (one
    float per bit string; None: zero), in the basis of
    :func:`~ssbattery.quantum.chain_basis.chain_basis` without symmetries (index = bit
    string, bit i set = spin i up), as :func:`~ssbattery.quantum.spin_chain.build_operators`
    with ``symmetric=False``. Build it with :func:`stream_operator`; ``H @ x`` takes (n,)
    or (n, m) arrays, real or complex.
    """

    def __init__(
        self,
        n_sites: int,
        diag: NDArray[np.float64] | None,
        flips: tuple[NDArray[np.int64], NDArray[np.float64]],
        pairs: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
        threads: int | None = None,
        tile_bits: int | None = None,
    ) -> None:
        self.n_sites = int(n_sites)
        dim = 1 << self.n_sites
        if diag is not None and diag.shape != (dim,):
            raise InvalidParameterError(f"the diagonal must have {dim} entries, got {diag.shape}.")
        self._diag = diag
        self._flips = flips
        self._pairs = pairs
        self.threads = threads
        self.tile_bits = None if tile_bits is None else int(tile_bits)
        if self.tile_bits is not None and not 1 <= self.tile_bits <= 30:
            raise InvalidParameterError(f"`tile_bits` must be in 1 … 30, got {tile_bits!r}.")
        self.shape = (dim, dim)
        self.dtype = np.dtype(np.float64)

    @property
    def table_bytes(self) -> int:
        """Memory held by the operator (its diagonal)."""
        return 0 if self._diag is None else int(self._diag.nbytes)

    def scaled(self, shift: float, scale: float) -> StreamOperator:
        """(H − shift)·scale (a new diagonal; the term lists are small)."""
        d = np.zeros(self.shape[0]) if self._diag is None else self._diag
        flips = (self._flips[0], self._flips[1] * scale)
        pairs = (self._pairs[0], self._pairs[1], self._pairs[2] * scale)
        return StreamOperator(
            self.n_sites, (d - shift) * scale, flips, pairs, self.threads, self.tile_bits
        )

    def without_flips(self) -> StreamOperator:
        """This H without its transverse flips (H_g from H_charge), sharing the diagonal."""
        return StreamOperator(
            self.n_sites, self._diag, (_NONE_I, _NONE_F), self._pairs, self.threads, self.tile_bits
        )

    def flips_only(self, amplitude: float = 1.0) -> StreamOperator:
        """``amplitude``·Σσx on the same space (no diagonal stored)."""
        n = self.n_sites
        flips = (np.arange(n, dtype=np.int64), np.full(n, float(amplitude)))
        none = (_NONE_I, _NONE_I, _NONE_F)
        return StreamOperator(n, None, flips, none, self.threads, self.tile_bits)

    def plus_diagonal(self, extra: NDArray[np.float64]) -> StreamOperator:
        """This H + diag(``extra``) (e.g. H0 = H_g + BΣσz from H_g, eq. 13): a new diagonal."""
        d = np.zeros(self.shape[0]) if self._diag is None else self._diag
        return StreamOperator(
            self.n_sites, d + extra, self._flips, self._pairs, self.threads, self.tile_bits
        )

    def expect(self, psi: NDArray) -> NDArray[np.float64]:
        """⟨ψ|H|ψ⟩ for a ket (n,) or each column of (n, m), in one reduction pass: every
        output tile of Hψ is formed in a cache-sized buffer and dotted with ψ's tile at once
        (H real: ⟨ψ|H|ψ⟩ = Σ_k x_k (H x)_k over the real view x), so Hψ is never stored."""
        arr = np.asarray(psi)
        cols = arr.reshape(self.shape[0], -1)
        vals = np.empty(cols.shape[1])
        with numba_threads(self.threads):
            for c in range(cols.shape[1]):
                vals[c] = self._expect_one(np.ascontiguousarray(cols[:, c]))
        return np.asarray(vals[0]) if arr.ndim == 1 else vals

    def _expect_one(self, x: NDArray) -> float:
        import numba

        q = 1 if np.iscomplexobj(x) else 0
        xf = x.view(np.float64) if q else x
        many = xf.size >= _THREADED_MIN_ENTRIES and numba.get_num_threads() > 1
        kern = _kernels()[3 if many else 4]
        bits = self.tile_bits or DEFAULT_TILE_BITS[2 if many else 1]
        diag = _NONE_F if self._diag is None else self._diag
        return float(kern(xf, q, diag, bits, *self._flips, *self._pairs))

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        """out = H x (− prev) for one contiguous vector (real, or complex as its real view)."""
        q = 1 if np.iscomplexobj(x) else 0
        xf = x.view(np.float64) if q else x
        of = out.view(np.float64) if q else out
        pf = _NONE_F if prev is None else (prev.view(np.float64) if q else prev)
        import numba

        threaded, serial = _kernels()[:2]
        many = xf.size >= _THREADED_MIN_ENTRIES and numba.get_num_threads() > 1
        kern = threaded if many else serial
        bits = self.tile_bits or DEFAULT_TILE_BITS[2 if many else 1]
        diag = _NONE_F if self._diag is None else self._diag
        kern(xf, pf, of, q, diag, bits, *self._flips, *self._pairs)


def stream_operator(
    n_sites: int,
    couplings: NDArray[np.float64],
    *,
    transverse: float = 0.0,
    anisotropy: float = 1.0,
    zz: bool = True,
    threads: int | None = None,
    tile_bits: int | None = None,
) -> StreamOperator:
    """H_g + ``transverse``·Σσx (eqs. 11, 14) on the full 2^N space, as streaming passes.

    Args:
        n_sites: N (the space has 2^N bit strings).
        couplings: g_ij (N × N, upper triangle used, as
            :func:`~ssbattery.quantum.spin_chain.couplings`).
        transverse: ω of the charging field (0: no transverse flips).
        anisotropy: α (0: no flip-flops).
        zz: include the diagonal −¼ Σ g_ij σz_iσz_j.
        threads: numba threads of the products (None: numba's setting).
        tile_bits: log2 of the cache tile in doubles (None: :data:`DEFAULT_TILE_BITS` by
            the threads of each product).

    Example:
        >>> import numpy as np
        >>> X = stream_operator(3, np.zeros((3, 3)), transverse=1.0)
        >>> float(X.expect(np.full(8, 8**-0.5)))  # |+++⟩: ⟨Σσx⟩ = 3
        3.0
    """
    n = int(n_sites)
    if not 1 <= n <= 30:
        raise InvalidParameterError(f"`n_sites` must be in 1 … 30, got {n_sites!r}.")
    G = np.asarray(couplings, dtype=float)
    if G.shape != (n, n):
        raise InvalidParameterError(f"`couplings` must be {n} × {n}, got shape {G.shape}.")
    i, j = np.nonzero(np.triu(G, 1))
    g = G[i, j]
    diag = None
    if zz and i.size:
        diag = np.empty(1 << n)
        _kernels()[2](1 << n, i.astype(np.int64), j.astype(np.int64), -0.25 * g, diag)
    if transverse:
        flips = (np.arange(n, dtype=np.int64), np.full(n, float(transverse)))
    else:
        flips = (_NONE_I, _NONE_F)
    if anisotropy != 0.0 and i.size:
        pairs = (i.astype(np.int64), j.astype(np.int64), -0.5 * float(anisotropy) * g)
    else:
        pairs = (_NONE_I, _NONE_I, _NONE_F)
    return StreamOperator(n, diag, flips, pairs, threads, tile_bits)
