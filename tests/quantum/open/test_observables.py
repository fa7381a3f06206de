"""Figures of merit of a permutation-invariant state, vectorised over the output times.

References: the exact integer pairing of :func:`degenerate_passive_energy` (eq. 7 with
the multiplicities C(N, N/2 + m) of the 2^N space; exact integers, the definition), and
the one-time :func:`battery_state` for every field; brute force against ``mesolve`` is in
test_open_dicke.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.quantum.open import pi_space
from ssbattery.quantum.open.observables import (
    battery_state,
    battery_states,
    degenerate_passive_energy,
    passive_energies,
    reduce_state,
    reduction_matrix,
)


@pytest.mark.parametrize(
    ("n", "symmetric"),
    [(1, False), (4, False), (9, False), (9, True), (30, False), (52, False), (60, False)],
)
def test_vectorised_passive_energies_equal_the_exact_pairing(n, symmetric):
    """Random spectra (with zeros and tiny negative values, as a numerical spectrum has)
    at 11 times: the float pairing (2^N ≤ 2^52) and the per-time exact fallback (N = 60)
    equal the integer pairing to rounding."""
    space = pi_space(n, 1, local=not symmetric, fix="-")
    rng = np.random.default_rng(n)
    vals = [
        rng.random((11, d)) * (rng.random((11, d)) > 0.3) - 1e-15 * rng.random((11, d))
        for d in space.spin_dims
    ]
    got = passive_energies(vals, space.degeneracies, n, symmetric=symmetric)
    want = [
        degenerate_passive_energy([v[t] for v in vals], space.degeneracies, n, symmetric=symmetric)
        for t in range(11)
    ]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)


def test_ground_state_has_no_passive_energy_above_the_ground_level():
    """All weight on m = −N/2: passive energy −N/2 (units of ωa), whatever the degeneracies."""
    space = pi_space(5, 1, local=True, fix="-")
    vals = [np.zeros((1, d)) for d in space.spin_dims]
    vals[0][0, 0] = 1.0
    assert passive_energies(vals, space.degeneracies, 5)[0] == pytest.approx(-2.5, abs=1e-15)


@pytest.mark.parametrize("levels", [1, 4])
def test_battery_states_equal_the_one_time_records(levels):
    """Every field of the vectorised series equals battery_state at each time (random
    Hermitian, trace-one states), and the sparse reduction equals reduce_state."""
    space = pi_space(4, levels, local=True, fix="-")
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(5):
        y = np.zeros(space.size, dtype=complex)
        for rho, D in zip(space.blocks(y), space.block_dims, strict=True):
            A = rng.standard_normal((D, D)) + 1j * rng.standard_normal((D, D))
            rho[...] = (A @ A.conj().T).reshape(rho.shape)
        y /= sum(
            np.trace(r.reshape(D, D)).real
            for r, D in zip(space.blocks(y), space.block_dims, strict=True)
        )
        r = reduce_state(space, y)
        P = reduction_matrix(space)
        if P is not None:
            np.testing.assert_allclose(P @ y, r, atol=1e-15)
        rows.append(r)
    series = battery_states(space, np.array(rows), 1.3)
    for k, r in enumerate(rows):
        one = battery_state(space, r, 1.3, reduced=True)
        got = series.state(k)
        for field in (
            "energy",
            "ergotropy",
            "incoherent",
            "purity",
            "photons",
            "trace",
            "min_eigenvalue",
            "top_level_population",
        ):
            assert getattr(got, field) == pytest.approx(getattr(one, field), abs=1e-13)
        assert 0.0 <= got.ergotropy <= got.energy + 1e-12
    dark = battery_states(space, np.array(rows), 1.3, ergotropy=False, spectra=False)
    np.testing.assert_allclose(dark.energy, series.energy, atol=0)
    assert np.isnan(dark.min_eigenvalue).all() and np.isnan(dark.ergotropy).all()
