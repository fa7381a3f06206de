"""Every public frozen parameter dataclass (one that checks itself) and every error class
has a Hypothesis strategy in ``tests/strategies.py``, and each draws valid instances
(issue 15 §6)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ssbattery
from ssbattery import errors


def _load_registry() -> dict[type, Any]:
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
    return dict(module.STRATEGIES)


STRATEGIES = _load_registry()


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


REQUIRED = sorted(
    {c for c in _public_classes() if _checks_itself(c)}
    | {c for c in vars(errors).values() if isinstance(c, type) and c.__module__ == errors.__name__},
    key=lambda c: c.__qualname__,
)


def test_every_parameter_class_and_error_has_a_strategy() -> None:
    missing = [f"{c.__module__}.{c.__qualname__}" for c in REQUIRED if c not in STRATEGIES]
    assert not missing, "no strategy in tests/strategies.py: " + ", ".join(missing)


@pytest.mark.parametrize("cls", sorted(STRATEGIES, key=lambda c: c.__qualname__), ids=str)
def test_each_strategy_draws_valid_instances(cls: type) -> None:
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def draw(data: Any) -> None:
        obj = data.draw(STRATEGIES[cls])
        assert isinstance(obj, cls)
        if dataclasses.is_dataclass(obj) and _checks_itself(cls):
            # a drawn instance passes its own checks again when rebuilt from its fields
            # (init=False classes take their fields as keywords too)
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init}
            if fields:
                assert type(obj)(**fields) == obj

    draw()
