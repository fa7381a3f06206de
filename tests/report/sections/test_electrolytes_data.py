"""Report entries of the dataset: Table 1 rendering, the review beside OBELiX, and the
conductivity model on OBELiX's test split."""

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
    plot_parity,
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
    assert set(specs) == {
        "table1_electrolytes",
        "fig2_review_vs_obelix",
        "conductivity_model_test",
    }
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


def test_parity_plot_bars_and_colours() -> None:
    """One bar per row from its lower to its upper end at the measured value; blue where the
    interval holds the measurement, red where not; a censored row holds when lower ≤ bound."""
    from matplotlib.collections import LineCollection

    y = [-3.0, -5.0, -10.0, -10.0]
    p = [-3.5, -2.0, -9.0, -12.0]
    lo, hi = [-4.5, -3.0, -10.5, -13.0], [-2.5, -1.0, -7.5, -11.0]
    ax = plot_parity(y, p, lo, hi, [False, False, True, True])
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    inside, outside = (sorted(tuple(s[:, 1]) for s in b.get_segments()) for b in bars)
    # row 1 holds (−4.5 ≤ −3 ≤ −2.5), row 2 misses (−5 < −3), censored rows: −10.5 ≤ −10 holds,
    # and −13 ≤ −10 holds too (the true value lies anywhere below its bound)
    assert inside == [(-13.0, -11.0), (-10.5, -7.5), (-4.5, -2.5)]
    assert outside == [(-3.0, -1.0)]
    assert bars[0].get_colors()[0][2] > bars[0].get_colors()[0][0]  # blue
    assert bars[1].get_colors()[0][0] > bars[1].get_colors()[0][2]  # red
    plt.close("all")


def test_conductivity_model_figure_reports_the_test_split(tmp_path: Path) -> None:
    """The report's figure of the shipped model on OBELiX's 121 test rows: the figures of
    RESULTS_predict.md (MAE 1.205 dex; the adaptive 90 % intervals hold 107 rows, 88.4 %)."""
    spec = {s.key: s for s in FIGURES}["conductivity_model_test"]
    art = spec.build(tmp_path)
    assert all(p.exists() for p in (*art.images, *art.tables))
    with (tmp_path / "conductivity_model_test.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 121 and sum(r["covered"] == "True" for r in rows) == 107
    assert sum(r["censored"] == "True" for r in rows) == 8
    assert "MAE 1.205 dex" in art.summary and "107 of 121" in art.summary
