"""The figure of a sweep store: an output against a swept parameter, one line per group,
with each group's power-law fit (exponent ± standard error, R²) in the legend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.sweep.results import GroupFit

__all__ = ["plot_sweep"]


def plot_sweep(
    ds: Any,
    x: str,
    y: str,
    *,
    hue: str | None = None,
    where: Mapping[str, Any] | None = None,
    loglog: bool = False,
    fit: bool = False,
    ax: Axes | None = None,
) -> list[GroupFit]:
    """Plot ``y`` (a scalar output) against the swept ``x``, one line per ``hue`` value,
    over the done points. With ``fit``, each group's y = βx^α is drawn and labelled with
    α ± SE and R²; the fits are returned (empty without ``fit``)."""
    from ssbattery.sweep.results import _frame, fit_power_laws

    data = _frame(ds, x, y, hue, where)  # refuse bad names before a figure is opened
    fits = {f.group: f for f in fit_power_laws(ds, x, y, hue=hue, where=where)} if fit else {}
    ax = new_axes(ax, (6, 4.2))
    groups = [None] if hue is None else [g.item() for g in data[hue].values]
    for g in groups:
        d = data if g is None else data.sel({hue: g})
        xs, ys = np.asarray(d[x].values, float), np.asarray(d[y].values, float)
        label = "" if g is None else f"{hue} = {g:g}" if isinstance(g, float) else f"{hue} = {g}"
        (line,) = ax.plot(xs, ys, "o", label=label or y)
        f = fits.get(g)
        if f is not None:
            ok = np.isfinite(ys) & (ys > 0) & (xs > 0)
            xl = np.geomspace(xs[ok].min(), xs[ok].max(), 100)
            ax.plot(
                xl,
                f.fit.prefactor * xl**f.fit.exponent,
                "--",
                color=line.get_color(),
                label=f"α = {f.fit.exponent:.3f} ± {f.fit.stderr:.3f}, R² = {f.fit.r2:.4f}",
            )
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    units = ds[y].attrs.get("units", "")
    ax.set_xlabel(x + (f" [{ds[x].attrs['units']}]" if ds[x].attrs.get("units") else ""))
    ax.set_ylabel(y + (f" [{units}]" if units else ""))
    ax.legend(fontsize="small")
    return list(fits.values())
