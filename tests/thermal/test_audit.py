"""The audit flags each known mistake (issue 16 §4) and passes a sound model."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.audit import BathCoupling, ThermalModel, audit
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.heat_battery import HeatBattery
from ssbattery.thermal.otto import OttoCycle, WorkingMedium, qubit_otto

SM = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ (index 0) → |g⟩
I2 = np.eye(2)


def two_qubits(w1: float, w2: float, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s1, s2 = np.kron(SM, I2), np.kron(I2, SM)
    H = w1 * s1.conj().T @ s1 + w2 * s2.conj().T @ s2 + lam * (s1.conj().T @ s2 + s2.conj().T @ s1)
    return H, s1, s2


def oscillator(levels: int, T: float) -> ThermalModel:
    a = np.diag(np.sqrt(np.arange(1, levels)), 1).astype(complex)
    H = a.conj().T @ a
    return ThermalModel(
        H,
        (BathCoupling(Bath(T, 0.1), a + a.conj().T, label="bath"),),
        name=f"oscillator ({levels} levels)",
        dims=(levels,),
        truncated=(0,),
        levels=levels,
        rebuild=lambda n: oscillator(n, T),
    )


def test_sound_model_passes() -> None:
    H, s1, s2 = two_qubits(1.0, 1.6, 0.3)
    model = ThermalModel(
        H,
        (
            BathCoupling(Bath(2.0, 0.05), s1 + s1.conj().T, label="hot"),
            BathCoupling(Bath(0.5, 0.05), s2 + s2.conj().T, label="cold"),
        ),
    )
    rep = audit(model)
    assert rep.ok, str(rep)
    assert rep.values["zero_eigenvalues"] == 1
    assert rep.values["relaxation_time"] > 0
    assert all(s >= 0 for s in rep.values["entropy_production_per_bath"])
    assert min(rep.values["tur_ratio"]) >= 2.0
    # detailed balance: every transition's rates imply the bath temperatures
    temps = {round(T, 9) for _, _, T in rep.values["implied_temperatures"]}
    assert temps == {2.0, 0.5}


def test_local_master_equation_on_strongly_coupled_sites_is_flagged() -> None:
    rep = audit(HeatBattery(coupling=0.3, rate_h=0.05, rate_c=0.05))
    assert rep.flagged("local vs global")
    assert rep.values["coupling_from_H"] == pytest.approx(0.3, abs=1e-12)
    # detuned sites whose local model pumps heat from cold to hot (Levy & Kosloff 2014)
    H, s1, s2 = two_qubits(2.0, 1.0, -0.05)
    model = ThermalModel(
        H,
        (
            BathCoupling(Bath(1.0, 0.1), s1, "local", 2.0, "hot"),
            BathCoupling(Bath(0.9, 0.1), s2, "local", 1.0, "cold"),
        ),
    )
    rep2 = audit(model)
    assert rep2.flagged("current direction")
    assert rep2.flagged("second law")
    assert any("disagree" in f.message for f in rep2.errors)


def test_non_unique_steady_state_is_flagged() -> None:
    H, s1, _ = two_qubits(1.0, 1.3, 0.0)  # qubit 2 touches no bath and no other qubit
    rep = audit(ThermalModel(H, (BathCoupling(Bath(1.0, 0.2), s1 + s1.conj().T),)))
    assert rep.flagged("uniqueness")
    assert rep.values["zero_eigenvalues"] > 1


def test_truncated_oscillator_at_high_temperature_is_flagged() -> None:
    hot = audit(oscillator(6, 5.0))
    assert hot.flagged("truncation")
    assert hot.values["top_level_population"][0] > 1e-2
    assert hot.values["cutoff_change"] > 1e-2
    cold = audit(oscillator(14, 0.3))
    assert not cold.flagged("truncation")


def test_otto_cycle_audit() -> None:
    rep = audit(qubit_otto())
    assert rep.ok, str(rep)
    assert rep.values["mode"] == "engine"
    assert rep.values["entropy_production_per_cycle"] > 0
    cyc = OttoCycle(
        WorkingMedium("oscillator", levels=5, reference_frequency=1.4),
        2.0,
        1.0,
        Bath(6.0, 0.5),
        Bath(0.5, 0.5),
        5.0,
        5.0,
    )
    assert audit(cyc).flagged("truncation")


def test_audit_refuses_unknown_models() -> None:
    with pytest.raises(InvalidParameterError, match="ThermalModel"):
        audit("otto")
