"""Peak model of a DRT: each γ peak refined as a ZARC or Havriliak–Negami relaxation of Z.

Why: the Tikhonov γ of :mod:`.drt` is biased at its peaks by its own smoothing prior (the tops
are lowered, ~20 % of γ_max at 1 % noise, and a Havriliak–Negami mode is pulled 7–10 % toward
its heavy short-τ side), so its peak τ leave the 5 % window above ~0.1–0.5 % noise and its
credible band, conditional on that prior, under-covers the peaks (RESULTS_drt.md). Started
from the DRT's own peaks, a parametric fit of the same spectrum with the same weights removes
that bias wherever the relaxations have the assumed shape::

    Z(ω) = R∞ + iωL + 1/(Q_el (iω)^n_el) + Σ_k R_k / (1 + (iωτ_k)^α_k)^β_k

(Havriliak & Negami, Polymer 8, 161 (1967); β_k = 1 is the ZARC of Cole & Cole, J. Chem. Phys.
9, 341 (1941)), fitted by ``scipy.optimize.least_squares`` to the residuals weighted by 1/|Z|,
0.3 ≤ α_k ≤ 1, 0.2 ≤ β_k ≤ 1, R_k ≥ 0, τ_k within two decades beyond the measured window
1/ω_max … 1/ω_min. **Shape choice:** every peak starts as a ZARC; then, by forward selection,
the β_k whose freeing lowers χ² most is freed (a Havriliak–Negami element) while the
likelihood-ratio test rejects β_k = 1: F = (χ²₀ − χ²₁)/(χ²₁/(N − p₁)) (N real residuals, p₁
free parameters with β_k free) against its null on the boundary β = 1 of 0 < β ≤ 1, ½χ²₀ +
½F(1, N − p₁) (Chernoff, Ann. Math. Stat. 25, 573 (1954); Self & Liang, JASA 82, 605 (1987)),
at the family level 0.1 % split over the K peaks (F > F(1, N − p₁) quantile 1 − 0.002/K: 10.0
for one peak, 11.4 for two at N = 120). So a spectrum of ZARCs is given a spurious β < 1 with
probability ≲ 0.1 %. The level is set by the cost of each error: a spurious β is poorly fixed
when the arc overlaps another, and moves the mode by up to ~14 % (two ZARCs at 1 % noise),
while an asymmetry large enough to move a ZARC's mode by 5 % (β ≈ 0.90–0.93 at α = 0.85) has
noncentrality Δχ²/σ² ≥ 80 at 1 % noise, detected at this level with power > 0.999. Schwarz's
criterion N ln(χ²/N) + p ln N (Schwarz, Ann. Stat. 6, 461 (1978)), the earlier rule (applied
backward from all-Havriliak–Negami), kept a spurious β in ~3 % of ZARC peaks and in 8 of the
two-ZARC spectra of seeds 200–399 at 1 % noise moved a mode beyond 5 %; Akaike's 2p (IEEE
Trans. Autom. Control 19, 716 (1974)) before it, in 16 of seeds 0–199 (RESULTS_drt.md). **Peak
set:** a DRT peak whose refined mode leaves the bounding minima of its DRT peak is not a
relaxation the data hold apart from the others (a noise ripple at the window's edge, which the
fit pushes out of the window, or one arc split in two): it is dropped and the rest refitted
(shapes chosen again), until every mode stays in its bounds. **Acceptance:** the fit converged,
at least one peak is left, and the data do not reject the peak model beside the free-form DRT:
its reduced χ² is at most the 99 % quantile of F(N − p, N − ν) times the Tikhonov fit's (ν the
DRT's effective degrees of freedom). Otherwise :func:`.drt.compute_drt` keeps the γ-maximum
peaks and the hierarchical band, and says so in its notes (it names the dropped peaks in its
notes too).

Peak τ: the mode of the element's γ(ln τ) (τ_k for a ZARC; found by a bounded scalar search
for Havriliak–Negami); R: R_k, the element's area ∫γ d ln τ.

Band: the Laplace approximation of the posterior of the free parameters under flat priors,
N(θ̂, s²(JᵀJ)⁻¹) with s² = χ²/(N − p) and J the weighted Jacobian at θ̂; γ(τ) = Σ_k γ_k(τ; θ)
of each draw, clipped at 0; the band is its pointwise central quantile. It is conditional on
the shape model: on the synthetic ZARC, two-ZARC and Havriliak–Negami spectra (whose shapes it
holds) its coverage is measured (RESULTS_drt.md, tests/electrolytes/impedance/test_drt.py); a
relaxation of another shape is either rejected by the F test above or biases this band too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError

__all__ = ["fit_peak_model", "havriliak_negami_mode"]

#: Bounds of the shape exponents α (both shapes) and β (Havriliak–Negami).
_ALPHA_BOUNDS = (0.3, 1.0)
_BETA_BOUNDS = (0.2, 1.0)
#: Quantile of the F test of the peak model against the free-form DRT.
_F_QUANTILE = 0.99
#: Family level of the shape test: the probability that a spectrum of ZARCs is given a
#: spurious Havriliak–Negami β < 1 (split over its peaks; :func:`_asymmetry_resolved`).
_SHAPE_LEVEL = 0.001
#: β a freed Havriliak–Negami element starts from (inside its bound of 1).
_BETA_START = 0.999


def havriliak_negami_mode(tau0_s: float, alpha: float, beta: float) -> float:
    """τ [s] at the maximum of the Havriliak–Negami γ(ln τ) of Z = R/(1 + (iωτ₀)^α)^β.

    τ₀ itself for β = 1 (the ZARC's symmetric distribution); for β < 1 the mode lies on the
    short-τ side of τ₀, found by a bounded search in ln(τ/τ₀) (tolerance 1e−9).

    >>> havriliak_negami_mode(1e-3, 0.85, 1.0)
    0.001
    """
    if not (tau0_s > 0 and 0 < alpha <= 1 and 0 < beta <= 1):
        raise InvalidParameterError(
            f"need τ₀ > 0, 0 < α ≤ 1, 0 < β ≤ 1; got {tau0_s}, {alpha}, {beta}."
        )
    if beta == 1.0:
        return float(tau0_s)
    from scipy.optimize import minimize_scalar

    def minus_log_gamma(s: float) -> float:
        with np.errstate(all="ignore"):
            g = float(_hn_gamma(np.exp(s), 1.0, 1.0, alpha, beta))
        return -math.log(g) if g > 1e-300 else 690.0

    span = 30.0 / alpha
    res = minimize_scalar(
        minus_log_gamma, bounds=(-span, 1.0), method="bounded", options={"xatol": 1e-9}
    )
    return float(tau0_s * math.exp(res.x))


def _hn_gamma(tau: ArrayLike, R: ArrayLike, tau0: ArrayLike, a: ArrayLike, b: ArrayLike) -> Any:
    """γ(ln τ) [Ω] of a Havriliak–Negami element, broadcasting over every argument (the same
    closed form as :func:`.drt.gamma_havriliak_negami`, which takes scalars)."""
    y = np.asarray(tau) / np.asarray(tau0)
    a = np.asarray(a)
    ya = y**a
    s, c = np.sin(np.pi * a), np.cos(np.pi * a)
    theta = np.arctan2(s, ya + c)
    den = (ya * ya + 2 * ya * c + 1.0) ** (np.asarray(b) / 2)
    return np.asarray(R) / np.pi * ya ** np.asarray(b) * np.sin(np.asarray(b) * theta) / den


@dataclass(frozen=True)
class _Layout:
    """Where each quantity sits in the free-parameter vector."""

    n_peaks: int
    inductance: bool
    electrode: bool
    zarc: tuple[bool, ...]

    @property
    def n_head(self) -> int:  # R∞, then L, then ln Q_el and n_el where present
        return 1 + int(self.inductance) + 2 * int(self.electrode)

    def full(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        """The (R_k, ln τ_k, α_k, β_k) rows of the peaks, β = 1 filled in for ZARCs."""
        out = np.empty((self.n_peaks, 4))
        i = self.n_head
        for k, is_zarc in enumerate(self.zarc):
            m = 3 if is_zarc else 4
            out[k, :m] = p[i : i + m]
            if is_zarc:
                out[k, 3] = 1.0
            i += m
        return out


@dataclass(frozen=True)
class _PeakModelFit:
    """A converged peak-model fit: free parameters, Jacobian and residual at the optimum."""

    layout: _Layout
    params: NDArray[np.float64]
    jac: NDArray[np.float64]
    chi2: float
    n_residuals: int
    #: Indices of the DRT peaks the model holds (those dropped left their bounds).
    kept: tuple[int, ...] = ()

    @property
    def rows(self) -> NDArray[np.float64]:
        return self.layout.full(self.params)

    def head(self) -> tuple[float, float | None, tuple[float, float] | None]:
        """R∞ [Ω], L [H] (None without the term) and the electrode CPE (Q, n) (None without
        it) of the fitted peak model."""
        p, lay = self.params, self.layout
        L = float(p[1]) if lay.inductance else None
        i = 1 + int(lay.inductance)
        cpe = (math.exp(float(p[i])), float(p[i + 1])) if lay.electrode else None
        return float(p[0]), L, cpe

    @property
    def reduced_chi2(self) -> float:
        return self.chi2 / max(self.n_residuals - self.params.size, 1)

    def modes(self) -> list[tuple[float, float, float, float]]:
        """(mode τ [s], R [Ω], α, β) of every peak."""
        return [
            (havriliak_negami_mode(math.exp(lt), a, b), float(R), float(a), float(b))
            for R, lt, a, b in self.rows
        ]

    def gamma(self, tau_s: NDArray[np.float64]) -> NDArray[np.float64]:
        """The peak model's γ [Ω] on ``tau_s``."""
        r = self.rows
        with np.errstate(all="ignore"):
            g = _hn_gamma(tau_s[None, :], r[:, :1], np.exp(r[:, 1:2]), r[:, 2:3], r[:, 3:4])
        return np.asarray(np.nan_to_num(g, nan=0.0).sum(0))

    def band(
        self, tau_s: NDArray[np.float64], level: float, n_samples: int, seed: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Pointwise central ``level`` band of γ on ``tau_s`` from Laplace draws (module doc)."""
        # Columns equilibrated before the inverse: L [H] and R [Ω] differ by ~10 decades, and a
        # pseudo-inverse of the raw JᵀJ would drop real directions as round-off and narrow it.
        d = np.linalg.norm(self.jac, axis=0)
        d = np.where(d > 0, d, 1.0)
        js = self.jac / d
        # Drawn in the equilibrated units too: the covariance in [H], [Ω], ... spans ~16
        # decades, and its eigen-factor's round-off gave "negative" eigenvalues (−4e-16 of the
        # largest) and NumPy's not-positive-semidefinite warning. The same Gaussian.
        cov_s = self.reduced_chi2 * np.linalg.inv(js.T @ js)
        steps = np.random.default_rng(seed).multivariate_normal(
            np.zeros(self.params.size), (cov_s + cov_s.T) / 2, size=n_samples, method="eigh"
        )
        draws = self.params + steps / d
        curves = np.zeros((n_samples, tau_s.size))
        rows = np.array([self.layout.full(d) for d in draws])  # (n_samples, n_peaks, 4)
        with np.errstate(all="ignore"):
            for k in range(self.layout.n_peaks):
                R, lt, a, b = (rows[:, k, j : j + 1] for j in range(4))
                curves += _hn_gamma(tau_s[None, :], R, np.exp(lt), a, b)
        curves = np.maximum(np.nan_to_num(curves, nan=0.0, posinf=0.0, neginf=0.0), 0.0)
        q = (1 - level) / 2
        lower, upper = np.quantile(curves, [q, 1 - q], axis=0)
        return np.asarray(lower), np.asarray(upper)


def _fit(
    f: NDArray[np.float64],
    z: NDArray[np.complex128],
    head: tuple[float, ...],
    starts: NDArray[np.float64],
    layout: _Layout,
) -> _PeakModelFit | None:
    """Weighted least squares of the peak model from ``head`` (R∞, L[, ln Q_el, n_el]) and the
    peaks' (R, ln τ, α, β) ``starts``; None when it does not converge."""
    from scipy.optimize import least_squares

    w = 2 * math.pi * f
    wt = 1.0 / np.abs(z)
    iw = 1j * w
    inf = math.inf
    p0 = list(head)
    lo: list[float] = [0.0] * (1 + int(layout.inductance))
    hi: list[float] = [inf] * (1 + int(layout.inductance))
    if layout.electrode:
        lo += [-inf, 0.3]
        hi += [inf, 1.0]
    # τ_k within two decades beyond the measured window 1/ω_max … 1/ω_min
    lt_lo = math.log(1 / float(w.max())) - 2 * math.log(10)
    lt_hi = math.log(1 / float(w.min())) + 2 * math.log(10)
    for (R, lt, a, b), is_zarc in zip(starts, layout.zarc, strict=True):
        p0 += [R, lt, a] + ([] if is_zarc else [b])
        lo += [0.0, lt_lo, _ALPHA_BOUNDS[0]] + ([] if is_zarc else [_BETA_BOUNDS[0]])
        hi += [inf, lt_hi, _ALPHA_BOUNDS[1]] + ([] if is_zarc else [_BETA_BOUNDS[1]])
    lo_a, hi_a = np.array(lo), np.array(hi)
    span = np.where(np.isfinite(hi_a - lo_a), hi_a - lo_a, 1.0)
    x0 = np.clip(np.array(p0, dtype=float), lo_a + 1e-9 * span, hi_a - 1e-9 * span)

    def residual(p: NDArray[np.float64]) -> NDArray[np.float64]:
        zz = p[0] + (iw * p[1] if layout.inductance else 0.0)
        if layout.electrode:
            j = layout.n_head - 2
            zz = zz + np.exp(-p[j]) * iw ** (-p[j + 1])
        for R, lt, a, b in layout.full(p):
            zz = zz + R / (1.0 + (iw * np.exp(lt)) ** a) ** b
        d = (zz - z) * wt
        return np.concatenate([d.real, d.imag])

    with np.errstate(all="ignore"):
        try:
            sol = least_squares(residual, x0, bounds=(lo_a, hi_a), x_scale="jac")
        except (ValueError, OverflowError, np.linalg.LinAlgError):  # non-finite residuals
            return None
    if sol.status <= 0 or not np.all(np.isfinite(sol.fun)):
        return None
    return _PeakModelFit(layout, sol.x, sol.jac, float(sol.fun @ sol.fun), sol.fun.size)


def fit_peak_model(
    f: NDArray[np.float64],
    z: NDArray[np.complex128],
    *,
    peaks: list[tuple[float, float, tuple[float, float]]],
    R_inf_ohm: float,
    inductance_H: float | None,
    electrode_cpe: tuple[float, float] | None,
    drt_chi2: float,
    drt_dof: float,
) -> tuple[_PeakModelFit | None, str]:
    """The accepted peak model of a spectrum, or None with the reason (module docstring).

    ``peaks``: (τ [s], R [Ω], (τ_lo, τ_hi) [s]) of each DRT peak, the fit's start and the
    bounds its mode must stay within; ``inductance_H`` None leaves the inductance out;
    ``drt_chi2``/``drt_dof``: the Tikhonov fit's weighted χ² and effective degrees of freedom,
    for the F test.
    """
    from scipy.stats import f as f_dist

    if not peaks:
        return None, "no DRT peak to refine"
    electrode = electrode_cpe is not None and math.isfinite(electrode_cpe[0])
    head_list = [R_inf_ohm] + ([] if inductance_H is None else [inductance_H])
    if electrode_cpe is not None and electrode:
        head_list += [math.log(electrode_cpe[0]), min(electrode_cpe[1], 1.0)]
    kept = list(range(len(peaks)))
    while True:
        best = _select_shapes(
            f, z, tuple(head_list), [peaks[i] for i in kept], inductance_H, electrode
        )
        if best is None:
            return None, "the peak-model fit did not converge"
        out = [
            i
            for i, (tau, *_) in zip(kept, best.modes(), strict=True)
            if not peaks[i][2][0] <= tau <= peaks[i][2][1]
        ]
        if not out:
            break
        if len(out) == len(kept):
            return None, "every refined peak left the bounds of its DRT peak"
        # A mode driven out of its DRT peak's bounds is not a separate relaxation the data hold
        # (a noise ripple at the window's edge, or one arc split in two): drop it, refit the rest.
        kept = [i for i in kept if i not in out]
    best = _PeakModelFit(
        best.layout, best.params, best.jac, best.chi2, best.n_residuals, tuple(kept)
    )
    n = best.n_residuals
    limit = float(f_dist.ppf(_F_QUANTILE, n - best.params.size, max(n - drt_dof, 1.0)))
    drt_reduced = drt_chi2 / max(n - drt_dof, 1.0)
    if best.reduced_chi2 > limit * drt_reduced:
        return None, (
            f"the data reject the peak model (reduced χ² {best.reduced_chi2:.3g} > "
            f"{limit:.3g} × the DRT's {drt_reduced:.3g}, F test at {_F_QUANTILE:.0%})"
        )
    return best, ""


def _select_shapes(
    f: NDArray[np.float64],
    z: NDArray[np.complex128],
    head: tuple[float, ...],
    peaks: list[tuple[float, float, tuple[float, float]]],
    inductance_H: float | None,
    electrode: bool,
) -> _PeakModelFit | None:
    """Forward selection of Havriliak–Negami shapes from all-ZARC by the likelihood-ratio test
    of :func:`_asymmetry_resolved` (module docstring); None when the all-ZARC fit fails."""
    n_peaks = len(peaks)
    with_l = inductance_H is not None
    zarc_starts = np.array([[R, math.log(t), 0.9, 1.0] for t, R, _ in peaks])
    best = _fit(f, z, head, zarc_starts, _Layout(n_peaks, with_l, electrode, (True,) * n_peaks))
    if best is None:
        return None
    while True:
        trials = []
        for k in (j for j, is_zarc in enumerate(best.layout.zarc) if is_zarc):
            zarc = tuple(s and j != k for j, s in enumerate(best.layout.zarc))
            starts = best.rows.copy()
            starts[k, 3] = _BETA_START
            trial = _fit(
                f,
                z,
                tuple(best.params[: best.layout.n_head]),
                starts,
                _Layout(n_peaks, with_l, electrode, zarc),
            )
            if trial is not None:
                trials.append(trial)
        if not trials:
            return best
        top = min(trials, key=lambda t: t.chi2)
        if not _asymmetry_resolved(best, top, n_peaks):
            return best
        best = top


def _asymmetry_resolved(null: _PeakModelFit, alt: _PeakModelFit, n_peaks: int) -> bool:
    """Whether freeing one more β rejects β = 1 at the family level :data:`_SHAPE_LEVEL`.

    Likelihood ratio in its F form, F = (χ²₀ − χ²₁) / (χ²₁ / (N − p₁)), σ unknown. β = 1 lies
    on the boundary of 0 < β ≤ 1, so under the null F is 0 with probability ½ and F(1, N − p₁)
    otherwise (Chernoff, Ann. Math. Stat. 25, 573 (1954); Self & Liang, JASA 82, 605 (1987)):
    P(F > c) = ½ P(F(1, N − p₁) > c). The level is split over the peaks (Bonferroni), so a
    spectrum of ZARCs gets a spurious β < 1 with probability at most :data:`_SHAPE_LEVEL`.
    """
    from scipy.stats import f as f_dist

    dof = alt.n_residuals - alt.params.size
    if dof < 1 or alt.chi2 <= 0:
        return False
    stat = (null.chi2 - alt.chi2) / (alt.chi2 / dof)
    return bool(stat > f_dist.isf(2 * _SHAPE_LEVEL / n_peaks, 1, dof))
