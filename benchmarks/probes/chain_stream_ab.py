"""Open chain, streaming operator, the first M of the 400 output times: wall time and the
measurement's share; with --profile also where the time goes (cProfile, top 14 by own time);
usage: chain_stream_ab.py N M [--profile] (RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import cProfile
import pstats
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import bench_spin_chain as b
from ssbattery.quantum import chain_charging as cc

n = int(sys.argv[1])
m = int(sys.argv[2])
times = b._times()[:m]
p = b._params(n)
meth = cc.matrix_free_method(p, b._times(), operator="streaming")
orig = cc.MatrixFreeChain.h0_expect
acc = [0.0, 0]


def timed(self, psi, ce=None, **kw):
    t = time.perf_counter()
    r = orig(self, psi, ce, **kw)
    acc[0] += time.perf_counter() - t
    acc[1] += 1
    return r


cc.MatrixFreeChain.h0_expect = timed
pr = cProfile.Profile()
t0 = time.perf_counter()
if "--profile" in sys.argv:
    pr.enable()
res = cc.charge_matrix_free(p, times, method=meth, refine=False, operator="streaming")
pr.disable()
w = time.perf_counter() - t0
d = res.diagnostics
print(
    f"{cc.__file__}: wall {w:.1f} s diag {d} measure {acc[0]:.2f} s in {acc[1]} calls; "
    f"E[-1] {res.energy[-1]!r}",
    flush=True,
)
if "--profile" in sys.argv:
    pstats.Stats(pr).sort_stats("tottime").print_stats(14)
