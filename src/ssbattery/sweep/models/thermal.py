"""Sweep entries of the thermal machines and batteries (review §2.4): the quantum Otto
cycle, the heat-charged two-qubit battery (eq. 15), the optically pumped battery,
Maxwell's demon of two coupled qubits and the learned engine cycle. Each entry calls the
model's public function with the same arguments as its single-run command."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.results import Recorded, quantity_values
from ssbattery.sweep.registry import (
    ModelEntry,
    Output,
    Param,
    fields_as_params,
    fixed_memory,
    register,
)
from ssbattery.thermal.heat_battery import HeatBattery
from ssbattery.thermal.learning import EngineParameters
from ssbattery.thermal.pumped_battery import PumpedBattery

if TYPE_CHECKING:
    from ssbattery.thermal.feedback import DemonCycle
    from ssbattery.thermal.heat_battery import HeatBatteryResult
    from ssbattery.thermal.learning import BestOttoCycle, LearningResult
    from ssbattery.thermal.otto import OttoResult

__all__ = [
    "BEST_OTTO",
    "DEMON",
    "HEAT_BATTERY",
    "LEARNED_CYCLE",
    "OTTO",
    "PUMPED_BATTERY",
    "BestOttoRun",
    "DemonRun",
    "HeatBatteryRun",
    "LearnedCycleRun",
    "OttoRun",
    "PumpedRun",
    "PumpedRunResult",
]


# ------------------------------------------------------------------------------ Otto


@dataclass(frozen=True)
class OttoRun:
    """The keyword arguments of :func:`~ssbattery.thermal.otto.qubit_otto` (or of
    :func:`~ssbattery.thermal.otto.oscillator_otto` with ``levels``) for one cycle."""

    medium: str
    levels: int
    kwargs: tuple[tuple[str, Any], ...]


def _build_otto(values: Mapping[str, Any]) -> OttoRun:
    v = dict(values)
    medium, levels = v.pop("medium"), v.pop("levels")
    return OttoRun(medium, levels, tuple(sorted(v.items())))


def _otto_memory(run: OttoRun) -> Any:
    """The estimate ``otto_cycle`` checks (:func:`ssbattery.thermal.otto.memory_estimate`)."""
    from ssbattery.thermal.otto import memory_estimate

    return memory_estimate(run.levels if run.medium == "oscillator" else 2)


def solve_otto(run: OttoRun) -> OttoResult:
    """The limit cycle of one Otto cycle (Fig. 16), as ``ssbattery otto`` runs it."""
    from ssbattery.thermal.otto import oscillator_otto, qubit_otto

    kwargs = dict(run.kwargs)
    if run.medium == "oscillator":
        return oscillator_otto(levels=run.levels, **kwargs)
    return qubit_otto(**kwargs)


def _otto_outputs(result: OttoResult) -> dict[str, Any]:
    # an engine reports its efficiencies and a refrigerator its COPs only;
    # the other mode's entries are NaN here
    m = quantity_values(result.quantities())
    return {k: m.get(k, math.nan) for k in _OTTO_SCALARS}


_OTTO_SCALARS = (
    "work",
    "heat_hot",
    "heat_cold",
    "efficiency",
    "cop",
    "power",
    "cycle_time",
    "otto_efficiency",
    "carnot_efficiency",
    "cooling_power",
    "otto_cop",
    "carnot_cop",
    "first_law_residual",
)

#: The registered sweep entry ``otto`` (see ``ssbattery sweep models``).
OTTO: ModelEntry[OttoRun, OttoResult] = register(
    ModelEntry(
        name="otto",
        summary="Quantum Otto cycle of a qubit or an oscillator (review §2.4, Fig. 16)",
        params=(
            Param("medium", "str", "qubit", "", "working medium", choices=("qubit", "oscillator")),
            Param("levels", "int", 20, "", "oscillator truncation (levels)"),
            Param("omega_h", "float", 2.0, "ω", "frequency at the hot bath ω_h"),
            Param("omega_c", "float", 1.0, "ω", "frequency at the cold bath ω_c"),
            Param("T_h", "float", 4.0, "ω", "hot-bath temperature (k_B = 1)"),
            Param("T_c", "float", 0.5, "ω", "cold-bath temperature"),
            Param("rate_h", "float", 0.5, "ω", "hot-bath rate γ_h"),
            Param("rate_c", "float", 0.5, "ω", "cold-bath rate γ_c"),
            Param("tau_h", "float", 5.0, "1/ω", "hot isochore duration"),
            Param("tau_c", "float", 5.0, "1/ω", "cold isochore duration"),
            Param(
                "stroke",
                "str",
                "adiabatic",
                "",
                "unitary strokes",
                choices=("adiabatic", "sudden", "driven"),
            ),
            Param("tau_u", "float", 0.0, "1/ω", "duration of each unitary stroke"),
        ),
        outputs=(
            Output("work", "ω", "work into the medium per cycle (< 0: engine)"),
            Output("heat_hot", "ω", "heat from the hot bath per cycle"),
            Output("heat_cold", "ω", "heat from the cold bath per cycle"),
            Output("efficiency", "", "−W/Q_h (engine; NaN otherwise)"),
            Output("cop", "", "Q_c/W (refrigerator; NaN otherwise)"),
            Output("power", "ω²", "−W / cycle time (engine; NaN otherwise)"),
            Output("cycle_time", "1/ω", "duration of one cycle"),
            Output("otto_efficiency", "", "1 − ω_c/ω_h (engine; NaN otherwise)"),
            Output("carnot_efficiency", "", "1 − T_c/T_h (engine; NaN otherwise)"),
            Output("cooling_power", "ω²", "Q_c / cycle time (refrigerator; NaN otherwise)"),
            Output("otto_cop", "", "ideal Otto COP (refrigerator; NaN otherwise)"),
            Output("carnot_cop", "", "Carnot COP (refrigerator; NaN otherwise)"),
            Output("first_law_residual", "ω", "|W + Q_h + Q_c|"),
        ),
        build=_build_otto,
        solve=solve_otto,
        extract=_otto_outputs,
        memory_bytes=_otto_memory,
        cost=lambda r: float(r.levels if r.medium == "oscillator" else 2) ** 3,
    )
)


# --------------------------------------------------------------- heat-charged battery


@dataclass(frozen=True)
class HeatBatteryRun:
    """One limit cycle of the heat-charged battery: the battery, τ and the gate."""

    battery: HeatBattery
    tau: float
    gate: str


def _build_heat(values: Mapping[str, Any]) -> HeatBatteryRun:
    from ssbattery.thermal.heat_battery import HeatBattery

    v = dict(values)
    tau, gate = v.pop("tau"), v.pop("gate")
    return HeatBatteryRun(HeatBattery(**v), tau, gate)


def solve_heat_battery(run: HeatBatteryRun) -> HeatBatteryResult:
    """The limit cycle at charging time τ, as ``ssbattery thermal-battery`` runs it."""
    from ssbattery.thermal.heat_battery import heat_battery

    return heat_battery(run.battery, run.tau, gate=run.gate)  # type: ignore[arg-type]


_HEAT_OUTPUTS = (
    Output("work", "ω0", "work output per cycle W"),
    Output("heat_hot", "ω0", "heat from the hot bath during charging"),
    Output("heat_cold", "ω0", "heat from the cold bath during charging"),
    Output("efficiency", "", "W/Q_h"),
    Output("power", "ω0²", "W/τ"),
    Output("stored_energy", "ω0", "ΔE = Tr[H(ρ_τ − ρ0)]"),
    Output("ergotropy", "ω0", "ergotropy of the charged state ρ_τ"),
    Output("ness_ergotropy", "ω0", "ergotropy of the steady state"),
    Output("ness_heat_current", "ω0²", "hot-bath heat current in the steady state"),
    Output("carnot_efficiency", "", "1 − T_c/T_h"),
    Output("local_valid", "", "1 when the local master equation's validity check passes"),
)

#: The registered sweep entry ``heat-battery`` (see ``ssbattery sweep models``).
HEAT_BATTERY: ModelEntry[HeatBatteryRun, HeatBatteryResult] = register(
    ModelEntry(
        name="thermal-battery",
        summary="Two-qubit battery charged by a heat current (review eq. 15, Tacchino et al.)",
        params=(
            *fields_as_params(
                HeatBattery,
                {
                    "coupling": ("ω0", "qubit–qubit coupling λ"),
                    "T_h": ("ω0", "hot-bath temperature"),
                    "T_c": ("ω0", "cold-bath temperature"),
                    "rate_h": ("ω0", "hot-bath rate γ_h"),
                    "rate_c": ("ω0", "cold-bath rate γ_c"),
                    "omega0": ("", "qubit splitting ω0"),
                    "form": ("", "dissipators", ("local", "global")),
                },
            ),
            Param("tau", "float", 10.0, "1/ω0", "charging time τ > 0"),
            Param("gate", "str", "ness", "", "discharge gate", choices=("ness", "optimal")),
        ),
        outputs=_HEAT_OUTPUTS,
        build=_build_heat,
        solve=solve_heat_battery,
        extract=lambda r: {
            **quantity_values(r.quantities()),
            "local_valid": float(not r.validity_issues),
        },
        memory_bytes=fixed_memory(
            "the heat-charged battery", "two qubits (d = 4, 16 × 16 Liouvillian)"
        ),
    )
)


# --------------------------------------------------------------------- pumped battery


@dataclass(frozen=True)
class PumpedRun:
    """The pumped battery charged at ``omega_L`` for ``time``; the engine when asked."""

    battery: PumpedBattery
    omega_L: float
    time: float
    engine: bool
    omega_c: float
    tau: float


@dataclass(frozen=True)
class PumpedRunResult(Recorded):
    """Charging metrics at ``time`` and, when run, the two-stroke engine's cycle."""

    charging: dict[str, float]
    engine: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the ``pumped-battery`` entry's outputs with their units in the keys
        (energies in ω_e, power in ω_e²; engine entries None where it was not run)."""
        return PUMPED_BATTERY.output_dict(self)

    def _title(self) -> str:
        return "pumped battery at t (charging) and its two-stroke engine"


def _build_pumped(values: Mapping[str, Any]) -> PumpedRun:
    from ssbattery.thermal.pumped_battery import PumpedBattery
    from ssbattery.validation import require_positive

    v = dict(values)
    run = {k: v.pop(k) for k in ("omega_L", "time", "engine", "omega_c", "tau")}
    require_positive("time", run["time"])
    require_positive("omega_L", run["omega_L"])
    return PumpedRun(PumpedBattery(**v), **run)


def solve_pumped(run: PumpedRun) -> PumpedRunResult:
    """One pump frequency: the charging metrics at ``time`` (no detuning warning: the
    ``first_law_defect`` output carries it) and the two-stroke engine, as ``ssbattery
    pumped-battery`` computes each row."""
    from ssbattery.thermal.pumped_battery import charging, two_stroke_engine

    c = charging(run.battery, run.omega_L, [run.time], warn=False)
    charging_metrics = {k: float(getattr(c, k)[0]) for k in _PUMPED_CHARGING}
    engine = {"engine_work": math.nan, "engine_efficiency": math.nan, "engine_bound": math.nan}
    if run.engine:
        e = two_stroke_engine(run.battery, run.omega_L, omega_c=run.omega_c, tau=run.tau)
        engine = {
            "engine_work": e.work,
            "engine_efficiency": e.efficiency,
            "engine_bound": e.bound,
        }
    return PumpedRunResult(charging_metrics, engine)


_PUMPED_CHARGING = ("efficiency", "stored_energy", "power", "pump_work", "first_law_defect")

#: The registered sweep entry ``pumped-battery`` (see ``ssbattery sweep models``).
PUMPED_BATTERY: ModelEntry[PumpedRun, PumpedRunResult] = register(
    ModelEntry(
        name="pumped-battery",
        summary="Optically pumped two-level battery and two-stroke engine (§2.4, Santos et al.)",
        params=(
            Param("omega_L", "float", 1.5, "ω_e", "pump frequency ω_L"),
            *fields_as_params(
                PumpedBattery,
                {
                    "omega_e": ("", "battery gap ω_e (the energy unit)"),
                    "single_reservoir": ("", "a → e decays into the cold bath"),
                    "omega_a": ("ω_e", "pumped level ω_a"),
                    "rabi": ("ω_e", "pump Rabi frequency Ω"),
                    "decay": ("ω_e", "decay rate Γ of a → e"),
                    "battery_rate": ("ω_e", "battery rate γ_B (e → g)"),
                    "T_r": ("ω_e", "reservoir temperature of a → e"),
                    "T_c": ("ω_e", "cold-bath temperature"),
                },
            ),
            Param("time", "float", 50.0, "1/ω_e", "charging time t"),
            Param("engine", "bool", True, "", "also the two-stroke engine"),
            Param("omega_c", "float", 0.5, "ω_e", "engine cold-qubit gap"),
            Param("tau", "float", 20.0, "1/ω_e", "engine pumping stroke duration"),
        ),
        outputs=(
            Output("efficiency", "", "stored energy / pump work at t"),
            Output("stored_energy", "ω_e", "ω_e p_e at t"),
            Output("power", "ω_e²", "stored energy / t"),
            Output("pump_work", "ω_e", "ω_L × absorbed photons"),
            Output("first_law_defect", "ω_e", "(ω_a − ω_L) × absorbed photons"),
            Output("engine_work", "ω_e", "two-stroke engine work per cycle (NaN: not run)"),
            Output("engine_efficiency", "", "engine W / W_pump"),
            Output("engine_bound", "", "Otto × pumping efficiency bound"),
        ),
        build=_build_pumped,
        solve=solve_pumped,
        extract=lambda r: {**r.charging, **r.engine},
        memory_bytes=fixed_memory("the pumped battery", "three levels and the engine's two qubits"),
    )
)


# ------------------------------------------------------------------------------ demon


@dataclass(frozen=True)
class DemonRun:
    """One periodic demon cycle: the coupled qubits and the bath/cycle settings."""

    omega1: float
    omega2: float
    coupling: float
    temperature: float
    rate: float
    tau: float
    scheme: str


def _build_demon(values: Mapping[str, Any]) -> DemonRun:
    from ssbattery.thermal.feedback import CoupledQubits

    run = DemonRun(**values)
    CoupledQubits(run.omega1, run.omega2, run.coupling)  # validates |g| < min(ω)/2
    return run


def solve_demon(run: DemonRun) -> DemonCycle:
    """One demon cycle in its periodic state, as :func:`demon_scan` computes each g."""
    from ssbattery.thermal.feedback import CoupledQubits, demon_cycle

    return demon_cycle(
        CoupledQubits(run.omega1, run.omega2, run.coupling),
        scheme=run.scheme,  # type: ignore[arg-type]
        temperature=run.temperature,
        rate=run.rate,
        tau=run.tau,
    )


#: The registered sweep entry ``demon`` (see ``ssbattery sweep models``).
DEMON: ModelEntry[DemonRun, DemonCycle] = register(
    ModelEntry(
        name="demon",
        summary="Maxwell's demon of two σz–σz coupled qubits (review §2.4)",
        params=(
            Param("coupling", "float", 0.0, "ω1", "σz–σz coupling g (|g| < min(ω)/2)"),
            Param("omega1", "float", 1.0, "ω1", "splitting of qubit 1"),
            Param("omega2", "float", 1.0, "ω1", "splitting of qubit 2"),
            Param("temperature", "float", 1.0, "ω1", "bath temperature"),
            Param("rate", "float", 1.0, "ω1", "bath coupling rate γ"),
            Param("tau", "float", 1.0, "1/γ", "thermalisation time per cycle"),
            Param("scheme", "str", "joint", "", "what is measured", choices=("joint", "single")),
        ),
        outputs=(
            Output("heat_mean", "ω1", "heat extracted per cycle (mean over realisations)"),
            Output("heat_std", "ω1", "its standard deviation"),
            Output("heat_variance", "ω1²", "its variance"),
            Output("information", "nats", "quantum–classical mutual information"),
            Output("net_work", "ω1", "extracted work minus measurement energy"),
        ),
        build=_build_demon,
        solve=solve_demon,
        extract=lambda r: {
            "heat_mean": r.work_extracted,
            "heat_std": r.work_std,
            "heat_variance": r.work_variance,
            "information": r.qc_information,
            "net_work": r.net_work,
        },
        memory_bytes=fixed_memory("the demon cycle", "two qubits (d = 4)"),
    )
)


# ---------------------------------------------------------------------- learned cycle


#: The two-level engine's parameters (learned-cycle and best-otto), from EngineParameters.
_ENGINE_PARAMS = fields_as_params(
    EngineParameters,
    {
        "E0": ("", "energy scale of H(u) = E0·u/2·σz"),
        "u_min": ("", "smallest control u"),
        "u_max": ("", "largest control u"),
        "T_hot": ("E0", "hot-bath temperature"),
        "T_cold": ("E0", "cold-bath temperature"),
        "rate_hot": ("Γ", "hot-bath coupling Γ_h"),
        "rate_cold": ("Γ", "cold-bath coupling Γ_c"),
        "bath": ("", "spectra", ("ohmic_bose", "flat_fermi")),
    },
)


@dataclass(frozen=True)
class LearnedCycleRun:
    """The engine and the settings of :func:`~ssbattery.thermal.learning.learn_cycle`."""

    params: EngineParameters
    settings: tuple[tuple[str, Any], ...]


_LEARN_SETTINGS = (
    "n_steps",
    "period",
    "iterations",
    "population",
    "elite_fraction",
    "smoothing",
    "seed",
)


def _build_learned(values: Mapping[str, Any]) -> LearnedCycleRun:
    from ssbattery.thermal.learning import EngineParameters

    v = dict(values)
    settings = tuple((k, v.pop(k)) for k in _LEARN_SETTINGS)
    return LearnedCycleRun(EngineParameters(**v), settings)


def _learned_cost(run: LearnedCycleRun) -> float:
    # the search costs ~1 µs per schedule step (see learn_cycle)
    s = dict(run.settings)
    return float(s["n_steps"] * s["iterations"] * s["population"])


def solve_learned(
    run: LearnedCycleRun,
    *,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Path | str | None = None,
    checkpoint_every: int = 10,
) -> LearningResult:
    """The cross-entropy search of one cycle period. ``ssbattery learn-cycle`` calls it with
    its progress bar and ``--checkpoint`` (the optimiser's state of this one run); a sweep
    point runs without a checkpoint file (the store resumes the sweep point by point)."""
    from ssbattery.thermal.learning import learn_cycle

    return learn_cycle(
        run.params,
        **dict(run.settings),
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        progress=progress,
    )


def _otto_search(est: Any, phase: str, grid: int) -> Any:
    """Add :func:`~ssbattery.thermal.learning.optimal_otto`'s grid search to ``est``: grid³
    two-stroke cycles evaluated at once (the meshgrids, the strokes' u, bath and durations,
    and evaluate_schedules' per-stroke and per-cycle arrays), counted as 48 float64 per
    cycle; the tracemalloc peak is 38–40 (tests/sweep/test_models_memory.py)."""
    return est.add(phase, f"{grid}³ candidate Otto cycles", (grid**3, 48), bytes_per_element=8)


def _learned_memory(run: LearnedCycleRun) -> Any:
    """The search's schedules (``learn_cycle`` checks 5 arrays of population × n_steps
    numbers) and the Otto reference (``optimal_otto`` at its default grid of 41)."""
    from ssbattery.validation import MemoryEstimate

    s = dict(run.settings)
    est = MemoryEstimate(
        f"the learned cycle (population {s['population']}, {s['n_steps']} steps)",
        hint="lower `population` or `n_steps`",
    )
    est.add(
        "cross-entropy search",
        "sampled schedules",
        (s["population"], s["n_steps"], 5),
        bytes_per_element=8,
    )
    return _otto_search(est, "Otto reference", 41)


def _best_otto_memory(run: BestOttoRun) -> Any:
    from ssbattery.validation import MemoryEstimate

    est = MemoryEstimate(f"the best Otto cycle (grid {run.grid})", hint="lower `grid`")
    return _otto_search(est, "grid search", run.grid)


#: The registered sweep entry ``learned-cycle`` (see ``ssbattery sweep models``).
LEARNED_CYCLE: ModelEntry[LearnedCycleRun, LearningResult] = register(
    ModelEntry(
        name="learned-cycle",
        summary="A two-level engine cycle learned by cross-entropy search vs the best Otto "
        "cycle (review §2.4, Erdman & Noé)",
        params=(
            *_ENGINE_PARAMS,
            Param("n_steps", "int", 16, "", "piecewise-constant steps per cycle"),
            Param("period", "float", 4.0, "1/Γ", "cycle period"),
            Param("iterations", "int", 200, "", "optimiser iterations"),
            Param("population", "int", 256, "", "schedules sampled per iteration"),
            Param("elite_fraction", "float", 0.1, "", "fraction kept as elites"),
            Param("smoothing", "float", 0.7, "", "update weight of the sampling laws"),
            Param("seed", "int", 0, "", "random seed"),
        ),
        outputs=(
            Output("learned_power", "E0·Γ", "average power of the learned cycle"),
            Output("learned_efficiency", "", "its efficiency W/Q_h"),
            Output("otto_power", "E0·Γ", "power of the best Otto cycle of the same period"),
            Output("otto_efficiency", "", "its efficiency"),
            Output("advantage", "", "learned power / best Otto power"),
        ),
        build=_build_learned,
        solve=solve_learned,
        extract=lambda r: {
            "learned_power": r.learned.power,
            "learned_efficiency": r.learned.efficiency,
            "otto_power": r.otto.metrics.power,
            "otto_efficiency": r.otto.metrics.efficiency,
            "advantage": r.advantage,
        },
        memory_bytes=_learned_memory,
        cost=_learned_cost,
        progress=True,
    )
)


# -------------------------------------------------------------- best Otto cycle of a period


@dataclass(frozen=True)
class BestOttoRun:
    """The engine, the cycle period (1/Γ) and the search grid of
    :func:`~ssbattery.thermal.learning.optimal_otto`."""

    params: EngineParameters
    period: float
    grid: int


def _build_best_otto(values: Mapping[str, Any]) -> BestOttoRun:
    from ssbattery.thermal.learning import EngineParameters
    from ssbattery.validation import require_int_at_least, require_positive

    v = dict(values)
    period = require_positive("period", v.pop("period"))
    grid = require_int_at_least("grid", v.pop("grid"), 5)
    return BestOttoRun(EngineParameters(**v), period, grid)


def solve_best_otto(run: BestOttoRun) -> BestOttoCycle:
    """The Otto cycle of maximum power at one period (grid search + Nelder–Mead polish)."""
    from ssbattery.thermal.learning import optimal_otto

    return optimal_otto(run.params, run.period, grid=run.grid)


#: The registered sweep entry ``best-otto``: the Otto reference of the learned cycle, swept
#: over the period by :func:`~ssbattery.thermal.learning.otto_power_scan`.
BEST_OTTO: ModelEntry[BestOttoRun, BestOttoCycle] = register(
    ModelEntry(
        name="best-otto",
        summary="The two-level engine's Otto cycle of maximum power at a given period "
        "(review §2.4, Erdman & Noé's reference cycle)",
        params=(
            *_ENGINE_PARAMS,
            Param("period", "float", 4.0, "1/Γ", "cycle period"),
            Param("grid", "int", 25, "", "grid points per optimised parameter (≥ 5)"),
        ),
        outputs=(
            Output("power", "E0·Γ", "average power of the best Otto cycle"),
            Output("efficiency", "", "its efficiency W/Q_h"),
            Output("u_hot", "", "control u on the hot stroke"),
            Output("u_cold", "", "control u on the cold stroke"),
            Output("time_hot", "1/Γ", "duration of the hot stroke"),
            Output("time_cold", "1/Γ", "duration of the cold stroke"),
        ),
        build=_build_best_otto,
        solve=solve_best_otto,
        extract=lambda r: {
            "power": r.metrics.power,
            "efficiency": r.metrics.efficiency,
            "u_hot": r.u_hot,
            "u_cold": r.u_cold,
            "time_hot": r.time_hot,
            "time_cold": r.time_cold,
        },
        memory_bytes=_best_otto_memory,
        # the grid search evaluates grid³ two-stroke cycles
        cost=lambda r: float(r.grid) ** 3,
    )
)
