"""Dissipation of the open battery: rates given by the user → jump rates of the model.

Jump operators (Lindblad form D[C]ρ = CρC† − ½{C†C, ρ}, ħ = 1, rates in units of ωc):

* cavity loss κ: C = √κ a;
* collective decay γ_c: C = √γ_c J−;
* local decay γ↓ on every atom: C_i = √γ↓ σ−_i; local pumping γ↑: C_i = √γ↑ σ+_i;
* local dephasing γ_φ: C_i = √(γ_φ/2) σz_i, so that an atom's coherence decays as
  e^{−γ_φ t} (T₂ = 1/γ_φ for pure dephasing). In QuTiP's piqs convention (jump
  √γ_D σz/2) this is γ_D = 2γ_φ.

With a bath temperature T (k_B = 1, units of ωc) every emission channel of frequency ω
gets its detailed-balance partner: rate γ (n̄ + 1) down and γ n̄ up, n̄ = 1/(e^{ω/T} − 1),
with ω = ωa for the atoms and ω = ωc for the cavity (a thermal bath at T for each).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ssbattery._deprecation import renamed_kwargs
from ssbattery.errors import InvalidParameterError
from ssbattery.validation import require_positive

__all__ = ["Dissipation", "JumpRates", "bose_occupation"]


def bose_occupation(omega: float, temperature: float) -> float:
    """n̄ = 1/(e^{ω/T} − 1) (k_B = ħ = 1); 0 at T = 0, e^{−700} for ω/T > 700.

    The thermal machines' :func:`~ssbattery.thermal.baths.occupation` (one formula): a
    plain expm1 overflowed for ω/T > 709, so T = 0.001 ωc stopped the open battery.
    """
    from ssbattery.thermal.baths import occupation

    return float(occupation(omega, temperature))


@dataclass(frozen=True)
class JumpRates:
    """Rates of every jump channel after the thermal bath is applied (units of ωc)."""

    cavity_down: float = 0.0
    cavity_up: float = 0.0
    collective_down: float = 0.0
    collective_up: float = 0.0
    local_down: float = 0.0
    local_up: float = 0.0
    local_dephasing: float = 0.0

    @property
    def local(self) -> bool:
        """Whether any process acts on single atoms (then j is not conserved)."""
        return self.local_down > 0 or self.local_up > 0 or self.local_dephasing > 0

    @property
    def atomic(self) -> bool:
        """Whether anything acts on the atoms (the storage phase then changes them)."""
        return self.local or self.collective_down > 0 or self.collective_up > 0

    def to_dict(self) -> dict[str, float]:
        """A JSON-ready dict of this object (plain numbers, lists and strings)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Dissipation:
    """Noise on the Dicke battery (units of ωc); see the module docstring for the operators.

    ``bath_temperature`` None means zero temperature with ``pumping`` as given; with a
    temperature, ``decay``, ``collective_decay`` and ``cavity_loss`` get detailed-balance
    partners and ``pumping`` must be 0 (the bath sets it).
    """

    cavity_loss: float = 0.0
    decay: float = 0.0
    pumping: float = 0.0
    dephasing: float = 0.0
    collective_decay: float = 0.0
    bath_temperature: float | None = None

    def __post_init__(self) -> None:
        for name in ("cavity_loss", "decay", "pumping", "dephasing", "collective_decay"):
            object.__setattr__(
                self, name, require_positive(name, getattr(self, name), allow_zero=True)
            )
        if self.bath_temperature is not None:
            T = require_positive("bath_temperature", self.bath_temperature, allow_zero=True)
            object.__setattr__(self, "bath_temperature", T)
            if self.pumping > 0:
                raise InvalidParameterError(
                    "`pumping` must be 0 when `bath_temperature` is given (the bath sets the "
                    "upward rate γ↓ n̄); give one of them."
                )

    @property
    def is_closed(self) -> bool:
        """True when every rate is zero (the closed battery)."""
        return not any(
            (self.cavity_loss, self.decay, self.pumping, self.dephasing, self.collective_decay)
        )

    @renamed_kwargs(omega_c="omega_cav")
    def jump_rates(self, *, omega_a: float = 1.0, omega_cav: float = 1.0) -> JumpRates:
        """The rates of every channel, with the thermal occupations at ``bath_temperature``."""
        T = self.bath_temperature
        na = 0.0 if T is None else bose_occupation(omega_a, T)
        nc = 0.0 if T is None else bose_occupation(omega_cav, T)
        return JumpRates(
            cavity_down=self.cavity_loss * (nc + 1.0),
            cavity_up=self.cavity_loss * nc,
            collective_down=self.collective_decay * (na + 1.0),
            collective_up=self.collective_decay * na,
            local_down=self.decay * (na + 1.0),
            local_up=self.pumping + self.decay * na,
            local_dephasing=self.dephasing,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this object (plain numbers, lists and strings)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
