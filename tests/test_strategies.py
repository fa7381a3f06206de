"""Every public class has a Hypothesis strategy in ``tests/strategies.py`` and each draws
valid instances (issue 15 §6); every result's ``to_dict()`` carries the units in its keys
(``"power_max [ω_c²]"``, issue 15 §3).

Required: every public class (each module's ``__all__``) and every error class.
:data:`NOT_YET`, the list of public classes still without a strategy, is empty since round 4
and may only shrink: a new public class comes with its strategy."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import re
import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ssbattery
from ssbattery import errors


def _load_module() -> Any:
    # tests/ is not a package (pytest runs with --import-mode=importlib): load by path
    import importlib.util
    import sys
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "ssbattery_test_strategies", Path(__file__).with_name("strategies.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_STRATEGIES_MODULE = _load_module()
STRATEGIES: dict[type, Any] = dict(_STRATEGIES_MODULE.STRATEGIES)
RESULT_STRATEGIES: dict[type, Any] = dict(_STRATEGIES_MODULE.RESULT_STRATEGIES)
COSTLY: set[type] = set(_STRATEGIES_MODULE.COSTLY)


def _public_classes() -> list[type]:
    out = []
    for info in pkgutil.walk_packages(ssbattery.__path__, "ssbattery."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            if inspect.isclass(obj) and obj.__module__ == info.name:
                out.append(obj)
    return out


def _checks_itself(cls: type) -> bool:
    return (
        dataclasses.is_dataclass(cls)
        and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        and any("__post_init__" in vars(base) for base in cls.__mro__[:-1])
    )


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


#: Public classes without a strategy yet: none since round 4 (every public class has one).
#: The list only shrinks; a new public class comes with its strategy in tests/strategies.py.
NOT_YET: frozenset[str] = frozenset()

PUBLIC = _public_classes()
REQUIRED = sorted(
    {c for c in PUBLIC if _checks_itself(c) or _name(c) not in NOT_YET}
    | {c for c in vars(errors).values() if isinstance(c, type) and c.__module__ == errors.__name__},
    key=lambda c: c.__qualname__,
)


def test_every_public_class_has_a_strategy() -> None:
    missing = [_name(c) for c in REQUIRED if c not in STRATEGIES]
    assert not missing, "no strategy in tests/strategies.py: " + ", ".join(missing)
    done = sorted(_name(c) for c in STRATEGIES if _name(c) in NOT_YET)
    assert not done, "has a strategy now, remove from NOT_YET: " + ", ".join(done)
    assert NOT_YET <= {_name(c) for c in PUBLIC}, "NOT_YET names a class that is not public"
    assert len(REQUIRED) + len(NOT_YET) >= len(PUBLIC)


@pytest.mark.parametrize("cls", sorted(STRATEGIES, key=lambda c: c.__qualname__), ids=str)
def test_each_strategy_draws_valid_instances(cls: type) -> None:
    # a result (or a result mixin, or a class drawn from a model run) is costly: fewer examples
    costly = cls in RESULT_STRATEGIES or cls in COSTLY or cls.__module__ == "ssbattery.results"
    examples = 3 if costly else 10

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def draw(data: Any) -> None:
        obj = data.draw(STRATEGIES[cls])
        if typing.is_typeddict(cls):  # a TypedDict: a dict with exactly its keys
            assert isinstance(obj, dict) and set(obj) == set(typing.get_type_hints(cls))
        else:
            assert isinstance(obj, cls)
        if dataclasses.is_dataclass(obj) and _checks_itself(cls) and cls not in RESULT_STRATEGIES:
            # a drawn instance passes its own checks again when rebuilt from its fields
            # (init=False classes take their fields as keywords too)
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
            if fields:
                assert type(obj)(**fields) == obj

    draw()


# -------------------------------------------------------------- units in to_dict() keys
UNIT_KEY = re.compile(r"^.+ \[[^\[\]]+\]$")  # "name [unit]"; "[1]" for a plain number

#: Results whose ``to_dict`` keeps another key convention, and why (none left: the eis JSON
#: moved to "name [unit]" keys too).
OTHER_KEYS: dict[str, str] = {}

#: Classes with a ``to_dict`` that are not results: their keys are input names or a file's
#: columns, read back as such.
NOT_RESULTS = {
    "Printed": "the mixin itself",
    "Recorded": "the mixin itself",
    "Reported": "the mixin itself",
    "Electrolyte": "a row of the dataset CSV (its columns)",
    "SweepSpec": "the sweep spec's TOML layout",
    "JumpRates": "rates recorded in a run's parameters",
}


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return True
    return isinstance(value, list | tuple) and any(_numeric(v) for v in value)


def _without_units(mapping: dict[str, Any], where: str = "", unit: bool = False) -> list[str]:
    """Keys of float entries (or lists of floats) without a "[unit]"; ints are counts,
    ``parameters`` and an audit's ``values`` echo their inputs by name. A row that states
    its unit in a string entry ``"unit"`` (a table of checks of different quantities, one
    set of keys) has its plain-named numbers in that unit, and so has a mapping under a key
    with a unit (``"anion_fractions [1]": {"S": 0.8}``: one unit for every entry)."""
    out = []
    states_unit = unit or isinstance(mapping.get("unit"), str)
    for key, value in mapping.items():
        if key in ("parameters", "values"):
            continue
        if isinstance(value, dict):
            out += _without_units(value, f"{where}{key}.", bool(UNIT_KEY.match(str(key))))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for v in value:
                out += _without_units(v, f"{where}{key}[].")
        elif _numeric(value) and not UNIT_KEY.match(str(key)) and not states_unit:
            out.append(where + str(key))
    return sorted(set(out))


def test_the_unit_check_finds_plain_keys() -> None:
    entry = {"a [eV]": 1.0, "n": 3, "b": [1.0], "c": {"d": 2.0, "e [1]": 0.5}, "f": [{"g": 1.5}]}
    assert _without_units(entry) == ["b", "c.d", "f[].g"]
    assert _without_units({"parameters": {"x": 1.0}, "ok": True, "name": "x"}) == []
    assert _without_units({"unit": "nats", "expected": 1.4, "rows": [{"y": 2.0}]}) == ["rows[].y"]
    assert _without_units({"x [1]": {"S": 0.8}, "y": {"S": 0.2}}) == ["y.S"]


RESULTS = sorted(
    (c for c in RESULT_STRATEGIES if c.__name__ not in OTHER_KEYS), key=lambda c: c.__name__
)


def test_every_result_class_with_to_dict_is_checked() -> None:
    results = {
        c.__name__
        for c in PUBLIC
        if callable(getattr(c, "to_dict", None))
        and not _checks_itself(c)  # parameter classes: keys are the argument names
        and c.__name__ not in NOT_RESULTS
    }
    assert results == {c.__name__ for c in RESULT_STRATEGIES}, "a result without a strategy"
    assert set(OTHER_KEYS) <= results


def test_every_result_class_prints_itself() -> None:
    # issue 15 §3: every result has a __str__ of its own (units and ± errors), not the
    # dataclass repr
    plain = [c.__name__ for c in RESULT_STRATEGIES if c.__str__ is object.__str__]
    assert not plain, "results without __str__: " + ", ".join(sorted(plain))


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_result_to_dict_has_units_in_its_keys(cls: type) -> None:
    @settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(RESULT_STRATEGIES[cls])
    def check(result: Any) -> None:
        entry = result.to_dict()
        assert _without_units(entry) == [], f"{cls.__name__}.to_dict() keys without units"
        json.dumps(entry, allow_nan=True)  # JSON-ready
        text = str(result)
        assert text.strip() and not text.startswith(f"{cls.__name__}("), text

    check()


# ----------------------------------------- every public dataclass: a result or an input
def _kind(reason: str, *names: str) -> dict[str, str]:
    return dict.fromkeys((f"ssbattery.{n}" for n in names), reason)


#: Public dataclasses that are not results, and why: inputs, method objects, internals,
#: data rows, presets, specs. They keep the dataclass repr (their fields are what they were
#: built from) or a short ``__str__`` of their own. A new public dataclass is either a
#: result (in ``RESULT_STRATEGIES``: ``to_dict()`` with units in its keys and a ``__str__``
#: of its own, e.g. through :class:`ssbattery.results.Recorded`) or listed here.
NON_RESULTS: dict[str, str] = {
    **_kind(
        "parameters of a model (the inputs a run is built from)",
        "cell.discharge.RegularSolutionCathode",
        "cell.landau.LandauCoefficients",
        "cell.self_charging.SelfChargingCell",
        "electrolytes.impedance.conductivity.Pellet",
        "electrolytes.impedance.examples.ExampleTruth",
        "quantum.dicke.DickeParameters",
        "quantum.open.charging.DrivenBattery",
        "quantum.open.liouvillian.CollectiveHamiltonian",
        "quantum.open.rates.Dissipation",
        "quantum.open.rates.JumpRates",
        "quantum.spin_chain.SpinChainParameters",
        "quantum.anisotropy_scaling.ScanPoint",
        "thermal.baths.Bath",
        "thermal.cycle.Cycle",
        "thermal.cycle.FeedbackStroke",
        "thermal.cycle.Medium",
        "thermal.cycle.ThermalStroke",
        "thermal.cycle.UnitaryStroke",
        "thermal.feedback.CoupledQubits",
        "thermal.feedback.FeedbackProtocol",
        "thermal.heat_battery.HeatBattery",
        "thermal.learning.EngineParameters",
        "thermal.model.BathCoupling",
        "thermal.otto.OttoCycle",
        "thermal.otto.WorkingMedium",
        "thermal.pumped_battery.PumpedBattery",
    ),
    **_kind(
        "a method object: how to compute, not what came out",
        "quantum.dicke_window.PhotonWindow",
        "quantum.evolution.chebyshev.Chebyshev",
        "quantum.evolution.eigh.Eigh",
        "quantum.evolution.expm.Expm",
        "quantum.evolution.expm.ExpmMultiply",
        "quantum.evolution.lanczos.Lanczos",
        "quantum.mps.TDVP",
        "quantum.mps.TEBD",
        "quantum.open.propagate.ChebyshevLindblad",
        "quantum.open.propagate.RungeKutta",
        "thermal.strokes.Adiabatic",
        "thermal.strokes.Driven",
        "thermal.strokes.Sudden",
    ),
    **_kind(
        "a model's internals: operators, bases, states, a trained estimator",
        "electrolytes.conductivity_model.ConductivityModel",
        "electrolytes.conductivity_model.StructureDescriptor",
        "quantum.chain_basis.ChainBasis",
        "quantum.chain_charging.MatrixFreeChain",
        "quantum.dicke.DickeBasis",
        "quantum.evolution.csr_kernels.CodedCSR",
        "quantum.open.space.PISpace",
        "quantum.spin_chain.SpinChainOperators",
        "quantum.tdvp.Channel",
        "quantum.tdvp.TDVPState",
        "quantum.tebd.TEBDState",
        "thermal.model.ThermalModel",
    ),
    **_kind(
        "shipped data: a row of a cited table, a measured file, a reader",
        "cell.alignment.Electrode",
        "cell.alignment.ElectrolyteLevels",
        "electrolytes.cost.FilmDensity",
        "electrolytes.cost.PrecursorPrice",
        "electrolytes.dataset.Electrolyte",
        "electrolytes.impedance.measured.MeasuredSeries",
        "electrolytes.impedance.readers.registry.Reader",
        "electrolytes.impedance.readers.spectrum.Spectrum",
        "electrolytes.obelix.FamilyMapping",
        "electrolytes.scorecard.Criterion",
        "electrolytes.screening.MetalPotential",
        "literature.Check",
        "validation.PhysicalRange",
    ),
    **_kind("the result helpers' own scalar (a result lists them)", "results.Quantity"),
    **_kind(
        "a cited preset (parameters with their source)",
        "presets.quantum.DickeEtaSweepPreset",
        "presets.quantum.DickeRunPreset",
        "presets.quantum.DickeScalingPreset",
        "presets.quantum.SpinChainPreset",
        "presets.thermal.HeatBatteryPreset",
        "presets.thermal.OttoPreset",
        "presets.thermal.PumpedBatteryPreset",
    ),
    **_kind(
        "the sweep engine's specs, registry, store, transport records and progress events",
        "report.registry.FigureSpec",
        "sweep.registry.ModelEntry",
        "sweep.registry.Output",
        "sweep.registry.Param",
        "sweep.runner.PointOutcome",
        "sweep.runner.SweepProgress",
        "sweep.spec.Axis",
        "sweep.spec.SweepSpec",
        "sweep.store.ResultStore",
    ),
    **_kind(
        "a sweep model's input: what one point is built from",
        "sweep.models.cell.AlignInputs",
        "sweep.models.cell.SelfChargeRun",
        "sweep.models.cell.SpectrumFit",
        "sweep.models.open_dicke.OpenDickeRun",
        "sweep.models.quantum.DickeRun",
        "sweep.models.quantum.SpinChainRun",
        "sweep.models.thermal.BestOttoRun",
        "sweep.models.thermal.DemonRun",
        "sweep.models.thermal.HeatBatteryRun",
        "sweep.models.thermal.LearnedCycleRun",
        "sweep.models.thermal.OttoRun",
        "sweep.models.thermal.PumpedRun",
    ),
}


def test_every_public_dataclass_is_a_result_or_an_input() -> None:
    dataclass_names = {_name(c) for c in PUBLIC if dataclasses.is_dataclass(c)}
    results = {_name(c) for c in RESULT_STRATEGIES}
    unclassified = sorted(dataclass_names - results - set(NON_RESULTS))
    assert not unclassified, (
        "classify each: a result (to_dict with units in its keys, its own __str__, its "
        "strategy in RESULT_STRATEGIES) or not a result (NON_RESULTS, with the reason): "
        + ", ".join(unclassified)
    )
    assert not results & set(NON_RESULTS), "both a result and an input"
    stale = sorted(set(NON_RESULTS) - dataclass_names)
    assert not stale, "not a public dataclass (renamed or removed?): " + ", ".join(stale)
