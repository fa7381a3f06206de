"""The spec commands' help names the TOML tables a spec needs.

Rich reads ``[medium]`` in a help text as a style tag and drops it: ``ssbattery cycle
--help`` had printed "TOML spec:  and []." and ``audit --help`` "a  or a cycle (, [])".
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("command", "tables"),
    [("cycle", ("[medium]", "[[strokes]]")), ("audit", ("[model]", "[medium]", "[[strokes]]"))],
)
def test_spec_help_shows_the_table_names(command: str, tables: tuple[str, ...]) -> None:
    res = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert res.exit_code == 0
    for table in tables:
        assert table in res.output
    assert "\\[" not in res.output  # the escapes are not shown
