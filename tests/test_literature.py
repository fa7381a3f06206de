"""Every published and analytic check of ``ssbattery validate`` runs in the test suite."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError
from ssbattery.literature import CHECKS, run_checks


def test_there_are_at_least_forty_checks_with_references() -> None:
    assert len(CHECKS) >= 40
    assert len({c.name for c in CHECKS}) == len(CHECKS)
    assert all(c.reference and c.tolerance >= 0 for c in CHECKS)


@pytest.mark.parametrize("name", [c.name for c in CHECKS])
def test_check_passes(name: str) -> None:
    (result,) = run_checks([name])
    assert result.error == ""
    assert result.passed, (result.expected, result.obtained, result.tolerance)


def test_each_check_states_the_unit_of_its_quantity() -> None:
    # energies in the Hamiltonian's frequency unit, information in nats (ħ = k_B = 1)
    units = {c.name: c.unit for c in CHECKS}
    assert units["otto-qubit-efficiency"] == "1" and units["otto-qubit-work"] == "ω₀"
    assert units["bell-mutual-information"] == "nats" and units["bell-locked-ergotropy"] == "ω"
    (result,) = run_checks(["bell-mutual-information"])
    entry = result.to_dict()
    # I(A:B) = 2 ln 2 nats for a Bell pair, stated with its unit
    assert entry["unit"] == "nats" and entry["expected"] == pytest.approx(2 * np.log(2))
    assert entry["time [s]"] >= 0.0 and "seconds" not in entry


def test_unknown_check_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="unknown check"):
        run_checks(["no-such-check"])


def test_validate_command_json_and_table() -> None:
    runner = CliRunner()
    names = ["bell-locked-ergotropy", "otto-qubit-efficiency"]
    res = runner.invoke(app, ["validate", "--json", "--only", ",".join(names)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["passed"] == out["total"] == 2
    assert {c["name"] for c in out["checks"]} == set(names)
    assert all(c["expected"] in (0.5, 1.0) for c in out["checks"])
    res = runner.invoke(app, ["validate", "--only", "bell-concurrence"])
    assert res.exit_code == 0 and "1/1 passed" in res.stdout
    res = runner.invoke(app, ["validate", "--list"])
    assert res.exit_code == 0 and "dicke-exponent-review" in res.stdout
    res = runner.invoke(app, ["validate", "--only", "nope"])
    assert res.exit_code == 2 and "unknown check" in res.output


@pytest.mark.parametrize("only", ["", ",", "a,,b", "bell-concurrence otto-qubit-work"])
def test_an_empty_or_malformed_only_is_refused_not_passed(only: str) -> None:
    """`validate --only ","` ran no check and printed "0/0 passed" with exit 0, so a CI
    step reading the exit code saw a pass; the API's run_checks([]) returned []."""
    res = CliRunner().invoke(app, ["validate", "--only", only])
    assert res.exit_code == 2 and "--only" in res.output and "passed" not in res.output
    with pytest.raises(InvalidParameterError, match="no check would run"):
        run_checks([])


def test_validate_list_is_one_line_per_check() -> None:
    """`validate --list` wrapped long references onto lines of their own at 80 columns."""
    res = CliRunner().invoke(app, ["validate", "--list"])
    assert [line.split()[0] for line in res.stdout.splitlines()] == [c.name for c in CHECKS]
