"""Benchmark: charging the XXZ spin-chain battery, ssbattery vs QuTiP vs QuSpin (issue 3 §7).

The chain of §2.3.8 (eqs. 10–14) with 400 output times uniformly in (0, 2], nearest
neighbours, open boundaries, α = 0.5, B = 3, ω = 12, g = 3, for N = 4, 6, …: each tool builds
its own Hamiltonian, evolves |↓…↓⟩ and returns E(t) = ⟨H0⟩(t) on the grid. Every run is a
fresh subprocess (seconds exclude imports; peak memory is the process's maximum resident
set size), with OPENBLAS_NUM_THREADS=1 for all tools (QuSpin otherwise fights OpenBLAS for
the 2 cores) and OMP_NUM_THREADS = the number of cores (QuSpin's OpenMP parallelism).

Equal accuracy: each tool's E(t) and grid P_max = max E/t must agree with a tight reference
to 1e-8 relative (E error measured as max|E − E_ref| / max|E_ref|). The reference is scipy's
``expm_multiply`` (Al-Mohy & Higham, double precision) on the reflection-sector matrix for
N ≤ 14 and ssbattery's Chebyshev engine at tol = 1e-15 on the full 2^N space above (it is
checked against expm_multiply up to N = 14 in the same run). QuTiP ``sesolve`` and QuSpin's
``evolve`` (reflection block ``pblock=1``) are rerun with atol = rtol tightened by 10× until
they reach that accuracy; the table shows the first tolerance that does, and the error at
QuTiP's defaults.

QuSpin's ``expm_multiply_parallel`` (Taylor steps matched to the grid, reflection block) is
timed as a second QuSpin peer ("quspin_expm"); it has no tolerance to set.

"ssbattery" is ``evolve`` with its default method (here Chebyshev); "ssbattery_chebyshev"
and "ssbattery_lanczos" run the engine's two methods explicitly, each at the loosest
tolerance (×0.1 ladder) that reaches the target, to compare them at equal accuracy.

Usage:  python benchmarks/bench_spin_chain.py [--sizes 4,6,8,10,12,14,16] [--out FILE]
            [--tools ssbattery,ssbattery_chebyshev,ssbattery_lanczos,quspin,quspin_expm,qutip]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ssbattery.quantum.evolution import Method

T_MAX, STEPS = 2.0, 400
ALPHA, B, OMEGA, G = 0.5, 3.0, 12.0, 3.0
TARGET = 1e-8


def _times():
    import numpy as np

    return T_MAX * np.arange(1, STEPS + 1) / STEPS


def _params(n: int):
    from ssbattery.quantum.spin_chain import SpinChainParameters

    return SpinChainParameters(
        n_sites=n, field=B, charging=OMEGA, coupling=G, anisotropy=ALPHA, interaction="nn"
    )


# ----------------------------------------------------------------------------- workers


def work_ssbattery(n: int, tol: float) -> list[float]:
    from ssbattery.quantum.evolution import evolve
    from ssbattery.quantum.spin_chain import build_operators, ground_state_energy

    p = _params(n)
    ops = build_operators(p)
    tr = evolve(ops.H_charge, ops.psi0, _times(), e_ops=[ops.H0])
    return list(tr.expect[0] - ground_state_energy(p))


def _work_engine(n: int, method: Method) -> list[float]:
    from ssbattery.quantum.evolution import evolve
    from ssbattery.quantum.spin_chain import build_operators, ground_state_energy

    p = _params(n)
    ops = build_operators(p)
    tr = evolve(ops.H_charge, ops.psi0, _times(), e_ops=[ops.H0], method=method)
    return list(tr.expect[0] - ground_state_energy(p))


def work_ssbattery_chebyshev(n: int, tol: float) -> list[float]:
    """The engine's Chebyshev method at an explicit (loosest passing) tolerance."""
    from ssbattery.quantum.evolution import Chebyshev

    return _work_engine(n, Chebyshev(tol=tol))


def work_ssbattery_lanczos(n: int, tol: float) -> list[float]:
    """The engine's Lanczos method (the Dicke battery's) at an explicit tolerance."""
    from ssbattery.quantum.evolution import Lanczos

    return _work_engine(n, Lanczos(tol=tol))


def work_reference(n: int, tol: float) -> list[float]:
    import numpy as np
    from scipy.sparse.linalg import expm_multiply

    from ssbattery.quantum.evolution import Chebyshev, evolve
    from ssbattery.quantum.spin_chain import build_operators, ground_state_energy

    p = _params(n)
    if n <= 14:
        ops = build_operators(p)
        states = expm_multiply(
            -1j * ops.H_charge.tocsc(),
            ops.psi0.astype(complex),
            start=0.0,
            stop=T_MAX,
            num=STEPS + 1,
            endpoint=True,
        )[1:]
        E = np.einsum("ki,ik->k", states.conj(), ops.H0 @ states.T).real
        return list(E - ground_state_energy(p))
    ops = build_operators(p, symmetric=False)
    tr = evolve(ops.H_charge, ops.psi0, _times(), e_ops=[ops.H0], method=Chebyshev(tol=1e-15))
    return list(tr.expect[0] - ground_state_energy(p))


def work_qutip(n: int, tol: float) -> list[float]:
    import numpy as np
    import qutip as qt

    sx, sy, sz = qt.sigmax(), qt.sigmay(), qt.sigmaz()
    eye = qt.qeye(2)

    def site(op, i):
        return qt.tensor([op if k == i else eye for k in range(n)])

    X = [site(sx, i) for i in range(n)]
    Y = [site(sy, i) for i in range(n)]
    Z = [site(sz, i) for i in range(n)]
    Hg = 0
    for i in range(n - 1):
        Hg = Hg - 0.25 * G * (Z[i] * Z[i + 1] + ALPHA * (X[i] * X[i + 1] + Y[i] * Y[i + 1]))
    H0 = B * sum(Z) + Hg
    Hc = Hg + OMEGA * sum(X)
    down = qt.basis(2, 1)
    psi0 = qt.tensor([down] * n)
    opts = {"atol": tol, "rtol": tol, "nsteps": 10**7} if tol > 0 else {}
    res = qt.sesolve(Hc, psi0, np.concatenate([[0.0], _times()]), e_ops=[H0], options=opts)
    E = np.asarray(res.expect[0]).real[1:]
    e0 = -n * B - 0.25 * G * (n - 1)
    return list(E - e0)


def work_quspin(n: int, tol: float) -> list[float]:
    import numpy as np
    from quspin.basis import spin_basis_1d
    from quspin.operators import hamiltonian

    basis = spin_basis_1d(n, pblock=1, pauli=-1)  # reflection-even sector; σ± = (σx ± iσy)/2
    bonds = [[-0.25 * G, i, i + 1] for i in range(n - 1)]
    flip = [[-0.25 * G * ALPHA * 2.0, i, i + 1] for i in range(n - 1)]
    zz = ["zz", bonds]
    pm = ["+-", flip]
    mp = ["-+", flip]
    checks = {"check_symm": False, "check_herm": False, "check_pcon": False}
    H0 = hamiltonian(
        [["z", [[B, i] for i in range(n)]], zz, pm, mp],
        [],
        basis=basis,
        dtype=np.float64,
        **checks,
    )
    Hc = hamiltonian(
        [["x", [[OMEGA, i] for i in range(n)]], zz, pm, mp],
        [],
        basis=basis,
        dtype=np.float64,
        **checks,
    )
    psi0 = np.zeros(basis.Ns, dtype=np.complex128)
    psi0[basis.index("0" * n)] = 1.0
    E = np.empty(STEPS)
    states = Hc.evolve(psi0, 0.0, _times(), iterate=True, atol=tol, rtol=tol)
    for k, psi in enumerate(states):
        E[k] = H0.expt_value(psi).real
    e0 = -n * B - 0.25 * G * (n - 1)
    return list(E - e0)


def work_quspin_expm(n: int, tol: float) -> list[float]:
    """QuSpin's other propagator: ``expm_multiply_parallel`` stepping over the uniform grid."""
    import numpy as np
    from quspin.basis import spin_basis_1d
    from quspin.operators import hamiltonian
    from quspin.tools.evolution import expm_multiply_parallel

    basis = spin_basis_1d(n, pblock=1, pauli=-1)
    bonds = [[-0.25 * G, i, i + 1] for i in range(n - 1)]
    flip = [[-0.25 * G * ALPHA * 2.0, i, i + 1] for i in range(n - 1)]
    common = [["zz", bonds], ["+-", flip], ["-+", flip]]
    checks = {"check_symm": False, "check_herm": False, "check_pcon": False}
    H0 = hamiltonian(
        [["z", [[B, i] for i in range(n)]], *common], [], basis=basis, dtype=np.float64, **checks
    )
    Hc = hamiltonian(
        [["x", [[OMEGA, i] for i in range(n)]], *common],
        [],
        basis=basis,
        dtype=np.float64,
        **checks,
    )
    v = np.zeros(basis.Ns, dtype=np.complex128)
    v[basis.index("0" * n)] = 1.0
    dt = T_MAX / STEPS
    U = expm_multiply_parallel(Hc.tocsr(), a=-1j * dt, dtype=np.complex128)
    work = np.zeros(2 * v.size, dtype=np.complex128)
    E = np.empty(STEPS)
    for k in range(STEPS):
        U.dot(v, work_array=work, overwrite_v=True)
        E[k] = H0.expt_value(v).real
    e0 = -n * B - 0.25 * G * (n - 1)
    return list(E - e0)


WORKERS = {
    "ssbattery": work_ssbattery,  # evolve's default method (Chebyshev here, r/ΔH ≈ 4)
    "ssbattery_chebyshev": work_ssbattery_chebyshev,
    "ssbattery_lanczos": work_ssbattery_lanczos,
    "reference": work_reference,
    "qutip": work_qutip,
    "quspin": work_quspin,
    "quspin_expm": work_quspin_expm,
}


def _worker_main(tool: str, n: int, tol: float) -> None:
    import resource

    import numpy  # noqa: F401  (imports are not timed)
    import scipy.sparse  # noqa: F401

    if tool == "qutip":
        import qutip  # noqa: F401
    if tool.startswith("quspin"):
        import quspin.operators
        import quspin.tools.evolution  # noqa: F401
    if tool.startswith("ssbattery") or tool == "reference":
        import ssbattery.quantum.spin_chain  # noqa: F401
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    E = WORKERS[tool](n, tol)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": rss / 1024, "base_mb": rss0 / 1024, "E": E}))


# ----------------------------------------------------------------------------- driver


REPEAT = 1


def run(tool: str, n: int, tol: float = 0.0, repeat: int | None = None) -> dict:
    """Run one tool in fresh subprocesses; keep the fastest of ``repeat`` runs."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS=str(os.cpu_count() or 1))
    best: dict | None = None
    for _ in range(REPEAT if repeat is None else repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", tool, str(n), repr(tol)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{tool} N={n} failed:\n{out.stderr[-2000:]}")
        res = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    assert best is not None
    return best


def errors(E: list[float], E_ref: list[float]) -> tuple[float, float]:
    import numpy as np

    e, r = np.asarray(E), np.asarray(E_ref)
    t = _times()
    err_e = float(np.max(np.abs(e - r)) / np.max(np.abs(r)))
    p, pr = np.max(e / t), np.max(r / t)
    return err_e, float(abs(p - pr) / abs(pr))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="4,6,8,10,12,14,16")
    ap.add_argument("--out", default=str(Path(__file__).with_name("RESULTS_spin_chain.md")))
    ap.add_argument("--tools", default="ssbattery,quspin,quspin_expm,qutip")
    ap.add_argument("--repeat", type=int, default=2, help="keep the fastest of this many runs")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        _worker_main(args.worker[0], int(args.worker[1]), float(args.worker[2]))
        return
    global REPEAT
    REPEAT = max(1, args.repeat)
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = args.tools.split(",")
    ladders = {
        "qutip": [10.0**-k for k in range(8, 16)],
        "quspin": [10.0**-k for k in range(9, 16)],
        "ssbattery_chebyshev": [10.0**-k for k in range(6, 16)],
        "ssbattery_lanczos": [10.0**-k for k in range(5, 16)],
    }
    start_tol = {k: 0 for k in ladders}
    rows = []
    for n in sizes:
        ref = run("reference", n, repeat=1)
        row: dict[str, Any] = {"N": n}
        for tool in tools:
            if tool in ("ssbattery", "quspin_expm"):
                res = run(tool, n)
                res["tol"] = "1e-10 (default)" if tool == "ssbattery" else "double precision"
                res["err"] = errors(res["E"], ref["E"])
            else:
                if tool == "qutip":
                    dflt = run(tool, n, 0.0, repeat=1)
                    row["qutip_default_err"] = errors(dflt["E"], ref["E"])[0]
                ladder = ladders[tool]
                for i in range(start_tol[tool], len(ladder)):
                    res = run(tool, n, ladder[i], repeat=1)
                    res["err"] = errors(res["E"], ref["E"])
                    res["tol"] = f"{ladder[i]:.0e}"
                    if max(res["err"]) <= TARGET:
                        start_tol[tool] = i
                        if REPEAT > 1 and res["seconds"] < 60:  # long runs: noise is small
                            again = run(tool, n, ladder[i], repeat=REPEAT - 1)
                            res["seconds"] = min(res["seconds"], again["seconds"])
                        break
                else:
                    res["tol"] += " (target not reached)"
            row[tool] = res
            print(
                f"N={n:2d} {tool:9s} {res['seconds']:8.3f} s  peak {res['peak_mb']:7.1f} MB  "
                f"tol {res['tol']:>16s}  err E {res['err'][0]:.1e}  err Pmax {res['err'][1]:.1e}",
                flush=True,
            )
        rows.append(row)
    write_table(rows, tools, Path(args.out))


def write_table(rows: list[dict], tools: list[str], path: Path) -> None:
    import platform

    lines = [
        "# Spin-chain charging benchmark (issue 3 §7)",
        "",
        "`python benchmarks/bench_spin_chain.py` — 400 times in (0, 2], NN, open chain, "
        "α = 0.5, B = 3, ω = 12, g = 3; E(t) and grid P_max within 1e-8 (relative) of the "
        "reference. Seconds exclude imports (fastest of `--repeat` fresh runs, the machine is "
        "shared); peak = max resident set of the run's process. "
        "`ratio` = seconds / fastest peer (QuTiP, QuSpin) at the same N.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; OPENBLAS_NUM_THREADS=1 for every tool, "
        "OMP_NUM_THREADS = cores (QuSpin).",
        "",
        "| N | tool | seconds | peak MB (after imports) | tolerance | err E | err P_max "
        "| ratio to fastest peer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        peers = [row[t]["seconds"] for t in tools if not t.startswith("ssbattery") and t in row]
        best = min(peers) if peers else float("nan")
        for t in tools:
            r = row[t]
            lines.append(
                f"| {row['N']} | {t} | {r['seconds']:.3f} | {r['peak_mb']:.0f} "
                f"({r['base_mb']:.0f}) | {r['tol']} | "
                f"{r['err'][0]:.1e} | {r['err'][1]:.1e} | {r['seconds'] / best:.2f} |"
            )
        if "qutip_default_err" in row:
            lines.append(
                f"| {row['N']} | qutip (defaults) | | | atol 1e-8, rtol 1e-6 | "
                f"{row['qutip_default_err']:.1e} | | |"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"table written to {path}")


if __name__ == "__main__":
    main()
