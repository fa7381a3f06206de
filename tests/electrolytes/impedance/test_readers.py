"""Readers of impedance exports, on small files in each format
(tests/electrolytes/impedance/data/README.md).

Every fixture holds Z = R0 + R/(1 + iωRC), R0 = 10 Ω, R = 100 Ω, C = 1 µF, at 11 frequencies
from 100 kHz to 1 Hz, so the read values are checked against the formula.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssbattery.electrolytes.impedance.readers import (
    read_biologic_mpt,
    read_gamry_dta,
    read_plain_text,
    read_spectrum,
    read_zplot_z,
    spectrum_from_arrays,
    temperature_from_name,
)
from ssbattery.errors import DataFormatError

DATA = Path(__file__).parent / "data"


def _rc(f: np.ndarray) -> np.ndarray:
    return 10.0 + 100.0 / (1 + 2j * np.pi * f * 100.0 * 1e-6)


@pytest.mark.parametrize(
    ("name", "fmt", "imag_column", "rtol"),
    [
        ("rc_header_comma.csv", "csv", "Z''", 1e-5),
        ("rc_noheader_tab.txt", "csv", "-Z''", 1e-5),
        ("rc_reordered_space.dat", "csv", "Z''", 1e-6),
        ("rc_gamry.DTA", "gamry", "Z''", 1e-6),
        ("rc_biologic.mpt", "biologic", "-Z''", 1e-6),
        ("rc_zplot.z", "zplot", "Z''", 1e-4),
        ("rc_zplot_nocomments.z", "zplot", "Z''", 1e-4),
    ],
)
def test_reader_gives_the_rc_spectrum(name: str, fmt: str, imag_column: str, rtol: float) -> None:
    spec = read_spectrum(DATA / name)
    assert spec.file_format == fmt
    assert spec.imag_column == imag_column
    assert spec.n_points == 11
    assert spec.frequency_hz[0] == pytest.approx(1e5, rel=1e-6)
    assert spec.frequency_hz[-1] == pytest.approx(1.0, rel=1e-6)
    expected = _rc(spec.frequency_hz)
    np.testing.assert_allclose(spec.z_ohm.real, expected.real, rtol=rtol)
    np.testing.assert_allclose(spec.z_ohm.imag, expected.imag, rtol=rtol, atol=1e-4)
    # capacitive convention: −Z″ > 0 on the arc
    assert np.all(spec.minus_z_imag > 0)


def test_format_specific_readers_agree_with_dispatch() -> None:
    for reader, name in (
        (read_plain_text, "rc_header_comma.csv"),
        (read_gamry_dta, "rc_gamry.DTA"),
        (read_biologic_mpt, "rc_biologic.mpt"),
        (read_zplot_z, "rc_zplot.z"),
    ):
        a = reader(DATA / name)
        b = read_spectrum(DATA / name)
        np.testing.assert_array_equal(a.z_ohm, b.z_ohm)


def test_shipped_example_formats_hold_the_same_spectrum() -> None:
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    d = example_spectra_dir()
    base = read_spectrum(d / "example_25C.csv")
    assert base.temperature_k == pytest.approx(298.15)
    for name in ("example_25C.DTA", "example_25C.mpt", "example_25C.z"):
        s = read_spectrum(d / "other_formats" / name)
        assert s.temperature_k == pytest.approx(298.15)
        np.testing.assert_allclose(s.z_ohm, base.z_ohm, rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_missing_column.csv", r"bad_missing_column\.csv: no data rows"),
        ("bad_nan.csv", r"bad_nan\.csv, line 6: Z″ is not a finite number"),
        ("bad_single_frequency.csv", r"1 data point\(s\)"),
        ("bad_not_a_spectrum.csv", r"no data rows found"),
        ("bad_biologic_no_imz.mpt", r"line 12: column '-Im\(Z\)/Ohm' not found"),
    ],
)
def test_bad_files_name_file_and_line(name: str, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        read_spectrum(DATA / name)


def test_text_after_data_names_its_line(tmp_path: Path) -> None:
    p = tmp_path / "cut.csv"
    p.write_text("1000,10,-1\n100,11,-2\n10,12,-3\noops\n")
    with pytest.raises(DataFormatError, match=r"cut\.csv, line 4: expected at least 3 numbers"):
        read_spectrum(p)


def test_missing_gamry_table_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "x.DTA"
    p.write_text("EXPLAIN\nTAG\tEISPOT\n")
    with pytest.raises(DataFormatError, match="no 'ZCURVE' table"):
        read_spectrum(p)
    with pytest.raises(DataFormatError, match="file not found"):
        read_spectrum(tmp_path / "nope.csv")


def test_negative_frequency_rejected(tmp_path: Path) -> None:
    p = tmp_path / "neg.csv"
    p.write_text("1000,10,-1\n-100,11,-2\n10,12,-3\n")
    with pytest.raises(DataFormatError, match=r"line 2: frequency must be > 0"):
        read_spectrum(p)


@given(st.booleans(), st.sampled_from([",", "\t", " ", ";"]), st.booleans())
def test_plain_text_round_trip(minus: bool, sep: str, header: bool) -> None:
    # any delimiter, either sign convention, with or without a header: the same spectrum
    import tempfile

    f = np.logspace(5, 0, 11)
    z = _rc(f)
    col = -z.imag if minus else z.imag
    lines = (["f" + sep + "Zre" + sep + "Zim"] if header else []) + [
        f"{float(a)!r}{sep}{float(b.real)!r}{sep}{float(c)!r}"
        for a, b, c in zip(f, z, col, strict=True)
    ]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.txt"
        p.write_text("\n".join(lines) + "\n")
        spec = read_spectrum(p)
    assert spec.imag_column == ("-Z''" if minus else "Z''")
    np.testing.assert_allclose(spec.z_ohm, z, rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "kelvin"),
    [
        ("LLZO_25C.csv", 298.15),
        ("spectrum_298K.txt", 298.0),
        ("LLZO_-20C.csv", 253.15),
        ("-20C.csv", 253.15),
        ("LLZO-25C.csv", 298.15),  # a hyphen after a letter separates (was read as −25 °C)
        ("s04147-140deg.txt", 413.15),
        ("example_m40C.csv", 233.15),
        ("run3_minus10C.mpt", 263.15),
        ("cell_25.5C.z", 298.65),
        ("cell_25p5degC.DTA", 298.65),
        ("Li6PS5Cl_80C.csv", 353.15),
        ("Li6PS5Cl_373.15K.csv", 373.15),
        ("T_60°C.csv", 333.15),
    ],
)
def test_temperature_from_name(name: str, kelvin: float) -> None:
    assert temperature_from_name(name) == pytest.approx(kelvin)


@pytest.mark.parametrize("name", ["Li6PS5Cl.csv", "LLZO.csv", "sample_10kHz.csv", "Li3InCl6.txt"])
def test_no_temperature_in_name(name: str) -> None:
    assert temperature_from_name(name) is None


def test_spectrum_from_arrays_checks() -> None:
    with pytest.raises(DataFormatError, match="at least 3"):
        spectrum_from_arrays([1.0], [1 - 1j])
    s = spectrum_from_arrays([3.0, 2.0, 1.0], [1 - 1j, 2 - 1j, 3 - 1j], temperature_k=300.0)
    assert s.sorted_descending().frequency_hz[0] == 3.0
    assert s.temperature_k == 300.0


@pytest.mark.parametrize(
    ("name", "instrument"),
    [
        ("rc_gamry.DTA", "gamry"),
        ("rc_biologic.mpt", "biologic"),
        ("rc_zplot.z", "zplot"),
        ("rc_zplot_nocomments.z", "zplot"),
    ],
)
def test_readers_agree_with_impedance_py(name: str, instrument: str) -> None:
    # an independent implementation of the same formats (impedance.preprocessing)
    from impedance.preprocessing import readFile

    f, z = readFile(str(DATA / name), instrument=instrument)
    spec = read_spectrum(DATA / name)
    np.testing.assert_allclose(spec.frequency_hz, f)
    np.testing.assert_allclose(spec.z_ohm, z)


def test_file_cut_inside_its_last_number_is_refused(tmp_path: Path) -> None:
    """A copy cut inside '-6.283185e-02' leaves '-6.283185e-0', a valid number 100× off (the
    RC arc's Z″ = −ωR²C/(1 + (ωRC)²) at 0.1 Hz): refused with its line when the file stops
    without a line break and the column's fixed %.6e format is broken. Whole files pass."""
    f = np.logspace(5, -1, 7)
    z = 1e4 / (1 + 1j * 2 * np.pi * f * 1e4 * 1e-9)
    text = "freq,Zreal,Zimag\n" + "\n".join(
        f"{a:.6e},{b.real:.6e},{b.imag:.6e}" for a, b in zip(f, z, strict=True)
    )
    whole = tmp_path / "whole.csv"
    whole.write_text(text)  # no final line break, every number complete: read
    assert read_spectrum(whole).z_ohm[-1].imag == pytest.approx(z[-1].imag, rel=1e-6)
    cut = tmp_path / "cut.csv"
    cut.write_text(text[:-1])
    with pytest.raises(DataFormatError, match=r"cut\.csv, line 8: .*looks cut inside"):
        read_spectrum(cut)
