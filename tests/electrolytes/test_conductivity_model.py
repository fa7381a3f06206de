"""Composition model of σ_RT on OBELiX: split, features, censoring, conformal interval, CLI.

The headline test-split figures (MAE, coverage, baselines) are measured by
benchmarks/bench_predict.py (recorded in benchmarks/RESULTS_predict.md); here the shipped
model (final ensemble from the shipped calibration, a few s) is checked against them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ssbattery.electrolytes.conductivity_model import (
    censored_errors,
    composition_features,
    conformal_quantile,
    load_obelix_split,
    paper_effects,
    train_conductivity_model,
)
from ssbattery.errors import InvalidParameterError


def test_official_split_sizes_and_censored_rows() -> None:
    train, test = load_obelix_split()
    assert (len(train), len(test)) == (478, 121)  # OBELiX data/downloads/train.csv, test.csv
    assert sum(r.censored for r in train) == 29
    assert sum(r.censored for r in test) == 8
    assert all(r.log10_sigma <= -8.0 for r in train if r.censored)  # '<1E-10' and the like
    assert not {r.id for r in train} & {r.id for r in test}


def test_features_are_fractions_then_weighted_statistics() -> None:
    els = ("Cl", "Li", "P", "S")
    x = composition_features("Li6PS5Cl", els)
    np.testing.assert_allclose(x[:4], np.array([1, 6, 1, 5]) / 13)
    # weighted mean Z = (3·6 + 15 + 16·5 + 17)/13
    assert x[4] == pytest.approx((3 * 6 + 15 + 16 * 5 + 17) / 13)
    assert x[-4] == pytest.approx(6 / 13)  # Li fraction
    assert x[-3] == 4.0  # number of elements
    with pytest.raises(InvalidParameterError, match="formula"):
        composition_features("Lq7Xx", els)


def test_chemistry_block_of_an_argyrodite_and_a_doped_garnet() -> None:
    """Anion-weighted Pauling electronegativity and anionic radius (pymatgen's tables: S 2.58 /
    1.70 Å, Cl 3.16 / 1.67 Å, O 3.44 / 1.26 Å), family/class one-hots and Li off-stoichiometry."""
    from ssbattery.electrolytes.anions import CHEMICAL_CLASSES
    from ssbattery.electrolytes.conductivity_model import chemistry_features
    from ssbattery.electrolytes.families import FAMILY_RULES

    nf, nc = len(FAMILY_RULES), len(CHEMICAL_CLASSES)
    a = chemistry_features("Li6PS5Cl")
    assert len(a) == nf + nc + 7
    assert a[list(FAMILY_RULES).index("argyrodite")] == 1.0 and sum(a[:nf]) == 1.0
    assert a[nf + CHEMICAL_CLASSES.index("sulfohalide")] == 1.0 and sum(a[nf : nf + nc]) == 1.0
    x_an, r_an, soft, halide, x_cat, off, n_an = a[nf + nc :]
    assert x_an == pytest.approx((5 * 2.58 + 3.16) / 6)
    assert r_an == pytest.approx((5 * 1.70 + 1.67) / 6)
    assert (soft, halide) == (pytest.approx(5 / 6), pytest.approx(1 / 6))
    assert x_cat == pytest.approx(2.19)  # P, the only non-Li cation
    assert (off, n_an) == (0.0, 2.0)
    g = chemistry_features("Li6.4La3Zr1.4Ta0.6O12")
    assert g[list(FAMILY_RULES).index("garnet")] == 1.0
    assert g[nf + CHEMICAL_CLASSES.index("oxide")] == 1.0
    assert g[nf + nc] == pytest.approx(3.44) and g[nf + nc + 1] == pytest.approx(1.26)
    # cations La, Zr, Ta: (3·1.10 + 1.4·1.33 + 0.6·1.5)/5
    assert g[nf + nc + 4] == pytest.approx((3 * 1.10 + 1.4 * 1.33 + 0.6 * 1.5) / 5)
    assert g[nf + nc + 5] == pytest.approx(0.4)  # 6.4 Li: 0.6 vacancies per formula unit


def test_cv_groups_are_papers_and_the_official_split_shares_none() -> None:
    """OBELiX's official split is by paper: no DOI is in both halves (177 train, 46 test)."""
    train, test = load_obelix_split()
    doi_train = {r.reference for r in train}
    doi_test = {r.reference for r in test}
    assert (len(doi_train), len(doi_test)) == (177, 46)
    assert not doi_train & doi_test
    assert all(r.group == r.reference for r in train)


def test_censored_error_is_one_sided() -> None:
    pred = np.array([-11.0, -9.0, -3.0])
    y = np.array([-10.0, -10.0, -4.0])
    c = np.array([True, True, False])
    np.testing.assert_allclose(censored_errors(pred, y, c), [0.0, 1.0, 1.0])


def testconformal_quantile_is_the_ceil_n_plus_1_level_order_statistic() -> None:
    e = np.arange(1.0, 20.0)  # n = 19: ⌈20 · 0.9⌉ = 18 → the 18th smallest
    assert conformal_quantile(e, 0.9) == 18.0
    assert conformal_quantile(e, 0.5) == 10.0


@pytest.fixture(scope="module")
def small_model():
    return train_conductivity_model(n_trees=10)


def test_small_model_is_deterministic_and_predicts_sulfides_above_oxides(small_model) -> None:
    again = train_conductivity_model(n_trees=10)
    f = ["Li6PS5Cl", "Li10GeP2S12", "Li7La3Zr2O12", "Li3PO4"]
    np.testing.assert_array_equal(small_model.predict_log10(f), again.predict_log10(f))
    p = small_model.predict_log10(f)
    # thio-LISICON/argyrodite vs garnet vs γ-Li3PO4: OBELiX's own ordering (10⁻³ … 10⁻⁸ S/cm)
    assert min(p[0], p[1]) > p[3]
    pred = small_model.predict("Li6PS5Cl", level=0.9)
    assert pred.lower < pred.log10_sigma_S_cm < pred.upper
    assert pred.upper - pred.lower == pytest.approx(
        2 * small_model.half_widths(["Li6PS5Cl"], level=0.9)[0]
    )
    assert math.isfinite(pred.sigma_mS_cm)
    wider = small_model.predict("Li6PS5Cl", level=0.95)
    assert wider.upper - wider.lower >= pred.upper - pred.lower
    assert small_model.predict("Li2CsI3").unseen_elements == ("Cs",) or "Cs" in small_model.elements


def test_cli_predict_json_and_bad_formula(small_model, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    import ssbattery.electrolytes.conductivity_model as cm
    from ssbattery.cli import app

    monkeypatch.setattr(cm, "default_model", lambda **_: small_model)
    res = CliRunner().invoke(app, ["electrolytes", "predict", "Li6PS5Cl", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    lo, hi = s["interval [log10 S/cm]"]
    assert lo < s["log10_sigma [log10 S/cm]"] < hi
    assert s["sigma [mS/cm]"] == pytest.approx(1e3 * 10 ** s["log10_sigma [log10 S/cm]"])
    assert s["interval_level [1]"] == 0.9
    assert s["interval_half_width [dex]"] == pytest.approx((hi - lo) / 2)
    assert s["interval_method"].startswith("normalised split-conformal")
    bad = CliRunner().invoke(app, ["electrolytes", "predict", "Lq7Xx"])
    assert bad.exit_code == 2
    assert "FORMULA" in bad.output and "unknown element symbol 'Lq'" in bad.output


def test_cli_predict_many_formulas_and_a_candidate_file(small_model, monkeypatch, tmp_path):
    """Several formulas, or --from-file, give one row each, equal to one-by-one predictions
    (``predict_many`` is ``predict`` vectorised); the structure options need one formula."""
    import json

    from typer.testing import CliRunner

    import ssbattery.electrolytes.conductivity_model as cm
    from ssbattery.cli import app

    monkeypatch.setattr(cm, "default_model", lambda **_: small_model)
    f = ["Li6PS5Cl", "Li3YCl6", "Li7La3Zr2O12"]
    many = small_model.predict_many(f, level=0.8)
    assert many == tuple(small_model.predict(x, level=0.8) for x in f)
    assert small_model.predict_many([]) == ()
    with pytest.raises(InvalidParameterError, match="`structures` has 1 entries for 3"):
        small_model.predict_many(f, structures=[None])
    res = CliRunner().invoke(app, ["electrolytes", "predict", *f, "--level", "0.8", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["predictions"]
    assert [r["formula"] for r in rows] == f
    for r, p in zip(rows, many, strict=True):
        assert r["log10_sigma [log10 S/cm]"] == pytest.approx(p.log10_sigma_S_cm)
        assert r["interval [log10 S/cm]"] == pytest.approx([p.lower, p.upper])
    path = tmp_path / "c.csv"
    path.write_text("formula,note\n" + "\n".join(f"{x},x" for x in f) + "\n", encoding="utf-8")
    out = tmp_path / "pred.csv"
    res = CliRunner().invoke(
        app, ["electrolytes", "predict", "--from-file", str(path), "--csv", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "3 candidates" in res.stdout and "Li7La3Zr2O12" in res.stdout
    # a level is printed with the digits it has (0.997 was shown as "100% interval")
    res = CliRunner().invoke(app, ["electrolytes", "predict", "Li6PS5Cl", "--level", "0.997"])
    assert res.exit_code == 0, res.output
    assert "99.7% interval" in res.stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and lines[3].startswith("Li7La3Zr2O12,")
    for argv in (
        [],
        ["Li6PS5Cl", "--from-file", str(path)],
        ["Li6PS5Cl", "Li3YCl6", "--lattice", "9.8,9.8,9.8,90,90,90", "--z", "4"],
        ["Li6PS5Cl", "--csv", str(tmp_path / "absent" / "p.csv")],
    ):
        bad = CliRunner().invoke(app, ["electrolytes", "predict", *argv])
        assert bad.exit_code == 2 and bad.stderr.count("error:") == 1, argv


def test_predict_reads_formulas_as_classify_does(small_model) -> None:
    """predict and classify share one parser: Li₃N is Li3N, Li2/3La1/3TiO3 is LLTO with
    fractions, LiCl·H2O is LiCl + H2O (equal to the formula written out)."""
    from ssbattery.electrolytes.screening import classify

    pairs = [("Li₃N", "Li3N"), ("Li2/3La1/3TiO3", "Li0.6666666666666666La0.3333333333333333TiO3")]
    pairs.append(("LiCl·H2O", "LiClH2O"))
    for written, plain in pairs:
        assert small_model.predict(written).log10_sigma_S_cm == pytest.approx(
            small_model.predict(plain).log10_sigma_S_cm, abs=1e-12
        )
        assert classify(written).chemical.label in ("nitride", "oxide", "halide")


@pytest.mark.parametrize(
    ("formula", "match"),
    [
        # no carrier the model was trained on (OBELiX: Li, Na, K, Mg conductors)
        ("He", "no mobile ion the model knows \\(Li, Na, K, Mg\\)"),
        ("O2", "no mobile ion"),
        ("Li0O", "no mobile ion"),  # Li written with amount 0 is no Li
        # exponent notation is refused, not read (1e-400 underflowed and dropped the Li)
        ("Li1e-400O", "plain decimals"),
        ("Li3N2.5e3", "plain decimals"),
        ("Li1e400O", "plain decimals"),  # was a raw OverflowError
        ("Li0." + "0" * 400 + "1O", "too small to represent"),  # underflows to 0
        ("Li" + "3" * 10_000 + "N", "amount of inf .*above the 1e\\+06"),  # was OverflowError
        ("Li99999999999999999999O", "1e\\+20 per formula unit"),
        ("Li3xN", "stoichiometry in x; write the amounts as numbers"),
    ],
)
def test_predict_refuses_formulas_it_cannot_mean(small_model, formula: str, match: str) -> None:
    with pytest.raises(InvalidParameterError, match="^`formula` '.*" + match):
        small_model.predict(formula)


def test_level_above_what_the_calibration_supports_is_refused(small_model) -> None:
    # split-conformal with n residuals: the ⌈(n+1)·level⌉-th of them exists only for
    # level ≤ n/(n+1) (478 OBELiX training rows: 0.9979); above it no finite interval holds
    n = small_model.oof_abs_errors.size
    assert n == 478
    top = n / (n + 1)
    assert small_model.quantile(top) == pytest.approx(small_model.quantile(0.9979))
    with pytest.raises(InvalidParameterError, match=r"`level` 0\.9999999 .* 478 .*= 0\.9979"):
        small_model.predict("Li3N", level=0.9999999)


def test_cli_predict_csv_never_replaces_the_candidate_list(small_model, monkeypatch, tmp_path):
    """`--csv` onto the `--from-file` list is refused (it would lose the user's list), even
    with `--overwrite`; onto any other existing file only with `--overwrite`."""
    from typer.testing import CliRunner

    import ssbattery.electrolytes.conductivity_model as cm
    from ssbattery.cli import app

    monkeypatch.setattr(cm, "default_model", lambda **_: small_model)
    cands = tmp_path / "cands.csv"
    cands.write_text("formula\nLi3N\nLi6PS5Cl\n", encoding="utf-8")
    run = ["electrolytes", "predict", "--from-file", str(cands), "--csv"]
    for extra in ([], ["--overwrite"]):
        bad = CliRunner().invoke(app, [*run, str(cands), *extra])
        assert bad.exit_code == 2 and bad.stderr.count("error:") == 1
        assert "`--csv`" in bad.stderr and "input file `--from-file`" in bad.stderr
    assert cands.read_text(encoding="utf-8") == "formula\nLi3N\nLi6PS5Cl\n"
    mine = tmp_path / "mine.csv"
    mine.write_text("keep me\n", encoding="utf-8")
    bad = CliRunner().invoke(app, [*run, str(mine)])
    assert bad.exit_code == 2 and "pass `--overwrite` to replace it" in bad.stderr
    assert mine.read_text(encoding="utf-8") == "keep me\n"
    ok = CliRunner().invoke(app, [*run, str(mine), "--overwrite"])
    assert ok.exit_code == 0, ok.output
    assert len(mine.read_text(encoding="utf-8").splitlines()) == 3  # header + two rows


def test_structure_descriptor_from_the_lattice() -> None:
    from ssbattery.electrolytes.conductivity_model import StructureDescriptor

    # cubic a = 10 Å, Z = 8 of Li7La3Zr2O12 (24 atoms): V = 1000 Å³, 192 atoms, 56 Li
    s = StructureDescriptor.from_lattice(
        [10.0, 10.0, 10.0], [90.0, 90.0, 90.0], formula="Li7La3Zr2O12", z=8, space_group=230
    )
    assert s.volume_per_atom_A3 == pytest.approx(1000.0 / 192)
    assert s.li_per_nm3 == pytest.approx(56.0)  # 56 Li per 1 nm³
    np.testing.assert_allclose(s.as_array(), [1000.0 / 192, 56.0, 230.0])
    with pytest.raises(InvalidParameterError, match="space_group"):
        StructureDescriptor.from_lattice(
            [10.0] * 3, [90.0] * 3, formula="Li7La3Zr2O12", z=8, space_group=231
        )
    train, test = load_obelix_split()
    assert all(r.structure is not None for r in (*train, *test))  # OBELiX gives every lattice


def test_obelix_rows_per_formula_unit_and_cell_counted_once() -> None:
    """OBELiX's True Composition is the cell's content (Z formula units): a row's composition
    is it divided by Z, and its structure descriptor counts the cell's atoms once, V/atom =
    V_cell / N_cell and Li density = Li_cell / V_cell, checked on every row against the cell
    volume from the lattice (they had been Z times off, RESULTS_predict_choice.md)."""
    import csv

    from pymatgen.core import Composition, Lattice

    from ssbattery.electrolytes.conductivity_model import chemistry_features
    from ssbattery.electrolytes.obelix import obelix_path

    train, test = load_obelix_split()
    rows = {r.id: r for r in (*train, *test)}
    with open(obelix_path(), newline="", encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            r = rows[raw["ID"]]
            cell = Composition(raw["True Composition"] or raw["Reduced Composition"])
            z = float(raw["Z"])
            assert Composition(r.composition).almost_equals(cell / z, rtol=1e-12)
            v = Lattice.from_parameters(
                *(float(raw[k]) for k in ("a", "b", "c", "alpha", "beta", "gamma"))
            ).volume
            assert r.structure.volume_per_atom_A3 == pytest.approx(v / cell.num_atoms)
            assert r.structure.li_per_nm3 == pytest.approx(1e3 * cell["Li"] / v)
    # Li3.25Ge0.25P0.75S4 (Z = 24, Li78 per cell): the Li off-stoichiometry is 0.25 per formula
    # unit, as the formula is written, not 0.0 as the cell's Li78 would give.
    target = Composition("Li3.25Ge0.25P0.75S4")
    ge = next(r for r in rows.values() if Composition(r.composition).almost_equals(target))
    assert chemistry_features(ge.composition)[-2] == pytest.approx(0.25)


def test_structure_model_needs_a_structure() -> None:
    m = train_conductivity_model(n_trees=5, use_structure=True)
    assert m.uses_structure
    with pytest.raises(InvalidParameterError, match="StructureDescriptor"):
        m.predict_log10(["Li6PS5Cl"])
    row = next(r for r in m.train_rows if r.composition.startswith("Li6"))
    assert math.isfinite(m.predict(row.composition, structure=row.structure).log10_sigma_S_cm)


def test_cli_predict_structure_options_all_or_none(small_model, monkeypatch) -> None:
    from typer.testing import CliRunner

    import ssbattery.electrolytes.conductivity_model as cm
    from ssbattery.cli import app

    monkeypatch.setattr(cm, "default_model", lambda **_: small_model)
    res = CliRunner().invoke(app, ["electrolytes", "predict", "Li6PS5Cl", "--lattice", "9.8,9.8"])
    assert res.exit_code == 2
    assert "--z" in res.output and "--space-group" in res.output


@pytest.mark.filterwarnings("ignore::DeprecationWarning:spglib")
def test_structure_descriptor_from_a_cif(tmp_path) -> None:
    from pymatgen.core import Lattice, Structure
    from pymatgen.io.cif import CifWriter

    from ssbattery.electrolytes.conductivity_model import StructureDescriptor

    # antifluorite Li2O, Fm-3m (225), a = 4.61 Å: 4 O and 8 Li in the conventional cell
    li2o = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(4.61), ["O", "Li"], [[0, 0, 0], [0.25, 0.25, 0.25]]
    )
    CifWriter(li2o, symprec=0.01).write_file(tmp_path / "Li2O.cif")  # states 225
    s = StructureDescriptor.from_cif(tmp_path / "Li2O.cif")
    assert s.volume_per_atom_A3 == pytest.approx(4.61**3 / 12)
    assert s.li_per_nm3 == pytest.approx(8e3 / 4.61**3)
    assert s.space_group == 225
    from ssbattery.errors import DataFormatError

    with pytest.raises(DataFormatError, match="CIF file not found"):
        StructureDescriptor.from_cif(tmp_path / "none.cif")
    m = train_conductivity_model(n_trees=5, use_structure=True)
    assert math.isfinite(m.predict("Li2O", structure=s).log10_sigma_S_cm)
    with pytest.raises(InvalidParameterError, match="the CIF holds Li8 O4, not `formula`"):
        m.predict("Li3N", structure=s)


def test_benchmark_scores_the_model_beside_the_issues_baselines(small_model) -> None:
    from ssbattery.electrolytes.conductivity_model import benchmark_conductivity_model

    r = benchmark_conductivity_model(small_model, level=0.9)
    # baselines measured on OBELiX's official split (issue 13 §4): training mean 1.95 dex,
    # random forest on composition 1.35, extra trees 1.28. The mean needs no model; the
    # package's forests see the element fractions alone (100 trees, seed 0), and land
    # between the mean and the issue's richer-featured forests
    base = dict(r.baselines)
    assert base["training mean"] == pytest.approx(1.95, abs=0.005)
    for name in ("random forest, element fractions", "extra trees, element fractions"):
        assert 1.28 - 0.01 < base[name] < 1.95
    c = r.composition
    assert c.n_test == 121 and r.n_test_censored == int(
        sum(t.censored for t in load_obelix_split()[1])
    )
    assert c.mae < base["training mean"] and 0 < c.mae_se < 0.3
    assert 0.0 <= c.coverage <= 1.0 and c.level == 0.9
    test = load_obelix_split()[1]
    h = small_model.half_widths([t.composition for t in test], level=0.9)
    assert c.half_width == pytest.approx(float(h.mean())) and c.interval == "adaptive"
    d = r.to_dict()
    assert d["composition_model"]["MAE [dex]"] == c.mae
    assert d["composition_model"]["MAE error [dex]"] == c.mae_se
    assert {"baseline": "training mean", "MAE [dex]": base["training mean"]} in d["baselines"]
    assert "structure_model" not in d and r.structure is None
    assert f"MAE {c.mae:.3f} ± {c.mae_se:.3f} dex" in str(r)
    # the model minus each baseline on the same rows: the differences of the reported MAEs
    assert [(p.model, p.other) for p in r.paired] == [("composition model", n) for n in base]
    for p in r.paired:
        assert p.difference == pytest.approx(c.mae - base[p.other], abs=1e-12)
        assert 0 < p.difference_se < 0.3 and 0 <= p.wins <= 1
    assert d["paired_differences"][0]["model"] == "composition model"
    assert d["paired_differences"][0]["MAE difference [dex]"] == r.paired[0].difference
    # censoring is scored the same way where the interval is calibrated and where it is
    # judged: the conformal quantile is one of censored_errors / σ on out-of-fold rows, and a
    # test row counts as covered exactly when its censored_error is ≤ its half-width
    # (a "<" row: lower end ≤ bound ⟺ max(0, pred − bound) ≤ h)
    pred = small_model.predict_log10([t.composition for t in test])
    err = censored_errors(
        pred, np.array([t.log10_sigma for t in test]), np.array([t.censored for t in test])
    )
    assert c.coverage == pytest.approx(float(np.mean(err <= h)))
    assert c.mae == pytest.approx(float(np.mean(err)))
    # interval score (Gneiting & Raftery 2007, eq. 43) at α = 0.1: width + 20 × the miss;
    # a censored row's miss is max(0, lower − bound) = its censored_error beyond h
    assert c.interval_score == pytest.approx(float(np.mean(2 * h + 20 * np.maximum(0, err - h))))


def test_paired_difference_by_hand() -> None:
    """The paired bootstrap of two error vectors: a constant offset is resolved exactly (its
    SE is 0, every resample won), identical errors give 0 ± 0 and no win, and the SE is the
    SD over the resamples of the difference of the two resampled means."""
    from ssbattery.electrolytes.conductivity_model import paired_difference

    a = np.linspace(0.1, 3.0, 40)
    p = paired_difference("a", a, "b", a + 0.25)
    assert p.difference == pytest.approx(-0.25) and p.difference_se == pytest.approx(0, abs=1e-12)
    assert p.wins == 1.0
    same = paired_difference("a", a, "b", a)
    assert (same.difference, same.difference_se, same.wins) == (0.0, 0.0, 0.0)
    rng = np.random.default_rng(3)
    b = a + rng.normal(0.0, 0.5, a.size)
    q = paired_difference("a", a, "b", b)
    boot = np.random.default_rng(0).integers(0, a.size, size=(2000, a.size))
    d = a[boot].mean(axis=1) - b[boot].mean(axis=1)
    assert q.difference == pytest.approx(a.mean() - b.mean())
    assert q.difference_se == pytest.approx(float(np.std(d))) and q.wins == np.mean(d < 0)
    # the SE of a mean difference of iid N(0, 0.5) offsets over 40 rows: 0.5/√40 ≈ 0.079
    assert q.difference_se == pytest.approx(0.5 / math.sqrt(40), rel=0.25)
    assert "MAE difference" in str(q) and q.to_dict()["other"] == "b"
    with pytest.raises(InvalidParameterError, match="same test rows"):
        paired_difference("a", a, "b", a[:-1])
    with pytest.raises(InvalidParameterError, match="finite"):
        paired_difference("a", a, "b", np.where(a > 1.0, np.nan, a))


def test_shipped_calibration_is_the_reported_cross_validation() -> None:
    """The shipped out-of-fold errors (data/obelix/calibration.json, written by
    bench_predict.py --calibration) give the interval and the CV figure the project reports:
    the 90 % split-conformal half-width 2.53 dex (RESULTS_predict.md; Lei et al. 2018's
    ⌈(n+1)·0.9⌉-th order statistic) and a mean out-of-fold error within 0.015 dex of the
    grouped-by-paper CV MAE 1.074 of the shipped model (RESULTS_predict_choice.md, after the
    family-template, phosphide and per-formula-unit fixes of 2026-12-04; its three shuffled
    fold draws give 1.094, 1.047 and 1.082): GroupKFold's draw is another draw of the same
    5-fold scheme."""
    import json
    from importlib import resources

    path = resources.files("ssbattery.electrolytes") / "data/obelix/calibration.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    err = np.array(data["oof_abs_errors"])
    assert err.size == len(load_obelix_split()[0]) == 478 and (err >= 0).all()
    assert conformal_quantile(err, 0.9) == pytest.approx(2.532, abs=0.005)
    assert float(err.mean()) == pytest.approx(1.074, abs=0.015)
    # the adaptive interval's calibration (round s13): the out-of-fold tree spreads [dex],
    # their median 1.215 the floor, and q the ⌈(n+1)·0.9⌉-th = 432nd smallest normalised score
    spread = np.array(data["oof_tree_spread"])
    assert spread.size == 478 and (spread > 0).all()
    assert float(np.median(spread)) == pytest.approx(1.2154, abs=1e-4)
    q = conformal_quantile(err / (spread + np.median(spread)), 0.9)
    assert q == pytest.approx(0.8247, abs=1e-4)
    assert int((err / (spread + np.median(spread)) <= q).sum()) == math.ceil(479 * 0.9) == 432


def test_shipped_model_on_the_official_test_split() -> None:
    """The shipped model (default_model: final ensemble trained from the shipped calibration,
    ~7 s) scored on OBELiX's 121 test rows gives the figures RESULTS_predict.md reports:
    censored MAE 1.205 dex (issue 13 §4 target < 1.2: not met; the mean over seeds 0–9 of
    the same procedure is 1.193) and, with the adaptive interval (round s13), 90 % coverage
    88.4 % (107 of 121; target 85–95 %: met) at a mean half-width of 2.344 dex; the constant
    interval covered 103 (85.1 %) with ± 2.532. The same on every CPU: the features' weighted
    sums do not go through BLAS, whose per-CPU kernels had moved the MAE to 1.238 on one."""
    from ssbattery.electrolytes.conductivity_model import default_model

    test = load_obelix_split()[1]
    m = default_model()
    pred = m.predict_log10([t.composition for t in test])
    y = np.array([t.log10_sigma for t in test])
    err = censored_errors(pred, y, np.array([t.censored for t in test]))
    assert float(err.mean()) == pytest.approx(1.205, abs=0.002)
    h = m.half_widths([t.composition for t in test], level=0.9)
    assert int((err <= h).sum()) == 107 and 0.85 <= 107 / 121 <= 0.95
    assert float(h.mean()) == pytest.approx(2.344, abs=0.002)
    # it adapts: ± 1.14 … 3.68 dex over the test rows, narrower where the trees agree
    assert h.min() == pytest.approx(1.143, abs=0.005) and h.max() == pytest.approx(3.678, abs=0.005)
    constant = int((err <= conformal_quantile(m.oof_abs_errors, 0.9)).sum())
    assert constant == 103


def test_shipped_model_against_the_baselines_paired() -> None:
    """What the 121 test rows resolve (RESULTS_predict.md, paired bootstrap over the same
    resamples): the shipped model minus the extra-trees baseline is −0.148 ± 0.083 dex and
    minus the random forest −0.161 ± 0.090 (each lower in 96 % of resamples), while the
    composition + structure model minus the composition model is +0.021 ± 0.048. The rows'
    difficulty is shared, so a paired SE is below the 0.12 of one MAE; still, the split cannot
    tell 1.205 from the issue's 1.2 dex target."""
    from ssbattery.electrolytes.conductivity_model import (
        benchmark_conductivity_model,
        default_model,
    )

    r = benchmark_conductivity_model(
        default_model(), structure_model=default_model(use_structure=True)
    )
    pairs = {(p.model, p.other): p for p in r.paired}
    et = pairs["composition model", "extra trees, element fractions"]
    rf = pairs["composition model", "random forest, element fractions"]
    both = pairs["composition + structure model", "composition model"]
    assert (et.difference, et.difference_se) == pytest.approx((-0.148, 0.083), abs=0.001)
    assert (rf.difference, rf.difference_se) == pytest.approx((-0.161, 0.090), abs=0.001)
    assert et.wins == pytest.approx(0.96, abs=0.01) and rf.wins == pytest.approx(0.96, abs=0.01)
    assert (both.difference, both.difference_se) == pytest.approx((0.021, 0.048), abs=0.001)
    assert et.difference_se < r.composition.mae_se and len(r.paired) == 7


def test_shipped_structure_model_on_the_official_test_split() -> None:
    """The composition + structure model (default_model(use_structure=True): the lattice, Z
    and space group OBELiX gives for every row, Z counted once) on the 121 test rows:
    censored MAE 1.226 dex (issue 13 §4's < 1.2 dex: not met; the formula-only model does
    better, 1.205) and, with the adaptive interval, 90 % coverage 91.7 % (111 of 121; the
    constant interval covered 102, 84.3 %), the figures of RESULTS_predict.md (2026-12-04)."""
    from ssbattery.electrolytes.conductivity_model import default_model

    test = load_obelix_split()[1]
    m = default_model(use_structure=True)
    pred = np.array(
        [m.predict(t.composition, structure=t.structure).log10_sigma_S_cm for t in test]
    )
    y = np.array([t.log10_sigma for t in test])
    err = censored_errors(pred, y, np.array([t.censored for t in test]))
    assert float(err.mean()) == pytest.approx(1.226, abs=0.002)
    h = m.half_widths(
        [t.composition for t in test], level=0.9, structures=[t.structure for t in test]
    )
    assert int((err <= h).sum()) == 111
    assert int((err <= conformal_quantile(m.oof_abs_errors, 0.9)).sum()) == 102


def test_tobit_imputation_is_the_truncated_normal_mean() -> None:
    """E[y | y < b] for y ~ N(μ, s²) (Tobin 1958) against brute-force quadrature of
    ∫ y φ dy / ∫ φ dy over (−∞, b); with μ far below the bound it tends to μ, with μ far above
    it to just below b (b − s²/(μ − b), the Mills-ratio limit)."""
    from scipy.integrate import quad
    from scipy.stats import norm

    from ssbattery.electrolytes.conductivity_model import tobit_imputation

    b, s = -10.0, 1.57
    for mu in (-14.0, -10.0, -7.0, -3.0):
        num = quad(lambda t, m=mu: t * norm.pdf(t, m, s), -60, b)[0]
        den = quad(lambda t, m=mu: norm.pdf(t, m, s), -60, b)[0]
        assert tobit_imputation(np.array([mu]), np.array([b]), s)[0] == pytest.approx(
            num / den, abs=1e-6
        )
    far = tobit_imputation(np.array([-40.0, 30.0]), np.array([b, b]), s)
    assert far[0] == pytest.approx(-40.0, abs=1e-9) and b - 0.1 < far[1] < b


def test_target_features_are_built_inside_the_folds_and_checked() -> None:
    """The composition-kNN target adds three columns (mean of the k nearest training rows'
    log10 σ, the nearest one's, its L1 distance) and the model stays deterministic; a name
    that is not a target feature is refused with the argument's name."""
    rows = load_obelix_split()[0][:120]
    m = train_conductivity_model(rows, n_trees=5, target_features=("knn5",))
    base = train_conductivity_model(
        rows, n_trees=5, oof_abs_errors=np.ones(len(rows)), interval="constant"
    )
    assert m.target_features == ("knn5",) and base.target_features == ()
    assert m.estimators[0].n_features_in_ == base.estimators[0].n_features_in_ + 3
    again = train_conductivity_model(rows, n_trees=5, target_features=("knn5",))
    f = ["Li6PS5Cl", "Li7La3Zr2O12"]
    np.testing.assert_array_equal(m.predict_log10(f), again.predict_log10(f))
    with pytest.raises(InvalidParameterError, match="target_features"):
        train_conductivity_model(rows, n_trees=5, target_features=("knn",))


def test_paper_effects_are_the_one_way_random_effects_blup() -> None:
    """Balanced one-way layout (Searle, Casella & McCulloch 1992, §3.5), worked by hand: paper
    means m = (1, −1, 2, −2), deviations (−0.1, 0, 0.1) in each → σ²_ε = 4·0.02/(12 − 4) =
    0.01, MSB = 3·10/3 = 10, n₀ = 3, σ²_b = (10 − 0.01)/3 = 3.33; b_p = 3 m_p/(3 + σ²_ε/σ²_b)."""
    means = np.array([1.0, -1.0, 2.0, -2.0])
    r = np.repeat(means, 3) + np.tile([-0.1, 0.0, 0.1], 4)
    groups = [g for g in "abcd" for _ in range(3)]
    shrink = 3 / (3 + 0.01 / (9.99 / 3))
    np.testing.assert_allclose(paper_effects(r, groups), np.repeat(means, 3) * shrink, rtol=1e-12)
    assert shrink == pytest.approx(0.999, abs=1e-3)
    # no between-paper variance (equal means) → no effect; one row per paper → none estimable
    flat = np.tile([-0.1, 0.0, 0.1], 4)
    np.testing.assert_allclose(paper_effects(flat, groups), 0.0, atol=1e-15)
    np.testing.assert_allclose(paper_effects(means, list("abcd")), 0.0)
    # rows left out by `use` do not enter; their paper's b still applies to them; Σ b = 0
    use = np.ones(12, bool)
    use[0] = False
    b = paper_effects(np.where(use, r, 50.0), groups, use)
    assert abs(b.sum()) < 1e-12 and b[0] == b[1] == b[2]
    with pytest.raises(InvalidParameterError, match="one entry per row"):
        paper_effects(r, groups[:-1])


def test_tree_spread_is_the_sd_of_the_forests_trees(small_model) -> None:
    """The adaptive interval's difficulty: the SD of the pooled per-tree predictions of the
    ensemble's extra trees and random forest (boosting has none), by hand."""
    from ssbattery.electrolytes.conductivity_model import tree_spread

    X = np.array([composition_features(f, small_model.elements) for f in ["Li6PS5Cl", "LiBH4"]])
    forests = [m for m in small_model.estimators if hasattr(m, "estimators_")]
    assert len(forests) == 2 and len(small_model.estimators) == 3
    by_hand = np.std([t.predict(X) for f in forests for t in f.estimators_], axis=0)
    np.testing.assert_allclose(tree_spread(small_model.estimators, X), by_hand, rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="no forest"):
        tree_spread(small_model.estimators[2:], X)


def test_adaptive_interval_is_normalised_conformal(small_model) -> None:
    """± q·σ(x), σ = tree spread + the median out-of-fold spread, q the ⌈(n+1)·level⌉-th
    smallest out-of-fold |r|/σ (Lei et al., JASA 113, 1094 (2018), § 5.2); the constant
    interval of the same errors is the plain split-conformal half-width."""
    import dataclasses

    from ssbattery.electrolytes.conductivity_model import tree_spread

    m = small_model
    assert m.interval == "adaptive" and m.scale_floor == pytest.approx(
        float(np.median(m.oof_tree_spread))
    )
    scores = m.oof_abs_errors / (m.oof_tree_spread + m.scale_floor)
    n = scores.size
    assert m.quantile(0.9) == pytest.approx(float(np.sort(scores)[math.ceil((n + 1) * 0.9) - 1]))
    f = ["Li6PS5Cl", "Li2CsI3"]
    X = np.array([composition_features(x, m.elements) for x in f])
    sigma = tree_spread(m.estimators, X) + m.scale_floor
    np.testing.assert_allclose(m.half_widths(f, level=0.9), m.quantile(0.9) * sigma)
    assert m.quantile(0.8) < m.quantile(0.9)  # a level not precomputed comes from the scores
    with pytest.raises(InvalidParameterError, match="half_widths"):
        m.width(0.9)
    flat = dataclasses.replace(m, score_quantile={}, oof_tree_spread=None, scale_floor=None)
    assert flat.interval == "constant"
    assert flat.width(0.9) == pytest.approx(conformal_quantile(m.oof_abs_errors, 0.9))
    np.testing.assert_allclose(flat.half_widths(f, level=0.9), flat.width(0.9))
    assert flat.predict("Li6PS5Cl").to_dict()["interval_method"].startswith("split-conformal")


def test_interval_option_is_checked() -> None:
    """``interval`` is one of two names, and a shipped calibration needs both its arrays."""
    with pytest.raises(InvalidParameterError, match="`interval` must be one of"):
        train_conductivity_model(n_trees=2, interval="wide")
    train = load_obelix_split()[0]
    with pytest.raises(InvalidParameterError, match="oof_tree_spread"):
        train_conductivity_model(n_trees=2, oof_abs_errors=np.ones(len(train)))
    with pytest.raises(InvalidParameterError, match="`oof_tree_spread` has 3 values"):
        train_conductivity_model(
            n_trees=2, oof_abs_errors=np.ones(len(train)), oof_tree_spread=np.ones(3)
        )
    m = train_conductivity_model(n_trees=2, oof_abs_errors=np.ones(len(train)), interval="constant")
    assert m.interval == "constant" and m.width(0.9) == 1.0
