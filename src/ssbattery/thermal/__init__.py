"""Quantum thermal machines and open-system batteries (review §2.4, Figs. 15–16, eq. 15).

The Lindblad engine (:mod:`ssbattery.thermal.lindblad`), thermal baths and dissipators
(:mod:`ssbattery.thermal.baths`), and the models built on them: the quantum Otto cycle
(:mod:`~ssbattery.thermal.otto`), the heat-charged battery of Tacchino et al.
(:mod:`~ssbattery.thermal.heat_battery`) and the optically pumped battery of Santos et al.
(:mod:`~ssbattery.thermal.pumped_battery`). ħ = k_B = 1 throughout.
"""

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

__all__ = [
    "Bath",
    "DensityTrajectory",
    "ValidityReport",
    "check_local_validity",
    "cycle_map",
    "entropy_production",
    "evolve_density",
    "expm_and_integral",
    "fixed_point",
    "global_dissipators",
    "heat_currents",
    "liouvillian",
    "local_dissipators",
    "occupation",
    "propagator",
    "steady_state",
    "thermal_state",
    "unitary_superoperator",
    "unvec",
    "vec",
]
