"""Benchmark: our NumPy MPS engines against TeNPy's, same algorithm, same settings.

Fig. 14's chain (B = 3, ω = 12, g = 3, α = 0.5) from |↓…↓⟩, one BLAS thread each, the
engines interleaved, minimum of ``--repeat`` runs, each in a fresh child process:

* NN, N = ``--sites-nn``: TEBD order 4, dt = 0.005, D = 32, 20 output times;
* LR p = 1, N = ``--sites-lr``: two-site TDVP with the exact MPO, dt = 0.005, D = 32,
  10 output times; also against the exact sector evolution.

    python benchmarks/bench_mps_engines.py --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from _child import run_json_child


def _work(spec: dict) -> dict:
    import numpy as np

    from ssbattery.quantum.mps import TDVP, TEBD, charge_spin_chain_mps
    from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain

    p = SpinChainParameters(n_sites=spec["sites"], anisotropy=0.5, interaction=spec["range"])
    steps = spec["steps"]
    t0 = time.perf_counter()
    if spec["engine"] == "exact":
        res = charge_spin_chain(p, t_max=0.005 * steps, steps=steps, refine=False, tol=1e-13)
    else:
        method = (
            TEBD(bond_dim=32, dt=0.005, engine=spec["engine"])
            if spec["range"] == "nn"
            else TDVP(bond_dim=32, dt=0.005, engine=spec["engine"])
        )
        res = charge_spin_chain_mps(p, t_max=0.005 * steps, steps=steps, method=method)
    return {"seconds": time.perf_counter() - t0, "energy": np.asarray(res.energy).tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites-nn", type=int, default=32)
    parser.add_argument("--sites-lr", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--worker", default=None)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_work(json.loads(args.worker))))
        return
    import numpy as np

    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cases = {"nn": (args.sites_nn, 20), "lr": (args.sites_lr, 10)}
    best: dict[tuple[str, str], dict] = {}
    for _ in range(args.repeat):
        for rng, (n, steps) in cases.items():
            for engine in ("numpy", "tenpy"):
                spec = {"sites": n, "range": rng, "steps": steps, "engine": engine}
                r = run_json_child(__file__, spec, env)
                key = (rng, engine)
                if key not in best or r["seconds"] < best[key]["seconds"]:
                    best[key] = r
    exact = run_json_child(
        __file__, {"sites": args.sites_lr, "range": "lr", "steps": 10, "engine": "exact"}, env
    )
    print(f"load {os.getloadavg()}", file=sys.stderr)
    print("| chain | N | engine | s (min) | peak MiB | max|ΔW|/Wmax vs | ratio |")
    print("|---|---|---|---|---|---|---|")
    for rng, (n, _) in cases.items():
        ours, theirs = best[(rng, "numpy")], best[(rng, "tenpy")]
        ref = exact["energy"] if rng == "lr" else theirs["energy"]
        label = "exact" if rng == "lr" else "TeNPy"
        for engine, r in (("numpy", ours), ("tenpy", theirs)):
            dev = np.max(np.abs(np.array(r["energy"]) - ref)) / np.max(np.abs(ref))
            ratio = theirs["seconds"] / r["seconds"]
            print(
                f"| {rng} | {n} | {engine} | {r['seconds']:.2f} | {r['peak_mib']:.0f} | "
                f"{dev:.1e} ({label}) | {ratio:.1f}× |"
            )


if __name__ == "__main__":
    main()
