"""Round p13 of the conductivity-model choice (RESULTS_predict_choice.md, rule written before
the run): CIF Li-sublattice features, Tobit-style censoring, stacking, against the shipped
ensemble on the folds of ``bench_predict.py`` (5 folds grouped by paper, 3 shuffles).

The CIFs are OBELiX's published, symmetry-preserving randomised ones
(``data/downloads/all_cifs.tar.gz`` of NRC-Mila/OBELiX, commit 4eaac88, CC BY 4.0), one
``ID.cif`` per row where OBELiX has a structure; pass their folder with ``--cif-dir``.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

#: Tobit imputation's residual SD [dex]: the shipped model's out-of-fold residual SD
#: (√2.48 dex², round m13), fixed before the run.
TOBIT_SD = 1.57

CIF_FEATURES = (
    "mean Li occupancy of Li sites",
    "Li sites per nm3",
    "framework atoms per nm3",
    "shortest Li-Li site distance [A]",
    "mean nearest Li-Li site distance [A]",
)


def cif_features(path: Path) -> np.ndarray:
    """The five Li-sublattice features of one CIF (site occupancies counted; distances by
    the minimum image over the 27 neighbouring cells)."""
    from pymatgen.io.cif import CifParser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = CifParser(str(path)).parse_structures(primitive=False)[0]
    vol_nm3 = s.volume / 1e3
    li = [i for i, site in enumerate(s) if site.species["Li"] > 0]
    occ = [s[i].species["Li"] for i in li]
    framework = sum(amt for site in s for el, amt in site.species.items() if el.symbol != "Li")
    if len(li) == 0:
        return np.array([math.nan, 0.0, framework / vol_nm3, math.nan, math.nan])
    fc = s.frac_coords[li]
    shifts = np.array([[i, j, k] for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)])
    d = fc[:, None, None, :] - fc[None, :, None, :] + shifts[None, None, :, :]
    d -= np.round(fc[:, None, None, :] - fc[None, :, None, :])
    cart = d @ s.lattice.matrix
    dist = np.linalg.norm(cart, axis=-1)
    dist[dist < 1e-6] = np.inf  # a site with itself in the home cell
    nearest = dist.min(axis=(1, 2))
    return np.array(
        [float(np.mean(occ)), len(li) / vol_nm3, framework / vol_nm3, nearest.min(), nearest.mean()]
    )


def cif_matrix(ids: list[str], cif_dir: Path, cache: Path) -> np.ndarray:
    """Rows × five CIF features, NaN where a row has no CIF (cached as JSON)."""
    if cache.exists():
        table = json.loads(cache.read_text(encoding="utf-8"))
    else:
        table = {}
        for p in sorted(cif_dir.glob("*.cif")):
            try:
                table[p.stem] = [float(v) for v in cif_features(p)]
            except (ValueError, KeyError, IndexError) as exc:
                print(f"{p.name}: not read ({exc})")
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(table), encoding="utf-8")
    nan = [math.nan] * len(CIF_FEATURES)
    return np.array([table.get(i, nan) for i in ids], dtype=float)


NAMES = (
    "shipped ensemble (reference)",
    "+ CIF Li-sublattice features (NaN without a CIF)",
    "Tobit-style censoring (s = 1.57 dex)",
    "stacking: positive linear meta-learner on ET, RF, HGB (inner grouped OOF)",
)


def _fit_tobit(makers: list[Any], X: Any, y: Any, c: Any) -> list[Any]:
    """The shipped fit–impute–refit with the censored rows imputed by the Gaussian conditional
    mean E[y | y < b] (the package's Tobit E-step, s = TOBIT_SD)."""
    import bench_predict as bp
    from ssbattery.electrolytes.conductivity_model import tobit_imputation

    return bp._fit_members(makers, X, y, c, lambda mu, b: tobit_imputation(mu, b, TOBIT_SD))


def candidate_cv(name: str, cif_dir: Path, reps: int = 3) -> dict[str, Any]:
    """Fold MAEs [dex] of one candidate on the shared folds, cached per candidate."""

    import bench_predict as bp
    from ssbattery.electrolytes import conductivity_model as cm

    path = bp._round_cache_dir() / f"p13_{NAMES.index(name)}_r{reps}.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    train = cm.load_obelix_split()[0]
    X = bp._variant_features()["shipped"]
    if name.startswith("+ CIF"):
        cache = bp._round_cache_dir() / "p13_cif_features.json"
        X = np.hstack([X, cif_matrix([r.id for r in train], cif_dir, cache)])
    ens = bp._candidates()["mean of extra trees + random forest + hist. GB"][0]

    def predict(Xtr: Any, ytr: Any, ctr: Any, gtr: Any, Xte: Any) -> Any:
        if name.startswith("stacking"):
            return bp._stack_predict(ens, Xtr, ytr, ctr, gtr, Xte)
        fit = _fit_tobit if name.startswith("Tobit") else bp._fit_members
        return np.mean([m.predict(Xte) for m in fit(ens, Xtr, ytr, ctr)], axis=0)

    errors = bp._fold_maes(X, predict, reps)
    return bp._cached(path, {"name": name, "reps": reps, "fold_mae": errors})


def round_cv(cif_dir: Path, n_jobs: int = 1, cached_only: bool = False) -> list[str]:
    """The round's table and verdict under the rule fixed before the run: adopt the lowest
    mean CV MAE only if it beats the reference by more than one paired SE."""

    from joblib import Parallel, delayed

    import bench_predict as bp

    names = list(NAMES)
    if cached_only:
        cached = bp._round_cache_dir()
        done = [n for n in names if (cached / f"p13_{names.index(n)}_r3.json").exists()]
        results = [candidate_cv(n, cif_dir) for n in done]
    else:
        order = names[::-1]  # the slow stacker first, so that two workers finish together
        results = Parallel(n_jobs=n_jobs)(delayed(candidate_cv)(n, cif_dir) for n in order)
    rule = (
        "adopt the lowest mean CV MAE only if it beats the shipped ensemble by more than one SE "
        "of the paired fold differences"
    )
    return bp._round_section("p13", "--p13-cv", rule, names, results)
