"""Measurement-assisted refrigerator of two coupled qubits (review §2.4, Bhandari et al.).

Q1 (ω_c) on the cold bath, Q2 (ω_h) on the hot bath; full thermalisation references below
use the thermal excited populations p_c = 1/(1 + e^{ω_c/T_c}), p_h = 1/(1 + e^{ω_h/T_h}).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import as_density_matrix
from ssbattery.thermal.feedback import CoupledQubits, refrigerator_cycle

WC, WH, TC, TH = 1.0, 4.0, 1.0, 2.0
PC = 1.0 / (1.0 + np.exp(WC / TC))
PH = 1.0 / (1.0 + np.exp(WH / TH))


def _fridge(mode: str, **kw: float) -> object:
    system = CoupledQubits(WC, WH, kw.pop("g", 0.0))
    return refrigerator_cycle(system, mode=mode, T_cold=TC, T_hot=TH, **kw)  # type: ignore[arg-type]


def test_swap_full_thermalisation_analytic() -> None:
    # SWAP of two thermal qubits: Q_c = ω_c (p_c − p_h), W = (ω_h − ω_c)(p_c − p_h),
    # COP = ω_c/(ω_h − ω_c) (the Otto refrigerator's COP).
    r = _fridge("swap", tau=40.0)
    assert r.cooling_heat == pytest.approx(WC * (PC - PH), rel=1e-9)
    assert r.work_input == pytest.approx((WH - WC) * (PC - PH), rel=1e-9)
    assert r.cop == pytest.approx(WC / (WH - WC), rel=1e-9)
    assert r.cop <= r.carnot_cop


def test_measurement_and_conditional_swap_full_thermalisation_analytic() -> None:
    # Exchange-basis measurement equalises |eg⟩ and |ge⟩: half a swap, Q_c = ω_c (p_c − p_h)/2.
    r = _fridge("measurement", tau=40.0)
    assert r.cooling_heat == pytest.approx(WC * (PC - PH) / 2, rel=1e-9)
    assert r.work_input == pytest.approx(r.cycle.measurement_energy, rel=1e-12)
    # Measuring both and swapping only |e_c g_h⟩: Q_c = ω_c p_c (1 − p_h).
    both = _fridge("both", tau=40.0)
    assert both.cooling_heat == pytest.approx(WC * PC * (1 - PH), rel=1e-9)


def test_both_beats_either_alone_at_finite_time() -> None:
    # Measured numbers at τ = 1, g = 0.1 (the review: measurement or swap alone refrigerate,
    # combining them refrigerates better).
    power = {m: _fridge(m, tau=1.0, g=0.1).cooling_power for m in ("measurement", "swap", "both")}
    assert 0 < power["measurement"] < power["swap"] < power["both"]
    assert power["both"] == pytest.approx(0.19421, abs=1e-4)
    assert power["swap"] == pytest.approx(0.10116, abs=1e-4)
    assert power["measurement"] == pytest.approx(0.06022, abs=1e-4)


def test_information_lets_the_feedback_fridge_beat_carnot_within_the_generalised_law() -> None:
    # ω_c/T_c > ω_h/T_h: a plain swap heats the cold bath, the feedback one still cools with
    # COP = ω_c/(ω_h − ω_c) = 2 > Carnot 1, paid by information: Σ ≥ −I_QC.
    system = CoupledQubits(1.0, 1.5, 0.0)
    swap = refrigerator_cycle(system, mode="swap", T_cold=1.0, T_hot=2.0, tau=1.0)
    both = refrigerator_cycle(system, mode="both", T_cold=1.0, T_hot=2.0, tau=1.0)
    assert swap.cooling_heat < 0
    assert both.cooling_heat > 0
    assert both.cop == pytest.approx(2.0, rel=1e-9)
    assert both.cop > both.carnot_cop
    assert both.entropy_production < 0
    assert both.entropy_production >= -both.cycle.qc_information


@settings(max_examples=20, deadline=None)
@given(
    wh=st.floats(1.2, 5.0),
    g=st.floats(-0.45, 0.45),
    tc=st.floats(0.2, 3.0),
    ratio=st.floats(1.1, 5.0),
    tau=st.floats(0.05, 6.0),
    mode=st.sampled_from(["measurement", "swap", "both"]),
)
def test_second_law_and_carnot_bound(
    wh: float, g: float, tc: float, ratio: float, tau: float, mode: str
) -> None:
    r = refrigerator_cycle(
        CoupledQubits(1.0, wh, g),
        mode=mode,
        T_cold=tc,
        T_hot=tc * ratio,
        tau=tau,  # type: ignore[arg-type]
    )
    for rho in (r.cycle.rho_start, r.cycle.rho_measured, r.cycle.rho_feedback):
        as_density_matrix(rho, 4, name="rho", atol=1e-10)
    assert r.cycle.first_law_residual < 1e-10
    if mode == "both":
        assert r.entropy_production >= -r.cycle.qc_information - 1e-10
    else:
        # Without feedback: Clausius, hence COP ≤ Carnot whenever the machine cools.
        assert r.entropy_production >= -1e-10
        if r.cooling_heat > 1e-9 and r.work_input > 0:
            assert r.cop <= r.carnot_cop * (1 + 1e-9)


def test_bad_input() -> None:
    s = CoupledQubits(1.0, 2.0, 0.0)
    with pytest.raises(InvalidParameterError, match="T_cold"):
        refrigerator_cycle(s, T_cold=-1.0)
    with pytest.raises(InvalidParameterError, match="T_cold"):
        refrigerator_cycle(s, T_cold=3.0, T_hot=2.0)
    with pytest.raises(InvalidParameterError, match="rate_hot"):
        refrigerator_cycle(s, rate_hot=-1.0)
    with pytest.raises(InvalidParameterError, match="tau"):
        refrigerator_cycle(s, tau=0.0)
    with pytest.raises(InvalidParameterError, match="mode"):
        refrigerator_cycle(s, mode="demon")  # type: ignore[arg-type]


def test_refrigerator_scan_is_a_frozen_record_of_the_cycles() -> None:
    # issue 15 §3: the scan is a frozen dataclass, not a {mode: [...]} dict; each point is
    # refrigerator_cycle itself, and at τ = 40 (full thermalisation) the swap mode cools by
    # Q_c = ω_c (p_c − p_h) per cycle (the analytic value above)
    import dataclasses
    import json

    from ssbattery.thermal.feedback import RefrigeratorScan, refrigerator_scan

    system = CoupledQubits(WC, WH, 0.0)
    scan = refrigerator_scan([0.5, 40.0], system, T_cold=TC, T_hot=TH)
    assert isinstance(scan, RefrigeratorScan) and scan.keys() == ("measurement", "swap", "both")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scan.modes = ()  # type: ignore[misc]
    assert scan["swap"][1].cooling_heat == pytest.approx(WC * (PC - PH), rel=1e-9)
    direct = refrigerator_cycle(system, mode="both", T_cold=TC, T_hot=TH, tau=0.5)
    assert scan["both"][0].cooling_power == direct.cooling_power
    power = scan.column("cooling_power")
    assert power.shape == (3, 2) and power[1, 1] == scan["swap"][1].cooling_power
    assert dict(scan.items())["swap"] == scan["swap"]
    entry = scan.to_dict()
    assert entry["cooling_power [ω₁²]"] == power.tolist() and json.dumps(entry)
    assert "swap: max cooling power" in str(scan)
    with pytest.raises(KeyError):
        scan["nope"]
