"""Unitary evolution under time-independent and piecewise-constant Hamiltonians (eqs. 3–5).

|ψ(t)⟩ = e^{−iHt}|ψ(0)⟩ (ħ = 1) for a constant charging field, and the time-ordered product
U = e^{−iH_n τ_n} ⋯ e^{−iH_1 τ_1} (eq. 3) for piecewise-constant fields; density matrices
evolve as ρ(t) = U ρ(0) U† (eq. 5).

One module per job:

* :mod:`.solver` — the prepared solver :class:`Evolver` (``Evolver(H, method).run``,
  ``.step``) and the one-call :func:`evolve`; :mod:`.piecewise` — :func:`evolve_piecewise`;
  :mod:`.lindblad` — the open-system solver :class:`LindbladEvolver` and
  :func:`evolve_density` (same checks, same result type, same store_states rule);
  :mod:`.propagators` (exact stroke maps exp(Lτ), ∫exp(Ls)ds) and :mod:`.steady` (steady
  states, fixed points of a cycle), over the superoperators of
  :mod:`ssbattery.quantum.superoperators`.
* one module per method, each a frozen dataclass of its settings picked by *type*:
  :mod:`.eigh` (:class:`Eigh`, exact diagonalisation, small problems), :mod:`.chebyshev`
  (:class:`Chebyshev`, multi-time expansion for states spread over the spectrum, the spin
  chain), :mod:`.lanczos` (:class:`Lanczos`, long Krylov steps for states in a narrow band
  of a wide spectrum, the Dicke battery), :mod:`.expm` (:class:`ExpmMultiply`, scipy's
  reference, and :class:`Expm`, dense exact steps; both also propagate Lindblad
  generators); :mod:`.registry` lists them, :mod:`.base` states what a method provides
  and the :class:`EvolutionStats` every :class:`Trajectory` carries.
* :mod:`.validation` (shared argument checks), :mod:`.trajectory` (:class:`Trajectory`),
  :mod:`.hamiltonian` (a checked H with its remembered spectral data), :mod:`.spectrum`
  (spectral bounds), :mod:`.kernels` (shared products and the dense/sparse rule),
  :mod:`.fused` (the numba Lanczos iteration for a real CSR H or a matrix-free one such as
  the Dicke stencil, ``evolve(..., matrix_free=...)``).
"""

from __future__ import annotations

from ssbattery.quantum.evolution.base import EvolutionStats, Method, OpenMethod
from ssbattery.quantum.evolution.chebyshev import Chebyshev, chebyshev_terms
from ssbattery.quantum.evolution.eigh import Eigh
from ssbattery.quantum.evolution.expm import Expm, ExpmMultiply
from ssbattery.quantum.evolution.kernels import DENSE_EXPM_LIMIT, DENSE_LIMIT, prefers_dense
from ssbattery.quantum.evolution.lanczos import Lanczos
from ssbattery.quantum.evolution.lindblad import LindbladEvolver, evolve_density
from ssbattery.quantum.evolution.piecewise import evolve_piecewise
from ssbattery.quantum.evolution.propagators import block_expm, expm_and_integral, propagator
from ssbattery.quantum.evolution.registry import METHODS, open_methods
from ssbattery.quantum.evolution.solver import LANCZOS_SPREAD_RATIO, Evolver, evolve
from ssbattery.quantum.evolution.spectrum import spectral_bounds
from ssbattery.quantum.evolution.steady import fixed_point, steady_state
from ssbattery.quantum.evolution.trajectory import Trajectory

__all__ = [
    "DENSE_EXPM_LIMIT",
    "DENSE_LIMIT",
    "LANCZOS_SPREAD_RATIO",
    "METHODS",
    "Chebyshev",
    "Eigh",
    "EvolutionStats",
    "Evolver",
    "Expm",
    "ExpmMultiply",
    "Lanczos",
    "LindbladEvolver",
    "Method",
    "OpenMethod",
    "Trajectory",
    "block_expm",
    "chebyshev_terms",
    "evolve",
    "evolve_density",
    "evolve_piecewise",
    "expm_and_integral",
    "fixed_point",
    "open_methods",
    "prefers_dense",
    "propagator",
    "spectral_bounds",
    "steady_state",
]
