"""The threaded Chebyshev recurrence step (quantum/evolution/csr_kernels.py) against scipy."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ssbattery.quantum.battery import default_times
from ssbattery.quantum.evolution import Chebyshev, evolve
from ssbattery.quantum.evolution.csr_kernels import THREADED_MIN_NNZ, coded_csr, recurrence_step
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    charge_spin_chain,
    default_method,
)


@pytest.mark.parametrize("shape, dtype", [((1,), float), ((1,), complex), ((3,), complex)])
@pytest.mark.parametrize("threads", [None, 1, 2])
def test_recurrence_step_equals_the_scipy_product(shape, dtype, threads) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    n = 60_000
    A = sp.random_array((n, n), density=THREADED_MIN_NNZ / n**2 * 1.5, rng=rng, format="csr")
    A = sp.csr_array(A + A.T)
    assert A.nnz >= THREADED_MIN_NNZ  # the threaded kernel, not the fallback
    x = rng.standard_normal((n, *shape)).astype(dtype)
    prev = rng.standard_normal((n, *shape)).astype(dtype)
    if dtype is complex:
        x = x + 1j * rng.standard_normal((n, *shape))
        prev = prev - 0.5j * rng.standard_normal((n, *shape))
    out = np.empty_like(x)
    recurrence_step(A, x, prev, out, threads=threads)
    ref = A @ x - prev
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())


def test_threaded_chebyshev_evolution_matches_one_thread() -> None:
    # N = 15 reflection × flip sectors: 16 512 states, ≈ 3.8·10⁵ entries (threaded path).
    p = SpinChainParameters(n_sites=15, anisotropy=0.5)
    ops = build_operators(p)
    assert ops.H_charge.nnz >= THREADED_MIN_NNZ
    t = default_times(0.5, 50)
    runs = [
        evolve(ops.H_charge, ops.psi0, t, e_ops=[ops.H0], method=Chebyshev(threads=k)).expect[0]
        for k in (1, 2)
    ]
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12)


def test_default_method_holds_the_single_real_expansion() -> None:
    # Eigh (None) for ≤ 512 states; above, memory for ≈ r·t_max real vectors of the sector.
    t = default_times(2.0, 400)
    assert default_method(SpinChainParameters(n_sites=8), t) is None
    p = SpinChainParameters(n_sites=16, anisotropy=0.5)
    m = default_method(p, t)
    assert isinstance(m, Chebyshev) and m.tol == 1e-12
    dim = build_operators(p).H0.shape[0]
    # ‖H‖ ≤ 16·12 + 15·3·(1/4 + 1/4) = 214.5, so r·t_max ≤ 429: ≥ 430 terms of 8·dim bytes.
    assert m.memory_mb * 1024**2 >= 430 * 8 * dim
    res = charge_spin_chain(p, t_max=0.2, steps=20, refine=False)
    assert res.energy.shape == (20,)


def test_coded_csr_product_equals_the_csr_product() -> None:
    # The chain's H has few distinct off-diagonal values: one-byte codes, diagonal apart.
    H = build_operators(SpinChainParameters(n_sites=15, anisotropy=0.3, interaction="lr")).H_charge
    C = coded_csr(H)
    assert C is not None and C.table.size <= 256
    assert C.indices.size + np.count_nonzero(H.diagonal()) == H.nnz
    rng = np.random.default_rng(3)
    for cols in (1, 4):
        x = rng.standard_normal((H.shape[0], cols)) + 1j * rng.standard_normal((H.shape[0], cols))
        prev = rng.standard_normal(x.shape) + 0j
        out = np.empty_like(x)
        recurrence_step(C, x, prev, out)
        ref = H @ x - prev
        np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    # Many distinct values: no coding.
    A = sp.csr_array(sp.random_array((800, 800), density=0.5, rng=rng, format="csr"))
    assert coded_csr(A) is None


def test_threaded_observable_product_equals_scipy() -> None:
    from ssbattery.quantum.evolution.csr_kernels import sparse_product
    from ssbattery.quantum.evolution.kernels import matmul

    H = build_operators(SpinChainParameters(n_sites=15, anisotropy=0.5)).H0
    rng = np.random.default_rng(5)
    X = rng.standard_normal((H.shape[0], 6)) + 1j * rng.standard_normal((H.shape[0], 6))
    ref = H @ X
    np.testing.assert_allclose(matmul(H, X), ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    Xr = X.real.copy()
    np.testing.assert_allclose(sparse_product(H, Xr), H @ Xr, rtol=0, atol=1e-11)
