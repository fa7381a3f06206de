"""From spectra at several temperatures to bulk, grain-boundary and total activation energies.

Pipeline: read each file (temperature from its name or given) → fit the circuit with automatic
starting values → Lin-KK check → σ = L/(R A) per arc and total → weighted Arrhenius fit of each
contribution (review §1.1, σ = (A/T) e^{−Ea/k_BT} by default, ``form="plain"`` for σ0 e^{…})
→ σ at 25 °C with propagated errors. Every result names the Arrhenius form it used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery._deprecation import renamed_method
from ssbattery.electrolytes.impedance.circuits import DEFAULT_CIRCUIT, CircuitFit, fit_spectrum
from ssbattery.electrolytes.impedance.conductivity import Pellet, conductivity_s_per_cm
from ssbattery.electrolytes.impedance.kk import LinKKResult, lin_kk
from ssbattery.electrolytes.impedance.readers import SUPPORTED_SUFFIXES, Spectrum, read_spectrum
from ssbattery.electrolytes.impedance.temperatures import temperature_pattern_text
from ssbattery.electrolytes.transport import (
    ArrheniusFit,
    ArrheniusForm,
    fit_arrhenius,
    s_per_cm_to_s_per_m,
)
from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.validation import require_quantity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTRIBUTIONS",
    "ArrheniusAnalysis",
    "SpectrumAnalysis",
    "analyse_spectrum",
    "analyse_temperature_series",
    "collect_spectrum_files",
]

#: The conductivity contributions analysed, in this order.
CONTRIBUTIONS: tuple[str, ...] = ("bulk", "grain boundary", "total")
_T25_K = 298.15


@dataclass(frozen=True)
class SpectrumAnalysis:
    """One spectrum: its fit, Lin-KK verdict and σ [S/cm] ± error per contribution."""

    spectrum: Spectrum
    fit: CircuitFit
    kk: LinKKResult | None
    pellet: Pellet
    sigma_s_cm: dict[str, tuple[float, float]] = field(default_factory=dict)

    summary = renamed_method("to_dict")

    def __str__(self) -> str:
        sig = "; ".join(
            f"σ_{k} = {1e3 * v:.4g} ± {1e3 * e:.2g} mS/cm" for k, (v, e) in self.sigma_s_cm.items()
        )
        return f"{self.fit}\n  {sig}" if sig else str(self.fit)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (units in the keys)."""
        return {
            "file": self.spectrum.source,
            "file_format": self.spectrum.file_format,
            "imag_column_in_file": self.spectrum.imag_column,
            "temperature_K": self.spectrum.temperature_k,
            "n_points": self.spectrum.n_points,
            "circuit": self.fit.circuit,
            "parameters": [
                {"name": p.name, "value": p.value, "stderr": p.stderr, "unit": p.unit}
                for p in self.fit.parameters
            ],
            "initial_guess": list(self.fit.initial_guess),
            "arcs": [
                {
                    "label": a.label,
                    "elements": [a.resistor, a.capacitor],
                    "R_ohm": a.R_ohm,
                    "R_err_ohm": a.R_err_ohm,
                    "Q": a.Q,
                    "Q_err": a.Q_err,
                    "n": a.n,
                    "n_err": a.n_err,
                    "C_eff_F": a.C_eff_F,
                    "C_eff_err_F": a.C_eff_err_F,
                    "apex_frequency_Hz": a.apex_frequency_hz,
                }
                for a in self.fit.arcs
            ],
            "total_resistance_ohm": self.fit.total_resistance_ohm,
            "rms_relative_residual": self.fit.rms_relative_residual,
            "lin_kk": None
            if self.kk is None
            else {
                "M": self.kk.M,
                "mu": self.kk.mu,
                "rms_residual": self.kk.rms_residual,
                "max_abs_residual": self.kk.max_abs_residual,
                "threshold_rms": self.kk.threshold,
                "passed": self.kk.passed,
            },
            "thickness_cm": self.pellet.thickness_cm,
            "area_cm2": self.pellet.area_cm2,
            "conductivity_mS_cm": {k: 1e3 * v[0] for k, v in self.sigma_s_cm.items()},
            "conductivity_err_mS_cm": {k: 1e3 * v[1] for k, v in self.sigma_s_cm.items()},
            "notes": list(self.fit.notes),
        }


@dataclass(frozen=True)
class ArrheniusAnalysis:
    """Spectra at several temperatures and the Arrhenius fit of each contribution."""

    form: ArrheniusForm
    circuit: str
    pellet: Pellet
    spectra: tuple[SpectrumAnalysis, ...]
    fits: dict[str, ArrheniusFit]
    sigma_25C_s_cm: dict[str, tuple[float, float]]

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
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: Ea ± error per contribution, σ(25 °C), the form used."""
        law = "sigma = (A/T) exp(-Ea/kT)" if self.form == "A/T" else "sigma = sigma0 exp(-Ea/kT)"
        return {
            "arrhenius_form": self.form,
            "arrhenius_law": law,
            "circuit": self.circuit,
            "thickness_cm": self.pellet.thickness_cm,
            "area_cm2": self.pellet.area_cm2,
            "activation_energy_eV": {k: f.Ea_eV for k, f in self.fits.items()},
            "activation_energy_err_eV": {k: f.Ea_err_eV for k, f in self.fits.items()},
            "activation_energy_kJ_mol": {k: f.Ea_kJ_mol for k, f in self.fits.items()},
            "ln_prefactor": {k: f.ln_prefactor for k, f in self.fits.items()},
            "ln_prefactor_err": {k: f.ln_prefactor_err for k, f in self.fits.items()},
            "prefactor_units": "S K/m" if self.form == "A/T" else "S/m",
            "conductivity_25C_mS_cm": {k: 1e3 * v[0] for k, v in self.sigma_25C_s_cm.items()},
            "conductivity_25C_err_mS_cm": {k: 1e3 * v[1] for k, v in self.sigma_25C_s_cm.items()},
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
    starting values (:func:`.drt.circuit_from_drt`).
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
    return SpectrumAnalysis(spec, fit, kk, pellet, sig)


def collect_spectrum_files(inputs: Sequence[str | Path]) -> list[Path]:
    """Files to analyse: each input is a file, or a folder whose spectrum files are taken."""
    if not inputs:
        raise InvalidParameterError("no spectrum files given; pass files or a folder.")
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q for q in p.iterdir() if q.is_file() and q.suffix.lower() in SUPPORTED_SUFFIXES
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
) -> ArrheniusAnalysis:
    """Spectra at ≥ 2 temperatures → Arrhenius fits of bulk, grain-boundary and total σ.

    ``inputs`` are files, folders or :class:`Spectrum` objects; temperatures come from
    ``temperatures_k`` (one per spectrum, in the order of the expanded inputs) or else from each
    file name (``LLZO_25C.csv``, ``spectrum_298K.txt``, ``T25``; forms and ``temperature_pattern``
    in :mod:`.temperatures`). ``progress(i, n, name)`` is called after each spectrum.
    """
    if form not in ("A/T", "plain"):
        raise InvalidParameterError(f"`form` must be 'A/T' or 'plain', got {form!r}.")
    items: list[Spectrum | Path] = []
    for x in inputs:
        if isinstance(x, Spectrum):
            items.append(x)
        else:
            items.extend(collect_spectrum_files([x]))
    if temperatures_k is not None:
        temps = [float(t) for t in temperatures_k]
        if len(temps) != len(items):
            raise InvalidParameterError(
                f"`temperatures` has {len(temps)} values for {len(items)} spectra; give one "
                "temperature per spectrum."
            )
        for t in temps:
            if not math.isfinite(t) or t <= 0:
                raise InvalidParameterError(f"`temperatures` must be > 0 K, got {t}.")
            require_quantity("temperatures", t, "temperature_K")
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
        if temperatures_k is not None:
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
    fits: dict[str, ArrheniusFit] = {}
    sigma25: dict[str, tuple[float, float]] = {}
    for key in CONTRIBUTIONS:
        rows = [r for r in results if key in r.sigma_s_cm]
        if len({r.spectrum.temperature_k for r in rows}) < 2:
            continue
        t_k = np.array([r.spectrum.temperature_k for r in rows], dtype=float)
        s = s_per_cm_to_s_per_m([r.sigma_s_cm[key][0] for r in rows])
        ds = s_per_cm_to_s_per_m([r.sigma_s_cm[key][1] for r in rows])
        fit = fit_arrhenius(t_k, s, sigma_err_s_per_m=ds if np.all(ds > 0) else None, form=form)
        fits[key] = fit
        v25, e25 = fit.predict(_T25_K)
        sigma25[key] = (float(v25) / 100.0, float(e25) / 100.0)
    return ArrheniusAnalysis(form, circuit, pellet, tuple(results), fits, sigma25)
