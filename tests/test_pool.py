"""Tests of pool: forked workers with one warm kernel each, known to the pool, stopped cleanly."""

import os
import time
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from nnsimple_lab import pool, sweep
from nnsimple_lab.grid import load_grid
from tests.projectcopy import alive, children, copy_project, wait_gone


def kernel_of_this_worker():
    """(pid of the worker's warm kernel, notebooks it executed); submitted to a WorkerPool."""
    kernel = pool.current().kernel
    return (kernel.pid, kernel.notebooks) if kernel else None


@pytest.mark.slow
def test_a_pool_worker_executes_its_runs_in_one_kernel_killed_at_shutdown(tmp_path):
    project = copy_project(tmp_path / "project")
    grid = load_grid(learning_rates=["0.2", "0.3"], inits=["random"], losses=["bce", "mse"], iterations=30, seeds=4)
    workers = pool.WorkerPool(1)
    try:
        report = sweep.run_sweep(grid, out=tmp_path / "runs", root=project, executor=workers)
        assert sorted(report.executed) == [f"lr{lr}-random-{loss}" for lr in (0.2, 0.3) for loss in ("bce", "mse")]
        assert report.jobs == 1 and "con 1 proceso" in report.summary()
        kernel_pid, notebooks = workers.submit(kernel_of_this_worker).result()
    finally:
        workers.shutdown()
    assert notebooks == 4
    # Gone as shutdown() returns: the worker's exit finalizer killed it (not ipykernel's parent
    # poller, a second later), which is what multiprocessing.util.Finalize is relied on for.
    assert not alive(kernel_pid)
    assert wait_gone([kernel_pid]) == []


def test_the_pool_knows_its_own_workers():
    other, workers = pool.WorkerPool(1), pool.WorkerPool(2)
    try:
        other.submit(os.getpid).result()
        pids = {workers.submit(os.getpid).result() for _ in range(6)}
        mine = {p.pid for p in workers.workers}
        assert len(workers.workers) == 2 and pids <= mine
        assert mine <= set(children(os.getpid())) and not mine & {p.pid for p in other.workers}
    finally:
        other.shutdown()
        workers.shutdown()
    assert not any(p.is_alive() for p in workers.workers)


def test_limit_lowers_the_workers_before_the_first_task_only():
    workers = pool.WorkerPool(4)
    workers.limit(2)
    assert workers.jobs == 2 and not workers.started
    workers.limit(9)
    assert workers.jobs == 2
    try:
        workers.submit(os.getpid).result()
        workers.limit(1)
        assert workers.jobs == 2 and len(workers.workers) == 2
    finally:
        workers.shutdown()


def worker_state():
    worker = pool.current()
    return worker is not None and worker.temporaries == ()


def test_the_worker_state_exists_only_in_a_worker():
    assert pool.current() is None
    workers = pool.WorkerPool(1)
    try:
        assert workers.submit(worker_state).result() is True
    finally:
        workers.shutdown()


def hold(path):
    """A task that writes a temporary file and then works on for a minute."""
    with pool.interruptible(path):
        Path(path).write_text("a medias")
        time.sleep(60)


def test_stop_ends_a_busy_worker_its_kernel_and_its_temporary_files(tmp_path):
    project = copy_project(tmp_path / "project")
    workers = pool.WorkerPool(1, root=project)  # the worker starts a warm kernel for project
    temporary = tmp_path / ".tmp-trabajo"
    future = workers.submit(hold, temporary)
    deadline = time.monotonic() + 30
    while not temporary.exists() or not children(workers.workers[0].pid):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    descendants = [workers.workers[0].pid, *children(workers.workers[0].pid)]
    workers.stop()
    assert wait_gone(descendants, timeout=2) == []
    assert not temporary.exists()
    with pytest.raises((BrokenProcessPool, CancelledError)):
        future.result(timeout=10)
