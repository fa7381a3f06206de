"""Reading a sweep's results: tables (pandas, CSV) and power-law fits per group."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke_scaling import PowerLawFit, fit_power_law
from ssbattery.results import Recorded
from ssbattery.sweep.registry import get_entry

__all__ = ["GroupFit", "fit_power_laws", "select", "sweep_dims", "to_csv", "to_dataframe"]

_STATUS = {0: "pending", 1: "done", 2: "failed"}
_META = ("status", "host", "wall_time_s", "start_time", "finish_time")


def sweep_dims(ds: Any) -> tuple[str, ...]:
    """The swept dimensions of a sweep Dataset (those of its completion mask)."""
    return tuple(ds["status"].dims)


def to_dataframe(ds: Any, *, outputs: Sequence[str] | None = None) -> Any:
    """One row per point: swept parameters, ``status``, the scalar outputs (``outputs`` to
    choose; arrays over the model's own dims are left out), wall time and ``error``."""
    dims = sweep_dims(ds)
    scalars = [str(k) for k, v in ds.data_vars.items() if v.dims == dims and k not in _META]
    if outputs is not None:
        unknown = [o for o in outputs if o not in scalars]
        if unknown:
            raise InvalidParameterError(
                f"unknown scalar output(s) {', '.join(unknown)}; choose from {', '.join(scalars)}."
            )
        scalars = list(outputs)
    order = {o.name: i for i, o in enumerate(get_entry(ds.attrs["model"]).outputs)}
    scalars.sort(key=lambda k: order.get(k, len(order)))
    columns = ["status", *scalars, "wall_time_s", "start_time", "finish_time"]
    sub = ds[columns]
    df = (sub.to_dataframe() if dims else sub.expand_dims("point").to_dataframe()).reset_index()
    if not dims:
        df = df.drop(columns=["point"])
    failures = ds.attrs.get("failures", {})
    status = [_STATUS.get(int(s), "?") for s in df["status"]]
    df["status"] = status
    df["error"] = [failures.get(str(i), "") if s == "failed" else "" for i, s in enumerate(status)]
    first = [*dims, *(str(c) for c in ds.coords if c not in dims and ds[c].dims)]
    return df[[*first, *(c for c in df.columns if c not in first)]]


def to_csv(ds: Any, path: str | Path, *, option: str | None = None) -> Path:
    """Write :func:`to_dataframe` to ``path`` (``.csv``) atomically: a crash leaves the
    previous file, if any, untouched. A column with a unit is headed ``name [unit]``
    (``drive [ωc]``, ``power_max [ωc²/ħ]``), as the store's ``units`` attributes say; a
    pure number keeps its bare name. ``option`` names the path in errors (CLI)."""
    from ssbattery.io import CSV_SUFFIXES, atomic_path, check_output_path

    target = check_output_path(path, option=option, suffixes=CSV_SUFFIXES)
    frame = to_dataframe(ds)
    units = {c: ds[c].attrs.get("units", "") if c in ds.variables else "" for c in frame}
    frame = frame.rename(columns={c: f"{c} [{u}]" for c, u in units.items() if u})
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False)
    return target


def select(ds: Any, where: Mapping[str, Any]) -> Any:
    """``ds`` at the given values of some swept dimensions. A number matches the swept
    value equal to it within a relative 1e-6 (``0.1`` finds ``0.1000000000000001`` of a
    range); a value not in the sweep is refused, with the values it has."""
    dims = sweep_dims(ds)
    for k in where:
        if k not in dims:
            raise InvalidParameterError(
                f"cannot select on {k!r}: the swept dimensions are {', '.join(dims)}."
            )
    out = ds
    for k, v in where.items():
        coord = ds[k].values
        if np.issubdtype(coord.dtype, np.number):
            listed = ", ".join(f"{c:g}" for c in coord)
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"`where` {k}={v}: {k} takes a number, one of {listed}."
                ) from None
            i = int(np.argmin(np.abs(coord - x)))
            if not math.isclose(float(coord[i]), x, rel_tol=1e-6, abs_tol=1e-12):
                raise InvalidParameterError(
                    f"`where` {k}={v} is not a value of the sweep; {k} is one of {listed}."
                )
            out = out.isel({k: i})
        else:
            if str(v) not in coord.astype(str):
                raise InvalidParameterError(f"{k} = {v!r} is not in the sweep ({list(coord)}).")
            out = out.sel({k: str(v)})
    return out


@dataclass(frozen=True)
class GroupFit(Recorded):
    """The power-law fit y = β x^α of one group (``hue`` value, or None)."""

    group: Any
    fit: PowerLawFit
    points: int

    def _title(self) -> str:
        return f"power-law fit of group {self.group!r} ({self.points} points)"


def fit_power_laws(
    ds: Any, x: str, y: str, *, hue: str | None = None, where: Mapping[str, Any] | None = None
) -> list[GroupFit]:
    """Fit log y = α log x + log β for each value of ``hue`` over the done points.

    Every swept dimension other than ``x`` and ``hue`` must be fixed by ``where`` (or have
    one value); groups with fewer than 3 done, positive points are skipped.
    """
    data = _frame(ds, x, y, hue, where)
    fits = []
    groups = [None] if hue is None else list(data[hue].values)
    for g in groups:
        d = data if g is None else data.sel({hue: g})
        xs, ys = np.asarray(d[x].values, float), np.asarray(d[y].values, float)
        ok = np.isfinite(ys) & (ys > 0) & (xs > 0)
        if ok.sum() < 3:
            continue
        fits.append(
            GroupFit(None if g is None else g.item(), fit_power_law(xs[ok], ys[ok]), int(ok.sum()))
        )
    return fits


def _frame(ds: Any, x: str, y: str, hue: str | None, where: Mapping[str, Any] | None) -> Any:
    dims = sweep_dims(ds)
    if x not in dims:
        raise InvalidParameterError(f"`x` = {x!r} is not swept; choose from {', '.join(dims)}.")
    if hue is not None and hue not in dims:
        raise InvalidParameterError(
            f"`hue` = {hue!r} is not swept; choose from {', '.join(d for d in dims if d != x)}."
        )
    if y not in ds.data_vars or not set(ds[y].dims) <= set(dims):
        scalars = [k for k, v in ds.data_vars.items() if set(v.dims) <= set(dims)]
        raise InvalidParameterError(
            f"`y` = {y!r} is not a scalar output; choose from {', '.join(map(str, scalars))}."
        )
    sub = select(ds, where or {})
    data = sub[y].where(sub["status"] == 1)
    rest = [d for d in data.dims if d not in (x, hue)]
    many = [d for d in rest if data.sizes[d] > 1]
    if many:
        raise InvalidParameterError(
            f"dimension(s) {', '.join(many)} have several values: pick one with "
            f"--where {many[0]}=VALUE, or use it as --hue."
        )
    return data.squeeze(rest, drop=True).to_dataset(name=y).reset_coords()
