"""Matrix-free Dicke Hamiltonian on the parity sector: a stencil over photon layers.

In the photon-major parity basis (:func:`~ssbattery.quantum.dicke.dicke_basis`,
:func:`~ssbattery.quantum.dicke_window.window_basis`) the layer of photon number n holds
the spin states k = m + j ≡ N − n (mod 2), k = k₀, k₀ + 2, … ≤ N, and eq. 9 with Ω = 0
couples (n, k) only to (n ± 1, k ± 1)::

    (Hψ)(n, k) = [ωc n + ωa (k − j) + (η/N)(k − j)²] ψ(n, k)
                 + ωc g √(n+1) [J₊(k) ψ(n+1, k+1) + J₋(k) ψ(n+1, k−1)]
                 + ωc g √n     [J₊(k) ψ(n−1, k+1) + J₋(k) ψ(n−1, k−1)]

with J₊(k) = √(j(j+1) − m(m+1)), J₋(k) = √(j(j+1) − m(m−1)), m = k − j (J₊(N) = J₋(0)
= 0). In the neighbour layers (opposite k₀) k ± 1 sit at fixed position shifts, so the
product needs no index arrays: per state it reads ψ and writes Hψ, against CSR's five
(index, value) pairs per row. :meth:`DickeStencil.lanczos_product` fuses it with one
Lanczos iteration (w = Hv − β v_prev and α = ⟨v|w⟩ in one pass, see
:mod:`ssbattery.quantum.evolution.fused`); :func:`~ssbattery.quantum.evolution.evolve`
takes it as ``matrix_free=`` beside the CSR H, which still serves the checks and bounds.

Why our own code: neither scipy nor QuSpin offers a structured (stencil) Dicke operator;
``tests/quantum/test_dicke_stencil.py`` checks it against :func:`dicke_hamiltonian`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeBasis, DickeParameters
from ssbattery.quantum.evolution.fused import compiled

__all__ = ["DickeStencil"]


def _stencil_product(
    starts: NDArray[np.int64],
    k0: NDArray[np.int64],
    diag_n: NDArray[np.float64],
    coup: NDArray[np.float64],
    jp2: NDArray[np.float64],
    jm2: NDArray[np.float64],
    dk2: NDArray[np.float64],
    v: NDArray[np.complex128],
    v_prev: NDArray[np.complex128],
    beta_prev: float,
    w: NDArray[np.complex128],
) -> float:
    """w = H v − β v_prev; returns α = Re⟨v|w⟩. ``jp2[k₀, p]`` is J₊ at k = k₀ + 2p.

    ``coup[L]`` = ωc g √n for the L-th layer (and one past the last); ``diag_n[L]`` = ωc n.
    Separate loops per neighbour, each over a contiguous range (no branches inside).
    """
    n_layers = k0.shape[0]
    alpha = 0.0
    for L in range(n_layers):
        a = starts[L]
        cnt = starts[L + 1] - a
        kk = k0[L]
        jp = jp2[kk]
        jm = jm2[kk]
        dk = dk2[kk]
        s_plus = 1 if kk == 1 else 0  # position shift of k + 1 in a neighbour layer
        s_minus = s_plus - 1  # of k − 1
        dn = diag_n[L]
        for p in range(cnt):
            w[a + p] = (dn + dk[p]) * v[a + p] - beta_prev * v_prev[a + p]
        for side in range(2):
            if side == 0:  # layer n + 1, amplitude ωc g √(n + 1)
                if L + 1 >= n_layers:
                    continue
                b = starts[L + 1]
                c = coup[L + 1]
                cnt2 = starts[L + 2] - b
            else:  # layer n − 1, amplitude ωc g √n
                if L == 0:
                    continue
                b = starts[L - 1]
                c = coup[L]
                cnt2 = starts[L] - b
            for p in range(min(cnt, cnt2 - s_plus)):
                w[a + p] += (c * jp[p]) * v[b + p + s_plus]
            for p in range(-s_minus, min(cnt, cnt2 - s_minus)):
                w[a + p] += (c * jm[p]) * v[b + p + s_minus]
        for p in range(cnt):
            x = v[a + p]
            y = w[a + p]
            alpha += x.real * y.real + x.imag * y.imag
    return alpha


_product = compiled(_stencil_product)


class DickeStencil:
    """Matrix-free H (eq. 9, Ω = 0) on a parity-sector Dicke basis (see the module docstring).

    Args:
        params: the model (its ``drive`` must be 0: Ω Jx breaks the parity sector).
        basis: a parity basis, photon-major, every photon layer from ``basis.lowest`` to
            ``basis.cutoff`` complete (as :func:`dicke_basis` and :func:`window_basis`).

    Example:
        >>> import numpy as np
        >>> from ssbattery.quantum.dicke import DickeParameters, dicke_basis, dicke_hamiltonian
        >>> p = DickeParameters(4, 0.3, photon_cutoff=12)
        >>> b = dicke_basis(p)
        >>> v = np.linspace(0.0, 1.0, b.size) + 0j
        >>> bool(np.allclose(DickeStencil(p, b).matvec(v), dicke_hamiltonian(p, b) @ v))
        True
    """

    def __init__(self, params: DickeParameters, basis: DickeBasis) -> None:
        if not basis.parity or not params.uses_parity:
            raise InvalidParameterError(
                "the Dicke stencil needs the parity sector (Ω = 0 and a parity basis); "
                "use the CSR `dicke_hamiltonian` otherwise."
            )
        N = params.n_atoms
        lo, hi = basis.lowest, basis.cutoff
        self.shape = (basis.size, basis.size)
        starts = np.searchsorted(basis.photons, np.arange(lo, hi + 2))
        if starts[-1] != basis.size or np.any(np.diff(starts) == 0):
            raise InvalidParameterError("`basis` must hold every photon layer it spans.")
        self._starts = starts.astype(np.int64)
        self._k0 = basis.k[starts[:-1]].astype(np.int64)
        j = N / 2.0
        m = np.arange(N + 1) - j
        jp = np.sqrt(np.maximum(j * (j + 1) - m * (m + 1), 0.0))
        jm = np.sqrt(np.maximum(j * (j + 1) - m * (m - 1), 0.0))
        dk = params.omega_a * m + (params.eta / N) * m * m
        width = N // 2 + 1

        def by_parity(x: NDArray[Any]) -> NDArray[np.float64]:
            out = np.zeros((2, width))
            for kk in (0, 1):
                vals = x[kk::2]
                out[kk, : vals.size] = vals
            return out

        self._jp2, self._jm2, self._dk2 = by_parity(jp), by_parity(jm), by_parity(dk)
        self._diag_n = params.omega_cav * np.arange(lo, hi + 1, dtype=np.float64)
        photons = np.arange(lo, hi + 2, dtype=np.float64)
        self._coup = params.omega_cav * params.coupling * np.sqrt(photons)

    def lanczos_product(
        self,
        v: NDArray[np.complex128],
        v_prev: NDArray[np.complex128],
        beta_prev: float,
        w: NDArray[np.complex128],
    ) -> float:
        """One fused Lanczos pass: w = H v − β v_prev in place, returns Re⟨v|w⟩."""
        return float(
            _product(
                self._starts,
                self._k0,
                self._diag_n,
                self._coup,
                self._jp2,
                self._jm2,
                self._dk2,
                v,
                v_prev,
                float(beta_prev),
                w,
            )
        )

    def matvec(self, v: NDArray[np.complex128]) -> NDArray[np.complex128]:
        """H v for a complex vector ``v`` (a new array)."""
        x = np.ascontiguousarray(v, dtype=np.complex128)
        w = np.empty_like(x)
        self.lanczos_product(x, x, 0.0, w)
        return w
