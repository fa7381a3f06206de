"""Hypothesis strategies for the package's public classes, one registry (issue 15 §6).

``STRATEGIES[cls]`` draws valid instances of ``cls``: every frozen parameter dataclass that
checks itself (a ``__post_init__``) and every error class has one, and
``tests/test_strategies.py`` checks that each draws instances that construct. Tests that
need "any valid DickeParameters" take ``STRATEGIES[DickeParameters]`` instead of writing
their own ranges. Ranges are kept small (a few atoms or sites) so drawn models run fast.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ssbattery import errors
from ssbattery.cell.discharge import RegularSolutionCathode
from ssbattery.cell.landau import LandauCoefficients
from ssbattery.cell.self_charging import SelfChargingCell
from ssbattery.electrolytes.impedance.conductivity import Pellet
from ssbattery.quantum.chain_charging import MatrixFreeChain, matrix_free_chain
from ssbattery.quantum.chain_operator import ChainOperator
from ssbattery.quantum.chain_pauli import PauliOperator, pauli_operator
from ssbattery.quantum.chain_stream import (
    MirrorEvenOperator,
    MirrorHalf,
    StreamOperator,
    mirrored_couplings,
    stream_operator,
)
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.dicke_wavefront import WavefrontChebyshev, gershgorin_bounds
from ssbattery.quantum.dicke_window import PhotonWindow, window_basis
from ssbattery.quantum.evolution import Chebyshev, Eigh, Expm, ExpmMultiply, Lanczos
from ssbattery.quantum.mps import TDVP, TEBD
from ssbattery.quantum.open.charging import DrivenBattery
from ssbattery.quantum.open.liouvillian import CollectiveHamiltonian
from ssbattery.quantum.open.propagate import ChebyshevLindblad, RungeKutta
from ssbattery.quantum.open.rates import Dissipation
from ssbattery.quantum.spin_chain import SpinChainParameters
from ssbattery.results import Quantity
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.cycle import Cycle, ThermalStroke, UnitaryStroke, heisenberg_medium
from ssbattery.thermal.feedback import CoupledQubits, FeedbackProtocol
from ssbattery.thermal.heat_battery import HeatBattery
from ssbattery.thermal.learning import EngineParameters
from ssbattery.thermal.model import BathCoupling
from ssbattery.thermal.otto import OttoCycle, WorkingMedium
from ssbattery.thermal.pumped_battery import PumpedBattery
from ssbattery.thermal.strokes import Adiabatic, Driven, Sudden

__all__ = ["COSTLY", "RESULT_STRATEGIES", "STRATEGIES"]


def _pos(lo: float = 0.05, hi: float = 5.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _tol() -> st.SearchStrategy[float]:
    return st.sampled_from([1e-6, 1e-8, 1e-10, 1e-12])


_bath = st.builds(Bath, temperature=_pos(0.0, 5.0), rate=_pos(0.05, 2.0))
_stroke = st.one_of(
    st.builds(Adiabatic, tau_u=_pos(0.0, 3.0)),
    st.builds(Sudden, tau_u=_pos(0.0, 3.0)),
    st.builds(Driven, tau_u=_pos(0.1, 3.0), steps=st.integers(1, 50)),
)


def _wavefront(
    params: DickeParameters, lowest: int, layers: int, depth: int, threads: int
) -> WavefrontChebyshev:
    """A wavefront propagator on a photon window [lowest, lowest + layers] of ``params``."""
    basis = window_basis(params, lowest, lowest + layers)
    return WavefrontChebyshev(
        params, basis, gershgorin_bounds(params, basis), depth=depth, threads=threads
    )


@st.composite
def _otto_cycle(draw: st.DrawFn) -> OttoCycle:
    t_c = draw(_pos(0.05, 2.0))
    hot = Bath(t_c + draw(_pos(0.05, 3.0)), draw(_pos(0.1, 1.0)))
    medium = draw(
        st.one_of(
            st.just(WorkingMedium("qubit")),
            st.builds(
                WorkingMedium,
                st.just("oscillator"),
                levels=st.integers(4, 20),
                reference_frequency=_pos(0.5, 2.0),
            ),
        )
    )
    return OttoCycle(
        medium,
        draw(_pos(1.0, 3.0)),
        draw(_pos(0.2, 1.0)),
        hot,
        Bath(t_c, draw(_pos(0.1, 1.0))),
        draw(_pos(0.5, 10.0)),
        draw(_pos(0.5, 10.0)),
        stroke=draw(_stroke),
    )


@st.composite
def _dicke(draw: st.DrawFn) -> DickeParameters:
    n = draw(st.integers(1, 4))
    return DickeParameters(
        n,
        draw(_pos(0.05, 1.0)),
        omega_a=draw(_pos(0.5, 2.0)),
        omega_cav=draw(_pos(0.5, 2.0)),
        eta=draw(st.floats(-1.0, 1.0)),
        drive=draw(st.sampled_from([0.0, 0.3])),
        photon_cutoff=draw(st.one_of(st.none(), st.integers(n, 4 * n))),
        t_max=draw(st.one_of(st.none(), _pos(0.5, 5.0))),
        steps=draw(st.integers(2, 50)),
    )


@st.composite
def _feedback(draw: st.DrawFn) -> FeedbackProtocol:
    # measure σz of one qubit; flip it on the excited record (a Szilard-type demon)
    p0, p1 = np.diag([1.0, 0.0]).astype(complex), np.diag([0.0, 1.0]).astype(complex)
    flip = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
    return FeedbackProtocol(
        (p0, p1), (np.eye(2, dtype=complex), flip), ("g", "e"), draw(st.floats(0.0, 0.5))
    )


@st.composite
def _cycle(draw: st.DrawFn) -> Cycle:
    medium = heisenberg_medium(draw(_pos(0.05, 0.5)))
    lam_c, lam_h = draw(_pos(0.5, 1.0)), draw(_pos(1.5, 3.0))
    sx = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
    baths = BathCoupling(draw(_bath), np.kron(sx, np.eye(2)))
    return Cycle(
        medium,
        (
            UnitaryStroke(lam_c, lam_h),
            ThermalStroke(lam_h, (baths,), draw(_pos(1.0, 20.0))),
            UnitaryStroke(lam_h, lam_c),
        ),
    )


def _bath_coupling(op: Any = None) -> st.SearchStrategy[BathCoupling]:
    sx = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex) if op is None else op
    lower = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)
    return st.one_of(
        st.builds(BathCoupling, _bath, st.just(sx), form=st.just("global")),
        st.builds(
            BathCoupling, _bath, st.just(lower), form=st.just("local"), frequency=_pos(0.5, 2.0)
        ),
    )


_matrix_free_chain = st.builds(
    lambda n, a, interaction, periodic: matrix_free_chain(
        SpinChainParameters(n, anisotropy=a, interaction=interaction, periodic=periodic)
    ),
    st.integers(2, 6),
    st.floats(-1.0, 1.0),
    st.sampled_from(["nn", "lr"]),
    st.booleans(),
)

#: The strategy of each public class (see the module docstring).
STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    # quantum batteries and their methods
    DickeParameters: _dicke(),
    SpinChainParameters: st.builds(
        SpinChainParameters,
        n_sites=st.integers(1, 6),
        field=_pos(0.5, 5.0),
        charging=st.floats(-5.0, 5.0),
        coupling=_pos(0.0, 3.0),
        anisotropy=st.floats(-1.0, 1.0),
        interaction=st.sampled_from(["nn", "lr"]),
        decay=_pos(0.5, 3.0),
        periodic=st.booleans(),
    ),
    MatrixFreeChain: _matrix_free_chain,
    ChainOperator: _matrix_free_chain.map(lambda chain: chain.H_charge),
    StreamOperator: st.builds(
        lambda p: matrix_free_chain(p, operator="streaming").H_charge,
        st.builds(SpinChainParameters, n_sites=st.integers(2, 8), anisotropy=st.floats(-1.0, 1.0)),
    ),
    PauliOperator: st.builds(
        lambda n, w, a: pauli_operator(n, np.triu(np.ones((n, n)), 1), transverse=w, anisotropy=a),
        st.integers(2, 8),
        st.floats(0.0, 12.0),
        st.floats(-1.0, 1.0),
    ),
    MirrorEvenOperator: st.builds(
        lambda n, w, a: MirrorEvenOperator(
            stream_operator(
                n,
                mirrored_couplings(np.diag(np.ones(n - 1), 1)),
                transverse=w,
                anisotropy=a,
            )
        ),
        st.sampled_from([2, 4, 6, 8]),
        st.floats(0.0, 12.0),
        st.floats(-1.0, 1.0),
    ),
    MirrorHalf: st.builds(MirrorHalf, n_sites=st.sampled_from([2, 4, 6, 8, 10])),
    WavefrontChebyshev: st.builds(
        _wavefront,
        st.builds(DickeParameters, n_atoms=st.integers(1, 8), coupling=_pos(0.05, 1.0)),
        lowest=st.integers(0, 6),
        layers=st.integers(1, 12),
        depth=st.integers(1, 64),
        threads=st.sampled_from([1, 2]),
    ),
    PhotonWindow: st.builds(PhotonWindow, tol=_tol()),
    Eigh: st.builds(Eigh),
    Expm: st.builds(Expm),
    ExpmMultiply: st.builds(ExpmMultiply),
    Chebyshev: st.builds(Chebyshev, tol=_tol()),
    Lanczos: st.builds(Lanczos, tol=_tol(), krylov_dim=st.integers(8, 64)),
    TEBD: st.builds(TEBD, bond_dim=st.integers(4, 64)),
    TDVP: st.builds(TDVP, bond_dim=st.integers(4, 64)),
    Dissipation: st.builds(
        Dissipation,
        cavity_loss=_pos(0.0, 0.5),
        decay=_pos(0.0, 0.5),
        dephasing=_pos(0.0, 0.5),
        collective_decay=_pos(0.0, 0.5),
    ),
    CollectiveHamiltonian: st.builds(
        CollectiveHamiltonian,
        n_atoms=st.integers(1, 6),
        omega_a=_pos(0.5, 2.0),
        omega_cav=_pos(0.5, 2.0),
        coupling=st.floats(0.0, 1.0),
    ),
    DrivenBattery: st.builds(
        DrivenBattery, n_atoms=st.integers(1, 6), drive=_pos(0.1, 2.0), steps=st.integers(2, 50)
    ),
    ChebyshevLindblad: st.builds(ChebyshevLindblad, tol=_tol()),
    RungeKutta: st.builds(RungeKutta, rtol=_tol()),
    Quantity: st.builds(
        Quantity,
        st.sampled_from(["power_max", "Ea", "work"]),
        st.floats(-1e3, 1e3),
        st.sampled_from(["1", "eV", "ω_c²"]),
        st.one_of(st.none(), _pos(0.0, 1.0)),
    ),
    # thermal machines
    Bath: _bath,
    Adiabatic: st.builds(Adiabatic, tau_u=_pos(0.0, 3.0)),
    Sudden: st.builds(Sudden, tau_u=_pos(0.0, 3.0)),
    Driven: st.builds(Driven, tau_u=_pos(0.1, 3.0), steps=st.integers(1, 50)),
    WorkingMedium: st.builds(
        WorkingMedium,
        st.sampled_from(["qubit", "oscillator"]),
        levels=st.integers(2, 30),
        reference_frequency=_pos(0.5, 2.0),
    ),
    OttoCycle: _otto_cycle(),
    HeatBattery: st.builds(
        HeatBattery,
        coupling=st.floats(0.0, 0.1),
        T_h=_pos(1.0, 10.0),
        T_c=_pos(0.05, 1.0),
        rate_h=_pos(0.05, 0.5),
        rate_c=_pos(0.05, 0.5),
        form=st.sampled_from(["local", "global"]),
    ),
    PumpedBattery: st.builds(
        PumpedBattery,
        omega_e=_pos(0.5, 1.0),
        omega_a=_pos(1.2, 2.0),
        rabi=_pos(0.0, 0.1),
        decay=_pos(0.1, 0.5),
        single_reservoir=st.booleans(),
    ),
    CoupledQubits: st.builds(
        CoupledQubits, omega1=_pos(0.5, 2.0), omega2=_pos(0.5, 4.0), coupling=st.floats(0, 0.3)
    ),
    FeedbackProtocol: _feedback(),
    EngineParameters: st.builds(EngineParameters, T_hot=_pos(1.0, 2.0), T_cold=_pos(0.1, 0.5)),
    BathCoupling: _bath_coupling(),
    UnitaryStroke: st.builds(
        UnitaryStroke,
        _pos(0.5, 2.0),
        _pos(0.5, 2.0),
        protocol=st.sampled_from(["sudden", "adiabatic"]),
    ),
    ThermalStroke: st.builds(ThermalStroke, _pos(0.5, 2.0), st.tuples(_bath_coupling()), _pos()),
    Cycle: _cycle(),
    # cell physics and impedance
    LandauCoefficients: st.builds(
        LandauCoefficients, st.floats(-5.0, 5.0), _pos(0.1, 5.0), _pos(0.0, 1.0)
    ),
    SelfChargingCell: st.builds(
        SelfChargingCell, load_ohm=_pos(100.0, 5000.0), tau_s=_pos(0.5, 3.0)
    ),
    RegularSolutionCathode: st.builds(
        RegularSolutionCathode, omega_eV=st.floats(-0.2, 0.2), temperature_K=_pos(200, 400)
    ),
    Pellet: st.builds(Pellet, _pos(0.01, 0.5), _pos(0.1, 2.0)),
}


# ----------------------------------------------------------------------------- results
# A result is drawn by running its model on small drawn parameters (or, for the costly
# electrolyte and impedance analyses, on the shipped data once, cached), so every drawn
# instance is one the package really returns.


def _quiet(func: Any) -> Any:
    """Run ``func`` with the package's warnings (e.g. a truncation ConvergenceWarning on a
    drawn corner) silenced: a strategy draws results, it does not test their accuracy."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func(*args, **kwargs)

    return run


@st.composite
def _small_dicke(draw: st.DrawFn) -> DickeParameters:
    # g ≥ 0.2 keeps the default charging time π/(g√N) (and the run) short
    return DickeParameters(
        draw(st.integers(1, 3)), draw(_pos(0.2, 0.5)), steps=draw(st.integers(8, 20))
    )


@_quiet
def _charging(params: DickeParameters) -> Any:
    from ssbattery.quantum.dicke import charge_dicke

    return charge_dicke(params)


@_quiet
def _cutoff_check(params: DickeParameters) -> Any:
    from ssbattery.quantum.dicke import check_cutoff_convergence

    return check_cutoff_convergence(params, _charging(params))


@_quiet
def _scaling(coupling: float, steps: int) -> Any:
    from ssbattery.quantum.dicke_scaling import dicke_scaling

    return dicke_scaling([1, 2, 3], coupling, steps=steps)


@_quiet
def _exponent(coupling: float) -> Any:
    from ssbattery.quantum.dicke_semiclassical import large_n_exponent

    return large_n_exponent(coupling, [100, 200, 400, 800], samples=8)


@_quiet
def _window(params: DickeParameters) -> Any:
    from ssbattery.quantum.dicke_window import propagate_in_window

    return propagate_in_window(params, lambda *_: None)


@_quiet
def _open(n: int, drive: float, dephasing: float) -> Any:
    from ssbattery.quantum.open import charge_open

    return charge_open(
        DrivenBattery(n, drive=drive, steps=10),
        Dissipation(dephasing=dephasing, decay=0.05),
        storage=True,
        storage_steps=6,
    )


@_quiet
def _noise_scan(coupling: float) -> Any:
    from ssbattery.quantum.open.scan import noise_scan

    return noise_scan([1, 2, 3], coupling, "dephasing", [0.0, 0.1], steps=10, storage_steps=6)


@_quiet
def _trajectories(coupling: float, seed: int) -> Any:
    from ssbattery.quantum.open.trajectories import charge_trajectories

    params = DickeParameters(2, coupling, steps=8)
    return charge_trajectories(params, Dissipation(collective_decay=0.1), n_traj=4, seed=seed)


@_quiet
def _power_law(alpha: float, beta: float) -> Any:
    from ssbattery.quantum.dicke_scaling import fit_power_law

    x = np.array([1.0, 2.0, 4.0, 8.0])
    return fit_power_law(x, beta * x**alpha * (1 + 0.01 * np.array([1, -1, 1, -1])))


@_quiet
def _otto(cycle: OttoCycle) -> Any:
    from ssbattery.thermal.otto import otto_cycle

    return otto_cycle(cycle)


@_quiet
def _general_cycle(J: float, tau: float) -> Any:
    from ssbattery.thermal.cycle import heisenberg_otto

    return heisenberg_otto(J=J, tau=tau)


@_quiet
def _heat_battery(battery: HeatBattery, tau: float) -> Any:
    from ssbattery.thermal.heat_battery import heat_battery

    return heat_battery(battery, tau)


@_quiet
def _engine(battery: PumpedBattery, omega_l: float) -> Any:
    from ssbattery.thermal.pumped_battery import two_stroke_engine

    return two_stroke_engine(battery, omega_l, omega_c=0.5 * battery.omega_e)


@_quiet
def _pumped(battery: PumpedBattery, omega_l: float) -> Any:
    from ssbattery.thermal.pumped_battery import charging

    return charging(battery, omega_l, [1.0, 5.0, 20.0])


@_quiet
def _capacity(formula: str) -> Any:
    from ssbattery.electrolytes.capacity import specific_capacity

    return specific_capacity(formula, electrons=1)


@_quiet
def _arrhenius(ea: float, noise_seed: int) -> Any:
    from ssbattery.electrolytes.transport import fit_arrhenius

    T = np.array([300.0, 320.0, 340.0, 360.0, 380.0])
    rng = np.random.default_rng(noise_seed)
    sigma = 1e3 / T * np.exp(-ea / (8.617333262e-5 * T)) * (1 + 0.01 * rng.standard_normal(5))
    return fit_arrhenius(T, sigma)


def _example(name: str) -> Any:
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir
    from ssbattery.electrolytes.impedance.readers import read_spectrum

    return read_spectrum(example_spectra_dir() / name)


_EXAMPLES = st.sampled_from(["example_25C.csv", "example_m10C.csv"])


@_quiet
@functools.lru_cache(maxsize=16)
def _on_example(analysis: str, name: str) -> Any:
    """One analysis of a shipped example spectrum (cached: fits take a second)."""
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_spectrum
    from ssbattery.electrolytes.impedance.circuits import fit_spectrum
    from ssbattery.electrolytes.impedance.drt import compute_drt
    from ssbattery.electrolytes.impedance.kk import lin_kk

    run = {
        "fit": fit_spectrum,
        "kk": lin_kk,
        "drt": compute_drt,
        "analysis": lambda spectrum: analyse_spectrum(spectrum, Pellet(0.1, 1.0)),
    }[analysis]
    return run(_example(name))


@_quiet
@functools.lru_cache(maxsize=1)
def _series() -> Any:
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_temperature_series
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    files = sorted(example_spectra_dir().glob("example_*C.csv"))
    return analyse_temperature_series(files, Pellet(0.1, 1.0), joint=True)


@_quiet
@functools.lru_cache(maxsize=1)
def _conductivity_model() -> Any:
    import random

    from ssbattery.electrolytes.conductivity_model import default_model

    state = random.getstate()  # training touches `random`; Hypothesis asks draws not to
    try:
        return default_model()
    finally:
        random.setstate(state)


@_quiet
def _prediction(formula: str, level: float) -> Any:
    return _conductivity_model().predict(formula, level=level)


@_quiet
@functools.lru_cache(maxsize=1)
def _family_report() -> Any:
    from ssbattery.electrolytes.obelix import family_mapping_report

    return family_mapping_report()


@_quiet
def _literature_check(name: str) -> Any:
    from ssbattery.literature import run_checks

    (result,) = run_checks([name])
    return result


@_quiet
def _audit(cycle: OttoCycle) -> Any:
    from ssbattery.thermal.audit import audit

    return audit(cycle)


#: Strategies of the result classes (each draws what the package's own functions return).
RESULT_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {}


def _register_results() -> None:
    from ssbattery.electrolytes.capacity import CapacityResult
    from ssbattery.electrolytes.conductivity_model import ConductivityPrediction
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import (
        ArrheniusAnalysis,
        SpectrumAnalysis,
    )
    from ssbattery.electrolytes.impedance.circuits import CircuitFit
    from ssbattery.electrolytes.impedance.drt import DRTResult
    from ssbattery.electrolytes.impedance.joint import JointArrheniusFit
    from ssbattery.electrolytes.impedance.kk import LinKKResult
    from ssbattery.electrolytes.obelix import FamilyMappingReport
    from ssbattery.electrolytes.transport import ArrheniusFit
    from ssbattery.literature import CheckResult
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke import CutoffCheck
    from ssbattery.quantum.dicke_scaling import PowerLawFit, ScalingResult
    from ssbattery.quantum.dicke_semiclassical import ExponentFit
    from ssbattery.quantum.dicke_window import WindowRun
    from ssbattery.quantum.open.charging import OpenChargingResult, StorageResult
    from ssbattery.quantum.open.scan import AdvantageLoss, NoiseScan
    from ssbattery.quantum.open.trajectories import TrajectoryResult
    from ssbattery.thermal.audit import AuditReport
    from ssbattery.thermal.cycle import CycleResult
    from ssbattery.thermal.feedback import RefrigeratorScan, refrigerator_scan
    from ssbattery.thermal.heat_battery import HeatBatteryResult
    from ssbattery.thermal.otto import OttoResult
    from ssbattery.thermal.pumped_battery import EngineResult, PumpedChargingResult

    open_run = st.builds(
        _open, st.integers(1, 3), _pos(0.5, 2.0), st.sampled_from([0.0, 0.05, 0.2])
    )
    pumped = STRATEGIES[PumpedBattery]
    RESULT_STRATEGIES.update(
        {
            ChargingResult: st.builds(_charging, _small_dicke()),
            AdvantageLoss: st.builds(
                AdvantageLoss,
                parameter=st.sampled_from(["dephasing", "cavity_loss"]),
                alpha_threshold=st.just(1.25),
                ratio_threshold=st.just(1.0),
                n_max=st.integers(2, 24),
                rate_alpha=st.one_of(st.just(math.nan), _pos(0.01, 3.0)),
                rate_ratio=st.one_of(st.just(math.nan), _pos(0.01, 3.0)),
                alpha_status=st.sampled_from(["crossed", "above", "below"]),
                ratio_status=st.sampled_from(["crossed", "above", "below"]),
                rate_range=st.just((0.0, 3.0)),
            ),
            CutoffCheck: st.builds(_cutoff_check, _small_dicke()),
            ScalingResult: st.builds(_scaling, _pos(0.1, 0.5), st.integers(8, 20)),
            PowerLawFit: st.builds(_power_law, st.floats(0.5, 2.0), _pos(0.1, 10.0)),
            ExponentFit: st.builds(_exponent, _pos(0.1, 0.5)),
            WindowRun: st.builds(_window, _small_dicke()),
            OpenChargingResult: open_run,
            StorageResult: open_run.map(lambda r: r.storage),
            NoiseScan: st.builds(_noise_scan, _pos(0.1, 0.5)),
            TrajectoryResult: st.builds(_trajectories, _pos(0.2, 0.5), st.integers(1, 50)),
            OttoResult: st.builds(_otto, _otto_cycle()),
            CycleResult: st.builds(_general_cycle, _pos(0.05, 0.4), _pos(5.0, 60.0)),
            HeatBatteryResult: st.builds(_heat_battery, STRATEGIES[HeatBattery], _pos(0.5, 10.0)),
            EngineResult: st.builds(_engine, pumped, _pos(1.0, 2.0)),
            PumpedChargingResult: st.builds(_pumped, pumped, _pos(1.0, 2.0)),
            AuditReport: st.builds(_audit, _otto_cycle()),
            CapacityResult: st.builds(_capacity, st.sampled_from(["Li", "LiC6", "LiCoO2"])),
            ArrheniusFit: st.builds(_arrhenius, _pos(0.2, 0.6), st.integers(0, 99)),
            CircuitFit: st.builds(_on_example, st.just("fit"), _EXAMPLES),
            LinKKResult: st.builds(_on_example, st.just("kk"), _EXAMPLES),
            DRTResult: st.builds(_on_example, st.just("drt"), _EXAMPLES),
            SpectrumAnalysis: st.builds(_on_example, st.just("analysis"), _EXAMPLES),
            ArrheniusAnalysis: st.builds(_series),
            JointArrheniusFit: st.builds(_series).map(lambda a: a.joint),
            ConductivityPrediction: st.builds(
                _prediction,
                st.sampled_from(["Li7La3Zr2O12", "Li6PS5Cl", "Li3YCl6"]),
                st.sampled_from([0.8, 0.9]),
            ),
            FamilyMappingReport: st.builds(_family_report),
            RefrigeratorScan: st.builds(
                refrigerator_scan,
                st.lists(_pos(0.2, 3.0), min_size=1, max_size=2, unique=True),
                STRATEGIES[CoupledQubits],
            ),
            CheckResult: st.builds(
                _literature_check,
                st.sampled_from(["otto-qubit-efficiency", "otto-oscillator-efficiency"]),
            ),
        }
    )
    STRATEGIES.update(RESULT_STRATEGIES)


def _register_records() -> None:
    """Cited presets, literature checks, report figures, bounds and the result mixins."""
    from ssbattery.io import OutputBatch
    from ssbattery.literature import CHECKS, Check
    from ssbattery.presets import PRESETS
    from ssbattery.report.catalog import all_figures
    from ssbattery.report.registry import FigureSpec
    from ssbattery.validation import QUANTITIES, MemoryEstimate, PhysicalRange

    for preset in PRESETS.values():  # the shipped, cited presets are the valid ones
        cls = type(preset)
        STRATEGIES[cls] = st.sampled_from([p for p in PRESETS.values() if type(p) is cls])
    STRATEGIES[Check] = st.sampled_from(CHECKS)
    STRATEGIES[FigureSpec] = st.sampled_from(all_figures())
    STRATEGIES[PhysicalRange] = st.sampled_from(list(QUANTITIES.values()))
    STRATEGIES[MemoryEstimate] = st.builds(
        lambda what, n: MemoryEstimate(what).add("evolve", "state", (n,), bytes_per_element=16),
        st.text(min_size=1, max_size=20),
        st.integers(1, 10**6),
    )
    STRATEGIES[OutputBatch] = st.builds(OutputBatch)


def _register_mixins() -> None:
    """The result mixins draw any result built on them (once every area has registered)."""
    from ssbattery.results import Printed, Recorded, Reported

    for mixin in (Printed, Recorded, Reported):
        STRATEGIES[mixin] = st.one_of(
            *(s for c, s in RESULT_STRATEGIES.items() if issubclass(c, mixin))
        )


#: Classes whose strategy runs a model (or an analysis) per draw: fewer examples in the
#: meta-test, as for the results.
COSTLY: set[type] = set()


def _register_cell() -> None:
    """Cell physics: alignment (eq. 1), discharge, Landau capacitor, self-charging, topology."""
    from ssbattery.cell.alignment import (
        ELECTRODES,
        ELECTROLYTE_LEVELS,
        Alignment,
        Electrode,
        ElectrolyteLevels,
        align,
        align_materials,
    )
    from ssbattery.cell.discharge import DischargeCurve, discharge_curve
    from ssbattery.cell.landau import (
        HysteresisLoop,
        SeriesCapacitor,
        hysteresis_loop,
        series_with_dielectric,
    )
    from ssbattery.cell.self_charging import (
        BifurcationDiagram,
        FixedPoint,
        SelfChargingRun,
        bifurcation_diagram,
        fixed_point,
        simulate,
    )
    from ssbattery.cell.topology import (
        BBHResult,
        QWZRibbon,
        SSHResult,
        bbh_corner_states,
        qwz_ribbon,
        ssh_chain,
    )

    @st.composite
    def alignment(draw: st.DrawFn) -> Alignment:
        mu_a = draw(st.floats(-3.0, 0.0))
        mu_c = mu_a - draw(st.floats(0.0, 4.0))
        if draw(st.booleans()):
            return align(mu_a, mu_c, mu_electrolyte_eV=draw(st.floats(mu_c - 1, mu_a + 1)))
        return align(mu_a, mu_c, band_gap_eV=draw(_pos(0.0, 8.0)), cbm_eV=draw(st.floats(-3, 0)))

    named = st.sampled_from([("Na", "Na3YCl6", "Cu"), ("Li", "Li6PS5Cl", "Cu")])
    ferro = STRATEGIES[LandauCoefficients]
    cell = STRATEGIES[SelfChargingCell]
    STRATEGIES.update(
        {
            Electrode: st.sampled_from(list(ELECTRODES.values())),
            ElectrolyteLevels: st.sampled_from(list(ELECTROLYTE_LEVELS.values())),
            Alignment: st.one_of(alignment(), named.map(lambda m: align_materials(*m))),
            DischargeCurve: st.builds(
                discharge_curve,
                st.builds(
                    RegularSolutionCathode,
                    omega_eV=st.floats(-0.2, 0.2),
                    temperature_K=_pos(250, 400),
                ),
                n_points=st.integers(20, 80),
            ),
            HysteresisLoop: st.builds(hysteresis_loop, ferro, n_points=st.integers(51, 201)),
            SeriesCapacitor: st.builds(series_with_dielectric, ferro, _pos(0.01, 10.0)),
            FixedPoint: st.builds(fixed_point, cell),
            SelfChargingRun: st.builds(
                _quiet(simulate), cell, t_end_s=_pos(2.0, 10.0), n_points=st.integers(50, 200)
            ),
            BifurcationDiagram: st.builds(
                _quiet(bifurcation_diagram),
                st.just(SelfChargingCell()),
                st.lists(_pos(500.0, 2e4), min_size=2, max_size=3, unique=True).map(sorted),
                t_end_s=_pos(5.0, 10.0),
            ),
            SSHResult: st.builds(
                ssh_chain, st.integers(4, 12), _pos(0.1, 2.0), _pos(0.1, 2.0), edge_cells=st.just(1)
            ),
            BBHResult: st.builds(
                bbh_corner_states,
                st.integers(3, 4),
                st.integers(3, 4),
                gamma=_pos(0.0, 0.5),
                corner_cells=st.just(1),
            ),
            QWZRibbon: st.builds(
                qwz_ribbon, st.floats(-3.0, 3.0), st.integers(4, 8), n_kx=st.integers(5, 15)
            ),
        }
    )
    COSTLY.update({SelfChargingRun, BifurcationDiagram, BBHResult})
    # the cell models' outputs are results: units in their keys, they print themselves
    for cls in (Alignment, DischargeCurve, HysteresisLoop, SeriesCapacitor, FixedPoint):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (SelfChargingRun, BifurcationDiagram, SSHResult, BBHResult, QWZRibbon):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]


def _register_electrolytes() -> None:
    """Electrolyte data, classification, screening, cost and the impedance records."""
    from ssbattery.electrolytes.anions import ChemicalClass, chemical_class
    from ssbattery.electrolytes.capacity import LiC6Capacity, lic6_capacity
    from ssbattery.electrolytes.conductivity_model import (
        ConductivityBenchmark,
        ConductivityModel,
        PairedDifference,
        SplitScore,
        StructureDescriptor,
    )
    from ssbattery.electrolytes.cost import (
        FilmCost,
        FilmDensity,
        PrecursorPrice,
        PrecursorShare,
        film_cost,
        film_densities,
        film_density,
        precursor_prices,
    )
    from ssbattery.electrolytes.dataset import Electrolyte, load_review_dataset
    from ssbattery.electrolytes.families import FamilyMatch, structural_family
    from ssbattery.electrolytes.impedance.circuits import Arc, CircuitFit, FitParameter
    from ssbattery.electrolytes.impedance.drt import DRTBand, DRTPeak, DRTResult
    from ssbattery.electrolytes.impedance.examples import EXAMPLE_TRUTH, ExampleTruth
    from ssbattery.electrolytes.impedance.measured import S04147, MeasuredSeries
    from ssbattery.electrolytes.impedance.readers import READERS, Reader, Spectrum
    from ssbattery.electrolytes.impedance.readers.spectrum import spectrum_from_arrays
    from ssbattery.electrolytes.obelix import (
        OBELIX_FAMILY_MAP,
        ClassDisagreement,
        FamilyMapping,
        LabelCount,
        ReviewMatch,
    )
    from ssbattery.electrolytes.scorecard import (
        IDEAL_PROPERTIES,
        PATTERNS,
        Criterion,
        CriterionResult,
        Scorecard,
        scorecard,
    )
    from ssbattery.electrolytes.screening import (
        METAL_CHEMICAL_POTENTIALS,
        BandAlignment,
        Classification,
        MetalPotential,
        band_alignment,
        classify,
    )

    rows = load_review_dataset()
    formulas = st.sampled_from(sorted({r.formula for r in rows}))
    shipped = sorted(film_densities())

    @st.composite
    def rc_spectrum(draw: st.DrawFn) -> Spectrum:
        # a parallel RC in series with R0: Z = R0 + R/(1 + iωRC), capacitive (Z″ < 0)
        f = np.logspace(draw(st.floats(-1, 1)), draw(st.floats(4, 6)), draw(st.integers(5, 40)))
        r0, r, c = draw(_pos(1.0, 100.0)), draw(_pos(10.0, 1e4)), draw(_pos(1e-10, 1e-6))
        z = r0 + r / (1 + 2j * np.pi * f * r * c)
        return spectrum_from_arrays(f, z, temperature_k=draw(st.one_of(st.none(), _pos(200, 500))))

    def from_results(cls: type, pick: Any) -> st.SearchStrategy[Any]:
        # parts of a cached analysis of the shipped example spectra
        return RESULT_STRATEGIES[cls].flatmap(lambda r: st.sampled_from(pick(r)))

    report = st.builds(_family_report)
    # a test-split score, drawn from valid fields (the benchmark itself trains for seconds)
    score = st.builds(
        SplitScore,
        n_test=st.integers(1, 121),
        mae=_pos(0.5, 2.0),
        mae_se=_pos(0.01, 0.2),
        mae_uncensored=_pos(0.5, 2.0),
        half_width=_pos(0.5, 3.0),
        coverage=st.floats(0.0, 1.0),
        level=st.sampled_from([0.8, 0.9, 0.95]),
        train_seconds=_pos(0.1, 100.0),
        interval_score=_pos(3.0, 12.0),
        interval=st.sampled_from(["adaptive", "constant"]),
    )
    paired = st.builds(
        PairedDifference,
        model=st.just("composition model"),
        other=st.sampled_from(["training mean", "extra trees, element fractions"]),
        difference=st.floats(-1.0, 1.0),
        difference_se=_pos(0.01, 0.2),
        wins=st.floats(0.0, 1.0),
    )
    STRATEGIES.update(
        {
            SplitScore: score,
            PairedDifference: paired,
            ConductivityBenchmark: st.builds(
                ConductivityBenchmark,
                split=st.just("OBELiX official (478 train / 121 test)"),
                n_test_censored=st.integers(0, 20),
                composition=score,
                baselines=st.just((("training mean", 1.95), ("extra trees", 1.28))),
                model=st.just("an ensemble"),
                structure=st.one_of(st.none(), score),
                structure_features=st.just("composition + volume per atom"),
                paired=st.lists(paired, max_size=3).map(tuple),
            ),
            Electrolyte: st.sampled_from(rows),
            ChemicalClass: st.builds(chemical_class, formulas),
            FamilyMatch: st.builds(structural_family, formulas),
            LiC6Capacity: st.builds(lic6_capacity, _pos(0.01, 0.5)),
            StructureDescriptor: st.builds(
                StructureDescriptor.from_lattice,
                st.tuples(_pos(3.0, 15.0), _pos(3.0, 15.0), _pos(3.0, 15.0)),
                st.tuples(_pos(80.0, 100.0), _pos(80.0, 100.0), _pos(80.0, 100.0)),
                formula=st.sampled_from(["Li7La3Zr2O12", "Li6PS5Cl", "Li3YCl6"]),
                z=st.integers(1, 8).map(float),
                space_group=st.integers(1, 230),
            ),
            ConductivityModel: st.builds(_conductivity_model),
            FilmDensity: st.one_of(
                st.builds(film_density, st.sampled_from(shipped)),
                st.builds(film_density, formulas, _pos(1.0, 8.0)),
            ),
            PrecursorPrice: st.sampled_from(list(precursor_prices().values())),
            FilmCost: st.builds(film_cost, st.sampled_from(shipped), thickness_um=_pos(1.0, 500.0)),
            PrecursorShare: st.builds(film_cost, st.sampled_from(shipped)).flatmap(
                lambda c: st.sampled_from(c.precursors)
            ),
            Criterion: st.sampled_from(PATTERNS + IDEAL_PROPERTIES),
            Scorecard: st.builds(_quiet(scorecard), formulas),
            CriterionResult: st.builds(_quiet(scorecard), formulas).flatmap(
                lambda c: st.sampled_from(c.patterns + c.ideal_properties)
            ),
            MetalPotential: st.sampled_from(list(METAL_CHEMICAL_POTENTIALS.values())),
            BandAlignment: st.builds(
                band_alignment,
                st.floats(-4.0, 1.0),
                metal=st.sampled_from(sorted(METAL_CHEMICAL_POTENTIALS)),
                band_gap_eV=st.one_of(st.none(), _pos(0.5, 8.0)),
            ),
            Classification: st.builds(_quiet(classify), formulas),
            Spectrum: st.one_of(
                rc_spectrum(), _EXAMPLES.map(_example), st.sampled_from(S04147.files()).map(_read)
            ),
            Reader: st.sampled_from(READERS),
            ExampleTruth: st.one_of(
                st.just(EXAMPLE_TRUTH),
                st.builds(
                    ExampleTruth,
                    seed=st.integers(0, 2**31),
                    Ea_bulk_eV=_pos(0.1, 0.6),
                    noise_relative=_pos(0.0, 0.05),
                ),
            ),
            MeasuredSeries: st.just(S04147),
            Arc: from_results(CircuitFit, lambda fit: fit.arcs),
            FitParameter: from_results(CircuitFit, lambda fit: fit.parameters),
            DRTPeak: from_results(DRTResult, lambda drt: drt.peaks),
            DRTBand: _EXAMPLES.map(_drt_band),
            FamilyMapping: st.sampled_from(list(OBELIX_FAMILY_MAP.values())),
            LabelCount: report.flatmap(lambda r: st.sampled_from(r.labels)),
            ClassDisagreement: report.flatmap(lambda r: st.sampled_from(r.class_disagreements)),
            ReviewMatch: report.flatmap(lambda r: st.sampled_from(r.review_matches)),
        }
    )
    COSTLY.update({ConductivityModel, DRTBand})
    # classification, screening, cost and impedance outputs are results (units in the keys)
    for cls in (ChemicalClass, FamilyMatch, LiC6Capacity, FilmCost, PrecursorShare, Scorecard):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (CriterionResult, BandAlignment, Classification, Arc, FitParameter, DRTPeak):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (DRTBand, LabelCount, ClassDisagreement, ReviewMatch):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (SplitScore, ConductivityBenchmark, PairedDifference):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]


def _read(path: Any) -> Any:
    from ssbattery.electrolytes.impedance.readers import read_spectrum

    return read_spectrum(path)


@_quiet
@functools.lru_cache(maxsize=2)
def _drt_band(name: str) -> Any:
    """The credible band of a shipped example's DRT (cached; 200 posterior draws)."""
    from ssbattery.electrolytes.impedance.drt import compute_drt

    band = compute_drt(_example(name), band_level=0.9, n_samples=200).band
    assert band is not None
    return band


def _hermitian(n: int, seed: int) -> Any:
    """A random real symmetric n × n matrix (a Hamiltonian), reproducible from ``seed``."""
    a = np.random.default_rng(seed).standard_normal((n, n))
    return 0.5 * (a + a.T)


def _register_quantum() -> None:
    """Bases, operators, evolution machinery, MPS states and open-system records."""
    import scipy.sparse as sp

    from ssbattery.quantum.anisotropy_scaling import ScanPoint, ScanRow, default_points, load_scan
    from ssbattery.quantum.chain_basis import ChainBasis, chain_basis
    from ssbattery.quantum.dicke import DickeBasis, dicke_basis
    from ssbattery.quantum.dicke_scaling import EtaSweep, eta_sweep
    from ssbattery.quantum.dicke_stencil import DickeStencil
    from ssbattery.quantum.evolution import Evolver
    from ssbattery.quantum.evolution.base import EvolutionStats, Method, OpenMethod, StatsRecorder
    from ssbattery.quantum.evolution.csr_kernels import THREADED_MIN_NNZ, CodedCSR, coded_csr
    from ssbattery.quantum.evolution.fused import CSRProduct, LanczosProduct, LanczosSweep
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian
    from ssbattery.quantum.evolution.lindblad import LindbladEvolver
    from ssbattery.quantum.evolution.trajectory import Trajectory
    from ssbattery.quantum.metrics import ErgotropyExtraction, ergotropy_extraction
    from ssbattery.quantum.mps import chain_channels
    from ssbattery.quantum.open.charging import initial_state
    from ssbattery.quantum.open.kernel import ShiftTerms, shift_terms
    from ssbattery.quantum.open.liouvillian import PILiouvillian
    from ssbattery.quantum.open.observables import BatteryState, battery_state
    from ssbattery.quantum.open.rates import JumpRates
    from ssbattery.quantum.open.scan import OpenDickePoint, open_dicke_point
    from ssbattery.quantum.open.space import PISpace, pi_space
    from ssbattery.quantum.operators import QobjLike
    from ssbattery.quantum.spin_chain import SpinChainOperators, build_operators
    from ssbattery.quantum.tdvp import Channel, TDVPState, chain_mpo
    from ssbattery.quantum.tebd import TEBDState, product_state

    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    small_chain = st.builds(
        SpinChainParameters,
        n_sites=st.integers(2, 5),
        field=_pos(0.5, 2.0),
        charging=_pos(0.5, 2.0),
        anisotropy=st.floats(-1.0, 1.0),
        interaction=st.sampled_from(["nn", "lr"]),
    )
    channels = small_chain.map(lambda c: chain_channels(c, None)[0]).filter(bool)

    @st.composite
    def tdvp_state(draw: st.DrawFn) -> TDVPState:
        chain = draw(small_chain)
        mpo = chain_mpo([chain.charging * sx] * chain.n_sites, chain_channels(chain, None)[0])
        spins = draw(st.lists(st.integers(0, 1), min_size=chain.n_sites, max_size=chain.n_sites))
        return TDVPState(product_state(spins), mpo, draw(st.integers(2, 16)))

    def hamiltonian(n_max: int = 6) -> st.SearchStrategy[Any]:
        return st.builds(_hermitian, st.integers(2, n_max), st.integers(0, 2**16))

    methods = [STRATEGIES[m] for m in (Eigh, Expm, ExpmMultiply, Chebyshev, Lanczos)]
    open_methods = [STRATEGIES[Expm], STRATEGIES[ExpmMultiply]]

    @st.composite
    def trajectory(draw: st.DrawFn) -> Trajectory:
        H = draw(hamiltonian())
        psi = np.zeros(H.shape[0], dtype=complex)
        psi[0] = 1.0
        times = np.linspace(0.0, draw(_pos(0.1, 3.0)), draw(st.integers(2, 10)))
        evolver = Evolver(H, draw(st.one_of(*methods)))
        return evolver.run(psi, times, e_ops=[np.diag(np.diag(H))])

    @st.composite
    def extraction(draw: st.DrawFn) -> ErgotropyExtraction:
        H = draw(hamiltonian(5))
        rng = np.random.default_rng(draw(st.integers(0, 2**16)))
        psi = rng.standard_normal(H.shape[0]) + 1j * rng.standard_normal(H.shape[0])
        return ergotropy_extraction(psi / np.linalg.norm(psi), H)

    space = st.builds(
        pi_space, st.integers(1, 4), st.integers(1, 4), local=st.booleans(), fix=st.just("-")
    )
    rates = st.builds(
        JumpRates,
        cavity_down=_pos(0.0, 0.5),
        cavity_up=_pos(0.0, 0.2),
        collective_down=_pos(0.0, 0.5),
        local_down=_pos(0.0, 0.5),
        local_dephasing=_pos(0.0, 0.5),
    )

    @st.composite
    def liouvillian(draw: st.DrawFn) -> PILiouvillian:
        pi = draw(space)
        ham = CollectiveHamiltonian(pi.n_atoms, coupling=draw(st.floats(0.0, 1.0)))
        return PILiouvillian(pi, ham, draw(rates), assemble=draw(st.sampled_from([None, False])))

    @st.composite
    def shifts(draw: st.DrawFn) -> ShiftTerms:
        # the Hamiltonian part G = −iH of each spin block of a drawn space (no jumps)
        pi = draw(space)
        ham = CollectiveHamiltonian(pi.n_atoms, coupling=draw(st.floats(0.0, 1.0)))
        G = [-1j * ham.block(j, pi.n_levels) for j in pi.j_values]
        return shift_terms(pi.n_levels, pi.spin_dims, pi.offsets, G, [])

    @st.composite
    def qobj(draw: st.DrawFn) -> QobjLike:
        import qutip

        return qutip.Qobj(draw(hamiltonian(4)))

    @st.composite
    def stats_recorder(draw: st.DrawFn) -> StatsRecorder:
        recorder = StatsRecorder()
        recorder.add(products=draw(st.integers(0, 100)), steps=draw(st.integers(0, 10)))
        return recorder

    def coded(seed: int) -> CodedCSR:
        # a banded matrix with a few distinct entries, just past the size the kernels take
        n = THREADED_MIN_NNZ // 2 + 1
        vals = np.random.default_rng(seed).choice([-1.0, 0.5, 2.0], size=n - 1)
        A = sp.diags_array([vals, np.arange(n, dtype=float), vals], offsets=[-1, 0, 1])
        out = coded_csr(sp.csr_array(A))
        assert out is not None
        return out

    dicke = _small_dicke()
    prepared = st.builds(PreparedHamiltonian, hamiltonian())
    STRATEGIES.update(
        {
            ScanPoint: st.one_of(
                st.sampled_from(default_points()),
                st.builds(
                    ScanPoint,
                    st.integers(2, 128),
                    st.sampled_from(["nn", "lr"]),
                    st.floats(-1.0, 1.0),
                    st.sampled_from(["exact", "mps"]),
                ),
            ),
            ScanRow: st.sampled_from(load_scan()),  # the shipped scan's rows
            ChainBasis: st.builds(
                chain_basis,
                st.integers(1, 8),
                reflection=st.booleans(),
                translation=st.booleans(),
                flip=st.sampled_from([0, 1, -1]),
            ),
            DickeBasis: st.builds(dicke_basis, dicke, parity=st.sampled_from([None, True, False])),
            DickeStencil: dicke.map(lambda p: DickeStencil(p, dicke_basis(p, parity=True))),
            # the one LanczosSweep: the stencil, on 1 or 2 threads
            LanczosSweep: st.builds(
                lambda p, t: DickeStencil(p, dicke_basis(p, parity=True), threads=t),
                dicke,
                st.sampled_from([1, 2]),
            ),
            EtaSweep: st.builds(
                _quiet(eta_sweep),
                st.integers(1, 2),
                _pos(0.2, 0.5),
                st.just([-0.5, 0.0, 0.5]),
                steps=st.integers(8, 20),
            ),
            SpinChainOperators: st.builds(build_operators, small_chain, flip=st.booleans()),
            Method: st.one_of(*methods),
            OpenMethod: st.one_of(*open_methods),
            EvolutionStats: st.one_of(
                st.builds(
                    EvolutionStats,
                    products=st.one_of(st.none(), st.integers(0, 10**6)),
                    steps=st.integers(0, 10**4),
                    error_estimate=st.one_of(st.none(), _pos(0.0, 1e-3)),
                ),
                trajectory().map(lambda t: t.stats),
            ),
            StatsRecorder: stats_recorder(),
            CodedCSR: st.integers(0, 3).map(coded),
            CSRProduct: hamiltonian().map(lambda H: CSRProduct(sp.csr_array(H))),
            LanczosProduct: hamiltonian().map(lambda H: CSRProduct(sp.csr_array(H))),
            PreparedHamiltonian: prepared,
            Evolver: st.builds(Evolver, hamiltonian(), st.one_of(st.none(), *methods)),
            LindbladEvolver: st.builds(
                LindbladEvolver,
                st.builds(_hermitian, st.just(4), st.integers(0, 2**16)),
                st.just([np.diag(np.ones(3), 1)]),  # a lowering operator, rate 1
                st.one_of(st.none(), *open_methods),
            ),
            Trajectory: trajectory(),
            ErgotropyExtraction: extraction(),
            PISpace: space,
            JumpRates: st.one_of(rates, STRATEGIES[Dissipation].map(lambda d: d.jump_rates())),
            PILiouvillian: liouvillian(),
            ShiftTerms: shifts(),
            BatteryState: space.flatmap(
                lambda pi: st.builds(
                    lambda n, w: battery_state(pi, initial_state(pi, n), w),
                    st.integers(0, pi.n_levels - 1),
                    _pos(0.5, 2.0),
                )
            ),
            OpenDickePoint: st.builds(
                _quiet(open_dicke_point),
                st.integers(1, 2),
                _pos(0.2, 0.5),
                st.builds(Dissipation, dephasing=_pos(0.0, 0.2), decay=_pos(0.01, 0.2)),
                steps=st.integers(8, 16),
                storage_steps=st.just(6),
            ),
            QobjLike: qobj(),
            TEBDState: st.builds(
                TEBDState,
                st.lists(st.integers(0, 1), min_size=2, max_size=8).map(product_state),
                st.integers(2, 32),
            ),
            Channel: channels.flatmap(st.sampled_from),
            TDVPState: tdvp_state(),
        }
    )
    COSTLY.update({EtaSweep, OpenDickePoint, CodedCSR, TDVPState})
    # the quantum outputs are results: units in their keys, they print themselves
    for cls in (EtaSweep, EvolutionStats, Trajectory, ErgotropyExtraction, BatteryState):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    RESULT_STRATEGIES[OpenDickePoint] = STRATEGIES[OpenDickePoint]
    RESULT_STRATEGIES[ScanRow] = STRATEGIES[ScanRow]


def _register_thermal() -> None:
    """Thermal machines: records of cycles, baths, feedback, learning and machine results."""
    from ssbattery.thermal.audit import AuditReport, Finding, pumped_battery_model
    from ssbattery.thermal.baths import (
        ValidityReport,
        check_local_validity,
        local_dissipators,
        thermal_state,
    )
    from ssbattery.thermal.cycle import (
        CycleResult,
        FeedbackStroke,
        Medium,
        StrokeRecord,
        heisenberg_medium,
    )
    from ssbattery.thermal.fcs import HeatStatistics, heat_statistics
    from ssbattery.thermal.feedback import (
        DemonCycle,
        DemonScan,
        RefrigeratorResult,
        demon_cycle,
        refrigerator_cycle,
    )
    from ssbattery.thermal.heat_battery import (
        CouplingScan,
        GatePhaseRange,
        HeatBatteryOptima,
        HeatBatterySweep,
        coupling_scan,
        heat_battery_sweep,
        ness_gate_phase_range,
    )
    from ssbattery.thermal.learning import (
        BestOttoCycle,
        CycleMetrics,
        LearningResult,
        PeriodScan,
        learn_cycle,
        optimal_otto,
    )
    from ssbattery.thermal.machines import (
        AbsorptionFridge,
        ChainTransport,
        HeatTransistor,
        absorption_refrigerator,
        heat_transistor,
        xxz_chain,
    )
    from ssbattery.thermal.model import ThermalModel
    from ssbattery.thermal.otto import OttoResult, OttoTrajectory, otto_trajectory
    from ssbattery.thermal.pumped_battery import EngineMap, PumpScan

    lower = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=complex)

    @st.composite
    def validity(draw: st.DrawFn) -> ValidityReport:
        # a qubit of frequency ω between two baths, in the hotter bath's thermal state
        w = draw(_pos(0.5, 2.0))
        H = np.diag([0.0, w])
        baths = [draw(_bath), draw(_bath)]
        pairs = [(b, local_dissipators(lower, w, b)) for b in baths]
        rho = thermal_state(H, max(b.temperature for b in baths))
        return check_local_validity(H, pairs, rho, warn=False)

    @st.composite
    def heat_stats(draw: st.DrawFn) -> HeatStatistics:
        # a qubit exchanging quanta with one bath: rates γ↓ > γ↑ (detailed balance, T > 0)
        down = draw(_pos(0.05, 1.0))
        up = down * draw(_pos(0.0, 0.9))
        c_ops = [np.sqrt(down) * lower, np.sqrt(up) * lower.T]
        return heat_statistics(np.diag([0.0, draw(_pos(0.5, 2.0))]), c_ops, c_ops[:1])

    @st.composite
    def fridge(draw: st.DrawFn) -> AbsorptionFridge:
        t_c = draw(_pos(0.2, 1.0))
        t_r = t_c + draw(_pos(0.05, 1.0))
        return absorption_refrigerator(T_c=t_c, T_r=t_r, T_h=t_r + draw(_pos(0.5, 3.0)))

    engine = STRATEGIES[EngineParameters]
    qubits = STRATEGIES[CoupledQubits]
    learned = st.builds(
        _quiet(learn_cycle),
        engine,
        n_steps=st.integers(4, 6),
        iterations=st.integers(2, 4),
        population=st.just(16),
        seed=st.integers(0, 99),
    )
    best = st.builds(optimal_otto, engine, _pos(1.0, 8.0), grid=st.integers(5, 9))
    STRATEGIES.update(
        {
            Finding: RESULT_STRATEGIES[AuditReport].flatmap(lambda r: st.sampled_from(r.findings)),
            ValidityReport: validity(),
            Medium: st.builds(heisenberg_medium, _pos(0.05, 0.5)),
            FeedbackStroke: st.builds(
                FeedbackStroke, _pos(0.5, 3.0), STRATEGIES[FeedbackProtocol], st.text(max_size=8)
            ),
            StrokeRecord: RESULT_STRATEGIES[CycleResult].flatmap(
                lambda r: st.sampled_from(r.strokes)
            ),
            HeatStatistics: heat_stats(),
            DemonCycle: st.builds(
                demon_cycle,
                qubits,
                temperature=_pos(0.2, 3.0),
                tau=_pos(0.2, 3.0),
                scheme=st.sampled_from(["joint", "single", "none"]),
            ),
            DemonScan: st.sampled_from([0.1, 0.3]).map(_demon_scan),
            RefrigeratorResult: st.builds(
                refrigerator_cycle,
                qubits,
                mode=st.sampled_from(["measurement", "swap", "both"]),
                tau=_pos(0.2, 3.0),
            ),
            CouplingScan: st.builds(
                _quiet(coupling_scan),
                st.lists(_pos(0.0, 0.1), min_size=2, max_size=3, unique=True).map(sorted),
                _pos(0.5, 10.0),
            ),
            GatePhaseRange: st.builds(
                _quiet(ness_gate_phase_range),
                STRATEGIES[HeatBattery],
                _pos(0.5, 10.0),
                grid=st.just(3),
            ),
            HeatBatterySweep: st.builds(
                _quiet(heat_battery_sweep),
                st.lists(_pos(0.5, 10.0), min_size=2, max_size=2, unique=True).map(sorted),
                st.lists(_pos(0.001, 0.1), min_size=2, max_size=2, unique=True).map(sorted),
            ),
            BestOttoCycle: best,
            CycleMetrics: st.one_of(
                best.map(lambda b: b.metrics), learned.map(lambda r: r.learned)
            ),
            LearningResult: learned,
            PeriodScan: st.sampled_from([(2.0, 4.0), (3.0, 6.0)]).map(_period_scan),
            AbsorptionFridge: fridge(),
            ChainTransport: st.builds(
                xxz_chain, st.integers(2, 3), J=_pos(0.05, 0.3), anisotropy=st.floats(-1.0, 1.0)
            ),
            HeatTransistor: st.builds(heat_transistor, _pos(0.2, 0.9)),
            ThermalModel: st.one_of(
                fridge().map(lambda f: f.model),
                st.builds(pumped_battery_model, STRATEGIES[PumpedBattery], _pos(1.0, 2.0)),
            ),
            OttoTrajectory: st.builds(
                otto_trajectory,
                RESULT_STRATEGIES[OttoResult],
                points_per_stroke=st.integers(3, 10),
            ),
            EngineMap: st.builds(
                _engine_map,
                STRATEGIES[PumpedBattery],
                st.lists(_pos(1.0, 2.0), min_size=1, max_size=2, unique=True),
                st.lists(_pos(0.05, 0.3), min_size=1, max_size=2, unique=True),
            ),
            PumpScan: st.builds(
                _pump_scan,
                STRATEGIES[PumpedBattery],
                st.lists(_pos(1.0, 2.0), min_size=1, max_size=2, unique=True),
                st.booleans(),
            ),
        }
    )
    STRATEGIES[HeatBatteryOptima] = STRATEGIES[HeatBatterySweep].map(lambda sw: sw.optima())
    # machine results with a to_dict: checked as results (units in the keys, __str__)
    for cls in (DemonCycle, RefrigeratorResult, AbsorptionFridge, HeatTransistor, ChainTransport):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    RESULT_STRATEGIES[HeatBatteryOptima] = STRATEGIES[HeatBatteryOptima]
    for cls in (ValidityReport, StrokeRecord, HeatStatistics, DemonScan, CouplingScan):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (GatePhaseRange, HeatBatterySweep, BestOttoCycle, CycleMetrics, LearningResult):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (PeriodScan, OttoTrajectory, EngineMap, PumpScan, Finding):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    COSTLY.update(
        {DemonScan, CouplingScan, GatePhaseRange, HeatBatterySweep, PeriodScan, LearningResult}
        | {EngineMap, PumpScan, HeatBatteryOptima}
    )


@_quiet
def _pump_scan(battery: PumpedBattery, omega_Ls: list[float], engine: bool) -> Any:
    from ssbattery.thermal.pumped_battery import pump_scan

    return pump_scan(battery, omega_Ls, 20.0, engine=engine, omega_c=0.5 * battery.omega_e)


def _engine_map(battery: PumpedBattery, omega_Ls: list[float], T_cs: list[float]) -> Any:
    from ssbattery.thermal.pumped_battery import engine_region

    return engine_region(battery, omega_Ls, T_cs, omega_c=0.5 * battery.omega_e)


@_quiet
@functools.lru_cache(maxsize=2)
def _demon_scan(coupling: float) -> Any:
    """The demon's scan over g = 0 and ``coupling`` (cached: a sweep of 6 cycles)."""
    from ssbattery.thermal.feedback import demon_scan

    return demon_scan([0.0, coupling])


@_quiet
@functools.lru_cache(maxsize=2)
def _period_scan(periods: tuple[float, ...]) -> Any:
    """A short learned-vs-Otto period scan (cached; 3 cross-entropy iterations)."""
    from ssbattery.thermal.learning import period_scan

    return period_scan(None, list(periods), n_steps=4, iterations=3, population=16)


def _entry_values(model: str, values: st.SearchStrategy[dict[str, Any]]) -> Any:
    """The parameter object a sweep entry builds from drawn ``values`` (its other
    parameters at their defaults), the way a sweep point is built."""
    from ssbattery.sweep.registry import get_entry

    entry = get_entry(model)
    return values.map(lambda v: entry.build(entry.complete(v)))


def _register_sweep() -> None:
    """Sweep entries and their inputs, specs, stores, outcomes, fits and regime claims."""
    from ssbattery.cell.alignment import ELECTROLYTE_LEVELS
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir
    from ssbattery.sweep.models.cell import (
        AlignInputs,
        LandauResult,
        SelfChargeResult,
        SelfChargeRun,
        SpectrumFit,
    )
    from ssbattery.sweep.models.open_dicke import OpenDickeRun
    from ssbattery.sweep.models.quantum import DickeRun, SpinChainRun
    from ssbattery.sweep.models.thermal import (
        BestOttoRun,
        DemonRun,
        HeatBatteryRun,
        LearnedCycleRun,
        OttoRun,
        PumpedRun,
        PumpedRunResult,
    )
    from ssbattery.sweep.regime import Claim, RegimeFit
    from ssbattery.sweep.registry import ModelEntry, Output, Param, entry_names, get_entry
    from ssbattery.sweep.results import GroupFit
    from ssbattery.sweep.runner import PointOutcome, SweepProgress, SweepResult
    from ssbattery.sweep.spec import Axis, SweepSpec, load_spec
    from ssbattery.sweep.store import ResultStore

    d = st.fixed_dictionaries
    runs = {
        AlignInputs: _entry_values(
            "align",
            d(
                {
                    "anode": st.sampled_from(["Li", "Na"]),
                    "electrolyte": st.sampled_from(sorted(ELECTROLYTE_LEVELS)),
                }
            ),
        ),
        BestOttoRun: _entry_values(
            "best-otto", d({"period": _pos(1.0, 8.0), "grid": st.integers(5, 15)})
        ),
        DemonRun: _entry_values(
            "demon",
            d(
                {
                    "coupling": st.floats(0.0, 0.3),
                    "tau": _pos(0.2, 3.0),
                    "scheme": st.sampled_from(["joint", "single"]),
                }
            ),
        ),
        DickeRun: _entry_values(
            "dicke",
            d(
                {
                    "n_atoms": st.integers(1, 3),
                    "coupling": _pos(0.2, 0.5),
                    "steps": st.integers(8, 20),
                    "ergotropy": st.booleans(),
                }
            ),
        ),
        SpectrumFit: _entry_values(
            "eis-fit",
            d(
                {
                    "spectrum": _EXAMPLES.map(lambda n: str(example_spectra_dir() / n)),
                    "thickness_mm": _pos(0.5, 2.0),
                    "diameter_mm": _pos(5.0, 12.0),
                }
            ),
        ),
        LearnedCycleRun: _entry_values(
            "learned-cycle",
            d({"n_steps": st.integers(4, 8), "iterations": st.integers(2, 4), "period": _pos()}),
        ),
        OpenDickeRun: _entry_values(
            "open-dicke",
            d(
                {
                    "n_atoms": st.integers(1, 2),
                    "coupling": _pos(0.2, 0.5),
                    "steps": st.integers(8, 16),
                    "decay": _pos(0.0, 0.2),
                }
            ),
        ),
        OttoRun: _entry_values(
            "otto",
            d(
                {
                    "medium": st.sampled_from(["qubit", "oscillator"]),
                    "levels": st.integers(4, 10),
                    "stroke": st.sampled_from(["adiabatic", "sudden"]),
                    "tau_h": _pos(1.0, 10.0),
                }
            ),
        ),
        PumpedRun: _entry_values(
            "pumped-battery",
            d({"omega_L": _pos(1.2, 2.0), "time": _pos(5.0, 50.0), "engine": st.booleans()}),
        ),
        SelfChargeRun: _entry_values(
            "self-charge", d({"load_ohm": _pos(500.0, 5000.0), "t_end_s": _pos(2.0, 10.0)})
        ),
        SpinChainRun: _entry_values(
            "spin-chain", d({"n_sites": st.integers(2, 5), "steps": st.integers(10, 50)})
        ),
        HeatBatteryRun: _entry_values(
            "thermal-battery",
            d(
                {
                    "coupling": _pos(0.0, 0.1),
                    "tau": _pos(0.5, 10.0),
                    "gate": st.sampled_from(["ness", "optimal"]),
                    "form": st.sampled_from(["local", "global"]),
                }
            ),
        ),
    }
    STRATEGIES.update(runs)

    def solved(model: str, run: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return run.map(_quiet(get_entry(model).solve))

    entries = [get_entry(n) for n in entry_names()]

    @st.composite
    def spec(draw: st.DrawFn) -> SweepSpec:
        alphas = draw(st.lists(st.floats(-3.0, -0.1), min_size=1, max_size=4, unique=True))
        sweep: dict[str, Any] = {"alpha": alphas}
        if draw(st.booleans()):
            sweep["beta"] = draw(st.lists(_pos(0.5, 2.0), min_size=1, max_size=3, unique=True))
        return load_spec({"model": "landau", "sweep": sweep, "name": draw(st.text(max_size=8))})

    STRATEGIES.update(
        {
            LandauResult: solved("landau", STRATEGIES[LandauCoefficients]),
            SelfChargeResult: solved("self-charge", runs[SelfChargeRun]),
            PumpedRunResult: solved("pumped-battery", runs[PumpedRun]),
            ModelEntry: st.sampled_from(entries),
            Param: st.sampled_from([p for e in entries for p in e.params]),
            Output: st.sampled_from([o for e in entries for o in e.outputs]),
            SweepSpec: spec(),
            Axis: spec().flatmap(lambda s: st.sampled_from(s.axes)),
            ResultStore: spec().map(lambda s: ResultStore.open(s, None, {})),
            PointOutcome: st.lists(st.floats(-3.0, 0.5), min_size=1, max_size=3).flatmap(
                lambda alphas: st.sampled_from(_landau_points(alphas))
            ),
            SweepResult: st.sampled_from([2, 3]).map(lambda n: _tiny_sweep(n)[0]),
            SweepProgress: st.sampled_from([2, 3]).flatmap(
                lambda n: st.sampled_from(_tiny_sweep(n)[1])
            ),
            GroupFit: st.sampled_from([("n_atoms", "power_max"), ("n_atoms", "energy_max")]).map(
                _group_fit
            ),
            RegimeFit: st.builds(_regime).flatmap(lambda r: st.sampled_from(r[0])),
            Claim: st.builds(_regime).flatmap(lambda r: st.sampled_from(r[1])),
        }
    )
    COSTLY.update({SelfChargeResult, PumpedRunResult, SpectrumFit, SweepResult, LandauResult})
    COSTLY.add(PointOutcome)
    # the sweep's results: units in their keys, they print themselves
    for cls in (LandauResult, SelfChargeResult, PumpedRunResult, SweepResult, GroupFit):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]
    for cls in (RegimeFit, Claim):
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]


def _landau_points(alphas: list[float]) -> list[Any]:
    """The outcomes of Landau points at ``alphas``, computed as a sweep worker does."""
    from ssbattery.sweep.registry import get_entry
    from ssbattery.sweep.runner import compute_points

    entry = get_entry("landau")
    points = [((i,), entry.complete({"alpha": a})) for i, a in enumerate(alphas)]
    return compute_points("landau", points, limit_blas=False)


@functools.lru_cache(maxsize=2)
def _tiny_sweep(n_max: int) -> tuple[Any, tuple[Any, ...]]:
    """An in-process Dicke sweep over N = 1 … ``n_max`` (cached) and its progress reports."""
    from ssbattery.sweep.runner import run

    reports: list[Any] = []
    spec = {
        "model": "dicke",
        "fixed": {"coupling": 0.3, "steps": 10},
        "sweep": {"n_atoms": list(range(1, n_max + 1))},
    }
    result = _quiet(run)(spec, progress=reports.append)
    return result, tuple(reports)


def _group_fit(xy: tuple[str, str]) -> Any:
    from ssbattery.sweep.results import fit_power_laws

    (fit,) = fit_power_laws(_tiny_sweep(3)[0].dataset, *xy)
    return fit


@functools.lru_cache(maxsize=1)
def _regime() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The regime fits and claims of the shipped sweep table (cached)."""
    from ssbattery.sweep.regime import fit_windows, judge_claims, load_results

    table = load_results()
    fits = fit_windows(table)
    return tuple(fits), tuple(judge_claims(table, fits))


def _register_report_and_cli() -> None:
    """Report records (drawn fields: a report run costs minutes), the CLI group, presets."""
    from pathlib import Path

    from ssbattery.presets import FIG16_OTTO
    from ssbattery.presets.thermal import OttoBaths
    from ssbattery.report.catalog import all_figures
    from ssbattery.report.registry import Artifact
    from ssbattery.report.runner import FigureRun, ReportResult

    group = type(_root_group())  # the CLI's CommandGroup (its module is private)
    names = st.text("abcdefghij_-", min_size=1, max_size=12)
    paths = st.lists(names.map(lambda n: Path(f"{n}.png")), max_size=3).map(tuple)
    artifact = st.builds(
        Artifact,
        images=paths,
        tables=st.lists(names.map(lambda n: Path(f"{n}.csv")), max_size=3).map(tuple),
        parameters=st.dictionaries(names, st.floats(-10, 10), max_size=3),
        summary=st.text(max_size=40),
        warnings=st.lists(st.text(min_size=1, max_size=30), max_size=2).map(tuple),
    )
    figure_run = st.builds(
        FigureRun,
        st.sampled_from(all_figures()),
        _pos(0.0, 100.0),
        artifact=st.one_of(st.none(), artifact),
        error=st.one_of(st.none(), st.text(min_size=1, max_size=30)),
        reused=st.booleans(),
    )
    STRATEGIES.update(
        {
            Artifact: artifact,
            FigureRun: figure_run,
            ReportResult: st.builds(
                ReportResult,
                names.map(Path),
                names.map(lambda n: Path(n) / "index.html"),
                runs=st.lists(figure_run, max_size=3).map(tuple),
                seconds=_pos(0.0, 300.0),
                started=st.just("2024-01-01T00:00:00Z"),
            ),
            group: st.one_of(st.builds(group, name=names), st.builds(_root_group)),
            OttoBaths: st.builds(FIG16_OTTO.baths, st.one_of(st.none(), _pos(0.2, 1.9))),
        }
    )
    for cls in (Artifact, FigureRun, ReportResult):  # the report's outcomes are results
        RESULT_STRATEGIES[cls] = STRATEGIES[cls]


def _root_group() -> Any:
    """The ``ssbattery`` command itself (the click group typer builds for the app)."""
    import typer

    from ssbattery.cli import app

    return typer.main.get_command(app)


_register_results()
_register_records()
_register_cell()
_register_electrolytes()
_register_quantum()
_register_thermal()
_register_sweep()
_register_report_and_cli()
_register_mixins()

# every error class of the package, with a message
for _cls in vars(errors).values():
    if isinstance(_cls, type) and issubclass(_cls, Warning | errors.SsbatteryError):
        STRATEGIES.setdefault(_cls, st.builds(_cls, st.text(min_size=1, max_size=40)))
