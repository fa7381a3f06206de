"""Analytic systems that every registered propagation method must reproduce.

One shared tester runs every method of :data:`ssbattery.quantum.evolution.METHODS` on
the closed systems, and every method with ``propagate_open`` on the open ones, so a new
method is tested by being registered (issue 15 §6). Closed forms (ħ = 1):

* driven qubit, H = (Ω/2)σx from |0⟩: P₁(t) = sin²(Ωt/2) (Rabi);
* α = 1 spin chain (review eqs. 10–14 with isotropic coupling): the charger commutes with
  the interaction, so W(t) = 2NB sin²(ωt), the stored energy of N free spins;
* damped cavity, C = √κ a from the Fock state |n₀⟩: ⟨n⟩(t) = n₀ e^{−κt} (exact in any
  truncation above n₀, since decay only lowers n);
* thermalising qubit, C↓ = √(γ(n̄+1)) σ₋, C↑ = √(γn̄) σ₊ (Bose occupation n̄ at ω/T):
  p_e(t) = p_eq + (p_e(0) − p_eq) e^{−γ(2n̄+1)t}, p_eq = n̄/(2n̄+1) (Breuer & Petruccione,
  The Theory of Open Quantum Systems, §3.4.6).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssbattery.quantum.evolution import METHODS, Evolver, LindbladEvolver, open_methods
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    independent_spins_energy,
)

CLOSED = sorted(METHODS.items())
OPEN = sorted(open_methods().items())


@pytest.mark.parametrize(("name", "cls"), CLOSED, ids=[n for n, _ in CLOSED])
def test_driven_qubit_rabi_oscillation(name: str, cls: type) -> None:
    omega = 1.7
    H = 0.5 * omega * np.array([[0.0, 1.0], [1.0, 0.0]])
    times = np.linspace(0.1, 6.0, 30)
    P1 = np.diag([0.0, 1.0])
    tr = Evolver(H, cls()).run(np.array([1.0, 0.0]), times, e_ops=[P1])
    np.testing.assert_allclose(tr.expect[0], np.sin(0.5 * omega * times) ** 2, atol=1e-9)
    assert isinstance(tr.method, cls)


@pytest.mark.parametrize(("name", "cls"), CLOSED, ids=[n for n, _ in CLOSED])
def test_isotropic_spin_chain_stores_the_energy_of_free_spins(name: str, cls: type) -> None:
    # N = 10 in the full 2^N = 1024 space: above the dense limit, so the sparse paths run.
    params = SpinChainParameters(n_sites=10, anisotropy=1.0)
    ops = build_operators(params, symmetric=False)
    times = np.linspace(0.01, 0.4, 12)
    tr = Evolver(ops.H_charge, cls()).run(ops.psi0, times, e_ops=[ops.H0])
    W = tr.expect[0] - ops.ground_energy
    np.testing.assert_allclose(W, independent_spins_energy(params, times), atol=1e-7)


@pytest.mark.parametrize(("name", "cls"), OPEN, ids=[n for n, _ in OPEN])
def test_damped_cavity_decays_exponentially(name: str, cls: type) -> None:
    levels, n0, kappa = 8, 3, 0.4
    a = np.diag(np.sqrt(np.arange(1.0, levels)), 1)
    num = a.T @ a
    rho0 = np.zeros((levels, levels))
    rho0[n0, n0] = 1.0
    times = np.linspace(0.1, 5.0, 25)
    tr = LindbladEvolver(num, [math.sqrt(kappa) * a], cls()).run(rho0, times, e_ops=[num])
    np.testing.assert_allclose(tr.expect[0], n0 * np.exp(-kappa * times), atol=1e-10)


@pytest.mark.parametrize(("name", "cls"), OPEN, ids=[n for n, _ in OPEN])
def test_thermalising_qubit_relaxes_to_the_gibbs_population(name: str, cls: type) -> None:
    w, T, gamma = 1.0, 0.8, 0.3
    nbar = 1.0 / math.expm1(w / T)
    lower = np.array([[0.0, 0.0], [1.0, 0.0]])  # |e⟩ = index 0 → |g⟩ = index 1
    c_ops = [math.sqrt(gamma * (nbar + 1)) * lower, math.sqrt(gamma * nbar) * lower.T]
    H = np.diag([w / 2, -w / 2])
    times = np.linspace(0.2, 10.0, 20)
    tr = LindbladEvolver(H, c_ops, cls()).run(np.diag([1.0, 0.0]), times, store_states=True)
    p_eq = nbar / (2 * nbar + 1)
    expected = p_eq + (1.0 - p_eq) * np.exp(-gamma * (2 * nbar + 1) * times)
    assert tr.states is not None
    np.testing.assert_allclose(tr.states[:, 0, 0].real, expected, atol=1e-12)
    np.testing.assert_allclose(np.trace(tr.states, axis1=1, axis2=2).real, 1.0, atol=1e-12)


def test_every_registered_method_is_covered() -> None:
    # The tester above is parametrised from the registry: a method added there is tested.
    assert {n for n, _ in CLOSED} == set(METHODS)
    assert {n for n, _ in OPEN} <= set(METHODS) and OPEN
