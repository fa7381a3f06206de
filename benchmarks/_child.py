"""Run one benchmark entry in a fresh Python process; return its JSON and its peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_json_child(script: str, spec: dict, env: dict[str, str]) -> dict:
    """``python script --worker JSON`` with ``env`` added; its last stdout line as a dict,
    plus ``peak_mib`` (the child's max resident set, via wait4)."""
    cmd = [sys.executable, script, "--worker", json.dumps(spec)]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    text = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{spec} failed")
    res = json.loads(text.strip().splitlines()[-1])
    res["peak_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    return res
