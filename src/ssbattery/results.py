"""How result objects report themselves: one ``to_dict`` with units in its keys, one ``__str__``.

Every result object of the package (a charging run, an Otto cycle, a circuit fit, an
Arrhenius fit) lists its scalar outcomes as :class:`Quantity` values; :func:`quantity_dict`
turns them into JSON-ready keys that carry their units ("power_max [ω_c²]",
"Ea error [eV]"), and :func:`quantity_text` into the lines its ``__str__`` prints
("Ea = 0.3512 ± 0.0041 eV"). Units in keys follow PyBaMM's convention ("Voltage [V]").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Printed",
    "Quantity",
    "Reported",
    "dict_text",
    "quantity_dict",
    "quantity_text",
    "quantity_values",
]


@dataclass(frozen=True)
class Quantity:
    """A named scalar with its unit and, where known, its standard error.

    ``unit`` "1" marks a dimensionless number; ``error`` None means no error is known.
    """

    name: str
    value: float
    unit: str = "1"
    error: float | None = None

    @property
    def key(self) -> str:
        """The dictionary key: ``"name [unit]"``."""
        return f"{self.name} [{self.unit}]"

    def __str__(self) -> str:
        unit = "" if self.unit == "1" else f" {self.unit}"
        if self.error is None or not math.isfinite(self.error):
            return f"{self.name} = {self.value:.6g}{unit}"
        return f"{self.name} = {self.value:.6g} ± {self.error:.2g}{unit}"


class Reported:
    """Mixin of a result object: :meth:`to_dict` (units in the keys) and ``__str__`` (units
    and ± errors) from its :meth:`quantities`, one name for each job. A result defines
    ``quantities``, and may override ``_title`` (the first line) and ``_notes``."""

    def quantities(self) -> tuple[Quantity, ...]:
        """The scalar outcomes with units and, where known, errors."""
        raise NotImplementedError

    def _title(self) -> str:
        return type(self).__name__

    def _notes(self) -> tuple[str, ...]:
        return ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the scalars with their units in the keys (``"name [unit]"``)."""
        return quantity_dict(self.quantities())

    def __str__(self) -> str:
        return quantity_text(self._title(), self.quantities(), self._notes())


class Printed:
    """Mixin of a result object that has a ``to_dict``: ``__str__`` lists its scalar
    entries (the keys carry their units where the result gives them), ``name error [u]``
    folded in as ± (see :func:`dict_text`)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the result."""
        raise NotImplementedError

    def _title(self) -> str:
        return type(self).__name__

    def __str__(self) -> str:
        return dict_text(self._title(), self.to_dict())


def dict_text(title: str, mapping: dict[str, Any]) -> str:
    """A title line and one line per scalar entry of ``mapping`` (lists and tables are
    left to ``to_dict``); ``"x error [u]"`` is shown as ``x = v ± e u``."""
    lines = [title]
    for key, value in mapping.items():
        if " error [" in key or isinstance(value, list | dict | tuple):
            continue
        name, _, unit = key.partition(" [")
        unit = unit.rstrip("]")
        err = mapping.get(f"{name} error [{unit}]")
        if isinstance(value, float):
            text = f"{value:.6g}" + (f" ± {err:.2g}" if isinstance(err, float) else "")
        else:
            text = str(value)
        lines.append(f"  {name} = {text}{'' if unit in ('', '1') else ' ' + unit}")
    return "\n".join(lines)


def quantity_dict(quantities: Iterable[Quantity]) -> dict[str, Any]:
    """``{"name [unit]": value, "name error [unit]": error}`` for each quantity."""
    out: dict[str, Any] = {}
    for q in quantities:
        out[q.key] = float(q.value)
        if q.error is not None:
            out[f"{q.name} error [{q.unit}]"] = float(q.error)
    return out


def quantity_values(quantities: Iterable[Quantity]) -> dict[str, float]:
    """``{"name": value}`` for each quantity: plain keys for tables and sweep outputs."""
    return {q.name: float(q.value) for q in quantities}


def quantity_text(title: str, quantities: Iterable[Quantity], notes: Iterable[str] = ()) -> str:
    """A title line, one line per quantity, then the notes (the shape of every ``__str__``)."""
    lines = [title, *(f"  {q}" for q in quantities)]
    lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines)
