"""The review's scorecard: four patterns of the best electrolytes, nine ideal properties.

Quoted from Gomes et al., J. Mater. Chem. A 2024, 12, 690: the nine properties of an ideal
solid-state electrolyte (§1.2, first paragraph) and the four patterns of the
best-performing electrolytes (§1.3, last paragraph). For each electrolyte every criterion
is ``"met"``, ``"not met"`` or ``"unknown"``, with the reason and the data field used.
Where the review gives no number for a threshold (ionic conductivity "high", electron
affinity "almost null"), the threshold is ours, named, and can be changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ssbattery.errors import InvalidParameterError, SsbatteryError
from ssbattery.results import Recorded
from ssbattery.validation import require_positive

if TYPE_CHECKING:
    from ssbattery.electrolytes.dataset import Electrolyte

__all__ = [
    "HIGH_CONDUCTIVITY_MS_CM",
    "IDEAL_PROPERTIES",
    "LOW_ELECTRONIC_CONDUCTIVITY_MS_CM",
    "PATTERNS",
    "Criterion",
    "CriterionResult",
    "Scorecard",
    "scorecard",
]

Status = Literal["met", "not met", "unknown"]

#: Our threshold for "low electrical conductivity", mS cm⁻¹ (the review calls Li3YCl6's
#: 2.8 × 10⁻⁶ mS cm⁻¹ "the upper characteristic values of electronic conductivities of an
#: insulator", §1.7; we accept up to 10⁻⁵ mS cm⁻¹).
LOW_ELECTRONIC_CONDUCTIVITY_MS_CM = 1e-5

#: Our threshold for "high ionic conductivity" at room temperature, mS cm⁻¹ (the review
#: gives none; 1 mS cm⁻¹ is the level commonly asked of ASSB electrolytes).
HIGH_CONDUCTIVITY_MS_CM = 1.0


@dataclass(frozen=True)
class Criterion:
    """One criterion of the scorecard, quoted from the review."""

    key: str
    text: str
    review_ref: str


#: The review's four patterns of a promising electrolyte (§1.2–1.3), scored in order.
PATTERNS: tuple[Criterion, ...] = (
    Criterion(
        "P1",
        "display semiconductor behavior instead of insulator behavior (e.g., LPSCl, LLTO, "
        "Na3OCl, K3OCl, and A2.99Ba0.005OCl – glass with A = Li, Na, K)",
        "§1.3, pattern (1)",
    ),
    Criterion(
        "P2",
        "possess a low energy work function W, i.e., anode-like behavior; but not as small as "
        "to have a null, or almost null, electron affinity energy (Fig. 4)",
        "§1.3, pattern (2)",
    ),
    Criterion(
        "P3",
        "show a ferroelectric behavior where the ionic movement establishes the polarization",
        "§1.3, pattern (3)",
    ),
    Criterion(
        "P4",
        "display topologic electronic emergent phenomena. These latter phenomena require "
        "further demonstrations in different electrolytes.",
        "§1.3, pattern (4)",
    ),
)

#: The review's nine properties of an ideal electrolyte (§1.2–1.3), scored in order.
IDEAL_PROPERTIES: tuple[Criterion, ...] = (
    Criterion("I1", "high ionic conductivity (Fig. 2)", "§1.2, property (1)"),
    Criterion("I2", "low electrical conductivity", "§1.2, property (2)"),
    Criterion(
        "I3",
        "a wide electrochemical window of stability to match with high-voltage cathodes (Fig. 3)",
        "§1.2, property (3)",
    ),
    Criterion(
        "I4",
        "a high A+-ion transference number for inhibiting the formation of negative space "
        "charge near the anode and promoting uniform ion deposition",
        "§1.2, property (4)",
    ),
    Criterion("I5", "sufficient mechanical strength to inhibit ion growth", "§1.2, property (5)"),
    Criterion(
        "I6",
        "good electrode wettability and low interfacial resistance with electrodes",
        "§1.2, property (6)",
    ),
    Criterion(
        "I7",
        "good flexibility to accommodate the change of the electrodes' volume during battery "
        "charge and discharge",
        "§1.2, property (7)",
    ),
    Criterion(
        "I8",
        "good thermal stability to ensure safe and stable operation of batteries at lower and "
        "higher temperatures",
        "§1.2, property (8)",
    ),
    Criterion("I9", "easy fabrication and low cost", "§1.2, property (9)"),
)


@dataclass(frozen=True)
class CriterionResult(Recorded):
    """The verdict on one criterion: status, why, and which data field decided it."""

    criterion: Criterion
    status: Status
    reason: str
    field: str

    def _title(self) -> str:
        return f"{self.criterion.key}: {self.status}"


@dataclass(frozen=True)
class Scorecard(Recorded):
    """All thirteen verdicts for one electrolyte."""

    formula: str
    in_dataset: bool
    patterns: tuple[CriterionResult, ...]
    ideal_properties: tuple[CriterionResult, ...]

    def _title(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items())
        return f"scorecard of {self.formula}: {counts}"

    def __str__(self) -> str:
        # one line per criterion: its key, the verdict and why (the full entries: to_dict)
        lines = [self._title()]
        for r in self.results:
            reason = r.reason if len(r.reason) <= 70 else r.reason[:69] + "…"
            lines.append(f"  {r.criterion.key} {r.status}: {reason}")
        return "\n".join(lines)

    @property
    def results(self) -> tuple[CriterionResult, ...]:
        """Patterns then ideal properties."""
        return self.patterns + self.ideal_properties

    def counts(self) -> dict[str, int]:
        """How many criteria are met, not met and unknown."""
        out = {"met": 0, "not met": 0, "unknown": 0}
        for r in self.results:
            out[r.status] += 1
        return out


def _feti_family(formula: str, x: float | None = None) -> bool:
    """True for the review's A3−2xMxOHal FETI family (A = Li, Na, K; M = Mg, Ca, Sr, Ba;
    Hal = Cl, Br, I; x ≤ 0.5), judged from the composition (charge balance A + 2M = 3 per O,
    one O and one halogen)."""
    from ssbattery.electrolytes.formula import parse_formula

    amt = parse_formula(formula, x=x).get_el_amt_dict()
    allowed = {"Li", "Na", "K", "Mg", "Ca", "Sr", "Ba", "O", "Cl", "Br", "I"}
    if not set(amt) <= allowed or "O" not in amt:
        return False
    o = amt["O"]
    hal = sum(amt.get(h, 0.0) for h in ("Cl", "Br", "I"))
    a = sum(amt.get(e, 0.0) for e in ("Li", "Na", "K"))
    m = sum(amt.get(e, 0.0) for e in ("Mg", "Ca", "Sr", "Ba"))
    if a <= 0 or abs(hal - o) > 1e-6 * o:
        return False
    return abs((a + 2 * m) / o - 3.0) < 1e-3 and m / o <= 0.5 + 1e-9


def _conductivity_criterion(
    given: float | None, row: Electrolyte | None, thr: float
) -> tuple[str, str, str]:
    """I1 from a given σ or the row's statement, a range or an upper bound as stated: met
    when its lowest value reaches ``thr``, not met when its highest stays below, else
    unknown (a range across ``thr``, "<b" with b above it)."""
    field = "conductivity_mS_cm"
    low: float | None = given
    high: float | None = given
    shown = f"σ = {given:g} mS/cm" if given is not None else ""
    temp = None
    if given is None and row is not None and row.conductivity_mS_cm is not None:
        high, temp, how = row.conductivity_mS_cm, row.temperature_C, row.conductivity_qualifier
        low = row.conductivity_low_mS_cm if how == "range" else high
        low = None if how == "<" else low  # an upper bound: σ anywhere below it
        stated = f"{low:g}–{high:g}" if how == "range" and low is not None else f"{high:g}"
        shown = f"σ {({'<': '<', '~': '≈'}).get(how, '=')} {stated} mS/cm"
    if high is None:
        return ("unknown", "no ionic conductivity in the data", field)
    at = f" at {temp:g} °C" if temp is not None else ""
    if low is not None and low >= thr:
        return ("met", f"{shown}{at} ≥ {thr:g} mS/cm", field)
    if high < thr or (low is None and high <= thr):
        return ("not met", f"{shown}{at} < {thr:g} mS/cm", field)
    return ("unknown", f"{shown}{at}: the statement spans {thr:g} mS/cm", field)


def scorecard(
    formula: str,
    *,
    band_gap_eV: float | None = None,
    cbm_eV: float | None = None,
    conductivity_mS_cm: float | None = None,
    ferroelectric: bool | None = None,
    metal: str | None = None,
    x: float | None = None,
    thickness_um: float = 50.0,
    high_conductivity_mS_cm: float = HIGH_CONDUCTIVITY_MS_CM,
) -> Scorecard:
    """Score ``formula`` against the review's four patterns and nine ideal properties.

    Dataset values are used when the formula is in the review's dataset; keyword values
    override them. Evidence used: band gap (P1, I2), CBM vs μ(metal) and the near-null
    electron-affinity caveat (P2), the ferroelectric flag (P3), membership of the review's
    A3−2xMxOHal ferroelectric-topological-insulator family (P3, P4), the room-temperature
    conductivity (I1), the film cost vs $10 m⁻² (I9); ``x`` substitutes a symbolic
    stoichiometry. I3–I8 need measurements the dataset
    does not hold and are "unknown" unless the review states them.
    """
    from ssbattery.electrolytes.cost import film_cost
    from ssbattery.electrolytes.dataset import find_electrolytes
    from ssbattery.electrolytes.screening import classify, resolve_formula

    thr = require_positive("high_conductivity_mS_cm", high_conductivity_mS_cm)
    if conductivity_mS_cm is not None:
        require_positive("conductivity_mS_cm", conductivity_mS_cm)
    formula, x = resolve_formula(formula, x)  # "LLZO" → Li7La3Zr2O12
    cls = classify(formula, band_gap_eV=band_gap_eV, cbm_eV=cbm_eV, metal=metal, x=x)
    row = find_electrolytes(formula)[0] if cls.in_dataset else None
    feti = _feti_family(formula, x)

    # P1: semiconductor rather than insulator.
    if cls.band_gap_eV is None and cls.electronic_character in ("semiconductor", "insulator"):
        verdict_p1: Status = "met" if cls.electronic_character == "semiconductor" else "not met"
        p1 = (
            verdict_p1,
            f"{cls.electronic_character} ({cls.electronic_character_source}; no band gap value)",
            "electronic_character",
        )
    elif cls.band_gap_eV is None:
        p1 = ("unknown", "no band gap in the data", "band_gap_eV")
    elif cls.electronic_character == "semiconductor":
        p1 = ("met", f"Eg = {cls.band_gap_eV:g} eV ≤ 3 eV: semiconductor", "band_gap_eV")
    else:
        p1 = (
            "not met",
            f"Eg = {cls.band_gap_eV:g} eV: {cls.electronic_character}",
            "band_gap_eV",
        )

    # P2: anode-like (CBM below μ of the alkali metal, whose electrons then reach the
    # electrolyte's surface, review §4 conclusions) but not near-null electron affinity.
    a = cls.alignment
    if a is None:
        p2 = ("unknown", "no conduction-band minimum in the data", "cbm_vs_vacuum_eV")
    else:
        near_null = any("near-null" in f for f in a.flags)
        if near_null:
            p2 = (
                "not met",
                f"CBM = {a.cbm_eV:g} eV: near-null electron affinity",
                "cbm_vs_vacuum_eV",
            )
        elif a.electron_drift_from_metal:
            p2 = (
                "met",
                f"CBM = {a.cbm_eV:g} eV lies {-a.offset_eV:.2f} eV below μ({a.metal}0) = "
                f"{a.mu_metal_eV:g} eV: anode-like, electrons of the metal reach its surface",
                "cbm_vs_vacuum_eV",
            )
        else:
            p2 = (
                "not met",
                f"CBM = {a.cbm_eV:g} eV lies {a.offset_eV:.2f} eV above μ({a.metal}0): "
                "cathode-like alignment",
                "cbm_vs_vacuum_eV",
            )

    # P3: ferroelectric.
    stated_fe = row.ferroelectric if row is not None else None
    fe_value = ferroelectric if ferroelectric is not None else stated_fe
    if fe_value is True:
        p3 = ("met", "reported ferroelectric", "ferroelectric")
    elif feti:
        p3 = (
            "met",
            "member of the A3−2xMxOHal family the review reports as ferroelectric (§1.3, §2)",
            "formula",
        )
    elif fe_value is False:
        p3 = (
            "not met",
            "not among the ferroelectric electrolytes the review lists (LLTO, Na3OCl, K3OCl, "
            "A2.99Ba0.005OCl; §2)",
            "ferroelectric",
        )
    else:
        p3 = ("unknown", "no ferroelectric measurement in the data", "ferroelectric")

    # P4: topological emergent phenomena.
    if feti:
        p4 = (
            "met",
            "member of the A3−2xMxOHal family the review calls ferroelectric topological "
            "insulators (§1.3; awaiting further demonstration, as the review says)",
            "formula",
        )
    else:
        p4 = ("unknown", "no report of topological phenomena in the data", "formula")

    # I1: high ionic conductivity.
    i1 = _conductivity_criterion(conductivity_mS_cm, row, thr)

    # I2: low electrical conductivity (measured value, else band-gap proxy).
    sigma_e = row.electronic_conductivity_mS_cm if row is not None else None
    if sigma_e is not None:
        low = float(sigma_e) <= LOW_ELECTRONIC_CONDUCTIVITY_MS_CM
        i2 = (
            "met" if low else "not met",
            f"electronic σ = {float(sigma_e):g} mS/cm {'≤' if low else '>'} "
            f"{LOW_ELECTRONIC_CONDUCTIVITY_MS_CM:g} mS/cm",
            "electronic_conductivity_mS_cm",
        )
    elif cls.band_gap_eV is None:
        i2 = ("unknown", "no band gap or electronic conductivity in the data", "band_gap_eV")
    elif cls.band_gap_eV == 0:
        i2 = ("not met", "Eg = 0: metallic", "band_gap_eV")
    else:
        i2 = (
            "met",
            f"Eg = {cls.band_gap_eV:g} eV > 0 (band-gap proxy; no electronic conductivity "
            "measurement used)",
            "band_gap_eV",
        )

    unknown_props = {
        "I3": ("no electrochemical stability window in the data", "—"),
        "I4": ("no transference number in the data", "—"),
        "I5": ("no mechanical data in the data set", "—"),
        "I6": ("no wettability or interfacial resistance in the data", "—"),
        "I7": ("no flexibility data in the data set", "—"),
        "I8": ("no thermal-stability data in the data set", "—"),
    }

    # I9: low cost (film raw-material cost vs $10/m²).
    try:
        if x is not None:
            raise InvalidParameterError("the cost of a symbolic-x formula is not computed")
        cost = film_cost(formula, thickness_um=thickness_um)
    except SsbatteryError as exc:
        i9 = ("unknown", f"cost not computable: {exc}", "precursor prices, density")
    else:
        verdict: Status = "met" if cost.below_threshold else "not met"
        rel = "≤" if cost.below_threshold else ">"
        i9 = (
            verdict,
            f"raw materials ${cost.cost_usd_per_m2:.2f}/m² at {thickness_um:g} µm {rel} "
            f"${cost.threshold_usd_per_m2:g}/m² (fabrication ease not judged)",
            "precursor prices, density",
        )

    pattern_values = (p1, p2, p3, p4)
    patterns = tuple(
        CriterionResult(c, v[0], v[1], v[2])  # type: ignore[arg-type]
        for c, v in zip(PATTERNS, pattern_values, strict=True)
    )
    ideal: list[CriterionResult] = []
    for c in IDEAL_PROPERTIES:
        if c.key == "I1":
            v = i1
        elif c.key == "I2":
            v = i2
        elif c.key == "I9":
            v = i9
        else:
            v = ("unknown", *unknown_props[c.key])
        ideal.append(CriterionResult(c, v[0], v[1], v[2]))  # type: ignore[arg-type]
    return Scorecard(
        formula=formula,
        in_dataset=cls.in_dataset,
        patterns=patterns,
        ideal_properties=tuple(ideal),
    )
