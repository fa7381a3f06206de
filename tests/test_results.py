"""Result objects print themselves with units and ± errors, and carry units in their keys.

Issue 15 §3: one ``to_dict`` per result (units in the keys), one ``__str__``; CircuitFit saves
and loads itself; the fitter's "stopped before converging" reaches ``CircuitFit.notes``; the
report records the package's warnings in each figure's entry.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

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


def test_fitter_stopping_early_is_a_note_of_the_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.optimize

    real = scipy.optimize.least_squares

    def starved(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["max_nfev"] = 2  # the optimiser stops at its evaluation budget (status 0)
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "least_squares", starved)
    f, z = example_spectrum(25.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = fit_spectrum(spectrum_from_arrays(f, z))
    assert any("stopped before converging" in str(w.message) for w in caught)
    assert any("stopped before converging" in n for n in fit.notes)


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
