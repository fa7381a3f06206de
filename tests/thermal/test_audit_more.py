"""Audit of driven models, general cycles, learned cycles and demon scans; --audit on every
model command (issue 16 §4)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.thermal.audit import BathCoupling, ThermalModel, audit, pumped_battery_model
from ssbattery.thermal.baths import Bath, current_floor, local_dissipators
from ssbattery.thermal.cycle import heisenberg_medium, otto_cycle_of, run_cycle
from ssbattery.thermal.feedback import demon_scan
from ssbattery.thermal.learning import learn_cycle
from ssbattery.thermal.lindblad import steady_state
from ssbattery.thermal.pumped_battery import PumpedBattery

runner = CliRunner()
SX = np.array([[0, 1], [1, 0]], dtype=complex)


def test_driven_pumped_battery_is_audited_without_undriven_checks() -> None:
    rep = audit(pumped_battery_model(PumpedBattery(), 1.5))
    assert not rep.errors
    assert rep.values["zero_eigenvalues"] == 1
    assert not rep.flagged("current direction")
    assert any("driven model" in f.message for f in rep.findings)


def test_general_cycle_audit_first_and_second_law() -> None:
    med = heisenberg_medium()
    S = (np.kron(SX, np.eye(2)), np.kron(np.eye(2), SX))
    res = run_cycle(
        otto_cycle_of(med, 4.0, 2.0, Bath(4.0, 1.0), Bath(0.5, 1.0), S, tau_hot=2, tau_cold=2)
    )
    rep = audit(res)
    assert rep.ok, str(rep)
    assert rep.values["entropy_production_per_cycle"] > 0


def test_learned_cycle_and_demon_scan_audits() -> None:
    rep = audit(learn_cycle(iterations=5, population=20))
    assert not rep.errors
    assert rep.values["entropy_production_per_cycle"] >= 0
    scan = demon_scan([-0.3, 0.0, 0.3], omega2=3.0, temperature=3.0)
    rep2 = audit(scan)
    assert not rep2.errors and max(rep2.values["szilard_margin"]) < 0


@pytest.mark.parametrize(
    "args",
    [
        ["pumped-battery", "--omega-l", "1.5", "--no-engine"],
        ["demon", "--coupling", "0,0.2"],
        ["learn-cycle", "--iterations", "3", "--population", "12"],
    ],
)
def test_model_commands_print_their_audit(args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--audit", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    audits = out["audit"] if isinstance(out["audit"], list) else [out["audit"]]
    assert audits and all(
        a["ok"] or not any(f["level"] == "error" for f in a["findings"]) for a in audits
    )
    res = runner.invoke(app, [*args, "--audit"])
    assert res.exit_code == 0 and "audit of" in res.stdout


def _qubit_pair(lam: float, T_h: float, T_c: float, form: str, w2: float = 1.3) -> ThermalModel:
    sm = np.array([[0, 0], [1, 0]], dtype=complex)
    s1, s2 = np.kron(sm, np.eye(2)), np.kron(np.eye(2), sm)
    H = s1.conj().T @ s1 + w2 * s2.conj().T @ s2 + lam * (s1.conj().T @ s2 + s2.conj().T @ s1)
    if form == "global":
        baths = (
            BathCoupling(Bath(T_h, 0.1), s1 + s1.conj().T),
            BathCoupling(Bath(T_c, 0.1), s2 + s2.conj().T),
        )
    else:
        baths = (
            BathCoupling(Bath(T_h, 0.1), s1, "local", 1.0),
            BathCoupling(Bath(T_c, 0.1), s2, "local", w2),
        )
    return ThermalModel(H, baths)


@pytest.mark.parametrize(
    ("lam", "T_h", "T_c", "form", "w2"),
    [
        (0.0, 2.0, 0.5, "global", 1.3),
        (0.0, 2.0, 0.5, "local", 1.3),
        (0.05, 0.5, 0.5, "local", 1.0),
        (0.05, 0.5, 0.5, "global", 1.3),
    ],
)
def test_round_off_currents_have_no_direction(
    lam: float, T_h: float, T_c: float, form: str, w2: float
) -> None:
    # uncoupled sites (λ = 0) or equal temperatures: no heat flows, and the ~3e-17 left by
    # round-off had been read as "heat flows out of the cold bath" (an error) or as local
    # and global currents that "disagree" or "differ by 200 %"
    model = _qubit_pair(lam, T_h, T_c, form, w2)
    rep = audit(model)
    J = np.array(rep.values["heat_currents"])
    floor = current_floor(model.hamiltonian(), [c for g in model.dissipators() for c in g])
    assert np.all(np.abs(J) < 1e-2 * floor)  # round-off sits ~1000× below the floor
    assert not rep.errors and not rep.warnings, str(rep)
    # a real current (λ = 0.3, global) is still checked: hot → cold, J_h = −J_c > 0
    real = audit(_qubit_pair(0.3, 2.0, 0.5, "global"))
    J = real.values["heat_currents"]
    assert J[0] > 1e6 * floor and J[1] == pytest.approx(-J[0], rel=1e-9)
    assert not real.errors


def test_heat_between_baths_at_one_temperature_is_an_error() -> None:
    # the local master equation of detuned coupled sites (ω = 1, 1.3, λ = 0.05) carries a
    # current between two baths at T = 0.5 (J ≈ ±3.1e-4), which no thermal state does; the
    # direction check had applied only to different temperatures
    rep = audit(_qubit_pair(0.05, 0.5, 0.5, "local"))
    J = rep.values["heat_currents"]
    assert abs(J[0]) > 1e-4 and J[1] == pytest.approx(-J[0], rel=1e-9)
    assert any(
        f.check == "current direction" and "same temperature" in f.message for f in rep.errors
    )
    # the global form of the same model is thermal: no current, no error
    assert not audit(_qubit_pair(0.05, 0.5, 0.5, "global")).errors


def test_local_and_global_disagree_only_when_both_currents_have_a_sign() -> None:
    # detuned sites at one temperature: the global current is round-off (no sign), so the
    # local one (3.1e-4) differs in size, which is reported, not in direction, which had
    # depended on the sign of the global round-off
    from ssbattery.thermal.baths import check_local_validity

    model = _qubit_pair(0.05, 0.5, 0.5, "local")
    groups = model.dissipators()
    rho = steady_state(model.hamiltonian(), [c for g in groups for c in g])
    rep = check_local_validity(
        model.hamiltonian(),
        [(b.bath, g) for b, g in zip(model.baths, groups, strict=True)],
        rho,
        warn=False,
    )
    assert rep.global_currents is not None
    floor = current_floor(model.hamiltonian(), [c for g in model.dissipators() for c in g])
    assert np.all(np.abs(rep.global_currents) < floor)
    assert not any("disagree" in m for m in rep.issues)
    audited = audit(model)
    assert any(f.check == "local vs global" and "differ by" in f.message for f in audited.warnings)


def test_the_current_floor_follows_the_thermal_jump_rates() -> None:
    # at high temperature the rates γ(n̄ + 1), γn̄ and with them the round-off grow ~ T/ω:
    # uncoupled sites between T = 1e4 and 1e3 still carry no current and pass the audit
    sm = np.array([[0, 0], [1, 0]], dtype=complex)
    cold, hot = Bath(1.0, 0.1), Bath(1e4, 0.1)
    f_cold = current_floor(np.diag([1.0, 0.0]), local_dissipators(sm, 1.0, cold))
    f_hot = current_floor(np.diag([1.0, 0.0]), local_dissipators(sm, 1.0, hot))
    n = 1.0 / np.expm1(1.0 / 1e4)
    n1 = 1.0 / np.expm1(1.0)
    assert f_hot / f_cold == pytest.approx((2 * n + 1) / (2 * n1 + 1), rel=1e-9)
    model = _qubit_pair(0.0, 1e4, 1e3, "global")
    rep = audit(model)
    assert not rep.errors, str(rep)
