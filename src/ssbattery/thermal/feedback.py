"""Measurement and feedback machines of two coupled qubits (review §2.4, Bhandari et al.).

Model (after Bhandari, Czupryniak, Erdman & Jordan, Entropy 25, 204 (2023), ref. 148 of the
review; ħ = k_B = 1, energies in units of ω1 unless stated). Two qubits Q1, Q2 with a σz–σz
coupling g,

    H_Q = ω1/2 σz⁽¹⁾ + ω2/2 σz⁽²⁾ + g σz⁽¹⁾σz⁽²⁾,

each exchanging energy with its own bosonic bath (temperature T_i, rate γ_i) through σx⁽ⁱ⁾,
in the global secular (Davies) form of :func:`ssbattery.thermal.baths.global_dissipators`,

    dρ/dt = −i[H_Q, ρ] + Σ_i Σ_ω γ_i(ω)[n_i(ω)+1] D[A_i(ω)]ρ + γ_i(ω) n_i(ω) D[A_i(ω)†]ρ,

whose steady state for T1 = T2 = T is the Gibbs state of H_Q (detailed balance; the local
lowering operators would miss the coupling-shifted frequencies ω_i ± 2g). Basis order:
site 1 leftmost, |e⟩ = σz = +1 first: |ee⟩, |eg⟩, |ge⟩, |gg⟩.

One cycle (instantaneous measurement and feedback, then a finite thermalisation time τ):

1. measurement with projectors {P_k}: ρ → ρ_M = Σ_k P_k ρ P_k, outcome k with p_k = Tr P_kρ;
   the measurement energy E_meas = Tr H(ρ_M − ρ) (zero for σz measurements, which commute
   with H_Q);
2. feedback U_k chosen by the outcome: ρ_M → ρ_F = Σ_k U_k P_k ρ P_k U_k†; the feedback
   drive extracts the work W = Tr H(ρ_M − ρ_F);
3. thermalisation for τ: ρ_F → e^{Lτ}ρ_F, heat from bath i
   Q_i = Tr[H D_i(∫₀^τ e^{Ls}ρ_F ds)] (exact, one augmented matrix exponential).

The periodic state is the fixed point ρ* of the one-cycle map e^{Lτ}∘F (a linear solve,
:func:`ssbattery.thermal.lindblad.fixed_point`), where the first law closes:
Σ_i Q_i + E_meas = W. Second law with information (Sagawa & Ueda, PRL 100, 080403 (2008)):
by Spohn's inequality and concavity of the entropy,

    Σ_i Q_i/T_i ≤ I_QC = S(ρ*) − Σ_k p_k S(ρ_k) ≤ H(p) = −Σ_k p_k ln p_k,

so at T1 = T2 = T the net work per cycle W − E_meas ≤ T·I_QC (natural units, nats), and a
machine without feedback (U_k = 1) obeys the Clausius bound Σ_i Q_i/T_i ≤ 0.

Fluctuations: the extracted work of one realisation is W = E_s − E_s' from a two-point energy
measurement around the feedback (s before, s' after U_k); its distribution
P(s, s') = Σ_k |⟨s'|U_k|s⟩|² ⟨s|P_kρP_k|s⟩ gives the mean and the variance per cycle.

Machines (the review's two configurations, Fig. 15):

* **Maxwell's demon** (T1 = T2): local σz measurement of Q1 only ("single"), of both
  qubits ("joint"), or none; the feedback flips measured qubits (σx pulses) — the policy
  (which flip for which outcome) with the largest work per cycle, enumerated exactly. The
  review (and Bhandari et al.) compare the joint measurement with "two parallel single-qubit
  set-ups"; here these are two uncoupled qubits (frequencies ω1, ω2, same baths), each
  measured and flipped when found excited.
* **Measurement-assisted refrigerator** (Q1 on the cold bath, Q2 on the hot one, ω1 < ω2):
  "measurement" — a non-selective projective measurement in the exchange basis
  {|gg⟩, |ee⟩, (|eg⟩ ± |ge⟩)/√2}, which does not commute with H_Q and so supplies energy
  (measurement fuel, as in Buffoni et al., PRL 122, 070603 (2019)); "swap" — the unitary
  SWAP of the two qubits (work fuel); "both" — local σz measurements of both qubits with the
  SWAP applied only when the outcome is |e_c g_h⟩ (measurement plus conditional swap). The
  precise protocols of Bhandari et al. were not accessible to us; these three are our
  statement of "measurement only, swap only, both".

Departure from the paper: the refrigerator's three protocols and the demon's "parallel"
reference are our statements of the paper's words, and the coupling is written +g σzσz
(the heat gain from the coupling appears for g < 0; the paper's sign is not confirmed).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from ssbattery._deprecation import module_getattr
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.metrics import von_neumann_entropy
from ssbattery.quantum.operators import expectation
from ssbattery.results import Printed, Quantity, Recorded, quantity_text
from ssbattery.thermal.baths import Bath, global_dissipators, occupation
from ssbattery.thermal.lindblad import (
    expm_and_integral,
    fixed_point,
    liouvillian,
    unvec,
    vec,
)
from ssbattery.validation import require_finite, require_positive

__all__ = [
    "CoupledQubits",
    "DemonCycle",
    "DemonScan",
    "FeedbackProtocol",
    "RefrigeratorResult",
    "RefrigeratorScan",
    "apply_protocol",
    "cycle_map",
    "demon_cycle",
    "demon_policies",
    "demon_scan",
    "exchange_projectors",
    "flip_unitary",
    "local_projectors",
    "qc_mutual_information",
    "refrigerator_cycle",
    "refrigerator_scan",
    "reset_to_ground",
    "run_cycle",
    "shannon_entropy",
    "single_qubit_demon_heat",
]

_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_I2 = np.eye(2, dtype=complex)
_SWAP = np.array(
    [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex
)  # |eg⟩ ↔ |ge⟩

DemonScheme = Literal["joint", "single", "none"]
FridgeMode = Literal["measurement", "swap", "both"]


@dataclass(frozen=True)
class CoupledQubits:
    """Two σz–σz coupled qubits: H_Q = ω1/2 σz⁽¹⁾ + ω2/2 σz⁽²⁾ + g σz⁽¹⁾σz⁽²⁾.

    Attributes:
        omega1, omega2: qubit splittings (> 0).
        coupling: g (any real; the Bohr frequencies of qubit i are ω_i ± 2g, which must stay
            > 0, i.e. |g| < min(ω1, ω2)/2).
    """

    omega1: float = 1.0
    omega2: float = 1.0
    coupling: float = 0.0

    def __post_init__(self) -> None:
        w1 = require_positive("omega1", self.omega1)
        w2 = require_positive("omega2", self.omega2)
        g = require_finite("coupling", self.coupling)
        if 2 * abs(g) >= min(w1, w2):
            raise InvalidParameterError(
                f"`coupling` must satisfy |g| < min(ω1, ω2)/2 = {min(w1, w2) / 2:.4g} so that "
                f"every qubit flip has a positive frequency ω_i ± 2g, got g = {g!r}."
            )

    @property
    def energies(self) -> NDArray[np.float64]:
        """Eigenvalues of H_Q in the basis |ee⟩, |eg⟩, |ge⟩, |gg⟩."""
        s = np.array([1.0, -1.0])
        s1, s2 = np.meshgrid(s, s, indexing="ij")
        e = 0.5 * self.omega1 * s1 + 0.5 * self.omega2 * s2 + self.coupling * s1 * s2
        return e.ravel()

    def hamiltonian(self) -> NDArray[np.complex128]:
        """H_Q as a 4×4 diagonal matrix."""
        return np.diag(self.energies).astype(complex)

    @staticmethod
    def sigma_x(site: int) -> NDArray[np.complex128]:
        """σx on qubit ``site`` (1 or 2): the bath coupling operator."""
        return np.kron(_SX, _I2) if site == 1 else np.kron(_I2, _SX)


@dataclass(frozen=True)
class FeedbackProtocol:
    """Projective measurement {P_k} (Σ P_k = 1) and one feedback unitary U_k per outcome.

    ``readout_error`` ε: the record is wrong with probability ε, uniformly among the other
    outcomes, p(k|j) = 1 − ε (k = j) or ε/(n − 1) (for one measured qubit: a bit flip of
    probability ε). The projective back-action is kept: ρ → Σ_j P_jρP_j, then U_k for the
    record k. ε = 0 is the ideal measurement.
    """

    projectors: tuple[NDArray[np.complex128], ...]
    unitaries: tuple[NDArray[np.complex128], ...]
    labels: tuple[str, ...]
    readout_error: float = 0.0

    def confusion(self) -> NDArray[np.float64]:
        """p(k|j): the probability of record k when the outcome is j (rows k, columns j)."""
        n = len(self.projectors)
        if n == 1:
            return np.ones((1, 1))
        eps = self.readout_error
        C = np.full((n, n), eps / (n - 1))
        np.fill_diagonal(C, 1.0 - eps)
        return C

    def __post_init__(self) -> None:
        if not (isinstance(self.readout_error, int | float) and 0.0 <= self.readout_error <= 1.0):
            raise InvalidParameterError(
                f"`readout_error` (measurement error probability ε) must lie in [0, 1], got "
                f"{self.readout_error!r}."
            )
        if not self.projectors or len(self.projectors) != len(self.unitaries):
            raise InvalidParameterError(
                "`projectors` and `unitaries` must be non-empty and of the same length "
                f"(one feedback unitary per outcome), got {len(self.projectors)} and "
                f"{len(self.unitaries)}."
            )
        d = self.projectors[0].shape[0]
        total = sum(self.projectors, np.zeros((d, d), dtype=complex))
        if not np.allclose(total, np.eye(d), atol=1e-10):
            raise InvalidParameterError("`projectors` must sum to the identity.")
        for k, (P, U) in enumerate(zip(self.projectors, self.unitaries, strict=True)):
            if not np.allclose(P @ P, P, atol=1e-10) or not np.allclose(P, P.conj().T):
                raise InvalidParameterError(f"`projectors[{k}]` is not an orthogonal projector.")
            if not np.allclose(U.conj().T @ U, np.eye(d), atol=1e-10):
                raise InvalidParameterError(f"`unitaries[{k}]` is not unitary.")

    def superoperator(self) -> NDArray[np.complex128]:
        """Σ_kj p(k|j) conj(U_k P_j) ⊗ (U_k P_j): the measurement-plus-feedback channel on
        vec ρ (Σ_k conj(U_k P_k) ⊗ (U_k P_k) for an ideal measurement)."""
        d = self.projectors[0].shape[0]
        C = self.confusion()
        out = np.zeros((d * d, d * d), dtype=complex)
        for k, U in enumerate(self.unitaries):
            for j, P in enumerate(self.projectors):
                if C[k, j] > 0:
                    out += C[k, j] * np.kron((U @ P).conj(), U @ P)
        return out


def local_projectors(measured: Sequence[int]) -> tuple[list[NDArray[np.complex128]], list[str]]:
    """Projectors of local σz measurements of the qubits in ``measured`` (subset of {1, 2}).

    An empty ``measured`` gives the trivial measurement {1}.
    """
    sites = sorted(set(measured))
    if any(s not in (1, 2) for s in sites):
        raise InvalidParameterError(f"`measured` must contain qubits 1 and/or 2, got {measured!r}.")
    e = np.diag([1.0, 0.0]).astype(complex)
    g = np.diag([0.0, 1.0]).astype(complex)
    projectors: list[NDArray[np.complex128]] = []
    labels: list[str] = []
    for outcome in itertools.product("eg", repeat=len(sites)):
        ops = {1: _I2, 2: _I2}
        for site, o in zip(sites, outcome, strict=True):
            ops[site] = e if o == "e" else g
        projectors.append(np.kron(ops[1], ops[2]).astype(complex))
        labels.append("".join(f"{o}{s}" for s, o in zip(sites, outcome, strict=True)) or "-")
    return projectors, labels


def exchange_projectors() -> tuple[list[NDArray[np.complex128]], list[str]]:
    """Rank-one projectors on |ee⟩, |gg⟩ and (|eg⟩ ± |ge⟩)/√2 (the exchange basis)."""
    basis = np.eye(4, dtype=complex)
    plus = (basis[1] + basis[2]) / np.sqrt(2)
    minus = (basis[1] - basis[2]) / np.sqrt(2)
    vecs = [basis[0], basis[3], plus, minus]
    projectors = [np.outer(v, v.conj()).astype(complex) for v in vecs]
    return projectors, ["ee", "gg", "psi+", "psi-"]


def flip_unitary(flip1: bool, flip2: bool) -> NDArray[np.complex128]:
    """σx on qubit 1 if ``flip1`` and on qubit 2 if ``flip2`` (identity otherwise), 4 × 4 in
    the basis |s1 s2⟩ of :class:`CoupledQubits`: the feedback unitaries of the demon."""
    return np.kron(_SX if flip1 else _I2, _SX if flip2 else _I2)


def shannon_entropy(p: NDArray[np.float64]) -> float:
    """H(p) = −Σ p_k ln p_k in nats (terms with p_k = 0 dropped)."""
    p = np.asarray(p, dtype=float)
    p = p[p > 1e-300]
    return max(0.0, float(-np.sum(p * np.log(p))))


def qc_mutual_information(
    rho: NDArray[np.complex128],
    projectors: Sequence[NDArray[np.complex128]],
    confusion: NDArray[np.float64] | None = None,
) -> float:
    """Groenewold–Ozawa (QC-mutual) information I = S(ρ) − Σ_k p_k S(ρ_k), nats, with
    ρ_k = Σ_j p(k|j) P_jρP_j / p_k the state given record k (Sagawa & Ueda, PRL 100,
    080403 (2008)); ``confusion`` p(k|j) defaults to the ideal measurement. I ≥ 0, and
    I = 0 for a record independent of the outcome (e.g. ε = (n − 1)/n of n outcomes)."""
    n = len(projectors)
    C = np.eye(n) if confusion is None else np.asarray(confusion, dtype=float)
    parts = [P @ rho @ P for P in projectors]
    total = von_neumann_entropy(rho)
    for k in range(C.shape[0]):
        sub = sum((C[k, j] * parts[j] for j in range(n)), np.zeros_like(rho))
        pk = float(np.real(np.trace(sub)))
        if pk > 1e-15:
            total -= pk * von_neumann_entropy(sub / pk)
    return max(total, 0.0)  # I ≥ 0 (concavity of S); only round-off goes below


@dataclass(frozen=True)
class DemonCycle(Printed):
    """One measurement–feedback–thermalisation cycle in its periodic state.

    Energies per cycle (units of ω1); ``heat[i]`` is the heat from bath i into the qubits;
    ``work_variance`` the variance of the extracted work over realisations; information in
    nats. The states are ρ* (cycle start), ρ_M (after measurement), ρ_F (after feedback).
    """

    rho_start: NDArray[np.complex128]
    rho_measured: NDArray[np.complex128]
    rho_feedback: NDArray[np.complex128]
    outcome_probabilities: NDArray[np.float64]
    labels: tuple[str, ...]
    measurement_energy: float
    work_extracted: float
    work_variance: float
    heat: NDArray[np.float64]
    shannon_information: float
    qc_information: float
    cycle_time: float

    @property
    def net_work(self) -> float:
        """Work extracted minus measurement energy supplied, per cycle."""
        return self.work_extracted - self.measurement_energy

    @property
    def work_std(self) -> float:
        """Standard deviation of the extracted work per cycle."""
        return float(np.sqrt(max(self.work_variance, 0.0)))

    @property
    def power(self) -> float:
        """Net extracted work per unit time (cycle time τ)."""
        return self.net_work / self.cycle_time

    @property
    def first_law_residual(self) -> float:
        """|Σ Q_i + E_meas − W|: zero in the periodic state."""
        return abs(float(np.sum(self.heat)) + self.measurement_energy - self.work_extracted)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys: energies per cycle in ω₁, time in 1/ω₁, power in
        ω₁², information in nats (the density matrices stay on the object)."""
        return {
            "labels": list(self.labels),
            "outcome_probabilities [1]": self.outcome_probabilities.tolist(),
            "measurement_energy [ω₁]": self.measurement_energy,
            "work_extracted [ω₁]": self.work_extracted,
            "work_std [ω₁]": self.work_std,
            "net_work [ω₁]": self.net_work,
            "heat [ω₁]": self.heat.tolist(),
            "shannon_information [nats]": self.shannon_information,
            "qc_information [nats]": self.qc_information,
            "cycle_time [1/ω₁]": self.cycle_time,
            "power [ω₁²]": self.power,
            "first_law_residual [ω₁]": self.first_law_residual,
        }


def _check_tau(tau: float) -> float:
    tau = require_finite("tau", tau)
    if tau <= 0:
        raise InvalidParameterError(
            f"`tau` (thermalisation time per cycle) must be > 0, got {tau!r}; a cycle of zero "
            "duration exchanges no heat."
        )
    return tau


class _Relaxation:
    """exp(Lτ), ∫₀^τ exp(Ls) ds and the per-bath dissipators of the two-qubit model."""

    def __init__(self, system: CoupledQubits, baths: tuple[Bath, Bath], tau: float) -> None:
        for i, bath in enumerate(baths, start=1):
            if not isinstance(bath, Bath):
                raise InvalidParameterError(f"`baths[{i - 1}]` must be a Bath.")
            if bath.temperature <= 0 or bath.rate <= 0:
                raise InvalidParameterError(
                    f"bath {i} needs a temperature > 0 and a rate > 0, got "
                    f"T = {bath.temperature!r}, rate = {bath.rate!r}."
                )
        self.H = system.hamiltonian()
        self.temperatures = np.array([b.temperature for b in baths])
        self.c_ops = [
            global_dissipators(self.H, CoupledQubits.sigma_x(i), bath)
            for i, bath in enumerate(baths, start=1)
        ]
        L = liouvillian(self.H, [c for group in self.c_ops for c in group]).toarray()
        self.D = [liouvillian(np.zeros((4, 4)), group).toarray() for group in self.c_ops]
        self.tau = tau
        self.expL, self.integral = expm_and_integral(L, tau)

    def heats(self, rho_feedback: NDArray[np.complex128]) -> NDArray[np.float64]:
        integrated = self.integral @ vec(rho_feedback)
        return np.array([expectation(self.H, unvec(D @ integrated, 4)).real for D in self.D])


def _hermitise(rho: NDArray[np.complex128]) -> NDArray[np.complex128]:
    rho = 0.5 * (rho + rho.conj().T)
    return rho / float(np.real(np.trace(rho)))


def _evaluate(system: CoupledQubits, protocol: FeedbackProtocol, relax: _Relaxation) -> DemonCycle:
    F = protocol.superoperator()
    rho = fixed_point(relax.expL @ F)
    H = relax.H
    rho_M = _hermitise(sum(P @ rho @ P for P in protocol.projectors))
    rho_F = _hermitise(unvec(F @ vec(rho), 4))
    C = protocol.confusion()
    p = C @ np.array([expectation(P, rho).real for P in protocol.projectors])  # records
    # Two-point energy measurement around the feedback: W = E_s − E_s'.
    E = system.energies
    probs = np.zeros((4, 4))
    for j, P in enumerate(protocol.projectors):
        pre = np.clip(np.real(np.diag(P @ rho @ P)), 0.0, None)
        for k, U in enumerate(protocol.unitaries):
            if C[k, j] > 0:
                probs += C[k, j] * (np.abs(U) ** 2) * pre[None, :]  # probs[s', s]
    dW = E[None, :] - E[:, None]
    mean_tpm = float(np.sum(probs * dW))
    var = float(np.sum(probs * dW**2)) - mean_tpm**2
    return DemonCycle(
        rho_start=rho,
        rho_measured=rho_M,
        rho_feedback=rho_F,
        outcome_probabilities=p,
        labels=protocol.labels,
        measurement_energy=expectation(H, rho_M).real - expectation(H, rho).real,
        work_extracted=expectation(H, rho_M).real - expectation(H, rho_F).real,
        work_variance=max(var, 0.0),
        heat=relax.heats(rho_F),
        shannon_information=shannon_entropy(p),
        qc_information=qc_mutual_information(rho, protocol.projectors, C),
        cycle_time=relax.tau,
    )


def run_cycle(
    system: CoupledQubits,
    protocol: FeedbackProtocol,
    baths: tuple[Bath, Bath],
    tau: float,
) -> DemonCycle:
    """Periodic state and bookkeeping of a measurement–feedback–thermalisation cycle.

    ``baths[i]`` couples to qubit i + 1 through σx; ``tau`` > 0 is the thermalisation time.

    Raises:
        InvalidParameterError: non-positive temperatures, rates or τ, a bad protocol.
    """
    relax = _Relaxation(system, baths, _check_tau(tau))
    return _evaluate(system, protocol, relax)


def cycle_map(
    system: CoupledQubits,
    protocol: FeedbackProtocol,
    baths: tuple[Bath, Bath],
    tau: float,
) -> NDArray[np.complex128]:
    """The one-cycle superoperator exp(Lτ) F (16 × 16, column stacking, :func:`vec`):
    measurement and feedback F, then thermalisation for ``tau`` with ``baths`` (as
    :func:`run_cycle`). The periodic state :func:`run_cycle` solves for is its fixed point."""
    relax = _Relaxation(system, baths, _check_tau(tau))
    return np.asarray(relax.expL @ protocol.superoperator(), dtype=complex)


def apply_protocol(
    rho: NDArray[np.complex128], protocol: FeedbackProtocol
) -> tuple[NDArray[np.complex128], NDArray[np.complex128]]:
    """(ρ_M, ρ_F): the state after the measurement and after the feedback, for any ρ."""
    rho = np.asarray(rho, dtype=complex)
    rho_M = sum(P @ rho @ P for P in protocol.projectors)
    rho_F = sum(
        U @ P @ rho @ P @ U.conj().T
        for P, U in zip(protocol.projectors, protocol.unitaries, strict=True)
    )
    return np.asarray(rho_M), np.asarray(rho_F)


# ----------------------------------------------------------------------------- the demon


def reset_to_ground(system: CoupledQubits) -> FeedbackProtocol:
    """Joint measurement, then the flips that send every outcome |s1 s2⟩ to the ground state
    (the best joint policy of :func:`demon_cycle`)."""
    projectors, labels = local_projectors((1, 2))
    ground = int(np.argmin(system.energies))
    unitaries = tuple(
        flip_unitary((s // 2) != (ground // 2), (s % 2) != (ground % 2)) for s in range(4)
    )
    return FeedbackProtocol(tuple(projectors), unitaries, tuple(labels))


def demon_policies(scheme: DemonScheme) -> list[FeedbackProtocol]:
    """Every feedback policy of ``scheme`` ("joint": both qubits measured, 4⁴ = 256 flip
    choices; "single": qubit 1 measured, flipped or not per outcome; "none": no
    measurement, any unconditional flip); :func:`demon_cycle` takes the best of them."""
    measured = {"joint": (1, 2), "single": (1,), "none": ()}[scheme]
    projectors, labels = local_projectors(measured)
    # Feedback acts on the measured qubits only; with no measurement, any unconditional
    # flip is allowed (to show that no unitary extracts work from a thermal state).
    flips = (
        [(a, b) for a in (False, True) for b in (False, True)]
        if scheme != "single"
        else [(False, False), (True, False)]
    )
    out = []
    for choice in itertools.product(flips, repeat=len(projectors)):
        unitaries = tuple(flip_unitary(a, b) for a, b in choice)
        out.append(FeedbackProtocol(tuple(projectors), unitaries, tuple(labels)))
    return out


def demon_cycle(
    system: CoupledQubits,
    *,
    temperature: float = 1.0,
    rate: float = 1.0,
    tau: float = 1.0,
    scheme: DemonScheme = "joint",
    measurement_error: float = 0.0,
) -> DemonCycle:
    """Maxwell's demon at T1 = T2 = ``temperature``: the best feedback policy's cycle.

    ``measurement_error`` ε: each record is wrong with probability ε
    (:class:`FeedbackProtocol`); with ε > 0 the joint scheme too picks the best of all its
    deterministic policies (a wrong record can make the reset policy costly). The bound
    W ≤ T·I_QC holds with the noisy I_QC; ε = 0 gives the ideal demon unchanged.

    "joint": both qubits measured and every outcome flipped to the ground state of H_Q (the
    largest work in every realisation; the tests check that it is the best of all 256
    deterministic flip policies). "single" (Q1 measured) and "none": every deterministic
    policy (σx flips of the measured qubits per outcome; with no measurement, any
    unconditional flip) is evaluated in its periodic state and the one with the largest
    extracted work per cycle is returned (feedback-favourable operation).
    """
    if scheme not in ("joint", "single", "none"):
        raise InvalidParameterError(
            f"`scheme` must be 'joint', 'single' or 'none', got {scheme!r}."
        )
    T = require_positive("temperature", temperature)
    r = require_positive("rate", rate)
    bath = Bath(T, r)
    relax = _Relaxation(system, (bath, bath), _check_tau(tau))
    eps = float(measurement_error)
    if scheme == "joint" and eps == 0.0:
        return _evaluate(system, reset_to_ground(system), relax)
    best: DemonCycle | None = None
    for protocol in demon_policies(scheme):
        result = _evaluate(system, replace(protocol, readout_error=eps), relax)
        if best is None or result.work_extracted > best.work_extracted + 1e-13:
            best = result
    if best is None:  # pragma: no cover - the policy list is never empty
        raise InvalidParameterError("no feedback policy to evaluate.")
    return best


def single_qubit_demon_heat(omega: float, temperature: float) -> float:
    """Analytic heat per cycle of one qubit with full thermalisation: ω p_e, p_e = 1/(1+e^{ω/T})."""
    w = require_positive("omega", omega)
    T = require_positive("temperature", temperature)
    return float(w * occupation(w, T, "fermi"))


@dataclass(frozen=True)
class DemonScan(Recorded):
    """Extracted heat per cycle (mean, std) vs the coupling g for three set-ups.

    ``joint``: coupled qubits, both measured; ``single``: coupled qubits, Q1 measured;
    ``parallel``: two uncoupled single-qubit demons (ω1 and ω2), summed.
    Heats, couplings and the temperature in ω₁, ``tau`` in 1/ω₁, the joint record's
    information in nats.
    """

    couplings: NDArray[np.float64]
    joint_mean: NDArray[np.float64]
    joint_std: NDArray[np.float64]
    single_mean: NDArray[np.float64]
    single_std: NDArray[np.float64]
    parallel_mean: float
    parallel_std: float
    joint_information: NDArray[np.float64]
    temperature: float
    tau: float

    _UNITS: ClassVar[dict[str, str]] = {
        "couplings": "ω₁",
        "joint_mean": "ω₁",
        "joint_std": "ω₁",
        "single_mean": "ω₁",
        "single_std": "ω₁",
        "parallel_mean": "ω₁",
        "parallel_std": "ω₁",
        "joint_information": "nats",
        "temperature": "ω₁",
        "tau": "1/ω₁",
    }

    def _title(self) -> str:
        return f"demon heat per cycle over {len(self.couplings)} couplings"

    def __str__(self) -> str:
        # the three set-ups at the largest extraction, mean ± std per cycle
        i = int(np.argmax(self.joint_mean))
        return quantity_text(
            self._title(),
            (
                Quantity("coupling at the joint maximum", float(self.couplings[i]), "ω₁"),
                Quantity("joint", float(self.joint_mean[i]), "ω₁", float(self.joint_std[i])),
                Quantity("single", float(self.single_mean[i]), "ω₁", float(self.single_std[i])),
                Quantity("parallel", self.parallel_mean, "ω₁", self.parallel_std),
                Quantity("joint_information", float(self.joint_information[i]), "nats"),
            ),
            (f"T = {self.temperature:g} ω₁, τ = {self.tau:g}/ω₁; ± is the per-cycle std",),
        )


def demon_scan(
    couplings: Sequence[float] | NDArray[np.float64],
    *,
    omega1: float = 1.0,
    omega2: float = 1.0,
    temperature: float = 1.0,
    rate: float = 1.0,
    tau: float = 1.0,
) -> DemonScan:
    """Heat extracted per cycle vs g: joint measurement, single measurement, parallel set-ups.

    A sweep of the ``demon`` entry over scheme × g (:func:`ssbattery.sweep.scan.scan`,
    each point :func:`demon_cycle`), and the two uncoupled single-qubit devices as a zipped
    sweep over (ω1, ω2) ↔ (ω2, ω1) at g = 0.
    """
    from ssbattery.sweep.scan import distinct, scan

    gs = np.asarray(couplings, dtype=float)
    if gs.ndim != 1 or gs.size == 0:
        raise InvalidParameterError("`couplings` must be a non-empty 1-D list of g values.")
    values, back = distinct(gs)
    kw = {"temperature": temperature, "rate": rate, "tau": tau}
    ds = scan(
        "demon",
        fixed={"omega1": omega1, "omega2": omega2, **kw},
        sweep={"scheme": ["joint", "single"], "coupling": values},
    )
    # Two independent single-qubit devices: the uncoupled pair with each qubit measured
    # (one device twice when the qubits are equal: a spec lists each combination once).
    pairs = [(omega1, omega2)] if omega1 == omega2 else [(omega1, omega2), (omega2, omega1)]
    lone = scan(
        "demon",
        fixed={"coupling": 0.0, "scheme": "single", **kw},
        zipped={"device": {"omega1": [a for a, _ in pairs], "omega2": [b for _, b in pairs]}},
    )

    def column(name: str, scheme: int) -> NDArray[np.float64]:
        return np.asarray(ds[name].values, dtype=float)[scheme, back]

    second = [0, len(pairs) - 1]
    heat = np.asarray(lone["heat_mean"].values, dtype=float)[second]
    var = np.asarray(lone["heat_variance"].values, dtype=float)[second]
    return DemonScan(
        couplings=gs,
        joint_mean=column("heat_mean", 0),
        joint_std=column("heat_std", 0),
        single_mean=column("heat_mean", 1),
        single_std=column("heat_std", 1),
        parallel_mean=float(heat[0] + heat[1]),
        parallel_std=float(np.sqrt(var[0] + var[1])),
        joint_information=column("information", 0),
        temperature=float(temperature),
        tau=float(tau),
    )


# ---------------------------------------------------------------------- the refrigerator


@dataclass(frozen=True)
class RefrigeratorResult(Printed):
    """Measurement-assisted refrigerator in its periodic state (Q1 cold, Q2 hot).

    ``cooling_heat``: heat from the cold bath per cycle (> 0: cooling);
    ``work_input``: measurement energy plus feedback/swap work supplied per cycle;
    ``cop``: cooling_heat / work_input (NaN unless both are > 0);
    ``carnot_cop``: T_c/(T_h − T_c).
    """

    mode: str
    cycle: DemonCycle
    cooling_heat: float
    hot_heat: float
    work_input: float
    cooling_power: float
    cop: float
    carnot_cop: float
    entropy_production: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys: heats and work per cycle in ω₁, cooling power in
        ω₁², COPs [1], entropy production per cycle in k_B (the cycle stays on the object)."""
        return {
            "mode": self.mode,
            "cooling_heat [ω₁]": self.cooling_heat,
            "hot_heat [ω₁]": self.hot_heat,
            "work_input [ω₁]": self.work_input,
            "cooling_power [ω₁²]": self.cooling_power,
            "cop [1]": self.cop,
            "carnot_cop [1]": self.carnot_cop,
            "entropy_production [k_B]": self.entropy_production,
        }


def _fridge_protocol(mode: FridgeMode) -> FeedbackProtocol:
    if mode == "swap":
        return FeedbackProtocol((np.eye(4, dtype=complex),), (_SWAP,), ("-",))
    if mode == "measurement":
        projectors, labels = exchange_projectors()
        unitaries = tuple(np.eye(4, dtype=complex) for _ in projectors)
        return FeedbackProtocol(tuple(projectors), unitaries, tuple(labels))
    if mode == "both":
        projectors, labels = local_projectors((1, 2))
        unitaries = tuple(_SWAP if lab == "e1g2" else np.eye(4, dtype=complex) for lab in labels)
        return FeedbackProtocol(tuple(projectors), unitaries, tuple(labels))
    raise InvalidParameterError(f"`mode` must be 'measurement', 'swap' or 'both', got {mode!r}.")


def refrigerator_cycle(
    system: CoupledQubits,
    *,
    mode: FridgeMode = "both",
    T_cold: float = 1.0,
    T_hot: float = 2.0,
    rate_cold: float = 1.0,
    rate_hot: float = 1.0,
    tau: float = 1.0,
    measurement_error: float = 0.0,
) -> RefrigeratorResult:
    """The measurement-assisted refrigerator: Q1 (ω1) on the cold bath, Q2 (ω2) on the hot.

    ``measurement_error`` ε: the record of the measurement is wrong with probability ε
    (:class:`FeedbackProtocol`); ε = 0 is the ideal refrigerator.

    Entropy production per cycle (k_B = 1): Σ = −Q_c/T_c − Q_h/T_h (Q: heat into the
    qubits); ≥ 0 without feedback, ≥ −I_QC with it.
    """
    Tc = require_positive("T_cold", T_cold)
    Th = require_positive("T_hot", T_hot)
    if not Tc < Th:
        raise InvalidParameterError(
            f"`T_cold` must be < `T_hot` for a refrigerator, got {Tc!r} and {Th!r}."
        )
    baths = (
        Bath(Tc, require_positive("rate_cold", rate_cold)),
        Bath(Th, require_positive("rate_hot", rate_hot)),
    )
    protocol = replace(_fridge_protocol(mode), readout_error=float(measurement_error))
    cycle = run_cycle(system, protocol, baths, tau)
    qc, qh = (float(q) for q in cycle.heat)
    w_in = -cycle.net_work
    cop = qc / w_in if qc > 0 and w_in > 0 else float("nan")
    return RefrigeratorResult(
        mode=mode,
        cycle=cycle,
        cooling_heat=qc,
        hot_heat=qh,
        work_input=w_in,
        cooling_power=qc / cycle.cycle_time,
        cop=cop,
        carnot_cop=Tc / (Th - Tc),
        entropy_production=-qc / Tc - qh / Th,
    )


@dataclass(frozen=True)
class RefrigeratorScan:
    """:func:`refrigerator_cycle` over thermalisation times ``taus`` for each of ``modes``:
    ``runs[i][j]`` is mode ``modes[i]`` at ``taus[j]``. Energies per cycle in units of ω₁
    (ħ = k_B = 1), times in 1/ω₁, powers in ω₁², entropy production per cycle in k_B.

    It reads like the ``{mode: [result per τ]}`` mapping it replaces (``scan["both"]``,
    ``scan.items()``), and :meth:`column` gives one field as a (modes × taus) array.
    """

    taus: NDArray[np.float64]
    modes: tuple[str, ...]
    runs: tuple[tuple[RefrigeratorResult, ...], ...]

    def __getitem__(self, mode: str) -> list[RefrigeratorResult]:
        if mode not in self.modes:
            raise KeyError(mode)
        return list(self.runs[self.modes.index(mode)])

    def keys(self) -> tuple[str, ...]:
        """The modes, in scan order."""
        return self.modes

    def items(self) -> list[tuple[str, list[RefrigeratorResult]]]:
        """(mode, results per τ) pairs, in scan order."""
        return [(m, list(rs)) for m, rs in zip(self.modes, self.runs, strict=True)]

    def column(self, name: str) -> NDArray[np.float64]:
        """The scalar field ``name`` of every run (e.g. ``"cooling_power"``), (modes, taus)."""
        return np.array([[float(getattr(r, name)) for r in rs] for rs in self.runs])

    def to_dict(self) -> dict[str, object]:
        """JSON-ready, units in the keys; each entry is (modes × taus)."""
        w1 = "ω₁"
        return {
            "modes": list(self.modes),
            f"taus [1/{w1}]": self.taus.tolist(),
            f"cooling_power [{w1}²]": self.column("cooling_power").tolist(),
            f"cooling_heat [{w1}]": self.column("cooling_heat").tolist(),
            f"work_input [{w1}]": self.column("work_input").tolist(),
            "cop [1]": self.column("cop").tolist(),
            "entropy_production [k_B]": self.column("entropy_production").tolist(),
        }

    def __str__(self) -> str:
        lines = [f"RefrigeratorScan over τ = {self.taus.min():.4g} … {self.taus.max():.4g} 1/ω₁"]
        power, cop = self.column("cooling_power"), self.column("cop")
        for i, mode in enumerate(self.modes):
            j = int(np.nanargmax(power[i])) if np.any(np.isfinite(power[i])) else 0
            lines.append(
                f"  {mode}: max cooling power {power[i, j]:.6g} ω₁² at τ = "
                f"{self.taus[j]:.4g} 1/ω₁ (COP {cop[i, j]:.4g})"
            )
        return "\n".join(lines)


def refrigerator_scan(
    taus: Sequence[float] | NDArray[np.float64],
    system: CoupledQubits,
    *,
    modes: Sequence[FridgeMode] = ("measurement", "swap", "both"),
    T_cold: float = 1.0,
    T_hot: float = 2.0,
    rate_cold: float = 1.0,
    rate_hot: float = 1.0,
) -> RefrigeratorScan:
    """:func:`refrigerator_cycle` for every thermalisation time in ``taus`` and every mode."""
    ts = np.asarray(taus, dtype=float)
    if ts.ndim != 1 or ts.size == 0:
        raise InvalidParameterError("`taus` must be a non-empty 1-D list of times.")
    runs = tuple(
        tuple(
            refrigerator_cycle(
                system,
                mode=mode,
                T_cold=T_cold,
                T_hot=T_hot,
                rate_cold=rate_cold,
                rate_hot=rate_hot,
                tau=float(t),
            )
            for t in ts
        )
        for mode in modes
    )
    return RefrigeratorScan(ts, tuple(modes), runs)


#: ``CycleResult`` is the former name of :class:`DemonCycle` (one release); the general
#: cycle's result is :class:`ssbattery.thermal.cycle.CycleResult`.
__getattr__ = module_getattr(__name__, {"CycleResult": ("DemonCycle", DemonCycle)})
