"""Open quantum batteries at large N: charging and storage under loss and dephasing.

The Dicke battery (eqs. 8–9) and a classically driven battery with cavity loss,
collective decay and local decay, pumping and dephasing, on the permutation-invariant
Dicke space of (j, m, m′) blocks (Shammah et al., PRA 98, 063815 (2018)), whose size grows
as N³ × n_photons² instead of 4^N. Layers: :mod:`.space` (blocks, degeneracies, memory
refusal) → :mod:`.rates` (noise, thermal rates) → :mod:`.liouvillian` (matrix-free
generator) → :mod:`.propagate` → :mod:`.observables` (ergotropy with degeneracies) →
:mod:`.charging` (charging + storage runs), :mod:`.cutoff` (the photon cutoff by error
control); :mod:`.trajectories` (quantum trajectories for
collective noise); :mod:`.scan` (α, power ratio and half-life against one noise rate).
"""

from __future__ import annotations

from ssbattery.quantum.open.charging import (
    DrivenBattery,
    OpenChargingResult,
    StorageResult,
    charge_open,
    half_life,
    initial_state,
)
from ssbattery.quantum.open.cutoff import charge_open_converged, truncation_bound
from ssbattery.quantum.open.liouvillian import CollectiveHamiltonian, PILiouvillian
from ssbattery.quantum.open.observables import BatteryState, battery_state
from ssbattery.quantum.open.propagate import (
    ChebyshevLindblad,
    RungeKutta,
    propagate,
    propagate_chebyshev,
)
from ssbattery.quantum.open.rates import Dissipation, JumpRates, bose_occupation
from ssbattery.quantum.open.space import PISpace, irrep_degeneracy, pi_space
from ssbattery.quantum.open.trajectories import TrajectoryResult, charge_trajectories

__all__ = [
    "BatteryState",
    "ChebyshevLindblad",
    "CollectiveHamiltonian",
    "Dissipation",
    "DrivenBattery",
    "JumpRates",
    "OpenChargingResult",
    "PILiouvillian",
    "PISpace",
    "RungeKutta",
    "StorageResult",
    "TrajectoryResult",
    "battery_state",
    "bose_occupation",
    "charge_open",
    "charge_open_converged",
    "charge_trajectories",
    "half_life",
    "initial_state",
    "irrep_degeneracy",
    "pi_space",
    "propagate",
    "propagate_chebyshev",
    "truncation_bound",
]
