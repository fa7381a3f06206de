"""Prebuilt thermal machines researchers reach for, each an undriven
:class:`~ssbattery.thermal.model.ThermalModel` with its steady-state analysis.

* :func:`absorption_refrigerator`: three qubits c, r, h (ω_r = ω_c + ω_h) with the
  three-body exchange g(σ⁺_c σ⁻_r σ⁺_h + h.c.), each on its own bath (T_c < T_r < T_h), in
  the local form (Linden, Popescu & Skrzypczyk, PRL 105, 130401 (2010)). In the local
  regime every exchange moves ω_c out of the cold bath and ω_h out of the hot one into the
  room, so COP = J_c/J_h = ω_c/ω_h (local currents Tr[h_k D_k ρ]).
* :func:`heat_valve`: two qubits, exchange coupling g, the hot bath on qubit 1, the cold on
  qubit 2 (global, Davies) — the heat current against the detuning δ = ω_2 − ω_1, which
  opens (δ = 0) and closes (|δ| ≫ g) the valve (e.g. Ronzani et al., Nat. Phys. 14, 991
  (2018) for a superconducting heat valve).
* :func:`heat_transistor`: the quantum thermal transistor of Joulain, Drevillon, Ezzahri &
  Ordonez-Miranda, PRL 116, 200601 (2016): three qubits L (emitter), M (base), R
  (collector), H = Σ_p (ω_p/2)σᶻ_p + Δ_LM σᶻ_Lσᶻ_M + Δ_MR σᶻ_Mσᶻ_R (their double sum
  Σ_{p≠p'} (Δ_pp'/2)σᶻσᶻ with Δ_LR = 0), each qubit on its own bath through σˣ_p (global,
  Davies; H is diagonal, so the dynamics is a Pauli rate equation on the 8 product
  states). The base temperature T_M steers the emitter and collector currents; the
  amplification factors α_{L,R} = ∂J_{L,R}/∂J_M (central differences in T_M) satisfy
  α_L + α_R = −1 (current conservation). Departure from the paper: the baths are Ohmic
  (γ(ω) = γ₀ ω) and the default frequencies (ω_L, ω_M, ω_R) = (0.4, 0.5, 0.6),
  (Δ_LM, Δ_MR) = (0.6, 0.8) are ours, chosen off resonance (no Bohr frequency is 0); the
  paper's figures are not reproduced number for number. A transistor needs three terminals,
  so it has three qubits (a two-body version needs a qutrit, Guo, Liu & Yu, PRE 2019).
* :func:`xxz_chain`: an N-site XXZ chain H = Σ_i J(σˣσˣ + σʸσʸ + Δσᶻσᶻ) + Σ_i (B/2)σᶻ_i
  driven at its ends by local baths (left T_L, right T_R): the steady bond energy currents
  (:func:`~ssbattery.thermal.currents.bond_currents`), equal on every bond.

ħ = k_B = 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Printed
from ssbattery.thermal.baths import Bath, current_floor, heat_currents
from ssbattery.thermal.currents import bond_currents, local_bath_currents
from ssbattery.thermal.lindblad import steady_state
from ssbattery.thermal.model import BathCoupling, ThermalModel
from ssbattery.validation import require_int_at_least, require_positive

__all__ = [
    "AbsorptionFridge",
    "ChainTransport",
    "HeatTransistor",
    "absorption_refrigerator",
    "heat_transistor",
    "heat_valve",
    "xxz_chain",
]

_SM = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ (index 0) → |g⟩
_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
_SZ = np.diag([1.0, -1.0]).astype(complex)


def _site(op: NDArray, k: int, n: int) -> NDArray:
    out = np.array([[1.0 + 0j]])
    for j in range(n):
        out = np.kron(out, op if j == k else np.eye(2))
    return out


@dataclass(frozen=True)
class AbsorptionFridge(Printed):
    """Steady state of the absorption refrigerator: local heat currents J_c, J_r, J_h into
    the qubits (J_c > 0: cooling; a current within round-off,
    :func:`~ssbattery.thermal.baths.current_floor`, is reported as 0), the COP J_c/J_h (NaN
    unless J_c, J_h > 0), the currents with the full H (which differ by O(g)), and the model
    (for :func:`~ssbattery.thermal.audit.audit`)."""

    currents: tuple[float, float, float]
    cop: float
    full_h_currents: tuple[float, float, float]
    model: ThermalModel

    @property
    def cooling(self) -> bool:
        """True when heat is drawn from the cold bath."""
        return self.currents[0] > 0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys: currents in E₀² (E₀ the unit of the qubit
        frequencies, couplings and rates; ħ = k_B = 1), the COP [1]."""
        jc, jr, jh = self.currents
        return {
            "J_c [E₀²]": jc,
            "J_r [E₀²]": jr,
            "J_h [E₀²]": jh,
            "cop [1]": self.cop,
            "cooling": self.cooling,
            "full_h_currents [E₀²]": list(self.full_h_currents),
        }


def absorption_refrigerator(
    *,
    omega_c: float = 1.0,
    omega_h: float = 2.0,
    coupling: float = 0.001,
    T_c: float = 0.5,
    T_r: float = 0.6,
    T_h: float = 3.0,
    rate: float = 0.05,
) -> AbsorptionFridge:
    """The three-qubit absorption refrigerator (module docstring), local dissipators."""
    wc, wh = require_positive("omega_c", omega_c), require_positive("omega_h", omega_h)
    wr = wc + wh
    g = float(coupling)
    if not (T_c < T_r < T_h):
        raise InvalidParameterError(
            f"temperatures must satisfy T_c < T_r < T_h, got {T_c!r}, {T_r!r}, {T_h!r}."
        )
    sm = [_site(_SM, k, 3) for k in range(3)]  # c, r, h
    h_loc = [w * s.conj().T @ s for w, s in zip((wc, wr, wh), sm, strict=True)]
    V = g * (sm[0].conj().T @ sm[1] @ sm[2].conj().T)
    H = sum(h_loc) + V + V.conj().T
    baths = tuple(
        BathCoupling(Bath(T, rate), s, "local", w, label)
        for T, s, w, label in zip(
            (T_c, T_r, T_h), sm, (wc, wr, wh), ("cold", "room", "hot"), strict=True
        )
    )
    model = ThermalModel(H, baths, name="three-qubit absorption refrigerator", dims=(2, 2, 2))
    groups = model.dissipators()
    rho = steady_state(H, [c for g_ in groups for c in g_])
    loc = tuple(local_bath_currents(rho, h, g_) for h, g_ in zip(h_loc, groups, strict=True))
    full = tuple(float(j) for j in heat_currents(H, groups, rho))
    # below round-off a current is 0 (g = 0, or the reversible point
    # ω_c/T_c − ω_r/T_r + ω_h/T_h = 0), not a sign to read a COP from
    floor = current_floor(H, [c for g_ in groups for c in g_])
    loc = tuple(j if abs(j) > floor else 0.0 for j in loc)
    cop = loc[0] / loc[2] if loc[0] > 0 and loc[2] > 0 else math.nan
    return AbsorptionFridge(loc, cop, full, model)  # type: ignore[arg-type]


def heat_valve(
    detunings: Sequence[float] | NDArray[np.float64],
    *,
    omega: float = 1.0,
    coupling: float = 0.05,
    T_hot: float = 2.0,
    T_cold: float = 0.5,
    rate: float = 0.01,
) -> NDArray[np.float64]:
    """Steady heat current from the hot bath (qubit 1, gap ω) to the cold one (qubit 2,
    gap ω + δ) through an exchange coupling g(σ⁺₁σ⁻₂ + h.c.), global Davies baths, for each
    detuning δ of ``detunings``."""
    out = []
    s1, s2 = _site(_SM, 0, 2), _site(_SM, 1, 2)
    for d in np.asarray(detunings, dtype=float):
        w2 = omega + float(d)
        if w2 <= 0:
            raise InvalidParameterError(f"ω + δ must be > 0, got δ = {d!r}.")
        H = omega * s1.conj().T @ s1 + w2 * s2.conj().T @ s2
        H = H + coupling * (s1.conj().T @ s2 + s2.conj().T @ s1)
        model = ThermalModel(
            H,
            (
                BathCoupling(Bath(T_hot, rate), s1 + s1.conj().T, label="hot"),
                BathCoupling(Bath(T_cold, rate), s2 + s2.conj().T, label="cold"),
            ),
        )
        groups = model.dissipators()
        rho = steady_state(H, [c for g in groups for c in g])
        out.append(float(heat_currents(H, groups, rho)[0]))
    return np.array(out)


@dataclass(frozen=True)
class HeatTransistor(Printed):
    """Steady state of the heat transistor: the currents (J_L, J_M, J_R) from the emitter,
    base and collector baths into the qubits, the amplification factors
    (α_L, α_R) = ∂J_{L,R}/∂J_M at fixed T_L, T_R, and the model (for the audit)."""

    currents: tuple[float, float, float]
    amplification: tuple[float, float]
    model: ThermalModel

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys: currents in E₀² (ħ = k_B = 1), amplifications [1]."""
        return {
            "J_L [E₀²]": self.currents[0],
            "J_M [E₀²]": self.currents[1],
            "J_R [E₀²]": self.currents[2],
            "alpha_L [1]": self.amplification[0],
            "alpha_R [1]": self.amplification[1],
        }


def _transistor_model(
    omega: Sequence[float],
    coupling: Sequence[float],
    temperatures: Sequence[float],
    rate: float,
    spectral_exponent: float,
) -> ThermalModel:
    z = [_site(_SZ, k, 3) for k in range(3)]
    H = sum(0.5 * w * zk for w, zk in zip(omega, z, strict=True))
    H = H + coupling[0] * z[0] @ z[1] + coupling[1] * z[1] @ z[2]
    baths = tuple(
        BathCoupling(
            Bath(T, rate, spectral_exponent=spectral_exponent), _site(_SX, k, 3), label=label
        )
        for k, (T, label) in enumerate(
            zip(temperatures, ("emitter L", "base M", "collector R"), strict=True)
        )
    )
    return ThermalModel(H, baths, name="three-qubit heat transistor", dims=(2, 2, 2))


def _steady_currents(model: ThermalModel) -> NDArray[np.float64]:
    H = model.hamiltonian()
    groups = model.dissipators()
    rho = steady_state(H, [c for g in groups for c in g])
    return np.asarray(heat_currents(H, groups, rho), dtype=float)


def heat_transistor(
    T_base: float,
    *,
    T_emitter: float = 1.0,
    T_collector: float = 0.1,
    omega: tuple[float, float, float] = (0.4, 0.5, 0.6),
    coupling: tuple[float, float] = (0.6, 0.8),
    rate: float = 0.01,
    spectral_exponent: float = 1.0,
    step: float = 1e-4,
) -> HeatTransistor:
    """The three-qubit heat transistor (module docstring) at base temperature ``T_base``;
    ``omega`` = (ω_L, ω_M, ω_R), ``coupling`` = (Δ_LM, Δ_MR), ``step`` the relative step of
    the central difference in T_M."""
    TM = require_positive("T_base", T_base)
    for name, w in zip(("omega_L", "omega_M", "omega_R"), omega, strict=True):
        require_positive(name, w)
    h = require_positive("step", step) * TM

    def at(T: float) -> NDArray[np.float64]:
        model = _transistor_model(
            omega, coupling, (T_emitter, T, T_collector), rate, spectral_exponent
        )
        return _steady_currents(model)

    model = _transistor_model(
        omega, coupling, (T_emitter, TM, T_collector), rate, spectral_exponent
    )
    J = _steady_currents(model)
    up, down = at(TM + h), at(TM - h)
    dJ = up - down
    if abs(dJ[1]) < 1e-10 * rate * h:  # round-off: J_M does not depend on T_M
        raise InvalidParameterError("the base current does not respond to T_base here.")
    alpha = (float(dJ[0] / dJ[1]), float(dJ[2] / dJ[1]))
    return HeatTransistor((float(J[0]), float(J[1]), float(J[2])), alpha, model)


@dataclass(frozen=True)
class ChainTransport(Printed):
    """Steady state of a boundary-driven chain: bond energy currents J_{i→i+1}, the bath
    currents into the two end sites (local energies), ⟨σᶻ_i⟩ profile and the model."""

    bond_currents: NDArray[np.float64]
    bath_currents: tuple[float, float]
    magnetization: NDArray[np.float64]
    model: ThermalModel

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys: currents in E₀² (ħ = k_B = 1), ⟨σᶻ_i⟩ [1]."""
        return {
            "bond_currents [E₀²]": self.bond_currents.tolist(),
            "J_left [E₀²]": self.bath_currents[0],
            "J_right [E₀²]": self.bath_currents[1],
            "magnetization [1]": self.magnetization.tolist(),
        }


def xxz_chain(
    n_sites: int = 4,
    *,
    J: float = 0.1,
    anisotropy: float = 0.5,
    field: float = 1.0,
    T_left: float = 2.0,
    T_right: float = 0.5,
    rate: float = 0.2,
) -> ChainTransport:
    """The boundary-driven XXZ chain (module docstring), local baths on sites 0 and N − 1
    (each a qubit of gap B = ``field``)."""
    n = require_int_at_least("n_sites", n_sites, 2)
    if n > 8:
        raise InvalidParameterError(f"`n_sites` = {n}: at most 8 sites (dense Liouvillian).")
    sz = [_site(_SZ, k, n) for k in range(n)]
    hs = [0.5 * field * z for z in sz]
    bonds = {
        (i, i + 1): J
        * (
            _site(_SX, i, n) @ _site(_SX, i + 1, n)
            + _site(_SY, i, n) @ _site(_SY, i + 1, n)
            + anisotropy * sz[i] @ sz[i + 1]
        )
        for i in range(n - 1)
    }
    H = sum(hs) + sum(bonds.values())
    ends = (_site(_SM, 0, n), _site(_SM, n - 1, n))
    baths = (
        BathCoupling(Bath(T_left, rate), ends[0], "local", field, "left"),
        BathCoupling(Bath(T_right, rate), ends[1], "local", field, "right"),
    )
    model = ThermalModel(H, baths, name=f"XXZ chain (N = {n}, Δ = {anisotropy:g})", dims=(2,) * n)
    groups = model.dissipators()
    rho = steady_state(H, [c for g in groups for c in g])
    J_b = bond_currents(rho, hs, bonds)
    left = local_bath_currents(rho, hs[0], groups[0])
    right = local_bath_currents(rho, hs[-1], groups[1])
    mag = np.array([float(np.real(np.trace(rho @ z))) for z in sz])
    return ChainTransport(
        np.array([J_b[(i, i + 1)] for i in range(n - 1)]), (left, right), mag, model
    )
