"""The Lindblad engine and the baths: analytic systems, QuTiP cross-checks, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import qutip as qt
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError, ValidityWarning
from ssbattery.quantum.evolution import Expm, ExpmMultiply
from ssbattery.thermal import (
    Bath,
    check_local_validity,
    cycle_map,
    entropy_production,
    evolve_density,
    expm_and_integral,
    fixed_point,
    global_dissipators,
    heat_currents,
    liouvillian,
    local_dissipators,
    occupation,
    propagator,
    steady_state,
    thermal_state,
    unitary_superoperator,
    unvec,
    vec,
)

SM = np.array([[0, 1], [0, 0]], dtype=complex)  # σ⁻ in the basis (|g⟩, |e⟩)
I2 = np.eye(2)


def two_qubits(w0: float = 1.0, lam: float = 0.2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eq. 15 of the review: H = ω0(σ⁺₁σ⁻₁ + σ⁺₂σ⁻₂) − λ(σ⁺₁σ⁻₂ + h.c.)."""
    s1, s2 = np.kron(SM, I2), np.kron(I2, SM)
    H = w0 * (s1.conj().T @ s1 + s2.conj().T @ s2) - lam * (s1.conj().T @ s2 + s2.conj().T @ s1)
    return H, s1, s2


def oscillator(n: int, w: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
    return w * a.conj().T @ a, a


def test_vec_convention_is_column_stacking() -> None:
    rng = np.random.default_rng(0)
    A, X, B = (rng.normal(size=(3, 3)) for _ in range(3))
    assert np.allclose(vec(A @ X @ B), np.kron(B.T, A) @ vec(X))
    assert np.allclose(unvec(vec(X)), X)


def test_damped_qubit_matches_closed_form() -> None:
    # Decay of |1⟩ at rate γ: p_1(t) = e^{−γt}; coherence decays at γ/2 and rotates at ω.
    w, g = 1.3, 0.4
    H = np.diag([0.0, w]).astype(complex)
    lower = np.array([[0, 1], [0, 0]], dtype=complex)
    psi = np.array([1, 1]) / np.sqrt(2)
    t = np.linspace(0, 5, 11)
    tr = evolve_density(H, [np.sqrt(g) * lower], psi, t)
    assert tr.states is not None
    assert np.allclose(tr.states[:, 1, 1].real, 0.5 * np.exp(-g * t), atol=1e-13)
    assert np.allclose(tr.states[:, 0, 1], 0.5 * np.exp(-g * t / 2 + 1j * w * t), atol=1e-13)


def test_global_baths_have_the_gibbs_state_as_steady_state() -> None:
    # Detailed balance of the Davies generator: steady state = e^{−H/T}/Z to 1e-12.
    H, s1, _ = two_qubits(1.0, 0.3)
    for T in (0.2, 1.0, 5.0):
        c = global_dissipators(H, s1 + s1.conj().T, Bath(T, 0.1))
        assert np.max(np.abs(steady_state(H, c) - thermal_state(H, T))) < 1e-12
    Hn, a = oscillator(12, 1.0)
    c = global_dissipators(Hn, a + a.conj().T, Bath(0.8, 0.2, spectral_exponent=1.0))
    assert np.max(np.abs(steady_state(Hn, c) - thermal_state(Hn, 0.8))) < 1e-12
    cf = global_dissipators(H, s1 + s1.conj().T, Bath(0.6, 0.1, statistics="fermi"))
    assert np.max(np.abs(steady_state(H, cf) - thermal_state(H, 0.6))) < 1e-12


def test_steady_state_and_evolution_agree_with_qutip() -> None:
    H, s1, s2 = two_qubits(1.0, 0.2)
    c = global_dissipators(H, s1 + s1.conj().T, Bath(2.0, 0.05)) + global_dissipators(
        H, s2 + s2.conj().T, Bath(0.5, 0.05)
    )
    ours = steady_state(H, c)
    theirs = qt.steadystate(qt.Qobj(H), [qt.Qobj(x) for x in c]).full()
    assert np.max(np.abs(ours - theirs)) < 1e-8
    rho0 = np.diag([0, 0, 0, 1]).astype(complex)
    t = np.linspace(0, 30, 31)
    n1 = s1.conj().T @ s1
    tr = evolve_density(H, c, rho0, t, e_ops=[n1], store_states=True)
    res = qt.mesolve(
        qt.Qobj(H),
        qt.Qobj(rho0),
        t,
        [qt.Qobj(x) for x in c],
        options={"atol": 1e-12, "rtol": 1e-11},
    )
    assert tr.states is not None
    assert (
        max(np.abs(s.full() - x).max() for s, x in zip(res.states, tr.states, strict=True)) < 1e-8
    )
    # Damped oscillator with a coherent drive (local bath), QuTiP steadystate.
    Hn, a = oscillator(15, 1.0)
    Hd = Hn + 0.3 * (a + a.conj().T)
    cl = local_dissipators(a, 1.0, Bath(0.5, 0.3))
    ref = qt.steadystate(qt.Qobj(Hd), [qt.Qobj(x) for x in cl]).full()
    assert np.max(np.abs(steady_state(Hd, cl) - ref)) < 1e-8


def test_sparse_path_matches_dense_path() -> None:
    Hn, a = oscillator(20, 1.0)
    c = local_dissipators(a, 1.0, Bath(1.0, 0.2))
    rho0 = thermal_state(Hn + 0.5 * (a + a.conj().T), 0.3)
    t = np.linspace(0, 4, 9)
    dense = evolve_density(Hn, c, rho0, t, method=Expm()).states
    sparse = evolve_density(Hn, c, rho0, t, method=ExpmMultiply()).states
    assert dense is not None and sparse is not None
    assert np.max(np.abs(dense - sparse)) < 1e-10


@settings(max_examples=15, deadline=None)
@given(
    T=st.floats(0.05, 5.0),
    lam=st.floats(0.0, 0.5),
    gamma=st.floats(0.01, 1.0),
    t=st.floats(0.01, 20.0),  # output times increase strictly (one rule for every solver)
)
def test_states_stay_hermitian_unit_trace_positive(
    T: float, lam: float, gamma: float, t: float
) -> None:
    H, s1, s2 = two_qubits(1.0, lam)
    c = global_dissipators(H, s1 + s1.conj().T, Bath(T, gamma)) + local_dissipators(
        s2, 1.0, Bath(0.5 * T, gamma)
    )
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho0 = X @ X.conj().T
    rho0 /= np.trace(rho0)
    tr = evolve_density(H, c, rho0, [0.0, t / 2, t])
    assert tr.states is not None
    for r in tr.states:
        assert np.max(np.abs(r - r.conj().T)) < 1e-12
        assert abs(np.trace(r) - 1) < 1e-12
        assert np.min(np.linalg.eigvalsh(r)) > -1e-12


@settings(max_examples=20, deadline=None)
@given(
    Th=st.floats(0.1, 10.0),
    Tc=st.floats(0.05, 10.0),
    lam=st.floats(0.01, 0.6),
    s=st.sampled_from([0.0, 1.0, 3.0]),
)
def test_entropy_production_nonnegative_for_global_baths(
    Th: float, Tc: float, lam: float, s: float
) -> None:
    H, s1, s2 = two_qubits(1.0, lam)
    gh = global_dissipators(H, s1 + s1.conj().T, Bath(Th, 0.05, spectral_exponent=s))
    gc = global_dissipators(H, s2 + s2.conj().T, Bath(Tc, 0.02, spectral_exponent=s))
    rho = steady_state(H, gh + gc)
    J = heat_currents(H, [gh, gc], rho)
    assert abs(J.sum()) < 1e-12  # steady state: first law
    assert entropy_production(J, [Th, Tc]) >= -1e-13
    if Th > Tc:
        assert J[0] >= -1e-13  # heat enters from the hot bath


def test_expm_integral_gives_stroke_heat() -> None:
    # d⟨H⟩/dt integrated = Σ_k Q_k with Q_k = Tr[H D_k(∫ρ dt)] (first law over a stroke).
    H, s1, s2 = two_qubits(1.0, 0.1)
    gh = global_dissipators(H, s1 + s1.conj().T, Bath(3.0, 0.2))
    gc = global_dissipators(H, s2 + s2.conj().T, Bath(0.3, 0.1))
    L = liouvillian(H, gh + gc)
    P, Int = expm_and_integral(L, 7.0)
    assert np.allclose(P, propagator(H, gh + gc, 7.0), atol=1e-12)
    r0 = thermal_state(H, 1.0)
    r1 = unvec(P @ vec(r0))
    rint = unvec(Int @ vec(r0))
    Q = heat_currents(H, [gh, gc], rint)
    dE = np.trace(H @ (r1 - r0)).real
    assert abs(Q.sum() - dE) < 1e-12


def test_fixed_point_of_cycle_equals_iterated_cycles() -> None:
    H, s1, _ = two_qubits(1.0, 0.2)
    c = global_dissipators(H, s1 + s1.conj().T, Bath(1.0, 0.3))
    U = np.kron(np.array([[0, 1], [1, 0]]), I2)  # σx on qubit 1
    M = cycle_map(propagator(H, c, 1.5), unitary_superoperator(U))
    rho = fixed_point(M)
    v = vec(np.eye(4) / 4)
    for _ in range(400):
        v = M @ v
    assert np.max(np.abs(unvec(v) - rho)) < 1e-12
    assert np.max(np.abs(unvec(M @ vec(rho)) - rho)) < 1e-13


def test_local_form_beyond_validity_warns() -> None:
    # Local baths with λ ≫ γ: the validity check flags the coupling (and the thermodynamics).
    H, s1, s2 = two_qubits(1.0, 0.5)
    bh, bc = Bath(2.0, 0.01), Bath(0.2, 0.01)
    lh, lc = local_dissipators(s1, 1.0, bh), local_dissipators(s2, 1.0, bc)
    rho = steady_state(H, lh + lc)
    with pytest.warns(ValidityWarning, match="inter-site coupling"):
        rep = check_local_validity(H, [(bh, lh), (bc, lc)], rho, inter_site_coupling=0.5)
    assert not rep.valid
    # weak coupling, λ ≪ γ: no warning, heat flows hot → cold.
    H2, _, _ = two_qubits(1.0, 0.001)
    bh2, bc2 = Bath(2.0, 0.1), Bath(0.2, 0.1)
    lh2, lc2 = local_dissipators(s1, 1.0, bh2), local_dissipators(s2, 1.0, bc2)
    rho2 = steady_state(H2, lh2 + lc2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rep2 = check_local_validity(H2, [(bh2, lh2), (bc2, lc2)], rho2, inter_site_coupling=0.001)
    assert rep2.valid and rep2.currents[0] > 0 > rep2.currents[1]


def test_validity_flags_cold_to_hot_flow() -> None:
    # Local baths on detuned qubits (ω1 = 2 with the hot bath, ω2 = 1 with the cold bath):
    # with T_h/ω1 < T_c/ω2 the local steady state moves excitations, hence heat, from the
    # cold to the hot bath (Levy & Kosloff, EPL 107, 20004 (2014)); flagged.
    s1, s2 = np.kron(SM, I2), np.kron(I2, SM)
    lam = 0.05
    H = (
        2.0 * s1.conj().T @ s1
        + 1.0 * s2.conj().T @ s2
        - lam * (s1.conj().T @ s2 + s2.conj().T @ s1)
    )
    bh, bc = Bath(1.0, 0.1), Bath(0.9, 0.1)
    lh, lc = local_dissipators(s1, 2.0, bh), local_dissipators(s2, 1.0, bc)
    rho = steady_state(H, lh + lc)
    rep = check_local_validity(H, [(bh, lh), (bc, lc)], rho, inter_site_coupling=lam, warn=False)
    assert any("cold bath" in m for m in rep.issues)
    assert any("negative entropy" in m for m in rep.issues)
    assert rep.entropy_production < 0


def test_occupations() -> None:
    assert np.isclose(occupation(1.0, 1.0), 1 / (np.e - 1))
    assert np.isclose(occupation(1.0, 1.0, "fermi"), 1 / (np.e + 1))
    assert occupation(1.0, 0.0) == 0.0
    b = Bath(0.7, 0.3)
    down, up = b.down_up_rates(1.1)
    assert np.isclose(up / down, np.exp(-1.1 / 0.7))


def test_bad_input_raises_our_errors() -> None:
    H, _, _ = two_qubits()
    with pytest.raises(InvalidParameterError, match="temperature"):
        Bath(-1.0, 0.1)
    with pytest.raises(InvalidParameterError, match="rate"):
        Bath(1.0, -0.1)
    with pytest.raises(InvalidParameterError, match="`H` is not Hermitian"):
        liouvillian(H + 0.1j * np.triu(np.ones((4, 4)), 1), [])
    with pytest.raises(InvalidParameterError, match=r"c_ops\[0\]"):
        liouvillian(H, [np.eye(3)])
    with pytest.raises(InvalidParameterError, match="not unique"):
        steady_state(H, [])
    with pytest.raises(InvalidParameterError, match="rho0"):
        evolve_density(H, [], np.eye(4), [0, 1])
    with pytest.raises(InvalidParameterError, match="times"):
        evolve_density(H, [], np.eye(4) / 4, [1, 0])
    with pytest.raises(InvalidParameterError, match="`t`"):
        propagator(H, [], -1.0)


def test_eigenbasis_block_propagator_equals_plain_expm() -> None:
    # Davies generators split into blocks in the eigenbasis of H; exponentiating the blocks
    # and rotating back must give the same map as one dense expm.
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 6)) + 1j * rng.normal(size=(6, 6))
    H = X + X.conj().T
    S = rng.normal(size=(6, 6))
    c = global_dissipators(H, S + S.T, Bath(0.7, 0.3))
    plain = propagator(H, c, 2.3)
    blocks = propagator(H, c, 2.3, eigenbasis=True)
    assert np.max(np.abs(plain - blocks)) < 1e-12
    Hn, a = oscillator(10, 1.0)
    cn = global_dissipators(Hn, a + a.conj().T, Bath(1.0, 0.2))
    assert (
        np.max(np.abs(propagator(Hn, cn, 3.0) - propagator(Hn, cn, 3.0, eigenbasis=True))) < 1e-12
    )
