"""Report figure: the review's five regime claims for the Dicke battery (§2.3.4–2.3.6),
answered by the sweep of :mod:`ssbattery.sweep.regime` (shipped precomputed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv

__all__ = ["FIGURES", "build_regime"]

REGENERATE = "python -m ssbattery.sweep.regime --workers 2 --out regime_sweep"
_CONVENTION = {"pi/(g*sqrt(N))": "t_max = π/(g√N)", "fixed tau": "τ fixed"}


def build_regime(out_dir: Path, *, data: Path | None = None) -> Artifact:
    """α(g, Ω, η) over N = 8…128 in several windows and both charging-time conventions,
    P_max with and without Ω and η, and E_max(η) around η_crit; the summary gives each
    claim's verdict from the data."""
    import matplotlib.pyplot as plt

    from ssbattery.quantum.dicke import eta_critical
    from ssbattery.sweep import regime

    table = regime.load_results(regime.DATA_FILE if data is None else data)
    fits = regime.fit_windows(table)
    claims = regime.judge_claims(table, fits)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
    ax = axes[0]
    markers = {"pi/(g*sqrt(N))": "o", "fixed tau": "s"}
    for k, window in enumerate(regime.WINDOWS):
        for conv, marker in markers.items():
            sel = [
                f
                for f in fits
                if f.window == window and f.convention == conv and f.drive == 0 and f.eta == 0
            ]
            g = np.array([f.coupling for f in sel]) * (1 + 0.04 * (k - 1.5))
            ax.errorbar(
                g,
                [f.exponent for f in sel],
                yerr=[f.stderr for f in sel],
                fmt=marker,
                color=f"C{k}",
                mfc="none" if conv == "fixed tau" else None,
                label=f"N {window[0]}–{window[1]}, {_CONVENTION[conv]}",
            )
    for y, text in ((1.8, "review: USC 1.8"), (1.5, "review: DSC 3/2")):
        ax.axhline(y, color="0.5", lw=0.8, ls=":")
        ax.text(0.05, y + 0.01, text, fontsize=7, color="0.4")
    ax.set_xscale("log")
    ax.set_xlabel("coupling g")
    ax.set_ylabel("α in P_max ∝ N^α (Ω = η = 0)")
    ax.legend(fontsize=6, ncol=2)
    ax = axes[1]
    whole = (regime.WINDOWS[-1], "pi/(g*sqrt(N))")
    for (om, eta), style in {
        (0.0, 0.0): "o-",
        (max(regime.DRIVES), 0.0): "s--",
        (0.0, max(regime.ETAS)): "^-.",
        (0.0, min(regime.ETAS)): "v:",
    }.items():
        sel = sorted(
            (
                f
                for f in fits
                if (f.window, f.convention) == whole and f.drive == om and f.eta == eta
            ),
            key=lambda f: f.coupling,
        )
        ax.errorbar(
            [f.coupling for f in sel],
            [f.exponent for f in sel],
            yerr=[f.stderr for f in sel],
            fmt=style,
            label=f"Ω = {om:g}, η = {eta:g}",
        )
    ax.set_xscale("log")
    ax.set_xlabel("coupling g")
    ax.set_ylabel(f"α (N {whole[0][0]}–{whole[0][1]}, t_max = π/(g√N))")
    ax.legend(fontsize=7)
    ax = axes[2]
    scan = table[table["convention"] == "eta scan"].sort_values("eta")
    ax.plot(scan["eta"], scan["energy_max"], "o-", ms=3)
    n_eta = int(regime.ETA_SPEC["fixed"]["n_atoms"])
    g_eta = float(regime.ETA_SPEC["fixed"]["coupling"])
    crit = eta_critical(n_eta, g_eta)
    ax.axvline(crit, color="C3", ls="--", label=f"η_crit = {crit:.2f}")
    ax.set_xlabel("η [ωc]")
    ax.set_ylabel("E_max [ωc]")
    ax.set_title(f"N = {n_eta}, g = {g_eta:g}", fontsize=9)
    ax.legend(fontsize=7)
    images = save_figure(fig, out_dir, "fig_dicke_regimes")
    fit_table = write_csv(
        out_dir / "fig_dicke_regimes_fits.csv",
        ["convention", "N_min", "N_max", "g", "Omega", "eta", "alpha", "alpha_SE", "R2", "points"],
        [
            [
                *(f.convention, *f.window, f.coupling, f.drive, f.eta),
                *(f"{f.exponent:.5f}", f"{f.stderr:.5f}", f"{f.r2:.6f}", f.points),
            ]
            for f in fits
        ],
    )
    verdicts = write_csv(
        out_dir / "fig_dicke_regimes_claims.csv",
        ["claim", "statement", "verdict", "evidence"],
        [[c.number, c.text, c.verdict, c.evidence] for c in claims],
    )
    worst = float(table["top_photon_population"].max())
    return Artifact(
        images=images,
        tables=(fit_table, verdicts),
        parameters={
            "atoms": list(regime.ATOMS),
            "couplings": list(regime.COUPLINGS),
            "drives": list(regime.DRIVES),
            "etas": list(regime.ETAS),
            "windows": [list(w) for w in regime.WINDOWS],
            "steps": regime.STEPS,
            "photon_cutoff": "4N",
            "precomputed": str(regime.DATA_FILE.name),
            "regenerate": REGENERATE,
        },
        summary=(
            "PRECOMPUTED from the named sweeps of ssbattery.sweep.regime (regenerate: "
            f"`{REGENERATE}`). Verdicts from the data: "
            + regime.summary_text(claims)
            + f" Photon cutoff 4N (largest top-Fock population {worst:.1e}). "
            + regime.cutoff_check(table)
            + f" {regime.STEPS} time points per run; N covered (from the table): "
            + ", ".join(
                f"{_CONVENTION[c]} {int(g['n_atoms'].min())}–{int(g['n_atoms'].max())}"
                for c, g in table[table["convention"].isin(list(_CONVENTION))].groupby("convention")
            )
            + "; α windows "
            + ", ".join(f"N {lo}–{hi}" for lo, hi in regime.WINDOWS)
            + "."
        ),
    )


#: This section's report figures (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig_dicke_regimes",
        "Dicke battery: the review's regime claims tested by a sweep over N, g, Ω and η",
        "§2.3.4–2.3.6",
        build_regime,
    ),
]
