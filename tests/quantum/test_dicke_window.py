"""The moving photon window (cutoff by error control) against fixed, much larger cutoffs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError, ResourceLimitError
from ssbattery.quantum.dicke import DickeParameters, charge_dicke, dicke_basis
from ssbattery.quantum.dicke_window import (
    PhotonWindow,
    check_window_memory,
    propagate_in_window,
    window_basis,
)
from ssbattery.quantum.evolution import Lanczos


def _reference(n: int, g: float) -> object:
    # 24N photons: the edge population of this run is < 1e-30 (the reference is exact
    # to rounding on the default grid t ≤ π/(g√N))
    return charge_dicke(
        DickeParameters(n, g, photon_cutoff=24 * n), method=Lanczos(tol=1e-12), ergotropy=True
    )


@pytest.mark.parametrize(("n", "g"), [(8, 0.2), (16, 0.2), (12, 1.0)])
def test_window_matches_a_much_larger_fixed_cutoff(n: int, g: float) -> None:
    ref = _reference(n, g)
    res = charge_dicke(
        DickeParameters(n, g), window=PhotonWindow(tol=1e-10, krylov_tol=1e-11), ergotropy=True
    )
    scale = ref.energy_max  # type: ignore[attr-defined]
    # measured ≤ 6e-15 relative (E) and ≤ 5e-13 (ergotropy) for these three
    assert np.max(np.abs(res.energy - ref.energy)) / scale < 1e-10  # type: ignore[attr-defined]
    assert np.max(np.abs(res.ergotropy - ref.ergotropy)) / scale < 1e-10  # type: ignore[attr-defined]
    assert res.power_max == pytest.approx(ref.power_max, rel=1e-10)  # type: ignore[attr-defined]
    info = res.parameters
    assert info["max_edge_population"] <= 1e-10
    # the window needed fewer photons than the reference and reports what it used
    assert n < info["photon_cutoff"] < 24 * n
    # the rigorous Duhamel bound holds (and is pessimistic). It bounds the truncation only;
    # the propagator adds its own state error ≤ krylov_tol, i.e. |δE| ≤ 2 ωa j · 1e-11
    # (module docstring; the default wavefront's error is ≈ 1e-12 here, Lanczos' ≪ that)
    prop = 2 * (n / 2) * 1e-11
    assert np.max(np.abs(res.energy - ref.energy)) <= info["energy_error_bound"] + prop  # type: ignore[attr-defined]
    # the truncation bound alone, where the propagator's own error is negligible (Lanczos)
    exact = charge_dicke(
        DickeParameters(n, g),
        window=PhotonWindow(tol=1e-10, krylov_tol=1e-11, propagator="lanczos"),
        ergotropy=False,
    )
    bound = exact.parameters["energy_error_bound"]
    assert np.max(np.abs(exact.energy - ref.energy)) <= bound  # type: ignore[attr-defined]


def test_the_4n_rule_is_not_converged_late_in_the_grid() -> None:
    # N = 16, g = 0.2: 4N misses E(t) near t_max by ≫ 1e-8 (Pmax, reached early, is exact);
    # the window finds the cutoff that holds E(t) to 1e-8 by itself.
    n, g = 16, 0.2
    ref = _reference(n, g)
    fixed = charge_dicke(DickeParameters(n, g), method=Lanczos(tol=1e-12), ergotropy=False)
    err_fixed = np.max(np.abs(fixed.energy - ref.energy)) / ref.energy_max  # type: ignore[attr-defined]
    assert err_fixed > 1e-6
    assert fixed.parameters["max_top_photon_population"] > 1e-6
    res = charge_dicke(DickeParameters(n, g), window=PhotonWindow(tol=1e-10), ergotropy=False)
    err = np.max(np.abs(res.energy - ref.energy)) / ref.energy_max  # type: ignore[attr-defined]
    assert err < 1e-8
    assert res.parameters["photon_cutoff"] > 4 * n


@pytest.mark.parametrize("tol", [1e-3, 1e-5, 1e-7])
def test_duhamel_bound_holds_at_loose_tolerances(tol: float) -> None:
    n, g = 16, 0.2
    ref = _reference(n, g)
    res = charge_dicke(DickeParameters(n, g), window=PhotonWindow(tol=tol, pad=2), ergotropy=False)
    diff = np.abs(res.energy - ref.energy)  # type: ignore[attr-defined]
    assert res.parameters["max_edge_population"] <= tol
    assert diff.max() <= res.parameters["energy_error_bound"]
    # measured: relative E error ≤ 40 × the edge population (see the module docstring)
    assert diff.max() / ref.energy_max <= 40 * tol  # type: ignore[attr-defined]


def test_window_basis_is_the_fixed_basis_when_it_starts_at_zero() -> None:
    p = DickeParameters(5, 0.3, photon_cutoff=20)
    a, b = window_basis(p, 0, 20), dicke_basis(p)
    assert np.array_equal(a.photons, b.photons) and np.array_equal(a.k, b.k)
    w = window_basis(p, 4, 9)
    assert w.photons.min() == 4 and w.photons.max() == 9 and w.lowest == 4
    assert np.all((w.photons + w.k) % 2 == 5 % 2)


def test_window_records_every_time_and_counts_its_moves() -> None:
    p = DickeParameters(6, 0.4, steps=60)
    seen: set[int] = set()
    run = propagate_in_window(p, lambda psi, basis, k: seen.add(k), method=PhotonWindow())
    assert seen == set(range(60))
    assert run.window_changes >= 1 and run.cutoff > 6
    assert np.all(np.diff(run.norm_bound_at) >= 0)
    entry = run.to_dict()
    assert entry["max_dimension"] == run.max_dimension
    # the edge population is a probability, the Duhamel bound a state norm: both [1]
    assert entry["max_edge_population [1]"] == run.max_edge_population <= PhotonWindow().tol
    assert entry["truncation_norm_bound [1]"] == run.truncation_norm_bound == run.norm_bound_at[-1]
    # ChargingResult.parameters keep the plain names
    assert run.as_parameters()["max_edge_population"] == run.max_edge_population
    # every segment (and every redone one) takes at least one Lanczos step of products
    assert entry["products"] == run.products >= 60 // PhotonWindow().segment + run.rejected


def test_window_options_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match="`segment`"):
        PhotonWindow(segment=1)
    with pytest.raises(InvalidParameterError, match="`tol`"):
        PhotonWindow(tol=0.0)
    with pytest.raises(InvalidParameterError, match="`threads`"):
        PhotonWindow(threads=0)
    with pytest.raises(InvalidParameterError, match="`window`"):
        charge_dicke(DickeParameters(2, 0.2), window=PhotonWindow(), check_cutoff=True)
    with pytest.raises(InvalidParameterError, match="lowest"):
        window_basis(DickeParameters(2, 0.2), 3, 1)
    with pytest.raises(ResourceLimitError, match="GiB"):
        check_window_memory(DickeParameters(300_000, 0.2))


def test_cli_cutoff_tol_is_checked() -> None:
    from typer.testing import CliRunner

    from ssbattery.cli import app

    out = CliRunner().invoke(
        app, ["dicke", "--n-atoms", "4", "--coupling", "0.2", "--cutoff-tol", "0"]
    )
    assert out.exit_code == 2 and "`--cutoff-tol` must be > 0" in out.output


@pytest.mark.parametrize("threads", [1, 2])
def test_a_stopped_run_resumes_from_its_checkpoint(tmp_path: Path, threads: int) -> None:
    # stopped after every segment (stop_after_s = 0) and resumed until done, the run is
    # the uninterrupted one: same states, so E(t), ergotropy and window to rounding. With
    # two threads the ergotropy runs on a worker thread: every queued one must be in the
    # records before each checkpoint (else the resumed run has NaN there)
    from ssbattery.errors import RunPaused

    p = DickeParameters(8, 0.3, steps=80)
    win = PhotonWindow(tol=1e-10, segment=20, threads=threads)
    whole = charge_dicke(p, window=win, ergotropy=True)
    assert np.all(np.isfinite(whole.ergotropy))
    if threads > 1:  # the background ergotropy is the one computed in line
        inline = charge_dicke(p, window=PhotonWindow(tol=1e-10, segment=20), ergotropy=True)
        assert np.max(np.abs(inline.ergotropy - whole.ergotropy)) < 1e-12 * whole.energy_max
    path = tmp_path / "run.npz"
    calls = 0
    while True:
        calls += 1
        try:
            res = charge_dicke(p, window=win, ergotropy=True, checkpoint=path, stop_after_s=0.0)
            break
        except RunPaused as stop:
            assert "call again to resume" in str(stop)
    assert calls == 4 and res.parameters["calls"] == 4
    assert res.parameters["propagation_seconds"] > 0
    assert np.max(np.abs(res.energy - whole.energy)) < 1e-12 * whole.energy_max
    assert np.max(np.abs(res.ergotropy - whole.ergotropy)) < 1e-12 * whole.energy_max
    # the same Lanczos steps: the same count of products with H, summed over the calls
    assert res.parameters["products"] == whole.parameters["products"] > 0
    for key in ("photon_cutoff", "max_dimension", "window_changes", "truncation_norm_bound"):
        assert res.parameters[key] == pytest.approx(whole.parameters[key], rel=1e-12)
    # shorter segments may resume it (they only check the window more often): from the
    # last checkpoint (output time 60) to the end, the same E(t) to the window's accuracy
    again = charge_dicke(p, window=PhotonWindow(tol=1e-10, segment=5), checkpoint=path)
    assert again.parameters["calls"] == 4
    assert np.max(np.abs(again.energy - whole.energy)) < 1e-9 * whole.energy_max
    # another run's checkpoint is refused, and so is a stop without a checkpoint
    with pytest.raises(InvalidParameterError, match="another run"):
        charge_dicke(DickeParameters(8, 0.31, steps=80), window=win, checkpoint=path)
    with pytest.raises(InvalidParameterError, match="`stop_after_s` needs"):
        propagate_in_window(p, lambda psi, basis, k: None, stop_after_s=1.0)
    with pytest.raises(InvalidParameterError, match="moving photon window"):
        charge_dicke(p, checkpoint=path)


def test_cli_reports_the_cutoff_and_bound_and_keeps_the_4n_rule() -> None:
    # issue 11 §1: the default cutoff is chosen by error control and reported with its
    # bound; `--photon-cutoff 4N` is the review's fixed rule (§2.3.3) exactly
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    base = ["dicke", "--n-atoms", "6", "--coupling", "0.3", "--steps", "40"]
    out = CliRunner().invoke(app, [*base, "--json"])
    assert out.exit_code == 0, out.output
    info = json.loads(out.stdout)["parameters"]
    assert info["cutoff_rule"] == "moving photon window, edge population ≤ 1e-10"
    assert 6 < info["photon_cutoff"] and info["max_edge_population"] <= 1e-10
    assert 0 < info["energy_error_bound"] < 1e-3
    fixed = CliRunner().invoke(app, [*base, "--photon-cutoff", "24", "--json"])
    assert fixed.exit_code == 0, fixed.output
    info = json.loads(fixed.stdout)["parameters"]
    assert info["photon_cutoff"] == 24 and "cutoff_rule" not in info
    # the parity sector of (24 + 1) × (6 + 1) product states
    assert info["dimension"] == DickeParameters(6, 0.3, photon_cutoff=24).dimension == 88
    table = CliRunner().invoke(app, base)
    assert "window, edge population" in table.output and "rigorous" in table.output


def test_tol_with_the_window_is_refused_not_ignored() -> None:
    # `tol` sets the fixed cutoff's Lanczos; with `window` it had no effect (E(t) equal to
    # 1e-11 of a 60-level reference for tol = 1e-2, where the fixed cutoff is 6e-5 off)
    params = DickeParameters(6, 0.3, steps=40)
    with pytest.raises(InvalidParameterError, match="krylov_tol"):
        charge_dicke(params, window=PhotonWindow(tol=1e-10), tol=1e-2, ergotropy=False)
    ref = charge_dicke(replace(params, photon_cutoff=60), tol=1e-13, ergotropy=False)
    loose = charge_dicke(
        params,
        window=PhotonWindow(tol=1e-10, krylov_tol=1e-3, propagator="lanczos"),
        ergotropy=False,
    )
    tight = charge_dicke(
        params,
        window=PhotonWindow(tol=1e-10, krylov_tol=1e-12, propagator="lanczos"),
        ergotropy=False,
    )
    assert float(np.max(np.abs(tight.energy - ref.energy))) < 1e-9
    assert float(np.max(np.abs(loose.energy - ref.energy))) > 1e-9
