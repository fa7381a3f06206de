"""Round r13 of the conductivity-model choice (RESULTS_predict_choice.md, rule written before
the run): the per-element fraction columns removed, or coarse-grained to periodic-table groups,
against the shipped features on the folds of ``bench_predict.py`` (5 folds grouped by paper,
3 shuffles), with the shipped ensemble and the shipped Tobit censoring.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

NAMES = (
    "shipped features (reference)",
    "per-element fractions removed",
    "per-element fractions replaced by per-group fractions (groups 1-18, Ln/An)",
)

#: Columns of the per-group fractions: periodic-table groups 1–18, then lanthanides + actinides.
N_GROUP_COLUMNS = 19


def group_column(symbol: str) -> int:
    """0-based column of ``symbol``: its periodic-table group − 1, or 18 for a lanthanide or
    actinide (pymatgen's ``is_lanthanoid``/``is_actinoid``, La and Ac included)."""
    from pymatgen.core import Element

    e = Element(symbol)
    if e.is_lanthanoid or e.is_actinoid:
        return N_GROUP_COLUMNS - 1
    return int(e.group) - 1


def group_fractions(formula: str) -> np.ndarray:
    """The summed atomic fractions of ``formula``'s elements per group column."""
    from ssbattery.electrolytes import conductivity_model as cm

    out = np.zeros(N_GROUP_COLUMNS)
    for el, x in cm._fractions(formula).items():
        out[group_column(el)] += x
    return out


def features(name: str) -> np.ndarray:
    """The training split's feature matrix of candidate ``name``."""
    import bench_predict as bp
    from ssbattery.electrolytes import conductivity_model as cm

    train = cm.load_obelix_split()[0]
    X = bp._variant_features()["shipped"]
    n_el = len({e for r in train for e in cm._fractions(r.composition)})
    if name == NAMES[0]:
        return X
    if name == NAMES[1]:
        return X[:, n_el:]
    groups = np.array([group_fractions(r.composition) for r in train])
    return np.hstack([groups, X[:, n_el:]])


def candidate_cv(name: str, reps: int = 3) -> dict[str, Any]:
    """Fold MAEs [dex] of one candidate on the shared folds, cached per candidate."""
    import bench_predict as bp
    import predict_p13_cv as p13

    path = bp._round_cache_dir() / f"r13_{NAMES.index(name)}_r{reps}.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    ens = bp._candidates()["mean of extra trees + random forest + hist. GB"][0]

    def predict(Xtr: Any, ytr: Any, ctr: Any, _gtr: Any, Xte: Any) -> Any:
        return np.mean([m.predict(Xte) for m in p13._fit_tobit(ens, Xtr, ytr, ctr)], axis=0)

    errors = bp._fold_maes(features(name), predict, reps)
    return bp._cached(path, {"name": name, "reps": reps, "fold_mae": errors})


def round_cv(n_jobs: int = 1, cached_only: bool = False) -> list[str]:
    """The round's table and verdict under the rule fixed before the run: adopt the lower mean
    CV MAE of candidates 2 and 3 only if it beats the reference by more than one paired SE."""
    from joblib import Parallel, delayed

    import bench_predict as bp

    names = list(NAMES)
    if cached_only:
        cached = bp._round_cache_dir()
        done = [n for n in names if (cached / f"r13_{names.index(n)}_r3.json").exists()]
        results = [candidate_cv(n) for n in done]
    else:
        results = Parallel(n_jobs=n_jobs)(delayed(candidate_cv)(n) for n in names)
    rule = (
        "adopt the lower mean CV MAE of the two challengers only if it beats the shipped "
        "features by more than one SE of the paired fold differences"
    )
    return bp._round_section("r13", "--r13-cv", rule, names, results)
