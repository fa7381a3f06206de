"""Theoretical specific capacity, Q = n F / (3.6 M) in mAh g⁻¹ (review §1 and §1.1).

``n`` is the number of electrons exchanged per formula unit, ``F`` the Faraday constant
(C mol⁻¹), ``M`` the molar mass of the formula unit (g mol⁻¹); 3.6 converts C g⁻¹ to
mAh g⁻¹. Molar masses are pymatgen's standard atomic weights (e.g. Li 6.941 g mol⁻¹).

The review quotes 3860 mAh g⁻¹ for Li metal (introduction) and, for the lithiated-graphite
equilibrium LiC6 → (1 − 2x) LiC6 + x LiC12 + x (Li⁺ + e⁻), 0 ≤ x ≤ 0.5, "a capacity of
177 mA h g⁻¹, which is usually enough to discharge a traditional cathode with an
experimental capacity inferior to 170 mA h g⁻¹" (§1.1). :func:`lic6_capacity` computes the
LiC6 case on every mass basis so the reader can see which one gives 177.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from ssbattery.errors import shorten
from ssbattery.results import Quantity, Recorded, Reported
from ssbattery.validation import require_in_range, require_positive

if TYPE_CHECKING:
    from pymatgen.core import Composition

__all__ = [
    "FARADAY_C_PER_MOL",
    "REVIEW_CATHODE_CAPACITY_MAH_G",
    "REVIEW_LIC6_CAPACITY_MAH_G",
    "REVIEW_LI_METAL_CAPACITY_MAH_G",
    "CapacityResult",
    "LiC6Capacity",
    "capacity_from_molar_mass",
    "lic6_capacity",
    "specific_capacity",
]

#: Faraday constant, C mol⁻¹ (CODATA 2018, exact since the 2019 SI).
FARADAY_C_PER_MOL = 96485.33212

#: The review's Li-metal capacity, mAh g⁻¹ (introduction: "lithium (3860 mA g−1)").
REVIEW_LI_METAL_CAPACITY_MAH_G = 3860.0
#: The review's LiC6 → LiC12 capacity, mAh g⁻¹ (§1.1).
REVIEW_LIC6_CAPACITY_MAH_G = 177.0
#: The review's bound on a traditional cathode's experimental capacity, mAh g⁻¹ (§1.1).
REVIEW_CATHODE_CAPACITY_MAH_G = 170.0

_MAH_PER_C = 1.0 / 3.6


def capacity_from_molar_mass(electrons: float, molar_mass_g_mol: float) -> float:
    """Q = n F / (3.6 M), mAh g⁻¹, for ``electrons`` per formula unit of mass M (g mol⁻¹).

    >>> round(capacity_from_molar_mass(1, 6.941), 1)
    3861.3
    """
    n = require_positive("electrons", electrons, quantity="electrons_per_formula_unit")
    m = require_positive("molar_mass_g_mol", molar_mass_g_mol, quantity="molar_mass_g_mol")
    return n * FARADAY_C_PER_MOL * _MAH_PER_C / m


@dataclass(frozen=True)
class CapacityResult(Reported):
    """A theoretical specific capacity and the inputs it came from."""

    formula: str
    electrons: float
    molar_mass_g_mol: float
    capacity_mAh_g: float
    faraday_C_mol: float = FARADAY_C_PER_MOL

    def quantities(self) -> tuple[Quantity, ...]:
        """Q = nF/(3.6 M) with n, M and F."""
        return (
            Quantity("capacity", self.capacity_mAh_g, "mAh/g"),
            Quantity("electrons", self.electrons),
            Quantity("molar_mass", self.molar_mass_g_mol, "g/mol"),
            Quantity("faraday", self.faraday_C_mol, "C/mol"),
        )

    def _title(self) -> str:
        return f"theoretical capacity of {self.formula}"


def _default_electrons(formula: str, comp: Composition) -> float:
    """Electrons per formula unit for a pure alkali metal (1 per atom); else ask the user."""
    from ssbattery.errors import InvalidParameterError

    elements = [str(e) for e in comp.elements]
    if len(elements) == 1 and elements[0] in {"Li", "Na", "K"}:
        return float(comp.num_atoms)
    raise InvalidParameterError(
        f"`electrons` is needed for {shorten(formula)!r}: only a pure alkali metal (Li, Na, K) "
        "has a default (one electron per atom); give the electrons exchanged per formula unit, "
        "e.g. --electrons 1."
    )


def specific_capacity(
    formula: str, *, electrons: float | None = None, x: float | None = None
) -> CapacityResult:
    """Theoretical specific capacity of ``formula`` for ``electrons`` per formula unit.

    ``electrons`` defaults to one per atom for a pure alkali metal (Li, Na, K) and must be
    given otherwise. The mass basis is the formula as written, with ``x`` substituted in a
    symbolic formula (``Li1-xCoO2``); ``x`` with a formula that has no x is refused.

    >>> round(specific_capacity("Li").capacity_mAh_g)
    3861
    """
    from ssbattery.electrolytes.formula import parse_formula, require_symbolic_for_x

    require_symbolic_for_x(formula, x)
    comp = parse_formula(formula, x=x)
    n = _default_electrons(formula, comp) if electrons is None else electrons
    m = float(comp.weight)
    return CapacityResult(
        formula=formula,
        electrons=float(require_positive("electrons", n, quantity="electrons_per_formula_unit")),
        molar_mass_g_mol=m,
        capacity_mAh_g=capacity_from_molar_mass(n, m),
    )


@dataclass(frozen=True)
class LiC6Capacity(Recorded):
    """Capacity of LiC6 → (1 − 2x) LiC6 + x LiC12 + x (Li⁺ + e⁻) on each mass basis, mAh g⁻¹.

    ``x`` electrons flow per LiC6 formula unit. Bases: per gram of the charged LiC6,
    per gram of carbon (C6), per gram of the electrode after discharge (Li₁₋ₓC6; at
    x = 0.5 this is LiC12 per ½ formula), and the full delithiation LiC6 → C6 per gram of
    carbon (the textbook 372 mAh g⁻¹) for scale. ``closest_basis`` names the basis whose
    value lies nearest the review's 177 mAh g⁻¹.
    """

    x: float
    electrons_per_LiC6: float
    per_gram_LiC6: float
    per_gram_carbon: float
    per_gram_discharged_electrode: float
    full_delithiation_per_gram_carbon: float
    review_value_mAh_g: float
    closest_basis: str
    closest_value: float

    _UNITS: ClassVar[dict[str, str]] = {
        "x": "1",
        "electrons_per_LiC6": "1",
        "per_gram_LiC6": "mAh/g",
        "per_gram_carbon": "mAh/g",
        "per_gram_discharged_electrode": "mAh/g",
        "full_delithiation_per_gram_carbon": "mAh/g",
        "review_value_mAh_g": "review_value [mAh/g]",
        "closest_value": "mAh/g",
    }

    def _title(self) -> str:
        return f"LiC6 capacity at x = {self.x:.4g} on each mass basis"


def lic6_capacity(x: float = 0.5) -> LiC6Capacity:
    """Capacity of the review's LiC6 ⇌ LiC12 equilibrium at extent ``x`` (0 ≤ x ≤ 0.5) (§1.1).

    >>> c = lic6_capacity(0.5)
    >>> round(c.per_gram_LiC6, 1), round(c.per_gram_carbon, 1), c.closest_basis
    (169.6, 186.0, 'per gram of discharged electrode (Li1-xC6)')
    """
    from pymatgen.core import Composition

    xv = require_in_range("x", x, 0.0, 0.5)
    m_li = float(Composition("Li").weight)
    m_c6 = float(Composition("C6").weight)
    m_lic6 = m_li + m_c6
    q = FARADAY_C_PER_MOL * _MAH_PER_C
    per_lic6 = xv * q / m_lic6
    per_c = xv * q / m_c6
    per_discharged = xv * q / (m_lic6 - xv * m_li)
    full = q / m_c6
    bases = {
        "per gram of LiC6": per_lic6,
        "per gram of carbon (C6)": per_c,
        "per gram of discharged electrode (Li1-xC6)": per_discharged,
    }
    name, value = min(bases.items(), key=lambda kv: abs(kv[1] - REVIEW_LIC6_CAPACITY_MAH_G))
    return LiC6Capacity(
        x=xv,
        electrons_per_LiC6=xv,
        per_gram_LiC6=per_lic6,
        per_gram_carbon=per_c,
        per_gram_discharged_electrode=per_discharged,
        full_delithiation_per_gram_carbon=full,
        review_value_mAh_g=REVIEW_LIC6_CAPACITY_MAH_G,
        closest_basis=name,
        closest_value=value,
    )
