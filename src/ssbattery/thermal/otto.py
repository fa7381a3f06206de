"""The quantum Otto cycle (review Fig. 16) for a two-level or a harmonic-oscillator medium.

Four strokes, A → B → C → D → A (ħ = k_B = 1, energies in units of a reference frequency):

1. A → B, compression: the frequency goes ω_c → ω_h with the medium isolated (unitary);
   work W₁ = E_B − E_A done on the medium.
2. B → C, hot isochore: H(ω_h) fixed, the medium is in contact with the hot bath for τ_h,
   dρ/dt = −i[H_h, ρ] + D_h ρ with secular (Davies) dissipators of H_h (global form;
   for one qubit or one oscillator local = global); heat Q_h = E_C − E_B.
3. C → D, expansion ω_h → ω_c (unitary); W₂ = E_D − E_C.
4. D → A, cold isochore at ω_c for τ_c with the cold bath; Q_c = E_A − E_D.

Unitary strokes (typed, :mod:`ssbattery.thermal.strokes`): ``Adiabatic()`` (quasi-static:
the populations of the instantaneous eigenstates are kept, U = Σ_n |n(ω_f)⟩⟨n(ω_i)|),
``Sudden()`` (the state is frozen while H jumps) or ``Driven(tau_u, steps)`` (a linear
frequency ramp of duration τ_u, a product of ``steps`` midpoint propagators, error O(dt²));
the names ``"adiabatic"``, ``"sudden"``, ``"driven"`` with loose ``tau_u`` map onto them.
For the qubit, H(ω) = (ω/2)σ_z for every ω commute, so
sudden and adiabatic strokes coincide; for the oscillator, H(ω) = p²/2 + ω²x²/2 written in
the number basis of ω_r = √(ω_h ω_c) does not commute with H(ω') and a sudden or fast
stroke costs extra work (quantum friction).

The limit cycle is the fixed point of the one-cycle map M = P_c U_hc P_h U_ch (one linear
solve; see :func:`ssbattery.thermal.lindblad.fixed_point`), the same from any start.
All energies are flows *into* the medium, so W + Q_h + Q_c = 0 over the limit cycle
(first law, closed to machine precision). The four modes a two-bath machine may run in
(Solfanelli, Falsetti, Campisi & Gherardini, Phys. Rev. B 101, 054513 (2020);
Buffoni et al., Phys. Rev. Lett. 122, 070603 (2019)): engine (W < 0, Q_h > 0, Q_c < 0),
refrigerator (W > 0, Q_c > 0, Q_h < 0), heater (W > 0, Q_h ≤ 0, Q_c ≤ 0) and accelerator
(W ≥ 0, Q_h > 0, Q_c < 0; at W = 0, e.g. ω_h = ω_c, it is plain conduction from hot to
cold). Every other sign pattern, and any pattern with negative entropy production
−Q_h/T_h − Q_c/T_c, is ``"forbidden"`` by the second law. Engine output: efficiency
η = −W/Q_h and power −W/τ_cycle (quasi-static 1 − ω_c/ω_h, Carnot 1 − T_c/T_h);
refrigerator output: cooling power Q_c/τ_cycle and COP = Q_c/W (ideal Otto ω_c/(ω_h − ω_c),
Carnot T_c/(T_h − T_c)). The hot bath must be the hotter one (T_h > T_c); swapped
temperatures are refused rather than reported with a meaningless negative Carnot bound.

Truncation of the oscillator: ``levels`` number states of ω_r (matrix elements of x², p²
taken exactly before truncation); a :class:`~ssbattery.errors.ConvergenceWarning` is raised
when the limit cycle puts more than 1e-6 of population in the top tenth of the levels.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ssbattery._deprecation import warn_renamed
from ssbattery.errors import ConvergenceWarning, InvalidParameterError
from ssbattery.presets.thermal import FIG16_OTTO as _FIG16
from ssbattery.quantum.metrics import von_neumann_entropy
from ssbattery.quantum.operators import expectation
from ssbattery.results import Quantity, Recorded, quantity_dict, quantity_text
from ssbattery.thermal.baths import Bath, entropy_production, global_dissipators
from ssbattery.thermal.lindblad import (
    fixed_point,
    propagator,
    single_threaded,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.thermal.strokes import (
    DRIVEN_STEPS,
    Adiabatic,
    Driven,
    Stroke,
    StrokeName,
    Sudden,
    as_stroke,
)
from ssbattery.validation import MemoryEstimate, require_int_at_least, require_positive

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "OttoCycle",
    "OttoResult",
    "OttoTrajectory",
    "WorkingMedium",
    "carnot_cop",
    "carnot_efficiency",
    "memory_estimate",
    "operating_mode",
    "oscillator_otto",
    "otto_cop",
    "otto_cycle",
    "otto_efficiency",
    "otto_trajectory",
    "qubit_otto",
]

Mode = Literal["engine", "refrigerator", "heater", "accelerator", "forbidden", "idle"]


def otto_efficiency(omega_h: float, omega_c: float) -> float:
    """Quasi-static Otto efficiency 1 − ω_c/ω_h."""
    return 1.0 - require_positive("omega_c", omega_c) / require_positive("omega_h", omega_h)


def otto_cop(omega_h: float, omega_c: float) -> float:
    """Quasi-static Otto refrigerator COP ω_c/(ω_h − ω_c) (ω_h > ω_c)."""
    wh, wc = require_positive("omega_h", omega_h), require_positive("omega_c", omega_c)
    if wh <= wc:
        raise InvalidParameterError("`omega_h` must exceed `omega_c` for a refrigerator COP.")
    return wc / (wh - wc)


def carnot_efficiency(T_h: float, T_c: float) -> float:
    """Carnot efficiency 1 − T_c/T_h."""
    return 1.0 - require_positive("T_c", T_c, allow_zero=True) / require_positive("T_h", T_h)


def carnot_cop(T_h: float, T_c: float) -> float:
    """Carnot refrigerator COP T_c/(T_h − T_c) (T_h > T_c)."""
    th, tc = require_positive("T_h", T_h), require_positive("T_c", T_c, allow_zero=True)
    if th <= tc:
        raise InvalidParameterError("`T_h` must exceed `T_c` for a Carnot COP.")
    return tc / (th - tc)


@dataclass(frozen=True)
class WorkingMedium:
    """The working medium: ``"qubit"`` with H(ω) = (ω/2)σ_z and bath coupling σ_x, or
    ``"oscillator"`` with H(ω) = p²/2 + ω²x²/2 on ``levels`` number states of the reference
    frequency ``reference_frequency`` and bath coupling x."""

    kind: Literal["qubit", "oscillator"] = "qubit"
    levels: int = 30
    reference_frequency: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in ("qubit", "oscillator"):
            raise InvalidParameterError(
                f"`kind` (the working medium) must be 'qubit' or 'oscillator', got {self.kind!r}."
            )
        require_int_at_least("levels", self.levels, 2)
        require_positive("reference_frequency", self.reference_frequency)

    @property
    def dim(self) -> int:
        """Hilbert-space dimension."""
        return 2 if self.kind == "qubit" else self.levels

    def _xp(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = self.levels + 2  # build two levels more so x², p² are exact after truncation
        a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
        wr = self.reference_frequency
        x = (a + a.conj().T) / math.sqrt(2 * wr)
        p = 1j * math.sqrt(wr / 2) * (a.conj().T - a)
        k = self.levels
        return (x @ x)[:k, :k], (p @ p)[:k, :k], x[:k, :k]

    def hamiltonian(self, omega: float) -> np.ndarray:
        """H(ω) of the medium."""
        w = require_positive("omega", omega)
        if self.kind == "qubit":
            return np.diag([w / 2, -w / 2]).astype(complex)
        x2, p2, _ = self._xp()
        H = 0.5 * p2 + 0.5 * w**2 * x2
        return 0.5 * (H + H.conj().T)

    def coupling_operator(self) -> np.ndarray:
        """The system operator S through which both baths act (σ_x or x)."""
        if self.kind == "qubit":
            return np.array([[0, 1], [1, 0]], dtype=complex)
        return self._xp()[2]


@dataclass(frozen=True, init=False)
class OttoCycle:
    """Parameters of an Otto cycle (see the module docstring).

    ``stroke`` is a typed unitary stroke, :class:`~ssbattery.thermal.strokes.Adiabatic`,
    :class:`~ssbattery.thermal.strokes.Sudden` or
    :class:`~ssbattery.thermal.strokes.Driven`, which carries its settings: its duration
    ``tau_u`` (the ramp of a driven stroke; it enters the cycle time, power =
    −W/(τ_h + τ_c + 2τ_u)) and a driven stroke's ``steps``. For adiabatic strokes with
    τ_u = 0 the populations are kept as if by a perfect shortcut to adiabaticity, an
    idealisation that gives the Otto efficiency at finite power. The string form
    (``stroke="driven", tau_u=1.0, driven_steps=200``) is mapped onto the typed one by
    :func:`~ssbattery.thermal.strokes.as_stroke`, bit for bit; afterwards ``stroke`` is
    always typed, and ``tau_u`` and ``driven_steps`` mirror it.
    """

    medium: WorkingMedium
    omega_h: float
    omega_c: float
    hot: Bath
    cold: Bath
    tau_h: float
    tau_c: float
    stroke: Stroke
    tau_u: float
    driven_steps: int

    def __init__(
        self,
        medium: WorkingMedium,
        omega_h: float,
        omega_c: float,
        hot: Bath,
        cold: Bath,
        tau_h: float,
        tau_c: float,
        stroke: Stroke | StrokeName = "adiabatic",
        tau_u: float | None = None,
        driven_steps: int | None = None,
    ) -> None:
        # written out so that ``stroke`` is typed after construction while the string
        # form still works (see the class docstring)
        if driven_steps is not None:
            require_int_at_least("driven_steps", driven_steps, 1)
        typed = as_stroke(stroke, tau_u, driven_steps)
        steps = typed.steps if isinstance(typed, Driven) else driven_steps or DRIVEN_STEPS
        given = dict(locals(), stroke=typed, tau_u=typed.tau_u, driven_steps=steps)
        for name in (f.name for f in fields(self)):
            object.__setattr__(self, name, given[name])
        self.__post_init__()

    def __post_init__(self) -> None:
        require_positive("omega_h", self.omega_h)
        require_positive("omega_c", self.omega_c)
        for name in ("tau_h", "tau_c"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise InvalidParameterError(
                    f"`{name}` must be > 0 (a thermalisation stroke of zero duration leaves "
                    f"no limit cycle), got {value!r}."
                )
        if not isinstance(self.hot, Bath) or not isinstance(self.cold, Bath):
            raise InvalidParameterError("`hot` and `cold` must be Bath instances.")
        for name in ("hot", "cold"):
            if getattr(self, name).rate <= 0:
                raise InvalidParameterError(
                    f"`{name}.rate` must be > 0: without it the limit cycle is not unique."
                )
        if self.hot.temperature <= self.cold.temperature:
            raise InvalidParameterError(
                f"the hot bath's temperature T_h = {self.hot.temperature:g} must exceed the "
                f"cold bath's T_c = {self.cold.temperature:g}; swap the two temperatures "
                "(the machine's modes, efficiency and COP are defined for T_h > T_c)."
            )

    @property
    def cycle_time(self) -> float:
        """τ_h + τ_c + 2τ_u."""
        return self.tau_h + self.tau_c + 2 * self.tau_u


@dataclass(frozen=True)
class OttoResult:
    """The limit cycle of an :class:`OttoCycle`: work W and heats Q_h, Q_c per cycle (into
    the medium), efficiency (engine; NaN otherwise), COP (refrigerator; NaN otherwise),
    power −W/τ_cycle, mode, first-law residual |W + Q_h + Q_c|, and the corner states
    A, B, C, D with their energies, entropies and frequencies."""

    cycle: OttoCycle
    work: float
    heat_hot: float
    heat_cold: float
    efficiency: float
    cop: float
    power: float
    mode: Mode
    first_law_residual: float
    corner_states: tuple[np.ndarray, ...] = field(repr=False)
    corner_energies: tuple[float, ...]
    corner_entropies: tuple[float, ...]
    corner_frequencies: tuple[float, ...]

    def metrics(self) -> dict[str, float | str]:
        """Deprecated: the scalars are :meth:`quantities` (plain keys:
        :func:`ssbattery.results.quantity_values`), with units :meth:`to_dict`."""
        warn_renamed("OttoResult.metrics()", "OttoResult.to_dict() or .quantities()")
        return self._scalars()

    def _scalars(self) -> dict[str, float | str]:
        """The scalars by mode: an engine reports its efficiency, power, and the Otto and
        Carnot efficiencies; a refrigerator its cooling power Q_c/τ_cycle, COP, and the
        ideal Otto and Carnot COPs; other modes only the energies. Always: W, Q_h, Q_c,
        τ_cycle, the mode and the first-law residual."""
        cyc = self.cycle
        out: dict[str, float | str] = {
            "work": self.work,
            "heat_hot": self.heat_hot,
            "heat_cold": self.heat_cold,
            "cycle_time": cyc.cycle_time,
            "mode": self.mode,
        }
        if self.mode == "engine":
            out |= {
                "efficiency": self.efficiency,
                "power": self.power,
                "otto_efficiency": otto_efficiency(cyc.omega_h, cyc.omega_c),
                "carnot_efficiency": carnot_efficiency(cyc.hot.temperature, cyc.cold.temperature),
            }
        elif self.mode == "refrigerator":
            out |= {
                "cooling_power": self.cooling_power,
                "cop": self.cop,
                "otto_cop": otto_cop(cyc.omega_h, cyc.omega_c),
                "carnot_cop": carnot_cop(cyc.hot.temperature, cyc.cold.temperature),
            }
        out["first_law_residual"] = self.first_law_residual
        return out

    def quantities(self) -> tuple[Quantity, ...]:
        """The scalars of the cycle (by mode, see :meth:`_scalars`) with units: energies in
        the reference frequency ω₀ of the cycle's frequencies (ħ = 1), times in 1/ω₀,
        powers in ω₀²."""
        units = {
            "work": "ω₀",
            "heat_hot": "ω₀",
            "heat_cold": "ω₀",
            "cycle_time": "1/ω₀",
            "power": "ω₀²",
            "cooling_power": "ω₀²",
            "first_law_residual": "ω₀",
        }
        return tuple(
            Quantity(k, float(v), units.get(k, "1"))
            for k, v in self._scalars().items()
            if not isinstance(v, str)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the operating mode and the scalars with units in their keys."""
        return {"mode": self.mode, **quantity_dict(self.quantities())}

    def __str__(self) -> str:
        c = self.cycle
        return quantity_text(
            f"Otto {self.mode}: ω_h = {c.omega_h:g}, ω_c = {c.omega_c:g}, T_h = "
            f"{c.hot.temperature:g}, T_c = {c.cold.temperature:g}, {c.stroke} strokes",
            self.quantities(),
        )

    @property
    def cooling_power(self) -> float:
        """Heat drawn from the cold bath per unit time, Q_c/τ_cycle (refrigerator; NaN in
        other modes)."""
        if self.mode != "refrigerator":
            return math.nan
        return self.heat_cold / self.cycle.cycle_time

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


def operating_mode(
    work: float,
    heat_hot: float,
    heat_cold: float,
    *,
    T_h: float | None = None,
    T_c: float | None = None,
    tol: float = 1e-12,
) -> Mode:
    """The mode of a two-bath machine from W, Q_h, Q_c per cycle (all flows into the medium).

    Engine (W < 0, Q_h > 0, Q_c < 0), refrigerator (W > 0, Q_c > 0, Q_h < 0), heater
    (W > 0, Q_h ≤ 0, Q_c ≤ 0), accelerator (W ≥ 0, Q_h > 0, Q_c < 0; conduction from hot
    to cold at W = 0). Any other sign pattern is ``"forbidden"`` (it violates the second law
    for T_h > T_c, or the first law), and so is any pattern whose entropy production
    −Q_h/T_h − Q_c/T_c is below −``tol`` when both temperatures are given (e.g. an
    "engine" above Carnot). ``"idle"`` only when W and both heats vanish (|·| ≤ ``tol``).
    Signs are read with a tolerance ``tol`` × max(1, largest magnitude).

    >>> operating_mode(-1.0, 3.0, -2.0), operating_mode(0.0, 1.0, -1.0)
    ('engine', 'accelerator')
    >>> operating_mode(-1.0, -1.0, 2.0)
    'forbidden'
    """
    scale = max(abs(work), abs(heat_hot), abs(heat_cold))
    if scale <= tol:
        return "idle"
    eps = tol * max(1.0, scale)
    if abs(work + heat_hot + heat_cold) > 1e-8 * max(1.0, scale):
        return "forbidden"  # not even the first law holds
    if T_h is not None and T_c is not None:
        # heat drawn from a bath at T = 0 gives σ = −∞; heat given to one σ = +∞
        sigma = entropy_production([heat_hot, heat_cold], [T_h, T_c], tol=eps)
        if sigma < -eps:
            return "forbidden"
    w_pos, w_neg = work > eps, work < -eps
    h_pos, h_neg = heat_hot > eps, heat_hot < -eps
    c_pos, c_neg = heat_cold > eps, heat_cold < -eps
    if w_neg and h_pos and c_neg:
        return "engine"
    if w_pos and c_pos and h_neg:
        return "refrigerator"
    if not w_neg and h_pos and c_neg:
        return "accelerator"
    if w_pos and not h_pos and not c_pos:
        return "heater"
    return "forbidden"


def _expm_hermitian(H: np.ndarray, t: float) -> np.ndarray:
    e, V = np.linalg.eigh(H)
    return (V * np.exp(-1j * e * t)) @ V.conj().T


def _adiabatic_unitary(med: WorkingMedium, w_i: float, w_f: float) -> np.ndarray:
    """U = Σ_k |k(ω_f)⟩⟨k(ω_i)|: each eigenstate of H(ω_i) to the same one of H(ω_f)."""
    _, Vi = np.linalg.eigh(med.hamiltonian(w_i))
    _, Vf = np.linalg.eigh(med.hamiltonian(w_f))
    return Vf @ Vi.conj().T


def _stroke_unitary(cycle: OttoCycle, w_i: float, w_f: float) -> np.ndarray:
    med, stroke = cycle.medium, cycle.stroke
    if isinstance(stroke, Sudden):
        return np.eye(med.dim, dtype=complex)
    if isinstance(stroke, Adiabatic):
        return _adiabatic_unitary(med, w_i, w_f)
    n = stroke.steps
    dt = stroke.tau_u / n
    U = np.eye(med.dim, dtype=complex)
    for k in range(n):  # midpoint rule on a linear ramp; error O(dt²)
        w = w_i + (w_f - w_i) * (k + 0.5) / n
        U = _expm_hermitian(med.hamiltonian(w), dt) @ U
    return U


def _conjugate_left(U: np.ndarray, X: np.ndarray, d: int) -> np.ndarray:
    """(Ū ⊗ U) @ X for a d²×d² superoperator X, by contractions."""
    X4 = X.reshape(d, d, d * d)  # [p, q, col]: row index p·d + q, ρ[q, p]
    X4 = np.einsum("Pp,pqc->Pqc", U.conj(), X4, optimize=True)
    X4 = np.einsum("Qq,Pqc->PQc", U, X4, optimize=True)
    return X4.reshape(d * d, d * d)


def _conjugate_right(X: np.ndarray, U: np.ndarray, d: int) -> np.ndarray:
    """X @ (Ū ⊗ U) for a d²×d² superoperator X, by contractions."""
    X4 = X.reshape(d * d, d, d)  # [row, r, s]: column index r·d + s
    X4 = np.einsum("crs,rR->cRs", X4, U.conj(), optimize=True)
    X4 = np.einsum("cRs,sS->cRS", X4, U, optimize=True)
    return X4.reshape(d * d, d * d)


def _build(cycle: OttoCycle) -> dict[str, np.ndarray]:
    med = cycle.medium
    Hh, Hc = med.hamiltonian(cycle.omega_h), med.hamiltonian(cycle.omega_c)
    S = med.coupling_operator()
    return {
        "Hh": Hh,
        "Hc": Hc,
        "Uch": _stroke_unitary(cycle, cycle.omega_c, cycle.omega_h),
        "Uhc": _stroke_unitary(cycle, cycle.omega_h, cycle.omega_c),
        "ch": np.array(global_dissipators(Hh, S, cycle.hot)),
        "cc": np.array(global_dissipators(Hc, S, cycle.cold)),
    }


def memory_estimate(dim: int) -> MemoryEstimate:
    """The predicted peak memory of :func:`otto_cycle` for a medium of ``dim`` levels.

    Dense d² × d² complex superoperators: the two stroke propagators, their product M and
    the contraction temporaries, the two unitary superoperators, and the eigenbasis of each
    Liouvillian inside ``propagator``: counted as 10 (the tracemalloc peak of a cycle is
    8.9–9.2 of them at d = 10, 20, 30: tests/sweep/test_models_memory.py).
    """
    d = int(dim)
    return MemoryEstimate(f"the Otto cycle of a {d}-level medium", hint="lower `levels`").add(
        "limit cycle", "stroke superoperators", (10, d * d, d * d)
    )


@single_threaded
def otto_cycle(cycle: OttoCycle) -> OttoResult:
    """Solve the limit cycle of ``cycle`` and return work, heats, efficiency, power, mode."""
    if not isinstance(cycle, OttoCycle):
        raise InvalidParameterError(f"`cycle` must be an OttoCycle, got {type(cycle).__name__}.")
    d = cycle.medium.dim
    memory_estimate(d).check()
    ops = _build(cycle)
    Ph = propagator(ops["Hh"], list(ops["ch"]), cycle.tau_h, eigenbasis=True)
    Pc = propagator(ops["Hc"], list(ops["cc"]), cycle.tau_c, eigenbasis=True)
    Sch, Shc = unitary_superoperator(ops["Uch"]), unitary_superoperator(ops["Uhc"])
    # M = Pc·Shc·Ph·Sch; the unitary factors are applied as d×d contractions (d⁵, not d⁶)
    M = Pc @ _conjugate_left(ops["Uhc"], _conjugate_right(Ph, ops["Uch"], d), d)
    rA = fixed_point(M)
    rB = unvec(Sch @ vec(rA), d)
    rC = unvec(Ph @ vec(rB), d)
    rD = unvec(Shc @ vec(rC), d)
    rA2 = unvec(Pc @ vec(rD), d)
    eA, eB = expectation(ops["Hc"], rA).real, expectation(ops["Hh"], rB).real
    eC, eD = expectation(ops["Hh"], rC).real, expectation(ops["Hc"], rD).real
    eA2 = expectation(ops["Hc"], rA2).real
    W = (eB - eA) + (eD - eC)
    Qh = eC - eB
    Qc = eA2 - eD
    residual = abs(W + Qh + Qc)
    if cycle.medium.kind == "oscillator":
        top = max(1, d // 10)
        weight = max(float(np.real(np.trace(r[-top:, -top:]))) for r in (rA, rB, rC, rD))
        if weight > 1e-6:
            warnings.warn(
                f"The oscillator's top {top} of {d} levels hold {weight:.1e} of the "
                "population: the truncation changes the result; increase `levels`.",
                ConvergenceWarning,
                stacklevel=2,
            )
    mode = operating_mode(W, Qh, Qc, T_h=cycle.hot.temperature, T_c=cycle.cold.temperature)
    eff = -W / Qh if mode == "engine" else math.nan
    cop = Qc / W if mode == "refrigerator" else math.nan
    return OttoResult(
        cycle=cycle,
        work=W,
        heat_hot=Qh,
        heat_cold=Qc,
        efficiency=eff,
        cop=cop,
        power=-W / cycle.cycle_time if cycle.cycle_time > 0 else math.nan,
        mode=mode,
        first_law_residual=residual,
        corner_states=(rA, rB, rC, rD),
        corner_energies=(eA, eB, eC, eD),
        corner_entropies=tuple(von_neumann_entropy(r) for r in (rA, rB, rC, rD)),
        corner_frequencies=(cycle.omega_c, cycle.omega_h, cycle.omega_h, cycle.omega_c),
    )


@dataclass(frozen=True)
class OttoTrajectory(Recorded):
    """The limit cycle sampled in time: frequency ω, energy ⟨H⟩, entropy S and the
    excited-state population (qubit) or mean number (oscillator, in the ω_r basis), with the
    stroke index (0–3) of each sample. ω and ⟨H⟩ in ω₀, S in nats (k_B = 1)."""

    omega: np.ndarray
    energy: np.ndarray
    entropy: np.ndarray
    excitation: np.ndarray
    stroke: np.ndarray

    _UNITS: ClassVar[dict[str, str]] = {
        "omega": "ω₀",
        "energy": "ω₀",
        "entropy": "nats",
        "excitation": "1",
    }

    def _title(self) -> str:
        return f"Otto limit cycle sampled at {len(self.omega)} points"

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


@single_threaded
def otto_trajectory(result: OttoResult, *, points_per_stroke: int = 25) -> OttoTrajectory:
    """Sample the limit cycle of ``result`` along its four strokes (for Fig. 16).

    Unitary strokes are drawn as straight segments between their end points in ω (their
    populations are kept by an adiabatic stroke); isochores are propagated exactly.
    """
    n = require_int_at_least("points_per_stroke", points_per_stroke, 2)
    cyc = result.cycle
    ops = _build(cyc)
    med = cyc.medium
    d = med.dim
    if med.kind == "qubit":
        exc_op = np.diag([1.0, 0.0]).astype(complex)
    else:
        exc_op = np.diag(np.arange(d)).astype(complex)
    om, en, ent, ex, st = [], [], [], [], []

    def add(w: float, H: np.ndarray, r: np.ndarray, k: int) -> None:
        om.append(w)
        en.append(expectation(H, r).real)
        ent.append(von_neumann_entropy(r))
        ex.append(expectation(exc_op, r).real)
        st.append(k)

    rA, rB, rC, rD = result.corner_states
    strokes = (
        (rA, cyc.omega_c, cyc.omega_h, None, None, 0),
        (rB, cyc.omega_h, cyc.omega_h, ops["ch"], cyc.tau_h, 1),
        (rC, cyc.omega_h, cyc.omega_c, None, None, 2),
        (rD, cyc.omega_c, cyc.omega_c, ops["cc"], cyc.tau_c, 3),
    )
    for r0, w0, w1, cops, tau, k in strokes:
        if cops is None:
            rend = (rB, rC, rD, rA)[k]
            for s in np.linspace(0.0, 1.0, n):
                w = w0 + (w1 - w0) * s
                r = r0 if s < 1 else rend
                if isinstance(cyc.stroke, Adiabatic) and 0 < s < 1:
                    U = _adiabatic_unitary(med, w0, w)
                    r = U @ r0 @ U.conj().T
                add(w, med.hamiltonian(w), r, k)
        else:
            H = med.hamiltonian(w0)
            step = propagator(H, list(cops), float(tau or 0.0) / (n - 1), eigenbasis=True)
            v = vec(r0)
            for _ in range(n):
                add(w0, H, unvec(v, d), k)
                v = step @ v
    return OttoTrajectory(
        omega=np.array(om),
        energy=np.array(en),
        entropy=np.array(ent),
        excitation=np.array(ex),
        stroke=np.array(st),
    )


def qubit_otto(
    *,
    omega_h: float = _FIG16.omega_h,
    omega_c: float = _FIG16.omega_c,
    T_h: float = _FIG16.T_h,
    T_c: float = _FIG16.T_c,
    rate_h: float = _FIG16.rate_h,
    rate_c: float = _FIG16.rate_c,
    tau_h: float = _FIG16.tau_h,
    tau_c: float = _FIG16.tau_c,
    stroke: Stroke | StrokeName = "adiabatic",
    tau_u: float | None = None,
) -> OttoResult:
    """The Otto cycle of a qubit H(ω) = (ω/2)σ_z between flat-spectrum Bose baths."""
    medium = WorkingMedium("qubit")
    return _flat_bath_otto(
        medium, omega_h, omega_c, T_h, T_c, rate_h, rate_c, tau_h, tau_c, stroke, tau_u
    )


def oscillator_otto(
    *,
    levels: int = 30,
    omega_h: float = _FIG16.omega_h,
    omega_c: float = _FIG16.omega_c,
    T_h: float = _FIG16.T_h,
    T_c: float = _FIG16.T_c,
    rate_h: float = _FIG16.rate_h,
    rate_c: float = _FIG16.rate_c,
    tau_h: float = _FIG16.tau_h,
    tau_c: float = _FIG16.tau_c,
    stroke: Stroke | StrokeName = "adiabatic",
    tau_u: float | None = None,
) -> OttoResult:
    """The Otto cycle of a harmonic oscillator truncated to ``levels`` number states of
    ω_r = √(ω_h ω_c), coupled through x to flat-spectrum Bose baths."""
    medium = WorkingMedium(
        "oscillator",
        levels=levels,
        reference_frequency=math.sqrt(
            require_positive("omega_h", omega_h) * require_positive("omega_c", omega_c)
        ),
    )
    return _flat_bath_otto(
        medium, omega_h, omega_c, T_h, T_c, rate_h, rate_c, tau_h, tau_c, stroke, tau_u
    )


def _flat_bath_otto(
    medium: WorkingMedium,
    omega_h: float,
    omega_c: float,
    T_h: float,
    T_c: float,
    rate_h: float,
    rate_c: float,
    tau_h: float,
    tau_c: float,
    stroke: Stroke | StrokeName,
    tau_u: float | None,
) -> OttoResult:
    """The limit cycle of ``medium`` between flat-spectrum Bose baths (T, rate)."""
    for name, value, kind in (
        ("T_h", T_h, "model_temperature"),
        ("T_c", T_c, "model_temperature"),
        ("rate_h", rate_h, "model_rate"),
        ("rate_c", rate_c, "model_rate"),
    ):  # named here, not as a Bath's
        require_positive(name, value, allow_zero=True, quantity=kind)
    for name, value in (("rate_h", rate_h), ("rate_c", rate_c)):
        if value <= 0:
            raise InvalidParameterError(
                f"`{name}` must be > 0, got {value!r}: a bath that does not couple leaves the "
                "limit cycle undetermined (it depends on the start)."
            )
    if T_h <= T_c:
        raise InvalidParameterError(
            f"`T_h` = {T_h:g} (the hot bath) must exceed `T_c` = {T_c:g} (the cold bath); "
            "swap the two temperatures: modes, efficiency and COP assume T_h > T_c."
        )
    return otto_cycle(
        OttoCycle(
            medium=medium,
            omega_h=omega_h,
            omega_c=omega_c,
            hot=Bath(T_h, rate_h),
            cold=Bath(T_c, rate_c),
            tau_h=tau_h,
            tau_c=tau_c,
            stroke=stroke,
            tau_u=tau_u,
        )
    )
