"""Unitary evolution (review eqs. 3–5): against dense expm, norm/trace kept, piecewise."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution import (
    Chebyshev,
    Eigh,
    Evolver,
    Expm,
    ExpmMultiply,
    Lanczos,
    chebyshev_terms,
    evolve,
    evolve_piecewise,
    spectral_bounds,
)


def _random_sparse_hermitian(n: int, seed: int, *, real: bool) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    A = sp.random_array((n, n), density=8.0 / n, rng=rng, format="csr")
    if not real:
        B = sp.random_array((n, n), density=4.0 / n, rng=rng, format="csr")
        A = A + 1j * B
    H = (A + A.conj().T) * 2.0
    return sp.csr_array(H + sp.diags_array(rng.standard_normal(n)))


def _ket(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    psi = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    return psi / np.linalg.norm(psi)


@pytest.mark.parametrize(
    "method",
    [
        Eigh(),
        Chebyshev(tol=1e-13),
        ExpmMultiply(),
        Lanczos(tol=1e-12),
        Lanczos(tol=1e-12, krylov_dim=12, batch=2),  # many short steps, intermediate ones
    ],
)
@pytest.mark.parametrize("real", [True, False])
def test_evolve_matches_dense_expm(method, real: bool) -> None:
    n = 60
    H = _random_sparse_hermitian(n, 1, real=real)
    psi0 = _ket(n, 2)
    times = np.array([0.0, 0.05, 0.3, 0.31, 1.7])
    A = sp.diags_array(np.linspace(-1.0, 1.0, n))
    tr = evolve(H, psi0, times, e_ops=[A, H], method=method, store_states=True)
    Hd = H.toarray()
    for k, t in enumerate(times):
        ref = expm(-1j * Hd * t) @ psi0
        np.testing.assert_allclose(tr.states[k], ref, atol=1e-10)
        assert tr.expect[0, k] == pytest.approx(np.vdot(ref, A @ ref).real, rel=1e-10)
    # The energy is conserved under its own Hamiltonian.
    np.testing.assert_allclose(tr.expect[1], tr.expect[1, 0], rtol=1e-10)
    assert tr.expect.dtype == float


def test_chebyshev_keeps_norm_and_matches_expm_on_a_larger_sparse_h() -> None:
    n = 1500
    H = _random_sparse_hermitian(n, 5, real=True)
    psi0 = _ket(n, 6)
    times = np.linspace(0.02, 3.0, 150)
    norms: list[float] = []
    tr = evolve(
        H,
        psi0,
        times,
        e_ops=[H],
        observer=lambda s, k: norms.append(float(np.linalg.norm(s))),
        method=Chebyshev(tol=1e-13),
    )
    np.testing.assert_allclose(norms, 1.0, atol=1e-11)
    ref = ExpmMultiply()
    tr_ref = evolve(H, psi0, times[-1:], method=ref)
    np.testing.assert_allclose(tr.final_state, tr_ref.final_state, atol=1e-10)


def test_chebyshev_with_little_memory_takes_internal_steps() -> None:
    n = 600
    H = _random_sparse_hermitian(n, 7, real=False)
    psi0 = _ket(n, 8)
    tight = Chebyshev(tol=1e-13, memory_mb=16 * n * 10 / 1024**2)  # 10 vectors only
    tr = evolve(H, psi0, [2.0], method=tight)
    ref = evolve(H, psi0, [2.0], method=ExpmMultiply())
    np.testing.assert_allclose(tr.final_state, ref.final_state, atol=1e-10)


def test_chebyshev_streamed_blocks_match_eigh() -> None:
    # 30 complex vectors for 200 dense output times: blocks of many outputs are expanded
    # without storing their terms (added into the outputs in groups as they are made),
    # so one expansion may have more terms than the memory holds vectors.
    n = 700
    H = _random_sparse_hermitian(n, 11, real=True)
    psi0 = _ket(n, 12)
    times = np.linspace(0.01, 2.0, 200)
    method = Chebyshev(tol=1e-13, memory_mb=16 * n * 30 / 1024**2)
    tr = evolve(H, psi0, times, method=method, store_states=True)
    ref = evolve(H, psi0, times, method=Eigh(), store_states=True)
    np.testing.assert_allclose(tr.states, ref.states, rtol=0, atol=1e-10)
    # Every product counted, and no fewer than the r·t_max a Chebyshev expansion needs.
    lo, hi = spectral_bounds(H)
    assert tr.stats.products is not None and tr.stats.products >= 0.5 * (hi - lo) * 2.0


def test_streamed_outputs_take_only_their_own_terms() -> None:
    # e^{−iHτ}ψ = Σ_k (2 − δ_k0)(−i)^k J_k(rτ) T_k ψ (up to e^{−iaτ}): in a streamed block
    # output j stops at its own K_j = chebyshev_terms(rτ_j, tol) (tail Σ_{k≥K_j} 2|J_k| ≤
    # tol) while later outputs go on, so early outputs must still match the exact
    # propagator to ≈ tol. Memory for 12 complex vectors forces streamed blocks of many
    # outputs; the first outputs of a block need far fewer terms than the last.
    n, tol = 400, 1e-13
    H = _random_sparse_hermitian(n, 21, real=True)
    lo, hi = spectral_bounds(H)
    r = 0.5 * (hi - lo)
    times = np.linspace(0.005, 0.4, 80)
    assert chebyshev_terms(r * times[0], tol) < chebyshev_terms(r * times[-1], tol) / 3
    psi0 = _ket(n, 22)
    method = Chebyshev(tol=tol, memory_mb=16 * n * 12 / 1024**2)
    tr = evolve(H, psi0, times, method=method, store_states=True)
    w, U = np.linalg.eigh(H.toarray())
    exact = np.stack([U @ (np.exp(-1j * w * t) * (U.conj().T @ psi0)) for t in times])
    np.testing.assert_allclose(tr.states, exact, rtol=0, atol=1e-11)


def test_spectral_bounds_contain_the_spectrum() -> None:
    H = _random_sparse_hermitian(2000, 9, real=True)
    lo, hi = spectral_bounds(H)
    from scipy.sparse.linalg import eigsh

    top = eigsh(H, k=1, which="LA", return_eigenvectors=False)[0]
    bottom = eigsh(H, k=1, which="SA", return_eigenvectors=False)[0]
    assert lo <= bottom and top <= hi
    assert hi - lo < 1.1 * (top - bottom)


def test_chebyshev_terms_follow_the_bessel_tail() -> None:
    # Σ_{k≥K} 2|J_k(x)| falls super-exponentially once K > x.
    assert chebyshev_terms(0.0, 1e-12) == 1
    assert 10.0 < chebyshev_terms(10.0, 1e-12) < 40.0
    assert chebyshev_terms(100.0, 1e-12) < 150


def test_density_matrix_evolution_keeps_trace_and_matches_u_rho_u() -> None:
    n = 8
    H = _random_sparse_hermitian(n, 11, real=False).toarray()
    rng = np.random.default_rng(12)
    G = rng.standard_normal((n, 3)) + 1j * rng.standard_normal((n, 3))
    rho0 = G @ G.conj().T
    rho0 /= np.trace(rho0).real
    times = np.array([0.1, 0.9])
    traces: list[complex] = []
    tr = evolve(H, rho0, times, e_ops=[H], observer=lambda r, k: traces.append(np.trace(r)))
    np.testing.assert_allclose(np.real(traces), 1.0, atol=1e-12)
    U = expm(-1j * H * times[-1])
    np.testing.assert_allclose(tr.final_state, U @ rho0 @ U.conj().T, atol=1e-12)
    assert tr.expect[0, 1] == pytest.approx(np.trace(rho0 @ H).real, rel=1e-12)


def test_piecewise_product_equals_sequential_exponentials() -> None:
    # Eq. 3 for a piecewise-constant field: U = e^{−iH_3τ_3} e^{−iH_2τ_2} e^{−iH_1τ_1}.
    n = 10
    Hs = [_random_sparse_hermitian(n, s, real=s % 2 == 0).toarray() for s in (21, 22, 23)]
    taus = [0.3, 0.7, 0.2]
    psi0 = _ket(n, 24)
    tr = evolve_piecewise(list(zip(Hs, taus, strict=True)), psi0)
    ref = psi0
    expected_states = []
    for H, tau in zip(Hs, taus, strict=True):
        ref = expm(-1j * H * tau) @ ref
        expected_states.append(ref)
    np.testing.assert_allclose(tr.final_state, ref, atol=1e-12)
    np.testing.assert_allclose(tr.times, np.cumsum(taus))
    # Output times inside and on the boundaries of the segments.
    seen: dict[int, np.ndarray] = {}
    times = [0.0, 0.3, 0.5, 1.0, 1.2]
    tr2 = evolve_piecewise(
        list(zip(Hs, taus, strict=True)),
        psi0,
        times,
        observer=lambda s, k: seen.setdefault(k, s.copy()),
        e_ops=[np.eye(n)],
    )
    assert sorted(seen) == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(seen[0], psi0, atol=1e-12)
    np.testing.assert_allclose(seen[1], expected_states[0], atol=1e-12)
    np.testing.assert_allclose(seen[3], expected_states[1], atol=1e-12)
    np.testing.assert_allclose(seen[2], expm(-1j * Hs[1] * 0.2) @ expected_states[0], atol=1e-12)
    np.testing.assert_allclose(tr2.expect[0], 1.0, atol=1e-12)


def test_bad_inputs_raise_named_errors() -> None:
    H = np.array([[0.0, 1.0], [0.5, 0.0]])
    with pytest.raises(InvalidParameterError, match="`H` is not Hermitian"):
        evolve(H, [1.0, 0.0], [1.0])
    with pytest.raises(InvalidParameterError, match="`times` must be strictly increasing"):
        evolve(np.eye(2), [1.0, 0.0], [1.0, 0.5])
    with pytest.raises(InvalidParameterError, match="`times` must be ≥ 0"):
        evolve(np.eye(2), [1.0, 0.0], [-1.0])
    with pytest.raises(InvalidParameterError, match="`psi0` must be a ket of length 2"):
        evolve(np.eye(2), [1.0, 0.0, 0.0], [1.0])
    with pytest.raises(InvalidParameterError, match="`H` has NaN"):
        evolve(np.array([[np.nan, 0.0], [0.0, 1.0]]), [1.0, 0.0], [1.0])
    with pytest.raises(InvalidParameterError, match="segments"):
        evolve_piecewise([(np.eye(2), -1.0)], [1.0, 0.0])


@pytest.mark.parametrize("memory_mb", [512.0, 0.5])
def test_real_state_and_real_h_use_one_expansion_or_blocks(memory_mb: float) -> None:
    # A real H and a real ψ(0) take the single-expansion path when it fits in memory
    # (512 MB) and the block path otherwise (0.5 MB): both must match expm to 1e-10.
    n = 800
    H = _random_sparse_hermitian(n, 31, real=True)
    psi0 = np.random.default_rng(32).standard_normal(n)
    psi0 /= np.linalg.norm(psi0)
    times = np.concatenate([[0.0], np.linspace(0.05, 2.0, 40)])
    tr = evolve(
        H,
        psi0,
        times,
        method=Chebyshev(tol=1e-13, memory_mb=memory_mb),
        e_ops=[H],
        store_states=True,
    )
    np.testing.assert_allclose(tr.states[0], psi0, atol=1e-13)
    ref = evolve(H, psi0, times[-1:], method=ExpmMultiply())
    np.testing.assert_allclose(tr.final_state, ref.final_state, atol=1e-10)
    np.testing.assert_allclose(tr.expect[0], tr.expect[0, 0], rtol=1e-11)


def test_bessel_table_matches_scipy() -> None:
    from scipy.special import jv

    from ssbattery.quantum.evolution.chebyshev import bessel_table

    x = np.array([0.0, 1e-9, 0.3, 1.0, 5.0, 50.0, 200.5])
    K = 260
    np.testing.assert_allclose(
        bessel_table(x, K), jv(np.arange(K)[None, :], x[:, None]), atol=1e-14
    )


def test_piecewise_density_matrix_matches_sequential_conjugation() -> None:
    n = 10
    Hs = [_random_sparse_hermitian(n, s, real=False).toarray() for s in (41, 42)]
    taus = [0.4, 0.9]
    rng = np.random.default_rng(43)
    G = rng.standard_normal((n, 2)) + 1j * rng.standard_normal((n, 2))
    rho0 = G @ G.conj().T
    rho0 /= np.trace(rho0).real
    tr = evolve_piecewise(list(zip(Hs, taus, strict=True)), rho0)
    U = expm(-1j * Hs[1] * taus[1]) @ expm(-1j * Hs[0] * taus[0])
    np.testing.assert_allclose(tr.final_state, U @ rho0 @ U.conj().T, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=8),
    seed=st.integers(min_value=0, max_value=2**31 - 1),
    t_end=st.floats(min_value=0.01, max_value=20.0),
)
def test_norm_and_energy_are_kept_for_random_hamiltonians(n: int, seed: int, t_end: float) -> None:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
    H = (A + A.conj().T) / 2
    psi0 = _ket(n, seed + 1)
    times = np.linspace(t_end / 5, t_end, 5)
    norms: list[float] = []
    tr = evolve(
        H, psi0, times, e_ops=[H], observer=lambda s, k: norms.append(float(np.linalg.norm(s)))
    )
    np.testing.assert_allclose(norms, 1.0, atol=1e-12)
    e0 = float(np.vdot(psi0, H @ psi0).real)
    np.testing.assert_allclose(tr.expect[0], e0, atol=1e-10 * max(1.0, abs(e0)))


@pytest.mark.parametrize("real_state", [True, False])
def test_too_tight_spectral_bounds_fall_back_to_gershgorin(real_state: bool) -> None:
    # If the Lanczos estimate missed part of the spectrum, the Chebyshev vectors grow;
    # the engine must notice and redo the work with the (always valid) Gershgorin bounds.
    n = 700
    H = _random_sparse_hermitian(n, 51, real=True)
    lo, hi = spectral_bounds(H)
    solver = Evolver(H, Chebyshev(tol=1e-13), bounds=(0.5 * lo, 0.5 * hi))
    psi0 = np.random.default_rng(52).standard_normal(n) if real_state else _ket(n, 52)
    psi0 = psi0 / np.linalg.norm(psi0)
    times = np.linspace(0.1, 1.0, 10)
    tr = solver.run(psi0, times)
    ref = evolve(H, psi0, times[-1:], method=ExpmMultiply())
    np.testing.assert_allclose(tr.final_state, ref.final_state, atol=1e-10)
    # The fallback widened the solver's bounds past the true spectrum (Gershgorin).
    assert solver.bounds[0] <= lo and solver.bounds[1] >= hi, "the fallback was not used"


@pytest.mark.parametrize("real", [True, False])
def test_lanczos_long_steps_match_expm_on_a_larger_sparse_h(real: bool) -> None:
    # n = 900 > krylov_dim: several Krylov steps, each serving many of the 120 outputs.
    n = 900
    H = _random_sparse_hermitian(n, 61, real=real)
    psi0 = _ket(n, 62)
    times = np.linspace(0.01, 2.0, 120)
    norms: list[float] = []
    tr = evolve(
        H,
        psi0,
        times,
        e_ops=[H],
        observer=lambda s, k: norms.append(float(np.linalg.norm(s))),
        method=Lanczos(tol=1e-12, krylov_dim=40),
        store_states=True,
    )
    E, V = np.linalg.eigh(H.toarray())  # exact e^{−iHt} = V e^{−iEt} V† (one diagonalisation)
    for k in (0, 57, 119):
        ref = V @ (np.exp(-1j * E * times[k]) * (V.conj().T @ psi0))
        np.testing.assert_allclose(tr.states[k], ref, atol=1e-10)
    np.testing.assert_allclose(tr.final_state, tr.states[-1], atol=0)
    np.testing.assert_allclose(norms, 1.0, atol=1e-10)
    np.testing.assert_allclose(tr.expect[0], tr.expect[0, 0], rtol=1e-10)


def test_lanczos_evolves_a_density_matrix_like_u_rho_u() -> None:
    # Several kets (eigenvectors of ρ0) take their own steps; ρ(t) = U ρ0 U† (eq. 5).
    n = 200
    H = _random_sparse_hermitian(n, 71, real=True)
    rng = np.random.default_rng(72)
    G = rng.standard_normal((n, 3)) + 1j * rng.standard_normal((n, 3))
    rho0 = G @ G.conj().T
    rho0 /= np.trace(rho0).real
    times = np.array([0.3, 1.1])
    tr = evolve(H, rho0, times, e_ops=[H], method=Lanczos(tol=1e-12, krylov_dim=30))
    E, V = np.linalg.eigh(H.toarray())
    U = (V * np.exp(-1j * E * times[-1])) @ V.conj().T
    np.testing.assert_allclose(tr.final_state, U @ rho0 @ U.conj().T, atol=1e-10)
    e0 = float(np.trace(rho0 @ H.toarray()).real)
    np.testing.assert_allclose(tr.expect[0], e0, rtol=1e-10)


def test_default_method_follows_the_spread_to_width_ratio() -> None:
    # Above n = 512: Lanczos when H's half-width r exceeds 8 ΔH of ψ(0), else Chebyshev.
    n = 600
    H = _random_sparse_hermitian(n, 81, real=True)
    solver = Evolver(H)
    broad = _ket(n, 82)  # a random ket spreads over the whole spectrum: r/ΔH ≈ 2–3
    assert isinstance(solver.method_for(broad), Chebyshev)
    # A state concentrated near one eigenvector has a tiny spread.
    E, V = np.linalg.eigh(H.toarray())
    narrow = V[:, -1] + 1e-3 * broad
    assert isinstance(solver.method_for(narrow), Lanczos)
    assert isinstance(solver.method_for(None), Chebyshev)  # density matrices
    assert isinstance(Evolver(H[:100, :100]).method_for(broad[:100]), Eigh)
    psi0 = narrow / np.linalg.norm(narrow)
    tr = evolve(H, psi0, [0.5, 1.0])  # the default (Lanczos) to evolve's tol 1e-10
    assert tr.method == Lanczos(tol=1e-10)
    exact = V @ (np.exp(-1j * E) * (V.conj().T @ psi0))
    np.testing.assert_allclose(tr.final_state, exact, atol=1e-9)


def test_lanczos_options_are_validated() -> None:
    with pytest.raises(InvalidParameterError, match="krylov_dim"):
        Lanczos(krylov_dim=1)
    with pytest.raises(InvalidParameterError, match="batch"):
        Lanczos(batch=0)
    with pytest.raises(InvalidParameterError, match="tol"):
        Lanczos(tol=0.0)


def test_loose_chebyshev_tolerance_does_not_trip_the_divergence_check() -> None:
    # Complex state → blocks of outputs, each truncated at tol = 1e-4; their errors add up
    # to a norm change of 1.4e-6, beyond the old fixed 1e-6 divergence check (it raised).
    n = 700
    H = _random_sparse_hermitian(n, 91, real=False)
    psi0 = _ket(n, 92)
    times = np.linspace(0.05, 4.0, 80)
    tr = evolve(H, psi0, times, method=Chebyshev(tol=1e-4))
    ref = evolve(H, psi0, times[-1:], method=ExpmMultiply())
    assert np.linalg.norm(tr.final_state - ref.final_state) < 1e-3  # measured 6.7e-5


@pytest.mark.parametrize("method", [Eigh(), ExpmMultiply(), Chebyshev(), Lanczos()])
def test_tol_together_with_a_method_is_refused(method: object) -> None:
    # Issue 15 §1: evolve(tol=1e-2, method=Eigh()) used to ignore tol silently (the state
    # was bit-identical to tol=1e-12); the tolerance is a setting of the method object.
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="`tol` and `method` were both given"):
        evolve(sx, [1.0, 0.0], [1.0], tol=1e-2, method=method)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="both given"):
        evolve_piecewise([(sx, 1.0)], [1.0, 0.0], tol=1e-2, method=method)  # type: ignore[arg-type]


def test_a_method_that_is_not_a_method_object_is_refused() -> None:
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(InvalidParameterError, match=r"write Eigh\(\)"):
        evolve(sx, [1.0, 0.0], [1.0], method=Eigh)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="must be one of"):
        evolve(sx, [1.0, 0.0], [1.0], method="eigh")  # type: ignore[arg-type]


def test_the_tolerance_of_a_method_object_is_used() -> None:
    # A loose Lanczos tolerance gives a larger error than a tight one (it used to be the
    # method's own tol either way; now there is no other place to give it).
    n = 700
    H = _random_sparse_hermitian(n, 101, real=True)
    psi0 = _ket(n, 102)
    ref = evolve(H, psi0, [1.5], method=ExpmMultiply()).final_state
    loose = evolve(H, psi0, [1.5], method=Chebyshev(tol=1e-3)).final_state
    tight = evolve(H, psi0, [1.5], method=Chebyshev(tol=1e-13)).final_state
    assert np.linalg.norm(tight - ref) < 1e-10 < np.linalg.norm(loose - ref) < 1e-2


def test_evolver_runs_and_steps_like_evolve_and_keeps_its_spectral_data() -> None:
    n = 700
    H = _random_sparse_hermitian(n, 111, real=True)
    psi0 = _ket(n, 112)
    times = np.linspace(0.2, 1.0, 5)
    solver = Evolver(H, Chebyshev(tol=1e-13))
    tr = solver.run(psi0, times, e_ops=[H])
    once = evolve(H, psi0, times, e_ops=[H], method=Chebyshev(tol=1e-13))
    np.testing.assert_array_equal(tr.final_state, once.final_state)
    bounds = solver.bounds
    # Two steps of 0.5 reach the same state as one run to 1.0 (to the tolerance).
    half = solver.step(solver.step(psi0, 0.5), 0.5)
    np.testing.assert_allclose(half, tr.final_state, atol=1e-10)
    assert solver.bounds is bounds  # computed once, reused by every run and step
    lo, hi = bounds
    E = np.linalg.eigvalsh(H.toarray())
    assert lo <= E[0] and E[-1] <= hi
    # A density matrix steps like U ρ U†.
    rho = np.outer(psi0, psi0.conj())
    np.testing.assert_allclose(
        solver.step(rho, 1.0), np.outer(tr.final_state, tr.final_state.conj()), atol=1e-10
    )


def test_trajectory_records_the_method_its_tolerance_and_stats() -> None:
    n = 700
    H = _random_sparse_hermitian(n, 121, real=True)
    psi0 = _ket(n, 122)
    times = np.linspace(0.1, 1.0, 10)
    ref = evolve(H, psi0, times[-1:], method=ExpmMultiply())
    assert ref.stats.products is None and ref.stats.error_estimate is None
    assert ref.stats.steps == 1 and ref.tol is None
    for method in (Chebyshev(tol=1e-12), Lanczos(tol=1e-10, krylov_dim=40)):
        tr = evolve(H, psi0, times, method=method)
        assert tr.method == method and tr.tol == method.tol
        assert tr.stats.steps >= 1 and tr.stats.products is not None
        assert tr.stats.products >= tr.stats.steps
        err = float(np.linalg.norm(tr.final_state - ref.final_state))
        # The estimate is a bound of the right size: above the true error's noise floor,
        # within a few tolerances (Chebyshev: one tail bound per expansion).
        assert tr.stats.error_estimate is not None
        assert err <= max(10 * tr.stats.error_estimate, 1e-12)
        assert tr.stats.error_estimate <= 100 * method.tol
        assert f"{tr.stats.steps} steps" in str(tr)
    small = evolve(np.diag([0.0, 1.0]), [1.0, 0.0], [0.5, 1.0])
    assert small.method == Eigh() and small.stats.steps == 1 and small.stats.products == 0


def test_store_states_default_is_the_same_rule_for_kets_and_density_matrices() -> None:
    # One rule for both solvers: states are kept when nothing else is asked for.
    from ssbattery.quantum.evolution import evolve_density

    H = np.diag([0.0, 1.0])
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])
    times = [0.5, 1.0]
    assert evolve(H, [1.0, 0.0], times).states is not None
    assert evolve(H, [1.0, 0.0], times, e_ops=[H]).states is None
    assert evolve_density(H, [lower], np.diag([0.0, 1.0]), times).states is not None
    assert evolve_density(H, [lower], np.diag([0.0, 1.0]), times, e_ops=[H]).states is None
    both = evolve_density(H, [lower], np.diag([0.0, 1.0]), times, e_ops=[H], store_states=True)
    assert both.states is not None and both.method == Expm()
    # p_1(t) = e^{−t} for decay at rate 1 (the same number from both fields).
    np.testing.assert_allclose(both.expect[0], np.exp(-np.asarray(times)), atol=1e-13)
    np.testing.assert_allclose(both.states[:, 1, 1].real, np.exp(-np.asarray(times)), atol=1e-13)


def test_lindblad_solver_picks_methods_by_type_and_refuses_ket_only_ones() -> None:
    from ssbattery.quantum.evolution import LindbladEvolver, open_methods

    H = np.diag([0.0, 1.0])
    lower = np.array([[0.0, 1.0], [0.0, 0.0]])
    assert set(open_methods().values()) == {Expm, ExpmMultiply}
    rho0 = np.diag([0.0, 1.0])
    for method in (Expm(), ExpmMultiply()):
        tr = LindbladEvolver(H, [lower], method).run(rho0, np.linspace(0.1, 1.0, 4))
        assert tr.method == method
        np.testing.assert_allclose(
            tr.states[:, 1, 1].real, np.exp(-np.linspace(0.1, 1.0, 4)), atol=1e-12
        )
    with pytest.raises(InvalidParameterError, match="propagates kets"):
        LindbladEvolver(H, [lower], Lanczos())  # type: ignore[arg-type]
