"""Thermal baths: occupations, thermal states, local and global (Davies) dissipators,
heat currents, entropy production and a validity check of the local form.

Conventions: ħ = k_B = 1, energies and temperatures in units of the model's reference
frequency. A bath couples through a system operator S; its spectral rate is
γ(ω) = ``rate`` · (ω/ω_ref)^s (flat for s = 0, Ohmic for s = 1). Transitions that lower
the energy by ω > 0 happen at γ(ω)[n(ω) + 1] (bosons) or γ(ω)[1 − f(ω)] (fermions), the
reverse at γ(ω) n(ω) or γ(ω) f(ω); either way the ratio is e^{−ω/T} (detailed balance),
so the Gibbs state of H is a steady state of the global dissipators.

* **Global** (secular, Davies) form: jump operators A(ω) = Σ_{E_m − E_n = ω} ⟨n|S|m⟩ |n⟩⟨m|
  from the eigen-decomposition of the full H. Thermodynamically consistent (σ ≥ 0) but
  valid only when the Bohr frequencies are resolved: splittings ≫ bath rates.
* **Local** form: jump operators of one subsystem at its bare frequency, ignoring the
  inter-site coupling λ. Valid when λ ≲ bath rates (Hofer et al., New J. Phys. 19, 123037
  (2017)); outside it, it can let heat flow from cold to hot. :func:`check_local_validity`
  warns when it does.

Heat current from bath k into the system: J_k = Tr[H D_k(ρ)]. Entropy production
σ = −Σ_k J_k/T_k ≥ 0 at a steady state with global baths (second law).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from ssbattery.errors import InvalidParameterError, ValidityWarning
from ssbattery.quantum.operators import as_hermitian, as_operator, expectation
from ssbattery.results import Recorded
from ssbattery.validation import require_finite, require_positive

__all__ = [
    "Bath",
    "ValidityReport",
    "check_local_validity",
    "current_floor",
    "entropy_production",
    "global_dissipators",
    "heat_currents",
    "local_coupling_strength",
    "local_dissipators",
    "occupation",
    "thermal_state",
]


def occupation(
    omega: float | np.ndarray,
    temperature: float,
    statistics: Literal["bose", "fermi"] = "bose",
) -> np.ndarray:
    """Bose n(ω) = 1/(e^{ω/T} − 1) or Fermi f(ω) = 1/(e^{ω/T} + 1) for ω > 0, T ≥ 0.

    At T = 0 both are 0. ω must be > 0 (the ω → 0 Bose occupation diverges).
    """
    T = require_positive("temperature", temperature, allow_zero=True)
    if statistics not in ("bose", "fermi"):  # checked first: T = 0 must not hide a typo
        raise InvalidParameterError(f"`statistics` must be 'bose' or 'fermi', got {statistics!r}.")
    w = np.asarray(omega, dtype=float)
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise InvalidParameterError(f"`omega` must be > 0 and finite, got {omega!r}.")
    if T == 0:
        return np.zeros_like(w)
    x = w / T
    if statistics == "bose":
        return 1.0 / np.expm1(np.minimum(x, 700.0))  # e^{700}: n̄ underflows to 0
    return 1.0 / (np.exp(np.minimum(x, 700.0)) + 1.0)


@dataclass(frozen=True)
class Bath:
    """A thermal bath: ``temperature`` T ≥ 0 and ``rate`` γ₀ ≥ 0 (units of the reference
    frequency), spectral rate γ(ω) = γ₀ (ω/ω_ref)^s with ``spectral_exponent`` s ≥ 0 and
    ``reference_frequency`` ω_ref > 0, and Bose or Fermi ``statistics``."""

    temperature: float
    rate: float
    statistics: Literal["bose", "fermi"] = "bose"
    spectral_exponent: float = 0.0
    reference_frequency: float = 1.0

    def __post_init__(self) -> None:
        require_positive(
            "temperature", self.temperature, allow_zero=True, quantity="model_temperature"
        )
        require_positive("rate", self.rate, allow_zero=True, quantity="model_rate")
        require_positive("spectral_exponent", self.spectral_exponent, allow_zero=True)
        require_positive("reference_frequency", self.reference_frequency)
        if self.statistics not in ("bose", "fermi"):
            raise InvalidParameterError(
                f"`statistics` must be 'bose' or 'fermi', got {self.statistics!r}."
            )

    def spectral_rate(self, omega: float) -> float:
        """γ(ω) = rate · (ω/ω_ref)^s for ω > 0."""
        return float(self.rate * (omega / self.reference_frequency) ** self.spectral_exponent)

    def down_up_rates(self, omega: float) -> tuple[float, float]:
        """Rates (emission, absorption) of a transition of frequency ω > 0."""
        g = self.spectral_rate(omega)
        n = float(occupation(omega, self.temperature, self.statistics))
        if self.statistics == "bose":
            return g * (n + 1.0), g * n
        return g * (1.0 - n), g * n


def _dense(name: str, op: Any, dim: int | None = None) -> np.ndarray:
    return np.asarray(as_operator(op, name=name, dim=dim, dense=True, dtype=complex))


def _dense_hermitian(name: str, op: Any) -> np.ndarray:
    return np.asarray(as_hermitian(op, name=name, dense=True, dtype=complex))


def thermal_state(H: Any, temperature: float) -> np.ndarray:
    """The Gibbs state e^{−H/T}/Z (T > 0) or the uniform mixture of ground states (T = 0)."""
    T = require_positive("temperature", temperature, allow_zero=True)
    Hm = _dense_hermitian("H", H)
    E, V = np.linalg.eigh(Hm)
    if T == 0:
        p = (E - E[0] <= 1e-12 * max(1.0, abs(E[0]))).astype(float)
    else:
        p = np.exp(-(E - E[0]) / T)
    p /= p.sum()
    rho = (V * p) @ V.conj().T
    return 0.5 * (rho + rho.conj().T)


def global_dissipators(
    H: Any, system_op: Any, bath: Bath, *, frequency_tol: float = 1e-9
) -> list[np.ndarray]:
    """Secular (Davies) jump operators of ``bath`` coupled through ``system_op`` to ``H``.

    For every distinct Bohr frequency ω > 0 (transitions grouped within ``frequency_tol``)
    A(ω) = Σ_{E_m − E_n ≈ ω} ⟨n|S|m⟩ |n⟩⟨m| and the jump operators are
    √(γ(ω)[n(ω)+1]) A(ω) and √(γ(ω) n(ω)) A(ω)† (Bose; 1 − f and f for Fermi). Pure
    dephasing (ω = 0) terms are left out. Returned in the basis of ``H``.
    """
    if not isinstance(bath, Bath):
        raise InvalidParameterError(f"`bath` must be a Bath, got {type(bath).__name__}.")
    Hm = _dense_hermitian("H", H)
    d = Hm.shape[0]
    S = _dense("system_op", system_op, d)
    E, V = np.linalg.eigh(Hm)
    Se = V.conj().T @ S @ V
    scale = max(1.0, float(np.max(np.abs(E))))
    n_idx, m_idx = np.nonzero(E[None, :] - E[:, None] > frequency_tol * scale)
    w = E[m_idx] - E[n_idx]
    amp = Se[n_idx, m_idx]
    nz = np.abs(amp) > 1e-14 * max(1.0, float(np.max(np.abs(Se), initial=0.0)))
    n_idx, m_idx, w, amp = n_idx[nz], m_idx[nz], w[nz], amp[nz]
    order = np.argsort(w)
    n_idx, m_idx, w, amp = n_idx[order], m_idx[order], w[order], amp[order]
    ops: list[np.ndarray] = []
    start = 0
    while start < w.size:
        stop = start + 1
        while stop < w.size and w[stop] - w[start] <= frequency_tol * scale:
            stop += 1
        A = np.zeros((d, d), dtype=complex)
        A[n_idx[start:stop], m_idx[start:stop]] = amp[start:stop]
        A = V @ A @ V.conj().T
        omega = float(np.mean(w[start:stop]))
        down, up = bath.down_up_rates(omega)
        if down > 0:
            ops.append(math.sqrt(down) * A)
        if up > 0:
            ops.append(math.sqrt(up) * A.conj().T)
        start = stop
    return ops


def local_dissipators(lowering_op: Any, frequency: float, bath: Bath) -> list[np.ndarray]:
    """Local jump operators √(γ(ω)[n(ω)+1]) a and √(γ(ω) n(ω)) a† of one subsystem.

    ``lowering_op`` a lowers the subsystem by ``frequency`` ω > 0 (e.g. σ⁻ ⊗ 1 of a qubit
    of gap ω); the inter-site coupling is ignored (see :func:`check_local_validity`).
    """
    if not isinstance(bath, Bath):
        raise InvalidParameterError(f"`bath` must be a Bath, got {type(bath).__name__}.")
    w = require_positive("frequency", frequency)
    a = _dense("lowering_op", lowering_op)
    down, up = bath.down_up_rates(w)
    ops = []
    if down > 0:
        ops.append(math.sqrt(down) * a)
    if up > 0:
        ops.append(math.sqrt(up) * a.conj().T)
    return ops


def _apply_dissipator(c_ops: Sequence[np.ndarray], rho: np.ndarray) -> np.ndarray:
    out = np.zeros_like(rho, dtype=complex)
    for C in c_ops:
        CdC = C.conj().T @ C
        out += C @ rho @ C.conj().T - 0.5 * (CdC @ rho + rho @ CdC)
    return out


def heat_currents(H: Any, dissipators: Sequence[Sequence[Any]], rho: Any) -> np.ndarray:
    """Heat currents J_k = Tr[H D_k(ρ)] from each bath k into the system (one per group).

    ``dissipators[k]`` is the list of jump operators of bath k. With a time-independent H,
    Σ_k J_k = d⟨H⟩/dt (first law); at a steady state Σ_k J_k = 0.
    """
    Hm = _dense("H", H)
    d = Hm.shape[0]
    R = _dense("rho", rho, d)
    out = []
    for k, group in enumerate(dissipators):
        cs = [_dense(f"dissipators[{k}][{j}]", c, d) for j, c in enumerate(group)]
        out.append(expectation(Hm, _apply_dissipator(cs, R)).real)
    return np.array(out)


def entropy_production(
    currents: Sequence[float] | np.ndarray,
    temperatures: Sequence[float] | np.ndarray,
    *,
    tol: float = 0.0,
) -> float:
    """σ = −Σ_k J_k/T_k (rate of entropy given to the baths; ≥ 0 at a steady state), or the
    same sum per cycle for heats Q_k. J_k > 0: heat from bath k into the system.

    A bath at T = 0 enters through the limit T → 0⁺: one that takes heat (J_k < −``tol``)
    makes σ = +∞ (allowed: e.g. an engine whose cold bath is at T = 0); one that gives heat
    (J_k > ``tol``) makes σ = −∞ (a violation, whatever the other baths do); |J_k| ≤ ``tol``
    at T = 0 counts as 0. ``tol`` (≥ 0, in the units of the currents) absorbs round-off.
    """
    J = np.asarray(currents, dtype=float)
    T = np.asarray(temperatures, dtype=float)
    if J.shape != T.shape:
        raise InvalidParameterError(
            f"`currents` and `temperatures` must have the same length, got {J.size} and {T.size}."
        )
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise InvalidParameterError(f"`temperatures` must be finite and ≥ 0, got {T.tolist()}.")
    if np.any(~np.isfinite(J)):
        raise InvalidParameterError(f"`currents` must be finite, got {J.tolist()}.")
    atol = require_positive("tol", tol, allow_zero=True)
    cold = T == 0
    if np.any(J[cold] > atol):
        return -math.inf
    if np.any(J[cold] < -atol):
        return math.inf
    return float(-np.sum(J[~cold] / T[~cold])) + 0.0  # + 0.0: no −0 for no current


@dataclass(frozen=True)
class ValidityReport(Recorded):
    """Outcome of :func:`check_local_validity`: heat currents J_k into the system, the
    entropy production σ, the inter-site coupling read from H, the heat currents of the
    global (secular) master equation with the same baths (NaN when not compared) and the
    list of problems found (empty when none)."""

    currents: np.ndarray
    entropy_production: float
    issues: tuple[str, ...]
    coupling: float = 0.0
    global_currents: np.ndarray | None = None

    _UNITS: ClassVar[dict[str, str]] = {
        "currents": "E₀²",
        "entropy_production": "k_B E₀",
        "coupling": "E₀",
        "global_currents": "E₀²",
    }

    def _title(self) -> str:
        found = f"{len(self.issues)} issue(s)" if self.issues else "valid"
        return f"local master equation check: {found}"

    @property
    def valid(self) -> bool:
        """True when no problem was found."""
        return not self.issues


def current_floor(H: Any, jump_ops: Sequence[Any]) -> float:
    """The round-off level of a heat current Tr[H D(ρ)] of the dissipators ``jump_ops``:
    1e-13 max(1, max|H_ij|) Σ_k ‖C_k‖² (‖·‖ the spectral norm, so Σ_k ‖C_k‖² is the total
    jump rate, e.g. γ(2n̄ + 1) for a qubit's bath). The computed currents carry ~1e-16 of
    that scale; a smaller current is taken as 0, with no direction."""
    Hm = _dense("H", H)
    d = Hm.shape[0]
    rate = sum(
        float(np.linalg.norm(_dense(f"jump_ops[{k}]", C, d), 2)) ** 2
        for k, C in enumerate(jump_ops)
    )
    return 1e-13 * max(rate, 1e-300) * max(1.0, float(np.max(np.abs(Hm))))


def local_coupling_strength(H: Any, jump_ops: Sequence[Any]) -> float:
    """The part of ``H`` that local jump operators ignore, as an energy.

    A jump operator C of a bare subsystem transition of frequency ω satisfies
    [H_loc, C] = −ω C. For each C, with ω_C = −Tr(C†[H, C])/Tr(C†C) the best-fitting
    frequency, the residual ‖[H, C] + ω_C C‖_F / ‖C‖_F vanishes when C is an eigenoperator
    of H and equals λ for two resonant qubits coupled by −λ(σ⁺₁σ⁻₂ + h.c.). Returns the
    largest residual over ``jump_ops`` (0 for none).
    """
    Hm = _dense("H", H)
    d = Hm.shape[0]
    worst = 0.0
    for j, op in enumerate(jump_ops):
        C = _dense(f"jump_ops[{j}]", op, d)
        norm2 = float(np.vdot(C, C).real)
        if norm2 <= 0:
            continue
        K = Hm @ C - C @ Hm
        omega = -float(np.vdot(C, K).real) / norm2
        worst = max(worst, float(np.linalg.norm(K + omega * C)) / math.sqrt(norm2))
    return worst


def _global_currents(H: np.ndarray, baths: Sequence[tuple[Bath, Sequence[Any]]]) -> np.ndarray:
    """Steady heat currents of the global master equation whose bath k couples through
    S_k = C_k + C_k† (C_k the first local jump operator of bath k, normalised)."""
    from ssbattery.thermal.lindblad import steady_state

    d = H.shape[0]
    groups: list[list[np.ndarray]] = []
    for k, (bath, ops) in enumerate(baths):
        if not ops:
            groups.append([])
            continue
        C = _dense(f"baths[{k}] jump operator", ops[0], d)
        C = C / max(float(np.linalg.norm(C, 2)), 1e-300)
        groups.append(global_dissipators(H, C + C.conj().T, bath))
    try:
        rho = steady_state(H, [c for g in groups for c in g])
    except InvalidParameterError:  # the global steady state is not unique: no verdict
        return np.full(len(groups), np.nan)
    return heat_currents(H, groups, rho)


def check_local_validity(
    H: Any,
    baths: Sequence[tuple[Bath, Sequence[Any]]],
    rho: Any,
    *,
    inter_site_coupling: float | None = None,
    max_coupling_ratio: float = 1.0,
    driven: bool = False,
    compare_global: bool = True,
    tol: float = 1e-10,
    warn: bool = True,
) -> ValidityReport:
    """Check a local master equation's thermodynamics at the state ``rho``.

    ``baths`` pairs each :class:`Bath` with its (local) jump operators. The inter-site
    coupling λ is read from ``H`` itself (:func:`local_coupling_strength` of all jump
    operators); an explicit ``inter_site_coupling`` can only raise it (the larger of the
    two is used), so a forgotten argument no longer hides a strong coupling. Problems
    reported (and, with ``warn``, emitted as :class:`~ssbattery.errors.ValidityWarning`):

    1. λ ≥ ``max_coupling_ratio`` × the smallest bath rate: the local form needs λ ≲ γ
       (Hofer et al., New J. Phys. 19, 123037 (2017)); use :func:`global_dissipators`.
    2. heat flowing from the colder to the hotter of two baths in an undriven machine
       (``driven`` False; with three or more baths, e.g. an absorption refrigerator, heat
       may leave a cold bath and only the entropy production binds);
    3. negative entropy production σ = −Σ J_k/T_k < −tol;
    4. (``compare_global``, undriven) a heat current whose direction differs from that of
       the global (secular) master equation built with the same baths.
    """
    lam = local_coupling_strength(H, [c for _, ops in baths for c in ops])
    if inter_site_coupling is not None:
        lam = max(lam, abs(require_finite("inter_site_coupling", inter_site_coupling)))
    ratio = require_positive("max_coupling_ratio", max_coupling_ratio)
    issues: list[str] = []
    rates = [b.rate for b, _ in baths if b.rate > 0]
    if rates and lam >= ratio * min(rates):
        issues.append(
            f"inter-site coupling |λ| = {lam:.3g} (read from H) is comparable to or above the "
            f"bath rate {min(rates):.3g}: the local master equation is outside its validity; "
            "use global (secular) dissipators."
        )
    J = heat_currents(H, [ops for _, ops in baths], rho)
    temps = [b.temperature for b, _ in baths]
    scale = max(1.0, float(np.max(np.abs(J), initial=0.0)))
    sigma = entropy_production(J, temps, tol=tol * scale)
    if not driven and len(baths) == 2:  # with 3+ baths heat may leave a cold one
        for i, (ti, ji) in enumerate(zip(temps, J, strict=True)):
            for j, (tj, jj) in enumerate(zip(temps, J, strict=True)):
                if ti < tj and ji > tol * scale and jj < -tol * scale:
                    issues.append(
                        f"heat flows from the cold bath {i} (T = {ti:.3g}, J = {ji:.3g}) to "
                        f"the hot bath {j} (T = {tj:.3g}, J = {jj:.3g}) without work."
                    )
    if sigma < -tol:
        issues.append(
            f"negative entropy production σ = {sigma:.3g}: the local master equation "
            "violates the second law here."
        )
    Jg: np.ndarray | None = None
    if compare_global and not driven and len(baths) > 1:
        Jg = _global_currents(_dense("H", H), baths)
        gscale = float(np.nanmax(np.abs(Jg), initial=0.0))
        # currents within round-off (current_floor) are 0, e.g. at equal temperatures,
        # and have no direction to disagree on
        floor = current_floor(H, [c for _, ops in baths for c in ops])
        for k, (jl, jg) in enumerate(zip(J, Jg, strict=True)):
            if not math.isfinite(jg):
                continue
            big = max(abs(jl), abs(jg)) > max(floor, 1e-6 * max(gscale, float(np.max(np.abs(J)))))
            if big and min(abs(jl), abs(jg)) > floor and jl * jg < 0:  # both have a sign
                issues.append(
                    f"the local and global master equations disagree on the direction of "
                    f"the heat current of bath {k} (local J = {jl:.3g}, global J = {jg:.3g})."
                )
    if warn:
        for msg in issues:
            warnings.warn(msg, ValidityWarning, stacklevel=2)
    return ValidityReport(
        currents=J,
        entropy_production=sigma,
        issues=tuple(issues),
        coupling=lam,
        global_currents=Jg,
    )
