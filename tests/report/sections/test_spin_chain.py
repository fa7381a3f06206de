"""The report's Fig. 14 (review §2.3.9): files written and numbers read back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ssbattery.report.sections.spin_chain import FIGURES, build_fig14


def test_fig14_builds_png_svg_csv_with_the_measured_ratios(tmp_path: Path) -> None:
    assert [f.key for f in FIGURES] == ["fig14_spin_chain_anisotropy"]
    art = build_fig14(tmp_path)
    assert {p.suffix for p in art.images} == {".png", ".svg"}
    assert all(p.stat().st_size > 1000 for p in art.images)
    with art.tables[0].open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 41
    first, last = rows[0], rows[-1]
    assert float(first["alpha"]) == -1.0 and float(last["alpha"]) == 1.0
    # Measured with this code (see test_spin_chain_model.py::test_fig14_ratios).
    assert float(first["ratio_nn"]) == pytest.approx(1.206832, abs=2e-6)
    assert float(first["ratio_lr"]) == pytest.approx(1.341110, abs=2e-6)
    assert float(last["ratio_nn"]) == 1.0 and float(last["ratio_lr"]) == 1.0
    assert "falls monotonically" in art.summary
    assert art.parameters["n_sites"] == 4 and art.parameters["charging"] == 12.0
