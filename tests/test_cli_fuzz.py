"""Property test over the whole command line (issue 9 §6).

For every command, Hypothesis draws argument vectors from the command's own options and
their types, mixing ordinary values with hostile ones (NaN, ±inf, huge and tiny numbers,
empty and bracketed strings, list typos, folders and missing files as paths). Whatever it
draws, a run ends in bounded time with exit code 0, or exit code 2 and exactly one line
starting ``error:`` on stderr; never a traceback, never an ``internal error``, and a
refused run leaves no file behind.

The example count is small per command (the suite must stay fast); run with
``HYPOTHESIS_PROFILE=explore`` and a larger ``SSBATTERY_FUZZ_EXAMPLES`` to search wider.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.electrolytes.impedance.examples import example_spectra_dir

EXAMPLES = int(os.environ.get("SSBATTERY_FUZZ_EXAMPLES", "4"))
SECONDS = 60  # a run that takes longer counts as a hang
SPECTRA = example_spectra_dir()

# The smallest valid call of each command (small sizes, so accepted draws stay fast).
BASE: dict[str, list[str]] = {
    "reproduce": ["--only", "sec1_1_lic6_capacity"],
    "capacity": ["LiCoO2"],
    "cost": ["Li2ZrCl6"],
    "align": [],
    "landau": [],
    "self-charge": ["--t-end", "5"],
    "topology": ["ssh", "--n-cells", "6"],
    "dicke": ["--n-atoms", "2", "--coupling", "0.2", "--steps", "30"],
    "dicke-scaling": ["--n-atoms", "1,2,3", "--coupling", "0.2", "--steps", "30"],
    "spin-chain": ["--n-sites", "3", "--steps", "30"],
    "otto": [],
    "thermal-battery": ["--tau", "1"],
    "pumped-battery": ["--omega-l", "1.0"],
    "demon": ["--coupling", "0.1"],
    "learn-cycle": ["--iterations", "2", "--population", "20", "--steps", "4"],
    "audit": ["{missing}"],
    "cycle": ["{missing}"],
    "validate": ["--only", "bell-concurrence"],
    "electrolytes list": [],
    "electrolytes show": ["LLZO"],
    "electrolytes families": [],
    "electrolytes classify": ["Li3PS4"],
    "eis fit": [str(SPECTRA / "example_25C.csv"), "--thickness", "1", "--area", "5"],
    "eis arrhenius": [str(SPECTRA), "--thickness", "1", "--area", "5"],
    "eis drt": [str(SPECTRA / "example_25C.csv")],
    "electrolytes predict": ["LiCoO2"],
    "electrolytes benchmark": [],
    "sweep run": ["{missing}"],
    "sweep check": ["{missing}"],
    "sweep models": [],
    "sweep show": ["{missing}"],
    "sweep plot": ["{missing}", "--x", "a", "--y", "b"],
    "sweep export": ["{missing}", "--csv", "{tmp}/out.csv"],
}
# Options whose accepted values legitimately take long (the size of the job itself).
SLOW_OK = {"--iterations", "--population", "--n-atoms", "--n-sites", "--steps", "--n-cells"}

HOSTILE_FLOATS = ["nan", "inf", "-inf", "1e308", "-1e308", "1e-308", "5e-324", "1e300", "-0"]
ORDINARY_FLOATS = ["0", "1", "-1", "0.5", "2.5", "1e-3", "1e3", "300"]
HOSTILE_INTS = ["100000000000", "-1", "0", "1e3", "nan", "", "99999999999999999999"]
ORDINARY_INTS = ["1", "2", "3", "5"]
HOSTILE_TEXT = ["", " ", "[/]", "[bold]x[/]", "1 2 4", "1,,2", "1,", ",", "nan", "☃", "x" * 5000]
ORDINARY_TEXT = ["LiCoO2", "Li7La3Zr2O12", "1,2", "0.1", "a"]


def _commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    ctx_type = type(typer.Context(root))
    ctx = ctx_type(root)
    found: dict[str, Any] = {}

    def walk(group: Any, path: list[str]) -> None:
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            if hasattr(sub, "list_commands"):
                walk(sub, [*path, name])
            else:
                found[" ".join([*path, name])] = sub

    walk(root, [])
    return found


COMMANDS = _commands()


def _kind(param: Any) -> str:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    text = str(annotation)
    if annotation is bool or getattr(param, "is_flag", False):
        return "flag"
    if annotation is int:
        return "int"
    if annotation is float or "float" in text:
        return "float"
    if "Path" in text:
        return "path"
    return "text"


def _values(kind: str, tmp: str) -> st.SearchStrategy[str]:
    if kind == "float":
        pool = HOSTILE_FLOATS + ORDINARY_FLOATS
    elif kind == "int":
        pool = HOSTILE_INTS + ORDINARY_INTS
    elif kind == "path":
        pool = [
            "",
            tmp,
            f"{tmp}/missing.csv",
            f"{tmp}/nodir/x.png",
            f"{tmp}/[/x].png",
            f"{tmp}/out.png",
            f"{tmp}/out.json",
            f"{tmp}/x.bmpx",
            str(SPECTRA / "example_25C.csv"),
        ]
    else:
        pool = HOSTILE_TEXT + ORDINARY_TEXT
    return st.sampled_from(pool)


@st.composite
def _argv(draw: st.DrawFn, name: str, tmp: str) -> list[str]:
    command = COMMANDS[name]
    base = [a.replace("{missing}", f"{tmp}/missing.toml").replace("{tmp}", tmp) for a in BASE[name]]
    params = [p for p in command.params if p.name != "help"]
    options = [p for p in params if getattr(p, "opts", None) and p.opts[0].startswith("-")]
    positionals = [p for p in params if p not in options]
    argv = name.split()
    chosen = (
        draw(st.lists(st.sampled_from(options), max_size=3, unique_by=lambda p: p.name))
        if options
        else []
    )
    if positionals and draw(st.booleans()):
        drawn = draw(_values(_kind(positionals[0]), tmp))
        has_positional = bool(base) and not base[0].startswith("-")
        base = [drawn, *(base[1:] if has_positional else base)]
    argv += base
    for param in chosen:
        if _kind(param) == "flag":
            argv.append(param.opts[0])
        else:
            argv += [param.opts[0], draw(_values(_kind(param), tmp))]
    return argv


def _tally(line: str) -> None:
    """Append one line per generated input to $SSBATTERY_FUZZ_TALLY (the benchmark counts
    them: Hypothesis's own statistics skip the nested property functions used here)."""
    path = os.environ.get("SSBATTERY_FUZZ_TALLY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def _check(argv: list[str], tmp: Path, time_limit: Any) -> None:
    runner = CliRunner()
    with time_limit(SECONDS, str(argv)):
        result = runner.invoke(app, argv, catch_exceptions=True)
    _tally(f"cli\t{argv[0]}\t{result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{argv} raised {result.exception!r}") from result.exception
    out = result.output
    assert "Traceback" not in out, (argv, out)
    assert "internal error" not in out, (argv, out)
    if result.exit_code == 2:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error:")]
        assert len(errors) == 1, (argv, result.stderr)
        leftovers = [p.name for p in tmp.iterdir() if p.name != "keep.txt"]
        assert leftovers == [], (argv, leftovers)
    else:
        # reproduce and audit exit 1 when a figure / the audit itself fails: a result.
        ok = {0} | (
            {1} if argv[0] in ("reproduce", "audit") or argv[:2] == ["sweep", "run"] else set()
        )
        assert result.exit_code in ok, (argv, result.exit_code, out[-500:])


@pytest.mark.parametrize("name", sorted(BASE))
def test_every_command_survives_hostile_arguments(name: str, time_limit: Any) -> None:
    assert name in COMMANDS, f"BASE names a command that does not exist: {name}"
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        )
        @given(argv=_argv(name, tmp_dir))
        def run(argv: list[str]) -> None:
            for p in tmp.iterdir():
                if p.is_file():
                    p.unlink()
                else:
                    import shutil

                    shutil.rmtree(p)
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                _check(argv, tmp, time_limit)
            finally:
                os.chdir(cwd)

        run()


def test_every_command_has_a_base_call() -> None:
    """A new command must be added to BASE, so the property test covers it."""
    assert sorted(COMMANDS) == sorted(BASE)
