"""Solid electrolytes: the review's cited dataset, formula parsing and external tables.

The main entry points (see :mod:`ssbattery.electrolytes.dataset`):

* :func:`load_review_dataset`, :func:`find_electrolyte`, :func:`query` — the review's
  electrolytes (Gomes et al., J. Mater. Chem. A 2024, 12, 690, §1–§2) with references;
* :func:`parse_formula` — formulas as the review writes them → pymatgen ``Composition``;
* :func:`chemical_class` — the class from the dominant anions (oxide, sulfohalide, …;
  vocabulary :data:`CHEMICAL_CLASSES`), the one classifier behind the dataset's column;
* :func:`load_obelix`, :func:`family_mapping_report` — the OBELiX table through the same
  API, with its family labels mapped onto ours.

Other parts (transport laws, impedance, screening, scorecard, capacity, cost) live in
their own submodules.
"""

from __future__ import annotations

from ssbattery.electrolytes.anions import CHEMICAL_CLASSES, ChemicalClass, chemical_class
from ssbattery.electrolytes.dataset import (
    Electrolyte,
    find_electrolyte,
    find_electrolytes,
    load_review_dataset,
    query,
)
from ssbattery.electrolytes.formula import parse_formula
from ssbattery.electrolytes.obelix import family_mapping_report, load_obelix

__all__ = [
    "CHEMICAL_CLASSES",
    "ChemicalClass",
    "Electrolyte",
    "chemical_class",
    "family_mapping_report",
    "find_electrolyte",
    "find_electrolytes",
    "load_obelix",
    "load_review_dataset",
    "parse_formula",
    "query",
]
