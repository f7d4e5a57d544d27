"""The default executor: worker processes forked from this one, each with one warm kernel.

A worker's state is one ``Worker`` (``current()``; None outside a pool): its warm kernel and
the temporary files of the task it is running. A worker dies with its parent (Linux's
parent-death signal), ignores Ctrl-C and SIGHUP (the parent decides and sends SIGTERM), and on
SIGTERM kills its kernel, removes its task's temporary files and exits at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nnsimple_lab import cli
from nnsimple_lab.kernels import KERNEL, WarmKernel


@dataclass
class Worker:
    """This process as a pool worker: its warm kernel, and its running task's temporary files."""

    kernel: WarmKernel | None = None  # launched as the worker starts, or by its first notebook
    temporaries: tuple = ()  # while a task runs (see ``interruptible``)

    def kernel_for(self, root, kernel_name=KERNEL):
        """The warm kernel for ``root``, started (or replaced, if unfit or dead) if needed."""
        root = Path(root).resolve()
        kernel = self.kernel
        if kernel is not None and (kernel.root != root or kernel.kernel_name != kernel_name or not kernel.alive()):
            self.shutdown_kernel()
        if self.kernel is None:
            self.kernel = WarmKernel(root, kernel_name)
        return self.kernel

    def shutdown_kernel(self):
        """Shut the warm kernel down, if any (at exit, or when it is no longer fit)."""
        kernel, self.kernel = self.kernel, None
        if kernel is not None:
            kernel.shutdown()


_worker = None  # this process's Worker: set in a pool's forked worker, or by a Dask worker's plugin


def current():
    """This process's ``Worker``, or None outside a pool."""
    return _worker


def serve(worker):
    """Make ``worker`` (a ``Worker``, or None) this process's (``current()``): a pool's forked
    worker does at its start, and so does a Dask worker's plugin (``cluster.WarmKernelPlugin``)."""
    global _worker
    _worker = worker


@contextlib.contextmanager
def interruptible(*temporaries):
    """In a worker, around one task: if SIGTERM comes meanwhile (see ``_on_sigterm``), the
    task is abandoned: the kernel is killed, ``temporaries`` are removed and the worker exits."""
    if _worker is None:
        yield
        return
    _worker.temporaries = temporaries
    try:
        yield
    finally:
        _worker.temporaries = ()


def _kill_children():
    """SIGKILL this process's children (its kernel). Linux; elsewhere ipykernel's parent poller
    ends a kernel whose parent is gone, about a second later."""
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            for pid in task.read_text().split():
                os.kill(int(pid), signal.SIGKILL)


def abandon_task(*, children=True):
    """In a worker: abandon its task in progress, if any, from outside the task.

    The kernel goes first, then the task's temporary files; the task itself then fails on its
    dead kernel, and the worker's next notebook gets a new one. ``children``: kill every child
    process (in a pool's worker the kernel is the only one, and one still starting up, which
    papermill would not shut down, has no pid known yet); False: the warm kernel's only.
    """
    if children:
        _kill_children()
    elif _worker.kernel is not None and _worker.kernel.pid:
        with contextlib.suppress(OSError):
            os.kill(_worker.kernel.pid, signal.SIGKILL)
    if _worker.kernel is not None:
        shutil.rmtree(_worker.kernel.sockets, ignore_errors=True)
    for path in _worker.temporaries:
        with contextlib.suppress(OSError):
            Path(path).unlink()


def _on_sigterm(signum, frame):
    """In a worker: abandon the task in progress, if any (``abandon_task``), and exit at once.

    All done here rather than by raising into the task: an exception raised from a signal
    handler can land in a weakref callback or a ``__del__``, where Python prints and drops it.
    One-shot: the parent-death signal can come twice (when the sweep's thread that forked us
    ends, then when its last thread does).
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        abandon_task()
    finally:
        os._exit(cli.EXIT_INTERRUPTED)


def _init_worker(parent_pid, root, kernel_name):
    """Worker set-up: the parent decides about interruptions, and the worker dies with it; its
    warm kernel is launched for ``root`` (if given) and starts while papermill is imported."""
    serve(Worker())
    # At the worker's normal exit (the pool shuts down) its kernel goes too. A multiprocessing
    # child ends in os._exit, past atexit: its finalizers (undocumented, stable since Python 2.6;
    # test_pool checks the kernel is gone at shutdown) are the only hook that runs there.
    multiprocessing.util.Finalize(None, current().shutdown_kernel, exitpriority=10)
    # Ctrl-C (and a closed terminal's SIGHUP) reaches the whole process group: let the parent
    # handle it and tell us (SIGTERM).
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGHUP, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, _on_sigterm)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent_pid:  # the parent died before prctl
        os.kill(os.getpid(), signal.SIGTERM)
    if root is not None:
        with contextlib.suppress(Exception):  # if it cannot start, the first notebook says why
            current().kernel = WarmKernel(root, kernel_name)
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


class WorkerPool(Executor):
    """The default executor: worker processes forked from this one, each with one warm kernel.

    Up to ``jobs`` workers (default: one per core), forked on the first ``submit``; before it,
    ``limit(n)`` lowers their number to ``n``, so that no idle worker is forked. Each worker
    executes all its notebooks in one ``WarmKernel``, launched as the worker starts (for
    ``root``; otherwise by its first notebook) and killed when the pool shuts down. A worker
    imports papermill while its kernel starts.
    """

    def __init__(self, jobs=None, *, root=None, kernel_name=KERNEL):
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.root, self.kernel_name = root, kernel_name
        self._pool = None
        self.workers = []  # the worker processes, also after a shutdown(wait=False)

    @property
    def started(self):
        return self._pool is not None

    def limit(self, n):
        if self._pool is None:
            self.jobs = max(1, min(self.jobs, n))

    def submit(self, fn, /, *args, **kwargs):
        if self._pool is not None:
            return self._pool.submit(fn, *args, **kwargs)
        context = multiprocessing.get_context("fork")
        initargs = (os.getpid(), self.root, self.kernel_name)
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker, initargs=initargs)
        others = set(multiprocessing.active_children())
        future = self._pool.submit(fn, *args, **kwargs)
        # With "fork" the first submit forks every worker at once: the new children are ours.
        self.workers = [p for p in multiprocessing.active_children() if p not in others]
        return future

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Shut the pool down. With ``wait=False`` the workers end (and kill their kernels) in the
        background; a later ``shutdown()`` waits for them."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            if wait:
                for process in self.workers:
                    process.join()

    def stop(self, timeout=10.0):
        """Stop the tasks in progress: SIGTERM each worker (it kills its kernel), SIGKILL what lingers."""
        if self._pool is None:
            return
        for process in self.workers:
            with contextlib.suppress(OSError):
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
