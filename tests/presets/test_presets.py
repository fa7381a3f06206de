"""The cited presets (``ssbattery.presets``): frozen, cited, looked up by name, and the
report's figures are built from them with the numbers the papers' parameters give."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.presets import (
    DICKE_CHARGING_CURVE,
    FIG14_SPIN_CHAIN,
    FIG15_HEAT_BATTERY,
    FIG16_OTTO,
    PRESETS,
    PUMPED_BATTERY,
    preset,
)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_frozen_and_cited(name: str) -> None:
    p = preset(name)
    assert p.name == name
    assert dataclasses.is_dataclass(p)
    # a citation names the review's figure, equation or section, or a paper
    assert any(word in p.citation for word in ("Fig.", "eq", "§", "Phys. Rev", "arXiv"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "other"  # type: ignore[misc]


def test_unknown_preset_lists_the_names() -> None:
    with pytest.raises(InvalidParameterError, match="fig16-otto"):
        preset("fig17")


def test_fig16_otto_preset_is_the_quasi_static_engine() -> None:
    # Adiabatic strokes with fully thermalising isochores give the Otto efficiency
    # 1 − ω_c/ω_h (review Fig. 16); the preset's baths reach it to 1e-3 at τ = 5.
    from ssbattery.thermal.otto import otto_efficiency, qubit_otto

    r = qubit_otto(**FIG16_OTTO.baths())
    assert r.mode == "engine"
    assert r.efficiency == pytest.approx(otto_efficiency(2.0, 1.0), abs=1e-12)
    spelled = qubit_otto(
        omega_h=2.0, omega_c=1.0, T_h=4.0, T_c=0.5, rate_h=0.5, rate_c=0.5, tau_h=5, tau_c=5
    )
    assert (r.work, r.heat_hot) == (spelled.work, spelled.heat_hot)
    assert FIG16_OTTO.baths(omega_c=0.3)["omega_c"] == 0.3
    assert FIG16_OTTO.ratios[0] == 0.15 and FIG16_OTTO.ratios[-1] == 0.95


def test_heat_battery_preset_builds_the_eq15_battery() -> None:
    bat = FIG15_HEAT_BATTERY.battery()
    assert (bat.coupling, bat.T_h, bat.T_c, bat.rate_h, bat.rate_c) == (0.05, 10.0, 0.1, 0.1, 0.1)
    assert len(FIG15_HEAT_BATTERY.taus) == 28
    assert FIG15_HEAT_BATTERY.taus[0] == pytest.approx(0.05)
    assert FIG15_HEAT_BATTERY.taus[-1] == pytest.approx(300.0)


def test_pumped_preset_engine_obeys_its_bound() -> None:
    # Two-stroke engine efficiency ≤ (1 − ω_c/ω_e) ω_e/ω_L (module docstring of
    # thermal.pumped_battery): at resonance with the preset's engine settings.
    from ssbattery.thermal.pumped_battery import engine_efficiency_bound, two_stroke_engine

    bat = PUMPED_BATTERY.battery
    e = two_stroke_engine(bat, bat.omega_a, **PUMPED_BATTERY.engine())
    bound = engine_efficiency_bound(bat, bat.omega_a, omega_c=PUMPED_BATTERY.engine_omega_c)
    assert bound == pytest.approx((1 - 0.5 / 1.0) * 1.0 / 1.5)
    assert 0 < e.efficiency <= bound


def test_fig14_preset_reaches_independent_spins_at_alpha_one() -> None:
    # At α = 1 the charger commutes with the interaction: P_max is that of N free spins.
    from ssbattery.quantum.spin_chain import independent_spins_power_max

    p = FIG14_SPIN_CHAIN.params
    assert (p.n_sites, p.field, p.charging, p.coupling) == (4, 3.0, 4 * 3.0, 3.0)
    assert len(FIG14_SPIN_CHAIN.alphas) == 41
    p_ind, _ = independent_spins_power_max(p)
    # 2NBω sin²y*/y* with tan y* = 2y*
    y = 1.1655611852072114
    assert p_ind == pytest.approx(2 * 4 * 3.0 * 12.0 * math.sin(y) ** 2 / y, rel=1e-9)


def test_dicke_charging_preset_uses_the_review_rules() -> None:
    p = DICKE_CHARGING_CURVE.params
    assert p.photon_cutoff == 4 * p.n_atoms
    assert p.t_max == pytest.approx(np.pi / (p.coupling * np.sqrt(p.n_atoms)))


def test_report_sections_take_their_settings_from_the_presets(tmp_path: Path) -> None:
    # One source: the report's figures are built from the presets (the CSVs of every
    # preset-built figure were byte-identical to those of the constants they replaced).
    from ssbattery.report.sections import dicke, spin_chain, thermal

    assert thermal.OTTO_RATIOS == FIG16_OTTO.ratios
    assert thermal.OTTO_LEVELS == FIG16_OTTO.oscillator_levels
    assert thermal.OTTO == {
        "omega_h": FIG16_OTTO.omega_h,
        "omega_c": FIG16_OTTO.omega_c,
        "T_h": FIG16_OTTO.T_h,
        "T_c": FIG16_OTTO.T_c,
        "rate": FIG16_OTTO.rate_h,
        "tau": FIG16_OTTO.tau_h,
    }
    assert thermal.HEAT_COUPLINGS == FIG15_HEAT_BATTERY.couplings
    assert thermal.ENGINE_OMEGA_C == PUMPED_BATTERY.engine_omega_c
    assert dicke.CURVE_ATOMS == DICKE_CHARGING_CURVE.params.n_atoms
    art = spin_chain.build_fig14(tmp_path)
    assert art.parameters["preset"] == FIG14_SPIN_CHAIN.name
    rows = (tmp_path / "fig14_spin_chain_anisotropy.csv").read_text().splitlines()
    assert len(rows) == 1 + len(FIG14_SPIN_CHAIN.alphas)
    assert rows[-1].split(",")[1] == "1.0000000000"  # P_max(α = 1)/P_max(α = 1)


def test_otto_defaults_are_the_fig16_preset() -> None:
    # the API's and the CLI's defaults read the preset, so `ssbattery otto` with no options
    # is the Fig. 16 cycle (η = 1 − ω_c/ω_h = 0.5, adiabatic strokes)
    import inspect

    from typer.testing import CliRunner

    from ssbattery.cli import app
    from ssbattery.thermal.otto import oscillator_otto, qubit_otto

    for fn in (qubit_otto, oscillator_otto):
        sig = inspect.signature(fn)
        assert {k: sig.parameters[k].default for k in FIG16_OTTO.baths()} == FIG16_OTTO.baths()
    out = CliRunner().invoke(app, ["otto", "--json"])
    assert out.exit_code == 0
    cli = json.loads(out.stdout)
    api = qubit_otto(**FIG16_OTTO.baths())
    assert cli["work [ω₀]"] == api.work
    assert cli["efficiency [1]"] == pytest.approx(
        1 - FIG16_OTTO.omega_c / FIG16_OTTO.omega_h, abs=1e-12
    )
