"""Plots of the thermal machines (review Figs. 15–16): one function per panel.

Each takes ``ax=None`` (a new figure is made) and returns the axes; matplotlib is imported
inside. Energies in units of the model's reference frequency (ħ = k_B = 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ssbattery.thermal.heat_battery import CouplingScan, HeatBatterySweep
    from ssbattery.thermal.otto import OttoTrajectory
    from ssbattery.thermal.pumped_battery import EngineMap, PumpedChargingResult, PumpScan

__all__ = [
    "plot_engine_region",
    "plot_heat_battery",
    "plot_heat_battery_coupling",
    "plot_otto_cycle",
    "plot_otto_efficiency",
    "plot_pumped_charging",
    "plot_pumped_charging_time",
]

_STROKES = ("A→B compression", "B→C hot isochore", "C→D expansion", "D→A cold isochore")


def _axes(ax: Axes | None) -> Axes:
    return new_axes(ax, (5.0, 3.8))


def plot_otto_cycle(
    trajectory: OttoTrajectory, ax: Axes | None = None, *, quantity: str = "entropy"
) -> Axes:
    """The limit cycle in the (ω, S) plane (like Fig. 16a, S vs field B) or (ω, ⟨H⟩).

    One line per stroke, in the order A→B→C→D→A; corner labels A–D.
    """
    y = {"entropy": trajectory.entropy, "energy": trajectory.energy}.get(quantity)
    if y is None:  # refused before a figure is opened
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(f"`quantity` must be 'entropy' or 'energy', got {quantity!r}.")
    ax = _axes(ax)
    for k, label in enumerate(_STROKES):
        sel = trajectory.stroke == k
        ax.plot(trajectory.omega[sel], y[sel], marker="." if k % 2 else None, label=label)
    for k, name in enumerate("ABCD"):
        first = np.flatnonzero(trajectory.stroke == k)[0]
        ax.annotate(
            name, (trajectory.omega[first], y[first]), textcoords="offset points", xytext=(4, 4)
        )
    ax.set_xlabel("frequency ω (reference units)")
    ax.set_ylabel("entropy S (nats)" if quantity == "entropy" else "energy ⟨H⟩ (reference units)")
    ax.legend(fontsize="small")
    return ax


def plot_otto_efficiency(
    ratios: Sequence[float] | np.ndarray,
    curves: Mapping[str, Sequence[float] | np.ndarray],
    *,
    carnot: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Efficiency against the compression ratio ω_c/ω_h: the quasi-static Otto line
    1 − ω_c/ω_h, the Carnot bound (if given) and the measured ``curves`` (label → η)."""
    ax = _axes(ax)
    r = np.asarray(ratios, dtype=float)
    ax.plot(r, 1 - r, "k-", label="Otto 1 − ω_c/ω_h")
    if carnot is not None:
        ax.axhline(carnot, color="r", ls="--", label=f"Carnot {carnot:.3f}")
    markers = ("o", "s", "^", "v", "D", "x")
    for k, (label, eta) in enumerate(curves.items()):
        size = 9 - 1.5 * (k % len(markers))
        ax.plot(
            r,
            np.asarray(eta, dtype=float),
            markers[k % len(markers)],
            ms=size,
            mfc="none",
            label=label,
        )
    ax.set_xlabel("compression ratio ω_c/ω_h")
    ax.set_ylabel("efficiency η = −W/Q_h")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    return ax


def plot_heat_battery(
    sweep: HeatBatterySweep, ax: Axes | None = None, *, quantity: str = "efficiency"
) -> Axes:
    """Efficiency or power per cycle against charging time τ, one line per coupling λ."""
    data = {"efficiency": sweep.efficiency, "power": sweep.power, "work": sweep.work}.get(quantity)
    if data is None:  # refused before a figure is opened
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(
            f"`quantity` must be 'efficiency', 'power' or 'work', got {quantity!r}."
        )
    ax = _axes(ax)
    for lam, row in zip(sweep.couplings, data, strict=True):
        ax.plot(sweep.taus, row, label=f"λ = {lam:g} ω0")
    ax.set_xscale("log")
    ax.set_xlabel("charging time τ (1/ω0)")
    labels = {
        "efficiency": "efficiency η = W/Q_h",
        "power": "output power W/τ (ω0²)",
        "work": "work per cycle W (ω0)",
    }
    ax.set_ylabel(labels[quantity])
    ax.legend(fontsize="small")
    return ax


def plot_heat_battery_coupling(scan: CouplingScan, ax: Axes | None = None) -> Axes:
    """NESS ergotropy and work per cycle against the coupling λ; the range where the local
    master equation is outside its validity is shaded."""
    ax = _axes(ax)
    lam = np.asarray(scan.coupling)
    ax.plot(lam, scan.ness_ergotropy, "C0-o", ms=3, label="NESS ergotropy")
    ax.plot(lam, scan.work, "C1-s", ms=3, label="work per cycle W")
    bad = ~np.asarray(scan.local_valid, dtype=bool)
    if bad.any():
        ax.axvspan(
            float(lam[bad].min()),
            float(lam.max()),
            color="0.85",
            label="local form invalid (λ ≥ γ)",
        )
    ax.set_xlabel("coupling λ (ω0)")
    ax.set_ylabel("energy (ω0)")
    ax.legend(fontsize="small")
    return ax


def plot_pumped_charging(
    scan: PumpScan, ax: Axes | None = None, *, omega_a: float | None = None
) -> Axes:
    """Charging efficiency (left axis) and stored power (right axis) against pump ω_L."""
    ax = _axes(ax)
    w = scan.omega_L
    ax.plot(w, scan.efficiency, "C0-", label="efficiency E_B/W_pump")
    ax.set_xlabel("pump frequency ω_L (units of ω_e)")
    ax.set_ylabel("charging efficiency", color="C0")
    twin: Any = ax.twinx()
    twin.plot(w, scan.power, "C1--", label="stored power E_B/t")
    twin.set_ylabel("stored power (ω_e²)", color="C1")
    if omega_a is not None:
        ax.axvline(omega_a, color="gray", ls=":", label="resonance ω_a")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [str(li.get_label()) for li in lines], fontsize="small", loc="lower left")
    return ax


def plot_pumped_charging_time(
    runs: Sequence[PumpedChargingResult], ax: Axes | None = None, *, quantity: str = "efficiency"
) -> Axes:
    """Charging efficiency (or stored power) against time, one line per pump frequency."""
    ax = _axes(ax)
    for run in runs:
        y = run.efficiency if quantity == "efficiency" else run.power
        ax.plot(run.times, y, label=f"ω_L = {run.omega_L:g}")
    ax.set_xscale("log")
    ax.set_xlabel("charging time t (1/ω_e)")
    ax.set_ylabel(
        "charging efficiency E_B/W_pump"
        if quantity == "efficiency"
        else "stored power E_B/t (ω_e²)"
    )
    ax.legend(fontsize="small")
    return ax


def plot_engine_region(engine: EngineMap, ax: Axes | None = None) -> Axes:
    """Efficiency of the two-stroke engine in the (ω_L, T_c) plane; blank where W ≤ 0."""
    ax = _axes(ax)
    eff = np.where(engine.work > 0, engine.efficiency, np.nan)
    mesh = ax.pcolormesh(engine.omega_Ls, engine.T_cs, eff, shading="nearest", cmap="viridis")
    ax.figure.colorbar(mesh, ax=ax, label="efficiency W/W_pump")
    ax.contour(engine.omega_Ls, engine.T_cs, engine.work, levels=[0.0], colors="w")
    ax.set_xlabel("pump frequency ω_L (units of ω_e)")
    ax.set_ylabel("cold-bath temperature T_c (ω_e)")
    return ax
