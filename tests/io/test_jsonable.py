"""The one converter to plain JSON values (ssbattery.io.to_jsonable)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ssbattery.io import to_jsonable
from ssbattery.results import Quantity


def test_to_jsonable_converts_numpy_and_nan() -> None:
    out = to_jsonable({"a": np.arange(3), "b": np.float64("nan"), "c": 1 + 2j})
    assert out == {"a": [0, 1, 2], "b": None, "c": {"re": 1.0, "im": 2.0}}
    # dataclasses field by field, paths as text, ±inf as None: strict JSON always
    q = to_jsonable({"q": Quantity("E", np.float64(2.5), "eV"), "p": Path("x/y"), "i": -np.inf})
    assert q["q"] == {"name": "E", "value": 2.5, "unit": "eV", "error": None}
    assert q["p"] == "x/y" and q["i"] is None
    json.dumps(q, allow_nan=False)
