"""``ssbattery electrolytes list/show/families``: JSON output and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

runner = CliRunner()


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["electrolytes", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # exactly one JSON object on stdout


def test_list_filters_to_json() -> None:
    data = run_json("list", "--ion", "Na", "--class", "halide")
    assert data["count"] == len(data["electrolytes"]) > 5
    assert {e["mobile_ion"] for e in data["electrolytes"]} == {"Na"}
    assert {e["chemical_class"] for e in data["electrolytes"]} == {"halide"}
    fast = run_json("list", "--min-conductivity", "100")
    # §1.6: Na2.99Ba0.005OCl 133 and K2.99Ba0.005OCl 155 mS/cm at RT
    assert sorted(e["conductivity_mS_cm"] for e in fast["electrolytes"]) == [133.0, 155.0]
    garnet = run_json("list", "--family", "Garnet")
    assert [e["name"] for e in garnet["electrolytes"]] == ["LLZO"]


def test_list_sources() -> None:
    assert run_json("list", "--source", "obelix")["count"] == 599
    review = run_json("list")["count"]
    assert run_json("list", "--source", "all")["count"] == review + 599


def test_list_table_output() -> None:
    result = runner.invoke(app, ["electrolytes", "list", "--family", "argyrodite"])
    assert result.exit_code == 0
    assert "Li5.4PS4.4Cl1.6" in result.output and "20.2" in result.output


def test_show_json_has_conductivity_and_temperature() -> None:
    data = run_json("show", "Li10GeP2S12")
    assert data["conductivity_mS_cm"] == 12.0 and data["temperature_C"] == 25.0
    assert data["conductivity_ref"] == "[11]" and data["family"] == "thio-LISICON"
    rows = run_json("show", "Li2ZrCl6", "--all")
    assert rows["count"] == 3
    assert {e["conductivity_mS_cm"] for e in rows["electrolytes"]} == {0.4, 0.006, 0.81}


def test_show_table_keeps_brackets_of_keys() -> None:
    result = runner.invoke(app, ["electrolytes", "show", "Li3InCl6 [solid-state]"])
    assert result.exit_code == 0
    assert "Li3InCl6 [solid-state]" in result.output and "1.49" in result.output


def test_families_report_json() -> None:
    data = run_json("families")
    assert data["n_rows"] == 599
    assert {lc["label"] for lc in data["labels"]} >= {"NASICON", "LGPS", "pyrochlore"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--ion", "Mg"], "Li, Na, K"),
        (["list", "--class", "ceramic"], "`--class` must be one of"),
        (["list", "--family", "fluorite"], "argyrodite"),
        (["list", "--min-conductivity", "-3"], "≥ 0"),
        (["list", "--source", "icsd"], "--source"),
        (["show", "Li3InCl7"], "Close matches"),
        (["show", "Qz2"], "not in the review dataset"),
        (["show", ""], "`FORMULA` must be a non-empty string"),  # was the API's name
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["electrolytes", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["electrolytes", "list", "--min-conductivity", "x"]).exit_code == 2
    assert runner.invoke(app, ["electrolytes", "show"]).exit_code == 2


def test_show_review_beside_obelix() -> None:
    rows = run_json("show", "Li7La3Zr2O12", "--source", "all", "--all")["electrolytes"]
    assert rows[0]["dataset"] == "review" and rows[0]["conductivity_mS_cm"] == 0.5
    obelix = [e for e in rows if e["dataset"] == "obelix"]
    assert len(obelix) >= 4 and all(e["temperature_C"] == 25.0 for e in obelix)
    # OBELiX writes Li3ClO; the composition matches Li3OCl
    assert run_json("show", "Li3OCl", "--source", "obelix")["formula"] == "Li3ClO"
    result = runner.invoke(app, ["electrolytes", "show", "LGPS", "--source", "icsd"])
    assert result.exit_code == 2 and "--source" in result.output


def test_list_filters_matching_nothing_say_so() -> None:
    # the review has one garnet (LLZO, a Li conductor): no Na garnet; the table used to
    # crash with an IndexError (internal error, exit 1) on the empty row list
    result = runner.invoke(app, ["electrolytes", "list", "--family", "garnet", "--ion", "Na"])
    assert result.exit_code == 0, result.output
    assert "0 electrolytes (review) match --ion Na --family garnet" in result.output
    assert "internal error" not in result.output
    data = run_json("list", "--family", "garnet", "--ion", "Na")
    assert data["count"] == 0 and data["electrolytes"] == []
    fast = runner.invoke(app, ["electrolytes", "list", "--min-conductivity", "1000"])
    assert fast.exit_code == 0 and "--min-conductivity 1000" in fast.output
