"""Joint multi-temperature fits, weighting, extrapolation of σ(25 °C), arc labels, σ_gb,sp.

The synthetic series are those of :mod:`ssbattery.electrolytes.impedance.examples`: the circuit
p(R1,CPE1)-p(R2,CPE2)-CPE3 with R ∝ T exp(Ea/k_BT) (review §1.1, σ = (A/T) e^{−Ea/k_BT}),
Ea = 0.30 eV (bulk) and 0.45 eV (grain boundary), 1 % noise on every point, so every fitted Ea
has a known answer.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings

import numpy as np
import pytest

from ssbattery.electrolytes.impedance import (
    Pellet,
    analyse_spectrum,
    analyse_temperature_series,
    fit_spectrum,
    spectrum_from_arrays,
)
from ssbattery.electrolytes.impedance.examples import (
    EXAMPLE_TRUTH,
    example_spectra_dir,
    example_spectrum,
    model_impedance,
)
from ssbattery.electrolytes.impedance.joint import fit_joint_arrhenius
from ssbattery.electrolytes.transport import fit_arrhenius
from ssbattery.errors import InvalidParameterError, ValidityWarning

PELLET = Pellet.from_mm(1.0, diameter_mm=10.0)


def _series(truth=EXAMPLE_TRUTH, **kw):
    specs = []
    for tc in truth.temperatures_c:
        f, z = example_spectrum(tc, truth=truth)
        specs.append(spectrum_from_arrays(f, z, source=f"{tc}C", temperature_k=tc + 273.15))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_temperature_series(specs, PELLET, run_kk=False, **kw)


@pytest.fixture(scope="module")
def shipped():
    return analyse_temperature_series([example_spectra_dir()], PELLET, run_kk=False, joint=True)


def test_joint_fit_recovers_the_known_ea_within_its_standard_error(shipped) -> None:
    j = shipped.joint
    assert j is not None
    # measured: bulk 0.30007 ± 0.00034, gb 0.45018 ± 0.00030 (true 0.30, 0.45)
    assert abs(j.Ea_eV["bulk"] - EXAMPLE_TRUTH.Ea_bulk_eV) < j.Ea_err_eV["bulk"]
    assert abs(j.Ea_eV["grain boundary"] - EXAMPLE_TRUTH.Ea_gb_eV) < j.Ea_err_eV["grain boundary"]
    assert 1e-4 < j.Ea_err_eV["bulk"] < 1e-3
    # σ_bulk(25 °C) = L/(R A) = 0.1 cm/(6000 Ω · 0.7854 cm²) = 2.122e-5 S/cm (examples README)
    s, ds = j.sigma_25C_s_cm["bulk"]
    assert abs(s - 0.1 / (6000 * math.pi * 0.25)) < 2 * ds
    # shared exponents come back at the generating values (0.95 bulk, 0.85 gb)
    assert j.exponents["bulk"][0] == pytest.approx(0.95, abs=3 * j.exponents["bulk"][1] + 1e-3)
    assert j.exponents["grain boundary"][0] == pytest.approx(0.85, abs=0.005)
    # two-step reported beside it, the difference stated in eV and combined σ
    assert set(j.two_step_Ea_eV) == {"bulk", "grain boundary"}
    assert any("joint − two-step Ea" in n and "combined σ" in n for n in j.notes)
    # the residual is the 1 % noise: rms |ΔZ|/|Z| ≈ √2 · 1 %
    assert j.rms_relative_residual == pytest.approx(0.014, abs=0.002)


def test_joint_fit_errors_are_honest_over_noise_seeds() -> None:
    """Over other noise seeds the joint Ea lies within 3 of its standard errors of the truth."""
    z = []
    for seed in (1, 2):
        truth = dataclasses.replace(EXAMPLE_TRUTH, seed=seed)
        j = fit_joint_arrhenius(_series(truth))
        z.append((j.Ea_eV["bulk"] - 0.30) / j.Ea_err_eV["bulk"])
        z.append((j.Ea_eV["grain boundary"] - 0.45) / j.Ea_err_eV["grain boundary"])
    assert max(abs(v) for v in z) < 3.0, z


def test_correlation_matrix_and_free_exponents(shipped) -> None:
    j = shipped.joint
    c = j.correlation
    np.testing.assert_allclose(np.diag(c), 1.0, atol=1e-12)
    np.testing.assert_allclose(c, c.T, atol=1e-12)
    assert -1 < j.ea_correlation("bulk", "grain boundary") < 1
    free = fit_joint_arrhenius(shipped, shared_exponents=False)
    assert free.exponents == {}
    assert len(free.parameter_names) == len(j.parameter_names) + 2 * 6 - 2
    assert free.Ea_eV["bulk"] == pytest.approx(0.30, abs=3 * free.Ea_err_eV["bulk"])
    # more free parameters: the Ea errors grow
    assert free.Ea_err_eV["grain boundary"] > j.Ea_err_eV["grain boundary"]
    d = shipped.to_dict()["joint"]
    assert len(d["correlation [1]"]) == len(d["parameter_names"])
    assert "s^2 (J^T J)^-1" in d["errors"]


def test_both_weightings_are_reported_and_selectable(shipped) -> None:
    d = shipped.to_dict()
    assert d["weighting"] == "inverse-variance"
    alt = d["alternative_weighting"]
    assert alt["weighting"] == "unweighted"
    rows = [r for r in shipped.spectra]
    t = np.array([r.spectrum.temperature_k for r in rows])
    s = np.array([100 * r.sigma_s_cm["bulk"][0] for r in rows])
    plain = fit_arrhenius(t, s)
    assert alt["contributions"]["bulk"]["Ea [eV]"] == pytest.approx(plain.Ea_eV, rel=1e-12)
    unweighted = analyse_temperature_series(
        [example_spectra_dir()], PELLET, run_kk=False, weighting="unweighted"
    )
    assert unweighted.fits["bulk"].Ea_eV == pytest.approx(plain.Ea_eV, rel=1e-12)
    assert unweighted.alternative_fits["bulk"].Ea_eV == pytest.approx(
        shipped.fits["bulk"].Ea_eV, rel=1e-12
    )
    with pytest.raises(InvalidParameterError, match="weighting"):
        analyse_temperature_series([example_spectra_dir()], PELLET, weighting="chi2")


def test_sigma_25c_extrapolated_from_140_to_200_c_is_flagged_and_widened() -> None:
    truth = dataclasses.replace(
        EXAMPLE_TRUTH,
        temperatures_c=(140.0, 160.0, 180.0, 200.0),
        R_bulk_ref_ohm=6e5,
        R_gb_ref_ohm=1e6,
    )
    a = _series(truth)
    assert a.extrapolation_k == pytest.approx(413.15 - 298.15)
    d = a.to_dict()
    assert d["conductivity_25C extrapolation [K]"] == pytest.approx(115.0)
    assert any("115.0 K below" in n for n in d["notes"])
    for key in ("bulk", "grain boundary"):
        assert a.sigma_25C_prediction_s_cm[key][1] > a.sigma_25C_s_cm[key][1]
    # the extrapolated value still holds the truth: σ_bulk(25 °C) = 0.1/(6e5 · 0.7854) S/cm
    v, e = a.sigma_25C_prediction_s_cm["bulk"]
    assert abs(v - 0.1 / (6e5 * math.pi * 0.25)) < 3 * e
    inside = analyse_temperature_series([example_spectra_dir()], PELLET, run_kk=False)
    assert inside.extrapolation_k == 0.0 and inside.to_dict()["notes"] == []


def test_joint_sigma_25c_extrapolated_is_flagged_and_widened_like_the_two_step() -> None:
    """140–200 °C data, 25 °C 115 K below: the joint σ(25 °C) carries the same flag (distance
    in K, note) and the same widened interval as the two-step one (covariance error and the
    scatter of each temperature's own σ about the joint line), and still holds the truth
    σ_bulk(25 °C) = L/(R A) = 0.1/(6e5 · 0.7854) S/cm."""
    truth = dataclasses.replace(
        EXAMPLE_TRUTH,
        temperatures_c=(140.0, 160.0, 180.0, 200.0),
        R_bulk_ref_ohm=6e5,
        R_gb_ref_ohm=1e6,
    )
    j = _series(truth, joint=True).joint
    assert j.extrapolation_k == pytest.approx(115.0)
    d = j.to_dict()
    assert d["conductivity_25C extrapolation [K]"] == pytest.approx(115.0)
    assert any("extrapolated 115.0 K below" in n for n in d["notes"])
    for key in ("bulk", "grain boundary"):
        fit_err = j.sigma_25C_s_cm[key][1]
        assert j.sigma_25C_prediction_s_cm[key][1] > fit_err
        c = d["contributions"][key]
        assert c["conductivity_25C prediction error [mS/cm]"] == pytest.approx(
            1e3 * j.sigma_25C_prediction_s_cm[key][1]
        )
    v, e = j.sigma_25C_prediction_s_cm["bulk"]
    assert abs(v - 0.1 / (6e5 * math.pi * 0.25)) < 3 * e


@pytest.mark.parametrize("weighting", ["inverse-variance", "unweighted"])
def test_joint_weightings_both_recover_the_known_ea(weighting: str) -> None:
    """Synthetic series with Ea = 0.30 (bulk) and 0.45 eV (grain boundary), 1 % noise: both
    joint weightings (1/|Z| per point, or 1) land within 3 standard errors of the truth."""
    a = _series(joint=True, weighting=weighting)
    j = a.joint
    assert j.weighting == weighting and j.to_dict()["weighting"] == weighting
    for key, ea in (("bulk", EXAMPLE_TRUTH.Ea_bulk_eV), ("grain boundary", EXAMPLE_TRUTH.Ea_gb_eV)):
        assert abs(j.Ea_eV[key] - ea) < 3 * j.Ea_err_eV[key], (key, j.Ea_eV[key])
        assert j.Ea_err_eV[key] < 0.02
    assert j.extrapolation_k == 0.0  # 25 °C inside the examples' range: no flag
    assert not any("extrapolated" in n for n in j.notes)
    # the note that compares the fits describes the two-step line actually used
    why = next(n for n in j.notes if n.startswith("Why they differ"))
    assert ("standard error of its own R" in why) == (weighting == "inverse-variance")
    with pytest.raises(InvalidParameterError, match="`weighting`"):
        fit_joint_arrhenius(a, weighting="chi2")


def _two_arcs(c2_over_c1: float):
    f = np.logspace(7, -1, 81)
    r1, r2, c1, n = 6000.0, 10000.0, 20e-12, 0.95
    c2 = c1 * c2_over_c1
    q1, q2 = c1**n / r1 ** (1 - n), c2**n / r2 ** (1 - n)
    z = model_impedance(f, [r1, q1, n, r2, q2, n, 2e-6, 0.8])
    return spectrum_from_arrays(f, z)


def test_second_arc_is_grain_boundary_only_when_its_capacitance_ratio_supports_it() -> None:
    """Brick layer: C_gb/C_bulk = d_grain/δ_gb ≥ 10 (arc_labels.GB_RATIO_MIN)."""
    gb = fit_spectrum(_two_arcs(100.0))
    assert [a.label for a in gb.arcs] == ["bulk", "grain boundary"]
    with pytest.warns(ValidityWarning, match="not labelled 'grain boundary'"):
        close = fit_spectrum(_two_arcs(4.0))
    labels = sorted(a.label for a in close.arcs)
    assert labels == ["bulk", "unassigned"]
    assert any("only 4× the bulk's" in n for n in close.notes)
    with pytest.warns(ValidityWarning):
        sig = analyse_spectrum(_two_arcs(4.0), PELLET, run_kk=False).sigma_s_cm
    assert "grain boundary" not in sig and "bulk" in sig


def test_brick_layer_specific_grain_boundary_conductivity() -> None:
    """σ_gb,sp = (L/(R_gb A)) (C_bulk/C_gb): 0.1/(1e4 · 0.7854) · (20 pF/2 nF) = 1.273e-7 S/cm."""
    res = analyse_spectrum(example_spectra_dir() / "example_25C.csv", PELLET, run_kk=False)
    v, e = res.sigma_gb_specific_s_cm
    assert v == pytest.approx(0.1 / (1e4 * math.pi * 0.25) * 0.01, rel=0.03)
    assert 0 < e < 0.05 * v
    d = res.to_dict()
    assert d["grain_boundary_specific_conductivity"]["conductivity [mS/cm]"] == pytest.approx(
        1e3 * v
    )
    assert len(d["parameter_correlation [1]"]) == len(d["parameters"])
    assert "s^2 (J^T J)^-1" in d["errors"]


def test_cli_arrhenius_joint_json_and_bad_weighting() -> None:
    from typer.testing import CliRunner

    from ssbattery.cli import app

    base = ["eis", "arrhenius", str(example_spectra_dir()), "--thickness-mm", "1"]
    base += ["--diameter-mm", "10"]
    res = CliRunner().invoke(app, [*base, "--joint", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["joint"]["contributions"]["bulk"]["Ea [eV]"] == pytest.approx(0.30, abs=0.002)
    assert s["joint"]["cpe_exponents"] == "shared by all temperatures"
    assert s["alternative_weighting"]["weighting"] == "unweighted"
    text = CliRunner().invoke(app, [*base, "--joint"])
    assert text.exit_code == 0 and "joint fit of 6 spectra" in text.output
    bad = CliRunner().invoke(app, [*base, "--weighting", "chi2"])
    assert bad.exit_code == 2 and "--weighting" in bad.output
