"""Screening of the review's §1.3: band-gap classes, band alignment, classify().

The chemical-class rules themselves are tested in test_anion_class.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssbattery.electrolytes.dataset import find_electrolyte
from ssbattery.electrolytes.screening import (
    METAL_CHEMICAL_POTENTIALS,
    band_alignment,
    classify,
    electrolyte_chemical_potential,
    electronic_character,
)
from ssbattery.errors import InvalidParameterError, SsbatteryError


def test_band_gap_class_edges_are_the_reviews() -> None:
    # §1.3: "(1) conductors or metals, Eg = 0 eV; (2) semiconductors, Eg ≤ 3 eV, and
    # (3) insulators, Eg > 3 eV".
    assert electronic_character(0.0) == "metal"
    assert electronic_character(1e-12) == "semiconductor"
    assert electronic_character(3.0) == "semiconductor"
    assert electronic_character(3.0 + 1e-12) == "insulator"
    assert electronic_character(5.2) == "insulator"  # Na3YCl6, §1.7


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_band_gap_must_be_finite_and_non_negative(bad: float) -> None:
    with pytest.raises(InvalidParameterError, match="band_gap_eV"):
        electronic_character(bad)


@given(st.floats(min_value=0.0, max_value=20.0))
def test_every_non_negative_gap_has_exactly_one_class(eg: float) -> None:
    cls = electronic_character(eg)
    assert cls == ("metal" if eg == 0 else "semiconductor" if eg <= 3 else "insulator")


def test_metal_potentials_and_their_sources() -> None:
    li, na, k, cu = (METAL_CHEMICAL_POTENTIALS[m] for m in ("Li", "Na", "K", "Cu"))
    assert li.mu_eV == -1.39 and li.from_review  # §1.2/§1.3 "μ(Li0) = −1.39 eV"
    assert cu.mu_eV == -4.6 and cu.from_review  # §1.3 "μ(Cu0) ≈ −4.6 eV"
    # §1.7: Na3YCl6 EC = −0.11 eV "is 1.62 eV higher than Na0".
    assert na.mu_eV == pytest.approx(-0.11 - 1.62)
    assert not k.from_review and "Not given in the review" in k.reference
    # K from standard potentials E°(K+/K) = −2.931 V, E°(Li+/Li) = −3.040 V.
    assert k.mu_eV == pytest.approx(-1.39 - (-2.931 + 3.040), abs=0.005)
    # The same construction for Na (E° = −2.71 V) lands within 0.02 eV of the review's.
    assert -1.39 - (-2.71 + 3.040) == pytest.approx(na.mu_eV, abs=0.02)


def test_na3ycl6_alignment_reproduces_the_reviews_1_62_eV() -> None:
    # §1.7: Eg = 5.2 eV, EC = −0.11 eV, 1.62 eV above Na0, "supposedly very stable ...
    # although with such a reduced electron affinity that it may decompose".
    a = band_alignment(-0.11, metal="Na", band_gap_eV=5.2, elements=("Na", "Y", "Cl"))
    assert a.offset_eV == pytest.approx(1.62)
    assert not a.electron_drift_from_metal
    assert not a.stable_against_reduction
    assert any("near-null electron affinity" in f for f in a.flags)
    assert any("Y d/f states" in f for f in a.flags)
    assert a.electrolyte_mu_eV == pytest.approx(-0.11 - 2.6)
    assert a.junction == "quantum well"  # μ_E = −2.71 eV below μ(Na0) = −1.73 eV


def test_lltO_cbm_lies_below_lithium() -> None:
    # §1.2: LLTO is reduced below −1.7 V vs Li0; its CBM ≈ −3.1 eV (exp.), −3.6 eV (DFT),
    # i.e. below μ(Li0) = −1.39 eV: electrons of Li drift into it.
    for ec in (-3.1, -3.6):
        a = band_alignment(ec, metal="Li")
        assert a.electron_drift_from_metal and not a.stable_against_reduction
        assert a.offset_eV == pytest.approx(ec + 1.39)
        assert a.junction == "unknown"  # no band gap given


def test_barrier_when_electrolyte_mu_above_the_metal() -> None:
    # μ_E = E_c − Eg/2 = −0.5 − 0.5 = −1.0 eV lies above μ(Li0) = −1.39 eV: a barrier (§1.1).
    assert electrolyte_chemical_potential(-0.5, 1.0) == pytest.approx(-1.0)
    assert band_alignment(-0.5, band_gap_eV=1.0, near_null_electron_affinity_eV=0.1).junction == (
        "quantum barrier"
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metal": "Au"}, "metal"),
        ({"cbm_eV": 40.0}, "cbm_eV"),
        ({"cbm_eV": float("nan")}, "cbm_eV"),
    ],
)
def test_band_alignment_rejects_bad_input(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"cbm_eV": -2.0, **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        band_alignment(**args)


def test_classify_uses_dataset_values_and_overrides() -> None:
    # Na3YCl6 is in the review dataset with Eg = 5.2 eV and EC = −0.11 eV (§1.7).
    c = classify("Na3YCl6")
    assert c.in_dataset and c.mobile_ion == "Na"
    assert (c.band_gap_eV, c.cbm_eV) == (5.2, -0.11)
    assert c.band_gap_source == "dataset" and c.electronic_character == "insulator"
    assert c.alignment is not None and c.alignment.metal == "Na"
    assert len(c.alignments_all_metals) == 4
    over = classify("Na3YCl6", band_gap_eV=2.0, metal="Li")
    assert over.band_gap_source == "given" and over.electronic_character == "semiconductor"
    assert over.alignment is not None and over.alignment.offset_eV == pytest.approx(-0.11 + 1.39)


def test_classify_formula_outside_the_dataset() -> None:
    c = classify("Li4Ti5O12", band_gap_eV=3.8)
    assert not c.in_dataset and c.mobile_ion == "Li"
    assert c.electronic_character == "insulator" and c.alignment is None
    assert c.chemical.label == "oxide"


def test_classify_chemical_class_is_the_datasets_column() -> None:
    # one classifier: classify() reports what the dataset's chemical_class column holds
    for name in ("Li6PS5Cl", "Na3O(BH4)", "Li3YCl6", "LiNbOCl4", "Na25S5O4I7"):
        c = classify(name)
        assert c.in_dataset
        assert c.chemical.label == find_electrolyte(name).chemical_class


def test_classify_a_hydrate_as_its_salt() -> None:
    # Li3InCl6·2H2O (air-exposed Li3InCl6): the water of crystallisation is not an anion,
    # so classify() and chemical_class() both call it a halide, with Cl 6 (not 12)
    c = classify("Li3InCl6*2H2O")
    assert c.chemical.label == "halide" and c.chemical.water_of_crystallisation == 2.0
    assert c.chemical.anion_amounts == pytest.approx({"halogen": 6.0})


def test_classify_rejects_bad_formulas() -> None:
    for bad in ("Xx2Cl", "Li3YCl6)", ""):
        with pytest.raises(SsbatteryError):
            classify(bad)


def test_symbolic_stoichiometry_needs_x() -> None:
    # LLTO, Li3xLa(2/3)−xTiO3 (§1.2): x must be given to classify it.
    with pytest.raises(SsbatteryError, match="x"):
        classify("Li3xLa(2/3)-xTiO3")
    c = classify("Li3xLa(2/3)-xTiO3", x=0.1)
    assert c.chemical.label == "oxide" and c.mobile_ion == "Li"
    assert c.electronic_character == "semiconductor"  # the review's statement (§1.3)
    assert c.electronic_character_source.startswith("dataset statement")


def test_x_for_a_formula_without_x_is_refused() -> None:
    # classify("Li6PS5Cl", x=0.1) used to ignore x silently; the formula has no x to set
    with pytest.raises(InvalidParameterError, match="'Li6PS5Cl' has no x"):
        classify("Li6PS5Cl", x=0.1)
    assert classify("Li6PS5Cl").chemical.label == "sulfohalide"


def test_a_dataset_name_stands_for_its_formula() -> None:
    # `electrolytes show LLZO` worked but `classify LLZO` said "unknown element symbol 'L'"
    llzo = classify("LLZO")
    assert llzo.formula == "Li7La3Zr2O12" and llzo.in_dataset
    assert llzo.structural_family is not None and llzo.structural_family.family == "garnet"
    assert llzo.electronic_character == "insulator"  # §1.3 (Fig. 3b)
    assert classify("llzo").formula == "Li7La3Zr2O12"  # names in any case, as `show`
    with pytest.raises(InvalidParameterError, match="stoichiometry in x"):
        classify("LLTO")  # the first LLTO row is Li3xLa(2/3)−xTiO3: x is needed
    assert classify("LLTO", x=0.1).chemical.label == "oxide"
    with pytest.raises(InvalidParameterError, match="give the formula 'Li3InCl6'"):
        classify("Li3InCl6 [solid-state]")  # a variant's key: the formula's first row is used
    with pytest.raises(SsbatteryError, match="unknown element symbol 'Qz'"):
        classify("Qz2")


def test_metal_symbol_in_any_case() -> None:
    # `classify --metal k` was refused while `align --anode li` is read as Li
    na3ycl6 = classify("Na3YCl6", metal="k")
    assert na3ycl6.alignment is not None and na3ycl6.alignment.metal == "K"
    # CBM −0.11 eV (§1.7) against μ(K⁰) = −1.50 eV: offset +1.39 eV
    assert na3ycl6.alignment.offset_eV == pytest.approx(-0.11 + 1.50, abs=1e-12)
    assert band_alignment(-0.11, metal="na").offset_eV == pytest.approx(1.62, abs=1e-12)
    with pytest.raises(InvalidParameterError, match="`metal` must be one of Li, Na, K, Cu"):
        classify("Na3YCl6", metal="Mg")
