"""Reliability benchmark (issue 9): the memory guard against measured peaks, the time to
refuse absurd inputs, and the fuzz campaign's counts.

(a) For the spin chain, the closed Dicke battery and the open (permutation-invariant
    Lindblad) battery at several sizes, each run goes to a fresh child process, which
    first does a tiny warm-up run (imports, caches), then records its resident set, runs
    the case and reads its peak resident set (``ru_maxrss``). The measured peak is that
    increase; the estimate is the model's whole-run :class:`~ssbattery.validation.
    MemoryEstimate` (``peak_bytes``, which adds the 10 % allocator margin). Ratio =
    estimate / measured; the target is 0.7–1.5, or above (conservative).
(b) Each absurd input of issue 9 §3–4 is run in-process through the CLI (typer's
    CliRunner, after one warm-up call so imports are not counted): wall time to the refusal
    (minimum of 3), exit code and the first words of the message.
(c) The Hypothesis campaigns (tests/test_cli_fuzz.py, tests/test_api_fuzz.py) are run with
    ``SSBATTERY_FUZZ_EXAMPLES`` examples per command and their generated-input counts read
    from ``--hypothesis-show-statistics``.

Run: ``.venv/bin/python benchmarks/bench_reliability.py [--quick] [--fuzz-examples N]``;
writes benchmarks/RESULTS_reliability.json (the .md is written from it by hand).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

MEMORY_CASES = [
    ("spin-chain", 12),
    ("spin-chain", 14),
    ("spin-chain", 16),
    ("spin-chain", 18),
    ("dicke", 32),
    ("dicke", 64),
    ("dicke", 128),
    ("open", 4),
    ("open", 8),
    ("open", 12),
]
QUICK = {("spin-chain", 12), ("spin-chain", 16), ("dicke", 64), ("open", 8)}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _worker(kind: str, n: int) -> dict[str, float]:
    """Run one case in this (fresh) process; return the estimate and the measured peak."""
    from ssbattery.quantum.battery import default_times
    from ssbattery.quantum.dicke import DickeParameters, charge_dicke
    from ssbattery.quantum.dicke import memory_estimate as dicke_memory
    from ssbattery.quantum.open.charging import _memory_estimate, _setup, charge_open
    from ssbattery.quantum.open.liouvillian import PILiouvillian
    from ssbattery.quantum.open.propagate import ChebyshevLindblad
    from ssbattery.quantum.open.rates import Dissipation
    from ssbattery.quantum.spin_chain import (
        SpinChainParameters,
        charge_spin_chain,
    )
    from ssbattery.quantum.spin_chain import (
        memory_estimate as chain_memory,
    )

    # warm-up: imports, BLAS, caches (not part of any run's peak)
    charge_spin_chain(SpinChainParameters(3), steps=10)
    charge_dicke(DickeParameters(2, 0.2, steps=10))
    charge_open(DickeParameters(2, 0.5, photon_cutoff=4, steps=10), Dissipation(decay=0.05))
    if kind == "spin-chain":
        p = SpinChainParameters(n)
        est = chain_memory(p, default_times(2.0, 400))

        def run() -> None:
            charge_spin_chain(p, steps=400)
    elif kind == "dicke":
        d = DickeParameters(n, 0.5, steps=400)
        est = dicke_memory(d)

        def run() -> None:
            charge_dicke(d)
    else:
        d = DickeParameters(n, 0.5, photon_cutoff=2 * n, steps=200)
        diss = Dissipation(decay=0.05)
        space, ham, rates, _, grid = _setup(d, diss)
        est = _memory_estimate(
            space, PILiouvillian(space, ham, rates, assemble=False), grid, ChebyshevLindblad()
        )

        def run() -> None:
            charge_open(d, diss)

    base = _rss_bytes()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    return {
        "estimate_mb": est.peak_bytes / 1e6,
        "measured_mb": (peak - base) / 1e6,
        "peak_phase": est.peak_phase,
        "seconds": seconds,
    }


def memory_table(quick: bool) -> list[dict[str, object]]:
    rows = []
    for kind, n in MEMORY_CASES:
        if quick and (kind, n) not in QUICK:
            continue
        cmd = [sys.executable, __file__, "--worker", kind, str(n)]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        res.update(kind=kind, n=n, ratio=res["estimate_mb"] / max(res["measured_mb"], 1e-9))
        print(
            f"{kind:10s} n={n:4d}  estimate {res['estimate_mb']:8.1f} MB  measured "
            f"{res['measured_mb']:8.1f} MB  ratio {res['ratio']:.2f}  ({res['seconds']:.1f} s)",
            flush=True,
        )
        rows.append(res)
    return rows


def _refusal_cases(tmp: Path) -> list[tuple[str, list[str]]]:
    import numpy as np

    f = np.logspace(7, -1, 200_000)
    z = 100.0 / (1 + 1j * f * 1e-6) + 50.0
    big = tmp / "big_25C.csv"
    big.write_text(
        "freq_Hz,Zre_Ohm,Zim_Ohm\n"
        + "\n".join(f"{a:.6e},{b.real:.6e},{b.imag:.6e}" for a, b in zip(f, z, strict=True))
    )
    spectra = str(ROOT / "src/ssbattery/electrolytes/data/example_spectra")
    return [
        ("spin-chain --steps 1e11", ["spin-chain", "--steps", str(10**11)]),
        (
            "dicke --steps 1e11",
            ["dicke", "--n-atoms", "4", "--coupling", "0.5", "--steps", str(10**11)],
        ),
        ("learn-cycle --population 1e11", ["learn-cycle", "--population", str(10**11)]),
        ("learn-cycle --steps 1e11", ["learn-cycle", "--steps", str(10**11)]),
        (
            "otto oscillator --levels 1e8",
            ["otto", "--medium", "oscillator", "--levels", str(10**8)],
        ),
        ("otto oscillator --levels 5000", ["otto", "--medium", "oscillator", "--levels", "5000"]),
        ("spin-chain --sites 26", ["spin-chain", "--n-sites", "26"]),
        (
            "dicke --t-max 1e12",
            ["dicke", "--n-atoms", "16", "--coupling", "0.5", "--t-max", "1e12"],
        ),
        (
            "spin-chain --sites 12 --t-max 1e12",
            ["spin-chain", "--n-sites", "12", "--t-max", "1e12"],
        ),
        ("self-charge --t-end 1e9", ["self-charge", "--t-end", "1e9"]),
        ("eis fit, 200k points", ["eis", "fit", str(big), "--thickness", "1", "--area", "5"]),
        ("capacity, 16k-char formula", ["capacity", "Li" * 8000]),
        ("capacity, 64k-char formula", ["capacity", "(Li2O)" * 10400]),
        ("cost --thickness-um 1e308", ["cost", "Li2ZrCl6", "--thickness-um", "1e308"]),
        ("spin-chain --charging 1e300", ["spin-chain", "--charging", "1e300"]),
        ("landau --alpha -1e300 --beta 1e300", ["landau", "--alpha", "-1e300", "--beta", "1e300"]),
        (
            "landau --temperature 1e6 K",
            ["landau", "--alpha0", "1", "--tc", "300", "--temperature", "1e6"],
        ),
        (
            "eis arrhenius --temperatures 1e6 (°C)",
            [
                "eis",
                "arrhenius",
                spectra,
                "--thickness",
                "1",
                "--area",
                "5",
                "--temperatures",
                "1e6,25,40,5,-10,-25",
            ],
        ),
    ]


def refusal_table() -> list[dict[str, object]]:
    from typer.testing import CliRunner

    from ssbattery.cli import app

    runner = CliRunner()
    runner.invoke(app, ["capacity", "LiCoO2"])  # warm-up: imports
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, argv in _refusal_cases(Path(tmp)):
            best, result = float("inf"), None
            for _ in range(3):
                start = time.perf_counter()
                result = runner.invoke(app, argv)
                best = min(best, time.perf_counter() - start)
            assert result is not None
            message = (result.stderr.strip().splitlines() or [""])[0]
            rows.append(
                {
                    "case": label,
                    "ms": 1e3 * best,
                    "exit": result.exit_code,
                    "message": message[:110],
                }
            )
            print(f"{label:40s} {1e3 * best:8.1f} ms  exit {result.exit_code}  {message[:70]}")
    return rows


def fuzz_counts(examples: int) -> dict[str, object]:
    """Run both property tests with ``examples`` per target; count the generated inputs
    (one line each in a tally file) and their outcomes."""
    from collections import Counter

    out: dict[str, object] = {"examples_per_target": examples}
    for test in ("tests/test_cli_fuzz.py", "tests/test_api_fuzz.py"):
        with tempfile.NamedTemporaryFile("r", suffix=".tsv") as tally:
            env = {
                **os.environ,
                "SSBATTERY_FUZZ_EXAMPLES": str(examples),
                "SSBATTERY_FUZZ_TALLY": tally.name,
            }
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
            )
            rows = [line.split("\t") for line in tally.read().splitlines() if line]
        outcomes = Counter(r[2] for r in rows)
        summary = [ln for ln in (proc.stdout + proc.stderr).splitlines() if " passed" in ln]
        out[test] = {
            "inputs": len(rows),
            "targets": len({r[1] for r in rows}),
            "outcomes": dict(outcomes),
            "pytest_rc": proc.returncode,
            "pytest": summary[-1:],
            "seconds": time.perf_counter() - start,
        }
        print(test, out[test], flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--fuzz-examples", type=int, default=0)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-refusals", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker[0], int(args.worker[1]))))
        return
    record: dict[str, object] = {"load_before": os.getloadavg()}
    if not args.skip_memory:
        record["memory"] = memory_table(args.quick)
    if not args.skip_refusals:
        record["refusals"] = refusal_table()
    if args.fuzz_examples:
        record["fuzz"] = fuzz_counts(args.fuzz_examples)
    record["load_after"] = os.getloadavg()
    print("load", record["load_before"], "→", record["load_after"])
    target = HERE / "RESULTS_reliability.json"
    old = json.loads(target.read_text()) if target.exists() else {}
    (HERE / "RESULTS_reliability.json").write_text(json.dumps({**old, **record}, indent=1) + "\n")


if __name__ == "__main__":
    main()
