"""Parameter sweeps on one engine: every model through its registered entry, results in a
resumable xarray/Zarr store, in-process or on a Dask cluster.

>>> from ssbattery import sweep
>>> result = sweep.run({"model": "landau", "fixed": {"beta": 1.0},
...                     "sweep": {"alpha": [-2.0, -1.0]}})
>>> [round(float(p), 4) for p in result.dataset["spontaneous_polarisation"]]
[1.4142, 1.0]

See :func:`run`, :mod:`ssbattery.sweep.spec` for the spec format, and
:func:`ssbattery.sweep.results.to_dataframe` for tables.
"""

from ssbattery.sweep.registry import ModelEntry, Output, Param, entry_names, get_entry, register
from ssbattery.sweep.results import fit_power_laws, to_csv, to_dataframe
from ssbattery.sweep.runner import SweepProgress, SweepResult, run
from ssbattery.sweep.spec import Axis, SweepSpec, load_spec
from ssbattery.sweep.store import open_dataset

__all__ = [
    "Axis",
    "ModelEntry",
    "Output",
    "Param",
    "SweepProgress",
    "SweepResult",
    "SweepSpec",
    "entry_names",
    "fit_power_laws",
    "get_entry",
    "load_spec",
    "open_dataset",
    "register",
    "run",
    "to_csv",
    "to_dataframe",
]
