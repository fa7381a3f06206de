"""The spin chain's Hamiltonian on the full 2^N space through Walsh–Hadamard transforms.

:class:`~ssbattery.quantum.chain_stream.StreamOperator` applies every pair term
p_ij (σ+_iσ−_j + h.c.) by its own pass at an XOR offset, so a long-range chain (all N(N−1)/2
pairs) costs about six nearest-neighbour products. Here the cost does not depend on the
number of couplings. With σ+σ− + h.c. = ½(XX + YY) per pair, the charging Hamiltonian of
eqs. 11 and 14,

    H = D_z + Σ_i f_i X_i + ½ Σ_(i<j) p_ij (X_iX_j + Y_iY_j),

is diagonal in three bases. With H_1 = [[1, 1], [1, −1]]/√2 on one qubit (H_1 X H_1 = Z)
and S = diag(1, i) (S X S† = Y), W = H_1^⊗N and Q = (H_1 S†)^⊗N,

    Σ f_i X_i + ½ Σ p_ij X_iX_j = W D_x W,   ½ Σ p_ij Y_iY_j = Q† D_y Q,

with D_x(s) = Σ f_i z_i + ½ Σ p_ij z_i z_j, D_y(s) = ½ Σ p_ij z_i z_j and z_i = 1 − 2·(bit i
of s). So H·x = D_z x + W D_x W x + Q† D_y Q x: four butterfly transforms of N levels and
three diagonals, whatever the couplings. The transforms are unnormalised (each level
(a, b) → (a + b, a − b), or (a − ib, a + ib) for Q, (a + b, i(a − b)) for Q†), and 2^−N is
folded into D_x and D_y; the phases of S and S† sit inside the butterflies.

For the chain (:func:`pauli_operator`) the pair amplitudes are p_ij = c_p g_ij and
D_z = c_z Σ g_ij z_i z_j + c_0, so one stored table Z(s) = Σ_(i<j) g_ij z_i z_j gives all
three diagonals (D_y = ½ c_p Z, D_x = D_y + Σ f_i z_i from two small tables of the low and
high bits); scaled copies share it.

A product is three passes over memory, cache-blocked as the streaming operator's two-pass
product: (A) by tiles of the low :data:`TILE_BITS` state bits (a tile in L2 cache, its
lowest :data:`L1_BITS` levels in L1-sized blocks), the low-bit transforms of x into two
work vectors (W and Q); (B) by panels gathered from every row (a narrow column of each of
the 2^(N − L) rows, :data:`PANEL_BITS` entries in all), the high-bit transforms, the
diagonal, and the high-bit inverse transforms; (C) by tiles again, the low-bit inverse
transforms, summed with D_z x (and − prev for the Chebyshev recurrence). numba threads run
over the tiles and panels. Complex vectors are transformed as their real view; a real
vector is applied as a complex one (H is real: the result's real part).

Written here because no library in the package's stack applies an XY-type spin
Hamiltonian by basis-rotating transforms; the cost against the streaming operator is in
benchmarks/RESULTS_spin_chain_scale.md.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.chain_operator import _Products
from ssbattery.quantum.chain_stream import StreamOperator, coupled_pairs
from ssbattery.quantum.evolution.fused import numba_threads

__all__ = [
    "L1_BITS",
    "PANEL_BITS",
    "PAULI_TERMS",
    "TILE_BITS",
    "PauliOperator",
    "pauli_cheaper",
    "pauli_operator",
]

#: log2 of a tile in complex entries. Measured at N = 24 (complex LR product, two threads,
#: benchmarks/probes/chain_pauli_product.py through bench.sh, RESULTS_spin_chain_scale.md):
#: tiles of 2^16 (1 MiB, L3) with panels of 2^14 took 0.59 s, 2^14/2^14 0.73 s, 2^13/2^13
#: 0.95 s, 2^12 1.6 s: fewer, longer rows in the panels pay more than the tiles' L2 misses.
TILE_BITS = 16

#: The transform levels below this state bit run in blocks of 2^L1_BITS complex entries
#: (16 KiB, in the 32 KiB L1 cache).
L1_BITS = 10

#: log2 of a panel in complex entries (2^14: two panels and their diagonal, 640 KiB).
PANEL_BITS = 14

#: The cost of one product per site, in the streaming operator's units (terms per state:
#: 1 + flips + pairs/2, as its ``nnz``), whatever the couplings: a product is 4N butterfly
#: levels. Measured at N = 24 (complex vectors, two threads, bench.sh, 18:41 UTC
#: 2026-12-02): 0.59 s against the streaming NN product's 0.31 s for 36.5 terms per state,
#: i.e. ≈ 69 terms per state, 2.9 per site.
PAULI_TERMS = 2.9

_NONE_F = np.zeros(0)
_NONE_I = np.zeros(0, np.int64)


@functools.cache
def _kernels() -> Any:
    """The compiled passes (imported on first use)."""
    from ssbattery.quantum import _pauli_numba as k

    return k.forward, k.middle, k.backward, k.zz_table


class _Tables:
    """What every scaled copy of one chain shares: Z(s) = Σ_(i<j) g_ij z_i z_j on all 2^N
    strings, the two complex work vectors of a product (allocated at the first), and
    ``primed``: the vector whose pass A the work vectors hold (a ``feeds_next`` step's
    output; None once any other product has used them)."""

    def __init__(self, n_sites: int, zz: NDArray[np.float64]) -> None:
        self.n_sites = n_sites
        self.zz = zz
        self._work: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None
        self.primed: tuple[NDArray, int, int] | None = None  # (vector, L, l1)
        self.feed = False  # the product running now is a feeds_next step

    def work(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if self._work is None:
            size = 2 << self.n_sites  # doubles of one complex vector
            self._work = (np.empty(size), np.empty(size))
        return self._work


class PauliOperator(_Products):
    """H = c_z Z(s) + c_0 [+ extra(s)] + Σ_i f_i σx_i + c_p Σ_(i<j) g_ij (σ+_iσ−_j + h.c.)
    on the full 2^N space (index = bit string, bit i set = spin i up; the basis of
    :func:`~ssbattery.quantum.spin_chain.build_operators` with ``symmetric=False``), by
    Walsh–Hadamard transforms (the module docstring), Z(s) = Σ_(i<j) g_ij z_i z_j.

    Build it with :func:`pauli_operator`; ``H @ x`` takes (n,) or (n, m) arrays, real or
    complex; :meth:`recurrence_step` is the fused Chebyshev step. ``tile_bits``,
    ``panel_bits`` and ``l1_bits`` (None: :data:`TILE_BITS`, :data:`PANEL_BITS`,
    :data:`L1_BITS`) set the cache blocking only.
    """

    def __init__(
        self,
        tables: _Tables,
        coefficients: tuple[float, float, float],
        flips: NDArray[np.float64],
        pairs: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
        extra: NDArray[np.float64] | None = None,
        threads: int | None = None,
        blocking: tuple[int | None, int | None, int | None] = (None, None, None),
    ) -> None:
        self._tables = tables
        self.n_sites = n = tables.n_sites
        self._cz, self._c0, self._cp = (float(c) for c in coefficients)
        self._f = np.asarray(flips, dtype=float)
        if self._f.shape != (n,):
            raise InvalidParameterError(f"`flips` must have {n} amplitudes, got {self._f.shape}.")
        nz = np.flatnonzero(self._f)
        self._flips = (nz.astype(np.int64), self._f[nz])
        self._pairs = pairs  # bits and amplitudes c_p g_ij (the cost model's term count)
        if extra is not None and extra.shape != (1 << n,):
            raise InvalidParameterError(f"`extra` must have {1 << n} entries.")
        self._extra = extra
        self.threads = threads
        self._blocking = blocking
        # The Σ f_i z_i tables by tile bits L, made once: remade per product they took
        # 14 ms of each 0.49 s product at N = 24 (cProfile, RESULTS_spin_chain_scale.md).
        self._field: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        self.shape = (1 << n, 1 << n)
        self.dtype = np.dtype(np.float64)

    def _copy(self, **kw: Any) -> PauliOperator:
        args: dict[str, Any] = {
            "coefficients": (self._cz, self._c0, self._cp),
            "flips": self._f,
            "pairs": self._pairs,
            "extra": self._extra,
            "threads": self.threads,
            "blocking": self._blocking,
        }
        args.update(kw)
        return PauliOperator(self._tables, **args)

    @property
    def nnz(self) -> int:
        """The cost of one product in the streaming operator's terms (:data:`PAULI_TERMS`
        × N per state, whatever the couplings): what the Chebyshev engine's block model
        reads."""
        return int(self.shape[0] * PAULI_TERMS * self.n_sites)

    @property
    def table_bytes(self) -> int:
        """Memory held: Z(s), the work vectors once allocated, and ``extra``."""
        t = self._tables
        work = 0 if t._work is None else 2 * t._work[0].nbytes
        extra = 0 if self._extra is None else int(self._extra.nbytes)
        return int(t.zz.nbytes) + work + extra

    @property
    def primed(self) -> bool:
        """Whether the shared work vectors hold the first pass of a ``feeds_next`` step's
        output (which the next ``recurrence_step`` on that output then skips)."""
        return self._tables.primed is not None

    def scaled(self, shift: float, scale: float) -> PauliOperator:
        """(H − shift)·scale, sharing Z(s) and the work vectors."""
        s = float(scale)
        pairs = (self._pairs[0], self._pairs[1], self._pairs[2] * s)
        extra = None if self._extra is None else self._extra * s
        coef = (self._cz * s, (self._c0 - shift) * s, self._cp * s)
        return self._copy(coefficients=coef, flips=self._f * s, pairs=pairs, extra=extra)

    def without_flips(self) -> PauliOperator:
        """This H without its transverse flips (H_g from H_charge), sharing Z(s)."""
        return self._copy(flips=np.zeros(self.n_sites))

    def flips_only(self, amplitude: float = 1.0) -> StreamOperator:
        """``amplitude``·Σσx as a streaming operator (N passes at bit offsets; no diagonal)."""
        n = self.n_sites
        flips = (np.arange(n, dtype=np.int64), np.full(n, float(amplitude)))
        return StreamOperator(n, None, flips, (_NONE_I, _NONE_I, _NONE_F), self.threads)

    def plus_diagonal(self, extra: NDArray[np.float64]) -> StreamOperator:
        """This H + diag(``extra``) as a streaming operator, for the fused measurement
        (:meth:`~ssbattery.quantum.chain_stream.StreamOperator.expect`: one pass, the
        operator's terms at bit offsets; used where it has few pairs)."""
        d = self._cz * self._tables.zz + self._c0 + extra
        if self._extra is not None:
            d += self._extra
        return StreamOperator(self.n_sites, d, self._flips, self._pairs, self.threads)

    def recurrence_step(
        self,
        x: NDArray,
        prev: NDArray,
        out: NDArray,
        *,
        threads: int | None = None,
        feeds_next: bool = False,
    ) -> None:
        """``out = H @ x − prev``. With ``feeds_next`` (one complex vector), pass C also
        runs the next product's pass A on each tile of ``out`` while the tile is in cache,
        and the next ``recurrence_step`` on that ``out`` skips its pass A: one read of a
        vector and the work vectors' write-allocation less per product (the fused
        Chebyshev loop, RESULTS_spin_chain_scale.md)."""
        self._tables.feed = bool(feeds_next) and np.iscomplexobj(x) and x.size == self.shape[0]
        try:
            super().recurrence_step(x, prev, out, threads=threads)
        finally:
            self._tables.feed = False

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        """out = H x (− prev) for one contiguous vector."""
        if not np.iscomplexobj(x):
            res = np.empty(x.size, dtype=np.complex128)
            self._apply_complex(x.astype(np.complex128), None, res)
            np.copyto(out, res.real)
            if prev is not None:
                out -= prev
            return
        self._apply_complex(x, prev, out)

    def _layout(self) -> tuple[int, int, int]:
        """(tile bits L, panel column bits w, L1 bits) for this N."""
        n = self.n_sites
        tb, pb, lb = self._blocking
        L = min(TILE_BITS if tb is None else int(tb), n)
        P = PANEL_BITS if pb is None else int(pb)
        w = max(0, min(L, P - (n - L)))
        return L, w, L1_BITS if lb is None else int(lb)

    def _field_tables(self, L: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Σ_i f_i z_i over the low L bits (2^L) and the high bits (2^(N−L)), times 2^−N
        (made at the first product with this L, then kept)."""
        if L in self._field:
            return self._field[L]
        n = self.n_sites
        f = self._f * 2.0**-n

        def table(fs: NDArray[np.float64]) -> NDArray[np.float64]:
            s = np.arange(1 << fs.size)[:, None]
            z = 1.0 - 2.0 * ((s >> np.arange(fs.size)) & 1)
            return np.ascontiguousarray(z @ fs)

        self._field[L] = (table(f[:L]), table(f[L:]))
        return self._field[L]

    def _apply_complex(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        import numba

        n = self.n_sites
        xf = x.view(np.float64)
        of = out.view(np.float64)
        pf = _NONE_F if prev is None else prev.view(np.float64)
        L, w, l1 = self._layout()
        flo, fhi = self._field_tables(L)
        t = self._tables
        U, V = t.work()
        primed, t.primed = t.primed, None  # this product overwrites the work vectors
        feed = t.feed and np.iscomplexobj(out) and out.flags.c_contiguous
        k = _kernels()
        with numba_threads(self.threads):
            nth = numba.get_num_threads()
            zz = t.zz
            cy = 0.5 * self._cp * 2.0**-n
            extra = _NONE_F if self._extra is None else self._extra
            if not (primed is not None and primed[1:] == (L, l1) and _same_buffer(primed[0], x)):
                k[0](xf, U, V, L, l1)
            k[1](U, V, zz, cy, flo, fhi, n, L, w, l1, nth)
            k[2](xf, pf, of, U, V, zz, self._cz, self._c0, extra, L, l1, feed)
        if feed:
            t.primed = (out, L, l1)  # held: its buffer cannot be freed and reused meanwhile


def _same_buffer(a: NDArray, b: NDArray) -> bool:
    """Whether ``b`` is the vector ``a`` (same memory, shape and dtype)."""
    return (
        a.__array_interface__["data"][0] == b.__array_interface__["data"][0]
        and a.shape == b.shape
        and a.strides == b.strides
        and a.dtype == b.dtype
    )


def zz_table(n_sites: int, couplings: NDArray[np.float64]) -> NDArray[np.float64]:
    """Z(s) = Σ_(i<j) g_ij z_i z_j (z_i = 1 − 2·bit i of s) on all 2^N strings."""
    n = int(n_sites)
    G = np.asarray(couplings, dtype=float)
    i, j = np.nonzero(np.triu(G, 1))
    out = np.empty(1 << n)
    L = min(n, 12)
    _kernels()[3](n, L, i.astype(np.int64), j.astype(np.int64), G[i, j].astype(float), out)
    return out


def pauli_operator(
    n_sites: int,
    couplings: NDArray[np.float64],
    *,
    transverse: float = 0.0,
    anisotropy: float = 1.0,
    zz: bool = True,
    threads: int | None = None,
    tile_bits: int | None = None,
    panel_bits: int | None = None,
    l1_bits: int | None = None,
) -> PauliOperator:
    """H_g + ``transverse``·Σσx (eqs. 11, 14) on the full 2^N space, by Walsh–Hadamard
    transforms (the same operator as :func:`~ssbattery.quantum.chain_stream.
    stream_operator`, at a cost independent of the number of couplings).

    Args:
        n_sites: N (the space has 2^N bit strings).
        couplings: g_ij (N × N, upper triangle used, as
            :func:`~ssbattery.quantum.spin_chain.couplings`).
        transverse: ω of the charging field.
        anisotropy: α (the flip-flops −½αg_ij (σ+_iσ−_j + h.c.)).
        zz: include the diagonal −¼ Σ g_ij σz_iσz_j.
        threads: numba threads of the products (None: numba's setting).
        tile_bits, panel_bits, l1_bits: the cache blocking (None: :data:`TILE_BITS`,
            :data:`PANEL_BITS`, :data:`L1_BITS`).

    Example:
        >>> import numpy as np
        >>> X = pauli_operator(3, np.zeros((3, 3)), transverse=1.0)
        >>> float(X.expect(np.full(8, 8**-0.5)))  # |+++⟩: ⟨Σσx⟩ = 3
        3.0
    """
    n, G, i, j = coupled_pairs(n_sites, couplings)
    cp = -0.5 * float(anisotropy)
    pairs = (i, j, cp * G[i, j])
    if cp == 0.0:
        pairs = (_NONE_I, _NONE_I, _NONE_F)
    tables = _Tables(n, zz_table(n, G))
    coef = (-0.25 if zz else 0.0, 0.0, cp)
    flips = np.full(n, float(transverse))
    return PauliOperator(
        tables, coef, flips, pairs, None, threads, (tile_bits, panel_bits, l1_bits)
    )


def pauli_cheaper(n_sites: int, n_flips: int, n_pairs: int) -> bool:
    """Whether :class:`PauliOperator`'s product (:data:`PAULI_TERMS` × N terms per state)
    costs less than the streaming operator's (1 + flips + pairs/2 per state): at N = 24
    long-range (163 against 70) but not nearest-neighbour (36.5) couplings."""
    return PAULI_TERMS * n_sites < 1 + n_flips + n_pairs / 2
