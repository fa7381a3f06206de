"""A circuit fit's JSON: units in every key, and files of format version 1 still load.

``data/circuit_fit_v1.json`` was written by ``CircuitFit.save`` before the keys carried their
units in brackets (format version 1: "R_ohm", "C_eff_F", "frequency_hz"), from
``fit_spectrum`` of ``example_spectrum(25.0)``: the shipped two-arc example whose bulk arc is
R = 6000 Ω, C = 20 pF (EXAMPLE_TRUTH, 1 % noise).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ssbattery.electrolytes.impedance.circuits import CircuitFit, fit_spectrum
from ssbattery.electrolytes.impedance.examples import example_spectrum
from ssbattery.electrolytes.impedance.fit_io import ARC_KEYS, FIT_FILE_VERSION, arc_entry
from ssbattery.electrolytes.impedance.readers import spectrum_from_arrays
from ssbattery.errors import DataFormatError

V1 = Path(__file__).with_name("data") / "circuit_fit_v1.json"


def _numbers(arc: Any) -> tuple[float, ...]:
    """An arc's numeric fields in order."""
    return tuple(v for v in dataclasses.astuple(arc) if isinstance(v, float))


@pytest.fixture(scope="module")
def fit() -> CircuitFit:
    f, z = example_spectrum(25.0)
    return fit_spectrum(spectrum_from_arrays(f, z))


def test_a_version_1_file_still_loads_to_the_same_fit(fit: CircuitFit, tmp_path: Path) -> None:
    old = CircuitFit.load(V1)
    assert json.loads(V1.read_text())["version"] == 1
    bulk = old.arc("bulk")
    assert bulk.R_ohm == pytest.approx(6000.0, rel=0.02)  # EXAMPLE_TRUTH R_bulk at 25 °C
    assert bulk.C_eff_F == pytest.approx(20e-12, rel=0.03)
    # the file was written from the same spectrum and fit: equal to today's fit, to round-off
    # (the example's spectrum can differ by 1 ulp between CPUs' libm, and the least-squares
    # fit turns that into ≈ 1e-10 relative in the values, 1e-7 in the Jacobian-based errors:
    # seen on an AVX-512 machine)
    np.testing.assert_allclose(old.spectrum.z_ohm, fit.spectrum.z_ohm, rtol=1e-14)
    for a, b in zip(old.arcs, fit.arcs, strict=True):
        assert _numbers(a) == pytest.approx(_numbers(b), rel=1e-6)
    assert [a.label for a in old.arcs] == [a.label for a in fit.arcs]
    assert old.electrode == pytest.approx(fit.electrode, rel=1e-8)
    assert [(p.name, p.unit) for p in old.parameters] == [(p.name, p.unit) for p in fit.parameters]
    for p, q in zip(old.parameters, fit.parameters, strict=True):
        assert (p.value, p.stderr) == pytest.approx((q.value, q.stderr), rel=1e-6)
    # saved again, it is version 2 and reads back equal
    again = CircuitFit.load(old.save(tmp_path / "v2.json"))
    data = json.loads((tmp_path / "v2.json").read_text())
    assert data["version"] == FIT_FILE_VERSION == 2
    assert "frequency [Hz]" in data["spectrum"] and "series_resistance [Ω]" in data
    assert again.arcs == old.arcs and again.electrode == old.electrode
    np.testing.assert_array_equal(again.covariance, old.covariance)


def test_arc_entries_carry_their_units(fit: CircuitFit) -> None:
    entry = arc_entry(fit.arc("bulk"))
    assert set(entry) == set(ARC_KEYS.values())
    assert entry["R [Ω]"] == fit.arc("bulk").R_ohm
    assert entry["C_eff error [F]"] == fit.arc("bulk").C_eff_err_F
    assert fit.to_dict()["arcs"][0] == arc_entry(fit.arcs[0])


def test_a_version_2_file_missing_a_key_is_refused(fit: CircuitFit, tmp_path: Path) -> None:
    path = fit.save(tmp_path / "fit.json")
    data = json.loads(path.read_text())
    del data["series_resistance [Ω]"]
    path.write_text(json.dumps(data))
    with pytest.raises(DataFormatError, match="series_resistance"):
        CircuitFit.load(path)
