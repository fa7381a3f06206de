"""Open chain at N (default 24), LR (p = 1), the first M of the 400 output times as the
whole run takes them (streaming operator, Chebyshev terms at 1e-8): each output update
(the group's ``zgemm`` into the block's outputs) timed on its own, and the recurrence
steps in all. Usage: chain_inrun_timers.py [N] [M] (RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import collections
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench_spin_chain as b
from ssbattery.quantum import chain_charging as cc
from ssbattery.quantum.evolution import chebyshev as ch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
m = int(sys.argv[2]) if len(sys.argv) > 2 else 48
b.INTERACTION = "lr"
acc: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0])
zgemm = ch.zgemm


def timed_zgemm(*args, **kw):
    t = time.perf_counter()
    r = zgemm(*args, **kw)
    dt = time.perf_counter() - t
    acc["update"][0] += dt
    acc["update"][1] += 1
    print(f"update into {kw['c'].shape[1]:2d} outputs: {dt:.3f} s", flush=True)
    return r


ch.zgemm = timed_zgemm
expansion = next(
    c for c in vars(ch).values() if isinstance(c, type) and hasattr(c, "streamed_reduced")
)
step = expansion._step


def timed_step(self, *args, **kw):
    t = time.perf_counter()
    r = step(self, *args, **kw)
    acc["step"][0] += time.perf_counter() - t
    acc["step"][1] += 1
    return r


expansion._step = timed_step
p, t = b._params(n), b._times()
method = dataclasses.replace(cc.matrix_free_method(p, t, operator="streaming"), tol=1e-8)
t0 = time.perf_counter()
res = cc.charge_matrix_free(p, t[:m], method=method, refine=False, operator="streaming")
print(f"wall {time.perf_counter() - t0:.1f} s, build {res.diagnostics['build [s]']:.1f} s")
for key, (s, c) in acc.items():
    print(f"{key}: {s:.3f} s in {c} calls, {s / max(c, 1):.4f} s per call")
