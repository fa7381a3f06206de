"""MPS charging (TeNPy TEBD / TDVP) against the exact sector evolution of small chains."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.mps import TDVP, TEBD, charge_spin_chain_mps, fit_power_law
from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain

pytest.importorskip("tenpy")


def _exact(params: SpinChainParameters, t_max: float, steps: int) -> object:
    return charge_spin_chain(params, t_max=t_max, steps=steps, refine=False, tol=1e-12)


def test_tebd_matches_exact_nearest_neighbour_chain() -> None:
    # N = 6, α = 0.5 (Fig. 14's setup), t ≤ 0.3: TEBD-4 at dt = 0.005 with D = 8 = 2^(N/2)
    # (no truncation possible): measured max|ΔW|/Wmax ≈ 1e-10, ΔPmax/Pmax ≈ 1e-11
    p = SpinChainParameters(n_sites=6, anisotropy=0.5, interaction="nn")
    ex = _exact(p, 0.3, 30)
    res = charge_spin_chain_mps(p, t_max=0.3, steps=30, method=TEBD(bond_dim=8))
    assert np.max(np.abs(res.energy - ex.energy)) / ex.energy_max < 1e-8  # type: ignore[attr-defined]
    assert res.power_max == pytest.approx(ex.power_max, rel=1e-6)  # type: ignore[attr-defined]
    info = res.parameters
    assert info["method"] == "TEBD" and len(info["max_bond"]) == 30
    assert max(info["max_bond"]) <= 8
    assert np.all(np.diff(info["truncation_error"]) >= 0)


def test_truncation_is_reported_when_the_bond_dimension_is_too_small() -> None:
    p = SpinChainParameters(n_sites=6, anisotropy=0.5, interaction="nn")
    res = charge_spin_chain_mps(p, t_max=0.3, steps=30, method=TEBD(bond_dim=2))
    assert max(res.parameters["max_bond"]) == 2
    assert res.parameters["truncation_error"][-1] > 1e-8


def test_tdvp_matches_exact_long_range_chain() -> None:
    # LR p = 1, N = 5, exact MPO: measured max|ΔW|/Wmax ≈ 1e-7 at dt = 0.005 (t ≤ 0.2)
    p = SpinChainParameters(n_sites=5, anisotropy=0.5, interaction="lr", decay=1.0)
    ex = _exact(p, 0.2, 20)
    res = charge_spin_chain_mps(p, t_max=0.2, steps=20, method=TDVP(bond_dim=8))
    assert np.max(np.abs(res.energy - ex.energy)) / ex.energy_max < 1e-6  # type: ignore[attr-defined]
    assert res.power_max == pytest.approx(ex.power_max, rel=1e-6)  # type: ignore[attr-defined]
    assert res.parameters["method"] == "TDVP"


def test_power_law_fit_by_exponentials() -> None:
    c, lam, err = fit_power_law(1.0, 64, 8)
    d = np.arange(1, 64)
    approx = (lam[None, :] ** d[:, None]) @ c
    assert err == pytest.approx(float(np.max(np.abs(approx * d - 1.0))))
    # measured 1.1e-5 (see the docstring)
    assert err < 3e-5 and np.all(c > 0) and np.all((lam > 0) & (lam < 1))


def test_mps_options_are_checked() -> None:
    with pytest.raises(InvalidParameterError, match="`bond_dim`"):
        TEBD(bond_dim=0)
    with pytest.raises(InvalidParameterError, match="`order`"):
        TEBD(order=3)
    lr = SpinChainParameters(n_sites=4, interaction="lr")
    with pytest.raises(InvalidParameterError, match="TEBD needs"):
        charge_spin_chain_mps(lr, t_max=0.1, steps=2, method=TEBD())
    with pytest.raises(InvalidParameterError, match="uniform grid"):
        charge_spin_chain_mps(lr, [0.1, 0.15], method=TDVP())


def test_cli_spin_chain_mps_reports_bond_dimension_and_truncation() -> None:
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    runner = CliRunner()
    args = ["spin-chain", "--n-sites", "4", "--anisotropy", "0.5", "--t-max", "0.1"]
    out = runner.invoke(
        app, [*args, "--steps", "10", "--method", "mps", "--bond-dim", "4", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    exact = json.loads(runner.invoke(app, [*args, "--steps", "10", "--json"]).stdout)
    assert data["parameters"]["method"] == "TEBD"
    assert max(data["parameters"]["max_bond"]) <= 4
    # (the exact command polishes Pmax between grid points; compare the curves)
    key = next(k for k in exact if k.startswith("energy ["))  # "energy [unit]"
    diff = np.max(np.abs(np.array(data[key]) - np.array(exact[key])))
    assert diff / max(exact[key]) < 1e-8
    bad = runner.invoke(app, [*args, "--method", "dmrg"])
    assert bad.exit_code == 2 and "--method" in bad.output


def test_long_chain_beyond_the_exact_limit_matches_independent_spins() -> None:
    # α = 1: Hg is SU(2) invariant, the state stays a product (spin-coherent) state and
    # W(t) = 2NB sin²(ωt) exactly (module docstring of spin_chain); N = 64 > the exact
    # method's 30 sites
    from ssbattery.quantum.spin_chain import independent_spins_energy

    p = SpinChainParameters(n_sites=64, anisotropy=1.0, interaction="nn")
    with pytest.raises(InvalidParameterError, match="MPS method"):
        charge_spin_chain(p, t_max=0.05, steps=5)
    res = charge_spin_chain_mps(p, t_max=0.05, steps=5, method=TEBD(bond_dim=4))
    closed = independent_spins_energy(p, res.times)
    assert np.max(np.abs(res.energy - closed)) < 1e-9 * closed.max()
    # a product state up to the Trotter error: tiny Schmidt values (above svd_min = 1e-12)
    # from the non-commuting bond terms of the sweep-ordered splitting, D stays ≤ 4
    assert max(res.parameters["max_bond"]) <= 4


def test_checkpointed_run_resumes_to_the_same_numbers(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from ssbattery.quantum.tebd import TEBDState

    path = Path(str(tmp_path)) / "run.pkl"
    p = SpinChainParameters(n_sites=6, anisotropy=0.5)
    full = charge_spin_chain_mps(p, t_max=0.1, steps=20, method=TEBD(bond_dim=8))
    calls = [0]
    stage = TEBDState.sweep_stage

    def interrupt(self: TEBDState, *args: object) -> None:
        calls[0] += 1
        if calls[0] > 7 * 5:  # 5 Suzuki stages per output time: stop after 7 outputs
            raise KeyboardInterrupt
        stage(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(TEBDState, "sweep_stage", interrupt)
    with pytest.raises(KeyboardInterrupt):
        charge_spin_chain_mps(
            p, t_max=0.1, steps=20, method=TEBD(bond_dim=8), checkpoint=path, checkpoint_every=3
        )
    monkeypatch.setattr(TEBDState, "sweep_stage", stage)
    resumed = charge_spin_chain_mps(
        p, t_max=0.1, steps=20, method=TEBD(bond_dim=8), checkpoint=path
    )
    assert np.array_equal(resumed.energy, full.energy)
    with pytest.raises(InvalidParameterError, match="different run"):
        charge_spin_chain_mps(p, t_max=0.2, steps=20, method=TEBD(bond_dim=8), checkpoint=path)


@pytest.mark.parametrize("bad", [2.5, float("nan"), True, 0])
def test_tdvp_exponentials_must_be_a_positive_integer(bad) -> None:
    # 2.5 had been accepted and fitted with int(2.5) = 2 exponentials; NaN raised a bare
    # "cannot convert float NaN to integer"
    with pytest.raises(InvalidParameterError, match="`exponentials`"):
        TDVP(exponentials=bad)
    assert TDVP(exponentials=3.0).exponentials == 3


def test_mps_runs_that_cannot_fit_or_finish_are_refused_before_building() -> None:
    # These had run without end (minutes before the first step, no guard): the state at
    # the bond cap, N = 4096 at D = 4096, needs Σ 2 D_i D_{i+1} × 16 B ≈ 2.2e3 GiB; a grid
    # to t = 1e6 needs 2e8 steps of dt = 0.005 (≥ 1e-4 s per site each: 948 days); the exact
    # long-range MPO of 4096 sites has widths up to ≈ 3N/2 (dense tensors ≈ 1e4 GiB).
    import time

    from ssbattery.errors import ResourceLimitError
    from ssbattery.quantum.tdvp import chain_mpo, mpo_bond_widths

    big = SpinChainParameters(n_sites=4096)
    start = time.perf_counter()
    with pytest.raises(ResourceLimitError, match="MPS tensors"):
        charge_spin_chain_mps(big, steps=2, method=TEBD(bond_dim=4096))
    with pytest.raises(ResourceLimitError, match="948 days"):
        charge_spin_chain_mps(big, t_max=1e6, steps=2)
    with pytest.raises(ResourceLimitError, match="MPO tensors"):
        charge_spin_chain_mps(SpinChainParameters(n_sites=4096, interaction="lr"), steps=2)
    assert time.perf_counter() - start < 30
    # the widths the check uses are those of the MPO it would build
    from ssbattery.quantum.mps import chain_channels

    for n, alpha in ((9, 0.0), (12, 0.5)):
        p = SpinChainParameters(n_sites=n, interaction="lr", anisotropy=alpha)
        channels = chain_channels(p, None)[0]
        built = [W.shape[1] for W in chain_mpo([np.zeros((2, 2))] * n, channels)[:-1]]
        assert built == mpo_bond_widths(n, channels).tolist()


def test_the_mps_time_check_says_its_floor_is_a_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssbattery.errors import ResourceLimitError

    # 10⁴ TEBD steps (t_max = 50 at Δ = 0.005) of 100 sites at the 1e-4 s floor per site
    # and step: at least 100 s, refused under a 10 s limit before anything is built. The
    # check's messages (refusal and notice) had said "about", though the figure is a floor
    monkeypatch.setenv("SSBATTERY_COST_LIMIT_S", "10")
    with pytest.raises(
        ResourceLimitError,
        match=r"would take at least about 100 s \(1e\+04 TEBD steps of 100 sites\), above the 10 s",
    ):
        charge_spin_chain_mps(
            SpinChainParameters(n_sites=100), t_max=50.0, steps=10_000, method=TEBD(bond_dim=8)
        )
