"""CLI of the cell part: align, landau, self-charge, topology (JSON, plots, exit codes)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_align_li_cu_json_gives_eq1_voltage() -> None:
    out = _json(["align", "--mu-electrolyte", "-3.0", "--json"])
    a = out["alignment"]
    # μ(Li) = −1.39 eV, μ(Cu) = −4.6 eV (review §1.3): ΔV = 3.21 V = ΔV_AE + ΔV_EC
    assert math.isclose(a["cell_voltage [V]"], 3.21, abs_tol=1e-9)
    assert math.isclose(a["dV_AE [V]"] + a["dV_EC [V]"], 3.21, abs_tol=1e-9)
    # every number's key carries its unit (the voltages' keys used to have none)
    assert a["mu_anode [eV]"] == -1.39 and a["mu_cathode [eV]"] == -4.6
    assert "cell_voltage" not in a and "dV_AE" not in a
    assert "1.39" in out["sources"]["anode"]


def test_align_explicit_potentials_and_band_edges(tmp_path: Path) -> None:
    png = tmp_path / "band.png"
    out = _json(
        [
            "align",
            "--mu-anode",
            "-1.39",
            "--mu-cathode",
            "-2.5",
            "--band-gap",
            "2",
            "--cbm",
            "-2",
            "--json",
            "--plot",
            str(png),
        ]
    )
    a = out["alignment"]
    assert math.isclose(a["mu_electrolyte [eV]"], -3.0)  # mid-gap
    assert a["formula"] == "ΔV_AE − ΔV_EC"
    assert png.stat().st_size > 0


@pytest.mark.parametrize(
    "args",
    [
        ["align", "--anode", "Cu", "--cathode", "Li"],
        ["align", "--band-gap", "-1", "--cbm", "-2"],
        ["align", "--electrolyte", "NoSuchGlass"],
        ["landau", "--alpha", "-1", "--beta", "-1"],
        ["landau", "--alpha", "-1", "--alpha0", "1"],
        ["landau"],
        ["self-charge", "--load-ohm", "-5"],
        ["self-charge", "--tau", "0"],
        ["self-charge", "--feedback", "-1"],
        ["align", "--mu-anode", "nan"],
        ["topology", "qwz", "--rows", "0"],
        ["topology", "graphene"],
        ["topology", "ssh", "--n-cells", "0"],
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0 and result.output.startswith("error:")


def test_landau_json_matches_closed_forms() -> None:
    out = _json(["landau", "--alpha", "-2", "--beta", "3", "--c-d", "0.3", "--json"])
    assert math.isclose(out["spontaneous_polarisation"], math.sqrt(2 / 3), rel_tol=1e-9)
    ec = 2 * 2**1.5 / (3 * math.sqrt(3) * math.sqrt(3))
    assert math.isclose(out["coercive_field"], ec, rel_tol=1e-9)
    assert out["series_with_dielectric"]["stable"] is True
    t = _json(["landau", "--alpha0", "0.01", "--tc", "400", "--temperature", "300", "--json"])
    assert math.isclose(t["coefficients"]["alpha"], -1.0)


def test_self_charge_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "sc.png"
    out = _json(["self-charge", "--t-end", "60", "--json", "--plot", str(png)])
    assert out["oscillating"] is True and out["hopf_load_ohm"] > 1800
    assert out["fixed_point"]["capacitance_F"] < 0
    assert png.stat().st_size > 0
    stable = _json(["self-charge", "--load-ohm", "5000", "--t-end", "60", "--json"])
    assert stable["oscillating"] is False and stable["fixed_point"]["stable"] is True


@pytest.mark.parametrize(
    ("model", "key", "value"), [("ssh", "winding_number", 1), ("qwz", "chern_number", -1)]
)
def test_topology_json(model: str, key: str, value: int) -> None:
    out = _json(["topology", model, "--json"])
    assert out[key] == value


def test_topology_bbh_plot(tmp_path: Path) -> None:
    png = tmp_path / "bbh.png"
    out = _json(["topology", "bbh", "--size", "6", "--json", "--plot", str(png)])
    assert len(out["corner_energies"]) == 4 and max(map(abs, out["corner_energies"])) < 1e-2
    assert png.stat().st_size > 0


@pytest.mark.parametrize("role", ["anode", "cathode"])
def test_align_unknown_metal_names_the_option_typed(role: str) -> None:
    # `align --anode Pt` used to blame `electrode` and suggest --mu-cathode
    result = runner.invoke(app, ["align", f"--{role}", "Pt"])
    assert result.exit_code == 2
    assert f"`--{role}` 'Pt' is not in the table; known: Li, Na, K, Cu" in result.output
    assert f"`--mu-{role}`" in result.output
    other = "cathode" if role == "anode" else "anode"
    assert f"--mu-{other}" not in result.output
    # the fix it names works: μ(K) given directly, ΔV = μ_A − μ_C = −2.3 − (−4.6) = 2.3 V
    mu = ["--mu-anode", "-2.3"] if role == "anode" else ["--mu-cathode", "-4.6"]
    out = _json(["align", f"--{role}", "Pt", *mu, "--json"])
    expected = 2.3 if role == "anode" else -1.39 + 4.6
    assert math.isclose(out["alignment"]["cell_voltage [V]"], expected, abs_tol=1e-9)


def test_align_and_classify_share_one_table_of_metals() -> None:
    # `classify --metal K` used μ(K⁰) = −1.50 eV while `align --anode K` refused K: two
    # tables. K/Li6PS5Cl/Cu: ΔV = μ_A − μ_C = −1.50 − (−4.6) = 3.10 V
    out = _json(["align", "--anode", "K", "--json"])
    assert math.isclose(out["alignment"]["cell_voltage [V]"], 3.10, abs_tol=1e-9)
    assert "Not given in the review" in out["sources"]["anode"]
    from ssbattery.cell.alignment import ELECTRODES
    from ssbattery.electrolytes.screening import METAL_CHEMICAL_POTENTIALS

    assert {k: e.mu_eV for k, e in ELECTRODES.items()} == {
        k: m.mu_eV for k, m in METAL_CHEMICAL_POTENTIALS.items()
    }
