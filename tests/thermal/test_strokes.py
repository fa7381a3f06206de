"""Typed Otto strokes (``thermal.strokes``): ``Adiabatic()``, ``Sudden()`` and
``Driven(tau_u, steps)`` give bit for bit the numbers of the string form they replace."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.thermal.baths import Bath
from ssbattery.thermal.otto import OttoCycle, WorkingMedium, oscillator_otto, otto_cycle, qubit_otto
from ssbattery.thermal.strokes import Adiabatic, Driven, Sudden, as_stroke

KW = dict(omega_h=2.0, omega_c=1.5, T_h=1.0, T_c=0.3, tau_h=3.0, tau_c=3.0)


@pytest.mark.parametrize(
    ("typed", "name", "tau_u"),
    [(Adiabatic(), "adiabatic", None), (Sudden(0.5), "sudden", 0.5), (Driven(1.0), "driven", 1.0)],
)
def test_typed_strokes_give_the_numbers_of_the_string_form(
    typed: Adiabatic | Sudden | Driven, name: str, tau_u: float | None
) -> None:
    # the oscillator: H(ω) at different ω do not commute, so the three strokes differ
    new = oscillator_otto(levels=24, stroke=typed, **KW)
    old = oscillator_otto(levels=24, stroke=name, tau_u=tau_u, **KW)  # type: ignore[arg-type]
    for field in ("work", "heat_hot", "heat_cold", "efficiency", "power"):
        np.testing.assert_array_equal(getattr(new, field), getattr(old, field))  # bit for bit
    assert new.cycle == old.cycle and new.cycle.stroke == typed
    assert str(new.cycle.stroke) == name
    assert new.cycle.cycle_time == 3.0 + 3.0 + 2 * (tau_u or 0.0)


def test_driven_steps_live_on_the_stroke() -> None:
    medium = WorkingMedium("oscillator", levels=24, reference_frequency=1.3)
    args = (medium, 2.0, 1.0, Bath(1.0, 0.5), Bath(0.3, 0.5), 3.0, 3.0)
    typed = OttoCycle(*args, stroke=Driven(tau_u=1.0, steps=40))
    loose = OttoCycle(*args, stroke="driven", tau_u=1.0, driven_steps=40)
    assert typed == loose and (typed.tau_u, typed.driven_steps) == (1.0, 40)
    assert otto_cycle(typed).work == otto_cycle(loose).work
    # fewer midpoint steps change the work: the setting reaches the propagator
    assert otto_cycle(OttoCycle(*args, stroke=Driven(1.0, 5))).work != otto_cycle(typed).work
    # repeating the settings is allowed when they agree, refused when they do not
    assert OttoCycle(*args, stroke=Driven(1.0, 40), tau_u=1.0, driven_steps=40) == typed
    with pytest.raises(InvalidParameterError, match="on the stroke"):
        OttoCycle(*args, stroke=Driven(1.0, 40), tau_u=2.0)
    # steps given with a stroke that has none were silently ignored (W unchanged): refused
    for name in ("adiabatic", "sudden"):
        with pytest.raises(InvalidParameterError, match="applies to a driven stroke only"):
            OttoCycle(*args, stroke=name, driven_steps=5)
    # the typed stroke and its mirrors (dataclasses.replace passes them back) still work
    adiabatic = OttoCycle(*args, stroke="adiabatic")
    assert replace(adiabatic, tau_h=2.0).driven_steps == adiabatic.driven_steps


def test_bad_strokes_are_refused_with_the_option_named() -> None:
    with pytest.raises(InvalidParameterError, match="tau_u"):
        Driven(0.0)
    with pytest.raises(InvalidParameterError, match="tau_u"):
        Adiabatic(-1.0)
    with pytest.raises(InvalidParameterError, match="driven_steps"):
        Driven(1.0, 0)
    with pytest.raises(InvalidParameterError, match="Driven"):
        as_stroke("isothermal")
    with pytest.raises(InvalidParameterError, match="tau_u"):
        qubit_otto(stroke="driven")
