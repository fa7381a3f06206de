"""Audit of driven models, general cycles, learned cycles and demon scans; --audit on every
model command (issue 16 §4)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.thermal.audit import audit, pumped_battery_model
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.cycle import heisenberg_medium, otto_cycle_of, run_cycle
from ssbattery.thermal.feedback import demon_scan
from ssbattery.thermal.learning import learn_cycle
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
