"""CLI commands of the Dicke battery: ``ssbattery dicke`` and ``ssbattery dicke-scaling``.

Each command is a module-level function over the API (:mod:`ssbattery.quantum.dicke`,
:mod:`ssbattery.quantum.dicke_scaling`); ``register`` only adds them to the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ssbattery.cli._common import (
    console,
    err_console,
    handle_errors,
    output_option,
    parse_int_list,
    print_json,
    progress_on_stderr,
    quantity_table,
    record_table,
    save_plot,
    warnings_to_stderr,
)
from ssbattery.cli._deprecated import old_option, renamed_choice, renamed_option
from ssbattery.cli.audit import AUDIT_HELP, attach_audits, print_audits
from ssbattery.cli.open_dicke import dissipation_from_options, run_open_dicke
from ssbattery.quantum.dicke import DickeParameters

if TYPE_CHECKING:
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke_scaling import ScalingResult
    from ssbattery.quantum.dicke_window import PhotonWindow
    from ssbattery.quantum.open import Dissipation

__all__ = ["dicke_command", "dicke_scaling_command", "register"]


def register(app: typer.Typer) -> None:
    """Add ``dicke`` and ``dicke-scaling`` to ``app``."""
    app.command("dicke")(dicke_command)
    app.command("dicke-scaling")(dicke_scaling_command)


_OMEGA_A = typer.Option(1.0, "--omega-a", help="Atomic splitting ωa (units of ωc).")
_OMEGA_CAV = typer.Option(1.0, "--omega-cav", help="Cavity frequency ωc.")
_PHOTON_CUTOFF = typer.Option(
    None,
    "--photon-cutoff",
    help="Fixed highest photon number kept (≥ N; the review's rule is 4N). "
    "Default: chosen by error control, see --cutoff-tol.",
)
_CUTOFF_TOL = typer.Option(
    1e-10,
    "--cutoff-tol",
    help="Without --photon-cutoff: bound on the population of the edge photon "
    "layers of the moving window (≈ relative error of E(t)).",
)
_CHECK_CUTOFF = typer.Option(
    True,
    "--check-cutoff/--no-check-cutoff",
    help="With --photon-cutoff: repeat with a 1.5× larger cutoff; warn if Pmax or Emax move.",
)
_JSON = typer.Option(False, "--json", help="Print one JSON object on stdout.")
_UNITARIES = typer.Option(
    None,
    "--ergotropy-unitaries",
    help="The ergotropy (eq. 7) over unitaries of the symmetric subspace j = N/2 "
    "('symmetric', the default without noise) or of all 2^N states of the atoms ('all', "
    "never smaller; the default with noise, where local noise needs it).",
)
_PROPAGATOR = typer.Option(
    "wavefront",
    "--propagator",
    help="The moving window's propagator: wavefront (default; Chebyshev blocked over "
    "photon layers, the faster at every N measured, §2f–2g of "
    "benchmarks/RESULTS_dicke_window.md) or lanczos. chebyshev is a deprecated alias "
    "of wavefront.",
)


@handle_errors(
    api_names={"symmetric_ergotropy": "--ergotropy-unitaries symmetric"},
    quantities={
        **dict.fromkeys(
            ("coupling", "omega_a", "omega_cav", "omega_c", "eta", "drive"), "model_energy"
        ),
        **dict.fromkeys(
            ("cavity_loss", "decay", "pumping", "dephasing", "collective_decay"), "model_rate"
        ),
        "bath_temperature": "model_temperature",
    },
)
def dicke_command(
    n_atoms: int | None = typer.Option(
        None, "--n-atoms", help="Number of two-level atoms N ≥ 1 (required)."
    ),
    coupling: float = typer.Option(..., "--coupling", help="Atom–cavity coupling g (eq. 9)."),
    omega_a: float = _OMEGA_A,
    omega_cav: float = _OMEGA_CAV,
    eta: float = typer.Option(0.0, "--eta", help="Atom–atom interaction η (eq. 9)."),
    drive: float = typer.Option(0.0, "--drive", help="Driving field Ω (eq. 9)."),
    photon_cutoff: int | None = _PHOTON_CUTOFF,
    cutoff_tol: float = _CUTOFF_TOL,
    propagator: str = _PROPAGATOR,
    t_max: float | None = typer.Option(
        None, "--t-max", help="End of the time grid in 1/ωc (default π/(ωc g√N))."
    ),
    steps: int = typer.Option(400, "--steps", help="Points of the grid in (0, t_max]."),
    check_cutoff: bool = _CHECK_CUTOFF,
    ergotropy_unitaries: str | None = _UNITARIES,
    as_json: bool = _JSON,
    plot: Path | None = output_option("--plot", help="Save E(t), P(t) to this file."),
    cavity_loss: float = typer.Option(0.0, "--cavity-loss", help="Cavity loss κ (open)."),
    decay: float = typer.Option(0.0, "--decay", help="Local decay γ↓ per atom (open)."),
    pumping: float = typer.Option(0.0, "--pumping", help="Local pumping γ↑ (open)."),
    dephasing: float = typer.Option(0.0, "--dephasing", help="Local dephasing γ_φ (open)."),
    collective_decay: float = typer.Option(
        0.0, "--collective-decay", help="Collective decay γ_c on J− (open)."
    ),
    bath_temperature: float | None = typer.Option(
        None, "--bath-temperature", help="Bath temperature T (units of ωc): thermal rates."
    ),
    atoms: int | None = old_option("--atoms"),
    omega_c: float | None = old_option("--omega-c"),
    audit_flag: bool = typer.Option(False, "--audit", help=AUDIT_HELP),
) -> None:
    """Charge the Dicke quantum battery (review §2.3.3–2.3.6, eqs. 8–9); with any noise
    option, the open battery and its storage phase (permutation-invariant blocks)."""
    params = DickeParameters(
        renamed_option(n_atoms, atoms, new="--n-atoms", old="--atoms"),
        coupling,
        omega_a=omega_a,
        omega_cav=renamed_option(omega_cav, omega_c, new="--omega-cav", old="--omega-c"),
        eta=eta,
        drive=drive,
        photon_cutoff=photon_cutoff,
        t_max=t_max,
        steps=steps,
    )
    noise = dissipation_from_options(
        cavity_loss=cavity_loss,
        decay=decay,
        pumping=pumping,
        dephasing=dephasing,
        collective_decay=collective_decay,
        bath_temperature=bath_temperature,
    )
    symmetric = _symmetric_ergotropy(ergotropy_unitaries, default=noise is None)
    if noise is not None:
        top = None if photon_cutoff is not None else _cutoff_tol(cutoff_tol)
        opts = (top, check_cutoff, propagator, symmetric)
        _charge_open(params, noise, *opts, audit_flag=audit_flag, as_json=as_json, plot=plot)
        return
    window = _photon_window(params, photon_cutoff, cutoff_tol, propagator)
    result = _charge_closed(params, window, check_cutoff, symmetric)
    _report_closed(params, result, window, plot=plot, audit_flag=audit_flag, as_json=as_json)


def _report_closed(
    params: DickeParameters,
    result: ChargingResult,
    window: PhotonWindow | None,
    *,
    plot: Path | None,
    audit_flag: bool,
    as_json: bool,
) -> None:
    """The closed run's plot, audits and JSON or table."""
    if plot is not None:
        _save_curves(result, plot)
    out = result.to_dict()
    reports = attach_audits(out, audit_flag, [result], many=False)
    if as_json:
        print_json(out)
        return
    console.print(_dicke_table(params, result, window))
    print_audits(reports)


def _charge_open(
    params: DickeParameters,
    noise: Dissipation,
    top_population: float | None,
    check_cutoff: bool,
    propagator: str,
    symmetric_ergotropy: bool,
    *,
    audit_flag: bool,
    as_json: bool,
    plot: Any,
) -> None:
    """The open battery (noise options given): charging, storage phase, summary.

    Without ``--photon-cutoff`` the cutoff is chosen by error control (``--cutoff-tol``
    bounds the top Fock level's population); with it, ``--check-cutoff`` reruns with a
    larger one. ``--propagator`` (the closed battery's moving window) does not apply.
    """
    from ssbattery.errors import InvalidParameterError

    if propagator != "wavefront":
        raise InvalidParameterError(
            "`--propagator` chooses the closed battery's moving-window propagator; with "
            "noise options the open battery has its own: drop `--propagator`."
        )
    if top_population is not None and noise.cavity_loss > 0 and noise.bath_temperature:
        raise InvalidParameterError(
            "`--bath-temperature` > 0 with `--cavity-loss` needs a fixed `--photon-cutoff` "
            "(the error control of the cutoff covers a zero-temperature cavity only)."
        )
    if audit_flag:
        err_console.print("audit: the open battery is not audited (closed runs only).")
    with warnings_to_stderr():
        run_open_dicke(
            params,
            noise,
            as_json=as_json,
            plot=plot,
            top_population=top_population,
            check_cutoff=check_cutoff,
            symmetric_ergotropy=symmetric_ergotropy,
        )


def _symmetric_ergotropy(choice: str | None, *, default: bool) -> bool:
    """``--ergotropy-unitaries``: True for 'symmetric', False for 'all', else ``default``."""
    if choice is None:
        return default
    if choice not in ("symmetric", "all"):
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(
            f"`--ergotropy-unitaries` must be 'symmetric' or 'all', got {choice!r}."
        )
    return choice == "symmetric"


def _save_curves(result: ChargingResult, plot: Path) -> None:
    from ssbattery.plotting.dicke import plot_dicke_charging

    save_plot(plot_dicke_charging(result).get_figure(root=True), plot)


def _photon_window(
    params: DickeParameters, photon_cutoff: int | None, cutoff_tol: float, propagator: str
) -> PhotonWindow | None:
    """The moving photon window (cutoff chosen by error control) unless a cutoff is fixed."""
    from ssbattery.quantum.dicke_window import PhotonWindow, check_window_memory

    if photon_cutoff is not None:
        return None
    tol = _cutoff_tol(cutoff_tol)
    check_window_memory(params)
    prop = renamed_choice(propagator, option="--propagator", old="chebyshev", new="wavefront")
    return PhotonWindow(tol=tol, propagator=prop)


def _cutoff_tol(cutoff_tol: float) -> float:
    """``--cutoff-tol`` checked: a bound on an edge population, > 0."""
    if not cutoff_tol > 0:  # NaN too
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(f"`--cutoff-tol` must be > 0 (e.g. 1e-10), got {cutoff_tol!r}.")
    return float(cutoff_tol)


def _charge_closed(
    params: DickeParameters, window: PhotonWindow | None, check_cutoff: bool, symmetric: bool
) -> ChargingResult:
    """The closed run as the sweep entry solves it (a sweep point is this run bit for bit)."""
    from ssbattery.quantum.dicke import check_cutoff_convergence
    from ssbattery.sweep.models.quantum import DICKE, DickeRun

    label = "moving photon window" if window else f"dim {params.dimension}"
    with warnings_to_stderr():
        with progress_on_stderr(f"Dicke N={params.n_atoms}, {label}") as update:
            run = DickeRun(params, window=window, symmetric_ergotropy=symmetric)
            result = DICKE.solve(run, progress=update)
            if check_cutoff and window is None:
                check_cutoff_convergence(params, result)
    return result


def _dicke_table(
    params: DickeParameters, result: ChargingResult, window: PhotonWindow | None
) -> Any:
    info = result.parameters
    cutoff_row = f"{info['photon_cutoff']}"
    if window is not None:
        cutoff_row += (
            f" (window, edge population {info['max_edge_population']:.1e} ≤ "
            f"{window.tol:.0e}; |δE| ≤ {info['energy_error_bound']:.1e} rigorous)"
        )
    rows = [
        ("photon cutoff", cutoff_row),
        ("Hilbert-space dimension", f"{info['dimension']}"),
        ("t_max [1/ωc]", f"{params.t_max:.6g}"),
        ("P_max [ωc²]", f"{result.power_max:.8g}"),
        ("t(P_max) [1/ωc]", f"{result.t_power_max:.6g}"),
        ("E_max [ωc]", f"{result.energy_max:.8g}"),
        ("t(E_max) [1/ωc]", f"{result.t_energy_max:.6g}"),
        ("max ergotropy [ωc]", f"{float(result.ergotropy.max()):.8g}"),
        ("  over unitaries of", f"{info['ergotropy_unitaries']}"),
    ]
    return quantity_table(f"Dicke battery, N = {params.n_atoms}, g = {params.coupling}", rows)


@handle_errors(
    quantities=dict.fromkeys(
        ("coupling", "omega_a", "omega_cav", "omega_c", "eta", "drive"), "model_energy"
    )
)
def dicke_scaling_command(
    n_atoms: str | None = typer.Option(
        None, "--n-atoms", help="Comma-separated N, e.g. 1,2,4,8,16 (required)."
    ),
    coupling: float = typer.Option(..., "--coupling", help="Atom–cavity coupling g."),
    omega_a: float = _OMEGA_A,
    omega_cav: float = _OMEGA_CAV,
    eta: float = typer.Option(0.0, "--eta", help="Atom–atom interaction η."),
    drive: float = typer.Option(0.0, "--drive", help="Driving field Ω."),
    cutoff_factor: int = typer.Option(
        4, "--cutoff-factor", help="Photon cutoff = factor × N (≥ 1)."
    ),
    t_max: float | None = typer.Option(
        None, "--t-max", help="Same grid end for every N (default π/(g√N) per N)."
    ),
    steps: int = typer.Option(400, "--steps", help="Points of each grid."),
    as_json: bool = _JSON,
    plot: Path | None = output_option("--plot", help="Save the log–log plot here."),
    checkpoint: Path | None = typer.Option(
        None,
        "--checkpoint",
        help="Sweep store (.zarr): each N is stored as it is done; rerun to resume.",
    ),
    atoms: str | None = old_option("--atoms"),
    omega_c: float | None = old_option("--omega-c"),
) -> None:
    """Fit Pmax ∝ N^α over several N (review §2.3.5, Fig. 12)."""
    from ssbattery.quantum.dicke_scaling import dicke_scaling

    text = renamed_option(n_atoms, atoms, new="--n-atoms", old="--atoms")
    ns = parse_int_list(text, "--n-atoms" if atoms is None else "--atoms")
    with warnings_to_stderr("default"):
        with progress_on_stderr("Dicke scaling") as update:
            result = dicke_scaling(
                ns,
                coupling,
                omega_a=omega_a,
                omega_cav=renamed_option(omega_cav, omega_c, new="--omega-cav", old="--omega-c"),
                eta=eta,
                drive=drive,
                cutoff_factor=cutoff_factor,
                t_max=t_max,
                steps=steps,
                progress=update,
                checkpoint=checkpoint,
            )
    if plot is not None:
        from ssbattery.plotting.dicke import plot_dicke_scaling

        save_plot(plot_dicke_scaling(result).get_figure(root=True), plot)
    if as_json:
        print_json(result.to_dict())
        return
    console.print(_scaling_table(result, coupling))


def _scaling_table(result: ScalingResult, coupling: float) -> Any:
    fit = result.fit
    title = (
        f"Pmax ∝ N^α: α = {fit.exponent:.4f} ± {fit.stderr:.4f}, R² = {fit.r2:.5f} (g = {coupling})"
    )
    columns = ("N", "P_max [ωc²]", "t(P_max) [1/ωc]", "E_max [ωc]", "t_max [1/ωc]")
    rows = zip(
        result.n_atoms,
        result.power_max,
        result.t_power_max,
        result.energy_max,
        result.t_max,
        strict=True,
    )
    records = [
        dict(zip(columns, (str(n), f"{p:.8g}", f"{tp:.5g}", f"{e:.8g}", f"{tm:.5g}"), strict=True))
        for n, p, tp, e, tm in rows
    ]
    return record_table(title, records, {c: c for c in columns})
