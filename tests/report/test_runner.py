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


def test_users_own_files_with_report_names_are_never_replaced(
    tmp_path: Path, fake_figures: list[FigureSpec]
) -> None:
    """`--force` on a user's folder kept only files of other names: its own index.html
    and a fast.csv were replaced by the report's. Now refused before any figure runs."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my site")
    (mine / "fast.csv").write_text("my,data\n1,2\n")
    with pytest.raises(OutputPathError, match=r"holds fast\.csv, index\.html, not written"):
        reproduce(mine, show_progress=False, force=True)
    assert (mine / "index.html").read_text() == "my site"
    assert (mine / "fast.csv").read_text() == "my,data\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no staging, no lock
    # in a report folder: a file the user added under a figure's name is theirs too
    out = tmp_path / "report"
    reproduce(out, only=["fast"], show_progress=False)
    (out / "slow.csv").write_text("mine")
    with pytest.raises(OutputPathError, match=r"holds slow\.csv"):
        reproduce(out, only=["slow"], show_progress=False)
    assert (out / "slow.csv").read_text() == "mine"
    reproduce(out, only=["fast"], show_progress=False)  # its own outputs: replaced
    assert _table(out, "fast") == "new" and (out / "slow.csv").read_text() == "mine"


def test_a_clash_found_after_building_keeps_the_figures_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A builder's file not named after its key ("extra.csv") that would replace a user's
    file: refused after the build, the user's file intact, the figure kept for the rerun."""
    from ssbattery.report.registry import Artifact, write_csv

    def build(out: Path) -> Artifact:
        return Artifact(tables=(write_csv(out / "extra.csv", ["x"], [[7]]),), summary="odd")

    specs = [FigureSpec("odd", "Odd", "test", build)]
    monkeypatch.setattr("ssbattery.report.runner.all_figures", lambda: specs)
    out = tmp_path / "report"
    out.mkdir()
    (out / "extra.csv").write_text("precious")
    with pytest.raises(OutputPathError, match=r"holds extra\.csv.*next run reuses them"):
        reproduce(out, show_progress=False, force=True)
    assert (out / "extra.csv").read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == ["extra.csv"]
    (out / "extra.csv").rename(tmp_path / "kept.csv")
    result = reproduce(out, show_progress=False)
    assert [r.spec.key for r in result.reused] == ["odd"]  # not rebuilt
    assert (out / "extra.csv").read_text().splitlines() == ["x", "7"]
    assert (tmp_path / "kept.csv").read_text() == "precious"


def test_ctrl_c_says_what_is_kept_and_how_to_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C used to end `reproduce` with exit 130 and no word about the kept figures."""

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ssbattery.report.reproduce", interrupted)
    out = tmp_path / "report"
    result = runner.invoke(app, ["reproduce", "--out", str(out)])
    assert result.exit_code == 130
    text = " ".join(result.output.split())
    assert text.startswith("interrupted:") and "Traceback" not in text
    assert str(tmp_path / ".report.ssbattery-partial") in text.replace(" ", "")
    assert "again to build only the rest" in text


def test_figures_a_builder_leaves_open_are_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A builder that raised after plt.subplots (before save_figure closed it) left its
    figure in pyplot: each failing figure of each run added one to the session."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ssbattery.report.registry import Artifact, save_figure

    def fails(out: Path) -> Artifact:
        plt.subplots()
        raise RuntimeError("model refused")

    def forgets(out: Path) -> Artifact:
        fig, _ = plt.subplots()
        save_figure(fig, out, "forgets")
        plt.figure()  # a scratch figure never closed
        return Artifact(images=(out / "forgets.png",), summary="ok")

    specs = [FigureSpec("fails", "F", "test", fails), FigureSpec("forgets", "G", "test", forgets)]
    monkeypatch.setattr("ssbattery.report.runner.all_figures", lambda: specs)
    mine = plt.figure()  # the user's own figure stays open
    result = reproduce(tmp_path / "report", show_progress=False)
    assert [r.spec.key for r in result.failed] == ["fails"]
    assert "model refused" in (result.failed[0].error or "")
    assert plt.get_fignums() == [mine.number]
    plt.close(mine)


def test_a_symlinked_out_folder_stays_a_link_to_the_report(
    tmp_path: Path, fake_figures: list[FigureSpec]
) -> None:
    """`--out link` (link → real) replaced the link by a new folder, left the link as
    `.link.ssbattery-old`, and the next run failed with "Not a directory". Now the folder
    the link names is the report, and reruns work."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    first = reproduce(link, show_progress=False)
    assert first.index == real / "index.html"
    (real / "notes.txt").write_text("mine")
    second = reproduce(link, only=["slow"], show_progress=False)
    assert not second.failed and [r.spec.key for r in second.reused] == ["fast"]
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
    assert sorted(p.name for p in real.iterdir()) == [
        MANIFEST,
        "fast.csv",
        "index.html",
        "notes.txt",
        "slow.csv",
    ]
    assert (link / "notes.txt").read_text() == "mine" and _table(link, "slow") == "new"


def test_a_failed_figure_leaves_no_file_in_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A builder that wrote its CSV and then raised left the CSV in the report, unrecorded:
    the next run took it for the user's file and refused to build that figure."""
    from ssbattery.report.registry import Artifact, write_csv

    fail = {"now": True}

    def build(out: Path) -> Artifact:
        table = write_csv(out / "flaky.csv", ["x"], [[1]])
        if fail["now"]:
            raise RuntimeError("diverged")
        return Artifact(tables=(table,), summary="ok")

    monkeypatch.setattr(
        "ssbattery.report.runner.all_figures", lambda: [FigureSpec("flaky", "F", "t", build)]
    )
    out = tmp_path / "report"
    first = reproduce(out, show_progress=False)
    assert [r.spec.key for r in first.failed] == ["flaky"]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "index.html"]
    fail["now"] = False
    second = reproduce(out, show_progress=False)
    assert not second.failed and (out / "flaky.csv").read_text().splitlines() == ["x", "1"]


def test_a_report_of_another_version_is_replaced_not_kept_as_the_users_files(
    tmp_path: Path, fake_figures: list[FigureSpec]
) -> None:
    """After an upgrade the old report's figures were carried over as if they were the
    user's (its manifest is of another version), and the next build of one of them was
    refused as replacing a user's file. They are the report's: replaced, and the user's own
    file beside them still kept."""
    out = tmp_path / "report"
    reproduce(out, show_progress=False)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["version"] = "0.0.1"  # as if written by an older ssbattery
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "notes.txt").write_text("mine")
    reproduce(out, only=["fast"], show_progress=False)
    assert not (out / "slow.csv").exists()  # the old version's figure, not carried over
    reproduce(out, only=["slow"], show_progress=False)  # was refused: "holds slow.csv"
    assert _table(out, "slow") == "new" and _table(out, "fast") == "new"
    assert (out / "notes.txt").read_text() == "mine"
