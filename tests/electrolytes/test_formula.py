"""Formula parsing: the review's fractional, symbolic and cluster-anion formulas."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.electrolytes.formula import (
    is_symbolic,
    normalise_formula,
    parse_formula,
    water_of_crystallisation,
)
from ssbattery.errors import DataFormatError, InvalidParameterError


def amounts(formula: str, **kw: Any) -> dict[str, float]:
    return parse_formula(formula, **kw).get_el_amt_dict()


def test_fractional_stoichiometry() -> None:
    # §1.7: "Na2Y2/3Cl4" (Liu et al., ref. 113)
    a = amounts("Na2Y2/3Cl4")
    assert a["Na"] == 2 and a["Cl"] == 4
    assert a["Y"] == pytest.approx(2 / 3, abs=1e-9)
    # §1.2: "Li4Al1/3Si1/6Ge1/6P1/3O4" (ref. 10)
    a = amounts("Li4Al1/3Si1/6Ge1/6P1/3O4")
    assert a["Al"] == pytest.approx(1 / 3) and a["Si"] == pytest.approx(1 / 6)
    assert a["Ge"] == pytest.approx(1 / 6) and a["P"] == pytest.approx(1 / 3)
    assert a["Li"] == 4 and a["O"] == 4


def test_decimal_argyrodites() -> None:
    assert amounts("Li5.4PS4.4Cl1.6") == pytest.approx({"Li": 5.4, "P": 1, "S": 4.4, "Cl": 1.6})
    a = amounts("Li5.5P0.96Sb0.04S4.40O0.10Cl1.5")
    assert a == pytest.approx({"Li": 5.5, "P": 0.96, "Sb": 0.04, "S": 4.4, "O": 0.1, "Cl": 1.5})


def test_llto_with_x_and_unicode_minus() -> None:
    # §1.2: "Li3xLa(2/3)−xTiO3 LLTO" with the Unicode minus sign of the text
    a = amounts("Li3xLa(2/3)\u2212xTiO3", x=0.11)
    assert a["Li"] == pytest.approx(0.33)
    assert a["La"] == pytest.approx(0.556667, abs=1e-6)
    assert a["Ti"] == 1 and a["O"] == 3
    assert is_symbolic("Li3xLa(2/3)\u2212xTiO3")
    assert not is_symbolic("Li6PS5Cl")


@given(st.just(0.0) | st.floats(min_value=1e-8, max_value=2 / 3))
@settings(max_examples=40, deadline=None)
def test_llto_is_charge_neutral_for_every_x(x: float) -> None:
    # Li⁺ 3x + La³⁺ (2/3 − x) + Ti⁴⁺ = 2·3 (O²⁻) for every x: the formula's design.
    a = amounts("Li3xLa(2/3)−xTiO3", x=x)
    charge = a.get("Li", 0) + 3 * a.get("La", 0) + 4 * a["Ti"] - 2 * a["O"]
    assert charge == pytest.approx(0.0, abs=1e-9)


def test_x_below_the_composition_resolution_is_refused() -> None:
    # pymatgen drops amounts below 1e-8: x = 1e-9 would silently lose Li from LLTO
    with pytest.raises(InvalidParameterError, match="below the 1e-08 resolution"):
        amounts("Li3xLa(2/3)−xTiO3", x=1e-9)
    assert "Li" not in amounts("Li3xLa(2/3)−xTiO3", x=0.0)  # x = 0: no Li, by design


def test_cluster_anions_and_symbolic_x() -> None:
    # §1.6: "Na3−xO1−x(NH2)x(BH4)"; "for x = 1 Na2(NH2)BH4"
    a1 = amounts("Na3−xO1−x(NH2)x(BH4)", x=1)
    assert a1 == pytest.approx({"Na": 2, "N": 1, "H": 6, "B": 1})
    assert "O" not in a1  # a zero amount drops the element
    assert parse_formula("Na3−xO1−x(NH2)x(BH4)", x=1).almost_equals(parse_formula("Na2(NH2)BH4"))
    a = amounts("Na3−xO1−x(NH2)x(BH4)", x=0.5)
    assert a == pytest.approx({"Na": 2.5, "O": 0.5, "N": 0.5, "H": 5, "B": 1})
    assert amounts("Li6OS(BH4)2") == pytest.approx({"Li": 6, "O": 1, "S": 1, "B": 2, "H": 8})
    assert amounts("Na3O(BH4)") == amounts("Na3OBH4")
    assert amounts("Li1.5Al0.5Ge1.5(PO4)3")["O"] == pytest.approx(12)


def test_placeholder_symbols() -> None:
    # §1.3: "A2.99Ba0.005OCl – glass with A = Li, Na, K"
    for element in ("Li", "Na", "K"):
        a = amounts("A2.99Ba0.005OCl", symbols={"A": element})
        assert a == pytest.approx({element: 2.99, "Ba": 0.005, "O": 1, "Cl": 1})
    with pytest.raises(DataFormatError, match="symbols="):
        parse_formula("A2.99Ba0.005OCl")
    with pytest.raises(InvalidParameterError, match="element symbol"):
        parse_formula("A2OCl", symbols={"A": "Qq"})
    with pytest.raises(InvalidParameterError, match="placeholder"):
        parse_formula("Li2OCl", symbols={"Li": "Na"})


def test_adduct_notation() -> None:
    # an OBELiX composition written with '*' for water of crystallisation
    a = amounts("Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18")
    assert a["O"] == pytest.approx(40) and a["H"] == pytest.approx(47)
    assert amounts("CuSO4·5H2O") == pytest.approx({"Cu": 1, "S": 1, "O": 9, "H": 10})


@pytest.mark.parametrize("formula", ["Li3InCl6*2H2O", "Li3InCl6·2H2O", "Li3InCl6*(H2O)2"])
def test_hydrate_notations_mean_the_salt_plus_n_water(formula: str) -> None:
    # Li3InCl6·2H2O, the dihydrate Li3InCl6 forms in air: Cl stays 6 (the '6*2' is not a
    # product), two H2O add H 4 and O 2, and they are recorded as water of crystallisation
    assert amounts(formula) == pytest.approx({"Li": 3, "In": 1, "Cl": 6, "H": 4, "O": 2})
    assert water_of_crystallisation(formula) == 2.0


def test_water_inside_the_formula_or_another_adduct_is_not_water_of_crystallisation() -> None:
    assert water_of_crystallisation("Li3InCl6(H2O)2") == 0.0  # no adduct separator
    assert water_of_crystallisation("LiOH") == 0.0
    assert water_of_crystallisation("LiBH4·NH3") == 0.0  # ammoniate, not a hydrate
    assert water_of_crystallisation("LiCl·H2O·NH3") == 1.0  # each adduct part on its own
    assert water_of_crystallisation("Li2SO4·0.5H2O") == 0.5
    # '*' still multiplies inside a parenthesised amount
    assert amounts("La(2*x)O3", x=0.5) == pytest.approx({"La": 1, "O": 3})


def test_normalised_text_is_plain_decimal() -> None:
    assert normalise_formula("Na2Y2/3Cl4") == "Na2Y0.666666666667Cl4"
    assert normalise_formula("Li3xLa(2/3)−xTiO3", x=0.11) == "Li0.33La0.556666666667TiO3"


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("Qz2", "unknown element symbol 'Qz'"),
        ("Li2(PO4", "missing ')'"),
        ("Li)", "unexpected ')'"),
        ("LiCl$", "unexpected character '$'"),
        ("", "empty formula"),
        ("(2)Li", "must follow an element"),
        ("Li2/0O", "division by zero"),
        ("Li-", "unexpected character '-'"),
        ("Li*", "nothing after"),
    ],
)
def test_malformed_formulas_raise_data_format_error(formula: str, message: str) -> None:
    with pytest.raises(DataFormatError, match=re.escape(message)):
        parse_formula(formula)


def test_missing_or_bad_x() -> None:
    with pytest.raises(InvalidParameterError, match="pass `x`"):
        parse_formula("Li3xLa(2/3)−xTiO3")
    with pytest.raises(InvalidParameterError, match="negative amount"):
        parse_formula("Li3xLa(2/3)−xTiO3", x=0.9)
    with pytest.raises(InvalidParameterError, match="finite"):
        parse_formula("Li3xLa(2/3)−xTiO3", x=float("nan"))
    not_a_string: Any = 42
    with pytest.raises(InvalidParameterError, match="string"):
        parse_formula(not_a_string)


_ELEMENTS = ("Li", "Na", "K", "La", "Zr", "P", "S", "O", "Cl", "Br", "Y", "In")


@given(
    st.dictionaries(
        st.sampled_from(_ELEMENTS),
        st.tuples(st.integers(1, 12), st.integers(1, 6)),
        min_size=1,
        max_size=5,
    )
)
@settings(max_examples=60, deadline=None)
def test_fraction_round_trip(parts: dict[str, tuple[int, int]]) -> None:
    # writing each amount as p/q and parsing gives p/q back, element by element
    text = "".join(f"{el}{p}/{q}" for el, (p, q) in parts.items())
    a = amounts(text)
    for el, (p, q) in parts.items():
        assert a[el] == pytest.approx(p / q, rel=1e-10)


def test_an_amount_multiplied_out_past_the_limit_is_refused() -> None:
    """MAX_AMOUNT (10⁶ per formula unit) holds for the amounts after the groups are multiplied
    out, not only for each written number: (Li2O)999999 has 2 × 10⁶ Li."""
    from ssbattery.electrolytes.formula import MAX_AMOUNT, parse_formula

    assert parse_formula("(Li2O)1000")["Li"] == 2000.0
    with pytest.raises(InvalidParameterError, match=r"Li an amount of 2e\+06 .* multiplied out"):
        parse_formula("(Li2O)999999")
    with pytest.raises(InvalidParameterError, match="multiplied out"):
        parse_formula("(((Li)999999)999999)999999")
    assert MAX_AMOUNT == 1e6


def test_lowercase_symbols_get_the_capitalised_fix() -> None:
    # 'li2zrcl6' said only "unexpected character 'l'"; the error now names the symbol meant
    for bad, fix in [("li2zrcl6", "('Li', not 'li')"), ("Li2zrCl6", "('Zr', not 'zr')")]:
        with pytest.raises(DataFormatError, match="begin with a capital letter") as info:
            parse_formula(bad)
        assert fix in str(info.value)
    with pytest.raises(DataFormatError, match=r"\('O', not 'o'\)"):
        parse_formula("Na3o")
    # the capitalised formulas parse: Li2ZrCl6 has 2 Li, 1 Zr, 6 Cl
    comp = parse_formula("Li2ZrCl6")
    assert (comp["Li"], comp["Zr"], comp["Cl"]) == (2.0, 1.0, 6.0)


def test_control_characters_are_shown_by_their_code() -> None:
    # 'Li\x01' reported "unexpected character '\x01'" with the raw byte, invisible on a
    # terminal; the message now escapes it
    message = re.escape(r"control character '\x01' at character 3")
    with pytest.raises(DataFormatError, match=message):
        parse_formula("Li\x01")
