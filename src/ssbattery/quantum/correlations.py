"""Reduced states and correlations of multipartite states.

A state of subsystems with dimensions ``dims = (d_1, …, d_n)`` lives on
C^{d_1} ⊗ … ⊗ C^{d_n}, subsystem 0 leftmost (the Kronecker order of
:mod:`ssbattery.quantum.operators`). Entropies in nats (natural logarithm).

* :func:`partial_trace` keeps any subset of subsystems (in the order given).
* :func:`mutual_information` I(A:B) = S(A) + S(B) − S(AB) for any bipartition, and
  :func:`total_correlation` C = Σ_k S(ρ_k) − S(ρ) (multi-information; Watanabe 1960).
* :func:`concurrence` (Wootters, PRL 80, 2245 (1998)) of two qubits and
  :func:`negativity` N = (‖ρ^{T_B}‖₁ − 1)/2 with :func:`logarithmic_negativity`
  E_N = ln ‖ρ^{T_B}‖₁ (Vidal & Werner, PRA 65, 032314 (2002)).

Why our own partial trace rather than QuTiP's ``ptrace``: it works on plain NumPy arrays
and any ``dims`` without building a ``Qobj``; it is one ``einsum`` and is cross-checked
against QuTiP in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.metrics import von_neumann_entropy
from ssbattery.quantum.operators import as_density_matrix

__all__ = [
    "concurrence",
    "logarithmic_negativity",
    "mutual_information",
    "negativity",
    "partial_trace",
    "partial_transpose",
    "total_correlation",
]


def _dims(dims: Sequence[int], total: int) -> tuple[int, ...]:
    out = tuple(int(d) for d in dims)
    if not out or any(d < 1 for d in out) or any(d != dd for d, dd in zip(out, dims, strict=True)):
        raise InvalidParameterError(f"`dims` must be positive integers, got {list(dims)!r}.")
    if math.prod(out) != total:
        raise InvalidParameterError(
            f"`dims` {list(out)} multiply to {math.prod(out)}, but the state has dimension "
            f"{total}; give one dimension per subsystem."
        )
    return out


def _state(state: ArrayLike, dims: Sequence[int]) -> tuple[NDArray[np.complex128], tuple[int, ...]]:
    arr = np.asarray(state)
    n = arr.shape[0]
    d = _dims(dims, n)
    return as_density_matrix(arr, n, name="state"), d


def _subsystems(keep: Sequence[int] | int, n: int) -> tuple[int, ...]:
    ks = (keep,) if isinstance(keep, int | np.integer) else tuple(keep)
    out = tuple(int(k) for k in ks)
    if len(set(out)) != len(out) or any(k < 0 or k >= n for k in out):
        raise InvalidParameterError(
            f"`keep` must list distinct subsystems in 0…{n - 1}, got {list(out)!r}."
        )
    return out


def partial_trace(state: ArrayLike, dims: Sequence[int], keep: Sequence[int] | int) -> NDArray:
    """The reduced density matrix of the subsystems ``keep`` (others traced out).

    ``state`` is a ket or a density matrix on ⊗_k C^{dims[k]}; the kept subsystems appear
    in the order given in ``keep`` (so ``keep=(1, 0)`` also swaps them).

    >>> import numpy as np
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> np.round(partial_trace(bell, (2, 2), 0).real, 12)
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    rho, d = _state(state, dims)
    ks = _subsystems(keep, len(d))
    n = len(d)
    t = rho.reshape(d + d)
    letters = [chr(ord("a") + i) for i in range(2 * n)]
    row, col = letters[:n], letters[n:]
    col = [col[i] if i in ks else row[i] for i in range(n)]  # traced: same index
    out = [row[k] for k in ks] + [col[k] for k in ks]
    spec = "".join(row) + "".join(col) + "->" + "".join(out)
    dk = math.prod(d[k] for k in ks)
    return np.asarray(np.einsum(spec, t).reshape(dk, dk), dtype=complex)


def partial_transpose(
    state: ArrayLike, dims: Sequence[int], subsystems: Sequence[int] | int
) -> NDArray:
    """ρ^{T_S}: the transpose on the subsystems ``subsystems`` only."""
    rho, d = _state(state, dims)
    ss = _subsystems(subsystems, len(d))
    n = len(d)
    t = rho.reshape(d + d)
    axes = list(range(2 * n))
    for k in ss:
        axes[k], axes[n + k] = axes[n + k], axes[k]
    return np.asarray(t.transpose(axes).reshape(rho.shape), dtype=complex)


def mutual_information(
    state: ArrayLike, dims: Sequence[int], a: Sequence[int] | int, b: Sequence[int] | int
) -> float:
    """I(A:B) = S(ρ_A) + S(ρ_B) − S(ρ_AB) in nats, for disjoint groups ``a`` and ``b``.

    Bell pair: 2 ln 2; product states: 0.
    """
    rho, d = _state(state, dims)
    ga, gb = _subsystems(a, len(d)), _subsystems(b, len(d))
    if set(ga) & set(gb):
        raise InvalidParameterError("`a` and `b` must be disjoint groups of subsystems.")
    s_a = von_neumann_entropy(partial_trace(rho, d, ga))
    s_b = von_neumann_entropy(partial_trace(rho, d, gb))
    s_ab = von_neumann_entropy(partial_trace(rho, d, ga + gb))
    return max(s_a + s_b - s_ab, 0.0)


def total_correlation(state: ArrayLike, dims: Sequence[int]) -> float:
    """C(ρ) = Σ_k S(ρ_k) − S(ρ) in nats (equals I(A:B) for two subsystems; GHZ of n qubits:
    n ln 2)."""
    rho, d = _state(state, dims)
    local = sum(von_neumann_entropy(partial_trace(rho, d, k)) for k in range(len(d)))
    return max(local - von_neumann_entropy(rho), 0.0)


def concurrence(state: ArrayLike) -> float:
    """Wootters' concurrence of a two-qubit state: max(0, λ₁ − λ₂ − λ₃ − λ₄), λ_i the
    decreasing square roots of the eigenvalues of ρ (σʸ⊗σʸ) ρ* (σʸ⊗σʸ).

    Bell states: 1; the Werner state p|Ψ⁻⟩⟨Ψ⁻| + (1 − p)/4: max(0, (3p − 1)/2).
    """
    rho, _ = _state(state, (2, 2))
    sy = np.array([[0, -1j], [1j, 0]])
    yy = np.kron(sy, sy)
    tilde = yy @ rho.conj() @ yy
    ev = np.linalg.eigvals(rho @ tilde)
    lam = np.sort(np.sqrt(np.clip(ev.real, 0.0, None)))[::-1]
    return max(0.0, float(lam[0] - lam[1] - lam[2] - lam[3]))


def _trace_norm_pt(state: ArrayLike, dims: Sequence[int], subsystems: Sequence[int] | int) -> float:
    pt = partial_transpose(state, dims, subsystems)
    return float(np.sum(np.abs(np.linalg.eigvalsh(0.5 * (pt + pt.conj().T)))))


def negativity(
    state: ArrayLike, dims: Sequence[int] = (2, 2), subsystems: Sequence[int] | int = 1
) -> float:
    """N = (‖ρ^{T_B}‖₁ − 1)/2, B = ``subsystems`` (default: the second of two qubits).

    Bell states: ½; the Werner state: max(0, (3p − 1)/4); separable states: 0.
    """
    return max(0.0, 0.5 * (_trace_norm_pt(state, dims, subsystems) - 1.0))


def logarithmic_negativity(
    state: ArrayLike, dims: Sequence[int] = (2, 2), subsystems: Sequence[int] | int = 1
) -> float:
    """E_N = ln ‖ρ^{T_B}‖₁ in nats (Bell states: ln 2)."""
    return max(0.0, math.log(_trace_norm_pt(state, dims, subsystems)))
