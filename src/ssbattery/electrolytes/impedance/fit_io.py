"""A circuit fit as JSON: each arc's entry and the file :meth:`.CircuitFit.save` writes.

Every key carries its unit, ``"name [unit]"`` ("R [Ω]", "C_eff error [F]",
"apex_frequency [Hz]"), as every result of the package does (PyBaMM's "Voltage [V]"); the
unit "1" marks a plain number. The file format is version 2; :func:`read_fit` also reads
version 1, written before the keys carried units in brackets ("R_ohm", "C_eff_F",
"frequency_hz"), so fits saved by earlier releases still load.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery.errors import DataFormatError

if TYPE_CHECKING:
    from ssbattery.electrolytes.impedance.circuits import Arc, CircuitFit

__all__ = ["ARC_KEYS", "FIT_FILE_VERSION", "arc_entry", "read_fit", "write_fit"]

_FIT_FORMAT = "ssbattery.CircuitFit"  # the ``format`` tag of a saved fit
#: The format version :func:`write_fit` writes (1: unit suffixes in the keys; 2: "name [unit]").
FIT_FILE_VERSION = 2
#: The Q of an arc's CPE, F s^(n−1) (an ideal capacitor, n = 1, gives F).
_Q_UNIT = "F s^(n-1)"
#: :class:`.Arc` field → its JSON key (units in brackets).
ARC_KEYS: dict[str, str] = {
    "label": "label",
    "resistor": "resistor",
    "capacitor": "capacitor",
    "R_ohm": "R [Ω]",
    "R_err_ohm": "R error [Ω]",
    "Q": f"Q [{_Q_UNIT}]",
    "Q_err": f"Q error [{_Q_UNIT}]",
    "n": "n [1]",
    "n_err": "n error [1]",
    "C_eff_F": "C_eff [F]",
    "C_eff_err_F": "C_eff error [F]",
    "apex_frequency_hz": "apex_frequency [Hz]",
}
#: Version-1 top-level and spectrum keys → their version-2 names.
_V1_KEYS = {
    "covariance": "covariance [parameter units]",
    "initial_guess": "initial_guess [parameter units]",
    "series_resistance_ohm": "series_resistance [Ω]",
    "z_fit_real_ohm": "z_fit_real [Ω]",
    "z_fit_imag_ohm": "z_fit_imag [Ω]",
    "rms_relative_residual": "rms_relative_residual [1]",
}
_V1_SPECTRUM_KEYS = {
    "frequency_hz": "frequency [Hz]",
    "z_real_ohm": "z_real [Ω]",
    "z_imag_ohm": "z_imag [Ω]",
    "temperature_k": "temperature [K]",
}


def arc_entry(arc: Arc) -> dict[str, Any]:
    """One arc as a JSON-ready dict with :data:`ARC_KEYS` (``{"label": "bulk", "R [Ω]": …}``)."""
    return {key: getattr(arc, name) for name, key in ARC_KEYS.items()}


def _arc_from_entry(entry: dict[str, Any]) -> Arc:
    from ssbattery.electrolytes.impedance.circuits import Arc

    if "R_ohm" in entry:  # version 1: the field names themselves
        return Arc(**entry)
    return Arc(**{name: entry[key] for name, key in ARC_KEYS.items()})


def write_fit(fit: CircuitFit, path: str | os.PathLike[str]) -> Path:
    """Write the whole fit (spectrum included) to a JSON file atomically (format version 2).

    An existing writable file is replaced; :func:`read_fit` reads it back to an equal fit.
    """
    from ssbattery.io import check_output_path, write_json

    target = check_output_path(path, suffixes=(".json",))
    sp = fit.spectrum
    payload = {
        "format": _FIT_FORMAT,
        "version": FIT_FILE_VERSION,
        "circuit": fit.circuit,
        "spectrum": {
            "frequency [Hz]": sp.frequency_hz.tolist(),
            "z_real [Ω]": sp.z_ohm.real.tolist(),
            "z_imag [Ω]": sp.z_ohm.imag.tolist(),
            "source": sp.source,
            "file_format": sp.file_format,
            "imag_column": sp.imag_column,
            "temperature [K]": sp.temperature_k,
        },
        # each parameter names its own unit (impedance.py's), so value/stderr keys stay plain
        "parameters": [asdict(p) for p in fit.parameters],
        "covariance [parameter units]": fit.covariance.tolist(),
        "initial_guess [parameter units]": list(fit.initial_guess),
        "arcs": [arc_entry(a) for a in fit.arcs],
        "electrode": None
        if fit.electrode is None
        else {f"Q [{_Q_UNIT}]": fit.electrode[0], "n [1]": fit.electrode[1]},
        "series_resistance [Ω]": fit.series_resistance_ohm,
        "z_fit_real [Ω]": fit.z_fit_ohm.real.tolist(),
        "z_fit_imag [Ω]": fit.z_fit_ohm.imag.tolist(),
        "rms_relative_residual [1]": fit.rms_relative_residual,
        "notes": list(fit.notes),
    }
    return write_json(target, payload, allow_nan=True)


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A version-1 payload with its keys renamed to version 2's."""
    out = {_V1_KEYS.get(k, k): v for k, v in data.items()}
    out["spectrum"] = {_V1_SPECTRUM_KEYS.get(k, k): v for k, v in data["spectrum"].items()}
    electrode = data["electrode"]
    if electrode is not None:
        out["electrode"] = {f"Q [{_Q_UNIT}]": electrode[0], "n [1]": electrode[1]}
    return out


def read_fit(path: str | os.PathLike[str]) -> CircuitFit:
    """Read a fit written by :func:`write_fit` (format version 2, or version 1).

    Raises:
        DataFormatError: the file is missing or is not a saved circuit fit (naming the file).
    """
    from ssbattery.electrolytes.impedance.circuits import CircuitFit, FitParameter
    from ssbattery.electrolytes.impedance.readers import Spectrum

    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        if data.get("format") != _FIT_FORMAT:
            raise KeyError("format")
        if int(data.get("version", 1)) == 1:
            data = _upgrade_v1(data)
        s = data["spectrum"]
        t_k = s["temperature [K]"]
        spectrum = Spectrum(
            frequency_hz=np.asarray(s["frequency [Hz]"], dtype=float),
            z_ohm=np.asarray(s["z_real [Ω]"], dtype=float)
            + 1j * np.asarray(s["z_imag [Ω]"], dtype=float),
            source=str(s["source"]),
            file_format=str(s["file_format"]),
            imag_column=str(s["imag_column"]),
            temperature_k=None if t_k is None else float(t_k),
        )
        electrode = data["electrode"]
        return CircuitFit(
            circuit=str(data["circuit"]),
            spectrum=spectrum,
            parameters=tuple(FitParameter(**q) for q in data["parameters"]),
            covariance=np.asarray(data["covariance [parameter units]"], dtype=float),
            initial_guess=tuple(float(g) for g in data["initial_guess [parameter units]"]),
            arcs=tuple(_arc_from_entry(a) for a in data["arcs"]),
            electrode=None
            if electrode is None
            else (float(electrode[f"Q [{_Q_UNIT}]"]), float(electrode["n [1]"])),
            series_resistance_ohm=float(data["series_resistance [Ω]"]),
            z_fit_ohm=np.asarray(data["z_fit_real [Ω]"], dtype=float)
            + 1j * np.asarray(data["z_fit_imag [Ω]"], dtype=float),
            rms_relative_residual=float(data["rms_relative_residual [1]"]),
            notes=tuple(str(n) for n in data["notes"]),
        )
    except FileNotFoundError as exc:
        raise DataFormatError(f"{p}: no such file; give the path of a saved fit.") from exc
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise DataFormatError(
            f"{p}: not a circuit fit saved by CircuitFit.save ({exc!r}); save one with "
            "`fit.save(path)`."
        ) from exc
