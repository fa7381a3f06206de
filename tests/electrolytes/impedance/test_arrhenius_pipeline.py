"""End to end: shipped synthetic spectra → fits → σ → Arrhenius; CLI; plots; report figures."""

from __future__ import annotations

import json
import math
import shutil
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from typer.testing import CliRunner

from ssbattery.cli import app
from ssbattery.electrolytes.impedance.arrhenius_pipeline import (
    ArrheniusAnalysis,
    analyse_temperature_series,
    collect_spectrum_files,
)
from ssbattery.electrolytes.impedance.conductivity import Pellet
from ssbattery.electrolytes.impedance.examples import (
    EXAMPLE_TRUTH,
    example_spectra_dir,
    example_spectrum,
    write_example_spectra,
)
from ssbattery.electrolytes.impedance.measured import measured_spectra_dir
from ssbattery.electrolytes.transport import K_B_EV_PER_K
from ssbattery.errors import DataFormatError, InvalidParameterError, ValidityWarning

matplotlib.use("Agg")

runner = CliRunner()
EXAMPLES = example_spectra_dir()
DATA = Path(__file__).parent / "data"
MEASURED = measured_spectra_dir() / "s04147"
PELLET = Pellet.from_mm(EXAMPLE_TRUTH.thickness_mm, diameter_mm=EXAMPLE_TRUTH.diameter_mm)


@pytest.fixture(scope="module")
def analysis() -> ArrheniusAnalysis:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyse_temperature_series([EXAMPLES], PELLET)


def test_shipped_examples_are_the_generator_output(tmp_path: Path) -> None:
    written = write_example_spectra(tmp_path)
    assert len(written) == 9
    for p in written:
        shipped = EXAMPLES / p.relative_to(tmp_path)
        assert shipped.read_bytes() == p.read_bytes(), p.name


def test_pipeline_recovers_true_activation_energies(analysis: ArrheniusAnalysis) -> None:
    assert analysis.form == "A/T"
    assert len(analysis.spectra) == 6
    np.testing.assert_allclose(
        analysis.temperatures_k, np.array(EXAMPLE_TRUTH.temperatures_c) + 273.15
    )
    fb, fg = analysis.fits["bulk"], analysis.fits["grain boundary"]
    # true values 0.30 and 0.45 eV (examples.py); within 3 stated standard errors
    assert abs(fb.Ea_eV - EXAMPLE_TRUTH.Ea_bulk_eV) < 3 * fb.Ea_err_eV
    assert abs(fg.Ea_eV - EXAMPLE_TRUTH.Ea_gb_eV) < 3 * fg.Ea_err_eV
    assert fb.Ea_err_eV < 0.002 and fg.Ea_err_eV < 0.002
    # σ(25 °C) = L/(R A) with the true R: 0.1 cm / (6000 Ω · 0.785398 cm²) = 2.12207e-5 S/cm
    s25, e25 = analysis.sigma_25C_s_cm["bulk"]
    assert abs(s25 - 2.12207e-5) < 3 * e25
    # the total is a sum of two Arrhenius resistances, so its straight-line fit is poor
    assert analysis.fits["total"].reduced_chi2 > 10 * fb.reduced_chi2
    assert all(s.kk is not None and s.kk.passed for s in analysis.spectra)


def test_plain_form_is_lower_by_about_kT() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = analyse_temperature_series([EXAMPLES], PELLET, form="plain", run_kk=False)
    t = plain.temperatures_k
    shift = K_B_EV_PER_K / np.mean(1 / t)  # see test_transport_laws.test_two_forms_differ_by_kT
    assert plain.fits["bulk"].Ea_eV == pytest.approx(EXAMPLE_TRUTH.Ea_bulk_eV - shift, abs=0.003)
    assert plain.to_dict()["arrhenius_law"] == "sigma = sigma0 exp(-Ea/kT)"


def test_temperatures_given_override_names(tmp_path: Path) -> None:
    for tc, name in ((-10.0, "a.csv"), (25.0, "b.csv")):
        f, z = example_spectrum(tc)
        (tmp_path / name).write_text(
            "\n".join(f"{x},{y.real},{y.imag}" for x, y in zip(f, z, strict=True))
        )
    with pytest.raises(DataFormatError, match=r"a\.csv: no temperature in the file name"):
        analyse_temperature_series([tmp_path], PELLET, run_kk=False)
    with pytest.raises(InvalidParameterError, match="one temperature per spectrum"):
        analyse_temperature_series([tmp_path], PELLET, temperatures_k=[300.0], run_kk=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = analyse_temperature_series(
            [tmp_path], PELLET, temperatures_k=[263.15, 298.15], run_kk=False
        )
    # two points: the exact slope through them. Inverse-variance (default): the error is the
    # two σ errors propagated, δEa = k_B √(δ₁² + δ₂²)/|1/T₁ − 1/T₂| (δ = δσ/σ), not scaled by a
    # χ² that has no degrees of freedom; unweighted: no degrees of freedom, NaN.
    fit = res.fits["bulk"]
    assert fit.Ea_eV == pytest.approx(0.30, abs=0.01)
    rel = [r.sigma_s_cm["bulk"][1] / r.sigma_s_cm["bulk"][0] for r in res.spectra]
    expected = K_B_EV_PER_K * math.hypot(*rel) / abs(1 / 263.15 - 1 / 298.15)
    assert fit.Ea_err_eV == pytest.approx(expected, rel=1e-9)
    assert math.isnan(res.alternative_fits["bulk"].Ea_err_eV)


def _write_series(folder: Path, temps_c: tuple[float, ...]) -> None:
    for tc in temps_c:
        f, z = example_spectrum(tc)
        (folder / f"s_{tc:g}C.csv").write_text(
            "\n".join(f"{x},{y.real},{y.imag}" for x, y in zip(f, z, strict=True))
        )


def test_given_temperatures_pair_with_the_files_in_natural_order(tmp_path: Path) -> None:
    """s_5C sorts after s_40C by plain name order; a folder's files are now in natural name
    order, so ``[5, 25, 40] °C`` goes to s_5C, s_25C, s_40C and Ea = 0.30 eV (the examples'
    bulk truth). Before, name order paired 5 °C with s_25C: a wrong Ea, exit 0. Files named
    one by one keep the order typed, and measured values (not the set points) in that order
    land on their own files."""
    _write_series(tmp_path, (5.0, 25.0, 40.0))
    temps = [278.15, 298.15, 313.15]
    res = analyse_temperature_series([tmp_path], PELLET, temperatures_k=temps, run_kk=False)
    assert [Path(s.spectrum.source).name for s in res.spectra] == [
        "s_5C.csv",
        "s_25C.csv",
        "s_40C.csv",
    ]
    assert res.fits["bulk"].Ea_eV == pytest.approx(EXAMPLE_TRUTH.Ea_bulk_eV, abs=0.005)
    assert not any("negative" in n for n in res.notes)
    # the same set in another order contradicts the names: refused, naming the argument
    with pytest.raises(InvalidParameterError, match=r"`temperatures_k` contradicts.*s_5C"):
        analyse_temperature_series([tmp_path], PELLET, temperatures_k=temps[::-1], run_kk=False)
    # other values (measured, not the set points) override the names, with a warning
    with pytest.warns(ValidityWarning, match="override those in the file names"):
        analyse_temperature_series(
            [tmp_path], PELLET, temperatures_k=[283.15, 303.15, 318.15], run_kk=False
        )
    args = ["eis", "arrhenius", str(tmp_path), "--thickness-mm", "1", "--diameter-mm", "10"]
    bad = runner.invoke(app, [*args, "--temperatures", "40,25,5"])
    assert bad.exit_code == 2 and "`--temperatures` contradicts" in bad.output
    # files typed in descending order with their measured temperatures in that order
    typed = [tmp_path / f"s_{t}C.csv" for t in ("40", "25", "5")]
    with pytest.warns(ValidityWarning, match="override"):
        res = analyse_temperature_series(
            typed, PELLET, temperatures_k=[316.15, 300.65, 281.15], run_kk=False
        )
    assert 0.25 < res.fits["bulk"].Ea_eV < 0.35  # the values stayed on their files (−0.27 eV)
    exact = analyse_temperature_series(
        typed, PELLET, temperatures_k=[313.15, 298.15, 278.15], run_kk=False
    )
    assert exact.fits["bulk"].Ea_eV == pytest.approx(EXAMPLE_TRUTH.Ea_bulk_eV, abs=0.005)


def test_negative_activation_energy_is_flagged_unphysical(tmp_path: Path) -> None:
    """Names without temperatures keep natural name order (a_2 before a_10); temperatures
    given in reverse make σ fall as T rises, flagged as unphysical. Swapping σ between T₁ and T₂
    in ln(σT) vs 1/T gives Ea' = −Ea − 2 k_B ln(T₁/T₂)/(1/T₁ − 1/T₂) = −0.247 eV for 0.30 eV."""
    for tc, name in ((25.0, "a_2.csv"), (40.0, "a_10.csv")):
        f, z = example_spectrum(tc)
        (tmp_path / name).write_text(
            "\n".join(f"{x},{y.real},{y.imag}" for x, y in zip(f, z, strict=True))
        )
    with pytest.warns(ValidityWarning, match="2 points has no degrees of freedom"):
        res = analyse_temperature_series(
            [tmp_path], PELLET, temperatures_k=[313.15, 298.15], run_kk=False
        )
    assert Path(res.spectra[0].spectrum.source).name == "a_10.csv"  # T-sorted: 298.15 K first
    t1, t2 = 298.15, 313.15
    swapped = -EXAMPLE_TRUTH.Ea_bulk_eV - 2 * K_B_EV_PER_K * math.log(t1 / t2) / (1 / t1 - 1 / t2)
    assert res.fits["bulk"].Ea_eV == pytest.approx(swapped, abs=0.01)
    assert any("unphysical negative activation energy" in n for n in res.to_dict()["notes"])


def test_folder_documentation_files_are_not_read_as_spectra() -> None:
    """The shipped measured folder holds LICENSE.txt and README.md beside 7 spectra."""
    files = collect_spectrum_files([MEASURED])
    assert [f.name for f in files] == [f"s04147-{t}deg.txt" for t in range(140, 201, 10)]


# ----------------------------------------------------------------- plots (data read back)
def test_plots_carry_the_data(analysis: ArrheniusAnalysis) -> None:
    import matplotlib.pyplot as plt

    from ssbattery.plotting.impedance import plot_arrhenius, plot_bode, plot_nyquist

    fit = analysis.spectra[0].fit
    ax = plot_nyquist(fit)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), fit.spectrum.z_real)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), fit.spectrum.minus_z_imag)
    assert ax.get_xlabel() == "Z′ [Ω]"
    ax2 = plot_bode(fit)
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), np.abs(fit.spectrum.z_ohm))
    ax3 = plot_arrhenius(analysis)
    t = analysis.fits["bulk"].temperatures_k
    s = analysis.fits["bulk"].sigma_s_per_m / 100
    np.testing.assert_allclose(ax3.lines[0].get_xdata(), 1000 / t)
    np.testing.assert_allclose(ax3.lines[0].get_ydata(), np.log10(s * t))
    labels = ax3.get_legend_handles_labels()[1]
    assert any("bulk: Ea = 0.300" in lab and "A/T" in lab for lab in labels)
    plt.close("all")


# ----------------------------------------------------------------- CLI
def test_cli_fit_json(tmp_path: Path) -> None:
    plot = tmp_path / "fit.png"
    result = runner.invoke(
        app,
        [
            "eis",
            "fit",
            str(EXAMPLES / "other_formats" / "example_25C.mpt"),
            "--thickness-mm",
            "1",
            "--diameter-mm",
            "10",
            "--json",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["file_format"] == "biologic" and d["imag_column_in_file"] == "-Z''"
    assert d["temperature [K]"] == pytest.approx(298.15)
    labels = {a["label"]: a for a in d["arcs"]}
    assert labels["bulk"]["C_eff [F]"] == pytest.approx(20e-12, rel=0.03)
    assert labels["grain boundary"]["C_eff [F]"] == pytest.approx(2e-9, rel=0.05)
    # σ = L/(R A) = 0.1 cm/(6000 Ω · 0.7854 cm²) = 0.02122 mS/cm (EXAMPLE_TRUTH R_bulk)
    assert d["conductivity"]["bulk"]["conductivity [mS/cm]"] == pytest.approx(0.0212207, rel=0.02)
    assert d["lin_kk"]["passed"] is True
    assert plot.stat().st_size > 10_000


def test_cli_arrhenius_json_and_aliases(tmp_path: Path) -> None:
    plot = tmp_path / "arr.svg"
    result = runner.invoke(
        app,
        [
            *("eis", "arrhenius", str(EXAMPLES), "--thickness", "1", "--diameter", "10"),
            *("--json", "--plot", str(plot), "--form", "A/T"),
            *("--fits-plot", str(tmp_path / "fits.png")),
        ],
    )
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["arrhenius_form"] == "A/T"
    c = d["contributions"]
    assert c["bulk"]["Ea [eV]"] == pytest.approx(0.30, abs=0.002)
    assert c["grain boundary"]["Ea [eV]"] == pytest.approx(0.45, abs=0.002)
    assert set(c) == {"bulk", "grain boundary", "total"}
    assert all(
        0 < v["conductivity_25C error [mS/cm]"] < v["conductivity_25C [mS/cm]"] for v in c.values()
    )
    assert "A/T" in plot.read_text()  # the form is named in the figure's legend
    assert (tmp_path / "fits.png").stat().st_size > 10_000


def test_cli_table_output() -> None:
    result = runner.invoke(
        app,
        [
            *("eis", "fit", str(DATA / "rc_zplot.z"), "--thickness-mm", "2", "--area-mm2", "50"),
            *("--circuit", "R0-p(R1,C1)"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "C_eff [F]" in result.stdout and "total" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "missing.csv", "--thickness-mm", "1", "--diameter-mm", "10"], "file not found"),
        (
            ["fit", str(DATA / "bad_not_a_spectrum.csv"), "--thickness-mm", "1", "--area", "5"],
            "no data rows",
        ),
        (
            ["fit", str(DATA / "bad_nan.csv"), "--thickness-mm", "1", "--area", "5"],
            "line 6",
        ),
        (
            ["fit", str(EXAMPLES / "example_25C.csv"), "--thickness-mm", "-1", "--area", "5"],
            "thickness",
        ),
        (
            ["fit", str(EXAMPLES / "example_25C.csv"), "--thickness-mm", "0", "--area", "5"],
            "thickness",
        ),
        (["fit", str(EXAMPLES / "example_25C.csv"), "--thickness-mm", "1"], "area"),
        (
            ["arrhenius", str(EXAMPLES / "example_25C.csv"), "--thickness", "1", "--area", "5"],
            "≥ 2 different temperatures",
        ),
        (
            ["arrhenius", str(EXAMPLES), "--thickness", "1", "--area", "5", "--temperatures", "x"],
            "--temperatures",
        ),
        (
            ["arrhenius", str(EXAMPLES), "--thickness", "1", "--area", "5", "--form", "exp"],
            "--form",
        ),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["eis", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_cli_no_half_written_plot(tmp_path: Path) -> None:
    d = tmp_path / "spectra"
    d.mkdir()
    shutil.copy(EXAMPLES / "example_25C.csv", d / "only_25C.csv")
    plot = tmp_path / "arr.png"
    result = runner.invoke(
        app, ["eis", "arrhenius", str(d), "--thickness", "1", "--area", "5", "--plot", str(plot)]
    )
    assert result.exit_code == 2
    assert not plot.exists()
    bad_suffix = runner.invoke(
        app,
        [
            *("eis", "fit", str(EXAMPLES / "example_25C.csv"), "--thickness", "1", "--area", "5"),
            *("--plot", str(tmp_path / "x.bmpx")),
        ],
    )
    assert bad_suffix.exit_code == 2 and "--plot" in bad_suffix.output


# ----------------------------------------------------------------- report figures
def test_report_figures(tmp_path: Path) -> None:
    import csv

    from ssbattery.report.sections.impedance import FIGURES

    keys = [f.key for f in FIGURES]
    assert keys == ["fig_eis_nyquist_fit", "fig_eis_arrhenius"]
    art = FIGURES[0].build(tmp_path)
    assert all(p.exists() for p in art.images)
    rows = {r["arc"]: r for r in csv.DictReader(art.tables[0].open())}
    assert float(rows["bulk"]["C_eff_F"]) == pytest.approx(20e-12, rel=0.03)
    assert "Lin-KK" in art.summary


def test_parse_temperatures() -> None:
    from ssbattery.cli.eis import parse_temperatures

    assert parse_temperatures("25, 40") == pytest.approx([298.15, 313.15])
    assert parse_temperatures("298.15K,-20C") == pytest.approx([298.15, 253.15])
    for bad in ("", "abc", "-300"):
        with pytest.raises(InvalidParameterError, match="--temperatures"):
            parse_temperatures(bad)


def test_cli_arrhenius_text_shows_the_specific_grain_boundary_conductivity() -> None:
    """σ_gb,sp = σ_gb · C_bulk/C_gb (brick layer) is in the JSON and the text alike: at 25 °C
    0.1/(1e4 Ω · 0.7854 cm²) · (20 pF/2 nF) = 1.273e-4 mS/cm for the shipped examples."""
    args = ["eis", "arrhenius", str(EXAMPLES), "--thickness-mm", "1", "--diameter-mm", "10"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    row = next(r for r in data["spectra"] if r["temperature [K]"] == pytest.approx(298.15))
    gsp = row["grain_boundary_specific_conductivity"]["conductivity [mS/cm]"]
    assert gsp == pytest.approx(0.1 / (1e4 * math.pi * 0.25) * 0.01 * 1e3, rel=0.03)
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "σ_gb,sp: grain boundary, specific (brick layer" in " ".join(text.stdout.split())
    assert f"{gsp:.4g}" in text.stdout
