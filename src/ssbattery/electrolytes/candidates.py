"""A screening list of candidate formulas read from a file.

The file is UTF-8 text (a byte-order mark is allowed) with one formula per line. A line may
be a CSV row: its first field, split at ``,``, ``;`` or a tab, is the formula and the rest is
ignored. Blank lines and lines starting with ``#`` are skipped, as is a first row whose first
field is ``formula`` (any case), a CSV header. Every formula is checked as the conductivity
model reads it, so a bad one is refused with its line number before any prediction runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ssbattery.errors import DataFormatError, InvalidParameterError

__all__ = ["MAX_CANDIDATES", "read_formulas"]

#: The most formulas one file may hold (a screening list, not a database dump).
MAX_CANDIDATES = 100_000

_FIELD_END = re.compile(r"[,;\t]")


def read_formulas(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The formulas of the candidate file ``path``, in file order (see the module docstring).

    Raises :class:`~ssbattery.errors.DataFormatError` for a missing, unreadable or empty
    file, or for a line that does not hold a chemical formula (naming the line).
    """
    from ssbattery.electrolytes.conductivity_model import _amounts

    p = Path(path)
    if not p.is_file():
        raise DataFormatError(f"{p}: no such file; give a text file with one formula per line.")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{p}: not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from None
    except OSError as exc:
        raise DataFormatError(f"{p}: cannot be read ({exc.strerror}).") from None
    out: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        field = _FIELD_END.split(line, maxsplit=1)[0].strip()
        if not field or field.startswith("#"):
            continue
        if not out and field.lower() == "formula":
            continue
        try:
            _amounts(field)
        except InvalidParameterError as exc:
            raise DataFormatError(f"{p} line {number}: {exc}") from None
        out.append(field)
        if len(out) > MAX_CANDIDATES:
            raise DataFormatError(
                f"{p}: more than {MAX_CANDIDATES} formulas; split it into smaller files."
            )
    if not out:
        raise DataFormatError(f"{p}: no formula in it; give one formula per line.")
    return tuple(out)
