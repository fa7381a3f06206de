"""The atomic writer, the lock and the output-path check (ssbattery.io).

Fault tests: a writer killed with SIGKILL mid-write (repeated), and a write that fails on
purpose (ENOSPC, as on a full disk) both leave the previous file intact.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import FileBusyError, OutputPathError
from ssbattery.io import (
    OutputBatch,
    atomic_path,
    atomic_write,
    check_output_dir,
    check_output_path,
    file_lock,
    write_bytes,
    write_json,
    write_text,
)
from ssbattery.io import atomic as atomic_module


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name or p.name.endswith(".lock"))


def test_text_bytes_json_round_trip_and_replace(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    assert write_text(p, "one\n") == p and p.read_text() == "one\n"
    write_text(p, "two\r\n")  # replaced, newlines kept as given
    assert p.read_bytes() == b"two\r\n"
    write_bytes(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    write_json(tmp_path / "c.json", {"x": [1, 2.5]})
    assert json.loads((tmp_path / "c.json").read_text()) == {"x": [1, 2.5]}
    assert _leftovers(tmp_path) == []


def test_unserialisable_json_leaves_no_file(tmp_path: Path) -> None:
    p = tmp_path / "c.json"
    with pytest.raises(ValueError):
        write_json(p, {"x": float("nan")})  # strict JSON unless allow_nan
    assert not p.exists() and _leftovers(tmp_path) == []
    write_json(p, {"x": float("-inf")}, allow_nan=True)
    assert json.loads(p.read_text())["x"] == float("-inf")


def test_error_inside_block_keeps_previous_content(tmp_path: Path) -> None:
    p = tmp_path / "keep.txt"
    p.write_text("previous")
    with pytest.raises(RuntimeError), atomic_write(p) as fh:
        fh.write("half of the new con")
        raise RuntimeError("crash mid-write")
    assert p.read_text() == "previous" and _leftovers(tmp_path) == []


def test_atomic_path_keeps_suffix_for_numpy_and_matplotlib(tmp_path: Path) -> None:
    target = tmp_path / "arr.npy"
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".npy" and tmp.parent == tmp_path
        np.save(tmp, np.arange(3))  # numpy would append .npy to a name without it
    np.testing.assert_array_equal(np.load(target), np.arange(3))
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "never.txt"):
        pass  # nothing written: refused, not an empty file
    assert not (tmp_path / "never.txt").exists() and _leftovers(tmp_path) == []


def test_full_disk_during_write_keeps_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails on purpose with ENOSPC (the error a full disk gives)."""
    p = tmp_path / "ckpt.json"
    write_json(p, {"iteration": 3})

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_module.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_json(p, {"iteration": 4})
    assert json.loads(p.read_text()) == {"iteration": 3}
    assert _leftovers(tmp_path) == []


def test_output_batch_is_all_or_nothing(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(RuntimeError), OutputBatch() as batch:
        batch.path(a).write_text("A")
        raise RuntimeError("second output failed")
    assert not a.exists() and _leftovers(tmp_path) == []
    with OutputBatch() as batch:
        batch.path(a).write_text("A")
        batch.path(b).write_text("B")
    assert (a.read_text(), b.read_text()) == ("A", "B") and _leftovers(tmp_path) == []


def test_lock_refuses_a_second_holder_and_is_released(tmp_path: Path) -> None:
    p = tmp_path / "ckpt.json"
    with file_lock(p, option="--checkpoint") as lock:
        assert lock.exists()
        with pytest.raises(FileBusyError, match="in use"), file_lock(p, option="--checkpoint"):
            pass
    assert not lock.exists()
    with file_lock(p):  # free again
        pass


def test_lock_held_by_a_killed_process_is_released(tmp_path: Path) -> None:
    """flock is held by the OS: SIGKILL of the holder frees it (no stale-lock refusal)."""
    p = tmp_path / "ckpt.json"
    code = textwrap.dedent(f"""
        import time
        from ssbattery.io import file_lock
        with file_lock({str(p)!r}):
            print("locked", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(FileBusyError), file_lock(p):
            pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with file_lock(p):
        pass


def test_sigkill_during_repeated_writes_never_corrupts(tmp_path: Path) -> None:
    """Kill a process that rewrites a 1 MB JSON file in a loop, 8 times at varied moments:
    after each kill the file is complete JSON (the previous or the new version)."""
    p = tmp_path / "ckpt.json"
    code = textwrap.dedent(f"""
        import sys
        from ssbattery.io import write_json
        i = 0
        while True:
            write_json({str(p)!r}, {{"i": i, "pad": "x" * 1_000_000}})
            if i == 0:
                print("first", flush=True)
            i += 1
    """)
    last = -1
    for k in range(8):
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "first"
        time.sleep(0.01 * (k + 1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = json.loads(p.read_text())  # never truncated
        assert len(data["pad"]) == 1_000_000 and data["i"] >= 0
        last = data["i"]
    assert last >= 0


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("figure", "must end in"),
        ("figure.bmpx", "must end in"),
        ("nodir/figure.png", "does not exist"),
    ],
)
def test_output_path_refusals_name_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, match: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputPathError, match=match) as info:
        check_output_path(path, option="--plot", suffixes=(".png", ".svg"))
    assert "`--plot`" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_output_path_folder_file_parent_and_permissions(tmp_path: Path) -> None:
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path, option="--plot")
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(OutputPathError, match="not a folder"):
        check_output_path(f / "a.png", option="--plot")
    assert check_output_path(tmp_path / "ok.PNG", suffixes=(".png",)) == tmp_path / "ok.PNG"
    assert check_output_path(f, suffixes=None) == f  # an existing file is replaced atomically
    with pytest.raises(OutputPathError, match="existing file"):
        check_output_dir(f, option="--out")
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(OutputPathError, match="not writable"):
                check_output_path(ro / "a.png", option="--plot")
        finally:
            ro.chmod(0o700)


def test_output_path_never_replaces_an_input_and_replace_false_keeps_a_file(
    tmp_path: Path,
) -> None:
    """The output is refused when it is the file the command reads (a hard link and a
    case-variant name count: ``os.path.samefile``), naming both options, whatever
    ``replace`` says; ``replace=False`` refuses any existing file and names the fix."""
    src = tmp_path / "cands.csv"
    src.write_text("Li3N\n")
    link = tmp_path / "link.csv"
    os.link(src, link)
    for out in (src, link):
        with pytest.raises(OutputPathError, match=r"`--csv` .* is the input file `--from-file`"):
            check_output_path(out, option="--csv", inputs=[(src, "--from-file")])
    assert src.read_text() == "Li3N\n"
    other = tmp_path / "other.csv"
    assert check_output_path(other, inputs=[(src, "--from-file")], replace=False) == other
    other.write_text("mine\n")
    with pytest.raises(OutputPathError, match=r"`--csv` .* exists; pass `--overwrite`"):
        check_output_path(other, option="--csv", replace=False)
    assert check_output_path(other, option="--csv") == other  # the default replaces
    # an input that does not exist cannot be the output
    assert check_output_path(other, inputs=[(tmp_path / "absent.csv", "--from-file")]) == other


def test_writing_through_a_link_updates_the_linked_file_and_keeps_permissions(
    tmp_path: Path,
) -> None:
    """A write to `link.json` (→ data/real.json) replaced the link by a plain file and left
    real.json stale; a replaced 0600 file came back 0644 (readable by everyone)."""
    data = tmp_path / "data"
    data.mkdir()
    real = data / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_json(link, {"a": 1})
    assert link.is_symlink() and json.loads(real.read_text()) == {"a": 1}
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    with OutputBatch() as batch:
        (batch.path(link)).write_text("batch")
    assert link.is_symlink() and real.read_text() == "batch"
    assert sorted(p.name for p in data.iterdir()) == ["real.json"]  # no temporary left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.json"]
    data.chmod(0o500)  # the linked file's folder is the one written: checked up front
    try:
        if not os.access(data, os.W_OK):  # (root writes anywhere)
            with pytest.raises(OutputPathError, match="not writable"):
                check_output_path(link, option="--json")
    finally:
        data.chmod(0o700)
    other = tmp_path / "other.json"
    other.symlink_to(real)
    with file_lock(link), pytest.raises(FileBusyError):  # one file, one lock
        with file_lock(other):
            pass
