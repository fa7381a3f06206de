"""The one chemical-class classifier (ssbattery.electrolytes.anions.chemical_class).

Classes follow the review's reading (Gomes et al., J. Mater. Chem. A 2024, 12, 690,
abstract and §1.7): argyrodites (S + Cl) and oxyhalides (O + Cl) are multi-element
classes, sulfides, oxides and halides single-element ones.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.electrolytes.anions import CHEMICAL_CLASSES, chemical_class
from ssbattery.electrolytes.formula import parse_formula
from ssbattery.errors import InvalidParameterError, SsbatteryError


@pytest.mark.parametrize(
    ("formula", "label", "multi", "dominant"),
    [
        ("Li6PS5Cl", "sulfohalide", True, {"S", "halogen"}),  # argyrodite, §1.5
        ("Li3OCl", "oxyhalide", True, {"O", "halogen"}),  # antiperovskite, §1.6
        ("LiNbOCl4", "oxyhalide", True, {"O", "halogen"}),  # §1.7
        ("Li7La3Zr2O12", "oxide", False, {"O"}),
        ("Li10GeP2S12", "sulfide", False, {"S"}),
        ("Li3YCl6", "halide", False, {"halogen"}),
        # 0.1 O of 6.0 anions (1.7 %) is a dopant, not a dominant element.
        ("Li5.5P0.96Sb0.04S4.40O0.10Cl1.5", "sulfohalide", True, {"S", "halogen"}),
        # O 1 and BH4 1 anion units: the cluster anion with a co-anion (§1.6)
        ("Na3O(BH4)", "hydride", True, {"O", "hydride"}),
        ("Na25S5O4I7", "oxysulfohalide", True, {"O", "S", "halogen"}),
        ("Li3N", "nitride", False, {"N"}),
        # issue 13 §4: these came out as "other" before the N classes existed
        ("Li2.9PO3.3N0.46", "oxynitride", True, {"O", "N"}),  # LiPON (Bates et al. 1993)
        ("Li3.09BO2.53N0.52", "oxynitride", True, {"O", "N"}),  # LiBON glass
        ("Li5NI2", "nitride-halide", True, {"N", "halogen"}),  # anti-fluorite nitride iodide
        ("Li6NBr3", "nitride-halide", True, {"N", "halogen"}),
        ("Li7PN4", "nitride", False, {"N"}),
    ],
)
def test_review_electrolytes(formula: str, label: str, multi: bool, dominant: set[str]) -> None:
    c = chemical_class(formula)
    assert c.label == label
    assert c.multi_element is multi
    assert set(c.dominant) == dominant
    assert sum(c.anion_fractions.values()) == pytest.approx(1.0)


def test_cluster_anions_count_once() -> None:
    # Na2.5O0.5(NH2)0.5(BH4): anion units O 0.5, NH2 0.5, BH4 1 → hydride share 0.75.
    c = chemical_class("Na2.5O0.5(NH2)0.5(BH4)")
    assert c.cluster_anions == ("BH4", "NH2")
    assert c.anion_amounts == pytest.approx({"O": 0.5, "hydride": 1.5})
    assert c.anion_fractions["hydride"] == pytest.approx(0.75)
    assert c.anion_fractions["O"] == pytest.approx(0.25)
    assert c.label == "hydride"


def test_hydrogen_bound_to_oxygen_is_not_a_hydride() -> None:
    # Li2(OH)Br is a hydroxyhalide: O + Br, the H sits on the O.
    assert chemical_class("Li2(OH)Br").label == "oxyhalide"
    # LiAlH4: H⁻ in AlH4⁻ with no O to bind it is the anion.
    h = chemical_class("LiAlH4")
    assert h.label == "hydride" and h.cluster_anions == ("H",)
    assert h.anion_amounts == pytest.approx({"hydride": 4.0})


@pytest.mark.parametrize("formula", ["Li3InCl6·2H2O", "Li3InCl6*2H2O", "Li3InCl6*(H2O)2"])
def test_water_of_crystallisation_is_not_an_anion(formula: str) -> None:
    # the two H2O of Li3InCl6·2H2O are neutral molecules in the lattice, not O²⁻ on an
    # anion site: the hydrate is a halide like Li3InCl6 (6 Cl, no O unit), and the water
    # it set aside is recorded
    c = chemical_class(formula)
    assert c.label == "halide" and c.anion_amounts == pytest.approx({"halogen": 6.0})
    assert c.water_of_crystallisation == 2.0
    # written inside the formula the water's O counts (a Composition has no adduct)
    assert chemical_class("Li3InCl6(H2O)2").label == "oxyhalide"
    assert chemical_class(parse_formula(formula)).label == "oxyhalide"


@pytest.mark.parametrize(
    ("formula", "label"),
    [
        # N(V)/N(III) in NO3⁻/NO2⁻: O balances Li⁺ and N at +3 (6 ≥ 4; 4 ≥ 4)
        ("LiNO3", "oxide"),
        ("LiNO2", "oxide"),
        # Cl(VII), I(V), Br(V) in ClO4⁻, IO3⁻, BrO3⁻: the halogen is a cation
        ("LiClO4", "oxide"),
        ("LiIO3", "oxide"),
        ("LiBrO3", "oxide"),
        # P(V) in PF6⁻: six F⁻ balance Li⁺ and P (not a phosphide with no anion)
        ("LiPF6", "halide"),
        # the rule leaves nitrides and chlorides where O cannot balance the cations
        ("Li2.9PO3.3N0.46", "oxynitride"),  # 6.6 < Li 2.9 + P(V) 5 + N(III) 1.38
        ("Li3.09BO2.53N0.52", "oxynitride"),
        ("Li3OCl", "oxyhalide"),  # 2 < Li 3 + Cl(I) 1
        ("LiNbOCl4", "oxyhalide"),
        ("Li4PO4Cl", "oxyhalide"),  # 8 < Li 4 + P(V) 5 + Cl(I) 1: Li4(PO4)Cl, a chloride
        ("Li3P", "phosphide"),
        # S(VI) of SO4²⁻ and N(V) of NO3⁻ take their share of the O: the Cl stays a chloride
        ("Na3SO4Cl", "oxyhalide"),  # O 8 < Na 3 + S(VI) 6 + Cl(I) 1 (galeite-type)
        ("Li2SeO4·LiCl", "oxyhalide"),
        ("Li2NO3Cl", "oxyhalide"),  # 6 < Li 2 + N(V) 5 + Cl(I) 1
        # a nitrate's water: its H is on O, so the N is not an NH2⁻ (was "hydride")
        ("LiNO3(H2O)3", "oxide"),
        ("Mg(NO3)2(H2O)6", "oxide"),
        ("LiNO3·2LiOH", "oxide"),
        ("LiNH2", "hydride"),  # no O: the amide stays NH2⁻
    ],
)
def test_oxo_and_fluoro_anion_cations_by_charge(formula: str, label: str) -> None:
    assert chemical_class(formula).label == label


def test_a_borohydride_beside_a_nitrate() -> None:
    """LiBH4·LiNO3: BH4⁻ is a −1 anion (B +3, four H⁻), so the O balances Li 2 and N(III) and
    the N is a nitrate cation, not a nitride (the sum had counted B at +3 with no H⁻)."""
    c = chemical_class("LiBH4·LiNO3")
    assert "N" not in c.anion_fractions
    assert c.anion_fractions == pytest.approx({"O": 0.75, "hydride": 0.25})


@pytest.mark.parametrize(
    ("formula", "label"),
    [
        ("Li3N", "nitride"),
        ("Li2O", "oxide"),
        ("LiPON", "oxynitride"),
        ("Li5NI2", "nitride-halide"),
        ("Li7La3Zr2O12", "oxide"),
        ("Li6PS5Cl", "sulfohalide"),
        ("Li3InCl6", "halide"),
        ("LiBH4", "hydride"),
        ("Li2CsI3", "halide"),
        ("Na3PS4", "sulfide"),
        ("Li3PO4", "oxide"),
        ("LiNbO3", "oxide"),
        ("Li0.33La0.55TiO3", "oxide"),
    ],
)
def test_required_classes_are_kept(formula: str, label: str) -> None:
    assert chemical_class(formula).label == label


def test_oxo_anion_chalcogens_are_cations() -> None:
    # Te in TeO6⁶⁻ (Li3Nd3Te2O12: 12 O ≥ 4 × 2 Te) and S in SO4²⁻ are not anions.
    assert chemical_class("Li3Nd3Te2O12").anion_amounts == pytest.approx({"O": 12.0})
    assert chemical_class("Li2SO4").label == "oxide"
    # Na25S5O4I7: 4 O < 4 × 5 S, so S is the sulfide anion (oxysulfohalide above).
    assert chemical_class("Na25S5O4I7").anion_amounts["S"] == pytest.approx(5.0)


def test_phosphides_and_phosphorus_as_a_cation() -> None:
    # Li9AlP4 and Li8SiP4 (phosphidoaluminates/-silicates; OBELiX labels Li8SiP4 "phosphates"):
    # P³⁻ is the anion, four per formula unit. With O, S or N present P is the cation of
    # PO4³⁻, PS4³⁻ or PN4⁷⁻ (LiPON stays an oxynitride, Li7PN4 a nitride).
    for formula in ("Li9AlP4", "Li8SiP4", "Li3P"):
        c = chemical_class(formula)
        assert c.label == "phosphide" and c.dominant == ("P",)
    assert chemical_class("Li9AlP4").anion_amounts == pytest.approx({"P": 4.0})
    assert chemical_class("Li3PO4").label == "oxide"
    assert chemical_class("Li3PS4").label == "sulfide"
    assert chemical_class("Li7PN4").label == "nitride"
    assert chemical_class("Li2.9PO3.3N0.46").label == "oxynitride"


def test_selenides_and_mixed_chalcogens() -> None:
    assert chemical_class("Li4SnSe4").label == "selenide"
    assert chemical_class("Li4SnS2Se2").label == "sulfide"  # tie: S named
    c = chemical_class("Li6P(S4.5Se0.5)Br")  # Se-doped argyrodite stays an argyrodite
    assert c.label == "sulfohalide" and c.chalcogens == ("S", "Se")


def test_threshold_decides_dopants() -> None:
    # O is 0.10 of 6.0 anion units (1.67 %): dominant only below that share
    doped = "Li5.5P0.96Sb0.04S4.40O0.10Cl1.5"
    assert chemical_class(doped, dominance_threshold=0.0166).label == "oxysulfohalide"
    assert chemical_class(doped, dominance_threshold=0.0167).label == "sulfohalide"
    with pytest.raises(InvalidParameterError, match="dominance_threshold"):
        chemical_class(doped, dominance_threshold=1.5)


def test_no_anion_is_other() -> None:
    c = chemical_class("Li")
    assert c.label == "other" and c.dominant == () and c.anion_fractions == {}


def test_string_and_composition_agree() -> None:
    comp = parse_formula("Li3InCl6")
    assert chemical_class(comp).label == chemical_class("Li3InCl6").label == "halide"
    assert chemical_class("Li3InCl6").formula == "Li3InCl6"


def test_bad_formulas_are_rejected() -> None:
    for bad in ("Xx2Cl", "Li3YCl6)", ""):
        with pytest.raises(SsbatteryError):
            chemical_class(bad)


_ELEMENTS = ("Li", "Na", "Zr", "Y", "P", "B", "H", "N", "O", "S", "Se", "Cl", "Br", "I")


@given(
    st.dictionaries(st.sampled_from(_ELEMENTS), st.integers(1, 12), min_size=1, max_size=5),
    st.floats(0.0, 1.0),
)
@settings(max_examples=60, deadline=None)
def test_any_composition_gets_one_class_of_the_vocabulary(
    amounts: dict[str, int], threshold: float
) -> None:
    formula = "".join(f"{el}{n}" for el, n in amounts.items())
    c = chemical_class(formula, dominance_threshold=threshold)
    assert c.label in CHEMICAL_CLASSES
    if c.anion_fractions:
        assert sum(c.anion_fractions.values()) == pytest.approx(1.0)
        assert all(c.anion_fractions[g] >= threshold for g in c.dominant)
    assert c.multi_element == (
        c.review_elements_dominant >= 2
        or (bool({"hydride", "N"} & set(c.dominant)) and len(c.dominant) >= 2)
    )
    assert c.dominance_threshold == threshold
    assert set(c.minor) | set(c.dominant) == set(c.anion_fractions)
    assert all(c.anion_fractions[g] < threshold for g in c.minor)


def test_minor_anion_threshold_is_stated_and_moves_the_class() -> None:
    from ssbattery.electrolytes.anions import MINOR_ANION_THRESHOLD

    # LiPON Li2.9PO3.3N0.46: N holds 0.46/3.76 = 12.2 % of the anion units
    lipon = chemical_class("Li2.9PO3.3N0.46")
    assert MINOR_ANION_THRESHOLD == lipon.dominance_threshold == 0.1
    assert lipon.anion_fractions["N"] == pytest.approx(0.46 / 3.76)
    low_n = chemical_class("Li2.9PO3.3N0.46", dominance_threshold=0.13)
    assert low_n.label == "oxide" and low_n.minor == ("N",)
    assert chemical_class("Li5.5P0.96Sb0.04S4.40O0.10Cl1.5").minor == ("O",)
