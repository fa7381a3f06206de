"""The package's one atomic writer (see :mod:`ssbattery.io`)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

__all__ = [
    "OutputBatch",
    "atomic_path",
    "atomic_write",
    "temporary_sibling",
    "write_bytes",
    "write_json",
    "write_text",
]


def temporary_sibling(path: Path) -> Path:
    """A fresh hidden name in ``path``'s folder that keeps its suffix (``.stem.XXXX.tmp.png``).

    Keeping the suffix matters for writers that look at it: matplotlib picks the format from
    it and ``numpy.save`` appends ``.npy`` to a name without it.
    """
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` must replace: ``path`` itself, or for a symbolic link
    the file it points to (replacing the link would leave the linked file stale and turn
    the link into a copy)."""
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def _replace(tmp: Path, target: Path) -> None:
    """Flush ``tmp`` to disk, then move it over ``target`` atomically, keeping the
    permission bits of the file it replaces (a private 0600 file stays private)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        pass
    else:
        os.chmod(tmp, mode)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that want a file name (``fig.savefig(tmp, format="png")``,
    ``numpy.save(tmp, a)``). If the block raises, or writes nothing, the temporary file is
    removed and ``path`` keeps its previous content. A ``path`` that is a symbolic link
    writes the file it points to (the link stays); a replaced file keeps its permissions.
    """
    target = _real_target(path)
    tmp = temporary_sibling(target)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to the temporary file for {target}")
        _replace(tmp, target)
    except BaseException:
        _discard(tmp)
        raise


@overload
def atomic_write(
    path: str | os.PathLike[str], mode: Literal["w"] = "w", *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(
    path: str | os.PathLike[str], mode: Literal["wb"], *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[bytes]]: ...
def atomic_write(
    path: str | os.PathLike[str], mode: str = "w", *, encoding: str = "utf-8"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` on success.

    ``mode`` is ``"w"`` (text, ``encoding``, newlines untranslated) or ``"wb"``. The file is
    flushed and fsynced before the rename, so after a crash or power cut ``path`` holds
    either its old content or the complete new one, never a truncated file.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', got {mode!r}")
    return _atomic_open(Path(path), mode, encoding)


@contextlib.contextmanager
def _atomic_open(path: Path, mode: str, encoding: str) -> Iterator[IO[Any]]:
    with atomic_path(path) as tmp:
        if mode == "wb":
            with open(tmp, "wb") as fh:
                yield fh
        else:
            with open(tmp, "w", encoding=encoding, newline="") as fh:
                yield fh


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_json(
    path: str | os.PathLike[str], obj: Any, *, indent: int | None = None, allow_nan: bool = False
) -> Path:
    """Serialise ``obj`` and write it atomically (NaN/inf refused unless ``allow_nan``).

    The text is built before the temporary file is opened, so an object that cannot be
    serialised leaves no file at all.
    """
    text = json.dumps(obj, indent=indent, allow_nan=allow_nan)
    return write_text(path, text + "\n")


class OutputBatch:
    """Several outputs that appear together or not at all.

    Each :meth:`path` call gives a temporary sibling of its target; :meth:`commit` moves
    them all into place (after fsyncing each), :meth:`discard` removes them. Used as a
    context manager it commits on success and discards on error::

        with OutputBatch() as batch:
            fig1.savefig(batch.path("a.png"), format="png")
            fig2.savefig(batch.path("b.png"), format="png")   # if this fails, no a.png
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def path(self, target: str | os.PathLike[str]) -> Path:
        """A temporary path that becomes ``target`` at :meth:`commit`."""
        final = _real_target(target)
        tmp = temporary_sibling(final)
        self._pending.append((tmp, final))
        return tmp

    @property
    def targets(self) -> tuple[Path, ...]:
        """The final paths, in the order they were staged."""
        return tuple(final for _, final in self._pending)

    def commit(self) -> tuple[Path, ...]:
        """Move every staged file into place; return the paths written."""
        missing = [final for tmp, final in self._pending if not tmp.exists()]
        if missing:
            self.discard()
            raise FileNotFoundError(f"nothing was written for {missing[0]}")
        written = []
        try:
            for tmp, final in self._pending:
                _replace(tmp, final)
                written.append(final)
        finally:
            self.discard()
        return tuple(written)

    def discard(self) -> None:
        """Remove every staged temporary file that is still there."""
        for tmp, _ in self._pending:
            _discard(tmp)
        self._pending.clear()

    def __enter__(self) -> OutputBatch:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
