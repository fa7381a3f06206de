"""Interoperability with the libraries around ssbattery.

* :mod:`.qutip` — QuTiP ``Qobj`` in (wherever an operator or state is taken) and out
  (:func:`~ssbattery.interop.qutip.to_qobj`, dims kept);
* :mod:`.xarray` — results of the quantum and thermal models as ``xarray.Dataset``
  (named dimensions, units in attributes, the parameters); each result's ``.to_xarray()``;
* :mod:`.pandas` — tables (electrolytes, circuit fits, Arrhenius fits) as DataFrames;
* :mod:`.impedance` — a circuit fit as an impedance.py ``CustomCircuit``.

An electrolyte entry gives its pymatgen ``Composition`` itself
(:meth:`ssbattery.electrolytes.dataset.Electrolyte.composition`). Each converter imports
its library only when called.
"""

from __future__ import annotations

__all__ = ["impedance", "pandas", "qutip", "xarray"]
