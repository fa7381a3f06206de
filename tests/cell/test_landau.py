"""Landau model of a ferroelectric (review §2.1): closed forms of the quartic model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.cell.landau import (
    LandauCoefficients,
    capacitance,
    coercive_field,
    energy,
    hysteresis_loop,
    inverse_capacitance,
    landau_from_temperature,
    nc_width_vs_temperature,
    negative_capacitance_bounds,
    series_with_dielectric,
    spontaneous_polarisation,
)
from ssbattery.errors import InvalidParameterError

alphas = st.floats(-50.0, -1e-2)
betas = st.floats(1e-2, 50.0)


@settings(max_examples=50, deadline=None)
@given(alpha=alphas, beta=betas)
def test_quartic_closed_forms(alpha: float, beta: float) -> None:
    c = LandauCoefficients(alpha, beta)
    # P_s = √(−α/β); NC edge Q = √(−α/(3β)); E_c = 2|α|^{3/2}/(3√3 β^{1/2})
    ps = math.sqrt(-alpha / beta)
    assert math.isclose(spontaneous_polarisation(c), ps, rel_tol=1e-9)
    nc = negative_capacitance_bounds(c)
    assert nc is not None and nc[0] == 0.0
    assert math.isclose(nc[1], math.sqrt(-alpha / (3 * beta)), rel_tol=1e-9)
    assert abs(float(inverse_capacitance(c, nc[1]))) <= 1e-9 * abs(alpha)
    ec = 2 * abs(alpha) ** 1.5 / (3 * math.sqrt(3) * math.sqrt(beta))
    assert math.isclose(coercive_field(c), ec, rel_tol=1e-9)


def test_capacitance_is_negative_inside_nc_region_only() -> None:
    c = LandauCoefficients(-2.0, 3.0)
    qb = math.sqrt(2.0 / 9.0)
    q = np.array([0.0, 0.5 * qb, 0.99 * qb, 1.01 * qb, 2 * qb])
    cf = capacitance(c, q)
    assert np.all(cf[:3] < 0) and np.all(cf[3:] > 0)
    assert math.isclose(float(cf[0]), 1 / -2.0)  # C_F(0) = 1/α


def test_energy_minima_at_spontaneous_polarisation() -> None:
    c = LandauCoefficients(-2.0, 3.0)
    ps = spontaneous_polarisation(c)
    q = np.linspace(-2, 2, 40001)
    u = energy(c, q)
    assert math.isclose(abs(q[np.argmin(u)]), ps, abs_tol=1e-4)
    # U(P_s) = −α²/(4β)
    assert math.isclose(float(energy(c, ps)), -(2.0**2) / (4 * 3.0), rel_tol=1e-12)


def test_hysteresis_loop_measures_coercive_field_and_remanence() -> None:
    c = LandauCoefficients(-2.0, 3.0)
    loop = hysteresis_loop(c, n_points=4001)
    ec = coercive_field(c)
    de = 2 * (2 * ec) / 4000  # grid spacing of the sweep
    assert abs(loop.coercive_field - ec) <= de
    assert math.isclose(loop.remanent_polarisation, spontaneous_polarisation(c), rel_tol=1e-9)
    # up and down branches differ inside ±E_c (hysteresis) and agree outside
    inside = np.abs(loop.E_up) < 0.9 * ec
    down_on_up_grid = np.interp(loop.E_up, loop.E_down[::-1], loop.Q_down[::-1])
    assert np.all(down_on_up_grid[inside] > loop.Q_up[inside])
    outside = np.abs(loop.E_up) > 1.1 * ec
    assert np.allclose(down_on_up_grid[outside], loop.Q_up[outside], atol=1e-6)


def test_paraelectric_has_no_loop_and_no_nc() -> None:
    c = LandauCoefficients(1.0, 1.0)
    assert negative_capacitance_bounds(c) is None
    assert coercive_field(c) == 0.0 and spontaneous_polarisation(c) == 0.0
    loop = hysteresis_loop(c, E_max=1.0, n_points=201)
    assert loop.coercive_field == 0.0 and loop.remanent_polarisation == 0.0


@pytest.mark.parametrize("n_points", [201, 801, 4001])
def test_critical_point_has_a_closed_loop(n_points: int) -> None:
    # α = 0 (T = T_c): Q = (E/β)^{1/3} on both sweeps, no hysteresis; the steep cube root at
    # E = 0 had been read as a branch jump, a coercive field of half a grid step (5e-4)
    c = LandauCoefficients(0.0, 1.0)
    loop = hysteresis_loop(c, n_points=n_points)
    assert coercive_field(c) == 0.0
    assert loop.coercive_field == 0.0 and loop.remanent_polarisation == 0.0
    k = int(np.argmax(loop.E_up))
    assert loop.Q_up[k] == pytest.approx(np.cbrt(loop.E_up[k]), rel=1e-9)


def test_first_order_sixth_order_model() -> None:
    # α > 0, β < 0, γ > 0: minima at Q = 0 and ±Q₀ with Q₀² = (−β + √(β² − 4αγ))/(2γ)
    c = LandauCoefficients(0.5, -3.0, 2.0)
    q0 = math.sqrt((3.0 + math.sqrt(9.0 - 4.0)) / 4.0)
    assert math.isclose(spontaneous_polarisation(c), q0, rel_tol=1e-12)
    nc = negative_capacitance_bounds(c)
    assert nc is not None and nc[0] > 0  # NC band away from Q = 0
    for q in nc:
        assert abs(float(inverse_capacitance(c, q))) < 1e-9


def test_nc_region_narrows_towards_curie_temperature() -> None:
    # Salvatore et al. 2014 (review §2.1): NC half-width √(α0 (Tc−T)/(3β)) → 0 at Tc
    _t, width, ec = nc_width_vs_temperature(1.0, 400.0, 2.0, [300.0, 350.0, 390.0, 400.0, 420.0])
    assert np.all(np.diff(width[:4]) < 0) and width[3] == 0.0 and width[4] == 0.0
    assert math.isclose(width[0], math.sqrt(100.0 / 6.0), rel_tol=1e-12)
    assert np.all(np.diff(ec[:4]) < 0)
    c = landau_from_temperature(1.0, 300.0, 400.0, 2.0)
    assert c.alpha == -100.0


def test_series_dielectric_stabilises_and_amplifies() -> None:
    c = LandauCoefficients(-2.0, 3.0)  # |C_F(0)| = 0.5
    s = series_with_dielectric(c, 0.3)
    assert s.stable  # |C_F| > C_D
    assert math.isclose(s.total_capacitance, 1 / (-2.0 + 1 / 0.3))  # > C_D
    assert s.total_capacitance > 0.3
    assert math.isclose(s.amplification, -0.5 / (-0.5 + 0.3))  # C_F/(C_F + C_D) = 2.5
    assert not series_with_dielectric(c, 0.6).stable  # |C_F| < C_D: hysteretic
    with pytest.raises(InvalidParameterError, match="C_D"):
        series_with_dielectric(c, -1.0)


@pytest.mark.parametrize(("beta", "gamma"), [(-1.0, 0.0), (0.0, 0.0), (1.0, -1.0), (-1.0, -1.0)])
def test_unbounded_energy_is_refused(beta: float, gamma: float) -> None:
    with pytest.raises(InvalidParameterError, match="unbounded"):
        LandauCoefficients(-1.0, beta, gamma)


def test_non_finite_coefficient_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="alpha"):
        LandauCoefficients(float("inf"), 1.0)
