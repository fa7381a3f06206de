"""Convergence orders claimed in the code, measured (issue 15 §6).

``thermal/otto.py``: a driven stroke is the product of midpoint exponentials on a linear
ramp ω(t), "error O(dt²)": halving dt must divide the error of the cycle's work by 4.

``quantum/battery.py``: the refined P_max is a parabola's vertex on the final grid of
spacing h, off by b·d(d² − h²) (d the offset of the middle point, b = P‴/6), so at most
|P‴(t*)| h³/16. The error is not a smooth power of h (d jumps with the grid), so the
bound is what is checked, on grids coarse enough to stay above round-off (errors
1e-13 … 1e-11, against ≈ 1e-15 round-off at this P ≈ 1).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from ssbattery.quantum.battery import charge
from ssbattery.quantum.evolution import Eigh
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.otto import OttoCycle, WorkingMedium, otto_cycle


def test_driven_otto_stroke_converges_as_dt_squared() -> None:
    # The oscillator's H(ω) = p²/2 + ω²x²/2 does not commute with itself at other ω, so
    # the midpoint rule is not exact (20 levels hold the cycle: no truncation warning).
    medium = WorkingMedium("oscillator", levels=20, reference_frequency=math.sqrt(2.0))

    def work(steps: int) -> float:
        cycle = OttoCycle(
            medium=medium,
            omega_h=2.0,
            omega_c=1.0,
            hot=Bath(1.0, 0.5),
            cold=Bath(0.25, 0.5),
            tau_h=5.0,
            tau_c=5.0,
            stroke="driven",
            tau_u=1.0,
            driven_steps=steps,
        )
        return otto_cycle(cycle).work

    ref = work(1600)
    errors = np.array([abs(work(n) - ref) for n in (10, 20, 40, 80)])
    ratios = errors[:-1] / errors[1:]
    np.testing.assert_allclose(ratios, 4.0, rtol=0.02)


def test_refined_power_max_obeys_its_h_cubed_bound() -> None:
    # One spin, H0 = Bσz, charger ωσx from |↓⟩: W = 2B sin²(ωt), P = W/t, whose maximum
    # satisfies tan y = 2y (y = ωt): P* = 2Bω sin²y*/y* (review eqs. 13–14, one site).
    B, w = 1.0, 1.3
    H0 = np.diag([B, -B])
    H_charge = w * np.array([[0.0, 1.0], [1.0, 0.0]])
    y = brentq(lambda u: math.tan(u) - 2 * u, 1.0, 1.5)
    t_star, p_star = y / w, 2 * B * w * math.sin(y) ** 2 / y

    def power(t: np.ndarray) -> np.ndarray:
        return 2 * B * np.sin(w * t) ** 2 / t

    step = 1e-2  # P‴(t*) by central differences (error O(step²) ≈ 1e-4 relative)
    offsets = np.array([-2.0, -1.0, 1.0, 2.0]) * step
    p3 = float(np.dot([-0.5, 1.0, -1.0, 0.5], power(t_star + offsets)) / step**3)
    for steps in (3, 4, 6, 8, 12):
        grid = np.linspace(0.0, 2.2, steps + 1)[1:]
        res = charge(H0, H_charge, [0.0, 1.0], grid, refine=True, method=Eigh())
        assert res.power_max_refined
        h = (grid[1] - grid[0]) / 1024  # two zooms of 64 intervals over 2 spacings each
        error = abs(res.power_max - p_star)
        assert error <= abs(p3) * h**3 / 16 * 1.05, (steps, error)
        # against the grid maximum (error ≈ a h_grid², here 1e-3 … 1e-1)
        assert error < 1e-6 * abs(float(power(grid).max()) - p_star)
