"""Structural family from the composition alone, where the stoichiometry determines it.

A family is returned only when the formula fits a family's stoichiometric template; the
template, its tolerances and the family's parent compound are stated in
:data:`FAMILY_RULES`. Where the composition does not decide (a Li3MX6 halide can be monoclinic
or trigonal; LiPON can be a glass or a crystal; an oxide of no template), the answer is
``None`` with the reason: the structure, not the formula, settles those.

Templates (amounts per formula unit, normalised as stated; "≈" within the tolerance given):

=================  ====================================================================
argyrodite         Li(6−x)PS(5−x)X(1+x) (Li6PS5Cl, Li7PS6): per P-site cation (P, Sb, As, Si,
                   Ge, Sn) = 1, anions S+Se+O+halogen ≈ 6 (±0.3), S+Se ≥ 3.5 (or, for an
                   oxy-argyrodite such as Li6PO5Cl, S+Se+O ≥ 3.5 with halogen ≥ 0.9),
                   Li+Na+Ag+Cu 5–7.6, halogens ≤ 40 % of the anions
thio-LISICON       Li(4−x)M(1−x)PxS4, Li10GeP2S12, Li(4+x)Si(1−x)AlxS4: per tetrahedral
                   centre (P, Si, Ge, Sn, As, Sb, Al) S+Se+halogen ≈ 4 (±0.25), Li 2.5–5.05,
                   halogen ≤ 5 % of the anions (Li9.54Si1.74P1.44S11.7Cl0.3), no O
LISICON            Li14Zn(GeO4)4, γ-Li3PO4-type Li(3+x)(P,Si,Ge,V)O4: per tetrahedral centre
                   (P, Si, Ge, V, As, Al, W) O ≈ 4 (±0.15), Li 2.5–4.3, other cations ≤ 0.3
NASICON            Li(1+x)M2(PO4)3 (LiTi2(PO4)3, Li1.3Al0.3Ti1.7(PO4)3): per 3 (P+Si+As),
                   O ≈ 12 (±0.4), framework cations (not alkali) ≈ 2 (±0.3), alkali 0.5–4
garnet             Li(x)A3B2O12 (Li7La3Zr2O12): per 12 (O+F), F ≤ 5 % of them, Li 3–7.7,
                   cations other than Li, Al, Ga, Fe ≈ 5 (±0.35), of which La/Ln/Y/Ca/Sr/Ba
                   2.6–4 (the 3 A sites, and Y or Ln on up to one B site)
perovskite         (Li,La)TiO3-type ABO3 (Li0.33La0.56TiO3): per 3 (O+F), F ≤ 5 % of them,
                   B (Ti, Nb, Ta, Zr, Al, Mn, Fe, Sn, Hf, W, Mg, Co, Cr, Ga, Ni) ≈ 1 (±0.1),
                   A (Li+Na+Ag+La/Ln/Sr/Ca/Ba) 0.45–1.05 (A-site-deficient La1/3NbO3-type
                   included) with La/Ln/Sr/Ca/Ba ≥ 0.2 and Li > 0
antiperovskite     A3OX (Li3OCl, Li2OHCl, Na3O(BH4), Na3−xO1−x(NH2)x(BH4)): per O+S+NH2 = 1
                   (N is an amide NH2 when two H outside BH4 go with it), halogen or BH4
                   ≈ 1 (±0.1), alkali + H (not in BH4, one per NH2) ≈ 3 (±0.2), nothing else
                   above 0.1
=================  ====================================================================

Checked against OBELiX's hand-made family labels in ``tests/electrolytes/test_families.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssbattery.results import Recorded

if TYPE_CHECKING:
    from pymatgen.core import Composition

__all__ = ["FAMILY_RULES", "FamilyMatch", "structural_family"]

_ALKALI = ("Li", "Na", "K", "Ag", "Cu")
_HALOGENS = ("F", "Cl", "Br", "I")
_A_SITE = frozenset(
    {"La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Yb", "Y", "Ca", "Sr", "Ba"}
)
_PEROVSKITE_B = frozenset(
    {"Ti", "Nb", "Ta", "Zr", "Al", "Mn", "Fe", "Sn", "Hf", "W", "Mg", "Co", "Cr", "Ga", "Ni"}
)
_GARNET_LI_SITE = frozenset({"Li", "Al", "Ga", "Fe"})


@dataclass(frozen=True)
class FamilyMatch(Recorded):
    """A structural family and the template that put the formula in it (``None`` family: the
    composition does not decide; ``reason`` says why)."""

    formula: str
    family: str | None
    template: str
    reason: str

    def _title(self) -> str:
        return f"{self.formula}: family {self.family or 'undecided'}"


def _amounts(comp: Composition) -> dict[str, float]:
    return {str(el): float(n) for el, n in comp.get_el_amt_dict().items()}


def _near(value: float, target: float, tol: float) -> bool:
    return abs(value - target) <= tol + 1e-9


def _total(a: Mapping[str, float], names: tuple[str, ...] | frozenset[str]) -> float:
    return sum(a.get(e, 0.0) for e in names)


def _scaled(a: Mapping[str, float], base: float, to: float) -> dict[str, float]:
    return {k: v * to / base for k, v in a.items()}


def _argyrodite(a: Mapping[str, float]) -> bool:
    centre = _total(a, ("P", "Sb", "As", "Si", "Ge", "Sn"))
    if centre <= 0 or set(a) - {
        *_ALKALI,
        "P",
        "Sb",
        "As",
        "Si",
        "Ge",
        "Sn",
        "S",
        "Se",
        "O",
        *_HALOGENS,
    }:
        return False
    s = _scaled(a, centre, 1.0)
    chalcogen = _total(s, ("S", "Se", "O"))
    halogen = _total(s, _HALOGENS)
    anions = chalcogen + halogen
    return (
        _near(anions, 6.0, 0.3)
        and (_total(s, ("S", "Se")) >= 3.5 or (chalcogen >= 3.5 and halogen >= 0.9))
        and 5.0 <= _total(s, _ALKALI) <= 7.6
        and halogen <= 0.4 * anions
    )


def _tetrahedral(
    a: Mapping[str, float],
    anion: tuple[str, ...],
    centres: tuple[str, ...],
    tol: float,
    li_max: float,
) -> bool:
    centre = _total(a, centres)
    if centre <= 0:
        return False
    s = _scaled(a, centre, 1.0)
    others = set(a) - {*anion, *centres, "Li"}
    return (
        _near(_total(s, anion), 4.0, tol)
        and 2.5 <= s.get("Li", 0.0) <= li_max
        and sum(s[e] for e in others) <= 0.3
    )


def _thio_lisicon(a: Mapping[str, float]) -> bool:
    anions = _total(a, ("S", "Se", *_HALOGENS))
    if a.get("O", 0.0) > 0 or _total(a, _HALOGENS) > 0.05 * anions:
        return False
    return _tetrahedral(
        a, ("S", "Se", *_HALOGENS), ("P", "Si", "Ge", "Sn", "As", "Sb", "Al"), 0.25, 5.05
    )


def _lisicon(a: Mapping[str, float]) -> bool:
    if set(a) & {"S", "Se", *_HALOGENS}:
        return False
    return _tetrahedral(a, ("O",), ("P", "Si", "Ge", "V", "As", "Al", "W"), 0.15, 4.3)


def _nasicon(a: Mapping[str, float]) -> bool:
    centre = _total(a, ("P", "Si", "As"))
    if centre <= 0 or set(a) & {"S", "Se", *_HALOGENS}:
        return False
    s = _scaled(a, centre, 3.0)
    alkali = _total(s, ("Li", "Na", "K"))
    framework = sum(v for k, v in s.items() if k not in {"Li", "Na", "K", "P", "Si", "As", "O"})
    return _near(s.get("O", 0.0), 12.0, 0.4) and _near(framework, 2.0, 0.3) and 0.5 <= alkali <= 4.0


def _oxygen_sites(a: Mapping[str, float]) -> float:
    """O + F, the oxide's anion sites with F as a dopant on them; 0 when there is no O or F
    holds more than 5 % of them (an oxyfluoride, not a doped oxide)."""
    oxide = a.get("O", 0.0) + a.get("F", 0.0)
    return oxide if a.get("O", 0.0) > 0 and a.get("F", 0.0) <= 0.05 * oxide else 0.0


def _garnet(a: Mapping[str, float]) -> bool:
    oxide = _oxygen_sites(a)
    if oxide <= 0 or set(a) & {"S", "Se", "P", "Cl", "Br", "I"}:
        return False
    s = _scaled(a, oxide, 12.0)
    framework = sum(v for k, v in s.items() if k not in _GARNET_LI_SITE | {"O", "F"})
    big = _total(s, _A_SITE)  # the 3 A sites, and up to 1 of the 2 B sites (Y, Ln on Nb/Ta)
    return 3.0 <= s.get("Li", 0.0) <= 7.7 and _near(framework, 5.0, 0.35) and 2.6 <= big <= 4.0


def _perovskite(a: Mapping[str, float]) -> bool:
    oxide = _oxygen_sites(a)
    if (
        oxide <= 0
        or a.get("Li", 0.0) <= 0
        or set(a) - {"Li", "Na", "Ag", "O", "F", *_A_SITE, *_PEROVSKITE_B}
    ):
        return False
    s = _scaled(a, oxide, 3.0)
    big = _total(s, _A_SITE)
    b_site = _total(s, _PEROVSKITE_B)
    small = _total(s, ("Li", "Na", "Ag"))
    return _near(b_site, 1.0, 0.1) and 0.45 <= small + big <= 1.05 and big >= 0.2


def _antiperovskite(a: Mapping[str, float]) -> bool:
    h, b, n = a.get("H", 0.0), a.get("B", 0.0), a.get("N", 0.0)
    h_free = h - (4 * b if h >= 4 * b - 1e-9 else 0.0)  # H outside the BH4 groups
    # N with two of those H is an amide NH2⁻ on the O²⁻ site (Na3−xO1−x(NH2)x(BH4), §1.5);
    # each one stands for an O and, by charge, for one fewer alkali ion (Na3−x)
    amide = n if n > 0 and h_free >= 2 * n - 1e-9 else 0.0
    centre = _total(a, ("O", "S")) + amide
    if centre <= 0:
        return False
    s = _scaled(a, centre, 1.0)
    boron = s.get("B", 0.0)
    x_site = _total(s, _HALOGENS) + boron
    # an OH⁻ (or NH2⁻) on the O site takes the place of one alkali ion: Li2OHCl, Na2(NH2)BH4
    alkali = _total(s, ("Li", "Na", "K")) + max((h_free - amide) / centre, 0.0)
    skip = {"Li", "Na", "K", "H", "B", "O", "S", *_HALOGENS} | ({"N"} if amide else set())
    rest = sum(v for k, v in s.items() if k not in skip)
    return _near(x_site, 1.0, 0.1) and _near(alkali, 3.0, 0.2) and rest <= 0.1 and boron <= 1.1


#: Family → (template in words, test on the element amounts). Tried in this order.
FAMILY_RULES: Mapping[str, tuple[str, Callable[[Mapping[str, float]], bool]]] = {
    "argyrodite": ("Li(6−x)PS(5−x)X(1+x): anions ≈ 6 per P-site cation", _argyrodite),
    "thio-LISICON": (
        "Li(4−x)M(1−x)PxS4 / Li10GeP2S12 / Li(4+x)Si(1−x)AlxS4: S (+ ≤ 5 % halogen) ≈ 4 "
        "per tetrahedral centre",
        _thio_lisicon,
    ),
    "LISICON": (
        "γ-Li3PO4-type Li(3+x)(P,Si,Ge,V,Al)O4: O ≈ 4 per tetrahedral centre",
        _lisicon,
    ),
    "NASICON": ("Li(1+x)M2(PO4)3: O ≈ 12 and M ≈ 2 per 3 P/Si", _nasicon),
    "garnet": ("Li(x)A3B2O12: A+B ≈ 5 and A 2.6–4 per 12 (O+F)", _garnet),
    "perovskite": ("(Li,La)TiO3-type ABO3: B ≈ 1 per 3 (O+F), A with La/Sr/Ca", _perovskite),
    "antiperovskite": ("A3OX: X ≈ 1 and A ≈ 3 per O", _antiperovskite),
}


def structural_family(composition: Composition | str, *, x: float | None = None) -> FamilyMatch:
    """The structural family the composition determines, or ``family=None`` with the reason.

    >>> structural_family("Li6PS5Cl").family, structural_family("Li7La3Zr2O12").family
    ('argyrodite', 'garnet')
    >>> structural_family("Li3YCl6").family is None
    True
    """
    if isinstance(composition, str):
        from ssbattery.electrolytes.formula import parse_formula

        formula, comp = composition, parse_formula(composition, x=x)
    else:
        formula, comp = composition.formula, composition
    a = _amounts(comp)
    for family, (template, test) in FAMILY_RULES.items():
        if test(a):
            return FamilyMatch(formula, family, template, "the stoichiometry fits the template")
    reason = "no family template fits this stoichiometry"
    if set(a) & set(_HALOGENS) and not set(a) & {"O", "S", "Se", "N"}:
        reason = (
            "a halide's structure (e.g. Li3MX6 monoclinic vs trigonal) depends on the cation "
            "size and the synthesis, not on the formula alone"
        )
    elif a.get("N", 0.0) > 0 and a.get("O", 0.0) > 0:
        reason = (
            "an oxynitride such as LiPON is made as a glass or a crystal: the formula does not "
            "decide"
        )
    return FamilyMatch(formula, None, "", reason)
