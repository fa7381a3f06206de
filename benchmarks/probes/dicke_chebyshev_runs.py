"""Dicke window at N = 256, whole runs: propagator:block:variant specs, e.g.
lanczos:4:x,chebyshev:4:onepass (RESULTS_dicke_window.md §2e).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import sys
import time

import numpy as np

from ssbattery.quantum import dicke_chebyshev as dc
from ssbattery.quantum.dicke import DickeParameters, charge_dicke
from ssbattery.quantum.dicke_window import PhotonWindow
from ssbattery.quantum.evolution.fused import compiled


def _acc_one_pass(outs, first, coef, t):
    m = outs.shape[0]
    for i in range(t.shape[0]):
        x = t[i]
        for jj in range(first, m):
            outs[jj, i] += coef[jj] * x


one = compiled(_acc_one_pass, fastmath=True)
one(np.zeros((2, 4), complex), 0, np.ones(2, complex), np.ones(4, complex))
orig = dc._acc
n = 256
for spec in sys.argv[1].split(","):
    prop, blk, variant = spec.split(":")
    dc._acc = one if variant == "onepass" else orig
    t0 = time.perf_counter()
    r = charge_dicke(
        DickeParameters(n, 0.2),
        ergotropy=False,
        window=PhotonWindow(krylov_tol=1e-7, propagator=prop, block=int(blk)),
    )
    print(spec, round(time.perf_counter() - t0, 2), r.parameters["products"], flush=True)
