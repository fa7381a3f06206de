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

__all__ = ["Quantity", "quantity_dict", "quantity_text", "quantity_values"]


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
