"""The evolution layer before and after its split into ``quantum/evolution/`` (issue 15).

Runs the same calls on two source trees, interleaved, each in a fresh process with one
BLAS thread: the Dicke curve (N = 32, g = 0.5, 400 times, Lanczos) and the long-range
spin chain (N = 14, Chebyshev, P_max refined). Prints the best of ``--repeat`` wall times,
the ratio new/old, the load average, and whether P_max is bit-identical.

    git archive 0cbce11 src | tar -x -C /tmp/old     # the tree before the split
    python benchmarks/bench_evolution_layout.py --old-src /tmp/old/src
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CODE = r"""
import json, sys, time
from ssbattery.quantum.dicke import DickeParameters, charge_dicke
from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain
jobs = {
    "dicke": lambda: charge_dicke(DickeParameters(32, 0.5), ergotropy=False),
    "chain": lambda: charge_spin_chain(SpinChainParameters(n_sites=14, interaction="lr")),
}
t0 = time.perf_counter()
r = jobs[sys.argv[1]]()
print(json.dumps({"s": time.perf_counter() - t0, "pmax": r.power_max}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old-src", required=True, help="src/ folder of the tree before")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    new_src = str(Path(__file__).resolve().parents[1] / "src")
    res: dict[tuple[str, str], list[dict[str, float]]] = {}
    for _ in range(args.repeat):
        for tag, src in (("old", args.old_src), ("new", new_src)):
            for job in ("dicke", "chain"):
                env = dict(os.environ, PYTHONPATH=src, OPENBLAS_NUM_THREADS="1")
                env["OMP_NUM_THREADS"] = "1"
                out = subprocess.run(
                    [sys.executable, "-c", CODE, job],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                res.setdefault((tag, job), []).append(json.loads(out.stdout.splitlines()[-1]))
    print(f"load average {os.getloadavg()}")
    for job in ("dicke", "chain"):
        old = min(x["s"] for x in res[("old", job)])
        new = min(x["s"] for x in res[("new", job)])
        same = res[("old", job)][0]["pmax"] == res[("new", job)][0]["pmax"]
        print(
            f"{job}: old {old:.3f} s, new {new:.3f} s, new/old {new / old:.3f}, P_max equal {same}"
        )


if __name__ == "__main__":
    main()
