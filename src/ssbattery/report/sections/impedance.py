"""Report figures of the impedance pipeline (review §1.1): the example spectra fitted and the
Arrhenius analysis of their temperature series (synthetic spectra with known parameters)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ssbattery.report.registry import Artifact, FigureSpec, save_figure, write_csv

if TYPE_CHECKING:
    from ssbattery.electrolytes.impedance.conductivity import Pellet

__all__ = ["FIGURES"]

_THICKNESS_MM = 1.0
_DIAMETER_MM = 10.0


def _pellet() -> Pellet:
    from ssbattery.electrolytes.impedance.conductivity import Pellet

    return Pellet.from_mm(_THICKNESS_MM, diameter_mm=_DIAMETER_MM)


def build_nyquist_fit(out_dir: Path) -> Artifact:
    """Nyquist + Bode of the 25 °C example spectrum with its fit, and the C_eff table."""
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_spectrum
    from ssbattery.electrolytes.impedance.examples import EXAMPLE_TRUTH, example_spectra_dir
    from ssbattery.plotting.impedance import plot_fit_figure

    t_c = 25.0  # °C, the example spectrum shown
    path = example_spectra_dir() / f"example_{t_c:g}C.csv"
    res = analyse_spectrum(path, _pellet())
    fit = res.fit
    fig = plot_fit_figure(fit)
    images = save_figure(fig, out_dir, "fig_eis_nyquist_fit")
    true = EXAMPLE_TRUTH
    truth = {
        "bulk": (true.R_bulk_ref_ohm, true.C_bulk_F, true.n_bulk),
        "grain boundary": (true.R_gb_ref_ohm, true.C_gb_F, true.n_gb),
    }
    rows = []
    for a in fit.arcs:
        t = truth.get(a.label, (float("nan"),) * 3)
        rows.append(
            [
                a.label,
                a.resistor,
                a.capacitor,
                f"{a.R_ohm:.6g}",
                f"{a.R_err_ohm:.3g}",
                f"{a.n:.4f}",
                f"{a.n_err:.2g}",
                f"{a.C_eff_F:.4e}",
                f"{a.C_eff_err_F:.2e}",
                f"{a.apex_frequency_hz:.4g}",
                f"{1e3 * res.sigma_s_cm[a.label][0]:.5g}" if a.label in res.sigma_s_cm else "",
                f"{t[0]:.6g}",
                f"{t[1]:.4e}",
                f"{t[2]:.3f}",
            ]
        )
    table = write_csv(
        out_dir / "fig_eis_nyquist_fit.csv",
        [
            "arc",
            "resistor",
            "cpe",
            "R_ohm",
            "R_err_ohm",
            "n",
            "n_err",
            "C_eff_F",
            "C_eff_err_F",
            "apex_frequency_Hz",
            "conductivity_mS_cm",
            "true_R_ohm",
            "true_C_eff_F",
            "true_n",
        ],
        rows,
    )
    kk = res.kk
    bulk = fit.arc("bulk")
    gb = fit.arc("grain boundary")
    summary = (
        f"Synthetic {t_c:g} °C spectrum (known circuit + {100 * true.noise_relative:g} % noise), "
        f"fitted with {fit.circuit} from "
        f"automatic starting values: R_bulk = {bulk.R_ohm:.0f} ± {bulk.R_err_ohm:.0f} Ω (true "
        f"{true.R_bulk_ref_ohm:.0f}), C_eff = {bulk.C_eff_F:.3g} F (true {true.C_bulk_F:.3g}); "
        f"R_gb = {gb.R_ohm:.0f} ± {gb.R_err_ohm:.0f} Ω (true {true.R_gb_ref_ohm:.0f}), "
        f"C_eff = {gb.C_eff_F:.3g} F (true {true.C_gb_F:.3g}). Arcs are labelled by C_eff. "
        f"rms residual {fit.rms_relative_residual:.2%}"
        + (
            f"; Lin-KK rms residual {kk.rms_residual:.2%} ({'pass' if kk.passed else 'fail'})."
            if kk
            else "."
        )
    )
    return Artifact(
        images=images,
        tables=(table,),
        parameters={
            "file": path.name,
            "circuit": fit.circuit,
            "thickness_mm": _THICKNESS_MM,
            "diameter_mm": _DIAMETER_MM,
        },
        summary=summary,
    )


def _celsius(t: float) -> str:
    return f"{t:g}".replace("-", "−")  # typographic minus, as in the rest of the text


def build_arrhenius(out_dir: Path) -> Artifact:
    """Arrhenius plot (bulk, grain boundary, total) of the example temperature series."""
    import matplotlib.pyplot as plt

    from ssbattery.electrolytes.impedance.arrhenius_pipeline import analyse_temperature_series
    from ssbattery.electrolytes.impedance.examples import EXAMPLE_TRUTH, example_spectra_dir
    from ssbattery.plotting.impedance import plot_arrhenius

    analysis = analyse_temperature_series(
        [example_spectra_dir()], _pellet(), run_kk=False, joint=True
    )
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    plot_arrhenius(analysis, ax=ax)
    ax.set_title(
        f"Synthetic example series: true Ea {EXAMPLE_TRUTH.Ea_bulk_eV:.2f} eV (bulk), "
        f"{EXAMPLE_TRUTH.Ea_gb_eV:.2f} eV (gb)",
        fontsize=9,
    )
    fig.tight_layout()
    images = save_figure(fig, out_dir, "fig_eis_arrhenius")
    rows = []
    for r in analysis.spectra:
        t = r.spectrum.temperature_k
        for key, (s, ds) in r.sigma_s_cm.items():
            rows.append([Path(r.spectrum.source).name, f"{t:.2f}", key, f"{s:.6e}", f"{ds:.3e}"])
    data = write_csv(
        out_dir / "fig_eis_arrhenius_data.csv",
        ["file", "temperature_K", "contribution", "conductivity_S_cm", "conductivity_err_S_cm"],
        rows,
    )
    fits_rows = [
        [
            key,
            analysis.form,
            f"{f.Ea_eV:.5f}",
            f"{f.Ea_err_eV:.2e}",
            f"{f.ln_prefactor:.4f}",
            f"{f.ln_prefactor_err:.2e}",
            f"{1e3 * analysis.sigma_25C_s_cm[key][0]:.5g}",
            f"{1e3 * analysis.sigma_25C_s_cm[key][1]:.2g}",
            f"{f.reduced_chi2:.3g}",
        ]
        for key, f in analysis.fits.items()
    ]
    fits = write_csv(
        out_dir / "fig_eis_arrhenius_fits.csv",
        [
            "contribution",
            "arrhenius_form",
            "Ea_eV",
            "Ea_err_eV",
            "ln_prefactor_S_K_per_m",
            "ln_prefactor_err",
            "conductivity_25C_mS_cm",
            "conductivity_25C_err_mS_cm",
            "reduced_chi2",
        ],
        fits_rows,
    )
    fb, fg, ft = (analysis.fits[k] for k in ("bulk", "grain boundary", "total"))
    temps = EXAMPLE_TRUTH.temperatures_c
    summary = (
        f"Form σ = (A/T) exp(−Ea/k_BT). Fitted from {len(analysis.spectra)} synthetic spectra "
        f"({_celsius(min(temps))}…{_celsius(max(temps))} °C): "
        f"Ea(bulk) = {fb.Ea_eV:.4f} ± {fb.Ea_err_eV:.4f} eV (true "
        f"{EXAMPLE_TRUTH.Ea_bulk_eV}), Ea(gb) = {fg.Ea_eV:.4f} ± {fg.Ea_err_eV:.4f} eV (true "
        f"{EXAMPLE_TRUTH.Ea_gb_eV}); the total resistance is not Arrhenius (sum of two), its "
        f"apparent Ea = {ft.Ea_eV:.3f} ± {ft.Ea_err_eV:.3f} eV has reduced χ² = "
        f"{ft.reduced_chi2:.0f}. σ_bulk(25 °C) = "
        f"{1e3 * analysis.sigma_25C_s_cm['bulk'][0]:.4f} mS/cm."
    )
    j = analysis.joint
    if j is not None:
        summary += (
            f" Joint fit of all spectra (R(T) Arrhenius inside the model, shared CPE exponents):"
            f" Ea(bulk) = {j.Ea_eV['bulk']:.4f} ± {j.Ea_err_eV['bulk']:.4f} eV, Ea(gb) = "
            f"{j.Ea_eV['grain boundary']:.4f} ± {j.Ea_err_eV['grain boundary']:.4f} eV, "
            f"corr = {j.ea_correlation('bulk', 'grain boundary'):+.2f}."
        )
    return Artifact(
        images=images,
        tables=(data, fits),
        parameters={
            "arrhenius_form": analysis.form,
            "circuit": analysis.circuit,
            "thickness_mm": _THICKNESS_MM,
            "diameter_mm": _DIAMETER_MM,
        },
        summary=summary,
    )


#: This section's report figures, in the review's order (collected by ``report.catalog``).
FIGURES: list[FigureSpec] = [
    FigureSpec(
        "fig_eis_nyquist_fit",
        "Example impedance spectrum: Nyquist and Bode with the circuit fit",
        "§1.1 (impedance)",
        build_nyquist_fit,
    ),
    FigureSpec(
        "fig_eis_arrhenius",
        "Arrhenius analysis of the example spectra: bulk, grain boundary, total",
        "§1.1 (Arrhenius)",
        build_arrhenius,
    ),
]
