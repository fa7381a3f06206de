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
engine entry calls). :func:`advantage_loss` locates, from a scan's data, the rate at which
the advantage dies: where α first falls below ``ALPHA_THRESHOLD`` and where the ratio at
the largest N first falls below 1 (interpolated between the bracketing scan points); and,
as a separate measure of what noise does to the collective battery itself, where P_max
falls to half its value at the scan's first rate (:func:`half_power_rates`, per N).

Strong noise freezes the charging (Zeno): once a rate Γ dominates the collective Rabi
frequency g√N, every P_max falls as 1/Γ, collective and parallel alike, so that α and
the ratio tend to Γ-independent limits. For local dephasing that limit is analytic
(:func:`incoherent_power`, adiabatic elimination of the atom–photon coherences).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters, default_charging_time
from ssbattery.quantum.open.charging import charge_open
from ssbattery.quantum.open.cutoff import charge_open_converged
from ssbattery.quantum.open.rates import Dissipation
from ssbattery.results import Printed, Recorded
from ssbattery.validation import require_int_at_least, require_positive

__all__ = [
    "ALPHA_THRESHOLD",
    "POINTS_PER_LOSS_TIME",
    "AdvantageLoss",
    "NoiseScan",
    "OpenDickePoint",
    "advantage_loss",
    "half_power_rates",
    "incoherent_power",
    "noise_scan",
    "open_dicke_point",
]

#: The criterion for "the N^{3/2} advantage is gone": α of P_max ∝ N^α below 1.25, half
#: way between the closed battery's large-N limit 3/2 and the parallel batteries' 1.
ALPHA_THRESHOLD = 1.25

RATE_FIELDS = ("cavity_loss", "decay", "pumping", "dephasing", "collective_decay")

#: Under strong cavity loss the power peaks at t_P ≈ 4/κ (measured for N = 1–8, g = 0.2,
#: κ = 10–300): the scan's grid then gets at least this many points per 1/κ of t_max, so
#: that the peak is resolved (≥ 16 points before it) however large κ is.
POINTS_PER_LOSS_TIME = 4.0


@dataclass(frozen=True)
class OpenDickePoint(Recorded):
    """One charging + storage run: P_max, its time, E_max, the largest ergotropy and its
    incoherent part, the ergotropy half-life (NaN: not reached; inf: no atomic noise).
    Energies in E₀ (the unit of ωa), power in E₀², times in 1/E₀ (ħ = 1)."""

    n_atoms: int
    power_max: float
    t_power_max: float
    energy_max: float
    ergotropy_max: float
    ergotropy_incoherent: float
    half_life: float
    photon_cutoff: int = 0
    top_level_population: float = float("nan")

    _UNITS: ClassVar[dict[str, str]] = {
        "power_max": "E₀²",
        "t_power_max": "1/E₀",
        "energy_max": "E₀",
        "ergotropy_max": "E₀",
        "ergotropy_incoherent": "E₀",
        "half_life": "1/E₀",
        "top_level_population": "1",
    }

    def _title(self) -> str:
        return f"open Dicke run, N = {self.n_atoms}"


def open_dicke_point(
    n_atoms: int,
    coupling: float,
    dissipation: Dissipation,
    *,
    cutoff_factor: int = 2,
    steps: int = 200,
    storage_time: float | None = None,
    storage_steps: int = 200,
    top_population: float | None = None,
) -> OpenDickePoint:
    """One open Dicke run (cutoff ``cutoff_factor`` × N, grid to π/(g√N)) reduced to scalars.

    The grid has ``steps`` points, or more under strong cavity loss: at least
    ``POINTS_PER_LOSS_TIME`` × κ t_max, so that the early power peak (t_P ≈ 4/κ) is
    resolved. With ``top_population`` the cutoff starts there and grows until the top
    Fock level's population stays below it (:func:`~.cutoff.charge_open_converged`); the
    cutoff used and that population are in the point."""
    n = require_int_at_least("n_atoms", n_atoms, 1)
    factor = require_int_at_least("cutoff_factor", cutoff_factor, 1)
    t_max = default_charging_time(n, require_positive("coupling", coupling))
    steps = max(
        require_int_at_least("steps", steps, 2),
        math.ceil(POINTS_PER_LOSS_TIME * dissipation.cavity_loss * t_max),
    )
    params = DickeParameters(n, coupling, photon_cutoff=factor * n, steps=steps)
    kw: dict[str, Any] = dict(storage_time=storage_time, storage_steps=storage_steps)
    if top_population is None:
        r = charge_open(params, dissipation, **kw)
    else:
        r = charge_open_converged(params, dissipation, top_population=top_population, **kw)
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
        photon_cutoff=int(r.charging.parameters["photon_cutoff"]),
        top_level_population=r.checks["max_top_level_population"],
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

    def __str__(self) -> str:
        n = ", ".join(str(int(k)) for k in self.n_atoms)
        lines = [f"NoiseScan over {self.parameter} (g = {self.coupling:.4g} {_E0}, N = {n})"]
        for i, v in enumerate(self.values):
            lines.append(
                f"  {self.parameter} = {v:.4g} {_E0}: α = {self.alpha[i]:.4g} ± "
                f"{self.alpha_stderr[i]:.2g}, P_max(N = {int(self.n_atoms[-1])}) = "
                f"{self.power_max[i, -1]:.6g} {_E0}², ratio {self.ratio[i, -1]:.4g}"
            )
        return "\n".join(lines)

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
    top_population: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> NoiseScan:
    """Scan ``parameter`` (a rate of :class:`Dissipation`) over ``values`` for every N.

    ``base`` holds the other rates (default: none). ``n_atoms`` needs ≥ 3 distinct N for the
    fit of α; N = 1 is run as well (for the parallel reference) if absent.
    ``top_population``: each point's cutoff by error control (see
    :func:`open_dicke_point`); ``parameters["photon_cutoffs"]`` then lists the cutoffs
    used (len(values) × len(n_atoms)) and ``parameters["max_top_level_population"]`` the
    largest top-level population of the scan.
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
    cutoffs: list[list[int]] = []
    top = 0.0
    for i, v in enumerate(vals):
        diss = replace(base, **{parameter: v})
        kw: dict[str, Any] = dict(
            cutoff_factor=cutoff_factor,
            steps=steps,
            storage_time=storage_time,
            storage_steps=storage_steps,
            top_population=top_population,
        )
        row: list[int] = []
        for jn, n in enumerate(ns):
            pt = open_dicke_point(n, coupling, diss, **kw)
            P[i, jn], W[i, jn], T[i, jn] = pt.power_max, pt.ergotropy_max, pt.half_life
            row.append(pt.photon_cutoff)
            top = max(top, pt.top_level_population)
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
        cutoffs.append(row)
        fit = fit_power_law(np.array(ns, dtype=float), P[i])
        alpha[i], err[i] = fit.exponent, fit.stderr
    info = {f.name: getattr(base, f.name) for f in fields(base)}
    info.update(cutoff_factor=cutoff_factor, steps=steps, storage_steps=storage_steps)
    info.update(photon_cutoffs=cutoffs, max_top_level_population=top)
    if top_population is not None:
        info["top_population"] = top_population
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


@dataclass(frozen=True)
class AdvantageLoss(Printed):
    """Where the collective advantage dies along one scanned rate (:func:`advantage_loss`).

    ``rate_alpha``: the rate at which α (the least-squares exponent of P_max ∝ N^α over the
    scan's N) first falls below ``alpha_threshold``; ``rate_ratio``: the rate at which the
    collective-to-parallel ratio P_max(N)/(N P_max(1)) at the largest N first falls below
    ``ratio_threshold``. Both interpolated linearly in log(rate) between the two scan
    points that bracket the crossing (linearly in the rate when the lower one is 0). NaN
    when not crossed; ``alpha_status``/``ratio_status`` then say whether it stays above
    up to the largest rate scanned ("above") or is below from the smallest ("below").

    Not the advantage but the battery's own loss: ``rate_power`` is where P_max at the
    largest N falls below ``power_fraction`` × its value at the first rate scanned (the
    battery without this noise when that rate is 0), ``power_status`` as above.
    ``alpha_limit`` and ``ratio_limit`` are α and the ratio at the largest rate;
    ``freezing`` is max over N of |Δ ln(rate · P_max)| between the two largest rates: near
    0 the Zeno regime P_max ∝ 1/rate is reached for every N, so α and the ratio no longer
    change with the rate (NaN when the scan has fewer than two positive rates).
    """

    parameter: str
    alpha_threshold: float
    ratio_threshold: float
    n_max: int
    rate_alpha: float
    rate_ratio: float
    alpha_status: str
    ratio_status: str
    rate_range: tuple[float, float]
    power_fraction: float = 0.5
    rate_power: float = float("nan")
    power_status: str = "above"
    alpha_limit: float = float("nan")
    ratio_limit: float = float("nan")
    freezing: float = float("nan")

    def describe(self, symbol: str | None = None) -> str:
        """One sentence for a figure's summary, e.g. "α < 1.25 from κ* = 0.41"."""
        name = symbol or self.parameter
        lo, hi = self.rate_range

        def part(what: str, rate: float, status: str) -> str:
            if status == "crossed":
                return f"{what} from {name}* = {rate:.3g}"
            if status == "above":
                return f"{what} nowhere up to {name} = {hi:g} (not crossed)"
            return f"{what} already at {name} = {lo:g}"

        text = (
            part(f"α < {self.alpha_threshold:g}", self.rate_alpha, self.alpha_status)
            + "; "
            + part(
                f"P_max(N)/(N P_max(1)) < {self.ratio_threshold:g} at N = {self.n_max}",
                self.rate_ratio,
                self.ratio_status,
            )
        )
        if math.isfinite(self.alpha_limit):
            text += (
                f"; at {name} = {hi:g}: α = {self.alpha_limit:.3f}, ratio = {self.ratio_limit:.3g}"
            )
        if math.isfinite(self.freezing):
            text += (
                f"; {name}·P_max changes by {self.freezing:.1%} over the last step (0 once frozen)"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of this object (plain numbers, lists and strings)."""

        def num(x: float) -> float | None:
            return None if not math.isfinite(x) else float(x)

        return {
            "parameter": self.parameter,
            "alpha_threshold [1]": self.alpha_threshold,
            "ratio_threshold [1]": self.ratio_threshold,
            "n_max": self.n_max,
            f"rate_alpha [{_E0}]": num(self.rate_alpha),
            f"rate_ratio [{_E0}]": num(self.rate_ratio),
            "alpha_status": self.alpha_status,
            "ratio_status": self.ratio_status,
            f"rate_range [{_E0}]": list(self.rate_range),
            "power_fraction [1]": self.power_fraction,
            f"rate_power [{_E0}]": num(self.rate_power),
            "power_status": self.power_status,
            "alpha_limit [1]": num(self.alpha_limit),
            "ratio_limit [1]": num(self.ratio_limit),
            "freezing [1]": num(self.freezing),
        }


def _first_crossing(x: NDArray, y: NDArray, level: float) -> tuple[float, str]:
    """The first x where y drops below ``level`` (interpolated), and how it was found."""
    below = np.flatnonzero(y < level)
    if below.size == 0:
        return float("nan"), "above"
    i = int(below[0])
    if i == 0:
        return float("nan"), "below"
    x0, x1, y0, y1 = float(x[i - 1]), float(x[i]), float(y[i - 1]), float(y[i])
    f = (y0 - level) / (y0 - y1)
    if x0 > 0:
        return float(math.exp(math.log(x0) + f * (math.log(x1) - math.log(x0)))), "crossed"
    return x0 + f * (x1 - x0), "crossed"


def advantage_loss(
    scan: NoiseScan,
    *,
    alpha_threshold: float = ALPHA_THRESHOLD,
    ratio_threshold: float = 1.0,
    power_fraction: float = 0.5,
) -> AdvantageLoss:
    """Where, along ``scan``'s rate, α < ``alpha_threshold``, the ratio at the largest N
    < ``ratio_threshold`` and P_max there < ``power_fraction`` × its first value (see
    :class:`AdvantageLoss`).

    >>> import numpy as np
    >>> s = NoiseScan("cavity_loss", np.array([0.1, 1.0]), np.array([1, 2, 4]), 0.2,
    ...               np.ones((2, 3)), np.ones(2), np.ones((2, 3)), np.ones((2, 3)),
    ...               np.array([1.5, 1.0]), np.zeros(2))
    >>> round(advantage_loss(s).rate_alpha, 4)  # α = 1.25 half way in log(κ)
    0.3162
    """
    x = np.asarray(scan.values, dtype=float)
    rate_a, st_a = _first_crossing(x, np.asarray(scan.alpha, dtype=float), alpha_threshold)
    rate_r, st_r = _first_crossing(x, np.asarray(scan.ratio[:, -1], dtype=float), ratio_threshold)
    P = np.asarray(scan.power_max, dtype=float)
    rate_p, st_p = _first_crossing(x, P[:, -1] / P[0, -1], power_fraction)
    freezing = float("nan")
    if x.size >= 2 and x[-2] > 0:
        freezing = float(np.max(np.abs(np.log((x[-1] * P[-1]) / (x[-2] * P[-2])))))
    return AdvantageLoss(
        parameter=scan.parameter,
        alpha_threshold=float(alpha_threshold),
        ratio_threshold=float(ratio_threshold),
        n_max=int(scan.n_atoms[-1]),
        rate_alpha=rate_a,
        rate_ratio=rate_r,
        alpha_status=st_a,
        ratio_status=st_r,
        rate_range=(float(x[0]), float(x[-1])),
        power_fraction=float(power_fraction),
        rate_power=rate_p,
        power_status=st_p,
        alpha_limit=float(scan.alpha[-1]),
        ratio_limit=float(scan.ratio[-1, -1]),
        freezing=freezing,
    )


def half_power_rates(scan: NoiseScan, fraction: float = 0.5) -> NDArray[np.float64]:
    """For every N of ``scan``, the rate at which P_max(N) first falls below ``fraction``
    × its value at the scan's first rate (interpolated as in :func:`advantage_loss`; NaN
    where not crossed within the scan)."""
    x = np.asarray(scan.values, dtype=float)
    P = np.asarray(scan.power_max, dtype=float)
    return np.array([_first_crossing(x, P[:, j] / P[0, j], fraction)[0] for j in range(P.shape[1])])


def incoherent_power(
    n_atoms: int,
    coupling: float,
    dissipation: Dissipation,
    *,
    omega_a: float = 1.0,
    omega_cav: float = 1.0,
) -> float:
    """The Zeno (strong-dephasing) limit of P_max of the Dicke battery, in ωc².

    With H_int = 2ωc g Jx(a + a†) = λ Σ_i σx_i (a + a†), λ = ωc g, every atom couples
    |g, n⟩ to |e, n − 1⟩ (V = λ√n, detuning Δ₋ = ωa − ωc) and, by the counter-rotating
    term, to |e, n + 1⟩ (V = λ√(n+1), Δ₊ = ωa + ωc). When the coherences between these
    states decay at a rate Γ much faster than λ√N, they follow the populations
    adiabatically and each atom jumps at the Lorentzian golden-rule rate
    W = 2V²Γ/(Γ² + Δ²) (the rate equations of the strong-dephasing limit; e.g.
    Cohen-Tannoudji, Dupont-Roc & Grynberg, *Atom–Photon Interactions*, Wiley 1992,
    ch. V; cross-atom coherences decay at 2Γ and drop out). From the initial state (all
    atoms in |g⟩, n = N photons) the stored energy then grows at

        P_inc = ωa N [2λ²N Γ₋/(Γ₋² + Δ₋²) + 2λ²(N + 1) Γ₊/(Γ₊² + Δ₊²)],

    with Γ₋,₊ the decay of the coherence |g, N⟩⟨e, N ∓ 1|: γ_φ + (γ↓ + γ↑)/2 from the atom
    (T₂ of :class:`Dissipation`'s dephasing is 1/γ_φ) plus, from the cavity loss at
    rates κ↓ (a) and κ↑ (a†), κ↓(2N ∓ 1)/2 + κ↑(2N + 1 ∓ 1)/2. P_max approaches P_inc from below:
    the absorption starts after a lag 1/Γ (the coherences build up) and fades as the
    background loss empties the cavity (κ) and the atoms (γ↓), so that to first order
    E(t)/t ≈ P_inc [1 − 1/(Γt) − (κ + γ↓)t/2], largest at t = √(2/(Γ(κ + γ↓))), where
    P_max ≈ P_inc [1 − √(2(κ + γ↓)/Γ)] (saturation of the atoms, on the time 1/(N W),
    comes later). The limit holds where local dephasing dominates (not for a strong κ
    alone, which empties the cavity within 1/Γ). For Γ ≫ ωa + ωc it is 2λ²ωa N(2N + 1)/Γ:
    collective and parallel (N = 1) powers both fall as 1/Γ (Zeno freezing), the ratio
    P_inc(N)/(N P_inc(1)) tends to (2N + 1)/3 and α stays above 3/2. Collective decay
    is not covered (it is not a per-atom rate).

    >>> round(incoherent_power(1, 0.2, Dissipation(dephasing=100.0)), 7)  # ≈ 2λ²·3/Γ
    0.0023994
    """
    n = require_int_at_least("n_atoms", n_atoms, 1)
    lam = omega_cav * require_positive("coupling", coupling)
    rates = dissipation.jump_rates(omega_a=omega_a, omega_cav=omega_cav)
    if rates.collective_down > 0 or rates.collective_up > 0:
        raise InvalidParameterError(
            "`collective_decay` must be 0 for the incoherent limit (it is not a per-atom rate)."
        )
    atom = rates.local_dephasing + 0.5 * (rates.local_down + rates.local_up)
    total = 0.0
    for photons_after, v2, delta in (
        (n - 1, n, omega_a - omega_cav),
        (n + 1, n + 1, omega_a + omega_cav),
    ):
        gamma = atom + 0.5 * (
            rates.cavity_down * (n + photons_after) + rates.cavity_up * (n + photons_after + 2)
        )
        if gamma <= 0:
            raise InvalidParameterError(
                "the incoherent limit needs a nonzero dephasing, decay or cavity loss."
            )
        total += 2.0 * lam**2 * v2 * gamma / (gamma**2 + delta**2)
    return omega_a * n * total
