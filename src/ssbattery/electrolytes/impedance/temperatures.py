"""Temperatures written in file names and in ``--temperatures`` entries: one parser.

Forms recognised in a file name (case-sensitive units, the file's suffix is ignored):

====================================  ==================================================
``25C``, ``25degC``, ``25deg``        25 °C (also ``25deg_C``, ``25 °C``, ``25ºC``)
``25°C``                              25 °C
``298K``, ``298.15K``                 kelvin
``T25``                               25 °C (a ``T`` that starts a word, then digits)
``-20C``, ``m20C``, ``minus20C``      −20 °C (a ``-`` after a letter separates:
                                      ``LLZO-25C`` is 25 °C; ``LLZO_-20C`` is −20 °C)
``25p5C``                             25.5 °C (``p`` for the decimal point)
``_25_``                              only with ``pattern=UNDERSCORE_PATTERN`` (CLI
                                      ``--temperature-pattern underscore``), °C
====================================  ==================================================

A name in which these forms give two *different* temperatures (``LLZO_25C_cooled_to_80C``) is
ambiguous: :func:`temperature_from_name` raises a :class:`~ssbattery.errors.DataFormatError`
that names the matches and the pattern it tried, rather than guess. The same number written
twice (``T25_25C``) is not ambiguous.

A user pattern (``pattern=``) is a regular expression with one group for the number: a group
named ``K`` holds kelvin, a group named ``C`` or an unnamed group holds °C; only that pattern is
tried.
"""

from __future__ import annotations

import re
from pathlib import Path

from ssbattery.errors import DataFormatError, InvalidParameterError

__all__ = [
    "DEFAULT_TEMPERATURE_PATTERN",
    "UNDERSCORE_PATTERN",
    "parse_temperature",
    "temperature_from_name",
    "temperature_pattern",
    "temperature_pattern_text",
]

# A hyphen is a minus sign only where no letter precedes it (the name's start, ``_``, a space,
# ``=``): after a letter it separates words, and LLZO-25C is 25 °C, not −25 °C.
_NUM = r"(?P<sign>(?<![A-Za-z])-|minus|m(?=\d))?(?P<num>\d+(?:[.p]\d+)?)"

#: The built-in pattern (forms in the module docstring, without ``_25_``).
DEFAULT_TEMPERATURE_PATTERN = (
    r"(?<![\d.])" + _NUM + r"\s?(?P<unit>[°º]\s?C|deg_?C|deg|C|K)(?![A-Za-z])"
    r"|(?<![A-Za-z\d])T_?(?P<tnum>-?\d+(?:[.p]\d+)?)(?![\d.]|[A-Za-z])"
)

#: ``_25_``: a number between two underscores, °C (opt-in: ``sample_2_`` is often a run number).
UNDERSCORE_PATTERN = r"(?<=_)(?P<C>-?\d+(?:\.\d+)?)(?=_|$)"

_ALIASES = {"underscore": UNDERSCORE_PATTERN, "default": DEFAULT_TEMPERATURE_PATTERN}

_STRIP_SUFFIXES = (".csv", ".txt", ".tsv", ".dat", ".dta", ".mpt", ".mpr", ".z")


def temperature_pattern(pattern: str | None) -> re.Pattern[str]:
    """Compile ``pattern`` (None: the default; ``"underscore"``: :data:`UNDERSCORE_PATTERN`).

    A user pattern must compile and hold exactly one group (named ``C``/``K`` or unnamed).
    """
    if pattern is None:
        return re.compile(DEFAULT_TEMPERATURE_PATTERN)
    text = _ALIASES.get(pattern, pattern)
    try:
        rx = re.compile(text)
    except re.error as exc:
        raise InvalidParameterError(
            f"`temperature_pattern` {pattern!r} is not a regular expression ({exc}); e.g. "
            r"'_(\d+)_' for 'LLZO_25_run1.csv' (°C) or 'underscore'."
        ) from None
    if text != DEFAULT_TEMPERATURE_PATTERN and rx.groups != 1:
        raise InvalidParameterError(
            f"`temperature_pattern` {pattern!r} must hold exactly one group for the number "
            rf"(named C or K for the unit, unnamed = °C), e.g. '_(\d+)_'; it has {rx.groups}."
        )
    return rx


def temperature_pattern_text(pattern: str | None) -> str:
    """The regular expression that ``pattern`` stands for (for messages)."""
    return temperature_pattern(pattern).pattern


def _kelvin(m: re.Match[str]) -> tuple[float, str]:
    """(temperature [K], the matched text) of one match of any accepted pattern."""
    g = m.groupdict()
    if g.get("tnum") is not None:  # T25
        return float(g["tnum"].replace("p", ".")) + 273.15, m.group(0)
    if g.get("num") is not None:  # 25C, 298K, m20C, ...
        value = float(g["num"].replace("p", ".")) * (-1.0 if g.get("sign") else 1.0)
        return (value if g["unit"] == "K" else value + 273.15), m.group(0)
    if g.get("K") is not None:  # user pattern, kelvin
        return float(g["K"]), m.group(0)
    raw = g["C"] if g.get("C") is not None else m.group(1)  # user pattern, °C
    return float(str(raw).replace("p", ".")) + 273.15, m.group(0)


def _stem(name: str) -> str:
    stem = Path(name).name
    for suffix in _STRIP_SUFFIXES:
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def temperature_from_name(name: str, *, pattern: str | None = None) -> float | None:
    """Temperature [K] written in a file name, or None when there is none.

    Forms: see the module docstring. Raises :class:`~ssbattery.errors.DataFormatError` when the
    name holds two different temperatures (the message shows the matches and the pattern).

    >>> temperature_from_name("LLZO_25C.csv"), temperature_from_name("run_T60.txt")
    (298.15, 333.15)
    >>> temperature_from_name("LLZO_25_a.csv", pattern="underscore")
    298.15
    """
    rx = temperature_pattern(pattern)
    stem = _stem(name)
    found: dict[float, str] = {}
    for m in rx.finditer(stem):
        try:
            kelvin, text = _kelvin(m)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"`temperature_pattern` matched {m.group(0)!r} in {name!r}, which is not a number."
            ) from None
        found.setdefault(round(kelvin, 6), text)
    if not found:
        return None
    if len(found) > 1:
        shown = ", ".join(f"{t!r} ({k:.2f} K)" for k, t in found.items())
        raise DataFormatError(
            f"{name}: ambiguous temperature in the file name: {shown}; tried the pattern "
            f"'{rx.pattern}'. Rename the file, give --temperatures, or pass "
            "--temperature-pattern with one group for the number."
        )
    kelvin = next(iter(found))
    if kelvin <= 0:
        raise DataFormatError(
            f"{name}: the temperature in the file name, {found[kelvin]!r}, is ≤ 0 K."
        )
    return kelvin


def parse_temperature(text: str, *, option: str = "--temperatures") -> float:
    """One temperature entry → K: ``25`` (°C), ``25C``, ``25degC``, ``25°C``, ``298.15K``.

    >>> parse_temperature("25"), parse_temperature("298.15K")
    (298.15, 298.15)
    """
    raw = text.strip()
    try:
        kelvin = float(raw) + 273.15
    except ValueError:
        m = re.fullmatch(DEFAULT_TEMPERATURE_PATTERN, raw)
        if m is None or m.group("tnum") is not None:
            raise InvalidParameterError(
                f"`{option}` entry {raw!r} is not a temperature; give e.g. 25,40 (°C), "
                "25C,40degC or 298.15K,313.15K."
            ) from None
        kelvin = _kelvin(m)[0]
    if kelvin <= 0:
        raise InvalidParameterError(f"`{option}` entry {raw!r} is ≤ 0 K.")
    return round(kelvin, 6)
