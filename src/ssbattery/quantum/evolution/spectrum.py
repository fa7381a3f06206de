"""Bounds on the spectrum of a Hermitian operator (what a Chebyshev expansion needs)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ssbattery.quantum.evolution.kernels import is_real, prefers_dense
from ssbattery.quantum.operators import Operator, is_sparse

__all__ = ["gershgorin_bounds", "spectral_bounds"]


def gershgorin_bounds(H: Operator) -> tuple[float, float]:
    """The Gershgorin interval [min(d_i − R_i), max(d_i + R_i)]: always holds the spectrum."""
    if is_sparse(H):
        A = sp.csr_array(H)
        d = A.diagonal().real
        off = np.asarray(abs(A).sum(axis=1)).ravel() - np.abs(A.diagonal())
    else:
        A = np.asarray(H)
        d = np.diag(A).real
        off = np.abs(A).sum(axis=1) - np.abs(np.diag(A))
    return float(np.min(d - off)), float(np.max(d + off))


def spectral_bounds(
    H: Operator,
    *,
    steps: int = 60,
    margin: float = 0.01,
    seed: int = 1,
    interval: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """An interval [E_lo, E_hi] that contains the spectrum of Hermitian ``H``.

    Exact (``eigvalsh``) where the dense rule holds
    (:func:`~ssbattery.quantum.evolution.kernels.prefers_dense`); otherwise the extreme
    Ritz values of ``steps`` Lanczos iterations widened by their residual and by
    ``margin`` of the width, clipped to the Gershgorin interval (which always holds) or to
    ``interval``, a bound known to hold (then ``H`` only needs ``H @ v`` and, for the
    dense rule, ``H.toarray()``: a matrix-free operator).

    Example:
        >>> import numpy as np
        >>> lo, hi = spectral_bounds(np.diag([-1.0, 0.5, 2.0]))
        >>> round(lo, 9), round(hi, 9)
        (-1.0, 2.0)
    """
    n = H.shape[0]
    if prefers_dense(n):
        dense = H.toarray() if hasattr(H, "toarray") else np.asarray(H)
        ev = np.linalg.eigvalsh(dense)
        pad = 1e-12 * max(1.0, float(np.max(np.abs(ev))))
        return float(ev[0]) - pad, float(ev[-1]) + pad
    g_lo, g_hi = gershgorin_bounds(H) if interval is None else interval
    rng = np.random.default_rng(seed)
    dtype = float if is_real(H) else complex
    v = np.asarray(rng.standard_normal(n), dtype=dtype)
    v /= np.linalg.norm(v)
    v_old = np.zeros_like(v)
    alphas: list[float] = []
    betas: list[float] = []
    beta = 0.0
    for _ in range(min(steps, n)):
        w = np.asarray(H @ v) - beta * v_old
        alpha = float(np.vdot(v, w).real)
        w -= alpha * v
        alphas.append(alpha)
        beta = float(np.linalg.norm(w))
        if beta < 1e-12:
            break
        betas.append(beta)
        v_old, v = v, w / beta
    m = len(alphas)
    T = np.diag(alphas) + np.diag(betas[: m - 1], 1) + np.diag(betas[: m - 1], -1)
    theta, S = np.linalg.eigh(T)
    res_lo = beta * abs(S[-1, 0])
    res_hi = beta * abs(S[-1, -1])
    width = float(theta[-1] - theta[0])
    lo = float(theta[0]) - res_lo - margin * width
    hi = float(theta[-1]) + res_hi + margin * width
    return max(lo, g_lo), min(hi, g_hi)
