"""Charts of the screening part: data read back from the axes, report builders' files."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from ssbattery.electrolytes.capacity import lic6_capacity
from ssbattery.electrolytes.screening import METAL_CHEMICAL_POTENTIALS
from ssbattery.plotting.electrolytes import (
    STATUS_CODES,
    plot_band_alignment,
    plot_band_gap_classes,
    plot_conductivity_chart,
    plot_film_cost,
    plot_lic6_capacity,
    plot_scorecard_matrix,
)
from ssbattery.report.sections.electrolytes import FIGURES


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def test_conductivity_chart_bars_and_log_scale() -> None:
    ax = plot_conductivity_chart(
        ["K2.99Ba0.005OCl", "Li6PS5Cl", "Li3YCl6"], [155.0, 4.96, 0.51], ["K", "Li", "Li"]
    )
    assert ax.get_xscale() == "log"
    widths = sorted(p.get_width() for c in ax.containers for p in c)
    assert widths == [0.51, 4.96, 155.0]
    assert len(ax.containers) == 2  # one per ion


def test_band_gap_chart_has_the_3_eV_line() -> None:
    ax = plot_band_gap_classes(["Na3YCl6", "Na2Y2/3Cl4"], [5.2, 3.17])
    assert np.asarray(ax.lines[0].get_ydata()).tolist() == [3.0, 3.0]
    assert [p.get_height() for p in ax.patches if isinstance(p, Rectangle)] == [5.2, 3.17]


def test_band_alignment_lines_and_points() -> None:
    mus = {m: p.mu_eV for m, p in METAL_CHEMICAL_POTENTIALS.items()}
    ax = plot_band_alignment(["Na3YCl6", "LLTO"], [-0.11, -3.6], [5.2, None], mus)
    assert [np.asarray(ln.get_ydata())[0] for ln in ax.lines[:4]] == [-1.39, -1.73, -1.5, -4.6]
    cbm = ax.collections[0].get_offsets()
    mu_e = ax.collections[1].get_offsets()
    np.testing.assert_allclose(np.asarray(cbm)[:, 1], [-0.11, -3.6])
    np.testing.assert_allclose(np.asarray(mu_e), [[0.0, -0.11 - 2.6]])


def test_lic6_chart_reads_back_177() -> None:
    xs = np.linspace(0, 0.5, 11)
    series = {"after": [lic6_capacity(float(x)).per_gram_discharged_electrode for x in xs]}
    ax = plot_lic6_capacity(xs.tolist(), series, review_values_mAh_g={"review": 177.0})
    assert np.asarray(ax.lines[0].get_ydata())[-1] == pytest.approx(177.41, abs=0.01)
    assert np.asarray(ax.lines[1].get_ydata())[0] == 177.0


def test_film_cost_chart_threshold_and_review_points() -> None:
    ax = plot_film_cost([10.0, 50.0], {"Li3YCl6": [4.61, 23.05]}, review_points={"Li3YCl6": 23.05})
    assert np.asarray(ax.lines[0].get_ydata()).tolist() == [4.61, 23.05]
    assert np.asarray(ax.lines[1].get_ydata())[0] == 10.0
    np.testing.assert_allclose(np.asarray(ax.collections[0].get_offsets()), [[50.0, 23.05]])


def test_scorecard_matrix_codes() -> None:
    ax = plot_scorecard_matrix(["A", "B"], ["P1", "P2"], [["met", "unknown"], ["not met", "met"]])
    grid = np.asarray(ax.images[0].get_array())
    assert grid.tolist() == [[STATUS_CODES["met"], 1], [0, 2]]


def test_report_keys() -> None:
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys))
    assert {"fig2_conductivity_chart", "fig3a_band_alignment", "fig3b_band_gap_classes"} <= set(
        keys
    )


@pytest.mark.parametrize("spec", FIGURES, ids=[f.key for f in FIGURES])
def test_report_builders_write_png_svg_csv(spec: object, tmp_path: Path) -> None:
    artifact = spec.build(tmp_path)  # type: ignore[attr-defined]
    assert len(artifact.images) == 2
    assert {p.suffix for p in artifact.images} == {".png", ".svg"}
    for path in (*artifact.images, *artifact.tables):
        assert path.exists() and path.stat().st_size > 0
    assert artifact.tables and artifact.summary and artifact.parameters
    with artifact.tables[0].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows


def test_cost_csv_matches_the_computation(tmp_path: Path) -> None:
    spec = next(f for f in FIGURES if f.key == "sec1_7_film_cost")
    artifact = spec.build(tmp_path)
    with artifact.tables[0].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    films = {r["formula"]: float(r["film_cost_usd_m2"]) for r in rows}
    assert films["Li2ZrCl6"] == pytest.approx(1.38, abs=0.005)
    assert films["Li3YCl6"] == pytest.approx(23.05, abs=0.005)
    assert "not in the review" in artifact.summary
