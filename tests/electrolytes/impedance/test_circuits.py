"""Circuit elements obey Kramers–Kronig; fits recover known parameters; arcs labelled by C_eff."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.electrolytes.impedance.circuits import (
    effective_capacitance,
    estimate_initial_guess,
    fit_spectrum,
)
from ssbattery.electrolytes.impedance.conductivity import Pellet, conductivity_s_per_cm
from ssbattery.electrolytes.impedance.examples import (
    EXAMPLE_TRUTH,
    example_spectrum,
    model_impedance,
)
from ssbattery.electrolytes.impedance.kk import kk_imag_from_real, lin_kk
from ssbattery.electrolytes.impedance.readers import spectrum_from_arrays
from ssbattery.errors import InvalidParameterError

W = np.logspace(-2, 7, 10)


def _r_cpe(R: float, Q: float, n: float):  # type: ignore[no-untyped-def]
    return lambda w: R / (1 + R * Q * (1j * w) ** n)


# ----------------------------------------------------------------- Kramers–Kronig of elements
@settings(max_examples=15, deadline=None)
@given(
    log_r=st.floats(0.0, 6.0),
    log_q=st.floats(-11.0, -5.0),
    n=st.floats(0.6, 1.0),
)
def test_r_parallel_cpe_is_kramers_kronig(log_r: float, log_q: float, n: float) -> None:
    # Z″ computed from Z′ by the KK integral equals the element's own Z″ (causality).
    z = _r_cpe(10**log_r, 10**log_q, n)
    w0 = 1.0 / (10**log_r * 10**log_q) ** (1.0 / n)  # apex
    w = w0 * np.logspace(-2, 2, 5)
    zi = kk_imag_from_real(lambda x: z(x).real, w)
    np.testing.assert_allclose(zi, z(w).imag, atol=2e-5 * 10**log_r)


def test_cpe_and_capacitor_alone_are_kramers_kronig() -> None:
    # Z′ of a CPE decays as ω^{−n} at low ω: integrate over more decades.
    for n in (0.7, 0.85):
        zi = kk_imag_from_real(
            lambda x, n=n: (1.0 / (1e-6 * (1j * x) ** n)).real,
            W[2:6],
            decades=60,
            points_per_decade=400,
        )
        np.testing.assert_allclose(zi, (1.0 / (1e-6 * (1j * W[2:6]) ** n)).imag, rtol=2e-4)


def test_full_example_circuit_is_kramers_kronig() -> None:
    p = EXAMPLE_TRUTH.parameters(298.15)
    z = lambda w: model_impedance(w / (2 * np.pi), p)  # noqa: E731
    zi = kk_imag_from_real(lambda x: z(x).real, W[3:8], decades=60, points_per_decade=400)
    np.testing.assert_allclose(zi, z(W[3:8]).imag, rtol=1e-3)


def test_lin_kk_residuals_small_on_exact_spectra_and_large_on_acausal() -> None:
    f = EXAMPLE_TRUTH.frequencies()
    for tc in EXAMPLE_TRUTH.temperatures_c:
        _, z = example_spectrum(tc, noise=False)
        res = lin_kk(spectrum_from_arrays(f, z))
        # exact model spectra: rms residual ≤ 1.1e-3 (measured 3e-4 … 1.0e-3); the largest
        # residuals sit at the band edges where the RC chain cannot follow the CPE tail
        assert res.rms_residual < 1.1e-3
        assert res.passed
    # an anti-causal arc R/(1 − iωRC) (Z″ > 0) cannot be built from RC elements
    z_bad = 100.0 / (1 - 2j * np.pi * f * 100.0 * 1e-8) + 50.0 / (1 + 2j * np.pi * f * 50 * 1e-5)
    bad = lin_kk(spectrum_from_arrays(f, z_bad))
    assert not bad.passed
    assert bad.rms_residual > 0.1


def test_lin_kk_on_noisy_examples_reflects_the_noise() -> None:
    f = EXAMPLE_TRUTH.frequencies()
    _, z = example_spectrum(25.0)
    res = lin_kk(spectrum_from_arrays(f, z))
    # 1 % of |Z| Gaussian noise on each part: rms residual ≈ 1 % (less the fitted share)
    assert 0.005 < res.rms_residual < 0.015
    assert res.passed
    with pytest.raises(InvalidParameterError, match="threshold"):
        lin_kk(spectrum_from_arrays(f, z), threshold=2.0)


# ----------------------------------------------------------------- C_eff and σ = L/(RA)
def test_effective_capacitance_limits() -> None:
    assert effective_capacitance(1e4, 3e-9, 1.0) == pytest.approx(3e-9)  # n = 1 → C = Q
    # apex of R‖CPE at ω = (RQ)^{−1/n}, and R·C_eff·ω_apex = 1 for every n
    for n in (0.6, 0.8, 0.95):
        R, Q = 5e3, 2e-10
        ceff = effective_capacitance(R, Q, n)
        w_apex = (R * Q) ** (-1.0 / n)
        assert R * ceff * w_apex == pytest.approx(1.0, rel=1e-12)
        z = _r_cpe(R, Q, n)
        w = np.logspace(np.log10(w_apex) - 2, np.log10(w_apex) + 2, 40001)
        assert w[np.argmax(-z(w).imag)] == pytest.approx(w_apex, rel=1e-3)
    with pytest.raises(InvalidParameterError):
        effective_capacitance(1.0, 1e-9, 1.5)


def test_conductivity_arithmetic() -> None:
    pellet = Pellet.from_mm(1.0, diameter_mm=10.0)
    assert pellet.thickness_cm == pytest.approx(0.1)
    assert pellet.area_cm2 == pytest.approx(math.pi * 0.25)
    sigma, err = conductivity_s_per_cm(1000.0, pellet, resistance_err_ohm=10.0)
    # 0.1 cm / (1000 Ω × 0.785398 cm²) = 1.27324e-4 S/cm
    assert sigma == pytest.approx(1.273240e-4, rel=1e-6)
    assert err == pytest.approx(0.01 * sigma)
    assert Pellet.from_mm(2.0, area_mm2=50.0).cell_constant_per_cm == pytest.approx(0.4)
    for bad in (
        lambda: Pellet.from_mm(0.0, diameter_mm=10.0),
        lambda: Pellet.from_mm(-1.0, diameter_mm=10.0),
        lambda: Pellet.from_mm(1.0),
        lambda: Pellet.from_mm(1.0, diameter_mm=10.0, area_mm2=3.0),
        lambda: conductivity_s_per_cm(0.0, pellet),
    ):
        with pytest.raises(InvalidParameterError):
            bad()


# ----------------------------------------------------------------- fits
@pytest.mark.parametrize("tc", [-40.0, 25.0, 40.0])
def test_fit_recovers_known_parameters_within_errors(tc: float) -> None:
    f, z = example_spectrum(tc)
    fit = fit_spectrum(spectrum_from_arrays(f, z))
    true = EXAMPLE_TRUTH.parameters(tc + 273.15)
    for p, t in zip(fit.parameters, true, strict=True):
        assert abs(p.value - t) < 3.5 * p.stderr, (p.name, p.value, t, p.stderr)
    # residual at the noise level (√2 × 1 % per point for two noisy parts)
    assert fit.rms_relative_residual < 0.017
    bulk, gb = fit.arc("bulk"), fit.arc("grain boundary")
    assert bulk.resistor == "R1" and gb.resistor == "R2"
    assert abs(bulk.C_eff_F - EXAMPLE_TRUTH.C_bulk_F) < 3.5 * bulk.C_eff_err_F
    assert abs(gb.C_eff_F - EXAMPLE_TRUTH.C_gb_F) < 3.5 * gb.C_eff_err_F


def test_arcs_are_labelled_by_capacitance_not_order() -> None:
    # Start R1/CPE1 on the grain-boundary arc: the fit keeps that assignment and the labels
    # still follow C_eff (R1 is then the grain boundary).
    f, z = example_spectrum(25.0)
    spec = spectrum_from_arrays(f, z)
    rb, qb, _nb, rg, qg, _ng, qe, ne = EXAMPLE_TRUTH.parameters(298.15)
    fit = fit_spectrum(spec, initial_guess=[rg, qg, 0.9, rb, qb, 0.9, qe, ne])
    assert fit.arc("grain boundary").resistor == "R1"
    assert fit.arc("bulk").resistor == "R2"
    assert fit.arc("bulk").R_ohm == pytest.approx(rb, rel=0.02)


def test_starting_values_from_the_spectrum_are_close() -> None:
    f, z = example_spectrum(-10.0)
    guess = estimate_initial_guess(spectrum_from_arrays(f, z))
    true = EXAMPLE_TRUTH.parameters(263.15)
    # resistances within 10 %, electrode CPE within 10 %: the arcs are found as −Z″ peaks
    for k in (0, 3, 6, 7):
        assert guess[k] == pytest.approx(true[k], rel=0.1)


def test_other_circuits_single_arc_and_series_resistor() -> None:
    f = np.logspace(6, -1, 50)
    z = 20.0 + 1000.0 / (1 + 1000.0 * 1e-9 * (2j * np.pi * f) ** 0.9)
    z = z + 1.0 / (1e-6 * (2j * np.pi * f) ** 0.85)
    fit = fit_spectrum(spectrum_from_arrays(f, z), "R0-p(R1,CPE1)-CPE2")
    assert [a.label for a in fit.arcs] == ["total"]
    assert fit.series_resistance_ohm == pytest.approx(20.0, rel=1e-6)
    assert fit.total_resistance_ohm == pytest.approx(1020.0, rel=1e-6)
    assert fit.rms_relative_residual < 1e-8


def test_bad_circuits_and_too_few_points() -> None:
    f, z = example_spectrum(25.0)
    spec = spectrum_from_arrays(f, z)
    with pytest.raises(InvalidParameterError, match=r"not a valid impedance\.py circuit"):
        fit_spectrum(spec, "p(R1,CPE1")
    with pytest.raises(InvalidParameterError, match="initial_guess"):
        fit_spectrum(spec, "p(R1,CPE1)-Wo1")
    with pytest.raises(InvalidParameterError, match="parameters"):
        fit_spectrum(spec, initial_guess=[1.0, 2.0])
    few = spectrum_from_arrays(f[::30], z[::30])
    with pytest.raises(InvalidParameterError, match="too few"):
        fit_spectrum(few)


def test_fit_keeps_stdout_clean(capsys: pytest.CaptureFixture[str]) -> None:
    f, z = example_spectrum(5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_spectrum(spectrum_from_arrays(f, z))
        lin_kk(spectrum_from_arrays(f, z))
    assert capsys.readouterr().out == ""


def test_unsupported_terms_fit_with_user_starting_values() -> None:
    f = np.logspace(6, -2, 60)
    w = 2 * np.pi * f
    # p(R1,CPE1) in series with a finite-length Warburg (impedance.py Ws: Z0 tanh(√(iωτ))/√(iωτ))
    z = 500.0 / (1 + 500.0 * 1e-8 * (1j * w) ** 0.9)
    z = z + 200.0 / np.sqrt(1j * w * 2.0) * np.tanh(np.sqrt(1j * w * 2.0))
    fit = fit_spectrum(
        spectrum_from_arrays(f, z), "p(R1,CPE1)-Ws1", initial_guess=[400.0, 2e-8, 0.85, 150.0, 1.0]
    )
    assert fit.arc("total").R_ohm == pytest.approx(500.0, rel=1e-4)
    assert [p.value for p in fit.parameters][3:] == pytest.approx([200.0, 2.0], rel=1e-4)


def test_arc_outside_the_window_is_flagged() -> None:
    # At 80 °C with a 1 MHz analyser the bulk apex (≈6 MHz) is off the top of the sweep.
    from dataclasses import replace

    from ssbattery.errors import ValidityWarning

    truth = replace(EXAMPLE_TRUTH, f_max_hz=1e6)
    f, z = example_spectrum(80.0, truth=truth)
    with pytest.warns(ValidityWarning) as record:
        fit = fit_spectrum(spectrum_from_arrays(f, z))
    messages = [str(w.message) for w in record]
    assert any("apex" in m for m in messages)
    # with the apex off the sweep the bulk CPE exponent runs to its bound: flagged too
    assert any("reached its bound n = 1" in m for m in messages)
    assert any("extrapolated" in n for n in fit.notes)
    # the resistance is still found to within a few per cent of the truth
    assert fit.arc("bulk").R_ohm == pytest.approx(truth.parameters(353.15)[0], rel=0.05)


def test_automatic_starting_values_on_random_two_arc_spectra() -> None:
    # Random bulk/gb/electrode parameters (seeded) with both arc apexes inside the window and
    # 1 % noise: the automatic fit finds both resistances to 10 % without any user guess.
    rng = np.random.default_rng(11)
    f = np.logspace(7, -1, 81)
    done = 0
    while done < 4:
        rb = 10 ** rng.uniform(2.5, 6)
        rg = rb * 10 ** rng.uniform(-1, 1.5)
        cb, cg = 10 ** rng.uniform(-11.7, -10.3), 10 ** rng.uniform(-9.5, -8)
        nb, ng = rng.uniform(0.85, 1.0), rng.uniform(0.7, 0.95)
        apex_b, apex_g = 1 / (2 * np.pi * rb * cb), 1 / (2 * np.pi * rg * cg)
        if not (1e1 < apex_g < apex_b / 10 and apex_b < 1e6):
            continue
        p = [rb, cb**nb / rb ** (1 - nb), nb, rg, cg**ng / rg ** (1 - ng), ng]
        p += [10 ** rng.uniform(-7, -5), rng.uniform(0.7, 0.95)]
        z = model_impedance(f, p)
        sd = 0.01 * np.abs(z)
        z = z + sd * rng.standard_normal(f.size) + 1j * sd * rng.standard_normal(f.size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fit_spectrum(spectrum_from_arrays(f, z))
        assert fit.arc("bulk").R_ohm == pytest.approx(rb, rel=0.1), p
        assert fit.arc("grain boundary").R_ohm == pytest.approx(rg, rel=0.1), p
        done += 1


def _one_rc_arc_spectrum():  # type: ignore[no-untyped-def]
    """R0 + R‖C, 100 Ω + 10 kΩ ‖ 1 nF (apex 1/(2πRC) = 15.9 kHz), 1 MHz → 0.1 Hz, no electrode."""
    f = np.logspace(6, -1, 36)
    z = 100.0 + 1e4 / (1 + 1j * 2 * np.pi * f * 1e4 * 1e-9)
    return spectrum_from_arrays(f, z, source="one_arc.csv")


def test_one_arc_with_the_default_two_arc_circuit_is_a_clear_error() -> None:
    """The default circuit's electrode CPE has no spike to fit: its Q runs to ∞ (impedance → 0)
    and the errors are undefined. The message names the element and suggests circuits."""
    spec = _one_rc_arc_spectrum()
    with (
        warnings.catch_warnings(),
        pytest.raises(InvalidParameterError, match=r"degenerate solution \(CPE3_0 → ∞\)") as exc,
    ):
        warnings.simplefilter("ignore")
        fit_spectrum(spec)
    assert "'R0-p(R1,CPE1)'" in str(exc.value) and "`circuit`" in str(exc.value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n reaches its bound 1 on an ideal capacitor
        fit = fit_spectrum(spec, "R0-p(R1,CPE1)")
    assert fit.arcs[0].R_ohm == pytest.approx(1e4, rel=1e-6)
    assert fit.series_resistance_ohm == pytest.approx(100.0, rel=1e-6)


def test_cli_fit_one_arc_names_the_circuit_option(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from ssbattery.cli import app

    spec = _one_rc_arc_spectrum()
    path = tmp_path / "one_arc.csv"
    path.write_text(
        "\n".join(
            f"{x},{y.real},{y.imag}" for x, y in zip(spec.frequency_hz, spec.z_ohm, strict=True)
        )
    )
    res = CliRunner().invoke(
        app, ["eis", "fit", str(path), "--thickness-mm", "1", "--area-mm2", "50"]
    )
    assert res.exit_code == 2
    assert "`--circuit`" in res.output and "resistance_err_ohm" not in res.output
