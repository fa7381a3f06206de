"""Quantum batteries (review §2.3): operators, evolution, metrics, battery models.

The shared core (eqs. 2–7): :mod:`.operators` (checked Hamiltonians and states),
:mod:`.evolution` (unitary evolution, eqs. 3–5), :mod:`.metrics` (energy, ergotropy, power)
and :mod:`.battery` (charging runs). Models: :mod:`.spin_chain` (eqs. 10–14) and the Dicke
battery.
"""

from __future__ import annotations

from ssbattery.quantum.battery import ChargingResult, charge, default_times, summarise_charging
from ssbattery.quantum.evolution import (
    Chebyshev,
    Eigh,
    ExpmMultiply,
    Lanczos,
    Trajectory,
    evolve,
    evolve_piecewise,
)
from ssbattery.quantum.metrics import (
    average_power,
    ergotropy,
    figure_of_merit,
    optimal_figure_of_merit,
    passive_state,
    stored_energy,
)
from ssbattery.quantum.operators import as_density_matrix, as_hermitian, pauli, site_operator
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    anisotropy_sweep,
    charge_spin_chain,
)

__all__ = [
    "ChargingResult",
    "Chebyshev",
    "Eigh",
    "ExpmMultiply",
    "Lanczos",
    "SpinChainParameters",
    "Trajectory",
    "anisotropy_sweep",
    "as_density_matrix",
    "as_hermitian",
    "average_power",
    "charge",
    "charge_spin_chain",
    "default_times",
    "ergotropy",
    "evolve",
    "evolve_piecewise",
    "figure_of_merit",
    "optimal_figure_of_merit",
    "passive_state",
    "pauli",
    "site_operator",
    "stored_energy",
    "summarise_charging",
]
