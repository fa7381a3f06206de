"""CLI commands and plots of the thermal machines (otto, thermal-battery, pumped-battery)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

matplotlib.use("Agg")

runner = CliRunner()


def test_otto_json_is_one_object_with_the_first_law() -> None:
    res = runner.invoke(app, ["otto", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["mode"] == "engine"
    # units in the keys, as OttoResult.to_dict (the JSON had plain "work", "efficiency")
    assert out["efficiency [1]"] == pytest.approx(0.5, abs=1e-12)  # 1 − ω_c/ω_h, ω_h = 2, ω_c = 1
    assert abs(out["work [ω₀]"] + out["heat_hot [ω₀]"] + out["heat_cold [ω₀]"]) < 1e-14
    from ssbattery.thermal.otto import qubit_otto

    assert {k: v for k, v in out.items() if k in qubit_otto().to_dict()} == qubit_otto().to_dict()
    assert len(out["corner_energies [ω₀]"]) == 4 and len(out["corner_entropies [1]"]) == 4


def test_otto_table_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "otto.png"
    # ω_c/ω_h = 0.25 < T_c/T_h = 0.9: a refrigerator
    args = ["otto", "--omega-c", "0.5", "--t-hot", "1.0", "--t-cold", "0.9", "--plot", str(png)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "refrigerator" in res.stdout and png.exists()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["otto", "--t-hot", "-1"], "`--t-hot`"),
        (["otto", "--tau-hot", "0"], "`--tau-hot`"),
        (["otto", "--t-cold", "-1"], "`--t-cold`"),
        (["otto", "--rate-hot", "-0.5"], "`--rate-hot`"),
        (["otto", "--omega-c", "0"], "`--omega-c`"),
        (["otto", "--medium", "spin"], "`--medium`"),
        (["otto", "--stroke", "driven"], "`--tau-u`"),
        (["otto", "--stroke", "slow"], "`--stroke`"),
        (["otto", "--medium", "oscillator", "--levels", "1"], "`--levels`"),
        (["thermal-battery", "--tau", "0"], "`--tau`"),
        (["thermal-battery", "--tau", "1,0"], "`--tau`"),
        (["thermal-battery", "--t-hot", "-2"], "`--t-hot`"),
        (["thermal-battery", "--rate", "-1"], "`--rate`"),
        (["thermal-battery", "--coupling", "a,b"], "`--coupling`"),
        (["thermal-battery", "--gate", "magic"], "`--gate`"),
        (["thermal-battery", "--form", "semi"], "`--form`"),
        (["pumped-battery", "--tau", "0"], "`--tau`"),
        (["pumped-battery", "--time", "0"], "`--time`"),
        (["pumped-battery", "--omega-a", "0.5"], "`--omega-a`"),
        (["pumped-battery", "--rabi", "-1"], "`--rabi`"),
        (["pumped-battery", "--decay", "-1"], "`--decay`"),
        (["pumped-battery", "--t-cold", "-1"], "`--t-cold`"),
        (["pumped-battery", "--omega-l", "-1"], "`--omega-l`"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], names: str) -> None:
    # Issue 5 §9: negative temperatures or rates, a zero-duration cycle, unknown options:
    # exit code 2, nothing on stdout, exactly one `error:` line on stderr naming the input.
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert names in lines[0]


def test_thermal_battery_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "hb.png"
    res = runner.invoke(
        app,
        ["thermal-battery", "--json", "--tau", "1,400", "--coupling", "0.05", "--plot", str(png)],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    short, long = out["cycles"]
    assert short["efficiency"] > long["efficiency"]
    assert long["work"] == pytest.approx(long["ness_ergotropy"], rel=1e-8)
    assert png.exists()


def test_thermal_battery_optimal_gate_beats_ness_gate() -> None:
    base = ["thermal-battery", "--json", "--tau", "0.1", "--coupling", "0.05"]
    ness = json.loads(runner.invoke(app, base).stdout)["cycles"][0]
    opt = json.loads(runner.invoke(app, [*base, "--gate", "optimal"]).stdout)["cycles"][0]
    assert opt["power"] > 2 * ness["power"]


def test_pumped_battery_json() -> None:
    res = runner.invoke(app, ["pumped-battery", "--json", "--omega-l", "1.4,1.5,1.6"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    rows = out["rows"]  # PumpScan.to_dict's columns per ω_L: units in the keys
    assert out["time [1/ω_e]"] == 50.0 and out["omega_a [ω_e]"] == 1.5
    assert [r["omega_L [ω_e]"] for r in rows] == [1.4, 1.5, 1.6]
    powers = [r["power [ω_e²]"] for r in rows]
    assert powers[1] == max(powers)  # resonance ω_L = ω_a = 1.5
    assert all(r["engine_efficiency [1]"] <= r["engine_bound [1]"] for r in rows)
    # P = E_B/t at t = 50
    assert all(r["power [ω_e²]"] == pytest.approx(r["stored_energy [ω_e]"] / 50.0) for r in rows)


def test_plots_carry_the_data() -> None:
    from ssbattery.plotting.thermal import (
        plot_engine_region,
        plot_heat_battery,
        plot_otto_cycle,
        plot_otto_efficiency,
        plot_pumped_charging,
    )
    from ssbattery.thermal.heat_battery import heat_battery_sweep
    from ssbattery.thermal.otto import otto_trajectory, qubit_otto
    from ssbattery.thermal.pumped_battery import PumpedBattery, charging_scan, engine_region

    tr = otto_trajectory(qubit_otto(), points_per_stroke=5)
    ax = plot_otto_cycle(tr)
    assert np.allclose(ax.lines[1].get_ydata(), tr.entropy[tr.stroke == 1])
    ratios = np.array([0.3, 0.6])
    ax = plot_otto_efficiency(ratios, {"x": [0.7, 0.4]}, carnot=0.9)
    assert np.allclose(ax.lines[0].get_ydata(), 1 - ratios)
    assert np.allclose(ax.lines[2].get_ydata(), [0.7, 0.4])
    sw = heat_battery_sweep([1.0, 10.0], [0.02, 0.05])
    ax = plot_heat_battery(sw, quantity="power")
    assert np.allclose(ax.lines[1].get_ydata(), sw.power[1])
    from ssbattery.plotting.thermal import plot_heat_battery_coupling
    from ssbattery.thermal.heat_battery import coupling_scan

    cs = coupling_scan([0.02, 0.12], 2.0)
    ax = plot_heat_battery_coupling(cs)
    assert np.allclose(ax.lines[0].get_ydata(), cs.ness_ergotropy)
    assert len(ax.patches) == 1  # the invalid-λ band
    scan = charging_scan(PumpedBattery(), [1.4, 1.5], 10.0)
    ax = plot_pumped_charging(scan, omega_a=1.5)
    assert np.allclose(ax.lines[0].get_ydata(), scan.efficiency)
    em = engine_region(PumpedBattery(), [1.4, 1.5, 1.6], [0.1, 0.5])
    ax = plot_engine_region(em)
    shown = np.asarray(ax.collections[0].get_array()).reshape(2, 3)
    assert np.allclose(shown, np.where(em.work > 0, em.efficiency, np.nan), equal_nan=True)
    import matplotlib.pyplot as plt

    plt.close("all")
