"""``ssbattery audit SPEC.toml`` and ``--audit`` on the model commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.spec import model_from_spec

runner = CliRunner()

STRONG_LOCAL = """
[model]
kind = "qubits"
omega1 = 1.0
omega2 = 1.0
coupling = 0.5
form = "local"
[[model.baths]]
site = 1
T = 2.0
rate = 0.01
[[model.baths]]
site = 2
T = 0.2
rate = 0.01
"""

NON_UNIQUE = """
[model]
kind = "qubits"
omega1 = 1.0
omega2 = 1.3
coupling = 0.0
[[model.baths]]
site = 1
T = 1.0
rate = 0.2
"""

HOT_OSCILLATOR = """
[model]
kind = "oscillator"
levels = 6
T = 5.0
rate = 0.1
"""

SOUND_OTTO = """
[model]
kind = "otto"
omega_h = 2.0
omega_c = 1.0
T_h = 4.0
T_c = 0.5
"""


@pytest.mark.parametrize(
    ("spec", "check"),
    [(STRONG_LOCAL, "local vs global"), (NON_UNIQUE, "uniqueness"), (HOT_OSCILLATOR, "truncation")],
)
def test_audit_command_flags_each_known_mistake(tmp_path: Path, spec: str, check: str) -> None:
    path = tmp_path / "model.toml"
    path.write_text(spec)
    res = runner.invoke(app, ["audit", str(path), "--json"])
    out = json.loads(res.stdout)
    assert any(f["check"] == check and f["level"] != "info" for f in out["findings"])
    has_error = any(f["level"] == "error" for f in out["findings"])
    assert res.exit_code == (1 if has_error else 0)


def test_audit_command_passes_a_sound_cycle(tmp_path: Path) -> None:
    path = tmp_path / "otto.toml"
    path.write_text(SOUND_OTTO)
    res = runner.invoke(app, ["audit", str(path)])
    assert res.exit_code == 0, res.output
    assert "0 errors, 0 warnings" in res.stdout


def test_audit_command_bad_specs(tmp_path: Path) -> None:
    res = runner.invoke(app, ["audit", str(tmp_path / "missing.toml")])
    assert res.exit_code == 2 and "does not exist" in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\nkind = 'spaceship'\n")
    res = runner.invoke(app, ["audit", str(bad)])
    assert res.exit_code == 2 and "`kind`" in res.output
    with pytest.raises(InvalidParameterError, match="unknown key"):
        model_from_spec({"model": {"kind": "otto", "omega_hot": 2.0}})
    with pytest.raises(InvalidParameterError, match="site"):
        model_from_spec({"model": {"kind": "qubits", "baths": [{"site": 3}]}})


def test_model_commands_gain_audit() -> None:
    res = runner.invoke(app, ["otto", "--audit", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["audit"]["ok"] is True
    res = runner.invoke(
        app, ["thermal-battery", "--coupling", "0.3", "--rate", "0.05", "--tau", "1", "--audit"]
    )
    assert res.exit_code == 0
    assert "local vs global" in res.stdout and "warning" in res.stdout
