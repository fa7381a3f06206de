"""Result objects print themselves with units and ± errors, and carry units in their keys.

Issue 15 §3: one ``to_dict`` per result (units in the keys), one ``__str__``; CircuitFit saves
and loads itself; the fitter's "stopped before converging" reaches ``CircuitFit.notes``; the
report records the package's warnings in each figure's entry.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from ssbattery.electrolytes.impedance.circuits import CircuitFit, fit_spectrum
from ssbattery.electrolytes.impedance.examples import example_spectrum
from ssbattery.electrolytes.impedance.readers import spectrum_from_arrays
from ssbattery.electrolytes.transport import fit_arrhenius
from ssbattery.errors import ConvergenceWarning, DataFormatError
from ssbattery.report.registry import Artifact, FigureSpec
from ssbattery.report.runner import build_recording_warnings
from ssbattery.results import Quantity, quantity_dict
from ssbattery.thermal.otto import qubit_otto


def test_quantity_keys_and_text() -> None:
    q = Quantity("Ea", 0.35123, "eV", 0.0041)
    assert str(q) == "Ea = 0.35123 ± 0.0041 eV"
    assert quantity_dict([q]) == {"Ea [eV]": 0.35123, "Ea error [eV]": 0.0041}
    assert str(Quantity("eta", 0.5)) == "eta = 0.5"


def test_circuit_fit_saves_loads_and_reports_itself(tmp_path: Path) -> None:
    f, z = example_spectrum(25.0)
    fit = fit_spectrum(spectrum_from_arrays(f, z))
    path = fit.save(tmp_path / "fit.json")
    back = CircuitFit.load(path)
    assert back.circuit == fit.circuit and back.notes == fit.notes
    assert back.parameters == fit.parameters and back.arcs == fit.arcs
    np.testing.assert_array_equal(back.covariance, fit.covariance)
    np.testing.assert_array_equal(back.z_fit_ohm, fit.z_fit_ohm)
    np.testing.assert_array_equal(back.spectrum.z_ohm, fit.spectrum.z_ohm)
    assert back.total_resistance_err_ohm == fit.total_resistance_err_ohm
    d = fit.to_dict()
    assert d["R1 [Ohm]"] == fit.parameters[0].value
    assert d["R1 error [Ohm]"] == fit.parameters[0].stderr
    assert d["total_resistance [Ω]"] == pytest.approx(fit.total_resistance_ohm)
    text = str(fit)
    assert "R1 = " in text and " ± " in text and "Ohm" in text
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(DataFormatError, match=r"not a circuit fit saved by CircuitFit\.save"):
        CircuitFit.load(bad)
    with pytest.raises(DataFormatError, match="no such file"):
        CircuitFit.load(tmp_path / "missing.json")


@pytest.fixture
def starved_fitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The circuit fitter's optimiser stops at an evaluation budget of 2 (status 0)."""
    import scipy.optimize

    real = scipy.optimize.least_squares

    def starved(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["max_nfev"] = 2
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "least_squares", starved)


@pytest.mark.usefixtures("starved_fitter")
def test_fitter_stopping_early_is_a_note_of_the_fit() -> None:
    f, z = example_spectrum(25.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_spectrum(spectrum_from_arrays(f, z))
    assert any("stopped before converging" in str(w.message) for w in caught)
    assert any("stopped before converging" in n for n in fit.notes)


@pytest.mark.usefixtures("starved_fitter")
def test_eis_fit_command_shows_the_fitters_warning() -> None:
    # issue 15 §1: a warning raised inside a command is one `warning:` line on stderr
    # (stdout stays JSON), not swallowed
    from typer.testing import CliRunner

    from ssbattery.cli import app
    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    spectrum = str(example_spectra_dir() / "example_25C.csv")
    args = ["eis", "fit", spectrum, "--thickness", "1", "--diameter", "10", "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("warning:")]
    assert any("stopped before converging" in ln for ln in lines), res.stderr
    json.loads(res.stdout)  # the warning did not reach stdout


def test_arrhenius_and_otto_results_print_with_units() -> None:
    T = np.array([280.0, 300.0, 320.0, 340.0])
    kB = 8.617333262e-5
    sigma = 1e4 / T * np.exp(-0.3 / (kB * T)) * (1 + 0.01 * np.array([1, -1, 1, -1]))
    fit = fit_arrhenius(T, sigma)
    d = fit.to_dict()
    assert d["Ea [eV]"] == pytest.approx(0.3, abs=0.01)
    assert d["Ea error [eV]"] == fit.Ea_err_eV
    assert d["Ea [kJ/mol]"] == pytest.approx(fit.Ea_kJ_mol)
    assert d["temperature [K]"] == T.tolist()
    assert "Ea = " in str(fit) and "± " in str(fit) and "eV" in str(fit)
    otto = qubit_otto()
    od = otto.to_dict()
    assert od["mode"] == otto.mode and od["work [ω₀]"] == otto.work
    assert od["heat_hot [ω₀]"] == otto.heat_hot
    assert "Otto " in str(otto) and "work = " in str(otto)


def test_report_entries_record_the_packages_warnings(tmp_path: Path) -> None:
    def build(out: Path) -> Artifact:
        warnings.warn("photon cutoff 3 is not converged", ConvergenceWarning, stacklevel=1)
        warnings.warn("photon cutoff 3 is not converged", ConvergenceWarning, stacklevel=1)
        return Artifact(summary="done")

    art = build_recording_warnings(FigureSpec("k", "t", "§0", build), tmp_path)
    assert art.summary == "done"
    assert art.warnings == ("ConvergenceWarning: photon cutoff 3 is not converged",)


def test_more_results_print_with_units_and_errors() -> None:
    import numpy as np

    from ssbattery.electrolytes.capacity import specific_capacity
    from ssbattery.quantum.dicke_scaling import fit_power_law
    from ssbattery.results import dict_text
    from ssbattery.thermal.pumped_battery import PumpedBattery, charging, two_stroke_engine

    # y = 2 x^1.5 exactly: α = 1.5 with zero standard error, R² = 1
    fit = fit_power_law([1, 2, 4, 8], 2.0 * np.array([1, 2, 4, 8]) ** 1.5)
    assert fit.to_dict()["exponent [1]"] == pytest.approx(1.5, rel=1e-12)
    assert fit.to_dict()["exponent error [1]"] == pytest.approx(0.0, abs=1e-12)
    assert "exponent = 1.5 ±" in str(fit)
    # Q = nF/(3.6 M): LiCoO2 with one electron, 273.8 mAh/g (review §1.1)
    cap = specific_capacity("LiCoO2", electrons=1)
    assert cap.to_dict()["capacity [mAh/g]"] == pytest.approx(273.8, abs=0.1)
    assert "mAh/g" in str(cap)
    bat = PumpedBattery()
    run = charging(bat, bat.omega_a, [10.0, 50.0])
    d = run.to_dict()
    assert d["stored_energy [ω_e]"] == run.stored_energy[-1]
    assert d["efficiency [1]"] == pytest.approx(run.stored_energy[-1] / run.pump_work[-1])
    assert "ω_e²" in str(run)
    eng = two_stroke_engine(bat, bat.omega_a, omega_c=0.5, tau=20.0)
    assert eng.to_dict()["efficiency_bound [1]"] == pytest.approx((1 - 0.5) / 1.5)
    assert "works" in str(eng)
    text = dict_text("t", {"Ea [eV]": 0.35, "Ea error [eV]": 0.01, "rows": [1]})
    assert text.splitlines() == ["t", "  Ea = 0.35 ± 0.01 eV"]


def test_recorded_results_list_their_fields_with_units() -> None:
    # (ClassVar is imported at module level: dataclasses read the string annotation there)
    from ssbattery.results import Recorded, field_dict, record_text

    @dataclass(frozen=True)
    class Fit(Recorded):
        Ea_eV: float
        Ea_err_eV: float
        temperature_K: np.ndarray
        points: int
        note: str | None = None

        _UNITS: ClassVar[dict[str, str]] = {
            "Ea_eV": "Ea [eV]",
            "Ea_err_eV": "Ea error [eV]",
            "temperature_K": "temperature [K]",
        }

    fit = Fit(0.35, 0.01, np.array([300.0, 320.0, 340.0, 360.0]), 4)
    entry = fit.to_dict()
    assert entry == {
        "Ea [eV]": 0.35,
        "Ea error [eV]": 0.01,
        "temperature [K]": [300.0, 320.0, 340.0, 360.0],
        "points": 4,
        "note": None,
    }
    assert json.loads(json.dumps(entry)) == entry
    # the scalars with ± folded in, the array by length and range, never its values
    assert str(fit).splitlines() == [
        "Fit",
        "  Ea = 0.35 ± 0.01 eV",
        "  points = 4",
        "  temperature: 4 values in [300, 360] K",
        "  note: none",
    ]

    # a complex array: real and imaginary parts under their own keys
    @dataclass
    class Eig:
        eigenvalues: np.ndarray

    assert field_dict(Eig(np.array([1 + 2j])), {"eigenvalues": "1/s"}) == {
        "eigenvalues real [1/s]": [1.0],
        "eigenvalues imag [1/s]": [2.0],
    }
    assert record_text("m", {"grid [s]": [[1.0, 2.0], [3.0, 4.0]]}).splitlines()[1] == (
        "  grid: 2 × 2 values in [1, 4] s"
    )


def test_cell_results_report_the_numbers_of_their_equations() -> None:
    from ssbattery.cell.alignment import align
    from ssbattery.cell.landau import LandauCoefficients, hysteresis_loop
    from ssbattery.cell.topology import qwz_ribbon, ssh_chain

    # eq. 1 of the review: eV = μ_A − μ_C = −1.39 − (−4.6) eV, split at μ_E = −3.0 eV
    a = align(-1.39, -4.6, mu_electrolyte_eV=-3.0).to_dict()
    assert a["cell_voltage [V]"] == pytest.approx(3.21)
    assert a["dV_AE [V]"] == pytest.approx(1.61) and a["dV_EC [V]"] == pytest.approx(1.60)
    assert "cell voltage 3.21 V" in str(align(-1.39, -4.6, mu_electrolyte_eV=-3.0))
    # SSH chain: bulk gap 2|w − v| = 1 for v = 0.5, w = 1, winding number 1 (topological)
    ssh = ssh_chain(20, 0.5, 1.0)
    assert ssh.to_dict()["bulk_gap [t]"] == pytest.approx(1.0, abs=1e-6)
    assert ssh.to_dict()["winding_number"] == 1
    assert "bulk_gap = 1 t" in str(ssh) and "energies: 40 values" in str(ssh)
    # QWZ: Chern number −1 for −2 < u < 0 (Qi–Wu–Zhang 2006)
    assert qwz_ribbon(-1.0, 6, n_kx=11).to_dict()["chern_number"] == -1
    # quartic Landau model: E_c = 2|α|^{3/2}/(3√3 β^{1/2}), P_r = P_s = √(−α/β) (module
    # docstring; the loop reads them off a grid of 801 fields)
    loop = hysteresis_loop(LandauCoefficients(alpha=-1.0, beta=1.0, gamma=0.0)).to_dict()
    assert loop["coercive_field [E]"] == pytest.approx(2 / (3 * np.sqrt(3)), rel=5e-3)
    assert loop["remanent_polarisation [Q]"] == pytest.approx(1.0, rel=1e-6)


def test_electrolyte_results_report_their_numbers_with_units() -> None:
    from ssbattery.electrolytes.capacity import lic6_capacity
    from ssbattery.electrolytes.impedance.circuits import FitParameter
    from ssbattery.electrolytes.screening import band_alignment

    # LiC6 → ½ LiC12: 177 mAh/g per gram of the discharged electrode (review §1.1), and
    # the textbook 372 mAh/g for full delithiation per gram of carbon
    cap = lic6_capacity(0.5).to_dict()
    assert cap["per_gram_discharged_electrode [mAh/g]"] == pytest.approx(177.4, abs=0.1)
    assert cap["full_delithiation_per_gram_carbon [mAh/g]"] == pytest.approx(371.9, abs=0.1)
    # offset = CBM − μ(metal): Li at −1.39 eV against a CBM at −1.0 eV
    ba = band_alignment(-1.0, metal="Li")
    assert ba.to_dict()["offset [eV]"] == pytest.approx(ba.cbm_eV - ba.mu_metal_eV)
    assert "eV" in str(ba)
    # a fitted parameter reads as the entry CircuitFit.to_dict lists for it
    p = FitParameter("R1", 120.0, 3.0, "Ω")
    assert p.to_dict() == {"R1 [Ω]": 120.0, "R1 error [Ω]": 3.0}
    assert str(p) == "R1 = 120 ± 3 Ω"


def test_quantum_thermal_and_sweep_results_save_the_numbers_they_hold() -> None:
    from ssbattery.quantum.evolution import evolve
    from ssbattery.quantum.metrics import ergotropy_extraction
    from ssbattery.sweep.models.thermal import PUMPED_BATTERY, PumpedRunResult

    # a resonantly driven qubit, H = (Ω/2) σx with Ω = 1: P_e(t) = sin²(t/2) (Rabi)
    times = np.linspace(0.0, 3.0, 7)
    sx = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
    traj = evolve(0.5 * sx, np.array([1.0, 0.0], dtype=complex), times, e_ops=[np.diag([0, 1])])
    entry = traj.to_dict()
    assert entry["times [1/E]"] == times.tolist()
    assert entry["expect [e_ops]"][0] == pytest.approx(np.sin(times / 2) ** 2, abs=1e-12)
    assert entry["stats"]["steps"] == traj.stats.steps and entry["method"] == repr(traj.method)
    assert json.loads(json.dumps(entry)) == entry
    # the excited qubit with H0 = diag(0, 1) is fully extractable: ergotropy = energy = 1
    # (eq. 7; Allahverdyan, Balian & Nieuwenhuizen 2004); the states stay on the object
    ext = ergotropy_extraction(np.array([0.0, 1.0]), np.diag([0.0, 1.0])).to_dict()
    assert ext == {"ergotropy [H0]": pytest.approx(1.0), "energy [H0]": pytest.approx(1.0)}
    # a sweep entry's outputs under the units it declares ("ω_e", "" → "[1]"); NaN → None
    run = PumpedRunResult(
        {
            "efficiency": 0.5,
            "stored_energy": 0.2,
            "power": 0.004,
            "pump_work": 0.4,
            "first_law_defect": 0.0,
        },
        {
            "engine_work": float("nan"),
            "engine_efficiency": float("nan"),
            "engine_bound": float("nan"),
        },
    )
    d = run.to_dict()
    assert d["stored_energy [ω_e]"] == 0.2 and d["power [ω_e²]"] == 0.004
    assert d["efficiency [1]"] == 0.5 and d["engine_work [ω_e]"] is None
    assert set(d) == {f"{o.name} [{o.unit or '1'}]" for o in PUMPED_BATTERY.outputs}
    assert "stored_energy = 0.2 ω_e" in str(run)
