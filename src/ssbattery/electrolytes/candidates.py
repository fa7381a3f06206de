"""A screening list of candidate formulas: read from a file, predictions written to CSV.

The file is UTF-8 text (a byte-order mark is allowed) with one formula per line. A line may
be a CSV row: its first field, split at ``,``, ``;`` or a tab, is the formula and the rest is
ignored. Blank lines and lines starting with ``#`` are skipped, as is a first row whose first
field is ``formula`` (any case), a CSV header. Every formula is checked as the conductivity
model reads it, so a bad one is refused with its line number before any prediction runs.
:func:`write_predictions` writes the predictions back as a CSV table, atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ssbattery.errors import DataFormatError, InvalidParameterError

if TYPE_CHECKING:
    from ssbattery.electrolytes.conductivity_model import ConductivityPrediction

__all__ = [
    "MAX_CANDIDATES",
    "PREDICTION_COLUMNS",
    "check_predictions_path",
    "read_formulas",
    "write_predictions",
]

#: Columns of :func:`write_predictions` (log10 σ and the interval in log10 S/cm, σ in mS/cm,
#: the half-width in decades; the nearest training row by element fractions).
PREDICTION_COLUMNS = (
    "formula",
    "log10_sigma_S_cm",
    "sigma_mS_cm",
    "lower_log10_S_cm",
    "upper_log10_S_cm",
    "half_width_dex",
    "level",
    "interval",
    "unseen_elements",
    "nearest_training",
    "nearest_training_log10_S_cm",
)

#: The most formulas one file may hold (a screening list, not a database dump).
MAX_CANDIDATES = 100_000

_FIELD_END = re.compile(r"[,;\t]")


def read_formulas(path: str | os.PathLike[str], *, option: str | None = None) -> tuple[str, ...]:
    """The formulas of the candidate file ``path``, in file order (see the module docstring).

    Raises :class:`~ssbattery.errors.DataFormatError` for a missing, unreadable or empty
    file, a folder, or a line that does not hold a chemical formula (naming the line);
    ``option`` (the CLI's ``--from-file``) names the file in every message.
    """
    from ssbattery.electrolytes.conductivity_model import _amounts
    from ssbattery.electrolytes.dataset import read_text_file

    p = Path(path)
    name = f"`{option}` {str(p)!r}" if option else str(p)
    if p.is_dir():
        raise DataFormatError(
            f"{name} is a folder; give a text file inside it with one formula per line."
        )
    text = read_text_file(p, name, "a text file with one formula per line")
    if "\x00" in text:
        raise DataFormatError(
            f"{name}: holds NUL bytes, so it is a binary file, not a text file with one "
            "formula per line."
        )
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
            # the API's message names its argument (`formula`); here the file line is the input
            detail = str(exc).removeprefix("`formula` ")
            raise DataFormatError(f"{name} line {number}: {detail}") from None
        out.append(field)
        if len(out) > MAX_CANDIDATES:
            raise DataFormatError(
                f"{name}: more than {MAX_CANDIDATES} formulas; split it into smaller files."
            )
    if not out:
        raise DataFormatError(f"{name}: no formula in it; give one formula per line.")
    return tuple(out)


def check_predictions_path(
    path: str | os.PathLike[str],
    option: str | None = None,
    *,
    inputs: Sequence[tuple[str | os.PathLike[str], str | None]] = (),
    replace: bool = True,
) -> Path:
    """Check ``path`` (``.csv``) before any prediction runs (see
    :func:`~ssbattery.io.check_output_path`); ``option`` names it in errors. ``inputs``,
    ``(path, option)`` pairs of the files read (the candidate list), are never replaced;
    ``replace=False`` refuses any existing file."""
    from ssbattery.io import CSV_SUFFIXES, check_output_path

    return check_output_path(
        path, option=option, suffixes=CSV_SUFFIXES, inputs=inputs, replace=replace
    )


def write_predictions(
    path: str | os.PathLike[str],
    predictions: Sequence[ConductivityPrediction],
    *,
    option: str | None = None,
) -> Path:
    """Write ``predictions`` to the CSV file ``path``, one row each (:data:`PREDICTION_COLUMNS`),
    atomically: a failure leaves any earlier file as it was. Returns the path."""
    import csv

    from ssbattery.io import atomic_write

    target = check_predictions_path(path, option)
    with atomic_write(target) as fh:
        writer = csv.writer(fh)
        writer.writerow(PREDICTION_COLUMNS)
        for p in predictions:
            near, near_y = p.nearest_training[0] if p.nearest_training else ("", "")
            writer.writerow(
                [
                    p.formula,
                    p.log10_sigma_S_cm,
                    p.sigma_mS_cm,
                    p.lower,
                    p.upper,
                    (p.upper - p.lower) / 2,
                    p.level,
                    p.interval,
                    " ".join(p.unseen_elements),
                    near,
                    near_y,
                ]
            )
    return target
