"""The Chebyshev propagator of the open battery: its compiled recurrence on the real form
of L against the Python recurrence on the complex generator, and both against the
adaptive DOP853 integrator.

The compiled path (real CSR matrix, real reduction, real state) must sum the same terms
as the Python one, so the two agree to rounding (1e-12 here, the issue's brief asks 1e-10);
DOP853 at rtol 1e-12 is an independent integrator of the same master equation.
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.open import (
    ChebyshevLindblad,
    CollectiveHamiltonian,
    Dissipation,
    DrivenBattery,
    PILiouvillian,
    RungeKutta,
    charge_open,
    initial_state,
    pi_space,
    propagate_chebyshev,
)
from ssbattery.quantum.open.observables import battery_states, reduce_state, reduction_matrix


@pytest.mark.parametrize(
    ("n", "levels", "ham_kw", "diss"),
    [
        (4, 9, dict(coupling=0.25), Dissipation(cavity_loss=0.1, decay=0.05, dephasing=0.05)),
        (6, 1, dict(drive=2.0), Dissipation(dephasing=0.1, decay=0.02)),
        (3, 5, dict(coupling=0.3, drive=0.2), Dissipation(cavity_loss=0.4, dephasing=1.5)),
    ],
)
def test_compiled_real_form_recurrence_equals_the_python_one(n, levels, ham_kw, diss):
    rates = diss.jump_rates(omega_a=1.0, omega_cav=1.0)
    space = pi_space(n, levels, local=rates.local, fix="-")
    L = PILiouvillian(space, CollectiveHamiltonian(n, **ham_kw), rates, assemble=True)
    R, d = L.spectral_extent()
    y0 = initial_state(space, n if levels > 1 else 0)
    times = np.linspace(0.1, 6.0, 17)
    # a short max_growth splits the run into several segments (restarts from the
    # accumulated state), so the segment hand-over is checked too
    method = ChebyshevLindblad(tol=1e-12, max_growth=3.0)
    keep, full_at = 9, [4, 16]
    seen_py: dict[int, np.ndarray] = {}
    seen_c: dict[int, np.ndarray] = {}
    red_py, kept_py = propagate_chebyshev(
        L.chebyshev_matrix(R, d),
        y0,
        times,
        lambda v: reduce_state(space, v),
        half_width=R,
        decay=d,
        keep=keep,
        method=method,
        full_at=full_at,
        on_full=lambda y, k: seen_py.__setitem__(k, y),
    )
    form, S_r = L.real_form(R, d)
    P = reduction_matrix(space)
    red_c, kept_c = propagate_chebyshev(
        S_r,
        form.compress(y0),
        times,
        form.reduction(P),
        half_width=R,
        decay=d,
        keep=keep,
        method=method,
        full_at=full_at,
        on_full=lambda x, k: seen_c.__setitem__(k, form.expand(x)),
    )
    np.testing.assert_allclose(form.reduced(red_c, P), red_py, atol=1e-12)
    np.testing.assert_allclose(form.expand(kept_c), kept_py, atol=1e-12)
    assert sorted(seen_c) == sorted(seen_py) == full_at
    for k in full_at:
        np.testing.assert_allclose(seen_c[k], seen_py[k], atol=1e-12)


@pytest.mark.parametrize(
    "model",
    [
        DickeParameters(3, 0.4, photon_cutoff=6, t_max=3.0, steps=15),
        DrivenBattery(8, drive=2.0, steps=15),
    ],
)
def test_small_space_charging_matches_dop853(model):
    """The whole small-space run (tables, compiled real-form recurrence, vectorised
    observables) against the DOP853 path of the same master equation, to 1e-10."""
    diss = Dissipation(dephasing=0.1, decay=0.05, cavity_loss=0.1 if model.n_atoms == 3 else 0.0)
    fast = charge_open(model, diss, storage=False, method=ChebyshevLindblad(tol=1e-12))
    ref = charge_open(model, diss, storage=False, method=RungeKutta(rtol=1e-12, atol=1e-14))
    assert fast.charging.diagnostics["generator"] == "assembled CSR (unit-term tables)"
    assert fast.charging.diagnostics["propagator"].startswith("Chebyshev, compiled real form")
    for name in ("energy", "ergotropy", "ergotropy_incoherent", "purity", "photons"):
        np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), atol=1e-10)
    for key in ("min_eigenvalue", "min_eigenvalue_full", "max_top_level_population"):
        assert fast.checks[key] == pytest.approx(ref.checks[key], abs=1e-10)


@pytest.mark.parametrize(
    ("model", "diss"),
    [
        (DrivenBattery(10, drive=2.0, steps=40), Dissipation(dephasing=0.1)),
        (
            DickeParameters(3, 0.3, photon_cutoff=6, t_max=4.0, steps=25),
            Dissipation(cavity_loss=0.1, decay=0.05, dephasing=0.05),
        ),
    ],
)
def test_lean_small_run_equals_the_general_path(model, diss):
    """charge_open's small-space path (tabled real form handed to the compiled recurrence
    as bare CSR arrays, compiled expansion of the real rows, skipped memory reading)
    against the same Chebyshev series composed from the general pieces: the complex
    generator, the Python recurrence, the flat reduction, :func:`battery_states`. The
    same terms and sums, so the same E(t), purity and ⟨n⟩ to 1e-12 (the series of
    propagate_chebyshev, docstring)."""
    tol = 1e-10
    fast = charge_open(
        model,
        diss,
        storage=False,
        ergotropy=False,
        positivity=False,
        method=ChebyshevLindblad(tol=tol),
    )
    cavity = isinstance(model, DickeParameters)
    rates = diss.jump_rates(omega_a=model.omega_a, omega_cav=1.0)
    space = pi_space(
        model.n_atoms, model.photon_cutoff + 1 if cavity else 1, local=rates.local, fix="-"
    )
    ham = (
        CollectiveHamiltonian(model.n_atoms, coupling=model.coupling)
        if cavity
        else CollectiveHamiltonian(model.n_atoms, drive=model.drive)
    )
    L = PILiouvillian(space, ham, rates, assemble=True)
    R, d = L.spectral_extent()
    S = L.chebyshev_matrix(R, d)  # complex CSR: the Python recurrence
    red, _ = propagate_chebyshev(
        lambda v: np.asarray(S @ v),
        initial_state(space, model.n_atoms if cavity else 0),
        model.times(),
        lambda v: reduce_state(space, v),
        half_width=R,
        decay=d,
        method=ChebyshevLindblad(tol=tol),
    )
    ref = battery_states(space, red, model.omega_a, ergotropy=False, spectra=False)
    np.testing.assert_allclose(fast.energy, ref.energy, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.purity, ref.purity, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.photons, ref.photons, rtol=0, atol=1e-12)
    assert fast.checks["max_hermiticity_error"] == pytest.approx(0.0, abs=1e-14)
    assert np.isnan(fast.checks["min_eigenvalue"])  # energy-only: no spectra
