"""Quantum thermal machines and open-system batteries (review §2.4, Figs. 15–16, eq. 15).

The Lindblad engine (:mod:`ssbattery.thermal.lindblad`), thermal baths and dissipators
(:mod:`ssbattery.thermal.baths`), and the models built on them: the quantum Otto cycle
(:mod:`~ssbattery.thermal.otto`), the heat-charged battery of Tacchino et al.
(:mod:`~ssbattery.thermal.heat_battery`) and the optically pumped battery of Santos et al.
(:mod:`~ssbattery.thermal.pumped_battery`). ħ = k_B = 1 throughout.
"""

from ssbattery.thermal.audit import AuditReport, BathCoupling, Finding, ThermalModel, audit
from ssbattery.thermal.baths import (
    Bath,
    ValidityReport,
    check_local_validity,
    entropy_production,
    global_dissipators,
    heat_currents,
    local_dissipators,
    occupation,
    thermal_state,
)
from ssbattery.thermal.currents import bond_currents, local_bath_currents
from ssbattery.thermal.fcs import HeatStatistics, heat_statistics, jump_energy
from ssbattery.thermal.heat_battery import (
    HeatBattery,
    HeatBatteryResult,
    HeatBatterySweep,
    coupled_qubits_hamiltonian,
    coupling_scan,
    heat_battery,
    heat_battery_sweep,
    optimal_gate,
)
from ssbattery.thermal.lindblad import (
    DensityTrajectory,
    cycle_map,
    evolve_density,
    expm_and_integral,
    fixed_point,
    liouvillian,
    propagator,
    steady_state,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.thermal.otto import (
    OttoCycle,
    OttoResult,
    WorkingMedium,
    operating_mode,
    oscillator_otto,
    otto_cycle,
    otto_trajectory,
    qubit_otto,
)
from ssbattery.thermal.pumped_battery import (
    PumpedBattery,
    PumpedChargingResult,
    charging,
    charging_scan,
    effective_pump_rate,
    engine_region,
    two_stroke_engine,
)
from ssbattery.thermal.strokes import Adiabatic, Driven, Stroke, Sudden

__all__ = [
    "Adiabatic",
    "AuditReport",
    "Bath",
    "BathCoupling",
    "DensityTrajectory",
    "Driven",
    "Finding",
    "HeatBattery",
    "HeatBatteryResult",
    "HeatBatterySweep",
    "HeatStatistics",
    "OttoCycle",
    "OttoResult",
    "PumpedBattery",
    "PumpedChargingResult",
    "Stroke",
    "Sudden",
    "ThermalModel",
    "ValidityReport",
    "WorkingMedium",
    "audit",
    "bond_currents",
    "charging",
    "charging_scan",
    "check_local_validity",
    "coupled_qubits_hamiltonian",
    "coupling_scan",
    "cycle_map",
    "effective_pump_rate",
    "engine_region",
    "entropy_production",
    "evolve_density",
    "expm_and_integral",
    "fixed_point",
    "global_dissipators",
    "heat_battery",
    "heat_battery_sweep",
    "heat_currents",
    "heat_statistics",
    "jump_energy",
    "liouvillian",
    "local_bath_currents",
    "local_dissipators",
    "occupation",
    "operating_mode",
    "optimal_gate",
    "oscillator_otto",
    "otto_cycle",
    "otto_trajectory",
    "propagator",
    "qubit_otto",
    "steady_state",
    "thermal_state",
    "two_stroke_engine",
    "unitary_superoperator",
    "unvec",
    "vec",
]
