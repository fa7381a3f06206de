"""Thermal models and cycles written as TOML specs (``ssbattery audit SPEC.toml``,
``ssbattery cycle SPEC.toml``; cycle specs: :func:`cycle_from_spec`).

A spec has one ``[model]`` table whose ``kind`` picks the model; the other keys are its
parameters (ħ = k_B = 1, energies in units of the model's reference frequency):

* ``kind = "otto"``: the Otto cycle; keys of :func:`~ssbattery.thermal.otto.qubit_otto`
  (``omega_h``, ``omega_c``, ``T_h``, ``T_c``, ``rate_h``, ``rate_c``, ``tau_h``, ``tau_c``,
  ``stroke``, ``tau_u``) plus ``medium`` ("qubit"/"oscillator") and ``levels``.
* ``kind = "heat-battery"``: :class:`~ssbattery.thermal.heat_battery.HeatBattery` keys
  (``coupling``, ``T_h``, ``T_c``, ``rate_h``, ``rate_c``, ``omega0``, ``form``).
* ``kind = "qubits"``: two qubits H = ω1 σ⁺₁σ⁻₁ + ω2 σ⁺₂σ⁻₂ + λ(σ⁺₁σ⁻₂ + h.c.) (keys
  ``omega1``, ``omega2``, ``coupling``, ``form`` = "local"/"global") and an array of
  ``[[model.baths]]`` tables with ``site`` (1 or 2), ``T`` and ``rate``.
* ``kind = "oscillator"``: a mode ω a†a truncated to ``levels``, one bath (``T``,
  ``rate``) through x ∝ a + a†.

Example::

    [model]
    kind = "qubits"
    omega1 = 1.0
    omega2 = 1.0
    coupling = 0.5
    form = "local"
    [[model.baths]]
    site = 1
    T = 2.0
    rate = 0.01
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from ssbattery.errors import DataFormatError, InvalidParameterError
from ssbattery.thermal.audit import BathCoupling, ThermalModel
from ssbattery.thermal.baths import Bath

__all__ = ["KINDS", "cycle_from_spec", "load_cycle_spec", "load_spec", "model_from_spec"]

#: The system kinds a spec file may name (``kind = "otto"`` …).
KINDS = ("otto", "heat-battery", "qubits", "oscillator")

_OTTO_KEYS = {
    "medium",
    "levels",
    "omega_h",
    "omega_c",
    "T_h",
    "T_c",
    "rate_h",
    "rate_c",
    "tau_h",
    "tau_c",
    "stroke",
    "tau_u",
}
_HEAT_KEYS = {"coupling", "T_h", "T_c", "rate_h", "rate_c", "omega0", "form"}


def _check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise InvalidParameterError(
            f"unknown key(s) {', '.join(extra)} in {where}; allowed: {', '.join(sorted(allowed))}."
        )


def _number(table: dict[str, Any], key: str, default: float, where: str) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidParameterError(f"`{key}` in {where} must be a number, got {value!r}.")
    if not math.isfinite(value):  # TOML has nan and inf
        raise InvalidParameterError(f"`{key}` in {where} must be a finite number, got {value!r}.")
    return float(value)


def _bath(
    table: dict[str, Any], where: str, keys: tuple[str, str], defaults: tuple[float, float]
) -> Bath:
    """The Bath of the temperature and rate keys of ``table``; its errors name those keys
    and the table, not the Bath's own field names."""
    T, rate = (_number(table, k, d, where) for k, d in zip(keys, defaults, strict=True))
    try:
        return Bath(T, rate)
    except InvalidParameterError as exc:
        msg = str(exc)
        for field, key in zip(("`temperature`", "`rate`"), keys, strict=True):
            msg = msg.replace(field, f"`{key}` in {where}")
        raise InvalidParameterError(msg) from exc


def _otto(table: dict[str, Any]) -> Any:
    from ssbattery.thermal.otto import OttoCycle, WorkingMedium

    _check_keys(table, _OTTO_KEYS, "[model] (kind = 'otto')")
    w = "[model]"
    wh, wc = _number(table, "omega_h", 2.0, w), _number(table, "omega_c", 1.0, w)
    medium = table.get("medium", "qubit")
    if medium == "oscillator":
        levels = table.get("levels", 20)
        if isinstance(levels, bool) or not isinstance(levels, int):
            raise InvalidParameterError(f"`levels` in [model] must be an integer, got {levels!r}.")
        med = WorkingMedium(
            "oscillator", levels=levels, reference_frequency=float(np.sqrt(wh * wc))
        )
    else:
        med = WorkingMedium(medium)
    return OttoCycle(
        med,
        wh,
        wc,
        _bath(table, w, ("T_h", "rate_h"), (4.0, 0.5)),
        _bath(table, w, ("T_c", "rate_c"), (0.5, 0.5)),
        _number(table, "tau_h", 5.0, w),
        _number(table, "tau_c", 5.0, w),
        stroke=table.get("stroke", "adiabatic"),
        tau_u=_number(table, "tau_u", 0.0, w),
    )


def _heat_battery(table: dict[str, Any]) -> Any:
    from ssbattery.thermal.heat_battery import HeatBattery

    _check_keys(table, _HEAT_KEYS, "[model] (kind = 'heat-battery')")
    kw: dict[str, Any] = {k: _number(table, k, 0.0, "[model]") for k in table if k != "form"}
    if "form" in table:
        kw["form"] = table["form"]
    return HeatBattery(**kw)


def _qubits(table: dict[str, Any]) -> ThermalModel:
    _check_keys(
        table, {"omega1", "omega2", "coupling", "form", "baths"}, "[model] (kind = 'qubits')"
    )
    w = "[model]"
    w1, w2 = _number(table, "omega1", 1.0, w), _number(table, "omega2", 1.0, w)
    lam = _number(table, "coupling", 0.0, w)
    form = table.get("form", "global")
    sm = np.array([[0, 0], [1, 0]], dtype=complex)
    s = [np.kron(sm, np.eye(2)), np.kron(np.eye(2), sm)]
    H = w1 * s[0].conj().T @ s[0] + w2 * s[1].conj().T @ s[1]
    H = H + lam * (s[0].conj().T @ s[1] + s[1].conj().T @ s[0])
    baths_in = table.get("baths", [])
    if not isinstance(baths_in, list) or not baths_in:
        raise InvalidParameterError(
            "give at least one [[model.baths]] table with `site`, `T` and `rate`."
        )
    couplings = []
    for k, b in enumerate(baths_in):
        where = f"[[model.baths]] #{k + 1}"
        if not isinstance(b, dict):
            raise InvalidParameterError(f"{where} must be a table.")
        _check_keys(b, {"site", "T", "rate"}, where)
        site = b.get("site")
        if site not in (1, 2):
            raise InvalidParameterError(f"`site` in {where} must be 1 or 2, got {site!r}.")
        bath = _bath(b, where, ("T", "rate"), (1.0, 0.1))
        a = s[site - 1]
        if form == "local":
            couplings.append(BathCoupling(bath, a, "local", (w1, w2)[site - 1], f"site {site}"))
        elif form == "global":
            couplings.append(BathCoupling(bath, a + a.conj().T, "global", label=f"site {site}"))
        else:
            raise InvalidParameterError(
                f"`form` in [model] must be 'local' or 'global', got {form!r}."
            )
    return ThermalModel(H, tuple(couplings), name=f"two qubits (λ = {lam:g}, {form})")


def _oscillator(table: dict[str, Any]) -> ThermalModel:
    _check_keys(table, {"omega", "levels", "T", "rate"}, "[model] (kind = 'oscillator')")
    w = "[model]"
    omega = _number(table, "omega", 1.0, w)
    levels = table.get("levels", 20)
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise InvalidParameterError(f"`levels` in [model] must be an integer ≥ 2, got {levels!r}.")
    T, rate = _number(table, "T", 1.0, w), _number(table, "rate", 0.1, w)
    _bath(table, w, ("T", "rate"), (1.0, 0.1))  # checked here, named as in the spec

    def build(n: int) -> ThermalModel:
        a = np.diag(np.sqrt(np.arange(1, n)), 1).astype(complex)
        return ThermalModel(
            omega * a.conj().T @ a,
            (BathCoupling(Bath(T, rate), a + a.conj().T, label="bath"),),
            name=f"oscillator (ω = {omega:g}, {n} levels, T = {T:g})",
            dims=(n,),
            truncated=(0,),
            levels=n,
            rebuild=build,
        )

    return build(levels)


def model_from_spec(spec: dict[str, Any]) -> Any:
    """The model a parsed spec describes (see the module docstring)."""
    table = spec.get("model")
    if not isinstance(table, dict):
        raise InvalidParameterError("the spec needs a [model] table with a `kind`.")
    table = dict(table)
    kind = table.pop("kind", None)
    builders = {
        "otto": _otto,
        "heat-battery": _heat_battery,
        "qubits": _qubits,
        "oscillator": _oscillator,
    }
    if kind not in builders:
        raise InvalidParameterError(
            f"`kind` in [model] must be one of {', '.join(KINDS)}, got {kind!r}."
        )
    return builders[kind](table)


def load_spec(path: str | Path) -> Any:
    """Read a TOML spec file and build its model: a ``[model]`` spec (this module's
    docstring) or a cycle spec (``[medium]`` and ``[[strokes]]``, :func:`cycle_from_spec`)."""
    spec = _read_toml(path)
    if "model" not in spec and "medium" in spec:
        return cycle_from_spec(spec)
    return model_from_spec(spec)


def _read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidParameterError(
            f"spec file {p} does not exist; give the path of a .toml spec."
        ) from None
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFormatError(f"spec file {p} is not valid TOML: {exc}.") from None
    return spec


# ---------------------------------------------------------------------- cycle specs

_SX = np.array([[0, 1], [1, 0]], dtype=complex)


def _medium_from_spec(table: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(Medium, named bath operators) from the ``[medium]`` table of a cycle spec."""
    from ssbattery.thermal.cycle import Medium, heisenberg_medium
    from ssbattery.thermal.media import spin_chain_medium
    from ssbattery.thermal.otto import WorkingMedium

    kind = table.get("kind")
    if kind == "qubit":
        _check_keys(table, {"kind"}, "[medium] (kind = 'qubit')")
        med = Medium(lambda w: np.diag([w / 2, -w / 2]).astype(complex), (2,), name="qubit")
        return med, {"x": _SX}
    if kind == "oscillator":
        _check_keys(table, {"kind", "levels", "reference_frequency"}, "[medium]")
        levels = _integer(table, "levels", 20, "[medium]")
        wm = WorkingMedium(
            "oscillator",
            levels=levels,
            reference_frequency=_number(table, "reference_frequency", 1.0, "[medium]"),
        )
        return Medium(wm.hamiltonian, (levels,), name="oscillator"), {"x": wm.coupling_operator()}
    if kind == "heisenberg":
        _check_keys(table, {"kind", "J"}, "[medium] (kind = 'heisenberg')")
        med = heisenberg_medium(_number(table, "J", 0.2, "[medium]"))
        return med, {"x1": np.kron(_SX, np.eye(2)), "x2": np.kron(np.eye(2), _SX)}
    if kind == "spin-chain":
        w = "[medium] (kind = 'spin-chain')"
        _check_keys(
            table,
            {"kind", "sites", "coupling", "anisotropy", "range", "decay", "periodic"},
            w,
        )
        periodic = table.get("periodic", False)
        if not isinstance(periodic, bool):
            raise InvalidParameterError(f"`periodic` in {w} must be true or false.")
        return spin_chain_medium(
            _integer(table, "sites", 3, w),
            coupling=_number(table, "coupling", 1.0, w),
            anisotropy=_number(table, "anisotropy", 1.0, w),
            interaction=table.get("range", "nn"),
            decay=_number(table, "decay", 1.0, w),
            periodic=periodic,
        )
    raise InvalidParameterError(
        "`kind` in [medium] must be 'qubit', 'oscillator', 'heisenberg' or 'spin-chain', "
        f"got {kind!r}."
    )


def _integer(table: dict[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(f"`{key}` in {where} must be an integer, got {value!r}.")
    return value


def _unitary_stroke(st: dict[str, Any], k: int, where: str) -> Any:
    from ssbattery.thermal.cycle import UnitaryStroke

    _check_keys(st, {"type", "from", "to", "protocol", "duration", "steps", "name"}, where)
    return UnitaryStroke(
        _number(st, "from", 1.0, where),
        _number(st, "to", 1.0, where),
        st.get("protocol", "adiabatic"),
        _number(st, "duration", 0.0, where),
        steps=_integer(st, "steps", 200, where),
        name=str(st.get("name", f"unitary {k + 1}")),
    )


def _thermal_stroke(st: dict[str, Any], k: int, where: str, operators: dict[str, Any]) -> Any:
    from ssbattery.thermal.cycle import ThermalStroke

    _check_keys(st, {"type", "lambda", "duration", "baths", "name"}, where)
    baths = []
    for j, b in enumerate(st.get("baths", [])):
        bw = f"{where} bath #{j + 1}"
        if not isinstance(b, dict):
            raise InvalidParameterError(f"{bw} must be a table.")
        _check_keys(b, {"T", "rate", "operator"}, bw)
        op = b.get("operator", next(iter(operators)))
        if op not in operators:
            raise InvalidParameterError(
                f"`operator` in {bw} must be one of {', '.join(operators)}, got {op!r}."
            )
        bath = _bath(b, bw, ("T", "rate"), (1.0, 0.5))
        baths.append(BathCoupling(bath, operators[op], label=f"{op}, T = {bath.temperature:g}"))
    if not baths:
        raise InvalidParameterError(f"{where} needs at least one [[strokes.baths]] table.")
    return ThermalStroke(
        _number(st, "lambda", 1.0, where),
        tuple(baths),
        _number(st, "duration", 0.0, where),
        name=str(st.get("name", f"thermal {k + 1}")),
    )


def _feedback_stroke(st: dict[str, Any], k: int, where: str, medium: Any) -> Any:
    from ssbattery.thermal.cycle import FeedbackStroke
    from ssbattery.thermal.media import energy_feedback

    _check_keys(st, {"type", "lambda", "measure", "feedback", "error", "name"}, where)
    if st.get("measure", "energy") != "energy":
        raise InvalidParameterError(
            f"`measure` in {where} must be 'energy' (projective, in the eigenbasis of H(λ))."
        )
    lam = _number(st, "lambda", 1.0, where)
    protocol = energy_feedback(
        medium.H(lam),
        feedback=st.get("feedback", "ground"),
        readout_error=_number(st, "error", 0.0, where),
    )
    return FeedbackStroke(lam, protocol, name=str(st.get("name", f"feedback {k + 1}")))


def cycle_from_spec(spec: dict[str, Any]) -> Any:
    """A :class:`~ssbattery.thermal.cycle.Cycle` from a parsed cycle spec.

    ``[medium]``: ``kind`` = qubit, oscillator (``levels``, ``reference_frequency``),
    heisenberg (``J``) or spin-chain (``sites`` ≤ 8; sparse above 5, ``coupling``, ``anisotropy``,
    ``range`` = nn/lr, ``decay``, ``periodic``; λ is the field B). ``[[strokes]]``, each

    * ``type = "unitary"``: ``from``, ``to``, ``protocol`` (adiabatic, sudden, driven),
      ``duration``, ``steps``;
    * ``type = "thermal"``: ``lambda``, ``duration`` and ``[[strokes.baths]]`` with ``T``,
      ``rate``, ``operator`` ("x" for a qubit or an oscillator, "x1"/"x2" for the
      Heisenberg pair, "x1" … "xN" for the chain);
    * ``type = "feedback"``: ``lambda``, ``measure = "energy"``, ``feedback`` ("ground":
      the measured eigenstate is swapped with the ground state; "none") and ``error`` ε,
      the probability of a wrong record (:func:`~ssbattery.thermal.media.energy_feedback`).
    """
    from ssbattery.thermal.cycle import Cycle

    med_table = spec.get("medium")
    if not isinstance(med_table, dict):
        raise InvalidParameterError("a cycle spec needs a [medium] table with a `kind`.")
    medium, operators = _medium_from_spec(med_table)
    strokes_in = spec.get("strokes")
    if not isinstance(strokes_in, list) or not strokes_in:
        raise InvalidParameterError("a cycle spec needs at least one [[strokes]] table.")
    strokes: list[Any] = []
    for k, st in enumerate(strokes_in):
        where = f"[[strokes]] #{k + 1}"
        if not isinstance(st, dict):
            raise InvalidParameterError(f"{where} must be a table.")
        kind = st.get("type")
        if kind == "unitary":
            strokes.append(_unitary_stroke(st, k, where))
        elif kind == "thermal":
            strokes.append(_thermal_stroke(st, k, where, operators))
        elif kind == "feedback":
            strokes.append(_feedback_stroke(st, k, where, medium))
        else:
            raise InvalidParameterError(
                f"`type` in {where} must be 'unitary', 'thermal' or 'feedback', got {kind!r}."
            )
    return Cycle(medium, tuple(strokes))


def load_cycle_spec(path: str | Path) -> Any:
    """Read a TOML cycle spec and build its :class:`~ssbattery.thermal.cycle.Cycle`."""
    return cycle_from_spec(_read_toml(path))
