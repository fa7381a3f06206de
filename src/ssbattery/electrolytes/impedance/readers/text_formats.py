"""Parsers of the text exports: plain CSV/TXT, Autolab NOVA, Gamry .DTA, BioLogic .mpt, ZPlot .z,
ZView.

Each parser takes the decoded text and the file's name and returns a
:class:`~.spectrum.Spectrum`, or raises :class:`~ssbattery.errors.DataFormatError` naming the
file, the line and what was expected. Layouts (what each parser relies on):

* **plain**: optional header lines, then rows of ≥ 3 numbers; the delimiter is a tab, ``;``,
  ``,`` or white space; with a tab, ``;`` or space delimiter a decimal comma (``12,5``) is read
  as a decimal point. Columns are found by header name (``freq``, ``Z'``/``Zreal``/``Re(Z)``,
  ``Z''``/``Zimag``/``-Im(Z)`` …), else taken as f, Z′, Z″ in that order (an error then says
  so). A white-space header's ``(Hz)``/``[Ohm]`` is joined to the name before it. Units the
  header names, ``(kOhm)``, ``[Ω]``, ``/Hz``, are converted: Ohm/Ω × 1, mOhm × 1e-3,
  kOhm × 1e3, MOhm × 1e6, GOhm × 1e9 (m and M differ); Hz × 1, mHz × 1e-3, kHz × 1e3,
  MHz × 1e6; a name without a unit is read as Hz or Ω. Refused (with the column named): an
  angular frequency (``rad/s``, ``omega``, ``ω``), a unit not in that list (``Ohm cm``,
  ``S``); a header that names |Z|/phase, admittance, capacitance or permittivity columns but
  no Z′/Z″; digit-grouped numbers (``1,000,000``, ``316,227.77``; a lone ``316,228`` is
  read as a decimal comma).
* **autolab** (Metrohm Autolab NOVA "Export ASCII"): a header ``Index;Frequency (Hz);Z' (Ω);
  -Z'' (Ω);Z (Ω);-Phase (°);Time (s)`` (NOVA 2.1; ``;`` or tab, decimal point or comma),
  then one row per frequency.
* **gamry** (Gamry Framework .DTA): the ``ZCURVE`` table, column names on the next line
  (``Freq``, ``Zreal``, ``Zimag``), units on the line after, rows indented by a tab.
* **biologic** (EC-Lab .mpt text export): ``EC-Lab ASCII FILE``, ``Nb header lines : N``,
  the column names on line N (``freq/Hz``, ``Re(Z)/Ohm``, ``-Im(Z)/Ohm``), tab-separated rows.
* **zplot** (Scribner ZPlot .z): comments ending with ``End Comments`` (or a ``Freq(Hz)``
  header), then rows ``Freq(Hz) Ampl Bias Time(Sec) Z'(a) Z''(b) …``.
* **zview** (Scribner ZView "Calculated Data File"): first line ``"ZView Calculated Data File:
  Version 1.1"``; in the full layout line 10 holds the number of points and line 11 the column
  header ``"  Freq (Hz)    Ampl     Bias   Time(Sec)   Z'(a)    Z''(b)    GD   Err   Range"``;
  rows are comma-separated, f in column 1, Z′ in 5, Z″ in 6.

Every row of a table must have as many fields as the table's first row: a shorter row (a file
cut while it was written or copied) is refused with its line number.
"""

from __future__ import annotations

import re

import numpy as np

from ssbattery.electrolytes.impedance.readers.spectrum import Spectrum, finish_spectrum
from ssbattery.errors import DataFormatError

__all__ = [
    "parse_autolab",
    "parse_biologic_mpt",
    "parse_gamry",
    "parse_plain",
    "parse_zplot",
    "parse_zview",
    "split_fields",
]

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf)$", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")


def _decimal_point(field: str) -> str:
    """``12,5`` → ``12.5`` (a field that is a number written with a decimal comma)."""
    return field.replace(",", ".") if _DECIMAL_COMMA.match(field) else field


def _cut(line: str, delimiter: str | None) -> list[str]:
    parts = line.split(delimiter) if delimiter else line.split()
    parts = [p.strip() for p in parts]
    if delimiter != ",":
        parts = [_decimal_point(p) for p in parts]
    return parts


def _numeric(parts: list[str], n: int = 3) -> bool:
    return len(parts) >= n and all(_NUMBER.match(x) for x in parts[:n])


def split_fields(line: str) -> list[str]:
    """Fields of one line: tab, then ``;``, then ``,``, then white space as the delimiter.

    With a tab, ``;`` or white-space delimiter, a decimal comma is read as a point; the first
    delimiter that gives ≥ 3 numbers wins (so ``1000 12,5 -3,4`` is three numbers).
    """
    s = line.strip()
    candidates = [d for d in ("\t", ";", ",") if d in s] + [None]
    first: list[str] | None = None
    for d in candidates:
        parts = _cut(s, d)
        if first is None:
            first = parts
        if _numeric(parts):
            return parts
    return first if first is not None else []


def _row_width_error(name: str, line_no: int, got: int, want: int, text: str) -> DataFormatError:
    return DataFormatError(
        f"{name}, line {line_no}: {got} fields where the table has {want} "
        f"(truncated or damaged row?): {text.strip()[:60]!r}."
    )


_FREQ_KEYS = ("freq", "f/hz", "frequency", "f(hz)", "hz")
_RE_KEYS = ("z'", "zreal", "re(z)", "z_re", "zre", "real", "z′", "z1")
_IM_KEYS = ("z''", "zimag", "im(z)", "z_im", "zim", "imag", "z″", "z2")


def _find_columns(header: list[str]) -> tuple[int, int, int] | None:
    low = [h.lower().replace(" ", "") for h in header]

    def first(keys: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int | None:
        for i, h in enumerate(low):
            if any(k in h for k in keys) and not any(e in h for e in exclude):
                return i
        return None

    fi = first(_FREQ_KEYS)
    ii = first(_IM_KEYS)
    ri = first(_RE_KEYS, exclude=("z''", "im", "z″"))
    if fi is None or ri is None or ii is None or len({fi, ri, ii}) < 3:
        return None
    return fi, ri, ii


def _table(
    rows: list[tuple[int, list[str], str]],
    cols: tuple[int, int, int],
    name: str,
    fmt: str,
    labels: str,
    *,
    negate_imag: bool = False,
    scale: tuple[float, float, float] = (1.0, 1.0, 1.0),
) -> Spectrum:
    """Columns ``cols`` (f, Z′, Z″ or −Z″) of ``rows`` (line number, fields, raw line).

    ``negate_imag``: the file's column is −Im(Z) by definition (BioLogic), so it is negated here.
    ``scale``: factors to Hz, Ω, Ω of the three columns (units named in a header, e.g. kΩ).
    """
    width = len(rows[0][1])
    f, zr, zi, line_nos = [], [], [], []
    for line_no, parts, raw in rows:
        if len(parts) != width:
            raise _row_width_error(name, line_no, len(parts), width, raw)
        try:
            values = [float(parts[c]) for c in cols]
        except (ValueError, IndexError):
            raise DataFormatError(
                f"{name}, line {line_no}: expected numbers under {labels}, got "
                f"{raw.strip()[:60]!r}."
            ) from None
        f.append(values[0] * scale[0])
        zr.append(values[1] * scale[1])
        zi.append((-values[2] if negate_imag else values[2]) * scale[2])
        line_nos.append(line_no)
    return finish_spectrum(np.array(f), np.array(zr), np.array(zi), name, fmt, line_nos)


# A number written with digit grouping: two or more comma groups (``1,000,000``, optionally
# ``.00``), or one comma group followed by a decimal point (``316,227.77``); dotted groups with
# a decimal comma likewise (``1.000.000,00``). A single group alone (``316,228``) is ambiguous
# with a decimal comma (316.228) and is read as one: it is not refused here.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:(?:,\d{3}){2,}(?:\.\d*)?|,\d{3}\.\d*)$")
_GROUPED_DOTS = re.compile(r"^[+-]?\d{1,3}(?:(?:\.\d{3}){2,}(?:,\d*)?|\.\d{3},\d*)$")
_ONE_GROUP = re.compile(r"^[+-]?\d{1,3},\d{3}$")


def _grouped(field: str) -> bool:
    return bool(_GROUPED.match(field) or _GROUPED_DOTS.match(field))


def _check_grouping(parts: list[str], line_no: int, text: str, name: str, header: bool) -> None:
    """Refuse digit-grouped numbers (``1,000,000``): read with the grouping commas as decimal
    commas or as delimiters they give numbers 1000× off or a shifted table."""
    bad = any(_grouped(x) for x in parts)
    if header and not bad:
        # a would-be header whose fields are all numbers, some with a digit-group comma
        bad = any(_ONE_GROUP.match(x) for x in parts) and all(
            _NUMBER.match(x) or _ONE_GROUP.match(x) or _DECIMAL_COMMA.match(x) for x in parts
        )
    if bad:
        raise DataFormatError(
            f"{name}, line {line_no}: a number is written with digit grouping (thousands "
            f"separators, e.g. '1,000,000'): {text[:60]!r}. Export the data without digit "
            "grouping (plain numbers such as 1000000 or 1e6)."
        )


def _merge_units(parts: list[str]) -> list[str]:
    """White-space header ``Freq (Hz) Zreal (Ohm)``: join ``(Hz)``/``[Ohm]`` (and a unit that
    spans tokens, ``(Ohm cm)``) to the name before it."""
    out: list[str] = []
    depth = 0
    for p in parts:
        if out and (depth > 0 or p.startswith(("(", "["))):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
        depth = max(0, depth + p.count("(") + p.count("[") - p.count(")") - p.count("]"))
    return out


def _plain_rows(text: str, name: str) -> tuple[list[str] | None, list[tuple[int, list[str], str]]]:
    header: list[str] | None = None
    rows: list[tuple[int, list[str], str]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s.startswith(("#", "%", "//")):
            continue
        parts = split_fields(s)
        if _numeric(parts):
            _check_grouping(parts, i, s, name, header=False)
            rows.append((i, parts, s))
        elif rows:
            raise DataFormatError(
                f"{name}, line {i}: expected at least 3 numbers (frequency [Hz], Z′ [Ω], Z″ [Ω])"
                f", got {s[:60]!r} (truncated or damaged row?)."
            )
        else:
            _check_grouping(parts, i, s, name, header=True)
            if not any(d in s for d in ("\t", ";", ",")):
                parts = _merge_units(parts)
            header = parts
    if rows and not text.endswith(("\n", "\r")):
        _check_last_row(rows, name)
    return header, rows


def _shape(field: str) -> tuple[int, int] | None:
    """(digits after the point, exponent digits) of a number written as 1.234e-05, else None."""
    m = re.fullmatch(r"[+-]?\d*(?:\.(\d*))?[eE][+-]?(\d+)", field)
    return None if m is None else (len(m.group(1) or ""), len(m.group(2)))


def _check_last_row(rows: list[tuple[int, list[str], str]], name: str) -> None:
    """A file that stops without a line break may be cut inside its last number: refuse the
    last row when a column that every row before writes in one fixed format (``%.6e``: the
    same digits after the point and in the exponent, in ≥ 3 rows) has fewer digits there
    (``-6.283185e-0`` for ``-6.283185e-02`` reads as a number 100× off). A column whose rows
    differ (``%g``, which drops trailing zeros) proves nothing and is not checked."""
    if len(rows) < 4:
        return
    line_no, last, raw = rows[-1]
    for c, field in enumerate(last):
        before = {_shape(r[1][c]) if c < len(r[1]) else None for r in rows[:-1]}
        if len(before) != 1 or None in before:
            continue
        digits, exponent = next(iter(before))  # type: ignore[misc]
        shape = _shape(field)
        if shape is None or shape[0] < digits or shape[1] < exponent:
            raise DataFormatError(
                f"{name}, line {line_no}: the file ends without a line break and its last row's "
                f"field {field!r} has fewer digits than the same column in every row before: "
                f"the file looks cut inside this number (truncated file?): {raw[:60]!r}. Copy "
                "the file again, or delete this row."
            )


# quantities that are not f, Z′, Z″: a header naming them (and no Z′/Z″) is not read by position
_OTHER_KEYS = (
    "|z|", "zmod", "modulus", "mod(z)", "magnitude", "phase", "zphz", "theta", "θ",
    "y'", "y′", "y''", "y″", "yre", "yim", "admittance", "siemens", "capacit", "permittiv",
    "epsilon", "ε",
)  # fmt: skip
_SIEMENS = re.compile(r"[(\[]\s*[mµu]?S\s*[)\]]|/\s*[mµu]?S\s*$")
# a capacitance column by its unit: (F), [nF], /pF
_FARAD = re.compile(r"[(\[]\s*[pnµum]?F\s*[)\]]|/\s*[pnµum]?F\s*$")
# bare symbols of other representations, matched on the whole name less its unit: complex
# capacitance C′, C″ and electric modulus M′, M″ (a substring test would catch Z names)
_OTHER_SYMBOLS = {
    f"{sign}{q}{prime}"
    for sign in ("", "-")
    for q in ("c", "m")
    for prime in ("'", "′", "''", "″", "′′")
}
_UNIT_GROUP = re.compile(r"[(\[]([^()\[\]]*)[)\]]\s*$")
_UNIT_SLASH = re.compile(r"/\s*([^/()\[\]]+?)\s*$")
# bracketed names that are part of the quantity, not a unit: Re(Z), ZPlot's Z'(a), Z''(b)
_NOT_UNITS = {"z", "a", "b", "z'", "z''", "-z''"}
_OHM = re.compile(r"^(|m|k|K|M|G)\s*(?:ohm|Ohm|OHM|ohms|Ohms|Ω|Ω)$")
_HZ = re.compile(r"^(|m|k|K|M)(?:Hz|hz|HZ)$")
_PREFIX = {"": 1.0, "m": 1e-3, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}


def _unit(label: str) -> str | None:
    """The unit a column name states: ``Z' (kOhm)``, ``Z′ [Ω]``, ``freq/Hz`` → kOhm, Ω, Hz."""
    m = _UNIT_GROUP.search(label) or _UNIT_SLASH.search(label)
    if m is None:
        return None
    unit = m.group(1).strip()
    return None if unit.lower() in _NOT_UNITS else unit


def _units_error(name: str, label: str, why: str) -> DataFormatError:
    return DataFormatError(
        f"{name}: column {label!r}: {why}. Export the frequency f in Hz and Z′, Z″ in Ω "
        "(or rename the column to state Hz, kHz, MHz, Ohm, kOhm or MOhm)."
    )


def _scale(header: list[str], cols: tuple[int, int, int], name: str) -> tuple[float, float, float]:
    """Factors to Hz and Ω from the units the header names for f, Z′, Z″ (none: × 1)."""
    factors = []
    for k, c in enumerate(cols):
        label = header[c] if c < len(header) else ""
        unit = _unit(label)
        low = label.lower()
        if k == 0:
            if "omega" in low or "ω" in label or "rad" in (unit or "").lower():
                raise _units_error(name, label, "an angular frequency ω (rad/s), not f in Hz")
            m = _HZ.match(unit) if unit else None
        else:
            m = _OHM.match(unit) if unit else None
        if unit is None:
            factors.append(1.0)
        elif m is None:
            raise _units_error(name, label, f"unit {unit!r} is not one this reader can convert")
        else:
            factors.append(_PREFIX[m.group(1)])
    return factors[0], factors[1], factors[2]


def _other_quantities(header: list[str]) -> bool:
    """The header names |Z|, phase, admittance, capacitance or permittivity columns."""
    for h in header:
        low = h.lower().replace(" ", "")
        if any(k in low for k in _OTHER_KEYS) or _SIEMENS.search(h) or _FARAD.search(h):
            return True
        unit = _UNIT_GROUP.search(h) or _UNIT_SLASH.search(h)
        base = h[: unit.start()] if unit else h
        if base.lower().replace(" ", "") in _OTHER_SYMBOLS:
            return True
    return False


def parse_plain(text: str, name: str) -> Spectrum:
    """Plain CSV/TXT (layout in the module docstring)."""
    header, rows = _plain_rows(text, name)
    if not rows:
        raise DataFormatError(
            f"{name}: no data rows found; expected lines of frequency [Hz], Z′ [Ω], Z″ [Ω] "
            "separated by commas, semicolons, tabs or spaces."
        )
    cols = _find_columns(header) if header else None
    if cols is None and header is not None and len(header) != len(rows[0][1]):
        header = None  # a title line, not column names: nothing to read from it
    if cols is None and header and _other_quantities(header):
        raise DataFormatError(
            f"{name}: the header {', '.join(header)!r} names columns but not Z′ and Z″ (it holds "
            "|Z|/phase, admittance, capacitance or permittivity); this reader needs the "
            "frequency f [Hz] and the real and imaginary parts Z′, Z″ [Ω]: export those columns."
        )
    by_position = cols is None
    cols = cols or (0, 1, 2)
    scale = _scale(header, cols, name) if header else (1.0, 1.0, 1.0)
    try:
        return _table(rows, cols, name, "csv", "frequency, Z′, Z″", scale=scale)
    except DataFormatError as e:
        if not by_position:
            raise
        why = (
            "the file has no header naming them"
            if header is None
            else "its header does not name them"
        )
        raise DataFormatError(
            f"{e} The columns were read as f [Hz], Z′ [Ω], Z″ [Ω] in that order because {why}; "
            "add a header line such as 'Frequency (Hz),Z' (Ohm),Z'' (Ohm)' naming the columns."
        ) from None


_AUTOLAB_NEED = ("Frequency (Hz)", "Z' (Ω)", "-Z'' (Ω)")


def parse_autolab(text: str, name: str) -> Spectrum:
    """Autolab NOVA ASCII export (layout in the module docstring)."""
    header, rows = _plain_rows(text, name)
    if header is None or not all(h in header for h in _AUTOLAB_NEED):
        raise DataFormatError(
            f"{name}: no NOVA header with columns {', '.join(_AUTOLAB_NEED)} found; expected an "
            "Autolab NOVA ASCII export."
        )
    if not rows:
        raise DataFormatError(f"{name}: the NOVA export has a header but no data rows.")
    cols = (header.index(_AUTOLAB_NEED[0]), header.index(_AUTOLAB_NEED[1]))
    cols3 = (*cols, header.index(_AUTOLAB_NEED[2]))
    return _table(rows, cols3, name, "autolab", ", ".join(_AUTOLAB_NEED))


def parse_gamry(text: str, name: str) -> Spectrum:
    """Gamry Framework .DTA (layout in the module docstring)."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.split("\t")[0].strip() == "ZCURVE"), None)
    if start is None:
        raise DataFormatError(
            f"{name}: no 'ZCURVE' table found; expected a Gamry .DTA impedance file."
        )
    if start + 2 >= len(lines):
        raise DataFormatError(
            f"{name}, line {start + 1}: ZCURVE table has no column header and units lines "
            "(truncated file?)."
        )
    header = [h.strip() for h in lines[start + 1].split("\t")]
    try:
        cols = (header.index("Freq"), header.index("Zreal"), header.index("Zimag"))
    except ValueError:
        raise DataFormatError(
            f"{name}, line {start + 2}: expected columns 'Freq', 'Zreal', 'Zimag' in the ZCURVE "
            f"header, got {header}."
        ) from None
    rows = []
    for j in range(start + 3, len(lines)):
        ln = lines[j]
        if not ln.strip():
            continue
        if not ln.startswith(("\t", " ")):
            break  # next block (e.g. EXPERIMENTABORTED)
        rows.append((j + 1, [_decimal_point(x.strip()) for x in ln.split("\t")], ln))
    if not rows:
        raise DataFormatError(f"{name}, line {start + 3}: the ZCURVE table has no rows.")
    return _table(rows, cols, name, "gamry", "Freq, Zreal, Zimag")


_MPT_NEED = ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm")


def parse_biologic_mpt(text: str, name: str) -> Spectrum:
    """BioLogic EC-Lab .mpt text export (layout in the module docstring)."""
    lines = text.splitlines()
    n_header = None
    for ln in lines[:5]:
        m = re.match(r"\s*Nb header lines\s*:\s*(\d+)", ln)
        if m:
            n_header = int(m.group(1))
            break
    if n_header is None:
        raise DataFormatError(
            f"{name}, line 2: expected 'Nb header lines : N' (BioLogic EC-Lab .mpt text export)."
        )
    if n_header < 1 or n_header > len(lines):
        raise DataFormatError(
            f"{name}, line 2: 'Nb header lines' is {n_header} but the file has {len(lines)} lines "
            "(truncated file?)."
        )
    header = [h.strip() for h in lines[n_header - 1].split("\t")]
    for w in _MPT_NEED:
        if w not in header:
            raise DataFormatError(
                f"{name}, line {n_header}: column {w!r} not found in the header; expected "
                f"{', '.join(_MPT_NEED)}."
            )
    cols = (header.index(_MPT_NEED[0]), header.index(_MPT_NEED[1]), header.index(_MPT_NEED[2]))
    rows = [
        (j + 1, [_decimal_point(x.strip()) for x in lines[j].split("\t")], lines[j])
        for j in range(n_header, len(lines))
        if lines[j].strip()
    ]
    if not rows:
        raise DataFormatError(f"{name}, line {n_header}: no data rows after the header.")
    return _table(rows, cols, name, "biologic", ", ".join(_MPT_NEED), negate_imag=True)


def _zplot_fields(line: str) -> list[str]:
    return [_decimal_point(x.strip()) for x in re.split(r"\t|,\s*", line.strip())]


def parse_zplot(text: str, name: str) -> Spectrum:
    """Scribner ZPlot .z (layout in the module docstring)."""
    lines = text.splitlines()
    end = next((i for i, ln in enumerate(lines) if ln.strip().startswith("End Comments")), None)
    head = next((i for i, ln in enumerate(lines) if "Freq(Hz)" in ln), None)
    if end is None and head is None:
        raise DataFormatError(
            f"{name}: neither 'End Comments' nor a 'Freq(Hz)' header found; expected a ZPlot .z "
            "file."
        )
    cols = (0, 4, 5)
    if head is not None:
        names = [c.strip() for c in re.split(r"\t|,\s*", lines[head].strip())]
        if {"Z'(a)", "Z''(b)", "Freq(Hz)"} <= set(names):
            cols = (names.index("Freq(Hz)"), names.index("Z'(a)"), names.index("Z''(b)"))
    first = (end if end is not None else head) + 1  # type: ignore[operator]
    rows = [(j + 1, _zplot_fields(lines[j]), lines[j]) for j in range(first, len(lines))]
    rows = [r for r in rows if r[2].strip()]
    if not rows:
        raise DataFormatError(f"{name}, line {first}: no data rows after the header.")
    return _table(rows, cols, name, "zplot", "Freq(Hz), Z'(a), Z''(b)")


_ZVIEW_MAGIC = "ZView Calculated Data File"


def parse_zview(text: str, name: str) -> Spectrum:
    """Scribner ZView calculated-data text file (layout in the module docstring)."""
    lines = text.splitlines()
    if not lines or _ZVIEW_MAGIC not in lines[0]:
        raise DataFormatError(f"{name}, line 1: expected {_ZVIEW_MAGIC!r} (a ZView data file).")
    head = next((i for i, ln in enumerate(lines) if "Freq" in ln and "Z'(a)" in ln), None)
    if head is None:
        raise DataFormatError(
            f"{name}: no column header with 'Freq (Hz)' and Z'(a) found; expected a ZView data "
            "file (truncated file?)."
        )
    declared = None
    if head >= 10 and lines[9].strip().isdigit():
        declared = int(lines[9].strip())  # line 10 of the full layout: the number of points
    rows = [(j + 1, _zplot_fields(lines[j]), lines[j]) for j in range(head + 1, len(lines))]
    rows = [r for r in rows if r[2].strip()]
    if not rows:
        raise DataFormatError(f"{name}, line {head + 1}: no data rows after the header.")
    spec = _table(rows, (0, 4, 5), name, "zview", "Freq (Hz), Z'(a), Z''(b)")
    if declared is not None and declared != spec.n_points:
        raise DataFormatError(
            f"{name}, line {rows[-1][0]}: the file ends after {spec.n_points} of the {declared} "
            "points that line 10 declares (truncated file?)."
        )
    return spec
