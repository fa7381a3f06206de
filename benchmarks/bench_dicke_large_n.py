"""Benchmark: the Dicke battery's large-N limit against exact runs (issue 11 §1).

For each coupling regime (single-atom coupling ωc g of eq. 9 in units of ωc: weak
g = 0.05 < 0.1, ultra-strong 0.1 ≤ g = 0.2 < 1, deep-strong g = 1 ≥ 1; the usual
classification, Kockum et al., Nat. Rev. Phys. 1, 19 (2019)), and each N:

* ``exact``: P_max of ``charge_dicke(window=PhotonWindow(tol=1e-10, krylov_tol=1e-9))``
  on the default grid's first ``--steps`` points (t_k = k t_max/400, t_max = π/(g√N)).
  P_max lies at k ≈ 0.22·400 = 88 for large N (the collective limit below, x*/(4π)),
  so a grid cut at k = 100 holds it; a run whose maximum falls within 3 points of the cut
  is redone on the full 400-point grid. The photon window then needs far fewer layers.
* ``mean field``: ``semiclassical_charge`` (phase-averaged mean field, ``--samples``
  phase points) on the same grid.
* ``limit``: ``power_max_collective_limit`` = 2 J₁(x*) ωa ωc g N^{3/2}, the N → ∞ limit
  at fixed g (x* = 2.7583, the root of x J₁(x) = 1 − J₀(x)).

Reported: P_max (exact, mean field), their relative difference, the local exponents
α(N) = d ln P_max / d ln N of both, the smallest N from which on mean field and exact agree
to 1 %, and the mean field's α at N up to 2²⁰ (α as N → ∞). Each exact point runs in its
own process (peak RSS via wait4) and is cached under ``benchmarks/results/``, so the table
can be filled in several calls:

    python benchmarks/bench_dicke_large_n.py --atoms 2-32,48,64,96,128,192,256
    python benchmarks/bench_dicke_large_n.py --atoms 384,512,768,1024 --couplings 0.2
    python benchmarks/bench_dicke_large_n.py --table-only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from _child import run_json_child

HERE = Path(__file__).resolve().parent
CACHE = HERE / "results"
REGIMES = {0.05: "weak", 0.2: "ultra-strong", 1.0: "deep-strong"}
FULL = 400


def _params(n: int, g: float, steps: int):  # type: ignore[no-untyped-def]
    from ssbattery.quantum.dicke import DickeParameters, default_charging_time

    return DickeParameters(n, g, t_max=steps / FULL * default_charging_time(n, g), steps=steps)


def _work(spec: dict) -> dict:
    import warnings

    import numpy as np

    from ssbattery.quantum.dicke import charge_dicke
    from ssbattery.quantum.dicke_window import PhotonWindow

    n, g = spec["n"], spec["g"]
    t0 = time.perf_counter()
    for steps in (spec["steps"], FULL):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = charge_dicke(
                _params(n, g, steps),
                ergotropy=False,
                window=PhotonWindow(tol=1e-10, krylov_tol=1e-9),
            )
        k = int(np.argmax(res.power))
        if k < steps - 3:
            break
    return {
        "power_max": res.power_max,
        "index": k + 1,
        "steps": steps,
        "photon_cutoff": res.parameters["photon_cutoff"],
        "max_dimension": res.parameters["max_dimension"],
        "edge": res.parameters["max_edge_population"],
        "seconds": time.perf_counter() - t0,
    }


def exact(n: int, g: float, steps: int) -> dict:
    path = CACHE / f"dicke_large_n_g{g}_N{n}.json"
    if path.exists():
        return json.loads(path.read_text())
    spec = {"n": n, "g": g, "steps": steps}
    env = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = run_json_child(__file__, spec, env)
    out.update(load=os.getloadavg(), when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    CACHE.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out))
    tmp.replace(path)
    return out


def mean_field(n: int, g: float, steps: int, samples: int) -> float:
    from ssbattery.quantum.dicke_semiclassical import semiclassical_charge

    return float(semiclassical_charge(_params(n, g, steps), samples=samples).power_max)


def parse_atoms(text: str) -> list[int]:
    out: list[int] = []
    for item in text.split(","):
        if "-" in item:
            a, b = item.split("-")
            out += list(range(int(a), int(b) + 1))
        elif item:
            out.append(int(item))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atoms", default="2-32,48,64,96,128,192,256")
    parser.add_argument("--couplings", default="0.05,0.2,1.0")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--json", type=Path, default=HERE / "RESULTS_dicke_large_n.json")
    parser.add_argument("--table-only", action="store_true")
    parser.add_argument(
        "--budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="Start no new exact point after SECONDS (the finished ones are cached).",
    )
    parser.add_argument("--worker", default=None)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_work(json.loads(args.worker))))
        return
    data: dict = json.loads(args.json.read_text()) if args.json.exists() else {}
    start = time.perf_counter()
    if not args.table_only:
        for g in [float(x) for x in args.couplings.split(",")]:
            rows = {int(k): v for k, v in data.get(str(g), {}).items()}
            for n in parse_atoms(args.atoms):
                cached = (CACHE / f"dicke_large_n_g{g}_N{n}.json").exists()
                late = args.budget is not None and time.perf_counter() - start > args.budget
                if late and not cached:
                    continue
                ex = exact(n, g, args.steps)
                mf = mean_field(n, g, ex["steps"], args.samples)
                rows[n] = {**ex, "mean_field": mf, "samples": args.samples}
                print(f"g = {g}, N = {n}: {json.dumps(rows[n])}", file=sys.stderr, flush=True)
                data[str(g)] = {str(k): rows[k] for k in sorted(rows)}
                tmp = args.json.with_suffix(".tmp")
                tmp.write_text(json.dumps(data, indent=1))
                tmp.replace(args.json)
    print(summary(data, args.samples))
    print(tables(data, args.samples))


def summary(data: dict, samples: int) -> str:
    """One row per regime: where mean field and exact meet to 1 %, and the large-N end."""
    from ssbattery.quantum.dicke_semiclassical import (
        large_n_exponent,
        power_max_collective_limit,
    )

    out = [
        "| regime (g) | mean field within 1 % from N = | rel. diff at N_max | "
        "α exact, last two N | exact / limit at N_max | mean-field α at N = 2^18 → 2^20 "
        "| α as N → ∞ |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in sorted(data, key=float):
        g = float(key)
        rows = {int(k): v for k, v in data[key].items()}
        ns = sorted(rows)
        agree = ns[-1]
        for n in reversed(ns):
            if abs(rows[n]["mean_field"] / rows[n]["power_max"] - 1.0) > 1e-2:
                break
            agree = n
        a, b = ns[-2], ns[-1]
        alpha = math.log(rows[b]["power_max"] / rows[a]["power_max"]) / math.log(b / a)
        fit = large_n_exponent(g, [2**18, 2**20], samples=samples, tail=2)
        rel = rows[b]["mean_field"] / rows[b]["power_max"] - 1.0
        lim = rows[b]["power_max"] / power_max_collective_limit(b, g)
        out.append(
            f"| {REGIMES.get(g, '')} ({g}) | {agree} | {rel:+.2e} (N = {b}) | "
            f"{alpha:.5f} ({a} → {b}) | {lim:.6f} | {fit.exponent:.6f} | 3/2 |"
        )
    return "\n".join(out)


def tables(data: dict, samples: int) -> str:
    from ssbattery.quantum.dicke_semiclassical import (
        large_n_exponent,
        power_max_collective_limit,
    )

    out = []
    for key in sorted(data, key=float):
        g = float(key)
        rows = {int(k): v for k, v in data[key].items()}
        ns = sorted(rows)
        out.append(f"\n### {REGIMES.get(g, '')} coupling, g = {g}\n")
        out.append(
            "| N | exact P_max | mean field | rel. diff | limit ratio | α exact | α mean field "
            "| C | exact s | load |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        prev = None
        for n in ns:
            r = rows[n]
            pe, pm = r["power_max"], r["mean_field"]
            lim = power_max_collective_limit(n, g)
            a_ex = a_mf = ""
            if prev is not None and n >= 16:
                m, q = prev
                dl = math.log(n / m)
                a_ex = f"{math.log(pe / q['power_max']) / dl:.4f}"
                a_mf = f"{math.log(pm / q['mean_field']) / dl:.4f}"
            if n >= 16 or n <= 4 or n % 4 == 0:
                out.append(
                    f"| {n} | {pe:.10g} | {pm:.10g} | {pm / pe - 1:+.2e} | {pe / lim:.5f} | "
                    f"{a_ex} | {a_mf} | {r['photon_cutoff']} | {r['seconds']:.1f} | "
                    f"{r['load'][0]:.1f} |"
                )
            prev = (n, r)
        agree = None
        for n in reversed(ns):
            if abs(rows[n]["mean_field"] / rows[n]["power_max"] - 1.0) > 1e-2:
                break
            agree = n
        out.append(
            f"\nmean field within 1 % of exact for every N ≥ {agree} measured here "
            f"(N = {ns[0]} … {ns[-1]})."
        )
        big = [1024, 4096, 16384, 65536, 262144, 1048576]
        fit = large_n_exponent(g, big, samples=samples, tail=2)
        slopes = ", ".join(f"{x:.5f}" for x in fit.local)
        ratio = fit.power_max[-1] / power_max_collective_limit(big[-1], g)
        out.append(
            f"mean-field local α between N = {', '.join(map(str, big))}: {slopes}; "
            f"P_max / limit at N = 2^20: {ratio:.7f}."
        )
    return "\n".join(out)


if __name__ == "__main__":
    main()
