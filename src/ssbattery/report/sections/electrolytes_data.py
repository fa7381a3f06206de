"""Report entries of the electrolyte dataset: review Table 1 and the review beside OBELiX.

``table1_electrolytes`` renders the review's Table 1 (the electrolytes of its Fig. 3
calculations) from the dataset, with the judgements the text states, and writes the whole
cited dataset as CSV. ``fig2_review_vs_obelix`` puts the review's conductivities beside
the 599 of OBELiX (CC BY 4.0), family by family. ``conductivity_model_test`` scores the
OBELiX-trained conductivity model on the official test split: predicted against measured
log10 σ with the 90 % intervals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.report.registry import Artifact, FigureSpec
from ssbattery.report.sections._electrolyte_figures import use_agg, write_artifact

if TYPE_CHECKING:
    from ssbattery.electrolytes.dataset import Electrolyte

__all__ = ["FIGURES", "TABLE1_KEYS"]

#: The rows of the review's Table 1, in its order (keys of the dataset).
TABLE1_KEYS = (
    "Li1.5Al0.5Ge1.5(PO4)3",
    "Na3Zr2Si2PO12",
    "Li7La3Zr2O12",
    "Li2La2Ti3O10",
    "Li6PS5Cl",
    "Li3OCl [glass]",
    "Na3OCl [glass]",
    "K3OCl [glass]",
    "Li3InCl6 [water-mediated]",
    "Li3YCl6",
    "Li3ErCl6 [ball-milled]",
    "Li2ZrCl6 [heat-treated]",
    "Na3YCl6",
)


def _dataset_rows(rows: Sequence[Electrolyte]) -> tuple[list[str], list[list[Any]]]:
    header = list(rows[0].to_dict()) if rows else []
    body = [["" if v is None else v for v in r.to_dict().values()] for r in rows]
    return header, body


def _counts(rows: Sequence[Electrolyte], attribute: str) -> str:
    counts = Counter(getattr(r, attribute) or "(none)" for r in rows)
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def _build_table1(out: Path) -> Artifact:
    use_agg()
    from ssbattery.electrolytes.dataset import load_review_dataset
    from ssbattery.plotting.electrolytes_data import TABLE1_COLUMNS, plot_table1, table1_cells

    rows = load_review_dataset()
    by_key = {r.key: r for r in rows}
    table1 = [by_key[k] for k in TABLE1_KEYS]
    ax = plot_table1(table1)
    ax.set_title("Review Table 1: structures (Table 1) with the text's judgements and σ")
    t1_table = (
        "table1_electrolytes",
        [*TABLE1_COLUMNS, "structure_ref", "stability_ref", "conductivity_ref"],
        [
            [*cells, r.structure_ref, r.stability_ref, r.conductivity_ref]
            for cells, r in zip(table1_cells(table1), table1, strict=True)
        ],
    )
    header, body = _dataset_rows(rows)
    with_sigma = [r for r in rows if r.conductivity_mS_cm is not None]
    best = max(with_sigma, key=lambda r: r.conductivity_mS_cm or 0.0)
    summary = (
        f"The dataset holds {len(rows)} rows quoted from the review "
        f"({len({r.formula for r in rows})} formulas); by ion: {_counts(rows, 'mobile_ion')}; "
        f"by chemical class: {_counts(rows, 'chemical_class')}. {len(with_sigma)} rows give "
        f"an ionic conductivity (highest: {best.key}, {best.conductivity_mS_cm:g} mS/cm, "
        f"ref {best.conductivity_ref}); "
        f"{sum(r.activation_energy_eV is not None for r in rows)} an activation energy, "
        f"{sum(r.band_gap_eV is not None for r in rows)} a band gap, "
        f"{sum(r.cbm_vs_vacuum_eV is not None for r in rows)} a conduction-band minimum. "
        f"Table 1 ({len(table1)} electrolytes): the third column of the printed table "
        "(stable against the alkali metal?) did not survive in the text we have, so the "
        "figure shows what §1.2–§1.7 and Fig. 4 state instead (empty where they say nothing)."
    )
    return write_artifact(
        ax,
        out,
        "table1_electrolytes",
        [t1_table, ("table1_electrolytes_dataset", header, body)],
        parameters={"rows": len(rows), "table1_rows": len(table1)},
        summary=summary,
    )


def _build_obelix(out: Path) -> Artifact:
    import numpy as np

    use_agg()

    from ssbattery.electrolytes.dataset import load_review_dataset
    from ssbattery.electrolytes.obelix import family_mapping_report, load_obelix
    from ssbattery.plotting.electrolytes_data import plot_family_strip

    review = load_review_dataset()
    obelix = load_obelix()
    ax = plot_family_strip(review, obelix)
    ax.set_title("Review conductivities beside OBELiX (599 Li electrolytes, RT)")
    report = family_mapping_report(obelix)
    families = sorted({r.family for r in review if r.family and r.conductivity_mS_cm})
    lines = []
    rows_csv = []
    for family in families:
        mine = [r.conductivity_mS_cm for r in review if r.family == family and r.conductivity_mS_cm]
        theirs = [
            r.conductivity_mS_cm for r in obelix if r.family == family and r.conductivity_mS_cm
        ]
        med_theirs = float(np.median(theirs)) if theirs else None
        rows_csv.append(
            [
                family,
                len(mine),
                float(np.median(mine)),
                len(theirs),
                "" if med_theirs is None else med_theirs,
            ]
        )
        if theirs:
            lines.append(
                f"{family}: review median {np.median(mine):.3g} vs OBELiX "
                f"{med_theirs:.3g} mS/cm (n={len(theirs)})"
            )
    families_table = (
        "fig2_review_vs_obelix",
        ["family", "review_n", "review_median_mS_cm", "obelix_n", "obelix_median_mS_cm"],
        rows_csv,
    )
    mapping_table = (
        "fig2_review_vs_obelix_mapping",
        ["obelix_label", "rows", "family", "chemical_class", "status", "note"],
        [
            [lc.label, lc.count, lc.family, lc.chemical_class, lc.status, lc.note]
            for lc in report.labels
        ],
    )
    status: Counter[str] = Counter()
    for lc in report.labels:
        status[lc.status] += lc.count
    summary = (
        "; ".join(lines)
        + f". OBELiX labels: {', '.join(f'{k} {v} rows' for k, v in status.most_common())}; "
        f"{len(report.class_disagreements)} rows whose composition contradicts the label; "
        f"{len(report.review_matches)} OBELiX rows share a composition with a review row."
    )
    return write_artifact(
        ax,
        out,
        "fig2_review_vs_obelix",
        [families_table, mapping_table],
        parameters={"obelix_rows": len(obelix), "review_rows": len(review)},
        summary=summary,
    )


def _interval_row(q: Any, covered: Any) -> list[Any]:
    return [q.log10_sigma_S_cm, q.lower, q.upper, bool(covered)]


def _build_parity(out: Path) -> Artifact:
    import numpy as np

    use_agg()

    from ssbattery.electrolytes.conductivity_model import (
        censored_errors,
        default_model,
        load_obelix_split,
    )
    from ssbattery.plotting.electrolytes_data import plot_parity

    test = load_obelix_split()[1]
    model = default_model()
    preds = model.predict_many([t.composition for t in test], level=0.9)
    y = np.array([t.log10_sigma for t in test])
    c = np.array([t.censored for t in test])
    p = np.array([q.log10_sigma_S_cm for q in preds])
    lo, hi = np.array([q.lower for q in preds]), np.array([q.upper for q in preds])
    covered = np.where(c, lo <= y, (lo <= y) & (y <= hi))
    err = censored_errors(p, y, c)
    ax = plot_parity(y, p, lo, hi, c)
    ax.set_title(f"Conductivity model on OBELiX's test split ({len(test)} rows, unseen papers)")
    table = (
        "conductivity_model_test",
        [
            "obelix_id",
            "composition",
            "doi",
            "measured_log10_S_cm",
            "censored",
            "predicted_log10_S_cm",
            "lower_90",
            "upper_90",
            "covered",
        ],
        [
            [t.id, t.composition, t.reference, t.log10_sigma, t.censored, *_interval_row(q, k)]
            for t, q, k in zip(test, preds, covered, strict=True)
        ],
    )
    half = (hi - lo) / 2
    summary = (
        f"OBELiX official test split: {len(test)} rows from "
        f"{len({t.reference for t in test})} papers absent from training, {int(c.sum())} "
        f"censored. MAE {err.mean():.3f} dex (a censored row counts only a prediction above its "
        f"bound); the 90 % intervals ({model.interval}, ± {half.min():.2f} to "
        f"{half.max():.2f} dex, mean {half.mean():.2f}) hold {int(covered.sum())} of "
        f"{len(test)} measured values ({covered.mean():.1%})."
    )
    return write_artifact(
        ax,
        out,
        "conductivity_model_test",
        [table],
        parameters={"test_rows": len(test), "level": 0.9, "interval": model.interval},
        summary=summary,
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "table1_electrolytes",
        "Table 1 electrolytes and the cited dataset of §1–§2",
        "Table 1; §1.2–§1.7",
        _build_table1,
    ),
    FigureSpec(
        "fig2_review_vs_obelix",
        "The review's conductivities beside OBELiX, by structure family",
        "Fig. 2; §1.2",
        _build_obelix,
    ),
    FigureSpec(
        "conductivity_model_test",
        "Conductivity from composition: the OBELiX-trained model on the official test split",
        "beyond the review: §1.2's conductivities predicted",
        _build_parity,
    ),
]
