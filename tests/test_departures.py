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
    assert row["engine_work [ω_e]"] < 0  # at T_c = 1.45 the single-reservoir engine does not work


def test_demon_gain_from_coupling_is_one_sided() -> None:
    # H = ω1/2 σz1 + ω2/2 σz2 + g σz1σz2 (our sign): the joint-over-parallel advantage
    # appears only for g < 0; at g = +0.45 joint (0.735) < parallel (1.131).
    from ssbattery.thermal.feedback import demon_scan

    scan = demon_scan([-0.45, 0.45], omega2=3.0, temperature=3.0, rate=1.0, tau=1.0)
    assert scan.parallel_mean == pytest.approx(1.1306, abs=1e-4)
    assert scan.joint_mean[0] == pytest.approx(1.3497, abs=1e-4)
    assert scan.joint_mean[1] == pytest.approx(0.735, abs=1e-3)
    assert scan.joint_mean[1] < scan.parallel_mean < scan.joint_mean[0]


def test_flat_fermi_bath_matches_the_lindblad_engine() -> None:
    # Flat Fermi rates Γ f(E) (up), Γ(1 − f(E)) (down): relaxation rate Γ for every u.
    from ssbattery.thermal.baths import Bath, local_dissipators
    from ssbattery.thermal.learning import BATH_HOT, bath_relaxation, erdman_noe_parameters
    from ssbattery.thermal.lindblad import evolve_density

    p = erdman_noe_parameters()
    for u in (0.3, 0.7, 1.0):
        E = p.E0 * u
        H = np.diag([E / 2, -E / 2]).astype(complex)
        sm = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ = index 0 → |g⟩ = index 1
        c = local_dissipators(sm, E, Bath(p.T_hot, p.rate_hot, statistics="fermi"))
        traj = evolve_density(H, c, np.diag([0.0, 1.0]).astype(complex), [0.0, 0.5])
        pe_lindblad = traj.states[-1][0, 0].real
        total, p_eq = bath_relaxation(p, np.array([E]), np.array([BATH_HOT]))
        # the model's exact step p(Δt) = p_eq (1 − e^{−Γ_tot Δt}) from the ground state
        assert pe_lindblad == pytest.approx(p_eq[0] * (1 - np.exp(-total[0] * 0.5)), abs=1e-10)
        assert p_eq[0] == pytest.approx(1 / (1 + np.exp(E / p.T_hot)), rel=1e-14)
    total, _ = bath_relaxation(p, p.E0 * np.array([0.3, 0.6, 1.0]), np.array([BATH_HOT] * 3))
    assert np.allclose(total, 1.0)


def test_erdman_noe_setup_against_the_fast_otto_bound() -> None:
    # Erdman & Noé, npj Quantum Inf. 8, 1 (2022), first case study: E0 = 2.5,
    # T_c/T_h = 0.5, Δt = 0.5, flat Fermi rates. Fast-Otto bound 0.003715 E0Γ.
    from ssbattery.thermal.learning import (
        ERDMAN_NOE_STEP,
        erdman_noe_parameters,
        fast_otto_bound,
        learn_cycle,
        optimal_otto,
    )

    p = erdman_noe_parameters()
    bound, uh, uc = fast_otto_bound(p)
    assert bound / p.E0 == pytest.approx(0.003715, abs=5e-7)
    assert (uh, uc) == pytest.approx((0.8131, 0.5722), abs=2e-4)
    # the finite-period Otto cycle approaches it from below as the period → 0
    powers = [optimal_otto(p, t).metrics.power / p.E0 for t in (1.0, 0.1, 0.01)]
    assert powers[0] < powers[1] < powers[2] < bound / p.E0 + 1e-12
    assert powers[2] == pytest.approx(bound / p.E0, rel=1e-4)
    # at Δt = 0.5 the fastest allowed cycle alternates hot/cold each step: 98.0 % of it
    r = learn_cycle(p, n_steps=2, period=2 * ERDMAN_NOE_STEP, iterations=60, population=128)
    assert r.learned.power == pytest.approx(powers[0] * p.E0, rel=1e-6)
    assert r.learned.power / bound == pytest.approx(0.980, abs=1e-3)
