"""Benchmark: the Dicke battery with the cutoff chosen by error control (issue 11 §1).

Task: E(t) on 400 times in (0, π/(g√N)], g = 0.2, ωa = ωc = 1, from |N⟩ ⊗ |j, −j⟩.
Unlike ``bench_dicke.py`` (every tool solves the *same* 4N-truncated model), the reference
here is the converged model: ssbattery's Lanczos at tol 1e-12 with a fixed cutoff 1.3×
the one the moving window needed (its top-layer population is printed, ≪ 1e-10). Every
entry must reach 1e-8 on max_t|ΔE|/E_max and on ΔPmax/Pmax against it; tolerances are
tightened ×0.01 until it does (or reported as failing):

* ``window``: ``charge_dicke(window=PhotonWindow(tol=1e-10, krylov_tol=…,
  propagator="lanczos"))``;
* ``window_wave``: the same with ``propagator="wavefront"`` (``--block`` output times per
  expansion, ``--depth``; read the JSON or the part's line on stderr);
* ``fixed4N``: ssbattery at the review's 4N cutoff (Lanczos tol 1e-6), to show its error;
* ``quspin@4N`` and ``quspin@C``: QuSpin's ExpmMultiplyParallel from output time to output
  time on the *parity block* (the same parity-sector CSR matrix ssbattery evolves; QuSpin's
  tensor basis has no Dicke parity symmetry), Taylor tolerance ``dot(tol=…)`` tuned, at
  OMP threads 1 and 2 (its best is kept), at 4N and at the window's cutoff C.

Each entry runs in its own process (peak RSS via wait4; OPENBLAS_NUM_THREADS = 1);
``--window-threads 1,2`` runs the window at each numba thread count (the faster kept,
both recorded).

    python benchmarks/bench_dicke_window.py --atoms 64,128,256
    python benchmarks/bench_dicke_window.py --atoms 256 --parts ref,window,fixed4N
    python benchmarks/bench_dicke_window.py --atoms 256 --parts quspin@C,quspin@4N
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
ACCURACY = 1e-8


def _work(spec: dict) -> dict:
    import numpy as np

    from ssbattery.quantum.dicke import (
        DickeParameters,
        charge_dicke,
        dicke_basis,
        dicke_hamiltonian,
        dicke_initial_state,
    )
    from ssbattery.quantum.dicke_window import PhotonWindow
    from ssbattery.quantum.evolution import Lanczos

    n, g, tool = spec["n"], spec["g"], spec["tool"]
    t0 = time.perf_counter()
    out: dict = {}
    if tool == "window":

        def progress(done: int, total: int) -> None:
            if spec.get("progress", False):
                elapsed = time.perf_counter() - t0
                print(
                    f"N = {n}: {done}/{total} times, {elapsed:.0f} s", file=sys.stderr, flush=True
                )

        from ssbattery.errors import RunPaused

        try:
            res = charge_dicke(
                DickeParameters(n, g),
                ergotropy=spec.get("ergotropy", False),
                window=PhotonWindow(
                    tol=1e-10,
                    krylov_tol=spec["tol"],
                    segment=spec.get("segment", 25),
                    threads=spec.get("threads", 1),
                    propagator=spec.get("propagator", "lanczos"),
                    block=spec.get("block", 4),
                    depth=spec.get("depth", 32),
                ),
                progress=progress,
                checkpoint=spec.get("checkpoint"),
                stop_after_s=spec.get("stop_after_s"),
            )
        except RunPaused as stop:
            return {"paused": str(stop), "seconds": time.perf_counter() - t0, "energy": []}
        out = {k: res.parameters[k] for k in ("photon_cutoff", "max_dimension", "calls")}
        out["propagation_seconds"] = res.parameters["propagation_seconds"]
        out["products"] = res.parameters["products"]
        out["edge"] = res.parameters["max_edge_population"]
        out["energy_error_bound"] = res.parameters["energy_error_bound"]
        out["power_max"] = res.power_max
        if spec.get("ergotropy", False):
            out["ergotropy_max"] = float(np.nanmax(res.ergotropy))
        energy = res.energy.tolist()
    elif tool == "ours":
        res = charge_dicke(
            DickeParameters(n, g, photon_cutoff=spec["cutoff"]),
            ergotropy=False,
            method=Lanczos(tol=spec["tol"]),
        )
        out = {"edge": res.parameters["max_top_photon_population"]}
        energy = res.energy.tolist()
    else:  # quspin on the parity block
        from quspin.tools.evolution import ExpmMultiplyParallel

        p = DickeParameters(n, g, photon_cutoff=spec["cutoff"])
        basis = dicke_basis(p)
        H = dicke_hamiltonian(p, basis).tocsr()
        psi = dicke_initial_state(basis)
        times = p.times()
        jz = basis.k - n / 2.0
        step = ExpmMultiplyParallel(H, a=-1j * (times[1] - times[0]))
        work = np.zeros(2 * basis.size, dtype=np.complex128)
        energy = []
        for _ in times:
            step.dot(psi, work_array=work, overwrite_v=True, tol=spec["tol"])
            energy.append(float((np.abs(psi) ** 2) @ jz) + n / 2)
    out["seconds"] = time.perf_counter() - t0
    out["energy"] = energy
    return out


def run_child(spec: dict, threads: int = 1) -> dict:
    return run_json_child(
        __file__,
        spec,
        {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": str(threads)},
    )


def accuracy(energy: list[float], ref: list[float]) -> tuple[float, float]:
    import numpy as np

    e, r = np.asarray(energy), np.asarray(ref)
    t = np.arange(1, len(r) + 1)
    p_err = abs(np.max(e / t) - np.max(r / t)) / np.max(r / t)
    return float(np.max(np.abs(e - r)) / np.max(np.abs(r))), float(p_err)


def tuned(spec: dict, ref: list[float], start: float, threads: int = 1, tries: int = 4) -> dict:
    tol = start
    for _ in range(tries):
        res = run_child({**spec, "tol": tol}, threads)
        err_e, err_p = accuracy(res.pop("energy"), ref)
        res.update(tol=tol, err_E=err_e, err_P=err_p, ok=max(err_e, err_p) <= ACCURACY)
        if res["ok"]:
            break
        tol *= 0.01
    return res


PARTS = ("ref", "window", "fixed4N", "quspin@C", "quspin@4N")
CACHE = HERE / "results"


def reference(n: int, g: float) -> dict:
    """The window's cutoff C and the converged reference E(t) (cached between calls)."""
    path = CACHE / f"dicke_window_ref_N{n}_g{g}.json"
    if path.exists():
        return json.loads(path.read_text())
    base = {"n": n, "g": g}
    win = run_child({**base, "tool": "window", "tol": 1e-9})
    cut = int(win["photon_cutoff"])
    ref_cut = math.ceil(1.3 * cut)
    ref_run = run_child({**base, "tool": "ours", "cutoff": ref_cut, "tol": 1e-12})
    out = {
        "cutoff_window": cut,
        "cutoff_ref": ref_cut,
        "ref_edge": ref_run["edge"],
        "ref_seconds": ref_run["seconds"],
        "energy": ref_run["energy"],
    }
    CACHE.mkdir(exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def run_part(
    part: str,
    n: int,
    g: float,
    ref: dict,
    threads: tuple[int, ...],
    window_threads: tuple[int, ...] = (1,),
    block: int = 4,
    depth: int = 32,
) -> dict:
    base = {"n": n, "g": g}
    energy, cut = ref["energy"], ref["cutoff_window"]
    if part == "window":
        return _best_of_threads({**base, "tool": "window"}, energy, 1e-7, window_threads, 4)
    if part == "window_wave":
        spec = {**base, "tool": "window", "propagator": "wavefront", "block": block}
        spec["depth"] = depth
        return _best_of_threads(spec, energy, 1e-7, window_threads, 4)
    if part == "fixed4N":
        return tuned({**base, "tool": "ours", "cutoff": 4 * n}, energy, 1e-6, tries=1)
    c = 4 * n if part == "quspin@4N" else cut
    # at 4N the *model* misses 1e-8 late in the grid (no tolerance can fix that): one run
    # at the loosest tolerance, its error reported
    tries = 1 if c == 4 * n else 3
    return _best_of_threads({**base, "tool": "quspin", "cutoff": c}, energy, 1e-8, threads, tries)


def _best_of_threads(
    spec: dict, energy: list[float], start: float, threads: tuple[int, ...], tries: int
) -> dict:
    """The tuned run at each thread count (ssbattery: numba threads of the stencil;
    QuSpin: OpenMP threads), the fastest accurate one kept, every count's time recorded."""
    best: dict | None = None
    for th in threads:
        r = tuned({**spec, "threads": th}, energy, start, th, tries)
        r["threads"] = th
        r[f"seconds_threads_{th}"] = r["seconds"]
        if best is None or (r["ok"], -r["seconds"]) > (best["ok"], -best["seconds"]):
            best = {**(best or {}), **r}
        else:
            best[f"seconds_threads_{th}"] = r["seconds"]
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atoms", default="64,128,256")
    parser.add_argument("--coupling", type=float, default=0.2)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="Entries to run, comma-separated from " + ", ".join(PARTS) + " (each N's "
        "reference is cached under benchmarks/results/, so a row can be filled in "
        "several calls of ≤ 5 min).",
    )
    parser.add_argument("--threads", default="1,2", help="QuSpin OpenMP thread counts.")
    parser.add_argument(
        "--window-threads",
        default="1",
        help="ssbattery's numba thread counts for the window (and --scale: the first).",
    )
    parser.add_argument(
        "--scale",
        default=None,
        help="Comma-separated N: time the window run alone (400 times, atoms' ergotropy, "
        "Lanczos tol 1e-7 as tuned at N ≤ 256) with its peak memory, into --scale-json.",
    )
    parser.add_argument("--scale-json", type=Path, default=HERE / "RESULTS_dicke_scale.json")
    parser.add_argument(
        "--largest-in",
        type=float,
        default=None,
        metavar="SECONDS",
        help="Print the largest N of --scale-json whose run took at most SECONDS.",
    )
    parser.add_argument(
        "--progress", action="store_true", help="--scale: print each run's progress to stderr."
    )
    parser.add_argument(
        "--without-ergotropy",
        action="store_true",
        help="--scale: leave the ergotropy out (to measure its share; use another --scale-json).",
    )
    parser.add_argument(
        "--segment",
        type=int,
        default=25,
        help="--scale: output times between window checks (a resumed run may shorten them, "
        "so that each call ends within bench.sh's limit).",
    )
    parser.add_argument(
        "--stop-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="--scale: checkpoint under benchmarks/results/ and stop after SECONDS; call "
        "again to resume (the row sums every call's time and keeps the largest peak).",
    )
    parser.add_argument(
        "--propagator",
        default="lanczos",
        choices=("lanczos", "wavefront"),
        help="--scale: the window's propagator (PhotonWindow(propagator=…)).",
    )
    parser.add_argument(
        "--block", type=int, default=4, help="Wavefront: output times per expansion."
    )
    parser.add_argument(
        "--depth", type=int, default=32, help="Wavefront: Chebyshev terms per memory pass."
    )
    parser.add_argument("--worker", default=None)
    parser.add_argument("--table-only", action="store_true", help="Print the JSON's table.")
    parser.add_argument("--json", type=Path, default=HERE / "RESULTS_dicke_window.json")
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_work(json.loads(args.worker))))
        return
    if args.table_only:
        print(table(json.loads(args.json.read_text())))
        return
    if args.scale is not None or args.largest_in is not None:
        scale(args)
        return
    g = args.coupling
    parts = [x for x in args.parts.split(",") if x]
    threads = tuple(int(x) for x in args.threads.split(","))
    window_threads = tuple(int(x) for x in args.window_threads.split(","))
    rows: list[dict] = json.loads(args.json.read_text()) if args.json.exists() else []
    for n in [int(x) for x in args.atoms.split(",")]:
        ref = reference(n, g)
        row = next((r for r in rows if r["N"] == n), None)
        if row is None:
            row = {"N": n}
            rows.append(row)
        row.update({k: v for k, v in ref.items() if k != "energy"})
        for part in parts:
            if part == "ref":
                continue
            row[part] = run_part(part, n, g, ref, threads, window_threads, args.block, args.depth)
            row[part]["load"] = os.getloadavg()
            row[part]["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            print(part, json.dumps(row[part]), file=sys.stderr, flush=True)
        row["load"] = os.getloadavg()
        rows.sort(key=lambda r: r["N"])
        args.json.write_text(json.dumps(rows, indent=1))
    print(table([r for r in rows if all(p in r for p in PARTS[1:])]))


def scale(args: argparse.Namespace) -> None:
    """The large-N runs (issue 11 §1 targets: N = 1024 ≤ 120 s and ≤ 4 GB, N = 2048)."""
    path = args.scale_json
    rows: list[dict] = json.loads(path.read_text()) if path.exists() else []
    for n in [int(x) for x in (args.scale or "").split(",") if x]:
        spec = {
            "n": n,
            "g": args.coupling,
            "tool": "window",
            "tol": 1e-7,
            "ergotropy": not args.without_ergotropy,
            "progress": args.progress,
            "segment": args.segment,
            "threads": int(args.window_threads.split(",")[0]),
            "propagator": args.propagator,
            "block": args.block,
            "depth": args.depth,
        }
        # one checkpoint per thread count and propagator (a checkpoint records neither)
        name = f"dicke_scale_N{n}" + (f"_t{spec['threads']}" if spec["threads"] != 1 else "")
        name += "_wave" if args.propagator == "wavefront" else ""
        calls_path = CACHE / f"{name}_calls.json"
        if args.stop_after is not None:
            # a run longer than one bench.sh call: checkpointed, resumed call after call
            CACHE.mkdir(exist_ok=True)
            spec.update(checkpoint=str(CACHE / f"{name}.npz"), stop_after_s=args.stop_after)
        res = run_child(spec)
        res.pop("energy")
        if args.stop_after is not None:
            calls = json.loads(calls_path.read_text()) if calls_path.exists() else []
            calls.append(
                {
                    "seconds": res["seconds"],
                    "peak_mib": res["peak_mib"],
                    "load": os.getloadavg(),
                    "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "paused": res.get("paused", ""),
                    "segment": args.segment,
                }
            )
            CACHE.mkdir(exist_ok=True)
            calls_path.write_text(json.dumps(calls, indent=1))
            print(json.dumps(calls[-1]), file=sys.stderr, flush=True)
            if "paused" in res:
                print(f"N = {n} paused: run this command again to resume.", file=sys.stderr)
                continue
            # the whole run: every call's wall time (restarts included), the largest peak
            res["seconds"] = sum(c["seconds"] for c in calls)
            res["peak_mib"] = max(c["peak_mib"] or 0.0 for c in calls)
            res["bench_calls"] = calls
        res.update(N=n, load=os.getloadavg(), when=time.strftime("%Y-%m-%d %H:%M UTC"))
        res["threads"] = spec["threads"]
        res["propagator"] = args.propagator
        print(json.dumps(res), file=sys.stderr, flush=True)
        rows = [r for r in rows if r["N"] != n] + [res]
        rows.sort(key=lambda r: r["N"])
        path.write_text(json.dumps(rows, indent=1))
    lines = [
        "| N | C | states | s | peak MiB | Pmax | max ergotropy | E bound (Duhamel) | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ergo = r.get("ergotropy_max", math.nan)
        lines.append(
            f"| {r['N']} | {r['photon_cutoff']} | {r['max_dimension']} | {r['seconds']:.1f} | "
            f"{r['peak_mib']:.0f} | {r['power_max']:.6g} | {ergo:.6g} | "
            f"{r['energy_error_bound']:.1e} | {r['load'][0]:.1f} |"
        )
    print("\n".join(lines))
    if args.largest_in is not None:
        done = [r["N"] for r in rows if r["seconds"] <= args.largest_in]
        print(f"largest N done in {args.largest_in:g} s: {max(done) if done else 'none'}")


def table(rows: list[dict]) -> str:
    head = (
        "| N | C (window) | window s (MiB) | err E / Pmax | 4N s, err E "
        "| QuSpin@4N s (thr, tol), err E | QuSpin@C s (thr, tol), err E "
        "| QuSpin@C ÷ window | load |\n|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in rows:
        w, f, q4, qc = r["window"], r["fixed4N"], r["quspin@4N"], r["quspin@C"]
        lines.append(
            f"| {r['N']} | {r['cutoff_window']} | {w['seconds']:.2f} ({w['peak_mib']:.0f}"
            f"{', ' + str(w['threads']) + ' thr' if 'threads' in w else ''}) | "
            f"{w['err_E']:.1e} / {w['err_P']:.1e} | {f['seconds']:.2f}, {f['err_E']:.1e} | "
            f"{q4['seconds']:.2f} ({q4['threads']}, {q4['tol']:.0e}), {q4['err_E']:.1e} | "
            f"{qc['seconds']:.2f} ({qc['threads']}, {qc['tol']:.0e}), {qc['err_E']:.1e} | "
            f"{qc['seconds'] / w['seconds']:.1f} | {r['load'][0]:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
