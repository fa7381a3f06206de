"""The Lindblad engine of ssbattery.thermal against QuTiP on the same problems.

Problems (ħ = k_B = 1):

1. two coupled qubits (review eq. 15, ω0 = 1, λ = 0.2) between a hot (T = 2) and a cold
   (T = 0.5) bath, global (Davies) dissipators, rates 0.05 — d = 4;
2. a driven, damped oscillator H = a†a + 0.3(a + a†), local thermal bath (T = 0.5,
   γ = 0.2), truncated to N = 10 … 60 levels — d = N;
3. the limit cycle of an Otto engine with a 20-level oscillator (sudden strokes): fixed point
   of the one-cycle map (one linear solve) vs iterating cycles until the state changes by
   < 1e-10 per cycle, with the stroke maps known and with QuTiP ``mesolve`` per stroke
   (timed over a few cycles and scaled to the cycles needed).

Steady states: ours (sparse LU with a trace row) vs ``qutip.steadystate`` (direct). Time
evolution on 101 output times: ours (exact exp(LΔt), or ``expm_multiply`` above d² = 256)
vs ``qutip.mesolve`` at atol = rtol = 1e-10; the accuracy column is the largest entry-wise
difference between the two. QuTiP gets its operators as CSR data. Every timing is the
best of ``REPEAT`` runs with BLAS limited to one thread for both. Writes
RESULTS_lindblad.md next to this file.

    python benchmarks/bench_lindblad.py [--quick]
"""

from __future__ import annotations

import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPEAT = 3
NOTES = (
    "Notes: our evolution is exact up to round-off (dense exp(LΔt) for d² ≤ 256, "
    "`expm_multiply` above), so the accuracy column is QuTiP's ODE error at "
    "atol = rtol = 1e-10. Steady states agree to ~1e-15. The Otto cycle's Davies "
    "dissipators of a truncated oscillator have one jump operator per Bohr frequency "
    "(hundreds), which QuTiP integrates term by term; our stroke maps are exponentiated "
    "block by block in the eigenbasis of H. Timings on a shared 2-core machine vary by "
    "~2× between runs; the ratios are from the same run."
)
MESOLVE_CYCLES = 2


def best_of(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def problems(sizes: list[int]) -> list[tuple[str, np.ndarray, list[np.ndarray], np.ndarray]]:
    """(name, H, c_ops, rho0) of every benchmark problem."""
    from ssbattery.thermal import Bath, global_dissipators, local_dissipators

    sm = np.array([[0, 1], [0, 0]], dtype=complex)
    s1, s2 = np.kron(sm, np.eye(2)), np.kron(np.eye(2), sm)
    H = s1.conj().T @ s1 + s2.conj().T @ s2 - 0.2 * (s1.conj().T @ s2 + s2.conj().T @ s1)
    c = global_dissipators(H, s1 + s1.conj().T, Bath(2.0, 0.05))
    c += global_dissipators(H, s2 + s2.conj().T, Bath(0.5, 0.05))
    out = [("two qubits, global baths (d=4)", H, c, np.diag([0, 0, 0, 1.0]).astype(complex))]
    for n in sizes:
        a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
        Hn = a.conj().T @ a + 0.3 * (a + a.conj().T)
        cn = local_dissipators(a, 1.0, Bath(0.5, 0.2))
        rho0 = np.zeros((n, n), dtype=complex)
        rho0[0, 0] = 1.0
        out.append((f"driven oscillator, N={n}", Hn, cn, rho0))
    return out


def bench_problem(
    name: str, H: np.ndarray, c_ops: list[np.ndarray], rho0: np.ndarray
) -> dict[str, Any]:
    """Time steady state and evolution, ours vs QuTiP."""
    import qutip

    from ssbattery.thermal import evolve_density, steady_state

    # CSR data for QuTiP (a Qobj made from a numpy array is Dense, 10–100× slower here)
    Hq, cq = qutip.Qobj(H).to("csr"), [qutip.Qobj(c).to("csr") for c in c_ops]
    r0q = qutip.Qobj(rho0)
    t_ss_ours, ss_ours = best_of(lambda: steady_state(H, c_ops))
    t_ss_qt, ss_qt = best_of(lambda: qutip.steadystate(Hq, cq).full())
    times = np.linspace(0.0, 50.0, 101)
    t_ev_ours, tr = best_of(lambda: evolve_density(H, c_ops, rho0, times))
    opts = {"atol": 1e-10, "rtol": 1e-10, "nsteps": 100000}
    t_ev_qt, res = best_of(lambda: qutip.mesolve(Hq, r0q, times, cq, options=opts))
    ev_diff = max(
        float(np.max(np.abs(s.full() - x))) for s, x in zip(res.states, tr.states, strict=True)
    )
    return {
        "problem": name,
        "dim": H.shape[0],
        "ss_ours": t_ss_ours,
        "ss_qutip": t_ss_qt,
        "ss_diff": float(np.max(np.abs(ss_ours - ss_qt))),
        "ev_ours": t_ev_ours,
        "ev_qutip": t_ev_qt,
        "ev_diff": ev_diff,
    }


def bench_limit_cycle(levels: int = 20) -> dict[str, Any]:
    """Otto oscillator limit cycle: fixed point vs iterating cycles (maps known / mesolve)."""
    import qutip

    from ssbattery.thermal import Bath, global_dissipators, propagator, unvec, vec
    from ssbattery.thermal.otto import OttoCycle, WorkingMedium, otto_cycle

    wr = float(np.sqrt(2.0))
    cyc = OttoCycle(
        WorkingMedium("oscillator", levels=levels, reference_frequency=wr),
        2.0,
        1.0,
        Bath(2.0, 0.5),
        Bath(0.3, 0.5),
        5.0,
        5.0,
        stroke="sudden",
    )
    t_fp, res = best_of(lambda: otto_cycle(cyc))
    target = res.corner_states[0]
    med = cyc.medium
    Hh, Hc, S = med.hamiltonian(2.0), med.hamiltonian(1.0), med.coupling_operator()
    ch, cc = global_dissipators(Hh, S, cyc.hot), global_dissipators(Hc, S, cyc.cold)

    def iterate_maps() -> tuple[int, np.ndarray]:
        Ph, Pc = propagator(Hh, ch, 5.0), propagator(Hc, cc, 5.0)
        M = Pc @ Ph  # sudden strokes are the identity on ρ
        v = vec(np.eye(levels, dtype=complex) / levels)
        for k in range(1, 100000):
            new = M @ v
            if np.max(np.abs(new - v)) < 1e-10:
                return k, unvec(new, levels)
            v = new
        raise RuntimeError("no convergence")

    t_it, (n_it, rho_it) = best_of(iterate_maps)

    Hhq, Hcq = qutip.Qobj(Hh).to("csr"), qutip.Qobj(Hc).to("csr")
    chq, ccq = [qutip.Qobj(c).to("csr") for c in ch], [qutip.Qobj(c).to("csr") for c in cc]
    opts = {"atol": 1e-10, "rtol": 1e-8, "nsteps": 1000000}

    def mesolve_cycle(rho: Any) -> Any:
        mid = qutip.mesolve(Hhq, rho, [0.0, 5.0], chq, options=opts).states[-1]
        return qutip.mesolve(Hcq, mid, [0.0, 5.0], ccq, options=opts).states[-1]

    # QuTiP stroke by stroke: time MESOLVE_CYCLES cycles, extrapolate to the cycles needed;
    # and check our fixed point: one mesolve cycle from it must return it.
    t0 = time.perf_counter()
    rho = qutip.Qobj(np.eye(levels, dtype=complex) / levels)
    for _ in range(MESOLVE_CYCLES):
        rho = mesolve_cycle(rho)
    per_cycle = (time.perf_counter() - t0) / MESOLVE_CYCLES
    back = mesolve_cycle(qutip.Qobj(target)).full()
    return {
        "levels": levels,
        "fixed_point_s": t_fp,
        "iterate_maps_s": t_it,
        "iterate_maps_cycles": n_it,
        "iterate_maps_diff": float(np.max(np.abs(rho_it - target))),
        "mesolve_per_cycle_s": per_cycle,
        "mesolve_total_s": per_cycle * n_it,
        "mesolve_fixed_point_check": float(np.max(np.abs(back - target))),
    }


def main() -> None:
    """Run every benchmark, print the tables and write RESULTS_lindblad.md."""
    from threadpoolctl import threadpool_limits

    quick = "--quick" in sys.argv
    sizes = [10, 20] if quick else [10, 20, 30, 40, 60]
    warnings.simplefilter("ignore")
    lines = [
        "# Lindblad engine vs QuTiP",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}; BLAS on one thread; best of "
        f"{REPEAT}. Written by `python benchmarks/bench_lindblad.py`"
        + (" --quick" if quick else "")
        + ".",
        "",
        "| problem | d | steady state ours [s] | QuTiP [s] | ratio | max diff | "
        "evolution ours [s] | mesolve [s] | ratio | max diff |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    with threadpool_limits(limits=1):
        import qutip

        lines[2] += f" QuTiP {qutip.__version__}."
        for name, H, c, r0 in problems(sizes):
            r = bench_problem(name, H, c, r0)
            row = (
                f"| {r['problem']} | {r['dim']} | {r['ss_ours']:.4f} | {r['ss_qutip']:.4f} | "
                f"{r['ss_qutip'] / r['ss_ours']:.1f}× | {r['ss_diff']:.1e} | "
                f"{r['ev_ours']:.4f} | {r['ev_qutip']:.4f} | "
                f"{r['ev_qutip'] / r['ev_ours']:.1f}× | {r['ev_diff']:.1e} |"
            )
            print(row, flush=True)
            lines.append(row)
        lc = bench_limit_cycle(12 if quick else 20)
    lines += [
        "",
        f"## Limit cycle: Otto engine, oscillator with {lc['levels']} levels, sudden strokes",
        "",
        "| method | seconds | cycles | max diff to fixed point |",
        "|---|---|---|---|",
        f"| fixed point of the one-cycle map (ours) | {lc['fixed_point_s']:.4f} | – | 0 |",
        f"| iterate the known one-cycle map | {lc['iterate_maps_s']:.4f} | "
        f"{lc['iterate_maps_cycles']} | {lc['iterate_maps_diff']:.1e} |",
        f"| QuTiP mesolve stroke by stroke (timed over {MESOLVE_CYCLES} cycles, × cycles "
        f"needed) | {lc['mesolve_total_s']:.2f} | {lc['iterate_maps_cycles']} | – |",
        "",
        f"One QuTiP cycle (atol 1e-10, rtol 1e-8) started from our fixed point returns it to "
        f"{lc['mesolve_fixed_point_check']:.1e}. Ratio mesolve iteration / fixed point: "
        f"{lc['mesolve_total_s'] / lc['fixed_point_s']:.0f}×; iterating the known map: "
        f"{lc['iterate_maps_s'] / lc['fixed_point_s']:.1f}× the fixed-point time (the maps "
        "themselves dominate both).",
        "",
        NOTES,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not quick:
        (Path(__file__).parent / "RESULTS_lindblad.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
