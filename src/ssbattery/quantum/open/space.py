"""The permutation-invariant state space of N two-level atoms (⊗ a truncated cavity).

A state of N identical two-level atoms that is invariant under their permutations, and
evolves under collective Hamiltonians and *identical* local dissipators, is block diagonal
in the coupled basis |j, m, α⟩ (total spin j, Jz = m, α labelling the d_j equivalent
irreducible representations) and the same in every copy α (Chase & Geremia, PRA 78, 052101
(2008); Shammah et al., PRA 98, 063815 (2018)):

    ρ = ⊕_j (ρ_j / d_j) ⊗ 1_{d_j},   d_j = N! (2j + 1) / [(N/2 + j + 1)! (N/2 − j)!],

with j = N/2, N/2 − 1, …, 0 or ½. We store the *weights* ρ_j = d_j × (one copy's block),
so Tr ρ = Σ_j Tr ρ_j and a collective observable O has ⟨O⟩ = Σ_j Tr[O_j ρ_j]. With a
cavity of ``n_levels`` Fock states, ρ_j is a matrix on (Fock ⊗ spin-j), stored as a 4-index
array ``[n, k, n′, k′]`` with k = m + j = 0 … 2j. The number of stored entries is
n_levels² Σ_j (2j + 1)² ≈ n_levels² N³/6 instead of (n_levels 2^N)².

Collective-only processes never leave j = N/2: the space then holds that block alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ssbattery.errors import ResourceLimitError
from ssbattery.validation import MEMORY_LIMIT_BYTES, require_int_at_least

__all__ = ["PISpace", "irrep_degeneracy", "pi_space"]

#: Vectors of the full state kept at once by the integrator (DOP853: 12 stages + work).
WORK_VECTORS = 18


def irrep_degeneracy(n_atoms: int, j: float) -> int:
    """d_j, the number of spin-j irreducible representations in N spins ½ (exact int).

    d_j = N! (2j + 1) / [(N/2 + j + 1)! (N/2 − j)!] = C(N, N/2 − j) − C(N, N/2 − j − 1).
    Σ_j d_j (2j + 1) = 2^N.

    >>> [irrep_degeneracy(4, j) for j in (2, 1, 0)]
    [1, 3, 2]
    """
    n = require_int_at_least("n_atoms", n_atoms, 1)
    two_j = round(2 * j)
    if two_j < 0 or two_j > n or (n - two_j) % 2:
        raise ValueError(f"j = {j} is not a total spin of {n} spins ½.")
    lower = (n - two_j) // 2  # N/2 − j
    return math.comb(n, lower) - (math.comb(n, lower - 1) if lower >= 1 else 0)


@dataclass(frozen=True)
class PISpace:
    """Blocks kept: total spins ``j_values`` (descending from N/2) ⊗ ``n_levels`` Fock states.

    ``offsets[b]`` is where block b starts in the flat state vector; block b holds
    (n_levels (2j+1))² complex entries.
    """

    n_atoms: int
    n_levels: int
    j_values: tuple[float, ...]

    @cached_property
    def spin_dims(self) -> tuple[int, ...]:
        """2j + 1 of every block."""
        return tuple(round(2 * j) + 1 for j in self.j_values)

    @cached_property
    def block_dims(self) -> tuple[int, ...]:
        """Hilbert dimension n_levels (2j + 1) of every block."""
        return tuple(self.n_levels * d for d in self.spin_dims)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Start of every block in the flat vector (and the total size last)."""
        out = [0]
        for d in self.block_dims:
            out.append(out[-1] + d * d)
        return tuple(out)

    @property
    def size(self) -> int:
        """Number of complex entries of the flat state."""
        return self.offsets[-1]

    @cached_property
    def degeneracies(self) -> tuple[int, ...]:
        """d_j of every block (exact Python ints: they reach 10²⁹ at N = 100)."""
        return tuple(irrep_degeneracy(self.n_atoms, j) for j in self.j_values)

    def blocks(self, y: np.ndarray) -> list[np.ndarray]:
        """Views of the flat state ``y`` as 4-index arrays [n, k, n′, k′], one per block."""
        nc = self.n_levels
        return [
            y[a:b].reshape(nc, d, nc, d)
            for a, b, d in zip(self.offsets[:-1], self.offsets[1:], self.spin_dims, strict=True)
        ]


def _j_values(n_atoms: int, local: bool) -> tuple[float, ...]:
    top = n_atoms / 2.0
    if not local:
        return (top,)
    return tuple(top - k for k in range(n_atoms // 2 + 1))


def pi_space(n_atoms: int, n_levels: int, *, local: bool, fix: str) -> PISpace:
    """The permutation-invariant space, refused *before* allocation if it would not fit.

    ``local`` keeps every j (local processes change j); otherwise only j = N/2. The
    integrator holds about ``WORK_VECTORS`` copies of the state; when that exceeds the
    package's memory limit, :class:`ResourceLimitError` says so and names ``fix`` (the
    parameter to lower, e.g. "lower `n_atoms` or `photon_cutoff`").
    """
    n = require_int_at_least("n_atoms", n_atoms, 1)
    nc = require_int_at_least("n_levels", n_levels, 1)
    js = _j_values(n, local)
    size = nc * nc * sum((round(2 * j) + 1) ** 2 for j in js)
    need = size * 16 * WORK_VECTORS
    if need > MEMORY_LIMIT_BYTES:
        raise ResourceLimitError(
            f"the permutation-invariant space (N = {n}, {nc} photon levels, "
            f"{len(js)} spin block(s), {size:,} entries) would need {need / 1024**3:.1f} GiB "
            f"for the integrator, above the {MEMORY_LIMIT_BYTES / 1024**3:.0f} GiB limit; "
            f"{fix}."
        )
    return _interned_space(n, nc, js)


@lru_cache(maxsize=64)
def _interned_space(n_atoms: int, n_levels: int, j_values: tuple[float, ...]) -> PISpace:
    """One (frozen) PISpace object per space, so that its cached properties (dimensions,
    offsets, degeneracies) and the tables keyed on it are computed once per space."""
    return PISpace(n_atoms, n_levels, j_values)
