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
from ssbattery.quantum.evolution.fused import compiled, numba_threads, prange

__all__ = ["THREADED_MIN_STATES", "DickeStencil"]

#: Bases smaller than this many states take the serial product whatever ``threads`` is.
THREADED_MIN_STATES = 20_000


def _edge_element(
    i: int,
    p: int,
    diag: float,
    v: NDArray[np.complex128],
    v_prev: NDArray[np.complex128],
    beta_prev: float,
    w: NDArray[np.complex128],
    b_up: int,
    cnt_up: int,
    c_up: float,
    b_down: int,
    cnt_down: int,
    c_down: float,
    jp: float,
    jm: float,
    s_plus: int,
) -> tuple[float, float]:
    """w[i] = (H v − β v_prev)[i] for the element p of its layer, every neighbour checked
    against its layer's bounds; returns Re(conj(v[i]) w[i]) and |w[i]|². The layer above
    (below) starts at ``b_up`` (``b_down``) and holds ``cnt_up`` (``cnt_down``, 0 if
    absent) states; ``c_up``, ``c_down`` are ωc g √n of the two couplings, ``jp``, ``jm``
    J₊ and J₋ at this element, ``s_plus`` the position shift of k + 1 in a neighbour."""
    x = diag * v[i] - beta_prev * v_prev[i]
    q = p + s_plus  # k + 1 in the neighbour layers
    if q < cnt_up:
        x += (c_up * jp) * v[b_up + q]
    if q < cnt_down:
        x += (c_down * jp) * v[b_down + q]
    q -= 1  # k − 1
    if 0 <= q < cnt_up:
        x += (c_up * jm) * v[b_up + q]
    if 0 <= q < cnt_down:
        x += (c_down * jm) * v[b_down + q]
    w[i] = x
    return v[i].real * x.real + v[i].imag * x.imag, x.real * x.real + x.imag * x.imag


_edge = compiled(_edge_element, fastmath=True)


def _interior(
    dn: float,
    c_up: float,
    c_down: float,
    beta_prev: float,
    jp: NDArray[np.float64],
    jm: NDArray[np.float64],
    dk: NDArray[np.float64],
    c: NDArray[np.complex128],
    c_prev: NDArray[np.complex128],
    up_plus: NDArray[np.complex128],
    up_minus: NDArray[np.complex128],
    below_plus: NDArray[np.complex128],
    below_minus: NDArray[np.complex128],
    out: NDArray[np.complex128],
) -> tuple[float, float]:
    """The interior of one photon layer (every neighbour present), from slices that all
    start at its first interior element: ``out`` = H v − β v_prev there, with ``c`` the
    layer, ``up_plus``/``up_minus`` the layer n + 1 at k + 1 and k − 1, ``below_…`` the
    layer n − 1, ``jp``, ``jm``, ``dk`` the J₊, J₋ and spin-diagonal terms; returns its
    Re⟨v|w⟩ and ‖w‖² parts.

    Every access is at the loop index from 0, so LLVM vectorises the loop (AVX-512 here):
    with offsets (i + u, or q − 1, whose negative-index wraparound numba must check) it
    did not, and the product ran 2–2.6× slower (RESULTS_dicke_window.md §2d).
    """
    part = 0.0
    part2 = 0.0
    for q in range(out.shape[0]):
        jpq = jp[q]
        jmq = jm[q]
        x = (
            (dn + dk[q]) * c[q]
            - beta_prev * c_prev[q]
            + (c_up * jpq) * up_plus[q]
            + (c_up * jmq) * up_minus[q]
            + (c_down * jpq) * below_plus[q]
            + (c_down * jmq) * below_minus[q]
        )
        out[q] = x
        part += c[q].real * x.real + c[q].imag * x.imag
        part2 += x.real * x.real + x.imag * x.imag
    return part, part2


_inner = compiled(_interior, fastmath=True)


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
) -> tuple[float, float]:
    """w = H v − β v_prev; returns α = Re⟨v|w⟩ and ‖w‖². ``jp2[k₀, p]`` is J₊ at k = k₀ + 2p.

    ``coup[L]`` = ωc g √n for the L-th layer (and one past the last); ``diag_n[L]`` = ωc n.
    Per layer, the elements whose four neighbours all exist (every one but the first and
    the last one or two) go through :func:`_interior` (vectorised), the rest through
    :func:`_edge_element`. The layers are independent (each writes only its own part of
    w): the threaded build splits them over numba's threads (``prange``), the serial one
    runs them in order.
    """
    n_layers = k0.shape[0]
    alpha = 0.0
    norm2 = 0.0
    for L in prange(n_layers):
        a = starts[L]
        cnt = starts[L + 1] - a
        kk = k0[L]
        jp = jp2[kk]
        jm = jm2[kk]
        dk = dk2[kk]
        s_plus = 1 if kk == 1 else 0  # position shift of k + 1 in a neighbour layer
        dn = diag_n[L]
        b_up = starts[L + 1] if L + 1 < n_layers else a
        b_down = starts[L - 1] if L > 0 else a
        cnt_up = starts[L + 2] - b_up if L + 1 < n_layers else 0
        cnt_down = starts[L] - b_down if L > 0 else 0
        c_up = coup[L + 1]  # layer n + 1, amplitude ωc g √(n + 1)
        c_down = coup[L]  # layer n − 1, amplitude ωc g √n
        # interior: p ≥ 1 (k − 1 exists) and p + 1 < both neighbour counts (k + 1 exists)
        lo = 1
        hi = min(cnt, cnt_up - 1, cnt_down - 1)
        if hi < lo:
            lo = cnt
            hi = cnt
        part = 0.0
        part2 = 0.0
        p = 0
        while p < cnt:  # the edge elements: [0, lo) and [hi, cnt)
            if p == lo and hi > lo:
                p = hi
                continue
            da, dw = _edge(
                a + p, p, dn + dk[p], v, v_prev, beta_prev, w,
                b_up, cnt_up, c_up, b_down, cnt_down, c_down, jp[p], jm[p], s_plus,
            )  # fmt: skip
            part += da
            part2 += dw
            p += 1
        bu = b_up + s_plus  # position of k + 1 in the layer above (and below)
        bd = b_down + s_plus
        da, dw = _inner(
            dn, c_up, c_down, beta_prev, jp[lo:hi], jm[lo:hi], dk[lo:hi],
            v[a + lo : a + hi], v_prev[a + lo : a + hi],
            v[bu + lo : bu + hi], v[bu + lo - 1 : bu + hi - 1],
            v[bd + lo : bd + hi], v[bd + lo - 1 : bd + hi - 1],
            w[a + lo : a + hi],
        )  # fmt: skip
        alpha += part + da
        norm2 += part2 + dw
    return alpha, norm2


_product = compiled(_stencil_product, fastmath=True)
_product_threaded = compiled(_stencil_product, fastmath=True, parallel=True)


class DickeStencil:
    """Matrix-free H (eq. 9, Ω = 0) on a parity-sector Dicke basis (see the module docstring).

    Args:
        params: the model (its ``drive`` must be 0: Ω Jx breaks the parity sector).
        basis: a parity basis, photon-major, every photon layer from ``basis.lowest`` to
            ``basis.cutoff`` complete (as :func:`dicke_basis` and :func:`window_basis`).
        threads: numba threads of the products (None: numba's setting, by default every
            core; 1: the serial kernel). Bases under :data:`THREADED_MIN_STATES` states
            always run serially (a parallel region costs more than it saves there).

    Example:
        >>> import numpy as np
        >>> from ssbattery.quantum.dicke import DickeParameters, dicke_basis, dicke_hamiltonian
        >>> p = DickeParameters(4, 0.3, photon_cutoff=12)
        >>> b = dicke_basis(p)
        >>> v = np.linspace(0.0, 1.0, b.size) + 0j
        >>> bool(np.allclose(DickeStencil(p, b).matvec(v), dicke_hamiltonian(p, b) @ v))
        True
    """

    def __init__(
        self, params: DickeParameters, basis: DickeBasis, *, threads: int | None = None
    ) -> None:
        if threads is not None and (
            isinstance(threads, bool) or int(threads) != threads or threads < 1
        ):
            raise InvalidParameterError(
                f"`threads` must be an integer ≥ 1 or None, got {threads!r}."
            )
        self.threads = None if threads is None else int(threads)
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
    ) -> tuple[float, float]:
        """One fused Lanczos pass: w = H v − β v_prev in place; returns Re⟨v|w⟩ and ‖w‖²."""
        if self.threads == 1 or self.shape[0] < THREADED_MIN_STATES:
            kernel = _product
        else:
            kernel = _product_threaded
        with numba_threads(self.threads):
            alpha, norm2 = kernel(
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
        return float(alpha), float(norm2)

    def matvec(self, v: NDArray[np.complex128]) -> NDArray[np.complex128]:
        """H v for a complex vector ``v`` (a new array)."""
        x = np.ascontiguousarray(v, dtype=np.complex128)
        w = np.empty_like(x)
        self.lanczos_product(x, x, 0.0, w)
        return w
