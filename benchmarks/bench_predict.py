"""Benchmark: the OBELiX composition model of σ_RT on the official test split, vs baselines.

Trains ``train_conductivity_model()`` (the shipped configuration: RandomForest + ExtraTrees,
100 trees each, seed 0, one thread) on the 478 training rows, then reports on the 121 test
rows: MAE in log10 σ [S/cm] (a censored "<" row's error is max(0, prediction − bound)), the
MAE over uncensored rows, the 90 % interval's half-width and coverage, and the baselines
measured on the same split (training mean; RF and ExtraTrees on element fractions only).
The load (os.getloadavg) is recorded with the training time.

    python benchmarks/bench_predict.py            # writes benchmarks/RESULTS_predict.md
    python benchmarks/bench_predict.py --no-write
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from threadpoolctl import threadpool_limits

from ssbattery.electrolytes.conductivity_model import (
    benchmark_conductivity_model,
    train_conductivity_model,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--calibration", action="store_true", help="rewrite the shipped calibration.json too"
    )
    args = ap.parse_args()
    load_before = os.getloadavg()
    with threadpool_limits(1):
        model = train_conductivity_model(levels=(0.8, 0.9, 0.95))
        rows = {lv: benchmark_conductivity_model(model, level=lv) for lv in (0.8, 0.9, 0.95)}
    load_after = os.getloadavg()
    r = rows[0.9]
    lines = [
        "# Conductivity from composition: OBELiX official split",
        "",
        "Written by `python benchmarks/bench_predict.py`. 2-core machine shared with other "
        f"helpers: load before {load_before}, after {load_after}.",
        "",
        f"Model: {r['model']}. Trained (with the 5 grouped calibration folds) in "
        f"{r['train_seconds']:.1f} s.",
        "",
        "| model | test MAE [dex] |",
        "|---|---|",
        f"| ssbattery composition model | {r['mae_log10_S_cm']:.3f} "
        f"(uncensored rows only: {r['mae_uncensored_log10_S_cm']:.3f}) |",
    ]
    lines += [f"| {k} | {v:.3f} |" for k, v in r["baselines_mae_log10_S_cm"].items()]
    lines += [
        "",
        "| interval level | half-width [dex] | test coverage |",
        "|---|---|---|",
    ]
    lines += [
        f"| {lv:.0%} | {rows[lv]['interval_half_width_dex']:.2f} | "
        f"{rows[lv]['interval_coverage']:.1%} |"
        for lv in rows
    ]
    lines += [
        "",
        f"Test rows: {r['n_test']} ({r['n_test_censored']} censored).",
        "",
        "```json",
        json.dumps(r, indent=1),
        "```",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        out = Path(__file__).with_name("RESULTS_predict.md")
        tmp = out.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(out)
    if args.calibration:
        import sklearn

        from ssbattery.electrolytes.conductivity_model import _calibration_path

        cal = _calibration_path()
        tmp = cal.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "note": "grouped 5-fold out-of-fold |errors| [dex] of the default model on "
                    "OBELiX's train split, in train-row order; written by "
                    "benchmarks/bench_predict.py --calibration",
                    "scikit_learn": sklearn.__version__,
                    "oof_abs_errors": model.oof_abs_errors.tolist(),
                }
            )
        )
        tmp.replace(cal)


if __name__ == "__main__":
    main()
