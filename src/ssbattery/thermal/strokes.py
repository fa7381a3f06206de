"""Typed unitary strokes of the Otto cycle: :class:`Adiabatic`, :class:`Sudden` and
:class:`Driven` (the frequency changes ω_i → ω_f with the medium isolated).

Each stroke carries its own settings: ``tau_u`` is the stroke's duration (it enters the
cycle time τ_h + τ_c + 2τ_u and so the power), and a :class:`Driven` stroke also its
``steps`` (midpoint propagators on the linear ramp, error O(dt²) with dt = τ_u/steps).
:func:`as_stroke` maps the older string form (``"adiabatic"``, ``"sudden"``, ``"driven"``
with loose ``tau_u`` and ``driven_steps``) onto these classes, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal, TypeAlias

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import require_int_at_least, require_positive

__all__ = ["DRIVEN_STEPS", "Adiabatic", "Driven", "Stroke", "StrokeName", "Sudden", "as_stroke"]

#: Default number of midpoint propagators of a driven stroke.
DRIVEN_STEPS = 200

#: The string form of a stroke (mapped by :func:`as_stroke`).
StrokeName: TypeAlias = Literal["adiabatic", "sudden", "driven"]


@dataclass(frozen=True)
class _Instantaneous:
    """A stroke whose unitary does not depend on its duration ``tau_u`` ≥ 0 (which still
    enters the cycle time)."""

    kind: ClassVar[StrokeName]
    tau_u: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "tau_u", require_positive("tau_u", self.tau_u, allow_zero=True))

    def __str__(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Adiabatic(_Instantaneous):
    """Quasi-static: the populations of the instantaneous eigenstates are kept,
    U = Σ_n |n(ω_f)⟩⟨n(ω_i)|. ``tau_u`` = 0 idealises a perfect shortcut to adiabaticity
    (the Otto efficiency at finite power)."""

    kind: ClassVar[StrokeName] = "adiabatic"


@dataclass(frozen=True)
class Sudden(_Instantaneous):
    """A quench: the state is frozen while H jumps from H(ω_i) to H(ω_f) (U = 1)."""

    kind: ClassVar[StrokeName] = "sudden"


@dataclass(frozen=True)
class Driven:
    """A linear frequency ramp of duration ``tau_u`` > 0, integrated as the product of
    ``steps`` midpoint propagators (error O(dt²), dt = τ_u/steps)."""

    kind: ClassVar[StrokeName] = "driven"
    tau_u: float
    steps: int = DRIVEN_STEPS

    def __post_init__(self) -> None:
        tau = self.tau_u
        if not (isinstance(tau, int | float) and math.isfinite(tau) and tau > 0):
            raise InvalidParameterError(f"`tau_u` must be > 0 for a driven stroke, got {tau!r}.")
        object.__setattr__(self, "tau_u", float(tau))
        object.__setattr__(self, "steps", require_int_at_least("driven_steps", self.steps, 1))

    def __str__(self) -> str:
        return self.kind


#: A unitary stroke of the Otto cycle.
Stroke: TypeAlias = Adiabatic | Sudden | Driven


def as_stroke(
    stroke: Stroke | str,
    tau_u: float | None = None,
    driven_steps: int | None = None,
) -> Stroke:
    """The typed stroke for ``stroke``: a :data:`Stroke` is returned as it is (``tau_u`` and
    ``driven_steps``, if given, must agree with it), a name is built with ``tau_u``
    (default 0) and, for ``"driven"``, ``driven_steps`` (default :data:`DRIVEN_STEPS`; refused
    with ``"adiabatic"`` or ``"sudden"``, which have no steps)."""
    if isinstance(stroke, Adiabatic | Sudden | Driven):
        steps = stroke.steps if isinstance(stroke, Driven) else None
        if (tau_u is not None and float(tau_u) != stroke.tau_u) or (
            driven_steps is not None and steps is not None and int(driven_steps) != steps
        ):
            raise InvalidParameterError(
                f"`tau_u` / `driven_steps` disagree with the stroke {stroke!r}: give them on "
                "the stroke only, e.g. Driven(tau_u=1.0, steps=200)."
            )
        return stroke
    tau = 0.0 if tau_u is None else tau_u
    if stroke in ("adiabatic", "sudden") and driven_steps is not None:
        raise InvalidParameterError(
            f"`driven_steps` applies to a driven stroke only, not to {stroke!r} (it would be "
            "ignored): drop it, or use stroke='driven' with tau_u > 0."
        )
    if stroke == "adiabatic":
        return Adiabatic(tau)
    if stroke == "sudden":
        return Sudden(tau)
    if stroke == "driven":
        if not (isinstance(tau, int | float) and tau > 0):
            raise InvalidParameterError("`tau_u` must be > 0 for a driven stroke.")
        return Driven(tau, DRIVEN_STEPS if driven_steps is None else driven_steps)
    raise InvalidParameterError(
        f"`stroke` must be 'adiabatic', 'sudden' or 'driven' (or Adiabatic(), Sudden(), "
        f"Driven(tau_u, steps)), got {stroke!r}."
    )
