"""The one operator converter (issue 15 §2): ndarray, scipy sparse and QuTiP Qobj alike."""

from __future__ import annotations

import numpy as np
import pytest
import qutip as qt
import scipy.sparse as sp

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.operators import (
    Operator,
    as_density_matrix,
    as_hermitian,
    as_operator,
    is_sparse,
)
from ssbattery.thermal.lindblad import check_hermitian


def test_qobj_sparse_and_dense_inputs_give_the_same_matrix() -> None:
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    q = qt.sigmax()
    for op in (sx, sp.csr_array(sx), sp.csr_matrix(sx), q, sx.tolist()):
        out = as_operator(op, name="A", dense=True)
        np.testing.assert_array_equal(out, sx)
    assert is_sparse(as_operator(sp.csr_matrix(sx), name="A"))
    # A tensor-product Qobj keeps its matrix; its dims only have to describe an operator.
    two = qt.tensor(qt.sigmaz(), qt.qeye(2))
    np.testing.assert_array_equal(as_operator(two, dim=4, dense=True), two.full())


def test_a_qobj_ket_is_not_an_operator_but_is_a_state() -> None:
    ket = qt.basis(2, 1)
    with pytest.raises(InvalidParameterError, match=r"`psi` must be a QuTiP operator.*ket2dm"):
        as_operator(ket, name="psi")
    np.testing.assert_array_equal(as_density_matrix(ket, 2), np.diag([0.0, 1.0]))
    np.testing.assert_array_equal(as_density_matrix(qt.ket2dm(ket), 2), np.diag([0.0, 1.0]))


def test_dimension_and_shape_errors_name_the_argument() -> None:
    with pytest.raises(InvalidParameterError, match=r"`C` must have shape \(3, 3\)"):
        as_operator(np.eye(2), name="C", dim=3)
    with pytest.raises(InvalidParameterError, match="`C` must be a square"):
        as_operator(np.ones((2, 3)), name="C")
    with pytest.raises(InvalidParameterError, match="NaN"):
        as_operator(np.array([[np.nan]]), name="C")


def test_hermitian_tolerance_is_relative_to_the_largest_entry_and_is_honoured() -> None:
    # max|H − H†| ≤ rtol·max(1, max|H|): an asymmetry of 1e-5 on entries of 1e6 is 1e-11
    # relative, so it passes at rtol = 1e-10; the same asymmetry on entries of 1 does not.
    big = np.array([[1e6, 1.0], [1.0 + 1e-5, -1e6]])
    as_hermitian(big, rtol=1e-10)
    small = np.array([[1.0, 1.0], [1.0 + 1e-5, -1.0]])
    with pytest.raises(InvalidParameterError, match="not Hermitian"):
        as_hermitian(small, rtol=1e-10)
    as_hermitian(small, rtol=1e-4)
    # The thermal engine's (deprecated) spelling passes its rtol on as that same relative
    # tolerance.
    with pytest.warns(DeprecationWarning, match="as_hermitian"):
        check_hermitian("H", small, rtol=1e-4)
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(InvalidParameterError, match="`H` is not Hermitian"),
    ):
        check_hermitian("H", small, rtol=1e-6)


def test_operator_is_a_real_type() -> None:
    import typing

    args = set(typing.get_args(Operator))
    assert np.ndarray in {typing.get_origin(a) or a for a in args}
    assert sp.sparray in args
