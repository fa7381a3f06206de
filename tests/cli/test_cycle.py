"""``ssbattery cycle SPEC.toml --json --plot`` on the shipped example spec."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.spec import cycle_from_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "specs" / "heisenberg_otto.toml"
runner = CliRunner()


def test_cycle_command_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "ledger.png"
    res = runner.invoke(app, ["cycle", str(SPEC), "--json", "--plot", str(png), "--quasi-static"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["efficiency [1]"] == pytest.approx(0.5346, abs=1e-4)
    assert out["quasi_static"]["efficiency [1]"] == pytest.approx(out["efficiency [1]"], abs=1e-9)
    assert out["first_law_residual [E₀]"] < 1e-12
    assert [s["name"] for s in out["strokes"]] == ["compression", "hot", "expansion", "cold"]
    assert png.stat().st_size > 1000


def test_cycle_command_table() -> None:
    res = runner.invoke(app, ["cycle", str(SPEC)])
    assert res.exit_code == 0
    assert "first-law residual" in res.stdout


def test_bad_cycle_specs(tmp_path: Path) -> None:
    with pytest.raises(InvalidParameterError, match="medium"):
        cycle_from_spec({"strokes": []})
    with pytest.raises(InvalidParameterError, match="`type`"):
        cycle_from_spec({"medium": {"kind": "qubit"}, "strokes": [{"type": "teleport"}]})
    with pytest.raises(InvalidParameterError, match="operator"):
        cycle_from_spec(
            {
                "medium": {"kind": "qubit"},
                "strokes": [{"type": "thermal", "duration": 1.0, "baths": [{"operator": "y"}]}],
            }
        )
    bad = tmp_path / "bad.toml"
    bad.write_text("[medium]\nkind = 'qubit'\n[[strokes]]\ntype = 'thermal'\nduration = 0\n")
    res = runner.invoke(app, ["cycle", str(bad)])
    assert res.exit_code == 2 and res.output.count("error:") == 1
