"""A sweep's specification: the model, its fixed parameters and the swept ones.

A spec is a TOML file (or the same structure as a dict)::

    name = "dicke-scaling"          # optional
    model = "dicke"                 # a registered entry (`ssbattery sweep models`)

    [fixed]                         # parameters held fixed
    coupling = 0.5
    steps = 200

    [sweep]                         # one dimension each; the Cartesian product is run
    n_atoms = [4, 8, 16, 32]                          # a list
    drive = {start = 0.0, stop = 1.0, num = 5}        # linear range, ends included
    eta = {start = 0.01, stop = 1.0, num = 3, scale = "log"}   # log range

    [zip.window]                    # a zipped group: one dimension "window" along which
    t_max = [1.0, 2.0]              # the listed parameters change together
    steps = [100, 200]

A relative path (a path parameter under [fixed] or [sweep]) is taken from the spec file's
folder (from the working folder for a dict or TOML text); a path parameter may be swept
over files: ``spectrum = {glob = "spectra/*.csv"}`` (sorted). Everything is checked
before anything runs (:meth:`SweepSpec.validate`): an unknown model, key or parameter, an
empty range, a range of num = 1 with stop ≠ start, a repeated value, more than
``MAX_POINTS`` (10⁶) points, a value of the wrong type, a point the model refuses, a point
whose memory would not fit. Each error names the key and the fix.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ssbattery.errors import (
    DataFormatError,
    InvalidParameterError,
    PointRefused,
    ResourceLimitError,
)
from ssbattery.sweep.registry import ModelEntry, Param, get_entry

__all__ = ["MAX_POINTS", "Axis", "SweepSpec", "load_spec"]

#: The most points one spec may hold (a range's ``num`` and the product of every
#: dimension): every point is built and checked before anything runs (≈ 20–40 µs each) and
#: the store keeps per-point records, so a larger sweep is split into several specs.
MAX_POINTS = 1_000_000

_TOP_KEYS = ("name", "description", "model", "fixed", "sweep", "zip")
_RANGE_KEYS = {"start", "stop", "num", "scale"}


@dataclass(frozen=True)
class Axis:
    """One dimension of the sweep: ``params`` change together along it (one for a plain
    swept parameter, several for a zipped group); ``values[i]`` is the i-th param's list."""

    name: str
    params: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]

    def __len__(self) -> int:
        return len(self.values[0])


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: build with :func:`load_spec` (which calls :meth:`validate`)."""

    model: str
    fixed: Mapping[str, Any]
    axes: tuple[Axis, ...]
    name: str = ""
    description: str = ""
    source: str = field(default="", compare=False)
    #: the folder relative path parameters were taken from (the spec file's folder; the
    #: working folder for a dict or TOML text): files under it enter the fingerprint by
    #: their path relative to it, so a project folder moved whole keeps its fingerprint
    base: str = field(default="", compare=False)

    @property
    def entry(self) -> ModelEntry[Any, Any]:
        """The registered model entry."""
        return get_entry(self.model)

    @property
    def dims(self) -> tuple[str, ...]:
        """The sweep's dimensions, in spec order."""
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of points along each dimension."""
        return tuple(len(a) for a in self.axes)

    @property
    def size(self) -> int:
        """Total number of points."""
        return math.prod(self.shape)

    def point(self, index: tuple[int, ...]) -> dict[str, Any]:
        """The full parameter set (fixed, swept, defaults) of the point at ``index``."""
        values = dict(self.fixed)
        for axis, i in zip(self.axes, index, strict=True):
            for p, vals in zip(axis.params, axis.values, strict=True):
                values[p] = vals[i]
        return self.entry.complete(values)

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Every point's index, in C order (last dimension fastest)."""
        return itertools.product(*(range(n) for n in self.shape))

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain data (what :func:`load_spec` accepts), ranges expanded."""
        sweep: dict[str, Any] = {}
        zips: dict[str, Any] = {}
        for a in self.axes:
            if len(a.params) == 1 and a.name == a.params[0]:
                sweep[a.name] = list(a.values[0])
            else:
                zips[a.name] = {p: list(v) for p, v in zip(a.params, a.values, strict=True)}
        out: dict[str, Any] = {"model": self.model, "fixed": dict(self.fixed), "sweep": sweep}
        if zips:
            out["zip"] = zips
        if self.name:
            out["name"] = self.name
        if self.description:
            out["description"] = self.description
        return out

    def fingerprint(self) -> str:
        """SHA-256 of what determines the results: model, every point's parameters with the
        defaults resolved, and the contents (SHA-256) of the files that path parameters
        name (a spectrum edited since is another input). A file under the spec's folder
        (:attr:`base`) enters by its path relative to that folder, so a project folder
        (spec, store and input files) moved or copied elsewhere keeps its fingerprint; a
        file outside it enters by its absolute path. Two specs with the same fingerprint
        fill the same store."""
        return self._digest(portable=True, files=True)

    def values_fingerprint(self) -> str:
        """:meth:`fingerprint` without the input files' contents: equal for one spec run
        on edited input files (how a store tells "other input files" from "other spec")."""
        return self._digest(portable=True, files=False)

    def legacy_fingerprint(self) -> str:
        """The fingerprint of stores written before it was location-independent: path
        parameters as the spec held them (absolute for a spec file given by an absolute
        path), so such a store resumes only from where it was written. Equal to
        :meth:`fingerprint` for a spec without path parameters."""
        return self._digest(portable=False, files=True)

    def _digest(self, *, portable: bool, files: bool) -> str:
        paths = {p.name for p in self.entry.params if p.kind == "path"}

        def name(param: str, value: Any) -> Any:
            if not portable or param not in paths or value is None:
                return value
            return self._portable_path(str(value))

        blob: dict[str, Any] = {
            "model": self.model,
            "defaults": self.entry.defaults(),
            "fixed": {k: name(k, v) for k, v in self.fixed.items()},
            "axes": [
                [
                    a.name,
                    list(a.params),
                    [[name(p, x) for x in v] for p, v in zip(a.params, a.values, strict=True)],
                ]
                for a in self.axes
            ],
        }
        if self.entry.revision:  # absent at revision 0: those fingerprints are unchanged
            blob["revision"] = self.entry.revision
        digests = self._input_digests()
        if files and digests:  # absent without path parameters: those fingerprints are unchanged
            blob["files"] = (
                {self._portable_path(k): v for k, v in digests.items()} if portable else digests
            )
        text = json.dumps(blob, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _portable_path(self, value: str) -> str:
        """``value`` relative to :attr:`base` (POSIX form) when it lies under it, else
        absolute."""
        target = os.path.abspath(value)
        root = os.path.abspath(self.base or os.curdir)
        if os.path.commonpath([target, root]) == root:
            return Path(os.path.relpath(target, root)).as_posix()
        return target

    def _input_digests(self) -> dict[str, str]:
        """SHA-256 of each file a path parameter names ("missing" for none there)."""
        paths = {p.name for p in self.entry.params if p.kind == "path"}
        named = [v for k, v in self.fixed.items() if k in paths]
        for a in self.axes:
            named += [
                v for p, vals in zip(a.params, a.values, strict=True) if p in paths for v in vals
            ]
        out = {}
        for name in sorted({str(v) for v in named if v is not None}):
            try:
                with open(name, "rb") as fh:
                    out[name] = hashlib.file_digest(fh, "sha256").hexdigest()
            except OSError:
                out[name] = "missing"
        return out

    def validate(self, *, memory_limit_bytes: float | None = None) -> None:
        """Check every point before anything runs: the model builds each point's
        parameters, and its memory passes the package's guard: the entry's
        ``memory_bytes`` gives the model's own whole-run estimate
        (:class:`ssbattery.validation.MemoryEstimate`, checked against the fixed limit and
        the memory available now) or a number of bytes
        (:func:`ssbattery.validation.check_memory`); ``memory_limit_bytes`` replaces both
        limits when given. Raises InvalidParameterError or ResourceLimitError naming the
        point and the fix."""
        from ssbattery.validation import MemoryEstimate, check_memory

        entry = self.entry
        hint = "shrink that range under [sweep] (or the value under [fixed])"
        built: dict[tuple[int, ...], Any] = {}
        for index in self.indices():
            values = self.point(index)
            where = self.describe(index)
            try:
                params = built[index] = entry.build(values)
            except InvalidParameterError as exc:
                refused = PointRefused(
                    f"point {where} is refused by model {self.model!r}: {exc} Fix the value "
                    "under [fixed] or [sweep]."
                )
                refused.model_error = exc
                raise refused from None
            estimate = entry.memory_bytes(params)
            need = estimate.peak_bytes if isinstance(estimate, MemoryEstimate) else estimate
            if memory_limit_bytes is not None:
                if need > memory_limit_bytes:
                    raise ResourceLimitError(
                        f"point {where} of model {self.model!r} would need about "
                        f"{need / 1024**3:.1f} GiB, above the {memory_limit_bytes / 1024**3:.1f}"
                        f" GiB limit; {hint}."
                    )
                continue
            what = f"point {where} of model {self.model!r}"
            if not isinstance(estimate, MemoryEstimate):  # complex128 numbers: the guard's unit
                check_memory(what, (math.ceil(float(need) / 16),), bytes_per_element=16, hint=hint)
                continue
            try:
                estimate.check()
            except ResourceLimitError as exc:
                raise ResourceLimitError(f"{what}: {exc} In the spec: {hint}.") from None
        # the run reuses these (building costs as much as a small point's engine overhead)
        object.__setattr__(self, "_built", built)

    def built(self) -> dict[tuple[int, ...], Any]:
        """Each point's parameter object (``entry.build``), as :meth:`validate` built it."""
        cached = self.__dict__.get("_built")
        if cached is None:
            cached = {ix: self.entry.build(self.point(ix)) for ix in self.indices()}
            object.__setattr__(self, "_built", cached)
        return dict(cached)

    def describe(self, index: tuple[int, ...]) -> str:
        """``n_atoms=8, drive=0.5`` for the point at ``index`` (swept parameters only)."""
        parts = []
        for axis, i in zip(self.axes, index, strict=True):
            for p, vals in zip(axis.params, axis.values, strict=True):
                parts.append(f"{p}={vals[i]}")
        return ", ".join(parts) or "(the single point)"


def load_spec(source: str | Path | Mapping[str, Any]) -> SweepSpec:
    """Read and validate a spec from a TOML file, TOML text or a dict (see the module doc).

    Raises:
        DataFormatError: the file is missing or not TOML.
        InvalidParameterError: a key, parameter or value is wrong (the message names it).
        ResourceLimitError: a point would not fit in memory.
    """
    base = Path.cwd()
    origin = "<dict>"
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        import tomllib

        text: str
        if isinstance(source, Path) or ("\n" not in source and "=" not in source):
            path = Path(source)
            if path.is_dir():
                raise DataFormatError(f"spec {path} is a folder; give a TOML spec file.")
            if not path.is_file():
                raise DataFormatError(f"spec file {path} does not exist; give a TOML spec.")
            text, origin = path.read_text(encoding="utf-8"), str(path)
            base = path.parent.absolute()  # a glob then yields absolute paths too
        else:
            text, origin = source, "<text>"
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DataFormatError(f"spec {origin} is not valid TOML: {exc}.") from None
    spec = _parse(data, base, origin)
    spec.validate()
    return spec


def _parse(data: Mapping[str, Any], base: Path, origin: str) -> SweepSpec:
    for key in data:
        if key not in _TOP_KEYS:
            raise InvalidParameterError(
                f"unknown key `{key}` in spec {origin}; allowed: {', '.join(_TOP_KEYS)}."
            )
    if "model" not in data:
        raise InvalidParameterError(f"spec {origin} needs `model` = one of the registered models.")
    if not isinstance(data["model"], str):
        raise InvalidParameterError('`model` must be a string such as "dicke".')
    entry = get_entry(data["model"])
    fixed_in = _table(data, "fixed")
    sweep_in = _table(data, "sweep")
    zip_in = _table(data, "zip")
    owner: dict[str, str] = {}

    def claim(param: str, key: str) -> None:
        if param not in {p.name for p in entry.params}:
            _unknown(entry, key)
        if param in owner:
            raise InvalidParameterError(
                f"`{key}` sets {param!r}, already set by `{owner[param]}`; keep only one."
            )
        owner[param] = key

    fixed: dict[str, Any] = {}
    for name, value in fixed_in.items():
        claim(name, f"fixed.{name}")
        param = entry.param(name)
        fixed[name] = _located(param, param.coerce(value, f"fixed.{name}"), base)
    axes: list[Axis] = []
    for name, value in sweep_in.items():
        key = f"sweep.{name}"
        claim(name, key)
        axes.append(Axis(name, (name,), (tuple(_values(entry, name, value, key, base)),)))
    for group, members in zip_in.items():
        if not isinstance(members, Mapping) or not members:
            raise InvalidParameterError(
                f"`zip.{group}` must be a table of parameter = values (at least one)."
            )
        if group in owner or group in entry.dims():
            raise InvalidParameterError(
                f"`zip.{group}`: the group name clashes with a parameter or dimension; rename it."
            )
        params, lists = [], []
        for name, value in members.items():
            key = f"zip.{group}.{name}"
            claim(name, key)
            params.append(name)
            lists.append(tuple(_values(entry, name, value, key, base)))
        lengths = {len(v) for v in lists}
        if len(lengths) != 1:
            sizes = ", ".join(f"{p}: {len(v)}" for p, v in zip(params, lists, strict=True))
            raise InvalidParameterError(
                f"`zip.{group}` zips lists of different lengths ({sizes}); make them equal."
            )
        combos = list(zip(*lists, strict=True))
        if len({tuple(map(_same, c)) for c in combos}) != len(combos):
            raise InvalidParameterError(
                f"`zip.{group}` repeats a combination of values; list each one once."
            )
        axes.append(Axis(group, tuple(params), tuple(lists)))
    size = math.prod(len(a) for a in axes)
    if size > MAX_POINTS:
        dims = " × ".join(f"{a.name} ({len(a)})" for a in axes)
        raise InvalidParameterError(
            f"spec {origin} has {size:,} points ({dims}), more than the {MAX_POINTS:,} one "
            "sweep may hold; shorten a range under [sweep] or split the sweep into several specs."
        )
    for axis in axes:
        if axis.name in entry.dims():
            raise InvalidParameterError(
                f"swept `{axis.name}` clashes with the model's dimension {axis.name!r}; "
                "sweep it in a [zip.NAME] group with another name."
            )
    for name in ("name", "description"):
        if name in data and not isinstance(data[name], str):
            raise InvalidParameterError(f"`{name}` must be a string.")
    spec = SweepSpec(
        model=entry.name,
        fixed=fixed,
        axes=tuple(axes),
        name=data.get("name", ""),
        description=data.get("description", ""),
        source=origin,
        base=os.path.abspath(base),
    )
    spec.point(tuple(0 for _ in axes))  # every required parameter is given
    return spec


def _unknown(entry: ModelEntry[Any, Any], key: str) -> None:
    known = ", ".join(p.name for p in entry.params)
    raise InvalidParameterError(
        f"`{key}`: model {entry.name!r} has no such parameter; its parameters are: {known}."
    )


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise InvalidParameterError(f"`{key}` must be a table ([{key}] in TOML).")
    return dict(value)


def _values(entry: ModelEntry[Any, Any], name: str, value: Any, key: str, base: Path) -> list[Any]:
    param = entry.param(name)
    if isinstance(value, list):
        raw = value
    elif isinstance(value, Mapping) and "glob" in value:
        if param.kind != "path" or set(value) != {"glob"}:
            raise InvalidParameterError(
                f"`{key}`: {{glob = ...}} sweeps files and fits only a path parameter alone."
            )
        raw = [str(p) for p in sorted(base.glob(str(value["glob"]))) if p.is_file()]
        if not raw:
            raise InvalidParameterError(
                f"`{key}`: glob {value['glob']!r} matches no file under {base}; fix the pattern."
            )
    elif isinstance(value, Mapping):
        raw = _range(value, key)
    else:
        raise InvalidParameterError(
            f"`{key}` must be a list of values or a range {{start, stop, num[, scale]}}; "
            f"got {value!r} (a single value goes under [fixed])."
        )
    if not raw:
        raise InvalidParameterError(f"`{key}` is empty; give at least one value.")
    out = [_located(param, param.coerce(v, f"{key}[{i}]"), base) for i, v in enumerate(raw)]
    if not key.startswith("zip.") and len(set(map(_same, out))) != len(out):
        raise InvalidParameterError(f"`{key}` repeats a value; list each value once.")
    return out


def _located(param: Param, value: Any, base: Path) -> Any:
    """A path parameter's value relative to the spec file's folder (``base``), under
    [fixed] as under [sweep]; other values as they are."""
    if param.kind != "path" or value is None or Path(value).is_absolute():
        return value
    return str(base / value)


def _same(value: Any) -> Any:
    """What makes two values of a dimension the same point: ``-0.0`` is ``0.0``."""
    return repr(value + 0.0) if isinstance(value, float) else repr(value)


def _range(table: Mapping[str, Any], key: str) -> list[float]:
    unknown = set(table) - _RANGE_KEYS
    if unknown or not {"start", "stop", "num"} <= set(table):
        raise InvalidParameterError(
            f'`{key}`: a range is {{start = …, stop = …, num = …, scale = "linear"|"log"}}'
            f"{'; unknown ' + ', '.join(sorted(unknown)) if unknown else ''}."
        )
    num = table["num"]
    if isinstance(num, bool) or not isinstance(num, int):
        raise InvalidParameterError(f"`{key}.num` must be an integer, got {num!r}.")
    if num < 1:
        raise InvalidParameterError(f"`{key}.num` = {num} gives an empty range; use num ≥ 1.")
    if num > MAX_POINTS:
        raise InvalidParameterError(
            f"`{key}.num` = {num:,} is more than the {MAX_POINTS:,} points one sweep may hold; "
            "use a smaller num or split the sweep into several specs."
        )
    start, stop = table["start"], table["stop"]
    for k, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InvalidParameterError(f"`{key}.{k}` must be a finite number, got {v!r}.")
    if num == 1 and start != stop:
        raise InvalidParameterError(
            f"`{key}`: num = 1 holds start alone, so stop = {stop} would be ignored; give "
            "num ≥ 2, or the single value under [fixed]."
        )
    scale = table.get("scale", "linear")
    if scale == "linear":
        vals = np.linspace(start, stop, num)
    elif scale == "log":
        if start <= 0 or stop <= 0:
            raise InvalidParameterError(
                f"`{key}`: a log range needs start and stop > 0, got {start} and {stop}."
            )
        vals = np.geomspace(start, stop, num)
    else:
        raise InvalidParameterError(f'`{key}.scale` must be "linear" or "log", got {scale!r}.')
    ints = all(isinstance(v, int) for v in (start, stop))
    if ints and np.allclose(vals, np.round(vals), rtol=0, atol=1e-9):
        return [round(float(v)) for v in vals]
    return [float(v) for v in vals]
