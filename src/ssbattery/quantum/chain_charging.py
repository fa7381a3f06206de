"""Charging the spin chain with matrix-free Hamiltonians (eqs. 12–14, long chains).

The CSR path of :func:`~ssbattery.quantum.spin_chain.charge_spin_chain` stores H_charge and
H0; from N ≈ 22 (open chain) their entries alone outgrow the memory. Here both act through
:class:`~ssbattery.quantum.chain_operator.ChainOperator` on the same sectors (reflection ×
spin flip, and translation for a periodic chain), and the energy needs no H0 at all:

    H0 = H_charge − ωΣσx + BΣσz,   and ⟨H_charge⟩ is conserved by U(t) = e^{−iH_charge t},

so E(t) = ⟨H_g⟩(t) + B⟨Σσz⟩(t) = ⟨ψ0|H_charge|ψ0⟩ − ω⟨Σσx⟩(t) + B⟨Σσz⟩(t): one product
per output time with whichever of H_g (the flip-flops of the anti-aligned pairs: ≈ N/2 per
state for nearest neighbours) and Σσx (N flips: fewer for long-range couplings) reads
fewer entries, both on H_charge's lookup tables; BΣσz maps the parity-(+1) basis state
|b₊,r⟩ to σz(r)(ν₋/ν₊)|b₋,r⟩, a sum over the representatives
(:mod:`ssbattery.quantum.chain_basis`). The propagation is the engine's multi-time
:class:`~ssbattery.quantum.evolution.Chebyshev`, whose recurrence the operator runs in one
pass.

Two matrix-free operators share this path (``operator=``): "matrix-free",
:class:`~ssbattery.quantum.chain_operator.ChainOperator` on the reflection × flip sectors
(half the states of the open chain, a lookup per term), and "streaming",
:class:`~ssbattery.quantum.chain_stream.StreamOperator` on the full 2^N space (twice the
states, every term a streaming pass at a fixed bit offset; BΣσz is then diagonal).
:func:`choose_operator` picks among them and the CSR path by memory and a cost model
measured per product (:data:`PRODUCT_NS`). An even "streaming" chain runs in the mirrored
site order (:func:`mirrors`), where the propagation keeps its outputs on the
reflection-even half (:class:`~ssbattery.quantum.chain_stream.MirrorHalf`) and its
products and measurements take the reflection-even states' half terms
(:class:`~ssbattery.quantum.chain_stream.MirrorEvenOperator`).
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.chain_basis import ChainBasis, sector_terms
from ssbattery.quantum.chain_operator import ChainOperator, chain_operator
from ssbattery.quantum.chain_pauli import PAULI_TERMS, PauliOperator, pauli_cheaper, pauli_operator
from ssbattery.quantum.chain_stream import (
    MirrorEvenOperator,
    MirrorHalf,
    StreamOperator,
    mirrored_couplings,
    stream_operator,
)
from ssbattery.validation import MemoryEstimate

if TYPE_CHECKING:
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.evolution import Chebyshev, Method
    from ssbattery.quantum.evolution.base import StatsRecorder
    from ssbattery.quantum.spin_chain import SpinChainParameters

__all__ = [
    "MATRIX_FREE_MEMORY_SHARE",
    "OPERATORS",
    "PRODUCT_NS",
    "MatrixFreeChain",
    "charge_matrix_free",
    "check_operator",
    "choose_operator",
    "csr_fits",
    "matrix_free_chain",
    "matrix_free_memory",
    "matrix_free_method",
    "mirrors",
    "use_matrix_free",
]


@dataclass(frozen=True, eq=False)
class MatrixFreeChain:
    """The chain's charging problem without stored matrices (see the module docstring).

    Attributes:
        H_charge: Hg + ωΣσx on the sectors, or on the full space for "streaming" (eq. 14).
        Hg: H_g alone (eq. 11; H_charge's tables).
        X: Σσx on the same sectors (the same lookup tables).
        psi0: |↓…↓⟩ (eq. 12) in the sectors' basis.
        ground_energy: E_GS = −NB − ¼Σg_ij (eq. 12).
        field: B.
        charging: ω.
        cross: (target, source, value) of BΣσz between the flip parities, or a diagonal
            (``source`` None) without the flip.
        bounds: an interval holding H_charge's spectrum (Lanczos, clipped to the norm
            bound N|ω| + Σg_ij(1/4 + |α|/2)).
        measure: "streaming" only: (M, conserved) with ⟨H0⟩ = ⟨M⟩, M = H_g + BΣσz
            (``conserved`` False), or ⟨H0⟩ = ⟨H_charge⟩₀ + ⟨M⟩, M = −ωΣσx + BΣσz (True,
            when Σσx has fewer terms), each one fused reduction pass
            (:meth:`~ssbattery.quantum.chain_stream.StreamOperator.expect`; for the
            evolved states with ``half``, on their half terms: :meth:`h0_expect`).
        half: "streaming" in the mirrored site order only (:func:`mirrors`): the
            reflection-even half in which the propagation keeps its outputs
            (:class:`~ssbattery.quantum.chain_stream.MirrorHalf`); the full space's bit k
            is then site k for k < N/2 and site N − 1 − (k − N/2) above.
    """

    H_charge: ChainOperator | StreamOperator | PauliOperator
    Hg: ChainOperator | StreamOperator | PauliOperator
    X: ChainOperator | StreamOperator
    psi0: NDArray[np.float64]
    ground_energy: float
    field: float
    charging: float
    cross: tuple[NDArray[np.int64], NDArray[np.int64] | None, NDArray[np.float64]]
    bounds: tuple[float, float]
    measure: tuple[StreamOperator, bool] | None = None
    half: MirrorHalf | None = None

    @property
    def dim(self) -> int:
        """States of the sectors together."""
        return int(self.psi0.size)

    def zeeman(self, psi: NDArray) -> float:
        """⟨ψ|BΣσz|ψ⟩ for a ket of the sectors."""
        target, source, value = self.cross
        if source is None:
            return float(np.dot(value, np.abs(psi) ** 2))
        return 2.0 * float(np.real(np.dot(np.conj(psi[target]) * value, psi[source])))

    @functools.cached_property
    def _even_measure(self) -> MirrorEvenOperator:
        assert self.measure is not None
        return MirrorEvenOperator(self.measure[0])

    @property
    def measures_half(self) -> bool:
        """Whether :meth:`h0_expect` (given ``charge_energy``) reads an evolved state's
        half as it is, not expanded: the conserved measure (⟨H_charge⟩ − ω⟨Σσx⟩ + B⟨Σσz⟩,
        long-range chains) has flips and a diagonal only
        (:meth:`~ssbattery.quantum.chain_stream.MirrorEvenOperator.expect_half`)."""
        return (
            self.half is not None
            and self.measure is not None
            and self.measure[1]
            and self._even_measure.reads_half
        )

    def h0_expect(
        self, psi: NDArray, charge_energy: float | None = None, *, even: bool = False
    ) -> float:
        """⟨ψ|H0|ψ⟩ = ⟨H_g⟩ + B⟨Σσz⟩, or ⟨H_charge⟩ − ω⟨Σσx⟩ + B⟨Σσz⟩ when
        ``charge_energy`` = ⟨H_charge⟩ is known (conserved along the charging) and Σσx reads
        fewer entries than H_g (long-range couplings). ``psi`` may be a reflection-even
        state's ``half`` (then expanded first). ``even``: ``psi`` (full) is reflection-even
        (the evolved states with ``half``); the measure then takes half the terms
        (:class:`~ssbattery.quantum.chain_stream.MirrorEvenOperator`), as for a half."""
        v = np.ascontiguousarray(psi)
        if self.half is not None and v.size == self.half.size:
            if self.measures_half and charge_energy is not None:
                return charge_energy + self._even_measure.expect_half(v)
            v, even = self.half.expand(v), True
        if self.measure is not None:
            op: StreamOperator | MirrorEvenOperator = self.measure[0]
            conserved = self.measure[1]
            if even and self.half is not None:
                op = self._even_measure
            if not conserved:
                return float(op.expect(v))
            if charge_energy is not None:
                return charge_energy + float(op.expect(v))
        if charge_energy is None or self.Hg.gathers_per_state <= self.X.gathers_per_state:
            return float(self.Hg.expect(v)) + self.zeeman(v)
        return charge_energy - self.charging * float(self.X.expect(v)) + self.zeeman(v)


def mirrors(params: SpinChainParameters) -> bool:
    """Whether the "streaming" chain runs in the mirrored site order with its outputs on
    the reflection-even half (:class:`~ssbattery.quantum.chain_stream.MirrorHalf`): an even
    chain whose couplings are reflection-symmetric (g_ij = g_(N−1−i)(N−1−j); the chain's
    couplings always are, checked anyway)."""
    from ssbattery.quantum.spin_chain import couplings

    n = params.n_sites
    if n % 2 or n < 2:
        return False
    G = couplings(params)
    full = np.triu(G, 1) + np.triu(G, 1).T
    return bool(np.allclose(full, full[::-1, ::-1], rtol=0, atol=1e-14))


def matrix_free_chain(
    params: SpinChainParameters,
    *,
    symmetric: bool = True,
    flip: bool = True,
    operator: str = "matrix-free",
    mirror: bool | None = None,
) -> MatrixFreeChain:
    """The operators of :func:`~ssbattery.quantum.spin_chain.build_operators`, matrix-free
    (same sectors, same basis order, same |GS⟩); ``operator`` "streaming": on the full
    2^N space (as ``build_operators(symmetric=False)``), whatever ``symmetric``, in the
    mirrored site order when ``mirror`` (None: :func:`mirrors`)."""
    from ssbattery.quantum.evolution.spectrum import spectral_bounds
    from ssbattery.quantum.spin_chain import (
        _norm_bound,
        chain_sectors,
        couplings,
        ground_state_energy,
    )

    streaming = operator == "streaming"
    sectors = chain_sectors(params, symmetric=symmetric and not streaming, flip=flip)
    G = couplings(params)
    H: ChainOperator | StreamOperator | PauliOperator
    half = None
    if streaming:
        if mirrors(params) if mirror is None else mirror:
            G = mirrored_couplings(G)
            half = MirrorHalf(params.n_sites)
        # by Walsh–Hadamard transforms where they cost less (many pairs: long range)
        build = pauli_operator if _pauli(params) else stream_operator
        H = build(params.n_sites, G, transverse=params.charging, anisotropy=params.anisotropy)
    else:
        H = chain_operator(sectors, G, transverse=params.charging, anisotropy=params.anisotropy)
    X = H.flips_only()
    cross = _zeeman_terms(sectors, params.field)
    psi0 = np.zeros(H.shape[0])
    o = 0
    for b in sectors:
        k, amp = b.amplitude(0)  # |↓↓…↓⟩: every bit 0
        if k >= 0:
            psi0[o + k] = amp
        o += b.dim
    del sectors  # the 2^N index tables: the operators keep their packed lookups only
    r = _norm_bound(params, G)
    # 30 Lanczos steps: the extreme Ritz values (widened by their residuals) are within a
    # few % of the spectrum's edges (N = 10–16), at half the engine's 60 products.
    lo, hi = spectral_bounds(H, steps=30, interval=(-r, r))
    bounds = (float(lo), float(hi))
    Hg = H.without_flips()
    measure = None
    if streaming:  # BΣσz is diagonal: fold it into the measured operator (a StreamOperator)
        if Hg.gathers_per_state <= X.gathers_per_state:
            measure = (cast(StreamOperator, Hg).plus_diagonal(cross[2]), False)
        else:
            flips = cast(StreamOperator, H.flips_only(-params.charging))
            measure = (flips.plus_diagonal(cross[2]), True)
    return MatrixFreeChain(
        H,
        Hg,
        X,
        psi0,
        ground_state_energy(params),
        params.field,
        params.charging,
        cross,
        bounds,
        measure,
        half,
    )


def _pauli(params: SpinChainParameters) -> bool:
    """Whether the "streaming" chain applies H_charge by Walsh–Hadamard transforms
    (:class:`~ssbattery.quantum.chain_pauli.PauliOperator`): where its modelled product
    costs less than the bit-offset passes' (:func:`~ssbattery.quantum.chain_pauli.
    pauli_cheaper`; long-range couplings)."""
    from ssbattery.quantum.spin_chain import couplings

    pairs = np.count_nonzero(np.triu(couplings(params), 1)) if params.anisotropy else 0
    n = params.n_sites
    return pauli_cheaper(n, n if params.charging else 0, int(pairs))


def _zeeman_terms(
    sectors: list[ChainBasis], field: float
) -> tuple[NDArray[np.int64], NDArray[np.int64] | None, NDArray[np.float64]]:
    def magnetisation(s: NDArray[np.int64], n: int) -> NDArray[np.float64]:
        up = np.zeros(s.size)
        for i in range(n):
            up += (s >> i) & 1
        return 2.0 * up - n

    first = sectors[0]
    mag = field * magnetisation(first.states, first.n_sites)
    if len(sectors) == 1:
        return np.arange(first.dim), None, mag
    rows, cols, vals = sector_terms(first, first.states, mag, target_basis=sectors[1])
    return rows + first.dim, cols, vals


class _Prepared:
    """What :meth:`Chebyshev.propagate` reads of a prepared Hamiltonian, for a matrix-free
    H whose bounds are known (the norm bound is the always-valid widening)."""

    def __init__(self, chain: MatrixFreeChain) -> None:
        H = chain.H_charge
        self.H: ChainOperator | StreamOperator | PauliOperator | MirrorEvenOperator = H
        if chain.half is not None and isinstance(H, StreamOperator):
            # the evolved states are reflection-even: half the terms per product
            self.H = MirrorEvenOperator(H)
        self.bounds = chain.bounds
        self.real = True
        self.outputs = chain.half  # the engine keeps its outputs on the reflection-even half
        r = max(abs(chain.bounds[0]), abs(chain.bounds[1]))
        self._safe = (-r * 1.1, r * 1.1)

    def widen_bounds(self) -> tuple[float, float]:
        self.bounds = self._safe
        return self.bounds


def _propagate(
    chain: MatrixFreeChain,
    method: Chebyshev,
    psi: NDArray,
    times: NDArray[np.float64],
    charge_energy: float,
    stats: StatsRecorder | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.complex128]]:
    """E0 at ``times`` (elapsed from ``psi``) and the final state; ``stats`` counts the
    products with H_charge."""
    from ssbattery.quantum.evolution.base import StatsRecorder

    energies = np.empty(times.size)

    def emit(k0: int, block: NDArray[np.complex128]) -> None:
        half, buf = chain.half, None  # one full vector per block for the expanded halves
        for j in range(block.shape[0]):
            v = block[j, :, 0]
            if half is not None and v.size == half.size and not chain.measures_half:
                v = buf = half.expand(v, buf)
            energies[k0 + j] = chain.h0_expect(v, charge_energy, even=half is not None)

    final = method.propagate(
        cast(Any, _Prepared(chain)), psi.reshape(-1, 1), times, emit, stats or StatsRecorder()
    )
    return energies, final[:, 0]


class _Solver:
    """The two calls P_max's refinement makes of a solver (``step``, ``run``)."""

    def __init__(self, chain: MatrixFreeChain, method: Chebyshev, charge_energy: float) -> None:
        self.chain, self.method, self.charge_energy = chain, method, charge_energy

    def step(self, state: NDArray, dt: float) -> NDArray[np.complex128]:
        return _propagate(self.chain, self.method, state, np.array([dt]), self.charge_energy)[1]

    def run(self, state: NDArray, times: NDArray, e_ops: Any = ()) -> Any:
        from types import SimpleNamespace

        E, _ = _propagate(self.chain, self.method, state, np.asarray(times), self.charge_energy)
        return SimpleNamespace(expect=[E])


#: The ways the exact chain applies H (``charge_spin_chain(operator=...)``, CLI ``--operator``).
OPERATORS = ("auto", "csr", "matrix-free", "streaming")

#: The cost model of "auto": seconds per product ≈ ns × states × terms per state (terms:
#: 1 + N + pairs/2) × 1e-9 for a real vector on one thread, measured with
#: benchmarks/bench_chain_products.py through bench.sh (open NN chain, N = 20–24, 2026-12-02;
#: RESULTS_spin_chain_scale.md): CSR 3.0 at N = 20 (cache-resident vectors) to 8.9 at
#: N = 22; sector lookups 3.3–6.1; streaming 0.44–0.53 on twice the states.
PRODUCT_NS = {"csr": 3.0, "matrix-free": 4.0, "streaming": 0.5}


def check_operator(operator: str, checkpoint: str | os.PathLike[str] | None = None) -> None:
    """Refuse an ``operator`` outside :data:`OPERATORS`, and a ``checkpoint`` with
    ``operator`` "csr" (only the matrix-free run is resumable), before anything is built."""
    if operator not in OPERATORS:
        raise InvalidParameterError(
            f"`operator` must be 'auto', 'csr', 'matrix-free' or 'streaming', got {operator!r}."
        )
    if checkpoint is not None and operator == "csr":
        raise InvalidParameterError(
            "`checkpoint` needs the resumable matrix-free run: use `operator` 'auto', "
            "'matrix-free' or 'streaming' with it, not 'csr'."
        )
    if checkpoint is not None and Path(checkpoint).is_dir():
        raise InvalidParameterError(
            f"`checkpoint` {str(checkpoint)!r} is a directory; give a file path."
        )


def use_matrix_free(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    operator: str = "auto",
    *,
    symmetric: bool = True,
    method: Method | None = None,
) -> bool:
    """Whether :func:`~ssbattery.quantum.spin_chain.charge_spin_chain` runs matrix-free
    (either matrix-free operator; :func:`choose_operator` says which)."""
    return choose_operator(params, times, operator, symmetric=symmetric, method=method) != "csr"


def choose_operator(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    operator: str = "auto",
    *,
    symmetric: bool = True,
    method: Method | None = None,
) -> str:
    """The operator :func:`~ssbattery.quantum.spin_chain.charge_spin_chain` runs: "csr",
    "matrix-free" or "streaming".

    ``operator`` itself unless "auto". "auto" keeps CSR wherever its whole run fits the
    memory limit (:func:`csr_fits`; at N = 20 its single real expansion on the sectors'
    half of the states beat streaming's on all 2^N, whose dense combination of the terms
    costs twice as much), and for a method other than Chebyshev; beyond, among the
    matrix-free operators whose run fits (:func:`matrix_free_memory`), the one with the
    lowest modelled cost per product (:data:`PRODUCT_NS` × states × terms per state:
    streaming has 2^N states, the sectors about half).
    """
    from ssbattery.quantum.evolution import Chebyshev
    from ssbattery.quantum.spin_chain import MAX_SITES, couplings, sector_dim

    check_operator(operator)
    if operator != "auto":
        return operator
    if method is not None and not isinstance(method, Chebyshev):
        return "csr"
    if params.n_sites > MAX_SITES or csr_fits(params, times, symmetric=symmetric):
        return "csr"
    if not symmetric:
        return "streaming" if _fits(params, times, "streaming") else "csr"
    G = couplings(params)
    terms = 1 + params.n_sites + np.count_nonzero(np.triu(G, 1)) / 2
    states = {
        "matrix-free": sector_dim(params.n_sites, symmetric, params.periodic),
        "streaming": 2**params.n_sites,
    }
    usable = [k for k in ("streaming", "matrix-free") if _fits(params, times, k)]
    if not usable:
        return "matrix-free"  # refused by its memory check, with the estimate
    # streaming by transforms costs PAULI_TERMS per state, whatever the couplings
    cost = {k: PRODUCT_NS[k] * states[k] * terms for k in usable}
    if "streaming" in cost and _pauli(params):
        cost["streaming"] = (
            PRODUCT_NS["streaming"] * states["streaming"] * PAULI_TERMS * params.n_sites
        )
    return min(usable, key=lambda k: cost[k])


def _fits(params: SpinChainParameters, times: NDArray[np.float64], operator: str) -> bool:
    from ssbattery.validation import MEMORY_LIMIT_BYTES, available_memory_bytes

    avail = available_memory_bytes()
    limit = float(MEMORY_LIMIT_BYTES if avail is None else min(MEMORY_LIMIT_BYTES, avail))
    method = matrix_free_method(params, times, operator=operator)
    est = matrix_free_memory(params, times, method=method, operator=operator)
    return est.peak_bytes <= limit


def charge_matrix_free(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    method: Method | None = None,
    *,
    tol: float | None = None,
    refine: bool = True,
    symmetric: bool = True,
    checkpoint: str | os.PathLike[str] | None = None,
    stop_after_s: float | None = None,
    segment: int = 50,
    operator: str = "matrix-free",
    mirror: bool | None = None,
) -> ChargingResult | None:
    """W(t), P(t), P_max of the chain (eqs. 12–14) with matrix-free operators.

    ``operator``: "matrix-free" (the symmetry sectors, :mod:`ssbattery.quantum.
    chain_operator`) or "streaming" (the full 2^N space, :mod:`ssbattery.quantum.
    chain_stream`; ``symmetric`` does not apply; ``mirror``: the mirrored site order with
    the outputs on the reflection-even half, None: :func:`mirrors`).

    The same numbers as the CSR path (to the propagator's tolerance) at a fraction of the
    memory (:func:`matrix_free_memory`, checked before anything is built). ``method``: a
    :class:`~ssbattery.quantum.evolution.Chebyshev` (default :func:`matrix_free_method`
    at ``tol``).

    Long runs checkpoint and resume: with ``checkpoint`` (a file path) the state and the
    energies are written atomically after every ``segment`` output times (only then is
    the run cut into segments),
    and a run that finds its own checkpoint there (same chain, times and method) goes on
    from it. With ``stop_after_s`` the run stops after the first segment that ends past
    that many seconds and returns None (the checkpoint holds the progress; call again to
    resume). The result's diagnostics record, summed over all calls, the propagation
    seconds (``"propagation [s]"``) and the products with H_charge (``"products [1]"``),
    the number of calls (``"calls [1]"``) and the last call's build seconds (operators and
    spectral bounds, ``"build [s]"``).
    """
    from ssbattery.quantum.battery import _refine_power, summarise_charging
    from ssbattery.quantum.evolution import Chebyshev
    from ssbattery.quantum.spin_chain import MAX_SITES, _check_cost

    if method is not None and not isinstance(method, Chebyshev):
        raise InvalidParameterError(
            "the matrix-free chain (`operator='matrix-free'`) propagates with Chebyshev: pass "
            f"`method=Chebyshev(...)` or none, got {type(method).__name__}."
        )
    if operator not in ("matrix-free", "streaming"):
        raise InvalidParameterError(
            f"`operator` must be 'matrix-free' or 'streaming' here, got {operator!r}."
        )
    if not symmetric and operator == "matrix-free":
        raise InvalidParameterError(
            "the matrix-free chain (`operator='matrix-free'`) works on the symmetry sectors: "
            "use `symmetric=True`, or `operator='streaming'` for the full space."
        )
    if params.n_sites > MAX_SITES:
        raise InvalidParameterError(
            f"`n_sites` = {params.n_sites}: the exact method supports at most {MAX_SITES} "
            "sites; use the MPS method (CLI `--method mps --bond-dim D`)."
        )
    mirror = operator == "streaming" and (mirrors(params) if mirror is None else bool(mirror))
    if method is None:
        method = matrix_free_method(params, times, tol=tol, operator=operator, mirror=mirror)
    matrix_free_memory(params, times, method=method, operator=operator, mirror=mirror).check()
    _check_cost(params, times, symmetric and operator == "matrix-free")
    tag = _fingerprint(params, times, method, operator, mirror)
    saved = _load_checkpoint(checkpoint, tag) if checkpoint is not None else None
    from ssbattery.quantum.evolution.base import StatsRecorder

    start = time.perf_counter()
    chain = matrix_free_chain(params, symmetric=symmetric, operator=operator, mirror=mirror)
    psi0 = chain.psi0
    charge_energy = float(chain.H_charge.expect(psi0))
    e_start = chain.h0_expect(psi0, charge_energy)
    build = time.perf_counter() - start
    E = np.empty(times.size)
    done, state, seconds, calls, products = 0, psi0.astype(complex), 0.0, 1, 0
    if saved is not None:
        done, seconds = int(saved["done"]), float(saved["seconds"])
        calls, products = int(saved["calls"]) + 1, int(saved["products"])
        E[:done] = saved["energies"][:done]
        state = np.asarray(saved["state"], dtype=complex)
    # Segments only where a checkpoint or a stop needs them: each one ends the expansion,
    # and the first one alone starts from the real |GS⟩ (one real expansion for all times).
    resumable = checkpoint is not None or stop_after_s is not None
    step = max(1, int(segment)) if resumable else max(1, times.size)
    while done < times.size:
        stop = min(done + step, times.size)
        t0 = float(times[done - 1]) if done else 0.0
        tick = time.perf_counter()
        stats = StatsRecorder()
        E[done:stop], state = _propagate(
            chain, method, state, times[done:stop] - t0, charge_energy, stats
        )
        seconds += time.perf_counter() - tick
        products += int(stats.products or 0)
        done = stop
        if checkpoint is not None:
            _save_checkpoint(checkpoint, tag, done, state, E, seconds, calls, products)
        late = stop_after_s is not None and time.perf_counter() - start > stop_after_s
        if late and done < times.size:
            return None
    W = E - e_start
    info = {
        "propagation [s]": seconds,
        "products [1]": products,
        "calls [1]": calls,
        "build [s]": build,
        "operator": operator,
    }
    result = summarise_charging(times, W, np.maximum(W, 0.0), params, diagnostics=info)
    if refine:
        solver = cast(Any, _Solver(chain, method, charge_energy))
        result = _refine_power(result, cast(Any, None), solver, psi0, e_start)
    return result


def _fingerprint(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    method: Any,
    operator: str = "matrix-free",
    mirror: bool = False,
) -> str:
    """What a checkpoint must match: the chain, the output times, the method's kind and
    tolerance (not its memory, which only sets the speed and follows the free memory) and,
    for "streaming", the operator and the site order (its state lives in another basis)."""
    import hashlib
    import json
    from dataclasses import asdict

    digest = hashlib.sha256(np.ascontiguousarray(times, dtype=float).tobytes()).hexdigest()
    kind: dict[str, Any] = {"method": type(method).__name__, "tol": float(method.tol)}
    if operator != "matrix-free":  # the sector runs keep their earlier tags
        kind["operator"] = operator
    if mirror:  # the state in the mirrored site order
        kind["order"] = "mirrored"
    return json.dumps({"params": asdict(params), "times": digest, **kind})


def _load_checkpoint(path: str | os.PathLike[str], tag: str) -> dict[str, Any] | None:
    from ssbattery.io.checkpoint import load_tagged_checkpoint

    return load_tagged_checkpoint(
        path, tag, kind="a spin-chain checkpoint", differs="chain, times or method"
    )


def _save_checkpoint(
    path: str | os.PathLike[str],
    tag: str,
    done: int,
    state: NDArray,
    energies: NDArray,
    seconds: float,
    calls: int,
    products: int,
) -> None:
    from ssbattery.io.atomic import atomic_write

    with atomic_write(path, "wb") as f:
        np.savez(
            f,
            tag=np.array(tag),
            done=np.array(done),
            state=state,
            energies=energies,
            seconds=np.array(seconds),
            calls=np.array(calls),
            products=np.array(products),
        )


def matrix_free_memory(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    *,
    method: Chebyshev | None = None,
    symmetric: bool = True,
    operator: str = "matrix-free",
    mirror: bool | None = None,
) -> MemoryEstimate:
    """Predicted peak memory of :func:`charge_matrix_free` (build and evolution phases).

    "streaming" (full 2^N space): the basis (index tables, 17 bytes per string) and the
    diagonals of H_charge and its scaled copy, BΣσz's diagonal and |GS⟩ (32 bytes per
    string), the Chebyshev budget, the Bessel table and three complex vectors; one in the
    mirrored order (``mirror``, None: :func:`mirrors`), whose outputs are halves: the
    block's starting state is the only full vector outside the Chebyshev budget (the
    measurement expands a half into one buffer and reduces it in one fused pass).

    Building: the orbit tables of all 2^N strings (8 arrays of 8 bytes), both flip sectors'
    index and sign tables (9 bytes per string each) and their packed lookups (4 bytes per
    string each, with an 8-byte temporary). Evolving: the lookups, representatives, 1/ν,
    diagonals (H_charge, its scaled copy, Σσx), BΣσz's terms, the Chebyshev budget
    ``method.memory_mb`` (which holds the Chebyshev vectors and the block of outputs), three
    more complex vectors (measuring an output) and the Bessel table.
    """
    from ssbattery.quantum.evolution.memory import chebyshev_terms_estimate
    from ssbattery.quantum.spin_chain import _norm_bound, couplings, sector_dim

    n = params.n_sites
    strings = 2**n
    streaming = operator == "streaming"
    dim = strings if streaming else sector_dim(n, symmetric, params.periodic)
    est = MemoryEstimate(
        f"the matrix-free {n}-site spin chain ({dim} states, {times.size} times)",
        hint="lower `n_sites` or `t_max`, or use the MPS method",
    )
    build = "building the operators"
    evolve = "evolving"
    if streaming:
        # the full basis (states, index, orbit data) and the magnetisation's temporaries
        est.add(build, "full basis and BΣσz's temporaries", strings, bytes_per_element=40)
        if _pauli(params):  # Z(s), BΣσz, |GS⟩, the measured diagonal, two work vectors
            est.add(evolve, "Z(s), BΣσz, |GS⟩, transforms' work", strings, bytes_per_element=64)
        else:
            est.add(evolve, "diagonals, BΣσz, |GS⟩", strings, bytes_per_element=40)
    else:
        est.add(build, "orbit tables of 2^N strings", (strings, 8), bytes_per_element=8)
        est.add(build, "sector index and sign tables", (strings, 2), bytes_per_element=9)
        est.add(build, "packed lookups and their temporary", (strings, 2), bytes_per_element=12)
        est.add(evolve, "packed lookups", (strings, 2), bytes_per_element=4)
        # states (8), 1/ν (8), three diagonals (24), BΣσz terms (24), |GS⟩ (8)
        est.add(evolve, "per-state tables", dim, bytes_per_element=72)
    if method is not None:
        est.add(
            evolve,
            "Chebyshev vectors and outputs",
            method.memory_mb * 1024**2,
            bytes_per_element=1,
        )
        r = _norm_bound(params, couplings(params))
        K = chebyshev_terms_estimate(r * float(times.max(initial=0.0)), method.tol)
        est.add(evolve, "Bessel table", (times.size, min(K, 10**7)), bytes_per_element=8)
    # the measured output's product with H_g or Σσx, and BΣσz's gathers (two half-length
    # copies and their product); with the outputs on the half, the block's starting state
    # (measured at N = 24 NN: 6.57 GB peak against 7.13 GB estimated with three, q11i)
    half = streaming and (mirrors(params) if mirror is None else bool(mirror))
    est.add(evolve, "measuring an output", (1 if half else 3, dim), bytes_per_element=16)
    return est


#: Share of the memory available now that the matrix-free run's Chebyshev vectors may take
#: (they are its only large allocation).
MATRIX_FREE_MEMORY_SHARE = 0.6


def matrix_free_method(
    params: SpinChainParameters,
    times: NDArray[np.float64],
    *,
    tol: float | None = None,
    symmetric: bool = True,
    operator: str = "matrix-free",
    mirror: bool | None = None,
) -> Chebyshev:
    """The Chebyshev method :func:`charge_matrix_free` uses when none is given (for the
    ``operator``'s states: 2^N for "streaming").

    The engine's default tolerance min(tol/100, 1e-12); memory for the single real
    expansion that serves every output time, ≈ (r·t_max + 8·16 + 16) real vectors, when it
    fits; else the most that keeps the whole run (:func:`matrix_free_memory`) within the
    package's memory limit and :data:`MATRIX_FREE_MEMORY_SHARE` of the available memory
    (then the expansion restarts from complex states in blocks of output times).
    ``mirror``: the "streaming" chain in the mirrored order, as :func:`matrix_free_memory`.
    """
    from ssbattery.quantum.evolution import Chebyshev
    from ssbattery.quantum.evolution.chebyshev import _GLOBAL_CHUNK
    from ssbattery.quantum.evolution.memory import chebyshev_terms_estimate
    from ssbattery.quantum.evolution.solver import DEFAULT_TOL
    from ssbattery.quantum.spin_chain import _norm_bound, couplings, sector_dim
    from ssbattery.validation import MEMORY_LIMIT_BYTES, available_memory_bytes

    tol_c = min((DEFAULT_TOL if tol is None else float(tol)) * 1e-2, 1e-12)
    if operator == "streaming":
        dim = 2**params.n_sites
    else:
        dim = sector_dim(params.n_sites, symmetric, params.periodic)
    t_max = float(times.max(initial=0.0))
    K = chebyshev_terms_estimate(_norm_bound(params, couplings(params)) * t_max, tol_c)
    need_mb = (K + 8 * _GLOBAL_CHUNK + 16) * dim * 8 / 1024**2
    avail = available_memory_bytes()
    limit = float(MEMORY_LIMIT_BYTES if avail is None else min(MEMORY_LIMIT_BYTES, avail))
    from ssbattery.validation import ALLOCATOR_MARGIN

    rest = matrix_free_memory(
        params, times, symmetric=symmetric, operator=operator, mirror=mirror
    ).phase_bytes("evolving")
    # 85 % of the limit: headroom for the allocator and the interpreter.
    cap_mb = (0.85 * limit / (1.0 + ALLOCATOR_MARGIN) - rest) / 1024**2
    if avail is not None:
        cap_mb = min(cap_mb, MATRIX_FREE_MEMORY_SHARE * avail / 1024**2)
    # At least 8 complex vectors (the engine's floor), or 512 MiB.
    floor_mb = max(512.0, 8 * 16 * dim / 1024**2)
    return Chebyshev(tol=tol_c, memory_mb=max(floor_mb, min(need_mb, cap_mb)))


def csr_fits(
    params: SpinChainParameters, times: NDArray[np.float64], *, symmetric: bool = True
) -> bool:
    """Whether the CSR path (its default method) fits the memory limit: the
    :func:`~ssbattery.quantum.spin_chain.memory_estimate` of the whole run."""
    from ssbattery.quantum.spin_chain import default_method, memory_estimate
    from ssbattery.validation import MEMORY_LIMIT_BYTES, available_memory_bytes

    avail = available_memory_bytes()
    limit = float(MEMORY_LIMIT_BYTES if avail is None else min(MEMORY_LIMIT_BYTES, avail))
    method = default_method(params, times, symmetric=symmetric)
    est = memory_estimate(params, times, symmetric=symmetric, method=method)
    return est.peak_bytes <= limit
