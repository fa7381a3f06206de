"""Our NumPy two-site TDVP (quantum/tdvp.py): the MPO against the dense Hamiltonian, the
Lanczos exponential, and the charging run against the exact sector evolution."""

from __future__ import annotations

import pickle
from functools import reduce

import numpy as np
import pytest
import scipy.linalg as sla

from ssbattery.quantum.mps import TDVP, chain_channels, charge_spin_chain_mps
from ssbattery.quantum.spin_chain import SpinChainParameters, charge_spin_chain, couplings
from ssbattery.quantum.tdvp import TDVPState, chain_mpo, expm_krylov, mpo_expectation
from ssbattery.quantum.tebd import product_state

SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, -1j], [1j, 0]])
SZ = np.diag([1.0, -1.0]).astype(complex)


def _dense_chain(p: SpinChainParameters) -> np.ndarray:
    """Hg + ωΣσx by Kronecker products (eqs. 11 and 13; basis ↑, ↓ per site)."""
    N = p.n_sites

    def site(op: np.ndarray, i: int) -> np.ndarray:
        return reduce(np.kron, [op if k == i else np.eye(2) for k in range(N)])

    G = couplings(p)
    H = sum(p.charging * site(SX, i) for i in range(N))
    for i in range(N):
        for j in range(i + 1, N):
            a = p.anisotropy
            pair = site(SZ, i) @ site(SZ, j) + a * (
                site(SX, i) @ site(SX, j) + site(SY, i) @ site(SY, j)
            )
            H = H - 0.25 * G[i, j] * pair
    return np.asarray(H)


def _mpo_dense(mpo: list[np.ndarray]) -> np.ndarray:
    M = mpo[0][0]  # (w, s', s)
    for W in mpo[1:]:
        M = np.einsum("apq,abst->bpsqt", M, W).reshape(W.shape[1], M.shape[1] * 2, -1)
    return M[0]


@pytest.mark.parametrize(
    "params",
    [
        SpinChainParameters(n_sites=5, anisotropy=0.5, interaction="lr"),
        SpinChainParameters(n_sites=5, anisotropy=-0.7, interaction="nn"),
        SpinChainParameters(n_sites=5, anisotropy=0.3, interaction="lr", periodic=True),
    ],
)
def test_exact_mpo_equals_the_dense_hamiltonian(params: SpinChainParameters) -> None:
    channels, err = chain_channels(params, None)
    mpo = chain_mpo([params.charging * SX] * params.n_sites, channels)
    assert err == 0.0
    assert np.allclose(_mpo_dense(mpo), _dense_chain(params), atol=1e-12)


def test_exponential_fit_mpo_is_close_to_the_dense_hamiltonian() -> None:
    p = SpinChainParameters(n_sites=6, anisotropy=0.5, interaction="lr")
    channels, err = chain_channels(p, 4)
    H = _dense_chain(p)
    diff = np.linalg.norm(_mpo_dense(chain_mpo([p.charging * SX] * 6, channels)) - H, 2)
    # the couplings are off by ≤ err relative, so ‖ΔH‖ ≤ err · ¾ Σ g_ij (‖pair‖ ≤ 3)
    assert 0 < err < 1e-5
    assert diff <= err * 0.75 * couplings(p).sum() * 1.0001


def test_krylov_exponential_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 30)) + 1j * rng.normal(size=(30, 30))
    H = (X + X.conj().T) / 10
    v = rng.normal(size=30) + 0j
    out = expm_krylov(lambda x: H @ x, v, -0.7j, tol=1e-13)
    assert np.allclose(out, sla.expm(-0.7j * H) @ v, atol=1e-11)


def test_tdvp_matches_the_exact_long_range_evolution() -> None:
    # LR p = 1, N = 6, α = 0.5, t ≤ 0.2, D = 8 (no truncation). Measured max|ΔW|/Wmax:
    # 1.08e-7 at dt = 0.01, 1.31e-8 at dt = 0.005 (ratio 8.2: at least 2nd order)
    p = SpinChainParameters(n_sites=6, anisotropy=0.5, interaction="lr")
    ex = charge_spin_chain(p, t_max=0.2, steps=20, refine=False, tol=1e-13)
    errs = []
    for dt in (0.01, 0.005):
        res = charge_spin_chain_mps(p, t_max=0.2, steps=20, method=TDVP(bond_dim=8, dt=dt))
        errs.append(float(np.max(np.abs(res.energy - ex.energy)) / ex.energy_max))
    assert errs[0] < 3e-7 and errs[0] / errs[1] > 3.5
    assert res.power_max == pytest.approx(ex.power_max, rel=1e-7)


def test_tdvp_state_pickles_without_its_environments() -> None:
    p = SpinChainParameters(n_sites=4, anisotropy=0.5, interaction="lr")
    channels, _ = chain_channels(p, None)
    mpo = chain_mpo([p.charging * SX] * 4, channels)
    state = TDVPState(product_state([1] * 4), mpo, 4)
    state.step(0.01)
    copy = pickle.loads(pickle.dumps(state))
    assert "left" not in state.__getstate__()
    copy.step(0.01)
    state.step(0.01)
    e = mpo_expectation(state.tensors, mpo)
    assert mpo_expectation(copy.tensors, mpo) == pytest.approx(e, abs=1e-12)
