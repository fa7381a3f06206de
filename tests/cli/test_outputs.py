"""Output files of the CLI: checked before any computation, written atomically and
all-or-nothing after the results are printed, checkpoints locked and resumable after a kill.
"""

from __future__ import annotations

import errno
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.electrolytes.impedance.examples import example_spectra_dir
from ssbattery.io import file_lock

runner = CliRunner()
DICKE = ["dicke", "--n-atoms", "2", "--coupling", "0.2", "--steps", "40"]
LEARN = ["learn-cycle", "--iterations", "6", "--population", "30", "--seed", "2"]


def _one_error_line(result: object) -> str:
    out = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 2, out  # type: ignore[attr-defined]
    assert "Traceback" not in out
    lines = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, out
    return lines[0]


@pytest.mark.parametrize(
    ("extra", "option", "reason"),
    [
        (["--plot", "{tmp}"], "--plot", "is a folder"),
        (["--plot", "{tmp}/fig"], "--plot", "must end in"),
        (["--plot", "{tmp}/nodir/fig.png"], "--plot", "does not exist"),
        (["--plot", ""], "--plot", "empty"),
        (["--plot", "{tmp}/[/x].png"], "--plot", "does not exist"),
    ],
)
def test_bad_plot_paths_refused_before_computing(
    tmp_path: Path, extra: list[str], option: str, reason: str
) -> None:
    args = [a.replace("{tmp}", str(tmp_path / "[/x]" if "[/x]" in a else tmp_path)) for a in extra]
    t0 = time.perf_counter()
    line = _one_error_line(runner.invoke(app, [*DICKE, "--json", *args]))
    assert option in line and reason in line
    assert time.perf_counter() - t0 < 5  # refused at parse time, no evolution run
    assert [p.name for p in tmp_path.iterdir()] == []


def test_markup_in_a_path_is_shown_verbatim(tmp_path: Path) -> None:
    d = tmp_path / "LLZO [batch 2]"
    line = _one_error_line(runner.invoke(app, [*DICKE, "--plot", str(d / "[/x].png")]))
    assert "LLZO [batch 2]" in line and "[/x].png" in line


def test_eis_second_bad_plot_leaves_no_first_plot(tmp_path: Path) -> None:
    """The issue's case: `--plot a.png --fits-plot nodir/f.png` exits 2 and writes nothing."""
    a = tmp_path / "a.png"
    args = ["eis", "arrhenius", str(example_spectra_dir()), "--thickness", "1", "--area", "5"]
    line = _one_error_line(
        runner.invoke(app, [*args, "--plot", str(a), "--fits-plot", str(tmp_path / "no/f.png")])
    )
    assert "--fits-plot" in line
    assert not a.exists()


def test_failed_save_keeps_the_json_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save that fails (ENOSPC, as on a full disk) after the results are computed: the
    JSON is still printed, one error line follows, and no output file is left."""
    from matplotlib.figure import Figure

    def full_disk(self: Figure, fname: object, **kwargs: object) -> None:
        Path(str(fname)).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(fname))

    monkeypatch.setattr(Figure, "savefig", full_disk)
    png = tmp_path / "fig.png"
    result = runner.invoke(app, [*DICKE, "--json", "--plot", str(png)])
    line = _one_error_line(result)
    assert "free some space" in line
    assert json.loads(result.stdout.splitlines()[0])["power_max [ω_c²]"] > 0
    assert list(tmp_path.iterdir()) == []


def test_plot_path_reported_is_the_path_written(tmp_path: Path) -> None:
    png = tmp_path / "fig.svg"
    result = runner.invoke(app, [*DICKE, "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"<?xml")
    assert f"figure written to {png}" in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.svg"]


def test_checkpoint_folder_and_locked_checkpoint_are_errors(tmp_path: Path) -> None:
    line = _one_error_line(runner.invoke(app, [*LEARN, "--checkpoint", str(tmp_path)]))
    assert "--checkpoint" in line and "folder" in line
    ckpt = tmp_path / "ckpt.json"
    with file_lock(ckpt):  # another run holds it
        line = _one_error_line(runner.invoke(app, [*LEARN, "--checkpoint", str(ckpt)]))
    assert "in use by another run" in line
    assert not ckpt.exists()


def test_learn_cycle_killed_repeatedly_resumes_to_the_uninterrupted_result(
    tmp_path: Path,
) -> None:
    """SIGKILL learn-cycle while it checkpoints every iteration, three times; each rerun
    resumes, and the final result equals an uninterrupted run's."""
    ckpt = tmp_path / "ckpt.json"
    args = ["learn-cycle", "--iterations", "400", "--population", "40", "--seed", "3"]
    cmd = [
        sys.executable,
        "-c",
        "from ssbattery.cli import main; main()",
        *args,
        "--checkpoint-every",
        "1",
        "--json",
    ]
    seen = []
    for _ in range(3):
        proc = subprocess.Popen(
            [*cmd, "--checkpoint", str(ckpt)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if ckpt.exists():
                it = json.loads(ckpt.read_text())["iteration"]
                if it > (seen[-1] if seen else 0) + 5:
                    break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.append(json.loads(ckpt.read_text())["iteration"])  # complete JSON after a kill
    assert seen == sorted(seen) and seen[0] > 0
    resumed = subprocess.run(
        [*cmd, "--checkpoint", str(ckpt)], capture_output=True, text=True, check=True
    )
    full = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert (
        json.loads(resumed.stdout)["learning_curve_best"]
        == (json.loads(full.stdout)["learning_curve_best"])
    )
