"""Reduced states, correlations and the forms of ergotropy against analytic values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.correlations import (
    concurrence,
    logarithmic_negativity,
    mutual_information,
    negativity,
    partial_trace,
    total_correlation,
)
from ssbattery.quantum.ergotropies import (
    asymptotic_ergotropy,
    coherent_ergotropy,
    incoherent_ergotropy,
    local_ergotropies,
    locked_ergotropy,
)
from ssbattery.quantum.metrics import ergotropy

BELL = np.array([1, 0, 0, 1]) / math.sqrt(2)
SINGLET = np.array([0, 1, -1, 0]) / math.sqrt(2)
H_QUBIT = np.diag([0.5, -0.5]).astype(complex)  # gap ω = 1, |0⟩ excited


def werner(p: float) -> np.ndarray:
    return p * np.outer(SINGLET, SINGLET) + (1 - p) * np.eye(4) / 4


def random_state(d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = g @ g.conj().T
    return rho / np.trace(rho)


@pytest.mark.parametrize("keep", [(0,), (1,), (2,), (0, 2), (2, 0), (1, 2)])
def test_partial_trace_matches_qutip(keep: tuple[int, ...]) -> None:
    dims = (2, 3, 2)
    rho = random_state(12, 3)
    ours = partial_trace(rho, dims, keep)
    q = qt.Qobj(rho, dims=[list(dims), list(dims)]).ptrace(sorted(keep)).full()
    if list(keep) != sorted(keep):  # QuTiP keeps sorted order: swap back
        q = qt.Qobj(q, dims=[[dims[k] for k in sorted(keep)]] * 2).permute([1, 0]).full()
    assert np.allclose(ours, q, atol=1e-13)
    assert np.trace(ours).real == pytest.approx(1.0)


def test_partial_trace_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="dims"):
        partial_trace(np.eye(4) / 4, (2, 3), 0)
    with pytest.raises(InvalidParameterError, match="keep"):
        partial_trace(np.eye(4) / 4, (2, 2), 2)


def test_bell_pair_correlations() -> None:
    assert mutual_information(BELL, (2, 2), 0, 1) == pytest.approx(2 * math.log(2), abs=1e-12)
    assert total_correlation(BELL, (2, 2)) == pytest.approx(2 * math.log(2), abs=1e-12)
    assert concurrence(BELL) == pytest.approx(1.0, abs=1e-12)
    assert negativity(BELL) == pytest.approx(0.5, abs=1e-12)
    assert logarithmic_negativity(BELL) == pytest.approx(math.log(2), abs=1e-12)
    product = np.kron([1, 0], [0.6, 0.8])
    assert mutual_information(product, (2, 2), 0, 1) == pytest.approx(0.0, abs=1e-12)
    assert concurrence(product) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("p", [0.0, 0.2, 1 / 3, 0.5, 0.8, 1.0])
def test_werner_state_closed_forms(p: float) -> None:
    # Wootters (1998): C = max(0, (3p − 1)/2); negativity max(0, (3p − 1)/4)
    rho = werner(p)
    assert concurrence(rho) == pytest.approx(max(0.0, (3 * p - 1) / 2), abs=1e-7)
    assert negativity(rho) == pytest.approx(max(0.0, (3 * p - 1) / 4), abs=1e-12)


def test_ghz_total_correlation() -> None:
    ghz = np.zeros(8)
    ghz[0] = ghz[7] = 1 / math.sqrt(2)
    # three reduced entropies of ln 2 each, a pure whole: C = 3 ln 2
    assert total_correlation(ghz, (2, 2, 2)) == pytest.approx(3 * math.log(2), abs=1e-12)
    assert mutual_information(ghz, (2, 2, 2), 0, (1, 2)) == pytest.approx(2 * math.log(2))


def test_concurrence_matches_qutip() -> None:
    rho = random_state(4, 11)
    ref = qt.concurrence(qt.Qobj(rho, dims=[[2, 2], [2, 2]]))
    assert concurrence(rho) == pytest.approx(ref, abs=1e-10)


def test_bell_pair_ergotropy_is_locked() -> None:
    # Global ergotropy ω (|Φ+⟩ has energy 0, the ground state −ω), local ones 0.
    H = np.kron(H_QUBIT, np.eye(2)) + np.kron(np.eye(2), H_QUBIT)
    assert ergotropy(BELL, H) == pytest.approx(1.0, abs=1e-12)
    assert local_ergotropies(BELL, (2, 2), [H_QUBIT, H_QUBIT]) == pytest.approx([0, 0], abs=1e-12)
    assert locked_ergotropy(BELL, (2, 2), [H_QUBIT, H_QUBIT]) == pytest.approx(1.0, abs=1e-12)
    # a product of excited qubits: everything local, nothing locked
    ee = np.kron([1, 0], [1, 0])
    assert local_ergotropies(ee, (2, 2), [H_QUBIT, H_QUBIT]) == pytest.approx([1, 1])
    assert locked_ergotropy(ee, (2, 2), [H_QUBIT, H_QUBIT]) == pytest.approx(0.0, abs=1e-12)


def test_plus_state_ergotropy_is_coherent() -> None:
    plus = np.array([1, 1]) / math.sqrt(2)
    assert coherent_ergotropy(plus, H_QUBIT) == pytest.approx(0.5, abs=1e-12)  # ω/2
    assert incoherent_ergotropy(plus, H_QUBIT) == pytest.approx(0.0, abs=1e-12)
    # a population-inverted mixture: all incoherent
    rho = np.diag([0.8, 0.2])
    assert incoherent_ergotropy(rho, H_QUBIT) == pytest.approx(0.6, abs=1e-12)
    assert coherent_ergotropy(rho, H_QUBIT) == pytest.approx(0.0, abs=1e-12)


def test_incoherent_ergotropy_is_the_dephased_state_ergotropy() -> None:
    # Çakmak, PRE 102, 042111 (2020): E_i(ρ) = E(Δρ), E_c = E(ρ) − E(Δρ). Δρ built here
    # independently (the diagonal in the eigenbasis of a random non-degenerate H).
    rng = np.random.default_rng(7)
    for d in (2, 3, 4):
        g = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        H = g + g.conj().T
        rho = random_state(d, 20 + d)
        _, V = np.linalg.eigh(H)
        deph = V @ np.diag(np.diag(V.conj().T @ rho @ V)) @ V.conj().T
        assert incoherent_ergotropy(rho, H) == pytest.approx(ergotropy(deph, H), abs=1e-12)
        assert coherent_ergotropy(rho, H) + incoherent_ergotropy(rho, H) == pytest.approx(
            ergotropy(rho, H), abs=1e-12
        )


def test_qubit_incoherent_ergotropy_equals_francica_definition() -> None:
    # Francica et al., PRL 125, 180603 (2020): E_i = max over unitaries U that keep the
    # coherence S(Δρ) − S(ρ), i.e. S(Δ(UρU†)) = S(Δρ), of Tr H(ρ − UρU†). Brute force over
    # the Bloch sphere: a qubit unitary rotates the Bloch vector r to any r' with |r'| = |r|.
    for seed in range(5):
        rho = random_state(2, 40 + seed)
        r = np.array([2 * rho[0, 1].real, -2 * rho[0, 1].imag, (rho[0, 0] - rho[1, 1]).real])
        z0 = r[2]
        best = 0.0
        for theta in np.linspace(0, np.pi, 2001):
            z = np.linalg.norm(r) * np.cos(theta)
            if abs(abs(z) - abs(z0)) < 1e-3 * np.linalg.norm(r):  # same diagonal entropy
                best = max(best, 0.5 * (z0 - z))  # H = diag(½, −½): E = z/2
        assert incoherent_ergotropy(rho, H_QUBIT) == pytest.approx(best, abs=2e-3)


def test_asymptotic_ergotropy_limits() -> None:
    # pure state: energy above the ground state; Gibbs state: 0; qubit: = ergotropy
    e = np.array([0.0, 1.0, 2.5])
    H = np.diag(e).astype(complex)
    psi = np.array([0.0, 1.0, 1.0]) / math.sqrt(2)
    assert asymptotic_ergotropy(psi, H) == pytest.approx(1.75, abs=1e-12)
    gibbs = np.diag(np.exp(-e / 0.7) / np.exp(-e / 0.7).sum())
    assert asymptotic_ergotropy(gibbs, H) == pytest.approx(0.0, abs=1e-9)
    rho = random_state(2, 5)
    assert asymptotic_ergotropy(rho, H_QUBIT) == pytest.approx(ergotropy(rho, H_QUBIT), abs=1e-9)
    # a passive but non-Gibbs qutrit state has zero ergotropy yet positive asymptotic one
    passive = np.diag([0.5, 0.45, 0.05])
    assert ergotropy(passive, H) == pytest.approx(0.0, abs=1e-12)
    a = asymptotic_ergotropy(passive, H)
    assert a > 0.01
    # check against an independent root-find of S(γ_β) = S(ρ)
    from scipy.optimize import brentq

    s = -np.sum(np.diag(passive) * np.log(np.diag(passive)))

    def gap(beta: float) -> float:
        p = np.exp(-beta * e) / np.exp(-beta * e).sum()
        return float(-np.sum(p * np.log(p)) - s)

    beta = brentq(gap, 1e-6, 50)
    p = np.exp(-beta * e) / np.exp(-beta * e).sum()
    assert a == pytest.approx(float(np.dot(np.diag(passive), e) - np.dot(p, e)), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_ergotropy_hierarchy(seed: int) -> None:
    # 0 ≤ Σ E_local ≤ E ≤ E_∞ ≤ Tr ρH − E_0, and E = E_i + E_c
    rho = random_state(4, seed)
    rng = np.random.default_rng(seed)
    h1 = np.diag(np.sort(rng.uniform(-1, 1, 2)))
    h2 = np.diag(np.sort(rng.uniform(-1, 1, 2)))
    H = np.kron(h1, np.eye(2)) + np.kron(np.eye(2), h2)
    E = ergotropy(rho, H)
    assert 0 <= sum(local_ergotropies(rho, (2, 2), [h1, h2])) <= E + 1e-12
    assert E <= asymptotic_ergotropy(rho, H) + 1e-9
    top = float(np.trace(rho @ H).real - np.linalg.eigvalsh(H)[0])
    assert asymptotic_ergotropy(rho, H) <= top + 1e-9
    assert incoherent_ergotropy(rho, H) + coherent_ergotropy(rho, H) == pytest.approx(E, abs=1e-12)
