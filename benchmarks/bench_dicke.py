"""Benchmark: the Dicke-battery charging curve, ssbattery vs QuTiP sesolve vs QuSpin.

Task (issue 3 §7): E(t) on 400 times in (0, t_max], t_max = π/(g√N), g = 0.2,
ωa = ωc = 1, η = Ω = 0, photon cutoff 4N (the review's), initial |N⟩ ⊗ |j, −j⟩.
Every tool solves the same truncated model and must agree with a tight reference to
1e-8 relative: max_t |E(t) − E_ref(t)| / max_t E_ref and |Pmax − Pmax_ref| / Pmax_ref.
The reference is ssbattery at tol = 1e-13; QuSpin's ExpmMultiplyParallel (``quspin``,
from output time to output time, exact to machine precision, nothing to tune) agrees with
it to ~1e-14, an independent check. The tolerances of ssbattery, of QuTiP (atol = rtol)
and of QuSpin's ODE evolution (``quspin_ode``: hamiltonian.evolve, dop853) start at 1e-8
and are tightened (×0.1 each retry, carried over to the next N) until E(t) and Pmax
reach 1e-8: every tool runs at the loosest setting that meets the accuracy.

Each tool runs in its own subprocess (peak memory = that child's max RSS, via wait4) with
OPENBLAS_NUM_THREADS = 1 set before numpy is imported (on 2 cores QuSpin's OpenMP threads
otherwise fight OpenBLAS) and OMP_NUM_THREADS = the number of cores, so QuSpin keeps its
OpenMP parallelism (ssbattery runs on one thread). Seconds include building the
Hamiltonian and the evolution, not the Python imports.

    python benchmarks/bench_dicke.py --atoms 8,16,32,64,128 [--tools ours,qutip,quspin]
    python benchmarks/bench_dicke.py --atoms 256 --append     # add a row to the table
    python benchmarks/bench_dicke.py --atoms 16,64 --convergence   # photon-cutoff check
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

THREAD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OMP_NUM_THREADS": str(os.cpu_count() or 1),  # QuSpin's own parallelism
}
HERE = Path(__file__).resolve().parent
STEPS = 400
ACCURACY = 1e-8


def _grid(n: int, g: float) -> list[float]:
    t_max = math.pi / (g * math.sqrt(n))
    return [t_max * k / STEPS for k in range(1, STEPS + 1)]


# ---------------------------------------------------------------- workers (in children)


def _work_ours(n: int, g: float, tol: float, ergotropy: bool, engine: str = "lanczos") -> dict:
    import ssbattery.quantum.battery  # noqa: F401  (imports outside the timing)
    from ssbattery.quantum.dicke import DickeParameters, charge_dicke
    from ssbattery.quantum.evolution import Chebyshev, Lanczos

    method = Lanczos(tol=tol) if engine == "lanczos" else Chebyshev(tol=tol)
    t0 = time.perf_counter()
    res = charge_dicke(DickeParameters(n, g), ergotropy=ergotropy, method=method)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "energy": res.energy.tolist(), "dim": res.parameters["dimension"]}


def _work_qutip(n: int, g: float, tol: float, ergotropy: bool) -> dict:
    import numpy as np
    import qutip as qt

    t0 = time.perf_counter()
    cut, j = 4 * n, n / 2
    a = qt.tensor(qt.destroy(cut + 1), qt.qeye(n + 1))
    Jx = qt.tensor(qt.qeye(cut + 1), qt.jmat(j, "x"))
    Jz = qt.tensor(qt.qeye(cut + 1), qt.jmat(j, "z"))
    H = a.dag() * a + Jz + 2 * g * Jx * (a + a.dag())
    psi0 = qt.tensor(qt.basis(cut + 1, n), qt.basis(n + 1, n))  # jmat: last state is m = −j
    times = [0.0, *_grid(n, g)]
    opts = {"atol": tol, "rtol": tol, "nsteps": 10**8, "progress_bar": ""}
    out = qt.sesolve(H, psi0, times, e_ops=[Jz], options=opts)
    seconds = time.perf_counter() - t0
    energy = np.asarray(out.expect[0][1:]).real + n / 2
    return {"seconds": seconds, "energy": energy.tolist(), "dim": int(H.shape[0])}


def _work_quspin(n: int, g: float, tol: float, ergotropy: bool) -> dict:
    import numpy as np
    from quspin.basis import boson_basis_1d, spin_basis_1d, tensor_basis
    from quspin.operators import hamiltonian
    from quspin.tools.evolution import ExpmMultiplyParallel

    t0 = time.perf_counter()
    cut = 4 * n
    spin = "1/2" if n == 1 else (str(n // 2) if n % 2 == 0 else f"{n}/2")
    basis = tensor_basis(boson_basis_1d(1, sps=cut + 1), spin_basis_1d(1, S=spin, pauli=False))
    kw = {"basis": basis, "dtype": np.float64, "check_symm": False, "check_herm": False}
    kw["check_pcon"] = False
    static = [
        ["n|", [[1.0, 0]]],
        ["|z", [[1.0, 0]]],
        *[[f"{b}|{s}", [[g, 0, 0]]] for b in "+-" for s in "+-"],  # 2g Jx(a + a†)
    ]
    H = hamiltonian(static, [], **kw)
    nz = hamiltonian([["n|", [[1.0, 0]]]], [], **kw).tocsr().diagonal()
    jz = hamiltonian([["|z", [[1.0, 0]]]], [], **kw).tocsr().diagonal()
    psi = np.zeros(basis.Ns, dtype=np.complex128)
    psi[np.flatnonzero((np.abs(nz - n) < 1e-9) & (np.abs(jz + n / 2) < 1e-9))[0]] = 1.0
    times = _grid(n, g)
    if tol > 0:  # QuSpin's ODE solver (scipy dop853) with atol = rtol = tol
        states = H.evolve(psi, 0.0, np.asarray(times), atol=tol, rtol=tol)  # Ns × n_times
        energy = list(jz @ (np.abs(states) ** 2) + n / 2)
    else:  # ExpmMultiplyParallel from one output time to the next (machine precision)
        step = ExpmMultiplyParallel(H.tocsr(), a=-1j * (times[1] - times[0]))
        work = np.zeros(2 * basis.Ns, dtype=np.complex128)
        energy = []
        for _ in times:
            step.dot(psi, work_array=work, overwrite_v=True)
            energy.append(float((np.abs(psi) ** 2) @ jz) + n / 2)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "energy": energy, "dim": int(basis.Ns)}


def _work_ours_chebyshev(n: int, g: float, tol: float, ergotropy: bool) -> dict:
    """The same engine with the Chebyshev method instead of the default Lanczos."""
    return _work_ours(n, g, tol, ergotropy, engine="chebyshev")


WORKERS = {
    "ours": _work_ours,  # evolve(..., method=Lanczos(tol)), charge_dicke's default
    "ours_chebyshev": _work_ours_chebyshev,  # evolve(..., method=Chebyshev(tol))
    "qutip": _work_qutip,
    "quspin": _work_quspin,  # tol 0 → ExpmMultiplyParallel
    "quspin_ode": _work_quspin,  # tol > 0 → hamiltonian.evolve (dop853)
}


# ---------------------------------------------------------------- driver (parent)


def run_child(tool: str, n: int, g: float, tol: float, ergotropy: bool = False) -> dict:
    """Run one tool in a fresh process; return its result with peak RSS in MiB."""
    env = {**os.environ, **THREAD_ENV}
    cmd = [sys.executable, __file__, "--worker", tool, str(n), str(g), repr(tol)]
    if ergotropy:
        cmd.append("--ergotropy")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} N={n} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    return result


def accuracy(energy: list[float], ref: list[float]) -> tuple[float, float]:
    """(max |ΔE| / max E_ref, |ΔPmax| / Pmax_ref) on the shared grid."""
    import numpy as np

    e, r = np.asarray(energy), np.asarray(ref)
    t = np.arange(1, len(r) + 1)  # P = E/t; the grid spacing cancels in the ratio
    p_err = abs(np.max(e / t) - np.max(r / t)) / np.max(r / t)
    return float(np.max(np.abs(e - r)) / np.max(np.abs(r))), float(p_err)


def bench(
    atoms: list[int], g: float, tools: list[str], start_tols: dict[str, float], repeat: int = 1
) -> list[dict]:
    """Time every tool at every N; adaptive tools get the loosest tolerance (×0.1 steps,
    carried over from the previous N) whose E(t) and Pmax are within 1e-8 of the reference."""
    tols = {"quspin": 0.0, **start_tols}
    rows = []
    for n in atoms:
        print(f"N = {n}: reference (ssbattery, tol 1e-13) …", file=sys.stderr, flush=True)
        ref = run_child("ours", n, g, 1e-13)["energy"]  # Lanczos at 1e-13
        check = run_child("ours_chebyshev", n, g, 1e-15)["energy"]
        print(f"  Chebyshev 1e-15 vs reference: {max(accuracy(check, ref)):.1e}", file=sys.stderr)
        row: dict = {"N": n}
        for tool in tools:
            tol = tols[tool]
            for _attempt in range(5):
                res = run_child(tool, n, g, tol)
                err_e, err_p = accuracy(res["energy"], ref)
                ok = max(err_e, err_p) <= ACCURACY
                if ok or tool == "quspin":
                    break
                print(
                    f"  {tool}: error {max(err_e, err_p):.1e} at tol {tol:g}; tightening",
                    file=sys.stderr,
                    flush=True,
                )
                tol *= 0.1
            for _again in range(repeat - 1):  # the machine is shared: keep the fastest run
                again = run_child(tool, n, g, tol)
                if again["seconds"] < res["seconds"]:
                    res = {**again, "peak_mib": max(again["peak_mib"], res["peak_mib"])}
            tols[tool] = tol
            row[tool] = {**res, "tol": tol, "err_E": err_e, "err_P": err_p, "ok": ok}
            del row[tool]["energy"]
            print(
                f"  {tool:10s} {res['seconds']:8.2f} s  {res['peak_mib']:7.0f} MiB  "
                f"dim {res['dim']:8d}  err E {err_e:.1e}  err Pmax {err_p:.1e}  tol {tol:g}",
                file=sys.stderr,
                flush=True,
            )
        if "ours" in tools:
            erg = run_child("ours", n, g, 1e-10, ergotropy=True)
            row["ours_with_ergotropy_s"] = erg["seconds"]
        rows.append(row)
    return rows


def convergence(atoms: list[int], g: float, factors: tuple[int, ...] = (2, 3, 4, 6, 8)) -> str:
    """How the photon cutoff changes Pmax, Emax and E(t) (the cutoff justification)."""
    import numpy as np

    from ssbattery.quantum.dicke import DickeParameters, charge_dicke

    lines = [
        "| N | cutoff | Pmax | rel. ΔPmax | rel. ΔEmax | max_t abs ΔE(t) / max E | "
        "max_t population of the top 2 Fock levels |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in atoms:
        runs = {
            f: charge_dicke(DickeParameters(n, g, photon_cutoff=f * n), ergotropy=False)
            for f in factors
        }
        best = runs[factors[-1]]
        for f, r in runs.items():
            d_e = np.max(np.abs(r.energy - best.energy)) / np.max(best.energy)
            lines.append(
                f"| {n} | {f}N | {r.power_max:.10g} | "
                f"{abs(r.power_max - best.power_max) / best.power_max:.1e} | "
                f"{abs(r.energy_max - best.energy_max) / best.energy_max:.1e} | {d_e:.1e} | "
                f"{r.parameters['max_top_photon_population']:.1e} |"
            )
    return "\n".join(lines)


def table(rows: list[dict], tools: list[str]) -> str:
    head = (
        "| N | dim (ours / peers) | "
        + " | ".join(f"{t} s (peak MiB)" for t in tools)
        + " | ours with ergotropy s | ours ÷ fastest peer | QuTiP ÷ ours"
        + " | ours tol | ours Chebyshev tol | QuTiP tol | QuSpin-ODE tol |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        cells = [str(r["N"])]
        dims = [str(r[t]["dim"]) for t in tools if t in r]
        cells.append(" / ".join(dict.fromkeys(dims)))
        for t in tools:
            x = r[t]
            mark = "" if x["ok"] else " ✗"
            cells.append(f"{x['seconds']:.2f} ({x['peak_mib']:.0f}){mark}")
        cells.append(f"{r.get('ours_with_ergotropy_s', float('nan')):.2f}")
        peers = [r[t]["seconds"] for t in tools if not t.startswith("ours") and r[t]["ok"]]
        ours = r["ours"]["seconds"] if "ours" in r else float("nan")
        cells.append(f"{ours / min(peers):.2f}" if peers else "–")
        qt = r.get("qutip")
        cells.append(f"{qt['seconds'] / ours:.1f}" if qt else "–")
        cells.append(f"{r['ours']['tol']:g}" if "ours" in r else "–")
        oc = r.get("ours_chebyshev")
        cells.append(f"{oc['tol']:g}" if oc else "–")
        cells.append(f"{qt['tol']:g}" if qt else "–")
        qo = r.get("quspin_ode")
        cells.append(f"{qo['tol']:g}" if qo else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atoms", default="8,16,32,64,128")
    parser.add_argument("--coupling", type=float, default=0.2)
    parser.add_argument("--tools", default="ours,ours_chebyshev,qutip,quspin,quspin_ode")
    parser.add_argument("--ours-tol", type=float, default=1e-5, help="First ssbattery tol.")
    parser.add_argument("--chebyshev-tol", type=float, default=1e-8, help="Same, Chebyshev.")
    parser.add_argument("--qutip-tol", type=float, default=1e-8, help="First atol = rtol.")
    parser.add_argument(
        "--convergence", action="store_true", help="Print the photon-cutoff convergence table."
    )
    parser.add_argument("--table-only", action="store_true", help="Print the JSON's table.")
    parser.add_argument("--quspin-tol", type=float, default=1e-8, help="Same for quspin_ode.")
    parser.add_argument("--json", type=Path, default=HERE / "RESULTS_dicke.json")
    parser.add_argument("--append", action="store_true", help="Add rows to the JSON file.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per tool; keep the fastest.")
    args = parser.parse_args()
    atoms = [int(x) for x in args.atoms.split(",")]
    tools = args.tools.split(",")
    if args.table_only:  # reprint the table of the JSON file
        rows = json.loads(args.json.read_text())
        print(table(rows, [t for t in WORKERS if all(t in r for r in rows)]))
        return
    if args.convergence:
        print(convergence(atoms, args.coupling))
        return
    starts = {
        "ours": args.ours_tol,
        "ours_chebyshev": args.chebyshev_tol,
        "qutip": args.qutip_tol,
        "quspin_ode": args.quspin_tol,
    }
    rows = bench(atoms, args.coupling, tools, starts, args.repeat)
    if args.append and args.json.exists():  # merge: new tool entries replace old ones
        merged = {r["N"]: r for r in json.loads(args.json.read_text())}
        for r in rows:
            merged.setdefault(r["N"], {}).update(r)
        rows = [merged[n] for n in sorted(merged)]
        tools = [t for t in WORKERS if all(t in r for r in rows)]
    args.json.write_text(json.dumps(rows, indent=1))
    print(table(rows, tools))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        tool, n, g, tol = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
        result = WORKERS[tool](n, g, tol, "--ergotropy" in sys.argv)
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        main()
