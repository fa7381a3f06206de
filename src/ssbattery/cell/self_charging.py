r"""A self-charging, self-oscillating cell with a negative-capacitance double layer (review §2.1).

Braga et al. (Appl. Phys. Rev. 7, 011406, 2020; review ref. 116 and Fig. 16c) discharged
Al/ferroelectric-glass/Cu cells through a fixed resistor (1.8 kΩ in the review's figure) and
saw the voltage *rise* during discharge and the cell self-oscillate. They traced the negative
capacitance to the double layer at the negative electrode/ferroelectric-electrolyte interface
and the negative resistance to an interface phase that steps the electrode's chemical
potential, "extending the Landau–Khalatnikov model ... to a bistable device". This module is
a minimal equivalent circuit with exactly those two ingredients (our model, not theirs):

* a Landau–Khalatnikov double layer holding charge Q (C) with voltage
  V_F = ΔV₀ + f(Q) + ρ dQ/dt, f(Q) = αQ + βQ³ + γQ⁵ (α < 0: negative capacitance
  C_F = 1/f'(Q) < 0 near Q = 0), ΔV₀ its built-in potential from the alignment of eq. 1;
* in parallel with it the faradaic (charge-transfer) resistance R_ct, which carries the
  steady discharge current;
* in series: the cell's EMF E₀, a slow back-EMF w (V) of the interface phase, the
  electrolyte resistance R_e and the load R_L. The interface phase grows with the charge
  stored in the double layer and relaxes with time constant τ.

With R = R_e + R_L, κ = 1 + R/R_ct and ρ_eff = ρ + R (1 + ρ/R_ct), Kirchhoff's loop law and
the phase kinetics give the two ODEs

    ρ_eff dQ/dt = E₀ − w − κ (ΔV₀ + f(Q)),
    τ dw/dt     = g Q − w,

and the external (discharge) current and terminal voltage are
I = dQ/dt (1 + ρ/R_ct) + (ΔV₀ + f(Q))/R_ct and V = R_L I.

Fixed point: w* = g Q*, κ (ΔV₀ + f(Q*)) + g Q* = E₀. Jacobian

    J = [[−κ f'(Q*)/ρ_eff, −1/ρ_eff], [g/τ, −1/τ]],

trace = −κ f'(Q*)/ρ_eff − 1/τ, det = (κ f'(Q*) + g)/(ρ_eff τ). A Hopf bifurcation (a pair of
eigenvalues crossing the imaginary axis, det > 0) happens where κ |f'(Q*)| τ = ρ_eff, which
needs f'(Q*) < 0, i.e. a *negative* differential capacitance C_F = 1/f'(Q*): the loop
oscillates when the electrical time ρ_eff |C_F|/κ of the NC double layer is shorter than the
ionic relaxation time τ. Without NC (f' > 0 everywhere) the trace is negative and no
oscillation is possible; with R_ct → ∞ and no slow w the circuit is an RC network, whose
eigenvalues are real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import (
    check_cost,
    require_finite,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "BifurcationDiagram",
    "FixedPoint",
    "SelfChargingCell",
    "SelfChargingRun",
    "bifurcation_diagram",
    "find_hopf_load",
    "fixed_point",
    "simulate",
]


@dataclass(frozen=True)
class SelfChargingCell:
    """Parameters of the equivalent circuit (SI: V, Ω, C, s; α in V/C, β in V/C³, γ in V/C⁵).

    Defaults are illustrative (not fitted): |C_F(0)| = 1/|α| = 1 mF, a Hopf point near
    R_L ≈ 5 kΩ, so the cell self-oscillates on the review's 1.8 kΩ load.
    """

    emf_V: float = 1.755
    builtin_V: float = 0.9
    alpha: float = -1.0e3
    beta: float = 1.0e10
    gamma: float = 0.0
    rho_ohm: float = 50.0
    electrolyte_ohm: float = 100.0
    charge_transfer_ohm: float = 2.0e3
    load_ohm: float = 1.8e3
    tau_s: float = 1.5
    feedback_V_per_C: float = 8.0e3

    def __post_init__(self) -> None:
        for name in ("emf_V", "builtin_V"):
            require_finite(name, getattr(self, name))
        require_finite("alpha", self.alpha, quantity="landau_coefficient")
        require_finite("beta", self.beta, quantity="landau_coefficient")
        g5 = require_finite("gamma", self.gamma, quantity="landau_coefficient")
        if g5 < 0 or (g5 == 0 and self.beta <= 0):
            raise InvalidParameterError(
                f"Landau coefficients beta={self.beta}, gamma={self.gamma} give an energy "
                "unbounded below; use gamma > 0, or gamma = 0 with beta > 0."
            )
        ohm = "resistance_ohm"
        require_positive("rho_ohm", self.rho_ohm, allow_zero=True, quantity=ohm)
        require_positive("electrolyte_ohm", self.electrolyte_ohm, allow_zero=True, quantity=ohm)
        require_positive("charge_transfer_ohm", self.charge_transfer_ohm, quantity=ohm)
        require_positive("load_ohm", self.load_ohm, quantity=ohm)
        require_positive("tau_s", self.tau_s, quantity="time_s")
        require_positive("feedback_V_per_C", self.feedback_V_per_C, allow_zero=True)
        if self.rho_ohm + self.electrolyte_ohm + self.load_ohm <= 0:
            raise InvalidParameterError("the loop needs a positive series resistance.")

    # derived quantities ---------------------------------------------------------------
    @property
    def series_ohm(self) -> float:
        """R = R_e + R_L (Ω)."""
        return self.electrolyte_ohm + self.load_ohm

    @property
    def kappa(self) -> float:
        """κ = 1 + R/R_ct."""
        return 1.0 + self.series_ohm / self.charge_transfer_ohm

    @property
    def rho_eff(self) -> float:
        """ρ_eff = ρ + R (1 + ρ/R_ct) (Ω)."""
        r = self.series_ohm
        return self.rho_ohm + r * (1.0 + self.rho_ohm / self.charge_transfer_ohm)

    def f(self, Q: ArrayLike) -> NDArray[np.float64]:
        """Landau S-curve f(Q) = αQ + βQ³ + γQ⁵ (V)."""
        q = np.asarray(Q, dtype=float)
        return self.alpha * q + self.beta * q**3 + self.gamma * q**5

    def df(self, Q: ArrayLike) -> NDArray[np.float64]:
        """f'(Q) = 1/C_F(Q) (V/C)."""
        q = np.asarray(Q, dtype=float)
        return self.alpha + 3 * self.beta * q**2 + 5 * self.gamma * q**4

    def rhs(self, t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Right-hand side of the two ODEs for state y = (Q, w)."""
        q, w = float(y[0]), float(y[1])
        fq = float(self.f(q))
        dq = (self.emf_V - w - self.kappa * (self.builtin_V + fq)) / self.rho_eff
        dw = (self.feedback_V_per_C * q - w) / self.tau_s
        return np.array([dq, dw])

    def current(self, Q: ArrayLike, w: ArrayLike) -> NDArray[np.float64]:
        """External discharge current I (A) for states (Q, w)."""
        q = np.asarray(Q, dtype=float)
        ww = np.asarray(w, dtype=float)
        dq = (self.emf_V - ww - self.kappa * (self.builtin_V + self.f(q))) / self.rho_eff
        ratio = self.rho_ohm / self.charge_transfer_ohm
        return dq * (1.0 + ratio) + (self.builtin_V + self.f(q)) / self.charge_transfer_ohm

    def jacobian(self, Q: float) -> NDArray[np.float64]:
        """Jacobian of (dQ/dt, dw/dt) at charge Q (independent of w)."""
        return np.array(
            [
                [-self.kappa * float(self.df(Q)) / self.rho_eff, -1.0 / self.rho_eff],
                [self.feedback_V_per_C / self.tau_s, -1.0 / self.tau_s],
            ]
        )


@dataclass(frozen=True)
class FixedPoint(Recorded):
    """A steady state and its linear stability (SI: Q in C, w in V, the Jacobian's
    eigenvalues in 1/s)."""

    Q: float
    w: float
    current_A: float
    voltage_V: float
    capacitance_F: float
    eigenvalues: NDArray[np.complex128]
    stable: bool
    oscillatory: bool

    _UNITS: ClassVar[dict[str, str]] = {
        "Q": "C",
        "w": "V",
        "current_A": "current [A]",
        "voltage_V": "voltage [V]",
        "capacitance_F": "capacitance [F]",
        "eigenvalues": "1/s",
    }

    def _title(self) -> str:
        kind = "stable" if self.stable else "unstable"
        return f"steady state ({kind}{', oscillatory' if self.oscillatory else ''})"


def fixed_point(cell: SelfChargingCell) -> FixedPoint:
    """The steady discharge state (Q*, w*) and the Jacobian's eigenvalues there.

    Solves κ (ΔV₀ + f(Q)) + g Q = E₀ (a real root of a quintic); when several exist the one
    with the smallest |Q| is returned (the state the cell sits in after forming).
    """
    k, g = cell.kappa, cell.feedback_V_per_C
    poly = [
        k * cell.gamma,
        0.0,
        k * cell.beta,
        0.0,
        k * cell.alpha + g,
        k * cell.builtin_V - cell.emf_V,
    ]
    while poly and poly[0] == 0:
        poly = poly[1:]
    roots = np.roots(poly)
    real = roots[np.abs(roots.imag) <= 1e-9 * max(1.0, float(np.max(np.abs(roots))))].real
    if real.size == 0:  # pragma: no cover - an odd-degree polynomial has a real root
        raise InvalidParameterError("no steady state found; check the cell parameters.")
    q = float(real[np.argmin(np.abs(real))])
    w = g * q
    ev = np.linalg.eigvals(cell.jacobian(q)).astype(complex)
    i = float(cell.current(q, w))
    dfq = float(cell.df(q))
    return FixedPoint(
        Q=q,
        w=w,
        current_A=i,
        voltage_V=i * cell.load_ohm,
        capacitance_F=math.inf if dfq == 0 else 1.0 / dfq,
        eigenvalues=ev,
        stable=bool(np.all(ev.real < 0)),
        oscillatory=bool(np.any(np.abs(ev.imag) > 0)),
    )


@dataclass(frozen=True)
class SelfChargingRun(Recorded):
    """A simulated discharge through the load: time series and what was measured on them
    (SI, units in the names; ``self_charging_fraction`` is a fraction of the time)."""

    t_s: NDArray[np.float64]
    Q_C: NDArray[np.float64]
    w_V: NDArray[np.float64]
    current_A: NDArray[np.float64]
    voltage_V: NDArray[np.float64]
    oscillating: bool
    amplitude_V: float
    period_s: float | None
    self_charging_fraction: float
    fixed: FixedPoint

    _UNITS: ClassVar[dict[str, str]] = {
        "t_s": "t [s]",
        "Q_C": "Q [C]",
        "w_V": "w [V]",
        "current_A": "current [A]",
        "voltage_V": "voltage [V]",
        "amplitude_V": "amplitude [V]",
        "period_s": "period [s]",
        "self_charging_fraction": "1",
    }

    def _title(self) -> str:
        state = "oscillating" if self.oscillating else "steady"
        return f"self-charging discharge over {self.t_s[-1]:.4g} s ({state})"


def simulate(
    cell: SelfChargingCell | None = None,
    *,
    t_end_s: float = 120.0,
    n_points: int = 4000,
    initial: tuple[float, float] | None = None,
    transient_fraction: float = 0.5,
    rtol: float = 1e-7,
    atol: float = 1e-11,
) -> SelfChargingRun:
    """Integrate the two ODEs with :func:`scipy.integrate.solve_ivp` (RK45, dense output).

    ``initial`` = (Q₀, w₀); by default the fixed point displaced by 1 % of the spontaneous
    charge √(|α|/β), so a stable cell relaxes and an unstable one grows into its limit cycle.
    ``amplitude_V`` is the peak-to-peak terminal voltage after the transient, ``period_s``
    the mean spacing of its upward mean crossings, ``self_charging_fraction`` the fraction of
    the time the terminal voltage rises while the current flows in the discharge direction.
    """
    from scipy.integrate import solve_ivp

    c = SelfChargingCell() if cell is None else cell
    t_end = require_positive("t_end_s", t_end_s, quantity="time_s")
    n = require_int_at_least("n_points", n_points, 10)
    frac = float(transient_fraction)
    if not 0.0 <= frac < 1.0:
        raise InvalidParameterError(f"`transient_fraction` must lie in [0, 1), got {frac}.")
    fp = fixed_point(c)
    # RK45 takes ≳ 10 steps per e-folding or radian of the fastest linear mode (and at
    # least the 200 that max_step imposes), each ≈ 6 evaluations of the right-hand side.
    rate = float(np.max(np.abs(np.linalg.eigvals(c.jacobian(fp.Q)))))
    steps = 200.0 + 10.0 * t_end * max(rate, 1.0 / c.tau_s)
    check_cost(
        f"≈ {steps:.2g} integrator steps at ~40 µs each",
        steps * 4e-5,
        hint="lower `t_end_s`",
    )
    if initial is None:
        q_scale = math.sqrt(abs(c.alpha) / c.beta) if c.beta > 0 else 1e-3
        y0 = np.array([fp.Q + 0.01 * q_scale, fp.w])
    else:
        y0 = np.array(
            [require_finite("initial[0]", initial[0]), require_finite("initial[1]", initial[1])]
        )
    t = np.linspace(0.0, t_end, n)
    sol = solve_ivp(
        c.rhs, (0.0, t_end), y0, method="RK45", t_eval=t, rtol=rtol, atol=atol, max_step=t_end / 200
    )
    if not sol.success:  # pragma: no cover - RK45 on this smooth system does not fail
        raise InvalidParameterError(f"integration failed: {sol.message}")
    q, w = sol.y
    i = c.current(q, w)
    v = i * c.load_ohm
    late = t >= frac * t_end
    vl = v[late]
    amp = float(vl.max() - vl.min())
    tol = 1e-4 * max(1.0, abs(fp.voltage_V))
    # oscillating when the late swing is visible and does not shrink (a limit cycle keeps its
    # amplitude; a slowly decaying spiral near the Hopf point loses > 20 % per half-tail)
    half = vl.size // 2
    amp1 = float(vl[:half].max() - vl[:half].min())
    amp2 = float(vl[half:].max() - vl[half:].min())
    oscillating = bool(amp2 > tol and amp2 >= 0.8 * amp1)
    period = None
    if oscillating:
        centred = vl - vl.mean()
        up = np.nonzero((centred[:-1] < 0) & (centred[1:] >= 0))[0]
        if up.size >= 2:
            tl = t[late]
            crossings = tl[up] - centred[up] * (tl[up + 1] - tl[up]) / (
                centred[up + 1] - centred[up]
            )
            period = float(np.mean(np.diff(crossings)))
    dv = np.gradient(v, t)
    rising = (dv > 0) & (i > 0)
    return SelfChargingRun(
        t_s=t,
        Q_C=q,
        w_V=w,
        current_A=i,
        voltage_V=v,
        oscillating=oscillating,
        amplitude_V=amp if oscillating else amp2,
        period_s=period,
        self_charging_fraction=float(np.mean(rising[late])),
        fixed=fp,
    )


def _trace_at(cell: SelfChargingCell, load: float) -> float:
    fp = fixed_point(replace(cell, load_ohm=load))
    return float(np.max(fp.eigenvalues.real))


def find_hopf_load(
    cell: SelfChargingCell | None = None,
    *,
    load_range_ohm: tuple[float, float] = (10.0, 1.0e6),
    n_scan: int = 200,
) -> float | None:
    """The load resistance (Ω) where the leading eigenvalues cross the imaginary axis.

    Scans log-spaced loads for a sign change of max Re λ of the Jacobian at the fixed point
    and refines it with Brent's method; None if the real parts keep one sign on the range.
    Only crossings of a complex pair count (det > 0), so saddle-node points are skipped.
    """
    from scipy.optimize import brentq

    c = SelfChargingCell() if cell is None else cell
    lo, hi = (
        require_positive("load_range_ohm[0]", load_range_ohm[0]),
        require_positive("load_range_ohm[1]", load_range_ohm[1]),
    )
    if hi <= lo:
        raise InvalidParameterError("`load_range_ohm` must be increasing.")
    n = require_int_at_least("n_scan", n_scan, 3)
    loads = np.geomspace(lo, hi, n)
    re = np.array([_trace_at(c, float(r)) for r in loads])
    for k in range(n - 1):
        if re[k] == 0 or re[k] * re[k + 1] < 0:
            r = float(
                brentq(lambda x: _trace_at(c, x), loads[k], loads[k + 1], xtol=1e-9, rtol=1e-12)
            )
            if fixed_point(replace(c, load_ohm=r)).oscillatory:
                return r
    return None


@dataclass(frozen=True)
class BifurcationDiagram(Recorded):
    """Steady and oscillating states of the terminal voltage over a range of loads (loads in
    Ω, voltages in V, ``max_real_eigenvalue`` the Jacobian's largest real part in 1/s)."""

    load_ohm: NDArray[np.float64]
    fixed_voltage_V: NDArray[np.float64]
    max_real_eigenvalue: NDArray[np.float64]
    v_min: NDArray[np.float64]
    v_max: NDArray[np.float64]
    oscillating: NDArray[np.bool_]
    hopf_load_ohm: float | None
    simulated_onset_ohm: float | None

    _UNITS: ClassVar[dict[str, str]] = {
        "load_ohm": "load [Ω]",
        "fixed_voltage_V": "fixed_voltage [V]",
        "max_real_eigenvalue": "1/s",
        "v_min": "V",
        "v_max": "V",
        "hopf_load_ohm": "hopf_load [Ω]",
        "simulated_onset_ohm": "simulated_onset [Ω]",
    }

    def _title(self) -> str:
        return f"bifurcation diagram over {len(self.load_ohm)} loads"


def bifurcation_diagram(
    cell: SelfChargingCell | None = None,
    loads_ohm: ArrayLike | None = None,
    *,
    t_end_s: float = 150.0,
) -> BifurcationDiagram:
    """Sweep the load: fixed point and its leading eigenvalue, and the simulated attractor's
    voltage range (min, max after the transient). The simulated onset is the first load (in
    increasing order) at which the simulation stops oscillating.
    """
    c = SelfChargingCell() if cell is None else cell
    loads = np.geomspace(200.0, 2.0e4, 25) if loads_ohm is None else np.asarray(loads_ohm, float)
    if loads.ndim != 1 or loads.size == 0 or np.any(~np.isfinite(loads)) or np.any(loads <= 0):
        raise InvalidParameterError("`loads_ohm` must be a non-empty 1-D array of positive values.")
    loads = np.sort(loads)
    fv = np.empty_like(loads)
    re = np.empty_like(loads)
    vmin = np.empty_like(loads)
    vmax = np.empty_like(loads)
    osc = np.zeros(loads.size, dtype=bool)
    for k, r in enumerate(loads):
        ck = replace(c, load_ohm=float(r))
        run = simulate(ck, t_end_s=t_end_s, n_points=3000)
        fv[k] = run.fixed.voltage_V
        re[k] = float(np.max(run.fixed.eigenvalues.real))
        late = run.t_s >= 0.5 * t_end_s
        vmin[k] = float(run.voltage_V[late].min())
        vmax[k] = float(run.voltage_V[late].max())
        osc[k] = run.oscillating
    onset = None
    for k in range(1, loads.size):
        if osc[k - 1] and not osc[k]:
            onset = float(math.sqrt(loads[k - 1] * loads[k]))
            break
    hopf = find_hopf_load(c, load_range_ohm=(float(loads[0]), float(loads[-1])))
    return BifurcationDiagram(loads, fv, re, vmin, vmax, osc, hopf, onset)
