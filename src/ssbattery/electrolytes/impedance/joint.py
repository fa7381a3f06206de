"""Joint fit of spectra at several temperatures with each arc's R(T) Arrhenius inside the model.

The two-step analysis (:func:`.arrhenius_pipeline.analyse_temperature_series`) fits every
spectrum on its own and then a line through ln(σT) against 1/T, weighting each σ by the standard
error of its R. The joint fit instead fits all spectra at once with the same circuit, each
arc's resistance constrained to the review's Arrhenius law (§1.1, σ = (A/T) e^{−Ea/k_BT}, so
R ∝ T e^{Ea/k_BT}; ``form="plain"`` drops the factor T)::

    ln R_i(T) = ln R_i(T_ref) + ln(T/T_ref) + (Ea_i/k_B)(1/T − 1/T_ref),  1/T_ref = mean(1/T)

Free per temperature: each arc's CPE constant Q, the electrode CPE (Q, n) and any series R.
The arcs' CPE exponents n are shared by all temperatures (``shared_exponents=True``, default:
an exponent describes the distribution of relaxation times, which is usually not thermally
activated) or free per temperature. Ea_i therefore comes straight out of the fit, with its
standard error and its correlation with every other parameter.

Weighting (``weighting``, the two-step fit's names): ``"inverse-variance"`` (default) weighs
every point of every spectrum by 1/|Z|, the inverse of its noise standard deviation when the
noise is a fixed fraction of |Z| (as analysers state their accuracy; the single-spectrum fits do
the same), which makes this the maximum-likelihood fit for that noise and lets each spectrum
count by its number of frequencies; ``"unweighted"`` weighs every point by 1 (residuals in Ω),
so the largest impedances (low frequency, low temperature) dominate.

Covariance: s² (JᵀJ)⁻¹ with J the finite-difference Jacobian of the weighted residuals at
the optimum in the fit's coordinates (ln R_ref, Ea, ln Q, logit n) and s² = ‖r‖²/(N − P)
the residual variance (so the ± is a 1-σ standard error that assumes the circuit and the
Arrhenius law are right and the noise is independent between points).

σ(25 °C) outside the measured temperatures is flagged as the two-step result is
(:func:`.arrhenius_pipeline.extrapolation_note`: the distance in K) and carries the same
widened interval (:func:`.arrhenius_pipeline.prediction_error_ln`: the covariance error and
the scatter of each temperature's own σ about the joint line, combined).

Starting values: the two-step result (each spectrum's fitted Q, n; each arc's two-step Ea).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

import numpy as np
from numpy.typing import NDArray

from ssbattery._blas import single_threaded
from ssbattery.electrolytes.transport import K_B_EV_PER_K
from ssbattery.errors import InvalidParameterError
from ssbattery.results import Quantity, quantity_dict

if TYPE_CHECKING:
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import ArrheniusAnalysis

__all__ = ["JointArrheniusFit", "fit_joint_arrhenius"]

_T25_K = 298.15
#: What each weighting does to the residuals, for the JSON output.
_WEIGHTING_DOC = {
    "inverse-variance": "every point by 1/|Z| (relative residuals); each spectrum counts by "
    "its number of frequencies",
    "unweighted": "every point by 1 (residuals in ohm); the largest |Z| (low frequency, low "
    "temperature) dominate",
}


@dataclass(frozen=True)
class JointArrheniusFit:
    """Result of :func:`fit_joint_arrhenius`.

    Per arc label (``"bulk"``, ``"grain boundary"``…): ``Ea_eV`` ± ``Ea_err_eV``, the fitted
    ``ln_R_ref`` (R in Ω at ``reference_temperature_k``) and σ at 25 °C [S/cm] ± its standard
    error. ``parameter_names``/``covariance``/``correlation`` cover every fitted coordinate.
    """

    form: str
    circuit: str
    shared_exponents: bool
    temperatures_k: NDArray[np.float64]
    reference_temperature_k: float
    Ea_eV: dict[str, float]
    Ea_err_eV: dict[str, float]
    ln_R_ref: dict[str, float]
    ln_R_ref_err: dict[str, float]
    sigma_25C_s_cm: dict[str, tuple[float, float]]
    exponents: dict[str, tuple[float, float]]
    parameter_names: tuple[str, ...]
    values: NDArray[np.float64]
    covariance: NDArray[np.float64]
    rms_relative_residual: float
    residual_variance: float
    n_data: int
    two_step_Ea_eV: dict[str, tuple[float, float]]
    notes: tuple[str, ...]
    #: ``"inverse-variance"`` (every point by 1/|Z|, default) or ``"unweighted"`` (by 1).
    weighting: str = "inverse-variance"
    #: σ(25 °C) [S/cm] ± the *prediction* error: the covariance error and the scatter of each
    #: temperature's own σ about the joint line, combined (quote it when 25 °C is extrapolated).
    sigma_25C_prediction_s_cm: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def extrapolation_k(self) -> float:
        """How far 25 °C lies outside the fitted temperatures [K] (0 inside, > 0 outside)."""
        from ssbattery.electrolytes.impedance.arrhenius_pipeline import extrapolation_k

        return extrapolation_k(self.temperatures_k)

    @property
    def correlation(self) -> NDArray[np.float64]:
        """Correlation matrix of the fitted coordinates (same order as ``parameter_names``)."""
        from ssbattery.electrolytes.impedance.arrhenius_pipeline import _correlation

        return np.asarray(_correlation(self.covariance), dtype=np.float64)

    def _index(self, name: str) -> int:
        return self.parameter_names.index(name)

    def ea_correlation(self, a: str, b: str) -> float:
        """Correlation between the Ea of two arcs (e.g. ``"bulk"`` and ``"grain boundary"``)."""
        return float(self.correlation[self._index(f"Ea[{a}]"), self._index(f"Ea[{b}]")])

    def sigma_s_cm(
        self, label: str, temperature_k: float, thickness_cm: float, area_cm2: float
    ) -> tuple[float, float]:
        """σ = L/(R(T) A) [S/cm] of arc ``label`` at T and its standard error (covariance)."""
        i, j = self._index(f"lnR_ref[{label}]"), self._index(f"Ea[{label}]")
        dx = 1.0 / temperature_k - 1.0 / self.reference_temperature_k
        ln_r = self.values[i] + self.values[j] * dx / K_B_EV_PER_K
        if self.form == "A/T":
            ln_r += math.log(temperature_k / self.reference_temperature_k)
        g = np.array([1.0, dx / K_B_EV_PER_K])
        sub = self.covariance[np.ix_([i, j], [i, j])]
        err = math.sqrt(max(float(g @ sub @ g), 0.0))
        sigma = thickness_cm / (math.exp(ln_r) * area_cm2)
        return sigma, sigma * err

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: Ea ± error per arc, correlations, σ(25 °C), what the ± means."""
        return {
            "method": "joint fit of all spectra, R_i(T) Arrhenius inside the model",
            "arrhenius_form": self.form,
            "circuit": self.circuit,
            "cpe_exponents": "shared by all temperatures"
            if self.shared_exponents
            else "free per temperature",
            "weighting": self.weighting,
            "weighting_meaning": _WEIGHTING_DOC[self.weighting],
            "weighting_default": "inverse-variance: 1/|Z| is the inverse noise SD when the "
            "noise is a fixed fraction of |Z|, the maximum-likelihood weight for that noise",
            "errors": "1-sigma standard errors from s^2 (J^T J)^-1, J the finite-difference "
            "Jacobian of the weighted residuals at the optimum, s^2 = |r|^2/(N - P)",
            "reference_temperature [K]": self.reference_temperature_k,
            "temperatures [K]": self.temperatures_k.tolist(),
            "contributions": {k: self._contribution(k) for k in self.Ea_eV},
            "conductivity_25C extrapolation [K]": self.extrapolation_k,
            "cpe_exponent": {
                k: quantity_dict([Quantity("n", v, "1", e)]) for k, (v, e) in self.exponents.items()
            },
            "rms_relative_residual [1]": self.rms_relative_residual,
            "n_data": self.n_data,
            "n_parameters": len(self.parameter_names),
            "parameter_names": list(self.parameter_names),
            "correlation [1]": self.correlation.tolist(),
            "notes": list(self.notes),
        }

    def _contribution(self, label: str) -> dict[str, float]:
        """One arc's entry: Ea, the two-step Ea, ln R_ref and σ(25 °C), each ± its error."""
        qs = [Quantity("Ea", self.Ea_eV[label], "eV", self.Ea_err_eV[label])]
        if label in self.two_step_Ea_eV:
            v, e = self.two_step_Ea_eV[label]
            qs.append(Quantity("two-step Ea", v, "eV", e))
        qs.append(Quantity("ln_R_ref", self.ln_R_ref[label], "ln(Ω)", self.ln_R_ref_err[label]))
        if label in self.sigma_25C_s_cm:
            v, e = self.sigma_25C_s_cm[label]
            qs.append(Quantity("conductivity_25C", 1e3 * v, "mS/cm", 1e3 * e))
        out = quantity_dict(qs)
        if label in self.sigma_25C_prediction_s_cm:
            out["conductivity_25C prediction error [mS/cm]"] = (
                1e3 * self.sigma_25C_prediction_s_cm[label][1]
            )
        return out

    def __str__(self) -> str:
        lines = [f"joint Arrhenius fit of {self.temperatures_k.size} spectra, {self.circuit}"]
        for k, ea in self.Ea_eV.items():
            lines.append(f"  {k}: Ea = {ea:.4f} ± {self.Ea_err_eV[k]:.4f} eV")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


@dataclass(frozen=True)
class _Layout:
    """Where each impedance.py parameter of each temperature comes from in the vector u."""

    names: list[str]  # u's coordinates
    source: list[
        list[tuple[str, int, float, float]]
    ]  # per T, per circuit parameter: (kind, index, dx)
    is_exponent: NDArray[np.bool_]  # u coordinate is a logit-n
    arc_resistors: dict[str, str]  # resistor name → label


def _layout(
    circuit: str,
    param_names: list[str],
    labels: dict[str, str],
    temps: NDArray[np.float64],
    t_ref: float,
    shared: bool,
    form: str,
) -> _Layout:
    from ssbattery.electrolytes.impedance.circuits import _parse

    terms = _parse(circuit, strict=True)
    arc_caps = {t.names[1]: t.names[0] for t in terms if t.kind == "arc"}
    names: list[str] = []
    is_n: list[bool] = []
    for lab in labels.values():
        names += [f"lnR_ref[{lab}]", f"Ea[{lab}]"]
        is_n += [False, False]
    shared_n: dict[str, int] = {}
    if shared:
        for cap, r in arc_caps.items():
            if cap.startswith("CPE"):
                shared_n[f"{cap}_1"] = len(names)
                names.append(f"n[{labels[r]}]")
                is_n.append(True)
    source: list[list[tuple[str, int, float, float]]] = []
    for t in temps:
        dx = 1.0 / t - 1.0 / t_ref
        shift = math.log(t / t_ref) if form == "A/T" else 0.0
        row = []
        for p in param_names:
            if p in labels:
                i = names.index(f"lnR_ref[{labels[p]}]")
                row.append(("arrhenius", i, dx, shift))
            elif p in shared_n:
                row.append(("logit", shared_n[p], 0.0, 0.0))
            else:
                names.append(f"{p}@{t:.2f}K")
                exp = p.startswith("CPE") and p.endswith("_1")
                is_n.append(exp)
                row.append(("logit" if exp else "log", len(names) - 1, 0.0, 0.0))
        source.append(row)
    return _Layout(names, source, np.array(is_n, dtype=bool), dict(labels))


def _circuit_params(lay: _Layout, u: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    out = []
    for kind, i, dx, shift in lay.source[k]:
        if kind == "arrhenius":
            out.append(math.exp(u[i] + shift + u[i + 1] * dx / K_B_EV_PER_K))
        elif kind == "logit":
            out.append(1.0 / (1.0 + math.exp(-u[i])))
        else:
            out.append(math.exp(min(u[i], 700.0)))
    return np.array(out)


def _arc_labels(analysis: ArrheniusAnalysis) -> dict[str, str]:
    """Resistor name → the label most spectra gave its arc."""
    votes: dict[str, Counter[str]] = {}
    for s in analysis.spectra:
        for a in s.fit.arcs:
            votes.setdefault(a.resistor, Counter())[a.label] += 1
    labels = {r: c.most_common(1)[0][0] for r, c in votes.items()}
    if len(set(labels.values())) != len(labels):
        raise InvalidParameterError(
            f"the arcs' labels differ between temperatures ({votes}); the joint fit needs one "
            "label per arc: check the fits or give `--circuit`."
        )
    return labels


def _start(
    analysis: ArrheniusAnalysis,
    lay: _Layout,
    param_names: list[str],
    temps: NDArray[np.float64],
    t_ref: float,
    form: str,
) -> NDArray[np.float64]:
    u = np.zeros(len(lay.names))
    fits = [s.fit for s in analysis.spectra]
    vals = np.array([[p.value for p in f.parameters] for f in fits])
    for r, lab in lay.arc_resistors.items():
        ln_r = np.log(vals[:, param_names.index(r)])
        if form == "A/T":
            ln_r = ln_r - np.log(temps / t_ref)
        slope, icpt = np.polyfit(1.0 / temps - 1.0 / t_ref, ln_r, 1)
        i = lay.names.index(f"lnR_ref[{lab}]")
        u[i], u[i + 1] = icpt, slope * K_B_EV_PER_K
    for k in range(temps.size):
        for (kind, i, _, _), p in zip(lay.source[k], param_names, strict=True):
            v = (
                float(np.mean(vals[:, param_names.index(p)]))
                if kind == "logit"
                else vals[k][param_names.index(p)]
            )
            if kind == "logit":
                v = min(max(v, 0.05), 0.995)
                u[i] = math.log(v / (1 - v))
            elif kind == "log":
                u[i] = math.log(max(v, 1e-300))
    return u


@single_threaded
def fit_joint_arrhenius(
    analysis: ArrheniusAnalysis,
    *,
    shared_exponents: bool = True,
    weighting: str = "inverse-variance",
) -> JointArrheniusFit:
    """Fit every spectrum of ``analysis`` at once, each arc's R(T) Arrhenius (module docstring).

    ``analysis`` is the two-step result; its fits give the circuit, the arc labels and the
    starting values, and its Arrhenius fits are reported beside the joint Ea. ``weighting``:
    ``"inverse-variance"`` (default; every point by 1/|Z|, its inverse noise SD for noise
    proportional to |Z|) or ``"unweighted"`` (every point by 1).
    """
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import Weighting

    if weighting not in get_args(Weighting):  # the two-step fit's names
        raise InvalidParameterError(
            f"`weighting` must be one of {get_args(Weighting)}, got {weighting!r}."
        )
    from impedance.models.circuits.fitting import wrapCircuit
    from scipy.optimize import least_squares

    from ssbattery.electrolytes.impedance.circuits import _param_names, _quiet

    circuits = {s.fit.circuit for s in analysis.spectra}
    if len(circuits) != 1:
        raise InvalidParameterError(
            f"the spectra were fitted with different circuits {sorted(circuits)}; the joint "
            "fit needs one circuit: give `--circuit` explicitly instead of 'auto'."
        )
    circuit = circuits.pop()
    temps = analysis.temperatures_k
    if np.unique(temps).size < 3:
        raise InvalidParameterError(
            "a joint Arrhenius fit needs spectra at ≥ 3 different temperatures (Ea and its "
            f"error), got {np.unique(temps).size}."
        )
    t_ref = float(1.0 / np.mean(1.0 / temps))
    with _quiet():
        param_names = [n for n, _ in _param_names(circuit)]
    labels = _arc_labels(analysis)
    lay = _layout(circuit, param_names, labels, temps, t_ref, shared_exponents, analysis.form)
    u0 = _start(analysis, lay, param_names, temps, t_ref, analysis.form)
    model = wrapCircuit(circuit, {})
    data = [(s.spectrum.frequency_hz, s.spectrum.z_ohm) for s in analysis.spectra]
    relative = [1.0 / np.abs(z) for _, z in data]
    weights = relative if weighting == "inverse-variance" else [np.ones(z.size) for _, z in data]

    def resid(
        u: NDArray[np.float64], w: list[NDArray[np.float64]] = weights
    ) -> NDArray[np.float64]:
        out = []
        for k, (f, z) in enumerate(data):
            m = np.asarray(model(f, *_circuit_params(lay, u, k)), dtype=float)
            out += [(m[: f.size] - z.real) * w[k], (m[f.size :] - z.imag) * w[k]]
        return np.concatenate(out)

    with np.errstate(all="ignore"):
        res = least_squares(resid, u0, method="lm", xtol=1e-12, ftol=1e-12, max_nfev=20000)
    if not np.all(np.isfinite(res.x)):
        raise InvalidParameterError(f"the joint fit of {circuit!r} did not converge.")
    n_data = res.fun.size
    s2 = float(res.fun @ res.fun) / max(n_data - res.x.size, 1)
    J = np.asarray(res.jac, dtype=float)
    cov = s2 * np.linalg.pinv(J.T @ J)
    rel = resid(res.x, relative)
    rms = float(np.sqrt(np.mean(rel**2) * 2))  # rms of |ΔZ|/|Z| over the points
    fit = _assemble(analysis, circuit, shared_exponents, lay, labels, res, cov, (rms, s2), t_ref)
    return _with_sigma_25c(fit, analysis, weighting)


def _with_sigma_25c(
    fit: JointArrheniusFit, analysis: ArrheniusAnalysis, weighting: str
) -> JointArrheniusFit:
    """σ(25 °C) ± covariance error and ± prediction error per arc; the extrapolation note.

    The prediction error is the two-step one (:func:`.arrhenius_pipeline.prediction_error_ln`):
    here the scatter is that of each temperature's own σ (its single-spectrum fit) about the
    joint line.
    """
    from ssbattery.electrolytes.impedance.arrhenius_pipeline import (
        extrapolation_note,
        prediction_error_ln,
    )

    pel = analysis.pellet
    sigma25, pred25 = {}, {}
    for lab in fit.Ea_eV:
        v, e = fit.sigma_s_cm(lab, _T25_K, pel.thickness_cm, pel.area_cm2)
        sigma25[lab] = (v, e)
        rows = [s for s in analysis.spectra if lab in s.sigma_s_cm]
        ln_own = np.log([s.sigma_s_cm[lab][0] for s in rows])
        ln_line = np.log(
            [
                fit.sigma_s_cm(
                    lab, float(s.spectrum.temperature_k or 0.0), pel.thickness_cm, pel.area_cm2
                )[0]
                for s in rows
            ]
        )
        pred25[lab] = (v, v * prediction_error_ln(e / v, ln_own, ln_line))
    notes = list(fit.notes)
    if fit.extrapolation_k > 0:
        notes.append(extrapolation_note(fit.temperatures_k))
    return dataclasses.replace(
        fit,
        sigma_25C_s_cm=sigma25,
        sigma_25C_prediction_s_cm=pred25,
        weighting=weighting,
        notes=tuple(notes),
    )


def _assemble(
    analysis: ArrheniusAnalysis,
    circuit: str,
    shared: bool,
    lay: _Layout,
    labels: dict[str, str],
    res: Any,
    cov: NDArray[np.float64],
    rms_s2: tuple[float, float],
    t_ref: float,
) -> JointArrheniusFit:
    """The result object from the optimum: Ea, ln R_ref, exponents, σ(25 °C), notes."""
    err = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    ea, ea_err, lnr, lnr_err = {}, {}, {}, {}
    for lab in labels.values():
        i = lay.names.index(f"lnR_ref[{lab}]")
        lnr[lab], lnr_err[lab] = float(res.x[i]), float(err[i])
        ea[lab], ea_err[lab] = float(res.x[i + 1]), float(err[i + 1])
    exps = {}
    for i, name in enumerate(lay.names):
        if name.startswith("n["):
            n = 1.0 / (1.0 + math.exp(-res.x[i]))
            exps[name[2:-1]] = (n, n * (1 - n) * float(err[i]))  # dn/du = n(1 − n)
    two_step = {k: (f.Ea_eV, f.Ea_err_eV) for k, f in analysis.fits.items() if k in ea}
    notes = _difference_notes(ea, ea_err, two_step, shared, analysis.weighting)
    if not res.success:
        notes.append(f"the joint fit stopped before converging ({res.message}).")
    fit = JointArrheniusFit(
        form=analysis.form,
        circuit=circuit,
        shared_exponents=shared,
        temperatures_k=analysis.temperatures_k,
        reference_temperature_k=t_ref,
        Ea_eV=ea,
        Ea_err_eV=ea_err,
        ln_R_ref=lnr,
        ln_R_ref_err=lnr_err,
        sigma_25C_s_cm={},
        exponents=exps,
        parameter_names=tuple(lay.names),
        values=np.asarray(res.x, dtype=float),
        covariance=cov,
        rms_relative_residual=rms_s2[0],
        residual_variance=rms_s2[1],
        n_data=int(res.fun.size),
        two_step_Ea_eV=two_step,
        notes=tuple(notes),
    )
    return fit


def _difference_notes(
    ea: dict[str, float],
    ea_err: dict[str, float],
    two_step: dict[str, tuple[float, float]],
    shared: bool,
    weighting: str = "inverse-variance",
) -> list[str]:
    """Joint − two-step Ea per arc, in eV and in units of the two errors combined."""
    notes = []
    for k, (e2, s2) in two_step.items():
        d = ea[k] - e2
        comb = math.hypot(ea_err[k], s2) if math.isfinite(s2) else ea_err[k]
        notes.append(f"{k}: joint − two-step Ea = {d:+.4f} eV ({d / comb:+.1f} combined σ).")
    if notes:
        notes.append(
            "Why they differ: the joint fit uses every point of every spectrum with R(T) "
            "Arrhenius inside the model"
            + (" and one CPE exponent per arc for all T" if shared else "")
            + (
                "; the two-step line weights each temperature by the standard error of its own "
                "R, which absorbs the other parameters' freedom at that T. A difference within "
                "~1 combined σ is that weighting"
                if weighting == "inverse-variance"
                else "; the two-step line (unweighted) counts each temperature alike, however "
                "well its R is determined. A difference within ~1 combined σ is that"
            )
            + "; a larger one says R(T) departs from Arrhenius or the exponents change with T."
        )
    return notes
