"""Operating modes, refrigerator output and swapped baths of the Otto cycle (issue 16 §1).

Modes after Solfanelli et al., Phys. Rev. B 101, 054513 (2020), Fig. 1: with all flows
into the medium and W + Q_h + Q_c = 0, a two-bath machine with T_h > T_c is an engine,
refrigerator, heater or accelerator; every other sign pattern breaks the second law.
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.errors import InvalidParameterError
from ssbattery.results import quantity_values
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.otto import (
    OttoCycle,
    WorkingMedium,
    carnot_cop,
    operating_mode,
    otto_cop,
    qubit_otto,
)

runner = CliRunner()


def test_the_four_allowed_modes_and_forbidden_patterns() -> None:
    assert operating_mode(-1.0, 3.0, -2.0) == "engine"
    assert operating_mode(1.0, -3.0, 2.0) == "refrigerator"
    assert operating_mode(1.0, -0.4, -0.6) == "heater"
    assert operating_mode(1.0, 0.5, -1.5) == "accelerator"
    # W = 0 with heat flowing hot → cold: conduction, the accelerator's W = 0 boundary
    assert operating_mode(0.0, 1.0, -1.0) == "accelerator"
    # (W, Q_h, Q_c) = (−, −, +): work from the cold bath while heating the hot one
    assert operating_mode(-1.0, -1.0, 2.0) == "forbidden"
    # (−, +, +): all heat turned into work (Kelvin) — and the first law fails too
    assert operating_mode(-1.0, 0.5, 0.5) == "forbidden"
    # heat from cold to hot without work (Clausius)
    assert operating_mode(0.0, -1.0, 1.0) == "forbidden"
    assert operating_mode(0.0, 0.0, 0.0) == "idle"
    # signs of an engine but above Carnot (T_c/T_h = 0.5, η = 0.75): entropy falls
    assert operating_mode(-3.0, 4.0, -1.0) == "engine"
    assert operating_mode(-3.0, 4.0, -1.0, T_h=2.0, T_c=1.0) == "forbidden"


def test_equal_frequencies_conduct_heat_from_hot_to_cold() -> None:
    r = qubit_otto(omega_h=1.5, omega_c=1.5, T_h=4.0, T_c=0.5)
    assert abs(r.work) < 1e-14
    assert r.heat_hot > 0 > r.heat_cold
    assert r.mode == "accelerator"


def test_refrigerator_reports_cooling_power_and_cops() -> None:
    # ω_c/ω_h = 0.25 < T_c/T_h = 0.9: fully thermalising strokes give the ideal Otto COP.
    r = qubit_otto(omega_h=4.0, omega_c=1.0, T_h=1.0, T_c=0.9, tau_h=60, tau_c=60)
    m = {"mode": r.mode, **quantity_values(r.quantities())}
    assert m["mode"] == "refrigerator"
    for key in ("efficiency", "power", "otto_efficiency", "carnot_efficiency"):
        assert key not in m
    assert m["cop"] == pytest.approx(otto_cop(4.0, 1.0), rel=1e-12)
    assert m["otto_cop"] == pytest.approx(1.0 / 3.0, rel=1e-15)
    assert m["carnot_cop"] == pytest.approx(carnot_cop(1.0, 0.9)) == pytest.approx(9.0)
    assert m["cooling_power"] == pytest.approx(r.heat_cold / 120.0, rel=1e-14)
    assert m["cooling_power"] > 0


def test_engine_reports_efficiency_and_power_only() -> None:
    r = qubit_otto()
    m = {"mode": r.mode, **quantity_values(r.quantities())}
    assert m["mode"] == "engine"
    assert m["carnot_efficiency"] == pytest.approx(1 - 0.5 / 4.0)
    assert m["power"] > 0
    assert "cop" not in m and "cooling_power" not in m


def test_swapped_temperatures_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="must exceed `T_c`"):
        qubit_otto(T_h=0.5, T_c=4.0)
    with pytest.raises(InvalidParameterError, match="must exceed"):
        OttoCycle(WorkingMedium("qubit"), 2.0, 1.0, Bath(1.0, 0.3), Bath(1.0, 0.3), 2.0, 3.0)
    res = runner.invoke(app, ["otto", "--t-hot", "0.5", "--t-cold", "4"])
    assert res.exit_code == 2
    assert "carnot" not in res.output.lower() or "error" in res.output.lower()
    assert "swap" in res.output


def test_cli_refrigerator_json_has_cop_not_efficiency() -> None:
    res = runner.invoke(
        app,
        ["otto", "--omega-h", "4", "--omega-c", "1", "--t-hot", "1", "--t-cold", "0.9", "--json"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["mode"] == "refrigerator"
    # keys carry their units (OttoResult.to_dict, the house convention)
    assert not any(k.startswith("carnot_efficiency") for k in out)
    assert math.isfinite(out["carnot_cop [1]"])
    assert out["carnot_cop [1]"] == pytest.approx(0.9 / (1 - 0.9))  # T_c/(T_h − T_c)
    assert out["cooling_power [ω₀²]"] > 0


def test_local_validity_reads_the_coupling_from_the_hamiltonian() -> None:
    import numpy as np

    from ssbattery.thermal.baths import (
        check_local_validity,
        local_coupling_strength,
        local_dissipators,
    )
    from ssbattery.thermal.heat_battery import coupled_qubits_hamiltonian
    from ssbattery.thermal.lindblad import steady_state

    sm = np.array([[0, 1], [0, 0]], dtype=complex)
    s1, s2 = np.kron(sm, np.eye(2)), np.kron(np.eye(2), sm)
    # [H, σ⁻₁] = −ω σ⁻₁ + λ σᶻ₁σ⁻₂ for eq. 15, so the residual is exactly λ
    for lam in (0.0, 0.05, 0.7):
        H = coupled_qubits_hamiltonian(1.0, lam)
        assert local_coupling_strength(H, [s1, s2]) == pytest.approx(lam, abs=1e-14)
    # Strong coupling λ = 0.5 ≫ γ = 0.01, inter_site_coupling left at its default:
    # the check must still flag it.
    H = coupled_qubits_hamiltonian(1.0, 0.5)
    bh, bc = Bath(2.0, 0.01), Bath(0.2, 0.01)
    lh, lc = local_dissipators(s1, 1.0, bh), local_dissipators(s2, 1.0, bc)
    rho = steady_state(H, lh + lc)
    rep = check_local_validity(H, [(bh, lh), (bc, lc)], rho, warn=False)
    assert rep.coupling == pytest.approx(0.5, abs=1e-14)
    assert not rep.valid and any("read from H" in m for m in rep.issues)


def test_local_and_global_disagreeing_on_direction_is_flagged() -> None:
    # Detuned qubits ω1 = 2 (hot, T = 1), ω2 = 1 (cold, T = 0.9), λ = 0.05, γ = 0.1:
    # λ < γ, yet the local steady state pumps heat from cold to hot (Levy & Kosloff,
    # EPL 107, 20004 (2014)) while the global one conducts hot → cold.
    import numpy as np

    from ssbattery.thermal.baths import check_local_validity, local_dissipators
    from ssbattery.thermal.lindblad import steady_state

    sm = np.array([[0, 1], [0, 0]], dtype=complex)
    s1, s2 = np.kron(sm, np.eye(2)), np.kron(np.eye(2), sm)
    lam = 0.05
    H = 2.0 * s1.conj().T @ s1 + s2.conj().T @ s2 - lam * (s1.conj().T @ s2 + s2.conj().T @ s1)
    bh, bc = Bath(1.0, 0.1), Bath(0.9, 0.1)
    lh, lc = local_dissipators(s1, 2.0, bh), local_dissipators(s2, 1.0, bc)
    rep = check_local_validity(H, [(bh, lh), (bc, lc)], steady_state(H, lh + lc), warn=False)
    assert rep.global_currents is not None
    assert rep.global_currents[0] > 0 > rep.global_currents[1]  # global: hot → cold
    assert rep.currents[0] < 0 < rep.currents[1]  # local: cold → hot
    assert any("disagree on the direction" in m for m in rep.issues)


@pytest.mark.parametrize(("option", "name"), [("--rate-hot", "rate_h"), ("--rate-cold", "rate_c")])
def test_a_bath_rate_of_zero_is_refused_under_the_name_the_user_typed(
    option: str, name: str
) -> None:
    # the error had named the internal `hot.rate` / `cold.rate` of the Bath objects
    res = runner.invoke(app, ["otto", option, "0"])
    assert res.exit_code == 2
    assert f"`{option}` must be > 0" in res.output
    assert ".rate" not in res.output
    with pytest.raises(InvalidParameterError, match=f"`{name}` must be > 0"):
        qubit_otto(**{name: 0.0})
