"""Sweep entries of the cell-level models and of the impedance pipeline: the self-charging
cell and the Landau ferroelectric (§2.1), electrochemical-potential alignment (eq. 1) and
``eis fit`` over a folder of spectra (§1.1)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ssbattery.results import Recorded
from ssbattery.sweep.registry import ModelEntry, Output, Param, fixed_memory, register

if TYPE_CHECKING:
    from ssbattery.cell.alignment import Alignment
    from ssbattery.cell.landau import HysteresisLoop, LandauCoefficients
    from ssbattery.cell.self_charging import SelfChargingCell, SelfChargingRun
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import SpectrumAnalysis
    from ssbattery.electrolytes.impedance.conductivity import Pellet

__all__ = [
    "ALIGN",
    "EIS_FIT",
    "LANDAU",
    "SELF_CHARGE",
    "AlignInputs",
    "LandauResult",
    "SelfChargeResult",
    "SelfChargeRun",
    "SpectrumFit",
]


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


# ---------------------------------------------------------------------- self-charging


@dataclass(frozen=True)
class SelfChargeRun:
    """The cell and the simulated time (s)."""

    cell: SelfChargingCell
    t_end_s: float


@dataclass(frozen=True)
class SelfChargeResult(Recorded):
    """What ``ssbattery self-charge`` reports: the simulated discharge and the Hopf load
    (Ω; None where the fixed point is stable at every load)."""

    simulation: SelfChargingRun
    hopf_load_ohm: float | None

    _UNITS: ClassVar[dict[str, str]] = {"hopf_load_ohm": "hopf_load [Ω]"}

    def _title(self) -> str:
        return "self-charging cell: simulated discharge and Hopf load"

    def metrics(self) -> dict[str, float]:
        """Deprecated: the ``self-charge`` entry's outputs (``SELF_CHARGE.extract``)."""
        from ssbattery._deprecation import warn_renamed

        warn_renamed("SelfChargeResult.metrics()", "SELF_CHARGE.extract(result)")
        return _self_charge_outputs(self)


def _self_charge_outputs(r: SelfChargeResult) -> dict[str, float]:
    """The sweep outputs (NaN for a missing period or Hopf load)."""
    sim = r.simulation
    return {
        "steady_current_A": sim.fixed.current_A,
        "steady_voltage_V": sim.fixed.voltage_V,
        "oscillating": float(sim.oscillating),
        "period_s": _nan(sim.period_s),
        "amplitude_V": sim.amplitude_V,
        "self_charging_fraction": sim.self_charging_fraction,
        "hopf_load_ohm": _nan(r.hopf_load_ohm),
    }


def _build_self_charge(values: Mapping[str, Any]) -> SelfChargeRun:
    from ssbattery.cell.self_charging import SelfChargingCell
    from ssbattery.validation import require_positive

    v = dict(values)
    t_end = require_positive("t_end_s", v.pop("t_end_s"))
    return SelfChargeRun(SelfChargingCell(**v), t_end)


def solve_self_charge(run: SelfChargeRun) -> SelfChargeResult:
    """Simulate the discharge into R_L and locate the Hopf load (§2.1, Fig. 16c); what
    ``ssbattery self-charge`` runs."""
    from ssbattery.cell.self_charging import find_hopf_load, simulate

    return SelfChargeResult(simulate(run.cell, t_end_s=run.t_end_s), find_hopf_load(run.cell))


#: The registered sweep entry ``self-charge`` (see ``ssbattery sweep models``).
SELF_CHARGE: ModelEntry[SelfChargeRun, SelfChargeResult] = register(
    ModelEntry(
        name="self-charge",
        summary="Self-charging cell with a negative-capacitance double layer (review §2.1)",
        params=(
            Param("load_ohm", "float", 1800.0, "Ω", "load resistance R_L"),
            Param("tau_s", "float", 1.5, "s", "interface-phase relaxation time τ"),
            Param("feedback_V_per_C", "float", 8.0e3, "V/C", "feedback g"),
            Param("alpha", "float", -1.0e3, "V/C", "Landau α of the double layer"),
            Param("beta", "float", 1.0e10, "V/C³", "Landau β"),
            Param("t_end_s", "float", 120.0, "s", "simulated time"),
        ),
        outputs=(
            Output("steady_current_A", "A", "current at the fixed point"),
            Output("steady_voltage_V", "V", "voltage at the fixed point"),
            Output("oscillating", "", "1 when the simulated voltage oscillates"),
            Output("period_s", "s", "oscillation period (NaN: none)"),
            Output("amplitude_V", "V", "peak-to-peak voltage"),
            Output("self_charging_fraction", "", "time fraction with V rising while I > 0"),
            Output("hopf_load_ohm", "Ω", "Hopf load from the Jacobian (NaN: none)"),
        ),
        build=_build_self_charge,
        solve=solve_self_charge,
        extract=_self_charge_outputs,
        memory_bytes=fixed_memory(
            "the self-charging cell", "two ODEs sampled at 4000 times and the Hopf scan"
        ),
    )
)


# ----------------------------------------------------------------------------- Landau


@dataclass(frozen=True)
class LandauResult(Recorded):
    """The ferroelectric's P_s, E_c, negative-capacitance range (None: none), C_F at Q = 0
    and the quasi-static hysteresis loop, as ``ssbattery landau`` reports them."""

    coefficients: LandauCoefficients
    spontaneous_polarisation: float
    coercive_field: float
    negative_capacitance_Q_range: tuple[float, float] | None
    C_F_at_Q0: float
    loop: HysteresisLoop

    _UNITS: ClassVar[dict[str, str]] = {
        "spontaneous_polarisation": "Q",
        "coercive_field": "E",
        "negative_capacitance_Q_range": "Q",
        "C_F_at_Q0": "Q/E",
    }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys: Q, E and Q/E are those of the coefficients
        (α in E/Q, β in E/Q³, γ in E/Q⁵; see :mod:`ssbattery.cell.landau`)."""
        c = self.coefficients
        out = super().to_dict()
        out["coefficients"] = {
            "alpha [E/Q]": c.alpha,
            "beta [E/Q³]": c.beta,
            "gamma [E/Q⁵]": c.gamma,
        }
        return out

    def _title(self) -> str:
        return "Landau ferroelectric (§2.1)"

    def metrics(self) -> dict[str, float]:
        """Deprecated: the ``landau`` entry's outputs (``LANDAU.extract``)."""
        from ssbattery._deprecation import warn_renamed

        warn_renamed("LandauResult.metrics()", "LANDAU.extract(result)")
        return _landau_outputs(self)


def _landau_outputs(r: LandauResult) -> dict[str, float]:
    """The sweep outputs (NaN ends where there is no negative-capacitance range)."""
    nc = r.negative_capacitance_Q_range
    return {
        "spontaneous_polarisation": r.spontaneous_polarisation,
        "coercive_field": r.coercive_field,
        "nc_Q_low": math.nan if nc is None else nc[0],
        "nc_Q_high": math.nan if nc is None else nc[1],
        "C_F_at_Q0": r.C_F_at_Q0,
        "loop_coercive_field": r.loop.coercive_field,
        "loop_remanent_polarisation": r.loop.remanent_polarisation,
    }


def _build_landau(values: Mapping[str, Any]) -> LandauCoefficients:
    from ssbattery.cell.landau import LandauCoefficients

    return LandauCoefficients(**values)


def solve_landau(coeffs: LandauCoefficients) -> LandauResult:
    """P_s, E_c, the negative-capacitance range and the quasi-static loop (§2.1)."""
    from ssbattery.cell.landau import (
        capacitance,
        coercive_field,
        hysteresis_loop,
        negative_capacitance_bounds,
        spontaneous_polarisation,
    )

    return LandauResult(
        coefficients=coeffs,
        spontaneous_polarisation=spontaneous_polarisation(coeffs),
        coercive_field=coercive_field(coeffs),
        negative_capacitance_Q_range=negative_capacitance_bounds(coeffs),
        C_F_at_Q0=float(capacitance(coeffs, 0.0)),
        loop=hysteresis_loop(coeffs, n_points=2001),
    )


#: The registered sweep entry ``landau`` (see ``ssbattery sweep models``).
LANDAU: ModelEntry[LandauCoefficients, LandauResult] = register(
    ModelEntry(
        name="landau",
        summary="Landau ferroelectric U(Q) = αQ²/2 + βQ⁴/4 + γQ⁶/6 (review §2.1)",
        params=(
            Param("alpha", "float", None, "", "α (negative: ferroelectric)", required=True),
            Param("beta", "float", 1.0, "", "β (> 0 unless γ > 0)"),
            Param("gamma", "float", 0.0, "", "γ (≥ 0)"),
        ),
        outputs=(
            Output("spontaneous_polarisation", "Q", "P_s"),
            Output("coercive_field", "E", "E_c"),
            Output("nc_Q_low", "Q", "lower end of the |Q| band where d²U/dQ² < 0 (NaN: none)"),
            Output("nc_Q_high", "Q", "upper end of that |Q| band (the band is ± symmetric)"),
            Output("C_F_at_Q0", "Q/E", "capacitance at Q = 0"),
            Output("loop_coercive_field", "E", "coercive field read from the loop"),
            Output("loop_remanent_polarisation", "Q", "remanent polarisation of the loop"),
        ),
        build=_build_landau,
        solve=solve_landau,
        extract=_landau_outputs,
        memory_bytes=fixed_memory("the Landau ferroelectric", "a loop of 2001 points"),
    )
)


# -------------------------------------------------------------------------- alignment


@dataclass(frozen=True)
class AlignInputs:
    """Chemical potentials (eV vs vacuum) and the electrolyte's bands, resolved."""

    mu_anode_eV: float
    mu_cathode_eV: float
    mu_electrolyte_eV: float | None
    band_gap_eV: float | None
    cbm_eV: float | None


def _build_align(values: Mapping[str, Any]) -> AlignInputs:
    from ssbattery.cell.alignment import find_electrode, find_electrolyte_levels

    v = values
    mu_a = find_electrode(v["anode"]).mu_eV if v["mu_anode"] is None else v["mu_anode"]
    mu_c = find_electrode(v["cathode"]).mu_eV if v["mu_cathode"] is None else v["mu_cathode"]
    gap, cbm = v["band_gap"], v["cbm"]
    if v["mu_electrolyte"] is None and (gap is None or cbm is None):
        levels = find_electrolyte_levels(v["electrolyte"])
        gap = levels.band_gap_eV if gap is None else gap
        cbm = levels.cbm_eV if cbm is None else cbm
    return AlignInputs(mu_a, mu_c, v["mu_electrolyte"], gap, cbm)


def solve_align(inputs: AlignInputs) -> Alignment:
    """Double layers and cell voltage from eq. 1 (energies vs vacuum, eV)."""
    from ssbattery.cell.alignment import align

    return align(
        inputs.mu_anode_eV,
        inputs.mu_cathode_eV,
        mu_electrolyte_eV=inputs.mu_electrolyte_eV,
        band_gap_eV=inputs.band_gap_eV,
        cbm_eV=inputs.cbm_eV,
    )


#: The registered sweep entry ``align`` (see ``ssbattery sweep models``).
ALIGN: ModelEntry[AlignInputs, Alignment] = register(
    ModelEntry(
        name="align",
        summary="Electrochemical-potential alignment and cell voltage (review eq. 1)",
        params=(
            Param("anode", "str", "Li", "", "anode metal (Li, Na, K, Cu)"),
            Param("electrolyte", "str", "Li6PS5Cl", "", "electrolyte (dataset or review levels)"),
            Param("cathode", "str", "Cu", "", "cathode metal"),
            Param("mu_anode", "float", None, "eV", "anode chemical potential (overrides anode)"),
            Param("mu_electrolyte", "float", None, "eV", "electrolyte chemical potential"),
            Param("mu_cathode", "float", None, "eV", "cathode chemical potential"),
            Param("band_gap", "float", None, "eV", "band gap E_g"),
            Param("cbm", "float", None, "eV", "conduction-band minimum vs vacuum"),
        ),
        outputs=(
            Output("mu_electrolyte_eV", "eV", "electrolyte chemical potential used"),
            Output("dV_AE", "V", "anode–electrolyte double layer"),
            Output("dV_EC", "V", "electrolyte–cathode double layer"),
            Output("cell_voltage", "V", "cell voltage (Fig. 1)"),
        ),
        build=_build_align,
        solve=solve_align,
        extract=lambda r: {
            "mu_electrolyte_eV": r.mu_electrolyte_eV,
            "dV_AE": r.dV_AE,
            "dV_EC": r.dV_EC,
            "cell_voltage": r.cell_voltage,
        },
        memory_bytes=fixed_memory("the alignment", "a few energies"),
    )
)


# ------------------------------------------------------------------------ eis fit


@dataclass(frozen=True)
class SpectrumFit:
    """One spectrum file, the pellet and the fit settings of ``ssbattery eis fit``."""

    spectrum: str
    pellet: Pellet
    circuit: str
    kk_threshold: float


def _build_eis(values: Mapping[str, Any]) -> SpectrumFit:
    from pathlib import Path

    from ssbattery.electrolytes.impedance.conductivity import Pellet
    from ssbattery.errors import InvalidParameterError

    path = Path(values["spectrum"])
    if not path.is_file():
        raise InvalidParameterError(f"`spectrum` {path} is not a file; give an existing spectrum.")
    if (values["area_mm2"] is None) == (values["diameter_mm"] is None):
        raise InvalidParameterError("give exactly one of `area_mm2` and `diameter_mm`.")
    pellet = Pellet.from_mm(
        values["thickness_mm"], area_mm2=values["area_mm2"], diameter_mm=values["diameter_mm"]
    )
    return SpectrumFit(str(path), pellet, values["circuit"], values["kk_threshold"])


def solve_eis(fit: SpectrumFit) -> SpectrumAnalysis:
    """Fit one spectrum, Lin-KK and σ per arc: what ``ssbattery eis fit`` runs (its
    warnings are the point's: the CLI prints them, a sweep records them per point)."""
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_spectrum

    return analyse_spectrum(
        fit.spectrum, fit.pellet, circuit=fit.circuit, kk_threshold=fit.kk_threshold
    )


def _eis_outputs(a: SpectrumAnalysis) -> dict[str, float]:
    sig = a.sigma_s_cm
    nan = (math.nan, math.nan)
    return {
        "temperature_K": _nan(a.spectrum.temperature_k),
        "total_resistance_ohm": a.fit.total_resistance_ohm,
        "sigma_total_S_cm": sig.get("total", nan)[0],
        "sigma_total_err_S_cm": sig.get("total", nan)[1],
        "sigma_bulk_S_cm": sig.get("bulk", nan)[0],
        "sigma_gb_S_cm": sig.get("grain boundary", nan)[0],
        "kk_valid": math.nan if a.kk is None else float(a.kk.passed),
    }


def _eis_memory(fit: SpectrumFit) -> Any:
    """The spectrum's size decides: Lin-KK (the largest share) solves a least-squares system
    of up to ``max_M`` = 50 RC columns plus 3; at that size it holds six arrays of
    n × 53 complex numbers at once (the column list, A, A·w, the stacked real system, its
    scaled copy and LAPACK's copy), ≈ 5.1 kB per frequency, as measured (500–5000 points,
    tests/sweep/test_models_memory.py); the circuit fit's Jacobian (2n × ≤ 12) is smaller."""
    from ssbattery.electrolytes.impedance.readers import read_spectrum
    from ssbattery.errors import SsbatteryError
    from ssbattery.validation import MemoryEstimate

    try:
        n = read_spectrum(fit.spectrum).n_points
    except SsbatteryError:
        n = 0  # an unreadable file fails as its own point, with the reader's message
    est = MemoryEstimate(f"the fit of a {n}-point spectrum", hint="thin the spectrum")
    est.add("Lin-KK", "least-squares systems", (6, n, 53), bytes_per_element=16)
    # the fit's other objects: the whole 80-point example fit peaks at 0.45 MB
    return est.add("Lin-KK", "circuit fit and small objects", 2**19, bytes_per_element=1)


#: The registered sweep entry ``eis-fit`` (see ``ssbattery sweep models``).
EIS_FIT: ModelEntry[SpectrumFit, SpectrumAnalysis] = register(
    ModelEntry(
        name="eis-fit",
        summary="`eis fit` of one impedance spectrum: circuit, Lin-KK, σ (review §1.1)",
        params=(
            Param("spectrum", "path", None, "", "spectrum file", required=True),
            Param("thickness_mm", "float", None, "mm", "pellet thickness", required=True),
            Param("area_mm2", "float", None, "mm²", "electrode area (or diameter_mm)"),
            Param("diameter_mm", "float", None, "mm", "pellet diameter (or area_mm2)"),
            Param("circuit", "str", "p(R1,CPE1)-p(R2,CPE2)-CPE3", "", "impedance.py circuit"),
            Param("kk_threshold", "float", 0.02, "", "Lin-KK pass threshold"),
        ),
        outputs=(
            Output("temperature_K", "K", "temperature read from the file (NaN: none)"),
            Output("total_resistance_ohm", "Ω", "fitted total resistance"),
            Output("sigma_total_S_cm", "S/cm", "total conductivity L/(R·A)"),
            Output("sigma_total_err_S_cm", "S/cm", "its standard error"),
            Output("sigma_bulk_S_cm", "S/cm", "bulk conductivity (NaN: no bulk arc)"),
            Output("sigma_gb_S_cm", "S/cm", "grain-boundary conductivity (NaN: none)"),
            Output("kk_valid", "", "1 when the Lin-KK test passes"),
        ),
        build=_build_eis,
        solve=solve_eis,
        extract=_eis_outputs,
        memory_bytes=_eis_memory,
    )
)
