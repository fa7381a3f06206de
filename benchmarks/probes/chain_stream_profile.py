"""Open chain, streaming operator, the first M output times under cProfile (where the time goes);
usage: chain_stream_profile.py N M (RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import cProfile
import pstats
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import bench_spin_chain as b
from ssbattery.quantum.chain_charging import charge_matrix_free, matrix_free_method

n = int(sys.argv[1])
m = int(sys.argv[2])
times = b._times()[:m]
p = b._params(n)
meth = matrix_free_method(p, b._times(), operator="streaming")
print("memory_mb", meth.memory_mb)
pr = cProfile.Profile()
t0 = time.perf_counter()
pr.enable()
res = charge_matrix_free(p, times, method=meth, refine=False, operator="streaming")
pr.disable()
print("wall", time.perf_counter() - t0, res.diagnostics)
pstats.Stats(pr).sort_stats("tottime").print_stats(14)
