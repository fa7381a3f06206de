"""``ssbattery spin-chain`` (issue §5): JSON keys, plot, bad input exits 2."""

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
        (
            ["--operator", "dense"],
            "`--operator` must be 'auto', 'csr', 'matrix-free' or 'streaming'",
        ),
        (["--operator", "csr", "--checkpoint", "run.npz"], "resumable matrix-free"),
        (["--method", "mps", "--operator", "csr"], "`--method exact` only"),
        (["--checkpoint", "."], "is a directory"),
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


def _chain_json(*args: str) -> dict:
    result = runner.invoke(app, ["spin-chain", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_operator_matrix_free_equals_csr() -> None:
    # the two operators are the same H (chain_operator tests: entry by entry to 1e-12);
    # both runs at the default 1e-10 tolerance
    chain = ["--n-sites", "8", "--anisotropy", "0.5", "--range", "lr"]
    csr = _chain_json(*chain, "--operator", "csr")
    free = _chain_json(*chain, "--operator", "matrix-free")
    np.testing.assert_allclose(free["energy [E₀]"], csr["energy [E₀]"], rtol=1e-8, atol=1e-9)
    assert free["power_max [E₀²]"] == pytest.approx(csr["power_max [E₀²]"], rel=1e-9)


def test_checkpoint_resumes_an_interrupted_exact_run(tmp_path: Path) -> None:
    from ssbattery.quantum.battery import default_times
    from ssbattery.quantum.chain_charging import charge_matrix_free
    from ssbattery.quantum.spin_chain import SpinChainParameters

    path = tmp_path / "chain.npz"
    params = SpinChainParameters(n_sites=10, anisotropy=-0.5)
    # interrupted after its first segment of 50 of the 400 output times
    stopped = charge_matrix_free(
        params, default_times(2.0, 400), checkpoint=path, stop_after_s=0.0, segment=50
    )
    assert stopped is None and path.is_file()
    chain = ["--n-sites", "10", "--anisotropy", "-0.5"]
    resumed = _chain_json(*chain, "--checkpoint", str(path))
    fresh = _chain_json(*chain, "--operator", "csr")
    np.testing.assert_allclose(resumed["energy [E₀]"], fresh["energy [E₀]"], rtol=1e-8, atol=1e-9)
    assert resumed["power_max [E₀²]"] == pytest.approx(fresh["power_max [E₀²]"], rel=1e-9)
    # a finished checkpoint gives the same run back without propagating again
    again = _chain_json(*chain, "--checkpoint", str(path))
    assert again["energy [E₀]"] == resumed["energy [E₀]"]
    # another chain's run is refused, and the file is left as it was
    before = path.read_bytes()
    other = runner.invoke(
        app, ["spin-chain", "--n-sites", "10", "--anisotropy", "0", "--checkpoint", str(path)]
    )
    assert other.exit_code == 2 and "another run" in other.output
    assert "`--checkpoint`" in other.output and path.read_bytes() == before


@pytest.mark.parametrize("method", ["exact", "mps"])
def test_checkpoint_refuses_a_foreign_file(tmp_path: Path, method: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("a user's file, not a checkpoint\n")
    result = runner.invoke(
        app, ["spin-chain", "--n-sites", "6", "--method", method, "--checkpoint", str(path)]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and "`--checkpoint`" in result.output
    assert "Traceback" not in result.output
    assert path.read_text() == "a user's file, not a checkpoint\n"


def test_mps_checkpoint_resumes_to_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssbattery.quantum.tebd import TEBDState

    path = tmp_path / "mps.ckpt"
    chain = ["--n-sites", "6", "--anisotropy", "0.5", "--method", "mps", "--bond-dim", "8"]
    chain += ["--t-max", "0.1", "--steps", "20"]
    fresh = _chain_json(*chain)
    calls = [0]
    stage = TEBDState.sweep_stage

    def interrupt(self: TEBDState, *args: object) -> None:
        calls[0] += 1
        if calls[0] > 12 * 5:  # 5 Suzuki stages per output time: stop after 12 outputs
            raise KeyboardInterrupt
        stage(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(TEBDState, "sweep_stage", interrupt)
    stopped = runner.invoke(app, ["spin-chain", "--json", *chain, "--checkpoint", str(path)])
    assert stopped.exit_code != 0 and path.is_file()  # checkpointed every 10 outputs
    monkeypatch.setattr(TEBDState, "sweep_stage", stage)
    resumed = _chain_json(*chain, "--checkpoint", str(path))
    assert resumed["energy [E₀]"] == fresh["energy [E₀]"]
    assert resumed["power_max [E₀²]"] == fresh["power_max [E₀²]"]


def test_mps_options_with_the_exact_method_are_refused_not_ignored() -> None:
    # `--bond-dim 2` with the default exact method had run the exact evolution unchanged;
    # it is refused, and with `--method mps` it truncates: at α = 0.5 (entangling) D = 2
    # moves W(t) away from the exact run while the default D = 64 reproduces it (eq. 14)
    base = ["--n-sites", "6", "--anisotropy", "0.5", "--t-max", "0.2", "--steps", "20"]
    for option in (["--bond-dim", "2"], ["--exponentials", "3"]):
        bad = runner.invoke(app, ["spin-chain", *base, *option])
        assert bad.exit_code == 2 and option[0] in bad.output and "--method mps" in bad.output
    exact = np.array(_chain_json(*base)["energy [E₀]"])
    d2 = np.array(_chain_json(*base, "--method", "mps", "--bond-dim", "2")["energy [E₀]"])
    d64 = np.array(_chain_json(*base, "--method", "mps")["energy [E₀]"])
    # measured: relative error 3.4e-10 at D = 64 (Trotter), 5.6e-8 at D = 2 (truncation)
    assert np.max(np.abs(d64 - exact)) < 3e-9 * exact.max()
    assert np.max(np.abs(d2 - exact)) > 2e-8 * exact.max()
