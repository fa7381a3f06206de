"""Cited presets of the thermal machines: the Fig. 16 Otto cycle, the heat-charged battery
(eq. 15) and the optically pumped battery (§2.4). ħ = k_B = 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

if TYPE_CHECKING:
    from ssbattery.thermal.heat_battery import HeatBattery
    from ssbattery.thermal.pumped_battery import PumpedBattery

__all__ = [
    "FIG15_HEAT_BATTERY",
    "FIG16_OTTO",
    "PUMPED_BATTERY",
    "HeatBatteryPreset",
    "OttoBaths",
    "OttoPreset",
    "PumpedBatteryPreset",
]


class OttoBaths(TypedDict):
    """The frequencies, baths and stroke times an Otto function takes as keywords."""

    omega_h: float
    omega_c: float
    T_h: float
    T_c: float
    rate_h: float
    rate_c: float
    tau_h: float
    tau_c: float


@dataclass(frozen=True)
class OttoPreset:
    """An Otto cycle between flat-spectrum Bose baths (energies in the reference frequency).

    ``ratios`` are the ω_c/ω_h of the efficiency curve; ``oscillator_levels`` the number of
    states kept for the oscillator medium; ``driven_tau_u`` the ramp time of the driven
    curve. Each oscillator point is rerun with ``check_levels`` states, and a point whose
    efficiency moves by more than ``eta_tolerance`` (absolute) is not converged in the
    truncation: the figure leaves it out and its table says so.
    """

    name: str
    citation: str
    omega_h: float
    omega_c: float
    T_h: float
    T_c: float
    rate_h: float
    rate_c: float
    tau_h: float
    tau_c: float
    oscillator_levels: int
    ratios: tuple[float, ...]
    driven_tau_u: float
    note: str = ""
    check_levels: int = 32
    eta_tolerance: float = 5e-3

    def baths(self, omega_c: float | None = None) -> OttoBaths:
        """The keyword arguments of :func:`~ssbattery.thermal.otto.qubit_otto` and
        :func:`~ssbattery.thermal.otto.oscillator_otto` (at cold frequency ``omega_c``,
        default the preset's)."""
        return OttoBaths(
            omega_h=self.omega_h,
            omega_c=self.omega_c if omega_c is None else float(omega_c),
            T_h=self.T_h,
            T_c=self.T_c,
            rate_h=self.rate_h,
            rate_c=self.rate_c,
            tau_h=self.tau_h,
            tau_c=self.tau_c,
        )


#: Fig. 16 of the review: the qubit Otto cycle in the (ω, S) plane and η against ω_c/ω_h.
FIG16_OTTO = OttoPreset(
    name="fig16-otto",
    citation="review Fig. 16 (quantum Otto cycle, §2.4); modes after Solfanelli et al., "
    "Phys. Rev. B 101, 054513 (2020)",
    omega_h=2.0,
    omega_c=1.0,
    T_h=4.0,
    T_c=0.5,
    rate_h=0.5,
    rate_c=0.5,
    tau_h=5.0,
    tau_c=5.0,
    # 24 states, checked against 32: at 16 the driven stroke's η moved by up to 0.085
    # between 16, 32 and 48 states (ω_c/ω_h = 0.35: 0.520, 0.435, 0.383), all plotted
    oscillator_levels=24,
    ratios=tuple(float(r) for r in np.round(np.linspace(0.15, 0.95, 9), 6)),
    driven_tau_u=2.0,
    note="the figure is schematic: frequencies, temperatures, rates and stroke times are "
    "ours, chosen so that the cycle is an engine up to ω_c/ω_h = T_c/T_h",
)


@dataclass(frozen=True)
class HeatBatteryPreset:
    """The heat-charged two-qubit battery (eq. 15) and the grids of its figure."""

    name: str
    citation: str
    T_h: float
    T_c: float
    rate: float
    omega0: float
    couplings: tuple[float, ...]
    taus: tuple[float, ...]
    taus_optimal_gate: tuple[float, ...]
    scan_couplings: tuple[float, ...]
    scan_tau: float
    phase_taus: tuple[float, ...]
    note: str = ""

    def battery(self, coupling: float | None = None) -> HeatBattery:
        """The :class:`~ssbattery.thermal.heat_battery.HeatBattery` at ``coupling``
        (default the largest of :attr:`couplings`)."""
        from ssbattery.thermal.heat_battery import HeatBattery

        lam = self.couplings[-1] if coupling is None else float(coupling)
        return HeatBattery(lam, self.T_h, self.T_c, self.rate, self.rate, self.omega0)

    def baths(self) -> dict[str, float]:
        """Keyword arguments of the heat-battery sweeps (temperatures and rates)."""
        return {"T_h": self.T_h, "T_c": self.T_c, "rate_h": self.rate, "rate_c": self.rate}


def _grid(start: float, stop: float, num: int) -> tuple[float, ...]:
    return tuple(float(x) for x in np.geomspace(start, stop, num))


#: Review Fig. 15 / eq. 15: Tacchino et al., Phys. Rev. A 102, 062415 (2020).
FIG15_HEAT_BATTERY = HeatBatteryPreset(
    name="fig15-heat-battery",
    citation="review eq. 15 and Fig. 15; F. Tacchino, T. F. F. Santos, D. Gerace, "
    "M. Campisi and M. F. Santos, Phys. Rev. A 102, 062415 (2020)",
    T_h=10.0,
    T_c=0.1,
    rate=0.1,
    omega0=1.0,
    couplings=(0.01, 0.03, 0.05),
    taus=_grid(0.05, 300.0, 28),
    taus_optimal_gate=_grid(0.05, 300.0, 12),
    scan_couplings=tuple(float(x) for x in np.linspace(0.005, 0.2, 21)),
    scan_tau=2.0,
    phase_taus=(0.05, 2.0, 50.0),
    note="weak coupling λ ≲ γ as the paper requires of the local master equation; the "
    "discharge gate is ours (the paper does not state it)",
)


@dataclass(frozen=True)
class PumpedBatteryPreset:
    """The optically pumped battery and its two-stroke engine (§2.4) with the grids of the
    figure: pump frequencies at ``pump_time``, the engine's region in (ω_L, T_c)."""

    name: str
    citation: str
    battery: PumpedBattery
    pump_time: float
    pump_omegas: tuple[float, ...]
    engine_omegas: tuple[float, ...]
    engine_T_cs: tuple[float, ...]
    engine_T_cs_fine: tuple[float, ...]
    engine_tau: float
    engine_omega_c: float
    note: str = ""

    def engine(self) -> dict[str, Any]:
        """Keyword arguments of the engine functions (cold-qubit gap ω_c and stroke τ)."""
        return {"omega_c": self.engine_omega_c, "tau": self.engine_tau}


def _linspace(start: float, stop: float, num: int) -> tuple[float, ...]:
    return tuple(float(x) for x in np.linspace(start, stop, num))


def _pumped_battery() -> PumpedBattery:
    from ssbattery.thermal.pumped_battery import PumpedBattery

    return PumpedBattery()


#: Review §2.4 after T. F. F. Santos and M. F. Santos, arXiv:2208.02373 (ref. 152).
PUMPED_BATTERY = PumpedBatteryPreset(
    name="pumped-battery",
    citation="review §2.4, ref. 152: T. F. F. Santos and M. F. Santos, 'Efficiency of "
    "optically pumping a quantum battery and a two-stroke heat engine', arXiv:2208.02373",
    battery=_pumped_battery(),
    pump_time=50.0,
    pump_omegas=_linspace(1.0, 2.0, 41),
    engine_omegas=_linspace(1.0, 2.0, 21),
    engine_T_cs=_linspace(0.05, 1.5, 12),
    engine_T_cs_fine=_linspace(0.05, 1.5, 30),
    engine_tau=20.0,
    engine_omega_c=0.5,
    note="the paper's numbers are not all stated: gaps, rates and temperatures are ours "
    "(PumpedBattery defaults); the engine's extra level is our variant",
)
