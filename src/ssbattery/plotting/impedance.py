"""Impedance figures: Nyquist and Bode plots with the fit, the DRT γ(τ) with its band, Arrhenius."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ssbattery.plotting import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ssbattery.electrolytes.impedance.arrhenius_pipeline import ArrheniusAnalysis
    from ssbattery.electrolytes.impedance.circuits import CircuitFit
    from ssbattery.electrolytes.impedance.drt import DRTResult

__all__ = [
    "plot_arrhenius",
    "plot_bode",
    "plot_drt",
    "plot_drt_figure",
    "plot_fit_figure",
    "plot_nyquist",
    "plot_nyquist_series",
]

_COLORS = {"bulk": "tab:blue", "grain boundary": "tab:orange", "total": "tab:green"}


def _dense(fit: CircuitFit) -> tuple[np.ndarray, np.ndarray]:
    f = fit.spectrum.frequency_hz
    fd = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)[::-1]
    return fd, fit.predict(fd)


def plot_nyquist(fit: CircuitFit, ax: Axes | None = None) -> Axes:
    """Nyquist plot (−Z″ vs Z′, equal axes): data as points, the fitted circuit as a line.

    ``ax.lines[0]`` is the data, ``ax.lines[1]`` the fit on a dense frequency grid.
    """
    ax = new_axes(ax, (5, 4))
    s = fit.spectrum
    ax.plot(s.z_real, s.minus_z_imag, "o", ms=3, mfc="none", label="data")
    _, zd = _dense(fit)
    ax.plot(zd.real, -zd.imag, "-", lw=1.5, label=f"fit {fit.circuit}")
    for a in fit.arcs:
        za = fit.predict(np.array([a.apex_frequency_hz]))[0]
        ax.annotate(
            f"{a.label}\nC_eff={a.C_eff_F:.2g} F",
            (za.real, -za.imag),
            textcoords="offset points",
            xytext=(0, 10),
            ha="center",
            fontsize=7,
        )
    ax.set_xlabel("Z′ [Ω]")
    ax.set_ylabel("−Z″ [Ω]")
    # Zoom on the arcs: the blocking-electrode tail would otherwise squash them to a dot.
    r_tot = fit.total_resistance_ohm
    if fit.electrode is not None and np.isfinite(r_tot) and r_tot > 0:
        ax.set_xlim(min(0.0, float(np.min(s.z_real))), 1.25 * r_tot)
        ax.set_ylim(-0.05 * r_tot, 0.75 * r_tot)
    ax.set_aspect("equal", adjustable="box")
    ax.legend(fontsize=7, loc="upper left")
    return ax


def plot_bode(fit: CircuitFit, ax: Axes | None = None) -> Axes:
    """Bode plot: |Z| (left axis, log) and −phase (right axis) vs frequency, data and fit.

    ``ax.lines[0]``/``[1]`` are |Z| data/fit; the phase lines are on the twin axis.
    """
    ax = new_axes(ax, (5, 4))
    s = fit.spectrum
    fd, zd = _dense(fit)
    ax.loglog(s.frequency_hz, np.abs(s.z_ohm), "o", ms=3, mfc="none", color="tab:blue")
    ax.loglog(fd, np.abs(zd), "-", color="tab:blue", label="|Z|")
    ax.set_xlabel("frequency [Hz]")
    ax.set_ylabel("|Z| [Ω]", color="tab:blue")
    tw = ax.twinx()
    tw.semilogx(s.frequency_hz, -np.degrees(np.angle(s.z_ohm)), "s", ms=3, mfc="none", color="k")
    tw.semilogx(fd, -np.degrees(np.angle(zd)), "-", color="k", label="−phase")
    tw.set_ylabel("−phase [°]")
    ax.set_title("Bode (points: data, lines: fit)", fontsize=9)
    return ax


def plot_fit_figure(fit: CircuitFit) -> Figure:
    """Nyquist + Bode side by side for one fitted spectrum."""
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2))
    plot_nyquist(fit, ax=a1)
    plot_bode(fit, ax=a2)
    t = fit.spectrum.temperature_k
    title = f"{fit.spectrum.source.split('/')[-1]}" + (f" at {t - 273.15:.1f} °C" if t else "")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_nyquist_series(analysis: ArrheniusAnalysis) -> Figure:
    """One Nyquist panel (data + fit) per temperature of an Arrhenius analysis."""
    import matplotlib.pyplot as plt

    n = len(analysis.spectra)
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.8 * rows), squeeze=False)
    for ax, res in zip(axes.flat, analysis.spectra, strict=False):
        plot_nyquist(res.fit, ax=ax)
        t = res.spectrum.temperature_k
        ax.set_title(f"{t - 273.15:.1f} °C" if t else res.spectrum.source, fontsize=9)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def plot_arrhenius(analysis: ArrheniusAnalysis, ax: Axes | None = None) -> Axes:
    """Arrhenius plot: log10(σT) (form "A/T") or log10 σ ("plain") vs 1000/T, with fits.

    For each contribution (bulk, grain boundary, total) the data points carry error bars and
    the fitted line is labelled with Ea ± error and the form used. Lines come in pairs per
    contribution: ``ax.lines[2k]`` data, ``ax.lines[2k+1]`` fit (errorbar adds no extra lines
    when there are no caps).
    """
    ax = new_axes(ax, (5.5, 4.2))
    form = analysis.form
    for key, fit in analysis.fits.items():
        t = fit.temperatures_k
        s_cm = fit.sigma_s_per_m / 100.0
        rows = [r for r in analysis.spectra if key in r.sigma_s_cm]
        ds_cm = np.array([r.sigma_s_cm[key][1] for r in rows])
        y = np.log10(s_cm * t) if form == "A/T" else np.log10(s_cm)
        dy = ds_cm / s_cm / np.log(10)
        color = _COLORS.get(key, None)
        ax.errorbar(1000 / t, y, yerr=dy, fmt="o", color=color, capsize=0, ms=4)
        td = np.linspace(t.min() * 0.97, t.max() * 1.03, 100)
        sd, _ = fit.predict(td)
        yd = np.log10(sd / 100.0 * td) if form == "A/T" else np.log10(sd / 100.0)
        law = (
            r"$\sigma=(A/T)e^{-E_a/k_BT}$" if form == "A/T" else r"$\sigma=\sigma_0 e^{-E_a/k_BT}$"
        )
        ax.plot(
            1000 / td,
            yd,
            "-",
            color=color,
            label=f"{key}: Ea = {fit.Ea_eV:.4f} ± {fit.Ea_err_eV:.2g} eV, {law}",
        )
    ax.set_xlabel("1000/T [1/K]")
    ax.set_ylabel("log10(σT / [S K cm⁻¹])" if form == "A/T" else "log10(σ / [S cm⁻¹])")
    ax.legend(fontsize=7)
    sec: Any = ax.secondary_xaxis("top", functions=(_inv, _inv))
    sec.set_xlabel("T [K]")
    return ax


def _inv(x: Any) -> Any:
    with np.errstate(divide="ignore"):
        return 1000.0 / np.asarray(x, dtype=float)


def plot_drt(drt: DRTResult, ax: Axes | None = None) -> Axes:
    """γ(τ) [Ω] vs τ (log axis) with its credible band and the labelled peaks.

    ``ax.lines[0]`` is γ; the band (when computed) is ``ax.collections[0]`` and its
    hierarchical model's mode ``ax.lines[1]``. The top axis is the matching frequency
    f = 1/(2πτ).
    """
    ax = new_axes(ax, (5, 4))
    ax.semilogx(drt.tau_s, drt.gamma_ohm, "-", color="k", lw=1.5, label=f"γ (λ={drt.lam:.2g})")
    if drt.band is not None:
        ax.fill_between(
            drt.tau_s,
            drt.band.lower_ohm,
            drt.band.upper_ohm,
            color="tab:gray",
            alpha=0.35,
            label=f"{drt.band.level:.0%} credible band ({drt.band.method})",
        )
        centre = "peak model's γ" if drt.band.method == "peak model" else "band's mode"
        ax.semilogx(drt.tau_s, drt.band.centre_ohm, "--", color="tab:gray", lw=1, label=centre)
    for p in drt.peaks:
        ax.annotate(
            f"{p.label}\nR={p.R_ohm:.3g} Ω\nC={p.C_eff_F:.2g} F",
            (p.tau_s, p.gamma_max_ohm),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=7,
            color=_COLORS.get(p.label, "tab:red"),
        )
    f = drt.spectrum.frequency_hz
    ax.axvspan(1 / (2 * np.pi * f.max()), 1 / (2 * np.pi * f.min()), color="tab:blue", alpha=0.05)
    ax.set_xlabel("τ [s]")
    ax.set_ylabel("γ [Ω]")
    ax.set_title(f"DRT ({drt.basis}, λ by {drt.lam_method})", fontsize=9)
    # headroom for the peak labels; the legend below the axes (inside, it hid a peak's label)
    ax.set_ylim(0.0, 1.25 * ax.get_ylim()[1])
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.21), ncol=2)
    sec: Any = ax.secondary_xaxis("top", functions=(_tau_to_f, _tau_to_f))
    sec.set_xlabel("f = 1/(2πτ) [Hz]")
    return ax


def plot_drt_figure(drt: DRTResult, fit: CircuitFit | None = None) -> Figure:
    """Nyquist, Bode and γ(τ) side by side: data, the DRT model (and the circuit fit if given)."""
    import matplotlib.pyplot as plt

    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(15, 4.4))
    s = drt.spectrum
    f = s.frequency_hz
    fd = np.logspace(np.log10(f.min()), np.log10(f.max()), 400)[::-1]
    zd = drt.predict(fd)
    a1.plot(s.z_real, s.minus_z_imag, "o", ms=3, mfc="none", label="data")
    a1.plot(zd.real, -zd.imag, "-", label="DRT model")
    a2.loglog(f, np.abs(s.z_ohm), "o", ms=3, mfc="none", label="|Z| data")
    a2.loglog(fd, np.abs(zd), "-", label="|Z| DRT model")
    if fit is not None:
        zf = fit.predict(fd)
        a1.plot(zf.real, -zf.imag, "--", label=f"fit {fit.circuit}")
        a2.loglog(fd, np.abs(zf), "--", label=f"|Z| fit {fit.circuit}")
    a1.set_xlabel("Z′ [Ω]")
    a1.set_ylabel("−Z″ [Ω]")
    if drt.electrode_cpe is not None:  # zoom on the arcs, not the electrode tail
        r_arcs = drt.R_inf_ohm + sum(p.R_ohm for p in drt.peaks if p.label != "electrode")
        if r_arcs > 0:
            a1.set_xlim(min(0.0, float(np.min(s.z_real))), 1.25 * r_arcs)
            a1.set_ylim(-0.05 * r_arcs, 0.75 * r_arcs)
    a1.set_aspect("equal", adjustable="box")
    a1.legend(fontsize=7)
    tw = a2.twinx()
    tw.semilogx(f, -np.degrees(np.angle(s.z_ohm)), "s", ms=3, mfc="none", color="k")
    tw.semilogx(fd, -np.degrees(np.angle(zd)), "-", color="k")
    tw.set_ylabel("−phase [°]")
    a2.set_xlabel("frequency [Hz]")
    a2.set_ylabel("|Z| [Ω]")
    a2.legend(fontsize=7, loc="lower left")
    plot_drt(drt, ax=a3)
    fig.suptitle(f"{s.source.split('/')[-1]}: Nyquist, Bode and DRT", fontsize=10)
    fig.tight_layout()
    return fig


def _tau_to_f(x: Any) -> Any:
    with np.errstate(divide="ignore"):
        return 1.0 / (2 * np.pi * np.asarray(x, dtype=float))
