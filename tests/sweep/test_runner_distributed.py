"""The sweep engine on Dask and under faults (issue 10 §2–3): a LocalCluster of 2 worker
processes gives the in-process results exactly; a scheduler started as a separate process
is reached by its address; a Dask worker killed mid-way and a driver SIGKILLed mid-way
both end, after resuming, in the store an uninterrupted run writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ssbattery.sweep import open_dataset, run

SPEC: dict[str, Any] = {
    "model": "dicke",
    "fixed": {"coupling": 0.4, "steps": 40},
    "sweep": {"n_atoms": [2, 3, 4, 5, 6, 8], "drive": [0.0, 0.2]},
}
OUTPUTS = ("power_max", "t_power_max", "energy_max", "energy", "power", "ergotropy", "times")


@pytest.fixture(scope="module")
def reference() -> Any:
    return run(SPEC).dataset


def _assert_same(ds: Any, ref: Any) -> None:
    assert (ds["status"] == 1).all()
    for name in OUTPUTS:
        np.testing.assert_array_equal(ds[name].values, ref[name].values, err_msg=name)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_local_cluster_of_two_processes_equals_in_process(client: Any, reference: Any) -> None:
    result = run(SPEC, client=client)
    assert result.executor.startswith("dask ") and "(2 workers)" in result.executor
    _assert_same(result.dataset, reference)
    hosts = result.dataset.attrs["hosts"]
    assert len(hosts) == 2  # both worker processes computed points


def test_workers_run_blas_on_one_thread(client: Any) -> None:
    """Issue 10 §3: the LocalCluster's workers are single-threaded, BLAS included."""

    def blas_threads() -> int:
        from threadpoolctl import threadpool_info

        return max(
            (i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1
        )

    assert set(client.run(blas_threads).values()) == {1}
    assert set(client.nthreads().values()) == {1}


def test_own_local_cluster_keeps_glibc_malloc_and_preloads_the_entries(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cluster ``run(..., workers=n)`` starts (``runner.local_client``): its workers do
    not get Dask's MALLOC_TRIM_THRESHOLD_ (which switches glibc's dynamic mmap threshold off
    and made a Dicke point 1.2× slower), even after a default LocalCluster in this process
    exported it into os.environ (the ``client`` fixture did); a value the user exported
    is kept; the registered entries are imported while the worker starts."""
    import dask

    from ssbattery.sweep.runner import close_client, local_client

    trim = "MALLOC_TRIM_THRESHOLD_"
    dask_value = str(dask.config.get(f"distributed.nanny.pre-spawn-environ.{trim}"))
    assert os.environ.get(trim) == dask_value  # left behind by the default cluster

    def worker_state() -> tuple[str | None, bool]:
        return os.environ.get(trim), "ssbattery.sweep.models" in sys.modules

    own = local_client(1)
    try:
        assert list(own.run(worker_state).values()) == [(None, True)]
    finally:
        close_client(own)
    assert os.environ.get(trim) == dask_value  # the driver's environment is restored
    monkeypatch.setenv(trim, "262144")
    own = local_client(1)
    try:
        assert list(own.run(worker_state).values()) == [("262144", True)]
    finally:
        close_client(own)


def test_run_with_workers_starts_and_stops_its_own_cluster(reference: Any) -> None:
    result = run(SPEC, workers=2)
    assert "(2 workers)" in result.executor
    _assert_same(result.dataset, reference)
    t = result.timings
    assert set(t) == {"prepare_s", "cluster_wait_s", "compute_s", "finish_s"}
    assert min(t.values()) >= 0.0 and t["compute_s"] == result.wall_s


def test_small_points_are_batched_into_fewer_tasks(client: Any) -> None:
    # alignment points take a fraction of a millisecond: after one calibrating point per
    # task slot they travel in batches, so far fewer tasks than points reach the scheduler
    spec = {
        "model": "align",
        "fixed": {"mu_cathode": -4.65},
        "sweep": {"mu_anode": [-3.0 + 0.02 * k for k in range(60)]},
    }
    result = run(spec, client=client, task_seconds=0.5)
    tasks = result.dataset.attrs["runs"][-1]["tasks"]
    assert result.complete and tasks < 30
    local = run(spec).dataset
    assert local.attrs["runs"][-1]["tasks"] == 60  # in-process: one point at a time
    np.testing.assert_array_equal(result.dataset["cell_voltage"], local["cell_voltage"])
    np.testing.assert_allclose(local["cell_voltage"], local["mu_anode"] + 4.65, atol=1e-12)


def test_a_worker_killed_mid_way_loses_nothing(client: Any, reference: Any, tmp_path: Path) -> None:
    pids = list(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_one(p: Any) -> None:
        if p.done >= 2 and not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    result = run(SPEC, client=client, store=tmp_path / "w.zarr", progress=kill_one)
    assert killed
    assert result.complete and result.computed == 12
    _assert_same(open_dataset(tmp_path / "w.zarr"), reference)


def _wait_for(path: Path, timeout: float = 60.0) -> None:
    end = time.time() + timeout
    while not path.exists():
        if time.time() > end:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.2)


def test_a_scheduler_process_reached_by_address(reference: Any, tmp_path: Path) -> None:
    info = tmp_path / "scheduler.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--dashboard-address",
            ":0",
            "--scheduler-file",
            str(info),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        _wait_for(info)
        address = json.loads(info.read_text())["address"]
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--no-dashboard",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(1, timeout=60)
        result = run(SPEC, scheduler=address)
        assert address in result.executor
        _assert_same(result.dataset, reference)
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)


def test_driver_sigkilled_mid_way_resumes_to_the_same_store(tmp_path: Path) -> None:
    import zarr

    spec = tmp_path / "s.toml"
    spec.write_text(
        'model = "dicke"\n[fixed]\ncoupling = 0.4\nsteps = 200\n'
        "[sweep]\nn_atoms = [4, 6, 8, 10, 12, 16]\ndrive = [0.0, 0.2]\n"
    )
    store = tmp_path / "s.zarr"
    driver = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ssbattery.cli import main; main()",
            "sweep",
            str(spec),
            "--store",
            str(store),
            "--flush-seconds",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    done = 0
    end = time.time() + 120
    try:
        while time.time() < end and driver.poll() is None:
            if (store / "status" / "zarr.json").exists():
                done = int((zarr.open_group(str(store), mode="r")["status"][...] == 1).sum())
                if done >= 2:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the driver finished before it could be killed")
        driver.send_signal(signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
    status = zarr.open_group(str(store), mode="r")["status"][...]
    before = int((status == 1).sum())
    assert 2 <= before < 12  # killed mid-way, with points already stored
    resumed = run(spec, store=store)
    assert resumed.computed == 12 - before  # nothing recomputed, nothing lost
    _assert_same(open_dataset(store), run(spec).dataset)


_CRASHING_MODEL = """
import os

from ssbattery.sweep import ModelEntry, Output, Param, entry_names, register


def _solve(p):
    if p["x"] == 3:
        os._exit(1)  # the worker process dies, as on an out-of-memory kill
    return {"square": float(p["x"]) ** 2}


if "test-crash" not in entry_names():
    register(
        ModelEntry(
            name="test-crash",
            summary="x²; x = 3 kills the worker process",
            params=(Param("x", "int", None, required=True),),
            outputs=(Output("square", "", "x²"),),
            build=dict,
            solve=_solve,
            extract=lambda r: r,
        )
    )
"""


def test_a_point_that_kills_every_worker_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path,
) -> None:
    import runpy

    from distributed import Client, LocalCluster

    module = tmp_path / "crash_model.py"
    module.write_text(_CRASHING_MODEL)
    runpy.run_path(str(module))  # the driver validates the spec against the same entry
    # the first four tasks hold one point each; x = 3 then comes in a batch with x = 6
    spec = {"model": "test-crash", "sweep": {"x": [1, 2, 4, 5, 6, 3, *range(7, 13)]}}
    store = tmp_path / "c.zarr"
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            preload=[str(module)],
        ) as cluster,
        Client(cluster) as c,
    ):
        result = run(spec, client=c, store=store, task_seconds=10.0)
    # x = 3 took its worker down on every try (Dask's KilledWorker); before, that ended the
    # whole sweep with a traceback, x = 3 left pending and the points after it never run
    assert result.total == 12 and result.done == 11 and result.computed == 12
    ((where, message),) = result.failures
    assert where == "x=3" and message.startswith("KilledWorker: every Dask worker")
    ds = open_dataset(store)
    assert ds["status"].values.tolist() == [1, 1, 1, 1, 1, 2, *[1] * 6]
    expected = [1.0, 4.0, 16.0, 25.0, 36.0, np.nan, *(float(x) ** 2 for x in range(7, 13))]
    np.testing.assert_array_equal(ds["square"].values, expected)
    assert ds.attrs["failures"] == {"5": message}
    # the batch holding x = 3 was split: x = 6, its batch-mate, is done and counted once
    assert ds.attrs["runs"][-1]["tasks"] >= 6
