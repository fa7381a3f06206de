"""Self-charging, self-oscillating cell (review §2.1, Fig. 16c; Braga et al. 2020)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from ssbattery.cell.self_charging import (
    SelfChargingCell,
    bifurcation_diagram,
    find_hopf_load,
    fixed_point,
    simulate,
)
from ssbattery.errors import InvalidParameterError


def test_fixed_point_solves_the_steady_state_equations() -> None:
    cell = SelfChargingCell()
    fp = fixed_point(cell)
    # κ (ΔV₀ + f(Q*)) + g Q* = E₀ and w* = g Q* (module docstring)
    lhs = cell.kappa * (cell.builtin_V + float(cell.f(fp.Q))) + cell.feedback_V_per_C * fp.Q
    assert math.isclose(lhs, cell.emf_V, abs_tol=1e-12)
    assert np.allclose(cell.rhs(0.0, np.array([fp.Q, fp.w])), 0.0, atol=1e-12)
    # steady discharge current through R_ct and the terminal voltage V = R_L I
    assert fp.current_A > 0 and math.isclose(fp.voltage_V, fp.current_A * cell.load_ohm)
    assert fp.capacitance_F < 0  # the steady state sits in the NC region


def test_hopf_point_matches_trace_condition_and_simulated_onset() -> None:
    cell = SelfChargingCell()
    r_h = find_hopf_load(cell)
    assert r_h is not None
    c_h = replace(cell, load_ohm=r_h)
    fp = fixed_point(c_h)
    # Hopf: κ |f'(Q*)| τ = ρ_eff with det > 0 (a complex pair crosses the axis)
    assert math.isclose(c_h.kappa * abs(float(c_h.df(fp.Q))) * c_h.tau_s, c_h.rho_eff, rel_tol=1e-7)
    det = (c_h.kappa * float(c_h.df(fp.Q)) + c_h.feedback_V_per_C) / (c_h.rho_eff * c_h.tau_s)
    assert det > 0 and fp.oscillatory
    # simulation from a small kick: grows into a limit cycle below, decays above
    below = simulate(replace(cell, load_ohm=0.9 * r_h), t_end_s=200.0, n_points=3000)
    above = simulate(replace(cell, load_ohm=1.1 * r_h), t_end_s=200.0, n_points=3000)
    assert below.oscillating and below.amplitude_V > 0.1
    assert not above.oscillating and above.amplitude_V < 1e-3
    # linear frequency at the Hopf point vs the simulated period just below it
    omega = math.sqrt(det)
    near = simulate(replace(cell, load_ohm=0.98 * r_h), t_end_s=400.0, n_points=8000)
    assert near.period_s is not None
    assert math.isclose(near.period_s, 2 * math.pi / omega, rel_tol=0.1)


def test_self_oscillation_on_the_reviews_1_8_kohm_load() -> None:
    run = simulate(SelfChargingCell(load_ohm=1800.0), t_end_s=120.0)
    assert run.oscillating and run.period_s is not None
    late = run.t_s > 60.0
    # the current stays in the discharge direction while the voltage periodically rises
    assert np.all(run.current_A[late] > 0)
    assert 0.2 < run.self_charging_fraction < 0.8
    assert np.allclose(run.voltage_V, run.current_A * 1800.0)


def test_positive_capacitance_never_oscillates() -> None:
    # α > 0: f' > 0 everywhere, trace < 0 for every load (no negative capacitance, no Hopf)
    cell = SelfChargingCell(alpha=1.0e3)
    assert find_hopf_load(cell) is None
    assert fixed_point(cell).stable


def test_bifurcation_diagram_brackets_the_hopf_point() -> None:
    cell = SelfChargingCell()
    loads = np.geomspace(500.0, 1.5e4, 12)
    diag = bifurcation_diagram(cell, loads, t_end_s=150.0)
    assert diag.hopf_load_ohm is not None and diag.simulated_onset_ohm is not None
    k = int(np.searchsorted(loads, diag.hopf_load_ohm))
    assert diag.oscillating[k - 1] and not diag.oscillating[k]
    assert np.all(diag.max_real_eigenvalue[:k] > 0) and np.all(diag.max_real_eigenvalue[k:] < 0)
    assert np.all(diag.v_max[diag.oscillating] - diag.v_min[diag.oscillating] > 0.05)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("load_ohm", -1.0, "load_ohm"),
        ("tau_s", 0.0, "tau_s"),
        ("beta", -1.0, "unbounded"),
        ("emf_V", float("nan"), "emf_V"),
    ],
)
def test_bad_cell_parameters_raise(field: str, value: float, match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        SelfChargingCell(**{field: value})
