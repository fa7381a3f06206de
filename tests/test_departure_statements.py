"""Issue 16 §1b "everywhere": a model that departs from its paper says so in its docstring
and in its report figure's summary. Static checks of the texts (the numbers behind each
departure are tested in tests/test_departures.py)."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from ssbattery.report.sections import feedback as feedback_section
from ssbattery.report.sections import thermal as thermal_section

feedback = importlib.import_module("ssbattery.thermal.feedback")
heat_battery = importlib.import_module("ssbattery.thermal.heat_battery")
learning = importlib.import_module("ssbattery.thermal.learning")
machines = importlib.import_module("ssbattery.thermal.machines")
pumped_battery = importlib.import_module("ssbattery.thermal.pumped_battery")

# (model module, its paper, the report builder of its figure)
DEPARTING = [
    (heat_battery, "Tacchino", thermal_section.build_heat_battery),
    (pumped_battery, "Santos", thermal_section.build_pumped_battery),
    (feedback, "Bhandari", feedback_section.build_demon),
    (feedback, "Bhandari", feedback_section.build_refrigerator),
    (learning, "Erdman", feedback_section.build_learned_cycle),
]


@pytest.mark.parametrize(("module", "paper", "builder"), DEPARTING)
def test_docstring_and_summary_state_the_departure(module, paper, builder) -> None:  # type: ignore[no-untyped-def]
    doc = module.__doc__ or ""
    assert paper in doc
    assert re.search(r"Departure\s+from", doc), module.__name__
    summary = inspect.getsource(builder)
    assert re.search(r"Departures?\s+from", summary), builder.__name__


def test_transistor_states_its_departure() -> None:
    doc = machines.__doc__ or ""
    assert "Joulain" in doc
    assert re.search(r"Departure\s+from\s+the\s+paper:\s+the\s+baths\s+are\s+Ohmic", doc)
