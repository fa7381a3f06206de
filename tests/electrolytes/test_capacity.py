"""Theoretical capacity Q = n F / (3.6 M) (review introduction and §1.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssbattery.electrolytes.capacity import (
    FARADAY_C_PER_MOL,
    capacity_from_molar_mass,
    lic6_capacity,
    specific_capacity,
)
from ssbattery.errors import InvalidParameterError, SsbatteryError


def test_lithium_metal_capacity() -> None:
    # Q = F / (3.6 M(Li)); with M = 6.941 g/mol (pymatgen) Q = 3861.3 mAh/g, which the
    # review rounds to 3860 mAh/g (introduction). With M = 6.94 it is 3861.9.
    q = specific_capacity("Li").capacity_mAh_g
    assert q == pytest.approx(96485.33212 / (3.6 * 6.941), rel=1e-12)
    assert q == pytest.approx(3861.33, abs=0.01)
    assert abs(q - 3860.0) < 2.0
    assert capacity_from_molar_mass(1, 6.94) == pytest.approx(3861.88, abs=0.01)
    assert FARADAY_C_PER_MOL == 96485.33212


def test_sodium_and_explicit_electrons() -> None:
    # Na: F / (3.6 × 22.98977) = 1165.8 mAh/g; LiCoO2 with 1 e⁻: 273.8 mAh/g (textbook).
    assert specific_capacity("Na").capacity_mAh_g == pytest.approx(1165.78, abs=0.05)
    assert specific_capacity("LiCoO2", electrons=1).capacity_mAh_g == pytest.approx(273.8, abs=0.2)


def test_lic6_bases_beside_the_reviews_177() -> None:
    # §1.1: LiC6 → (1−2x)LiC6 + xLiC12 + x(Li⁺ + e⁻), x ≤ 0.5, "177 mA h g−1".
    # x = 0.5 e⁻ per LiC6: per g LiC6 0.5F/(3.6·79.005) = 169.6; per g carbon
    # 0.5F/(3.6·72.064) = 186.0; per g of the discharged Li0.5C6 0.5F/(3.6·75.535) = 177.4.
    c = lic6_capacity(0.5)
    assert c.per_gram_LiC6 == pytest.approx(169.62, abs=0.01)
    assert c.per_gram_carbon == pytest.approx(185.96, abs=0.01)
    assert c.per_gram_discharged_electrode == pytest.approx(177.41, abs=0.01)
    assert c.full_delithiation_per_gram_carbon == pytest.approx(371.91, abs=0.01)
    # Only the discharged-electrode basis is within 1 mAh/g of 177; per g LiC6 is the
    # ≈ 170 the review quotes for cathodes.
    assert c.closest_basis.startswith("per gram of discharged electrode")
    assert abs(c.closest_value - 177.0) < 0.5
    assert lic6_capacity(0.0).per_gram_LiC6 == 0.0


@pytest.mark.parametrize("x", [-0.01, 0.51, float("nan")])
def test_lic6_extent_out_of_range(x: float) -> None:
    with pytest.raises(InvalidParameterError, match="`x`"):
        lic6_capacity(x)


def test_bad_inputs() -> None:
    with pytest.raises(InvalidParameterError, match="electrons"):
        specific_capacity("LiCoO2")  # no default electron count for a compound
    with pytest.raises(InvalidParameterError, match="electrons"):
        specific_capacity("Li", electrons=0)
    with pytest.raises(SsbatteryError):
        specific_capacity("Qq", electrons=1)


@given(
    st.sampled_from(["Li", "LiC6", "LiFePO4", "Li2ZrCl6", "Na3PS4"]),
    st.integers(min_value=1, max_value=6),
    st.floats(min_value=0.1, max_value=5.0),
)
def test_capacity_scales_inversely_with_formula_mass(formula: str, k: int, n: float) -> None:
    # Writing the formula k times over multiplies M by k: Q·M = n F / 3.6 is invariant.
    one = specific_capacity(formula, electrons=n)
    many = specific_capacity(f"({formula}){k}", electrons=n)
    assert many.molar_mass_g_mol == pytest.approx(k * one.molar_mass_g_mol)
    assert many.capacity_mAh_g * k == pytest.approx(one.capacity_mAh_g, rel=1e-10)
    assert one.capacity_mAh_g * one.molar_mass_g_mol == pytest.approx(n * FARADAY_C_PER_MOL / 3.6)


def test_symbolic_formula_takes_x_and_x_alone_is_refused() -> None:
    # Li(1−x)CoO2 at x = 0.5 is Li0.5CoO2: M = 0.5 × 6.941 + 58.933195 + 2 × 15.9994
    # = 94.4025 g/mol (pymatgen weights), so 1 e⁻ per formula unit gives F/(3.6 M)
    m = 0.5 * 6.941 + 58.933195 + 2 * 15.9994
    res = specific_capacity("Li1-xCoO2", electrons=1, x=0.5)
    assert res.molar_mass_g_mol == pytest.approx(m, rel=1e-9)
    assert res.capacity_mAh_g == pytest.approx(96485.33212 / (3.6 * m), rel=1e-9)
    assert res.capacity_mAh_g == pytest.approx(283.91, abs=0.01)
    # an x for a formula without x used to be dropped silently
    with pytest.raises(InvalidParameterError, match="has no x"):
        specific_capacity("LiCoO2", electrons=1, x=0.5)
