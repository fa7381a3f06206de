"""Deprecated: the per-term Chebyshev window propagator, replaced by
:mod:`~ssbattery.quantum.dicke_wavefront`.

The same expansion evaluated with temporal blocking over photon layers was faster in
every measurement (N = 256: 4.2 s against 9.2 s, ``benchmarks/RESULTS_dicke_window.md``
§2e–2g), so one propagator is kept: ``PhotonWindow(propagator="chebyshev")`` and
``ssbattery dicke --propagator chebyshev`` now run the wavefront one and warn, and
``gershgorin_bounds`` here is a deprecated alias of
:func:`~ssbattery.quantum.dicke_wavefront.gershgorin_bounds`. The per-term
``propagate_chebyshev`` is gone; this module goes in ssbattery 0.3.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    from ssbattery._deprecation import warn_renamed

    if name == "gershgorin_bounds":
        from ssbattery.quantum.dicke_wavefront import gershgorin_bounds

        warn_renamed(
            "ssbattery.quantum.dicke_chebyshev.gershgorin_bounds",
            "ssbattery.quantum.dicke_wavefront.gershgorin_bounds",
        )
        return gershgorin_bounds
    if name == "propagate_chebyshev":
        raise AttributeError(
            "ssbattery.quantum.dicke_chebyshev.propagate_chebyshev was removed; use "
            "ssbattery.quantum.dicke_wavefront.propagate_wavefront (or "
            "PhotonWindow(propagator='wavefront'))."
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
