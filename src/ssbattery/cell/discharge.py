"""Discharge curve of a two-phase cathode from a regular-solution (lattice-gas) model (Fig. 1).

The cathode is a lattice of sites for the mobile ion (Li⁺ + e⁻) with site fraction x ∈ (0, 1).
Its free energy per site (eV) is the regular solution

    g(x) = μ₀ x + Ω x (1 − x) + k_B T [x ln x + (1 − x) ln(1 − x)],

so the electron chemical potential of the cathode, measured vs vacuum like every μ of eq. 1,
rises with the ion content as

    μ_C(x) = dg/dx = μ₀ + Ω (1 − 2x) + k_B T ln(x / (1 − x)).

For Ω > 2 k_B T the homogeneous solution is unstable between the spinodal points and the
cathode splits into a Li-poor and a Li-rich phase. While both coexist μ_C is pinned at the
common tangent (for this symmetric model exactly μ₀, between the binodal points x₁ and
x₂ = 1 − x₁): the plateau of Fig. 1b. Once the Li-poor phase has run out, μ_C rises again.
The cell voltage against an anode of constant μ_A is ΔV(x) = (μ_A − μ_C(x))/e (eq. 1);
where μ_C passes the electrolyte's μ_E the review's bookkeeping switches from ΔV_AE + ΔV_EC
to ΔV_AE − ΔV_EC (Fig. 1c).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq
from scipy.special import expit

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import (
    require_finite,
    require_in_range,
    require_int_at_least,
    require_positive,
)

__all__ = [
    "K_B_EV",
    "DischargeCurve",
    "RegularSolutionCathode",
    "binodal",
    "discharge_curve",
]

#: Boltzmann constant in eV/K (CODATA 2018, exact).
K_B_EV = 8.617333262e-5


@dataclass(frozen=True)
class RegularSolutionCathode:
    """Parameters of the two-phase cathode (energies in eV, temperature in K).

    ``mu0_eV`` is the plateau chemical potential vs vacuum, ``omega_eV`` the regular-solution
    interaction (a miscibility gap needs Ω > 2 k_B T), ``capacity_mAh_g`` the capacity of the
    full range 0 ≤ x ≤ 1 (only used to label the discharge axis).
    """

    mu0_eV: float = -4.2
    omega_eV: float = 0.12
    temperature_K: float = 298.15
    capacity_mAh_g: float = 170.0

    def __post_init__(self) -> None:
        require_finite("mu0_eV", self.mu0_eV)
        require_finite("omega_eV", self.omega_eV)
        require_positive("temperature_K", self.temperature_K)
        require_positive("capacity_mAh_g", self.capacity_mAh_g)

    @property
    def kT_eV(self) -> float:
        """Thermal energy k_B T (eV)."""
        return K_B_EV * self.temperature_K

    @property
    def has_miscibility_gap(self) -> bool:
        """True when Ω > 2 k_B T (two phases coexist below the critical temperature)."""
        return self.omega_eV > 2.0 * self.kT_eV

    def free_energy(self, x: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """g(x) per site (eV) of the homogeneous solution."""
        x = np.asarray(x, dtype=float)
        kT = self.kT_eV
        return (
            self.mu0_eV * x
            + self.omega_eV * x * (1.0 - x)
            + kT * (x * np.log(x) + (1.0 - x) * np.log1p(-x))
        )

    def homogeneous_mu(self, x: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """μ_C(x) = dg/dx (eV vs vacuum) of the single-phase solution (may be non-monotonic)."""
        x = np.asarray(x, dtype=float)
        return self.mu0_eV + self.omega_eV * (1.0 - 2.0 * x) + self.kT_eV * np.log(x / (1.0 - x))


def binodal(cathode: RegularSolutionCathode) -> tuple[float, float] | None:
    """Binodal (coexistence) fractions (x₁, x₂) with x₂ = 1 − x₁, or None without a gap.

    Solves Ω (1 − 2x) + k_B T ln(x/(1 − x)) = 0 on (0, x_spinodal): the common tangent of the
    symmetric regular solution touches g at x₁ and 1 − x₁ with slope μ₀. The root is sought
    in the logit u = ln(x/(1 − x)), where the equation reads k_B T u = Ω tanh(u/2): x₁ ≈
    e^{−Ω/k_BT} is found at any Ω/k_BT, down to 0 where it lies below the smallest double.
    """
    if not cathode.has_miscibility_gap:
        return None
    omega, kT = cathode.omega_eV, cathode.kT_eV
    x_sp = 0.5 * (1.0 - math.sqrt(1.0 - 2.0 * kT / omega))

    def h(u: float) -> float:
        return kT * u - omega * math.tanh(0.5 * u)

    # h < 0 at u = −Ω/k_BT − 2 (tanh ≈ −1 there) and h > 0 at the spinodal
    lo, hi = -omega / kT - 2.0, math.log(x_sp / (1.0 - x_sp))
    u1 = float(brentq(h, lo, hi, xtol=1e-13, rtol=1e-15, maxiter=500))
    return float(expit(u1)), float(expit(-u1))


@dataclass(frozen=True)
class DischargeCurve(Recorded):
    """An equilibrium discharge curve (x: ion fraction, μ in eV vs vacuum, voltage in V)."""

    x: NDArray[np.float64]
    capacity_mAh_g: NDArray[np.float64]
    mu_cathode_eV: NDArray[np.float64]
    voltage_V: NDArray[np.float64]
    homogeneous_mu_eV: NDArray[np.float64]
    plateau_x: tuple[float, float] | None
    plateau_voltage_V: float | None
    mu_anode_eV: float
    mu_electrolyte_eV: float | None
    x_crossing_electrolyte: float | None

    _UNITS: ClassVar[dict[str, str]] = {
        "x": "1",
        "capacity_mAh_g": "capacity [mAh/g]",
        "mu_cathode_eV": "mu_cathode [eV]",
        "voltage_V": "voltage [V]",
        "homogeneous_mu_eV": "homogeneous_mu [eV]",
        "plateau_x": "1",
        "plateau_voltage_V": "plateau_voltage [V]",
        "mu_anode_eV": "mu_anode [eV]",
        "mu_electrolyte_eV": "mu_electrolyte [eV]",
        "x_crossing_electrolyte": "1",
    }

    def _title(self) -> str:
        return f"equilibrium discharge curve, {len(self.x)} points"


def discharge_curve(
    cathode: RegularSolutionCathode | None = None,
    *,
    mu_anode_eV: float = -1.39,
    mu_electrolyte_eV: float | None = None,
    x_start: float = 0.005,
    x_end: float = 0.9995,
    n_points: int = 400,
) -> DischargeCurve:
    """Equilibrium discharge curve ΔV(x) = (μ_A − μ_C(x))/e with the two-phase plateau.

    ``mu_anode_eV`` defaults to Li metal, −1.39 eV (review §1.3). Inside the binodal the
    homogeneous μ_C is replaced by the common-tangent value μ₀ (Fig. 1b). With
    ``mu_electrolyte_eV`` the fraction where μ_C passes μ_E (Fig. 1c) is reported.
    """
    cath = RegularSolutionCathode() if cathode is None else cathode
    mu_a = require_finite("mu_anode_eV", mu_anode_eV)
    x0 = require_in_range("x_start", x_start, 1e-12, 1.0 - 1e-12)
    x1 = require_in_range("x_end", x_end, 1e-12, 1.0 - 1e-12)
    if x1 <= x0:
        raise InvalidParameterError(f"`x_end` ({x1}) must exceed `x_start` ({x0}).")
    n = require_int_at_least("n_points", n_points, 3)
    x = np.linspace(x0, x1, n)
    mu_h = cath.homogeneous_mu(x)
    mu = mu_h.copy()
    gap = binodal(cath)
    plateau_v = None
    if gap is not None:
        inside = (x > gap[0]) & (x < gap[1])
        mu[inside] = cath.mu0_eV
        plateau_v = mu_a - cath.mu0_eV
    if np.any(mu > mu_a):
        raise InvalidParameterError(
            f"the cathode's chemical potential reaches {float(mu.max()):.3f} eV, above the "
            f"anode's ({mu_a} eV): lower `mu0_eV` or `x_end` so that μ_C ≤ μ_A (review §1.1)."
        )
    mu_e = (
        None
        if mu_electrolyte_eV is None
        else require_finite("mu_electrolyte_eV", mu_electrolyte_eV)
    )
    crossing = None
    if mu_e is not None:
        above = np.nonzero(mu > mu_e)[0]
        if above.size:
            i = int(above[0])
            crossing = (
                float(x[i])
                if i == 0
                else float(np.interp(mu_e, mu[i - 1 : i + 1], x[i - 1 : i + 1]))
            )
    return DischargeCurve(
        x=x,
        capacity_mAh_g=x * cath.capacity_mAh_g,
        mu_cathode_eV=mu,
        voltage_V=mu_a - mu,
        homogeneous_mu_eV=mu_h,
        plateau_x=gap,
        plateau_voltage_V=plateau_v,
        mu_anode_eV=mu_a,
        mu_electrolyte_eV=mu_e,
        x_crossing_electrolyte=crossing,
    )
