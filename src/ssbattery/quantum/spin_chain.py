"""The XXZ spin-chain quantum battery of Le et al. (review §2.3.8–2.3.9, eqs. 10–14).

Battery (ħ = μB = 1; energies in arbitrary units "a.u." as in the review's Fig. 14, where
B = 3 a.u.; times in ħ/a.u.):

    H0 = B Σ_i σz_i + Hg,                                             (eq. 10)
    Hg = −¼ Σ_{i<j} g_ij [σz_i σz_j + α (σx_i σx_j + σy_i σy_j)],     (eq. 11)

with g_ij = g δ_{d,1} (nearest neighbours, "nn") or g/d^p (long range, "lr"), d = |i − j|
(open chain) or min(|i − j|, N − |i − j|) (periodic chain).

Initial state (eq. 12): the ferromagnetic state with every spin along the field. With the
sign convention of eq. 10 (H_B = +B Σσz, field along −z) and B > 0 this is |↓↓…↓⟩
(σz = −1 on every site): it minimises the Zeeman term, and for g_ij ≥ 0, |α| ≤ 1 it also
minimises every bond (the bond operator σzσz + α(σxσx + σyσy) has eigenvalues 1 on
|↑↑⟩, |↓↓⟩ and −1 ± 2α on the singlet/triplet-0 pair, all ≤ 1), so it is the ground state
of H0 with energy E_GS = −NB − ¼ Σ_{i<j} g_ij.

Charging (eqs. 13–14): the Zeeman term is replaced by ω Σσx_i, U(t) = e^{−i(Hg + ωΣσx)t};
W(t) = Tr[H0ρ(t)] − E_GS and P(t) = W(t)/t.

Symmetries used (:mod:`ssbattery.quantum.chain_basis`): H0 and the charging Hamiltonian
are real and commute with the reflection R: i → N − 1 − i (open and periodic chains, since
g_ij depends on the distance only) and, for a periodic chain, with the translation
T: i → i + 1; the initial state is R-even with momentum 0, so the evolution stays in that
sector: about 2^N/2 states (open) or 2^N/(2N) (periodic). The spin flip F = Πσx commutes
with Hg + ωΣσx and splits that sector into two blocks of parity ±1, which evolve
independently; |↓…↓⟩ has weight 1/2 in each, and H0 couples them through BΣσz only (which
anticommutes with F), so W(t) needs both blocks at every time.

Storage: the sector operators are CSR matrices (:func:`build_operators`) while the whole
run fits the memory limit; beyond (open N ≳ 22) :func:`charge_spin_chain` applies them
matrix-free on the same sectors (:mod:`ssbattery.quantum.chain_operator`,
:mod:`ssbattery.quantum.chain_charging`; ``operator=`` chooses explicitly).

Independent spins (α = 1): Hg is then SU(2)-invariant and commutes with Σσx; the state stays
in the fully symmetric multiplet, where Hg is the constant −¼Σg_ij, so every spin precesses
freely: W(t) = 2NB sin²(ωt), and P_max = 2NBω sin²(y*)/y* at t* = y*/ω, tan y* = 2y*
(y* ≈ 1.16556), see :func:`independent_spins_power_max`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.battery import ChargingResult, charge, default_times
from ssbattery.quantum.chain_basis import ChainBasis, chain_basis, flip_sectors, sector_terms
from ssbattery.quantum.evolution import Method
from ssbattery.validation import (
    MemoryEstimate,
    require_finite,
    require_in_range,
    require_int_at_least,
    require_positive,
)

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "ChainBasis",
    "SpinChainOperators",
    "SpinChainParameters",
    "anisotropy_sweep",
    "build_operators",
    "chain_basis",
    "chain_sectors",
    "charge_spin_chain",
    "couplings",
    "default_method",
    "ground_state_energy",
    "independent_spins_energy",
    "independent_spins_power_max",
    "sector_dim",
]

Interaction = Literal["nn", "lr"]

#: The largest chain the exact (state-vector) method builds: 2^N states before the
#: symmetry reduction. Longer chains go through the MPS method (:mod:`ssbattery.quantum.mps`).
MAX_SITES = 30

#: The longest chain accepted at all (the MPS method's cost grows linearly in N).
MAX_MPS_SITES = 4096


@dataclass(frozen=True)
class SpinChainParameters:
    """Parameters of eqs. 10–14 (ħ = μB = 1; defaults: Fig. 14 with α = 1).

    Attributes:
        n_sites: N ≥ 1.
        field: B > 0 (the initial state is the ground state only for B > 0).
        charging: ω, the transverse charging field of eq. 13.
        coupling: g ≥ 0 (ferromagnetic).
        anisotropy: α ∈ [−1, 1].
        interaction: "nn" (g δ_{d,1}) or "lr" (g/d^p).
        decay: p > 0, the power of the long-range decay.
        periodic: periodic boundary conditions (distance min(|i−j|, N−|i−j|)).
    """

    #: The energy unit of B, ω and g (ħ = μB = 1), as result keys print it.
    ENERGY_UNIT: ClassVar[str] = "E₀"

    n_sites: int = 4
    field: float = 3.0
    charging: float = 12.0
    coupling: float = 3.0
    anisotropy: float = 1.0
    interaction: Interaction = "nn"
    decay: float = 1.0
    periodic: bool = False

    def __post_init__(self) -> None:
        n = require_int_at_least("n_sites", self.n_sites, 1)
        if n > MAX_MPS_SITES:
            raise InvalidParameterError(
                f"`n_sites` must be ≤ {MAX_MPS_SITES} (the MPS method), got {n}."
            )
        object.__setattr__(self, "n_sites", n)
        object.__setattr__(
            self, "field", require_positive("field", self.field, quantity="model_energy")
        )
        object.__setattr__(
            self, "charging", require_finite("charging", self.charging, quantity="model_energy")
        )
        object.__setattr__(
            self,
            "coupling",
            require_positive("coupling", self.coupling, allow_zero=True, quantity="model_energy"),
        )
        object.__setattr__(
            self, "anisotropy", require_in_range("anisotropy", self.anisotropy, -1.0, 1.0)
        )
        if self.interaction not in ("nn", "lr"):
            raise InvalidParameterError(
                f"`interaction` (CLI `--range`) must be 'nn' or 'lr', got {self.interaction!r}."
            )
        object.__setattr__(self, "decay", require_positive("decay", self.decay))
        object.__setattr__(self, "periodic", bool(self.periodic))


def couplings(params: SpinChainParameters) -> NDArray[np.float64]:
    """The N × N matrix g_ij of eq. 11 (upper triangle i < j used; zero diagonal)."""
    n = params.n_sites
    i, j = np.triu_indices(n, k=1)
    d = (j - i).astype(float)
    if params.periodic:
        d = np.minimum(d, n - d)
    if params.interaction == "nn":
        vals = np.where(d == 1, params.coupling, 0.0)
    else:
        vals = params.coupling / d**params.decay
    G = np.zeros((n, n))
    G[i, j] = vals
    return G


def ground_state_energy(params: SpinChainParameters) -> float:
    """E_GS = Tr[H0 ρ_GS] = −NB − ¼ Σ_{i<j} g_ij (eq. 12)."""
    return -params.n_sites * params.field - 0.25 * float(couplings(params).sum())


@dataclass(frozen=True)
class SpinChainOperators:
    """The operators of one chain in its symmetry sectors (real CSR arrays).

    Rows and columns run over ``sectors`` one after the other; a full-space ket is
    ``sum(b.embedding() @ psi[o : o + b.dim])`` over the blocks (see :meth:`to_full`).
    """

    H0: sp.csr_array
    H_charge: sp.csr_array
    psi0: NDArray[np.float64]
    basis: ChainBasis
    ground_energy: float
    #: Every block of the operators, in order (``basis`` is the first); one without the
    #: spin flip, the parities χ(F) = +1, −1 with it.
    sectors: tuple[ChainBasis, ...] = ()

    def to_full(self, psi: ArrayLike) -> NDArray:
        """A ket of these blocks as a ket of the full 2^N space (bit i set = spin i up)."""
        v = np.asarray(psi)
        out = np.zeros(2**self.basis.n_sites, dtype=np.result_type(v, float))
        o = 0
        for b in self.sectors or (self.basis,):
            out += b.embedding() @ v[o : o + b.dim]
            o += b.dim
        return out


def sector_dim(n: int, symmetric: bool, periodic: bool = False) -> int:
    """States of the blocks :func:`build_operators` uses (both flip parities together).

    Open chain: the R-even sector, (2^N + 2^⌈N/2⌉)/2. Periodic: R-even with k = 0, one
    state per binary bracelet of N beads (OEIS A000029): B = Nk/2 + 3·2^{N/2}/4 (N even)
    or Nk/2 + 2^{(N−1)/2} (N odd), with Nk = (1/N) Σ_{d|N} φ(d) 2^{N/d} necklaces.

    Example:
        >>> sector_dim(5, True), sector_dim(5, True, True)  # (2^5 + 2^3)/2; 8 bracelets
        (20, 8)
    """
    if not symmetric:
        return 2**n
    if not periodic:
        return 2**n // 2 + 2 ** ((n + 1) // 2) // 2
    phi = [sum(1 for k in range(1, d + 1) if math.gcd(k, d) == 1) for d in range(n + 1)]
    necklaces = sum(phi[d] * 2 ** (n // d) for d in range(1, n + 1) if n % d == 0) // n
    if n % 2 == 0:
        return (2 * necklaces + 3 * 2 ** (n // 2)) // 4
    return (necklaces + 2 ** ((n + 1) // 2)) // 2


def _norm_bound(params: SpinChainParameters, G: NDArray[np.float64]) -> float:
    """‖H_charge‖ ≤ N|ω| + Σ g_ij (1/4 + |α|/2) (eq. 14; bounds the spectral half-width)."""
    return params.n_sites * abs(params.charging) + float(np.abs(G).sum()) * (
        0.25 + 0.5 * abs(params.anisotropy)
    )


def _check_cost(params: SpinChainParameters, t: NDArray[np.float64], symmetric: bool) -> None:
    from ssbattery.quantum.evolution.memory import check_evolution_cost

    G = couplings(params)
    dim = sector_dim(params.n_sites, symmetric, params.periodic)
    check_evolution_cost(
        n=dim,
        nnz=int(dim * (np.count_nonzero(G) / 2 + params.n_sites + 1)),
        radius=_norm_bound(params, G),
        t_max=float(t.max()) if t.size else 0.0,
        hint="lower `t_max` or `n_sites`",
    )


def memory_estimate(
    params: SpinChainParameters,
    times: ArrayLike,
    *,
    symmetric: bool = True,
    method: Method | None = None,
) -> MemoryEstimate:
    """The predicted peak memory of :func:`charge_spin_chain` (build and evolution phases).

    Building: the basis tables of all 2^N bit strings, the (row, column, value) terms of
    every flip, their concatenation and the CSR arrays. Evolving: both
    Hamiltonians and the propagator's vectors, whose number grows with ‖H‖·t_max (see
    :func:`ssbattery.quantum.evolution.memory.add_evolution_memory`), with ‖H‖ bounded by
    N|ω| + Σ g_ij (1/4 + |α|/2).
    """
    from ssbattery.quantum.evolution.memory import add_evolution_memory

    n = params.n_sites
    t = np.asarray(times, dtype=float)
    dim = sector_dim(n, symmetric, params.periodic)
    G = couplings(params)
    pairs = int(np.count_nonzero(G))
    entries_h0 = dim * (pairs / 2 + 1)  # anti-aligned pairs flip-flop; the diagonal
    entries_hc = dim * (pairs / 2 + n + 1)  # … + one transverse flip per site
    est = MemoryEstimate(
        f"the {n}-site spin chain ({dim} states, {t.size} times)",
        hint="lower `n_sites`, `steps` or `t_max`, or use the MPS method",
    )
    build = "building the operators"
    # One flip sector's tables while it is built (8 arrays of 2^N), both sectors' index and
    # sign tables kept (9 bytes per string each).
    est.add(build, "basis tables of 2^N strings", (2**n, 8 + 3), bytes_per_element=8)
    est.add(build, "flip terms, their concatenation and CSR", entries_hc, bytes_per_element=80)
    est.add(build, "H0 (CSR)", entries_h0, bytes_per_element=12)
    radius = _norm_bound(params, G)
    add_evolution_memory(
        est,
        "evolving",
        n=dim,
        nnz=int(entries_hc),
        method=method,
        n_times=t.size,
        t_max=float(t.max()) if t.size else 0.0,
        radius=radius,
        e_ops_nnz=int(entries_h0),
    )
    est.add("evolving", "energies and powers at every time", (t.size, 8), bytes_per_element=8)
    return est


def chain_sectors(
    params: SpinChainParameters, *, symmetric: bool = True, flip: bool = True
) -> list[ChainBasis]:
    """The symmetry sectors that hold |↓…↓⟩ (eq. 12), in the order of the operators' blocks.

    ``symmetric``: reflection-even (and momentum 0 for a periodic chain), split into the
    two spin-flip parities χ(F) = +1, −1 unless ``flip`` is False (see
    :mod:`ssbattery.quantum.chain_basis`); else the full 2^N space as one block.
    """
    n = params.n_sites
    if not symmetric:
        return [chain_basis(n, reflection=False)]
    if not flip:
        return [chain_basis(n, reflection=True, translation=params.periodic)]
    return list(flip_sectors(n, reflection=True, translation=params.periodic))


def _site_z(s: NDArray[np.int64], i: int) -> NDArray[np.float64]:
    return (2 * ((s >> i) & 1) - 1).astype(float)


Terms = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]


def build_operators(
    params: SpinChainParameters, *, symmetric: bool = True, flip: bool = True
) -> SpinChainOperators:
    """H0 (eqs. 10–11), the charging Hamiltonian Hg + ωΣσx (eq. 14) and |GS⟩ (eq. 12).

    Built directly on bit strings, in the sectors of |GS⟩ (``symmetric=True``: reflection-
    even, momentum 0 for a periodic chain, both spin-flip parities as two blocks; see
    :func:`chain_sectors`; ``flip=False`` keeps one block without the spin flip) or in the
    full 2^N space. H_charge commutes with the spin flip
    F and is block diagonal; in H0 the Zeeman term BΣσz (which anticommutes with F) is the
    only coupling between the blocks, and |GS⟩ = (|b₊⟩ + |b₋⟩)/√2. Refuses, before
    allocating, a chain whose Hamiltonian would not fit in memory.
    """
    n = params.n_sites
    if n > MAX_SITES:
        raise InvalidParameterError(
            f"`n_sites` = {n} means 2^{n} states; the exact method supports at most "
            f"{MAX_SITES} sites: use the MPS method (CLI `--method mps --bond-dim D`)."
        )
    est = memory_estimate(params, [], symmetric=symmetric)
    est.phases.pop("evolving")
    est.check()  # the build phase alone (charge_spin_chain checks the whole run)
    sectors = chain_sectors(params, symmetric=symmetric, flip=flip)
    offsets = np.cumsum([0, *(b.dim for b in sectors)])
    dim = int(offsets[-1])
    G = couplings(params)
    alpha = params.anisotropy
    terms_h0: list[Terms] = []
    terms_hc: list[Terms] = []
    magnet: list[NDArray[np.float64]] = []
    for basis, off in zip(sectors, offsets[:-1], strict=False):
        s = basis.states

        def shifted(t: Terms, off: int = int(off)) -> Terms:
            return t[0] + off, t[1] + off, t[2]

        zz = np.zeros(basis.dim)
        for i, j in zip(*np.nonzero(G), strict=True):
            gij = float(G[i, j])
            zi, zj = _site_z(s, int(i)), _site_z(s, int(j))
            zz += -0.25 * gij * zi * zj
            if alpha != 0.0:
                # σxσx + σyσy = 2(σ+σ− + σ−σ+): flips an anti-aligned pair with amplitude 2.
                flipped = s ^ ((1 << int(i)) | (1 << int(j)))
                ff = shifted(sector_terms(basis, flipped, -0.5 * alpha * gij, zi != zj))
                terms_h0.append(ff)
                terms_hc.append(ff)
        for i in range(n):
            terms_hc.append(shifted(sector_terms(basis, s ^ (1 << i), params.charging)))
        diag = np.arange(basis.dim) + off
        mag = sum((_site_z(s, i) for i in range(n)), np.zeros(basis.dim))
        magnet.append(mag)
        terms_hc.append((diag, diag, zz))
        terms_h0.append((diag, diag, zz if len(sectors) == 2 else zz + params.field * mag))
    if len(sectors) == 2:
        # BΣσz|b₊,r⟩ = B σz(r) (ν₋/ν₊)|b₋,r⟩: the flip sectors share their representatives.
        plus, minus = sectors
        rows, cols, vals = sector_terms(
            plus, plus.states, params.field * magnet[0], target_basis=minus
        )
        rows = rows + int(offsets[1])
        terms_h0 += [(rows, cols, vals), (cols, rows, vals)]
    H0 = _sum(terms_h0, dim)
    H_charge = _sum(terms_hc, dim)
    H0.sort_indices()
    H_charge.sort_indices()
    psi0 = np.zeros(dim)
    for basis, off in zip(sectors, offsets[:-1], strict=False):
        k, amp = basis.amplitude(0)  # |↓↓…↓⟩: every bit 0 (eq. 12)
        if k >= 0:
            psi0[off + k] = amp
    return SpinChainOperators(
        H0, H_charge, psi0, sectors[0], ground_state_energy(params), tuple(sectors)
    )


def _sum(
    terms: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]], dim: int
) -> sp.csr_array:
    """One CSR array from many (rows, cols, values) terms; duplicates are summed."""
    if not terms:
        return sp.csr_array((dim, dim))
    idx = np.int32 if dim < 2**31 else np.int64
    rows = np.concatenate([t[0] for t in terms]).astype(idx)
    cols = np.concatenate([t[1] for t in terms]).astype(idx)
    vals = np.concatenate([t[2] for t in terms])
    A = sp.csr_array(sp.coo_array((vals, (rows, cols)), shape=(dim, dim)))
    A.sum_duplicates()
    return A


#: Most memory (MiB) the chain's default Chebyshev method gives its vectors, and the share
#: of the memory available now it may take: enough for the single real expansion that
#: serves every output time up to N = 20 (open) and N = 24 (periodic) at t_max = 2. Beyond
#: its reach the expansion restarts from complex states (≥ 2× the products), see
#: :class:`~ssbattery.quantum.evolution.Chebyshev`; measured in RESULTS_spin_chain.md.
CHEBYSHEV_MEMORY_MB = 4096.0
CHEBYSHEV_MEMORY_SHARE = 0.3


def default_method(
    params: SpinChainParameters,
    times: ArrayLike,
    *,
    symmetric: bool = True,
    tol: float | None = None,
) -> Method | None:
    """The evolution method :func:`charge_spin_chain` uses when none is given.

    None (the engine's default, exact diagonalisation) for sectors of ≤ 512 states; above,
    Chebyshev at the engine's default tolerance min(tol/100, 1e-12) with the memory its
    single real expansion needs, ≈ (r·t_max + 8·16) real vectors of the sector, up to
    :data:`CHEBYSHEV_MEMORY_MB` and :data:`CHEBYSHEV_MEMORY_SHARE` of the available memory
    (512 MiB at least, the engine's own default), lowered (with shorter output blocks)
    until the whole-run :func:`memory_estimate` fits the package's memory limit.
    """
    from ssbattery.quantum.evolution import Chebyshev
    from ssbattery.quantum.evolution.chebyshev import _GLOBAL_CHUNK
    from ssbattery.quantum.evolution.kernels import prefers_dense
    from ssbattery.quantum.evolution.memory import chebyshev_terms_estimate
    from ssbattery.quantum.evolution.solver import DEFAULT_TOL
    from ssbattery.validation import MEMORY_LIMIT_BYTES, available_memory_bytes

    t = np.asarray(times, dtype=float)
    dim = sector_dim(params.n_sites, symmetric, params.periodic)
    if prefers_dense(dim) or t.size == 0:
        return None
    tol_c = min((DEFAULT_TOL if tol is None else float(tol)) * 1e-2, 1e-12)
    K = chebyshev_terms_estimate(_norm_bound(params, couplings(params)) * float(t.max()), tol_c)
    need_mb = (K + 8 * _GLOBAL_CHUNK + 16) * dim * 8 / 1024**2
    cap = CHEBYSHEV_MEMORY_MB
    avail = available_memory_bytes()
    if avail is not None:
        cap = min(cap, CHEBYSHEV_MEMORY_SHARE * avail / 1024**2)
    # The largest budget (and output block) whose whole-run estimate fits the limits.
    limit = float(MEMORY_LIMIT_BYTES if avail is None else min(MEMORY_LIMIT_BYTES, avail))
    method = Chebyshev(tol=tol_c, memory_mb=max(512.0, min(need_mb, cap)))
    for mb in (method.memory_mb, 3072.0, 2048.0, 1024.0, 512.0):
        for block in (64, 32, 16):
            trial = Chebyshev(tol=tol_c, memory_mb=min(mb, method.memory_mb), max_block=block)
            if memory_estimate(params, t, symmetric=symmetric, method=trial).peak_bytes <= limit:
                return trial
    return method


def charge_spin_chain(
    params: SpinChainParameters,
    times: ArrayLike | None = None,
    *,
    t_max: float = 2.0,
    steps: int = 400,
    tol: float | None = None,
    symmetric: bool = True,
    refine: bool = True,
    method: Method | None = None,
    operator: Literal["auto", "csr", "matrix-free", "streaming"] = "auto",
    checkpoint: str | os.PathLike[str] | None = None,
) -> ChargingResult:
    """Charge the chain (eqs. 12–14): W(t), P(t), ergotropy and P_max on a time grid.

    Args:
        params: the chain.
        times: output times; default ``steps`` points uniformly in (0, ``t_max``].
        tol: relative accuracy of the energies for the default method (default 1e-10).
        symmetric: work in the symmetric sector of the initial state (same numbers; half the
            states for an open chain, about 1/(2N) of them for a periodic one).
        refine: polish P_max between grid points.
        method: evolution method with its own tolerance (default: exact for small chains,
            Chebyshev above with the memory of :func:`default_method`); not together with
            ``tol``.
        operator: how H acts: "csr" (stored matrices), "matrix-free" (generated from the
            bit strings at every product on the symmetric sectors,
            :mod:`ssbattery.quantum.chain_charging`), "streaming" (the full 2^N space in
            cache-blocked passes at fixed bit offsets, :mod:`ssbattery.quantum.
            chain_stream`) — both matrix-free ones with the Chebyshev method only — or
            "auto": :func:`~ssbattery.quantum.chain_charging.choose_operator` (what fits
            the memory limit, then a measured cost per product).
        checkpoint: a file path: the run is written there atomically after every 50 output
            times and a run that finds its own checkpoint there resumes from it (another
            run's file, or any other file, is refused and left alone). Only the matrix-free
            path is resumable, so "auto" then runs matrix-free and "csr" is refused.

    The state stays pure and starts in the ground state, so its ergotropy equals W(t).
    """
    from ssbattery.quantum import chain_charging

    t = default_times(t_max, steps) if times is None else np.asarray(times, dtype=float)
    chain_charging.check_operator(operator, checkpoint)
    chosen = chain_charging.choose_operator(params, t, operator, symmetric=symmetric, method=method)
    if checkpoint is not None and chosen == "csr":
        chosen = "matrix-free"  # only the matrix-free runs resume
    if chosen != "csr":
        res = chain_charging.charge_matrix_free(
            params,
            t,
            method,
            tol=tol,
            refine=refine,
            symmetric=symmetric,
            checkpoint=checkpoint,
            operator=chosen,
        )
        if res is None:  # pragma: no cover - only a run with `stop_after_s` stops early
            raise RuntimeError("the matrix-free run stopped before its last output time")
        return res
    if method is None and params.n_sites <= MAX_SITES:
        method = default_method(params, t, symmetric=symmetric, tol=tol)
        if method is not None:
            tol = None
    if params.n_sites <= MAX_SITES:
        memory_estimate(params, t, symmetric=symmetric, method=method).check()
        _check_cost(params, t, symmetric)
    ops = build_operators(params, symmetric=symmetric)
    return charge(
        ops.H0,
        ops.H_charge,
        ops.psi0,
        t,
        tol=tol,
        method=method,
        ground=ops.ground_energy,
        refine=refine,
        parameters=params,
    )


def _peak_y() -> float:
    # Stationary point of sin²(y)/y: 2 sin y cos y · y = sin² y  ⇔  tan y = 2y.
    return float(brentq(lambda y: math.tan(y) - 2.0 * y, 1.0, 1.5))


def independent_spins_energy(params: SpinChainParameters, times: ArrayLike) -> NDArray:
    """W(t) = 2NB sin²(ωt): N free spins, H0 = BΣσz, charger ωΣσx, from |↓…↓⟩ (α = 1)."""
    t = np.asarray(times, dtype=float)
    return 2.0 * params.n_sites * params.field * np.sin(params.charging * t) ** 2


def independent_spins_power_max(params: SpinChainParameters) -> tuple[float, float]:
    """(P_max, t*) of N independent spins: 2NBω sin²(y*)/y* at t* = y*/ω, tan y* = 2y*."""
    y = _peak_y()
    w = abs(params.charging)
    if w == 0.0:
        return 0.0, math.inf
    return 2.0 * params.n_sites * params.field * w * math.sin(y) ** 2 / y, y / w


@dataclass(frozen=True)
class AnisotropySweep:
    """Fig. 14: P_max(α)/P_max(α = 1) for each interaction range."""

    alphas: NDArray[np.float64]
    power_max: dict[str, NDArray[np.float64]]
    ratio: dict[str, NDArray[np.float64]]
    independent_power_max: float
    parameters: dict[str, object]

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


def anisotropy_sweep(
    params: SpinChainParameters,
    alphas: Sequence[float] | NDArray[np.float64],
    *,
    interactions: Sequence[Interaction] = ("nn", "lr"),
    t_max: float = 2.0,
    steps: int = 400,
) -> AnisotropySweep:
    """P_max(α) and P_max(α)/P_max(α = 1) over ``alphas`` for each interaction (Fig. 14).

    A sweep of the ``spin-chain`` entry over interaction × α (:func:`ssbattery.sweep.scan.
    scan`; each point :func:`charge_spin_chain` on the grid (0, ``t_max``] of ``steps``),
    with α = 1 added as the reference when it is not among ``alphas``.
    """
    from ssbattery.sweep.scan import distinct, scan
    from ssbattery.validation import as_float_array

    a = as_float_array("alphas", alphas)
    if a.ndim != 1 or a.size == 0:
        raise InvalidParameterError("`alphas` must be a non-empty list of anisotropies.")
    for k, x in enumerate(a.tolist()):  # named as given (the scan names its own list)
        try:
            replace(params, anisotropy=x)
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"`alphas[{k}]` = {x!r} is refused: {exc}") from None
    kinds = list(dict.fromkeys(interactions))
    values, back = distinct([*a.tolist(), 1.0])
    fixed = {k: v for k, v in asdict(params).items() if k not in ("interaction", "anisotropy")}
    ds = scan(
        "spin-chain",
        fixed={**fixed, "t_max": t_max, "steps": steps},
        sweep={"interaction": kinds, "anisotropy": values},
    )
    table = np.asarray(ds["power_max"].values, dtype=float)
    pm: dict[str, NDArray[np.float64]] = {}
    ratio: dict[str, NDArray[np.float64]] = {}
    for kind in interactions:
        row = table[kinds.index(kind)]
        pm[kind] = row[back[:-1]]
        ratio[kind] = pm[kind] / row[back[-1]]
    return AnisotropySweep(
        alphas=a,
        power_max=pm,
        ratio=ratio,
        independent_power_max=independent_spins_power_max(params)[0],
        parameters={**asdict(params), "t_max": t_max, "steps": steps},
    )
