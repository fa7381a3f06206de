"""The regime study (issue 10 §4): fits per N window and the five verdicts are computed from
the data (checked on synthetic tables with known answers), and the shipped table is what
the sweep entries compute (spot checks of cheap points)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ssbattery.sweep import regime


def _table(alpha: dict[float, float], drive_gain: float, eta_gain: float) -> pd.DataFrame:
    """P = N^α(g) × (1 + drive_gain Ω) × (1 + eta_gain η), E_max = tanh(η − η_crit)."""
    rows = []
    for conv in regime.SCALING_SPECS:
        for n in regime.ATOMS:
            for g in regime.COUPLINGS:
                for om, eta in regime.VARIANTS:
                    p = n ** (alpha[g] - 0.1 * om) * (1 + drive_gain * om) * (1 + eta_gain * eta)
                    rows.append([conv, n, g, om, eta, p, 1.0, 0.0])
    crit = 1.0 - 4 * 0.1**2 * 16
    for eta in np.linspace(-3, 3, 61):
        rows.append(["eta scan", 16, 0.1, 0.0, eta, 1.0, math.tanh(4 * (eta - crit)), 0.0])
    # the columns of the shipped table (regime_sweep.csv)
    columns = ["convention", "n_atoms", "coupling", "drive", "eta"]
    return pd.DataFrame(
        rows, columns=[*columns, "power_max", "energy_max", "top_photon_population"]
    )


def test_fits_recover_the_exponent_in_every_window() -> None:
    alpha = {0.05: 1.3, 0.2: 1.8, 0.5: 1.8, 1.0: 1.5}
    fits = regime.fit_windows(_table(alpha, 0.1, 0.1))
    bare = [f for f in fits if f.drive == 0 and f.eta == 0]
    for conv in regime.SCALING_SPECS:  # both conventions over N = 8…128, every window
        assert {f.window for f in bare if f.convention == conv} == set(regime.WINDOWS)
    for f in bare:
        assert f.exponent == pytest.approx(alpha[f.coupling], abs=1e-12)
        assert f.r2 == pytest.approx(1.0, abs=1e-12)


def test_verdicts_follow_the_data() -> None:
    holds = regime.judge_claims(_table({0.05: 1.3, 0.2: 1.8, 0.5: 1.8, 1.0: 1.5}, 2.0, 0.1))
    assert [c.verdict for c in holds] == ["holds"] * 5
    # α = 1.5 everywhere, the drive lowers P, η has the opposite effect
    fails = regime.judge_claims(_table({0.05: 1.5, 0.2: 1.5, 0.5: 1.5, 1.0: 1.5}, -0.5, -0.1))
    assert [c.verdict for c in fails[:4]] == [
        "does not hold",
        "does not hold",
        "holds",
        "does not hold",
    ]
    assert "0/" in fails[0].evidence  # no USC fit near 1.8
    assert "holds in 0/10 (window, convention): none" in fails[0].evidence


def test_critical_point_is_located_from_the_scan() -> None:
    table = _table({0.05: 1.3, 0.2: 1.8, 0.5: 1.8, 1.0: 1.5}, 0.1, 0.1)
    claim = regime.judge_claims(table)[-1]
    assert claim.number == 5 and claim.verdict == "holds" and "η_crit = 0.360" in claim.evidence
    shifted = table.copy()
    scan = shifted["convention"] == "eta scan"
    shifted.loc[scan, "energy_max"] = np.tanh(4 * (shifted.loc[scan, "eta"] - 2.0))
    assert regime.judge_claims(shifted)[-1].verdict == "does not hold"


def test_shipped_table_equals_the_entry_on_cheap_points() -> None:
    from ssbattery.sweep import run

    table = regime.load_results()
    assert set(table["convention"]) == {*regime.SCALING_SPECS, "eta scan", "cutoff 8N"}
    for conv in regime.SCALING_SPECS:  # N = 8…128 in both conventions, every (g, Ω, η)
        rows_c = table[table["convention"] == conv]
        assert sorted(set(rows_c["n_atoms"])) == list(regime.ATOMS)
        assert len(rows_c) == len(regime.ATOMS) * len(regime.COUPLINGS) * len(regime.VARIANTS)
    # a fixed-τ point: N = 8, g = 1, τ = π/(g√8), the bare model
    fixed = table[(table["convention"] == "fixed tau") & (table["n_atoms"] == 8)]
    fixed = fixed[(fixed["coupling"] == 1.0) & (fixed["drive"] == 0) & (fixed["eta"] == 0)]
    point = run(
        {
            "model": "dicke",
            "fixed": {"n_atoms": 8, "photon_cutoff": 32, "coupling": 1.0, "steps": regime.STEPS}
            | {"ergotropy": False, "t_max": regime.FIXED_TAU[1.0]},
        }
    ).dataset
    assert float(fixed["power_max"].iloc[0]) == pytest.approx(float(point["power_max"]), rel=1e-9)
    rows = table[
        (table["convention"] == "pi/(g*sqrt(N))")
        & (table["n_atoms"] == 8)
        & (table["coupling"] == 0.5)
    ]
    assert len(rows) == len(regime.VARIANTS)
    zipped = {"drive": [om for om, _ in regime.VARIANTS], "eta": [e for _, e in regime.VARIANTS]}
    spec = {
        "model": "dicke",
        "fixed": {"n_atoms": 8, "photon_cutoff": 32, "coupling": 0.5, "steps": regime.STEPS}
        | {"ergotropy": False},
        "zip": {"variant": zipped},
    }
    ds = run(spec).dataset
    for k, (om, eta) in enumerate(regime.VARIANTS):
        row = rows[(rows["drive"] == om) & (rows["eta"] == eta)]
        assert float(row["power_max"].iloc[0]) == pytest.approx(float(ds["power_max"][k]), rel=1e-9)


def test_report_figure_from_the_shipped_table(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from ssbattery.report.sections.regime import build_regime

    art = build_regime(tmp_path)
    assert all(p.exists() for p in (*art.images, *art.tables))
    assert art.summary.startswith("PRECOMPUTED") and regime.DATA_FILE.name in str(
        art.parameters["precomputed"]
    )
    for k in range(1, 6):
        assert f"({k})" in art.summary
    claims = pd.read_csv(art.tables[1])
    assert set(claims["verdict"]) <= {"holds", "partly", "does not hold"} and len(claims) == 5


def test_a_claim_that_holds_in_one_window_is_partly_and_names_it() -> None:
    """α = 1.8 up to N = 32 and 1.4 beyond (USC), 1.5 throughout (DSC): claim 1 holds in
    the window N 8–32 of both conventions only."""
    table = _table({0.05: 1.3, 0.2: 1.8, 0.5: 1.8, 1.0: 1.5}, 2.0, 0.1)
    usc = table["coupling"].isin([0.2, 0.5]) & (table["n_atoms"] > 32)
    n = table.loc[usc, "n_atoms"].to_numpy(float)
    table.loc[usc, "power_max"] = 32.0**1.8 * (n / 32.0) ** 1.4
    claim = regime.judge_claims(table)[0]
    assert claim.verdict == "partly"
    assert "holds in 2/10 (window, convention): N 8–32 (fixed τ), N 8–32 (π/(g√N))" in (
        claim.evidence
    )


def test_bad_workers_is_a_usage_error_before_anything_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ssbattery.sweep.regime import main

    out = tmp_path / "rg"
    with pytest.raises(SystemExit) as exit_info:
        main(["--workers", "0", "--out", str(out)])
    # had been a traceback of InvalidParameterError, after creating the output folder
    assert exit_info.value.code == 2
    assert "--workers: must be an integer ≥ 1, got 0" in capsys.readouterr().err
    assert not out.exists()
