"""The open battery's generator: the cached unit-term tables against the block-by-block
build, and the real form on Hermitian states against the complex generator.

Reference: the block operators of Chase & Geremia, PRA 78, 052101 (2008) / Shammah et
al., PRA 98, 063815 (2018), App. A, assembled one block at a time (the path above
``TABLE_LIMIT``, itself checked against brute-force ``mesolve`` in test_open_dicke.py):
L = Σ_t c_t L_t is linear in the Hamiltonian's coefficients and the rates, so the two
must agree to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

import ssbattery.quantum.open.liouvillian as liouvillian
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.open import (
    CollectiveHamiltonian,
    Dissipation,
    PILiouvillian,
    initial_state,
    pi_space,
)
from ssbattery.quantum.open.liouvillian import hamiltonian_term

CASES = [
    # (N, photon levels, Hamiltonian, noise): a cavity with every local process, the
    # classical drive, η and a drive on a cavity at a bath temperature
    (
        4,
        9,
        dict(coupling=0.25),
        Dissipation(cavity_loss=0.1, decay=0.05, pumping=0.02, dephasing=0.05),
    ),
    (10, 1, dict(drive=2.0), Dissipation(dephasing=0.1, decay=0.03)),
    (
        3,
        6,
        dict(coupling=0.3, eta=0.4, drive=0.3),
        Dissipation(cavity_loss=0.1, collective_decay=0.2, decay=0.1, bath_temperature=0.7),
    ),
    (5, 4, dict(coupling=0.2), Dissipation(cavity_loss=0.2, collective_decay=0.1)),
]


def _parts(n, levels, ham_kw, diss):
    rates = diss.jump_rates(omega_a=1.0, omega_cav=1.0)
    space = pi_space(n, levels, local=rates.local, fix="-")
    return space, CollectiveHamiltonian(n, **ham_kw), rates


@pytest.mark.parametrize("case", CASES)
def test_tabled_generator_equals_the_block_build(case, monkeypatch):
    space, ham, rates = _parts(*case)
    tabled = PILiouvillian(space, ham, rates, assemble=True)
    assert tabled.provenance() == "assembled CSR (unit-term tables)"
    monkeypatch.setattr(liouvillian, "TABLE_LIMIT", 0)
    blocks = PILiouvillian(space, ham, rates, assemble=True)
    assert blocks.provenance() == "assembled CSR"
    A, B = tabled.to_sparse(), blocks.to_sparse()
    scale = abs(B).max()
    assert abs(A - B).max() <= 1e-14 * scale
    assert tabled.spectral_extent() == pytest.approx(blocks.spectral_extent(), rel=1e-10)
    R, d = blocks.spectral_extent()
    assert abs(tabled.chebyshev_matrix(R, d) - blocks.chebyshev_matrix(R, d)).max() <= 1e-14 * (
        2 * scale / R
    )


def test_hamiltonian_is_the_sum_of_its_terms():
    """H = ωc a†a + ωa Jz + 2ωc g Jx(a + a†) + (η/N) Jz² + Ω Jx (eqs. 8–9) from the unit
    terms, against the operators written out here."""
    ham = CollectiveHamiltonian(3, omega_a=1.3, omega_cav=0.7, coupling=0.2, eta=0.5, drive=0.4)
    j, nl = 1.5, 4
    d = 4
    m = np.arange(d) - j
    jp = np.diag(np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1)), -1)
    jx = 0.5 * (jp + jp.T)
    a = np.diag(np.sqrt(np.arange(1, nl)), 1)
    eye_c, eye_s = np.eye(nl), np.eye(d)
    want = (
        0.7 * np.kron(a.T @ a, eye_s)
        + 1.3 * np.kron(eye_c, np.diag(m))
        + 2 * 0.7 * 0.2 * np.kron(a + a.T, jx)
        + (0.5 / 3) * np.kron(eye_c, np.diag(m * m))
        + 0.4 * np.kron(eye_c, jx)
    )
    np.testing.assert_allclose(ham.block(j, nl).toarray(), want, atol=1e-15)
    np.testing.assert_allclose(hamiltonian_term("coupling", j, nl).toarray(), np.kron(a + a.T, jx))


@pytest.mark.parametrize("case", CASES)
def test_real_form_is_the_generator_on_hermitian_states(case):
    """S_r x = C S T x for a random Hermitian state x (in the parity sector where L keeps
    it): the real form reproduces the complex product entry by entry."""
    space, ham, rates = _parts(*case)
    L = PILiouvillian(space, ham, rates, assemble=True)
    R, d = L.spectral_extent()
    form, S_r = L.real_form(R, d)
    S = L.chebyshev_matrix(R, d)
    rng = np.random.default_rng(3)
    x = rng.standard_normal(S_r.shape[0])
    y = form.expand(x)
    for rho in space.blocks(y):  # Hermitian blocks
        D = rho.shape[0] * rho.shape[1]
        M = rho.reshape(D, D)
        np.testing.assert_allclose(M, M.conj().T, atol=0)
    np.testing.assert_allclose(form.compress(y), x, atol=0)
    want = np.asarray(S @ y)
    np.testing.assert_allclose(form.expand(S_r @ x), want, atol=1e-13 * np.abs(want).max())
    parity = "jx" not in dict(ham.terms(space.n_levels)) and space.n_levels > 1
    assert (S_r.shape[0] < 0.6 * space.size) is parity  # the even sector is about half
    if parity:  # the charging runs' initial state lies in the sector
        y0 = initial_state(space, 2)
        np.testing.assert_array_equal(form.expand(form.compress(y0)), y0)


def test_large_spaces_build_blocks_on_first_use():
    """Above TABLE_LIMIT the generator is not tabled, and the fused kernel path needs no
    assembled matrix."""
    p = DickeParameters(8, 0.2, photon_cutoff=10)
    rates = Dissipation(decay=0.1).jump_rates(omega_a=1.0, omega_cav=1.0)
    space = pi_space(8, 11, local=True, fix="-")
    assert space.size > liouvillian.TABLE_LIMIT
    L = PILiouvillian(space, CollectiveHamiltonian(8, coupling=p.coupling), rates, assemble=False)
    assert L.provenance().startswith("fused kernel")
    assert not L.assembled
