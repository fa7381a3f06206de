"""Small argument checks shared by the public API (raise the package's own errors).

Physical bounds live in one table, :data:`QUANTITIES`: one entry per *kind* of quantity
(a temperature in K, a film thickness in µm, an energy in the model's unit, …) with the
range any physical input of that kind lies in and the physical reason. Validators take the
kind (``require_positive("field", B, quantity="model_energy")``) and refuse a value outside
its range with that reason, naming the argument (the CLI shows the option instead).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssbattery._deprecation import module_getattr
from ssbattery.errors import InvalidParameterError, ResourceLimitError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "QUANTITIES",
    "MemoryEstimate",
    "PhysicalRange",
    "as_float_array",
    "available_memory_bytes",
    "check_cost",
    "check_memory",
    "require_finite",
    "require_in_range",
    "require_int_at_least",
    "require_positive",
    "require_quantity",
]


@dataclass(frozen=True)
class PhysicalRange:
    """The physical range of one kind of input: ``low ≤ x ≤ high`` in ``unit``, and why;
    ``positive`` makes the lower end strict (0 < x: a thickness, a density)."""

    unit: str
    low: float
    high: float
    reason: str
    positive: bool = False


#: The one table of physical bounds, by kind of quantity. Model units: the quantum and
#: thermal models measure energies, rates and temperatures (k_B = 1) in units of their own
#: reference frequency (ωc, ω0, the coupling unit); their physics lives within a few orders
#: of magnitude of it.
QUANTITIES: dict[str, PhysicalRange] = {
    "temperature_K": PhysicalRange(
        "K",
        0.0,
        1.0e4,
        "every known solid has melted above ≈ 4300 K (the highest melting point, of the "
        "hafnium–tantalum carbides), and these models describe solids",
    ),
    "film_thickness_um": PhysicalRange(
        "µm",
        0.0,
        1.0e4,
        "solid-electrolyte films and separators are 1–1000 µm thick (review §1.7); beyond "
        "1 cm the layer is a bulk block, not a film",
        positive=True,
    ),
    "density_g_cm3": PhysicalRange(
        "g/cm³",
        0.0,
        30.0,
        "no material is denser than osmium (22.6 g/cm³)",
        positive=True,
    ),
    "landau_coefficient": PhysicalRange(
        "(in the option's units)",
        -1.0e20,
        1.0e20,
        "measured ferroelectrics have |α|, β of order 1e6–1e12 in SI units (HfO₂/ZrO₂ films, "
        "PZT); a value beyond 1e20, eight orders above any material, is a unit error",
    ),
    "electron_energy_eV": PhysicalRange(
        "eV",
        -50.0,
        50.0,
        "electron energies of solids against vacuum and their band gaps lie within a few "
        "tens of eV (the widest gap known, of LiF, is ≈ 14 eV)",
    ),
    "electrons_per_formula_unit": PhysicalRange(
        "electrons",
        0.0,
        1.0e4,
        "a formula unit cannot exchange more electrons than its atoms hold, and the "
        "largest formula units of battery materials have well under 10⁴ atoms",
        positive=True,
    ),
    "molar_mass_g_mol": PhysicalRange(
        "g/mol",
        1.0,
        1.0e7,
        "nothing is lighter than a hydrogen atom (1.008 g/mol), and 1e7 g/mol is already "
        "a large polymer chain, far beyond any formula unit of an electrode or electrolyte",
    ),
    "resistance_ohm": PhysicalRange(
        "Ω",
        0.0,
        1.0e15,
        "1e15 Ω is already the leakage of the best insulators in a cell's geometry (an open "
        "circuit)",
    ),
    "time_s": PhysicalRange(
        "s",
        0.0,
        3.2e9,
        "3.2e9 s is a century, beyond the calendar life of any battery",
    ),
    "model_energy": PhysicalRange(
        "(in the model's energy unit)",
        -1.0e6,
        1.0e6,
        "energies are in units of the model's reference frequency and its physics lives "
        "within a few orders of magnitude of it; beyond 1e6 the evolution must resolve over "
        "a million oscillations per unit time",
    ),
    "model_rate": PhysicalRange(
        "(in the model's frequency unit)",
        0.0,
        1.0e6,
        "rates are in units of the model's reference frequency; beyond 1e6 × that unit the "
        "system is fully overdamped and the Born–Markov master equation no longer holds",
    ),
    "model_temperature": PhysicalRange(
        "(in the model's energy unit, k_B = 1)",
        0.0,
        1.0e6,
        "at k_B T above 1e6 × the level spacing every level is populated equally to one "
        "part in a million: the infinite-temperature limit, where results no longer change",
    ),
}


def as_float_array(name: str, value: object) -> np.ndarray:
    """``value`` as a float array, or :class:`InvalidParameterError` naming ``name`` when it
    holds text, None or objects (no bare ValueError/TypeError from NumPy)."""
    import numpy as np

    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"`{name}` must be an array of numbers, got {value!r}."[:300]
        ) from None
    return arr


def require_quantity(name: str, value: float, quantity: str) -> float:
    """Return ``value`` as float, or raise if it is not finite or lies outside the
    physical range of its kind (an entry of :data:`QUANTITIES`), giving the reason."""
    x = require_finite(name, value)
    _check_quantity(name, x, quantity)
    return x


def _check_quantity(name: str, x: float, quantity: str | None) -> None:
    if quantity is None:
        return
    q = QUANTITIES[quantity]
    if q.positive and x <= 0.0:  # a thickness, a density: zero is no more physical
        raise InvalidParameterError(f"`{name}` must be > 0 {q.unit}, got {x:g}.")
    if x < q.low and q.low == 0.0:  # a negative temperature, time, rate …
        raise InvalidParameterError(f"`{name}` must be ≥ 0 {q.unit}, got {x:g}.")
    if not q.low <= x <= q.high:
        raise InvalidParameterError(
            f"`{name}` = {x:g} is outside the physical range [{q.low:g}, {q.high:g}] "
            f"{q.unit}: {q.reason}."
        )


#: Refuse any single dense/sparse allocation above this many bytes (default 8 GiB), or
#: above the memory actually available now, whichever is lower.
MEMORY_LIMIT_BYTES = 8 * 1024**3

#: A run whose predicted peak is below this (16 MiB) is not compared with the memory
#: available now: reading it (/proc, cgroup files) costs ~40 µs, more than the whole
#: arithmetic of the smallest runs, which need less than the interpreter with NumPy
#: loaded (~40 MiB resident) already holds.
SMALL_RUN_BYTES = 16 * 1024**2

#: Refuse a run predicted to take longer than this (seconds; ``SSBATTERY_COST_LIMIT_S``).
COST_LIMIT_SECONDS = 6 * 3600.0

#: Announce (:class:`~ssbattery.errors.CostWarning`) a run predicted to take longer.
COST_NOTICE_SECONDS = 30.0


def available_memory_bytes() -> int | None:
    """Memory a new allocation can get now: MemAvailable, capped by a cgroup limit
    (containers); None where neither can be read (then only the fixed limit applies)."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            current = int(fh.read().strip())
        if limit != "max":
            found.append(max(0, int(limit) - current))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def check_cost(what: str, seconds: float, *, hint: str, lower_bound: bool = False) -> None:
    """Refuse a run whose predicted duration ``seconds`` exceeds the cost limit, and
    announce one above :data:`COST_NOTICE_SECONDS` with a :class:`CostWarning`.

    ``what`` says what is counted (e.g. "2e14 schedule steps at ~1 µs each") and ``hint``
    which option to lower; ``lower_bound`` says ``seconds`` is a floor (the messages then
    read "at least about"). The limit is :data:`COST_LIMIT_SECONDS`, or the environment's
    ``SSBATTERY_COST_LIMIT_S``.
    """
    import os

    try:
        limit = float(os.environ.get("SSBATTERY_COST_LIMIT_S", COST_LIMIT_SECONDS))
    except ValueError:
        limit = COST_LIMIT_SECONDS
    about = "at least about" if lower_bound else "about"
    if seconds > limit:
        raise ResourceLimitError(
            f"this run would take {about} {_duration(seconds)} ({what}), above the "
            f"{_duration(limit)} limit; {hint}."
        )
    if seconds > COST_NOTICE_SECONDS:
        import warnings

        from ssbattery.errors import CostWarning

        warnings.warn(
            f"this run will take {about} {_duration(seconds)} ({what}); {hint} to shorten it.",
            CostWarning,
            stacklevel=2,
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.3g} days"


def require_finite(name: str, value: float, *, quantity: str | None = None) -> float:
    """Return ``value`` as float, or raise if it is not a real number, NaN or infinite
    (or outside the range of ``quantity``, a kind in :data:`QUANTITIES`).

    Text is refused too (``"1"`` is a string, not a number: no silent conversion).
    """
    if isinstance(value, str | bytes) or value is None:
        raise InvalidParameterError(f"`{name}` must be a number, got {value!r}.")
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"`{name}` must be a number, got {value!r}.") from exc
    if not math.isfinite(x):
        raise InvalidParameterError(f"`{name}` must be finite, got {value!r}.")
    _check_quantity(name, x, quantity)
    return x


def require_positive(
    name: str, value: float, *, allow_zero: bool = False, quantity: str | None = None
) -> float:
    """Return ``value`` as float, or raise if it is not > 0 (or ≥ 0 with ``allow_zero``),
    or lies outside the physical range of ``quantity`` (a kind in :data:`QUANTITIES`)."""
    x = require_finite(name, value)
    if x < 0 or (x == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise InvalidParameterError(f"`{name}` must be {bound}, got {value!r}.")
    _check_quantity(name, x, quantity)
    return x


def require_in_range(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` as float, or raise if it lies outside [low, high]."""
    x = require_finite(name, value)
    if not low <= x <= high:
        raise InvalidParameterError(f"`{name}` must lie in [{low}, {high}], got {value!r}.")
    return x


def require_int_at_least(name: str, value: int, minimum: int) -> int:
    """Return ``value`` as int, or raise if it is not an integer ≥ ``minimum``."""
    try:
        integral = not isinstance(value, bool | str | bytes) and int(value) == value
    except (TypeError, ValueError, OverflowError):
        integral = False
    if not integral:
        raise InvalidParameterError(f"`{name}` must be an integer, got {value!r}.")
    n = int(value)
    if n < minimum:
        raise InvalidParameterError(f"`{name}` must be ≥ {minimum}, got {value!r}.")
    return n


#: The resident memory a run adds exceeds the sum of its arrays by about this fraction
#: (allocator pages, scratch buffers of BLAS and SciPy); measured in
#: benchmarks/RESULTS_reliability.md.
ALLOCATOR_MARGIN = 0.10


class MemoryEstimate:
    """The predicted peak memory of a whole run, checked before anything large is allocated.

    A run goes through phases (building the operators, evolving, analysing); each phase
    holds several arrays at once (operators, state and work vectors of the propagator,
    outputs stored for every time, temporaries). :meth:`add` records one array (or group)
    in a phase; the peak is the largest phase total, and :meth:`check` refuses the run
    when it exceeds :data:`MEMORY_LIMIT_BYTES` or the memory available now (read only
    above :data:`SMALL_RUN_BYTES`), with the breakdown of the largest phase and ``hint``
    (the options to lower).

    Example:
        >>> est = MemoryEstimate("a 20-site chain", hint="lower `n_sites`")
        >>> est = est.add("evolve", "state vectors", (2**20, 4), bytes_per_element=16)
        >>> est.phase_bytes("evolve")
        67108864.0
    """

    def __init__(self, what: str, *, hint: str = "reduce the system size or the cutoff") -> None:
        self.what = what
        self.hint = hint
        self.phases: dict[str, list[tuple[str, float]]] = {}

    def add(
        self,
        phase: str,
        label: str,
        shape: Sequence[float] | float,
        *,
        bytes_per_element: float = 16,
    ) -> MemoryEstimate:
        """Count an array of ``shape`` (or a number of elements) alive in ``phase``."""
        count = 1.0
        for s in [shape] if isinstance(shape, int | float) else shape:
            count *= float(s)
        self.phases.setdefault(phase, []).append((label, count * float(bytes_per_element)))
        return self

    def phase_bytes(self, phase: str) -> float:
        """Total bytes held together in ``phase``."""
        return sum(b for _, b in self.phases.get(phase, []))

    @property
    def peak_phase(self) -> str:
        """The phase with the largest total."""
        return max(self.phases, key=self.phase_bytes) if self.phases else ""

    @property
    def peak_bytes(self) -> float:
        """The predicted peak: the largest phase total plus :data:`ALLOCATOR_MARGIN` (a
        float: an absurd request may exceed any integer a machine could hold)."""
        if not self.phases:
            return 0.0
        return (1.0 + ALLOCATOR_MARGIN) * self.phase_bytes(self.peak_phase)

    def breakdown(self) -> str:
        """The largest phase's parts, largest first (e.g. "1.2 GiB vectors + …")."""
        parts = sorted(self.phases.get(self.peak_phase, []), key=lambda p: -p[1])
        return " + ".join(f"{_size(b)} {label}" for label, b in parts[:4] if b > 0)

    def check(self) -> None:
        """Raise :class:`ResourceLimitError` if the peak does not fit (see the class)."""
        need = self.peak_bytes
        if need > MEMORY_LIMIT_BYTES:
            limit = f"the {_size(MEMORY_LIMIT_BYTES)} limit"
        elif need <= SMALL_RUN_BYTES:
            return
        else:
            available = available_memory_bytes()
            if available is None or need <= available:
                return
            limit = f"the {_size(available)} of memory available now"
        raise ResourceLimitError(
            f"{self.what} would need about {_size(need)} at its peak "
            f"({self.peak_phase}: {self.breakdown()}), more than {limit}; {self.hint}."
        )


def _size(n_bytes: float) -> str:
    if not math.isfinite(n_bytes):
        return "more than 1e308 bytes"
    if n_bytes >= 0.1 * 1024**3:
        return f"{n_bytes / 1024**3:.3g} GiB"
    return f"{n_bytes / 1024**2:.3g} MiB"


def check_memory(
    what: str,
    shape: Sequence[int],
    *,
    bytes_per_element: int = 16,
    hint: str = "reduce the system size or the cutoff",
) -> None:
    """Refuse, before allocating, an array of ``shape`` that would not fit in memory (the
    package's limit or the memory available now): a one-array :class:`MemoryEstimate`.

    Raises :class:`ResourceLimitError` that states the size it would need.
    """
    shown = " × ".join(map(str, shape))
    MemoryEstimate(what, hint=hint).add(
        "allocation", f"({shown} elements)", shape, bytes_per_element=bytes_per_element
    ).check()


#: ``Quantity`` is the former name of :class:`PhysicalRange` (one release; the name
#: ``Quantity`` belongs to the reported value with unit and error, ``ssbattery.results``).
__getattr__ = module_getattr(__name__, {"Quantity": ("PhysicalRange", PhysicalRange)})
