"""The Lindblad engine of the thermal machines, under the names they have always used.

The engine lives in the quantum layer now, one job per module:

* :mod:`ssbattery.quantum.superoperators` — vec/unvec, :func:`liouvillian`,
  :func:`dissipator`, :func:`unitary_superoperator`, :func:`cycle_map`;
* :mod:`ssbattery.quantum.evolution.lindblad` — :func:`evolve_density` and the prepared
  :class:`~ssbattery.quantum.evolution.LindbladEvolver` (a
  :class:`~ssbattery.quantum.evolution.Trajectory` as result, like the unitary solver);
* :mod:`ssbattery.quantum.evolution.propagators` — exact stroke maps :func:`propagator`,
  :func:`block_expm`, :func:`expm_and_integral`;
* :mod:`ssbattery.quantum.evolution.steady` — :func:`steady_state`, :func:`fixed_point`;
* :mod:`ssbattery.quantum.operators` — the one operator converter
  (:func:`~ssbattery.quantum.operators.as_operator`, ``Qobj`` accepted) and the Hermitian
  and density-matrix checks.

This module re-exports them for the thermal models; the four converters below keep their
old argument order (name first) for code written against it, deprecated (they warn; the
package itself calls the one converter).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ssbattery._blas import one_blas_thread, single_threaded
from ssbattery._deprecation import warn_renamed
from ssbattery.quantum.evolution.lindblad import evolve_density
from ssbattery.quantum.evolution.propagators import block_expm, expm_and_integral, propagator
from ssbattery.quantum.evolution.steady import fixed_point, steady_state
from ssbattery.quantum.evolution.trajectory import Trajectory
from ssbattery.quantum.operators import (
    Operator,
    OperatorLike,
    as_density_matrix,
    as_hermitian,
)
from ssbattery.quantum.operators import as_operator as _as_operator
from ssbattery.quantum.superoperators import (
    cycle_map,
    dissipator,
    liouvillian,
    unitary_superoperator,
    unvec,
    vec,
)

__all__ = [
    "DensityTrajectory",
    "as_operator",
    "block_expm",
    "check_density_matrix",
    "check_hermitian",
    "cycle_map",
    "dense_operator",
    "dissipator",
    "evolve_density",
    "expm_and_integral",
    "fixed_point",
    "liouvillian",
    "one_blas_thread",
    "propagator",
    "single_threaded",
    "steady_state",
    "unitary_superoperator",
    "unvec",
    "vec",
]

#: The result of :func:`evolve_density` is the package's one trajectory type.
DensityTrajectory = Trajectory


def as_operator(name: str, op: OperatorLike, dim: int | None = None) -> Operator:
    """Deprecated spelling (name first) of :func:`ssbattery.quantum.operators.as_operator`
    (``as_operator(op, name=..., dtype=complex)``)."""
    warn_renamed(
        "thermal.lindblad.as_operator(name, op)", "quantum.operators.as_operator(op, name=)"
    )
    return _as_operator(op, name=name, dim=dim, dtype=complex)


def dense_operator(name: str, op: OperatorLike, dim: int | None = None) -> NDArray[np.complex128]:
    """Deprecated spelling of :func:`~ssbattery.quantum.operators.as_operator` with
    ``dense=True, dtype=complex``."""
    warn_renamed("dense_operator(name, op)", "as_operator(op, name=, dense=True)")
    return np.asarray(_as_operator(op, name=name, dim=dim, dense=True, dtype=complex))


def check_hermitian(name: str, op: OperatorLike, *, rtol: float = 1e-10) -> None:
    """Deprecated spelling of :func:`~ssbattery.quantum.operators.as_hermitian`: raise
    :class:`~ssbattery.errors.InvalidParameterError` naming ``name`` unless
    max|op − op†| ≤ rtol·max(1, max|op|)."""
    warn_renamed("check_hermitian(name, op)", "as_hermitian(op, name=)")
    as_hermitian(op, name=name, rtol=rtol)


def check_density_matrix(
    name: str, rho: OperatorLike, dim: int, *, atol: float = 1e-8
) -> NDArray[np.complex128]:
    """Deprecated spelling of :func:`ssbattery.quantum.operators.as_density_matrix`."""
    warn_renamed("check_density_matrix(name, rho, dim)", "as_density_matrix(rho, dim, name=)")
    return as_density_matrix(rho, dim, name=name, atol=atol)
