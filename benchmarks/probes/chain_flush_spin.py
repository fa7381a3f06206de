"""Open chain N = 24, streaming operator: does the threaded BLAS update of a reduced block
(zgemm on 2 threads) slow the recurrence product that follows it (OpenBLAS threads spin
after a call), and does the update on one thread, or a pause, remove that; usage:
chain_flush_spin.py N [numba] (RESULTS_spin_chain_scale.md). Run it once as is and once with
OPENBLAS_THREAD_TIMEOUT=4 in the environment (OpenBLAS reads it at load: its threads then
sleep at once after a call instead of spinning for ≈ 2^28 cycles).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

import os
import sys
import time

import numba
import numpy as np
from scipy.linalg.blas import zgemm

from ssbattery._blas import blas_threads
from ssbattery.quantum.chain_stream import MirrorHalf, mirrored_couplings, stream_operator
from ssbattery.quantum.spin_chain import SpinChainParameters, couplings

numba.set_num_threads(2)


@numba.njit(parallel=True, fastmath=True)
def flush(out, V, C):
    M, nr = out.shape
    g = V.shape[0]
    B = 512
    for b in numba.prange((nr + B - 1) // B):
        lo = b * B
        hi = min(lo + B, nr)
        for j in range(M):
            o = out[j, lo:hi]
            for k in range(g):
                c = C[j, k]
                v = V[k, lo:hi]
                for p in range(hi - lo):
                    o[p] += c * v[p]


n = int(sys.argv[1])
p = SpinChainParameters(n, anisotropy=0.5)
H = stream_operator(n, mirrored_couplings(couplings(p)), transverse=12.0, anisotropy=0.5)
H2 = H.scaled(0.0, 2 / 300)
rng = np.random.default_rng(0)
ring = np.empty((3, 2**n), dtype=complex)
ring[0] = rng.standard_normal(2**n)
ring[1] = ring[0]
half = MirrorHalf(n)
M, G = 18, 8
out = np.zeros((M, half.size), dtype=complex)
V = np.empty((G, half.size), dtype=complex)
for g in range(G):
    half.reduce(ring[0], V[g])
C = rng.standard_normal((M, G)) * 1e-3 + 0j


def prod():
    t = time.perf_counter()
    H2.recurrence_step(ring[0], ring[1], ring[2], threads=2)
    return time.perf_counter() - t


def blas(threads=2):
    t = time.perf_counter()
    with blas_threads(threads):
        zgemm(1.0, V.T, C.T, beta=1.0, c=out.T, overwrite_c=True)
    return time.perf_counter() - t


def red():
    t = time.perf_counter()
    half.reduce(ring[2], V[0])
    return time.perf_counter() - t


def nb():
    t = time.perf_counter()
    flush(out, V, C)
    return time.perf_counter() - t


def pairs(first, pause=0.0, reps=3):
    a, b = [], []
    for _ in range(reps):
        a.append(first())
        if pause:
            time.sleep(pause)
        b.append(prod())
    return min(a), [round(x, 3) for x in b]


prod(), blas(), blas(1), red()
if "numba" in sys.argv:
    nb()
alone = [round(prod(), 3) for _ in range(4)]
u2, after2 = pairs(blas)
_, after2p = pairs(blas, 0.3)
u1, after1 = pairs(lambda: blas(1))
ur, afterr = pairs(red)
print(
    f"N={n} OPENBLAS_THREAD_TIMEOUT={os.environ.get('OPENBLAS_THREAD_TIMEOUT')}: product "
    f"alone {alone}; zgemm@2 {u2:.3f} s, product right after {after2}, after 0.3 s "
    f"{after2p}; zgemm@1 {u1:.3f} s, product after {after1}; reduce {ur:.3f} s, product "
    f"after {afterr}",
    flush=True,
)
if "numba" in sys.argv:
    un, aftern = pairs(nb)
    print(f"numba update {un:.3f} s, product after {aftern}", flush=True)
