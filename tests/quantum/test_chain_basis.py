"""Symmetry-adapted chain bases (reflection, translation, spin flip) against the full space.

Every sector is checked against the 2^N-state construction it replaces: the isometry V of
the sector (V[s, b] = ⟨s|b⟩) must be orthonormal, span the range of the group projector
P_χ = (1/|G|) Σ_g χ(g) U_g built here from explicit site permutations, and carry the full
operators onto the sector's: Vᵀ H V = H_sector (module docstring of
ssbattery.quantum.chain_basis).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from ssbattery.quantum.battery import default_times
from ssbattery.quantum.chain_basis import chain_basis, flip_sectors
from ssbattery.quantum.spin_chain import SpinChainParameters, build_operators, charge_spin_chain


def _permutation(n: int, image: list[int], flip: bool) -> np.ndarray:
    """U_g on 2^N bit strings: site i goes to image[i]; with ``flip`` every spin flips."""
    U = np.zeros((2**n, 2**n))
    for s in range(2**n):
        bits = [(s >> i) & 1 for i in range(n)]
        t = sum((b ^ flip) << image[i] for i, b in enumerate(bits))
        U[t, s] = 1.0
    return U


def _projector(n: int, *, translation: bool, parity: int) -> np.ndarray:
    """P_χ of the dihedral (or reflection) group × spin flip, χ(R) = χ(T) = 1, χ(F) = parity."""
    shifts = range(n) if translation else range(1)
    elements = []
    for j, mirror, flip in itertools.product(shifts, (False, True), (False, True)):
        image = [((n - 1 - i) if mirror else i) for i in range(n)]
        image = [(k + j) % n for k in image]
        elements.append(((parity if flip else 1), _permutation(n, image, flip)))
    return sum(chi * U for chi, U in elements) / len(elements)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7])
@pytest.mark.parametrize("translation", [False, True])
@pytest.mark.parametrize("parity", [1, -1])
def test_sector_spans_the_projector_range(n: int, translation: bool, parity: int) -> None:
    b = chain_basis(n, translation=translation, flip=parity)
    V = b.embedding().toarray()
    P = _projector(n, translation=translation, parity=parity)
    np.testing.assert_allclose(V.T @ V, np.eye(b.dim), atol=1e-12)
    np.testing.assert_allclose(P @ V, V, atol=1e-12)  # V lies in the sector …
    assert b.dim == round(np.trace(P))  # … and spans it (dim = Tr P_χ, Burnside)


def test_flip_parities_split_the_reflection_sector() -> None:
    # R-even open chain: (2^N + 2^⌈N/2⌉)/2 states, shared by the two flip parities.
    for n in range(2, 13):
        plus, minus = flip_sectors(n)
        assert plus.dim + minus.dim == (2**n + 2 ** ((n + 1) // 2)) // 2
        assert chain_basis(n).dim == plus.dim + minus.dim
        if n % 2:  # F·g fixes no string for odd N (it maps popcount k to N − k)
            assert plus.dim == minus.dim


@pytest.mark.parametrize(
    "n, kind, periodic",
    [(n, kind, per) for n in (4, 7, 10) for kind in ("nn", "lr") for per in (False, True)],
)
def test_sector_operators_equal_the_full_space_build(n: int, kind: str, periodic: bool) -> None:
    p = SpinChainParameters(
        n_sites=n, anisotropy=-0.35, interaction=kind, decay=1.3, periodic=periodic
    )
    full = build_operators(p, symmetric=False)
    sym = build_operators(p)
    assert [b.symmetries for b in sym.sectors] == [
        ("reflection", "translation", "flip") if periodic else ("reflection", "flip")
    ] * 2
    V = sp.hstack([b.embedding() for b in sym.sectors]).tocsr()
    for name in ("H0", "H_charge"):
        A_full, A_sym = getattr(full, name), getattr(sym, name)
        assert abs(V.T @ A_full @ V - A_sym).max() < 1e-12
        # The sector is invariant: H V stays in the range of V.
        HV = A_full @ V
        assert abs(V @ (V.T @ HV) - HV).max() < 1e-12
    # H_charge is block diagonal in the flip parities (it commutes with F).
    d = sym.sectors[0].dim
    assert abs(sym.H_charge[:d, d:]).max() == 0.0
    # |↓…↓⟩ = (|b₊⟩ + |b₋⟩)/√2.
    np.testing.assert_allclose(sym.to_full(sym.psi0), full.psi0, atol=1e-15)
    np.testing.assert_allclose(sym.psi0[sym.psi0 != 0], [2**-0.5, 2**-0.5], atol=1e-15)


@pytest.mark.parametrize("kind, periodic", [("nn", False), ("lr", False), ("lr", True)])
def test_flip_sector_evolution_equals_the_full_space(kind: str, periodic: bool) -> None:
    p = SpinChainParameters(n_sites=9, anisotropy=0.5, interaction=kind, periodic=periodic)
    t = default_times(0.6, 60)
    full = charge_spin_chain(p, t, symmetric=False, refine=False)
    sym = charge_spin_chain(p, t, refine=False)
    np.testing.assert_allclose(sym.energy, full.energy, rtol=1e-10, atol=1e-10)


def test_memory_guard_counts_the_sector_it_builds() -> None:
    # The guard's sector size (closed forms: (2^N + 2^⌈N/2⌉)/2 open; binary bracelets,
    # OEIS A000029, periodic) equals the states the builder makes, both parities together.
    from ssbattery.quantum.spin_chain import sector_dim

    for n in range(1, 15):
        assert sector_dim(n, True, False) == sum(b.dim for b in flip_sectors(n))
        assert sector_dim(n, True, True) == sum(b.dim for b in flip_sectors(n, translation=True))
    assert sector_dim(24, True, True) == 352_698  # A000029(24)
