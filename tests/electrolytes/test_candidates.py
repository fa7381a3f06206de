"""Candidate files for the conductivity model: one formula per line (the first CSV field)."""

from __future__ import annotations

import pytest

from ssbattery.electrolytes.candidates import (
    PREDICTION_COLUMNS,
    read_formulas,
    write_predictions,
)
from ssbattery.electrolytes.conductivity_model import ConductivityPrediction
from ssbattery.errors import DataFormatError, OutputPathError


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
    with pytest.raises(DataFormatError, match=r"c\.txt line 3: 'Lq7X' .*unknown element"):
        read_formulas(p)
    # the CLI's option names the file; an amount that overflows a float (Li1e400 in
    # exponent notation, or 10 000 digits) is refused with its line, not as an OverflowError
    p.write_text("Li3N\nLi1e400O\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"`--from-file` '.*c\.txt' line 2: 'Li1e400O'"):
        read_formulas(p, option="--from-file")
    p.write_text("Li3N\n\nLi" + "3" * 10_000 + "N\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 3: .*amount of inf .*above the 1e\+06"):
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
    with pytest.raises(DataFormatError, match=r"`--from-file` '.*absent\.txt': no such file"):
        read_formulas(tmp_path / "absent.txt", option="--from-file")
    with pytest.raises(DataFormatError, match="is a folder; give a text file inside it"):
        read_formulas(tmp_path)


def test_formulas_the_classifier_reads_are_read_here_too(tmp_path) -> None:
    # one parser for predict and classify: subscript digits, fractions, hydrates
    p = tmp_path / "c.txt"
    p.write_text("Li₃N\nLi2/3La1/3TiO3\nLiCl·H2O\n", encoding="utf-8")
    assert read_formulas(p) == ("Li₃N", "Li2/3La1/3TiO3", "LiCl·H2O")


def _prediction(formula: str, y: float, h: float) -> ConductivityPrediction:
    return ConductivityPrediction(
        formula, y, y - h, y + h, 0.9, ("Cs",) if "Cs" in formula else (), (("Li3PS4", -4.0),)
    )


def test_predictions_written_one_row_each_with_units_in_the_columns(tmp_path) -> None:
    import csv

    preds = [_prediction("Li6PS5Cl", -2.5, 1.25), _prediction("Li2CsI3", -6.0, 3.0)]
    path = write_predictions(tmp_path / "out.csv", preds)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == PREDICTION_COLUMNS and len(rows) == 2
    assert float(rows[0]["sigma_mS_cm"]) == pytest.approx(1e3 * 10**-2.5)  # S/cm → mS/cm
    assert float(rows[0]["lower_log10_S_cm"]) == -3.75 and float(rows[0]["half_width_dex"]) == 1.25
    assert rows[1]["unseen_elements"] == "Cs" and rows[1]["nearest_training"] == "Li3PS4"
    # an existing file is replaced whole; a refused path writes nothing
    write_predictions(path, preds[:1])
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    with pytest.raises(OutputPathError, match=r"`--csv` .* must end in \.csv"):
        write_predictions(tmp_path / "out.txt", preds, option="--csv")
    assert not (tmp_path / "out.txt").exists()


def test_a_binary_file_is_refused_as_such(tmp_path) -> None:
    # a file with NUL bytes was read as text and refused at "line 2" for a stray character
    path = tmp_path / "list.txt"
    path.write_bytes(b"Li6PS5Cl\n\x00\x01\x02binary\n")
    with pytest.raises(DataFormatError, match="NUL bytes, so it is a binary file"):
        read_formulas(path, option="--from-file")
    path.write_bytes(b"Li6PS5Cl\nLi3YCl6\n")
    assert read_formulas(path) == ("Li6PS5Cl", "Li3YCl6")
