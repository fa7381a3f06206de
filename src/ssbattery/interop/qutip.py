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

    ``like`` (a ``Qobj``) lends its tensor structure: an operator's ``[[2, 2], [2, 2]]``
    gives a ket ``[[2, 2], [1]]``. Without ``like`` or ``dims`` the space is one factor.

    Raises:
        InvalidParameterError: when ``dims`` do not multiply out to the shape of ``x``.
    """
    import qutip

    if like is not None and dims is None:
        space = dims_of(like)
        if space is None:
            raise InvalidParameterError("`like` must be a qutip Qobj.")
        dims = space
    data = x.toarray() if sp.issparse(x) and np.ndim(x) == 1 else x
    arr_shape = np.shape(data)
    if len(arr_shape) == 1:
        data = np.asarray(data).reshape(-1, 1)
        if dims is not None:
            dims = [dims[0], [1]]
    n = np.shape(data)[0]
    if dims is not None and int(np.prod(dims[0])) != n:
        raise InvalidParameterError(
            f"`dims` {dims} describe a space of dimension {int(np.prod(dims[0]))}, "
            f"but the array has {n} rows."
        )
    if sp.issparse(data):
        data = sp.csr_matrix(data)
    return qutip.Qobj(data, dims=dims)
