"""``ssbattery sweep``: run, resume, check, models, show, plot (with the fitted exponent),
export, and one error line with exit 2 on bad input (issue 10 §1–2)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.sweep import open_dataset

runner = CliRunner()

SPEC = """
model = "dicke"
[fixed]
coupling = 0.5
steps = 30
[sweep]
n_atoms = [2, 4, 8]
drive = [0.0, 0.5]
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "scaling.toml"
    path.write_text(SPEC)
    return path


def test_run_then_resume_with_the_default_store(spec: Path) -> None:
    first = runner.invoke(app, ["sweep", str(spec), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["store"] == str(spec.with_suffix(".zarr"))
    assert (summary["total"], summary["done"], summary["computed"]) == (6, 6, 6)
    again = runner.invoke(app, ["sweep", "run", str(spec), "--json"])
    assert json.loads(again.stdout)["computed"] == 0
    assert json.loads(again.stdout)["skipped"] == 6


def test_ctrl_c_says_where_the_finished_points_are(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssbattery.sweep

    real_run = ssbattery.sweep.run

    def interrupted(*args: object, **kwargs: object) -> object:
        def stop(p: object) -> None:
            if getattr(p, "done", 0) >= 2:
                raise KeyboardInterrupt
            inner(p)

        inner = kwargs["progress"]
        return real_run(*args, **{**kwargs, "progress": stop, "flush_seconds": 0})

    monkeypatch.setattr(ssbattery.sweep, "run", interrupted)
    store = tmp_path / "i.zarr"
    result = runner.invoke(app, ["sweep", str(spec), "--store", str(store)])
    # Ctrl-C had ended the command with no word on what was kept or how to go on
    assert result.exit_code == 130
    assert f"interrupted: the points finished so far are in {store}; run the" in result.output
    assert int((open_dataset(store)["status"] == 1).sum()) == 2
    monkeypatch.setattr(ssbattery.sweep, "run", real_run)
    resumed = runner.invoke(app, ["sweep", str(spec), "--store", str(store), "--json"])
    assert json.loads(resumed.stdout)["computed"] == 4


def test_show_plot_and_export(spec: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.zarr"
    assert runner.invoke(app, ["sweep", str(spec), "--store", str(store)]).exit_code == 0
    shown = runner.invoke(app, ["sweep", "show", str(store), "--json"])
    points = json.loads(shown.stdout)["points"]
    assert len(points) == 6 and {p["status"] for p in points} == {"done"}
    ds = open_dataset(store)
    assert points[0]["power_max"] == float(ds["power_max"].isel(n_atoms=0, drive=0))
    figure = tmp_path / "p.png"
    plotted = runner.invoke(
        app,
        [
            "sweep",
            "plot",
            str(store),
            "--x",
            "n_atoms",
            "--y",
            "power_max",
            "--hue",
            "drive",
            "--loglog",
            "--fit",
            "power-law",
            "--out",
            str(figure),
        ],
    )
    assert plotted.exit_code == 0, plotted.output
    assert figure.stat().st_size > 0
    lines = [ln for ln in plotted.stdout.splitlines() if "α =" in ln]
    assert len(lines) == 2 and lines[0].startswith("drive = 0.0: α = 1.5")
    csv = tmp_path / "t.csv"
    assert runner.invoke(app, ["sweep", "export", str(store), "--csv", str(csv)]).exit_code == 0
    header, first = csv.read_text().splitlines()[:2]
    # the columns carry the store's units (they had been bare names)
    assert header.startswith("n_atoms,drive [ωc],status,power_max [ωc²/ħ],t_power_max [1/ωc]")
    assert float(first.split(",")[3]) == float(ds["power_max"].isel(n_atoms=0, drive=0))
    refused = runner.invoke(app, ["sweep", "export", str(store), "--csv", str(tmp_path / "t.txt")])
    assert refused.exit_code == 2 and "`--csv`" in refused.output


def test_plot_says_which_groups_it_could_not_fit(tmp_path: Path) -> None:
    spec = tmp_path / "l.toml"
    spec.write_text('model = "landau"\n[sweep]\nbeta = [1.0, 2.0, 4.0]\nalpha = [-1.0, 1.0]\n')
    store = tmp_path / "l.zarr"
    assert runner.invoke(app, ["sweep", str(spec), "--store", str(store)]).exit_code == 0
    argv = ["sweep", "plot", str(store), "--x", "beta", "--y", "spontaneous_polarisation"]
    argv += ["--hue", "alpha", "--fit", "power-law", "--out", str(tmp_path / "p.png")]
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    # P_s = √(−α/β) ∝ β^(−1/2) for α = −1 (review §2.1); α = +1 is paraelectric, P_s = 0,
    # so that group has no positive y: it had been left out without a word
    fitted = [ln for ln in result.stdout.splitlines() if "α =" in ln]
    assert len(fitted) == 1 and fitted[0].startswith("alpha = -1.0: α = -0.5000 ± 0.0000")
    assert "note: no power-law fit for alpha = 1.0: fewer than 3 done points" in result.output


def test_show_splits_a_wide_table_instead_of_cutting_values(spec: Path, tmp_path: Path) -> None:
    from ssbattery.cli.sweep import console  # the shared console the command prints to

    store = tmp_path / "s.zarr"
    assert runner.invoke(app, ["sweep", str(spec), "--store", str(store)]).exit_code == 0
    width = console.width
    console.width = 80
    try:
        shown = runner.invoke(app, ["sweep", "show", str(store)])
    finally:
        console.width = width
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.stdout  # no header or value truncated
    assert "(1/2)" in shown.stdout and "(2/2)" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    p_max = float(open_dataset(store)["power_max"].isel(n_atoms=2, drive=1))
    assert f"{p_max:.6g}" in shown.stdout  # each value printed whole


def test_check_and_models(spec: Path) -> None:
    checked = runner.invoke(app, ["sweep", "check", str(spec)])
    assert checked.exit_code == 0 and "6 points" in checked.stdout
    assert not spec.with_suffix(".zarr").exists()
    listed = runner.invoke(app, ["sweep", "models"])
    for name in ("dicke", "spin-chain", "otto", "thermal-battery", "pumped-battery", "demon"):
        assert name in listed.stdout
    for name in ("self-charge", "landau", "align", "eis-fit"):
        assert name in listed.stdout
    one = runner.invoke(app, ["sweep", "models", "dicke"])
    assert "n_atoms" in one.stdout and "power_max" in one.stdout


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["sweep", "show", "nope.zarr"], "does not exist"),
        (["sweep", "nope.toml"], "does not exist"),
        (["sweep", "{folder}"], "is a folder; give a TOML spec file"),  # was "does not exist"
        (["sweep", "plot", "{store}", "--x", "coupling", "--y", "power_max"], "not swept"),
        (["sweep", "plot", "{store}", "--x", "n_atoms", "--y", "power_max"], "--where drive"),
        (["sweep", "plot", "{store}", "--x", "n_atoms", "--y", "energy"], "not a scalar"),
        (  # drive = 0.7 had been plotted as the nearest swept drive, 0.5
            [
                "sweep",
                "plot",
                "{store}",
                "--x",
                "n_atoms",
                "--y",
                "power_max",
                "--where",
                "drive=0.7",
            ],
            "`--where` drive=0.7 is not a value of the sweep; drive is one of 0, 0.5",
        ),
        (  # had been "internal error: ValueError"
            [
                "sweep",
                "plot",
                "{store}",
                "--x",
                "n_atoms",
                "--y",
                "power_max",
                "--where",
                "drive=x",
            ],
            "drive takes a number",
        ),
        (["sweep", "{spec}", "--workers", "0"], "`--workers` must be an integer ≥ 1"),
    ],
)
def test_bad_input_is_one_error_line(
    spec: Path, tmp_path: Path, args: list[str], match: str
) -> None:
    store = tmp_path / "s.zarr"
    runner.invoke(app, ["sweep", str(spec), "--store", str(store)])
    argv = [a.format(store=store, spec=spec, folder=tmp_path) for a in args]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and match in result.output.replace("\n", " ")


def test_a_failed_point_gives_exit_1_and_is_listed(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    # the file exists (the spec is valid) but holds no spectrum: the point fails when run
    (tmp_path / "bad.csv").write_text("not,a,spectrum\n")
    path.write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\ndiameter_mm = 10.0\n'
        '[sweep]\nspectrum = ["bad.csv"]\n'
    )
    result = runner.invoke(app, ["sweep", str(path)])
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "0/1 points done, 1 failed" in text
    assert "failed: spectrum=" in text and "no data rows found" in text
