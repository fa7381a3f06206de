"""Ergotropy, passive states, power and figure of merit (review §2.3.1–2.3.2, eq. 7)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.metrics import (
    average_power,
    ergotropy,
    ergotropy_extraction,
    figure_of_merit,
    optimal_figure_of_merit,
    passive_energy,
    passive_state,
    stored_energy,
    von_neumann_entropy,
)


def _random_hermitian(rng: np.random.Generator, n: int) -> np.ndarray:
    A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    return (A + A.conj().T) / 2


def _random_density(rng: np.random.Generator, n: int, rank: int) -> np.ndarray:
    G = rng.standard_normal((n, rank)) + 1j * rng.standard_normal((n, rank))
    rho = G @ G.conj().T
    return rho / np.trace(rho).real


@pytest.mark.parametrize("omega", [0.5, 1.0, 3.7])
def test_fully_inverted_qubit_has_ergotropy_omega(omega: float) -> None:
    # H0 = (ω/2)σz; |↑⟩ is the top level, its passive state the ground |↓⟩: W_max = ω (eq. 7).
    H0 = 0.5 * omega * np.diag([1.0, -1.0])
    assert ergotropy([1.0, 0.0], H0) == pytest.approx(omega, rel=1e-12)
    assert ergotropy(np.diag([1.0, 0.0]), H0) == pytest.approx(omega, rel=1e-12)


def test_thermal_and_passive_states_have_zero_ergotropy() -> None:
    rng = np.random.default_rng(3)
    H0 = _random_hermitian(rng, 5)
    e, V = np.linalg.eigh(H0)
    for beta in (0.1, 1.0, 10.0):
        p = np.exp(-beta * (e - e[0]))
        rho = (V * (p / p.sum())) @ V.conj().T
        assert ergotropy(rho, H0) == pytest.approx(0.0, abs=1e-12)
    # Any state with populations decreasing in energy order is passive.
    pops = np.array([0.4, 0.3, 0.2, 0.07, 0.03])
    rho = (V * pops) @ V.conj().T
    assert ergotropy(rho, H0) == pytest.approx(0.0, abs=1e-12)
    # The passive state of an arbitrary state is passive and keeps its spectrum.
    sigma = passive_state(_random_density(rng, 5, 3), H0)
    assert ergotropy(sigma, H0) == pytest.approx(0.0, abs=1e-12)


def test_pure_state_ergotropy_is_energy_above_ground() -> None:
    rng = np.random.default_rng(4)
    H0 = _random_hermitian(rng, 6)
    psi = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    psi /= np.linalg.norm(psi)
    e0 = np.linalg.eigvalsh(H0)[0]
    expected = float(np.vdot(psi, H0 @ psi).real) - e0
    assert ergotropy(psi, H0) == pytest.approx(expected, rel=1e-12)
    assert ergotropy(np.outer(psi, psi.conj()), H0) == pytest.approx(expected, rel=1e-10)
    assert passive_energy(psi, H0) == pytest.approx(e0, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=6),
    rank=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
)
def test_ergotropy_between_zero_and_energy_above_ground(n: int, rank: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    H0 = _random_hermitian(rng, n)
    rho = _random_density(rng, n, min(rank, n))
    W = ergotropy(rho, H0)
    above_ground = float(np.trace(rho @ H0).real) - np.linalg.eigvalsh(H0)[0]
    assert -1e-12 <= W <= above_ground + 1e-10


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=6),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    data=st.data(),
)
def test_ergotropy_invariant_under_relabelling_of_basis(n: int, seed: int, data) -> None:
    rng = np.random.default_rng(seed)
    H0 = _random_hermitian(rng, n)
    rho = _random_density(rng, n, n)
    perm = data.draw(st.permutations(list(range(n))))
    P = np.eye(n)[list(perm)]
    W = ergotropy(rho, H0)
    assert ergotropy(P @ rho @ P.T, P @ H0 @ P.T) == pytest.approx(W, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), d=st.integers(2, 6), sparse=st.booleans())
def test_extracting_unitary_maps_the_state_to_its_passive_state(
    seed: int, d: int, sparse: bool
) -> None:
    # eq. 7 (Allahverdyan et al. 2004): U = Σ_k |e_k⟩⟨r_k| is unitary, U ρ U† = σ, and the
    # energy it removes, Tr[ρH0] − Tr[σH0], is the closed-form ergotropy, 0 ≤ ℰ ≤ Tr[ρH0] − E_0.
    import scipy.sparse as spm

    rng = np.random.default_rng(seed)
    H0 = _random_hermitian(rng, d)
    rho = _random_density(rng, d, d)
    ex = ergotropy_extraction(rho, spm.csr_array(H0) if sparse else H0)
    U = ex.unitary
    np.testing.assert_allclose(U.conj().T @ U, np.eye(d), atol=1e-10)
    np.testing.assert_allclose(U @ rho @ U.conj().T, ex.passive_state, atol=1e-10)
    np.testing.assert_allclose(ex.passive_state, passive_state(rho, H0), atol=1e-10)
    assert ex.energy == pytest.approx(float(np.trace(rho @ H0).real), rel=1e-12, abs=1e-12)
    extracted = ex.energy - float(np.trace(U @ rho @ U.conj().T @ H0).real)
    assert ex.value == pytest.approx(extracted, abs=1e-10)
    assert ex.value == pytest.approx(ergotropy(rho, H0), abs=1e-10)
    assert -1e-12 <= ex.value <= ex.energy - np.linalg.eigvalsh(H0)[0] + 1e-12


def test_extracting_unitary_of_an_inverted_qubit_is_a_flip() -> None:
    # H0 = (ω/2)σz with |↑⟩ first: ρ = |↑⟩⟨↑| has ℰ = ω and U swaps |↑⟩ and |↓⟩ (up to phases).
    ex = ergotropy_extraction([1.0, 0.0], np.diag([1.0, -1.0]))
    assert ex.value == pytest.approx(2.0, rel=1e-12)
    np.testing.assert_allclose(np.abs(ex.unitary), [[0.0, 1.0], [1.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(ex.passive_state, np.diag([0.0, 1.0]), atol=1e-12)


def test_von_neumann_entropy_limits() -> None:
    # S = 0 for pure states, ln d for the maximally mixed state, and the binary entropy
    # −p ln p − (1−p) ln(1−p) for diag(p, 1 − p); unitarily invariant.
    rng = np.random.default_rng(7)
    psi = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    psi /= np.linalg.norm(psi)
    assert von_neumann_entropy(psi) == 0.0
    assert von_neumann_entropy(np.outer(psi, psi.conj())) == pytest.approx(0.0, abs=1e-12)
    assert von_neumann_entropy(np.eye(5) / 5) == pytest.approx(np.log(5), rel=1e-12)
    p = 0.2
    binary = -p * np.log(p) - (1 - p) * np.log(1 - p)
    assert von_neumann_entropy(np.diag([p, 1 - p])) == pytest.approx(binary, rel=1e-12)
    rho = _random_density(rng, 4, 2)
    _, V = np.linalg.eigh(_random_hermitian(rng, 4))
    assert von_neumann_entropy(V @ rho @ V.conj().T) == pytest.approx(
        von_neumann_entropy(rho), rel=1e-10
    )
    with pytest.raises(InvalidParameterError, match="unit trace"):
        von_neumann_entropy(np.diag([0.5, 0.4]))
    with pytest.raises(InvalidParameterError, match="must be normalised"):
        von_neumann_entropy([1.0, 1.0])


def test_stored_energy_sign_follows_the_review() -> None:
    # §2.3.2: W = Tr[ρ(τ)H0] − Tr[ρ(0)H0] ≥ 0 on charging.
    H0 = np.diag([1.0, -1.0])
    assert stored_energy([1.0, 0.0], [0.0, 1.0], H0) == pytest.approx(2.0)
    assert stored_energy([0.0, 1.0], [1.0, 0.0], H0) == pytest.approx(-2.0)


def test_power_and_figure_of_merit_limits() -> None:
    t = np.array([0.0, 0.5, 1.0, 2.0])
    W = np.array([0.0, 1.0, 3.0, 4.0])
    with pytest.raises(InvalidParameterError, match="undefined at t = 0"):
        average_power(t, W)  # issue 9 §5: no silent NaN
    P = np.r_[np.nan, average_power(t[1:], W[1:])]
    np.testing.assert_allclose(P[1:], [2.0, 3.0, 2.0])
    # a = 0 → F = W and a = 1 → F = P (§2.3.2).
    np.testing.assert_allclose(figure_of_merit(P[1:], W[1:], 0.0), W[1:])
    np.testing.assert_allclose(figure_of_merit(P[1:], W[1:], 1.0), P[1:])
    # F = W / t^a: for a = 1/2 the values are 1/√0.5, 3, 4/√2 → max 3 at t = 1.
    F, t_opt = optimal_figure_of_merit(t[1:], W[1:], 0.5)
    assert F == pytest.approx(3.0) and t_opt == 1.0
    with pytest.raises(InvalidParameterError, match="`a`"):
        figure_of_merit(P, W, 1.5)


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(InvalidParameterError, match="`H0` is not Hermitian"):
        ergotropy([1.0, 0.0], np.array([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(InvalidParameterError, match="unit trace"):
        ergotropy(np.diag([0.5, 0.4]), np.eye(2))
    with pytest.raises(InvalidParameterError, match="positive semidefinite"):
        ergotropy(np.diag([1.5, -0.5]), np.eye(2))
    with pytest.raises(InvalidParameterError, match="normalised"):
        ergotropy([1.0, 1.0], np.eye(2))
