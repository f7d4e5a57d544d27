"""What a worker does: execute one notebook with papermill, or one run of the sweep.

A task never writes a final path: it executes into temporary files and returns an
``Outcome`` (data: whether it worked, how long it took, the temporary files, the error's
line), and the driver puts the files in place. Tasks run in a ``pool.WorkerPool`` worker (in
its warm kernel) or anywhere else (in a kernel of their own).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import traceback
import uuid
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from nnsimple_lab import cache, files, kernels, pool, provenance, results
from nnsimple_lab.grid import ROOT

ENGINE = "nnsimple-warm"  # papermill's name for engine.WarmEngine (its entry point in pyproject.toml)
BINARY = ("image/png", "image/jpeg", "application/pdf")  # outputs whose text is base64: paths never in it


PATH = {"path": True}  # the metadata of an ``Outcome`` field that holds a temporary file's path


@dataclass
class Outcome:
    """What a worker reports about one notebook. Paths are the temporary ones it wrote.

    Every field that holds a file is marked ``PATH`` (``files()`` lists them): a worker with no
    shared folder sends them as data (``packed``), and the driver writes them back
    (``unpacked``) with no other change when a field is added.
    """

    ok: bool
    seconds: float
    notebook: str | None = field(default=None, metadata=PATH)  # executed notebook, if papermill wrote a whole one
    results: str | None = field(default=None, metadata=PATH)  # results file of a run
    arrays: str | None = field(default=None, metadata=PATH)  # its arrays, the .npz beside it
    error: str | None = None  # the line that says what went wrong (``error_line``)
    storage: str | None = None  # when the disk or folder refused a write: what to do (Spanish); stop all
    data: dict | None = None  # ``packed``: {field: (file name, bytes)} instead of the paths
    retried: str | None = None  # executed a second time after this error of the first (``cluster``)

    def files(self):
        """``{field: temporary path}`` of every file this outcome holds."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("path") and getattr(self, f.name)}

    def packed(self):
        """This outcome with its files as data (their bytes, read and then removed): to send it
        to a driver that cannot read this machine's folders."""
        data = {}
        for name, path in self.files().items():
            with contextlib.suppress(FileNotFoundError):  # a failed notebook may be gone
                data[name] = (Path(path).name, Path(path).read_bytes())
                Path(path).unlink()
        return replace(self, data=data, **{name: None for name in self.files()})

    def unpacked(self, folder):
        """A ``packed`` outcome's files written back, each as a temporary file in ``folder``
        (``files.write_atomic``: whole or absent), and the outcome that names them."""
        paths = {}
        for name, (file_name, blob) in (self.data or {}).items():
            temporary = Path(folder) / f"{files.TMP_PREFIX}{Path(file_name).name.removeprefix(files.TMP_PREFIX)}"
            files.write_atomic(temporary, blob)
            paths[name] = str(temporary)
        return replace(self, data=None, **paths)


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


def storage_failure(error):
    """The Spanish message when ``error`` (maybe a notebook's own, from papermill) says the disk or
    the folder refuses writes (full, read-only, no permission), else None: every later run would
    fail the same way, so the sweep stops."""
    if files.is_storage_failure(error):
        return str(files.storage_error(error))
    ename, evalue = getattr(error, "ename", None), str(getattr(error, "evalue", ""))
    if ename == "StorageError":  # files.write_atomic in the notebook: already a Spanish message
        return evalue
    if ename in ("OSError", "PermissionError"):
        for code in files.CAUSES:
            if f"[Errno {code}]" in evalue:
                cause, advice = files.CAUSES[code]
                return f"El cuaderno no pudo escribir sus archivos: {cause} ({evalue}). Qué hacer: {advice}."
    return None


def without_paths(node, replacements):
    """Replace, in place, every ``(old, new)`` of ``replacements`` in the strings of a notebook
    (sources, outputs, metadata): the builder's absolute paths never reach ``reports/``."""
    pairs = sorted(replacements, key=lambda pair: -len(pair[0]))

    def fix(value, key=None):
        if isinstance(value, str) and key not in BINARY:
            for old, new in pairs:
                value = value.replace(old, new)
            return value
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            for k in value:
                value[k] = fix(value[k], k)
        return value

    fix(node)
    return node


def path_replacements(folder, root, *renamed):
    """What ``without_paths`` replaces in a notebook that lives in ``folder``: each ``(temporary,
    final)`` of ``renamed`` by the final name, then ``folder`` and ``root`` by relative names and
    the home folder by ``~``."""
    folder, root = str(Path(folder).resolve()), str(Path(root).resolve())
    pairs = [(str(old), Path(new).name) for old, new in renamed]
    pairs += [(folder + os.sep, ""), (root + os.sep, ""), (folder, "."), (root, ".")]
    home = str(Path.home())
    if len(home) > 1:
        pairs.append((home + os.sep, "~" + os.sep))
    return pairs


def outcome_of(future, *, broken):
    """The ``Outcome`` of a submitted task's ``future``, also when the task itself raised.

    ``broken``: the error line when the worker process died (the pool is broken).
    """
    try:
        return future.result()
    except BrokenProcessPool:
        return Outcome(False, 0.0, error=broken)
    except Exception as error:
        return Outcome(False, 0.0, error=error_line(error))


def execute_notebook(source, target, parameters, *, root=ROOT, kernel_name=kernels.KERNEL, kernel=None, finish=None):
    """Execute the notebook ``source`` with papermill into ``target``; return the executed notebook.

    ``kernel``: a ``WarmKernel`` to execute in, reset first; default the pool worker's own, and
    outside a pool a kernel of the notebook's own, started in ``root`` and killed after. ``target``
    is written once, at the end (no save after every cell: nobody reads it meanwhile), also when
    a cell fails: papermill then writes it with the error and raises ``PapermillExecutionError``.
    ``finish(nb)``: changes the executed notebook just before it is written (``engine.WarmEngine``).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    common = {
        "parameters": parameters,
        "kernel_name": kernel_name,
        "cwd": str(root),  # the kernel imports the project's modules from here first
        "progress_bar": False,
        "request_save_on_cell_execute": False,
        # One stream output per cell and name: the kernel may send a print in one message or in
        # two ("text", then "\n") depending on timing, which would make the same run's notebook
        # and page differ from build to build (an empty output box).
        "coalesce_streams": True,
        "engine_name": ENGINE,
        "finish": finish,
    }
    worker = pool.current()
    kernel = kernel or (worker.kernel_for(root, kernel_name) if worker else None)
    if kernel is None:
        sockets = kernels.sockets_folder()
        try:
            return papermill.execute_notebook(
                str(source),
                str(target),
                shutdown_kernel="immediate",  # results are on disk: no graceful wait
                config=kernels.kernel_config(sockets / "kernel"),
                **common,
            )
        finally:
            shutil.rmtree(sockets, ignore_errors=True)
    try:
        kernel.reset()
        return papermill.execute_notebook(str(source), str(target), kernel=kernel, **common)
    except PapermillExecutionError:
        raise  # a cell raised: the kernel itself is fine
    except Exception:
        kernel.shutdown()  # dead, stuck or half-reset: the worker's next notebook gets a new one
        raise


def execute(source, tmp, final, parameters, *, root=ROOT, kernel_name=kernels.KERNEL, check=None, also=(), **seal):
    """Execute ``source`` into the temporary file ``tmp``, as the notebook that will live at ``final``.

    ``check()``: raises if what the notebook wrote is not right (called while papermill works in
    ``root``: its paths must be absolute). ``also``: other temporary files
    the notebook writes, as ``(temporary, final)`` pairs (named by their final names in the
    notebook). ``seal``: ``made_from=…`` (and ``facts=…``), what the notebook is made from
    (``provenance.seal``).
    The builder's paths are replaced by relative ones (``without_paths``), in a failed notebook
    too; a failed notebook that is not whole (a full disk) is removed. Returns an ``Outcome``;
    a SIGTERM meanwhile (in a pool worker) removes ``tmp`` and ``also`` and ends the worker.
    """
    start = time.perf_counter()
    replacements = path_replacements(Path(final).parent, root, (tmp, final), *also)
    refused = []  # what ``check`` raised, if it did

    def finish(notebook):
        """Before papermill writes ``tmp`` (once): relative paths, then, unless a cell failed, the
        check and the seal if it passes. Never raises: papermill would not write the notebook then
        (a failed one is kept, never sealed)."""
        # papermill recorded the temporary path; the notebook will live at its final one
        notebook.metadata.papermill["output_path"] = str(final)
        without_paths(notebook, replacements)
        if notebook.metadata.papermill.get("exception"):  # papermill raises for the cell next
            return
        try:
            if check is not None:
                check()
        except Exception as error:
            refused.append(error)
            return
        if "made_from" in seal:
            provenance.seal(notebook, seal["made_from"], seal.get("facts"))

    with pool.interruptible(tmp, *(t for t, _ in also)):
        try:
            execute_notebook(source, tmp, parameters, root=root, kernel_name=kernel_name, finish=finish)
            if refused:
                raise refused[0]
        except Exception as error:
            written = _whole_failed_notebook(tmp, replacements)
            line, storage = error_line(error), storage_failure(error)
            return Outcome(False, time.perf_counter() - start, notebook=written, error=line, storage=storage)
    return Outcome(True, time.perf_counter() - start, notebook=str(tmp))


def _whole_failed_notebook(tmp, replacements):
    """The path of the notebook papermill wrote for a failed execution, its paths made relative;
    None (and no file) when it is missing or not whole."""
    import nbformat

    try:
        node = nbformat.reads(Path(tmp).read_text(encoding="utf-8"), as_version=4)
        nbformat.write(without_paths(node, replacements), str(tmp))
        return str(tmp)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, json.JSONDecodeError, KeyError, TypeError):
        Path(tmp).unlink(missing_ok=True)
        return None


def execute_run(spec, out, root=ROOT, kernel_name=kernels.KERNEL):
    """Execute the experiment notebook for one run (a ``cache.RunSpec``) into temporary files in ``out``.

    Returns an ``Outcome``; ``ok`` only when the notebook ran to the end and its results file
    passes ``results.read_run`` with the run's cache key.
    """
    out, root = Path(out).resolve(), Path(root).resolve()  # absolute: ``check`` runs in root
    stem = f"{files.TMP_PREFIX}{spec.id}-{uuid.uuid4().hex[:8]}"
    tmp_results = out / f"{stem}.json"
    tmp_arrays = results.arrays_path(tmp_results)  # written by results.write_run with the JSON
    parameters = {**spec.parameters, "results_path": str(tmp_results), "cache_key": spec.cache_key}

    def check():
        check_results(tmp_results, spec)

    final = cache.paths(out, spec.id)
    outcome = execute(
        root / cache.NOTEBOOK,
        out / f"{stem}.ipynb",
        final["notebook"],
        parameters,
        root=root,
        kernel_name=kernel_name,
        check=check,
        also=((tmp_results, final["results"]), (tmp_arrays, final["arrays"])),
        made_from=cache.made_from(spec),
    )
    if outcome.ok:
        outcome.results, outcome.arrays = str(tmp_results), str(tmp_arrays)
    return outcome


def check_results(path, spec):
    """Raise ``results.ResultsError`` unless the results file ``path`` is whole (checksum) and
    carries the run ``spec``'s cache key."""
    if results.read_run(path).get("cache_key") != spec.cache_key:
        raise results.ResultsError("el cuaderno guardó resultados con otra clave de caché")


def received_run(outcome, spec, out):
    """The ``packed`` outcome of the run ``spec``, its files written as temporaries in ``out``
    and checked as a worker checks them (``check_results``, and the notebook sealed as the
    run's); a file that is not the run's makes it a failure, its files removed. Raises
    ``files.StorageError`` when ``out`` refuses the write.
    """
    outcome = outcome.unpacked(out)
    if not outcome.ok:
        return outcome
    try:
        check_results(outcome.results, spec)
        problem = provenance.notebook_problem(outcome.notebook, cache.made_from(spec))
        if problem:
            raise results.ResultsError(problem)
    except (results.ResultsError, TypeError) as error:
        for path in outcome.files().values():
            Path(path).unlink(missing_ok=True)
        return Outcome(
            False, outcome.seconds, error=f"los archivos recibidos de la ejecución no son los suyos: {error}"
        )
    return outcome
