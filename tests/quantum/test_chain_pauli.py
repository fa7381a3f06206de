"""The chain's Hamiltonian by Walsh–Hadamard transforms against CSR and the exact evolution.

PauliOperator (ssbattery.quantum.chain_pauli) applies H_charge = H_g + ωΣσx (eqs. 11, 14)
on the full 2^N space as D_z + W D_x W + Q† D_y Q, from σ+σ− + h.c. = ½(XX + YY) and
X = H_1 Z H_1, Y = S X S† per qubit. References: the CSR matrices of
``build_operators(symmetric=False)`` entry by entry (the same basis: index = bit string),
Z(s) = Σ g_ij z_i z_j summed pair by pair, the streaming operator (every term at its bit
offset), and the exact evolution (``Eigh`` on the CSR sectors).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.battery import default_times
from ssbattery.quantum.chain_charging import (
    charge_matrix_free,
    matrix_free_chain,
    matrix_free_memory,
)
from ssbattery.quantum.chain_pauli import (
    PauliOperator,
    pauli_cheaper,
    pauli_operator,
    zz_table,
)
from ssbattery.quantum.chain_stream import StreamOperator, mirrored_couplings
from ssbattery.quantum.evolution import Chebyshev, Eigh
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    charge_spin_chain,
    couplings,
)

T = default_times(2.0, 400)

# (tile bits, panel bits, L1 bits): the defaults, and small ones under which every path
# runs (levels in L1 blocks and over the tile, radix 2 and 4, the lowest bits written out,
# panels of one and of many columns, a single tile)
BLOCKINGS = [(None, None, None), (3, 4, 1), (2, 3, 0), (4, 6, 2), (1, 2, 1), (5, 5, 3)]


def _pauli(p: SpinChainParameters, blocking: tuple) -> PauliOperator:
    tb, pb, lb = blocking
    return pauli_operator(
        p.n_sites,
        couplings(p),
        transverse=p.charging,
        anisotropy=p.anisotropy,
        tile_bits=tb,
        panel_bits=pb,
        l1_bits=lb,
    )


@pytest.mark.parametrize(
    ("n", "interaction", "periodic"),
    [(6, "lr", False), (7, "nn", False), (8, "lr", True), (9, "nn", True)],
)
@pytest.mark.parametrize("blocking", BLOCKINGS)
def test_equals_csr_entry_by_entry(
    n: int, interaction: str, periodic: bool, blocking: tuple
) -> None:
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    H = _pauli(p, blocking)
    ref = build_operators(p, symmetric=False).H_charge.toarray()
    np.testing.assert_allclose(H.toarray(), ref, rtol=0, atol=1e-12)
    X = np.zeros((2**n, 2**n))
    s = np.arange(2**n)
    for i in range(n):
        X[s ^ (1 << i), s] = 1.0
    np.testing.assert_allclose(H.without_flips().toarray(), ref - p.charging * X, atol=1e-12)
    np.testing.assert_array_equal(H.flips_only().toarray(), X)


def test_zz_table_pair_by_pair() -> None:
    G = np.triu(np.random.default_rng(2).standard_normal((13, 13)), 1)
    s = np.arange(2**13)
    z = 1.0 - 2.0 * ((s[:, None] >> np.arange(13)) & 1)
    ref = np.einsum("si,ij,sj->s", z, G, z)
    np.testing.assert_allclose(zz_table(13, G), ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("blocking", [(None, None, None), (3, 5, 2)])
def test_complex_recurrence_and_pieces(threads: int, blocking: tuple) -> None:
    # complex columns, real kets, the fused step out = H2·x − prev with H2 = (H − a)·s, the
    # expectation, and H_g + diag as a streaming operator; 1 and 2 numba threads
    p = SpinChainParameters(10, anisotropy=0.3, interaction="lr", periodic=False)
    tb, pb, lb = blocking
    H = pauli_operator(
        10, couplings(p), transverse=p.charging, anisotropy=0.3, threads=threads,
        tile_bits=tb, panel_bits=pb, l1_bits=lb,
    )  # fmt: skip
    ops = build_operators(p, symmetric=False)
    A = ops.H_charge
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2**10, 3)) + 1j * rng.standard_normal((2**10, 3))
    prev = rng.standard_normal((2**10, 3)) + 1j * rng.standard_normal((2**10, 3))
    np.testing.assert_allclose(H @ x, A @ x, rtol=0, atol=1e-11)
    r = rng.standard_normal(2**10)
    np.testing.assert_allclose(H @ r, A @ r, rtol=0, atol=1e-11)
    assert np.isrealobj(H @ r)
    H2 = H.scaled(1.5, 0.25)
    out = np.empty_like(x)
    H2.recurrence_step(x, prev, out, threads=threads)
    np.testing.assert_allclose(out, 0.25 * (A @ x - 1.5 * x) - prev, rtol=0, atol=1e-12)
    outr = np.empty_like(r)
    H2.recurrence_step(r, r, outr)
    np.testing.assert_allclose(outr, 0.25 * (A @ r - 1.5 * r) - r, rtol=0, atol=1e-12)
    v = np.ascontiguousarray(x[:, 0])
    assert float(H.expect(v)) == pytest.approx(float(np.vdot(v, A @ v).real), rel=1e-12)
    extra = rng.standard_normal(2**10)
    M = H.without_flips().plus_diagonal(extra)
    assert isinstance(M, StreamOperator)
    Hg = A.toarray() - p.charging * H.flips_only().toarray()
    np.testing.assert_allclose(M.toarray(), Hg + np.diag(extra), rtol=0, atol=1e-12)
    assert H.table_bytes >= 8 * 2**10
    with pytest.raises(InvalidParameterError, match="rows"):
        _ = H @ np.ones(5)


def _close(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-13 * np.abs(want).max())


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("blocking", [(None, None, None), (3, 4, 1), (4, 6, 2)])
def test_fed_recurrence_steps(threads: int, blocking: tuple) -> None:
    # feeds_next: pass C also runs the next product's pass A on each out tile, and the next
    # step on that out skips its own; the Chebyshev recurrence T_(k+1) = H2 T_k − T_(k−1)
    # in a ring of three vectors, as the engine runs it, against the CSR H_charge
    p = SpinChainParameters(9, anisotropy=0.4, interaction="lr", periodic=False)
    H2 = _pauli(p, blocking).scaled(0.7, 0.05)  # (H − 0.7)·0.05
    H2.threads = min(threads, numba.config.NUMBA_NUM_THREADS)
    A = build_operators(p, symmetric=False).H_charge
    A2 = 0.05 * (A - 0.7 * sp.identity(2**9))
    rng = np.random.default_rng(8)
    ring = np.zeros((3, 2**9), dtype=complex)
    ring[0] = rng.standard_normal(2**9) + 1j * rng.standard_normal(2**9)
    ref = ring.copy()
    for j in range(10):
        H2.recurrence_step(ring[j % 3], ring[(j - 1) % 3], ring[(j + 1) % 3], feeds_next=True)
        ref[(j + 1) % 3] = A2 @ ref[j % 3] - ref[(j - 1) % 3]
        assert H2.primed
        _close(ring, ref)
    # a step on another vector than the primed one ignores the work vectors
    x = rng.standard_normal(2**9) + 0.5j
    out = np.empty_like(x)
    H2.recurrence_step(x, ring[0], out)
    assert not H2.primed
    _close(out, A2 @ x - ring[0])
    # any plain product in between (here the measurement's H @ v) drops the prime
    H2.recurrence_step(ring[0], ring[1], ring[2], feeds_next=True)
    _close(H2 @ ring[2], A2 @ ring[2])
    assert not H2.primed
    H2.recurrence_step(ring[2], ring[0], ring[1])
    _close(ring[1], A2 @ ring[2] - ring[0])
    # real vectors are applied as complex ones: no prime
    r = rng.standard_normal(2**9)
    outr = np.empty_like(r)
    H2.recurrence_step(r, r, outr, feeds_next=True)
    assert not H2.primed
    _close(outr, A2 @ r - r)


def test_routing_and_memory() -> None:
    # long range: transforms (163 streaming terms per state at N = 24 against ≈ 70);
    # nearest neighbours: bit offsets (36.5)
    assert pauli_cheaper(24, 24, 276)
    assert not pauli_cheaper(24, 24, 23)
    lr = SpinChainParameters(10, anisotropy=0.5, interaction="lr")
    nn = SpinChainParameters(10, anisotropy=0.5, interaction="nn")
    assert isinstance(matrix_free_chain(lr, operator="streaming").H_charge, PauliOperator)
    assert isinstance(matrix_free_chain(nn, operator="streaming").H_charge, StreamOperator)
    big = SpinChainParameters(24, anisotropy=0.5, interaction="lr")
    t = default_times(2.0, 400)
    est = matrix_free_memory(big, t, operator="streaming")
    parts = dict(est.phases["evolving"])
    # Z(s), BΣσz, |GS⟩, the measured diagonal and two complex work vectors: 64 bytes each
    assert parts["Z(s), BΣσz, |GS⟩, transforms' work"] == 64 * 2**24
    nn_parts = dict(
        matrix_free_memory(SpinChainParameters(24), t, operator="streaming").phases["evolving"]
    )
    assert nn_parts["diagonals, BΣσz, |GS⟩"] == 40 * 2**24
    with pytest.raises(InvalidParameterError, match="n_sites"):
        pauli_operator(0, np.zeros((0, 0)))
    with pytest.raises(InvalidParameterError, match="couplings"):
        pauli_operator(3, np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("n", "interaction", "periodic", "memory_mb"),
    [(10, "lr", False, 0.6), (10, "lr", False, 64.0), (9, "lr", True, 0.6)],
)
def test_evolution_equals_exact(n: int, interaction: str, periodic: bool, memory_mb: float) -> None:
    # the whole charging (eqs. 12–14) through the transforms: complex restarts in blocks
    # (0.6 MB, the N = 24 path) and one real expansion (64 MB), against eigh
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    assert isinstance(matrix_free_chain(p, operator="streaming").H_charge, PauliOperator)
    ref = charge_spin_chain(p, T, method=Eigh(), operator="csr", refine=False)
    method = Chebyshev(tol=1e-13, memory_mb=memory_mb)
    got = charge_matrix_free(p, T, method, refine=False, operator="streaming")
    scale = np.abs(ref.energy).max()
    np.testing.assert_allclose(got.energy, ref.energy, rtol=0, atol=1e-10 * scale)
    assert got.power_max == pytest.approx(ref.power_max, rel=1e-10)


def test_outputs_on_the_half_equal_exact() -> None:
    # the mirrored site order (only the couplings are permuted) with the outputs on the
    # reflection-even half, as the N = 24 run: against eigh, and P_max refined as its
    p = SpinChainParameters(10, anisotropy=0.5, interaction="lr")
    chain = matrix_free_chain(p, operator="streaming")
    assert chain.half is not None and isinstance(chain.H_charge, PauliOperator)
    G = mirrored_couplings(couplings(p))
    ref_h = pauli_operator(10, G, transverse=p.charging, anisotropy=0.5)
    x = np.random.default_rng(5).standard_normal(2**10) * (1 + 0.5j)
    np.testing.assert_allclose(chain.H_charge @ x, ref_h @ x, rtol=0, atol=1e-12)
    method = Chebyshev(tol=1e-13, memory_mb=18 * 16 * 2**10 / 2**20)
    polished = charge_spin_chain(p, T, method=Eigh(), operator="csr")
    got = charge_matrix_free(p, T, method, operator="streaming")
    np.testing.assert_allclose(
        got.energy, polished.energy, rtol=0, atol=1e-10 * np.abs(polished.energy).max()
    )
    assert got.power_max == pytest.approx(polished.power_max, rel=1e-10)
    assert got.t_power_max == pytest.approx(polished.t_power_max, rel=1e-8)


def test_thread_counts_agree() -> None:
    p = SpinChainParameters(12, anisotropy=0.5, interaction="lr", periodic=True)
    x = np.random.default_rng(6).standard_normal(2**12) * (1 - 0.2j)
    one = _pauli(p, (5, 7, 3))
    one.threads = 1
    two = _pauli(p, (5, 7, 3))
    two.threads = min(2, numba.config.NUMBA_NUM_THREADS)
    np.testing.assert_allclose(one @ x, two @ x, rtol=0, atol=1e-12)
