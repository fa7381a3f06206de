"""The results store: an xarray Dataset in a Zarr group, filled point by point.

Layout (``xr.open_zarr`` reads it as one Dataset):

* one dimension per swept parameter (a zipped group is one dimension, its parameters are
  coordinates along it), then the model's own dimensions (e.g. ``time``);
* one float64 variable per model output, NaN where a point is not done;
* ``status`` (0 pending, 1 done, 2 failed) — the completion mask — and per point
  ``wall_time_s``, ``start_time``/``finish_time`` (seconds since the Unix epoch, UTC) and
  ``host`` (an index into the ``hosts`` attribute);
* attributes: the package version that created the store, the full spec (JSON) and its
  fingerprint (and the fingerprint without the input files' contents: a resume on edited
  files is told apart from another spec; both independent of where the project folder
  lies), the model, a log of the runs that filled the store (start, finish, where,
  the package version of each: with the points' start times it says which version
  computed which point), each failed point's error and each point's warnings.

Writes: the driver is the only writer. It keeps the arrays in memory and, at each flush,
writes the chunks that changed (region writes), the per-point records and the attributes,
then the completion mask. Zarr's local store replaces each chunk file atomically, so a
driver killed at any moment leaves every point either done (data and mask written) or
pending; a pending point's data chunk may already hold its values, and the rerun
overwrites them.
"""

from __future__ import annotations

import json
import math
import socket
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.sweep.spec import SweepSpec

__all__ = ["DONE", "FAILED", "PENDING", "ResultStore", "open_dataset"]

#: Status codes of a point in the store: not yet run, finished, failed.
PENDING, DONE, FAILED = 0, 1, 2

#: Largest chunk of an output variable (bytes); chunks span trailing swept dimensions.
CHUNK_BYTES = 1 << 20

_POINT_VARS = ("wall_time_s", "start_time", "finish_time", "host")


def _chunks(sweep_shape: tuple[int, ...], model_shape: tuple[int, ...]) -> tuple[int, ...]:
    """Chunk shape: the model dims whole, then as many trailing swept points as fit."""
    budget = max(1, CHUNK_BYTES // (8 * math.prod(model_shape)))
    out = []
    for n in reversed(sweep_shape):
        take = max(1, min(n, budget))
        out.append(take)
        budget = max(1, budget // n) if take == n else 1
    return (*reversed(out), *model_shape)


def _json_attr(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@dataclass
class ResultStore:
    """The open store of one sweep, with the in-memory copy the driver writes from."""

    spec: SweepSpec
    group: Any  # zarr.Group
    location: str
    data: dict[str, NDArray[np.float64]]
    status: NDArray[np.int8]
    point_data: dict[str, NDArray[Any]]
    hosts: list[str]
    failures: dict[str, str]
    warnings: dict[str, list[str]]
    runs: list[dict[str, Any]]
    chunk_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _dirty: set[tuple[str, tuple[int, ...]]] = field(default_factory=set)
    _written_attrs: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ create / open

    @classmethod
    def open(
        cls, spec: SweepSpec, store: str | Path | Any | None, sizes: Mapping[str, int]
    ) -> ResultStore:
        """Open ``store`` for ``spec`` (created if absent); a store of another spec is
        refused. ``store`` None keeps the results in memory; ``sizes`` gives the lengths of
        the model's own dimensions."""
        import zarr

        location = "<memory>"
        if store is None:
            store = zarr.storage.MemoryStore()
        elif isinstance(store, str | Path):
            location = str(store)
            path = Path(store)
            if path.exists():
                return cls._reopen(spec, path, sizes)
            if path.suffix != ".zarr":
                raise InvalidParameterError(
                    f"`store` {path} must end in .zarr (a Zarr folder); rename it."
                )
            if not path.parent.is_dir():
                raise InvalidParameterError(
                    f"`store` {path}: folder {path.parent} does not exist; create it first."
                )
        return cls._create(spec, store, location, sizes)

    @classmethod
    def _create(
        cls, spec: SweepSpec, store: Any, location: str, sizes: Mapping[str, int]
    ) -> ResultStore:
        import dask.array as da
        import xarray as xr

        from ssbattery import __version__

        entry = spec.entry
        shape = spec.shape
        coords: dict[str, Any] = {}
        for axis in spec.axes:
            if axis.params == (axis.name,):
                coords[axis.name] = (
                    axis.name,
                    _coord(axis.values[0]),
                    _param_attrs(spec, axis.name),
                )
            else:
                coords[axis.name] = (axis.name, np.arange(len(axis)))
                for p, vals in zip(axis.params, axis.values, strict=True):
                    coords[p] = (axis.name, _coord(vals), _param_attrs(spec, p))
        variables: dict[str, Any] = {}
        encoding: dict[str, Any] = {}
        chunk_shapes = {}
        for o in entry.outputs:
            mshape = tuple(int(sizes[d]) for d in o.dims)
            chunks = _chunks(shape, mshape)
            chunk_shapes[o.name] = chunks
            variables[o.name] = (
                (*spec.dims, *o.dims),
                da.full((*shape, *mshape), np.nan, chunks=chunks),
                {"units": o.unit, "long_name": o.doc},
            )
        empty = {
            "status": (np.zeros(shape, np.int8), "0 pending, 1 done, 2 failed"),
            "wall_time_s": (np.full(shape, np.nan), "wall time of the point [s]"),
            "start_time": (np.full(shape, np.nan), "start of the point [s since epoch, UTC]"),
            "finish_time": (np.full(shape, np.nan), "end of the point [s since epoch, UTC]"),
            "host": (np.full(shape, -1, np.int16), "index into the `hosts` attribute"),
        }
        for name, (arr, doc) in empty.items():
            variables[name] = (spec.dims, arr, {"long_name": doc})
            encoding[name] = {"chunks": shape or None}
        ds = xr.Dataset(variables, coords=coords)
        ds.attrs.update(
            {
                "title": f"ssbattery sweep of {spec.model}"
                + (f": {spec.name}" if spec.name else ""),
                "ssbattery_version": __version__,
                "model": spec.model,
                "spec": json.dumps(spec.to_dict(), default=str),
                "spec_fingerprint": spec.fingerprint(),
                "spec_values_fingerprint": spec.values_fingerprint(),
                "created": _now_iso(),
                "hosts": [],
                "runs": [],
                "failures": {},
                "warnings": {},
            }
        )
        import warnings

        with warnings.catch_warnings():
            # fixed-width strings (string coordinates) have no Zarr v3 spec yet; xarray and
            # zarr-python read them back, which is what this store needs
            warnings.filterwarnings("ignore", message=".*does not have a Zarr V3 specification")
            ds.to_zarr(store, mode="w-", compute=False, consolidated=False, encoding=encoding)
        import zarr

        group: Any = zarr.open_group(store, mode="r+")
        return cls(
            spec=spec,
            group=group,
            location=location,
            data={o.name: np.full(ds[o.name].shape, np.nan) for o in entry.outputs},
            status=np.zeros(shape, np.int8),
            point_data={k: np.asarray(ds[k].values).copy() for k in _POINT_VARS},
            hosts=[],
            failures={},
            warnings={},
            runs=[],
            chunk_shapes=chunk_shapes,
        )

    @classmethod
    def _reopen(cls, spec: SweepSpec, path: Path, sizes: Mapping[str, int]) -> ResultStore:
        import zarr

        try:
            group: Any = zarr.open_group(str(path), mode="r+")
            attrs: dict[str, Any] = dict(group.attrs)
            fingerprint = attrs["spec_fingerprint"]
        except Exception as exc:
            raise DataFormatError(
                f"`store` {path} exists but is not an ssbattery sweep store ({exc}); give a "
                "new path or remove it."
            ) from None
        if fingerprint != spec.fingerprint():
            cls._refuse_or_upgrade(spec, path, group, attrs, fingerprint)
        wanted = [o.name for o in spec.entry.outputs] + ["status", *_POINT_VARS]
        missing = [k for k in wanted if k not in group]
        if missing:
            raise DataFormatError(
                f"`store` {path} lacks {', '.join(missing)}: it was written by an ssbattery "
                f"version ({attrs.get('ssbattery_version', '?')}) whose model "
                f"{spec.model!r} had other outputs, or it is damaged; it is left untouched. "
                "Give a new --store path."
            )
        data = {}
        chunk_shapes = {}
        for o in spec.entry.outputs:
            arr = group[o.name]
            want = (*spec.shape, *(int(sizes[d]) for d in o.dims))
            if tuple(arr.shape) != want:
                raise DataFormatError(
                    f"`store` {path}: variable {o.name!r} has shape {arr.shape}, expected "
                    f"{want}; the store is damaged: give a new path."
                )
            data[o.name] = np.asarray(arr[...], dtype=float)
            chunk_shapes[o.name] = tuple(arr.chunks)
        return cls(
            spec=spec,
            group=group,
            location=str(path),
            data=data,
            status=np.asarray(group["status"][...], dtype=np.int8),
            point_data={k: np.asarray(group[k][...]) for k in _POINT_VARS},
            hosts=list(attrs.get("hosts", [])),
            failures=dict(attrs.get("failures", {})),
            warnings=dict(attrs.get("warnings", {})),
            runs=list(attrs.get("runs", [])),
            chunk_shapes=chunk_shapes,
        )

    @staticmethod
    def _refuse_or_upgrade(
        spec: SweepSpec, path: Path, group: Any, attrs: Mapping[str, Any], fingerprint: str
    ) -> None:
        """A store whose fingerprint is not ``spec``'s: one written with the older,
        location-dependent fingerprint by this spec where it is now resumes (its
        fingerprint is rewritten, so it can move from then on); any other is refused,
        saying whether the spec or only its input files differ."""
        if fingerprint == spec.legacy_fingerprint():
            group.attrs.update(
                {
                    "spec_fingerprint": spec.fingerprint(),
                    "spec_values_fingerprint": spec.values_fingerprint(),
                }
            )
            return
        same_values = (
            attrs.get("spec_values_fingerprint") == spec.values_fingerprint()
            if "spec_values_fingerprint" in attrs
            else attrs.get("spec") == json.dumps(spec.to_dict(), default=str)
        )
        if same_values:
            raise InvalidParameterError(
                f"`store` {path} was written by this spec from other input files: a file "
                "that a path parameter names has changed since (or the store predates "
                "input files in the fingerprint); it is left untouched. Give another "
                "--store path to rerun with the files as they are now."
            )
        moved = ""
        if "spec_values_fingerprint" not in attrs and _path_params(spec):
            moved = (
                " (a store written by an ssbattery version "
                f"{attrs.get('ssbattery_version', '?')} before fingerprints were "
                "independent of the folder resumes only where it was written: move the "
                "project folder back to resume it, or rerun into a new store)"
            )
        raise InvalidParameterError(
            f"`store` {path} was written by a different spec (model "
            f"{attrs.get('model')!r}, spec {attrs.get('spec')}){moved}; it is left "
            "untouched. Give another --store path, or rerun the spec that wrote it."
        )

    # ------------------------------------------------------------------------ points

    def pending(self) -> list[tuple[int, ...]]:
        """Indices of the points not done (pending or failed: a rerun retries them)."""
        return [tuple(int(i) for i in ix) for ix in np.argwhere(self.status != DONE)]

    def record(
        self,
        index: tuple[int, ...],
        *,
        outputs: Mapping[str, NDArray[Any]] | None,
        error: str | None,
        warnings: Iterable[str],
        start: float,
        finish: float,
        host: str,
    ) -> None:
        """Keep one finished point in memory (written at the next :meth:`flush`)."""
        key = str(int(np.ravel_multi_index(index, self.spec.shape))) if index else "0"
        if outputs is not None:
            for name, value in outputs.items():
                target = self.data[name]
                mshape = target.shape[len(index) :]
                if value.shape != mshape:
                    padded = np.full(mshape, np.nan)
                    padded[tuple(slice(0, n) for n in value.shape)] = value
                    value = padded
                target[index] = value
                chunk = tuple(i // c for i, c in zip(index, self.chunk_shapes[name], strict=False))
                self._dirty.add((name, chunk))
            self.failures.pop(key, None)
            self.status[index] = DONE
        else:
            self.failures[key] = error or "failed"
            self.status[index] = FAILED
        msgs = list(dict.fromkeys(warnings))
        if msgs:
            self.warnings[key] = msgs
        else:
            self.warnings.pop(key, None)
        if host not in self.hosts:
            self.hosts.append(host)
        self.point_data["wall_time_s"][index] = finish - start
        self.point_data["start_time"][index] = start
        self.point_data["finish_time"][index] = finish
        self.point_data["host"][index] = self.hosts.index(host)

    def flush(self) -> None:
        """Write the changed chunks, the per-point records and attributes, then the mask.

        The completion mask goes last, in a write of its own, so a point is never marked
        done before its data is on disk. The writes before it are issued concurrently (one
        round trip instead of one per array: 2–4× cheaper, measured in
        benchmarks/bench_sweep.py's overhead part), and the attributes are rewritten only
        when they changed.
        """
        writes: list[tuple[Any, Any, Any]] = []
        for name, chunk in sorted(self._dirty):
            cs = self.chunk_shapes[name]
            region = tuple(
                slice(c * s, (c + 1) * s) for c, s in zip(chunk, cs[: len(chunk)], strict=True)
            )
            writes.append((self.group[name], region, self.data[name][region]))
        self._dirty.clear()
        attrs = {
            "hosts": list(self.hosts),
            "failures": _json_attr(self.failures),
            "warnings": _json_attr(self.warnings),
            "runs": _json_attr(self.runs),
        }
        if attrs != self._written_attrs:
            self.group.attrs.update(attrs)
            self._written_attrs = json.loads(json.dumps(attrs))
        for k in _POINT_VARS:
            writes.append((self.group[k], ..., self.point_data[k]))
        _write_concurrently(writes)
        self.group["status"][...] = self.status

    def begin_run(self, where: str) -> dict[str, Any]:
        """Log a run (start time, host, where it computes, the package version computing it)
        in the ``runs`` attribute."""
        from ssbattery import __version__

        run = {
            "start": _now_iso(),
            "host": socket.gethostname(),
            "executor": where,
            "ssbattery_version": __version__,
        }
        self.runs.append(run)
        return run

    def dataset(self) -> Any:
        """The store as an :class:`xarray.Dataset` (loaded into memory)."""
        return open_dataset(self.group.store)


def open_dataset(store: str | Path | Any) -> Any:
    """Open a sweep store as an :class:`xarray.Dataset` (values loaded into memory).

    The attributes ``spec``, ``failures``, ``warnings`` and ``runs`` are as written; the
    ``status`` variable is the completion mask (1 done, 2 failed, 0 pending).
    """
    import xarray as xr

    if isinstance(store, str | Path):
        path = Path(store)
        if not path.exists():
            raise InvalidParameterError(f"store {path} does not exist; give a sweep store.")
        store = str(path)
    try:
        ds = xr.open_zarr(store, consolidated=False, chunks=None)
    except Exception as exc:
        raise DataFormatError(f"{store} is not a Zarr sweep store ({exc}).") from None
    if "spec_fingerprint" not in ds.attrs:
        raise DataFormatError(f"{store} is a Zarr store but not an ssbattery sweep store.")
    return ds.load()


def _write_concurrently(writes: list[tuple[Any, Any, Any]]) -> None:
    """Region writes ``array[region] = value`` issued together on Zarr's event loop."""
    import asyncio

    from zarr.core.sync import sync

    async def all_writes() -> None:
        await asyncio.gather(*(a.async_array.setitem(r, v) for a, r, v in writes))

    sync(all_writes())


def _coord(values: Iterable[Any]) -> NDArray[Any]:
    vals = list(values)
    if all(isinstance(v, bool) for v in vals):
        return np.array(vals, dtype=bool)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
        return np.array(vals)
    return np.array([str(v) for v in vals])


def _path_params(spec: SweepSpec) -> bool:
    return any(p.kind == "path" for p in spec.entry.params)


def _param_attrs(spec: SweepSpec, name: str) -> dict[str, str]:
    p = spec.entry.param(name)
    return {"units": p.unit, "long_name": p.doc}


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
