"""The shared checkpoint loader: absent → None, the run's own file read back, a foreign
or another run's file refused with one error and left untouched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError
from ssbattery.io.checkpoint import load_tagged_checkpoint


def test_checkpoint_is_read_back_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.npz"
    assert load_tagged_checkpoint(path, "a", kind="a test checkpoint", differs="x") is None
    np.savez(path, tag=np.array("a"), done=np.array(7), state=np.arange(3.0))
    data = load_tagged_checkpoint(path, "a", kind="a test checkpoint", differs="x")
    assert data is not None and int(data["done"]) == 7
    np.testing.assert_array_equal(data["state"], [0.0, 1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="another run \\(other x\\)"):
        load_tagged_checkpoint(path, "b", kind="a test checkpoint", differs="x")
    foreign = tmp_path / "notes.npz"
    foreign.write_text("my notes")
    with pytest.raises(InvalidParameterError, match="is not a test checkpoint"):
        load_tagged_checkpoint(foreign, "a", kind="a test checkpoint", differs="x")
    assert foreign.read_text() == "my notes"
