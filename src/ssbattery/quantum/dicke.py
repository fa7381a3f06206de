"""The Dicke quantum battery (review §2.3.3–2.3.6, eqs. 8–9; Fig. 12).

N two-level atoms (the battery, H0 = ωa Jz, eq. 8) are charged by a single cavity mode
holding N photons. The charger (eq. 9) is switched on for 0 ≤ t ≤ τc::

    H = ωc a†a + ωa Jz + 2 ωc g Jx (a + a†) + (η/N) Jz² + Ω Jx

with the collective spin J = ½ Σ σ_i in the symmetric subspace j = N/2 (dimension N + 1)
and the initial state |N photons⟩ ⊗ |j, −j⟩ (all atoms in |g⟩). Conventions: ħ = 1, every
energy and frequency in units of ωc as given (pass ωc = 1 for the review's units), times
in 1/ωc.

Note on the review's notation: §2.3.3 writes J_α = Σ σ_α (Pauli matrices, no ½) when it
quotes Ferraro et al., but then uses j = N/2, m = −N/2 … N/2, which is the spin-½
convention J = ½ Σ σ used here (and by Ferraro et al., PRL 120, 117702 (2018), and
Zhang et al. (ref. 135)). The atom–atom term (η/N) Jz² and the drive Ω Jx belong to the
charger H1 (eq. 9), so the stored energy is measured with H0 = ωa Jz alone:
E(t) = ωa (⟨Jz⟩(t) + N/2).

Structure used for speed (all exact):

* the Hamiltonian is real in the Fock ⊗ Dicke basis;
* for Ω = 0 the parity Π = exp[iπ(a†a + Jz + j)] commutes with H; the initial state has
  Π = (−1)^N, so only the sector with n + (m + j) ≡ N (mod 2) is evolved (half the space);
* the reduced battery state is block diagonal in that sector (m + j even / odd), so its
  spectrum (for the ergotropy, eq. 7) comes from two blocks of half the size.

Ergotropy convention: the atoms' reduced state lives in the symmetric subspace j = N/2
(N + 1 states of the 2^N). By default (``symmetric_ergotropy=True``) eq. 7 maximises over
unitaries of that subspace (collective operations; each level ωa m once); with
``symmetric_ergotropy=False`` over all unitaries of the 2^N space, whose passive state
also fills the non-symmetric states of the low levels (level ωa m has multiplicity
C(N, N/2 + m)): never smaller, and equal for N = 1. The open battery
(:func:`~ssbattery.quantum.open.charge_open`) uses the 2^N convention by default.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import asdict, dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.errors import ConvergenceWarning, InvalidParameterError, ValidityWarning
from ssbattery.results import Quantity, Reported
from ssbattery.validation import (
    MemoryEstimate,
    check_memory,
    require_finite,
    require_int_at_least,
    require_positive,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke_window import PhotonWindow
    from ssbattery.quantum.evolution import Method

__all__ = [
    "CutoffCheck",
    "DickeBasis",
    "DickeParameters",
    "charge_dicke",
    "check_cutoff_convergence",
    "default_charging_time",
    "dicke_basis",
    "dicke_hamiltonian",
    "dicke_initial_state",
    "eta_critical",
    "g_critical",
    "passive_levels",
    "rerun_cutoff",
    "spin_ergotropy",
]

#: Relative change of Pmax or Emax above which the cutoff check warns.
CUTOFF_RTOL = 1e-6

#: How a result names its ergotropy convention (key: symmetric-subspace unitaries only).
ERGOTROPY_UNITARIES = {True: "symmetric subspace j = N/2", False: "all 2^N states"}


def default_charging_time(n_atoms: int, coupling: float, omega_cav: float = 1.0) -> float:
    """Default end of the time grid, t_max = π / (ωc g √N) (in the time unit of the
    frequencies, 1/ωc for ωc = 1).

    The coupling 2 ωc g Jx (a + a†) (eq. 9) gives the collective Rabi frequency 2 ωc g √N
    of N atoms exchanging N photons (Ferraro et al., PRL 120, 117702 (2018)): for N = 1 at
    resonance the full transfer |1, g⟩ → |0, e⟩ takes π/(2 ωc g), and at N = 4, 16 exact
    runs put the first maximum of E(t) at 0.56 and 0.62 t_max. The grid thus covers the
    first charging half-cycle, where the maximum power lies, for any ωc (detuning only
    brings the maximum earlier). For ωc = 1 it is the review's π/(g√N).
    """
    return math.pi / (omega_cav * coupling * math.sqrt(n_atoms))


@renamed_kwargs(omega_c="omega_cav")
@dataclass(frozen=True, init=False)
class DickeParameters:
    """Parameters of the Dicke battery (eqs. 8–9), frequencies in units of ωc (ħ = 1).

    ``photon_cutoff`` None → 4N (review §2.3.3, refs. 134 and 136); ``t_max`` None →
    :func:`default_charging_time`; the grid is ``steps`` points uniform in (0, t_max].
    Construction resolves both defaults: afterwards ``photon_cutoff`` holds the int and
    ``t_max`` the float that every run uses (one name each; ``cutoff``,
    ``charging_time`` and ``omega_c`` are their deprecated former names).
    """

    #: Every frequency and energy is in units of the cavity frequency ω_c (ħ = 1).
    ENERGY_UNIT: ClassVar[str] = "ω_c"

    n_atoms: int
    coupling: float
    omega_a: float
    omega_cav: float
    eta: float
    drive: float
    photon_cutoff: int
    t_max: float
    steps: int

    omega_c = renamed_attribute("omega_cav")
    cutoff = renamed_attribute("photon_cutoff")
    charging_time = renamed_attribute("t_max")

    def __init__(
        self,
        n_atoms: int,
        coupling: float,
        omega_a: float = 1.0,
        omega_cav: float = 1.0,
        eta: float = 0.0,
        drive: float = 0.0,
        photon_cutoff: int | None = None,
        t_max: float | None = None,
        steps: int = 400,
    ) -> None:
        # written out (not generated) so that the resolved fields are typed int and float
        # while None still asks for the default
        given = dict(locals())
        for name in (f.name for f in fields(self)):
            object.__setattr__(self, name, given[name])
        self.__post_init__()

    def __post_init__(self) -> None:
        n = require_int_at_least("n_atoms", self.n_atoms, 1)
        g = require_positive("coupling", self.coupling, allow_zero=True, quantity="model_energy")
        require_positive("omega_a", self.omega_a, quantity="model_energy")
        require_positive("omega_cav", self.omega_cav, quantity="model_energy")
        require_finite("eta", self.eta, quantity="model_energy")
        require_finite("drive", self.drive, quantity="model_energy")
        require_int_at_least("steps", self.steps, 2)
        cutoff = 4 * n if self.photon_cutoff is None else self.photon_cutoff
        if isinstance(cutoff, bool) or int(cutoff) != cutoff:
            raise InvalidParameterError(f"`photon_cutoff` must be an integer, got {cutoff!r}.")
        if int(cutoff) < n:
            raise InvalidParameterError(
                f"`photon_cutoff` must be ≥ n_atoms = {n} (the initial state holds N photons; "
                f"the review uses 4N = {4 * n}), got {cutoff!r}."
            )
        if self.t_max is None:
            if g == 0:
                raise InvalidParameterError(
                    "`t_max` must be given when `coupling` is 0 (the default π/(ωc g√N) diverges)."
                )
            t_max = default_charging_time(n, g, float(self.omega_cav))
        else:
            t_max = require_positive("t_max", self.t_max)
        object.__setattr__(self, "n_atoms", n)
        object.__setattr__(self, "coupling", g)
        object.__setattr__(self, "photon_cutoff", int(cutoff))
        object.__setattr__(self, "t_max", float(t_max))

    @property
    def uses_parity(self) -> bool:
        """Whether the parity sector applies (Ω = 0)."""
        return self.drive == 0.0

    @property
    def dimension(self) -> int:
        """Dimension of the evolved space (parity sector when Ω = 0)."""
        full = (self.photon_cutoff + 1) * (self.n_atoms + 1)
        return (full + 1) // 2 if self.uses_parity else full

    def times(self) -> NDArray[np.float64]:
        """The output grid: ``steps`` points uniform in (0, t_max]."""
        return self.t_max * np.arange(1, self.steps + 1) / self.steps

    def to_dict(self) -> dict[str, Any]:
        """Parameters with the defaults resolved (for JSON and report tables)."""
        return asdict(self)


@renamed_kwargs(omega_c="omega_cav")
def eta_critical(
    n_atoms: int, coupling: float, *, omega_a: float = 1.0, omega_cav: float = 1.0
) -> float:
    """Critical atom–atom interaction η_crit = ωa − 4 ωc g² N of *this* Hamiltonian.

    Derivation (mean field, N → ∞): with the spin at polar angle θ from −z and a coherent
    field α, the energy of eq. 9 (Ω = 0) is ωc α² − ωa j cos θ + 4 ωc g j α sin θ
    + (η/N) j² cos² θ; minimising over α (α = −2 g j sin θ) and expanding around θ = 0
    gives a θ² coefficient N[(ωa − η)/4 − ωc g² N], which changes sign at
    η = ωa − 4 ωc g² N. For η above it the state with all atoms down is unstable
    (superradiant); ``tests/quantum/test_dicke.py`` checks the onset in the exact
    ground state at N = 32 for ωc = 0.5, 1, 2.

    Review's convention (§2.3.4, ref. 135): it writes η_crit = ωa − 4g²N/ωc, which is the
    same point for a coupling written 2 g' Jx (a + a†) with g' in absolute units
    (g' = ωc g here); the two agree when ωc = 1.
    """
    n = require_int_at_least("n_atoms", n_atoms, 1)
    g = require_finite("coupling", coupling)
    wa = require_positive("omega_a", omega_a)
    wc = require_positive("omega_cav", omega_cav)
    return wa - 4.0 * wc * g * g * n


@renamed_kwargs(omega_c="omega_cav")
def g_critical(n_atoms: int, *, omega_a: float = 1.0, omega_cav: float = 1.0) -> float:
    """Critical coupling g_c = ½ √(ωa / (ωc N)) of the normal–superradiant transition (η = 0).

    The zero of :func:`eta_critical` at η = 0 (so the two functions agree by
    construction). Review's convention (§2.3.4): g_c = √(ωa ωc)/2 is the critical point of
    the normalised Dicke coupling (2λ/√N) Jx (a + a†), λ_c = √(ωa ωc)/2; for the coupling
    2 ωc g Jx (a + a†) of this package λ = ωc g √N, hence g_c = λ_c / (ωc √N).
    """
    n = require_int_at_least("n_atoms", n_atoms, 1)
    wa = require_positive("omega_a", omega_a)
    wc = require_positive("omega_cav", omega_cav)
    return 0.5 * math.sqrt(wa / (wc * n))


@dataclass(frozen=True)
class DickeBasis:
    """Fock ⊗ Dicke product states kept: photon number ``n`` and k = m + j ∈ {0 … N}.

    ``cutoff`` is the highest photon number kept, ``lowest`` the lowest (0 except for the
    moving photon window of :mod:`ssbattery.quantum.dicke_window`), ``parity`` whether
    only the sector n + k ≡ N (mod 2) is kept.
    """

    n_atoms: int
    cutoff: int
    photons: NDArray[np.int64]
    k: NDArray[np.int64]
    parity: bool = False
    lowest: int = 0

    @property
    def size(self) -> int:
        """Dimension of the basis."""
        return int(self.photons.shape[0])


def dicke_basis(params: DickeParameters, *, parity: bool | None = None) -> DickeBasis:
    """The basis of the evolved space, ordered photon-major (index = n (N+1) + k).

    ``parity`` None → the sector n + k ≡ N (mod 2) when Ω = 0, the full space otherwise.
    """
    use_parity = params.uses_parity if parity is None else parity
    if use_parity and not params.uses_parity:
        raise InvalidParameterError(
            "`parity` cannot be used with a drive Ω ≠ 0 (Ω Jx breaks the parity symmetry)."
        )
    n_at, cut = params.n_atoms, params.photon_cutoff
    check_memory(
        f"the Dicke state space (N = {n_at}, photon cutoff {cut})",
        ((cut + 1) * (n_at + 1), 64),  # the Lanczos basis: 64 vectors of complex128
    )
    photons, k = np.divmod(np.arange((cut + 1) * (n_at + 1), dtype=np.int64), n_at + 1)
    if use_parity:
        keep = (photons + k) % 2 == n_at % 2
        photons, k = photons[keep], k[keep]
    return DickeBasis(n_at, cut, photons, k, parity=use_parity)


def dicke_hamiltonian(params: DickeParameters, basis: DickeBasis | None = None) -> sp.csr_matrix:
    """The charging Hamiltonian H = H0 + H1 (eqs. 8–9) as a real CSR matrix on ``basis``."""
    basis = dicke_basis(params) if basis is None else basis
    N, cut = params.n_atoms, basis.cutoff
    j = N / 2.0
    check_memory("the Dicke Hamiltonian", (basis.size, 6), bytes_per_element=12)
    n = basis.photons.astype(np.float64)
    m = basis.k - j
    diag = params.omega_cav * n + params.omega_a * m + (params.eta / N) * m * m
    # position of every product state (n, k) in the basis (−1 if not kept)
    where = np.full((cut + 2) * (N + 2), -1, dtype=np.int64)
    where[basis.photons * (N + 2) + basis.k] = np.arange(basis.size)
    rows = [np.arange(basis.size)]
    cols = [np.arange(basis.size)]
    vals = [diag]
    # J+ |j,m⟩ = √(j(j+1) − m(m+1)) |j,m+1⟩; Jx = (J+ + J−)/2; a†|n⟩ = √(n+1)|n+1⟩
    jplus = np.sqrt(np.maximum(j * (j + 1) - m * (m + 1), 0.0))
    jminus = np.sqrt(np.maximum(j * (j + 1) - m * (m - 1), 0.0))
    # (photon step, [(spin step, spin element)], amplitude): each entry ⟨n+dn, k+dk|H|n, k⟩
    # is stored with its transpose, so a†J± gives the a J∓ terms and J+ gives J−.
    terms = [(1, [(1, jplus), (-1, jminus)], params.omega_cav * params.coupling * np.sqrt(n + 1))]
    if params.drive != 0.0:
        terms.append((0, [(1, jplus)], np.full(basis.size, 0.5 * params.drive)))
    for dn, spin_steps, amp in terms:
        for dk, spin in spin_steps:
            k2 = basis.k + dk
            n2 = basis.photons + dn
            ok = (k2 >= 0) & (k2 <= N) & (n2 <= cut)
            target = np.where(
                ok, where[np.clip(n2, 0, cut + 1) * (N + 2) + np.clip(k2, 0, N + 1)], -1
            )
            ok &= target >= 0
            v = (amp * spin)[ok]  # 2ωc g · ½ (Jx = (J+ + J−)/2) = ωc g for the coupling
            src, dst = np.arange(basis.size)[ok], target[ok]
            rows += [dst, src]  # ⟨dst|H|src⟩ and its transpose (H is real symmetric)
            cols += [src, dst]
            vals += [v, v]
    H = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(basis.size, basis.size),
    )
    H.sum_duplicates()
    return H


def dicke_initial_state(basis: DickeBasis) -> NDArray[np.complex128]:
    """|N photons⟩ ⊗ |j, −j⟩ on ``basis`` (all atoms in the ground state)."""
    psi = np.zeros(basis.size, dtype=np.complex128)
    idx = np.flatnonzero((basis.photons == basis.n_atoms) & (basis.k == 0))
    psi[idx[0]] = 1.0
    return psi


def _energy_levels(params: DickeParameters) -> NDArray[np.float64]:
    """Battery levels ωa m for k = m + j = 0 … N (H0 = ωa Jz, eq. 8)."""
    k = np.arange(params.n_atoms + 1, dtype=np.float64)
    return np.asarray(params.omega_a * (k - params.n_atoms / 2.0), dtype=np.float64)


def passive_levels(params: DickeParameters, *, symmetric: bool = True) -> NDArray[np.float64]:
    """The N + 1 lowest levels of H0 = ωa Jz that the passive state of a rank ≤ N + 1
    reduced state fills (ascending; eq. 7).

    ``symmetric``: the levels ωa m of the symmetric subspace, once each; else the lowest
    N + 1 of the 2^N space, level ωa m counted C(N, N/2 + m) times (for N ≥ 1 the ground
    level once and the first excited one N times).

    Example:
        >>> passive_levels(DickeParameters(3, 0.1), symmetric=False).tolist()
        [-1.5, -0.5, -0.5, -0.5]
    """
    n = params.n_atoms
    if symmetric:
        return _energy_levels(params)
    out: list[float] = []
    for k in range(n + 1):
        out += [params.omega_a * (k - n / 2.0)] * min(math.comb(n, k), n + 1 - len(out))
        if len(out) == n + 1:
            break
    return np.asarray(out, dtype=np.float64)


def spin_ergotropy(
    populations: NDArray[np.float64],
    blocks: list[NDArray[np.complex128]],
    levels: NDArray,
    passive_at: NDArray | None = None,
) -> float:
    """Ergotropy (eq. 7) of a battery state with diagonal ``populations`` in the H0 basis.

    ``blocks`` are Hermitian diagonal blocks of ρ (their eigenvalues together form ρ's
    spectrum); ``levels`` the H0 eigenvalues of the populations. Closed form:
    E(ρ) − Σ r↓_i ε↑_i with ε the levels ``passive_at`` (default ``levels``; see
    :func:`passive_levels` for the 2^N space).
    """
    r = np.concatenate([np.linalg.eigvalsh(b) for b in blocks])
    r = np.clip(r, 0.0, None)
    eps = np.sort(levels if passive_at is None else passive_at)
    passive = float(np.sort(r)[::-1] @ eps)
    return max(float(populations @ levels) - passive, 0.0)


class _Recorder:
    """Observer that records ⟨Jz⟩, the reduced battery spectrum and the photon tail.

    ``background``: the ergotropy (ZHERK and eigvalsh of the battery's blocks, the
    compute-bound part of an output time) runs on a worker thread while the caller goes
    on propagating (memory-bound; both release the GIL), at most :data:`_PENDING` states
    queued; :meth:`wait` completes it (before the records are read or checkpointed).
    """

    def __init__(
        self,
        params: DickeParameters,
        basis: DickeBasis,
        n_times: int,
        ergo: bool,
        *,
        background: bool = False,
        symmetric: bool = True,
    ):
        self.n_atoms = params.n_atoms
        self.levels = _energy_levels(params)
        self.passive = passive_levels(params, symmetric=symmetric)
        self.ergo = ergo
        self.jz_mean = np.empty(n_times)
        self.ergotropy = np.full(n_times, np.nan)
        self.tail = np.empty(n_times)
        self.norm = np.empty(n_times)
        self._pool: Any = None
        self._pending: list[Any] = []
        if background and ergo:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ergotropy")
        self.bind(basis)

    def bind(self, basis: DickeBasis) -> None:
        """Use ``basis`` for the states that follow (the moving window changes it)."""
        N = self.n_atoms
        self.k = basis.k
        self.jz = np.asarray(basis.k - N / 2.0, dtype=np.float64)
        self.top = basis.photons >= basis.cutoff - 1
        # photon-major: the top layers are the basis' tail (then one compiled pass
        # measures the norm, ⟨Jz⟩ and their population together)
        first = int(np.searchsorted(basis.photons, basis.cutoff - 1))
        sorted_tail = bool(np.all(self.top[first:])) and not bool(np.any(self.top[:first]))
        self.top_from = first if sorted_tail else -1
        # Scatter maps of ψ into dense (photon × k) grids, ρ_battery = Gᵀ G*. In the parity
        # sector the photon parity is fixed by k's parity, so ρ splits into a k-even and a
        # k-odd block, each from a dense grid with half the photon rows. A new list per
        # basis: queued background jobs keep the maps of their own basis.
        self.grids: list[tuple[tuple[int, int], NDArray[np.int64], NDArray[np.int64], Any]] = []
        if not basis.parity:  # full space: one block
            shape = (basis.cutoff - basis.lowest + 1, N + 1)
            self.grids.append((shape, basis.photons - basis.lowest, basis.k, slice(None)))
        else:
            for kp in (0, 1):
                sel = np.flatnonzero(basis.k % 2 == kp)
                if sel.size == 0:
                    continue
                rows = basis.photons[sel] // 2 - basis.lowest // 2
                cols = basis.k[sel] // 2
                shape = (int(rows.max()) + 1, int(cols.max()) + 1)
                self.grids.append((shape, rows, cols, sel))

    def __call__(self, psi: NDArray[np.complex128], k: int) -> None:
        """Record output time ``k`` from the state ``psi`` (an :func:`evolve` observer)."""
        if self.top_from >= 0:
            from ssbattery.quantum.dicke_stencil import ket_moments

            self.norm[k], self.jz_mean[k], self.tail[k] = ket_moments(psi, self.jz, self.top_from)
        else:
            prob = psi.real**2 + psi.imag**2
            self.norm[k] = prob.sum()
            self.jz_mean[k] = self.jz @ prob
            self.tail[k] = prob[self.top].sum()
        if not self.ergo:
            return
        if self._pool is None:
            self.ergotropy[k] = self._ergotropy(psi, self.k, self.grids)
            return
        while len(self._pending) >= _PENDING:
            self._pending.pop(0).result()
        job = self._pool.submit(self._store, psi.copy(), k, self.k, self.grids)
        self._pending.append(job)

    def _store(self, psi: NDArray[np.complex128], k: int, kvec: NDArray, grids: list) -> None:
        self.ergotropy[k] = self._ergotropy(psi, kvec, grids)

    def _ergotropy(self, psi: NDArray[np.complex128], kvec: NDArray, grids: list) -> float:
        from scipy.linalg.blas import zherk

        prob = psi.real**2 + psi.imag**2
        pops = np.bincount(kvec, weights=prob, minlength=self.n_atoms + 1)
        blocks = []
        for shape, rows, cols, sel in grids:
            grid = np.zeros(shape, dtype=np.complex128)
            grid[rows, cols] = psi[sel]
            # G†G = (Gᵀ G*)* has the spectrum of the block Gᵀ G* of ρ; ZHERK fills only
            # its lower triangle (what eigvalsh reads), at half a GEMM's cost
            blocks.append(zherk(1.0, grid, trans=2, lower=1))
        return spin_ergotropy(pops.astype(np.float64), blocks, self.levels, self.passive)

    def wait(self) -> None:
        """Complete the queued ergotropies (re-raising a worker's error)."""
        while self._pending:
            self._pending.pop(0).result()

    def close(self) -> None:
        """Complete the queued work and stop the worker thread."""
        self.wait()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


#: Output states queued at most for the background ergotropy (memory: that many kets).
_PENDING = 4


def charge_dicke(
    params: DickeParameters,
    *,
    ergotropy: bool = True,
    symmetric_ergotropy: bool = True,
    parity: bool | None = None,
    check_cutoff: bool = False,
    larger_cutoff: int | None = None,
    rtol: float = CUTOFF_RTOL,
    tol: float | None = None,
    method: Method | None = None,
    window: PhotonWindow | None = None,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    stop_after_s: float | None = None,
) -> ChargingResult:
    """Charge the Dicke battery and return E(t), P(t) = E/t, ergotropy and the maxima.

    E(t) = ωa(⟨Jz⟩ + N/2) (the stored energy W(t) of §2.3.2 with H0 = ωa Jz, eq. 8);
    the ergotropy (eq. 7) is that of the atoms' reduced state (cavity traced out), over
    unitaries of the symmetric subspace j = N/2 (``symmetric_ergotropy`` True, the default)
    or of all 2^N states (False; never smaller, the default of the open battery), see the
    module docstring; the result's parameters name it (``ergotropy_unitaries``).
    ``check_cutoff`` repeats the run with ``larger_cutoff`` (default max(1.5 Nph, Nph + 8))
    and emits :class:`ConvergenceWarning` when Pmax or Emax change by more than ``rtol``
    (relative), with the same ``method`` and ``parity`` as this run. ``tol`` bounds the
    propagation error of the state's norm-2 (default 1e-10). ``parity`` None evolves the
    parity sector when Ω = 0 (False: the full space, for checks). ``method`` is the
    propagator of :func:`~ssbattery.quantum.evolution.evolve` with its own tolerance
    (default ``Lanczos(tol=tol)``; pass e.g. ``Chebyshev(...)`` to compare); not together
    with ``tol``.

    ``window`` (a :class:`~ssbattery.quantum.dicke_window.PhotonWindow`) replaces the fixed
    cutoff ``params.photon_cutoff`` by the moving photon window whose edge population stays
    ≤ ``window.tol`` (the cutoff chosen by error control); the result's parameters then
    report the cutoff it needed (``photon_cutoff``), ``max_edge_population`` and the
    Duhamel bounds ``truncation_norm_bound`` (state) and ``energy_error_bound``
    (2 ωa j × it). ``parity``, ``method``, ``tol`` and ``check_cutoff`` apply to fixed
    cutoffs only (the window's propagation error is ``window.krylov_tol``).

    Window runs checkpoint and resume: with ``checkpoint`` (a file path) the window, the
    state and the records so far are written atomically after every segment, and a call
    that finds a checkpoint of the same run there goes on from it; ``stop_after_s`` stops
    after the segment that ends past that many seconds with
    :class:`~ssbattery.errors.RunPaused` (call again to resume). The parameters then
    report ``calls`` and the ``propagation_seconds`` summed over them.
    """
    from ssbattery.quantum.battery import summarise_charging
    from ssbattery.quantum.evolution import evolve

    if window is not None and (check_cutoff or method is not None or parity is False):
        raise InvalidParameterError(
            "`window` chooses the photon cutoff itself: it cannot be combined with "
            "`check_cutoff`, `method` or `parity=False`."
        )
    if window is not None and tol is not None:
        raise InvalidParameterError(
            "`tol` is the fixed cutoff's Lanczos tolerance; the moving window propagates "
            "to its own: pass `PhotonWindow(krylov_tol=...)` instead."
        )
    if window is None and (checkpoint is not None or stop_after_s is not None):
        raise InvalidParameterError(
            "`checkpoint` and `stop_after_s` need the moving photon window (`window=`)."
        )
    if window is None:
        memory_estimate(params, parity=parity, method=method).check()
    else:
        check_memory(
            "the results at every time",
            (int(params.steps), 8),
            bytes_per_element=8,
            hint="lower `steps`",
        )
    from ssbattery.quantum.evolution.memory import check_evolution_cost

    dim = params.dimension
    check_evolution_cost(
        n=dim,
        nnz=5 * dim,
        radius=_norm_bound(params),
        t_max=float(params.t_max),
        hint="lower `t_max` or `n_atoms`",
        what="products (at most)",
    )
    method = _dicke_method(method, tol)

    times = params.times()
    n_times = len(times)
    extra: dict[str, Any] = {}
    if window is not None:
        from ssbattery.quantum.dicke_window import propagate_in_window, window_basis

        N0 = params.n_atoms
        # with more than one thread, the ergotropy runs beside the propagation
        background = window.threads is None or int(window.threads) > 1
        rec = _Recorder(
            params,
            window_basis(params, N0, N0),
            n_times,
            ergotropy,
            background=background,
            symmetric=symmetric_ergotropy,
        )
        bound_basis: list[DickeBasis] = []

        def observe(psi: NDArray[np.complex128], basis: DickeBasis, k: int) -> None:
            if not bound_basis or bound_basis[0] is not basis:
                rec.bind(basis)
                bound_basis[:] = [basis]
            rec(psi, k)
            if progress is not None and (k % 16 == 15 or k == n_times - 1):
                progress(k + 1, n_times)

        records = {
            "jz_mean": rec.jz_mean,
            "ergotropy": rec.ergotropy,
            "tail": rec.tail,
            "norm": rec.norm,
        }
        try:
            run = propagate_in_window(
                params,
                observe,
                method=window,
                checkpoint=checkpoint,
                keep=records,
                tag=f"charge_dicke(ergotropy={bool(ergotropy)})"
                + ("" if symmetric_ergotropy else ", 2^N ergotropy"),
                stop_after_s=stop_after_s,
                flush=rec.wait,
            )
        finally:
            rec.close()
        j = params.n_atoms / 2.0
        extra = run.as_parameters()
        extra.update(
            photon_cutoff=run.cutoff,
            cutoff_rule=f"moving photon window, edge population ≤ {window.tol:.0e}",
            dimension=run.max_dimension,
            parity_sector=params.uses_parity,
            max_top_photon_population=run.max_edge_population,
            energy_error_bound=2.0 * params.omega_a * j * run.truncation_norm_bound,
        )
    else:
        basis = dicke_basis(params, parity=parity)
        H = dicke_hamiltonian(params, basis)
        psi0 = dicke_initial_state(basis)
        rec = _Recorder(params, basis, n_times, ergotropy, symmetric=symmetric_ergotropy)

        def observer(psi: NDArray[np.complex128], k: int) -> None:
            rec(psi, k)
            if progress is not None and (k % 16 == 15 or k == n_times - 1):
                progress(k + 1, n_times)

        evolve(H, psi0, times, observer=observer, method=method)
        extra = dict(
            dimension=basis.size,
            parity_sector=basis.size < (params.photon_cutoff + 1) * (params.n_atoms + 1),
            max_top_photon_population=float(rec.tail.max()),
        )
    energy = params.omega_a * (rec.jz_mean + params.n_atoms / 2.0)
    extra.update(
        max_norm_error=float(np.max(np.abs(rec.norm - 1.0))),
        ergotropy_unitaries=ERGOTROPY_UNITARIES[bool(symmetric_ergotropy)],
    )
    result = summarise_charging(times, energy, rec.ergotropy, params, diagnostics=extra)
    if int(np.argmax(result.power)) == len(times) - 1:
        warnings.warn(
            f"the maximum power lies at the end of the grid t_max = {params.t_max:.4g}; "
            "increase `t_max` to find the true maximum.",
            ValidityWarning,
            stacklevel=2,
        )
    if check_cutoff:
        check_cutoff_convergence(
            params, result, larger_cutoff=larger_cutoff, rtol=rtol, method=method, parity=parity
        )
    return result


def _norm_bound(params: DickeParameters) -> float:
    """‖H‖ ≤ ωc Nph + ωa j + |η| j/2 + (2 ωc g √(Nph + 1) + |Ω|)(j + 1), j = N/2 (eq. 9)."""
    j, cut = params.n_atoms / 2.0, params.photon_cutoff
    return (
        params.omega_cav * cut
        + params.omega_a * j
        + abs(params.eta) * j / 2
        + (2 * params.omega_cav * params.coupling * math.sqrt(cut + 1) + abs(params.drive))
        * (j + 1)
    )


def memory_estimate(
    params: DickeParameters, *, parity: bool | None = None, method: Method | None = None
) -> MemoryEstimate:
    """The predicted peak memory of :func:`charge_dicke` with a fixed photon cutoff.

    Building: the product-state tables, the per-term index arrays and the (row, column,
    value) triplets of H (diagonal + a†J±, a J∓ and their transposes), concatenated and
    converted to CSR. Evolving: H, the propagator's vectors (Lanczos by default, see
    :func:`ssbattery.quantum.evolution.memory.add_evolution_memory`), the recorder's grids
    and the results at every time.
    """
    from ssbattery.quantum.evolution.memory import add_evolution_memory

    N, cut, steps = params.n_atoms, params.photon_cutoff, int(params.steps)
    full = (cut + 1) * (N + 1)
    use_parity = params.uses_parity if parity is None else parity
    dim = (full + 1) // 2 if use_parity else full
    entries = 5 * dim + (2 * dim if params.drive else 0)
    est = MemoryEstimate(
        f"the Dicke battery (N = {N}, photon cutoff {cut}, {dim} states, {steps} times)",
        hint="lower `n_atoms`, `photon_cutoff` or `steps`",
    )
    radius = _norm_bound(params)
    build = "building H"
    est.add(build, "product-state tables", (full, 3), bytes_per_element=8)
    est.add(build, "per-term index arrays", (dim, 8), bytes_per_element=8)
    est.add(build, "triplets, their concatenation and CSR", entries, bytes_per_element=84)
    outputs = "results at every time"
    for phase in (build, "evolving"):
        est.add(phase, outputs, (steps, 8), bytes_per_element=8)
    add_evolution_memory(
        est,
        "evolving",
        n=dim,
        nnz=entries,
        method=_dicke_method(method, None),
        n_times=steps,
        t_max=float(params.t_max),
        radius=radius,
        real=True,
    )
    est.add("evolving", "recorder grids and battery blocks", (2 * dim + 4 * (N + 1) ** 2,))
    return est


def _dicke_method(method: Method | None, tol: float | None) -> Method:
    """The propagator of a Dicke run: ``method`` as given, else Lanczos(tol) (not both)."""
    from ssbattery.quantum.evolution import Lanczos
    from ssbattery.quantum.evolution.validation import check_method_and_tol

    checked = check_method_and_tol(method, tol)
    # Lanczos: the truncated Dicke H has a spectral width of thousands of ωc (cutoff ×
    # coupling) but the charging state samples a narrow band of it, which a Krylov space
    # adapts to (see the measurements in benchmarks/RESULTS_dicke.md).
    return checked if checked is not None else Lanczos(tol=1e-10 if tol is None else tol)


@dataclass(frozen=True)
class CutoffCheck(Reported):
    """The outcome of :func:`check_cutoff_convergence`.

    Attributes:
        cutoff, larger_cutoff: the photon cutoff of the run checked and of the rerun.
        power_max_change, energy_max_change: |X' − X|/|X'| for Pmax and Emax (relative).
        rtol: the tolerance the changes were held to.
        method: the propagator both runs used.
        parity_sector: whether both runs evolved the parity sector.
    """

    cutoff: int
    larger_cutoff: int
    power_max_change: float
    energy_max_change: float
    rtol: float
    method: Method
    parity_sector: bool

    @property
    def converged(self) -> bool:
        """True when neither Pmax nor Emax moved by more than ``rtol``."""
        return max(self.power_max_change, self.energy_max_change) <= self.rtol

    def quantities(self) -> tuple[Quantity, ...]:
        """The relative changes of Pmax and Emax and the tolerance (dimensionless)."""
        return (
            Quantity("power_max_change", self.power_max_change),
            Quantity("energy_max_change", self.energy_max_change),
            Quantity("rtol", self.rtol),
        )

    def _title(self) -> str:
        verdict = "converged" if self.converged else "NOT converged"
        return (
            f"photon cutoff {self.cutoff} → {self.larger_cutoff}: {verdict} "
            f"({type(self.method).__name__}, parity sector {self.parity_sector})"
        )


def rerun_cutoff(cut: int, larger_cutoff: int | None = None) -> int:
    """The photon cutoff a convergence check reruns with: ``larger_cutoff`` when given (it
    must exceed ``cut``), else max(1.5 n_c, n_c + 8); shared by the closed and the open
    checks (:func:`check_cutoff_convergence`,
    :func:`ssbattery.quantum.open.cutoff.check_open_cutoff`)."""
    bigger = max(int(1.5 * cut), cut + 8) if larger_cutoff is None else int(larger_cutoff)
    if bigger <= cut:
        raise InvalidParameterError(
            f"`larger_cutoff` must exceed the photon cutoff {cut}, got {larger_cutoff!r}."
        )
    return bigger


def check_cutoff_convergence(
    params: DickeParameters,
    result: ChargingResult,
    *,
    larger_cutoff: int | None = None,
    rtol: float = CUTOFF_RTOL,
    tol: float | None = None,
    method: Method | None = None,
    parity: bool | None = None,
) -> CutoffCheck:
    """Repeat with a larger photon cutoff; warn when Pmax or Emax move by more than ``rtol``.

    The rerun uses the propagator and the sector of the run checked, so that only the
    cutoff differs: ``method``/``tol`` as given to :func:`charge_dicke` (default
    Lanczos(tol=1e-10)), and ``parity`` None → the sector recorded in
    ``result.parameters["parity_sector"]`` (else :func:`dicke_basis`'s default).
    """
    method = _dicke_method(method, tol)
    if parity is None and "parity_sector" in result.parameters:
        parity = bool(result.parameters["parity_sector"])
    cut = params.photon_cutoff
    bigger = rerun_cutoff(cut, larger_cutoff)
    other = charge_dicke(
        replace(params, photon_cutoff=bigger), ergotropy=False, method=method, parity=parity
    )
    check = CutoffCheck(
        cutoff=cut,
        larger_cutoff=bigger,
        power_max_change=abs(other.power_max - result.power_max)
        / max(abs(other.power_max), 1e-300),
        energy_max_change=abs(other.energy_max - result.energy_max)
        / max(abs(other.energy_max), 1e-300),
        rtol=float(rtol),
        method=method,
        parity_sector=bool(other.parameters["parity_sector"]),
    )
    if not check.converged:
        warnings.warn(
            f"photon cutoff {cut} is not converged: raising it to {bigger} changes Pmax by "
            f"{check.power_max_change:.2e} and Emax by {check.energy_max_change:.2e} "
            f"(relative, tolerance {rtol:.0e}); increase `photon_cutoff`.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return check
