"""Eq. 1 arithmetic (review §1.1, Fig. 1) and the two-phase discharge curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.cell.alignment import (
    ELECTRODES,
    align,
    align_materials,
    find_electrode,
    find_electrolyte_levels,
)
from ssbattery.cell.discharge import RegularSolutionCathode, binodal, discharge_curve
from ssbattery.errors import InvalidParameterError


def test_review_electrode_values() -> None:
    # review §1.3: μ(Li⁰) = −1.39 eV, μ(Cu⁰) ≈ −4.6 eV vs vacuum
    assert find_electrode("li").mu_eV == -1.39
    assert ELECTRODES["Cu"].mu_eV == -4.6
    # review §1.2: E_C(Na3YCl6) = −0.11 eV lies 1.62 eV above Na⁰ → μ(Na⁰) = −1.73 eV
    assert math.isclose(find_electrode("Na").mu_eV, -0.11 - 1.62)


def test_li_cu_cell_voltage_is_difference_of_chemical_potentials() -> None:
    # Li / electrolyte with μ_E = −3.0 eV / Cu: ΔV_AE = 1.61 V, ΔV_EC = 1.40 V, ΔV = 3.21 V
    a = align(-1.39, -4.6, mu_electrolyte_eV=-3.0)
    assert math.isclose(a.dV_AE, 1.61, abs_tol=1e-12)
    assert math.isclose(a.dV_EC, 1.60, abs_tol=1e-12)
    assert math.isclose(a.cell_voltage, a.dV_AE + a.dV_EC, abs_tol=1e-12)
    assert math.isclose(a.cell_voltage, 3.21, abs_tol=1e-12)
    assert a.formula == "ΔV_AE + ΔV_EC" and a.profile == "well"
    # Fig. 1a: electrolyte surface positive on the anode side, negative on the cathode side
    assert a.electrolyte_surface_charge == ("+", "-")


def test_cathode_past_electrolyte_switches_to_difference() -> None:
    # Fig. 1c: μ_E < μ_C ≤ μ_A → ΔV = ΔV_AE − ΔV_EC, both surfaces positive
    a = align(-1.39, -2.5, mu_electrolyte_eV=-3.0)
    assert a.formula == "ΔV_AE − ΔV_EC"
    assert math.isclose(a.cell_voltage, 1.61 - 0.5, abs_tol=1e-12)
    assert a.electrolyte_surface_charge == ("+", "+")


def test_voltage_zero_when_double_layers_equal() -> None:
    a = align(-1.39, -1.39, mu_electrolyte_eV=-3.0)
    assert math.isclose(a.dV_AE, a.dV_EC) and a.voltage_zero
    assert a.cell_voltage == 0.0


def test_electrolyte_above_anode_is_a_barrier() -> None:
    # μ_C ≤ μ_A ≤ μ_E: "the quantum well in Fig. 1 becomes a quantum barrier" (§1.1)
    a = align(-1.39, -4.6, mu_electrolyte_eV=-1.0)
    assert a.profile == "barrier" and a.formula == "ΔV_EC − ΔV_AE"
    assert math.isclose(a.cell_voltage, 3.21, abs_tol=1e-12)


def test_midgap_chemical_potential_from_band_edges() -> None:
    # Fig. 3 note: E_g = 2 (E_C − μ_E); Na3YCl6: E_g = 5.2 eV, E_C = −0.11 eV (review §1.2)
    a = align_materials("Na", "Na3YCl6", "Cu")
    assert math.isclose(a.mu_electrolyte_eV, -0.11 - 2.6)
    assert math.isclose(a.cell_voltage, -1.73 + 4.6)
    assert a.electron_drift_from_anode is False  # E_C lies 1.62 eV above Na⁰: stable


def test_anode_above_cbm_lets_electrons_drift() -> None:
    # §1.3/Fig. 4: a CBM below μ(Li⁰) lets electrons drift into the conduction band
    a = align(-1.39, -4.6, band_gap_eV=2.0, cbm_eV=-2.0)
    assert a.electron_drift_from_anode is True
    assert math.isclose(a.vbm_eV or 0.0, -4.0)


def test_dataset_or_review_levels_are_found() -> None:
    levels = find_electrolyte_levels("Na2Y2/3Cl4")
    assert levels.band_gap_eV > 0 and levels.cbm_eV < 0
    assert math.isclose(levels.vbm_eV, levels.cbm_eV - levels.band_gap_eV)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mu_anode_eV": -4.6, "mu_cathode_eV": -1.39, "mu_electrolyte_eV": -3.0}, "μ_C ≤ μ_A"),
        (
            {"mu_anode_eV": -1.39, "mu_cathode_eV": -4.6, "band_gap_eV": -1.0, "cbm_eV": -1.0},
            "band_gap_eV",
        ),
        ({"mu_anode_eV": -1.39, "mu_cathode_eV": -4.6}, "under-specified"),
        (
            {
                "mu_anode_eV": -1.39,
                "mu_cathode_eV": -4.6,
                "mu_electrolyte_eV": 0.5,
                "band_gap_eV": 2.0,
                "cbm_eV": -1.0,
            },
            "outside the gap",
        ),
        ({"mu_anode_eV": float("nan"), "mu_cathode_eV": -4.6, "mu_electrolyte_eV": -3.0}, "finite"),
    ],
)
def test_bad_alignment_input_raises_our_error(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        align(**kwargs)  # type: ignore[arg-type]


def test_named_cathode_above_anode_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="swap"):
        align_materials("Cu", "Na3YCl6", "Li")
    with pytest.raises(InvalidParameterError, match="not in the table"):
        find_electrode("Unobtainium")


@settings(max_examples=60, deadline=None)
@given(
    mu_a=st.floats(-3.0, -0.5),
    d1=st.floats(0.0, 3.0),
    mu_e=st.floats(-8.0, 0.0),
)
def test_cell_voltage_is_always_mu_a_minus_mu_c(mu_a: float, d1: float, mu_e: float) -> None:
    mu_c = mu_a - d1
    a = align(mu_a, mu_c, mu_electrolyte_eV=mu_e)
    assert math.isclose(a.cell_voltage, mu_a - mu_c, abs_tol=1e-9)
    assert a.dV_AE >= 0 and a.dV_EC >= 0


def test_regular_solution_plateau_is_common_tangent() -> None:
    cath = RegularSolutionCathode(mu0_eV=-4.2, omega_eV=0.12, temperature_K=298.15)
    x1, x2 = binodal(cath) or (0.0, 0.0)
    assert math.isclose(x1 + x2, 1.0)
    mu1, mu2 = cath.homogeneous_mu(x1), cath.homogeneous_mu(x2)
    # equal chemical potentials at both binodal points, equal to the plateau μ₀ ...
    assert math.isclose(float(mu1), -4.2, abs_tol=1e-10)
    assert math.isclose(float(mu2), -4.2, abs_tol=1e-10)
    # ... and the tangent at x₁ touches g again at x₂ (common tangent construction)
    g1, g2 = cath.free_energy(x1), cath.free_energy(x2)
    assert math.isclose(float(g2 - g1), -4.2 * (x2 - x1), rel_tol=1e-10)
    curve = discharge_curve(cath, mu_anode_eV=-1.39, mu_electrolyte_eV=-4.15)
    inside = (curve.x > x1) & (curve.x < x2)
    assert np.allclose(curve.voltage_V[inside], -1.39 + 4.2)
    assert curve.plateau_voltage_V is not None
    assert math.isclose(curve.plateau_voltage_V, 2.81, abs_tol=1e-12)
    # μ_C rises monotonically (equilibrium curve) and crosses μ_E = −4.15 eV after the plateau
    assert np.all(np.diff(curve.mu_cathode_eV) >= -1e-12)
    assert curve.x_crossing_electrolyte is not None and curve.x_crossing_electrolyte > x2


def test_binodal_at_strong_interaction_is_exp_minus_omega_over_kt() -> None:
    # Ω ≫ k_B T: ln(x₁/(1 − x₁)) = −Ω(1 − 2x₁)/k_B T gives x₁ = e^{−Ω/k_BT}(1 + O(Ω/k_BT ·
    # e^{−Ω/k_BT})), so at Ω = 50 k_B T the binodal is e^{−50} to double precision
    kT = 298.15 * 8.617333262e-5
    cath = RegularSolutionCathode(omega_eV=50 * kT, temperature_K=298.15)
    x1, x2 = binodal(cath) or (0.0, 0.0)
    assert math.isclose(x1, math.exp(-50.0), rel_tol=1e-12)
    assert x2 == 1.0 - x1
    # Ω/k_BT ≈ 11 700: x₁ lies below the smallest double; the gap spans the whole range,
    # and the discharge curve is the plateau at μ₀ (before: brentq found no sign change)
    huge = RegularSolutionCathode(omega_eV=300.0, temperature_K=300.0)
    assert binodal(huge) == (0.0, 1.0)
    curve = discharge_curve(huge, mu_anode_eV=-1.39)
    assert np.allclose(curve.mu_cathode_eV, huge.mu0_eV)
    assert curve.plateau_voltage_V == pytest.approx(-1.39 - huge.mu0_eV)


def test_no_plateau_above_critical_temperature() -> None:
    # Ω ≤ 2 k_B T: single phase, μ_C strictly increasing, no plateau
    cath = RegularSolutionCathode(omega_eV=0.04, temperature_K=298.15)
    assert binodal(cath) is None
    curve = discharge_curve(cath, mu_anode_eV=-1.39)
    assert curve.plateau_x is None and np.all(np.diff(curve.mu_cathode_eV) > 0)


def test_discharge_refuses_cathode_above_anode() -> None:
    with pytest.raises(InvalidParameterError, match="μ_C ≤ μ_A"):
        discharge_curve(RegularSolutionCathode(mu0_eV=-1.0), mu_anode_eV=-1.39)


def test_dataset_levels_take_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    import ssbattery.electrolytes.dataset as dataset

    def fake(name: str) -> types.SimpleNamespace:
        return types.SimpleNamespace(formula="Li6PS5Cl", band_gap_eV=2.5, cbm_vs_vacuum_eV=-2.0)

    monkeypatch.setattr(dataset, "find_electrolyte", fake)
    levels = find_electrolyte_levels("Li6PS5Cl")
    assert (levels.band_gap_eV, levels.cbm_eV) == (2.5, -2.0)
    assert levels.source == "ssbattery.electrolytes.dataset"
    assert math.isclose(align_materials("Li", "Li6PS5Cl", "Cu").mu_electrolyte_eV, -3.25)


def test_dataset_without_levels_falls_back_to_review_text() -> None:
    # the dataset has no band gap for Li6PS5Cl today: the illustrative review-based entry is used
    levels = find_electrolyte_levels("Li6PS5Cl")
    assert levels.band_gap_eV >= 0 and levels.cbm_eV < 0
    if levels.source != "ssbattery.electrolytes.dataset":
        assert "illustrative" in levels.source and levels.cbm_eV == -2.23
