"""Measurement-feedback machines with an imperfect measurement (error probability ε):
the Sagawa–Ueda bound W ≤ k_B T · I_QC still holds, and ε → 0 gives the ideal results."""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.feedback import (
    CoupledQubits,
    FeedbackProtocol,
    demon_cycle,
    local_projectors,
    refrigerator_cycle,
    single_qubit_demon_heat,
)

SYSTEM = CoupledQubits(1.0, 3.0, -0.3)


@pytest.mark.parametrize("scheme", ["joint", "single"])
def test_epsilon_to_zero_reproduces_the_ideal_demon(scheme: str) -> None:
    ideal = demon_cycle(SYSTEM, temperature=3.0, scheme=scheme)  # type: ignore[arg-type]
    tiny = demon_cycle(SYSTEM, temperature=3.0, scheme=scheme, measurement_error=1e-12)  # type: ignore[arg-type]
    assert tiny.work_extracted == pytest.approx(ideal.work_extracted, abs=1e-9)
    assert tiny.qc_information == pytest.approx(ideal.qc_information, abs=1e-8)


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.2, 0.4])
def test_szilard_bound_holds_with_measurement_error(eps: float) -> None:
    for scheme in ("joint", "single"):
        r = demon_cycle(SYSTEM, temperature=3.0, scheme=scheme, measurement_error=eps)  # type: ignore[arg-type]
        assert r.net_work <= 3.0 * r.qc_information + 1e-12
        assert r.first_law_residual < 1e-12


def test_single_qubit_demon_with_error_closed_form() -> None:
    # One qubit (ω, T), full thermalisation, flip when the record says excited. With
    # ε: W = ω[(1 − ε) p_e − ε p_g], p_e the thermal excited population; the information
    # is I = h(p_e·(1−ε) + p_g·ε) − h(ε) (binary entropy h, nats, a bit-flip channel).
    w, T, eps = 1.0, 1.0, 0.1
    sys1 = CoupledQubits(w, 7.0, 0.0)  # qubit 2 far off and unmeasured
    r = demon_cycle(sys1, temperature=T, tau=60.0, scheme="single", measurement_error=eps)
    pe = single_qubit_demon_heat(w, T) / w
    assert r.work_extracted == pytest.approx(w * ((1 - eps) * pe - eps * (1 - pe)), rel=1e-9)

    def h(x: float) -> float:
        return float(-x * np.log(x) - (1 - x) * np.log(1 - x))

    q = pe * (1 - eps) + (1 - pe) * eps
    assert r.qc_information == pytest.approx(h(q) - h(eps), rel=1e-9)
    assert r.net_work <= T * r.qc_information


def test_noisy_refrigerator_limits() -> None:
    sys2 = CoupledQubits(1.0, 4.0, 0.1)
    ideal = refrigerator_cycle(sys2, mode="both")
    tiny = refrigerator_cycle(sys2, mode="both", measurement_error=1e-12)
    assert tiny.cooling_heat == pytest.approx(ideal.cooling_heat, abs=1e-10)
    noisy = refrigerator_cycle(sys2, mode="both", measurement_error=0.2)
    assert noisy.cooling_heat < ideal.cooling_heat
    # second law with information: Σ ≥ −I_QC
    assert noisy.entropy_production >= -noisy.cycle.qc_information - 1e-12


def test_readout_error_is_checked() -> None:
    P, labels = local_projectors((1,))
    with pytest.raises(InvalidParameterError, match="readout_error"):
        FeedbackProtocol(tuple(P), (np.eye(4), np.eye(4)), tuple(labels), readout_error=1.5)


def test_a_record_independent_of_the_outcome_carries_no_information() -> None:
    # ε = 3/4 of four outcomes: p(k|j) = 1/4 for every k, j, so I_QC = 0 exactly (it had come
    # out −1.1e-16), and by Sagawa–Ueda no work is gained: W_ext ≤ T·I = 0
    from dataclasses import replace

    from ssbattery.thermal.baths import Bath
    from ssbattery.thermal.feedback import reset_to_ground, run_cycle

    system = CoupledQubits()
    proto = replace(reset_to_ground(system), readout_error=0.75)
    np.testing.assert_allclose(proto.confusion(), np.full((4, 4), 0.25), atol=0)
    cyc = run_cycle(system, proto, (Bath(1.0, 1.0), Bath(1.0, 1.0)), 1.0)
    assert cyc.qc_information == 0.0
    assert cyc.work_extracted < 0
