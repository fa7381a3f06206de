"""Open chain at N (default 24), mirrored site order as in the run: one complex recurrence
product out = H2·x − prev by Walsh–Hadamard transforms (``PauliOperator``) for several cache
blockings (tile bits L, panel bits P, L1 bits), each pass timed alone, against the
streaming operator's (``StreamOperator``, its default two-pass product); LR (p = 1) and NN.
Usage: chain_pauli_product.py [N] [lr|nn|both] [--no-stream] [--bw] [--chain] [L,P,B ...]
(``--chain``: 8 recurrence steps as the Chebyshev loop, with and without ``feeds_next``)
(RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import sys
import time

import numba
import numpy as np

from ssbattery.quantum import chain_pauli
from ssbattery.quantum.chain_pauli import pauli_operator
from ssbattery.quantum.chain_stream import mirrored_couplings, stream_operator
from ssbattery.quantum.spin_chain import SpinChainParameters, couplings

numba.set_num_threads(2)


def tm(f, rep):
    f()
    best = 1e9
    for _ in range(rep):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def passes(H, x, prev, out, rep):
    """Each of the three passes alone (min of ``rep``), in seconds."""
    n = H.n_sites
    k = chain_pauli._kernels()
    L, w, l1 = H._layout()
    flo, fhi = H._field_tables(L)
    U, V = H._tables.work()
    xf, pf, of = x.view(np.float64), prev.view(np.float64), out.view(np.float64)
    zz = H._tables.zz
    cy = 0.5 * H._cp * 2.0**-n
    nth = numba.get_num_threads()
    none = np.zeros(0)
    a = tm(lambda: k[0](xf, U, V, L, l1), rep)
    b = tm(lambda: k[1](U, V, zz, cy, flo, fhi, n, L, w, l1, nth), rep)
    c = tm(lambda: k[2](xf, pf, of, U, V, zz, H._cz, H._c0, none, L, l1, False), rep)
    cf = tm(lambda: k[2](xf, pf, of, U, V, zz, H._cz, H._c0, none, L, l1, True), rep)
    return a, b, c, cf


def chained(H, ring, steps, feed):
    """Seconds per product of ``steps`` recurrence steps in a ring of three vectors, as the
    Chebyshev loop runs them (``feed``: each step's output feeds the next)."""
    t = time.perf_counter()
    for j in range(1, steps + 1):
        H.recurrence_step(ring[j % 3], ring[(j - 1) % 3], ring[(j + 1) % 3], feeds_next=feed)
    return (time.perf_counter() - t) / steps


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args and args[0].isdigit() else 24
    rest = args[1:] if args and args[0].isdigit() else args
    which = rest[0] if rest and rest[0] in ("lr", "nn", "both") else "both"
    blockings = [tuple(int(v) for v in a.split(",")) for a in rest if "," in a]
    blockings = blockings or [(13, 13, 10)]
    stream = "--no-stream" not in sys.argv
    if "--bw" in sys.argv:  # memory bandwidth: one complex vector copied, and summed
        a = np.ones(2**n, dtype=complex)
        b = np.empty_like(a)
        tc = tm(lambda: np.copyto(b, a), 3)
        ts = tm(lambda: a.sum(), 3)
        print(f"copy {tc:.3f} s, sum {ts:.3f} s ({a.nbytes / 1e6:.0f} MB)", flush=True)
        del a, b
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    x /= np.linalg.norm(x)
    prev = x.copy()
    out = np.empty_like(x)
    for inter in ("lr", "nn") if which == "both" else (which,):
        p = SpinChainParameters(n, anisotropy=0.5, interaction=inter)
        G = mirrored_couplings(couplings(p))
        t = time.perf_counter()
        H0 = pauli_operator(n, G, transverse=p.charging, anisotropy=p.anisotropy)
        print(f"N={n} {inter}: Z table {time.perf_counter() - t:.3f} s", flush=True)
        ref = None
        if stream:
            S = stream_operator(n, G, transverse=p.charging, anisotropy=p.anisotropy)
            S2 = S.scaled(0.3, 0.01)
            ts = tm(lambda S2=S2: S2.recurrence_step(x, prev, out), 1 if inter == "lr" else 2)
            ref = out.copy()
            print(f"  streaming product {ts:.3f} s", flush=True)
            del S, S2
        for L, P, B in blockings:
            H = pauli_operator(
                n, G, transverse=p.charging, anisotropy=p.anisotropy,
                tile_bits=L, panel_bits=P, l1_bits=B,
            )  # fmt: skip
            H2 = H.scaled(0.3, 0.01)
            tp = tm(lambda H2=H2: H2.recurrence_step(x, prev, out), 3)
            err = "" if ref is None else f", max |Δ| vs streaming {np.abs(out - ref).max():.1e}"
            a, b, c, cf = passes(H2, x, prev, out, 2)
            print(
                f"  pauli L={L} P={P} l1={B}: product {tp:.3f} s "
                f"(A {a:.3f} + B {b:.3f} + C {c:.3f}; C with next A {cf:.3f}){err}",
                flush=True,
            )
            if "--chain" in sys.argv:  # 8 steps as the Chebyshev loop, interleaved, min of 2
                ring = np.stack([x, prev, out])
                best = {False: 1e9, True: 1e9}
                for _ in range(2):
                    for feed in (False, True):
                        best[feed] = min(best[feed], chained(H2, ring, 8, feed))
                ring2 = np.stack([x, prev, out])
                chained(H2, ring2, 8, False)
                ring3 = np.stack([x, prev, out])
                chained(H2, ring3, 8, True)
                d = np.abs(ring2 - ring3).max() / np.abs(ring2).max()
                print(
                    f"    chained steps: {best[False]:.3f} s per product, fed "
                    f"{best[True]:.3f} s ({best[False] / best[True]:.2f}×); rel. |Δ| {d:.1e}",
                    flush=True,
                )
        del H0


if __name__ == "__main__":
    main()
