"""Topological boundary states made concrete (review §2.2, Fig. 10).

Three textbook tight-binding models, each with its spectrum, the localisation of its
boundary states and (where simple) its topological invariant. Hopping energies are in units
of the largest hopping (dimensionless), lattice constant 1.

* **SSH chain** (Su–Schrieffer–Heeger): two sites A, B per cell, intra-cell hopping v and
  inter-cell hopping w, Bloch off-diagonal h(k) = v + w e^{ik}. Winding number of h(k)
  around 0: 1 for v < w (two edge zero modes, energies ∝ (v/w)^N), 0 for v > w (gapped).
* **BBH quadrupole** (Benalcazar–Bernevig–Hughes 2017, the simplest higher-order TI):
  H(k) = (γ_x + λ_x cos k_x) Γ₄ + λ_x sin k_x Γ₃ + (γ_y + λ_y cos k_y) Γ₂ + λ_y sin k_y Γ₁
  with Γ₄ = τ₁σ₀, Γ_j = −τ₂σ_j (j = 1, 2, 3). On an open N_x × N_y flake with |γ| < |λ|
  four states sit at zero energy, one at each corner (the corner states of Fig. 10).
* **QWZ Chern insulator** (Qi–Wu–Zhang): h(k) = sin k_x σ_x + sin k_y σ_y +
  (u + cos k_x + cos k_y) σ_z; Chern number ±1 for 0 < |u| < 2 and 0 for |u| > 2,
  computed on a k-grid by the Fukui–Hatsugai–Suzuki lattice method. A ribbon (periodic in x,
  N_y rows) shows chiral edge states crossing the bulk gap (the Chern insulator of Fig. 10).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.validation import check_memory, require_finite, require_int_at_least

__all__ = [
    "BBHResult",
    "QWZRibbon",
    "SSHResult",
    "bbh_corner_states",
    "bbh_hamiltonian",
    "inverse_participation_ratio",
    "qwz_bloch",
    "qwz_chern_number",
    "qwz_ribbon",
    "ssh_chain",
    "ssh_hamiltonian",
    "ssh_spectrum_scan",
    "ssh_winding_number",
]

_S0 = np.eye(2, dtype=complex)
_SX = np.array([[0, 1], [1, 0]], dtype=complex)
_SY = np.array([[0, -1j], [1j, 0]], dtype=complex)
_SZ = np.array([[1, 0], [0, -1]], dtype=complex)

_MAX_DENSE = 6000  # largest dense matrix diagonalised here (≈ 0.6 GB complex)


def inverse_participation_ratio(psi: NDArray[np.complex128], orbitals: int = 1) -> float:
    """IPR = Σ_sites p_i² with p_i the probability on site i (orbitals summed).

    1/N for a state spread evenly over N sites, 1 for a state on a single site.
    """
    p = np.abs(np.asarray(psi)) ** 2
    p = p.reshape(-1, orbitals).sum(axis=1)
    p = p / p.sum()
    return float(np.sum(p**2))


# --------------------------------------------------------------------------------------- SSH
def ssh_hamiltonian(n_cells: int, v: float, w: float) -> NDArray[np.float64]:
    """Open SSH chain, site order A₁ B₁ A₂ B₂ …; intra-cell v, inter-cell w."""
    n = require_int_at_least("n_cells", n_cells, 1)
    vv = require_finite("v", v)
    ww = require_finite("w", w)
    if 2 * n > _MAX_DENSE:
        raise InvalidParameterError(f"`n_cells` = {n} is too large; use at most {_MAX_DENSE // 2}.")
    h = np.zeros((2 * n, 2 * n))
    idx = np.arange(n)
    h[2 * idx, 2 * idx + 1] = vv
    h[2 * idx[:-1] + 1, 2 * idx[:-1] + 2] = ww
    return h + h.T


def ssh_winding_number(v: float, w: float, *, n_k: int = 512) -> int:
    """Winding number of h(k) = v + w e^{ik} around the origin over the Brillouin zone.

    Sum of the wrapped phase increments / 2π: 1 for |v| < |w|, 0 for |v| > |w|; undefined
    (gap closed) at |v| = |w|, which raises :class:`InvalidParameterError`.
    """
    vv, ww = require_finite("v", v), require_finite("w", w)
    if math.isclose(abs(vv), abs(ww), rel_tol=1e-12, abs_tol=1e-15):
        raise InvalidParameterError("the SSH gap closes at |v| = |w|: the winding is undefined.")
    nk = require_int_at_least("n_k", n_k, 8)
    k = np.linspace(0.0, 2 * np.pi, nk + 1)
    h = vv + ww * np.exp(1j * k)
    dphi = np.angle(h[1:] / h[:-1])
    return round(float(dphi.sum()) / (2 * np.pi))


@dataclass(frozen=True)
class SSHResult(Recorded):
    """Spectrum of an open SSH chain and its two states closest to zero energy.

    Energies and hoppings in units t of the hopping amplitudes (the module's convention);
    ``edge_weight`` (probability on the edge cells) and ``edge_ipr`` are pure numbers."""

    n_cells: int
    v: float
    w: float
    energies: NDArray[np.float64]
    edge_energies: NDArray[np.float64]
    edge_weight: float
    edge_ipr: float
    bulk_gap: float
    winding_number: int | None  # None where the gap closes (|v| = |w|)

    _UNITS: ClassVar[dict[str, str]] = {
        "v": "t",
        "w": "t",
        "energies": "t",
        "edge_energies": "t",
        "edge_weight": "1",
        "edge_ipr": "1",
        "bulk_gap": "t",
    }

    def _title(self) -> str:
        return f"open SSH chain, {self.n_cells} cells, v = {self.v:.4g} t, w = {self.w:.4g} t"


def ssh_chain(
    n_cells: int = 20, v: float = 0.5, w: float = 1.0, *, edge_cells: int = 3
) -> SSHResult:
    """Diagonalise the open chain; report the two mid-spectrum states (energies, their weight
    on the first and last ``edge_cells`` cells, IPR), the bulk gap |v − w| ·2 … and winding.

    For v < w the two mid-spectrum energies are ±ε with ε ∝ (v/w)^N → 0 exponentially.
    """
    h = ssh_hamiltonian(n_cells, v, w)
    e, vec = np.linalg.eigh(h)
    order = np.argsort(np.abs(e))
    mid = order[:2]
    edge = require_int_at_least("edge_cells", edge_cells, 1)
    n = h.shape[0]
    mask = np.zeros(n, dtype=bool)
    mask[: 2 * edge] = True
    mask[-2 * edge :] = True
    weight = float(np.mean([np.sum(np.abs(vec[mask, j]) ** 2) for j in mid]))
    ipr = float(np.mean([inverse_participation_ratio(vec[:, j]) for j in mid]))
    vv, ww = float(v), float(w)
    try:
        wind = ssh_winding_number(vv, ww)
    except InvalidParameterError:
        wind = None
    return SSHResult(
        n_cells=int(n_cells),
        v=vv,
        w=ww,
        energies=e,
        edge_energies=np.sort(e[mid]),
        edge_weight=weight,
        edge_ipr=ipr,
        bulk_gap=2 * abs(abs(vv) - abs(ww)),
        winding_number=wind,
    )


# --------------------------------------------------------------------------------------- BBH
def ssh_spectrum_scan(
    n_cells: int = 20, w: float = 1.0, ratios: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The open chain's sorted spectrum against v/w (Fig. 10's SSH panel): ``ratios``
    (default 61 values in [0, 2]) and one row of 2N energies per ratio."""
    r = np.linspace(0.0, 2.0, 61) if ratios is None else np.asarray(ratios, dtype=float)
    scale = abs(require_finite("w", w))
    spectra = np.array([np.sort(ssh_chain(n_cells, x * scale, w).energies) for x in r])
    return r, spectra


def _bbh_gammas() -> tuple[NDArray[np.complex128], ...]:
    g4 = np.kron(_SX, _S0)
    g1 = -np.kron(_SY, _SX)
    g2 = -np.kron(_SY, _SY)
    g3 = -np.kron(_SY, _SZ)
    return g1, g2, g3, g4


def bbh_hamiltonian(
    nx: int,
    ny: int,
    *,
    gamma_x: float = 0.3,
    gamma_y: float = 0.3,
    lam_x: float = 1.0,
    lam_y: float = 1.0,
) -> NDArray[np.complex128]:
    """Real-space BBH Hamiltonian on an open nx × ny flake of 4-orbital cells.

    Built from the Bloch form: on-site γ_x Γ₄ + γ_y Γ₂, hopping to the next cell in x
    T_x = λ_x (Γ₄ − iΓ₃)/2 and in y T_y = λ_y (Γ₂ − iΓ₁)/2, so that
    H(k) = h₀ + T e^{ik} + T† e^{−ik} reproduces the module docstring.
    Index = 4 (x·ny + y) + orbital.
    """
    mx = require_int_at_least("nx", nx, 1)
    my = require_int_at_least("ny", ny, 1)
    gx, gy = require_finite("gamma_x", gamma_x), require_finite("gamma_y", gamma_y)
    lx, ly = require_finite("lam_x", lam_x), require_finite("lam_y", lam_y)
    dim = 4 * mx * my
    check_memory("BBH Hamiltonian", (dim, dim), hint="lower `nx`")
    if dim > _MAX_DENSE:
        raise InvalidParameterError(
            f"the flake has {dim} orbitals; use nx·ny ≤ {_MAX_DENSE // 4} "
            "for dense diagonalisation."
        )
    g1, g2, g3, g4 = _bbh_gammas()
    h0 = gx * g4 + gy * g2
    tx = lx * (g4 - 1j * g3) / 2
    ty = ly * (g2 - 1j * g1) / 2
    eye_x, eye_y = np.eye(mx), np.eye(my)
    sx = np.eye(mx, k=1)  # c†_x c_{x+1}
    sy = np.eye(my, k=1)
    h = np.kron(np.kron(eye_x, eye_y), h0)
    h = h + np.kron(np.kron(sx, eye_y), tx) + np.kron(np.kron(eye_x, sy), ty)
    h = h + np.kron(np.kron(sx, eye_y), tx).conj().T + np.kron(np.kron(eye_x, sy), ty).conj().T
    return h


@dataclass(frozen=True)
class BBHResult(Recorded):
    """Spectrum of an open BBH flake and its four mid-gap states.

    Energies in units t of the hopping amplitudes; ``corner_weight``, ``corner_density``
    (nx × ny, probabilities) and ``corner_ipr`` are pure numbers."""

    nx: int
    ny: int
    energies: NDArray[np.float64]
    corner_energies: NDArray[np.float64]
    corner_weight: float
    corner_density: NDArray[np.float64]
    bulk_gap: float
    corner_ipr: float

    _UNITS: ClassVar[dict[str, str]] = {
        "energies": "t",
        "corner_energies": "t",
        "corner_weight": "1",
        "corner_density": "1",
        "bulk_gap": "t",
        "corner_ipr": "1",
    }

    def _title(self) -> str:
        return f"open BBH flake, {self.nx} × {self.ny} cells"


def bbh_corner_states(
    nx: int = 10, ny: int = 10, *, gamma: float = 0.3, lam: float = 1.0, corner_cells: int = 2
) -> BBHResult:
    """Diagonalise a BBH flake (γ_x = γ_y = ``gamma``, λ_x = λ_y = ``lam``).

    Reports the four energies closest to zero, the fraction of their summed density on the
    ``corner_cells`` × ``corner_cells`` corner blocks, the density map (nx × ny, summed over
    the four states and orbitals), the gap to the next state and the states' mean IPR over
    cells (≈ 1/(number of cells a state occupies)). For |γ| < |λ| the four
    energies → 0 (exponentially in the size) and the density sits on the corners.
    """
    h = bbh_hamiltonian(nx, ny, gamma_x=gamma, gamma_y=gamma, lam_x=lam, lam_y=lam)
    e, vec = np.linalg.eigh(h)
    order = np.argsort(np.abs(e))
    mid = order[:4]
    dens = np.sum(np.abs(vec[:, mid]) ** 2, axis=1).reshape(nx, ny, 4).sum(axis=2) / 4.0
    c = require_int_at_least("corner_cells", corner_cells, 1)
    mask = np.zeros((nx, ny), dtype=bool)
    for xs in (slice(0, c), slice(nx - c, nx)):
        for ys in (slice(0, c), slice(ny - c, ny)):
            mask[xs, ys] = True
    return BBHResult(
        nx=nx,
        ny=ny,
        energies=e,
        corner_energies=np.sort(e[mid]),
        corner_weight=float(dens[mask].sum()),
        corner_density=dens,
        bulk_gap=float(np.abs(e[order[4]])),
        corner_ipr=float(np.mean([inverse_participation_ratio(vec[:, j], 4) for j in mid])),
    )


# --------------------------------------------------------------------------------------- QWZ
def qwz_bloch(kx: float, ky: float, u: float) -> NDArray[np.complex128]:
    """QWZ Bloch Hamiltonian h(k) (2 × 2)."""
    h = math.sin(kx) * _SX + math.sin(ky) * _SY + (u + math.cos(kx) + math.cos(ky)) * _SZ
    return np.asarray(h, dtype=complex)


def qwz_chern_number(u: float, *, n_k: int = 24) -> int:
    """Chern number of the lower QWZ band by the Fukui–Hatsugai–Suzuki lattice method.

    Exactly an integer on any grid fine enough that no plaquette's Berry flux exceeds π.
    The gap closes at u ∈ {−2, 0, 2}, where it is undefined (raises).
    """
    uu = require_finite("u", u)
    if min(abs(uu), abs(abs(uu) - 2.0)) < 1e-12:
        raise InvalidParameterError(
            f"the QWZ gap closes at u = {uu}: the Chern number is undefined."
        )
    nk = require_int_at_least("n_k", n_k, 4)
    ks = 2 * np.pi * np.arange(nk) / nk
    # vectorised: d-vector → lower-band eigenvector
    kx, ky = np.meshgrid(ks, ks, indexing="ij")
    dx, dy, dz = np.sin(kx), np.sin(ky), uu + np.cos(kx) + np.cos(ky)
    d = np.sqrt(dx**2 + dy**2 + dz**2)
    hs = np.stack(
        [np.stack([dz, dx - 1j * dy], -1), np.stack([dx + 1j * dy, -dz], -1)], -2
    )  # (nk, nk, 2, 2)
    _, vecs = np.linalg.eigh(hs)
    psi = vecs[..., :, 0]  # lower band
    del d

    def link(a: NDArray[np.complex128], b: NDArray[np.complex128]) -> NDArray[np.complex128]:
        z = np.sum(a.conj() * b, axis=-1)
        return np.asarray(z / np.abs(z))

    ux = link(psi, np.roll(psi, -1, axis=0))
    uy = link(psi, np.roll(psi, -1, axis=1))
    flux = np.angle(ux * np.roll(uy, -1, axis=0) * np.roll(ux, -1, axis=1).conj() * uy.conj())
    return round(float(flux.sum()) / (2 * np.pi))


@dataclass(frozen=True)
class QWZRibbon(Recorded):
    """Band structure of a QWZ ribbon, periodic in x with ``ny`` rows (open in y).

    Energies and ``u`` in units t of the hopping amplitudes, ``kx`` in 1/a (lattice
    constant a = 1)."""

    u: float
    ny: int
    kx: NDArray[np.float64]
    energies: NDArray[np.float64]  # (n_kx, 2 ny)
    edge_weight: NDArray[np.float64]  # weight of each state on the outer edge_rows rows
    bulk_gap: float
    in_gap_edge_states: int
    chern_number: int | None  # None where the bulk gap closes (u ∈ {−2, 0, 2})

    _UNITS: ClassVar[dict[str, str]] = {
        "u": "t",
        "kx": "1/a",
        "energies": "t",
        "edge_weight": "1",
        "bulk_gap": "t",
    }

    def _title(self) -> str:
        return f"QWZ ribbon, u = {self.u:.4g} t, {self.ny} rows, {len(self.kx)} k_x points"


def qwz_ribbon(u: float = -1.0, ny: int = 20, *, n_kx: int = 101, edge_rows: int = 2) -> QWZRibbon:
    """Ribbon spectrum E(k_x) with the weight of every state on the two boundary rows.

    ``bulk_gap`` is the periodic-bulk gap 2 min_k |d(k)| (grid estimate), and
    ``in_gap_edge_states`` counts states inside that gap at k_x grid points whose weight on
    the boundary rows exceeds one half (chiral edge modes for 0 < |u| < 2).
    """
    uu = require_finite("u", u)
    m = require_int_at_least("ny", ny, 2)
    nk = require_int_at_least("n_kx", n_kx, 3)
    er = require_int_at_least("edge_rows", edge_rows, 1)
    if 2 * m > _MAX_DENSE:
        raise InvalidParameterError(f"`ny` = {m} is too large; use at most {_MAX_DENSE // 2}.")
    kx = np.linspace(-np.pi, np.pi, nk)
    t = (_SZ - 1j * _SY) / 2  # c†_y c_{y+1}
    shift = np.eye(m, k=1)
    hop = np.kron(shift, t)
    hop = hop + hop.conj().T
    energies = np.empty((nk, 2 * m))
    weights = np.empty((nk, 2 * m))
    rows = np.zeros(m, dtype=bool)
    rows[:er] = True
    rows[-er:] = True
    orb_mask = np.repeat(rows, 2)
    for i, k in enumerate(kx):
        h0 = math.sin(k) * _SX + (uu + math.cos(k)) * _SZ
        h = np.kron(np.eye(m), h0) + hop
        e, vec = np.linalg.eigh(h)
        energies[i] = e
        weights[i] = np.sum(np.abs(vec[orb_mask, :]) ** 2, axis=0)
    ks = np.linspace(-np.pi, np.pi, 201)
    kxg, kyg = np.meshgrid(ks, ks)
    dmin = float(
        np.min(np.sqrt(np.sin(kxg) ** 2 + np.sin(kyg) ** 2 + (uu + np.cos(kxg) + np.cos(kyg)) ** 2))
    )
    gap = 2 * dmin
    inside = (np.abs(energies) < 0.5 * gap) & (weights > 0.5)
    try:
        chern = qwz_chern_number(uu)
    except InvalidParameterError:
        chern = None
    return QWZRibbon(
        u=uu,
        ny=m,
        kx=kx,
        energies=energies,
        edge_weight=weights,
        bulk_gap=gap,
        in_gap_edge_states=int(inside.sum()),
        chern_number=chern,
    )
