"""The large-N limit of the Dicke battery: truncated Wigner / mean-field dynamics.

For N → ∞ the collective spin (length j = N/2) and the cavity field (|α|² ≈ N) become
classical. The truncated Wigner approximation (TWA) evolves samples of the initial Wigner
distribution with the classical equations of H (eq. 9), ħ = 1, frequencies in units of ωc::

    dα/dt = −i (ωc α + 2ωc g Jx)
    dJ/dt = B × J,   B = ∇_J H = (2ωc g (α + α*) + Ω, 0, ωa + 2η Jz / N)

and averages: E(t) = ωa (⟨Jz⟩ + j). Initial samples: the Fock state |N⟩ as the ring
|α|² = N + ½ with a uniform phase; the spin coherent state |j, −j⟩ with Gaussian transverse
components Jx, Jy of variance j/2 and Jz = −√(j(j+1) − Jx² − Jy²). ``mean_field`` drops the
spin fluctuations (Jx = Jy = 0, Jz = −j; the phase average then by an S-point
quadrature): the phase-averaged mean-field (Holstein–Primakoff
leading-order) limit. TWA is exact for quadratic Hamiltonians (e.g. g = 0, Ω ≠ 0: a linear
spin rotation), and its error at finite N is O(1/N) relative.

Measured against the exact evolution (moving-window cutoff, N = 2 … 2048, in the weak
g = 0.05, ultra-strong g = 0.2 and deep-strong g = 1 regimes; the tables are in
``benchmarks/RESULTS_dicke_large_n.md``): the mean-field P_max lies above the exact one by
a relative 1e-2 at N = 27, 10 and 3 respectively (within 1 % for every larger N measured)
and converges to it as N⁻² (at N = 2048: 4.2e-6, 2.8e-7 and 2.1e-8). The TWA
with spin fluctuations keeps a bias of 0.1–0.8 % that does not shrink with N (the ring
approximation of the Fock state's Wigner function), so the mean field (the default) is the
large-N limit used. Its cost does not grow with N, which gives P_max(N) and the exponent α
of P_max ∝ N^α far beyond any exact run (:func:`large_n_exponent`), and its N → ∞ limit is
closed-form (:func:`power_max_collective_limit`: α → 3/2 in every regime).

Why our own code: no library integrates the TWA of the Dicke model; the equations are
five lines, integrated for all samples at once with scipy's DOP853.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery._deprecation import renamed_attribute, renamed_kwargs
from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.battery import ChargingResult, summarise_charging
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.results import Quantity, Reported

__all__ = [
    "ExponentFit",
    "collective_limit_time",
    "large_n_exponent",
    "power_max_collective_limit",
    "semiclassical_charge",
]

#: x* = 2.75826…, the root of x J₁(x) = 1 − J₀(x): where (1 − J₀(x))/x is largest
#: (its value there is J₁(x*) = 0.423328…); see :func:`power_max_collective_limit`.
BESSEL_PEAK = 2.7582608473306767


def semiclassical_charge(
    params: DickeParameters,
    *,
    samples: int = 2000,
    seed: int = 0,
    mean_field: bool = True,
    rtol: float = 1e-9,
) -> ChargingResult:
    """E(t) and P(t) of the Dicke battery in the truncated Wigner approximation.

    ``samples`` trajectories; ``mean_field`` (default) without spin fluctuations and with
    the phase average as a quadrature, else the TWA with random samples (fixed ``seed``).
    The result's parameters carry ``energy_standard_error`` (the largest sampling error of
    E(t) over the grid). The ergotropy is not defined for the classical ensemble (NaN).
    """
    S = int(samples)
    if S < 2:
        raise InvalidParameterError(f"`samples` must be ≥ 2, got {samples!r}.")
    from scipy.integrate import solve_ivp

    N, g = params.n_atoms, params.coupling
    wa, wc, eta, drive = params.omega_a, params.omega_cav, params.eta, params.drive
    j = N / 2.0
    times = params.times()
    rng = np.random.default_rng(seed)
    # mean field: the phase average as an S-point quadrature (spectrally accurate)
    phases = 2.0 * math.pi * np.arange(S) / S if mean_field else rng.uniform(0, 2 * math.pi, S)
    alpha = math.sqrt(N + 0.5) * np.exp(1j * phases)
    if mean_field:
        jx, jy, jz = np.zeros(S), np.zeros(S), np.full(S, -j)
    else:
        jx, jy = rng.normal(0.0, math.sqrt(j / 2.0), (2, S))
        jz = -np.sqrt(np.maximum(j * (j + 1.0) - jx**2 - jy**2, 0.0))
    y0 = np.concatenate([alpha.real, alpha.imag, jx, jy, jz])

    def rhs(_t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        ar, ai, x, yy, z = y.reshape(5, S)
        bx = 4.0 * wc * g * ar + drive
        bz = wa + 2.0 * eta * z / N
        return np.concatenate(
            [wc * ai, -(wc * ar + 2.0 * wc * g * x), -bz * yy, bz * x - bx * z, bx * yy]
        )

    sol = solve_ivp(
        rhs,
        (0.0, float(times[-1])),
        y0,
        t_eval=times,
        rtol=rtol,
        atol=rtol * max(j, 1.0),
        method="DOP853",
    )
    if not sol.success:  # pragma: no cover - DOP853 on a smooth polynomial field
        raise InvalidParameterError(f"the semiclassical integration failed: {sol.message}")
    z = sol.y[4 * S :]
    energy = wa * (z.mean(axis=0) + j)
    stderr = wa * z.std(axis=0, ddof=1) / math.sqrt(S)
    info: dict[str, Any] = dict(
        method="mean field" if mean_field else "truncated Wigner",
        samples=S,
        seed=seed,
        energy_standard_error=float(stderr.max()),
    )
    return summarise_charging(times, energy, np.full(times.size, np.nan), params, diagnostics=info)


@dataclass(frozen=True)
class ExponentFit(Reported):
    """P_max(N) ∝ N^α from the semiclassical limit, with the local slopes.

    Attributes:
        n_atoms: the N values; power_max: P_max at each (ω_c²).
        exponent: α from a least-squares fit of log P_max on log N over the last
            ``tail`` points (the large-N end).
        local: d log P_max / d log N between neighbouring N.
    """

    n_atoms: NDArray[np.int64]
    power_max: NDArray[np.float64]
    exponent: float
    local: NDArray[np.float64]

    atoms = renamed_attribute("n_atoms")

    def quantities(self) -> tuple[Quantity, ...]:
        """α of the large-N end and the last local slope (no error: a semiclassical fit)."""
        return (Quantity("exponent", self.exponent), Quantity("local_slope", float(self.local[-1])))

    def _title(self) -> str:
        return f"semiclassical P_max ∝ N^α, N = {int(self.n_atoms[0])} … {int(self.n_atoms[-1])}"


@renamed_kwargs(atoms="n_atoms")
def large_n_exponent(
    coupling: float,
    n_atoms: list[int] | NDArray[np.int64],
    *,
    tail: int = 3,
    samples: int = 64,
    **params: Any,
) -> ExponentFit:
    """α in P_max ∝ N^α as N → ∞ at fixed ``coupling`` (semiclassical P_max at each N).

    Uses :func:`semiclassical_charge` on each N's default grid t ≤ π/(g√N); extra keyword
    arguments go to :class:`DickeParameters` (ωa, ωc, η, …).
    """
    ns = np.asarray(sorted({int(n) for n in n_atoms}), dtype=np.int64)
    if ns.size < 2:
        raise InvalidParameterError("`n_atoms` needs at least 2 different N.")
    pm = np.array(
        [
            semiclassical_charge(
                DickeParameters(int(n), coupling, **params), samples=samples
            ).power_max
            for n in ns
        ]
    )
    x, y = np.log(ns.astype(float)), np.log(pm)
    k = min(max(int(tail), 2), ns.size)
    slope = float(np.polyfit(x[-k:], y[-k:], 1)[0])
    return ExponentFit(ns, pm, slope, np.diff(y) / np.diff(x))


def _require_limit_args(n_atoms: int, coupling: float) -> tuple[int, float]:
    from ssbattery.validation import require_int_at_least, require_positive

    n = require_int_at_least("n_atoms", n_atoms, 1)
    g = require_positive("coupling", coupling)
    return n, g


def power_max_collective_limit(
    n_atoms: int, coupling: float, *, omega_a: float = 1.0, omega_cav: float = 1.0
) -> float:
    """The N → ∞ limit of P_max at fixed g: P_max ≃ 2 J₁(x*) ωa ωc g N^{3/2} (units ωc²).

    Derivation (mean field of eq. 9, η = Ω = 0): the charging time scale is
    1/(ωc g √N) (the collective Rabi frequency), against which the bare terms ωc a†a and
    ωa Jz act for times ∝ 1/(g√N) → 0, so at leading order only the coupling acts. The
    field then keeps α = √N e^{iφ} and the spin turns about x by θ(t) = 4 ωc g √N t cos φ,
    so the phase average gives E(t) = ωa j [1 − J₀(4 ωc g √N t)] (j = N/2) and
    P(t) = E/t is largest at 4 ωc g √N t = x*, with (1 − J₀(x*))/x* = J₁(x*):
    P_max = 4 ωc g √N ωa j J₁(x*) = 2 J₁(x*) ωa ωc g N^{3/2} = 0.846656 ωa ωc g N^{3/2}.
    Hence α = d ln P_max / d ln N → 3/2 in every coupling regime; the corrections are
    O(1/(g² N)) (measured: the mean field's P_max/limit − 1 falls 16× per 16× N at
    g = 0.05, 0.2 and 1, ``benchmarks/RESULTS_dicke_large_n.md``).

    Example:
        >>> round(power_max_collective_limit(1024, 0.2), 3)
        5548.646
    """
    from scipy.special import j1

    n, g = _require_limit_args(n_atoms, coupling)
    return float(2.0 * j1(BESSEL_PEAK) * omega_a * omega_cav * g * n**1.5)


def collective_limit_time(n_atoms: int, coupling: float, *, omega_cav: float = 1.0) -> float:
    """t(P_max) in the same limit: x* / (4 ωc g √N) (in 1/ωc), ≈ 0.2195 π/(g√N)."""
    n, g = _require_limit_args(n_atoms, coupling)
    return BESSEL_PEAK / (4.0 * omega_cav * g * math.sqrt(n))
