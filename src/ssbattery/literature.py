"""Published and analytic checks a user can run: ``ssbattery validate``.

Every check computes one number with the package's public API and compares it with a
value from the literature or a closed form, within a stated tolerance:

* ``"abs"``/``"rel"``: |obtained − expected| ≤ tolerance (absolute / relative);
* ``"le"``/``"ge"``: obtained ≤ expected + tolerance (a bound) / obtained ≥ expected − tol.

:data:`CHECKS` lists them (≥ 40, grouped by topic); :func:`run_checks` runs all or a
selection and returns :class:`CheckResult` records. The test suite runs the same list
(tests/test_literature.py), so a check that fails here fails CI. ħ = k_B = 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ssbattery.errors import InvalidParameterError

if TYPE_CHECKING:
    from ssbattery.thermal.otto import OttoResult

__all__ = ["CHECKS", "Check", "CheckResult", "run_checks"]

Compare = Literal["abs", "rel", "le", "ge"]


@dataclass(frozen=True)
class Check:
    """One literature or analytic check: ``compute()`` must give ``expected`` within
    ``tolerance`` in the sense of ``compare``.

    ``unit`` is the unit of the checked quantity (ħ = k_B = 1): energies in the frequency
    unit of the check's Hamiltonian (ω₀ for the Otto and heat-battery cycles, ω for a qubit
    of gap ω = 1, ω_e for the pumped battery, B for the spin chain, E₀ for a general cycle's
    medium), powers of the learned engine in E₀Γ, information in nats, and ``"1"`` for
    ratios, efficiencies, occupations and exponents.
    """

    name: str
    topic: str
    reference: str
    expected: float
    tolerance: float
    compute: Callable[[], float]
    compare: Compare = "abs"
    unit: str = "1"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one :class:`Check`."""

    name: str
    topic: str
    reference: str
    expected: float
    obtained: float
    tolerance: float
    compare: Compare
    passed: bool
    seconds: float
    error: str = ""
    unit: str = "1"

    def __str__(self) -> str:
        op = {"abs": "±", "rel": "± rel.", "le": "≤ +", "ge": "≥ −"}[self.compare]
        unit = "" if self.unit == "1" else f" {self.unit}"
        got = self.error or f"{self.obtained:.8g}{unit}"
        return (
            f"{'PASS' if self.passed else 'FAIL'} {self.name}: {got} (expected "
            f"{self.expected:.8g}{unit} {op} {self.tolerance:.1g}; {self.reference})"
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form. ``expected``, ``obtained`` and ``tolerance`` are in the checked
        quantity's unit, named in the entry ``unit`` (``tolerance`` relative, [1], when
        ``compare`` is ``"rel"``); the wall time of the check is ``"time [s]"``.

        The three keep plain names on purpose: ``ssbattery validate --json`` lists checks of
        different quantities (efficiencies [1], energies [ω], informations [nats], …) as rows
        with one set of keys, and each row states its unit once in ``unit``.
        """
        return {
            "name": self.name,
            "topic": self.topic,
            "reference": self.reference,
            "unit": self.unit,
            "expected": self.expected,
            "obtained": self.obtained if math.isfinite(self.obtained) else None,
            "tolerance": self.tolerance,
            "compare": self.compare,
            "passed": self.passed,
            "time [s]": self.seconds,
            "error": self.error,
        }


def _passes(obtained: float, expected: float, tol: float, compare: Compare) -> bool:
    if not math.isfinite(obtained):
        return False
    if compare == "abs":
        return abs(obtained - expected) <= tol
    if compare == "rel":
        return abs(obtained - expected) <= tol * abs(expected)
    if compare == "le":
        return obtained <= expected + tol
    return obtained >= expected - tol


# ------------------------------------------------------------------------------ helpers
_H_QUBIT = np.diag([0.5, -0.5]).astype(complex)  # gap ω = 1, index 0 excited
_BELL = np.array([1, 0, 0, 1]) / math.sqrt(2)
_SINGLET = np.array([0, 1, -1, 0]) / math.sqrt(2)
_SM = np.array([[0, 0], [1, 0]], dtype=complex)


def _werner(p: float) -> np.ndarray:
    return p * np.outer(_SINGLET, _SINGLET) + (1 - p) * np.eye(4) / 4


def _otto(**kw: Any) -> OttoResult:
    from ssbattery.thermal.otto import qubit_otto

    return qubit_otto(**kw)


def _otto_eta(wc: float) -> float:
    r = _otto(
        omega_h=2.0, omega_c=wc, T_h=4.0, T_c=0.5, rate_h=1.0, rate_c=1.0, tau_h=60.0, tau_c=60.0
    )
    return float(r.efficiency)


def _oscillator_eta() -> float:
    import warnings

    from ssbattery.errors import ConvergenceWarning
    from ssbattery.thermal.otto import oscillator_otto

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = oscillator_otto(
            levels=24, omega_h=2.0, omega_c=1.2, T_h=2.0, T_c=0.3, tau_h=40.0, tau_c=40.0
        )
    return float(r.efficiency)


def _oscillator_work_closed_form() -> float:
    # full thermalisation, adiabatic strokes: W = (ω_h − ω_c)(n̄_c − n̄_h), n̄ = 1/(e^{ω/T} − 1)
    import warnings

    from ssbattery.errors import ConvergenceWarning
    from ssbattery.thermal.otto import oscillator_otto

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = oscillator_otto(
            levels=30,
            omega_h=2.0,
            omega_c=1.0,
            T_h=1.0,
            T_c=0.25,
            rate_h=4.0,
            rate_c=4.0,
            tau_h=80.0,
            tau_c=80.0,
        )
    return float(r.work)


def _osc_expected_work() -> float:
    nh, nc = 1 / math.expm1(2.0 / 1.0), 1 / math.expm1(1.0 / 0.25)
    return (2.0 - 1.0) * (nc - nh)


def _ca_efficiency_at_max_work() -> float:
    # Oscillator Otto, full thermalisation, classical limit T ≫ ω: maximise
    # W_out(ω_c) = (ω_h − ω_c)(n̄(ω_h, T_h) − n̄(ω_c, T_c)) over ω_c; η = 1 − ω_c/ω_h there
    # (Rezek & Kosloff, NJP 8, 83 (2006)): Curzon–Ahlborn 1 − √(T_c/T_h).
    from scipy.optimize import minimize_scalar

    from ssbattery.thermal.baths import occupation

    wh, Th, Tc = 0.05, 4.0, 1.0

    def minus_w(wc: float) -> float:
        return -float((wh - wc) * (occupation(wh, Th) - occupation(wc, Tc)))

    res = minimize_scalar(
        minus_w, bounds=(1e-4, wh * 0.999), method="bounded", options={"xatol": 1e-12}
    )
    return 1.0 - float(res.x) / wh


def _fridge_cop() -> float:
    r = _otto(omega_h=4.0, omega_c=1.0, T_h=1.0, T_c=0.9, tau_h=60.0, tau_c=60.0)
    return float(r.cop)


def _max_eta_over_ratios() -> float:
    from ssbattery.thermal.otto import qubit_otto

    best = 0.0
    for ratio in np.linspace(0.13, 0.95, 30):
        r = qubit_otto(omega_h=2.0, omega_c=2.0 * ratio, T_h=4.0, T_c=0.5, tau_h=3.0, tau_c=3.0)
        if r.mode == "engine":
            best = max(best, r.efficiency)
    return best


def _max_cop() -> float:
    from ssbattery.thermal.otto import qubit_otto

    best = 0.0
    for ratio in np.linspace(0.05, 0.85, 30):
        r = qubit_otto(omega_h=4.0, omega_c=4.0 * ratio, T_h=1.0, T_c=0.9, tau_h=4.0, tau_c=4.0)
        if r.mode == "refrigerator":
            best = max(best, r.cop)
    return best


def _qubit_otto_work() -> float:
    r = _otto(
        omega_h=3.0, omega_c=1.0, T_h=5.0, T_c=0.4, rate_h=1.0, rate_c=1.0, tau_h=60.0, tau_c=60.0
    )
    return float(r.work)


def _qubit_otto_expected() -> float:
    zh, zc = -math.tanh(3.0 / 10.0), -math.tanh(1.0 / 0.8)
    return (3.0 - 1.0) * (zc - zh) / 2


def _gibbs_residual() -> float:
    from ssbattery.thermal.baths import Bath, global_dissipators, thermal_state
    from ssbattery.thermal.lindblad import liouvillian, vec

    s1 = np.kron(_SM, np.eye(2))
    s2 = np.kron(np.eye(2), _SM)
    H = (
        1.0 * s1.conj().T @ s1
        + 1.7 * s2.conj().T @ s2
        + 0.3 * (s1.conj().T @ s2 + s2.conj().T @ s1)
    )
    bath = Bath(0.8, 0.2)
    c = global_dissipators(H, s1 + s1.conj().T, bath) + global_dissipators(
        H, s2 + s2.conj().T, bath
    )
    return float(np.max(np.abs(liouvillian(H, c) @ vec(thermal_state(H, 0.8)))))


def _detailed_balance_ratio() -> float:
    from ssbattery.thermal.baths import Bath

    down, up = Bath(0.7, 0.3).down_up_rates(1.3)
    return up / down


def _coupling_from_h() -> float:
    from ssbattery.thermal.baths import local_coupling_strength
    from ssbattery.thermal.heat_battery import coupled_qubits_hamiltonian

    s1, s2 = np.kron(_SM.T, np.eye(2)), np.kron(np.eye(2), _SM.T)
    return local_coupling_strength(coupled_qubits_hamiltonian(1.0, 0.07), [s1, s2])


def _fano() -> float:
    from ssbattery.thermal.fcs import heat_statistics

    H = np.diag([0.65, -0.65]).astype(complex)
    fill, empty = math.sqrt(0.7) * _SM.conj().T, math.sqrt(0.2) * _SM
    return heat_statistics(H, [fill, empty], [empty]).fano


def _tur(T_h: float, T_c: float) -> float:
    from ssbattery.thermal.baths import Bath, entropy_production, global_dissipators, heat_currents
    from ssbattery.thermal.fcs import heat_statistics
    from ssbattery.thermal.lindblad import steady_state

    H = np.diag([0.65, -0.65]).astype(complex)
    sx = _SM + _SM.conj().T
    a = global_dissipators(H, sx, Bath(T_h, 0.4))
    b = global_dissipators(H, sx, Bath(T_c, 0.9))
    rho = steady_state(H, a + b)
    J = heat_currents(H, [a, b], rho)
    sigma = entropy_production(J, [T_h, T_c])
    return heat_statistics(H, a + b, a, entropy_production=sigma).tur_ratio


def _demon_single(eps: float) -> float:
    from ssbattery.thermal.feedback import CoupledQubits, demon_cycle

    r = demon_cycle(
        CoupledQubits(1.0, 7.0, 0.0),
        temperature=1.0,
        tau=60.0,
        scheme="single",
        measurement_error=eps,
    )
    return r.work_extracted


def _demon_expected(eps: float) -> float:
    pe = 1 / (1 + math.e)
    return (1 - eps) * pe - eps * (1 - pe)


def _szilard_margin(eps: float) -> float:
    from ssbattery.thermal.feedback import CoupledQubits, demon_cycle

    r = demon_cycle(
        CoupledQubits(1.0, 3.0, -0.3), temperature=3.0, scheme="joint", measurement_error=eps
    )
    return r.net_work - 3.0 * r.qc_information


def _fast_otto() -> float:
    from ssbattery.thermal.learning import erdman_noe_parameters, fast_otto_bound

    p = erdman_noe_parameters()
    return fast_otto_bound(p)[0] / p.E0


def _fast_otto_limit() -> float:
    from ssbattery.thermal.learning import erdman_noe_parameters, optimal_otto

    p = erdman_noe_parameters()
    return optimal_otto(p, 0.01).metrics.power / p.E0


def _heat_battery_spectrum_gap() -> float:
    from ssbattery.thermal.heat_battery import coupled_qubits_hamiltonian

    e = np.linalg.eigvalsh(coupled_qubits_hamiltonian(1.0, 0.2))
    return float(e[2] - e[1])


def _global_ness_ergotropy() -> float:
    from ssbattery.thermal.heat_battery import HeatBattery, heat_battery

    return heat_battery(HeatBattery(coupling=0.2, form="global"), 5.0).ness_ergotropy


def _long_cycle_work_ratio() -> float:
    from ssbattery.thermal.heat_battery import HeatBattery, heat_battery

    r = heat_battery(HeatBattery(coupling=0.05), 400.0, warn=False)
    return r.work / r.ness_ergotropy


def _pump_rate() -> float:
    from ssbattery.thermal.pumped_battery import effective_pump_rate

    return effective_pump_rate(0.05, 0.2, 0.0)


def _pumped_engine_margin() -> float:
    from ssbattery.thermal.pumped_battery import PumpedBattery, two_stroke_engine

    r = two_stroke_engine(PumpedBattery(), 1.5)
    return r.efficiency - r.bound


def _dicke_exponent() -> float:
    from ssbattery.quantum.dicke_scaling import dicke_scaling

    return dicke_scaling(range(1, 11), 0.1).fit.exponent


def _spin_chain_ratio() -> float:
    from ssbattery.quantum.spin_chain import (
        SpinChainParameters,
        charge_spin_chain,
        independent_spins_power_max,
    )

    p = SpinChainParameters(n_sites=6, anisotropy=1.0)
    return charge_spin_chain(p).power_max / independent_spins_power_max(p)[0]


def _spin_chain_energy() -> float:
    from ssbattery.quantum.spin_chain import (
        SpinChainParameters,
        charge_spin_chain,
        independent_spins_energy,
    )

    p = SpinChainParameters(n_sites=4, anisotropy=1.0)
    t = np.linspace(0.01, 0.5, 25)
    res = charge_spin_chain(p, t, refine=False)
    return float(np.max(np.abs(res.energy - independent_spins_energy(p, t))))


def _bell_local() -> float:
    from ssbattery.quantum.ergotropies import local_ergotropies

    return float(sum(local_ergotropies(_BELL, (2, 2), [_H_QUBIT, _H_QUBIT])))


def _bose() -> float:
    from ssbattery.thermal.baths import occupation

    return float(occupation(1.0, 1.0))


def _q(fn: str, *args: object) -> Callable[[], float]:
    """A lazy call of a function of :mod:`ssbattery.quantum.correlations` or ``ergotropies``."""

    def run() -> float:
        from ssbattery.quantum import correlations, ergotropies, metrics

        for mod in (correlations, ergotropies, metrics):
            if hasattr(mod, fn):
                return float(getattr(mod, fn)(*args))
        raise InvalidParameterError(f"no quantity {fn!r}")

    return run


def _heisenberg_eta() -> float:
    from ssbattery.thermal.cycle import heisenberg_otto

    return heisenberg_otto().efficiency


def _absorption_cop() -> float:
    from ssbattery.thermal.machines import absorption_refrigerator

    return absorption_refrigerator().cop


_PASSIVE = np.diag([0.5, 0.45, 0.05])
_H3 = np.diag([0.0, 1.0, 2.5]).astype(complex)
_H2 = np.kron(_H_QUBIT, np.eye(2)) + np.kron(np.eye(2), _H_QUBIT)
_PLUS = np.array([1, 1]) / math.sqrt(2)
_GHZ = np.eye(8)[0] / math.sqrt(2) + np.eye(8)[7] / math.sqrt(2)
_LN2 = math.log(2)


def _szilard(eps: float) -> Any:
    """The qubit Szilard cycle (ω = 1, T = 0.7): energy record misread with probability
    ε, swap to the ground state, full re-thermalisation."""
    from ssbattery.thermal.baths import Bath
    from ssbattery.thermal.cycle import Cycle, FeedbackStroke, Medium, ThermalStroke, run_cycle
    from ssbattery.thermal.media import energy_feedback
    from ssbattery.thermal.model import BathCoupling

    med = Medium(lambda w: np.diag([w / 2, -w / 2]).astype(complex), (2,))
    sx = np.array([[0, 1], [1, 0]], dtype=complex)
    bath = (BathCoupling(Bath(0.7, 1.0), sx),)
    proto = energy_feedback(med.H(1.0), readout_error=eps)
    return run_cycle(Cycle(med, (FeedbackStroke(1.0, proto), ThermalStroke(1.0, bath, 60.0))))


def _h2(p: float) -> float:
    return -sum(x * math.log(x) for x in (p, 1.0 - p) if x > 0)


_PE_SZILARD = 1.0 / (1.0 + math.exp(1.0 / 0.7))
_Q_SZILARD = _PE_SZILARD * 0.9 + (1.0 - _PE_SZILARD) * 0.1


def _szilard_ratio() -> float:
    r = _szilard(0.1)
    return (-r.work - r.measurement_energy) / (0.7 * r.information)


def _transistor_alpha_sum() -> float:
    from ssbattery.thermal.machines import heat_transistor

    return float(sum(heat_transistor(0.2).amplification))


def _spin_chain_otto_gap() -> float:
    """Quasi-static XXZ-chain Otto work minus the closed form of its B-independent levels."""
    from ssbattery.thermal.baths import Bath
    from ssbattery.thermal.cycle import otto_cycle_of, quasi_static
    from ssbattery.thermal.media import spin_chain_medium

    med, ops = spin_chain_medium(3, coupling=2.0, anisotropy=0.5)
    M = sum(med.locals(1.0))
    Hg = med.H(1.0) - M
    _, V = np.linalg.eigh(Hg + 1e-3 * M)
    h = np.real(np.diag(V.conj().T @ Hg @ V))
    m = np.real(np.diag(V.conj().T @ M @ V))
    E1, E2 = h + m, h + 2 * m
    pc = np.exp(-(E1 - E1.min()) / 0.5)
    ph = np.exp(-(E2 - E2.min()) / 4.0)
    W = -float((E2 - E1) @ (ph / ph.sum() - pc / pc.sum()))
    cyc = otto_cycle_of(
        med, 2.0, 1.0, Bath(4.0, 0.5), Bath(0.5, 0.5), [ops["x1"], ops["x3"]],
        tau_hot=1.0, tau_cold=1.0,
    )  # fmt: skip
    return float(quasi_static(cyc).work - W)


#: Every literature and analytic check that ``ssbattery validate`` runs, in order.
CHECKS: tuple[Check, ...] = (
    # Otto cycle
    Check(
        "otto-qubit-efficiency",
        "Otto",
        "Kieu, PRL 93, 140403 (2004): η = 1 − ω_c/ω_h",
        0.5,
        1e-12,
        lambda: _otto_eta(1.0),
    ),
    Check(
        "otto-qubit-efficiency-0.3",
        "Otto",
        "Kieu (2004): η = 1 − ω_c/ω_h at ω_c/ω_h = 0.3",
        0.7,
        1e-12,
        lambda: _otto_eta(0.6),
    ),
    Check(
        "otto-oscillator-efficiency",
        "Otto",
        "Rezek & Kosloff, NJP 8, 83 (2006): η = 1 − ω_c/ω_h",
        0.4,
        1e-9,
        _oscillator_eta,
    ),
    Check(
        "otto-qubit-work",
        "Otto",
        "closed form W = (ω_h − ω_c)(z_c − z_h)/2, z = −tanh(ω/2T)",
        _qubit_otto_expected(),
        1e-12,
        _qubit_otto_work,
        unit="ω₀",
    ),
    Check(
        "otto-oscillator-work",
        "Otto",
        "closed form W = (ω_h − ω_c)(n̄_c − n̄_h)",
        _osc_expected_work(),
        1e-8,
        _oscillator_work_closed_form,
        unit="ω₀",
    ),
    Check(
        "otto-refrigerator-cop", "Otto", "ideal Otto COP ω_c/(ω_h − ω_c)", 1 / 3, 1e-12, _fridge_cop
    ),
    Check(
        "otto-carnot-bound",
        "Otto",
        "Carnot: η ≤ 1 − T_c/T_h = 0.875",
        0.875,
        1e-12,
        _max_eta_over_ratios,
        "le",
    ),
    Check(
        "otto-carnot-cop-bound",
        "Otto",
        "Carnot COP T_c/(T_h − T_c) = 9",
        9.0,
        1e-12,
        _max_cop,
        "le",
    ),
    Check(
        "curzon-ahlborn",
        "Otto",
        "Curzon & Ahlborn, Am. J. Phys. 43, 22 (1975); Rezek & Kosloff (2006): η* = 1 − √(T_c/T_h)",
        0.5,
        2e-3,
        _ca_efficiency_at_max_work,
    ),
    Check(
        "otto-conduction-work",
        "Otto",
        "ω_h = ω_c: W = 0 (conduction)",
        0.0,
        1e-14,
        lambda: float(_otto(omega_h=1.5, omega_c=1.5).work),
        unit="ω₀",
    ),
    Check(
        "otto-first-law",
        "Otto",
        "first law W + Q_h + Q_c = 0 over the limit cycle",
        0.0,
        1e-13,
        lambda: float(_otto(tau_h=2.0, tau_c=3.0).first_law_residual),
        unit="ω₀",
    ),
    Check(
        "heisenberg-otto-efficiency",
        "cycles",
        (
            "two-qubit Heisenberg Otto engine H = J σ·σ + (B/2)Σσᶻ, B 2 → 4, J = 0.2, "
            "T 0.5/4, quasi-static (after Zhang et al., PRA 75, 062102 (2007))"
        ),
        0.5346,
        5e-4,
        _heisenberg_eta,
    ),
    Check(
        "absorption-fridge-cop",
        "cycles",
        (
            "three-qubit absorption refrigerator, local regime: COP = ω_c/ω_h "
            "(Linden, Popescu & Skrzypczyk, PRL 105, 130401 (2010))"
        ),
        0.5,
        1e-6,
        _absorption_cop,
    ),
    # ergotropy
    Check(
        "ergotropy-inverted-qubit",
        "ergotropy",
        "Allahverdyan et al., EPL 67, 565 (2004): E = ω",
        1.0,
        1e-12,
        _q("ergotropy", np.array([1.0, 0.0]), _H_QUBIT),
        unit="ω",
    ),
    Check(
        "bell-global-ergotropy",
        "ergotropy",
        "Bell pair global ergotropy ω (Alicki & Fannes, PRE 87, 042123 (2013))",
        1.0,
        1e-12,
        _q("ergotropy", _BELL, _H2),
        unit="ω",
    ),
    Check(
        "bell-local-ergotropy",
        "ergotropy",
        "Bell pair local ergotropy 0",
        0.0,
        1e-12,
        lambda: float(
            sum(
                __import__("ssbattery.quantum.ergotropies", fromlist=["x"]).local_ergotropies(
                    _BELL, (2, 2), [_H_QUBIT, _H_QUBIT]
                )
            )
        ),
        unit="ω",
    ),
    Check(
        "bell-locked-ergotropy",
        "ergotropy",
        "Bell pair locked ergotropy ω",
        1.0,
        1e-12,
        _q("locked_ergotropy", _BELL, (2, 2), [_H_QUBIT, _H_QUBIT]),
        unit="ω",
    ),
    Check(
        "plus-coherent-ergotropy",
        "ergotropy",
        "Francica et al., PRL 125, 180603 (2020); Çakmak, PRE 102, 042111 (2020): "
        "|+⟩ coherent ergotropy ω/2",
        0.5,
        1e-12,
        _q("coherent_ergotropy", _PLUS, _H_QUBIT),
        unit="ω",
    ),
    Check(
        "plus-incoherent-ergotropy",
        "ergotropy",
        "|+⟩ incoherent ergotropy 0",
        0.0,
        1e-12,
        _q("incoherent_ergotropy", _PLUS, _H_QUBIT),
        unit="ω",
    ),
    Check(
        "asymptotic-ergotropy-pure",
        "ergotropy",
        "Alicki & Fannes (2013): pure state E_∞ = E − E_0",
        1.0,
        1e-12,
        _q("asymptotic_ergotropy", np.array([0.0, 1.0, 0.0]), _H3),
        unit="ω",
    ),
    Check(
        "asymptotic-ergotropy-passive",
        "ergotropy",
        (
            "passive non-Gibbs qutrit diag(0.5, 0.45, 0.05), E = (0, 1, 2.5): E = 0 < E_∞ "
            "= 0.0808456 (independent root of S(γ_β) = S(ρ) with brentq)"
        ),
        0.0808456113,
        1e-9,
        _q("asymptotic_ergotropy", _PASSIVE, _H3),
        unit="ω",
    ),
    Check(
        "asymptotic-ergotropy-gibbs",
        "ergotropy",
        "Gibbs state: E_∞ = 0",
        0.0,
        1e-9,
        _q(
            "asymptotic_ergotropy",
            np.diag(np.exp(-np.diag(_H3).real / 0.7) / np.exp(-np.diag(_H3).real / 0.7).sum()),
            _H3,
        ),
        unit="ω",
    ),
    # correlations
    Check(
        "bell-mutual-information",
        "correlations",
        "I(A:B) = 2 ln 2 for a Bell pair",
        2 * _LN2,
        1e-12,
        _q("mutual_information", _BELL, (2, 2), 0, 1),
        unit="nats",
    ),
    Check(
        "ghz-total-correlation",
        "correlations",
        "GHZ₃ total correlation 3 ln 2 (Watanabe 1960)",
        3 * _LN2,
        1e-12,
        _q("total_correlation", _GHZ, (2, 2, 2)),
        unit="nats",
    ),
    Check(
        "bell-concurrence",
        "correlations",
        "Wootters, PRL 80, 2245 (1998): C = 1",
        1.0,
        1e-9,
        _q("concurrence", _BELL),
    ),
    Check(
        "werner-concurrence",
        "correlations",
        "Wootters (1998): Werner p = 0.8, C = (3p − 1)/2",
        0.7,
        1e-9,
        _q("concurrence", _werner(0.8)),
    ),
    Check(
        "werner-separable",
        "correlations",
        "Werner p ≤ 1/3 separable: C = 0",
        0.0,
        1e-9,
        _q("concurrence", _werner(0.3)),
    ),
    Check(
        "werner-negativity",
        "correlations",
        "Vidal & Werner, PRA 65, 032314 (2002): N = (3p − 1)/4",
        0.35,
        1e-12,
        _q("negativity", _werner(0.8)),
    ),
    Check(
        "bell-log-negativity",
        "correlations",
        "E_N = ln 2 for a Bell pair",
        _LN2,
        1e-12,
        _q("logarithmic_negativity", _BELL),
        unit="nats",
    ),
    # baths and master equations
    Check(
        "gibbs-is-steady",
        "baths",
        "Davies generators have the Gibbs state as a fixed point (Spohn 1978)",
        0.0,
        1e-13,
        _gibbs_residual,
        unit="ω",
    ),
    Check(
        "detailed-balance",
        "baths",
        "γ↑/γ↓ = e^{−ω/T}",
        math.exp(-1.3 / 0.7),
        1e-12,
        _detailed_balance_ratio,
        "rel",
    ),
    Check(
        "bose-occupation",
        "baths",
        "n̄(ω = T) = 1/(e − 1)",
        1 / (math.e - 1),
        1e-15,
        _bose,
    ),
    Check(
        "local-coupling-from-h",
        "baths",
        "[H, σ⁻₁] = −ω σ⁻₁ + λ σᶻ₁σ⁻₂: residual λ",
        0.07,
        1e-14,
        _coupling_from_h,
        unit="ω",
    ),
    # statistics
    Check(
        "resonant-level-fano",
        "statistics",
        "Bagrets & Nazarov, PRB 67, 085316 (2003): F = (Γ_L² + Γ_R²)/(Γ_L + Γ_R)²",
        (0.49 + 0.04) / 0.81,
        1e-10,
        _fano,
    ),
    Check(
        "tur-classical",
        "statistics",
        "Barato & Seifert, PRL 114, 158101 (2015): S σ / J² ≥ 2",
        2.0,
        1e-12,
        lambda: _tur(3.0, 0.5),
        "ge",
    ),
    Check(
        "tur-linear-response",
        "statistics",
        "TUR saturates near equilibrium: Q → 2",
        2.0,
        2e-2,
        lambda: _tur(1.01, 1.0),
        "rel",
    ),
    # measurement and feedback
    Check(
        "demon-single-qubit",
        "feedback",
        "one-qubit demon: W = ω p_e, p_e = 1/(1 + e^{ω/T})",
        1 / (1 + math.e),
        1e-9,
        lambda: _demon_single(0.0),
        unit="ω",
    ),
    Check(
        "demon-with-error",
        "feedback",
        "noisy record: W = ω[(1 − ε)p_e − ε p_g], ε = 0.1",
        _demon_expected(0.1),
        1e-9,
        lambda: _demon_single(0.1),
        unit="ω",
    ),
    Check(
        "szilard-bound",
        "feedback",
        "Sagawa & Ueda, PRL 100, 080403 (2008): W − T·I_QC ≤ 0",
        0.0,
        1e-12,
        lambda: _szilard_margin(0.0),
        "le",
        unit="ω",
    ),
    Check(
        "szilard-bound-noisy",
        "feedback",
        "Sagawa & Ueda (2008) with ε = 0.2: W − T·I_QC ≤ 0",
        0.0,
        1e-12,
        lambda: _szilard_margin(0.2),
        "le",
        unit="ω",
    ),
    # learned cycles
    Check(
        "fast-otto-bound",
        "learning",
        (
            "Erdman et al., NJP 21, 103049 (2019): fast-Otto bound 0.003715 E0Γ "
            "(E0 = 2.5, T_c/T_h = 0.5)"
        ),
        0.003715,
        5e-7,
        _fast_otto,
        unit="E₀Γ",
    ),
    Check(
        "fast-otto-limit",
        "learning",
        "Otto power → fast-Otto bound as the period → 0",
        0.0037154,
        1e-6,
        _fast_otto_limit,
        unit="E₀Γ",
    ),
    # heat-charged and pumped batteries
    Check(
        "eq15-splitting",
        "batteries",
        "eq. 15: one-excitation splitting 2λ",
        0.4,
        1e-13,
        _heat_battery_spectrum_gap,
        unit="ω₀",
    ),
    Check(
        "global-ness-passive",
        "batteries",
        "Davies NESS with flat spectra is passive: ergotropy 0",
        0.0,
        1e-12,
        _global_ness_ergotropy,
        unit="ω₀",
    ),
    Check(
        "long-cycle-work",
        "batteries",
        "τ ≫ 1/γ: W → NESS ergotropy",
        1.0,
        1e-8,
        _long_cycle_work_ratio,
    ),
    Check(
        "pump-rate-resonance",
        "batteries",
        "adiabatic elimination: r(0) = Ω²/Γ",
        0.05**2 / 0.2,
        1e-15,
        _pump_rate,
        unit="ω_e",
    ),
    Check(
        "pumped-engine-bound",
        "batteries",
        "engine η ≤ (1 − ω_c/ω_e)ω_e/ω_L",
        0.0,
        1e-12,
        _pumped_engine_margin,
        "le",
    ),
    # many-body batteries
    Check(
        "dicke-exponent-review",
        "many-body",
        "review Fig. 12: P_max ∝ N^α, α = 1.4 (N ≤ 10)",
        1.4,
        0.03,
        _dicke_exponent,
    ),
    Check(
        "dicke-exponent-ferraro",
        "many-body",
        "Ferraro et al., PRL 120, 117702 (2018): α → 3/2 (finite N ≤ 10 below it)",
        1.5,
        0.1,
        _dicke_exponent,
    ),
    Check(
        "spin-chain-alpha1-power",
        "many-body",
        "α = 1: P_max = 2NBω sin²y*/y*, tan y* = 2y* (independent spins)",
        1.0,
        1e-6,
        _spin_chain_ratio,
        "rel",
    ),
    Check(
        "spin-chain-alpha1-energy",
        "many-body",
        "α = 1: W(t) = 2NB sin²(ωt)",
        0.0,
        1e-8,
        _spin_chain_energy,
        unit="B",
    ),
    # feedback strokes and further machines (issue 16 §2–§3)
    Check(
        "szilard-qubit-work",
        "feedback",
        "qubit Szilard cycle, record error ε = 0.1: −W = ω (p_e − ε)",
        _PE_SZILARD - 0.1,
        1e-10,
        lambda: float(-_szilard(0.1).work),
        unit="ω",
    ),
    Check(
        "szilard-qubit-information",
        "feedback",
        "QC-mutual information of a misread energy record = binary-channel I = h(q) − h(ε)",
        _h2(_Q_SZILARD) - _h2(0.1),
        1e-10,
        lambda: float(_szilard(0.1).information),
        unit="nats",
    ),
    Check(
        "szilard-cycle-bound",
        "feedback",
        "Sagawa & Ueda, PRL 100, 080403 (2008): W ≤ k_B T · I (ratio ≤ 1)",
        1.0,
        1e-12,
        _szilard_ratio,
        "le",
    ),
    Check(
        "szilard-ideal-limit",
        "feedback",
        "ε → 0: −W = ω p_e (the error-free demon)",
        _PE_SZILARD,
        1e-10,
        lambda: float(-_szilard(0.0).work),
        unit="ω",
    ),
    Check(
        "transistor-amplification-sum",
        "cycles",
        "Joulain et al., PRL 116, 200601 (2016) transistor: α_L + α_R = −1 (J_L + J_M + J_R = 0)",
        -1.0,
        1e-6,
        _transistor_alpha_sum,
    ),
    Check(
        "spin-chain-otto-quasistatic",
        "cycles",
        "XXZ-chain Otto (eqs. 10–11), quasi-static W = −Σ_n ΔE_n Δp_n with level crossings",
        0.0,
        1e-10,
        _spin_chain_otto_gap,
        unit="E₀",
    ),
)


def run_checks(names: Iterable[str] | None = None) -> list[CheckResult]:
    """Run the checks ``names`` (default: all of :data:`CHECKS`), in order.

    Raises:
        InvalidParameterError: for an unknown name, or an empty ``names`` (which would run
            no check and read as all passed; pass None for every check).
    """
    wanted = None if names is None else list(names)
    known = {c.name for c in CHECKS}
    if wanted is not None and not wanted:
        raise InvalidParameterError(
            "`names` is empty: no check would run; give check names (see `ssbattery "
            "validate --list`) or None for all."
        )
    if wanted is not None:
        unknown = [n for n in wanted if n not in known]
        if unknown:
            raise InvalidParameterError(
                f"unknown check(s) {', '.join(unknown)}; see `ssbattery validate --list`."
            )
    out = []
    for c in CHECKS:
        if wanted is not None and c.name not in wanted:
            continue
        t0 = time.perf_counter()
        error = ""
        try:
            value = float(c.compute())
        except Exception as exc:
            value, error = math.nan, f"{type(exc).__name__}: {exc}"
        out.append(
            CheckResult(
                name=c.name,
                topic=c.topic,
                reference=c.reference,
                expected=c.expected,
                obtained=value,
                tolerance=c.tolerance,
                compare=c.compare,
                passed=_passes(value, c.expected, c.tolerance, c.compare),
                seconds=time.perf_counter() - t0,
                error=error,
                unit=c.unit,
            )
        )
    return out
