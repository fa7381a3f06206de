"""A circuit fit as an impedance.py ``CustomCircuit``.

The returned circuit holds the fitted parameters (``parameters_``) and their standard errors
(``conf_``), so impedance.py's ``predict``, ``plot`` and ``save`` work on it as on one it
had fitted itself; our circuit strings are impedance.py's (``p(R1,CPE1)-p(R2,CPE2)-CPE3``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ssbattery.electrolytes.impedance import CircuitFit

__all__ = ["to_custom_circuit"]


def to_custom_circuit(fit: CircuitFit) -> Any:
    """``fit`` as a fitted ``impedance.models.circuits.CustomCircuit``.

    ``circuit.predict(f)`` reproduces ``fit.z_fit_ohm`` at the measured frequencies.
    """
    from impedance.models.circuits import CustomCircuit

    values = [p.value for p in fit.parameters]
    circuit = CustomCircuit(fit.circuit, initial_guess=list(fit.initial_guess))
    circuit.parameters_ = np.array(values, dtype=float)
    circuit.conf_ = np.array([p.stderr for p in fit.parameters], dtype=float)
    return circuit
