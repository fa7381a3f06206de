"""Cell physics: electrochemical-potential alignment (eq. 1, Fig. 1), two-phase discharge,
the ferroelectric Landau model with negative capacitance (§2.1), a self-charging,
self-oscillating cell (Fig. 16c) and topological boundary states (§2.2, Fig. 10).

Import the submodules directly (``from ssbattery.cell.landau import ...``); this package
module stays light so that ``ssbattery --help`` is fast.
"""

__all__ = ["alignment", "discharge", "landau", "self_charging", "topology"]
