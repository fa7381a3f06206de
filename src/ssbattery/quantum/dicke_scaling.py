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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters, eta_critical
from ssbattery.results import Quantity, Recorded, Reported, quantity_text
from ssbattery.validation import require_finite, require_int_at_least

if TYPE_CHECKING:
    import xarray as xr

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
class PowerLawFit(Reported):
    """y = β x^α fitted as a straight line in log–log: α, its standard error, β and R²."""

    exponent: float
    stderr: float
    prefactor: float
    r2: float

    def quantities(self) -> tuple[Quantity, ...]:
        """α ± its standard error, β (in the unit of y) and R²."""
        return (
            Quantity("exponent", self.exponent, "1", self.stderr),
            Quantity("prefactor", self.prefactor, "y"),
            Quantity("r2", self.r2),
        )

    def _title(self) -> str:
        return "power law y = β x^α (least squares in log–log)"


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
    """Pmax, its time and Emax for each N (``n_atoms``), and the power-law fit of Pmax(N)."""

    n_atoms: NDArray[np.int64]
    power_max: NDArray[np.float64]
    t_power_max: NDArray[np.float64]
    energy_max: NDArray[np.float64]
    t_max: NDArray[np.float64]
    fit: PowerLawFit
    parameters: dict[str, Any]

    atoms = renamed_attribute("n_atoms")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``ssbattery dicke-scaling --json``, units in the keys (ω_c, the
        Dicke battery's energy unit; P_max = prefactor · N^exponent)."""
        u = DickeParameters.ENERGY_UNIT
        return {
            "parameters": dict(self.parameters),
            "exponent [1]": self.fit.exponent,
            "exponent error [1]": self.fit.stderr,
            f"prefactor [{u}²]": self.fit.prefactor,
            "r2 [1]": self.fit.r2,
            "results": [
                {
                    "n_atoms": int(n),
                    f"power_max [{u}²]": float(p),
                    f"t_power_max [1/{u}]": float(tp),
                    f"energy_max [{u}]": float(e),
                    f"t_max [1/{u}]": float(tm),
                }
                for n, p, tp, e, tm in zip(
                    self.n_atoms,
                    self.power_max,
                    self.t_power_max,
                    self.energy_max,
                    self.t_max,
                    strict=True,
                )
            ],
        }

    def __str__(self) -> str:
        fit = self.fit
        return quantity_text(
            f"P_max ∝ N^α over N = {', '.join(str(int(n)) for n in self.n_atoms)}",
            (
                Quantity("alpha", fit.exponent, "1", fit.stderr),
                Quantity("r2", fit.r2),
                *(
                    Quantity(f"power_max(N={int(n)})", float(p), "ω_c²")
                    for n, p in zip(self.n_atoms, self.power_max, strict=True)
                ),
            ),
        )

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


def _check_atoms(n_atoms: Sequence[int]) -> list[int]:
    values = [require_int_at_least("n_atoms", n, 1) for n in n_atoms]
    if len(set(values)) < 3:
        raise InvalidParameterError(
            f"`n_atoms` must hold at least 3 different N for a fit, got {list(n_atoms)}."
        )
    return sorted(set(values))


@renamed_kwargs(omega_c="omega_cav", atoms="n_atoms")
def _default_label(omega_cav: float) -> str:
    """The default grid's name in the parameters (the review's form for ωc = 1)."""
    return "pi/(g*sqrt(N))" if omega_cav == 1.0 else f"pi/({omega_cav:g}*g*sqrt(N))"


def dicke_scaling(
    n_atoms: Sequence[int],
    coupling: float,
    *,
    omega_a: float = 1.0,
    omega_cav: float = 1.0,
    eta: float = 0.0,
    drive: float = 0.0,
    cutoff_factor: int = 4,
    t_max: float | None = None,
    steps: int = 400,
    progress: Progress | None = None,
    checkpoint: Path | str | None = None,
) -> ScalingResult:
    """Pmax(N) for each N in ``n_atoms`` and its fit Pmax = β N^α (§2.3.5, Fig. 12).

    Each N uses the photon cutoff ``cutoff_factor`` × N and the grid (0, t_max] with
    t_max = π/(ωc g√N) unless ``t_max`` is given (then the same for every N).

    The N run as a sweep of the ``dicke`` entry (:func:`ssbattery.sweep.run`). With
    ``checkpoint`` (a ``.zarr`` sweep store) each N is stored as soon as it is done and a
    rerun with the same arguments computes only the N not done yet; a store written for
    other arguments is refused and left untouched.
    """
    ns = _check_atoms(n_atoms)
    factor = require_int_at_least("cutoff_factor", cutoff_factor, 1)
    fixed: dict[str, Any] = {
        "coupling": coupling,
        "omega_a": omega_a,
        "omega_cav": omega_cav,
        "eta": eta,
        "drive": drive,
        "steps": steps,
        "ergotropy": False,
    }
    if t_max is not None:
        fixed["t_max"] = t_max
    spec = {
        "model": "dicke",
        "name": "dicke-scaling",
        "fixed": fixed,
        "zip": {"size": {"n_atoms": ns, "photon_cutoff": [factor * n for n in ns]}},
    }
    ds = _run_sweep(spec, checkpoint, progress)
    power = ds["power_max"].values.astype(float)
    parameters: dict[str, Any] = {
        "coupling": float(coupling),
        "omega_a": float(omega_a),
        "omega_cav": float(omega_cav),
        "eta": float(eta),
        "drive": float(drive),
        "cutoff_factor": factor,
        "t_max": _default_label(omega_cav) if t_max is None else float(t_max),
        "steps": int(steps),
    }
    return ScalingResult(
        n_atoms=np.array(ns, dtype=np.int64),
        power_max=power,
        t_power_max=ds["t_power_max"].values.astype(float),
        energy_max=ds["energy_max"].values.astype(float),
        t_max=ds["times"].values[:, -1].astype(float),
        fit=fit_power_law(ns, power),
        parameters=parameters,
    )


def _run_sweep(spec: dict[str, Any], store: Path | str | None, progress: Progress | None) -> Any:
    """Run ``spec`` on the sweep engine; a failed point raises, warnings are re-emitted."""
    from ssbattery.sweep import run

    report = None if progress is None else (lambda p: progress(p.done + p.failed, p.total))
    return run(spec, store=store, progress=report, on_error="raise").dataset


@dataclass(frozen=True)
class EtaSweep(Recorded):
    """Maximum stored energy and power across the atom–atom interaction η (§2.3.4).

    η, energies and η_crit in ω_c, powers in ω_c² (ħ = 1)."""

    eta: NDArray[np.float64]
    energy_max: NDArray[np.float64]
    power_max: NDArray[np.float64]
    eta_critical: float
    parameters: dict[str, Any]

    _UNITS: ClassVar[dict[str, str]] = {
        "eta": "ω_c",
        "energy_max": "ω_c",
        "power_max": "ω_c²",
        "eta_critical": "ω_c",
    }

    def _title(self) -> str:
        return f"E_max and P_max over {len(self.eta)} values of η (§2.3.4)"

    def to_xarray(self) -> xr.Dataset:
        """This result as an ``xarray.Dataset``: named dimensions, units in attributes, the
        parameters (see :mod:`ssbattery.interop.xarray`)."""
        from ssbattery.interop.xarray import to_xarray

        return to_xarray(self)


@renamed_kwargs(omega_c="omega_cav")
def eta_sweep(
    n_atoms: int,
    coupling: float,
    etas: ArrayLike,
    *,
    omega_a: float = 1.0,
    omega_cav: float = 1.0,
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
    fixed: dict[str, Any] = {
        "n_atoms": n,
        "coupling": coupling,
        "omega_a": omega_a,
        "omega_cav": omega_cav,
        "steps": steps,
        "ergotropy": False,
    }
    # the fixed cutoff (default 4N), not the moving photon window
    fixed["photon_cutoff"] = 4 * n if photon_cutoff is None else photon_cutoff
    if t_max is not None:
        fixed["t_max"] = t_max
    spec = {"model": "dicke", "name": "eta-sweep", "fixed": fixed, "sweep": {"eta": list(values)}}
    ds = _run_sweep(spec, None, progress)
    first = DickeParameters(n, coupling, t_max=t_max, steps=steps, photon_cutoff=photon_cutoff)
    return EtaSweep(
        eta=values,
        energy_max=ds["energy_max"].values.astype(float),
        power_max=ds["power_max"].values.astype(float),
        eta_critical=eta_critical(n, coupling, omega_a=omega_a, omega_cav=omega_cav),
        parameters={
            "n_atoms": n,
            "coupling": float(coupling),
            "omega_a": float(omega_a),
            "omega_cav": float(omega_cav),
            "t_max": first.t_max,
            "photon_cutoff": first.photon_cutoff,
            "steps": int(steps),
        },
    )
