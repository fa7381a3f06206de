"""Plain CSV/TXT reader: units named in the header, headers that name other quantities,
digit-grouped numbers, white-space headers with units, columns read by position.

Every file holds one 13-point RC spectrum whose first point is f = 1e6 Hz, Z′ = 34.7045 Ω,
Z″ = −155.223 Ω (written in the units the header states).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ssbattery.electrolytes.impedance.readers import read_spectrum
from ssbattery.errors import DataFormatError

# f [Hz], Z′ [Ω], Z″ [Ω]
_ROWS = [
    (1e6, 34.7045, -155.223),
    (316228, 212.108, -401.573),
    (100000, 726.957, -450.477),
    (31622.8, 972.021, -191.146),
    (10000, 1006.07, -62.5848),
    (3162.28, 1009.61, -19.8613),
    (1000, 1009.96, -6.28294),
    (316.228, 1010, -1.98691),
    (100, 1010, -0.628318),
    (31.6228, 1010, -0.198692),
    (10, 1010, -0.0628319),
    (3.16228, 1010, -0.0198692),
    (1, 1010, -0.00628319),
]


def _write(
    tmp_path: Path, header: str | None, *, f_unit: float = 1.0, z_unit: float = 1.0,
    minus: bool = False, sep: str = ",", name: str = "s.csv",
) -> Path:  # fmt: skip
    lines = [header] if header is not None else []
    for f, zr, zi in _ROWS:
        im = -zi if minus else zi
        lines.append(sep.join(f"{v:.6g}" for v in (f / f_unit, zr / z_unit, im / z_unit)))
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _check_first_point(p: Path) -> None:
    spec = read_spectrum(p)
    assert spec.frequency_hz.size == 13
    assert spec.frequency_hz[0] == pytest.approx(1e6, rel=1e-5)
    assert spec.frequency_hz[-1] == pytest.approx(1.0, rel=1e-5)
    assert spec.z_ohm[0].real == pytest.approx(34.7045, rel=1e-5)
    assert spec.z_ohm[0].imag == pytest.approx(-155.223, rel=1e-5)
    assert spec.z_ohm[2].real == pytest.approx(726.957, rel=1e-5)


@pytest.mark.parametrize(
    ("header", "f_unit", "z_unit", "minus"),
    [
        ("Frequency (Hz),Zreal (kOhm),Zimag (kOhm)", 1.0, 1e3, False),
        ("Frequency (Hz),Z' (KOhm),Z'' (KOhm)", 1.0, 1e3, False),
        ("Frequency (Hz),Z' (kΩ),Z'' (kΩ)", 1.0, 1e3, False),
        ("Frequency (Hz),Zreal (MOhm),-Zimag (MOhm)", 1.0, 1e6, True),
        ("Frequency (Hz),Z' [MΩ],Z'' [MΩ]", 1.0, 1e6, False),
        ("Frequency (Hz),Z' (GOhm),Z'' (GOhm)", 1.0, 1e9, False),
        ("Frequency (Hz),Z' (mOhm),Z'' (mOhm)", 1.0, 1e-3, False),
        ("Frequency (Hz),Z' (mΩ),Z'' (mΩ)", 1.0, 1e-3, False),
        ("Frequency (kHz),Z' (Ohm),-Z'' (Ohm)", 1e3, 1.0, True),
        ("Frequency (KHz),Z' (Ohm),Z'' (Ohm)", 1e3, 1.0, False),
        ("f (MHz),Z' (Ohm),-Z'' (Ohm)", 1e6, 1.0, True),
        ("f (mHz),Z' (Ohm),Z'' (Ohm)", 1e-3, 1.0, False),
        ("Frequency [Hz],Z′ [Ω],Z″ [Ω]", 1.0, 1.0, False),
        ("Frequency (Hz),Z' (Ω),-Z'' (Ω)", 1.0, 1.0, True),
        ("freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm", 1.0, 1.0, True),
        ("freq/kHz,Re(Z)/kOhm,-Im(Z)/kOhm", 1e3, 1e3, True),
        ("freq,Re(Z),Im(Z)", 1.0, 1.0, False),  # no unit: × 1
        ("f,Zre,Zim", 1.0, 1.0, False),  # unrecognised names: read by position
        ("a,b,c", 1.0, 1.0, False),
    ],
)
def test_header_units_are_scaled_to_hz_and_ohm(
    tmp_path: Path, header: str, f_unit: float, z_unit: float, minus: bool
) -> None:
    _check_first_point(_write(tmp_path, header, f_unit=f_unit, z_unit=z_unit, minus=minus))


def test_units_with_semicolons_and_decimal_comma(tmp_path: Path) -> None:
    p = tmp_path / "de.csv"
    rows = [f"{f:.6g};{zr / 1e3:.6g};{zi / 1e3:.6g}".replace(".", ",") for f, zr, zi in _ROWS]
    p.write_text("Frequenz (Hz);Realteil (kOhm);Imaginärteil (kOhm)\n" + "\n".join(rows) + "\n")
    _check_first_point(p)


@pytest.mark.parametrize(
    "header",
    [
        "omega (rad/s),Z' (Ohm),Z'' (Ohm)",
        "Frequency (rad/s),Z' (Ohm),Z'' (Ohm)",
        "ω,Z' (Ohm),Z'' (Ohm)",
    ],
)
def test_angular_frequency_refused(tmp_path: Path, header: str) -> None:
    p = _write(tmp_path, header, f_unit=1 / (2 * np.pi))
    with pytest.raises(DataFormatError, match=r"angular frequency.*Export the frequency f in Hz"):
        read_spectrum(p)


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("Frequency (Hz),Z' (Ohm cm),Z'' (Ohm cm)", "Z' (Ohm cm)"),
        ("Frequency (Hz),Z' (Ohm·cm),Z'' (Ohm·cm)", "Z' (Ohm·cm)"),
        ("Frequency (Hz),Z' (Ohm cm²),Z'' (Ohm cm²)", "Z' (Ohm cm²)"),
        ("Frequency (Hz),Z' (S),Z'' (S)", "Z' (S)"),
        ("log(f/Hz),Z' (Ohm),Z'' (Ohm)", "log(f/Hz)"),
    ],
)
def test_unknown_units_refused_naming_the_column(tmp_path: Path, header: str, label: str) -> None:
    p = _write(tmp_path, header)
    with pytest.raises(DataFormatError, match=r"is not one this reader can convert") as e:
        read_spectrum(p)
    assert repr(label) in str(e.value) and "in Ω" in str(e.value)


def test_white_space_header_with_units(tmp_path: Path) -> None:
    _check_first_point(_write(tmp_path, "Freq (Hz) Zreal (Ohm) Zimag (Ohm)", sep=" "))
    _check_first_point(_write(tmp_path, "Freq [kHz] Zreal [kOhm] Zimag [kOhm]", sep=" ",
                              f_unit=1e3, z_unit=1e3))  # fmt: skip
    p = tmp_path / "gap.dat"
    p.write_text(
        "Freq (Hz)  Z' (Ohm)  Z'' (Ohm)\n"
        + "\n".join(f"{f:.6g}  {zr:.6g}  {zi:.6g}" for f, zr, zi in _ROWS)
        + "\n"
    )
    _check_first_point(p)


@pytest.mark.parametrize(
    "header",
    [
        "Frequency (Hz),|Z| (Ohm),Phase (deg)",
        "Freq,Zmod,Zphz",
        "Frequency (Hz),Y' (S),Y'' (S)",
        "Frequency (Hz),Capacitance (F),Loss",
        "Frequency (Hz),Permittivity',Permittivity''",
        "Frequency (Hz),Modulus (Ohm),Theta (deg)",
        "Frequency (Hz),C',C''",
        "Frequency (Hz),C' (F),-C'' (F)",
        "Freq,C′,C″",
        "Frequency (Hz),Cs [nF],D",
        "Frequency (Hz),M',M''",
    ],
)
def test_header_of_other_quantities_refused(tmp_path: Path, header: str) -> None:
    p = _write(tmp_path, header)
    with pytest.raises(DataFormatError, match=r"names columns but not Z′ and Z″") as e:
        read_spectrum(p)
    assert header.split(",")[1] in str(e.value) and "[Ω]" in str(e.value)


def test_modulus_and_phase_beside_z_columns_are_read_by_name(tmp_path: Path) -> None:
    p = tmp_path / "mp.csv"
    p.write_text(
        "Freq (Hz),|Z| (Ohm),Phase (deg),Z' (Ohm),-Z'' (Ohm)\n"
        + "\n".join(
            f"{f:.6g},{abs(complex(zr, zi)):.6g},{np.degrees(np.arctan2(zi, zr)):.6g},"
            f"{zr:.6g},{-zi:.6g}"
            for f, zr, zi in _ROWS
        )
        + "\n"
    )
    _check_first_point(p)


@pytest.mark.parametrize(
    ("sep", "first"),
    [
        (";", "1,000,000;34.7045;-155.223"),
        ("\t", "1,000,000.00\t34.7045\t-155.223"),
        (";", "1.000.000,00;34,7045;-155,223"),
    ],
)
@pytest.mark.parametrize("header", [True, False])
def test_digit_grouping_refused(tmp_path: Path, sep: str, first: str, header: bool) -> None:
    p = tmp_path / "g.csv"
    head = sep.join(["Frequency (Hz)", "Z' (Ohm)", "Z'' (Ohm)"]) + "\n" if header else ""
    rest = [sep.join(f"{v:.6g}" for v in r) for r in _ROWS[2:]]
    p.write_text(head + first + "\n" + sep.join(["316,228", "212.108", "-401.573"]) + "\n"
                 + "\n".join(rest) + "\n")  # fmt: skip
    line = 2 if header else 1
    with pytest.raises(DataFormatError, match=rf"line {line}: .*digit grouping"):
        read_spectrum(p)


def test_digit_grouped_first_line_not_taken_as_header(tmp_path: Path) -> None:
    # one comma group with a decimal point: not a decimal comma, so thousands
    p = tmp_path / "g1.csv"
    rest = [";".join(f"{v:.6g}" for v in r) for r in _ROWS[2:]]
    p.write_text("316,227.77;212.108;-401.573\n" + "\n".join(rest) + "\n")
    with pytest.raises(DataFormatError, match=r"line 1: .*digit grouping"):
        read_spectrum(p)


def test_single_comma_group_is_a_decimal_comma(tmp_path: Path) -> None:
    # ``316,228`` with ';' is ambiguous and read as 316.228 (decimal comma), as documented
    p = tmp_path / "dc.csv"
    p.write_text("Frequency (Hz);Z' (Ohm);Z'' (Ohm)\n316,228;212,108;-401,573\n"
                 "100;726,957;-450,477\n10;1010;-0,0628319\n")  # fmt: skip
    spec = read_spectrum(p)
    assert spec.frequency_hz[0] == pytest.approx(316.228)
    assert spec.z_ohm[0].real == pytest.approx(212.108)


def test_positional_reading_is_named_in_the_error(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(
        "\n".join(f"1.000,{f:.6g},{zr:.6g},{-zi:.6g},1.2e-6" for f, zr, zi in _ROWS) + "\n"
    )
    with pytest.raises(DataFormatError, match=r"distinct frequencies") as e:
        read_spectrum(p)
    msg = str(e.value)
    assert "read as f [Hz], Z′ [Ω], Z″ [Ω] in that order" in msg
    assert "no header" in msg and "add a header" in msg


def test_named_columns_error_has_no_positional_note(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_text("Frequency (Hz),Z' (Ohm),Z'' (Ohm)\n1,2,-3\n1,2,-3\n1,2,-3\n")
    with pytest.raises(DataFormatError, match=r"distinct frequencies") as e:
        read_spectrum(p)
    assert "in that order" not in str(e.value)


def test_title_line_is_not_read_for_units(tmp_path: Path) -> None:
    # a line before the data with another number of fields than the rows is a title
    _check_first_point(_write(tmp_path, "Measurement of LLZO (25 C) phase 2", sep=" "))
