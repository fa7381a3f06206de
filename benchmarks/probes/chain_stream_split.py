"""Open chain, streaming operator: one recurrence product and one fused measurement with one
pass (``split=0``) against two passes (tiles + panels), in the chain's own site order and
in the mirrored order (sites N−1 … N/2 on the high bits, where the reflection is the swap of
the two halves), with the split at N/2 (the probe's first form: ``orders``); and each pass
alone for several splits S, panel widths 2^w and panel tiles 2^b (``passes``); usage:
chain_stream_split.py N[,N...] [lr] | chain_stream_split.py passes N |
chain_stream_split.py tiles N [lr]
(RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import sys
import time

import numba
import numpy as np

from ssbattery.quantum.chain_stream import stream_operator
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


def mirrored(G):
    n = G.shape[0]
    h = n // 2
    perm = np.r_[np.arange(h), np.arange(n - 1, h - 1, -1)]
    S = G + G.T
    return np.triu(S[np.ix_(perm, perm)], 1)


def probe(n: int, inter: str) -> None:
    p = SpinChainParameters(n, anisotropy=0.5, interaction=inter)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    x /= np.linalg.norm(x)
    prev = x.copy()
    out = np.empty_like(x)
    rep = 2 if inter == "nn" else 1
    ref = None
    h = n // 2
    cases = [("own order, one pass", False, 0, 3), ("own order, two passes", False, h, 3)]
    if inter == "nn":
        cases.append(("own order, two passes, panel 16", False, h, 4))
    cases.append(("mirrored, two passes", True, h, 3))
    for label, mirror, split, w in cases:
        G = couplings(p)
        if mirror:
            G = mirrored(G)
        H = stream_operator(
            n, G, transverse=p.charging, anisotropy=p.anisotropy, split=split, panel_bits=w
        )
        H.threads = 2
        H2 = H.scaled(0.0, 2.0 / 300)
        t_prod = tm(lambda H2=H2: H2.recurrence_step(x, prev, out, threads=2), rep)
        if not mirror:
            ref = out.copy() if ref is None else ref
            err = float(np.abs(out - ref).max())
        else:
            err = float("nan")
        meas = H.without_flips()
        t_meas = tm(lambda meas=meas: meas.expect(x), rep)
        print(
            f"N={n} {inter} {label}: product {t_prod:.3f} s, measure (H_g) {t_meas:.3f} s, "
            f"max |diff| vs one pass {err:.1e}",
            flush=True,
        )


def passes(n: int) -> None:
    from ssbattery.quantum.chain_stream import _kernels

    p = SpinChainParameters(n, anisotropy=0.5)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    prev = x.copy()
    out = np.empty_like(x)
    G = couplings(p)
    H = stream_operator(n, G, transverse=p.charging, anisotropy=0.5, split=0).scaled(0, 2 / 300)
    k = _kernels()
    xf, pf, of = x.view(float), prev.view(float), out.view(float)
    d = H._diag
    print("one pass", tm(lambda: k[0](xf, pf, of, 1, d, 10, *H._flips, *H._pairs), 2), flush=True)
    cases = [(12, 3, 10), (12, 4, 10), (12, 5, 10), (14, 5, 10), (14, 6, 10), (16, 6, 10)]
    cases += [(16, 7, 10), (16, 7, 12), (18, 8, 10), (18, 9, 12), (20, 9, 10)]
    for S, w, b in cases:
        H.split = S
        _, low, high = H._passes(xf.size)
        t1 = tm(lambda low=low: k[0](xf, pf, of, 1, d, 10, *low), 2)
        t2 = tm(lambda S=S, w=w, b=b, high=high: k[5](xf, of, S + 1, w, b, 2, *high), 2)
        print(f"S={S} w={w} b={b}: tiles {t1:.3f} panels {t2:.3f} sum {t1 + t2:.3f}", flush=True)


def tiles(n: int, inter: str = "nn") -> None:
    """At the default split: each pass, the whole product, the measurement (H_g for NN,
    −ωΣσx + diagonal for LR, as the chain measures), and the half's reduce / expand (min of
    3; 2 for LR)."""
    from ssbattery.quantum.chain_stream import MirrorHalf, _kernels, mirrored_couplings

    p = SpinChainParameters(n, anisotropy=0.5, interaction=inter)
    r = 3 if inter == "nn" else 2
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    prev = x.copy()
    out = np.empty_like(x)
    G = mirrored_couplings(couplings(p))
    H = stream_operator(n, G, transverse=p.charging, anisotropy=0.5).scaled(0, 2 / 300)
    k = _kernels()
    xf, pf, of = x.view(float), prev.view(float), out.view(float)
    H.split = n - 6  # the default at N = 24
    S, low, high = H._passes(xf.size)
    w = 15 - (n - S)
    t1 = tm(lambda: k[0](xf, pf, of, 1, H._diag, 10, *low), r)
    t2 = tm(lambda: k[5](xf, of, S + 1, w, 12, 2, *high), r)
    t3 = tm(lambda: H.recurrence_step(x, prev, out, threads=2), r)
    meas = H.without_flips() if inter == "nn" else H.flips_only(-12.0).plus_diagonal(H._diag)
    t4 = tm(lambda: meas.expect(x), r)
    half = MirrorHalf(n)
    hv = half.reduce(x)
    t5 = tm(lambda: half.reduce(x, hv), 3)
    t6 = tm(lambda: half.expand(hv, out), 3)
    print(
        f"N={n} {inter} split {S}: tiles {t1:.3f} panels {t2:.3f} product {t3:.3f} "
        f"measure {t4:.3f} reduce {t5:.3f} expand {t6:.3f}",
        flush=True,
    )


if sys.argv[1] == "tiles":
    tiles(int(sys.argv[2]), "lr" if "lr" in sys.argv[3:] else "nn")
elif sys.argv[1] == "passes":
    passes(int(sys.argv[2]))
else:
    for size in sys.argv[1].split(","):
        probe(int(size), "lr" if "lr" in sys.argv[2:] else "nn")
