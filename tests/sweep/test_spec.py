"""The sweep spec: ranges, zipped groups, and whole-spec validation with errors that name
the key and the fix (issue 10 §1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ssbattery.errors import DataFormatError, InvalidParameterError, ResourceLimitError
from ssbattery.sweep import load_spec

DICKE = {"model": "dicke", "fixed": {"coupling": 0.5, "steps": 20}}


def test_lists_linear_and_log_ranges_expand_in_order() -> None:
    spec = load_spec(
        {
            **DICKE,
            "sweep": {
                "n_atoms": [2, 4],
                "drive": {"start": 0.0, "stop": 1.0, "num": 3},
                "eta": {"start": 0.01, "stop": 1.0, "num": 3, "scale": "log"},
            },
        }
    )
    assert spec.dims == ("n_atoms", "drive", "eta")
    assert spec.shape == (2, 3, 3) and spec.size == 18
    assert spec.axes[1].values[0] == (0.0, 0.5, 1.0)
    np.testing.assert_allclose(spec.axes[2].values[0], [0.01, 0.1, 1.0], rtol=1e-12)
    last = spec.point((1, 2, 2))
    assert last["n_atoms"] == 4 and last["drive"] == 1.0 and last["coupling"] == 0.5
    assert last["photon_cutoff"] is None  # the model's own default (4N)


def test_integer_range_stays_integer_and_zip_groups_share_a_dimension() -> None:
    spec = load_spec(
        {
            **DICKE,
            "sweep": {"n_atoms": {"start": 2, "stop": 6, "num": 3}},
            "zip": {"window": {"t_max": [1.0, 2.0], "photon_cutoff": [24, 30]}},
        }
    )
    assert spec.axes[0].values[0] == (2, 4, 6)
    assert spec.dims == ("n_atoms", "window") and spec.shape == (3, 2)
    p = spec.point((0, 1))
    assert (p["t_max"], p["photon_cutoff"]) == (2.0, 30)


def test_toml_file_and_glob_of_files(tmp_path: Path) -> None:
    (tmp_path / "spectra").mkdir()
    for name in ("b.csv", "a.csv"):
        (tmp_path / "spectra" / name).write_text("1,2,3\n")
    path = tmp_path / "s.toml"
    path.write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\ndiameter_mm = 10.0\n'
        '[sweep]\nspectrum = {glob = "spectra/*.csv"}\n'
    )
    spec = load_spec(path)
    assert [Path(p).name for p in spec.axes[0].values[0]] == ["a.csv", "b.csv"]


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        ({"model": "dickee"}, InvalidParameterError, "`model` = 'dickee'.*choose one of.*dicke"),
        ({**DICKE, "colour": 1}, InvalidParameterError, "unknown key `colour`"),
        ({**DICKE, "sweep": {"atoms": [1, 2]}}, InvalidParameterError, r"`sweep.atoms`.*n_atoms"),
        ({**DICKE, "sweep": {"n_atoms": []}}, InvalidParameterError, "`sweep.n_atoms` is empty"),
        (
            {**DICKE, "sweep": {"n_atoms": {"start": 1, "stop": 4, "num": 0}}},
            InvalidParameterError,
            r"`sweep.n_atoms.num` = 0 gives an empty range",
        ),
        (
            {**DICKE, "sweep": {"eta": {"start": 0, "stop": 1, "num": 3, "scale": "log"}}},
            InvalidParameterError,
            "log range needs start and stop > 0",
        ),
        (
            {**DICKE, "sweep": {"n_atoms": {"start": 1, "stop": 4, "num": 3}}},
            InvalidParameterError,
            r"`sweep.n_atoms\[1\]` must be int",
        ),
        (
            {**DICKE, "sweep": {"coupling": [0.1, 0.2]}},
            InvalidParameterError,
            "already set by `fixed.coupling`",
        ),
        (
            {**DICKE, "fixed": {"n_atoms": 2}},
            InvalidParameterError,
            "needs coupling",
        ),
        (
            {**DICKE, "zip": {"w": {"t_max": [1.0, 2.0], "drive": [0.1]}}},
            InvalidParameterError,
            "different lengths",
        ),
        (
            {**DICKE, "sweep": {"n_atoms": [4, 0]}},
            InvalidParameterError,
            "point n_atoms=0 is refused by model 'dicke'.*n_atoms",
        ),
        (
            {**DICKE, "sweep": {"n_atoms": [4, 5000]}},
            ResourceLimitError,
            r"point n_atoms=5000 of model 'dicke': the Dicke photon window \(N = 5000, at least "
            r"the photon layers 0 … 5000, 20 times\) would need about .* GiB.*shrink that range",
        ),
        (  # the model's own whole-run estimate (Lanczos vectors, H, outputs)
            {**DICKE, "fixed": {**DICKE["fixed"], "photon_cutoff": 16000}}
            | {"sweep": {"n_atoms": [4, 4000]}},
            ResourceLimitError,
            r"point n_atoms=4000 of model 'dicke': the Dicke battery .* at its peak "
            r"\(evolving: .*propagator work vectors.*shrink that range under \[sweep\]",
        ),
        (
            {"model": "spin-chain", "sweep": {"n_sites": [4, 34]}},
            ResourceLimitError,
            r"point n_sites=34 of model 'spin-chain': the 34-site spin chain .* at its peak",
        ),
        (  # an integer beyond the float range had raised a bare OverflowError
            {**DICKE, "sweep": {"drive": [0.0, 10**400]}},
            InvalidParameterError,
            r"`sweep.drive\[1\]` must be finite, got inf",
        ),
        (
            {**DICKE, "sweep": {"n_atoms": 4}},
            InvalidParameterError,
            "a single value goes under \\[fixed\\]",
        ),
    ],
)
def test_bad_specs_are_refused_naming_the_key(spec: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        load_spec(spec)


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="does not exist"):
        load_spec(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("model = \n")
    with pytest.raises(DataFormatError, match="not valid TOML"):
        load_spec(bad)


def test_fingerprint_tracks_what_determines_results() -> None:
    a = load_spec({**DICKE, "sweep": {"n_atoms": [2, 4]}})
    b = load_spec({**DICKE, "sweep": {"n_atoms": [2, 4]}, "name": "other"})
    c = load_spec({**DICKE, "sweep": {"n_atoms": [2, 5]}})
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


@pytest.mark.parametrize(
    ("sweep", "match"),
    [
        # 10⁹ points: the range had been expanded (8 GB) and every point built, until the
        # process was killed for memory
        ({"alpha": {"start": -2.0, "stop": -1.0, "num": 10**9}}, r"`sweep.alpha.num` = 1,000"),
        (
            {"alpha": [-1.0, -2.0], "beta": {"start": 1.0, "stop": 2.0, "num": 600_000}},
            r"1,200,000 points \(alpha \(2\) × beta \(600000\)\), more than the 1,000,000",
        ),
        # num = 1 had kept start and dropped stop without a word
        ({"alpha": {"start": -2.0, "stop": -1.0, "num": 1}}, "stop = -1.0 would be ignored"),
        # -0.0 and 0.0 are one point (one coordinate value), not two
        ({"alpha": [0.0, -0.0]}, "`sweep.alpha` repeats a value"),
    ],
)
def test_oversized_ambiguous_and_repeated_ranges_are_refused_at_once(
    sweep: dict, match: str
) -> None:
    import time

    start = time.perf_counter()
    with pytest.raises(InvalidParameterError, match=match):
        load_spec({"model": "landau", "sweep": sweep})
    assert time.perf_counter() - start < 5.0  # refused before the points are built
    with pytest.raises(InvalidParameterError, match="repeats a combination"):
        load_spec({"model": "landau", "zip": {"g": {"alpha": [0.0, -0.0], "beta": [1.0, 1.0]}}})
    one = load_spec(
        {"model": "landau", "sweep": {"alpha": {"start": -2.0, "stop": -2.0, "num": 1}}}
    )
    assert one.axes[0].values == ((-2.0,),)


def test_a_fixed_path_is_relative_to_the_spec_file_like_a_swept_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    (tmp_path / "proj" / "data").mkdir(parents=True)
    shutil.copy(example_spectra_dir() / "example_25C.csv", tmp_path / "proj" / "data" / "s.csv")
    spec = tmp_path / "proj" / "e.toml"
    spec.write_text(
        'model = "eis-fit"\n[fixed]\nspectrum = "data/s.csv"\narea_mm2 = 5.0\n'
        "[sweep]\nthickness_mm = [1.0, 2.0]\n"
    )
    monkeypatch.chdir(tmp_path)  # elsewhere than the spec's folder
    # [fixed] spectrum had been read from the working folder: "data/s.csv is not a file"
    loaded = load_spec(spec)
    assert loaded.fixed["spectrum"] == str(tmp_path / "proj" / "data" / "s.csv")
    swept = tmp_path / "proj" / "g.toml"
    swept.write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\narea_mm2 = 5.0\n'
        '[sweep]\nspectrum = ["data/s.csv"]\n'
    )
    assert load_spec(swept).axes[0].values == ((loaded.fixed["spectrum"],),)


def test_a_glob_under_a_spec_given_by_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from ssbattery.electrolytes.impedance.examples import example_spectra_dir

    (tmp_path / "proj" / "spectra").mkdir(parents=True)
    for t in ("25C", "40C"):
        shutil.copy(example_spectra_dir() / f"example_{t}.csv", tmp_path / "proj" / "spectra")
    (tmp_path / "proj" / "s.toml").write_text(
        'model = "eis-fit"\n[fixed]\nthickness_mm = 1.0\narea_mm2 = 5.0\n'
        '[sweep]\nspectrum = {glob = "spectra/*.csv"}\n'
    )
    monkeypatch.chdir(tmp_path)
    # `ssbattery sweep proj/s.toml`: the glob's matches (proj/spectra/…) had been joined to
    # the spec's folder a second time, "proj/proj/spectra/example_25C.csv is not a file"
    spec = load_spec("proj/s.toml")
    expected = tuple(
        str(tmp_path / "proj" / "spectra" / f"example_{t}.csv") for t in ("25C", "40C")
    )
    assert spec.axes[0].values == (expected,)


def test_a_model_revision_enters_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``dicke`` entry's default t_max became π/(ωc g√N) (was π/(g√N) for every ωc): a
    store written before holds points on the old grid for ωc ≠ 1, and the same spec must
    not resume it and mix the two. Its revision (1) enters the fingerprint (an entry at
    revision 0 adds nothing to it, so its stores keep resuming)."""
    from dataclasses import replace

    import ssbattery.sweep.spec as spec_module
    from ssbattery.sweep.registry import get_entry

    spec = load_spec(
        {**DICKE, "fixed": {**DICKE["fixed"], "omega_cav": 2.0}, "sweep": {"n_atoms": [2, 4]}}
    )
    assert get_entry("dicke").revision == 1
    now = spec.fingerprint()
    before = replace(get_entry("dicke"), revision=0)
    monkeypatch.setattr(spec_module, "get_entry", lambda name: before)
    assert spec.fingerprint() != now
    assert get_entry("otto").revision == 0
