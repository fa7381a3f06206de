"""Raw-material cost of an electrolyte film per m² (review §1.7).

cost [$ m⁻²] = ρ [g cm⁻³] · t [cm] · 10⁴ cm² m⁻² · 10⁻³ kg g⁻¹ · Σᵢ wᵢ pᵢ [$ kg⁻¹],

where wᵢ is the mass fraction of precursor i in the balanced decomposition of the formula
into priced precursors (e.g. Li2ZrCl6 = 2 LiCl + ZrCl4), found by non-negative least
squares on the element amounts (scipy.optimize.nnls). The precursors' masses add up to
the film's mass, so Σ wᵢ = 1 for an exact decomposition.

The review quotes, from its ref. 110 (Wang et al., Nat. Commun. 12, 4410 (2021)), LiCl at
$5.88 kg⁻¹, Li2ZrCl6 at ≈ $1.38 m⁻² and Li3YCl6 at $23.05 m⁻² for 50 µm films, and a
$10 m⁻² threshold for cost-competitive all-solid-state batteries. It gives no price for
ZrCl4 or YCl3 and no film density; the shipped table (``data/precursor_prices.csv``) marks
every value with its basis (review, literature, implied, review lower bound, unpriced) and
source, and every input used is returned with the result.

The density comes from the caller (``density_g_cm3``, basis "given") or from the shipped
``data/film_densities.csv`` (basis "crystallographic" or "assumption", with its source);
there is no silent fallback: any other formula needs a density from the caller.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, ClassVar

from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import require_positive

if TYPE_CHECKING:
    from pymatgen.core import Composition

__all__ = [
    "COST_THRESHOLD_USD_M2",
    "REVIEW_FILM_COSTS_USD_M2",
    "FilmCost",
    "FilmDensity",
    "PrecursorPrice",
    "PrecursorShare",
    "crystallographic_density",
    "decompose_into_precursors",
    "film_cost",
    "film_densities",
    "film_density",
    "implied_precursor_price",
    "precursor_prices",
]

#: Cost threshold for cost-competitive all-solid-state batteries, $ m⁻² (review §1.7).
COST_THRESHOLD_USD_M2 = 10.0

#: The review's raw-material costs at 50 µm, $ m⁻² (§1.7, from ref. 110).
REVIEW_FILM_COSTS_USD_M2: dict[str, float] = {"Li2ZrCl6": 1.38, "Li3YCl6": 23.05}

_AVOGADRO = 6.02214076e23


@dataclass(frozen=True)
class PrecursorPrice:
    """One row of the precursor table: price in $ kg⁻¹ (None if unpriced) and its source."""

    name: str
    formula: str
    price_usd_per_kg: float | None
    basis: str
    source: str


@dataclass(frozen=True)
class FilmDensity:
    """A film density (g cm⁻³) with its basis and source."""

    formula: str
    density_g_cm3: float
    basis: str
    source: str


def _read_rows(name: str, columns: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """Rows of a shipped CSV as ``(where, row)``, ``where`` = "file line n" for messages."""
    text = resources.files("ssbattery.electrolytes").joinpath("data", name).read_text("utf-8")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise DataFormatError(f"{name}: missing column(s) {', '.join(missing)}.")
    return [(f"{name} line {i}", row) for i, row in enumerate(reader, start=2)]


def _positive_cell(raw: str, where: str) -> float:
    """A positive finite number from a CSV cell, else DataFormatError naming the line."""
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise DataFormatError(f"{where}: {raw.strip()!r} is not a positive number.")
    return value


@cache
def _composition(formula: str) -> Composition:
    from ssbattery.electrolytes.formula import parse_formula

    return parse_formula(formula)


@cache
def precursor_prices() -> dict[str, PrecursorPrice]:
    """The shipped precursor table (``data/precursor_prices.csv``), keyed by name."""
    out: dict[str, PrecursorPrice] = {}
    columns = ("precursor", "formula", "price_usd_per_kg", "basis", "source")
    for where, row in _read_rows("precursor_prices.csv", columns):
        raw = row["price_usd_per_kg"].strip()
        price = _positive_cell(raw, where) if raw else None
        out[row["precursor"]] = PrecursorPrice(
            row["precursor"], row["formula"], price, row["basis"], row["source"]
        )
    return out


@cache
def film_densities() -> dict[str, FilmDensity]:
    """Shipped film densities (``data/film_densities.csv``), keyed by reduced formula."""
    out: dict[str, FilmDensity] = {}
    for where, row in _read_rows("film_densities.csv", ("formula", "density_g_cm3", "basis")):
        density = _positive_cell(row["density_g_cm3"], where)
        if not row["source"].strip():
            raise DataFormatError(f"{where}: the density of {row['formula']} has no source.")
        key = _composition(row["formula"]).reduced_formula
        out[key] = FilmDensity(row["formula"], density, row["basis"], row["source"])
    return out


def crystallographic_density(
    formula: str,
    *,
    formula_units_per_cell: float,
    a: float,
    b: float,
    c: float,
    alpha: float = 90.0,
    beta: float = 90.0,
    gamma: float = 90.0,
) -> float:
    """ρ = Z M / (N_A V), g cm⁻³, from a unit cell (lengths Å, angles degrees).

    >>> round(crystallographic_density("Li3YCl6", formula_units_per_cell=3, a=11.2217,
    ...     b=11.2217, c=6.05517, gamma=120.0), 4)
    2.4325
    """
    from pymatgen.core import Lattice

    z = require_positive("formula_units_per_cell", formula_units_per_cell)
    for name, v in (("a", a), ("b", b), ("c", c)):
        require_positive(name, v)
    volume_A3 = Lattice.from_parameters(a, b, c, alpha, beta, gamma).volume
    if not volume_A3 > 0:
        raise InvalidParameterError("the cell angles give no volume; check alpha, beta, gamma.")
    mass_g = z * float(_composition(formula).weight) / _AVOGADRO
    return mass_g / (volume_A3 * 1e-24)


def decompose_into_precursors(
    formula: str, precursors: Sequence[str] | None = None, *, tolerance: float = 1e-6
) -> dict[str, float]:
    """Moles of each precursor per formula unit, by non-negative least squares.

    Solves min ‖A n − b‖ with n ≥ 0, where A[e, i] is the amount of element e in
    precursor i and b[e] that in ``formula``. Candidates are ``precursors`` (names from
    :func:`precursor_prices`) or, by default, every table precursor made only of elements
    of ``formula``. Raises if the residual exceeds ``tolerance`` (relative), naming the
    elements no candidate supplies.

    >>> {k: round(v, 6) for k, v in decompose_into_precursors("Li2ZrCl6").items()}
    {'LiCl': 2.0, 'ZrCl4': 1.0}
    """
    import numpy as np
    from scipy.optimize import nnls

    table = precursor_prices()
    target = _composition(formula).get_el_amt_dict()
    if precursors is None:
        names = [
            n
            for n, p in table.items()
            if set(_composition(p.formula).get_el_amt_dict()) <= set(target)
        ]
    else:
        unknown = [n for n in precursors if n not in table]
        if unknown:
            raise InvalidParameterError(
                f"unknown precursor(s) {', '.join(unknown)}; known: {', '.join(table)}."
            )
        names = list(precursors)
    comps = {n: _composition(table[n].formula).get_el_amt_dict() for n in names}
    supplied = set().union(*comps.values()) if comps else set()
    missing = sorted(set(target) - supplied)
    if missing:
        among = (
            f"made only of its elements ({', '.join(sorted(target))}) "
            if precursors is None
            else "given "
        )
        raise InvalidParameterError(
            f"no precursor {among}supplies {', '.join(missing)} for {formula!r}; "
            "the cost needs a decomposition into known precursors (add one to "
            "precursor_prices.csv or choose another formula)."
        )
    elements = sorted(target)
    A = np.array([[comps[n].get(e, 0.0) for n in names] for e in elements], dtype=float)
    b = np.array([target[e] for e in elements], dtype=float)
    moles, residual = nnls(A, b)
    if residual > tolerance * float(np.linalg.norm(b)):
        raise InvalidParameterError(
            f"{formula!r} cannot be balanced from the precursors {', '.join(names)} "
            f"(element residual {residual:.3g}); give precursors whose elements add up to it."
        )
    return {n: float(m) for n, m in zip(names, moles, strict=True) if m > tolerance}


@dataclass(frozen=True)
class PrecursorShare(Recorded):
    """One precursor's part of a film: moles per formula unit, mass fraction, price, cost."""

    precursor: str
    formula: str
    moles_per_formula_unit: float
    mass_fraction: float
    price_usd_per_kg: float
    price_basis: str
    price_source: str
    cost_usd_per_m2: float

    _UNITS: ClassVar[dict[str, str]] = {
        "moles_per_formula_unit": "moles_per_formula_unit [mol/mol]",
        "mass_fraction": "1",
        "price_usd_per_kg": "price [USD/kg]",
        "cost_usd_per_m2": "cost_per_area [USD/m²]",
    }

    def _title(self) -> str:
        return f"precursor {self.precursor} ({self.formula})"


@dataclass(frozen=True)
class FilmCost(Recorded):
    """Raw-material cost of a film, with every input used."""

    formula: str
    thickness_um: float
    density_g_cm3: float
    density_basis: str
    density_source: str
    mass_per_m2_g: float
    precursors: tuple[PrecursorShare, ...]
    cost_usd_per_kg: float
    cost_usd_per_m2: float
    threshold_usd_per_m2: float
    below_threshold: bool
    review_cost_usd_per_m2: float | None

    _UNITS: ClassVar[dict[str, str]] = {
        "thickness_um": "thickness [µm]",
        "density_g_cm3": "density [g/cm³]",
        "mass_per_m2_g": "mass_per_area [g/m²]",
        "cost_usd_per_kg": "cost_per_mass [USD/kg]",
        "cost_usd_per_m2": "cost_per_area [USD/m²]",
        "threshold_usd_per_m2": "threshold [USD/m²]",
        "review_cost_usd_per_m2": "review_cost [USD/m²]",
    }

    def _title(self) -> str:
        return (
            f"raw-material cost of a {self.thickness_um:.4g} µm {self.formula} film: "
            f"{self.cost_usd_per_m2:.4g} USD/m²"
        )


def film_density(formula: str, density_g_cm3: float | None = None) -> FilmDensity:
    """The density a film cost uses, with its basis and source.

    ``density_g_cm3`` given → basis "given"; else the shipped ``data/film_densities.csv``
    row of the same reduced formula. Nothing else: the review dataset holds no densities,
    so any other formula raises and asks for one (a density is never guessed).
    """
    if density_g_cm3 is not None:
        rho = require_positive("density_g_cm3", density_g_cm3, quantity="density_g_cm3")
        return FilmDensity(formula, rho, "given", "user input")
    known = film_densities()
    found = known.get(_composition(formula).reduced_formula)
    if found is None:
        raise InvalidParameterError(
            f"no density known for {formula!r} (shipped densities: {', '.join(known)}); "
            "give it with density_g_cm3 (CLI: --density), e.g. from "
            "crystallographic_density()."
        )
    return found


def film_cost(
    formula: str,
    *,
    thickness_um: float = 50.0,
    density_g_cm3: float | None = None,
    prices: Mapping[str, float] | None = None,
    precursors: Sequence[str] | None = None,
    threshold_usd_per_m2: float = COST_THRESHOLD_USD_M2,
) -> FilmCost:
    """Raw-material cost of a ``thickness_um`` film of ``formula``, $ m⁻² (review §1.7).

    ``prices`` ($ kg⁻¹ by precursor name) override the table and must name precursors of
    this formula's decomposition (others raise, rather than being ignored);
    ``density_g_cm3`` overrides the shipped density (see :func:`film_density`). The
    review's value for the same formula, if any, is returned beside the computed one.

    >>> c = film_cost("Li2ZrCl6")
    >>> round(c.cost_usd_per_m2, 2), c.below_threshold
    (1.38, True)
    """
    t = require_positive("thickness_um", thickness_um, quantity="film_thickness_um")
    thr = require_positive("threshold_usd_per_m2", threshold_usd_per_m2)
    table = precursor_prices()
    overrides = dict(prices or {})
    unknown = [n for n in overrides if n not in table]
    if unknown:
        raise InvalidParameterError(
            f"unknown precursor(s) in prices: {', '.join(unknown)}; known: {', '.join(table)}."
        )
    for n, p in overrides.items():
        require_positive(f"prices[{n!r}]", p)
    density = film_density(formula, density_g_cm3)
    rho = density.density_g_cm3
    moles = decompose_into_precursors(formula, precursors)
    unused = [n for n in overrides if n not in moles]
    if unused:
        raise InvalidParameterError(
            f"prices given for {', '.join(unused)}, which {formula!r} is not made of "
            f"(its precursors: {', '.join(moles)}); drop them or price those instead."
        )
    masses = {n: m * float(_composition(table[n].formula).weight) for n, m in moles.items()}
    total_mass = sum(masses.values())
    mass_per_m2_g = rho * (t * 1e-4) * 1e4  # g cm⁻³ × cm × cm² m⁻²
    unpriced = [n for n in moles if n not in overrides and table[n].price_usd_per_kg is None]
    if unpriced:
        raise InvalidParameterError(
            f"no price for precursor(s) {', '.join(unpriced)} of {formula!r}; give them, "
            f"e.g. prices={{'{unpriced[0]}': 10.0}} (CLI: --price {unpriced[0]}=10)."
        )
    shares = []
    for n, m in moles.items():
        row = table[n]
        if n in overrides:
            price, basis, source = float(overrides[n]), "given", "user input"
        else:
            price, basis, source = float(row.price_usd_per_kg or 0.0), row.basis, row.source
        w = masses[n] / total_mass
        shares.append(
            PrecursorShare(
                precursor=n,
                formula=row.formula,
                moles_per_formula_unit=m,
                mass_fraction=w,
                price_usd_per_kg=price,
                price_basis=basis,
                price_source=source,
                cost_usd_per_m2=w * price * mass_per_m2_g * 1e-3,
            )
        )
    per_kg = sum(s.mass_fraction * s.price_usd_per_kg for s in shares)
    per_m2 = per_kg * mass_per_m2_g * 1e-3
    reduced = _composition(formula).reduced_formula
    review = REVIEW_FILM_COSTS_USD_M2.get(reduced) if math.isclose(t, 50.0) else None
    return FilmCost(
        formula=formula,
        thickness_um=t,
        density_g_cm3=rho,
        density_basis=density.basis,
        density_source=density.source,
        mass_per_m2_g=mass_per_m2_g,
        precursors=tuple(shares),
        cost_usd_per_kg=per_kg,
        cost_usd_per_m2=per_m2,
        threshold_usd_per_m2=thr,
        below_threshold=per_m2 <= thr,
        review_cost_usd_per_m2=review,
    )


def implied_precursor_price(
    formula: str,
    precursor: str,
    *,
    target_usd_per_m2: float,
    thickness_um: float = 50.0,
    density_g_cm3: float | None = None,
) -> float:
    """Price of ``precursor`` ($ kg⁻¹) that makes the film cost ``target_usd_per_m2``.

    The other precursors keep their table prices. This is how the table's "implied"
    ZrCl4 and YCl3 prices were obtained from the review's $1.38 and $23.05 m⁻²; with a
    different density the implied price changes in inverse proportion.
    """
    target = require_positive("target_usd_per_m2", target_usd_per_m2)
    base = film_cost(
        formula,
        thickness_um=thickness_um,
        density_g_cm3=density_g_cm3,
        prices={precursor: 1.0},
    )
    # film_cost has refused a precursor that is not in the decomposition
    share = next(s for s in base.precursors if s.precursor == precursor)
    rest = base.cost_usd_per_m2 - share.cost_usd_per_m2
    per_unit_price = share.cost_usd_per_m2  # cost per m² of this precursor at $1/kg
    price = (target - rest) / per_unit_price
    if price <= 0:
        raise InvalidParameterError(
            f"no positive price of {precursor!r} reaches ${target}/m² (the other precursors "
            f"already cost ${rest:.2f}/m²)."
        )
    return price
