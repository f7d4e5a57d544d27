"""The whole report in one process: the sweep, the report notebook, its HTML and PDF, the run pages.

    python -m nnsimple_lab.build               # what `make report` runs: the grid of lab.toml
    python -m nnsimple_lab.build --lr 0.01 0.5 --init random --loss bce mse --jobs 2
    python -m nnsimple_lab.build --no-sweep    # `make html`, `make pdf`: from the runs already swept

Each step only when its outputs are stale (as make decides: missing, or older than something
they are made from), so that a second build with nothing changed rewrites nothing:

1. the sweep (``sweep.run_specs``): the runs whose cache key changed, in a ``pool.WorkerPool``;
2. ``informe.ipynb``: papermill executes ``notebooks/informe.ipynb`` on the runs, in a worker of
   the same pool, whose warm kernel has numpy and matplotlib imported already. Written
   atomically: a temporary file, renamed into place only when every cell ran; a failed
   execution is kept as ``informe.failed.ipynb``, and the earlier outputs stay as they were.
   Meanwhile this process renders the pages of the runs (``runs/<id>.html``);
3. ``informe.html`` and ``informe.pdf`` (``nnsimple_lab.render``), in this process: nbconvert is
   imported once, for the run pages and the report.

What the executed report and its renderings are made from is derived from the imports
(``deps``): the report notebook's modules, and the renderer's.

Exit codes: 0 all done; 1 some run failed (the report is still built, and shows the failure),
or the report notebook or a rendering failed; 2 bad input; 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import sys
import time
import uuid
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from nnsimple_lab import cache, cli, deps, files, results, sweep, tasks
from nnsimple_lab.grid import CONFIG, ROOT, SweepInputError, from_args
from nnsimple_lab.kernels import KERNEL
from nnsimple_lab.pool import WorkerPool
from nnsimple_lab.render import formats

REPORTS = ROOT / "reports"
NOTEBOOK = Path("notebooks") / "informe.ipynb"  # relative to the project root
TMP_PREFIX = ".informe.tmp-"

PROG = "python -m nnsimple_lab.build"
BROKEN_WORKER = (
    "el proceso que lo ejecutaba terminó de forma inesperada (¿lo detuvo otro programa o faltó memoria?); "
    "vuelva a lanzar la compilación."
)


class BuildInputError(ValueError):
    """Nothing to build from (no runs swept yet); the message is Spanish."""


def outputs(reports=REPORTS):
    """The build's outputs in ``reports``: ``{"runs", "notebook", "failed", "html", "pdf"}``."""
    reports = Path(reports)
    return {
        "runs": reports / "runs",
        "notebook": reports / "informe.ipynb",
        "failed": reports / "informe.failed.ipynb",
        **{name: reports / f"informe{f.suffix}" for name, f in formats.FORMATS.items()},
    }


def stale(target, sources):
    """True when ``target`` is missing or older than any of ``sources`` (missing ones are ignored)."""
    try:
        made = Path(target).stat().st_mtime_ns
    except FileNotFoundError:
        return True
    for source in sources:
        with contextlib.suppress(FileNotFoundError):
            if Path(source).stat().st_mtime_ns > made:
                return True
    return False


def notebook_sources(reports=REPORTS, root=ROOT):
    """The files the executed report depends on: the runs' JSON files (manifest included) and the code."""
    root = Path(root)
    code = deps.notebook_dependencies(root / NOTEBOOK, root)
    return [*sorted(outputs(reports)["runs"].glob("*.json")), root / NOTEBOOK, root / CONFIG.name, *code]


def render_sources(reports=REPORTS, root=ROOT):
    """The files the renderings depend on: the executed report, then per format its code and templates.

    ``{format name: [files]}``; each format is stale on its own (``make pdf`` renders only the PDF).
    """
    notebook = outputs(reports)["notebook"]
    return {name: [notebook, *formats.sources(name, root)] for name in formats.FORMATS}


def _shown(path):
    """A path as the user would type it: relative to the current folder when inside it."""
    path = Path(path)
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)


def execute_report(reports=REPORTS, root=ROOT, kernel_name=KERNEL):
    """Execute ``notebooks/informe.ipynb`` on ``reports/runs`` into a temporary file in ``reports``.

    Runs in a worker (its warm kernel, see ``tasks.execute_notebook``); returns a ``tasks.Outcome``.
    Never writes a final path.
    """
    reports, root = Path(reports).resolve(), Path(root).resolve()
    final = outputs(reports)
    tmp = reports / f"{TMP_PREFIX}{uuid.uuid4().hex[:8]}.ipynb"
    parameters = {"runs_dir": str(final["runs"]), "lab_toml": str(root / CONFIG.name)}
    return tasks.execute(root / NOTEBOOK, tmp, final["notebook"], parameters, root=root, kernel_name=kernel_name)


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
):
    """Build what is stale; return the exit code.

    ``specs`` and ``grid`` (from ``cache.plan``): the sweep to run first; None: no sweep, the
    runs already in ``reports/runs`` (raises ``BuildInputError`` when there are none).
    ``wanted``: the output formats to write (default every one in ``formats.FORMATS``).
    ``jobs``: worker processes (default one per core). ``say``: where the summary goes.
    Raises ``sweep.SweepInterrupted`` (or ``KeyboardInterrupt``) after stopping the workers and
    removing temporary files.
    """
    start = time.perf_counter()
    state = Build(reports, say, wanted)
    workers = WorkerPool(jobs, root=root)
    try:
        _sweep(state, workers, specs, grid, root=root, force=force, progress=progress)
        _report(state, workers, root)
    except KeyboardInterrupt:
        workers.stop()
        files.remove_temporaries(state.paths["runs"])
        files.remove_temporaries(reports, (f"{TMP_PREFIX}*",))
        raise
    finally:
        workers.shutdown()
    if not state.done:
        shown = " y ".join(_shown(state.paths[name]) for name in state.formats)
        say(f"El informe está al día: {shown}.")
    if state.status == cli.EXIT_FAILED and not state.report_failed:
        print("Informe generado, pero hubo ejecuciones fallidas (vea el resumen del barrido).", file=sys.stderr)
    say(f"Listo en {time.perf_counter() - start:.1f} s.")
    return state.status


def _sweep(state, workers, specs, grid, *, root, force, progress):
    """Step 1 (see the module's docstring); without ``specs``, check that there are runs."""
    runs = state.paths["runs"]
    if specs is None:
        if not (runs / results.MANIFEST).exists():
            raise BuildInputError(
                f"No hay ejecuciones en {_shown(runs)}: ejecute primero el barrido (make runs o make report)."
            )
        return
    report = sweep.run_specs(specs, grid=grid, out=runs, root=root, force=force, executor=workers, progress=progress)
    state.say(report.summary())
    state.status = report.exit_code


def _report(state, workers, root):
    """Steps 2 and 3 (see the module's docstring), holding ``reports/.lock``."""
    reports, paths = state.reports, state.paths
    reports.mkdir(parents=True, exist_ok=True)
    waiting = f"Otra compilación del informe está trabajando en {_shown(reports)}; esperando a que termine…"
    with files.locked(reports, waiting):
        files.remove_temporaries(reports, (f"{TMP_PREFIX}*",))
        future = None
        if stale(paths["notebook"], notebook_sources(reports, root)):
            paths["failed"].unlink(missing_ok=True)
            future = _submit(workers, execute_report, reports, root)
        pages = _render(state, "runs") if "html" in state.formats else None  # meanwhile, here
        if pages:
            state.done.append("pages")
            state.say(f"Páginas de ejecuciones: {len(pages)} nuevas o actualizadas en {_shown(paths['runs'])}")
        if future is not None and not _report_executed(state, workers, future):
            return  # the earlier informe.ipynb, .html and .pdf stay as they were
        sources = render_sources(reports, root)
        due = [name for name in state.formats if stale(paths[name], sources[name])]
        if paths["notebook"].exists() and due:
            state.done.append("render")
            timings = _render(state, due)
            for name in timings or ():
                state.say(f"{formats.FORMATS[name].label} escrito: {_shown(paths[name])} ({timings[name]:.2f} s)")


def _report_executed(state, workers, future):
    """Put the executed report in place when ``future`` (of ``execute_report``) succeeded; True then."""
    outcome = tasks.outcome_of(future, broken=BROKEN_WORKER)
    workers.shutdown(wait=False)  # the workers end and kill their kernels while we render
    state.done.append("notebook")
    paths = state.paths
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


def _submit(workers, fn, *args):
    """Submit to ``workers``, one worker is enough; a pool broken by the sweep is replaced."""
    workers.limit(1)
    try:
        return workers.submit(fn, *args)
    except BrokenProcessPool:
        workers.shutdown()
        fresh = WorkerPool(1)
        future = fresh.submit(fn, *args)
        future.add_done_callback(lambda _: fresh.shutdown(wait=False))
        return future


# ---------------------------------------------------------------- command line


def build_parser():
    parser = sweep.grid_parser(
        PROG,
        (
            "Genera todo el informe del laboratorio NNsimple en un solo proceso: el barrido de\n"
            "experimentos (como nnsimple_lab.sweep), el cuaderno del informe ejecutado (reports/informe.ipynb),\n"
            "sus versiones HTML y PDF y las páginas de cada ejecución (reports/runs/<id>.html).\n"
            "Solo rehace lo que cambió: una segunda ejecución sin cambios no reescribe nada."
        ),
        epilog=(
            "ejemplos:\n"
            "  python -m nnsimple_lab.build\n"
            "  python -m nnsimple_lab.build --lr 0.01 0.1 0.5 1.0 --init zeros random --loss bce mse --jobs 2\n"
            "  python -m nnsimple_lab.build --no-sweep --formato pdf\n\n"
            "códigos de salida: 0 todo bien; 1 alguna ejecución falló (el informe se genera igual y lo\n"
            "indica), o falló el informe o su conversión; 2 valores inválidos; 130 interrumpido (Ctrl-C)."
        ),
    )
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
    try:
        parser = build_parser()
    except SweepInputError as error:
        return sweep.input_error(PROG, error)
    args = parser.parse_args(argv)
    try:
        grid, jobs, specs = _plan(args)
    except cache.NotebookSyntaxError as error:  # not a command-line mistake: no usage line
        return sweep.input_error(PROG, error)
    except SweepInputError as error:
        parser.error(str(error))
    cli.sigterm_as_interrupt()
    try:
        wanted = tuple(dict.fromkeys(args.formato or formats.FORMATS))
        return build(specs, grid, reports=args.reports, jobs=jobs, force=args.force, wanted=wanted)
    except BuildInputError as error:
        return sweep.input_error(PROG, error)
    except sweep.SweepInterrupted as interrupted:
        done = len(interrupted.report.executed) + len(interrupted.report.cached)
        print(
            "\nInterrumpido durante el barrido: se detuvieron las ejecuciones en curso y se borraron los archivos "
            f"temporales. {done} de {len(specs)} ejecuciones están completas; "
            "vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
        return cli.EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print(
            "\nInterrumpido: se detuvo el informe en curso y se borraron los archivos temporales; "
            "lo ya generado quedó como estaba. Vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
        return cli.EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
