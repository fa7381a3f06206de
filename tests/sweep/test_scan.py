"""The package's own scans run on the sweep engine (issue 10 §1): each equals, bit for
bit, the loop over its model that it replaced, written out here as the reference; the
results are frozen dataclasses, not string-keyed dicts (issue 15).

The physics of each model is tested in its own module; here the reference is the model's
public function called point by point, exactly as the old loops did."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.spin_chain import SpinChainParameters, anisotropy_sweep, charge_spin_chain
from ssbattery.sweep.scan import distinct, scan
from ssbattery.thermal.feedback import CoupledQubits, demon_cycle, demon_scan
from ssbattery.thermal.heat_battery import (
    CouplingScan,
    HeatBattery,
    coupling_scan,
    heat_battery,
    heat_battery_sweep,
)
from ssbattery.thermal.learning import (
    EngineParameters,
    learn_cycle,
    optimal_otto,
    otto_power_scan,
    period_scan,
)
from ssbattery.thermal.pumped_battery import (
    PumpedBattery,
    PumpScan,
    charging,
    charging_scan,
    pump_scan,
    two_stroke_engine,
)


def test_distinct_maps_repeats_back() -> None:
    values, back = distinct([0.3, -1.0, 0.3, 2.0])
    assert values == [-1.0, 0.3, 2.0]
    assert [values[k] for k in back] == [0.3, -1.0, 0.3, 2.0]


def test_heat_battery_maps_equal_the_loop_over_heat_battery() -> None:
    """Tacchino et al. (PRA 102, 062415) eq. 15 battery: λ × τ maps, both gates."""
    taus, lams = [0.5, 2.0, 0.5, 10.0], [0.02, 0.05]  # a repeated τ is kept in place
    for gate in ("ness", "optimal"):
        sw = heat_battery_sweep(taus, lams, gate=gate)  # type: ignore[arg-type]
        assert sw.work.shape == (2, 4)
        for i, lam in enumerate(lams):
            for j, tau in enumerate(taus):
                r = heat_battery(HeatBattery(lam), tau, gate=gate, warn=False)  # type: ignore[arg-type]
                assert sw.work[i, j] == r.work and sw.heat_hot[i, j] == r.heat_hot
                assert sw.efficiency[i, j] == r.efficiency and sw.power[i, j] == r.power
                assert sw.ergotropy[i, j] == r.ergotropy
            assert sw.ness_ergotropy[i] == heat_battery(HeatBattery(lam), taus[0]).ness_ergotropy
    # the limit cycle stores W = ΔE (first law) and W ≤ ergotropy of ρ_τ
    assert np.all(sw.work <= sw.ergotropy + 1e-12)


def test_coupling_scan_is_a_frozen_result_equal_to_the_loop() -> None:
    lams = np.array([0.005, 0.1, 0.2])
    scan = coupling_scan(lams, 2.0)
    assert isinstance(scan, CouplingScan) and dataclasses.is_dataclass(scan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scan.tau = 1.0  # type: ignore[misc]
    for k, lam in enumerate(lams):
        r = heat_battery(HeatBattery(float(lam)), 2.0, warn=False)
        assert scan.ness_ergotropy[k] == r.ness_ergotropy
        assert scan.ness_heat_current[k] == r.ness_heat_current
        assert scan.work[k] == r.work and scan.power[k] == r.power
        assert bool(scan.local_valid[k]) == (not r.validity_issues)
    # the local master equation is valid for λ well below γ = 0.1, not at λ = 2γ
    assert scan.local_valid.tolist() == [True, False, False] or scan.local_valid[0]
    assert not scan.local_valid[-1]


def test_demon_scan_equals_the_loop_over_demon_cycle() -> None:
    gs = [-0.3, 0.0, 0.3, 0.0]
    kw = {"temperature": 3.0, "rate": 1.0, "tau": 1.0}
    scan = demon_scan(gs, omega2=3.0, **kw)
    for k, g in enumerate(gs):
        joint = demon_cycle(CoupledQubits(1.0, 3.0, g), scheme="joint", **kw)
        single = demon_cycle(CoupledQubits(1.0, 3.0, g), scheme="single", **kw)
        assert scan.joint_mean[k] == joint.work_extracted
        assert scan.joint_std[k] == joint.work_std
        assert scan.single_mean[k] == single.work_extracted
        assert scan.joint_information[k] == joint.qc_information
    lone1 = demon_cycle(CoupledQubits(1.0, 3.0, 0.0), scheme="single", **kw)
    lone2 = demon_cycle(CoupledQubits(3.0, 1.0, 0.0), scheme="single", **kw)
    assert scan.parallel_mean == lone1.work_extracted + lone2.work_extracted
    assert scan.parallel_std == float(np.sqrt(lone1.work_variance + lone2.work_variance))


def test_pump_scan_equals_charging_and_the_engine_point_by_point() -> None:
    """Santos et al.'s pumped battery: the charging efficiency is bounded by ω_e/ω_L."""
    bat = PumpedBattery()
    ws = [1.4, 1.5, 1.6]
    scan = pump_scan(bat, ws, 50.0, omega_c=0.5, tau=20.0)
    plain = charging_scan(bat, ws, 50.0)
    assert isinstance(plain, PumpScan) and np.isnan(plain.engine_work).all()
    for k, w in enumerate(ws):
        c = charging(bat, w, [50.0], warn=False)
        e = two_stroke_engine(bat, w, omega_c=0.5, tau=20.0)
        for name in ("efficiency", "stored_energy", "power", "pump_work", "first_law_defect"):
            assert getattr(scan, name)[k] == getattr(c, name)[0] == getattr(plain, name)[k]
        assert (scan.engine_work[k], scan.engine_efficiency[k]) == (e.work, e.efficiency)
        assert scan.efficiency[k] <= bat.omega_e / w + 1e-12


def test_anisotropy_sweep_equals_the_loop_over_charge_spin_chain() -> None:
    """Fig. 14 set-up at N = 4 (B = 3, ω = 4B, g = B): the ratio is 1 at α = 1 exactly."""
    params = SpinChainParameters(n_sites=4, field=3.0, charging=12.0, coupling=3.0)
    alphas = [-1.0, 0.0, 0.5, 1.0]
    sw = anisotropy_sweep(params, alphas, t_max=1.0, steps=60)
    for kind in ("nn", "lr"):
        ref = charge_spin_chain(
            replace(params, interaction=kind, anisotropy=1.0), t_max=1.0, steps=60
        ).power_max
        for k, a in enumerate(alphas):
            p = charge_spin_chain(
                replace(params, interaction=kind, anisotropy=a), t_max=1.0, steps=60
            ).power_max
            assert sw.power_max[kind][k] == p
            assert sw.ratio[kind][k] == p / ref
        assert sw.ratio[kind][-1] == 1.0
    # without α = 1 among the values the reference is still α = 1
    only = anisotropy_sweep(params, [0.5], interactions=("nn",), t_max=1.0, steps=60)
    assert only.ratio["nn"][0] == sw.ratio["nn"][2]


def test_period_scan_equals_learn_cycle_at_each_period() -> None:
    params = EngineParameters()
    kw = {"n_steps": 4, "iterations": 3, "population": 12, "seed": 1}
    scan = period_scan(params, [2.0, 0.5], **kw)  # type: ignore[arg-type]
    for k, t in enumerate([2.0, 0.5]):
        r = learn_cycle(params, period=t, **kw)  # type: ignore[arg-type]
        assert scan.learned_power[k] == r.learned.power
        assert scan.otto_power[k] == r.otto.metrics.power
    np.testing.assert_array_equal(scan.advantage, scan.learned_power / scan.otto_power)


def test_otto_power_scan_equals_optimal_otto_at_each_period() -> None:
    """The learned cycle's Otto reference (Erdman et al., NJP 21, 103049 (2019)): the scan
    over the period is a sweep of the ``best-otto`` entry, each value the single search."""
    params = EngineParameters(T_cold=0.3)
    periods = [2.0, 0.5, 2.0]  # a repeated period is kept in place
    scan = otto_power_scan(params, np.array(periods), grid=9)
    loop = [optimal_otto(params, t, grid=9).metrics.power for t in periods]
    assert scan.tolist() == loop
    assert scan[1] > scan[0] > 0.0  # faster Otto cycles are stronger (fast-driving optimum)


@pytest.mark.parametrize(
    "call",
    [
        lambda: heat_battery_sweep([], [0.05]),
        lambda: coupling_scan([], 2.0),
        lambda: demon_scan([]),
        lambda: pump_scan(PumpedBattery(), [], 10.0),
        lambda: anisotropy_sweep(SpinChainParameters(), []),
        lambda: period_scan(None, []),
    ],
)
def test_empty_scans_are_refused(call: object) -> None:
    with pytest.raises(InvalidParameterError, match="non-empty"):
        call()  # type: ignore[operator]


def _csv(path: Path) -> list[list[float]]:
    rows = path.read_text().splitlines()[1:]
    return [[float(x) for x in row.split(",")] for row in rows]


def test_report_demon_figure_keeps_the_numbers_of_the_old_loop(tmp_path: Path) -> None:
    """fig_demon_heat_vs_coupling: each row equals the per-g demon_cycle loop (the code
    before the migration) to the CSV's 10 digits."""
    from ssbattery.report.sections import feedback

    feedback.build_demon(tmp_path)
    table = _csv(tmp_path / "fig_demon_heat_vs_coupling.csv")
    kw = {k: v for k, v in feedback.DEMON.items() if k != "omega2"}
    assert len(table) == len(feedback.DEMON_COUPLINGS) == 19
    for row, g in zip(table, feedback.DEMON_COUPLINGS, strict=True):
        qubits = CoupledQubits(1.0, feedback.DEMON["omega2"], g)
        joint = demon_cycle(qubits, scheme="joint", **kw)
        single = demon_cycle(qubits, scheme="single", **kw)
        expect = [g, joint.work_extracted, joint.work_std, single.work_extracted]
        expect += [single.work_std]
        np.testing.assert_allclose(row[:5], expect, rtol=1e-9, atol=0)
        assert row[7] == pytest.approx(kw["temperature"] * joint.qc_information, rel=1e-9)


def test_report_fig14_keeps_the_numbers_of_the_old_loop(tmp_path: Path) -> None:
    """fig14_spin_chain_anisotropy: P_max(α)/P_max(1) equals the per-α loop over
    charge_spin_chain at the figure's parameters (N = 4, B = 3, ω = 4B, g = B, p = 1) on
    a sample of rows, to the CSV's 10 digits."""
    from ssbattery.report.sections import spin_chain

    spin_chain.build_fig14(tmp_path)
    table = _csv(tmp_path / "fig14_spin_chain_anisotropy.csv")
    assert len(table) == 41
    params = SpinChainParameters(n_sites=4, field=3.0, charging=12.0, coupling=3.0, decay=1.0)
    ref = {
        kind: charge_spin_chain(replace(params, interaction=kind), t_max=2.0).power_max
        for kind in ("nn", "lr")
    }
    for row in (table[0], table[15], table[-1]):
        a = row[0]
        for col, kind in ((1, "nn"), (2, "lr")):
            p = charge_spin_chain(
                replace(params, interaction=kind, anisotropy=a), t_max=2.0
            ).power_max
            assert row[col] == pytest.approx(p / ref[kind], rel=1e-9)
            assert row[col + 2] == pytest.approx(p, rel=1e-9)
    assert table[-1][1:3] == [1.0, 1.0]


def test_a_scan_refuses_a_point_with_the_models_own_message() -> None:
    """``demon --omega2 0`` and ``pumped-battery --omega-l 0`` run on :func:`scan`; the
    spec's refusal had told a command-line user to "fix the value under [fixed] or [sweep]"
    of a spec file they never wrote. The scan re-raises the model's error; a spec run keeps
    the point and the advice."""
    from typer.testing import CliRunner

    from ssbattery.cli import app
    from ssbattery.errors import PointRefused
    from ssbattery.sweep import run

    with pytest.raises(InvalidParameterError, match=r"`omega2` must be > 0") as e:
        scan("demon", fixed={"omega2": 0.0}, sweep={"coupling": [0.1]})
    assert not isinstance(e.value, PointRefused) and "[fixed]" not in str(e.value)
    with pytest.raises(PointRefused, match=r"point .* under \[fixed\] or \[sweep\]"):
        run({"model": "demon", "fixed": {"omega2": 0.0}, "sweep": {"coupling": [0.1]}})
    for argv, option in (
        (["demon", "--omega2", "0"], "--omega2"),
        (["pumped-battery", "--omega-l", "0"], "--omega-l"),
    ):
        res = CliRunner().invoke(app, argv)
        assert res.exit_code == 2
        assert res.stderr.strip() == f"error: `{option}` must be > 0, got 0.0."
