"""Report figures of the thermal machines: Fig. 16 (Otto cycle), Fig. 15/eq. 15 (battery
charged by a heat current) and the optically pumped battery of §2.4."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from ssbattery.errors import ConvergenceWarning
from ssbattery.presets import FIG15_HEAT_BATTERY, FIG16_OTTO, PUMPED_BATTERY
from ssbattery.presets.thermal import OttoBaths
from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv

__all__ = ["FIGURES", "build_heat_battery", "build_otto", "build_pumped_battery"]

# Every setting comes from the cited presets (ssbattery.presets), the one source the CLI
# and the tests share; the names below are this section's short handles for them.
OTTO = {
    "omega_h": FIG16_OTTO.omega_h,
    "omega_c": FIG16_OTTO.omega_c,
    "T_h": FIG16_OTTO.T_h,
    "T_c": FIG16_OTTO.T_c,
    "rate": FIG16_OTTO.rate_h,
    "tau": FIG16_OTTO.tau_h,
}
OTTO_LEVELS = FIG16_OTTO.oscillator_levels
OTTO_CHECK_LEVELS = FIG16_OTTO.check_levels
OTTO_RATIOS: tuple[float, ...] = FIG16_OTTO.ratios
HEAT = {
    "T_h": FIG15_HEAT_BATTERY.T_h,
    "T_c": FIG15_HEAT_BATTERY.T_c,
    "rate": FIG15_HEAT_BATTERY.rate,
}
HEAT_COUPLINGS: tuple[float, ...] = FIG15_HEAT_BATTERY.couplings
HEAT_TAUS = np.array(FIG15_HEAT_BATTERY.taus)
HEAT_TAUS_OPT = np.array(FIG15_HEAT_BATTERY.taus_optimal_gate)
HEAT_SCAN_COUPLINGS = np.array(FIG15_HEAT_BATTERY.scan_couplings)
HEAT_SCAN_TAU = FIG15_HEAT_BATTERY.scan_tau
#: charging times at which the spread of the NESS gate over its phases is reported
HEAT_PHASE_TAUS: tuple[float, ...] = FIG15_HEAT_BATTERY.phase_taus
PUMP_TIME = PUMPED_BATTERY.pump_time
PUMP_OMEGAS = np.array(PUMPED_BATTERY.pump_omegas)
ENGINE_OMEGAS = np.array(PUMPED_BATTERY.engine_omegas)
ENGINE_TCS = np.array(PUMPED_BATTERY.engine_T_cs)
ENGINE_TCS_FINE = np.array(PUMPED_BATTERY.engine_T_cs_fine)
ENGINE_TAU = PUMPED_BATTERY.engine_tau
ENGINE_OMEGA_C = PUMPED_BATTERY.engine_omega_c


def _baths(omega_c: float) -> OttoBaths:
    """The Fig. 16 frequencies, baths and stroke times at cold frequency ω_c."""
    return FIG16_OTTO.baths(omega_c)


def build_otto(out_dir: Path) -> Artifact:
    """Fig. 16: the qubit Otto cycle in the (ω, S) plane and η vs ω_c/ω_h."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.thermal import plot_otto_cycle, plot_otto_efficiency
    from ssbattery.thermal.otto import (
        OttoResult,
        carnot_efficiency,
        oscillator_otto,
        otto_efficiency,
        otto_trajectory,
        qubit_otto,
    )
    from ssbattery.thermal.strokes import Adiabatic, Driven, Stroke, Sudden

    p = OTTO

    def oscillator(wc: float, stroke: Stroke) -> OttoResult:
        return oscillator_otto(levels=OTTO_LEVELS, stroke=stroke, **_baths(wc))

    def converged(wc: float, stroke: Stroke, eta: float) -> bool:
        # the truncation check: the same point with more states (its own warnings are the
        # verdict's business, not the figure's)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            more = oscillator_otto(levels=OTTO_CHECK_LEVELS, stroke=stroke, **_baths(wc))
        if math.isnan(eta) or math.isnan(more.efficiency):
            return math.isnan(eta) and math.isnan(more.efficiency)
        return abs(more.efficiency - eta) <= FIG16_OTTO.eta_tolerance

    def qubit(wc: float) -> OttoResult:
        return qubit_otto(**_baths(wc))

    res = qubit(p["omega_c"])
    driven = f"oscillator, driven τ_u = {FIG16_OTTO.driven_tau_u:g}"
    traj = otto_trajectory(res, points_per_stroke=30)
    curves: dict[str, list[float]] = {
        "qubit, adiabatic": [],
        "oscillator, adiabatic": [],
        driven: [],
        "oscillator, sudden": [],
    }
    rows: list[list[object]] = []
    residuals: list[float] = []
    dropped: list[str] = []
    for r in OTTO_RATIOS:
        wc = r * p["omega_h"]
        strokes: dict[str, Stroke] = {
            "oscillator, adiabatic": Adiabatic(),
            driven: Driven(FIG16_OTTO.driven_tau_u),
            "oscillator, sudden": Sudden(),
        }
        runs = {"qubit, adiabatic": qubit(wc)}
        runs.update({label: oscillator(wc, st) for label, st in strokes.items()})
        for label, run in runs.items():
            ok = label not in strokes or converged(wc, strokes[label], run.efficiency)
            if not ok:
                dropped.append(f"{label} at ω_c/ω_h = {r:g}")
            curves[label].append(run.efficiency if ok else math.nan)
            residuals.append(run.first_law_residual)
            rows.append(
                [
                    label,
                    r,
                    run.mode,
                    run.work,
                    run.heat_hot,
                    run.heat_cold,
                    run.efficiency,
                    run.power,
                    run.first_law_residual,
                    ok,
                ]
            )
    carnot = carnot_efficiency(p["T_h"], p["T_c"])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 4.0), layout="constrained")
    plot_otto_cycle(traj, ax=ax1)
    ax1.set_title(f"qubit Otto limit cycle, ω_h = {p['omega_h']:g}, ω_c = {p['omega_c']:g}")
    plot_otto_efficiency(OTTO_RATIOS, curves, carnot=carnot, ax=ax2)
    ax2.set_title(f"efficiency, T_h = {p['T_h']:g}, T_c = {p['T_c']:g}, τ = {p['tau']:g}")
    images = save_figure(fig, out_dir, "fig16_otto_cycle")
    t1 = write_csv(
        out_dir / "fig16_otto_cycle.csv",
        ["omega", "entropy [nats]", "energy", "excited population", "stroke"],
        zip(traj.omega, traj.entropy, traj.energy, traj.excitation, traj.stroke, strict=True),
    )
    t2 = write_csv(
        out_dir / "fig16_otto_efficiency.csv",
        [
            "medium/stroke",
            "omega_c/omega_h",
            "mode",
            "W",
            "Q_h",
            "Q_c",
            "efficiency",
            "power",
            "|W+Q_h+Q_c|",
            f"converged ({OTTO_LEVELS} vs {OTTO_CHECK_LEVELS} levels)",
        ],
        rows,
    )
    sudden = np.array(curves["oscillator, sudden"], dtype=float)
    worst_law = max(residuals)
    return Artifact(
        images=images,
        tables=(t1, t2),
        parameters={
            **OTTO,
            "oscillator_levels": OTTO_LEVELS,
            "check_levels": OTTO_CHECK_LEVELS,
            "eta_tolerance": FIG16_OTTO.eta_tolerance,
            "ratios": list(OTTO_RATIOS),
        },
        summary=(
            f"Qubit limit cycle: W = {res.work:.4f}, Q_h = {res.heat_hot:.4f}, "
            f"Q_c = {res.heat_cold:.4f}, η = {res.efficiency:.4f} (Otto 1 − ω_c/ω_h = "
            f"{otto_efficiency(p['omega_h'], p['omega_c']):.3g}, "
            f"Carnot {carnot:.3f}), power {res.power:.4f} per unit time. Adiabatic strokes give "
            "η = 1 − ω_c/ω_h for both media wherever the cycle is an engine (it stops at "
            f"ω_c/ω_h = T_c/T_h = {p['T_c'] / p['T_h']:.3f}); sudden quenches of the oscillator "
            f"lose work to friction (best η {np.nanmax(sudden):.3f}). Largest first-law "
            f"residual |W + Q_h + Q_c| = {worst_law:.1e}. "
            + (
                f"Not drawn (η moves by more than {FIG16_OTTO.eta_tolerance:g} from "
                f"{OTTO_LEVELS} to {OTTO_CHECK_LEVELS} oscillator levels): "
                + "; ".join(dropped)
                + "."
                if dropped
                else f"Every oscillator point is converged ({OTTO_LEVELS} vs "
                f"{OTTO_CHECK_LEVELS} levels)."
            )
        ),
    )


def build_heat_battery(out_dir: Path) -> Artifact:
    """Fig. 15 / eq. 15: efficiency and power of the heat-charged battery vs τ and λ."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.thermal import plot_heat_battery, plot_heat_battery_coupling
    from ssbattery.thermal.heat_battery import (
        HeatBattery,
        coupling_scan,
        heat_battery_sweep,
        ness_gate_phase_range,
    )

    sw = heat_battery_sweep(
        HEAT_TAUS,
        HEAT_COUPLINGS,
        T_h=HEAT["T_h"],
        T_c=HEAT["T_c"],
        rate_h=HEAT["rate"],
        rate_c=HEAT["rate"],
    )
    opt = heat_battery_sweep(
        HEAT_TAUS_OPT,
        HEAT_COUPLINGS,
        T_h=HEAT["T_h"],
        T_c=HEAT["T_c"],
        rate_h=HEAT["rate"],
        rate_c=HEAT["rate"],
        gate="optimal",
    )
    cscan = coupling_scan(
        HEAT_SCAN_COUPLINGS,
        HEAT_SCAN_TAU,
        T_h=HEAT["T_h"],
        T_c=HEAT["T_c"],
        rate_h=HEAT["rate"],
        rate_c=HEAT["rate"],
    )
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15.5, 4.0), layout="constrained")
    plot_heat_battery(sw, ax=ax1, quantity="efficiency")
    ax1.axhline(1 - HEAT["T_c"] / HEAT["T_h"], color="r", ls="--", lw=0.8, label="Carnot")
    ax1.legend(fontsize="small")
    for k, row in enumerate(opt.efficiency):
        ax1.plot(opt.taus, row, f"C{k}--", marker=".", label="optimal gate" if k == 0 else None)
    ax1.legend(fontsize="small")
    ax1.set_yscale("log")
    ax1.set_title("two-qubit battery (eq. 15): efficiency (solid: NESS gate)")
    plot_heat_battery(sw, ax=ax2, quantity="power")
    for k, row in enumerate(opt.power):
        ax2.plot(opt.taus, row, f"C{k}--", marker=".", label="optimal gate" if k == 0 else None)
    ax2.legend(fontsize="small")
    ax2.set_title("output power per cycle (dashed: gate optimised per τ)")
    plot_heat_battery_coupling(cscan, ax=ax3)
    ax3.set_title(f"against coupling, τ = {HEAT_SCAN_TAU:g}")
    images = save_figure(fig, out_dir, "fig15_heat_charged_battery")
    t2 = write_csv(
        out_dir / "fig15_heat_charged_battery_coupling.csv",
        ["coupling", "ergotropy(NESS)", "J_h(NESS)", "W", "efficiency", "power", "local valid"],
        zip(
            cscan.coupling,
            cscan.ness_ergotropy,
            cscan.ness_heat_current,
            cscan.work,
            cscan.efficiency,
            cscan.power,
            cscan.local_valid,
            strict=True,
        ),
    )
    rows = [
        [
            lam,
            tau,
            sw.work[i, j],
            sw.heat_hot[i, j],
            sw.efficiency[i, j],
            sw.power[i, j],
            sw.ergotropy[i, j],
            sw.ness_ergotropy[i],
        ]
        for i, lam in enumerate(sw.couplings)
        for j, tau in enumerate(sw.taus)
    ]
    table = write_csv(
        out_dir / "fig15_heat_charged_battery.csv",
        [
            "coupling",
            "tau",
            "W",
            "Q_h",
            "efficiency",
            "power",
            "ergotropy(rho_tau)",
            "ergotropy(NESS)",
        ],
        rows,
    )
    t3 = write_csv(
        out_dir / "fig15_heat_charged_battery_optimal_gate.csv",
        ["coupling", "tau", "W", "Q_h", "efficiency", "power"],
        [
            [lam, tau, opt.work[i, j], opt.heat_hot[i, j], opt.efficiency[i, j], opt.power[i, j]]
            for i, lam in enumerate(opt.couplings)
            for j, tau in enumerate(opt.taus)
        ],
    )
    phase_bat = HeatBattery(
        HEAT_COUPLINGS[-1], HEAT["T_h"], HEAT["T_c"], HEAT["rate"], HEAT["rate"]
    )
    ranges = [ness_gate_phase_range(phase_bat, t) for t in HEAT_PHASE_TAUS]
    phase_text = "; ".join(
        f"τ = {g.tau:g}: η ∈ [{g.efficiency[1]:.4f}, {g.efficiency[2]:.4f}]" for g in ranges
    )
    best_short = ranges[0].efficiency[2] >= max(g.efficiency[2] for g in ranges)
    mono = all(bool(np.all(np.diff(row) < 0)) for row in (*opt.efficiency, *opt.power))
    bad = ~cscan.local_valid
    invalid_from = f"{cscan.coupling[bad].min():.3g}" if bad.any() else "nowhere"
    best = sw.optima()
    parts = [
        f"λ = {lam:g}: η_max = {best['max_efficiency'][i]:.3f} at τ = "
        f"{best['tau_max_efficiency'][i]:.2g}, P_max = {best['max_power'][i]:.2e} at τ = "
        f"{best['tau_max_power'][i]:.2g}, η(τ→0) = {sw.efficiency[i, 0]:.3f}, "
        f"η(τ = {sw.taus[-1]:g}) = {sw.efficiency[i, -1]:.3f}"
        for i, lam in enumerate(sw.couplings)
    ]
    return Artifact(
        images=images,
        tables=(table, t3, t2),
        parameters={
            **HEAT,
            "couplings": list(HEAT_COUPLINGS),
            "scan_couplings": [float(x) for x in HEAT_SCAN_COUPLINGS],
            "scan_tau": HEAT_SCAN_TAU,
            "form": "local",
            "gate": "NESS ergotropy unitary (solid); optimised per τ (dashed)",
        },
        summary=(
            "With the discharge gate optimised for each charging time, efficiency and output "
            "power are largest in the short-cycle limit, as the review states ("
            + ("both fall monotonically with τ" if mono else "NOT monotonic in τ")
            + f"; at τ = {opt.taus[0]:g}: η = "
            + ", ".join(f"{x:.3f}" for x in opt.efficiency[:, 0])
            + ", P = "
            + ", ".join(f"{x:.2e}" for x in opt.power[:, 0])
            + f" for λ = {', '.join(f'{x:g}' for x in opt.couplings)}). The fixed NESS gate "
            "is defined only up to one phase per eigenvector; at our stated convention "
            "(largest component of each eigenvector real positive) η and P peak at a finite "
            "τ (" + "; ".join(parts) + "), but over the gate's phases "
            f"(λ = {HEAT_COUPLINGS[-1]:g}) {phase_text}, so that peak is an artefact of the "
            "phases: at their best phases the fixed gate's η is "
            + ("largest at the shortest τ" if best_short else "NOT largest at the shortest τ")
            + ". Departure from the paper: its gate is not stated, so we report both the "
            "per-τ optimum and the phase range of the NESS gate. Against λ (τ = "
            f"{HEAT_SCAN_TAU:g}): the NESS ergotropy grows from "
            f"{cscan.ness_ergotropy[0]:.2e} (λ = {cscan.coupling[0]:g}) to "
            f"{cscan.ness_ergotropy[-1]:.2e} (λ = {cscan.coupling[-1]:g}); the local "
            f"master equation is flagged invalid from λ = {invalid_from} on (λ ≥ γ)."
        ),
    )


def build_pumped_battery(out_dir: Path) -> Artifact:
    """§2.4 (Santos et al.): charging efficiency/power vs pump frequency, engine region."""
    import matplotlib.pyplot as plt

    from ssbattery.plotting.thermal import (
        plot_engine_region,
        plot_pumped_charging,
        plot_pumped_charging_time,
    )
    from ssbattery.thermal.pumped_battery import (
        PumpedBattery,
        charging,
        charging_scan,
        engine_efficiency_bound,
        engine_region,
    )

    bat = PUMPED_BATTERY.battery
    scan = charging_scan(bat, PUMP_OMEGAS, PUMP_TIME)
    times = np.geomspace(1.0, 1000.0, 40)
    runs = [charging(bat, w, times) for w in (1.4, bat.omega_a, 1.6)]
    emap = engine_region(bat, ENGINE_OMEGAS, ENGINE_TCS, omega_c=ENGINE_OMEGA_C, tau=ENGINE_TAU)
    bound = engine_efficiency_bound(bat, bat.omega_a, omega_c=ENGINE_OMEGA_C)
    single = PumpedBattery(single_reservoir=True)
    tc_scans = {
        f"separate reservoir T_r = {bat.T_r:g}": engine_region(
            bat, [bat.omega_a], ENGINE_TCS_FINE, omega_c=ENGINE_OMEGA_C, tau=ENGINE_TAU
        ),
        "single reservoir (T_r = T_c)": engine_region(
            single, [bat.omega_a], ENGINE_TCS_FINE, omega_c=ENGINE_OMEGA_C, tau=ENGINE_TAU
        ),
    }
    fig, (ax1, ax3, ax2, ax4) = plt.subplots(1, 4, figsize=(21.0, 4.2), layout="constrained")
    plot_pumped_charging(scan, ax=ax1, omega_a=bat.omega_a)
    ax1.set_title(f"charging from |g⟩ for t = {PUMP_TIME:g}")
    plot_pumped_charging_time(runs, ax=ax3)
    ax3.set_title("charging efficiency against time")
    plot_engine_region(emap, ax=ax2)
    ax2.set_title("two-stroke engine: where W > 0")
    for label, m in tc_scans.items():
        ax4.plot(m.T_cs, m.efficiency[:, 0], marker=".", label=label)
    ax4.set_xlabel("T_c")
    ax4.set_ylabel("engine efficiency at resonance")
    ax4.legend(fontsize="small")
    ax4.set_title("T_c scan at ω_L = ω_a (review: 'not affected significantly')")
    images = save_figure(fig, out_dir, "fig_pumped_battery")
    t4 = write_csv(
        out_dir / "fig_pumped_battery_tc_scan.csv",
        ["variant", "T_c", "W", "efficiency"],
        [
            [label, tc, m.work[i, 0], m.efficiency[i, 0]]
            for label, m in tc_scans.items()
            for i, tc in enumerate(m.T_cs)
        ],
    )
    drops = {}
    for label, m in tc_scans.items():
        eff = m.efficiency[:, 0]
        stops = m.T_cs[~(m.work[:, 0] > 0)]
        drops[label] = (
            100 * (1 - eff[-1] / eff[0]) if np.isfinite(eff[-1]) else 100.0,
            float(stops.min()) if stops.size else math.nan,
        )
    significant = all(d >= 10 for d, _ in drops.values())
    tc_text = "; ".join(
        f"{label}: η falls {d:.0f} %"
        + (f" and the engine stops at T_c ≈ {stop:.2f}" if math.isfinite(stop) else "")
        for label, (d, stop) in drops.items()
    )
    t1 = write_csv(
        out_dir / "fig_pumped_battery_charging.csv",
        ["omega_L", "efficiency", "stored_energy", "power", "pump_work", "first_law_defect"],
        zip(
            scan.omega_L,
            scan.efficiency,
            scan.stored_energy,
            scan.power,
            scan.pump_work,
            scan.first_law_defect,
            strict=True,
        ),
    )
    t2 = write_csv(
        out_dir / "fig_pumped_battery_engine.csv",
        ["T_c", "omega_L", "W", "efficiency"],
        [
            [tc, w, emap.work[i, j], emap.efficiency[i, j]]
            for i, tc in enumerate(emap.T_cs)
            for j, w in enumerate(emap.omega_Ls)
        ],
    )
    t3 = write_csv(
        out_dir / "fig_pumped_battery_time.csv",
        ["omega_L", "t", "efficiency", "power", "stored_energy"],
        [
            [run.omega_L, t, run.efficiency[k], run.power[k], run.stored_energy[k]]
            for run in runs
            for k, t in enumerate(run.times)
        ],
    )
    res_run = runs[1]
    k_best = int(np.nanargmax(res_run.efficiency))
    works = emap.work > 0
    widths = [
        (float(emap.omega_Ls[row].min()), float(emap.omega_Ls[row].max()))
        if row.any()
        else (math.nan, math.nan)
        for row in works
    ]
    j_res = int(np.argmin(np.abs(emap.omega_Ls - bat.omega_a)))
    return Artifact(
        images=images,
        tables=(t1, t3, t2, t4),
        parameters={
            "omega_e": bat.omega_e,
            "omega_a": bat.omega_a,
            "rabi": bat.rabi,
            "decay": bat.decay,
            "battery_rate": bat.battery_rate,
            "T_r": bat.T_r,
            "T_c": bat.T_c,
            "time": PUMP_TIME,
            "engine_tau": ENGINE_TAU,
            "omega_c": ENGINE_OMEGA_C,
        },
        summary=(
            f"Stored power at t = {PUMP_TIME:g} peaks at resonance ω_L = "
            f"{scan.omega_L[np.argmax(scan.power)]:.3f} (ω_a = {bat.omega_a:g}), "
            f"P = {np.max(scan.power):.2e}; the charging efficiency there is "
            f"{scan.efficiency[np.argmax(scan.power)]:.3f} (bound ω_e/ω_a = "
            f"{bat.omega_e / bat.omega_a:.3f}); it rises towards red detuning as ω_e/ω_L, so "
            "in this model the resonance optimum holds for power, not for efficiency per "
            "photon; but off resonance the local rotating-frame model misses the first law by "
            "(ω_a − ω_L)·N_abs, "
            f"{100 * abs(scan.first_law_defect[0]) / scan.pump_work[0]:.0f} % of the "
            f"pump work at ω_L = {scan.omega_L[0]:g}, so its red-side efficiencies are "
            "not trustworthy (the engine map shares this caveat away from resonance). At "
            f"resonance the efficiency peaks at t = {res_run.times[k_best]:.0f} "
            f"(η = {res_run.efficiency[k_best]:.3f}) and falls at longer times as the battery "
            "leaks, so the review's 'more efficient for shorter times' is NOT reproduced: η "
            f"rises up to t ≈ {res_run.times[k_best]:.0f} and only then falls. Engine: works "
            "for ω_L in "
            f"[{widths[0][0]:.2f}, {widths[0][1]:.2f}] at T_c = {emap.T_cs[0]:.2f}, narrowing "
            f"to [{widths[-1][0]:.2f}, {widths[-1][1]:.2f}] at T_c = {emap.T_cs[-1]:.2f}; at "
            f"resonance η falls from {emap.efficiency[0, j_res]:.3f} to "
            f"{emap.efficiency[-1, j_res]:.3f} (Otto × pumping bound "
            f"{bound:.3f}). T_c scan at resonance, "
            f"T_c = {ENGINE_TCS_FINE[0]:g} → {ENGINE_TCS_FINE[-1]:g}: {tc_text}; verdict: "
            + (
                "the review's 'not affected in a significant way' by T_c is CONTRADICTED by "
                "both variants."
                if significant
                else "the efficiency changes by less than 10 % in at least one variant."
            )
            + " Departures from the paper: the auxiliary level decays into a separate "
            f"reservoir at T_r = {bat.T_r:g} by default (the abstract's single natural "
            "reservoir is the single-reservoir variant), and the engine's work stroke is our "
            "swap with a cold qubit."
        ),
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig16_otto_cycle",
        "Quantum Otto cycle: limit cycle and efficiency",
        "Fig. 16, §2.4",
        build_otto,
    ),
    FigureSpec(
        "fig15_heat_charged_battery",
        "Battery charged by a heat current (eq. 15)",
        "Fig. 15, eq. 15, §2.4",
        build_heat_battery,
    ),
    FigureSpec(
        "fig_pumped_battery",
        "Optically pumped battery and two-stroke engine",
        "§2.4 (Santos et al.)",
        build_pumped_battery,
    ),
]
