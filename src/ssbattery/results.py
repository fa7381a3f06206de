"""How result objects report themselves: one ``to_dict`` with units in its keys, one ``__str__``.

Every result object of the package (a charging run, an Otto cycle, a circuit fit, an
Arrhenius fit) lists its scalar outcomes as :class:`Quantity` values; :func:`quantity_dict`
turns them into JSON-ready keys that carry their units ("power_max [ω_c²]",
"Ea error [eV]"), and :func:`quantity_text` into the lines its ``__str__`` prints
("Ea = 0.3512 ± 0.0041 eV"). Units in keys follow PyBaMM's convention ("Voltage [V]").

Three mixins share the job: :class:`Reported` (the result lists :class:`Quantity` values),
:class:`Printed` (the result writes its own ``to_dict``) and :class:`Recorded` (a dataclass
whose fields are its outcomes declares the unit of each field; :func:`field_dict` and
:func:`record_text` do the rest, arrays summarised by length and range when printed).
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

__all__ = [
    "Printed",
    "Quantity",
    "Recorded",
    "Reported",
    "dict_text",
    "field_dict",
    "quantity_dict",
    "quantity_text",
    "quantity_values",
    "record_text",
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


class Recorded(Printed):
    """Mixin of a dataclass result whose fields are its outcomes.

    The class states the unit of each field in ``_UNITS`` (field → unit, ``"1"`` for a pure
    number; or field → a whole key such as ``"R error [Ω]"``, which also drops a unit
    suffix from the name); ``_OMIT`` names fields left out of the dictionary (inputs kept
    for provenance, states, operators). :meth:`to_dict` is :func:`field_dict`, ``__str__``
    is :func:`record_text`: the scalars with units and ± errors, one line per array (its
    length and range), never the arrays themselves.
    """

    _UNITS: ClassVar[Mapping[str, str]] = {}
    _OMIT: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every field under ``"name [unit]"``, arrays as lists, nested results
        as their own ``to_dict()``."""
        return field_dict(self, self._UNITS, omit=self._OMIT)

    def __str__(self) -> str:
        return record_text(self._title(), self.to_dict())


def _jsonable(value: Any) -> Any:
    """``value`` in JSON types: a nested result as its own ``to_dict()`` (units in its
    keys), an enum as its value, the rest by the package's one converter
    (:func:`~ssbattery.io.jsonable.to_jsonable`: arrays as lists, NaN as None)."""
    from ssbattery.io.jsonable import to_jsonable

    if callable(getattr(value, "to_dict", None)) and not isinstance(value, type):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return to_jsonable(value)


def field_dict(obj: Any, units: Mapping[str, str], *, omit: Iterable[str] = ()) -> dict[str, Any]:
    """The fields of the dataclass ``obj`` as a JSON-ready dict with units in the keys.

    ``units`` maps a field to its unit (key ``"field [unit]"``) or to a whole key (any entry
    containing ``"["``); a field not in ``units`` keeps its name (strings, flags, counts).
    A complex array becomes two entries, ``"field real [unit]"`` and ``"field imag [unit]"``.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Fit:
    ...     Ea_eV: float
    ...     Ea_err_eV: float
    ...     points: int
    >>> field_dict(Fit(0.35, 0.01, 6), {"Ea_eV": "Ea [eV]", "Ea_err_eV": "Ea error [eV]"})
    {'Ea [eV]': 0.35, 'Ea error [eV]': 0.01, 'points': 6}
    """
    skip = set(omit)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        unit = units.get(f.name)
        if unit is None:
            key = f.name
        elif "[" in unit:
            key = unit
        else:
            key = f"{f.name} [{unit}]"
        if isinstance(value, np.ndarray) and np.iscomplexobj(value):
            name, _, rest = key.partition(" [")
            suffix = f" [{rest}" if rest else ""
            out[f"{name} real{suffix}"] = _jsonable(value.real)
            out[f"{name} imag{suffix}"] = _jsonable(value.imag)
            continue
        out[key] = _jsonable(value)
    return out


def _flat_numbers(values: list[Any]) -> list[float] | None:
    """The numbers of a (nested) list, or None when it holds anything else."""
    out: list[float] = []
    for v in values:
        if isinstance(v, list):
            inner = _flat_numbers(v)
            if inner is None:
                return None
            out += inner
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out.append(float(v))
        elif v is not None:
            return None
    return out


def _shape(values: list[Any]) -> str:
    dims = [len(values)]
    inner = values
    while inner and isinstance(inner[0], list):
        inner = inner[0]
        dims.append(len(inner))
    return " × ".join(str(d) for d in dims)


def _list_line(name: str, unit: str, values: list[Any]) -> str:
    unit_text = "" if unit in ("", "1") else f" {unit}"
    if not values:
        return f"{name}: none"
    if all(isinstance(v, dict) for v in values):
        # name each entry by its first text field (a label, a key), if it has one
        labels = [next((x for x in v.values() if isinstance(x, str)), None) for v in values]
        if all(labels) and len(values) <= 6:
            return f"{name}: {len(values)} ({', '.join(str(x) for x in labels)})"
        return f"{name}: {len(values)} entries"
    numbers = _flat_numbers(values)
    if numbers is None:
        shown = ", ".join(str(_short(v, 60)) for v in values[:6])
        return f"{name}: {shown}{', …' if len(values) > 6 else ''}"
    finite = [v for v in numbers if math.isfinite(v)]
    if len(numbers) <= 3 and not isinstance(values[0], list):
        shown = ", ".join(f"{v:.6g}" for v in numbers)
        return f"{name} = ({shown}){unit_text}"
    if not finite:
        return f"{name}: {_shape(values)} values, none finite"
    low, high = min(finite), max(finite)
    return f"{name}: {_shape(values)} values in [{low:.4g}, {high:.4g}]{unit_text}"


def record_text(title: str, mapping: Mapping[str, Any], *, indent: int = 1) -> str:
    """A title line, the scalar entries of ``mapping`` (as :func:`dict_text`, ± errors
    folded in), one line per list (its length or shape and range, not its values) and each
    nested dict as an indented block."""
    pad = "  " * indent
    scalars = {k: _short(v) for k, v in mapping.items() if not isinstance(v, list | dict | None)}
    lines = [title, *(pad + line.strip() for line in dict_text("", scalars).splitlines()[1:])]
    for key, value in mapping.items():
        name, _, unit = key.partition(" [")
        unit = unit.rstrip("]")
        if value is None and " error [" not in key:
            lines.append(pad + f"{name}: none")
        elif isinstance(value, list):
            lines.append(pad + _list_line(name, unit, value))
        elif isinstance(value, dict) and indent == 1 and "[" not in key and key != "parameters":
            lines.append(record_text(pad + f"{name}:", value, indent=indent + 1))
        elif isinstance(value, dict):  # deeper, the inputs, or a mapping of one unit: one line
            lines.append(pad + f"{name}: {_inline(value, unit)}")
    return "\n".join(lines)


def _inline(mapping: Mapping[str, Any], unit: str = "", most: int = 4) -> str:
    """The first scalar entries of ``mapping`` on one line (``unit``: that of every entry)."""
    parts = []
    for key, value in mapping.items():
        if isinstance(value, list | dict):
            continue
        name, _, own = key.partition(" [")
        own = own.rstrip("]") or unit
        text = f"{value:.4g}" if isinstance(value, float) else str(_short(value, 30))
        parts.append(f"{name} = {text}{'' if own in ('', '1') else ' ' + own}")
    shown = ", ".join(parts[:most]) + (", …" if len(parts) > most else "")
    return shown or f"{len(mapping)} entries"


def _short(value: Any, width: int = 72) -> Any:
    """A long text shortened to ``width`` characters for printing (``to_dict`` keeps it)."""
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value
