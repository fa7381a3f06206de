"""Report figures of the quantum part (filled in by its issue)."""

from __future__ import annotations

from ssbattery.report.registry import FigureSpec

__all__ = ["FIGURES"]

FIGURES: list[FigureSpec] = []
