"""σ = L / (R A): conductivity of a pellet from a fitted resistance (bulk, grain boundary, total).

Units: thickness L in cm, area A in cm², R in Ω → σ in S/cm (×1000 for mS/cm). The helpers
accept millimetres and a diameter because that is how pellets are measured. The grain-boundary
value L/(R_gb A) is the *apparent* (macroscopic) grain-boundary conductivity, not the specific
one (which would need the grain size and boundary thickness, brick-layer model).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ssbattery.errors import InvalidParameterError
from ssbattery.validation import require_finite

__all__ = ["Pellet", "conductivity_s_per_cm"]


@dataclass(frozen=True)
class Pellet:
    """A cylindrical pellet (or any slab): thickness L [cm] and electrode area A [cm²]."""

    thickness_cm: float
    area_cm2: float

    def __post_init__(self) -> None:
        _positive("thickness", self.thickness_cm, "cm")
        _positive("area", self.area_cm2, "cm²")

    @classmethod
    def from_mm(
        cls,
        thickness_mm: float,
        *,
        area_mm2: float | None = None,
        diameter_mm: float | None = None,
    ) -> Pellet:
        """Pellet from thickness [mm] and either the area [mm²] or the diameter [mm]."""
        t = _positive("thickness", thickness_mm, "mm")
        if (area_mm2 is None) == (diameter_mm is None):
            raise InvalidParameterError(
                "give exactly one of `area_mm2` and `diameter_mm` (the electrode area or the "
                "pellet diameter)."
            )
        if diameter_mm is not None:
            d = _positive("diameter", diameter_mm, "mm")
            area = math.pi * (d / 2.0) ** 2
        else:
            area = _positive("area", area_mm2, "mm²")
        return cls(thickness_cm=t / 10.0, area_cm2=area / 100.0)

    @property
    def cell_constant_per_cm(self) -> float:
        """L/A [cm⁻¹]."""
        return self.thickness_cm / self.area_cm2


def conductivity_s_per_cm(
    resistance_ohm: float, pellet: Pellet, *, resistance_err_ohm: float = 0.0
) -> tuple[float, float]:
    """σ = L/(R A) [S/cm] and its standard error from δR (δσ/σ = δR/R; geometry exact)."""
    r = _positive("resistance_ohm", resistance_ohm, "Ω")
    dr = require_finite("resistance_err_ohm", resistance_err_ohm)
    if dr < 0:
        raise InvalidParameterError(f"`resistance_err_ohm` must be ≥ 0, got {dr}.")
    sigma = pellet.thickness_cm / (r * pellet.area_cm2)
    return sigma, sigma * dr / r


def _positive(name: str, value: float | None, unit: str) -> float:
    x = require_finite(name, value)  # type: ignore[arg-type]
    if x <= 0:
        raise InvalidParameterError(f"`{name}` must be > 0 {unit}, got {value!r}.")
    return x
