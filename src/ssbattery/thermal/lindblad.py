"""A small Lindblad master-equation engine (dense/sparse superoperators, exact propagators).

The master equation, with ħ = 1 and energies in units of a reference frequency stated by
each model,

    dρ/dt = L ρ = −i[H, ρ] + Σ_k ( C_k ρ C_k† − ½{C_k† C_k, ρ} ),

is written as a matrix acting on the **column-stacked** vector vec(ρ) (Fortran order,
``rho.reshape(-1, order="F")``), for which vec(A ρ B) = (Bᵀ ⊗ A) vec(ρ). Hence

    L = −i (1 ⊗ H − Hᵀ ⊗ 1) + Σ_k [ C̄_k ⊗ C_k − ½ 1 ⊗ C_k†C_k − ½ (C_k†C_k)ᵀ ⊗ 1 ].

Why our own engine rather than QuTiP's ``mesolve``/``steadystate`` (QuTiP is the cross-check
in the tests and the peer in ``benchmarks/bench_lindblad.py``, see RESULTS_lindblad.md):
the thermal machines of the review are small (Hilbert dimension d ≲ 60) and *time
independent within each stroke*, so

* the steady state is one sparse LU solve of L with one equation replaced by Tr ρ = 1
  (as fast as QuTiP's direct ``steadystate`` on CSR data, to machine precision);
* the state on an output grid is exactly ρ(t + Δt) = exp(L Δt) ρ(t): for d² ≤
  ``DENSE_LIMIT`` one dense ``expm`` per step size, then matrix–vector products (machine
  precision; as fast as or faster than ``mesolve`` at atol = rtol = 1e-10 up to d ≈ 15);
  above it ``scipy.sparse.linalg.expm_multiply`` on the sparse L (faster than ``mesolve``
  at that tolerance for d = 30–60 in our benchmark);
* the map of a whole stroke, exp(L τ), and its time integral ∫₀^τ exp(L s) ds (for heat
  exchanged during a stroke, without quadrature) come from one augmented ``expm``; Davies
  generators are exponentiated block by block in the eigenbasis of H;
* the periodic steady state (limit cycle) of a machine is the fixed point of the one-cycle
  map M = M_n ⋯ M_1, found by a linear solve instead of simulating many cycles.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ssbattery._blas import one_blas_thread, single_threaded
from ssbattery.errors import ConvergenceWarning, InvalidParameterError
from ssbattery.quantum.operators import as_density_matrix, as_hermitian
from ssbattery.validation import check_memory, require_positive

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

#: Liouville-space dimension (d²) up to which :func:`evolve_density` uses dense exact
#: propagators (measured crossover with ``expm_multiply``: d ≈ 15–20).
DENSE_LIMIT = 256


def vec(rho: np.ndarray) -> np.ndarray:
    """Column-stack a d×d matrix into a vector of length d² (the engine's convention)."""
    return np.asarray(rho).reshape(-1, order="F")


def unvec(v: np.ndarray, dim: int | None = None) -> np.ndarray:
    """Inverse of :func:`vec`: a length-d² vector back to a d×d matrix."""
    v = np.asarray(v)
    d = round(float(np.sqrt(v.size))) if dim is None else dim
    return v.reshape((d, d), order="F")


def as_operator(name: str, op: Any, dim: int | None = None) -> np.ndarray | sp.csr_array:
    """Convert ``op`` (ndarray, scipy sparse or QuTiP ``Qobj``) to a square complex matrix.

    Raises :class:`InvalidParameterError` naming ``name`` if it is not square, not finite,
    or not of dimension ``dim``.
    """
    if hasattr(op, "full") and hasattr(op, "dims"):  # a QuTiP Qobj
        op = op.full()
    if sp.issparse(op):
        mat: np.ndarray | sp.csr_array = sp.csr_array(op, dtype=complex)
        data = mat.data
    else:
        try:
            mat = np.asarray(op, dtype=complex)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"`{name}` must be a square matrix (ndarray, scipy sparse or Qobj), "
                f"got {type(op).__name__}."
            ) from exc
        data = mat
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
        raise InvalidParameterError(
            f"`{name}` must be a square matrix, but has shape {tuple(mat.shape)}."
        )
    if not np.all(np.isfinite(data)):
        raise InvalidParameterError(f"`{name}` contains NaN or infinite entries.")
    if dim is not None and mat.shape[0] != dim:
        raise InvalidParameterError(
            f"`{name}` must have shape ({dim}, {dim}) to match the Hamiltonian, "
            f"but has shape {tuple(mat.shape)}; build it on the same Hilbert space."
        )
    return mat


def dense_operator(name: str, op: Any, dim: int | None = None) -> np.ndarray:
    """Like :func:`as_operator` but always a dense complex ndarray."""
    m = as_operator(name, op, dim)
    return m.toarray() if isinstance(m, sp.sparray) else np.asarray(m)


def check_hermitian(name: str, op: np.ndarray | sp.csr_array, *, rtol: float = 1e-10) -> None:
    """Raise :class:`InvalidParameterError` naming ``name`` if ``op`` is not Hermitian.

    The check is :func:`ssbattery.quantum.operators.as_hermitian`'s:
    max|op − op†| ≤ rtol·max(1, max|op|).
    """
    as_hermitian(op, name=name, atol=rtol)


def _prepare(H: Any, c_ops: Sequence[Any]) -> tuple[Any, list[Any], int]:
    Hm = as_operator("H", H)
    check_hermitian("H", Hm)
    d = Hm.shape[0]
    if isinstance(c_ops, np.ndarray) and c_ops.ndim == 2:
        raise InvalidParameterError(
            "`c_ops` must be a sequence of jump operators, got a single matrix; wrap it: [C]."
        )
    cs = [as_operator(f"c_ops[{k}]", c, d) for k, c in enumerate(c_ops)]
    return Hm, cs, d


def _coo(C: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(C, np.ndarray):
        r, c = np.nonzero(C)
        return r, c, C[r, c]
    m = sp.coo_array(C)
    return np.asarray(m.row), np.asarray(m.col), np.asarray(m.data)


def dissipator(c_op: Any) -> sp.csr_array:
    """The superoperator of D[C]ρ = CρC† − ½{C†C, ρ} (column stacking)."""
    C = sp.csr_array(as_operator("c_op", c_op))
    d = C.shape[0]
    eye = sp.identity(d, dtype=complex, format="csr")
    CdC = (C.conj().T @ C).tocsr()
    out = sp.kron(C.conj(), C) - 0.5 * sp.kron(eye, CdC) - 0.5 * sp.kron(CdC.T, eye)
    return sp.csr_array(out)


def liouvillian(H: Any, c_ops: Sequence[Any] = ()) -> sp.csr_array:
    """The Lindblad generator L as a sparse d²×d² matrix acting on column-stacked vec(ρ).

    ``H`` must be Hermitian and every jump operator ``c_ops[k]`` of H's shape; otherwise
    :class:`InvalidParameterError` names the argument. Rates are inside the operators
    (C_k = √γ_k A_k). The anticommutator terms are summed once (K = Σ C_k†C_k); many dense
    jump operators (e.g. Davies operators of a truncated oscillator) are contracted with
    one matrix product, Σ_k C̄_k ⊗ C_k = reshape(C̄ᵀ C), instead of one Kronecker product
    each.
    """
    Hm, cs, d = _prepare(H, c_ops)
    eye = sp.identity(d, dtype=complex, format="csr")
    K: Any = np.zeros((d, d), dtype=complex) if d <= 2000 else sp.csr_array((d, d), dtype=complex)
    for C in cs:
        K = K + (C.conj().T @ C)
    G = sp.csr_array(-1j * Hm - 0.5 * K)  # L = 1 ⊗ G + Ḡ ⊗ 1 + Σ C̄ ⊗ C
    L = sp.kron(eye, G) + sp.kron(G.conj(), eye)
    if cs:
        entries = [_coo(C) for C in cs]
        nnz = sum(e[2].size for e in entries)
        if len(cs) > 8 and nnz > 0.25 * len(cs) * d * d and d <= 40:  # d⁴ ≤ 2.6e6 entries
            stack = np.stack(
                [C.toarray() if sp.issparse(C) else np.asarray(C) for C in cs]
            ).reshape(len(cs), d * d)
            T = (stack.conj().T @ stack).reshape(d, d, d, d)  # [i, j, k, l] = Σ C̄_ij C_kl
            jump = sp.csr_array(T.transpose(0, 2, 1, 3).reshape(d * d, d * d))
        else:  # kron(C̄, C)[i·d + k, j·d + l] = C̄_ij C_kl, all operators in one COO build
            rows = [(r[:, None] * d + r[None, :]).ravel() for r, _, _ in entries]
            cols = [(c[:, None] * d + c[None, :]).ravel() for _, c, _ in entries]
            vals = [(v.conj()[:, None] * v[None, :]).ravel() for _, _, v in entries]
            jump = sp.csr_array(
                (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                shape=(d * d, d * d),
            )
        L = L + jump
    return sp.csr_array(L)


def unitary_superoperator(U: Any) -> np.ndarray:
    """Superoperator of ρ ↦ U ρ U† (column stacking): Ū ⊗ U. ``U`` must be unitary."""
    Um = np.asarray(as_operator("U", U.toarray() if sp.issparse(U) else U))
    err = np.max(np.abs(Um.conj().T @ Um - np.eye(Um.shape[0])))
    if err > 1e-9:
        raise InvalidParameterError(f"`U` must be unitary, but max|U†U − 1| = {err:.3g}.")
    return np.kron(Um.conj(), Um)


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
                "dissipation that connects every level (or pass check_unique=False)."
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
def steady_state(H: Any, c_ops: Sequence[Any], *, check_unique: bool = True) -> np.ndarray:
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
def block_expm(L: Any, t: float, *, rtol: float = 1e-14) -> np.ndarray:
    """exp(L t) of a (sparse) generator, exponentiating its decoupled blocks separately.

    The blocks are the connected components of the graph of L's entries above
    ``rtol``·max|L|. A Davies generator written in the eigenbasis of H splits into the
    populations and one block per class of equal Bohr frequency, so a d-level oscillator
    costs ~d⁴ instead of d⁶: 20 levels went from 0.40 s to a few ms. Without blocks this
    is one dense ``expm``.
    """
    from scipy.sparse.csgraph import connected_components

    A = sp.csr_array(L)
    n = A.shape[0]
    check_memory("The propagator", (n, n))
    big = float(abs(A).max()) if A.nnz else 0.0
    pattern = sp.csr_array(abs(A) > rtol * big) if big > 0 else A
    n_comp, labels = connected_components(pattern, directed=False)
    dense = A.toarray()
    if n_comp == 1:
        return np.asarray(sla.expm(dense * t))
    out = np.zeros((n, n), dtype=complex)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(n_comp + 1))
    for c in range(n_comp):
        idx = order[bounds[c] : bounds[c + 1]]
        block = dense[np.ix_(idx, idx)]
        if idx.size == 1:
            out[idx[0], idx[0]] = np.exp(block[0, 0] * t)
        else:
            out[np.ix_(idx, idx)] = sla.expm(block * t)
    return out


def propagator(H: Any, c_ops: Sequence[Any], t: float, *, eigenbasis: bool = False) -> np.ndarray:
    """The dense superoperator exp(L t) of a stroke of duration ``t`` ≥ 0 (column stacking).

    With ``eigenbasis`` the generator is built in the eigenbasis of H, exponentiated block
    by block (:func:`block_expm`; fast for secular/Davies dissipators) and rotated back:
    the result is the same map in the original basis.
    """
    t = require_positive("t", t, allow_zero=True)
    if not eigenbasis:
        return block_expm(liouvillian(H, c_ops), t)
    Hm = dense_operator("H", H)
    check_hermitian("H", Hm)
    d = Hm.shape[0]
    E, V = np.linalg.eigh(Hm)
    Vh = V.conj().T
    cs = [Vh @ dense_operator(f"c_ops[{k}]", c, d) @ V for k, c in enumerate(c_ops)]
    cs = [np.where(np.abs(c) > 1e-15 * max(1.0, float(np.max(np.abs(c)))), c, 0) for c in cs]
    P = block_expm(liouvillian(np.diag(E), cs), t)
    # S P S† with S = V̄ ⊗ V (vec(VρV†) = S vec ρ), as four d×d contractions (d⁵, not d⁶)
    P4 = P.reshape(d, d, d, d)  # [p, q, r, s]: row p·d + q, column r·d + s
    P4 = np.einsum("Pp,pqrs->Pqrs", V.conj(), P4, optimize=True)
    P4 = np.einsum("Qq,Pqrs->PQrs", V, P4, optimize=True)
    P4 = np.einsum("PQrs,rR->PQRs", P4, V.T, optimize=True)
    P4 = np.einsum("PQRs,sS->PQRS", P4, V.conj().T, optimize=True)
    return P4.reshape(d * d, d * d)


@single_threaded
def expm_and_integral(L: Any, t: float) -> tuple[np.ndarray, np.ndarray]:
    """exp(L t) and ∫₀ᵗ exp(L s) ds from one augmented matrix exponential.

    expm([[L, 1], [0, 0]] t) = [[exp(Lt), ∫₀ᵗ exp(Ls) ds], [0, 1]] (Van Loan). The integral
    applied to vec(ρ(0)) gives ∫ρ dt over a stroke, hence heat Q_k = Tr[H D_k(∫ρ dt)]
    exactly, without quadrature.
    """
    t = require_positive("t", t, allow_zero=True)
    A = L.toarray() if sp.issparse(L) else np.asarray(L, dtype=complex)
    n = A.shape[0]
    check_memory("The augmented propagator", (2 * n, 2 * n))
    big = np.zeros((2 * n, 2 * n), dtype=complex)
    big[:n, :n] = A * t
    big[:n, n:] = np.eye(n) * t
    E = sla.expm(big)
    return E[:n, :n], E[:n, n:]


def cycle_map(*maps: np.ndarray) -> np.ndarray:
    """The one-cycle superoperator of strokes applied in the given order: M_n ⋯ M_2 M_1."""
    if not maps:
        raise InvalidParameterError("`maps` is empty; give the stroke maps of one cycle.")
    out = np.asarray(maps[0])
    for m in maps[1:]:
        out = np.asarray(m) @ out
    return out


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


def check_density_matrix(name: str, rho: Any, dim: int, *, atol: float = 1e-8) -> np.ndarray:
    """Return ``rho`` as a dense d×d complex array, or raise if it is not a Hermitian,
    unit-trace, positive semidefinite matrix (the checks of
    :func:`ssbattery.quantum.operators.as_density_matrix`, here also for sparse or Qobj input).
    """
    return as_density_matrix(dense_operator(name, rho, dim), dim, name=name, atol=atol)


@dataclass(frozen=True)
class DensityTrajectory:
    """ρ(t) on an output grid: ``times`` (n_t,), ``states`` (n_t, d, d) or None, and
    ``expect`` (n_e, n_t) with Tr[E_k ρ(t)] (real when every E_k is Hermitian)."""

    times: np.ndarray
    states: np.ndarray | None
    expect: np.ndarray


@single_threaded
def evolve_density(
    H: Any,
    c_ops: Sequence[Any],
    rho0: Any,
    times: Sequence[float] | np.ndarray,
    *,
    e_ops: Sequence[Any] = (),
    store_states: bool | None = None,
    dense_limit: int = DENSE_LIMIT,
) -> DensityTrajectory:
    """Solve dρ/dt = Lρ from ρ(times[0]) = ``rho0`` and return ρ on the grid ``times``.

    For d² ≤ ``dense_limit`` each step uses the exact propagator exp(L Δt), computed once
    per distinct step size (one ``expm`` for a uniform grid); larger systems use
    ``scipy.sparse.linalg.expm_multiply`` on the sparse L. Both are exact up to round-off
    (no ODE tolerance). ``rho0`` may be a density
    matrix or a state vector. States are stored when ``store_states`` is True (default:
    only when no ``e_ops`` are given).
    """
    L = liouvillian(H, c_ops)
    d = round(float(np.sqrt(L.shape[0])))
    r0 = np.asarray(rho0.full() if hasattr(rho0, "full") else rho0, dtype=complex)
    if r0.ndim == 1 or (r0.ndim == 2 and 1 in r0.shape and r0.size == d):
        psi = r0.reshape(-1)
        if psi.size != d:
            raise InvalidParameterError(f"`rho0` must have length {d}, got {psi.size}.")
        psi = psi / np.linalg.norm(psi)
        r0 = np.outer(psi, psi.conj())
    r0 = check_density_matrix("rho0", r0, d)
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise InvalidParameterError("`times` must be a non-empty 1-D array of finite times.")
    steps = np.diff(t)
    if np.any(steps < 0):
        raise InvalidParameterError("`times` must be non-decreasing.")
    es = [dense_operator(f"e_ops[{k}]", e, d) for k, e in enumerate(e_ops)]
    keep = (not es) if store_states is None else store_states

    vs = np.empty((t.size, d * d), dtype=complex)
    vs[0] = vec(r0)
    if d * d <= dense_limit:
        Ld = L.toarray()
        cache: dict[float, np.ndarray] = {}
        for k, dt in enumerate(steps):
            key = float(np.round(dt, 14))
            if key not in cache:
                cache[key] = sla.expm(Ld * dt)
            vs[k + 1] = cache[key] @ vs[k]
    else:
        uniform = t.size > 2 and np.allclose(steps, steps[0], rtol=1e-12, atol=0)
        if uniform:
            vs[:] = (
                spla.expm_multiply(
                    sp.csc_array(L), vs[0], start=t[0], stop=t[-1], num=t.size, endpoint=True
                )
                if t[-1] > t[0]
                else vs[0]
            )
        else:
            Lc = sp.csc_array(L)
            for k, dt in enumerate(steps):
                vs[k + 1] = spla.expm_multiply(Lc * dt, vs[k]) if dt > 0 else vs[k]
    states = np.stack([unvec(v, d) for v in vs]) if (keep or es) else None
    if es and states is not None:
        ex = np.array([np.einsum("ij,tji->t", e, states) for e in es])
        herm = all(np.allclose(e, e.conj().T) for e in es)
        expect: np.ndarray = ex.real if herm else ex
    else:
        expect = np.empty((0, t.size))
    return DensityTrajectory(times=t, states=states if keep else None, expect=expect)
