"""The engine as a library call: what the package's own scans (the Fig. 14 anisotropy
sweep, the heat-battery maps, the demon's coupling scan, the pump-frequency scan, the
learned cycle's period scan, ``dicke-scaling``) run on.

:func:`scan` runs one sweep of a registered entry in this process and returns its
:class:`xarray.Dataset`; the first point that raises re-raises with its own exception, and
each point's warnings are re-emitted (those of the categories in ``ignore`` are dropped),
so a scan behaves like the loop it replaced. :func:`distinct` maps a user's list, which may
repeat a value, onto the distinct values a spec needs (a spec refuses repeats).

>>> import numpy as np
>>> values, back = distinct([0.5, 0.1, 0.5])
>>> values, back.tolist()
([0.1, 0.5], [1, 0, 1])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["columns", "distinct", "scan"]


def distinct(values: Iterable[Any]) -> tuple[list[Any], NDArray[np.intp]]:
    """The sorted distinct values (plain Python numbers) and, for each input, its position
    among them: ``distinct(v)[0][k]`` for ``k`` in ``distinct(v)[1]`` gives ``v`` back."""
    arr = np.asarray(list(values))
    unique, inverse = np.unique(arr, return_inverse=True)
    return unique.tolist(), np.asarray(inverse, dtype=np.intp).reshape(arr.shape)


def columns(ds: Any, cls: type, index: Any, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """``{field: ds[field].values[index]}`` (float arrays) for every field of the result
    dataclass ``cls`` that is an output in ``ds`` (less ``skip``): the scans' results are
    read from the sweep's Dataset by name."""
    import dataclasses

    names = [f.name for f in dataclasses.fields(cls) if f.name in ds.data_vars]
    return {n: np.asarray(ds[n].values, dtype=float)[index] for n in names if n not in skip}


def scan(
    model: str,
    *,
    fixed: Mapping[str, Any] | None = None,
    sweep: Mapping[str, Sequence[Any]] | None = None,
    zipped: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    name: str = "",
    store: str | Path | None = None,
    progress: Callable[[Any], None] | None = None,
    ignore: tuple[type[Warning], ...] = (),
) -> Any:
    """Run the sweep of ``model`` over ``sweep`` (Cartesian product, in the given order)
    and the ``zipped`` groups, with ``fixed`` held, in this process; return the Dataset.

    Args:
        model: a registered entry (:func:`ssbattery.sweep.entry_names`).
        fixed, sweep, zipped: the spec's ``[fixed]``, ``[sweep]`` and ``[zip.NAME]`` tables.
        name: the spec's name (stored in the provenance).
        store: a ``.zarr`` folder to checkpoint in (resumed when written by the same spec).
        progress: called with a :class:`~ssbattery.sweep.SweepProgress` after each point.
        ignore: warning categories the scan drops (a scan that used to pass ``warn=False``
            to its model).
    """
    from ssbattery.sweep.runner import run

    spec: dict[str, Any] = {"model": model, "fixed": dict(fixed or {})}
    if name:
        spec["name"] = name
    if sweep:
        spec["sweep"] = {k: list(v) for k, v in sweep.items()}
    if zipped:
        spec["zip"] = {g: {k: list(v) for k, v in m.items()} for g, m in zipped.items()}
    from ssbattery.errors import PointRefused

    with warnings.catch_warnings():
        for category in ignore:
            warnings.simplefilter("ignore", category)
        try:
            return run(spec, store=store, progress=progress, on_error="raise").dataset
        except PointRefused as exc:
            # a scan behaves like the loop it replaced: the model's own message, not advice
            # about a spec file the caller never wrote
            if exc.model_error is None:
                raise
            raise exc.model_error from None
