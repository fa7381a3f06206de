"""An optically pumped two-level quantum battery and a two-stroke engine (review §2.4).

After the set-up summarised in the review from Santos et al. (ref. 152; T. F. F. Santos and
M. F. Santos, "Efficiency of optically pumping a quantum battery and a two-stroke heat
engine", arXiv:2208.02373): energy is pumped optically into an effective two-level battery
(a qutrit whose upper level is adiabatically eliminated), which then acts like a battery
charged by an effective hot reservoir. Our model (ħ = k_B = 1, energies in units of the battery gap
unless given):

* Three levels |g⟩ (0), |e⟩ (ω_e, the battery's charged level) and |a⟩ (ω_a > ω_e).
* A pump laser of frequency ω_L and Rabi frequency Ω drives g ↔ a. In the frame rotating
  at ω_L on |a⟩ (rotating-wave approximation)
  H = ω_e|e⟩⟨e| + Δ|a⟩⟨a| + (Ω/2)(|a⟩⟨g| + |g⟩⟨a|),  Δ = ω_a − ω_L.
* Dissipation (local form, bare transition frequencies):
  a → e through a reservoir at T_r with rate Γ (thermal factors at ω_a − ω_e), and the
  battery's own relaxation e ↔ g through the cold bath at T_c with rate γ_B. Departure
  from the paper, whose abstract speaks of one natural thermal reservoir: by default the
  a → e decay goes into a separate reservoir at T_r; ``single_reservoir=True`` ties it to
  the cold bath (T_r = T_c).
  For Ω ≪ Γ the auxiliary level is eliminated: the battery is pumped incoherently at
  r(Δ) = Γ Ω²/(Γ² + 4Δ²) (:func:`effective_pump_rate`), a Lorentzian peaked at resonance.
* Bookkeeping (local master equation in the rotating frame): the laser delivers
  W_pump = ω_L · N_abs, with N_abs = ∫ R dt the net number of absorbed photons and
  R = ⟨−i[P_a, H_drive]⟩ (exact time integral via an augmented propagator). The battery
  stores E_B = ω_e (p_e − p_e(0)); charging efficiency η = E_B/W_pump, stored power
  P_B = E_B/t. Each photon stores at most ω_e of its ω_L, the rest (≈ ω_a − ω_e) goes as
  heat to the reservoir, so η ≤ ω_e/ω_L. This bound favours red detuning; the local form
  lets the reservoir make up ω_a − ω_L for a red-detuned photon even at T_r = 0 (a known
  limit of local, rotating-frame master equations), so efficiencies far below resonance
  should not be trusted. The stored power, limited by r(Δ), peaks at resonance.

Two-stroke engine (our variant of the paper's extra level, through which work leaves the
battery by a unitary): the pumped battery (the effective hot side, gap ω_e) and a cold
qubit (gap ω_c < ω_e) on the cold bath T_c (rate γ_c). Stroke 1 (duration τ): pumping and
thermalisation; stroke 2 (instantaneous): the swap |e,0_c⟩ ↔ |g,1_c⟩, which extracts
W = (ω_e − ω_c)(p_e p_0 − p_g p_1) > 0 when the pumped population ratio beats the cold
Boltzmann factor e^{−ω_c/T_c}. Engine efficiency W/W_pump ≤ (1 − ω_c/ω_e) ω_e/ω_L: the
Otto efficiency times the pumping efficiency. The limit cycle is a fixed point (linear
solve) of the one-cycle map.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import scipy.linalg as sla

from ssbattery._deprecation import module_getattr
from ssbattery.errors import InvalidParameterError, ValidityWarning
from ssbattery.quantum.operators import expectation
from ssbattery.results import Quantity, Recorded, Reported, quantity_dict
from ssbattery.thermal.baths import Bath, local_dissipators
from ssbattery.thermal.lindblad import (
    cycle_map,
    expm_and_integral,
    fixed_point,
    liouvillian,
    single_threaded,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.validation import require_finite, require_positive

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "EngineMap",
    "EngineResult",
    "PumpScan",
    "PumpedBattery",
    "PumpedChargingResult",
    "charging",
    "charging_scan",
    "effective_pump_rate",
    "engine_efficiency_bound",
    "engine_region",
    "pump_scan",
    "two_stroke_engine",
]

G, E, A = 0, 1, 2  # level indices


def _ket_bra(i: int, j: int, d: int = 3) -> np.ndarray:
    m = np.zeros((d, d), dtype=complex)
    m[i, j] = 1.0
    return m


def effective_pump_rate(rabi: float, decay: float, detuning: float) -> float:
    """r = Γ Ω²/(Γ² + 4Δ²): the g → e pumping rate after eliminating |a⟩ (Ω ≪ Γ)."""
    om = require_finite("rabi", rabi)
    gam = require_positive("decay", decay)
    dlt = require_finite("detuning", detuning)
    return gam * om**2 / (gam**2 + 4 * dlt**2)


@dataclass(frozen=True)
class PumpedBattery:
    """Parameters of the optically pumped battery (see the module docstring).

    ``single_reservoir``: the a → e decay goes into the cold bath itself (T_r is ignored and
    follows T_c, also in a T_c scan), the one natural thermal reservoir of the paper's
    abstract; by default it goes into a separate reservoir at ``T_r``.
    """

    omega_e: float = 1.0
    omega_a: float = 1.5
    rabi: float = 0.05
    decay: float = 0.2
    battery_rate: float = 0.005
    T_r: float = 0.05
    T_c: float = 0.1
    single_reservoir: bool = False

    def __post_init__(self) -> None:
        require_positive("omega_e", self.omega_e)
        require_positive("omega_a", self.omega_a)
        if self.omega_a <= self.omega_e:
            raise InvalidParameterError(
                f"`omega_a` must exceed `omega_e` (the pumped level lies above the battery "
                f"level), got {self.omega_a} ≤ {self.omega_e}."
            )
        require_positive("rabi", self.rabi, allow_zero=True)
        require_positive("decay", self.decay)
        require_positive("battery_rate", self.battery_rate, allow_zero=True)
        require_positive("T_r", self.T_r, allow_zero=True)
        require_positive("T_c", self.T_c, allow_zero=True)

    def hamiltonian(self, omega_L: float) -> np.ndarray:
        """The rotating-frame H for pump frequency ``omega_L``."""
        wl = require_positive("omega_L", omega_L)
        H = np.diag([0.0, self.omega_e, self.omega_a - wl]).astype(complex)
        return H + 0.5 * self.rabi * (_ket_bra(A, G) + _ket_bra(G, A))

    def photon_rate_operator(self) -> np.ndarray:
        """X with ⟨X⟩ = R, the net photon absorption rate: X = −i[P_a, H_drive]."""
        Pa = _ket_bra(A, A)
        Hd = 0.5 * self.rabi * (_ket_bra(A, G) + _ket_bra(G, A))
        return -1j * (Pa @ Hd - Hd @ Pa)

    def c_ops(self, T_c: float | None = None) -> list[np.ndarray]:
        """Jump operators: a → e (reservoir T_r, or T_c with ``single_reservoir``; rate Γ) and
        e → g (cold bath, rate γ_B)."""
        tc = self.T_c if T_c is None else T_c
        tr = tc if self.single_reservoir else self.T_r
        ops = local_dissipators(_ket_bra(E, A), self.omega_a - self.omega_e, Bath(tr, self.decay))
        if self.battery_rate > 0:
            ops += local_dissipators(_ket_bra(G, E), self.omega_e, Bath(tc, self.battery_rate))
        return ops


@dataclass(frozen=True)
class PumpedChargingResult(Reported):
    """Charging from the ground state: on ``times``, the stored energy E_B, the battery
    ergotropy ω_e max(p_e − p_g, 0), pump work, efficiency E_B/W_pump, power E_B/t, and the
    first-law defect (ω_a − ω_L)·N_abs of the local rotating-frame model (energy the model
    creates for red detuning, destroys for blue; zero at resonance)."""

    omega_L: float
    times: np.ndarray
    stored_energy: np.ndarray
    ergotropy: np.ndarray
    pump_work: np.ndarray
    efficiency: np.ndarray
    power: np.ndarray
    first_law_defect: np.ndarray

    def quantities(self) -> tuple[Quantity, ...]:
        """At the last time: E_B, ergotropy, pump work, efficiency and power, and the largest
        stored power on the grid (energies in the battery gap ω_e, ħ = 1)."""
        k = int(np.nanargmax(self.power)) if np.any(np.isfinite(self.power)) else -1
        return (
            Quantity("omega_L", self.omega_L, "ω_e"),
            Quantity("t_final", float(self.times[-1]), "1/ω_e"),
            Quantity("stored_energy", float(self.stored_energy[-1]), "ω_e"),
            Quantity("ergotropy", float(self.ergotropy[-1]), "ω_e"),
            Quantity("pump_work", float(self.pump_work[-1]), "ω_e"),
            Quantity("efficiency", float(self.efficiency[-1])),
            Quantity("power", float(self.power[-1]), "ω_e²"),
            Quantity("power_max", float(self.power[k]), "ω_e²"),
            Quantity("t_power_max", float(self.times[k]), "1/ω_e"),
        )

    def _title(self) -> str:
        return f"pumped battery charged at ω_L = {self.omega_L:g} ({self.times.size} times)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the scalars (at the last time) with units in their keys and the
        curves on the grid (lists, keys ``"x(t) [unit]"``)."""
        return {
            **quantity_dict(self.quantities()),
            "times [1/ω_e]": self.times.tolist(),
            "stored_energy(t) [ω_e]": self.stored_energy.tolist(),
            "efficiency(t) [1]": self.efficiency.tolist(),
            "power(t) [ω_e²]": self.power.tolist(),
        }

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


def _row(X: np.ndarray) -> np.ndarray:
    # Tr[X ρ] = vec(Xᵀ) · vec(ρ) for column stacking
    return vec(X.T)


@single_threaded
def charging(
    battery: PumpedBattery,
    omega_L: float,
    times: Sequence[float] | np.ndarray,
    *,
    warn: bool = True,
) -> PumpedChargingResult:
    """Charge ``battery`` from |g⟩ with the pump at ``omega_L``; metrics on ``times``.

    With the bare energy E₀ = Tr[H₀ρ], dE₀/dt = ω_a R + Σ_k J_k exactly in this model, while
    the laser supplies ω_L R: the first law misses (ω_a − ω_L)·N_abs. A
    :class:`~ssbattery.errors.ValidityWarning` is raised (``warn``) when that defect exceeds
    5 % of the pump work: the detuning is too large for the local rotating-frame model.
    """
    if not isinstance(battery, PumpedBattery):
        raise InvalidParameterError(
            f"`battery` must be a PumpedBattery, got {type(battery).__name__}."
        )
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(~np.isfinite(t)) or np.any(t < 0):
        raise InvalidParameterError("`times` must be a non-empty 1-D array of times ≥ 0.")
    if np.any(np.diff(t) < 0):
        raise InvalidParameterError("`times` must be non-decreasing.")
    L = liouvillian(battery.hamiltonian(omega_L), battery.c_ops()).toarray()
    n = L.shape[0]
    # augmented generator: d/dt (v, N) = (L v, r·v) with N the absorbed photons
    aug = np.zeros((n + 1, n + 1), dtype=complex)
    aug[:n, :n] = L
    aug[n, :n] = _row(battery.photon_rate_operator())
    x = np.zeros(n + 1, dtype=complex)
    x[:n] = vec(_ket_bra(G, G))
    cache: dict[float, np.ndarray] = {}
    states = np.empty((t.size, n + 1), dtype=complex)
    prev = 0.0
    for k, tk in enumerate(t):
        dt = float(tk - prev)
        if dt > 0:
            key = round(dt, 14)
            if key not in cache:
                cache[key] = sla.expm(aug * dt)
            x = cache[key] @ x
        states[k] = x
        prev = float(tk)
    pe = np.array([unvec(s[:n], 3)[E, E].real for s in states])
    pg = np.array([unvec(s[:n], 3)[G, G].real for s in states])
    photons = states[:, n].real
    stored = battery.omega_e * pe
    work = omega_L * photons
    with np.errstate(divide="ignore", invalid="ignore"):
        eff = np.where(work > 0, stored / work, np.nan)
        power = np.where(t > 0, stored / t, np.nan)
    defect = (battery.omega_a - omega_L) * photons
    ratio = float(np.max(np.abs(defect) / np.maximum(np.abs(work), 1e-300)))
    if warn and ratio > 0.05:
        warnings.warn(
            f"pump detuning ω_a − ω_L = {battery.omega_a - omega_L:.3g} breaks the first law "
            f"of the local rotating-frame model by {100 * ratio:.0f} % of the pump work; "
            "trust only near-resonant pumping.",
            ValidityWarning,
            stacklevel=2,
        )
    return PumpedChargingResult(
        omega_L=float(omega_L),
        times=t,
        stored_energy=stored,
        ergotropy=battery.omega_e * np.maximum(pe - pg, 0.0),
        pump_work=work,
        efficiency=eff,
        power=power,
        first_law_defect=defect,
    )


@dataclass(frozen=True)
class PumpScan(Recorded):
    """Charging metrics at ``time`` against the pump frequency (arrays over ``omega_L``):
    efficiency E_B/W_pump, stored energy ω_e p_e, stored power E_B/t, pump work ω_L N_abs and
    the first-law defect (ω_a − ω_L) N_abs; and, when the two-stroke engine was run, its
    work per cycle, efficiency and Otto × pumping bound (NaN otherwise)."""

    omega_L: np.ndarray
    time: float
    efficiency: np.ndarray
    stored_energy: np.ndarray
    power: np.ndarray
    pump_work: np.ndarray
    first_law_defect: np.ndarray
    engine_work: np.ndarray
    engine_efficiency: np.ndarray
    engine_bound: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "omega_L": "ω_e",
        "time": "1/ω_e",
        "efficiency": "1",
        "stored_energy": "ω_e",
        "power": "ω_e²",
        "pump_work": "ω_e",
        "first_law_defect": "ω_e",
        "engine_work": "ω_e",
        "engine_efficiency": "1",
        "engine_bound": "1",
    }

    def _title(self) -> str:
        return f"pumped battery at t = {self.time:g} on {len(self.omega_L)} pump frequencies"

    def rows(self) -> list[dict[str, Any]]:
        """One record per pump frequency: :meth:`to_dict`'s arrays taken at that ω_L (keys
        ``"name [unit]"``, NaN as None), the scan's time left out."""
        columns = {k: v for k, v in self.to_dict().items() if isinstance(v, list)}
        return [{k: v[i] for k, v in columns.items()} for i in range(len(self.omega_L))]


def charging_scan(
    battery: PumpedBattery, omega_Ls: Sequence[float] | np.ndarray, time: float
) -> PumpScan:
    """Efficiency, stored energy, stored power and first-law defect at ``time`` against
    pump frequency (no per-frequency warnings); the engine fields are NaN (see
    :func:`pump_scan`)."""
    return pump_scan(battery, omega_Ls, time, engine=False)


def pump_scan(
    battery: PumpedBattery,
    omega_Ls: Sequence[float] | np.ndarray,
    time: float,
    *,
    engine: bool = True,
    omega_c: float = 0.5,
    tau: float = 20.0,
) -> PumpScan:
    """What ``ssbattery pumped-battery`` computes for each ω_L: a sweep of the
    ``pumped-battery`` entry over ``omega_Ls`` (:func:`ssbattery.sweep.scan.scan`), with
    the two-stroke engine (cold-qubit gap ``omega_c``, pumping stroke ``tau``) when
    ``engine``."""
    from dataclasses import asdict

    from ssbattery.sweep.scan import columns, distinct, scan

    if not isinstance(battery, PumpedBattery):
        raise InvalidParameterError(
            f"`battery` must be a PumpedBattery, got {type(battery).__name__}."
        )
    tt = require_positive("time", time)
    ws = np.asarray(omega_Ls, dtype=float)
    if ws.ndim != 1 or ws.size == 0:
        raise InvalidParameterError("`omega_Ls` must be a non-empty 1-D list of frequencies.")
    values, back = distinct(ws)
    fixed = {**asdict(battery), "time": tt, "engine": engine, "omega_c": omega_c, "tau": tau}
    ds = scan("pumped-battery", fixed=fixed, sweep={"omega_L": values})

    return PumpScan(omega_L=ws, time=tt, **columns(ds, PumpScan, back, skip=("omega_L",)))


@dataclass(frozen=True)
class EngineResult(Reported):
    """Limit cycle of the two-stroke engine: work out per cycle W (> 0 when it works), pump
    work, efficiency W/W_pump (NaN unless W > 0), power W/τ and the Otto × pumping bound."""

    omega_L: float
    T_c: float
    tau: float
    work: float
    pump_work: float
    efficiency: float
    power: float
    bound: float

    @property
    def works(self) -> bool:
        """True when the cycle outputs work."""
        return self.work > 0

    def quantities(self) -> tuple[Quantity, ...]:
        """W, pump work, efficiency, power and its bound (energies in ω_e, ħ = k_B = 1)."""
        return (
            Quantity("work", self.work, "ω_e"),
            Quantity("pump_work", self.pump_work, "ω_e"),
            Quantity("efficiency", self.efficiency),
            Quantity("efficiency_bound", self.bound),
            Quantity("power", self.power, "ω_e²"),
        )

    def _title(self) -> str:
        state = "works" if self.works else "outputs no work"
        return (
            f"two-stroke engine at ω_L = {self.omega_L:g}, T_c = {self.T_c:g}, "
            f"τ = {self.tau:g}: {state}"
        )


@dataclass(frozen=True)
class EngineMap(Recorded):
    """Engine work and efficiency on the grid (T_c, ω_L): arrays of shape (n_T, n_ω).

    ω_L, T_c and the work in ω_e (ħ = k_B = 1); the efficiency is a pure number."""

    omega_Ls: np.ndarray
    T_cs: np.ndarray
    work: np.ndarray
    efficiency: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "omega_Ls": "ω_e",
        "T_cs": "ω_e",
        "work": "ω_e",
        "efficiency": "1",
    }

    def _title(self) -> str:
        return f"two-stroke engine on {len(self.T_cs)} T_c × {len(self.omega_Ls)} ω_L"


def engine_efficiency_bound(battery: PumpedBattery, omega_L: float, *, omega_c: float) -> float:
    """The two-stroke engine's efficiency bound (1 − ω_c/ω_e)·ω_e/ω_L: the Otto efficiency
    of the gap ω_e against the cold qubit ω_c, times the pumping efficiency ω_e/ω_L."""
    wc = require_positive("omega_c", omega_c)
    return (1.0 - wc / battery.omega_e) * battery.omega_e / require_positive("omega_L", omega_L)


@single_threaded
def two_stroke_engine(
    battery: PumpedBattery,
    omega_L: float,
    *,
    omega_c: float = 0.5,
    T_c: float | None = None,
    cold_rate: float = 0.1,
    tau: float = 20.0,
) -> EngineResult:
    """The two-stroke engine's limit cycle for pump frequency ``omega_L``.

    ``T_c`` overrides the battery's cold-bath temperature (also used for the cold qubit).
    """
    wc = require_positive("omega_c", omega_c)
    if wc >= battery.omega_e:
        raise InvalidParameterError("`omega_c` must be below the battery gap `omega_e`.")
    tc = battery.T_c if T_c is None else require_positive("T_c", T_c, allow_zero=True)
    gc = require_positive("cold_rate", cold_rate)
    tau_f = require_finite("tau", tau)
    if tau_f <= 0:
        raise InvalidParameterError(f"`tau` must be > 0 (a cycle of zero duration), got {tau!r}.")
    wl = require_positive("omega_L", omega_L)
    eye3, eye2 = np.eye(3), np.eye(2)
    Hp = battery.hamiltonian(wl)
    Hq = np.diag([0.0, wc]).astype(complex)
    H = np.kron(Hp, eye2) + np.kron(eye3, Hq)
    sq = np.array([[0, 1], [0, 0]], dtype=complex)
    cops = [np.kron(c, eye2) for c in battery.c_ops(tc)]
    cops += [np.kron(eye3, c) for c in local_dissipators(sq, wc, Bath(tc, gc))]
    L = liouvillian(H, cops)
    P, integral = expm_and_integral(L, tau_f)
    # swap |e,0⟩ ↔ |g,1⟩ (joint index 2·q + c: |e,0⟩ → 2, |g,1⟩ → 1)
    U = np.eye(6, dtype=complex)
    i, j = E * 2 + 0, G * 2 + 1
    U[[i, j], :] = U[[j, i], :]
    rho0 = fixed_point(cycle_map(P, unitary_superoperator(U)))
    rho_t = unvec(P @ vec(rho0), 6)
    H0 = np.kron(np.diag([0.0, battery.omega_e, battery.omega_a]), eye2) + np.kron(eye3, Hq)
    W = expectation(H0, rho_t).real - expectation(H0, U @ rho_t @ U.conj().T).real
    X = np.kron(battery.photon_rate_operator(), eye2)
    photons = float(np.real(_row(X) @ (integral @ vec(rho0))))
    pump = wl * photons
    bound = engine_efficiency_bound(battery, wl, omega_c=wc)
    return EngineResult(
        omega_L=wl,
        T_c=tc,
        tau=tau_f,
        work=W,
        pump_work=pump,
        efficiency=W / pump if (W > 0 and pump > 0) else math.nan,
        power=W / tau_f,
        bound=bound,
    )


@single_threaded
def engine_region(
    battery: PumpedBattery,
    omega_Ls: Sequence[float] | np.ndarray,
    T_cs: Sequence[float] | np.ndarray,
    *,
    omega_c: float = 0.5,
    cold_rate: float = 0.1,
    tau: float = 20.0,
) -> EngineMap:
    """Where the two-stroke engine works: W and efficiency on the (T_c, ω_L) grid."""
    ws = np.asarray(omega_Ls, dtype=float)
    ts = np.asarray(T_cs, dtype=float)
    if ws.ndim != 1 or ts.ndim != 1 or ws.size == 0 or ts.size == 0:
        raise InvalidParameterError("`omega_Ls` and `T_cs` must be non-empty 1-D sequences.")
    work = np.empty((ts.size, ws.size))
    eff = np.empty_like(work)
    for i, tc in enumerate(ts):
        for j, wl in enumerate(ws):
            r = two_stroke_engine(
                battery, float(wl), omega_c=omega_c, T_c=float(tc), cold_rate=cold_rate, tau=tau
            )
            work[i, j], eff[i, j] = r.work, r.efficiency
    return EngineMap(omega_Ls=ws, T_cs=ts, work=work, efficiency=eff)


#: ``ChargingResult`` is the former name of :class:`PumpedChargingResult` (one release).
__getattr__ = module_getattr(
    __name__, {"ChargingResult": ("PumpedChargingResult", PumpedChargingResult)}
)
