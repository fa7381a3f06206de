"""A bath at T = 0 in the second law: the limit T → 0⁺ of −Q/T.

Clausius: a bath at T that takes heat −Q > 0 gains entropy −Q/T → +∞ as T → 0⁺, so an
engine whose cold bath is at T = 0 has σ = +∞ and is allowed (its Carnot bound is 1);
heat drawn from a bath at T = 0 gives σ = −∞ and is forbidden. These were read as a
second-law violation before: the T = 0 term was dropped, leaving σ = −Q_h/T_h < 0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.audit import BathCoupling, ThermalModel, audit
from ssbattery.thermal.baths import Bath, entropy_production, occupation
from ssbattery.thermal.otto import OttoCycle, WorkingMedium, operating_mode, qubit_otto

SM = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ (index 0) → |g⟩


def test_entropy_production_takes_the_zero_temperature_limit() -> None:
    # finite temperatures: −Σ J/T exactly
    assert entropy_production([1.0, -0.6], [2.0, 0.5]) == pytest.approx(-0.5 + 1.2, abs=1e-15)
    # heat into a bath at T = 0: +∞ however large the hot bath's −J/T
    assert entropy_production([1.0, -1.0], [2.0, 0.0]) == math.inf
    # heat out of a bath at T = 0: −∞ (forbidden), even next to a bath that takes heat
    assert entropy_production([-1.0, 1.0], [2.0, 0.0]) == -math.inf
    assert entropy_production([1.0, -2.0, 1.0], [0.0, 0.0, 1.0]) == -math.inf
    # round-off at T = 0 within `tol` counts as 0
    assert entropy_production([1e-17, -0.3], [0.0, 1.5], tol=1e-12) == pytest.approx(0.2)
    with pytest.raises(InvalidParameterError, match="temperatures"):
        entropy_production([1.0], [math.nan])
    with pytest.raises(InvalidParameterError, match="currents"):
        entropy_production([math.nan], [1.0])


def test_operating_mode_with_a_cold_bath_at_zero_temperature() -> None:
    assert operating_mode(-1.0, 3.0, -2.0, T_h=2.0, T_c=0.0) == "engine"
    assert operating_mode(0.0, 1.0, -1.0, T_h=2.0, T_c=0.0) == "accelerator"
    # a refrigerator cannot draw heat from T = 0 (third law / Clausius)
    assert operating_mode(1.0, -2.0, 1.0, T_h=2.0, T_c=0.0) == "forbidden"


def test_qubit_otto_engine_with_a_zero_temperature_cold_bath() -> None:
    # long strokes: B→C thermalises at (ω_h, T_h), D→A to the ground state (T_c = 0), so
    # p_e = 1/(1 + e^{ω_h/T_h}) at C, 0 at A: W = −(ω_h − ω_c) p_e, η = 1 − ω_c/ω_h
    wh, wc, Th = 2.0, 1.0, 4.0
    r = qubit_otto(omega_h=wh, omega_c=wc, T_h=Th, T_c=0.0, tau_h=80.0, tau_c=80.0)
    p = 1.0 / (1.0 + math.exp(wh / Th))
    assert r.mode == "engine"
    assert r.work == pytest.approx(-(wh - wc) * p, rel=1e-9)
    assert r.heat_hot == pytest.approx(wh * p, rel=1e-9)
    assert r.efficiency == pytest.approx(1.0 - wc / wh, rel=1e-9)
    d = r.to_dict()
    assert d["mode"] == "engine"
    assert d["carnot_efficiency [1]"] == 1.0


def test_audit_passes_an_engine_and_a_steady_state_with_a_zero_temperature_bath() -> None:
    cyc = OttoCycle(WorkingMedium("qubit"), 2.0, 1.0, Bath(4.0, 0.5), Bath(0.0, 0.5), 40.0, 40.0)
    rep = audit(cyc)
    assert not rep.errors, str(rep)
    assert rep.values["mode"] == "engine"
    assert rep.values["entropy_production_per_cycle"] == math.inf
    # two detuned qubits, global baths at T = 2 and T = 0: heat flows into the T = 0 bath
    s1, s2 = np.kron(SM, np.eye(2)), np.kron(np.eye(2), SM)
    H = (
        1.0 * s1.conj().T @ s1
        + 1.2 * s2.conj().T @ s2
        + 0.05 * (s1.conj().T @ s2 + s2.conj().T @ s1)
    )
    model = ThermalModel(
        H,
        (
            BathCoupling(Bath(2.0, 0.01), s1 + s1.conj().T, label="hot"),
            BathCoupling(Bath(0.0, 0.01), s2 + s2.conj().T, label="cold"),
        ),
    )
    rep2 = audit(model)
    assert not rep2.errors, str(rep2)
    J = rep2.values["heat_currents"]
    assert J[0] > 1e-5 and J[1] == pytest.approx(-J[0], rel=1e-9)
    assert rep2.values["entropy_production"] == math.inf


def test_occupation_at_zero_temperature_still_checks_the_statistics() -> None:
    # T = 0 returned n = 0 before looking at `statistics`, so a typo passed silently
    with pytest.raises(InvalidParameterError, match="statistics"):
        occupation(1.0, 0.0, "boson")  # type: ignore[arg-type]
    assert float(occupation(1.0, 0.0, "fermi")) == 0.0
    assert float(occupation(2.0, 1.0, "fermi")) == pytest.approx(1.0 / (math.e**2 + 1.0))
    assert float(occupation(2.0, 1.0)) == pytest.approx(1.0 / (math.e**2 - 1.0))


def test_clausius_sum_of_a_cycle_with_a_zero_temperature_cold_bath() -> None:
    from ssbattery.thermal.cycle import Cycle, Medium, ThermalStroke, UnitaryStroke, run_cycle
    from ssbattery.thermal.model import BathCoupling

    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    med = Medium(lambda w: np.diag([w / 2, -w / 2]).astype(complex), (2,), name="qubit")

    def cycle(T_c: float) -> Cycle:
        return Cycle(
            med,
            (
                UnitaryStroke(1.0, 2.0),
                ThermalStroke(2.0, (BathCoupling(Bath(4.0, 1.0), sx),), 40.0),
                UnitaryStroke(2.0, 1.0),
                ThermalStroke(1.0, (BathCoupling(Bath(T_c, 1.0), sx),), 40.0),
            ),
        )

    # T_c = 0.5: Σ Q/T = Q_h/T_h + Q_c/T_c with Q_h = 2Δp, Q_c = −Δp (Δp = p_h − p_c)
    res = run_cycle(cycle(0.5))
    dp = 1.0 / (1.0 + math.exp(2.0 / 4.0)) - 1.0 / (1.0 + math.exp(1.0 / 0.5))
    assert res.clausius_sum == pytest.approx(2.0 * dp / 4.0 - dp / 0.5, rel=1e-9)
    # T_c = 0: heat into the cold bath makes the sum −∞ (it had left the bath out: +Q_h/T_h > 0)
    res0 = run_cycle(cycle(0.0))
    assert res0.heats[1] < 0
    assert res0.clausius_sum == -math.inf
    assert res0.to_dict()["clausius_sum [1]"] is None
