"""An undriven open quantum system: a Hamiltonian and its baths, each coupled in the global
(secular, Davies) or the local form. The common input of :func:`ssbattery.thermal.audit.audit`,
the thermal strokes of :mod:`ssbattery.thermal.cycle` and the machines of
:mod:`ssbattery.thermal.machines`. ħ = k_B = 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import as_operator
from ssbattery.thermal.baths import Bath, global_dissipators, local_dissipators

__all__ = ["BathCoupling", "ThermalModel"]


@dataclass(frozen=True)
class BathCoupling:
    """One bath and how it couples: ``form="global"`` with the system operator ``operator``
    (Davies dissipators of the full H), or ``form="local"`` with the lowering operator
    ``operator`` of a subsystem of bare frequency ``frequency``."""

    bath: Bath
    operator: Any
    form: Literal["global", "local"] = "global"
    frequency: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.bath, Bath):
            raise InvalidParameterError(f"`bath` must be a Bath, got {type(self.bath).__name__}.")
        if self.form not in ("global", "local"):
            raise InvalidParameterError(f"`form` must be 'global' or 'local', got {self.form!r}.")
        if self.form == "local" and (self.frequency is None or self.frequency <= 0):
            raise InvalidParameterError("a local coupling needs its bare `frequency` > 0.")

    def jump_operators(self, H: np.ndarray) -> list[np.ndarray]:
        """The jump operators of this bath for the Hamiltonian ``H``."""
        if self.form == "local":
            return local_dissipators(self.operator, float(self.frequency or 0.0), self.bath)
        return global_dissipators(H, self.operator, self.bath)

    def global_twin(self) -> BathCoupling:
        """The same bath coupled globally through S = a + a† (for the local/global check)."""
        a = np.asarray(as_operator(self.operator, name="operator", dense=True, dtype=complex))
        return BathCoupling(self.bath, a + a.conj().T, "global", label=self.label)


@dataclass(frozen=True)
class ThermalModel:
    """An undriven open system: Hamiltonian ``H`` and its ``baths``.

    ``truncated``: for oscillators, (subsystem dims, index of each truncated mode) so that
    the top-level population can be checked; ``rebuild(levels)`` returns the same model
    at another cutoff and ``levels`` is the present one (for the convergence check).
    ``driven``: H contains a drive (e.g. a laser in its rotating frame), so work enters and
    the checks that assume an undriven machine are skipped by the audit.
    """

    H: Any
    baths: tuple[BathCoupling, ...]
    name: str = "model"
    dims: tuple[int, ...] | None = None
    truncated: tuple[int, ...] = ()
    levels: int | None = None
    driven: bool = False
    rebuild: Callable[[int], ThermalModel] | None = field(default=None, compare=False)

    def hamiltonian(self) -> np.ndarray:
        """H as a dense matrix."""
        return np.asarray(as_operator(self.H, name="H", dense=True, dtype=complex))

    def dissipators(self) -> list[list[np.ndarray]]:
        """The jump operators of every bath."""
        H = self.hamiltonian()
        return [b.jump_operators(H) for b in self.baths]
