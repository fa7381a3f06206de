"""Results of the quantum and thermal models as ``xarray.Dataset``.

Each converter names the dimensions (``time``, ``n_atoms``, ``eta``, ``alpha``, ``corner``,
…), puts the units in every variable's ``units`` attribute and the model's parameters in
the dataset's attributes (``param_<name>``; values that are not numbers or strings are
written as text so the dataset saves to Zarr as it is). netCDF has no complex type: the
datasets holding states or gates (:class:`~ssbattery.quantum.evolution.Trajectory` with
states, the heat-charged battery) save to netCDF only with
``to_netcdf(engine="h5netcdf", invalid_netcdf=True)``; the others save as they are with
the netCDF4 or h5netcdf engine (SciPy's netCDF-3 writer takes an attribute called
``mode``, such as the Otto cycle's, for its own file mode and fails). Quantum models use ħ = 1
and energies in units of the model's reference frequency ω (Dicke: ωc; spin chain: the
a.u. of the review's Fig. 14), so their units read ``"ω"`` and times ``"1/ω"``; thermal
models also set k_B = 1.

Call :func:`to_xarray` or the result's own ``.to_xarray()``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery import __version__
from ssbattery.errors import InvalidParameterError

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["to_xarray"]

ENERGY = "ω (ħ = 1)"
TIME = "1/ω"
POWER = "ω² (energy per time)"


def _attr(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str | np.integer | np.floating):
        return value
    try:
        return json.dumps(value, default=str)
    except TypeError:
        return str(value)


def _dataset(
    data_vars: Mapping[str, tuple[tuple[str, ...], Any, str, str]],
    coords: Mapping[str, tuple[Any, str, str]],
    *,
    model: str,
    review: str,
    parameters: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Build a Dataset: each variable is (dims, values, units, long name)."""
    import xarray as xr

    ds = xr.Dataset(
        {
            name: xr.Variable(dims, np.asarray(values), {"units": units, "long_name": long})
            for name, (dims, values, units, long) in data_vars.items()
        },
        coords={
            name: xr.Variable((name,), np.asarray(values), {"units": units, "long_name": long})
            for name, (values, units, long) in coords.items()
        },
    )
    ds.attrs.update({"model": model, "review": review, "ssbattery_version": __version__})
    for key, value in (parameters or {}).items():
        ds.attrs[f"param_{key}"] = _attr(value)
    for key, value in (extra or {}).items():
        ds.attrs[key] = _attr(value)
    return ds


def _charging(r: Any) -> xr.Dataset:
    t = ("time",)
    return _dataset(
        {
            "energy": (t, r.energy, ENERGY, "stored energy E(t) = Tr[H0 ρ(t)] − E0"),
            "power": (t, r.power, POWER, "average power P(t) = E(t)/t"),
            "ergotropy": (t, r.ergotropy, ENERGY, "ergotropy (eq. 7)"),
        },
        {"time": (r.times, TIME, "charging time")},
        model="quantum battery charging",
        review="§2.3, eqs. 2–7",
        parameters=r.parameters,
        extra={
            "power_max": r.power_max,
            "t_power_max": r.t_power_max,
            "energy_max": r.energy_max,
            "t_energy_max": r.t_energy_max,
        },
    )


def _scaling(r: Any) -> xr.Dataset:
    n = ("n_atoms",)
    return _dataset(
        {
            "power_max": (n, r.power_max, POWER, "maximum average power"),
            "t_power_max": (n, r.t_power_max, TIME, "time of maximum power"),
            "energy_max": (n, r.energy_max, ENERGY, "maximum stored energy"),
            "t_max": (n, r.t_max, TIME, "charging window"),
        },
        {"n_atoms": (r.n_atoms, "1", "number of atoms N")},
        model="Dicke battery power scaling",
        review="§2.3.5, Fig. 12",
        parameters=r.parameters,
        extra={
            "exponent": r.fit.exponent,
            "exponent_stderr": r.fit.stderr,
            "prefactor": r.fit.prefactor,
            "r2": r.fit.r2,
        },
    )


def _eta_sweep(r: Any) -> xr.Dataset:
    e = ("eta",)
    return _dataset(
        {
            "energy_max": (e, r.energy_max, ENERGY, "maximum stored energy"),
            "power_max": (e, r.power_max, POWER, "maximum average power"),
        },
        {"eta": (r.eta, ENERGY, "atom–atom interaction η")},
        model="Dicke battery η sweep",
        review="§2.3.4",
        parameters=r.parameters,
        extra={"eta_critical": r.eta_critical},
    )


def _anisotropy(r: Any) -> xr.Dataset:
    ranges = sorted(r.power_max)
    return _dataset(
        {
            "power_max": (
                ("interaction", "alpha"),
                np.array([r.power_max[k] for k in ranges]),
                POWER,
                "maximum average power",
            ),
            "ratio": (
                ("interaction", "alpha"),
                np.array([r.ratio[k] for k in ranges]),
                "1",
                "P_max(α)/P_max(α = 1)",
            ),
        },
        {
            "alpha": (r.alphas, "1", "anisotropy α"),
            "interaction": (np.array(ranges), "", "nn: nearest neighbours; lr: long range"),
        },
        model="XXZ spin-chain battery anisotropy sweep",
        review="§2.3.9, Fig. 14",
        parameters=r.parameters,
        extra={"independent_power_max": r.independent_power_max},
    )


def _trajectory(r: Any) -> xr.Dataset:
    expect = np.asarray(r.expect)
    data: dict[str, tuple[tuple[str, ...], Any, str, str]] = {}
    coords: dict[str, tuple[Any, str, str]] = {"time": (r.times, TIME, "time")}
    if expect.size:
        # Trajectory.expect is (n_ops, n_times): one row per observable, so transpose
        expect = np.atleast_2d(expect).reshape(-1, len(r.times)).T
        data["expect"] = (
            ("time", "observable"),
            expect,
            "units of each observable",
            "expectation value ⟨A⟩(t) of each of e_ops",
        )
        coords["observable"] = (np.arange(expect.shape[1]), "", "index of the observable")
    if r.states is not None:
        states = np.asarray(r.states)
        dims = ("time", "row") if states.ndim == 2 else ("time", "row", "col")
        data["state"] = (dims, states, "1", "state at each time")
    return _dataset(
        data,
        coords,
        model="unitary evolution",
        review="§2.3, eqs. 3–5",
        extra={"method": repr(r.method)},
    )


def _otto(r: Any) -> xr.Dataset:
    c = ("corner",)
    return _dataset(
        {
            "energy": (c, r.corner_energies, ENERGY, "mean energy at the cycle's corners"),
            "entropy": (c, r.corner_entropies, "nats", "von Neumann entropy at the corners"),
            "frequency": (c, r.corner_frequencies, ENERGY, "working-medium frequency"),
        },
        {"corner": (np.arange(len(r.corner_energies)), "", "corner of the cycle (A, B, C, D)")},
        model="quantum Otto cycle (limit cycle)",
        review="§2.4, Fig. 16",
        parameters=_fields(r.cycle),
        extra={
            "work": r.work,
            "heat_hot": r.heat_hot,
            "heat_cold": r.heat_cold,
            "efficiency": r.efficiency,
            "cop": r.cop,
            "power": r.power,
            "mode": r.mode,
            "first_law_residual": r.first_law_residual,
            "sign_convention": "flows into the working medium: W + Q_h + Q_c = 0",
        },
    )


def _otto_trajectory(r: Any) -> xr.Dataset:
    p = ("point",)
    return _dataset(
        {
            "omega": (p, r.omega, ENERGY, "working-medium frequency"),
            "energy": (p, r.energy, ENERGY, "mean energy"),
            "entropy": (p, r.entropy, "nats", "von Neumann entropy"),
            "excitation": (p, r.excitation, "1", "excited-state population"),
            "stroke": (p, np.asarray(r.stroke).astype(str), "", "stroke of the cycle"),
        },
        {"point": (np.arange(len(r.omega)), "", "sample along the cycle")},
        model="quantum Otto cycle trajectory",
        review="§2.4, Fig. 16",
    )


def _heat_battery(r: Any) -> xr.Dataset:
    d = len(r.charged_state)
    m = ("row", "col")
    names = [
        "work",
        "heat_hot",
        "heat_cold",
        "efficiency",
        "power",
        "stored_energy",
        "ergotropy",
        "ness_ergotropy",
        "ness_heat_current",
        "carnot_efficiency",
    ]
    return _dataset(
        {
            "charged_state": (m, r.charged_state, "1", "battery state after charging"),
            "discharged_state": (m, r.discharged_state, "1", "battery state after work"),
            "gate": (m, r.gate, "1", "work-extraction unitary"),
        },
        {"row": (np.arange(d), "", "basis state"), "col": (np.arange(d), "", "basis state")},
        model="battery charged by a heat current",
        review="§2.4, eq. 15",
        parameters={**_fields(r.battery), "tau": r.tau},
        extra={**{k: float(getattr(r, k)) for k in names}, "validity": list(r.validity_issues)},
    )


def _heat_sweep(r: Any) -> xr.Dataset:
    g = ("coupling", "tau")
    units = {
        "work": ENERGY,
        "heat_hot": ENERGY,
        "efficiency": "1",
        "power": POWER,
        "ergotropy": ENERGY,
        "ness_ergotropy": ENERGY,
    }
    return _dataset(
        {k: (g, getattr(r, k), u, k.replace("_", " ")) for k, u in units.items()},
        {
            "coupling": (r.couplings, ENERGY, "inter-qubit coupling"),
            "tau": (r.taus, TIME, "charging time"),
        },
        model="heat-charged battery sweep",
        review="§2.4, eq. 15",
    )


def _pumped(r: Any) -> xr.Dataset:
    t = ("time",)
    return _dataset(
        {
            "stored_energy": (t, r.stored_energy, ENERGY, "stored energy"),
            "ergotropy": (t, r.ergotropy, ENERGY, "ergotropy"),
            "pump_work": (t, r.pump_work, ENERGY, "work done by the pump"),
            "efficiency": (t, r.efficiency, "1", "stored energy / pump work"),
            "power": (t, r.power, POWER, "charging power"),
            "first_law_defect": (t, r.first_law_defect, ENERGY, "first-law defect"),
        },
        {"time": (r.times, TIME, "charging time")},
        model="optically pumped two-level battery",
        review="§2.4",
        extra={"omega_L": r.omega_L},
    )


def _fields(obj: Any) -> dict[str, Any]:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return {}


def _converters() -> dict[type, Callable[[Any], xr.Dataset]]:
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke_scaling import EtaSweep, ScalingResult
    from ssbattery.quantum.evolution import Trajectory
    from ssbattery.quantum.spin_chain import AnisotropySweep
    from ssbattery.thermal.heat_battery import HeatBatteryResult, HeatBatterySweep
    from ssbattery.thermal.otto import OttoResult, OttoTrajectory
    from ssbattery.thermal.pumped_battery import PumpedChargingResult

    return {
        ChargingResult: _charging,
        ScalingResult: _scaling,
        EtaSweep: _eta_sweep,
        AnisotropySweep: _anisotropy,
        Trajectory: _trajectory,
        OttoResult: _otto,
        OttoTrajectory: _otto_trajectory,
        HeatBatteryResult: _heat_battery,
        HeatBatterySweep: _heat_sweep,
        PumpedChargingResult: _pumped,
    }


def to_xarray(result: Any) -> xr.Dataset:
    """``result`` (a quantum or thermal model's result) as an ``xarray.Dataset``.

    Raises:
        InvalidParameterError: for an object of a type without a converter (the message
            lists those that have one).
    """
    converters = _converters()
    for cls in type(result).__mro__:
        if cls in converters:
            return converters[cls](result)
    known = ", ".join(sorted(c.__name__ for c in converters))
    raise InvalidParameterError(
        f"`result` of type {type(result).__name__} has no xarray form; known: {known}."
    )
