"""Audit of an open quantum thermal model or cycle: the checks a referee would make.

:func:`audit` takes a :class:`ThermalModel` (a Hamiltonian with baths, each coupled in
the global (secular, Davies) or the local form), an :class:`~ssbattery.thermal.otto.OttoCycle`
or a :class:`~ssbattery.thermal.heat_battery.HeatBattery`, and reports, as findings of
level ``"error"``, ``"warning"`` or ``"info"``:

1. **uniqueness** of the steady state (the number of zero eigenvalues of the Liouvillian)
   and its **relaxation time** 1/|Re λ₁| (λ₁ the slowest non-zero eigenvalue);
2. the **second law**: the entropy production of every bath by Spohn's formula
   σ_k = −Tr[D_k(ρ)(ln ρ − ln γ_k)] ≥ 0 (γ_k the Gibbs state of H at T_k; Spohn, J. Math.
   Phys. 19, 1227 (1978)) and in total −Σ_k J_k/T_k ≥ 0 (per cycle for a cycle);
3. the **direction of each heat current**: between two baths without work, the hot bath
   gives heat and the cold one takes it (with three or more baths, as in an absorption
   refrigerator, the cold bath may give heat: only the second law binds);
4. **detailed balance**: the temperature implied by the up/down rates of every transition,
   T = ω / ln(γ↓/γ↑), against the bath's stated temperature;
5. **local against global**: a local model is rebuilt in the global form (S = a + a†) and
   the heat currents compared (direction and size), with the coupling read from H; a global
   model whose Bohr frequencies are closer than the bath rates is flagged (the secular
   approximation needs resolved frequencies);
6. **truncation** of oscillators: the population in the top levels, and (given a
   ``rebuild`` callable) the change of the heat currents when the cutoff is raised;
7. the **TUR ratio** S σ / J² of each bath's heat current (:mod:`ssbattery.thermal.fcs`);
   below 2 in a classical (rate-equation) model signals an error, in a coherent one it is
   reported as information.

ħ = k_B = 1. Every number a finding quotes is also in :attr:`AuditReport.values`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.thermal.baths import (
    Bath,
    check_local_validity,
    current_floor,
    entropy_production,
    global_dissipators,
    heat_currents,
    thermal_state,
)
from ssbattery.thermal.fcs import heat_statistics, jump_energy
from ssbattery.thermal.lindblad import liouvillian, steady_state
from ssbattery.thermal.model import BathCoupling, ThermalModel

__all__ = [
    "AuditReport",
    "BathCoupling",
    "Finding",
    "ThermalModel",
    "audit",
    "pumped_battery_model",
]

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding(Recorded):
    """One result of the audit: ``level`` (error, warning, info), the ``check`` it came
    from and a one-sentence ``message``."""

    level: Level
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: [{self.check}] {self.message}"


@dataclass(frozen=True)
class AuditReport:
    """All findings of :func:`audit` and the numbers behind them."""

    name: str
    findings: tuple[Finding, ...]
    values: dict[str, Any]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings of level ``"error"``."""
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings of level ``"warning"``."""
        return tuple(f for f in self.findings if f.level == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error and no warning."""
        return not self.errors and not self.warnings

    def flagged(self, check: str) -> bool:
        """True when ``check`` produced an error or a warning."""
        return any(f.check == check and f.level != "info" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "ok": self.ok,
            "findings": [
                {"level": f.level, "check": f.check, "message": f.message} for f in self.findings
            ],
            "values": _jsonable(self.values),
        }

    def __str__(self) -> str:
        head = f"audit of {self.name}: {len(self.errors)} errors, {len(self.warnings)} warnings"
        return "\n".join([head, *(str(f) for f in self.findings)])


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | np.ndarray):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _logm_psd(rho: np.ndarray, floor: float = 1e-300) -> np.ndarray:
    w, V = np.linalg.eigh(0.5 * (rho + rho.conj().T))
    return (V * np.log(np.clip(w, floor, None))) @ V.conj().T


def _apply(c_ops: Sequence[np.ndarray], rho: np.ndarray) -> np.ndarray:
    out = np.zeros_like(rho)
    for C in c_ops:
        CdC = C.conj().T @ C
        out += C @ rho @ C.conj().T - 0.5 * (CdC @ rho + rho @ CdC)
    return out


def _spectrum(H: np.ndarray, c_ops: Sequence[np.ndarray]) -> np.ndarray:
    L = liouvillian(H, c_ops).toarray()
    return np.linalg.eigvals(L)


def _implied_temperatures(H: np.ndarray, ops: Sequence[np.ndarray]) -> list[tuple[float, float]]:
    """(ω, T) for every pair of jumps C↓ (energy −ω) and C↑ ∝ C↓† (energy +ω)."""
    out = []
    energies = [jump_energy(H, C) for C in ops]
    norms = [float(np.vdot(C, C).real) for C in ops]
    for i, (ei, Ci) in enumerate(zip(energies, ops, strict=True)):
        if ei >= -1e-12:
            continue
        for j, (ej, Cj) in enumerate(zip(energies, ops, strict=True)):
            if j == i or abs(ej + ei) > 1e-9 * max(1.0, abs(ei)):
                continue
            overlap = abs(np.vdot(Ci.conj().T, Cj)) / math.sqrt(norms[i] * norms[j])
            if overlap < 1 - 1e-9:
                continue
            down, up = norms[i], norms[j]
            T = -ei / math.log(down / up) if up > 0 and down > up else math.inf
            out.append((-ei, T))
    return out


def _detailed_balance(
    model: ThermalModel,
    H: np.ndarray,
    groups: Sequence[Sequence[np.ndarray]],
    findings: list[Finding],
    values: dict[str, Any],
) -> None:
    """Check 4: the temperature the rates of every transition imply."""
    implied = []
    for k, (b, g) in enumerate(zip(model.baths, groups, strict=True)):
        for w, T in _implied_temperatures(H, g):
            implied.append((k, w, T))
            stated = b.bath.temperature
            if stated > 0 and abs(T - stated) > 1e-6 * stated:
                findings.append(
                    Finding(
                        "warning",
                        "detailed balance",
                        f"bath {k}: the rates of the transition ω = {w:.4g} imply T = {T:.4g}, "
                        f"not the bath's T = {stated:.4g}.",
                    )
                )
    values["implied_temperatures"] = implied


def _steady_checks(model: ThermalModel, findings: list[Finding], values: dict[str, Any]) -> None:
    H = model.hamiltonian()
    groups = model.dissipators()
    c_all = [c for g in groups for c in g]
    temps = [b.bath.temperature for b in model.baths]
    # 1. uniqueness and relaxation time
    ev = _spectrum(H, c_all)
    scale = max(1.0, float(np.max(np.abs(ev))))
    zero = np.abs(ev) <= 1e-9 * scale
    n_zero = int(np.sum(zero))
    values["zero_eigenvalues"] = n_zero
    if n_zero != 1:
        findings.append(
            Finding(
                "error",
                "uniqueness",
                f"the Liouvillian has {n_zero} zero eigenvalues: the steady state is not "
                "unique (it depends on the initial state); add dissipation that connects "
                "every level or couple the isolated part to a bath.",
            )
        )
        return
    gap = float(np.min(np.abs(ev[~zero].real))) if np.any(~zero) else math.inf
    values["relaxation_time"] = 1.0 / gap if gap > 0 else math.inf
    findings.append(
        Finding(
            "info",
            "uniqueness",
            f"unique steady state; relaxation time 1/|Re λ₁| = {values['relaxation_time']:.4g}.",
        )
    )
    rho = steady_state(H, c_all)
    J = heat_currents(H, groups, rho)
    values["heat_currents"] = [float(j) for j in J]
    # 2. second law per bath (Spohn) and in total
    log_rho = _logm_psd(rho)
    sig = []
    for b, g in zip(model.baths, groups, strict=True):
        T = b.bath.temperature
        if T <= 0:
            sig.append(math.nan)
            continue
        log_gibbs = _logm_psd(thermal_state(H, T))
        sig.append(float(-np.real(np.trace(_apply(g, rho) @ (log_rho - log_gibbs)))))
    values["entropy_production_per_bath"] = sig
    # below the round-off floor a current is 0 and has no sign (e.g. uncoupled sites)
    jfloor = current_floor(H, c_all)
    jscale = max(jfloor, float(np.max(np.abs(J))))
    jtol = max(1e-9 * jscale, jfloor)
    total = entropy_production(J, temps, tol=jtol)  # T = 0 baths: ±∞ or 0
    values["entropy_production"] = total
    tol = 1e-9 * max(1.0, jscale / min(t for t in temps if t > 0) if any(temps) else 1.0)
    bad = [k for k, s in enumerate(sig) if math.isfinite(s) and s < -tol]
    if model.driven:
        findings.append(
            Finding(
                "info",
                "second law",
                "driven model: work enters, so the checks that assume none (current "
                "directions, local vs global, TUR) are skipped; per-bath σ_k "
                + ", ".join(f"{x:.3g}" for x in sig)
                + ".",
            )
        )
        _detailed_balance(model, H, groups, findings, values)
        return
    if bad or total < -tol:
        findings.append(
            Finding(
                "error",
                "second law",
                "negative entropy production: "
                + ", ".join(f"bath {k} σ_k = {sig[k]:.3g}" for k in bad)
                + (f"; total −Σ J/T = {total:.3g}" if total < -tol else "")
                + "; the dissipators do not describe a thermal bath for this H (typically a "
                "local master equation outside its validity).",
            )
        )
    else:
        findings.append(
            Finding("info", "second law", f"entropy production {total:.4g} ≥ 0, per bath ≥ 0.")
        )
    # 3. direction of the heat currents
    if len(temps) == 2 and max(temps) > min(temps):  # with 3+ baths only σ ≥ 0 binds
        hot, cold = int(np.argmax(temps)), int(np.argmin(temps))
        if J[hot] < -jtol or J[cold] > jtol:
            findings.append(
                Finding(
                    "error",
                    "current direction",
                    f"without work, heat flows out of the cold bath (J = {J[cold]:.3g}) or into "
                    f"the hot one (J = {J[hot]:.3g}): it must flow from T = {temps[hot]:g} to "
                    f"T = {temps[cold]:g}.",
                )
            )
    elif len(temps) == 2 and float(np.max(np.abs(J))) > jtol:  # one temperature: no flow
        findings.append(
            Finding(
                "error",
                "current direction",
                f"without work, heat flows between two baths at the same temperature "
                f"T = {temps[0]:g} (J = {J[0]:.3g}, {J[1]:.3g}): the steady state is not "
                "thermal (typically a local master equation on detuned, coupled sites).",
            )
        )
    _detailed_balance(model, H, groups, findings, values)
    # 5. local against global
    if any(b.form == "local" for b in model.baths):
        rep = check_local_validity(
            H,
            [(b.bath, g) for b, g in zip(model.baths, groups, strict=True)],
            rho,
            warn=False,
        )
        values["coupling_from_H"] = rep.coupling
        Jg = rep.global_currents
        if Jg is not None:
            values["global_heat_currents"] = [float(j) for j in Jg]
        for msg in rep.issues:
            findings.append(
                Finding("error" if "disagree" in msg else "warning", "local vs global", msg)
            )
        if Jg is not None and not rep.issues and np.all(np.isfinite(Jg)) and jscale > jfloor:
            dev = float(np.max(np.abs(J - Jg))) / max(jscale, 1e-300)
            values["local_global_deviation"] = dev
            level: Level = "warning" if dev > 0.1 else "info"
            findings.append(
                Finding(
                    level,
                    "local vs global",
                    f"local and global currents differ by {100 * dev:.2g} %.",
                )
            )
    else:
        # the Bohr frequencies the baths drive (one per Davies jump group)
        bohr = np.unique(np.round([abs(jump_energy(H, c)) for c in c_all], 12))
        bohr = bohr[bohr > 1e-9]
        spacing = float(np.min(np.diff(bohr))) if bohr.size > 1 else math.inf
        rate = max(b.bath.rate for b in model.baths)
        values["min_bohr_spacing"] = spacing
        if spacing < rate:
            findings.append(
                Finding(
                    "warning",
                    "local vs global",
                    f"Bohr frequencies {spacing:.3g} apart, below the bath rate {rate:.3g}: the "
                    "secular (global) approximation is unreliable; consider a local or "
                    "partial-secular master equation.",
                )
            )
    # 6. truncation
    if model.truncated and model.dims is not None:
        from ssbattery.quantum.correlations import partial_trace

        for k in model.truncated:
            p = np.real(np.diag(partial_trace(rho, model.dims, k)))
            top = max(1, p.size // 10)
            weight = float(np.sum(p[-top:]))
            values.setdefault("top_level_population", []).append(weight)
            if weight > 1e-6:
                findings.append(
                    Finding(
                        "error" if weight > 1e-3 else "warning",
                        "truncation",
                        f"mode {k}: the top {top} of {p.size} levels hold {weight:.2e} of the "
                        "population; raise the cutoff.",
                    )
                )
    if model.rebuild is not None and model.levels is not None:
        more = model.rebuild(model.levels + max(4, model.levels // 4))
        Hm = more.hamiltonian()
        gm = more.dissipators()
        rho_m = steady_state(Hm, [c for g in gm for c in g])
        Jm = heat_currents(Hm, gm, rho_m)
        energy = float(np.real(np.trace(H @ rho)))
        energy_m = float(np.real(np.trace(Hm @ rho_m)))
        change = abs(energy_m - energy) / max(abs(energy), 1e-300)
        if jscale > jfloor:  # a current flows: its change counts too
            change = max(change, float(np.max(np.abs(Jm - J))) / jscale)
        values["cutoff_change"] = change
        if change > 1e-4:
            findings.append(
                Finding(
                    "error" if change > 1e-2 else "warning",
                    "truncation",
                    f"raising the cutoff from {model.levels} changes the mean energy or heat "
                    f"currents by {100 * change:.2g} %: not converged.",
                )
            )
    # 7. TUR
    classical = all(b.form == "global" for b in model.baths)
    if 0 < total < math.inf and len(groups) > 1:  # σ = ∞ (a bath at T = 0): no TUR bound
        ratios = []
        for k, g in enumerate(groups):
            if abs(J[k]) <= 1e-12 * max(1.0, jscale):
                ratios.append(math.nan)
                continue
            ratios.append(heat_statistics(H, c_all, g, entropy_production=total).tur_ratio)
        values["tur_ratio"] = ratios
        low = [q for q in ratios if math.isfinite(q) and q < 2.0 - 1e-9]
        if low:
            findings.append(
                Finding(
                    "error" if classical and _is_classical(H, rho) else "info",
                    "TUR",
                    f"TUR ratio S σ / J² = {min(low):.4g} < 2 "
                    + (
                        "in a rate-equation model: the statistics or σ are wrong."
                        if classical and _is_classical(H, rho)
                        else "(allowed with coherence)."
                    ),
                )
            )
        else:
            findings.append(
                Finding(
                    "info",
                    "TUR",
                    "TUR ratio S σ / J² = "
                    + ", ".join(f"{q:.4g}" for q in ratios if math.isfinite(q))
                    + " ≥ 2.",
                )
            )


def _is_classical(H: np.ndarray, rho: np.ndarray) -> bool:
    _e, V = np.linalg.eigh(H)
    r = V.conj().T @ rho @ V
    off = r - np.diag(np.diag(r))
    return float(np.max(np.abs(off), initial=0.0)) < 1e-9


def _otto_checks(cycle: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    import warnings

    from ssbattery.errors import ConvergenceWarning
    from ssbattery.thermal.otto import OttoCycle, WorkingMedium, otto_cycle

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        res = otto_cycle(cycle)
    Th, Tc = cycle.hot.temperature, cycle.cold.temperature
    qscale = max(abs(res.work), abs(res.heat_hot), abs(res.heat_cold))
    sigma = entropy_production([res.heat_hot, res.heat_cold], [Th, Tc], tol=1e-12 * qscale)
    values |= {
        "work": res.work,
        "heat_hot": res.heat_hot,
        "heat_cold": res.heat_cold,
        "mode": res.mode,
        "entropy_production_per_cycle": sigma,
        "first_law_residual": res.first_law_residual,
    }
    if sigma < -1e-12:
        findings.append(
            Finding("error", "second law", f"entropy production per cycle {sigma:.3g} < 0.")
        )
    else:
        findings.append(
            Finding("info", "second law", f"entropy production per cycle {sigma:.4g} ≥ 0.")
        )
    if res.mode == "forbidden":
        findings.append(
            Finding("error", "current direction", "the cycle's heat flows are forbidden.")
        )
    else:
        findings.append(Finding("info", "current direction", f"operating mode: {res.mode}."))
    if res.first_law_residual > 1e-9 * max(1.0, abs(res.heat_hot)):
        findings.append(
            Finding("error", "first law", f"|W + Q_h + Q_c| = {res.first_law_residual:.2e}.")
        )
    # the strokes' baths as steady-state models
    for name, bath, w in (("hot", cycle.hot, cycle.omega_h), ("cold", cycle.cold, cycle.omega_c)):
        H = cycle.medium.hamiltonian(w)
        ops = [
            b
            for b in _implied_temperatures(
                H, global_dissipators(H, cycle.medium.coupling_operator(), bath)
            )
        ]
        for ww, T in ops:
            if bath.temperature > 0 and abs(T - bath.temperature) > 1e-6 * bath.temperature:
                findings.append(
                    Finding(
                        "warning",
                        "detailed balance",
                        f"{name} bath: transition ω = {ww:.4g} implies T = {T:.4g}.",
                    )
                )
    if cycle.medium.kind == "oscillator":
        top = [str(c.message) for c in caught]
        more = OttoCycle(
            WorkingMedium(
                "oscillator",
                levels=cycle.medium.levels + max(4, cycle.medium.levels // 4),
                reference_frequency=cycle.medium.reference_frequency,
            ),
            cycle.omega_h,
            cycle.omega_c,
            cycle.hot,
            cycle.cold,
            cycle.tau_h,
            cycle.tau_c,
            stroke=cycle.stroke,
            tau_u=cycle.tau_u,
            driven_steps=cycle.driven_steps,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res2 = otto_cycle(more)
        # relative to |W|, but not below round-off of the cycle's energies: at the
        # reversible point (ω_c/ω_h = T_c/T_h) W ~ 1e-14 on both cutoffs and is no change
        floor = 1e-9 * max(1.0, *map(abs, res.corner_energies))
        change = abs(res2.work - res.work) / max(abs(res.work), floor)
        values["cutoff_change"] = change
        if change > 1e-4 or top:
            findings.append(
                Finding(
                    "error" if change > 1e-2 else "warning",
                    "truncation",
                    f"raising the cutoff from {cycle.medium.levels} to {more.medium.levels} "
                    f"levels changes W by {100 * change:.2g} %"
                    + ("; " + top[0] if top else "")
                    + ".",
                )
            )
        else:
            findings.append(
                Finding("info", "truncation", f"W converged in the cutoff ({100 * change:.1e} %).")
            )


def _law_findings(
    findings: list[Finding],
    values: dict[str, Any],
    *,
    heats: Sequence[float],
    temperatures: Sequence[float],
    residual: float,
    scale: float,
    information: float = 0.0,
) -> None:
    """First law (|residual| ≤ 1e-9·scale) and second law per cycle: −Σ Q_k/T_k ≥ −I (I the
    information a feedback controller acquires, 0 without one)."""
    sigma = entropy_production(heats, temperatures, tol=1e-12 * max(1.0, scale))
    values["entropy_production_per_cycle"] = sigma
    values["first_law_residual"] = residual
    if residual > 1e-9 * max(1.0, scale):
        findings.append(Finding("error", "first law", f"|W + ΣQ| = {residual:.2e} per cycle."))
    else:
        findings.append(Finding("info", "first law", f"|W + ΣQ| = {residual:.1e} per cycle."))
    bound = -information if information else 0.0
    if sigma < bound - 1e-12 * max(1.0, scale):
        findings.append(
            Finding(
                "error",
                "second law",
                f"entropy production per cycle {sigma:.4g} below {bound:.4g}"
                + (" (−I, information used)" if information else "")
                + ".",
            )
        )
    else:
        findings.append(
            Finding(
                "info", "second law", f"entropy production per cycle {sigma:.4g} ≥ {bound:.4g}."
            )
        )


def _general_cycle_checks(result: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    """First law and the second law per cycle; with feedback strokes the Clausius bound
    becomes Σ_k Q_k/T_k ≤ I (Sagawa & Ueda, PRL 100, 080403 (2008)), I the QC-mutual
    information the records acquire per cycle."""
    scale = max([abs(result.work), *map(abs, result.heats)], default=1.0)
    values |= {"work": result.work, "heats": list(result.heats)}
    if any(r.kind == "feedback" for r in result.strokes):
        values["information"] = result.information
        findings.append(
            Finding(
                "info",
                "second law",
                f"feedback strokes acquire I = {result.information:.4g} nats per cycle: the "
                "Clausius bound becomes the Sagawa–Ueda one, Σ Q/T ≤ I.",
            )
        )
    _law_findings(
        findings,
        values,
        heats=result.heats,
        temperatures=result.temperatures,
        residual=result.first_law_residual,
        scale=scale,
        information=result.information,
    )
    _stroke_checks(result, findings, values)


def _stroke_checks(result: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    """Every thermal stroke of a cycle as an undriven model at its λ: how many relaxation
    times 1/|Re λ₁| the stroke lasts (uniqueness of its own steady state), the temperature
    its rates imply (detailed balance), and local against global for local baths."""
    from ssbattery.thermal.cycle import ThermalStroke

    medium = result.cycle.medium
    durations, implied = [], []
    for s in result.cycle.strokes:
        if not isinstance(s, ThermalStroke):
            continue
        label = s.name or f"λ = {s.lam:g}"
        model = ThermalModel(medium.H(s.lam), s.baths, name=label)
        H, groups = model.hamiltonian(), model.dissipators()
        ev = _spectrum(H, [c for g in groups for c in g])
        zero = np.abs(ev) <= 1e-9 * max(1.0, float(np.max(np.abs(ev))))
        if int(np.sum(zero)) != 1:
            findings.append(
                Finding(
                    "warning",
                    "uniqueness",
                    f"thermal stroke '{label}': {int(np.sum(zero))} stationary states; it "
                    "does not thermalise every level (the cycle's limit cycle may still be "
                    "unique).",
                )
            )
        else:
            t_relax = 1.0 / float(np.min(np.abs(ev[~zero].real)))
            durations.append(s.duration / t_relax)
            findings.append(
                Finding(
                    "info",
                    "uniqueness",
                    f"thermal stroke '{label}' lasts {s.duration / t_relax:.3g} relaxation "
                    f"times (1/|Re λ₁| = {t_relax:.4g}).",
                )
            )
        sub: dict[str, Any] = {}
        _detailed_balance(model, H, groups, findings, sub)
        implied += sub.get("implied_temperatures", [])
        if any(b.form == "local" for b in s.baths):
            rho = steady_state(H, [c for g in groups for c in g], check_unique=False)
            rep = check_local_validity(
                H, [(b.bath, g) for b, g in zip(s.baths, groups, strict=True)], rho, warn=False
            )
            for msg in rep.issues:
                findings.append(Finding("warning", "local vs global", f"stroke '{label}': {msg}"))
    values["stroke_durations_in_relaxation_times"] = durations
    values["implied_temperatures"] = implied


def _learned_checks(result: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    m, p = result.learned, result.parameters
    residual = abs(m.work_extracted - m.heat_hot - m.heat_cold)
    _law_findings(
        findings,
        values,
        heats=(m.heat_hot, m.heat_cold),
        temperatures=(p.T_hot, p.T_cold),
        residual=residual,
        scale=max(abs(m.heat_hot), abs(m.heat_cold)),
    )
    carnot = 1.0 - p.T_cold / p.T_hot
    values |= {"efficiency": m.efficiency, "carnot_efficiency": carnot, "bath": p.bath}
    if math.isfinite(m.efficiency) and m.efficiency > carnot + 1e-12:
        findings.append(Finding("error", "second law", f"η = {m.efficiency:.4g} above Carnot."))
    findings.append(
        Finding(
            "info",
            "detailed balance",
            f"{p.bath} bath: every step relaxes to the Fermi population at its temperature "
            "(up/down rate ratio e^{−E/T} by construction).",
        )
    )


def _demon_checks(scan: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    """Sagawa–Ueda at every coupling of a demon scan: W ≤ T·I_QC (joint measurement)."""
    margin = scan.joint_mean - scan.temperature * scan.joint_information
    values |= {"couplings": list(scan.couplings), "szilard_margin": list(margin)}
    worst = float(np.max(margin))
    if worst > 1e-12:
        findings.append(
            Finding("error", "second law", f"W exceeds T·I_QC by {worst:.3g} (Sagawa–Ueda).")
        )
    else:
        findings.append(
            Finding(
                "info",
                "second law",
                f"W ≤ T·I_QC at every coupling (largest W − T·I = {worst:.3g}).",
            )
        )


def pumped_battery_model(battery: Any, omega_L: float) -> ThermalModel:
    """The optically pumped battery at pump frequency ``omega_L`` as a driven model (its
    rotating-frame H and its two local baths), for :func:`audit`."""
    from ssbattery.thermal.pumped_battery import A, E, G, _ket_bra

    tr = battery.T_c if battery.single_reservoir else battery.T_r
    baths = [
        BathCoupling(
            Bath(tr, battery.decay),
            _ket_bra(E, A),
            "local",
            battery.omega_a - battery.omega_e,
            "reservoir",
        )
    ]
    if battery.battery_rate > 0:
        baths.append(
            BathCoupling(
                Bath(battery.T_c, battery.battery_rate),
                _ket_bra(G, E),
                "local",
                battery.omega_e,
                "cold",
            )
        )
    return ThermalModel(
        battery.hamiltonian(omega_L),
        tuple(baths),
        name=f"optically pumped battery (ω_L = {omega_L:g})",
        driven=True,
    )


def _heat_battery_model(bat: Any) -> ThermalModel:
    from ssbattery.thermal.heat_battery import _ops

    s1, s2 = _ops()
    H = bat.hamiltonian()
    hot, cold = Bath(bat.T_h, bat.rate_h), Bath(bat.T_c, bat.rate_c)
    if bat.form == "local":
        baths = (
            BathCoupling(hot, s1, "local", bat.omega0, "hot"),
            BathCoupling(cold, s2, "local", bat.omega0, "cold"),
        )
    else:
        baths = (
            BathCoupling(hot, s1 + s1.conj().T, "global", label="hot"),
            BathCoupling(cold, s2 + s2.conj().T, "global", label="cold"),
        )
    return ThermalModel(H, baths, name=f"heat-charged battery (λ = {bat.coupling:g}, {bat.form})")


def _closed_battery_checks(result: Any, findings: list[Finding], values: dict[str, Any]) -> None:
    """A closed battery charged unitarily from a passive state (the Dicke and spin-chain
    batteries start in the ground state of H0): Thomson's statement (no work can be
    extracted from a passive state by a cyclic process) gives W(t) ≥ 0; ergotropy
    0 ≤ E(t) ≤ W(t) (the ergotropy is the energy above the passive state, at least
    E_ground); the norm stays 1; a truncated photon space keeps its edge empty."""
    W = np.asarray(result.energy, dtype=float)
    E = np.asarray(result.ergotropy, dtype=float)
    scale = max(1.0, float(np.max(np.abs(W))))
    tol = 1e-8 * scale
    values |= {"min_energy": float(W.min()), "max_ergotropy_minus_energy": float(np.max(E - W))}
    if W.min() < -tol:
        findings.append(
            Finding(
                "error",
                "second law",
                f"W(t) = {W.min():.3g} < 0: work extracted from the passive initial state "
                "(Thomson's statement forbids it): a numerical or model error.",
            )
        )
    else:
        findings.append(Finding("info", "second law", "W(t) ≥ 0 from the passive initial state."))
    if np.any(np.isfinite(E)) and (np.nanmin(E) < -tol or np.nanmax(E - W) > tol):
        findings.append(
            Finding(
                "error",
                "ergotropy bound",
                f"ergotropy outside 0 ≤ E ≤ W (min E = {np.nanmin(E):.3g}, "
                f"max E − W = {np.nanmax(E - W):.3g}).",
            )
        )
    elif np.any(np.isfinite(E)):
        findings.append(Finding("info", "ergotropy bound", "0 ≤ ergotropy ≤ W(t) at every time."))
    diag = dict(getattr(result, "diagnostics", {}) or {})
    norm = diag.get("max_norm_error")
    if norm is not None:
        values["max_norm_error"] = float(norm)
        level: Level = "warning" if norm > 1e-6 else "info"
        findings.append(Finding(level, "unitarity", f"largest |‖ψ‖² − 1| = {norm:.1e}."))
    edge = diag.get("max_top_photon_population")
    if edge is not None:
        values["max_top_photon_population"] = float(edge)
        level = "warning" if edge > 1e-6 else "info"
        findings.append(
            Finding(
                level,
                "truncation",
                f"largest population of the top photon level {edge:.1e}"
                + (": raise the photon cutoff." if edge > 1e-6 else "."),
            )
        )
    findings.append(
        Finding(
            "info",
            "scope",
            "closed battery without baths: the steady-state, detailed-balance, local/global "
            "and TUR checks do not apply.",
        )
    )


def audit(model: Any) -> AuditReport:
    """Run every applicable check on ``model`` (see the module docstring).

    ``model``: a :class:`ThermalModel` (``driven=True`` for a model with a drive, which
    skips the checks that assume no work), an :class:`~ssbattery.thermal.otto.OttoCycle` (or
    the :class:`~ssbattery.thermal.otto.OttoResult` of one), a
    :class:`~ssbattery.thermal.heat_battery.HeatBattery` (its charging stroke's NESS), a
    general :class:`~ssbattery.thermal.cycle.Cycle` (or its result), a learned cycle
    (:class:`~ssbattery.thermal.learning.LearningResult`): first and second law per cycle,
    or a closed battery's :class:`~ssbattery.quantum.battery.ChargingResult` (Dicke, spin
    chain): W ≥ 0 from the passive start, 0 ≤ ergotropy ≤ W, unitarity, photon truncation.
    """
    from ssbattery.quantum.battery import ChargingResult
    from ssbattery.thermal.cycle import Cycle, CycleResult, run_cycle
    from ssbattery.thermal.heat_battery import HeatBattery
    from ssbattery.thermal.learning import LearningResult
    from ssbattery.thermal.otto import OttoCycle, OttoResult

    findings: list[Finding] = []
    values: dict[str, Any] = {}
    if isinstance(model, ChargingResult):
        _closed_battery_checks(model, findings, values)
        name = type(model.model).__name__ if model.model is not None else "battery"
        return AuditReport(f"closed battery ({name})", tuple(findings), values)
    if isinstance(model, Cycle):
        model = run_cycle(model)
    if isinstance(model, CycleResult):
        _general_cycle_checks(model, findings, values)
        return AuditReport(f"cycle of {model.cycle.medium.name}", tuple(findings), values)
    from ssbattery.thermal.feedback import DemonScan

    if isinstance(model, DemonScan):
        _demon_checks(model, findings, values)
        return AuditReport("Maxwell's demon scan", tuple(findings), values)
    if isinstance(model, LearningResult):
        _learned_checks(model, findings, values)
        return AuditReport("learned two-level engine cycle", tuple(findings), values)
    if isinstance(model, OttoResult):
        model = model.cycle
    if isinstance(model, OttoCycle):
        _otto_checks(model, findings, values)
        return AuditReport(f"Otto cycle ({model.medium.kind})", tuple(findings), values)
    if isinstance(model, HeatBattery):
        model = _heat_battery_model(model)
    if not isinstance(model, ThermalModel):
        raise InvalidParameterError(
            "`model` must be a ThermalModel, an OttoCycle/OttoResult or a HeatBattery, got "
            f"{type(model).__name__}."
        )
    _steady_checks(model, findings, values)
    return AuditReport(model.name, tuple(findings), values)
