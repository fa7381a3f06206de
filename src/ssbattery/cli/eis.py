"""``ssbattery eis``: impedance spectra → circuit fit → conductivity → activation energy.

Commands: ``fit FILE`` (one spectrum: fitted circuit with errors, arcs labelled by C_eff,
Lin-KK verdict, σ per arc and total) and ``arrhenius FILES_OR_FOLDER…`` (spectra at several
temperatures: bulk, grain-boundary and total Ea ± error and σ at 25 °C). Lengths are in mm.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ssbattery.cli._common import (
    agg_pyplot,
    command_line_text,
    console,
    err_console,
    handle_errors,
    output_option,
    print_json,
    record_table,
    save_plot,
    styled,
    warnings_to_stderr,
)

if TYPE_CHECKING:
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import ArrheniusAnalysis
    from ssbattery.electrolytes.impedance.circuits import CircuitFit
    from ssbattery.electrolytes.impedance.conductivity import Pellet

__all__ = [
    "arrhenius_command",
    "drt_command",
    "fit_command",
    "parse_temperatures",
    "register",
]

_THICKNESS_HELP = "Pellet thickness in mm (alias --thickness)."
_AREA_HELP = "Electrode area in mm² (alias --area); or give --diameter-mm."
_DIAMETER_HELP = "Pellet diameter in mm (alias --diameter); or give --area-mm2."
_CIRCUIT_HELP = (
    "impedance.py circuit string; default p(R1,CPE1)-p(R2,CPE2)-CPE3 = bulk, grain boundary, "
    "blocking electrode; 'auto' = arcs and starting values from the DRT peaks."
)


def _pellet(thickness_mm: float, area_mm2: float | None, diameter_mm: float | None) -> Pellet:
    from ssbattery.electrolytes.impedance.conductivity import Pellet
    from ssbattery.errors import InvalidParameterError

    if area_mm2 is None and diameter_mm is None:
        raise InvalidParameterError("give the electrode area (--area-mm2) or --diameter-mm.")
    if area_mm2 is not None and diameter_mm is not None:
        raise InvalidParameterError("give only one of --area-mm2 and --diameter-mm.")
    return Pellet.from_mm(thickness_mm, area_mm2=area_mm2, diameter_mm=diameter_mm)


def parse_temperatures(text: str) -> list[float]:
    """``"25,40,60"`` (°C) or ``"298.15K,313K"`` or ``"25C,40degC"`` → temperatures in K.

    Each entry goes through :func:`ssbattery.electrolytes.impedance.temperatures.parse_temperature`
    (the same parser as file names).
    """
    from ssbattery.electrolytes.impedance.temperatures import parse_temperature
    from ssbattery.errors import InvalidParameterError
    from ssbattery.validation import require_quantity

    out = []
    for raw in (item.strip() for item in text.split(",")):
        if not raw and text.strip():
            raise InvalidParameterError(
                f"`--temperatures` has an empty item in {text!r}; separate values with single "
                "commas, e.g. 25,40,60."
            )
        if raw:
            kelvin = parse_temperature(raw)
            out.append(require_quantity("--temperatures", kelvin, "temperature_K"))
    if not out:
        raise InvalidParameterError("`--temperatures` is empty; give e.g. 25,40,60 (°C).")
    return out


_SPECTRUM_HELP = "Spectrum: CSV/TXT (f, Z′, Z″), Gamry .DTA, BioLogic .mpt or ZPlot .z."


@handle_errors(api_names={"threshold": "--kk-threshold"})
def fit_command(
    file: Path = typer.Argument(..., help=_SPECTRUM_HELP),
    thickness_mm: float = typer.Option(..., "--thickness-mm", "--thickness", help=_THICKNESS_HELP),
    area_mm2: float | None = typer.Option(None, "--area-mm2", "--area", help=_AREA_HELP),
    diameter_mm: float | None = typer.Option(
        None, "--diameter-mm", "--diameter", help=_DIAMETER_HELP
    ),
    circuit: str = typer.Option("p(R1,CPE1)-p(R2,CPE2)-CPE3", "--circuit", help=_CIRCUIT_HELP),
    kk_threshold: float = typer.Option(
        0.02, "--kk-threshold", help="Lin-KK pass threshold on the rms residual (fraction)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option(
        "--plot", help="Save Nyquist + Bode with the fit (.png/.svg/.pdf)."
    ),
) -> None:
    """Fit one spectrum: parameters ± errors, arcs by C_eff, Lin-KK, σ = L/(R·A)."""
    from ssbattery.sweep.models.cell import SpectrumFit, solve_eis

    pellet = _pellet(thickness_mm, area_mm2, diameter_mm)
    with warnings_to_stderr("once"):  # truncation/validity warnings are shown, not lost
        # the `eis-fit` sweep entry (a folder of spectra is its sweep): bit for bit
        result = solve_eis(SpectrumFit(str(file), pellet, circuit, kk_threshold))
    if plot is not None:
        _save_fit_plot(result.fit, plot)
    summary = result.to_dict()
    if as_json:
        print_json(summary)
        return
    _print_fit(summary)


@handle_errors(api_names={"derivative_order": "--derivative-order", "band_level": "--band"})
def drt_command(
    file: Path = typer.Argument(..., help=_SPECTRUM_HELP),
    basis: str = typer.Option(
        "gaussian", "--basis", help="'gaussian' (RBF) or 'piecewise-linear'."
    ),
    lam_method: str = typer.Option(
        "evidence",
        "--lambda-method",
        help="How λ is chosen: 'evidence' (Bayesian marginal likelihood, default), 'gcv' "
        "(generalised cross-validation) or 'lcurve' (L-curve corner).",
    ),
    lam: float | None = typer.Option(
        None, "--lambda", help="Fix the regularisation parameter λ (overrides the method)."
    ),
    order: int = typer.Option(2, "--derivative-order", help="Penalised derivative of γ: 1 or 2."),
    band: float | None = typer.Option(
        0.9, "--band", help="Credible-band level in (0, 1); 0 to skip the band."
    ),
    band_method: str = typer.Option(
        "peak model",
        "--band-method",
        help="'peak model' (default: Laplace band of the ZARC/Havriliak-Negami peak model, "
        "where the data accept it) or 'hierarchical' (Student-t smoothness prior).",
    ),
    peak_model: bool = typer.Option(
        True,
        "--peak-model/--no-peak-model",
        help="Refine each peak's τ and R by a ZARC/Havriliak-Negami fit of the spectrum "
        "(kept where an F test accepts it); --no-peak-model keeps the γ maxima.",
    ),
    no_inductance: bool = typer.Option(
        False, "--no-inductance", help="Drop the series inductance term."
    ),
    thickness_mm: float | None = typer.Option(
        None,
        "--thickness-mm",
        "--thickness",
        help="Pellet thickness in mm: peak labels then use specific capacitances C·L/A.",
    ),
    area_mm2: float | None = typer.Option(None, "--area-mm2", "--area", help=_AREA_HELP),
    diameter_mm: float | None = typer.Option(
        None, "--diameter-mm", "--diameter", help=_DIAMETER_HELP
    ),
    fit: bool = typer.Option(
        True, "--fit/--no-fit", help="Fit the circuit the DRT peaks suggest, seeded by them."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option(
        "--plot", help="Save Nyquist + Bode + γ(τ) with its band (.png/.svg/.pdf)."
    ),
) -> None:
    """Distribution of relaxation times: γ(τ) with band, peaks (τ, R, C_eff, label)."""
    from ssbattery.electrolytes.impedance.drt import compute_drt
    from ssbattery.electrolytes.impedance.readers import read_spectrum
    from ssbattery.errors import InvalidParameterError

    cell = None
    if thickness_mm is not None:
        cell = _pellet(thickness_mm, area_mm2, diameter_mm).cell_constant_per_cm
    elif area_mm2 is not None or diameter_mm is not None:
        raise InvalidParameterError("`--area-mm2`/`--diameter-mm` need --thickness-mm too.")
    spec = read_spectrum(file)
    result = compute_drt(
        spec,
        basis=basis,  # type: ignore[arg-type]
        lam=lam,
        lam_method=lam_method,  # type: ignore[arg-type]
        derivative_order=order,
        inductance=not no_inductance,
        band_level=None if band == 0 else band,
        cell_constant_per_cm=cell,
        peak_model=peak_model,
        band_method=band_method,  # type: ignore[arg-type]
    )
    _show_drt(result, fit=fit, plot=plot, as_json=as_json)


def _show_drt(result: Any, *, fit: bool, plot: Path | None, as_json: bool) -> None:
    """The DRT's output: with ``fit`` the circuit its peaks suggest, the plot, then the
    JSON object or the tables."""
    from ssbattery.errors import SsbatteryError

    summary = result.to_dict()
    circuit_fit = None
    if fit and result.peaks:
        try:
            circuit_fit, summary["circuit_fit"] = _drt_circuit_fit(result)
        except SsbatteryError as exc:  # the DRT stands on its own: say why, keep it
            reason = command_line_text(str(exc))
            summary["notes"].append(
                f"no circuit fitted: {reason} Fit one with `ssbattery eis fit FILE --circuit`."
            )
    if plot is not None:
        _save_drt_plot(result, circuit_fit, plot)
    if as_json:
        print_json(summary)
        return
    _print_drt(summary)


def _drt_circuit_fit(result: Any) -> tuple[CircuitFit, dict[str, Any]]:
    """The circuit the DRT peaks suggest, fitted from their starting values, and its summary."""
    import warnings

    from ssbattery.electrolytes.impedance.circuits import fit_spectrum
    from ssbattery.electrolytes.impedance.drt import circuit_from_drt
    from ssbattery.electrolytes.impedance.fit_io import arc_entry

    circuit, guess = circuit_from_drt(result)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        circuit_fit = fit_spectrum(result.spectrum, circuit, initial_guess=guess)
    return circuit_fit, {
        "circuit": circuit,
        "initial_guess_from_drt [parameter units]": guess,
        "rms_relative_residual [1]": circuit_fit.rms_relative_residual,
        "arcs": [
            {**arc_entry(a), "tau [s]": (a.R_ohm * a.Q) ** (1 / a.n)} for a in circuit_fit.arcs
        ],
    }


_TEMPERATURES_HELP = (
    "One per spectrum, °C by default (25,40) or K (298.15K,313K), in the order the files are "
    "given (a folder's files in natural name order: s_5C, s_25C, s_40C); a value >2 K from "
    "its name's is refused "
    "if the names hold the same set, else warned about. Default: read from file names like "
    "LLZO_25C.csv, spectrum_298K.txt or run_T25.csv."
)
_WEIGHTING_HELP = (
    "'inverse-variance' (default: the maximum-likelihood weights for the fits' own errors) or "
    "'unweighted'. Two-step line: each σ by 1/(δσ/σ)² or equally (both are computed; this "
    "picks the headline one). --joint: each point by 1/|Z| (noise ∝ |Z|) or by 1 (Ω)."
)


@handle_errors(api_names={"temperatures_k": "--temperatures"})
def arrhenius_command(
    inputs: list[Path] = typer.Argument(
        ..., help="Spectrum files and/or folders of spectra (temperatures in the names)."
    ),
    thickness_mm: float = typer.Option(..., "--thickness-mm", "--thickness", help=_THICKNESS_HELP),
    area_mm2: float | None = typer.Option(None, "--area-mm2", "--area", help=_AREA_HELP),
    diameter_mm: float | None = typer.Option(
        None, "--diameter-mm", "--diameter", help=_DIAMETER_HELP
    ),
    temperatures: str | None = typer.Option(
        None,
        "--temperatures",
        help=_TEMPERATURES_HELP,
    ),
    temperature_pattern: str | None = typer.Option(
        None,
        "--temperature-pattern",
        help="Regular expression with one group for the temperature in the file names "
        "(group named K for kelvin, else °C), or 'underscore' for names like LLZO_25_a.csv.",
    ),
    form: str = typer.Option(
        "A/T",
        "--form",
        help="Arrhenius form: 'A/T' for σ=(A/T)exp(−Ea/kT) (review §1.1) or 'plain' for "
        "σ=σ0 exp(−Ea/kT).",
    ),
    circuit: str = typer.Option("p(R1,CPE1)-p(R2,CPE2)-CPE3", "--circuit", help=_CIRCUIT_HELP),
    weighting: str = typer.Option(
        "inverse-variance",
        "--weighting",
        help=_WEIGHTING_HELP,
    ),
    joint: bool = typer.Option(
        False, "--joint", help="Also fit all spectra at once with R(T) Arrhenius in the model."
    ),
    free_exponents: bool = typer.Option(
        False, "--free-exponents", help="Joint fit: CPE exponents free per T (default shared)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    plot: Path | None = output_option("--plot", help="Save the Arrhenius plot (.png/.svg/.pdf)."),
    fits_plot: Path | None = output_option(
        "--fits-plot", help="Save the Nyquist plot with its fit of every spectrum (.png/.svg/.pdf)."
    ),
) -> None:
    """Spectra at several temperatures → bulk, grain-boundary, total Ea ± error, σ(25 °C)."""
    from ssbattery.errors import InvalidParameterError

    if form not in ("A/T", "plain"):
        raise InvalidParameterError(f"`--form` must be 'A/T' or 'plain', got {form!r}.")
    if weighting not in ("inverse-variance", "unweighted"):
        raise InvalidParameterError(
            f"`--weighting` must be 'inverse-variance' or 'unweighted', got {weighting!r}."
        )
    pellet = _pellet(thickness_mm, area_mm2, diameter_mm)
    temps = parse_temperatures(temperatures) if temperatures is not None else None
    options = {
        "temperatures_k": temps,
        "temperature_pattern": temperature_pattern,
        "circuit": circuit,
        "form": "plain" if form == "plain" else "A/T",
        "weighting": weighting,
        "joint": joint,
        "shared_exponents": not free_exponents,
    }
    analysis = _run_series(inputs, pellet, options)
    if plot is not None:
        _save_arrhenius_plot(analysis, plot)
    if fits_plot is not None:
        _save_series_plot(analysis, fits_plot)
    summary = analysis.to_dict()
    if as_json:
        print_json(summary)
        return
    _print_arrhenius(summary)


def _run_series(inputs: list[Path], pellet: Pellet, options: dict[str, Any]) -> ArrheniusAnalysis:
    """analyse_temperature_series with a progress bar on stderr and warnings shown."""
    from rich.progress import BarColumn, Progress, TextColumn

    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_temperature_series

    with (
        Progress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=err_console,
            transient=True,
        ) as progress,
        warnings_to_stderr("once"),
    ):
        task = progress.add_task("fitting spectra", total=None)

        def tick(i: int, n: int, name: str) -> None:
            progress.update(task, completed=i, total=n, description=f"fitted {name}")

        return analyse_temperature_series(inputs, pellet, progress=tick, **options)


def register(app: typer.Typer) -> None:
    """Add the ``eis`` sub-app (``fit``, ``drt``, ``arrhenius``) to ``app``."""
    eis_app = typer.Typer(
        help="Impedance spectra → equivalent-circuit fit → conductivity → activation energy.",
        no_args_is_help=True,
    )
    eis_app.command("fit")(fit_command)
    eis_app.command("drt")(drt_command)
    eis_app.command("arrhenius")(arrhenius_command)
    app.add_typer(eis_app, name="eis")


def _save_fit_plot(fit: CircuitFit, plot: Path) -> None:
    agg_pyplot()
    from ssbattery.plotting.impedance import plot_fit_figure

    save_plot(plot_fit_figure(fit), plot, bbox_inches=None)


def _save_drt_plot(drt: Any, fit: CircuitFit | None, plot: Path) -> None:
    agg_pyplot()
    from ssbattery.plotting.impedance import plot_drt_figure

    save_plot(plot_drt_figure(drt, fit), plot, bbox_inches=None)


def _print_drt(s: dict[str, Any]) -> None:
    console.print(
        styled(str(s["file"]), "bold"),
        f"DRT ({s['basis']} basis, derivative order "
        f"{s['derivative_order']}, λ = {s['lambda [1]']:.3g} by {s['lambda_method']}), "
        f"rms residual {s['rms_relative_residual [1]']:.2%}",
        highlight=False,
    )
    console.print(
        f"R∞ = {s['R_inf [Ω]']:.4g} Ω, L = {s['inductance [H]']:.3g} H"
        + (
            f", electrode CPE Q = {s['electrode_cpe']['Q [F s^(n-1)]']:.3g}, "
            f"n = {s['electrode_cpe']['n [1]']:.3f}"
            if s["electrode_cpe"]
            else ""
        ),
        highlight=False,
    )
    pm = s.get("peak_model_terms")
    if pm:
        console.print(
            f"peak model: R∞ = {pm['R_inf [Ω]']:.4g} Ω"
            + ("" if pm["inductance [H]"] is None else f", L = {pm['inductance [H]']:.3g} H")
            + (
                f", electrode CPE Q = {pm['electrode_cpe']['Q [F s^(n-1)]']:.3g}, "
                f"n = {pm['electrode_cpe']['n [1]']:.3f}"
                if pm["electrode_cpe"]
                else ""
            ),
            highlight=False,
        )
    peaks = [
        {
            "peak": p["label"],
            "τ [s]": f"{p['tau [s]']:.4g}",
            "f [Hz]": f"{p['frequency [Hz]']:.4g}",
            "R [Ω]": f"{p['R [Ω]']:.4g}",
            "C_eff [F]": f"{p['C_eff [F]']:.3g}",
        }
        for p in s["peaks"]
    ]
    console.print(record_table("DRT peaks (R = area of γ, C_eff = τ/R)", peaks, left={"peak"}))
    if "band" in s:
        console.print(
            f"band: {s['band']['level [1]']:.0%} credible band ({s['band']['n_samples']} draws, "
            f"noise sd {s['band']['noise_sd_relative [1]']:.2%} of |Z|) — in --json and --plot",
            highlight=False,
        )
    cf = s.get("circuit_fit")
    if cf:
        console.print(
            f"circuit from the DRT: {cf['circuit']} (rms residual "
            f"{cf['rms_relative_residual [1]']:.2%}); arcs: "
            + ", ".join(f"{a['label']} R = {a['R [Ω]']:.4g} Ω" for a in cf["arcs"]),
            highlight=False,
        )
    for note in s["notes"]:
        console.print(f"note: {note}", highlight=False)


def _save_arrhenius_plot(analysis: ArrheniusAnalysis, plot: Path) -> None:
    from ssbattery.plotting.impedance import plot_arrhenius

    fig, ax = agg_pyplot().subplots(figsize=(6, 4.5))
    plot_arrhenius(analysis, ax=ax)
    fig.tight_layout()
    save_plot(fig, plot, bbox_inches=None)


def _save_series_plot(analysis: ArrheniusAnalysis, plot: Path) -> None:
    agg_pyplot()
    from ssbattery.plotting.impedance import plot_nyquist_series

    save_plot(plot_nyquist_series(analysis), plot, dpi=120, bbox_inches=None)


def _value_error(
    entry: dict[str, Any], name: str, unit: str, value_fmt: str = ".4g", error_fmt: str = ".2g"
) -> str:
    """``"v ± e"`` of ``entry["name [unit]"]`` and ``entry["name error [unit]"]``."""
    return (
        f"{entry[f'{name} [{unit}]']:{value_fmt}} ± {entry[f'{name} error [{unit}]']:{error_fmt}}"
    )


def _print_fit(s: dict[str, Any]) -> None:
    console.print(
        styled(str(s["file"]), "bold"),
        f"({s['file_format']}, imaginary column in file: "
        f"{s['imag_column_in_file']}, {s['n_points']} points"
        + (f", T = {s['temperature [K]']:.2f} K" if s["temperature [K]"] else "")
        + ")",
        highlight=False,
    )
    params = [
        {
            "parameter": p["name"],
            "value": f"{p['value']:.5g}",
            "std. error": f"{p['stderr']:.2g}",
            "unit": p["unit"],
        }
        for p in s["parameters"]
    ]
    title = f"fit of {s['circuit']} (rms residual {s['rms_relative_residual [1]']:.2%})"
    console.print(record_table(title, params, left={"parameter", "unit"}))
    sig = s["conductivity"]
    arcs = [
        {
            "arc": arc["label"],
            "R [Ω]": f"{arc['R [Ω]']:.5g} ± {arc['R error [Ω]']:.2g}",
            "C_eff [F]": f"{arc['C_eff [F]']:.3g} ± {arc['C_eff error [F]']:.2g}",
            "n": f"{arc['n [1]']:.3f}",
            "apex f [Hz]": f"{arc['apex_frequency [Hz]']:.3g}",
            "σ [mS/cm]": (
                _value_error(sig[arc["label"]], "conductivity", "mS/cm")
                if arc["label"] in sig
                else ""
            ),
        }
        for arc in s["arcs"]
    ]
    arcs.append(
        {
            "arc": "total",
            "R [Ω]": f"{s['total_resistance [Ω]']:.5g}",
            "C_eff [F]": "",
            "n": "",
            "apex f [Hz]": "",
            "σ [mS/cm]": f"{sig['total']['conductivity [mS/cm]']:.4g}",
        }
    )
    console.print(
        record_table(
            "arcs (labelled by effective capacitance C_eff = (R^(1−n) Q)^(1/n))", arcs, left={"arc"}
        )
    )
    gsp = s["grain_boundary_specific_conductivity"]
    if gsp is not None:
        console.print(
            "grain boundary, specific (brick layer, σ_gb·C_bulk/C_gb): "
            f"{_value_error(gsp, 'conductivity', 'mS/cm')} mS/cm (apparent "
            f"{sig['grain boundary']['conductivity [mS/cm]']:.4g} mS/cm)",
            highlight=False,
        )
    kk = s["lin_kk"]
    if kk:
        verdict = styled("passed", "green") if kk["passed"] else styled("failed", "red")
        console.print(
            "Lin-KK:",
            verdict,
            f"(rms residual {kk['rms_residual [1]']:.2%} vs threshold "
            f"{kk['threshold_rms [1]']:.2%}, M = {kk['M']} RC elements)",
        )
    for note in s["notes"]:
        console.print(f"note: {note}", highlight=False)


def _print_arrhenius(s: dict[str, Any]) -> None:
    alt = s["alternative_weighting"]
    alt_ea = f"Ea {alt['weighting']} [eV]"
    rows = [
        {
            "contribution": key,
            "Ea [eV]": _value_error(c, "Ea", "eV", ".4f", ".4f"),
            "Ea [kJ/mol]": f"{c['Ea [kJ/mol]']:.2f}",
            alt_ea: _value_error(alt["contributions"][key], "Ea", "eV", ".4f", ".4f"),
            "σ(25 °C) [mS/cm]": _value_error(c, "conductivity_25C", "mS/cm"),
            "prediction ±": f"{c['conductivity_25C prediction error [mS/cm]']:.2g}",
        }
        for key, c in s["contributions"].items()
    ]
    title = (
        f"Arrhenius fits, {s['arrhenius_law']} (form {s['arrhenius_form']!r}, "
        f"{s['weighting']}; ± = 1σ standard error)"
    )
    console.print(record_table(title, rows, left={"contribution"}))
    if s["joint"]:
        _print_joint(s["joint"], printed=set(s["notes"]))
    for note in s["notes"]:
        console.print(f"note: {note}", highlight=False)
    spectra = []
    for r in s["spectra"]:
        c = {k: v["conductivity [mS/cm]"] for k, v in r["conductivity"].items()}
        kk = r["lin_kk"]
        gsp = r["grain_boundary_specific_conductivity"]
        spectra.append(
            {
                "file": Path(r["file"]).name,
                "T [K]": f"{r['temperature [K]']:.2f}",
                "σ_bulk [mS/cm]": f"{c.get('bulk', float('nan')):.4g}",
                "σ_gb [mS/cm]": f"{c.get('grain boundary', float('nan')):.4g}",
                "σ_gb,sp [mS/cm]": "" if gsp is None else f"{gsp['conductivity [mS/cm]']:.4g}",
                "σ_total [mS/cm]": f"{c['total']:.4g}",
                "Lin-KK": ("pass" if kk["passed"] else "FAIL") if kk else "",
            }
        )
    console.print(record_table("spectra", spectra, left={"file", "Lin-KK"}))
    if any(r["grain_boundary_specific_conductivity"] for r in s["spectra"]):
        console.print(
            "σ_gb,sp: grain boundary, specific (brick layer, σ_gb·C_bulk/C_gb); σ_gb is the "
            "apparent value, L/(R_gb A).",
            highlight=False,
        )


def _print_joint(j: dict[str, Any], printed: set[str]) -> None:
    """The joint fit's table, Ea correlations and notes (but those in ``printed``)."""
    rows = [
        {
            "contribution": key,
            "Ea joint [eV]": _value_error(c, "Ea", "eV", ".4f", ".4f"),
            "Ea two-step [eV]": (
                _value_error(c, "two-step Ea", "eV", ".4f", ".4f")
                if "two-step Ea [eV]" in c
                else ""
            ),
            "σ(25 °C) [mS/cm]": _value_error(c, "conductivity_25C", "mS/cm"),
            "prediction ±": f"{c['conductivity_25C prediction error [mS/cm]']:.2g}",
        }
        for key, c in j["contributions"].items()
    ]
    title = (
        f"joint fit of {len(j['temperatures [K]'])} spectra (CPE exponents "
        f"{j['cpe_exponents']}, {j['weighting']}, rms residual "
        f"{j['rms_relative_residual [1]']:.2%}; "
        "± = 1σ from s²(JᵀJ)⁻¹)"
    )
    console.print(record_table(title, rows, left={"contribution"}))
    names = j["parameter_names"]
    eas = [i for i, n in enumerate(names) if n.startswith("Ea[")]
    for a in range(len(eas)):
        for b in range(a + 1, len(eas)):
            console.print(
                f"corr({names[eas[a]]}, {names[eas[b]]}) = "
                f"{j['correlation [1]'][eas[a]][eas[b]]:+.2f} (full matrix in --json)",
                highlight=False,
            )
    for note in j["notes"]:
        if note not in printed:
            console.print(f"note: {note}", highlight=False)
