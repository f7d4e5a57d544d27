"""The whole report in one process: the sweep, the report notebook, its HTML and PDF, the run pages.

    python build.py                         # what `make report` runs: the grid of lab.toml
    python build.py --lr 0.01 0.5 --init random --loss bce mse --jobs 2
    python build.py --no-sweep              # `make html`, `make pdf`: from the runs already swept

Each step only when its outputs are stale (as make decides: missing, or older than something
they are made from), so that a second build with nothing changed rewrites nothing:

1. the sweep (``sweep.run_specs``): the runs whose cache key changed, in a ``sweep.WorkerPool``;
2. ``informe.ipynb``: papermill executes ``notebooks/informe.ipynb`` on the runs, in a worker of
   the same pool, whose warm kernel has numpy and matplotlib imported already. Written
   atomically: a temporary file, renamed into place only when every cell ran; a failed
   execution is kept as ``informe.failed.ipynb``, and the earlier outputs stay as they were.
   Meanwhile this process renders the pages of the runs (``runs/<id>.html``);
3. ``informe.html`` and ``informe.pdf`` (``render.py``), in this process: nbconvert is
   imported once, for the run pages and the report.

Exit codes: 0 all done; 1 some run failed (the report is still built, and shows the failure),
or the report notebook or a rendering failed; 2 bad input; 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import uuid
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from nnsimple_lab import cli, deps, results, sweep

ROOT = sweep.ROOT
REPORTS = ROOT / "reports"
NOTEBOOK = Path("notebooks") / "informe.ipynb"  # relative to the project root
# What the executed report is made from besides the runs and the code its notebook imports.
NOTEBOOK_SOURCES = ("notebooks/informe.ipynb", "lab.toml")
TMP_PREFIX = ".informe.tmp-"

PROG = "python -m nnsimple_lab.build"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED
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
        "html": reports / "informe.html",
        "pdf": reports / "informe.pdf",
    }


def _files(root, patterns):
    for pattern in patterns:
        yield from (path for path in Path(root).glob(pattern) if path.is_file())


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
    code = deps.notebook_dependencies(Path(root) / NOTEBOOK, root)
    return [*sorted(outputs(reports)["runs"].glob("*.json")), *_files(root, NOTEBOOK_SOURCES), *code]


def render_sources(reports=REPORTS, root=ROOT):
    from nnsimple_lab.render import formats  # what each format's code and templates are (the registry)

    code = [path for name in formats.FORMATS for path in formats.sources(name, root)]
    return [outputs(reports)["notebook"], *code]


def _shown(path):
    """A path as the user would type it: relative to the current folder when inside it."""
    path = Path(path)
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd()))
    return str(path)


# ---------------------------------------------------------------- the report notebook (in a worker)


@dataclass
class Outcome:
    """What a worker reports about the report notebook. ``notebook``: the temporary file it wrote."""

    ok: bool
    seconds: float
    notebook: str | None = None
    error: str | None = None


def execute_report(reports=REPORTS, root=ROOT, kernel_name=sweep.KERNEL):
    """Execute ``notebooks/informe.ipynb`` on ``reports/runs`` into a temporary file in ``reports``.

    Runs in a worker (its warm kernel, see ``sweep.execute_notebook``). Never writes a final path.
    """
    import nbformat

    reports, root = Path(reports).resolve(), Path(root).resolve()
    final = outputs(reports)
    tmp = reports / f"{TMP_PREFIX}{uuid.uuid4().hex[:8]}.ipynb"
    parameters = {"runs_dir": str(final["runs"]), "lab_toml": str(root / "lab.toml")}
    start = time.perf_counter()
    with sweep.interruptible(tmp):
        try:
            notebook = sweep.execute_notebook(root / NOTEBOOK, tmp, parameters, root=root, kernel_name=kernel_name)
            # papermill recorded the temporary path; the notebook will live at its final one
            notebook.metadata.papermill["output_path"] = str(final["notebook"])
            nbformat.write(notebook, str(tmp))
        except Exception as error:
            written = str(tmp) if tmp.exists() else None
            return Outcome(False, time.perf_counter() - start, written, sweep.error_line(error))
    return Outcome(True, time.perf_counter() - start, str(tmp))


# ---------------------------------------------------------------- the build


class Build:
    """One build: where, what it did, and its exit code."""

    def __init__(self, reports, say):
        self.paths = outputs(reports)
        self.say = say
        self.status = EXIT_OK
        self.done = []  # the steps that had something to do
        self.report_failed = False  # the report notebook or a rendering failed

    def fail(self, message):
        print(message, file=sys.stderr, flush=True)
        self.status = EXIT_FAILED
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
):
    """Build what is stale; return the exit code.

    ``specs`` and ``grid`` (from ``sweep.plan``): the sweep to run first; None: no sweep, the
    runs already in ``reports/runs`` (raises ``BuildInputError`` when there are none).
    ``jobs``: worker processes (default one per core). ``say``: where the summary goes.
    Raises ``sweep.SweepInterrupted`` (or ``KeyboardInterrupt``) after stopping the workers and
    removing temporary files.
    """
    start = time.perf_counter()
    state = Build(reports, say)
    runs = state.paths["runs"]
    pool = sweep.WorkerPool(jobs, root=root)
    try:
        if specs is not None:
            report = sweep.run_specs(
                specs, grid=grid, out=runs, root=root, force=force, executor=pool, progress=progress
            )
            say(report.summary())
            state.status = report.exit_code
        elif not (runs / results.MANIFEST).exists():
            raise BuildInputError(
                f"No hay ejecuciones en {_shown(runs)}: ejecute primero el barrido (make runs o make report)."
            )
        _report(state, pool, reports, root)
    except KeyboardInterrupt:
        pool.stop()
        sweep.clean_temporaries(runs)
        for path in Path(reports).glob(f"{TMP_PREFIX}*"):
            path.unlink(missing_ok=True)
        raise
    finally:
        pool.shutdown()
    if not state.done:
        say(f"El informe está al día: {_shown(state.paths['html'])} y {_shown(state.paths['pdf'])}.")
    if state.status == EXIT_FAILED and not state.report_failed:
        print("Informe generado, pero hubo ejecuciones fallidas (vea el resumen del barrido).", file=sys.stderr)
    say(f"Listo en {time.perf_counter() - start:.1f} s.")
    return state.status


def _report(state, pool, reports, root):
    """Steps 2 and 3 (see the module's docstring), holding ``reports/.lock``."""
    from nnsimple_lab import render

    paths, say = state.paths, state.say
    Path(reports).mkdir(parents=True, exist_ok=True)
    waiting = f"Otra compilación del informe está trabajando en {_shown(reports)}; esperando a que termine…"
    with sweep.locked(reports, waiting):
        for leftover in Path(reports).glob(f"{TMP_PREFIX}*"):
            leftover.unlink(missing_ok=True)
        future = None
        if stale(paths["notebook"], notebook_sources(reports, root)):
            paths["failed"].unlink(missing_ok=True)
            future = _submit(pool, execute_report, reports, root)
        try:  # meanwhile, here: the pages of the runs
            pages = render.render_runs(paths["runs"])
            if pages:
                state.done.append("pages")
                say(f"Páginas de ejecuciones: {len(pages)} nuevas o actualizadas en {_shown(paths['runs'])}")
        except render.RenderError as error:
            state.fail(f"error: {error}")
        if future is not None:
            try:
                outcome = future.result()
            except BrokenProcessPool:
                outcome = Outcome(False, 0.0, error=BROKEN_WORKER)
            except Exception as error:
                outcome = Outcome(False, 0.0, error=sweep.error_line(error))
            pool.shutdown(wait=False)  # the workers end and kill their kernels while we render
            state.done.append("notebook")
            if not outcome.ok:
                if outcome.notebook:
                    os.replace(outcome.notebook, paths["failed"])
                    state.fail(f"El informe falló: vea {_shown(paths['failed'])}\n  {outcome.error}")
                else:
                    state.fail(f"El informe falló: {outcome.error}")
                return  # the earlier informe.ipynb, .html and .pdf stay as they were
            os.replace(outcome.notebook, paths["notebook"])
            say(f"Informe ejecutado: {_shown(paths['notebook'])} ({outcome.seconds:.1f} s)")
        sources = render_sources(reports, root)
        if paths["notebook"].exists() and (stale(paths["html"], sources) or stale(paths["pdf"], sources)):
            state.done.append("render")
            try:
                timings = render.render(paths["notebook"], html=paths["html"], pdf=paths["pdf"])
            except render.RenderError as error:
                state.fail(f"error: {error}")
                return
            for kind in ("html", "pdf"):
                say(f"{kind.upper()} escrito: {_shown(paths[kind])} ({timings[kind]:.2f} s)")


def _submit(pool, fn, *args):
    """Submit to ``pool``, one worker is enough; a pool broken by the sweep is replaced."""
    pool.limit(1)
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool:
        pool.shutdown()
        fresh = sweep.WorkerPool(1)
        future = fresh.submit(fn, *args)
        future.add_done_callback(lambda _: fresh.shutdown(wait=False))
        return future


# ---------------------------------------------------------------- command line


def build_parser():
    parser = cli.parser(
        PROG,
        (
            "Genera todo el informe del laboratorio NNsimple en un solo proceso: el barrido de\n"
            "experimentos (como sweep.py), el cuaderno del informe ejecutado (reports/informe.ipynb),\n"
            "sus versiones HTML y PDF y las páginas de cada ejecución (reports/runs/<id>.html).\n"
            "Solo rehace lo que cambió: una segunda ejecución sin cambios no reescribe nada."
        ),
        epilog=(
            "ejemplos:\n"
            "  python -m nnsimple_lab.build\n"
            "  python -m nnsimple_lab.build --lr 0.01 0.1 0.5 1.0 --init zeros random --loss bce mse --jobs 2\n"
            "  python -m nnsimple_lab.build --no-sweep\n\n"
            "códigos de salida: 0 todo bien; 1 alguna ejecución falló (el informe se genera igual y lo\n"
            "indica), o falló el informe o su conversión; 2 valores inválidos; 130 interrumpido (Ctrl-C)."
        ),
    )
    sweep.add_grid_arguments(parser)
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
    return parser


def main(argv=None):
    cli.skip_slow_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    specs = grid = None
    try:
        if args.reports.exists() and not args.reports.is_dir():
            raise sweep.SweepInputError(f"--reports: {args.reports} existe y no es una carpeta.")
        grid, jobs = sweep.grid_from_args(args)
        if not args.no_sweep:
            specs = sweep.plan(grid)
    except sweep.NotebookSyntaxError as error:  # not a command-line mistake: no usage line
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except sweep.SweepInputError as error:
        parser.error(str(error))
    cli.sigterm_as_interrupt()
    try:
        return build(specs, grid, reports=args.reports, jobs=jobs, force=args.force)
    except BuildInputError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except sweep.SweepInterrupted as interrupted:
        done = len(interrupted.report.executed) + len(interrupted.report.cached)
        print(
            "\nInterrumpido durante el barrido: se detuvieron las ejecuciones en curso y se borraron los archivos "
            f"temporales. {done} de {len(specs)} ejecuciones están completas; "
            "vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print(
            "\nInterrumpido: se detuvo el informe en curso y se borraron los archivos temporales; "
            "lo ya generado quedó como estaba. Vuelva a lanzarlo para completar el resto.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
