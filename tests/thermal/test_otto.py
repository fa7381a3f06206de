"""The quantum Otto cycle (review Fig. 16): analytic limits, bounds, first law, bad input."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ssbattery.errors import ConvergenceWarning, InvalidParameterError
from ssbattery.thermal import (
    Bath,
    cycle_map,
    propagator,
    thermal_state,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.thermal.otto import (
    OttoCycle,
    WorkingMedium,
    carnot_cop,
    carnot_efficiency,
    operating_mode,
    oscillator_otto,
    otto_cop,
    otto_cycle,
    otto_efficiency,
    otto_trajectory,
    qubit_otto,
)


def test_qubit_full_thermalisation_matches_closed_form() -> None:
    # H = (ω/2)σz, thermal ⟨σz⟩ = −tanh(ω/2T): W = (ω_h − ω_c)(z_c − z_h)/2,
    # Q_h = ω_h (z_h − z_c)/2 (populations kept by the adiabatic strokes).
    wh, wc, Th, Tc = 3.0, 1.0, 5.0, 0.4
    r = qubit_otto(omega_h=wh, omega_c=wc, T_h=Th, T_c=Tc, rate_h=1, rate_c=1, tau_h=60, tau_c=60)
    zh, zc = -math.tanh(wh / (2 * Th)), -math.tanh(wc / (2 * Tc))
    assert r.work == pytest.approx((wh - wc) * (zc - zh) / 2, abs=1e-13)
    assert r.heat_hot == pytest.approx(wh * (zh - zc) / 2, abs=1e-13)
    assert r.mode == "engine"
    assert r.efficiency == pytest.approx(1 - wc / wh, abs=1e-13)
    assert r.power == pytest.approx(-r.work / 120, rel=1e-13)
    assert r.first_law_residual < 1e-15


@settings(max_examples=40, deadline=None)
@given(
    Th=st.floats(0.05, 20.0),
    Tc=st.floats(0.05, 20.0),
    wh=st.floats(0.2, 5.0),
    ratio=st.floats(0.05, 0.95),
    tau=st.floats(0.2, 20.0),
)
def test_qubit_otto_bounds_and_first_law(
    Th: float, Tc: float, wh: float, ratio: float, tau: float
) -> None:
    assume(Th > Tc)  # swapped temperatures are refused (test_modes_and_outputs)
    wc = ratio * wh
    r = qubit_otto(omega_h=wh, omega_c=wc, T_h=Th, T_c=Tc, tau_h=tau, tau_c=tau)
    scale = max(abs(r.heat_hot), abs(r.heat_cold), 1e-300)
    assert r.first_law_residual <= 1e-13 * max(scale, 1.0)
    assume(scale > 1e-9)
    if r.mode == "engine":
        assert r.efficiency == pytest.approx(otto_efficiency(wh, wc), abs=1e-9)
        assert r.efficiency <= carnot_efficiency(Th, Tc) + 1e-12
        assert wc / wh > Tc / Th  # the qubit engine condition ω_h/T_h < ω_c/T_c
    elif r.mode == "refrigerator":
        assert r.cop == pytest.approx(otto_cop(wh, wc), rel=1e-9)
        if Th > Tc:  # (at T_h ≤ T_c the Carnot COP is unbounded)
            assert r.cop <= carnot_cop(Th, Tc) + 1e-12
    else:
        assert r.mode in ("heater", "accelerator", "idle")


def test_qubit_refrigerator_cop() -> None:
    # ω_c/ω_h = 0.25 < T_c/T_h = 0.9: the cycle pumps heat out of the cold bath.
    r = qubit_otto(omega_h=4.0, omega_c=1.0, T_h=1.0, T_c=0.9, tau_h=10, tau_c=10)
    assert r.mode == "refrigerator"
    assert r.cop == pytest.approx(1.0 / 3.0, rel=1e-12)
    assert r.cop < carnot_cop(1.0, 0.9)


def test_accelerator_and_mode_signs() -> None:
    # ω_h < ω_c: work is spent to speed heat from hot to cold.
    r = qubit_otto(omega_h=1.0, omega_c=2.0, T_h=2.0, T_c=1.0)
    assert r.mode == "accelerator"
    assert operating_mode(-1.0, 2.0, -1.0) == "engine"
    assert operating_mode(1.0, -2.0, 1.0) == "refrigerator"
    assert operating_mode(1.0, -0.5, -0.5) == "heater"
    assert operating_mode(1.0, 0.5, -1.5) == "accelerator"
    assert operating_mode(0.0, 0.0, 0.0) == "idle"


def test_limit_cycle_is_reached_from_any_start() -> None:
    cyc = OttoCycle(WorkingMedium("qubit"), 2.0, 1.0, Bath(2.0, 0.3), Bath(0.3, 0.3), 2.0, 3.0)
    r = otto_cycle(cyc)
    Hh, Hc = cyc.medium.hamiltonian(2.0), cyc.medium.hamiltonian(1.0)
    from ssbattery.thermal.baths import global_dissipators

    S = cyc.medium.coupling_operator()
    M = cycle_map(
        unitary_superoperator(np.eye(2)),
        propagator(Hh, global_dissipators(Hh, S, cyc.hot), 2.0),
        propagator(Hc, global_dissipators(Hc, S, cyc.cold), 3.0),
    )
    for start in (np.diag([1.0, 0.0]), np.diag([0.0, 1.0]), np.full((2, 2), 0.5)):
        v = vec(start.astype(complex))
        for _ in range(200):
            v = M @ v
        assert np.max(np.abs(unvec(v) - r.corner_states[0])) < 1e-12


def test_oscillator_quasi_static_efficiency_and_friction() -> None:
    # Adiabatic strokes: η = 1 − ω_c/ω_h (the truncated spectra at ω_h and ω_c are exact
    # rescalings of each other for ω_r = √(ω_h ω_c)). A sudden quench squeezes the state:
    # extra work (quantum friction) lowers the efficiency; a slow driven ramp recovers η.
    kw: dict[str, Any] = {"levels": 12, "omega_h": 2.0, "omega_c": 1.0, "T_h": 1.0, "T_c": 0.2}
    ad = oscillator_otto(**kw, tau_h=8, tau_c=8)
    assert ad.mode == "engine"
    assert ad.efficiency == pytest.approx(0.5, abs=1e-10)
    assert ad.first_law_residual < 1e-13
    with pytest.warns(ConvergenceWarning, match="top 1 of 12 levels"):
        # the quench squeezes the state up to the truncation edge (~1e-6 there): flagged
        sudden = oscillator_otto(**kw, tau_h=8, tau_c=8, stroke="sudden")
    assert sudden.work > ad.work  # less work extracted (W is work done on the medium)
    assert not sudden.efficiency > 0.45
    slow = oscillator_otto(**kw, tau_h=8, tau_c=8, stroke="driven", tau_u=30.0)
    with pytest.warns(ConvergenceWarning, match="top 1 of 12 levels"):  # fast ramp: same
        fast = oscillator_otto(**kw, tau_h=8, tau_c=8, stroke="driven", tau_u=1.0)
    assert fast.work > slow.work > ad.work  # friction falls as the ramp slows down
    assert slow.efficiency < 0.5
    assert slow.efficiency == pytest.approx(0.5, abs=5e-3)
    # full thermalisation (relaxation rate γ|x_10|² = 1, τ = 60) at C:
    # ⟨H⟩ = (ω_h/2)coth(ω_h/2T_h) of the oscillator.
    full = oscillator_otto(**kw, tau_h=60, tau_c=60, rate_h=4.0, rate_c=4.0)
    Hh = full.cycle.medium.hamiltonian(2.0)
    gibbs = float(np.trace(Hh @ thermal_state(Hh, 1.0)).real)
    assert full.corner_energies[2] == pytest.approx(gibbs, rel=1e-9)
    # 12 levels truncate the spectrum: ⟨H⟩ is within 1e-5 of the exact value
    assert full.corner_energies[2] == pytest.approx(1.0 / math.tanh(1.0), rel=1e-5)


def test_oscillator_truncation_warns() -> None:
    with pytest.warns(ConvergenceWarning, match="levels"):
        oscillator_otto(levels=6, T_h=4.0, T_c=1.0)


def test_trajectory_keeps_entropy_on_adiabats() -> None:
    r = qubit_otto(tau_h=3, tau_c=3)
    tr = otto_trajectory(r, points_per_stroke=10)
    for k in (0, 2):
        sel = tr.stroke == k
        assert np.ptp(tr.entropy[sel]) < 1e-12
    assert tr.omega[tr.stroke == 1] == pytest.approx(2.0)
    assert tr.energy[0] == pytest.approx(r.corner_energies[0], abs=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(np.isfinite(tr.excitation))


def test_bad_cycles_raise() -> None:
    with pytest.raises(InvalidParameterError, match="tau_h"):
        qubit_otto(tau_h=0.0)
    with pytest.raises(InvalidParameterError, match="`T_c` must be ≥ 0"):
        qubit_otto(T_c=-1.0)
    with pytest.raises(InvalidParameterError, match="`T_h` must be ≥ 0"):
        oscillator_otto(T_h=-1.0, levels=4)
    with pytest.raises(InvalidParameterError, match="rate"):
        qubit_otto(rate_h=0.0)
    with pytest.raises(InvalidParameterError, match="tau_u"):
        qubit_otto(stroke="driven", tau_u=0.0)
    with pytest.raises(InvalidParameterError, match="omega_c"):
        qubit_otto(omega_c=-1.0)


@settings(max_examples=8, deadline=None)
@given(
    Th=st.floats(0.5, 3.0),
    Tc=st.floats(0.1, 0.5),
    ratio=st.floats(0.2, 0.9),
    stroke=st.sampled_from(["adiabatic", "sudden"]),
)
def test_oscillator_never_beats_carnot(Th: float, Tc: float, ratio: float, stroke: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = oscillator_otto(
            levels=10,
            omega_h=1.0,
            omega_c=ratio,
            T_h=Th,
            T_c=Tc,
            tau_h=6,
            tau_c=6,
            stroke=stroke,  # type: ignore[arg-type]
        )
    assert r.first_law_residual < 1e-13
    if r.mode == "engine":
        assert r.efficiency <= carnot_efficiency(Th, Tc) + 1e-12
        assert r.efficiency <= otto_efficiency(1.0, ratio) + 1e-9
    if r.mode == "refrigerator" and Th > Tc:
        assert r.cop <= carnot_cop(Th, Tc) + 1e-12
