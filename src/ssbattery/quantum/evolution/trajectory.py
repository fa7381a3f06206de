"""The result of a unitary evolution: :class:`Trajectory`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ssbattery.quantum.evolution.base import EvolutionStats
from ssbattery.results import Recorded

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["Trajectory"]


@dataclass(frozen=True)
class Trajectory(Recorded):
    """The result of :func:`~ssbattery.quantum.evolution.evolve`.

    Attributes:
        times: the output times (same units as 1/H).
        expect: ⟨A⟩(t) for each of ``e_ops``, shape (n_ops, n_times); real when every A is
            Hermitian, complex otherwise.
        observed: ``observer(state, k)``'s return value at each output time.
        final_state: the state at ``times[-1]`` (ket, or density matrix).
        states: every output state, shape (n_times, n) or (n_times, n, n), only if asked.
        method: the method object that propagated the state (the one picked by default
            when none was given), with its settings and tolerance.
        stats: what the propagation cost (products, steps) and its error estimate.
    """

    times: NDArray[np.float64]
    expect: NDArray[Any]
    observed: list[Any] = field(default_factory=list)
    final_state: NDArray[Any] = field(default_factory=lambda: np.zeros(0))
    states: NDArray[Any] | None = None
    method: Any = None
    stats: EvolutionStats = field(default_factory=EvolutionStats)

    _UNITS: ClassVar[dict[str, str]] = {
        "times": "1/E",
        "expect": "expect [e_ops]",
    }
    _OMIT: ClassVar[frozenset[str]] = frozenset({"observed", "final_state", "states"})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the times (in 1/E, E the unit of H), ⟨A⟩(t) (in the units of each
        ``e_ops`` entry; complex values as real and imaginary parts), the method as written
        (its settings and tolerance) and the stats; the states and ``observed`` stay on the
        object."""
        out = super().to_dict()
        out["method"] = None if self.method is None else repr(self.method)
        return out

    @property
    def tol(self) -> float | None:
        """The tolerance of the method used (None for methods exact to round-off)."""
        tol = getattr(self.method, "tol", None)
        return None if tol is None else float(tol)

    def __str__(self) -> str:
        method = "no method recorded" if self.method is None else repr(self.method)
        return (
            f"Trajectory: {self.times.size} output times in [{self.times[0]:.4g}, "
            f"{self.times[-1]:.4g}] (1/energy units), {self.expect.shape[0]} expectation "
            f"values; {method}; {self.stats}"
        )

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)
