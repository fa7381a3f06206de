"""Sweep entries of the closed quantum batteries: Dicke (§2.3.3–2.3.6) and the spin chain
(§2.3.8). ``ssbattery dicke`` and ``ssbattery spin-chain`` run through these entries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ssbattery.quantum.spin_chain import SpinChainParameters
from ssbattery.sweep.registry import ModelEntry, Output, Param, fields_as_params, register

if TYPE_CHECKING:
    from collections.abc import Callable

    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.dicke_window import PhotonWindow

__all__ = ["DICKE", "SPIN_CHAIN", "DickeRun", "SpinChainRun", "window_memory_estimate"]

_CHARGING_OUTPUTS = (
    "power_max",
    "t_power_max",
    "energy_max",
    "t_energy_max",
)


def _charging_arrays(result: ChargingResult) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(result, k) for k in _CHARGING_OUTPUTS}
    out.update(
        times=result.times, energy=result.energy, power=result.power, ergotropy=result.ergotropy
    )
    return out


def _charging_outputs(energy: str, time: str) -> tuple[Output, ...]:
    return (
        Output("power_max", f"{energy}²/ħ", "largest average power P = E/t on the grid"),
        Output("t_power_max", time, "time of P_max"),
        Output("energy_max", energy, "largest stored energy on the grid"),
        Output("t_energy_max", time, "time of E_max"),
        Output("times", time, "the output time grid", ("time",)),
        Output("energy", energy, "stored energy E(t)", ("time",)),
        Output("power", f"{energy}²/ħ", "average power E(t)/t", ("time",)),
        Output("ergotropy", energy, "ergotropy of the battery (eq. 7)", ("time",)),
    )


@dataclass(frozen=True)
class DickeRun:
    """A Dicke charging run: the battery's parameters, whether to compute the ergotropy
    (off: the ``ergotropy`` output is NaN and the run is faster), the moving photon
    window that chooses the cutoff (None: the fixed ``params.photon_cutoff``) and the
    ergotropy's unitaries (``symmetric_ergotropy``, see :func:`~ssbattery.quantum.dicke.
    charge_dicke`)."""

    params: DickeParameters
    ergotropy: bool = True
    window: PhotonWindow | None = None
    symmetric_ergotropy: bool = True


def _build_dicke(values: Mapping[str, Any]) -> DickeRun:
    """As ``ssbattery dicke``: without ``photon_cutoff`` the cutoff is chosen by the moving
    photon window with edge population ≤ ``cutoff_tol``."""
    from ssbattery.quantum.dicke import DickeParameters
    from ssbattery.quantum.dicke_window import PhotonWindow

    v = dict(values)
    ergotropy = bool(v.pop("ergotropy"))
    tol = v.pop("cutoff_tol")
    # the default (wavefront) propagator on one thread: a sweep runs one point per worker
    # and core (runner.py), so a second thread per point would oversubscribe the cores
    window = PhotonWindow(tol=tol, threads=1) if v["photon_cutoff"] is None else None
    return DickeRun(DickeParameters(**v), ergotropy, window)


def solve_dicke(
    run: DickeRun, *, progress: Callable[[int, int], None] | None = None
) -> ChargingResult:
    """One Dicke charging run (E, P, ergotropy on the grid), as ``ssbattery dicke`` runs it."""
    from ssbattery.quantum.dicke import charge_dicke

    return charge_dicke(
        run.params,
        ergotropy=run.ergotropy,
        symmetric_ergotropy=run.symmetric_ergotropy,
        window=run.window,
        progress=progress,
    )


def _dicke_arrays(result: ChargingResult) -> dict[str, Any]:
    out = _charging_arrays(result)
    info = result.parameters
    out["top_photon_population"] = info.get(
        "max_top_photon_population", info.get("max_edge_population", float("nan"))
    )
    return out


def window_memory_estimate(
    params: DickeParameters, window: PhotonWindow, *, highest: int | None = None
) -> Any:
    """The whole-run memory estimate of a moving-window Dicke run whose window spans the
    photon layers 0 … ``highest``, for the window's propagator.

    The wavefront propagator (the default, on the parity sector with numba): its engine
    (:func:`~ssbattery.quantum.dicke_wavefront.engine_bytes`), the previous window's
    block of kets (alive while a wider window is built), four kets (the state, the block's
    last output, its embedding, the observer's), the basis tables and their temporaries, and
    with more than one thread the kets queued for the background ergotropy (within 1.1–1.3×
    of the measured peak at N = 32–96, tests/sweep/test_models_memory.py). Otherwise
    (Lanczos, or a drive): the model's own estimate
    (:func:`~ssbattery.quantum.dicke.memory_estimate`) with the window's Lanczos method
    (``window.krylov_dim`` vectors).

    Default ``highest`` = N: every window run reaches at least the layers 0 … N (the state
    exchanges up to N photons with the atoms), so the default is the least the run needs,
    which is what the sweep's up-front check can know. How far the window grows beyond N is
    decided during the run (15N–19N at g = 0.3–1 on the default grid, measured in
    tests/sweep/test_models_memory.py); each widening is checked by the model itself
    (:func:`~ssbattery.quantum.dicke_window.window_basis`), so a point that outgrows the
    memory fails as a point and the sweep goes on.
    """
    from dataclasses import replace

    from ssbattery.quantum.dicke import memory_estimate
    from ssbattery.quantum.evolution import Lanczos
    from ssbattery.quantum.evolution.fused import HAVE_NUMBA

    top = params.n_atoms if highest is None else int(highest)
    what = (
        f"the Dicke photon window (N = {params.n_atoms}, "
        f"{'at least ' if highest is None else ''}the photon layers 0 … {top}, "
        f"{params.steps} times)"
    )
    if window.propagator == "wavefront" and params.uses_parity and HAVE_NUMBA:
        return _wavefront_estimate(params, window, top, what)
    lanczos = Lanczos(tol=window.krylov_tol, krylov_dim=int(window.krylov_dim))
    est = memory_estimate(replace(params, photon_cutoff=top), method=lanczos)
    est.what = what
    return est


def _wavefront_estimate(params: DickeParameters, window: PhotonWindow, top: int, what: str) -> Any:
    """The wavefront window run's estimate (see :func:`window_memory_estimate`)."""
    from ssbattery.quantum.dicke import _PENDING
    from ssbattery.quantum.dicke_wavefront import engine_bytes
    from ssbattery.validation import MemoryEstimate

    N, layers = params.n_atoms, top + 1
    states = -(-layers * (N + 1) // 2)
    est = MemoryEstimate(what, hint="lower `n_atoms` or `steps`, or raise `cutoff_tol`")
    phase = "evolving"
    for name, size in engine_bytes(N, layers, int(window.block)).items():
        est.add(phase, f"wavefront engine: {name}", size, bytes_per_element=1)
    est.add(phase, "the previous window's block of kets", (int(window.block), states))
    est.add(phase, "state, last output, embedding, observer's ket", (4, states))
    est.add(phase, "basis tables and their temporaries", (8, states), bytes_per_element=8)
    if window.threads is None or int(window.threads) > 1:
        est.add(phase, "kets queued for the background ergotropy", (_PENDING, states))
    est.add(phase, "results at every time", (params.steps, 8), bytes_per_element=8)
    est.add(phase, "battery blocks of the ergotropy", (4, N + 1, N + 1))
    return est


def _dicke_memory(run: DickeRun) -> Any:
    """The whole-run estimate :func:`~ssbattery.quantum.dicke.memory_estimate` that
    ``charge_dicke`` checks for a fixed cutoff; with the moving window, the same estimate of
    the least window the run reaches (:func:`window_memory_estimate`)."""
    from ssbattery.quantum.dicke import memory_estimate

    if run.window is not None:
        p = run.params
        # the estimate of a window run depends on the space and the grid only (N, the
        # parity sector, whether a drive adds entries, the steps), not on g, ω or η: one per
        # distinct key, so checking a spec of many couplings costs one estimate (0.6 ms each;
        # test_models_memory.py checks the cached estimate equals the direct one)
        key = (p.n_atoms, p.steps, p.uses_parity, bool(p.drive), run.window)
        if key not in _WINDOW_ESTIMATES:
            _WINDOW_ESTIMATES[key] = window_memory_estimate(p, run.window)
        return _WINDOW_ESTIMATES[key]
    return memory_estimate(run.params)


_WINDOW_ESTIMATES: dict[tuple[Any, ...], Any] = {}


def _chain_memory(run: SpinChainRun) -> Any:
    """The whole-run estimate that ``charge_spin_chain`` checks before allocating."""
    from ssbattery.quantum.battery import default_times
    from ssbattery.quantum.spin_chain import memory_estimate

    return memory_estimate(run.chain, default_times(run.t_max, run.steps))


#: The registered sweep entry ``dicke`` (see ``ssbattery sweep models``).
DICKE: ModelEntry[DickeRun, ChargingResult] = register(
    ModelEntry(
        name="dicke",
        summary="Dicke battery: N atoms charged by a cavity (review §2.3.3–2.3.6, eqs. 8–9)",
        # 1: the default t_max became π/(ωc g√N) (was π/(g√N) whatever ωc; 2026-12-06)
        revision=1,
        params=(
            Param("n_atoms", "int", None, "", "number of two-level atoms N ≥ 1", required=True),
            Param("coupling", "float", None, "ωc", "atom–cavity coupling g", required=True),
            Param("omega_a", "float", 1.0, "ωc", "atomic splitting ωa"),
            Param("omega_cav", "float", 1.0, "ωc", "cavity frequency ωc"),
            Param("eta", "float", 0.0, "ωc", "atom–atom interaction η"),
            Param("drive", "float", 0.0, "ωc", "driving field Ω"),
            Param(
                "photon_cutoff",
                "int",
                None,
                "",
                "highest photon number kept (unset: chosen by the moving photon window)",
            ),
            Param("cutoff_tol", "float", 1e-10, "", "window's edge-population bound"),
            Param("t_max", "float", None, "1/ωc", "end of the time grid (default π/(ωc g√N))"),
            Param("steps", "int", 400, "", "points of the grid in (0, t_max]"),
            Param("ergotropy", "bool", True, "", "compute the atoms' ergotropy (eq. 7)"),
        ),
        outputs=(
            *_charging_outputs("ωc", "1/ωc"),
            Output(
                "top_photon_population",
                "",
                "largest population of the highest Fock state kept (cutoff check)",
            ),
        ),
        build=_build_dicke,
        solve=solve_dicke,
        extract=_dicke_arrays,
        sizes=lambda r: {"time": r.params.steps},
        memory_bytes=_dicke_memory,
        cost=lambda r: float(r.params.dimension) * r.params.steps,
        progress=True,
    )
)


@dataclass(frozen=True)
class SpinChainRun:
    """A spin-chain run: the chain's parameters and its time grid (0, t_max] of ``steps``;
    ``operator`` and ``checkpoint`` as in
    :func:`~ssbattery.quantum.spin_chain.charge_spin_chain` (CLI ``--operator``,
    ``--checkpoint``)."""

    chain: SpinChainParameters
    t_max: float = 2.0
    steps: int = 400
    operator: str = "auto"
    checkpoint: str | None = None


def _build_chain(values: Mapping[str, Any]) -> SpinChainRun:
    from ssbattery.quantum.spin_chain import SpinChainParameters
    from ssbattery.validation import require_int_at_least, require_positive

    v = dict(values)
    t_max = require_positive("t_max", v.pop("t_max"))
    steps = require_int_at_least("steps", v.pop("steps"), 2)
    return SpinChainRun(SpinChainParameters(**v), t_max, steps)


def solve_spin_chain(run: SpinChainRun) -> ChargingResult:
    """One spin-chain charging run, as ``ssbattery spin-chain`` runs it."""
    from ssbattery.quantum.spin_chain import charge_spin_chain

    return charge_spin_chain(
        run.chain,
        t_max=run.t_max,
        steps=run.steps,
        operator=run.operator,  # type: ignore[arg-type]
        checkpoint=run.checkpoint,
    )


#: The registered sweep entry ``spin-chain`` (see ``ssbattery sweep models``).
SPIN_CHAIN: ModelEntry[SpinChainRun, ChargingResult] = register(
    ModelEntry(
        name="spin-chain",
        summary="XXZ spin-chain battery charged by a transverse field (review §2.3.8)",
        params=(
            *fields_as_params(
                SpinChainParameters,
                {
                    "n_sites": ("", "number of spins N ≥ 1"),
                    "field": ("a.u.", "Zeeman field B > 0 (eq. 10)"),
                    "charging": ("a.u.", "charging field ω (eq. 13)"),
                    "coupling": ("a.u.", "coupling g ≥ 0 (eq. 11)"),
                    "anisotropy": ("", "anisotropy α in [−1, 1]"),
                    "interaction": ("", "nn or lr (g/|i−j|^p)", ("nn", "lr")),
                    "decay": ("", "long-range decay power p > 0"),
                    "periodic": ("", "periodic boundary conditions"),
                },
            ),
            Param("t_max", "float", 2.0, "ħ/a.u.", "last time of the grid"),
            Param("steps", "int", 400, "", "number of times in (0, t_max]"),
        ),
        outputs=_charging_outputs("a.u.", "ħ/a.u."),
        build=_build_chain,
        solve=solve_spin_chain,
        extract=_charging_arrays,
        sizes=lambda r: {"time": r.steps},
        memory_bytes=_chain_memory,
        cost=lambda r: 2.0**r.chain.n_sites * r.steps,
    )
)
