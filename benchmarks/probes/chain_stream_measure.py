"""Open chain N = 24, streaming operator: one recurrence product and E(t)'s measurement, before and
after the fused expectation (RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import time

import numba
import numpy as np

from ssbattery.quantum.chain_stream import stream_operator
from ssbattery.quantum.spin_chain import SpinChainParameters, couplings

numba.set_num_threads(2)


def tm(f, rep=3):
    f()
    best = 1e9
    for _ in range(rep):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def probe(inter: str) -> None:
    p = SpinChainParameters(24, anisotropy=0.5, interaction=inter)
    n = 24
    H = stream_operator(n, couplings(p), transverse=p.charging, anisotropy=p.anisotropy)
    H.threads = 2
    s = np.arange(2**n, dtype=np.int64)
    mag = np.zeros(2**n)
    for i in range(n):
        mag += (s >> i) & 1
    mag = p.field * (2 * mag - n)
    del s
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    x /= np.linalg.norm(x)
    prev = x.copy()
    out = np.empty_like(x)
    H2 = H.scaled(0.0, 2.0 / 300)
    t_prod = tm(lambda: H2.recurrence_step(x, prev, out, threads=2), 2 if inter == "nn" else 1)
    Hg = H.without_flips()
    X = H.flips_only()
    old_op = Hg if Hg.gathers_per_state <= X.gathers_per_state else X

    def old():
        return float(super(type(old_op), old_op).expect(x)) + float(np.dot(mag, np.abs(x) ** 2))

    meas = Hg.plus_diagonal(mag) if old_op is Hg else H.flips_only(-p.charging).plus_diagonal(mag)

    def new():
        return float(meas.expect(x))

    if old_op is Hg:
        e_old, e_new = old(), new()
    else:
        e_old = None
        e_new = None
    t_old = tm(old, 2)
    t_new = tm(new, 3)
    print(
        f"{inter}: product {t_prod:.3f} s; measure old ({'Hg' if old_op is Hg else 'X'}) "
        f"{t_old:.3f} s, fused {t_new:.3f} s; "
        f"E old-new {None if e_old is None else e_old - e_new}",
        flush=True,
    )


for inter in ("nn", "lr"):
    probe(inter)
