"""Does the collective advantage survive noise? Scans over one noise rate (issue 12 §2).

For each value of one rate of :class:`~.rates.Dissipation` (``parameter``, e.g.
``"dephasing"`` or ``"cavity_loss"``) and each atom number N, the open Dicke battery is
charged (photon cutoff ``cutoff_factor`` × N, grid to π/(g√N) as for the closed battery)
and left to self-discharge. Reported:

* P_max(N) and the exponent α of the least-squares fit P_max ∝ N^α (review §2.3.5; the
  closed battery approaches α = 3/2 for large N, Ferraro et al., PRL 120, 117702 (2018)),
  and the local exponents α(N) = Δ ln P_max / Δ ln N between consecutive N;
* the collective-to-parallel power ratio P_max(N) / (N P_max(1)): N atoms in one cavity
  against N one-atom batteries each in its own cavity (each with N = 1 photon), under the
  same noise — above 1 while the collective advantage survives;
* the half-life of the ergotropy in the storage phase.

Each point is :func:`open_dicke_point`, a pure function of its inputs (what a sweep
engine entry calls).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.open.charging import charge_open
from ssbattery.quantum.open.rates import Dissipation
from ssbattery.validation import require_int_at_least, require_positive

__all__ = ["NoiseScan", "OpenDickePoint", "noise_scan", "open_dicke_point"]

RATE_FIELDS = ("cavity_loss", "decay", "pumping", "dephasing", "collective_decay")


@dataclass(frozen=True)
class OpenDickePoint:
    """One charging + storage run: P_max, its time, E_max, the largest ergotropy and its
    incoherent part, the ergotropy half-life (NaN: not reached; inf: no atomic noise)."""

    n_atoms: int
    power_max: float
    t_power_max: float
    energy_max: float
    ergotropy_max: float
    ergotropy_incoherent: float
    half_life: float


def open_dicke_point(
    n_atoms: int,
    coupling: float,
    dissipation: Dissipation,
    *,
    cutoff_factor: int = 2,
    steps: int = 200,
    storage_time: float | None = None,
    storage_steps: int = 200,
) -> OpenDickePoint:
    """One open Dicke run (cutoff ``cutoff_factor`` × N, default grid) reduced to scalars."""
    n = require_int_at_least("n_atoms", n_atoms, 1)
    factor = require_int_at_least("cutoff_factor", cutoff_factor, 1)
    params = DickeParameters(n, coupling, photon_cutoff=factor * n, steps=steps)
    r = charge_open(params, dissipation, storage_time=storage_time, storage_steps=storage_steps)
    k = int(np.argmax(r.ergotropy))
    if r.storage is None:  # pragma: no cover - storage=True always gives one
        raise RuntimeError("the storage phase did not run")
    return OpenDickePoint(
        n_atoms=n,
        power_max=r.power_max,
        t_power_max=r.t_power_max,
        energy_max=r.charging.energy_max,
        ergotropy_max=float(r.ergotropy[k]),
        ergotropy_incoherent=float(r.ergotropy_incoherent[k]),
        half_life=r.storage.half_life,
    )


#: The energy unit of the open battery: that of ωa, Ω, g and the rates (ħ = 1).
_E0 = "E₀"


@dataclass(frozen=True)
class NoiseScan:
    """Results of :func:`noise_scan`; arrays are (len(values), len(n_atoms)) unless noted."""

    parameter: str
    values: NDArray[np.float64]
    n_atoms: NDArray[np.int64]
    coupling: float
    power_max: NDArray[np.float64]
    power_single: NDArray[np.float64]  # (len(values),): P_max of N = 1
    ergotropy_max: NDArray[np.float64]
    half_life: NDArray[np.float64]
    alpha: NDArray[np.float64]  # (len(values),)
    alpha_stderr: NDArray[np.float64]  # (len(values),)
    parameters: dict[str, Any] = field(default_factory=dict)

    atoms = renamed_attribute("n_atoms")

    @property
    def ratio(self) -> NDArray[np.float64]:
        """Collective-to-parallel power ratio P_max(N) / (N P_max(1))."""
        return self.power_max / (self.n_atoms[None, :] * self.power_single[:, None])

    @property
    def alpha_local(self) -> NDArray[np.float64]:
        """α(N) = Δ ln P_max / Δ ln N between consecutive N, (len(values), len(n_atoms) − 1)."""
        return np.diff(np.log(self.power_max), axis=1) / np.diff(np.log(self.n_atoms))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys: rates and the coupling in E₀ (the unit of ωa),
        powers in E₀², half-lives in 1/E₀ (None: not reached), α and ratios ``[1]``;
        ``n_atoms`` are counts."""

        def clean(a: NDArray) -> list:
            return [[None if not math.isfinite(x) else float(x) for x in row] for row in a]

        return {
            "parameter": self.parameter,
            f"values [{_E0}]": self.values.tolist(),
            "n_atoms": self.n_atoms.tolist(),
            f"coupling [{_E0}]": self.coupling,
            f"power_max [{_E0}²]": self.power_max.tolist(),
            f"power_single [{_E0}²]": self.power_single.tolist(),
            "ratio [1]": self.ratio.tolist(),
            f"ergotropy_max [{_E0}]": self.ergotropy_max.tolist(),
            f"half_life [1/{_E0}]": clean(self.half_life),
            "alpha [1]": self.alpha.tolist(),
            "alpha error [1]": self.alpha_stderr.tolist(),
            "alpha_local [1]": self.alpha_local.tolist(),
            "parameters": dict(self.parameters),
        }


@renamed_kwargs(atoms="n_atoms")
def noise_scan(
    n_atoms: Sequence[int],
    coupling: float,
    parameter: str,
    values: Sequence[float],
    *,
    base: Dissipation | None = None,
    cutoff_factor: int = 2,
    steps: int = 200,
    storage_time: float | None = None,
    storage_steps: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> NoiseScan:
    """Scan ``parameter`` (a rate of :class:`Dissipation`) over ``values`` for every N.

    ``base`` holds the other rates (default: none). ``n_atoms`` needs ≥ 3 distinct N for the
    fit of α; N = 1 is run as well (for the parallel reference) if absent.
    """
    from ssbattery.quantum.dicke_scaling import fit_power_law

    if parameter not in RATE_FIELDS:
        raise InvalidParameterError(
            f"`parameter` must be one of {', '.join(RATE_FIELDS)}, got {parameter!r}."
        )
    ns = sorted({require_int_at_least("n_atoms", n, 1) for n in n_atoms})
    if len(ns) < 3:
        raise InvalidParameterError(f"`n_atoms` needs at least 3 distinct N to fit α, got {ns}.")
    vals = [require_positive(parameter, v, allow_zero=True) for v in values]
    if not vals:
        raise InvalidParameterError("`values` is empty; give the rates to scan.")
    require_positive("coupling", coupling)
    base = base or Dissipation()
    shape = (len(vals), len(ns))
    P, W, T = np.empty(shape), np.empty(shape), np.empty(shape)
    P1 = np.empty(len(vals))
    alpha, err = np.empty(len(vals)), np.empty(len(vals))
    runs = len(vals) * (len(ns) + (0 if 1 in ns else 1))
    done = 0
    for i, v in enumerate(vals):
        diss = replace(base, **{parameter: v})
        kw: dict[str, Any] = dict(
            cutoff_factor=cutoff_factor,
            steps=steps,
            storage_time=storage_time,
            storage_steps=storage_steps,
        )
        for jn, n in enumerate(ns):
            pt = open_dicke_point(n, coupling, diss, **kw)
            P[i, jn], W[i, jn], T[i, jn] = pt.power_max, pt.ergotropy_max, pt.half_life
            done += 1
            if progress is not None:
                progress(done, runs)
        if 1 in ns:
            P1[i] = P[i, ns.index(1)]
        else:
            P1[i] = open_dicke_point(1, coupling, diss, **kw).power_max
            done += 1
            if progress is not None:
                progress(done, runs)
        fit = fit_power_law(np.array(ns, dtype=float), P[i])
        alpha[i], err[i] = fit.exponent, fit.stderr
    info = {f.name: getattr(base, f.name) for f in fields(base)}
    info.update(cutoff_factor=cutoff_factor, steps=steps, storage_steps=storage_steps)
    return NoiseScan(
        parameter=parameter,
        values=np.array(vals),
        n_atoms=np.array(ns, dtype=np.int64),
        coupling=float(coupling),
        power_max=P,
        power_single=P1,
        ergotropy_max=W,
        half_life=T,
        alpha=alpha,
        alpha_stderr=err,
        parameters=info,
    )
