"""Fig. 14 beyond N = 4 (quantum/anisotropy_scaling.py): the spline P_max, the bound that
makes the short window enough, the analytic α = 1 reference, MPS = exact, resume."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from ssbattery.quantum import anisotropy_scaling as scaling
from ssbattery.quantum.spin_chain import (
    charge_spin_chain,
    independent_spins_energy,
    independent_spins_power_max,
)


def test_spline_power_max_of_independent_spins() -> None:
    # W = 2NB sin²(ωt): P_max = 2NBω sin²y*/y*, tan y* = 2y* (closed form) on the scan's
    # grid (spacing 0.0025); the grid maximum alone is off by ~2e-4
    p = scaling.chain(4, "nn", 1.0)
    t = scaling.T_MAX * np.arange(1, scaling.STEPS + 1) / scaling.STEPS
    W = independent_spins_energy(p, t)
    exact, t_star = independent_spins_power_max(p)
    p_max, t_max = scaling.spline_power_max(t, W)
    assert p_max == pytest.approx(exact, rel=1e-6)
    assert t_max == pytest.approx(t_star, rel=1e-4)
    assert abs(np.max(W / t) / exact - 1) > 1e-5


@pytest.mark.parametrize("interaction", ["nn", "lr"])
def test_power_bound_holds_and_proves_the_window(interaction: str) -> None:
    # N = 6, α = −1 (largest Hg rise): P(t) on (0.25, 2] stays below the bound, and the
    # bound is below P_max, so P_max on t ≤ 0.25 is the global one
    p = scaling.chain(6, interaction, -1.0)
    res = charge_spin_chain(p, t_max=2.0, steps=800, refine=False)
    late = res.power[res.times > scaling.T_MAX]
    bound = scaling.power_bound(p, scaling.T_MAX)
    assert late.max() < bound < res.power_max
    assert np.max(res.energy) <= bound * scaling.T_MAX


def test_alpha_one_is_the_analytic_reference() -> None:
    # α = 1: Hg is constant on the symmetric multiplet, P_max = 2NBω sin²y*/y* exactly
    p = scaling.chain(6, "lr", 1.0)
    res = charge_spin_chain(p, t_max=scaling.T_MAX, steps=scaling.STEPS)
    assert res.power_max == pytest.approx(independent_spins_power_max(p)[0], rel=1e-8)


def test_mps_point_equals_exact_point() -> None:
    # N = 6, NN, α = −0.5: TEBD-4 + spline vs exact + polished P_max (spline error ~1e-7)
    exact = scaling.run_point(scaling.ScanPoint(6, "nn", -0.5, "exact"))
    mps = scaling.run_point(scaling.ScanPoint(6, "nn", -0.5, "mps"))
    assert mps["ratio"] == pytest.approx(exact["ratio"], rel=1e-6)
    assert exact["global_max_proved"] and mps["global_max_proved"]
    assert mps["power_max"] > mps["power_max_grid"]


def test_scan_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "scan.csv"
    points = [scaling.ScanPoint(4, "nn", a, "exact") for a in (-1.0, 0.0)]
    scaling.run_scan(out, points, progress=False)
    rows = scaling.load_scan(out)
    assert [r["alpha"] for r in rows] == [-1.0, 0.0]

    def fail(point: object, **_: object) -> dict:
        raise AssertionError("a finished point was recomputed")

    monkeypatch.setattr(scaling, "run_point", fail)
    scaling.run_scan(out, points, progress=False)
    table = scaling.ratio_table(scaling.load_scan(out))
    alphas, ratio = table[("nn", "exact", 4)]
    assert alphas.tolist() == [-1.0, 0.0, 1.0] and ratio[-1] == 1.0
    # review Fig. 14 (N = 4): the NN ratio at α = −1 is ≈ 1.2 (measured 1.206832)
    assert ratio[0] == pytest.approx(1.206832, abs=1e-5)
    assert math.isfinite(rows[0]["seconds"])


def test_a_scan_row_is_a_frozen_record_with_units() -> None:
    # one stored point: the CSV row read back equals the record written, field by field
    row = scaling.run_point(scaling.ScanPoint(4, "nn", -1.0, "exact"))
    assert isinstance(row, scaling.ScanRow)
    # review Fig. 14 (N = 4): the NN ratio at α = −1 is ≈ 1.2 (measured 1.206832)
    assert row.ratio == pytest.approx(1.206832, abs=1e-5) and row["ratio"] == row.ratio
    d = row.to_dict()
    assert d["power_max [E₀²]"] == row.power_max and d["ratio [1]"] == row.ratio
    assert "N = 4 nn, α = -1, exact" in str(row)
    with pytest.raises(KeyError):
        row["not a column"]


def test_long_range_bond_dimension_is_chosen_by_convergence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the D ladder of the LR points beyond N = 20, here on N = 8 (exact reference): D and
    # D/2 agree to 1e-4 on P_max, and the converged P_max is the exact one (exact sector
    # evolution, polished: 673.699780351 at α = −1) to the K = 8 fit's and the dt = 0.0025
    # step's error (a few 1e-7, see CROSS_CHECK_DT)
    monkeypatch.setattr(scaling, "EXACT_MPO_MAX_SITES", 4)
    point = scaling.ScanPoint(8, "lr", -1.0, "mps")
    row = scaling.run_point(point, checkpoint_dir=tmp_path)
    assert row.bond_dim in scaling.LR_BOND_DIMS and row.bond_dim > scaling.LR_BOND_DIMS[0]
    assert abs(row.power_max - row.power_max_half_bond) <= 1e-4 * row.power_max
    assert row.power_max == pytest.approx(673.699780351, rel=2e-6)
    assert row.coupling_fit_error > 0  # the fitted MPO, not the exact one
    # every run of the ladder left its checkpoint (bench_mps.py's names), and the point
    # computed again from them is the same record
    ladder = [d for d in scaling.LR_BOND_DIMS if d <= row.bond_dim]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"lr_N8_D{d}_numpy_a-1_t0.25.pkl" for d in ladder
    )
    again = scaling.run_point(point, checkpoint_dir=tmp_path)
    assert again.power_max == row.power_max
    assert again.power_max_half_bond == row.power_max_half_bond
