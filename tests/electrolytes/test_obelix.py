"""OBELiX through the dataset API: counts, unit conversion, family mapping and its report."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from ssbattery.electrolytes.dataset import FAMILIES, find_electrolyte, find_electrolytes, query
from ssbattery.electrolytes.obelix import (
    OBELIX_FAMILY_MAP,
    family_mapping_report,
    load_obelix,
    obelix_path,
)
from ssbattery.errors import DataFormatError

ROWS = load_obelix()


def _raw() -> list[dict[str, str]]:
    with obelix_path().open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_loads_all_599_rows_with_unique_keys() -> None:
    assert len(ROWS) == 599
    assert len({r.key for r in ROWS}) == 599
    assert all(r.dataset == "obelix" and r.mobile_ion == "Li" for r in ROWS)
    assert (obelix_path().parent / "LICENSE.txt").read_text().startswith("# Attribution 4.0")


def test_conductivity_converted_from_s_per_cm() -> None:
    raw = {r["ID"]: r for r in _raw()}
    checked = 0
    for row in ROWS:
        text = raw[row.variant.removeprefix("OBELiX ")]["Ionic conductivity (S cm-1)"]
        if text.startswith("<"):
            # "<1E-10" S/cm is an upper bound of 1e-7 mS/cm
            assert row.conductivity_qualifier == "<"
            assert row.conductivity_mS_cm == pytest.approx(float(text[1:]) * 1e3)
        else:
            assert row.conductivity_mS_cm == pytest.approx(float(text) * 1e3, rel=1e-12)
            checked += 1
        assert row.temperature_C == 25.0
    assert checked == 599 - 37  # 36 rows "<1E-10" and one "<1E-8"
    # the first row of all.csv: Li7BiO6, 1.58489e-06 S/cm → 1.58489e-03 mS/cm, P -1 (#2)
    first = ROWS[0]
    assert first.formula == "Li7BiO6" and first.key == "Li7BiO6 [OBELiX jqc]"
    assert first.conductivity_mS_cm == pytest.approx(1.58489e-3)
    assert first.crystal_system == "triclinic" and first.space_group == "P -1"
    assert first.doi == "10.1002/zaac.200500231"


def test_families_mapped_onto_our_vocabulary() -> None:
    for row in ROWS:
        assert row.family == "" or row.family in FAMILIES
        mapping = OBELIX_FAMILY_MAP.get(row.source_family)
        assert row.family == (mapping.family if mapping else "")
    lgps = [r for r in ROWS if r.source_family == "LGPS"]
    assert len(lgps) == 36 and {r.family for r in lgps} == {"thio-LISICON"}
    assert len(query(dataset="obelix", family="NASICON")) == 134
    assert len(query(dataset="obelix", family="garnet")) == 105 + 2  # garnet + garnet-like
    both = query(dataset="all", ion="Li", min_conductivity_mS_cm=10)
    assert {r.dataset for r in both} == {"review", "obelix"}


def test_mapping_report_counts_and_disagreements() -> None:
    report = family_mapping_report()
    assert report.n_rows == 599
    assert sum(lc.count for lc in report.labels) == 599
    counts = {lc.label: lc for lc in report.labels}
    assert counts["NASICON"].count == 134 and counts["NASICON"].status == "exact"
    assert counts["LGPS"].status == "merged" and counts["garnet-like"].status == "merged"
    assert counts["oxides"].status == "class-only" and counts["oxides"].chemical_class == "oxide"
    assert counts[""].count == 33 and counts[""].status == "empty"
    assert "pyrochlore" in report.unmapped_labels and "Tavorite" in report.unmapped_labels
    # every NASICON row of OBELiX is an oxide by composition
    assert dict(counts["NASICON"].computed_classes) == {"oxide": 134}
    flagged = {d.formula: d for d in report.class_disagreements}
    # a borohydride labelled "argyrodites" is a hydride by composition
    assert flagged["Li5PS4(BH4)2"].computed_class == "hydride"
    # an iodide labelled "thio-LISICON" has a halogen: sulfohalide, not sulfide
    assert flagged["Li4PS4I"].computed_class == "sulfohalide"
    # Li3Nd3Te2O12 (a garnet) is an oxide: Te is a tellurate cation, not an anion
    assert "Li3Nd3Te2O12" not in flagged
    # the review's LGPS sits beside OBELiX's measurements of the same composition
    lgps = [m for m in report.review_matches if m.review_key == "Li10GeP2S12"]
    assert len(lgps) >= 4 and all(m.families_agree for m in lgps)
    assert all(m.review_conductivity_mS_cm == 12.0 for m in lgps)
    assert any(m.obelix_conductivity_mS_cm == pytest.approx(12.0) for m in lgps)
    d = report.to_dict()
    assert d["n_rows"] == 599 and len(d["labels"]) == len(report.labels)


def test_review_rows_are_unaffected() -> None:
    assert find_electrolyte("Li10GeP2S12").dataset == "review"


def test_other_path_and_bad_files(tmp_path: Path) -> None:
    copy = tmp_path / "all.csv"
    shutil.copy(obelix_path(), copy)
    assert len(load_obelix(copy)) == 599
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,Family\nabc,garnet\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=re.escape("missing OBELiX columns")):
        load_obelix(bad)
    lines = copy.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("1.58489e-06", "fast")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=re.escape("bad.csv line 2: ionic conductivity")):
        load_obelix(bad)
    lines = copy.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Li7BiO6,", "Qz7BiO6,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="unknown element symbol 'Qz'"):
        load_obelix(bad)


def test_find_across_datasets() -> None:
    rows = find_electrolytes("Li10GeP2S12", dataset="all")
    assert rows[0].dataset == "review"
    # OBELiX's Li10GeP2S12 measurements (mS/cm at RT) sit beside the review's 12
    assert sorted(round(r.conductivity_mS_cm or 0, 2) for r in rows[1:]) == [
        1.43,
        7.6,
        12.0,
        12.1,
        24.6,
    ]
    assert find_electrolyte("Li3OCl", dataset="obelix").formula == "Li3ClO"


def test_missing_folder_and_non_utf8_files_are_data_errors(tmp_path: Path) -> None:
    # these raised FileNotFoundError / IsADirectoryError / UnicodeDecodeError
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(obelix_path().read_bytes()[:300] + "é".encode("latin-1"))
    for path, message in [
        (tmp_path / "absent.csv", "no such file"),
        (tmp_path, "is a folder"),
        (latin, "not UTF-8 text"),
    ]:
        with pytest.raises(DataFormatError, match=message):
            load_obelix(path)
    # the shipped table still reads: 599 rows
    assert len(load_obelix(obelix_path())) == 599
