"""The sweep engine in-process: results store, resume, refusal of a foreign store, failed
points, exports, and the single-run commands equal to sweep points bit for bit (issue 10)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.electrolytes.impedance.examples import example_spectra_dir
from ssbattery.errors import InvalidParameterError
from ssbattery.sweep import (
    ModelEntry,
    Output,
    Param,
    fit_power_laws,
    get_entry,
    load_spec,
    open_dataset,
    register,
    run,
    to_csv,
    to_dataframe,
)

runner = CliRunner()
EXAMPLE_SPECTRUM = example_spectra_dir() / "example_25C.csv"

DICKE_SPEC = {
    "model": "dicke",
    "fixed": {"coupling": 0.5, "steps": 30},
    "sweep": {"n_atoms": [2, 4], "drive": [0.0, 0.3]},
}


def _flaky_build(values: Any) -> dict[str, Any]:
    return dict(values)


def _flaky_solve(p: dict[str, Any]) -> dict[str, Any]:
    marker = Path(p["marker"])
    if p["x"] == 3 and not marker.exists():
        raise RuntimeError("x = 3 fails until the marker file exists")
    return {"square": float(p["x"]) ** 2, "ramp": np.arange(4.0) * p["x"]}


FLAKY: ModelEntry[dict[str, Any], dict[str, Any]] = register(
    ModelEntry(
        name="test-flaky",
        summary="x² and a ramp; x = 3 raises until a marker file exists",
        params=(Param("x", "int", None, required=True), Param("marker", "str", "")),
        outputs=(Output("square", "", "x²"), Output("ramp", "", "x·k", ("k",))),
        build=_flaky_build,
        solve=_flaky_solve,
        extract=lambda r: r,
        sizes=lambda p: {"k": 4},
    )
)


def _plain_keys(record: dict[str, Any]) -> dict[str, Any]:
    """JSON keys without their unit suffix: "power_max [ω_c²]" → "power_max"."""
    return {k.split(" [")[0]: v for k, v in record.items()}


def test_store_holds_every_output_with_dims_units_and_provenance(tmp_path: Path) -> None:
    result = run(DICKE_SPEC, store=tmp_path / "d.zarr")
    assert result.complete and result.computed == 4 and not result.failures
    ds = open_dataset(tmp_path / "d.zarr")
    assert ds["energy"].dims == ("n_atoms", "drive", "time")
    assert ds.sizes == {"n_atoms": 2, "drive": 2, "time": 30}
    assert ds["power_max"].attrs["units"] == "ωc²/ħ"
    assert list(ds["n_atoms"].values) == [2, 4]
    assert (ds["status"] == 1).all()
    assert (ds["wall_time_s"] > 0).all()
    assert (ds["finish_time"] >= ds["start_time"]).all()
    assert ds.attrs["ssbattery_version"]
    assert json.loads(ds.attrs["spec"])["sweep"]["n_atoms"] == [2, 4]
    assert ds.attrs["runs"][0]["executor"] == "in-process"
    # P = E/t on the stored grid, and Pmax is the grid maximum
    np.testing.assert_array_equal(ds["power"], ds["energy"] / ds["times"])
    np.testing.assert_array_equal(ds["power_max"], ds["power"].max("time"))
    # the same as xarray reads it from Zarr directly
    raw = xr.open_zarr(tmp_path / "d.zarr", consolidated=False)
    np.testing.assert_array_equal(raw["energy"].values, ds["energy"].values)


def _invoke_dicke_single() -> Any:
    return runner.invoke(
        app,
        [
            "dicke",
            "--n-atoms",
            "4",
            "--coupling",
            "0.5",
            "--drive",
            "0.3",
            "--steps",
            "30",
            "--no-check-cutoff",
            "--json",
        ],
    )


def test_dicke_point_equals_the_single_run_command_bit_for_bit(tmp_path: Path) -> None:
    ds = run(DICKE_SPEC, store=tmp_path / "d.zarr").dataset
    # The sweep runs its points on one BLAS thread; the single run here too, since OpenBLAS's
    # eigensolvers round differently with the thread count (1 ulp in the ergotropy seen).
    with threadpool_limits(1):
        out = _invoke_dicke_single()
    assert out.exit_code == 0, out.output
    single = _plain_keys(json.loads(out.stdout))
    point = ds.sel(n_atoms=4, drive=0.3)
    for key in ("power_max", "t_power_max", "energy_max", "t_energy_max"):
        assert float(point[key]) == single[key]
    for key in ("energy", "power", "ergotropy", "times"):
        assert point[key].values.tolist() == single[key]


_CASES: list[tuple[str, dict[str, Any], list[str], Any]] = [
    (
        "spin-chain",
        {"n_sites": 4, "anisotropy": 0.5, "steps": 40},
        ["spin-chain", "--n-sites", "4", "--anisotropy", "0.5", "--steps", "40"],
        lambda j: {k.split(" [")[0]: v for k, v in j.items()},  # keys carry units
    ),
    (
        "otto",
        {"T_h": 3.0, "tau_h": 2.0},
        ["otto", "--t-hot", "3", "--tau-hot", "2"],
        lambda j: {k.split(" [")[0]: v for k, v in j.items()},  # units in the keys
    ),
    (
        "thermal-battery",
        {"coupling": 0.05, "tau": 2.0},
        ["thermal-battery", "--coupling", "0.05", "--tau", "2"],
        lambda j: j["cycles"][0],
    ),
    (
        "demon",
        {"coupling": 0.2},
        ["demon", "--coupling", "0.2"],
        lambda j: {"heat_mean": j["heat_per_cycle_mean"][0]},
    ),
    (
        "pumped-battery",
        {"omega_L": 1.5},
        ["pumped-battery", "--omega-l", "1.5"],
        lambda j: {k.split(" [")[0]: v for k, v in j["rows"][0].items()},
    ),
    (
        "landau",
        {"alpha": -2.0},
        ["landau", "--alpha", "-2"],
        lambda j: j,
    ),
    (
        "align",
        {"anode": "Li", "electrolyte": "Li6PS5Cl", "cathode": "Cu"},
        ["align", "--anode", "Li", "--electrolyte", "Li6PS5Cl", "--cathode", "Cu"],
        lambda j: j["alignment"],
    ),
    (
        "self-charge",
        {"load_ohm": 1800.0, "t_end_s": 60.0},
        ["self-charge", "--load-ohm", "1800", "--t-end", "60"],
        lambda j: {
            "steady_current_A": j["fixed_point"]["current_A"],
            "steady_voltage_V": j["fixed_point"]["voltage_V"],
            **{k: j[k] for k in ("period_s", "amplitude_V", "self_charging_fraction")},
            "hopf_load_ohm": j["hopf_load_ohm"],
        },
    ),
    (
        "eis-fit",
        {"spectrum": str(EXAMPLE_SPECTRUM), "thickness_mm": 1.0, "area_mm2": 5.0},
        ["eis", "fit", str(EXAMPLE_SPECTRUM), "--thickness", "1", "--area", "5"],
        lambda j: {
            "temperature_K": j["temperature [K]"],
            "total_resistance_ohm": j["total_resistance [Ω]"],
            **{
                f"sigma_{short}_S_cm": j["conductivity"][arc]["conductivity [mS/cm]"] * 1e-3
                for short, arc in (("total", "total"), ("bulk", "bulk"), ("gb", "grain boundary"))
            },
            "sigma_total_err_S_cm": j["conductivity"]["total"]["conductivity error [mS/cm]"] * 1e-3,
            "kk_valid": float(j["lin_kk"]["passed"]),
        },
    ),
    (
        # the default cutoff: both grow it from 4N by error control (--cutoff-tol,
        # `cutoff_tol`); the entry had kept a fixed 4N, so the two agreed only with an
        # explicit cutoff. photon_cutoff_used is the command's checks' photon_cutoff (17)
        "open-dicke",
        {"n_atoms": 2, "coupling": 0.3, "cavity_loss": 0.1, "steps": 20},
        "dicke --n-atoms 2 --coupling 0.3 --cavity-loss 0.1 --steps 20 --no-check-cutoff".split(),
        lambda j: {
            **{k.split(" [")[0]: v for k, v in j.items()},
            "photon_cutoff_used": j["checks"]["photon_cutoff [1]"],
        },
    ),
    (
        # a fixed cutoff
        "open-dicke",
        {"n_atoms": 2, "coupling": 0.3, "cavity_loss": 0.1, "steps": 20, "photon_cutoff": 8},
        "dicke --n-atoms 2 --coupling 0.3 --cavity-loss 0.1 --steps 20 --photon-cutoff 8"
        " --no-check-cutoff".split(),
        lambda j: {k.split(" [")[0]: v for k, v in j.items()},
    ),
    (
        "learned-cycle",
        {"n_steps": 4, "iterations": 3, "population": 12, "seed": 2},
        "learn-cycle --steps 4 --iterations 3 --population 12 --seed 2".split(),
        lambda j: j,
    ),
]


@pytest.mark.parametrize(("model", "fixed", "argv", "pick"), _CASES, ids=[c[0] for c in _CASES])
def test_model_point_equals_its_command(
    model: str, fixed: dict[str, Any], argv: list[str], pick: Any
) -> None:
    result = run({"model": model, "fixed": fixed})
    assert result.complete, str(result)
    ds = result.dataset
    out = runner.invoke(app, [*argv, "--json"])
    assert out.exit_code == 0, out.output
    single = _plain_keys(pick(json.loads(out.stdout)))
    shared = [k for k in ds.data_vars if k in single and ds[k].ndim == 0]
    assert len(shared) >= 1
    for key in shared:
        a, b = float(ds[key]), single[key]
        if key.startswith("sigma_"):  # the CLI prints mS/cm: one rounding of × 1e-3
            assert a == pytest.approx(b, rel=1e-15), key
            continue
        assert (math.isnan(a) and b is None) or a == b, key


def test_every_registered_model_is_compared_with_its_command() -> None:
    """Meta-test: a new entry must join the parametrised comparison above (Dicke has its
    own test with the arrays)."""
    from ssbattery.sweep import entry_names

    cases = {c[0] for c in _CASES}
    builtin = {n for n in entry_names() if not n.startswith("test-")}
    assert builtin <= cases | {"dicke"} | set(_LIBRARY_ENTRIES), sorted(builtin - cases)


def _best_otto_reference() -> dict[str, float]:
    from ssbattery.thermal.learning import EngineParameters, optimal_otto

    r = optimal_otto(EngineParameters(T_cold=0.3), 1.5, grid=9)
    return {"power": r.metrics.power, "efficiency": r.metrics.efficiency, "u_hot": r.u_hot,
            "u_cold": r.u_cold, "time_hot": r.time_hot, "time_cold": r.time_cold}  # fmt: skip


#: Entries with no command of their own, each compared with the function it runs.
_LIBRARY_ENTRIES: dict[str, tuple[dict[str, Any], Any]] = {
    "best-otto": (
        {"period": 1.5, "grid": 9, "T_cold": 0.3},
        _best_otto_reference,
    ),
}


@pytest.mark.parametrize("model", sorted(_LIBRARY_ENTRIES))
def test_library_entry_point_equals_its_function(model: str) -> None:
    fixed, reference = _LIBRARY_ENTRIES[model]
    ds = run({"model": model, "fixed": fixed}).dataset
    expected = reference()
    assert {k: float(ds[k]) for k in expected} == expected


def test_resume_computes_only_unfinished_points(tmp_path: Path) -> None:
    spec = {
        "model": "test-flaky",
        "sweep": {"x": [1, 2, 3, 4]},
        "fixed": {"marker": "/nonexistent"},
    }
    store = tmp_path / "f.zarr"
    first = run(spec, store=store)
    assert first.done == 3 and first.computed == 4
    assert first.failures == (("x=3", "RuntimeError: x = 3 fails until the marker file exists"),)
    assert "failed: x=3" in str(first)
    ds = first.dataset
    assert ds["status"].values.tolist() == [1, 1, 2, 1]
    assert math.isnan(float(ds["square"].sel(x=3)))
    df = to_dataframe(ds)
    assert df["status"].tolist() == ["done", "done", "failed", "done"]
    assert df.loc[2, "error"].startswith("RuntimeError")
    again = run(spec, store=store)
    assert again.computed == 1 and again.skipped == 3  # only the failed point reruns
    assert again.done == 3 and len(again.failures) == 1


def test_rerun_retries_failed_points(tmp_path: Path) -> None:
    marker = tmp_path / "ok"
    spec = {"model": "test-flaky", "sweep": {"x": [1, 3]}, "fixed": {"marker": str(marker)}}
    store = tmp_path / "f.zarr"
    assert run(spec, store=store).failures
    marker.write_text("")
    second = run(spec, store=store)
    assert second.complete and not second.failures and second.computed == 1
    assert second.dataset["square"].values.tolist() == [1.0, 9.0]
    assert second.dataset["ramp"].sel(x=3).values.tolist() == [0.0, 3.0, 6.0, 9.0]
    assert second.dataset.attrs["failures"] == {}
    assert len(second.dataset.attrs["runs"]) == 2


def test_each_run_logs_the_package_version_that_computed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssbattery

    marker = tmp_path / "ok"
    spec = {"model": "test-flaky", "sweep": {"x": [1, 3]}, "fixed": {"marker": str(marker)}}
    store = tmp_path / "v.zarr"
    run(spec, store=store)
    marker.write_text("")
    monkeypatch.setattr(ssbattery, "__version__", "99.0.0")  # an upgrade between the runs
    ds = run(spec, store=store).dataset
    # the store had named only its creator's version: x = 3, computed by the second
    # version, was attributed to the first
    assert [r["ssbattery_version"] for r in ds.attrs["runs"]] == [
        ds.attrs["ssbattery_version"],
        "99.0.0",
    ]
    assert ds.attrs["ssbattery_version"] != "99.0.0"
    assert ds["square"].values.tolist() == [1.0, 9.0]


def test_store_of_another_spec_is_refused_and_left_untouched(tmp_path: Path) -> None:
    store = tmp_path / "d.zarr"
    run({"model": "landau", "sweep": {"alpha": [-1.0, -2.0]}}, store=store)
    before = sorted(p.name for p in store.rglob("*"))
    with pytest.raises(InvalidParameterError, match="written by a different spec"):
        run({"model": "landau", "sweep": {"alpha": [-1.0, -3.0]}}, store=store)
    assert sorted(p.name for p in store.rglob("*")) == before
    foreign = tmp_path / "x.zarr"
    foreign.mkdir()
    with pytest.raises(Exception, match="not an ssbattery sweep store"):
        run({"model": "landau", "sweep": {"alpha": [-1.0]}}, store=foreign)


def test_a_store_from_since_edited_input_files_is_refused(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "spectra"
    folder.mkdir()
    for t in ("25C", "40C"):
        shutil.copy(example_spectra_dir() / f"example_{t}.csv", folder / f"s_{t}.csv")
    spec = tmp_path / "s.toml"
    spec.write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\narea_mm2 = 5.0\n'
        '[sweep]\nspectrum = {glob = "spectra/*.csv"}\n'
    )
    store = tmp_path / "s.zarr"
    first = run(spec, store=store).dataset
    assert run(spec, store=store).computed == 0  # same files: nothing to redo
    # the 25 °C file now holds the 5 °C spectrum: same spec text, other inputs; the
    # resume had skipped every point and kept the old file's numbers
    shutil.copy(example_spectra_dir() / "example_5C.csv", folder / "s_25C.csv")
    with pytest.raises(InvalidParameterError, match="from other input files"):
        run(spec, store=store)
    fresh = run(spec, store=tmp_path / "new.zarr").dataset
    sigma = "sigma_total_S_cm"
    assert fresh[sigma].values[1] == first[sigma].values[1]  # s_40C.csv unchanged
    assert fresh[sigma].values[0] < 0.5 * first[sigma].values[0]  # 5 °C conducts less


@pytest.mark.parametrize("workers", [2.5, "2", 0, True])
def test_workers_must_be_a_whole_number_of_workers(workers: Any) -> None:
    # 2.5 and "2" had each started a cluster of 2 workers without a word (int() of them)
    with pytest.raises(InvalidParameterError, match=r"`workers` must be an integer ≥ 1"):
        run({"model": "landau", "sweep": {"alpha": [-1.0]}}, workers=workers)


def test_a_store_lacking_an_output_of_the_model_is_refused(tmp_path: Path) -> None:
    import zarr

    from ssbattery.errors import DataFormatError

    spec = {"model": "landau", "sweep": {"alpha": [-1.0, -2.0]}}
    store = tmp_path / "o.zarr"
    run(spec, store=store)
    # as a store written before the entry gained an output (same parameters, so the same
    # fingerprint): the resume had ended in a bare KeyError
    del zarr.open_group(str(store), mode="r+")["coercive_field"]
    with pytest.raises(DataFormatError, match=r"lacks coercive_field: .* Give a new --store"):
        run(spec, store=store)
    kept = open_dataset(store)["spontaneous_polarisation"].values  # P_s = √(−α/β), untouched
    np.testing.assert_allclose(kept, [1.0, math.sqrt(2.0)], rtol=1e-12)


def test_landau_sweep_matches_the_analytic_polarisation() -> None:
    # U = αQ²/2 + βQ⁴/4: P_s = √(−α/β), E_c = (2/3√3)|α|^{3/2}/√β (review §2.1)
    ds = run({"model": "landau", "sweep": {"alpha": [-4.0, -1.0], "beta": [1.0, 2.0]}}).dataset
    a = ds["alpha"].values[:, None]
    b = ds["beta"].values[None, :]
    np.testing.assert_allclose(ds["spontaneous_polarisation"], np.sqrt(-a / b), rtol=1e-12)
    ec = 2.0 / (3.0 * np.sqrt(3.0)) * np.abs(a) ** 1.5 / np.sqrt(b)
    np.testing.assert_allclose(ds["coercive_field"], ec, rtol=1e-9)


def test_landau_negative_capacitance_band_is_in_abs_q() -> None:
    # d²U/dQ² = α + 3βQ² + 5γQ⁴ < 0 between the roots in Q² (review §2.1); the outputs are
    # bounds on |Q| (the quartic band −√(−α/3β) … √(−α/3β) is reported as 0 … √(−α/3β))
    ds = run(
        {"model": "landau", "fixed": {"beta": -4.0, "gamma": 1.0}, "sweep": {"alpha": [0.5, 1.0]}}
    ).dataset
    for a in (0.5, 1.0):
        roots = np.sqrt(np.sort(np.roots([5.0, -12.0, a]).real))
        got = [float(ds[k].sel(alpha=a)) for k in ("nc_Q_low", "nc_Q_high")]
        np.testing.assert_allclose(got, roots, rtol=1e-9)
    quartic = run({"model": "landau", "fixed": {"alpha": -3.0}}).dataset
    assert float(quartic["nc_Q_low"]) == 0.0
    assert float(quartic["nc_Q_high"]) == pytest.approx(1.0, rel=1e-12)  # √(3/3)
    assert "|Q|" in quartic["nc_Q_low"].attrs["long_name"]


def test_otto_sweep_gives_the_quasi_static_work_and_labels_its_axes_in_omega() -> None:
    # A qubit (H = ω σz/2) thermalised on both isochores: W = −(ω_h − ω_c)/2 ·
    # [tanh(ω_c/2T_c) − tanh(ω_h/2T_h)] per cycle (review §2.4, Fig. 16; Kosloff & Rezek)
    spec = {
        "model": "otto",
        "fixed": {"tau_h": 200.0, "tau_c": 200.0},
        "sweep": {"T_h": [2.0, 8.0], "omega_h": [2.0, 3.0]},
    }
    ds = run(spec).dataset
    wh, th = ds["omega_h"].values[None, :], ds["T_h"].values[:, None]
    work = -(wh - 1.0) / 2 * (np.tanh(1.0 / (2 * 0.5)) - np.tanh(wh / (2 * th)))
    np.testing.assert_allclose(ds["work"].transpose("T_h", "omega_h"), work, rtol=1e-9)
    # the swept frequencies and temperatures had carried no units beside work in ω
    assert ds["work"].attrs["units"] == "ω"
    assert (ds["T_h"].attrs["units"], ds["omega_h"].attrs["units"]) == ("ω", "ω")
    units = {p.name: p.unit for p in get_entry("otto").params}
    assert units["rate_h"] == "ω" and units["tau_h"] == units["tau_u"] == "1/ω"


def test_power_law_fit_groups_and_csv_export(tmp_path: Path) -> None:
    ds = run({"model": "test-flaky", "sweep": {"x": [1, 2, 4, 8]}}).dataset
    (f,) = fit_power_laws(ds, "x", "square")
    assert f.fit.exponent == pytest.approx(2.0, abs=1e-12) and f.points == 4
    path = to_csv(ds, tmp_path / "t.csv")
    text = path.read_text().splitlines()
    assert text[0].split(",")[:3] == ["x", "status", "square"]
    assert text[3].split(",")[:3] == ["4", "done", "16.0"]
    with pytest.raises(InvalidParameterError, match="must end in"):
        to_csv(ds, tmp_path / "t.json")


def test_where_takes_a_swept_value_and_refuses_one_that_is_not() -> None:
    # P_s = √(−α/β) (review §2.1): P_s ∝ β^(−1/2) at each α; α = −0.3 is the range's
    # −0.30000000000000004 (linspace), matched within 1e-6 relative
    spec = {
        "model": "landau",
        "sweep": {"alpha": {"start": -0.1, "stop": -1.0, "num": 10}, "beta": [1.0, 2.0, 4.0]},
    }
    ds = run(spec).dataset
    (f,) = fit_power_laws(ds, "beta", "spontaneous_polarisation", where={"alpha": "-0.3"})
    assert f.fit.exponent == pytest.approx(-0.5, abs=1e-9) and f.points == 3
    assert f.fit.prefactor == pytest.approx(math.sqrt(0.3), rel=1e-9)
    # −0.35 had silently become the nearest swept α (−0.3 or −0.4), with its numbers
    with pytest.raises(InvalidParameterError, match=r"alpha=-0.35 is not a value of the sweep"):
        fit_power_laws(ds, "beta", "spontaneous_polarisation", where={"alpha": -0.35})
    # a word for a numeric dimension had been a bare ValueError (an internal error in the CLI)
    with pytest.raises(InvalidParameterError, match="alpha takes a number"):
        fit_power_laws(ds, "beta", "spontaneous_polarisation", where={"alpha": "abc"})


def test_progress_reports_done_failed_remaining() -> None:
    seen = []
    run(
        {"model": "test-flaky", "sweep": {"x": [1, 3, 4]}, "fixed": {"marker": "/nonexistent"}},
        progress=seen.append,
    )
    last = seen[-1]
    assert (last.total, last.done, last.failed, last.remaining) == (3, 2, 1, 0)
    assert seen[0].remaining == 3 and seen[0].eta_s is None
    assert [p.remaining for p in seen[1:]] == [2, 1, 0]


def test_a_second_driver_on_the_same_store_is_refused(tmp_path: Path) -> None:
    from ssbattery.errors import FileBusyError
    from ssbattery.io import file_lock

    store = tmp_path / "busy.zarr"
    with file_lock(store), pytest.raises(FileBusyError, match=r"busy\.zarr"):
        run({"model": "landau", "sweep": {"alpha": [-1.0]}}, store=store)
    assert not store.exists()
    # the same store through a symbolic link: it had its own lock file, and two drivers
    # wrote the one store
    run({"model": "landau", "sweep": {"alpha": [-1.0]}}, store=store)
    link = tmp_path / "link.zarr"
    link.symlink_to(store)
    with file_lock(store), pytest.raises(FileBusyError, match=r"busy\.zarr"):
        run({"model": "landau", "sweep": {"alpha": [-1.0]}}, store=link)
    with pytest.raises(InvalidParameterError, match="does not exist"):
        run({"model": "landau", "sweep": {"alpha": [-1.0]}}, store=tmp_path / "no" / "s.zarr")


def _blas_threads() -> float:
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return float(max(counts)) if counts else 1.0


BLAS_PROBE: ModelEntry[dict[str, Any], dict[str, Any]] = register(
    ModelEntry(
        name="test-blas-threads",
        summary="reports the BLAS thread count inside a point",
        params=(Param("x", "int", 0),),
        outputs=(Output("blas_threads", "", "BLAS threads seen by the point"),),
        build=dict,
        solve=lambda p: {"blas_threads": _blas_threads()},
        extract=lambda r: r,
    )
)


def test_each_point_runs_with_one_blas_thread() -> None:
    """Issue 10 §3: each task uses one BLAS thread (checked inside the point)."""
    ds = run({"model": "test-blas-threads", "sweep": {"x": [0, 1, 2]}}).dataset
    assert ds["blas_threads"].values.tolist() == [1.0, 1.0, 1.0]


def test_entry_defaults_are_the_models_own() -> None:
    """The parameter tables read kind and default from the model's frozen dataclass."""
    import dataclasses

    from ssbattery.quantum.spin_chain import SpinChainParameters
    from ssbattery.sweep import get_entry
    from ssbattery.thermal.heat_battery import HeatBattery
    from ssbattery.thermal.learning import EngineParameters
    from ssbattery.thermal.pumped_battery import PumpedBattery

    for name, cls in (
        ("spin-chain", SpinChainParameters),
        ("thermal-battery", HeatBattery),
        ("pumped-battery", PumpedBattery),
        ("learned-cycle", EngineParameters),
    ):
        defaults = get_entry(name).defaults()
        for f in dataclasses.fields(cls):
            assert defaults[f.name] == f.default, (name, f.name)
    assert get_entry("spin-chain").param("interaction").choices == ("nn", "lr")
    assert get_entry("spin-chain").param("n_sites").kind == "int"


def test_one_name_prints_a_sweep_and_one_extracts_a_point() -> None:
    """Issue 15 §3: ``str(result)`` replaces ``summary()``; the entries' ``extract`` replaces
    the results' ``metrics()`` (both old names warn and give the same)."""
    from ssbattery.sweep import get_entry

    result = run({"model": "landau", "sweep": {"alpha": [-1.0, -2.0]}})
    assert str(result).startswith("2/2 points done, 0 failed")
    with pytest.warns(DeprecationWarning, match="str"):
        assert result.summary() == str(result)
    entry = get_entry("landau")
    point = entry.solve(entry.build(entry.complete({"alpha": -1.0})))
    with pytest.warns(DeprecationWarning, match="extract"):
        assert point.metrics() == entry.extract(point)
    # U = αQ²/2 + βQ⁴/4 with α = −1, β = 1: P_s = √(−α/β) = 1 (review §2.1)
    assert entry.extract(point)["spontaneous_polarisation"] == pytest.approx(1.0, rel=1e-12)


def _eis_project(root: Path) -> Path:
    """A project folder: a spec sweeping two spectra under spectra/ (relative paths)."""
    import shutil

    (root / "spectra").mkdir(parents=True)
    for t in ("25C", "40C"):
        shutil.copy(example_spectra_dir() / f"example_{t}.csv", root / "spectra" / f"s_{t}.csv")
    spec = root / "s.toml"
    spec.write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\narea_mm2 = 5.0\n'
        '[sweep]\nspectrum = {glob = "spectra/*.csv"}\n'
    )
    return spec


def test_a_project_folder_moved_whole_resumes_its_own_store(tmp_path: Path) -> None:
    import shutil

    spec = _eis_project(tmp_path / "proj")
    first = run(spec, store=tmp_path / "proj" / "s.zarr").dataset
    shutil.move(tmp_path / "proj", tmp_path / "moved")
    # the fingerprint had held the files' absolute paths: the moved store was refused as
    # "written by a different spec" although spec, files and store had moved together
    moved = tmp_path / "moved"
    again = run(moved / "s.toml", store=moved / "s.zarr")
    assert again.computed == 0
    sigma = "sigma_total_S_cm"
    np.testing.assert_array_equal(again.dataset[sigma].values, first[sigma].values)
    # still refused: an input file changed after the move, or a genuinely other spec
    shutil.copy(example_spectra_dir() / "example_5C.csv", moved / "spectra" / "s_25C.csv")
    with pytest.raises(InvalidParameterError, match="from other input files"):
        run(moved / "s.toml", store=moved / "s.zarr")
    other = moved / "t.toml"
    other.write_text((moved / "s.toml").read_text().replace("area_mm2 = 5.0", "area_mm2 = 6.0"))
    with pytest.raises(InvalidParameterError, match="written by a different spec"):
        run(other, store=moved / "s.zarr")


def test_a_store_with_the_older_location_bound_fingerprint(tmp_path: Path) -> None:
    import shutil

    import zarr

    spec_file = _eis_project(tmp_path / "proj")
    store = tmp_path / "proj" / "s.zarr"
    first = run(spec_file, store=store).dataset
    spec = load_spec(spec_file)
    assert spec.legacy_fingerprint() != spec.fingerprint()  # absolute vs relative paths
    # as written before: the old fingerprint, no values fingerprint
    group = zarr.open_group(str(store), mode="r+")
    group.attrs["spec_fingerprint"] = spec.legacy_fingerprint()
    group.attrs.pop("spec_values_fingerprint")
    # where it was written it resumes, and gains the portable fingerprint ...
    assert run(spec_file, store=store).computed == 0
    assert zarr.open_group(str(store)).attrs["spec_fingerprint"] == spec.fingerprint()
    # ... so it can move from then on
    shutil.move(tmp_path / "proj", tmp_path / "moved")
    again = run(tmp_path / "moved" / "s.toml", store=tmp_path / "moved" / "s.zarr")
    assert again.computed == 0
    np.testing.assert_array_equal(
        again.dataset["sigma_total_S_cm"].values, first["sigma_total_S_cm"].values
    )
    # an old store that was moved before its first resume is refused, saying why
    old = tmp_path / "moved" / "s.zarr"
    group = zarr.open_group(str(old), mode="r+")
    group.attrs["spec_fingerprint"] = spec.legacy_fingerprint()  # proj/ paths
    group.attrs.pop("spec_values_fingerprint")
    with pytest.raises(InvalidParameterError, match="resumes only where it was written"):
        run(tmp_path / "moved" / "s.toml", store=old)


def test_fingerprints_without_path_parameters_are_unchanged() -> None:
    # stores of specs without files keep resuming: the portable fingerprint is the old one
    spec = load_spec({"model": "landau", "sweep": {"alpha": [-1.0, -2.0]}})
    assert spec.fingerprint() == spec.legacy_fingerprint()
    assert spec.values_fingerprint() == spec.fingerprint()


def test_open_dicke_default_cutoff_is_the_commands() -> None:
    from ssbattery.sweep.scan import scan

    base = {"n_atoms": 2, "coupling": 0.3, "cavity_loss": 0.1, "steps": 20}
    ds = scan("open-dicke", fixed=base, sweep={"cutoff_tol": [1e-6, 1e-10]})
    # a tighter bound needs more photon levels: 4N = 8 grows along 8, 10, 13, 17, ...
    assert ds["photon_cutoff_used"].values.tolist() == [13.0, 17.0]
    fixed = scan("open-dicke", fixed={**base, "photon_cutoff": 8}, sweep={"decay": [0.0]})
    assert fixed["photon_cutoff_used"].values.tolist() == [8.0]
    # a thermal cavity is outside the error control: the command refuses it too
    with pytest.raises(InvalidParameterError, match="needs a fixed `photon_cutoff`"):
        scan("open-dicke", fixed={**base, "bath_temperature": 0.5}, sweep={"decay": [0.0]})
