"""Tables as pandas DataFrames: electrolytes, circuit fits, Arrhenius fits.

Column names carry their units (``"conductivity [mS/cm]"``, ``"Ea [eV]"``), as PyBaMM's
output keys do, so a DataFrame can be saved or plotted without a separate legend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ssbattery.electrolytes.dataset import Electrolyte
    from ssbattery.electrolytes.impedance import ArrheniusAnalysis, CircuitFit

__all__ = ["arrhenius_to_dataframe", "electrolytes_to_dataframe", "fit_to_dataframe"]

#: Every field of :class:`~ssbattery.electrolytes.dataset.Electrolyte` whose name carries
#: a unit, and its column name (the unit in brackets); the other fields keep their names.
_UNITS = {
    "conductivity_mS_cm": "conductivity [mS/cm]",
    "conductivity_low_mS_cm": "conductivity low [mS/cm]",
    "temperature_C": "temperature [°C]",
    "activation_energy_eV": "activation energy [eV]",
    "band_gap_eV": "band gap [eV]",
    "cbm_vs_vacuum_eV": "CBM vs vacuum [eV]",
    "electronic_conductivity_mS_cm": "electronic conductivity [mS/cm]",
    "cost_usd_per_m2_50um": "cost of a 50 µm film [USD/m²]",
}


def _column(name: str) -> str:
    return _UNITS.get(name, name)


def electrolytes_to_dataframe(rows: Iterable[Electrolyte]) -> pd.DataFrame:
    """One row per electrolyte, one column per field (units in the names, e.g.
    ``"conductivity [mS/cm]"``, ``"activation energy [eV]"``), indexed by the row's
    ``key`` (``"Li3InCl6 [solid-state]"``).

    >>> from ssbattery.electrolytes import query
    >>> df = electrolytes_to_dataframe(query(ion="Na"))
    >>> bool(df.loc[df["name"] == "NASICON", "conductivity [mS/cm]"].iloc[0] > 0)
    True
    """
    import pandas as pd

    records = [
        {"key": e.key, **{_column(f.name): getattr(e, f.name) for f in dataclasses.fields(e)}}
        for e in rows
    ]
    frame = pd.DataFrame.from_records(records)
    return frame.set_index("key") if "key" in frame.columns else frame


def fit_to_dataframe(fit: CircuitFit) -> pd.DataFrame:
    """The fitted parameters of an equivalent circuit: value, standard error, unit."""
    import pandas as pd

    return pd.DataFrame(
        [(p.name, p.value, p.stderr, p.unit) for p in fit.parameters],
        columns=["parameter", "value", "stderr", "unit"],
    ).set_index("parameter")


def arrhenius_to_dataframe(analysis: ArrheniusAnalysis) -> pd.DataFrame:
    """One row per contribution (bulk, grain boundary, total): Ea ± error, the prefactor
    and σ(25 °C), with the Arrhenius form in ``DataFrame.attrs``."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for part, f in analysis.fits.items():
        sigma, sigma_err = analysis.sigma_25C_s_cm.get(part, (float("nan"), float("nan")))
        rows.append(
            {
                "contribution": part,
                "Ea [eV]": f.Ea_eV,
                "Ea stderr [eV]": f.Ea_err_eV,
                "Ea [kJ/mol]": f.Ea_kJ_mol,
                "ln prefactor": f.ln_prefactor,
                "ln prefactor stderr": f.ln_prefactor_err,
                "σ(25 °C) [mS/cm]": 1e3 * sigma,
                "σ(25 °C) stderr [mS/cm]": 1e3 * sigma_err,
                "temperatures": len(f.temperatures_k),
            }
        )
    frame = pd.DataFrame(rows).set_index("contribution")
    frame.attrs.update(
        {"arrhenius_form": analysis.form, "circuit": analysis.circuit, "review": "§1.1"}
    )
    return frame
