"""Report entries of the dataset: Table 1 rendering and the review beside OBELiX."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ssbattery.electrolytes.dataset import find_electrolyte, load_review_dataset
from ssbattery.plotting.electrolytes_data import (
    TABLE1_COLUMNS,
    plot_family_strip,
    plot_table1,
)
from ssbattery.report.sections.electrolytes_data import FIGURES, TABLE1_KEYS


def test_table1_plot_cells_read_back() -> None:
    rows = [find_electrolyte(k) for k in ("LAGP", "LLZO", "Na3YCl6")]
    ax = plot_table1(rows)
    table = ax.tables[0]
    assert table[0, 0].get_text().get_text() == TABLE1_COLUMNS[0]
    assert table[1, 2].get_text().get_text() == "R-3c"  # Table 1: LAGP "R-3c"
    assert table[2, 6].get_text().get_text() == "0.3–0.5"  # §1.2: LLZO 0.3–0.5 mS/cm
    assert table[3, 4].get_text().get_text() == "insulator"
    plt.close("all")


def test_family_strip_plots_review_values() -> None:
    review = load_review_dataset()
    ax = plot_family_strip(review, ())
    from matplotlib.collections import LineCollection, PathCollection

    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    plotted = sorted(float(y) for c in points for y in np.asarray(c.get_offsets())[:, 1])
    expected = sorted(
        r.conductivity_mS_cm for r in review if r.conductivity_mS_cm is not None and r.family
    )
    assert plotted == pytest.approx(expected)
    # the three stated ranges (Li6PS5Br, Li6PS5I at 1–10, LLZO at 0.3–0.5) are vertical bars
    bars = sorted(
        tuple(seg[:, 1])
        for c in ax.collections
        if not isinstance(c, PathCollection)
        if isinstance(c, LineCollection)
        for seg in c.get_segments()
    )
    assert bars == [(0.3, 0.5), (1.0, 10.0), (1.0, 10.0)]
    assert ax.get_yscale() == "log"
    plt.close("all")


def test_report_builders(tmp_path: Path) -> None:
    specs = {s.key: s for s in FIGURES}
    assert set(specs) == {"table1_electrolytes", "fig2_review_vs_obelix"}
    art = specs["table1_electrolytes"].build(tmp_path)
    assert all(p.exists() for p in (*art.images, *art.tables))
    with (tmp_path / "table1_electrolytes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(TABLE1_KEYS) == 13
    with (tmp_path / "table1_electrolytes_dataset.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(load_review_dataset())
    assert "by ion: Li" in art.summary
    art2 = specs["fig2_review_vs_obelix"].build(tmp_path)
    assert all(p.exists() for p in (*art2.images, *art2.tables))
    assert "NASICON" in art2.summary
