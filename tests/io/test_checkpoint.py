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


def test_unwritable_checkpoint_refused_before_any_work(tmp_path: Path) -> None:
    # Every resumable run checks its checkpoint path first: a folder that does not exist
    # used to surface as a FileNotFoundError traceback at the first save, after the first
    # segment's work (found at Dicke N = 2048), which was lost.
    from ssbattery.errors import OutputPathError
    from ssbattery.quantum.chain_charging import charge_matrix_free
    from ssbattery.quantum.dicke import DickeParameters, charge_dicke
    from ssbattery.quantum.dicke_window import PhotonWindow
    from ssbattery.quantum.mps import charge_spin_chain_mps
    from ssbattery.quantum.spin_chain import SpinChainParameters

    missing = tmp_path / "no such folder" / "run.npz"
    with pytest.raises(OutputPathError, match=r"`checkpoint`.*does not exist; create it first"):
        load_tagged_checkpoint(missing, "a", kind="a test checkpoint", differs="x")
    chain = SpinChainParameters(6, anisotropy=0.5)
    times = np.linspace(0.01, 0.2, 20)
    with pytest.raises(OutputPathError, match=r"`checkpoint`.*does not exist"):
        charge_matrix_free(chain, times, checkpoint=missing, refine=False)
    with pytest.raises(OutputPathError, match=r"`checkpoint`.*does not exist"):
        charge_dicke(
            DickeParameters(n_atoms=4, coupling=0.2), window=PhotonWindow(), checkpoint=missing
        )
    with pytest.raises(OutputPathError, match=r"`checkpoint`.*does not exist"):
        charge_spin_chain_mps(chain, times, checkpoint=missing)
    assert not missing.parent.exists()  # nothing created
    # the same runs with the folder present write their checkpoints there
    missing.parent.mkdir()
    result = charge_matrix_free(chain, times, checkpoint=missing, refine=False)
    assert missing.is_file() and result.energy.shape == (20,)
