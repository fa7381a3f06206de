"""Kramers–Kronig checks: the Lin-KK validity test and a direct numerical KK transform.

* :func:`lin_kk` is the Lin-KK test of Schönleber et al., Electrochim. Acta 131, 20 (2014): a
  chain of M RC elements with fixed time constants spread log-uniformly over 1/ω_max … 1/ω_min
  (+ series R, L and, for blocking electrodes, C) is fitted linearly, M growing until the
  negative-resistor measure μ = 1 − Σ|R_k<0| / Σ R_k≥0 drops below ``c``; a spectrum that such
  a KK-compliant model reproduces to within its noise is "valid". Residuals are relative to
  |Z|; the spectrum passes when their rms is below ``threshold`` (default 2 %, about 1.5× the
  residual of our 1 %-noise examples). Two safeguards against a spurious early stop (see
  :func:`lin_kk`): M starts at one RC per decade, and a μ dip that leaves large residuals is
  stepped over when μ recovers.
* :func:`kk_imag_from_real` computes Z″(ω) from Z′ by the KK integral on a wide log grid; used
  in the tests to show that every element we fit (R‖C, R‖CPE, CPE) is causal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.electrolytes.impedance.readers import Spectrum
from ssbattery.errors import InvalidParameterError
from ssbattery.results import Quantity, Reported

__all__ = ["LinKKResult", "kk_imag_from_real", "lin_kk"]


@dataclass(frozen=True)
class LinKKResult(Reported):
    """Outcome of the Lin-KK test: M RC elements, μ, residuals (relative to |Z|), verdict."""

    M: int
    mu: float
    frequency_hz: NDArray[np.float64]
    residuals_real: NDArray[np.float64]
    residuals_imag: NDArray[np.float64]
    z_fit_ohm: NDArray[np.complex128]
    rms_residual: float
    max_abs_residual: float
    threshold: float
    passed: bool

    def quantities(self) -> tuple[Quantity, ...]:
        """M, μ and the residuals relative to |Z| (dimensionless) with the threshold."""
        return (
            Quantity("M", float(self.M)),
            Quantity("mu", self.mu),
            Quantity("rms_residual", self.rms_residual),
            Quantity("max_abs_residual", self.max_abs_residual),
            Quantity("threshold", self.threshold),
        )

    def _title(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return f"Lin-KK test: {verdict} ({self.frequency_hz.size} points)"


def lin_kk(
    spectrum: Spectrum,
    *,
    threshold: float = 0.02,
    c: float = 0.85,
    max_M: int = 50,
    add_capacitor: bool = True,
) -> LinKKResult:
    """Run the Lin-KK test on ``spectrum`` (complex fit, μ cut-off ``c``, up to ``max_M`` RCs).

    ``passed`` is ``rms_residual < threshold``; ``add_capacitor`` adds the series capacitance a
    blocking-electrode tail needs (review-style cells with Au/Pt electrodes).

    Choice of M: Schönleber's rule (first M with μ ≤ c) with two safeguards. (1) M starts at
    one RC element per decade of the measured band: with coarser τ spacing μ fluctuates (it
    dipped to 0.72 at M = 5 on a KK-valid 8-decade spectrum, then rose back to 0.98). (2) If
    the fit at a μ crossing still leaves rms residuals above ``threshold``, the crossing is
    taken as such a coarse-grid artefact: M keeps growing, and the next M at which μ falls to
    ≤ c again, after having recovered above c, is examined. Every fit examined is thus at the
    onset of over-fitting, never deep inside it; the first one within ``threshold`` is
    returned, else the one with the smallest residual. A spectrum whose first crossing lies
    at or above the starting M and passes there gets the same M as the plain rule. Measured
    with benchmarks/bench_eis.py (seed 20240690): the plain rule stopped at M = 5–6 with
    17–21 % residuals on two KK-valid spectra (R_gb ≈ 1e6 and 9e6 Ω); with the safeguards
    all 26 spectra pass, and the anti-causal arc of the tests still fails (rms ≈ 0.4).
    """
    # impedance.py 1.7.1's ``validation.linKK`` cannot run under NumPy 2: it evaluates a source
    # string built from reprs such as "np.float64(3.1)" in a namespace without ``np`` (NameError,
    # seen here with NumPy 2). The method is a small linear least-squares problem, written out.
    if not 0 < threshold < 1:
        raise InvalidParameterError(f"`threshold` must lie in (0, 1), got {threshold!r}.")
    if not 0 < c < 1:
        raise InvalidParameterError(f"`c` must lie in (0, 1), got {c!r}.")
    if int(max_M) != max_M or max_M < 1:
        raise InvalidParameterError(f"`max_M` must be a positive integer, got {max_M!r}.")
    f = spectrum.frequency_hz
    z = spectrum.z_ohm
    w = 2 * math.pi * f
    max_M = int(max_M)
    decades = math.log10(float(np.max(w)) / float(np.min(w)))
    M = min(max_M, max(1, math.ceil(decades - 1e-9)))
    best: tuple[float, int, NDArray[np.complex128], float] | None = None
    while True:
        z_fit, mu = _lin_kk_fit(w, z, M, add_capacitor)
        if mu <= c or M == max_M:
            rms = _rms(z, z_fit)
            if best is None or rms < best[0]:
                best = (rms, M, z_fit, mu)
            if rms < threshold or M == max_M:
                break
            # step over this μ dip: grow M until μ has recovered above c
            while mu <= c and M < max_M:
                M += 1
                z_fit, mu = _lin_kk_fit(w, z, M, add_capacitor)
            if mu <= c:  # reached max_M without recovery
                rms = _rms(z, z_fit)
                if rms < best[0]:
                    best = (rms, M, z_fit, mu)
                break
            continue
        M += 1
    _, M, z_fit, mu = best
    resid = (z - z_fit) / np.abs(z)
    rr, ri = resid.real, resid.imag
    rr = np.asarray(rr, dtype=float)
    ri = np.asarray(ri, dtype=float)
    rms = _rms(z, z_fit)
    mx = float(np.max(np.abs(np.concatenate([rr, ri]))))
    return LinKKResult(
        M=int(M),
        mu=float(mu),
        frequency_hz=f,
        residuals_real=rr,
        residuals_imag=ri,
        z_fit_ohm=np.asarray(z_fit, dtype=np.complex128),
        rms_residual=rms,
        max_abs_residual=mx,
        threshold=threshold,
        passed=rms < threshold,
    )


def _rms(z: NDArray[np.complex128], z_fit: NDArray[np.complex128]) -> float:
    """rms of the real and imaginary residuals relative to |Z|."""
    r = (z - z_fit) / np.abs(z)
    return float(np.sqrt(np.mean(np.concatenate([r.real, r.imag]) ** 2)))


def _lin_kk_fit(
    w: NDArray[np.float64], z: NDArray[np.complex128], M: int, add_capacitor: bool
) -> tuple[NDArray[np.complex128], float]:
    """Fit R0 + Σ R_k/(1 + iωτ_k) + iωL [+ 1/(iωC)] to z (weights 1/|Z|); return (Z_fit, μ)."""
    w_min, w_max = float(np.min(w)), float(np.max(w))
    taus = (
        np.array([1.0 / w_max])
        if M == 1
        else np.logspace(math.log10(1.0 / w_max), math.log10(1.0 / w_min), M)
    )
    cols = [np.ones_like(w, dtype=complex)]
    cols += [1.0 / (1.0 + 1j * w * t) for t in taus]
    cols.append(1j * w)
    if add_capacitor:
        cols.append(1.0 / (1j * w))
    A = np.column_stack(cols)
    weight = 1.0 / np.abs(z)
    Aw = A * weight[:, None]
    zw = z * weight
    big = np.vstack([Aw.real, Aw.imag])
    rhs = np.concatenate([zw.real, zw.imag])
    # scale columns so the inductance and capacitance columns don't dominate the conditioning
    norms = np.linalg.norm(big, axis=0)
    norms[norms == 0] = 1.0
    x, *_ = np.linalg.lstsq(big / norms, rhs, rcond=None)
    x = x / norms
    r_k = x[1 : 1 + M]
    pos = float(np.sum(r_k[r_k >= 0]))
    neg = float(np.sum(np.abs(r_k[r_k < 0])))
    mu = 1.0 - neg / pos if pos > 0 else 0.0
    return np.asarray(A @ x, dtype=np.complex128), mu


def kk_imag_from_real(
    z_real: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    omega: ArrayLike,
    *,
    decades: float = 14.0,
    points_per_decade: int = 2000,
) -> NDArray[np.float64]:
    """Z″(ω) = (2ω/π) P∫₀^∞ [Z′(x) − Z′(ω)] / (x² − ω²) dx (Kramers–Kronig).

    ``z_real`` is a vectorised function of angular frequency [rad/s]. The integral runs over
    x = ω e^s for |s| ≤ ``decades``·ln 10 (trapezoid in s); subtracting Z′(ω) removes the pole,
    and the grid is offset by half a step so x never equals ω. Accurate to ~1e-5 relative for
    elements whose Z′ decays at least as x^{−n} (0 < n ≤ 1) at the ends.
    """
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise InvalidParameterError("`omega` must be finite and > 0 rad/s.")
    n = int(decades * points_per_decade)
    ds = math.log(10.0) / points_per_decade
    s = (np.arange(-n, n) + 0.5) * ds
    out = np.empty_like(w)
    es = np.exp(s)
    for k, wk in enumerate(w):
        x = wk * es
        zr0 = z_real(np.array([wk]))[0]
        integrand = (z_real(x) - zr0) / (x**2 - wk**2) * x  # dx = x ds
        out[k] = (2.0 * wk / math.pi) * float(np.sum(integrand) * ds)
    return out
