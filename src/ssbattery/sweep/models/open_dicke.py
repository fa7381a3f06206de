"""Sweep entry of the open Dicke battery (issue 12): charging and storage under noise."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssbattery.sweep.models.quantum import DICKE
from ssbattery.sweep.registry import ModelEntry, Output, Param, register

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.open import Dissipation, OpenChargingResult

__all__ = ["OPEN_DICKE", "OpenDickeRun", "solve_open_dicke"]

_NOISE = ("cavity_loss", "decay", "pumping", "dephasing", "collective_decay", "bath_temperature")


@dataclass(frozen=True)
class OpenDickeRun:
    """The closed battery's parameters, its noise, and the storage phase's grid length.

    ``top_population`` None keeps ``params.photon_cutoff``; a number grows the cutoff by
    error control until the top Fock level's population stays below it
    (:func:`~ssbattery.quantum.open.cutoff.charge_open_converged`, as ``ssbattery dicke``
    with noise and without ``--photon-cutoff``). ``symmetric_ergotropy``: the ergotropy
    over symmetric-subspace unitaries (collective noise only), as
    :func:`~ssbattery.quantum.open.charge_open`.
    """

    params: DickeParameters
    dissipation: Dissipation
    storage_time: float | None = None
    top_population: float | None = None
    symmetric_ergotropy: bool = False


def _build(values: Mapping[str, Any]) -> OpenDickeRun:
    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.open import Dissipation

    v = dict(values)
    noise = {k: v.pop(k) for k in _NOISE}
    noise = {k: (0.0 if x is None and k != "bath_temperature" else x) for k, x in noise.items()}
    storage_time = v.pop("storage_time")
    return OpenDickeRun(DickeParameters(**v), Dissipation(**noise), storage_time)


def solve_open_dicke(
    run: OpenDickeRun, *, progress: Callable[[int, int], None] | None = None
) -> OpenChargingResult:
    """One open Dicke run (charging + storage), as ``ssbattery dicke --dephasing …`` runs it."""
    from ssbattery.quantum.open import charge_open, charge_open_converged

    if run.top_population is not None:
        return charge_open_converged(
            run.params,
            run.dissipation,
            top_population=run.top_population,
            storage_time=run.storage_time,
            symmetric_ergotropy=run.symmetric_ergotropy,
            progress=progress,
        )
    return charge_open(
        run.params,
        run.dissipation,
        storage_time=run.storage_time,
        symmetric_ergotropy=run.symmetric_ergotropy,
        progress=progress,
    )


def _arrays(r: OpenChargingResult) -> dict[str, Any]:
    c = r.charging
    st = r.storage
    return {
        "power_max": c.power_max,
        "t_power_max": c.t_power_max,
        "energy_max": c.energy_max,
        "t_energy_max": c.t_energy_max,
        "times": c.times,
        "energy": c.energy,
        "power": c.power,
        "ergotropy": c.ergotropy,
        "ergotropy_incoherent": r.ergotropy_incoherent,
        "purity": r.purity,
        "tau_c": math.nan if st is None else st.tau_c,
        "half_life": math.nan if st is None else st.half_life,
    }


def _state_entries(run: OpenDickeRun) -> float:
    """Entries of the permutation-invariant state (the run time grows with them)."""
    n, nc = run.params.n_atoms, run.params.photon_cutoff + 1
    rates = run.dissipation.jump_rates(omega_a=run.params.omega_a, omega_cav=run.params.omega_cav)
    blocks = range(n // 2 + 1) if rates.local else (0,)
    return float(nc * nc * sum((n - 2 * k + 1) ** 2 for k in blocks))


def _memory(run: OpenDickeRun) -> Any:
    """The whole-run estimate ``charge_open`` checks before it assembles the Liouvillian
    (the model's own, from its space, its unassembled Liouvillian and its default
    propagator)."""
    from ssbattery.quantum.open.charging import (
        ChebyshevLindblad,
        PILiouvillian,
        _memory_estimate,
        _setup,
    )

    space, ham, rates, _, grid = _setup(run.params, run.dissipation)
    L = PILiouvillian(space, ham, rates, assemble=False)
    return _memory_estimate(space, L, grid, ChebyshevLindblad())


#: The registered sweep entry ``open-dicke`` (see ``ssbattery sweep models``).
OPEN_DICKE: ModelEntry[OpenDickeRun, OpenChargingResult] = register(
    ModelEntry(
        name="open-dicke",
        summary="Dicke battery with cavity loss, collective and local noise (issue 12)",
        params=(
            # the closed battery's parameters, as the dicke entry declares them (its moving
            # photon window and ergotropy switch do not apply here)
            *(
                p
                for p in DICKE.params
                if p.name not in ("photon_cutoff", "cutoff_tol", "ergotropy")
            ),
            Param("photon_cutoff", "int", None, "", "highest photon number kept (default 4N)"),
            Param("cavity_loss", "float", 0.0, "ωc", "cavity loss κ"),
            Param("decay", "float", 0.0, "ωc", "local decay γ↓ per atom"),
            Param("pumping", "float", 0.0, "ωc", "local pumping γ↑ per atom"),
            Param("dephasing", "float", 0.0, "ωc", "local dephasing γ_φ (coherence e^{−γ_φ t})"),
            Param("collective_decay", "float", 0.0, "ωc", "collective decay γ_c on J−"),
            Param("bath_temperature", "float", None, "ωc", "bath temperature (thermal rates)"),
            Param("storage_time", "float", None, "1/ωc", "storage grid length (default 5/Γ)"),
        ),
        outputs=(
            Output("power_max", "ωc²", "largest average power P = E/t on the grid"),
            Output("t_power_max", "1/ωc", "time of P_max"),
            Output("energy_max", "ωc", "largest stored energy on the grid"),
            Output("t_energy_max", "1/ωc", "time of E_max"),
            Output("times", "1/ωc", "the output time grid", ("time",)),
            Output("energy", "ωc", "stored energy E(t)", ("time",)),
            Output("power", "ωc²", "average power E(t)/t", ("time",)),
            Output("ergotropy", "ωc", "ergotropy of the atoms (eq. 7)", ("time",)),
            Output("ergotropy_incoherent", "ωc", "its incoherent part", ("time",)),
            Output("purity", "", "Tr ρ_A² of the atoms", ("time",)),
            Output("tau_c", "1/ωc", "charger switched off (largest ergotropy)"),
            Output("half_life", "1/ωc", "ergotropy half-life in storage (NaN: not reached)"),
        ),
        build=_build,
        solve=solve_open_dicke,
        extract=_arrays,
        sizes=lambda r: {"time": r.params.steps},
        memory_bytes=_memory,
        cost=_state_entries,
        progress=True,
    )
)
