"""``ssbattery spin-chain`` (issue §5): JSON keys, plot, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

matplotlib.use("Agg")
runner = CliRunner()


def test_json_has_the_documented_keys(tmp_path: Path) -> None:
    plot = tmp_path / "chain.png"
    result = runner.invoke(
        app,
        ["spin-chain", "--n-sites", "4", "--anisotropy", "-1", "--json", "--plot", str(plot)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("times [1/E₀]", "energy [E₀]", "power [E₀²]", "ergotropy [E₀]"):
        assert key in data
    assert "power_max [E₀²]" in data and "t_power_max [1/E₀]" in data
    assert "energy_max [E₀]" in data and data["parameters"]["anisotropy"] == -1.0
    assert data["power_max_refined"] is True
    assert len(data["times [1/E₀]"]) == 400 and data["times [1/E₀]"][-1] == pytest.approx(2.0)
    # Fig. 14, NN, α = −1: 1.206832 × the power of four independent spins.
    assert data["power_ratio_to_independent"] == pytest.approx(1.206832, abs=2e-6)
    assert plot.stat().st_size > 1000


def test_table_output() -> None:
    result = runner.invoke(app, ["spin-chain", "--n-sites", "3", "--range", "lr", "--periodic"])
    assert result.exit_code == 0, result.output
    assert "P_max" in result.output


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--range", "far"], "--range"),
        (["--n-sites", "0"], "`--n-sites`"),
        (["--t-max", "0"], "`--t-max`"),
        (["--anisotropy", "2"], "anisotropy"),
        (["--n-sites", "30"], "GiB"),
        (["--steps", "0"], "steps"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], fragment: str) -> None:
    result = runner.invoke(app, ["spin-chain", *args])
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_plot_functions_draw_the_data() -> None:
    import matplotlib.pyplot as plt
    import numpy as np

    from ssbattery.plotting.spin_chain import plot_anisotropy_sweep, plot_chain_charging
    from ssbattery.quantum.spin_chain import (
        SpinChainParameters,
        anisotropy_sweep,
        charge_spin_chain,
    )

    p = SpinChainParameters(n_sites=3)
    sweep = anisotropy_sweep(p, [-1.0, 1.0])
    ax = plot_anisotropy_sweep(sweep)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sweep.ratio["nn"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), sweep.ratio["lr"])
    res = charge_spin_chain(p, t_max=0.5, steps=50)
    ax2 = plot_chain_charging(res)
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), res.energy)
    assert "time" in ax2.get_xlabel()
    plt.close("all")
