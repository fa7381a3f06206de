"""Round s13 of the conductivity-model choice (RESULTS_predict_choice.md, rule written before
the run): a locally adaptive (normalised split-conformal) 90 % interval against the shipped
constant half-width, on the folds of ``bench_predict.py`` (5 grouped by paper, 3 shuffles),
nested: the conformal quantile of each outer fold comes from inner grouped out-of-fold
residuals of its training rows only. Predictions are the shipped ensemble's, unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

NAMES = (
    "constant half-width (reference, shipped)",
    "σ = spread of the forests' trees + its calibration median",
    "σ = mean L1 distance to the 5 nearest training compositions + its calibration median",
)
LEVEL = 0.9
#: Nearest training rows of the distance difficulty.
K_NEAREST = 5


def nearest_distance(F_ref: np.ndarray, F: np.ndarray, k: int = K_NEAREST) -> np.ndarray:
    """The mean L1 distance of each row of ``F`` (element fractions) to its ``k`` nearest rows
    of ``F_ref``."""
    d = np.abs(F[:, None, :] - F_ref[None, :, :]).sum(axis=2)
    return np.asarray(np.sort(d, axis=1)[:, :k].mean(axis=1))


def _fold(rep: int, k: int) -> dict[str, Any]:
    """One outer fold: held-out predictions and difficulties, and the inner out-of-fold
    |errors| and difficulties of its training rows (cached)."""
    from sklearn.model_selection import GroupKFold

    import bench_predict as bp
    from ssbattery.electrolytes import conductivity_model as cm

    path = bp._round_cache_dir() / f"s13_{rep}_{k}.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    train = cm.load_obelix_split()[0]
    y, c, groups = bp._targets(train)
    X = bp._variant_features()["shipped"]
    n_el = len({e for r in train for e in cm._fractions(r.composition)})
    F = X[:, :n_el]
    tr, te = bp._paper_folds(groups, rep)[k]
    Xtr, ytr, ctr, gtr, Ftr = X[tr], y[tr], c[tr], groups[tr], F[tr]
    inner_err = np.zeros(ytr.size)
    inner_tree = np.zeros(ytr.size)
    inner_dist = np.zeros(ytr.size)
    with bp.threadpool_limits(1):
        for itr, ite in GroupKFold(5).split(Xtr, groups=gtr):
            ms = cm._fit_censored(Xtr[itr], ytr[itr], ctr[itr], cm._SEED, cm._N_TREES)
            pred = cm._mean_prediction(ms, Xtr[ite])
            inner_err[ite] = cm.censored_errors(pred, ytr[ite], ctr[ite])
            inner_tree[ite] = cm.tree_spread(ms, Xtr[ite])
            inner_dist[ite] = nearest_distance(Ftr[itr], Ftr[ite])
        ms = cm._fit_censored(Xtr, ytr, ctr, cm._SEED, cm._N_TREES)
        pred = cm._mean_prediction(ms, X[te])
        out = {
            "rep": rep,
            "fold": k,
            "pred": pred.tolist(),
            "y": y[te].tolist(),
            "censored": c[te].tolist(),
            "tree": cm.tree_spread(ms, X[te]).tolist(),
            "dist": nearest_distance(Ftr, F[te]).tolist(),
            "inner_abs_err": inner_err.tolist(),
            "inner_tree": inner_tree.tolist(),
            "inner_dist": inner_dist.tolist(),
        }
    return bp._cached(path, out)


def interval_score(
    lo: np.ndarray, hi: np.ndarray, y: np.ndarray, c: np.ndarray, alpha: float = 1 - LEVEL
) -> np.ndarray:
    """Interval score [dex] (Gneiting & Raftery, JASA 102, 359 (2007), eq. 43); a censored row
    (true value below its bound ``y``) is penalised only when the lower end is above it."""
    below = np.maximum(0.0, lo - y)
    above = np.where(c, 0.0, np.maximum(0.0, y - hi))
    return np.asarray((hi - lo) + (2 / alpha) * (below + above))


def intervals(fold: dict[str, Any], name: str) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) [log10 S/cm] of candidate ``name`` on the fold's held-out rows."""
    from ssbattery.electrolytes.conductivity_model import conformal_quantile

    pred = np.array(fold["pred"])
    err = np.array(fold["inner_abs_err"])
    if name == NAMES[0]:
        sig_in, sig = np.ones_like(err), np.ones_like(pred)
    else:
        key = "tree" if name == NAMES[1] else "dist"
        u_in, u = np.array(fold[f"inner_{key}"]), np.array(fold[key])
        floor = float(np.median(u_in))
        sig_in, sig = u_in + floor, u + floor
    h = conformal_quantile(err / sig_in, LEVEL) * sig
    return pred - h, pred + h


def _covered(lo: np.ndarray, hi: np.ndarray, y: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.asarray(np.where(c, lo <= y, (lo <= y) & (y <= hi)))


def round_cv(n_jobs: int = 1, cached_only: bool = False) -> list[str]:
    """The round's table and verdict under the rule fixed before the run."""
    from joblib import Parallel, delayed

    import bench_predict as bp

    keys = [(rep, k) for rep in range(3) for k in range(5)]
    if cached_only:
        keys = [(r, k) for r, k in keys if (bp._round_cache_dir() / f"s13_{r}_{k}.json").exists()]
        folds = [_fold(r, k) for r, k in keys]
    else:
        folds = Parallel(n_jobs=n_jobs)(delayed(_fold)(r, k) for r, k in keys)
    dist = np.concatenate([f["dist"] for f in folds])
    cuts = np.quantile(dist, [1 / 3, 2 / 3])
    tertile = np.digitize(dist, cuts)
    score, rows = {}, []
    for name in NAMES:
        per_fold, cov, half = [], [], []
        for f in folds:
            lo, hi = intervals(f, name)
            y, c = np.array(f["y"]), np.array(f["censored"])
            per_fold.append(float(interval_score(lo, hi, y, c).mean()))
            cov.append(_covered(lo, hi, y, c))
            half.append((hi - lo) / 2)
        cov_all, half_all = np.concatenate(cov), np.concatenate(half)
        score[name] = np.array(per_fold)
        by_t = " / ".join(f"{100 * cov_all[tertile == t].mean():.1f}" for t in range(3))
        hw = " / ".join(f"{half_all[tertile == t].mean():.2f}" for t in range(3))
        rows.append(
            f"| {name} | {100 * cov_all.mean():.1f} % | {half_all.mean():.2f} | {by_t} % | {hw} |"
        )
    ref = score[NAMES[0]]
    out = [
        f"## Round s13 candidates: nested grouped CV by paper on the training split ({len(folds)} "
        "of 15 outer folds, the same folds as above)",
        "",
        "Written by `python benchmarks/bench_predict.py --s13-cv` (cached per outer fold in "
        "benchmarks/results/predict_round_cv/). Rule fixed before the run: adopt the lower mean "
        "interval score of the two challengers only if it beats the constant half-width by more "
        "than two SE of the paired fold differences and its CV coverage is within 87–93 %; the "
        "test split is not used.",
        "",
        "| candidate | interval score at 90 % [dex] | − constant (paired, mean ± SE) |",
        "|---|---|---|",
    ]
    for name in sorted(NAMES, key=lambda n: score[n].mean()):
        d = score[name] - ref
        se = d.std(ddof=1) / np.sqrt(d.size) if d.any() else 0.0
        out.append(f"| {name} | {score[name].mean():.3f} | {d.mean():+.3f} ± {se:.3f} |")
    out += [
        "",
        "Coverage and mean half-width [dex], pooled over the held-out rows of all outer folds, "
        "overall and within the tertiles of the distance to the 5 nearest training compositions "
        f"(near / middle / far; cuts {cuts[0]:.3f}, {cuts[1]:.3f}):",
        "",
        "| candidate | coverage | mean half-width | coverage near / mid / far | half-width "
        "near / mid / far |",
        "|---|---|---|---|---|",
        *rows,
    ]
    best = min(NAMES[1:], key=lambda n: score[n].mean())
    d = score[best] - ref
    se = d.std(ddof=1) / np.sqrt(d.size)
    cov_best = np.mean(
        np.concatenate(
            [
                _covered(*intervals(f, best), np.array(f["y"]), np.array(f["censored"]))
                for f in folds
            ]
        )
    )
    ok = d.mean() < -2 * se and 0.87 <= cov_best <= 0.93
    verdict = "adopted" if ok else "not adopted (inside two paired SE, or coverage outside 87–93 %)"
    return [
        *out,
        "",
        f"Lower of the two: **{best}**: {verdict}.",
        f"- load after: {bp.os.getloadavg()}",
    ]
