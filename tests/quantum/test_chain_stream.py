"""The streaming full-space operator against the CSR matrices and the exact evolution.

StreamOperator applies H_charge = H_g + ωΣσx (eqs. 11, 14) on the full 2^N space with every
term at a fixed bit offset (ssbattery.quantum.chain_stream). References: the CSR matrices
of ``build_operators(symmetric=False)`` entry by entry, Σσx written out from its definition
(⟨s'|σx_i|s⟩ = 1 for s' = s XOR 2^i), the exact evolution (``Eigh`` on the CSR sectors) and,
for α = 1, the independent-spin law W(t) = 2NB sin²(ωt) (ssbattery.quantum.spin_chain).
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.battery import default_times
from ssbattery.quantum.chain_charging import (
    charge_matrix_free,
    choose_operator,
    matrix_free_chain,
    matrix_free_memory,
    matrix_free_method,
    mirrors,
)
from ssbattery.quantum.chain_stream import (
    MirrorEvenOperator,
    MirrorHalf,
    StreamOperator,
    mirrored_couplings,
    stream_operator,
)
from ssbattery.quantum.evolution import Chebyshev, Eigh
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    charge_spin_chain,
    couplings,
    independent_spins_energy,
    sector_dim,
)

T = default_times(2.0, 400)


def _stream(p: SpinChainParameters, tile_bits: int = 13) -> StreamOperator:
    return stream_operator(
        p.n_sites,
        couplings(p),
        transverse=p.charging,
        anisotropy=p.anisotropy,
        tile_bits=tile_bits,
    )


@pytest.mark.parametrize(
    ("n", "interaction", "periodic"),
    [(4, "nn", False), (7, "lr", False), (8, "nn", True), (9, "lr", True)],
)
@pytest.mark.parametrize("tile_bits", [1, 2, 3, 13])
def test_equals_csr_entry_by_entry(
    n: int, interaction: str, periodic: bool, tile_bits: int
) -> None:
    # tile_bits 1–3: every term kind (inside a tile, straddling, across tiles) is exercised.
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    H = _stream(p, tile_bits)
    ref = build_operators(p, symmetric=False).H_charge.toarray()
    np.testing.assert_allclose(H.toarray(), ref, rtol=0, atol=1e-13)
    X = np.zeros((2**n, 2**n))
    s = np.arange(2**n)
    for i in range(n):
        X[s ^ (1 << i), s] = 1.0
    np.testing.assert_array_equal(H.flips_only().toarray(), X)
    np.testing.assert_allclose(H.without_flips().toarray(), ref - p.charging * X, atol=1e-13)


def test_complex_and_recurrence_step() -> None:
    p = SpinChainParameters(10, anisotropy=0.3, interaction="lr")
    H = _stream(p, tile_bits=5)
    A = build_operators(p, symmetric=False).H_charge
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2**10, 3)) + 1j * rng.standard_normal((2**10, 3))
    prev = rng.standard_normal((2**10, 3)) + 1j * rng.standard_normal((2**10, 3))
    np.testing.assert_allclose(H @ x, A @ x, rtol=0, atol=1e-11)
    H2 = H.scaled(1.5, 0.25)
    out = np.empty_like(x)
    H2.recurrence_step(x, prev, out, threads=2)
    np.testing.assert_allclose(out, 0.25 * (A @ x - 1.5 * x) - prev, rtol=0, atol=1e-12)
    v = np.ascontiguousarray(x[:, 0])
    assert float(H.expect(v)) == pytest.approx(float(np.vdot(v, A @ v).real), rel=1e-12)
    with pytest.raises(InvalidParameterError, match="rows"):
        _ = H @ np.ones(5)


@pytest.mark.parametrize(
    ("n", "interaction", "periodic", "memory_mb"),
    [
        (10, "nn", False, 64.0),  # one real expansion for all 400 times
        (10, "lr", False, 0.6),  # complex restarts in blocks (the N = 24 path)
        (9, "nn", True, 64.0),
    ],
)
def test_evolution_equals_exact(n: int, interaction: str, periodic: bool, memory_mb: float) -> None:
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    ref = charge_spin_chain(p, T, method=Eigh(), operator="csr", refine=False)
    method = Chebyshev(tol=1e-13, memory_mb=memory_mb)
    got = charge_spin_chain(p, T, method=method, operator="streaming", refine=False)
    assert got.diagnostics["operator"] == "streaming"
    scale = np.abs(ref.energy).max()
    np.testing.assert_allclose(got.energy, ref.energy, rtol=0, atol=1e-10 * scale)
    assert got.power_max == pytest.approx(ref.power_max, rel=1e-10)


def test_independent_spins_closed_form() -> None:
    # α = 1: W(t) = 2NB sin²(ωt) exactly (SU(2)-invariant Hg), here on the full space.
    p = SpinChainParameters(11, anisotropy=1.0, interaction="lr")
    got = charge_spin_chain(p, T, operator="streaming", symmetric=False, refine=False)
    np.testing.assert_allclose(got.energy, independent_spins_energy(p, T), rtol=0, atol=1e-9)


def test_chain_pieces_on_the_full_space() -> None:
    p = SpinChainParameters(8, anisotropy=0.5)
    chain = matrix_free_chain(p, operator="streaming", mirror=False)
    ops = build_operators(p, symmetric=False)
    assert chain.dim == 2**8
    np.testing.assert_array_equal(chain.psi0, ops.psi0)  # |↓…↓⟩ = string 0
    rng = np.random.default_rng(8)
    psi = rng.standard_normal(chain.dim) + 1j * rng.standard_normal(chain.dim)
    ref = float(np.vdot(psi, ops.H0 @ psi).real)
    assert chain.h0_expect(psi) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("tile_bits", [1, 3, 13])
def test_fused_expectation(tile_bits: int) -> None:
    # ⟨ψ|A|ψ⟩ = Re ψ†(Aψ) with Aψ the CSR product, for H_charge, H_g, Σσx and H_g + diag,
    # one reduction pass (Aψ never stored); a complex ket, a real one, and (n, 2) columns.
    p = SpinChainParameters(9, anisotropy=0.5, interaction="lr")
    H = _stream(p, tile_bits)
    A = build_operators(p, symmetric=False).H_charge
    rng = np.random.default_rng(5)
    d = rng.standard_normal(2**9)
    psi = rng.standard_normal(2**9) + 1j * rng.standard_normal(2**9)
    X = np.stack([psi, psi.real + 0j], axis=1)
    assert float(H.expect(psi)) == pytest.approx(float(np.vdot(psi, A @ psi).real), rel=1e-12)
    for op in (H.without_flips(), H.flips_only(-2.0), H.without_flips().plus_diagonal(d)):
        ref = np.einsum("nm,nm->m", X.conj(), op @ X).real
        np.testing.assert_allclose(op.expect(X), ref, rtol=1e-12)
        assert float(op.expect(psi.real)) == pytest.approx(float(psi.real @ (op @ psi.real)))


@pytest.mark.parametrize("mirror", [False, True])
@pytest.mark.parametrize("interaction", ["nn", "lr"])
def test_energy_through_the_fused_measure(interaction: str, mirror: bool) -> None:
    # E = ⟨H0⟩ (eq. 13) through the fused measure: H_g + BΣσz (NN) or, with ⟨H_charge⟩
    # conserved, ⟨H_charge⟩ − ω⟨Σσx⟩ + B⟨Σσz⟩ (LR: fewer terms than H_g), against CSR H0;
    # in the mirrored site order the same ket has its entries at the mirrored strings.
    p = SpinChainParameters(8, anisotropy=0.5, interaction=interaction)
    chain = matrix_free_chain(p, operator="streaming", mirror=mirror)
    assert chain.measure is not None and chain.measure[1] == (interaction == "lr")
    assert (chain.half is not None) == mirror
    ops = build_operators(p, symmetric=False)
    psi = np.random.default_rng(9).standard_normal(2**8) * (1 + 0.5j)
    ref = float(np.vdot(psi, ops.H0 @ psi).real)
    charge = float(np.vdot(psi, ops.H_charge @ psi).real)
    v = psi[_mirror_index(8)] if mirror else psi
    assert chain.h0_expect(v, charge) == pytest.approx(ref, rel=1e-12)
    assert chain.h0_expect(v) == pytest.approx(ref, rel=1e-12)


def test_auto_choice_and_memory() -> None:
    for interaction in ("nn", "lr"):
        big = SpinChainParameters(24, anisotropy=0.5, interaction=interaction)
        # CSR does not fit at N = 24; streaming's product is modelled cheaper than the sectors'.
        assert choose_operator(big, T) == "streaming"
        est = matrix_free_memory(
            big, T, method=matrix_free_method(big, T, operator="streaming"), operator="streaming"
        )
        assert est.peak_bytes <= 8e9  # the 8 GB (estimate, nothing built here)
        # outputs on the reflection-even half: one full complex vector outside the
        # Chebyshev budget (the block's starting state), three without the mirror
        for mirror, vectors in ((None, 1), (False, 3)):
            parts = dict(
                matrix_free_memory(big, T, operator="streaming", mirror=mirror).phases["evolving"]
            )
            assert parts["measuring an output"] == vectors * 16 * 2**24
    assert choose_operator(SpinChainParameters(12), T) == "csr"
    # periodic N = 24: the momentum sector is 48× smaller than 2^N and CSR fits
    assert choose_operator(SpinChainParameters(24, periodic=True), T) == "csr"
    assert choose_operator(SpinChainParameters(12), T, "streaming") == "streaming"


def test_errors_and_resume(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = SpinChainParameters(9, anisotropy=0.5, interaction="lr")
    with pytest.raises(InvalidParameterError, match="Chebyshev"):
        charge_spin_chain(p, T, operator="streaming", method=Eigh())
    with pytest.raises(InvalidParameterError, match="tile_bits"):
        stream_operator(4, np.zeros((4, 4)), tile_bits=0)
    with pytest.raises(InvalidParameterError, match="couplings"):
        stream_operator(4, np.zeros((3, 3)))
    method = Chebyshev(tol=1e-13, memory_mb=0.3)
    whole = charge_matrix_free(p, T, method, refine=False, operator="streaming")
    ckpt = tmp_path / "run.npz"
    result = None
    while result is None:
        result = charge_matrix_free(
            p, T, method, refine=False, checkpoint=ckpt, stop_after_s=0.0, operator="streaming"
        )
    np.testing.assert_allclose(result.energy, whole.energy, rtol=0, atol=1e-10)
    # a sector run's checkpoint is another basis: refused
    with pytest.raises(InvalidParameterError, match="another run"):
        charge_matrix_free(p, T, method, checkpoint=ckpt)


@pytest.mark.parametrize(("n", "interaction", "periodic"), [(9, "lr", False), (10, "nn", True)])
def test_two_passes_equal_the_csr_product(n: int, interaction: str, periodic: bool) -> None:
    # Tiles for the low bits + panels for the bits ≥ split: every split, several panel
    # widths (0: one double per row), tiles smaller and larger than a panel, real and
    # complex vectors, the fused recurrence and the fused expectation, 1 and 2 threads.
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    A = build_operators(p, symmetric=False).H_charge
    rng = np.random.default_rng(11)
    x = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    prev = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    ref, ref_e = A @ x - prev, float(np.vdot(x, A @ x).real)
    for split in range(1, n):
        for panel_bits, tile_bits in ((0, 2), (3, 4), (5, 13)):
            H = stream_operator(
                n,
                couplings(p),
                transverse=p.charging,
                anisotropy=p.anisotropy,
                tile_bits=tile_bits,
                split=split,
                panel_bits=panel_bits,
            )
            out = np.empty_like(x)
            H.recurrence_step(x, prev, out, threads=1 + split % 2)
            np.testing.assert_allclose(out, ref, rtol=0, atol=1e-11)
            np.testing.assert_allclose(H @ x.real, A @ x.real, rtol=0, atol=1e-11)
            assert float(H.expect(x)) == pytest.approx(ref_e, rel=1e-12)
    with pytest.raises(InvalidParameterError, match="split"):
        stream_operator(4, np.zeros((4, 4)), split=4)
    with pytest.raises(InvalidParameterError, match="panel_bits"):
        stream_operator(4, np.zeros((4, 4)), panel_bits=13)


def _mirror_index(n: int) -> np.ndarray:
    # string s of the mirrored order → the same spins in the chain's order: bit k < N/2 is
    # site k, bit N/2 + k is site N − 1 − k (written out bit by bit)
    s = np.arange(2**n)
    own = np.zeros(2**n, dtype=np.int64)
    for k in range(n):
        site = k if k < n // 2 else n - 1 - (k - n // 2)
        own |= ((s >> k) & 1) << site
    return own


@pytest.mark.parametrize(("interaction", "periodic"), [("nn", False), ("lr", False), ("nn", True)])
def test_mirrored_order_and_its_half(interaction: str, periodic: bool) -> None:
    n = 8
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    assert mirrors(p) and not mirrors(SpinChainParameters(7))
    own = _mirror_index(n)
    ref = build_operators(p, symmetric=False).H_charge.toarray()
    H = stream_operator(n, mirrored_couplings(couplings(p)), transverse=p.charging, anisotropy=0.5)
    np.testing.assert_allclose(H.toarray(), ref[np.ix_(own, own)], rtol=0, atol=1e-13)
    # the reflection is the swap of the halves (a, c) → (c, a) and commutes with H
    s = np.arange(2**n)
    side = 2 ** (n // 2)
    swap = (s >> (n // 2)) | ((s % side) << (n // 2))
    np.testing.assert_allclose(H.toarray()[np.ix_(swap, swap)], H.toarray(), atol=1e-13)
    # the half holds a reflection-even state exactly, in the sector's dimension
    half = MirrorHalf(n)
    assert half.size == sector_dim(n, True, False) == side * (side + 1) // 2
    rng = np.random.default_rng(2)
    psi = rng.standard_normal(2**n) + 1j * rng.standard_normal(2**n)
    psi = psi + psi[swap]
    h = half.reduce(psi)
    np.testing.assert_array_equal(half.expand(h), psi)
    assert np.linalg.norm(psi) ** 2 == pytest.approx(
        2 * np.vdot(h, h).real - sum(abs(psi[c * side + c]) ** 2 for c in range(side))
    )
    for m in (2, 6, 14):  # one row, one block of rows, two blocks (the threads' pairs)
        side_m = 2 ** (m // 2)
        Z = rng.standard_normal((side_m, side_m)) + 1j * rng.standard_normal((side_m, side_m))
        Z = Z + Z.T
        h_m = MirrorHalf(m).reduce(Z.ravel())
        np.testing.assert_array_equal(h_m, np.concatenate([Z[c, c:] for c in range(side_m)]))
        np.testing.assert_array_equal(MirrorHalf(m).expand(h_m), Z.ravel())
    with pytest.raises(InvalidParameterError, match="even"):
        MirrorHalf(7)
    with pytest.raises(InvalidParameterError, match="even"):
        mirrored_couplings(np.zeros((5, 5)))


@pytest.mark.parametrize(
    ("n", "interaction", "periodic", "tile_bits"),
    [(8, "nn", False, 1), (10, "nn", False, None), (10, "lr", False, 3), (8, "nn", True, 13)],
)
def test_half_terms_on_even_states_equal_the_csr_product(
    n: int, interaction: str, periodic: bool, tile_bits: int | None
) -> None:
    # On a reflection-even ket X (a symmetric matrix in the mirrored order), H X = ½(Y + Yᵀ)
    # with Y = D∘X + 2·X L + C X (the low bits' terms doubled, the cross pairs once), and
    # ⟨X|H|X⟩ = ⟨X|Y⟩: against the permuted CSR H_charge and H0 (1e-12), the recurrence
    # step H X − prev exactly symmetric, on complex and real kets, 1 and 2 threads.
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    own = _mirror_index(n)
    ops = build_operators(p, symmetric=False)
    A = ops.H_charge[own][:, own]
    H = stream_operator(
        n,
        mirrored_couplings(couplings(p)),
        transverse=p.charging,
        anisotropy=0.5,
        tile_bits=tile_bits,
    )
    E = MirrorEvenOperator(H)
    half = MirrorHalf(n)
    rng = np.random.default_rng(11)
    for phase in (1 + 0.4j, 1.0):  # a complex ket, a real one
        x = half.expand(rng.standard_normal(half.size) * phase)
        prev = half.expand(rng.standard_normal(half.size) * phase.conjugate())
        for threads in (1, 2):
            out = np.empty_like(x)
            E.recurrence_step(x, prev, out, threads=threads)
            ref = A @ x - prev
            np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
            np.testing.assert_array_equal(half.expand(half.reduce(out)), out)
        np.testing.assert_allclose(E @ x, A @ x, rtol=0, atol=1e-12 * np.abs(A @ x).max())
        assert float(E.expect(x)) == pytest.approx(float(np.vdot(x, A @ x).real), rel=1e-12)
    # the scaled operator (the engine's H2) on the same terms
    x = half.expand(rng.standard_normal(half.size) + 0j)
    np.testing.assert_allclose(E.scaled(1.5, 0.25) @ x, 0.25 * (A @ x - 1.5 * x), atol=1e-12)
    # the energy through the half terms (the evolved states' measure) against CSR H0
    chain = matrix_free_chain(p, operator="streaming")
    H0 = ops.H0[own][:, own]
    charge = float(np.vdot(x, A @ x).real)
    for e in (chain.h0_expect(x, charge, even=True), chain.h0_expect(half.reduce(x), charge)):
        assert e == pytest.approx(float(np.vdot(x, H0 @ x).real), rel=1e-12)


@pytest.mark.parametrize("n", [2, 4, 8, 10, 12])
def test_expectation_read_from_the_half(n: int) -> None:
    # ⟨ψ|M|ψ⟩ for M = −ωΣσx + BΣσz (the long-range chain's conserved-energy measure) read
    # from the triangle of a reflection-even ψ (rows assembled in blocks of 16: sides 2 to
    # 64 cover a block larger than the side, equal and smaller), against the CSR matrix
    # on the expanded ket (1e-12), on 1 and 2 threads; an operator with pairs refuses.
    p = SpinChainParameters(n, field=3.0, charging=12.0, anisotropy=0.5, interaction="lr")
    own = _mirror_index(n)
    ops = build_operators(p, symmetric=False)
    half = MirrorHalf(n)
    H = stream_operator(n, mirrored_couplings(couplings(p)), transverse=12.0, anisotropy=0.5)
    z = 1.0 - 2.0 * ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1)
    M = MirrorEvenOperator(H.flips_only(-12.0).plus_diagonal(3.0 * z.sum(1)))
    assert M.reads_half and not MirrorEvenOperator(H).reads_half
    # the reference as CSR in the mirrored order: ωΣσx = H_charge(ω) − H_charge(ω = 0)
    # (eq. 14), the diagonal BΣσz on the same strings
    no_drive = SpinChainParameters(n, field=3.0, charging=0.0, anisotropy=0.5, interaction="lr")
    X = ops.H_charge[own][:, own] - build_operators(no_drive, symmetric=False).H_charge[own][:, own]
    ref_op = -X + np.diag(3.0 * z.sum(1))
    rng = np.random.default_rng(n)
    h = rng.standard_normal(half.size) + 1j * rng.standard_normal(half.size)
    psi = half.expand(h)
    ref = float(np.vdot(psi, ref_op @ psi).real)
    for threads in (1, 2):
        M.threads = threads
        assert M.expect_half(h) == pytest.approx(ref, rel=1e-12)
    assert M.expect_half(h) == pytest.approx(float(M.expect(psi)), rel=1e-13)
    with pytest.raises(InvalidParameterError, match="entries"):
        M.expect_half(h[:-1])
    with pytest.raises(InvalidParameterError, match="flips only"):
        MirrorEvenOperator(H).expect_half(h)


def test_half_terms_need_a_mirror_symmetric_operator() -> None:
    # the chain's own site order: the middle bond's mirror image is missing; an asymmetric
    # diagonal; an odd chain
    p = SpinChainParameters(8, anisotropy=0.5)
    with pytest.raises(InvalidParameterError, match="mirror-symmetric"):
        MirrorEvenOperator(stream_operator(8, couplings(p), transverse=1.0, anisotropy=0.5))
    H = stream_operator(8, mirrored_couplings(couplings(p)), transverse=1.0, anisotropy=0.5)
    MirrorEvenOperator(H)
    d = np.zeros(2**8)
    d[1] = 1.0  # string (a, c) = (1, 0) without its mirror image (0, 1)
    with pytest.raises(InvalidParameterError, match="diagonal"):
        MirrorEvenOperator(H.plus_diagonal(d))
    with pytest.raises(InvalidParameterError, match="even"):
        MirrorEvenOperator(stream_operator(7, np.zeros((7, 7)), transverse=1.0))


@pytest.mark.parametrize(
    ("n", "interaction", "periodic"), [(10, "nn", False), (10, "lr", False), (8, "lr", True)]
)
def test_outputs_on_the_half_equal_exact(n: int, interaction: str, periodic: bool) -> None:
    # Memory for ≈ 18 full complex vectors: complex blocks whose outputs stay on the
    # reflection-even half. Same energies as the exact evolution (1e-10), and fewer
    # products than the full-space outputs at the same memory (longer blocks).
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    ref = charge_spin_chain(p, T, method=Eigh(), operator="csr", refine=False)
    method = Chebyshev(tol=1e-13, memory_mb=18 * 16 * 2**n / 2**20)
    got = charge_matrix_free(p, T, method, refine=False, operator="streaming")
    scale = np.abs(ref.energy).max()
    np.testing.assert_allclose(got.energy, ref.energy, rtol=0, atol=1e-10 * scale)
    assert got.power_max == pytest.approx(ref.power_max, rel=1e-10)
    chain = matrix_free_chain(p, operator="streaming")
    assert chain.half is not None
    psi = np.random.default_rng(4).standard_normal(2**n) * (1 - 0.3j)
    sym = chain.half.expand(chain.half.reduce(psi))  # a reflection-even state
    assert chain.h0_expect(chain.half.reduce(psi)) == pytest.approx(chain.h0_expect(sym))
    full = charge_matrix_free(p, T[:80], method, refine=False, operator="streaming", mirror=False)
    part = charge_matrix_free(p, T[:80], method, refine=False, operator="streaming")
    np.testing.assert_allclose(part.energy, full.energy, rtol=0, atol=1e-10 * scale)
    assert part.diagnostics["products [1]"] < 0.8 * full.diagnostics["products [1]"]
    # P_max polished by the refinement (single steps through the half) as the exact one's
    polished = charge_spin_chain(p, T, method=Eigh(), operator="csr")
    got = charge_matrix_free(p, T, method, operator="streaming")
    assert got.power_max == pytest.approx(polished.power_max, rel=1e-10)
    assert got.t_power_max == pytest.approx(polished.t_power_max, rel=1e-8)


def test_reduced_plan_is_the_least_modelled_work() -> None:
    # The reduced blocks are planned over all of a call's outputs (dynamic programming):
    # against every partition of 9 outputs into blocks (2^8 of them, each block with its
    # best group size) the plan's modelled work is the minimum; at the sizes of the open
    # N = 24 NN run (r ≈ 294, 5434 MB, segments of 24 outputs) it covers a segment with
    # one block of 24 (66 products) where choosing block by block took 20 + 4 (80: the
    # whole run 1346 products, 3.37 per output, q11i).
    from itertools import combinations, pairwise
    from types import SimpleNamespace

    from ssbattery.quantum.evolution import chebyshev as ch

    n, nr, r, t0 = 2**10, 2**9 + 2**4, 40.0, 0.3
    ts = t0 + 0.05 * np.arange(1, 10)
    method = Chebyshev(tol=1e-12, memory_mb=(3 * n + 12 * nr) * 16 / 1024**2)
    plan = ch.reduced_plan(r, ts, t0, 1e-12, 19.0 * n, SimpleNamespace(size=nr), method, n)
    assert all(M + G <= 12 for M, G in plan)  # the memory holds 12 reduced vectors
    got, _ = ch.reduced_work(r, ts, t0, 1e-12, 19.0 * n, nr, plan)
    best = np.inf
    for cuts in range(9):
        for c in combinations(range(1, 9), cuts):
            blocks, k = [], 0
            for M in (b - a for a, b in pairwise([0, *c, 9])):
                sub, start = ts[k : k + M], t0 if k == 0 else ts[k - 1]
                fits = [G for G in ch.STREAM_GROUPS if M + G <= 12]
                if not fits:
                    break
                work = [ch.reduced_work(r, sub, start, 1e-12, 19.0 * n, nr, [(M, G)]) for G in fits]
                blocks.append((M, fits[int(np.argmin([w[0] for w in work]))]))
                k += M
            if k == 9:
                best = min(best, ch.reduced_work(r, ts, t0, 1e-12, 19.0 * n, nr, blocks)[0])
    assert got == pytest.approx(best, rel=1e-12)
    with pytest.raises(InvalidParameterError, match="cover 8 of 9"):
        ch.reduced_work(r, ts, t0, 1e-12, 19.0 * n, nr, [(8, 4)])
    n, nr = 2**24, 2**23 + 2**11
    big = Chebyshev(tol=1e-12, memory_mb=5434.18)
    seg = 0.005 * np.arange(25, 49)
    plan = ch.reduced_plan(294.0, seg, 0.12, 1e-12, 19.0 * n, SimpleNamespace(size=nr), big, n)
    assert plan == [(24, 8)]
    assert ch.reduced_work(294.0, seg, 0.12, 1e-12, 19.0 * n, nr, plan)[1] == 66
