"""What every propagation method provides: the :class:`Method` protocol.

A method is a frozen dataclass of its settings (its tolerance among them) with one
operation, ``propagate``: evolve a block of kets Ψ (n × m; one column for a pure state,
the weighted eigenvectors of ρ for a mixed one) to increasing output times, handing each
block of consecutive output states to ``emit``. The solver picks the method by *type*
and never by a string; a new method is a new class registered in
:mod:`ssbattery.quantum.evolution.registry`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from ssbattery.quantum.evolution.hamiltonian import PreparedHamiltonian

__all__ = ["Emit", "Method"]

#: ``emit(k0, block)``: the states at output times k0 … k0 + M − 1, shape (M, n, m).
Emit = Callable[[int, NDArray[np.complex128]], None]


@runtime_checkable
class Method(Protocol):
    """A propagation method: settings plus ``propagate`` (see the module docstring)."""

    def propagate(
        self,
        H: PreparedHamiltonian,
        Psi: NDArray,
        times: NDArray[np.float64],
        emit: Emit,
    ) -> NDArray[np.complex128]:
        """Evolve the kets ``Psi`` (n × m) from t = 0 to every time in ``times``.

        Each output block goes to ``emit``; returns the states at ``times[-1]`` (n × m).
        """
        ...
