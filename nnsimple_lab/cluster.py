"""The sweep on Dask: a LocalCluster on this machine, or an existing scheduler; one warm kernel per worker.

    with cluster.connect("dask", jobs=2) as executor:          # or "tcp://10.0.0.5:8786"
        sweep.run_specs(specs, grid=grid, executor=executor)

``DaskExecutor`` is a ``concurrent.futures.Executor`` whose ``submit_run`` the sweep uses for
its runs. No shared folder is assumed: the code of a run (the experiment notebook and the
project modules it imports, ``project_code``) travels once to every worker, in the worker
plugin (``WarmKernelPlugin``), which writes it into a folder of the worker's own and keeps
one warm kernel there (``pool.Worker``, reset before every notebook as in the pool). A run's
task receives its ``RunSpec``, executes into that folder and returns its ``tasks.Outcome``
with the files as data (``Outcome.packed``); the sweep writes and checks them on the driver
(``tasks.received_run``). A task that raises, or whose worker dies, is submitted once more
(``Outcome.retried`` says why); ``stop()`` cancels the tasks and kills their kernels.

Workers on other hosts need the project installed (its requirements and this package): what
they execute is the driver's code, shipped with the plugin, whatever version they have.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, get_worker

from nnsimple_lab import cache, deps, pool, tasks
from nnsimple_lab.entry import ExecutorError
from nnsimple_lab.kernels import KERNEL

PLUGIN = "nnsimple-lab-warm-kernel"  # one per worker: registering it again replaces it
CONNECT_SECONDS = 10  # to reach an existing scheduler
WORKERS_SECONDS = 30  # for the first worker to join it
# Besides the notebook and the modules it imports: what the warm kernel imports at its start.
KERNEL_FILES = ("nnsimple_lab/__init__.py", "nnsimple_lab/kernel_reset.py")
DIED = (
    "el proceso de trabajo de Dask que la ejecutaba terminó de forma inesperada "
    "(¿lo detuvo otro programa, se cayó su máquina o faltó memoria?)"
)
OTHER_CODE = (
    "el proceso de trabajo de Dask no tiene el código de este barrido (¿otro barrido usa el mismo "
    "planificador?); vuelva a lanzar el barrido."
)


class ClusterError(ExecutorError):
    """The Dask cluster cannot be used (unreachable scheduler, no workers, a worker without the
    project); the message is Spanish and says what to do."""


# ---------------------------------------------------------------- the code a worker executes


@dataclass(frozen=True)
class Code:
    """The files a run executes, ``{path relative to the project: bytes}``, and their digest."""

    files: dict
    digest: str


def project_code(root):
    """The ``Code`` of the experiment notebook under ``root``: the notebook, the project modules
    it imports (``deps``, transitively) and those the warm kernel imports (``KERNEL_FILES``)."""
    root = Path(root).resolve()
    notebook = root / cache.NOTEBOOK
    paths = [notebook, *deps.notebook_dependencies(notebook, root), *(root / name for name in KERNEL_FILES)]
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in dict.fromkeys(paths)}
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return Code(files, digest.hexdigest())


def write_code(code, folder):
    """Write ``code``'s files below ``folder`` (a new, empty folder of the worker's own)."""
    for name, blob in code.files.items():
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)


# ---------------------------------------------------------------- on a worker


class WarmKernelPlugin(WorkerPlugin):
    """On every worker: the run's code in a folder of its own, and one warm kernel in a thread.

    The kernel lives in one thread of the plugin's (``run``): Dask runs each task in a fresh
    ``contextvars`` context, where jupyter's event loop (a context variable) would be new each
    time, and the kernel's client is bound to the loop it was made in. ``quiet``: the worker
    ignores Ctrl-C (a LocalCluster's workers share the terminal of the driver, which decides).
    """

    name = PLUGIN

    def __init__(self, code, *, kernel_name=KERNEL, quiet=False):
        self.code, self.kernel_name, self.quiet = code, kernel_name, quiet

    def setup(self, worker):
        if self.quiet:
            with contextlib.suppress(ValueError):  # only the main thread may; setup runs there
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.root = Path(tempfile.mkdtemp(prefix="nnsimple-lab-", dir=worker.local_directory))
        write_code(self.code, self.root)
        self.out = self.root / "runs"
        self.out.mkdir()
        self.state = pool.Worker()
        pool.serve(self.state)
        self.thread = cf.ThreadPoolExecutor(1, thread_name_prefix="nnsimple-kernel")
        self.thread.submit(self._start_kernel)  # it launches while the first tasks are on their way

    def _start_kernel(self):
        with contextlib.suppress(Exception):  # if it cannot start, the first notebook says why
            self.state.kernel_for(self.root, self.kernel_name)

    def in_kernel_thread(self, fn, /, *args, **kwargs):
        """``fn(*args, **kwargs)`` in the thread of the warm kernel (where ``pool.current()`` is its
        ``Worker``); what it returns."""
        return self.thread.submit(fn, *args, **kwargs).result()

    def run(self, spec):
        """Execute the run ``spec`` in the warm kernel; its ``Outcome`` with the files as data."""
        return self.in_kernel_thread(tasks.execute_run, spec, self.out, self.root, self.kernel_name).packed()

    def abandon(self):
        """Stop the run in progress, if any: kill its kernel, remove its temporary files."""
        if self.state.temporaries:
            pool.abandon_task(children=False)

    def teardown(self, worker):
        self.abandon()
        done = self.thread.submit(self.state.shutdown_kernel)
        self.thread.shutdown(wait=False)
        with contextlib.suppress(Exception):
            done.result(timeout=10)
        if pool.current() is self.state:
            pool.serve(None)
        shutil.rmtree(self.root, ignore_errors=True)


def execute_remote(spec, digest):
    """The task of one run on a worker: its ``Outcome``, files as data (``WarmKernelPlugin.run``).

    ``digest``: the code the driver planned the run with, which the worker's plugin must hold.
    """
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None or plugin.code.digest != digest:
        return tasks.Outcome(False, 0.0, error=OTHER_CODE)
    return plugin.run(spec)


def _abandon(dask_worker):
    """On every worker (``Client.run``): stop the run in progress (``WarmKernelPlugin.abandon``)."""
    plugin = dask_worker.plugins.get(PLUGIN)
    if plugin is not None:
        plugin.abandon()


# ---------------------------------------------------------------- on the driver


class DaskExecutor(cf.Executor):
    """Runs on Dask: a LocalCluster of ``jobs`` worker processes (``address`` None) started at the
    first task, or the scheduler at ``address`` (``tcp://HOST:PORT``), reached at once.

    ``limit(n)`` before the first task lowers a LocalCluster's workers to ``n``. ``submit`` is
    any function's (Dask's defaults); ``submit_run`` a run's (see the module's docstring).
    Raises ``ClusterError`` when the scheduler cannot be reached or has no worker.
    """

    def __init__(self, address=None, *, jobs=None, kernel_name=KERNEL):
        self.address, self.kernel_name = address, kernel_name
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.cluster = self.client = None
        self._code = None  # the Code registered with the workers
        self._tasks = {}  # concurrent.futures.Future -> the Dask future of its current attempt
        self._lock = threading.Lock()
        if address is not None:
            self._connect()

    @property
    def started(self):
        return self.client is not None

    def limit(self, n):
        if self.address is None and not self.started:
            self.jobs = max(1, min(self.jobs, n))

    def _connect(self):
        try:
            self.client = Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as error:
            why = f"no respondió en {CONNECT_SECONDS} s" if "Timed out" in str(error) else tasks.error_line(error)
            raise ClusterError(
                f"No se pudo conectar con el planificador de Dask en {self.address} ({why}). "
                "Compruebe que `dask scheduler` está en marcha en esa máquina y que el puerto es el suyo "
                "(por defecto 8786); no se ejecutó ni se escribió nada."
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except (OSError, TimeoutError):
            self.client.close()
            raise ClusterError(
                f"El planificador de Dask en {self.address} no tiene ningún proceso de trabajo después de "
                f"{WORKERS_SECONDS} s. Inicie al menos uno en una máquina con el proyecto instalado: "
                f"dask worker {self.address} --nthreads 1; no se ejecutó ni se escribió nada."
            ) from None
        self.jobs = sum(w["nthreads"] for w in self.client.scheduler_info()["workers"].values()) or 1

    def _start(self):
        """A LocalCluster sized to ``jobs``, quiet; a worker that dies fails its task at once (the
        driver retries it once, and says so), instead of Dask's silent three attempts."""
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            self.cluster = LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                # No dashboard; the scheduler's HTTP server (health checks) on a free port, not 8787
                dashboard_address=":0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.ERROR,
            )
        self.client = Client(self.cluster, set_as_default=False)

    def _register(self, root):
        """Ship the run's code under ``root`` to every worker (once per code)."""
        code = project_code(root)
        if self._code is not None and self._code.digest == code.digest:
            return
        plugin = WarmKernelPlugin(code, kernel_name=self.kernel_name, quiet=self.address is None)
        try:
            self.client.register_plugin(plugin, name=PLUGIN)
        except Exception as error:
            raise ClusterError(
                "Los procesos de trabajo de Dask no pudieron preparar el barrido "
                f"({tasks.error_line(error)}). ¿Tienen instalado el proyecto (make venv) y las mismas "
                "versiones de dask y distributed?"
            ) from None
        self._code = code

    def submit(self, fn, /, *args, **kwargs):
        if not self.started:
            self._start()
        return self._follow(lambda: self.client.submit(fn, *args, pure=False, **kwargs), retry=False)

    def submit_run(self, spec, out, root):
        """Submit the run ``spec`` (its code under ``root``); a future of its packed ``Outcome``.

        ``out``, the driver's runs folder, is not the workers' concern: the sweep writes there.
        """
        if not self.started:
            self._start()
        self._register(root)
        digest = self._code.digest

        def submit():  # a new key for each attempt: Dask would give the erred one back
            return self.client.submit(execute_remote, spec, digest, key=f"{spec.id}-{uuid.uuid4().hex[:8]}")

        return self._follow(submit)

    def _follow(self, submit, *, retry=True):
        """A ``concurrent.futures.Future`` for the Dask future ``submit()`` returns, resubmitted
        once (``retry``) when it raises or its worker dies."""
        result = cf.Future()

        def attempt(first_error):
            task = submit()
            with self._lock:
                self._tasks[result] = task
            task.add_done_callback(lambda done: finished(done, first_error))  # in Dask's callback thread

        def finished(done, first_error):
            if result.done() or done.status == "cancelled":
                return
            try:
                value = done.result()
            except Exception as error:
                if not retry:
                    return self._settle(result, exception=error)
                line = DIED if isinstance(error, KilledWorker) else tasks.error_line(error)
                if first_error is None:
                    return attempt(line)
                value = tasks.Outcome(False, 0.0, error=f"{line} (también al repetirla)")
            if isinstance(value, tasks.Outcome) and first_error is not None:
                value.retried = first_error
            self._settle(result, value=value)

        attempt(None)
        return result

    def _settle(self, future, *, value=None, exception=None):
        """Set ``future``'s outcome unless it is already done (cancelled by ``stop``); forget its task."""
        with self._lock:
            self._tasks.pop(future, None)
        with contextlib.suppress(cf.InvalidStateError):
            if exception is not None:
                future.set_exception(exception)
            else:
                future.set_result(value)

    def stop(self):
        """Stop the tasks in progress and those queued: cancel them, kill their kernels."""
        with self._lock:
            followed = dict(self._tasks)
            self._tasks.clear()
        for result in followed:
            result.cancel()
        if self.client is None:
            return
        with contextlib.suppress(Exception):
            if followed:
                self.client.cancel(list(followed.values()), force=True)
            self.client.run(_abandon)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Let go of the cluster: the workers' kernels are shut down (the plugin is removed), and a
        LocalCluster of ours is closed. ``cancel_futures``: ``stop()`` first."""
        if cancel_futures:
            self.stop()
        if self.client is None:
            return
        with contextlib.suppress(Exception):
            if self._code is not None:
                self.client.unregister_worker_plugin(PLUGIN)
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()
        self.client = self.cluster = None
        self._code = None


@contextlib.contextmanager
def connect(executor, *, jobs=None):
    """A ``DaskExecutor`` for ``--executor``'s ``executor`` ("dask" or an address, checked by
    ``entry.executor_choice``), shut down after the block."""
    dask_executor = DaskExecutor(None if executor == "dask" else executor, jobs=jobs)
    try:
        yield dask_executor
    finally:
        dask_executor.shutdown()
