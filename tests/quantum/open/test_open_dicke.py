"""Open Dicke battery on the permutation-invariant space (issue 12).

References: brute-force Lindblad evolution on the full 2^N ⊗ cavity space (QuTiP
``mesolve``), the closed battery (:func:`charge_dicke`), independent atoms (optical Bloch
equations: η = 0 makes ωa Jz + Ω Jx a sum of one-atom terms, and local noise keeps a
product state a product), detailed balance (local decay at T relaxes to the Gibbs state)
and the analytic decay of one qubit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip as qt
import scipy.linalg as sla

from ssbattery.errors import InvalidParameterError, ResourceLimitError
from ssbattery.quantum.dicke import DickeParameters, charge_dicke, dicke_basis, dicke_hamiltonian
from ssbattery.quantum.metrics import ergotropy
from ssbattery.quantum.open import (
    ChebyshevLindblad,
    CollectiveHamiltonian,
    Dissipation,
    DrivenBattery,
    RungeKutta,
    charge_open,
    half_life,
    irrep_degeneracy,
    pi_space,
)

TOL = 1e-8


def _brute_force(n_atoms, n_levels, ham, diss, times, photons):
    """E, ergotropy, incoherent ergotropy, purity, ⟨n⟩, the smallest eigenvalue of the
    atoms' state, the population of the top Fock level, on the full 2^N ⊗ Fock space."""
    rates = diss.jump_rates(omega_a=ham.omega_a, omega_cav=ham.omega_cav)
    cav = [qt.qeye(n_levels)] if n_levels > 1 else []

    def site(op, i):
        ops = [qt.qeye(2)] * n_atoms
        ops[i] = op
        return qt.tensor([*cav, *ops])

    Jz = sum(site(qt.sigmaz(), i) for i in range(n_atoms)) / 2
    Jx = sum(site(qt.sigmax(), i) for i in range(n_atoms)) / 2
    Jm = sum(site(qt.sigmam(), i) for i in range(n_atoms))
    H = ham.omega_a * Jz + (ham.eta / n_atoms) * Jz * Jz + ham.drive * Jx
    c_ops = [math.sqrt(rates.collective_down) * Jm, math.sqrt(rates.collective_up) * Jm.dag()]
    if n_levels > 1:
        a = qt.tensor([qt.destroy(n_levels)] + [qt.qeye(2)] * n_atoms)
        H += ham.omega_cav * a.dag() * a + 2 * ham.omega_cav * ham.coupling * Jx * (a + a.dag())
        c_ops += [math.sqrt(rates.cavity_down) * a, math.sqrt(rates.cavity_up) * a.dag()]
    for i in range(n_atoms):
        c_ops += [
            math.sqrt(rates.local_down) * site(qt.sigmam(), i),
            math.sqrt(rates.local_up) * site(qt.sigmap(), i),
            math.sqrt(rates.local_dephasing / 2) * site(qt.sigmaz(), i),
        ]
    ground = [qt.basis(2, 1)] * n_atoms  # σz = −1
    psi0 = qt.tensor([qt.basis(n_levels, photons)] * (n_levels > 1) + ground)
    opts = {"atol": 1e-13, "rtol": 1e-12, "nsteps": 100000}
    res = qt.mesolve(H, psi0, np.concatenate([[0.0], times]), c_ops, options=opts)
    atoms = list(range(1 if n_levels > 1 else 0, n_atoms + (1 if n_levels > 1 else 0)))
    H0 = ham.omega_a * qt.tensor([qt.qeye(2)] * n_atoms).full() * 0
    for i in range(n_atoms):
        ops = [qt.qeye(2)] * n_atoms
        ops[i] = qt.sigmaz() / 2
        H0 = H0 + ham.omega_a * qt.tensor(ops).full()
    h = np.real(np.diag(H0))
    out = []
    for rho in res.states[1:]:
        R = rho.ptrace(atoms).full() if n_levels > 1 else rho.full()
        E = float(np.real(np.trace(R @ H0))) + ham.omega_a * n_atoms / 2
        dephased = np.where(np.abs(h[:, None] - h[None, :]) < 1e-9, R, 0.0)  # Σ_E P_E ρ P_E
        nph = qt.expect(a.dag() * a, rho) if n_levels > 1 else 0.0
        lowest = np.linalg.eigvalsh(0.5 * (R + R.conj().T))[0]
        top = 0.0
        if n_levels > 1:
            top = np.real(np.trace(rho.ptrace(0).full()[-1:, -1:]))
        out.append(
            (
                E,
                ergotropy(R, H0),
                ergotropy(dephased, H0),
                np.real(np.trace(R @ R)),
                nph,
                lowest,
                top,
            )
        )
    return np.array(out)


NOISE = Dissipation(cavity_loss=0.3, decay=0.2, pumping=0.05, dephasing=0.15, collective_decay=0.1)


@pytest.mark.parametrize(
    ("n_atoms", "diss"),
    [
        (1, NOISE),
        (2, NOISE),
        (3, NOISE),
        (
            2,
            Dissipation(
                cavity_loss=0.2,
                decay=0.1,
                dephasing=0.1,
                collective_decay=0.05,
                bath_temperature=0.7,
            ),
        ),
    ],
    ids=["N1", "N2", "N3", "N2-thermal"],
)
def test_dicke_matches_brute_force_lindblad(n_atoms, diss):
    """PI blocks ⊗ cavity = mesolve on 2^N ⊗ Fock, every channel on (issue 12 §4), to 1e-8."""
    params = DickeParameters(
        n_atoms, 0.4, eta=0.3, drive=0.2, photon_cutoff=n_atoms + 1, t_max=1.5, steps=6
    )
    r = charge_open(params, diss, storage=False)
    rk = charge_open(params, diss, storage=False, method=RungeKutta(rtol=1e-11, atol=1e-13))
    np.testing.assert_allclose(rk.energy, r.energy, atol=TOL, rtol=0)
    ham = CollectiveHamiltonian(n_atoms, coupling=0.4, eta=0.3, drive=0.2)
    ref = _brute_force(n_atoms, n_atoms + 2, ham, diss, r.times, n_atoms)
    assert ref[:, 0].max() > 0.3 * n_atoms  # the battery charges
    np.testing.assert_allclose(r.energy, ref[:, 0], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.ergotropy, ref[:, 1], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.ergotropy_incoherent, ref[:, 2], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.purity, ref[:, 3], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.photons, ref[:, 4], atol=TOL, rtol=0)
    assert np.all(r.ergotropy < r.energy)  # mixed: ergotropy < energy
    # positivity diagnostic: block j's eigenvalues λ occur as λ/d_j (d_j times) in 2^N
    j_values = r.charging.parameters["j_values"]
    d_j = [irrep_degeneracy(n_atoms, j) for j in j_values]
    lowest = min(lam / d for lam, d in zip(r.block_min_eigenvalues, d_j, strict=True))
    assert lowest == pytest.approx(ref[:, 5].min(), abs=TOL)
    assert ref[:, 5].min() > 1e-6  # the noise mixes the atoms: strictly positive
    # the photon cutoff's truncation criterion: the top Fock level's largest population
    assert r.checks["max_top_level_population"] == pytest.approx(ref[:, 6].max(), abs=TOL)
    assert ref[:, 6].max() > 1e-6


@pytest.mark.parametrize(
    "method", [ChebyshevLindblad(), RungeKutta(rtol=1e-11, atol=1e-13)], ids=["chebyshev", "dop853"]
)
def test_driven_battery_matches_brute_force(method):
    """The classical-drive battery (Ω Jx, no cavity) with every atomic channel, N = 3, by
    both propagators."""
    diss = Dissipation(decay=0.2, pumping=0.05, dephasing=0.3, collective_decay=0.1)
    model = DrivenBattery(3, drive=1.5, eta=0.4, steps=5)
    r = charge_open(model, diss, storage=False, method=method)
    ref = _brute_force(3, 1, CollectiveHamiltonian(3, eta=0.4, drive=1.5), diss, r.times, 0)
    np.testing.assert_allclose(r.energy, ref[:, 0], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.ergotropy, ref[:, 1], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.ergotropy_incoherent, ref[:, 2], atol=TOL, rtol=0)
    np.testing.assert_allclose(r.purity, ref[:, 3], atol=TOL, rtol=0)


def test_closed_limit_reproduces_charge_dicke():
    """κ = γ = 0 reproduces the closed Dicke battery (E and ergotropy) to 1e-8."""
    params = DickeParameters(5, 0.3, photon_cutoff=12, steps=60)
    closed = charge_dicke(params)
    r = charge_open(params, Dissipation(), storage=False, symmetric_ergotropy=True)
    np.testing.assert_allclose(r.energy, closed.energy, atol=TOL, rtol=0)
    np.testing.assert_allclose(r.ergotropy, closed.ergotropy, atol=TOL, rtol=0)
    assert r.power_max == pytest.approx(closed.power_max, abs=TOL)
    np.testing.assert_allclose(r.purity, r.purity, atol=0)
    # the reduced state of a closed run is mixed (entangled with the cavity)
    assert r.purity.min() < 0.99
    # the 2^N ergotropy is never below the symmetric-subspace one
    full = charge_open(params, Dissipation(), storage=False)
    assert np.all(full.ergotropy >= r.ergotropy - 1e-12)


def _bloch_population(t, omega, drive, down, up, dephasing):
    """Excited population of one atom: dρ/dt for H = ω σz/2 + Ω σx/2 and the local jumps,
    as a 4×4 generator on vec ρ (row stacking) exponentiated exactly."""
    sz = np.diag([1.0, -1.0])
    sx = np.array([[0.0, 1.0], [1.0, 0.0]])
    sm = np.array([[0.0, 0.0], [1.0, 0.0]])  # |e⟩ = (1, 0) → |g⟩
    H = 0.5 * omega * sz + 0.5 * drive * sx
    eye = np.eye(2)
    L = -1j * (np.kron(H, eye) - np.kron(eye, H.T))
    for rate, C in ((down, sm), (up, sm.T), (dephasing / 2, sz)):
        CdC = C.T @ C
        L += rate * (np.kron(C, C) - 0.5 * np.kron(CdC, eye) - 0.5 * np.kron(eye, CdC.T))
    rho0 = np.diag([0.0, 1.0]).ravel()
    return np.array([np.real((sla.expm(L * s) @ rho0)[0]) for s in t])


def test_large_n_independent_atoms_match_bloch_equations():
    """η = 0 and local noise only: N = 60 atoms are independent, E = N ωa p_e(t) to 1e-8.

    This checks every local (j → j ± 1) coefficient at large N, where d_j reaches 10¹⁶.
    """
    N = 60
    diss = Dissipation(decay=0.2, pumping=0.07, dephasing=0.4)
    r = charge_open(DrivenBattery(N, drive=2.0, steps=8), diss, storage=False)
    p = _bloch_population(r.times, 1.0, 2.0, 0.2, 0.07, 0.4)
    np.testing.assert_allclose(r.energy, N * p, atol=TOL * N, rtol=0)
    assert r.checks["max_trace_error"] < 1e-10
    assert r.checks["min_eigenvalue"] > -1e-12


def test_local_decay_at_temperature_relaxes_to_gibbs_state():
    """Storage under local decay at T: E → N ωa / (e^{ωa/T} + 1), ergotropy → 0, purity of
    the product Gibbs state (p² + (1 − p)²)^N (detailed balance)."""
    N, T, gamma = 6, 0.8, 0.5
    diss = Dissipation(decay=gamma, bath_temperature=T)
    n_bar = 1.0 / math.expm1(1.0 / T)
    relax = 1.0 / (gamma * (2 * n_bar + 1))
    r = charge_open(
        DrivenBattery(N, drive=2.0, steps=10), diss, storage_time=45 * relax, storage_steps=20
    )
    p = 1.0 / (math.exp(1.0 / T) + 1.0)
    assert r.storage is not None
    assert r.storage.energy[0] > N * p + 0.5  # charged above the thermal energy
    assert r.storage.energy[-1] == pytest.approx(N * p, abs=TOL)
    assert r.storage.ergotropy[-1] < TOL


def test_qubit_storage_half_life_is_analytic():
    """N = 1, pure decay γ after τc: z(t) = −1 + (z0 + 1)e^{−γt}, coherence c e^{−γt/2};
    ergotropy ω(z + |r|)/2, so the half-life solves one equation (found by bisection)."""
    gamma = 0.3
    model = DrivenBattery(1, drive=3.0, t_max=0.5, steps=10)
    r = charge_open(
        model, Dissipation(decay=gamma), tau_c=0.5, storage_time=6.0, storage_steps=3000
    )
    assert r.storage is not None
    # the state at τc from the Bloch equations (charging with decay on)
    sz = np.diag([1.0, -1.0])
    H = 0.5 * sz + 1.5 * np.array([[0, 1], [1, 0]])
    sm = np.array([[0.0, 0.0], [1.0, 0.0]])
    eye = np.eye(2)
    L = -1j * (np.kron(H, eye) - np.kron(eye, H.T))
    L += gamma * (
        np.kron(sm, sm) - 0.5 * np.kron(sm.T @ sm, eye) - 0.5 * np.kron(eye, (sm.T @ sm).T)
    )
    rho = (sla.expm(L * 0.5) @ np.diag([0.0, 1.0]).ravel()).reshape(2, 2)
    z0 = float(np.real(rho[0, 0] - rho[1, 1]))
    c0 = abs(rho[0, 1])

    def W(t):
        z = -1 + (z0 + 1) * math.exp(-gamma * t)
        c = c0 * math.exp(-gamma * t / 2)
        return 0.5 * (z + math.hypot(z, 2 * c))

    lo, hi = 0.0, 6.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if W(mid) > 0.5 * W(0) else (lo, mid)
    assert r.storage.ergotropy[0] == pytest.approx(W(0.0), abs=TOL)
    assert r.storage.half_life == pytest.approx(lo, rel=1e-5)


def test_checks_along_the_run_and_ergotropy_bounds():
    """Trace 1, Hermiticity and positivity kept; 0 ≤ incoherent ≤ ergotropy ≤ energy."""
    params = DickeParameters(4, 0.5, photon_cutoff=8, t_max=2.0, steps=20)
    r = charge_open(params, NOISE)
    assert r.checks["max_trace_error"] < 1e-10
    assert r.checks["max_hermiticity_error"] < 1e-12
    assert r.checks["min_eigenvalue"] > -1e-10
    # the whole state (atoms ⊗ 9 photon levels) at 8 of the 20 output times, each block
    assert r.checks["full_checked_times"] == 8  # FULL_CHECK_STATES, evenly spaced
    assert r.checks["min_eigenvalue_full"] > -1e-12
    assert r.block_min_eigenvalues.shape == (3,)  # j = 2, 1, 0
    assert np.all(r.block_min_eigenvalues > 0)  # the noise fills every block
    assert r.storage is not None and r.storage.min_eigenvalue > -1e-12
    assert np.all(r.ergotropy_incoherent >= 0)
    assert np.all(r.ergotropy_incoherent <= r.ergotropy + 1e-15)
    assert np.all(r.ergotropy <= r.energy + 1e-12)
    assert np.all((r.purity > 0) & (r.purity <= 1 + 1e-12))
    assert r.storage is not None and r.storage.half_life > 0


def test_full_positivity_check_finds_a_negative_eigenvalue():
    """The diagnostic is not vacuous: a Hermitian, unit-trace block with eigenvalues
    (1.2, −0.2) reads −0.2 (and 0 for a pure state)."""
    from ssbattery.quantum.open.observables import full_min_eigenvalue

    space = pi_space(1, 1, local=True, fix="-")  # one atom: j = ½ only
    U = sla.expm(1j * 0.7 * np.array([[0.0, 1.0], [1.0, 0.0]]))
    bad = U @ np.diag([1.2, -0.2]) @ U.conj().T
    assert full_min_eigenvalue(space, bad.ravel()) == pytest.approx((-0.2,), abs=1e-14)
    pure = np.outer([0.6, 0.8], [0.6, 0.8]).astype(complex)
    assert full_min_eigenvalue(space, pure.ravel())[0] == pytest.approx(0.0, abs=1e-15)


def _hermitian_state(space, rng, even=False):
    """A random Hermitian flat state (``even``: zero where n + k + n′ + k′ is odd)."""
    y = np.zeros(space.size, dtype=complex)
    for blk, D in zip(space.blocks(y), space.block_dims, strict=True):
        X = rng.normal(size=(D, D)) + 1j * rng.normal(size=(D, D))
        blk[...] = (X + X.conj().T).reshape(blk.shape)
        if even:
            nc, d = blk.shape[:2]
            n, k = np.arange(nc), np.arange(d)
            odd = (n[:, None, None, None] + k[None, :, None, None]) % 2
            blk[(odd + np.swapaxes(np.swapaxes(odd, 0, 2), 1, 3)) % 2 == 1] = 0.0
    return y


@pytest.mark.parametrize(
    ("model", "diss", "parity"),
    [
        (DickeParameters(3, 0.4, eta=0.3, drive=0.2, photon_cutoff=5), NOISE, False),
        (DickeParameters(4, 0.4, eta=0.3, photon_cutoff=6), NOISE, True),
        (
            DickeParameters(5, 0.3, photon_cutoff=7),
            Dissipation(decay=0.1, bath_temperature=1.0),
            True,
        ),
        (DrivenBattery(7, drive=1.5, eta=0.4), Dissipation(decay=0.2, dephasing=0.3), False),
    ],
    ids=["dicke-drive", "dicke-parity", "dicke-thermal-parity", "driven"],
)
def test_fused_kernel_equals_the_assembled_generator(model, diss, parity):
    """The fused kernel (quantum/open/kernel.py) applies the same L as the assembled sparse
    superoperator (vec(GρG†)-form, exact), to 1e-14; with even coherence parity it keeps
    the parity sector, as Π = e^{iπ(a†a + Jz + N/2)} commutes with H when Ω = 0."""
    from ssbattery.quantum.open.liouvillian import PILiouvillian

    cavity = isinstance(model, DickeParameters)
    rates = diss.jump_rates(omega_a=model.omega_a, **({"omega_cav": 1.0} if cavity else {}))
    levels = model.photon_cutoff + 1 if cavity else 1
    space = pi_space(model.n_atoms, levels, local=rates.local, fix="-")
    ham = CollectiveHamiltonian(
        model.n_atoms,
        omega_a=model.omega_a,
        coupling=model.coupling if cavity else 0.0,
        eta=model.eta,
        drive=model.drive,
    )
    ref = PILiouvillian(space, ham, rates, assemble=True)
    fused = PILiouvillian(space, ham, rates, assemble=False, even_parity=True)
    assert fused.even_parity is parity
    y = _hermitian_state(space, np.random.default_rng(5), even=parity)
    want = ref.apply(y)
    scale = np.abs(want).max()
    np.testing.assert_allclose(fused.apply(y), want, atol=1e-14 * scale, rtol=0)
    acc = y.copy()
    fused.chebyshev_step_into(3.0, 0.5)(y, acc)  # acc += 2(L + d/2) y / R
    np.testing.assert_allclose(acc, y + (2 / 3.0) * (want + 0.25 * y), atol=1e-14 * scale)
    if parity:  # the odd entries of L y are zero: the sector is invariant
        np.testing.assert_array_equal(fused.apply(y)[y == 0], 0.0)


def test_charging_through_the_fused_kernel_matches_the_assembled_run(monkeypatch):
    """charge_open above the assembly limit (fused kernel, parity sector) gives the same
    E(t), ergotropy and purity as below it, to 1e-10."""
    import ssbattery.quantum.open.charging as charging

    params = DickeParameters(4, 0.5, photon_cutoff=8, t_max=2.0, steps=12)
    small = charge_open(params, NOISE, storage=False)
    monkeypatch.setattr(charging, "ASSEMBLE_LIMIT", 0)
    big = charge_open(params, NOISE, storage=False)
    for name in ("energy", "ergotropy", "purity", "photons"):
        np.testing.assert_allclose(getattr(big, name), getattr(small, name), atol=1e-10)
    assert big.checks["min_eigenvalue_full"] > -1e-12


def test_degeneracies_fill_the_hilbert_space():
    """Σ_j d_j (2j + 1) = 2^N exactly, up to N = 101; d_j = C(N, N/2−j) − C(N, N/2−j−1)."""
    for N in (1, 2, 7, 40, 101):
        space = pi_space(N, 1, local=True, fix="-")
        total = sum(
            d * (round(2 * j) + 1) for j, d in zip(space.j_values, space.degeneracies, strict=True)
        )
        assert total == 2**N
    assert irrep_degeneracy(4, 1) == 3


def test_top_block_hamiltonian_is_the_dicke_hamiltonian():
    """The j = N/2 block equals quantum.dicke's Hamiltonian (eqs. 8–9) on the full space."""
    params = DickeParameters(4, 0.37, eta=0.8, drive=0.25, photon_cutoff=7)
    ref = dicke_hamiltonian(params, dicke_basis(params, parity=False)).toarray()
    ham = CollectiveHamiltonian(4, coupling=0.37, eta=0.8, drive=0.25)
    np.testing.assert_allclose(ham.block(2.0, 8).toarray(), ref, atol=1e-14)


def test_space_that_would_not_fit_is_refused_naming_the_parameter():
    with pytest.raises(ResourceLimitError, match="photon_cutoff"):
        charge_open(DickeParameters(200, 0.1, photon_cutoff=400), Dissipation(dephasing=0.1))
    with pytest.raises(ResourceLimitError, match="n_atoms"):
        charge_open(DrivenBattery(3000, drive=1.0), Dissipation(dephasing=0.1))


def test_bad_input_is_refused():
    with pytest.raises(InvalidParameterError, match="pumping"):
        Dissipation(pumping=0.1, bath_temperature=1.0)
    with pytest.raises(InvalidParameterError, match="dephasing"):
        Dissipation(dephasing=-1.0)
    with pytest.raises(InvalidParameterError, match="cavity_loss"):
        charge_open(DrivenBattery(2, drive=1.0), Dissipation(cavity_loss=0.1))
    with pytest.raises(InvalidParameterError, match="tau_c"):
        charge_open(DrivenBattery(2, drive=1.0), tau_c=100.0)
    with pytest.raises(InvalidParameterError, match="symmetric_ergotropy"):
        charge_open(DrivenBattery(2, drive=1.0), Dissipation(decay=0.1), symmetric_ergotropy=True)


def test_half_life_interpolates_and_flags_never():
    t = np.linspace(0, 1, 11)
    assert half_life(t, 1 - t) == pytest.approx(0.5)
    assert math.isnan(half_life(t, np.ones_like(t)))


def test_cli_dicke_with_noise_runs_the_open_battery():
    """``ssbattery dicke --dephasing … --json`` reports the open run (same numbers as the API)."""
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    args = ["dicke", "--n-atoms", "3", "--coupling", "0.4", "--photon-cutoff", "5"]
    args += ["--steps", "10", "--dephasing", "0.1", "--decay", "0.1", "--cavity-loss", "0.2"]
    args += ["--json"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    api = charge_open(
        DickeParameters(3, 0.4, photon_cutoff=5, steps=10),
        Dissipation(dephasing=0.1, decay=0.1, cavity_loss=0.2),
    )
    (key,) = [k for k in data if k.startswith("power_max") and "refined" not in k]
    assert data[key] == pytest.approx(api.power_max, rel=1e-12)
    assert data["storage"]["half_life [1/E₀]"] == pytest.approx(api.storage.half_life, rel=1e-12)
    assert data["purity [1]"] == pytest.approx(api.purity.tolist(), rel=1e-12)
    bad = CliRunner().invoke(app, [*args[:-1], "--pumping", "0.1", "--bath-temperature", "1"])
    assert bad.exit_code == 2
    assert "--pumping" in bad.output


def test_noise_scan_closed_limit_matches_dicke_scaling_and_plots(tmp_path, monkeypatch):
    """γ_φ = 0 and no other noise: α is the closed battery's (dicke_scaling, same cutoff and
    grid); the N = 1 ratio is 1; dephasing lowers every P_max; the figure reads back."""
    import matplotlib

    matplotlib.use("Agg")
    from ssbattery.plotting.open_dicke import plot_noise_scan
    from ssbattery.quantum.dicke_scaling import dicke_scaling
    from ssbattery.quantum.open.scan import noise_scan
    from ssbattery.report.sections import open_dicke as section

    ns = (1, 2, 3)
    scan = noise_scan(ns, 0.3, "dephasing", (0.0, 0.2), steps=60, base=Dissipation(decay=0.05))
    closed = dicke_scaling(ns, 0.3, cutoff_factor=2, steps=60)
    no_noise = noise_scan(ns, 0.3, "dephasing", (0.0,), steps=60)
    assert no_noise.alpha[0] == pytest.approx(closed.fit.exponent, abs=1e-8)
    np.testing.assert_allclose(no_noise.power_max[0], closed.power_max, rtol=1e-8)
    np.testing.assert_allclose(scan.ratio[:, 0], 1.0)
    assert np.all(scan.power_max[1] < scan.power_max[0])
    assert np.all(np.isfinite(scan.half_life))
    left, right = plot_noise_scan(scan)
    np.testing.assert_allclose(left.lines[0].get_ydata(), scan.alpha)
    np.testing.assert_allclose(right.lines[0].get_ydata(), scan.half_life[:, 0])
    monkeypatch.setattr(section, "SCAN_ATOMS", ns)
    monkeypatch.setattr(section, "SCAN_DEPHASING", (0.0, 0.1))
    monkeypatch.setattr(section, "SCAN_KAPPA", (0.0, 0.5))
    monkeypatch.setattr(section, "SCAN_STEPS", 40)
    art = section.build_noise_scan(tmp_path)
    assert all(p.exists() for p in art.images)
    assert len(art.tables[0].read_text().splitlines()) == 1 + (2 + 2) * 3
    assert "α =" in art.summary and "γ_φ" in art.summary and "κ" in art.summary
    found = art.parameters["advantage_loss"]
    assert set(found) == {"dephasing", "cavity_loss"}
    assert found["cavity_loss"]["alpha_status"] in {"crossed", "above", "below"}
    with pytest.raises(InvalidParameterError, match="parameter"):
        noise_scan(ns, 0.3, "temperature", (0.1,))


def test_advantage_loss_interpolates_the_crossing():
    """advantage_loss: α = 1.5, 1.4, 1.1 at κ = 0.1, 1, 10 crosses 1.25 at
    log κ* = log 1 + (1.4 − 1.25)/(1.4 − 1.1) (log 10 − log 1), κ* = √10; the ratio at the
    largest N (2, 1.2, 0.2) crosses 1 at log₁₀ κ = (1.2 − 1)/(1.2 − 0.2) = 0.2; statuses for
    never / from the start; plot_advantage reads back its data."""
    import matplotlib

    matplotlib.use("Agg")
    from ssbattery.plotting.open_dicke import plot_advantage
    from ssbattery.quantum.open.scan import NoiseScan, advantage_loss

    ns = np.array([1, 2, 4])
    ratio_at_4 = np.array([2.0, 1.2, 0.2])
    P = np.ones((3, 3))
    P[:, -1] = 4 * ratio_at_4  # P_max(4) / (4 P_max(1)) with P_max(1) = 1
    scan = NoiseScan(
        "cavity_loss", np.array([0.1, 1.0, 10.0]), ns, 0.2, P, np.ones(3), P, P,
        np.array([1.5, 1.4, 1.1]), np.zeros(3),
    )  # fmt: skip
    loss = advantage_loss(scan)
    assert loss.rate_alpha == pytest.approx(math.sqrt(10.0), rel=1e-12)
    assert loss.rate_ratio == pytest.approx(10**0.2, rel=1e-12)
    assert (loss.alpha_status, loss.ratio_status, loss.n_max) == ("crossed", "crossed", 4)
    assert "κ* = 3.16" in loss.describe("κ")
    never = advantage_loss(scan, alpha_threshold=1.0, ratio_threshold=0.1)
    assert math.isnan(never.rate_alpha) and never.alpha_status == "above"
    assert "not crossed" in never.describe("κ")
    assert advantage_loss(scan, alpha_threshold=2.0).alpha_status == "below"
    # P_max(4) = 8, 4.8, 0.8 relative to 8: below 1/2 between κ = 1 (0.6) and 10 (0.1),
    # at log₁₀ κ = (0.6 − 0.5)/(0.6 − 0.1) = 0.2; over the last step κ·P_max changes by
    # |ln(10·0.8/(1·4.8))| at N = 4 but by ln 10 at N = 1, 2 (constant P: not frozen)
    assert loss.rate_power == pytest.approx(10**0.2, rel=1e-12)
    assert loss.freezing == pytest.approx(math.log(10.0), rel=1e-12)
    assert (loss.alpha_limit, loss.ratio_limit) == (1.1, pytest.approx(0.2))
    ax = plot_advantage(scan, loss)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), scan.alpha)
    np.testing.assert_allclose(ax.ratio_axes.lines[0].get_ydata(), ratio_at_4)
    assert ax.lines[-1].get_xdata()[0] == pytest.approx(10**0.2)


def test_trajectories_converge_to_the_master_equation_within_their_interval():
    """Collective noise only (issue 12 §4): the trajectory mean of E(t) lies within 4
    standard errors of the Liouvillian result and its standard error shrinks as 1/√n_traj
    (100 → 400: × ½; Dalibard, Castin & Mølmer, PRL 68, 580 (1992)). The ergotropy is
    W(ρ̄) of the averaged state: the Liouvillian ergotropy lies in its 99 % bootstrap
    interval at every time (Efron & Tibshirani 1993, percentile interval), which also
    narrows as 1/√n_traj; the mean of single-trajectory ergotropies is biased upwards
    (convexity of W, Jensen) and leaves the interval."""
    from ssbattery.quantum.open import charge_trajectories

    params = DickeParameters(2, 0.4, photon_cutoff=4, steps=10)
    diss = Dissipation(cavity_loss=0.3, collective_decay=0.2)
    exact = charge_open(params, diss, storage=False)
    small = charge_trajectories(params, diss, n_traj=100, seed=3, confidence=0.99)
    big = charge_trajectories(params, diss, n_traj=400, seed=3, confidence=0.99)
    ratio = float(small.energy_stderr.mean() / big.energy_stderr.mean())
    assert 1.7 < ratio < 2.3
    lo, hi = big.interval(z=4.0)
    assert np.all((exact.energy >= lo) & (exact.energy <= hi))
    w_lo, w_hi = big.ergotropy_interval()
    assert np.all((exact.ergotropy >= w_lo) & (exact.ergotropy <= w_hi))
    widths = [float(np.mean(r.ergotropy_high - r.ergotropy_low)) for r in (small, big)]
    assert 1.6 < widths[0] / widths[1] < 2.5
    # the biased estimator: ≥ W(ρ̄) everywhere (Jensen), far above the interval somewhere
    assert np.all(big.ergotropy_trajectory_mean >= big.ergotropy - 1e-12)
    assert np.any(big.ergotropy_trajectory_mean > w_hi + 0.05)
    with pytest.raises(InvalidParameterError, match="collective-only"):
        charge_trajectories(params, Dissipation(dephasing=0.1), n_traj=10)
    with pytest.raises(InvalidParameterError, match="confidence"):
        charge_trajectories(params, diss, n_traj=10, confidence=1.5)


def test_sweep_entry_is_the_cli_run():
    """The registered ``open-dicke`` entry builds, solves and extracts the API's numbers."""
    from ssbattery.sweep.registry import get_entry

    entry = get_entry("open-dicke")
    values = {p.name: p.default for p in entry.params}
    values.update(n_atoms=2, coupling=0.4, photon_cutoff=3, steps=8, dephasing=0.1, decay=0.1)
    run = entry.build(values)
    out = entry.extract(entry.solve(run))
    api = charge_open(
        DickeParameters(2, 0.4, photon_cutoff=3, steps=8), Dissipation(dephasing=0.1, decay=0.1)
    )
    assert out["power_max"] == api.power_max
    assert out["half_life"] == api.storage.half_life
    np.testing.assert_array_equal(out["purity"], api.purity)
    assert entry.memory_bytes(run).peak_bytes > 0  # charge_open's own MemoryEstimate


def test_strong_dephasing_reaches_the_incoherent_zeno_limit():
    """Strong local dephasing: P_max → P_inc = ωa N [2λ²N Γ₋/(Γ₋² + Δ₋²) + 2λ²(N+1)
    Γ₊/(Γ₊² + Δ₊²)] (adiabatic elimination of the atom–photon coherences, golden-rule
    rates with Lorentzian width Γ; Cohen-Tannoudji, Dupont-Roc & Grynberg, Atom–Photon
    Interactions ch. V), approached from below as P_inc [1 − √(2(κ + γ↓)/Γ)] (lag 1/Γ of
    the absorption against its fading by the background loss; derived in
    ``incoherent_power``): measured within 15 % of that correction at γ_φ = 100 and 1000
    (N = 1, 2), i.e. to < 0.4 % of P_max. Collective and parallel power then both fall
    as 1/γ_φ (Zeno), and the ratio P(N)/(N P(1)) tends to P_inc(N)/(N P_inc(1)) ≈
    (2N + 1)/3 > 1: the advantage criterion is not crossed however strong the
    dephasing."""
    from ssbattery.quantum.open.scan import incoherent_power, open_dicke_point

    g, kappa, decay = 0.2, 0.02, 0.01
    for rate in (100.0, 1000.0):
        diss = Dissipation(dephasing=rate, cavity_loss=kappa, decay=decay)
        P = {n: open_dicke_point(n, g, diss, steps=100).power_max for n in (1, 2)}
        Pz = {n: incoherent_power(n, g, diss) for n in (1, 2)}
        for n in (1, 2):
            gamma = rate + decay / 2 + kappa * (2 * n - 1) / 2  # Γ₋ of |g, N⟩⟨e, N − 1|
            correction = math.sqrt(2 * (kappa + decay) / gamma)
            assert 1.0 - P[n] / Pz[n] == pytest.approx(correction, rel=0.15)
        ratio, ratio_limit = P[2] / (2 * P[1]), Pz[2] / (2 * Pz[1])
        assert ratio == pytest.approx(ratio_limit, rel=0.01) and ratio > 1
    # the analytic large-Γ form: 2λ²ωa N(2N + 1)/Γ, ratio (2N + 1)/3 = 5/3 at N = 2
    huge = Dissipation(dephasing=1e6)
    assert incoherent_power(2, g, huge) == pytest.approx(2 * g**2 * 2 * 5 / 1e6, rel=1e-5)
    with pytest.raises(InvalidParameterError, match="collective_decay"):
        incoherent_power(2, g, Dissipation(dephasing=1.0, collective_decay=0.1))


def test_half_power_crossing_matches_brute_force_mesolve():
    """The located crossing, independently: P_max(N; κ) of the PI blocks = mesolve's on
    2^N ⊗ Fock (same grid, refined to ≥ 4κ t_max points) to 1e-7 relative for N = 1–3
    and κ = 0, 0.3, 1, 3; the rate where P_max falls to half its κ = 0 value, found by
    ``half_power_rates``/``advantage_loss``, equals the log-linear interpolation of the
    mesolve powers to 1e-6, and lies inside the bracket that contains it."""
    from ssbattery.quantum.open.scan import (
        POINTS_PER_LOSS_TIME,
        advantage_loss,
        half_power_rates,
        noise_scan,
    )

    g, ns, kappas = 0.2, (1, 2, 3), (0.0, 0.3, 1.0, 3.0)
    base = Dissipation(decay=0.01)
    scan = noise_scan(ns, g, "cavity_loss", kappas, base=base, steps=60, storage_time=1.0)
    ref = np.empty((len(kappas), len(ns)))
    for i, k in enumerate(kappas):
        for j, n in enumerate(ns):
            t_max = math.pi / (g * math.sqrt(n))
            steps = max(60, math.ceil(POINTS_PER_LOSS_TIME * k * t_max))
            times = DickeParameters(n, g, photon_cutoff=2 * n, steps=steps).times()
            diss = Dissipation(cavity_loss=k, decay=0.01)
            E = _brute_force(n, 2 * n + 1, CollectiveHamiltonian(n, coupling=g), diss, times, n)
            ref[i, j] = np.max(E[:, 0] / times)
    np.testing.assert_allclose(scan.power_max, ref, rtol=1e-7)
    found = half_power_rates(scan)
    for j in range(len(ns)):
        frac = ref[:, j] / ref[0, j]
        k = int(np.flatnonzero(frac < 0.5)[0])
        x0, x1 = math.log(kappas[k - 1]), math.log(kappas[k])
        expect = math.exp(x0 + (frac[k - 1] - 0.5) / (frac[k - 1] - frac[k]) * (x1 - x0))
        assert found[j] == pytest.approx(expect, rel=1e-6)
        assert kappas[k - 1] < found[j] < kappas[k]
    loss = advantage_loss(scan)
    assert loss.power_status == "crossed" and loss.rate_power == pytest.approx(found[-1])
    assert loss.alpha_status == "above" and loss.ratio_status == "above"


def test_photon_cutoff_by_error_control_against_a_larger_cutoff():
    """charge_open_converged grows the cutoff from N until the top Fock level's population
    stays ≤ the bound (and not one rung earlier); against a reference 12 levels higher,
    E(t) agrees to ≤ 40× that population relative to E_max (the factor measured for the
    closed battery, dicke_window) and within the rigorous Duhamel bound
    ωa N · 2ωc g N √(n_c + 1) t_max √p_top (cutoff module), which holds with a wide margin."""
    from ssbattery.quantum.open import charge_open_converged, truncation_bound

    diss = Dissipation(cavity_loss=0.1, decay=0.05, dephasing=0.05)
    model = DickeParameters(3, 0.2, photon_cutoff=3, steps=60)
    for bound in (1e-4, 1e-7):
        r = charge_open_converged(model, diss, top_population=bound, storage=False)
        cutoff = int(r.checks["photon_cutoff"])
        p_top = r.checks["max_top_level_population"]
        assert p_top <= bound and r.checks["top_population_bound"] == bound
        ladder = [3]
        while ladder[-1] < cutoff:
            ladder.append(ladder[-1] + max(2, math.ceil(ladder[-1] / 4)))
        assert ladder[-1] == cutoff and len(ladder) > 2  # it had to grow
        before = DickeParameters(3, 0.2, photon_cutoff=ladder[-2], steps=60)
        lower = charge_open(before, diss, storage=False, ergotropy=False)
        assert lower.checks["max_top_level_population"] > bound
        big = DickeParameters(3, 0.2, photon_cutoff=cutoff + 12, steps=60)
        ref = charge_open(big, diss, storage=False, ergotropy=False)
        err = float(np.max(np.abs(r.energy - ref.energy)))
        assert err <= 40 * p_top * ref.charging.energy_max
        at = DickeParameters(3, 0.2, photon_cutoff=cutoff, steps=60)
        energy_bound = 3 * truncation_bound(at, p_top)
        assert r.checks["truncation_bound_energy"] == pytest.approx(energy_bound, rel=1e-12)
        assert err < energy_bound
    with pytest.raises(InvalidParameterError, match="max_cutoff"):
        charge_open_converged(model, diss, top_population=1e-12, max_cutoff=6, storage=False)


def test_energy_only_run_skips_the_spectra_and_keeps_the_energies():
    """positivity=False (with ergotropy=False: what a peer computing ⟨Jz⟩ alone does)
    gives the same E(t), purity and photon number, and NaN for the eigenvalue checks;
    asking for the ergotropy without the spectra is refused."""
    params = DickeParameters(3, 0.4, photon_cutoff=6, t_max=2.0, steps=10)
    full = charge_open(params, NOISE, storage=False, ergotropy=False)
    bare = charge_open(params, NOISE, storage=False, ergotropy=False, positivity=False)
    for name in ("energy", "purity", "photons"):
        np.testing.assert_allclose(getattr(bare, name), getattr(full, name), atol=0)
    assert math.isnan(bare.checks["min_eigenvalue"]) and bare.checks["full_checked_times"] == 0
    assert full.checks["min_eigenvalue"] > -1e-12
    with pytest.raises(InvalidParameterError, match="positivity"):
        charge_open(params, NOISE, storage=False, positivity=False)


def test_cli_open_battery_honours_cutoff_tol_and_check_cutoff():
    """With noise options, ``--cutoff-tol`` (no ``--photon-cutoff``) chooses the cutoff by
    error control: N = 2, g = 0.6 (above g_c = ½√(1/N), photons are made) needs far more
    than the 4N = 8 levels the command used to keep whatever the tolerance (E(t) then off
    by 0.17 ωc); against a 40-level reference E(t) is within 40 × p_top × E_max (the
    factor of the cutoff module's test), and a tighter tolerance needs a larger cutoff.
    A fixed cutoff with ``--check-cutoff`` warns when a larger one moves Pmax; the
    closed battery's ``--propagator`` is refused with noise instead of ignored."""
    import json

    from typer.testing import CliRunner

    from ssbattery.cli import app

    args = ["dicke", "--n-atoms", "2", "--coupling", "0.6", "--steps", "40", "--decay", "0.01"]
    ref = charge_open(
        DickeParameters(2, 0.6, photon_cutoff=40, steps=40),
        Dissipation(decay=0.01),
        storage=False,
        ergotropy=False,
        positivity=False,
    )
    cutoffs = []
    for tol in (1e-2, 1e-6):
        out = CliRunner().invoke(app, [*args, "--cutoff-tol", str(tol), "--json"])
        assert out.exit_code == 0, out.output
        data = json.loads(out.stdout)
        p_top = data["checks"]["max_top_level_population [1]"]
        assert p_top <= tol and data["checks"]["top_population_bound [1]"] == tol
        (key,) = [k for k in data if k.startswith("energy [")]
        err = float(np.max(np.abs(np.array(data[key]) - ref.energy)))
        assert err <= 40 * p_top * ref.charging.energy_max
        cutoffs.append(data["parameters"]["photon_cutoff"])
    assert 8 < cutoffs[0] < cutoffs[1] <= 40
    fixed = CliRunner().invoke(app, [*args, "--photon-cutoff", "2"])
    assert fixed.exit_code == 0 and "photon cutoff 2 is not converged" in fixed.output
    quiet = CliRunner().invoke(app, [*args, "--photon-cutoff", "2", "--no-check-cutoff"])
    assert quiet.exit_code == 0 and "not converged" not in quiet.output
    bad = CliRunner().invoke(app, [*args, "--propagator", "lanczos"])
    assert bad.exit_code == 2 and "--propagator" in bad.output


def test_cli_open_title_names_every_rate_given():
    """The table's title listed κ, γ↓ and γ_φ only: a run with collective decay and pumping
    read "(κ = 0.0, γ↓ = 0.0, γ_φ = 0.0)", as if closed."""
    from typer.testing import CliRunner

    from ssbattery.cli import app

    args = ["dicke", "--n-atoms", "2", "--coupling", "0.3", "--photon-cutoff", "4"]
    args += ["--steps", "10", "--collective-decay", "0.05", "--pumping", "0.02"]
    out = CliRunner().invoke(app, [*args, "--no-check-cutoff"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())  # the title wraps at the table's width
    assert "(γ↑ = 0.02, γ_c = 0.05)" in text and "κ =" not in text


def test_a_cold_bath_gives_the_zero_temperature_rates():
    """T = 0.001 ω (ω/T = 1000) overflowed e^{ω/T} ("math range error", a CLI exit on
    `--bath-temperature 0.001`); n̄ = 1/(e^{ω/T} − 1) < e^{−700} there (the exponent is
    capped at 700, as the thermal machines' occupation), so the rates and the run are those
    of T = 0, and n̄ is the Bose value where it is representable."""
    from ssbattery.quantum.open import bose_occupation

    assert 0.0 < bose_occupation(1.0, 1e-3) < 1e-300
    assert bose_occupation(2.0, 1.0) == pytest.approx(1.0 / (math.exp(2.0) - 1.0), rel=1e-14)
    model = DrivenBattery(3, drive=1.0, steps=20)
    cold = charge_open(model, Dissipation(decay=0.1, bath_temperature=1e-3), storage=False)
    zero = charge_open(model, Dissipation(decay=0.1, bath_temperature=0.0), storage=False)
    np.testing.assert_allclose(cold.energy, zero.energy, rtol=0, atol=1e-14)
    assert cold.charging.parameters["jump_rates"]["local_up"] < 1e-300


@pytest.mark.parametrize("seed", [-1, 1.5, float("nan")])
def test_trajectory_seed_must_be_a_non_negative_integer(seed):
    """seed = −1 had reached NumPy's SeedSequence ("expected non-negative integer")."""
    from ssbattery.quantum.open import charge_trajectories

    model = DickeParameters(2, 0.3, photon_cutoff=4, steps=10)
    with pytest.raises(InvalidParameterError, match="`seed`"):
        charge_trajectories(model, Dissipation(collective_decay=0.2), n_traj=4, seed=seed)
    # a valid seed fixes the run: the same numbers twice
    a = charge_trajectories(model, Dissipation(collective_decay=0.2), n_traj=4, seed=3)
    b = charge_trajectories(model, Dissipation(collective_decay=0.2), n_traj=4, seed=3)
    np.testing.assert_array_equal(a.energy, b.energy)
