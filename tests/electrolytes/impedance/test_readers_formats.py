"""Instrument exports (issue 13 §3): Autolab NOVA, ZView, BioLogic .mpr, ';' + decimal commas,
UTF-16; the reader registry and its sniffing; truncated files; temperatures in file names.

Fixtures (tests/electrolytes/impedance/data/make_instrument_fixtures.py) hold the exact impedance of
R0 + R‖C (R0 = 10 Ω, R = 100 Ω, C = 1 µF) at 11 frequencies from 100 kHz to 1 Hz, written in each
format's documented layout, so the values read back are checked against the formula.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from ssbattery.electrolytes.impedance.readers import (
    READERS,
    SUPPORTED_SUFFIXES,
    read_autolab,
    read_biologic_mpr,
    read_spectrum,
    read_zview,
    sniff_format,
)
from ssbattery.electrolytes.impedance.temperatures import (
    UNDERSCORE_PATTERN,
    parse_temperature,
    temperature_from_name,
)
from ssbattery.errors import DataFormatError, InvalidParameterError

DATA = Path(__file__).parent / "data"
F = np.logspace(5, 0, 11)


def _rc(f: np.ndarray) -> np.ndarray:
    return 10.0 + 100.0 / (1 + 2j * np.pi * f * 100.0 * 1e-6)


NEW_FIXTURES = [
    # name, format, what the file's imaginary column held, digits written
    ("rc_nova_semicolon.txt", "autolab", "-Z''", 1e-5),
    ("rc_nova_tab_utf16.txt", "autolab", "-Z''", 1e-5),
    ("rc_zview.z", "zview", "Z''", 1e-6),
    ("rc_semicolon_decimal_comma.csv", "csv", "-Z''", 1e-5),
    ("rc_utf16_nobom.csv", "csv", "Z''", 1e-7),
]


@pytest.mark.parametrize(("name", "fmt", "imag_column", "rtol"), NEW_FIXTURES)
def test_instrument_export_gives_the_rc_spectrum(
    name: str, fmt: str, imag_column: str, rtol: float
) -> None:
    spec = read_spectrum(DATA / name)
    assert spec.file_format == fmt
    assert spec.imag_column == imag_column
    np.testing.assert_allclose(spec.frequency_hz, F, rtol=1e-5)
    np.testing.assert_allclose(spec.z_ohm.real, _rc(F).real, rtol=rtol)
    np.testing.assert_allclose(spec.z_ohm.imag, _rc(F).imag, rtol=rtol, atol=1e-5)


def test_named_readers_and_sniffing_agree() -> None:
    a = read_autolab(DATA / "rc_nova_semicolon.txt")
    b = read_spectrum(DATA / "rc_nova_semicolon.txt")
    np.testing.assert_array_equal(a.z_ohm, b.z_ohm)
    np.testing.assert_array_equal(read_zview(DATA / "rc_zview.z").z_ohm, _zview().z_ohm)
    # content beats suffix: a ZView file saved as .z is not read as ZPlot, a NOVA export as .csv
    raw = (DATA / "rc_zview.z").read_bytes()
    assert sniff_format(Path("x.z"), raw) == "zview"
    nova = (DATA / "rc_nova_semicolon.txt").read_bytes()
    assert sniff_format(Path("x.csv"), nova) == "autolab"
    assert sniff_format(Path("x.mpr"), b"") == "biologic-mpr"
    assert ".mpr" in SUPPORTED_SUFFIXES
    assert len({r.name for r in READERS}) == len(READERS)


def _zview():  # type: ignore[no-untyped-def]
    return read_spectrum(DATA / "rc_zview.z", file_format="zview")


def test_unknown_format_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match=r"`file_format` must be one of .*zview"):
        read_spectrum(DATA / "rc_zview.z", file_format="nova")


ALL_TEXT_FIXTURES = [
    "rc_header_comma.csv",
    "rc_noheader_tab.txt",
    "rc_reordered_space.dat",
    "rc_gamry.DTA",
    "rc_biologic.mpt",
    "rc_zplot.z",
    "rc_zplot_nocomments.z",
] + [n for n, *_ in NEW_FIXTURES]


def _cut_last_row(text: str) -> tuple[str, int]:
    """The file as if writing stopped inside its last data row (that row loses its last field,
    nothing after it is written), and that row's line number."""
    from ssbattery.electrolytes.impedance.readers.text_formats import split_fields

    def numeric(line: str) -> bool:
        fields = split_fields(line)[:3]
        return len(fields) == 3 and all(re.fullmatch(r"[-+.\dEe]+", x) for x in fields)

    lines = text.splitlines()
    k = max(i for i, ln in enumerate(lines) if numeric(ln))
    row = lines[k].rstrip()
    delimiter = next(d for d in ("\t", ";", ",", " ") if d in row)
    cut = row[: row.rfind(delimiter)]
    return "\n".join([*lines[:k], cut]), k + 1


@pytest.mark.parametrize("name", ALL_TEXT_FIXTURES)
def test_truncated_file_is_refused_with_its_line(name: str, tmp_path: Path) -> None:
    from ssbattery.electrolytes.impedance.readers import decode_text

    text = decode_text((DATA / name).read_bytes(), name)
    cut, line_no = _cut_last_row(text)
    p = tmp_path / name
    p.write_text(cut, encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"{re.escape(name)}, line {line_no}:"):
        read_spectrum(p)


def test_zview_with_fewer_rows_than_declared(tmp_path: Path) -> None:
    lines = (DATA / "rc_zview.z").read_text().splitlines()
    p = tmp_path / "short.z"
    p.write_text("\n".join(lines[:-2]) + "\n")  # two whole rows lost: only the count tells
    with pytest.raises(DataFormatError, match=r"line 20: the file ends after 9 of the 11 points"):
        read_spectrum(p)


def test_zview_short_layout_without_point_count(tmp_path: Path) -> None:
    # the older two-line header: magic line, then the column header, no point count
    lines = (DATA / "rc_zview.z").read_text().splitlines()
    p = tmp_path / "short_header.z"
    p.write_text("\n".join([lines[0], lines[10], *lines[11:]]) + "\n")
    spec = read_spectrum(p)
    assert spec.file_format == "zview"
    np.testing.assert_allclose(spec.z_ohm, _rc(F), rtol=1e-6)


def test_utf16_cut_at_an_odd_byte(tmp_path: Path) -> None:
    raw = (DATA / "rc_nova_tab_utf16.txt").read_bytes()
    p = tmp_path / "odd.txt"
    p.write_bytes(raw[: len(raw) - 31])
    with pytest.raises(DataFormatError, match=r"odd\.txt, line 12:"):
        read_spectrum(p)


# --------------------------------------------------------------------------- BioLogic .mpr
_MPR_MAGIC = b"BIO-LOGIC MODULAR FILE\x1a".ljust(48) + b"\x00\x00\x00\x00"


def _module(short: bytes, long: bytes, data: bytes, version: int) -> bytes:
    """One EC-Lab MODULE block with the original header (shortname 10 B, longname 25 B, length,
    version, date 8 B), the layout galvani.BioLogic.read_VMP_modules parses."""
    header = short.ljust(10) + long.ljust(25)
    header += np.array([len(data), version], dtype="<u4").tobytes() + b"03/14/24"
    return b"MODULE" + header + data


def _mpr_bytes(f: np.ndarray, z: np.ndarray) -> bytes:
    """A minimal impedance .mpr: a settings module and a version-2 data module whose columns are
    freq/Hz (id 32), Re(Z)/Ohm (37) and -Im(Z)/Ohm (38), float32 records after 405 bytes."""
    cols = np.array([32, 37, 38], dtype="<u2")
    head = np.array([f.size], dtype="<u4").tobytes() + bytes([cols.size]) + cols.tobytes()
    head = head.ljust(405, b"\x00")
    rec = np.zeros(f.size, dtype=[("f", "<f4"), ("re", "<f4"), ("mim", "<f4")])
    rec["f"], rec["re"], rec["mim"] = f, z.real, -z.imag
    data = _module(b"VMP data", b"Data", head + rec.tobytes(), version=2)
    settings = _module(b"VMP Set", b"Potentio EIS settings", b"\x00" * 16, version=0)
    return _MPR_MAGIC + settings + data


def test_biologic_mpr_through_galvani(tmp_path: Path) -> None:
    pytest.importorskip("galvani", reason="the optional 'biologic' extra (galvani) is absent")
    p = tmp_path / "rc_25C.mpr"
    p.write_bytes(_mpr_bytes(F, _rc(F)))
    spec = read_spectrum(p)
    assert spec.file_format == "biologic-mpr"
    assert spec.imag_column == "-Z''"
    assert spec.temperature_k == pytest.approx(298.15)
    np.testing.assert_allclose(spec.z_ohm, _rc(F), rtol=1e-6)  # float32 records
    np.testing.assert_array_equal(read_biologic_mpr(p).z_ohm, spec.z_ohm)
    cut = tmp_path / "cut.mpr"
    cut.write_bytes(p.read_bytes()[:-7])
    with pytest.raises(DataFormatError, match=r"cut\.mpr: not a readable \.mpr \(\d+ bytes; trunc"):
        read_spectrum(cut)


def test_mpr_without_galvani_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "galvani", None)  # import galvani → ImportError
    p = tmp_path / "a.mpr"
    p.write_bytes(_mpr_bytes(F, _rc(F)))
    with pytest.raises(DataFormatError, match=r'pip install "ssbattery\[biologic\]"'):
        read_spectrum(p)


def test_mpr_that_is_not_one(tmp_path: Path) -> None:
    p = tmp_path / "b.mpr"
    p.write_bytes(b"not an EC-Lab file at all\n" * 3)
    with pytest.raises(DataFormatError, match=r"b\.mpr, byte 0: expected 'BIO-LOGIC"):
        read_spectrum(p)


# --------------------------------------------------------------------------- temperatures
@pytest.mark.parametrize(
    ("name", "kelvin"),
    [
        ("LLZO_25C.csv", 298.15),
        ("LLZO_25degC.csv", 298.15),
        ("LLZO_25deg.csv", 298.15),
        ("LLZO_25°C.csv", 298.15),
        ("LLZO_25 °C.txt", 298.15),
        ("LLZO_298K.csv", 298.0),
        ("LLZO_298.15K.mpr", 298.15),
        ("LLZO_T25.csv", 298.15),
        ("T25_LLZO.DTA", 298.15),
        ("LLZO_T25_25C.csv", 298.15),  # the same temperature twice is not ambiguous
        ("LiTaO3_T60.z", 333.15),  # the Ta of a formula is not a T form
        ("cell_m20C.txt", 253.15),
    ],
)
def test_each_temperature_form(name: str, kelvin: float) -> None:
    assert temperature_from_name(name) == pytest.approx(kelvin)


@pytest.mark.parametrize("name", ["LLZO_25_run1.csv", "Li6PS5Cl_CT.csv", "Li7P3S11.txt"])
def test_no_temperature_without_a_form(name: str) -> None:
    assert temperature_from_name(name) is None


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("LLZO_25C_after_80C.csv", r"'25C' \(298\.15 K\), '80C' \(353\.15 K\)"),
        ("LLZO_T25_300K.csv", r"'T25' \(298\.15 K\), '300K' \(300\.00 K\)"),
    ],
)
def test_ambiguous_name_is_an_error_showing_the_pattern(name: str, shown: str) -> None:
    with pytest.raises(DataFormatError, match=shown) as err:
        temperature_from_name(name)
    assert "tried the pattern" in str(err.value)
    assert "deg_?C" in str(err.value)  # the pattern itself is shown


def test_underscore_form_only_with_a_pattern() -> None:
    assert temperature_from_name("LLZO_25_a.csv") is None
    assert temperature_from_name("LLZO_25_a.csv", pattern="underscore") == pytest.approx(298.15)
    assert temperature_from_name("LLZO_25_a.csv", pattern=UNDERSCORE_PATTERN) == 298.15
    assert temperature_from_name("x_400_K.csv", pattern=r"_(?P<K>\d+)_") == 400.0
    with pytest.raises(DataFormatError, match=r"ambiguous.*tried the pattern '\(\?<=_\)\(\?P<C>"):
        temperature_from_name("LLZO_25_40_a.csv", pattern="underscore")
    with pytest.raises(InvalidParameterError, match="exactly one group"):
        temperature_from_name("a.csv", pattern=r"_\d+_")
    with pytest.raises(InvalidParameterError, match="not a regular expression"):
        temperature_from_name("a.csv", pattern=r"_(\d+_")


def test_parse_temperature_entries() -> None:
    assert parse_temperature("25") == pytest.approx(298.15)
    assert parse_temperature("25degC") == pytest.approx(298.15)
    assert parse_temperature("25°C") == pytest.approx(298.15)
    assert parse_temperature("298.15K") == pytest.approx(298.15)
    for bad in ("T25", "abc", "-300"):
        with pytest.raises(InvalidParameterError, match="--temperatures"):
            parse_temperature(bad)


def test_cli_arrhenius_ambiguous_name_is_one_error_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ssbattery.cli import app

    for name in ("s_25C_from_80C.csv", "s_40C.csv"):
        (tmp_path / name).write_text((DATA / "rc_header_comma.csv").read_text())
    r = CliRunner().invoke(
        app, ["eis", "arrhenius", str(tmp_path), "--thickness-mm", "1", "--diameter-mm", "10"]
    )
    assert r.exit_code == 2
    assert "ambiguous temperature" in r.output and "tried the pattern" in r.output
