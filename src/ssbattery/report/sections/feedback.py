"""Report figures of §2.4: measurement-feedback machines (Bhandari et al., Fig. 15) and the
learned two-level engine cycle (Erdman et al., Fig. 16b)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv

__all__ = ["FIGURES", "build_demon", "build_learned_cycle", "build_refrigerator"]

#: Demon: ω1 = 1, ω2 = 3, T = 3, γ = 1, τ = 1 — a regime where the coupling helps
#: (g < 0 raises the flip energies ω_i + 2|g|); g scanned over the allowed |g| < ω1/2.
DEMON = {"omega2": 3.0, "temperature": 3.0, "rate": 1.0, "tau": 1.0}
DEMON_COUPLINGS = tuple(np.round(np.linspace(-0.45, 0.45, 19), 6))
#: Refrigerator: ω_c = 1 (cold, T_c = 1), ω_h = 4 (hot, T_h = 2), g = 0.1, γ = 1.
FRIDGE = {"omega_c": 1.0, "omega_h": 4.0, "coupling": 0.1, "T_cold": 1.0, "T_hot": 2.0}
FRIDGE_TAUS = tuple(np.round(np.logspace(-1.5, 1.0, 12), 6))
#: Learned cycle: the defaults of ssbattery.thermal.learning.learn_cycle.
LEARN = {"n_steps": 16, "period": 4.0, "iterations": 200, "population": 256, "seed": 0}
#: Erdman & Noé's set-up (flat Fermi rates, E0 = 2.5, T_c/T_h = 0.5, Δt = 0.5): 8 steps,
#: best of four seeds.
ERDMAN_NOE = {"n_steps": 8, "iterations": 300, "population": 1024}
ERDMAN_NOE_SEEDS = (0, 1, 2, 3)
#: Period scan of the learned and the Otto cycles (same u range, baths and 16 steps).
OTTO_PERIODS = (0.5, 1.0, 2.0, 4.0, 8.0)


def build_demon(out_dir: Path) -> Artifact:
    """Heat extracted per cycle vs g: joint vs Q1-only vs two parallel single-qubit demons."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.feedback import plot_demon_heat_vs_coupling
    from ssbattery.thermal.feedback import demon_scan

    scan = demon_scan(DEMON_COUPLINGS, **DEMON)
    fig, ax = plt.subplots(figsize=(6, 4))
    plot_demon_heat_vs_coupling(scan, ax=ax)
    ax.axvline(0.0, color="0.6", lw=0.8, ls=":")
    ax.set_title("H = ω1/2 σz⁽¹⁾ + ω2/2 σz⁽²⁾ + g σz⁽¹⁾σz⁽²⁾ (both signs of g)", fontsize="small")
    images = save_figure(fig, out_dir, "fig_demon_heat_vs_coupling")
    rows = [
        [
            g,
            f"{jm:.10g}",
            f"{js:.10g}",
            f"{sm:.10g}",
            f"{ss:.10g}",
            f"{scan.parallel_mean:.10g}",
            f"{scan.parallel_std:.10g}",
            f"{scan.temperature * info:.10g}",
        ]
        for g, jm, js, sm, ss, info in zip(
            scan.couplings,
            scan.joint_mean,
            scan.joint_std,
            scan.single_mean,
            scan.single_std,
            scan.joint_information,
            strict=True,
        )
    ]
    table = write_csv(
        out_dir / "fig_demon_heat_vs_coupling.csv",
        [
            "g [w1]",
            "joint mean [w1]",
            "joint std [w1]",
            "Q1-only mean [w1]",
            "Q1-only std [w1]",
            "parallel mean [w1]",
            "parallel std [w1]",
            "T*I_QC joint [w1]",
        ],
        rows,
    )
    i0 = int(np.argmin(np.abs(scan.couplings)))
    return Artifact(
        images=images,
        tables=(table,),
        parameters={"omega1": 1.0, **DEMON, "couplings": list(DEMON_COUPLINGS)},
        summary=(
            f"At g = 0 the joint demon equals two parallel single-qubit demons "
            f"({scan.joint_mean[i0]:.4f} ω1 per cycle). At g = {scan.couplings[0]:g} the joint "
            f"measurement extracts {scan.joint_mean[0]:.4f} ± {scan.joint_std[0]:.4f} ω1 per "
            f"cycle vs {scan.parallel_mean:.4f} ± {scan.parallel_std:.4f} for the parallel "
            f"set-ups (more heat, larger fluctuations); measuring Q1 alone gives "
            f"{scan.single_mean[0]:.4f}, growing monotonically with |g| on the g < 0 side. "
            f"The gain is one-sided: at g = +{scan.couplings[-1]:g} the joint demon gives "
            f"{scan.joint_mean[-1]:.3f} {'<' if scan.joint_mean[-1] < scan.parallel_mean else '≥'}"
            f" parallel {scan.parallel_mean:.3f}. Sign convention: we write +g σz⁽¹⁾σz⁽²⁾ with "
            "σz = +1 on |e⟩, so g < 0 raises both flip energies to ω_i + 2|g|; we could not "
            "confirm the paper's sign (a coupling written −g σzσz has our g < 0 side at its "
            "g > 0). "
            f"Every point obeys the Sagawa–Ueda bound W ≤ T·I_QC (largest ratio "
            f"{np.max(scan.joint_mean / (scan.temperature * scan.joint_information)):.3f}). "
            "Departure from Bhandari et al.: their 'two parallel single-qubit set-ups' are "
            "here two uncoupled qubits, each measured and flipped when excited."
        ),
    )


def build_refrigerator(out_dir: Path) -> Artifact:
    """Cooling power vs thermalisation time for measurement only, swap only and both."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.feedback import plot_refrigerator_modes
    from ssbattery.thermal.feedback import CoupledQubits, refrigerator_scan

    system = CoupledQubits(FRIDGE["omega_c"], FRIDGE["omega_h"], FRIDGE["coupling"])
    results = refrigerator_scan(FRIDGE_TAUS, system, T_cold=FRIDGE["T_cold"], T_hot=FRIDGE["T_hot"])
    taus = np.array(FRIDGE_TAUS)
    power = {mode: [r.cooling_power for r in rs] for mode, rs in results.items()}
    fig, ax = plt.subplots(figsize=(6, 4))
    plot_refrigerator_modes(taus, power, ax=ax)
    images = save_figure(fig, out_dir, "fig_refrigerator_modes")
    rows = []
    for mode, rs in results.items():
        for t, r in zip(taus, rs, strict=True):
            rows.append(
                [
                    mode,
                    t,
                    f"{r.cooling_power:.10g}",
                    f"{r.cooling_heat:.10g}",
                    f"{r.work_input:.10g}",
                    f"{r.cop:.10g}",
                    f"{r.entropy_production:.10g}",
                    f"{r.cycle.qc_information:.10g}",
                ]
            )
    table = write_csv(
        out_dir / "fig_refrigerator_modes.csv",
        [
            "mode",
            "tau [1/gamma]",
            "cooling power [w1 gamma]",
            "Q_c per cycle [w1]",
            "work input per cycle [w1]",
            "COP",
            "entropy production [k_B]",
            "I_QC [nats]",
        ],
        rows,
    )
    best = {mode: max(values) for mode, values in power.items()}
    carnot = FRIDGE["T_cold"] / (FRIDGE["T_hot"] - FRIDGE["T_cold"])
    cops = {mode: np.nanmax([r.cop for r in rs]) for mode, rs in results.items()}
    return Artifact(
        images=images,
        tables=(table,),
        parameters={**FRIDGE, "rate": 1.0, "taus": list(FRIDGE_TAUS)},
        summary=(
            "Maximum cooling power over τ: measurement only "
            f"{best['measurement']:.4f}, swap only {best['swap']:.4f}, both (measurement + "
            f"conditional swap) {best['both']:.4f} ω1γ — combining them refrigerates best, as "
            "the review states. COP (max over τ): "
            + ", ".join(f"{m} {c:.3f}" for m, c in cops.items())
            + f"; Carnot T_c/(T_h − T_c) = {carnot:.3f}. Departure from Bhandari et al.: "
            "their protocols were not accessible to us, so 'measurement only, swap only, "
            "both' are our three protocols (module docstring)."
        ),
    )


def build_learned_cycle(out_dir: Path) -> Artifact:
    """Learning curve, learned vs best Otto cycle, and both powers over a period scan."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.feedback import (
        plot_learned_vs_otto,
        plot_learning_curve,
        plot_power_vs_period,
    )
    from ssbattery.thermal.learning import (
        ERDMAN_NOE_STEP,
        EngineParameters,
        erdman_noe_parameters,
        fast_otto_bound,
        learn_cycle,
        optimal_otto,
        period_scan,
    )

    params = EngineParameters()
    en_params = erdman_noe_parameters()
    en_runs = [
        learn_cycle(
            en_params,
            n_steps=ERDMAN_NOE["n_steps"],
            period=ERDMAN_NOE_STEP * ERDMAN_NOE["n_steps"],
            iterations=ERDMAN_NOE["iterations"],
            population=ERDMAN_NOE["population"],
            seed=seed,
        )
        for seed in ERDMAN_NOE_SEEDS
    ]
    en_best = max(en_runs, key=lambda r: r.learned.power)
    en_bound = fast_otto_bound(en_params)[0] / en_params.E0
    en_step_otto = optimal_otto(en_params, 2 * ERDMAN_NOE_STEP).metrics.power / en_params.E0
    en_learned = en_best.learned.power / en_params.E0
    result = learn_cycle(params, **LEARN)  # type: ignore[arg-type]
    scan_kw = {k: v for k, v in LEARN.items() if k != "period"}
    # the period scan is a sweep of the `learned-cycle` entry (its point at LEARN's period
    # is `result` itself, bit for bit: the same seed and settings)
    scans = period_scan(params, OTTO_PERIODS, **scan_kw)  # type: ignore[arg-type]
    learned_scan = scans.learned_power.tolist()
    otto_scan = scans.otto_power.tolist()
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(16, 4))
    plot_learning_curve(result, ax=a1)
    plot_learned_vs_otto(result, ax=a2)
    plot_power_vs_period(np.array(OTTO_PERIODS), learned_scan, otto_scan, ax=a3)
    images = save_figure(fig, out_dir, "fig_learned_cycle")
    curve = write_csv(
        out_dir / "fig_learned_cycle_curve.csv",
        ["iteration", "best power [E0 Gamma]", "elite mean", "population mean"],
        [
            [i + 1, f"{b:.10g}", f"{e:.10g}", f"{m:.10g}"]
            for i, (b, e, m) in enumerate(
                zip(result.best_power, result.elite_power, result.mean_power, strict=True)
            )
        ],
    )
    t0 = np.concatenate([[0.0], np.cumsum(result.learned.durations)[:-1]])
    cycle = write_csv(
        out_dir / "fig_learned_cycle_schedule.csv",
        ["t start [1/Gamma]", "u", "bath"],
        [
            [f"{t:.6g}", f"{u:.8g}", b]
            for t, u, b in zip(t0, result.learned.u, result.learned.bath_names, strict=True)
        ],
    )
    scan_table = write_csv(
        out_dir / "fig_learned_cycle_period_scan.csv",
        ["period [1/Gamma]", "learned power [E0 Gamma]", "best Otto power [E0 Gamma]"],
        [
            [t, f"{lp:.10g}", f"{op:.10g}"]
            for t, lp, op in zip(OTTO_PERIODS, learned_scan, otto_scan, strict=True)
        ],
    )
    ratios = ", ".join(
        f"{lp / op:.2f} at {t:g}"
        for t, lp, op in zip(OTTO_PERIODS, learned_scan, otto_scan, strict=True)
    )
    return Artifact(
        images=images,
        tables=(curve, cycle, scan_table),
        parameters={
            **LEARN,
            "periods": list(OTTO_PERIODS),
            "E0": params.E0,
            "u_range": [params.u_min, params.u_max],
            "T_hot": params.T_hot,
            "T_cold": params.T_cold,
            "spectral_density": "Ohmic, gamma(E) = Gamma E/E0",
            "erdman_noe": {
                **ERDMAN_NOE,
                "seeds": list(ERDMAN_NOE_SEEDS),
                "E0": en_params.E0,
                "T_hot": en_params.T_hot,
                "T_cold": en_params.T_cold,
                "dt": ERDMAN_NOE_STEP,
                "bath": "flat Fermi rates",
            },
        },
        summary=(
            f"Cross-entropy search (seed {result.seed}, {result.iterations} iterations): "
            f"learned power {result.learned.power:.5f} E0Γ vs {result.otto.metrics.power:.5f} "
            f"for the best Otto cycle of the same period {LEARN['period']}/Γ "
            f"(×{result.advantage:.2f}); the first iteration's random schedules average "
            f"{result.mean_power[0]:.5f} (work dissipated). The learned cycle switches baths "
            "several times per period and ramps u during the cold contact. Learned/Otto power "
            f"over the period scan: {ratios}. The best Otto power rises as the period shrinks "
            f"(max {max(otto_scan):.4f} at {OTTO_PERIODS[int(np.argmax(otto_scan))]:g}/Γ): the "
            "fast-driving limit that Erdman et al. (NJP 21, 103049 (2019)) identify as the "
            "maximum-power protocol of a qubit engine, so the learned cycle wins at long "
            "periods and only matches (within a few %) at short ones. Departure from "
            "Erdman & Noé: the figure's bath is Ohmic and bosonic and the optimiser is a "
            "cross-entropy search, not soft actor-critic. On their set-up (flat Fermi rates, "
            f"E0 = {en_params.E0:g}, T_c/T_h = {en_params.T_cold / en_params.T_hot:g}, "
            f"Δt = {ERDMAN_NOE_STEP:g}) the best of {len(ERDMAN_NOE_SEEDS)} seeds reaches "
            f"{en_learned:.6f} E0Γ = {100 * en_learned / en_bound:.1f} % of the fast-Otto "
            f"bound {en_bound:.6f} E0Γ (computed independently in closed form); the fastest "
            f"cycle the step allows, hot/cold alternation every Δt, gives {en_step_otto:.6f} "
            f"({100 * en_step_otto / en_bound:.1f} %). The paper reports that its agent finds "
            "the known optimal cycle, the fast Otto cycle, which is consistent with these "
            "numbers at Δt = 0.5."
        ),
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig_demon_heat_vs_coupling",
        "Maxwell's demon: heat per cycle vs σz–σz coupling, joint vs parallel",
        "§2.4, Fig. 15 (Bhandari et al.)",
        build_demon,
    ),
    FigureSpec(
        "fig_refrigerator_modes",
        "Measurement-assisted refrigerator: measurement, swap, both",
        "§2.4, Fig. 15 (Bhandari et al.)",
        build_refrigerator,
    ),
    FigureSpec(
        "fig_learned_cycle",
        "Learned two-level engine cycle vs the best Otto cycle",
        "§2.4, Fig. 16b (Erdman et al.)",
        build_learned_cycle,
    ),
]
