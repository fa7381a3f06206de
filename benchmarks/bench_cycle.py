"""The general cycle engine (ssbattery.thermal.cycle) against the dedicated Otto path and
against the same limit cycle assembled from QuTiP.

Problem (ħ = k_B = 1): a four-stroke Otto cycle, compression λ_c → λ_h, hot contact for
τ_h = 3, expansion, cold contact for τ_c = 4, in its limit cycle. Media: a qubit
H(ω) = (ω/2)σᶻ (ω 1 → 2, T 0.5/4, σˣ bath, γ = 0.5); the XXZ chain of the review's eqs.
10–11 with N = 2 … 4 sites (g = 2, α = 0.5, field B 1 → 2, baths T_h = 4, T_c = 0.5 on the
two end sites through σˣ, γ = 0.5). H(B) = H_g + B M with [H_g, M] = 0, so the adiabatic
strokes are the identity on the state; every peer uses sudden strokes (the same physics).

Peers (one BLAS thread each):

* ours, general: :func:`~ssbattery.thermal.cycle.run_cycle` on
  :func:`~ssbattery.thermal.cycle.otto_cycle_of` — stroke maps, limit cycle (one linear
  solve), per-bath heats from the exact time integral of each thermal stroke, the
  per-subsystem split;
* ours, dedicated (qubit only): :func:`~ssbattery.thermal.otto.qubit_otto`;
* QuTiP 5: the Liouvillian of each thermal stroke as a ``Qobj`` superoperator (the same
  Davies jump operators), its propagator by ``Qobj.expm`` (the fastest QuTiP route for a
  constant generator), the cycle map as the product, the fixed point by NumPy's dense
  solve with the trace row (QuTiP has no limit-cycle solver), and W, Q_h, Q_c from the
  energies at the stroke ends (H is constant during a thermal stroke).

Accuracy: |ΔW|/|W| between the peers; the independent reference is the limit of long
strokes, where the cycle is quasi-static and W has the closed form of the adiabatic
levels (tests/thermal/test_cycle_feedback_and_chain.py). Timings: best of REPEAT, peers
interleaved (ours, QuTiP, ours again), load average printed. Writes RESULTS_cycle.md.

Large media (``--large``): the dense engine (d² × d² stroke maps) against the sparse one
(:data:`~ssbattery.thermal.cycle.SPARSE_ABOVE`: expm_multiply on the sparse Liouvillian,
matrix-free GMRES limit cycle) on the same chain with local baths (σ⁻ of the end sites)
at N = 4, 5 (both engines, interleaved dense, sparse, dense; ΔW, ΔQ_h, ΔQ_c between
them), and the sparse engine alone at N = 6 … 8 (one run each: wall time, tracemalloc
peak of Python/NumPy allocations, first-law residual), plus the quasi-static reference.
Appends its table to RESULTS_cycle.md.

    python benchmarks/bench_cycle.py
    python benchmarks/bench_cycle.py --large 4 5 6 7 8
"""

from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPEAT = 5
TAU_H, TAU_C = 3.0, 4.0


def best_of(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls and the last result."""
    from bench_lindblad import best_of as lindblad_best_of

    return lindblad_best_of(fn, repeat)


def qutip_otto(medium: Any, lam_h: float, lam_c: float, hot: Any, cold: Any, ops: Any) -> float:
    """W per cycle of the sudden-stroke Otto cycle, assembled from QuTiP objects."""
    import qutip

    from ssbattery.thermal.baths import global_dissipators

    d = medium.dim
    dims = [[d], [d]]
    Hh, Hc = medium.H(lam_h), medium.H(lam_c)

    def stroke(H: np.ndarray, bath: Any, tau: float) -> np.ndarray:
        c_ops = [c for S in ops for c in global_dissipators(H, S, bath)]
        L = qutip.liouvillian(qutip.Qobj(H, dims=dims), [qutip.Qobj(c, dims=dims) for c in c_ops])
        return (L * tau).expm().full()

    Ph, Pc = stroke(Hh, hot, TAU_H), stroke(Hc, cold, TAU_C)
    M = Pc @ Ph  # start of the hot stroke → start of the next hot stroke (sudden strokes)
    A = M - np.eye(d * d)
    A[0, :] = np.eye(d).reshape(-1, order="F")  # trace row
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    rho_h0 = np.linalg.solve(A, b).reshape(d, d, order="F")
    rho_h1 = (Ph @ rho_h0.reshape(-1, order="F")).reshape(d, d, order="F")

    def energy(H: np.ndarray, rho: np.ndarray) -> float:
        return float(np.real(np.trace(H @ rho)))

    w_comp = energy(Hh, rho_h0) - energy(Hc, rho_h0)
    w_exp = energy(Hc, rho_h1) - energy(Hh, rho_h1)
    return w_comp + w_exp


def one_case(label: str) -> tuple[str, int, float, float | None, float, float, float | None]:
    """(label, d, t_general, t_dedicated, t_qutip, |ΔW|/|W| general vs QuTiP,
    |ΔW|/|W| general vs dedicated)."""
    from ssbattery.thermal.baths import Bath
    from ssbattery.thermal.cycle import Medium, otto_cycle_of, run_cycle
    from ssbattery.thermal.media import spin_chain_medium
    from ssbattery.thermal.otto import qubit_otto

    hot, cold = Bath(4.0, 0.5), Bath(0.5, 0.5)
    if label == "qubit":
        med = Medium(lambda w: np.diag([w / 2, -w / 2]).astype(complex), (2,))
        ops: list[Any] = [np.array([[0, 1], [1, 0]], dtype=complex)]
    else:
        n = int(label.split("=")[1])
        med, named = spin_chain_medium(n, coupling=2.0, anisotropy=0.5)
        ops = [named["x1"], named[f"x{n}"]] if n > 1 else [named["x1"]]
    cyc = otto_cycle_of(
        med, 2.0, 1.0, hot, cold, ops, tau_hot=TAU_H, tau_cold=TAU_C, protocol="sudden"
    )

    def general() -> float:
        return run_cycle(cyc).work

    def peer() -> float:
        return qutip_otto(med, 2.0, 1.0, hot, cold, ops)

    t_gen, w_gen = best_of(general)
    t_peer, w_peer = best_of(peer)
    t_gen2, _ = best_of(general)
    t_ded, dev_ded = None, None
    if label == "qubit":

        def dedicated() -> float:
            r = qubit_otto(omega_h=2.0, omega_c=1.0, tau_h=TAU_H, tau_c=TAU_C, stroke="sudden")
            return r.work

        t_ded, w_ded = best_of(dedicated)
        t_gen3, _ = best_of(general)
        t_gen2 = min(t_gen2, t_gen3)
        dev_ded = abs(w_gen - w_ded) / abs(w_ded)
    return (
        label,
        med.dim,
        min(t_gen, t_gen2),
        t_ded,
        t_peer,
        abs(w_gen - w_peer) / abs(w_peer),
        dev_ded,
    )


def main() -> str:
    import qutip
    from threadpoolctl import threadpool_limits

    cases = ["qubit", "N=2", "N=3", "N=4"]
    load0 = os.getloadavg()
    with threadpool_limits(1):
        rows = [one_case(c) for c in cases]
    load = os.getloadavg()
    lines = [
        "# General cycle engine vs the dedicated Otto path and vs QuTiP",
        "",
        f"Machine: {platform.machine()}, Python {sys.version.split()[0]}, "
        f"QuTiP {qutip.__version__}, one BLAS thread each; load average before "
        f"{load0[0]:.2f} / {load0[1]:.2f} / {load0[2]:.2f}, after {load[0]:.2f} / "
        f"{load[1]:.2f} / {load[2]:.2f} (shared 2-core machine: timings vary ~2× between "
        "runs, ratios are from one run). Best of 5, interleaved.",
        "",
        "| medium | d | general [ms] | dedicated [ms] | QuTiP [ms] | QuTiP/general "
        "| ΔW/W vs QuTiP | ΔW/W vs dedicated |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, d, tg, td, tq, dq, dd in rows:
        ded = f"{1e3 * td:.2f}" if td is not None else "–"
        dded = f"{dd:.1e}" if dd is not None else "–"
        lines.append(
            f"| {label} | {d} | {1e3 * tg:.2f} | {ded} | {1e3 * tq:.2f} | {tq / tg:.2f} "
            f"| {dq:.1e} | {dded} |"
        )
    lines += [
        "",
        "The general engine also computes the per-bath heats (the exact time integral of "
        "each thermal stroke, an augmented exponential) and the per-subsystem split, which "
        "the QuTiP assembly does not; both solve for the limit cycle directly. The "
        "dedicated qubit path and the general engine are the same physics (agreement to "
        "round-off).",
    ]
    text = "\n".join(lines) + "\n"
    path = Path(__file__).parent / "RESULTS_cycle.md"
    old = path.read_text() if path.exists() else ""
    kept = (
        "\n## Large media" + old.split("\n## Large media")[1] if "\n## Large media" in old else ""
    )
    path.write_text(text + kept)  # the --large table, if any, is kept
    return text


def large_cycle(n: int) -> Any:
    """The sudden-stroke Otto cycle of the N-site chain, local baths on the end sites."""
    from ssbattery.thermal.baths import Bath
    from ssbattery.thermal.cycle import Cycle, ThermalStroke, UnitaryStroke
    from ssbattery.thermal.media import site_lowering, spin_chain_medium
    from ssbattery.thermal.model import BathCoupling

    med, _ = spin_chain_medium(n, coupling=2.0, anisotropy=0.5)

    def baths(T: float, B: float) -> tuple[Any, ...]:
        ends = sorted({0, n - 1})
        return tuple(BathCoupling(Bath(T, 0.5), site_lowering(n, i), "local", 2 * B) for i in ends)

    return Cycle(
        med,
        (
            UnitaryStroke(1.0, 2.0, "sudden"),
            ThermalStroke(2.0, baths(4.0, 2.0), TAU_H),
            UnitaryStroke(2.0, 1.0, "sudden"),
            ThermalStroke(1.0, baths(0.5, 1.0), TAU_C),
        ),
    )


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, tracemalloc peak in MiB, result) of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return dt, peak, out


def large(sites: list[int]) -> str:
    """Dense vs sparse engine at small N, sparse alone above; appends to RESULTS_cycle.md."""
    from threadpoolctl import threadpool_limits

    from ssbattery.thermal.cycle import quasi_static, run_cycle

    load0 = os.getloadavg()
    lines = [
        "",
        "## Large media: dense vs sparse engine (`--large`)",
        "",
        "Sudden-stroke Otto cycle of the XXZ chain (g = 2, α = 0.5, B 1 → 2, τ_h = 3, "
        "τ_c = 4), local baths (σ⁻, γ = 0.5) on the two end sites; one BLAS thread. "
        "Time: one run each (interleaved dense, sparse, dense where both run; tracemalloc "
        "on, which adds a little); memory: tracemalloc peak of the call. ΔW, ΔQ: largest "
        "|dense − sparse| over W and the four bath heats.",
        "",
        "| N | d | dense [s] | dense peak [MiB] | sparse [s] | sparse peak [MiB] "
        "| max ΔW, ΔQ | first law (sparse) | quasi-static, sparse [s] |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    with threadpool_limits(1):
        for n in sites:
            cyc = large_cycle(n)
            dense_cols, diff = ["–", "–"], "–"
            if n <= 5:
                td, md, rd = timed(lambda c=cyc: run_cycle(c, method="dense"))
            ts, ms, rs = timed(lambda c=cyc: run_cycle(c, method="sparse"))
            if n <= 5:
                td2, _, _ = timed(lambda c=cyc: run_cycle(c, method="dense"))
                dense_cols = [f"{min(td, td2):.2f}", f"{md:.1f}"]
                a = np.array([rd.work, *rd.heats])
                b = np.array([rs.work, *rs.heats])
                diff = f"{np.abs(a - b).max():.1e}"
            tq, _, _ = timed(lambda c=cyc: quasi_static(c, method="sparse"))
            lines.append(
                f"| {n} | {cyc.medium.dim} | {dense_cols[0]} | {dense_cols[1]} | {ts:.2f} "
                f"| {ms:.1f} | {diff} | {rs.first_law_residual:.1e} | {tq:.2f} |"
            )
            print(lines[-1], flush=True)
    load = os.getloadavg()
    lines += [
        "",
        f"Load average before {load0[0]:.2f} / {load0[1]:.2f} / {load0[2]:.2f}, after "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (shared 2-core machine).",
    ]
    text = "\n".join(lines) + "\n"
    path = Path(__file__).parent / "RESULTS_cycle.md"
    old = path.read_text() if path.exists() else ""
    old = old.split("\n## Large media")[0].rstrip("\n") + "\n"
    path.write_text(old + text)
    return text


if __name__ == "__main__":
    if "--large" in sys.argv:
        print(large([int(a) for a in sys.argv[sys.argv.index("--large") + 1 :]] or [4, 5, 6, 7]))
    else:
        print(main())
