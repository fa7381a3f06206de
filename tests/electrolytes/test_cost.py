"""Raw-material cost of electrolyte films (review §1.7, ref. 110)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymatgen.core import Composition

from ssbattery.electrolytes.cost import (
    COST_THRESHOLD_USD_M2,
    crystallographic_density,
    decompose_into_precursors,
    film_cost,
    film_densities,
    film_density,
    implied_precursor_price,
    precursor_prices,
)
from ssbattery.errors import InvalidParameterError, SsbatteryError


def test_price_table_has_a_source_for_every_row() -> None:
    table = precursor_prices()
    assert table["LiCl"].price_usd_per_kg == 5.88 and table["LiCl"].basis == "review"
    for row in table.values():
        assert row.source.strip() and row.basis.strip()
        if row.basis != "review":
            assert "review" in row.source.lower() or "override" in row.source.lower()
        if row.price_usd_per_kg is None:
            assert row.basis == "unpriced"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("Li2ZrCl6", {"LiCl": 2.0, "ZrCl4": 1.0}),
        ("Li3YCl6", {"LiCl": 3.0, "YCl3": 1.0}),
        ("Li3InCl6", {"LiCl": 3.0, "InCl3": 1.0}),
        ("Li6PS5Cl", {"Li2S": 2.5, "P2S5": 0.5, "LiCl": 1.0}),
        ("Li3OCl", {"Li2O": 1.0, "LiCl": 1.0}),
        ("Li2.99Ba0.005OCl", {"Li2O": 1.0, "LiCl": 0.99, "BaCl2": 0.005}),
    ],
)
def test_nnls_recovers_the_precursors(formula: str, expected: dict[str, float]) -> None:
    got = decompose_into_precursors(formula)
    assert set(got) == set(expected)
    for name, moles in expected.items():
        assert got[name] == pytest.approx(moles, abs=1e-9)


def test_decomposition_errors_name_the_problem() -> None:
    with pytest.raises(InvalidParameterError, match="supplies Ge"):
        decompose_into_precursors("Li4GeO4")  # no Ge–O precursor in the table
    with pytest.raises(InvalidParameterError, match="unknown precursor"):
        decompose_into_precursors("Li2ZrCl6", ["LiCl", "Unobtainium"])
    with pytest.raises(InvalidParameterError, match="cannot be balanced"):
        decompose_into_precursors("Li2ZrCl6", ["ZrCl4", "Li2O"])  # O has nowhere to go… and Li


def test_li3ycl6_density_from_its_cell() -> None:
    # Trigonal P-3m1, a = 11.2217 Å, c = 6.05517 Å, Z = 3 (Asano et al. 2018, OBELiX ei3).
    rho = crystallographic_density(
        "Li3YCl6", formula_units_per_cell=3, a=11.2217, b=11.2217, c=6.05517, gamma=120.0
    )
    assert rho == pytest.approx(film_densities()["Li3YCl6"].density_g_cm3, abs=1e-4)


def test_film_cost_by_hand_for_li2zrcl6() -> None:
    # cost = ρ·t·Σ wᵢ pᵢ with w(LiCl) = 2·42.394/317.824 = 0.26678 and w(ZrCl4) = 0.73322.
    prices = {"LiCl": 5.88, "ZrCl4": 20.0}
    c = film_cost("Li2ZrCl6", thickness_um=50, density_g_cm3=2.5, prices=prices)
    w_licl = 2 * Composition("LiCl").weight / Composition("Li2ZrCl6").weight
    mass_kg = 2.5 * 50e-4 * 1e4 / 1000  # g/cm³ × cm × cm²/m² → 0.125 kg/m²
    expected = mass_kg * (w_licl * 5.88 + (1 - w_licl) * 20.0)
    assert c.cost_usd_per_m2 == pytest.approx(expected, rel=1e-12)
    assert c.mass_per_m2_g == pytest.approx(125.0)
    assert sum(s.mass_fraction for s in c.precursors) == pytest.approx(1.0)
    assert {s.price_basis for s in c.precursors} == {"given"}
    assert c.density_basis == "given"


def test_against_the_reviews_costs() -> None:
    # Review §1.7 (ref. 110): Li2ZrCl6 ≈ $1.38/m², Li3YCl6 $23.05/m² at 50 µm, threshold
    # $10/m². Our LiCl price is the review's; ZrCl4 and YCl3 are *implied* from those
    # $/m² with our densities (2.3976 and 2.4325 g/cm³), so agreement to the table's
    # rounding (2 decimals in $/kg → < 0.01 $/m²) is by construction, not a check of ref.
    # 110. What is independent: the mass fractions from the NNLS decomposition.
    zr = film_cost("Li2ZrCl6")
    y = film_cost("Li3YCl6")
    assert zr.cost_usd_per_m2 == pytest.approx(1.38, abs=0.005)
    assert y.cost_usd_per_m2 == pytest.approx(23.05, abs=0.005)
    assert zr.review_cost_usd_per_m2 == 1.38 and y.review_cost_usd_per_m2 == 23.05
    assert zr.below_threshold and not y.below_threshold
    assert zr.threshold_usd_per_m2 == COST_THRESHOLD_USD_M2 == 10.0
    # The implied prices recomputed from the review's numbers match the table.
    table = precursor_prices()
    zr_price = implied_precursor_price("Li2ZrCl6", "ZrCl4", target_usd_per_m2=1.38)
    y_price = implied_precursor_price("Li3YCl6", "YCl3", target_usd_per_m2=23.05)
    assert zr_price == pytest.approx(table["ZrCl4"].price_usd_per_kg, abs=0.005)
    assert y_price == pytest.approx(table["YCl3"].price_usd_per_kg, abs=0.005)
    # With YCl3 at the review's "usually above $1000 per kg" the film would cost > $70/m²:
    # the review's two statements are not consistent with each other for Li3YCl6.
    dear = film_cost("Li3YCl6", prices={"YCl3": 1000.0})
    assert dear.cost_usd_per_m2 > 70.0


@given(st.floats(min_value=1.0, max_value=500.0))
def test_cost_is_proportional_to_thickness(t: float) -> None:
    base = film_cost("Li2ZrCl6", thickness_um=50.0).cost_usd_per_m2
    assert film_cost("Li2ZrCl6", thickness_um=t).cost_usd_per_m2 == pytest.approx(base * t / 50)


def test_bad_cost_inputs() -> None:
    with pytest.raises(InvalidParameterError, match="thickness_um"):
        film_cost("Li2ZrCl6", thickness_um=-5)
    with pytest.raises(InvalidParameterError, match="unknown precursor"):
        film_cost("Li2ZrCl6", prices={"Unobtainium": 3.0})
    with pytest.raises(InvalidParameterError, match="no price for precursor"):
        film_cost("Li6PS5Cl", density_g_cm3=1.64)  # P2S5 is unpriced
    with pytest.raises(InvalidParameterError, match="no density"):
        film_cost("Li3InCl6")
    with pytest.raises(SsbatteryError):
        film_cost("Li2ZrXx6", density_g_cm3=2.0)


def test_density_used_is_always_stated() -> None:
    # Shipped table: Li3YCl6 from its cell (crystallographic), Li2ZrCl6 an assumption.
    y = film_cost("Li3YCl6")
    assert (y.density_g_cm3, y.density_basis) == (2.4325, "crystallographic")
    assert "Asano" in y.density_source
    zr = film_cost("Li2ZrCl6")
    assert zr.density_basis == "assumption" and zr.density_source.startswith("Assumption")
    # the Li2ZrCl6 assumption is Li3YCl6's volume per formula unit scaled by mass
    ratio = Composition("Li2ZrCl6").weight / Composition("Li3YCl6").weight
    assert zr.density_g_cm3 == pytest.approx(2.4325 * ratio, abs=1e-4)
    given = film_density("Li3InCl6", 2.59)
    assert (given.density_g_cm3, given.basis, given.source) == (2.59, "given", "user input")
    # a formula outside the table has no fallback: the error lists the shipped ones
    with pytest.raises(InvalidParameterError, match=r"shipped densities: .*Li3YCl6"):
        film_density("Li3InCl6")
    for rho in film_densities().values():
        assert rho.density_g_cm3 > 0 and rho.basis and rho.source


def test_price_for_a_precursor_outside_the_formula_is_refused() -> None:
    # YCl3 is in the price table but Li2ZrCl6 = 2 LiCl + ZrCl4 does not use it.
    with pytest.raises(InvalidParameterError, match=r"YCl3.*its precursors: LiCl, ZrCl4"):
        film_cost("Li2ZrCl6", prices={"YCl3": 5.0})
    with pytest.raises(InvalidParameterError, match="InCl3"):
        implied_precursor_price("Li2ZrCl6", "InCl3", target_usd_per_m2=2.0)


def test_missing_precursor_message_says_which_precursors_were_tried() -> None:
    # 'Li' said "no precursor in the table supplies Li" though LiCl (in the table) does:
    # only precursors made of the formula's own elements are tried, and the error says so
    with pytest.raises(InvalidParameterError, match=r"made only of its elements \(Li\)"):
        decompose_into_precursors("Li")
    with pytest.raises(InvalidParameterError, match="no precursor given supplies Zr"):
        decompose_into_precursors("Li2ZrCl6", ["LiCl"])
    # with ZrCl4 too: 2 LiCl + 1 ZrCl4 (Li2ZrCl6, review §1.7)
    moles = decompose_into_precursors("Li2ZrCl6", ["LiCl", "ZrCl4"])
    assert moles == pytest.approx({"LiCl": 2.0, "ZrCl4": 1.0}, abs=1e-12)
