"""The review's solid electrolytes as data: one cited row per electrolyte (and synthesis).

The rows live in ``electrolytes/data/review_electrolytes.csv`` (columns, units, vocabularies
and sources are documented in ``electrolytes/data/README.md``). Every number is quoted
from Gomes et al., J. Mater. Chem. A 2024, 12, 690 (§1–§2, Table 1, Fig. 2 caption) with
the review's reference number for it; what the review does not state is empty (``None``).

>>> lgps = find_electrolyte("LGPS")
>>> lgps.conductivity_mS_cm, lgps.conductivity_ref
(12.0, '[11]')
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssbattery.electrolytes.anions import CHEMICAL_CLASSES, chemical_class
from ssbattery.electrolytes.formula import is_symbolic, parse_formula
from ssbattery.errors import DataFormatError, InvalidParameterError, SsbatteryError

if TYPE_CHECKING:
    from pymatgen.core import Composition

__all__ = [
    "ELECTRONIC_CHARACTERS",
    "FAMILIES",
    "MOBILE_IONS",
    "Electrolyte",
    "find_electrolyte",
    "find_electrolytes",
    "load_review_dataset",
    "query",
    "read_dataset_csv",
    "read_text_file",
    "review_dataset_path",
    "write_dataset_csv",
]

#: Mobile ions the package covers.
MOBILE_IONS: tuple[str, ...] = ("Li", "Na", "K")

#: Structure families (the review's names, §1.2–§1.7; "" where the review gives none).
FAMILIES: tuple[str, ...] = (
    "LISICON",
    "thio-LISICON",
    "argyrodite",
    "garnet",
    "NASICON",
    "perovskite",
    "antiperovskite",
    "glass",
    "glass-ceramic",
    "halide-trigonal",
    "halide-monoclinic",
    "spinel",
    "inverse-spinel",
    "olivine",
    "Suzuki",
)

#: The review's band-gap judgement (§1.3): semiconductor Eg ≤ 3 eV, insulator Eg > 3 eV.
ELECTRONIC_CHARACTERS: tuple[str, ...] = ("metal", "semiconductor", "insulator")

_QUALIFIERS = ("", "~", "<", "range")


@dataclass(frozen=True)
class Electrolyte:
    """One solid electrolyte with the review's values (``None``/"" where none is given).

    Units are in the names: conductivities in mS cm⁻¹ at ``temperature_C`` (°C; "RT" is
    stored as 25 °C with ``conductivity_note`` saying "RT"), energies in eV, energies of
    the conduction-band minimum against the vacuum level (E = 0 for electrons at rest in
    vacuum). Each value has its own ``*_ref`` column with the review's reference number(s)
    ("[46]") or where in the review it comes from ("Table 1", "review DFT, Fig. 3").
    ``conductivity_qualifier`` is "" (as stated), "~" (approximately), "<" (an upper bound)
    or "range" (then ``conductivity_low_mS_cm`` … ``conductivity_mS_cm``).

    ``stable_vs_alkali_metal`` records only what the review's text states (Table 1's own
    column did not survive in the text); ``source`` says where the row comes from
    ("text", "table1", "fig2"; "obelix" for imported rows); ``dataset`` is "review" or
    "obelix", and imported rows keep their original family label in ``source_family``
    and the measurement's ``doi``. Columns, vocabularies and reading decisions:
    ``electrolytes/data/README.md``.
    """

    formula: str
    name: str = ""
    variant: str = ""
    x: float | None = None
    mobile_ion: str = ""
    chemical_class: str = ""
    family: str = ""
    crystal_system: str = ""
    space_group: str = ""
    structure_ref: str = ""
    conductivity_mS_cm: float | None = None
    conductivity_low_mS_cm: float | None = None
    conductivity_qualifier: str = ""
    temperature_C: float | None = None
    conductivity_note: str = ""
    conductivity_ref: str = ""
    activation_energy_eV: float | None = None
    activation_energy_ref: str = ""
    band_gap_eV: float | None = None
    band_gap_ref: str = ""
    cbm_vs_vacuum_eV: float | None = None
    cbm_ref: str = ""
    electronic_character: str = ""
    electronic_character_ref: str = ""
    electronic_conductivity_mS_cm: float | None = None
    electronic_conductivity_ref: str = ""
    ferroelectric: bool | None = None
    ferroelectric_ref: str = ""
    stable_vs_alkali_metal: bool | None = None
    stability: str = ""
    stability_ref: str = ""
    synthesis: str = ""
    cost_usd_per_m2_50um: float | None = None
    cost_ref: str = ""
    source: str = ""
    section: str = ""
    notes: str = ""
    notes_ref: str = ""
    dataset: str = "review"
    source_family: str = ""
    doi: str = ""

    @property
    def key(self) -> str:
        """Unique label: the formula, plus ``[variant]`` where one formula has several rows."""
        return f"{self.formula} [{self.variant}]" if self.variant else self.formula

    @property
    def references(self) -> str:
        """The review's reference numbers behind this row's values, e.g. ``"[22]; [23]"``."""
        seen: list[str] = []
        for name in _REF_FIELDS:
            for part in str(getattr(self, name)).split(";"):
                part = part.strip()
                if part and part not in seen:
                    seen.append(part)
        return "; ".join(seen)

    def conductivity_text(self, spec: str = ".3g") -> str:
        """The ionic conductivity as the review states it, mS cm⁻¹, without units.

        ``"~1.13"``, ``"<0.001"``, ``"0.3–0.5"`` (a range) or ``""`` when none is given;
        ``spec`` formats each number.

        >>> find_electrolyte("LLZO").conductivity_text()
        '0.3–0.5'
        """
        high, low = self.conductivity_mS_cm, self.conductivity_low_mS_cm
        if high is None:
            return ""
        if self.conductivity_qualifier == "range" and low is not None:
            return f"{low:{spec}}–{high:{spec}}"
        return f"{self.conductivity_qualifier}{high:{spec}}"

    def composition(self, *, x: float | None = None) -> Composition:
        """The formula as a pymatgen ``Composition`` (``x`` overrides the row's ``x``)."""
        return parse_formula(self.formula, x=self.x if x is None else x)

    def to_dict(self) -> dict[str, Any]:
        """All fields plus ``key`` and ``references`` (JSON-ready: floats, bools, None)."""
        out: dict[str, Any] = {"key": self.key}
        out.update(dataclasses.asdict(self))
        out["references"] = self.references
        return out


_REF_FIELDS = tuple(f.name for f in dataclasses.fields(Electrolyte) if f.name.endswith("_ref"))
_FLOAT_FIELDS = tuple(
    f.name for f in dataclasses.fields(Electrolyte) if f.type in ("float | None", float)
)
_BOOL_FIELDS = ("ferroelectric", "stable_vs_alkali_metal")
_VALUE_REFS = {
    "conductivity_mS_cm": "conductivity_ref",
    "activation_energy_eV": "activation_energy_ref",
    "band_gap_eV": "band_gap_ref",
    "cbm_vs_vacuum_eV": "cbm_ref",
    "electronic_conductivity_mS_cm": "electronic_conductivity_ref",
    "cost_usd_per_m2_50um": "cost_ref",
    "ferroelectric": "ferroelectric_ref",
    "electronic_character": "electronic_character_ref",
    "crystal_system": "structure_ref",
    "space_group": "structure_ref",
    "family": "structure_ref",
    "stable_vs_alkali_metal": "stability_ref",
    "stability": "stability_ref",
}


def review_dataset_path() -> Path:
    """Path of the shipped CSV of the review's electrolytes."""
    return Path(str(resources.files("ssbattery.electrolytes") / "data/review_electrolytes.csv"))


def _parse_bool(text: str, where: str) -> bool | None:
    value = text.strip().lower()
    if value in ("", "unknown"):
        return None
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise DataFormatError(f"{where}: expected yes/no or empty, got {text!r}.")


def _parse_float(text: str, where: str) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise DataFormatError(f"{where}: expected a number or empty, got {text!r}.") from None
    if not math.isfinite(number):
        raise DataFormatError(f"{where}: expected a finite number, got {text!r}.")
    return number


def _row_to_electrolyte(row: Mapping[str, str], where: str) -> Electrolyte:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Electrolyte):
        if f.name not in row or row[f.name] is None:
            continue
        text = row[f.name]
        cell = f"{where}, column {f.name!r}"
        if f.name in _BOOL_FIELDS:
            values[f.name] = _parse_bool(text, cell)
        elif f.name in _FLOAT_FIELDS:
            values[f.name] = _parse_float(text, cell)
        else:
            values[f.name] = text.strip()
    if not values.get("formula"):
        raise DataFormatError(f"{where}: the formula is empty.")
    electrolyte = Electrolyte(**values)
    _check_row(electrolyte, where)
    return electrolyte


def _check_row(e: Electrolyte, where: str) -> None:
    """Vocabularies, units and references of one row (raise DataFormatError)."""
    if e.mobile_ion not in MOBILE_IONS:
        raise DataFormatError(f"{where}: mobile_ion {e.mobile_ion!r} not in {MOBILE_IONS}.")
    if e.dataset == "review":
        if e.chemical_class not in CHEMICAL_CLASSES:
            raise DataFormatError(
                f"{where}: chemical_class {e.chemical_class!r} not in {CHEMICAL_CLASSES}."
            )
        _check_class(e, where)
        if e.family and e.family not in FAMILIES:
            raise DataFormatError(f"{where}: family {e.family!r} not in {FAMILIES}.")
    if e.electronic_character and e.electronic_character not in ELECTRONIC_CHARACTERS:
        raise DataFormatError(
            f"{where}: electronic_character {e.electronic_character!r} not in "
            f"{ELECTRONIC_CHARACTERS}."
        )
    if e.conductivity_qualifier not in _QUALIFIERS:
        raise DataFormatError(
            f"{where}: conductivity_qualifier {e.conductivity_qualifier!r} not in {_QUALIFIERS}."
        )
    for name in ("conductivity_mS_cm", "conductivity_low_mS_cm", "electronic_conductivity_mS_cm"):
        value = getattr(e, name)
        if value is not None and not 0 < value < 1e4:
            raise DataFormatError(f"{where}: {name} = {value} mS/cm is outside (0, 1e4).")
    if e.temperature_C is not None and not -273.15 < e.temperature_C < 2000:
        raise DataFormatError(f"{where}: temperature_C = {e.temperature_C} °C is not physical.")
    if (e.conductivity_qualifier == "range") != (e.conductivity_low_mS_cm is not None):
        raise DataFormatError(
            f"{where}: conductivity_low_mS_cm is given exactly when the qualifier is 'range'."
        )
    if e.dataset == "review":
        for value_name, ref_name in _VALUE_REFS.items():
            value = getattr(e, value_name)
            if value not in (None, "") and not getattr(e, ref_name):
                raise DataFormatError(f"{where}: {value_name} has no {ref_name}.")


def _check_class(e: Electrolyte, where: str) -> None:
    """The ``chemical_class`` column must be what :func:`chemical_class` says of the formula.

    Rows whose formula is symbolic in x without a value of x are not checked here (the
    class cannot depend on x for the review's rows; the tests check them at a sample x).
    """
    if is_symbolic(e.formula) and e.x is None:
        return
    try:
        computed = chemical_class(e.composition()).label
    except SsbatteryError as exc:
        raise DataFormatError(f"{where}: {exc}") from None
    if computed != e.chemical_class:
        raise DataFormatError(
            f"{where}: chemical_class {e.chemical_class!r} but the composition of "
            f"{e.formula} gives {computed!r} (ssbattery.electrolytes.anions.chemical_class); "
            "write the computed class."
        )


def read_text_file(path: Path, name: str, what: str) -> str:
    """The UTF-8 text of ``path`` (a byte-order mark allowed), or one
    :class:`DataFormatError` naming it as ``name`` for a missing file, a folder, a file that
    is not UTF-8 text or cannot be read; ``what`` says what the file should be
    ("a text file with one formula per line")."""
    if path.is_dir():
        raise DataFormatError(f"{name} is a folder; give {what} inside it.")
    if not path.is_file():
        raise DataFormatError(f"{name}: no such file; give {what}.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from None
    except OSError as exc:
        raise DataFormatError(f"{name}: cannot be read ({exc.strerror}).") from None


def read_dataset_csv(path: str | Path) -> tuple[Electrolyte, ...]:
    """Read a CSV in the review dataset's format (see ``data/README.md``) and check it.

    Raises :class:`DataFormatError` for a missing or unreadable file, a folder, a file that
    is not UTF-8, unknown columns and bad rows.
    """
    path = Path(path)
    text = read_text_file(path, str(path), "a CSV file in the review dataset's format")
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "formula" not in reader.fieldnames:
            raise DataFormatError(f"{path}: missing header with a 'formula' column.")
        known = {f.name for f in dataclasses.fields(Electrolyte)}
        unknown = [c for c in reader.fieldnames if c not in known]
        if unknown:
            raise DataFormatError(f"{path}: unknown columns {unknown}; see data/README.md.")
        rows = tuple(
            _row_to_electrolyte(row, f"{path.name} line {reader.line_num}") for row in reader
        )
    keys = [r.key for r in rows]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise DataFormatError(f"{path}: duplicated rows {duplicated}; give each a variant.")
    return rows


def write_dataset_csv(rows: Iterable[Electrolyte], path: str | Path) -> Path:
    """Write rows in the review dataset's CSV format (read back by :func:`read_dataset_csv`).

    Booleans are written yes/no, ``None`` as an empty cell, floats with ``repr`` so that
    the round trip is exact. Columns: every :class:`Electrolyte` field. The path is checked
    first (:func:`~ssbattery.io.check_output_path`: a ``.csv`` file in an existing, writable
    folder; an existing file is replaced atomically).
    """
    from ssbattery.io import CSV_SUFFIXES, atomic_write, check_output_path

    path = check_output_path(path, suffixes=CSV_SUFFIXES)
    names = [f.name for f in dataclasses.fields(Electrolyte)]

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return repr(value)
        return str(value)

    with atomic_write(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([cell(getattr(row, name)) for name in names])
    return path


@functools.cache
def load_review_dataset() -> tuple[Electrolyte, ...]:
    """Every electrolyte the review gives a number or a judgement for (cached)."""
    return read_dataset_csv(review_dataset_path())


def _canonical(text: str) -> str:
    return text.replace("\u2212", "-").replace("\u2013", "-").replace(" ", "").replace("\u00a0", "")


def _lower_variant(text: str) -> str:
    """``text`` with its trailing ``[variant]`` lower-cased (canonical text, no spaces)."""
    head, bracket, variant = text.partition("[")
    return head + bracket + variant.lower() if bracket else text


def _choose(value: str | None, valid: Iterable[str], argument: str) -> str | None:
    if value is None:
        return None
    options = tuple(valid)
    for option in options:
        if value.lower() == option.lower():
            return option
    raise InvalidParameterError(f"`{argument}` must be one of {', '.join(options)}; got {value!r}.")


def _rows_for(dataset: str) -> tuple[Electrolyte, ...]:
    if dataset == "review":
        return load_review_dataset()
    from ssbattery.electrolytes.obelix import load_obelix

    if dataset == "obelix":
        return load_obelix()
    if dataset == "all":
        return load_review_dataset() + load_obelix()
    raise InvalidParameterError(f"`dataset` must be one of review, obelix, all; got {dataset!r}.")


def query(
    *,
    ion: str | None = None,
    chemical_class: str | None = None,
    family: str | None = None,
    min_conductivity_mS_cm: float | None = None,
    dataset: str = "review",
) -> tuple[Electrolyte, ...]:
    """Rows matching every filter given (case-insensitive names).

    ``min_conductivity_mS_cm`` keeps rows whose stated conductivity (mS cm⁻¹, any
    temperature) can reach that value: a value or a range's upper end ≥ it, an upper bound
    ("<0.01") above it (σ < 0.01 never reaches 0.01); rows without a conductivity are
    dropped then.
    ``dataset`` is "review" (default), "obelix" or "all". Unknown names raise
    :class:`InvalidParameterError` listing the valid values.
    """
    rows = _rows_for(dataset)
    ion_ = _choose(ion, MOBILE_IONS, "ion")
    class_ = _choose(chemical_class, CHEMICAL_CLASSES, "chemical_class")
    family_ = _choose(family, FAMILIES, "family")
    if min_conductivity_mS_cm is not None:
        try:
            threshold = float(min_conductivity_mS_cm)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"`min_conductivity_mS_cm` must be a number, got {min_conductivity_mS_cm!r}."
            ) from None
        if not math.isfinite(threshold) or threshold < 0:
            raise InvalidParameterError(
                f"`min_conductivity_mS_cm` must be a finite number ≥ 0, got {threshold!r}."
            )
    out = []
    for row in rows:
        if ion_ is not None and row.mobile_ion != ion_:
            continue
        if class_ is not None and row.chemical_class != class_:
            continue
        if family_ is not None and row.family != family_:
            continue
        if min_conductivity_mS_cm is not None and (
            row.conductivity_mS_cm is None
            or row.conductivity_mS_cm < threshold
            or (row.conductivity_qualifier == "<" and row.conductivity_mS_cm <= threshold)
        ):
            continue
        out.append(row)
    return tuple(out)


def _match(
    rows: tuple[Electrolyte, ...], formula_or_name: str, *, fractional: bool
) -> tuple[Electrolyte, ...]:
    text = _canonical(formula_or_name)
    for test in (
        lambda r: _canonical(r.formula) == text,
        lambda r: _canonical(r.key) == text,
        # the variant in brackets is a word ("[Glass]" is "[glass]"); the formula keeps case
        lambda r: (
            bool(r.variant)
            and _canonical(r.formula) + f"[{_canonical(r.variant).lower()}]" == _lower_variant(text)
        ),
        lambda r: bool(r.name) and r.name.lower() == text.lower(),
    ):
        found = tuple(r for r in rows if test(r))
        if found:
            return found
    try:
        target = parse_formula(formula_or_name)
    except SsbatteryError:
        return ()
    if fractional:
        target = target.fractional_composition
    found_list = []
    for row in rows:
        if is_symbolic(row.formula) and row.x is None:
            continue
        try:
            comp = row.composition()
        except SsbatteryError:
            continue
        if fractional:
            comp = comp.fractional_composition
        if comp.almost_equals(target, rtol=1e-4, atol=1e-6):
            found_list.append(row)
    return tuple(found_list)


def find_electrolytes(formula_or_name: str, *, dataset: str = "review") -> tuple[Electrolyte, ...]:
    """Every row whose formula, key, name or composition matches (file order).

    Matching tries, in order: the formula as written (Unicode minus and spaces ignored;
    every row of that formula), the key (``"Li3InCl6 [solid-state]"``), the short name
    case-insensitively (``"llzo"``), then the composition (``"Na3Zr2PSi2O12"`` finds
    ``Na3Zr2Si2PO12``). ``dataset`` is "review" (default), "obelix" or "all" (the review's
    rows first); OBELiX rows match on the reduced composition (``Li3ClO`` = ``Li3OCl``).
    """
    if not isinstance(formula_or_name, str) or not formula_or_name.strip():
        raise InvalidParameterError(
            f"`formula_or_name` must be a non-empty string, got {formula_or_name!r}."
        )
    found: tuple[Electrolyte, ...] = ()
    if dataset in ("review", "all"):
        found += _match(load_review_dataset(), formula_or_name, fractional=False)
    if dataset in ("obelix", "all"):
        found += _match(_rows_for("obelix"), formula_or_name, fractional=True)
    if dataset not in ("review", "obelix", "all"):
        raise InvalidParameterError(
            f"`dataset` must be one of review, obelix, all; got {dataset!r}."
        )
    return found


def find_electrolyte(formula_or_name: str, *, dataset: str = "review") -> Electrolyte:
    """The review's row for a formula, key or short name (the first, headline row).

    Where the review gives one formula several values (e.g. Li3InCl6 by solid-state and
    by water-mediated synthesis), the first row in the file is returned — the value
    plotted in Fig. 2; :func:`find_electrolytes` returns them all. ``dataset`` as in
    :func:`find_electrolytes`. Raises :class:`InvalidParameterError` listing close matches
    when nothing matches.
    """
    found = find_electrolytes(formula_or_name, dataset=dataset)
    if found:
        return found[0]
    rows = _rows_for(dataset)
    labels = sorted(
        {r.key for r in rows} | {r.formula for r in rows} | {r.name for r in rows if r.name}
    )
    close = difflib.get_close_matches(_canonical(formula_or_name), labels, n=5, cutoff=0.5)
    hint = f" Close matches: {', '.join(close)}." if close else ""
    where = "review dataset" if dataset == "review" else f"{dataset} dataset"
    raise InvalidParameterError(
        f"`{formula_or_name}` is not in the {where} ({len(rows)} rows).{hint} "
        "`ssbattery electrolytes list` shows them all."
    )
