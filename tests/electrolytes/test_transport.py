"""Transport laws of review §1.1: σ = n q μ, Nernst–Einstein, carrier density, Arrhenius fits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import constants as sc

from ssbattery.electrolytes.transport import (
    K_B_EV_PER_K,
    arrhenius_conductivity,
    carrier_density_from_cell,
    carrier_density_from_density,
    celsius_to_kelvin,
    conductivity_from_diffusivity,
    conductivity_from_mobility,
    ev_to_kj_per_mol,
    fit_arrhenius,
    haven_ratio,
    kelvin_to_celsius,
    kj_per_mol_to_ev,
    mobile_ions_per_formula_unit,
    mobility_from_conductivity,
    ms_per_cm_to_s_per_m,
    nernst_einstein_diffusivity,
    s_per_cm_to_s_per_m,
    s_per_m_to_ms_per_cm,
    s_per_m_to_s_per_cm,
)
from ssbattery.errors import InvalidParameterError, ValidityWarning


def test_unit_helpers() -> None:
    assert celsius_to_kelvin(25.0) == pytest.approx(298.15)
    assert kelvin_to_celsius(273.15) == pytest.approx(0.0)
    assert ms_per_cm_to_s_per_m(1.0) == pytest.approx(0.1)
    assert s_per_m_to_ms_per_cm(0.1) == pytest.approx(1.0)
    assert s_per_cm_to_s_per_m(1.0) == pytest.approx(100.0)
    assert s_per_m_to_s_per_cm(100.0) == pytest.approx(1.0)
    # 1 eV per particle = 96.485 kJ/mol (Faraday constant / 1000)
    assert ev_to_kj_per_mol(1.0) == pytest.approx(96.485332, rel=1e-7)
    assert kj_per_mol_to_ev(ev_to_kj_per_mol(0.3)) == pytest.approx(0.3)
    assert K_B_EV_PER_K == pytest.approx(8.617333262e-5, rel=1e-9)


def test_sigma_nqmu_and_inverse() -> None:
    n, mu = 1e28, 1e-9
    sigma = conductivity_from_mobility(n, mu)
    assert sigma == pytest.approx(n * sc.e * mu)
    assert conductivity_from_mobility(n, mu, z=2) == pytest.approx(2 * sigma)
    assert mobility_from_conductivity(sigma, n) == pytest.approx(mu)


def test_llzo_carrier_density_and_nernst_einstein_round_trip() -> None:
    # Cubic Li7La3Zr2O12: Ia-3d, a = 12.9827 Å, Z = 8 formula units per cell (Awaka et al.,
    # Chem. Lett. 40, 60 (2011)); σ(25 °C) = 3e-4 S/cm (Murugan, Thangadurai & Weppner,
    # Angew. Chem. Int. Ed. 46, 7778 (2007)).
    x = mobile_ions_per_formula_unit("Li7La3Zr2O12", "Li")
    assert x == 7.0
    n = carrier_density_from_cell(x, 8, 12.9827**3)
    # by hand: 56 / (12.9827e-10 m)^3 = 56 / 2.18824e-27 m³ = 2.5591e28 m⁻³
    assert n == pytest.approx(2.5591e28, rel=1e-4)
    sigma = s_per_cm_to_s_per_m(3e-4)
    d = nernst_einstein_diffusivity(float(sigma), 298.15, n)
    # by hand: D = σ k_B T / (n q²) = 0.03 S/m × 0.0256926 V / (2.5591e28 m⁻³ × 1.602177e-19 C)
    #          = 1.8799e-13 m²/s = 1.88e-9 cm²/s
    assert d == pytest.approx(1.8799e-13, rel=1e-3)
    assert conductivity_from_diffusivity(d, 298.15, n) == pytest.approx(float(sigma), rel=1e-12)
    # z² q² scaling: a divalent carrier at the same σ diffuses 4× slower
    assert nernst_einstein_diffusivity(float(sigma), 298.15, n, z=2) == pytest.approx(d / 4)


def test_carrier_density_from_density_matches_cell_route() -> None:
    # LLZO molar mass from pymatgen; density from the same cell: ρ = Z M / (N_A V)
    from pymatgen.core import Composition

    m = Composition("Li7La3Zr2O12").weight
    v_cm3 = (12.9827e-8) ** 3
    rho = 8 * m / (sc.N_A * v_cm3)
    n1 = carrier_density_from_density(7, rho, m)
    n2 = carrier_density_from_cell(7, 8, 12.9827**3)
    assert n1 == pytest.approx(n2, rel=1e-12)


def test_fractional_formula_and_bad_input() -> None:
    assert mobile_ions_per_formula_unit("Li5.5PS4.5Cl1.5", "Li") == pytest.approx(5.5)
    with pytest.raises(InvalidParameterError, match="does not occur"):
        mobile_ions_per_formula_unit("Na3PS4", "Li")
    with pytest.raises(InvalidParameterError, match="formula"):
        mobile_ions_per_formula_unit("Li7Xx3", "Li")
    with pytest.raises(InvalidParameterError, match="temperature_k"):
        nernst_einstein_diffusivity(1.0, 0.0, 1e28)
    with pytest.raises(InvalidParameterError, match="z"):
        conductivity_from_mobility(1e28, 1e-9, z=0)


T = np.linspace(250.0, 400.0, 7)


@pytest.mark.parametrize("form", ["A/T", "plain"])
def test_arrhenius_exact_data_recovered(form: str) -> None:
    sigma = arrhenius_conductivity(T, 0.35, 5e5, form=form)  # type: ignore[arg-type]
    fit = fit_arrhenius(T, sigma, form=form)  # type: ignore[arg-type]
    assert fit.form == form
    assert fit.Ea_eV == pytest.approx(0.35, abs=1e-10)
    assert fit.prefactor == pytest.approx(5e5, rel=1e-8)
    assert fit.Ea_err_eV < 1e-8


@settings(max_examples=30, deadline=None)
@given(
    ea=st.floats(0.05, 1.2),
    ln_a=st.floats(-5.0, 20.0),
    form=st.sampled_from(["A/T", "plain"]),
)
def test_arrhenius_exact_recovery_property(ea: float, ln_a: float, form: str) -> None:
    sigma = arrhenius_conductivity(T, ea, math.exp(ln_a), form=form)  # type: ignore[arg-type]
    fit = fit_arrhenius(T, sigma, form=form)  # type: ignore[arg-type]
    assert fit.Ea_eV == pytest.approx(ea, abs=1e-9)
    assert fit.ln_prefactor == pytest.approx(ln_a, abs=1e-7)


def test_arrhenius_noisy_within_errors_and_calibrated() -> None:
    rng = np.random.default_rng(7)
    true_ea, true_ln_a = 0.30, math.log(2e5)
    s0 = arrhenius_conductivity(T, true_ea, math.exp(true_ln_a))
    pulls = []
    for _ in range(400):
        noisy = s0 * np.exp(0.03 * rng.standard_normal(T.size))  # 3 % log-normal noise
        fit = fit_arrhenius(T, noisy, sigma_err_s_per_m=0.03 * noisy, absolute_sigma=True)
        pulls.append((fit.Ea_eV - true_ea) / fit.Ea_err_eV)
    pulls_a = np.array(pulls)
    # with the true errors given, the pulls are standard normal: ≈68 % within 1σ
    assert abs(np.mean(np.abs(pulls_a) < 1) - 0.683) < 0.06
    assert abs(np.std(pulls_a) - 1.0) < 0.1
    # and a single fit with errors scaled by the residuals is within 3σ
    fit = fit_arrhenius(T, s0 * np.exp(0.03 * rng.standard_normal(T.size)))
    assert abs(fit.Ea_eV - true_ea) < 3 * fit.Ea_err_eV


def test_two_forms_differ_by_kT() -> None:
    # Data from σ = (A/T) e^{−Ea/kT}: fitting ln σ = ln σ0 − Ea'/kT instead gives
    # Ea' = Ea − k_B·s where s is the least-squares slope of ln(1/T) vs 1/T (exactly), which is
    # ≈ 1/mean(1/T), the harmonic mean temperature (expand ln x about the mean of x = 1/T).
    t = np.linspace(298.15, 398.15, 6)
    sigma = arrhenius_conductivity(t, 0.40, 1e6, form="A/T")
    ea_at = fit_arrhenius(t, sigma, form="A/T").Ea_eV
    ea_plain = fit_arrhenius(t, sigma, form="plain").Ea_eV
    x = 1 / t
    slope = np.polyfit(x, np.log(x), 1)[0]
    assert ea_at - ea_plain == pytest.approx(K_B_EV_PER_K * slope, rel=1e-9)
    assert ea_at - ea_plain == pytest.approx(K_B_EV_PER_K / np.mean(1 / t), rel=0.01)
    assert 0.026 < ea_at - ea_plain < 0.04


def test_extrapolation_error_matches_monte_carlo() -> None:
    rng = np.random.default_rng(3)
    s0 = arrhenius_conductivity(T, 0.3, 2e5)
    err = 0.02 * s0
    fit = fit_arrhenius(T, s0, sigma_err_s_per_m=err, absolute_sigma=True)
    pred, pred_err = fit.predict(298.15)
    assert pred == pytest.approx(float(arrhenius_conductivity(298.15, 0.3, 2e5)), rel=1e-10)
    draws = []
    for _ in range(2000):
        f = fit_arrhenius(T, s0 * (1 + 0.02 * rng.standard_normal(T.size)), sigma_err_s_per_m=err)
        draws.append(f.predict(298.15)[0])
    assert float(np.std(draws)) == pytest.approx(float(pred_err), rel=0.1)


def test_arrhenius_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="at least 2"):
        fit_arrhenius([300.0], [1.0])
    with pytest.raises(InvalidParameterError, match="> 0 K"):
        fit_arrhenius([300.0, -5.0], [1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="sigma_s_per_m"):
        fit_arrhenius([300.0, 310.0], [1.0, 0.0])
    with pytest.raises(InvalidParameterError, match="form"):
        fit_arrhenius([300.0, 310.0], [1.0, 2.0], form="exp")  # type: ignore[arg-type]
    with pytest.warns(ValidityWarning, match="no degrees of freedom"):
        fit = fit_arrhenius([300.0, 310.0], [1.0, 2.0])
    assert math.isnan(fit.Ea_err_eV)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit2 = fit_arrhenius(
            [300.0, 310.0], [1.0, 2.0], sigma_err_s_per_m=[0.1, 0.2], absolute_sigma=True
        )
    assert fit2.Ea_err_eV > 0
    assert "A/T" in fit2.form and "(A/T)" in str(fit2).splitlines()[0]


def test_arrhenius_errors_survive_weights_thirty_decades_apart() -> None:
    """Two temperatures, one σ known to 10⁻¹² and one to 10¹² (an arc whose R ran to ∞): the
    line through two points is exact, Ea = k_B ln(σ₂T₂/σ₁T₁)/(1/T₁ − 1/T₂) (A/T form), and its
    error a finite, non-negative number (the normal equations gave a negative variance and
    `math domain error`)."""
    from ssbattery.electrolytes.transport import fit_arrhenius

    t = np.array([298.15, 313.15])
    s = np.array([2.0, 12.0])
    fit = fit_arrhenius(t, s, sigma_err_s_per_m=s * np.array([1e-12, 1e12]), absolute_sigma=True)
    k_b = 8.617333262e-5
    exact = k_b * math.log(s[1] * t[1] / (s[0] * t[0])) / (1 / t[0] - 1 / t[1])
    assert fit.Ea_eV == pytest.approx(exact, rel=1e-9)
    assert math.isfinite(fit.Ea_err_eV) and fit.Ea_err_eV >= 0


def test_mobile_ions_read_the_reviews_formulas() -> None:
    # Na2Y2/3Cl4 (§1.2) and subscript digits were refused by pymatgen's own parser; LLTO
    # Li3xLa(2/3)−xTiO3 at x = 0.11 has 3x = 0.33 Li per formula unit
    assert mobile_ions_per_formula_unit("Na2Y2/3Cl4", "Na") == 2.0
    assert mobile_ions_per_formula_unit("Li₇La₃Zr₂O₁₂", "Li") == 7.0
    assert mobile_ions_per_formula_unit("Li3xLa(2/3)−xTiO3", "Li", x=0.11) == pytest.approx(0.33)
    with pytest.raises(InvalidParameterError, match=r"`formula`.*unexpected character 'l'"):
        mobile_ions_per_formula_unit("li7La3Zr2O12", "Li")


def test_bad_form_and_charge_number_are_refused() -> None:
    # form="plainx" was computed as the plain form; z="a" or NaN raised a bare ValueError
    with pytest.raises(InvalidParameterError, match="`form`"):
        arrhenius_conductivity(300.0, 0.3, 1e5, form="plainx")  # type: ignore[arg-type]
    for z in ("a", math.nan, math.inf, 1.5, True):
        with pytest.raises(InvalidParameterError, match="`z`"):
            nernst_einstein_diffusivity(1.0, 300.0, 1e28, z=z)  # type: ignore[arg-type]
    # z = 2 divides D_σ by z² = 4 (Nernst–Einstein, review §1.1)
    d1 = nernst_einstein_diffusivity(1.0, 300.0, 1e28)
    assert nernst_einstein_diffusivity(1.0, 300.0, 1e28, z=2) == pytest.approx(d1 / 4, rel=1e-14)


def test_haven_ratio_is_tracer_over_charge_diffusivity() -> None:
    # D_σ = σ k_B T / (n q²): σ = 1 S/m, T = 300 K, n = 1e28 m⁻³ → 1.61355e-11 m²/s
    d_sigma = 1.0 * 1.380649e-23 * 300.0 / (1e28 * 1.602176634e-19**2)
    assert nernst_einstein_diffusivity(1.0, 300.0, 1e28) == pytest.approx(d_sigma, rel=1e-12)
    # a tracer D* = 0.7815 D_σ (fcc vacancy correlation factor) gives H_R = 0.7815
    assert haven_ratio(0.7815 * d_sigma, 1.0, 300.0, 1e28) == pytest.approx(0.7815, rel=1e-12)
    # σ from D_σ and back: H_R = 1 exactly for uncorrelated hops
    sigma = conductivity_from_diffusivity(2e-12, 350.0, 3e27, z=1)
    assert haven_ratio(2e-12, sigma, 350.0, 3e27) == pytest.approx(1.0, rel=1e-12)
    with pytest.raises(InvalidParameterError, match="tracer_diffusivity"):
        haven_ratio(0.0, 1.0, 300.0, 1e28)
