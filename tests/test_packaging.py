"""Packaging: the sdist and wheel build, the wheel installs into a fresh environment and
works there (data files included), ``python -m ssbattery``, shell completion, and the one
version shared by pyproject.toml, the package, CITATION.cff and CHANGELOG.md."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

import ssbattery

ROOT = Path(__file__).resolve().parents[1]
# Fast figures that read shipped data: the review's CSV, the example spectra, the prices.
FIGURES_FROM_WHEEL = ("table1_electrolytes", "fig_eis_nyquist_fit", "sec1_7_film_cost")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_is_single_sourced() -> None:
    """pyproject.toml holds the version; the package reads it from the installed metadata,
    and CITATION.cff and the newest CHANGELOG entry must agree with it."""
    import yaml

    version = _pyproject()["project"]["version"]
    assert ssbattery.__version__ == version
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == version
    assert citation["cff-version"] == "1.2.0"
    assert citation["license"] == "MIT"
    assert any(r.get("doi") == "10.1039/d3ta04228f" for r in citation["references"])
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.MULTILINE)
    assert released and released[0] == version


def _run(
    *cmd: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, check=False, env=env, cwd=cwd
    )


def test_python_dash_m_is_the_cli() -> None:
    out = _run(sys.executable, "-m", "ssbattery", "--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ssbattery {ssbattery.__version__}"
    bad = _run(sys.executable, "-m", "ssbattery", "--no-such-option")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error:") and "--no-such-option" in bad.stderr


def test_shell_completion_completes_commands_and_options() -> None:
    """Click's completion protocol (what the script from ``--show-completion`` calls)."""
    env = {**os.environ, "_SSBATTERY_COMPLETE": "complete_bash", "COMP_CWORD": "1"}
    words = _run(sys.executable, "-m", "ssbattery", env={**env, "COMP_WORDS": "ssbattery repr"})
    assert words.returncode == 0, words.stderr
    assert words.stdout.split() == ["reproduce"]
    env["COMP_CWORD"] = "2"
    options = _run(
        sys.executable,
        "-m",
        "ssbattery",
        env={**env, "COMP_WORDS": "ssbattery reproduce --o"},
    )
    assert set(options.stdout.split()) == {"--out", "--only"}
    for shell, marker in (("zsh", "#compdef ssbattery"), ("fish", "complete --command ssbattery")):
        script = _run(
            sys.executable,
            "-m",
            "ssbattery",
            env={**os.environ, "_SSBATTERY_COMPLETE": f"source_{shell}"},
        )
        assert marker in script.stdout, script.stderr


def _dependency_paths() -> list[str]:
    """Where this interpreter finds the dependencies, without the source tree."""
    src = str(ROOT / "src")
    return [p for p in sys.path if p.endswith("site-packages") and p != src]


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_environment(tmp_path: Path) -> None:
    """Build sdist, then the wheel from the sdist (``python -m build``), install the wheel
    (not editable) into a new venv that sees the dependencies but not ``src/``, and run the
    CLI and a few report figures from it: a data file missing from the package fails here."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy2(ROOT / name, tree / name)
    shutil.copytree(
        ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    dist = tmp_path / "dist"
    built = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(tree))
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    version = ssbattery.__version__
    sdist = dist / f"ssbattery-{version}.tar.gz"
    wheel = dist / f"ssbattery-{version}-py3-none-any.whl"
    assert sdist.is_file() and wheel.is_file()
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    shipped = {
        str(p.relative_to(ROOT / "src")).replace(os.sep, "/")
        for p in (ROOT / "src" / "ssbattery").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert shipped <= names, f"missing from the wheel: {sorted(shipped - names)}"

    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    (site / "_ssbattery_test_deps.pth").write_text("\n".join(_dependency_paths()) + "\n")
    py = env_dir / "bin" / "python"
    installed = _run(
        *(sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps"),
        *("--no-index", "--no-compile", "--quiet", str(wheel)),
    )
    assert installed.returncode == 0, installed.stderr
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    where = _run(str(py), "-c", "import ssbattery; print(ssbattery.__file__)", env=clean)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr

    exe = str(env_dir / "bin" / "ssbattery")
    assert _run(exe, "--version", env=clean).stdout.strip() == f"ssbattery {version}"
    shown = _run(exe, "electrolytes", "show", "LGPS", "--json", env=clean)
    assert shown.returncode == 0, shown.stderr
    lgps = json.loads(shown.stdout)
    assert lgps["conductivity_mS_cm"] == pytest.approx(12.0)  # review Table 1
    spectra = site / "ssbattery" / "electrolytes" / "data" / "example_spectra"
    fit = _run(
        *(exe, "eis", "fit", str(spectra / "example_25C.csv"), "--thickness-mm", "1"),
        *("--diameter-mm", "10", "--json"),
        env=clean,
    )
    assert fit.returncode == 0, fit.stderr
    assert json.loads(fit.stdout)
    out = tmp_path / "report"
    rep = _run(
        *(str(py), "-m", "ssbattery", "reproduce", "--out", str(out)),
        *("--only", ",".join(FIGURES_FROM_WHEEL)),
        env=clean,
        cwd=tmp_path,
    )
    assert rep.returncode == 0, rep.stdout[-3000:] + rep.stderr[-3000:]
    page = (out / "index.html").read_text(encoding="utf-8")
    for key in FIGURES_FROM_WHEEL:
        assert f'id="{key}"' in page
    assert "0 failed" in page
