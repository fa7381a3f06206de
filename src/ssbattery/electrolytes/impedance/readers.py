"""Readers for impedance spectra: plain CSV/TXT, Gamry .DTA, BioLogic .mpt, ZPlot .z.

Every reader returns a :class:`Spectrum` in one convention: Z = Z′ + i Z″ [Ω] with a
capacitive arc having Z″ < 0 (so −Z″ > 0 is what a Nyquist plot shows), frequencies in Hz.
Which sign the file's imaginary column had is detected from the data (a capacitive spectrum
has most of its −Z″ > 0) and reported in ``Spectrum.imag_column``.

Bad files raise :class:`~ssbattery.errors.DataFormatError` naming the file, the line and what
was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import DataFormatError, InvalidParameterError, ResourceLimitError

#: Most frequencies accepted in one spectrum (a sweep has a few hundred; see _check_values).
MAX_POINTS = 20_000

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Spectrum",
    "read_biologic_mpt",
    "read_gamry_dta",
    "read_plain_text",
    "read_spectrum",
    "read_zplot_z",
    "spectrum_from_arrays",
    "temperature_from_name",
]

#: File suffixes (lower case) that :func:`read_spectrum` recognises.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".dat", ".dta", ".mpt", ".z")

_MIN_POINTS = 3


@dataclass(frozen=True)
class Spectrum:
    """One impedance spectrum.

    ``frequency_hz`` [Hz] (file order), ``z_ohm`` complex [Ω] with capacitive Z″ < 0,
    ``source`` the file (or a label), ``file_format`` the reader used, ``imag_column`` what the
    file's imaginary column held (``"Z''"`` or ``"-Z''"``), ``temperature_k`` if known.
    """

    frequency_hz: NDArray[np.float64]
    z_ohm: NDArray[np.complex128]
    source: str = "<array>"
    file_format: str = "array"
    imag_column: str = "Z''"
    temperature_k: float | None = None

    @property
    def z_real(self) -> NDArray[np.float64]:
        """Z′, Ω."""
        return np.asarray(self.z_ohm.real, dtype=np.float64)

    @property
    def minus_z_imag(self) -> NDArray[np.float64]:
        """−Z″ [Ω], positive on a capacitive arc."""
        return np.asarray(-self.z_ohm.imag, dtype=np.float64)

    @property
    def n_points(self) -> int:
        """Number of frequencies."""
        return int(self.frequency_hz.size)

    def sorted_descending(self) -> Spectrum:
        """The same spectrum with frequencies in decreasing order."""
        order = np.argsort(self.frequency_hz)[::-1]
        return Spectrum(
            self.frequency_hz[order],
            self.z_ohm[order],
            self.source,
            self.file_format,
            self.imag_column,
            self.temperature_k,
        )

    def with_temperature(self, temperature_k: float | None) -> Spectrum:
        """The same spectrum with ``temperature_k`` set (K; ``None`` for unknown)."""
        return Spectrum(
            self.frequency_hz,
            self.z_ohm,
            self.source,
            self.file_format,
            self.imag_column,
            temperature_k,
        )


def spectrum_from_arrays(
    frequency_hz: NDArray[np.float64] | list[float],
    z_ohm: NDArray[np.complex128] | list[complex],
    *,
    source: str = "<array>",
    temperature_k: float | None = None,
) -> Spectrum:
    """Build a checked :class:`Spectrum` from arrays (Z with capacitive Z″ < 0)."""
    f = np.asarray(frequency_hz, dtype=float)
    z = np.asarray(z_ohm, dtype=complex)
    if f.ndim != 1 or f.shape != z.shape:
        raise InvalidParameterError(
            f"`frequency_hz` and `z_ohm` must be 1-D of equal length, got {f.shape}, {z.shape}."
        )
    _check_values(f, z.real, z.imag, source, lines=None)
    return Spectrum(f, z, source, "array", "Z''", temperature_k)


# --------------------------------------------------------------------------- dispatch
def read_spectrum(path: str | Path, *, file_format: str | None = None) -> Spectrum:
    """Read a spectrum, choosing the reader from ``file_format`` or the suffix / content.

    ``file_format`` is one of ``"csv"`` (plain text of f, Z′, Z″ in any delimiter),
    ``"gamry"``, ``"biologic"``, ``"zplot"``. The temperature is taken from the file name when
    it has one (see :func:`temperature_from_name`).
    """
    p = Path(path)
    if not p.exists():
        raise DataFormatError(f"{p}: file not found; check the path.")
    if p.is_dir():
        raise DataFormatError(f"{p}: is a folder, expected a spectrum file.")
    text = _read_text(p)
    fmt = file_format or _guess_format(p, text)
    readers = {
        "csv": _parse_plain,
        "gamry": _parse_gamry,
        "biologic": _parse_biologic,
        "zplot": _parse_zplot,
    }
    if fmt not in readers:
        raise InvalidParameterError(
            f"`file_format` must be one of {sorted(readers)}, got {file_format!r}."
        )
    spec = readers[fmt](text, str(p))
    return spec.with_temperature(temperature_from_name(p.name))


def read_plain_text(path: str | Path) -> Spectrum:
    """Plain CSV/TXT: columns frequency [Hz], Z′ [Ω], Z″ or −Z″ [Ω]; header lines allowed."""
    p = Path(path)
    return _parse_plain(_read_text(p), str(p)).with_temperature(temperature_from_name(p.name))


def read_gamry_dta(path: str | Path) -> Spectrum:
    """Gamry Framework .DTA: the ``ZCURVE`` table (columns Freq, Zreal, Zimag)."""
    p = Path(path)
    return _parse_gamry(_read_text(p), str(p)).with_temperature(temperature_from_name(p.name))


def read_biologic_mpt(path: str | Path) -> Spectrum:
    """BioLogic EC-Lab text export .mpt (``Nb header lines``; freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm)."""
    p = Path(path)
    return _parse_biologic(_read_text(p), str(p)).with_temperature(temperature_from_name(p.name))


def read_zplot_z(path: str | Path) -> Spectrum:
    """Scribner ZPlot .z: header ending with ``End Comments``; Freq(Hz) … Z'(a) Z''(b) …."""
    p = Path(path)
    return _parse_zplot(_read_text(p), str(p)).with_temperature(temperature_from_name(p.name))


# --------------------------------------------------------------------------- temperatures
_TEMP_RE = re.compile(
    r"(?<![\d.])(?P<sign>-|minus|m(?=\d))?(?P<num>\d+(?:[.p]\d+)?)\s*"
    r"(?P<unit>°\s*C|degC|deg_C|C|K)(?![A-Za-z])"
)


def temperature_from_name(name: str) -> float | None:
    """Temperature [K] written in a file name, or None.

    Recognises ``25C``, ``25degC``, ``25°C``, ``-20C`` / ``m20C`` / ``minus20C`` (°C) and
    ``298K`` / ``298.15K`` (K); ``p`` may stand for the decimal point (``25p5C``). The last
    match in the name (without its suffix) wins.

    >>> temperature_from_name("LLZO_25C.csv")
    298.15
    >>> temperature_from_name("spectrum_298K.txt")
    298.0
    """
    stem = Path(name).name
    for suffix in SUPPORTED_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    matches = list(_TEMP_RE.finditer(stem))
    if not matches:
        return None
    m = matches[-1]
    value = float(m.group("num").replace("p", "."))
    if m.group("sign"):
        value = -value
    unit = m.group("unit")
    kelvin = value if unit == "K" else value + 273.15
    if kelvin <= 0:
        return None
    return round(kelvin, 6)


# --------------------------------------------------------------------------- parsing
def _read_text(p: Path) -> str:
    if not p.exists():
        raise DataFormatError(f"{p}: file not found; check the path.")
    raw = p.read_bytes()
    for enc in ("utf-8", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataFormatError(f"{p}: not a text file.")  # pragma: no cover (latin-1 decodes all)


def _guess_format(p: Path, text: str) -> str:
    by_suffix = {".dta": "gamry", ".mpt": "biologic", ".z": "zplot"}
    suffix = p.suffix.lower()
    if suffix in by_suffix:
        return by_suffix[suffix]
    if text.startswith("EC-Lab ASCII FILE"):
        return "biologic"
    if text.startswith("ZPLOT"):
        return "zplot"
    if text.startswith("EXPLAIN") or "\nZCURVE" in text:
        return "gamry"
    return "csv"


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf)$", re.IGNORECASE)


def _split(line: str) -> list[str]:
    s = line.strip()
    if "\t" in s:
        parts = s.split("\t")
    elif "," in s:
        parts = s.split(",")
    elif ";" in s:
        parts = s.split(";")
    else:
        parts = s.split()
    return [x.strip() for x in parts]


def _is_numeric_row(parts: list[str]) -> bool:
    return len(parts) >= 3 and all(_NUMBER.match(x) for x in parts[:3])


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


def _parse_plain(text: str, name: str) -> Spectrum:
    lines = text.splitlines()
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if not s or s.startswith(("#", "%", "//")):
            continue
        parts = _split(s)
        if _is_numeric_row(parts):
            rows.append((i, parts))
        elif rows:
            raise DataFormatError(
                f"{name}, line {i}: expected at least 3 numbers (frequency [Hz], Z′ [Ω], Z″ [Ω])"
                f", got {s[:60]!r}."
            )
        else:
            header = parts
    if not rows:
        raise DataFormatError(
            f"{name}: no data rows found; expected lines of frequency [Hz], Z′ [Ω], Z″ [Ω] "
            "separated by commas, tabs or spaces."
        )
    cols = _find_columns(header) if header else None
    fi, ri, ii = cols if cols else (0, 1, 2)
    need = max(fi, ri, ii) + 1
    f, zr, zi, line_nos = [], [], [], []
    for i, parts in rows:
        if len(parts) < need:
            raise DataFormatError(
                f"{name}, line {i}: expected {need} columns (frequency, Z′, Z″), got {len(parts)}."
            )
        try:
            f.append(float(parts[fi]))
            zr.append(float(parts[ri]))
            zi.append(float(parts[ii]))
        except ValueError:
            raise DataFormatError(
                f"{name}, line {i}: expected numbers in columns {fi + 1}, {ri + 1}, {ii + 1}."
            ) from None
        line_nos.append(i)
    return _finish(np.array(f), np.array(zr), np.array(zi), name, "csv", line_nos)


def _parse_gamry(text: str, name: str) -> Spectrum:
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.split("\t")[0].strip() == "ZCURVE"), None)
    if start is None:
        raise DataFormatError(
            f"{name}: no 'ZCURVE' table found; expected a Gamry .DTA impedance file."
        )
    if start + 2 >= len(lines):
        raise DataFormatError(
            f"{name}, line {start + 1}: ZCURVE table has no column header and units lines."
        )
    header = [h.strip() for h in lines[start + 1].split("\t")]
    try:
        fi, ri, ii = header.index("Freq"), header.index("Zreal"), header.index("Zimag")
    except ValueError:
        raise DataFormatError(
            f"{name}, line {start + 2}: expected columns 'Freq', 'Zreal', 'Zimag' in the ZCURVE "
            f"header, got {header}."
        ) from None
    f, zr, zi, line_nos = [], [], [], []
    for j in range(start + 3, len(lines)):
        ln = lines[j]
        if not ln.strip():
            continue
        if not ln.startswith("\t") and not ln.startswith(" "):
            break  # next block (e.g. EXPERIMENTABORTED)
        parts = ln.replace(",", ".").split("\t")
        try:
            f.append(float(parts[fi]))
            zr.append(float(parts[ri]))
            zi.append(float(parts[ii]))
        except (ValueError, IndexError):
            raise DataFormatError(
                f"{name}, line {j + 1}: expected numbers under Freq, Zreal, Zimag, got "
                f"{ln.strip()[:60]!r}."
            ) from None
        line_nos.append(j + 1)
    return _finish(np.array(f), np.array(zr), np.array(zi), name, "gamry", line_nos)


def _parse_biologic(text: str, name: str) -> Spectrum:
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
            f"{name}, line 2: 'Nb header lines' is {n_header} but the file has {len(lines)} lines."
        )
    header = [h.strip() for h in lines[n_header - 1].split("\t")]
    want = ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm")
    idx = []
    for w in want:
        if w not in header:
            raise DataFormatError(
                f"{name}, line {n_header}: column {w!r} not found in the header; expected "
                f"{', '.join(want)}."
            )
        idx.append(header.index(w))
    fi, ri, ii = idx
    f, zr, zi, line_nos = [], [], [], []
    for j in range(n_header, len(lines)):
        ln = lines[j]
        if not ln.strip():
            continue
        parts = ln.replace(",", ".").split("\t")
        try:
            f.append(float(parts[fi]))
            zr.append(float(parts[ri]))
            zi.append(-float(parts[ii]))  # the file holds −Im(Z)
        except (ValueError, IndexError):
            raise DataFormatError(
                f"{name}, line {j + 1}: expected numbers under {', '.join(want)}, got "
                f"{ln.strip()[:60]!r}."
            ) from None
        line_nos.append(j + 1)
    spec = _finish(np.array(f), np.array(zr), np.array(zi), name, "biologic", line_nos)
    return spec


def _parse_zplot(text: str, name: str) -> Spectrum:
    lines = text.splitlines()
    end = next((i for i, ln in enumerate(lines) if ln.strip().startswith("End Comments")), None)
    head = next((i for i, ln in enumerate(lines) if "Freq(Hz)" in ln), None)
    if end is None and head is None:
        raise DataFormatError(
            f"{name}: neither 'End Comments' nor a 'Freq(Hz)' header found; expected a ZPlot .z "
            "file."
        )
    fi, ri, ii = 0, 4, 5
    if head is not None:
        cols = [c.strip() for c in re.split(r"\t|,\s*", lines[head].strip())]
        if "Z'(a)" in cols and "Z''(b)" in cols and "Freq(Hz)" in cols:
            fi, ri, ii = cols.index("Freq(Hz)"), cols.index("Z'(a)"), cols.index("Z''(b)")
    first = (end if end is not None else head) + 1  # type: ignore[operator]
    f, zr, zi, line_nos = [], [], [], []
    for j in range(first, len(lines)):
        ln = lines[j]
        if not ln.strip():
            continue
        parts = [x.strip() for x in re.split(r"\t|,\s*", ln.strip())]
        try:
            f.append(float(parts[fi]))
            zr.append(float(parts[ri]))
            zi.append(float(parts[ii]))
        except (ValueError, IndexError):
            raise DataFormatError(
                f"{name}, line {j + 1}: expected numbers in columns Freq(Hz), Z'(a), Z''(b) "
                f"(columns {fi + 1}, {ri + 1}, {ii + 1}), got {ln.strip()[:60]!r}."
            ) from None
        line_nos.append(j + 1)
    return _finish(np.array(f), np.array(zr), np.array(zi), name, "zplot", line_nos)


def _check_values(
    f: NDArray[np.float64],
    zr: NDArray[np.float64],
    zi: NDArray[np.float64],
    name: str,
    lines: list[int] | None,
) -> None:
    if f.size > MAX_POINTS:
        raise ResourceLimitError(
            f"{name} has {f.size} frequencies, far beyond an impedance sweep (5–20 points per "
            "decade over ≤ 12 decades: a few hundred); the fit's cost grows with the points "
            f"(≈ {f.size / 80:.0f}× the example spectrum's), so it is refused; keep at most "
            f"{MAX_POINTS} (e.g. every k-th row)."
        )

    def where(k: int) -> str:
        return f"{name}, line {lines[k]}" if lines else f"{name}, point {k + 1}"

    if f.size < _MIN_POINTS:
        raise DataFormatError(
            f"{name}: {f.size} data point(s); a spectrum needs at least {_MIN_POINTS} frequencies."
        )
    for arr, what in ((f, "frequency"), (zr, "Z′"), (zi, "Z″")):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise DataFormatError(f"{where(int(bad[0]))}: {what} is not a finite number.")
    bad = np.flatnonzero(f <= 0)
    if bad.size:
        raise DataFormatError(f"{where(int(bad[0]))}: frequency must be > 0 Hz, got {f[bad[0]]}.")
    if np.unique(f).size < _MIN_POINTS:
        raise DataFormatError(
            f"{name}: only {np.unique(f).size} distinct frequencies; a spectrum needs at least "
            f"{_MIN_POINTS}."
        )


def _finish(
    f: NDArray[np.float64],
    zr: NDArray[np.float64],
    zi_col: NDArray[np.float64],
    name: str,
    fmt: str,
    lines: list[int],
) -> Spectrum:
    """Check values and put Z″ in the capacitive-negative convention (detected from data)."""
    _check_values(f, zr, zi_col, name, lines)
    # A capacitive (RC/CPE) spectrum has Z″ < 0 at most frequencies: if the column is mostly
    # positive it holds −Z″. The median is robust to a few inductive high-frequency points.
    flipped = float(np.median(zi_col)) > 0
    zi = -zi_col if flipped else zi_col
    if fmt == "biologic":
        # the reader already negated the file's −Im(Z) column
        label = "Z''" if flipped else "-Z''"
    else:
        label = "-Z''" if flipped else "Z''"
    return Spectrum(f, zr + 1j * zi, name, fmt, label, None)
