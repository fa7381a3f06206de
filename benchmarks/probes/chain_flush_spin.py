"""Open chain N = 24, streaming operator: does the threaded BLAS update of a reduced block
(zgemm on 2 threads) slow the recurrence product that follows it (OpenBLAS threads spin
after a call), and what a numba update costs instead; usage: chain_flush_spin.py N
(RESULTS_spin_chain_scale.md).

A probe: a short timing script cited by a RESULTS file (run it through
benchmarks/run_paused.sh, as the cited figures were)."""

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


def blas():
    t = time.perf_counter()
    with blas_threads(2):
        zgemm(1.0, V.T, C.T, beta=1.0, c=out.T, overwrite_c=True)
    return time.perf_counter() - t


def nb():
    t = time.perf_counter()
    flush(out, V, C)
    return time.perf_counter() - t


prod(), nb(), blas()
alone = min(prod() for _ in range(3))
after_blas = []
t_blas = []
for _ in range(3):
    t_blas.append(blas())
    after_blas.append(prod())
after_nb = []
t_nb = []
for _ in range(3):
    t_nb.append(nb())
    after_nb.append(prod())
print(
    f"N={n}: product alone {alone:.3f} s; zgemm@2 {min(t_blas):.3f} s, product after it "
    f"{[round(x, 3) for x in after_blas]}; numba update {min(t_nb):.3f} s, product after it "
    f"{[round(x, 3) for x in after_nb]}",
    flush=True,
)
