"""Chebyshev propagation on the Dicke stencil with temporal blocking over photon layers.

The Chebyshev expansion
e^{−iHτ}ψ = e^{−iaτ} Σ_k (2 − δ_k0)(−i)^k J_k(rτ) T_k(H̃)ψ with H̃ = (H − a)/r and the
spectrum of H in [a − r, a + r] (Gershgorin on the stencil, :func:`gershgorin_bounds`),
with the term counts and Bessel tables of the spin chain's multi-time Chebyshev
(:func:`~ssbattery.quantum.evolution.chebyshev.chebyshev_terms`), evaluated so that
each vector crosses main memory once per ``depth`` terms instead of once per term:

* **Real recurrences.** H is real, so T_k(H̃)ψ = T_k(H̃)X + i T_k(H̃)Y for ψ = X + iY; the
  two real recurrences are independent (one per thread with ``threads=2``, no
  synchronisation inside a block). With γ_jk = (2 − δ_k0) J_k(rτ_j)(−1)^⌊k/2⌋ (real),
  (−i)^k = γ-sign for even k and −i·γ-sign for odd k, so with E_j(Z) = Σ_{k even} γ_jk
  T_k Z and O_j(Z) = Σ_{k odd} γ_jk T_k Z the output is
  ψ(τ_j) = e^{−iaτ_j} [E_j(X) + O_j(Y) + i (E_j(Y) − O_j(X))].
* **Padded rows.** Each photon layer is one row of ``width`` = N//2 + 3 reals (a zero
  before and after its states, and a zero row below and above the window), so the
  stencil (:mod:`~ssbattery.quantum.dicke_stencil`: (n, k) couples to (n ± 1, k ± 1)) is
  one branch-free, vectorised loop per row: the neighbours that do not exist read zeros,
  and their coefficients J₊(N) = J₋(0) = 0 vanish anyway.
* **Wavefront.** T_{k+1} = 2H̃T_k − T_{k−1} overwrites T_{k−1} in place (two buffers), and
  row L of level k needs rows L − 1 … L + 1 of level k − 1 only. Level k runs one row
  behind level k − 1: at step s the levels k₀ … k₀ + depth − 1 work on rows s, s − 1, …,
  so a band of ``depth`` rows (two buffers and the live outputs' rows) stays in cache
  while ``depth`` terms pass over it, and each new row of T_k is added into the block's
  outputs there (E_j or O_j, for the outputs still short of their own term count).
  Main memory sees the two buffers and the live outputs once per ``depth`` terms.

Why our own code: no library applies a structured (stencil) operator with temporal
blocking, and scipy's, QuSpin's and our own CSR Chebyshev cross main memory per term.
``tests/quantum/test_dicke_wavefront.py`` checks it against dense e^{−iHt} and the
Lanczos window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.evolution.fused import compiled, numba_threads, prange

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssbattery.quantum.dicke import DickeBasis, DickeParameters

__all__ = [
    "DEFAULT_DEPTH",
    "GROUP",
    "WavefrontChebyshev",
    "engine_bytes",
    "gershgorin_bounds",
    "propagate_wavefront",
]

#: Terms per pass over memory (the band of rows kept in cache), unless given.
DEFAULT_DEPTH = 32


def gershgorin_bounds(params: DickeParameters, basis: DickeBasis) -> tuple[float, float]:
    """Bounds on the spectrum of H (eq. 9, Ω = 0; energy units of ωa) on ``basis``:
    Gershgorin discs, the diagonal ωc n + ωa m + (η/N) m² ± ωc g (√n + √(n+1)) (J₊ + J₋),
    every neighbour counted (a safe widening at the window's edges)."""
    N = params.n_atoms
    j = N / 2.0
    m = basis.k.astype(np.float64) - j
    n = basis.photons.astype(np.float64)
    jp = np.sqrt(np.maximum(j * (j + 1) - m * (m + 1), 0.0))
    jm = np.sqrt(np.maximum(j * (j + 1) - m * (m - 1), 0.0))
    diag = params.omega_cav * n + params.omega_a * m + (params.eta / N) * m * m
    radius = params.omega_cav * params.coupling * (np.sqrt(n) + np.sqrt(n + 1.0)) * (jp + jm)
    return float(np.min(diag - radius)), float(np.max(diag + radius))


def _row_level(
    ring: NDArray[np.float64],
    src: int,
    prev: int,
    dst: int,
    L: int,
    cnt: int,
    kk: int,
    dn: float,
    cu: float,
    cd: float,
    jp2: NDArray[np.float64],
    jm2: NDArray[np.float64],
    dk2: NDArray[np.float64],
    first: bool,
) -> None:
    """Row L of the next level into slot ``dst``: F·slot ``src`` − slot ``prev``
    (``first``: F·src / 2), with F = 2H̃ on that row: diagonal ``dn`` + ``dk2[kk, q]``,
    couplings ``cu`` (to the layer above, ring row L + 2) and ``cd`` (below, row L) times
    J₊/J₋ (``jp2[kk]``, ``jm2[kk]``). Element q of the row sits at column q + 1 (column 0
    and the columns past the states are zeros); k + 1 and k − 1 sit at columns
    q + 1 + kk and q + kk of the neighbour rows. Every index is visibly ≥ 0 to numba (no
    wraparound check, which stops LLVM's vectoriser), and no array views are made (each
    costs an atomic reference count)."""
    if first:
        cu, cd = 0.5 * cu, 0.5 * cd
        for q in range(cnt):
            x = 0.5 * (dn + dk2[kk, q]) * ring[src, L + 1, q + 1]
            if kk == 1:
                x += cu * (
                    jp2[kk, q] * ring[src, L + 2, q + 2] + jm2[kk, q] * ring[src, L + 2, q + 1]
                )
                x += cd * (jp2[kk, q] * ring[src, L, q + 2] + jm2[kk, q] * ring[src, L, q + 1])
            else:
                x += cu * (jp2[kk, q] * ring[src, L + 2, q + 1] + jm2[kk, q] * ring[src, L + 2, q])
                x += cd * (jp2[kk, q] * ring[src, L, q + 1] + jm2[kk, q] * ring[src, L, q])
            ring[dst, L + 1, q + 1] = x
    elif kk == 1:
        for q in range(cnt):
            ring[dst, L + 1, q + 1] = (
                (dn + dk2[1, q]) * ring[src, L + 1, q + 1]
                + cu * (jp2[1, q] * ring[src, L + 2, q + 2] + jm2[1, q] * ring[src, L + 2, q + 1])
                + cd * (jp2[1, q] * ring[src, L, q + 2] + jm2[1, q] * ring[src, L, q + 1])
                - ring[prev, L + 1, q + 1]
            )
    else:
        for q in range(cnt):
            ring[dst, L + 1, q + 1] = (
                (dn + dk2[0, q]) * ring[src, L + 1, q + 1]
                + cu * (jp2[0, q] * ring[src, L + 2, q + 1] + jm2[0, q] * ring[src, L + 2, q])
                + cd * (jp2[0, q] * ring[src, L, q + 1] + jm2[0, q] * ring[src, L, q])
                - ring[prev, L + 1, q + 1]
            )


_row = compiled(_row_level, fastmath=True, inline=True)

#: Chebyshev levels added into the outputs at once (the ring of level rows per part).
GROUP = 8


def _add_group(
    ring: NDArray[np.float64], L: int, cnt: int, gamma: NDArray[np.float64], j: int,
    ka: int, out: NDArray[np.float64], init: bool,
) -> None:  # fmt: skip
    """Row L of the ring's :data:`GROUP` levels ka … ka + 7 (slots 0 … 7, ka even) into
    output j: E_j (+)= Σ_even γ T, O_j (+)= Σ_odd γ T (``out[j, 0]``, ``out[j, 1]``), each
    output element read and written once per group (``init``: written, the first group)."""
    g0, g1, g2, g3 = gamma[j, ka], gamma[j, ka + 1], gamma[j, ka + 2], gamma[j, ka + 3]
    g4, g5, g6, g7 = gamma[j, ka + 4], gamma[j, ka + 5], gamma[j, ka + 6], gamma[j, ka + 7]
    r = L + 1
    # E and O in separate loops of four inputs each (vectorised; see _neighbours)
    if init:
        for q in range(1, cnt + 1):
            out[j, 0, L, q] = (
                g0 * ring[0, r, q] + g2 * ring[2, r, q] + g4 * ring[4, r, q] + g6 * ring[6, r, q]
            )
        for q in range(1, cnt + 1):
            out[j, 1, L, q] = (
                g1 * ring[1, r, q] + g3 * ring[3, r, q] + g5 * ring[5, r, q] + g7 * ring[7, r, q]
            )
    else:
        for q in range(1, cnt + 1):
            out[j, 0, L, q] += (
                g0 * ring[0, r, q] + g2 * ring[2, r, q] + g4 * ring[4, r, q] + g6 * ring[6, r, q]
            )
        for q in range(1, cnt + 1):
            out[j, 1, L, q] += (
                g1 * ring[1, r, q] + g3 * ring[3, r, q] + g5 * ring[5, r, q] + g7 * ring[7, r, q]
            )


_add = compiled(_add_group, fastmath=True, inline=True)


def _part_block(
    ring: NDArray[np.float64],
    out: NDArray[np.float64],
    n_terms: int,
    depth: int,
    first_live: NDArray[np.int64],
    gamma: NDArray[np.float64],
    cnt2: NDArray[np.int64],
    k0: NDArray[np.int64],
    dn: NDArray[np.float64],
    cu: NDArray[np.float64],
    jp2: NDArray[np.float64],
    jm2: NDArray[np.float64],
    dk2: NDArray[np.float64],
) -> None:
    """One real recurrence of a block: ``ring[0]`` holds T_0 Z on entry (the other
    slots finite values), ``out[j, 0]`` / ``out[j, 1]`` receive E_j(Z) / O_j(Z) (module
    docstring), ``n_terms`` levels in passes of ``depth`` (a multiple of :data:`GROUP`).
    Level k lives in slot k mod GROUP; when a row's last level of a group is done, the
    group's rows are added into the outputs ``j ≥ first_live[k]`` (``gamma`` is zero
    past each output's own term count and past ``n_terms``). ``cu[L]`` is the coupling
    of row L to row L − 1, scaled to F = 2H̃."""
    n_rows = k0.shape[0]
    M = gamma.shape[0]  # the outputs in use (``out`` may hold more)
    for k_lo in range(0, n_terms, depth):
        span = min(depth, n_terms - k_lo)
        for s in range(n_rows + span - 1):
            for d in range(max(0, s - n_rows + 1), min(span, s + 1)):
                L = s - d
                k = k_lo + d
                kk = k0[L]
                cnt = cnt2[kk]
                if k >= 1:
                    _row(
                        ring, (k - 1) % GROUP, (k - 2) % GROUP, k % GROUP, L, cnt, kk, dn[L],
                        cu[L + 1], cu[L], jp2, jm2, dk2, k == 1,
                    )  # fmt: skip
                if k % GROUP == GROUP - 1 or k == n_terms - 1:
                    ka = k - k % GROUP
                    for j in range(first_live[ka], M):
                        _add(ring, L, cnt, gamma, j, ka, out, ka == 0)


def _block_kernel(
    ring: NDArray[np.float64],
    out: NDArray[np.float64],
    n_terms: int,
    depth: int,
    first_live: NDArray[np.int64],
    gamma: NDArray[np.float64],
    cnt2: NDArray[np.int64],
    k0: NDArray[np.int64],
    dn: NDArray[np.float64],
    cu: NDArray[np.float64],
    jp2: NDArray[np.float64],
    jm2: NDArray[np.float64],
    dk2: NDArray[np.float64],
) -> None:
    """The real (part 0) and imaginary (part 1) recurrences of a block, one per thread
    in the parallel build."""
    for part in prange(2):
        _part(
            ring[part], out[part], n_terms, depth, first_live, gamma, cnt2, k0, dn, cu,
            jp2, jm2, dk2,
        )  # fmt: skip


_part = compiled(_part_block, fastmath=True, inline=True)
_block_serial = compiled(_block_kernel, fastmath=True)
_block_parallel = compiled(_block_kernel, fastmath=True, parallel=True)


def _load(psi: NDArray[np.complex128], starts: NDArray[np.int64], buf: NDArray[np.float64]) -> None:
    """ring[part, 0, L + 1, 1 + p] = Re/Im ψ[starts[L] + p] (T_0 of both recurrences)."""
    for L in range(starts.shape[0] - 1):
        a = starts[L]
        for p in range(starts[L + 1] - a):
            x = psi[a + p]
            buf[0, 0, L + 1, 1 + p] = x.real
            buf[1, 0, L + 1, 1 + p] = x.imag


def _store(
    out: NDArray[np.float64], j: int, phase: complex, starts: NDArray[np.int64],
    psi: NDArray[np.complex128],
) -> None:  # fmt: skip
    """ψ[starts[L] + p] = phase · [E(X) + O(Y) + i (E(Y) − O(X))] at row L, column 1 + p."""
    for L in range(starts.shape[0] - 1):
        a = starts[L]
        ex = out[0, j, 0, L]
        ox = out[0, j, 1, L]
        ey = out[1, j, 0, L]
        oy = out[1, j, 1, L]
        for p in range(starts[L + 1] - a):
            psi[a + p] = phase * complex(ex[1 + p] + oy[1 + p], ey[1 + p] - ox[1 + p])


_load_kernel = compiled(_load, fastmath=True)
_store_kernel = compiled(_store, fastmath=True)


class WavefrontChebyshev:
    """e^{−iHτ}ψ for blocks of output times on a parity-sector Dicke window (Ω = 0).

    Args:
        params: the model (``drive`` 0).
        basis: a photon-major parity basis holding every photon layer it spans
            (:func:`~ssbattery.quantum.dicke_window.window_basis`).
        bounds: an interval [a − r, a + r] holding H's spectrum (energy units of ωa), e.g.
            :func:`gershgorin_bounds`.
        depth: Chebyshev terms per pass over memory (the band of rows held in cache).
        threads: 1 (serial) or 2 (the real and imaginary recurrences on two threads).

    Example:
        >>> import numpy as np, scipy.linalg as sl
        >>> from ssbattery.quantum.dicke import DickeParameters, dicke_basis, dicke_hamiltonian
        >>> p = DickeParameters(4, 0.3, photon_cutoff=20)
        >>> b = dicke_basis(p)
        >>> psi = np.zeros(b.size, complex); psi[0] = 1.0
        >>> w = WavefrontChebyshev(p, b, gershgorin_bounds(p, b))
        >>> outs, _ = w.block(psi, np.array([0.5, 1.0]), 1e-13)
        >>> ref = sl.expm(-1j * dicke_hamiltonian(p, b).toarray()) @ psi
        >>> bool(np.abs(outs[1] - ref).max() < 1e-11)
        True
    """

    def __init__(
        self, params: DickeParameters, basis: DickeBasis, bounds: tuple[float, float],
        *, depth: int = DEFAULT_DEPTH, threads: int = 1,
    ) -> None:  # fmt: skip
        if not basis.parity or not params.uses_parity:
            raise InvalidParameterError("the wavefront Chebyshev needs the parity sector (Ω = 0).")
        if isinstance(depth, bool) or int(depth) != depth or depth < 1:
            raise InvalidParameterError(f"`depth` must be an integer ≥ 1, got {depth!r}.")
        if threads not in (1, 2):
            raise InvalidParameterError(f"`threads` must be 1 or 2, got {threads!r}.")
        self.depth, self.threads = -(-int(depth) // GROUP) * GROUP, int(threads)
        N = params.n_atoms
        lo, hi = basis.lowest, basis.cutoff
        starts = np.searchsorted(basis.photons, np.arange(lo, hi + 2))
        if starts[-1] != basis.size or np.any(np.diff(starts) == 0):
            raise InvalidParameterError("`basis` must hold every photon layer it spans.")
        self.size = int(basis.size)
        self._starts = starts.astype(np.int64)
        self._k0 = basis.k[starts[:-1]].astype(np.int64)
        self.width = N // 2 + 3
        self._cnt2 = np.array([N // 2 + 1, (N + 1) // 2], dtype=np.int64)
        a = 0.5 * (bounds[0] + bounds[1])
        r = 0.5 * (bounds[1] - bounds[0]) * (1.0 + 1e-12) + 1e-300
        self.center, self.radius = a, r
        f = 2.0 / r  # F = 2H̃ = (2/r)(H − a)
        j = N / 2.0
        m = np.arange(N + 1) - j
        jp = np.sqrt(np.maximum(j * (j + 1) - m * (m + 1), 0.0))
        jm = np.sqrt(np.maximum(j * (j + 1) - m * (m - 1), 0.0))
        dk = f * (params.omega_a * m + (params.eta / N) * m * m)
        self._jp2, self._jm2, self._dk2 = (np.zeros((2, self.width)) for _ in range(3))
        for kk in (0, 1):
            for tab, vals in ((self._jp2, jp), (self._jm2, jm), (self._dk2, dk)):
                tab[kk, : vals[kk::2].size] = vals[kk::2]
        n = np.arange(lo, hi + 1, dtype=np.float64)
        self._dn = f * (params.omega_cav * n - a)
        # cu[L] = F's coupling between rows L − 1 and L (ωc g √n of row L); 0 past the ends
        cu = f * params.omega_cav * params.coupling * np.sqrt(np.arange(lo, hi + 2.0))
        cu[-1] = 0.0
        self._cu = cu
        self._buf = np.zeros((2, GROUP, n.size + 2, self.width))
        # the block's outputs, kept between blocks (fresh pages cost a fault each)
        self._out = np.empty((2, 0, 2, n.size, self.width))
        self._states = np.empty((0, self.size), dtype=np.complex128)

    def block(
        self, psi: NDArray[np.complex128], taus: NDArray[np.float64], tol: float
    ) -> tuple[NDArray[np.complex128], int]:
        """ψ(τ_j) = e^{−iHτ_j}ψ for ascending ``taus`` ≥ 0 (rows of the result, valid until
        the next call: the engine reuses them), each with its expansion's tail ≤ ``tol``;
        also returns the products with H (levels − 1)."""
        from ssbattery.quantum.evolution.chebyshev import bessel_table, chebyshev_terms

        taus = np.asarray(taus, dtype=np.float64)
        r = self.radius
        counts = np.array([max(2, chebyshev_terms(r * float(x), tol)) for x in taus])
        K = int(counts.max())
        padded = -(-K // GROUP) * GROUP
        gamma = np.zeros((taus.size, padded))
        gamma[:, :K] = 2.0 * bessel_table(r * taus, K)
        gamma[:, 0] *= 0.5
        gamma *= np.where((np.arange(padded) // 2) % 2 == 0, 1.0, -1.0)[None, :]
        gamma[np.arange(padded)[None, :] >= counts[:, None]] = 0.0  # each output's own count
        first_live = np.searchsorted(counts, np.arange(padded), side="right").astype(np.int64)
        M = taus.size
        if self._out.shape[1] < M:
            self._out = np.empty((2, M, 2, self._k0.size, self.width))
            self._states = np.empty((M, self.size), dtype=np.complex128)
        out, states = self._out, self._states[:M]  # rows past M: unused
        _load_kernel(np.ascontiguousarray(psi, dtype=np.complex128), self._starts, self._buf)
        kernel = _block_parallel if self.threads == 2 else _block_serial
        args = (
            self._buf, out, K, self.depth, first_live, np.ascontiguousarray(gamma),
            self._cnt2, self._k0, self._dn, self._cu, self._jp2, self._jm2, self._dk2,
        )  # fmt: skip
        if self.threads == 2:
            with numba_threads(2):
                kernel(*args)
        else:
            kernel(*args)
        for jj in range(M):
            _store_kernel(out, jj, complex(np.exp(-1j * self.center * taus[jj])), self._starts,
                          states[jj])  # fmt: skip
        return states, K - 1


def engine_bytes(n_atoms: int, layers: int, block: int) -> dict[str, float]:
    """Bytes of the arrays a :class:`WavefrontChebyshev` on ``layers`` photon layers of the
    parity sector holds once it has run blocks of ``block`` output times (its tables of
    O(N + layers) floats aside), by name: "rows" (the 2 × :data:`GROUP` padded level rows of
    both recurrences, (layers + 2) × width reals each), "outputs" (the block's even and odd
    sums of both parts, 2 × block × 2 rows of layers × width reals) and "states" (the block's
    complex kets, block × states). width = N//2 + 3; states = ⌈layers·(N + 1)/2⌉, the
    parity sector's share of the layers (exact for an even number of layers or N). What
    :func:`~ssbattery.sweep.models.quantum.window_memory_estimate` adds up for a window run.
    """
    width = n_atoms // 2 + 3
    states = -(-layers * (n_atoms + 1) // 2)
    return {
        "rows": 8.0 * 2 * GROUP * (layers + 2) * width,
        "outputs": 8.0 * 2 * block * 2 * layers * width,
        "states": 16.0 * block * states,
    }


def propagate_wavefront(
    engine: WavefrontChebyshev, psi0: NDArray[np.complex128], times: NDArray[np.float64],
    observer: Callable[[NDArray[np.complex128], int], Any], *, tol: float, block: int = 8,
) -> tuple[NDArray[np.complex128], int]:  # fmt: skip
    """Evolve ``psi0`` over ``times`` (from 0, ascending) by blocks of ``block`` output
    times, each expanded from the state at the previous block's last time with its tail
    ≤ ``tol`` · (its span / the whole span); ``observer(state, k)`` gets every output
    state. Returns the final state and the products with H."""
    t = np.asarray(times, dtype=np.float64)
    psi = np.ascontiguousarray(psi0, dtype=np.complex128)
    span = max(float(t[-1]), 1e-300)
    start, products = 0.0, 0
    for b0 in range(0, t.size, int(block)):
        taus = t[b0 : b0 + int(block)] - start
        outs, done = engine.block(psi, taus, tol * max(float(taus[-1]), 1e-3 * span) / span)
        products += done
        for j in range(taus.size):
            observer(outs[j], b0 + j)
        psi = outs[-1].copy()
        start = float(t[b0 + taus.size - 1])
    return psi, products
