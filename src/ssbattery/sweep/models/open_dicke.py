"""Sweep entry of the open Dicke battery (issue 12): charging and storage under noise.

The photon cutoff follows ``ssbattery dicke`` with noise options: ``photon_cutoff`` fixes
it; without it, it grows from 4N by error control until the top Fock level's population
stays below ``cutoff_tol`` (:func:`~ssbattery.quantum.open.cutoff.charge_open_converged`,
the command's ``--cutoff-tol``, same default), and the output ``photon_cutoff_used`` holds
the cutoff a point ran at. The memory estimate then covers the whole search: the run at the
top of the cutoff ladder (8N + 16), the largest any trial may reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssbattery.errors import InvalidParameterError
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


#: ``ssbattery dicke --cutoff-tol``'s default: the bound on the top Fock level's population.
CUTOFF_TOL = 1e-10


def _build(values: Mapping[str, Any]) -> OpenDickeRun:
    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.open import Dissipation
    from ssbattery.validation import require_positive

    v = dict(values)
    noise = {k: v.pop(k) for k in _NOISE}
    noise = {k: (0.0 if x is None and k != "bath_temperature" else x) for k, x in noise.items()}
    storage_time = v.pop("storage_time")
    tol = require_positive("cutoff_tol", v.pop("cutoff_tol"))
    top = None if v["photon_cutoff"] is not None else tol
    if top is not None and noise["cavity_loss"] > 0 and noise["bath_temperature"]:
        raise InvalidParameterError(
            "`bath_temperature` > 0 with `cavity_loss` needs a fixed `photon_cutoff` (the "
            "error control of the cutoff covers a zero-temperature cavity only)."
        )
    return OpenDickeRun(
        DickeParameters(**v), Dissipation(**noise), storage_time, top_population=top
    )


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
    result = charge_open(
        run.params,
        run.dissipation,
        storage_time=run.storage_time,
        symmetric_ergotropy=run.symmetric_ergotropy,
        progress=progress,
    )
    result.checks.setdefault("photon_cutoff", float(run.params.photon_cutoff))
    return result


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
        "photon_cutoff_used": r.checks["photon_cutoff"],
    }


def _ladder(run: OpenDickeRun) -> list[int]:
    """The cutoffs a point may run at: its own, or every rung of the error control's."""
    from ssbattery.quantum.open.cutoff import cutoff_ladder

    return [run.params.photon_cutoff] if run.top_population is None else cutoff_ladder(run.params)


def _state_entries(run: OpenDickeRun) -> float:
    """Entries of the permutation-invariant state (the run time grows with them), summed
    over the cutoffs the point may try."""
    n = run.params.n_atoms
    rates = run.dissipation.jump_rates(omega_a=run.params.omega_a, omega_cav=run.params.omega_cav)
    blocks = range(n // 2 + 1) if rates.local else (0,)
    spin = sum((n - 2 * k + 1) ** 2 for k in blocks)
    return float(sum((c + 1) ** 2 * spin for c in _ladder(run)))


def _memory(run: OpenDickeRun) -> Any:
    """The whole-run estimate ``charge_open`` checks before it assembles the Liouvillian
    (the model's own, from its space, its unassembled Liouvillian and its default
    propagator). Under the cutoff's error control every rung of the ladder may run, one
    after another: the largest of their estimates, which need not be the top rung's (a
    smaller cutoff's L is assembled with its real form, a larger one's is applied by the
    kernel: at N = 6, dephasing 0.1, the trial at cutoff 48 peaks at ≈ 200 MB, the top
    rung 64 at ≈ 40 MB)."""
    from dataclasses import replace

    from ssbattery.validation import MemoryEstimate

    ladder = _ladder(run)
    if len(ladder) == 1:
        return _run_estimate(run.params, run.dissipation)
    runs = {c: _run_estimate(replace(run.params, photon_cutoff=c), run.dissipation) for c in ladder}
    top = max(runs, key=lambda c: runs[c].peak_bytes)
    est = MemoryEstimate(
        f"the open battery's photon-cutoff search (N = {run.params.n_atoms}, cutoffs "
        f"{ladder[0]}–{ladder[-1]}; its largest trial, at cutoff {top})",
        hint="fix `photon_cutoff` (or loosen `cutoff_tol`), or lower `n_atoms` or `steps`",
    )
    est.phases = {phase: list(items) for phase, items in runs[top].phases.items()}
    return est


def _run_estimate(params: DickeParameters, dissipation: Dissipation) -> Any:
    """:func:`charge_open`'s own estimate of one run at ``params.photon_cutoff``."""
    from ssbattery.quantum.open.charging import (
        ChebyshevLindblad,
        PILiouvillian,
        _memory_estimate,
        _setup,
    )

    space, ham, rates, _, grid = _setup(params, dissipation)
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
            Param(
                "photon_cutoff",
                "int",
                None,
                "",
                "highest photon number kept (default: from 4N by error control, cutoff_tol)",
            ),
            Param(
                "cutoff_tol",
                "float",
                CUTOFF_TOL,
                "",
                "without photon_cutoff: bound on the top Fock level's population",
            ),
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
            Output("photon_cutoff_used", "", "the photon cutoff the point ran at"),
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
