"""Conclusions that rested on unstated choices (issue 16 §1b): pumped battery's reservoir,
T_c dependence and time dependence against the review's statements."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.thermal.pumped_battery import PumpedBattery, charging, engine_region

TCS = np.linspace(0.05, 1.5, 12)


def test_single_reservoir_equals_separate_one_when_temperatures_agree() -> None:
    sep = PumpedBattery(T_r=0.3, T_c=0.3)
    one = PumpedBattery(T_r=0.05, T_c=0.3, single_reservoir=True)
    a = engine_region(sep, [1.5], [0.3]).efficiency[0, 0]
    b = engine_region(one, [1.5], [0.3]).efficiency[0, 0]
    assert a == pytest.approx(b, rel=1e-12)


def test_tc_scan_contradicts_not_significantly_affected() -> None:
    # Review §2.4 (Santos et al.): the engine's efficiency is "not affected in a
    # significant way" by T_c. Measured at resonance (ω_L = ω_a = 1.5), τ = 20, ω_c = 0.5:
    sep = engine_region(PumpedBattery(), [1.5], TCS).efficiency[:, 0]
    assert sep[0] == pytest.approx(0.3128, abs=1e-4)
    assert 1 - sep[-1] / sep[0] == pytest.approx(0.293, abs=0.005)  # a 29 % fall
    one = engine_region(PumpedBattery(single_reservoir=True), [1.5], TCS)
    assert one.efficiency[0, 0] == pytest.approx(sep[0], rel=1e-3)  # same at T_c ≈ T_r
    works = one.work[:, 0] > 0
    assert works[:9].all() and not works[-2:].any()  # stops working below T_c = 1.37


def test_efficiency_is_not_highest_at_short_times() -> None:
    # Review: "more efficient for shorter times". At resonance η rises up to t ≈ 59 and
    # only then falls as the battery leaks.
    r = charging(PumpedBattery(), 1.5, np.geomspace(1.0, 1000.0, 40), warn=False)
    k = int(np.nanargmax(r.efficiency))
    assert 50 < r.times[k] < 70
    assert r.efficiency[0] < 0.5 * r.efficiency[k]
    assert r.efficiency[-1] < r.efficiency[k]


def test_cli_single_reservoir_flag() -> None:
    res = CliRunner().invoke(
        app,
        ["pumped-battery", "--omega-l", "1.5", "--t-cold", "1.45", "--single-reservoir", "--json"],
    )
    assert res.exit_code == 0, res.output
    import json

    row = json.loads(res.stdout)["rows"][0]
    assert row["engine_work"] < 0  # at T_c = 1.45 the single-reservoir engine does not work


def test_demon_gain_from_coupling_is_one_sided() -> None:
    # H = ω1/2 σz1 + ω2/2 σz2 + g σz1σz2 (our sign): the joint-over-parallel advantage
    # appears only for g < 0; at g = +0.45 joint (0.735) < parallel (1.131).
    from ssbattery.thermal.feedback import demon_scan

    scan = demon_scan([-0.45, 0.45], omega2=3.0, temperature=3.0, rate=1.0, tau=1.0)
    assert scan.parallel_mean == pytest.approx(1.1306, abs=1e-4)
    assert scan.joint_mean[0] == pytest.approx(1.3497, abs=1e-4)
    assert scan.joint_mean[1] == pytest.approx(0.735, abs=1e-3)
    assert scan.joint_mean[1] < scan.parallel_mean < scan.joint_mean[0]
