"""The whole report in one process: the sweep, the report notebook, its HTML and PDF, the run pages.

    python -m nnsimple_lab.build               # what `make report` runs: the grid of lab.toml
    python -m nnsimple_lab.build --lr 0.01 0.5 --init random --loss bce mse --jobs 2
    python -m nnsimple_lab.build --no-sweep    # `make html`, `make pdf`: from the runs already swept

One build holds ``reports/.lock`` (and ``reports/runs/.lock``) from the sweep to its last file,
as ``make clean`` does: two builds, or a build and a clean, never interleave. Each step runs only
when its outputs are stale, judged by content (``provenance``), so that a second build with
nothing changed rewrites nothing and a report is never "al día" for other runs than its own:

1. the sweep (``sweep.run_specs``): the runs whose cache key changed or whose files are not
   whole, in a ``pool.WorkerPool`` (or on Dask, ``--executor``: ``cluster.DaskExecutor``);
2. ``informe.ipynb``, when the digests of what it was made from (the manifest, the results files
   it lists, the notebook, lab.toml and the code it imports) differ from those sealed in it, or
   it is not whole: papermill executes ``notebooks/informe.ipynb`` on the runs, in a worker of
   the same pool, whose warm kernel has numpy and matplotlib imported already. Written
   atomically: a temporary file, renamed into place only when every cell ran; a failed
   execution is kept as ``informe.failed.ipynb``, and the earlier outputs stay as they were.
   Its two costliest studies are computed ahead in the other worker (``report.studies``): the
   learning-rate scan in the sweep's tail (submitted after the runs), the failing seeds' study
   beside the report; the report reads them when their keys are its own. Once they are stored,
   this process renders the pages of the runs (``runs/<id>.html``);
3. ``informe.html`` and ``informe.pdf`` (``nnsimple_lab.render``), in this process, when the
   executed report or the format's code changed, or the file is not the one rendered
   (``provenance.rendering_current``).

Exit codes: 0 all done; 1 the report shows a failed run (it is still built, and says so), or
the report notebook or a rendering failed, or the disk refused a write; 2 bad input; 130
interrupted (Ctrl-C, SIGTERM or SIGHUP).
"""

from __future__ import annotations

import contextlib
import sys
import time
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from nnsimple_lab import cli

try:
    from nnsimple_lab import budget, cache, entry, files, kernels, provenance, results, sweep, tasks
    from nnsimple_lab.grid import ROOT, SweepInputError, from_args
    from nnsimple_lab.pool import WorkerPool
    from nnsimple_lab.render import formats
    from nnsimple_lab.report.es import plural
    from nnsimple_lab.report_notebook import (
        REPORTS,
        TMP_PREFIX,
        execute_report,
        outputs,
        prefetch_studies,
        rendering_inputs,
        report_inputs,
    )

    cli.require("nbconvert", "typst", "pypandoc", "latex2mathml")  # imported later, to render
except ModuleNotFoundError as missing:  # run outside the venv: a Spanish message, not a traceback
    cli.outside_environment(missing, __name__, "python -m nnsimple_lab.build")

PROG = "python -m nnsimple_lab.build"
BROKEN_WORKER = (
    "el proceso que lo ejecutaba terminó de forma inesperada (¿lo detuvo otro programa o faltó memoria?); "
    "vuelva a lanzar la compilación."
)


class BuildInputError(ValueError):
    """Nothing to build from (no runs swept yet, or a results file that is not its run's); Spanish."""


def _shown(path):
    """A path as the user would type it: relative to the current folder when inside it."""
    path = Path(path)
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)


# ---------------------------------------------------------------- the build


class Build:
    """One build: where, what it did, and its exit code."""

    def __init__(self, reports, say, wanted):
        self.reports = Path(reports)
        self.paths = outputs(reports)
        self.say = say
        self.formats = tuple(wanted)  # the output formats this build writes (names in formats.FORMATS)
        self.status = cli.EXIT_OK
        self.done = []  # the steps that had something to do
        self.report_failed = False  # the report notebook or a rendering failed

    def fail(self, message):
        print(message, file=sys.stderr, flush=True)
        self.status = cli.EXIT_FAILED
        self.report_failed = True


def build(
    specs=None,
    grid=None,
    *,
    reports=REPORTS,
    root=ROOT,
    jobs=None,
    force=False,
    progress=None,
    say=print,
    wanted=tuple(formats.FORMATS),
    executor=None,
):
    """Build what is stale, holding the build's lock throughout; return the exit code.

    ``specs`` and ``grid`` (from ``cache.plan``): the sweep to run first; None: no sweep, the
    runs already in ``reports/runs`` (raises ``BuildInputError`` when there are none, or when
    a results file is not its run's). ``wanted``: the output formats to write (default every
    one in ``formats.FORMATS``). ``jobs``: worker processes (default one per core). ``say``:
    where the summary goes. ``executor``: where the sweep's runs execute (a ``cluster.DaskExecutor``,
    say); default this build's pool, where the report notebook always executes. Raises
    ``sweep.SweepInterrupted`` (or ``KeyboardInterrupt``), or ``files.StorageError`` when the
    disk refuses a write, after stopping the workers and removing temporary files.
    """
    start = time.perf_counter()
    state = Build(reports, say, wanted)
    runs = state.paths["runs"]
    files.make_folder(runs)
    waiting = f"Otra compilación (o make clean) está trabajando en {_shown(reports)}; esperando a que termine…"
    with files.locked(reports, waiting), files.locked(runs, waiting):
        kernels.remove_dead_folders()
        workers = WorkerPool(jobs, root=root)
        _steps(state, workers, executor or workers, specs, grid, root=root, force=force, progress=progress)
    _finish(state)
    say(f"Listo en {time.perf_counter() - start:.1f} s.")
    return state.status


def _steps(state, workers, runner, specs, grid, *, root, force, progress):
    """Steps 1 to 3: the sweep in ``runner`` (``workers`` or a cluster's executor), the report in
    ``workers``; stopped (and the temporaries gone) when interrupted or refused."""
    try:
        _sweep(state, runner, specs, grid, root=root, force=force, progress=progress)
        _report(state, workers, root, checked=specs is not None)
    except (KeyboardInterrupt, OSError):
        workers.stop()
        files.remove_temporaries(state.paths["runs"])
        files.remove_temporaries(state.reports, (f"{TMP_PREFIX}*",))
        raise
    finally:
        workers.shutdown()


def _finish(state):
    """Say what the build left: the report "al día", or the failed runs it shows (exit code 1)."""
    if not state.done:
        shown = " y ".join(_shown(state.paths[name]) for name in state.formats)
        state.say(f"El informe está al día: {shown}.")
    failed = [] if state.report_failed else provenance.facts(state.paths["notebook"]).get("failed", [])
    if failed:
        state.status = cli.EXIT_FAILED
        print(
            f"Informe generado, pero muestra {plural(len(failed), 'ejecución fallida', 'ejecuciones fallidas')}: "
            f"{', '.join(failed)} (vea el resumen del barrido o {_shown(state.paths['runs'])}).",
            file=sys.stderr,
        )


def _sweep(state, workers, specs, grid, *, root, force, progress):
    """Step 1 (see the module's docstring); without ``specs``, check that there are runs."""
    runs = state.paths["runs"]
    if specs is None:
        if not (runs / results.MANIFEST).exists():
            raise BuildInputError(
                f"No hay ejecuciones en {_shown(runs)}: ejecute primero el barrido (make runs o make report)."
            )
        return
    early = (prefetch_studies, state.reports, grid.as_dict()) if isinstance(workers, WorkerPool) else None
    report = sweep.run_specs(
        specs, grid=grid, out=runs, root=root, force=force, executor=workers, progress=progress, locked=True, then=early
    )
    state.say(report.summary())
    state.status = report.exit_code


def _refuse_foreign_records(runs):
    """Without a sweep: ``BuildInputError`` naming every results file that is not its run's (or
    not whole), instead of a report that would show one run's numbers as another's."""
    manifest = results.read_manifest(runs)
    ok = {e["id"] for e in manifest["runs"] if e.get("status") == "ok"}
    bad = [e for e in results.load_runs(runs) if e["id"] in ok and e["status"] != "ok"]
    if bad:
        lines = "\n".join(f"  {e['error']}" for e in bad)
        raise BuildInputError(
            f"No se generó el informe: en {_shown(runs)} hay resultados que no son los de su ejecución "
            f"o están dañados:\n{lines}\nVuelva a calcularlos con make report (rehace solo esas ejecuciones)."
        )


def _report(state, workers, root, *, checked):
    """Steps 2 and 3 (see the module's docstring). ``checked``: the sweep has just verified the
    runs' files; otherwise (``make html``) a results file that is not its run's stops the build."""
    reports, paths = state.reports, state.paths
    files.remove_temporaries(reports, (f"{TMP_PREFIX}*",))
    future = prefetch = None
    inputs = report_inputs(reports, root)
    stale = provenance.notebook_problem(paths["notebook"], inputs)
    if stale and not checked:
        _refuse_foreign_records(paths["runs"])
    files.remove(paths["failed"])  # executed again, or current: an earlier failure is over
    if stale:
        failed = [e["id"] for e in results.load_runs(paths["runs"]) if e["status"] != "ok"]
        future = _submit(workers, execute_report, reports, root, made_from=inputs, facts={"failed": failed})
        if workers.started and workers.jobs >= 2:  # the other worker computes the report's costliest studies
            with contextlib.suppress(BrokenProcessPool):
                prefetch = workers.submit(prefetch_studies, reports)
    if prefetch is not None:  # this core's first job: the report waits for the studies, not for the run pages
        wait([prefetch])
    pages = _render(state, "runs") if "html" in state.formats else None  # meanwhile, here
    if pages:
        state.done.append("pages")
        state.say(f"Páginas de ejecuciones: {len(pages)} nuevas o actualizadas en {_shown(paths['runs'])}")
    if future is not None and not _report_executed(state, workers, future):
        return  # the earlier informe.ipynb, .html and .pdf stay as they were
    made_from = {name: rendering_inputs(name, reports, root) for name in state.formats}
    due = [n for n in state.formats if not provenance.rendering_current(reports, n, paths[n], made_from[n])]
    if paths["notebook"].exists() and due:
        state.done.append("render")
        timings = _render(state, due)
        for name in timings or ():
            provenance.note_rendering(reports, name, paths[name], made_from[name])
            state.say(f"{formats.FORMATS[name].label} escrito: {_shown(paths[name])} ({timings[name]:.2f} s)")


def _report_executed(state, workers, future):
    """Put the executed report in place when ``future`` (of ``execute_report``) succeeded; True then."""
    outcome = tasks.outcome_of(future, broken=BROKEN_WORKER)
    workers.shutdown(wait=False)  # the workers end and kill their kernels while we render
    state.done.append("notebook")
    paths = state.paths
    if outcome.storage:
        raise files.StorageError(None, outcome.storage, str(paths["notebook"]), outcome.storage)
    if not outcome.ok:
        if outcome.notebook:
            files.promote(outcome.notebook, paths["failed"])
            state.fail(f"El informe falló: vea {_shown(paths['failed'])}\n  {outcome.error}")
        else:
            state.fail(f"El informe falló: {outcome.error}")
        return False
    files.promote(outcome.notebook, paths["notebook"])
    state.say(f"Informe ejecutado: {_shown(paths['notebook'])} ({outcome.seconds:.1f} s)")
    return True


def _render(state, what):
    """The one place that calls the renderer: ``what`` is "runs" (the run pages, changed ones only)
    or the names of the formats to write the executed report in. Returns the renderer's answer
    (pages written, or seconds per format), or None after reporting its error."""
    from nnsimple_lab import render

    try:
        if what == "runs":
            return render.render_runs(state.paths["runs"])
        return render.render(state.paths["notebook"], **{name: state.paths[name] for name in what})
    except render.RenderError as error:
        state.fail(f"error: {error}")
        return None


def _submit(workers, fn, *args, **kwargs):
    """Submit to ``workers``, one worker is enough; a pool broken by the sweep is replaced."""
    workers.limit(1)
    try:
        return workers.submit(fn, *args, **kwargs)
    except BrokenProcessPool:
        workers.shutdown()
        fresh = WorkerPool(1)
        future = fresh.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _: fresh.shutdown(wait=False))
        return future


# ---------------------------------------------------------------- command line


DESCRIPTION = (
    "Genera todo el informe del laboratorio NNsimple en un solo proceso: el barrido de\n"
    "experimentos (como nnsimple_lab.sweep), el cuaderno del informe ejecutado (reports/informe.ipynb),\n"
    "sus versiones HTML y PDF y las páginas de cada ejecución (reports/runs/<id>.html).\n"
    "Solo rehace lo que cambió: una segunda ejecución sin cambios no reescribe nada."
)
EPILOG = (
    "ejemplos:\n"
    "  python -m nnsimple_lab.build\n"
    "  python -m nnsimple_lab.build --lr 0.01 0.1 0.5 1.0 --init zeros random --loss bce mse --jobs 2\n"
    "  python -m nnsimple_lab.build --no-sweep --formato pdf\n\n"
    "códigos de salida: 0 todo bien; 1 alguna ejecución falló (el informe se genera igual y lo\n"
    "indica), o falló el informe o su conversión; 2 valores inválidos; 130 interrumpido (Ctrl-C)."
)


def build_parser():
    parser = entry.grid_parser(PROG, DESCRIPTION, epilog=EPILOG)
    parser.add_argument(
        "--force", action="store_true", help="vuelve a ejecutar todo el barrido, aunque esté en la caché"
    )
    parser.add_argument(
        "--no-sweep",
        action="store_true",
        help="sin barrido: el informe de las ejecuciones que ya están en la carpeta",
    )
    parser.add_argument(
        "--reports",
        metavar="CARPETA",
        type=Path,
        default=REPORTS,
        help="carpeta del informe (las ejecuciones van en CARPETA/runs); por defecto: reports",
    )
    parser.add_argument(
        "--formato",
        nargs="+",
        choices=list(formats.FORMATS),
        metavar="FORMATO",
        help=f"solo estas versiones del informe ({', '.join(formats.FORMATS)}); por defecto: todas",
    )
    return parser


def _plan(args):
    """``(grid, jobs, specs)`` from the command line (``specs`` None with ``--no-sweep``)."""
    if args.reports.exists() and not args.reports.is_dir():
        raise SweepInputError(f"--reports: {args.reports} existe y no es una carpeta.")
    grid, jobs = from_args(args)
    return grid, jobs, None if args.no_sweep else cache.plan(grid)


def main(argv=None):
    cli.skip_slow_imports()
    cli.interrupt_on_signals()
    prog = cli.from_make() or PROG
    try:
        return _main(argv, prog)
    except sweep.SweepInterrupted as interrupted:
        done = len(interrupted.report.executed) + len(interrupted.report.cached)
        print(
            "\nInterrumpido durante el barrido: se detuvieron las ejecuciones en curso y se borraron los archivos "
            f"temporales. {done} de {interrupted.report.planned} ejecuciones están completas; "
            "vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        print(
            "\nInterrumpido: se detuvo el informe en curso y se borraron los archivos temporales; "
            "lo ya generado quedó como estaba. Vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
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
        grid, jobs, specs = _plan(args)
        executor = entry.executor_choice(args.executor)
    except cache.NotebookSyntaxError as error:  # not a command-line mistake: no usage line
        return entry.input_error(prog, error)
    except SweepInputError as error:
        entry.usage_error(parser, error)
    try:
        if specs is not None:
            stale = sweep.stale_specs(specs, outputs(args.reports)["runs"], args.force)
            entry.confirm_budget(stale, jobs=jobs, confirmed=args.si)
    except budget.BudgetError as error:
        return entry.input_error(prog, error)
    try:
        wanted = tuple(dict.fromkeys(args.formato or formats.FORMATS))
        with entry.executor("pool" if specs is None else executor, jobs=jobs) as chosen:
            return build(specs, grid, reports=args.reports, jobs=jobs, force=args.force, wanted=wanted, executor=chosen)
    except (BuildInputError, results.ResultsError, entry.ExecutorError) as error:
        return entry.input_error(prog, error)


if __name__ == "__main__":
    sys.exit(main())
