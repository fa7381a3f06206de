"""``ssbattery electrolytes``: the review's electrolytes (and OBELiX) from the command line.

Commands: ``list`` (filters, rich table or ``--json``), ``show FORMULA`` (every field),
``families`` (the OBELiX → ssbattery family-mapping report), ``predict FORMULA...`` and
``benchmark`` (the OBELiX-trained conductivity model) and ``classify`` (added by
:func:`ssbattery.cli.screening.add_classify_command`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ssbattery.cli._common import console, err_console, handle_errors, print_json, record_table

if TYPE_CHECKING:
    from ssbattery.electrolytes.conductivity_model import (
        ConductivityPrediction,
        StructureDescriptor,
    )

__all__ = [
    "benchmark_command",
    "electrolytes_app",
    "families_command",
    "list_command",
    "predict_command",
    "register",
    "show_command",
]

#: The ``ssbattery electrolytes`` command group.
electrolytes_app = typer.Typer(
    help="The review's solid electrolytes with references (and the OBELiX table).",
    no_args_is_help=True,
)


_OPTION_NAMES = {
    "ion": "--ion",
    "chemical_class": "--class",
    "family": "--family",
    "min_conductivity_mS_cm": "--min-conductivity",
}


def _percent(level: float) -> str:
    """A level as a percentage with the digits it needs: 0.9 → "90%", 0.997 → "99.7%"."""
    for digits in range(4):
        if abs(round(level * 100, digits) - level * 100) < 1e-9:
            return f"{level:.{digits}%}"
    return f"{level:.3%}"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"


def register(app: typer.Typer) -> None:
    """Add the ``electrolytes`` sub-app (``list``, ``show``, ``families``, ``classify``)."""
    from ssbattery.cli.screening import add_classify_command

    electrolytes_app.command("list")(handle_errors(list_command))
    electrolytes_app.command("show")(
        handle_errors(api_names={"formula_or_name": "FORMULA"})(show_command)
    )
    electrolytes_app.command("families")(handle_errors(families_command))
    electrolytes_app.command("predict")(
        handle_errors(api_names={"formula": "FORMULAS"})(predict_command)
    )
    electrolytes_app.command("benchmark")(handle_errors(benchmark_command))
    add_classify_command(electrolytes_app)
    app.add_typer(electrolytes_app, name="electrolytes")


def _structure_option(
    lattice: str | None,
    z: float | None,
    space_group: int | None,
    formula: str,
    cif: Path | None = None,
) -> StructureDescriptor | None:
    """``--cif`` or ``--lattice/--z/--space-group`` as a StructureDescriptor (or None)."""
    from ssbattery.electrolytes.conductivity_model import StructureDescriptor
    from ssbattery.errors import InvalidParameterError

    given = [v is not None for v in (lattice, z, space_group)]
    if cif is not None:
        if any(given):
            raise InvalidParameterError(
                "give either `--cif` or `--lattice/--z/--space-group`, not both."
            )
        return StructureDescriptor.from_cif(cif)
    if not any(given):
        return None
    if not all(given):
        raise InvalidParameterError(
            "give all of `--lattice a,b,c,alpha,beta,gamma`, `--z` and `--space-group` for the "
            "structure model, or none for the composition model."
        )
    try:
        values = [float(v) for v in str(lattice).split(",")]
    except ValueError:
        values = []
    if len(values) != 6:
        raise InvalidParameterError(
            f"`--lattice` must be six numbers a,b,c [Å],alpha,beta,gamma [°], got {lattice!r}."
        )
    return StructureDescriptor.from_lattice(
        values[:3],
        values[3:],
        formula=formula,
        z=float(z or 0),
        space_group=int(space_group or 0),
    )


def predict_command(
    formulas: list[str] | None = typer.Argument(
        None, help="Compositions, e.g. Li6PS5Cl Li7La3Zr2O12 (or --from-file)."
    ),
    from_file: Path | None = typer.Option(
        None,
        "--from-file",
        help="Text or CSV file of candidates, one formula per line (the first field).",
    ),
    level: float = typer.Option(0.9, "--level", help="Interval level in (0, 1)."),
    lattice: str | None = typer.Option(
        None,
        "--lattice",
        help="a,b,c [Å],alpha,beta,gamma [°] of the cell: use the composition + structure model "
        "(with --z and --space-group).",
    ),
    z: float | None = typer.Option(None, "--z", help="Formula units per cell (with --lattice)."),
    space_group: int | None = typer.Option(
        None, "--space-group", help="Space-group number 1–230 (with --lattice)."
    ),
    cif: Path | None = typer.Option(
        None, "--cif", help="CIF of the crystal: use the composition + structure model."
    ),
    csv_out: Path | None = typer.Option(
        None, "--csv", help="Also write the predictions to this CSV file, one row each."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace the --csv file if it exists (never the --from-file)."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help='Print JSON: one object for one FORMULA, else {"predictions": [...]}.',
    ),
) -> None:
    """log10 σ_RT [S/cm] from the composition (OBELiX-trained), with a calibrated interval.

    Several formulas, or --from-file, give one table (a screening list). With --lattice or
    --cif (one formula), the composition + structure model (not better on OBELiX's test).
    """
    from ssbattery.electrolytes.candidates import read_formulas, write_predictions
    from ssbattery.electrolytes.conductivity_model import default_model
    from ssbattery.errors import InvalidParameterError

    _check_csv(csv_out, from_file, overwrite)
    given = list(formulas or [])
    if (from_file is None) == (not given):
        raise InvalidParameterError(
            "give the formulas as arguments or `--from-file PATH`, one of the two."
        )
    if from_file is not None:
        given = list(read_formulas(from_file, option="--from-file"))
    single = from_file is None and len(given) == 1
    if not single and any(v is not None for v in (lattice, z, space_group, cif)):
        raise InvalidParameterError(
            "`--lattice`/`--cif` describe one crystal: give one FORMULA with them."
        )
    structure = _structure_option(lattice, z, space_group, given[0], cif) if single else None
    with err_console.status("training the conductivity model on OBELiX (first use)…"):
        model = default_model(use_structure=structure is not None)
    preds = model.predict_many(given, level=level, structures=[structure] * len(given))
    if csv_out is not None:
        err_console.print(f"wrote {write_predictions(csv_out, preds, option='--csv')}")
    if as_json:
        if single:
            print_json({**preds[0].to_dict(), "uses_structure": model.uses_structure})
        else:
            print_json(
                {
                    "predictions": [p.to_dict() for p in preds],
                    "uses_structure": model.uses_structure,
                }
            )
        return
    if single:
        _print_prediction(preds[0], level, model.uses_structure)
    else:
        _print_predictions(preds, level)


def _check_csv(csv_out: Path | None, from_file: Path | None, overwrite: bool) -> None:
    """``--csv`` before any work: never the ``--from-file`` list, an existing file only
    with ``--overwrite``."""
    from ssbattery.electrolytes.candidates import check_predictions_path

    if csv_out is not None:
        inputs = [(from_file, "--from-file")] if from_file is not None else []
        check_predictions_path(csv_out, "--csv", inputs=inputs, replace=overwrite)


def _interval_note(adaptive: bool) -> str:
    how = (
        "its half-width follows the spread of the model's trees at each formula (normalised "
        "split-conformal)"
        if adaptive
        else "one half-width for every formula (split-conformal)"
    )
    return (
        f"{how}, calibrated on training folds grouped by paper (DOI), as the official test "
        "split is (see `ssbattery electrolytes benchmark` for its test coverage)"
    )


def _print_prediction(pred: ConductivityPrediction, level: float, uses_structure: bool) -> None:
    console.print(
        f"{pred.formula}: log10 σ = {pred.log10_sigma_S_cm:.2f} (σ ≈ {pred.sigma_mS_cm:.3g} "
        f"mS/cm), {_percent(level)} interval [{pred.lower:.2f}, {pred.upper:.2f}] in log10(S/cm)"
        + (" (composition + structure model)" if uses_structure else ""),
        highlight=False,
    )
    console.print(
        f"interval: ±{(pred.upper - pred.lower) / 2:.2f} dex; "
        + _interval_note(pred.interval == "adaptive"),
        highlight=False,
    )
    if pred.unseen_elements:
        console.print(
            f"note: {', '.join(pred.unseen_elements)} never occur in the training set; "
            "the prediction ignores their identity.",
            highlight=False,
        )


def _print_predictions(preds: Sequence[ConductivityPrediction], level: float) -> None:
    rows = [
        {
            "formula": p.formula,
            "log10 σ": f"{p.log10_sigma_S_cm:.2f}",
            "σ [mS/cm]": f"{p.sigma_mS_cm:.3g}",
            "interval": f"[{p.lower:.2f}, {p.upper:.2f}]",
            "±": f"{(p.upper - p.lower) / 2:.2f}",
            "unseen": ", ".join(p.unseen_elements),
        }
        for p in preds
    ]
    headers = {k: k for k in rows[0]} | {
        "log10 σ": "log10 σ [S/cm]",
        "interval": f"{_percent(level)} interval",
        "±": "± [dex]",
        "unseen": "unseen elements",
    }
    console.print(
        record_table(
            f"{len(preds)} candidates",
            rows,
            headers,
            left={"formula", "unseen"},
            no_wrap={"formula", "interval"},
        ),
        highlight=False,
    )
    console.print("intervals: " + _interval_note(preds[0].interval == "adaptive"), highlight=False)


def benchmark_command(
    level: float = typer.Option(0.9, "--level", help="Interval level in (0, 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Test-split MAE (log10 σ) and interval coverage of the models vs baselines (OBELiX)."""
    from ssbattery.electrolytes.conductivity_model import (
        benchmark_conductivity_model,
        default_model,
    )

    with err_console.status("training and scoring on OBELiX's official split…"):
        r = benchmark_conductivity_model(
            level=level, structure_model=default_model(use_structure=True)
        )
    if as_json:
        print_json(r.to_dict())
        return
    models = [("ssbattery composition model", r.composition)]
    if r.structure is not None:
        models.append(("ssbattery composition + structure model", r.structure))
    rows = [
        {
            "model": name,
            "MAE [dex]": f"{m.mae:.3f} ± {m.mae_se:.3f}",
            "interval": f"±{m.half_width:.2f}" + (" (mean)" if m.interval == "adaptive" else ""),
            "coverage": f"{m.coverage:.1%}",
        }
        for name, m in models
    ]
    rows += [
        {"model": name, "MAE [dex]": f"{mae:.3f}", "interval": "", "coverage": ""}
        for name, mae in r.baselines
    ]
    headers = {"model": "model", "MAE [dex]": "MAE [dex]"}
    headers |= {"interval": f"{_percent(level)} interval", "coverage": "coverage"}
    title = f"OBELiX test split ({r.composition.n_test} rows, {r.n_test_censored} censored)"
    console.print(record_table(title, rows, headers, left={"model"}))
    paired = [
        {
            "pair": f"{p.model} − {p.other}",
            "difference": f"{p.difference:+.3f} ± {p.difference_se:.3f}",
            "wins": f"{p.wins:.0%}",
        }
        for p in r.paired
    ]
    console.print(
        record_table(
            "MAE differences on the same rows (paired bootstrap)",
            paired,
            {"pair": "model − other", "difference": "Δ MAE [dex]", "wins": "resamples won"},
            left={"pair"},
        )
    )
    trained = " and ".join(
        f"{m.train_seconds:.0f} s ({name.removeprefix('ssbattery ').removesuffix(' model')})"
        for name, m in models
    )
    console.print(
        f"trained in {trained}, from the shipped calibration; "
        "`benchmarks/bench_predict.py` retrains all.",
        highlight=False,
    )


def list_command(
    ion: str | None = typer.Option(None, "--ion", help="Mobile ion: Li, Na or K."),
    chemical_class: str | None = typer.Option(
        None, "--class", help="Chemical class, e.g. sulfide, oxyhalide, halide."
    ),
    family: str | None = typer.Option(
        None, "--family", help="Structure family, e.g. argyrodite, garnet, NASICON."
    ),
    min_conductivity: float | None = typer.Option(
        None,
        "--min-conductivity",
        help="Keep rows whose σ can reach this value in mS/cm (a range by its upper end; "
        "'<0.01' only below 0.01).",
    ),
    source: str = typer.Option("review", "--source", help="review (default), obelix or all."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """List electrolytes with their conductivity (mS/cm), class, family and references."""
    from ssbattery.electrolytes.dataset import query
    from ssbattery.errors import InvalidParameterError

    if source.lower() not in ("review", "obelix", "all"):
        raise InvalidParameterError(
            f"`--source` must be one of review, obelix, all; got {source!r}."
        )
    try:
        rows = query(
            ion=ion,
            chemical_class=chemical_class,
            family=family,
            min_conductivity_mS_cm=min_conductivity,
            dataset=source.lower(),
        )
    except InvalidParameterError as exc:  # name the CLI options, not the API arguments
        message = str(exc)
        for api, option in _OPTION_NAMES.items():
            message = message.replace(f"`{api}`", f"`{option}`")
        raise InvalidParameterError(message) from None
    if as_json:
        print_json(
            {
                "source": source.lower(),
                "count": len(rows),
                "filters": {
                    "ion": ion,
                    "class": chemical_class,
                    "family": family,
                    "min_conductivity_mS_cm": min_conductivity,
                },
                "electrolytes": [r.to_dict() for r in rows],
            }
        )
        return
    if not rows:
        _print_no_match(source.lower(), ion, chemical_class, family, min_conductivity)
        return
    records = [
        {
            "key": r.key + (f" ({r.name})" if r.name else ""),
            "ion": r.mobile_ion,
            "class": r.chemical_class,
            "family": r.family or r.source_family,
            "σ [mS/cm]": r.conductivity_text(),
            "T [°C]": _fmt(r.temperature_C),
            "σ ref": r.conductivity_ref,
        }
        for r in rows
    ]
    text = {"key", "ion", "class", "family", "σ ref"}
    table = record_table(
        f"{len(rows)} electrolytes ({source.lower()})",
        records,
        left=text,
        fold=text - {"ion"},
        no_wrap={"σ [mS/cm]"},
    )
    table.columns[0].min_width = 16
    console.print(table)


def _print_no_match(
    source: str,
    ion: str | None,
    chemical_class: str | None,
    family: str | None,
    min_conductivity: float | None,
) -> None:
    """``list`` when the filters keep no row: say so, naming the filters (no empty table)."""
    given = {"--ion": ion, "--class": chemical_class, "--family": family}
    given["--min-conductivity"] = None if min_conductivity is None else f"{min_conductivity:g}"
    filters = " ".join(f"{option} {value}" for option, value in given.items() if value is not None)
    console.print(
        f"0 electrolytes ({source}) match {filters}; drop a filter, or run "
        f"`ssbattery electrolytes list --source {source}` to see every row.",
        highlight=False,
    )


def show_command(
    formula: str = typer.Argument(
        ...,
        help="Formula, key or name, e.g. Li6PS5Cl, 'Li3InCl6 [solid-state]', LLZO.",
    ),
    show_all: bool = typer.Option(
        False, "--all", help="Show every row of that formula (e.g. each synthesis)."
    ),
    source: str = typer.Option(
        "review",
        "--source",
        help="review (default), obelix or all (review rows first).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Every field of one electrolyte of the review (σ in mS/cm at temperature_C)."""
    from ssbattery.electrolytes.dataset import find_electrolyte, find_electrolytes
    from ssbattery.errors import InvalidParameterError

    source = source.lower()
    if source not in ("review", "obelix", "all"):
        raise InvalidParameterError(
            f"`--source` must be one of review, obelix, all; got {source!r}."
        )
    # raises with close matches when absent
    first = find_electrolyte(formula, dataset=source)
    rows = find_electrolytes(formula, dataset=source) if show_all else (first,)
    if as_json:
        payload = first.to_dict()
        if show_all:
            payload = {
                "count": len(rows),
                "electrolytes": [r.to_dict() for r in rows],
            }
        print_json(payload)
        return
    for row in rows:
        fields = [
            {"field": key, "value": str(value)}
            for key, value in row.to_dict().items()
            if value is not None and value != ""
        ]
        console.print(
            record_table(
                row.key, fields, left={"field", "value"}, fold={"value"}, show_header=False
            )
        )
    others = find_electrolytes(formula, dataset=source)
    if not show_all and len(others) > 1:
        err_console.print(
            f"{len(others) - 1} more row(s) for {formula!r}: "
            + ", ".join(r.key for r in others[1:])
            + " (use --all)"
        )


def families_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """How OBELiX's family labels map onto ours, and where they disagree."""
    from ssbattery.electrolytes.obelix import family_mapping_report

    report = family_mapping_report()
    if as_json:
        print_json(report.to_dict())
        return
    labels = [
        {
            "OBELiX label": lc.label or "(none)",
            "rows": str(lc.count),
            "family": lc.family,
            "class": lc.chemical_class,
            "status": lc.status,
            "classes found": ", ".join(f"{k} {v}" for k, v in sorted(lc.computed_classes.items())),
        }
        for lc in report.labels
    ]
    title = f"OBELiX family labels ({report.n_rows} rows) → ssbattery"
    console.print(record_table(title, labels, left=set(labels[0]) - {"rows"} if labels else ()))
    if report.class_disagreements:
        disagreements = [
            {
                "key": d.key,
                "label": d.label,
                "expected": ", ".join(d.expected_classes),
                "from composition": d.computed_class,
            }
            for d in report.class_disagreements
        ]
        title = "Rows whose composition disagrees with the label"
        console.print(record_table(title, disagreements, left=set(disagreements[0])))
    matches = [
        {
            "OBELiX": m.obelix_key,
            "review": m.review_key,
            "family OBELiX→ours": f"{m.obelix_label or '(none)'} → {m.obelix_family}",
            "review family": m.review_family,
            "σ OBELiX": _fmt(m.obelix_conductivity_mS_cm),
            "σ review": _fmt(m.review_conductivity_mS_cm),
        }
        for m in report.review_matches
    ]
    text = {"OBELiX", "review", "family OBELiX→ours", "review family"}
    console.print(record_table("OBELiX rows with a review composition", matches, left=text))
