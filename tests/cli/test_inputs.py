"""Input from the command line is parsed strictly and shown verbatim (issue 9 §2–3)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app


def _one_error(argv: list[str]) -> str:
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1 2 4", "'1 2 4' is not an integer (separate values with commas, not spaces)"),
        ("1,,2", "empty item at position 2"),
        ("1,2,", "empty item at position 3"),
        ("1,x", "item 2 'x' is not an integer"),
    ],
)
def test_lists_are_parsed_strictly(text: str, fragment: str) -> None:
    """ "1 2 4" is not N = 124 and "1,,2" does not silently drop an item."""
    line = _one_error(["dicke-scaling", "--n-atoms", text, "--coupling", "0.2"])
    assert "`--n-atoms`" in line and fragment in line


def test_lists_accept_commas_with_spaces() -> None:
    argv = ["dicke-scaling", "--n-atoms", "1, 2, 3", "--coupling", "0.2", "--steps", "20"]
    result = CliRunner().invoke(app, [*argv, "--json"])
    assert result.exit_code == 0, result.output


def test_a_group_without_subcommand_prints_its_help() -> None:
    result = CliRunner().invoke(app, ["eis"])
    assert result.exit_code == 0
    assert "fit" in result.output and "arrhenius" in result.output
    assert "error:" not in result.output


@pytest.mark.parametrize(
    ("argv", "option", "internal"),
    [
        (["topology", "bbh", "--size", "0"], "--size", "nx"),
        (["topology", "qwz", "--rows", "0"], "--rows", "ny"),
        (["eis", "fit", "_25C", "--thickness-mm", "0", "--diameter-mm", "10"],
         "--thickness-mm", "thickness"),
        (["eis", "arrhenius", "_DIR", "--thickness-mm", "1", "--diameter-mm", "-1"],
         "--diameter-mm", "diameter"),
        (["eis", "fit", "_25C", "--thickness-mm", "1", "--diameter-mm", "10",
          "--kk-threshold", "0"], "--kk-threshold", "threshold"),
        (["eis", "drt", "_25C", "--band", "-1"], "--band", "band_level"),
        (["eis", "drt", "_25C", "--derivative-order", "3"], "--derivative-order",
         "derivative_order"),
    ],
)  # fmt: skip
def test_messages_name_the_option_typed(argv: list[str], option: str, internal: str) -> None:
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    spectra = example_spectra_dir()
    where = {"_25C": str(spectra / "example_25C.csv"), "_DIR": str(spectra)}
    line = _one_error([where.get(a, a) for a in argv])
    assert f"`{option}`" in line and f"`{internal}`" not in line


@pytest.mark.parametrize("text", ["[/]", "[bold]x[/]", "LLZO [batch 2]_25C"])
def test_user_text_is_shown_verbatim(text: str) -> None:
    line = _one_error(["capacity", text])
    assert text in line
