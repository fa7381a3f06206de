"""Stationary states of a Lindblad generator and fixed points of a cycle's channel.

The steady state is one sparse LU solve of L with one equation replaced by Tr ρ = 1 (as
fast as QuTiP's direct ``steadystate`` on CSR data, to machine precision); the periodic
steady state (limit cycle) of a machine is the fixed point of the one-cycle map
M = M_n ⋯ M_1, found by a linear solve instead of simulating many cycles.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ssbattery._blas import single_threaded
from ssbattery.errors import ConvergenceWarning, InvalidParameterError, api_only
from ssbattery.quantum.operators import OperatorLike
from ssbattery.quantum.superoperators import liouvillian, unvec, vec

__all__ = ["fixed_point", "steady_state"]


def _trace_row(d: int) -> np.ndarray:
    row = np.zeros(d * d, dtype=complex)
    row[:: d + 1] = 1.0
    return row


def _solve_with_trace(A: sp.csr_array | np.ndarray, d: int, replace: int) -> np.ndarray:
    """Solve A v = 0 with row ``replace`` of A replaced by the trace condition Σ v_ii = 1.

    A dense ``A`` (e.g. a one-cycle map) is solved by dense LU, a sparse one by SuperLU.
    """
    n = d * d
    b = np.zeros(n, dtype=complex)
    b[replace] = 1.0
    if isinstance(A, np.ndarray):
        B = A.astype(complex, copy=True)
        B[replace, :] = _trace_row(d)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            try:
                return np.asarray(sla.solve(B, b))
            except np.linalg.LinAlgError as exc:
                raise InvalidParameterError(
                    "The fixed point is not unique (singular system); add dissipation that "
                    "connects every level."
                ) from exc
    keep = np.ones(n)
    keep[replace] = 0.0
    Bs = sp.diags_array(keep) @ A + sp.csr_array(
        (_trace_row(d), (np.full(d * d, replace), np.arange(n))), shape=(n, n)
    )
    try:
        lu = spla.splu(sp.csc_array(Bs))
    except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
        raise InvalidParameterError(
            "The steady state is not unique (the generator has more than one zero "
            "eigenvalue); add dissipators that connect every level or break the symmetry."
        ) from exc
    return np.asarray(lu.solve(b))


def _finish_state(v: np.ndarray, d: int) -> np.ndarray:
    rho = unvec(v, d)
    rho = 0.5 * (rho + rho.conj().T)
    return rho / np.trace(rho).real


def _steady_from_generator(
    A: sp.csr_array | np.ndarray, d: int, *, check_unique: bool, what: str
) -> np.ndarray:
    v0 = _solve_with_trace(A, d, 0)
    if not np.all(np.isfinite(v0)):
        raise InvalidParameterError(
            f"The {what} is not unique (singular system); add dissipation that connects "
            "every level."
        )
    if check_unique and d > 1:
        v1 = _solve_with_trace(A, d, d * d - 1)
        if not np.all(np.isfinite(v1)) or np.max(np.abs(v1 - v0)) > 1e-6 * max(
            1.0, float(np.max(np.abs(v0)))
        ):
            raise InvalidParameterError(
                f"The {what} is not unique: two normalisations give different states; add "
                "dissipation that connects every level, or (a stroke far longer than the "
                "relaxation time: the state is then thermal) shorten it."
                + api_only("pass `check_unique=False` to take the first state")
            )
    rho = _finish_state(v0, d)
    residual = float(np.max(np.abs(A @ vec(rho)), initial=0.0))
    scale = (
        float(np.max(np.abs(A), initial=0.0))
        if isinstance(A, np.ndarray)
        else (float(abs(A).max()) if A.nnz else 1.0)
    )
    if residual > 1e-8 * max(1.0, scale):
        warnings.warn(
            f"The {what} residual max|A vec ρ| = {residual:.2e} is large; the system may "
            "be ill-conditioned.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return rho


@single_threaded
def steady_state(
    H: OperatorLike, c_ops: Sequence[OperatorLike], *, check_unique: bool = True
) -> np.ndarray:
    """The steady state ρ_ss with L ρ_ss = 0, Tr ρ_ss = 1, by one sparse LU solve.

    One row of L (that of ρ_00, redundant because L preserves the trace) is replaced by
    the trace condition. With ``check_unique`` a second solve replacing another row must
    agree (to 1e-6), else :class:`InvalidParameterError` says the steady state is not
    unique. The result is Hermitised and normalised; a large residual raises a
    :class:`~ssbattery.errors.ConvergenceWarning`.
    """
    L = liouvillian(H, c_ops)
    d = round(float(np.sqrt(L.shape[0])))
    return _steady_from_generator(L, d, check_unique=check_unique, what="steady state")


@single_threaded
def fixed_point(channel: np.ndarray, *, check_unique: bool = True) -> np.ndarray:
    """The density matrix ρ* with M vec(ρ*) = vec(ρ*): the periodic steady state of a cycle.

    Solved as the null vector of M − 1 with one equation replaced by Tr ρ = 1 (a linear
    solve, not the iteration of many cycles). ``channel`` is a d²×d² superoperator, e.g.
    from :func:`cycle_map`.
    """
    M = np.asarray(channel, dtype=complex)
    if M.ndim != 2 or M.shape[0] != M.shape[1]:
        raise InvalidParameterError(f"`channel` must be square, got shape {M.shape}.")
    d = round(float(np.sqrt(M.shape[0])))
    if d * d != M.shape[0]:
        raise InvalidParameterError(
            f"`channel` must act on d²-dimensional vec(ρ), but has size {M.shape[0]}."
        )
    A = M - np.eye(d * d)
    return _steady_from_generator(A, d, check_unique=check_unique, what="periodic steady state")
