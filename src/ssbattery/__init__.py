"""ssbattery: the building blocks of a solid-state battery, computable.

Solid electrolytes (data, transport, impedance, screening), cell physics
(electrochemical-potential alignment, ferroelectric negative capacitance), quantum
batteries (general model, Dicke and spin-chain batteries) and quantum thermal machines,
after the review by Gomes et al., J. Mater. Chem. A 12, 690–722 (2024).

Conventions: ħ = 1 in the quantum modules, energies in units of the model's reference
frequency unless a name or docstring states a unit (``conductivity_mS_cm``, ``Ea_eV``).
"""

from importlib.metadata import PackageNotFoundError, version

from ssbattery.errors import (
    DataFormatError,
    InvalidParameterError,
    ResourceLimitError,
    SsbatteryError,
)

#: The installed version (read from the package metadata; set in pyproject.toml).
__version__: str
try:
    __version__ = version("ssbattery")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "DataFormatError",
    "InvalidParameterError",
    "ResourceLimitError",
    "SsbatteryError",
    "__version__",
]
