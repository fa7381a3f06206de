"""Heat-current statistics (ssbattery.thermal.fcs) against QuTiP's counting statistics.

Problem (ħ = k_B = 1): a boundary-driven XXZ chain of N = 2 … 5 spins (J = 0.1, Δ = 0.5,
B = 1; local baths T_L = 2 on site 0 and T_R = 0.5 on site N − 1, γ = 0.2), built by
:func:`ssbattery.thermal.machines.xxz_chain`. We count the heat of the left bath: its two
jump operators carry the energies ∓B. Ours: :func:`ssbattery.thermal.fcs.heat_statistics`
(mean current J and zero-frequency noise S from one steady-state solve and one
least-squares solve with the trace constraint). QuTiP: ``countstat_current_noise`` on the
same Liouvillian (method "direct", sparse; it finds the steady state itself) with the heat
weights in its current superoperators, I = Σ_k ε_k 𝒞_k and J = Σ_k ε_k² 𝒞_k. Both get
one BLAS thread.
Accuracy: the relative difference of S between the two; the independent reference is the
second derivative of the tilted generator's leading eigenvalue (central difference,
h = 1e-3, so agreement to ~1e-6 is the reference's own error). Timings: best of REPEAT,
peers interleaved, load average printed. Writes RESULTS_heat_statistics.md.

    python benchmarks/bench_heat_statistics.py [--quick]
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

REPEAT = 5


def best_of(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls and the last result."""
    from bench_lindblad import best_of as lindblad_best_of

    return lindblad_best_of(fn, repeat)


def one_size(n: int) -> tuple[int, int, float, float, float, float, float]:
    """(N, d, t_ours, t_qutip, |ΔS|/S vs QuTiP, |ΔS|/S vs θ''(0), |ΔJ|/J) for N spins."""
    import qutip

    from ssbattery.thermal.fcs import heat_statistics, jump_energy, tilted_generator
    from ssbattery.thermal.lindblad import liouvillian
    from ssbattery.thermal.machines import xxz_chain

    model = xxz_chain(n).model
    H = model.hamiltonian()
    groups = model.dissipators()
    c_all = [c for g in groups for c in g]
    counted = groups[0]
    eps = np.array([jump_energy(H, c) for c in counted])
    dims = [[2] * n] * 2
    L = qutip.Qobj(liouvillian(H, c_all), dims=[dims, dims], superrep="super")
    jumps = [
        qutip.sprepost(qutip.Qobj(c, dims=dims), qutip.Qobj(c, dims=dims).dag()) for c in counted
    ]
    # heat weights: net current I = Σ ε_k 𝒞_k, "total" current J = Σ ε_k² 𝒞_k (QuTiP's
    # I = I⁺ − I⁻ and J = I⁺ + I⁻ for charges ±1, generalised to the quanta ε_k)
    I_op = sum((e * j for e, j in zip(eps[1:], jumps[1:], strict=True)), eps[0] * jumps[0])
    J_op = sum((e * e * j for e, j in zip(eps[1:], jumps[1:], strict=True)), eps[0] ** 2 * jumps[0])

    def ours() -> Any:
        return heat_statistics(H, c_all, counted)

    def peer() -> tuple[float, float]:
        current, noise, _ = qutip.countstat_current_noise(
            L, [], J_ops=[J_op], I_ops=[I_op], sparse=True
        )
        return float(np.ravel(current)[0].real), float(np.ravel(noise)[0].real)

    t_ours, st = best_of(ours)
    t_peer, (j_peer, s_peer) = best_of(peer)
    t_ours2, _ = best_of(ours)  # interleaved: ours again after the peer
    h = 1e-3

    def theta(chi: float) -> float:
        return float(np.max(np.linalg.eigvals(tilted_generator(H, c_all, counted, chi)).real))

    s_ref = (theta(h) - 2 * theta(0.0) + theta(-h)) / h**2
    return (
        n,
        2**n,
        min(t_ours, t_ours2),
        t_peer,
        abs(st.noise - s_peer) / abs(s_peer),
        abs(st.noise - s_ref) / abs(s_ref),
        abs(st.current - j_peer) / abs(j_peer),
    )


def main(quick: bool = False) -> str:
    import qutip
    from threadpoolctl import threadpool_limits

    sizes = [2, 3, 4] if quick else [2, 3, 4, 5]
    with threadpool_limits(1):
        rows = [one_size(n) for n in sizes]
    load = os.getloadavg()
    lines = [
        "# Heat-current statistics: ssbattery.thermal.fcs vs QuTiP countstat_current_noise",
        "",
        f"Machine: {platform.machine()}, Python {sys.version.split()[0]}, "
        f"QuTiP {qutip.__version__}, "
        f"one BLAS thread each; load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(shared 2-core machine: timings vary ~2× between runs, ratios are from one run).",
        "",
        "| N | d | ours [ms] | QuTiP [ms] | QuTiP/ours | ΔS/S vs QuTiP | ΔS/S vs θ''(0) | ΔJ/J |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, d, to, tp, ds, dr, dj in rows:
        lines.append(
            f"| {n} | {d} | {1e3 * to:.2f} | {1e3 * tp:.2f} | {tp / to:.2f} "
            f"| {ds:.1e} | {dr:.1e} | {dj:.1e} |"
        )
    lines += [
        "",
        "Both solve the same linear-response problem (a steady state and one pseudo-inverse "
        "application), so equal accuracy is expected; the θ''(0) column is limited by the "
        "finite-difference step of the reference, not by either code.",
    ]
    text = "\n".join(lines) + "\n"
    (Path(__file__).parent / "RESULTS_heat_statistics.md").write_text(text)
    return text


if __name__ == "__main__":
    print(main(quick="--quick" in sys.argv))
