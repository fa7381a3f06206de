"""The photon cutoff of the open Dicke battery by error control (issue 12).

:func:`charge_open_converged` grows ``photon_cutoff`` until the largest population of the
top Fock level over the run, p_top (``checks["max_top_level_population"]``), is at most
``top_population``, and reports the cutoff it used with a rigorous bound on what the
truncation can have changed.

The bound (Duhamel's formula): with P the projector on the kept Fock levels, the
truncated run ρ_P(t) = e^{L_P t} ρ0 differs from the untruncated one by
δρ(t) = ∫₀ᵗ e^{L(t−s)} (L − L_P) ρ_P(s) ds, and e^{L(t−s)} is trace-norm contractive (a
quantum channel). At zero cavity temperature only the coupling 2ωc g Jx(a + a†) leaks out
of the kept space, from the top level n_c to n_c + 1, with ‖(1 − P) H P_top‖ =
ωc g N √(n_c + 1); and for ρ_P ≥ 0, ‖P_top ρ_P‖₁ ≤ √p_top (Cauchy–Schwarz). Hence

    ‖δρ(t)‖₁ ≤ 2 ωc g N √(n_c + 1) · t · √(max p_top),

(p_top's maximum taken over the output grid: the grid should resolve its variation),

and every observable A moves by at most ‖A‖ ‖δρ‖₁: the energy E = ωa(Jz + N/2) by
ωa N ‖δρ‖₁. The bound is pessimistic (the leak is far smaller than its norm); in the
tests the actual error of E(t) against a larger cutoff was 10⁴ or more times below it.
For the closed battery the relative error of E(t) was measured at up to 40× p_top
(:mod:`ssbattery.quantum.dicke_window`), the practical criterion.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Any

from ssbattery.errors import ConvergenceWarning, InvalidParameterError, api_only
from ssbattery.quantum.dicke import CUTOFF_RTOL, DickeParameters, rerun_cutoff
from ssbattery.quantum.open.charging import OpenChargingResult, charge_open
from ssbattery.quantum.open.rates import Dissipation
from ssbattery.validation import require_int_at_least, require_positive

__all__ = ["charge_open_converged", "check_open_cutoff", "cutoff_ladder", "truncation_bound"]


def truncation_bound(model: DickeParameters, max_top_population: float) -> float:
    """The trace-norm bound 2 ωc g N √(n_c + 1) t_max √(max p_top) on what the photon
    cutoff n_c can change in the state over the run (zero cavity temperature; see the
    module docstring). Multiply by ωa N for the energy."""
    p = require_positive("max_top_population", max_top_population, allow_zero=True)
    n, nc = model.n_atoms, model.photon_cutoff
    return (
        2.0 * model.omega_cav * model.coupling * n * math.sqrt(nc + 1) * model.t_max * math.sqrt(p)
    )


def cutoff_ladder(model: DickeParameters, max_cutoff: int | None = None) -> list[int]:
    """The photon cutoffs :func:`charge_open_converged` may try, in order: from
    ``model.photon_cutoff`` by steps of max(2, ⌈n_c/4⌉) up to ``max_cutoff`` (default
    8N + 16), which ends the ladder (what a memory or cost bound of the search covers)."""
    n = model.n_atoms
    top = require_int_at_least("max_cutoff", 8 * n + 16 if max_cutoff is None else max_cutoff, n)
    out = [model.photon_cutoff]
    while out[-1] < top:
        out.append(min(top, out[-1] + max(2, math.ceil(out[-1] / 4))))
    return out


def charge_open_converged(
    model: DickeParameters,
    dissipation: Dissipation | None = None,
    *,
    top_population: float = 1e-8,
    max_cutoff: int | None = None,
    **kwargs: Any,
) -> OpenChargingResult:
    """:func:`~.charging.charge_open` at the smallest cutoff on the ladder n_c, n_c +
    max(2, ⌈n_c/4⌉), … (from ``model.photon_cutoff``) whose top Fock level stays below
    ``top_population`` over the run.

    The trial runs compute E(t) only (no ergotropy, no storage phase); the last one is run
    with ``kwargs``. Its ``checks`` gain ``photon_cutoff``, ``top_population_bound`` (the
    criterion asked), ``truncation_bound_trace`` (:func:`truncation_bound`, ‖δρ‖₁ ≤) and
    ``truncation_bound_energy`` (ωa N times it). ``max_cutoff`` (default 8N + 16) stops the
    search with an error naming both options.
    """
    dissipation = Dissipation() if dissipation is None else dissipation
    bound = require_positive("top_population", top_population)
    if dissipation.bath_temperature not in (None, 0.0) and dissipation.cavity_loss > 0:
        raise InvalidParameterError(
            "`bath_temperature` must be 0 or None for the cutoff control (a thermal cavity "
            "also pumps photons above the cutoff, which its bound does not cover)."
        )
    n = model.n_atoms
    ladder = cutoff_ladder(model, max_cutoff)
    for cutoff in ladder:
        trial = replace(model, photon_cutoff=cutoff)
        probe = charge_open(trial, dissipation, storage=False, ergotropy=False)
        p_top = probe.checks["max_top_level_population"]
        if p_top <= bound:
            break
    else:
        raise InvalidParameterError(
            f"the top Fock level's population is {p_top:.3g} > the bound {bound:.3g} at "
            f"the largest photon cutoff tried, {ladder[-1]}; loosen the bound (CLI "
            "`--cutoff-tol`) or fix the cutoff (`--photon-cutoff`)."
            + api_only("raise `max_cutoff` or `top_population`")
        )
    result = probe if kwargs.get("storage") is False and kwargs.get("ergotropy") is False else None
    if result is None:
        result = charge_open(trial, dissipation, **kwargs)
    trace = truncation_bound(trial, result.checks["max_top_level_population"])
    result.checks.update(
        photon_cutoff=float(cutoff),
        top_population_bound=bound,
        truncation_bound_trace=trace,
        truncation_bound_energy=trial.omega_a * n * trace,
    )
    return result


def check_open_cutoff(
    model: DickeParameters,
    dissipation: Dissipation,
    result: OpenChargingResult,
    *,
    larger_cutoff: int | None = None,
    rtol: float = CUTOFF_RTOL,
) -> tuple[int, float]:
    """Repeat an open run with a larger photon cutoff; warn when Pmax or Emax move.

    The open counterpart of :func:`~ssbattery.quantum.dicke.check_cutoff_convergence`:
    the rerun (default cutoff max(1.5 n_c, n_c + 8)) computes E(t) only; a relative
    change |X' − X|/|X'| of Pmax or Emax above ``rtol`` emits
    :class:`~ssbattery.errors.ConvergenceWarning`. Returns (larger cutoff, largest
    relative change).
    """
    cut = model.photon_cutoff
    bigger = rerun_cutoff(cut, larger_cutoff)
    other = charge_open(
        replace(model, photon_cutoff=bigger),
        dissipation,
        storage=False,
        ergotropy=False,
        positivity=False,
    ).charging
    ref = result.charging
    changes = [
        abs(a - b) / max(abs(a), 1e-300)
        for a, b in ((other.power_max, ref.power_max), (other.energy_max, ref.energy_max))
    ]
    if max(changes) > rtol:
        warnings.warn(
            f"photon cutoff {cut} is not converged: raising it to {bigger} changes Pmax by "
            f"{changes[0]:.2e} and Emax by {changes[1]:.2e} (relative, tolerance "
            f"{rtol:.0e}); increase `photon_cutoff`.",
            ConvergenceWarning,
            stacklevel=2,
        )
    return bigger, max(changes)
