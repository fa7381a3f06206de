"""From spectra at several temperatures to bulk, grain-boundary and total activation energies.

Pipeline: read each file (temperature from its name or given) → fit the circuit with automatic
starting values → Lin-KK check → σ = L/(R A) per arc and total → weighted Arrhenius fit of each
contribution (review §1.1, σ = (A/T) e^{−Ea/k_BT} by default, ``form="plain"`` for σ0 e^{…})
→ σ at 25 °C with propagated errors. Every result names the Arrhenius form it used.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

from ssbattery._deprecation import renamed_method
from ssbattery.electrolytes.impedance.circuits import DEFAULT_CIRCUIT, CircuitFit, fit_spectrum
from ssbattery.electrolytes.impedance.conductivity import Pellet, conductivity_s_per_cm
from ssbattery.electrolytes.impedance.fit_io import arc_entry
from ssbattery.electrolytes.impedance.kk import LinKKResult, lin_kk
from ssbattery.electrolytes.impedance.readers import SUPPORTED_SUFFIXES, Spectrum, read_spectrum
from ssbattery.electrolytes.impedance.temperatures import (
    temperature_from_name,
    temperature_pattern_text,
)
from ssbattery.electrolytes.transport import (
    ArrheniusFit,
    ArrheniusForm,
    fit_arrhenius,
    s_per_cm_to_s_per_m,
)
from ssbattery.errors import DataFormatError, InvalidParameterError, ValidityWarning
from ssbattery.results import Quantity, quantity_dict
from ssbattery.validation import require_quantity

if TYPE_CHECKING:
    import pandas as pd

    from ssbattery.electrolytes.impedance.joint import JointArrheniusFit

__all__ = [
    "ARRHENIUS_ERRORS_DOC",
    "CONTRIBUTIONS",
    "FIT_ERRORS_DOC",
    "ArrheniusAnalysis",
    "SpectrumAnalysis",
    "analyse_spectrum",
    "analyse_temperature_series",
    "collect_spectrum_files",
    "extrapolation_k",
    "extrapolation_note",
    "prediction_error_ln",
]

#: The conductivity contributions analysed, in this order.
CONTRIBUTIONS: tuple[str, ...] = ("bulk", "grain boundary", "total")
_T25_K = 298.15
#: How the two-step Arrhenius fit weights each temperature's σ.
Weighting = Literal["inverse-variance", "unweighted"]
_WEIGHTINGS: tuple[str, ...] = get_args(Weighting)
#: What the ± of a circuit fit means (the covariance source), for the JSON output.
FIT_ERRORS_DOC = (
    "1-sigma standard errors: covariance s^2 (J^T J)^-1, J the finite-difference Jacobian of "
    "the 1/|Z|-weighted residuals at the optimum (in ln p / logit n, mapped back), s^2 the "
    "residual variance |r|^2/(N - P); assumes the circuit is right and independent noise"
)
#: What the ± of each two-step Arrhenius weighting means, for the JSON output.
ARRHENIUS_ERRORS_DOC = {
    "inverse-variance": "weighted least squares of ln(sigma T) (or ln sigma) on 1/T, weights "
    "1/(d sigma/sigma)^2 from each spectrum's fit; covariance (X^T W X)^-1 times "
    "max(1, reduced chi^2) (Birge ratio); 1-sigma standard errors",
    "unweighted": "ordinary least squares of ln(sigma T) (or ln sigma) on 1/T; covariance "
    "s^2 (X^T X)^-1 with s^2 the residual variance; 1-sigma standard errors",
}


@dataclass(frozen=True)
class SpectrumAnalysis:
    """One spectrum: its fit, Lin-KK verdict and σ [S/cm] ± error per contribution."""

    spectrum: Spectrum
    fit: CircuitFit
    kk: LinKKResult | None
    pellet: Pellet
    sigma_s_cm: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: Brick-layer specific grain-boundary σ = (L/(R_gb A))(C_bulk/C_gb) [S/cm] ± error.
    sigma_gb_specific_s_cm: tuple[float, float] | None = None

    summary = renamed_method("to_dict")

    def __str__(self) -> str:
        sig = "; ".join(
            f"σ_{k} = {1e3 * v:.4g} ± {1e3 * e:.2g} mS/cm" for k, (v, e) in self.sigma_s_cm.items()
        )
        return f"{self.fit}\n  {sig}" if sig else str(self.fit)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary, units in the keys (``"temperature [K]"``, arcs as
        :func:`.fit_io.arc_entry`, σ per contribution ``{"bulk": {"conductivity [mS/cm]": …,
        "conductivity error [mS/cm]": …}}``)."""
        gsp = self.sigma_gb_specific_s_cm
        return {
            "file": self.spectrum.source,
            "file_format": self.spectrum.file_format,
            "imag_column_in_file": self.spectrum.imag_column,
            "temperature [K]": self.spectrum.temperature_k,
            "n_points": self.spectrum.n_points,
            "circuit": self.fit.circuit,
            # each parameter names its own unit (impedance.py's)
            "parameters": [
                {"name": p.name, "value": p.value, "stderr": p.stderr, "unit": p.unit}
                for p in self.fit.parameters
            ],
            "initial_guess [parameter units]": list(self.fit.initial_guess),
            "errors": FIT_ERRORS_DOC,
            "parameter_correlation [1]": _correlation(self.fit.covariance).tolist(),
            "arcs": [arc_entry(a) for a in self.fit.arcs],
            "total_resistance [Ω]": self.fit.total_resistance_ohm,
            "rms_relative_residual [1]": self.fit.rms_relative_residual,
            "lin_kk": None
            if self.kk is None
            else {
                "M": self.kk.M,
                "mu [1]": self.kk.mu,
                "rms_residual [1]": self.kk.rms_residual,
                "max_abs_residual [1]": self.kk.max_abs_residual,
                "threshold_rms [1]": self.kk.threshold,
                "passed": self.kk.passed,
            },
            "thickness [cm]": self.pellet.thickness_cm,
            "area [cm²]": self.pellet.area_cm2,
            "conductivity": {k: _mS_cm("conductivity", v) for k, v in self.sigma_s_cm.items()},
            "grain_boundary_specific_conductivity": None
            if gsp is None
            else {
                **_mS_cm("conductivity", gsp),
                "law": "sigma_gb,sp = (L/(R_gb A)) (C_bulk/C_gb) (brick layer; errors of R_gb, "
                "C_bulk, C_gb combined, correlations between the arcs neglected)",
            },
            "notes": list(self.fit.notes),
        }


def _mS_cm(name: str, value_error_s_cm: tuple[float, float]) -> dict[str, float]:
    """``{"name [mS/cm]": v, "name error [mS/cm]": e}`` from (v, e) in S/cm."""
    v, e = value_error_s_cm
    return quantity_dict([Quantity(name, 1e3 * v, "mS/cm", 1e3 * e)])


@dataclass(frozen=True)
class ArrheniusAnalysis:
    """Spectra at several temperatures and the Arrhenius fit of each contribution."""

    form: ArrheniusForm
    circuit: str
    pellet: Pellet
    spectra: tuple[SpectrumAnalysis, ...]
    fits: dict[str, ArrheniusFit]
    sigma_25C_s_cm: dict[str, tuple[float, float]]
    #: ``"inverse-variance"`` (default) or ``"unweighted"``: how :attr:`fits` weighted each σ.
    weighting: str = "inverse-variance"
    #: The same fits with the other weighting (both are reported).
    alternative_fits: dict[str, ArrheniusFit] = field(default_factory=dict)
    #: σ(25 °C) [S/cm] ± the *prediction* error: the fit's error and the scatter of the
    #: measured points about the line, combined (use it when 25 °C is extrapolated).
    sigma_25C_prediction_s_cm: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: The joint fit (``joint=True``), else None.
    joint: JointArrheniusFit | None = None

    @property
    def extrapolation_k(self) -> float:
        """How far 25 °C lies outside the measured range [K] (0 inside it, > 0 outside)."""
        return extrapolation_k(self.temperatures_k)

    @property
    def temperatures_k(self) -> np.ndarray:
        """Temperature of each analysed spectrum, K."""
        return np.array([s.spectrum.temperature_k for s in self.spectra], dtype=float)

    summary = renamed_method("to_dict")

    def __str__(self) -> str:
        lines = [f"Arrhenius analysis of {len(self.spectra)} spectra, {self.circuit}"]
        for k, f in self.fits.items():
            lines.append(f"  {k}: {str(f).splitlines()[0]}")
        for k, (v, e) in self.sigma_25C_s_cm.items():
            lines.append(f"  σ_{k}(25 °C) = {1e3 * v:.4g} ± {1e3 * e:.2g} mS/cm")
        lines.extend(f"  note: {n}" for n in self.notes)
        if self.joint is not None:
            lines.append(str(self.joint))
        return "\n".join(lines)

    @property
    def notes(self) -> tuple[str, ...]:
        """Caveats: a negative Ea (unphysical), σ(25 °C) extrapolated outside the data."""
        out = []
        negative = {k: f.Ea_eV for k, f in self.fits.items() if f.Ea_eV < 0}
        if negative:
            shown = ", ".join(f"{k} {v:+.3f} eV" for k, v in negative.items())
            out.append(
                f"unphysical negative activation energy ({shown}): σ falls as T rises, which "
                "thermally activated ion transport does not do; check that each file has its "
                "temperature (given temperatures pair with the files in the order given, a "
                "folder's in natural name order) and that the arcs are labelled alike at "
                "every temperature."
            )
        if self.extrapolation_k > 0:
            out.append(self._extrapolation_note())
        return tuple(out)

    def _extrapolation_note(self) -> str:
        return extrapolation_note(self.temperatures_k)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary, units in the keys: per contribution (``"bulk"``…) Ea ±
        error, ln prefactor, their correlation and σ(25 °C); the form and weighting used."""
        law = "sigma = (A/T) exp(-Ea/kT)" if self.form == "A/T" else "sigma = sigma0 exp(-Ea/kT)"
        ln_unit = "ln(S K/m)" if self.form == "A/T" else "ln(S/m)"
        contributions = {}
        for k, f in self.fits.items():
            contributions[k] = {
                **quantity_dict([Quantity("Ea", f.Ea_eV, "eV", f.Ea_err_eV)]),
                "Ea [kJ/mol]": f.Ea_kJ_mol,
                **quantity_dict(
                    [Quantity("ln_prefactor", f.ln_prefactor, ln_unit, f.ln_prefactor_err)]
                ),
                "correlation ln_prefactor-Ea [1]": float(_correlation(f.covariance)[0, 1]),
            }
            if k in self.sigma_25C_s_cm:
                contributions[k].update(_mS_cm("conductivity_25C", self.sigma_25C_s_cm[k]))
            if k in self.sigma_25C_prediction_s_cm:
                contributions[k]["conductivity_25C prediction error [mS/cm]"] = (
                    1e3 * self.sigma_25C_prediction_s_cm[k][1]
                )
        return {
            "arrhenius_form": self.form,
            "arrhenius_law": law,
            "circuit": self.circuit,
            "thickness [cm]": self.pellet.thickness_cm,
            "area [cm²]": self.pellet.area_cm2,
            "contributions": contributions,
            "conductivity_25C extrapolation [K]": self.extrapolation_k,
            "weighting": self.weighting,
            "weighting_default": "inverse-variance: each sigma weighs by 1/(its relative "
            "error)^2 from its spectrum's fit, the maximum-likelihood line when those errors "
            "are the only scatter; the unweighted fit is reported beside it",
            "errors": ARRHENIUS_ERRORS_DOC[self.weighting],
            "alternative_weighting": {
                "weighting": _other(self.weighting),
                "errors": ARRHENIUS_ERRORS_DOC[_other(self.weighting)],
                "contributions": {
                    k: quantity_dict([Quantity("Ea", f.Ea_eV, "eV", f.Ea_err_eV)])
                    for k, f in self.alternative_fits.items()
                },
            },
            "notes": list(self.notes),
            "joint": None if self.joint is None else self.joint.to_dict(),
            "spectra": [s.to_dict() for s in self.spectra],
        }

    def to_dataframe(self) -> pd.DataFrame:
        """Ea ± error, prefactor and σ(25 °C) per contribution as a pandas DataFrame."""
        from ssbattery.interop.pandas import arrhenius_to_dataframe

        return arrhenius_to_dataframe(self)


def analyse_spectrum(
    spectrum: Spectrum | str | Path,
    pellet: Pellet,
    *,
    circuit: str = DEFAULT_CIRCUIT,
    run_kk: bool = True,
    kk_threshold: float = 0.02,
) -> SpectrumAnalysis:
    """Fit one spectrum (a :class:`Spectrum` or a file) and compute σ per arc and total.

    ``circuit="auto"``: the DRT (:func:`.drt.compute_drt`) decides the number of arcs and the
    starting values (:func:`.drt.circuit_from_drt`). It is not the default: on the shipped
    example spectra it picks the default circuit, but on the measured s04147 series it picks
    5, 4, 1, 1, 4, 4 and 2 arcs at 140–200 °C, and a temperature series needs one circuit
    (BENCHMARKS.md, "Does the DRT decide the default circuit?").
    """
    spec = spectrum if isinstance(spectrum, Spectrum) else read_spectrum(spectrum)
    if circuit == "auto":
        from ssbattery.electrolytes.impedance.drt import circuit_from_drt, compute_drt

        drt = compute_drt(spec, cell_constant_per_cm=pellet.cell_constant_per_cm)
        auto_circuit, guess = circuit_from_drt(drt)
        fit = fit_spectrum(spec, auto_circuit, initial_guess=guess)
    else:
        fit = fit_spectrum(spec, circuit)
    kk = lin_kk(spec, threshold=kk_threshold) if run_kk else None
    sig: dict[str, tuple[float, float]] = {}
    for arc in fit.arcs:
        if arc.label in ("bulk", "grain boundary"):
            sig[arc.label] = conductivity_s_per_cm(
                arc.R_ohm, pellet, resistance_err_ohm=arc.R_err_ohm
            )
    sig["total"] = conductivity_s_per_cm(
        fit.total_resistance_ohm, pellet, resistance_err_ohm=fit.total_resistance_err_ohm
    )
    return SpectrumAnalysis(spec, fit, kk, pellet, sig, _gb_specific(fit, sig))


def _gb_specific(
    fit: CircuitFit, sig: dict[str, tuple[float, float]]
) -> tuple[float, float] | None:
    """σ_gb,sp = σ_gb,apparent · C_bulk/C_gb (brick layer: δ_gb/d_grain = C_bulk/C_gb)."""
    if "grain boundary" not in sig or "bulk" not in sig:
        return None
    b, g = fit.arc("bulk"), fit.arc("grain boundary")
    if not all(math.isfinite(c) and c > 0 for c in (b.C_eff_F, g.C_eff_F)):
        return None  # an arc without a capacitance (CPE exponent → 0): no brick-layer ratio
    s_app, ds = sig["grain boundary"]
    value = s_app * b.C_eff_F / g.C_eff_F
    rel = math.sqrt(
        (ds / s_app) ** 2 + (b.C_eff_err_F / b.C_eff_F) ** 2 + (g.C_eff_err_F / g.C_eff_F) ** 2
    )
    return value, value * rel


def _correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diag(cov), 1e-300, None))
    return np.asarray(cov / np.outer(sd, sd), dtype=float)


#: File stems (lower case, before the first ``.``) that document a folder of
#: spectra rather than hold one, though their suffix (``LICENSE.txt``) is a spectrum's: skipped.
_DOCUMENTATION_STEMS = frozenset(
    {"license", "licence", "copying", "readme", "notice", "changelog", "authors", "citation"}
)


def _is_documentation(p: Path) -> bool:
    """``LICENSE.txt``, ``README.txt``, ``Notice.md``… (the name before its first ``.`` is one of
    :data:`_DOCUMENTATION_STEMS`; ``notice_25C.csv`` is a spectrum's name, not skipped)."""
    return p.name.lower().split(".", 1)[0] in _DOCUMENTATION_STEMS


def _natural_key(p: Path) -> list[tuple[int, float, str]]:
    """Sort key for natural name order: ``s_2`` before ``s_10`` (digit runs compare as numbers)."""
    return [
        (0, float(part), "") if part.isascii() and part.isdigit() else (1, 0.0, part.lower())
        for part in re.split(r"([0-9]+)", p.name)
        if part
    ]


def collect_spectrum_files(inputs: Sequence[str | Path]) -> list[Path]:
    """Files to analyse: each input is a file, or a folder whose spectrum files are taken.

    A folder's files are those with a spectrum suffix (:data:`.readers.SUPPORTED_SUFFIXES`),
    in natural name order (``s_2C`` before ``s_10C``); documentation that shares a spectrum's
    suffix (``LICENSE.txt``, ``README.txt``) is skipped. Files named directly are kept.
    """
    if not inputs:
        raise InvalidParameterError("no spectrum files given; pass files or a folder.")
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                (
                    q
                    for q in p.iterdir()
                    if q.is_file()
                    and q.suffix.lower() in SUPPORTED_SUFFIXES
                    and not _is_documentation(q)
                ),
                key=_natural_key,
            )
            if not found:
                raise DataFormatError(
                    f"{p}: no spectrum files ({', '.join(SUPPORTED_SUFFIXES)}) in this folder."
                )
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise DataFormatError(f"{p}: file not found; check the path.")
    return files


#: A given temperature this far [K] from the one in the file's name contradicts it.
_NAME_TEMPERATURE_TOLERANCE_K = 2.0


def _name_temperature(item: Spectrum | Path, pattern: str | None) -> float | None:
    """The temperature [K] an item carries: a Spectrum's own, a file's from its name."""
    if isinstance(item, Spectrum):
        return item.temperature_k
    try:
        return temperature_from_name(item.name, pattern=pattern)
    except DataFormatError:  # ambiguous name: no order from it
        return None


def _order_and_check(
    items: list[Spectrum | Path], temps: list[float] | None, pattern: str | None
) -> list[Spectrum | Path]:
    """Without ``temperatures_k``: items in ascending name temperature when every name has one
    (else as given). With it: as given (its values pair with the items in that order: a
    re-sort would move them to other files); refuse values that contradict the names (the
    names' set in another order), warn when they only override them."""
    named = [_name_temperature(x, pattern) for x in items]
    if temps is None:
        if all(t is not None for t in named):
            items = [items[k] for k in sorted(range(len(items)), key=lambda k: named[k] or 0.0)]
        return items
    off = [
        (item, t_name, t)
        for item, t_name, t in zip(items, named, temps, strict=True)
        if t_name is not None and abs(t_name - t) > _NAME_TEMPERATURE_TOLERANCE_K
    ]
    if not off:
        return items
    shown = "; ".join(
        f"{_item_name(item)} (name {t_name - 273.15:g} °C) given {t - 273.15:g} °C"
        for item, t_name, t in off[:3]
    )
    given = sorted(temps)
    names = sorted(t for t in named if t is not None)
    if len(names) == len(given) and all(
        abs(a - b) <= _NAME_TEMPERATURE_TOLERANCE_K for a, b in zip(names, given, strict=True)
    ):
        raise InvalidParameterError(
            f"`temperatures_k` contradicts the temperatures in the file names: {shown}. The "
            "values pair with the files in the order given (a folder's in natural name "
            "order); give them in that order, or leave them out to read them from the names."
        )
    warnings.warn(
        f"the given temperatures override those in the file names by more than "
        f"{_NAME_TEMPERATURE_TOLERANCE_K:g} K: {shown}; the given values are used.",
        ValidityWarning,
        stacklevel=3,
    )
    return items


def _item_name(item: Spectrum | Path) -> str:
    return Path(item.source).name if isinstance(item, Spectrum) else item.name


def analyse_temperature_series(
    inputs: Sequence[str | Path | Spectrum],
    pellet: Pellet,
    *,
    temperatures_k: Sequence[float] | None = None,
    circuit: str = DEFAULT_CIRCUIT,
    form: ArrheniusForm = "A/T",
    run_kk: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
    temperature_pattern: str | None = None,
    weighting: Weighting = "inverse-variance",
    joint: bool = False,
    shared_exponents: bool = True,
) -> ArrheniusAnalysis:
    """Spectra at ≥ 2 temperatures → Arrhenius fits of bulk, grain-boundary and total σ.

    ``inputs`` are files, folders or :class:`Spectrum` objects (folders expanded by
    :func:`collect_spectrum_files`, natural name order). Temperatures come from
    ``temperatures_k`` (K, one per spectrum in the order given; a value more than 2 K from its
    file name's is refused when the given set is the names' in another order, else warned
    about and used) or else from each
    file name (``LLZO_25C.csv``, ``spectrum_298K.txt``, ``T25``; forms and ``temperature_pattern``
    in :mod:`.temperatures`). ``progress(i, n, name)`` is called after each spectrum.

    ``weighting``: the two-step line through ln(σT) vs 1/T weighs each σ by 1/(δσ/σ)² from its
    spectrum's fit (``"inverse-variance"``, default: the maximum-likelihood line when those
    errors are the scatter) or equally (``"unweighted"``); the other one is computed too
    (:attr:`ArrheniusAnalysis.alternative_fits`). ``joint=True`` adds the joint fit of all
    spectra with R(T) Arrhenius inside the model (:mod:`.joint`, with the same ``weighting``;
    ``shared_exponents``: one CPE exponent per arc for all temperatures).
    """
    if form not in ("A/T", "plain"):
        raise InvalidParameterError(f"`form` must be 'A/T' or 'plain', got {form!r}.")
    if weighting not in _WEIGHTINGS:
        raise InvalidParameterError(f"`weighting` must be one of {_WEIGHTINGS}, got {weighting!r}.")
    items: list[Spectrum | Path] = []
    for x in inputs:
        if isinstance(x, Spectrum):
            items.append(x)
        else:
            items.extend(collect_spectrum_files([x]))
    temps: list[float] | None = None
    if temperatures_k is not None:
        temps = [float(t) for t in temperatures_k]
        if len(temps) != len(items):
            raise InvalidParameterError(
                f"`temperatures_k` has {len(temps)} values for {len(items)} spectra; give one "
                "temperature per spectrum."
            )
        for t in temps:
            if not math.isfinite(t) or t <= 0:
                raise InvalidParameterError(f"`temperatures_k` must be > 0 K, got {t}.")
            require_quantity("temperatures_k", t, "temperature_K")
    items = _order_and_check(items, temps, temperature_pattern)
    spectra: list[Spectrum] = []
    for k, item in enumerate(items):
        spec = (
            item
            if isinstance(item, Spectrum)
            else read_spectrum(
                item,
                temperature_pattern=temperature_pattern,
                temperature_from_file_name=temperatures_k is None,
            )
        )
        if temps is not None:
            spec = spec.with_temperature(temps[k])
        if spec.temperature_k is None:
            tried = temperature_pattern_text(temperature_pattern)
            raise DataFormatError(
                f"{spec.source}: no temperature in the file name (tried the pattern {tried!r}); "
                "name files like 'LLZO_25C.csv', 'spectrum_298K.txt' or 'run_T25.csv', pass "
                "--temperature-pattern, or give the temperatures."
            )
        require_quantity(
            f"temperature of {Path(spec.source).name}", spec.temperature_k, "temperature_K"
        )
        spectra.append(spec)
    distinct = {s.temperature_k for s in spectra}
    if len(distinct) < 2:
        raise InvalidParameterError(
            f"an Arrhenius analysis needs spectra at ≥ 2 different temperatures, got "
            f"{len(spectra)} spectrum(s) at {len(distinct)} temperature(s)."
        )
    spectra.sort(key=lambda s: float(s.temperature_k or 0.0))
    results = []
    for k, spec in enumerate(spectra):
        results.append(analyse_spectrum(spec, pellet, circuit=circuit, run_kk=run_kk))
        if progress is not None:
            progress(k + 1, len(spectra), Path(spec.source).name)
    fits, other, sigma25, pred25 = _two_step_fits(results, form, weighting)
    joint_fit = None
    if joint:
        from ssbattery.electrolytes.impedance.joint import fit_joint_arrhenius

        partial = ArrheniusAnalysis(form, circuit, pellet, tuple(results), fits, sigma25, weighting)
        joint_fit = fit_joint_arrhenius(
            partial, shared_exponents=shared_exponents, weighting=weighting
        )
    return ArrheniusAnalysis(
        form, circuit, pellet, tuple(results), fits, sigma25, weighting, other, pred25, joint_fit
    )


def _inverse_variance_fit(
    t_k: np.ndarray, s: np.ndarray, errs: np.ndarray | None, form: ArrheniusForm
) -> ArrheniusFit:
    """Weighted line with covariance (XᵀWX)⁻¹ · max(1, χ²_red) (the Birge ratio).

    The weights are the fits' own standard errors, so they are taken as real and only inflated
    when the points scatter more than those errors say. Scaling *down* by a χ²_red < 1 (as a
    plain weighted fit does) made the errors 8× too small on a 4-temperature synthetic series
    (tests/electrolytes/impedance/test_joint.py): Ea 0.2964 ± 0.0005 eV for a true 0.30.
    """
    if errs is None:
        return fit_arrhenius(t_k, s, form=form)
    fit = fit_arrhenius(t_k, s, sigma_err_s_per_m=errs, form=form, absolute_sigma=True)
    scale = max(1.0, fit.reduced_chi2) if math.isfinite(fit.reduced_chi2) else 1.0
    cov = fit.covariance * scale
    return dataclasses.replace(
        fit,
        covariance=cov,
        Ea_err_eV=float(math.sqrt(cov[1, 1])),
        ln_prefactor_err=float(math.sqrt(cov[0, 0])),
    )


def _two_step_fits(
    results: list[SpectrumAnalysis], form: ArrheniusForm, weighting: str
) -> tuple[
    dict[str, ArrheniusFit],
    dict[str, ArrheniusFit],
    dict[str, tuple[float, float]],
    dict[str, tuple[float, float]],
]:
    """Arrhenius line of each contribution with both weightings; σ(25 °C) ± fit/prediction."""
    fits: dict[str, ArrheniusFit] = {}
    other: dict[str, ArrheniusFit] = {}
    sigma25: dict[str, tuple[float, float]] = {}
    pred25: dict[str, tuple[float, float]] = {}
    for key in CONTRIBUTIONS:
        rows = [r for r in results if key in r.sigma_s_cm]
        if len({r.spectrum.temperature_k for r in rows}) < 2:
            continue
        t_k = np.array([r.spectrum.temperature_k for r in rows], dtype=float)
        s = s_per_cm_to_s_per_m([r.sigma_s_cm[key][0] for r in rows])
        ds = s_per_cm_to_s_per_m([r.sigma_s_cm[key][1] for r in rows])
        errs = ds if np.all(ds > 0) else None
        weighted = _inverse_variance_fit(t_k, s, errs, form)
        plain = fit_arrhenius(t_k, s, form=form)
        fit, fits_other = (
            (weighted, plain) if weighting == "inverse-variance" else (plain, weighted)
        )
        fits[key], other[key] = fit, fits_other
        sigma25[key], pred25[key] = _sigma_25c(fit, t_k, s)
    return fits, other, sigma25, pred25


def _other(weighting: str) -> str:
    return "unweighted" if weighting == "inverse-variance" else "inverse-variance"


def _sigma_25c(
    fit: ArrheniusFit, t_k: np.ndarray, s_per_m: np.ndarray
) -> tuple[tuple[float, float], tuple[float, float]]:
    """σ(25 °C) [S/cm] with the fit's standard error, and with the prediction error
    (:func:`prediction_error_ln`)."""
    ln25, e25 = fit.ln_sigma(_T25_K)
    ln_i, _ = fit.ln_sigma(t_k)
    v = float(np.exp(ln25)) / 100.0
    pred = prediction_error_ln(float(e25), np.log(s_per_m), ln_i)
    return (v, v * float(e25)), (v, v * pred)


def prediction_error_ln(fit_error_ln: float, ln_measured: np.ndarray, ln_line: np.ndarray) -> float:
    """Prediction error of ln σ at a new temperature (σ(25 °C) outside the data).

    δ ln σ_pred² = (the fit's δ ln σ)² + s², s² = Σ(ln σ_i − line_i)²/(n − 2) the scatter of
    the measured points about the fitted line (0 with two points). Used by the two-step and
    the joint fit alike.
    """
    resid = np.asarray(ln_measured, dtype=float) - np.asarray(ln_line, dtype=float)
    dof = resid.size - 2
    scatter = float(np.sum(resid**2)) / dof if dof > 0 else 0.0
    return math.sqrt(fit_error_ln**2 + scatter)


def extrapolation_k(temperatures_k: np.ndarray) -> float:
    """How far 25 °C lies outside the measured temperatures [K] (0 inside, > 0 outside)."""
    t = np.asarray(temperatures_k, dtype=float)
    return float(max(t.min() - _T25_K, _T25_K - t.max(), 0.0))


def extrapolation_note(temperatures_k: np.ndarray) -> str:
    """The note for σ(25 °C) extrapolated outside ``temperatures_k``: distance, side, and
    which interval to quote."""
    t = np.asarray(temperatures_k, dtype=float)
    side = "below" if _T25_K < t.min() else "above"
    return (
        f"σ(25 °C) is extrapolated {extrapolation_k(t):.1f} K {side} the measured "
        f"{t.min():.1f}–{t.max():.1f} K: quote the prediction interval "
        "(conductivity_25C prediction error [mS/cm]), which adds the points' scatter about the "
        "line to the fit's error; a change of mechanism outside the range is not covered."
    )
