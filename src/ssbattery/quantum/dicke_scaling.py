"""Collective charging of the Dicke battery: Pmax ∝ N^α (§2.3.5, Fig. 12) and η sweeps.

The review fits log Pmax = α log N + log β by linear least squares and reports α = 1.4
with R² = 0.9987 (Fig. 12); Ferraro et al., PRL 120, 117702 (2018) find Pmax ∝ N^{3/2}
at large N. The exponent depends on the coupling g, on the time grid (t_max) and on the
photon cutoff, so every result carries them.

The critical atom–atom interaction η_crit = ωa − 4ωc g²N (§2.3.4, ref. 135, written for this
package's coupling, see :func:`~ssbattery.quantum.dicke.eta_critical`) is where the
maximum stored energy changes behaviour; :func:`eta_sweep` scans Emax across η.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.io import check_output_path, file_lock, write_json
from ssbattery.quantum.dicke import DickeParameters, charge_dicke, eta_critical
from ssbattery.validation import require_finite, require_int_at_least

__all__ = [
    "EtaSweep",
    "PowerLawFit",
    "ScalingResult",
    "dicke_scaling",
    "eta_sweep",
    "fit_power_law",
]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PowerLawFit:
    """y = β x^α fitted as a straight line in log–log: α, its standard error, β and R²."""

    exponent: float
    stderr: float
    prefactor: float
    r2: float


def fit_power_law(x: ArrayLike, y: ArrayLike) -> PowerLawFit:
    """Least-squares fit of log y = α log x + log β (§2.3.5). Needs ≥ 3 positive points."""
    from scipy.stats import linregress

    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise InvalidParameterError(
            f"`x` and `y` must be 1-D of equal length, got shapes {xs.shape} and {ys.shape}."
        )
    if xs.size < 3:
        raise InvalidParameterError(
            f"a power-law fit needs at least 3 points (to estimate its error), got {xs.size}."
        )
    if np.any(xs <= 0) or np.any(ys <= 0) or not np.all(np.isfinite(ys)):
        raise InvalidParameterError("`x` and `y` must be finite and > 0 for a log–log fit.")
    if np.unique(xs).size < 2:
        raise InvalidParameterError("`x` must hold at least two different values.")
    fit = linregress(np.log(xs), np.log(ys))
    return PowerLawFit(
        exponent=float(fit.slope),
        stderr=float(fit.stderr),
        prefactor=float(np.exp(fit.intercept)),
        r2=float(fit.rvalue**2),
    )


@dataclass(frozen=True)
class ScalingResult:
    """Pmax, its time and Emax for each N, and the power-law fit of Pmax(N)."""

    atoms: NDArray[np.int64]
    power_max: NDArray[np.float64]
    t_power_max: NDArray[np.float64]
    energy_max: NDArray[np.float64]
    t_max: NDArray[np.float64]
    fit: PowerLawFit
    parameters: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``ssbattery dicke-scaling --json``."""
        return {
            "parameters": dict(self.parameters),
            "exponent": self.fit.exponent,
            "stderr": self.fit.stderr,
            "prefactor": self.fit.prefactor,
            "r2": self.fit.r2,
            "results": [
                {
                    "atoms": int(n),
                    "power_max": float(p),
                    "t_power_max": float(tp),
                    "energy_max": float(e),
                    "t_max": float(tm),
                }
                for n, p, tp, e, tm in zip(
                    self.atoms,
                    self.power_max,
                    self.t_power_max,
                    self.energy_max,
                    self.t_max,
                    strict=True,
                )
            ],
        }


def _check_atoms(atoms: Sequence[int]) -> list[int]:
    values = [require_int_at_least("atoms", n, 1) for n in atoms]
    if len(set(values)) < 3:
        raise InvalidParameterError(
            f"`atoms` must hold at least 3 different N for a fit, got {list(atoms)}."
        )
    return sorted(set(values))


def dicke_scaling(
    atoms: Sequence[int],
    coupling: float,
    *,
    omega_a: float = 1.0,
    omega_c: float = 1.0,
    eta: float = 0.0,
    drive: float = 0.0,
    cutoff_factor: int = 4,
    t_max: float | None = None,
    steps: int = 400,
    progress: Progress | None = None,
    checkpoint: Path | str | None = None,
) -> ScalingResult:
    """Pmax(N) for each N in ``atoms`` and its fit Pmax = β N^α (§2.3.5, Fig. 12).

    Each N uses the photon cutoff ``cutoff_factor`` × N and the grid (0, t_max] with
    t_max = π/(g√N) unless ``t_max`` is given (then the same for every N).

    With ``checkpoint`` (a JSON file), each N's result is saved as soon as it is computed
    and a rerun with the same parameters resumes from it, so an interrupted scan over large
    N loses at most the N in progress. A checkpoint written for other parameters is refused;
    the file is replaced atomically after each N and locked for the run (a second run on it
    is refused with :class:`~ssbattery.errors.FileBusyError`).
    """
    ns = _check_atoms(atoms)
    factor = require_int_at_least("cutoff_factor", cutoff_factor, 1)
    params = [
        DickeParameters(
            n,
            coupling,
            omega_a=omega_a,
            omega_c=omega_c,
            eta=eta,
            drive=drive,
            photon_cutoff=factor * n,
            t_max=t_max,
            steps=steps,
        )
        for n in ns
    ]  # validate every N before the first (long) run
    parameters: dict[str, Any] = {
        "coupling": float(coupling),
        "omega_a": float(omega_a),
        "omega_c": float(omega_c),
        "eta": float(eta),
        "drive": float(drive),
        "cutoff_factor": factor,
        "t_max": "pi/(g*sqrt(N))" if t_max is None else float(t_max),
        "steps": int(steps),
    }
    if checkpoint is None:
        return _scan(ns, params, parameters, None, progress)
    path = check_output_path(checkpoint, option="checkpoint", suffixes=None)
    with file_lock(path, option="checkpoint"):
        return _scan(ns, params, parameters, path, progress)


def _scan(
    ns: list[int],
    params: list[DickeParameters],
    parameters: dict[str, Any],
    path: Path | None,
    progress: Progress | None,
) -> ScalingResult:
    """Run (or resume from ``path``) every N of :func:`dicke_scaling`."""
    done = _load_checkpoint(path, parameters)
    for i, p in enumerate(params):
        if str(p.n_atoms) not in done:
            r = charge_dicke(p, ergotropy=False)
            done[str(p.n_atoms)] = [r.power_max, r.t_power_max, r.energy_max]
            _save_checkpoint(path, parameters, done)
        if progress is not None:
            progress(i + 1, len(params))
    rows = np.array([done[str(n)] for n in ns], dtype=float)
    return ScalingResult(
        atoms=np.array(ns, dtype=np.int64),
        power_max=rows[:, 0],
        t_power_max=rows[:, 1],
        energy_max=rows[:, 2],
        t_max=np.array([p.charging_time for p in params]),
        fit=fit_power_law(ns, rows[:, 0]),
        parameters=parameters,
    )


def _load_checkpoint(path: Path | None, parameters: dict[str, Any]) -> dict[str, list[float]]:
    """Per-N results [Pmax, t(Pmax), Emax] saved by an earlier run with ``parameters``."""
    if path is None or not path.exists():
        return {}
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        results = {str(k): [float(x) for x in v] for k, v in saved["results"].items()}
        saved_parameters = saved["parameters"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFormatError(
            f"checkpoint {path} is not a Dicke-scaling checkpoint ({exc}); "
            "remove it or give another file."
        ) from None
    if saved_parameters != parameters:
        raise InvalidParameterError(
            f"checkpoint {path} was written for other parameters ({saved_parameters}); "
            "remove it or give another file to start a new scan."
        )
    return results


def _save_checkpoint(
    path: Path | None, parameters: dict[str, Any], results: dict[str, list[float]]
) -> None:
    """Write the checkpoint atomically (a crash mid-write keeps the previous one)."""
    if path is not None:
        write_json(path, {"parameters": parameters, "results": results}, allow_nan=True)


@dataclass(frozen=True)
class EtaSweep:
    """Maximum stored energy and power across the atom–atom interaction η (§2.3.4)."""

    eta: NDArray[np.float64]
    energy_max: NDArray[np.float64]
    power_max: NDArray[np.float64]
    eta_critical: float
    parameters: dict[str, Any]


def eta_sweep(
    n_atoms: int,
    coupling: float,
    etas: ArrayLike,
    *,
    omega_a: float = 1.0,
    omega_c: float = 1.0,
    t_max: float | None = None,
    steps: int = 400,
    photon_cutoff: int | None = None,
    progress: Progress | None = None,
) -> EtaSweep:
    """Emax(η) and Pmax(η) over ``etas`` with η_crit = ωa − 4ωc g²N marked (§2.3.4)."""
    values = np.asarray(etas, dtype=float)
    if values.ndim != 1 or values.size < 2:
        raise InvalidParameterError("`etas` must be a 1-D list of at least two values.")
    for v in values:
        require_finite("etas", v)
    n = require_int_at_least("n_atoms", n_atoms, 1)
    params = [
        DickeParameters(
            n,
            coupling,
            omega_a=omega_a,
            omega_c=omega_c,
            eta=float(e),
            photon_cutoff=photon_cutoff,
            t_max=t_max,
            steps=steps,
        )
        for e in values
    ]
    emax, pmax = [], []
    for i, p in enumerate(params):
        r = charge_dicke(p, ergotropy=False)
        emax.append(r.energy_max)
        pmax.append(r.power_max)
        if progress is not None:
            progress(i + 1, len(params))
    return EtaSweep(
        eta=values,
        energy_max=np.array(emax),
        power_max=np.array(pmax),
        eta_critical=eta_critical(n, coupling, omega_a=omega_a, omega_c=omega_c),
        parameters={
            "n_atoms": n,
            "coupling": float(coupling),
            "omega_a": float(omega_a),
            "omega_c": float(omega_c),
            "t_max": params[0].charging_time,
            "photon_cutoff": params[0].cutoff,
            "steps": int(steps),
        },
    )
