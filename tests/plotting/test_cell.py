"""Plots of the cell part, read back from the axes, and the report builders."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ssbattery.cell.alignment import align
from ssbattery.cell.discharge import discharge_curve
from ssbattery.cell.landau import LandauCoefficients, hysteresis_loop
from ssbattery.cell.topology import qwz_ribbon
from ssbattery.plotting.cell import (
    plot_band_diagram,
    plot_discharge_curve,
    plot_hysteresis,
    plot_landau_capacitance,
    plot_qwz_ribbon,
)
from ssbattery.report.sections.cell import FIGURES


def _line(ax: plt.Axes, label: str) -> matplotlib.lines.Line2D:
    return next(line for line in ax.lines if line.get_label() == label)


def test_band_diagram_levels_read_back() -> None:
    a = align(-1.39, -4.6, band_gap_eV=3.0, cbm_eV=-2.23)
    ax = plot_band_diagram(a)
    assert np.allclose(_line(ax, "μ_A").get_ydata(), -1.39)
    assert np.allclose(_line(ax, "μ_C").get_ydata(), -4.6)
    assert np.allclose(_line(ax, "μ_E").get_ydata(), -2.23 - 1.5)
    assert np.allclose(_line(ax, "E_V").get_ydata(), -5.23)
    plt.close("all")


def test_discharge_plot_has_plateau_voltage() -> None:
    curve = discharge_curve(mu_anode_eV=-1.39)
    ax = plot_discharge_curve(curve)
    v = np.asarray(_line(ax, "equilibrium").get_ydata())
    assert math.isclose(float(np.median(v)), -1.39 + 4.2, abs_tol=1e-9)  # plateau at μ_A − μ₀
    plt.close("all")


def test_landau_plots_read_back() -> None:
    c = LandauCoefficients(-1.0, 1.0)
    ax = plot_landau_capacitance(c)
    q = np.asarray(_line(ax, "d²U/dQ²").get_xdata())
    y = np.asarray(_line(ax, "d²U/dQ²").get_ydata())
    assert math.isclose(float(y[np.argmin(np.abs(q))]), -1.0, abs_tol=1e-4)  # α at Q = 0
    loop = hysteresis_loop(c, n_points=401)
    ax2 = plot_hysteresis(loop)
    assert math.isclose(float(np.max(_line(ax2, "sweep up").get_ydata())), loop.Q_up.max())
    plt.close("all")


def test_qwz_ribbon_plot_scatter_data() -> None:
    r = qwz_ribbon(-1.0, 8, n_kx=11)
    ax = plot_qwz_ribbon(r)
    offsets = ax.collections[0].get_offsets()
    assert offsets.shape == (11 * 16, 2)
    plt.close("all")


def test_report_keys_and_fast_figures(tmp_path: Path) -> None:
    keys = [f.key for f in FIGURES]
    assert keys == [
        "fig1_band_alignment",
        "fig1_discharge_curve",
        "fig9_landau_negative_capacitance",
        "fig16c_self_charging_oscillation",
        "fig10_topological_states",
    ]
    for spec in FIGURES[:2]:
        art = spec.build(tmp_path)
        assert all(p.exists() for p in (*art.images, *art.tables)) and art.summary
    with (tmp_path / "fig1_band_alignment.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # panel a: Li (−1.39 eV) against μ(Cu) = −4.6 eV → 3.21 V (eq. 1)
    assert math.isclose(float(rows[0]["cell_voltage_V"]), 3.21, abs_tol=1e-9)


def test_fig1_panels_share_one_electrolyte_potential(tmp_path: Path) -> None:
    """Issue 13 §4: both Fig. 1 panels use Li6PS5Cl's mid-gap μ_E = E_c − Eg/2 from the data,
    and the band diagram's state (c) is the discharge curve's last point (same cell)."""
    from ssbattery.cell.alignment import find_electrolyte_levels

    lpscl = find_electrolyte_levels("Li6PS5Cl")
    mu_e = lpscl.cbm_eV - lpscl.band_gap_eV / 2  # −2.23 − 1.5 = −3.73 eV
    alignment, discharge = (spec.build(tmp_path) for spec in FIGURES[:2])
    assert alignment.parameters["mu_electrolyte_eV"] == pytest.approx(mu_e)
    assert discharge.parameters["mu_electrolyte_eV"] == pytest.approx(mu_e)
    assert discharge.parameters["mu0_eV"] == alignment.parameters["cathode_mu0_eV"]
    with (tmp_path / "fig1_discharge_curve.csv").open(encoding="utf-8") as fh:
        last = list(csv.DictReader(fh))[-1]
    assert alignment.parameters["mu_C_panels_eV"][2] == pytest.approx(float(last["mu_C_eV"]))
    assert float(last["mu_C_eV"]) > mu_e  # the end of discharge has passed μ_E (Fig. 1c)
    with (tmp_path / "fig1_band_alignment.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert all(float(r["mu_E_eV"]) == pytest.approx(mu_e) for r in rows)
