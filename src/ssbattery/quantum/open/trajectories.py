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

    ``energy`` the mean E(t), ``energy_stderr`` σ/√n_traj; ``ergotropy`` that of the
    averaged atoms' state (biased by O(1/n_traj), as any nonlinear function of a mean).
    """

    times: NDArray[np.float64]
    energy: NDArray[np.float64]
    energy_stderr: NDArray[np.float64]
    ergotropy: NDArray[np.float64]
    n_traj: int
    parameters: dict[str, Any] = field(default_factory=dict)

    def interval(self, z: float = 1.96) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The confidence band energy ± z·stderr (z = 1.96: 95 % for Gaussian errors)."""
        return self.energy - z * self.energy_stderr, self.energy + z * self.energy_stderr

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the keys (E₀: the unit of ωa, g and the rates; the energy's
        standard error over the trajectories as ``"energy error [E₀]"``)."""
        return {
            "times [1/E₀]": self.times.tolist(),
            "energy [E₀]": self.energy.tolist(),
            "energy error [E₀]": self.energy_stderr.tolist(),
            "ergotropy [E₀]": self.ergotropy.tolist(),
            "n_traj": self.n_traj,
            "parameters": dict(self.parameters),
        }


def charge_trajectories(
    params: DickeParameters,
    dissipation: Dissipation,
    *,
    n_traj: int = 200,
    seed: int = 1,
    parallel: bool = False,
) -> TrajectoryResult:
    """Charge the Dicke battery by ``n_traj`` quantum trajectories (collective noise only).

    ``seed`` fixes the random numbers (trajectory k uses seed + k); ``parallel`` runs them
    with QuTiP's parallel map over the machine's cores.
    """
    import qutip as qt

    n_traj = require_int_at_least("n_traj", n_traj, 2)
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
        seeds=[seed + k for k in range(n_traj)],
        options=opts,
    )
    runs = np.array([np.asarray(res.runs_expect[k]).real for k in range(N + 1)])
    energies = params.omega_a * np.einsum("k,kst->st", np.arange(N + 1.0), runs)[:, 1:]
    mean = energies.mean(axis=0)
    stderr = energies.std(axis=0, ddof=1) / math.sqrt(n_traj)
    avg = np.array([np.asarray(e).real for e in res.average_expect])[:, 1:]
    rhos = np.zeros((avg.shape[1], N + 1, N + 1), dtype=complex)
    rhos[:, np.arange(N + 1), np.arange(N + 1)] = avg[: N + 1].T
    for p_i, (k, kp) in enumerate(pairs):
        z = avg[N + 1 + 2 * p_i] + 1j * avg[N + 2 + 2 * p_i]  # ρ_{k′k}
        rhos[:, kp, k] = z
        rhos[:, k, kp] = np.conj(z)
    space = PISpace(N, 1, (j,))
    ergo = np.empty(avg.shape[1])
    for t in range(avg.shape[1]):
        rho = rhos[t]
        ergo[t] = battery_state(space, rho.ravel(), params.omega_a, reduced=True).ergotropy
    return TrajectoryResult(
        times=times[1:],
        energy=mean,
        energy_stderr=stderr,
        ergotropy=ergo,
        n_traj=n_traj,
        parameters={**params.to_dict(), "dissipation": dissipation.to_dict(), "seed": seed},
    )
