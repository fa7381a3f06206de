"""The compiled pass of :func:`~.observables.battery_states` over the linear and quadratic
figures of merit (a module of its own so that Numba caches it on disk).

Why compiled: the NumPy form runs a dozen array operations (gather of the transposed
entries, the Hermitian part, its squares, five weighted sums) on (times × entries)
arrays; for the small spaces whose whole run takes a millisecond they cost ~0.15 ms, one
pass here ~0.02 ms."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["linear_observables"]


@numba.njit(cache=True, nogil=True)
def linear_observables(
    r, tail, transpose, w_energy, w_trace, w_purity, w_photons, w_top
):  # pragma: no cover - compiled
    """(energy, trace, purity, max|R − R†|, photons, top-level population) of every row of
    ``r`` (times × entries; the first ``tail`` entries the atoms' blocks, the rest the
    photon populations): Σ w Re R over the diagonals, Σ w |(R + R†)/2|², the largest
    |R_ab − conj R_ba|, Σ w Re pops."""
    n_t = r.shape[0]
    out = np.zeros((6, n_t))
    for t in range(n_t):
        e = tr = pur = herm = ph = top = 0.0
        for q in range(tail):
            v = r[t, q]
            w = r[t, transpose[q]]
            e += w_energy[q] * v.real
            tr += w_trace[q] * v.real
            hr = 0.5 * (v.real + w.real)
            hi = 0.5 * (v.imag - w.imag)
            pur += w_purity[q] * (hr * hr + hi * hi)
            dr = v.real - w.real
            di = v.imag + w.imag
            herm = max(herm, dr * dr + di * di)  # its root once, below (the same number)
        for q in range(tail, r.shape[1]):
            p = r[t, q].real
            ph += w_photons[q - tail] * p
            top += w_top[q - tail] * p
        out[0, t] = e
        out[1, t] = tr
        out[2, t] = pur
        out[3, t] = herm**0.5
        out[4, t] = ph
        out[5, t] = top
    return out
