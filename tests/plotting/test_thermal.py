"""Thermal plots: a bad ``quantity`` is refused before a figure is opened."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.plotting.thermal import plot_heat_battery, plot_otto_cycle
from ssbattery.thermal.heat_battery import heat_battery_sweep
from ssbattery.thermal.otto import otto_trajectory, qubit_otto


def test_a_bad_quantity_opens_no_figure_and_a_good_one_draws_the_data() -> None:
    """plot_otto_cycle / plot_heat_battery opened their figure, then refused `quantity`,
    leaving an empty figure in pyplot per call."""
    tr = otto_trajectory(qubit_otto(), points_per_stroke=5)
    sw = heat_battery_sweep([1.0], [0.02, 0.05])
    before = plt.get_fignums()
    with pytest.raises(InvalidParameterError, match="'entropy' or 'energy'"):
        plot_otto_cycle(tr, quantity="work")
    with pytest.raises(InvalidParameterError, match="'efficiency', 'power' or 'work'"):
        plot_heat_battery(sw, quantity="entropy")
    assert plt.get_fignums() == before
    ax = plot_otto_cycle(tr, quantity="energy")
    # stroke B→C (index 1) drawn at the trajectory's own energies
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), tr.energy[tr.stroke == 1])
    plt.close(ax.figure)
