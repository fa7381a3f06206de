"""Learned control of the two-level heat engine (review §2.4, Erdman & Noé, npj QI 8, 1 (2022)).

H(u) = E0·u/2·σz, u ∈ [0.3, 1], hot (T = 1) and cold (T = 0.2) Ohmic baths, E0 = Γ = 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.thermal.baths import Bath, local_dissipators
from ssbattery.thermal.learning import (
    BATH_COLD,
    BATH_HOT,
    BATH_NONE,
    EngineParameters,
    learn_cycle,
    optimal_otto,
    otto_power_scan,
    schedule_metrics,
)
from ssbattery.thermal.lindblad import evolve_density

PARAMS = EngineParameters()


def test_rate_equation_equals_lindblad_populations() -> None:
    # The qubit stays diagonal: the exact rate solution must match the Lindblad engine
    # (local dissipators with the same Ohmic spectral density γ(E) = Γ E/E0).
    u, bath, dt = (
        np.array([1.0, 0.6, 0.3, 0.45]),
        np.array([BATH_HOT, BATH_NONE, BATH_COLD, BATH_HOT]),
        np.array([0.7, 0.3, 1.1, 0.4]),
    )
    m = schedule_metrics(PARAMS, u, bath, dt)
    sm = np.array([[0, 0], [1, 0]], dtype=complex)  # σ⁻ with |e⟩ first
    rho = np.diag([m.p[0], 1 - m.p[0]]).astype(complex)
    for k in range(u.size):
        E = PARAMS.E0 * u[k]
        H = np.diag([E / 2, -E / 2]).astype(complex)
        c_ops = []
        if bath[k] != BATH_NONE:
            T, rate = (1.0, 1.0) if bath[k] == BATH_HOT else (0.2, 1.0)
            c_ops = local_dissipators(sm, E, Bath(T, rate, spectral_exponent=1.0))
        traj = evolve_density(H, c_ops, rho, [0.0, dt[k]])
        assert traj.states is not None
        rho = traj.states[-1]
        assert rho[0, 0].real == pytest.approx(m.p[k + 1], abs=1e-12)
    assert rho[0, 0].real == pytest.approx(m.p[0], abs=1e-12)  # periodic


def test_slow_otto_cycle_analytic() -> None:
    # Long strokes: p_h, p_c thermal; W = E0 (u_h − u_c)(p_h − p_c), η = 1 − u_c/u_h.
    uh, uc = 1.0, 0.3
    m = schedule_metrics(
        PARAMS, np.array([uh, uc]), np.array([BATH_HOT, BATH_COLD]), np.array([60.0, 60.0])
    )
    ph = 1 / (1 + np.exp(uh / PARAMS.T_hot))
    pc = 1 / (1 + np.exp(uc / PARAMS.T_cold))
    assert m.work_extracted == pytest.approx((uh - uc) * (ph - pc), rel=1e-12)
    assert m.efficiency == pytest.approx(1 - uc / uh, rel=1e-12)
    assert m.efficiency < 1 - PARAMS.T_cold / PARAMS.T_hot
    assert m.power == pytest.approx(m.work_extracted / 120.0)


@settings(max_examples=30, deadline=None)
@given(
    u=st.lists(st.floats(0.3, 1.0), min_size=2, max_size=8),
    seed=st.integers(0, 1000),
)
def test_first_law_and_carnot_for_any_schedule(u: list[float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    bath = rng.integers(0, 3, len(u))
    dt = rng.uniform(0.01, 2.0, len(u))
    m = schedule_metrics(PARAMS, np.array(u), bath, dt)
    assert m.work_extracted == pytest.approx(m.heat_hot + m.heat_cold, abs=1e-12)
    assert np.all((m.p >= 0) & (m.p <= 1))
    if m.work_extracted > 1e-12:
        assert m.efficiency <= 1 - PARAMS.T_cold / PARAMS.T_hot + 1e-12


def test_learned_cycle_beats_best_otto_of_same_period_default_seed() -> None:
    # Default run (seed 0, 16 steps, period 4/Γ): measured powers, learned vs the best Otto
    # cycle of the same period and u range (u_h, u_c and the stroke split optimised).
    r = learn_cycle()
    assert r.learned.power == pytest.approx(0.0237883, rel=1e-5)
    assert r.otto.metrics.power == pytest.approx(0.0183523, rel=1e-5)
    assert r.learned.power > 1.25 * r.otto.metrics.power
    # Learning curve: random actions dissipate work at first, the best power only grows.
    assert r.mean_power[0] < 0 < r.mean_power[-1]
    assert np.all(np.diff(r.best_power) >= 0)
    assert r.best_power[-1] == pytest.approx(r.learned.power, rel=1e-12)
    # Otto: the textbook shape (u_max on the hot bath); faster Otto cycles are stronger
    # (fast-driving optimum of Erdman et al., NJP 21, 103049 (2019)).
    assert r.otto.u_hot == pytest.approx(1.0)
    scan = otto_power_scan(PARAMS, np.array([0.5, 4.0]), grid=15)
    assert scan[0] > r.learned.power > scan[1]


def test_reproducible_with_seed() -> None:
    a = learn_cycle(iterations=12, population=40, seed=7)
    b = learn_cycle(iterations=12, population=40, seed=7)
    c = learn_cycle(iterations=12, population=40, seed=8)
    np.testing.assert_array_equal(a.best_power, b.best_power)
    np.testing.assert_array_equal(a.learned.u, b.learned.u)
    assert not np.array_equal(a.mean_power, c.mean_power)


def test_checkpoint_resume_equals_uninterrupted(tmp_path: Path) -> None:
    kw = {"population": 40, "seed": 5, "checkpoint_every": 4}
    full = learn_cycle(iterations=16, **kw)  # type: ignore[arg-type]
    ckpt = tmp_path / "state.json"
    part = learn_cycle(iterations=8, checkpoint=ckpt, **kw)  # type: ignore[arg-type]
    assert len(part.best_power) == 8
    resumed = learn_cycle(iterations=16, checkpoint=ckpt, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(resumed.best_power, full.best_power)
    np.testing.assert_array_equal(resumed.mean_power, full.mean_power)
    np.testing.assert_array_equal(resumed.learned.u, full.learned.u)
    np.testing.assert_array_equal(resumed.learned.bath, full.learned.bath)
    with pytest.raises(InvalidParameterError, match="beyond"):
        learn_cycle(iterations=10, checkpoint=ckpt, **kw)  # type: ignore[arg-type]
    # A checkpoint written with other settings is refused, as is garbage.
    with pytest.raises(DataFormatError, match="other settings"):
        learn_cycle(iterations=16, checkpoint=ckpt, population=40, seed=6)
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    with pytest.raises(DataFormatError, match="not a learn-cycle checkpoint"):
        learn_cycle(iterations=2, checkpoint=bad)


def test_optimal_otto_is_not_beaten_by_its_own_grid() -> None:
    best = optimal_otto(PARAMS, 2.0, grid=11)
    fine = optimal_otto(PARAMS, 2.0, grid=31)
    assert best.metrics.power == pytest.approx(fine.metrics.power, rel=1e-6)
    assert best.time_hot + best.time_cold == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"u_min": 0.0}, "u_min"),
        ({"u_max": 1.2}, "u_max"),
        ({"u_min": 0.8, "u_max": 0.5}, "u_min"),
        ({"T_hot": -1.0}, "T_hot"),
        ({"rate_cold": -0.1}, "rate_cold"),
        ({"T_cold": 2.0}, "T_cold"),
    ],
)
def test_bad_engine_parameters(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        EngineParameters(**kwargs)


def test_bad_schedules_and_settings() -> None:
    with pytest.raises(InvalidParameterError, match="zero duration"):
        schedule_metrics(PARAMS, np.array([0.5, 0.5]), np.array([1, 2]), np.zeros(2))
    with pytest.raises(InvalidParameterError, match="`u`"):
        schedule_metrics(PARAMS, np.array([0.1, 0.5]), np.array([1, 2]), np.ones(2))
    with pytest.raises(InvalidParameterError, match="period"):
        learn_cycle(period=0.0)
    with pytest.raises(InvalidParameterError, match="iterations"):
        learn_cycle(iterations=0)


def test_interrupted_run_resumes_from_its_last_checkpoint(tmp_path: Path) -> None:
    # Kill the run at iteration 6 (checkpoints every 4): the resumed run redoes 5–6 from the
    # saved random state and ends exactly where the uninterrupted run ends.
    kw = {"population": 30, "seed": 11, "checkpoint_every": 4}
    full = learn_cycle(iterations=12, **kw)  # type: ignore[arg-type]
    ckpt = tmp_path / "state.json"

    def stop_at_6(i: int, n: int) -> None:
        if i == 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        learn_cycle(iterations=12, checkpoint=ckpt, progress=stop_at_6, **kw)  # type: ignore[arg-type]
    assert '"iteration": 4' in ckpt.read_text()
    resumed = learn_cycle(iterations=12, checkpoint=ckpt, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(resumed.best_power, full.best_power)
    np.testing.assert_array_equal(resumed.learned.u, full.learned.u)


def test_a_checkpoint_of_another_run_names_the_settings_that_differ(tmp_path: Path) -> None:
    # it had been reported as "is not a learn-cycle checkpoint (... other settings ({all}))"
    ckpt = tmp_path / "state.json"
    learn_cycle(iterations=1, population=10, seed=5, checkpoint=ckpt)
    with pytest.raises(DataFormatError) as info:
        learn_cycle(iterations=2, population=12, seed=6, checkpoint=ckpt)
    msg = str(info.value)
    assert "is not a learn-cycle checkpoint" not in msg
    assert "population: 10 in the checkpoint, 12 now" in msg
    assert "seed: 5 in the checkpoint, 6 now" in msg
    assert "n_steps" not in msg  # unchanged settings are not listed
