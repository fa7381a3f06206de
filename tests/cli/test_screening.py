"""CLI: ssbattery capacity, ssbattery cost, ssbattery electrolytes classify."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

runner = CliRunner()


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, args)
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


def test_capacity_options_that_do_not_apply_are_refused() -> None:
    # --x without --reaction lic6 and FORMULA/--electrons with it were ignored silently
    # (`capacity Li --x 0.3` printed Li's 3861.3 mAh/g; `capacity LiFePO4 --electrons 1
    # --reaction lic6` printed the LiC6 table)
    for args, message in [
        (["capacity", "Li", "--x", "0.3"], "`--x` = 0.3 was given, but 'Li' has no x"),
        (["capacity", "LiFePO4", "--reaction", "lic6"], "FORMULA does not apply"),
        (["capacity", "--electrons", "2", "--reaction", "lic6"], "`--electrons` does not apply"),
        (["electrolytes", "classify", "Li6PS5Cl", "--x", "0.1"], "'Li6PS5Cl' has no x"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert message in result.output and "Traceback" not in result.output
    # --x sets a symbolic formula's x: Li0.5CoO2, M = 94.4025 g/mol, 1 e⁻ → 283.91 mAh/g
    out = _json(["capacity", "Li1-xCoO2", "--electrons", "1", "--x", "0.5", "--json"])
    assert out["molar_mass_g_mol"] == pytest.approx(94.4025, abs=1e-4)
    assert out["capacity_mAh_g"] == pytest.approx(283.91, abs=0.01)
    # and the extent of the LiC6 reaction: x = 0.25 → 0.25 F / (3.6 M(LiC6)) = 84.81 mAh/g
    lic6 = _json(["capacity", "--reaction", "lic6", "--x", "0.25", "--json"])
    assert lic6["per_gram_LiC6_mAh_g"] == pytest.approx(84.81, abs=0.01)


def test_cost_refuses_a_repeated_price_and_a_symbolic_formula() -> None:
    # `--price ZrCl4=1 --price ZrCl4=2` kept the last silently; `cost` of a formula in x
    # advised passing `x`, an option `cost` does not have
    twice = runner.invoke(app, ["cost", "Li2ZrCl6", "--price", "ZrCl4=1", "--price", "ZrCl4=2"])
    assert twice.exit_code == 2 and "gives ZrCl4 twice (1 and 2 USD/kg)" in twice.output
    symbolic = runner.invoke(app, ["cost", "Li3xLa(2/3)-xTiO3", "--density", "5"])
    assert symbolic.exit_code == 2 and "takes no --x" in symbolic.output
    # one price is used: LiCl 5.88 $/kg × 0.2668 + ZrCl4 2 $/kg × 0.7332 = 3.036 $/kg
    out = _json(["cost", "Li2ZrCl6", "--price", "ZrCl4=2", "--json"])
    assert out["cost_usd_per_kg"] == pytest.approx(5.88 * 0.26683 + 2 * 0.73317, abs=1e-3)


def test_cost_json_states_every_input() -> None:
    out = _json(["cost", "Li2ZrCl6", "--json"])
    assert out["cost_usd_per_m2"] == pytest.approx(1.38, abs=0.005)
    assert out["thickness_um"] == 50.0 and out["density_basis"] == "assumption"
    precursors = out["precursors"]
    assert isinstance(precursors, list)
    names = {p["precursor"]: p for p in precursors}
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
        ["cost", "Li2ZrCl6", "--price", "ZrCl4=-3"],
        ["cost", "Li2ZrCl6", "--price", "YCl3=5"],  # not a precursor of Li2ZrCl6
        ["cost", "Li3InCl6"],  # no shipped density: --density needed
        ["capacity", "Qq", "--electrons", "1"],
        ["capacity", "Li", "--electrons", "0"],
        ["capacity", "--reaction", "lic6", "--x", "0.7"],
        ["capacity", "--reaction", "li2o2"],
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str]) -> None:
    _one_line_error(args)


def _one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


def test_errors_name_the_cli_options() -> None:
    assert "`--thickness-um`" in _one_line_error(["cost", "Li2ZrCl6", "--thickness-um", "0"])
    assert "--density" in _one_line_error(["cost", "Li3InCl6"])
    assert "`--electrons`" in _one_line_error(["capacity", "Li", "--electrons", "0"])
    assert "`--band-gap`" in _one_line_error(
        ["electrolytes", "classify", "Li3YCl6", "--band-gap", "-1"]
    )
    assert "YCl3" in _one_line_error(["cost", "Li2ZrCl6", "--price", "YCl3=5"])


def test_cost_table_states_the_density_source() -> None:
    result = runner.invoke(app, ["cost", "Li3YCl6"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "basis crystallographic" in result.stdout and "Asano" in result.stdout
    assert "$23.05/m²" in result.stdout


def test_classify_json_and_options() -> None:
    out = _json(["electrolytes", "classify", "Na3YCl6", "--json"])
    assert out["in_dataset"] is True and out["electronic_character"] == "insulator"
    assert out["alignment"]["offset_eV"] == pytest.approx(1.62)  # type: ignore[index]
    assert len(out["scorecard"]) == 13  # type: ignore[arg-type]
    given = _json(
        ["electrolytes", "classify", "Li4Ti5O12", "--band-gap", "3", "--cbm", "-2.5", "--json"]
    )
    assert given["electronic_character"] == "semiconductor" and given["in_dataset"] is False
    assert given["chemical_class"]["label"] == "oxide"  # type: ignore[index]
    cu = _json(["electrolytes", "classify", "Li6PS5Cl", "--cbm", "-2", "--metal", "Cu", "--json"])
    assert cu["alignment"]["mu_metal_eV"] == -4.6  # type: ignore[index]
    table = runner.invoke(app, ["electrolytes", "classify", "Li3OCl"])
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
    _one_line_error(args)


def test_classify_symbolic_formula_with_x() -> None:
    out = _json(["electrolytes", "classify", "Li3xLa(2/3)-xTiO3", "--x", "0.1", "--json"])
    assert out["chemical_class"]["label"] == "oxide"  # type: ignore[index]
    assert "x" in _one_line_error(["electrolytes", "classify", "Li3xLa(2/3)-xTiO3"])
