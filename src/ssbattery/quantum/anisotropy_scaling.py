"""Fig. 14 beyond N = 4: P_max(α)/P_max(α = 1) of the spin-chain battery for N = 4 … 128.

The review's Fig. 14 (§2.3.9, eqs. 10–14; Le et al., Phys. Rev. A 97, 022106 (2018)) shows
the ratio for N = 4. This module computes it for longer open chains, nearest-neighbour
(NN) and long-range (LR, g/d^p with p = 1), with B = 3, ω = 12, g = 3:

* exact sector evolution (:func:`~ssbattery.quantum.spin_chain.charge_spin_chain`, P_max
  polished between grid points) for N ≤ 16, and N = 20 (LR at every α, NN at α = −1);
* matrix-product states beyond (:func:`~ssbattery.quantum.mps.charge_spin_chain_mps`):
  our NumPy TEBD-4 (D = 64) for NN, our two-site TDVP with a K = 8 exponential fit of 1/d
  for LR. The LR bond dimension beyond N = 20 is chosen by convergence: D = 4, 8, 16, 32
  (:data:`LR_BOND_DIMS`) in turn until D and D/2 agree to :data:`BOND_AGREEMENT` (1e-4)
  relative on P_max; the row keeps the larger D and, in ``power_max_half_bond``, the P_max
  at D/2 it was checked against. The N ≤ 20 LR cross-check points use D = 32
  (:data:`LR_BOND_DIM`), the exact MPO and the halved step :data:`CROSS_CHECK_DT`. P_max
  is read from a cubic spline of W(t) through the grid (:func:`spline_power_max`).

**Only t ≤ 0.25 is evolved**, which is enough: every P_max on (0, 2] of the review's grid
lies at t < 0.1 for N ≤ 10 and moves earlier with N, and :func:`power_bound` proves it
for each point: for t > t_max, P(t) = W(t)/t ≤ W_bound/t_max with W_bound = 2NB +
½(1 + |α|) Σ_{i<j} g_ij (the largest possible rise of H0 = BΣσz plus that of Hg, whose
pair terms −¼g[σzσz + α(σxσx + σyσy)] have eigenvalues in [−¼g, ¼g(1 + 2|α|)] and start
at their minimum). Each stored point records the bound and whether its P_max exceeds it.

**α = 1 is analytic for every N**: Hg then commutes with Σσx and is constant on the
symmetric multiplet that |↓…↓⟩ is charged in, so W(t) = 2NB sin²(ωt) and P_max(1) =
2NBω sin²y*/y* (tan y* = 2y*, :func:`~ssbattery.quantum.spin_chain.
independent_spins_power_max`); the ratio's denominator is that value (checked against the
exact evolution in the tests).

The large-N points take tens of minutes (TDVP dominates), so the report ships them
precomputed in ``anisotropy_scaling.csv`` next to this module (the points finished so far;
the report states which). Regenerate (resumable: finished points are kept and skipped)
with::

    python -m ssbattery.quantum.anisotropy_scaling --out anisotropy_scaling.csv

(``--checkpoint-dir DIR`` also checkpoints each long LR run there, every 5 output times,
under the names ``benchmarks/bench_mps.py`` uses, so an interrupted point resumes too.)
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    couplings,
    independent_spins_power_max,
)
from ssbattery.results import Recorded

__all__ = [
    "ALPHAS",
    "BOND_AGREEMENT",
    "BOND_DIM",
    "CROSS_CHECK_ALPHAS",
    "CROSS_CHECK_DT",
    "DATA_FILE",
    "EXACT_MPO_MAX_SITES",
    "EXACT_SIZES",
    "LR_BOND_DIM",
    "LR_BOND_DIMS",
    "MPS_SIZES",
    "REGENERATE",
    "STEPS",
    "T_MAX",
    "ScanPoint",
    "ScanRow",
    "chain",
    "default_points",
    "load_scan",
    "main",
    "power_bound",
    "ratio_table",
    "run_point",
    "run_scan",
    "spline_power_max",
]

#: Fig. 14's chain (B = 3, ω = 4B, g = B, p = 1).
FIELD, CHARGING, COUPLING, DECAY = 3.0, 12.0, 3.0, 1.0
#: α < 1 values computed (α = 1 is analytic, see the module docstring).
ALPHAS: tuple[float, ...] = (-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75)
#: Chain lengths computed exactly (every α; N = 20 only at α = −1, see the docstring).
EXACT_SIZES: tuple[int, ...] = (4, 8, 12, 16)
#: Chain lengths computed as MPS (beyond the exact ones).
MPS_SIZES: tuple[int, ...] = (32, 64, 128)
#: The evolved window (0, T_MAX] and its number of output times (spacing 0.0025).
T_MAX, STEPS = 0.25, 100
#: MPS settings: bond dimension, TEBD time step, TDVP time step, exponentials of the LR fit.
BOND_DIM, TEBD_DT, TDVP_DT, EXPONENTIALS = 64, 0.0025, 0.0025, 8
#: Bond dimension of the LR (TDVP) cross-check points (N ≤ 20): D = 32 leaves an
#: accumulated truncation error ε ≤ 1.4e-10 on t ≤ 0.25 at N = 16 (each point records its
#: own ε), and a TDVP step at D = 64 costs about 8× more.
LR_BOND_DIM = 32
#: Bond dimensions tried in turn for the LR points beyond N = 20 (stop at the first D whose
#: P_max agrees with D/2's to :data:`BOND_AGREEMENT`; measured at N = 32, α = −1: D = 4 →
#: 8 changes P_max by 1.3e-5, 8 → 16 by 1.9e-8, as the converged P_max lies at t ≈ 0.06,
#: well before the bond dimension saturates).
LR_BOND_DIMS: tuple[int, ...] = (4, 8, 16, 32)
#: Relative agreement on P_max of D and D/2 that counts as converged in D (issue 11 §2).
BOND_AGREEMENT = 1e-4
#: TDVP time step of the LR cross-check points (N ≤ 20): the symmetric two-site step's
#: error is about quadratic in dt, 2.3e-7 on P_max at dt = 0.0025 and 5e-8 at 0.00125
#: (N = 8, α = −1, against exact), so the 1e-6 cross-check takes the smaller one.
CROSS_CHECK_DT = 0.00125
#: LR MPS points up to this N use the exact MPO, D = :data:`LR_BOND_DIM` and
#: :data:`CROSS_CHECK_DT` (the cross-check against exact); longer chains the K-exponential
#: fit and the D ladder :data:`LR_BOND_DIMS`.
EXACT_MPO_MAX_SITES = 20
#: α of the LR MPS cross-check at N = 20 (exact at every α of :data:`ALPHAS`).
CROSS_CHECK_ALPHAS: tuple[float, ...] = (-1.0, 0.0, 0.5)
#: The shipped, precomputed scan (read by the report).
DATA_FILE = Path(__file__).with_name("anisotropy_scaling.csv")
#: The command that regenerates :data:`DATA_FILE` (resumable).
REGENERATE = "python -m ssbattery.quantum.anisotropy_scaling --out anisotropy_scaling.csv"
_COLUMNS = (
    "n_sites",
    "interaction",
    "alpha",
    "method",
    "bond_dim",
    "power_max",
    "t_power_max",
    "power_max_grid",
    "ratio",
    "power_bound_after_t_max",
    "global_max_proved",
    "max_bond",
    "truncation_error",
    "coupling_fit_error",
    "power_max_half_bond",
    "seconds",
    "load_1min",
)


@dataclass(frozen=True)
class ScanRow(Recorded):
    """One computed point of the scan, one row of the stored CSV.

    Energies in E₀ (the unit of B, ω and g; ħ = μB = 1), times in 1/E₀, powers in E₀²;
    ``ratio`` = P_max/P_max(α = 1); ``power_bound_after_t_max`` bounds P(t) for t > t_max
    (:func:`power_bound`) and ``global_max_proved`` says P_max exceeds it. MPS diagnostics
    (``bond_dim``, ``max_bond``, accumulated ``truncation_error``, the LR exponential fit's
    ``coupling_fit_error``) are 0 for exact points; ``power_max_half_bond`` is the P_max
    at D/2 that a LR point beyond N = 20 was converged against (NaN where no D ladder ran).
    ``seconds`` is the point's wall time (summed over the D ladder and over resumed
    pieces), ``load_1min`` the machine's load at its end. Indexing by column name (``row["ratio"]``)
    reads a field, as the former dict rows did.
    """

    n_sites: int
    interaction: str
    alpha: float
    method: str
    bond_dim: int
    power_max: float
    t_power_max: float
    power_max_grid: float
    ratio: float
    power_bound_after_t_max: float
    global_max_proved: bool
    max_bond: int
    truncation_error: float
    coupling_fit_error: float
    power_max_half_bond: float
    seconds: float
    load_1min: float

    _UNITS: ClassVar[dict[str, str]] = {
        "alpha": "1",
        "power_max": "E₀²",
        "t_power_max": "1/E₀",
        "power_max_grid": "E₀²",
        "ratio": "1",
        "power_bound_after_t_max": "E₀²",
        "truncation_error": "1",
        "coupling_fit_error": "1",
        "power_max_half_bond": "E₀²",
        "seconds": "time [s]",
        "load_1min": "1",
    }

    def __getitem__(self, key: str) -> Any:
        if key not in _COLUMNS:
            raise KeyError(key)
        return getattr(self, key)

    def _title(self) -> str:
        return f"N = {self.n_sites} {self.interaction}, α = {self.alpha:g}, {self.method}"

    @classmethod
    def from_csv(cls, row: dict[str, str]) -> ScanRow:
        """A row as :func:`csv.DictReader` reads it from the stored scan (a scan written
        before ``power_max_half_bond`` existed reads NaN there)."""
        ints = ("n_sites", "bond_dim", "max_bond")
        values: dict[str, Any] = {}
        for k in _COLUMNS:
            if k == "power_max_half_bond":
                values[k] = float(row.get(k) or "nan")
            elif k in ("interaction", "method"):
                values[k] = row[k]
            elif k == "global_max_proved":
                values[k] = row[k] == "True"
            else:
                values[k] = int(row[k]) if k in ints else float(row[k])
        return cls(**values)


@dataclass(frozen=True)
class ScanPoint:
    """One point of the scan: chain length, interaction range, anisotropy and method."""

    n_sites: int
    interaction: str
    alpha: float
    method: str  # "exact" or "mps"

    @property
    def key(self) -> tuple[int, str, float, str]:
        """(N, range, α rounded, method): the point's identity in the stored table."""
        return (self.n_sites, self.interaction, round(self.alpha, 10), self.method)


def chain(n_sites: int, interaction: str, alpha: float) -> SpinChainParameters:
    """Fig. 14's open chain of ``n_sites`` spins with range ``interaction`` and α."""
    return SpinChainParameters(
        n_sites=n_sites,
        field=FIELD,
        charging=CHARGING,
        coupling=COUPLING,
        anisotropy=alpha,
        interaction=interaction,  # type: ignore[arg-type]
        decay=DECAY,
    )


def default_points() -> list[ScanPoint]:
    """Exact for N ≤ 16 (and N = 20: NN at α = −1, LR at every α), MPS for N ≥ 32, both
    ranges, every α of :data:`ALPHAS`; MPS also at N = 16 (every α) and N = 20 (NN at
    α = −1, LR at :data:`CROSS_CHECK_ALPHAS`) as the cross-check against the exact
    points."""
    points = [
        ScanPoint(n, kind, a, "exact") for n in EXACT_SIZES for kind in ("nn", "lr") for a in ALPHAS
    ]
    points += [ScanPoint(20, "nn", -1.0, "exact"), ScanPoint(20, "nn", -1.0, "mps")]
    points += [ScanPoint(20, "lr", a, "exact") for a in ALPHAS]
    points += [ScanPoint(20, "lr", a, "mps") for a in CROSS_CHECK_ALPHAS]
    for n in (16, *MPS_SIZES):
        points += [ScanPoint(n, kind, a, "mps") for kind in ("nn", "lr") for a in ALPHAS]
    return points


def power_bound(params: SpinChainParameters, t_max: float) -> float:
    """Upper bound on P(t) = W(t)/t for every t > ``t_max``: W_bound/t_max (see the module
    docstring; W_bound = 2NB + ½(1 + |α|) Σ g_ij)."""
    w_bound = 2.0 * params.n_sites * params.field + 0.5 * (1.0 + abs(params.anisotropy)) * float(
        couplings(params).sum()
    )
    return w_bound / t_max


def spline_power_max(
    times: NDArray[np.float64], energy: NDArray[np.float64]
) -> tuple[float, float]:
    """(P_max, t*) of P(t) = W(t)/t from a cubic spline of W through (0, 0) and the grid.

    The maximum is searched between the grid neighbours of the grid maximum. The spline's
    error is ≤ (5/384) h⁴ max|W⁗| (h the spacing; de Boor, *A Practical Guide to Splines*,
    ch. V); for W ~ sin²(ωt) with ω ≈ 12–15 and h = 0.0025 that is a few 1e-7 of W, which
    the tests check against the exact, polished P_max.
    """
    from scipy.interpolate import CubicSpline
    from scipy.optimize import minimize_scalar

    t = np.concatenate([[0.0], np.asarray(times, dtype=float)])
    W = np.concatenate([[0.0], np.asarray(energy, dtype=float)])
    spline = CubicSpline(t, W)
    P = W[1:] / t[1:]
    k = int(np.argmax(P)) + 1
    lo, hi = t[max(k - 1, 1)], t[min(k + 1, t.size - 1)]
    if hi <= lo:
        return float(P[k - 1]), float(t[k])
    best = minimize_scalar(
        lambda s: -float(spline(s)) / s, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
    )
    if -best.fun < P[k - 1]:
        return float(P[k - 1]), float(t[k])
    return float(-best.fun), float(best.x)


def _lr_checkpoint(point: ScanPoint, bond_dim: int, folder: Path | None) -> Path | None:
    """The checkpoint of one LR run of the D ladder: ``benchmarks/bench_mps.py``'s name
    for the same run (same chain, method and grid), so the two share their runs."""
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"lr_N{point.n_sites}_D{bond_dim}_numpy_a{point.alpha:g}_t{T_MAX:g}.pkl"


def _lr_ladder(
    params: SpinChainParameters, point: ScanPoint, checkpoint_dir: Path | None
) -> tuple[Any, int, float, float]:
    """Run the LR TDVP at D = :data:`LR_BOND_DIMS` in turn until D and D/2 agree on P_max
    to :data:`BOND_AGREEMENT`: (result at D, D, P_max at D/2, seconds of all runs)."""
    from ssbattery.quantum.mps import TDVP, charge_spin_chain_mps

    previous = half = float("nan")
    seconds = 0.0
    for bond_dim in LR_BOND_DIMS:
        # dt left at its default, one step per output spacing (T_MAX/STEPS = TDVP_DT), as
        # bench_mps.py runs it, so the checkpoints of the two are the same runs
        method = TDVP(bond_dim=bond_dim, exponentials=EXPONENTIALS)
        res = charge_spin_chain_mps(
            params,
            t_max=T_MAX,
            steps=STEPS,
            method=method,
            checkpoint=_lr_checkpoint(point, bond_dim, checkpoint_dir),
            checkpoint_every=5,
        )
        seconds += float(res.parameters["wall_time_s"])
        p_max, half = spline_power_max(res.times, res.energy)[0], previous
        if abs(p_max - half) <= BOND_AGREEMENT * p_max:  # False while half is NaN
            break
        previous = p_max
    return res, bond_dim, half, seconds


def run_point(point: ScanPoint, *, checkpoint_dir: Path | None = None) -> ScanRow:
    """Compute one point: P_max (polished), the ratio to the analytic P_max(α = 1), the
    proof that it is the global maximum on t > 0, and the MPS diagnostics. LR MPS points
    beyond N = 20 run the D ladder (:data:`LR_BOND_DIMS`), checkpointed in
    ``checkpoint_dir`` when given."""
    from ssbattery.quantum.mps import TDVP, TEBD, charge_spin_chain_mps
    from ssbattery.quantum.spin_chain import charge_spin_chain

    params = chain(point.n_sites, point.interaction, point.alpha)
    start = time.perf_counter()
    row: dict[str, Any] = {
        "n_sites": point.n_sites,
        "interaction": point.interaction,
        "alpha": point.alpha,
        "method": point.method,
        "power_max_half_bond": float("nan"),
    }
    seconds: float | None = None
    if point.method == "exact":
        res = charge_spin_chain(params, t_max=T_MAX, steps=STEPS, refine=True)
        p_max, t_star = res.power_max, res.t_power_max
        grid = float(np.max(res.power))
        row.update(bond_dim=0, max_bond=0, truncation_error=0.0, coupling_fit_error=0.0)
    else:
        if point.interaction == "lr" and point.n_sites > EXACT_MPO_MAX_SITES:
            res, bond_dim, half, seconds = _lr_ladder(params, point, checkpoint_dir)
            row["power_max_half_bond"] = half
        else:
            method: TEBD | TDVP
            if point.interaction == "nn":
                method = TEBD(bond_dim=BOND_DIM, dt=TEBD_DT, order=4)
            else:
                method = TDVP(bond_dim=LR_BOND_DIM, dt=CROSS_CHECK_DT, exponentials=None)
            res = charge_spin_chain_mps(params, t_max=T_MAX, steps=STEPS, method=method)
            bond_dim = method.bond_dim
        p_max, t_star = spline_power_max(res.times, res.energy)
        grid = res.power_max
        info = res.parameters
        row.update(
            bond_dim=bond_dim,
            max_bond=int(max(info["max_bond"])),
            truncation_error=float(info["truncation_error"][-1]),
            coupling_fit_error=float(info["coupling_fit_error"]),
        )
    bound = power_bound(params, T_MAX)
    row.update(
        power_max=p_max,
        t_power_max=t_star,
        power_max_grid=grid,
        ratio=p_max / independent_spins_power_max(params)[0],
        power_bound_after_t_max=bound,
        global_max_proved=bool(p_max > bound),
        seconds=time.perf_counter() - start if seconds is None else seconds,
        load_1min=os.getloadavg()[0],
    )
    return ScanRow(**row)


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: Iterable[ScanRow]) -> None:
    from ssbattery.io import atomic_write

    with atomic_write(path, "w") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(_COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _fmt(getattr(row, k)) for k in _COLUMNS})


def _fmt(value: Any) -> Any:
    return f"{value:.12g}" if isinstance(value, float) else value


def _row_key(row: ScanRow) -> tuple[int, str, float, str]:
    return (row.n_sites, row.interaction, round(row.alpha, 10), row.method)


def run_scan(
    out: Path,
    points: Sequence[ScanPoint] | None = None,
    *,
    progress: bool = True,
    checkpoint_dir: Path | None = None,
) -> Path:
    """Compute ``points`` (default :func:`default_points`) into the CSV ``out``, rewritten
    atomically after each point; points already in ``out`` are skipped (resume), and the
    long LR runs resume from ``checkpoint_dir`` when given."""
    import sys

    rows = [ScanRow.from_csv(r) for r in _read(out)]
    done = {_row_key(r) for r in rows}
    todo = [p for p in (default_points() if points is None else points) if p.key not in done]
    # cheap points first, so an interrupted run leaves the most figures complete
    todo.sort(key=lambda p: (p.method == "mps" and p.interaction == "lr", p.n_sites))
    for i, point in enumerate(todo, 1):
        row = run_point(point, checkpoint_dir=checkpoint_dir)
        rows.append(row)
        _write(out, rows)
        if progress:
            print(
                f"[{i}/{len(todo)}] N={point.n_sites} {point.interaction} α={point.alpha:g} "
                f"{point.method}: P_max/P_max(1) = {row['ratio']:.6f} ({row['seconds']:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    return out


def load_scan(path: Path = DATA_FILE) -> list[ScanRow]:
    """The stored scan as rows (numbers parsed)."""
    from ssbattery.errors import DataFormatError

    if not path.is_file():
        raise DataFormatError(f"{path} is missing; regenerate it with `{REGENERATE}`.")
    return [ScanRow.from_csv(row) for row in _read(path)]


def ratio_table(
    rows: Sequence[ScanRow],
) -> dict[tuple[str, str, int], tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """(interaction, method, N) → (α, P_max(α)/P_max(1)) sorted by α, with α = 1 (ratio 1,
    analytic) appended."""
    groups: dict[tuple[str, str, int], list[tuple[float, float]]] = {}
    for r in rows:
        groups.setdefault((r["interaction"], r["method"], r["n_sites"]), []).append(
            (r["alpha"], r["ratio"])
        )
    out = {}
    for key, pairs in groups.items():
        pairs = [*sorted(pairs), (1.0, 1.0)]
        a, ratio = (np.array(x, dtype=float) for x in zip(*pairs, strict=True))
        out[key] = (a, ratio)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m ssbattery.quantum.anisotropy_scaling --out FILE [--sizes ...]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("anisotropy_scaling.csv"))
    parser.add_argument("--sizes", default=None, help="comma-separated N to compute (default: all)")
    parser.add_argument("--interactions", default="nn,lr")
    parser.add_argument("--methods", default="exact,mps")
    parser.add_argument("--alphas", default=None, help="comma-separated α (default: all)")
    parser.add_argument(
        "--checkpoint-dir", type=Path, default=None, help="checkpoint the long LR runs here"
    )
    args = parser.parse_args(argv)
    points = default_points()
    if args.sizes:
        keep = {int(x) for x in args.sizes.split(",")}
        points = [p for p in points if p.n_sites in keep]
    if args.alphas:
        chosen = {round(float(x), 10) for x in args.alphas.split(",")}
        points = [p for p in points if round(p.alpha, 10) in chosen]
    kinds = set(args.interactions.split(","))
    methods = set(args.methods.split(","))
    points = [p for p in points if p.interaction in kinds and p.method in methods]
    run_scan(args.out, points, checkpoint_dir=args.checkpoint_dir)


if __name__ == "__main__":
    main()
