"""Charging and storage of open quantum batteries (review §2.3.3–2.3.6 with noise).

Two batteries of N two-level atoms, H0 = ωa Jz (eq. 8), start with every atom in |g⟩:

* the **Dicke battery** (:class:`~ssbattery.quantum.dicke.DickeParameters`): the cavity
  holds N photons and the charger is eq. 9, H = ωc a†a + ωa Jz + 2ωc g Jx(a + a†) +
  (η/N) Jz² + Ω Jx, in a Fock space truncated at ``photon_cutoff``;
* the **classically driven battery** (:class:`DrivenBattery`): no cavity, H = ωa Jz +
  (η/N) Jz² + Ω Jx, so that N reaches hundreds.

Both evolve under the master equation with the noise of :class:`Dissipation` (cavity
loss, collective decay, local decay/pumping/dephasing, optionally thermal) on the
permutation-invariant space of :mod:`.space`. At τc the charger is switched off
(storage phase): the atoms, decoupled from the cavity, keep H0 = ωa Jz and the same
atomic noise; the cavity is traced out (exact, the two no longer interact). Reported on
the grids: E(t) = ωa(⟨Jz⟩ + N/2), the ergotropy of the atoms' reduced state (eq. 7) and
its incoherent/coherent parts, the purity Tr ρ_A², P(t) = E/t and its maximum; in the
storage phase E and the ergotropy against t − τc and the half-life of the ergotropy.
Energies in units of ωc, times in 1/ωc (ħ = k_B = 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ssbattery._blas import single_threaded
from ssbattery.errors import InvalidParameterError, api_only
from ssbattery.quantum.battery import ChargingResult, summarise_charging
from ssbattery.quantum.dicke import ERGOTROPY_UNITARIES, DickeParameters
from ssbattery.quantum.open.liouvillian import (
    ASSEMBLE_LIMIT,
    TABLE_LIMIT,
    CollectiveHamiltonian,
    PILiouvillian,
)
from ssbattery.quantum.open.observables import (
    _StateSeries,
    battery_state,
    battery_states,
    full_min_eigenvalue,
    reduce_state,
    reduction_matrix,
)
from ssbattery.quantum.open.propagate import (
    ChebyshevLindblad,
    RungeKutta,
    propagate,
    propagate_chebyshev,
)
from ssbattery.quantum.open.rates import Dissipation, JumpRates
from ssbattery.quantum.open.space import WORK_VECTORS, PISpace, pi_space
from ssbattery.results import Printed
from ssbattery.validation import (
    MemoryEstimate,
    require_finite,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "DrivenBattery",
    "OpenChargingResult",
    "StorageResult",
    "charge_open",
    "half_life",
    "initial_state",
]

#: Memory for the full states kept for the positivity check of the whole state (atoms ⊗
#: cavity) along the run, and the most states checked (each costs one accumulation per
#: Chebyshev term): every output time where they fit, else evenly spaced ones.
FULL_CHECK_MB = 16.0
FULL_CHECK_STATES = 8


@dataclass(frozen=True)
class DrivenBattery:
    """N atoms charged by a classical field: H = ωa Jz + (η/N) Jz² + Ω Jx (units of ωa's
    frequency unit, ħ = 1). ``t_max`` None → π/√(ωa² + Ω²), the half period of the
    precession (the largest inversion of the resonance-free drive); ``steps`` points in
    (0, t_max]."""

    n_atoms: int
    drive: float
    omega_a: float = 1.0
    eta: float = 0.0
    t_max: float | None = None
    steps: int = 400

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_atoms", require_int_at_least("n_atoms", self.n_atoms, 1))
        require_finite("drive", self.drive)
        require_positive("omega_a", self.omega_a)
        require_finite("eta", self.eta)
        require_int_at_least("steps", self.steps, 2)
        if self.t_max is None:
            if self.drive == 0.0:
                raise InvalidParameterError("`drive` must be ≠ 0: the field Ω Jx is the charger.")
            t = math.pi / math.hypot(self.omega_a, self.drive)
        else:
            t = require_positive("t_max", self.t_max)
        object.__setattr__(self, "t_max", float(t))

    def times(self) -> NDArray[np.float64]:
        """``steps`` points uniform in (0, t_max]."""
        return float(self.t_max) * np.arange(1, self.steps + 1) / self.steps  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this object (plain numbers, lists and strings)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class StorageResult(Printed):
    """Self-discharge after the charger is switched off at ``tau_c``.

    ``times`` are t − τc (first entry 0); ``energy`` and ``ergotropy`` as in the charging
    phase. ``half_life`` is the first time at which the ergotropy falls to half its value
    at τc (linear interpolation between grid points); ``inf`` when nothing acts on the
    atoms, NaN when it is not reached within the grid (then it exceeds ``times[-1]``).
    ``min_eigenvalue`` is the smallest eigenvalue of every spin block of the atoms' state
    over the storage grid (positivity check; see :class:`~.observables.BatteryState`).
    """

    tau_c: float
    times: NDArray[np.float64]
    energy: NDArray[np.float64]
    ergotropy: NDArray[np.float64]
    half_life: float
    min_eigenvalue: float = float("nan")

    #: Energies in the unit E₀ of ωa, Ω, g and the rates; times in 1/E₀ (ħ = 1).
    ENERGY_UNIT: ClassVar[str] = "E₀"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys (``"half_life [1/E₀]"``; None: not reached)."""
        u = self.ENERGY_UNIT
        return {
            f"tau_c [1/{u}]": self.tau_c,
            f"times [1/{u}]": self.times.tolist(),
            f"energy [{u}]": self.energy.tolist(),
            f"ergotropy [{u}]": self.ergotropy.tolist(),
            f"half_life [1/{u}]": None if math.isnan(self.half_life) else self.half_life,
            "min_eigenvalue [1]": (
                None if math.isnan(self.min_eigenvalue) else self.min_eigenvalue
            ),
        }


@dataclass(frozen=True)
class OpenChargingResult(Printed):
    """Charging (``charging``: E, P, ergotropy, maxima) plus the open-system diagnostics.

    ``ergotropy_incoherent`` and ``ergotropy_coherent`` split the ergotropy (Francica et
    al., PRL 125, 180603 (2020)); ``purity`` is Tr ρ_A² of the atoms; ``photons`` ⟨a†a⟩.
    ``checks`` holds max|Tr ρ − 1|, max|ρ − ρ†| of the atoms, ``min_eigenvalue`` (the
    smallest eigenvalue of every spin block of the atoms' reduced state, at every output
    time), ``min_eigenvalue_full`` (the same for the whole state, atoms ⊗ cavity, at
    ``full_checked_times`` evenly spaced output times, at most ``FULL_CHECK_STATES`` and as
    many as fit in ``FULL_CHECK_MB``; always the last), ``max_top_level_population`` (the largest
    population of the top Fock level, the photon cutoff's truncation criterion: for the
    closed battery the relative error of E(t) was measured at up to ~40× it, see
    :mod:`ssbattery.quantum.dicke_window`; raise ``photon_cutoff`` where it is not small).
    ``block_min_eigenvalues`` is, per spin block (order of ``parameters["j_values"]``),
    the atoms' minimum over the run. Eigenvalues are those of the weight blocks (scale of
    Tr ρ = 1; :class:`~.observables.BatteryState`).
    ``storage`` is the self-discharge phase (None if not asked).
    """

    charging: ChargingResult
    ergotropy_incoherent: NDArray[np.float64]
    purity: NDArray[np.float64]
    photons: NDArray[np.float64]
    checks: dict[str, float]
    storage: StorageResult | None
    block_min_eigenvalues: NDArray[np.float64] = field(
        default_factory=lambda: np.empty(0, dtype=float)
    )

    @property
    def times(self) -> NDArray[np.float64]:
        """Output times, 1/ω (of the charging run)."""
        return self.charging.times

    @property
    def energy(self) -> NDArray[np.float64]:
        """Stored energy E(t), ω."""
        return self.charging.energy

    @property
    def ergotropy(self) -> NDArray[np.float64]:
        """Ergotropy (eq. 7) at each time, ω."""
        return self.charging.ergotropy

    @property
    def ergotropy_coherent(self) -> NDArray[np.float64]:
        """The coherent part: ergotropy − incoherent ergotropy (≥ 0)."""
        return np.maximum(self.charging.ergotropy - self.ergotropy_incoherent, 0.0)

    @property
    def power_max(self) -> float:
        """Maximum average power, ω²."""
        return self.charging.power_max

    @property
    def t_power_max(self) -> float:
        """Time of the maximum power, 1/ω."""
        return self.charging.t_power_max

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the charging run's entries (units in the keys, as
        :meth:`ChargingResult.to_dict`), the open-system curves and checks with their
        units (purity, photon number and the checks are plain numbers, ``[1]``) and the
        storage phase."""
        u = self.charging.energy_unit
        out = self.charging.to_dict()
        out.update(
            {
                f"ergotropy_incoherent [{u}]": self.ergotropy_incoherent.tolist(),
                f"ergotropy_coherent [{u}]": self.ergotropy_coherent.tolist(),
                "purity [1]": self.purity.tolist(),
                "photons [1]": self.photons.tolist(),
                "checks": {f"{k} [1]": float(v) for k, v in self.checks.items()},
                "storage": None if self.storage is None else self.storage.to_dict(),
                "block_min_eigenvalues [1]": self.block_min_eigenvalues.tolist(),
            }
        )
        return out


def half_life(times: NDArray[np.float64], values: NDArray[np.float64]) -> float:
    """First t with values(t) ≤ values[0]/2, linearly interpolated; NaN if never reached."""
    target = 0.5 * values[0]
    below = np.flatnonzero(values <= target)
    if values[0] <= 0 or below.size == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1, v0, v1 = times[k - 1], times[k], values[k - 1], values[k]
    return float(t0 + (t1 - t0) * (v0 - target) / (v0 - v1))


def _setup(
    model: Any, dissipation: Dissipation
) -> tuple[PISpace, CollectiveHamiltonian, JumpRates, int, NDArray]:
    if isinstance(model, DickeParameters):
        rates = dissipation.jump_rates(omega_a=model.omega_a, omega_cav=model.omega_cav)
        space = pi_space(
            model.n_atoms,
            model.photon_cutoff + 1,
            local=rates.local,
            fix="lower `n_atoms` or `photon_cutoff` (--n-atoms / --photon-cutoff)",
        )
        ham = CollectiveHamiltonian(
            model.n_atoms,
            omega_a=model.omega_a,
            omega_cav=model.omega_cav,
            coupling=model.coupling,
            eta=model.eta,
            drive=model.drive,
        )
        return space, ham, rates, model.n_atoms, model.times()
    if isinstance(model, DrivenBattery):
        if dissipation.cavity_loss > 0:
            raise InvalidParameterError(
                "`cavity_loss` must be 0 for the classically driven battery (it has no cavity)."
            )
        rates = dissipation.jump_rates(omega_a=model.omega_a)
        space = pi_space(model.n_atoms, 1, local=rates.local, fix="lower `n_atoms` (--n-atoms)")
        ham = CollectiveHamiltonian(
            model.n_atoms, omega_a=model.omega_a, eta=model.eta, drive=model.drive
        )
        return space, ham, rates, 0, model.times()
    raise InvalidParameterError(
        f"`model` must be DickeParameters or DrivenBattery, got {type(model).__name__}."
    )


def _memory_estimate(
    space: PISpace, L: PILiouvillian, times: NDArray, method: ChebyshevLindblad | RungeKutta
) -> MemoryEstimate:
    """The predicted peak memory of the charging phase of :func:`charge_open`.

    Assembling L (small spaces): triplets, their concatenation and the CSR array (≈ 80 B
    per entry). Evolving: L, the propagator's state-sized vectors (Chebyshev: three terms,
    two accumulators, the step's temporaries; DOP853: its stages), the reductions kept per
    term (capped by ``memory_mb``) and the Bessel table, the reduced states at every time.
    """
    from ssbattery.quantum.evolution import chebyshev_terms

    size = space.size
    m = sum(d * d for d in space.spin_dims) + space.n_levels * len(space.spin_dims)
    est = MemoryEstimate(
        f"the open battery (N = {space.n_atoms}, {space.n_levels} photon levels, "
        f"{len(space.spin_dims)} spin block(s), {size:,} state entries, {times.size} times)",
        hint="lower `n_atoms`, `photon_cutoff` or `steps`",
    )
    nnz = L.nnz_estimate()
    assembled = nnz <= ASSEMBLE_LIMIT
    if assembled:
        est.add("assembling L", "triplets, concatenation and CSR", nnz, bytes_per_element=80)
    if assembled and space.size > TABLE_LIMIT:  # the compiled path's real form of L
        est.add(
            "real form of L",
            "L, S = 2(L + d/2)/R, S T and the real matrix (measured ≈ 100 B per entry)",
            nnz,
            bytes_per_element=104,
        )
    phase = "evolving"
    if assembled:
        est.add(phase, "L (CSR)", nnz, bytes_per_element=20)
    if isinstance(method, ChebyshevLindblad):
        R, d = L.spectral_extent()
        span = (
            float(times[-1])
            if d == 0
            else min(float(times[-1]), 2 * math.log(method.max_growth) / d)
        )
        K = chebyshev_terms(R * span, method.tol * 1e-2) + 40
        cap = max(96, int(method.memory_mb * 2**20 // (16 * m)))
        est.add(phase, "Chebyshev terms, accumulators, step temporaries", (10, size))
        est.add(phase, "reductions kept per term", (min(K, cap), m))
        est.add(phase, "Bessel table", (times.size, K + 64), bytes_per_element=8)
    else:
        est.add(phase, "integrator stages", (WORK_VECTORS, size))
    est.add(phase, "reduced states at every time", (times.size, m))
    # the accumulators, plus the finished state and the check's Hermitian copy
    est.add(phase, "full states for the positivity check", (_full_count(space, times) + 2, size))
    return est


def _full_count(space: PISpace, times: NDArray) -> int:
    """How many output times get the whole state's positivity check (≥ 1, see
    ``FULL_CHECK_MB``)."""
    fit = max(1, FULL_CHECK_MB * 2**20 // (16 * space.size))
    return int(min(times.size, FULL_CHECK_STATES, fit))


def _full_indices(space: PISpace, times: NDArray) -> list[int]:
    """Evenly spaced output indices for the full positivity check, the last included."""
    n = _full_count(space, times)
    return sorted({int(x) for x in np.rint(np.linspace(times.size - 1, 0, n))})


def initial_state(space: PISpace, photons: int) -> NDArray[np.complex128]:
    """|photons⟩ ⊗ |j = N/2, m = −N/2⟩ as the flat state on ``space``."""
    y = np.zeros(space.size, dtype=np.complex128)
    space.blocks(y)[0][photons, 0, photons, 0] = 1.0
    return y


def _atoms_only(space: PISpace, y: NDArray) -> tuple[PISpace, NDArray]:
    """Trace the cavity out of the flat state ``y``: the atoms' blocks on a one-level space."""
    atoms = PISpace(space.n_atoms, 1, space.j_values)
    out = np.zeros(atoms.size, dtype=np.complex128)
    for src, dst in zip(space.blocks(y), atoms.blocks(out), strict=True):
        dst[0, :, 0, :] = np.einsum("nanb->ab", src)
    return atoms, out


def _storage(
    space: PISpace,
    y: NDArray,
    tau_c: float,
    omega_a: float,
    rates: JumpRates,
    storage_time: float | None,
    steps: int,
    method: RungeKutta,
    symmetric: bool,
) -> StorageResult:
    atoms, ya = _atoms_only(space, y)
    first = battery_state(atoms, ya, omega_a, symmetric=symmetric)
    if not rates.atomic:
        t = np.array([0.0])
        return StorageResult(
            tau_c,
            t,
            np.array([first.energy]),
            np.array([first.ergotropy]),
            math.inf,
            first.min_eigenvalue,
        )
    total = (
        rates.local_down
        + rates.local_up
        + rates.local_dephasing
        + rates.collective_down
        + rates.collective_up
    )
    t_end = 5.0 / total if storage_time is None else require_positive("storage_time", storage_time)
    times = t_end * np.arange(0, steps + 1) / steps
    # H0 = ωa Jz commutes with every dissipator's covariance (each jump changes m by a
    # fixed amount), so in its interaction picture the storage dynamics is dissipation
    # alone; E and the ergotropy (populations and spectrum in the H0 basis) are the same
    # in both pictures. Dropping H0 frees the integrator from resolving e^{−iωa t}.
    L = PILiouvillian(atoms, None, rates)
    rows: list[NDArray] = [None] * times.size  # type: ignore[list-item]

    def observe(v: NDArray, k: int) -> None:
        rows[k] = np.array(v)

    propagate(L, ya, 0.0, times, observe, method=method)
    st = battery_states(atoms, np.array(rows), omega_a, symmetric=symmetric)
    E, W, lowest = st.energy, st.ergotropy, st.min_eigenvalue
    return StorageResult(tau_c, times, E, W, half_life(times, W), float(lowest.min()))


@single_threaded
def charge_open(
    model: DickeParameters | DrivenBattery,
    dissipation: Dissipation | None = None,
    *,
    storage: bool = True,
    tau_c: float | None = None,
    storage_time: float | None = None,
    storage_steps: int = 200,
    symmetric_ergotropy: bool = False,
    ergotropy: bool = True,
    positivity: bool = True,
    method: ChebyshevLindblad | RungeKutta | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> OpenChargingResult:
    """Charge an open battery, then (``storage``) let it self-discharge from τc.

    Args:
        model: :class:`~ssbattery.quantum.dicke.DickeParameters` (cavity charger, eq. 9)
            or :class:`DrivenBattery` (classical field); its grid is the charging grid.
        dissipation: the noise (:class:`Dissipation`; default none: the closed battery).
        storage: run the storage phase.
        tau_c: switch-off time of the charger, in (0, t_max]; None → the grid time of the
            largest ergotropy.
        storage_time: length of the storage grid (default 5/Γ, Γ the sum of the atomic
            rates); ``storage_steps`` intervals.
        symmetric_ergotropy: measure the ergotropy with unitaries of the symmetric
            subspace j = N/2 only (levels ωa m once each), the convention of the closed
            :func:`~ssbattery.quantum.dicke.charge_dicke`; only for collective-only noise.
            Default: unitaries of the whole 2^N space of the atoms (levels with their
            multiplicities C(N, N/2 + m)), which is never smaller.
        ergotropy: compute the ergotropy (and purity's eigen-decompositions) at every
            output time; False leaves NaN there (needs ``storage`` False).
        positivity: the positivity diagnostic (the smallest eigenvalue of every spin
            block of the atoms' state at every output time, and of the whole state at a
            few): one eigen-decomposition per block and time. False (only with
            ``ergotropy`` False: an energy-only run, as a peer that computes ⟨Jz⟩ alone)
            leaves those checks NaN and skips every eigen-decomposition.
        method: the propagator of the charging phase, picked by type:
            :class:`ChebyshevLindblad` (default; one Chebyshev expansion serves every
            output time) or :class:`RungeKutta` (adaptive DOP853). The storage phase
            (only the atoms, long times, dissipation alone) uses DOP853 (the given
            :class:`RungeKutta`, else its defaults).
        progress: called as progress(done, total) along the charging grid.

    Example:
        >>> from ssbattery.quantum.open import DrivenBattery, Dissipation, charge_open
        >>> r = charge_open(DrivenBattery(4, drive=2.0, steps=20), Dissipation(dephasing=0.1))
        >>> bool(r.ergotropy.max() < r.energy.max())
        True
    """
    dissipation = Dissipation() if dissipation is None else dissipation
    method = method or ChebyshevLindblad()
    storage_steps = require_int_at_least("storage_steps", storage_steps, 2)
    space, ham, rates, photons, grid = _setup(model, dissipation)
    if storage and not ergotropy:
        raise InvalidParameterError(
            "`ergotropy` must be True for the storage phase (its half-life is that of the "
            "ergotropy)." + api_only("pass `storage=False`")
        )
    if ergotropy and not positivity:
        raise InvalidParameterError(
            "`positivity` must be True when the ergotropy is computed (its spectra give "
            "the check for free)." + api_only("pass `ergotropy=False`")
        )
    if symmetric_ergotropy and rates.local:
        raise InvalidParameterError(
            "`symmetric_ergotropy` needs collective-only noise: local decay, pumping or "
            "dephasing take the atoms out of the symmetric subspace."
        )
    t_max = float(grid[-1])
    if tau_c is not None:
        tau_c = require_positive("tau_c", tau_c)
        if tau_c > t_max:
            raise InvalidParameterError(
                f"`tau_c` must lie in (0, t_max = {t_max:.6g}]; raise `t_max` or lower `tau_c`."
            )
    times = grid if tau_c is None else np.union1d(grid, [tau_c])
    L = PILiouvillian(space, ham, rates, assemble=False)
    est = _memory_estimate(space, L, times, method)
    est.check()  # the whole run, before the superoperator is assembled
    if L.nnz_estimate() <= ASSEMBLE_LIMIT:
        L.assemble()
    else:  # the initial state has even coherence parity: the kernel keeps to it if L does
        L = PILiouvillian(space, ham, rates, assemble=False, even_parity=True)
    y0 = initial_state(space, photons)
    sym = symmetric_ergotropy
    full_at = _full_indices(space, times) if positivity else []
    full_min: dict[int, float] = {}

    def check_full(y: NDArray, k: int) -> None:
        full_min[k] = min(full_min_eigenvalue(space, y))

    def series(reduced: NDArray) -> _StateSeries:
        return battery_states(
            space, reduced, ham.omega_a, symmetric=sym, ergotropy=ergotropy, spectra=positivity
        )

    if isinstance(method, ChebyshevLindblad):
        R, d = L.spectral_extent()
        step: Any
        reduce: Any
        step_into = None
        start, expand = y0, None
        if L.assembled:  # the compiled recurrence on the real form (CSR matrix, reduction)
            form, step = L._real_step(R, d)
            P = reduction_matrix(space)
            reduce, start, expand = form.reduction(P), form.compress(y0), form.expand
            engine = "Chebyshev, compiled real form" + (" (parity sector)" if form.parity else "")
        else:  # the fused kernel, from Python
            step, step_into = L.chebyshev_step(R, d), L.chebyshev_step_into(R, d)
            reduce = lambda v: reduce_state(space, v)  # noqa: E731
            engine = "Chebyshev, Python recurrence"

        def cheb(
            ts: NDArray, keep: int | None, full: bool = False
        ) -> tuple[NDArray, NDArray | None]:
            on_full = None
            if full:
                on_full = check_full if expand is None else lambda x, k: check_full(expand(x), k)
            red, kept_state = propagate_chebyshev(
                step,
                start,
                ts,
                reduce,
                half_width=R,
                decay=d,
                keep=keep,
                method=method,
                full_at=full_at if full else (),
                on_full=on_full,
                step_into=step_into,
            )
            if expand is None:
                return red, kept_state
            red = form.reduced(red, P)
            return red, None if kept_state is None else expand(kept_state)

        keep_at = None if tau_c is None else int(np.flatnonzero(times == tau_c)[0])
        reduced, kept_y = cheb(times, keep_at if storage else None, full=True)
        states = series(reduced)
        if progress is not None:
            progress(times.size, times.size)
        kept: dict[str, Any] = {"y": kept_y, "t": tau_c}
        if storage and tau_c is None:  # the best ergotropy is known only now: go there again
            k_best = int(np.argmax(states.ergotropy))
            kept["t"] = float(times[k_best])
            kept["y"] = cheb(times[: k_best + 1], k_best)[1]
    else:
        rows: list[NDArray] = [None] * times.size  # type: ignore[list-item]
        kept = {"W": -1.0, "y": None, "t": None}

        def observe(y: NDArray, k: int) -> None:
            rows[k] = np.array(reduce_state(space, y))
            if k in full_at:
                check_full(y, k)
            if storage:
                if tau_c is None:
                    W = battery_state(space, rows[k], ham.omega_a, symmetric=sym, reduced=True)
                    if W.ergotropy > kept["W"]:
                        kept.update(W=W.ergotropy, y=np.array(y), t=float(times[k]))
                elif times[k] == tau_c:
                    kept.update(y=np.array(y), t=float(tau_c))
            if progress is not None and (k % 16 == 15 or k == times.size - 1):
                progress(k + 1, times.size)

        propagate(L, y0, 0.0, times, observe, method=method)
        states = series(np.array(rows))
        engine = "DOP853"
    # the charging grid's rows (all of them unless τc was added off the grid)
    on_grid = slice(None) if times is grid else np.isin(times, grid)
    info: dict[str, Any] = dict(model.to_dict())
    info.update(
        model=type(model).__name__,
        dissipation=dissipation.to_dict(),
        jump_rates=rates.to_dict(),
        spin_blocks=len(space.j_values),
        j_values=list(space.j_values),
        state_entries=space.size,
        generator=L.provenance(),
        propagator=engine,
        ergotropy_unitaries=ERGOTROPY_UNITARIES[bool(sym)],
    )
    charging = summarise_charging(
        grid,
        states.energy[on_grid],
        states.ergotropy[on_grid],
        parameters=info,
    )
    nan = float("nan")
    checks = {
        "max_trace_error": float(np.max(np.abs(states.trace[on_grid] - 1.0))),
        "max_hermiticity_error": float(np.max(states.hermiticity_error[on_grid])),
        "min_eigenvalue": float(np.min(states.min_eigenvalue)) if positivity else nan,
        "min_eigenvalue_full": float(min(full_min.values())) if positivity else nan,
        "full_checked_times": float(len(full_min)),
        "max_top_level_population": float(np.max(states.top_level_population)),
    }
    stored = None
    if storage:
        stored = _storage(
            space,
            kept["y"],
            kept["t"],
            ham.omega_a,
            rates,
            storage_time,
            storage_steps,
            method if isinstance(method, RungeKutta) else RungeKutta(),
            symmetric_ergotropy,
        )
    return OpenChargingResult(
        charging=charging,
        ergotropy_incoherent=states.incoherent[on_grid],
        purity=states.purity[on_grid],
        photons=states.photons[on_grid],
        checks=checks,
        storage=stored,
        block_min_eigenvalues=np.min(states.block_min_eigenvalues, axis=0),
    )
