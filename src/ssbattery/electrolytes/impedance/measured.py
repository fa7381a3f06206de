"""Measured impedance spectra that ship with the package, and the analysis published with them.

One series today: seven spectra of one solid-electrolyte pellet at 140–200 °C (sample s04147),
the MIT-licensed example data of EISFitpython (Adediwura, Mathew & Schmedt auf der Günne,
J. Mater. Chem. A 12 (2024) 15847, doi:10.1039/d3ta06237f); provenance, licence and the published
numbers are in ``data/measured_spectra/s04147/README.md`` beside the files. These are real
measurements (unlike :mod:`.examples`), so they test the pipeline against an independent
published analysis rather than against a known truth.

>>> from ssbattery.electrolytes.impedance.measured import S04147
>>> round(S04147.pellet().cell_constant_per_cm, 4), len(S04147.files())
(0.4178, 7)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssbattery.electrolytes.impedance.conductivity import Pellet

__all__ = ["S04147", "MeasuredSeries", "measured_spectra_dir"]


def measured_spectra_dir() -> Path:
    """The folder of shipped measured spectra (``ssbattery/electrolytes/data/measured_spectra``)."""
    return Path(__file__).resolve().parents[1] / "data" / "measured_spectra"


@dataclass(frozen=True)
class MeasuredSeries:
    """A shipped series of measured spectra, its pellet and the analysis published with it.

    Conductivities in S/cm, activation energies in eV (form σT = a0 exp(−Ea/k_BT)), capacitances
    in F; every ``*_err`` is the published 1σ error. ``per_temperature`` values come from one
    circuit fit per spectrum then an Arrhenius line; ``single_chi`` from one χ² over all spectra.
    """

    name: str
    thickness_mm: float
    diameter_mm: float
    temperatures_c: tuple[float, ...]
    circuit: str
    sigma_bulk_S_cm: tuple[float, ...]
    Ea_bulk_eV: float
    Ea_bulk_err_eV: float
    Ea_second_arc_eV: float
    Ea_second_arc_err_eV: float
    Ea_total_eV: float
    Ea_total_err_eV: float
    C_eff_bulk_F: tuple[float, ...]
    C_eff_second_arc_F: tuple[float, ...]
    single_chi_Ea_bulk_eV: float
    single_chi_Ea_bulk_err_eV: float
    source: str

    def folder(self) -> Path:
        """The folder holding this series' spectra, README and licence."""
        return measured_spectra_dir() / self.name

    def files(self) -> list[Path]:
        """The spectrum files, lowest temperature first."""
        return sorted(self.folder().glob(f"{self.name}-*deg.txt"), key=lambda p: p.name)

    def pellet(self) -> Pellet:
        """The pellet the spectra were measured on."""
        return Pellet.from_mm(self.thickness_mm, diameter_mm=self.diameter_mm)


#: Sample s04147: seven spectra at 140–200 °C, pellet 2.1 mm × 8.0 mm, and the analysis
#: published with them (EISFitpython's Example 3/4 reports).
S04147 = MeasuredSeries(
    name="s04147",
    thickness_mm=2.1,
    diameter_mm=8.0,
    temperatures_c=(140.0, 150.0, 160.0, 170.0, 180.0, 190.0, 200.0),
    circuit="p(R1,CPE1)-p(R2,CPE2)-CPE3",
    sigma_bulk_S_cm=(2.857e-6, 3.721e-6, 5.256e-6, 7.453e-6, 1.049e-5, 1.523e-5, 1.860e-5),
    Ea_bulk_eV=0.5869,
    Ea_bulk_err_eV=0.0163,
    Ea_second_arc_eV=0.8919,
    Ea_second_arc_err_eV=0.0025,
    Ea_total_eV=0.8555,
    Ea_total_err_eV=0.0006,
    C_eff_bulk_F=(6.996e-12, 6.847e-12, 6.640e-12, 6.397e-12, 6.062e-12, 5.787e-12, 5.756e-12),
    C_eff_second_arc_F=(
        1.741e-11,
        1.778e-11,
        1.777e-11,
        1.775e-11,
        1.788e-11,
        1.780e-11,
        1.877e-11,
    ),
    single_chi_Ea_bulk_eV=0.5694,
    single_chi_Ea_bulk_err_eV=0.0080,
    source=(
        "EISFitpython example data (Sheyigold/EISFitpython@b3f12f1, EIS_Data/Example-3-4; MIT); "
        "published analysis: its Example3/Example4 Arrhenius_Analysis_Report.txt; method: "
        "Adediwura, Mathew & Schmedt auf der Günne, J. Mater. Chem. A 12 (2024) 15847"
    ),
)
