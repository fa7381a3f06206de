"""Symmetry-adapted bases of N spins ½ on a chain: reflection, translation, global spin flip.

A basis state is |b⟩ = P_χ|r⟩/‖P_χ|r⟩‖, one per orbit of the group G acting on the bit
strings (bit i set = spin i up), with P_χ = (1/|G|) Σ_g χ(g)* g the projector on the sector
of the one-dimensional character χ and r the orbit's representative (its smallest string).
The groups used by the spin-chain battery (:mod:`ssbattery.quantum.spin_chain`):

- the reflection R: i → N − 1 − i (χ(R) = +1: the sector of |↓…↓⟩);
- the translations T: i → i + 1 of a periodic chain (momentum k = 0: χ(T) = 1);
- the global spin flip F = Π_i σx_i (F s = s XOR 1…1), parity χ(F) = ±1.

With s = g·r, P_χ|s⟩ = χ(g) P_χ|r⟩ and ‖P_χ|r⟩‖² = (1/|G|) Σ_{g ∈ Stab(r)} χ(g), which is
1/|orbit| when χ is 1 on the stabiliser and 0 otherwise (the orbit is then absent from the
sector). Hence an operator O that commutes with G has the matrix elements

    ⟨b_{r'}|O|b_r⟩ = Σ_{s' ∈ orbit(r')} o_{s' r} χ(g_{s'}) ν_{r'} / ν_r,   ν = ‖P_χ|r⟩‖,

which is what :func:`sector_terms` evaluates, and ⟨b_r|s⟩ = χ(g_s) ν_r for any string s
(:meth:`ChainBasis.embedding`).

Why F matters for the battery: H_g and ω Σσx commute with F, but the Zeeman term B Σσz
anticommutes with it, and |↓…↓⟩ = (|b₊⟩ + |b₋⟩)/√2 has equal weight in both parities. The
charging evolution therefore runs in two independent blocks of ≈ 2^N/4 states each (open
chain; ≈ 2^N/(4N) periodic), and H0 = H_g + BΣσz couples them only through BΣσz, which
maps |b₊,r⟩ to σz(r)|b₋,r⟩ (:mod:`ssbattery.quantum.spin_chain`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import check_memory, require_int_at_least

__all__ = ["ChainBasis", "chain_basis", "flip_sectors", "sector_terms"]


@dataclass(frozen=True)
class ChainBasis:
    """Basis states of the chain: all 2^N, or one sector of a symmetry group.

    Attributes:
        n_sites: N.
        states: one representative bit string per basis state (bit i set = spin i up),
            increasing.
        norm: ν = ‖P_χ|r⟩‖ for each representative (1 everywhere for the full basis).
        index: for every one of the 2^N bit strings, the basis index of its orbit (−1 where
            the orbit has no state in this sector).
        symmetries: the group used: a subset of ("reflection", "translation", "flip").
        parity: χ(F) = ±1 when "flip" is among the symmetries, else 0.
        sign: for every bit string s, χ(g) of the element with s = g·r (±1; ``None``: +1
            everywhere, as without the flip).
    """

    n_sites: int
    states: NDArray[np.int64]
    norm: NDArray[np.float64]
    index: NDArray[np.int64]
    symmetries: tuple[str, ...]
    parity: int = 0
    sign: NDArray[np.int8] | None = None

    @property
    def dim(self) -> int:
        """Number of basis states."""
        return int(self.states.size)

    def amplitude(self, s: int) -> tuple[int, float]:
        """(basis index, ⟨b|s⟩) of the bit string ``s``: ⟨b_r|s⟩ = χ(g_s) ν_r (index −1
        and 0 when its orbit is not in this sector)."""
        k = int(self.index[s])
        if k < 0:
            return -1, 0.0
        chi = 1.0 if self.sign is None else float(self.sign[s])
        return k, chi * float(self.norm[k])

    def embedding(self) -> sp.csr_array:
        """The isometry V (2^N × dim) with V[s, b] = ⟨s|b⟩: full-space kets are V @ ψ.

        Columns are orthonormal (VᵀV = 1); an operator O commuting with the group has
        Vᵀ O V equal to its matrix in this basis.
        """
        s = np.arange(2**self.n_sites)
        k = self.index
        keep = k >= 0
        chi = np.ones(s.size) if self.sign is None else self.sign.astype(float)
        vals = chi[keep] * self.norm[k[keep]]
        return sp.csr_array((vals, (s[keep], k[keep])), shape=(s.size, self.dim))


def _reverse_bits(s: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    out = np.zeros_like(s)
    for i in range(n):
        out |= ((s >> i) & 1) << (n - 1 - i)
    return out


def _rotate_bits(s: NDArray[np.int64], n: int, j: int) -> NDArray[np.int64]:
    mask = (1 << n) - 1
    return ((s << j) | (s >> (n - j))) & mask if j % n else s.copy()


@dataclass
class _Orbits:
    """Orbit tables of every bit string under the group (see :func:`_orbits`)."""

    n: int
    rep: NDArray[np.int64]  # the orbit's smallest string
    through_f: NDArray[np.bool_] | None  # rep is reached through F (s = F·g·rep)
    fixed: NDArray[np.int64]  # stabiliser elements g (no F)
    fixed_f: NDArray[np.int64] | None  # stabiliser elements F·g
    group: int  # elements without F
    names: tuple[str, ...]


def _orbits(n: int, reflection: bool, translation: bool, flip: bool) -> _Orbits:
    check_memory("the spin-chain basis tables", (2**n, 8), bytes_per_element=8)
    s = np.arange(2**n, dtype=np.int64)
    mask = (1 << n) - 1
    shifts = range(n) if translation else range(1)
    rep = s.copy()  # smallest image without F
    rep_f = s ^ mask if flip else None  # smallest image through F
    fixed = np.zeros(s.size, dtype=np.int64)
    fixed_f = np.zeros(s.size, dtype=np.int64) if flip else None
    group = 0
    mirrored = _reverse_bits(s, n) if reflection else None
    for j in shifts:
        # The dihedral group: T^j s and T^j R s (R T^j = T^{−j} R covers the rest).
        images = [_rotate_bits(s, n, j)]
        if mirrored is not None:
            images.append(_rotate_bits(mirrored, n, j))
        for img in images:
            np.minimum(rep, img, out=rep)
            fixed += img == s
            group += 1
            if rep_f is not None and fixed_f is not None:
                img ^= mask  # F g s
                np.minimum(rep_f, img, out=rep_f)
                fixed_f += img == s
    names = tuple(
        name
        for name, on in (("reflection", reflection), ("translation", translation), ("flip", flip))
        if on
    )
    through_f = None
    if rep_f is not None:
        through_f = rep_f < rep
        np.minimum(rep, rep_f, out=rep)
    return _Orbits(n, rep, through_f, fixed, fixed_f, group, names)


def _sector(orb: _Orbits, parity: int) -> ChainBasis:
    """The sector of χ(F) = ``parity`` (0: no flip in the group) from the orbit tables."""
    n = orb.n
    s = np.arange(2**n, dtype=np.int64)
    if orb.fixed_f is None or orb.through_f is None:
        is_rep = s == orb.rep
        states = s[is_rep]
        lookup = np.full(2**n, -1, dtype=np.int64)
        lookup[states] = np.arange(states.size)
        norm = 1.0 / np.sqrt((orb.group // orb.fixed[is_rep]).astype(float))
        return ChainBasis(n, states, norm, lookup[orb.rep], orb.names)
    # Stabiliser of s: `fixed` elements g with g s = s and `fixed_f` of the form F g. The
    # orbit lives in the sector iff Σ_Stab χ ≠ 0, i.e. always for χ(F) = +1 and only
    # without F elements for χ(F) = −1 (they then number as many as the others).
    is_rep = s == orb.rep
    if parity < 0:
        is_rep &= orb.fixed_f == 0
    states = s[is_rep]
    lookup = np.full(2**n, -1, dtype=np.int64)
    lookup[states] = np.arange(states.size)
    orbit = (2 * orb.group) // (orb.fixed[is_rep] + orb.fixed_f[is_rep])
    norm = 1.0 / np.sqrt(orbit.astype(float))
    sign = np.where(orb.through_f, np.int8(parity), np.int8(1)).astype(np.int8)
    return ChainBasis(n, states, norm, lookup[orb.rep], orb.names, parity=parity, sign=sign)


def chain_basis(
    n_sites: int,
    *,
    reflection: bool = True,
    translation: bool = False,
    flip: int = 0,
) -> ChainBasis:
    """The basis of N spins, or its sector even under reflection (and translation, k = 0)
    and, with ``flip`` = ±1, of spin-flip parity χ(F) = ``flip``.

    Translations are symmetries of periodic chains only; the caller decides. The tables
    cover all 2^N strings (several arrays of 2^N integers).

    Example:
        >>> [chain_basis(4, flip=f).dim for f in (1, -1)]  # 10 R-even states split 6 + 4
        [6, 4]
    """
    n = require_int_at_least("n_sites", n_sites, 1)
    if flip not in (0, 1, -1):
        raise InvalidParameterError(f"`flip` must be 0, 1 or −1, got {flip!r}.")
    if not reflection and not translation and not flip:
        s = np.arange(2**n, dtype=np.int64)
        return ChainBasis(n, s, np.ones(s.size), s.copy(), ())
    return _sector(_orbits(n, reflection, translation, bool(flip)), flip)


def flip_sectors(
    n_sites: int, *, reflection: bool = True, translation: bool = False
) -> tuple[ChainBasis, ChainBasis]:
    """The two spin-flip sectors χ(F) = +1, −1 of the reflection- (and translation-)
    symmetric space: together an orthonormal basis of the sector of :func:`chain_basis`
    without the flip (one pass over the orbits serves both)."""
    n = require_int_at_least("n_sites", n_sites, 1)
    orb = _orbits(n, reflection, translation, True)
    return _sector(orb, 1), _sector(orb, -1)


def sector_terms(
    basis: ChainBasis,
    flipped: NDArray[np.int64],
    amplitude: float | NDArray[np.float64],
    mask: NDArray[np.bool_] | None = None,
    target_basis: ChainBasis | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Σ_r amplitude |b(s'(r))⟩⟨b_r| as (rows, cols, values), s'(r) = ``flipped``[r].

    ⟨b_{r'}|O|b_r⟩ = o χ(g_{s'}) ν_{r'}/ν_r (module docstring), for an operator O that
    commutes with the group; ``target_basis`` (default ``basis``) is the sector the rows
    belong to (another flip sector for an operator that anticommutes with F). Terms whose
    target orbit is not in the target sector are dropped (their amplitudes cancel).
    """
    tb = basis if target_basis is None else target_basis
    target = tb.index[flipped]
    keep = target >= 0 if mask is None else mask & (target >= 0)
    target = target[keep]
    amp = np.broadcast_to(np.asarray(amplitude, dtype=float), flipped.shape)[keep]
    amp = amp * tb.norm[target] / basis.norm[keep]
    if tb.sign is not None:
        amp = amp * tb.sign[flipped[keep]]
    col = np.arange(basis.dim)[keep]
    return target, col, amp
