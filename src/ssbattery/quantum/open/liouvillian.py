"""The Lindblad generator on the permutation-invariant space, applied matrix-free.

For every spin block j (see :mod:`.space`) the state ρ_j lives on Fock ⊗ spin-j. The
Hamiltonian and the collective dissipators act inside each block; local processes, summed
over the N atoms, move weight between blocks j and j ± 1. Writing K = Σ_k C_k†C_k (which
is collective for identical local processes: Σ_i σ+_iσ−_i = Jz + N/2, Σ_i σ−_iσ+_i =
N/2 − Jz, Σ_i σz_i² = N), the generator reads

    L ρ_j = G_j ρ_j + ρ_j G_j† + Σ_c A_c ρ_{j_c} A_c†,   G_j = −i H_j − ½ K_j,

where each jump channel c maps block j_c to block j with a matrix A_c that shifts m by
δm = −1 (σ−), +1 (σ+) or 0 (σz) and has one entry per column. For local processes these are
the coefficients of Chase & Geremia, PRA 78, 052101 (2008), in the form tabulated by Shammah
et al., PRA 98, 063815 (2018), App. A (the rates there: γ_E = γ↓, γ_P = γ↑, γ_D = 2γ_φ).
With J, M the source block's spin and Jz value and n̄_2 = N/2:

===============  ===============================  =========================
process, source  weight s                         amplitude v(M)
===============  ===============================  =========================
σ−, J = j        γ↓ (n̄_2 + 1) / (2 j (j+1))       √((J + M)(J − M + 1))
σ−, J = j + 1    γ↓ (n̄_2 + J + 1) / (2 J (2J+1))  √((J + M)(J + M − 1))
σ−, J = j − 1    γ↓ (n̄_2 − J) / (2 (J+1)(2J+1))   √((J − M + 1)(J − M + 2))
σ+, J = j        γ↑ (n̄_2 + 1) / (2 j (j+1))       √((J − M)(J + M + 1))
σ+, J = j + 1    γ↑ (n̄_2 + J + 1) / (2 J (2J+1))  √((J − M)(J − M − 1))
σ+, J = j − 1    γ↑ (n̄_2 − J) / (2 (J+1)(2J+1))   √((J + M + 1)(J + M + 2))
σz, J = j        γ_φ (n̄_2 + 1) / (j (j+1))        M
σz, J = j + 1    γ_φ (n̄_2 + J + 1) / (J (2J+1))   √(J² − M²)
σz, J = j − 1    γ_φ (n̄_2 − J) / ((J+1)(2J+1))    √((J + 1)² − M²)
===============  ===============================  =========================

so that A_c[m + δm, M] = √s v(M). The Hamiltonian and G are sparse; the state blocks are
dense. Small spaces assemble the superoperator once (one sparse product per application);
larger ones apply L in one fused pass per block (:mod:`.kernel`, O(entries × terms)),
never building the (n_levels² N³)² superoperator.

Why our own generator rather than QuTiP's piqs (the cross-check in the tests and the peer
in ``benchmarks/bench_open_dicke.py``): piqs builds the atoms' Liouvillian on the padded
(Σ_j (2j+1))² space, in single precision (its rates are C ``float``), and a cavity has to
be tensored onto it as a full superoperator whose memory grows as n_levels⁴ N⁴; here the
cavity is carried inside each block and nothing of size (state)² is ever built.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import scipy.sparse as sp

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.quantum.open.kernel import ShiftTerms, shift_terms
from ssbattery.quantum.open.propagate import _RealCSR
from ssbattery.quantum.open.rates import JumpRates
from ssbattery.quantum.open.space import PISpace
from ssbattery.validation import check_memory, require_finite, require_positive

__all__ = [
    "ASSEMBLE_LIMIT",
    "TABLE_LIMIT",
    "CollectiveHamiltonian",
    "PILiouvillian",
    "hamiltonian_term",
    "spin_operators",
]

#: Largest number of superoperator entries assembled into one sparse matrix (≈ 50 MB;
#: above it the fused kernel is faster: 5.8 s against 8.6 s of CPU at N = 12, cutoff 24).
ASSEMBLE_LIMIT = 2_000_000


def spin_operators(j: float) -> tuple[sp.csr_array, sp.csr_array, np.ndarray]:
    """(J+, J−, m) of spin ``j`` in the basis k = m + j = 0 … 2j (J+|j,m⟩ = √(j(j+1) −
    m(m+1)) |j,m+1⟩). Cached (read-only arrays: every caller combines them into new
    ones); building them was a tenth of a small run's fixed cost."""
    return _spin_operators(float(j))


@functools.lru_cache(maxsize=512)
def _spin_operators(j: float) -> tuple[sp.csr_array, sp.csr_array, np.ndarray]:
    d = round(2 * j) + 1
    m = np.arange(d) - j
    up = np.sqrt(np.maximum(j * (j + 1) - m[:-1] * (m[:-1] + 1), 0.0))
    jp = sp.csr_array(sp.diags_array(up, offsets=-1, shape=(d, d)))
    m.setflags(write=False)
    return jp, sp.csr_array(jp.T), m


@renamed_kwargs(omega_c="omega_cav")
@dataclass(frozen=True)
class CollectiveHamiltonian:
    """H = ωc a†a + ωa Jz + 2 ωc g Jx (a + a†) + (η/N) Jz² + Ω Jx (eqs. 8–9, ħ = 1).

    The conventions of :mod:`ssbattery.quantum.dicke`: J = ½ Σ σ, energies in units of ωc.
    Without a cavity (one Fock level) the first and third terms vanish: the classical-drive
    battery ωa Jz + (η/N) Jz² + Ω Jx.
    """

    n_atoms: int
    omega_a: float = 1.0
    omega_cav: float = 1.0
    coupling: float = 0.0
    eta: float = 0.0
    drive: float = 0.0

    omega_c = renamed_attribute("omega_cav")

    def __post_init__(self) -> None:
        require_positive("omega_a", self.omega_a)
        require_positive("omega_cav", self.omega_cav)
        for name in ("coupling", "eta", "drive"):
            require_finite(name, getattr(self, name))

    def terms(self, n_levels: int) -> tuple[tuple[str, float], ...]:
        """H as (name, coefficient) pairs of the unit operators of :func:`hamiltonian_term`
        (zero coefficients left out): H = Σ c · term. The generator is linear in them."""
        out = [("jz", float(self.omega_a))]
        if self.eta != 0.0:
            out.append(("jz2", self.eta / self.n_atoms))
        if self.drive != 0.0:
            out.append(("jx", float(self.drive)))
        if n_levels > 1:
            out.append(("photons", float(self.omega_cav)))
            if self.coupling != 0.0:
                out.append(("coupling", 2.0 * self.omega_cav * self.coupling))
        return tuple(out)

    def block(self, j: float, n_levels: int) -> sp.csr_array:
        """H on Fock (``n_levels`` states) ⊗ spin j, index n (2j+1) + k, as real CSR."""
        H: sp.csr_array | None = None
        for name, c in self.terms(n_levels):
            part = c * hamiltonian_term(name, j, n_levels)
            H = part if H is None else H + part
        out = sp.csr_array(H)
        out.sum_duplicates()
        return out


def hamiltonian_term(name: str, j: float, n_levels: int) -> sp.csr_array:
    """One unit operator of :meth:`CollectiveHamiltonian.terms` on Fock ⊗ spin j (real
    CSR, cached, read-only): ``jz`` 1 ⊗ Jz, ``jz2`` 1 ⊗ Jz², ``jx`` 1 ⊗ Jx, ``photons``
    a†a ⊗ 1, ``coupling`` (a + a†) ⊗ Jx."""
    return _hamiltonian_term(name, float(j), int(n_levels))


@functools.lru_cache(maxsize=1024)
def _hamiltonian_term(name: str, j: float, n_levels: int) -> sp.csr_array:
    jp, jm, m = spin_operators(j)
    d = m.size
    eye_c = sp.identity(n_levels, format="csr")
    eye_s = sp.identity(d, format="csr")
    n = np.arange(n_levels, dtype=float)
    a = sp.diags_array(np.sqrt(n[1:]), offsets=1, shape=(n_levels, n_levels))
    jx = 0.5 * (jp + jm)
    if name == "jz":
        H = sp.kron(eye_c, sp.diags_array(m))
    elif name == "jz2":
        H = sp.kron(eye_c, sp.diags_array(m * m))
    elif name == "jx":
        H = sp.kron(eye_c, jx)
    elif name == "photons":
        H = sp.kron(sp.diags_array(n), eye_s)
    elif name == "coupling":
        H = sp.kron(a + a.T, jx)
    else:
        raise ValueError(f"unknown Hamiltonian term {name!r}")
    out = sp.csr_array(H, dtype=float)
    out.sum_duplicates()
    return out


def _local_channels(
    n_atoms: int, j_t: float, j_s: float, rates: JumpRates
) -> list[tuple[float, int, np.ndarray]]:
    """(weight s, δm, v over the source's k) of the local jumps from block j_s to j_t."""
    half = n_atoms / 2.0
    J = j_s
    M = np.arange(round(2 * J) + 1) - J
    out: list[tuple[float, int, np.ndarray]] = []
    dj = round(j_t - j_s)
    if dj == 0:
        if J > 0:
            base = (half + 1) / (J * (J + 1))
            out.append((rates.local_down * base / 2, -1, np.sqrt((J + M) * (J - M + 1))))
            out.append((rates.local_up * base / 2, +1, np.sqrt((J - M) * (J + M + 1))))
            out.append((rates.local_dephasing * base, 0, M.copy()))
    elif dj == -1:  # source J = j + 1
        base = (half + J + 1) / (J * (2 * J + 1))
        out.append((rates.local_down * base / 2, -1, np.sqrt((J + M) * (J + M - 1))))
        out.append((rates.local_up * base / 2, +1, np.sqrt((J - M) * (J - M - 1))))
        out.append((rates.local_dephasing * base, 0, np.sqrt(J * J - M * M)))
    elif dj == 1:  # source J = j − 1
        base = (half - J) / ((J + 1) * (2 * J + 1))
        out.append((rates.local_down * base / 2, -1, np.sqrt((J - M + 1) * (J - M + 2))))
        out.append((rates.local_up * base / 2, +1, np.sqrt((J + M + 1) * (J + M + 2))))
        out.append((rates.local_dephasing * base, 0, np.sqrt((J + 1) ** 2 - M * M)))
    return [c for c in out if c[0] > 0]


def _shift_matrix(d_t: int, d_s: int, shift: int, amp: np.ndarray) -> sp.csr_array:
    """A[k_s + shift, k_s] = amp[k_s] where the target index lies in 0 … d_t − 1."""
    ks = np.arange(d_s)
    kt = ks + shift
    ok = (kt >= 0) & (kt < d_t) & (amp != 0)
    return sp.csr_array((amp[ok].astype(complex), (kt[ok], ks[ok])), shape=(d_t, d_s))


def _block_operators(
    space: PISpace, hamiltonian: list[sp.csr_array] | None, rates: JumpRates
) -> tuple[list[sp.csr_array], list[tuple[int, int, sp.csr_array]]]:
    """The generator's block operators: G_j = −i H_j − ½ K_j for every block and the jump
    channels (target block, source block, A) of the module docstring (the one builder:
    the assembled superoperator, the cached tables and the fused kernel all start here).
    ``hamiltonian`` is the list of H_j (None: H = 0)."""
    nc = space.n_levels
    N = space.n_atoms
    n = np.arange(nc, dtype=float)
    G_all: list[sp.csr_array] = []
    jumps: list[tuple[int, int, sp.csr_array]] = []
    eye_c = sp.identity(nc, format="csr")
    a = sp.csr_array(sp.diags_array(np.sqrt(n[1:]), offsets=1, shape=(nc, nc)))
    for b, j in enumerate(space.j_values):
        jp, jm, m = spin_operators(j)
        d = m.size
        eye_s = sp.identity(d, format="csr")
        # a a† of the truncated Fock space: n + 1 below the cutoff, 0 on the top level
        # (so that Σ C†C matches the jumps and the trace is kept)
        K = _decay_diagonal(rates, N, nc, j)
        G = -0.5 * sp.diags_array(K.astype(complex))
        if hamiltonian is not None:
            G = G - 1j * hamiltonian[b]
        G_all.append(sp.csr_array(G))
        if rates.cavity_down > 0:
            jumps.append((b, b, sp.csr_array(np.sqrt(rates.cavity_down) * sp.kron(a, eye_s))))
        if rates.cavity_up > 0:
            jumps.append((b, b, sp.csr_array(np.sqrt(rates.cavity_up) * sp.kron(a.T, eye_s))))
        if rates.collective_down > 0:
            jumps.append((b, b, sp.csr_array(np.sqrt(rates.collective_down) * sp.kron(eye_c, jm))))
        if rates.collective_up > 0:
            jumps.append((b, b, sp.csr_array(np.sqrt(rates.collective_up) * sp.kron(eye_c, jp))))
        for bs in (b - 1, b, b + 1):
            if not 0 <= bs < len(space.j_values):
                continue
            j_s = space.j_values[bs]
            d_s = round(2 * j_s) + 1
            for s, dm, v in _local_channels(N, j, j_s, rates):
                # k_t = m + dm + j, k_s = m + j_s  →  shift = dm + (j − j_s)
                shift = dm + round(j - j_s)
                A = _shift_matrix(d, d_s, shift, np.sqrt(s) * v)
                if A.nnz:
                    jumps.append((b, bs, sp.csr_array(sp.kron(eye_c, A))))
    return G_all, jumps


def _decay_diagonal(rates: JumpRates, n_atoms: int, n_levels: int, j: float) -> np.ndarray:
    """K = Σ_c C_c†C_c on Fock ⊗ spin j (diagonal), index n (2j+1) + k."""
    n = np.arange(n_levels, dtype=float)
    m = spin_operators(j)[2]
    k_cav = rates.cavity_down * n + rates.cavity_up * np.append(n[1:], 0.0)
    k_spin = (
        rates.collective_down * (j * (j + 1) - m * (m - 1))
        + rates.collective_up * (j * (j + 1) - m * (m + 1))
        + rates.local_down * (n_atoms / 2 + m)
        + rates.local_up * (n_atoms / 2 - m)
        + rates.local_dephasing * n_atoms / 2
    )
    return np.asarray((k_cav[:, None] + k_spin[None, :]).ravel())


def _superoperator(
    space: PISpace, G: list[sp.csr_array], jumps: list[tuple[int, int, sp.csr_array]]
) -> sp.csr_array:
    """The generator of the block operators as one sparse matrix (see
    :meth:`PILiouvillian.to_sparse`)."""
    rows, cols, vals = [], [], []
    off = space.offsets

    def add(M: sp.sparray, r0: int, c0: int) -> None:
        coo = sp.coo_array(M)
        rows.append(coo.row.astype(np.int64) + r0)
        cols.append(coo.col.astype(np.int64) + c0)
        vals.append(coo.data)

    for b, D in enumerate(space.block_dims):
        eye = sp.identity(D, format="csr")
        add(sp.kron(G[b], eye) + sp.kron(eye, G[b].conj()), off[b], off[b])
    for bt, bs, A in jumps:
        add(sp.kron(A, A.conj()), off[bt], off[bs])
    L = sp.csr_array(
        (
            np.concatenate(vals).astype(complex),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(space.size, space.size),
    )
    L.sum_duplicates()
    return L


#: Largest state (complex entries) whose generator is combined from cached unit-term
#: tables (:class:`_GeneratorTable`) instead of being built block by block: the build then
#: costs one scaled addition per term (measured: 18 ms → 0.05 ms at N = 10 driven).
#: The tables of the last ``_TABLES_CACHED`` spaces are kept (≤ ~10 MB each here).
TABLE_LIMIT = 16_384
_TABLES_CACHED = 8

_RATE_NAMES = tuple(f.name for f in fields(JumpRates))


def _keeps_parity(h_names: tuple[str, ...], n_levels: int) -> bool:
    """Whether the Hamiltonian terms keep the coherence parity (n + k + n′ + k′) mod 2
    (see :meth:`PILiouvillian.keeps_parity`): every term but the drive ``jx`` shifts n + k
    by an even amount, and the jumps shift both sides alike."""
    return n_levels > 1 and "jx" not in h_names


class _GeneratorTable:
    """The generator L = Σ_t c_t L_t of one space as unit-term superoperators L_t on one
    union sparsity pattern: the Hamiltonian's terms (L_t ρ = −i[h_t, ρ], h_t of
    :func:`hamiltonian_term`), the unit-rate dissipators of every jump rate, and the
    identity (for the Chebyshev shift). Combining them is one scaled addition per term.
    Each L_t comes from :func:`_block_operators` and :func:`_superoperator` (the one
    builder). Also the unit decay diagonals K_t and the dense unit Hamiltonian blocks
    (the spectral extent)."""

    def __init__(
        self, space: PISpace, h_names: tuple[str, ...], rate_names: tuple[str, ...]
    ) -> None:
        size = space.size
        nc = space.n_levels
        parts: list[sp.csr_array] = []
        for name in h_names:
            hb = [hamiltonian_term(name, j, nc) for j in space.j_values]
            parts.append(_superoperator(space, [-1j * h for h in hb], []))
        for name in rate_names:
            G, jumps = _block_operators(space, None, JumpRates(**{name: 1.0}))
            parts.append(_superoperator(space, G, jumps))
        parts.append(sp.csr_array(sp.identity(size, dtype=complex, format="csr")))
        names = (*h_names, *rate_names, "identity")
        self.shape = (size, size)
        self.indptr, self.indices, self.terms, self.nnz = _union_terms(parts, names, self.shape)
        self.terms = {k: (pos, np.asarray(v, dtype=complex)) for k, (pos, v) in self.terms.items()}
        # the real form (see _RealForm), in the parity sector where every term keeps it
        self.form = _real_form(space, _keeps_parity(h_names, nc))
        real = [self.form.compress_matrix(P) for P in parts]
        self.real_shape = (self.form.n, self.form.n)
        self.real_indptr, self.real_indices, self.real_terms, self.real_nnz = _union_terms(
            real, names, self.real_shape
        )
        # 64-bit indices for the compiled recurrence (no widening per load: measured
        # 1.73 → 1.53 µs per product at N = 10 driven; the tables are small)
        self.real_indptr = _read_only(self.real_indptr.astype(np.int64))
        self.real_indices = _read_only(self.real_indices.astype(np.int64))
        self.decay = {
            name: np.concatenate(
                [
                    _decay_diagonal(JumpRates(**{name: 1.0}), space.n_atoms, nc, j)
                    for j in space.j_values
                ]
            )
            for name in rate_names
        }
        self.h_dense = {
            name: [hamiltonian_term(name, j, nc).toarray() for j in space.j_values]
            for name in h_names
        }

    def data(self, coefficients: dict[str, float], *, scale: float = 1.0) -> np.ndarray:
        """The entries of scale × Σ_t c_t L_t on the union pattern (``identity`` a term)."""
        out = np.zeros(self.nnz, dtype=complex)
        for name, c in coefficients.items():
            pos, val = self.terms[name]
            out[pos] += (scale * c) * val
        return out

    def real_matrix(self, coefficients: dict[str, float], *, scale: float = 1.0) -> sp.csr_array:
        """scale × Σ_t c_t C L_t T, the real form (:class:`_RealForm`) of :meth:`data`."""
        S = self.real_parts(coefficients, scale=scale)
        return sp.csr_array((S.data, S.indices, S.indptr), shape=S.shape)

    def real_parts(self, coefficients: dict[str, float], *, scale: float = 1.0) -> _RealCSR:
        """:meth:`real_matrix` as its CSR arrays (for the compiled recurrence)."""
        out = np.zeros(self.real_nnz)
        for name, c in coefficients.items():
            pos, val = self.real_terms[name]
            out[pos] += (scale * c) * val
        return _RealCSR(self.real_indptr, self.real_indices, out, self.real_shape)

    def matrix(self, coefficients: dict[str, float], *, scale: float = 1.0) -> sp.csr_array:
        """:meth:`data` as a CSR array."""
        return sp.csr_array(
            (self.data(coefficients, scale=scale), self.indices, self.indptr), shape=self.shape
        )


class _RealForm:
    """Hermitian states as real vectors: x = (Re ρ_ab for a ≤ b, Im ρ_ab for a < b) of
    every block, restricted to the even coherence parity sector where L keeps it
    (``parity``; the odd entries of the charging runs stay zero). L maps Hermitian to
    Hermitian, so it acts on x as a real matrix C L T (T: x ↦ ρ, C: the real and
    imaginary parts of the kept entries): ~¼ of the complex product's flops, ~⅛ with
    the parity sector. ``expand`` is T, ``compress`` C."""

    def __init__(self, space: PISpace, parity: bool) -> None:
        re_rows, im_rows, im_mirror, diag = [], [], [], []
        for o, d, D in zip(space.offsets[:-1], space.spin_dims, space.block_dims, strict=True):
            a, b = np.triu_indices(D)
            if parity:
                even = (a // d + a % d + b // d + b % d) % 2 == 0
                a, b = a[even], b[even]
            re_rows.append(o + a * D + b)
            off = a < b
            im_rows.append((o + a * D + b)[off])
            im_mirror.append((o + b * D + a)[off])
            diag.append(off)
        self.size = space.size
        self.parity = parity
        self.re_rows = np.concatenate(re_rows)
        self.im_rows = np.concatenate(im_rows)
        off = np.concatenate(diag)
        n_re, n_im = self.re_rows.size, self.im_rows.size
        self.n = n_re + n_im
        mirror_re = np.concatenate(
            [
                o + (r - o) % D * D + (r - o) // D
                for r, o, D in zip(re_rows, space.offsets[:-1], space.block_dims, strict=True)
            ]
        )
        cols_re = np.arange(n_re)
        cols_im = n_re + np.arange(n_im)
        rows = np.concatenate(
            [self.re_rows, mirror_re[off], self.im_rows, np.concatenate(im_mirror)]
        )
        cols = np.concatenate([cols_re, cols_re[off], cols_im, cols_im])
        vals = np.concatenate(
            [np.ones(n_re), np.ones(int(off.sum())), 1j * np.ones(n_im), -1j * np.ones(n_im)]
        )
        self.T = sp.csr_array((vals, (rows, cols)), shape=(self.size, self.n))
        self._re_off = np.flatnonzero(off)  # the real parts that have a mirror entry
        self._mirror_re = mirror_re[off]
        self._im_mirror = np.concatenate(im_mirror)

    def compress_matrix(self, M: sp.sparray) -> sp.csr_array:
        """C M T: the real matrix of M on the real vectors (M Hermiticity-preserving)."""
        MT = sp.csr_array(sp.csr_array(M) @ self.T)
        out = sp.vstack([MT[self.re_rows].real, MT[self.im_rows].imag], format="csr")
        out.eliminate_zeros()
        return sp.csr_array(out)

    def reduction(self, P: sp.csr_array | None) -> sp.csr_array | None:
        """The reduction P (complex, m rows) on the real vectors: (Re P T; Im P T), or
        None for the identity (then :meth:`reduced` expands the real vectors)."""
        if P is None:
            return None
        PT = sp.csr_array(P @ self.T)
        out = sp.vstack([PT.real, PT.imag], format="csr")
        out.eliminate_zeros()
        return sp.csr_array(out)

    def reduced(self, rows: np.ndarray, P: sp.csr_array | None) -> np.ndarray:
        """The complex reductions from the real ones (rows of :meth:`reduction`'s output,
        or of real vectors where P is None)."""
        if P is None:
            return self.expand_rows(np.asarray(rows))
        m = P.shape[0]
        return rows[:, :m] + 1j * rows[:, m:]

    def compress(self, y: np.ndarray) -> np.ndarray:
        """The real vector of the Hermitian state ``y``."""
        return np.concatenate([y[self.re_rows].real, y[self.im_rows].imag])

    def expand(self, x: np.ndarray) -> np.ndarray:
        """The complex flat state of the real vector ``x``."""
        return np.asarray(self.T @ x)

    def expand_rows(self, X: np.ndarray) -> np.ndarray:
        """:meth:`expand` of every row of ``X`` (shape (n_t, n)), compiled: the same
        numbers as (T Xᵀ)ᵀ, whose sparse-times-dense product took ~2 ms of a 4 ms run at
        N = 20 driven (this: ~0.3 ms)."""
        from ssbattery.quantum.open._chebyshev_numba import expand_real_rows

        return expand_real_rows(
            np.ascontiguousarray(X, dtype=np.float64),
            self.re_rows,
            self._mirror_re,
            self._re_off,
            self.im_rows,
            self._im_mirror,
            self.size,
        )


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@functools.lru_cache(maxsize=_TABLES_CACHED)
def _real_form(space: PISpace, parity: bool) -> _RealForm:
    return _RealForm(space, parity)


def _union_terms(
    parts: list[sp.csr_array], names: tuple[str, ...], size: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]], int]:
    """One sparsity pattern for the matrices ``parts``: (indptr, indices, {name: (positions,
    values)}, nnz), each part's entries at its positions in the union."""
    coo = [sp.coo_array(P) for P in parts]
    keys = [c.row.astype(np.int64) * size[1] + c.col for c in coo]
    uniq, inv = np.unique(np.concatenate(keys), return_inverse=True)
    rows = uniq // size[1]
    indices = np.ascontiguousarray(uniq % size[1], dtype=np.int32)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=size[0]))]).astype(np.int32)
    bounds = np.cumsum([0] + [k.size for k in keys])
    terms = {name: (inv[bounds[i] : bounds[i + 1]], coo[i].data) for i, name in enumerate(names)}
    for arr in (indices, indptr):
        arr.setflags(write=False)
    return indptr, indices, terms, int(uniq.size)


@functools.lru_cache(maxsize=_TABLES_CACHED)
def _generator_table(
    space: PISpace, h_names: tuple[str, ...], rate_names: tuple[str, ...]
) -> _GeneratorTable:
    return _GeneratorTable(space, h_names, rate_names)


class PILiouvillian:
    """The Lindblad generator L on a :class:`PISpace`, applied to the flat state vector.

    ``apply(y)`` returns L y (``y`` a Hermitian state, as every ρ and every linear
    combination the integrator forms with real coefficients is). ``assemble`` None builds
    the sparse superoperator when it has at most ``ASSEMBLE_LIMIT`` entries (True/False
    force it); otherwise L is applied by the fused kernel of :mod:`.kernel`.
    ``even_parity`` promises that every state it is applied to has even coherence parity
    (see :meth:`keeps_parity`; ignored where L does not conserve it): the kernel then
    computes half the entries. ``hamiltonian`` None means H = 0.

    Spaces of at most ``TABLE_LIMIT`` entries combine L from cached unit-term tables
    (:class:`_GeneratorTable`, the same entries to rounding); larger ones build the block
    operators (:func:`_block_operators`) on first use.
    """

    def __init__(
        self,
        space: PISpace,
        hamiltonian: CollectiveHamiltonian | None,
        rates: JumpRates,
        *,
        assemble: bool | None = None,
        even_parity: bool = False,
    ):
        self.space = space
        self.hamiltonian = hamiltonian
        self.rates = rates
        self._blocks: tuple[list[sp.csr_array], list[sp.csr_array], list] | None = None
        self._extent: tuple[float, float] | None = None
        self._coefficients: dict[str, float] = {}
        self._table: _GeneratorTable | None = None
        if space.size <= TABLE_LIMIT:
            h_terms = () if hamiltonian is None else hamiltonian.terms(space.n_levels)
            h_terms = tuple((n, c) for n, c in h_terms if c != 0.0)
            r_terms = tuple((n, float(getattr(rates, n))) for n in _RATE_NAMES)
            r_terms = tuple((n, c) for n, c in r_terms if c > 0.0)
            self._table = _generator_table(
                space, tuple(n for n, _ in h_terms), tuple(n for n, _ in r_terms)
            )
            self._coefficients = dict(h_terms + r_terms)
        # Small spaces: one assembled sparse matrix (one C loop per product instead of a
        # Python loop over blocks and channels; measured 5–20× faster below ~10⁷ entries).
        # Larger ones: the fused kernel of .kernel on the blocks.
        self._assembled_matrix: sp.csr_array | None = None
        self._is_assembled = False
        if assemble is None:
            assemble = self.nnz_estimate() <= ASSEMBLE_LIMIT
        if assemble:
            self.assemble()
        self.even_parity = False
        self._shifts: ShiftTerms | None = None
        if not assemble:
            self.even_parity = bool(even_parity) and self.keeps_parity()

    @property
    def assembled(self) -> bool:
        """Whether L is held as one sparse matrix (:meth:`assemble`)."""
        return self._is_assembled

    def provenance(self) -> str:
        """How L is applied: ``"assembled CSR (unit-term tables)"``, ``"assembled CSR"``,
        ``"fused kernel"`` or ``"fused kernel (parity sector)"``."""
        if self._is_assembled:
            return "assembled CSR" + (" (unit-term tables)" if self._table is not None else "")
        return "fused kernel" + (" (parity sector)" if self.even_parity else "")

    @property
    def _assembled(self) -> sp.csr_array | None:
        """The assembled matrix (None if L is not assembled), combined on first use."""
        if self._is_assembled and self._assembled_matrix is None:
            self._assembled_matrix = self.to_sparse()
        return self._assembled_matrix

    def _block_ops(self) -> tuple[list[sp.csr_array], list[sp.csr_array], list]:
        """(H blocks, G blocks, jumps), built on first use."""
        if self._blocks is None:
            sp_ = self.space
            H = (
                None
                if self.hamiltonian is None
                else [self.hamiltonian.block(j, sp_.n_levels) for j in sp_.j_values]
            )
            G, jumps = _block_operators(sp_, H, self.rates)
            if H is None:
                H = [sp.csr_array((D, D)) for D in sp_.block_dims]
            self._blocks = (H, G, jumps)
        return self._blocks

    def assemble(self) -> None:
        """Build the sparse superoperator now (:meth:`to_sparse`; a memory check comes
        first), so that :meth:`apply` and the Chebyshev step use it. What a caller does
        after its own memory estimate, instead of building the blocks twice."""
        if not self._is_assembled:
            if self._table is None:  # the tabled matrix is combined when first used
                self._assembled_matrix = self.to_sparse()
            self._is_assembled = True
            self.even_parity = False

    def keeps_parity(self) -> bool:
        """Whether L conserves the coherence parity (n + k + n′ + k′) mod 2: every
        Hamiltonian term shifts n + k by an even amount (no classical drive Ω Jx, and a
        cavity; the jumps shift both sides alike). Then a state that starts with even
        coherence parity (|N⟩⊗|j, −j⟩ does) keeps it and half its entries stay zero."""
        return self.space.n_levels > 1 and self._terms().hamiltonian_keeps_parity()

    def spectral_extent(self) -> tuple[float, float]:
        """(R, d): the largest Bohr frequency max_j (E_max − E_min of H_j), widened by 2 %,
        and d = 2 max K, K = Σ C†C (diagonal here) the total jump rate of each level;
        L's spectrum lies in about −d ≤ Re λ ≤ 0, |Im λ| ≤ R (the propagator's expansion checks
        its own convergence). The factor 2: the dissipator D = J − ½{K, ·} has ‖J‖ ≤ ‖K‖
        (J completely positive with J*(1) = K), so ‖D‖ ≤ 2‖K‖ in the trace norm, and the
        bound is reached (dephasing √(γ/2) σz: K = γ/2, the coherence decays at γ). With
        max K alone the spectrum's real part reached −2d, off-centre of the expansion
        (−d/2), which then lost (e^{3dΔt/2} relative) precision and diverged at strong
        dephasing (γ_φ = 1000 at N = 1, 2)."""
        from ssbattery.quantum.evolution import spectral_bounds

        if self._extent is None:
            R = 0.0
            spin_field = self._table is not None and set(self._table.h_dense) <= {"jz", "jx"}
            if self.hamiltonian is not None and spin_field and self.space.n_levels == 1:
                # ωa Jz + Ω Jx = √(ωa² + Ω²) J_n: levels m √(ωa² + Ω²), width 2j of that
                c = self._coefficients
                R = 2 * max(self.space.j_values) * math.hypot(c.get("jz", 0.0), c.get("jx", 0.0))
                R *= 1 + 2e-12
            elif self.hamiltonian is not None and self._table is not None:
                for H in self._hamiltonian_blocks():  # small dense blocks: exact
                    if H.shape[0] > 1:
                        ev = np.linalg.eigvalsh(H)
                        R = max(R, float(ev[-1] - ev[0]) * (1 + 2e-12))
            elif self.hamiltonian is not None:
                for H in self._hamiltonian_blocks():
                    lo, hi = spectral_bounds(H)
                    R = max(R, hi - lo)
            self._extent = (1.02 * R + 1e-12, 2.0 * self._max_decay())
        return self._extent

    def _hamiltonian_blocks(self) -> list[Any]:
        """H_j of every block (dense from the table, else the sparse blocks)."""
        tab = self._table
        if tab is None:
            return self._block_ops()[0]
        out = []
        for b in range(len(self.space.j_values)):
            H = None
            for name, dense in tab.h_dense.items():
                part = self._coefficients[name] * dense[b]
                H = part if H is None else H + part
            out.append(H)
        return out

    def _max_decay(self) -> float:
        """max K over every level of every block."""
        tab = self._table
        if tab is None:
            G = self._block_ops()[1]
            return max(float(np.max(-2.0 * g.diagonal().real, initial=0.0)) for g in G)
        K = np.zeros(sum(self.space.block_dims))
        for name, unit in tab.decay.items():
            K += self._coefficients[name] * unit
        return float(np.max(K, initial=0.0))

    def nnz_estimate(self) -> int:
        """Entries of the assembled superoperator (see :meth:`to_sparse`; exact for the
        tabled spaces, an upper bound otherwise)."""
        if self._table is not None:
            return self._table.nnz
        _H, G, jumps = self._block_ops()
        total = 0
        for b, D in enumerate(self.space.block_dims):
            total += 2 * G[b].nnz * D
        for _bt, _bs, A in jumps:
            total += A.nnz * A.nnz
        return total

    def to_sparse(self) -> sp.csr_array:
        """The generator as one sparse matrix on the flat (row-major) state vector.

        vec(G ρ) = (G ⊗ 1) vec ρ, vec(ρ G†) = (1 ⊗ Ḡ) vec ρ and vec(A ρ A†) = (A ⊗ Ā) vec ρ
        for row-major stacking. Exact for any ρ (no Hermitian assumption).
        """
        if self._table is not None:  # small (≤ TABLE_LIMIT entries): no memory check
            return self._table.matrix(self._coefficients)
        check_memory("the assembled Liouvillian", (self.nnz_estimate(),), bytes_per_element=32)
        _H, G, jumps = self._block_ops()
        return _superoperator(self.space, G, jumps)

    def chebyshev_step(self, half_width: float, decay: float) -> Callable[[np.ndarray], np.ndarray]:
        """y ↦ 2(L + d/2) y / R, the map of :func:`~.propagate.propagate_chebyshev`
        (assembled once when L is)."""
        scale, shift = 2.0 / half_width, 0.5 * decay
        if self._assembled is not None:
            S = self.chebyshev_matrix(half_width, decay)
            return lambda y: np.asarray(S @ y)
        terms = self._terms().scaled(scale, shift)
        return lambda y: terms.apply(y, parity=self.even_parity)

    def chebyshev_matrix(self, half_width: float, decay: float) -> sp.csr_array:
        """S = 2(L + d/2)/R as a CSR array (assembled generators only)."""
        scale, shift = 2.0 / half_width, 0.5 * decay
        if self._table is not None:
            coef = dict(self._coefficients, identity=shift)
            return self._table.matrix(coef, scale=scale)
        if self._assembled is None:
            raise ValueError("chebyshev_matrix needs the assembled generator (assemble()).")
        return sp.csr_array(
            scale * (self._assembled + shift * sp.identity(self.space.size, format="csr"))
        )

    def real_form(self, half_width: float, decay: float) -> tuple[_RealForm, sp.csr_array]:
        """(form, S_r): S = 2(L + d/2)/R on the real vectors of :class:`_RealForm` (the
        parity sector where L keeps it), for the compiled propagator (assembled L only)."""
        form, S = self._real_step(half_width, decay)
        if isinstance(S, _RealCSR):
            return form, sp.csr_array((S.data, S.indices, S.indptr), shape=S.shape)
        return form, S

    def _real_step(
        self, half_width: float, decay: float
    ) -> tuple[_RealForm, sp.csr_array | _RealCSR]:
        """:meth:`real_form`, the tabled matrix as its CSR arrays (no scipy object)."""
        scale, shift = 2.0 / half_width, 0.5 * decay
        if self._table is not None:
            coef = dict(self._coefficients, identity=shift)
            return self._table.form, self._table.real_parts(coef, scale=scale)
        names = (
            ()
            if self.hamiltonian is None
            else tuple(n for n, _ in self.hamiltonian.terms(self.space.n_levels))
        )
        form = _RealForm(self.space, _keeps_parity(names, self.space.n_levels))
        return form, form.compress_matrix(self.chebyshev_matrix(half_width, decay))

    def chebyshev_step_into(
        self, half_width: float, decay: float
    ) -> Callable[[np.ndarray, np.ndarray], None] | None:
        """(x, acc) ↦ acc += 2(L + d/2) x / R in place (the kernel's form, no state-sized
        temporary per term); None for the assembled generator."""
        if self._assembled is not None:
            return None
        terms = self._terms().scaled(2.0 / half_width, 0.5 * decay)
        par = self.even_parity
        return lambda x, acc: terms.apply_into(x, acc, parity=par)

    def _terms(self) -> ShiftTerms:
        if self._shifts is None:
            _H, G, jumps = self._block_ops()
            self._shifts = shift_terms(
                self.space.n_levels, self.space.spin_dims, self.space.offsets, G, jumps
            )
        return self._shifts

    def apply(self, y: np.ndarray) -> np.ndarray:
        """L y for the flat state ``y`` (a new array).

        With the assembled matrix (small spaces) this is one sparse product, exact for any
        ``y``; otherwise the fused kernel, for a Hermitian ``y`` (as every ρ and every
        real combination of states the propagators form is).
        """
        if self._assembled is not None:
            return np.asarray(self._assembled @ y)
        return self._terms().apply(np.ascontiguousarray(y), parity=self.even_parity)

    def __call__(self, t: float, y: np.ndarray) -> np.ndarray:
        """The ODE right-hand side f(t, y) = L y (time-independent)."""
        return self.apply(y)
