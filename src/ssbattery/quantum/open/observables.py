"""Figures of merit of a permutation-invariant battery state (eq. 7 with degeneracies).

The atoms' Hamiltonian H0 = ωa Jz has the level ωa m with multiplicity C(N, N/2 + m) in
the 2^N space. A permutation-invariant state ρ = ⊕_j (ρ_j/d_j) ⊗ 1_{d_j} has, for every
eigenvalue λ of the weight block ρ_j, the eigenvalue λ/d_j with multiplicity d_j. The
passive energy Σ_k r_k↓ e_k↑ (eq. 7) pairs the two multisets; both multiplicities are
exact Python integers (they reach 10²⁹ at N = 100, beyond float resolution of a running
count), so the pairing is exact for any N.

Ergotropy splits into an incoherent and a coherent part (Francica et al., PRL 125, 180603
(2020)): the incoherent ergotropy is that of the state dephased in the eigenbasis of H0,
here the diagonals of the ρ_j (the blocks carry no coherence between different j, and
the d_j copies none between themselves); the coherent part is the rest, ≥ 0.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from ssbattery.quantum.open.space import PISpace
from ssbattery.results import Recorded

__all__ = [
    "BatteryState",
    "battery_state",
    "battery_states",
    "degenerate_passive_energy",
    "full_min_eigenvalue",
    "passive_energies",
    "reduce_state",
    "reduction_matrix",
]


def _level_multiplicities(n_atoms: int, symmetric: bool) -> tuple[np.ndarray, list[int]]:
    """Levels m = −N/2 … N/2 (ascending) and their multiplicities C(N, N/2 + m) (1 each
    in the symmetric subspace)."""
    m = np.arange(n_atoms + 1) - n_atoms / 2.0
    if symmetric:
        return m, [1] * (n_atoms + 1)
    return m, [math.comb(n_atoms, k) for k in range(n_atoms + 1)]


def degenerate_passive_energy(
    values: Sequence[np.ndarray],
    degeneracies: Sequence[int],
    n_atoms: int,
    *,
    symmetric: bool = False,
) -> float:
    """Σ_k r_k↓ m_k↑ in units of ωa, for the per-copy spectrum of a block state.

    ``values[b]`` are the eigenvalues (or diagonal entries) λ of weight block b; each
    λ/d_b occurs d_b times. Zero eigenvalues fill the rest of the 2^N space. ``symmetric``
    restricts the unitaries to the symmetric subspace (one block j = N/2, levels once).

    The sorted spectrum is a staircase r(x) on 0 ≤ x < 2^N whose step ends B_i are exact
    integers; with F(x) = ∫₀ˣ r, level l (occupying [C_{l−1}, C_l)) receives the weight
    F(C_l) − F(C_{l−1}), so the pairing costs one bisection per level.
    """
    levels, counts = _level_multiplicities(n_atoms, symmetric)
    r = np.concatenate(
        [np.asarray(v, dtype=float) / float(d) for v, d in zip(values, degeneracies, strict=True)]
    )
    mult = [d for v, d in zip(values, degeneracies, strict=True) for _ in range(len(v))]
    order = [int(i) for i in np.argsort(-r, kind="stable") if r[i] > 0.0]
    if not order:
        return 0.0
    steps = r[order]
    ends = list(itertools.accumulate(mult[i] for i in order))  # exact step ends B_i
    mass = np.cumsum(steps * np.array([float(mult[i]) for i in order]))  # F(B_i)

    def F(x: int) -> float:
        i = bisect.bisect_right(ends, x)
        if i >= len(ends):
            return float(mass[-1])
        start = ends[i - 1] if i else 0
        return (float(mass[i - 1]) if i else 0.0) + float(steps[i]) * float(x - start)

    total, prev, edge = 0.0, 0.0, 0
    for level, count in zip(levels, counts, strict=True):
        edge += count
        f = F(edge)
        total += float(level) * (f - prev)
        prev = f
        if edge >= ends[-1]:
            break
    return total


@dataclass(frozen=True)
class BatteryState(Recorded):
    """What one output time records (energies in units of ωa × the level spacing, i.e. ωa).

    ``energy`` E = ωa(⟨Jz⟩ + N/2); ``ergotropy`` and its ``incoherent`` part (eq. 7 of the
    atoms' reduced state, cavity traced out); ``purity`` Tr ρ_A² of that reduced state;
    ``photons`` ⟨a†a⟩; ``trace`` Tr ρ; ``hermiticity_error`` max|ρ_A − ρ_A†| of the atoms;
    ``block_min_eigenvalues`` the smallest eigenvalue of every weight block R_j of the atoms'
    reduced state (order of ``space.j_values``) and ``min_eigenvalue`` the least of them.
    These are d_j × the eigenvalues of the 2^N-space state (each occurs d_j times), so a
    negative one is the trace weight of a negative direction, on the scale of Tr ρ = 1
    (per copy it would be divided by d_j, up to 10²⁹ at N = 100, and hide any defect).
    ``top_level_population`` is the population of the highest kept Fock level (the
    truncation criterion of a fixed photon cutoff; 0 without a cavity).
    """

    energy: float
    ergotropy: float
    incoherent: float
    purity: float
    photons: float
    trace: float
    hermiticity_error: float
    min_eigenvalue: float
    block_min_eigenvalues: tuple[float, ...] = ()
    top_level_population: float = 0.0

    _UNITS: ClassVar[dict[str, str]] = {
        "energy": "E₀",
        "ergotropy": "E₀",
        "incoherent": "E₀",
        "purity": "1",
        "photons": "1",
        "trace": "1",
        "hermiticity_error": "1",
        "min_eigenvalue": "1",
        "block_min_eigenvalues": "1",
        "top_level_population": "1",
    }

    def _title(self) -> str:
        return "open battery state"


def reduce_state(space: PISpace, y: np.ndarray) -> np.ndarray:
    """The linear data the figures of merit need, as one flat vector.

    The atoms' weight blocks R_j = Tr_cavity ρ_j ((2j+1)² entries each, row-major), then
    (with a cavity) the photon populations Σ_k ρ_j[n, k, n, k] of every block (n_levels
    entries each). Linear in ρ, so a propagator may accumulate it instead of whole
    states. Without a cavity it is the state itself.
    """
    if space.n_levels == 1:
        return y
    blocks = space.blocks(y)
    parts = [np.einsum("nanb->ab", rho).ravel() for rho in blocks]
    parts += [np.einsum("nknk->n", rho) for rho in blocks]
    return np.concatenate(parts)


def reduction_matrix(space: PISpace) -> sp.csr_array | None:
    """:func:`reduce_state` as a sparse matrix P (reduce_state(space, y) = P y), None
    where it is the identity (no cavity). Cached per space."""
    if space.n_levels == 1:
        return None
    return _reduction_matrix(space)


@functools.lru_cache(maxsize=16)
def _reduction_matrix(space: PISpace) -> sp.csr_array:
    nc = space.n_levels
    rows, cols = [], []
    out_pos = 0
    n = np.arange(nc)
    for o, d in zip(space.offsets[:-1], space.spin_dims, strict=True):
        a, b = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
        # R_j[a, b] = Σ_n ρ[n, a, n, b], flat index ((n d + a) nc + n) d + b
        src = o + ((n[:, None, None] * d + a[None]) * nc + n[:, None, None]) * d + b[None]
        rows.append(np.broadcast_to(out_pos + a * d + b, src.shape).ravel())
        cols.append(src.ravel())
        out_pos += d * d
    tail = out_pos
    for blk, (o, d) in enumerate(zip(space.offsets[:-1], space.spin_dims, strict=True)):
        k = np.arange(d)
        # photon populations Σ_k ρ[n, k, n, k]
        src = o + ((n[:, None] * d + k[None]) * nc + n[:, None]) * d + k[None]
        rows.append(np.broadcast_to(tail + blk * nc + n[:, None], src.shape).ravel())
        cols.append(src.ravel())
    r, c = np.concatenate(rows), np.concatenate(cols)
    m = tail + nc * len(space.spin_dims)
    P = sp.csr_array((np.ones(r.size, dtype=complex), (r, c)), shape=(m, space.size))
    P.sum_duplicates()
    return P


def passive_energies(
    values: Sequence[np.ndarray],
    degeneracies: Sequence[int],
    n_atoms: int,
    *,
    symmetric: bool = False,
) -> np.ndarray:
    """:func:`degenerate_passive_energy` at many times at once: ``values[b]`` has shape
    (n_times, len of block b). Vectorised over the times where every multiplicity and
    step end is an integer below 2⁵³ (2^N ≤ 2⁵², or the symmetric subspace), so that
    float arithmetic is as exact as the integer pairing; otherwise one exact pairing per
    time."""
    vals = [np.asarray(v, dtype=float) for v in values]
    n_t = vals[0].shape[0] if vals else 0
    if not symmetric and n_atoms > 52:
        return np.array(
            [
                degenerate_passive_energy([v[t] for v in vals], degeneracies, n_atoms)
                for t in range(n_t)
            ]
        )
    levels, counts = _level_multiplicities(n_atoms, symmetric)
    r = np.concatenate([v / float(d) for v, d in zip(vals, degeneracies, strict=True)], axis=1)
    mult = np.concatenate(
        [np.full(v.shape[1], float(d)) for v, d in zip(vals, degeneracies, strict=True)]
    )
    order = np.argsort(-r, axis=1, kind="stable")
    steps = np.take_along_axis(r, order, axis=1)
    steps = np.where(steps > 0.0, steps, 0.0)  # r ≤ 0 carries no weight (sorted last)
    w = mult[order]
    ends = np.cumsum(w, axis=1)  # exact step ends B_i (integers < 2⁵³)
    mass = np.cumsum(steps * w, axis=1)  # F(B_i)
    edges = np.cumsum(np.asarray(counts, dtype=float))  # level edges C_l
    # F(C_l) = F(B_{i−1}) + r_i (C_l − B_{i−1}), i the first step ending after C_l
    i = np.sum(ends[:, :, None] <= edges[None, None, :], axis=1)  # (n_t, levels)
    M = ends.shape[1]
    inside = i < M
    ic = np.minimum(i, M - 1)
    prev_end = np.where(i > 0, np.take_along_axis(ends, np.maximum(ic - 1, 0), axis=1), 0.0)
    prev_mass = np.where(i > 0, np.take_along_axis(mass, np.maximum(ic - 1, 0), axis=1), 0.0)
    F = np.where(
        inside,
        prev_mass + np.take_along_axis(steps, ic, axis=1) * (edges[None, :] - prev_end),
        mass[:, -1:],
    )
    dF = np.diff(F, axis=1, prepend=0.0)
    return np.asarray(dF @ levels)


@dataclass(frozen=True)
class _StateSeries:
    """:class:`BatteryState`'s fields at every output time (arrays over the times;
    ``block_min_eigenvalues`` of shape (n_times, blocks))."""

    energy: np.ndarray
    ergotropy: np.ndarray
    incoherent: np.ndarray
    purity: np.ndarray
    photons: np.ndarray
    trace: np.ndarray
    hermiticity_error: np.ndarray
    min_eigenvalue: np.ndarray
    block_min_eigenvalues: np.ndarray
    top_level_population: np.ndarray

    def state(self, k: int) -> BatteryState:
        """The record of output time k."""
        return BatteryState(
            float(self.energy[k]),
            float(self.ergotropy[k]),
            float(self.incoherent[k]),
            float(self.purity[k]),
            float(self.photons[k]),
            float(self.trace[k]),
            float(self.hermiticity_error[k]),
            float(self.min_eigenvalue[k]),
            tuple(float(x) for x in self.block_min_eigenvalues[k]),
            float(self.top_level_population[k]),
        )


@dataclass(frozen=True)
class _ObservableTable:
    """The linear functionals of :func:`battery_states` on :func:`reduce_state`'s vector
    (its first ``tail`` entries are the atoms' blocks R_j, the rest the photon
    populations): ``transpose`` maps entry (a, b) of every block to (b, a); ``energy``
    weighs the diagonals with m + N/2, ``trace`` with 1, ``purity`` every entry with
    1/d_j; ``photons`` and ``top`` weigh the populations with n and the top level."""

    tail: int
    transpose: np.ndarray
    energy: np.ndarray
    trace: np.ndarray
    purity: np.ndarray
    photons: np.ndarray
    top: np.ndarray


@functools.lru_cache(maxsize=64)
def _observable_table(space: PISpace) -> _ObservableTable:
    nc = space.n_levels
    transpose, energy, trace, purity = [], [], [], []
    pos = 0
    for j, d_j, d in zip(space.j_values, space.degeneracies, space.spin_dims, strict=True):
        a, b = np.divmod(np.arange(d * d), d)
        transpose.append(pos + b * d + a)
        diag = np.zeros(d * d)
        diag[:: d + 1] = 1.0
        trace.append(diag)
        energy.append(diag * np.repeat(np.arange(d) - j + space.n_atoms / 2.0, d))
        purity.append(np.full(d * d, 1.0 / float(d_j)))
        pos += d * d
    blocks = len(space.spin_dims)
    n = np.arange(nc, dtype=float)
    top = np.zeros(nc)
    top[-1] = 1.0
    return _ObservableTable(
        pos,
        np.concatenate(transpose),
        np.concatenate(energy),
        np.concatenate(trace),
        np.concatenate(purity),
        np.tile(n, blocks),
        np.tile(top, blocks),
    )


def battery_states(
    space: PISpace,
    reduced: np.ndarray,
    omega_a: float,
    *,
    ergotropy: bool = True,
    symmetric: bool = False,
    spectra: bool = True,
) -> _StateSeries:
    """The figures of merit of :class:`BatteryState` at every row of ``reduced`` (shape
    (n_times, m), :func:`reduce_state`'s vectors), vectorised over the times: one stacked
    ``eigvalsh`` per spin block, one vectorised pairing for the passive energies
    (:func:`passive_energies`). ``spectra`` False (only with ``ergotropy`` False) skips
    the eigen-decompositions: the minimum eigenvalues are then NaN."""
    N = space.n_atoms
    r = np.asarray(reduced)
    n_t = r.shape[0]
    tab = _observable_table(space)
    from ssbattery.quantum.open._observables_numba import linear_observables

    energy, trace, purity, herm, photons, top = linear_observables(
        np.ascontiguousarray(r, dtype=np.complex128),
        tab.tail,
        tab.transpose,
        tab.energy,
        tab.trace,
        tab.purity,
        tab.photons,
        tab.top,
    )
    atoms = r[:, : tab.tail]
    eig_blocks: list[np.ndarray] = []
    diag_blocks: list[np.ndarray] = []
    block_min = np.full((n_t, len(space.j_values)), np.nan)
    spectra = spectra or ergotropy
    if spectra:
        hermitian = 0.5 * (atoms + np.conj(atoms[:, tab.transpose]))
        real = atoms.real
        pos = 0
        for b, d in enumerate(space.spin_dims):
            lam = np.linalg.eigvalsh(hermitian[:, pos : pos + d * d].reshape(n_t, d, d))
            block_min[:, b] = lam[:, 0]
            eig_blocks.append(lam)
            diag_blocks.append(real[:, pos : pos + d * d : d + 1])
            pos += d * d
    E = omega_a * energy
    if ergotropy:
        deg = space.degeneracies
        base = -N / 2.0  # passive energies are Σ r m; E counts from the ground level
        pas = passive_energies(eig_blocks, deg, N, symmetric=symmetric)
        pas_d = passive_energies(diag_blocks, deg, N, symmetric=symmetric)
        W = np.maximum(E - omega_a * (pas - base * trace), 0.0)
        Wi = np.minimum(np.maximum(E - omega_a * (pas_d - base * trace), 0.0), W)
    else:
        W, Wi = np.full(n_t, np.nan), np.full(n_t, np.nan)
    lowest = np.min(block_min, axis=1) if spectra else np.full(n_t, np.nan)
    return _StateSeries(E, W, Wi, purity, photons, trace, herm, lowest, block_min, top)


def battery_state(
    space: PISpace,
    y: np.ndarray,
    omega_a: float,
    *,
    ergotropy: bool = True,
    symmetric: bool = False,
    reduced: bool = False,
) -> BatteryState:
    """The figures of merit of the flat state ``y`` on ``space`` (``reduced``: ``y`` is
    already :func:`reduce_state`'s vector). ``symmetric``: ergotropy with unitaries of the
    symmetric subspace only (see :func:`degenerate_passive_energy`). One time of
    :func:`battery_states`."""
    r = y if reduced else reduce_state(space, y)
    return battery_states(
        space, np.asarray(r)[None, :], omega_a, ergotropy=ergotropy, symmetric=symmetric
    ).state(0)


def full_min_eigenvalue(space: PISpace, y: np.ndarray) -> tuple[float, ...]:
    """The smallest eigenvalue of every weight block ρ_j of the *whole* state (atoms ⊗
    cavity, n_levels (2j+1) square), same scale as :attr:`BatteryState.min_eigenvalue`.

    The reduced state's positivity does not imply the full state's; this is the complete
    check, at one dense eigen-decomposition per block (Σ_j (n_levels (2j+1))³ flops).
    """
    out = []
    for rho, D in zip(space.blocks(y), space.block_dims, strict=True):
        M = rho.reshape(D, D)
        out.append(float(np.linalg.eigvalsh(0.5 * (M + M.conj().T))[0]))
    return tuple(out)
