"""The thermal report summaries quote numbers computed from the API, not typed constants.

Issue 15 §1: the Otto summary said "1 − ω_c/ω_h = 0.5" and the pumped-battery summary
"(1 − 0.5)/ω_a" whatever the parameters were. Changing the parameters must change them.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import ssbattery.report.sections.thermal as thermal
from ssbattery.errors import ConvergenceWarning
from ssbattery.thermal.otto import otto_efficiency
from ssbattery.thermal.pumped_battery import PumpedBattery, engine_efficiency_bound


def test_otto_summary_quotes_the_otto_efficiency_of_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thermal, "OTTO", {**thermal.OTTO, "omega_h": 4.0})
    monkeypatch.setattr(thermal, "OTTO_RATIOS", (0.5,))
    monkeypatch.setattr(thermal, "OTTO_LEVELS", 6)
    with warnings.catch_warnings(), pytest.warns(ConvergenceWarning, match="truncation"):
        warnings.simplefilter("ignore", RuntimeWarning)  # nanmax of a one-point curve
        art = thermal.build_otto(tmp_path)  # 6 levels: the truncation warning is not hidden
    assert otto_efficiency(4.0, 1.0) == 0.75
    assert "Otto 1 − ω_c/ω_h = 0.75," in art.summary


def test_pumped_summary_quotes_the_engine_bound_of_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thermal, "ENGINE_OMEGA_C", 0.3)
    monkeypatch.setattr(thermal, "ENGINE_OMEGAS", np.linspace(1.4, 1.6, 3))
    monkeypatch.setattr(thermal, "ENGINE_TCS", np.array([0.05, 0.5]))
    monkeypatch.setattr(thermal, "PUMP_OMEGAS", np.linspace(1.4, 1.6, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # off-resonant pumping warns by design
        art = thermal.build_pumped_battery(tmp_path)
    bat = PumpedBattery()
    bound = engine_efficiency_bound(bat, bat.omega_a, omega_c=0.3)
    # (1 − ω_c/ω_e)·ω_e/ω_L at resonance, with the default ω_e = 1, ω_a = 1.5.
    assert bound == pytest.approx((1 - 0.3 / bat.omega_e) * bat.omega_e / bat.omega_a)
    assert f"pumping bound {bound:.3f})" in art.summary
    assert art.parameters["omega_c"] == 0.3


def test_otto_figure_leaves_out_oscillator_points_not_converged_in_the_truncation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fig. 16's oscillator curves had been drawn at 16 levels, where the driven stroke's η
    at ω_c/ω_h = 0.35 was 0.520 against 0.435 at 32 and 0.383 at 48 levels. Each point is now
    rerun with more levels; at 0.35 the driven η moves 0.513 → 0.435 (24 → 32 levels) and is
    left out, while the adiabatic η = 1 − ω_c/ω_h and the points at 0.95 stay."""
    import csv

    monkeypatch.setattr(thermal, "OTTO_RATIOS", (0.35, 0.95))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        art = thermal.build_otto(tmp_path)
    with open(tmp_path / "fig16_otto_efficiency.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    flag = "converged (24 vs 32 levels)"
    verdict = {(r["medium/stroke"], float(r["omega_c/omega_h"])): r[flag] for r in rows}
    driven = "oscillator, driven τ_u = 2"
    assert verdict[(driven, 0.35)] == "False"
    assert verdict[(driven, 0.95)] == "True"
    assert verdict[("oscillator, adiabatic", 0.35)] == "True"
    eta = {(r["medium/stroke"], float(r["omega_c/omega_h"])): float(r["efficiency"]) for r in rows}
    assert eta[(driven, 0.35)] == pytest.approx(0.5131, abs=5e-4)
    assert eta[("oscillator, adiabatic", 0.35)] == pytest.approx(0.65, abs=1e-5)
    assert "Not drawn" in art.summary and f"{driven} at ω_c/ω_h = 0.35" in art.summary
    assert art.parameters["check_levels"] == 32
