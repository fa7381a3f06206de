"""Which process an arc (or DRT peak) is: bulk, grain boundary or electrode, by its capacitance.

Thresholds follow Irvine, Sinclair & West, Adv. Mater. 2, 132 (1990), Table 1, for the
*specific* capacitance C·L/A [F/cm] (cell constant L/A in cm⁻¹): bulk ~1e-12, grain boundary
1e-11–1e-8, surface layer 1e-9–1e-7, sample–electrode interface 1e-7–1e-5 F/cm. Their ranges
overlap, so the rule here is relative as well as absolute:

- C_sp ≥ :data:`ELECTRODE_MIN_F_CM` (1e-7 F/cm) → ``"electrode"``;
- of the rest, the smallest C_eff is ``"bulk"``;
- the next is ``"grain boundary"`` only if C_gb / C_bulk ≥ :data:`GB_RATIO_MIN` (10, the
  brick-layer model's C_gb/C_bulk = d_grain/δ_gb for grains at least ten boundary widths wide)
  *and* C_sp ≤ 1e-7 F/cm; otherwise it is ``"unassigned"`` (two arcs of bulk-like capacitance:
  two phases, or an artefact);
- further arcs are ``"interface 1"``, ``"interface 2"``…

Without the pellet geometry the cell constant is taken as 1 cm⁻¹ (C_sp = C_eff in F).
"""

from __future__ import annotations

from collections.abc import Sequence

from ssbattery.errors import InvalidParameterError

__all__ = ["ELECTRODE_MIN_F_CM", "GB_RATIO_MIN", "label_by_capacitance"]

#: Specific capacitance [F/cm] from which an arc is an electrode (Irvine et al. 1990).
ELECTRODE_MIN_F_CM = 1e-7
#: Smallest C_gb/C_bulk that supports the grain-boundary label (brick layer, d/δ ≥ 10).
GB_RATIO_MIN = 10.0


def label_by_capacitance(
    capacitances_F: Sequence[float],
    *,
    cell_constant_per_cm: float | None = None,
    electrode_min_F_cm: float = ELECTRODE_MIN_F_CM,
    gb_ratio_min: float = GB_RATIO_MIN,
) -> list[str]:
    """One label per capacitance (same order) by the rule in the module docstring.

    >>> label_by_capacitance([2e-9, 20e-12, 1e-5])
    ['grain boundary', 'bulk', 'electrode']
    >>> label_by_capacitance([20e-12, 40e-12])
    ['bulk', 'unassigned']
    """
    k = 1.0 if cell_constant_per_cm is None else float(cell_constant_per_cm)
    if not k > 0:
        raise InvalidParameterError(f"`cell_constant_per_cm` must be > 0, got {k}.")
    caps = [float(c) for c in capacitances_F]
    labels = ["unassigned"] * len(caps)
    rest = []
    for i, c in enumerate(caps):
        if not c > 0:
            raise InvalidParameterError(f"capacitances must be > 0 F, got {c}.")
        if c * k >= electrode_min_F_cm:
            labels[i] = "electrode"
        else:
            rest.append(i)
    rest.sort(key=lambda i: caps[i])
    if rest:
        labels[rest[0]] = "bulk"
    if len(rest) > 1:
        ratio = caps[rest[1]] / caps[rest[0]]
        labels[rest[1]] = "grain boundary" if ratio >= gb_ratio_min else "unassigned"
    for n, i in enumerate(rest[2:], start=1):
        labels[i] = f"interface {n}"
    return labels
