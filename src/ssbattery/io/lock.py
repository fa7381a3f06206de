"""One lock per output file, so two runs never write the same checkpoint."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from ssbattery.errors import FileBusyError

__all__ = ["file_lock", "lock_path"]


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file guarding ``path``: ``.name.lock`` in the same folder."""
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], *, option: str | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the block, or refuse at once.

    A second process (or a second call in this one) asking for the same lock gets
    :class:`~ssbattery.errors.FileBusyError`, naming ``option`` (the CLI option or argument
    that gave the path) when it is set. A symbolic link is locked as the file it points to,
    so two names of one file share one lock. On POSIX the lock is an ``flock`` held by the
    operating system, so a run killed with SIGKILL releases it; the lock file is removed
    when the block ends.
    """
    lock = lock_path(os.path.realpath(path))  # one lock whichever link names the file
    who = f"`{option}` file {path}" if option else f"{path}"
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: exclusive creation instead of flock
        yield from _exclusive_create(lock, who)
        return
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise FileBusyError(
                f"{who} is in use by another run (lock {lock}); wait for it to finish or "
                "give another file."
            ) from None
        # The holder before us may have removed the lock file between our open and flock:
        # then we locked an orphan inode, so start over on the current file.
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _exclusive_create(lock: Path, who: str) -> Iterator[Path]:  # pragma: no cover - Windows
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise FileBusyError(
            f"{who} is in use by another run (lock {lock}); if no run is active, remove the "
            "lock file."
        ) from None
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        yield lock
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            lock.unlink()
