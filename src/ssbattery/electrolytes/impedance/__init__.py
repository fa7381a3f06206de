"""Impedance spectra → equivalent-circuit fit → conductivity → Arrhenius (review §1.1, issue 4 §3).

Modules: :mod:`.readers` (CSV/TXT, Gamry .DTA, BioLogic .mpt, ZPlot .z), :mod:`.circuits`
(impedance.py circuit strings, automatic starting values, C_eff, arc labels), :mod:`.kk`
(Lin-KK and the KK transform), :mod:`.conductivity` (σ = L/(R A)), :mod:`.arrhenius_pipeline`
(a folder of spectra → Ea), :mod:`.examples` (synthetic example spectra). impedance.py and scipy
are imported only when a fit runs.

>>> from ssbattery.electrolytes.impedance import Pellet, analyse_temperature_series
>>> from ssbattery.electrolytes.impedance.examples import example_spectra_dir
>>> a = analyse_temperature_series([example_spectra_dir()], Pellet.from_mm(1, diameter_mm=10))
>>> round(a.fits["bulk"].Ea_eV, 2), a.form
(0.3, 'A/T')
"""

from __future__ import annotations

from ssbattery.electrolytes.impedance.arrhenius_pipeline import (
    ArrheniusAnalysis,
    SpectrumAnalysis,
    analyse_spectrum,
    analyse_temperature_series,
)
from ssbattery.electrolytes.impedance.circuits import (
    DEFAULT_CIRCUIT,
    Arc,
    CircuitFit,
    effective_capacitance,
    estimate_initial_guess,
    fit_spectrum,
)
from ssbattery.electrolytes.impedance.conductivity import Pellet, conductivity_s_per_cm
from ssbattery.electrolytes.impedance.kk import LinKKResult, kk_imag_from_real, lin_kk
from ssbattery.electrolytes.impedance.readers import (
    Spectrum,
    read_spectrum,
    spectrum_from_arrays,
    temperature_from_name,
)

__all__ = [
    "DEFAULT_CIRCUIT",
    "Arc",
    "ArrheniusAnalysis",
    "CircuitFit",
    "LinKKResult",
    "Pellet",
    "Spectrum",
    "SpectrumAnalysis",
    "analyse_spectrum",
    "analyse_temperature_series",
    "conductivity_s_per_cm",
    "effective_capacitance",
    "estimate_initial_guess",
    "fit_spectrum",
    "kk_imag_from_real",
    "lin_kk",
    "read_spectrum",
    "spectrum_from_arrays",
    "temperature_from_name",
]
