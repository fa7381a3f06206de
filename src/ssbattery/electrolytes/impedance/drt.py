"""Distribution of relaxation times (DRT): Tikhonov with non-negativity, λ by GCV or L-curve.

Model (γ in Ω per unit ln τ, Z with capacitive Z″ < 0)::

    Z(f) = R∞ + i2πf L + 1/(Q_el (i2πf)^n_el) + ∫ γ(ln τ) / (1 + i2πfτ) d ln τ

with γ = Σ_m g_m φ_m(ln τ) on a log-uniform grid of nodes τ_m reaching one decade beyond
1/(2πf) at both ends (at the long-τ end only to 1/(2πf_min) when the electrode CPE is fitted:
that term takes the slower relaxations); φ_m a Gaussian radial basis function (FWHM = 2 grid
steps) or a piecewise-linear hat. The inductance L and the blocking-electrode CPE are explicit
terms (the CPE's exponent n_el by a 1-D search, its 1/Q_el linear). All unknowns (R∞, L, 1/Q_el,
g_m) are ≥ 0, found by non-negative least squares of the relative residuals (weights 1/|Z|,
so 1 % noise on every point is one noise level) plus λ‖D_k g‖², D_k the k-th difference of
the coefficients (k = 1 or 2; for the Gaussian basis an approximation of
∫(dᵏγ/d ln τᵏ)² d ln τ).

λ is chosen on a grid of 49 values (10⁻⁷–10⁵, scaled units) by one of three criteria, each
evaluated on the unconstrained (linear) Tikhonov estimate, or given: the Bayesian evidence
(``"evidence"``, default; −log p(Z | λ) with the noise variance profiled out, MacKay, Neural
Comput. 4, 415 (1992)); generalised cross-validation (``"gcv"``, n‖r‖²/(n − tr H)², Golub,
Heath & Wahba, Technometrics 21, 215 (1979)); or the corner of the L-curve (``"lcurve"``, the
largest Menger curvature of (log‖residual‖, log‖D g‖), Hansen, SIAM Rev. 34, 561 (1992)). The
electrode CPE's exponent is set by the evidence whichever criterion then picks λ. The
evidence is the default because it is a likelihood, and it also gives the band's noise level
and hyperparameters; on the six shipped spectra all three find the same bulk and
grain-boundary peaks (benchmarks/RESULTS_drt.md), and GCV, which leans to small λ, also
resolves a small electrode feature on two of them. R∞ and γ at τ below 1/(2π f_max) are
barely separable in the Tikhonov model: for one ZARC (1 kΩ, n = 0.8, τ = 0.1 ms, R∞ = 10 Ω,
1 MHz–10 mHz) at 0.1 % noise it gives R∞ ≈ 5 Ω and puts the other 5 Ω in γ's short-τ tail
(R∞ + ∫γ within 0.15 % of the truth; at 0.001 % noise R∞ = 10.2 Ω). The accepted peak model,
whose ZARC carries its own tail, gives 9.99 Ω (:attr:`DRTResult.peak_model_terms`).

Credible band: a hierarchical Bayesian reading of the same problem (after Ciucci & Chen,
Electrochim. Acta 167, 439 (2015), and Effat & Ciucci, ibid. 247, 1117 (2017), whose
hierarchical priors give each difference its own regularisation): Gaussian noise of variance σ²
on the weighted residuals; each difference d_k = (D g)_k a Student-t variable of ν = 1 degree
of freedom and scale σ/√λ (a Gaussian of precision λ u_k/σ² with u_k ~ Gamma(ν/2, ν/2)), λ the
one chosen above; every unknown ≥ 0. The local precisions λ u_k are set by expectation-
maximisation (so a sharp peak is not flattened by a smoothness fitted to the flat tails — the
single-λ Gaussian prior left the truth outside its band at the peaks), σ² = ‖r‖²/(n − tr H)
from the residual of the non-negative mode, and the posterior is approximated by the Gaussian of
precision H/σ² = (AᵀA + Dᵀ diag(λu) D)/σ² centred on that mode (Laplace); γ of each draw is
clipped at 0. The band is the pointwise central quantile of γ over the draws; its centre (the
hierarchical mode) is returned with it. Its coverage of the true γ on synthetic one-ZARC,
two-ZARC and Havriliak–Negami spectra is *measured* over noise seeds (benchmarks/RESULTS_drt.md,
tests/electrolytes/impedance/test_drt.py), not assumed; ν = 1 was chosen from ν ∈ {0.5, 1, 3}
on those spectra (ν = ∞ is the Gaussian prior; ν = 3 under-covers at 1 % noise). What is
measured, for a stated 90 %: averaged over the measured τ window (the across-the-function
coverage of Bayesian smoothing bands, Wahba 1983, Nychka 1988) 0.84–0.99 from 0.01 % to 1 %
noise; split, the tails (true γ < 10 % of its maximum) are covered 0.99–1.00 (the band reaches
0 where γ ≈ 0) and the peaks only 0.40–0.96, falling with the noise (0.40–0.56 at 1 %): the
prior lowers the peak tops (by ~6 % of γ_max at 0.1 % noise, ~20 % at 1 %) and the band,
conditional on that prior and on λ, does not contain that bias. The band is therefore not
calibrated at the peaks. Tried and measured, not adopted (each left the peaks under-covered
at 1 % noise or over-covered them at 0.01 %): ν = 0.3 and 0.1; marginalising λ over its
evidence (the evidence is sharp: ~1 decade); a bias-corrected centre (iterated Tikhonov) with
its sampling or posterior covariance; a Gibbs sampler over the local precisions (0.97–0.99 at
0.01 %, 0.68–0.77 at 1 %), also sampling λ and σ² (worse); a squared-exponential Gaussian-
process prior with evidence-fitted scales; a parametric bootstrap (far too narrow). The
default ``band_method="peak model"`` (:mod:`.drt_peaks`) is instead the Laplace band of the
ZARC/Havriliak–Negami peak model: it removes the prior's bias where that shape model holds and
then covers peaks and tails alike (0.86–0.92 for a stated 90 %, at the peaks 0.87–0.90; 20
seeds on the three validation spectra at each of 0.01, 0.1, 0.5 and 1 % noise,
RESULTS_drt.md), but it is conditional on the shape model.

Peaks: local maxima of γ (prominence ≥ 5 % of the largest, area ≥ 5 % of ∫γ), each with τ
(parabolic refinement in ln τ), R = area of γ between the neighbouring minima, C_eff = τ/R,
and a label from :func:`.arc_labels.label_by_capacitance`. By default (``peak_model=True``)
they then start the peak model of :mod:`.drt_peaks`: each peak a ZARC or Havriliak–Negami
element fitted to Z itself, τ its mode and R its area, kept where the data accept it (F test
against this DRT), else the γ-maximum values stay, with a note. Measured (RESULTS_drt.md): the
γ-maximum peaks hold τ and area within 5 % for one ZARC up to 0.5 % noise, two ZARCs up to
0.1 % and the Havriliak–Negami element only at 0.01 % (its mode, next to a steep long-τ side,
is pulled 7–10 % toward the heavy short-τ side by the smoothing prior; a log-parabola over
each peak's top and the hierarchical centre gained < 0.5 %); the peak model holds all three
within 5 % up to 1 % noise over seeds 0–19 (τ 1.3 / 4.0 / 2.5 %, area 0.4 / 1.0 / 0.4 % for
one ZARC, two ZARCs, HN), and over the fresh seeds 400–599 (never used to set its rules) all
three at every noise up to 1 %: 0 of 200 seeds beyond 5 %, worst τ 1.8 / 4.7 / 3.7 % and area
0.6 / 3.4 / 0.6 %. The Havriliak–Negami shape is kept only where a likelihood-ratio test
rejects β = 1 at 0.1 % (:mod:`.drt_peaks`); under Schwarz's criterion before, 8 of 200
two-ZARC seeds at 1 % noise had a spurious β < 1 and a mode beyond 5 % (up to 13.6 %).
Where the data reject the peak model, one γ peak may hold two relaxations that the smoothing
prior merged: each peak, largest first, is split into two halves half a decade either side of
its τ, and the first split the F test accepts is kept, with a note (two ZARCs a decade apart,
1 and 1.5 kΩ, n = 0.85, at 1 % noise: both found in 20 of 20 seeds and within 10 % in 17,
against 7 and 5 without the split; unchanged at 0.1 and 0.5 % noise, where one element per
peak is accepted).
:func:`circuit_from_drt` turns the peaks into the equivalent circuit and its starting values.

Beside a fitted blocking-electrode CPE, a slow arc and the CPE are nearly degenerate in the
lowest decade of the data, and the free-form γ can hold a peak there that is not in the data.
Two ZARCs (1 kΩ at 10 µs, 1.5 kΩ at 1 ms) and a CPE (Q = 10⁻⁵, n = 0.9) at 0.1 % noise,
1 MHz–10 mHz: 3.1 kΩ at 8.1 s with 60 points, none with 81, 4.5 kΩ at 15.5 s with 500; the
shipped −10 and −40 °C spectra (no such arc in their truth) show one at 1.1 and 0.63 s, and
their CPE exponent then came out 0.82 and 0.88 against the true 0.80. Such a peak is tested
against the CPE alone (:func:`_drop_edge_peak`, nested F test) and dropped, with a note, when
the data do not need it; the γ curve still shows it.

Why our own: impedance.py has no DRT, and pyDRTtools (the Ciucci group's reference code) is
a GUI application not packaged for import; this module is written from the method papers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery._blas import single_threaded
from ssbattery._deprecation import renamed_method
from ssbattery.electrolytes.impedance.arc_labels import label_by_capacitance
from ssbattery.electrolytes.impedance.readers import Spectrum
from ssbattery.electrolytes.impedance.readers.spectrum import check_values
from ssbattery.errors import InvalidParameterError, api_only
from ssbattery.results import Printed, Recorded

__all__ = [
    "DRTBand",
    "DRTPeak",
    "DRTResult",
    "circuit_from_drt",
    "compute_drt",
    "gamma_havriliak_negami",
    "gamma_zarc",
]

Basis = Literal["gaussian", "piecewise-linear"]
BandMethod = Literal["hierarchical", "peak model"]
LambdaMethod = Literal["gcv", "lcurve", "evidence"]
_BASES = ("gaussian", "piecewise-linear")
_METHODS = ("gcv", "lcurve", "evidence")
_LAMBDA_GRID = np.logspace(-7, 5, 49)
#: Prior ridge δ on the coefficients (relative to λ) and δ₀ on R∞, L, 1/Q_el (scaled units).
_PRIOR_RIDGE = 1e-6
_EXTRA_RIDGE = 1e-8
_PEAK_PROMINENCE = 0.05
_PEAK_MIN_AREA = 0.05
_FINE_PER_NODE = 8
#: Degrees of freedom ν of the Student-t smoothness prior behind the band (ν = 1: Cauchy).
_T_NU = 1.0
_EM_MAX_ITER = 40
_EM_TOL = 1e-3
#: How the band is made, for the JSON output, by :attr:`DRTBand.method`.
_BAND_METHODS = {
    "hierarchical": "hierarchical Student-t (nu = 1) smoothness prior, local precisions by EM; "
    "pointwise central quantile of Laplace draws at the non-negative mode, gamma clipped at 0",
    "peak model": "Laplace posterior (flat priors) of the ZARC/Havriliak-Negami peak model "
    "fitted to Z; pointwise central quantile of its gamma over the draws, clipped at 0",
}


# --------------------------------------------------------------------------- analytic γ
def gamma_zarc(tau_s: ArrayLike, R_ohm: float, tau0_s: float, n: float) -> NDArray[np.float64]:
    """γ(ln τ) [Ω] of a ZARC Z = R/(1 + (iωτ₀)ⁿ), 0 < n < 1 (Cole & Cole's distribution).

    γ = (R/2π) sin((1−n)π) / (cosh(n ln(τ/τ₀)) − cos((1−n)π)); ∫γ d ln τ = R.
    """
    s = np.log(np.asarray(tau_s, dtype=float) / tau0_s)
    return np.asarray(
        R_ohm
        / (2 * math.pi)
        * math.sin((1 - n) * math.pi)
        / (np.cosh(n * s) - math.cos((1 - n) * math.pi)),
        dtype=float,
    )


def gamma_havriliak_negami(
    tau_s: ArrayLike, R_ohm: float, tau0_s: float, alpha: float, beta: float
) -> NDArray[np.float64]:
    """γ(ln τ) [Ω] of Z = R/(1 + (iωτ₀)^α)^β (Havriliak & Negami, Polymer 8, 161 (1967)).

    With y = τ/τ₀ and θ = arctan2(sin πα, y^α + cos πα)::

        γ = (R/π) y^{αβ} sin(βθ) / (y^{2α} + 2 y^α cos πα + 1)^{β/2}
    """
    y = np.asarray(tau_s, dtype=float) / tau0_s
    ya = y**alpha
    theta = np.arctan2(math.sin(math.pi * alpha), ya + math.cos(math.pi * alpha))
    den = (ya**2 + 2 * ya * math.cos(math.pi * alpha) + 1.0) ** (beta / 2)
    return np.asarray(R_ohm / math.pi * ya**beta * np.sin(beta * theta) / den, dtype=float)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class DRTPeak(Recorded):
    """One DRT peak: τ [s] of its maximum, f = 1/(2πτ), R = its area [Ω], C_eff = τ/R [F].

    ``gamma_max_ohm`` is γ at τ (of the peak model where :attr:`shape` names one);
    ``tau_bounds_s`` the τ of the Tikhonov γ's minima on either side.
    """

    label: str
    tau_s: float
    frequency_hz: float
    R_ohm: float
    C_eff_F: float
    gamma_max_ohm: float
    tau_bounds_s: tuple[float, float]
    #: How τ and R were found: ``"ZARC"`` or ``"Havriliak-Negami"`` (the peak model of
    #: :mod:`.drt_peaks`, τ its mode, R its area), or ``"gamma maximum"`` (τ at the maximum of
    #: the Tikhonov γ, R its area between the neighbouring minima).
    shape: str = "gamma maximum"
    alpha: float = math.nan  # the peak model's exponents (NaN for "gamma maximum")
    beta: float = math.nan
    tau_gamma_max_s: float = math.nan  # τ at the Tikhonov γ's maximum, before refinement

    _UNITS: ClassVar[dict[str, str]] = {
        "tau_s": "tau [s]",
        "frequency_hz": "frequency [Hz]",
        "R_ohm": "R [Ω]",
        "C_eff_F": "C_eff [F]",
        "gamma_max_ohm": "gamma_max [Ω]",
        "tau_bounds_s": "tau_bounds [s]",
        "alpha": "1",
        "beta": "1",
        "tau_gamma_max_s": "tau_gamma_max [s]",
    }

    def _title(self) -> str:
        return f"DRT peak ({self.label}) at τ = {self.tau_s:.4g} s"


@dataclass(frozen=True)
class DRTBand(Recorded):
    """Pointwise central credible band of γ at ``level`` from ``n_samples`` posterior draws.

    ``centre_ohm`` is the centre of the model the band comes from (the peak model's γ, or the
    hierarchical model's mode; on the same fine τ grid as :attr:`DRTResult.gamma_ohm`);
    ``noise_sd_relative`` its noise estimate σ (a fraction of |Z|).
    """

    level: float
    lower_ohm: NDArray[np.float64]
    upper_ohm: NDArray[np.float64]
    n_samples: int
    noise_sd_relative: float
    centre_ohm: NDArray[np.float64]
    #: ``"peak model"`` (Laplace band of the ZARC/Havriliak–Negami peak model,
    #: :mod:`.drt_peaks`) or ``"hierarchical"`` (the Student-t smoothness prior).
    method: str = "hierarchical"

    _UNITS: ClassVar[dict[str, str]] = {
        "level": "1",
        "lower_ohm": "lower [Ω]",
        "upper_ohm": "upper [Ω]",
        "noise_sd_relative": "1",
        "centre_ohm": "centre [Ω]",
    }

    def _title(self) -> str:
        return f"{100 * self.level:.4g} % credible band of γ(τ) from {self.n_samples} draws"


@dataclass(frozen=True)
class DRTResult(Printed):
    """A DRT: the solution on its nodes, γ on a fine grid, the explicit terms, peaks, band.

    ``tau_s``/``gamma_ohm`` are the fine grid used for plots and peaks; ``lam`` the
    regularisation parameter and ``lam_method`` how it was chosen (``"gcv"``, ``"lcurve"`` or
    ``"given"``).
    """

    spectrum: Spectrum
    basis: str
    derivative_order: int
    lam: float
    lam_method: str
    tau_nodes_s: NDArray[np.float64]
    coefficients_ohm: NDArray[np.float64]
    R_inf_ohm: float
    inductance_H: float
    electrode_cpe: tuple[float, float] | None
    tau_s: NDArray[np.float64]
    gamma_ohm: NDArray[np.float64]
    peaks: tuple[DRTPeak, ...]
    z_fit_ohm: NDArray[np.complex128]
    rms_relative_residual: float
    band: DRTBand | None
    notes: tuple[str, ...]
    #: R∞ [Ω], L [H] and the electrode CPE (Q, n) of the accepted peak model, fitted with its
    #: peaks (None where there is none). ``R_inf_ohm``/``inductance_H``/``electrode_cpe`` are
    #: the Tikhonov model's (they and ``coefficients_ohm`` make :meth:`predict`), which trades
    #: R∞ and L for γ in the tails: two ZARCs with R∞ = 10 Ω and L = 10⁻⁷ H at 0.1 % noise give
    #: Tikhonov R∞ 12.5 Ω and L 4.7 × 10⁻⁸ H, the peak model 10.00 Ω and 9.5 × 10⁻⁸ H.
    peak_model_terms: tuple[float, float | None, tuple[float, float] | None] | None = None

    def gamma(self, tau_s: ArrayLike) -> NDArray[np.float64]:
        """γ [Ω] at any τ [s] from the basis expansion."""
        y = np.log(np.asarray(tau_s, dtype=float))
        phi = _basis_values(self.basis, np.log(self.tau_nodes_s), y)
        return np.asarray(phi @ self.coefficients_ohm, dtype=float)

    @property
    def polarization_resistance_ohm(self) -> float:
        """∫ γ d ln τ [Ω] (the sum of every relaxation's resistance)."""
        y = np.log(self.tau_nodes_s)
        return float(np.sum(self.coefficients_ohm) * _basis_area(self.basis, y[1] - y[0]))

    def predict(self, frequency_hz: ArrayLike) -> NDArray[np.complex128]:
        """The DRT model's Z [Ω] at any frequencies [Hz]."""
        f = np.asarray(frequency_hz, dtype=float)
        A = _design(self.basis, np.log(self.tau_nodes_s), f)
        w = 2 * math.pi * f
        z = self.R_inf_ohm + 1j * w * self.inductance_H + A @ self.coefficients_ohm
        if self.electrode_cpe is not None:
            q, n = self.electrode_cpe
            z = z + 1.0 / (q * (1j * w) ** n)
        return np.asarray(z, dtype=np.complex128)

    def peak(self, label: str) -> DRTPeak:
        """The peak with this label (``"bulk"``, ``"grain boundary"``, ``"electrode"``…)."""
        for p in self.peaks:
            if p.label == label:
                return p
        raise InvalidParameterError(
            f"no DRT peak labelled {label!r}; peaks are {[p.label for p in self.peaks]}."
        )

    summary = renamed_method("to_dict")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary, units in the keys (``"R_inf [Ω]"``, ``"tau [s]"``; λ is
        dimensionless: the unknowns are scaled by |Z| and the residuals weighted by 1/|Z|)."""
        out: dict[str, Any] = {
            "file": self.spectrum.source,
            "n_points": self.spectrum.n_points,
            "basis": self.basis,
            "derivative_order": self.derivative_order,
            "lambda [1]": self.lam,
            "lambda_method": self.lam_method,
            "R_inf [Ω]": self.R_inf_ohm,
            "inductance [H]": self.inductance_H,
            "electrode_cpe": None
            if self.electrode_cpe is None
            else {"Q [F s^(n-1)]": self.electrode_cpe[0], "n [1]": self.electrode_cpe[1]},
            "peak_model_terms": None
            if self.peak_model_terms is None
            else {
                "R_inf [Ω]": self.peak_model_terms[0],
                "inductance [H]": self.peak_model_terms[1],
                "electrode_cpe": None
                if self.peak_model_terms[2] is None
                else {
                    "Q [F s^(n-1)]": self.peak_model_terms[2][0],
                    "n [1]": self.peak_model_terms[2][1],
                },
            },
            "polarization_resistance [Ω]": self.polarization_resistance_ohm,
            "rms_relative_residual [1]": self.rms_relative_residual,
            "peaks": [
                {
                    "label": p.label,
                    "tau [s]": p.tau_s,
                    "frequency [Hz]": p.frequency_hz,
                    "R [Ω]": p.R_ohm,
                    "C_eff [F]": p.C_eff_F,
                    "gamma_max [Ω]": p.gamma_max_ohm,
                    "tau_bounds [s]": list(p.tau_bounds_s),
                    "shape": p.shape,
                    "alpha [1]": None if math.isnan(p.alpha) else p.alpha,
                    "beta [1]": None if math.isnan(p.beta) else p.beta,
                    "tau_gamma_max [s]": None
                    if math.isnan(p.tau_gamma_max_s)
                    else p.tau_gamma_max_s,
                }
                for p in self.peaks
            ],
            "tau [s]": self.tau_s.tolist(),
            "gamma [Ω]": self.gamma_ohm.tolist(),
            "notes": list(self.notes),
        }
        if self.band is not None:
            out["band"] = {
                "level [1]": self.band.level,
                "method": _BAND_METHODS.get(self.band.method, self.band.method),
                "n_samples": self.band.n_samples,
                "noise_sd_relative [1]": self.band.noise_sd_relative,
                "lower [Ω]": self.band.lower_ohm.tolist(),
                "upper [Ω]": self.band.upper_ohm.tolist(),
                "centre [Ω]": self.band.centre_ohm.tolist(),
            }
        return out


# --------------------------------------------------------------------------- basis and design
def _epsilon(dy: float) -> float:
    return math.sqrt(math.log(2.0)) / dy  # Gaussian exp(−(ε y)²) with FWHM = 2 dy


def _basis_area(basis: str, dy: float) -> float:
    return math.sqrt(math.pi) / _epsilon(dy) if basis == "gaussian" else dy


def _basis_values(basis: str, nodes: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[Any]:
    dy = float(nodes[1] - nodes[0])
    d = y[:, None] - nodes[None, :]
    if basis == "gaussian":
        return np.exp(-((_epsilon(dy) * d) ** 2))
    return np.clip(1.0 - np.abs(d) / dy, 0.0, None)


def _design(basis: str, nodes: NDArray[np.float64], f: NDArray[np.float64]) -> NDArray[Any]:
    """A[n, m] = ∫ φ_m(y) / (1 + iω_n e^y) dy by the trapezoidal rule on the basis' support."""
    dy = float(nodes[1] - nodes[0])
    half = 5.0 / _epsilon(dy) if basis == "gaussian" else dy
    s = np.linspace(-half, half, 161)
    if basis == "gaussian":
        phi = np.exp(-((_epsilon(dy) * s) ** 2))
    else:
        phi = np.clip(1.0 - np.abs(s) / dy, 0.0, None)
    wq = np.full(s.size, s[1] - s[0])
    wq[0] = wq[-1] = 0.5 * (s[1] - s[0])
    u = np.log(2 * math.pi * f)[:, None, None] + nodes[None, :, None] + s[None, None, :]
    e = np.exp(u)
    k = (1.0 - 1j * e) / (1.0 + e * e)
    return np.asarray(k @ (phi * wq), dtype=np.complex128)


def _difference(m: int, order: int) -> NDArray[np.float64]:
    D = np.eye(m)
    for _ in range(order):
        D = np.diff(D, axis=0)
    return D


# --------------------------------------------------------------------------- solver
@dataclass(frozen=True)
class _Problem:
    A: NDArray[np.float64]  # weighted, scaled real system (2N × P)
    b: NDArray[np.float64]
    Pen: NDArray[np.float64]  # penalty rows acting on the full unknown vector
    scale: NDArray[np.float64]  # unknown = scale · ξ
    n_extra: int


def _nnls_at(pb: _Problem, lam: float) -> tuple[NDArray[np.float64], float]:
    """ξ ≥ 0 minimising ‖Aξ − b‖² + λ‖Pen ξ‖² (Lawson–Hanson); returns ξ and ‖Aξ − b‖²."""
    from scipy.optimize import nnls

    M = np.vstack([pb.A, math.sqrt(lam) * pb.Pen])
    rhs = np.concatenate([pb.b, np.zeros(pb.Pen.shape[0])])
    xi, _ = nnls(M, rhs, maxiter=50 * M.shape[1])
    r = pb.A @ xi - pb.b
    return xi, float(r @ r)


def _precision(pb: _Problem, lam: float) -> NDArray[np.float64]:
    """AᵀA + λ(PenᵀPen + δI_g) + δ₀I_extra: the posterior precision × σ² (proper priors)."""
    P = pb.A.shape[1]
    ridge = np.full(P, _PRIOR_RIDGE * lam)
    ridge[: pb.n_extra] = _EXTRA_RIDGE
    return np.asarray(pb.A.T @ pb.A + lam * (pb.Pen.T @ pb.Pen) + np.diag(ridge), dtype=float)


def _lambda_scores(pb: _Problem, method: str) -> NDArray[np.float64]:
    """The criterion on :data:`_LAMBDA_GRID` (lower is better) for the unconstrained estimate.

    GCV(λ) = n‖r‖²/(n − tr H)², H = A(AᵀA + λPᵀP)⁻¹Aᵀ. Evidence: −log p(b | λ) with the noise
    variance profiled out, −log p = (n/2) log(J/n) + ½ log det(AᵀA + K) − ½ log det K, where
    K = λ(PᵀP + δI) is the prior precision and J the minimum of the penalised objective
    (MacKay, Neural Comput. 4, 415 (1992)). L-curve: minus the Menger curvature of
    (log‖r‖, log‖Pen ξ‖).
    """
    n = pb.b.size
    AtA = pb.A.T @ pb.A
    Atb = pb.A.T @ pb.b
    m_g = pb.A.shape[1] - pb.n_extra
    out, rho, eta = [], [], []
    for lam in _LAMBDA_GRID:
        H = _precision(pb, float(lam))
        try:
            c = np.linalg.cholesky(H)
        except np.linalg.LinAlgError:
            # at the smallest λ a near-collinear design (a large electrode CPE beside the arcs)
            # leaves H singular to round-off: that λ is out of reach, not an error
            out.append(math.inf)
            rho.append(math.nan)
            eta.append(math.nan)
            continue
        x = np.linalg.solve(c.T, np.linalg.solve(c, Atb))
        r = pb.A @ x - pb.b
        r2 = float(r @ r)
        pen = pb.Pen @ x
        p2 = float(pen @ pen)
        rho.append(0.5 * math.log(max(r2, 1e-300)))
        eta.append(0.5 * math.log(max(p2, 1e-300)))
        if method == "gcv":
            tr = float(np.trace(np.linalg.solve(H, AtA)))
            out.append(math.log(n * r2 / max(n - tr, 1e-9) ** 2))
        elif method == "evidence":
            J = (
                r2
                + float(lam) * p2
                + float(lam) * _PRIOR_RIDGE * float(x[pb.n_extra :] @ x[pb.n_extra :])
            )
            logdet_h = 2.0 * float(np.sum(np.log(np.diag(c))))
            out.append(0.5 * n * math.log(J / n) + 0.5 * logdet_h - 0.5 * m_g * math.log(lam))
    if method == "lcurve":
        score = np.zeros(len(rho))
        for k in range(1, len(rho) - 1):
            p0, p1, p2_ = (np.array([rho[i], eta[i]]) for i in (k - 1, k, k + 1))
            a_, b_, c_ = np.linalg.norm(p1 - p0), np.linalg.norm(p2_ - p1), np.linalg.norm(p2_ - p0)
            cross = (p1[0] - p0[0]) * (p2_[1] - p0[1]) - (p1[1] - p0[1]) * (p2_[0] - p0[0])
            # λ rises along the grid: the curve runs down its steep branch (small λ), then
            # out along its flat one, and the corner is the sharpest counter-clockwise turn
            # (largest positive curvature); the score is its negative, lower is better
            score[k] = -2 * cross / max(a_ * b_ * c_, 1e-300)
        score[0] = score[-1] = np.inf
        score[~np.isfinite(score)] = np.inf  # a λ out of reach, or next to one
        return score
    return np.array(out)


def _choose_lambda(pb: _Problem, method: str) -> float:
    y = _lambda_scores(pb, method)
    if not np.isfinite(y).any():
        raise InvalidParameterError(
            f"no λ in 10⁻⁷–10⁵ gives a solvable system for `lam_method` {method!r} (the "
            "design is singular to round-off); fix λ with `lam`, or try another method."
        )
    logl = np.log10(_LAMBDA_GRID)
    k = int(np.argmin(y))
    if method != "lcurve" and 0 < k < y.size - 1 and np.isfinite(y[k - 1 : k + 2]).all():
        y0, y1, y2 = y[k - 1], y[k], y[k + 1]  # parabolic refinement in log λ
        den = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / den if den > 0 else 0.0
        return float(10 ** (logl[k] + np.clip(shift, -0.5, 0.5) * (logl[1] - logl[0])))
    return float(_LAMBDA_GRID[k])


def _blocking_electrode(spec: Spectrum) -> bool:
    """An electrode term is needed when −Z″ still rises at the lowest frequencies."""
    s = spec.sorted_descending()
    y = s.minus_z_imag[-3:]
    phase = -math.degrees(math.atan2(float(s.z_ohm[-1].imag), float(s.z_ohm[-1].real)))
    return bool(np.all(np.diff(y) > 0) and phase > 20.0)


def _problem(
    spectrum: Spectrum,
    A_c: NDArray[np.complex128],
    derivative_order: int,
    inductance: bool,
    n_electrode: float | None,
) -> tuple[_Problem, NDArray[np.complex128]]:
    """The scaled, weighted real system; columns R∞, iωL, (iω)^−n_el (as 1/Q_el), g_m."""
    f = spectrum.frequency_hz
    z = spectrum.z_ohm
    w = 2 * math.pi * f
    z_ref = float(np.max(np.abs(z)))
    extra = [np.ones_like(w, dtype=complex)]
    scale = [z_ref]
    if inductance:
        extra.append(1j * w)
        scale.append(z_ref / float(w.max()))
    if n_electrode is not None:
        extra.append((1j * w) ** (-n_electrode))
        scale.append(z_ref * float(w.min()) ** n_electrode)
    n_extra = len(extra)
    cols = np.column_stack([*extra, A_c])
    sc = np.array(scale + [z_ref] * A_c.shape[1])
    wt = 1.0 / np.abs(z)
    Acx = cols * sc[None, :] * wt[:, None]
    A = np.vstack([Acx.real, Acx.imag])
    b = np.concatenate([z.real * wt, z.imag * wt])
    D = _difference(A_c.shape[1], derivative_order)
    Pen = np.hstack([np.zeros((D.shape[0], n_extra)), D])
    return _Problem(A, b, Pen, sc, n_extra), cols


def _electrode_exponent(
    spectrum: Spectrum,
    A_c: NDArray[np.complex128],
    derivative_order: int,
    inductance: bool,
) -> float:
    """The electrode CPE exponent n_el ∈ [0.5, 1]: the one that maximises the evidence
    (minimised over λ), a second hyperparameter of the same type-II maximum likelihood, whatever
    method then chooses λ. (The residual of the non-negative fit at a fixed probe λ, used for
    GCV and the L-curve before, let γ take the electrode's relaxation on the shipped 25 and
    40 °C spectra, whose bulk and grain-boundary peaks then fell under the area threshold.)
    """
    from scipy.optimize import minimize_scalar

    def cost(n: float) -> float:
        pb, _ = _problem(spectrum, A_c, derivative_order, inductance, n)
        return float(np.min(_lambda_scores(pb, "evidence")))

    res = minimize_scalar(cost, bounds=(0.5, 1.0), method="bounded", options={"xatol": 2e-3})
    return float(res.x)


# ~100-column matrices: BLAS threads only add overhead (measured on the loaded 2-core machine:
# DRT with band 3.1 s multi-threaded vs 0.37 s on one thread).
@single_threaded
def compute_drt(
    spectrum: Spectrum,
    *,
    basis: Basis = "gaussian",
    lam: float | None = None,
    lam_method: LambdaMethod = "evidence",
    derivative_order: int = 2,
    inductance: bool = True,
    electrode: bool | None = None,
    nodes_per_decade: int = 10,
    band_level: float | None = None,
    n_samples: int = 2000,
    seed: int = 0,
    cell_constant_per_cm: float | None = None,
    peak_model: bool = True,
    band_method: BandMethod = "peak model",
) -> DRTResult:
    """DRT of ``spectrum`` (see the module docstring for the model and methods).

    ``lam`` fixes λ (else ``lam_method``: ``"evidence"``, ``"gcv"`` or ``"lcurve"``);
    ``electrode=None`` adds the blocking-electrode CPE when −Z″ still rises at the lowest
    frequencies; ``band_level`` (e.g. 0.9) adds the credible band from ``n_samples`` seeded
    posterior draws; ``cell_constant_per_cm`` (L/A) makes the peak labels use specific
    capacitances. ``peak_model`` (default) refines the peaks, and makes the band, with the
    ZARC/Havriliak–Negami peak model of :mod:`.drt_peaks` where the data accept it (else the
    γ-maximum peaks, with a note); ``False`` keeps the free-form DRT's own. ``band_method``:
    ``"peak model"`` (default: the Laplace band of the accepted peak model, the one measured to
    cover the truth at its stated level, peaks and tails alike; the hierarchical band where the
    data reject the peak model, with a note) or ``"hierarchical"`` (the Student-t smoothness
    prior, which under-covers the peaks).
    """
    _check_arguments(spectrum, basis, lam, lam_method, derivative_order, nodes_per_decade)
    if band_level is not None and not 0 < band_level < 1:
        raise InvalidParameterError(f"`band_level` must be in (0, 1), e.g. 0.9, got {band_level}.")
    if band_method not in _BAND_METHODS:
        raise InvalidParameterError(
            f"`band_method` must be one of {tuple(_BAND_METHODS)}, got {band_method!r}."
        )
    if n_samples < 100:
        raise InvalidParameterError(f"`n_samples` must be ≥ 100, got {n_samples}.")
    f = spectrum.frequency_hz
    z = spectrum.z_ohm
    use_el = _blocking_electrode(spectrum) if electrode is None else electrode
    lo = math.log(1 / (2 * math.pi * float(f.max()))) - math.log(10)
    hi = math.log(1 / (2 * math.pi * float(f.min()))) + (0.0 if use_el else math.log(10))
    dy = math.log(10) / nodes_per_decade
    n_nodes = math.ceil((hi - lo) / dy) + 1
    nodes = np.asarray(lo + dy * np.arange(n_nodes), dtype=np.float64)
    A_c = _design(basis, nodes, f)
    n_el = _electrode_exponent(spectrum, A_c, derivative_order, inductance) if use_el else None
    pb, cols = _problem(spectrum, A_c, derivative_order, inductance, n_el)
    n_extra = pb.n_extra
    lam_used = float(lam) if lam is not None else _choose_lambda(pb, lam_method)
    xi, chi2 = _nnls_at(pb, lam_used)
    x = xi * pb.scale
    coeffs = x[n_extra:]
    R_inf = float(x[0])
    L_H = float(x[1]) if inductance else 0.0
    cpe = None
    notes: list[str] = []
    if n_el is not None:
        inv_q = float(x[n_extra - 1])
        if inv_q > 0:
            cpe = (1.0 / inv_q, n_el)
        else:  # electrode=True on data without one: the fit gave the term no weight
            notes.append(
                "no blocking-electrode CPE in the data: its term was fitted with zero weight "
                "(1/Q = 0) and is left out."
            )
    fine_n = (n_nodes - 1) * _FINE_PER_NODE + 1
    y_fine = np.linspace(nodes[0], nodes[-1], fine_n)
    phi_fine = _basis_values(basis, nodes, y_fine)
    gamma_fine = phi_fine @ coeffs
    z_fit = cols @ x
    rms = float(np.sqrt(np.mean(np.abs((z_fit - z) / z) ** 2)))
    if cpe is not None:
        why = (
            "−Z″ still rises at the lowest frequencies"
            if electrode is None
            else "`electrode=True` was given"
        )
        notes.append(
            f"a blocking-electrode CPE (Q = {cpe[0]:.3g} F s^(n−1), n = {cpe[1]:.3f}) was fitted "
            f"in series: {why}."
        )
        if cpe[1] < 0.51:
            notes.append(
                "the electrode CPE's exponent is at its lower bound 0.5: the low-frequency rise "
                "may be an arc below the measured range rather than a blocking electrode; "
                "compare with `electrode=False`."
            )
    if lam is None and lam_used in (_LAMBDA_GRID[0], _LAMBDA_GRID[-1]):
        notes.append(
            f"λ = {lam_used:.2g} is at the edge of the searched range (10⁻⁷–10⁵); fix it "
            "with `lam`."
        )
    # A piecewise-linear γ peaks at a node: its peaks are read (and refined) on the nodes.
    peaks = (
        _find_peaks(y_fine, gamma_fine, cell_constant_per_cm)
        if basis == "gaussian"
        else _find_peaks(nodes, coeffs, cell_constant_per_cm)
    )
    refined = None
    if peak_model and peaks:

        def refine(ps: tuple[DRTPeak, ...]) -> tuple[Any, str]:
            return _refine(spectrum, pb, lam_used, chi2, ps, R_inf, L_H, inductance, cpe)

        refined, why = refine(peaks)
        if refined is None and why.startswith("the data reject"):
            split = _split_refine(refine, peaks)
            if split is not None:
                refined, peaks, note = split
                notes.append(note)
        if refined is not None and cpe is not None:
            edge = _drop_edge_peak(refine, refined, peaks, float(f.min()))
            if edge is not None:
                refined, peaks, note = edge
                notes.append(note)
        if refined is None:
            notes.append(f"peaks and band from the free-form DRT: {why}.")
        else:
            dropped = [p for i, p in enumerate(peaks) if i not in refined.kept]
            if dropped:
                notes.append(
                    "DRT peaks not held by the peak model (their refined mode left their "
                    "bounds; dropped): "
                    + ", ".join(f"τ = {p.tau_s:.3g} s, R = {p.R_ohm:.3g} Ω" for p in dropped)
                    + "."
                )
            peaks = _refined_peaks(refined, peaks, cell_constant_per_cm)
    terms = None if refined is None else refined.head()
    band = None
    if band_level is not None and refined is not None and band_method == "peak model":
        tau_fine = np.exp(y_fine)
        lower, upper = refined.band(tau_fine, band_level, n_samples, seed)
        band = DRTBand(
            band_level,
            lower,
            upper,
            n_samples,
            math.sqrt(refined.reduced_chi2),
            refined.gamma(tau_fine),
            method="peak model",
        )
    elif band_level is not None:
        band = _band(pb, lam_used, xi, phi_fine, band_level, n_samples, seed)
    return DRTResult(
        spectrum=spectrum,
        basis=basis,
        derivative_order=derivative_order,
        lam=lam_used,
        lam_method="given" if lam is not None else lam_method,
        tau_nodes_s=np.exp(nodes),
        coefficients_ohm=coeffs,
        R_inf_ohm=R_inf,
        inductance_H=L_H,
        electrode_cpe=cpe,
        tau_s=np.exp(y_fine),
        gamma_ohm=gamma_fine,
        peaks=peaks,
        z_fit_ohm=np.asarray(z_fit, dtype=np.complex128),
        rms_relative_residual=rms,
        band=band,
        notes=tuple(notes),
        peak_model_terms=terms,
    )


def _refine(
    spectrum: Spectrum,
    pb: _Problem,
    lam: float,
    chi2: float,
    peaks: tuple[DRTPeak, ...],
    R_inf: float,
    L_H: float,
    inductance: bool,
    cpe: tuple[float, float] | None,
) -> tuple[Any, str]:
    """The accepted peak model of :mod:`.drt_peaks` (or None and why), started from the DRT."""
    from ssbattery.electrolytes.impedance.drt_peaks import fit_peak_model

    AtA = pb.A.T @ pb.A
    dof = float(np.trace(np.linalg.solve(_precision(pb, lam), AtA)))
    return fit_peak_model(
        spectrum.frequency_hz,
        spectrum.z_ohm,
        peaks=[(p.tau_s, p.R_ohm, p.tau_bounds_s) for p in peaks],
        R_inf_ohm=R_inf,
        inductance_H=L_H if inductance else None,
        electrode_cpe=cpe,
        drt_chi2=chi2,
        drt_dof=dof,
    )


#: Half the distance [in ln τ] between the two halves of a split DRT peak: half a decade.
_SPLIT_HALF = 0.5 * math.log(10)


def _split_refine(
    refine: Callable[[tuple[DRTPeak, ...]], tuple[Any, str]], peaks: tuple[DRTPeak, ...]
) -> tuple[Any, tuple[DRTPeak, ...], str] | None:
    """When the data reject the peak model: one DRT peak may hold two relaxations that the
    smoothing prior merged (two ZARCs a decade apart at 1 % noise give one γ peak). Each
    peak, largest first, is split into two halves half a decade either side of its τ, within
    its bounds, and refitted by ``refine`` (:func:`_refine` on this spectrum); the first the
    F test accepts is kept (peaks, fit, note), else None."""
    order = sorted(range(len(peaks)), key=lambda i: -peaks[i].R_ohm)
    for k in order:
        p = peaks[k]
        lo, hi = (math.log(b) for b in p.tau_bounds_s)
        centre = math.log(p.tau_s)
        taus = [
            math.exp(min(max(centre - _SPLIT_HALF, lo + 0.1), centre - 0.1)),
            math.exp(max(min(centre + _SPLIT_HALF, hi - 0.1), centre + 0.1)),
        ]
        halves = tuple(replace(p, tau_s=t, R_ohm=p.R_ohm / 2) for t in taus)
        trial = peaks[:k] + halves + peaks[k + 1 :]
        fit, _ = refine(trial)
        if fit is not None and len(fit.kept) == len(trial):
            modes = [m[0] for m in fit.modes()]
            if abs(math.log(modes[k + 1] / modes[k])) < math.log(2):
                continue  # the halves met again: one relaxation written twice, not two
            return (
                fit,
                trial,
                f"the DRT peak at τ = {p.tau_s:.3g} s holds two relaxations: the peak model "
                "with one element there was rejected by the F test, with two it is accepted",
            )
    return None


#: Level of the test that keeps a slow peak beside the electrode CPE (:func:`_drop_edge_peak`).
_EDGE_LEVEL = 0.001


def _drop_edge_peak(
    refine: Callable[[tuple[DRTPeak, ...]], tuple[Any, str]],
    fit: Any,
    peaks: tuple[DRTPeak, ...],
    f_min_hz: float,
) -> tuple[Any, tuple[DRTPeak, ...], str] | None:
    """Beside a fitted blocking-electrode CPE, the slowest peak of an accepted peak model, when
    its mode lies within a decade of the slow edge 1/(2π f_min), is kept only if the data need
    it: the peak model is refitted without it, and the element is dropped when that fit is
    accepted too and the nested F test, F = ((χ²₀ − χ²₁)/Δp)/(χ²₁/(N − p₁)), does not reject
    it at :data:`_EDGE_LEVEL`. A slow arc and the CPE are nearly degenerate in the lowest
    decade: on two ZARCs and a CPE (0.1 % noise) and on the shipped −10 and −40 °C spectra the
    spurious element gives F = 0.2–1.1 (p = 0.36–0.92), while a real 2 kΩ arc at τ = 5 s beside
    a CPE is not held without its element (the reduced fit is rejected). Returns the reduced
    (fit, peaks, note), or None to keep ``fit``."""
    from scipy.stats import f as f_dist

    modes = fit.modes()
    if len(modes) < 2:
        return None
    k = max(range(len(modes)), key=lambda i: modes[i][0])
    tau_edge = 1 / (2 * math.pi * f_min_hz)
    if modes[k][0] < tau_edge / 10:
        return None
    kept = tuple(peaks[i] for i in fit.kept)
    rest = kept[:k] + kept[k + 1 :]
    reduced, _ = refine(rest)
    if reduced is None or len(reduced.kept) != len(rest):
        return None
    dp = fit.params.size - reduced.params.size
    dof = fit.n_residuals - fit.params.size
    if dp < 1 or dof < 1 or fit.chi2 <= 0:
        return None
    stat = max(reduced.chi2 - fit.chi2, 0.0) / dp / (fit.chi2 / dof)
    p_value = float(f_dist.sf(stat, dp, dof))
    if p_value < _EDGE_LEVEL:
        return None
    tau, R = modes[k][0], modes[k][1]
    return (
        reduced,
        rest,
        f"the slow peak at τ = {tau:.3g} s (R = {R:.3g} Ω) beside the electrode CPE is not "
        f"resolved from it (nested F test: F = {stat:.2f}, p = {p_value:.2g}); it is dropped "
        "and the CPE refitted",
    )


def _refined_peaks(
    fit: Any, peaks: tuple[DRTPeak, ...], cell_constant_per_cm: float | None
) -> tuple[DRTPeak, ...]:
    """The DRT peaks with τ, R (and C_eff, label) from the peak model."""
    modes = fit.modes()
    peaks = tuple(peaks[i] for i in fit.kept)
    labels = label_by_capacitance(
        [t / r if r > 0 else math.inf for t, r, _, _ in modes],
        cell_constant_per_cm=cell_constant_per_cm,
    )
    out = []
    for lab, (t, r, a, b), p in zip(labels, modes, peaks, strict=True):
        g_max = float(fit.gamma(np.array([t]))[0])
        shape = "ZARC" if b == 1.0 else "Havriliak-Negami"
        out.append(
            DRTPeak(
                lab, t, 1 / (2 * math.pi * t), r, t / r, g_max, p.tau_bounds_s, shape, a, b, p.tau_s
            )
        )
    return tuple(sorted(out, key=lambda q: q.tau_s))  # the halves of a split peak may cross


def _check_arguments(
    spectrum: Spectrum,
    basis: str,
    lam: float | None,
    lam_method: str,
    derivative_order: int,
    nodes_per_decade: int,
) -> None:
    """Refuse bad :func:`compute_drt` arguments, naming the argument and the fix."""
    if not isinstance(spectrum, Spectrum):
        raise InvalidParameterError(
            f"`spectrum` must be a Spectrum (from read_spectrum or spectrum_from_arrays), got "
            f"{type(spectrum).__name__}."
        )
    # a Spectrum built directly, not by a reader: the readers' checks (finite, f > 0)
    z = np.asarray(spectrum.z_ohm, dtype=complex)
    check_values(np.asarray(spectrum.frequency_hz, float), z.real, z.imag, spectrum.source, None)
    if np.any(z == 0):
        k = int(np.flatnonzero(z == 0)[0]) + 1
        raise InvalidParameterError(
            f"{spectrum.source}, point {k}: Z = 0 Ω; the DRT weights each point by 1/|Z|, so "
            "every point needs a non-zero impedance (drop that point)."
        )
    if basis not in _BASES:
        raise InvalidParameterError(f"`basis` must be one of {_BASES}, got {basis!r}.")
    if lam_method not in _METHODS:
        raise InvalidParameterError(f"`lam_method` must be one of {_METHODS}, got {lam_method!r}.")
    if lam is not None and not (math.isfinite(lam) and lam > 0):
        raise InvalidParameterError(f"`lam` must be a finite number > 0, got {lam}.")
    if derivative_order not in (1, 2):
        raise InvalidParameterError(f"`derivative_order` must be 1 or 2, got {derivative_order}.")
    if not 3 <= nodes_per_decade <= 40:
        raise InvalidParameterError(
            f"`nodes_per_decade` must be between 3 and 40, got {nodes_per_decade}."
        )
    if spectrum.n_points < 5:
        raise InvalidParameterError(
            f"{spectrum.source}: a DRT needs at least 5 frequencies, got {spectrum.n_points}."
        )


def _band(
    pb: _Problem,
    lam: float,
    xi_map: NDArray[np.float64],
    phi_fine: NDArray[np.float64],
    level: float,
    n_samples: int,
    seed: int,
) -> DRTBand:
    """Credible band of the hierarchical (Student-t smoothness) model, see the module docstring.

    EM for the local precisions λ_k = λ u_k (u_k the Gamma(ν/2, ν/2) mixing weights of a
    Student-t prior on each difference d_k = (D g)_k): u_k ← (ν + 1)/(ν + λ E[d_k²]/σ²) with
    E[d_k²] = d̂_k² + σ²(D H⁻¹ Dᵀ)_kk, the mode ĝ ≥ 0 by NNLS at the current λ_k and σ² from its
    residual. Then the Laplace approximation N(ĝ, σ² H⁻¹) at the final mode; γ = φ·g of each
    draw is clipped at 0 pointwise (the constraint is on γ: clipping each coefficient first
    and summing would bias γ upwards wherever ĝ sits on the boundary).
    """
    from scipy.optimize import nnls

    AtA = pb.A.T @ pb.A
    P = AtA.shape[0]
    ridge = np.full(P, _PRIOR_RIDGE * lam)
    ridge[: pb.n_extra] = _EXTRA_RIDGE
    K = pb.Pen.shape[0]
    rhs = np.concatenate([pb.b, np.zeros(K + P)])

    def mode_and_noise(
        lam_k: NDArray[np.float64], start: NDArray[np.float64] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        if start is None:
            M = np.vstack([pb.A, np.sqrt(lam_k)[:, None] * pb.Pen, np.diag(np.sqrt(ridge))])
            xi, _ = nnls(M, rhs, maxiter=50 * P)
        else:
            xi = start
        H = AtA + (pb.Pen.T * lam_k) @ pb.Pen + np.diag(ridge)
        r = pb.A @ xi - pb.b
        dof = float(np.trace(np.linalg.solve(H, AtA)))
        return xi, H, float(r @ r) / max(pb.b.size - dof, 1.0)

    lam_k = np.full(K, lam)
    xi, H, sigma2 = mode_and_noise(lam_k, xi_map)
    for _ in range(_EM_MAX_ITER):
        d = pb.Pen @ xi
        var_d = sigma2 * np.einsum("ij,ji->i", pb.Pen, np.linalg.solve(H, pb.Pen.T))
        new = lam * (_T_NU + 1.0) / (_T_NU + lam * (d * d + var_d) / sigma2)
        change = float(np.max(np.abs(np.log(new / lam_k))))
        lam_k = new
        xi, H, sigma2 = mode_and_noise(lam_k, None)
        if change < _EM_TOL:
            break
    c = np.linalg.cholesky(H / sigma2)
    rng = np.random.default_rng(seed)
    e = rng.standard_normal((P, n_samples))
    draws = xi[:, None] + np.linalg.solve(c.T, e)  # covariance (H/σ²)⁻¹
    g = draws[pb.n_extra :] * pb.scale[pb.n_extra :, None]
    curves = np.maximum(phi_fine @ g, 0.0)
    q = (1 - level) / 2
    lower, upper = np.quantile(curves, [q, 1 - q], axis=1)
    centre = phi_fine @ (xi[pb.n_extra :] * pb.scale[pb.n_extra :])
    return DRTBand(level, lower, upper, n_samples, math.sqrt(sigma2), np.asarray(centre))


def _find_peaks(
    y: NDArray[np.float64], g: NDArray[np.float64], cell_constant_per_cm: float | None
) -> tuple[DRTPeak, ...]:
    from scipy.signal import find_peaks

    if not float(np.max(g)) > 0:
        return ()
    # A blocking electrode makes γ rise to the long-τ edge and dwarf the arcs: thresholds are
    # taken relative to γ before that final rise.
    tail = g.size - 1
    while tail > 0 and g[tail - 1] <= g[tail]:
        tail -= 1
    top = int(np.argmax(g))
    if tail == g.size - 1 and top >= 0.9 * g.size:
        # the rise ends in a maximum just short of the edge (a small dip after it): the same
        # electrode rise, which had set the thresholds and hidden a 1 kΩ arc beside it
        tail = top
        while tail > 0 and g[tail - 1] <= g[tail]:
            tail -= 1
    ref = g[: tail + 1] if tail > 0.2 * g.size else g
    gmax = float(np.max(ref))
    padded = np.concatenate([[0.0], g, [0.0]])  # a maximum at the grid edge still counts
    idx, _ = find_peaks(padded, prominence=_PEAK_PROMINENCE * gmax)
    idx = idx - 1
    dy = float(y[1] - y[0])
    total = float(np.sum(0.5 * (ref[1:] + ref[:-1])) * dy)
    # Drop peaks holding < 5 % of ∫γ (noise ripples) and split the area again without them.
    while True:
        if idx.size == 0:
            return ()
        bounds = [0]
        for a, b in itertools.pairwise(idx):
            bounds.append(int(a + np.argmin(g[a : b + 1])))
        bounds.append(y.size - 1)
        areas = np.array(
            [
                float(np.sum(0.5 * (g[lo + 1 : hi + 1] + g[lo:hi])) * dy)
                for lo, hi in itertools.pairwise(bounds)
            ]
        )
        small = areas < _PEAK_MIN_AREA * total
        if not np.any(small):
            break
        idx = np.delete(idx, int(np.argmin(np.where(small, areas, np.inf))))
    raw = []
    for k, i in enumerate(idx):
        lo, hi = bounds[k], bounds[k + 1]
        area = float(areas[k])
        yi = float(y[i])
        if 0 < i < y.size - 1:
            g0, g1, g2 = g[i - 1], g[i], g[i + 1]
            den = g0 - 2 * g1 + g2
            if den < 0:
                yi += float(np.clip(0.5 * (g0 - g2) / den, -0.5, 0.5)) * dy
        raw.append((math.exp(yi), area, float(g[i]), (math.exp(y[lo]), math.exp(y[hi]))))
    raw = [r for r in raw if r[1] > 0]
    labels = label_by_capacitance(
        [t / r for t, r, _, _ in raw], cell_constant_per_cm=cell_constant_per_cm
    )
    return tuple(
        DRTPeak(lab, t, 1 / (2 * math.pi * t), r, t / r, gm, tb)
        for lab, (t, r, gm, tb) in zip(labels, raw, strict=True)
    )


# --------------------------------------------------------------------------- → circuit fit
def circuit_from_drt(result: DRTResult, *, n_start: float = 0.9) -> tuple[str, list[float]]:
    """The equivalent circuit the DRT supports and its starting values.

    One p(R,CPE) arc per non-electrode peak (in order of increasing τ), a series R0 when R∞ is
    above 1 % of the arcs' resistance, and a CPE for the electrode when the DRT fitted one (or
    found an electrode peak); R∞ and the CPE are the peak model's where it was accepted
    (:attr:`DRTResult.peak_model_terms`). Arc starting values: R = peak area, n = ``n_start``,
    Q = τⁿ/R (so that (RQ)^{1/n} = τ), n the peak model's α where it refined the peak; the
    electrode CPE's from the DRT's electrode term.
    Returns (impedance.py circuit string, starting values in impedance.py's order).
    """
    arcs = sorted((p for p in result.peaks if p.label != "electrode"), key=lambda p: p.tau_s)
    electrode = [p for p in result.peaks if p.label == "electrode"]
    if not arcs:
        raise InvalidParameterError(
            f"{result.spectrum.source}: the DRT shows no bulk or grain-boundary peak, so it "
            "suggests no circuit." + api_only("choose one: `circuit` of fit_spectrum")
        )
    terms: list[str] = []
    guess: list[float] = []
    total = sum(p.R_ohm for p in arcs)
    k = 0
    pm = result.peak_model_terms  # the peak model's R∞ and CPE where it was accepted
    r_inf = result.R_inf_ohm if pm is None else pm[0]
    if r_inf > 0.01 * total:
        terms.append("R0")
        guess.append(r_inf)
    for p in arcs:
        k += 1
        terms.append(f"p(R{k},CPE{k})")
        n = n_start if math.isnan(p.alpha) else min(p.alpha, 0.999)  # the peak model's α
        guess.extend([p.R_ohm, p.tau_s**n / p.R_ohm, n])
    cpe = result.electrode_cpe if pm is None or pm[2] is None else pm[2]
    if cpe is not None and math.isfinite(cpe[0]):
        terms.append(f"CPE{k + 1}")
        guess.extend([cpe[0], min(cpe[1], 0.999)])
    elif electrode:
        terms.append(f"CPE{k + 1}")
        guess.extend([max(p.C_eff_F for p in electrode), 0.9])
    return "-".join(terms), guess
