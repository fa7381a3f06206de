"""Measurement-and-feedback strokes and a spin-chain medium in the general cycle (issue 16
§2–§3): the Szilard-type bound W ≤ k_B T · I (Sagawa & Ueda, PRL 100, 080403 (2008)) with
a misread record, ε → 0 recovering the ideal demon, the first law per cycle, and the XXZ
chain of the review's eqs. 10–11 as an Otto working medium with level crossings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.spin_chain import SpinChainParameters, build_operators
from ssbattery.thermal.audit import audit
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.cycle import (
    Cycle,
    FeedbackStroke,
    Medium,
    ThermalStroke,
    heisenberg_medium,
    otto_cycle_of,
    quasi_static,
    run_cycle,
)
from ssbattery.thermal.media import energy_feedback, spin_chain_medium
from ssbattery.thermal.model import BathCoupling
from ssbattery.thermal.spec import cycle_from_spec, load_cycle_spec

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"
SX = np.array([[0, 1], [1, 0]], dtype=complex)
runner = CliRunner()


def h2(p: float) -> float:
    return -sum(x * math.log(x) for x in (p, 1 - p) if x > 0)


def szilard(eps: float, *, w: float = 1.0, T: float = 0.7, feedback: str = "ground") -> Cycle:
    med = Medium(lambda lam: np.diag([lam / 2, -lam / 2]).astype(complex), (2,), name="qubit")
    proto = energy_feedback(med.H(w), feedback=feedback, readout_error=eps)  # type: ignore[arg-type]
    bath = (BathCoupling(Bath(T, 1.0), SX),)
    return Cycle(med, (FeedbackStroke(w, proto), ThermalStroke(w, bath, 60.0)))


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.1, 0.3, 0.5])
def test_qubit_szilard_engine_with_a_misread_record(eps: float) -> None:
    # Full re-thermalisation: p_e = 1/(1 + e^{ω/T}). The record is right with 1 − ε; the
    # swap to the ground state gains ω when the qubit was excited and costs ω when it was
    # not: −W = ω [(1 − ε) p_e − ε p_g] = ω (p_e − ε). The QC information of a classical
    # state is the mutual information of the binary channel, I = h(q) − h(ε),
    # q = p_e(1 − ε) + p_g ε.
    w, T = 1.0, 0.7
    res = run_cycle(szilard(eps, w=w, T=T))
    pe = 1 / (1 + math.exp(w / T))
    q = pe * (1 - eps) + (1 - pe) * eps
    assert -res.work == pytest.approx(w * (pe - eps), abs=1e-12)
    assert res.information == pytest.approx(h2(q) - h2(eps), abs=1e-12)
    assert res.first_law_residual < 1e-13
    # Szilard-type bound: −W − E_meas ≤ k_B T I, i.e. Σ Q/T ≤ I
    assert -res.work - res.measurement_energy <= T * res.information + 1e-12
    assert res.clausius_sum <= res.information + 1e-12
    assert not audit(res).errors


def test_ideal_measurement_recovers_the_error_free_demon() -> None:
    # ε → 0: the work and information are continuous and equal the ideal values ω p_e and
    # the Shannon entropy h(p_e) of the record.
    pe = 1 / (1 + math.exp(1 / 0.7))
    ideal = run_cycle(szilard(0.0))
    assert -ideal.work == pytest.approx(pe, abs=1e-12)
    assert ideal.information == pytest.approx(h2(pe), abs=1e-12)
    near = run_cycle(szilard(1e-9))
    assert near.work == pytest.approx(ideal.work, abs=1e-8)
    assert near.information == pytest.approx(ideal.information, abs=1e-6)


def test_energy_measurement_without_feedback_obeys_clausius() -> None:
    # A measurement that commutes with H costs no energy and, with no feedback, extracts
    # nothing: W = E_meas = 0 and Σ Q/T ≤ 0 even though the record carries I > 0.
    res = run_cycle(szilard(0.0, feedback="none"))
    assert res.work == pytest.approx(0.0, abs=1e-13)
    assert res.measurement_energy == pytest.approx(0.0, abs=1e-13)
    assert res.information > 0.3
    assert res.clausius_sum <= 1e-13


def test_multilevel_szilard_engine_extracts_the_energy_above_the_ground_state() -> None:
    # Heisenberg pair at B = 2: measuring the energy and swapping to the ground state
    # extracts E − E_0 per cycle (Gibbs after a long thermal stroke), bounded by T·S.
    med = heisenberg_medium(0.2)
    T = 1.5
    baths = (
        BathCoupling(Bath(T, 1.0), np.kron(SX, np.eye(2))),
        BathCoupling(Bath(T, 1.0), np.kron(np.eye(2), SX)),
    )
    cyc = Cycle(
        med, (FeedbackStroke(2.0, energy_feedback(med.H(2.0))), ThermalStroke(2.0, baths, 80.0))
    )
    res = run_cycle(cyc)
    e = np.linalg.eigvalsh(med.H(2.0))
    p = np.exp(-(e - e[0]) / T) / np.exp(-(e - e[0]) / T).sum()
    assert -res.work == pytest.approx(float(p @ e - e[0]), abs=1e-9)
    assert res.information == pytest.approx(float(-p @ np.log(p)), abs=1e-9)
    assert -res.work < T * res.information


def test_szilard_spec_through_the_cli() -> None:
    res = runner.invoke(app, ["cycle", str(SPECS / "szilard_qubit.toml"), "--json", "--audit"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    pe = 1 / (1 + math.exp(1 / 0.7))
    assert -out["work [E₀]"] == pytest.approx(pe - 0.1, abs=1e-10)
    assert out["strokes"][0]["kind"] == "feedback"
    assert out["information [nats]"] == pytest.approx(0.242311, abs=1e-6)
    assert out["audit"]["values"]["information"] == pytest.approx(out["information [nats]"])
    assert not [f for f in out["audit"]["findings"] if f["level"] == "error"]


def test_feedback_spec_errors() -> None:
    base = {"medium": {"kind": "qubit"}}
    with pytest.raises(InvalidParameterError, match="measure"):
        cycle_from_spec(base | {"strokes": [{"type": "feedback", "measure": "position"}]})
    with pytest.raises(InvalidParameterError, match="feedback"):
        cycle_from_spec(base | {"strokes": [{"type": "feedback", "feedback": "flip"}]})
    with pytest.raises(InvalidParameterError, match="readout_error"):
        cycle_from_spec(base | {"strokes": [{"type": "feedback", "error": 1.5}]})


def test_spin_chain_medium_is_the_review_hamiltonian_and_sparse() -> None:
    med, ops = spin_chain_medium(4, coupling=1.0, anisotropy=0.5)
    assert sp.issparse(med.hamiltonian(3.0))
    ref = build_operators(
        SpinChainParameters(4, field=3.0, coupling=1.0, anisotropy=0.5), symmetric=False
    ).H0
    assert np.abs(med.H(3.0) - ref.toarray()).max() < 1e-14
    assert sorted(ops) == ["x1", "x2", "x3", "x4"]
    with pytest.raises(InvalidParameterError, match="at most 8"):
        spin_chain_medium(9)


def test_spin_chain_otto_against_the_closed_form_with_level_crossings() -> None:
    # H(B) = H_g + B M with [H_g, M] = 0 (M = Σσᶻ): the eigenvectors do not depend on B,
    # E_n(B) = h_n + B m_n, so the adiabatic strokes keep every |n⟩ while levels of
    # different magnetisation cross between B = 1 and B = 2. Quasi-static Otto:
    # W = −Σ_n (E_n(2) − E_n(1)) (p_n^h − p_n^c), Q_h = Σ_n E_n(2) (p_n^h − p_n^c).
    cyc = load_cycle_spec(SPECS / "spin_chain_otto.toml")
    med = cyc.medium
    Hg = med.H(1.0) - sum(med.locals(1.0))
    M = sum(med.locals(1.0))
    _, V = np.linalg.eigh(Hg + 1e-3 * M)  # a small field splits the shared eigenbasis
    h = np.real(np.diag(V.conj().T @ Hg @ V))
    m = np.real(np.diag(V.conj().T @ M @ V))
    assert np.allclose(V.conj().T @ Hg @ V, np.diag(h), atol=1e-10)
    E1, E2 = h + m, h + 2 * m
    assert not np.array_equal(np.argsort(E1, kind="stable"), np.argsort(E2, kind="stable"))
    pc = np.exp(-(E1 - E1.min()) / 0.5) / np.exp(-(E1 - E1.min()) / 0.5).sum()
    ph = np.exp(-(E2 - E2.min()) / 4.0) / np.exp(-(E2 - E2.min()) / 4.0).sum()
    W = -float((E2 - E1) @ (ph - pc))
    Qh = float(E2 @ (ph - pc))
    qs = quasi_static(cyc)
    assert qs.work == pytest.approx(W, abs=1e-10)
    assert qs.efficiency == pytest.approx(-W / Qh, abs=1e-10)
    # finite thermal strokes of the end sites only: first law exact, below Carnot
    finite = run_cycle(cyc)
    assert finite.first_law_residual < 1e-12
    assert finite.work < 0 and finite.efficiency < 1 - 0.5 / 4.0
    # long strokes thermalise: the finite cycle tends to the quasi-static one
    _, ops = spin_chain_medium(3, coupling=2.0, anisotropy=0.5)
    long = run_cycle(
        otto_cycle_of(
            med,
            2.0,
            1.0,
            Bath(4.0, 0.5),
            Bath(0.5, 0.5),
            [ops["x1"], ops["x3"]],
            tau_hot=400.0,
            tau_cold=400.0,
        )
    )
    assert long.work == pytest.approx(W, abs=1e-6)


def test_cycle_audit_checks_every_thermal_stroke() -> None:
    # Each thermal stroke is audited as a model at its λ: its length in relaxation times,
    # the temperature its rates imply, and a local master equation on strongly coupled
    # sites (J = 0.2 ≫ γ = 0.01) is flagged inside a cycle too.
    med = heisenberg_medium(0.2)
    sm = np.array([[0, 0], [1, 0]], dtype=complex)
    local = tuple(
        BathCoupling(Bath(T, 0.01), op, "local", 2.0, f"site {k}")
        for k, (T, op) in enumerate(((2.0, np.kron(sm, np.eye(2))), (0.5, np.kron(np.eye(2), sm))))
    )
    glob = (BathCoupling(Bath(1.0, 1.0), np.kron(SX, np.eye(2))),)
    cyc = Cycle(med, (ThermalStroke(2.0, local, 50.0, "local"), ThermalStroke(2.0, glob, 30.0)))
    rep = audit(run_cycle(cyc))
    assert rep.flagged("local vs global")
    assert any("stroke 'local'" in f.message for f in rep.findings if f.check == "local vs global")
    assert len(rep.values["stroke_durations_in_relaxation_times"]) == 2
    temps = {round(T, 9) for _, _, T in rep.values["implied_temperatures"]}
    assert temps == {2.0, 0.5, 1.0}
