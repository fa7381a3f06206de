"""What every propagation method provides: the :class:`Method` protocol.

A method is a frozen dataclass of its settings (its tolerance among them) with one
operation, ``propagate``: evolve a block of kets Ψ (n × m; one column for a pure state,
the weighted eigenvectors of ρ for a mixed one) to increasing output times, handing each
block of consecutive output states to ``emit`` and its costs to a :class:`StatsRecorder`.
A method that can also propagate a Lindblad generator provides ``propagate_open`` too
(:class:`OpenMethod`). The solver picks the method by *type*
and never by a string; a new method is a new class registered in
:mod:`ssbattery.quantum.evolution.registry`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ssbattery.results import Recorded

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Emit", "EmitOpen", "EvolutionStats", "Method", "OpenMethod", "StatsRecorder"]

#: ``emit(k0, block)``: the states at output times k0 … k0 + M − 1, shape (M, n, m).
Emit = Callable[[int, NDArray[np.complex128]], None]


@dataclass(frozen=True)
class EvolutionStats(Recorded):
    """What a propagation cost and how accurate it claims to be.

    Attributes:
        products: matrix–vector products with the generator (H, or the Liouvillian L)
            or with a propagator built from it; a block of m kets counts m. None where
            the method does not report them (scipy's ``expm_multiply``).
        steps: expansions, Krylov bases, exponentials or diagonalisations performed.
        error_estimate: the method's own bound on the error of the final state (norm-2,
            absolute; for several kets the largest), summed over its steps: Chebyshev
            truncation tails, Lanczos a-posteriori estimates; 0.0 for methods exact to
            round-off (Eigh, dense exponentials); None where not estimated.
    """

    products: int | None = 0
    steps: int = 0
    error_estimate: float | None = 0.0

    _UNITS: ClassVar[dict[str, str]] = {"error_estimate": "1"}

    def __str__(self) -> str:
        prods = "not counted" if self.products is None else f"{self.products}"
        err = "not estimated" if self.error_estimate is None else f"{self.error_estimate:.2e}"
        return f"{self.steps} steps, {prods} products, error estimate {err}"


class StatsRecorder:
    """The mutable tally a method fills while it propagates (see :class:`EvolutionStats`)."""

    def __init__(self) -> None:
        self.products: int | None = 0
        self.steps = 0
        self.error_estimate: float | None = 0.0

    def not_reported(self, *, products: bool = False, error: bool = False) -> None:
        """Mark the products or the error estimate as not reported by this method."""
        if products:
            self.products = None
        if error:
            self.error_estimate = None

    def add(self, *, products: int = 0, steps: int = 0, error: float = 0.0) -> None:
        """Count ``products`` and ``steps``; add ``error`` to the error estimate."""
        if self.products is not None:
            self.products += int(products)
        self.steps += int(steps)
        if self.error_estimate is not None:
            self.error_estimate += float(error)

    def freeze(self) -> EvolutionStats:
        """The tally as an immutable :class:`EvolutionStats`."""
        return EvolutionStats(self.products, self.steps, self.error_estimate)


@runtime_checkable
class Method(Protocol):
    """A propagation method: settings plus ``propagate`` (see the module docstring)."""

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) from t = 0 to every time in ``times``.

        Each output block goes to ``emit``; the work done and the error bound go to
        ``stats``; returns the states at ``times[-1]`` (n × m).
        """
        ...


#: ``emit_open(k0, block)``: vec(ρ) at output times k0 … k0 + M − 1, shape (M, d²).
EmitOpen = Callable[[int, NDArray[np.complex128]], None]


@runtime_checkable
class OpenMethod(Protocol):
    """A method that also propagates dρ/dt = Lρ on column-stacked vec(ρ)."""

    def propagate_open(
        self,
        L: sp.csr_array,
        v0: NDArray[np.complex128],
        times: NDArray[np.float64],
        emit: EmitOpen,
        stats: StatsRecorder,
    ) -> NDArray[np.complex128]:
        """Evolve vec(ρ(0)) = ``v0`` under the generator ``L`` to every time in ``times``.

        Output blocks go to ``emit``, costs to ``stats``; returns vec(ρ(times[-1])).
        """
        ...
