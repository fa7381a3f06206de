"""The reversible limit of the Otto cycle: at ω_c/ω_h = T_c/T_h the Gibbs states of the two
isochores have the same populations, so nothing flows (W = Q_h = Q_c = 0) and the entropy
production vanishes; just on the engine side of it η = 1 − ω_c/ω_h approaches Carnot from
below while σ → 0 (Kosloff & Rezek, Entropy 19, 136 (2017), the quantum Otto cycle)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssbattery.thermal.audit import audit
from ssbattery.thermal.baths import Bath, entropy_production
from ssbattery.thermal.otto import OttoCycle, WorkingMedium, carnot_efficiency, otto_cycle

MEDIA = [WorkingMedium("qubit"), WorkingMedium("oscillator", 24, math.sqrt(2.0))]


@pytest.mark.parametrize("medium", MEDIA, ids=["qubit", "oscillator"])
def test_at_the_carnot_point_nothing_flows_and_the_audit_passes(medium: WorkingMedium) -> None:
    cyc = OttoCycle(medium, 2.0, 1.0, Bath(1.0, 0.5), Bath(0.5, 0.5), 40.0, 40.0)
    res = otto_cycle(cyc)
    assert res.mode == "idle"
    assert max(abs(res.work), abs(res.heat_hot), abs(res.heat_cold)) < 1e-12
    rep = audit(cyc)
    # the oscillator's cutoff check had compared two round-off values of W (change 150 %)
    assert not rep.errors, str(rep)
    assert abs(rep.values["entropy_production_per_cycle"]) < 1e-12
    if medium.kind == "oscillator":
        assert rep.values["cutoff_change"] < 1e-4


def test_engine_efficiency_approaches_carnot_as_entropy_production_vanishes() -> None:
    Th, Tc, wh = 1.0, 0.5, 2.0
    eta_c = carnot_efficiency(Th, Tc)
    sigmas = []
    for wc in (1.4, 1.2, 1.1, 1.01):  # engine: ω_c/ω_h > T_c/T_h, → 0.5 from above
        res = otto_cycle(
            OttoCycle(WorkingMedium("qubit"), wh, wc, Bath(Th, 0.5), Bath(Tc, 0.5), 60.0, 60.0)
        )
        assert res.mode == "engine"
        assert res.efficiency == pytest.approx(1.0 - wc / wh, rel=1e-9) and res.efficiency < eta_c
        sigmas.append(entropy_production([res.heat_hot, res.heat_cold], [Th, Tc]))
    assert np.all(np.array(sigmas) > 0) and np.all(np.diff(sigmas) < 0)
    assert sigmas[-1] < 1e-3 * sigmas[0]
    # no current, only a bath at T = 0: σ = 0, printed "0" (not "−0")
    assert str(entropy_production([0.0], [0.0])) == "0.0"
