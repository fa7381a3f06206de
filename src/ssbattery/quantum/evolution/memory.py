"""The memory a closed evolution holds at its peak, by method, and its predicted time
(for the whole-run guards).

:func:`add_evolution_memory` adds to a :class:`~ssbattery.validation.MemoryEstimate` what
:meth:`~ssbattery.quantum.evolution.Evolver.run` holds together while it propagates: the
Hamiltonian, the state and its copies, the propagator's work vectors (Chebyshev terms up to
its ``memory_mb`` budget, the Lanczos basis and its output batch, Eigh's eigenvectors), the
blocks of output states handed to the observables, and the states stored for every time.
The counts follow the code of each method (``chebyshev.py``, ``lanczos.py``, ``eigh.py``);
``benchmarks/bench_reliability.py`` compares the total with the measured peak.
"""

from __future__ import annotations

import numpy as np

from ssbattery.quantum.evolution.base import Method
from ssbattery.quantum.evolution.chebyshev import _GLOBAL_CHUNK, Chebyshev, _terms_for
from ssbattery.quantum.evolution.csr_kernels import THREADED_MIN_NNZ
from ssbattery.quantum.evolution.eigh import Eigh
from ssbattery.quantum.evolution.kernels import prefers_dense
from ssbattery.quantum.evolution.lanczos import Lanczos
from ssbattery.validation import MemoryEstimate

__all__ = ["add_evolution_memory", "chebyshev_terms_estimate", "check_evolution_cost"]

#: Seconds per stored element of H in one sparse product, and per vector entry of the
#: surrounding vector work (one core, measured on the spin chain and the Dicke model).
_SECONDS_PER_NNZ, _SECONDS_PER_ENTRY = 5e-9, 2e-8

#: Bytes per stored element of a CSR array: the value (8 real / 16 complex) + a 4-byte index.
_CSR_REAL, _CSR_COMPLEX = 12, 20


def chebyshev_terms_estimate(x: float, tol: float) -> int:
    """Terms a Chebyshev expansion of e^{−ix·cos θ} needs for accuracy ``tol`` (x = r·t).

    Exact (the Bessel tail) up to x = 1e5, the asymptote x + 12 x^{1/3} + 60 above it (a
    table of Bessel values that long would itself cost memory).
    """
    if x <= 1e5:
        return int(_terms_for(np.array([x]), tol)[0]) + 1
    return int(x + 12.0 * x ** (1.0 / 3.0) + 60)


def add_evolution_memory(
    est: MemoryEstimate,
    phase: str,
    *,
    n: int,
    nnz: int | None,
    method: Method | None,
    n_times: int,
    t_max: float,
    radius: float,
    m: int = 1,
    real: bool = True,
    store_states: bool = False,
    e_ops_nnz: int = 0,
) -> MemoryEstimate:
    """Add the evolution of ``m`` kets of dimension ``n`` to ``n_times`` output times up to
    ``t_max`` to ``est`` under ``phase``.

    ``nnz`` is H's number of stored elements (None: dense), ``radius`` its spectral
    half-width (Chebyshev's terms grow as radius × t_max), ``real`` whether H and the state
    are real (Chebyshev then keeps real vectors), ``e_ops_nnz`` the stored elements of the
    observables. ``method`` None means the default choice, not known before H exists: the
    larger of the Chebyshev and Lanczos needs is counted.
    """
    if nnz is None:
        est.add(phase, "Hamiltonian (dense)", (n, n), bytes_per_element=8 if real else 16)
    else:
        est.add(
            phase, "Hamiltonian (CSR)", nnz, bytes_per_element=_CSR_REAL if real else _CSR_COMPLEX
        )
    if e_ops_nnz:
        est.add(phase, "observables (CSR)", e_ops_nnz, bytes_per_element=_CSR_REAL)
    est.add(phase, "state, final state and products", (4, n, m))
    if store_states:
        est.add(phase, "states stored for every time", (n_times, n, m))
    if method is None and prefers_dense(n):
        method = Eigh()  # the default for small spaces (Evolver.method_for)
    if method is None:
        work = max(
            _work_bytes(Chebyshev(tol=1e-12), n, m, n_times, radius * t_max, real, e_ops_nnz > 0),
            _work_bytes(Lanczos(), n, m, n_times, radius * t_max, real, e_ops_nnz > 0),
        )
    else:
        work = _work_bytes(method, n, m, n_times, radius * t_max, real, e_ops_nnz > 0)
    est.add(phase, "propagator work vectors", work, bytes_per_element=1)
    threaded = (method is None or isinstance(method, Chebyshev)) and getattr(
        method, "threads", None
    ) != 1
    if nnz is not None and (method is None or isinstance(method, Chebyshev)):
        # Chebyshev's scaled copy 2(H − a)/r, diagonal included.
        est.add(
            phase,
            "scaled copy of H (Chebyshev)",
            nnz + n,
            bytes_per_element=_CSR_REAL if real else _CSR_COMPLEX,
        )
    if nnz is not None and real and nnz >= THREADED_MIN_NNZ and threaded:
        # The threaded recurrence's one-byte-coded copy (csr_kernels.CodedCSR).
        est.add(phase, "coded copy of H (threaded recurrence)", nnz, bytes_per_element=5)
    return est


def _work_bytes(
    method: Method, n: int, m: int, n_times: int, x: float, real: bool, e_ops: bool
) -> float:
    """Bytes of the method's own arrays while it propagates (see the module docstring);
    ``e_ops``: observables are applied to each output block (two more copies of it)."""
    copies = 3.0 if e_ops else 1.0
    if isinstance(method, Eigh):
        # eigenvectors and a dense copy of H (complex), the rotated state block
        return 3.0 * n * n * 16 + 2.0 * n * m * 16
    if isinstance(method, Chebyshev):
        budget = method.memory_mb * 1024**2
        K = chebyshev_terms_estimate(x, method.tol)
        per_vector = n * m * (8 if real else 16)
        # Terms (capped by the budget) + one chunk of outputs with its transposes and
        # products in the observables + the Bessel table of the output times.
        vectors = min(K * per_vector, budget)
        # Outputs evaluated together: a chunk of the single real expansion, or a block of
        # up to max_block times once the expansion restarts from complex states.
        single = real and (K + 8 * _GLOBAL_CHUNK) * per_vector <= budget
        chunk = _GLOBAL_CHUNK if single else min(int(method.max_block), max(n_times, 1))
        outputs = copies * chunk * n * m * 16
        bessel = float(n_times) * min(K, 10**7) * 8
        return vectors + outputs + bessel
    if isinstance(method, Lanczos):
        basis = int(method.krylov_dim) * 2.0 * n * 8
        batch = copies * int(method.batch) * n * 16  # the states (and e_ops' copies)
        gathered = float(n_times) * n * m * 16 if m > 1 else 0.0
        return basis + batch * m + gathered
    # Taylor / dense exponential: a few dense or vector temporaries.
    return 6.0 * n * m * 16


def check_evolution_cost(
    *, n: int, nnz: int, radius: float, t_max: float, hint: str, what: str = "products"
) -> None:
    """Refuse (or announce) an evolution whose predicted time is far beyond the usual.

    A Chebyshev expansion needs ≈ ``radius`` × ``t_max`` products with H (an upper bound for
    Lanczos, whose count follows the state's narrower energy spread); each costs about
    5 ns per stored element plus 20 ns per vector entry. Small spaces are diagonalised
    once (Eigh), whatever ``t_max``: nothing to refuse. See
    :func:`ssbattery.validation.check_cost` for the limit and the notice.
    """
    from ssbattery.validation import check_cost

    if prefers_dense(n):  # Eigh: one diagonalisation serves every time, however late
        return
    products = float(radius) * float(t_max) + 60.0
    seconds = products * (nnz * _SECONDS_PER_NNZ + n * _SECONDS_PER_ENTRY)
    check_cost(f"≈ {products:.2g} {what} with a {n}-state H", seconds, hint=hint)
