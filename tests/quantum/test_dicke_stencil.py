"""The matrix-free Dicke stencil against the CSR Hamiltonian and exact propagation.

Reference: eq. 9 of the review with Ω = 0 as built by ``dicke_hamiltonian`` (itself
checked against QuTiP in test_dicke_model.py); the propagation against dense
diagonalisation, e^{−iHt}ψ = V e^{−iEt} Vᵀψ (eq. 4).
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import (
    DickeParameters,
    dicke_basis,
    dicke_hamiltonian,
    dicke_initial_state,
)
from ssbattery.quantum.dicke_stencil import THREADED_MIN_STATES, DickeStencil
from ssbattery.quantum.dicke_window import window_basis
from ssbattery.quantum.evolution import Lanczos, evolve


@pytest.mark.parametrize(
    ("n_atoms", "lo", "hi", "eta", "omega_a", "omega_cav"),
    [
        (1, 0, 6, 0.0, 1.0, 1.0),  # one atom: layers of one state each
        (4, 0, 12, 0.0, 1.0, 1.0),
        (5, 2, 17, 0.7, 1.3, 0.6),  # odd N, a window not starting at 0, η ≠ 0
        (8, 3, 4, 0.0, 1.0, 2.0),  # two layers only
        (12, 7, 40, -0.4, 0.9, 1.0),
        (33, 10, 45, 0.2, 1.1, 0.8),  # layers of 17: mostly the branch-free interior loop
    ],
)
def test_stencil_equals_csr_hamiltonian(n_atoms, lo, hi, eta, omega_a, omega_cav):
    p = DickeParameters(n_atoms, 0.31, omega_a=omega_a, omega_cav=omega_cav, eta=eta)
    b = window_basis(p, lo, hi)
    H = dicke_hamiltonian(p, b).toarray()
    S = DickeStencil(p, b)
    rng = np.random.default_rng(5)
    v = rng.normal(size=b.size) + 1j * rng.normal(size=b.size)
    v_prev = rng.normal(size=b.size) + 1j * rng.normal(size=b.size)
    np.testing.assert_allclose(S.matvec(v), H @ v, rtol=0, atol=1e-12 * np.abs(H).max())
    # the fused Lanczos pass: w = Hv − β v_prev, α = Re⟨v|w⟩
    w = np.empty_like(v)
    alpha, norm2 = S.lanczos_product(v, v_prev, 0.37, w)
    ref = H @ v - 0.37 * v_prev
    np.testing.assert_allclose(w, ref, atol=1e-11 * np.abs(ref).max())
    assert alpha == pytest.approx(float(np.vdot(v, ref).real), rel=1e-12)
    assert norm2 == pytest.approx(float(np.vdot(ref, ref).real), rel=1e-12)


@pytest.mark.parametrize("threads", [1, 2, None])
def test_threaded_stencil_equals_csr_hamiltonian(threads):
    """Above THREADED_MIN_STATES the layers are split over numba's threads: the same
    w = Hv − β v_prev, α and ‖w‖² as the CSR H (eq. 9), whatever the thread count."""
    p = DickeParameters(40, 0.2, eta=0.3)
    b = window_basis(p, 3, 1003)
    assert b.size >= THREADED_MIN_STATES
    H = dicke_hamiltonian(p, b)
    rng = np.random.default_rng(11)
    v = rng.normal(size=b.size) + 1j * rng.normal(size=b.size)
    v_prev = rng.normal(size=b.size) + 1j * rng.normal(size=b.size)
    w = np.empty_like(v)
    alpha, norm2 = DickeStencil(p, b, threads=threads).lanczos_product(v, v_prev, 0.37, w)
    ref = H @ v - 0.37 * v_prev
    np.testing.assert_allclose(w, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    assert alpha == pytest.approx(float(np.vdot(v, ref).real), rel=1e-12)
    assert norm2 == pytest.approx(float(np.vdot(ref, ref).real), rel=1e-12)


@pytest.mark.parametrize("threads", [0, 1.5, True])
def test_stencil_threads_are_checked(threads):
    p = DickeParameters(4, 0.3, photon_cutoff=12)
    with pytest.raises(InvalidParameterError, match="threads"):
        DickeStencil(p, dicke_basis(p), threads=threads)


def test_stencil_refuses_the_full_space():
    p = DickeParameters(4, 0.3, drive=0.2)  # Ω Jx: no parity sector
    with pytest.raises(InvalidParameterError, match="parity sector"):
        DickeStencil(p, dicke_basis(p))


def test_lanczos_with_the_stencil_matches_exact_propagation():
    """Lanczos products by the stencil: ψ(t) within 1e-10 of dense e^{−iHt}ψ (eq. 4)."""
    p = DickeParameters(10, 0.25, photon_cutoff=60, steps=40)
    b = dicke_basis(p)
    H = dicke_hamiltonian(p, b)
    psi0 = dicke_initial_state(b)
    E, V = np.linalg.eigh(H.toarray())
    c = V.T @ psi0.real
    exact = np.array([V @ (np.exp(-1j * E * t) * c) for t in p.times()])
    tr = evolve(
        H,
        psi0,
        p.times(),
        method=Lanczos(tol=1e-12),
        store_states=True,
        matrix_free=DickeStencil(p, b),
    )
    assert tr.states is not None
    assert np.abs(tr.states - exact).max() < 1e-10
    assert tr.stats.products is not None and tr.stats.products > 0


def test_matrix_free_shape_is_checked():
    p = DickeParameters(4, 0.3, photon_cutoff=12)
    b = dicke_basis(p)
    other = dicke_basis(DickeParameters(4, 0.3, photon_cutoff=14))
    with pytest.raises(InvalidParameterError, match="matrix_free"):
        evolve(
            dicke_hamiltonian(p, b),
            dicke_initial_state(b),
            [0.1],
            method=Lanczos(),
            matrix_free=DickeStencil(p, other),
        )
