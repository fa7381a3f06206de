"""Benchmark: one product of the chain's charging Hamiltonian, three ways (issue 11 §2).

The Chebyshev recurrence step out = H2·x − prev (H2 the scaled H_charge of eq. 14, open
chain, α = 0.5, B = 3, ω = 12, g = 3) for a real and a complex vector, timed (minimum of
``--repeat``) with 1 and 2 numba threads:

- "csr": the stored one-byte-coded CSR matrix on the reflection × flip sectors
  (:func:`~ssbattery.quantum.evolution.csr_kernels.recurrence_step`; N ≤ 22, where it fits);
- "sector": :class:`~ssbattery.quantum.chain_operator.ChainOperator`, matrix-free on the same
  sectors (a lookup per term);
- "stream L": :class:`~ssbattery.quantum.chain_stream.StreamOperator` on the full 2^N space
  (twice the states, fixed XOR offsets) with tiles of 2^L doubles.

Each size runs in its own subprocess (memory returned between sizes). Output: one JSON
line per (N, operator, dtype, threads) with milliseconds per product, the states, and
ns per state·term (terms = 1 + N + pairs/2 per state).

Usage:  python benchmarks/bench_chain_products.py [--sizes 20,22,24] [--tiles 10,12,14]
            [--range nn|lr] [--repeat 3] [--ops csr,sector,stream]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _time(step, x, repeat: int) -> float:
    import numpy as np

    prev = x.copy()
    out = np.empty_like(x)
    step(x, prev, out)  # compile / warm
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        step(x, prev, out)
        best = min(best, time.perf_counter() - t0)
    return best


def _worker(n: int, ops: list[str], tiles: list[int], rng: str, repeat: int) -> None:
    import numpy as np

    from ssbattery.quantum.chain_operator import chain_operator
    from ssbattery.quantum.chain_stream import stream_operator
    from ssbattery.quantum.evolution.csr_kernels import coded_csr, recurrence_step
    from ssbattery.quantum.spin_chain import (
        SpinChainParameters,
        build_operators,
        chain_sectors,
        couplings,
    )

    p = SpinChainParameters(n, anisotropy=0.5, interaction=rng)  # type: ignore[arg-type]
    G = couplings(p)
    pairs = int(np.count_nonzero(np.triu(G, 1)))
    terms = 1 + n + pairs / 2
    a, s = 0.0, 1.0 / 400.0  # any shift and scale: the cost does not depend on them

    def emit(name: str, dim: int, step) -> None:  # type: ignore[no-untyped-def]
        for cplx in (False, True):
            rs = np.random.default_rng(0)
            x = rs.standard_normal(dim)
            if cplx:
                x = x + 1j * rs.standard_normal(dim)
            for thr in (1, 2):
                sec = _time(lambda u, v, w, k=thr: step(u, v, w, k), x, repeat)
                print(
                    json.dumps(
                        {
                            "N": n,
                            "op": name,
                            "dtype": "complex" if cplx else "real",
                            "threads": thr,
                            "ms": round(sec * 1e3, 3),
                            "states": dim,
                            "ns_per_state_term": round(sec / (dim * terms) * 1e9, 4),
                            "load": os.getloadavg()[0],
                        }
                    ),
                    flush=True,
                )

    for op in ops:
        t0 = time.perf_counter()
        if op == "csr":
            ops_ = build_operators(p)
            import scipy.sparse as sp

            H2 = sp.csr_array(ops_.H_charge * s)
            H2.sort_indices()
            C = coded_csr(H2) or H2
            del ops_
            print(json.dumps({"N": n, "op": op, "build_s": time.perf_counter() - t0}))
            emit(op, H2.shape[0], lambda u, v, w, k, A=C: recurrence_step(A, u, v, w, threads=k))
            del C, H2
        elif op == "sector":
            H = chain_operator(chain_sectors(p), G, transverse=p.charging, anisotropy=0.5)
            H2 = H.scaled(a, s)
            print(json.dumps({"N": n, "op": op, "build_s": time.perf_counter() - t0}))
            emit(op, H.shape[0], lambda u, v, w, k, A=H2: A.recurrence_step(u, v, w, threads=k))
            del H, H2
        else:
            for L in tiles:
                H = stream_operator(n, G, transverse=p.charging, anisotropy=0.5, tile_bits=L)
                H2 = H.scaled(a, s)
                emit(
                    f"stream {L}",
                    H.shape[0],
                    lambda u, v, w, k, A=H2: A.recurrence_step(u, v, w, threads=k),
                )
                del H, H2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="20,22,24")
    ap.add_argument("--tiles", default="10,12,14")
    ap.add_argument("--ops", default="csr,sector,stream")
    ap.add_argument("--range", default="nn", choices=["nn", "lr"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    ops = args.ops.split(",")
    tiles = [int(t) for t in args.tiles.split(",")]
    if args.worker:
        _worker(args.worker, ops, tiles, args.range, args.repeat)
        return
    print(json.dumps({"load_start": os.getloadavg()}), flush=True)
    for n in (int(v) for v in args.sizes.split(",")):
        use = [o for o in ops if not (o == "csr" and n > 22)]  # CSR at N = 24 does not fit
        env = dict(os.environ, NUMBA_NUM_THREADS="2", OPENBLAS_NUM_THREADS="1")
        cmd = [sys.executable, __file__, "--worker", str(n), "--ops", ",".join(use)]
        cmd += ["--tiles", args.tiles, "--range", args.range, "--repeat", str(args.repeat)]
        subprocess.run(cmd, env=env, check=True)
    print(json.dumps({"load_end": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
