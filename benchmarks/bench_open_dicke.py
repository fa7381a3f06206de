"""Open Dicke battery: ``ssbattery.quantum.open`` against QuTiP's piqs + ``mesolve`` (issue 12 §5).

Peers, same physics, same grid, interleaved in one run, one BLAS thread each:

* **ours** — :func:`ssbattery.quantum.open.charge_open` (permutation-invariant blocks ⊗
  cavity, matrix-free or assembled generator, Chebyshev expansion) with
  ``ergotropy=False``, so that both peers compute E(t) only (the ergotropy costs one
  small eigen-decomposition per block and output time on top);
* **piqs** — ``qutip.piqs.Dicke(...).liouvillian()`` for the atoms (rates: emission = γ↓,
  dephasing = 2γ_φ in its convention, collective_emission = γ_c), tensored with the
  cavity's Liouvillian and the coupling's commutator (``super_tensor``), propagated by
  ``qutip.mesolve`` (Adams, its default) with ⟨Jz⟩ as the only e_op.

Accuracy: each peer runs at the loosest tolerance of a ladder whose E(t) stays within
1e-6 × N (max over the grid) of a reference computed by our *other* propagator (DOP853 at
rtol 1e-11; for N > 8 with a cavity the Chebyshev expansion at tol 1e-13; the timed one
is the Chebyshev expansion at the ladder's tolerance); the peer's error against it is
printed, so the agreement of the two codes is on record. Timings are the minimum of
``--repeat`` runs. Cases: the Dicke battery with a cavity (cutoff 2N, g = 0.5/√N, 40
output times over one collective Rabi half-period, κ = 0.1, γ↓ = 0.05, γ_φ = 0.05) and
the classical-drive battery (Ω = 2, γ_φ = 0.1, no cavity). After the comparisons (sizes
``--cavity``/``--driven``; "" for none): ``--targets driven:100,cavity:24`` runs size
targets as a user would (ergotropy, purity and the positivity checks on, storage off),
printing wall and CPU time, the load, the generator's path (assembled or fused kernel,
parity sector) and the checks; ``--largest`` bisects the grids ``--largest-cavity`` and
``--largest-driven`` (lo,hi,step) for the largest N done in 60 s (ours, E(t) only, tol
1e-8; each probe in a forked child stopped at 60 s); ``--cold`` times the first call of
a fresh process, with and without Numba's disk cache.

Run: ``.venv/bin/python benchmarks/bench_open_dicke.py [--quick] [--largest] [--targets ...]
[--cold]``.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Callable

import numpy as np

from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.open import (
    ChebyshevLindblad,
    Dissipation,
    DrivenBattery,
    RungeKutta,
    charge_open,
)

LADDER = (1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10)
ACCURACY = 1e-6


def _cavity_model(n: int, steps: int = 40) -> tuple[DickeParameters, Dissipation]:
    g = 0.5 / math.sqrt(n)
    p = DickeParameters(n, g, photon_cutoff=2 * n, t_max=math.pi / (g * math.sqrt(n)), steps=steps)
    return p, Dissipation(cavity_loss=0.1, decay=0.05, dephasing=0.05)


def _driven_model(n: int, steps: int = 40) -> tuple[DrivenBattery, Dissipation]:
    return DrivenBattery(n, drive=2.0, steps=steps), Dissipation(dephasing=0.1)


def ours(model, diss, tol: float, *, positivity: bool = False) -> np.ndarray:
    """E(t) only, as the peer (``positivity`` True adds the eigenvalue checks)."""
    r = charge_open(
        model,
        diss,
        storage=False,
        ergotropy=False,
        positivity=positivity,
        method=ChebyshevLindblad(tol=tol),
    )
    return np.asarray(r.energy)


def reference(model, diss) -> np.ndarray:
    """Our other propagator (DOP853, rtol 1e-11) up to 10⁶ state entries: independent of
    the timed Chebyshev expansion; above (N ≥ 12 with a cavity, where DOP853 needs ~10³
    products) the Chebyshev expansion at tol 1e-13, 10⁵ below the accuracy asked."""
    method: ChebyshevLindblad | RungeKutta = RungeKutta(rtol=1e-11, atol=1e-13)
    if isinstance(model, DickeParameters) and model.n_atoms > 8:
        method = ChebyshevLindblad(tol=1e-13)
    r = charge_open(model, diss, storage=False, ergotropy=False, method=method)
    return np.asarray(r.energy)


def piqs_run(model, diss, rtol: float) -> np.ndarray:
    import qutip as qt
    from qutip import piqs

    N = model.n_atoms
    jz, jx = piqs.jspin(N, "z"), piqs.jspin(N, "x")
    rho_at = piqs.dicke(N, N / 2, -N / 2)
    times = np.concatenate([[0.0], model.times()])
    opts = {"atol": rtol * 1e-2, "rtol": rtol, "nsteps": 10**7, "store_states": False}
    if isinstance(model, DrivenBattery):
        H = model.omega_a * jz + model.drive * jx
        system = piqs.Dicke(N, hamiltonian=H, dephasing=2 * diss.dephasing, emission=diss.decay)
        L = system.liouvillian()
        res = qt.mesolve(L, rho_at, times, e_ops=[jz], options=opts)
    else:
        nc = model.photon_cutoff + 1
        system = piqs.Dicke(
            N, hamiltonian=model.omega_a * jz, dephasing=2 * diss.dephasing, emission=diss.decay
        )
        a = qt.destroy(nc)
        L_cav = qt.liouvillian(model.omega_cav * a.dag() * a, [math.sqrt(diss.cavity_loss) * a])
        H_int = 2 * model.omega_cav * model.coupling * qt.tensor(jx, a + a.dag())
        L = (
            qt.super_tensor(system.liouvillian(), qt.to_super(qt.qeye(nc)))
            + qt.super_tensor(qt.to_super(qt.qeye(jz.shape[0])), L_cav)
            + qt.liouvillian(H_int)
        )
        rho0 = qt.tensor(rho_at, qt.fock_dm(nc, N))
        res = qt.mesolve(L, rho0, times, e_ops=[qt.tensor(jz, qt.qeye(nc))], options=opts)
    return np.asarray(res.expect[0][1:]).real + N / 2.0


def _in_child(fn: Callable[[], np.ndarray], timeout_s: float) -> tuple[float, np.ndarray]:
    """fn() timed inside a forked child, stopped after ``timeout_s`` (then (inf, empty))."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    queue = ctx.Queue()

    def work() -> None:
        t0 = time.perf_counter()
        out = fn()
        queue.put((time.perf_counter() - t0, out))

    proc = ctx.Process(target=work)
    proc.start()
    try:
        return queue.get(timeout=timeout_s)
    except Exception:  # queue.Empty: the peer did not finish in time
        return math.inf, np.empty(0)
    finally:
        proc.kill()
        proc.join()


def _timed(fn: Callable[[], np.ndarray], repeat: int) -> tuple[float, np.ndarray]:
    best, out = math.inf, np.empty(0)
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _reps(t: float, repeat: int) -> int:
    """Repetitions for a run of ``t`` s: many for the millisecond runs (whose minimum is
    otherwise at the mercy of one scheduler tick), ``repeat`` above 1 s, one above 20 s."""
    if t >= 20.0:
        return 1
    if t < 0.1:
        return max(repeat, 25)
    return max(repeat, 5) if t < 1.0 else repeat


def compare(
    kind: str, n: int, repeat: int, *, peer: bool = True, peer_timeout: float = math.inf
) -> dict[str, float]:
    """One row: ours and (``peer``) piqs at the loosest rung of the ladder that reaches the
    accuracy, then timed in interleaved rounds (ours, ours with the positivity checks,
    piqs, ours, …), minimum of each. ``peer_timeout`` (s): piqs runs in a forked child
    stopped after that long; a stopped run is recorded as ``piqs_s = inf`` with
    ``piqs_stopped_after`` (a bound)."""
    model, diss = (_cavity_model if kind == "cavity" else _driven_model)(n)
    ref = reference(model, diss)
    row: dict[str, float] = {"N": n}
    runners = [("ours", ours)] + ([("piqs", piqs_run)] if peer else [])
    chosen: dict[str, Callable[[], np.ndarray]] = {}
    first: dict[str, float] = {}
    for name, fn in runners:
        ladder = LADDER if peer else (1e-8,)
        for tol in ladder:  # loosest tolerance that reaches the accuracy
            call = lambda fn=fn, tol=tol: fn(model, diss, tol)  # noqa: E731
            if name == "piqs" and math.isfinite(peer_timeout):
                t, e = _in_child(call, peer_timeout)
                if not math.isfinite(t):
                    row["piqs_s"], row["piqs_stopped_after"] = math.inf, peer_timeout
                    break
            else:
                t, e = _timed(call, 1)
            err = float(np.max(np.abs(e - ref))) / n
            if err <= ACCURACY:
                row[f"{name}_tol"], row[f"{name}_err"] = tol, err
                chosen[name], first[name] = call, t
                break
    if "ours" in chosen:  # the same run with the positivity diagnostic on (not E(t) only)
        tol = row["ours_tol"]
        chosen["ours_checks"] = lambda: ours(model, diss, tol, positivity=True)
        first["ours_checks"] = _timed(chosen["ours_checks"], 1)[0]
    best = dict(first)
    rounds = min(_reps(t, repeat) for t in first.values()) if first else 0
    for _ in range(max(rounds - 1, 0)):  # interleaved: one of each per round
        for name, call in chosen.items():
            if first[name] >= 20.0:
                continue
            best[name] = min(best[name], _timed(call, 1)[0])
    for name, t in best.items():
        row[f"{name}_s"] = t
    row["rounds"] = max(rounds, 1)
    if "piqs_s" in row:
        row["ratio"] = row.get("piqs_stopped_after", row["piqs_s"]) / row["ours_s"]
    return row


def cold(kind: str, n: int) -> None:
    """The first call in a fresh process (ssbattery imported, not timed): with Numba's
    on-disk cache present (a user's second session), and without it (``NUMBA_CACHE_DIR``
    an empty folder: the compiled kernels are compiled, a user's very first call)."""
    import subprocess
    import sys
    import tempfile

    code = "\n".join(
        [
            "import sys, time",
            "sys.path.insert(0, 'benchmarks')",
            "import bench_open_dicke as b",  # imports ssbattery (not timed, as the peer's)
            f"m, d = b._{kind}_model({n})",
            "t0 = time.perf_counter(); b.ours(m, d, 1e-5); t1 = time.perf_counter()",
            "b.ours(m, d, 1e-5); t2 = time.perf_counter()",
            "print(f'{t1 - t0:.4f} {t2 - t1:.4f}')",
        ]
    )
    for label, env_extra in (("disk cache present", {}), ("no disk cache (compiles)", None)):
        env = dict(os.environ)
        with tempfile.TemporaryDirectory() as tmp:
            if env_extra is None:
                env["NUMBA_CACHE_DIR"] = tmp
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
        print(
            f"cold {kind} N = {n}, {label}: first call {float(out[0]):.3f} s, "
            f"second {float(out[1]) * 1e3:.2f} ms, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def target(kind: str, n: int) -> None:
    """One size target, timed as a user runs it, with its diagnostics."""
    from ssbattery.quantum.open.charging import _setup
    from ssbattery.quantum.open.liouvillian import ASSEMBLE_LIMIT, PILiouvillian

    model, diss = (_cavity_model if kind == "cavity" else _driven_model)(n)
    space, ham, rates, _, _ = _setup(model, diss)
    L = PILiouvillian(space, ham, rates, assemble=False)
    path = "assembled" if L.nnz_estimate() <= ASSEMBLE_LIMIT else "fused kernel"
    if path != "assembled" and L.keeps_parity():
        path += " (parity sector)"
    w0, c0 = time.perf_counter(), time.process_time()
    r = charge_open(model, diss, storage=False, method=ChebyshevLindblad(tol=1e-8))
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    checks = "  ".join(f"{k}={v:.3g}" for k, v in r.checks.items())
    print(
        f"target {kind} N = {n}: wall {wall:.1f} s, cpu {cpu:.1f} s, load "
        f"{os.getloadavg()[0]:.1f}; {space.size:,} entries, {len(space.j_values)} blocks, "
        f"{path}; E_max = {r.charging.energy_max:.6f}, P_max = {r.power_max:.6f}, "
        f"W_max = {r.ergotropy.max():.6f}; {checks}",
        flush=True,
    )


def largest_in(kind: str, budget_s: float, lo: int, hi: int, step: int) -> tuple[int, int]:
    """The largest N of the grid lo, lo + step, …, hi whose run (ours, E(t) only, tol 1e-8)
    finishes within ``budget_s``, by bisection over the grid (run time grows with N):
    each probe runs in a forked child stopped after ``budget_s`` (a stopped probe fails).
    Returns (largest N that passed or lo − step, smallest N that failed or hi + step)."""
    grid = list(range(lo, hi + 1, step))
    good, bad = -1, len(grid)  # indices: grid[good] passed, grid[bad] failed
    while bad - good > 1:
        k = (good + bad) // 2
        model, diss = (_cavity_model if kind == "cavity" else _driven_model)(grid[k])
        dt, _ = _in_child(lambda model=model, diss=diss: ours(model, diss, 1e-8), budget_s)
        shown = f"{dt:.1f} s" if math.isfinite(dt) else f"stopped after {budget_s:.0f} s"
        print(f"  {kind} N = {grid[k]}: {shown}, load {os.getloadavg()[0]:.1f}", flush=True)
        if math.isfinite(dt) and dt <= budget_s:
            good = k
        else:
            bad = k
    passed = grid[good] if good >= 0 else lo - step
    failed = grid[bad] if bad < len(grid) else hi + step
    return passed, failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--largest", action="store_true", help="largest N in 60 s per case")
    ap.add_argument(
        "--targets",
        default="",
        help="size targets run after the comparison, e.g. driven:100,cavity:24",
    )
    ap.add_argument(
        "--cold",
        action="store_true",
        help="also the first-call times (N = 10, 20 driven; N = 4 cavity), after the rest",
    )
    ap.add_argument(
        "--largest-cavity", default="16,24,2", help="lo,hi,step of the cavity grid (0,0,0: skip)"
    )
    ap.add_argument(
        "--largest-driven",
        default="100,250,25",
        help="lo,hi,step of the driven grid (0,0,0: skip)",
    )
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--cavity", default="4,8,12,16,24", help="cavity sizes N")
    ap.add_argument("--driven", default="10,20,40,60,100", help="driven sizes N")
    ap.add_argument("--no-peer-above", type=int, default=8, help="skip piqs above this N (cavity)")
    ap.add_argument(
        "--peer-timeout",
        type=float,
        default=math.inf,
        help="stop a piqs run after this many seconds (a lower bound on its time is printed)",
    )
    args = ap.parse_args()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        print(f"load average at start: {os.getloadavg()}")
        cavity = (4, 8) if args.quick else tuple(int(x) for x in args.cavity.split(",") if x)
        driven = (10, 20) if args.quick else tuple(int(x) for x in args.driven.split(",") if x)
        if (args.largest or args.targets or args.cold) and args.quick:
            cavity = driven = ()
        for make in (_driven_model, _cavity_model):  # untimed: imports, compiled kernels
            ours(*make(2), 1e-5)
            if driven or cavity:
                piqs_run(*make(2), 1e-5)
        for kind, sizes in (("driven", driven), ("cavity", cavity)):
            for n in sizes:
                row = compare(
                    kind,
                    n,
                    args.repeat,
                    peer=kind == "driven" or n <= args.no_peer_above,
                    peer_timeout=args.peer_timeout,
                )
                cells = "  ".join(
                    f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
                )
                print(f"{kind}: {cells}  load={os.getloadavg()[0]:.1f}", flush=True)
        for item in filter(None, args.targets.split(",")):
            kind, n = item.split(":")
            target(kind, int(n))
        if args.largest:
            print("largest N in 60 s (ours, E(t) only, tol 1e-8), bisection over the grid:")
            for kind, spec in (("cavity", args.largest_cavity), ("driven", args.largest_driven)):
                lo, hi, step = (int(x) for x in spec.split(","))
                if step:  # 0,0,0: skip this case
                    print(f"  {kind} grid {lo}..{hi} step {step}:", end=" ", flush=True)
                    print("(passed, failed) =", largest_in(kind, 60.0, lo, hi, step), flush=True)
        if args.cold:
            for kind, n in (("driven", 10), ("driven", 20), ("cavity", 4)):
                cold(kind, n)
        print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
