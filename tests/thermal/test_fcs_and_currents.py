"""Full counting statistics of heat, the TUR ratio (issue 16 §3), against closed forms and
the tilted generator's leading eigenvalue."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.baths import Bath, entropy_production, global_dissipators, heat_currents
from ssbattery.thermal.fcs import heat_statistics, jump_energy, tilted_generator
from ssbattery.thermal.lindblad import steady_state

SM = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ = index 0 → |g⟩ = index 1
W = 1.3
H = np.diag([W / 2, -W / 2]).astype(complex)


def test_resonant_level_fano_factor() -> None:
    # A level filled at Γ_L (from the left) and emptied at Γ_R (to the right), counting the
    # quanta W that leave: F = (Γ_L² + Γ_R²)/(Γ_L + Γ_R)² (Bagrets & Nazarov, PRB 67,
    # 085316 (2003)); mean current −W Γ_LΓ_R/(Γ_L + Γ_R).
    gl, gr = 0.7, 0.2
    fill, empty = np.sqrt(gl) * SM.conj().T, np.sqrt(gr) * SM
    st = heat_statistics(H, [fill, empty], [empty])
    assert jump_energy(H, empty) == pytest.approx(-W, abs=1e-14)
    assert st.current == pytest.approx(-W * gl * gr / (gl + gr), rel=1e-12)
    assert st.fano == pytest.approx((gl**2 + gr**2) / (gl + gr) ** 2, rel=1e-10)


def _two_bath_qubit() -> tuple[list[np.ndarray], list[np.ndarray], Bath, Bath]:
    hot, cold = Bath(3.0, 0.4), Bath(0.5, 0.9)
    sx = SM + SM.conj().T
    return global_dissipators(H, sx, hot), global_dissipators(H, sx, cold), hot, cold


def test_cumulants_match_the_tilted_generator() -> None:
    ch, cc, _hot, _cold = _two_bath_qubit()

    def theta(chi: float) -> float:
        ev = np.linalg.eigvals(tilted_generator(H, ch + cc, ch, chi))
        return float(np.max(ev.real))

    h = 1e-3
    d1 = (theta(h) - theta(-h)) / (2 * h)
    d2 = (theta(h) - 2 * theta(0.0) + theta(-h)) / h**2
    st = heat_statistics(H, ch + cc, ch)
    assert st.current == pytest.approx(d1, rel=1e-6)
    assert st.noise == pytest.approx(d2, rel=1e-5)
    rho = steady_state(H, ch + cc)
    assert st.current == pytest.approx(heat_currents(H, [ch, cc], rho)[0], rel=1e-12)


def test_tur_holds_for_a_classical_heat_conductor() -> None:
    # A qubit between two baths (rate equation, no coherence): S σ / J² ≥ 2.
    ch, cc, hot, cold = _two_bath_qubit()
    rho = steady_state(H, ch + cc)
    J = heat_currents(H, [ch, cc], rho)
    sigma = entropy_production(J, [hot.temperature, cold.temperature])
    st = heat_statistics(H, ch + cc, ch, entropy_production=sigma)
    assert st.current > 0 and sigma > 0
    assert st.tur_ratio >= 2.0
    # Near equilibrium the TUR saturates: Q → 2 as T_h → T_c (linear response).
    near_h, near_c = Bath(1.01, 0.4), Bath(1.0, 0.9)
    sx = SM + SM.conj().T
    a, b = global_dissipators(H, sx, near_h), global_dissipators(H, sx, near_c)
    r = steady_state(H, a + b)
    Jn = heat_currents(H, [a, b], r)
    sn = entropy_production(Jn, [1.01, 1.0])
    q = heat_statistics(H, a + b, a, entropy_production=sn).tur_ratio
    assert q == pytest.approx(2.0, rel=1e-2) and q >= 2.0


def test_bad_counted() -> None:
    with pytest.raises(InvalidParameterError, match="counted"):
        heat_statistics(H, [SM], [])


def test_bond_currents_balance_the_local_baths_in_an_xx_chain() -> None:
    # Three-site XX chain, hot bath on site 0, cold on site 2 (local dissipators):
    # continuity at every site: J_{0→1} = Tr[h_0 D_h ρ], J_{1→2} = J_{0→1}, and
    # J_{1→2} = −Tr[h_2 D_c ρ].
    from ssbattery.quantum.operators import site_operator
    from ssbattery.thermal.baths import local_dissipators
    from ssbattery.thermal.currents import bond_currents, local_bath_currents

    n, w, lam = 3, 1.0, 0.1
    sp = [site_operator("+", i, n) for i in range(n)]
    sm = [site_operator("-", i, n) for i in range(n)]
    hs = [w * sp[i] @ sm[i] for i in range(n)]
    bonds = {(i, i + 1): lam * (sp[i] @ sm[i + 1] + sp[i + 1] @ sm[i]) for i in range(n - 1)}
    Hc = sum(hs) + sum(bonds.values())
    dh = local_dissipators(sm[0], w, Bath(2.0, 0.2))
    dc = local_dissipators(sm[2], w, Bath(0.3, 0.2))
    rho = steady_state(Hc, dh + dc)
    J = bond_currents(rho, hs, bonds)
    jh = local_bath_currents(rho, hs[0], dh)
    jc = local_bath_currents(rho, hs[2], dc)
    assert jh > 0
    assert J[(0, 1)] == pytest.approx(jh, rel=1e-9)
    assert J[(1, 2)] == pytest.approx(jh, rel=1e-9)
    assert jc == pytest.approx(-jh, rel=1e-9)


def test_exchange_fluctuation_theorem_of_the_heat_current() -> None:
    # Steady-state exchange fluctuation theorem (Jarzynski & Wójcik, PRL 92, 230602 (2004);
    # Gallavotti–Cohen symmetry): counting the heat Q from the hot bath into the system,
    # P(Q)/P(−Q) → e^{(β_c − β_h)Q}, so the scaled CGF obeys θ(χ) = θ(−χ − (β_c − β_h)).
    # Here for two coupled, detuned qubits with a global bath on each (a coherent H).
    s1, s2 = np.kron(SM, np.eye(2)), np.kron(np.eye(2), SM)
    H2 = (
        1.0 * s1.conj().T @ s1
        + 1.3 * s2.conj().T @ s2
        + 0.2 * (s1.conj().T @ s2 + s2.conj().T @ s1)
    )
    hot, cold = Bath(2.0, 0.05), Bath(0.5, 0.07)
    ch = global_dissipators(H2, s1 + s1.conj().T, hot)
    cc = global_dissipators(H2, s2 + s2.conj().T, cold)
    affinity = 1 / cold.temperature - 1 / hot.temperature

    def theta(chi: float) -> float:
        ev = np.linalg.eigvals(tilted_generator(H2, ch + cc, ch, chi))
        return float(ev[np.argmax(ev.real)].real)

    assert theta(0.0) == pytest.approx(0.0, abs=1e-13)
    for chi in (-0.4, 0.3, 0.7, 1.1):
        assert theta(chi) == pytest.approx(theta(-chi - affinity), abs=1e-12)
    # θ(−A) = 0 too: the mirror of χ = 0; and the current flows hot → cold (J_h > 0)
    assert theta(-affinity) == pytest.approx(0.0, abs=1e-12)
    st = heat_statistics(H2, ch + cc, ch)
    assert st.current > 0


def test_heat_statistics_refuses_a_bad_quantum_or_a_nan_entropy_production() -> None:
    ch, cc, _hot, _cold = _two_bath_qubit()
    for q in (0.0, -1.0):
        with pytest.raises(InvalidParameterError, match="quantum"):
            heat_statistics(H, ch + cc, ch, quantum=q)
    with pytest.raises(InvalidParameterError, match="entropy_production"):
        heat_statistics(H, ch + cc, ch, entropy_production=float("nan"))
    # σ = +∞ (a bath at T = 0 taking heat) is allowed: the TUR ratio is +∞
    st = heat_statistics(H, ch + cc, ch, entropy_production=float("inf"))
    assert st.current > 0 and st.noise > 0
    assert st.tur_ratio == float("inf")
