"""The fused Lanczos iteration (numba) against the NumPy/BLAS one and exact propagation.

Reference: the three-term Lanczos recurrence (Golub & Van Loan, Matrix Computations,
4th ed., Alg. 10.1.1) as the NumPy path of ``lanczos.lanczos_basis`` computes it; the
propagated state against dense diagonalisation (eq. 4 of the review).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from ssbattery.quantum.evolution import Lanczos, evolve
from ssbattery.quantum.evolution import lanczos as lanczos_module
from ssbattery.quantum.evolution.fused import (
    HAVE_NUMBA,
    CSRProduct,
    compiled_pair,
    fused_lanczos_basis,
    numba_threads,
    prange,
)

pytestmark = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")


def _random_hermitian(n: int, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    A = sp.random_array((n, n), density=0.02, random_state=rng, format="csr")
    return sp.csr_array(A + A.T + sp.diags_array(rng.normal(size=n)))


def test_fused_basis_equals_numpy_basis():
    H = _random_hermitian(700, 1)
    rng = np.random.default_rng(2)
    v = rng.normal(size=1400)
    v /= np.linalg.norm(v)
    # few steps: beyond them both variants lose orthogonality (Ritz values converge), and
    # their rounding, different by the order of operations, then drives them apart
    m = 10
    V1, a1, b1, bm1 = lanczos_module.lanczos_basis(H, v, m, np.empty((m, 1400)))
    V1, a1, b1 = V1.copy(), a1.copy(), b1.copy()
    V2, a2, b2, bm2 = fused_lanczos_basis(CSRProduct(H), v, m, np.empty((m, 1400)))
    np.testing.assert_allclose(a2, a1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b2, b1, rtol=1e-10)
    assert bm2 == pytest.approx(bm1, rel=1e-10)
    np.testing.assert_allclose(V2, V1, atol=1e-9)
    # the basis is orthonormal to rounding over these few steps
    Vc = V2.view(np.complex128)
    gram = Vc.conj() @ Vc.T
    assert np.abs(gram - np.eye(m)).max() < 1e-8


def test_fused_lanczos_propagation_is_exact():
    H = _random_hermitian(600, 3)
    rng = np.random.default_rng(4)
    psi0 = rng.normal(size=600) + 1j * rng.normal(size=600)
    psi0 /= np.linalg.norm(psi0)
    times = np.linspace(0.05, 2.0, 25)
    E, V = np.linalg.eigh(H.toarray())
    exact = np.array([V @ (np.exp(-1j * E * t) * (V.conj().T @ psi0)) for t in times])
    tr = evolve(H, psi0, times, method=Lanczos(tol=1e-12), store_states=True)
    assert tr.states is not None
    assert np.abs(tr.states - exact).max() < 1e-10


def test_csr_product_refuses_complex_matrices():
    with pytest.raises(TypeError):
        CSRProduct(sp.csr_array(np.array([[0, 1j], [-1j, 0]])))


def _squares(x, out):  # a module-level body for compiled_pair (a closure would not cache)
    for i in prange(x.size):
        out[i] = x[i] * x[i]


def test_compiled_pair_builds_threaded_and_serial_under_two_names():
    # The two builds must be two cache entries (numba names a build by its function's
    # qualified name, not its options): the serial one is a renamed copy, not parallel.
    threaded, serial = compiled_pair(_squares)
    assert threaded.py_func.__qualname__ == "_squares"
    assert serial.py_func.__qualname__ == "_squares_serial"
    assert threaded.targetoptions["parallel"] and not serial.targetoptions.get("parallel")
    x = np.arange(1000, dtype=float)
    for f in (threaded, serial):
        out = np.empty_like(x)
        with numba_threads(2):
            f(x, out)
        np.testing.assert_array_equal(out, x**2)
