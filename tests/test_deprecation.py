"""The renamed names (docs/glossary.md) keep working for one release: each old spelling
gives the same object or number as the new one and warns with a DeprecationWarning that
names the new one; the old and the new name together are an error."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.quantum.dicke import DickeParameters, eta_critical, g_critical
from ssbattery.quantum.open import Dissipation
from ssbattery.thermal.heat_battery import HeatBattery, heat_battery
from ssbattery.thermal.otto import qubit_otto
from ssbattery.thermal.pumped_battery import PumpedChargingResult

runner = CliRunner()


def test_pumped_charging_result_old_name() -> None:
    import ssbattery.thermal.pumped_battery as pb

    with pytest.warns(DeprecationWarning, match="PumpedChargingResult"):
        assert pb.ChargingResult is PumpedChargingResult


def test_physical_range_old_name() -> None:
    import ssbattery.validation as validation

    with pytest.warns(DeprecationWarning, match="PhysicalRange"):
        assert validation.Quantity is validation.PhysicalRange
    assert validation.QUANTITIES["temperature_K"].unit == "K"


def test_dicke_cavity_frequency_old_keyword_and_attributes() -> None:
    new = DickeParameters(4, 0.2, omega_cav=0.7, photon_cutoff=10, t_max=3.0)
    with pytest.warns(DeprecationWarning, match="omega_cav"):
        old = DickeParameters(4, 0.2, omega_c=0.7, photon_cutoff=10, t_max=3.0)
    assert old == new
    for former, current in (("omega_c", 0.7), ("cutoff", 10), ("charging_time", 3.0)):
        with pytest.warns(DeprecationWarning, match=former):
            assert getattr(new, former) == current
    with pytest.raises(TypeError, match="both"):
        DickeParameters(4, 0.2, omega_c=0.7, omega_cav=0.7)
    # the defaults resolve into the fields themselves: 4N and π/(g√N)
    auto = DickeParameters(4, 0.2)
    assert auto.photon_cutoff == 16 and auto.t_max == pytest.approx(3.14159265 / 0.4)
    assert [f.name for f in dataclasses.fields(new)][:4] == [
        "n_atoms",
        "coupling",
        "omega_a",
        "omega_cav",
    ]


def test_dicke_functions_old_keyword() -> None:
    with pytest.warns(DeprecationWarning):
        assert eta_critical(10, 0.1, omega_a=2.0, omega_c=0.5) == eta_critical(
            10, 0.1, omega_a=2.0, omega_cav=0.5
        )
    with pytest.warns(DeprecationWarning):
        assert g_critical(8, omega_c=0.6) == g_critical(8, omega_cav=0.6)
    diss = Dissipation(cavity_loss=0.1, bath_temperature=0.5)
    with pytest.warns(DeprecationWarning):
        assert diss.jump_rates(omega_c=2.0) == diss.jump_rates(omega_cav=2.0)


def test_metrics_and_summary_old_methods() -> None:
    otto = qubit_otto()
    with pytest.warns(DeprecationWarning, match="to_dict"):
        m = otto.metrics()
    assert m["work"] == otto.work and m["mode"] == otto.mode
    hb = heat_battery(HeatBattery(0.05, 10.0, 0.1, 0.1, 0.1, 1.0), 5.0)
    with pytest.warns(DeprecationWarning, match="to_dict"):
        m = hb.metrics()
    assert m["work"] == hb.work and m["tau"] == 5.0
    assert hb.to_dict()["work [ω0]"] == hb.work
    assert "work = " in str(hb)


def test_heat_battery_sweep_best_is_optima() -> None:
    from ssbattery.thermal.heat_battery import heat_battery_sweep

    sw = heat_battery_sweep([0.5, 2.0, 8.0], [0.02, 0.05])
    with pytest.warns(DeprecationWarning, match="optima"):
        old = sw.best()
    new = sw.optima()
    # the old dict's keys still read the same arrays: max over the τ grid per coupling
    np.testing.assert_array_equal(old["max_power"], np.nanmax(sw.power, axis=1))
    np.testing.assert_array_equal(new.tau_max_power, sw.taus[np.nanargmax(sw.power, axis=1)])
    assert new.to_dict()["max_efficiency [1]"] == [float(x) for x in new.max_efficiency]
    assert f"λ = 0.05 ω0: η_max = {new.max_efficiency[1]:.4g}" in str(new)


def test_cli_old_option_names_warn_and_give_the_same_json() -> None:
    import json

    base = ["--coupling", "0.3", "--photon-cutoff", "8", "--steps", "20", "--json"]
    new = runner.invoke(app, ["dicke", "--n-atoms", "2", "--omega-cav", "1.0", *base])
    old = runner.invoke(app, ["dicke", "--atoms", "2", "--omega-c", "1.0", *base])
    assert new.exit_code == 0 and old.exit_code == 0, old.output
    assert "`--atoms` is deprecated" in old.stderr and "`--n-atoms`" in old.stderr
    assert "`--omega-c` is deprecated" in old.stderr
    assert json.loads(old.stdout) == json.loads(new.stdout)
    chain = runner.invoke(app, ["spin-chain", "--sites", "3", "--steps", "20", "--json"])
    assert chain.exit_code == 0 and "`--sites` is deprecated" in chain.stderr
    assert json.loads(chain.stdout)["parameters"]["n_sites"] == 3
    missing = runner.invoke(app, ["dicke", "--coupling", "0.3"])
    assert missing.exit_code == 2 and "--n-atoms" in missing.output


def test_chebyshev_window_propagator_is_the_wavefront_one() -> None:
    """The per-term Chebyshev window propagator went (the wavefront one, the same
    expansion, was faster in every measurement, RESULTS_dicke_window.md §2e–2g): the old
    name runs the wavefront propagator and warns; the old module's bounds are the new ones."""
    import json

    import ssbattery.quantum.dicke_chebyshev as old_module
    from ssbattery.quantum.dicke import charge_dicke
    from ssbattery.quantum.dicke_wavefront import gershgorin_bounds
    from ssbattery.quantum.dicke_window import PhotonWindow

    with pytest.warns(DeprecationWarning, match='propagator="wavefront"'):
        old = PhotonWindow(propagator="chebyshev", block=3)
    assert old == PhotonWindow(propagator="wavefront", block=3)
    p = DickeParameters(6, 0.3)
    e_old = charge_dicke(p, window=old, ergotropy=False).energy
    e_new = charge_dicke(p, window=PhotonWindow(propagator="wavefront", block=3), ergotropy=False)
    np.testing.assert_array_equal(e_old, e_new.energy)
    with pytest.warns(DeprecationWarning, match="dicke_wavefront.gershgorin_bounds"):
        assert old_module.gershgorin_bounds is gershgorin_bounds
    with pytest.raises(AttributeError, match="propagate_wavefront"):
        _ = old_module.propagate_chebyshev
    base = ["dicke", "--n-atoms", "6", "--coupling", "0.3", "--steps", "40", "--json"]
    new_cli = runner.invoke(app, [*base, "--propagator", "wavefront"])
    old_cli = runner.invoke(app, [*base, "--propagator", "chebyshev"])
    assert new_cli.exit_code == 0 and old_cli.exit_code == 0, old_cli.output
    assert "`--propagator chebyshev` is deprecated" in old_cli.stderr
    assert "`--propagator wavefront`" in old_cli.stderr
    old_out, new_out = json.loads(old_cli.stdout), json.loads(new_cli.stdout)
    for out in (old_out, new_out):
        del out["parameters"]["propagation_seconds"]  # the only field that differs: timing
    assert old_out == new_out
