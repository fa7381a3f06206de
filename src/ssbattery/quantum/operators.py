"""Operators and states: checked Hamiltonians, density matrices and spin-½ site operators.

Conventions: ħ = 1; Pauli matrices in the σz basis with σz|↑⟩ = +|↑⟩ and |↑⟩ the first basis
state of one site. A state of N sites is the Kronecker product site 1 ⊗ site 2 ⊗ … ⊗ site N
(site 1 leftmost), as in the review's σ_i^a = I^{⊗(i−1)} ⊗ σ^a ⊗ I^{⊗(N−i)} (§2.3.8).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypeAlias, TypeGuard, runtime_checkable

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, DTypeLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import check_memory, require_int_at_least

__all__ = [
    "Operator",
    "OperatorLike",
    "QobjLike",
    "as_density_matrix",
    "as_hermitian",
    "as_ket",
    "as_operator",
    "expectation",
    "is_sparse",
    "pauli",
    "site_operator",
    "to_dense",
]

#: A checked operator, as the package computes with it: a dense 2-D ndarray or a scipy
#: sparse array (CSR after :func:`as_operator`).
Operator: TypeAlias = NDArray[Any] | sp.sparray | sp.spmatrix


@runtime_checkable
class QobjLike(Protocol):
    """What the package reads from a QuTiP ``Qobj`` (QuTiP itself stays optional)."""

    @property
    def dims(self) -> list[list[int]]:
        """The tensor structure: [[row dims], [column dims]]."""
        ...

    def full(self) -> NDArray[np.complex128]:
        """The dense matrix."""
        ...


#: What the public functions accept as an operator: an array-like, a scipy sparse
#: array/matrix, or a QuTiP ``Qobj`` (converted by :func:`as_operator`).
OperatorLike: TypeAlias = Operator | QobjLike | ArrayLike

_PAULI: dict[str, NDArray[np.complex128]] = {
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
    "y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "z": np.array([[1, 0], [0, -1]], dtype=complex),
    "i": np.eye(2, dtype=complex),
    "+": np.array([[0, 1], [0, 0]], dtype=complex),
    "-": np.array([[0, 0], [1, 0]], dtype=complex),
}


def is_sparse(A: object) -> TypeGuard[sp.sparray | sp.spmatrix]:
    """True if ``A`` is a scipy sparse array or matrix."""
    return bool(sp.issparse(A))


def to_dense(A: Operator) -> NDArray[Any]:
    """``A`` as a dense ndarray (a copy for sparse input, the array itself otherwise)."""
    return A.toarray() if is_sparse(A) else np.asarray(A)


def _from_qobj(op: QobjLike, name: str) -> NDArray[np.complex128]:
    """The matrix of a QuTiP operator, refusing kets, bras and non-square tensor shapes."""
    dims = op.dims
    if len(dims) != 2 or list(dims[0]) != list(dims[1]):
        raise InvalidParameterError(
            f"`{name}` must be a QuTiP operator with equal row and column dims, got dims "
            f"{dims}; pass an operator (a ket becomes one as qutip.ket2dm(psi))."
        )
    return np.asarray(op.full())


def as_operator(
    op: OperatorLike,
    *,
    name: str = "op",
    dim: int | None = None,
    dense: bool = False,
    dtype: DTypeLike | None = None,
) -> Operator:
    """The package's one operator converter: ``op`` as a checked square matrix.

    Accepts an array-like, a scipy sparse array or matrix, or a QuTiP ``Qobj`` (its dims
    must describe an operator). Returns a CSR array for sparse input (a CSR array is used
    as is, no copy, with summed and sorted indices) unless ``dense``, else a 2-D ndarray;
    integers become floats, and ``dtype`` (e.g. ``complex``) casts when given.

    Raises:
        InvalidParameterError: naming ``name`` when ``op`` is not a finite numeric square
            matrix, or not ``dim × dim`` when ``dim`` is given.
    """
    if isinstance(op, QobjLike) and not is_sparse(op):
        op = _from_qobj(op, name)
    out: Operator
    if is_sparse(op):
        A = op if isinstance(op, sp.csr_array) else sp.csr_array(op)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise InvalidParameterError(f"`{name}` must be a square matrix, got shape {A.shape}.")
        if not np.all(np.isfinite(A.data)):
            raise InvalidParameterError(f"`{name}` has NaN or infinite entries.")
        if dtype is not None:
            A = A.astype(dtype)
        elif not np.issubdtype(A.dtype, np.floating) and not np.issubdtype(
            A.dtype, np.complexfloating
        ):
            A = A.astype(float)
        A.sum_duplicates()
        A.sort_indices()
        out = A.toarray() if dense else A
    else:
        try:
            arr = np.asarray(op)
        except (TypeError, ValueError) as exc:
            raise InvalidParameterError(
                f"`{name}` must be a square matrix (ndarray, scipy sparse or Qobj), "
                f"got {type(op).__name__}."
            ) from exc
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise InvalidParameterError(
                f"`{name}` must be a square 2-D matrix, got shape {arr.shape}."
            )
        if not (np.issubdtype(arr.dtype, np.number)):
            raise InvalidParameterError(f"`{name}` must be numeric, got dtype {arr.dtype}.")
        if dtype is None:
            dtype = complex if np.iscomplexobj(arr) else float
        out = arr.astype(dtype, copy=False)
        if not np.all(np.isfinite(out)):
            raise InvalidParameterError(f"`{name}` has NaN or infinite entries.")
    if dim is not None and out.shape[0] != dim:
        raise InvalidParameterError(
            f"`{name}` must have shape ({dim}, {dim}) to match the Hamiltonian, "
            f"but has shape {tuple(out.shape)}; build it on the same Hilbert space."
        )
    return out


def as_hermitian(
    H: OperatorLike,
    *,
    name: str = "H",
    rtol: float = 1e-10,
    dim: int | None = None,
    dense: bool = False,
    dtype: DTypeLike | None = None,
) -> Operator:
    """Return ``H`` as a checked Hermitian operator (CSR sparse array or 2-D ndarray).

    Converted by :func:`as_operator` (same inputs, ``dim``, ``dense`` and ``dtype``), then
    checked: ``max|H − H†| ≤ rtol·max(1, max|H|)`` (relative to the largest entry, or
    absolute below 1). Without ``dtype``, a real-valued input stays real, and a complex
    one whose imaginary parts are all zero becomes real (faster propagation, see
    :mod:`ssbattery.quantum.evolution`).

    Raises:
        InvalidParameterError: naming ``name`` when any check fails.
    """
    out = as_operator(H, name=name, dim=dim, dense=dense, dtype=dtype)
    if is_sparse(out):
        A = sp.csr_array(out)
        D = A - A.conj().T
        dev = float(np.max(np.abs(D.data))) if D.nnz else 0.0
        scale = float(np.max(np.abs(A.data))) if A.nnz else 0.0
    else:
        arr = np.asarray(out)
        dev = float(np.max(np.abs(arr - arr.conj().T))) if arr.size else 0.0
        scale = float(np.max(np.abs(arr))) if arr.size else 0.0
    if dev > rtol * max(1.0, scale):
        raise InvalidParameterError(
            f"`{name}` is not Hermitian: max|{name} − {name}†| = {dev:.3g}; "
            "pass a Hermitian operator (H = H†)."
        )
    if dtype is None:
        values = sp.csr_array(out).data if is_sparse(out) else np.asarray(out)
        if np.iscomplexobj(values):
            imag = values.imag
            if imag.size == 0 or float(np.max(np.abs(imag))) == 0.0:
                out = sp.csr_array(out.real) if is_sparse(out) else np.asarray(out).real
    return out


def as_ket(state: ArrayLike, dim: int, *, name: str = "psi0", atol: float = 1e-8) -> NDArray:
    """Return ``state`` as a normalised 1-D ket of length ``dim`` (raises if not)."""
    psi = np.asarray(state)
    if psi.ndim == 2 and 1 in psi.shape:
        psi = psi.reshape(-1)
    if psi.ndim != 1 or psi.shape[0] != dim:
        raise InvalidParameterError(
            f"`{name}` must be a ket of length {dim} (the Hamiltonian's dimension), "
            f"got shape {np.shape(state)}."
        )
    if not np.issubdtype(psi.dtype, np.number) or not np.all(np.isfinite(psi)):
        raise InvalidParameterError(f"`{name}` must hold finite numbers.")
    norm = float(np.linalg.norm(psi))
    if abs(norm - 1.0) > atol:
        raise InvalidParameterError(
            f"`{name}` must be normalised, got ‖{name}‖ = {norm:.12g}; divide it by its norm."
        )
    return psi.astype(complex if np.iscomplexobj(psi) else float)


def as_density_matrix(
    state: ArrayLike | OperatorLike, dim: int, *, name: str = "state", atol: float = 1e-8
) -> NDArray[np.complex128]:
    """Return ``state`` as a checked ``dim × dim`` density matrix (a dense complex array).

    Accepts an array-like, a scipy sparse matrix or a QuTiP ``Qobj``. A ket (1-D, or a
    column/row) becomes |ψ⟩⟨ψ|. A matrix is checked square of size ``dim``, Hermitian, of
    unit trace and positive semidefinite (eigenvalues ≥ −atol).
    """
    if isinstance(state, QobjLike) and not is_sparse(state):
        state = np.asarray(state.full())  # a ket or an operator
    arr = to_dense(state) if is_sparse(state) else np.asarray(state)
    if arr.ndim == 1 or (arr.ndim == 2 and 1 in arr.shape and arr.shape != (1, 1)):
        psi = as_ket(arr, dim, name=name, atol=atol)
        return np.outer(psi, psi.conj()).astype(complex)
    if arr.ndim != 2 or arr.shape != (dim, dim):
        raise InvalidParameterError(
            f"`{name}` must be a ket of length {dim} or a {dim}×{dim} density matrix, "
            f"got shape {arr.shape}."
        )
    check_memory(f"`{name}` as a dense density matrix", (dim, dim))
    rho = arr.astype(complex)
    if not np.all(np.isfinite(rho)):
        raise InvalidParameterError(f"`{name}` has NaN or infinite entries.")
    if float(np.max(np.abs(rho - rho.conj().T))) > atol:
        raise InvalidParameterError(f"`{name}` is not Hermitian; a density matrix is ρ = ρ†.")
    tr = complex(np.trace(rho))
    if abs(tr - 1.0) > atol:
        raise InvalidParameterError(
            f"`{name}` must have unit trace, got Tr = {tr.real:.12g}; divide it by its trace."
        )
    lam_min = float(np.linalg.eigvalsh(rho)[0])
    if lam_min < -atol:
        raise InvalidParameterError(
            f"`{name}` is not positive semidefinite (smallest eigenvalue {lam_min:.3g})."
        )
    return rho


def pauli(which: Literal["x", "y", "z", "i", "+", "-"]) -> NDArray[np.complex128]:
    """The 2×2 Pauli matrix σ^which (``"+"``/``"-"`` give σ± = (σx ± iσy)/2)."""
    if which not in _PAULI:
        raise InvalidParameterError(f"`which` must be one of {sorted(_PAULI)}, got {which!r}.")
    return _PAULI[which].copy()


def site_operator(
    single: ArrayLike | str, site: int, n_sites: int, *, real: bool = True
) -> sp.csr_array:
    """σ_i^a = I^{⊗(i−1)} ⊗ σ^a ⊗ I^{⊗(N−i)} as a sparse array (§2.3.8; sites 0-based here).

    ``single`` is a 2×2 matrix or a Pauli name ("x", "y", "z", "+", "-"). With ``real`` the
    result is real-valued when the single-site matrix is (σy stays complex).
    """
    n = require_int_at_least("n_sites", n_sites, 1)
    i = int(site)
    if not 0 <= i < n:
        raise InvalidParameterError(f"`site` must be in [0, {n - 1}], got {site!r}.")
    check_memory("a site operator", (2**n,), bytes_per_element=16)
    op = pauli(single) if isinstance(single, str) else np.asarray(single)  # type: ignore[arg-type]
    if op.shape != (2, 2):
        raise InvalidParameterError(f"`single` must be 2×2, got shape {op.shape}.")
    if real and np.all(op.imag == 0):
        op = op.real
    left = sp.identity(2**i, format="csr", dtype=op.dtype)
    right = sp.identity(2 ** (n - i - 1), format="csr", dtype=op.dtype)
    return sp.csr_array(sp.kron(sp.kron(left, sp.csr_array(op)), right, format="csr"))


def expectation(A: Operator, state: NDArray) -> complex:
    """⟨ψ|A|ψ⟩ for a ket, or Tr[ρA] for a density matrix (take ``.real`` for Hermitian A)."""
    if state.ndim == 1:
        return complex(np.vdot(state, A @ state))
    if is_sparse(A):
        return complex(sp.csr_array(A).multiply(state.T).sum())
    return complex(np.sum(np.asarray(A) * state.T))
