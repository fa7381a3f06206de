"""Cited, frozen parameter sets: the settings the report, the CLI and the tests share.

As PyBaMM keeps cited parameter modules, each preset here is a frozen dataclass that holds
the model's own typed parameters (or the numbers that build them), its ``citation`` (paper
and figure or equation) and a ``note`` of what is our choice where the paper is silent.
The report's figures are built from these presets and nothing else, so a figure, the CLI
default it matches and the test that checks it cannot drift apart.

>>> from ssbattery.presets import FIG16_OTTO, preset
>>> FIG16_OTTO.omega_h, FIG16_OTTO.omega_c
(2.0, 1.0)
>>> preset("fig16-otto") is FIG16_OTTO
True
"""

from __future__ import annotations

from typing import Any

from ssbattery.errors import InvalidParameterError
from ssbattery.presets.quantum import (
    DICKE_CHARGING_CURVE,
    DICKE_ETA_SWEEP,
    FIG12_DICKE_SCALING,
    FIG14_SPIN_CHAIN,
    DickeEtaSweepPreset,
    DickeRunPreset,
    DickeScalingPreset,
    SpinChainPreset,
)
from ssbattery.presets.thermal import (
    FIG15_HEAT_BATTERY,
    FIG16_OTTO,
    PUMPED_BATTERY,
    HeatBatteryPreset,
    OttoPreset,
    PumpedBatteryPreset,
)

__all__ = [
    "DICKE_CHARGING_CURVE",
    "DICKE_ETA_SWEEP",
    "FIG12_DICKE_SCALING",
    "FIG14_SPIN_CHAIN",
    "FIG15_HEAT_BATTERY",
    "FIG16_OTTO",
    "PRESETS",
    "PUMPED_BATTERY",
    "DickeEtaSweepPreset",
    "DickeRunPreset",
    "DickeScalingPreset",
    "HeatBatteryPreset",
    "OttoPreset",
    "PumpedBatteryPreset",
    "SpinChainPreset",
    "preset",
]

#: Every preset by its name.
PRESETS: dict[str, Any] = {
    p.name: p
    for p in (
        FIG16_OTTO,
        FIG15_HEAT_BATTERY,
        PUMPED_BATTERY,
        FIG12_DICKE_SCALING,
        DICKE_ETA_SWEEP,
        DICKE_CHARGING_CURVE,
        FIG14_SPIN_CHAIN,
    )
}


def preset(name: str) -> Any:
    """The preset called ``name`` (see :data:`PRESETS`); the error lists the names."""
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidParameterError(
            f"no preset {name!r}; the presets are: {', '.join(sorted(PRESETS))}."
        ) from None
