"""All figures of the report, in the review's order."""

from __future__ import annotations

from ssbattery.report.registry import FigureSpec

__all__ = ["all_figures"]


def all_figures() -> list[FigureSpec]:
    """Every registered :class:`FigureSpec` (sections are imported lazily)."""
    from ssbattery.report.sections import (
        cell,
        dicke,
        electrolytes,
        electrolytes_data,
        feedback,
        impedance,
        open_dicke,
        regime,
        spin_chain,
        spin_chain_scaling,
        thermal,
    )

    figures: list[FigureSpec] = []
    for section in (
        electrolytes_data,
        electrolytes,
        impedance,
        cell,
        dicke,
        open_dicke,
        regime,
        spin_chain,
        spin_chain_scaling,
        thermal,
        feedback,
    ):
        figures.extend(section.FIGURES)
    keys = [f.key for f in figures]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise RuntimeError(f"duplicate report keys: {sorted(duplicated)}")
    return figures
