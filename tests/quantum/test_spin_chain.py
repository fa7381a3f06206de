"""The XXZ spin-chain battery (review §2.3.8–2.3.9, eqs. 10–14, Fig. 14)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.errors import InvalidParameterError, ResourceLimitError
from ssbattery.quantum.battery import charge, default_times
from ssbattery.quantum.evolution import Chebyshev, ExpmMultiply
from ssbattery.quantum.operators import site_operator
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    anisotropy_sweep,
    build_operators,
    charge_spin_chain,
    couplings,
    ground_state_energy,
    independent_spins_energy,
    independent_spins_power_max,
)

FIG14 = SpinChainParameters(n_sites=4, field=3.0, charging=12.0, coupling=3.0, decay=1.0)


def _kron_operators(p: SpinChainParameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eqs. 10, 11, 14 written literally with σ_i^a = I⊗…⊗σ^a⊗…⊗I (an independent check)."""
    n = p.n_sites
    G = couplings(p)
    sx = [site_operator("x", i, n) for i in range(n)]
    sy = [site_operator("y", i, n, real=False) for i in range(n)]
    sz = [site_operator("z", i, n) for i in range(n)]
    Hg = sp.csr_array((2**n, 2**n), dtype=complex)
    for i in range(n):
        for j in range(i + 1, n):
            pair = sz[i] @ sz[j] + p.anisotropy * (sx[i] @ sx[j] + sy[i] @ sy[j])
            Hg = Hg - 0.25 * G[i, j] * pair
    H0 = p.field * sum(sz) + Hg
    Hc = Hg + p.charging * sum(sx)
    psi0 = np.zeros(2**n)
    psi0[-1] = 1.0  # |↓↓…↓⟩ is the last Kronecker basis state (|↓⟩ is the second)
    return H0.toarray(), Hc.toarray(), psi0


@settings(max_examples=15, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=6),
    alpha=st.floats(min_value=-1.0, max_value=1.0),
    kind=st.sampled_from(["nn", "lr"]),
    periodic=st.booleans(),
    decay=st.floats(min_value=0.5, max_value=3.0),
)
def test_eq12_state_is_the_ground_state(
    n: int, alpha: float, kind: str, periodic: bool, decay: float
) -> None:
    # Eq. 12: E_GS = −NB − ¼Σg_ij is the lowest eigenvalue of H0 for B > 0, g ≥ 0, |α| ≤ 1.
    p = SpinChainParameters(
        n_sites=n, anisotropy=alpha, interaction=kind, periodic=periodic, decay=decay
    )
    ops = build_operators(p, symmetric=False)
    e0 = np.linalg.eigvalsh(ops.H0.toarray())[0]
    assert ground_state_energy(p) == pytest.approx(e0, abs=1e-10)
    assert float(ops.psi0 @ ops.H0 @ ops.psi0) == pytest.approx(e0, abs=1e-10)


def test_operators_match_the_literal_kronecker_construction() -> None:
    p = replace(FIG14, n_sites=5, anisotropy=0.3, interaction="lr", periodic=True)
    H0k, Hck, psik = _kron_operators(p)
    t = default_times(0.5, 40)
    ref = charge(H0k, Hck, psik, t)
    for symmetric in (False, True):
        ops = build_operators(p, symmetric=symmetric)
        # The sector's spectrum is part of the full one.
        full = np.linalg.eigvalsh(H0k)
        sector = np.linalg.eigvalsh(ops.H0.toarray())
        assert np.max(np.min(np.abs(sector[:, None] - full[None, :]), axis=1)) < 1e-10
        assert sector[0] == pytest.approx(full[0], abs=1e-10)
        res = charge_spin_chain(p, t, symmetric=symmetric, refine=False)
        np.testing.assert_allclose(res.energy, ref.energy, rtol=1e-10, atol=1e-10)
    # Sector sizes: periodic, R-even with k = 0: the 8 two-colour bracelets of 5 beads
    # (OEIS A000029); open, R-even: (2^5 + 2^3)/2 = 20 states. For odd N no orbit is fixed
    # by an element F·g (it would map popcount k to N − k), so each flip parity holds half.
    assert [b.dim for b in build_operators(p).sectors] == [4, 4]
    assert [b.dim for b in build_operators(replace(p, periodic=False)).sectors] == [10, 10]


def test_periodic_sector_matches_full_space_for_a_longer_chain() -> None:
    p = replace(FIG14, n_sites=8, anisotropy=-0.4, interaction="lr", decay=1.5, periodic=True)
    t = default_times(0.4, 60)
    full = charge_spin_chain(p, t, symmetric=False, refine=False)
    small = charge_spin_chain(p, t, refine=False)
    np.testing.assert_allclose(small.energy, full.energy, rtol=1e-10, atol=1e-10)
    # 8-bead two-colour bracelets: 30 (OEIS A000029), in both flip parities together.
    assert build_operators(p).H0.shape == (30, 30)


@pytest.mark.parametrize("kind, periodic", [("nn", False), ("lr", False), ("nn", True)])
def test_isotropic_chain_charges_like_independent_spins(kind: str, periodic: bool) -> None:
    # α = 1: W(t) = 2NB sin²(ωt) and P_max = 2NBω sin²y*/y*, tan y* = 2y* (see spin_chain.py).
    p = replace(FIG14, n_sites=6, interaction=kind, periodic=periodic)
    res = charge_spin_chain(p, t_max=1.0, steps=200)
    np.testing.assert_allclose(
        res.energy, independent_spins_energy(p, res.times), rtol=1e-10, atol=1e-10
    )
    p_max, t_star = independent_spins_power_max(p)
    assert res.power_max == pytest.approx(p_max, rel=1e-10)
    assert res.t_power_max == pytest.approx(t_star, rel=1e-5)
    # For N = 6, B = 3, ω = 12: 2·6·3·12·sin²(1.16556)/1.16556 = 313.0321…
    assert p_max == pytest.approx(313.03210, rel=1e-6)
    # Pure state charged from the ground state: ergotropy = W (eq. 7).
    np.testing.assert_allclose(res.ergotropy, res.energy, atol=1e-9)


def test_fig14_ratios() -> None:
    # Fig. 14 (N = 4, B = 3, ω = 4B, g = B, p = 1): P_max(α)/P_max(α = 1) grows as α
    # falls from 1 to −1, more for long-range couplings. Numbers measured with this code
    # (refined P_max, 400-point grid up to t = 2; stable to 1e-9 under grid changes).
    sweep = anisotropy_sweep(FIG14, [-1.0, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(sweep.ratio["nn"], [1.206832, 1.082020, 1.034788, 1.0], atol=2e-6)
    np.testing.assert_allclose(sweep.ratio["lr"], [1.341110, 1.135006, 1.054610, 1.0], atol=2e-6)
    assert sweep.power_max["nn"][-1] == pytest.approx(sweep.independent_power_max, rel=1e-10)
    # A finer grid does not move the refined ratio.
    fine = anisotropy_sweep(FIG14, [-1.0], interactions=("lr",), t_max=1.0, steps=1000)
    assert fine.ratio["lr"][0] == pytest.approx(sweep.ratio["lr"][0], rel=1e-9)


def test_chebyshev_engine_agrees_on_a_larger_chain() -> None:
    # N = 10: 528 states in the reflection sector, so the default is the Chebyshev engine.
    p = replace(FIG14, n_sites=10, anisotropy=0.5)
    t = default_times(0.5, 100)
    fast = charge_spin_chain(p, t, refine=False, method=Chebyshev())
    ref = charge_spin_chain(p, t, refine=False, method=ExpmMultiply())
    np.testing.assert_allclose(fast.energy, ref.energy, rtol=1e-10, atol=1e-9)


def test_anisotropy_sweep_names_the_alphas_the_user_gave() -> None:
    # the errors had named the scan's `sweep.anisotropy[k]`, an index into its deduplicated
    # list (with α = 1 appended), not the caller's `alphas`; text had been a bare ValueError
    with pytest.raises(
        InvalidParameterError, match=r"`alphas\[2\]` = 1.5 is refused: .*\[-1.0, 1.0\]"
    ):
        anisotropy_sweep(FIG14, [0.5, 0.5, 1.5])
    with pytest.raises(InvalidParameterError, match=r"`alphas\[1\]` = nan is refused"):
        anisotropy_sweep(FIG14, [1.0, float("nan")])
    with pytest.raises(InvalidParameterError, match="`alphas` must be an array of numbers"):
        anisotropy_sweep(FIG14, ["x", 1.0])


def test_bad_parameters_are_refused_with_their_names() -> None:
    with pytest.raises(InvalidParameterError, match="`n_sites`"):
        SpinChainParameters(n_sites=0)
    with pytest.raises(InvalidParameterError, match="`field`"):
        SpinChainParameters(field=-1.0)
    with pytest.raises(InvalidParameterError, match="`anisotropy`"):
        SpinChainParameters(anisotropy=1.5)
    with pytest.raises(InvalidParameterError, match="`interaction`"):
        SpinChainParameters(interaction="xy")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="`coupling`"):
        SpinChainParameters(coupling=-1.0)
    with pytest.raises(InvalidParameterError, match="`t_max`"):
        charge_spin_chain(FIG14, t_max=-1.0)
    # 30 spins: refused before allocating, with the size it would need.
    with pytest.raises(ResourceLimitError, match="GiB"):
        build_operators(SpinChainParameters(n_sites=30))
