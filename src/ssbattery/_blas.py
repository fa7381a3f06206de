"""Run BLAS on one thread inside numerical kernels that make many small calls.

The propagators (Chebyshev/Lanczos vectors, small Liouvillian exponentials) issue many
small BLAS calls; a multi-threaded OpenBLAS gains nothing on them and, on a busy 2-core
machine, its spinning worker threads made them 10–100× slower (measured: a 72×72 ``expm``
0.22 s vs 3 ms; the Dicke curve at N = 128 167 s vs 1.4 s).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

__all__ = ["blas_threads", "one_blas_thread", "one_openmp_thread", "single_threaded"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


@functools.cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # scans the loaded libraries once


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Context manager: BLAS limited to one thread inside the block (nothing is set or
    restored where every BLAS already runs one thread: a caller's own limit, or nested
    regions; setting and restoring it costs ~10 µs, 2 % of the smallest open-battery runs)."""
    ctl = _controller()
    if all(lib.num_threads == 1 for lib in ctl.lib_controllers if lib.user_api == "blas"):
        yield
        return
    with ctl.limit(limits=1, user_api="blas"):
        yield


@contextlib.contextmanager
def blas_threads(threads: int) -> Iterator[None]:
    """Context manager: BLAS limited to ``threads`` threads inside the block (for the few
    large products worth threading inside a :func:`one_blas_thread` region)."""
    with _controller().limit(limits=max(1, int(threads)), user_api="blas"):
        yield


@contextlib.contextmanager
def one_openmp_thread() -> Iterator[None]:
    """Context manager: OpenMP (scikit-learn's histogram gradient boosting) on one thread
    inside the block. On the busy 2-core machine its spinning threads made a boosting fit on
    100 rows take 24 s instead of ~1 s (binning alone 24 s, measured with cProfile). The
    libraries are scanned at each entry: scikit-learn's libgomp may load after the cached
    BLAS controller was built."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def single_threaded(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorator: run ``func`` inside :func:`one_blas_thread`."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with one_blas_thread():
            return func(*args, **kwargs)

    return wrapper
