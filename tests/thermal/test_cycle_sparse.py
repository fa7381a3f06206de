"""The sparse cycle engine (media above SPARSE_ABOVE = 32 states): the same numbers as the
dense d² × d² maps, and spin chains of 7 sites against the quasi-static closed form."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.cycle import (
    SPARSE_ABOVE,
    Cycle,
    CycleResult,
    FeedbackStroke,
    ThermalStroke,
    UnitaryStroke,
    otto_cycle_of,
    quasi_static,
    run_cycle,
)
from ssbattery.thermal.media import energy_feedback, site_lowering, spin_chain_medium
from ssbattery.thermal.model import BathCoupling


def chain_otto(n: int, *, local: bool, protocol: str = "driven") -> Cycle:
    """XXZ chain (g = 2, α = 0.5), B 1 → 2, hot T = 4 and cold T = 0.5 on the end sites."""
    med, ops = spin_chain_medium(n, coupling=2.0, anisotropy=0.5)
    ends = (0, n - 1)

    def baths(T: float, B: float) -> tuple[BathCoupling, ...]:
        if local:  # σ⁻ of a site, bare gap 2B under B Σσᶻ
            return tuple(
                BathCoupling(Bath(T, 0.5), site_lowering(n, i), "local", 2 * B, f"site {i}")
                for i in ends
            )
        return tuple(BathCoupling(Bath(T, 0.5), ops[f"x{i + 1}"]) for i in ends)

    dur = 1.0 if protocol == "driven" else 0.0
    return Cycle(
        med,
        (
            UnitaryStroke(1.0, 2.0, protocol, dur, steps=20, name="compression"),  # type: ignore[arg-type]
            ThermalStroke(2.0, baths(4.0, 2.0), 3.0, name="hot"),
            UnitaryStroke(2.0, 1.0, protocol, dur, steps=20, name="expansion"),  # type: ignore[arg-type]
            ThermalStroke(1.0, baths(0.5, 1.0), 3.0, name="cold"),
        ),
    )


def assert_same_strokes(a: CycleResult, b: CycleResult, tol: float = 1e-9) -> None:
    assert len(a.strokes) == len(b.strokes)
    for ra, rb in zip(a.strokes, b.strokes, strict=True):
        assert ra.work == pytest.approx(rb.work, abs=tol)
        assert np.allclose(ra.heat, rb.heat, atol=tol, rtol=0)
        assert np.allclose(ra.subsystem_energy_change, rb.subsystem_energy_change, atol=tol)
        assert ra.measurement_energy == pytest.approx(rb.measurement_energy, abs=tol)
        assert ra.information == pytest.approx(rb.information, abs=tol)
    assert a.work == pytest.approx(b.work, abs=tol)
    assert np.allclose(a.heats, b.heats, atol=tol, rtol=0)
    for sa, sb in zip(a.states, b.states, strict=True):
        assert np.abs(sa - sb).max() < tol


@pytest.mark.parametrize("local", [True, False])
def test_sparse_and_dense_engines_agree_at_four_sites(local: bool) -> None:
    # Same cycle (driven strokes, finite thermal strokes, local or global baths) on both
    # engines: W per unitary stroke, Q_h and Q_c per bath, the per-site split and the
    # limit-cycle states agree to 1e-9 (observed ~1e-13); the rule picks dense at d = 16.
    cyc = chain_otto(4, local=local)
    dense, sparse = run_cycle(cyc, method="dense"), run_cycle(cyc, method="sparse")
    assert_same_strokes(dense, sparse)
    assert run_cycle(cyc).work == dense.work  # "auto" at d = 16 ≤ 32 is the dense engine
    assert sparse.work < 0 and sparse.first_law_residual < 1e-9
    assert_same_strokes(quasi_static(cyc, method="dense"), quasi_static(cyc, method="sparse"))


def test_sparse_feedback_stroke_agrees_with_dense() -> None:
    # Energy measurement with a misread record (ε = 0.1) and the swap to the ground state
    # on a 3-site chain, then a hot thermal stroke: the Kraus sum equals the dense channel.
    med, ops = spin_chain_medium(3, coupling=2.0, anisotropy=0.5)
    proto = energy_feedback(med.H(1.5), readout_error=0.1)
    bath = (BathCoupling(Bath(1.0, 0.5), ops["x1"]),)
    cyc = Cycle(med, (FeedbackStroke(1.5, proto), ThermalStroke(1.5, bath, 5.0)))
    dense, sparse = run_cycle(cyc, method="dense"), run_cycle(cyc, method="sparse")
    assert_same_strokes(dense, sparse)
    assert sparse.information > 0 and sparse.first_law_residual < 1e-9


def test_seven_site_chain_quasi_static_otto_against_the_closed_form() -> None:
    # d = 128 > SPARSE_ABOVE: the sparse engine (no 16384² map). H(B) = H_g + B M with
    # [H_g, M] = 0, so E_n(B) = h_n + B m_n in one shared eigenbasis and the quasi-static
    # Otto cycle (adiabatic strokes keep |n⟩ through level crossings) has the closed form
    # W = −Σ_n (E_n(2) − E_n(1)) (p_n^h − p_n^c), Q_h = Σ_n E_n(2) (p_n^h − p_n^c).
    n = 7
    cyc = chain_otto(n, local=False, protocol="adiabatic")
    med = cyc.medium
    assert med.dim > SPARSE_ABOVE
    Hg = med.H(1.0) - sum(med.locals(1.0))
    M = sum(med.locals(1.0))
    _, V = np.linalg.eigh(Hg + 1e-3 * M)
    h = np.real(np.diag(V.conj().T @ Hg @ V))
    m = np.real(np.diag(V.conj().T @ M @ V))
    assert np.allclose(V.conj().T @ Hg @ V, np.diag(h), atol=1e-10)
    E1, E2 = h + m, h + 2 * m
    assert not np.array_equal(np.argsort(E1, kind="stable"), np.argsort(E2, kind="stable"))
    pc = np.exp(-(E1 - E1.min()) / 0.5)
    ph = np.exp(-(E2 - E2.min()) / 4.0)
    pc, ph = pc / pc.sum(), ph / ph.sum()
    W = -float((E2 - E1) @ (ph - pc))
    Qh = float(E2 @ (ph - pc))
    qs = quasi_static(cyc)
    assert qs.work == pytest.approx(W, abs=1e-9)
    assert qs.heats[0] == pytest.approx(Qh, abs=1e-9)
    assert qs.first_law_residual < 1e-9


def test_six_site_chain_finite_time_cycle_keeps_the_first_law() -> None:
    # Sudden strokes, finite local baths at both ends, N = 6 (d = 64, sparse; N = 7 and 8
    # run in benchmarks/bench_cycle.py, ~1–2 min each): the limit cycle from the
    # matrix-free GMRES solve satisfies W + Q_h + Q_c = 0 to 1e-9, the state is a density
    # matrix and a fixed point of one more period, and the bath heats have the signs of
    # their temperatures.
    cyc = chain_otto(6, local=True, protocol="sudden")
    res = run_cycle(cyc)
    assert res.first_law_residual < 1e-9
    rho = res.states[0]
    assert abs(np.trace(rho) - 1) < 1e-12 and np.linalg.eigvalsh(rho).min() > -1e-10
    q_hot, q_cold = sum(res.strokes[1].heat), sum(res.strokes[3].heat)
    assert q_hot > 0 > q_cold
    # periodic: the energy (with H(1)) after the last stroke is the one before the first
    assert abs(res.strokes[-1].energy_after - res.strokes[0].energy_before) < 1e-9


def test_unknown_method_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="`method`"):
        run_cycle(chain_otto(2, local=True), method="krylov")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="`site`"):
        site_lowering(3, 3)


def test_global_baths_on_a_large_chain_are_refused_before_they_are_built() -> None:
    # Davies operators are dense in the site basis, one per Bohr frequency: at N = 7 they
    # would take gigabytes. A clear error naming the fix (local baths), not an OOM kill;
    # the quasi-static reference needs no jump operators and still runs (test above).
    with pytest.raises(InvalidParameterError, match="couple the baths locally"):
        run_cycle(chain_otto(7, local=False, protocol="sudden"))


def test_otto_cycle_helper_runs_sparse_on_a_six_site_chain() -> None:
    # otto_cycle_of on a 6-site chain (d = 64): long thermal strokes tend to the
    # quasi-static reference, computed by the same sparse engine.
    med, ops = spin_chain_medium(6, coupling=2.0, anisotropy=0.5)
    qs = quasi_static(
        otto_cycle_of(
            med, 2.0, 1.0, Bath(4.0, 0.5), Bath(0.5, 0.5), [ops["x1"]], tau_hot=1, tau_cold=1
        )
    )
    assert qs.work < 0 and qs.first_law_residual < 1e-9
