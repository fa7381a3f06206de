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

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ssbattery.quantum.open.space import PISpace

__all__ = [
    "BatteryState",
    "battery_state",
    "degenerate_passive_energy",
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
    λ/d_b occurs d_b times. Zero eigenvalues fill the rest of the 2^N space. Exact integer
    bookkeeping of the multiplicities; Σ_b Σ λ must be the trace (≈ 1). ``symmetric``
    restricts the unitaries to the symmetric subspace (one block j = N/2, levels once).
    """
    levels, counts = _level_multiplicities(n_atoms, symmetric)
    r = np.concatenate(
        [np.asarray(v, dtype=float) / float(d) for v, d in zip(values, degeneracies, strict=True)]
    )
    mult = [d for v, d in zip(values, degeneracies, strict=True) for _ in range(len(v))]
    order = np.argsort(-r, kind="stable")
    total = 0.0
    li = 0
    left = counts[0]
    for idx in order:
        p = float(r[idx])
        if p <= 0.0:
            break
        need = mult[idx]
        while need > 0:
            take = min(need, left)
            total += float(take) * p * float(levels[li])
            need -= take
            left -= take
            if left == 0:
                li += 1
                if li > n_atoms:
                    break
                left = counts[li]
        if li > n_atoms:
            break
    return total


@dataclass(frozen=True)
class BatteryState:
    """What one output time records (energies in units of ωa × the level spacing, i.e. ωa).

    ``energy`` E = ωa(⟨Jz⟩ + N/2); ``ergotropy`` and its ``incoherent`` part (eq. 7 of the
    atoms' reduced state, cavity traced out); ``purity`` Tr ρ_A² of that reduced state;
    ``photons`` ⟨a†a⟩; ``trace`` Tr ρ; ``hermiticity_error`` max|ρ − ρ†|;
    ``min_eigenvalue`` the smallest eigenvalue of the atoms' reduced state (per copy).
    """

    energy: float
    ergotropy: float
    incoherent: float
    purity: float
    photons: float
    trace: float
    hermiticity_error: float
    min_eigenvalue: float


def battery_state(
    space: PISpace,
    y: np.ndarray,
    omega_a: float,
    *,
    ergotropy: bool = True,
    symmetric: bool = False,
) -> BatteryState:
    """Evaluate the figures of merit of the flat state ``y`` on ``space`` (``symmetric``:
    ergotropy with unitaries of the symmetric subspace, see :func:`degenerate_passive_energy`)."""
    N = space.n_atoms
    nc = space.n_levels
    n = np.arange(nc, dtype=float)
    energy = photons = trace = herm = 0.0
    eig_blocks: list[np.ndarray] = []
    diag_blocks: list[np.ndarray] = []
    purity = 0.0
    min_eig = np.inf
    for j, d_j, rho in zip(space.j_values, space.degeneracies, space.blocks(y), strict=True):
        red = np.einsum("nanb->ab", rho)  # Tr over the cavity
        dia = np.einsum("nknk->nk", rho).real  # populations [n, k]
        m = np.arange(red.shape[0]) - j
        energy += float(dia.sum(axis=0) @ (m + N / 2.0))
        photons += float(dia.sum(axis=1) @ n)
        trace += float(dia.sum())
        D = rho.shape[0] * rho.shape[1]
        flat = rho.reshape(D, D)
        herm = max(herm, float(np.max(np.abs(flat - flat.conj().T), initial=0.0)))
        red = 0.5 * (red + red.conj().T)
        purity += float(np.vdot(red, red).real) / float(d_j)
        if ergotropy:
            lam = np.linalg.eigvalsh(red)
            min_eig = min(min_eig, float(lam[0]) / float(d_j))
            eig_blocks.append(lam)
            diag_blocks.append(np.real(np.diag(red)))
    E = omega_a * energy
    if ergotropy:
        deg = space.degeneracies
        base = -N / 2.0  # passive energies are Σ r m; E counts from the ground level
        passive = omega_a * (
            degenerate_passive_energy(eig_blocks, deg, N, symmetric=symmetric) - base * trace
        )
        passive_d = omega_a * (
            degenerate_passive_energy(diag_blocks, deg, N, symmetric=symmetric) - base * trace
        )
        W = max(E - passive, 0.0)
        Wi = min(max(E - passive_d, 0.0), W)
    else:
        W = Wi = float("nan")
    return BatteryState(E, W, Wi, purity, photons, trace, herm, float(min_eig))
