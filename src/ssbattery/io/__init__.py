"""Writing files safely: one atomic writer, one lock, one output-path check.

Every file the package writes (checkpoints, reports, plots, CSV and JSON) goes through this
package, so a crash, a full disk or a second run never leaves a half-written or clobbered
file behind:

* :func:`atomic_write` / :func:`atomic_path` write to a temporary file in the target's own
  folder, flush and ``fsync`` it, then ``os.replace`` it over the target (atomic on POSIX
  and Windows); on any failure the temporary file is removed and the previous target, if
  any, is untouched. :func:`write_text`, :func:`write_bytes` and :func:`write_json` are the
  one-call forms; :class:`OutputBatch` commits several outputs together (all or none).
* :func:`file_lock` takes an exclusive lock beside a file (``.name.lock``) so two runs on one
  checkpoint are refused with :class:`~ssbattery.errors.FileBusyError` instead of colliding.
  The lock is held by the operating system, so a killed run never leaves a stale lock.
* :func:`check_output_path` checks an output path before any computation starts: allowed
  extension, an existing writable parent folder, not a folder itself. It raises
  :class:`~ssbattery.errors.OutputPathError` naming the option the user typed.

Example::

    from ssbattery.io import atomic_path, check_output_path, file_lock, write_json

    path = check_output_path("run.json", option="--checkpoint", suffixes=(".json",))
    with file_lock(path, option="--checkpoint"):
        write_json(path, {"iteration": 3})

    with atomic_path("figure.png") as tmp:   # for writers that take a path
        fig.savefig(tmp, format="png")
"""

from __future__ import annotations

from ssbattery.io.atomic import (
    OutputBatch,
    atomic_path,
    atomic_write,
    write_bytes,
    write_json,
    write_text,
)
from ssbattery.io.jsonable import to_jsonable
from ssbattery.io.lock import file_lock
from ssbattery.io.paths import (
    CSV_SUFFIXES,
    JSON_SUFFIXES,
    PLOT_SUFFIXES,
    check_output_dir,
    check_output_path,
)

__all__ = [
    "CSV_SUFFIXES",
    "JSON_SUFFIXES",
    "PLOT_SUFFIXES",
    "OutputBatch",
    "atomic_path",
    "atomic_write",
    "check_output_dir",
    "check_output_path",
    "file_lock",
    "to_jsonable",
    "write_bytes",
    "write_json",
    "write_text",
]
