"""Figures of merit of a quantum battery: stored energy, ergotropy, power (§2.3.1–2.3.2).

* Stored energy W(t) = Tr[ρ(t)H0] − Tr[ρ(0)H0] (the review's charging sign, §2.3.2).
* Ergotropy (eq. 7) W_max = Tr[ρH0] − min_U Tr[UρU†H0]. The minimum is reached by the
  *passive state* σ = Σ_k r_k |e_k⟩⟨e_k| with the eigenvalues of ρ sorted decreasing
  (r_1 ≥ r_2 ≥ …) placed on the eigenvectors of H0 sorted by increasing energy
  (e_1 ≤ e_2 ≤ …) (Pusz & Woronowicz 1978; Allahverdyan, Balian & Nieuwenhuizen 2004), so
  W_max = Tr[ρH0] − Σ_k r_k e_k in closed form: no optimisation over unitaries.
* The unitary that reaches it, U = Σ_k |e_k⟩⟨r_k| with U ρ U† = σ (|r_k⟩ the eigenvectors of
  ρ): :func:`ergotropy_extraction`, used as a discharge gate by the thermal machines.
* Von Neumann entropy S(ρ) = −Tr ρ ln ρ (nats).
* Average power P(t) = W(t)/t and the figure of merit F = P^a W^(1−a), 0 ≤ a ≤ 1 (§2.3.2).

Energies in the units of H0 (ħ = 1), times in the inverse units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import (
    Operator,
    as_density_matrix,
    as_hermitian,
    as_ket,
    expectation,
    is_sparse,
    state_array,
)
from ssbattery.results import Recorded
from ssbattery.validation import as_float_array, check_memory, require_in_range

__all__ = [
    "ErgotropyExtraction",
    "average_power",
    "ergotropy",
    "ergotropy_extraction",
    "figure_of_merit",
    "ground_energy",
    "optimal_figure_of_merit",
    "passive_energy",
    "passive_state",
    "stored_energy",
    "von_neumann_entropy",
]


def _dense(H0: Operator) -> NDArray:
    if is_sparse(H0):
        check_memory("H0 as a dense matrix (full spectrum)", H0.shape)
        return np.asarray(H0.toarray())
    return np.asarray(H0)


def ground_energy(H0: Operator) -> float:
    """Lowest eigenvalue of the Hermitian ``H0`` (Lanczos ``eigsh`` for large sparse H0)."""
    H = as_hermitian(H0, name="H0")
    n = H.shape[0]
    if is_sparse(H) and n > 2000:
        from scipy.sparse.linalg import eigsh

        val = eigsh(H, k=1, which="SA", tol=1e-12, return_eigenvectors=False)
        return float(val[0])
    return float(np.linalg.eigvalsh(_dense(H))[0])


def _state_and_h(state: ArrayLike, H0: Operator) -> tuple[NDArray, Operator]:
    H = as_hermitian(H0, name="H0")
    return as_density_matrix(state, H.shape[0], name="state"), H


def passive_state(state: ArrayLike, H0: Operator) -> NDArray[np.complex128]:
    """The passive state of ``state`` w.r.t. ``H0``: σ = Σ_k r_k↓ |e_k↑⟩⟨e_k↑| (eq. 7).

    ``state`` is a ket or a density matrix; the result is a dense density matrix.
    """
    rho, H = _state_and_h(state, H0)
    _, V = np.linalg.eigh(_dense(H))
    r = np.sort(np.linalg.eigvalsh(rho))[::-1]
    return np.asarray((V * r[None, :]) @ V.conj().T, dtype=complex)


def passive_energy(state: ArrayLike, H0: Operator) -> float:
    """Tr[σH0] = Σ_k r_k↓ e_k↑, the lowest energy reachable from ``state`` by unitaries."""
    arr = state_array(state)
    H = as_hermitian(H0, name="H0")
    if arr.ndim == 1:
        # A pure state's passive state is the ground state.
        return ground_energy(H)
    rho = as_density_matrix(arr, H.shape[0], name="state")
    e = np.linalg.eigvalsh(_dense(H))
    r = np.sort(np.linalg.eigvalsh(rho))[::-1]
    return float(np.dot(r, e))


def ergotropy(state: ArrayLike, H0: Operator, *, ground: float | None = None) -> float:
    """Ergotropy (eq. 7): Tr[ρH0] − Σ_k r_k↓ e_k↑, the most work unitaries can extract.

    Args:
        state: a ket (then the result is ⟨ψ|H0|ψ⟩ − E_ground) or a density matrix.
        H0: the battery Hamiltonian (dense or sparse, Hermitian).
        ground: the ground energy of H0 if known (skips its computation for kets).

    Example:
        >>> import numpy as np
        >>> round(ergotropy([1.0, 0.0], np.diag([0.5, -0.5])), 12)  # inverted qubit, ω = 1
        1.0
    """
    arr = state_array(state)
    H = as_hermitian(H0, name="H0")
    n = H.shape[0]
    if arr.ndim == 1:
        psi = as_ket(arr, n, name="state")
        e0 = ground_energy(H) if ground is None else float(ground)
        return max(float(expectation(H, psi).real) - e0, 0.0)
    rho = as_density_matrix(arr, n, name="state")
    energy = float(expectation(H, rho).real)
    value = energy - passive_energy(rho, H)
    # Round-off can leave −1e-16; the ergotropy is ≥ 0 by construction.
    return max(value, 0.0)


@dataclass(frozen=True)
class ErgotropyExtraction(Recorded):
    """The ergotropy ``value`` (eq. 7), the energy Tr[ρH0] (``energy``), the passive state σ
    and the unitary U with U ρ U† = σ (all in the basis of ``H0``)."""

    value: float
    energy: float
    passive_state: NDArray[np.complex128]
    unitary: NDArray[np.complex128]

    _UNITS: ClassVar[dict[str, str]] = {"value": "ergotropy [H0]", "energy": "H0"}
    _OMIT: ClassVar[frozenset[str]] = frozenset({"passive_state", "unitary"})

    def _title(self) -> str:
        return f"ergotropy extraction (eq. 7) on a {len(self.passive_state)}-level state"


def ergotropy_extraction(state: ArrayLike, H0: Operator) -> ErgotropyExtraction:
    """Ergotropy (eq. 7) together with the passive state σ and the unitary that reaches it.

    With ρ = Σ_k r_k |r_k⟩⟨r_k| (r_k decreasing) and H0 = Σ_k e_k |e_k⟩⟨e_k| (e_k
    increasing), U = Σ_k |e_k⟩⟨r_k| maps ρ to σ = Σ_k r_k |e_k⟩⟨e_k| (Allahverdyan, Balian &
    Nieuwenhuizen, EPL 67, 565 (2004)). ``state`` is a ket or a density matrix; H0 is dense
    or sparse (made dense: this needs the full spectrum).
    """
    rho, H = _state_and_h(state, H0)
    Hd = _dense(H)
    r, Vr = np.linalg.eigh(rho)
    r, Vr = r[::-1], Vr[:, ::-1]
    e, Ve = np.linalg.eigh(Hd)
    U = np.asarray(Ve @ Vr.conj().T, dtype=complex)
    sigma = np.asarray((Ve * r[None, :]) @ Ve.conj().T, dtype=complex)
    energy = float(expectation(H, rho).real)
    # Round-off can leave −1e-16; the ergotropy is ≥ 0 by construction.
    value = max(energy - float(np.dot(r, e)), 0.0)
    return ErgotropyExtraction(value=value, energy=energy, passive_state=sigma, unitary=U)


def von_neumann_entropy(state: ArrayLike) -> float:
    """S(ρ) = −Tr ρ ln ρ in nats (0 for a pure state); ``state`` a ket or density matrix."""
    arr = state_array(state)
    if arr.ndim == 1 or (arr.ndim == 2 and 1 in arr.shape and arr.shape != (1, 1)):
        as_ket(arr, arr.size, name="state")
        return 0.0
    dim = arr.shape[0] if arr.ndim else 1
    rho = as_density_matrix(arr, dim, name="state")
    p = np.linalg.eigvalsh(rho)
    p = p[p > 1e-15]  # 0 ln 0 = 0; round-off eigenvalues dropped
    return max(float(-np.sum(p * np.log(p))), 0.0)


def stored_energy(state: ArrayLike, state0: ArrayLike, H0: Operator) -> float:
    """W = Tr[ρ H0] − Tr[ρ0 H0] (§2.3.2): > 0 when charged, < 0 when discharged."""
    H = as_hermitian(H0, name="H0")
    n = H.shape[0]
    rho = as_density_matrix(state, n, name="state")
    rho0 = as_density_matrix(state0, n, name="state0")
    return float(expectation(H, rho).real - expectation(H, rho0).real)


def average_power(times: ArrayLike, W: ArrayLike) -> NDArray[np.float64]:
    """P(t) = W(t)/t (§2.3.2) at times t > 0.

    t = 0 is refused (:class:`InvalidParameterError`), not answered with NaN: the ratio is
    undefined there (its limit is dW/dt at 0, which samples of W do not give).
    """
    t = as_float_array("times", times)
    w = as_float_array("W", W)
    if t.shape != w.shape:
        raise InvalidParameterError(
            f"`times` and `W` must have the same shape, got {t.shape} and {w.shape}."
        )
    if not np.all(np.isfinite(t)) or not np.all(np.isfinite(w)):
        raise InvalidParameterError("`times` and `W` must be finite.")
    if np.any(t <= 0):
        raise InvalidParameterError(
            "`times` must be > 0: P(t) = W(t)/t is undefined at t = 0 (and negative times "
            "precede the charging); drop those points."
        )
    with np.errstate(over="ignore"):
        P = np.asarray(w / t, dtype=np.float64)
    if not np.all(np.isfinite(P)):
        raise InvalidParameterError(
            "P(t) = W(t)/t overflows double precision: a time in `times` is too close to 0 "
            f"(smallest {float(t.min()):g}) for the energies in `W`; drop those points."
        )
    return P


def figure_of_merit(P: ArrayLike, W: ArrayLike, a: float) -> NDArray[np.float64]:
    """F = P^a W^(1−a), 0 ≤ a ≤ 1 (§2.3.2): a = 0 gives W, a = 1 gives P.

    Defined where P, W ≥ 0 (a charged battery); NaN where either is negative.
    """
    a = require_in_range("a", a, 0.0, 1.0)
    p = np.asarray(P, dtype=float)
    w = np.asarray(W, dtype=float)
    ok = (p >= 0) & (w >= 0)
    with np.errstate(invalid="ignore"):
        F = np.power(np.where(ok, p, 0.0), a) * np.power(np.where(ok, w, 0.0), 1.0 - a)
    return np.where(ok, F, np.nan)


def optimal_figure_of_merit(times: ArrayLike, W: ArrayLike, a: float) -> tuple[float, float]:
    """The largest F = P^a W^(1−a) over the time grid and the time it is reached: (F*, t*)."""
    t = np.asarray(times, dtype=float)
    P = average_power(t, W)
    F = figure_of_merit(P, W, a)
    if not np.any(np.isfinite(F)):
        raise InvalidParameterError("no time with W ≥ 0: F is undefined everywhere.")
    k = int(np.nanargmax(F))
    return float(F[k]), float(t[k])
