"""Topological boundary states (review §2.2, Fig. 10): SSH, BBH, QWZ."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssbattery.cell.topology import (
    bbh_corner_states,
    inverse_participation_ratio,
    qwz_chern_number,
    qwz_ribbon,
    ssh_chain,
    ssh_hamiltonian,
    ssh_winding_number,
)
from ssbattery.errors import InvalidParameterError


def test_ssh_edge_modes_vanish_exponentially_for_v_below_w() -> None:
    v, w = 0.5, 1.0
    eps = [abs(ssh_chain(n, v, w).edge_energies[1]) for n in (8, 12, 16)]
    # ε_N ∝ (v/w)^N: each 4 extra cells divide ε by (w/v)^4 = 16
    for a, b in itertools.pairwise(eps):
        assert math.isclose(a / b, (w / v) ** 4, rel_tol=0.05)
    res = ssh_chain(16, v, w)
    assert res.edge_weight > 0.95  # on the outer 3 cells at each end
    assert res.winding_number == 1


def test_ssh_trivial_chain_is_gapped_with_no_edge_modes() -> None:
    res = ssh_chain(16, 1.0, 0.5)
    # open trivial chain: all |E| ≥ |v − w| (bulk band edge)
    assert np.min(np.abs(res.energies)) >= abs(1.0 - 0.5) - 1e-9
    assert res.winding_number == 0 and res.edge_weight < 0.5


def test_ssh_spectrum_is_chiral_symmetric() -> None:
    e = np.linalg.eigvalsh(ssh_hamiltonian(10, 0.3, 0.8))
    assert np.allclose(np.sort(e), np.sort(-e), atol=1e-12)


@pytest.mark.parametrize(("v", "w", "expected"), [(0.2, 1.0, 1), (0.9, 1.0, 1), (1.1, 1.0, 0)])
def test_ssh_winding_number(v: float, w: float, expected: int) -> None:
    assert ssh_winding_number(v, w) == expected


def test_ssh_gap_closing_has_no_winding() -> None:
    with pytest.raises(InvalidParameterError, match="gap closes"):
        ssh_winding_number(1.0, 1.0)


def test_bbh_has_four_corner_modes_at_zero_energy() -> None:
    res = bbh_corner_states(8, 8, gamma=0.3, lam=1.0)
    assert np.all(np.abs(res.corner_energies) < 1e-3)
    assert res.bulk_gap > 0.3  # next states are far from zero
    assert res.corner_weight > 0.95  # on the 2×2 corner blocks
    # the four zero modes can mix among corners: each occupies at most ~4 corner cells,
    # far fewer than the 64 cells of the flake (a bulk state has IPR ~ 1/64)
    assert res.corner_ipr > 0.1
    # each corner block holds one quarter of the four states' density
    d = res.corner_density
    for block in (d[:2, :2], d[:2, -2:], d[-2:, :2], d[-2:, -2:]):
        assert math.isclose(float(block.sum()), 0.25, abs_tol=0.02)


def test_bbh_trivial_phase_has_no_corner_modes() -> None:
    res = bbh_corner_states(8, 8, gamma=1.5, lam=1.0)
    assert np.min(np.abs(res.corner_energies)) > 0.3 and res.corner_weight < 0.3


@pytest.mark.parametrize(
    ("u", "chern"), [(-3.0, 0), (-1.0, -1), (-0.5, -1), (0.5, 1), (1.5, 1), (2.5, 0)]
)
def test_qwz_chern_number_by_phase(u: float, chern: int) -> None:
    assert qwz_chern_number(u) == chern


def test_qwz_ribbon_has_edge_states_only_in_topological_phase() -> None:
    topo = qwz_ribbon(-1.0, 16, n_kx=41)
    triv = qwz_ribbon(-3.0, 16, n_kx=41)
    assert math.isclose(topo.bulk_gap, 2.0, rel_tol=1e-9)  # 2 min(|u|, 2 − |u|)
    assert topo.in_gap_edge_states > 0 and triv.in_gap_edge_states == 0
    # at k_x = 0 the gap of the trivial ribbon stays open; the topological one closes (edge modes)
    assert np.min(np.abs(topo.energies)) < 0.2 and np.min(np.abs(triv.energies)) > 0.9


def test_inverse_participation_ratio_limits() -> None:
    n = 50
    assert math.isclose(inverse_participation_ratio(np.ones(n) / math.sqrt(n)), 1 / n)
    e = np.zeros(n)
    e[3] = 1.0
    assert inverse_participation_ratio(e) == 1.0


def test_bad_topology_input() -> None:
    with pytest.raises(InvalidParameterError, match="n_cells"):
        ssh_hamiltonian(0, 0.5, 1.0)
    with pytest.raises(InvalidParameterError, match="gap closes"):
        qwz_chern_number(2.0)


@settings(max_examples=25, deadline=None)
@given(v=st.floats(0.05, 2.0), w=st.floats(0.05, 2.0), n=st.integers(2, 12))
def test_ssh_properties(v: float, w: float, n: int) -> None:
    # chiral symmetry: the spectrum is symmetric about zero; bulk band edges bounded by v + w
    e = np.linalg.eigvalsh(ssh_hamiltonian(n, v, w))
    assert np.allclose(np.sort(e), np.sort(-e), atol=1e-10)
    assert np.max(np.abs(e)) <= v + w + 1e-12
    if not math.isclose(v, w, rel_tol=1e-6):
        assert ssh_winding_number(v, w) == (1 if v < w else 0)
