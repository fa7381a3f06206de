"""plot_sweep: the points drawn are the done points, a power law's fit is returned, and a
bad name is refused before any figure is opened."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from ssbattery.errors import InvalidParameterError
from ssbattery.plotting.sweep import plot_sweep


def _sweep() -> xr.Dataset:
    """A finished 1-D sweep of y = 2 N^1.5 (the last point failed: status 2)."""
    n = np.array([1.0, 2.0, 4.0, 8.0])
    return xr.Dataset(
        {
            "status": ("N", np.array([1, 1, 1, 2])),
            "y": ("N", 2.0 * n**1.5, {"units": "ω²"}),
        },
        coords={"N": ("N", n, {"units": "1"})},
    )


@pytest.mark.parametrize(
    ("x", "y", "message"), [("nope", "y", "not swept"), ("N", "nope", "not a scalar")]
)
def test_a_bad_name_opens_no_figure(x: str, y: str, message: str) -> None:
    """The figure was created first, so each refused call left one open in pyplot."""
    before = plt.get_fignums()
    with pytest.raises(InvalidParameterError, match=message):
        plot_sweep(_sweep(), x, y)
    assert plt.get_fignums() == before


def test_done_points_and_power_law_fit() -> None:
    fig, ax = plt.subplots()
    fits = plot_sweep(_sweep(), "N", "y", fit=True, ax=ax)
    xs, ys = ax.lines[0].get_data()
    np.testing.assert_array_equal(xs[np.isfinite(ys)], [1.0, 2.0, 4.0])  # failed point left out
    (f,) = fits
    # y = 2 N^1.5 exactly: α = 1.5, β = 2, R² = 1
    assert f.fit.exponent == pytest.approx(1.5, abs=1e-12)
    assert f.fit.prefactor == pytest.approx(2.0, rel=1e-12)
    assert ax.get_xlabel() == "N [1]" and ax.get_ylabel() == "y [ω²]"
    plt.close(fig)
