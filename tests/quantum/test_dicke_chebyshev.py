"""Chebyshev propagation on the Dicke stencil against dense e^{−iHt} and the Lanczos window."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters, charge_dicke, dicke_basis, dicke_hamiltonian
from ssbattery.quantum.dicke_chebyshev import gershgorin_bounds, propagate_chebyshev
from ssbattery.quantum.dicke_stencil import DickeStencil
from ssbattery.quantum.dicke_window import PhotonWindow
from ssbattery.quantum.evolution import Lanczos


def _initial(basis: object, n: int) -> np.ndarray:
    psi = np.zeros(basis.size, dtype=np.complex128)  # type: ignore[attr-defined]
    hit = (basis.photons == n) & (basis.k == 0)  # type: ignore[attr-defined]
    psi[int(np.flatnonzero(hit)[0])] = 1.0
    return psi


def test_gershgorin_bounds_contain_the_spectrum() -> None:
    p = DickeParameters(8, 0.3, photon_cutoff=30)
    b = dicke_basis(p)
    w = np.linalg.eigvalsh(dicke_hamiltonian(p, b).toarray())
    lo, hi = gershgorin_bounds(p, b)
    assert lo <= w.min() and w.max() <= hi
    # and they are not loose: within 20 % of the half-width (measured 12 % at N = 8)
    assert (hi - lo) < 1.2 * (w.max() - w.min())


@pytest.mark.parametrize("block", [1, 3, 7])
def test_chebyshev_matches_dense_propagation(block: int) -> None:
    """ψ(t) = e^{−iHt}ψ(0) (ħ = 1) by scipy's dense expm, to 1e-10 at every output time."""
    p = DickeParameters(8, 0.2, photon_cutoff=40)
    b = dicke_basis(p)
    H = dicke_hamiltonian(p, b).toarray()
    psi0 = _initial(b, 8)
    t = p.times()[:40]
    got: dict[int, np.ndarray] = {}
    final, products = propagate_chebyshev(
        DickeStencil(p, b, threads=1), psi0, t, lambda s, k: got.__setitem__(k, s.copy()),
        gershgorin_bounds(p, b), tol=1e-12, block=block,
    )  # fmt: skip
    assert sorted(got) == list(range(t.size))
    errs = [np.linalg.norm(got[k] - sl.expm(-1j * H * t[k]) @ psi0) for k in range(t.size)]
    assert max(errs) < 1e-10
    assert np.allclose(final, got[t.size - 1])
    assert products > 0


@pytest.mark.parametrize(("n", "g"), [(8, 0.2), (16, 0.2)])
def test_chebyshev_window_matches_lanczos_window_and_fixed_cutoff(n: int, g: float) -> None:
    """E(t) of the window run by Chebyshev against a 24N fixed-cutoff Lanczos run (exact
    to rounding, see test_dicke_window) and against the Lanczos window: ≤ 1e-10 of Emax."""
    ref = charge_dicke(
        DickeParameters(n, g, photon_cutoff=24 * n), method=Lanczos(tol=1e-12), ergotropy=False
    )
    opts = {"tol": 1e-10, "krylov_tol": 1e-11}
    cheb = charge_dicke(
        DickeParameters(n, g), window=PhotonWindow(**opts, propagator="chebyshev", block=4),
        ergotropy=False,
    )  # fmt: skip
    lan = charge_dicke(DickeParameters(n, g), window=PhotonWindow(**opts), ergotropy=False)
    scale = ref.energy_max
    assert np.max(np.abs(cheb.energy - ref.energy)) / scale < 1e-10
    assert np.max(np.abs(cheb.energy - lan.energy)) / scale < 1e-10
    assert cheb.power_max == pytest.approx(ref.power_max, rel=1e-10)
    assert cheb.parameters["max_edge_population"] <= 1e-10
    assert cheb.parameters["products"] > 0


def test_propagator_option_is_checked() -> None:
    with pytest.raises(InvalidParameterError, match="`propagator`"):
        PhotonWindow(propagator="taylor")
    with pytest.raises(InvalidParameterError, match="`block`"):
        PhotonWindow(block=0)


def test_cli_propagator_flag() -> None:
    """`ssbattery dicke --propagator chebyshev` gives the Lanczos window's E(t) (1e-10)."""
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    base = ["dicke", "--n-atoms", "6", "--coupling", "0.3", "--steps", "40", "--json"]
    runs = [CliRunner().invoke(app, [*base, "--propagator", p]) for p in ("lanczos", "chebyshev")]
    assert all(r.exit_code == 0 for r in runs), runs[1].output
    e = [np.array(json.loads(r.stdout)["energy [ω_c]"]) for r in runs]
    assert np.max(np.abs(e[0] - e[1])) / np.max(e[0]) < 1e-10
    bad = CliRunner().invoke(app, [*base, "--propagator", "taylor"])
    assert bad.exit_code == 2 and "`--propagator` must be" in bad.output
