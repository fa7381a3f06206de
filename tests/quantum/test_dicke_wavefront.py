"""The temporally blocked Chebyshev on the Dicke stencil against dense e^{−iHt} and the
Lanczos window (RESULTS_dicke_window.md §2f)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters, charge_dicke, dicke_basis, dicke_hamiltonian
from ssbattery.quantum.dicke_wavefront import (
    WavefrontChebyshev,
    gershgorin_bounds,
    propagate_wavefront,
)
from ssbattery.quantum.dicke_window import PhotonWindow, window_basis
from ssbattery.quantum.evolution import Lanczos


@pytest.mark.parametrize(("n", "lo", "hi"), [(8, 0, 40), (7, 3, 30), (6, 5, 26)])
@pytest.mark.parametrize(("depth", "threads"), [(8, 1), (16, 2), (64, 1)])
def test_block_matches_dense_propagation(
    n: int, lo: int, hi: int, depth: int, threads: int
) -> None:
    """ψ(τ_j) = e^{−iHτ_j}ψ (ħ = 1, scipy's dense expm of the window's H) for a random
    complex ψ, both real recurrences and windows with and without the vacuum: ‖δψ‖ < 1e-11
    at every output; products = levels − 1."""
    p = DickeParameters(n, 0.3)
    b = window_basis(p, lo, hi)
    H = dicke_hamiltonian(p, b).toarray()
    rng = np.random.default_rng(n)
    psi = rng.standard_normal(b.size) + 1j * rng.standard_normal(b.size)
    psi /= np.linalg.norm(psi)
    engine = WavefrontChebyshev(p, b, gershgorin_bounds(p, b), depth=depth, threads=threads)
    taus = np.array([0.05, 0.3, 0.31, 0.9, 1.4])
    outs, products = engine.block(psi, taus, 1e-13)
    for j, tau in enumerate(taus):
        assert np.linalg.norm(outs[j] - sl.expm(-1j * H * tau) @ psi) < 1e-11
    assert products > int(engine.radius * taus[-1])  # at least r·τ terms (Bessel decay)


def test_gershgorin_bounds_contain_the_spectrum() -> None:
    """The Gershgorin interval holds H's exact spectrum (dense eigvalsh), and is tight."""
    p = DickeParameters(8, 0.3, photon_cutoff=30)
    b = dicke_basis(p)
    w = np.linalg.eigvalsh(dicke_hamiltonian(p, b).toarray())
    lo, hi = gershgorin_bounds(p, b)
    assert lo <= w.min() and w.max() <= hi
    # and they are not loose: within 20 % of the half-width (measured 12 % at N = 8)
    assert (hi - lo) < 1.2 * (w.max() - w.min())


@pytest.mark.parametrize("block", [1, 3, 7])
def test_propagation_over_blocks_matches_dense(block: int) -> None:
    """Blocks of 1, 3, 7 output times chained over 40 times of the default grid, N = 8
    from |N⟩|j, −j⟩: every output state to 1e-10 of e^{−iHt}ψ(0) (scipy's dense expm)."""
    p = DickeParameters(8, 0.2, photon_cutoff=40)
    b = dicke_basis(p)
    H = dicke_hamiltonian(p, b).toarray()
    psi0 = np.zeros(b.size, dtype=np.complex128)
    psi0[int(np.flatnonzero((b.photons == 8) & (b.k == 0))[0])] = 1.0
    t = p.times()[:40]
    got: dict[int, np.ndarray] = {}
    engine = WavefrontChebyshev(p, b, gershgorin_bounds(p, b))
    final, products = propagate_wavefront(
        engine, psi0, t, lambda s, k: got.__setitem__(k, s.copy()), tol=1e-12, block=block
    )
    assert sorted(got) == list(range(t.size))
    errs = [np.linalg.norm(got[k] - sl.expm(-1j * H * t[k]) @ psi0) for k in range(t.size)]
    assert max(errs) < 1e-10
    assert np.array_equal(final, got[t.size - 1])
    assert products > 0


@pytest.mark.parametrize(("n", "block", "threads"), [(8, 8, 1), (16, 4, 2), (16, 16, 1)])
def test_window_matches_lanczos_window_and_fixed_cutoff(n: int, block: int, threads: int) -> None:
    """E(t) of the window run by the wavefront Chebyshev against a 24N fixed-cutoff
    Lanczos run (converged, test_dicke_window) and the Lanczos window: ≤ 1e-10 of Emax,
    P_max to 1e-10, the edge populations held to the window's tol."""
    ref = charge_dicke(
        DickeParameters(n, 0.2, photon_cutoff=24 * n), method=Lanczos(tol=1e-12), ergotropy=False
    )
    opts = {"tol": 1e-10, "krylov_tol": 1e-11}
    wave = charge_dicke(
        DickeParameters(n, 0.2),
        window=PhotonWindow(**opts, propagator="wavefront", block=block, threads=threads),
        ergotropy=False,
    )
    lan = charge_dicke(DickeParameters(n, 0.2), window=PhotonWindow(**opts), ergotropy=False)
    scale = ref.energy_max
    assert np.max(np.abs(wave.energy - ref.energy)) / scale < 1e-10
    assert np.max(np.abs(wave.energy - lan.energy)) / scale < 1e-10
    assert wave.power_max == pytest.approx(ref.power_max, rel=1e-10)
    assert wave.parameters["max_edge_population"] <= 1e-10
    assert wave.parameters["products"] > 0


def test_window_ergotropy_matches_lanczos() -> None:
    """The atoms' ergotropy along a wavefront window run equals the Lanczos window's (1e-9
    of its maximum), N = 12."""
    opts = {"tol": 1e-10, "krylov_tol": 1e-11}
    p = DickeParameters(12, 0.2)
    wave = charge_dicke(p, window=PhotonWindow(**opts, propagator="wavefront"), ergotropy=True)
    lan = charge_dicke(p, window=PhotonWindow(**opts), ergotropy=True)
    assert np.nanmax(np.abs(wave.ergotropy - lan.ergotropy)) < 1e-9 * np.nanmax(lan.ergotropy)


def test_options_are_checked() -> None:
    p = DickeParameters(4, 0.3, photon_cutoff=10)
    b = dicke_basis(p)
    bounds = gershgorin_bounds(p, b)
    with pytest.raises(InvalidParameterError, match="`depth`"):
        WavefrontChebyshev(p, b, bounds, depth=0)
    with pytest.raises(InvalidParameterError, match="`threads`"):
        WavefrontChebyshev(p, b, bounds, threads=3)
    with pytest.raises(InvalidParameterError, match="`depth`"):
        PhotonWindow(depth=0)
    with pytest.raises(InvalidParameterError, match="`propagator`"):
        PhotonWindow(propagator="taylor")
    with pytest.raises(InvalidParameterError, match="`block`"):
        PhotonWindow(block=0)
    full = DickeParameters(4, 0.3, photon_cutoff=10, drive=0.1)
    with pytest.raises(InvalidParameterError, match="parity"):
        WavefrontChebyshev(full, dicke_basis(full), bounds)


def test_cli_propagator_wavefront() -> None:
    """`ssbattery dicke --propagator wavefront` gives the Lanczos window's E(t) (1e-10)."""
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    base = ["dicke", "--n-atoms", "6", "--coupling", "0.3", "--steps", "40", "--json"]
    runs = [CliRunner().invoke(app, [*base, "--propagator", p]) for p in ("lanczos", "wavefront")]
    assert all(r.exit_code == 0 for r in runs), runs[1].output
    e = [np.array(json.loads(r.stdout)["energy [ω_c]"]) for r in runs]
    assert np.max(np.abs(e[0] - e[1])) / np.max(e[0]) < 1e-10
    bad = CliRunner().invoke(app, [*base, "--propagator", "taylor"])
    assert bad.exit_code == 2 and "`--propagator` must be" in bad.output


def test_default_propagator_is_the_wavefront() -> None:
    """The default propagator is the wavefront (the faster at every N timed,
    RESULTS_dicke_window.md §2g): the default window gives the wavefront's E(t) bit for
    bit, and both it and Lanczos give the 24N fixed-cutoff E(t) to 1e-10 of Emax, so the
    choice moves the numbers at that level only."""
    assert PhotonWindow().propagator == "wavefront"
    opts = {"tol": 1e-10, "krylov_tol": 1e-11}
    p = DickeParameters(8, 0.2)
    ref = charge_dicke(
        DickeParameters(8, 0.2, photon_cutoff=24 * 8), method=Lanczos(tol=1e-12), ergotropy=False
    )
    default = charge_dicke(p, window=PhotonWindow(**opts), ergotropy=False)
    lan = charge_dicke(p, window=PhotonWindow(**opts, propagator="lanczos"), ergotropy=False)
    wave = charge_dicke(p, window=PhotonWindow(**opts, propagator="wavefront"), ergotropy=False)
    np.testing.assert_array_equal(default.energy, wave.energy)
    assert not np.array_equal(wave.energy, lan.energy)  # a different propagator ...
    for run in (lan, wave):  # ... and both exact to the window's tolerance
        assert np.max(np.abs(run.energy - ref.energy)) / ref.energy_max < 1e-10


@pytest.mark.parametrize(("N", "lo", "hi", "M"), [(6, 0, 21, 3), (7, 2, 30, 4), (8, 5, 40, 5)])
def test_engine_bytes_counts_the_engine_arrays_exactly(N: int, lo: int, hi: int, M: int) -> None:
    """engine_bytes (the sweep's memory estimate of a window run) against the arrays an
    engine holds after a block of M output times."""
    from ssbattery.quantum.dicke_wavefront import engine_bytes

    p = DickeParameters(N, 0.3, photon_cutoff=hi)
    basis = window_basis(p, lo, hi)
    engine = WavefrontChebyshev(p, basis, gershgorin_bounds(p, basis))
    psi = np.zeros(basis.size, complex)
    psi[0] = 1.0
    states, _ = engine.block(psi, np.linspace(0.1, 0.5, M), 1e-12)
    counted = engine_bytes(N, hi - lo + 1, M)
    held = [a.nbytes for a in vars(engine).values() if isinstance(a, np.ndarray)]
    big = sorted(held)[-3:]  # the rows, outputs and states; the rest are O(N + layers) tables
    assert sorted(counted.values()) == sorted(big)
    assert counted["states"] == states.nbytes
    assert sum(held) - sum(big) < 0.05 * sum(big)
