"""Kramers–Kronig checks: the Lin-KK validity test and a direct numerical KK transform.

* :func:`lin_kk` is the Lin-KK test of Schönleber et al., Electrochim. Acta 131, 20 (2014): a
  chain of M RC elements with fixed, log-spaced time constants (+ series R, L and, for blocking
  electrodes, C) is fitted linearly, M growing until the negative-resistor measure μ drops
  below ``c``; a spectrum that such a KK-compliant model reproduces
  to within its noise is "valid". Residuals are relative to |Z|; the spectrum passes when their
  rms is below ``threshold`` (default 2 %, about 1.5× the residual of our 1 %-noise examples).
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

__all__ = ["LinKKResult", "kk_imag_from_real", "lin_kk"]


@dataclass(frozen=True)
class LinKKResult:
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
    M = 0
    mu = 1.0
    z_fit = z
    while mu > c and M < max_M:
        M += 1
        z_fit, mu = _lin_kk_fit(w, z, M, add_capacitor)
    resid = (z - z_fit) / np.abs(z)
    rr, ri = resid.real, resid.imag
    rr = np.asarray(rr, dtype=float)
    ri = np.asarray(ri, dtype=float)
    rms = float(np.sqrt(np.mean(np.concatenate([rr, ri]) ** 2)))
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
