"""Working media and feedback protocols for the general cycle of :mod:`ssbattery.thermal.cycle`.

* :func:`spin_chain_medium`: the XXZ chain of :mod:`ssbattery.quantum.spin_chain` (eqs.
  10–11 of the review) as a family H(B) = B Σ_i σᶻ_i + H_g in the field B = λ, built sparse
  on bit strings by :func:`~ssbattery.quantum.spin_chain.build_operators` (full 2^N space,
  site i = bit i, bit set = spin up = σᶻ = +1), with the local Hamiltonians B σᶻ_i and
  the bath operators σˣ_i of every site.
* :func:`energy_feedback`: a projective measurement of the energy of H(λ) (one projector
  per eigenvector), misread with probability ε, followed by the feedback unitary that
  swaps the measured eigenstate with the ground state ("ground", the Szilard-engine
  protocol of a demon that knows the state) or no feedback ("none", measurement only).

ħ = k_B = 1.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.cycle import Medium
from ssbattery.thermal.feedback import FeedbackProtocol
from ssbattery.validation import require_int_at_least

__all__ = ["MAX_CHAIN_SITES", "energy_feedback", "site_lowering", "spin_chain_medium"]

#: Largest chain the cycle engine takes. Above N = 5 (d = 2^N > 32) the engine runs on sparse
#: operators (no d² × d² map, see :mod:`ssbattery.thermal.cycle`); at N = 8 a state is
#: 256 × 256 and the sparse Liouvillian of local baths has ~10^6 entries. Global (Davies)
#: baths build one dense d × d operator per Bohr frequency, O(d²) of them: use local baths
#: (:func:`site_lowering`, ``form="local"``) for N ≥ 7.
MAX_CHAIN_SITES = 8


def _site_x(n: int, i: int) -> sp.csr_array:
    s = np.arange(2**n)
    return sp.csr_array((np.ones(2**n, dtype=complex), (s ^ (1 << i), s)), shape=(2**n,) * 2)


def site_lowering(n_sites: int, site: int) -> sp.csr_array:
    """σ⁻ of ``site`` (0-based) in the chain's bit-string basis (bit set = up): the lowering
    operator of a local bath; its bare frequency under B Σσᶻ is 2B."""
    n = require_int_at_least("n_sites", n_sites, 1)
    if not (isinstance(site, int) and 0 <= site < n):
        raise InvalidParameterError(f"`site` must be an integer in [0, {n - 1}], got {site!r}.")
    s = np.arange(2**n)
    up = ((s >> site) & 1).astype(bool)
    vals = np.ones(int(up.sum()), dtype=complex)
    return sp.csr_array((vals, (s[up] ^ (1 << site), s[up])), shape=(2**n,) * 2)


def _site_z(n: int, i: int) -> sp.csr_array:
    s = np.arange(2**n)
    return sp.csr_array(sp.diags_array(2.0 * ((s >> i) & 1) - 1.0).astype(complex))


def spin_chain_medium(
    n_sites: int = 3,
    *,
    coupling: float = 1.0,
    anisotropy: float = 1.0,
    interaction: Literal["nn", "lr"] = "nn",
    decay: float = 1.0,
    periodic: bool = False,
) -> tuple[Medium, dict[str, sp.csr_array]]:
    """(:class:`~ssbattery.thermal.cycle.Medium`, bath operators) of the XXZ chain with the
    field B as the control λ; the operators are named ``x1`` … ``xN`` (σˣ of each site).
    ``coupling``, ``anisotropy``, ``interaction``, ``decay``, ``periodic``: as in
    :class:`~ssbattery.quantum.spin_chain.SpinChainParameters`."""
    from ssbattery.quantum.spin_chain import SpinChainParameters, build_operators

    n = require_int_at_least("n_sites", n_sites, 1)
    if n > MAX_CHAIN_SITES:
        raise InvalidParameterError(
            f"`n_sites` = {n}: the cycle engine takes chains of at most {MAX_CHAIN_SITES} "
            "sites (a state has 4^N entries)."
        )
    base = SpinChainParameters(
        n,
        field=1.0,
        coupling=coupling,
        anisotropy=anisotropy,
        interaction=interaction,
        decay=decay,
        periodic=periodic,
    )
    h_g = build_operators(base, symmetric=False).H0 - sum(_site_z(n, i) for i in range(n))
    zs = [_site_z(n, i) for i in range(n)]
    zeeman = sum(zs)

    def hamiltonian(B: float) -> sp.csr_array:
        if B <= 0:
            raise InvalidParameterError(f"the chain's field B = λ must be > 0, got {B!r}.")
        return sp.csr_array(h_g + B * zeeman)

    def local(B: float) -> list[sp.csr_array]:
        return [sp.csr_array(B * z) for z in zs]

    name = f"XXZ chain (N = {n}, g = {coupling:g}, α = {anisotropy:g}, {interaction})"
    medium = Medium(hamiltonian, (2,) * n, local, name=name)
    return medium, {f"x{i + 1}": _site_x(n, i) for i in range(n)}


def energy_feedback(
    H: NDArray[np.complex128] | sp.csr_array,
    *,
    feedback: Literal["ground", "none"] = "ground",
    readout_error: float = 0.0,
) -> FeedbackProtocol:
    """A :class:`~ssbattery.thermal.feedback.FeedbackProtocol`: measure the energy of ``H``
    (rank-one projectors on its eigenvectors, ascending energy), then, for the record n,
    swap |n⟩ with the ground state |0⟩ (``feedback="ground"``) or do nothing ("none")."""
    if feedback not in ("ground", "none"):
        raise InvalidParameterError(f"`feedback` must be 'ground' or 'none', got {feedback!r}.")
    Hd = np.asarray(sp.csr_array(H).toarray() if sp.issparse(H) else H, dtype=complex)
    _, V = np.linalg.eigh(0.5 * (Hd + Hd.conj().T))
    d = Hd.shape[0]
    projectors = tuple(np.outer(V[:, n], V[:, n].conj()) for n in range(d))
    unitaries = []
    for n in range(d):
        perm = np.arange(d)
        if feedback == "ground":
            perm[[0, n]] = perm[[n, 0]]
        unitaries.append(V[:, perm] @ V.conj().T)
    labels = tuple(f"E{n}" for n in range(d))
    return FeedbackProtocol(projectors, tuple(unitaries), labels, readout_error)
