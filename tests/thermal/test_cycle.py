"""The general cycle (issue 16 §2): the Otto cycle as one instance, the Heisenberg Otto
engine, level crossings, feedback strokes, per-subsystem work and heat, first law."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from ssbattery.errors import ConvergenceWarning, InvalidParameterError
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.cycle import (
    Cycle,
    FeedbackStroke,
    Medium,
    ThermalStroke,
    UnitaryStroke,
    adiabatic_unitary,
    heisenberg_medium,
    heisenberg_otto,
    otto_cycle_of,
    quasi_static,
    run_cycle,
)
from ssbattery.thermal.feedback import CoupledQubits, demon_cycle, reset_to_ground
from ssbattery.thermal.model import BathCoupling
from ssbattery.thermal.otto import WorkingMedium, oscillator_otto, qubit_otto

SX = np.array([[0, 1], [1, 0]], dtype=complex)


def qubit_medium() -> Medium:
    return Medium(lambda w: np.diag([w / 2, -w / 2]).astype(complex), (2,), name="qubit")


def test_otto_is_one_instance_with_the_same_numbers() -> None:
    ref = qubit_otto(tau_h=3.0, tau_c=4.0)
    cyc = otto_cycle_of(
        qubit_medium(), 2.0, 1.0, Bath(4.0, 0.5), Bath(0.5, 0.5), [SX], tau_hot=3.0, tau_cold=4.0
    )
    res = run_cycle(cyc)
    assert res.work == pytest.approx(ref.work, abs=1e-13)
    assert res.heats == pytest.approx((ref.heat_hot, ref.heat_cold), abs=1e-13)
    assert res.efficiency == pytest.approx(ref.efficiency, abs=1e-12)
    assert res.first_law_residual < 1e-14


@pytest.mark.parametrize("stroke", ["sudden", "adiabatic"])
def test_oscillator_otto_instance(stroke: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = oscillator_otto(levels=10, stroke=stroke, T_h=1.0, T_c=0.3)  # type: ignore[arg-type]
    wm = WorkingMedium("oscillator", levels=10, reference_frequency=math.sqrt(2.0))
    med = Medium(wm.hamiltonian, (10,), name="oscillator")
    cyc = otto_cycle_of(
        med,
        2.0,
        1.0,
        Bath(1.0, 0.5),
        Bath(0.3, 0.5),
        [wm.coupling_operator()],
        tau_hot=5.0,
        tau_cold=5.0,
        protocol=stroke,  # type: ignore[arg-type]
    )
    res = run_cycle(cyc)
    assert res.work == pytest.approx(ref.work, abs=1e-10)
    assert res.heats == pytest.approx((ref.heat_hot, ref.heat_cold), abs=1e-10)


def test_heisenberg_otto_engine() -> None:
    # H = J σ·σ + (B/2)(σᶻ₁ + σᶻ₂), B 2 → 4, J = 0.2, T 0.5/4: quasi-static η ≈ 0.5346,
    # from the closed form Σ_n (E_n^h − E_n^c)(p_n^h − p_n^c) / Σ_n E_n^h (p_n^h − p_n^c).
    res = heisenberg_otto()
    med = heisenberg_medium(0.2)
    Ec, Eh = np.linalg.eigvalsh(med.H(2.0)), np.linalg.eigvalsh(med.H(4.0))
    pc = np.exp(-(Ec - Ec[0]) / 0.5) / np.exp(-(Ec - Ec[0]) / 0.5).sum()
    ph = np.exp(-(Eh - Eh[0]) / 4.0) / np.exp(-(Eh - Eh[0]) / 4.0).sum()
    eta = float(np.dot(Eh - Ec, ph - pc) / np.dot(Eh, ph - pc))
    assert res.efficiency == pytest.approx(eta, abs=1e-12)
    assert res.efficiency == pytest.approx(0.5346, abs=1e-4)
    assert res.first_law_residual < 1e-13
    # a finite-time cycle with long strokes approaches the quasi-static reference
    S = (np.kron(SX, np.eye(2)), np.kron(np.eye(2), SX))
    cyc = otto_cycle_of(med, 4.0, 2.0, Bath(4.0, 1.0), Bath(0.5, 1.0), S, tau_hot=40, tau_cold=40)
    finite = run_cycle(cyc)
    assert finite.efficiency == pytest.approx(res.efficiency, abs=1e-9)
    short = run_cycle(
        otto_cycle_of(med, 4.0, 2.0, Bath(4.0, 1.0), Bath(0.5, 1.0), S, tau_hot=0.5, tau_cold=0.5)
    )
    assert abs(short.work) < abs(finite.work)


def test_per_subsystem_split_adds_up() -> None:
    med = heisenberg_medium(0.2)
    S = (np.kron(SX, np.eye(2)), np.kron(np.eye(2), SX))
    res = run_cycle(
        otto_cycle_of(med, 4.0, 2.0, Bath(4.0, 1.0), Bath(0.5, 1.0), S, tau_hot=2, tau_cold=3)
    )
    assert all(len(rec.subsystem_energy_change) == 2 for rec in res.strokes)
    # by symmetry both spins share the work of each unitary stroke equally
    for rec in res.strokes:
        a, b = rec.subsystem_energy_change
        assert a == pytest.approx(b, abs=1e-12)
    # the per-cycle sum of each subsystem's energy change vanishes (periodic state)
    total = np.sum([r.subsystem_energy_change for r in res.strokes], axis=0)
    assert np.allclose(total, 0.0, atol=1e-12)
    assert res.first_law_residual < 1e-13


def test_adiabatic_stroke_follows_a_level_crossing() -> None:
    # H(λ) = λσᶻ from λ = 1 to −1: the levels cross at 0; following the branch keeps the
    # state (U = 1) where energy ordering would swap it, and a ground state ends excited.
    med = Medium(lambda lam: lam * np.diag([1.0, -1.0]).astype(complex), (2,))
    U = adiabatic_unitary(med, 1.0, -1.0)
    assert np.allclose(np.abs(U), np.eye(2), atol=1e-12)
    cyc = Cycle(
        med,
        (
            UnitaryStroke(1.0, -1.0, "adiabatic"),
            ThermalStroke(-1.0, (BathCoupling(Bath(0.2, 1.0), SX),), 50.0),
            UnitaryStroke(-1.0, 1.0, "adiabatic"),
            ThermalStroke(1.0, (BathCoupling(Bath(0.2, 1.0), SX),), 50.0),
        ),
    )
    res = run_cycle(cyc)
    p = 1 / (1 + math.exp(2 / 0.2))  # thermal excited population at gap 2
    # each unitary stroke turns the (nearly) ground state into the excited one: W = 2(1 − 2p)
    assert res.strokes[0].work == pytest.approx(2 * (1 - 2 * p), rel=1e-9)


def test_driven_stroke_approaches_adiabatic() -> None:
    wm = WorkingMedium("oscillator", levels=8, reference_frequency=1.4)
    med = Medium(wm.hamiltonian, (8,))
    works = []
    for protocol, tau in (("adiabatic", 0.0), ("driven", 40.0), ("driven", 0.5)):
        cyc = otto_cycle_of(
            med,
            2.0,
            1.0,
            Bath(1.0, 1.0),
            Bath(0.2, 1.0),
            [wm.coupling_operator()],
            tau_hot=8,
            tau_cold=8,
            protocol=protocol,
            tau_u=tau,  # type: ignore[arg-type]
        )
        works.append(run_cycle(cyc).work)
    ad, slow, fast = works
    assert slow == pytest.approx(ad, abs=2e-3 * abs(ad))
    assert fast > slow  # friction: less work out (W is into the medium)


def test_feedback_stroke_reproduces_the_demon() -> None:
    system = CoupledQubits(1.0, 3.0, -0.3)
    ref = demon_cycle(system, temperature=3.0, rate=1.0, tau=1.0, scheme="joint")
    med = Medium(lambda _: system.hamiltonian(), (2, 2))
    baths = (
        BathCoupling(Bath(3.0, 1.0), CoupledQubits.sigma_x(1)),
        BathCoupling(Bath(3.0, 1.0), CoupledQubits.sigma_x(2)),
    )
    cyc = Cycle(med, (FeedbackStroke(0.0, reset_to_ground(system)), ThermalStroke(0.0, baths, 1.0)))
    res = run_cycle(cyc)
    assert -res.strokes[0].work == pytest.approx(ref.work_extracted, abs=1e-12)
    assert sum(res.heats) == pytest.approx(float(np.sum(ref.heat)), abs=1e-12)
    assert res.first_law_residual < 1e-13


def test_quasi_static_needs_one_temperature_per_stroke() -> None:
    med = heisenberg_medium()
    S = np.kron(SX, np.eye(2))
    cyc = Cycle(
        med,
        (
            ThermalStroke(
                2.0, (BathCoupling(Bath(1.0, 1.0), S), BathCoupling(Bath(2.0, 1.0), S)), 1.0
            ),
        ),
    )
    with pytest.raises(InvalidParameterError, match="one bath temperature"):
        quasi_static(cyc)
    with pytest.raises(InvalidParameterError, match="duration"):
        ThermalStroke(1.0, (BathCoupling(Bath(1.0, 1.0), S),), 0.0)
    with pytest.raises(InvalidParameterError, match="driven"):
        UnitaryStroke(1.0, 2.0, "driven")


def test_a_cycle_whose_strokes_do_not_join_is_refused() -> None:
    # compression ends at λ = 2 but the hot stroke sits at λ = 1.5: H jumps in between and
    # that work was uncounted (first-law residual 0.56, "efficiency" 0.73 or > 1, exit 0)
    bath = (BathCoupling(Bath(4.0, 1.0), SX),)
    cold = (BathCoupling(Bath(0.5, 1.0), SX),)
    strokes = [
        UnitaryStroke(1.0, 2.0, name="compression"),
        ThermalStroke(1.5, bath, 40.0, name="hot"),
        UnitaryStroke(2.0, 1.0, name="expansion"),
        ThermalStroke(1.0, cold, 40.0, name="cold"),
    ]
    with pytest.raises(InvalidParameterError, match=r"stroke #1 \('compression'\) ends at λ = 2"):
        Cycle(qubit_medium(), tuple(strokes))
    # the wrap-around: the last stroke must end where the first starts
    strokes[0] = UnitaryStroke(1.2, 2.0, name="compression")
    strokes[1] = ThermalStroke(2.0, bath, 40.0, name="hot")
    with pytest.raises(
        InvalidParameterError,
        match=r"stroke #4 \('cold'\) ends at λ = 1 but stroke #1 \('compression'\) "
        r"starts at λ = 1.2",
    ):
        Cycle(qubit_medium(), tuple(strokes))
    # joined up with an explicit sudden quench, the cycle runs and its first law closes
    strokes = [
        UnitaryStroke(1.0, 2.0, name="compression"),
        ThermalStroke(2.0, bath, 40.0, name="hot"),
        UnitaryStroke(2.0, 0.8, name="expansion"),
        ThermalStroke(0.8, cold, 40.0, name="cold"),
        UnitaryStroke(0.8, 1.0, "sudden", name="quench"),
    ]
    res = run_cycle(Cycle(qubit_medium(), tuple(strokes)))
    assert res.first_law_residual < 1e-12
    # the qubit's strokes commute, so this is the ideal Otto cycle between ω = 2 and 0.8
    # (the quench 0.8 → 1 undoes part of the compression's work at the same populations):
    # W = −(2 − 0.8)(p_h − p_c), Q_h = 2(p_h − p_c), η = 1 − 0.8/2
    p_h = 1.0 / (1.0 + math.exp(2.0 / 4.0))
    p_c = 1.0 / (1.0 + math.exp(0.8 / 0.5))
    assert res.work == pytest.approx(-1.2 * (p_h - p_c), rel=1e-9)
    assert sum(res.strokes[1].heat) == pytest.approx(2.0 * (p_h - p_c), rel=1e-9)
    assert res.efficiency == pytest.approx(0.6, rel=1e-9)
