"""The three-qubit quantum thermal transistor (Joulain et al., PRL 116, 200601 (2016)):
current conservation, the second law, equilibrium and decoupled limits, and the currents
and amplification factor against an independent Pauli rate equation on the 8 states."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.linalg import null_space

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.audit import audit
from ssbattery.thermal.machines import heat_transistor

OMEGA = (0.4, 0.5, 0.6)
DELTA = (0.6, 0.8)


def pauli_currents(T: tuple[float, float, float], rate: float = 0.01) -> np.ndarray:
    # E(z) = Σ_p ω_p z_p/2 + Δ_LM z_L z_M + Δ_MR z_M z_R, z = ±1; bath p flips qubit p at
    # γ(ω) (n(ω) + 1) down and γ(ω) n(ω) up, γ(ω) = γ₀ ω (Ohmic), n the Bose occupation.
    states = list(itertools.product((1, -1), repeat=3))

    def energy(z: tuple[int, ...]) -> float:
        return (
            sum(w * s / 2 for w, s in zip(OMEGA, z, strict=True))
            + DELTA[0] * z[0] * z[1]
            + DELTA[1] * z[1] * z[2]
        )

    W = [np.zeros((8, 8)) for _ in range(3)]  # W[p][to, from]
    for i, z in enumerate(states):
        for p in range(3):
            z2 = list(z)
            z2[p] = -z2[p]
            j = states.index(tuple(z2))
            dE = energy(tuple(z2)) - energy(z)
            w = abs(dE)
            n = 1 / np.expm1(w / T[p])
            W[p][j, i] = rate * w * (n if dE > 0 else n + 1)
    E = np.array([energy(z) for z in states])
    G = sum(W)
    G = G - np.diag(G.sum(axis=0))
    P = null_space(G)[:, 0]
    P = P / P.sum()
    return np.array([float(E @ (Wp @ P) - E @ (Wp.sum(axis=0) * P)) for Wp in W])


def test_currents_match_an_independent_rate_equation() -> None:
    r = heat_transistor(0.2)
    ref = pauli_currents((1.0, 0.2, 0.1))
    assert np.allclose(r.currents, ref, rtol=1e-8, atol=1e-16)
    # heat enters at the hot emitter and leaves at the cold collector
    assert r.currents[0] > 0 > r.currents[2]


def test_amplification_factor_and_current_conservation() -> None:
    r = heat_transistor(0.2)
    assert sum(r.currents) == pytest.approx(0.0, abs=1e-16)
    assert r.amplification[0] + r.amplification[1] == pytest.approx(-1.0, abs=1e-6)
    # the transistor effect: a small change of the base current moves the collector
    # current 70 times as much (central difference of the independent rate equation)
    h = 2e-5
    up, down = pauli_currents((1.0, 0.2 + h, 0.1)), pauli_currents((1.0, 0.2 - h, 0.1))
    alpha_r = (up[2] - down[2]) / (up[1] - down[1])
    assert r.amplification[1] == pytest.approx(alpha_r, rel=1e-4)
    assert r.amplification[1] == pytest.approx(70.48, abs=0.05)
    assert abs(r.amplification[1]) > 10


@pytest.mark.parametrize("T_base", [0.15, 0.3, 0.6])
def test_second_law_and_audit(T_base: float) -> None:
    r = heat_transistor(T_base)
    sigma = -sum(j / t for j, t in zip(r.currents, (1.0, T_base, 0.1), strict=True))
    assert sigma > 0
    assert not audit(r.model).errors


def test_equilibrium_and_decoupled_limits() -> None:
    # one temperature everywhere: the Gibbs state, no current
    r = heat_transistor(0.5, T_emitter=0.5, T_collector=0.5)
    assert np.max(np.abs(r.currents)) < 1e-16
    # no coupling: each qubit equilibrates with its own bath, the base controls nothing
    with pytest.raises(InvalidParameterError, match="does not respond"):
        heat_transistor(0.2, coupling=(0.0, 0.0))
