"""The matrix-free chain Hamiltonian against the CSR matrices it replaces.

``ChainOperator`` generates the terms of H_charge = Hg + ωΣσx (review eqs. 11, 14) from the
representative bit strings at every product; ``build_operators`` stores them (CSR) from the
same sectors, and its blocks are themselves checked against the full 2^N space in
test_chain_basis.py. Here the two must agree entry by entry (to 1e-12 of ‖H‖) for
nearest-neighbour and long-range couplings, open and periodic chains, with and without the
spin flip, and the fused Chebyshev step must equal H·x − prev.
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.chain_basis import chain_basis
from ssbattery.quantum.chain_operator import chain_operator
from ssbattery.quantum.evolution.csr_kernels import THREADED_MIN_NNZ
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    chain_sectors,
    couplings,
)

CASES = [
    (n, interaction, periodic)
    for n in (4, 5, 7, 8, 10)
    for interaction in ("nn", "lr")
    for periodic in (False, True)
]


def _pair(n: int, interaction: str, periodic: bool, *, flip: bool = True, alpha: float = 0.5):
    p = SpinChainParameters(
        n, anisotropy=alpha, interaction=interaction, periodic=periodic, decay=1.3
    )
    ops = build_operators(p, flip=flip)
    H = chain_operator(
        chain_sectors(p, flip=flip),
        couplings(p),
        transverse=p.charging,
        anisotropy=p.anisotropy,
    )
    return ops, H


@pytest.mark.parametrize(("n", "interaction", "periodic"), CASES)
def test_matrix_free_equals_csr(n: int, interaction: str, periodic: bool) -> None:
    ops, H = _pair(n, interaction, periodic)
    A, B = H.toarray(), ops.H_charge.toarray()
    scale = np.abs(B).max()
    assert H.shape == ops.H_charge.shape
    np.testing.assert_allclose(A, B, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize(("n", "periodic"), [(6, False), (9, True)])
def test_matrix_free_without_the_flip_and_at_alpha_zero(n: int, periodic: bool) -> None:
    # One R-symmetric block (no spin flip), and α = 0 (no flip-flops: Ising + field).
    for flip, alpha in ((False, 0.5), (True, 0.0), (False, -1.0)):
        ops, H = _pair(n, "lr", periodic, flip=flip, alpha=alpha)
        B = ops.H_charge.toarray()
        np.testing.assert_allclose(H.toarray(), B, rtol=0, atol=1e-12 * np.abs(B).max())


def test_full_space_transverse_field_on_plus_state() -> None:
    # Σσx|+…+⟩ = N|+…+⟩: ⟨Σσx⟩ = N on the full 2^N basis (no symmetry).
    n = 6
    X = chain_operator([chain_basis(n, reflection=False)], np.zeros((n, n)), transverse=1.0)
    plus = np.full(2**n, 2 ** (-n / 2))
    np.testing.assert_allclose(X @ plus, n * plus, atol=1e-13)
    assert float(X.expect(plus)) == pytest.approx(n, abs=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_recurrence_step_and_scaling(dtype: type) -> None:
    # N = 14, long range: 8 256 states × ~60 terms, above the threaded kernel's threshold.
    ops, H = _pair(14, "lr", False)
    assert H.nnz >= THREADED_MIN_NNZ
    rng = np.random.default_rng(3)
    n = H.shape[0]

    def draw() -> np.ndarray:
        v = rng.standard_normal(n)
        return (v + 1j * rng.standard_normal(n)).astype(dtype) if dtype is np.complex128 else v

    x, prev = draw(), draw()
    out = np.empty_like(x)
    shift, scale = 3.0, 2.0 / 150.0
    H2 = H.scaled(shift, scale)
    H2.recurrence_step(x, prev, out, threads=1)
    ref = scale * (ops.H_charge @ x - shift * x) - prev
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    # Two columns at once (the (n, m) kets of the engine), and two threads.
    X2 = np.stack([x, prev], axis=1)
    np.testing.assert_allclose(
        H @ X2, ops.H_charge @ X2, rtol=0, atol=1e-12 * np.abs(ref).max() / scale
    )
    H2.recurrence_step(x, prev, out, threads=2)
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())


def test_operator_errors() -> None:
    p = SpinChainParameters(4)
    with pytest.raises(InvalidParameterError, match="sectors"):
        chain_operator([], couplings(p))
    with pytest.raises(InvalidParameterError, match="couplings"):
        chain_operator(chain_sectors(p), np.zeros((3, 3)))
    H = chain_operator(chain_sectors(p), couplings(p), transverse=1.0)
    with pytest.raises(InvalidParameterError, match="rows"):
        H @ np.zeros(3)
