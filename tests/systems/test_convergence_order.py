"""Convergence orders claimed in the code, measured (issue 15 §6).

``thermal/otto.py``: a driven stroke is the product of midpoint exponentials on a linear
ramp ω(t), "error O(dt²)": halving dt must divide the error of the cycle's work by 4.
"""

from __future__ import annotations

import math

import numpy as np

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
