"""Benchmark: the OBELiX conductivity models of σ_RT on the official test split, vs baselines.

Trains ``train_conductivity_model()`` (the shipped composition model: extra trees, 200 trees,
max_features 0.3, seed 0, one thread, chosen by grouped CV on the training split only) and the
composition + structure model (``use_structure=True``) on the 478 training rows, then reports on
the 121 test rows: MAE in log10 σ [S/cm] (a censored "<" row's error is max(0, prediction −
bound)), the MAE over uncensored rows, the interval half-widths and coverages at 80/90/95 %,
and the baselines measured in the same run (training mean; RF and ExtraTrees, 100 trees, on
element fractions only). The load (os.getloadavg) is recorded with the training times.

    python benchmarks/bench_predict.py                 # writes benchmarks/RESULTS_predict.md
    python benchmarks/bench_predict.py --no-write
    python benchmarks/bench_predict.py --calibration   # also rewrites the shipped calibration
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from ssbattery.electrolytes.conductivity_model import (
    benchmark_conductivity_model,
    train_conductivity_model,
)

LEVELS = (0.8, 0.9, 0.95)


def _table(rows: dict[float, dict[str, Any]], key: str | None) -> list[str]:
    out = ["| interval level | half-width [dex] | test coverage |", "|---|---|---|"]
    for lv, r in rows.items():
        s = r[key] if key else r
        out.append(
            f"| {lv:.0%} | {s['interval_half_width_dex']:.2f} | {s['interval_coverage']:.1%} |"
        )
    return out


def _report(rows: dict[float, dict[str, Any]], load_before: Any, load_after: Any) -> str:
    r = rows[0.9]
    s = r["structure_model"]
    lines = [
        "# Conductivity from composition: OBELiX official split",
        "",
        (
            "Written by `python benchmarks/bench_predict.py` (one thread). 2-core machine shared "
            f"with other helpers: load average before {load_before}, after {load_after}."
        ),
        "",
        (
            f"Model: {r['model']}. Trained (with the 5 grouped calibration folds) in "
            f"{r['train_seconds']:.1f} s; the composition + structure model in "
            f"{s['train_seconds']:.1f} s."
        ),
        "",
        "| model | test MAE [dex] |",
        "|---|---|",
        (
            f"| ssbattery composition model | {r['mae_log10_S_cm']:.3f} "
            f"± {r['mae_bootstrap_se_dex']:.3f} (bootstrap SE) "
            f"(uncensored rows only: {r['mae_uncensored_log10_S_cm']:.3f}) |"
        ),
        (
            f"| ssbattery composition + structure model | {s['mae_log10_S_cm']:.3f} "
            f"± {s['mae_bootstrap_se_dex']:.3f} "
            f"(uncensored rows only: {s['mae_uncensored_log10_S_cm']:.3f}) |"
        ),
    ]
    lines += [f"| {k} | {v:.3f} |" for k, v in r["baselines_mae_log10_S_cm"].items()]
    lines += ["", "Composition model:", "", *_table(rows, None)]
    lines += [
        "",
        "Composition + structure model:",
        "",
        *_table(rows, "structure_model"),
    ]
    lines += [
        "",
        f"Test rows: {r['n_test']} ({r['n_test_censored']} censored).",
        "",
        "```json",
        json.dumps(r, indent=1),
        "```",
    ]
    return "\n".join(lines) + "\n"


def _write_calibration(model: Any, structure_model: Any) -> None:
    import sklearn

    from ssbattery.electrolytes.conductivity_model import _calibration_path

    cal = _calibration_path()
    tmp = cal.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "note": "grouped 5-fold out-of-fold |errors| [dex] of the default models on "
                "OBELiX's train split, in train-row order (composition; composition + "
                "structure); written by benchmarks/bench_predict.py --calibration",
                "scikit_learn": sklearn.__version__,
                "oof_abs_errors": model.oof_abs_errors.tolist(),
                "oof_abs_errors_structure": structure_model.oof_abs_errors.tolist(),
            }
        )
    )
    tmp.replace(cal)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--calibration",
        action="store_true",
        help="rewrite the shipped calibration.json too",
    )
    args = ap.parse_args()
    load_before = os.getloadavg()
    with threadpool_limits(1):
        model = train_conductivity_model(levels=LEVELS)
        structure_model = train_conductivity_model(levels=LEVELS, use_structure=True)
        rows = {
            lv: benchmark_conductivity_model(model, level=lv, structure_model=structure_model)
            for lv in LEVELS
        }
    load_after = os.getloadavg()
    text = _report(rows, load_before, load_after)
    print(text)
    if not args.no_write:
        out = Path(__file__).with_name("RESULTS_predict.md")
        tmp = out.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(out)
    if args.calibration:
        _write_calibration(model, structure_model)


if __name__ == "__main__":
    main()
