"""The open-system branch of ``ssbattery dicke`` (noise options given; issue 12)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.cli._common import (
    console,
    print_json,
    progress_on_stderr,
    quantity_table,
    save_plot,
)

if TYPE_CHECKING:
    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.open import Dissipation

__all__ = ["dissipation_from_options", "run_open_dicke"]


def dissipation_from_options(
    *,
    cavity_loss: float,
    decay: float,
    pumping: float,
    dephasing: float,
    collective_decay: float,
    bath_temperature: float | None,
) -> Dissipation | None:
    """The :class:`Dissipation` the options ask for, or None when every rate is zero and no
    temperature is given (the closed battery). Errors name the option typed."""
    from ssbattery.errors import InvalidParameterError
    from ssbattery.quantum.open import Dissipation

    rates = {
        "--cavity-loss": cavity_loss,
        "--decay": decay,
        "--pumping": pumping,
        "--dephasing": dephasing,
        "--collective-decay": collective_decay,
    }
    for flag, value in rates.items():
        if not math.isfinite(value) or value < 0:
            raise InvalidParameterError(f"`{flag}` must be a finite rate ≥ 0, got {value!r}.")
    if bath_temperature is None and not any(rates.values()):
        return None
    if bath_temperature is not None and pumping > 0:
        raise InvalidParameterError(
            "`--pumping` must be 0 with `--bath-temperature` (the bath sets the upward rate)."
        )
    if bath_temperature is not None and (
        not math.isfinite(bath_temperature) or bath_temperature < 0
    ):
        raise InvalidParameterError(
            f"`--bath-temperature` must be ≥ 0 (units of ωc), got {bath_temperature!r}."
        )
    return Dissipation(
        cavity_loss=cavity_loss,
        decay=decay,
        pumping=pumping,
        dephasing=dephasing,
        collective_decay=collective_decay,
        bath_temperature=bath_temperature,
    )


def run_open_dicke(
    params: DickeParameters,
    dissipation: Dissipation,
    *,
    as_json: bool,
    plot: Path | None,
    top_population: float | None = None,
    check_cutoff: bool = False,
    symmetric_ergotropy: bool = False,
) -> None:
    """Charge the open Dicke battery, run the storage phase and print the summary.

    ``top_population`` (``--cutoff-tol`` without ``--photon-cutoff``): the photon cutoff
    grows from ``params.photon_cutoff`` until the top Fock level's population stays below
    it; else the cutoff is fixed and ``check_cutoff`` repeats the run with a larger one
    (:func:`~ssbattery.quantum.open.cutoff.check_open_cutoff`). ``symmetric_ergotropy``:
    the ergotropy over symmetric-subspace unitaries (``--ergotropy-unitaries symmetric``).
    """
    from ssbattery.quantum.open.cutoff import check_open_cutoff
    from ssbattery.sweep.models.open_dicke import OPEN_DICKE, OpenDickeRun

    run = OpenDickeRun(
        params,
        dissipation,
        top_population=top_population,
        symmetric_ergotropy=symmetric_ergotropy,
    )
    with progress_on_stderr(f"open Dicke N={params.n_atoms}") as update:
        # the sweep's entry: a sweep point is this run bit for bit
        result = OPEN_DICKE.solve(run, progress=update)
        if check_cutoff and top_population is None:
            check_open_cutoff(params, dissipation, result)
    if plot is not None:
        from ssbattery.plotting.dicke import plot_dicke_charging

        ax = plot_dicke_charging(result.charging)
        save_plot(ax.get_figure(root=True), plot)
    if as_json:
        print_json(result.to_dict())
        return
    title = (
        f"open Dicke battery, N = {params.n_atoms}, g = {params.coupling} ({_noise(dissipation)})"
    )
    k = int(result.ergotropy.argmax())
    st = result.storage
    info = result.charging.parameters
    rows = [
        ("photon cutoff", _cutoff_row(result.charging.parameters, result.checks)),
        (
            "spin blocks × entries",
            f"{info['spin_blocks']} × {info['state_entries']:,}",
        ),
        ("P_max [ωc²]", f"{result.power_max:.8g}"),
        ("t(P_max) [1/ωc]", f"{result.t_power_max:.6g}"),
        ("E_max [ωc]", f"{result.charging.energy_max:.8g}"),
        ("max ergotropy [ωc]", f"{float(result.ergotropy[k]):.8g}"),
        ("  over unitaries of", f"{info['ergotropy_unitaries']}"),
        (
            "  incoherent / coherent part",
            f"{result.ergotropy_incoherent[k]:.6g} / {result.ergotropy_coherent[k]:.6g}",
        ),
        ("purity of the atoms there", f"{result.purity[k]:.6g}"),
    ]
    if st is not None:
        hl = (
            "never (no atomic noise)"
            if math.isinf(st.half_life)
            else (
                f"> {st.times[-1]:.4g} (not reached)"
                if math.isnan(st.half_life)
                else f"{st.half_life:.6g}"
            )
        )
        rows += [("τc (charger off) [1/ωc]", f"{st.tau_c:.6g}"), ("ergotropy half-life [1/ωc]", hl)]
    console.print(quantity_table(title, rows))


def _cutoff_row(info: dict[str, Any], checks: dict[str, float]) -> str:
    """The photon cutoff used, with the error control's criterion and bound when it chose it."""
    row = f"{info['photon_cutoff']}"
    if "top_population_bound" in checks:
        row += (
            f" (error control: top level population {checks['max_top_level_population']:.1e}"
            f" ≤ {checks['top_population_bound']:.0e}; |δE| ≤ "
            f"{checks['truncation_bound_energy']:.1e} rigorous)"
        )
    return row


def _noise(dissipation: Dissipation) -> str:
    """The rates given (every nonzero one) and the bath temperature, for the title."""
    d = dissipation
    named = (
        ("κ", d.cavity_loss),
        ("γ↓", d.decay),
        ("γ↑", d.pumping),
        ("γ_φ", d.dephasing),
        ("γ_c", d.collective_decay),
    )
    parts = [f"{sym} = {v:g}" for sym, v in named if v]
    if d.bath_temperature is not None:
        parts.append(f"T = {d.bath_temperature:g}")
    return ", ".join(parts) or "no noise"
