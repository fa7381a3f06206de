"""DRT: analytic γ of ZARC and Havriliak–Negami elements, recovery of peaks, band, shipped spectra.

References: the ZARC (Cole–Cole) distribution γ = (R/2π) sin((1−n)π)/(cosh(n s) − cos((1−n)π))
(Fuoss & Kirkwood, JACS 63, 385 (1941)); the Havriliak–Negami distribution (Havriliak & Negami,
Polymer 8, 161 (1967); Zorn, J. Polym. Sci. B 37, 1043 (1999)). Each is checked first by
quadrature of Z = ∫ γ/(1 + iωτ) d ln τ against the closed-form impedance.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from ssbattery.electrolytes.impedance import Pellet, fit_spectrum, read_spectrum
from ssbattery.electrolytes.impedance.drt import (
    circuit_from_drt,
    compute_drt,
    gamma_havriliak_negami,
    gamma_zarc,
)
from ssbattery.electrolytes.impedance.drt_peaks import havriliak_negami_mode
from ssbattery.electrolytes.impedance.examples import example_spectra_dir
from ssbattery.electrolytes.impedance.readers import spectrum_from_arrays
from ssbattery.errors import InvalidParameterError

F = np.logspace(6, -2, 60)  # 60 points, 10 per decade
W = 2 * np.pi * F


def _zarc(R: float, tau: float, n: float) -> np.ndarray:
    return R / (1 + (1j * W * tau) ** n)


def _hn(R: float, tau: float, a: float, b: float) -> np.ndarray:
    return R / (1 + (1j * W * tau) ** a) ** b


def _noisy(z: np.ndarray, rel: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return z + rel * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size))


def _mode(g, *, lo: float, hi: float) -> float:
    t = np.logspace(lo, hi, 200001)
    return float(t[np.argmax(g(t))])


@pytest.mark.parametrize(
    ("gamma", "z"),
    [
        (lambda t: gamma_zarc(t, 1000.0, 1e-3, 0.8), lambda: _zarc(1000.0, 1e-3, 0.8)),
        (
            lambda t: gamma_havriliak_negami(t, 1000.0, 1e-3, 0.8, 0.6),
            lambda: _hn(1000.0, 1e-3, 0.8, 0.6),
        ),
    ],
)
def test_analytic_gamma_reproduces_its_impedance(gamma, z) -> None:
    s = np.linspace(math.log(1e-3) - 60, math.log(1e-3) + 60, 400001)
    g = gamma(np.exp(s))
    f = np.array([1e-1, 1e1, 1e2, 1e3, 1e5])
    zq = np.array([np.trapezoid(g / (1 + 1j * 2 * np.pi * fk * np.exp(s)), s) for fk in f])
    w = 2 * np.pi * f
    z_ref = z().__class__  # keep the lambda's closure; recompute at these f
    del z_ref
    if gamma(np.array([1e-3]))[0] == gamma_zarc(np.array([1e-3]), 1000.0, 1e-3, 0.8)[0]:
        zt = 1000.0 / (1 + (1j * w * 1e-3) ** 0.8)
    else:
        zt = 1000.0 / (1 + (1j * w * 1e-3) ** 0.8) ** 0.6
    np.testing.assert_allclose(zq, zt, rtol=2e-4, atol=1e-3)


CASES = {
    # name: (Z, [(tau_mode, R, gamma)])
    "one ZARC": (
        10 + _zarc(1000.0, 1e-3, 0.85),
        [(1e-3, 1000.0)],
    ),
    "two ZARCs": (
        10 + _zarc(1000.0, 1e-5, 0.85) + _zarc(2000.0, 1e-1, 0.8),
        [(1e-5, 1000.0), (1e-1, 2000.0)],
    ),
    "Havriliak-Negami": (
        10 + _hn(1000.0, 1e-3, 0.85, 0.8),
        [(_mode(lambda t: gamma_havriliak_negami(t, 1.0, 1e-3, 0.85, 0.8), lo=-5, hi=-1), 1000.0)],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("basis", ["gaussian", "piecewise-linear"])
def test_peaks_recover_tau_and_area_within_5_percent(name: str, basis: str) -> None:
    """Issue 13 §1: each peak's τ within 5 % and its area within 5 % (noise 0.01 % of |Z|).

    At 0.05 % noise the smoothing prior shifts the asymmetric HN mode by 4–7 % (measured in
    benchmarks/RESULTS_drt.md); the symmetric ZARC peaks stay within 3 % up to 0.1 %.
    """
    z, truth = CASES[name]
    spec = spectrum_from_arrays(F, _noisy(z, 1e-4, seed=3))
    r = compute_drt(spec, basis=basis)
    assert len(r.peaks) == len(truth)
    for peak, (tau, R) in zip(sorted(r.peaks, key=lambda p: p.tau_s), truth, strict=True):
        assert peak.tau_s == pytest.approx(tau, rel=0.05)
        assert peak.R_ohm == pytest.approx(R, rel=0.05)
    assert r.rms_relative_residual < 2e-3


@pytest.mark.parametrize("name", list(CASES))
def test_peaks_within_5_percent_at_one_percent_noise(name: str) -> None:
    """Issue 13 §1 at 1 % noise: the peak model (ZARC/Havriliak–Negami fitted to Z from the DRT
    peaks, :mod:`.drt_peaks`) recovers each τ and area within 5 % (benchmarks/RESULTS_drt.md
    gives the max over seeds 0–19 and over fresh seeds 400–599, where no seed of the three
    spectra exceeds 5 % with the likelihood-ratio shape test); the free-form γ-maximum
    peaks it replaces were off by 5.5–12 % in τ here, the HN mode pulled toward its heavy side
    by the smoothing prior."""
    z, truth = CASES[name]
    for seed in range(3):
        r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, seed)))
        peaks = sorted(sorted(r.peaks, key=lambda p: -p.R_ohm)[: len(truth)], key=lambda p: p.tau_s)
        for peak, (tau, R) in zip(peaks, truth, strict=True):
            assert peak.shape in ("ZARC", "Havriliak-Negami")
            assert peak.tau_s == pytest.approx(tau, rel=0.05)
            assert peak.R_ohm == pytest.approx(R, rel=0.05)
    if name == "Havriliak-Negami":  # the γ-maximum estimate is the biased one
        raw = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, 0)), peak_model=False)
        assert abs(raw.peaks[0].tau_s / truth[0][0] - 1) > 0.05
        assert raw.peaks[0].shape == "gamma maximum"


def test_a_noise_peak_at_the_window_edge_is_dropped_not_the_peak_model() -> None:
    """Two ZARCs at 1 % noise, seed 19 (the seed that failed the 5 % check before): the Tikhonov
    γ has a third peak at the long-τ edge (τ ≈ 130 s, 5 % of ∫γ), which the peak-model fit
    pushes out of its bounds (to the 1/ω_min + 2 decades limit). It is dropped and the two true
    peaks are refined (τ within 5 %), where formerly the whole peak model was rejected and the
    γ-maximum τ of the slow arc was 6.4 % off."""
    z, truth = CASES["two ZARCs"]
    spec = spectrum_from_arrays(F, _noisy(z, 1e-2, 19))
    assert len(compute_drt(spec, peak_model=False).peaks) == 3
    r = compute_drt(spec)
    assert [p.shape for p in r.peaks] == ["ZARC", "ZARC"]
    assert any("dropped" in n and "τ = 130 s" in n for n in r.notes)
    for peak, (tau, R) in zip(r.peaks, truth, strict=True):
        assert peak.tau_s == pytest.approx(tau, rel=0.05)
        assert peak.R_ohm == pytest.approx(R, rel=0.05)


@pytest.mark.parametrize(("seed", "old_error"), [(318, 0.103), (362, 0.136)])
def test_a_zarc_pair_is_not_given_a_spurious_asymmetry(seed: int, old_error: float) -> None:
    """Two ZARCs at 1 % noise, seeds where Schwarz's criterion kept a spurious Havriliak–Negami
    β ≈ 0.9 on the slow ZARC and moved its mode by 10.3 % and 13.6 % (``old_error``). The
    shape is now a likelihood-ratio test of β = 1 at family level 0.1 %, with the boundary null
    ½χ²₀ + ½F(1, N − p) (Chernoff 1954; Self & Liang 1987): F = Δχ²/(χ²/(N − p)) ≈ 9–10 here
    is below its 0.05 %-per-peak quantile (11.4), so both arcs stay ZARCs, within 2 % in τ."""
    z, truth = CASES["two ZARCs"]
    r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, seed)))
    assert [p.shape for p in r.peaks] == ["ZARC", "ZARC"]
    for peak, (tau, R) in zip(r.peaks, truth, strict=True):
        assert abs(peak.tau_s / tau - 1) < 0.02 < old_error
        assert peak.R_ohm == pytest.approx(R, rel=0.01)


@pytest.mark.parametrize("tau0", [1e-3, 1e-1])
def test_a_mild_asymmetry_that_moves_the_mode_is_still_resolved(tau0: float) -> None:
    """Power of the shape test: a Havriliak–Negami element with β = 0.9 (α = 0.85), whose
    best ZARC puts the mode 5–7.5 % off (noise-free fit), has noncentrality Δχ²/σ² ≈ 160–170
    at 1 % noise, far above the test's threshold (10.0 for one peak): it is kept as
    Havriliak–Negami and its mode (:func:`havriliak_negami_mode`) recovered within 3 % in every
    seed 0–4."""
    z = 10 + _hn(1000.0, tau0, 0.85, 0.9)
    mode = havriliak_negami_mode(tau0, 0.85, 0.9)
    for seed in range(5):
        r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, seed)))
        (peak,) = sorted(r.peaks, key=lambda p: -p.R_ohm)[:1]
        assert peak.shape == "Havriliak-Negami"
        assert peak.beta == pytest.approx(0.9, abs=0.05)
        assert peak.tau_s == pytest.approx(mode, rel=0.03)
        assert peak.R_ohm == pytest.approx(1000.0, rel=0.02)


def test_havriliak_negami_mode_matches_brute_force() -> None:
    """The HN γ mode against the argmax of the closed form on a 2·10⁵-point grid; τ₀ for
    β = 1 (the ZARC's symmetric distribution)."""
    for a, b in ((0.85, 0.8), (0.6, 0.5), (0.95, 0.3)):
        brute = _mode(lambda t, a=a, b=b: gamma_havriliak_negami(t, 1.0, 1e-3, a, b), lo=-7, hi=-2)
        assert havriliak_negami_mode(1e-3, a, b) == pytest.approx(brute, rel=1e-4)
    assert havriliak_negami_mode(2e-4, 0.7, 1.0) == 2e-4
    with pytest.raises(InvalidParameterError):
        havriliak_negami_mode(1e-3, 1.2, 0.5)


def test_peak_model_is_rejected_for_a_shape_it_cannot_hold() -> None:
    """A Gaussian γ in ln τ (σ = 0.4 decades) is no ZARC or HN element: at 0.01 % noise the
    F test rejects the peak model, and the DRT keeps its own peaks and hierarchical band."""
    s = np.linspace(-16, 4, 4001)
    g = 1000 * np.exp(-0.5 * ((s - math.log(1e-3)) / (0.4 * math.log(10))) ** 2)
    g /= np.trapezoid(g, s) / 1000
    z = 10 + np.array([np.trapezoid(g / (1 + 1j * w * np.exp(s)), s) for w in W])
    r = compute_drt(
        spectrum_from_arrays(F, _noisy(z, 1e-4, 0)),
        band_level=0.9,
        n_samples=200,
        band_method="peak model",
    )
    assert r.band is not None and r.band.method == "hierarchical"
    assert all(p.shape == "gamma maximum" for p in r.peaks)
    assert any("reject the peak model" in n for n in r.notes)


def test_inductance_term_recovers_a_cable_inductance() -> None:
    L = 2e-6  # H; iωL = 12.6 Ω at 1 MHz against R∞ = 10 Ω
    z = 10 + 1j * W * L + _zarc(1000.0, 1e-4, 0.9)
    r = compute_drt(spectrum_from_arrays(F, _noisy(z, 5e-4, seed=1)))
    assert r.inductance_H == pytest.approx(L, rel=0.05)
    assert r.peaks[0].tau_s == pytest.approx(1e-4, rel=0.05)
    no_l = compute_drt(spectrum_from_arrays(F, _noisy(z, 5e-4, seed=1)), inductance=False)
    assert no_l.rms_relative_residual > 5 * r.rms_relative_residual


TRUE_GAMMA = {
    "one ZARC": lambda t: gamma_zarc(t, 1000.0, 1e-3, 0.85),
    "two ZARCs": lambda t: gamma_zarc(t, 1000.0, 1e-5, 0.85) + gamma_zarc(t, 2000.0, 1e-1, 0.8),
    "Havriliak-Negami": lambda t: gamma_havriliak_negami(t, 1000.0, 1e-3, 0.85, 0.8),
}


def _coverage(name: str, noise: float, seeds: range, where: str = "window") -> list[float]:
    """Pointwise coverage of the true γ by the 90 % band inside the measured τ window
    (``where="window"``), or only at the peaks (true γ ≥ 10 % of its maximum) or in the tails."""
    z, _ = CASES[name]
    cover = []
    for seed in seeds:
        r = compute_drt(
            spectrum_from_arrays(F, _noisy(z, noise, seed)),
            band_level=0.9,
            seed=seed,
            band_method="hierarchical",
        )
        assert r.band is not None
        truth = TRUE_GAMMA[name](r.tau_s)
        inside = (r.tau_s > 1 / W.max()) & (r.tau_s < 1 / W.min())
        peak = inside & (truth >= 0.1 * truth.max())
        part = {"window": inside, "peaks": peak, "tails": inside & ~peak}[where]
        ok = (truth >= r.band.lower_ohm) & (truth <= r.band.upper_ohm)
        cover.append(float(np.mean(ok[part])))
        assert np.all(r.band.lower_ohm >= 0) and np.all(r.band.lower_ohm <= r.band.upper_ohm)
        assert r.band.noise_sd_relative == pytest.approx(noise, rel=0.35)
    return cover


@pytest.mark.parametrize("name", list(CASES))
def test_band_covers_the_truth_at_its_stated_level(name: str) -> None:
    """Issue 13 §1: the 90 % band covers the true γ at 85–95 % (noise 0.1 % of |Z|, 3 seeds).

    Measured (benchmarks/RESULTS_drt.md, 10 seeds): 0.92–0.94 at 0.1 % noise. The former
    single-λ Gaussian-prior band with coefficients clipped covered 0.56–0.81 here.
    """
    cover = _coverage(name, 1e-3, range(3))
    assert 0.85 <= float(np.mean(cover)) <= 0.96, cover


def test_band_coverage_at_one_percent_noise() -> None:
    """1 % noise: one ZARC and HN at the stated level; two ZARCs is the measured shortfall.

    Two ZARCs at 1 % noise: 0.82 mean coverage (benchmarks/RESULTS_drt.md) — the prior still
    flattens both peak tops where the noise hides their curvature. Guarded, not claimed.
    """
    assert 0.85 <= float(np.mean(_coverage("one ZARC", 1e-2, range(2)))) <= 0.95
    assert 0.85 <= float(np.mean(_coverage("Havriliak-Negami", 1e-2, range(2)))) <= 0.95
    assert 0.75 <= float(np.mean(_coverage("two ZARCs", 1e-2, range(2)))) <= 0.95


def test_band_coverage_split_into_peaks_and_tails() -> None:
    """Where the window's average coverage comes from (benchmarks/RESULTS_drt.md, 10 seeds):
    in the tails, where γ ≈ 0, the band reaches 0 and always covers; at the peaks it covers
    less than stated, because the smoothing prior lowers the peak tops (one ZARC at 0.1 %
    noise, seed 0: the band's centre 6 % of γ_max below the true top, its half-width 4 %) and
    the band is conditional on that prior. This is the measured shortfall, guarded, not
    claimed."""
    assert min(_coverage("one ZARC", 1e-3, range(2), "tails")) >= 0.98
    peaks = float(np.mean(_coverage("one ZARC", 1e-3, range(2), "peaks")))
    assert 0.4 <= peaks <= 0.85, peaks


def test_default_band_covers_the_truth_at_its_stated_level() -> None:
    """Issue 13 §1, the default band (peak model): one ZARC at 1 % noise, 20 seeds (the
    benchmark's seeds and draws, benchmarks/RESULTS_drt.md: window 0.882, peaks 0.881): the 90 %
    band covers the true γ at 85–95 % over the window and at the peaks; the hierarchical band on
    the same spectra covers the peaks at 0.40."""
    z, _ = CASES["one ZARC"]
    window, peaks = [], []
    for seed in range(20):
        r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, seed)), band_level=0.9, seed=seed)
        assert r.band is not None and r.band.method == "peak model"
        truth = TRUE_GAMMA["one ZARC"](r.tau_s)
        inside = (r.tau_s > 1 / W.max()) & (r.tau_s < 1 / W.min())
        ok = (truth >= r.band.lower_ohm) & (truth <= r.band.upper_ohm)
        window.append(float(np.mean(ok[inside])))
        peaks.append(float(np.mean(ok[inside & (truth >= 0.1 * truth.max())])))
    assert 0.85 <= float(np.mean(window)) <= 0.95, window
    assert 0.85 <= float(np.mean(peaks)) <= 0.95, peaks


def test_peak_model_band_is_the_accepted_models() -> None:
    """``band_method="peak model"``: the band of the accepted ZARC/HN model, centred on its γ,
    its noise estimate the fit's √(χ²/(N − p)); its coverage is measured over 40 seeds in
    benchmarks/RESULTS_drt.md, not assumed."""
    z, _ = CASES["two ZARCs"]
    r = compute_drt(
        spectrum_from_arrays(F, _noisy(z, 1e-2, 0)),
        band_level=0.9,
        n_samples=500,
        band_method="peak model",
    )
    assert r.band is not None and r.band.method == "peak model"
    assert r.band.noise_sd_relative == pytest.approx(1e-2, rel=0.2)
    assert np.all(r.band.lower_ohm <= r.band.centre_ohm + 1e-9)
    assert np.all(r.band.centre_ohm <= r.band.upper_ohm + 1e-9)
    i = int(np.argmin(np.abs(r.tau_s - r.peaks[0].tau_s)))
    assert r.band.centre_ohm[i] == pytest.approx(r.peaks[0].gamma_max_ohm, rel=1e-3)
    assert r.to_dict()["band"]["method"].startswith("Laplace posterior")
    with pytest.raises(InvalidParameterError, match="band_method"):
        compute_drt(spectrum_from_arrays(F, z), band_method="bootstrap")  # type: ignore[arg-type]


def test_lambda_methods_are_named_and_user_lambda_is_used() -> None:
    spec = spectrum_from_arrays(F, _noisy(10 + _zarc(1000.0, 1e-3, 0.85), 5e-3, 0))
    lams = {}
    for method in ("evidence", "gcv", "lcurve"):
        r = compute_drt(spec, lam_method=method)
        assert r.lam_method == method
        lams[method] = r.lam
        peak = max(r.peaks, key=lambda p: p.R_ohm)
        assert peak.tau_s == pytest.approx(1e-3, rel=0.01)
        assert peak.R_ohm == pytest.approx(1000.0, rel=0.01)
    # three different criteria, three different λ (the L-curve's corner, at the largest
    # positive curvature of (log‖r‖, log‖Dg‖) as λ rises, lies at the largest of them here)
    assert lams["gcv"] < lams["evidence"] < lams["lcurve"] < 10.0
    fixed = compute_drt(spec, lam=0.123)
    assert (fixed.lam, fixed.lam_method) == (0.123, "given")
    with pytest.raises(InvalidParameterError, match="lam_method"):
        compute_drt(spec, lam_method="aic")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="`lam`"):
        compute_drt(spec, lam=-1.0)


SHIPPED = sorted(example_spectra_dir().glob("*.csv"))


@pytest.mark.parametrize("method", ["gcv", "lcurve"])
def test_every_lambda_criterion_finds_the_shipped_arcs(method) -> None:
    """GCV and the L-curve find the same bulk and grain-boundary peaks as the default evidence
    on all six shipped spectra (τ and R within 2 %, after the peak model). At 25 and 40 °C the
    bulk arc lies at the top of the measured range; when the electrode exponent was set by
    another criterion than the evidence, GCV's γ there took the electrode's relaxation and
    lost both peaks."""
    for path in SHIPPED:
        spec = read_spectrum(path)
        ref = compute_drt(spec)
        r = compute_drt(spec, lam_method=method)
        for label in ("bulk", "grain boundary"):
            assert r.peak(label).tau_s == pytest.approx(ref.peak(label).tau_s, rel=0.02), path
            assert r.peak(label).R_ohm == pytest.approx(ref.peak(label).R_ohm, rel=0.02), path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_spectra_drt_peaks_agree_with_the_circuit_fit(path) -> None:
    """Bulk and grain-boundary peaks: τ and R within 10 % of the fitted arcs' (RQ)^{1/n}, R."""
    spec = read_spectrum(path)
    pellet = Pellet.from_mm(1.0, diameter_mm=10.0)
    r = compute_drt(spec, cell_constant_per_cm=pellet.cell_constant_per_cm)
    fit = fit_spectrum(spec)
    assert r.electrode_cpe is not None
    for label in ("bulk", "grain boundary"):
        arc = fit.arc(label)
        peak = r.peak(label)
        assert peak.tau_s == pytest.approx((arc.R_ohm * arc.Q) ** (1 / arc.n), rel=0.10)
        assert peak.R_ohm == pytest.approx(arc.R_ohm, rel=0.10)
    # the DRT decides the circuit and seeds the fit: same circuit, same optimum
    circuit, guess = circuit_from_drt(r)
    assert circuit == "p(R1,CPE1)-p(R2,CPE2)-CPE3"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seeded = fit_spectrum(spec, circuit, initial_guess=guess)
    assert seeded.arc("bulk").R_ohm == pytest.approx(fit.arc("bulk").R_ohm, rel=1e-3)
    assert seeded.arc("grain boundary").R_ohm == pytest.approx(
        fit.arc("grain boundary").R_ohm, rel=1e-3
    )


def test_drt_predict_and_summary_round_trip() -> None:
    spec = spectrum_from_arrays(F, 10 + _zarc(1000.0, 1e-3, 0.85))
    r = compute_drt(spec, band_level=0.8, n_samples=200)
    np.testing.assert_allclose(r.predict(F), r.z_fit_ohm, rtol=1e-10)
    assert r.polarization_resistance_ohm == pytest.approx(1000.0, rel=0.01)
    np.testing.assert_allclose(r.gamma(r.tau_s), r.gamma_ohm, rtol=1e-10, atol=1e-12)
    s = r.to_dict()
    assert s["lambda_method"] == "evidence"
    assert s["band"]["level [1]"] == 0.8
    assert len(s["band"]["lower [Ω]"]) == len(s["tau [s]"])
    assert s["peaks"][0]["C_eff [F]"] == pytest.approx(1e-3 / 1000.0, rel=0.05)
    assert s["R_inf [Ω]"] == pytest.approx(10.0, rel=0.05)


def test_cli_drt_json_plot_and_bad_input(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    path = str(example_spectra_dir() / "example_m10C.csv")
    out = tmp_path / "drt.png"
    res = CliRunner().invoke(
        app,
        [
            "eis",
            "drt",
            path,
            "--thickness-mm",
            "1",
            "--diameter-mm",
            "10",
            "--json",
            "--plot",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    labels = {p["label"]: p for p in s["peaks"]}
    assert labels["bulk"]["C_eff [F]"] == pytest.approx(20e-12, rel=0.1)  # EXAMPLE_TRUTH C_bulk
    assert labels["grain boundary"]["C_eff [F]"] == pytest.approx(2e-9, rel=0.1)
    assert s["circuit_fit"]["circuit"] == "p(R1,CPE1)-p(R2,CPE2)-CPE3"
    fitted = {a["label"]: a for a in s["circuit_fit"]["arcs"]}
    assert fitted["bulk"]["C_eff [F]"] == pytest.approx(20e-12, rel=0.1)
    assert s["band"]["level [1]"] == 0.9
    assert out.stat().st_size > 10_000
    bad = CliRunner().invoke(app, ["eis", "drt", path, "--basis", "splines"])
    assert bad.exit_code == 2
    assert "basis" in bad.output


def test_drt_refuses_an_unchecked_spectrum_and_keeps_a_drt_without_arcs(tmp_path) -> None:
    """A Spectrum built directly (not by a reader) gets the readers' checks; Z = 0 is refused
    (the DRT weights each point by 1/|Z|). A DRT whose peaks suggest no circuit is printed with
    a note, not thrown away."""
    from typer.testing import CliRunner

    from ssbattery.cli import app
    from ssbattery.electrolytes.impedance.readers import Spectrum
    from ssbattery.errors import DataFormatError

    z = 10 + _zarc(1000.0, 1e-3, 0.85)
    with pytest.raises(InvalidParameterError, match="`spectrum` must be a Spectrum"):
        compute_drt((F, z))  # type: ignore[arg-type]
    with pytest.raises(DataFormatError, match="point 1: Z′ is not a finite number"):
        compute_drt(Spectrum(F, np.where(F == F.max(), np.nan, z)))
    with pytest.raises(DataFormatError, match="frequency must be > 0 Hz"):
        compute_drt(Spectrum(-F, z))
    with pytest.raises(InvalidParameterError, match="point 1: Z = 0"):
        compute_drt(Spectrum(F, np.where(F == F.max(), 0, z)))
    # five points of one RC arc sampled too sparsely for a peak between the neighbours
    path = tmp_path / "five.csv"
    path.write_text("f,zr,zi\n1e5,10,-1\n1e4,12,-5\n1e3,30,-20\n1e2,60,-10\n10,65,-2\n")
    res = CliRunner().invoke(app, ["eis", "drt", str(path), "--band", "0"])
    assert res.exit_code == 0, res.output
    assert "no circuit fitted" in res.output and "DRT peaks" in res.output
    assert "Python API" not in res.output


def test_analyse_spectrum_auto_circuit_matches_default_on_shipped_spectrum() -> None:
    from ssbattery.electrolytes.impedance import analyse_spectrum

    pellet = Pellet.from_mm(1.0, diameter_mm=10.0)
    path = example_spectra_dir() / "example_25C.csv"
    auto = analyse_spectrum(path, pellet, circuit="auto", run_kk=False)
    default = analyse_spectrum(path, pellet, run_kk=False)
    assert auto.fit.circuit == default.fit.circuit
    assert auto.sigma_s_cm["bulk"][0] == pytest.approx(default.sigma_s_cm["bulk"][0], rel=1e-3)


def test_drt_figure_carries_gamma_band_and_the_spectrum() -> None:
    """The figure's data read back: γ, the band's mode, Nyquist points of the spectrum."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ssbattery.plotting.impedance import plot_drt, plot_drt_figure

    spec = spectrum_from_arrays(F, _noisy(10 + _zarc(1000.0, 1e-3, 0.85), 1e-3, 0))
    r = compute_drt(spec, band_level=0.9, n_samples=200)
    ax = plot_drt(r)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), r.gamma_ohm)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), r.band.centre_ohm)
    verts = ax.collections[0].get_paths()[0].vertices
    assert verts[:, 1].max() == pytest.approx(r.band.upper_ohm.max())
    fig = plot_drt_figure(r)
    assert len(fig.axes) >= 3  # Nyquist, Bode, γ(τ)
    xs = np.concatenate([ln.get_xdata() for a in fig.axes for ln in a.lines])
    assert np.any(np.isclose(xs, spec.z_ohm.real[0]))
    plt.close("all")


def test_the_default_circuit_stays_fixed_because_the_drt_arc_count_varies_on_real_data() -> None:
    """Issue 13 §1 asks the DRT peaks to decide the default circuit's arc count. On the six
    shipped spectra they do, and ``circuit="auto"`` is the default circuit with the same
    optimum. On the measured s04147 series (140–200 °C) the DRT's count changes from one
    temperature to the next (one to five arcs), and an Arrhenius line needs one circuit
    over its temperatures: the fixed two-arc circuit reproduces the published σ_bulk at every
    temperature (four digits), so it stays the default and ``auto`` is the user's choice."""
    from ssbattery.electrolytes.impedance import analyse_spectrum
    from ssbattery.electrolytes.impedance.measured import S04147

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        auto = [
            analyse_spectrum(f, S04147.pellet(), circuit="auto", run_kk=False)
            for f in S04147.files()
        ]
        fixed = [analyse_spectrum(f, S04147.pellet(), run_kk=False) for f in S04147.files()]
    arcs = [len(a.fit.arcs) for a in auto]
    assert min(arcs) == 1 and max(arcs) >= 4 and len(set(arcs)) >= 3, arcs  # [5, 4, 1, 1, 4, 4, 2]
    for a, published in zip(fixed, S04147.sigma_bulk_S_cm, strict=True):
        assert a.fit.circuit == S04147.circuit
        assert a.sigma_s_cm["bulk"][0] == pytest.approx(published, rel=5e-4)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_two_arcs_a_decade_apart_are_split_out_of_one_drt_peak(seed) -> None:
    """Two ZARCs a decade apart (1 kΩ at 0.1 ms, 1.5 kΩ at 1 ms, n = 0.85) at 1 % noise: the
    smoothing prior merges them into one γ peak, and one element there is rejected by the
    F test. The peak model then splits that peak in two; both arcs come back within 5 % in τ
    and R, with the peak-model band. (Over seeds 0–19: two peaks found in 20, within 10 % in
    17; before the split 7 and 5, BENCHMARKS.md.)"""
    z = 10 + _zarc(1000.0, 1e-4, 0.85) + _zarc(1500.0, 1e-3, 0.85)
    r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-2, seed)), band_level=0.9)
    assert any("holds two relaxations" in n for n in r.notes)
    assert r.band is not None and r.band.method == "peak model"
    assert len(r.peaks) == 2
    for p, (R, tau) in zip(r.peaks, [(1000.0, 1e-4), (1500.0, 1e-3)], strict=True):
        assert p.tau_s == pytest.approx(tau, rel=0.05)
        assert p.R_ohm == pytest.approx(R, rel=0.05)


@pytest.mark.parametrize(("q", "n"), [(1e-6, 0.85), (1e-7, 0.7), (1e-7, 0.95)])
def test_an_arc_beside_a_large_blocking_electrode(q, n) -> None:
    """One ZARC (1 kΩ, τ = 10 µs, n = 0.8) and a blocking-electrode CPE of small Q (a large
    electrode impedance): the smallest λ of the grid left the system singular to round-off
    (a LinAlgError), and γ's maximum just short of the long-τ edge set the peak thresholds and
    hid the arc. Now the arc comes back exactly and the CPE is recovered."""
    z = 10 + _zarc(1000.0, 1e-5, 0.8) + 1 / (q * (1j * W) ** n)
    r = compute_drt(spectrum_from_arrays(F, z))
    assert r.electrode_cpe is not None
    assert r.electrode_cpe[0] == pytest.approx(q, rel=0.01)
    assert r.electrode_cpe[1] == pytest.approx(n, abs=0.005)
    (peak,) = r.peaks
    assert peak.tau_s == pytest.approx(1e-5, rel=0.01)
    assert peak.R_ohm == pytest.approx(1000.0, rel=0.01)


@pytest.mark.parametrize("L", [0.0, 1e-7, 1e-6])
def test_the_peak_model_gives_r_inf_and_l(L) -> None:
    """Two ZARCs (1 kΩ at 10 µs, 1.5 kΩ at 1 ms, n = 0.85), R∞ = 50 Ω, series L, 0.1 % noise
    (seed 0): the Tikhonov fit trades R∞ and L for γ in the tails (R∞ 49.75 / 52.19 / 52.21 Ω,
    L 0 / 6.4e-8 / 9.6e-7 H); the accepted peak model, fitted with its peaks, gives R∞ within
    0.05 % and L within 10 % (9.2e-8, 9.9e-7 H), and the suggested circuit starts from it."""
    z = 50 + 1j * W * L + _zarc(1000.0, 1e-5, 0.85) + _zarc(1500.0, 1e-3, 0.85)
    r = compute_drt(spectrum_from_arrays(F, _noisy(z, 1e-3, 0)))
    assert r.peak_model_terms is not None
    r_inf, l_fit, cpe = r.peak_model_terms
    assert r_inf == pytest.approx(50.0, rel=5e-4)
    assert abs(r_inf - 50.0) < abs(r.R_inf_ohm - 50.0)  # the Tikhonov model's, for predict()
    assert l_fit == pytest.approx(L, abs=max(0.1 * L, 1e-9))
    assert cpe is None
    circuit, guess = circuit_from_drt(r)
    assert circuit.startswith("R0-") and guess[0] == pytest.approx(r_inf)
    assert r.to_dict()["peak_model_terms"]["R_inf [Ω]"] == pytest.approx(r_inf)


def test_forced_electrode_and_a_split_that_meets_itself() -> None:
    """``electrode=True`` on data without a blocking electrode: the summary stays JSON
    (no inf Q), and a CPE pushed to its lower bound n = 0.5 says so. Two ZARCs seen only
    over 10 kHz–1 MHz: the split's halves of the 10 µs arc must not converge on one τ
    (they did, 496 + 510 Ω at 9.7 and 10.1 µs, reported as two relaxations)."""
    import json

    one = 10 + _zarc(1000.0, 1e-5, 0.85)
    r = compute_drt(spectrum_from_arrays(F, one), electrode=True)
    json.dumps(r.to_dict(), allow_nan=False)
    assert r.electrode_cpe is not None and r.electrode_cpe[1] < 0.51  # n at its bound
    assert any("lower bound 0.5" in n for n in r.notes)
    f = np.logspace(6, 4, 21)
    w = 2 * np.pi * f
    two = 10 + 1000 / (1 + (1j * w * 1e-5) ** 0.85) + 1500 / (1 + (1j * w * 1e-3) ** 0.85)
    r2 = compute_drt(spectrum_from_arrays(f, _noisy(two, 1e-3, 0)))
    taus = sorted(p.tau_s for p in r2.peaks)
    assert all(b / a > 2 for a, b in itertools.pairwise(taus)), taus
    assert not any("holds two relaxations" in n for n in r2.notes)


@pytest.mark.parametrize(("name", "t_c"), [("m10C", -10.0), ("m40C", -40.0)])
def test_no_spurious_peak_beside_the_electrode_cpe_on_shipped_spectra(name, t_c) -> None:
    """The shipped −10 and −40 °C spectra (bulk, grain boundary and a CPE, Q = 2 × 10⁻⁶,
    n = 0.80, in their truth) gave a third, "electrode" peak at 1.1 and 0.63 s beside the
    fitted CPE, which took part of the CPE (peak-model n = 0.82 and 0.88). The nested F test
    finds it unresolved from the CPE (p = 0.92 and 0.36) and drops it: two peaks, R within 1 %
    of the truth, and the peak model's CPE exponent 0.801 and 0.815 (within 0.02 of 0.80; at
    −40 °C the 1 MΩ grain-boundary arc leaves the CPE only the lowest decade)."""
    from ssbattery.electrolytes.impedance.examples import EXAMPLE_TRUTH

    r = compute_drt(read_spectrum(example_spectra_dir() / f"example_{name}.csv"))
    assert [p.label for p in r.peaks] == ["bulk", "grain boundary"]
    assert any("beside the electrode CPE is not resolved" in n for n in r.notes)
    t_k = t_c + 273.15
    for p, which in zip(r.peaks, ("bulk", "gb"), strict=True):
        assert p.R_ohm == pytest.approx(EXAMPLE_TRUTH.resistance(which, t_k), rel=0.01)
    assert r.peak_model_terms is not None and r.peak_model_terms[2] is not None
    q_el, n_el = r.peak_model_terms[2]
    assert n_el == pytest.approx(EXAMPLE_TRUTH.n_electrode, abs=0.02)
    assert q_el == pytest.approx(EXAMPLE_TRUTH.Q_electrode, rel=0.05)
    circuit, _ = circuit_from_drt(r)
    assert circuit == "p(R1,CPE1)-p(R2,CPE2)-CPE3"


@pytest.mark.parametrize("n_points", [60, 500])
def test_synthetic_edge_peak_dropped_and_a_real_slow_arc_kept(n_points) -> None:
    """Two ZARCs (1 kΩ at 10 µs, 1.5 kΩ at 1 ms, n = 0.85) and a CPE (Q = 10⁻⁵, n = 0.9) at
    0.1 % noise, 1 MHz–10 mHz: a 3.1 kΩ peak at 8.1 s (60 points) and 4.5 kΩ at 15.5 s (500)
    had appeared beside the CPE; both are dropped (F = 0.48 and 0.87). A real 2 kΩ arc at
    τ = 5 s beside a CPE (Q = 10⁻⁴) is kept: without it the peak model is rejected."""
    f = np.logspace(6, -2, n_points)
    w = 2 * np.pi * f
    rng = np.random.default_rng(0)
    z = (
        1000 / (1 + (1j * w * 1e-5) ** 0.85)
        + 1500 / (1 + (1j * w * 1e-3) ** 0.85)
        + 1 / (1e-5 * (1j * w) ** 0.9)
    )
    z = z + 1e-3 * np.abs(z) * (rng.standard_normal(z.size) + 1j * rng.standard_normal(z.size))
    r = compute_drt(spectrum_from_arrays(f, z))
    assert [round(math.log10(p.tau_s), 2) for p in r.peaks] == [-5.0, -3.0]
    assert [p.R_ohm for p in r.peaks] == pytest.approx([1000.0, 1500.0], rel=0.002)
    z2 = 1000 / (1 + (1j * W * 1e-5) ** 0.85) + 2000 / (1 + (1j * W * 5.0) ** 0.85)
    z2 = _noisy(z2 + 1 / (1e-4 * (1j * W) ** 0.9), 1e-3, 0)
    r2 = compute_drt(spectrum_from_arrays(F, z2))
    assert len(r2.peaks) == 2 and not any("not resolved" in n for n in r2.notes)
    assert r2.peaks[1].tau_s == pytest.approx(5.0, rel=0.2)
