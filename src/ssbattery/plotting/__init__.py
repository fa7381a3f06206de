"""Plotting: one function per figure, `ax=None` in, the axes out; matplotlib imported inside.

:func:`new_axes` is the one place a figure is opened for a function called without ``ax``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["new_axes"]


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` itself, or the axes of a new ``size`` (inches) figure when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new
