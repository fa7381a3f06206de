"""Matrix-free charging of the spin chain against the CSR path and closed forms.

The matrix-free run (``operator="matrix-free"``) evaluates E(t) = ⟨H_charge⟩₀ − ω⟨Σσx⟩(t)
+ B⟨Σσz⟩(t) (H0 = H_charge − ωΣσx + BΣσz, eqs. 10, 14; ⟨H_charge⟩ conserved). References:
the CSR path on the same sectors with exact diagonalisation (``Eigh``), and for α = 1 the
independent-spin law W(t) = 2NB sin²(ωt) (module docstring of ssbattery.quantum.spin_chain).
"""

from __future__ import annotations

import numpy as np
import pytest

from ssbattery.errors import InvalidParameterError, ResourceLimitError
from ssbattery.quantum.battery import default_times
from ssbattery.quantum.chain_charging import (
    charge_matrix_free,
    csr_fits,
    matrix_free_chain,
    matrix_free_memory,
    matrix_free_method,
    use_matrix_free,
)
from ssbattery.quantum.evolution import Chebyshev, Eigh
from ssbattery.quantum.spin_chain import (
    SpinChainParameters,
    build_operators,
    charge_spin_chain,
    independent_spins_energy,
)

T = default_times(2.0, 400)


@pytest.mark.parametrize(
    ("n", "interaction", "periodic"),
    [(7, "nn", False), (10, "lr", False), (10, "nn", True), (9, "lr", True)],
)
def test_energy_identity_and_initial_state(n: int, interaction: str, periodic: bool) -> None:
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    ops = build_operators(p)
    chain = matrix_free_chain(p)
    np.testing.assert_array_equal(chain.psi0, ops.psi0)
    rng = np.random.default_rng(n)
    psi = rng.standard_normal(chain.dim) + 1j * rng.standard_normal(chain.dim)
    ref = float(np.vdot(psi, ops.H0 @ psi).real)
    assert chain.h0_expect(psi) == pytest.approx(ref, rel=1e-12)
    # Bounds: exact for ≤ 512 states, else Lanczos widened by its residual and 1 % margins.
    lo, hi = chain.bounds
    ev = np.linalg.eigvalsh(ops.H_charge.toarray())
    assert lo <= ev[0] and hi >= ev[-1]
    assert hi - lo <= (1.0 + (1e-9 if chain.dim <= 512 else 0.05)) * (ev[-1] - ev[0])


@pytest.mark.parametrize(
    ("n", "interaction", "periodic", "memory_mb"),
    [
        (10, "nn", False, 64.0),  # one real expansion serves all 400 times
        (10, "lr", False, 0.3),  # ≈ 36 complex vectors: restarts in blocks (the N = 24 path)
        (12, "nn", True, 0.05),
        (11, "lr", True, 64.0),
    ],
)
def test_evolution_equals_exact_csr(
    n: int, interaction: str, periodic: bool, memory_mb: float
) -> None:
    p = SpinChainParameters(n, anisotropy=0.5, interaction=interaction, periodic=periodic)
    ref = charge_spin_chain(p, T, method=Eigh(), operator="csr", refine=False)
    got = charge_spin_chain(
        p, T, method=Chebyshev(tol=1e-13, memory_mb=memory_mb), operator="matrix-free"
    )
    scale = np.abs(ref.energy).max()
    np.testing.assert_allclose(got.energy, ref.energy, rtol=0, atol=1e-10 * scale)
    assert got.t_power_max == pytest.approx(
        charge_spin_chain(p, T, method=Eigh(), operator="csr").t_power_max, abs=1e-9
    )
    assert got.power_max_refined


def test_independent_spins_closed_form() -> None:
    # α = 1: W(t) = 2NB sin²(ωt) exactly (SU(2)-invariant Hg).
    p = SpinChainParameters(12, anisotropy=1.0, interaction="lr")
    got = charge_spin_chain(p, T, operator="matrix-free", refine=False)
    np.testing.assert_allclose(got.energy, independent_spins_energy(p, T), rtol=0, atol=1e-9)


def test_auto_picks_matrix_free_only_when_csr_does_not_fit() -> None:
    small = SpinChainParameters(10, anisotropy=0.5)
    assert csr_fits(small, T)
    assert not use_matrix_free(small, T)
    for interaction in ("nn", "lr"):
        big = SpinChainParameters(24, anisotropy=0.5, interaction=interaction)
        assert not csr_fits(big, T)  # the CSR run's estimate: 28 / 128 GiB
        assert use_matrix_free(big, T)
        # … and the matrix-free run fits the 8 GB (estimate, nothing built here).
        est = matrix_free_memory(big, T, method=matrix_free_method(big, T))
        assert est.peak_bytes <= 8e9
    assert not use_matrix_free(big, T, "csr")
    assert use_matrix_free(small, T, "matrix-free")


def test_matrix_free_errors() -> None:
    p = SpinChainParameters(6)
    with pytest.raises(InvalidParameterError, match="operator"):
        charge_spin_chain(p, T, operator="dense")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="Chebyshev"):
        charge_spin_chain(p, T, operator="matrix-free", method=Eigh())
    with pytest.raises(InvalidParameterError, match="symmetric"):
        charge_spin_chain(p, T, operator="matrix-free", symmetric=False)
    with pytest.raises(ResourceLimitError):
        # 2^30 strings: the lookup tables alone exceed the memory limit.
        charge_spin_chain(SpinChainParameters(30), T, operator="matrix-free")


def test_checkpoint_resume_gives_the_uninterrupted_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = SpinChainParameters(10, anisotropy=0.5, interaction="lr")
    method = Chebyshev(tol=1e-13, memory_mb=0.3)
    whole = charge_matrix_free(p, T, method, refine=False)
    ckpt = tmp_path / "run.npz"
    calls = 0
    result = None
    while result is None:  # stop after every segment, resume from the file
        result = charge_matrix_free(p, T, method, refine=False, checkpoint=ckpt, stop_after_s=0.0)
        calls += 1
    assert calls == T.size // 50  # one call per segment
    assert result.diagnostics["calls [1]"] == calls
    # Chebyshev needs K > rτ terms for a step τ, so the products sum to more than r·t_max.
    lo, hi = matrix_free_chain(p).bounds
    assert result.diagnostics["products [1]"] > 0.5 * (hi - lo) * T[-1]
    # Segments end expansions at their boundaries: same numbers to the tolerance.
    np.testing.assert_allclose(result.energy, whole.energy, rtol=0, atol=1e-10)
    # Another run's checkpoint is refused, and so is a file that is not one.
    with pytest.raises(InvalidParameterError, match="another run"):
        charge_matrix_free(SpinChainParameters(10), T, method, checkpoint=ckpt)
    other = tmp_path / "notes.txt"
    other.write_text("mine")
    with pytest.raises(InvalidParameterError, match="not a spin-chain checkpoint"):
        charge_matrix_free(p, T, method, checkpoint=other)
    assert other.read_text() == "mine"
