"""The one check of an output path, done before any computation starts."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ssbattery.errors import OutputPathError

__all__ = [
    "CSV_SUFFIXES",
    "JSON_SUFFIXES",
    "PLOT_SUFFIXES",
    "check_output_dir",
    "check_output_path",
]

#: Image formats every matplotlib backend writes without extra software.
PLOT_SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".eps", ".ps")
#: Suffixes accepted for a JSON output file.
JSON_SUFFIXES: tuple[str, ...] = (".json",)
#: Suffixes accepted for a CSV output file.
CSV_SUFFIXES: tuple[str, ...] = (".csv",)


def _name(option: str | None, path: object) -> str:
    return f"`{option}` {str(path)!r}" if option else repr(str(path))


def check_output_path(
    path: str | os.PathLike[str],
    *,
    option: str | None = None,
    suffixes: Sequence[str] | None = None,
    inputs: Sequence[tuple[str | os.PathLike[str], str | None]] = (),
    replace: bool = True,
) -> Path:
    """Check that ``path`` can be written as a file and return it as a :class:`Path`.

    Refused with :class:`~ssbattery.errors.OutputPathError` (naming ``option``, the CLI
    option or argument the user typed, and the fix): an empty path; an extension not in
    ``suffixes`` (case-insensitive; ``None`` allows any); an existing folder; a parent
    folder that does not exist, is not a folder or is not writable; an existing file that
    is not writable; the same file (:func:`os.path.samefile`: links and case-insensitive
    names included) as one of ``inputs``, the ``(path, option)`` pairs the command reads,
    whichever ``replace`` says; with ``replace=False``, any existing file ("pass
    ``--overwrite`` to replace it"). Otherwise an existing writable file is allowed: it is
    replaced atomically. Nothing is created.
    """
    text = os.fspath(path)
    if not str(text).strip():
        raise OutputPathError(f"{_name(option, text)} is empty; give a file name.")
    target = Path(text).expanduser()
    if target.is_dir() or str(text).endswith(("/", os.sep)):
        raise OutputPathError(
            f"{_name(option, text)} is a folder; give a file name inside it, e.g. "
            f"{target / ('output' + (suffixes[0] if suffixes else ''))}."
        )
    if suffixes is not None and target.suffix.lower() not in {s.lower() for s in suffixes}:
        raise OutputPathError(
            f"{_name(option, text)} must end in {', '.join(suffixes)} "
            f"(got {target.suffix or 'no extension'!r})."
        )
    # a link is written through to the file it names (ssbattery.io.atomic): check there
    _check_parent(Path(os.path.realpath(target)) if target.is_symlink() else target, option, text)
    if target.exists():
        for source, source_option in inputs:
            if _same_file(target, source):
                raise OutputPathError(
                    f"{_name(option, text)} is the input file {_name(source_option, source)}: "
                    "writing it would replace what is being read; give another output file."
                )
        if not replace:
            raise OutputPathError(
                f"{_name(option, text)} exists; pass `--overwrite` to replace it, or give "
                "another file name."
            )
        if not os.access(target, os.W_OK):
            raise OutputPathError(f"{_name(option, text)} exists and is not writable.")
    return target


def _same_file(a: Path, b: str | os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(a, Path(b).expanduser())
    except (OSError, ValueError):  # b absent or unreadable: it cannot be the output
        return False


def check_output_dir(path: str | os.PathLike[str], *, option: str | None = None) -> Path:
    """Check that ``path`` is, or can be created as, a writable folder; return it.

    Refused: an empty path, an existing non-folder, or a parent that does not exist or is
    not writable (only the last component is ever created). Nothing is created here.
    """
    text = os.fspath(path)
    if not str(text).strip():
        raise OutputPathError(f"{_name(option, text)} is empty; give a folder name.")
    target = Path(text).expanduser()
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"{_name(option, text)} is an existing file, not a folder.")
    if target.is_dir():
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputPathError(f"{_name(option, text)} is not writable.")
    _check_parent(target.resolve(), option, text)
    return target


def _check_parent(target: Path, option: str | None, text: object) -> None:
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise OutputPathError(
            f"{_name(option, text)}: folder {str(parent)!r} does not exist; create it first."
        )
    if not parent.is_dir():
        raise OutputPathError(f"{_name(option, text)}: {str(parent)!r} is not a folder.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"{_name(option, text)}: folder {str(parent)!r} is not writable.")
