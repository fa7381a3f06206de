"""Report figures of electrolyte screening: review Figs. 2, 3a, 3b, 6, 8 and §1.1, §1.3, §1.7.

Each builder reads the review's dataset (``ssbattery.electrolytes.dataset``), computes,
draws with :mod:`ssbattery.plotting.electrolytes` and writes PNG + SVG + CSV. What the
review's figures show that its text does not state as numbers (most of Fig. 2's bars,
the DFT values of Fig. 3, the densities of states of Fig. 4, the schematics and
structures of Figs. 5, 7 and 8) cannot be reproduced from data; each summary says which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.report.registry import Artifact, FigureSpec
from ssbattery.report.sections._electrolyte_figures import use_agg, write_artifact

if TYPE_CHECKING:
    from ssbattery.electrolytes.dataset import Electrolyte

__all__ = ["FIGURES"]

_ION_ORDER = {"Li": 0, "Na": 1, "K": 2}


def _rows() -> tuple[Electrolyte, ...]:
    from ssbattery.electrolytes.dataset import load_review_dataset

    return load_review_dataset()


def _conductivity_figure(
    out: Path, stem: str, title: str, keep: Callable[[Electrolyte], bool], not_plotted_note: str
) -> Artifact:
    use_agg()
    from ssbattery.plotting.electrolytes import plot_conductivity_chart

    chosen = [r for r in _rows() if keep(r)]
    rows = [r for r in chosen if r.conductivity_mS_cm is not None]
    sigma_of = {r.key: float(r.conductivity_mS_cm or 0.0) for r in rows}
    rows.sort(key=lambda r: (_ION_ORDER.get(r.mobile_ion, 9), r.chemical_class, -sigma_of[r.key]))
    missing = [r.key for r in chosen if r.conductivity_mS_cm is None]
    labels = [r.key for r in rows]
    sigma = [sigma_of[r.key] for r in rows]
    ions = [r.mobile_ion for r in rows]
    groups = [r.chemical_class for r in rows]
    ax = plot_conductivity_chart(labels, sigma, ions, groups=groups)
    ax.set_title(title)
    table = (
        stem,
        [
            "key",
            "mobile_ion",
            "chemical_class",
            "family",
            "conductivity_mS_cm",
            "qualifier",
            "temperature_C",
            "note",
            "review_ref",
        ],
        [
            [
                r.key,
                r.mobile_ion,
                r.chemical_class,
                r.family,
                r.conductivity_mS_cm,
                r.conductivity_qualifier,
                "" if r.temperature_C is None else r.temperature_C,
                r.conductivity_note,
                r.conductivity_ref,
            ]
            for r in rows
        ],
    )
    best = max(rows, key=lambda r: sigma_of[r.key]) if rows else None
    above = sum(1 for s in sigma if s >= 1.0)
    summary = (
        f"{len(rows)} conductivities from the review's text ({above} at or above 1 mS/cm); "
        + (
            f"highest {best.key} {sigma_of[best.key]:g} mS/cm ({best.mobile_ion}⁺, "
            f"{best.chemical_class}). "
            if best
            else ""
        )
        + f"Not plotted (no number in the text, only a bar in the figure): {len(missing)} rows"
        + (f", e.g. {', '.join(missing[:6])}" if missing else "")
        + f". {not_plotted_note}"
    )
    return write_artifact(
        ax,
        out,
        stem,
        [table],
        parameters={"rows": len(rows), "scale": "log10", "units": "mS/cm"},
        summary=summary,
    )


def _fig2(out: Path) -> Artifact:
    return _conductivity_figure(
        out,
        "fig2_conductivity_chart",
        "Ionic conductivities by ion and chemical class (review Fig. 2 and §1.2–1.7)",
        lambda r: True,
        "Values are the text's; qualifier '<', '~' and ranges are in the CSV.",
    )


def _fig6(out: Path) -> Artifact:
    return _conductivity_figure(
        out,
        "fig6_argyrodite_conductivity",
        "Argyrodite and Na3PS4 conductivities (review Fig. 6, §1.5)",
        lambda r: r.family == "argyrodite" or r.formula.startswith("Na3PS4"),
        "The structure scheme of Fig. 6 is a drawing, not data.",
    )


def _fig8(out: Path) -> Artifact:
    return _conductivity_figure(
        out,
        "fig8_halide_conductivity",
        "Halide electrolyte conductivities (review Fig. 8, §1.7)",
        lambda r: r.chemical_class == "halide",
        "Fig. 8 shows crystal structures (CIF files, refs. 53–66), which are not in the "
        "dataset; this chart shows the halides' conductivities instead.",
    )


def _fig3b(out: Path) -> Artifact:
    use_agg()
    from ssbattery.electrolytes.screening import SEMICONDUCTOR_MAX_GAP_EV, electronic_character
    from ssbattery.plotting.electrolytes import plot_band_gap_classes

    rows = _rows()
    numeric = [r for r in rows if r.band_gap_eV is not None]
    stated = [r for r in rows if r.band_gap_eV is None and r.electronic_character]
    labels = [r.key for r in numeric]
    gaps = [float(r.band_gap_eV or 0.0) for r in numeric]
    classes = [electronic_character(g) for g in gaps]
    ax = plot_band_gap_classes(labels, gaps, semiconductor_max_eV=SEMICONDUCTOR_MAX_GAP_EV)
    table = [
        [r.key, g, c, "band gap", r.band_gap_ref]
        for r, g, c in zip(numeric, gaps, classes, strict=True)
    ] + [
        [r.key, "", r.electronic_character, "review statement", r.electronic_character_ref]
        for r in stated
    ]
    disagree = [
        f"{r.key} ({r.band_gap_eV:g} eV: review says {r.electronic_character}, edges give {c})"
        for r, c in zip(numeric, classes, strict=True)
        if r.electronic_character and r.electronic_character != c
    ]
    summary = (
        f"{len(numeric)} band gaps stated as numbers in the text: "
        + ", ".join(
            f"{lab} {g:g} eV ({c})" for lab, g, c in zip(labels, gaps, classes, strict=True)
        )
        + "; classes from the review's edges (metal 0, semiconductor "
        f"≤ {SEMICONDUCTOR_MAX_GAP_EV:g} eV, insulator above). A further {len(stated)} "
        "electrolytes have only the review's "
        "verbal class (CSV). Fig. 3b's other bars are the authors' DFT values, shown only "
        "graphically, so they cannot be reproduced from the text."
        + (
            f" Disagreements with the review's own wording: {'; '.join(disagree)}."
            if disagree
            else ""
        )
    )
    return write_artifact(
        ax,
        out,
        "fig3b_band_gap_classes",
        [("fig3b_band_gap_classes", ["key", "band_gap_eV", "class", "basis", "review_ref"], table)],
        parameters={"semiconductor_max_eV": SEMICONDUCTOR_MAX_GAP_EV},
        summary=summary,
    )


def _fig3a(out: Path) -> Artifact:
    use_agg()
    from ssbattery.electrolytes.screening import METAL_CHEMICAL_POTENTIALS, band_alignment
    from ssbattery.plotting.electrolytes import plot_band_alignment

    rows = [r for r in _rows() if r.cbm_vs_vacuum_eV is not None]
    labels = [r.key for r in rows]
    cbm = [float(r.cbm_vs_vacuum_eV or 0.0) for r in rows]
    gaps = [r.band_gap_eV for r in rows]
    mus = {m: p.mu_eV for m, p in METAL_CHEMICAL_POTENTIALS.items()}
    ax = plot_band_alignment(labels, cbm, gaps, mus)
    table: list[Sequence[Any]] = []
    lines = []
    for r, ec, eg in zip(rows, cbm, gaps, strict=True):
        ion = r.mobile_ion if r.mobile_ion in mus else "Li"
        own = band_alignment(ec, metal=ion, band_gap_eV=eg)
        offsets = [ec - mus[m] for m in mus]
        table.append(
            [
                r.key,
                ec,
                "" if eg is None else eg,
                "" if own.electrolyte_mu_eV is None else own.electrolyte_mu_eV,
            ]
            + [round(o, 4) for o in offsets]
            + [ion, own.stable_against_reduction, own.junction, "; ".join(own.flags), r.cbm_ref]
        )
        lines.append(
            f"{r.key} CBM {ec:g} eV is {own.offset_eV:+.2f} eV from μ({ion}⁰)"
            + (" (near-null electron affinity)" if any("near-null" in f for f in own.flags) else "")
        )
    header = (
        ["key", "cbm_eV", "band_gap_eV", "mu_E_eV"]
        + [f"offset_vs_{m}_eV" for m in mus]
        + ["own_metal", "stable_against_reduction", "junction", "flags", "review_ref"]
    )
    refs = "; ".join(f"μ({m}⁰) = {p.mu_eV:g} eV" for m, p in METAL_CHEMICAL_POTENTIALS.items())
    summary = (
        f"{len(rows)} CBMs stated in the text: "
        + "; ".join(lines)
        + f". Metal lines: {refs} (Li, Cu from the review; Na derived from its Na3YCl6 "
        "statement; K not in the review, from standard potentials). The rest of Fig. 3a "
        "(the authors' DFT chemical potentials) is shown only graphically and cannot be "
        "reproduced; Fig. 4 (DFT densities of states) neither."
    )
    return write_artifact(
        ax,
        out,
        "fig3a_band_alignment",
        [("fig3a_band_alignment", header, table)],
        parameters={"metal_potentials_eV": mus},
        summary=summary,
    )


def _lic6(out: Path) -> Artifact:
    import numpy as np

    use_agg()
    from ssbattery.electrolytes.capacity import (
        REVIEW_CATHODE_CAPACITY_MAH_G,
        REVIEW_LIC6_CAPACITY_MAH_G,
        lic6_capacity,
    )
    from ssbattery.plotting.electrolytes import plot_lic6_capacity

    xs = np.linspace(0.0, 0.5, 51)
    res = [lic6_capacity(float(x)) for x in xs]
    series = {
        "per g LiC6": [r.per_gram_LiC6 for r in res],
        "per g carbon": [r.per_gram_carbon for r in res],
        "per g Li(1-x)C6 (after)": [r.per_gram_discharged_electrode for r in res],
    }
    ax = plot_lic6_capacity(
        xs.tolist(),
        series,
        review_values_mAh_g={
            "review 177 mAh/g": REVIEW_LIC6_CAPACITY_MAH_G,
            "review cathode < 170 mAh/g": REVIEW_CATHODE_CAPACITY_MAH_G,
        },
    )
    table = (
        "sec1_1_lic6_capacity",
        ["x", "per_g_LiC6_mAh_g", "per_g_carbon_mAh_g", "per_g_discharged_mAh_g"],
        [[float(x), *vals] for x, vals in zip(xs, zip(*series.values(), strict=True), strict=True)],
    )
    end = res[-1]
    summary = (
        f"At x = 0.5: {end.per_gram_LiC6:.1f} mAh/g per g LiC6, {end.per_gram_carbon:.1f} per g "
        f"carbon, {end.per_gram_discharged_electrode:.1f} per g of the discharged electrode "
        f"(LiC12 per ½ f.u.). The review's 177 mAh/g matches the last basis "
        f"({end.per_gram_discharged_electrode - 177:+.1f}); per g LiC6 gives ≈ 170, the number "
        f"the review quotes for cathodes. Full LiC6 → C6 would give "
        f"{end.full_delithiation_per_gram_carbon:.1f} mAh/g C. F = 96485.33212 C/mol."
    )
    return write_artifact(
        ax,
        out,
        "sec1_1_lic6_capacity",
        [table],
        parameters={"x_range": [0.0, 0.5], "points": len(xs)},
        summary=summary,
    )


def _cost(out: Path) -> Artifact:
    import numpy as np

    use_agg()
    from ssbattery.electrolytes.cost import (
        COST_THRESHOLD_USD_M2,
        REVIEW_FILM_COSTS_USD_M2,
        film_cost,
        precursor_prices,
    )
    from ssbattery.plotting.electrolytes import plot_film_cost

    thickness = np.linspace(5.0, 200.0, 40)
    formulas = ("Li2ZrCl6", "Li3YCl6")
    ref_um = 50.0  # the review's film thickness (§1.7)
    at50 = {f: film_cost(f, thickness_um=ref_um) for f in formulas}
    costs = {f: (at50[f].cost_usd_per_m2 * thickness / ref_um).tolist() for f in formulas}
    ax = plot_film_cost(
        thickness.tolist(),
        costs,
        threshold_usd_m2=COST_THRESHOLD_USD_M2,
        review_points=REVIEW_FILM_COSTS_USD_M2,
    )
    rows: list[Sequence[Any]] = []
    for f, c in at50.items():
        for s in c.precursors:
            rows.append(
                [
                    f,
                    c.thickness_um,
                    c.density_g_cm3,
                    c.density_basis,
                    c.density_source,
                    s.precursor,
                    s.moles_per_formula_unit,
                    s.mass_fraction,
                    s.price_usd_per_kg,
                    s.price_basis,
                    s.cost_usd_per_m2,
                    c.cost_usd_per_m2,
                    c.review_cost_usd_per_m2,
                ]
            )
    table = (
        "sec1_7_film_cost",
        [
            "formula",
            "thickness_um",
            "density_g_cm3",
            "density_basis",
            "density_source",
            "precursor",
            "mol_per_fu",
            "mass_fraction",
            "price_usd_per_kg",
            "price_basis",
            "precursor_cost_usd_m2",
            "film_cost_usd_m2",
            "review_cost_usd_m2",
        ],
        rows,
    )
    max_t = {f: COST_THRESHOLD_USD_M2 / (at50[f].cost_usd_per_m2 / ref_um) for f in formulas}
    licl = precursor_prices()["LiCl"].price_usd_per_kg
    summary = (
        f"At {ref_um:g} µm: "
        + "; ".join(
            f"{f} ${at50[f].cost_usd_per_m2:.2f}/m² (review ${REVIEW_FILM_COSTS_USD_M2[f]:.2f}; "
            f"thickest film under ${COST_THRESHOLD_USD_M2:g}/m²: {max_t[f]:.0f} µm)"
            for f in formulas
        )
        + f". LiCl ${licl:.2f}/kg is the review's; ZrCl4 and YCl3 prices are not in the review and "
        "are the values implied by its $/m² with our densities (so the agreement is by "
        "construction). Densities: "
        + "; ".join(
            f"{f} {at50[f].density_g_cm3:.4g} g/cm³ ({at50[f].density_basis})" for f in formulas
        )
        + " (sources in the CSV and film_densities.csv)."
    )
    return write_artifact(
        ax,
        out,
        "sec1_7_film_cost",
        [table],
        parameters={"thickness_um": [5.0, 200.0], "threshold_usd_m2": COST_THRESHOLD_USD_M2},
        summary=summary,
    )


def _scorecard(out: Path) -> Artifact:
    use_agg()
    from ssbattery.electrolytes.cost import COST_THRESHOLD_USD_M2
    from ssbattery.electrolytes.formula import is_symbolic
    from ssbattery.electrolytes.scorecard import (
        HIGH_CONDUCTIVITY_MS_CM,
        IDEAL_PROPERTIES,
        PATTERNS,
        scorecard,
    )
    from ssbattery.errors import SsbatteryError
    from ssbattery.plotting.electrolytes import plot_scorecard_matrix

    seen: dict[str, Electrolyte] = {}
    skipped: list[str] = []
    for r in _rows():
        if is_symbolic(r.formula) and r.x is None:
            skipped.append(r.formula)
            continue
        formula = r.composition().formula.replace(" ", "") if r.x is not None else r.formula
        seen.setdefault(formula, r)
    cards = []
    for f in seen:
        try:
            cards.append(scorecard(f))
        except SsbatteryError:
            skipped.append(f)
    keys = [c.key for c in PATTERNS + IDEAL_PROPERTIES]
    statuses = [[res.status for res in card.results] for card in cards]
    ax = plot_scorecard_matrix([c.formula for c in cards], keys, statuses)
    verdicts = (
        "sec1_3_scorecard",
        ["formula", "criterion", "status", "reason", "field"],
        [
            [card.formula, res.criterion.key, res.status, res.reason, res.field]
            for card in cards
            for res in card.results
        ],
    )
    criteria = (
        "sec1_3_scorecard_criteria",
        ["key", "criterion", "review_ref"],
        [[c.key, c.text, c.review_ref] for c in PATTERNS + IDEAL_PROPERTIES],
    )
    best = sorted(cards, key=lambda c: -c.counts()["met"])[:4]
    known = sum(1 for row in statuses for s in row if s != "unknown")
    n_criteria = len(PATTERNS) + len(IDEAL_PROPERTIES)
    summary = (
        f"{len(cards)} formulas × {n_criteria} criteria ({len(PATTERNS)} patterns §1.3, "
        f"{len(IDEAL_PROPERTIES)} ideal properties §1.2): "
        f"{known} of {len(cards) * n_criteria} verdicts decided from data, the rest unknown. "
        "Most met: "
        + ", ".join(f"{c.formula} ({c.counts()['met']})" for c in best)
        + ". Properties 3–8 (window, transference, mechanics, wetting, flexibility, thermal "
        "stability) have no numbers in the review's text and stay unknown."
        + (
            f" Skipped (symbolic stoichiometry without x): {', '.join(sorted(set(skipped)))}."
            if skipped
            else ""
        )
    )
    return write_artifact(
        ax,
        out,
        "sec1_3_scorecard",
        [verdicts, criteria],
        parameters={
            "high_conductivity_mS_cm": HIGH_CONDUCTIVITY_MS_CM,
            "cost_threshold_usd_m2": COST_THRESHOLD_USD_M2,
        },
        summary=summary,
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec("fig2_conductivity_chart", "Ionic conductivities (log scale)", "Fig. 2", _fig2),
    FigureSpec("fig3a_band_alignment", "CBM vs μ(Li, Na, K, Cu)", "Fig. 3a, §1.3", _fig3a),
    FigureSpec("fig3b_band_gap_classes", "Band gaps and classes", "Fig. 3b, §1.3", _fig3b),
    FigureSpec("fig6_argyrodite_conductivity", "Argyrodites", "Fig. 6, §1.5", _fig6),
    FigureSpec("fig8_halide_conductivity", "Halide electrolytes", "Fig. 8, §1.7", _fig8),
    FigureSpec("sec1_1_lic6_capacity", "LiC6 → LiC12 capacity", "§1.1", _lic6),
    FigureSpec("sec1_3_scorecard", "Scorecard: 4 patterns, 9 properties", "§1.2–1.3", _scorecard),
    FigureSpec("sec1_7_film_cost", "Film raw-material cost vs $10/m²", "§1.7", _cost),
]
