"""Prebuilt machines (issue 16 §2): absorption refrigerator, heat valve, XXZ chain."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.audit import audit
from ssbattery.thermal.machines import absorption_refrigerator, heat_valve, xxz_chain


@pytest.mark.parametrize(("wc", "wh"), [(1.0, 2.0), (0.5, 1.5)])
def test_absorption_refrigerator_cop_in_the_local_regime(wc: float, wh: float) -> None:
    # Linden, Popescu & Skrzypczyk, PRL 105, 130401 (2010): COP = ω_c/ω_h (local regime).
    fr = absorption_refrigerator(omega_c=wc, omega_h=wh, T_c=0.5, T_r=0.6, T_h=3.0)
    assert fr.cooling
    assert fr.cop == pytest.approx(wc / wh, rel=1e-8)
    jc, jr, jh = fr.currents
    assert jc + jr + jh == pytest.approx(0.0, abs=1e-15)  # local first law
    # g ≪ γ: the full-H currents agree to O(g)
    assert np.allclose(fr.full_h_currents, fr.currents, rtol=1e-2)
    assert not audit(fr.model).errors


def test_absorption_refrigerator_stops_cooling_when_the_hot_bath_is_too_cold() -> None:
    # cooling needs the virtual temperature of (c, h) below T_c: with T_h close to T_r the
    # machine heats the cold bath instead.
    fr = absorption_refrigerator(T_c=0.5, T_r=0.6, T_h=0.61)
    assert not fr.cooling
    with pytest.raises(InvalidParameterError, match="T_c < T_r < T_h"):
        absorption_refrigerator(T_c=1.0, T_r=0.6, T_h=3.0)


def test_absorption_refrigerator_is_idle_without_coupling_and_at_the_reversible_point() -> None:
    # g = 0: nothing couples the three baths, every current is exactly 0 and there is no COP
    # (round-off of ~1e-17 had given cooling = True and COP 0.33)
    idle = absorption_refrigerator(coupling=0.0)
    assert idle.currents == (0.0, 0.0, 0.0)
    assert not idle.cooling
    assert np.isnan(idle.cop)
    # Linden et al. 2010: J_c = 0 where ω_c/T_c − ω_r/T_r + ω_h/T_h = 0; with ω_c = 1,
    # ω_h = 2 (ω_r = 3), T_c = 0.5, T_r = 1: T_h = 2/(3/1 − 1/0.5) = 2 (Carnot COP = ω_c/ω_h)
    rev = absorption_refrigerator(T_c=0.5, T_r=1.0, T_h=2.0)
    assert rev.currents == (0.0, 0.0, 0.0)
    assert not rev.cooling and np.isnan(rev.cop)
    below = absorption_refrigerator(T_c=0.5, T_r=1.0, T_h=1.8)
    above = absorption_refrigerator(T_c=0.5, T_r=1.0, T_h=2.2)
    assert below.currents[0] < 0 and not below.cooling
    assert above.currents[0] > 1e-9 and above.cop == pytest.approx(0.5, rel=1e-8)


def test_heat_valve_opens_at_resonance() -> None:
    d = np.array([-0.5, -0.1, 0.0, 0.1, 0.5])
    J = heat_valve(d)
    assert np.argmax(J) == 2
    assert np.all(J > 0)
    assert J[0] < 0.1 * J[2] and J[-1] < 0.1 * J[2]


def test_xxz_chain_currents_are_uniform_and_balance_the_baths() -> None:
    ch = xxz_chain(4, anisotropy=0.5)
    assert np.allclose(ch.bond_currents, ch.bond_currents[0], rtol=1e-9)
    assert ch.bond_currents[0] > 0
    assert ch.bath_currents[0] == pytest.approx(ch.bond_currents[0], rel=1e-9)
    assert ch.bath_currents[1] == pytest.approx(-ch.bond_currents[0], rel=1e-9)
    # hotter left end: the left spin is the more excited (⟨σᶻ⟩ higher)
    assert ch.magnetization[0] > ch.magnetization[-1]
    with pytest.raises(InvalidParameterError, match="n_sites"):
        xxz_chain(12)
