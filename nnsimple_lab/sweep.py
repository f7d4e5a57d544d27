"""The experiment sweep: a grid of (learning rate, init, loss) -> one executed notebook per run.

    python -m nnsimple_lab.sweep              # the default grid, from lab.toml
    python -m nnsimple_lab.sweep --lr 0.01 0.1 0.5 --init zeros random --loss bce mse --jobs 2

Flow: ``grid`` validates every value (exit 2 on a bad one, before anything is written) and
``cache.plan`` expands the grid to ``RunSpec``s, each with a cache key; ``budget`` refuses work
estimated over a few minutes or the free memory unless confirmed (``--si``) -> ``run_specs``,
holding the runs folder's lock, skips the runs whose finished files carry that key and are
whole, executes the rest (``tasks.execute_run``) in an ``Executor`` (default: a
``pool.WorkerPool``), renames each success into place and writes the manifest. A write the
system refuses (full disk, read-only folder) stops every run and is reported in Spanish. The
runs folder's files are described in ``cache``.

Exit codes: 0 every run ok, 1 some run failed (or the disk refused a write: full, read-only),
2 bad input, 130 interrupted (Ctrl-C, SIGTERM or SIGHUP).
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import sys
from concurrent.futures import as_completed
from pathlib import Path

from nnsimple_lab import cli

try:
    from nnsimple_lab import budget, cache, entry, files, kernels, results, tasks
    from nnsimple_lab.grid import ROOT, SweepInputError, from_args, make_grid
    from nnsimple_lab.pool import WorkerPool
    from nnsimple_lab.sweep_report import SweepInterrupted, Tally

    # imported later: tqdm when there are runs to execute, the others in the workers
    cli.require("tqdm", "papermill", "nbformat", "ipykernel", "matplotlib")
except ModuleNotFoundError as missing:  # run outside the venv: a Spanish message, not a traceback
    cli.outside_environment(missing, __name__, "python -m nnsimple_lab.sweep")

DEFAULT_OUT = ROOT / "reports" / "runs"
PROG = "python -m nnsimple_lab.sweep"
BROKEN_POOL = (
    "no se completó: un proceso de trabajo del barrido terminó de forma inesperada "
    "(¿lo detuvo otro programa o faltó memoria?); vuelva a lanzar el barrido."
)


def _entry(spec, **changes):
    """A run's manifest entry (``results.manifest_entry``), a finished one unless ``changes`` say otherwise."""
    p = spec.parameters
    where = {"learning_rate": p["learning_rate"], "init": p["init"], "loss": p["loss"]}
    return results.manifest_entry(spec.id, **where, cache_key=spec.cache_key, **changes)


def _failed_files(out, run):
    """The failed notebook of ``run`` and its page (render writes ``<id>.failed.html``)."""
    failed = cache.paths(out, run)["failed"]
    return failed, failed.with_suffix(".html")


def _finalize(spec, outcome, out):
    """Put one finished run in place and return its manifest entry.

    Success: arrays to ``<id>.npz``, notebook to ``<id>.ipynb``, then results to ``<id>.json``
    (the finished marker: it names the npz by its SHA-256),
    and an older ``<id>.failed.ipynb`` (and its page) goes. Failure: the executed notebook, if
    any, becomes ``<id>.failed.ipynb``; the temporary results go; a previous good run stays as
    it was. Raises ``files.StorageError`` when a file cannot be put in place.
    """
    final = cache.paths(out, spec.id)
    if outcome.ok:
        files.promote(outcome.arrays, final["arrays"])
        files.promote(outcome.notebook, final["notebook"])
        files.promote(outcome.results, final["results"])
        for path in _failed_files(out, spec.id):
            files.remove(path)
        return _entry(spec)
    notebook = None
    if outcome.notebook and Path(outcome.notebook).exists():
        files.promote(outcome.notebook, final["failed"])
        notebook = final["failed"].name
    for temporary in (outcome.results, outcome.arrays):
        if temporary:
            Path(temporary).unlink(missing_ok=True)
    return _entry(spec, status="failed", notebook=notebook, error=outcome.error)


def _stale(specs, out, force, tally):
    """The specs to execute (not cached, or all with ``force``); the cached ones go in ``tally``."""
    stale = []
    for spec in specs:
        status = "missing" if force else cache.status(spec, out)
        if status == "cached":
            tally.entries[spec.id] = _entry(spec)
            tally.cached.append(spec.id)
            continue
        if status == "damaged":
            tally.damaged.append(spec.id)
        stale.append(spec)
    return stale


def _submit(executor, spec, out, root):
    """Submit the run ``spec`` to ``executor``. One with a ``submit_run`` (``cluster.DaskExecutor``:
    no shared folder) is given the run itself, and its outcome holds the files as data."""
    submit_run = getattr(executor, "submit_run", None)
    if submit_run is not None:
        return submit_run(spec, out, root)
    return executor.submit(tasks.execute_run, spec, out, root)


def _execute(stale, executor, out, root, tally, progress, then=None):
    """Submit the ``stale`` runs to ``executor`` and put each in place as it finishes; files that
    come as data are written and checked first (``tasks.received_run``); ``then`` as in ``run_specs``.

    On Ctrl-C (or SIGTERM, SIGHUP): stop the runs (``_stop``) and raise ``SweepInterrupted``.
    When the disk or folder refuses a write (a run's outcome says so, or putting a file in
    place fails): stop the queued runs too, and raise ``files.StorageError``.
    """
    if not stale:
        return
    from tqdm import tqdm  # not imported (~25 ms) by a build that finds everything cached

    futures = {}
    try:
        for spec in stale:
            futures[_submit(executor, spec, out, root)] = spec
        if then is not None:
            executor.submit(*then)
        quiet = not stale or progress is False or (progress is None and not sys.stderr.isatty())
        with tqdm(total=len(stale), desc="Ejecuciones", unit="ejec.", file=sys.stderr, disable=quiet) as bar:
            for future in as_completed(futures):
                spec = futures[future]
                outcome = tasks.outcome_of(future, broken=BROKEN_POOL)
                if outcome.data is not None:
                    outcome = tasks.received_run(outcome, spec, out)
                if outcome.retried:
                    tally.retried.append((spec.id, outcome.retried))
                tally.entries[spec.id] = _finalize(spec, outcome, out)
                if outcome.storage:
                    raise files.StorageError(None, outcome.storage, str(out), outcome.storage)
                if outcome.ok:
                    tally.executed.append(spec.id)
                    tally.run_seconds.append(outcome.seconds)
                else:
                    tally.failed.append(spec.id)
                bar.set_postfix_str(spec.id, refresh=False)
                bar.update()
    except KeyboardInterrupt:
        _stop(futures, executor, out)
        raise SweepInterrupted(tally.report()) from None
    except files.StorageError:
        _stop(futures, executor, out)
        raise


def _stop(futures, executor, out):
    """Stop the runs in progress and those queued, and remove the temporary files.

    An executor with a ``stop()`` (a ``WorkerPool``, a ``cluster.DaskExecutor``) stops its own:
    a ``WorkerPool``'s futures are not cancelled first, since its own thread marks them failed
    and a cancelled one would make it raise (``InvalidStateError``).
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
    try:
        if hasattr(executor, "stop"):
            executor.stop()
        else:
            for future in futures:
                future.cancel()
        files.remove_temporaries(out)
    finally:
        signal.signal(signal.SIGINT, previous)


def _forget_old_failures(out, entries):
    """Remove the failed notebooks (and pages) of runs that are not failed in this sweep: a fixed
    failure, or a run no longer in the grid, leaves nothing to mislead."""
    failed = {e["id"] for e in entries if e["status"] == "failed"}
    for path in out.glob("*.failed.ipynb"):
        run = path.name.removesuffix(".failed.ipynb")
        if run not in failed:
            for old in _failed_files(out, run):
                files.remove(old)


def stale_specs(specs, out=DEFAULT_OUT, force=False):
    """The specs a sweep would execute now (not cached, or all with ``force``): for ``budget``'s
    estimate, so a notebook is not verified here (``run_specs`` does, and redoes a damaged one)."""
    return list(specs) if force else [s for s in specs if cache.status(s, out, notebook=False) != "cached"]


def run_specs(
    specs,
    *,
    grid,
    out=DEFAULT_OUT,
    root=ROOT,
    jobs=None,
    force=False,
    executor=None,
    progress=None,
    locked=False,
    then=None,
):
    """Execute the runs in ``specs`` that are not cached, put them in place, write the manifest.

    ``specs`` are not validated here (``run_sweep`` does that): a bad value reaches the notebook,
    which fails with its own message. ``executor``: any ``concurrent.futures.Executor`` (it is
    used, not shut down; a ``WorkerPool`` or ``cluster.DaskExecutor`` not yet started is first
    limited to the runs to execute, so that no worker idles); default a ``WorkerPool`` of
    ``jobs`` workers (default one per core), capped at the number of runs to execute, shut down
    at the end. ``progress``: a tqdm bar on stderr (None: only on a terminal). Returns a
    ``SweepReport``; raises ``SweepInterrupted`` on Ctrl-C or SIGTERM after stopping the runs in
    progress (and the workers of a ``WorkerPool``) and removing temporary files; raises
    ``files.StorageError`` (Spanish) when the disk or folder refuses a write, after stopping
    the runs likewise. ``locked``: the caller holds ``out``'s lock (a build holds it throughout).
    """
    out = Path(out).resolve()
    files.make_folder(out)
    tally = Tally(grid, out, specs)
    lock = (
        contextlib.nullcontext()
        if locked
        else files.locked(out, f"Otro barrido está trabajando en {out}; esperando a que termine…")
    )
    with lock:
        _run_locked(
            specs, grid, out, root, tally, jobs=jobs, force=force, executor=executor, progress=progress, then=then
        )
    return tally.report()


def _run_locked(specs, grid, out, root, tally, *, jobs, force, executor, progress, then=None):
    """``run_specs``'s work, ``out``'s lock held: execute the stale runs, write the manifest."""
    kernels.remove_dead_folders()
    files.remove_temporaries(out)
    stale = _stale(specs, out, force, tally)
    own = executor is None
    executor = WorkerPool(jobs, root=root) if own else executor
    if hasattr(executor, "limit") and stale:  # a WorkerPool or a cluster.DaskExecutor
        executor.limit(len(stale))
        tally.jobs = executor.jobs
    try:
        _execute(stale, executor, out, root, tally, progress, then)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    files.remove_temporaries(out)
    entries = [tally.entries[s.id] for s in specs]
    _forget_old_failures(out, entries)
    files.write_json_if_changed(out / results.MANIFEST, results.manifest(grid.as_dict(), entries))


def run_sweep(grid, *, out=DEFAULT_OUT, root=ROOT, jobs=None, force=False, executor=None, progress=None):
    """Validate ``grid`` (a ``Grid``), plan its runs and execute what is not cached (see ``run_specs``)."""
    checked = make_grid(dataclasses.asdict(grid))
    specs = cache.plan(checked, root)
    return run_specs(
        specs, grid=checked, out=out, root=root, jobs=jobs, force=force, executor=executor, progress=progress
    )


# ---------------------------------------------------------------- command line


def build_parser():
    parser = entry.grid_parser(
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
            "  python -m nnsimple_lab.sweep --executor tcp://192.168.1.10:8786\n"
            '  make runs LR="0.01 0.5" INIT=random LOSS="bce mse"\n\n'
            "códigos de salida: 0 todo bien, 1 alguna ejecución falló, 2 valores inválidos,\n"
            "130 interrumpido (Ctrl-C). Si otro barrido usa la misma carpeta, este espera a que termine."
        ),
    )
    parser.add_argument(
        "--out",
        metavar="CARPETA",
        type=Path,
        default=DEFAULT_OUT,
        help="carpeta de las ejecuciones; por defecto: reports/runs",
    )
    parser.add_argument("--force", action="store_true", help="vuelve a ejecutar todo, aunque esté en la caché")
    return parser


def main(argv=None):
    cli.skip_slow_imports()
    cli.interrupt_on_signals()
    prog = cli.from_make() or PROG
    try:
        return _main(argv, prog)
    except SweepInterrupted as interrupted:
        done = len(interrupted.report.executed) + len(interrupted.report.cached)
        total = interrupted.report.planned
        print(
            f"\nBarrido interrumpido: se detuvieron las ejecuciones en curso y se borraron los archivos temporales. "
            f"{done} de {total} ejecuciones están completas; vuelva a lanzar el barrido para completar el resto.",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        print("\nBarrido interrumpido; vuelva a lanzarlo para completar lo que falte.", file=sys.stderr)
    except OSError as error:  # files.StorageError among them: a full disk, a read-only folder
        return entry.storage_failed(prog, error)
    return cli.EXIT_INTERRUPTED


def _main(argv, prog):
    try:
        parser = build_parser()
    except SweepInputError as error:
        return entry.input_error(prog, error)
    args = parser.parse_args(argv)
    try:
        grid, jobs = from_args(args)
        executor = entry.executor_choice(args.executor)
        if args.out.exists() and not args.out.is_dir():
            raise SweepInputError(f"--out: {args.out} existe y no es una carpeta.")
        specs = cache.plan(grid)
    except cache.NotebookSyntaxError as error:  # not a command-line mistake: no usage line
        return entry.input_error(prog, error)
    except SweepInputError as error:
        entry.usage_error(parser, error)
    try:
        entry.confirm_budget(stale_specs(specs, args.out, args.force), jobs=jobs, confirmed=args.si)
    except budget.BudgetError as error:
        return entry.input_error(prog, error)
    try:
        with entry.executor(executor, jobs=jobs) as chosen:
            report = run_specs(specs, grid=grid, out=args.out, jobs=jobs, force=args.force, executor=chosen)
    except entry.ExecutorError as error:
        return entry.input_error(prog, error)
    print(report.summary())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
