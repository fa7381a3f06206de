"""The optically pumped two-level battery and its two-stroke engine (review §2.4,
Santos & Santos, arXiv:2208.02373)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError, ValidityWarning
from ssbattery.thermal.pumped_battery import (
    PumpedBattery,
    charging,
    charging_scan,
    effective_pump_rate,
    engine_region,
    two_stroke_engine,
)


@pytest.mark.parametrize("detuning", [0.0, 0.1, 0.3])
def test_adiabatic_elimination_gives_the_lorentzian_pump_rate(detuning: float) -> None:
    # Ω ≪ Γ, no thermal back-action: p_e(t) → 1 − e^{−r(t − t_lag)} with the Lorentzian rate
    # r = ΓΩ²/(Γ² + 4Δ²) (corrections O(Ω²/Γ²)) and a lag of a few 1/Γ.
    b = PumpedBattery(rabi=0.02, decay=0.5, battery_rate=0.0, T_r=0.0, T_c=0.0)
    r = effective_pump_rate(0.02, 0.5, detuning)
    t = np.array([100.0, 1000.0, 2000.0])
    if detuning:  # off resonance the local model breaks the first law: it must say so
        with pytest.warns(ValidityWarning, match="breaks the first law"):
            res = charging(b, b.omega_a - detuning, t)
    else:
        res = charging(b, b.omega_a - detuning, t)
    pe = res.stored_energy  # ω_e = 1
    rate = (np.log(1 - pe[1]) - np.log(1 - pe[2])) / 1000.0
    assert rate == pytest.approx(r, rel=3e-3)
    assert np.allclose(pe, 1 - np.exp(-r * t), atol=5e-3)
    assert res.ergotropy[-1] == pytest.approx(max(2 * pe[-1] - 1, 0.0), abs=2e-3)


@settings(max_examples=20, deadline=None)
@given(w=st.floats(1.05, 2.5), t=st.floats(1.0, 500.0))
def test_efficiency_bounded_by_photon_energy_ratio(w: float, t: float) -> None:
    # At T_r = 0 each absorbed photon (ω_L) stores at most ω_e: η ≤ ω_e/ω_L.
    b = PumpedBattery(T_r=0.0)
    res = charging(b, w, [t], warn=False)
    assert res.pump_work[0] > 0
    assert res.efficiency[0] <= b.omega_e / w + 1e-9


def test_stored_power_peaks_at_resonance() -> None:
    b = PumpedBattery()
    ws = np.linspace(1.2, 1.8, 25)
    scan = charging_scan(b, ws, 50.0)
    assert ws[np.argmax(scan.power)] == pytest.approx(b.omega_a)
    assert np.allclose(scan.power, scan.power[::-1], rtol=1e-9)  # symmetric in Δ


def test_engine_working_region_narrows_with_cold_temperature() -> None:
    # Review: the two-stroke machine does not work at every (ω_L, T_c); a hotter cold bath
    # needs the pump closer to resonance; at resonance it keeps working.
    b = PumpedBattery()
    ws = np.linspace(1.0, 2.0, 11)
    ts = np.array([0.05, 0.3, 0.8, 1.5])
    m = engine_region(b, ws, ts)
    works = m.work > 0
    counts = works.sum(axis=1)
    assert np.all(np.diff(counts) <= 0) and counts[0] > counts[-1]
    assert np.all(works[:, 5])  # ω_L = ω_a = 1.5
    # efficiency never above the Otto × pumping bound (1 − ω_c/ω_e) ω_e/ω_L
    bound = (1 - 0.5) / ws
    assert np.all(np.nan_to_num(m.efficiency) <= bound[None, :] + 1e-12)
    # near resonance the best efficiency at the hottest cold bath
    assert abs(ws[np.nanargmax(m.efficiency[-1])] - b.omega_a) <= 0.1 + 1e-12


def test_engine_limit_cycle_numbers() -> None:
    b = PumpedBattery()
    r = two_stroke_engine(b, 1.5, omega_c=0.5, T_c=0.3, tau=20.0)
    assert r.works and 0 < r.efficiency < r.bound
    assert r.power == pytest.approx(r.work / 20.0)
    assert math.isfinite(r.pump_work) and r.pump_work > r.work


def test_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="omega_a"):
        PumpedBattery(omega_a=0.5)
    with pytest.raises(InvalidParameterError, match="`T_c` must be ≥ 0"):
        PumpedBattery(T_c=-1.0)
    with pytest.raises(InvalidParameterError, match="`T_r` must be ≥ 0"):
        PumpedBattery(T_r=-1.0)
    with pytest.raises(InvalidParameterError, match="tau"):
        two_stroke_engine(PumpedBattery(), 1.5, tau=0.0)
    with pytest.raises(InvalidParameterError, match="omega_L"):
        charging(PumpedBattery(), -1.0, [1.0])
    with pytest.raises(InvalidParameterError, match="times"):
        charging(PumpedBattery(), 1.5, [-1.0])


def test_reservoir_temperature_matters_only_near_the_eliminated_gap() -> None:
    # Review: charging is unaffected by temperature while adiabatic elimination holds; a
    # reservoir with T_r comparable to ω_a − ω_e = 0.5 re-excites e → a and charges less.
    import dataclasses

    b = PumpedBattery()
    cold = charging(dataclasses.replace(b, T_r=0.0), 1.5, [50.0, 500.0]).stored_energy
    mild = charging(dataclasses.replace(b, T_r=0.05), 1.5, [50.0, 500.0]).stored_energy
    hot = charging(dataclasses.replace(b, T_r=0.5), 1.5, [50.0, 500.0]).stored_energy
    assert np.allclose(mild, cold, rtol=1e-3)  # e^{−0.5/0.05} ≈ 5e-5
    assert np.all(hot < 0.7 * cold)


def test_energy_ledger_and_detuning_warning() -> None:
    # Exact bookkeeping: ΔE₀ = W_pump + Q_ae + Q_eg + (ω_a − ω_L)·N_abs, with the heats
    # Q_k = Tr[H₀ D_k(∫ρ dt)] from the augmented propagator and H₀ = diag(0, ω_e, ω_a).
    import warnings as _w

    from ssbattery.thermal import expm_and_integral, heat_currents, liouvillian, unvec, vec

    b = PumpedBattery()
    wl, t = 1.4, 80.0
    res = charging(b, wl, [t], warn=False)
    cops = b.c_ops()
    _, integral = expm_and_integral(liouvillian(b.hamiltonian(wl), cops), t)
    rho0 = np.diag([1.0, 0.0, 0.0]).astype(complex)
    H0 = np.diag([0.0, b.omega_e, b.omega_a]).astype(complex)
    Q = heat_currents(H0, [cops[:2], cops[2:]], unvec(integral @ vec(rho0), 3))
    from ssbattery.thermal import evolve_density

    rho_t = evolve_density(b.hamiltonian(wl), cops, rho0, [0.0, t]).states[-1]  # type: ignore[index]
    dE0 = float(np.trace(H0 @ rho_t).real)
    assert dE0 == pytest.approx(res.pump_work[0] + Q.sum() + res.first_law_defect[0], abs=1e-10)
    with pytest.warns(ValidityWarning, match="first law"):
        charging(b, 1.3, [50.0])
    with _w.catch_warnings():
        _w.simplefilter("error")
        r = charging(b, b.omega_a, [50.0])
    assert r.first_law_defect[0] == 0.0
