"""Ergotropy in its forms: local, locked, coherent/incoherent, asymptotic (many-copy).

All build on the closed-form ergotropy of :func:`ssbattery.quantum.metrics.ergotropy`
(eq. 7 of the review), E(ρ, H) = Tr[ρH] − Σ_k r_k↓ e_k↑; energies in the units of H.

* **Local ergotropy** of a multipartite state with a non-interacting H = Σ_k H_k: the work
  local unitaries U_1 ⊗ … ⊗ U_n can extract, Σ_k E(ρ_k, H_k) (ρ_k the reduced states).
* **Locked ergotropy**: E(ρ, H) − Σ_k E(ρ_k, H_k), the work only global (entangling)
  operations reach. A Bell pair of two qubits of gap ω has global ergotropy ω and local
  ergotropies 0 (Alicki & Fannes, PRE 87, 042123 (2013); Perarnau-Llobet et al., PRX 5,
  041011 (2015)).
* **Incoherent and coherent ergotropy**: here E_i(ρ) = E(Δρ), the ergotropy of the state
  dephased in the eigenbasis of H, and E_c = E(ρ) − E_i — the definition of Çakmak,
  PRE 102, 042111 (2020) (also Shi et al., PRL 129, 130602 (2022)). Francica, Binder,
  Guarnieri, Mitchison, Goold & Plastina, PRL 125, 180603 (2020) define E_i instead as the
  most work unitaries extract while keeping the relative-entropy coherence
  S(Δρ) − S(ρ) unchanged. The two agree for a qubit (keeping S(Δρ) keeps or swaps its two
  populations; tested by brute force over rotations); in higher dimension E(Δρ) is a lower
  bound of theirs (the permutation of energy eigenstates that makes Δρ passive keeps S(Δρ)).
  For a qubit H = (ω/2)σ_z, |+⟩ has E = E_c = ω/2 and E_i = 0 under both.
* **Asymptotic ergotropy** (Alicki & Fannes 2013): lim_{N→∞} E(ρ^{⊗N}, H_N)/N =
  Tr[ρH] − Tr[γ_β H], γ_β the Gibbs state of H with the entropy of ρ, S(γ_β) = S(ρ); it lies
  between E(ρ) and Tr[ρH] − E_ground and is 0 only for Gibbs states. β is found by bisection
  (S(γ_β) decreases monotonically in β ≥ 0; negative β is not needed since S(ρ) ≤ ln d).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.correlations import partial_trace
from ssbattery.quantum.metrics import ergotropy, von_neumann_entropy
from ssbattery.quantum.operators import as_density_matrix, as_hermitian, expectation, state_array

__all__ = [
    "asymptotic_ergotropy",
    "coherent_ergotropy",
    "incoherent_ergotropy",
    "local_ergotropies",
    "locked_ergotropy",
]


def _dense_h(H: ArrayLike, name: str = "H") -> NDArray[np.complex128]:
    Hm = as_hermitian(H, name=name)
    return np.asarray(Hm.toarray() if hasattr(Hm, "toarray") else Hm, dtype=complex)


def _rho(state: ArrayLike, d: int) -> NDArray[np.complex128]:
    return as_density_matrix(state_array(state), d, name="state")


def local_ergotropies(
    state: ArrayLike, dims: Sequence[int], local_hamiltonians: Sequence[ArrayLike]
) -> list[float]:
    """E(ρ_k, H_k) for every subsystem k (ρ_k from :func:`partial_trace`)."""
    if len(local_hamiltonians) != len(dims):
        raise InvalidParameterError(
            f"give one local Hamiltonian per subsystem: {len(dims)} subsystems, "
            f"{len(local_hamiltonians)} Hamiltonians."
        )
    out = []
    for k, (d, Hk) in enumerate(zip(dims, local_hamiltonians, strict=True)):
        H = _dense_h(Hk, f"local_hamiltonians[{k}]")
        if H.shape[0] != d:
            raise InvalidParameterError(
                f"`local_hamiltonians[{k}]` has dimension {H.shape[0]}, subsystem {k} has {d}."
            )
        out.append(ergotropy(partial_trace(state, dims, k), H))
    return out


def _embed(local_hamiltonians: Sequence[ArrayLike], dims: Sequence[int]) -> NDArray:
    total = np.zeros((math.prod(dims),) * 2, dtype=complex)
    for k, Hk in enumerate(local_hamiltonians):
        left = np.eye(math.prod(dims[:k]))
        right = np.eye(math.prod(dims[k + 1 :]))
        total += np.kron(np.kron(left, _dense_h(Hk, f"local_hamiltonians[{k}]")), right)
    return total


def locked_ergotropy(
    state: ArrayLike, dims: Sequence[int], local_hamiltonians: Sequence[ArrayLike]
) -> float:
    """E(ρ, Σ_k H_k) − Σ_k E(ρ_k, H_k) ≥ 0: the ergotropy local unitaries cannot reach.

    >>> import numpy as np
    >>> h = np.diag([0.5, -0.5])  # a qubit of gap ω = 1
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> round(locked_ergotropy(bell, (2, 2), [h, h]), 12)
    1.0
    """
    H = _embed(local_hamiltonians, dims)
    glob = ergotropy(state_array(state), H)
    return max(glob - sum(local_ergotropies(state, dims, local_hamiltonians)), 0.0)


def incoherent_ergotropy(state: ArrayLike, H: ArrayLike) -> float:
    """E_i = E(Δρ): the ergotropy of ρ dephased in the eigenbasis of H (degenerate
    eigenspaces kept whole, so coherence inside them counts as incoherent)."""
    Hm = _dense_h(H)
    rho = _rho(state, Hm.shape[0])
    e, V = np.linalg.eigh(Hm)
    r = V.conj().T @ rho @ V
    same = np.abs(e[:, None] - e[None, :]) <= 1e-10 * max(1.0, float(np.max(np.abs(e))))
    deph = V @ np.where(same, r, 0.0) @ V.conj().T
    return ergotropy(deph, Hm)


def coherent_ergotropy(state: ArrayLike, H: ArrayLike) -> float:
    """E_c = E(ρ) − E_i(ρ) ≥ 0, the part of the ergotropy carried by energy coherences.

    >>> import numpy as np
    >>> plus = np.array([1, 1]) / np.sqrt(2)
    >>> round(coherent_ergotropy(plus, np.diag([0.5, -0.5])), 12)  # ω = 1: ω/2
    0.5
    """
    Hm = _dense_h(H)
    rho = _rho(state, Hm.shape[0])
    return max(ergotropy(rho, Hm) - incoherent_ergotropy(rho, Hm), 0.0)


def _gibbs(e: NDArray[np.float64], beta: float) -> NDArray[np.float64]:
    w = np.exp(-beta * (e - e[0]))
    return w / w.sum()


def _entropy(p: NDArray[np.float64]) -> float:
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


def asymptotic_ergotropy(state: ArrayLike, H: ArrayLike, *, tol: float = 1e-12) -> float:
    """Tr[ρH] − Tr[γ_β H] with S(γ_β) = S(ρ) (Alicki & Fannes 2013), by bisection on β.

    Pure states: the energy above the ground state (γ_∞, for a non-degenerate ground
    state); Gibbs states: 0; a qubit: its ergotropy (its passive states are all Gibbs).
    """
    Hm = _dense_h(H)
    rho = _rho(state, Hm.shape[0])
    e = np.asarray(np.linalg.eigvalsh(Hm), dtype=np.float64)
    s = von_neumann_entropy(rho)
    energy = float(expectation(Hm, rho).real)
    ground_deg = int(np.sum(e - e[0] <= 1e-12 * max(1.0, abs(e[0]))))
    if s <= math.log(ground_deg) + tol:
        return max(energy - float(e[0]), 0.0)
    if s >= math.log(len(e)) - tol:
        return max(energy - float(np.mean(e)), 0.0)
    lo, hi = 0.0, 1.0
    while _entropy(_gibbs(e, hi)) > s:
        hi *= 2.0
        if hi > 1e12:
            break
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _entropy(_gibbs(e, mid)) > s:
            lo = mid
        else:
            hi = mid
        if hi - lo <= tol * max(1.0, hi):
            break
    gamma = _gibbs(e, 0.5 * (lo + hi))
    return max(energy - float(np.dot(gamma, e)), 0.0)
