"""Dicke charging in a moving photon-number window: the cutoff chosen by error control.

The review's rule keeps every Fock state up to a fixed cutoff Nph = 4N (§2.3.3). Measured
against much larger cutoffs (``benchmarks/RESULTS_dicke.md``), that rule is far from
converged late in the default grid t ≤ π/(g√N) at g = 0.2: the photon distribution spreads
ballistically from n = N and reaches 4N with populations of 1e-4, and E(t) there is off by
2.8e-4 (N = 64) and 5.5e-5 (N = 128), although Pmax, reached early, is exact to 1e-16.

Here the kept photon numbers form a window [n_lo, n_hi] that follows the state:

* the window starts around n = N (the initial |N⟩ ⊗ |j, −j⟩) and is widened ahead of the
  occupied front (the outermost layers whose population exceeds ``tol · front_ratio``),
  by a pad of twice the distance the front moved in the previous segment; layers far
  behind the front are dropped and their norm is added to the error bound;
* the run is cut into segments of ``segment`` output times, each propagated with the
  engine's Lanczos method (in the parity sector with the matrix-free
  :class:`~ssbattery.quantum.dicke_stencil.DickeStencil` alone, through
  :func:`~ssbattery.quantum.evolution.lanczos.propagate_matrix_free`: no matrix is built
  at a window move; otherwise an :class:`~ssbattery.quantum.evolution.Evolver` on the
  CSR H per window; or, with ``propagator="wavefront"``, by Chebyshev blocks on the
  stencil blocked over photon layers, :mod:`~ssbattery.quantum.dicke_wavefront`,
  ``benchmarks/RESULTS_dicke_window.md`` §2f–2g, the default: the faster at every N
  measured, see ``propagator``); a segment whose
  edge population (the two outermost layers on either open side) exceeds ``tol`` at any
  output time is rejected, the window widened and the segment redone;
* what is controlled is therefore the top-Fock-layer criterion of the fixed-cutoff runs:
  the largest population of the two edge layers over the run, ``max_edge_population``
  ≤ ``tol``. Measured against a 24N reference (N = 16, 24; g = 0.2, 0.3; ``tol`` = 1e-3 …
  1e-7; pads 2–12), the relative error of E(t) (to Emax) was at most 40× that population
  and usually below it; with the default pad it was below 1e-9 for ``tol`` = 1e-3. The
  default ``tol`` = 1e-10 thus leaves a wide margin for 1e-8 on E(t) and P(t);
* a rigorous but pessimistic bound is reported as well: by Duhamel's formula the state
  error from truncation is at most ∫₀ᵗ ‖(1 − P) H ψ(s)‖ ds (P the window projector), where
  only the edge layers leak: ‖(1 − P)Hψ‖² = (ωc g)² [(n_hi + 1)‖(J₊ + J₋)ψ_{n_hi}‖²
  + n_lo ‖(J₊ + J₋)ψ_{n_lo}‖²]; plus the norm of dropped layers. ``truncation_norm_bound``
  is that integral (trapezoidal rule on the output grid) at t_max, and
  |δE(t)| ≤ 2 ωa j · ‖δψ(t)‖ (E = ωa(Jz + j), ‖Jz‖ = j) turns it into an energy bound.

Long runs checkpoint and resume (``checkpoint=``, ``stop_after_s=``): after every accepted
segment the window, the state and the caller's records are written atomically to one
``.npz`` file; a call given a checkpoint of the same run (model, grid, window options and
the caller's ``tag``) goes on from it, one of another run is refused.

Why our own code: neither QuTiP nor QuSpin adapts a truncated Fock space during a run.
Each window change rebuilds the stencil's coefficients (or, without numba, the sparse H).
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError, RunPaused
from ssbattery.quantum.dicke import DickeBasis, DickeParameters, dicke_hamiltonian
from ssbattery.results import Printed
from ssbattery.validation import check_memory, require_positive

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssbattery.quantum.evolution import Lanczos

    #: one segment's propagation: (ψ, times from the segment's start, observer, method)
    #: → (final ψ, products with H)
    _Segment = Callable[
        [NDArray[np.complex128], NDArray[np.float64], Any, Lanczos],
        tuple[NDArray[np.complex128], int],
    ]

__all__ = [
    "PROPAGATORS",
    "PhotonWindow",
    "WindowRun",
    "check_window_memory",
    "propagate_in_window",
    "window_basis",
]

#: The window's propagators (``PhotonWindow(propagator=…)``, ``ssbattery dicke --propagator``).
PROPAGATORS = ("wavefront", "lanczos")


@dataclass(frozen=True)
class PhotonWindow:
    """Options of the moving photon window (see the module docstring).

    Args:
        tol: bound on the population of the two outermost photon layers at every output
            time (the error-control criterion; ≈ the relative error of E(t)).
        krylov_tol: state error of the propagation (wavefront or Lanczos) over the whole
            run.
        segment: output times propagated between two window checks.
        pad: fewest photon layers kept beyond the occupied front on each open side.
        front_ratio: a layer counts as occupied above ``tol · front_ratio``.
        krylov_dim: Lanczos vectors per step.
        threads: threads the run may use (None: every core). Lanczos products stay on
            one (they are bound by memory traffic: two threads were slower, N = 256
            without the ergotropy 7.2 s against 6.5 s, benchmarks/RESULTS_dicke_window.md
            §2d), the wavefront's recurrences take two from 2 on; from 2 on,
            :func:`~ssbattery.quantum.dicke.charge_dicke` computes the
            ergotropy on a second thread beside them. BLAS runs one thread per caller.
        propagator: ``"wavefront"`` (the default;
            :mod:`~ssbattery.quantum.dicke_wavefront`: the Chebyshev expansion blocked
            over photon layers, ``depth`` terms per pass over memory; its real and
            imaginary parts on two threads when ``threads`` ≥ 2; in the parity sector
            with numba only, otherwise Lanczos) or ``"lanczos"`` (Krylov steps of
            ``krylov_dim`` vectors on the stencil), each held to ``krylov_tol``. The
            wavefront is the default because it was as fast or faster at every N timed
            (one thread, 400 times, E(t) to 1e-8; ``benchmarks/RESULTS_dicke_window.md``
            §2g): N = 32 0.59 s against 0.61 s, N = 64 0.71–0.88 s against 0.92–1.01 s,
            N = 128 1.85–1.89 s against 2.28–2.45 s, N = 256 5.2 s against 8.3 s, and
            N = 1024 with the ergotropy 112 s against 204 s (§2f). ``"chebyshev"``, the
            per-term expansion it replaced, is a deprecated alias of ``"wavefront"`` (it
            warns; goes in ssbattery 0.3).
        block: output times per Chebyshev expansion.
        depth: Chebyshev terms per pass over memory (``"wavefront"``; rounded up to a
            multiple of 8).
    """

    tol: float = 1e-10
    krylov_tol: float = 1e-10
    segment: int = 25
    pad: int = 12
    front_ratio: float = 1e-4
    krylov_dim: int = 64
    threads: int | None = 1
    propagator: str = "wavefront"
    block: int = 4
    depth: int = 32

    def __post_init__(self) -> None:
        if self.propagator == "chebyshev":
            from ssbattery._deprecation import warn_renamed

            warn_renamed('PhotonWindow(propagator="chebyshev")', 'propagator="wavefront"')
            object.__setattr__(self, "propagator", "wavefront")
        if self.propagator not in PROPAGATORS:
            raise InvalidParameterError(
                f"`propagator` must be 'wavefront' or 'lanczos', got {self.propagator!r}."
            )
        if isinstance(self.depth, bool) or int(self.depth) != self.depth or self.depth < 1:
            raise InvalidParameterError(f"`depth` must be an integer ≥ 1, got {self.depth!r}.")
        if isinstance(self.block, bool) or int(self.block) != self.block or self.block < 1:
            raise InvalidParameterError(f"`block` must be an integer ≥ 1, got {self.block!r}.")
        t = self.threads
        if t is not None and (isinstance(t, bool) or int(t) != t or int(t) < 1):
            raise InvalidParameterError(f"`threads` must be an integer ≥ 1 or None, got {t!r}.")
        require_positive("tol", self.tol)
        require_positive("krylov_tol", self.krylov_tol)
        require_positive("front_ratio", self.front_ratio)
        for name in ("segment", "pad", "krylov_dim"):
            value = getattr(self, name)
            if isinstance(value, bool) or int(value) != value or int(value) < 2:
                raise InvalidParameterError(f"`{name}` must be an integer ≥ 2, got {value!r}.")


@dataclass(frozen=True)
class WindowRun(Printed):
    """What the moving window did.

    Attributes:
        cutoff: the highest photon number ever kept (the cutoff the run needed).
        lowest: the lowest photon number kept at the end.
        max_dimension: largest number of basis states evolved at once.
        max_edge_population: largest population of the two edge layers (≤ ``tol``).
        truncation_norm_bound: Duhamel bound on the truncation error of ψ at t_max.
        norm_bound_at: the same bound at every output time.
        window_changes: how often the window was moved; ``rejected``: segments redone.
        calls: the calls that made up the run (> 1 when it was resumed from a checkpoint).
        seconds: wall time of the propagation, summed over those calls (s).
        products: products with H in the Lanczos steps, redone segments included (the
            run's cost in operator applications; per output time it is the figure to
            compare with ρ·t_max, ρ the spectral half-width of the window's H).
    """

    cutoff: int
    lowest: int
    max_dimension: int
    max_edge_population: float
    truncation_norm_bound: float
    norm_bound_at: NDArray[np.float64]
    window_changes: int
    rejected: int
    calls: int = 1
    seconds: float = float("nan")
    products: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys: the counts (photon numbers, states, moves) as
        integers; the edge population (a probability) and the Duhamel bound on ‖δψ‖ (the
        norm of a state error) are plain numbers, ``[1]``."""
        return {
            "cutoff": self.cutoff,
            "lowest": self.lowest,
            "max_dimension": self.max_dimension,
            "max_edge_population [1]": self.max_edge_population,
            "truncation_norm_bound [1]": self.truncation_norm_bound,
            "window_changes": self.window_changes,
            "rejected_segments": self.rejected,
            "calls": self.calls,
            "seconds [s]": self.seconds,
            "products": self.products,
        }

    def as_parameters(self) -> dict[str, Any]:
        """The diagnostics under the plain names a
        :class:`~ssbattery.quantum.battery.ChargingResult`'s ``parameters``
        use (every parameter entry is named like its argument; no units in the names)."""
        return {
            "lowest": self.lowest,
            "max_dimension": self.max_dimension,
            "max_edge_population": self.max_edge_population,
            "truncation_norm_bound": self.truncation_norm_bound,
            "window_changes": self.window_changes,
            "rejected_segments": self.rejected,
            "calls": self.calls,
            "propagation_seconds": self.seconds,
            "products": self.products,
        }


def window_basis(params: DickeParameters, lowest: int, highest: int) -> DickeBasis:
    """Product states with photon number in [lowest, highest] (photon-major order).

    The parity sector n + k ≡ N (mod 2) is kept when Ω = 0 (as :func:`dicke_basis`).
    """
    N = params.n_atoms
    if not 0 <= lowest <= highest:
        raise InvalidParameterError(
            f"the photon window needs 0 ≤ lowest ≤ highest, got [{lowest}, {highest}]."
        )
    count = (highest - lowest + 1) * (N + 1)
    # the Lanczos basis: 64 complex vectors (as dicke_basis)
    check_memory(f"the Dicke photon window [{lowest}, {highest}] (N = {N})", (count // 2, 64))
    flat = np.arange(count, dtype=np.int64)
    photons, k = np.divmod(flat, N + 1)
    photons += lowest
    if params.uses_parity:
        keep = (photons + k) % 2 == N % 2
        photons, k = photons[keep], k[keep]
    return DickeBasis(N, highest, photons, k, parity=params.uses_parity, lowest=lowest)


def check_window_memory(params: DickeParameters) -> None:
    """Refuse up front an N whose window cannot fit: the state exchanges up to N photons
    with the atoms, so the window spans at least the layers n = 0 … N at some time."""
    N = params.n_atoms
    check_memory(
        f"the Dicke photon window (N = {N}, at least {N + 1} photon layers)",
        ((N + 1) * (N + 1) // 2, 64),
    )


def _embed(
    psi: NDArray[np.complex128], old: DickeBasis, new: DickeBasis
) -> tuple[NDArray[np.complex128], float]:
    """ψ on ``new`` (zeros where ``old`` had none); returns it and the dropped population."""
    width = old.n_atoms + 1
    key_old = old.photons * width + old.k
    key_new = new.photons * width + new.k
    idx = np.searchsorted(key_new, key_old)
    idx_c = np.minimum(idx, key_new.size - 1)
    found = key_new[idx_c] == key_old
    out = np.zeros(new.size, dtype=np.complex128)
    out[idx_c[found]] = psi[found]
    lost = psi[~found]
    return out, float(np.vdot(lost, lost).real)


class _Edges:
    """Edge-layer populations and the Duhamel leak rate ‖(1 − P)Hψ‖ for one window."""

    def __init__(self, params: DickeParameters, basis: DickeBasis) -> None:
        N = params.n_atoms
        self.basis = basis
        self.lo, self.hi = basis.lowest, basis.cutoff
        j = N / 2.0
        m = np.arange(N + 1) - j
        self.jplus = np.sqrt(np.maximum(j * (j + 1) - m * (m + 1), 0.0))
        self.jminus = np.sqrt(np.maximum(j * (j + 1) - m * (m - 1), 0.0))
        self.scale = params.omega_cav * params.coupling
        starts = np.searchsorted(basis.photons, np.arange(self.lo, self.hi + 2))
        self.starts = starts.astype(np.int64)

    def layer(self, psi: NDArray[np.complex128], n: int) -> tuple[NDArray, NDArray[np.int64]]:
        a, b = self.starts[n - self.lo], self.starts[n - self.lo + 1]
        return psi[a:b], self.basis.k[a:b]

    def layer_populations(self, psi: NDArray[np.complex128]) -> NDArray[np.float64]:
        from ssbattery.quantum.dicke_stencil import layer_populations

        return layer_populations(psi, self.starts)

    def _jx2(self, psi: NDArray[np.complex128], n: int) -> float:
        amp, k = self.layer(psi, n)
        y = np.zeros(self.jplus.size + 1, dtype=np.complex128)
        np.add.at(y, k + 1, self.jplus[k] * amp)
        np.add.at(y, np.maximum(k - 1, 0), np.where(k > 0, self.jminus[k], 0.0) * amp)
        return float(np.vdot(y, y).real)

    def measure(self, psi: NDArray[np.complex128]) -> tuple[float, float, float]:
        """(top edge population, bottom edge population, leak rate) of ``psi``."""
        pops = self.layer_populations(psi)
        top = float(pops[-2:].sum())
        bottom = float(pops[:2].sum()) if self.lo > 0 else 0.0
        rate2 = (self.hi + 1) * self._jx2(psi, self.hi)
        if self.lo > 0:
            rate2 += self.lo * self._jx2(psi, self.lo)
        return top, bottom, self.scale * math.sqrt(rate2)


def _tag(params: DickeParameters, opts: PhotonWindow, tag: str) -> str:
    """What a checkpoint must match: the model with its grid, the window's tolerances and
    the caller's tag. Not ``segment``, which only sets how often the window is checked
    (each segment is held to the same bounds): a long run may resume with shorter ones;
    nor ``threads``, which changes where the ergotropy is computed only; nor the
    propagator and its ``block`` (both held to ``krylov_tol``)."""
    skip = ("segment", "threads", "propagator", "block", "depth")
    window = {k: v for k, v in asdict(opts).items() if k not in skip}
    return json.dumps({"params": params.to_dict(), "window": window, "caller": tag})


def _load_checkpoint(path: Path, tag: str, keep: dict[str, NDArray[Any]]) -> dict[str, Any] | None:
    """The saved window state (and ``keep``'s arrays filled in place), or None if no file."""
    from ssbattery.io.checkpoint import load_tagged_checkpoint

    data = load_tagged_checkpoint(
        path, tag, kind="a Dicke-window checkpoint", differs="model, grid or window options"
    )
    if data is None:
        return None
    for name, arr in keep.items():
        arr[...] = data["keep_" + name]
    return data


def _save_checkpoint(
    path: Path, tag: str, state: dict[str, Any], keep: dict[str, NDArray[Any]]
) -> None:
    from ssbattery.io.atomic import atomic_write

    arrays = {k: np.asarray(v) for k, v in state.items()}
    arrays.update({"keep_" + k: v for k, v in keep.items()})
    savez: Any = np.savez  # keyword arrays (its typed signature reads them as options)
    with atomic_write(path, "wb") as f:
        savez(f, tag=np.array(tag), **arrays)


def _wavefront_segment(params: DickeParameters, basis: DickeBasis, opts: PhotonWindow) -> _Segment:
    """A segment's propagation by the temporally blocked Chebyshev of
    :mod:`~ssbattery.quantum.dicke_wavefront` (see ``propagator``)."""
    from ssbattery.quantum.dicke_wavefront import (
        WavefrontChebyshev,
        gershgorin_bounds,
        propagate_wavefront,
    )

    # from 2 threads on, its real and imaginary recurrences run on two (1.2x per block at
    # N = 1024, even at N = 256; §2f), beside the caller's observer thread, if any
    threads = 2 if opts.threads is None or opts.threads >= 2 else 1
    engine = WavefrontChebyshev(
        params, basis, gershgorin_bounds(params, basis), depth=int(opts.depth), threads=threads
    )

    def run(
        psi: NDArray[np.complex128], rel: NDArray[np.float64], obs: Any, how: Lanczos
    ) -> tuple[NDArray[np.complex128], int]:
        return propagate_wavefront(engine, psi, rel, obs, tol=how.tol, block=int(opts.block))

    return run


def propagate_in_window(
    params: DickeParameters,
    observe: Callable[[NDArray[np.complex128], DickeBasis, int], None],
    *,
    method: PhotonWindow | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    keep: dict[str, NDArray[Any]] | None = None,
    tag: str = "",
    stop_after_s: float | None = None,
    flush: Callable[[], None] | None = None,
) -> WindowRun:
    """Evolve |N⟩ ⊗ |j, −j⟩ over ``params.times()`` in a moving photon window.

    ``observe(psi, basis, k)`` receives the state at output time k on its current basis
    (it may be called again for the same k when a segment is redone).

    ``checkpoint`` (a file path): after every accepted segment the run so far is written
    there atomically, with the caller's arrays ``keep`` (its records per output time,
    restored in place on resume); a call that finds a checkpoint of the same run (model,
    grid, window options and ``tag``) goes on from it. ``stop_after_s``: stop after the
    first segment that ends past that many seconds, raising
    :class:`~ssbattery.errors.RunPaused` (the checkpoint holds the progress).
    ``flush()``, if given, is called before each checkpoint is written and before the
    run returns (an observer that records in the background completes its work there).
    """
    from ssbattery.quantum.dicke_stencil import DickeStencil
    from ssbattery.quantum.evolution import Evolver, Lanczos
    from ssbattery.quantum.evolution.fused import HAVE_NUMBA
    from ssbattery.quantum.evolution.lanczos import propagate_matrix_free

    opts = method or PhotonWindow()
    check_window_memory(params)
    if stop_after_s is not None and checkpoint is None:
        raise InvalidParameterError(
            "`stop_after_s` needs a `checkpoint` to hold the progress of the stopped run."
        )
    keep = {} if keep is None else keep
    path = None if checkpoint is None else Path(checkpoint)
    full_tag = _tag(params, opts, tag)
    saved = None if path is None else _load_checkpoint(path, full_tag, keep)
    started = call_start = time.perf_counter()
    N = params.n_atoms
    times = params.times()
    t_max = float(times[-1])
    n_times = times.size
    pad = int(opts.pad)
    front = opts.tol * opts.front_ratio

    wavefront = opts.propagator == "wavefront"

    def build(lo: int, hi: int) -> tuple[DickeBasis, _Segment, _Edges]:
        basis = window_basis(params, lo, hi)
        # the parity sector: products by the matrix-free stencil (dicke_stencil), no CSR
        if basis.parity and HAVE_NUMBA and wavefront:
            return basis, _wavefront_segment(params, basis, opts), _Edges(params, basis)
        if basis.parity and HAVE_NUMBA:
            # one thread: memory-bound, two were slower (§2d); a second thread, if any,
            # serves the caller's observer (charge_dicke: the ergotropy beside it)
            stencil = DickeStencil(params, basis, threads=1)

            def run(
                psi: NDArray[np.complex128], rel: NDArray[np.float64], obs: Any, how: Lanczos
            ) -> tuple[NDArray[np.complex128], int]:
                return propagate_matrix_free(stencil, psi, rel, obs, how, blas_threads=1)

        else:
            H = Evolver(dicke_hamiltonian(params, basis))

            def run(
                psi: NDArray[np.complex128], rel: NDArray[np.float64], obs: Any, how: Lanczos
            ) -> tuple[NDArray[np.complex128], int]:
                H.method = how
                tr = H.run(psi, rel, observer=obs)
                return np.array(tr.final_state), int(tr.stats.products or 0)

        return basis, run, _Edges(params, basis)

    lo, hi = max(0, N - 2 * pad), N + 2 * pad
    bound = np.zeros(n_times)
    eps, rate_prev, t_prev = 0.0, 0.0, 0.0
    advance_lo = advance_hi = pad
    front_lo = front_hi = N
    max_edge, changes, rejected, top_cut = 0.0, 0, 0, hi
    k0, seconds, calls, products = 0, 0.0, 1, 0
    if saved is not None:
        k0, lo, hi = int(saved["k0"]), int(saved["lo"]), int(saved["hi"])
        eps, rate_prev, t_prev = (float(saved[k]) for k in ("eps", "rate_prev", "t_prev"))
        advance_lo, advance_hi = int(saved["advance_lo"]), int(saved["advance_hi"])
        front_lo, front_hi = int(saved["front_lo"]), int(saved["front_hi"])
        max_edge, changes = float(saved["max_edge"]), int(saved["changes"])
        rejected, top_cut = int(saved["rejected"]), int(saved["top_cut"])
        seconds, calls = float(saved["seconds"]), int(saved["calls"]) + 1
        products = int(saved["products"]) if "products" in saved else 0
        bound[:] = saved["bound"]
    basis, advance, edges = build(lo, hi)
    max_dim = basis.size if saved is None else max(int(saved["max_dim"]), basis.size)
    if saved is None:
        psi = np.zeros(basis.size, dtype=np.complex128)
        psi[int(np.flatnonzero((basis.photons == N) & (basis.k == 0))[0])] = 1.0
    else:
        psi = np.asarray(saved["psi"], dtype=np.complex128)
    streak = 0  # consecutive rejections of one segment: the widening doubles each time
    while k0 < n_times:
        k1 = min(k0 + int(opts.segment), n_times)
        rel = times[k0:k1] - t_prev
        seen = np.zeros((k1 - k0, 3))

        def obs(
            state: NDArray[np.complex128],
            i: int,
            k0: int = k0,
            seen: Any = seen,
            edges: _Edges = edges,
            basis: DickeBasis = basis,
        ) -> None:
            seen[i] = edges.measure(state)
            observe(state, basis, k0 + i)

        how = Lanczos(tol=opts.krylov_tol * float(rel[-1]) / t_max, krylov_dim=int(opts.krylov_dim))
        final, done = advance(psi, rel, obs, how)
        products += done
        grow_hi = seen[:, 0].max() > opts.tol
        grow_lo = seen[:, 1].max() > opts.tol
        if grow_hi or grow_lo:  # redo the segment in a wider window
            rejected += 1
            widen = 2**streak
            streak += 1
            new_hi = hi + (widen * (2 * advance_hi + pad) if grow_hi else 0)
            new_lo = max(0, lo - (widen * (2 * advance_lo + pad) if grow_lo else 0))
            old = basis
            basis, advance, edges = build(new_lo, new_hi)
            psi, _ = _embed(psi, old, basis)
            lo, hi = new_lo, new_hi
            changes += 1
            top_cut, max_dim = max(top_cut, hi), max(max_dim, basis.size)
            continue
        max_edge = max(max_edge, float(seen[:, :2].max()))
        for i in range(k1 - k0):
            t = float(times[k0 + i])
            eps += 0.5 * (rate_prev + seen[i, 2]) * (t - t_prev)
            rate_prev, t_prev = float(seen[i, 2]), t
            bound[k0 + i] = eps
        psi = final
        k0 = k1
        streak = 0
        if k0 == n_times:
            break
        # move the window ahead of the occupied front (and drop layers far behind it)
        pops = edges.layer_populations(psi)
        occupied = np.flatnonzero(pops > front)
        f_lo, f_hi = lo + int(occupied[0]), lo + int(occupied[-1])
        advance_hi = max(pad, f_hi - front_hi)
        advance_lo = max(pad, front_lo - f_lo)
        front_lo, front_hi = f_lo, f_hi
        want_hi = f_hi + 2 * advance_hi + pad
        want_lo = max(0, f_lo - 2 * advance_lo - pad)
        slack = 6 * pad
        new_hi = want_hi if (want_hi > hi or hi - want_hi > slack) else hi
        new_lo = want_lo if (want_lo < lo or want_lo - lo > slack) else lo
        if (new_lo, new_hi) != (lo, hi):
            old = basis
            basis, advance, edges = build(new_lo, new_hi)
            psi, dropped = _embed(psi, old, basis)
            eps += math.sqrt(dropped)
            lo, hi = new_lo, new_hi
            changes += 1
            top_cut, max_dim = max(top_cut, hi), max(max_dim, basis.size)
        if path is not None:
            now = time.perf_counter()
            seconds += now - started
            started = now
            state = dict(
                k0=k0, lo=lo, hi=hi, eps=eps, rate_prev=rate_prev, t_prev=t_prev,
                advance_lo=advance_lo, advance_hi=advance_hi, front_lo=front_lo,
                front_hi=front_hi, max_edge=max_edge, changes=changes, rejected=rejected,
                top_cut=top_cut, max_dim=max_dim, seconds=seconds, calls=calls,
                products=products,
            )  # fmt: skip
            if flush is not None:
                flush()
            _save_checkpoint(path, full_tag, {**state, "psi": psi, "bound": bound}, keep)
            if stop_after_s is not None and now - call_start > stop_after_s:
                raise RunPaused(
                    f"stopped after {now - call_start:.0f} s at output time {k0}/{n_times}; "
                    f"the checkpoint {str(path)!r} holds the progress: call again to resume."
                )
    if flush is not None:
        flush()
    seconds += time.perf_counter() - started
    return WindowRun(
        cutoff=int(top_cut),
        lowest=int(lo),
        max_dimension=int(max_dim),
        max_edge_population=float(max_edge),
        truncation_norm_bound=float(eps),
        norm_bound_at=bound,
        window_changes=changes,
        rejected=rejected,
        calls=calls,
        seconds=seconds,
        products=products,
    )
