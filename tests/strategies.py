"""Hypothesis strategies for the package's public classes, one registry (issue 15 §6).

``STRATEGIES[cls]`` draws valid instances of ``cls``: every frozen parameter dataclass that
checks itself (a ``__post_init__``) and every error class has one, and
``tests/test_strategies.py`` checks that each draws instances that construct. Tests that
need "any valid DickeParameters" take ``STRATEGIES[DickeParameters]`` instead of writing
their own ranges. Ranges are kept small (a few atoms or sites) so drawn models run fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from ssbattery import errors
from ssbattery.cell.discharge import RegularSolutionCathode
from ssbattery.cell.landau import LandauCoefficients
from ssbattery.cell.self_charging import SelfChargingCell
from ssbattery.electrolytes.impedance.conductivity import Pellet
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.dicke_window import PhotonWindow
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

__all__ = ["STRATEGIES"]


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

# every error class of the package, with a message
for _cls in vars(errors).values():
    if isinstance(_cls, type) and issubclass(_cls, Warning | errors.SsbatteryError):
        STRATEGIES.setdefault(_cls, st.builds(_cls, st.text(min_size=1, max_size=40)))
