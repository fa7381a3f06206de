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
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ssbattery.quantum.open.space import PISpace
from ssbattery.results import Recorded

__all__ = [
    "BatteryState",
    "battery_state",
    "degenerate_passive_energy",
    "full_min_eigenvalue",
    "reduce_state",
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
    symmetric subspace only (see :func:`degenerate_passive_energy`)."""
    N = space.n_atoms
    nc = space.n_levels
    r = y if reduced else reduce_state(space, y)
    n = np.arange(nc, dtype=float)
    energy = photons = trace = herm = top = 0.0
    eig_blocks: list[np.ndarray] = []
    diag_blocks: list[np.ndarray] = []
    purity = 0.0
    block_min: list[float] = []
    pos = 0
    tail = sum(d * d for d in space.spin_dims)
    for b, (j, d_j, d) in enumerate(
        zip(space.j_values, space.degeneracies, space.spin_dims, strict=True)
    ):
        red = r[pos : pos + d * d].reshape(d, d)
        pos += d * d
        pops = r[tail + b * nc : tail + (b + 1) * nc].real if nc > 1 else np.zeros(1)
        m = np.arange(d) - j
        diag = np.real(np.diag(red))
        energy += float(diag @ (m + N / 2.0))
        photons += float(pops @ n)
        top += float(pops[-1]) if nc > 1 else 0.0
        trace += float(diag.sum())
        herm = max(herm, float(np.max(np.abs(red - red.conj().T), initial=0.0)))
        red = 0.5 * (red + red.conj().T)
        purity += float(np.vdot(red, red).real) / float(d_j)
        lam = np.linalg.eigvalsh(red)
        block_min.append(float(lam[0]))
        if ergotropy:
            eig_blocks.append(lam)
            diag_blocks.append(diag)
    E = omega_a * energy
    if ergotropy:
        deg = space.degeneracies
        base = -N / 2.0  # passive energies are Σ r m; E counts from the ground level
        pas = degenerate_passive_energy(eig_blocks, deg, N, symmetric=symmetric)
        pas_d = degenerate_passive_energy(diag_blocks, deg, N, symmetric=symmetric)
        W = max(E - omega_a * (pas - base * trace), 0.0)
        Wi = min(max(E - omega_a * (pas_d - base * trace), 0.0), W)
    else:
        W = Wi = float("nan")
    return BatteryState(
        E, W, Wi, purity, photons, trace, herm, min(block_min), tuple(block_min), top
    )


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
