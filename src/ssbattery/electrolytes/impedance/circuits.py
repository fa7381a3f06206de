"""Equivalent-circuit fits of solid-electrolyte spectra with impedance.py, started for the user.

The circuit is an impedance.py string (``p(R1,CPE1)-p(R2,CPE2)-CPE3`` = bulk arc, grain-boundary
arc, blocking electrode). Starting values come from the spectrum itself: the arcs are the peaks
of −Z″ over frequency, each arc's resistance is the width of its span on the Z′ axis, its
CPE constant follows from the apex frequency ω = 1/(R Q)^{1/n} with n ≈ 0.9, and the electrode
CPE from the slope and level of the low-frequency tail.

After the fit (impedance.py ``CustomCircuit``, weights 1/|Z|), the full parameter covariance is
recomputed from a finite-difference Jacobian at the optimum (impedance.py returns only the
standard errors, and the effective capacitance needs the R–Q–n correlations). Arcs are labelled
by their effective capacitance C_eff = (R^{1−n} Q)^{1/n} (Hsu & Mansfeld, Corrosion 57, 747
(2001)): the smallest is the bulk (~pF), the next the grain boundary (~nF) only when its C_eff is
at least :data:`.arc_labels.GB_RATIO_MIN` (10) times the bulk's, else ``"unassigned"`` — not by
their order (:func:`.arc_labels.label_by_capacitance`).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.electrolytes.impedance.arc_labels import GB_RATIO_MIN, label_by_capacitance
from ssbattery.electrolytes.impedance.readers import Spectrum
from ssbattery.errors import (
    ConvergenceWarning,
    FitFailedError,
    InvalidParameterError,
    ValidityWarning,
    api_only,
)
from ssbattery.results import Printed, Quantity, Reported, quantity_dict, quantity_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_CIRCUIT",
    "Arc",
    "CircuitFit",
    "FitParameter",
    "effective_capacitance",
    "estimate_initial_guess",
    "fit_spectrum",
]

#: Bulk arc, grain-boundary arc and blocking-electrode CPE in series.
DEFAULT_CIRCUIT = "p(R1,CPE1)-p(R2,CPE2)-CPE3"

_ARC_RE = re.compile(r"^p\((R\d+),(CPE\d+|C\d+)\)$|^p\((CPE\d+|C\d+),(R\d+)\)$")
_SERIES_R_RE = re.compile(r"^R\d+$")
_ELECTRODE_RE = re.compile(r"^(CPE\d+|C\d+)$")
_N_START = 0.9
#: Restart from other starting values when the first fit's rms relative residual exceeds this
#: (3 × the 1 % noise of a good impedance analyser).
_RESTART_RMS = 0.03
#: A fit whose rms relative residual exceeds this (25 × that noise) has failed: it is
#: refused (:class:`~ssbattery.errors.FitFailedError`), not reported as a result.
FAILED_RMS = 0.25


def effective_capacitance(R_ohm: float, Q: float, n: float) -> float:
    """C_eff = (R^{1−n} Q)^{1/n} [F] of a resistor R ‖ CPE(Q [F s^{n−1}], n).

    For n = 1 the CPE is a capacitor and C_eff = Q. (Hsu & Mansfeld, Corrosion 57, 747 (2001).)
    """
    if not (R_ohm > 0 and Q > 0 and 0 < n <= 1):
        raise InvalidParameterError(
            f"effective capacitance needs R > 0, Q > 0 and 0 < n ≤ 1, got R={R_ohm}, Q={Q}, n={n}."
        )
    return float((R_ohm ** (1.0 - n) * Q) ** (1.0 / n))


@dataclass(frozen=True)
class FitParameter(Reported):
    """One fitted circuit parameter: impedance.py name (``R1``, ``CPE1_0``…), value, error, unit.

    ``to_dict`` gives the entry :meth:`CircuitFit.to_dict` lists for it
    (``{"R1 [Ω]": …, "R1 error [Ω]": …}``); it prints as ``R1 = 12.3 ± 0.4 Ω``."""

    name: str
    value: float
    stderr: float
    unit: str

    def quantities(self) -> tuple[Quantity, ...]:
        """The parameter ± its standard error, in its unit."""
        return (Quantity(self.name, self.value, self.unit or "1", self.stderr),)

    def __str__(self) -> str:
        return str(self.quantities()[0])


@dataclass(frozen=True)
class Arc(Printed):
    """One R‖CPE (or R‖C) arc of the fit, labelled by its effective capacitance.

    R in Ω, Q of the CPE in F s^(n−1), the exponent n a pure number, C_eff in F, the apex
    frequency in Hz, each ``*_err`` the standard error in the same unit."""

    label: str
    resistor: str
    capacitor: str
    R_ohm: float
    R_err_ohm: float
    Q: float
    Q_err: float
    n: float
    n_err: float
    C_eff_F: float
    C_eff_err_F: float
    apex_frequency_hz: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys: the entry a saved fit lists for the arc
        (:func:`.fit_io.arc_entry`)."""
        from ssbattery.electrolytes.impedance.fit_io import arc_entry

        return arc_entry(self)

    def _title(self) -> str:
        return f"{self.label} arc {self.resistor}‖{self.capacitor}"


@dataclass(frozen=True)
class CircuitFit:
    """A fitted equivalent circuit with errors, arcs and the electrode element.

    ``covariance`` is over the free parameters in impedance.py order; ``z_fit_ohm`` the model
    at the measured frequencies; ``rms_relative_residual`` = rms(|Z_fit − Z| / |Z|).
    """

    circuit: str
    spectrum: Spectrum
    parameters: tuple[FitParameter, ...]
    covariance: NDArray[np.float64]
    initial_guess: tuple[float, ...]
    arcs: tuple[Arc, ...]
    electrode: tuple[float, float] | None
    series_resistance_ohm: float
    z_fit_ohm: NDArray[np.complex128]
    rms_relative_residual: float
    notes: tuple[str, ...]

    def arc(self, label: str) -> Arc:
        """The arc with this label (``"bulk"``, ``"grain boundary"``, ``"total"``…)."""
        for a in self.arcs:
            if a.label == label:
                return a
        raise InvalidParameterError(
            f"no arc labelled {label!r}; arcs are {[a.label for a in self.arcs]}."
        )

    @property
    def total_resistance_ohm(self) -> float:
        """Series resistance + all arc resistances (the dc electrolyte resistance)."""
        return self.series_resistance_ohm + sum(a.R_ohm for a in self.arcs)

    @property
    def total_resistance_err_ohm(self) -> float:
        """Standard error of :attr:`total_resistance_ohm` with correlations."""
        names = [p.name for p in self.parameters]
        g = np.zeros(len(names))
        for i, name in enumerate(names):
            if name in {a.resistor for a in self.arcs} or name in self._series_names:
                g[i] = 1.0
        return float(math.sqrt(max(float(g @ self.covariance @ g), 0.0)))

    @property
    def _series_names(self) -> set[str]:
        terms = _split_series(self.circuit)
        return {t for t in terms if _SERIES_R_RE.match(t)}

    def predict(self, frequency_hz: ArrayLike) -> NDArray[np.complex128]:
        """The fitted model's Z [Ω] at any frequencies [Hz]."""
        f = np.asarray(frequency_hz, dtype=float)
        return _evaluate(self.circuit, f, [p.value for p in self.parameters])

    def quantities(self) -> tuple[Quantity, ...]:
        """Every fitted parameter ± its standard error, then the totals, with units."""
        qs = [Quantity(p.name, p.value, p.unit or "1", p.stderr) for p in self.parameters]
        qs.append(
            Quantity(
                "total_resistance",
                self.total_resistance_ohm,
                "Ω",
                self.total_resistance_err_ohm,
            )
        )
        qs.append(Quantity("rms_relative_residual", self.rms_relative_residual))
        return tuple(qs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: parameters ± errors and totals with units in their keys, the arcs
        (:func:`.fit_io.arc_entry`: "R [Ω]", "C_eff [F]"…), the circuit, the source, the notes."""
        from ssbattery.electrolytes.impedance.fit_io import arc_entry

        return {
            "circuit": self.circuit,
            "source": self.spectrum.source,
            **quantity_dict(self.quantities()),
            "arcs": [arc_entry(a) for a in self.arcs],
            "notes": list(self.notes),
        }

    def __str__(self) -> str:
        return quantity_text(
            f"{self.circuit} fitted to {self.spectrum.source} ({self.spectrum.n_points} "
            "frequencies)",
            self.quantities(),
            self.notes,
        )

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the whole fit (spectrum included) to a JSON file, atomically.

        Keys carry their units ("R [Ω]", format version 2, :mod:`.fit_io`); :meth:`load`
        reads it back to an equal fit. An existing writable file is replaced.
        """
        from ssbattery.electrolytes.impedance.fit_io import write_fit

        return write_fit(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CircuitFit:
        """Read a fit written by :meth:`save`, also by releases that wrote format version 1.

        Raises:
            DataFormatError: the file is not a saved circuit fit (naming the file).
        """
        from ssbattery.electrolytes.impedance.fit_io import read_fit

        return read_fit(path)

    def to_custom_circuit(self) -> Any:
        """This fit as a fitted impedance.py ``CustomCircuit`` (see
        :mod:`ssbattery.interop.impedance`)."""
        from ssbattery.interop.impedance import to_custom_circuit

        return to_custom_circuit(self)

    def to_dataframe(self) -> pd.DataFrame:
        """The fitted parameters as a pandas DataFrame: value, stderr, unit."""
        from ssbattery.interop.pandas import fit_to_dataframe

        return fit_to_dataframe(self)


# --------------------------------------------------------------------------- circuit structure
def _split_series(circuit: str) -> list[str]:
    s = circuit.replace(" ", "")
    terms, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "-" and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    terms.append(cur)
    return terms


@dataclass(frozen=True)
class _Term:
    kind: str  # "R", "arc", "electrode"
    names: tuple[str, ...]  # (R,) | (R, C/CPE) | (C/CPE,)


def _parse(circuit: str, *, strict: bool = True) -> list[_Term]:
    out = []
    for t in _split_series(circuit):
        if _SERIES_R_RE.match(t):
            out.append(_Term("R", (t,)))
            continue
        m = _ARC_RE.match(t)
        if m:
            r, c = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            out.append(_Term("arc", (r, c)))
            continue
        if _ELECTRODE_RE.match(t):
            out.append(_Term("electrode", (t,)))
            continue
        if not strict:  # user-supplied starting values: keep the term, don't interpret it
            out.append(_Term("other", (t,)))
            continue
        raise InvalidParameterError(
            f"cannot estimate starting values for the term {t!r} of `circuit` {circuit!r}: "
            "automatic starting values support series R, p(R,CPE)/p(R,C) arcs and a CPE/C "
            "electrode." + api_only("pass `initial_guess` for other circuits")
        )
    if not any(term.kind == "arc" for term in out):
        raise InvalidParameterError(
            f"`circuit` {circuit!r} has no p(R,CPE) arc; an electrolyte fit needs at least one."
        )
    return out


def _param_names(circuit: str) -> list[tuple[str, str]]:
    """(name, unit) of each free parameter in impedance.py's order."""
    from impedance.models.circuits import CustomCircuit
    from impedance.models.circuits.fitting import calculateCircuitLength

    if circuit.count("(") != circuit.count(")") or not circuit.strip():
        raise InvalidParameterError(
            f"`circuit` {circuit!r} is not a valid impedance.py circuit string (unbalanced "
            "parentheses or empty); e.g. 'p(R1,CPE1)-p(R2,CPE2)-CPE3'."
        )
    try:
        with _quiet():
            length = calculateCircuitLength(circuit)
            names, units = CustomCircuit(circuit, initial_guess=[1.0] * length).get_param_names()
    except Exception as exc:  # impedance.py raises several types for a malformed string
        raise InvalidParameterError(
            f"`circuit` {circuit!r} is not a valid impedance.py circuit string ({exc})."
        ) from None
    return list(zip(names, units, strict=True))


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """impedance.py prints progress on stdout; keep stdout clean for --json."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _evaluate(
    circuit: str, f: NDArray[np.float64], params: Sequence[float] | NDArray[np.float64]
) -> NDArray[Any]:
    from impedance.models.circuits.fitting import wrapCircuit

    out = np.asarray(wrapCircuit(circuit, {})(f, *params), dtype=float)
    n = f.size
    return out[:n] + 1j * out[n:]


# --------------------------------------------------------------------------- starting values
def _smooth(y: NDArray[np.float64], f: NDArray[np.float64]) -> NDArray[np.float64]:
    """Savitzky–Golay smoothing over about half a decade (noise makes spurious −Z″ peaks)."""
    from scipy.signal import savgol_filter

    decades = max(math.log10(float(f.max()) / float(f.min())), 1e-9)
    per_decade = (f.size - 1) / decades
    window = max(5, int(0.5 * per_decade) | 1)
    if y.size < window + 2:
        if y.size < 5:
            return y
        ys = np.convolve(y, np.array([1.0, 2.0, 1.0]) / 4.0, mode="same")
        ys[0], ys[-1] = y[0], y[-1]
        return ys
    return np.asarray(savgol_filter(y, window, 2), dtype=float)


def estimate_initial_guess(
    spectrum: Spectrum, circuit: str = DEFAULT_CIRCUIT, *, unresolved: str = "above"
) -> list[float]:
    """Starting values for ``circuit`` read off the spectrum (see the module docstring).

    Arcs that do not show as separate −Z″ peaks are placed ``"above"`` the highest-frequency
    peak (a bulk arc at the top of the window) or ``"below"`` the lowest one (an arc merged
    with the electrode tail). Returns the values in impedance.py's parameter order
    (``R1, CPE1_0, CPE1_1, …``).
    """
    from scipy.signal import find_peaks

    if unresolved not in ("above", "below"):
        raise InvalidParameterError(f"`unresolved` must be 'above' or 'below', got {unresolved!r}.")

    terms = _parse(circuit)
    spec = spectrum.sorted_descending()
    f = spec.frequency_hz
    x = spec.z_real
    y = _smooth(spec.minus_z_imag, f)
    n_arcs = sum(t.kind == "arc" for t in terms)
    has_electrode = any(t.kind == "electrode" for t in terms)
    ymax = float(np.max(np.abs(y))) or 1.0

    # Low-frequency electrode tail: −Z″ rises as f falls at the end of the sweep.
    tail_start = y.size
    if has_electrode:
        i = y.size - 1
        while i > 0 and y[i - 1] < y[i]:
            i -= 1
        tail_start = i  # first point of the monotonic rise toward low f
    # prominence relative to the arcs, not to the (much taller) electrode tail
    y_arcs = float(np.max(np.abs(y[: max(tail_start, 3)])))
    peaks, props = find_peaks(y[:tail_start], prominence=0.05 * (y_arcs or ymax))
    if peaks.size > n_arcs:
        keep = np.argsort(props["prominences"])[::-1][:n_arcs]
        peaks = np.sort(peaks[keep])
    peak_list = [int(p) for p in peaks]
    # Arcs not resolved as peaks: put the missing ones above the highest peak (a bulk arc at
    # the top of the window) or, with no peak at all, spread them across the window.
    while len(peak_list) < n_arcs:
        if not peak_list:
            peak_list.append(int(tail_start // 2))
        elif unresolved == "above":
            peak_list.insert(0, max(0, peak_list[0] // 3))
        else:
            last_peak = peak_list[-1]
            peak_list.append(min(y.size - 1, max(last_peak + 1, (last_peak + tail_start) // 2)))
    # Boundaries: valleys of −Z″ between consecutive peaks.
    bounds = [0]
    for a, b in itertools.pairwise(peak_list):
        bounds.append(a + int(np.argmin(y[a : b + 1])) if b > a else a)
    last = peak_list[-1]
    end = tail_start - 1 if has_electrode and tail_start > last else y.size - 1
    if has_electrode and tail_start <= last:
        end = y.size - 1
    bounds.append(max(end, last))
    has_series_r = any(t.kind == "R" for t in terms)
    x_start = float(x[0]) if has_series_r else 0.0
    arcs: list[tuple[float, float, float]] = []  # (R, Q, n)
    for k, p in enumerate(peak_list):
        left = x_start if k == 0 else float(x[bounds[k]])
        right = float(x[bounds[k + 1]])
        R = max(right - left, 2.0 * float(y[p]), 1e-12)
        omega = 2 * math.pi * float(f[p])
        Q = 1.0 / (R * omega**_N_START)
        arcs.append((R, Q, _N_START))
    # Electrode CPE from the last points: −Z″ ≈ sin(nπ/2) / (Q ω^n).
    if has_electrode:
        m = min(5, f.size - 1)
        lw = np.log(2 * math.pi * f[-m:])
        ly = np.log(np.maximum(spec.minus_z_imag[-m:], 1e-300))
        slope = float(np.polyfit(lw, ly, 1)[0]) if m >= 2 else -0.8
        n_el = float(np.clip(-slope, 0.5, 1.0))
        w_min = 2 * math.pi * float(f[-1])
        y_min = max(float(spec.minus_z_imag[-1]), 1e-12)
        Q_el = math.sin(n_el * math.pi / 2) / (y_min * w_min**n_el)
    guess: list[float] = []
    arc_iter = iter(arcs)
    for t in terms:
        if t.kind == "R":
            guess.append(max(float(x[0]), 1e-6))
        elif t.kind == "arc":
            R, Q, n = next(arc_iter)
            if t.names[1].startswith("CPE"):
                guess.extend([R, Q, n])
            else:
                guess.extend([R, 1.0 / (R * 2 * math.pi * float(f[peak_list[0]]))])
        else:
            if t.names[0].startswith("CPE"):
                guess.extend([Q_el, n_el])
            else:
                guess.append(1.0 / (y_min * w_min))
    # impedance.py orders parameters as they appear in the string; a p(C,R) arc lists C first.
    return _reorder_for_string(circuit, terms, guess)


def _reorder_for_string(circuit: str, terms: list[_Term], guess: list[float]) -> list[float]:
    out: list[float] = []
    it = iter(guess)
    for t, raw in zip(terms, _split_series(circuit), strict=True):
        if t.kind == "arc":
            r_vals = [next(it)]
            c_vals = [next(it), next(it)] if t.names[1].startswith("CPE") else [next(it)]
            out.extend(c_vals + r_vals if raw.startswith("p(C") else r_vals + c_vals)
        elif t.kind == "R":
            out.append(next(it))
        else:
            out.extend([next(it), next(it)] if t.names[0].startswith("CPE") else [next(it)])
    return out


# --------------------------------------------------------------------------- fit
def fit_spectrum(
    spectrum: Spectrum,
    circuit: str = DEFAULT_CIRCUIT,
    *,
    initial_guess: Sequence[float] | None = None,
) -> CircuitFit:
    """Fit ``circuit`` to ``spectrum`` with impedance.py and label the arcs by C_eff.

    Starting values come from :func:`estimate_initial_guess` unless ``initial_guess`` is given.
    Residuals are weighted by 1/|Z| (every decade of |Z| counts). Standard errors are the
    square roots of the covariance s²(JᵀJ)⁻¹ with s² the weighted residual variance.
    """
    names_units = _param_names(circuit)
    terms = _parse(circuit, strict=initial_guess is None)
    guess = list(initial_guess) if initial_guess is not None else None
    if guess is None:
        guess = estimate_initial_guess(spectrum, circuit)
    if len(guess) != len(names_units):
        raise InvalidParameterError(
            f"`initial_guess` has {len(guess)} values but {circuit!r} has {len(names_units)} "
            f"parameters ({', '.join(n for n, _ in names_units)})."
        )
    n_data = 2 * spectrum.n_points
    if n_data <= len(guess):
        raise InvalidParameterError(
            f"{spectrum.source}: {spectrum.n_points} frequencies are too few to fit "
            f"{len(guess)} parameters of {circuit!r}; measure more frequencies."
        )
    f = spectrum.frequency_hz
    z = spectrum.z_ohm
    names = [n for n, _ in names_units]

    def rms_of(q: NDArray[np.float64]) -> float:
        return float(np.sqrt(np.mean(np.abs((_evaluate(circuit, f, q) - z) / z) ** 2)))

    first_error: InvalidParameterError | None = None
    best: tuple[float, NDArray[np.float64], NDArray[np.float64], list[float], str | None] | None = (
        None
    )
    starts = [guess]
    k = 0
    while k < len(starts):
        try:
            p_k, c_k, note_k = _least_squares(circuit, f, z, starts[k], names, spectrum.source)
        except InvalidParameterError as exc:
            first_error = first_error or exc
        else:
            r_k = rms_of(p_k)
            if best is None or r_k < best[0]:
                best = (r_k, p_k, c_k, list(starts[k]), note_k)
        # Automatic starts only: if the fit is poor, try other readings of the spectrum.
        if k == 0 and initial_guess is None and (best is None or best[0] > _RESTART_RMS):
            starts.extend(_alternative_starts(spectrum, circuit, terms, names, guess))
        if best is not None and best[0] <= _RESTART_RMS:
            break
        k += 1
    if best is None:
        raise first_error or InvalidParameterError(
            f"{spectrum.source}: the fit of {circuit!r} failed from every starting point."
        )
    _, params, cov, guess, stop_note = best
    errs = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    parameters = tuple(
        FitParameter(name, float(v), float(e), unit)
        for (name, unit), v, e in zip(names_units, params, errs, strict=True)
    )
    z_fit = _evaluate(circuit, f, params)
    rel = np.abs(z_fit - z) / np.abs(z)
    rms = float(np.sqrt(np.mean(rel**2)))
    if rms > FAILED_RMS:
        raise FitFailedError(
            f"{spectrum.source}: the {circuit!r} fit failed: its rms relative residual "
            f"{rms:.0%} is far above the ≈ 1 % noise of an impedance analyser, so its "
            "parameters and conductivity are not results. Check the columns (frequency, "
            "Z′, then Z″, with Z″ < 0 on a capacitive arc: swapped or sign-flipped columns "
            "give this) and the units, or fit another circuit."
        )
    f_range = (float(np.min(f)), float(np.max(f)))
    arcs, electrode, r_series, notes = _interpret(terms, parameters, cov, f_range)
    if stop_note is not None:  # the optimiser's own verdict belongs to the fit it made
        notes = (stop_note, *notes)
    if rms > 0.05:
        msg = (
            f"{spectrum.source}: rms relative residual {rms:.1%} of the {circuit!r} fit is large;"
            " the circuit may not describe the spectrum."
        )
        warnings.warn(msg, ConvergenceWarning, stacklevel=2)
        notes = (*notes, msg)
    return CircuitFit(
        circuit=circuit,
        spectrum=spectrum,
        parameters=parameters,
        covariance=cov,
        initial_guess=tuple(float(g) for g in guess),
        arcs=arcs,
        electrode=electrode,
        series_resistance_ohm=r_series,
        z_fit_ohm=z_fit,
        rms_relative_residual=rms,
        notes=notes,
    )


def _alternative_starts(
    spectrum: Spectrum, circuit: str, terms: list[_Term], names: list[str], guess: list[float]
) -> list[list[float]]:
    """Other starting points: unresolved arcs placed below, arc capacitances ×/÷ 100."""
    out = [estimate_initial_guess(spectrum, circuit, unresolved="below")]
    caps = []
    for t in terms:
        if t.kind == "arc":
            c = t.names[1]
            caps.append(names.index(f"{c}_0") if c.startswith("CPE") else names.index(c))
    for i in caps:
        for factor in (1e-2, 1e2):
            g = list(guess)
            g[i] *= factor
            out.append(g)
    return out


def _least_squares(
    circuit: str,
    f: NDArray[np.float64],
    z: NDArray[np.complex128],
    guess: Sequence[float],
    names: Sequence[str],
    source: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64], str | None]:
    """Minimise Σ |Z_model − Z|²/|Z|² over impedance.py's model in log / logit coordinates.

    Why not impedance.py's own ``CustomCircuit.fit`` (measured in benchmarks/RESULTS_eis.md,
    26 spectra, same starting values): at its defaults it fails all 26 (median rms 13 % vs
    1.4 % noise; raw parameters span 1e-11 to 1e6); with ``x_scale`` it reaches our optimum
    but ~36× slower; unbounded MINPACK LM matches our speed but returned negative resistances
    on 7 of 66 spectra. Here u = ln p (R, Q, C) and u = logit n (CPE exponents) keep
    every parameter physical, and :func:`fit_spectrum` retries other starts when a fit is
    poor. The model itself is impedance.py's (``wrapCircuit``).
    Returns the parameters, their covariance s² (JᵀJ)⁻¹ mapped back from u to p, and the
    "stopped before converging" note (None when the optimiser converged).
    """
    from impedance.models.circuits.fitting import wrapCircuit
    from scipy.optimize import least_squares

    model = wrapCircuit(circuit, {})
    is_n = np.array([_is_exponent(n) for n in names], dtype=bool)
    p0 = np.asarray(guess, dtype=float)
    if np.any(~np.isfinite(p0)) or np.any(p0 <= 0) or np.any(p0[is_n] > 1):
        raise InvalidParameterError(
            f"`initial_guess` must be finite and > 0 (CPE exponents in (0, 1]), got {list(p0)}."
        )
    p0 = p0.copy()
    p0[is_n] = np.clip(p0[is_n], 0.05, 0.995)
    w = 1.0 / np.abs(z)
    n_f = f.size

    def to_p(u: NDArray[np.float64]) -> NDArray[np.float64]:
        p = np.exp(np.clip(u, -700, 700))
        p[is_n] = 1.0 / (1.0 + np.exp(-u[is_n]))
        return p

    def resid(u: NDArray[np.float64]) -> NDArray[np.float64]:
        m = np.asarray(model(f, *to_p(u)), dtype=float)
        return np.concatenate([(m[:n_f] - z.real) * w, (m[n_f:] - z.imag) * w])

    u0 = np.log(p0)
    u0[is_n] = np.log(p0[is_n] / (1.0 - p0[is_n]))
    with np.errstate(all="ignore"):
        res = least_squares(resid, u0, method="lm", xtol=1e-12, ftol=1e-12, max_nfev=4000)
    if not np.all(np.isfinite(res.x)) or not np.all(np.isfinite(res.fun)):
        raise InvalidParameterError(
            f"{source}: the fit of {circuit!r} did not converge; try another circuit or pass "
            "`initial_guess`."
        )
    note = None
    if res.status <= 0:
        note = f"{source}: the fit of {circuit!r} stopped before converging ({res.message})."
        warnings.warn(note, ConvergenceWarning, stacklevel=3)
    p = to_p(res.x)
    degenerate = [f"{n} → 0" for n, v in zip(names, p, strict=True) if v <= 1e-300]
    degenerate += [f"{n} → 0" for n, v, e in zip(names, p, is_n, strict=True) if e and v < 1e-3]
    # ln p at its clip (e^700): the element's impedance vanished, the data do not show it
    degenerate += [f"{n} → ∞" for n, v in zip(names, p, strict=True) if not v < 1e300]
    cov = None if degenerate else _covariance(res, p, is_n)
    if cov is None and not degenerate:
        degenerate = ["the covariance not finite"]
    elif cov is not None and not np.all(np.isfinite(cov)):
        diag = np.diag(cov)
        degenerate = [
            f"{n} undetermined" for n, v in zip(names, diag, strict=True) if not np.isfinite(v)
        ]
        degenerate = degenerate or ["the covariance not finite"]
    if degenerate or cov is None:
        raise InvalidParameterError(
            f"{source}: the fit of {circuit!r} ran to a degenerate solution "
            f"({', '.join(degenerate)}): the spectrum does not show every element of this "
            "circuit. Give a `circuit` that matches it, e.g. 'R0-p(R1,CPE1)' (one arc and a "
            "series resistance), 'R0-p(R1,CPE1)-CPE2' (with an electrode spike) or 'auto' (the "
            "arcs the DRT finds), or measure more frequencies."
            + api_only("or pass `initial_guess`")
        )
    return p, np.asarray(cov, dtype=np.float64), note


def _covariance(
    res: Any, p: NDArray[np.float64], is_n: NDArray[np.bool_]
) -> NDArray[np.float64] | None:
    """s² (JᵀJ)⁻¹ in u mapped back to p (None when the Jacobian is not finite)."""
    J = np.asarray(res.jac, dtype=float)
    if not np.all(np.isfinite(J)):
        return None
    s2 = float(res.fun @ res.fun) / max(res.fun.size - p.size, 1)
    d = np.where(is_n, p * (1.0 - p), p)  # dp/du
    with np.errstate(all="ignore"):
        return np.asarray(s2 * np.linalg.pinv(J.T @ J) * np.outer(d, d), dtype=np.float64)


def _is_exponent(name: str) -> bool:
    return name.startswith("CPE") and name.endswith("_1")


def _interpret(
    terms: list[_Term],
    parameters: tuple[FitParameter, ...],
    cov: NDArray[np.float64],
    f_range: tuple[float, float],
) -> tuple[tuple[Arc, ...], tuple[float, float] | None, float, tuple[str, ...]]:
    idx = {p.name: i for i, p in enumerate(parameters)}
    val = {p.name: p.value for p in parameters}
    raw: list[dict[str, float | str]] = []
    electrode: tuple[float, float] | None = None
    r_series = 0.0
    for t in terms:
        if t.kind == "R":
            r_series += val[t.names[0]]
        elif t.kind == "other":
            continue
        elif t.kind == "electrode":
            name = t.names[0]
            electrode = (
                (val[f"{name}_0"], val[f"{name}_1"]) if name.startswith("CPE") else (val[name], 1.0)
            )
        else:
            r, c = t.names
            R = val[r]
            if c.startswith("CPE"):
                Q, n = val[f"{c}_0"], val[f"{c}_1"]
                ij = [idx[r], idx[f"{c}_0"], idx[f"{c}_1"]]
            else:
                Q, n = val[c], 1.0
                ij = [idx[r], idx[c]]
            ceff = effective_capacitance(R, Q, n) if R > 0 and Q > 0 and n > 0 else math.nan
            # gradient of ln C_eff = ((1−n) ln R + ln Q)/n wrt (R, Q[, n])
            g = [(1 - n) / (n * R), 1.0 / (n * Q)]
            if len(ij) == 3:
                g.append(-(math.log(R) + math.log(Q)) / n**2)
            sub = cov[np.ix_(ij, ij)]
            ga = np.array(g)
            ceff_err = ceff * math.sqrt(max(float(ga @ sub @ ga), 0.0))
            try:
                apex = math.exp(-(math.log(R) + math.log(Q)) / n) / (2 * math.pi)
            except (ValueError, OverflowError):
                apex = math.nan
            raw.append(
                {
                    "resistor": r,
                    "capacitor": c,
                    "R": R,
                    "R_err": math.sqrt(max(cov[idx[r], idx[r]], 0.0)),
                    "Q": Q,
                    "Q_err": math.sqrt(max(cov[ij[1], ij[1]], 0.0)),
                    "n": n,
                    "n_err": math.sqrt(max(cov[ij[2], ij[2]], 0.0)) if len(ij) == 3 else 0.0,
                    "C": ceff,
                    "C_err": ceff_err,
                    "apex": apex,
                }
            )
    order = sorted(range(len(raw)), key=lambda k: float(raw[k]["C"]))
    notes: list[str] = []
    caps = [float(raw[k]["C"]) for k in order]
    if len(raw) == 1:
        labels = ["total"]
        notes.append("one arc: bulk and grain boundary are not resolved; it gives the total.")
    elif all(math.isfinite(c) and c > 0 for c in caps):
        # bulk = smallest C_eff; the next is "grain boundary" only if C_gb/C_bulk ≥ GB_RATIO_MIN
        labels = label_by_capacitance(caps, electrode_min_F_cm=math.inf)
        if labels[1] == "unassigned":
            notes.append(
                f"the second arc's C_eff is only {caps[1] / caps[0]:.3g}× the bulk's (< "
                f"{GB_RATIO_MIN:g}, brick-layer C_gb/C_bulk = d_grain/δ_gb): it is not labelled "
                "'grain boundary' (a second phase or an artefact?)."
            )
    else:
        labels = ["bulk", "grain boundary"] + [f"interface {k}" for k in range(1, len(raw))]
    arcs_by_index: dict[int, Arc] = {}
    for rank, k in enumerate(order):
        d = raw[k]
        arcs_by_index[k] = Arc(
            label=labels[rank],
            resistor=str(d["resistor"]),
            capacitor=str(d["capacitor"]),
            R_ohm=float(d["R"]),
            R_err_ohm=float(d["R_err"]),
            Q=float(d["Q"]),
            Q_err=float(d["Q_err"]),
            n=float(d["n"]),
            n_err=float(d["n_err"]),
            C_eff_F=float(d["C"]),
            C_eff_err_F=float(d["C_err"]),
            apex_frequency_hz=float(d["apex"]),
        )
    arcs = tuple(arcs_by_index[k] for k in sorted(arcs_by_index, key=lambda k: order.index(k)))
    for a in arcs:
        if a.label == "bulk" and a.C_eff_F > 1e-9:
            notes.append(
                f"the 'bulk' arc has C_eff = {a.C_eff_F:.2e} F, larger than a bulk (~pF) value."
            )
        if a.label == "grain boundary" and not 1e-12 <= a.C_eff_F <= 1e-6:
            notes.append(
                f"the 'grain boundary' arc has C_eff = {a.C_eff_F:.2e} F, outside 1e-12–1e-6 F."
            )
        if not f_range[0] <= a.apex_frequency_hz <= f_range[1]:
            notes.append(
                f"the {a.label} arc's apex ({a.apex_frequency_hz:.3g} Hz) lies outside the "
                f"measured {f_range[0]:.3g}–{f_range[1]:.3g} Hz: its R and C_eff are extrapolated."
            )
        if a.capacitor.startswith("CPE") and a.n > 0.999:
            notes.append(
                f"the {a.label} arc's CPE exponent reached its bound n = 1: its standard errors "
                "are underestimated; try p(R,C) for this arc."
            )
    for msg in notes[1 if len(raw) == 1 else 0 :]:
        warnings.warn(msg, ValidityWarning, stacklevel=3)
    return arcs, electrode, r_series, tuple(notes)
