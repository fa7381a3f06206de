"""Wall time of the meta-test file ``tests/test_strategies.py``: an earlier revision's
``strategies.py`` + ``test_strategies.py`` against the working tree's, both on the working
tree's package, interleaved, with the load average before each run.

    python benchmarks/bench_meta_tests.py --old main --repeat 2

The old pair is written to a temporary folder under ``tests/`` (removed afterwards) so the
suite's ``conftest.py`` applies to both. A nonzero exit status of the old file is reported,
not an error: its lists may name classes the package has changed since.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("strategies.py", "test_strategies.py")


def _run(path: Path) -> tuple[float, int, tuple[float, float, float]]:
    load = os.getloadavg()
    start = time.perf_counter()
    rc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    ).returncode
    return time.perf_counter() - start, rc, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="main", help="git revision of the old meta-test")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    old_dir = ROOT / "tests" / f"_meta_old_{os.getpid()}"
    old_dir.mkdir()
    try:
        for name in FILES:
            text = subprocess.run(
                ["git", "show", f"{args.old}:tests/{name}"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            (old_dir / name).write_text(text)
        print("| run | old [s] (rc) | new [s] (rc) | new − old [s] | load at start (1/5/15 min) |")
        print("| --- | --- | --- | --- | --- |")
        for rep in range(1, args.repeat + 1):
            t_old, rc_old, load = _run(old_dir / "test_strategies.py")
            t_new, rc_new, _ = _run(ROOT / "tests" / "test_strategies.py")
            loads = " / ".join(f"{x:.1f}" for x in load)
            print(
                f"| {rep} | {t_old:.2f} ({rc_old}) | {t_new:.2f} ({rc_new}) | "
                f"{t_new - t_old:.1f} | {loads} |",
                flush=True,
            )
    finally:
        shutil.rmtree(old_dir)


if __name__ == "__main__":
    main()
