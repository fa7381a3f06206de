"""CLI: ssbattery capacity, ssbattery cost, ssbattery electrolytes classify."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.cli.screening import add_classify_command

runner = CliRunner()


def _classify_app() -> typer.Typer:
    # the classify command as C1's `electrolytes` sub-app mounts it
    sub = typer.Typer()

    @sub.callback()
    def _group() -> None:
        """electrolytes"""

    add_classify_command(sub)
    root = typer.Typer()
    root.add_typer(sub, name="electrolytes")
    return root


def _json(args: list[str], target: typer.Typer = app) -> dict[str, object]:
    result = runner.invoke(target, args)
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1  # exactly one JSON object on stdout
    out = json.loads(lines[0])
    assert isinstance(out, dict)
    return out


def test_capacity_of_lithium_json() -> None:
    out = _json(["capacity", "Li", "--json"])
    assert out["capacity_mAh_g"] == pytest.approx(3861.33, abs=0.01)  # review: 3860


def test_capacity_lic6_reaction() -> None:
    out = _json(["capacity", "--reaction", "lic6", "--x", "0.5", "--json"])
    assert out["per_gram_LiC6_mAh_g"] == pytest.approx(169.62, abs=0.01)
    assert out["per_gram_discharged_electrode_mAh_g"] == pytest.approx(177.41, abs=0.01)
    assert "discharged" in str(out["closest_basis_to_review"])
    table = runner.invoke(app, ["capacity", "--reaction", "lic6"])
    assert table.exit_code == 0 and "177" in table.output


def test_cost_json_states_every_input() -> None:
    out = _json(["cost", "Li2ZrCl6", "--json"])
    assert out["cost_usd_per_m2"] == pytest.approx(1.38, abs=0.005)
    assert out["thickness_um"] == 50.0 and out["density_basis"] == "assumption"
    names = {p["precursor"]: p for p in out["precursors"]}  # type: ignore[union-attr]
    assert names["LiCl"]["price_usd_per_kg"] == 5.88 and names["LiCl"]["price_basis"] == "review"
    over = _json(["cost", "Li2ZrCl6", "--price", "ZrCl4=27.12", "--density", "2.5", "--json"])
    assert over["cost_usd_per_m2"] > out["cost_usd_per_m2"]  # type: ignore[operator]


@pytest.mark.parametrize(
    "args",
    [
        ["cost", "Li2ZrXx6"],  # unknown element
        ["cost", "Li2ZrCl6", "--thickness-um", "-50"],
        ["cost", "Li2ZrCl6", "--price", "Unobtainium=3"],
        ["cost", "Li2ZrCl6", "--price", "ZrCl4"],
        ["capacity", "Qq", "--electrons", "1"],
        ["capacity", "Li", "--electrons", "0"],
        ["capacity", "--reaction", "lic6", "--x", "0.7"],
        ["capacity", "--reaction", "li2o2"],
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "error" in result.output.lower()


def test_classify_json_and_options() -> None:
    target = _classify_app()
    out = _json(["electrolytes", "classify", "Na3YCl6", "--json"], target)
    assert out["in_dataset"] is True and out["electronic_character"] == "insulator"
    assert out["alignment"]["offset_eV"] == pytest.approx(1.62)  # type: ignore[index]
    assert len(out["scorecard"]) == 13  # type: ignore[arg-type]
    given = _json(
        ["electrolytes", "classify", "Li4Ti5O12", "--band-gap", "3", "--cbm", "-2.5", "--json"],
        target,
    )
    assert given["electronic_character"] == "semiconductor" and given["in_dataset"] is False
    assert given["chemical_class"]["label"] == "oxide"  # type: ignore[index]
    cu = _json(
        ["electrolytes", "classify", "Li6PS5Cl", "--cbm", "-2", "--metal", "Cu", "--json"], target
    )
    assert cu["alignment"]["mu_metal_eV"] == -4.6  # type: ignore[index]
    table = runner.invoke(target, ["electrolytes", "classify", "Li3OCl"])
    assert table.exit_code == 0 and "oxyhalide" in table.output


@pytest.mark.parametrize(
    "args",
    [
        ["electrolytes", "classify", "Li3Xx"],
        ["electrolytes", "classify", "Li3YCl6", "--band-gap", "-1"],
        ["electrolytes", "classify", "Li3YCl6", "--cbm", "-1", "--metal", "Au"],
    ],
)
def test_classify_bad_input_exits_2(args: list[str]) -> None:
    result = runner.invoke(_classify_app(), args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_classify_symbolic_formula_with_x() -> None:
    target = _classify_app()
    out = _json(["electrolytes", "classify", "Li3xLa(2/3)-xTiO3", "--x", "0.1", "--json"], target)
    assert out["chemical_class"]["label"] == "oxide"  # type: ignore[index]
    missing = runner.invoke(target, ["electrolytes", "classify", "Li3xLa(2/3)-xTiO3"])
    assert missing.exit_code == 2 and "x" in missing.output
