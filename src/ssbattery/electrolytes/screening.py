"""Screening of solid electrolytes by band gap, band alignment and chemical class (review §1.3).

Three questions the review asks of every electrolyte (Gomes et al., J. Mater. Chem. A 2024,
12, 690, §1.3 and Figs. 3–4):

* **Electronic character** from the band gap: metal (Eg = 0), semiconductor (0 < Eg ≤ 3 eV),
  insulator (Eg > 3 eV) (§1.3, the red 3 eV line of Fig. 3b).
* **Band alignment** of the conduction-band minimum (CBM, eV vs the vacuum level, E0 = 0 for
  electrons at rest in vacuum) against the chemical potential μ of the alkali (or Cu) metal.
  A CBM below μ(metal) lets electrons drift from the metal into the conduction band (the
  review's reading of Li6PS5Cl vs Li⁰); a CBM above it blocks that drift, but a CBM close to
  the vacuum level (near-null electron affinity) with a high conduction-band density of
  states from Y³⁺/Er³⁺ d states still lets the surface be reduced (Li3YCl6, Na3YCl6,
  Li3ErCl6, §1.3 and §1.7). The electrolyte's own chemical potential is mid-gap,
  μ_E = E_c − Eg/2 (Fig. 1 and Fig. 3 notes); anode/electrolyte/cathode form a quantum
  *well* when μ_C ≤ μ_E ≤ μ_A and a *barrier* when μ_E lies above μ_A (§1.1).
* **Chemical class** from the composition: which of S, O, N and the halogens (and cluster
  anions BH4⁻, NH2⁻) dominate the anions (abstract, §1.7); the classifier is
  :func:`ssbattery.electrolytes.anions.chemical_class`, the same that fills the review
  dataset's ``chemical_class`` column.
* **Structural family** where the stoichiometry decides it (argyrodite, garnet, NASICON, …):
  :func:`ssbattery.electrolytes.families.structural_family`.

The metals' chemical potentials and the reference for each are in
:data:`METAL_CHEMICAL_POTENTIALS`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from ssbattery.electrolytes.anions import MINOR_ANION_THRESHOLD, ChemicalClass, chemical_class
from ssbattery.electrolytes.families import FamilyMatch, structural_family
from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import require_finite, require_in_range

if TYPE_CHECKING:
    from ssbattery.electrolytes.dataset import Electrolyte

__all__ = [
    "METAL_CHEMICAL_POTENTIALS",
    "NEAR_NULL_ELECTRON_AFFINITY_EV",
    "SEMICONDUCTOR_MAX_GAP_EV",
    "BandAlignment",
    "Classification",
    "MetalPotential",
    "band_alignment",
    "classify",
    "electrolyte_chemical_potential",
    "electronic_character",
    "resolve_formula",
]

#: Upper edge of the semiconductor class, eV (review §1.3: "semiconductors, Eg ≤ 3 eV").
SEMICONDUCTOR_MAX_GAP_EV = 3.0

#: Electron affinity (−CBM, eV) below which we flag "near-null electron affinity".
#: Our threshold, not the review's: the review calls Na3YCl6's CBM of −0.11 eV "such a
#: reduced electron affinity that it may decompose by being reduced from the surface"
#: (§1.7) and Li3YCl6's "almost null" (§1.3), without a number. Override per call.
NEAR_NULL_ELECTRON_AFFINITY_EV = 0.5

#: Elements with d (Y, Sc) or f (Er, and the other lanthanides) states that the review
#: places at the conduction-band minimum with a high density of states (Fig. 4, §1.3).
_HIGH_CB_DOS_ELEMENTS = frozenset({"Y", "Er", "Sc", "Yb", "La"})

ElectronicCharacter = Literal["metal", "semiconductor", "insulator"]
MetalSymbol = Literal["Li", "Na", "K", "Cu"]


@dataclass(frozen=True)
class MetalPotential:
    """Chemical potential of a metal on the review's vacuum scale (eV, E0 = 0 in vacuum)."""

    symbol: str
    mu_eV: float
    from_review: bool
    reference: str


#: μ(metal) vs vacuum, eV, with where each number comes from.
METAL_CHEMICAL_POTENTIALS: dict[str, MetalPotential] = {
    "Li": MetalPotential(
        "Li",
        -1.39,
        True,
        "Review §1.2 (LLTO paragraph: '−1.7 V vs. Li0 (−1.39 eV per e for E = 0 eV)', "
        "ref. 26) and §1.3 ('μ(Li0) = −1.39 eV').",
    ),
    "Na": MetalPotential(
        "Na",
        -1.73,
        True,
        "Derived from review §1.7: Na3YCl6 has EC = −0.11 eV, '1.62 eV higher than Na0', "
        "so μ(Na0) = −0.11 − 1.62 = −1.73 eV. Cross-check: μ(Li0) − [E°(Na+/Na) − "
        "E°(Li+/Li)] = −1.39 − (−2.71 + 3.04) = −1.72 eV (standard potentials, CRC "
        "Handbook). Caveat: §1.5 maps the Na argyrodites' 1–2 V vs Na/Na+ window onto "
        "−1.73 ≥ E_c ≥ −2.73 eV, which taken literally would put μ(Na0) at −0.73 eV; the "
        "review is not self-consistent there and we use the §1.7 value.",
    ),
    "K": MetalPotential(
        "K",
        -1.50,
        False,
        "Not given in the review. Our value: μ(Li0) shifted by the standard-potential "
        "difference, −1.39 − [E°(K+/K) − E°(Li+/Li)] = −1.39 − (−2.931 + 3.040) = −1.50 eV "
        "(E° from the CRC Handbook of Chemistry and Physics, 'Electrochemical series'); "
        "the same construction gives −1.72 eV for Na, 0.01 eV from the review's −1.73 eV.",
    ),
    "Cu": MetalPotential(
        "Cu",
        -4.6,
        True,
        "Review §1.3 (Li6PS5Cl paragraph: 'μ(Cu0) ≈ −4.6 eV').",
    ),
}


def electronic_character(band_gap_eV: float) -> ElectronicCharacter:
    """Metal (Eg = 0), semiconductor (0 < Eg ≤ 3 eV) or insulator (Eg > 3 eV) (review §1.3).

    >>> electronic_character(3.0), electronic_character(3.01), electronic_character(0.0)
    ('semiconductor', 'insulator', 'metal')
    """
    eg = require_finite("band_gap_eV", band_gap_eV)
    if eg < 0:
        raise InvalidParameterError(
            f"`band_gap_eV` must be ≥ 0 eV (a band gap cannot be negative), got {band_gap_eV!r}."
        )
    if eg == 0.0:
        return "metal"
    if eg <= SEMICONDUCTOR_MAX_GAP_EV:
        return "semiconductor"
    return "insulator"


def electrolyte_chemical_potential(cbm_eV: float, band_gap_eV: float) -> float:
    """Mid-gap chemical potential μ_E = E_c − Eg/2 of an insulated electrolyte, eV.

    The review's convention (Fig. 1 note μ_E = −(E_c + E_v)/2 in magnitude; Fig. 3 note
    Eg = 2 (E_c − μ_E)).
    """
    ec = require_finite("cbm_eV", cbm_eV)
    eg = require_finite("band_gap_eV", band_gap_eV)
    if eg < 0:
        raise InvalidParameterError(f"`band_gap_eV` must be ≥ 0 eV, got {band_gap_eV!r}.")
    return ec - eg / 2.0


def _metal(metal: str) -> MetalPotential:
    """The metal by symbol, in any case ("k" is K), as ``align --anode`` reads it."""
    for symbol, potential in METAL_CHEMICAL_POTENTIALS.items():
        if isinstance(metal, str) and metal.strip().lower() == symbol.lower():
            return potential
    known = ", ".join(METAL_CHEMICAL_POTENTIALS)
    raise InvalidParameterError(f"`metal` must be one of {known}, got {metal!r}.")


@dataclass(frozen=True)
class BandAlignment(Recorded):
    """CBM of an electrolyte against μ of a metal (all eV vs vacuum).

    ``offset_eV`` = CBM − μ(metal): positive means the conduction band lies above the
    metal's chemical potential (no electron drift from the metal into it).
    """

    metal: str
    mu_metal_eV: float
    mu_metal_reference: str
    cbm_eV: float
    offset_eV: float
    electron_drift_from_metal: bool
    stable_against_reduction: bool
    electrolyte_mu_eV: float | None
    junction: Literal["quantum well", "quantum barrier", "unknown"]
    flags: tuple[str, ...]

    _UNITS: ClassVar[dict[str, str]] = {
        "mu_metal_eV": "mu_metal [eV]",
        "cbm_eV": "cbm [eV]",
        "offset_eV": "offset [eV]",
        "electrolyte_mu_eV": "electrolyte_mu [eV]",
    }

    def _title(self) -> str:
        return f"CBM against {self.metal}: offset {self.offset_eV:+.4g} eV ({self.junction})"


def band_alignment(
    cbm_eV: float,
    *,
    metal: str = "Li",
    band_gap_eV: float | None = None,
    elements: tuple[str, ...] = (),
    near_null_electron_affinity_eV: float = NEAR_NULL_ELECTRON_AFFINITY_EV,
) -> BandAlignment:
    """Place a conduction-band minimum against μ(metal) (review §1.3, Figs. 1, 3a and 4).

    Parameters
    ----------
    cbm_eV
        Conduction-band minimum vs vacuum, eV (negative for a bound state).
    metal
        ``"Li"``, ``"Na"``, ``"K"`` or ``"Cu"`` (see :data:`METAL_CHEMICAL_POTENTIALS`).
    band_gap_eV
        If given, the electrolyte's mid-gap μ_E = E_c − Eg/2 decides well vs barrier:
        a *quantum barrier* when μ_E lies above μ(metal) (the anode), a *quantum well*
        otherwise (§1.1, μ_C ≤ μ_E ≤ μ_A is a well; μ_C ≤ μ_A ≤ μ_E a barrier).
    elements
        Element symbols of the electrolyte, used only for the high-CB-DOS caveat.
    near_null_electron_affinity_eV
        Electron affinity (−CBM) under which the "near-null electron affinity" caveat is
        raised (our threshold, see :data:`NEAR_NULL_ELECTRON_AFFINITY_EV`).

    Stability against reduction is judged as the review does: electrons drift from the
    metal into the conduction band when CBM < μ(metal) (not stable, e.g. Li6PS5Cl vs Li⁰);
    when CBM > μ(metal) the alignment alone protects the electrolyte, *unless* the
    electron affinity is near null, where the review expects reduction from the surface
    (Li3YCl6, Na3YCl6), so that case is reported as not stable with the flag.

    >>> a = band_alignment(-0.11, metal="Na", band_gap_eV=5.2)  # Na3YCl6, review §1.7
    >>> round(a.offset_eV, 2), a.stable_against_reduction
    (1.62, False)
    """
    ec = require_finite("cbm_eV", cbm_eV)
    if ec > 5.0 or ec < -12.0:
        raise InvalidParameterError(
            f"`cbm_eV` must be an energy vs vacuum in [−12, 5] eV, got {cbm_eV!r}; "
            "give the conduction-band minimum with E0 = 0 for electrons at rest in vacuum."
        )
    threshold = require_in_range(
        "near_null_electron_affinity_eV", near_null_electron_affinity_eV, 0.0, 5.0
    )
    ref = _metal(metal)
    metal = ref.symbol
    offset = ec - ref.mu_eV
    drift = offset < 0
    flags: list[str] = []
    near_null = -ec < threshold
    if near_null:
        flags.append(
            f"near-null electron affinity (EA = {-ec:.2f} eV < {threshold:g} eV): the review "
            "expects reduction from the surface in contact with a reductant (§1.3 Li3YCl6, "
            "§1.7 Na3YCl6)"
        )
    dos_elements = sorted(set(elements) & _HIGH_CB_DOS_ELEMENTS)
    if dos_elements and not drift:
        flags.append(
            "high conduction-band density of states expected from "
            f"{', '.join(dos_elements)} d/f states at E_c (review Fig. 4: Li3YCl6, Li3ErCl6): "
            "reduction of the cation possible despite CBM above μ(metal)"
        )
    if drift:
        flags.append(
            f"CBM {-offset:.2f} eV below μ({metal}0): electrons can drift from the metal into "
            "the conduction band (review §1.3, Li6PS5Cl vs Li0)"
        )
    stable = (not drift) and (not near_null)
    mu_e: float | None = None
    junction: Literal["quantum well", "quantum barrier", "unknown"] = "unknown"
    if band_gap_eV is not None:
        mu_e = electrolyte_chemical_potential(ec, band_gap_eV)
        junction = "quantum barrier" if mu_e > ref.mu_eV else "quantum well"
    return BandAlignment(
        metal=ref.symbol,
        mu_metal_eV=ref.mu_eV,
        mu_metal_reference=ref.reference,
        cbm_eV=ec,
        offset_eV=offset,
        electron_drift_from_metal=drift,
        stable_against_reduction=stable,
        electrolyte_mu_eV=mu_e,
        junction=junction,
        flags=tuple(flags),
    )


@dataclass(frozen=True)
class Classification(Recorded):
    """Everything :func:`classify` found for one formula, with where each input came from."""

    formula: str
    in_dataset: bool
    dataset_name: str | None
    mobile_ion: str | None
    band_gap_eV: float | None
    band_gap_source: str
    cbm_eV: float | None
    cbm_source: str
    electronic_character: str
    electronic_character_source: str
    stable_vs_alkali_metal_stated: bool | None
    chemical: ChemicalClass
    alignment: BandAlignment | None
    alignments_all_metals: tuple[BandAlignment, ...]
    structural_family: FamilyMatch | None = None

    _UNITS: ClassVar[dict[str, str]] = {
        "band_gap_eV": "band_gap [eV]",
        "cbm_eV": "cbm [eV]",
    }

    def _title(self) -> str:
        return f"classification of {self.formula} ({self.chemical.label})"


def resolve_formula(formula: str, x: float | None = None) -> tuple[str, float | None]:
    """``(formula, x)`` as given when it parses; for a name or key of the review's dataset
    that is no formula ("LLZO", "Li3OCl [glass]"), that row's formula and its ``x`` (unless
    ``x`` is given). Anything else raises the parser's error.

    >>> resolve_formula("LLZO")
    ('Li7La3Zr2O12', None)
    """
    from ssbattery.electrolytes.dataset import find_electrolytes
    from ssbattery.electrolytes.formula import parse_formula
    from ssbattery.errors import SsbatteryError

    try:
        parse_formula(formula, x=x if x is not None else (0.0 if _has_x(formula) else None))
    except SsbatteryError:
        rows = find_electrolytes(formula) if isinstance(formula, str) and formula else ()
        if not rows:
            raise
        if "[" in formula:  # a key: classify reads a formula's first row, not a variant
            first = find_electrolytes(rows[0].formula)[0].key
            raise InvalidParameterError(
                f"`formula` {formula!r} names one row (a synthesis variant); give the formula "
                f"{rows[0].formula!r}, whose first row ({first!r}) is used."
            ) from None
        return rows[0].formula, x if x is not None else rows[0].x
    return formula, x


def _has_x(formula: str) -> bool:
    from ssbattery.electrolytes.formula import is_symbolic

    return isinstance(formula, str) and is_symbolic(formula)


def _lookup(formula: str) -> Electrolyte | None:
    """The review dataset's headline row for ``formula`` (None if it is not there)."""
    from ssbattery.electrolytes.dataset import find_electrolytes

    found = find_electrolytes(formula)
    return found[0] if found else None


def classify(
    formula: str,
    *,
    band_gap_eV: float | None = None,
    cbm_eV: float | None = None,
    metal: str | None = None,
    x: float | None = None,
    dominance_threshold: float = MINOR_ANION_THRESHOLD,
) -> Classification:
    """Run the review's §1.3 screening on any formula, in the dataset or not (a dataset
    name such as "LLZO" stands for its formula: :func:`resolve_formula`).

    Dataset values (band gap, CBM, mobile ion) are used when the formula is in the review's
    dataset; ``band_gap_eV`` / ``cbm_eV`` given here override them. ``metal`` defaults to
    the mobile ion (the first of Li, Na, K in the formula), else Li; ``x`` substitutes a
    symbolic stoichiometry (e.g. Li3xLa(2/3)−xTiO3) and is refused for a formula without
    x. Alignment against
    every metal of :data:`METAL_CHEMICAL_POTENTIALS` is also returned when a CBM is known.
    The chemical class is :func:`ssbattery.electrolytes.anions.chemical_class` (groups under
    ``dominance_threshold`` of the anion units are minor anions); the structural family is
    :func:`ssbattery.electrolytes.families.structural_family` (``None`` with its reason where
    the composition does not determine it).
    """
    from ssbattery.electrolytes.formula import parse_formula, require_symbolic_for_x

    formula, x = resolve_formula(formula, x)
    require_symbolic_for_x(formula, x)
    comp = parse_formula(formula, x=x)
    row = _lookup(formula)
    elements = tuple(str(e) for e in comp.elements)
    gap_src = cbm_src = "not known"
    gap: float | None = None
    cbm: float | None = None
    ion: str | None = None
    if row is not None:
        gap, cbm, ion = row.band_gap_eV, row.cbm_vs_vacuum_eV, row.mobile_ion or None
        gap_src = "dataset" if gap is not None else gap_src
        cbm_src = "dataset" if cbm is not None else cbm_src
    if band_gap_eV is not None:
        gap, gap_src = require_finite("band_gap_eV", band_gap_eV), "given"
    if cbm_eV is not None:
        cbm, cbm_src = require_finite("cbm_eV", cbm_eV), "given"
    if ion is None:
        ion = next((m for m in ("Li", "Na", "K") if m in elements), None)
    chosen = metal if metal is not None else (ion if ion in METAL_CHEMICAL_POTENTIALS else "Li")
    chosen = _metal(chosen).symbol
    character: str = electronic_character(gap) if gap is not None else "unknown"
    character_src = gap_src
    if gap is None and row is not None and row.electronic_character:
        character = row.electronic_character
        character_src = f"dataset statement {row.electronic_character_ref}".strip()
    alignment = None
    all_alignments: tuple[BandAlignment, ...] = ()
    if cbm is not None:
        alignment = band_alignment(cbm, metal=chosen, band_gap_eV=gap, elements=elements)
        all_alignments = tuple(
            band_alignment(cbm, metal=m, band_gap_eV=gap, elements=elements)
            for m in METAL_CHEMICAL_POTENTIALS
        )
    return Classification(
        formula=formula,
        in_dataset=row is not None,
        dataset_name=(row.name or None) if row is not None else None,
        mobile_ion=ion,
        band_gap_eV=gap,
        band_gap_source=gap_src,
        cbm_eV=cbm,
        cbm_source=cbm_src,
        electronic_character=character,
        electronic_character_source=character_src,
        stable_vs_alkali_metal_stated=row.stable_vs_alkali_metal if row is not None else None,
        chemical=chemical_class(formula, x=x, dominance_threshold=dominance_threshold),
        alignment=alignment,
        alignments_all_metals=all_alignments,
        structural_family=dataclasses.replace(structural_family(comp), formula=formula),
    )
