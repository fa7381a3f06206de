"""Write the instrument-export fixtures of tests/electrolytes/impedance/test_readers_formats.py.

Each file holds Z = R0 + R/(1 + iωRC), R0 = 10 Ω, R = 100 Ω, C = 1 µF, at 11 frequencies from
100 kHz to 1 Hz, written in an instrument's documented text layout (see the docstring of
ssbattery.electrolytes.impedance.readers.text_formats):

* rc_nova_semicolon.txt: Autolab NOVA 2.1 "Export ASCII", European locale: ';' delimiter and
  decimal commas, header "Index;Frequency (Hz);Z' (Ω);-Z'' (Ω);Z (Ω);-Phase (°);Time (s)",
  UTF-8 with BOM, CRLF line ends.
* rc_nova_tab_utf16.txt: the same export with a tab delimiter and decimal points, UTF-16 LE
  with BOM (what Windows software writes as "Unicode").
* rc_zview.z: ZView "Calculated Data File: Version 1.1", the full 11-line header (line 10 the
  number of points), comma-separated rows with 4-digit exponents, CRLF line ends.
* rc_semicolon_decimal_comma.csv: a spreadsheet export: "f/Hz;Z'/Ohm;-Z''/Ohm", decimal commas.
* rc_utf16_nobom.csv: a plain comma CSV in UTF-16 LE without BOM.

Run from the repository root:  python tests/electrolytes/impedance/data/make_instrument_fixtures.py
"""

from __future__ import annotations

import math
from pathlib import Path

HERE = Path(__file__).parent
F = [10 ** (5 - 0.5 * k) for k in range(11)]


def rc(f: float) -> complex:
    """Z of R0 + R‖C at frequency f [Hz]."""
    return 10.0 + 100.0 / (1 + 2j * math.pi * f * 100.0 * 1e-6)


def comma(x: float, fmt: str = "{:.6g}") -> str:
    return fmt.format(x).replace(".", ",")


def nova_rows(sep: str, conv) -> list[str]:
    head = sep.join(
        ["Index", "Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)", "Z (Ω)", "-Phase (°)", "Time (s)"]
    )
    rows = [head]
    for i, f in enumerate(F, start=1):
        z = rc(f)
        phase = -math.degrees(math.atan2(z.imag, z.real))
        vals = [f, z.real, -z.imag, abs(z), phase, 0.5 * i]
        rows.append(sep.join([str(i)] + [conv(v) for v in vals]))
    return rows


def zview_rows() -> list[str]:
    rows = [
        '"ZView Calculated Data File: Version 1.1"',
        '"Raw Data"',
        '"Sweep Frequency: Control Voltage"',
        '"Date: 3-14-2024     "Time: 10:15:2"',
        '"ssbattery test fixture"',
        '"R0 + R||C, exact values"',
        '"rc_zview.z"',
        '"Frequency"',
        f"0,2,0,1,{min(F):.6G},{max(F):.6G}",
        str(len(F)),
        "\"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z'(a)    Z''(b)    GD   Err   Range\"",
    ]

    def e4(x: float) -> str:
        m, e = f"{x:.6E}".split("E")
        return f"{m}E{int(e):+05d}"

    for i, f in enumerate(F, start=1):
        z = rc(f)
        fields = [e4(f), e4(0.0), e4(0.0), e4(float(i)), e4(z.real), e4(z.imag), e4(0.0)]
        rows.append(" " + ",  ".join(fields) + ", 0, 0")
    return rows


def main() -> None:
    (HERE / "rc_nova_semicolon.txt").write_bytes(
        b"\xef\xbb\xbf" + "\r\n".join([*nova_rows(";", comma), ""]).encode("utf-8")
    )
    (HERE / "rc_nova_tab_utf16.txt").write_bytes(
        "\r\n".join([*nova_rows("\t", lambda v: f"{v:.6g}"), ""]).encode("utf-16")
    )
    (HERE / "rc_zview.z").write_bytes("\r\n".join([*zview_rows(), ""]).encode("ascii"))
    lines = ["f/Hz;Z'/Ohm;-Z''/Ohm"] + [
        f"{comma(f)};{comma(rc(f).real)};{comma(-rc(f).imag)}" for f in F
    ]
    (HERE / "rc_semicolon_decimal_comma.csv").write_text("\n".join(lines) + "\n")
    plain = ["freq,zreal,zimag"] + [f"{f:.8g},{rc(f).real:.8g},{rc(f).imag:.8g}" for f in F]
    (HERE / "rc_utf16_nobom.csv").write_bytes("\n".join([*plain, ""]).encode("utf-16-le"))


if __name__ == "__main__":
    main()
