"""Chemical class of an electrolyte from its dominant anions (review abstract, §1.5–1.7).

The review sorts solid electrolytes by which of S, O and the halogens dominate their
anion sublattice and argues that classes with several dominant elements (argyrodites,
S + Cl; oxyhalides, O + Cl) beat single-element ones (sulfides, oxides, halides)
(Gomes et al., J. Mater. Chem. A 2024, 12, 690, abstract and §1.7). :func:`chemical_class`
is the package's one classifier: the review dataset's ``chemical_class`` column, the
OBELiX import and ``ssbattery electrolytes classify`` all use it, so the column always
says what the classifier says for the row's formula (a test checks every row).

Anion units (cluster anions counted once each):

* ``O``: oxygen, including the O of OH⁻ and of H2O inside the formula proper (H bound to O
  is not a hydride). Water of crystallisation written as an adduct of a formula string
  (``Li3InCl6·2H2O``, ``Li3InCl6*(H2O)2``,
  :func:`~ssbattery.electrolytes.formula.water_of_crystallisation`) is left out of the
  anion units altogether: it sits in the lattice as neutral molecules, not on an anion
  site, so Li3InCl6·2H2O is a halide like Li3InCl6 (a ``Composition`` carries no adduct
  notation: there all O counts);
* ``S``: the chalcogens S, Se, Te — except in oxo-anions: S/Se/Te with at least 4 O each
  are the cations of SO4²⁻, SeO4²⁻, TeO6⁶⁻ (Li3Nd3Te2O12 is an oxide);
* ``halogen``: F, Cl, Br, I — except Cl, Br, I as the cations of oxo-anions (ClO4⁻, IO3⁻,
  BrO3⁻: LiClO4 is an oxide), by the charge rule below;
* ``N``: nitride N³⁻ (N that is not in an NH2⁻, nor the cation of NO2⁻/NO3⁻: LiNO3 is an
  oxide), by the charge rule below;
* ``hydride``: BH4⁻ (one per B when H ≥ 4 B), NH2⁻ (one per N when the H left ≥ 2 N) and
  H⁻ (H left after the clusters and the hydroxides, e.g. LiAlH4);
* ``P``: phosphide P³⁻, where the composition has no O, S, Se, Te or N (with any of them P
  sits in PO4³⁻, PS4³⁻ or PN4⁷⁻ as a cation), nor in a halide anion such as PF6⁻ (by the
  charge rule): Li3P and the phosphidosilicates and -aluminates Li8SiP4, Li9AlP4.

Charge rule for N, Cl, Br, I and P: the element is the cation of an oxo-/fluoro-anion when
the formula's anions (O²⁻, and the halides F⁻ … other than the element) can balance every
other cation at its highest common oxidation state (pymatgen's ``common_oxidation_states``),
the H of OH⁻/H2O at +1 and the element itself at its lowest positive state in such an anion
(N +3 in NO2⁻, halogen +1 in ClO⁻, P +3). The highest states make the rule conservative: in
LiPON Li2.9PO3.3N0.46 the O cannot balance Li and P(V) and N(III) (6.6 < 9.28), so N stays a
nitride; in Li3OCl and LiNbOCl4 Cl stays a chloride; in LiNO3 (6 ≥ 1 + 3) N is a cation.
S/Se/Te already found in oxo-anions and N in NO2⁻/NO3⁻ count as cations (+6, +5) in that
sum, so Na3SO4Cl keeps its chloride; N is tested for NO2⁻/NO3⁻ before NH2⁻, so the water of
LiNO3(H2O)3 does not make an amide.

A group is *dominant* when it holds at least ``dominance_threshold`` of the anion units, and a
*minor anion* (a dopant) below it. The default, :data:`MINOR_ANION_THRESHOLD` = 0.1 (10 % of the
anion units), is our choice, not the review's: the 0.1 O of Li5.5P0.96Sb0.04S4.40O0.10Cl1.5
(1.7 % of the anions) is a dopant, while the 0.46 N of LiPON Li2.9PO3.3N0.46 (12 %) makes it an
oxynitride. Pass ``dominance_threshold`` (CLI ``--minor-anion-threshold``) to change it; the
result records the threshold it used and the minor groups it set aside.

The vocabulary, :data:`CHEMICAL_CLASSES`, names the set of dominant groups:

=================  ======================================================
oxide              O
sulfide            S (``selenide`` when Se outweighs S and Te)
halide             halogen
nitride            N (Li3N, Li7PN4)
oxynitride         O + N (LiPON Li2.9PO3.3N0.46, Li3.09BO2.53N0.52)
nitride-halide     N + halogen (Li5NI2, Li6NBr3)
oxyhalide          O + halogen (Li3OCl, LiNbOCl4)
sulfohalide        S + halogen (argyrodites Li6PS5Cl; also called thiohalide)
oxysulfide         O + S
oxysulfohalide     O + S + halogen (Na25S5O4I7)
hydride            any set with the hydride group (Na3O(BH4), LiBH4)
phosphide          P (Li8SiP4, Li9AlP4)
other              anything else, or no anion at all
=================  ======================================================

In the mixed names "sulfo"/"sulf" stands for the chalcogen group (S, Se, Te) as a whole.
The finer detail — which groups dominate, their fractions, the halogens and cluster
anions present — is in the :class:`ChemicalClass` result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ssbattery.results import Recorded
from ssbattery.validation import require_in_range

if TYPE_CHECKING:
    from pymatgen.core import Composition

__all__ = [
    "ANION_GROUPS",
    "CHEMICAL_CLASSES",
    "MINOR_ANION_THRESHOLD",
    "ChemicalClass",
    "chemical_class",
]

#: The classes :func:`chemical_class` returns (the dataset's ``chemical_class`` vocabulary).
CHEMICAL_CLASSES: tuple[str, ...] = (
    "oxide",
    "sulfide",
    "selenide",
    "halide",
    "oxyhalide",
    "sulfohalide",
    "oxysulfide",
    "oxysulfohalide",
    "hydride",
    "nitride",
    "oxynitride",
    "nitride-halide",
    "phosphide",
    "other",
)

#: Default share of the anion units under which a group is a minor anion (a dopant), not a
#: dominant one; our choice (see the module docstring), overridable per call.
MINOR_ANION_THRESHOLD = 0.1

#: Anion groups and what each counts (see the module docstring for the rules).
ANION_GROUPS: dict[str, str] = {
    "O": "O (oxide, hydroxide, water)",
    "S": "S, Se, Te (not in oxo-anions with ≥ 4 O each)",
    "halogen": "F, Cl, Br, I (not Cl, Br, I in oxo-anions such as ClO4⁻)",
    "N": "N not in NH2⁻, NO2⁻ or NO3⁻ (nitride)",
    "hydride": "BH4⁻, NH2⁻ and H⁻, one unit per cluster",
    "P": "P³⁻ (phosphide) where there is no O, S, Se, Te or N, nor PF6⁻",
}

_HALOGENS = ("F", "Cl", "Br", "I")
_CHALCOGENS = ("S", "Se", "Te")
_REVIEW_GROUPS = frozenset({"S", "O", "halogen"})
_NAMES: dict[frozenset[str], str] = {
    frozenset({"O"}): "oxide",
    frozenset({"S"}): "sulfide",
    frozenset({"halogen"}): "halide",
    frozenset({"N"}): "nitride",
    frozenset({"O", "N"}): "oxynitride",
    frozenset({"N", "halogen"}): "nitride-halide",
    frozenset({"O", "halogen"}): "oxyhalide",
    frozenset({"S", "halogen"}): "sulfohalide",
    frozenset({"O", "S"}): "oxysulfide",
    frozenset({"O", "S", "halogen"}): "oxysulfohalide",
    frozenset({"P"}): "phosphide",
}
_TINY = 1e-9


@dataclass(frozen=True)
class ChemicalClass(Recorded):
    """The anion make-up of a composition and its class.

    ``anion_amounts`` / ``anion_fractions`` map each present group of :data:`ANION_GROUPS`
    to its anion units per formula unit / its share of them; ``dominant`` lists the groups
    at or above the threshold, largest first; ``review_elements_dominant`` counts how many
    of the review's three (S, O, halogen) dominate; ``multi_element`` is True when that
    count is ≥ 2, or the hydride or nitride group dominates beside another group (Na3O(BH4),
    LiPON, Li5NI2); ``dominance_threshold`` is the share that made a group dominant and
    ``minor`` lists the groups present below it (dopants), largest first;
    ``water_of_crystallisation`` is the H2O per formula unit left out as an adduct.
    """

    formula: str
    label: str
    anion_amounts: dict[str, float]
    anion_fractions: dict[str, float]
    dominant: tuple[str, ...]
    review_elements_dominant: int
    multi_element: bool
    halogens: tuple[str, ...]
    chalcogens: tuple[str, ...]
    cluster_anions: tuple[str, ...]
    dominance_threshold: float = MINOR_ANION_THRESHOLD
    minor: tuple[str, ...] = ()
    water_of_crystallisation: float = 0.0

    _UNITS: ClassVar[dict[str, str]] = {
        "anion_amounts": "anion_amounts [1/f.u.]",
        "anion_fractions": "anion_fractions [1]",
        "dominance_threshold": "1",
        "water_of_crystallisation": "water_of_crystallisation [1/f.u.]",
    }

    def _title(self) -> str:
        return f"{self.formula}: {self.label}"


_NOT_COUNTED = frozenset({"O", "N", "H", *_HALOGENS, *_CHALCOGENS})


def _oxo_cation(
    amounts: dict[str, float],
    element: str,
    state: int,
    anion_charge: float,
    bound_h: float,
    oxo_cations: float = 0.0,
) -> bool:
    """Whether ``element`` is the cation of an oxo- or fluoro-anion: the anions' charge
    ``anion_charge`` (O²⁻ 2 each, the other halides 1 each) balances every other cation at
    its highest common oxidation state, the H of OH⁻/H2O (``bound_h``) at +1, the charge
    ``oxo_cations`` of the S/Se/Te and N already found to be oxo-anion cations (+6, +5; less
    4 per BH4⁻, whose B the sum counts at +3), and
    ``element`` at ``state``, its lowest state in such an anion (N(III) of NO2⁻, Cl(I) of
    ClO⁻, P(III)). The highest states make the rule conservative: LiPON's N (P at +5
    leaves O short) and Li3OCl's Cl stay anions, LiNO3's N and LiClO4's Cl do not, and
    Na3SO4Cl's Cl stays a chloride (S(VI) takes the O)."""
    from pymatgen.core import Element

    charge = amounts[element] * state + bound_h + oxo_cations
    for name, n in amounts.items():
        if name in _NOT_COUNTED or name == element:
            continue  # the anions themselves (chalcogens: cations only in SO4²⁻ & co.)
        states = [q for q in Element(name).common_oxidation_states if q > 0]
        charge += n * (max(states) if states else 0)
    return anion_charge >= charge - _TINY


def _anion_units(amounts: dict[str, float]) -> tuple[dict[str, float], tuple[str, ...]]:
    """Anion units per group and the cluster anions found (rules in the module docstring)."""
    h_left = amounts.get("H", 0.0)
    clusters: list[str] = []
    hydride = 0.0
    boron = amounts.get("B", 0.0)
    oxo = 0.0  # charge of the S/Se/Te and N found to be oxo-anion cations, and of BH4⁻
    if boron > 0 and h_left >= 4 * boron - _TINY:
        clusters.append("BH4")
        hydride += boron
        h_left -= 4 * boron
        oxo -= 4 * boron  # the sum counts B at +3; its four H⁻ make BH4⁻ a −1 anion
    oxygen = amounts.get("O", 0.0)
    chalcogen = sum(amounts.get(e, 0.0) for e in _CHALCOGENS)
    if chalcogen > 0 and oxygen >= 4 * chalcogen - _TINY:
        oxo += 6 * chalcogen
        chalcogen = 0.0  # SO4²⁻, SeO4²⁻, TeO6⁶⁻: S/Se/Te are cations there
    halogens = {e: amounts.get(e, 0.0) for e in _HALOGENS if amounts.get(e, 0.0) > 0}
    nitrogen = amounts.get("N", 0.0)
    # NO2⁻/NO3⁻ before NH2⁻: the H of a nitrate's water (LiNO3(H2O)3) is bound to O, not N
    bound_h = min(h_left, 2 * oxygen)  # H of OH⁻/H2O (not of BH4⁻), a cation (+1)
    if nitrogen > 0 and _oxo_cation(
        amounts, "N", 3, 2 * oxygen + sum(halogens.values()), bound_h, oxo
    ):
        oxo += 5 * nitrogen
        nitrogen = 0.0  # NO2⁻, NO3⁻: N(III)/N(V) is a cation there (LiNO3 is an oxide)
    if nitrogen > 0 and h_left >= 2 * nitrogen - _TINY:
        clusters.append("NH2")
        hydride += nitrogen
        h_left -= 2 * nitrogen
        nitrogen = 0.0
        bound_h = min(h_left, 2 * oxygen)
    h_left = max(h_left - 2 * oxygen, 0.0)  # OH⁻ and H2O: the H is bound to O
    if h_left > _TINY:
        clusters.append("H")
        hydride += h_left
    for hal in ("Cl", "Br", "I"):
        others = 2 * oxygen + sum(v for k, v in halogens.items() if k != hal)
        if hal in halogens and oxygen > 0 and _oxo_cation(amounts, hal, 1, others, bound_h, oxo):
            del halogens[hal]  # ClO4⁻, IO3⁻, BrO3⁻: the halogen is a cation there
    phosphide = amounts.get("P", 0.0)
    if any(amounts.get(e, 0.0) > 0 for e in ("O", "N", *_CHALCOGENS)):
        phosphide = 0.0  # PO4³⁻, PS4³⁻, PN4⁷⁻: P is a cation there
    elif phosphide > 0 and _oxo_cation(amounts, "P", 3, sum(halogens.values()), 0.0):
        phosphide = 0.0  # PF6⁻: P(V) is a cation there (LiPF6 is a halide)
    groups = {
        "O": oxygen,
        "S": chalcogen,
        "halogen": sum(halogens.values()),
        "N": nitrogen,
        "hydride": hydride,
        "P": phosphide,
    }
    return {k: v for k, v in groups.items() if v > _TINY}, tuple(clusters)


def chemical_class(
    composition: Composition | str,
    *,
    dominance_threshold: float = MINOR_ANION_THRESHOLD,
    x: float | None = None,
) -> ChemicalClass:
    """Classify a composition (or formula) by its dominant anions (review abstract, §1.7).

    ``composition`` is a pymatgen ``Composition`` or a formula as the review writes it
    (parsed with :func:`ssbattery.electrolytes.formula.parse_formula`, ``x`` substituting a
    symbolic stoichiometry). Groups, rules and labels: see the module docstring and
    :data:`CHEMICAL_CLASSES`.

    >>> chemical_class("Li6PS5Cl").label, chemical_class("Li3OCl").multi_element
    ('sulfohalide', True)
    >>> chemical_class("Na3O(BH4)").dominant
    ('O', 'hydride')
    """
    threshold = require_in_range("dominance_threshold", dominance_threshold, 0.0, 1.0)
    water = 0.0
    if isinstance(composition, str):
        from ssbattery.electrolytes.formula import parse_formula, water_of_crystallisation

        formula, comp = composition, parse_formula(composition, x=x)
        water = water_of_crystallisation(composition, x=x)
    else:
        formula, comp = composition.formula, composition
    return _classified(formula, comp, threshold, water)


def _classified(
    formula: str, comp: Composition, threshold: float, water: float = 0.0
) -> ChemicalClass:
    """:func:`chemical_class` of ``comp`` with ``water`` H2O per formula unit (water of
    crystallisation) left out of the anion units."""
    amounts = {str(el): float(n) for el, n in comp.get_el_amt_dict().items()}
    if water > 0:
        amounts["H"] = max(amounts.get("H", 0.0) - 2 * water, 0.0)
        amounts["O"] = max(amounts.get("O", 0.0) - water, 0.0)
    groups, clusters = _anion_units(amounts)
    total = sum(groups.values())
    fractions = {k: v / total for k, v in groups.items()} if total > 0 else {}
    dominant = tuple(
        k for k, f in sorted(fractions.items(), key=lambda kv: -kv[1]) if f >= threshold
    )
    minor = tuple(k for k, f in sorted(fractions.items(), key=lambda kv: -kv[1]) if f < threshold)
    dom = frozenset(dominant)
    if "hydride" in dom:
        label = "hydride"
    else:
        label = _NAMES.get(dom, "other")
    if label == "sulfide" and amounts.get("Se", 0.0) > amounts.get("S", 0.0) + amounts.get(
        "Te", 0.0
    ):
        label = "selenide"
    review_count = len(dom & _REVIEW_GROUPS)
    return ChemicalClass(
        formula=formula,
        label=label,
        anion_amounts=groups,
        anion_fractions=fractions,
        dominant=dominant,
        review_elements_dominant=review_count,
        multi_element=review_count >= 2 or (bool(dom & {"hydride", "N"}) and len(dom) >= 2),
        halogens=tuple(h for h in _HALOGENS if amounts.get(h, 0.0) > 0),
        chalcogens=tuple(c for c in _CHALCOGENS if amounts.get(c, 0.0) > 0),
        cluster_anions=clusters,
        dominance_threshold=threshold,
        minor=minor,
        water_of_crystallisation=water,
    )
