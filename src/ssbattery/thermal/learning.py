"""Learned control of a two-level quantum heat engine (review §2.4, Erdman et al., ref. 147).

The working medium is a qubit with the controlled Hamiltonian (ħ = k_B = 1, energies in
units of E0)

    H(u) = E0 · u/2 · σz,        u ∈ [u_min, u_max] ⊂ (0, 1]  (default [0.3, 1]),

coupled at each moment to the hot bath, the cold bath or neither (the choice d(t)), after
Erdman & Noé, npj Quantum Inf. 8, 1 (2022), "Identifying optimal cycles in quantum thermal
machines with reinforcement-learning", first case study. Departure from the paper: our
default bath is Ohmic and bosonic, theirs has flat Fermi rates with a u-independent
relaxation rate; ``EngineParameters(bath="flat_fermi")`` is theirs, and
:func:`erdman_noe_parameters` with step ``ERDMAN_NOE_STEP`` = 0.5 their set-up (E0 = 2.5,
T_c/T_h = 0.5), where the fast-driving Otto bound (:func:`fast_otto_bound`) is
0.003715 E0Γ. H(u) commutes with itself at all
times and the dissipators below do not create coherence, so the qubit stays diagonal and the
Lindblad equation reduces exactly to a master equation for the excited population p:

    dp/dt = γ_d(E) n_d(E) (1 − p) − γ_d(E) (n_d(E) + 1) p,     E = E0 u,

with the Bose factor n_d(E) = 1/(e^{E/T_d} − 1) and an Ohmic bath spectral density
γ_d(E) = Γ_d · E/E0 (Γ_d: the rate at E = E0); for the flat Fermi bath the up and down
rates are Γ_d f_d(E) and Γ_d (1 − f_d(E)), f_d the Fermi function, so Γ_tot = Γ_d.
For a piecewise-constant (u, d) the solution is exact:
p(t + Δt) = p_eq + (p − p_eq) e^{−Γ_tot Δt}, Γ_tot = γ_d(E) coth(E/2T_d) (Ohmic),
p_eq = 1/(1 + e^{E/T_d}). (Tested against the Lindblad engine in
tests/thermal/test_learning.py.)

Bookkeeping: a sudden change u → u' at population p costs work E0 (u' − u)(p − ½); during a
step the bath d supplies heat E0 u Δp. The average power of a cycle is the work extracted per
cycle divided by its period, in the periodic state, which is the fixed point of the one-cycle
affine map p ↦ A p + B (solved, not iterated).

The optimiser is a cross-entropy method (a gradient-free policy search, implemented with
numpy) over piecewise-constant schedules of N steps: a Gaussian for each u_k and a
categorical distribution for each d_k. It starts from random schedules (the agent's random
actions) and its learning curve is recorded. The benchmark is the Otto cycle (hot stroke at
u_h, sudden quench, cold stroke at u_c, sudden quench) with u_h, u_c and the stroke split
optimised for the same period and the same u range. Why a learned cycle can beat it at a
fixed period: it may switch baths several times per period; Erdman et al. (NJP 21, 103049,
2019) showed that for a qubit the overall maximum power is reached by Otto cycles in the
fast-driving limit, which `otto_power_scan` exposes (the Otto power grows as the period
shrinks).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from ssbattery._deprecation import module_getattr
from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.io import check_output_path, file_lock, write_text
from ssbattery.results import Recorded
from ssbattery.validation import (
    as_float_array,
    check_cost,
    check_memory,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "BATH_COLD",
    "BATH_HOT",
    "BATH_NONE",
    "ERDMAN_NOE_STEP",
    "BestOttoCycle",
    "CycleMetrics",
    "EngineParameters",
    "LearningResult",
    "PeriodScan",
    "bath_relaxation",
    "erdman_noe_parameters",
    "evaluate_schedules",
    "fast_otto_bound",
    "learn_cycle",
    "optimal_otto",
    "otto_power_scan",
    "period_scan",
    "schedule_metrics",
]

#: Bath choices of one time step.
BATH_NONE, BATH_HOT, BATH_COLD = 0, 1, 2
_BATH_NAMES = ("none", "hot", "cold")


@dataclass(frozen=True)
class EngineParameters:
    """The two-level heat engine: energies in units of E0, times in units of 1/Γ.

    Attributes:
        E0: energy scale of H(u) = E0·u/2·σz.
        u_min, u_max: control range, 0 < u_min < u_max ≤ 1 (Erdman et al.: [0.3, 1]).
        T_hot, T_cold: bath temperatures (k_B = 1), T_hot > T_cold > 0.
        rate_hot, rate_cold: coupling Γ_d (Ohmic: the rate at E = E0; flat: the rate), > 0.
        bath: ``"ohmic_bose"`` (γ_d(E) = Γ_d E/E0, Bose factors: our default, a departure
            from Erdman & Noé) or ``"flat_fermi"`` (Fermi factors with a relaxation rate
            Γ_d independent of u, the model of Erdman & Noé's first case study).
    """

    E0: float = 1.0
    u_min: float = 0.3
    u_max: float = 1.0
    T_hot: float = 1.0
    T_cold: float = 0.2
    rate_hot: float = 1.0
    rate_cold: float = 1.0
    bath: Literal["ohmic_bose", "flat_fermi"] = "ohmic_bose"

    def __post_init__(self) -> None:
        if self.bath not in ("ohmic_bose", "flat_fermi"):
            raise InvalidParameterError(
                f"`bath` must be 'ohmic_bose' or 'flat_fermi', got {self.bath!r}."
            )
        require_positive("E0", self.E0)
        require_positive("T_hot", self.T_hot)
        require_positive("T_cold", self.T_cold)
        require_positive("rate_hot", self.rate_hot)
        require_positive("rate_cold", self.rate_cold)
        for name in ("u_min", "u_max"):
            value = require_positive(name, getattr(self, name))
            if value > 1.0:
                raise InvalidParameterError(
                    f"`{name}` must lie in (0, 1] (the control u scales E0), got {value!r}."
                )
        if not self.u_min < self.u_max:
            raise InvalidParameterError(
                f"`u_min` must be < `u_max`, got u_min={self.u_min!r}, u_max={self.u_max!r}."
            )
        if not self.T_cold < self.T_hot:
            raise InvalidParameterError(
                f"`T_cold` must be < `T_hot` for a heat engine, got T_cold={self.T_cold!r}, "
                f"T_hot={self.T_hot!r}."
            )


#: Time step of Erdman & Noé's two-level case study (units of 1/Γ).
ERDMAN_NOE_STEP = 0.5


def erdman_noe_parameters() -> EngineParameters:
    """The two-level engine of Erdman & Noé (npj Quantum Inf. 8, 1 (2022)), first case
    study: flat Fermi rates Γ_h = Γ_c = Γ = 1, E0 = 2.5, T_h = 1, T_c = 0.5 (T_c/T_h = 0.5);
    the control range is our default [0.3, 1], which contains the fast-Otto optimum
    (u_c ≈ 0.572, u_h ≈ 0.813), so :func:`fast_otto_bound` does not depend on it."""
    return EngineParameters(E0=2.5, T_hot=1.0, T_cold=0.5, bath="flat_fermi")


def fast_otto_bound(params: EngineParameters) -> tuple[float, float, float]:
    """Power of the Otto cycle in the fast-driving limit, maximised over u_h, u_c and the
    hot fraction x, for flat (u-independent) rates; returns (P, u_h, u_c).

    With period → 0 the population freezes and the qubit carries the flux
    (f_h − f_c)·Γ_hΓ_c x(1 − x)/(Γ_h x + Γ_c(1 − x)), largest at
    x = √Γ_c/(√Γ_h + √Γ_c), where it is (f_h − f_c) Γ_hΓ_c/(√Γ_h + √Γ_c)²; the power is
    E0 (u_h − u_c) times it (Erdman et al., NJP 21, 103049 (2019): the maximum power of a
    qubit engine). Independent of the cycle code; Γ_h = Γ_c = Γ gives Γ/4.
    """
    from scipy.optimize import minimize

    if params.bath != "flat_fermi":
        raise InvalidParameterError(
            "`fast_otto_bound` needs u-independent rates: use EngineParameters(bath='flat_fermi')."
        )
    gh, gc = params.rate_hot, params.rate_cold
    flux = gh * gc / (np.sqrt(gh) + np.sqrt(gc)) ** 2

    def power(x: NDArray[np.float64]) -> float:
        uh, uc = np.clip(x, params.u_min, params.u_max)
        fh = 1.0 / (1.0 + np.exp(params.E0 * uh / params.T_hot))
        fc = 1.0 / (1.0 + np.exp(params.E0 * uc / params.T_cold))
        return float(params.E0 * (uh - uc) * (fh - fc) * flux)

    us = np.linspace(params.u_min, params.u_max, 61)
    start = max(((a, b) for a in us for b in us), key=lambda ab: power(np.array(ab)))
    res = minimize(
        lambda x: -power(x),
        np.array(start),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-16},
    )
    uh, uc = (float(v) for v in np.clip(res.x, params.u_min, params.u_max))
    return power(np.array([uh, uc])), uh, uc


@dataclass(frozen=True)
class CycleMetrics(Recorded):
    """One cycle in its periodic state (energies per cycle in E0, power in E0·Γ, step
    durations in 1/Γ).

    ``p`` holds the excited population at the start of each step and at the end (N + 1).
    """

    u: NDArray[np.float64]
    bath: NDArray[np.int64]
    durations: NDArray[np.float64]
    p: NDArray[np.float64]
    power: float
    work_extracted: float
    heat_hot: float
    heat_cold: float
    efficiency: float

    _UNITS: ClassVar[dict[str, str]] = {
        "u": "E0",
        "durations": "1/Γ",
        "p": "1",
        "power": "E0 Γ",
        "work_extracted": "E0",
        "heat_hot": "E0",
        "heat_cold": "E0",
        "efficiency": "1",
    }

    def _title(self) -> str:
        return f"cycle of {len(self.durations)} steps, period {self.period:.4g}/Γ"

    @property
    def period(self) -> float:
        """Cycle period (sum of the step durations)."""
        return float(np.sum(self.durations))

    @property
    def bath_names(self) -> list[str]:
        """Bath of each step as 'none' / 'hot' / 'cold'."""
        return [_BATH_NAMES[int(b)] for b in self.bath]


@dataclass(frozen=True)
class BestOttoCycle(Recorded):
    """The best Otto cycle of a given period: strokes (level splittings u in E0, stroke
    times in 1/Γ), parameters and metrics."""

    u_hot: float
    u_cold: float
    time_hot: float
    time_cold: float
    metrics: CycleMetrics

    _UNITS: ClassVar[dict[str, str]] = {
        "u_hot": "E0",
        "u_cold": "E0",
        "time_hot": "1/Γ",
        "time_cold": "1/Γ",
    }

    def _title(self) -> str:
        return f"best Otto cycle of period {self.time_hot + self.time_cold:.4g}/Γ"


@dataclass(frozen=True)
class LearningResult(Recorded):
    """Outcome of :func:`learn_cycle`.

    ``best_power[i]`` is the best power found up to iteration i, ``mean_power[i]`` the mean
    over that iteration's sampled schedules (the learning curve).
    """

    learned: CycleMetrics
    otto: BestOttoCycle
    best_power: NDArray[np.float64]
    mean_power: NDArray[np.float64]
    elite_power: NDArray[np.float64]
    iterations: int
    seed: int
    parameters: EngineParameters

    _UNITS: ClassVar[dict[str, str]] = {
        "best_power": "E0 Γ",
        "mean_power": "E0 Γ",
        "elite_power": "E0 Γ",
    }

    def _title(self) -> str:
        return (
            f"learned cycle after {self.iterations} iterations: power "
            f"{self.learned.power:.4g} E0 Γ, {self.advantage:.4g} × the best Otto cycle"
        )

    @property
    def advantage(self) -> float:
        """Learned power divided by the best Otto power of the same period."""
        return self.learned.power / self.otto.metrics.power


def bath_relaxation(
    params: EngineParameters, E: NDArray[np.float64], bath: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Relaxation rate Γ_tot and excited-state equilibrium population for each (E, bath).

    ``E``: level gaps (the units of E0 and the temperatures); ``bath``: :data:`BATH_HOT`,
    :data:`BATH_COLD` or :data:`BATH_NONE` per entry. The qubit's excited population then
    relaxes as p(t) = p_eq + (p(0) − p_eq) e^{−Γ_tot t}, p_eq = 1/(1 + e^{E/T}); Γ_tot is
    the bath's rate for flat Fermi rates, γ(E) coth(E/2T) with γ(E) = Γ E/E0 for an Ohmic
    bath, and 0 with no bath (then p_eq is not used).
    """
    T = np.where(bath == BATH_HOT, params.T_hot, params.T_cold)
    rate = np.where(bath == BATH_HOT, params.rate_hot, params.rate_cold)
    x = E / T
    if params.bath == "flat_fermi":
        # rates Γ f(E) up and Γ (1 − f(E)) down: their sum Γ does not depend on u
        relax = np.asarray(rate, dtype=float) * np.ones_like(x)
    else:
        gamma = rate * E / params.E0  # Ohmic spectral density γ(E) = Γ E/E0
        relax = gamma / np.tanh(x / 2.0)  # γ(n + 1) + γ n = γ coth(E/2T)
    total = np.where(bath == BATH_NONE, 0.0, relax)
    p_eq = 1.0 / (1.0 + np.exp(x))
    return total, p_eq


def evaluate_schedules(
    params: EngineParameters,
    u: NDArray[np.float64],
    bath: NDArray[np.int64],
    durations: NDArray[np.float64],
) -> dict[str, NDArray[np.float64]]:
    """Periodic-state metrics of many piecewise-constant cycles at once (vectorised).

    Args:
        params: the engine.
        u: controls, shape (P, N) for P schedules of N steps (each in [u_min, u_max]).
        bath: bath of each step, shape (P, N): 0 none, 1 hot, 2 cold.
        durations: step durations, shape (N,) or (P, N), each ≥ 0, period > 0.

    Returns:
        dict of arrays of shape (P,) ("power", "work", "heat_hot", "heat_cold") and "p"
        of shape (P, N + 1): the excited population at the start of each step.
    """
    u = np.atleast_2d(as_float_array("u", u))
    bath_raw = np.atleast_2d(as_float_array("bath", bath))
    if bath_raw.shape != u.shape:
        raise InvalidParameterError(
            f"`bath` must have the shape of `u` {u.shape}, got {bath_raw.shape}."
        )
    if not np.all(np.isin(bath_raw, (BATH_NONE, BATH_HOT, BATH_COLD))):
        bad = bath_raw[~np.isin(bath_raw, (BATH_NONE, BATH_HOT, BATH_COLD))].flat[0]
        raise InvalidParameterError(
            f"`bath` entries must be 0 (none), 1 (hot) or 2 (cold), got {bad.item()!r}."
        )
    bath = bath_raw.astype(np.int64)
    if not np.all(np.isfinite(u)) or np.any(u <= 0):
        raise InvalidParameterError("`u` must be finite and > 0 (E = E0 u is a level gap).")
    dt_raw = as_float_array("durations", durations)
    try:
        dt = np.broadcast_to(dt_raw, u.shape)
    except ValueError:
        raise InvalidParameterError(
            f"`durations` must have shape (N,) or (P, N) = {u.shape}, got {dt_raw.shape}."
        ) from None
    if not np.all(np.isfinite(dt)) or np.any(dt < 0):
        raise InvalidParameterError("`durations` must be finite and ≥ 0.")
    if np.any(np.sum(dt, axis=1) <= 0):
        raise InvalidParameterError("the cycle period (sum of `durations`) must be > 0.")
    E = params.E0 * u
    total, p_eq = bath_relaxation(params, E, bath)
    decay = np.exp(-total * dt)
    # Compose the affine step maps p -> a p + b into the one-cycle map p -> A p + B.
    A = np.ones(u.shape[0])
    B = np.zeros(u.shape[0])
    for k in range(u.shape[1]):
        A, B = decay[:, k] * A, decay[:, k] * B + p_eq[:, k] * (1.0 - decay[:, k])
    closed = 1.0 - A
    safe = closed > 1e-14
    p0 = np.where(safe, B / np.where(safe, closed, 1.0), 0.5)
    p = np.empty((u.shape[0], u.shape[1] + 1))
    p[:, 0] = p0
    for k in range(u.shape[1]):
        p[:, k + 1] = p_eq[:, k] + (p[:, k] - p_eq[:, k]) * decay[:, k]
    heat = E * (p[:, 1:] - p[:, :-1])  # heat into the qubit during each step
    heat_hot = np.sum(np.where(bath == BATH_HOT, heat, 0.0), axis=1)
    heat_cold = np.sum(np.where(bath == BATH_COLD, heat, 0.0), axis=1)
    # Work extracted by the quenches u_{k-1} -> u_k (cyclic), at population p_k.
    u_prev = np.roll(u, 1, axis=1)
    work = np.sum(params.E0 * (u_prev - u) * (p[:, :-1] - 0.5), axis=1)
    period = np.sum(dt, axis=1)
    return {
        "power": work / period,
        "work": work,
        "heat_hot": heat_hot,
        "heat_cold": heat_cold,
        "p": p,
    }


def _check_schedule(
    params: EngineParameters,
    u: NDArray[np.float64],
    bath: NDArray[np.int64],
    durations: NDArray[np.float64],
) -> None:
    if u.ndim != 1 or u.shape != bath.shape or u.shape != durations.shape or u.size == 0:
        raise InvalidParameterError(
            "`u`, `bath` and `durations` must be 1-D arrays of the same non-zero length, got "
            f"shapes {u.shape}, {bath.shape}, {durations.shape}."
        )
    if (
        not np.all(np.isfinite(u))
        or np.any(u < params.u_min - 1e-12)
        or np.any(u > params.u_max + 1e-12)
    ):
        raise InvalidParameterError(
            f"`u` must lie in [u_min, u_max] = [{params.u_min}, {params.u_max}], got "
            f"values from {np.min(u)!r} to {np.max(u)!r}."
        )
    if not np.all(np.isin(bath, (BATH_NONE, BATH_HOT, BATH_COLD))):
        raise InvalidParameterError("`bath` entries must be 0 (none), 1 (hot) or 2 (cold).")
    if not np.all(np.isfinite(durations)) or np.any(durations < 0):
        raise InvalidParameterError("`durations` must be finite and ≥ 0.")
    if float(np.sum(durations)) <= 0:
        raise InvalidParameterError(
            "the cycle has zero duration; give step `durations` whose sum is > 0."
        )


def schedule_metrics(
    params: EngineParameters,
    u: NDArray[np.float64],
    bath: NDArray[np.int64],
    durations: NDArray[np.float64],
) -> CycleMetrics:
    """Metrics of one piecewise-constant cycle (u_k, d_k, Δt_k), k = 1..N, in its periodic state.

    Efficiency η = W/Q_hot (NaN unless the cycle works as an engine, W > 0 and Q_hot > 0).

    Raises:
        InvalidParameterError: u outside [u_min, u_max], unknown bath, negative durations or a
            cycle of zero duration.
    """
    u = np.asarray(u, dtype=float)
    bath = np.asarray(bath, dtype=np.int64)
    durations = np.asarray(durations, dtype=float)
    _check_schedule(params, u, bath, durations)
    out = evaluate_schedules(params, u[None, :], bath[None, :], durations)
    work = float(out["work"][0])
    q_hot = float(out["heat_hot"][0])
    eta = work / q_hot if work > 0 and q_hot > 0 else float("nan")
    return CycleMetrics(
        u=u.copy(),
        bath=bath.copy(),
        durations=durations.copy(),
        p=out["p"][0].copy(),
        power=float(out["power"][0]),
        work_extracted=work,
        heat_hot=q_hot,
        heat_cold=float(out["heat_cold"][0]),
        efficiency=eta,
    )


def _otto_batch(
    params: EngineParameters,
    u_hot: NDArray[np.float64],
    u_cold: NDArray[np.float64],
    frac_hot: NDArray[np.float64],
    period: float,
) -> NDArray[np.float64]:
    u = np.stack([u_hot, u_cold], axis=1)
    bath = np.tile(np.array([BATH_HOT, BATH_COLD]), (u.shape[0], 1))
    dt = np.stack([frac_hot * period, (1.0 - frac_hot) * period], axis=1)
    return evaluate_schedules(params, u, bath, dt)["power"]


def optimal_otto(params: EngineParameters, period: float, *, grid: int = 41) -> BestOttoCycle:
    """The Otto cycle of maximum power at a given ``period``.

    Optimised over u_h, u_c ∈ [u_min, u_max] and the hot-stroke fraction f ∈ (0, 1) (a scan
    of ``grid`` points per parameter, then a bounded Nelder–Mead polish). The quench strokes
    are sudden.
    """
    from scipy.optimize import minimize

    period = require_positive("period", period)
    grid = require_int_at_least("grid", grid, 5)
    us = np.linspace(params.u_min, params.u_max, grid)
    fs = np.linspace(0.02, 0.98, grid)
    UH, UC, F = np.meshgrid(us, us, fs, indexing="ij")
    power = _otto_batch(params, UH.ravel(), UC.ravel(), F.ravel(), period)
    i = int(np.argmax(power))
    x0 = np.array([UH.ravel()[i], UC.ravel()[i], F.ravel()[i]])
    bounds = [(params.u_min, params.u_max), (params.u_min, params.u_max), (1e-3, 1 - 1e-3)]

    def negative_power(x: NDArray[np.float64]) -> float:
        x = np.clip(x, [b[0] for b in bounds], [b[1] for b in bounds])
        value = _otto_batch(params, x[:1], x[1:2], x[2:3], period)[0]
        return -float(value)

    res = minimize(
        negative_power,
        x0,
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-7, "fatol": 1e-12},
    )
    x = np.clip(res.x, [b[0] for b in bounds], [b[1] for b in bounds])
    if -negative_power(x) < power[i]:
        x = x0
    u_h, u_c, f = (float(v) for v in x)
    metrics = schedule_metrics(
        params,
        np.array([u_h, u_c]),
        np.array([BATH_HOT, BATH_COLD]),
        np.array([f * period, (1.0 - f) * period]),
    )
    return BestOttoCycle(u_h, u_c, f * period, (1.0 - f) * period, metrics)


def otto_power_scan(
    params: EngineParameters, periods: NDArray[np.float64], *, grid: int = 25
) -> NDArray[np.float64]:
    """Best Otto power for each period of ``periods`` (the 'total cycle time scan'), as a
    sweep of the ``best-otto`` entry over the period (:func:`ssbattery.sweep.scan.scan`);
    each value is :func:`optimal_otto` at that period, bit for bit."""
    from dataclasses import asdict

    from ssbattery.sweep.scan import distinct, scan

    ts = np.asarray(periods, dtype=float)
    if ts.ndim != 1 or ts.size == 0:
        raise InvalidParameterError("`periods` must be a non-empty 1-D list of periods.")
    values, back = distinct(ts)
    ds = scan("best-otto", fixed={**asdict(params), "grid": grid}, sweep={"period": values})
    return np.asarray(ds["power"].values, dtype=float)[back]


# ---------------------------------------------------------------- cross-entropy policy search


@dataclass
class _SearchState:
    """Mutable optimiser state (saved to / restored from a checkpoint file)."""

    iteration: int
    mean: NDArray[np.float64]
    std: NDArray[np.float64]
    probs: NDArray[np.float64]
    rng_state: dict[str, Any]
    best_power: list[float]
    mean_power: list[float]
    elite_power: list[float]
    best_u: NDArray[np.float64]
    best_bath: NDArray[np.int64]
    best_value: float


def _state_to_json(state: _SearchState, config: dict[str, Any]) -> str:
    return json.dumps(
        {
            "format": "ssbattery.learn_cycle.v1",
            "config": config,
            "iteration": state.iteration,
            "mean": state.mean.tolist(),
            "std": state.std.tolist(),
            "probs": state.probs.tolist(),
            "rng_state": state.rng_state,
            "best_power": state.best_power,
            "mean_power": state.mean_power,
            "elite_power": state.elite_power,
            "best_u": state.best_u.tolist(),
            "best_bath": state.best_bath.tolist(),
            "best_value": state.best_value,
        }
    )


def _state_from_json(text: str, config: dict[str, Any], path: Path) -> _SearchState:
    try:
        data = json.loads(text)
        if data.get("format") != "ssbattery.learn_cycle.v1":
            raise KeyError("format")
        saved = dict(data["config"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFormatError(
            f"checkpoint {path} is not a learn-cycle checkpoint ({exc}); delete it or give "
            "another --checkpoint file."
        ) from exc
    if saved != config:  # a checkpoint of another run: say which settings differ
        diff = "; ".join(
            f"{k}: {saved.get(k)!r} in the checkpoint, {config.get(k)!r} now"
            for k in sorted(set(saved) | set(config))
            if saved.get(k) != config.get(k)
        )
        raise DataFormatError(
            f"checkpoint {path} was written with other settings ({diff}); use the same "
            "parameters, steps, population and seed, or a new --checkpoint file."
        )
    try:
        return _SearchState(
            iteration=int(data["iteration"]),
            mean=np.array(data["mean"], dtype=float),
            std=np.array(data["std"], dtype=float),
            probs=np.array(data["probs"], dtype=float),
            rng_state=data["rng_state"],
            best_power=[float(v) for v in data["best_power"]],
            mean_power=[float(v) for v in data["mean_power"]],
            elite_power=[float(v) for v in data["elite_power"]],
            best_u=np.array(data["best_u"], dtype=float),
            best_bath=np.array(data["best_bath"], dtype=np.int64),
            best_value=float(data["best_value"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFormatError(
            f"checkpoint {path} is not a learn-cycle checkpoint ({exc}); delete it or give "
            "another --checkpoint file."
        ) from exc


def learn_cycle(
    params: EngineParameters | None = None,
    *,
    n_steps: int = 16,
    period: float = 4.0,
    iterations: int = 200,
    population: int = 256,
    elite_fraction: float = 0.1,
    smoothing: float = 0.7,
    seed: int = 0,
    checkpoint: Path | str | None = None,
    checkpoint_every: int = 10,
    progress: Any = None,
) -> LearningResult:
    """Search a piecewise-constant cycle of maximum average power (cross-entropy method).

    Each iteration samples ``population`` schedules of ``n_steps`` steps of length
    period/n_steps (u_k from a clipped Gaussian, d_k from a categorical law), keeps the best
    ``elite_fraction`` and moves the sampling laws toward them with weight ``smoothing``.
    The first iteration samples uniformly (random actions). With ``checkpoint`` the state is
    saved every ``checkpoint_every`` iterations and at the end; an existing file is resumed
    and gives the same result as an uninterrupted run with the same settings. The file is
    replaced atomically (:func:`ssbattery.io.write_text`: a kill or a full disk mid-write
    keeps the previous checkpoint) and locked for the run (a second run on it is refused
    with :class:`~ssbattery.errors.FileBusyError`).

    Args:
        params: the engine (default :class:`EngineParameters`).
        n_steps: number of time steps per cycle (≥ 2).
        period: cycle period in units of 1/Γ (> 0).
        iterations: total number of iterations (≥ 1).
        population: schedules sampled per iteration (≥ 10).
        elite_fraction: fraction kept as elites, in (0, 1).
        smoothing: update weight in (0, 1].
        seed: seed of numpy's default generator (reproducible runs).
        checkpoint: file for the optimiser state (JSON), or None.
        checkpoint_every: iterations between checkpoint writes (≥ 1).
        progress: optional callable ``progress(iteration, total)``.

    Returns:
        The learned cycle, the best Otto cycle of the same period and the learning curve.
    """
    params = EngineParameters() if params is None else params
    n_steps = require_int_at_least("n_steps", n_steps, 2)
    period = require_positive("period", period)
    iterations = require_int_at_least("iterations", iterations, 1)
    population = require_int_at_least("population", population, 10)
    checkpoint_every = require_int_at_least("checkpoint_every", checkpoint_every, 1)
    seed = require_int_at_least("seed", seed, 0)
    if not 0.0 < float(elite_fraction) < 1.0:
        raise InvalidParameterError(f"`elite_fraction` must lie in (0, 1), got {elite_fraction!r}.")
    if not 0.0 < float(smoothing) <= 1.0:
        raise InvalidParameterError(f"`smoothing` must lie in (0, 1], got {smoothing!r}.")
    n_elite = max(2, round(elite_fraction * population))
    # Each iteration holds ~5 arrays of population × n_steps numbers (u, draws, bath, ...)
    # and costs ~1 µs per schedule step (measured: 0.86 µs, 256 × 16 on one core).
    check_memory(
        "the sampled schedules",
        (population, n_steps, 5),
        bytes_per_element=8,
        hint="lower `population` or `n_steps`",
    )
    work = float(iterations) * population * n_steps
    check_cost(
        f"{work:.2g} schedule steps at ~1 µs each",
        work * 1e-6,
        hint="lower `iterations`, `population` or `n_steps`",
    )
    config = {
        "params": [
            params.E0,
            params.u_min,
            params.u_max,
            params.T_hot,
            params.T_cold,
            params.rate_hot,
            params.rate_cold,
        ]
        + ([params.bath] if params.bath != "ohmic_bose" else []),
        "n_steps": n_steps,
        "period": period,
        "population": population,
        "elite": n_elite,
        "smoothing": float(smoothing),
        "seed": seed,
    }

    with contextlib.ExitStack() as stack:
        if checkpoint is not None:
            checkpoint = check_output_path(checkpoint, option="checkpoint", suffixes=None)
            stack.enter_context(file_lock(checkpoint, option="checkpoint"))
        return _learn(
            params,
            n_steps,
            period,
            iterations,
            population,
            n_elite,
            smoothing,
            seed,
            config,
            checkpoint,
            checkpoint_every,
            progress,
        )


def _learn(
    params: EngineParameters,
    n_steps: int,
    period: float,
    iterations: int,
    population: int,
    n_elite: int,
    smoothing: float,
    seed: int,
    config: dict[str, Any],
    checkpoint: Path | None,
    checkpoint_every: int,
    progress: Any,
) -> LearningResult:
    """The cross-entropy loop of :func:`learn_cycle` (arguments already checked, the
    checkpoint locked)."""
    dt = np.full(n_steps, period / n_steps)
    state: _SearchState | None = None
    if checkpoint is not None and Path(checkpoint).exists():
        state = _state_from_json(
            Path(checkpoint).read_text(encoding="utf-8"), config, Path(checkpoint)
        )
        if state.iteration > iterations:
            raise InvalidParameterError(
                f"checkpoint {checkpoint} is already at iteration {state.iteration}, beyond "
                f"`iterations` = {iterations}; ask for at least {state.iteration} iterations."
            )
    if state is None:
        rng0 = np.random.default_rng(seed)
        state = _SearchState(
            iteration=0,
            mean=np.full(n_steps, 0.5 * (params.u_min + params.u_max)),
            std=np.full(n_steps, params.u_max - params.u_min),  # ~ uniform at start
            probs=np.full((n_steps, 3), 1.0 / 3.0),
            rng_state=dict(rng0.bit_generator.state),
            best_power=[],
            mean_power=[],
            elite_power=[],
            best_u=np.full(n_steps, params.u_min),
            best_bath=np.zeros(n_steps, np.int64),
            best_value=-np.inf,
        )
    rng = np.random.default_rng()
    rng.bit_generator.state = state.rng_state
    span = params.u_max - params.u_min
    alpha = float(smoothing)

    while state.iteration < iterations:
        if state.iteration == 0:
            u = rng.uniform(params.u_min, params.u_max, size=(population, n_steps))
        else:
            u = state.mean + state.std * rng.standard_normal((population, n_steps))
            u = np.clip(u, params.u_min, params.u_max)
        cum = np.cumsum(state.probs, axis=1)
        draws = rng.random((population, n_steps, 1))
        bath = np.minimum(np.sum(draws > cum[None, :, :], axis=2), 2).astype(np.int64)
        power = evaluate_schedules(params, u, bath, dt)["power"]
        order = np.argsort(-power, kind="stable")
        elite = order[:n_elite]
        if power[order[0]] > state.best_value:
            state.best_value = float(power[order[0]])
            state.best_u = u[order[0]].copy()
            state.best_bath = bath[order[0]].copy()
        state.mean = (1 - alpha) * state.mean + alpha * u[elite].mean(axis=0)
        state.std = (1 - alpha) * state.std + alpha * u[elite].std(axis=0) + 1e-3 * span
        freq = np.stack([(bath[elite] == d).mean(axis=0) for d in range(3)], axis=1)
        state.probs = (1 - alpha) * state.probs + alpha * freq
        state.probs = (state.probs + 1e-3) / (state.probs + 1e-3).sum(axis=1, keepdims=True)
        state.best_power.append(state.best_value)
        state.mean_power.append(float(np.mean(power)))
        state.elite_power.append(float(np.mean(power[elite])))
        state.iteration += 1
        state.rng_state = dict(rng.bit_generator.state)
        if checkpoint is not None and (
            state.iteration % checkpoint_every == 0 or state.iteration == iterations
        ):
            write_text(checkpoint, _state_to_json(state, config))
        if progress is not None:
            progress(state.iteration, iterations)

    learned = schedule_metrics(params, state.best_u, state.best_bath, dt)
    otto = optimal_otto(params, period)
    return LearningResult(
        learned=learned,
        otto=otto,
        best_power=np.array(state.best_power),
        mean_power=np.array(state.mean_power),
        elite_power=np.array(state.elite_power),
        iterations=iterations,
        seed=seed,
        parameters=params,
    )


@dataclass(frozen=True)
class PeriodScan(Recorded):
    """The learned cycle against its period: for each period (1/Γ) the learned power and
    the best Otto power of the same period (E0·Γ), and their ratio."""

    periods: NDArray[np.float64]
    learned_power: NDArray[np.float64]
    otto_power: NDArray[np.float64]

    _UNITS: ClassVar[dict[str, str]] = {
        "periods": "1/Γ",
        "learned_power": "E0 Γ",
        "otto_power": "E0 Γ",
    }

    def _title(self) -> str:
        return f"learned vs Otto power over {len(self.periods)} periods"

    @property
    def advantage(self) -> NDArray[np.float64]:
        """Learned power / best Otto power, per period."""
        return self.learned_power / self.otto_power


def period_scan(
    params: EngineParameters | None,
    periods: Any,
    *,
    n_steps: int = 16,
    iterations: int = 200,
    population: int = 256,
    elite_fraction: float = 0.1,
    smoothing: float = 0.7,
    seed: int = 0,
) -> PeriodScan:
    """:func:`learn_cycle` at each of ``periods`` (the same settings and seed), as a sweep
    of the ``learned-cycle`` entry over the period (:func:`ssbattery.sweep.scan.scan`).
    Each point is the single run with that period, bit for bit."""
    from dataclasses import asdict

    from ssbattery.sweep.scan import columns, distinct, scan

    params = EngineParameters() if params is None else params
    ts = np.asarray(periods, dtype=float)
    if ts.ndim != 1 or ts.size == 0:
        raise InvalidParameterError("`periods` must be a non-empty 1-D list of periods.")
    values, back = distinct(ts)
    settings = {
        "n_steps": n_steps,
        "iterations": iterations,
        "population": population,
        "elite_fraction": elite_fraction,
        "smoothing": smoothing,
        "seed": seed,
    }
    ds = scan("learned-cycle", fixed={**asdict(params), **settings}, sweep={"period": values})
    return PeriodScan(periods=ts, **columns(ds, PeriodScan, back))


#: ``OttoResult`` is the former name of :class:`BestOttoCycle` (one release); the Otto
#: limit cycle's result is :class:`ssbattery.thermal.otto.OttoResult`.
__getattr__ = module_getattr(__name__, {"OttoResult": ("BestOttoCycle", BestOttoCycle)})
