"""The registry of sweepable models: one typed entry per model.

An entry turns a flat mapping of parameters into the model's own result and that result
into named outputs (scalars and arrays with named dimensions and units). The single-run
command of a model and a sweep point call the same entry (:meth:`ModelEntry.solve` on the
parameter object of :meth:`ModelEntry.build`), so a sweep point is the single run bit for
bit.

Data flow: ``values`` (plain Python) → :meth:`ModelEntry.build` (the model's validated,
frozen parameter object) → :meth:`ModelEntry.solve` (the model's result object) →
:meth:`ModelEntry.extract` (``{output name: ndarray}``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError

__all__ = [
    "FIXED_WORKING_SET_BYTES",
    "ModelEntry",
    "Output",
    "Param",
    "entry_names",
    "fields_as_params",
    "fixed_memory",
    "get_entry",
    "register",
]

P = TypeVar("P")
R = TypeVar("R")

#: Python types a parameter may have (TOML gives these directly).
KINDS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
    "path": (str,),
}


@dataclass(frozen=True)
class Param:
    """One parameter of a model entry.

    ``kind`` is one of ``int``, ``float``, ``str``, ``bool``, ``path``; ``default`` None
    with ``required`` False means "the model's own default" (for example the Dicke photon
    cutoff 4N); ``choices`` restricts a string.
    """

    name: str
    kind: str
    default: Any = None
    unit: str = ""
    doc: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()

    def coerce(self, value: Any, key: str) -> Any:
        """``value`` converted to this parameter's kind; ``key`` names it in errors."""
        if value is None and not self.required:
            return None
        allowed = KINDS[self.kind]
        if isinstance(value, bool) and self.kind != "bool":
            raise InvalidParameterError(
                f"`{key}` must be {self.kind}, got the boolean {value!r}; write a number."
            )
        if self.kind == "int" and isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, allowed):
            raise InvalidParameterError(
                f"`{key}` must be {self.kind}, got {type(value).__name__} {value!r}."
            )
        if self.kind == "float":
            try:
                value = float(cast(float, value))
            except OverflowError:  # an integer beyond the float range (10**400)
                value = math.inf
            if not math.isfinite(value):
                raise InvalidParameterError(f"`{key}` must be finite, got {value!r}.")
        if self.choices and value not in self.choices:
            raise InvalidParameterError(
                f"`{key}` must be one of {', '.join(self.choices)}, got {value!r}."
            )
        return value


def fields_as_params(
    cls: type, table: Mapping[str, tuple[str, str] | tuple[str, str, tuple[str, ...]]]
) -> tuple[Param, ...]:
    """Params for the fields of the frozen dataclass ``cls`` named in ``table`` (in its
    order): ``{field: (unit, doc)}`` or ``(unit, doc, choices)``. The kind and the default
    come from the dataclass itself, so an entry never retypes a model's defaults."""
    import dataclasses

    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    kinds = {bool: "bool", int: "int", float: "float", str: "str"}
    out = []
    for name, row in table.items():
        default = defaults[name]
        if type(default) not in kinds:
            raise TypeError(f"{cls.__name__}.{name} has no plain default to sweep around.")
        choices = row[2] if len(row) == 3 else ()
        out.append(Param(name, kinds[type(default)], default, row[0], row[1], choices=choices))
    return tuple(out)


#: The working set counted for a model of fixed size (see :func:`fixed_memory`): the
#: largest tracemalloc peak of those entries over their parameter ranges is 1.4 MB
#: (``tests/sweep/test_models_memory.py``).
FIXED_WORKING_SET_BYTES = 2.0 * 2**20


def fixed_memory(what: str, size: str) -> Callable[[Any], Any]:
    """The memory estimate of a model whose arrays do not grow with any of its parameters
    (a two-qubit battery, a three-level pump, a Landau loop of a fixed 2001 points): one
    phase of :data:`FIXED_WORKING_SET_BYTES`, described by ``size`` (why it is fixed), so
    that the spec check reports it like any other entry's and never refuses it.

    Example:
        >>> est = fixed_memory("the demon", "two qubits (d = 4)")(None)
        >>> est.breakdown()
        '2 MiB two qubits (d = 4)'
    """
    from ssbattery.validation import MemoryEstimate

    def estimate(_: Any) -> MemoryEstimate:
        est = MemoryEstimate(what, hint="this model's size is fixed")
        return est.add("run", size, FIXED_WORKING_SET_BYTES, bytes_per_element=1)

    return estimate


@dataclass(frozen=True)
class Output:
    """One output of a model: ``dims`` () for a scalar, else the model's own dimensions."""

    name: str
    unit: str = ""
    doc: str = ""
    dims: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelEntry(Generic[P, R]):
    """A model as the sweep engine sees it.

    Attributes:
        name: the name used in a spec (``model = "dicke"``) and by ``ssbattery sweep``.
        summary: one line, with the review's section.
        params: the parameters a spec may fix or sweep.
        outputs: the named results (units, dimensions).
        build: ``{name: value}`` (every parameter present, None for the model default) →
            the model's validated parameter object; raises InvalidParameterError.
        solve: parameter object → the model's result (what the single-run command shows);
            accepts a keyword ``progress`` callback only if ``progress`` is True.
        extract: result → ``{output name: array}`` (arrays shaped by ``dims``).
        sizes: parameter object → lengths of the model's own dimensions (e.g. time).
        memory_bytes: parameter object → the point's peak memory: the model's own
            :class:`~ssbattery.validation.MemoryEstimate` of the whole run where it has one,
            else an upper estimate in bytes.
        cost: parameter object → relative run time (to batch small points together).
        revision: raised when the model's results change for the same spec values (a
            derived default moved): it enters the store fingerprint when above 0, so a
            store of the earlier results is refused instead of being resumed with points
            of both kinds mixed.
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    build: Callable[[Mapping[str, Any]], P]
    solve: Callable[..., R]
    extract: Callable[[R], Mapping[str, Any]]
    sizes: Callable[[P], Mapping[str, int]] = field(default=lambda p: {})
    memory_bytes: Callable[[P], Any] = field(default=lambda p: 0.0)
    cost: Callable[[P], float] = field(default=lambda p: 1.0)
    progress: bool = False
    revision: int = 0

    def param(self, name: str) -> Param:
        """The parameter called ``name``; the error lists the known ones."""
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params)
        raise InvalidParameterError(
            f"model {self.name!r} has no parameter {name!r}; its parameters are: {known}."
        )

    def defaults(self) -> dict[str, Any]:
        """Every parameter with its default (None: the model's own default)."""
        return {p.name: p.default for p in self.params}

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` over the defaults; every required parameter must be given."""
        merged = self.defaults()
        merged.update(values)
        missing = [p.name for p in self.params if p.required and merged.get(p.name) is None]
        if missing:
            raise InvalidParameterError(
                f"model {self.name!r} needs {', '.join(missing)}: give them under [fixed] or "
                "[sweep] in the spec."
            )
        return merged

    def dims(self) -> tuple[str, ...]:
        """The model's own dimensions, in the order they first appear in the outputs."""
        seen: list[str] = []
        for o in self.outputs:
            seen.extend(d for d in o.dims if d not in seen)
        return tuple(seen)

    def compute(self, values: Mapping[str, Any]) -> dict[str, NDArray[Any]]:
        """Run one point: build, solve, extract; arrays as float64 of the declared rank."""
        return self.arrays(self.solve(self.build(self.complete(values))))

    def arrays(self, result: R) -> dict[str, NDArray[Any]]:
        """The result's outputs as arrays, checked against the declared dimensions."""
        raw = self.extract(result)
        out: dict[str, NDArray[Any]] = {}
        for o in self.outputs:
            a = np.asarray(raw[o.name], dtype=float)
            if a.ndim != len(o.dims):
                raise InvalidParameterError(
                    f"model {self.name!r} output {o.name!r} has rank {a.ndim}, "
                    f"declared dims {o.dims}."
                )
            out[o.name] = a
        return out

    def output_dict(self, result: R) -> dict[str, Any]:
        """The result's outputs, JSON-ready, under ``"name [unit]"`` keys (the declared units;
        ``[1]`` for a pure number); NaN (an output not computed) as None."""
        from ssbattery.io.jsonable import to_jsonable

        raw = self.extract(result)
        return {f"{o.name} [{o.unit or '1'}]": to_jsonable(raw[o.name]) for o in self.outputs}


_REGISTRY: dict[str, ModelEntry[Any, Any]] = {}


def register(entry: ModelEntry[P, R]) -> ModelEntry[P, R]:
    """Add ``entry`` to the registry (its name must be new) and return it."""
    if entry.name in _REGISTRY:
        raise InvalidParameterError(f"a model called {entry.name!r} is already registered.")
    _REGISTRY[entry.name] = entry
    return entry


def _load_builtin() -> None:
    from ssbattery.sweep import models  # noqa: F401  (registers the built-in entries)


def get_entry(name: str) -> ModelEntry[Any, Any]:
    """The registered entry ``name``; the error lists the registered models."""
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidParameterError(
            f"`model` = {name!r} is not a registered model; choose one of: "
            f"{', '.join(sorted(_REGISTRY))}."
        ) from None


def entry_names() -> list[str]:
    """The names of every registered model, sorted."""
    _load_builtin()
    return sorted(_REGISTRY)
