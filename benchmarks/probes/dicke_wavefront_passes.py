"""Dicke wavefront Chebyshev: one block's time per product against the stencil's in-cache
sweep, over outputs per block, terms per pass (depth) and threads; then whole N = 256
window runs (RESULTS_dicke_window.md §2f).

    python benchmarks/probes/dicke_wavefront_passes.py [blocks|runs|all] [N:C,...]

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import math
import sys
import time

import numpy as np

from ssbattery.quantum.dicke import DickeParameters, charge_dicke
from ssbattery.quantum.dicke_stencil import DickeStencil
from ssbattery.quantum.dicke_wavefront import WavefrontChebyshev, gershgorin_bounds
from ssbattery.quantum.dicke_window import PhotonWindow, window_basis

what = sys.argv[1] if len(sys.argv) > 1 else "all"
sizes = sys.argv[2] if len(sys.argv) > 2 else "256:1832"
CONFIGS = {256: [(1, 32), (4, 32), (8, 32), (8, 64), (16, 32)], 1024: [(4, 32), (8, 32)]}


def best(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


if what in ("blocks", "all"):
    for spec in sizes.split(","):
        N, C = (int(x) for x in spec.split(":"))
        p = DickeParameters(N, 0.2)
        b = window_basis(p, 0, C)
        dt = math.pi / (0.2 * math.sqrt(N)) / 400
        rng = np.random.default_rng(0)
        v = rng.standard_normal(b.size) + 1j * rng.standard_normal(b.size)
        v /= np.linalg.norm(v)
        st = DickeStencil(p, b, threads=1)
        w, vp = np.empty_like(v), v.copy()
        reps = 5 if N <= 256 else 2
        t = best(
            lambda st=st, w=w, v=v, vp=vp: [
                st.lanczos_sweep(w, v, 0.1, 0.5, True, 1.0, vp) for _ in range(10)
            ],
            reps,
        )
        print(
            f"N={N} states={b.size} stencil sweep (3 vectors, 1 thread): {t / 10 * 1e3:.3f} ms",
            flush=True,
        )
        bounds = gershgorin_bounds(p, b)
        for M, depth in CONFIGS[N]:
            for th in (1, 2):
                eng = WavefrontChebyshev(p, b, bounds, depth=depth, threads=th)
                taus = dt * np.arange(1, M + 1)
                tol = 1e-7 * M / 400
                _, prods = eng.block(v, taus, tol)
                t = best(lambda eng=eng, v=v, taus=taus, tol=tol: eng.block(v, taus, tol), reps)
                print(
                    f"N={N} block={M} depth={depth} threads={th}: {prods} products, block "
                    f"{t * 1e3:.1f} ms, {t / prods * 1e3:.3f} ms per product",
                    flush=True,
                )

if what in ("runs", "all"):
    runs = (
        ("lanczos", 4, 32, 1),
        ("wavefront", 4, 32, 1),
        ("wavefront", 8, 32, 1),
        ("wavefront", 16, 32, 1),
        ("wavefront", 8, 64, 1),
    )
    for prop, blk, depth, th in runs:
        t0 = time.perf_counter()
        r = charge_dicke(
            DickeParameters(256, 0.2),
            ergotropy=False,
            window=PhotonWindow(
                krylov_tol=1e-7, propagator=prop, block=blk, depth=depth, threads=th
            ),
        )
        took = time.perf_counter() - t0
        print(
            f"run N=256 {prop} block={blk} depth={depth} threads={th}: {took:.2f} s, "
            f"{r.parameters['products']} products",
            flush=True,
        )
