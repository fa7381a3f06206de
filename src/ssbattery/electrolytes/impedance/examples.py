"""Synthetic example spectra from a known circuit with noise (shipped so the pipeline is testable).

The circuit is ``p(R1,CPE1)-p(R2,CPE2)-CPE3`` (bulk, grain boundary, blocking electrode) of a
pellet 1.00 mm thick and 10.0 mm in diameter. Both resistances follow the review's Arrhenius
form σ = (A/T) exp(−Ea/k_BT) (so R ∝ T exp(Ea/k_BT)) with Ea = 0.30 eV (bulk) and 0.45 eV
(grain boundary); the effective capacitances are fixed (20 pF bulk, 2 nF grain boundary), so
the CPE constants follow from Q = C_eff^n / R^{1−n}. Each of Z′ and Z″ gets Gaussian noise of
standard deviation 1 % of |Z| (seed 20240690). These are *not* measurements.

Regenerate with ``python -m ssbattery.electrolytes.impedance.examples [OUT_DIR]``.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ssbattery.electrolytes.transport import K_B_EV_PER_K
from ssbattery.io import write_text

__all__ = [
    "EXAMPLE_TRUTH",
    "ExampleTruth",
    "example_spectra_dir",
    "example_spectrum",
    "model_impedance",
    "write_example_spectra",
]


@dataclass(frozen=True)
class ExampleTruth:
    """The parameters the example spectra were generated from."""

    seed: int = 20240690
    thickness_mm: float = 1.00
    diameter_mm: float = 10.0
    temperatures_c: tuple[float, ...] = (-40.0, -25.0, -10.0, 5.0, 25.0, 40.0)
    reference_temperature_k: float = 298.15
    R_bulk_ref_ohm: float = 6000.0
    R_gb_ref_ohm: float = 10000.0
    Ea_bulk_eV: float = 0.30
    Ea_gb_eV: float = 0.45
    C_bulk_F: float = 20e-12
    C_gb_F: float = 2e-9
    n_bulk: float = 0.95
    n_gb: float = 0.85
    Q_electrode: float = 2e-6
    n_electrode: float = 0.80
    f_min_hz: float = 0.1
    f_max_hz: float = 1e7
    points_per_decade: int = 10
    noise_relative: float = 0.01

    def frequencies(self) -> NDArray[np.float64]:
        decades = math.log10(self.f_max_hz / self.f_min_hz)
        n = round(decades * self.points_per_decade) + 1
        return np.logspace(math.log10(self.f_max_hz), math.log10(self.f_min_hz), n)

    def resistance(self, which: str, temperature_k: float) -> float:
        """R [Ω] of ``"bulk"`` or ``"gb"`` at T (σ = (A/T) e^{−Ea/k_BT} ⇒ R ∝ T e^{Ea/k_BT})."""
        r_ref, ea = (
            (self.R_bulk_ref_ohm, self.Ea_bulk_eV)
            if which == "bulk"
            else (self.R_gb_ref_ohm, self.Ea_gb_eV)
        )
        t0 = self.reference_temperature_k
        return (
            r_ref
            * (temperature_k / t0)
            * math.exp(ea / K_B_EV_PER_K * (1 / temperature_k - 1 / t0))
        )

    def parameters(self, temperature_k: float) -> list[float]:
        """Circuit parameters [R1, Q1, n1, R2, Q2, n2, Q3, n3] at T."""
        rb = self.resistance("bulk", temperature_k)
        rg = self.resistance("gb", temperature_k)
        qb = self.C_bulk_F**self.n_bulk / rb ** (1 - self.n_bulk)
        qg = self.C_gb_F**self.n_gb / rg ** (1 - self.n_gb)
        return [rb, qb, self.n_bulk, rg, qg, self.n_gb, self.Q_electrode, self.n_electrode]

    @property
    def area_cm2(self) -> float:
        return math.pi * (self.diameter_mm / 20.0) ** 2


EXAMPLE_TRUTH = ExampleTruth()


def model_impedance(f_hz: NDArray[np.float64], params: list[float]) -> NDArray[np.complex128]:
    """Z [Ω] of p(R1,CPE1)-p(R2,CPE2)-CPE3 (CPE: Z = 1/(Q (iω)^n)), written out directly."""
    rb, qb, nb, rg, qg, ng, qe, ne = params
    iw = 2j * np.pi * np.asarray(f_hz, dtype=float)
    z_arc1 = rb / (1 + rb * qb * iw**nb)
    z_arc2 = rg / (1 + rg * qg * iw**ng)
    return np.asarray(z_arc1 + z_arc2 + 1.0 / (qe * iw**ne), dtype=np.complex128)


def example_spectrum(
    temperature_c: float, *, truth: ExampleTruth = EXAMPLE_TRUTH, noise: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.complex128]]:
    """(f [Hz], Z [Ω]) of the example at ``temperature_c``; noise seeded by seed + index."""
    t = temperature_c + 273.15
    f = truth.frequencies()
    z = model_impedance(f, truth.parameters(t))
    if noise:
        # one stream per temperature so each file is reproducible on its own
        key = round((temperature_c + 273.15) * 100)
        rng = np.random.default_rng([truth.seed, key])
        sd = truth.noise_relative * np.abs(z)
        z = z + sd * rng.standard_normal(f.size) + 1j * sd * rng.standard_normal(f.size)
    return f, z


def example_spectra_dir() -> Path:
    """The folder of shipped example spectra (``ssbattery/electrolytes/data/example_spectra``)."""
    return Path(__file__).resolve().parents[1] / "data" / "example_spectra"


def _name(temperature_c: float) -> str:
    return f"{temperature_c:g}C".replace("-", "m")


def _write_csv(path: Path, f: NDArray[np.float64], z: NDArray[np.complex128]) -> None:
    lines = [
        "# synthetic example spectrum (see README.md): not a measurement",
        "freq_Hz,Zre_Ohm,Zim_Ohm",
    ]
    lines += [f"{a:.6e},{b.real:.6e},{b.imag:.6e}" for a, b in zip(f, z, strict=True)]
    write_text(path, "\n".join(lines) + "\n", encoding="utf-8")


def _write_gamry(path: Path, f: NDArray[np.float64], z: NDArray[np.complex128]) -> None:
    head = [
        "EXPLAIN",
        "TAG\tEISPOT",
        "TITLE\tLABEL\tPotentiostatic EIS\tTest &Identifier",
        "NOTES\tNOTES\t1\t&Notes...",
        "\tsynthetic example spectrum (ssbattery), not a measurement",
        "VDC\tPOTEN\t0.00000E+000\tF\tDC &Voltage (V)",
        f"FREQINIT\tQUANT\t{f[0]:.5E}\tInitial Fre&q. (Hz)",
        f"FREQFINAL\tQUANT\t{f[-1]:.5E}\tFinal Fre&q. (Hz)",
        "PTSPERDEC\tQUANT\t1.00000E+001\tPoints/&decade",
        "VAC\tQUANT\t1.00000E+001\tAC &Voltage (mV rms)",
        "ZCURVE\tTABLE",
        "\tPt\tTime\tFreq\tZreal\tZimag\tZsig\tZmod\tZphz\tIdc\tVdc\tIERange",
        "\t#\ts\tHz\tohm\tohm\tV\tohm\t°\tA\tV\t#",
    ]
    rows = [
        f"\t{i}\t{i + 1}\t{a:.7g}\t{b.real:.7g}\t{b.imag:.7g}\t1\t{abs(b):.7g}\t"
        f"{math.degrees(math.atan2(b.imag, b.real)):.7g}\t0\t0\t7"
        for i, (a, b) in enumerate(zip(f, z, strict=True))
    ]
    write_text(path, "\n".join(head + rows) + "\n", encoding="latin-1")


def _write_biologic(path: Path, f: NDArray[np.float64], z: NDArray[np.complex128]) -> None:
    comments = [
        "",
        "Potentio Electrochemical Impedance Spectroscopy",
        "",
        "Comments : synthetic example spectrum (ssbattery), not a measurement",
        "Electrode surface area : 0.785 cm²",
        "fi                  10.000",
        "unit fi             MHz",
        "ff                  100.000",
        "unit ff             mHz",
        "",
    ]
    cols = "freq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\tcycle number\t"
    n_header = 2 + len(comments) + 1
    lines = ["EC-Lab ASCII FILE", f"Nb header lines : {n_header}", *comments, cols]
    lines += [
        f"{a:.7E}\t{b.real:.7E}\t{-b.imag:.7E}\t{abs(b):.7E}\t"
        f"{math.degrees(math.atan2(b.imag, b.real)):.7E}\t{0.5 * i:.3f}\t1.000000E+000\t"
        for i, (a, b) in enumerate(zip(f, z, strict=True))
    ]
    write_text(path, "\n".join(lines) + "\n", encoding="latin-1")


def _write_zplot(path: Path, f: NDArray[np.float64], z: NDArray[np.complex128]) -> None:
    lines = [
        "ZPLOT2 ASCII",
        "  Measured Data, ZPlot:       synthetic example (ssbattery), not a measurement",
        "  Experiment Type:            Sweep Frequency, Control Voltage",
        "  Begin User Comments:        0",
        "  End User Comments:          0",
        f"  Data Points:                {f.size}",
        "  Freq(Hz)\tAmpl\tBias\tTime(Sec)\tZ'(a)\tZ''(b)\tGD\tErr\tRange",
        "End Comments",
    ]
    lines += [
        f"{a:.6E}\t1.0000E-02\t0.0000E+00\t{0.5 * i:.6E}\t{b.real:.6E}\t{b.imag:.6E}\t"
        "0.0000E+00\t0\t3"
        for i, (a, b) in enumerate(zip(f, z, strict=True))
    ]
    write_text(path, "\n".join(lines) + "\n", encoding="utf-8")


def write_example_spectra(
    out_dir: str | Path | None = None, *, truth: ExampleTruth = EXAMPLE_TRUTH
) -> list[Path]:
    """Write the temperature series as CSV and the 25 °C spectrum as .DTA, .mpt and .z.

    The CSV files (``example_<T>C.csv``, ``m`` for minus) are in ``out_dir``; the other formats
    (same 25 °C data) in ``out_dir/other_formats`` so a folder scan sees each temperature once.
    """
    out = Path(out_dir) if out_dir is not None else example_spectra_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for tc in truth.temperatures_c:
        f, z = example_spectrum(tc, truth=truth)
        p = out / f"example_{_name(tc)}.csv"
        _write_csv(p, f, z)
        written.append(p)
    other = out / "other_formats"
    other.mkdir(exist_ok=True)
    f, z = example_spectrum(25.0, truth=truth)
    for writer, fname in (
        (_write_gamry, "example_25C.DTA"),
        (_write_biologic, "example_25C.mpt"),
        (_write_zplot, "example_25C.z"),
    ):
        writer(other / fname, f, z)
        written.append(other / fname)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = sys.argv[1] if len(sys.argv) > 1 else None
    for path in write_example_spectra(target):
        print(path)
