"""Charging a general battery (review §2.3.1–2.3.2): a single spin in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.battery import ChargingResult, charge, default_times

SZ = np.diag([1.0, -1.0])
SX = np.array([[0.0, 1.0], [1.0, 0.0]])


def _spin_peak(B: float, omega: float) -> tuple[float, float]:
    """One spin, H0 = Bσz, charger ωσx, from |↓⟩: W(t) = 2B sin²(ωt) (rotation about x).

    P = W/t is largest where d/dt[sin²(ωt)/t] = 0, i.e. tan(y) = 2y with y = ωt
    (y* ≈ 1.16556): P_max = 2Bω sin²(y*)/y*.
    """
    y = brentq(lambda y: np.tan(y) - 2 * y, 1.0, 1.5)
    return 2 * B * omega * np.sin(y) ** 2 / y, y / omega


def test_default_grid_is_400_points_in_open_interval() -> None:
    t = default_times(2.0)
    assert t.size == 400 and t[0] == pytest.approx(2.0 / 400) and t[-1] == 2.0
    with pytest.raises(InvalidParameterError, match="`t_max`"):
        default_times(0.0)


@pytest.mark.parametrize("B, omega", [(1.0, 1.0), (3.0, 12.0)])
def test_single_spin_charging_is_analytic(B: float, omega: float) -> None:
    t = default_times(np.pi / omega, 400)
    res = charge(B * SZ, omega * SX, [0.0, 1.0], t, refine=True)
    np.testing.assert_allclose(res.energy, 2 * B * np.sin(omega * t) ** 2, rtol=1e-10, atol=1e-12)
    # A pure state charged from the ground state: ergotropy = W (eq. 7).
    np.testing.assert_allclose(res.ergotropy, res.energy, atol=1e-12)
    p_max, t_star = _spin_peak(B, omega)
    assert res.power_max == pytest.approx(p_max, rel=1e-10)
    assert res.t_power_max == pytest.approx(t_star, rel=1e-6)
    assert res.energy_max == pytest.approx(2 * B, rel=1e-9)
    assert res.t_energy_max == pytest.approx(np.pi / (2 * omega), abs=np.pi / omega / 400)


def test_mixed_initial_state_ergotropy_below_energy() -> None:
    # A thermal start at β = 1 (populations e^{∓B}): ergotropy of ρ(t) ≤ Tr[ρ(t)H0] − E_ground.
    B, omega = 1.0, 1.0
    p = np.exp([-B, B])
    rho0 = np.diag(p / p.sum())
    t = default_times(np.pi / omega, 50)
    res = charge(B * SZ, omega * SX, rho0, t)
    dp = (p[1] - p[0]) / p.sum()
    # W(t) = 2B sin²(ωt)·(p↓ − p↑) for a diagonal start.
    np.testing.assert_allclose(res.energy, 2 * B * dp * np.sin(omega * t) ** 2, atol=1e-12)
    e_rho = res.energy + B * (p[0] - p[1]) / p.sum()
    assert np.all(res.ergotropy <= e_rho + B + 1e-12)
    # At t = π/(2ω) the populations are swapped: the ergotropy is 2B(p↓ − p↑).
    k = int(np.argmin(np.abs(t - np.pi / 2)))
    assert res.ergotropy[k] == pytest.approx(2 * B * dp * np.sin(omega * t[k]) ** 2, rel=1e-9)


def test_to_dict_has_the_issue_json_keys_with_units() -> None:
    res = charge(SZ, SX, [0.0, 1.0], default_times(1.0, 10), parameters={"B": 1.0})
    d = res.to_dict()
    for key in ("times [1/E₀]", "energy [E₀]", "power [E₀²]", "ergotropy [E₀]"):
        assert len(d[key]) == 10
    for key in ("power_max [E₀²]", "t_power_max [1/E₀]", "energy_max [E₀]"):
        assert isinstance(d[key], float)
    # A grid maximum's time is uncertain by half a grid step (here 0.1 / 2).
    assert d["t_power_max error [1/E₀]"] == pytest.approx(0.05)
    assert d["parameters"] == {"B": 1.0} and d["power_max_refined"] is False
    assert "power_max = " in str(res) and "grid maximum" in str(res)
    refined = charge(SZ, SX, [0.0, 1.0], default_times(1.0, 10), refine=True)
    assert refined.power_max_refined and "refined between grid points" in str(refined)
    assert "t_power_max error [1/E₀]" not in refined.to_dict()
    assert isinstance(res, ChargingResult)
    with pytest.raises(InvalidParameterError, match="`H_charge` must have the shape"):
        charge(SZ, np.eye(3), [0.0, 1.0], [1.0])


def test_refined_power_max_when_the_power_peaks_as_t_goes_to_zero() -> None:
    # A qubit H0 = (ω/2)σz charged by (Ω/2)σx from |+y⟩ (coherent in the H0 basis):
    # the Bloch vector turns about x, W(t) = (ω/2) sin Ωt, so P = W/t decreases from its
    # supremum ωΩ/2 at t → 0 (eqs. 3–5). The first zoom (0, t2] with step t2/64 = 1/64
    # finds its first point best; the second zoom went right of it and stopped there, P_max
    # 4e-5 low ((Ωt)²/6); bracketing it from t = 0 resolves t = 1/2048: 4e-8 low.
    w, om = 1.0, 1.0
    sz, sx = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    plus_y = np.array([1.0, 1.0j]) / np.sqrt(2.0)
    times = 0.5 * np.arange(1, 21)
    res = charge(0.5 * w * sz, 0.5 * om * sx, plus_y, times, refine=True)
    np.testing.assert_allclose(res.energy, 0.5 * w * np.sin(om * times), atol=1e-12)
    assert res.power_max_refined and res.t_power_max < times[0] / 500
    assert res.power_max == pytest.approx(0.5 * w * om, rel=1e-7)
    assert res.power_max < 0.5 * w * om  # the supremum is not reached at any t > 0
