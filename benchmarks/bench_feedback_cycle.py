"""Periodic state of the measurement–feedback demon: fixed-point solve vs simulating cycles.

Compares, for Maxwell's demon measuring Q1 and flipping it when excited (review §2.4,
Bhandari et al.),
(a) ssbattery's fixed point of the one-cycle map (one linear solve) with (b) QuTiP's
``mesolve`` run cycle after cycle (feedback applied between runs) until the state changes by
less than 1e-10 per cycle. Prints seconds, cycles needed and the ratio. Not run by CI.

    python benchmarks/bench_feedback_cycle.py
"""

from __future__ import annotations

import time

import numpy as np


def main() -> None:
    """Time both approaches on the same problem and print the ratio."""
    import qutip

    from ssbattery.thermal.baths import Bath, global_dissipators
    from ssbattery.thermal.feedback import (
        CoupledQubits,
        FeedbackProtocol,
        _flip,
        local_projectors,
        run_cycle,
    )

    system = CoupledQubits(1.0, 1.2, -0.2)
    T, tau = 1.0, 0.2
    projectors, labels = local_projectors((1,))
    protocol = FeedbackProtocol(
        tuple(projectors), (_flip(True, False), _flip(False, False)), tuple(labels)
    )
    t0 = time.perf_counter()
    ours = run_cycle(system, protocol, (Bath(T, 1.0), Bath(T, 1.0)), tau)
    t_ours = time.perf_counter() - t0

    dims = [[2, 2], [2, 2]]
    H = system.hamiltonian()
    bath = Bath(T, 1.0)
    c_ops = [
        qutip.Qobj(c, dims=dims)
        for i in (1, 2)
        for c in global_dissipators(H, CoupledQubits.sigma_x(i), bath)
    ]
    Hq = qutip.Qobj(H, dims=dims)
    rho = np.diag([0.25, 0.25, 0.25, 0.25]).astype(complex)
    t0 = time.perf_counter()
    cycles = 0
    while True:
        cycles += 1
        fed = sum(
            U @ P @ rho @ P @ U.conj().T
            for P, U in zip(protocol.projectors, protocol.unitaries, strict=True)
        )
        out = qutip.mesolve(
            Hq,
            qutip.Qobj(fed, dims=dims),
            [0.0, tau],
            c_ops,
            options={"atol": 1e-12, "rtol": 1e-10},
        )
        new = out.states[-1].full()
        change = float(np.max(np.abs(new - rho)))
        rho = new
        if change < 1e-10 or cycles > 5000:
            break
    t_qutip = time.perf_counter() - t0
    err = float(np.max(np.abs(rho - ours.rho_start)))
    print(f"fixed point (ssbattery): {t_ours * 1e3:8.2f} ms")
    print(f"QuTiP, cycle by cycle  : {t_qutip * 1e3:8.2f} ms ({cycles} cycles)")
    print(f"ratio QuTiP / ours     : {t_qutip / t_ours:8.1f}   max |Δρ| = {err:.1e}")


if __name__ == "__main__":
    main()
