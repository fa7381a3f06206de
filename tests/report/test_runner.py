"""`reproduce --out DIR`: built beside DIR and swapped in, resumable after a kill, never
clobbering a folder that is not a report, nothing created on bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError, OutputPathError
from ssbattery.report import reproduce
from ssbattery.report.registry import FigureSpec
from ssbattery.report.runner import MANIFEST

runner = CliRunner()

# Two stand-in figures (the real ones take seconds each); `slow` sleeps when SLOW is set.
FAKE = textwrap.dedent("""
    import os, time
    from pathlib import Path
    from ssbattery.report.registry import Artifact, FigureSpec, write_csv

    def _build(key, delay):
        def build(out: Path) -> Artifact:
            time.sleep(delay)
            table = write_csv(out / f"{key}.csv", ["x"], [[os.environ.get("TAG", "new")]])
            return Artifact(tables=(table,), parameters={"k": key}, summary=key)
        return build

    SPECS = [
        FigureSpec("fast", "Fast", "test", _build("fast", 0.0)),
        FigureSpec("slow", "Slow", "test", _build("slow", float(os.environ.get("SLOW", "0")))),
    ]
""")


@pytest.fixture
def fake_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[FigureSpec]:
    namespace: dict[str, object] = {}
    exec(FAKE, namespace)  # the test's own stand-in figures
    specs: list[FigureSpec] = namespace["SPECS"]  # type: ignore[assignment]
    monkeypatch.setattr("ssbattery.report.runner.all_figures", lambda: specs)
    return specs


def _table(folder: Path, key: str) -> str:
    return (folder / f"{key}.csv").read_text().splitlines()[1]


def test_report_is_swapped_in_whole_and_only_updates_it(
    tmp_path: Path, fake_figures: list[FigureSpec], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    result = reproduce(out, show_progress=False)
    assert result.index == out / "index.html" and result.index.is_file()
    assert not result.failed, result.failed[0].error
    assert [r.spec.key for r in result.runs] == ["fast", "slow"]
    assert all(p.parent == out for r in result.runs for p in r.artifact.tables)  # type: ignore[union-attr]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]  # no staging/lock left
    monkeypatch.setenv("TAG", "second")
    again = reproduce(out, only=["slow"], show_progress=False)
    assert [r.spec.key for r in again.reused] == ["fast"]
    assert (_table(out, "fast"), _table(out, "slow")) == ("new", "second")
    assert "fast" in again.index.read_text() and "slow" in again.index.read_text()


def test_kill_midway_keeps_previous_report_and_rerun_resumes(
    tmp_path: Path, fake_figures: list[FigureSpec], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report"
    reproduce(out, show_progress=False)  # the previous report: tag "new"
    before = (out / "index.html").read_bytes()
    code = FAKE + textwrap.dedent(f"""
        import ssbattery.report.runner as runner
        runner.all_figures = lambda: SPECS
        runner.reproduce({str(out)!r}, show_progress=False)
    """)
    env = {"SLOW": "60", "TAG": "killed-run", "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    staging = tmp_path / ".report.ssbattery-partial"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        manifest = staging / MANIFEST
        if manifest.is_file() and "fast" in json.loads(manifest.read_text())["figures"]:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (out / "index.html").read_bytes() == before  # the previous report is intact
    assert _table(out, "fast") == "new"
    monkeypatch.setenv("TAG", "resumed-run")
    result = reproduce(out, show_progress=False)
    assert [r.spec.key for r in result.reused] == ["fast"]  # not rebuilt
    assert (_table(out, "fast"), _table(out, "slow")) == ("killed-run", "resumed-run")
    assert not staging.exists()


def test_foreign_folder_refused_unless_force_and_its_files_kept(
    tmp_path: Path, fake_figures: list[FigureSpec]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    with pytest.raises(OutputPathError, match="not an ssbattery report"):
        reproduce(mine, show_progress=False)
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.tex"]
    reproduce(mine, show_progress=False, force=True)
    assert (mine / "thesis.tex").read_text() == "precious"
    assert (mine / "index.html").is_file()
    reproduce(mine, show_progress=False)  # now a report: accepted, user file still kept
    assert (mine / "thesis.tex").read_text() == "precious"


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "empty"),
        ("{tmp}/file.txt", "existing file"),
        ("{tmp}/missing/report", "does not exist"),
        (".", "current folder"),
    ],
)
def test_bad_out_is_one_error_line_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    (tmp_path / "file.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["reproduce", "--out", out.replace("{tmp}", str(tmp_path))])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "`--out`" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@pytest.mark.parametrize("only", ["nope", "a,,b", "fast slow"])
def test_bad_only_creates_nothing(tmp_path: Path, only: str) -> None:
    result = runner.invoke(app, ["reproduce", "--out", str(tmp_path / "new"), "--only", only])
    assert result.exit_code == 2 and "--only" in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InvalidParameterError, match="unknown figures"):
        reproduce(tmp_path / "new", only=["nope"], show_progress=False)
    assert list(tmp_path.iterdir()) == []
