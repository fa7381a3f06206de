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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.quantum.open.kernel import ShiftTerms, shift_terms
from ssbattery.quantum.open.rates import JumpRates
from ssbattery.quantum.open.space import PISpace
from ssbattery.validation import check_memory, require_finite, require_positive

__all__ = ["ASSEMBLE_LIMIT", "CollectiveHamiltonian", "PILiouvillian", "spin_operators"]

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

    def block(self, j: float, n_levels: int) -> sp.csr_array:
        """H on Fock (``n_levels`` states) ⊗ spin j, index n (2j+1) + k, as real CSR."""
        jp, jm, m = spin_operators(j)
        d = m.size
        jx = 0.5 * (jp + jm)
        spin = sp.diags_array(self.omega_a * m + (self.eta / self.n_atoms) * m * m)
        if self.drive != 0.0:
            spin = spin + self.drive * jx
        n = np.arange(n_levels, dtype=float)
        H = sp.kron(sp.identity(n_levels), spin)
        if n_levels > 1:
            a = sp.diags_array(np.sqrt(n[1:]), offsets=1, shape=(n_levels, n_levels))
            H = H + sp.kron(sp.diags_array(self.omega_cav * n), sp.identity(d))
            if self.coupling != 0.0:
                H = H + (2.0 * self.omega_cav * self.coupling) * sp.kron(a + a.T, jx)
        out = sp.csr_array(H)
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


class PILiouvillian:
    """The Lindblad generator L on a :class:`PISpace`, applied to the flat state vector.

    ``apply(y)`` returns L y (``y`` a Hermitian state, as every ρ and every linear
    combination the integrator forms with real coefficients is). ``assemble`` None builds
    the sparse superoperator when it has at most ``ASSEMBLE_LIMIT`` entries (True/False
    force it); otherwise L is applied by the fused kernel of :mod:`.kernel`.
    ``even_parity`` promises that every state it is applied to has even coherence parity
    (see :meth:`keeps_parity`; ignored where L does not conserve it): the kernel then
    computes half the entries. ``hamiltonian`` None means H = 0.
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
        nc = space.n_levels
        N = space.n_atoms
        n = np.arange(nc, dtype=float)
        self._G: list[sp.csr_array] = []
        self._H: list[sp.csr_array] = []  # the Hamiltonian's blocks (for the spectral bound)
        self._extent: tuple[float, float] | None = None
        # jump channels: (target block, source block, A)
        self._jumps: list[tuple[int, int, sp.csr_array]] = []
        eye_c = sp.identity(nc, format="csr")
        a = sp.csr_array(sp.diags_array(np.sqrt(n[1:]), offsets=1, shape=(nc, nc)))
        for b, j in enumerate(space.j_values):
            jp, jm, m = spin_operators(j)
            d = m.size
            eye_s = sp.identity(d, format="csr")
            # a a† of the truncated Fock space: n + 1 below the cutoff, 0 on the top level
            # (so that Σ C†C matches the jumps and the trace is kept)
            k_cav = rates.cavity_down * n + rates.cavity_up * np.append(n[1:], 0.0)
            k_spin = (
                rates.collective_down * (j * (j + 1) - m * (m - 1))
                + rates.collective_up * (j * (j + 1) - m * (m + 1))
                + rates.local_down * (N / 2 + m)
                + rates.local_up * (N / 2 - m)
                + rates.local_dephasing * N / 2
            )
            K = (k_cav[:, None] + k_spin[None, :]).ravel()
            H = sp.csr_array((nc * d, nc * d)) if hamiltonian is None else hamiltonian.block(j, nc)
            self._H.append(H)
            G = -1j * H - 0.5 * sp.diags_array(K.astype(complex))
            self._G.append(sp.csr_array(G))
            if rates.cavity_down > 0:
                self._jumps.append(
                    (b, b, sp.csr_array(np.sqrt(rates.cavity_down) * sp.kron(a, eye_s)))
                )
            if rates.cavity_up > 0:
                self._jumps.append(
                    (b, b, sp.csr_array(np.sqrt(rates.cavity_up) * sp.kron(a.T, eye_s)))
                )
            if rates.collective_down > 0:
                self._jumps.append(
                    (b, b, sp.csr_array(np.sqrt(rates.collective_down) * sp.kron(eye_c, jm)))
                )
            if rates.collective_up > 0:
                self._jumps.append(
                    (b, b, sp.csr_array(np.sqrt(rates.collective_up) * sp.kron(eye_c, jp)))
                )
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
                        self._jumps.append((b, bs, sp.csr_array(sp.kron(eye_c, A))))
        # Small spaces: one assembled sparse matrix (one C loop per product instead of a
        # Python loop over blocks and channels; measured 5–20× faster below ~10⁷ entries).
        # Larger ones: the fused kernel of .kernel on the blocks.
        self._assembled: sp.csr_array | None = None
        if assemble is None:
            assemble = self.nnz_estimate() <= ASSEMBLE_LIMIT
        if assemble:
            self.assemble()
        self.even_parity = False
        self._shifts: ShiftTerms | None = None
        if not assemble:
            self.even_parity = bool(even_parity) and self.keeps_parity()

    def assemble(self) -> None:
        """Build the sparse superoperator now (:meth:`to_sparse`; a memory check comes
        first), so that :meth:`apply` and the Chebyshev step use it. What a caller does
        after its own memory estimate, instead of building the blocks twice."""
        if self._assembled is None:
            self._assembled = self.to_sparse()
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
            for H in self._H if self.hamiltonian is not None else ():
                lo, hi = spectral_bounds(H)
                R = max(R, hi - lo)
            d = max(float(np.max(-4.0 * G.diagonal().real, initial=0.0)) for G in self._G)
            self._extent = (1.02 * R + 1e-12, d)
        return self._extent

    def nnz_estimate(self) -> int:
        """Entries of the assembled superoperator (see :meth:`to_sparse`)."""
        sp_ = self.space
        total = 0
        for b, D in enumerate(sp_.block_dims):
            total += 2 * self._G[b].nnz * D
        for _bt, _bs, A in self._jumps:
            total += A.nnz * A.nnz
        return total

    def to_sparse(self) -> sp.csr_array:
        """The generator as one sparse matrix on the flat (row-major) state vector.

        vec(G ρ) = (G ⊗ 1) vec ρ, vec(ρ G†) = (1 ⊗ Ḡ) vec ρ and vec(A ρ A†) = (A ⊗ Ā) vec ρ
        for row-major stacking. Exact for any ρ (no Hermitian assumption).
        """
        sp_ = self.space
        check_memory("the assembled Liouvillian", (self.nnz_estimate(),), bytes_per_element=32)
        rows, cols, vals = [], [], []
        off = sp_.offsets

        def add(M: sp.sparray, r0: int, c0: int) -> None:
            coo = sp.coo_array(M)
            rows.append(coo.row.astype(np.int64) + r0)
            cols.append(coo.col.astype(np.int64) + c0)
            vals.append(coo.data)

        for b, D in enumerate(sp_.block_dims):
            eye = sp.identity(D, format="csr")
            add(sp.kron(self._G[b], eye) + sp.kron(eye, self._G[b].conj()), off[b], off[b])
        for bt, bs, A in self._jumps:
            add(sp.kron(A, A.conj()), off[bt], off[bs])
        L = sp.csr_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(sp_.size, sp_.size),
        )
        L.sum_duplicates()
        return L

    def chebyshev_step(self, half_width: float, decay: float) -> Callable[[np.ndarray], np.ndarray]:
        """y ↦ 2(L + d/2) y / R, the map of :func:`~.propagate.propagate_chebyshev`
        (assembled once when L is)."""
        scale, shift = 2.0 / half_width, 0.5 * decay
        if self._assembled is not None:
            S = sp.csr_array(
                scale * (self._assembled + shift * sp.identity(self.space.size, format="csr"))
            )
            return lambda y: np.asarray(S @ y)
        terms = self._terms().scaled(scale, shift)
        return lambda y: terms.apply(y, parity=self.even_parity)

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
            self._shifts = shift_terms(
                self.space.n_levels, self.space.spin_dims, self.space.offsets, self._G, self._jumps
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
