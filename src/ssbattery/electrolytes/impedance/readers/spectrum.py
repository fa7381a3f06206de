"""The :class:`Spectrum` every reader returns, and the value checks every reader runs.

One convention: Z = Z′ + i Z″ [Ω] with a capacitive arc having Z″ < 0 (so −Z″ > 0 is what a
Nyquist plot shows), frequencies in Hz. Which sign the file's imaginary column had is detected
from the data (a capacitive spectrum has most of its −Z″ > 0) and reported in
``Spectrum.imag_column``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import DataFormatError, InvalidParameterError, ResourceLimitError

#: Most frequencies accepted in one spectrum (a sweep has a few hundred; see check_values).
MAX_POINTS = 20_000

__all__ = [
    "MAX_POINTS",
    "Spectrum",
    "check_point_count",
    "check_values",
    "finish_spectrum",
    "spectrum_from_arrays",
]

_MIN_POINTS = 3

#: Readers that negate the file's −Im(Z) column themselves (BioLogic text and binary).
_NEGATED_BY_READER = frozenset({"biologic", "biologic-mpr"})


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
    check_values(f, z.real, z.imag, source, lines=None)
    return Spectrum(f, z, source, "array", "Z''", temperature_k)


def check_point_count(points: int, name: str) -> None:
    """Refuse a spectrum of more than :data:`MAX_POINTS` frequencies: an impedance sweep has
    5–20 points per decade over ≤ 12 decades (a few hundred) and the fit's cost grows with
    the points. Readers call it on the line count before parsing, then on the points."""
    if points > MAX_POINTS:
        raise ResourceLimitError(
            f"{name} has about {points} frequencies, far beyond an impedance sweep (5–20 points "
            "per decade over ≤ 12 decades: a few hundred); the fit's cost grows with the "
            f"points (≈ {points / 80:.0f}× the example spectrum's), so it is refused; keep at "
            f"most {MAX_POINTS} (e.g. every k-th row)."
        )


def check_values(
    f: NDArray[np.float64],
    zr: NDArray[np.float64],
    zi: NDArray[np.float64],
    name: str,
    lines: list[int] | None,
) -> None:
    """Refuse a spectrum with < 3 (distinct) frequencies, a non-finite value or f ≤ 0 Hz.

    ``lines`` (the file line of each point) makes the message name the line, else the point.
    More than :data:`MAX_POINTS` frequencies is a :class:`~ssbattery.errors.ResourceLimitError`.
    """
    check_point_count(f.size, name)

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


def finish_spectrum(
    f: NDArray[np.float64],
    zr: NDArray[np.float64],
    zi_col: NDArray[np.float64],
    name: str,
    fmt: str,
    lines: list[int] | None,
) -> Spectrum:
    """Check values and put Z″ in the capacitive-negative convention (detected from data)."""
    check_values(f, zr, zi_col, name, lines)
    # A capacitive (RC/CPE) spectrum has Z″ < 0 at most frequencies: if the column is mostly
    # positive it holds −Z″. The median is robust to a few inductive high-frequency points.
    flipped = float(np.median(zi_col)) > 0
    zi = -zi_col if flipped else zi_col
    if fmt in _NEGATED_BY_READER:
        # the reader already negated the file's −Im(Z) column
        label = "Z''" if flipped else "-Z''"
    else:
        label = "-Z''" if flipped else "Z''"
    return Spectrum(f, zr + 1j * zi, name, fmt, label, None)
