"""Candidate files for the conductivity model: one formula per line (the first CSV field)."""

from __future__ import annotations

import pytest

from ssbattery.electrolytes.candidates import read_formulas
from ssbattery.errors import DataFormatError


def test_formulas_in_file_order_skipping_header_comments_and_blanks(tmp_path) -> None:
    p = tmp_path / "candidates.csv"
    p.write_text(
        "\ufeffFormula;source\n# screening list\n\nLi6PS5Cl;argyrodite\nLi3YCl6,halide\n"
        "Li7La3Zr2O12\tgarnet\n  Li10GeP2S12  \n",
        encoding="utf-8",
    )
    assert read_formulas(p) == ("Li6PS5Cl", "Li3YCl6", "Li7La3Zr2O12", "Li10GeP2S12")


def test_a_bad_line_is_refused_with_its_number(tmp_path) -> None:
    p = tmp_path / "c.txt"
    p.write_text("Li6PS5Cl\n\nLq7X\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"c\.txt line 3: `formula` 'Lq7X'"):
        read_formulas(p)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"# nothing\n\n", "no formula in it"),
        (b"Li6PS5Cl\n\xff\xfe\n", "not UTF-8 text"),
    ],
)
def test_empty_and_non_utf8_files_are_refused(tmp_path, content, match) -> None:
    p = tmp_path / "c.txt"
    p.write_bytes(content)
    with pytest.raises(DataFormatError, match=match):
        read_formulas(p)


def test_missing_file_and_folder_are_refused(tmp_path) -> None:
    for p in (tmp_path / "absent.txt", tmp_path):
        with pytest.raises(DataFormatError, match="no such file"):
            read_formulas(p)
