"""Passive states, ergotropy and the unitary that extracts it (review eq. 7).

For ρ = Σ_k r_k |r_k⟩⟨r_k| with r_1 ≥ r_2 ≥ … and H = Σ_k e_k |e_k⟩⟨e_k| with
e_1 ≤ e_2 ≤ …, the passive state is σ = Σ_k r_k |e_k⟩⟨e_k|, the ergotropy is
ℰ = Tr[ρH] − Tr[σH], and U = Σ_k |e_k⟩⟨r_k| maps ρ to σ (Allahverdyan, Balian &
Nieuwenhuizen, EPL 67, 565 (2004)). The thermal machines need U itself (a discharge gate),
which is why this small module exists next to :mod:`ssbattery.quantum.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ssbattery.thermal.lindblad import check_hermitian, dense_operator

__all__ = ["Ergotropy", "ergotropy", "von_neumann_entropy"]


@dataclass(frozen=True)
class Ergotropy:
    """ℰ (``value``), the energy Tr[ρH] (``energy``), the passive state σ and the unitary U
    with U ρ U† = σ."""

    value: float
    energy: float
    passive_state: np.ndarray
    unitary: np.ndarray


def ergotropy(rho: Any, H: Any) -> Ergotropy:
    """Ergotropy of the density matrix ``rho`` for the Hamiltonian ``H`` and its unitary."""
    Hm = dense_operator("H", H)
    check_hermitian("H", Hm)
    R = dense_operator("rho", rho, Hm.shape[0])
    R = 0.5 * (R + R.conj().T)
    r, Vr = np.linalg.eigh(R)
    r, Vr = r[::-1], Vr[:, ::-1]
    e, Ve = np.linalg.eigh(Hm)
    U = Ve @ Vr.conj().T
    sigma = (Ve * r) @ Ve.conj().T
    energy = float(np.real(np.trace(R @ Hm)))
    value = max(energy - float(np.dot(r, e)), 0.0)
    return Ergotropy(value=value, energy=energy, passive_state=sigma, unitary=U)


def von_neumann_entropy(rho: Any) -> float:
    """S(ρ) = −Tr ρ ln ρ (nats)."""
    R = dense_operator("rho", rho)
    p = np.linalg.eigvalsh(0.5 * (R + R.conj().T))
    p = p[p > 1e-15]
    return float(-np.sum(p * np.log(p)))
