"""Run a sweep: in-process, on a local Dask cluster, or on an existing Dask scheduler.

:func:`run` validates the spec, opens (or resumes) the store, and computes only the points
not yet done. Points are grouped into tasks of about ``task_seconds`` each, calibrated on
the first points' measured wall time against the model's cost estimate, so small points do
not drown in scheduling overhead while a large point (Dicke at N = 512) is a task of its
own. Each task runs with one BLAS thread. A point that raises is recorded as failed with its
message, and so is a point that takes down every Dask worker that runs it; the sweep goes
on and a rerun retries it.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import socket
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ssbattery.errors import InvalidParameterError
from ssbattery.results import Recorded
from ssbattery.sweep.spec import SweepSpec, load_spec
from ssbattery.sweep.store import DONE, FAILED, ResultStore

__all__ = [
    "PointOutcome",
    "SweepProgress",
    "SweepResult",
    "close_client",
    "compute_points",
    "local_client",
    "run",
]


@dataclass(frozen=True)
class PointOutcome:
    """What one point returns to the driver: outputs (None if it failed) and provenance."""

    index: tuple[int, ...]
    outputs: dict[str, Any] | None
    error: str | None
    warnings: tuple[str, ...]
    start: float
    finish: float
    host: str


@dataclass(frozen=True)
class SweepProgress:
    """Counts for the progress bar: points done, failed, remaining, and the ETA (s)."""

    total: int
    done: int
    failed: int
    remaining: int
    elapsed_s: float
    eta_s: float | None


@dataclass(frozen=True)
class SweepResult(Recorded):
    """A finished (or partly finished) sweep: the Dataset and what this run did.

    ``failures`` lists ``(point, message)`` for every point that failed (this run or an
    earlier one, not retried successfully); ``computed`` counts the points this run ran.
    ``wall_s`` is the time from the first point submitted to the last result taken;
    ``timings`` splits the whole call into ``prepare_s`` (points built, store opened),
    ``cluster_wait_s`` (waiting for a local cluster still starting after that),
    ``compute_s`` (= ``wall_s``) and ``finish_s`` (last flush, cluster shut down), seconds.
    """

    dataset: Any
    store: str
    total: int
    done: int
    failures: tuple[tuple[str, str], ...]
    computed: int
    skipped: int
    wall_s: float
    executor: str
    warnings: tuple[tuple[str, str], ...] = field(default=())
    timings: Mapping[str, float] = field(default_factory=dict)

    _UNITS: ClassVar[dict[str, str]] = {"wall_s": "wall [s]", "timings": "timings [s]"}
    _OMIT: ClassVar[frozenset[str]] = frozenset({"dataset"})

    @property
    def complete(self) -> bool:
        """True when every point is done."""
        return self.done == self.total

    def summary(self) -> str:
        """Deprecated: ``str(result)``."""
        from ssbattery._deprecation import warn_renamed

        warn_renamed("SweepResult.summary()", "str(SweepResult)")
        return str(self)

    def __str__(self) -> str:
        """A few lines: counts, the store, and each failure with its message."""
        lines = [
            f"{self.done}/{self.total} points done, {len(self.failures)} failed; "
            f"{self.computed} computed now, {self.skipped} already in {self.store} "
            f"({self.wall_s:.1f} s, {self.executor})."
        ]
        lines += [f"  failed: {where}: {msg}" for where, msg in self.failures]
        return "\n".join(lines)


def compute_points(
    model: str,
    points: Sequence[tuple[tuple[int, ...], Mapping[str, Any]]],
    *,
    reraise: bool = False,
    limit_blas: bool = True,
) -> list[PointOutcome]:
    """Run ``points`` (index, full parameter set) of ``model`` one after another.

    This is the task a Dask worker runs (a module-level function so that it pickles). BLAS
    is limited to one thread; each point's warnings are recorded, and an exception becomes a
    failed outcome with ``"Type: message"``. With ``reraise`` (in-process library use) the
    exception propagates and the warnings are re-emitted with their own category.
    ``limit_blas`` False: the caller already holds the one-thread limit (setting it costs
    milliseconds, as much as a small point).
    """
    from ssbattery._blas import one_blas_thread
    from ssbattery.sweep.registry import get_entry

    entry = get_entry(model)
    host = f"{socket.gethostname()}:{os.getpid()}"
    out = []
    with one_blas_thread() if limit_blas else contextlib.nullcontext():
        for index, values in points:
            start = time.time()
            outputs, error = None, None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    outputs = entry.compute(values)
                except Exception as exc:  # a failed point is data, not a crash
                    if reraise:
                        raise
                    error = f"{type(exc).__name__}: {exc}"
            if reraise:
                for w in caught:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            msgs = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
            out.append(PointOutcome(index, outputs, error, msgs, start, time.time(), host))
    return out


def run(
    spec: SweepSpec | str | Path | Mapping[str, Any],
    *,
    store: str | Path | Any | None = None,
    client: Any | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[SweepProgress], None] | None = None,
    task_seconds: float = 0.5,
    flush_seconds: float = 1.0,
    on_error: str = "record",
) -> SweepResult:
    """Run ``spec`` and return the results; with ``store`` (a ``.zarr`` path) they persist.

    Args:
        spec: a :class:`SweepSpec`, a TOML file or text, or a dict (see
            :mod:`ssbattery.sweep.spec`); validated whole before anything runs.
        store: a Zarr folder path (created, or resumed when it was written by the same spec;
            refused when written by another), a Zarr store object, or None (in memory).
        client: a ``distributed.Client`` to run on. Alternatively ``workers`` starts a
            ``LocalCluster`` of that many single-threaded worker processes, and
            ``scheduler`` connects to a running scheduler (``tcp://host:8786``). With none
            of them the points run in this process.
        progress: called with a :class:`SweepProgress` after each finished point.
        task_seconds: target duration of one task (points are batched up to it).
        flush_seconds: the store is written at most this often (and at the end), and
            never more than 5 % of the run's time; 0 writes after every point.
        on_error: "record" (a failed point is stored as failed and the sweep goes on) or
            "raise" (for library functions built on the engine: the first failure raises,
            in-process with its own exception, and each point's warnings are re-emitted).

    Returns:
        A :class:`SweepResult`; ``result.dataset`` is the :class:`xarray.Dataset`.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    else:
        spec.validate()
    chosen = sum(x is not None for x in (client, workers, scheduler))
    if chosen > 1:
        raise InvalidParameterError("give only one of `client`, `workers` and `scheduler`.")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1
    ):
        raise InvalidParameterError(f"`workers` must be an integer ≥ 1, got {workers!r}.")
    for name, value in (("task_seconds", task_seconds), ("flush_seconds", flush_seconds)):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise InvalidParameterError(f"`{name}` must be a number ≥ 0, got {value!r}.")
    if on_error not in ("record", "raise"):
        raise InvalidParameterError(f"`on_error` must be 'record' or 'raise', got {on_error!r}.")
    args = (spec, store, client, workers, scheduler, progress, task_seconds, flush_seconds)
    if isinstance(store, str | Path):
        from ssbattery.io import file_lock

        if not Path(store).parent.is_dir():
            raise InvalidParameterError(
                f"`store` {store}: folder {Path(store).parent} does not exist; create it first."
            )

        # a second driver on the same store is refused (FileBusyError) instead of colliding;
        # the lock sits by the real folder, so a second path to it (a link) is refused too
        with file_lock(Path(store).resolve(), option="store"):
            return _execute(*args, on_error)
    return _execute(*args, on_error)


def _execute(
    spec: SweepSpec,
    store: str | Path | Any | None,
    client: Any | None,
    workers: int | None,
    scheduler: str | None,
    progress: Callable[[SweepProgress], None] | None,
    task_seconds: float,
    flush_seconds: float,
    on_error: str,
) -> SweepResult:
    """The body of :func:`run` (arguments checked, the store locked)."""
    # a local cluster starts (1–3 s: spawning, imports) while this process builds the points
    # and opens the store; it is closed again if that fails
    t_call = time.perf_counter()
    starting = _in_background(local_client, int(workers)) if workers is not None else None
    own_client = None
    try:
        entry = spec.entry
        indices = list(spec.indices())
        values = {ix: spec.point(ix) for ix in indices}
        built = spec.built()
        sizes: dict[str, int] = {d: 0 for d in entry.dims()}
        for p in built.values():
            for d, n in entry.sizes(p).items():
                sizes[d] = max(sizes[d], int(n))
        results = ResultStore.open(spec, store, sizes)
        todo = results.pending()
        skipped = len(indices) - len(todo)
        cost = {ix: max(float(entry.cost(built[ix])), 1e-12) for ix in todo}
        t_prepared = time.perf_counter()
        if starting is not None:
            own_client = client = starting.result()
        elif scheduler is not None:
            own_client = client = _remote_client(scheduler)
        executor = "in-process" if client is None else _describe(client)
        results.begin_run(executor)
    except BaseException:
        with contextlib.suppress(Exception):
            if starting is not None:
                close_client(starting.result())
            elif own_client is not None:
                close_client(own_client)
        raise
    reraise = on_error == "raise"
    t0 = time.perf_counter()
    tracker = _Tracker(len(indices), int((results.status == DONE).sum()), progress, t0)
    # [time of the last flush, its duration]: the store is written at most every
    # flush_seconds and at most 5 % of the time (a flush costs tens of ms on a busy machine)
    last_flush = [time.perf_counter(), 0.0]

    def take(outcomes: list[PointOutcome]) -> None:
        for o in outcomes:
            if o.error is not None and on_error == "raise":
                raise InvalidParameterError(f"point {spec.describe(o.index)}: {o.error}")
            results.record(
                o.index,
                outputs=o.outputs,
                error=o.error,
                warnings=o.warnings,
                start=o.start,
                finish=o.finish,
                host=o.host,
            )
            tracker.point(o.error is None, len(todo))
        now = time.perf_counter()
        gap = 0.0 if flush_seconds == 0 else max(flush_seconds, 20.0 * last_flush[1])
        if now - last_flush[0] >= gap:
            results.flush()
            last_flush[:] = [time.perf_counter(), time.perf_counter() - now]

    try:
        if client is None:
            from ssbattery._blas import one_blas_thread

            results.runs[-1]["tasks"] = len(todo)
            with one_blas_thread():  # once for the whole loop
                for ix in todo:
                    point = [(ix, values[ix])]
                    take(compute_points(spec.model, point, reraise=reraise, limit_blas=False))
        else:
            results.runs[-1]["tasks"] = 0
            _run_distributed(
                client, spec.model, todo, values, cost, task_seconds, take, results.runs[-1]
            )
    finally:
        t_computed = time.perf_counter()
        # the cluster shuts down (≈ 0.5 s) while the last results are written
        closing = None if own_client is None else _in_background(close_client, own_client)
        results.runs[-1]["finish"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        results.runs[-1]["computed"] = tracker.seen
        results.flush()
        if closing is not None:
            closing.result()
        t_finished = time.perf_counter()
    failures = tuple(
        (spec.describe(_unravel(int(k), spec.shape)), msg)
        for k, msg in sorted(results.failures.items(), key=lambda kv: int(kv[0]))
        if results.status.reshape(-1)[int(k)] == FAILED
    )
    warned = tuple(
        (spec.describe(_unravel(int(k), spec.shape)), "; ".join(msgs))
        for k, msgs in sorted(results.warnings.items(), key=lambda kv: int(kv[0]))
    )
    return SweepResult(
        dataset=results.dataset(),
        store=results.location,
        total=len(indices),
        done=int((results.status == DONE).sum()),
        failures=failures,
        computed=tracker.seen,
        skipped=skipped,
        wall_s=t_computed - t0,
        executor=executor,
        warnings=warned,
        timings={
            "prepare_s": t_prepared - t_call,
            "cluster_wait_s": t0 - t_prepared,
            "compute_s": t_computed - t0,
            "finish_s": t_finished - t_computed,
        },
    )


def _in_background(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` started in a thread of its own; returns its ``concurrent.futures.Future``."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssbattery-sweep")
    try:
        return pool.submit(fn, *args)
    finally:
        pool.shutdown(wait=False)


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    import numpy as np

    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


class _Tracker:
    """Counts points and reports :class:`SweepProgress` (ETA from this run's rate)."""

    def __init__(
        self, total: int, done: int, callback: Callable[[SweepProgress], None] | None, t0: float
    ) -> None:
        self.total, self.done, self.failed, self.seen = total, done, 0, 0
        self.callback, self.t0 = callback, t0
        self.report(total - done)

    def point(self, ok: bool, todo: int) -> None:
        self.seen += 1
        if ok:
            self.done += 1
        else:
            self.failed += 1
        self.report(todo - self.seen)

    def report(self, remaining: int) -> None:
        if self.callback is None:
            return
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / self.seen * remaining if self.seen else None
        self.callback(SweepProgress(self.total, self.done, self.failed, remaining, elapsed, eta))


def _run_distributed(
    client: Any,
    model: str,
    todo: list[tuple[int, ...]],
    values: Mapping[tuple[int, ...], Mapping[str, Any]],
    cost: Mapping[tuple[int, ...], float],
    task_seconds: float,
    take: Callable[[list[PointOutcome]], None],
    log: dict[str, Any],
) -> None:
    """Submit batches of points, at most two tasks per worker in flight; batch sizes follow
    the measured seconds per unit of cost (the first tasks hold one point each). The number
    of tasks goes to ``log["tasks"]``.

    A task that fails as a whole (its worker died on every try, Dask's ``KilledWorker``,
    e.g. a point beyond the worker's memory; or an error outside the per-point guard) does
    not end the sweep: a batch is split and its points rerun one per task, and a point that
    fails alone is recorded as failed with the task's error. A lone point lost to
    ``KilledWorker`` is first rerun once more in isolation, with no other task in flight:
    Dask counts a worker's death against every task waiting on that worker, so a point
    queued beside one that crashes its workers can be "killed" without fault (seen under
    load: 10 of 11 innocent points done instead of 11)."""
    from concurrent.futures import CancelledError

    from distributed import as_completed

    n_workers = max(1, len(client.nthreads()))  # every worker (scheduler_info truncates)
    queue = sorted(todo, key=lambda ix: -cost[ix])  # largest first balances the tail
    alone: list[tuple[int, ...]] = []  # points of a failed batch, rerun one per task
    isolated: list[tuple[int, ...]] = []  # lone points lost to KilledWorker, rerun by themselves
    retried: set[tuple[int, ...]] = set()
    rates: list[float] = []

    def next_batch() -> list[tuple[tuple[int, ...], Mapping[str, Any]]]:
        batch: list[tuple[tuple[int, ...], Mapping[str, Any]]] = []
        if alone or not rates or not queue:
            ix = (alone or queue or isolated).pop(0)
            return [(ix, values[ix])]
        rate = sorted(rates)[len(rates) // 2]
        cap = max(1, math.ceil(len(queue) / (2 * n_workers)))
        est = 0.0
        while (
            queue
            and len(batch) < cap
            and (not batch or est + rate * cost[queue[0]] <= task_seconds)
        ):
            ix = queue.pop(0)
            est += rate * cost[ix]
            batch.append((ix, values[ix]))
        return batch

    pool = as_completed()
    batches: dict[Any, list[tuple[int, ...]]] = {}

    def submit() -> None:
        batch = next_batch()
        future = client.submit(compute_points, model, batch, pure=False)
        batches[future.key] = [ix for ix, _ in batch]
        pool.add(future)
        log["tasks"] += 1

    for _ in range(min(len(queue), 2 * n_workers)):
        submit()
    for future in pool:
        batch = batches.pop(future.key)
        try:
            outcomes = future.result()
        except CancelledError:  # the client or the scheduler went away: not a point's fault
            raise
        except Exception as exc:
            if len(batch) > 1:
                alone.extend(batch)
                outcomes = []
            elif type(exc).__name__ == "KilledWorker" and batch[0] not in retried:
                retried.add(batch[0])
                isolated.append(batch[0])
                outcomes = []
            else:
                outcomes = [_task_failure(batch[0], exc)]
        for o in outcomes:
            if o.error is None:
                rates.append((o.finish - o.start) / cost[o.index])
        take(outcomes)
        if queue or alone or (isolated and not batches):
            submit()


def _task_failure(index: tuple[int, ...], exc: Exception) -> PointOutcome:
    """The failed outcome of a point whose whole task failed on the cluster."""
    message = f"{type(exc).__name__}: {exc}"
    if type(exc).__name__ == "KilledWorker":
        message = (
            "KilledWorker: every Dask worker that ran this point died (out of memory, or a "
            f"crash in native code); see the workers' logs. Dask said: {exc}"
        )
    now = time.time()
    return PointOutcome(index, None, message, (), now, now, "(worker lost)")


#: The environment variable Dask's nanny sets in every worker it spawns, and its value.
_TRIM = "MALLOC_TRIM_THRESHOLD_"


def local_client(n_workers: int) -> Any:
    """A ``distributed.Client`` on a new LocalCluster of ``n_workers`` single-threaded worker
    processes, set up for numerical points (what ``run(..., workers=n)`` starts).

    - One thread per worker and one BLAS thread (OMP/OpenBLAS/MKL variables).
    - Each worker imports the registered entries (``ssbattery.sweep.models``) while it
      starts, so the first task does not pay the import (0.4–0.5 s per worker).
    - Workers keep glibc's own malloc tuning: Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_ =
      65536`` to hand freed memory back to the OS sooner, and setting it switches off glibc's
      dynamic mmap threshold, so every array above 128 KiB (a propagator's block of work
      vectors) becomes an mmap/munmap pair of freshly zeroed pages on every call. Measured on
      a Dicke N = 24 point (4000 steps): 1.03–1.10 s thread CPU time in a script, 1.20–1.27 s
      in the same script with that variable, 1.30–1.45 s in a default Dask worker and
      1.11–1.16 s in a worker without it (benchmarks/bench_sweep.py has the sweep figures).
      A value the user exported before Dask's nanny could set it is kept.

    The caller closes it with :func:`close_client`.
    """
    import dask
    from distributed import Client, LocalCluster

    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    dask_value = dask.config.get(f"distributed.nanny.pre-spawn-environ.{_TRIM}", None)
    # an earlier default LocalCluster in this process exported Dask's value into
    # os.environ (the nanny does that before spawning), and spawned workers inherit it
    inherited = os.environ.get(_TRIM)
    from_dask = inherited is not None and dask_value is not None and inherited == str(dask_value)
    if from_dask:
        del os.environ[_TRIM]
    try:
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{_TRIM}": None}):
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                env=env,
                preload=["ssbattery.sweep.models"],
            )
    finally:
        if from_dask and inherited is not None:
            os.environ[_TRIM] = inherited
    return Client(cluster)


def _remote_client(address: str) -> Any:
    from distributed import Client

    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InvalidParameterError(
            f"`scheduler` {address!r}: no Dask scheduler answers there ({exc}); start one with "
            "`dask scheduler` and give the address it prints (tcp://HOST:8786)."
        ) from None


def _describe(client: Any) -> str:
    n = len(client.nthreads())
    return f"dask {client.scheduler.address} ({n} workers)"


def close_client(client: Any) -> None:
    """Close ``client`` and the cluster it started (if any)."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
