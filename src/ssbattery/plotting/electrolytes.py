"""Charts of the electrolytes screening part (review §1, Figs. 2–3, §1.1 and §1.7).

One function per chart; each takes plain sequences (so it works on the review's dataset,
OBELiX or the user's own numbers), draws on ``ax`` (a new figure if None) and returns the
axes. matplotlib is imported inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ssbattery.errors import InvalidParameterError
from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ION_COLOURS",
    "METAL_COLOURS",
    "STATUS_CODES",
    "plot_band_alignment",
    "plot_band_gap_classes",
    "plot_conductivity_chart",
    "plot_film_cost",
    "plot_lic6_capacity",
    "plot_scorecard_matrix",
]

#: Colour per mobile ion (every electrolytes chart uses these).
ION_COLOURS: dict[str, str] = {"Li": "tab:blue", "Na": "tab:orange", "K": "tab:purple"}

#: Colour per metal of the band-alignment chart: the ions' colours and Cu.
METAL_COLOURS: dict[str, str] = {**ION_COLOURS, "Cu": "tab:brown"}

#: Numeric code of each scorecard status in :func:`plot_scorecard_matrix`.
STATUS_CODES: dict[str, int] = {"not met": 0, "unknown": 1, "met": 2}


def plot_conductivity_chart(
    labels: Sequence[str],
    conductivity_mS_cm: Sequence[float],
    ions: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of ionic conductivity (mS cm⁻¹, log scale), coloured by ion (Fig. 2).

    Bars are drawn in the given order, top to bottom; ``groups`` (e.g. the chemical
    class) is appended to each label. One bar container per ion, in ``ax.containers``.
    """
    import numpy as np

    n = len(labels)
    if not (len(conductivity_mS_cm) == len(ions) == n):
        raise InvalidParameterError(
            f"`labels`, `conductivity_mS_cm` and `ions` must have the same length, got "
            f"{n}, {len(conductivity_mS_cm)} and {len(ions)}."
        )
    ax = new_axes(ax, (7.5, max(3.0, 0.28 * n + 1.0)))
    y = np.arange(n)[::-1]
    values = np.asarray(conductivity_mS_cm, dtype=float)
    for ion in dict.fromkeys(ions):
        idx = [i for i in range(n) if ions[i] == ion]
        ax.barh(
            y[idx],
            values[idx],
            color=ION_COLOURS.get(ion, "tab:gray"),
            label=f"{ion}⁺",
        )
    text = [f"{lab} ({groups[i]})" if groups else lab for i, lab in enumerate(labels)]
    ax.set_yticks(y, text, fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("Ionic conductivity σ [mS cm⁻¹]")
    ax.set_title("Ionic conductivities (review Fig. 2 list and text)")
    ax.axvline(1.0, color="k", lw=0.8, ls=":", label="1 mS cm⁻¹")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return ax


def plot_band_gap_classes(
    labels: Sequence[str],
    band_gaps_eV: Sequence[float],
    *,
    semiconductor_max_eV: float = 3.0,
    ax: Axes | None = None,
) -> Axes:
    """Band gaps (eV) as bars with the review's 3 eV semiconductor/insulator line (Fig. 3b).

    Bars are green for semiconductors (0 < Eg ≤ 3 eV), grey for insulators, black for
    metals; the red line at 3 eV is ``ax.lines[0]``.
    """
    import numpy as np

    gaps = np.asarray(band_gaps_eV, dtype=float)
    ax = new_axes(ax, (max(4.0, 0.55 * len(labels) + 1.5), 4.0))
    colours = [
        "k" if g == 0 else ("tab:green" if g <= semiconductor_max_eV else "tab:gray") for g in gaps
    ]
    x = np.arange(len(labels))
    ax.axhline(semiconductor_max_eV, color="red", lw=1.5, label="3 eV: semiconductor | insulator")
    ax.bar(x, gaps, color=colours)
    ax.set_xticks(x, list(labels), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("Band gap Eg [eV]")
    ax.set_title("Band gaps and the review's classes (Fig. 3b)")
    ax.legend(fontsize=8)
    return ax


def plot_band_alignment(
    labels: Sequence[str],
    cbm_eV: Sequence[float],
    band_gaps_eV: Sequence[float | None],
    metal_potentials_eV: Mapping[str, float],
    *,
    ax: Axes | None = None,
) -> Axes:
    """CBM and mid-gap μ_E = E_c − Eg/2 per electrolyte against μ of the metals (Fig. 3a).

    ``ax.lines[:len(metal_potentials_eV)]`` are the metals' horizontal lines (in the order
    given); the CBMs are the first scatter collection, μ_E the second (only where Eg is
    known).
    """
    import numpy as np

    n = len(labels)
    ax = new_axes(ax, (max(4.5, 0.6 * n + 2.0), 4.5))
    for metal, mu in metal_potentials_eV.items():
        ax.axhline(
            mu, color=METAL_COLOURS.get(metal, "k"), lw=1.2, ls="--", label=f"μ({metal}⁰) {mu:g}"
        )
    x = np.arange(n)
    ax.scatter(x, cbm_eV, marker="_", s=400, linewidths=3, color="k", label="CBM E_c", zorder=3)
    mu_x = [i for i in range(n) if band_gaps_eV[i] is not None]
    mu_y = [float(cbm_eV[i]) - float(band_gaps_eV[i] or 0.0) / 2 for i in mu_x]
    ax.scatter(mu_x, mu_y, marker="o", color="tab:green", label="μ_E = E_c − Eg/2", zorder=3)
    ax.set_xticks(x, list(labels), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("Energy vs vacuum [eV] (E₀ = 0)")
    ax.set_title("Conduction-band minima vs the metals' chemical potentials (Fig. 3a)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_lic6_capacity(
    x: Sequence[float],
    capacities_mAh_g: Mapping[str, Sequence[float]],
    *,
    review_values_mAh_g: Mapping[str, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Capacity of LiC6 → (1−2x)LiC6 + xLiC12 + x(Li⁺+e⁻) vs x on each mass basis (§1.1).

    One line per basis (``ax.lines`` in the mapping's order), then one dotted line per
    review value.
    """
    ax = new_axes(ax, (6.0, 4.0))
    for basis, q in capacities_mAh_g.items():
        ax.plot(x, q, label=basis)
    for text, value in (review_values_mAh_g or {}).items():
        ax.axhline(value, color="k", ls=":", lw=1.0)
        ax.annotate(text, (0.0, value), textcoords="offset points", xytext=(3, 3), fontsize=7)
    ax.set_xlabel("x in LiC6 → (1−2x)LiC6 + xLiC12 + x(Li⁺ + e⁻)")
    ax.set_ylabel("Specific capacity [mAh g⁻¹]")
    ax.set_title("LiC6 ⇌ LiC12 capacity on each mass basis (review §1.1)")
    ax.legend(fontsize=8)
    return ax


def plot_film_cost(
    thickness_um: Sequence[float],
    costs_usd_m2: Mapping[str, Sequence[float]],
    *,
    threshold_usd_m2: float = 10.0,
    review_points: Mapping[str, float] | None = None,
    review_thickness_um: float = 50.0,
    ax: Axes | None = None,
) -> Axes:
    """Raw-material film cost ($ m⁻²) vs thickness with the $10 m⁻² threshold (§1.7).

    ``ax.lines`` are: one line per formula (mapping order), then the threshold line.
    The review's values at 50 µm are the scatter collection.
    """
    ax = new_axes(ax, (6.0, 4.0))
    for label, cost in costs_usd_m2.items():
        ax.plot(thickness_um, cost, label=label)
    ax.axhline(threshold_usd_m2, color="red", lw=1.2, label=f"${threshold_usd_m2:g}/m² threshold")
    if review_points:
        ax.scatter(
            [review_thickness_um] * len(review_points),
            list(review_points.values()),
            color="k",
            marker="x",
            zorder=3,
            label="review (§1.7) at 50 µm",
        )
    ax.set_yscale("log")
    ax.set_xlabel("Film thickness [µm]")
    ax.set_ylabel("Raw-material cost [$ m⁻²]")
    ax.set_title("Electrolyte film raw-material cost (review §1.7)")
    ax.legend(fontsize=8)
    return ax


def plot_scorecard_matrix(
    formulas: Sequence[str],
    criteria: Sequence[str],
    statuses: Sequence[Sequence[str]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Met / not met / unknown of each criterion (columns) for each electrolyte (rows).

    The image data (``ax.images[0].get_array()``) holds :data:`STATUS_CODES`.
    """
    import numpy as np
    from matplotlib.colors import ListedColormap

    grid = np.array([[STATUS_CODES[s] for s in row] for row in statuses], dtype=float)
    ax = new_axes(ax, (0.45 * len(criteria) + 3.0, 0.25 * len(formulas) + 1.5))
    cmap = ListedColormap(["tab:red", "lightgray", "tab:green"])
    ax.imshow(grid, cmap=cmap, vmin=0, vmax=2, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(len(criteria)), list(criteria), fontsize=8)
    ax.set_yticks(range(len(formulas)), list(formulas), fontsize=7)
    ax.set_xlabel("Criterion (P: §1.3 patterns, I: §1.2 ideal properties)")
    ax.set_title("Scorecard: green met, red not met, grey unknown")
    return ax
