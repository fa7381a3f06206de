"""BioLogic EC-Lab binary ``.mpr`` files, through the optional ``galvani`` package.

``pip install "ssbattery[biologic]"`` installs `galvani <https://github.com/echemdata/galvani>`_,
which reads the (unpublished, reverse-engineered) EC-Lab binary layout. galvani is licensed
GPL-3.0-or-later; ssbattery is MIT, so it is never imported at module level and never required:
without it a ``.mpr`` file is refused with an ``error:`` line that says how to install it or to
export the file as text (EC-Lab "Export as text" writes the ``.mpt`` that the core reads).

Layout relied on (galvani's reading of it): the 52-byte magic ``BIO-LOGIC MODULAR FILE``, then
``MODULE`` blocks; the ``VMP data`` module holds the number of points, the column ids and one
record per point, of which an impedance run has ``freq/Hz`` (id 32), ``Re(Z)/Ohm`` (37) and
``-Im(Z)/Ohm`` (38).
"""

from __future__ import annotations

import io

import numpy as np

from ssbattery.electrolytes.impedance.readers.spectrum import Spectrum, finish_spectrum
from ssbattery.errors import DataFormatError

__all__ = ["MPR_MAGIC_PREFIX", "galvani_available", "parse_biologic_mpr"]

#: The first bytes of every EC-Lab binary file.
MPR_MAGIC_PREFIX = b"BIO-LOGIC MODULAR FILE"

_COLUMNS = ("freq/Hz", "Re(Z)/Ohm", "-Im(Z)/Ohm")

_INSTALL = (
    'install the optional reader with  pip install "ssbattery[biologic]"  (galvani, GPL-3.0), '
    "or export the file as text from EC-Lab (.mpt), which ssbattery reads without it"
)


def galvani_available() -> bool:
    """Whether the optional ``galvani`` package (the ``biologic`` extra) can be imported."""
    try:
        import galvani  # noqa: F401
    except ImportError:
        return False
    return True


def parse_biologic_mpr(raw: bytes, name: str) -> Spectrum:
    """Read an EC-Lab ``.mpr`` impedance run from its bytes (needs the ``biologic`` extra).

    A truncated or damaged file raises :class:`~ssbattery.errors.DataFormatError` with the byte
    count and what galvani found missing.
    """
    if not raw.startswith(MPR_MAGIC_PREFIX):
        raise DataFormatError(
            f"{name}, byte 0: expected {MPR_MAGIC_PREFIX.decode()!r} (a BioLogic .mpr file)."
        )
    try:
        from galvani import BioLogic
    except ImportError:
        raise DataFormatError(f"{name}: BioLogic binary .mpr needs galvani; {_INSTALL}.") from None
    try:
        mpr = BioLogic.MPRfile(io.BytesIO(raw))
    except (OSError, ValueError, AssertionError, NotImplementedError, IndexError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise DataFormatError(
            f"{name}: not a readable .mpr ({len(raw)} bytes; truncated or damaged?): {detail}."
        ) from None
    fields = mpr.data.dtype.names or ()
    missing = [c for c in _COLUMNS if c not in fields]
    if missing:
        raise DataFormatError(
            f"{name}: the .mpr data has no {', '.join(missing)} column(s) (columns: "
            f"{', '.join(fields)}); is it an impedance (PEIS/GEIS) run?"
        )
    data = mpr.data
    f = np.asarray(data["freq/Hz"], dtype=float)
    zr = np.asarray(data["Re(Z)/Ohm"], dtype=float)
    zi = -np.asarray(data["-Im(Z)/Ohm"], dtype=float)  # the file holds −Im(Z)
    return finish_spectrum(f, zr, zi, name, "biologic-mpr", None)
