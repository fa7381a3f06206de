"""Benchmark: the Dicke battery with the cutoff chosen by error control (issue 11 §1).

Task: E(t) on 400 times in (0, π/(g√N)], g = 0.2, ωa = ωc = 1, from |N⟩ ⊗ |j, −j⟩.
Unlike ``bench_dicke.py`` (every tool solves the *same* 4N-truncated model), the reference
here is the converged model: ssbattery's Lanczos at tol 1e-12 with a fixed cutoff 1.3×
the one the moving window needed (its top-layer population is printed, ≪ 1e-10). Every
entry must reach 1e-8 on max_t|ΔE|/E_max and on ΔPmax/Pmax against it; tolerances are
tightened ×0.01 until it does (or reported as failing):

* ``window``: ``charge_dicke(window=PhotonWindow(tol=1e-10, krylov_tol=…))``;
* ``fixed4N``: ssbattery at the review's 4N cutoff (Lanczos tol 1e-6), to show its error;
* ``quspin@4N`` and ``quspin@C``: QuSpin's ExpmMultiplyParallel from output time to output
  time on the *parity block* (the same parity-sector CSR matrix ssbattery evolves; QuSpin's
  tensor basis has no Dicke parity symmetry), Taylor tolerance ``dot(tol=…)`` tuned, at
  OMP threads 1 and 2 (its best is kept), at 4N and at the window's cutoff C.

Each entry runs in its own process (peak RSS via wait4; OPENBLAS_NUM_THREADS = 1).

    python benchmarks/bench_dicke_window.py --atoms 64,128,256
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
        res = charge_dicke(
            DickeParameters(n, g),
            ergotropy=spec.get("ergotropy", False),
            window=PhotonWindow(tol=1e-10, krylov_tol=spec["tol"]),
        )
        out = {k: res.parameters[k] for k in ("photon_cutoff", "max_dimension")}
        out["edge"] = res.parameters["max_edge_population"]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atoms", default="64,128,256")
    parser.add_argument("--coupling", type=float, default=0.2)
    parser.add_argument("--worker", default=None)
    parser.add_argument("--append", action="store_true", help="Add rows to the JSON file.")
    parser.add_argument("--table-only", action="store_true", help="Print the JSON's table.")
    parser.add_argument("--json", type=Path, default=HERE / "RESULTS_dicke_window.json")
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(_work(json.loads(args.worker))))
        return
    if args.table_only:
        print(table(json.loads(args.json.read_text())))
        return
    g = args.coupling
    rows: list[dict] = []
    for n in [int(x) for x in args.atoms.split(",")]:
        base = {"n": n, "g": g}
        win = run_child({**base, "tool": "window", "tol": 1e-9})
        cut = int(win["photon_cutoff"])
        ref_cut = math.ceil(1.3 * cut)
        ref_run = run_child({**base, "tool": "ours", "cutoff": ref_cut, "tol": 1e-12})
        ref = ref_run.pop("energy")
        row: dict = {
            "N": n,
            "cutoff_window": cut,
            "cutoff_ref": ref_cut,
            "ref_edge": ref_run["edge"],
        }
        row["window"] = tuned({**base, "tool": "window"}, ref, 1e-7)
        row["fixed4N"] = tuned({**base, "tool": "ours", "cutoff": 4 * n}, ref, 1e-6, tries=1)
        for label, c in (("quspin@4N", 4 * n), ("quspin@C", cut)):
            best = None
            for threads in (1, 2):
                # at 4N the *model* misses 1e-8 late in the grid (no tolerance can fix
                # that): one run at the loosest tolerance, its error reported
                tries = 1 if c == 4 * n else 3
                r = tuned({**base, "tool": "quspin", "cutoff": c}, ref, 1e-8, threads, tries)
                r["threads"] = threads
                if best is None or (r["ok"], -r["seconds"]) > (best["ok"], -best["seconds"]):
                    best = r
            row[label] = best
        row["load"] = os.getloadavg()
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        done = json.loads(args.json.read_text()) if args.append and args.json.exists() else []
        args.json.write_text(json.dumps([*done, *rows], indent=1))
    print(table(rows))


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
            f"| {r['N']} | {r['cutoff_window']} | {w['seconds']:.2f} ({w['peak_mib']:.0f}) | "
            f"{w['err_E']:.1e} / {w['err_P']:.1e} | {f['seconds']:.2f}, {f['err_E']:.1e} | "
            f"{q4['seconds']:.2f} ({q4['threads']}, {q4['tol']:.0e}), {q4['err_E']:.1e} | "
            f"{qc['seconds']:.2f} ({qc['threads']}, {qc['tol']:.0e}), {qc['err_E']:.1e} | "
            f"{qc['seconds'] / w['seconds']:.1f} | {r['load'][0]:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
