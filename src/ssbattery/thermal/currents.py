"""Per-site heat (energy) currents of a chain or network H = Σ_i h_i + Σ_(i,j) V_ij.

The local energy ⟨h_i⟩ changes through the bonds that touch site i and through the baths
attached to it: d⟨h_i⟩/dt = Σ_j i⟨[V_ij, h_i]⟩ + Tr[h_i D_i ρ]. The energy current across
bond (i, j), from i to j, is therefore

    J_{i→j} = i Tr(ρ [h_i, V_ij]),

and in a steady state every site balances: the sum of its bond currents out equals the
local bath current in, Tr[h_i D_i ρ] (continuity; checked in the tests). ħ = 1, energies
in the units of H.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import as_operator

__all__ = ["bond_currents", "local_bath_currents"]


def bond_currents(
    rho: Any,
    site_hamiltonians: Sequence[Any],
    bonds: Mapping[tuple[int, int], Any],
) -> dict[tuple[int, int], float]:
    """J_{i→j} = i Tr(ρ [h_i, V_ij]) for every bond (i, j) of ``bonds`` (V_ij embedded in the
    full space, like every h_i). Positive: energy flows from site i to site j."""
    R = np.asarray(as_operator(rho, name="rho", dense=True, dtype=complex))
    d = R.shape[0]
    hs = [
        np.asarray(as_operator(h, name=f"site_hamiltonians[{k}]", dim=d, dense=True, dtype=complex))
        for k, h in enumerate(site_hamiltonians)
    ]
    out: dict[tuple[int, int], float] = {}
    for (i, j), V in bonds.items():
        if not (0 <= i < len(hs) and 0 <= j < len(hs)) or i == j:
            raise InvalidParameterError(
                f"bond ({i}, {j}) must join two different sites among 0…{len(hs) - 1}."
            )
        Vm = np.asarray(as_operator(V, name=f"bonds[({i}, {j})]", dim=d, dense=True, dtype=complex))
        comm = hs[i] @ Vm - Vm @ hs[i]
        out[(i, j)] = float(np.real(1j * np.trace(R @ comm)))
    return out


def local_bath_currents(rho: Any, site_hamiltonian: Any, dissipators: Sequence[Any]) -> float:
    """Tr[h_i D(ρ)]: the energy a (local) bath puts into site i per unit time."""
    R = np.asarray(as_operator(rho, name="rho", dense=True, dtype=complex))
    d = R.shape[0]
    h = np.asarray(
        as_operator(site_hamiltonian, name="site_hamiltonian", dim=d, dense=True, dtype=complex)
    )
    out = np.zeros_like(R)
    for k, C in enumerate(dissipators):
        Cm = np.asarray(as_operator(C, name=f"dissipators[{k}]", dim=d, dense=True, dtype=complex))
        CdC = Cm.conj().T @ Cm
        out += Cm @ R @ Cm.conj().T - 0.5 * (CdC @ R + R @ CdC)
    return float(np.real(np.trace(h @ out)))
