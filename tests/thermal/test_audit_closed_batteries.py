"""``audit`` of closed batteries and ``--audit`` on the ``dicke`` and ``spin-chain``
commands (issue 16 §4: every model command gains --audit)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.quantum.dicke import DickeParameters, charge_dicke
from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain
from ssbattery.thermal.audit import audit

runner = CliRunner()


def test_truncated_cavity_is_flagged() -> None:
    # N = 4, g = 1 with the review's 4N cutoff: the top photon levels hold 8.9 % at some
    # time, far above the 1e-6 the audit allows; 80 photons bring it to 1.3e-7.
    coarse = audit(charge_dicke(DickeParameters(4, 1.0, photon_cutoff=16, steps=100)))
    assert coarse.flagged("truncation")
    assert coarse.values["max_top_photon_population"] > 0.05
    fine = audit(charge_dicke(DickeParameters(4, 1.0, photon_cutoff=80, steps=100)))
    assert not fine.flagged("truncation") and fine.ok
    assert fine.values["max_top_photon_population"] < 1e-6
    assert fine.values["max_norm_error"] < 1e-10


def test_spin_chain_passes_and_a_broken_result_is_caught() -> None:
    r = charge_spin_chain(SpinChainParameters(4))
    rep = audit(r)
    assert rep.ok and rep.values["min_energy"] >= -1e-12
    # W < 0 from the ground state (Thomson's statement) and ergotropy > W are errors
    bad = replace(r, energy=r.energy - 0.5, ergotropy=r.ergotropy + 0.1)
    rep = audit(bad)
    assert rep.flagged("second law") and rep.flagged("ergotropy bound")
    assert len(rep.errors) == 2
    assert np.isclose(rep.values["min_energy"], float(r.energy.min()) - 0.5)


def test_dicke_and_spin_chain_commands_audit() -> None:
    res = runner.invoke(app, ["dicke", "--n-atoms", "3", "--coupling", "0.5", "--audit", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["audit"]["ok"] is True
    res = runner.invoke(app, ["spin-chain", "--n-sites", "4", "--audit"])
    assert res.exit_code == 0, res.output
    assert "audit of closed battery" in res.stdout
