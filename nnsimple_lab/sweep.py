"""The experiment sweep: a grid of (learning rate, init, loss) -> one executed notebook per run.

    python sweep.py                                   # the default grid, from lab.toml
    python sweep.py --lr 0.01 0.1 0.5 --init zeros random --loss bce mse --jobs 2

Flow: validate every value (exit 2 on a bad one, before anything is written) -> expand the grid
to ``RunSpec``s, each with a cache key -> skip the runs whose finished files carry that key ->
execute the rest with papermill in an ``Executor`` (default: a ``WorkerPool``, forked processes,
one per core, each executing its runs one after another in one warm kernel that is reset to a
fresh state before every notebook) -> rename each success into place -> write the manifest.

The runs folder (default ``reports/runs/``):

    <id>.ipynb, <id>.json   a finished run. The JSON at its final path is the "finished" marker:
                            it is renamed into place last, after the executed notebook.
    <id>.failed.ipynb       the executed notebook of a run that raised, kept for reading
    manifest.json           the grid and every run's status (format: see results.py)
    .lock                   held (fcntl.flock) while a sweep works here; a second sweep waits
    .tmp-*                  work in progress, never a finished file; removed at the end of a
                            sweep and at the start of the next one

A run is cached when its results file passes ``results.read_run`` with the run's cache key
and its executed notebook is at its final path. The key is a SHA-256 over the experiment
notebook's cell sources (code and markdown, not outputs), the run's parameters and the
project modules the notebook imports, followed transitively (``deps.py``).

Exit codes: 0 every run ok, 1 some run failed, 2 bad input, 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import tempfile
import time
import tomllib
import traceback
import uuid
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import nnsimple
from nnsimple_lab import cli, deps, files, results

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "lab.toml"
NOTEBOOK = Path("notebooks") / "experimento.ipynb"  # relative to the project root
DEFAULT_OUT = ROOT / "reports" / "runs"
KERNEL = "python3"
TMP_PREFIX = files.TMP_PREFIX
LOCK_NAME = files.LOCK_NAME

PROG = "python -m nnsimple_lab.sweep"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED
BROKEN_POOL = (
    "no se completó: un proceso de trabajo del barrido terminó de forma inesperada "
    "(¿lo detuvo otro programa o faltó memoria?); vuelva a lanzar el barrido."
)

# Where each grid value comes from on the command line, for error messages.
FLAGS = {
    "learning_rates": "--lr",
    "inits": "--init",
    "losses": "--loss",
    "dataset": "--dataset",
    "iterations": "--iterations",
    "seeds": "--seeds",
}


class SweepInputError(ValueError):
    """A bad value in the grid or on the command line; the message is Spanish and names it."""


class NotebookSyntaxError(SweepInputError):
    """The experiment notebook does not compile; the message names the cell."""


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was interrupted; ``report`` holds what had finished (already in place)."""

    def __init__(self, report):
        super().__init__()
        self.report = report


# ---------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Grid:
    """The values to sweep over. Build it with ``make_grid`` (which validates) or ``load_grid``."""

    learning_rates: tuple
    inits: tuple
    losses: tuple
    dataset: str = "xor"
    n_h: int = 2
    iterations: int = 1000
    seed: int = 2
    seeds: int = 20

    def as_dict(self):
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


@dataclass(frozen=True)
class RunSpec:
    """One run: its id, the notebook parameters that define it, and its cache key."""

    id: str
    parameters: dict = field(hash=False)
    cache_key: str


def _where(key, where):
    return (where or {}).get(key) or FLAGS.get(key) or key


def _as_int(value, minimum, label):
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SweepInputError(f"{label}: valor inválido {value!r}; debe ser un entero mayor o igual que {minimum}.")
    return value


def _as_learning_rate(value, label):
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
    try:
        return nnsimple.check_learning_rate(number)
    except ValueError as error:
        raise SweepInputError(f"{label}: {error}") from None


def _as_list(value, label):
    values = [value] if isinstance(value, (str, int, float)) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise SweepInputError(f"{label}: se necesita al menos un valor.")
    return list(values)


def _no_duplicates(raw, parsed, label):
    seen = {}
    for text, value in zip(raw, parsed, strict=True):
        if value in seen:
            same = "" if str(seen[value]) == str(text) else f" (es igual a {seen[value]})"
            raise SweepInputError(
                f"{label}: el valor {text} está repetido{same}; cada valor debe aparecer una sola vez."
            )
        seen[value] = text


def make_grid(values, *, where=None):
    """Validate grid values and return a ``Grid``; raise ``SweepInputError`` (Spanish) on a bad one.

    ``values``: a dict with the ``Grid`` field names (missing ones take the defaults); learning
    rates, iterations and seeds may be strings, as typed on the command line (``"1e-2"``).
    ``where`` names the source of each key in messages (default: its command-line flag).
    """
    known = {f.name for f in dataclasses.fields(Grid)}
    unknown = sorted(set(values) - known)
    if unknown:
        valid = ", ".join(sorted(known))
        raise SweepInputError(
            f"{_where(unknown[0], where)}: clave desconocida {unknown[0]!r}. Claves válidas: {valid}."
        )
    defaults = Grid(learning_rates=(), inits=(), losses=())
    get = {k: values.get(k, getattr(defaults, k)) for k in known}

    label = _where("learning_rates", where)
    raw = _as_list(get["learning_rates"], label)
    learning_rates = [_as_learning_rate(v, label) for v in raw]
    _no_duplicates(raw, learning_rates, label)

    choices = {}
    for key, check in (("inits", nnsimple.check_init), ("losses", nnsimple.check_loss)):
        label = _where(key, where)
        raw = _as_list(get[key], label)
        try:
            choices[key] = [check(v) for v in raw]
        except ValueError as error:
            raise SweepInputError(f"{label}: {error}") from None
        _no_duplicates(raw, choices[key], label)
    try:
        dataset = nnsimple.check_dataset(get["dataset"])
    except ValueError as error:
        raise SweepInputError(f"{_where('dataset', where)}: {error}") from None

    return Grid(
        learning_rates=tuple(learning_rates),
        inits=tuple(choices["inits"]),
        losses=tuple(choices["losses"]),
        dataset=dataset,
        n_h=_as_int(get["n_h"], 1, _where("n_h", where)),
        iterations=_as_int(get["iterations"], 1, _where("iterations", where)),
        seed=_as_int(get["seed"], 0, _where("seed", where)),
        seeds=_as_int(get["seeds"], 1, _where("seeds", where)),
    )


def read_config(path=CONFIG):
    """The ``[grid]`` table of ``lab.toml`` as a dict (not validated)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            grid = tomllib.load(f).get("grid", {})
    except FileNotFoundError:
        raise SweepInputError(f"No existe el archivo de configuración {path}.") from None
    except tomllib.TOMLDecodeError as error:
        raise SweepInputError(f"{path.name} no es TOML válido: {error}.") from None
    if not isinstance(grid, dict):
        raise SweepInputError(f"{path.name}: [grid] debe ser una tabla.")
    return grid


def load_grid(path=CONFIG, **overrides):
    """The grid of ``lab.toml``, with ``overrides`` (Grid field names; None = keep) on top."""
    path = Path(path)
    values = read_config(path)
    where = {k: f"{path.name} [grid] {k}" for k in values}
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
            where[key] = FLAGS.get(key, key)
    return make_grid(values, where=where)


# ---------------------------------------------------------------- cache keys


def code_fingerprint(root=ROOT):
    """SHA-256 of what a run's outputs depend on besides its parameters.

    The experiment notebook's cells (type and source: editing a markdown cell counts, outputs
    and metadata do not) and the project modules its code imports, followed transitively.
    """
    root = Path(root)
    path = root / NOTEBOOK
    try:
        cells = deps.notebook_cells(path)
    except FileNotFoundError:
        raise SweepInputError(f"No se encuentra el cuaderno del experimento {path}.") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise SweepInputError(f"El cuaderno {path} no es un notebook válido: {error}.") from None
    digest = hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8"))
    digest.update(deps.fingerprint(deps.notebook_dependencies(path, root), root).encode("ascii"))
    return digest.hexdigest()


def cache_key(parameters, fingerprint):
    """The cache key of a run: SHA-256 of the code fingerprint and the canonical parameters."""
    text = json.dumps({"code": fingerprint, "parameters": parameters}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_notebook(root=ROOT):
    """Compile every code cell of the experiment notebook before any kernel starts.

    A syntax error would fail every run the same way, after a kernel start each: it is bad
    input instead, reported with the cell that holds it. IPython syntax (``%magic``) is
    translated first, as the kernel would.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    path = Path(root) / NOTEBOOK
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SweepInputError(f"No se pudo leer el cuaderno {NOTEBOOK}: {error}") from None
    transformer = TransformerManager()
    code_number = 0
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code_number += 1
        source = "".join(cell.get("source", ""))
        try:
            compile(transformer.transform_cell(source), f"celda {number}", "exec")
        except SyntaxError as error:
            line = (error.text or "").strip()
            raise NotebookSyntaxError(
                f"El cuaderno {NOTEBOOK} tiene un error de sintaxis en la celda {number} "
                f"(la celda de código n.º {code_number}), línea {error.lineno}: {error.msg}"
                + (f"\n    {line}" if line else "")
                + "\nCorríjalo y vuelva a lanzar el barrido; no se ejecutó ni se borró nada."
            ) from None


def plan(grid, root=ROOT):
    """The runs of a grid, in grid order (learning rate, then init, then loss), with their keys.

    Raises ``SweepInputError`` if the experiment notebook does not compile (``check_notebook``).
    """
    check_notebook(root)
    fingerprint = code_fingerprint(root)
    specs = []
    for learning_rate in grid.learning_rates:
        for init in grid.inits:
            for loss in grid.losses:
                parameters = {
                    "learning_rate": learning_rate,
                    "init": init,
                    "loss": loss,
                    "dataset": grid.dataset,
                    "n_h": grid.n_h,
                    "iterations": grid.iterations,
                    "seed": grid.seed,
                    "seeds": grid.seeds,
                }
                specs.append(
                    RunSpec(results.run_id(learning_rate, init, loss), parameters, cache_key(parameters, fingerprint))
                )
    return specs


def paths(out, run):
    """Final paths of a run (by id): ``{"notebook", "results", "failed"}``."""
    out = Path(out)
    return {"notebook": out / f"{run}.ipynb", "results": out / f"{run}.json", "failed": out / f"{run}.failed.ipynb"}


def cache_status(spec, out):
    """Why a run is or is not cached: "cached", "missing", "stale" (other key) or "damaged"."""
    final = paths(out, spec.id)
    if not final["results"].exists():
        return "missing"
    try:
        record = results.read_run(final["results"])
    except results.ResultsError:
        return "damaged"
    if record.get("cache_key") != spec.cache_key:
        return "stale"
    return "cached" if final["notebook"].exists() else "missing"


# ---------------------------------------------------------------- kernels


def _kernel_config(sockets):
    """Kernel settings: talk over Unix sockets named ``sockets-1``, ``sockets-2``, …

    Over TCP (the default) the client picks free ports and the kernel binds them a moment later:
    another process starting kernels at the same time can take one first, and the kernel dies
    ("Address already in use"). A private socket path per kernel cannot collide; it also avoids
    ipykernel's warning about unencrypted TCP.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})


def _kernel_state(root, name):  # pragma: no cover - runs inside a kernel (see WarmKernel)
    """Inside a warm kernel: note its fresh state and install ``reset()``, which returns to it.

    ``WarmKernel`` sends this function's source to a kernel that has just started, and calls
    ``reset()`` (of the module ``name``, put in ``sys.modules``) before every notebook. numpy
    and matplotlib are imported here: every notebook imports them, and that import is what a
    warm kernel saves. ``reset()`` gives the next notebook what a fresh kernel would give:

    - an empty namespace, empty In/Out and the execution count back at 1 (IPython's ``reset``);
    - none of the project's modules (the ``.py`` files in ``root``) imported: the notebook
      reads them from disk again, so a changed ``nnsimple.py`` is never served stale;
    - no figure open and matplotlib's rcParams as they were; figures displayed as a fresh
      kernel displays them: IPython's display formatters, post-execute hooks and ``%config``
      settings as they were, and the inline backend not yet configured, so that
      ``%matplotlib inline`` (and only it) sets it up again, with its default formats;
    - numpy's error and print settings, the warnings filters (and which warnings were already
      shown), the working folder, ``sys.path`` and the environment as they were;
    - the random generators (``random``, numpy's global one) reseeded from the system, as at a start.

    Third-party modules stay imported: that is the point of a warm kernel. What their import
    did (a warnings filter numpy adds, say) happens once, as in a fresh kernel that imports
    them; numpy's and matplotlib's is part of the state noted here. The objects alive after
    these imports are frozen out of the garbage collector's sight (``gc.freeze``): that
    changes no output, and makes every later collection (IPython's ``reset`` does one) cheap.
    """
    import copy
    import gc
    import importlib
    import linecache
    import os
    import random
    import sys
    import types
    import warnings

    shell = get_ipython()  # noqa: F821 - IPython defines it in every kernel
    formatters = shell.display_formatter.formatters.values()
    printers = ("type_printers", "deferred_printers", "singleton_printers")
    fresh = {
        "cwd": os.getcwd(),
        "path": list(sys.path),
        "environ": dict(os.environ),
        "formatters": [{kind: dict(getattr(f, kind)) for kind in printers} for f in formatters],
        "events": {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()},
        "config": copy.deepcopy(shell.config),
        "configurables": list(shell.configurables),
    }

    import matplotlib
    import matplotlib.pyplot as plt  # without choosing a backend: a fresh kernel has none yet
    import numpy as np
    import numpy.random

    fresh |= {
        "rc": matplotlib.rcParams.copy(),  # raw values: reading "backend" would resolve it
        "draw_if_interactive": plt.draw_if_interactive,  # %matplotlib wraps it once more each time
        "repl_displayhook": getattr(plt, "_REPL_DISPLAYHOOK", None),
        "numpy_err": np.geterr(),
        "numpy_print": np.get_printoptions(),
        "warnings": list(warnings.filters),  # with the filters numpy and matplotlib add
    }

    def from_project(module):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str):
            return False
        path = os.path.abspath(path)
        return path.startswith(root + os.sep) and "site-packages" not in path

    def reset_display():
        plt.close("all")
        for key in fresh["rc"]:
            matplotlib.rcParams._set(key, fresh["rc"]._get(key))
        plt.draw_if_interactive = fresh["draw_if_interactive"]
        if fresh["repl_displayhook"] is not None:
            plt._REPL_DISPLAYHOOK = fresh["repl_displayhook"]
        for formatter, saved in zip(formatters, fresh["formatters"], strict=True):
            for kind, entries in saved.items():
                getattr(formatter, kind).clear()
                getattr(formatter, kind).update(entries)
        for event, callbacks in fresh["events"].items():
            shell.events.callbacks[event][:] = callbacks
        if shell.config != fresh["config"]:  # %config InlineBackend.figure_formats = …, say
            shell.config = copy.deepcopy(fresh["config"])
        shell.configurables[:] = fresh["configurables"]
        inline = sys.modules.get("matplotlib_inline.backend_inline")
        if inline is not None:  # %matplotlib inline configures the backend anew, as the first time
            vars(inline.configure_inline_support).pop("current_backend", None)
            sys.modules["matplotlib_inline.config"].InlineBackend.clear_instance()

    def reset():
        shell.reset(new_session=True)
        for module_name in [n for n, module in list(sys.modules.items()) if from_project(module)]:
            del sys.modules[module_name]
        importlib.invalidate_caches()
        linecache.clearcache()
        os.chdir(fresh["cwd"])
        sys.path[:] = fresh["path"]
        os.environ.clear()
        os.environ.update(fresh["environ"])
        reset_display()
        warnings.resetwarnings()  # also forgets which warnings were already shown
        warnings.filters[:] = fresh["warnings"]
        np.seterr(**fresh["numpy_err"])
        np.set_printoptions(**fresh["numpy_print"])
        np.random.seed()  # noqa: NPY002 - the legacy global generator, reseeded as at a start
        random.seed()

    root = os.path.abspath(root)
    state = types.ModuleType(name)
    state.reset = reset
    sys.modules[name] = state
    # What is imported now stays: keep the garbage collector from scanning it again and again.
    gc.collect()
    gc.freeze()


WARM_STATE = "_nnsimple_warm_kernel"  # the module, inside a warm kernel, that holds reset()
WARM_ENGINE = "nnsimple-warm"  # papermill engine executing in a WarmKernel


class WarmKernel:
    """A kernel that executes several notebooks in turn, returned to a fresh state before each.

    Started in ``root`` (the notebooks import the project's modules from there). What
    ``reset()`` restores is listed in ``_kernel_state``. A kernel serves one process for one
    sweep or build: the cache key covers the code, and the project's modules are re-read by
    every notebook, so nothing stale is ever executed. ``shutdown()`` kills it.

    Creating one launches the kernel and sends it the set-up (``_kernel_state``) without
    waiting: the caller can do something else meanwhile (a worker imports papermill). Every
    method that needs the kernel first waits for it (``ready()``).
    """

    def __init__(self, root, kernel_name=KERNEL, timeout=60):
        import inspect

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.root, self.kernel_name, self.timeout = Path(root).resolve(), kernel_name, timeout
        self.sockets = Path(tempfile.mkdtemp(prefix="nnsimple-kernel-"))  # short: a socket path has ~100 bytes
        self.km = AsyncKernelManager(kernel_name=kernel_name, config=_kernel_config(self.sockets / "kernel"))
        self.kc = None
        self.notebooks = 0  # executed (or begun) in this kernel
        try:
            # As nbclient does: no IPython history file for a kernel that executes notebooks.
            run_sync(self.km.start_kernel)(cwd=str(self.root), extra_arguments=["--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.allow_stdin = False
            self.kc.start_channels()
            setup = f"{inspect.getsource(_kernel_state)}\n_kernel_state({str(self.root)!r}, {WARM_STATE!r})"
            self._setup = self._send(setup)  # queued until the kernel listens
        except BaseException:
            self.shutdown()
            raise

    def _send(self, code):
        return self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)

    async def _reply(self, msg_id):
        while True:
            reply = await self.kc.get_shell_msg(timeout=self.timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                content = reply["content"]
                if content["status"] != "ok":
                    raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
                return content

    async def _iopub_idle(self, msg_id, timeout):
        """Wait for the kernel's "idle" on IOPub after the request ``msg_id``; False if not seen in time."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.kc.get_iopub_msg(timeout=left)
            except Exception:  # queue.Empty: nothing more in time
                return False
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                return True
        return False

    def ready(self):
        """Wait until the set-up ran and IOPub delivers (outputs would be lost before): once."""
        if self._setup is None:
            return

        async def wait():
            await self._reply(self._setup)
            msg_id = self._setup
            # IOPub subscribes asynchronously; the set-up's "idle" proves it works. If it came too
            # early to be seen, ask again. (jupyter_client's wait_for_ready sleeps 0.2 s instead.)
            deadline = time.monotonic() + self.timeout
            while not await self._iopub_idle(msg_id, 0.5):
                if time.monotonic() > deadline:
                    raise RuntimeError("el kernel no envía sus salidas (IOPub)")
                msg_id = self.kc.kernel_info()
                await self._reply(msg_id)

        self._run_sync(wait)()
        self._setup = None

    def run_silently(self, code):
        """Execute ``code`` without outputs, history or execution count; raise if it fails."""
        self.ready()
        msg_id = self._send(code)
        self._run_sync(self._reply)(msg_id)

    def reset(self):
        """Return the kernel to its fresh state (see ``_kernel_state``), before a notebook."""
        self.run_silently(f"__import__('sys').modules[{WARM_STATE!r}].reset()")
        self.notebooks += 1

    def alive(self):
        return bool(self._run_sync(self.km.is_alive)())

    def shutdown(self):
        """Kill the kernel (the notebooks' results are on disk: nothing to wait for) and tidy up."""
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self._run_sync(self.km.shutdown_kernel)(now=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


def _register_warm_engine():
    """Register papermill's nbclient engine, executing in a ``WarmKernel`` (engine argument ``kernel``)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    if WARM_ENGINE in papermill_engines._engines:
        return

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            *,
            kernel,
            **kwargs,
        ):
            for name in ("input_path", "timeout", "startup_timeout"):
                kwargs.pop(name, None)
            # With a kernel manager given, nbclient neither starts nor shuts the kernel down.
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            # The same client for every notebook: a new one waits ~0.2 s for the kernel's IOPub to settle.
            client.kc = kernel.kc
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmEngine)


# ---------------------------------------------------------------- executing a notebook (in a worker)


_WARM = False  # this process keeps one warm kernel for the notebooks it executes (pool workers)
_KERNEL = None  # that kernel, launched as the worker starts (or by its first notebook)
_TEMPORARIES = None  # while a task runs in this worker: its temporary files (see interruptible)


def worker_kernel(root, kernel_name=KERNEL):
    """This worker's warm kernel for ``root``, started (or replaced) if needed; None outside the pool."""
    global _KERNEL
    if not _WARM:
        return None
    root = Path(root).resolve()
    if _KERNEL is not None and (_KERNEL.root != root or _KERNEL.kernel_name != kernel_name or not _KERNEL.alive()):
        shutdown_worker_kernel()
    if _KERNEL is None:
        _KERNEL = WarmKernel(root, kernel_name)
    return _KERNEL


def shutdown_worker_kernel():
    """Shut this worker's warm kernel down, if it has one (at exit, or when it is no longer fit)."""
    global _KERNEL
    kernel, _KERNEL = _KERNEL, None
    if kernel is not None:
        kernel.shutdown()


def execute_notebook(source, target, parameters, *, root=ROOT, kernel_name=KERNEL, kernel=None):
    """Execute the notebook ``source`` with papermill into ``target``; return the executed notebook.

    ``kernel``: a ``WarmKernel`` to execute in, reset first; default the pool worker's own warm
    kernel, and outside a pool a kernel of the notebook's own, started in ``root`` and killed
    after. ``target`` is written once, at the end, also when a cell fails: papermill then
    writes it with the error and raises ``PapermillExecutionError``. No save after every cell:
    the target is a temporary file nobody reads meanwhile, and each save re-serialises it.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    common = {
        "parameters": parameters,
        "kernel_name": kernel_name,
        "cwd": str(root),  # the kernel imports the project's modules from here first
        "progress_bar": False,
        "request_save_on_cell_execute": False,
    }
    kernel = kernel or worker_kernel(root, kernel_name)
    if kernel is None:
        sockets = Path(tempfile.mkdtemp(prefix="nnsimple-kernel-"))
        try:
            return papermill.execute_notebook(
                str(source),
                str(target),
                shutdown_kernel="immediate",  # results are on disk: no graceful wait (it stalls ~3 s)
                config=_kernel_config(sockets / "kernel"),
                **common,
            )
        finally:
            shutil.rmtree(sockets, ignore_errors=True)
    _register_warm_engine()
    try:
        kernel.reset()
        return papermill.execute_notebook(str(source), str(target), engine_name=WARM_ENGINE, kernel=kernel, **common)
    except PapermillExecutionError:
        raise  # a cell raised: the kernel itself is fine
    except Exception:
        kernel.shutdown()  # dead, stuck or half-reset: the worker's next notebook gets a new one
        raise


@contextlib.contextmanager
def interruptible(*temporaries):
    """In a worker, around one task: if SIGTERM comes meanwhile (see ``_on_sigterm``), the
    task is abandoned: the kernel is killed, ``temporaries`` are removed and the worker exits."""
    global _TEMPORARIES
    _TEMPORARIES = temporaries
    try:
        yield
    finally:
        _TEMPORARIES = None


@dataclass
class Outcome:
    """What a worker reports about one run. Paths are the temporary ones it wrote."""

    id: str
    ok: bool
    seconds: float
    notebook: str | None = None  # executed notebook (temporary path), if papermill wrote one
    results: str | None = None  # results file (temporary path)
    error: str | None = None  # last line of the error


def _last_line(text):
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def error_line(error):
    """The line that says what went wrong: for a failed cell, the notebook's own exception."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename is not None:  # papermill's PapermillExecutionError: the notebook's own exception
        count = getattr(error, "exec_count", None)
        where = f" (celda de código n.º {count} del cuaderno ejecutado)" if count else ""
        return _last_line(f"{ename}: {evalue}") + where
    return _last_line(traceback.format_exception_only(type(error), error)[-1])


def execute_run(spec, out, root=ROOT, kernel_name=KERNEL):
    """Execute the experiment notebook for one run into temporary files in ``out``.

    Runs in a worker. Never writes a final path: the sweep renames on success. Returns an
    ``Outcome``; ``ok`` only when the notebook ran to the end and its results file passes
    ``results.read_run`` with the run's cache key.
    """
    import nbformat

    out, root = Path(out), Path(root)
    token = uuid.uuid4().hex[:8]
    tmp_notebook = out / f"{TMP_PREFIX}{spec.id}-{token}.ipynb"
    tmp_results = out / f"{TMP_PREFIX}{spec.id}-{token}.json"
    parameters = {**spec.parameters, "results_path": str(tmp_results), "cache_key": spec.cache_key}
    start = time.perf_counter()
    with interruptible(tmp_notebook, tmp_results):
        try:
            notebook = execute_notebook(root / NOTEBOOK, tmp_notebook, parameters, root=root, kernel_name=kernel_name)
            record = results.read_run(tmp_results)
            if record.get("cache_key") != spec.cache_key:
                raise results.ResultsError("el cuaderno guardó resultados con otra clave de caché")
            # papermill recorded the temporary path; the notebook will live at its final one
            notebook.metadata.papermill["output_path"] = str(paths(out, spec.id)["notebook"])
            nbformat.write(notebook, str(tmp_notebook))
        except Exception as error:
            written = str(tmp_notebook) if tmp_notebook.exists() else None
            return Outcome(spec.id, False, time.perf_counter() - start, notebook=written, error=error_line(error))
    return Outcome(spec.id, True, time.perf_counter() - start, str(tmp_notebook), str(tmp_results))


def _kill_children():
    """SIGKILL this process's children (its kernel). Linux; elsewhere ipykernel's parent poller
    ends a kernel whose parent is gone, about a second later."""
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            for pid in task.read_text().split():
                os.kill(int(pid), signal.SIGKILL)


def _abandon_kernels():
    """Kill this process's kernels at once (a kernel still starting up too) and remove their sockets."""
    _kill_children()
    if _KERNEL is not None:
        shutil.rmtree(_KERNEL.sockets, ignore_errors=True)


def _on_sigterm(signum, frame):
    """In a worker: abandon the task in progress, if any, and exit at once.

    The kernel goes first (a kernel still starting up too, which papermill would not shut
    down), then the task's temporary files. All done here rather than by raising into the
    task: an exception raised from a signal handler can land in a weakref callback or a
    ``__del__``, where Python prints and drops it. One-shot: the parent-death signal can come
    twice (when the sweep's thread that forked us ends, then when its last thread does).
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        _abandon_kernels()
        for path in _TEMPORARIES or ():
            with contextlib.suppress(OSError):
                Path(path).unlink()
    finally:
        os._exit(EXIT_INTERRUPTED)


def _init_worker(parent_pid, root, kernel_name):
    """Worker set-up: the parent decides about interruptions, and the worker dies with it; its
    warm kernel is launched for ``root`` (if given) and starts while papermill is imported."""
    global _WARM, _KERNEL
    _WARM = True
    # At a normal exit (the pool shuts down) the warm kernel goes too.
    multiprocessing.util.Finalize(None, shutdown_worker_kernel, exitpriority=10)
    # Ctrl-C reaches the whole process group: let the parent handle it and tell us (SIGTERM).
    signal.signal(signal.SIGINT, lambda signum, frame: None)
    signal.signal(signal.SIGTERM, _on_sigterm)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)
    if os.getppid() != parent_pid:  # the parent died before prctl
        os.kill(os.getpid(), signal.SIGTERM)
    if root is not None:
        with contextlib.suppress(Exception):  # if it cannot start, the first notebook says why
            _KERNEL = WarmKernel(root, kernel_name)
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
        self._workers = []  # the worker processes, also after a shutdown(wait=False)

    @property
    def started(self):
        return self._pool is not None

    def limit(self, n):
        if self._pool is None:
            self.jobs = max(1, min(self.jobs, n))

    def submit(self, fn, /, *args, **kwargs):
        if self._pool is None:
            context = multiprocessing.get_context("fork")
            initargs = (os.getpid(), self.root, self.kernel_name)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker, initargs=initargs)
        future = self._pool.submit(fn, *args, **kwargs)
        self._workers = list((getattr(self._pool, "_processes", None) or {}).values()) or self._workers
        return future

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Shut the pool down. With ``wait=False`` the workers end (and kill their kernels) in the
        background; a later ``shutdown()`` waits for them."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            if wait:
                for process in self._workers:
                    process.join()

    def stop(self, timeout=10.0):
        """Stop the tasks in progress: SIGTERM each worker (it kills its kernel), SIGKILL what lingers."""
        if self._pool is None:
            return
        processes = self._workers
        for process in processes:
            with contextlib.suppress(OSError):
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- the sweep


@dataclass
class SweepReport:
    """What a sweep did. ``runs`` are the manifest's entries, in grid order."""

    grid: Grid
    out: Path
    runs: list
    executed: list  # ids executed now, successfully
    cached: list  # ids taken from the cache
    failed: list  # ids that failed
    damaged: list  # ids whose results file was damaged or hand-edited, so they were re-run
    seconds: float
    run_seconds: list  # duration of each executed run, as the worker measured it
    jobs: int  # worker processes of the default pool; 0 with an executor given by the caller

    @property
    def exit_code(self):
        return EXIT_FAILED if self.failed else EXIT_OK

    def summary(self):
        """A Spanish summary for the terminal."""
        n = len(self.runs)
        lines = [
            f"Barrido terminado en {self.seconds:.1f} s: {n} {_plural(n, 'ejecución', 'ejecuciones')} en la rejilla."
        ]
        executed = f"  ejecutadas ahora: {len(self.executed)}"
        if self.run_seconds:
            mean = sum(self.run_seconds) / len(self.run_seconds)
            executed += f" ({mean:.1f} s cada una en promedio"
            executed += f", con {self.jobs} {_plural(self.jobs, 'proceso', 'procesos')})" if self.jobs else ")"
        lines += [executed, f"  desde la caché: {len(self.cached)}", f"  fallidas: {len(self.failed)}"]
        if self.damaged:
            lines.append(
                "  con resultados dañados o editados a mano (se volvieron a ejecutar): " + ", ".join(self.damaged)
            )
        for entry in self.runs:
            if entry["status"] == "failed":
                lines.append(f"  × {entry['id']}: {entry['error']}")
                if entry["notebook"]:
                    lines.append(f"      cuaderno con el error: {self.out / entry['notebook']}")
        lines.append(f"Resultados en {self.out}; manifiesto: {self.out / results.MANIFEST}.")
        return "\n".join(lines)


def _plural(n, one, many):
    return one if n == 1 else many


def locked(out, waiting=None):
    """Hold ``out/.lock`` for the block (``files.locked``); ``waiting``: what to say while another holds it."""
    return files.locked(out, waiting or f"Otro barrido está trabajando en {out}; esperando a que termine…")


def clean_temporaries(out):
    """Remove work in progress left in ``out``: ``.tmp-*`` files and atomic writes' ``.*.tmp``."""
    files.remove_temporaries(out)


def _entry(spec, **changes):
    """A run's manifest entry (``results.manifest_entry``), a finished one unless ``changes`` say otherwise."""
    p = spec.parameters
    return results.manifest_entry(spec.id, learning_rate=p["learning_rate"], init=p["init"], loss=p["loss"], **changes)


def _finalize(spec, outcome, out):
    """Put one finished run in place and return its manifest entry.

    Success: notebook to ``<id>.ipynb``, then results to ``<id>.json`` (the finished marker),
    and an older ``<id>.failed.ipynb`` goes. Failure: the executed notebook, if any, becomes
    ``<id>.failed.ipynb``; the temporary results go; a previous good run stays as it was.
    """
    final = paths(out, spec.id)
    if outcome.ok:
        os.replace(outcome.notebook, final["notebook"])
        os.replace(outcome.results, final["results"])
        final["failed"].unlink(missing_ok=True)
        return _entry(spec)
    notebook = None
    if outcome.notebook and Path(outcome.notebook).exists():
        os.replace(outcome.notebook, final["failed"])
        notebook = final["failed"].name
    if outcome.results:
        Path(outcome.results).unlink(missing_ok=True)
    return _entry(spec, status="failed", notebook=notebook, error=outcome.error)


def run_specs(specs, *, grid, out=DEFAULT_OUT, root=ROOT, jobs=None, force=False, executor=None, progress=None):
    """Execute the runs in ``specs`` that are not cached, put them in place, write the manifest.

    ``specs`` are not validated here (``run_sweep`` does that): a bad value reaches the notebook,
    which fails with its own message. ``executor``: any ``concurrent.futures.Executor`` (it is
    used, not shut down; a ``WorkerPool`` not yet started is first limited to the runs to
    execute, so that the caller can go on using its warm workers); default a ``WorkerPool`` of
    ``jobs`` workers (default one per core), capped at the number of runs to execute, shut down
    at the end. ``progress``: a tqdm bar on stderr (None: only on a terminal). Returns a
    ``SweepReport``; raises ``SweepInterrupted`` on Ctrl-C or SIGTERM after stopping the runs in
    progress (and the workers of a ``WorkerPool``) and removing temporary files.
    """
    from tqdm import tqdm

    start = time.perf_counter()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    entries, done, cached, failed, damaged, run_seconds = {}, [], [], [], [], []
    jobs_used = 0

    def report():
        runs = [entries[s.id] for s in specs if s.id in entries]
        return SweepReport(
            grid, out, runs, done, cached, failed, damaged, time.perf_counter() - start, run_seconds, jobs_used
        )

    with locked(out):
        clean_temporaries(out)
        stale = []
        for spec in specs:
            status = "missing" if force else cache_status(spec, out)
            if status == "cached":
                entries[spec.id] = _entry(spec)
                cached.append(spec.id)
            else:
                if status == "damaged":
                    damaged.append(spec.id)
                stale.append(spec)

        own = executor is None
        pool = WorkerPool(jobs, root=root) if own else executor
        if isinstance(pool, WorkerPool) and stale:
            pool.limit(len(stale))
            jobs_used = pool.jobs
        futures = {}
        try:
            for spec in stale:
                futures[pool.submit(execute_run, spec, out, root)] = spec
            quiet = not stale or progress is False or (progress is None and not sys.stderr.isatty())
            bar = tqdm(total=len(stale), desc="Ejecuciones", unit="ejec.", file=sys.stderr, disable=quiet)
            for future in as_completed(futures):
                spec = futures[future]
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = Outcome(spec.id, False, 0.0, error=BROKEN_POOL)
                except Exception as error:
                    outcome = Outcome(spec.id, False, 0.0, error=error_line(error))
                entries[spec.id] = _finalize(spec, outcome, out)
                if outcome.ok:
                    done.append(spec.id)
                    run_seconds.append(outcome.seconds)
                else:
                    failed.append(spec.id)
                bar.set_postfix_str(spec.id, refresh=False)
                bar.update()
            bar.close()
        except KeyboardInterrupt:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
            try:
                for future in futures:
                    future.cancel()
                if isinstance(pool, WorkerPool):
                    pool.stop()
                clean_temporaries(out)
            finally:
                signal.signal(signal.SIGINT, previous)
            raise SweepInterrupted(report()) from None
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
        clean_temporaries(out)
        manifest = results.manifest(grid.as_dict(), [entries[s.id] for s in specs])
        files.write_json_if_changed(out / results.MANIFEST, manifest)
    return report()


def run_sweep(grid, *, out=DEFAULT_OUT, root=ROOT, jobs=None, force=False, executor=None, progress=None):
    """Validate ``grid``, plan its runs and execute what is not cached (see ``run_specs``)."""
    grid = make_grid(dataclasses.asdict(grid))
    return run_specs(
        plan(grid, root), grid=grid, out=out, root=root, jobs=jobs, force=force, executor=executor, progress=progress
    )


# ---------------------------------------------------------------- command line


def add_grid_arguments(parser):
    """The grid's options (``--lr`` … ``--seeds``, ``--jobs``), with ``-h``; defaults shown from lab.toml."""
    try:
        defaults = make_grid(read_config(), where={})
    except SweepInputError:
        defaults = Grid(learning_rates=(0.01, 0.1, 0.5), inits=("zeros", "random"), losses=("bce", "mse"))

    def shown(values):
        return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)

    parser.add_argument(
        "--lr",
        nargs="+",
        metavar="TASA",
        help=f"tasas de aprendizaje, números > 0 (0.01, 1e-2…); por defecto: {shown(defaults.learning_rates)}",
    )
    parser.add_argument(
        "--init",
        nargs="+",
        metavar="INIC",
        help=f"inicializaciones: {', '.join(nnsimple.INITS)}; por defecto: {shown(defaults.inits)}",
    )
    parser.add_argument(
        "--loss",
        nargs="+",
        metavar="COSTO",
        help=f"funciones de costo: {', '.join(nnsimple.LOSSES)}; por defecto: {shown(defaults.losses)}",
    )
    parser.add_argument(
        "--dataset",
        metavar="DATOS",
        help=f"conjunto de datos: {', '.join(nnsimple.DATASETS)}; por defecto: {defaults.dataset}",
    )
    parser.add_argument(
        "--iterations",
        metavar="N",
        help=f"actualizaciones de descenso de gradiente por ejecución; por defecto: {defaults.iterations}",
    )
    parser.add_argument(
        "--seeds",
        metavar="K",
        help=f"semillas 0..K-1 para las estadísticas de cada ejecución; por defecto: {defaults.seeds}",
    )
    parser.add_argument(
        "--jobs",
        metavar="J",
        help=f"ejecuciones en paralelo; por defecto: una por núcleo ({os.cpu_count()})",
    )


def build_parser():
    parser = cli.parser(
        PROG,
        (
            "Ejecuta la rejilla de experimentos de la red NNsimple: una ejecución del cuaderno\n"
            "notebooks/experimento.ipynb (con papermill) por cada combinación de tasa de aprendizaje,\n"
            "inicialización y función de costo. Sin opciones usa la rejilla de lab.toml.\n"
            "Cada ejecución deja en la carpeta de salida su cuaderno ejecutado (<id>.ipynb) y sus\n"
            "resultados (<id>.json); manifest.json lista la rejilla. Las ejecuciones cuyo código y\n"
            "parámetros no cambiaron se toman de la caché."
        ),
        epilog=(
            "ejemplos:\n"
            "  python -m nnsimple_lab.sweep\n"
            "  python -m nnsimple_lab.sweep --lr 0.01 0.1 0.5 1.0 --init zeros random --loss bce mse --jobs 2\n"
            '  make runs LR="0.01 0.5" INIT=random LOSS="bce mse"\n\n'
            "códigos de salida: 0 todo bien, 1 alguna ejecución falló, 2 valores inválidos,\n"
            "130 interrumpido (Ctrl-C). Si otro barrido usa la misma carpeta, este espera a que termine."
        ),
    )
    add_grid_arguments(parser)
    parser.add_argument(
        "--out",
        metavar="CARPETA",
        type=Path,
        default=DEFAULT_OUT,
        help="carpeta de las ejecuciones; por defecto: reports/runs",
    )
    parser.add_argument("--force", action="store_true", help="vuelve a ejecutar todo, aunque esté en la caché")
    return parser


def grid_from_args(args):
    """``(grid, jobs)`` from the options of ``add_grid_arguments``; raises ``SweepInputError``."""
    grid = load_grid(
        CONFIG,
        learning_rates=args.lr,
        inits=args.init,
        losses=args.loss,
        dataset=args.dataset,
        iterations=args.iterations,
        seeds=args.seeds,
    )
    jobs = None if args.jobs is None else _as_int(args.jobs, 1, "--jobs")
    return grid, jobs


def main(argv=None):
    cli.skip_slow_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        grid, jobs = grid_from_args(args)
        if args.out.exists() and not args.out.is_dir():
            raise SweepInputError(f"--out: {args.out} existe y no es una carpeta.")
        specs = plan(grid)
    except NotebookSyntaxError as error:  # not a command-line mistake: no usage line
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SweepInputError as error:
        parser.error(str(error))
    cli.sigterm_as_interrupt()
    try:
        report = run_specs(specs, grid=grid, out=args.out, jobs=jobs, force=args.force)
    except SweepInterrupted as interrupted:
        done = len(interrupted.report.executed) + len(interrupted.report.cached)
        print(
            f"\nBarrido interrumpido: se detuvieron las ejecuciones en curso y se borraron los archivos temporales. "
            f"{done} de {len(specs)} ejecuciones están completas; vuelva a lanzar el barrido para completar el resto.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("\nBarrido interrumpido; vuelva a lanzarlo para completar lo que falte.", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(report.summary())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
