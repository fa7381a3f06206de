"""The CLI's shared behaviour and the report runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ssbattery import InvalidParameterError
from ssbattery.cli import app
from ssbattery.report import Artifact, FigureSpec, reproduce
from ssbattery.report.catalog import all_figures

runner = CliRunner()


def test_version_option_prints_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("ssbattery ")


def test_unknown_option_exits_2() -> None:
    result = runner.invoke(app, ["reproduce", "--no-such-option"])
    assert result.exit_code == 2


def test_unknown_figure_key_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["reproduce", "--out", str(tmp_path), "--only", "nope"])
    assert result.exit_code == 2
    assert "unknown figures" in result.output
    assert "Traceback" not in result.output


def test_a_repeated_only_adds_its_keys(tmp_path: Path) -> None:
    """``--only A --only B`` builds both (the last one alone was built before)."""
    keys = ["sec1_1_lic6_capacity", "fig1_band_alignment"]
    result = runner.invoke(
        app, ["reproduce", "--out", str(tmp_path), "--only", keys[0], "--only", keys[1]]
    )
    assert result.exit_code == 0, result.output
    assert "(2 figures" in result.output
    blank = runner.invoke(app, ["reproduce", "--out", str(tmp_path / "b"), "--only", ""])
    assert blank.exit_code == 2 and "needs at least one figure key" in blank.output


def test_report_keys_are_unique_and_listed() -> None:
    keys = [f.key for f in all_figures()]
    assert len(keys) == len(set(keys))
    result = runner.invoke(app, ["reproduce", "--list"])
    assert result.exit_code == 0
    # one line per figure, key first, even at 80 columns (long titles used to wrap onto
    # lines of their own, so `--list | cut -d" " -f1` gave words of titles as keys)
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == keys


def test_failing_figure_is_reported_and_others_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def good(out: Path) -> Artifact:
        path = out / "good.csv"
        path.write_text("x,y\n1,2\n")
        return Artifact(tables=(path,), parameters={"a": 1}, summary="fine")

    def bad(out: Path) -> Artifact:
        raise RuntimeError("boom")

    specs = [FigureSpec("good", "Good", "test", good), FigureSpec("bad", "Bad", "test", bad)]
    monkeypatch.setattr("ssbattery.report.runner.all_figures", lambda: specs)
    result = reproduce(tmp_path, show_progress=False)
    assert [r.spec.key for r in result.failed] == ["bad"]
    page = result.index.read_text()
    assert "boom" in page and "good.csv" in page and "ssbattery" in page
    with pytest.raises(InvalidParameterError, match="unknown figures"):
        reproduce(tmp_path, only=["missing"], show_progress=False)


def test_report_line_keeps_a_long_path_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Report: PATH (...)" was wrapped at 80 columns, breaking PATH across lines (and
    test_a_repeated_only_adds_its_keys passed or failed with the temporary folder's length)."""

    def good(out: Path) -> Artifact:
        path = out / "good.csv"
        path.write_text("x\n1\n")
        return Artifact(tables=(path,), summary="fine")

    monkeypatch.setattr(
        "ssbattery.report.runner.all_figures", lambda: [FigureSpec("good", "G", "t", good)]
    )
    out = tmp_path / ("a-report-folder-with-a-long-name-" * 3)
    result = runner.invoke(app, ["reproduce", "--out", str(out)])
    assert result.exit_code == 0, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Report: {out.resolve() / 'index.html'} (1 figures, ")
    assert line.endswith(" s, 0 failed)")


def test_console_script_prints_usage_errors_on_one_line() -> None:
    """`ssbattery` itself (not the test runner) turns click's usage box into one line."""
    import subprocess
    import sys

    cases = {
        ("dicke", "--n-atoms", "4"): "Missing option '--coupling'",
        ("dicke", "--n-atoms", "x", "--coupling", "1"): "Invalid value for '--n-atoms'",
        ("reproduce", "--bogus"): "No such option: --bogus",
        ("nosuchcommand",): "No such command",
    }
    for args, expected in cases.items():
        result = subprocess.run(
            [sys.executable, "-c", "from ssbattery.cli import main; main()", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, (args, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr
