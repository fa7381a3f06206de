"""Electrochemical-potential alignment across anode / electrolyte / cathode (review eq. 1, Fig. 1).

Conventions (those of the review, §1.1 and the caption of Fig. 4):

* Every chemical potential μ is an electron energy in eV measured from E0 = 0, the energy of
  an electron at rest in vacuum at the material's surface; bound electrons have μ < 0.
* Eq. 1 at equilibrium, μ̄_j − μ̄_i = 0 = μ_j − μ_i + z e (φ_j − φ_i), gives the interface
  (double-layer) potential ``e ΔV_ij = μ_j − μ_i`` for the mobile charge z = +1.
* The anode (negative electrode) has the higher chemical potential: μ_C ≤ μ_A "per definition
  of the cathode and anode" (§1.1). A cathode with μ_C > μ_A is refused.
* For an electrically insulated (intrinsic) electrolyte the chemical potential sits mid-gap,
  μ_E = E_C − E_g/2 (Fig. 1 caption and the note of Fig. 3: E_g = 2 (E_C − μ_E)).

The two double layers are reported as magnitudes ΔV_AE = |μ_A − μ_E|/e and
ΔV_EC = |μ_E − μ_C|/e, as the review writes them:

* μ_C ≤ μ_E ≤ μ_A (Fig. 1a, b): ΔV = ΔV_AE + ΔV_EC.
* μ_E < μ_C ≤ μ_A (Fig. 1c, the cathode's μ has passed the electrolyte's): ΔV = ΔV_AE − ΔV_EC;
  both electrolyte surfaces are charged positively.
* μ_C ≤ μ_A < μ_E (electrolyte above both electrodes): ΔV = ΔV_EC − ΔV_AE.

In every case ΔV = (μ_A − μ_C)/e, and ΔV = 0 exactly when ΔV_AE = ΔV_EC (μ_C = μ_A). The
electrolyte forms a quantum *well* between the electrodes unless μ_E > μ_A, when "the quantum
well in Fig. 1 becomes a quantum barrier" (§1.1). An electrolyte whose conduction-band
minimum lies below the anode's μ lets electrons drift from the anode into its conduction band
(§1.3: why Li6PS5Cl is not expected to be stable against Li⁰, Fig. 4).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import require_finite, require_positive

__all__ = [
    "ELECTRODES",
    "ELECTROLYTE_LEVELS",
    "Alignment",
    "Electrode",
    "ElectrolyteLevels",
    "align",
    "align_materials",
    "find_electrode",
    "find_electrolyte_levels",
]


@dataclass(frozen=True)
class Electrode:
    """An electrode metal: its chemical potential vs vacuum (eV) and where the value comes from."""

    name: str
    mu_eV: float
    source: str


@dataclass(frozen=True)
class ElectrolyteLevels:
    """Band positions of an electrolyte vs vacuum (eV): gap and conduction-band minimum."""

    name: str
    band_gap_eV: float
    cbm_eV: float
    source: str

    @property
    def vbm_eV(self) -> float:
        """Valence-band maximum E_V = E_C − E_g (eV)."""
        return self.cbm_eV - self.band_gap_eV

    @property
    def mu_eV(self) -> float:
        """Intrinsic (mid-gap) chemical potential μ_E = E_C − E_g/2 (eV), Fig. 1 caption."""
        return self.cbm_eV - self.band_gap_eV / 2.0


_REVIEW = "Gomes et al., J. Mater. Chem. A 12, 690 (2024)"


def _electrodes() -> MappingProxyType[str, Electrode]:
    """The metals of :data:`ssbattery.electrolytes.screening.METAL_CHEMICAL_POTENTIALS`
    (one table for ``align`` and ``electrolytes classify``), each with its source."""
    from ssbattery.electrolytes.screening import METAL_CHEMICAL_POTENTIALS

    return MappingProxyType(
        {
            k: Electrode(
                m.symbol, m.mu_eV, f"{_REVIEW if m.from_review else 'ssbattery'}: {m.reference}"
            )
            for k, m in METAL_CHEMICAL_POTENTIALS.items()
        }
    )


#: Electrode chemical potentials vs vacuum (eV): Li −1.39, Na −1.73, Cu −4.6 from the
#: review; K −1.50 ours (μ(Li⁰) shifted by the standard-potential difference).
ELECTRODES: MappingProxyType[str, Electrode] = _electrodes()

#: Electrolyte band positions from the review's text (used when the dataset lacks them).
#: The Li6PS5Cl entry is marked illustrative: the review gives its levels only in Fig. 3.
ELECTROLYTE_LEVELS: MappingProxyType[str, ElectrolyteLevels] = MappingProxyType(
    {
        "Na3YCl6": ElectrolyteLevels(
            "Na3YCl6", 5.2, -0.11, f"{_REVIEW}: E_g = 5.2 eV, E_C = −0.11 eV (lines 1624-1628)"
        ),
        "Li6PS5Cl": ElectrolyteLevels(
            "Li6PS5Cl",
            3.0,
            -2.23,
            "illustrative, not a computed value: E_C = midpoint of the −2.73…−1.73 eV range the "
            "review says agrees with LPSCl (seed lines 1081-1086); E_g = 3.0 eV, the upper "
            "bound of the review's semiconductor class that includes LPSCl "
            "(lines 638-639, 2664-2668)",
        ),
        "Na2Y2/3Cl4": ElectrolyteLevels(
            "Na2Y2/3Cl4",
            3.17,
            -0.68,
            f"{_REVIEW}: gap from −3.85 to −0.68 eV, E_g = 3.17 eV (lines 1641-1644)",
        ),
    }
)


def find_electrode(name: str, *, role: str = "electrode") -> Electrode:
    """Look an electrode up by symbol (``"Li"``, ``"Na"``, ``"Cu"``); case-insensitive.

    ``role`` ("anode", "cathode") names the argument in the error for an unknown metal,
    which points to ``mu_<role>`` (its chemical potential in eV) instead.
    """
    for key, value in ELECTRODES.items():
        if key.lower() == str(name).strip().lower():
            return value
    instead = f" (`mu_{role}`)" if role in ("anode", "cathode") else ""
    raise InvalidParameterError(
        f"`{role}` {name!r} is not in the table; known: {', '.join(ELECTRODES)}. "
        f"Give its chemical potential vs vacuum in eV instead{instead}."
    )


def find_electrolyte_levels(name: str) -> ElectrolyteLevels:
    """Band gap and CBM of an electrolyte: the package's dataset first, then the review's text.

    Uses ``ssbattery.electrolytes.dataset.find_electrolyte`` when that module exists and the
    entry has both ``band_gap_eV`` and ``cbm_vs_vacuum_eV``; otherwise the small table
    :data:`ELECTROLYTE_LEVELS` of numbers stated in the review's text.
    """
    key = str(name).strip()
    try:
        dataset = importlib.import_module("ssbattery.electrolytes.dataset")
    except ImportError:
        dataset = None
    if dataset is not None and hasattr(dataset, "find_electrolyte"):
        try:
            entry = dataset.find_electrolyte(key)
        except (LookupError, ValueError):
            entry = None
        if entry is not None:
            gap = getattr(entry, "band_gap_eV", None)
            cbm = getattr(entry, "cbm_vs_vacuum_eV", None)
            if gap is not None and cbm is not None and _is_number(gap) and _is_number(cbm):
                label = getattr(entry, "formula", None) or getattr(entry, "name", None) or key
                return ElectrolyteLevels(
                    str(label), float(gap), float(cbm), "ssbattery.electrolytes.dataset"
                )
    for k, value in ELECTROLYTE_LEVELS.items():
        if k.lower() == key.lower():
            return value
    raise InvalidParameterError(
        f"`electrolyte` {name!r} has no band gap / CBM in the dataset or the review's text; "
        "give them explicitly (--band-gap and --cbm, in eV)."
    )


def _is_number(x: object) -> bool:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return v == v and abs(v) != float("inf")


@dataclass(frozen=True)
class Alignment(Recorded):
    """The result of aligning three chemical potentials (all energies in eV, voltages in V).

    ``dV_AE`` and ``dV_EC`` are the magnitudes of the two interface double-layer potentials;
    ``formula`` says how the review combines them into ``cell_voltage`` (Fig. 1).
    """

    mu_anode_eV: float
    mu_electrolyte_eV: float
    mu_cathode_eV: float
    dV_AE: float
    dV_EC: float
    cell_voltage: float
    formula: str
    ordering: str
    profile: str
    electrolyte_surface_charge: tuple[str, str]
    voltage_zero: bool
    band_gap_eV: float | None = None
    cbm_eV: float | None = None
    electron_drift_from_anode: bool | None = None

    _UNITS: ClassVar[dict[str, str]] = {
        "mu_anode_eV": "mu_anode [eV]",
        "mu_electrolyte_eV": "mu_electrolyte [eV]",
        "mu_cathode_eV": "mu_cathode [eV]",
        "dV_AE": "V",
        "dV_EC": "V",
        "cell_voltage": "V",
        "band_gap_eV": "band_gap [eV]",
        "cbm_eV": "cbm [eV]",
    }

    def _title(self) -> str:
        return f"alignment (eq. 1): cell voltage {self.cell_voltage:.4g} V = {self.formula}"

    @property
    def vbm_eV(self) -> float | None:
        """Valence-band maximum (eV) when the band gap and CBM are known."""
        if self.band_gap_eV is None or self.cbm_eV is None:
            return None
        return self.cbm_eV - self.band_gap_eV


def _surface_sign(mu_electrode: float, mu_electrolyte: float) -> str:
    # Review Fig. 1: the electrolyte surface facing the electrode with the higher μ is positive
    # (Fig. 1a: field points to the cathode; Fig. 1c: both surfaces positive).
    if mu_electrode > mu_electrolyte:
        return "+"
    if mu_electrode < mu_electrolyte:
        return "-"
    return "0"


def align(
    mu_anode_eV: float,
    mu_cathode_eV: float,
    *,
    mu_electrolyte_eV: float | None = None,
    band_gap_eV: float | None = None,
    cbm_eV: float | None = None,
    tolerance_eV: float = 1e-9,
) -> Alignment:
    """Interface potentials and cell voltage from eq. 1 (see the module docstring for signs).

    Give the electrolyte's chemical potential directly, or its band gap and conduction-band
    minimum (then μ_E = E_C − E_g/2). Raises :class:`InvalidParameterError` when μ_C > μ_A
    (the cathode must have the lower chemical potential), for a negative band gap, or when
    the electrolyte is under-specified.

    >>> a = align(-1.39, -4.6, mu_electrolyte_eV=-3.0)
    >>> round(a.cell_voltage, 2), a.formula
    (3.21, 'ΔV_AE + ΔV_EC')
    """
    mu_a = require_finite("mu_anode_eV", mu_anode_eV)
    mu_c = require_finite("mu_cathode_eV", mu_cathode_eV)
    gap = (
        None
        if band_gap_eV is None
        else require_positive("band_gap_eV", band_gap_eV, allow_zero=True)
    )
    cbm = None if cbm_eV is None else require_finite("cbm_eV", cbm_eV)
    tol = require_positive("tolerance_eV", tolerance_eV, allow_zero=True)
    if mu_electrolyte_eV is None:
        if gap is None or cbm is None:
            raise InvalidParameterError(
                "the electrolyte is under-specified: give `mu_electrolyte_eV`, or both "
                "`band_gap_eV` and `cbm_eV` (μ_E = E_C − E_g/2)."
            )
        mu_e = cbm - gap / 2.0
    else:
        mu_e = require_finite("mu_electrolyte_eV", mu_electrolyte_eV)
        if gap is not None and cbm is not None and not (cbm - gap - tol <= mu_e <= cbm + tol):
            raise InvalidParameterError(
                f"`mu_electrolyte_eV` = {mu_e} eV lies outside the gap [{cbm - gap}, {cbm}] eV "
                "given by `cbm_eV` and `band_gap_eV`; check the signs (energies vs vacuum < 0)."
            )
    if mu_c > mu_a + tol:
        raise InvalidParameterError(
            f"the cathode's chemical potential ({mu_c} eV) is above the anode's ({mu_a} eV); "
            "by definition μ_C ≤ μ_A (review §1.1): swap the electrodes."
        )
    v_ae = mu_a - mu_e  # signed, volts for z = +1
    v_ec = mu_e - mu_c
    d_ae, d_ec = abs(v_ae), abs(v_ec)
    if v_ae >= -tol and v_ec >= -tol:
        formula, ordering = "ΔV_AE + ΔV_EC", "μC ≤ μE ≤ μA"
        cell = d_ae + d_ec
    elif v_ec < 0:
        formula, ordering = "ΔV_AE − ΔV_EC", "μE < μC ≤ μA"
        cell = d_ae - d_ec
    else:
        formula, ordering = "ΔV_EC − ΔV_AE", "μC ≤ μA < μE"
        cell = d_ec - d_ae
    profile = "barrier" if mu_e > mu_a + tol else "well"
    drift = None if cbm is None else bool(mu_a > cbm)
    return Alignment(
        mu_anode_eV=mu_a,
        mu_electrolyte_eV=mu_e,
        mu_cathode_eV=mu_c,
        dV_AE=d_ae,
        dV_EC=d_ec,
        cell_voltage=cell,
        formula=formula,
        ordering=ordering,
        profile=profile,
        electrolyte_surface_charge=(_surface_sign(mu_a, mu_e), _surface_sign(mu_c, mu_e)),
        voltage_zero=bool(abs(cell) <= tol),
        band_gap_eV=gap,
        cbm_eV=cbm,
        electron_drift_from_anode=drift,
    )


def align_materials(
    anode: str,
    electrolyte: str,
    cathode: str,
) -> Alignment:
    """:func:`align` for named materials (electrodes from :data:`ELECTRODES`, electrolyte bands
    from the dataset or :data:`ELECTROLYTE_LEVELS`).

    >>> round(align_materials("Na", "Na3YCl6", "Cu").cell_voltage, 2)
    2.87
    """
    a = find_electrode(anode, role="anode")
    c = find_electrode(cathode, role="cathode")
    if c.mu_eV > a.mu_eV:
        raise InvalidParameterError(
            f"cathode {c.name} (μ = {c.mu_eV} eV) has a higher chemical potential than anode "
            f"{a.name} (μ = {a.mu_eV} eV); by definition μ_C ≤ μ_A (review §1.1): swap them."
        )
    levels = find_electrolyte_levels(electrolyte)
    return align(a.mu_eV, c.mu_eV, band_gap_eV=levels.band_gap_eV, cbm_eV=levels.cbm_eV)
