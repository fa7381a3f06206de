"""Benchmark: the spin-chain battery as an MPS (TeNPy TEBD / TDVP), issue 11 §2.

Fig. 14's chain (B = 3, ω = 12, g = 3, α = 0.5) from |↓…↓⟩, 400 output times in (0, t_max].
For each bond dimension D: wall time, peak memory (the child's max RSS), P_max, t(P_max),
the largest bond dimension reached, the accumulated truncation error at t_max, and how far
in time P(t) stays within ``--agree`` (relative) of the largest D's P(t) (the converged
curve). With ``--exact`` (N ≤ 20) the exact sector evolution is the reference instead.

    python benchmarks/bench_mps.py --sites 128 --range nn --bond-dims 16,32,64 --t-max 0.5
    python benchmarks/bench_mps.py --sites 128 --range lr --exponentials 8 --bond-dims 16,32
    python benchmarks/bench_mps.py --sites 12 --range nn --bond-dims 16,64 --exact
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from _child import run_json_child

HERE = Path(__file__).resolve().parent


def _work(spec: dict) -> dict:
    from ssbattery.quantum.mps import TDVP, TEBD, charge_spin_chain_mps
    from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain

    p = SpinChainParameters(
        n_sites=spec["sites"],
        anisotropy=spec.get("alpha", 0.5),
        interaction=spec["range"],
        decay=1.0,
    )
    t0 = time.perf_counter()
    if spec["bond_dim"] == 0:  # the exact sector evolution
        res = charge_spin_chain(p, t_max=spec["t_max"], steps=spec["steps"], refine=False)
        extra: dict = {}
    else:
        method = (
            TEBD(bond_dim=spec["bond_dim"], order=spec["order"], engine=spec["engine"])
            if spec["range"] == "nn"
            else TDVP(bond_dim=spec["bond_dim"], exponentials=spec["exponentials"])
        )
        res = charge_spin_chain_mps(
            p,
            t_max=spec["t_max"],
            steps=spec["steps"],
            method=method,
            checkpoint=spec.get("checkpoint"),
            checkpoint_every=5,
        )
        extra = {
            "max_bond": max(res.parameters["max_bond"]),
            "max_bond_t": res.parameters["max_bond"],
            "trunc_err": res.parameters["truncation_error"][-1],
            "trunc_err_t": res.parameters["truncation_error"],
            "fit_err": res.parameters["coupling_fit_error"],
            # a resumed run: the seconds of all its pieces together
            "wall_time_s": res.parameters["wall_time_s"],
        }
    return {
        "seconds": time.perf_counter() - t0,
        "power": res.power.tolist(),
        "power_max": res.power_max,
        "t_power_max": res.t_power_max,
        **extra,
    }


def run_child(spec: dict, out_dir: Path | None = None) -> dict:
    """One run in a child process; with ``out_dir`` it checkpoints there (resumable) and
    its result is kept as JSON next to the checkpoint."""
    name = f"{spec['range']}_N{spec['sites']}_D{spec['bond_dim']}_{spec['engine']}"
    if spec.get("alpha", 0.5) != 0.5 or spec["t_max"] != 2.0:  # keeps the older names
        name += f"_a{spec['alpha']:g}_t{spec['t_max']:g}"
    if out_dir is not None and spec["bond_dim"] > 0:
        out_dir.mkdir(parents=True, exist_ok=True)
        spec = {**spec, "checkpoint": str(out_dir / f"{name}.pkl")}
    res = run_json_child(__file__, spec, {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    if out_dir is not None:
        res["load"] = os.getloadavg()
        (out_dir / f"{name}.json").write_text(json.dumps({**spec, **res}))
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=128)
    parser.add_argument("--range", default="nn")
    parser.add_argument("--bond-dims", default="16,32")
    parser.add_argument("--t-max", type=float, default=2.0)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--order", type=int, default=4)
    parser.add_argument("--exponentials", type=int, default=None)
    parser.add_argument("--agree", type=float, default=1e-4)
    parser.add_argument("--alpha", type=float, default=0.5, help="anisotropy α")
    parser.add_argument("--exact", action="store_true")
    parser.add_argument("--engine", default="numpy", help="TEBD engine: numpy or tenpy")
    parser.add_argument(
        "--checkpoint-dir", type=Path, default=None, help="resumable runs (long N = 128 runs)"
    )
    parser.add_argument("--worker", default=None)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_work(json.loads(args.worker))))
        return
    import numpy as np

    base = {
        "sites": args.sites,
        "range": args.range,
        "t_max": args.t_max,
        "steps": args.steps,
        "order": args.order,
        "exponentials": args.exponentials,
        "engine": args.engine,
        "alpha": args.alpha,
    }
    dims = [int(x) for x in args.bond_dims.split(",")]
    runs = {d: run_child({**base, "bond_dim": d}, args.checkpoint_dir) for d in dims}
    ref = run_child({**base, "bond_dim": 0}) if args.exact else runs[max(dims)]
    times = args.t_max * np.arange(1, args.steps + 1) / args.steps
    print(
        f"load {os.getloadavg()}, sites {args.sites}, range {args.range}, α {args.alpha}",
        file=sys.stderr,
    )
    # the accumulated truncation error ε(t) at four times of the window
    marks = [max(1, args.steps * q // 4) - 1 for q in (1, 2, 3, 4)]
    eps_head = " | ".join(f"ε(t = {times[k]:.3g})" for k in marks)
    print(
        "| D | s | peak MiB | P_max | t(P_max) | max bond | "
        + eps_head
        + " | ΔPmax/Pmax vs ref | within agree until t |\n|---|---|---|---|---|---|"
        + "---|" * len(marks)
        + "---|---|"
    )
    for d, r in runs.items():
        dev = np.abs(np.array(r["power"]) - np.array(ref["power"])) / ref["power_max"]
        bad = np.flatnonzero(dev > args.agree)
        until = times[bad[0] - 1] if bad.size and bad[0] > 0 else (0.0 if bad.size else times[-1])
        print(
            f"| {d} | {r.get('wall_time_s', r['seconds']):.1f} | {r['peak_mib']:.0f} | "
            f"{r['power_max']:.10g} | "
            f"{r['t_power_max']:.4g} | {r['max_bond']} | "
            + " | ".join(f"{r['trunc_err_t'][k]:.1e}" for k in marks)
            + " | "
            f"{abs(r['power_max'] - ref['power_max']) / ref['power_max']:.1e} | {until:.3g} |"
        )
    if args.exact:
        print(f"exact: {ref['seconds']:.1f} s, P_max {ref['power_max']:.10g}")


if __name__ == "__main__":
    main()
