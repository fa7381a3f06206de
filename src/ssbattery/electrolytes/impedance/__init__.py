"""Impedance spectra → equivalent-circuit fit → conductivity → Arrhenius (review §1.1, issue 4 §3).

Modules: :mod:`.readers` (CSV/TXT, Gamry .DTA, BioLogic .mpt, ZPlot .z), :mod:`.circuits`
(impedance.py fits with automatic starting values, C_eff, arc labels), :mod:`.kk`
(Kramers–Kronig checks), :mod:`.conductivity` (σ = L/(R A)), :mod:`.arrhenius_pipeline`
(a folder of spectra → Ea), :mod:`.examples` (synthetic example spectra).
"""

from __future__ import annotations

__all__: list[str] = []
