"""Reading a run's ``.npz`` checkpoint: the one loader the resumable runs share.

A checkpoint holds a ``tag`` entry that names the run which wrote it (its model, grid and
method). A file that cannot be read as such, or whose tag differs, is refused with one
clear error and left untouched, so a user's file is never taken for a checkpoint.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ssbattery.errors import InvalidParameterError

__all__ = ["load_tagged_checkpoint"]


def load_tagged_checkpoint(
    path: str | os.PathLike[str], tag: str, *, kind: str, differs: str
) -> dict[str, Any] | None:
    """The arrays of the checkpoint at ``path`` written by the run ``tag``, or None if no
    file is there.

    ``kind`` names the checkpoint in the error ("a spin-chain checkpoint"); ``differs``
    lists what another run may have changed ("chain, times or method"). A path that could
    not be written (no such folder, a folder, not writable) is refused here, before the run
    starts (:func:`~ssbattery.io.check_output_path`).
    """
    from ssbattery.io.paths import check_output_path

    # before any work: a checkpoint that could not be written would lose the run
    p = check_output_path(path, option="checkpoint")
    if not p.exists():
        return None
    try:
        with np.load(p, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
        found = str(data["tag"])
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidParameterError(
            f"`checkpoint` {str(p)!r} exists and is not {kind} ({exc}); "
            "pass a new path (existing files are never overwritten)."
        ) from None
    if found != tag:
        raise InvalidParameterError(
            f"`checkpoint` {str(p)!r} was written by another run (other {differs}); "
            "pass a new path or remove it to start over."
        )
    return data
