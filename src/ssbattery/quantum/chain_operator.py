"""The spin chain's Hamiltonians applied matrix-free on its symmetry sectors (bit operations).

A CSR matrix of the charging Hamiltonian H_c = H_g + ωΣσx (eqs. 11, 14) stores one value
and one column per term: at N = 24 (open, reflection × flip sectors, 8.4 million states)
that is ≈ 3.6 GB for nearest-neighbour couplings and ≈ 16 GB for long-range ones before
the build's temporaries (the memory guard's estimates, 28 and 128 GiB with them).
:class:`ChainOperator` stores none of it. Its products generate every term from the
representative bit string s of each basis state on the fly (rows independent, numba
threads):

- the diagonal −¼ Σ_{i<j} g_ij σz_iσz_j (one float per state, precomputed; for long-range
  couplings this is the O(N²) part that would otherwise be recomputed at every product);
- the transverse flips ω σx_i: s' = s XOR 2^i;
- the flip-flops −½ α g_ij (σ+_iσ−_j + h.c.) of every anti-aligned pair: s' = s XOR (2^i +
  2^j) when exactly one of the two bits is set.

The target string s' is looked up in one table over all 2^N strings (the "perfect hash"
of the sector: 4 bytes per string, 64 MiB at N = 24) that packs the basis index k of its
orbit, the character χ(g) with s' = g·r_k and the code of ν_k = ‖P_χ|r_k⟩‖, so one random
read gives the matrix element ⟨b_k|O|b_r⟩ = o χ ν_k/ν_r of
:mod:`ssbattery.quantum.chain_basis` (see :func:`~ssbattery.quantum.chain_basis.
sector_terms`) and a second one the vector entry. Since H_c is real symmetric, row r of
H_c·x is Σ_{s'} o χ(s') ν_k/ν_r x_k over the flips of r's own representative: a gather,
so rows never write to each other.

The Chebyshev recurrence T_{k+1} = H2·T_k − T_{k−1} (H2 = 2(H_c − a)/ρ) runs in the same
pass (:meth:`ChainOperator.recurrence_step`), which is what
:class:`~ssbattery.quantum.evolution.Chebyshev` calls for an operator of this kind.

Written here because neither QuSpin's nor QuTiP's operators apply a symmetry-adapted
Hamiltonian without storing it, and no library evaluates the multi-time Chebyshev
expansion the package uses; measured in benchmarks/RESULTS_spin_chain_scale.md.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.chain_basis import ChainBasis
from ssbattery.quantum.evolution.csr_kernels import THREADED_MIN_NNZ
from ssbattery.quantum.evolution.fused import compiled_pair, numba_threads, prange

__all__ = ["ChainOperator", "chain_operator"]

#: Bits of a lookup entry below the basis index: 5 for the norm code, 1 for the sign.
_SHIFT = 6
_MAX_CODES = 32


# out[r] = diag[r] x[r] + (1/ν_r) Σ_terms o χ ν_k x[k] − prev[r] (prev empty: none),
# for one real or complex vector x. Rows in chunks (one per task), the terms outermost
# within a chunk: for one mask m the targets s XOR m of consecutive representatives
# move mostly forward, so lookups and gathers form a few streams the prefetcher follows
# (1.7–1.8× faster than all terms of one row at a time, measured at N = 22 and 24; a
# complex vector as one complex array, not its (n, 2) real view: 20 % less CPU time).
# No branch depends on the data: an absent orbit is an entry whose value is 0.0, and
# the aligned pairs (no flip-flop) are dropped by compacting the anti-aligned rows.
def _apply_rows(
    states, entries, inv_norm, values, diag, fmask, famp, pmask, pamp, pi, pj, x, prev, out
):
    n = x.shape[0]
    use_prev = prev.shape[0] == n
    chunk = 1024
    for ch in prange((n + chunk - 1) // chunk):
        r0 = ch * chunk
        r1 = min(n, r0 + chunk)
        acc = np.zeros(r1 - r0, dtype=x.dtype)
        rows = np.empty(r1 - r0, dtype=np.int64)
        for t in range(fmask.size):
            m = fmask[t]
            a = famp[t]
            for r in range(r0, r1):
                e = entries[states[r] ^ m]
                acc[r - r0] += (a * values[e & 63]) * x[e >> 6]
        for t in range(pmask.size):
            m = pmask[t]
            a = pamp[t]
            bi = pi[t]
            bj = pj[t]
            cnt = 0
            for r in range(r0, r1):
                s = states[r]
                rows[cnt] = r
                cnt += ((s >> bi) ^ (s >> bj)) & 1
            for u in range(cnt):
                r = rows[u]
                e = entries[states[r] ^ m]
                acc[r - r0] += (a * values[e & 63]) * x[e >> 6]
        for r in range(r0, r1):
            val = diag[r] * x[r] + inv_norm[r] * acc[r - r0]
            if use_prev:
                val -= prev[r]
            out[r] = val


@functools.cache
def _kernels() -> Any:
    """Compile the numba kernels once."""
    import numba

    @numba.njit(parallel=True, cache=True)
    def zz_diagonal(states, bit_i, bit_j, amp, out):
        # −¼ Σ g_ij z_i z_j with z_i z_j = 1 − 2 [bits i and j differ]
        n = states.size
        npairs = bit_i.size
        for r in numba.prange(n):
            s = states[r]
            acc = 0.0
            for t in range(npairs):
                differ = ((s >> bit_i[t]) ^ (s >> bit_j[t])) & 1
                acc += amp[t] * (1.0 - 2.0 * differ)
            out[r] = acc

    # Threads only pay above ~THREADED_MIN_NNZ terms (their start-up cost ms under load).
    threaded, serial = compiled_pair(_apply_rows, fastmath=True)
    return threaded, zz_diagonal, serial


class _Block:
    """One sector's tables: representatives, packed lookup and its values χν, 1/ν, diagonal."""

    def __init__(
        self,
        states: NDArray[np.int64],
        entries: NDArray[Any],
        inv_norm: NDArray[np.float64],
        values: NDArray[np.float64],
        diag: NDArray[np.float64],
    ) -> None:
        self.states = states
        self.entries = entries
        self.inv_norm = inv_norm
        self.values = values
        self.diag = diag

    @property
    def dim(self) -> int:
        return int(self.states.size)

    def with_diag(self, diag: NDArray[np.float64]) -> _Block:
        return _Block(self.states, self.entries, self.inv_norm, self.values, diag)


def _block(basis: ChainBasis) -> _Block:
    """The packed lookup of one sector: entry = 64·k + code, ``values[code]`` = χ ν_k
    (code = 32·[χ = −1] + norm index; the code of 0.0 marks a string whose orbit is absent
    from the sector)."""
    if basis.dim == 0:
        raise InvalidParameterError("a symmetry sector without states has no operator.")
    norms, code = np.unique(basis.norm, return_inverse=True)
    if norms.size >= _MAX_CODES:  # pragma: no cover - orbit sizes divide |G| ≤ 4N
        raise InvalidParameterError(f"{norms.size} distinct sector norms; at most 31 fit.")
    values = np.zeros(2 * _MAX_CODES)
    values[: norms.size] = norms
    values[_MAX_CODES : _MAX_CODES + norms.size] = -norms
    dtype = np.int32 if basis.dim < 2 ** (31 - _SHIFT) else np.int64
    k = basis.index
    entries = np.full(k.size, norms.size, dtype=dtype)  # value 0.0: absent
    present = k >= 0
    packed = (k[present] << _SHIFT) | code[k[present]]
    if basis.sign is not None:
        packed |= (basis.sign[present] < 0).astype(np.int64) << 5
    entries[present] = packed
    return _Block(
        basis.states.astype(np.int64), entries, 1.0 / basis.norm, values, np.zeros(basis.dim)
    )


class _Products:
    """Products of a real symmetric matrix-free operator built on its ``_apply(x, prev,
    out)`` for one contiguous vector: ``H @ x`` for (n,) or (n, m), real or complex, the
    fused Chebyshev step, expectation values and the dense matrix (tests)."""

    shape: tuple[int, int]
    threads: int | None
    _flips: tuple[NDArray[np.int64], NDArray[np.float64]]
    _pairs: Any

    @property
    def nnz(self) -> int:
        """Terms one product evaluates (the diagonal, every flip and half the pairs): the
        cost model's analogue of a sparse matrix's stored entries."""
        return int(self.shape[0] * (1 + self._flips[0].size + self._pairs[0].size / 2))

    @property
    def gathers_per_state(self) -> float:
        """Vector entries a product reads per state: the flips and, on average, half the
        pairs (the anti-aligned ones)."""
        return float(self._flips[0].size + self._pairs[0].size / 2)

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        raise NotImplementedError  # pragma: no cover - each operator has its kernel

    def _run(self, x: NDArray, prev: NDArray | None, out: NDArray, threads: int | None) -> None:
        n = self.shape[0]
        xv, ov = x.reshape(n, -1), out.reshape(n, -1)
        pv = None if prev is None else prev.reshape(n, -1)
        with numba_threads(threads if threads is not None else self.threads):
            if xv.shape[1] == 1:  # C-contiguous (n,) views
                self._apply(x.reshape(n), None if prev is None else prev.reshape(n), out.reshape(n))
                return
            for q in range(xv.shape[1]):  # the kernel takes one vector
                res = np.empty(n, dtype=ov.dtype)
                p = None if pv is None else np.ascontiguousarray(pv[:, q])
                self._apply(np.ascontiguousarray(xv[:, q]), p, res)
                ov[:, q] = res

    def __matmul__(self, x: NDArray) -> NDArray:
        arr = np.ascontiguousarray(x)
        if arr.shape[0] != self.shape[0] or arr.ndim > 2:
            raise InvalidParameterError(
                f"the operator has shape {self.shape}; `x` must have {self.shape[0]} rows, "
                f"got shape {arr.shape}."
            )
        if not np.iscomplexobj(arr):
            arr = np.ascontiguousarray(arr, dtype=np.float64)
        else:
            arr = np.ascontiguousarray(arr, dtype=np.complex128)
        out = np.empty_like(arr)
        self._run(arr, None, out, None)
        return out

    def recurrence_step(
        self,
        x: NDArray,
        prev: NDArray,
        out: NDArray,
        *,
        threads: int | None = None,
        feeds_next: bool = False,
    ) -> None:
        """``out = H @ x − prev`` in one pass (contiguous arrays of one dtype, ``out`` not
        aliasing ``x``): the Chebyshev recurrence of
        :class:`~ssbattery.quantum.evolution.Chebyshev`.

        ``feeds_next``: the caller's promise that the next product through this operator
        (or a scaled copy) is a ``recurrence_step`` whose ``x`` is this ``out``, unchanged
        in between. An operator that can start that product while ``out`` is in cache
        does so (:class:`~ssbattery.quantum.chain_pauli.PauliOperator`); the others ignore
        it."""
        self._run(x, prev, out, threads)

    def expect(self, psi: NDArray) -> NDArray[np.float64]:
        """⟨ψ|H|ψ⟩ for a ket (n,) or each column of (n, m)."""
        arr = np.asarray(psi)
        Hx = self @ arr
        if arr.ndim == 1:
            return np.asarray(np.vdot(arr, Hx).real)
        return np.asarray(np.einsum("nm,nm->m", arr.conj(), Hx).real)

    def toarray(self) -> NDArray[np.float64]:
        """H as a dense matrix (small spaces only: tests and exact bounds)."""
        from ssbattery.validation import check_memory

        check_memory("the chain operator as a dense matrix", self.shape)
        return np.asarray(self @ np.eye(self.shape[0]))


class ChainOperator(_Products):
    """A real symmetric chain Hamiltonian on one or more symmetry sectors, matrix-free.

    H = Σ_sectors [D + Σ_i f_i σx_i + Σ_(i,j) p_ij (σ+_iσ−_j + h.c.)] with a diagonal D
    (one float per state), transverse amplitudes f_i and flip-flop amplitudes p_ij, the
    sectors (e.g. the two spin-flip parities) one after the other, as the CSR blocks of
    :func:`~ssbattery.quantum.spin_chain.build_operators` (same basis, same order).
    Build it with :func:`chain_operator`; ``H @ x`` takes (n,) or (n, m) arrays, real or
    complex.
    """

    def __init__(
        self,
        n_sites: int,
        blocks: Sequence[_Block],
        flips: tuple[NDArray[np.int64], NDArray[np.float64]],
        pairs: tuple[NDArray[np.int64], NDArray[np.float64]],
        threads: int | None = None,
    ) -> None:
        self.n_sites = int(n_sites)
        self._blocks = tuple(blocks)
        self._flips = flips
        self._pairs = pairs
        # The two sites of each pair (for the anti-alignment test): its mask's set bits.
        m = pairs[0]
        lo = m & -m
        self._pair_bits = (
            np.log2(np.maximum(lo, 1)).astype(np.int64),
            np.log2(np.maximum(m ^ lo, 1)).astype(np.int64),
        )
        self.threads = threads
        dim = sum(b.dim for b in self._blocks)
        self.shape = (dim, dim)
        self.dtype = np.dtype(np.float64)

    @property
    def table_bytes(self) -> int:
        """Memory held by the tables (lookup, representatives, norms, diagonal)."""
        return sum(
            b.entries.nbytes + b.states.nbytes + b.inv_norm.nbytes + b.diag.nbytes
            for b in self._blocks
        )

    def scaled(self, shift: float, scale: float) -> ChainOperator:
        """(H − shift)·scale, sharing this operator's lookup tables."""
        blocks = [b.with_diag((b.diag - shift) * scale) for b in self._blocks]
        flips = (self._flips[0], self._flips[1] * scale)
        pairs = (self._pairs[0], self._pairs[1] * scale)
        return ChainOperator(self.n_sites, blocks, flips, pairs, self.threads)

    def without_flips(self) -> ChainOperator:
        """This H without its transverse flips (H_g from H_charge), sharing the tables."""
        none = (np.zeros(0, np.int64), np.zeros(0))
        return ChainOperator(self.n_sites, self._blocks, none, self._pairs, self.threads)

    def flips_only(self, amplitude: float = 1.0) -> ChainOperator:
        """``amplitude``·Σσx on the same sectors, sharing this operator's lookup tables."""
        blocks = [b.with_diag(np.zeros(b.dim)) for b in self._blocks]
        n = self.n_sites
        masks = np.int64(1) << np.arange(n, dtype=np.int64)
        flips = (masks, np.full(n, float(amplitude)))
        none = (np.zeros(0, np.int64), np.zeros(0))
        return ChainOperator(n, blocks, flips, none, self.threads)

    def _apply(self, x: NDArray, prev: NDArray | None, out: NDArray) -> None:
        kern = _kernels()
        apply = kern[0] if self.nnz >= THREADED_MIN_NNZ else kern[2]
        none = np.zeros(0, dtype=x.dtype)
        o = 0
        for b in self._blocks:
            sl = slice(o, o + b.dim)
            apply(
                b.states,
                b.entries,
                b.inv_norm,
                b.values,
                b.diag,
                self._flips[0],
                self._flips[1],
                self._pairs[0],
                self._pairs[1],
                self._pair_bits[0],
                self._pair_bits[1],
                x[sl],
                none if prev is None else prev[sl],
                out[sl],
            )
            o += b.dim


def chain_operator(
    sectors: Sequence[ChainBasis],
    couplings: NDArray[np.float64],
    *,
    transverse: float = 0.0,
    anisotropy: float = 1.0,
    zz: bool = True,
    threads: int | None = None,
) -> ChainOperator:
    """H_g + ``transverse``·Σσx (eqs. 11, 14) on ``sectors``, matrix-free.

    Args:
        sectors: the blocks, e.g. :func:`~ssbattery.quantum.spin_chain.chain_sectors`.
        couplings: g_ij (N × N, upper triangle used, as
            :func:`~ssbattery.quantum.spin_chain.couplings`).
        transverse: ω of the charging field (0: no transverse flips).
        anisotropy: α (0: no flip-flops).
        zz: include the diagonal −¼ Σ g_ij σz_iσz_j.
        threads: numba threads of the products (None: numba's setting).

    Example:
        >>> import numpy as np
        >>> from ssbattery.quantum.chain_basis import chain_basis
        >>> G = np.triu(np.ones((3, 3)), 1)  # all-to-all, g = 1
        >>> X = chain_operator([chain_basis(3, reflection=False)], 0 * G, transverse=1.0)
        >>> float(X.expect(np.full(8, 8**-0.5)))  # |+++⟩: ⟨Σσx⟩ = 3
        3.0
    """
    if not sectors:
        raise InvalidParameterError("`sectors` must hold at least one symmetry sector.")
    n = sectors[0].n_sites
    G = np.asarray(couplings, dtype=float)
    if G.shape != (n, n):
        raise InvalidParameterError(f"`couplings` must be {n} × {n}, got shape {G.shape}.")
    i, j = np.nonzero(np.triu(G, 1))
    g = G[i, j]
    zz_kernel = _kernels()[1]
    blocks = []
    for basis in sectors:
        b = _block(basis)
        if zz and i.size:
            zz_kernel(b.states, i.astype(np.int64), j.astype(np.int64), -0.25 * g, b.diag)
        blocks.append(b)
    fmask = (np.int64(1) << np.arange(n, dtype=np.int64)) if transverse else np.zeros(0, np.int64)
    famp = np.full(fmask.size, float(transverse))
    if anisotropy != 0.0 and i.size:
        pmask = (np.int64(1) << i.astype(np.int64)) | (np.int64(1) << j.astype(np.int64))
        pamp = -0.5 * float(anisotropy) * g
    else:
        pmask, pamp = np.zeros(0, np.int64), np.zeros(0)
    return ChainOperator(n, blocks, (fmask, famp), (pmask, pamp), threads)
