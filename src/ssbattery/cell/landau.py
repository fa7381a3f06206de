"""Landau model of a ferroelectric: energy, negative capacitance, hysteresis (review §2.1, Fig. 9).

The free energy per area of a ferroelectric holding polarisation charge Q under the voltage E
conjugate to Q is

    U(Q) = α Q²/2 + β Q⁴/4 + γ Q⁶/6 − E Q,

and the (differential) capacitance is C_F = (d²U/dQ²)⁻¹ (review §2.1, ref. 121). Units are
any consistent set, e.g. Q in C m⁻², E in V, α in V m² C⁻¹, β in V m⁶ C⁻³, γ in V m¹⁰ C⁻⁵,
U in J m⁻² and C_F in F m⁻². Below the Curie temperature α = α₀ (T − T_c) < 0 and
d²U/dQ² = α + 3βQ² + 5γQ⁴ is negative around Q = 0: the negative-capacitance (NC) region,
which narrows as T → T_c (Salvatore et al. 2014, ref. 122). For the quartic model (γ = 0,
β > 0) the closed forms are

    P_s = √(−α/β),   Q_NC = ±√(−α/(3β)),   E_c = 2|α|^{3/2} / (3√3 β^{1/2}).

A ferroelectric in series with a dielectric capacitor C_D is stabilised (one minimum, no
hysteresis) when the total inverse capacitance 1/C_D + d²U/dQ² stays positive for every Q;
for the quartic model that is C_D < |C_F(0)| = 1/|α|, and then the voltage on the dielectric
exceeds the applied one by dV_D/dV = C_F/(C_F + C_D) > 1 (voltage amplification).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import require_finite, require_int_at_least, require_positive

__all__ = [
    "HysteresisLoop",
    "LandauCoefficients",
    "SeriesCapacitor",
    "capacitance",
    "coercive_field",
    "energy",
    "equilibrium_charges",
    "field",
    "hysteresis_loop",
    "inverse_capacitance",
    "landau_from_temperature",
    "nc_width_vs_temperature",
    "negative_capacitance_bounds",
    "series_with_dielectric",
    "spontaneous_polarisation",
]


@dataclass(frozen=True)
class LandauCoefficients:
    """α, β, γ of U(Q) = αQ²/2 + βQ⁴/4 + γQ⁶/6 (consistent units, see the module docstring).

    The energy must be bounded below: γ > 0, or γ = 0 with β > 0. Anything else raises
    :class:`InvalidParameterError`.
    """

    alpha: float
    beta: float
    gamma: float = 0.0

    def __post_init__(self) -> None:
        a = require_finite("alpha", self.alpha, quantity="landau_coefficient")
        b = require_finite("beta", self.beta, quantity="landau_coefficient")
        g = require_finite("gamma", self.gamma, quantity="landau_coefficient")
        if g < 0 or (g == 0 and b <= 0):
            raise InvalidParameterError(
                f"Landau coefficients beta={b}, gamma={g} give an energy unbounded below "
                "(U → −∞ at large |Q|); use gamma > 0, or gamma = 0 with beta > 0."
            )
        del a

    @property
    def is_ferroelectric(self) -> bool:
        """True when U has two symmetric minima at Q ≠ 0 for E = 0."""
        return equilibrium_charges(self).size > 1


def energy(coeffs: LandauCoefficients, Q: ArrayLike, E: float = 0.0) -> NDArray[np.float64]:
    """U(Q) − E Q (energy per area)."""
    q = np.asarray(Q, dtype=float)
    a, b, g = coeffs.alpha, coeffs.beta, coeffs.gamma
    return a * q**2 / 2 + b * q**4 / 4 + g * q**6 / 6 - float(E) * q


def field(coeffs: LandauCoefficients, Q: ArrayLike) -> NDArray[np.float64]:
    """The static S-curve E(Q) = dU/dQ at zero applied field = αQ + βQ³ + γQ⁵ (V)."""
    q = np.asarray(Q, dtype=float)
    return coeffs.alpha * q + coeffs.beta * q**3 + coeffs.gamma * q**5


def inverse_capacitance(coeffs: LandauCoefficients, Q: ArrayLike) -> NDArray[np.float64]:
    """d²U/dQ² = α + 3βQ² + 5γQ⁴ (inverse capacitance per area)."""
    q = np.asarray(Q, dtype=float)
    return coeffs.alpha + 3 * coeffs.beta * q**2 + 5 * coeffs.gamma * q**4


def capacitance(coeffs: LandauCoefficients, Q: ArrayLike) -> NDArray[np.float64]:
    """C_F(Q) = (d²U/dQ²)⁻¹ (review §2.1); ±inf where d²U/dQ² = 0."""
    inv = inverse_capacitance(coeffs, Q)
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 / inv, dtype=float)


def _positive_roots_q2(c0: float, c1: float, c2: float) -> list[float]:
    """Positive roots y of c0 + c1 y + c2 y² = 0 (y = Q²), sorted."""
    if c2 == 0:
        if c1 == 0:
            return []
        y = -c0 / c1
        return [y] if y > 0 else []
    disc = c1 * c1 - 4 * c2 * c0
    if disc < 0:
        return []
    s = math.sqrt(disc)
    # numerically stable pair of roots
    q = -0.5 * (c1 + math.copysign(s, c1)) if c1 != 0 else 0.5 * s
    roots = []
    if q != 0:
        roots.extend([q / c2, c0 / q])
    else:
        roots.extend([math.sqrt(-c0 / c2)] if -c0 / c2 > 0 else [])
    return sorted({y for y in roots if y > 0})


def equilibrium_charges(coeffs: LandauCoefficients) -> NDArray[np.float64]:
    """Charges of the minima of U at E = 0, ascending (just [0] for a paraelectric)."""
    ys = _positive_roots_q2(coeffs.alpha, coeffs.beta, coeffs.gamma)  # α + βy + γy² = 0
    minima = [0.0] if coeffs.alpha > 0 else []
    for y in ys:
        q = math.sqrt(y)
        if float(inverse_capacitance(coeffs, q)) > 0:
            minima.extend([-q, q])
    return np.array(sorted(set(minima)), dtype=float)


def spontaneous_polarisation(coeffs: LandauCoefficients) -> float:
    """P_s: the largest |Q| of a minimum of U at E = 0 (0 for a paraelectric).

    Quartic model: P_s = √(−α/β).
    """
    q = equilibrium_charges(coeffs)
    return float(np.max(np.abs(q))) if q.size else 0.0


def negative_capacitance_bounds(coeffs: LandauCoefficients) -> tuple[float, float] | None:
    """(Q_low, Q_high), 0 ≤ Q_low < Q_high: d²U/dQ² < 0 for Q_low < |Q| < Q_high; None if never.

    Quartic model: (0, √(−α/(3β))). A first-order sixth-order model (α > 0, β < 0) has its
    NC band away from Q = 0.
    """
    ys = _positive_roots_q2(coeffs.alpha, 3 * coeffs.beta, 5 * coeffs.gamma)
    points = [0.0, *[math.sqrt(y) for y in ys]]
    bounds = [*points, math.inf]
    for lo, hi in itertools.pairwise(bounds):
        mid = (lo + hi) / 2 if math.isfinite(hi) else lo + 1.0
        if float(inverse_capacitance(coeffs, mid)) < 0 and math.isfinite(hi):
            return lo, hi
    return None


def coercive_field(coeffs: LandauCoefficients) -> float:
    """E_c: the field at which the polarised branch loses stability (0 if not ferroelectric).

    It is |E(Q)| at the outer edge of the NC region, d²U/dQ² = 0; quartic model:
    E_c = 2|α|^{3/2} / (3√3 β^{1/2}).
    """
    nc = negative_capacitance_bounds(coeffs)
    if nc is None or not coeffs.is_ferroelectric:
        return 0.0
    return float(abs(field(coeffs, nc[1])))


@dataclass(frozen=True)
class HysteresisLoop(Recorded):
    """A quasi-static P–E loop: the local minimum followed as E sweeps up then down.

    E and Q are in the units of the coefficients (any consistent set, see the module
    docstring); ``to_dict`` writes them "[E]" and "[Q]", as the sweep outputs do."""

    E_up: NDArray[np.float64]
    Q_up: NDArray[np.float64]
    E_down: NDArray[np.float64]
    Q_down: NDArray[np.float64]
    coercive_field: float
    remanent_polarisation: float

    _UNITS: ClassVar[dict[str, str]] = {
        "E_up": "E",
        "Q_up": "Q",
        "E_down": "E",
        "Q_down": "Q",
        "coercive_field": "E",
        "remanent_polarisation": "Q",
    }

    def _title(self) -> str:
        return f"quasi-static P–E loop, {len(self.E_up)} + {len(self.E_down)} points"


def _local_minima(coeffs: LandauCoefficients, E: float) -> NDArray[np.float64]:
    # real roots of γQ⁵ + βQ³ + αQ − E = 0 with positive curvature
    poly = [coeffs.gamma, 0.0, coeffs.beta, 0.0, coeffs.alpha, -E]
    while poly and poly[0] == 0:
        poly = poly[1:]
    roots = np.roots(poly)
    scale = max(1.0, float(np.max(np.abs(roots)))) if roots.size else 1.0
    real = roots[np.abs(roots.imag) <= 1e-7 * scale].real
    curvature = inverse_capacitance(coeffs, real)
    minima = real[curvature > 0]
    if minima.size == 0:
        # At the critical point (α = 0, E = 0) the minimum Q = 0 is quartic, curvature 0.
        minima = real[curvature >= 0]
    return minima if minima.size else real


def hysteresis_loop(
    coeffs: LandauCoefficients,
    *,
    E_max: float | None = None,
    n_points: int = 801,
) -> HysteresisLoop:
    """Quasi-static loop: follow the nearest local minimum of U(Q) − EQ as E goes −E_max → E_max
    → −E_max. The coercive field is read where the branch jumps, the remanent polarisation at
    E = 0 on the way down (both from the swept data, so they can be checked against
    :func:`coercive_field` and :func:`spontaneous_polarisation`).
    """
    n = require_int_at_least("n_points", n_points, 11)
    ec = coercive_field(coeffs)
    if E_max is None:
        emax = 2.0 * ec if ec > 0 else max(1.0, abs(float(field(coeffs, 1.0))))
    else:
        emax = require_positive("E_max", E_max)
    if n % 2 == 0:
        n += 1  # keep E = 0 on the grid
    E_up = np.linspace(-emax, emax, n)
    E_down = E_up[::-1].copy()

    def sweep(E_values: NDArray[np.float64], q_start: float) -> NDArray[np.float64]:
        out = np.empty_like(E_values)
        q = q_start
        for i, e in enumerate(E_values):
            mins = _local_minima(coeffs, float(e))
            q = float(mins[np.argmin(np.abs(mins - q))])
            out[i] = q
        return out

    start = _local_minima(coeffs, float(E_up[0]))
    Q_up = sweep(E_up, float(np.min(start)))
    Q_down = sweep(E_down, float(Q_up[-1]))
    jumps = np.abs(np.diff(Q_up))
    # a coercive field needs an open loop: at the critical point (α = 0) Q ∝ E^{1/3} is
    # steep at E = 0 but the same on both sweeps, and is no switching
    qscale = max(1.0, float(np.max(np.abs(Q_up))))
    is_open = float(np.max(np.abs(Q_up - Q_down[::-1]))) > 1e-6 * qscale
    if is_open and jumps.size and jumps.max() > 10 * np.median(jumps):
        i = int(np.argmax(jumps))
        ec_swept = float(0.5 * (E_up[i] + E_up[i + 1]))
    else:
        ec_swept = 0.0
    remanent = float(Q_down[n // 2])
    return HysteresisLoop(E_up, Q_up, E_down, Q_down, abs(ec_swept), abs(remanent))


def landau_from_temperature(
    alpha0: float, temperature_K: float, curie_K: float, beta: float, gamma: float = 0.0
) -> LandauCoefficients:
    """Coefficients with α = α₀ (T − T_c) (Landau; α₀ > 0)."""
    a0 = require_positive("alpha0", alpha0, quantity="landau_coefficient")
    t = require_positive("temperature_K", temperature_K, quantity="temperature_K")
    tc = require_positive("curie_K", curie_K, quantity="temperature_K")
    return LandauCoefficients(a0 * (t - tc), beta, gamma)


def nc_width_vs_temperature(
    alpha0: float,
    curie_K: float,
    beta: float,
    temperatures_K: ArrayLike,
    gamma: float = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Width of the NC charge region, Q_high − Q_low, and E_c at each temperature.

    Returns (T, width, E_c); both vanish at and above T_c for the quartic model, the
    narrowing that Salvatore et al. 2014 observed (review §2.1).
    """
    temps = np.asarray(temperatures_K, dtype=float)
    widths = np.zeros_like(temps)
    ecs = np.zeros_like(temps)
    for i, t in enumerate(temps):
        c = landau_from_temperature(alpha0, float(t), curie_K, beta, gamma)
        nc = negative_capacitance_bounds(c)
        widths[i] = 0.0 if nc is None else nc[1] - nc[0]
        ecs[i] = coercive_field(c)
    return temps, widths, ecs


@dataclass(frozen=True)
class SeriesCapacitor(Recorded):
    """A ferroelectric (Landau) in series with a dielectric capacitor C_D (per area).

    Capacitances in Q/E, ``min_inverse_capacitance`` (min over Q of 1/C_D + d²U/dQ²) in
    E/Q, the units of the coefficients (see the module docstring); ``amplification`` is
    dV_D/dV, a pure number."""

    C_D: float
    C_F0: float
    min_inverse_capacitance: float
    stable: bool
    total_capacitance: float
    amplification: float

    _UNITS: ClassVar[dict[str, str]] = {
        "C_D": "Q/E",
        "C_F0": "Q/E",
        "min_inverse_capacitance": "E/Q",
        "total_capacitance": "Q/E",
        "amplification": "1",
    }

    def _title(self) -> str:
        return f"ferroelectric in series with C_D: {'stable' if self.stable else 'hysteretic'}"


def series_with_dielectric(coeffs: LandauCoefficients, C_D: float) -> SeriesCapacitor:
    """Stabilised negative capacitance of a ferroelectric in series with a dielectric C_D.

    The total energy U(Q) + Q²/(2C_D) − VQ has a single minimum (no hysteresis) when
    1/C_D + min_Q d²U/dQ² > 0; for the quartic model that is |C_F(0)| = 1/|α| > C_D. Around
    Q = 0 the series capacitance is (1/C_F + 1/C_D)⁻¹ (larger than C_D when C_F < 0) and
    the dielectric's voltage is amplified, dV_D/dV = C_F/(C_F + C_D).
    """
    cd = require_positive("C_D", C_D)
    a, b, g = coeffs.alpha, coeffs.beta, coeffs.gamma
    # minimum over Q of α + 3βy + 5γy², y = Q² ≥ 0
    min_inv = a if (b >= 0 or g == 0) else a - 9 * b * b / (20 * g)
    inv_f0 = a
    cf0 = math.inf if inv_f0 == 0 else 1.0 / inv_f0
    inv_total = inv_f0 + 1.0 / cd
    stable = bool(min_inv + 1.0 / cd > 0)
    total = math.inf if inv_total == 0 else 1.0 / inv_total
    amp = (1.0 / cd) / inv_total if inv_total != 0 else math.inf
    return SeriesCapacitor(cd, cf0, min_inv, stable, total, amp)
