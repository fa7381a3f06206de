"""A quantum battery charged by a nonequilibrium heat current (review §2.4, eq. 15).

After Tacchino, Santos, Gerace, Campisi & Santos, "Charging a quantum battery via
nonequilibrium heat current", Phys. Rev. A 102, 062415 (2020). The model, as we define it
here (ħ = k_B = 1, energies in units of ω0):

* Battery = working fluid: two coupled qubits, eq. 15,
  H = ω0(σ⁺₁σ⁻₁ + σ⁺₂σ⁻₂) − λ(σ⁺₁σ⁻₂ + σ⁺₂σ⁻₁), basis |q₁q₂⟩ with |1⟩ excited.
* Charging stroke (duration τ): qubit 1 touches the hot bath (T_h, rate γ_h), qubit 2 the
  cold bath (T_c, γ_c). Default, as in the paper's weak-coupling set-up, the **local**
  master equation
  dρ/dt = −i[H, ρ] + γ_h(n_h+1)D[σ⁻₁]ρ + γ_h n_h D[σ⁺₁]ρ + γ_c(n_c+1)D[σ⁻₂]ρ + γ_c n_c D[σ⁺₂]ρ,
  n_k = 1/(e^{ω0/T_k} − 1); its non-equilibrium steady state (NESS) carries a heat current
  and coherence ⟨σ⁺₁σ⁻₂⟩ ≠ 0, hence ergotropy. ``form="global"`` uses secular (Davies)
  dissipators of H through σˣ₁ and σˣ₂ instead; their NESS is diagonal in the eigenbasis
  of H and passive for flat bath spectra (zero ergotropy: no charging).
* Discharge stroke (instantaneous), a unitary gate U; W = Tr[Hρ_τ] − Tr[H Uρ_τU†].
  ``gate="ness"``: the fixed gate that extracts the NESS ergotropy, U ρ_NESS U† = passive
  state of ρ_NESS. Such a gate U = Σ_k e^{iφ_k}|e_k⟩⟨r_k| (|e_k⟩ eigenvectors of H, |r_k⟩
  of ρ_NESS) is defined only up to one phase φ_k per eigenvector: the phases leave the
  NESS ergotropy unchanged but change the limit cycle, since the local charging map does
  not commute with them. We fix them by a stated convention (every eigenvector's
  largest-modulus component real and positive, :func:`ness_gate`), so results no longer
  depend on the eigensolver, and :func:`ness_gate_phase_range` reports the spread of η
  and P over all phases. ``gate="optimal"``: for each τ the gate, among the NESS gate and the
  rotations of the one-excitation eigenstates |s⟩, |a⟩, that maximises W in the limit
  cycle (the paper's "properly chosen unitary gate" is of this kind).
* Limit cycle: the fixed point of the one-cycle map U∘exp(Lτ) (a linear solve).
* Departure from the paper: its discharge gate is not specified, so we offer the per-τ
  optimum and the NESS gate with its phase convention and phase range.

Per cycle: W (output work), Q_h and Q_c (heats from the baths during charging, exact from
∫ρ dt), efficiency η = W/Q_h, power P = W/τ, the ergotropy of the charged state ρ_τ and the
energy stored during charging ΔE = Q_h + Q_c (first law; equals W in the limit cycle).
Long cycles: W → ergotropy of the NESS while Q_h grows as J_h τ, so η and P → 0. The review
states that efficiency and power are maximised in the short-cycle limit. Measured
(:func:`heat_battery_sweep`): with the fixed NESS gate both peak at a short but finite τ;
with the per-τ optimal gate (a rotation by θ ∝ τ) both grow monotonically as τ → 0; the
fixed-gate curves depend on the phase convention (see :func:`ness_gate_phase_range`), so
only the optimal-gate statement is a property of the model.
The local form needs λ ≲ γ; :func:`heat_battery` runs
:func:`~ssbattery.thermal.baths.check_local_validity` on the NESS and warns outside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ssbattery._deprecation import renamed_method, warn_renamed
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.metrics import ergotropy
from ssbattery.quantum.operators import expectation
from ssbattery.results import Quantity, Recorded, quantity_dict, quantity_text, quantity_values
from ssbattery.thermal.baths import (
    Bath,
    check_local_validity,
    current_floor,
    global_dissipators,
    heat_currents,
    local_dissipators,
)
from ssbattery.thermal.lindblad import (
    cycle_map,
    expm_and_integral,
    fixed_point,
    liouvillian,
    single_threaded,
    steady_state,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.validation import require_finite, require_positive

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "CouplingScan",
    "GatePhaseRange",
    "HeatBattery",
    "HeatBatteryOptima",
    "HeatBatteryResult",
    "HeatBatterySweep",
    "coupled_qubits_hamiltonian",
    "coupling_scan",
    "heat_battery",
    "heat_battery_sweep",
    "ness_gate",
    "ness_gate_phase_range",
    "optimal_gate",
]

# One qubit: index 0 = ground |0⟩, index 1 = excited |1⟩, so σ⁻ = |0⟩⟨1|.
_SM = np.array([[0, 1], [0, 0]], dtype=complex)


def _ops() -> tuple[np.ndarray, np.ndarray]:
    eye = np.eye(2)
    return np.kron(_SM, eye), np.kron(eye, _SM)


def _canonical_phases(V: np.ndarray) -> np.ndarray:
    """Columns of ``V`` re-phased so that each one's largest-modulus component (the first
    within 1e-8 of the largest) is real and positive: a convention independent of the
    eigensolver."""
    out = np.array(V, dtype=complex)
    for k in range(out.shape[1]):
        col = out[:, k]
        mags = np.abs(col)
        j = int(np.flatnonzero(mags >= mags.max() - 1e-8)[0])
        out[:, k] = col * (abs(col[j]) / col[j])
    return out


def ness_gate(
    ness: np.ndarray, H: np.ndarray, phases: Sequence[float] | np.ndarray | None = None
) -> np.ndarray:
    """The unitary U = Σ_k e^{iφ_k}|e_k⟩⟨r_k| that takes ``ness`` to its passive state.

    |r_k⟩: eigenvectors of ``ness`` by decreasing eigenvalue; |e_k⟩: eigenvectors of ``H``
    by increasing energy; both re-phased by :func:`_canonical_phases` (largest component
    real positive), which makes U unique for non-degenerate spectra. ``phases`` φ_k
    (default all 0) select another member of the family; every member extracts the same
    NESS ergotropy (Allahverdyan et al., EPL 67, 565 (2004)).
    """
    _, Vr = np.linalg.eigh(0.5 * (ness + ness.conj().T))
    Vr = _canonical_phases(Vr[:, ::-1])
    _, Ve = np.linalg.eigh(H)
    Ve = _canonical_phases(Ve)
    phi = np.zeros(H.shape[0]) if phases is None else np.asarray(phases, dtype=float)
    return (Ve * np.exp(1j * phi)[None, :]) @ Vr.conj().T


def coupled_qubits_hamiltonian(omega0: float, coupling: float) -> np.ndarray:
    """Eq. 15: H = ω0(σ⁺₁σ⁻₁ + σ⁺₂σ⁻₂) − λ(σ⁺₁σ⁻₂ + h.c.) on |q₁q₂⟩ (index 0 = ground)."""
    w0 = require_positive("omega0", omega0)
    lam = require_finite("coupling", coupling)
    s1, s2 = _ops()
    n1, n2 = s1.conj().T @ s1, s2.conj().T @ s2
    return w0 * (n1 + n2) - lam * (s1.conj().T @ s2 + s2.conj().T @ s1)


@dataclass(frozen=True)
class HeatBattery:
    """Parameters of the heat-charged two-qubit battery (see the module docstring)."""

    coupling: float = 0.05
    T_h: float = 10.0
    T_c: float = 0.1
    rate_h: float = 0.1
    rate_c: float = 0.1
    omega0: float = 1.0
    form: Literal["local", "global"] = "local"

    def __post_init__(self) -> None:
        require_positive("omega0", self.omega0)
        require_finite("coupling", self.coupling)
        for name in ("T_h", "T_c", "rate_h", "rate_c"):  # named here, not as a Bath's
            require_positive(name, getattr(self, name), allow_zero=True)
        for name in ("rate_h", "rate_c"):  # one name per error: the CLI maps both to --rate
            if getattr(self, name) <= 0:
                raise InvalidParameterError(
                    f"`{name}` must be > 0: without both baths there is no heat current."
                )
        if self.form not in ("local", "global"):
            raise InvalidParameterError(f"`form` must be 'local' or 'global', got {self.form!r}.")
        if self.T_h < self.T_c:
            raise InvalidParameterError(
                f"`T_h` = {self.T_h:g} (the bath on qubit 1) must be at least `T_c` = "
                f"{self.T_c:g} (qubit 2); swap the two temperatures: η = W/Q_h and the Carnot "
                "bound 1 − T_c/T_h assume the hot bath on qubit 1."
            )

    def heat_floor(self, tau: float) -> float:
        """The round-off level of a heat exchanged in a stroke of duration ``tau``: τ times
        :func:`~ssbattery.thermal.baths.current_floor` of the hot bath's dissipators; a
        smaller Q_h (e.g. at T_h = T_c, where no heat flows) gives no efficiency."""
        ch, _ = self.dissipators()
        return float(tau) * current_floor(self.hamiltonian(), ch)

    def hamiltonian(self) -> np.ndarray:
        """Eq. 15."""
        return coupled_qubits_hamiltonian(self.omega0, self.coupling)

    def dissipators(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Jump operators of the hot and the cold bath."""
        s1, s2 = _ops()
        hot, cold = Bath(self.T_h, self.rate_h), Bath(self.T_c, self.rate_c)
        if self.form == "local":
            return (
                local_dissipators(s1, self.omega0, hot),
                local_dissipators(s2, self.omega0, cold),
            )
        H = self.hamiltonian()
        return (
            global_dissipators(H, s1 + s1.conj().T, hot),
            global_dissipators(H, s2 + s2.conj().T, cold),
        )


@dataclass(frozen=True)
class HeatBatteryResult:
    """Limit cycle of the heat-charged battery at charging time ``tau``.

    ``work`` W output per cycle, ``heat_hot``/``heat_cold`` into the battery during
    charging, ``efficiency`` W/Q_h (NaN unless Q_h exceeds round-off,
    :meth:`HeatBattery.heat_floor`), ``power`` W/τ, ``stored_energy`` ΔE = Tr[H(ρ_τ − ρ₀)],
    ``ergotropy`` of the charged state ρ_τ, the NESS ergotropy and hot-bath heat current,
    the Carnot bound and the problems the local-validity check found."""

    battery: HeatBattery
    tau: float
    work: float
    heat_hot: float
    heat_cold: float
    efficiency: float
    power: float
    stored_energy: float
    ergotropy: float
    ness_ergotropy: float
    ness_heat_current: float
    carnot_efficiency: float
    validity_issues: tuple[str, ...]
    charged_state: np.ndarray
    discharged_state: np.ndarray
    gate: np.ndarray

    def metrics(self) -> dict[str, float]:
        """Deprecated: the scalars are :meth:`quantities` (plain keys:
        :func:`ssbattery.results.quantity_values`), with units :meth:`to_dict`."""
        warn_renamed("HeatBatteryResult.metrics()", "HeatBatteryResult.to_dict() or .quantities()")
        return quantity_values(self.quantities())

    def quantities(self) -> tuple[Quantity, ...]:
        """τ, λ and the per-cycle scalars with units (energies in ω0, ħ = k_B = 1)."""
        units = (
            ("tau", self.tau, "1/ω0"),
            ("coupling", self.battery.coupling, "ω0"),
            ("work", self.work, "ω0"),
            ("heat_hot", self.heat_hot, "ω0"),
            ("heat_cold", self.heat_cold, "ω0"),
            ("efficiency", self.efficiency, "1"),
            ("power", self.power, "ω0²"),
            ("stored_energy", self.stored_energy, "ω0"),
            ("ergotropy", self.ergotropy, "ω0"),
            ("ness_ergotropy", self.ness_ergotropy, "ω0"),
            ("ness_heat_current", self.ness_heat_current, "ω0²"),
            ("carnot_efficiency", self.carnot_efficiency, "1"),
        )
        return tuple(Quantity(name, float(v), unit) for name, v, unit in units)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the scalars with units in their keys and the validity issues."""
        return {**quantity_dict(self.quantities()), "validity_issues": list(self.validity_issues)}

    def __str__(self) -> str:
        return quantity_text(
            f"heat-charged battery, λ = {self.battery.coupling:g}, τ = {self.tau:g} "
            f"({self.battery.form} master equation)",
            self.quantities(),
            self.validity_issues,
        )

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


@single_threaded
def heat_battery(
    battery: HeatBattery,
    tau: float,
    *,
    gate: Literal["ness", "optimal"] = "ness",
    warn: bool = True,
) -> HeatBatteryResult:
    """Solve the limit cycle of ``battery`` for a charging stroke of duration ``tau`` > 0.

    ``gate="ness"``: discharge with the fixed unitary that extracts the NESS ergotropy.
    ``gate="optimal"``: the best gate for this τ among the NESS gate and the rotations
    exp(−iθ(e^{iφ}|s⟩⟨a| + h.c.)) of the one-excitation eigenstates |s⟩ (ω0 − λ) and
    |a⟩ (ω0 + λ), chosen to maximise the work per cycle of the limit cycle
    (:func:`optimal_gate`).
    """
    if gate not in ("ness", "optimal"):
        raise InvalidParameterError(f"`gate` must be 'ness' or 'optimal', got {gate!r}.")
    if not isinstance(battery, HeatBattery):
        raise InvalidParameterError(
            f"`battery` must be a HeatBattery, got {type(battery).__name__}."
        )
    tau_f = require_finite("tau", tau)
    if tau_f <= 0:
        raise InvalidParameterError(
            f"`tau` must be > 0 (a charging stroke of zero duration charges nothing), got {tau!r}."
        )
    H = battery.hamiltonian()
    ch, cc = battery.dissipators()
    ness = steady_state(H, ch + cc)
    J = heat_currents(H, [ch, cc], ness)
    issues: tuple[str, ...] = ()
    if battery.form == "local":
        rep = check_local_validity(
            H,
            [(Bath(battery.T_h, battery.rate_h), ch), (Bath(battery.T_c, battery.rate_c), cc)],
            ness,
            inter_site_coupling=battery.coupling,
            warn=warn,
        )
        issues = rep.issues
    erg_ness = ergotropy(ness, H)
    U = ness_gate(ness, H)
    P, integral = expm_and_integral(liouvillian(H, ch + cc), tau_f)
    if gate == "optimal":
        U = optimal_gate(H, P, initial=U)
    rho0 = fixed_point(cycle_map(P, unitary_superoperator(U)))
    rho_t = unvec(P @ vec(rho0), 4)
    Q = heat_currents(H, [ch, cc], unvec(integral @ vec(rho0), 4))
    W = expectation(H, rho_t).real - expectation(H, U @ rho_t @ U.conj().T).real
    carnot = 1.0 - battery.T_c / battery.T_h if battery.T_h > 0 else math.nan
    return HeatBatteryResult(
        battery=battery,
        tau=tau_f,
        work=W,
        heat_hot=float(Q[0]),
        heat_cold=float(Q[1]),
        efficiency=W / Q[0] if Q[0] > battery.heat_floor(tau_f) else math.nan,
        power=W / tau_f,
        stored_energy=expectation(H, rho_t).real - expectation(H, rho0).real,
        ergotropy=ergotropy(rho_t, H),
        ness_ergotropy=erg_ness,
        ness_heat_current=float(J[0]),
        carnot_efficiency=carnot,
        validity_issues=issues,
        charged_state=rho_t,
        discharged_state=rho0,
        gate=U,
    )


def _cycle_work(H: np.ndarray, P: np.ndarray, U: np.ndarray) -> float:
    """Work per cycle of the limit cycle of U∘P (a fast 16×16 solve, no checks)."""
    d = H.shape[0]
    M = np.kron(U.conj(), U) @ P - np.eye(d * d)
    M[0, :] = 0.0
    M[0, :: d + 1] = 1.0
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    rho0 = unvec(np.linalg.solve(M, b), d)
    rho_t = unvec(P @ vec(rho0), d)
    return expectation(H, rho_t).real - expectation(H, rho0).real


def optimal_gate(H: np.ndarray, P: np.ndarray, *, initial: np.ndarray) -> np.ndarray:
    """The discharge gate that maximises the limit-cycle work for the charging map ``P``.

    Candidates: ``initial`` (the NESS gate) and the rotations
    R(θ, φ) = exp(−iθ(e^{iφ}|s⟩⟨a| + h.c.)) of the one-excitation eigenstates of H; a
    log-spaced grid in θ ∈ [1e-3, π] × 8 phases, then a Nelder–Mead polish of the best.
    For short charging strokes the best θ is ∝ τ (a small rotation every cycle).
    """
    from scipy.optimize import minimize

    _, V = np.linalg.eigh(H)
    # the two eigenvectors inside the one-excitation space span{|01⟩, |10⟩} (indices 1, 2)
    weight = np.abs(V[1, :]) ** 2 + np.abs(V[2, :]) ** 2
    s, a = (int(k) for k in np.sort(np.argsort(weight)[-2:]))

    def rotation(x: np.ndarray) -> np.ndarray:
        theta, phi = float(x[0]), float(x[1])
        R = np.eye(4, dtype=complex)
        c, sn = math.cos(theta), math.sin(theta)
        R[s, s], R[a, a] = c, c
        R[s, a] = -1j * sn * np.exp(1j * phi)
        R[a, s] = -1j * sn * np.exp(-1j * phi)
        return V @ R @ V.conj().T

    def loss(x: np.ndarray) -> float:
        return -_cycle_work(H, P, rotation(x))

    grid = [
        (t, f) for t in np.geomspace(1e-3, math.pi, 24) for f in np.linspace(0, 2 * math.pi, 9)[:-1]
    ]
    values = [loss(np.array(g)) for g in grid]
    start = np.array(grid[int(np.argmin(values))])
    res = minimize(loss, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-14})
    best = rotation(res.x)
    if _cycle_work(H, P, initial) >= -float(res.fun):
        return initial
    return best


@dataclass(frozen=True)
class GatePhaseRange(Recorded):
    """Spread of the limit-cycle work, efficiency and power over the phases of the NESS
    gate at one charging time: the convention's value and the min and max over phases
    (work in ω0, power in ω0², τ in 1/ω0)."""

    tau: float
    work: tuple[float, float, float]
    efficiency: tuple[float, float, float]
    power: tuple[float, float, float]

    _UNITS: ClassVar[dict[str, str]] = {
        "tau": "1/ω0",
        "work": "ω0",
        "efficiency": "1",
        "power": "ω0²",
    }

    def _title(self) -> str:
        return f"NESS-gate phases at τ = {self.tau:g}/ω0: (convention, min, max)"


@single_threaded
def ness_gate_phase_range(battery: HeatBattery, tau: float, *, grid: int = 8) -> GatePhaseRange:
    """η and P of the limit cycle for every NESS gate U(φ) = D(φ) U₀ (:func:`ness_gate`),
    φ on a ``grid``³ lattice of the three relative phases (the global phase is void), each
    extreme polished by Nelder–Mead. Returns (convention, min, max) for W, η and P."""
    from scipy.optimize import minimize

    tau_f = require_finite("tau", tau)
    if tau_f <= 0:
        raise InvalidParameterError(f"`tau` must be > 0, got {tau!r}.")
    H = battery.hamiltonian()
    ch, cc = battery.dissipators()
    ness = steady_state(H, ch + cc)
    P, integral = expm_and_integral(liouvillian(H, ch + cc), tau_f)

    def run(phi: np.ndarray) -> tuple[float, float]:
        U = ness_gate(ness, H, np.concatenate(([0.0], phi)))
        rho0 = fixed_point(cycle_map(P, unitary_superoperator(U)), check_unique=False)
        rho_t = unvec(P @ vec(rho0), 4)
        W = expectation(H, rho_t).real - expectation(H, U @ rho_t @ U.conj().T).real
        Qh = float(heat_currents(H, [ch, cc], unvec(integral @ vec(rho0), 4))[0])
        return W, Qh

    axis = np.linspace(0.0, 2 * math.pi, grid, endpoint=False)
    pts = np.array(np.meshgrid(axis, axis, axis, indexing="ij")).reshape(3, -1).T
    vals = np.array([run(p) for p in pts])
    extremes = []
    for sign in (1.0, -1.0):
        k = int(np.argmin(sign * vals[:, 0]))
        res = minimize(
            lambda p, s=sign: s * run(p)[0],
            pts[k],
            method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-14},
        )
        extremes.append(run(res.x) if sign * run(res.x)[0] <= sign * vals[k, 0] else tuple(vals[k]))
    W0, Q0 = run(np.zeros(3))
    (Wmin, Qmin), (Wmax, Qmax) = extremes

    def eta(w: float, q: float) -> float:
        return w / q if q > battery.heat_floor(tau_f) else math.nan

    return GatePhaseRange(
        tau=tau_f,
        work=(W0, Wmin, Wmax),
        efficiency=(eta(W0, Q0), eta(Wmin, Qmin), eta(Wmax, Qmax)),
        power=(W0 / tau_f, Wmin / tau_f, Wmax / tau_f),
    )


@dataclass(frozen=True)
class HeatBatteryOptima(Recorded):
    """:meth:`HeatBatterySweep.optima`: for each coupling λ [ω0] of the sweep, the charging
    time τ [1/ω0] of the highest efficiency and the highest power per cycle [ω0²] on its τ
    grid (a grid optimum, not refined between grid points). Arrays of n_λ. Indexing by the
    old key names (``optima["max_power"]``) reads a field, as the former dict did."""

    couplings: np.ndarray
    tau_max_efficiency: np.ndarray
    max_efficiency: np.ndarray
    tau_max_power: np.ndarray
    max_power: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "couplings": "ω0",
        "tau_max_efficiency": "1/ω0",
        "max_efficiency": "1",
        "tau_max_power": "1/ω0",
        "max_power": "ω0²",
    }

    def __getitem__(self, key: str) -> np.ndarray:
        if key == "couplings" or key not in self._UNITS:
            raise KeyError(key)
        return np.asarray(getattr(self, key))

    def __str__(self) -> str:
        lines = ["heat-charged battery: grid optima per coupling"]
        lines += [
            f"  λ = {lam:g} ω0: η_max = {self.max_efficiency[i]:.4g} at τ = "
            f"{self.tau_max_efficiency[i]:.3g}/ω0; P_max = {self.max_power[i]:.4g} ω0² at τ = "
            f"{self.tau_max_power[i]:.3g}/ω0"
            for i, lam in enumerate(self.couplings)
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class HeatBatterySweep(Recorded):
    """Metrics on the grid (coupling λ, charging time τ): arrays of shape (n_λ, n_τ).

    Energies and λ in ω0, τ in 1/ω0, power in ω0² (ħ = k_B = 1)."""

    couplings: np.ndarray
    taus: np.ndarray
    work: np.ndarray
    heat_hot: np.ndarray
    efficiency: np.ndarray
    power: np.ndarray
    ergotropy: np.ndarray
    ness_ergotropy: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "couplings": "ω0",
        "taus": "1/ω0",
        "work": "ω0",
        "heat_hot": "ω0",
        "efficiency": "1",
        "power": "ω0²",
        "ergotropy": "ω0",
        "ness_ergotropy": "ω0",
    }

    def _title(self) -> str:
        return f"heat battery on {len(self.couplings)} couplings × {len(self.taus)} charging times"

    def optima(self) -> HeatBatteryOptima:
        """Per coupling: the τ of the highest efficiency and of the highest power on the grid."""
        return HeatBatteryOptima(
            couplings=self.couplings,
            tau_max_efficiency=self.taus[np.nanargmax(self.efficiency, axis=1)],
            max_efficiency=np.nanmax(self.efficiency, axis=1),
            tau_max_power=self.taus[np.nanargmax(self.power, axis=1)],
            max_power=np.nanmax(self.power, axis=1),
        )

    best = renamed_method("optima")

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


@dataclass(frozen=True)
class CouplingScan(Recorded):
    """Metrics against the coupling λ at one charging time τ (NESS gate), arrays of n_λ:
    NESS ergotropy and hot-bath heat current, work, efficiency and power per cycle, and
    ``local_valid`` (the local master equation's validity check passes, λ ≲ min γ).
    Energies and λ in ω0, τ in 1/ω0, heat current and power in ω0² (ħ = k_B = 1)."""

    coupling: np.ndarray
    tau: float
    ness_ergotropy: np.ndarray
    ness_heat_current: np.ndarray
    work: np.ndarray
    efficiency: np.ndarray
    power: np.ndarray
    local_valid: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "coupling": "ω0",
        "tau": "1/ω0",
        "ness_ergotropy": "ω0",
        "ness_heat_current": "ω0²",
        "work": "ω0",
        "efficiency": "1",
        "power": "ω0²",
    }

    def _title(self) -> str:
        return f"heat battery at τ = {self.tau:g}/ω0 over {len(self.coupling)} couplings"


def heat_battery_sweep(
    taus: Sequence[float] | np.ndarray,
    couplings: Sequence[float] | np.ndarray,
    *,
    T_h: float = 10.0,
    T_c: float = 0.1,
    rate_h: float = 0.1,
    rate_c: float = 0.1,
    omega0: float = 1.0,
    form: Literal["local", "global"] = "local",
    gate: Literal["ness", "optimal"] = "ness",
) -> HeatBatterySweep:
    """Efficiency, power, work and ergotropy against charging time τ and coupling λ.

    A sweep of the ``thermal-battery`` entry over λ × τ (:func:`ssbattery.sweep.scan.scan`,
    each point :func:`heat_battery` as ``ssbattery thermal-battery`` runs it); the
    local-validity warnings of the single points are not repeated.
    """
    t = np.asarray(taus, dtype=float)
    lams = np.asarray(couplings, dtype=float)
    if t.ndim != 1 or t.size == 0 or lams.ndim != 1 or lams.size == 0:
        raise InvalidParameterError("`taus` and `couplings` must be non-empty 1-D sequences.")
    from ssbattery.sweep.scan import columns

    ds, (i, j) = _scan(
        lams,
        t,
        {"T_h": T_h, "T_c": T_c, "rate_h": rate_h, "rate_c": rate_c, "omega0": omega0},
        form=form,
        gate=gate,
    )

    grid = columns(ds, HeatBatterySweep, np.ix_(i, j))
    grid["ness_ergotropy"] = grid["ness_ergotropy"][:, 0]  # the NESS does not depend on τ
    return HeatBatterySweep(couplings=lams, taus=t, **grid)


def _scan(
    couplings: np.ndarray,
    taus: np.ndarray,
    baths: dict[str, float],
    *,
    form: str,
    gate: str,
) -> tuple[xr.Dataset, tuple[np.ndarray, np.ndarray]]:
    """The ``thermal-battery`` sweep over the distinct λ × τ and, for each given λ and τ,
    its index into them (the spec refuses repeated values; the user's lists may repeat)."""
    from ssbattery.errors import ValidityWarning
    from ssbattery.sweep.scan import distinct, scan

    lam_values, i = distinct(couplings)
    tau_values, j = distinct(taus)
    ds = scan(
        "thermal-battery",
        fixed={**baths, "form": form, "gate": gate},
        sweep={"coupling": lam_values, "tau": tau_values},
        ignore=(ValidityWarning,),
    )
    return ds, (i, j)


def coupling_scan(
    couplings: Sequence[float] | np.ndarray,
    tau: float,
    *,
    T_h: float = 10.0,
    T_c: float = 0.1,
    rate_h: float = 0.1,
    rate_c: float = 0.1,
    omega0: float = 1.0,
    form: Literal["local", "global"] = "local",
) -> CouplingScan:
    """Against the coupling λ at one charging time τ: NESS ergotropy and heat current, work,
    efficiency and power per cycle, and whether the local form is valid (λ < min γ).

    A sweep of the ``thermal-battery`` entry over λ with the NESS gate (see
    :func:`heat_battery_sweep`).
    """
    lams = np.asarray(couplings, dtype=float)
    if lams.ndim != 1 or lams.size == 0:
        raise InvalidParameterError("`couplings` must be a non-empty 1-D sequence.")
    tau_f = require_finite("tau", tau)
    from ssbattery.sweep.scan import columns

    ds, (i, _) = _scan(
        lams,
        np.array([tau_f]),
        {"T_h": T_h, "T_c": T_c, "rate_h": rate_h, "rate_c": rate_c, "omega0": omega0},
        form=form,
        gate="ness",
    )

    out = columns(ds, CouplingScan, (i, 0), skip=("coupling", "tau"))
    out["local_valid"] = out["local_valid"] == 1.0
    return CouplingScan(coupling=lams, tau=tau_f, **out)
