"""Monte Carlo wave-function trajectories of the Dicke battery with collective noise.

With cavity loss κ and collective decay γ_c only (and their thermal partners), the jump
operators a, a†, J−, J+ are collective: each trajectory stays a pure state of the
symmetric subspace j = N/2 ⊗ Fock, of dimension (N + 1)(N_ph + 1) instead of its square.
The trajectories are QuTiP's ``mcsolve`` (the field's implementation: no-jump evolution
under H − ½i Σ C†C, jumps at random times; its parallel map runs them on every core);
averaged, they converge to the master equation of :func:`~.charging.charge_open` as
1/√n_traj (Dalibard, Castin & Mølmer, PRL 68, 580 (1992)).

Reported: the mean stored energy E(t) = ωa(⟨Jz⟩ + N/2) with its standard error
σ/√n_traj (σ the spread of the single-trajectory energies), and the ergotropy of the
trajectory-averaged reduced state of the atoms (from the averaged ⟨|k⟩⟨k′|⟩).

Why the ergotropy is not averaged over trajectories: eq. 7 is nonlinear in ρ. The
passive energy min_U Tr[UρU†H0] is a minimum of linear functions of ρ, hence concave, so
the ergotropy W(ρ) = Tr[ρH0] − min_U Tr[UρU†H0] is convex and, by Jensen's inequality,
the mean of single-trajectory ergotropies is ≥ W of the mean state: it is biased upwards
and does not converge to the master equation's ergotropy (a trajectory is a pure state of
atoms ⊗ cavity and never holds the mixture that the jumps create). The estimator here
is W(ρ̄), ρ̄ the trajectory mean of the atoms' state, which converges to W(ρ) of the
master equation as n_traj → ∞. Its uncertainty is not σ/√n: it comes from
the bootstrap over trajectories (Efron & Tibshirani, *An Introduction to the Bootstrap*
(1993), ch. 13, percentile interval): ``bootstrap`` resamples of the n_traj trajectories
with replacement, each giving W(ρ̄*), and the interval is their central ``confidence``
quantile range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.quantum.dicke import DickeParameters
from ssbattery.quantum.open.liouvillian import CollectiveHamiltonian, spin_operators
from ssbattery.quantum.open.observables import battery_state
from ssbattery.quantum.open.rates import Dissipation
from ssbattery.quantum.open.space import PISpace
from ssbattery.validation import require_int_at_least

__all__ = ["TrajectoryResult", "charge_trajectories"]


@dataclass(frozen=True)
class TrajectoryResult:
    """Trajectory averages on the charging grid.

    ``energy`` the mean E(t), ``energy_stderr`` σ/√n_traj; ``ergotropy`` W(ρ̄) of the
    trajectory-averaged atoms' state, with its bootstrap percentile interval
    [``ergotropy_low``, ``ergotropy_high``] at ``confidence``; ``ergotropy_trajectory_mean``
    the mean of the single-trajectory ergotropies, the *biased* estimator (≥ W(ρ̄) by
    convexity), kept for comparison only.
    """

    times: NDArray[np.float64]
    energy: NDArray[np.float64]
    energy_stderr: NDArray[np.float64]
    ergotropy: NDArray[np.float64]
    ergotropy_low: NDArray[np.float64]
    ergotropy_high: NDArray[np.float64]
    ergotropy_trajectory_mean: NDArray[np.float64]
    n_traj: int
    confidence: float = 0.95
    parameters: dict[str, Any] = field(default_factory=dict)

    def interval(self, z: float = 1.96) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The confidence band energy ± z·stderr (z = 1.96: 95 % for Gaussian errors)."""
        return self.energy - z * self.energy_stderr, self.energy + z * self.energy_stderr

    def ergotropy_interval(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The bootstrap percentile interval of W(ρ̄) at ``confidence``."""
        return self.ergotropy_low, self.ergotropy_high

    def __str__(self) -> str:
        t, e, se = self.times[-1], self.energy[-1], self.energy_stderr[-1]
        return (
            f"TrajectoryResult ({self.n_traj} trajectories), at t = {t:.4g} 1/E₀:\n"
            f"  energy = {e:.6g} ± {se:.2g} E₀\n"
            f"  ergotropy = {self.ergotropy[-1]:.6g} E₀ ({self.confidence:.0%} interval "
            f"[{self.ergotropy_low[-1]:.4g}, {self.ergotropy_high[-1]:.4g}] E₀)"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys (E₀: the unit of ωa, g and the rates; the energy's
        standard error over the trajectories as ``"energy error [E₀]"``)."""
        return {
            "times [1/E₀]": self.times.tolist(),
            "energy [E₀]": self.energy.tolist(),
            "energy error [E₀]": self.energy_stderr.tolist(),
            "ergotropy [E₀]": self.ergotropy.tolist(),
            "ergotropy low [E₀]": self.ergotropy_low.tolist(),
            "ergotropy high [E₀]": self.ergotropy_high.tolist(),
            "ergotropy trajectory mean [E₀]": self.ergotropy_trajectory_mean.tolist(),
            "n_traj": self.n_traj,
            "confidence [1]": self.confidence,
            "parameters": dict(self.parameters),
        }


def _atoms_states(values: NDArray, n_atoms: int, pairs: list[tuple[int, int]]) -> NDArray:
    """ρ_A from the e_op values (populations, then X, Y of each pair k < k′) along the
    first axis: shape (n_eops, *rest) → (*rest, N + 1, N + 1)."""
    d = n_atoms + 1
    rest = values.shape[1:]
    rho = np.zeros((*rest, d, d), dtype=complex)
    idx = np.arange(d)
    rho[..., idx, idx] = np.moveaxis(values[:d], 0, -1)
    for p_i, (k, kp) in enumerate(pairs):
        z = values[d + 2 * p_i] + 1j * values[d + 1 + 2 * p_i]  # ρ_{k′k}
        rho[..., kp, k] = z
        rho[..., k, kp] = np.conj(z)
    return rho


def charge_trajectories(
    params: DickeParameters,
    dissipation: Dissipation,
    *,
    n_traj: int = 200,
    seed: int = 1,
    parallel: bool = False,
    bootstrap: int = 200,
    confidence: float = 0.95,
) -> TrajectoryResult:
    """Charge the Dicke battery by ``n_traj`` quantum trajectories (collective noise only).

    ``seed`` fixes the random numbers (QuTiP spawns one stream per trajectory from it; the
    bootstrap draws from its own generator seeded with it);
    ``parallel`` runs them with QuTiP's parallel map over the machine's cores;
    ``bootstrap`` resamples give the ergotropy's ``confidence`` interval (module docstring).
    """
    import qutip as qt

    n_traj = require_int_at_least("n_traj", n_traj, 2)
    seed = require_int_at_least("seed", seed, 0)  # a SeedSequence entropy: an integer ≥ 0
    bootstrap = require_int_at_least("bootstrap", bootstrap, 20)
    if not 0.0 < confidence < 1.0:
        raise InvalidParameterError(f"`confidence` must lie in (0, 1), got {confidence!r}.")
    rates = dissipation.jump_rates(omega_a=params.omega_a, omega_cav=params.omega_cav)
    if rates.local:
        raise InvalidParameterError(
            "trajectories need collective-only noise (`cavity_loss`, `collective_decay`): "
            "local decay, pumping or dephasing leave the symmetric subspace; use "
            "charge_open for them."
        )
    N, nc = params.n_atoms, params.photon_cutoff + 1
    j = N / 2.0
    ham = CollectiveHamiltonian(
        N,
        omega_a=params.omega_a,
        omega_cav=params.omega_cav,
        coupling=params.coupling,
        eta=params.eta,
        drive=params.drive,
    )
    dims = [[nc, N + 1], [nc, N + 1]]
    H = qt.Qobj(ham.block(j, nc), dims=dims)
    jp, _, _ = spin_operators(j)
    a = qt.destroy(nc)
    eye_s, eye_c = qt.qeye(N + 1), qt.qeye(nc)
    Jp = qt.tensor(eye_c, qt.Qobj(jp.toarray()))
    A = qt.tensor(a, eye_s)
    c_ops = []
    for rate, op in (
        (rates.cavity_down, A),
        (rates.cavity_up, A.dag()),
        (rates.collective_down, Jp.dag()),
        (rates.collective_up, Jp),
    ):
        if rate > 0:
            c_ops.append(math.sqrt(rate) * op)
    if not c_ops:
        raise InvalidParameterError(
            "no noise given: trajectories of a closed battery are all the same; give "
            "`cavity_loss` or `collective_decay`."
        )
    psi0 = qt.tensor(qt.basis(nc, N), qt.basis(N + 1, 0))

    # Hermitian e_ops only (QuTiP averages their real parts): the populations P_k, and
    # for k < k′ the parts X, Y of ⟨|k⟩⟨k′|⟩ = ρ_{k′k} = ⟨X⟩ + i⟨Y⟩.
    def ket_bra(k: int, kp: int) -> Any:
        return qt.tensor(eye_c, qt.basis(N + 1, k) * qt.basis(N + 1, kp).dag())

    pairs = [(k, kp) for k in range(N + 1) for kp in range(k + 1, N + 1)]
    e_ops = [ket_bra(k, k) for k in range(N + 1)]
    for k, kp in pairs:
        op = ket_bra(k, kp)
        e_ops += [0.5 * (op + op.dag()), -0.5j * (op - op.dag())]
    times = np.concatenate([[0.0], params.times()])
    opts = {
        "keep_runs_results": True,
        "map": "parallel" if parallel else "serial",
        "progress_bar": False,
        "atol": 1e-10,
        "rtol": 1e-8,
    }
    res = qt.mcsolve(
        H,
        psi0,
        times,
        c_ops,
        e_ops=e_ops,
        ntraj=n_traj,
        seeds=seed,  # one SeedSequence spawns an independent stream per trajectory
        options=opts,
    )
    # (n_eops, n_traj, n_times) without t = 0
    runs = np.array([np.asarray(r).real for r in res.runs_expect])[:, :, 1:]
    energies = params.omega_a * np.einsum("k,kst->st", np.arange(N + 1.0), runs[: N + 1])
    mean = energies.mean(axis=0)
    stderr = energies.std(axis=0, ddof=1) / math.sqrt(n_traj)
    space = PISpace(N, 1, (j,))

    def W(rho: NDArray) -> float:
        return battery_state(space, rho.ravel(), params.omega_a, reduced=True).ergotropy

    ergo = np.array([W(r) for r in _atoms_states(runs.mean(axis=1), N, pairs)])
    single = _atoms_states(runs, N, pairs)  # (n_traj, n_times, N + 1, N + 1)
    naive = np.array([[W(r) for r in traj] for traj in single]).mean(axis=0)
    # bootstrap: resample trajectories with replacement; each resample's mean state
    counts = np.random.default_rng(seed).multinomial(
        n_traj, np.full(n_traj, 1.0 / n_traj), bootstrap
    )
    boot_vals = np.einsum("bs,est->ebt", counts / n_traj, runs)
    boot = np.array([[W(r) for r in row] for row in _atoms_states(boot_vals, N, pairs)])
    tail = 50.0 * (1.0 - confidence)
    low, high = np.percentile(boot, [tail, 100.0 - tail], axis=0)
    return TrajectoryResult(
        times=times[1:],
        energy=mean,
        energy_stderr=stderr,
        ergotropy=ergo,
        ergotropy_low=low,
        ergotropy_high=high,
        ergotropy_trajectory_mean=naive,
        n_traj=n_traj,
        confidence=confidence,
        parameters={
            **params.to_dict(),
            "dissipation": dissipation.to_dict(),
            "seed": seed,
            "bootstrap": bootstrap,
        },
    )
