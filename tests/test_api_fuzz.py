"""Property test over the public Python API (issue 9 §5–6).

Each entry point below is called from a small valid set of arguments with one or two of its
documented parameters replaced by a hostile value (NaN, ±inf, huge and tiny numbers, zero,
negatives, wrong types). Whatever is drawn, the call returns or raises one of the package's
own errors (:class:`ssbattery.errors.SsbatteryError`) naming an argument, never a bare
ZeroDivisionError, TypeError, MemoryError, OverflowError or numpy error, and in bounded time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssbattery.cell.landau import LandauCoefficients, landau_from_temperature
from ssbattery.cell.topology import ssh_chain, ssh_winding_number
from ssbattery.electrolytes.capacity import (
    capacity_from_molar_mass,
    lic6_capacity,
    specific_capacity,
)
from ssbattery.electrolytes.cost import film_cost
from ssbattery.errors import SsbatteryError
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.metrics import average_power, figure_of_merit
from ssbattery.quantum.spin_chain import SpinChainParameters
from ssbattery.thermal.learning import EngineParameters, evaluate_schedules, learn_cycle

EXAMPLES = int(os.environ.get("SSBATTERY_FUZZ_EXAMPLES", "4")) * 4
SECONDS = 30

HOSTILE: list[Any] = [
    3,
    -0.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    -1e308,
    5e-324,
    0,
    0.0,
    -1,
    -1.0,
    10**12,
    2**70,
    None,
    "1",
    "",
    [1.0, 2.0],
    True,
]


def _schedules(**kw: Any) -> Any:
    u = kw.pop("u", np.array([[0.5, 0.9]]))
    bath = kw.pop("bath", np.array([[1, 2]]))
    dt = kw.pop("durations", np.array([1.0, 1.0]))
    return evaluate_schedules(EngineParameters(**kw), u, bath, dt)


def _landau(**kw: Any) -> Any:
    from ssbattery.cell.landau import spontaneous_polarisation

    return spontaneous_polarisation(LandauCoefficients(**kw))


# entry point, its valid keyword arguments (the ones Hypothesis replaces)
TARGETS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "capacity_from_molar_mass": (
        capacity_from_molar_mass,
        {"electrons": 1.0, "molar_mass_g_mol": 97.87},
    ),
    "specific_capacity": (
        lambda electrons: specific_capacity("LiCoO2", electrons=electrons),
        {"electrons": 1.0},
    ),
    "lic6_capacity": (lic6_capacity, {"x": 0.5}),
    "film_cost": (
        lambda **kw: film_cost("Li2ZrCl6", **kw),
        {"thickness_um": 50.0, "density_g_cm3": 2.5, "threshold_usd_per_m2": 10.0},
    ),
    "ssh_chain": (ssh_chain, {"n_cells": 6, "v": 0.5, "w": 1.0}),
    "ssh_winding_number": (ssh_winding_number, {"v": 0.5, "w": 1.0}),
    "landau": (_landau, {"alpha": -1.0, "beta": 1.0, "gamma": 0.0}),
    "landau_from_temperature": (
        landau_from_temperature,
        {"alpha0": 1.0, "temperature_K": 300.0, "curie_K": 400.0, "beta": 1.0},
    ),
    "figure_of_merit": (
        lambda a: figure_of_merit(np.array([1.0, 2.0]), np.array([1.0, 3.0]), a),
        {"a": 0.5},
    ),
    "DickeParameters": (
        DickeParameters,
        {"n_atoms": 2, "coupling": 0.2, "omega_a": 1.0, "omega_cav": 1.0, "steps": 30},
    ),
    "SpinChainParameters": (
        SpinChainParameters,
        {"n_sites": 3, "field": 3.0, "charging": 12.0, "coupling": 3.0, "anisotropy": 1.0},
    ),
    "evaluate_schedules": (
        _schedules,
        {"E0": 1.0, "u_min": 0.3, "u_max": 1.0, "T_hot": 1.0, "T_cold": 0.2},
    ),
    # the schedule arrays themselves: bath index out of range, negative or zero durations
    "evaluate_schedules arrays": (
        lambda bath, dt, u: _schedules(u=[[u, 0.9]], bath=[[1, bath]], durations=[1.0, dt]),
        {"bath": 2, "dt": 1.0, "u": 0.5},
    ),
    "average_power": (
        lambda t0, w0: average_power([t0, 1.0], [w0, 1.0]),
        {"t0": 0.5, "w0": 0.2},
    ),
    "learn_cycle": (
        lambda **kw: learn_cycle(**kw),
        {"n_steps": 4, "period": 4.0, "iterations": 2, "population": 20, "seed": 0},
    ),
}


#: Entry points whose every returned number must be finite (they raise instead of NaN).
FINITE_RESULTS = {
    "average_power",
    "capacity_from_molar_mass",
    "evaluate_schedules",
    "evaluate_schedules arrays",
    "film_cost",
    "lic6_capacity",
    "specific_capacity",
}


def _assert_finite(name: str, kwargs: dict[str, Any], result: Any) -> None:
    values: list[float] = []
    if isinstance(result, np.ndarray | float | int):
        values = list(np.ravel(np.asarray(result, dtype=float)))
    elif hasattr(result, "__dataclass_fields__"):
        for field in result.__dataclass_fields__:
            v = getattr(result, field)
            if isinstance(v, float | np.ndarray) and np.asarray(v).dtype.kind == "f":
                values += list(np.ravel(v))
    elif isinstance(result, tuple):
        for v in result:
            _assert_finite(name, kwargs, v)
    bad = [v for v in values if not np.isfinite(v)]
    assert not bad, f"{name}({kwargs}) returned non-finite numbers {bad[:3]}"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_public_api_raises_only_its_own_errors(name: str, time_limit: Any) -> None:
    func, valid = TARGETS[name]
    keys = sorted(valid)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        changes=st.dictionaries(st.sampled_from(keys), st.sampled_from(HOSTILE), max_size=2),
    )
    def run(changes: dict[str, Any]) -> None:
        kwargs = {**valid, **changes}
        try:
            with time_limit(SECONDS, f"{name}({kwargs})"), np.errstate(all="ignore"):
                result = func(**kwargs)
            if name in FINITE_RESULTS:  # no silent NaN or inf comes back (issue 9 §5)
                _assert_finite(name, kwargs, result)
            _tally(f"api\t{name}\treturned")
        except SsbatteryError as exc:
            _tally(f"api\t{name}\trefused")
            assert str(exc).strip(), f"{name}({kwargs}) raised an empty message"
        except Exception as exc:
            raise AssertionError(f"{name}({kwargs}) raised {type(exc).__name__}: {exc}") from exc

    with func_valid_first(func, valid):
        run()


def _tally(line: str) -> None:
    """One line per generated input to $SSBATTERY_FUZZ_TALLY (counted by the benchmark)."""
    path = os.environ.get("SSBATTERY_FUZZ_TALLY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


@contextmanager
def func_valid_first(func: Callable[..., Any], valid: dict[str, Any]) -> Iterator[None]:
    """The valid base call itself must succeed (else the property is vacuous)."""
    func(**valid)
    yield
