"""Absurd finite inputs are refused at the boundary with the physical reason (issue 9 §3).

One table of bounds per kind of quantity (:data:`ssbattery.validation.QUANTITIES`) serves
both the command line (options declare their kind in ``handle_errors(quantities=...)``) and
the API's validators (``require_positive(..., quantity=...)``).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ssbattery.cell.landau import LandauCoefficients, landau_from_temperature
from ssbattery.cell.self_charging import SelfChargingCell
from ssbattery.cli import app
from ssbattery.electrolytes.cost import film_cost
from ssbattery.electrolytes.impedance.examples import example_spectra_dir
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.spin_chain import SpinChainParameters
from ssbattery.thermal.baths import Bath
from ssbattery.validation import QUANTITIES, require_quantity

# (argv, the option named in the message, a word of the physical reason)
CLI_CASES = [
    (["cost", "Li2ZrCl6", "--thickness-um", "1e308"], "--thickness-um", "films"),
    (["cost", "Li2ZrCl6", "--thickness-um", "2e4"], "--thickness-um", "films"),
    (["cost", "Li2ZrCl6", "--density", "100"], "--density", "osmium"),
    (["spin-chain", "--charging", "1e300"], "--charging", "reference frequency"),
    (["spin-chain", "--charging", "1e25"], "--charging", "reference frequency"),
    (["landau", "--alpha", "-1e300", "--beta", "1e300"], "--alpha", "ferroelectrics"),
    (["landau", "--alpha", "-1", "--beta", "1e300"], "--beta", "ferroelectrics"),
    (
        ["landau", "--alpha0", "1", "--tc", "300", "--temperature", "1e6"],
        "--temperature",
        "melted",
    ),
    (["self-charge", "--load-ohm", "1e20"], "--load-ohm", "insulators"),
    (["self-charge", "--t-end", "1e12"], "--t-end", "century"),
    (["align", "--cbm", "1000"], "--cbm", "band gaps"),
    (["dicke", "--n-atoms", "2", "--coupling", "0.2", "--decay", "1e9"], "--decay", "Markov"),
    (["dicke", "--n-atoms", "2", "--coupling", "1e7"], "--coupling", "reference frequency"),
    (["otto", "--t-hot", "1e7"], "--t-hot", "infinite-temperature"),
    (["demon", "--temperature", "1e7"], "--temperature", "infinite-temperature"),
    (
        [
            "eis",
            "arrhenius",
            str(example_spectra_dir()),
            "--thickness",
            "1",
            "--area",
            "5",
            "--temperatures",
            "1e6,25,40,5,-10,-25",
        ],
        "--temperatures",
        "melted",
    ),
]


@pytest.mark.parametrize(("argv", "option", "reason"), CLI_CASES, ids=lambda v: str(v)[:40])
def test_absurd_values_are_refused_with_the_physical_reason(
    argv: list[str], option: str, reason: str
) -> None:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert f"`{option}`" in lines[0]
    assert "physical range" in lines[0] and reason in lines[0]


def test_values_inside_the_range_still_run() -> None:
    """The bounds sit orders of magnitude outside anything physical: edge values pass."""
    result = CliRunner().invoke(app, ["cost", "Li2ZrCl6", "--thickness-um", "1e4", "--json"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["otto", "--t-hot", "1e5", "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: film_cost("Li2ZrCl6", thickness_um=1e308), "thickness_um"),
        (lambda: film_cost("Li2ZrCl6", density_g_cm3=50.0), "density_g_cm3"),
        (lambda: SpinChainParameters(4, charging=1e300), "charging"),
        (lambda: SpinChainParameters(4, field=1e7), "field"),
        (lambda: DickeParameters(2, 0.2, omega_a=1e300), "omega_a"),
        (lambda: LandauCoefficients(-1e300, 1e300), "alpha"),
        (lambda: LandauCoefficients(-1.0, 1e300), "beta"),
        (lambda: landau_from_temperature(1.0, 1e6 + 273.15, 300.0, 1.0), "temperature_K"),
        (lambda: SelfChargingCell(load_ohm=1e300), "load_ohm"),
        (lambda: Bath(temperature=1e300, rate=1.0), "temperature"),
        (lambda: Bath(temperature=1.0, rate=1e300), "rate"),
    ],
)
def test_api_refuses_absurd_values_naming_the_argument(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidParameterError, match="physical range") as info:
        call()
    assert f"`{name}`" in str(info.value)


def test_the_table_gives_every_kind_a_range_and_a_reason() -> None:
    for kind, q in QUANTITIES.items():
        assert q.low < q.high, kind
        assert len(q.reason) > 30, kind
        # both ends are accepted, just beyond them refused
        assert require_quantity("x", q.high, kind) == q.high
        with pytest.raises(InvalidParameterError, match="physical range"):
            require_quantity("x", q.high * 1.01 + 1e-300, kind)


@pytest.mark.parametrize(
    ("argv", "option", "unit"),
    [
        (["cost", "Li2ZrCl6", "--thickness-um"], "--thickness-um", "µm"),
        (["cost", "Li2ZrCl6", "--density"], "--density", "g/cm³"),
        (["capacity", "Li", "--electrons"], "--electrons", "electrons"),
    ],
)
def test_a_strictly_positive_quantity_says_so_for_zero_and_negative(argv, option, unit) -> None:
    """A thickness, a density, an electron count: −5 had been told "must be ≥ 0" and then 0
    "must be > 0"; both now get the one rule, in the quantity's unit."""
    from typer.testing import CliRunner

    from ssbattery.cli import app

    for value in ("-5", "0"):
        res = CliRunner().invoke(app, [*argv, value])
        assert res.exit_code == 2
        assert res.stderr.strip() == f"error: `{option}` must be > 0 {unit}, got {value}."
