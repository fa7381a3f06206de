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

From 2^25 doubles on, a product runs in two passes (:class:`StreamOperator`, ``split``):
the terms on the low bits by tiles, whose partners then stay in cache, and those on the
top bits by panels gathered from every row. For an even chain, the sites can be relabelled
(:func:`mirrored_couplings`) so that the reflection swaps the two halves of a bit string;
a reflection-even state (the evolution from |↓…↓⟩ stays one) is then a symmetric matrix,
held exactly by its upper triangle (:class:`MirrorHalf`), and the Chebyshev engine keeps
its outputs in that half: twice the outputs per block at the same memory.

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

__all__ = [
    "DEFAULT_TILE_BITS",
    "PANEL_ROW_BITS",
    "PANEL_SIZE_BITS",
    "PANEL_TILE_BITS",
    "SPLIT_MIN_ENTRIES",
    "MirrorEvenOperator",
    "MirrorHalf",
    "StreamOperator",
    "mirrored_couplings",
    "stream_operator",
]

#: log2 of the tile length in doubles, on one thread and on more (None: by the threads of
#: the call). Measured at N = 24 (benchmarks/bench_chain_products.py through bench.sh, two
#: runs): on one thread tiles of 2^13 doubles (64 KiB) are the faster (complex product 634
#: vs 662–803 ms), on two threads tiles of 2^10 (370–448 vs 728–746 ms; larger tiles there
#: made the second thread a loss).
DEFAULT_TILE_BITS = {1: 13, 2: 10}

#: Below this many flat entries a product runs on one thread (thread start-up dominates).
_THREADED_MIN_ENTRIES = 1 << 15

#: From this many flat entries (doubles) on, a product runs in two passes (``split``
#: None): the terms on the low bits by tiles, those on the top :data:`PANEL_ROW_BITS` bits
#: by panels (see :class:`StreamOperator`). Measured at N = 24 (complex vectors, 2^25
#: doubles, two threads; benchmarks/probes/chain_stream_split.py through bench.sh,
#: RESULTS_spin_chain_scale.md): one pass 0.59 s, two passes with the top 6 bits by panels
#: 0.38–0.46 s, with the top 12 bits 0.58–0.79 s; at N = 22 one pass was the faster
#: (0.125 s against 0.15–0.20 s), so the split starts above it.
SPLIT_MIN_ENTRIES = 1 << 25

#: Bits run by panels (``split`` None: S = N − this): 2^6 rows per panel.
PANEL_ROW_BITS = 6

#: log2 of a panel in doubles (``panel_bits`` None: the column width that fills it):
#: 2^15 doubles, 256 KiB, with its output buffer one core's L2 cache.
PANEL_SIZE_BITS = 15

#: log2 of the tiles inside a panel, in doubles.
PANEL_TILE_BITS = 12


@functools.cache
def _kernels() -> Any:
    """The compiled passes (:mod:`ssbattery.quantum._stream_numba`, cached on disk)."""
    from ssbattery.quantum import _stream_numba as k

    return (
        k.apply_threaded,
        k.apply_serial,
        k.zz_diagonal,
        k.expect_threaded,
        k.expect_serial,
        k.panels_threaded,
        k.panels_serial,
    )


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

    Two passes for large vectors (``split`` S > 0, or None: S = N − :data:`PANEL_ROW_BITS`
    from :data:`SPLIT_MIN_ENTRIES` flat entries on): in one pass every term on a bit beyond
    the cache-resident tiles reads its partner tile from memory (at N = 24 some 15 of the
    36 terms per state, each a full vector's traffic). Instead the terms on bits < S (and
    those coupling both halves) run by tiles as above, whose partners then lie in the same
    2^(S+1) doubles (cache), and the terms on bits ≥ S run by panels: the vector is a
    matrix of 2^(N−S) rows of 2^S states, a column of 2^``panel_bits`` doubles of every
    row is gathered into a cache-resident panel, where those terms act at small offsets,
    and added back. Each vector is then read from memory about twice per product.
    """

    def __init__(
        self,
        n_sites: int,
        diag: NDArray[np.float64] | None,
        flips: tuple[NDArray[np.int64], NDArray[np.float64]],
        pairs: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
        threads: int | None = None,
        tile_bits: int | None = None,
        split: int | None = None,
        panel_bits: int | None = None,
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
        if split is not None and not 0 <= int(split) < self.n_sites:
            raise InvalidParameterError(
                f"`split` must be in 0 … {self.n_sites - 1} (0: one pass), got {split!r}."
            )
        if panel_bits is not None and not 0 <= int(panel_bits) <= 12:
            raise InvalidParameterError(f"`panel_bits` must be in 0 … 12, got {panel_bits!r}.")
        self.split = None if split is None else int(split)
        self.panel_bits = None if panel_bits is None else int(panel_bits)
        self.shape = (dim, dim)
        self.dtype = np.dtype(np.float64)

    def _options(self) -> dict[str, Any]:
        return {
            "threads": self.threads,
            "tile_bits": self.tile_bits,
            "split": self.split,
            "panel_bits": self.panel_bits,
        }

    def _passes(self, flat_size: int) -> tuple[int, tuple[NDArray, ...], tuple[NDArray, ...]]:
        """(S, the tile pass's terms, the panel pass's terms relative to bit S) for a vector
        of ``flat_size`` doubles; S = 0: one pass, every term by tiles."""
        S = self.split
        if S is None:
            S = max(self.n_sites - PANEL_ROW_BITS, 1) if flat_size >= SPLIT_MIN_ENTRIES else 0
        fb, fa = self._flips
        pi, pj, pa = self._pairs
        if S == 0:
            return 0, (fb, fa, pi, pj, pa), ()
        hf = fb >= S
        hp = pi >= S
        low = (fb[~hf], fa[~hf], pi[~hp], pj[~hp], pa[~hp])
        high = (fb[hf] - S, fa[hf], pi[hp] - S, pj[hp] - S, pa[hp])
        return S, low, high

    @property
    def table_bytes(self) -> int:
        """Memory held by the operator (its diagonal)."""
        return 0 if self._diag is None else int(self._diag.nbytes)

    def scaled(self, shift: float, scale: float) -> StreamOperator:
        """(H − shift)·scale (a new diagonal; the term lists are small)."""
        d = np.zeros(self.shape[0]) if self._diag is None else self._diag
        flips = (self._flips[0], self._flips[1] * scale)
        pairs = (self._pairs[0], self._pairs[1], self._pairs[2] * scale)
        return StreamOperator(self.n_sites, (d - shift) * scale, flips, pairs, **self._options())

    def without_flips(self) -> StreamOperator:
        """This H without its transverse flips (H_g from H_charge), sharing the diagonal."""
        return StreamOperator(
            self.n_sites, self._diag, (_NONE_I, _NONE_F), self._pairs, **self._options()
        )

    def flips_only(self, amplitude: float = 1.0) -> StreamOperator:
        """``amplitude``·Σσx on the same space (no diagonal stored)."""
        n = self.n_sites
        flips = (np.arange(n, dtype=np.int64), np.full(n, float(amplitude)))
        none = (_NONE_I, _NONE_I, _NONE_F)
        return StreamOperator(n, None, flips, none, **self._options())

    def plus_diagonal(self, extra: NDArray[np.float64]) -> StreamOperator:
        """This H + diag(``extra``) (e.g. H0 = H_g + BΣσz from H_g, eq. 13): a new diagonal."""
        d = np.zeros(self.shape[0]) if self._diag is None else self._diag
        return StreamOperator(self.n_sites, d + extra, self._flips, self._pairs, **self._options())

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
        return self._pass(x, None, None, expect=True)

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        """out = H x (− prev) for one contiguous vector (real, or complex as its real view)."""
        self._pass(x, prev, out, expect=False)

    def _pass(self, x: NDArray, prev: NDArray | None, out: NDArray | None, expect: bool) -> float:
        """out = H x (− prev), or Σ x·(H x) with ``expect``, by tiles and, past the split,
        by panels (the class docstring)."""
        import numba

        q = 1 if np.iscomplexobj(x) else 0
        xf = x.view(np.float64) if q else x
        many = xf.size >= _THREADED_MIN_ENTRIES and numba.get_num_threads() > 1
        k = _kernels()
        bits = self.tile_bits or DEFAULT_TILE_BITS[2 if many else 1]
        diag = _NONE_F if self._diag is None else self._diag
        S, low, high = self._passes(xf.size)
        w = PANEL_SIZE_BITS - (self.n_sites - S) if self.panel_bits is None else self.panel_bits
        w = max(0, min(w, S + q))
        pbits = max(bits, PANEL_TILE_BITS) if self.tile_bits is None else bits
        panels = k[5] if many else k[6]
        nth = numba.get_num_threads() if many else 1
        if expect:
            val = float(k[3 if many else 4](xf, q, diag, bits, *low))
            if S:
                val += float(panels(xf, _NONE_F, S + q, w, pbits, nth, *high))
            return val
        assert out is not None
        of = out.view(np.float64) if q else out
        pf = _NONE_F if prev is None else (prev.view(np.float64) if q else prev)
        (k[0] if many else k[1])(xf, pf, of, q, diag, bits, *low)
        if S:
            panels(xf, of, S + q, w, pbits, nth, *high)
        return 0.0


@functools.cache
def _mirror_kernels() -> Any:
    """The half ↔ full maps of :class:`MirrorHalf` (:mod:`ssbattery.quantum._stream_numba`)."""
    from ssbattery.quantum import _stream_numba as k

    return k.reduce, k.expand, k.symmetrize, k.mirror_asymmetric


def mirrored_couplings(couplings: NDArray[np.float64]) -> NDArray[np.float64]:
    """g_ij with the sites relabelled for :class:`MirrorHalf` (upper triangle): bit k < N/2
    holds site k, bit N/2 + k holds site N − 1 − k, so the reflection i → N − 1 − i swaps
    the two halves of a bit string (N even)."""
    G = np.asarray(couplings, dtype=float)
    n = G.shape[0]
    if n % 2:
        raise InvalidParameterError(f"the mirrored order needs an even chain, got N = {n}.")
    perm = np.r_[np.arange(n // 2), np.arange(n - 1, n // 2 - 1, -1)]
    full = np.triu(G, 1) + np.triu(G, 1).T
    return np.triu(full[np.ix_(perm, perm)], 1)


class MirrorHalf:
    """Reflection-even states of the mirrored full space (:func:`mirrored_couplings`) by
    their half: with s = a + 2^(N/2)·c the reflection maps (a, c) to (c, a), a reflection-
    even ψ is a symmetric 2^(N/2) × 2^(N/2) matrix ψ[c, a], and its upper triangle (c ≤ a,
    row by row) holds it exactly in 2^(N/2)(2^(N/2) + 1)/2 entries, the reflection-even
    sector's dimension. The evolution from |↓…↓⟩ stays reflection-even (H commutes with
    the reflection), so the Chebyshev engine keeps its outputs in this form (half the
    memory per output: longer blocks, fewer products per output time)."""

    def __init__(self, n_sites: int) -> None:
        if n_sites % 2 or n_sites < 2:
            raise InvalidParameterError(f"the half needs an even chain, got N = {n_sites}.")
        self.side = 1 << (n_sites // 2)
        self.full_size = self.side * self.side
        self.size = self.side * (self.side + 1) // 2

    def reduce(self, full: NDArray, out: NDArray | None = None) -> NDArray:
        """The half (``size``,) of a reflection-even state (``full_size``,) (its entries
        c ≤ a; the others are their mirror images)."""
        x = np.ascontiguousarray(full).reshape(self.full_size)
        if out is None:
            out = np.empty(self.size, dtype=x.dtype)
        _mirror_kernels()[0](x, out, self.side)
        return out

    def expand(self, half: NDArray, out: NDArray | None = None) -> NDArray:
        """The full state (``full_size``,) from its half."""
        h = np.ascontiguousarray(half).reshape(self.size)
        if out is None:
            out = np.empty(self.full_size, dtype=h.dtype)
        _mirror_kernels()[1](h, out, self.side)
        return out


class MirrorEvenOperator(_Products):
    """A reflection-symmetric :class:`StreamOperator` in the mirrored site order
    (:func:`mirrored_couplings`), applied to reflection-even vectors only, at half the
    terms.

    A reflection-even ψ is a symmetric 2^(N/2) × 2^(N/2) matrix X[c, a] (s = a +
    2^(N/2)·c, :class:`MirrorHalf`). Split H = D + L + R + C: D the diagonal, L the flips and
    pairs on the low bits (acting on a: X ↦ X L), R their mirror images on the high bits
    (acting on c: X ↦ L X = (X L)ᵀ for symmetric X), C the pairs with one bit in each half.
    D∘X and C X are symmetric, so with Y = D∘X + 2·X L + C X,

        H X = ½(Y + Yᵀ),

    one pass by tiles over the low terms (their partners lie within a row of 2^(N/2)
    states, i.e. in cache, and no panel pass for the high bits is needed) and one blocked
    symmetrisation. ⟨X|H|X⟩ = ⟨X|Y⟩ likewise (⟨X|Yᵀ⟩ = ⟨X|Y⟩). The results are exact for
    reflection-even inputs (and exactly symmetric); for other vectors they are not H x.
    The Chebyshev recurrence on the chain's evolved states (reflection-even from |↓…↓⟩,
    as the engine's outputs on :class:`MirrorHalf`) uses it through
    :meth:`recurrence_step`.

    Raises InvalidParameterError when the operator is not mirror-symmetric: the high
    terms must be the low ones shifted by N/2 bits, the cross pairs closed under the
    mirror, and the diagonal symmetric.
    """

    def __init__(self, full: StreamOperator, *, checked: bool = False) -> None:
        n = full.n_sites
        if n % 2 or n < 2:
            raise InvalidParameterError(f"the mirror needs an even chain, got N = {n}.")
        h = n // 2
        self.full = full
        self.n_sites = n
        self.side = 1 << h
        self.shape = full.shape
        self.dtype = full.dtype
        self.threads = full.threads
        fb, fa = full._flips
        pi, pj, pa = full._pairs
        low_f, high_f = fb < h, fb >= h
        low_p, high_p = pj < h, pi >= h
        cross = ~(low_p | high_p)
        if not checked:
            _check_mirror(
                (fb[low_f], fa[low_f]),
                (fb[high_f] - h, fa[high_f]),
                (pi[low_p], pj[low_p], pa[low_p]),
                (pi[high_p] - h, pj[high_p] - h, pa[high_p]),
                (pi[cross], pj[cross], pa[cross]),
                h,
            )
            d = full._diag
            if d is not None and _mirror_kernels()[3](d, self.side):
                raise InvalidParameterError("the diagonal is not mirror-symmetric.")
        # Y = D∘X + 2·X L + C X: the low terms doubled, the cross pairs as they are, one
        # pass by tiles (split 0: every partner within a row, or the cross pairs' far one)
        flips = (fb[low_f], 2.0 * fa[low_f])
        pairs = (
            np.concatenate([pi[low_p], pi[cross]]),
            np.concatenate([pj[low_p], pj[cross]]),
            np.concatenate([2.0 * pa[low_p], pa[cross]]),
        )
        opts = full._options()
        opts.update(split=0)
        self.low = StreamOperator(n, full._diag, flips, pairs, **opts)
        self._flips = flips
        self._pairs = pairs

    def scaled(self, shift: float, scale: float) -> MirrorEvenOperator:
        """(H − shift)·scale, on reflection-even vectors as this one."""
        return MirrorEvenOperator(self.full.scaled(shift, scale), checked=True)

    def expect(self, psi: NDArray) -> NDArray[np.float64]:
        """⟨ψ|H|ψ⟩ for a reflection-even ket (n,) or each column of (n, m): ⟨X|Y⟩, one
        reduction pass over the low and cross terms."""
        return self.low.expect(psi)

    @property
    def reads_half(self) -> bool:
        """Whether :meth:`expect_half` applies: a diagonal and flips only (no pairs)."""
        return self._pairs[0].size == 0

    def expect_half(self, half: NDArray) -> float:
        """⟨ψ|H|ψ⟩ of a reflection-even complex ket from its :class:`MirrorHalf` half
        (``side``(``side`` + 1)/2 entries), without the full vector: rows assembled in
        blocks in cache, one read of the half and of the diagonal (the expanded route also
        writes and reads the 2^N-entry vector: ≈ 4× the traffic). Operators without pair
        terms only (:attr:`reads_half`)."""
        if not self.reads_half:
            raise InvalidParameterError(
                "expect_half takes a diagonal and flips only; expand the half and use expect."
            )
        h = np.ascontiguousarray(half, dtype=complex).reshape(-1)
        if h.size != self.side * (self.side + 1) // 2:
            raise InvalidParameterError(
                f"the half of N = {self.n_sites} has {self.side * (self.side + 1) // 2} "
                f"entries, got {h.size}."
            )
        from ssbattery.quantum import _stream_numba as k

        d = self.low._diag
        with numba_threads(self.threads):
            hf = h.view(np.float64)
            return float(k.half_expect(hf, self.side, _NONE_F if d is None else d, *self._flips))

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        self.low._pass(x, None, out, expect=False)  # out = Y
        p = np.zeros(0, dtype=out.dtype) if prev is None else prev
        _mirror_kernels()[2](out, p, self.side)  # out = ½(Y + Yᵀ) − prev


def _check_mirror(
    low_f: tuple[NDArray, NDArray],
    high_f: tuple[NDArray, NDArray],
    low_p: tuple[NDArray, NDArray, NDArray],
    high_p: tuple[NDArray, NDArray, NDArray],
    cross: tuple[NDArray, NDArray, NDArray],
    h: int,
) -> None:
    """Raise unless the high terms are the low ones shifted by ``h`` bits and the cross
    pairs (i < h ≤ j) are closed under the mirror (i, j) → (j − h, i + h)."""

    def same(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
        a, b = sorted(a), sorted(b)
        return len(a) == len(b) and all(
            x[:-1] == y[:-1] and abs(x[-1] - y[-1]) <= 1e-14 * max(1.0, abs(x[-1]))
            for x, y in zip(a, b, strict=True)
        )

    def terms(*cols: NDArray) -> list[tuple[Any, ...]]:
        return [tuple(v.item() for v in row) for row in zip(*cols, strict=True)]

    ci, cj, ca = cross
    if not (
        same(terms(*low_f), terms(*high_f))
        and same(terms(*low_p), terms(*high_p))
        and same(terms(ci, cj, ca), terms(cj - h, ci + h, ca))
    ):
        raise InvalidParameterError(
            "the operator is not mirror-symmetric (the high bits' terms must mirror the "
            "low bits'): build it from mirrored_couplings of a reflection-symmetric chain."
        )


def coupled_pairs(
    n_sites: int, couplings: NDArray[np.float64]
) -> tuple[int, NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """(N, g as an N × N float array, i, j): the coupled pairs i < j of the upper triangle,
    after checking N ∈ 1 … 30 and the couplings' shape (the full-space operators' inputs)."""
    n = int(n_sites)
    if not 1 <= n <= 30:
        raise InvalidParameterError(f"`n_sites` must be in 1 … 30, got {n_sites!r}.")
    G = np.asarray(couplings, dtype=float)
    if G.shape != (n, n):
        raise InvalidParameterError(f"`couplings` must be {n} × {n}, got shape {G.shape}.")
    i, j = np.nonzero(np.triu(G, 1))
    return n, G, i.astype(np.int64), j.astype(np.int64)


def stream_operator(
    n_sites: int,
    couplings: NDArray[np.float64],
    *,
    transverse: float = 0.0,
    anisotropy: float = 1.0,
    zz: bool = True,
    threads: int | None = None,
    tile_bits: int | None = None,
    split: int | None = None,
    panel_bits: int | None = None,
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
        split: the bit from which the terms run by panels (0: one pass by tiles; None:
            N − :data:`PANEL_ROW_BITS` for vectors of ≥ :data:`SPLIT_MIN_ENTRIES` doubles,
            else one pass).
        panel_bits: log2 of a panel's column width in doubles (None: panels of
            2^:data:`PANEL_SIZE_BITS` doubles).

    Example:
        >>> import numpy as np
        >>> X = stream_operator(3, np.zeros((3, 3)), transverse=1.0)
        >>> float(X.expect(np.full(8, 8**-0.5)))  # |+++⟩: ⟨Σσx⟩ = 3
        3.0
    """
    n, G, i, j = coupled_pairs(n_sites, couplings)
    g = G[i, j]
    diag = None
    if zz and i.size:
        diag = np.empty(1 << n)
        _kernels()[2](1 << n, i, j, -0.25 * g, diag)
    if transverse:
        flips = (np.arange(n, dtype=np.int64), np.full(n, float(transverse)))
    else:
        flips = (_NONE_I, _NONE_F)
    if anisotropy != 0.0 and i.size:
        pairs = (i, j, -0.5 * float(anisotropy) * g)
    else:
        pairs = (_NONE_I, _NONE_I, _NONE_F)
    return StreamOperator(n, diag, flips, pairs, threads, tile_bits, split, panel_bits)
