"""The OBELiX table of 599 Li solid electrolytes through the dataset API.

OBELiX (Therrien et al., 2025; CC BY 4.0; an unmodified copy ships in
``electrolytes/data/obelix/`` with its licence) gives room-temperature ionic
conductivities in S cm⁻¹ with a hand-made "Family" label. :func:`load_obelix` returns
the rows as :class:`~ssbattery.electrolytes.dataset.Electrolyte` objects so that they sit
beside the review's values:

* conductivity converted S cm⁻¹ → mS cm⁻¹ (× 1000) at 25 °C ("RT" in OBELiX); values
  written ``<1E-10`` become upper bounds (``conductivity_qualifier = "<"``);
* the chemical class is computed from the composition
  (:func:`ssbattery.electrolytes.anions.chemical_class`, as for the review's rows);
* the crystal system is derived from the space-group number;
* the family label is mapped onto ours with :data:`OBELIX_FAMILY_MAP` (the original
  label stays in ``source_family``). :func:`family_mapping_report` lists what maps
  exactly, what is merged, what is only a chemical class, what is left unmapped, and the
  rows whose composition disagrees with the label.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from ssbattery.electrolytes.anions import chemical_class
from ssbattery.electrolytes.dataset import Electrolyte, load_review_dataset
from ssbattery.electrolytes.formula import is_symbolic, parse_formula
from ssbattery.errors import DataFormatError, SsbatteryError
from ssbattery.results import Recorded

__all__ = [
    "OBELIX_FAMILY_MAP",
    "ClassDisagreement",
    "FamilyMapping",
    "FamilyMappingReport",
    "LabelCount",
    "ReviewMatch",
    "family_mapping_report",
    "load_obelix",
    "obelix_path",
]

_REQUIRED = (
    "ID",
    "Reduced Composition",
    "Ionic conductivity (S cm-1)",
    "Space group",
    "Space group #",
    "Family",
    "DOI",
)


@dataclass(frozen=True)
class FamilyMapping:
    """How one OBELiX label maps onto ssbattery's vocabularies.

    ``status``: "exact" (same family), "merged" (mapped onto a broader family of ours),
    "class-only" (the label names a chemical class, not a structure), "unmapped"
    (no family of ours), "empty" (no label).
    """

    family: str
    chemical_class: str
    status: str
    note: str = ""


#: OBELiX "Family" label → our family / chemical class. Labels not listed are "unmapped".
OBELIX_FAMILY_MAP: Mapping[str, FamilyMapping] = {
    "NASICON": FamilyMapping("NASICON", "", "exact"),
    "garnet": FamilyMapping("garnet", "", "exact"),
    "garnet-like": FamilyMapping(
        "garnet", "", "merged", "garnet-like structures counted as garnet"
    ),
    "perovskites": FamilyMapping("perovskite", "", "exact"),
    "argyrodites": FamilyMapping("argyrodite", "", "exact"),
    "argyrodite": FamilyMapping("argyrodite", "", "exact", "singular spelling of 'argyrodites'"),
    "LISICON": FamilyMapping("LISICON", "", "exact"),
    "thio-LISICON": FamilyMapping("thio-LISICON", "", "exact"),
    "LGPS": FamilyMapping(
        "thio-LISICON",
        "",
        "merged",
        "OBELiX separates LGPS from thio-LISICON; the review (§1.2) calls Li10GeP2S12 a "
        "thio-LISICON",
    ),
    "antiperovskite": FamilyMapping("antiperovskite", "", "exact"),
    "oxides": FamilyMapping("", "oxide", "class-only"),
    "sulfides": FamilyMapping("", "sulfide", "class-only"),
    "halides": FamilyMapping("", "halide", "class-only"),
    "Halide": FamilyMapping("", "halide", "class-only", "capitalised spelling of 'halides'"),
    "chlorides": FamilyMapping("", "halide", "class-only"),
    "cholorides": FamilyMapping("", "halide", "class-only", "misspelling of 'chlorides'"),
    "fluorides": FamilyMapping("", "halide", "class-only"),
    "hydrides": FamilyMapping("", "hydride", "class-only"),
    "nitrides": FamilyMapping("", "nitride", "class-only"),
    "nitride": FamilyMapping("", "nitride", "class-only", "singular spelling of 'nitrides'"),
}

_CRYSTAL_SYSTEMS = (
    (2, "triclinic"),
    (15, "monoclinic"),
    (74, "orthorhombic"),
    (142, "tetragonal"),
    (167, "trigonal"),
    (194, "hexagonal"),
    (230, "cubic"),
)


def obelix_path() -> Path:
    """Path of the shipped copy of OBELiX ``all.csv``."""
    return Path(str(resources.files("ssbattery.electrolytes") / "data/obelix/all.csv"))


def _crystal_system(number: str, where: str) -> str:
    text = number.strip()
    if not text:
        return ""
    try:
        n = int(float(text))
    except ValueError:
        raise DataFormatError(f"{where}: space group number {number!r} is not a number.") from None
    for upper, name in _CRYSTAL_SYSTEMS:
        if 1 <= n <= upper:
            return name
    raise DataFormatError(f"{where}: space group number {n} is outside 1–230.")


def _conductivity(text: str, where: str) -> tuple[float | None, str]:
    """S/cm text → (mS/cm, qualifier); '<1E-10' is an upper bound."""
    value = text.strip()
    qualifier = ""
    if value.startswith("<"):
        qualifier, value = "<", value[1:].strip()
    if not value:
        return None, ""
    try:
        s_cm = float(value)
    except ValueError:
        raise DataFormatError(
            f"{where}: ionic conductivity {text!r} is not a number in S/cm."
        ) from None
    if not 0 < s_cm < 10:
        raise DataFormatError(f"{where}: ionic conductivity {s_cm} S/cm is outside (0, 10).")
    return s_cm * 1000.0, qualifier


def _optional_ms(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        return ""
    try:
        return f"{float(value) * 1000:.4g} mS/cm"
    except ValueError:
        return value


def _row(row: Mapping[str, str], where: str) -> Electrolyte:
    formula = row["Reduced Composition"].strip()
    try:
        composition = parse_formula(formula)
    except SsbatteryError as exc:
        raise DataFormatError(f"{where}: {exc}") from None
    amounts = composition.get_el_amt_dict()
    ion = next((i for i in ("Li", "Na", "K") if amounts.get(i, 0) > 0), "")
    if not ion:
        raise DataFormatError(f"{where}: composition {formula!r} has no Li, Na or K.")
    sigma, qualifier = _conductivity(row["Ionic conductivity (S cm-1)"], where)
    notes = []
    for column, label in (("IC (Total)", "total"), ("IC (Bulk)", "bulk")):
        extra = _optional_ms(row.get(column))
        if extra:
            notes.append(f"{label} σ {extra}")
    label = row["Family"].strip()
    mapping = OBELIX_FAMILY_MAP.get(label)
    note_text = (row.get("note") or "").strip()
    return Electrolyte(
        formula=formula,
        variant=f"OBELiX {row['ID'].strip()}",
        mobile_ion=ion,
        chemical_class=chemical_class(composition).label,
        family=mapping.family if mapping else "",
        crystal_system=_crystal_system(row["Space group #"], where),
        space_group=row["Space group"].strip(),
        structure_ref="OBELiX",
        conductivity_mS_cm=sigma,
        conductivity_qualifier=qualifier,
        temperature_C=25.0 if sigma is not None else None,
        conductivity_note="; ".join(["RT", *notes]),
        conductivity_ref=f"OBELiX; doi:{row['DOI'].strip()}" if row["DOI"].strip() else "OBELiX",
        source="obelix",
        notes=note_text,
        dataset="obelix",
        source_family=label,
        doi=row["DOI"].strip(),
    )


def _read(path: Path) -> tuple[Electrolyte, ...]:
    from ssbattery.electrolytes.dataset import read_text_file

    text = read_text_file(path, str(path), "OBELiX's all.csv (or a file of its format)")
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in _REQUIRED if c not in header]
        if missing:
            raise DataFormatError(
                f"{path}: missing OBELiX columns {missing}; expected the header of OBELiX "
                "data/downloads/all.csv."
            )
        rows = tuple(_row(r, f"{path.name} line {reader.line_num}") for r in reader)
    if not rows:
        raise DataFormatError(f"{path}: no data rows.")
    return rows


@functools.cache
def _read_default() -> tuple[Electrolyte, ...]:
    return _read(obelix_path())


def load_obelix(path: str | Path | None = None) -> tuple[Electrolyte, ...]:
    """OBELiX rows as :class:`Electrolyte` objects (σ in mS cm⁻¹ at 25 °C).

    ``path`` defaults to the copy shipped with the package (cached); give another
    ``all.csv`` of the same format to read a newer release.
    """
    if path is None:
        return _read_default()
    return _read(Path(path))


@dataclass(frozen=True)
class LabelCount(Recorded):
    """One OBELiX label: how many rows, and what it maps to."""

    label: str
    count: int
    family: str
    chemical_class: str
    status: str
    note: str
    computed_classes: Mapping[str, int]

    def _title(self) -> str:
        return f"OBELiX label {self.label!r}: {self.count} rows"


@dataclass(frozen=True)
class ClassDisagreement(Recorded):
    """An OBELiX row whose composition-based class disagrees with its label."""

    key: str
    formula: str
    label: str
    expected_classes: tuple[str, ...]
    computed_class: str

    def _title(self) -> str:
        return (
            f"OBELiX {self.key} {self.formula}: labelled {self.label}, "
            f"computed {self.computed_class}"
        )


@dataclass(frozen=True)
class ReviewMatch(Recorded):
    """An OBELiX row with the same composition as a review row, side by side."""

    obelix_key: str
    review_key: str
    formula: str
    obelix_label: str
    obelix_family: str
    review_family: str
    obelix_conductivity_mS_cm: float | None
    review_conductivity_mS_cm: float | None

    _UNITS: ClassVar[dict[str, str]] = {
        "obelix_conductivity_mS_cm": "obelix_conductivity [mS/cm]",
        "review_conductivity_mS_cm": "review_conductivity [mS/cm]",
    }

    def _title(self) -> str:
        return f"{self.formula}: OBELiX {self.obelix_key} ↔ review {self.review_key}"

    @property
    def families_agree(self) -> bool:
        """Whether both sides give the same family (or one gives none)."""
        return (
            not self.obelix_family
            or not self.review_family
            or (self.obelix_family == self.review_family)
        )


@dataclass(frozen=True)
class FamilyMappingReport:
    """What :func:`family_mapping_report` found (see its docstring)."""

    n_rows: int
    labels: tuple[LabelCount, ...]
    class_disagreements: tuple[ClassDisagreement, ...]
    review_matches: tuple[ReviewMatch, ...]

    @property
    def unmapped_labels(self) -> tuple[str, ...]:
        """Labels with no family or class of ours."""
        return tuple(lc.label for lc in self.labels if lc.status == "unmapped")

    def __str__(self) -> str:
        return (
            f"FamilyMappingReport: {self.n_rows} OBELiX rows, {len(self.labels)} family "
            f"labels ({len(self.unmapped_labels)} unmapped), {len(self.class_disagreements)} "
            f"chemical-class disagreements, {len(self.review_matches)} review matches"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "n_rows": self.n_rows,
            "labels": [
                vars(lc) | {"computed_classes": dict(lc.computed_classes)} for lc in self.labels
            ],
            "unmapped_labels": list(self.unmapped_labels),
            "class_disagreements": [
                vars(d) | {"expected_classes": list(d.expected_classes)}
                for d in self.class_disagreements
            ],
            "review_matches": [
                {
                    "obelix_key": m.obelix_key,
                    "review_key": m.review_key,
                    "formula": m.formula,
                    "obelix_label": m.obelix_label,
                    "obelix_family": m.obelix_family,
                    "review_family": m.review_family,
                    "obelix_conductivity [mS/cm]": m.obelix_conductivity_mS_cm,
                    "review_conductivity [mS/cm]": m.review_conductivity_mS_cm,
                    "families_agree": m.families_agree,
                }
                for m in self.review_matches
            ],
        }


def _expected_classes(review: Iterable[Electrolyte]) -> dict[str, set[str]]:
    """Family → the chemical classes the review's own rows of that family have."""
    out: dict[str, set[str]] = {}
    for row in review:
        if row.family and row.chemical_class:
            out.setdefault(row.family, set()).add(row.chemical_class)
    return out


def family_mapping_report(rows: Iterable[Electrolyte] | None = None) -> FamilyMappingReport:
    """How OBELiX's family labels map onto ours, and where they disagree.

    * ``labels``: every OBELiX label with its count, its mapping status and the
      composition-based chemical classes of its rows;
    * ``class_disagreements``: rows whose class from composition is not one the label
      implies — for a class-only label, that class; for a family, the classes the review's
      own rows of that family have (e.g. a "garnet" that is not an oxide);
    * ``review_matches``: OBELiX rows with the composition of a review row, with both
      families and conductivities (mS cm⁻¹) side by side.
    """
    data = tuple(load_obelix() if rows is None else rows)
    review = load_review_dataset()
    expected_by_family = _expected_classes(review)
    by_label: dict[str, list[Electrolyte]] = {}
    for row in data:
        by_label.setdefault(row.source_family, []).append(row)
    labels = []
    for label, members in sorted(by_label.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        mapping = OBELIX_FAMILY_MAP.get(label)
        if not label:
            mapping = FamilyMapping("", "", "empty", "no label in OBELiX")
        elif mapping is None:
            mapping = FamilyMapping("", "", "unmapped", "no family of ours")
        labels.append(
            LabelCount(
                label=label,
                count=len(members),
                family=mapping.family,
                chemical_class=mapping.chemical_class,
                status=mapping.status,
                note=mapping.note,
                computed_classes=dict(Counter(m.chemical_class for m in members)),
            )
        )
    disagreements = []
    for row in data:
        mapping = OBELIX_FAMILY_MAP.get(row.source_family)
        if mapping is None:
            continue
        if mapping.chemical_class:
            expected = {mapping.chemical_class}
        else:
            expected = expected_by_family.get(mapping.family, set())
        if expected and row.chemical_class not in expected:
            disagreements.append(
                ClassDisagreement(
                    key=row.key,
                    formula=row.formula,
                    label=row.source_family,
                    expected_classes=tuple(sorted(expected)),
                    computed_class=row.chemical_class,
                )
            )
    matches = []
    review_compositions = []
    for r in review:
        if is_symbolic(r.formula) and r.x is None:
            continue
        review_compositions.append((r, r.composition().fractional_composition))
    for row in data:
        fractional = parse_formula(row.formula).fractional_composition
        for r, comp in review_compositions:
            if comp.almost_equals(fractional, rtol=1e-3, atol=1e-4):
                matches.append(
                    ReviewMatch(
                        obelix_key=row.key,
                        review_key=r.key,
                        formula=row.formula,
                        obelix_label=row.source_family,
                        obelix_family=row.family,
                        review_family=r.family,
                        obelix_conductivity_mS_cm=row.conductivity_mS_cm,
                        review_conductivity_mS_cm=r.conductivity_mS_cm,
                    )
                )
    return FamilyMappingReport(
        n_rows=len(data),
        labels=tuple(labels),
        class_disagreements=tuple(disagreements),
        review_matches=tuple(matches),
    )
