"""A general quantum thermodynamic cycle on any working medium H(λ).

A :class:`Cycle` is a medium (a family of Hamiltonians H(λ), dense or sparse, on a space of
subsystems with ``dims``) and a sequence of strokes, each one of

* :class:`UnitaryStroke` λ_i → λ_f: ``"sudden"`` (the state is frozen while H jumps),
  ``"adiabatic"`` (quasi-static: every eigenstate of H(λ_i) goes to the eigenstate of
  H(λ_f) it is continuously connected to, followed along the path by overlaps, so level
  crossings keep their branch), or ``"driven"`` for a finite ``duration`` (a linear ramp
  of λ, a product of ``steps`` midpoint propagators, error O(dt²));
* :class:`ThermalStroke` at fixed λ for ``duration`` with one or more baths
  (:class:`~ssbattery.thermal.model.BathCoupling`: global Davies or local dissipators);
* :class:`FeedbackStroke`: a projective measurement {P_k}, possibly misread with
  probability ε, and one unitary per record (:class:`~ssbattery.thermal.feedback.FeedbackProtocol`).

:func:`run_cycle` returns the limit cycle (the fixed point of the product of the stroke
maps, one linear solve) and its bookkeeping, all energies flowing into the medium:
work per unitary stroke W = ΔE; heat per bath of a thermal stroke Q_k = Tr[H D_k(∫ρ dt)]
(exact, one augmented exponential); measurement energy and feedback work of a feedback
stroke; the same split per subsystem with the local Hamiltonians h_k(λ) given by the
medium; and the first-law residual |Σ W + Σ Q + Σ E_meas| per cycle. The Otto cycle of
:mod:`ssbattery.thermal.otto` is the instance (adiabatic, hot, adiabatic, cold) and gives
the same numbers (tests). :func:`quasi_static` is the reference: every thermal stroke
thermalises fully to the Gibbs state of its (single) bath and every unitary stroke is
adiabatic. ħ = k_B = 1.

Two engines, one rule (:data:`SPARSE_ABOVE`): a medium of dimension d ≤ 32 gets the dense
d² × d² stroke maps (exact matrix exponentials, one dense solve for the limit cycle); a
larger one, e.g. a spin chain of N ≥ 6 sites, never forms a d² × d² object. Its thermal
strokes act on vec ρ through the sparse Liouvillian (``scipy.sparse.linalg.expm_multiply``
on the generator augmented by ρ, which gives e^{Lτ}ρ and ∫ρ dt in one call), its unitary
strokes as U ρ U† with the d × d propagator, its feedback strokes as the Kraus sum; heats
come from the adjoint dissipators, Q_k = Tr[D_k†(H) ∫ρ dt], and the limit cycle is the
GMRES solution of (1 − M)x + vec(1/d)·Tr x = vec(1/d), M applied one cycle at a time
(the right side has unit trace and the range of 1 − M is traceless, so the fixed point is
its only solution when it is unique). ``run_cycle(..., method="dense" | "sparse")``
overrides the rule; both give the same numbers (tests, to 1e-9).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import as_operator
from ssbattery.results import Printed, Recorded
from ssbattery.thermal.baths import Bath, entropy_production, thermal_state
from ssbattery.thermal.feedback import FeedbackProtocol, qc_mutual_information
from ssbattery.thermal.lindblad import (
    expm_and_integral,
    fixed_point,
    liouvillian,
    unitary_superoperator,
    unvec,
    vec,
)
from ssbattery.thermal.model import BathCoupling
from ssbattery.validation import require_int_at_least, require_positive

__all__ = [
    "SPARSE_ABOVE",
    "Cycle",
    "CycleResult",
    "FeedbackStroke",
    "Medium",
    "StrokeRecord",
    "ThermalStroke",
    "UnitaryStroke",
    "adiabatic_unitary",
    "quasi_static",
    "run_cycle",
]


#: Media of a larger dimension run on sparse operators (no d² × d² map). Up to 32 (five
#: qubits) the dense maps keep exact propagators, the uniqueness check of the fixed point
#: and global baths with many Davies operators; with local baths the sparse engine is
#: already faster at d = 32 (benchmarks/RESULTS_cycle.md).
SPARSE_ABOVE = 32

Method = Literal["auto", "dense", "sparse"]

# The sparse Liouvillian of dense jump operators has Σ nnz(c)² entries; global (Davies)
# operators are dense in the site basis, one per Bohr frequency, so above d = 64 they
# are refused before they are built (at d = 128 they alone would take gigabytes).
_MAX_LIOUVILLIAN_ENTRIES = 20_000_000
_GLOBAL_TOO_LARGE = (
    "a thermal stroke with global (Davies) baths on a medium of dimension {d} needs "
    "{what}: couple the baths locally (BathCoupling(..., "
    '"local", frequency), e.g. thermal.media.site_lowering for a spin chain), or use a '
    "smaller medium."
)


@dataclass(frozen=True)
class Medium:
    """A working medium: ``hamiltonian(λ)`` (a matrix; dense or scipy sparse), the
    subsystem ``dims`` (product = dimension) and, optionally, ``local_hamiltonians(λ)``:
    one operator per subsystem, embedded in the full space, for the per-subsystem split
    (the rest of H is the interaction)."""

    hamiltonian: Callable[[float], Any]
    dims: tuple[int, ...]
    local_hamiltonians: Callable[[float], Sequence[Any]] | None = None
    name: str = "medium"

    @property
    def dim(self) -> int:
        """Hilbert-space dimension."""
        return math.prod(self.dims)

    def H(self, lam: float) -> NDArray[np.complex128]:
        """H(λ) as a dense Hermitian matrix."""
        H = np.asarray(
            as_operator(self.hamiltonian(lam), name="hamiltonian(λ)", dense=True, dtype=complex)
        )
        if H.shape != (self.dim, self.dim):
            raise InvalidParameterError(
                f"`hamiltonian({lam:g})` has shape {H.shape}, the medium's dims {self.dims} "
                f"give dimension {self.dim}."
            )
        return 0.5 * (H + H.conj().T)

    def H_sparse(self, lam: float) -> sp.csr_array:
        """H(λ) as a sparse Hermitian matrix (for the sparse engine)."""
        H = self.hamiltonian(lam)
        Hs = sp.csr_array(H if sp.issparse(H) else self.H(lam), dtype=complex)
        if Hs.shape != (self.dim, self.dim):
            raise InvalidParameterError(
                f"`hamiltonian({lam:g})` has shape {Hs.shape}, the medium's dims {self.dims} "
                f"give dimension {self.dim}."
            )
        return sp.csr_array(0.5 * (Hs + Hs.conj().T))

    def locals(self, lam: float) -> list[NDArray[np.complex128]]:
        """The local Hamiltonians at λ (empty without ``local_hamiltonians``)."""
        if self.local_hamiltonians is None:
            return []
        return [
            np.asarray(
                as_operator(
                    h, name=f"local_hamiltonians[{k}]", dim=self.dim, dense=True, dtype=complex
                )
            )
            for k, h in enumerate(self.local_hamiltonians(lam))
        ]


@dataclass(frozen=True)
class UnitaryStroke:
    """λ_i → λ_f with the medium isolated: ``protocol`` "sudden", "adiabatic" or "driven"
    (finite ``duration``, linear ramp in ``steps`` midpoint propagators)."""

    lam_from: float
    lam_to: float
    protocol: Literal["sudden", "adiabatic", "driven"] = "adiabatic"
    duration: float = 0.0
    steps: int = 200
    name: str = ""

    def __post_init__(self) -> None:
        if self.protocol not in ("sudden", "adiabatic", "driven"):
            raise InvalidParameterError(
                f"`protocol` must be 'sudden', 'adiabatic' or 'driven', got {self.protocol!r}."
            )
        require_positive("duration", self.duration, allow_zero=True)
        if self.protocol == "driven" and self.duration <= 0:
            raise InvalidParameterError("a 'driven' unitary stroke needs `duration` > 0.")
        require_int_at_least("steps", self.steps, 1)


@dataclass(frozen=True)
class ThermalStroke:
    """At fixed λ, contact with ``baths`` for ``duration`` > 0."""

    lam: float
    baths: tuple[BathCoupling, ...]
    duration: float
    name: str = ""

    def __post_init__(self) -> None:
        if not self.baths or not all(isinstance(b, BathCoupling) for b in self.baths):
            raise InvalidParameterError("`baths` must be a non-empty tuple of BathCoupling.")
        if not (math.isfinite(self.duration) and self.duration > 0):
            raise InvalidParameterError(
                f"`duration` of a thermal stroke must be > 0, got {self.duration!r}."
            )


@dataclass(frozen=True)
class FeedbackStroke:
    """At fixed λ, a measurement and feedback (instantaneous)."""

    lam: float
    protocol: FeedbackProtocol
    name: str = ""


Stroke = UnitaryStroke | ThermalStroke | FeedbackStroke


@dataclass(frozen=True)
class Cycle:
    """A medium and its strokes, in order (the state after the last feeds the first).

    The strokes must join up: each one ends at the λ where the next (cyclically, the last
    to the first) starts, a unitary stroke going λ_i → λ_f and the others staying at
    their λ; a jump of H(λ) between strokes is refused (its work would be uncounted)."""

    medium: Medium
    strokes: tuple[Stroke, ...]

    def __post_init__(self) -> None:
        if not self.strokes:
            raise InvalidParameterError("a cycle needs at least one stroke.")
        for k, s in enumerate(self.strokes):
            if not isinstance(s, UnitaryStroke | ThermalStroke | FeedbackStroke):
                raise InvalidParameterError(
                    f"`strokes[{k}]` must be a UnitaryStroke, ThermalStroke or FeedbackStroke."
                )
        n = len(self.strokes)
        for k, s in enumerate(self.strokes):  # H(λ) must not jump between strokes
            nxt = self.strokes[(k + 1) % n]
            end, start = _lam_end(s), _lam_start(nxt)
            if not math.isclose(end, start, rel_tol=1e-12, abs_tol=1e-12):
                raise InvalidParameterError(
                    f"the cycle is not closed: {_stroke_label(k, s)} ends at λ = {end:g} but "
                    f"{_stroke_label((k + 1) % n, nxt)} starts at λ = {start:g}; H would jump "
                    "between them with the work of the jump uncounted (the first law fails). "
                    f"Add a unitary stroke {end:g} → {start:g} (protocol 'sudden' for a quench) "
                    "or make the values agree."
                )

    @property
    def duration(self) -> float:
        """Cycle time: the sum of the stroke durations."""
        return float(sum(getattr(s, "duration", 0.0) for s in self.strokes))


def _lam_start(s: Stroke) -> float:
    return float(s.lam_from if isinstance(s, UnitaryStroke) else s.lam)


def _lam_end(s: Stroke) -> float:
    return float(s.lam_to if isinstance(s, UnitaryStroke) else s.lam)


def _stroke_label(k: int, s: Stroke) -> str:
    """Stroke ``k`` (from 0) counted from 1, as a spec's ``[[strokes]] #k`` errors do."""
    return f"stroke #{k + 1}" + (f" ({s.name!r})" if s.name else "")


def _expm_h(H: NDArray, t: float) -> NDArray:
    e, V = np.linalg.eigh(H)
    return (V * np.exp(-1j * e * t)) @ V.conj().T


def adiabatic_unitary(
    medium: Medium, lam_from: float, lam_to: float, *, steps: int = 64
) -> NDArray:
    """U = Σ_n |n(λ_f)⟩⟨n(λ_i)|, each eigenvector followed continuously along the path
    (the best overlap assignment between neighbouring points, Hungarian algorithm), so a
    level crossing keeps its branch rather than the energy order; phases kept continuous."""
    from scipy.optimize import linear_sum_assignment

    lams = np.linspace(lam_from, lam_to, max(2, steps) + 1)
    _, V0 = np.linalg.eigh(medium.H(float(lams[0])))
    V = V0
    for lam in lams[1:]:
        _, W = np.linalg.eigh(medium.H(float(lam)))
        ov = V.conj().T @ W
        rows, cols = linear_sum_assignment(-np.abs(ov))
        W = W[:, cols[np.argsort(rows)]]
        ph = np.diag(V.conj().T @ W)
        W = W * (np.abs(ph) / np.where(ph == 0, 1.0, ph))[None, :]
        V = W
    return V @ V0.conj().T


@dataclass(frozen=True)
class StrokeRecord(Recorded):
    """Bookkeeping of one stroke in the limit cycle: work (unitary strokes and feedback),
    heat per bath (thermal strokes), measurement energy, per-subsystem energy changes, the
    energies before and after (with H at the stroke's start and end), and for a feedback
    stroke the information its record carries about the state, the QC-mutual information
    I = S(ρ) − Σ_k p_k S(ρ_k) in nats (Sagawa & Ueda, PRL 100, 080403 (2008)); 0 otherwise.
    ``temperatures``: the temperature behind each entry of ``heat``."""

    kind: str
    name: str
    work: float
    heat: tuple[float, ...]
    measurement_energy: float
    subsystem_energy_change: tuple[float, ...]
    energy_before: float
    energy_after: float
    information: float = 0.0
    temperatures: tuple[float, ...] = ()

    _UNITS: ClassVar[dict[str, str]] = {
        "work": "E₀",
        "heat": "E₀",
        "measurement_energy": "E₀",
        "subsystem_energy_change": "E₀",
        "energy_before": "E₀",
        "energy_after": "E₀",
        "information": "nats",
        "temperatures": "E₀",
    }

    def _title(self) -> str:
        return f"{self.kind} stroke {self.name!r}"


@dataclass(frozen=True)
class CycleResult(Printed):
    """The limit cycle of a :class:`Cycle`: per-stroke records, totals (work W, heat per
    bath in the order the strokes list them, measurement energy), the first-law residual
    |W + ΣQ + E_meas|, efficiency −W/Q_in (engine: W < 0; Q_in the sum of positive heats)
    and power −W/τ_cycle, the state at the start of every stroke, and the information
    acquired per cycle by its feedback strokes (nats).

    Second law with feedback (Sagawa & Ueda 2008): Σ_k Q_k/T_k ≤ I per cycle
    (:attr:`clausius_sum` ≤ :attr:`information`); with one bath temperature T this is the
    Szilard-type bound on the work extracted, −W − E_meas ≤ k_B T · I.
    """

    cycle: Cycle
    strokes: tuple[StrokeRecord, ...]
    work: float
    heats: tuple[float, ...]
    measurement_energy: float
    first_law_residual: float
    efficiency: float
    power: float
    states: tuple[NDArray[np.complex128], ...] = field(repr=False)
    information: float = 0.0

    @property
    def temperatures(self) -> tuple[float, ...]:
        """The bath temperature of every entry of :attr:`heats`, in the same order."""
        return tuple(t for r in self.strokes for t in r.temperatures)

    @property
    def clausius_sum(self) -> float:
        """Σ_k Q_k/T_k per cycle (≤ 0 without feedback, ≤ :attr:`information` with it), in
        k_B (nats). A bath at T = 0 enters as the limit T → 0⁺: heat given to it makes the
        sum −∞, heat drawn from it +∞ (see
        :func:`~ssbattery.thermal.baths.entropy_production`, of which this is minus)."""
        scale = max([1.0, *map(abs, self.heats)])
        return -entropy_production(self.heats, self.temperatures, tol=1e-12 * scale)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary, units in the keys: E₀ is the medium's energy unit (that of
        H(λ) and the temperatures, ħ = k_B = 1), information in nats; efficiency and power
        None where they are not defined, the Clausius sum None where it is ±∞ (a bath at
        T = 0)."""
        u = "E₀"
        return {
            f"work [{u}]": self.work,
            f"heats [{u}]": list(self.heats),
            f"measurement_energy [{u}]": self.measurement_energy,
            f"first_law_residual [{u}]": self.first_law_residual,
            "efficiency [1]": self.efficiency if math.isfinite(self.efficiency) else None,
            f"power [{u}²]": self.power if math.isfinite(self.power) else None,
            f"cycle_time [1/{u}]": self.cycle.duration,
            "information [nats]": self.information,
            "clausius_sum [1]": self.clausius_sum if math.isfinite(self.clausius_sum) else None,
            "strokes": [
                {
                    "kind": s.kind,
                    "name": s.name,
                    f"work [{u}]": s.work,
                    f"heat [{u}]": list(s.heat),
                    f"measurement_energy [{u}]": s.measurement_energy,
                    f"subsystem_energy_change [{u}]": list(s.subsystem_energy_change),
                    "information [nats]": s.information,
                }
                for s in self.strokes
            ],
        }


def _energy(H: NDArray, rho: NDArray) -> float:
    return float(np.real(np.trace(H @ rho)))


def _hermitised(rho: NDArray) -> NDArray:
    return 0.5 * (rho + rho.conj().T)


def _adjoint_dissipator(cs: Sequence[Any], H: NDArray) -> NDArray:
    """D†(H) = Σ_c c†Hc − ½{c†c, H}, so that Tr[H D(X)] = Tr[D†(H) X] (no d² × d² D)."""
    out = np.zeros_like(H)
    for c in cs:
        cm = np.asarray(c.toarray() if sp.issparse(c) else c, dtype=complex)
        cdc = cm.conj().T @ cm
        out += cm.conj().T @ H @ cm - 0.5 * (cdc @ H + H @ cdc)
    return out


class _Prepared:
    """One stroke: how it maps ρ (dense d² × d² map, or sparse/d × d actions) and how to
    book it. ``thermal=False`` skips the Liouvillian (the quasi-static reference replaces
    the thermal maps by the Gibbs map)."""

    def __init__(
        self, medium: Medium, stroke: Stroke, *, sparse: bool = False, thermal: bool = True
    ) -> None:
        self.stroke, self.sparse, self.d = stroke, sparse, medium.dim
        self.gibbs: NDArray | None = None
        d = medium.dim
        if isinstance(stroke, UnitaryStroke):
            self.H_in, self.H_out = medium.H(stroke.lam_from), medium.H(stroke.lam_to)
            self.loc_in, self.loc_out = medium.locals(stroke.lam_from), medium.locals(stroke.lam_to)
            if stroke.protocol == "sudden":
                U = np.eye(d, dtype=complex)
            elif stroke.protocol == "adiabatic":
                U = adiabatic_unitary(medium, stroke.lam_from, stroke.lam_to)
            else:
                n, dt = stroke.steps, stroke.duration / stroke.steps
                U = np.eye(d, dtype=complex)
                for k in range(n):
                    lam = stroke.lam_from + (stroke.lam_to - stroke.lam_from) * (k + 0.5) / n
                    U = _expm_h(medium.H(lam), dt) @ U
            self.U = U
            if not sparse:
                self.map = unitary_superoperator(U)
        elif isinstance(stroke, ThermalStroke):
            H = medium.H(stroke.lam)
            self.H_in = self.H_out = H
            self.loc_in = self.loc_out = medium.locals(stroke.lam)
            if thermal:
                if sparse and d > 64 and any(b.form == "global" for b in stroke.baths):
                    raise InvalidParameterError(
                        _GLOBAL_TOO_LARGE.format(d=d, what="O(d²) dense jump operators")
                    )
                self.groups = [b.jump_operators(H) for b in stroke.baths]
                c_all = [c for g in self.groups for c in g]
                if sparse:
                    entries = sum(np.count_nonzero(np.asarray(c)) ** 2 for c in c_all)
                    if entries > _MAX_LIOUVILLIAN_ENTRIES:
                        raise InvalidParameterError(
                            _GLOBAL_TOO_LARGE.format(
                                d=d, what=f"a Liouvillian of {entries:.1e} entries"
                            )
                        )
                    self.L = liouvillian(medium.H_sparse(stroke.lam), c_all)
                    self.Dadj = [_adjoint_dissipator(g, H) for g in self.groups]
                else:
                    self.map, self.integral = expm_and_integral(
                        liouvillian(H, c_all), stroke.duration
                    )
                    self.D = [liouvillian(np.zeros((d, d)), g).toarray() for g in self.groups]
        else:
            H = medium.H(stroke.lam)
            self.H_in = self.H_out = H
            self.loc_in = self.loc_out = medium.locals(stroke.lam)
            if stroke.protocol.projectors[0].shape[0] != d:
                raise InvalidParameterError(
                    "the feedback protocol's operators must match the medium."
                )
            if not sparse:
                self.map = stroke.protocol.superoperator()

    def use_gibbs(self, T: float) -> None:
        """Replace a thermal stroke's map by ρ ↦ Gibbs(H, T) · Tr ρ."""
        self.gibbs = thermal_state(self.H_in, T)
        if not self.sparse:
            trace = np.zeros(self.d * self.d, dtype=complex)
            trace[:: self.d + 1] = 1.0
            self.map = np.outer(vec(self.gibbs), trace)

    def _evolve(self, rho: NDArray) -> tuple[NDArray, NDArray]:
        """(e^{Lτ}ρ, ∫_0^τ e^{Lt}ρ dt) of a thermal stroke on the sparse engine: one
        expm_multiply on [[L, vec ρ], [0, 0]] applied to (0, 1) gives (∫, 1), and
        e^{Lτ}ρ = ρ + L ∫."""
        assert isinstance(self.stroke, ThermalStroke)
        n = self.d * self.d
        v = vec(rho).astype(complex)
        A = sp.block_array(
            [[self.L, sp.csr_array(v.reshape(-1, 1))], [None, sp.csr_array((1, 1), dtype=complex)]],
            format="csr",
        )
        e = np.zeros(n + 1, dtype=complex)
        e[-1] = 1.0
        integ = spla.expm_multiply(self.stroke.duration * A, e)[:n]
        return unvec(v + self.L @ integ, self.d), unvec(integ, self.d)

    def apply(self, rho: NDArray) -> NDArray:
        """The stroke's map on a d × d matrix (any matrix: the fixed-point solve uses it)."""
        d, s = self.d, self.stroke
        if self.gibbs is not None:
            return self.gibbs * np.trace(rho)
        if not self.sparse:
            return unvec(self.map @ vec(rho), d)
        if isinstance(s, UnitaryStroke):
            return self.U @ rho @ self.U.conj().T
        if isinstance(s, ThermalStroke):
            v = spla.expm_multiply(s.duration * self.L, vec(rho).astype(complex))
            return unvec(v, d)
        proto = s.protocol
        C = proto.confusion()
        measured = [P @ rho @ P for P in proto.projectors]
        out = np.zeros((d, d), dtype=complex)
        for k, U in enumerate(proto.unitaries):
            mix = sum((C[k, j] * m for j, m in enumerate(measured) if C[k, j] > 0), out * 0)
            out = out + U @ mix @ U.conj().T
        return out

    def record(self, rho: NDArray) -> tuple[StrokeRecord, NDArray]:
        s, d = self.stroke, self.d
        integ = None
        if isinstance(s, ThermalStroke) and self.gibbs is None and self.sparse:
            after, integ = self._evolve(rho)
        else:
            after = self.apply(rho)
        after = _hermitised(after)
        e0, e1 = _energy(self.H_in, rho), _energy(self.H_out, after)
        sub = tuple(
            _energy(h1, after) - _energy(h0, rho)
            for h0, h1 in zip(self.loc_in, self.loc_out, strict=True)
        )
        if isinstance(s, UnitaryStroke):
            rec = StrokeRecord("unitary", s.name, e1 - e0, (), 0.0, sub, e0, e1)
        elif isinstance(s, ThermalStroke):
            temps = tuple(b.bath.temperature for b in s.baths)
            if self.gibbs is not None:
                q: tuple[float, ...] = (e1 - e0,)
                temps = temps[:1]
            elif integ is not None:
                q = tuple(_energy(Da, integ) for Da in self.Dadj)
            else:
                integ = unvec(self.integral @ vec(rho), d)
                q = tuple(_energy(self.H_in, unvec(D @ vec(integ), d)) for D in self.D)
            rec = StrokeRecord("thermal", s.name, 0.0, q, 0.0, sub, e0, e1, temperatures=temps)
        else:
            proto = s.protocol
            rho_m = sum((P @ rho @ P for P in proto.projectors), np.zeros_like(rho))
            e_meas = _energy(self.H_in, rho_m) - e0
            info = qc_mutual_information(rho, proto.projectors, proto.confusion())
            rec = StrokeRecord(
                "feedback", s.name, e1 - e0 - e_meas, (), e_meas, sub, e0, e1, max(info, 0.0)
            )
        return rec, after


def _is_sparse(medium: Medium, method: str) -> bool:
    """The one rule: sparse above :data:`SPARSE_ABOVE` (unless ``method`` says otherwise)."""
    if method not in ("auto", "dense", "sparse"):
        raise InvalidParameterError(
            f"`method` must be 'auto', 'dense' or 'sparse', got {method!r}."
        )
    return method == "sparse" or (method == "auto" and medium.dim > SPARSE_ABOVE)


def _sparse_fixed_point(prepared: Sequence[_Prepared], d: int) -> NDArray:
    """The limit cycle without forming M: GMRES on (1 − M)x + u Tr x = u, u = vec(1/d)."""
    n = d * d
    u = vec(np.eye(d, dtype=complex) / d)

    def matvec(x: NDArray) -> NDArray:
        rho = unvec(np.asarray(x, dtype=complex).ravel(), d)
        out = rho
        for p in prepared:
            out = p.apply(out)
        return vec(rho - out) + u * np.trace(rho)

    A = spla.LinearOperator((n, n), matvec=matvec, dtype=complex)
    x, info = spla.gmres(A, u, x0=u, rtol=1e-14, atol=0.0, restart=min(n, 60), maxiter=200)
    rho = unvec(x, d)
    resid = float(np.linalg.norm(matvec(x) - u))
    if info != 0 and resid > 1e-10:
        raise InvalidParameterError(
            f"the sparse limit-cycle solve did not converge (residual {resid:.2g}); the "
            "cycle may have no unique periodic state."
        )
    rho = _hermitised(rho)
    return rho / np.real(np.trace(rho))


def _limit_cycle(
    cycle: Cycle, prepared: list[_Prepared], *, sparse: bool, check_unique: bool, timed: bool
) -> CycleResult:
    d = cycle.medium.dim
    if sparse:
        rho = _sparse_fixed_point(prepared, d)
    else:
        M = np.eye(d * d, dtype=complex)
        for p in prepared:
            M = p.map @ M
        rho = fixed_point(M, check_unique=check_unique)
    records, states = [], []
    for p in prepared:
        states.append(rho)
        rec, rho = p.record(rho)
        records.append(rec)
    return _result(cycle, records, states, timed=timed)


def run_cycle(cycle: Cycle, *, method: Method = "auto") -> CycleResult:
    """The limit cycle of ``cycle`` and its per-stroke, per-subsystem bookkeeping.
    ``method``: "auto" (sparse above :data:`SPARSE_ABOVE`), "dense" or "sparse"."""
    if not isinstance(cycle, Cycle):
        raise InvalidParameterError(f"`cycle` must be a Cycle, got {type(cycle).__name__}.")
    sparse = _is_sparse(cycle.medium, method)
    prepared = [_Prepared(cycle.medium, s, sparse=sparse) for s in cycle.strokes]
    return _limit_cycle(cycle, prepared, sparse=sparse, check_unique=True, timed=cycle.duration > 0)


def _result(
    cycle: Cycle, records: list[StrokeRecord], states: list[NDArray], *, timed: bool
) -> CycleResult:
    """Totals of the stroke records: W, heats, E_meas, first law, efficiency, power."""
    work = sum(r.work for r in records)
    heats = tuple(q for r in records for q in r.heat)
    e_meas = sum(r.measurement_energy for r in records)
    q_in = sum(q for q in heats if q > 0)
    return CycleResult(
        cycle=cycle,
        strokes=tuple(records),
        work=work,
        heats=heats,
        measurement_energy=e_meas,
        first_law_residual=abs(work + sum(heats) + e_meas),
        efficiency=-work / q_in if work < 0 and q_in > 0 else math.nan,
        power=-work / cycle.duration + 0.0 if timed else math.nan,  # + 0.0: no −0
        states=tuple(states),
        information=sum(r.information for r in records),
    )


def quasi_static(cycle: Cycle, *, method: Method = "auto") -> CycleResult:
    """The ideal reference of ``cycle``: every unitary stroke adiabatic, every thermal
    stroke ending in the Gibbs state of its bath (one bath per stroke; several baths at one
    temperature are allowed), feedback strokes unchanged. ``method`` as in :func:`run_cycle`."""
    strokes: list[Stroke] = []
    for s in cycle.strokes:
        if isinstance(s, UnitaryStroke):
            strokes.append(replace(s, protocol="adiabatic", duration=0.0))
        elif isinstance(s, ThermalStroke):
            temps = {b.bath.temperature for b in s.baths}
            if len(temps) != 1:
                raise InvalidParameterError(
                    "the quasi-static reference needs one bath temperature per thermal stroke."
                )
            strokes.append(s)
        else:
            strokes.append(s)
    ref = Cycle(cycle.medium, tuple(strokes))
    sparse = _is_sparse(ref.medium, method)
    prepared = [_Prepared(ref.medium, s, sparse=sparse, thermal=False) for s in ref.strokes]
    for p in prepared:
        if isinstance(p.stroke, ThermalStroke):
            p.use_gibbs(p.stroke.baths[0].bath.temperature)
    return _limit_cycle(ref, prepared, sparse=sparse, check_unique=False, timed=False)


# ---------------------------------------------------------------- prebuilt instances

_SM = np.array([[0, 0], [1, 0]], dtype=complex)  # |e⟩ (index 0) → |g⟩
_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
_SZ = np.diag([1.0, -1.0]).astype(complex)
_I2 = np.eye(2, dtype=complex)


def heisenberg_medium(J: float = 0.2) -> Medium:
    """Two spins, H(B) = J(σˣσˣ + σʸσʸ + σᶻσᶻ) + B(S^z_1 + S^z_2), S^z = σᶻ/2; λ = B.
    Local Hamiltonians (B/2)σᶻ_k; the rest is the exchange."""

    def H(B: float) -> NDArray:
        ex = sum(np.kron(s, s) for s in (_SX, _SY, _SZ))
        return J * ex + 0.5 * B * (np.kron(_SZ, _I2) + np.kron(_I2, _SZ))

    def local(B: float) -> list[NDArray]:
        return [0.5 * B * np.kron(_SZ, _I2), 0.5 * B * np.kron(_I2, _SZ)]

    return Medium(H, (2, 2), local, name=f"Heisenberg pair (J = {J:g})")


def otto_cycle_of(
    medium: Medium,
    lam_hot: float,
    lam_cold: float,
    hot: Bath,
    cold: Bath,
    couplings: Sequence[Any],
    *,
    tau_hot: float,
    tau_cold: float,
    protocol: Literal["sudden", "adiabatic", "driven"] = "adiabatic",
    tau_u: float = 0.0,
) -> Cycle:
    """The Otto cycle as four strokes on any medium: compression λ_c → λ_h, hot contact,
    expansion λ_h → λ_c, cold contact; each bath couples globally through every operator of
    ``couplings`` (one independent bath of the same temperature per operator)."""

    def baths(bath: Bath, label: str) -> tuple[BathCoupling, ...]:
        return tuple(BathCoupling(bath, S, label=f"{label} {k}") for k, S in enumerate(couplings))

    return Cycle(
        medium,
        (
            UnitaryStroke(lam_cold, lam_hot, protocol, tau_u, name="compression"),
            ThermalStroke(lam_hot, baths(hot, "hot"), tau_hot, name="hot"),
            UnitaryStroke(lam_hot, lam_cold, protocol, tau_u, name="expansion"),
            ThermalStroke(lam_cold, baths(cold, "cold"), tau_cold, name="cold"),
        ),
    )


def heisenberg_otto(
    *,
    J: float = 0.2,
    B_cold: float = 2.0,
    B_hot: float = 4.0,
    T_hot: float = 4.0,
    T_cold: float = 0.5,
    rate: float = 1.0,
    tau: float = 60.0,
) -> CycleResult:
    """The two-qubit Heisenberg Otto engine, B 2 → 4, J = 0.2, T 0.5/4, quasi-static
    (full thermalisation); efficiency ≈ 0.5346."""
    med = heisenberg_medium(J)
    S = (np.kron(_SX, _I2), np.kron(_I2, _SX))
    cyc = otto_cycle_of(
        med, B_hot, B_cold, Bath(T_hot, rate), Bath(T_cold, rate), S, tau_hot=tau, tau_cold=tau
    )
    return quasi_static(cyc)
