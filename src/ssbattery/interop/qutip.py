"""QuTiP ``Qobj`` in and out.

Every ssbattery function that takes an operator or a state reads it through
:mod:`ssbattery.quantum.operators` (:func:`~ssbattery.quantum.operators.as_operator` for
operators, :func:`~ssbattery.quantum.operators.state_array` for kets and density
matrices), so a ``Qobj`` is accepted wherever an array is. :func:`to_qobj` turns arrays
back into ``Qobj`` with the tensor structure (``dims``) of the operator they came from, or
any dims you give.

>>> import qutip
>>> from ssbattery.interop.qutip import to_qobj
>>> from ssbattery.quantum.operators import as_hermitian
>>> H = qutip.tensor(qutip.sigmaz(), qutip.qeye(2))
>>> A = as_hermitian(H)          # a (4, 4) array
>>> to_qobj(A, like=H) == H, to_qobj(A, like=H).dims
(True, [[2, 2], [2, 2]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ssbattery.errors import InvalidParameterError

__all__ = ["dims_of", "to_qobj"]


def dims_of(obj: Any) -> list[list[int]] | None:
    """The ``dims`` of a ``Qobj`` (e.g. ``[[2, 2], [2, 2]]`` for a two-qubit operator), or
    None for anything else."""
    from ssbattery.quantum.operators import QobjLike

    return [list(map(int, d)) for d in obj.dims] if isinstance(obj, QobjLike) else None


def to_qobj(x: Any, *, dims: list[list[int]] | None = None, like: Any = None) -> Any:
    """``x`` (1-D ket, 2-D operator or density matrix, dense or sparse) as a ``Qobj``.

    ``like`` (a ``Qobj``: operator, ket or bra) lends its space's tensor structure, and
    the shape of ``x`` decides the rest: for ``like`` with space ``[2, 2]`` a square
    array gets ``[[2, 2], [2, 2]]``, a 1-D array or an ``(n, 1)`` column the ket's
    ``[[2, 2], [1]]`` and a ``(1, n)`` row the bra's ``[[1], [2, 2]]`` (so the density
    matrix of a ket's evolution converts with ``like=psi0``). ``dims`` given explicitly are
    used as they are (a 1-D ``x`` takes their first list as its space). Without ``like``
    or ``dims`` the space is one factor.

    Raises:
        InvalidParameterError: when ``like`` is not a ``Qobj`` with a ket, bra or operator
            space, or ``dims`` do not multiply out to the shape of ``x``.
    """
    import qutip

    data = x.toarray() if sp.issparse(x) and np.ndim(x) == 1 else x
    if np.ndim(data) == 1:
        data = np.asarray(data).reshape(-1, 1)
        if dims is not None:
            dims = [dims[0], [1]]
    if np.ndim(data) != 2:
        raise InvalidParameterError(
            f"`x` must be a 1-D ket or a 2-D operator; got shape {np.shape(data)}."
        )
    rows, cols = np.shape(data)
    if like is not None and dims is None:
        dims = _dims_like(like, rows, cols)
    if dims is not None:
        if len(dims) != 2:
            raise InvalidParameterError(
                f"`dims` {dims} must be two lists, e.g. [[2, 2], [2, 2]] or [[2, 2], [1]]."
            )
        want = tuple(int(np.prod(d)) for d in dims)
        if want != (rows, cols):
            raise InvalidParameterError(
                f"`dims` {dims} describe an object of dimension {want[0]} × {want[1]}, but the "
                f"array is {rows} × {cols}."
            )
    if sp.issparse(data):
        data = sp.csr_matrix(data)
    return qutip.Qobj(data, dims=dims)


def _dims_like(like: Any, rows: int, cols: int) -> list[list[int]]:
    """Dims for a ``rows × cols`` array on the space of ``like`` (see :func:`to_qobj`)."""
    space_dims = dims_of(like) if _is_plain_space(like) else None
    if space_dims is None:
        raise InvalidParameterError(
            "`like` must be a qutip Qobj ket, bra or operator (its dims lend the tensor "
            "structure); pass `dims` for anything else."
        )
    space = space_dims[1] if space_dims[0] == [1] else space_dims[0]
    if cols == 1 and rows != 1:
        return [space, [1]]
    if rows == 1 and cols != 1:
        return [[1], space]
    return [space, space]


def _is_plain_space(like: Any) -> bool:
    """A ``Qobj`` whose dims are two flat lists of ints (not a superoperator)."""
    try:
        return all(isinstance(n, int | np.integer) for d in like.dims for n in d)
    except (AttributeError, TypeError):
        return False
