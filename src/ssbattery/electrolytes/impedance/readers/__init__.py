"""Readers for impedance spectra: plain CSV/TXT, Autolab NOVA, Gamry .DTA, BioLogic .mpt and
.mpr, ZPlot .z and ZView.

Every reader returns a :class:`Spectrum` in one convention: Z = Z′ + i Z″ [Ω] with a capacitive
arc having Z″ < 0, frequencies in Hz. :func:`read_spectrum` picks the reader from the registry
(:mod:`.registry`: content sniffing, then suffix); the layouts each parser relies on are in
:mod:`.text_formats` and :mod:`.biologic_mpr` (the binary ``.mpr`` needs the optional extra
``pip install "ssbattery[biologic]"``). Temperatures in file names: :mod:`..temperatures`.

Bad files raise :class:`~ssbattery.errors.DataFormatError` naming the file, the line (or byte)
and what was expected; a row cut short (a truncated file) is refused with its line number.
"""

from __future__ import annotations

from pathlib import Path

from ssbattery.electrolytes.impedance.readers.registry import (
    READERS,
    SUPPORTED_SUFFIXES,
    Reader,
    decode_text,
    read_spectrum,
    reader_for,
    sniff_format,
)
from ssbattery.electrolytes.impedance.readers.spectrum import Spectrum, spectrum_from_arrays
from ssbattery.electrolytes.impedance.temperatures import temperature_from_name

__all__ = [
    "READERS",
    "SUPPORTED_SUFFIXES",
    "Reader",
    "Spectrum",
    "decode_text",
    "read_autolab",
    "read_biologic_mpr",
    "read_biologic_mpt",
    "read_gamry_dta",
    "read_plain_text",
    "read_spectrum",
    "read_zplot_z",
    "read_zview",
    "reader_for",
    "sniff_format",
    "spectrum_from_arrays",
    "temperature_from_name",
]


def read_plain_text(path: str | Path) -> Spectrum:
    """Plain CSV/TXT: columns frequency [Hz], Z′ [Ω], Z″ or −Z″ [Ω]; header lines allowed."""
    return read_spectrum(path, file_format="csv")


def read_autolab(path: str | Path) -> Spectrum:
    """Autolab NOVA ASCII export (``Frequency (Hz)``, ``Z' (Ω)``, ``-Z'' (Ω)``; ``;`` or tab)."""
    return read_spectrum(path, file_format="autolab")


def read_gamry_dta(path: str | Path) -> Spectrum:
    """Gamry Framework .DTA: the ``ZCURVE`` table (columns Freq, Zreal, Zimag)."""
    return read_spectrum(path, file_format="gamry")


def read_biologic_mpt(path: str | Path) -> Spectrum:
    """BioLogic EC-Lab text export .mpt (``Nb header lines``; freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm)."""
    return read_spectrum(path, file_format="biologic")


def read_biologic_mpr(path: str | Path) -> Spectrum:
    """BioLogic EC-Lab binary .mpr (needs ``pip install "ssbattery[biologic]"``, galvani)."""
    return read_spectrum(path, file_format="biologic-mpr")


def read_zplot_z(path: str | Path) -> Spectrum:
    """Scribner ZPlot .z: header ending with ``End Comments``; Freq(Hz) … Z'(a) Z''(b) …."""
    return read_spectrum(path, file_format="zplot")


def read_zview(path: str | Path) -> Spectrum:
    """Scribner ZView calculated-data file (``"ZView Calculated Data File: Version 1.1"``)."""
    return read_spectrum(path, file_format="zview")
