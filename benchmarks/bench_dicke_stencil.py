"""Benchmark: one Lanczos iteration with the matrix-free Dicke stencil (issue 11 §1).

Time per iteration of a 64-vector Lanczos basis (min over repetitions, one process) on the
parity window [0, C] of N atoms, from a random unit vector:

* ``two-pass``: the stencil's product (w = Hv − β v_prev, α, ‖w‖²) then a second pass
  w = (w − αv)/β (``DickeStencil.lanczos_product``);
* ``sweep``: one pass per iteration, the previous vector finished layer by layer inside
  the product (``DickeStencil.lanczos_sweep``);
* ``baseline``: the two-pass iteration with the stencil of an older revision
  (``--baseline-rev``, read with ``git show``), for an A/B in the same process.

    python benchmarks/bench_dicke_stencil.py --sizes 256:1832,1024:4120 --threads 1,2 \
        --baseline-rev 1d5e0ef
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _TwoPass:
    """Hides ``lanczos_sweep`` so that the recurrence takes its two-pass form."""

    def __init__(self, stencil: object) -> None:
        self._stencil = stencil
        self.shape = stencil.shape  # type: ignore[attr-defined]

    def lanczos_product(self, *args: object) -> tuple[float, float]:
        return self._stencil.lanczos_product(*args)  # type: ignore[attr-defined]


def _baseline(rev: str) -> object:
    """The DickeStencil class of ``rev`` (its module loaded from ``git show``)."""
    text = subprocess.run(
        ["git", "show", f"{rev}:src/ssbattery/quantum/dicke_stencil.py"],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    ).stdout
    path = Path(tempfile.mkdtemp()) / f"dicke_stencil_{rev}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DickeStencil


def main() -> None:
    import numpy as np

    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.dicke_stencil import DickeStencil
    from ssbattery.quantum.dicke_window import window_basis
    from ssbattery.quantum.evolution.fused import fused_lanczos_basis

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="256:1832", help="N:C pairs, comma-separated.")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--baseline-rev", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    old = _baseline(args.baseline_rev) if args.baseline_rev else None
    rows = []
    m = 64
    for item in args.sizes.split(","):
        n_atoms, cut = (int(x) for x in item.split(":"))
        p = DickeParameters(n_atoms, 0.2)
        b = window_basis(p, 0, cut)
        rng = np.random.default_rng(0)
        v = rng.normal(size=b.size) + 1j * rng.normal(size=b.size)
        pair = (v / np.linalg.norm(v)).view(np.float64)
        V = np.empty((m, pair.size))
        kinds: dict[str, object] = {}
        for th in (int(x) for x in args.threads.split(",")):
            st = DickeStencil(p, b, threads=th)
            kinds[f"sweep@{th}"] = st
            kinds[f"two-pass@{th}"] = _TwoPass(st)
        if old is not None:
            kinds["baseline@1"] = _TwoPass(old(p, b))  # type: ignore[operator]
        best = {k: float("inf") for k in kinds}
        V[:] = 0.0  # first touch of the basis' pages, outside the timings
        for H in kinds.values():  # warm-up (compilation)
            fused_lanczos_basis(H, pair, 4, V)  # type: ignore[arg-type]
        for _ in range(args.repeats):  # interleaved
            for name, H in kinds.items():
                t = time.perf_counter()
                fused_lanczos_basis(H, pair, m, V)  # type: ignore[arg-type]
                best[name] = min(best[name], (time.perf_counter() - t) / m * 1e3)
        row = {"N": n_atoms, "C": cut, "states": int(b.size), "ms_per_iteration": best}
        row["load"] = os.getloadavg()
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1))
    print("| N, C (states) | " + " | ".join(rows[0]["ms_per_iteration"]) + " |")
    print("|---" * (1 + len(rows[0]["ms_per_iteration"])) + "|")
    for r in rows:
        cells = " | ".join(f"{x:.2f}" for x in r["ms_per_iteration"].values())
        print(f"| {r['N']}, {r['C']} ({r['states']:,}) | {cells} |".replace(",", " "))


if __name__ == "__main__":
    sys.exit(main())
