"""Superoperators of the Lindblad master equation on column-stacked vec(ρ).

With ħ = 1 and energies in units of a reference frequency stated by each model,

    dρ/dt = L ρ = −i[H, ρ] + Σ_k ( C_k ρ C_k† − ½{C_k† C_k, ρ} ),

written as a matrix acting on the **column-stacked** vector vec(ρ) (Fortran order,
``rho.reshape(-1, order="F")``), for which vec(A ρ B) = (Bᵀ ⊗ A) vec(ρ). Hence

    L = −i (1 ⊗ H − Hᵀ ⊗ 1) + Σ_k [ C̄_k ⊗ C_k − ½ 1 ⊗ C_k†C_k − ½ (C_k†C_k)ᵀ ⊗ 1 ].

This module builds L, single dissipators, unitary channels and their products (the
operator layer); :mod:`ssbattery.quantum.evolution` propagates with them
(:func:`~ssbattery.quantum.evolution.evolve_density`, stroke propagators, steady states).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import OperatorLike, as_hermitian, as_operator

__all__ = ["cycle_map", "dissipator", "liouvillian", "unitary_superoperator", "unvec", "vec"]


def vec(rho: np.ndarray) -> np.ndarray:
    """Column-stack a d×d matrix into a vector of length d² (the engine's convention)."""
    return np.asarray(rho).reshape(-1, order="F")


def unvec(v: np.ndarray, dim: int | None = None) -> np.ndarray:
    """Inverse of :func:`vec`: a length-d² vector back to a d×d matrix."""
    v = np.asarray(v)
    d = round(float(np.sqrt(v.size))) if dim is None else dim
    return v.reshape((d, d), order="F")


def _prepare(H: OperatorLike, c_ops: Sequence[OperatorLike]) -> tuple[Any, list[Any], int]:
    Hm = as_hermitian(H, name="H", dtype=complex)
    d = Hm.shape[0]
    if isinstance(c_ops, np.ndarray) and c_ops.ndim == 2:
        raise InvalidParameterError(
            "`c_ops` must be a sequence of jump operators, got a single matrix; wrap it: [C]."
        )
    cs = [as_operator(c, name=f"c_ops[{k}]", dim=d, dtype=complex) for k, c in enumerate(c_ops)]
    return Hm, cs, d


def _coo(C: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(C, np.ndarray):
        r, c = np.nonzero(C)
        return r, c, C[r, c]
    m = sp.coo_array(C)
    return np.asarray(m.row), np.asarray(m.col), np.asarray(m.data)


def dissipator(c_op: OperatorLike) -> sp.csr_array:
    """The superoperator of D[C]ρ = CρC† − ½{C†C, ρ} (column stacking)."""
    C = sp.csr_array(as_operator(c_op, name="c_op", dtype=complex))
    d = C.shape[0]
    eye = sp.identity(d, dtype=complex, format="csr")
    CdC = (C.conj().T @ C).tocsr()
    out = sp.kron(C.conj(), C) - 0.5 * sp.kron(eye, CdC) - 0.5 * sp.kron(CdC.T, eye)
    return sp.csr_array(out)


def liouvillian(H: OperatorLike, c_ops: Sequence[OperatorLike] = ()) -> sp.csr_array:
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


def unitary_superoperator(U: OperatorLike) -> np.ndarray:
    """Superoperator of ρ ↦ U ρ U† (column stacking): Ū ⊗ U. ``U`` must be unitary."""
    Um = np.asarray(as_operator(U, name="U", dense=True, dtype=complex))
    err = np.max(np.abs(Um.conj().T @ Um - np.eye(Um.shape[0])))
    if err > 1e-9:
        raise InvalidParameterError(f"`U` must be unitary, but max|U†U − 1| = {err:.3g}.")
    return np.kron(Um.conj(), Um)


def cycle_map(*maps: np.ndarray) -> np.ndarray:
    """The one-cycle superoperator of strokes applied in the given order: M_n ⋯ M_2 M_1."""
    if not maps:
        raise InvalidParameterError("`maps` is empty; give the stroke maps of one cycle.")
    out = np.asarray(maps[0])
    for m in maps[1:]:
        out = np.asarray(m) @ out
    return out
