"""CLI (`ssbattery demon`, `ssbattery learn-cycle`), plots and report entries of the
measurement-feedback machines and the learned engine cycle (review §2.4)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.thermal.feedback import (
    CoupledQubits,
    demon_scan,
    refrigerator_scan,
    single_qubit_demon_heat,
)
from ssbattery.thermal.learning import learn_cycle

matplotlib.use("Agg")
runner = CliRunner()


def test_demon_json_is_one_object_with_the_analytic_limit() -> None:
    # g = 0, long thermalisation: joint = two single-qubit demons = 2 ω p_e.
    result = runner.invoke(
        app, ["demon", "--coupling", "0,-0.3", "--temperature", "1.5", "--tau", "40", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["setup"] == "joint"
    assert data["heat_per_cycle_mean"][0] == pytest.approx(
        2 * single_qubit_demon_heat(1.0, 1.5), rel=1e-9
    )
    for w, bound in zip(data["heat_per_cycle_mean"], data["sagawa_ueda_bound"], strict=True):
        assert w <= bound
    parallel = runner.invoke(app, ["demon", "--coupling", "0,-0.3", "--parallel", "--json"])
    values = json.loads(parallel.stdout)["heat_per_cycle_mean"]
    assert values[0] == pytest.approx(values[1])  # independent of g


def test_demon_table_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "demon.png"
    result = runner.invoke(app, ["demon", "--coupling", "0.1", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "heat/cycle" in result.stdout
    assert png.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["demon", "--temperature", "-1"], "`--temperature`"),
        (["demon", "--rate", "-1"], "`--rate`"),
        (["demon", "--rate", "-2"], "`--rate`"),
        (["demon", "--tau", "0"], "`--tau`"),
        (["demon", "--omega2", "0"], "`--omega2`"),
        (["demon", "--coupling", "0.7"], "`--coupling`"),
        (["demon", "--coupling", "a,b"], "`--coupling`"),
        (["learn-cycle", "--u-min", "0"], "`--u-min`"),
        (["learn-cycle", "--u-max", "1.5"], "`--u-max`"),
        (["learn-cycle", "--period", "0"], "`--period`"),
        (["learn-cycle", "--t-cold", "-0.1"], "`--t-cold`"),
        (["learn-cycle", "--iterations", "0"], "`--iterations`"),
        (["learn-cycle", "--steps", "1"], "`--steps`"),
        (["learn-cycle", "--population", "0"], "`--population`"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], names: str) -> None:
    # Issue 5 §9: exit code 2, nothing on stdout, exactly one `error:` line on stderr,
    # naming the option typed (issue 9 §3), not the Python argument behind it
    # (learn-cycle's progress bar starts only after its input is accepted).
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert names in lines[0]


def test_learn_cycle_json_checkpoint_and_plot(tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt.json"
    png = tmp_path / "learn.png"
    args = ["learn-cycle", "--iterations", "6", "--population", "30", "--seed", "2"]
    first = runner.invoke(app, [*args, "--checkpoint", str(ckpt), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert ckpt.exists() and len(data["learning_curve_best"]) == 6
    # Resuming the finished run from its checkpoint reproduces it exactly.
    again = runner.invoke(app, [*args, "--checkpoint", str(ckpt), "--json", "--plot", str(png)])
    assert json.loads(again.stdout)["learning_curve_best"] == data["learning_curve_best"]
    direct = learn_cycle(iterations=6, population=30, seed=2)
    assert data["learned_power"] == pytest.approx(direct.learned.power, rel=1e-12)
    assert data["otto_power"] == pytest.approx(direct.otto.metrics.power, rel=1e-12)
    assert png.stat().st_size > 0
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    broken = runner.invoke(app, [*args, "--checkpoint", str(bad)])
    assert broken.exit_code == 2


def test_plots_carry_the_computed_data() -> None:
    import matplotlib.pyplot as plt

    from ssbattery.plotting.feedback import (
        plot_demon_heat_vs_coupling,
        plot_learned_vs_otto,
        plot_learning_curve,
        plot_refrigerator_modes,
    )

    scan = demon_scan([-0.2, 0.0, 0.2], tau=2.0)
    ax = plot_demon_heat_vs_coupling(scan)
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_ydata(), float), scan.joint_mean)
    np.testing.assert_allclose(np.asarray(ax.lines[1].get_ydata(), float), scan.single_mean)
    np.testing.assert_allclose(np.asarray(ax.lines[2].get_ydata(), float), scan.parallel_mean)
    taus = np.array([0.5, 2.0])
    fr = refrigerator_scan(taus, CoupledQubits(1.0, 4.0, 0.0), T_cold=1.0, T_hot=2.0)
    power = {m: [r.cooling_power for r in rs] for m, rs in fr.items()}
    ax = plot_refrigerator_modes(taus, power)
    np.testing.assert_allclose(np.asarray(ax.lines[2].get_ydata(), float), power["both"])
    res = learn_cycle(iterations=4, population=20, seed=1)
    ax = plot_learning_curve(res)
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_ydata(), float), res.best_power)
    ax = plot_learned_vs_otto(res)
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_ydata(), float)[:-1], res.learned.u)
    np.testing.assert_allclose(
        np.asarray(ax.lines[1].get_ydata(), float)[:2], [res.otto.u_hot, res.otto.u_cold]
    )
    plt.close("all")


def test_report_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssbattery.report.sections import feedback as section
    from ssbattery.report.sections.feedback import FIGURES, build_learned_cycle

    monkeypatch.setattr(section, "OTTO_PERIODS", (4.0,))  # the default period only (speed)

    assert [f.key for f in FIGURES] == [
        "fig_demon_heat_vs_coupling",
        "fig_refrigerator_modes",
        "fig_learned_cycle",
    ]
    art = build_learned_cycle(tmp_path)
    assert all(p.exists() for p in (*art.images, *art.tables))
    assert "learned power 0.02379" in art.summary


def test_period_scan_plot_reads_back() -> None:
    import matplotlib.pyplot as plt

    from ssbattery.plotting.feedback import plot_power_vs_period

    periods = np.array([1.0, 4.0])
    runs = [learn_cycle(iterations=3, population=20, period=t) for t in periods]
    ax = plot_power_vs_period(
        periods, [r.learned.power for r in runs], [r.otto.metrics.power for r in runs]
    )
    np.testing.assert_allclose(
        np.asarray(ax.lines[1].get_ydata(), float), [r.otto.metrics.power for r in runs]
    )
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_xdata(), float), periods)
    plt.close("all")
