"""One registry of spectrum readers, format sniffing, text decoding and :func:`read_spectrum`.

Each :class:`Reader` names a format, the suffixes it owns, a sniff test on the file's first
bytes/text and the parser. :func:`read_spectrum` picks the reader from ``file_format`` if given,
else from the content (a format's signature line, the strongest evidence), else from the
suffix, else the plain CSV/TXT parser. Text is decoded from UTF-8 (with or without BOM), UTF-16
(BOM, or NUL-interleaved without one, as Windows instrument software writes) or Latin-1.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ssbattery.electrolytes.impedance.readers import biologic_mpr, text_formats
from ssbattery.electrolytes.impedance.readers.spectrum import Spectrum, check_point_count
from ssbattery.electrolytes.impedance.temperatures import temperature_from_name
from ssbattery.errors import DataFormatError, InvalidParameterError

__all__ = [
    "READERS",
    "SUPPORTED_SUFFIXES",
    "Reader",
    "decode_text",
    "read_spectrum",
    "reader_for",
    "sniff_format",
]


@dataclass(frozen=True)
class Reader:
    """A file format: ``name`` (the ``file_format`` value), what it is, the suffixes it owns
    (lower case), ``sniff(head)`` on the decoded first 4 kB (or raw bytes for a binary format)
    and ``parse(content, name)`` on the whole decoded text (or bytes)."""

    name: str
    description: str
    suffixes: tuple[str, ...]
    sniff: Callable[[str | bytes], bool]
    parse: Callable[..., Spectrum]
    binary: bool = False


def _text_head(head: str | bytes) -> str:
    return head if isinstance(head, str) else ""


def _sniff_autolab(head: str | bytes) -> bool:
    h = _text_head(head)
    return "Frequency (Hz)" in h and "Z' (Ω)" in h and "-Z'' (Ω)" in h


#: Every reader, in the order sniffing tries them.
READERS: tuple[Reader, ...] = (
    Reader(
        "biologic-mpr",
        "BioLogic EC-Lab binary .mpr (optional extra: pip install 'ssbattery[biologic]')",
        (".mpr",),
        lambda h: isinstance(h, bytes) and h.startswith(biologic_mpr.MPR_MAGIC_PREFIX),
        biologic_mpr.parse_biologic_mpr,
        binary=True,
    ),
    Reader(
        "biologic",
        "BioLogic EC-Lab text export .mpt",
        (".mpt",),
        lambda h: _text_head(h).startswith(("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")),
        text_formats.parse_biologic_mpt,
    ),
    Reader(
        "gamry",
        "Gamry Framework .DTA",
        (".dta",),
        lambda h: _text_head(h).startswith("EXPLAIN") or "\nZCURVE" in _text_head(h),
        text_formats.parse_gamry,
    ),
    Reader(
        "zview",
        "Scribner ZView calculated-data text file",
        (),
        lambda h: "ZView Calculated Data File" in _text_head(h).split("\n", 1)[0],
        text_formats.parse_zview,
    ),
    Reader(
        "zplot",
        "Scribner ZPlot .z",
        (".z",),
        lambda h: _text_head(h).startswith("ZPLOT"),
        text_formats.parse_zplot,
    ),
    Reader(
        "autolab",
        "Metrohm Autolab NOVA ASCII export",
        (),
        _sniff_autolab,
        text_formats.parse_autolab,
    ),
    Reader(
        "csv",
        "plain CSV/TXT: frequency, Z′, Z″ (or −Z″); tab, ';', ',' or space; decimal commas",
        (".csv", ".txt", ".tsv", ".dat"),
        lambda h: False,
        text_formats.parse_plain,
    ),
)

#: File suffixes (lower case) that :func:`read_spectrum` recognises.
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for r in READERS for s in r.suffixes)

_BY_NAME = {r.name: r for r in READERS}


def reader_for(file_format: str) -> Reader:
    """The reader registered as ``file_format`` (names: :data:`READERS`)."""
    if file_format not in _BY_NAME:
        raise InvalidParameterError(
            f"`file_format` must be one of {', '.join(_BY_NAME)}, got {file_format!r}."
        )
    return _BY_NAME[file_format]


def decode_text(raw: bytes, name: str) -> str:
    """Text of a file's bytes: UTF-8 (BOM or not), UTF-16 (BOM, or NUL-interleaved), Latin-1.

    A UTF-16 file cut at an odd byte loses its last half character, so the parser then reports
    the cut row with its line number.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    encoding = None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        head = raw[:400]
        if head and head.count(0) >= len(head) // 4:
            encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    if encoding is not None:
        body = raw[: len(raw) - (len(raw) % 2)]
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DataFormatError(
                f"{name}, byte {exc.start}: not valid UTF-16 text (damaged file?)."
            ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def sniff_format(path: Path, raw: bytes) -> str:
    """The format name of a file: content signature first, then suffix, else ``"csv"``."""
    for reader in READERS:
        if reader.binary and reader.sniff(raw[:64]):
            return reader.name
    head = decode_text(raw[:4096], str(path)) if raw else ""
    for reader in READERS:
        if not reader.binary and reader.sniff(head):
            return reader.name
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.suffixes:
            return reader.name
    return "csv"


def _raw_bytes(p: Path) -> bytes:
    if not p.exists():
        raise DataFormatError(f"{p}: file not found; check the path.")
    if p.is_dir():
        raise DataFormatError(f"{p}: is a folder, expected a spectrum file.")
    return p.read_bytes()


def read_spectrum(
    path: str | Path,
    *,
    file_format: str | None = None,
    temperature_pattern: str | None = None,
    temperature_from_file_name: bool = True,
) -> Spectrum:
    """Read a spectrum, choosing the reader from ``file_format`` or the content / suffix.

    ``file_format`` is one of the names in :data:`READERS` (``csv``, ``autolab``, ``gamry``,
    ``biologic``, ``biologic-mpr``, ``zplot``, ``zview``). The temperature is taken from the
    file name (:func:`~ssbattery.electrolytes.impedance.temperatures.temperature_from_name`,
    with ``temperature_pattern`` if given) unless ``temperature_from_file_name`` is False.
    """
    p = Path(path)
    reader = reader_for(file_format) if file_format is not None else None
    raw = _raw_bytes(p)
    if reader is None:
        reader = _BY_NAME[sniff_format(p, raw)]
    content: str | bytes = raw if reader.binary else decode_text(raw, str(p))
    if isinstance(content, str):  # before parsing any row (header lines allowed for)
        check_point_count(content.count("\n") - 200, str(p))
    spec = reader.parse(content, str(p))
    if not temperature_from_file_name:
        return spec
    return spec.with_temperature(temperature_from_name(p.name, pattern=temperature_pattern))
