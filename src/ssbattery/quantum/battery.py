"""Charging a general quantum battery under a constant field (§2.3.1–2.3.2, eqs. 2–7).

The battery has Hamiltonian H0; for 0 < t the charger makes the total Hamiltonian
H_charge (for example H0 + V, or eq. 14's Hg + ωΣσx), so ρ(t) = U ρ(0) U† with
U = e^{−iH_charge t} (eqs. 3–5, ħ = 1). On a time grid we report the stored energy
W(t) = Tr[ρ(t)H0] − Tr[ρ(0)H0], the average power P = W/t, the ergotropy of ρ(t) w.r.t. H0
(eq. 7), and the maxima of P and W with the times they are reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.quantum.evolution import Evolver, Method
from ssbattery.quantum.metrics import average_power, ground_energy
from ssbattery.quantum.operators import Operator, as_hermitian, expectation, is_sparse, state_array
from ssbattery.results import Quantity, quantity_dict, quantity_text
from ssbattery.validation import check_memory, require_int_at_least, require_positive

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["ChargingResult", "charge", "default_times", "summarise_charging"]


@dataclass(frozen=True)
class ChargingResult:
    """Energy, power and ergotropy of a charging run on a time grid.

    Energies are in the model's energy unit E₀ (``energy_unit``: ω_c for the Dicke
    battery; the unit of B and g for the spin chain), times in 1/E₀ and powers in E₀²
    (ħ = 1).

    Attributes:
        times: output times.
        energy: stored energy W(t) = Tr[ρ(t)H0] − Tr[ρ(0)H0].
        power: average power P(t) = W(t)/t.
        ergotropy: ergotropy of ρ(t) w.r.t. H0 (eq. 7).
        power_max, t_power_max: the largest P and its time (refined between grid points
            when ``power_max_refined``, else the grid maximum).
        energy_max, t_energy_max: the largest W on the grid and its time.
        model: the model's frozen parameter dataclass (e.g.
            :class:`~ssbattery.quantum.dicke.DickeParameters`), or None.
        diagnostics: facts of the run beyond the model's parameters (dimension, sector,
            error bounds).
        power_max_refined: whether P_max and its time were polished between grid points.
    """

    times: NDArray[np.float64]
    energy: NDArray[np.float64]
    power: NDArray[np.float64]
    ergotropy: NDArray[np.float64]
    power_max: float
    t_power_max: float
    energy_max: float
    t_energy_max: float
    model: Any = None
    diagnostics: Mapping[str, Any] = field(default_factory=dict)
    power_max_refined: bool = False

    @property
    def parameters(self) -> dict[str, Any]:
        """The model's parameters (defaults resolved) and the run's diagnostics, by name."""
        out: dict[str, Any] = {}
        if self.model is not None and is_dataclass(self.model):
            out.update(asdict(self.model))  # type: ignore[arg-type]
        out.update(self.diagnostics)
        return out

    @property
    def energy_unit(self) -> str:
        """The model's energy unit E₀ (``ENERGY_UNIT`` of its parameter class)."""
        return str(getattr(self.model, "ENERGY_UNIT", "E₀"))

    def _grid_error(self, t: float) -> float | None:
        """Half the grid spacing at ``t``: the uncertainty of a grid maximum's time."""
        if self.times.size < 2:
            return None
        k = int(np.argmin(np.abs(self.times - t)))
        k = min(max(k, 1), self.times.size - 1)
        return 0.5 * float(self.times[k] - self.times[k - 1])

    def quantities(self) -> tuple[Quantity, ...]:
        """P_max, t*, E_max and its time, with units (grid times ± half a grid step)."""
        u = self.energy_unit
        t_err = None if self.power_max_refined else self._grid_error(self.t_power_max)
        return (
            Quantity("power_max", self.power_max, f"{u}²"),
            Quantity("t_power_max", self.t_power_max, f"1/{u}", t_err),
            Quantity("energy_max", self.energy_max, u),
            Quantity(
                "t_energy_max", self.t_energy_max, f"1/{u}", self._grid_error(self.t_energy_max)
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the maxima and the curves (lists) with units in their keys, the
        parameters, and whether P_max was refined (the CLI's ``--json``)."""
        u = self.energy_unit
        return {
            "parameters": self.parameters,
            "power_max_refined": self.power_max_refined,
            **quantity_dict(self.quantities()),
            f"times [1/{u}]": self.times.tolist(),
            f"energy [{u}]": self.energy.tolist(),
            f"power [{u}²]": self.power.tolist(),
            f"ergotropy [{u}]": self.ergotropy.tolist(),
        }

    def __str__(self) -> str:
        how = "refined between grid points" if self.power_max_refined else "grid maximum"
        model = type(self.model).__name__ if self.model is not None else "charging run"
        return quantity_text(
            f"{model}: {self.times.size} times up to {self.times[-1]:.4g} 1/{self.energy_unit}",
            self.quantities(),
            (f"P_max is the {how}",),
        )

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


def default_times(t_max: float, steps: int = 400) -> NDArray[np.float64]:
    """``steps`` points uniformly in (0, t_max]: t_k = k·t_max/steps, k = 1 … steps."""
    t_max = require_positive("t_max", t_max)
    steps = require_int_at_least("steps", steps, 1)
    # the grid and the results a run keeps at every time (energy, power, ergotropy, …)
    check_memory(f"{steps} output times", (steps, 8), bytes_per_element=8, hint="lower `steps`")
    return t_max * np.arange(1, steps + 1) / steps


def summarise_charging(
    times: ArrayLike,
    energy: ArrayLike,
    ergotropy: ArrayLike,
    parameters: Any = None,
    *,
    diagnostics: Mapping[str, Any] | None = None,
) -> ChargingResult:
    """The one builder of a :class:`ChargingResult` from W(t) and the ergotropy on a grid.

    P(t) = W(t)/t (:func:`~ssbattery.quantum.metrics.average_power`); the maxima are the
    grid maxima (``power_max_refined`` False; :func:`charge` with ``refine`` polishes
    them). ``parameters`` is the model's frozen parameter dataclass; a plain mapping is
    also accepted (it is kept as diagnostics, for models without a parameter class).
    """
    t = np.asarray(times, dtype=float)
    W = np.asarray(energy, dtype=float)
    P = average_power(t, W)
    kp = int(np.nanargmax(P)) if np.any(np.isfinite(P)) else 0
    kw = int(np.argmax(W))
    extra: dict[str, Any] = {}
    model = parameters
    if parameters is not None and not is_dataclass(parameters):
        extra.update(dict(parameters))
        model = None
    extra.update(diagnostics or {})
    return ChargingResult(
        times=t,
        energy=W,
        power=P,
        ergotropy=np.asarray(ergotropy, dtype=float),
        power_max=float(P[kp]),
        t_power_max=float(t[kp]),
        energy_max=float(W[kw]),
        t_energy_max=float(t[kw]),
        model=model,
        diagnostics=extra,
    )


def charge(
    H0: Operator,
    H_charge: Operator,
    state0: ArrayLike,
    times: ArrayLike,
    *,
    tol: float | None = None,
    method: Method | None = None,
    ground: float | None = None,
    refine: bool = False,
    parameters: Any = None,
) -> ChargingResult:
    """Charge the battery H0 with the constant Hamiltonian ``H_charge`` from ``state0``.

    Args:
        H0: battery Hamiltonian (eq. 2), dense or sparse, Hermitian.
        H_charge: Hamiltonian during charging (H0 + V(t) of §2.3.1 with V constant).
        state0: initial ket or density matrix.
        times: increasing output times > 0 (see :func:`default_times`).
        tol: relative accuracy of the energies for the default method (default 1e-10).
        method: evolution method with its own tolerance (see
            :func:`ssbattery.quantum.evolution.evolve`); not together with ``tol``.
        ground: ground energy of H0 if known (for kets the ergotropy is ⟨H0⟩ − ground).
        refine: polish P_max and its time between grid points (Brent's method on
            P(t) = W(t)/t around the grid maximum), for published ratios.
        parameters: the model's frozen parameter dataclass, recorded in the result.

    Example:
        >>> import numpy as np
        >>> sz, sx = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
        >>> res = charge(sz, sx, [0.0, 1.0], [np.pi / 2])  # a flip of one spin, B = 1
        >>> round(res.energy_max, 10)
        2.0
    """
    H0_ch = as_hermitian(H0, name="H0")
    H_ch = as_hermitian(H_charge, name="H_charge")
    if H_ch.shape != H0_ch.shape:
        from ssbattery.errors import InvalidParameterError

        raise InvalidParameterError(
            f"`H_charge` must have the shape of `H0` {H0_ch.shape}, got {H_ch.shape}."
        )
    solver = Evolver(H_ch, method, tol=tol, name="H_charge")
    arr = state_array(state0)
    is_ket = arr.ndim == 1
    if is_ket:
        e_ground = ground_energy(H0_ch) if ground is None else float(ground)
        tr = solver.run(arr, times, e_ops=[H0_ch])
        E = tr.expect[0]
        ergo = np.maximum(E - e_ground, 0.0)
    else:
        # Eq. 7 in closed form; the spectrum of H0 is computed once for all times.
        check_memory("H0 as a dense matrix (its full spectrum)", H0_ch.shape)
        levels = np.linalg.eigvalsh(H0_ch.toarray() if is_sparse(H0_ch) else H0_ch)

        def obs(rho: NDArray[np.complex128], k: int) -> float:
            r = np.sort(np.linalg.eigvalsh(rho))[::-1]
            return float(expectation(H0_ch, rho).real) - float(np.dot(r, levels))

        tr = solver.run(arr, times, e_ops=[H0_ch], observer=obs)
        E = tr.expect[0]
        ergo = np.maximum(np.asarray(tr.observed, dtype=float), 0.0)
    E0 = float(expectation(H0_ch, np.asarray(arr, dtype=complex)).real)
    result = summarise_charging(tr.times, E - E0, ergo, parameters)
    if refine:
        result = _refine_power(result, H0_ch, solver, arr, E0)
    return result


def _refine_power(
    res: ChargingResult,
    H0: Operator,
    solver: Evolver,
    state0: NDArray,
    E0: float,
) -> ChargingResult:
    """Maximise P(t) = W(t)/t between the grid neighbours of the grid maximum.

    Two zoom levels of 65 evenly spaced times each (one evolution per level, started from
    the state at the left end), then a parabola through the best three points of the last
    level. With P = P* − a u² + b u³ near the maximum (u = t − t*) and the middle point at
    u = d, the parabola's vertex is off by b·d(d² − h²), so the error of P_max is at most
    |P‴(t*)| h³/16 for the final spacing h (h/t* ≈ 1e-5 for a 400-point grid);
    ``tests/systems/test_convergence_order.py`` checks the bound. Only the last level's
    estimate is kept: a coarser level's vertex may overshoot P* by its own, larger, h³
    term, so it must not win a comparison with the finer one.
    """
    from dataclasses import replace

    t = res.times
    k = int(np.argmin(np.abs(t - res.t_power_max)))
    lo = float(t[k - 1]) if k > 0 else 0.0
    hi = float(t[k + 1]) if k + 1 < t.size else float(t[k])
    if hi <= lo:
        return res
    start = state0 if lo == 0.0 else solver.step(state0, lo)
    t_best, p_best = res.t_power_max, res.power_max
    for _ in range(2):
        grid = np.linspace(lo, hi, 65)
        grid = grid[grid > 0]
        tr = solver.run(start, grid - lo, e_ops=[H0])
        P = (tr.expect[0] - E0) / grid
        j = int(np.argmax(P))
        # this level's estimate replaces the coarser one (see the docstring)
        t_best, p_best = float(grid[j]), float(P[j])
        if 0 < j < grid.size - 1:
            # Vertex of the parabola through (t_{j−1}, t_j, t_{j+1}) on a uniform grid.
            h = grid[1] - grid[0]
            d2 = P[j + 1] - 2 * P[j] + P[j - 1]
            if d2 < 0:
                shift = 0.5 * h * (P[j - 1] - P[j + 1]) / d2
                vertex = P[j] - 0.125 * (P[j + 1] - P[j - 1]) ** 2 / d2
                t_best, p_best = float(grid[j] + shift), float(vertex)
        # bracket the best point: left of grid[0] lies ``lo`` (grid[0] itself when lo > 0;
        # t = 0, dropped from the grid, when lo = 0 — the zoom had then gone right of it)
        new_lo = float(grid[j - 1]) if j > 0 else lo
        hi = float(grid[min(j + 1, grid.size - 1)])
        if new_lo > lo:
            start = solver.step(start, new_lo - lo)
            lo = new_lo
    return replace(res, power_max=p_best, t_power_max=t_best, power_max_refined=True)
