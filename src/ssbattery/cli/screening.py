"""CLI commands for screening and calculators: ``capacity``, ``cost``, ``electrolytes classify``."""

from __future__ import annotations

import contextlib
import math
import textwrap
from collections.abc import Iterator, Mapping
from typing import Any

import typer

from ssbattery.cli._common import (
    console,
    handle_errors,
    print_json,
    quantity_table,
    record_table,
    styled,
)
from ssbattery.errors import InvalidParameterError

__all__ = [
    "add_classify_command",
    "capacity_command",
    "cli_option_names",
    "cost_command",
    "parse_price_options",
    "register",
]


@contextlib.contextmanager
def cli_option_names(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise :class:`InvalidParameterError` naming the CLI options, not the API arguments.

    ``names`` maps an API argument to its option (``{"thickness_um": "--thickness-um"}``);
    every backquoted argument in the message becomes its backquoted option.
    """
    try:
        yield
    except InvalidParameterError as exc:
        message = str(exc)
        for api, option in names.items():
            message = message.replace(f"`{api}`", f"`{option}`")
        if message == str(exc):
            raise
        raise InvalidParameterError(message) from None


_CAPACITY_OPTIONS = {"electrons": "--electrons", "x": "--x"}
_COST_OPTIONS = {
    "thickness_um": "--thickness-um",
    "density_g_cm3": "--density",
}
_CLASSIFY_OPTIONS = {
    "band_gap_eV": "--band-gap",
    "cbm_eV": "--cbm",
    "metal": "--metal",
    "x": "--x",
    "dominance_threshold": "--minor-anion-threshold",
}


def parse_price_options(values: list[str] | None) -> dict[str, float]:
    """Parse ``["ZrCl4=12.5", ...]`` into ``{"ZrCl4": 12.5}`` ($ kg⁻¹)."""
    out: dict[str, float] = {}
    for item in values or []:
        name, sep, price = item.partition("=")
        try:
            value = float(price)
        except ValueError:
            value = float("nan")
        if not sep or not name.strip() or not (math.isfinite(value) and value > 0):
            raise InvalidParameterError(
                "`--price` must look like PRECURSOR=USD_PER_KG with a price > 0 "
                f"(e.g. ZrCl4=12.5), got {item!r}."
            )
        if name.strip() in out:
            raise InvalidParameterError(
                f"`--price` gives {name.strip()} twice ({out[name.strip()]:g} and {value:g} "
                "USD/kg); give each precursor once."
            )
        out[name.strip()] = value
    return out


def register(app: typer.Typer) -> None:
    """Add the top-level calculator commands (``capacity``, ``cost``) to ``app``."""
    app.command("capacity")(capacity_command)
    app.command("cost")(cost_command)


@handle_errors(quantities={"electrons": "electrons_per_formula_unit"})
def capacity_command(
    formula: str | None = typer.Argument(
        None,
        help="Formula whose mass carries the charge [default: Li] (not with --reaction lic6).",
    ),
    electrons: float | None = typer.Option(
        None, "--electrons", help="Electrons per formula unit (default 1 per alkali atom)."
    ),
    reaction: str = typer.Option(
        "", "--reaction", help="'lic6': LiC6 → (1−2x)LiC6 + xLiC12 + x(Li⁺+e⁻) (§1.1)."
    ),
    x: float | None = typer.Option(
        None,
        "--x",
        help="Extent x of --reaction lic6, 0 ≤ x ≤ 0.5 [default: 0.5]; or the x of a "
        "symbolic FORMULA (e.g. Li1-xCoO2).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Theoretical specific capacity Q = n F / (3.6 M) in mAh/g."""
    from ssbattery.electrolytes.capacity import lic6_capacity, specific_capacity

    if reaction:
        if reaction.lower() != "lic6":
            raise InvalidParameterError(
                f"`--reaction` must be 'lic6' (the only reaction built in), got {reaction!r}."
            )
        if formula is not None or electrons is not None:
            given = "FORMULA" if formula is not None else "`--electrons`"
            raise InvalidParameterError(
                f"{given} does not apply to `--reaction lic6` (its mass is LiC6 and x electrons "
                "flow per LiC6); drop it, or drop `--reaction` for the capacity of a formula."
            )
        with cli_option_names(_CAPACITY_OPTIONS):
            _print_lic6(lic6_capacity(0.5 if x is None else x), as_json)
        return
    with cli_option_names(_CAPACITY_OPTIONS):
        res = specific_capacity(formula or "Li", electrons=electrons, x=x)
    if as_json:
        print_json(
            {
                "formula": res.formula,
                "electrons": res.electrons,
                "molar_mass_g_mol": res.molar_mass_g_mol,
                "faraday_C_mol": res.faraday_C_mol,
                "capacity_mAh_g": res.capacity_mAh_g,
            }
        )
        return
    console.print(
        f"{res.formula}: Q = {res.electrons:g} × F / (3.6 × {res.molar_mass_g_mol:.4f} g/mol) "
        f"= {res.capacity_mAh_g:.1f} mAh/g"
    )


def _print_lic6(r: Any, as_json: bool) -> None:
    """``capacity --reaction lic6``: every mass basis (JSON object or table)."""
    payload = {
        "reaction": "LiC6 -> (1-2x) LiC6 + x LiC12 + x (Li+ + e-)",
        "x": r.x,
        "capacity_mAh_g": r.per_gram_LiC6,
        "basis": "per gram of LiC6",
        "per_gram_LiC6_mAh_g": r.per_gram_LiC6,
        "per_gram_carbon_mAh_g": r.per_gram_carbon,
        "per_gram_discharged_electrode_mAh_g": r.per_gram_discharged_electrode,
        "full_delithiation_per_gram_carbon_mAh_g": r.full_delithiation_per_gram_carbon,
        "review_value_mAh_g": r.review_value_mAh_g,
        "closest_basis_to_review": r.closest_basis,
    }
    if as_json:
        print_json(payload)
        return
    review = f"{r.review_value_mAh_g:g} mAh/g"
    rows = [
        ("per gram of LiC6", r.per_gram_LiC6),
        ("per gram of carbon (C6)", r.per_gram_carbon),
        ("per gram of Li1-xC6 (after)", r.per_gram_discharged_electrode),
        ("LiC6 → C6, per gram of C", r.full_delithiation_per_gram_carbon),
    ]
    title = f"LiC6 → LiC12 capacity [mAh/g] at x = {r.x:g} (review §1.1: {review})"
    console.print(quantity_table(title, rows, float_format=".1f"))
    console.print(f"closest to the review's {review}: {r.closest_basis}")


@handle_errors(quantities={"thickness_um": "film_thickness_um", "density": "density_g_cm3"})
def cost_command(
    formula: str = typer.Argument(..., help="Electrolyte formula, e.g. Li2ZrCl6."),
    thickness_um: float = typer.Option(50.0, "--thickness-um", help="Film thickness, µm."),
    density: float | None = typer.Option(
        None,
        "--density",
        help="Film density, g/cm³ (default: the shipped table, Li3YCl6 and Li2ZrCl6 only).",
    ),
    price: list[str] | None = typer.Option(
        None, "--price", help="Override a precursor price: PRECURSOR=USD_PER_KG (repeat)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Raw-material cost of an electrolyte film per m² (review §1.7, $10/m² threshold)."""
    from ssbattery.electrolytes.cost import film_cost
    from ssbattery.electrolytes.formula import is_symbolic

    if is_symbolic(formula):
        raise InvalidParameterError(
            f"FORMULA {formula!r} has stoichiometry in x, and `cost` takes no --x: write the "
            "composition with numbers (e.g. Li0.33La0.557TiO3 for x = 0.11)."
        )
    with cli_option_names(_COST_OPTIONS):
        res = film_cost(
            formula,
            thickness_um=thickness_um,
            density_g_cm3=density,
            prices=parse_price_options(price),
        )
    if as_json:
        print_json(res)
        return
    records = [
        {
            "precursor": p.precursor,
            "mol/f.u.": f"{p.moles_per_formula_unit:.4g}",
            "mass frac.": f"{p.mass_fraction:.4f}",
            "$/kg": f"{p.price_usd_per_kg:.2f}",
            "basis": p.price_basis,
            "$/m²": f"{p.cost_usd_per_m2:.3f}",
        }
        for p in res.precursors
    ]
    console.print(record_table(f"{res.formula}, {res.thickness_um:g} µm film", records))
    console.print(
        (
            f"density {res.density_g_cm3:.4g} g/cm³, basis {res.density_basis}; "
            f"source: {res.density_source}"
        ),
        highlight=False,
    )
    console.print(
        f"{res.mass_per_m2_g:.1f} g/m²; ${res.cost_usd_per_kg:.2f}/kg;",
        styled(f"${res.cost_usd_per_m2:.2f}/m²", "bold"),
        f"({'below' if res.below_threshold else 'above'} the "
        f"${res.threshold_usd_per_m2:g}/m² threshold)",
    )
    if res.review_cost_usd_per_m2 is not None:
        console.print(f"review (§1.7, ref. 110): ${res.review_cost_usd_per_m2:.2f}/m²")


def add_classify_command(electrolytes_app: typer.Typer) -> None:
    """Add ``classify`` to the ``ssbattery electrolytes`` sub-app."""
    electrolytes_app.command("classify")(classify_command)


@handle_errors
def classify_command(
    formula: str = typer.Argument(..., help="Formula, in the dataset or not."),
    band_gap: float | None = typer.Option(None, "--band-gap", help="Band gap, eV."),
    cbm: float | None = typer.Option(None, "--cbm", help="Conduction-band minimum vs vacuum, eV."),
    metal: str | None = typer.Option(
        None, "--metal", help="Li, Na, K or Cu (default: the mobile ion)."
    ),
    x: float | None = typer.Option(
        None, "--x", help="Value of a symbolic x in the formula, e.g. Li3xLa(2/3)-xTiO3."
    ),
    minor_anion_threshold: float = typer.Option(
        0.1,
        "--minor-anion-threshold",
        help="Share of the anion units under which an anion group is a minor (dopant) "
        "anion, in [0, 1].",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Electronic character, band alignment, chemical class, structural family, scorecard."""
    from ssbattery.electrolytes.scorecard import scorecard
    from ssbattery.electrolytes.screening import classify

    with cli_option_names(_CLASSIFY_OPTIONS):
        res = classify(
            formula,
            band_gap_eV=band_gap,
            cbm_eV=cbm,
            metal=metal,
            x=x,
            dominance_threshold=minor_anion_threshold,
        )
        card = scorecard(formula, band_gap_eV=band_gap, cbm_eV=cbm, metal=metal, x=x)
    if as_json:
        print_json(_classification_payload(res, card))
        return
    _print_classification(res, card)


def _classification_payload(res: Any, card: Any) -> dict[str, Any]:
    """The JSON object of ``electrolytes classify --json``."""
    return {
        "formula": res.formula,
        "in_dataset": res.in_dataset,
        "mobile_ion": res.mobile_ion,
        "band_gap_eV": res.band_gap_eV,
        "band_gap_source": res.band_gap_source,
        "cbm_eV": res.cbm_eV,
        "cbm_source": res.cbm_source,
        "electronic_character": res.electronic_character,
        "chemical_class": res.chemical,
        "structural_family": res.structural_family,
        "alignment": res.alignment,
        "alignments_all_metals": res.alignments_all_metals,
        "scorecard": [
            {
                "key": r.criterion.key,
                "criterion": r.criterion.text,
                "review_ref": r.criterion.review_ref,
                "status": r.status,
                "reason": r.reason,
                "field": r.field,
            }
            for r in card.results
        ],
        "scorecard_counts": card.counts(),
    }


def _print_classification(res: Any, card: Any) -> None:
    """The text form of ``electrolytes classify``: the facts, then the scorecard table."""

    ch = res.chemical
    where = "in the dataset" if res.in_dataset else "not in the dataset"
    console.print(styled(res.formula, "bold"), f"({where}); mobile ion: {res.mobile_ion or 'none'}")
    if res.band_gap_eV is not None:
        gap = f"band gap {res.band_gap_eV:g} eV ({res.band_gap_source})"
    else:
        gap = "band gap not known"
    console.print(
        f"{gap}: {res.electronic_character} ({res.electronic_character_source})",
        highlight=False,
    )
    fr = ", ".join(f"{k} {v:.2f}" for k, v in ch.anion_fractions.items())
    minor = f"; minor anions {', '.join(ch.minor)}" if ch.minor else ""
    console.print(
        f"chemical class: {ch.label} (anion fractions {fr or '—'}; "
        f"{'multi' if ch.multi_element else 'single'}-element; groups under "
        f"{ch.dominance_threshold:g} of the anions are minor{minor})",
        highlight=False,
    )
    fam = res.structural_family
    if fam is not None:
        console.print(
            f"structural family: {fam.family} ({fam.template})"
            if fam.family
            else f"structural family: not determined by the composition ({fam.reason})",
            highlight=False,
        )
    if res.alignment is not None:
        a = res.alignment
        console.print(
            f"CBM {a.cbm_eV:g} eV vs μ({a.metal}0) = {a.mu_metal_eV:g} eV: offset "
            f"{a.offset_eV:+.2f} eV, {'stable' if a.stable_against_reduction else 'not stable'}"
            f" against reduction; {a.junction}"
        )
        for flag in a.flags:
            console.print(f"  caveat: {flag}")
    records = [
        {
            "key": r.criterion.key,
            "criterion": textwrap.shorten(r.criterion.text, 70, placeholder=" …"),
            "status": r.status,
            "reason": r.reason,
        }
        for r in card.results
    ]
    console.print(record_table("Review scorecard (§1.2 ideal properties, §1.3 patterns)", records))
