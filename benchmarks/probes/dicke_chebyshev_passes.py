"""Dicke Chebyshev window: one in-cache 3-vector sweep and the accumulation into 1/2/4/8 outputs, N
= 256 and 1024, 1 and 2 threads (RESULTS_dicke_window.md §2e).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import time

import numpy as np

from ssbattery.quantum import dicke_chebyshev as dc
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.dicke_stencil import DickeStencil
from ssbattery.quantum.dicke_window import window_basis

for N, C in ((256, 1832), (1024, 4120)):
    p = DickeParameters(N, 0.2)
    b = window_basis(p, 0, C)
    n = b.size
    rng = np.random.default_rng(0)
    v = rng.standard_normal(n) + 0j
    vp = v.copy()
    w = np.empty_like(v)
    for th in (1, 2):
        st = DickeStencil(p, b, threads=th)
        outs = np.zeros((8, n), complex)
        coef = np.ones(8, complex)
        acc = dc._acc if th == 1 else dc._acc_threaded
        from ssbattery.quantum.evolution.fused import numba_threads

        cases = [
            (
                "cheb sweep (3 vectors)",
                lambda st=st, w=w, v=v, vp=vp: st.lanczos_sweep(w, v, 0.1, 0.5, True, 1.0, vp),
            )
        ]
        for m in (1, 2, 4, 8):
            cases.append(
                (
                    f"accumulate into {m} outputs",
                    lambda m=m, acc=acc, outs=outs, coef=coef, v=v: acc(outs, 8 - m, coef, v),
                )
            )
        for name, f in cases:
            with numba_threads(th):
                f()
                ts = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    [f() for _ in range(10)]
                    ts.append((time.perf_counter() - t0) / 10)
            print(f"N={N} states={n} threads={th} {name}: {min(ts) * 1e3:.3f} ms", flush=True)
