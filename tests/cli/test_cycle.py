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


def test_spec_numbers_are_checked_under_their_spec_names(tmp_path: Path) -> None:
    # TOML has nan/inf, and a Bath's errors named its fields (`temperature`), not the spec key
    from ssbattery.thermal.spec import model_from_spec

    text = SPEC.read_text()
    cases = [
        (text.replace("J = 0.2", "J = nan"), "`J` in [medium] must be a finite number"),
        (text.replace("T = 4.0", "T = -1.0", 1), "`T` in [[strokes]] #2 bath #1 must be ≥ 0"),
        (text.replace("T = 4.0", "T = inf", 1), "`T` in [[strokes]] #2 bath #1 must be a finite"),
        (text.replace("duration = 40.0", "duration = nan", 1), "`duration` in [[strokes]] #2"),
    ]
    for k, (body, message) in enumerate(cases):
        path = tmp_path / f"case{k}.toml"
        path.write_text(body)
        res = runner.invoke(app, ["cycle", str(path)])
        assert res.exit_code == 2, res.output
        assert message in " ".join(res.output.split())
        assert "`temperature`" not in res.output
    with pytest.raises(InvalidParameterError, match=r"`T_c` in \[model\] must be ≥ 0"):
        model_from_spec({"model": {"kind": "otto", "T_c": -1.0}})
    with pytest.raises(InvalidParameterError, match=r"`rate` in \[\[model.baths\]\] #1"):
        model_from_spec(
            {"model": {"kind": "qubits", "baths": [{"site": 1, "T": 1.0, "rate": -2.0}]}}
        )


def test_an_idle_cycle_prints_zero_power_and_no_efficiency(tmp_path: Path) -> None:
    # one thermal stroke at fixed λ: W = 0 (no work, −W/τ had been −0) and no heat taken
    # in (efficiency −W/Q_in undefined: the ledger had printed "nan", the JSON null)
    spec = tmp_path / "idle.toml"
    spec.write_text(
        "[medium]\nkind = 'qubit'\n[[strokes]]\ntype = 'thermal'\nname = 'rest'\n"
        "lambda = 1.0\nduration = 5.0\n[[strokes.baths]]\nT = 0.7\nrate = 1.0\n"
        "operator = 'x'\n"
    )
    res = runner.invoke(app, ["cycle", str(spec)])
    assert res.exit_code == 0, res.output
    assert "efficiency —, power 0, first-law" in res.stdout
    out = json.loads(runner.invoke(app, ["cycle", str(spec), "--json"]).stdout)
    assert out["work [E₀]"] == 0.0 and out["efficiency [1]"] is None
    assert str(out["power [E₀²]"]) == "0.0"  # +0, not −0
