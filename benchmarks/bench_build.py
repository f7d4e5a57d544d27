"""How fast the report builds, against what a user would script by hand: `make bench`.

    python benchmarks/bench_build.py                # 3 repetitions, a few minutes
    python benchmarks/bench_build.py --repeats 5

Every repetition works in fresh temporary copies of the project (the user's reports/ is never
touched) and measures, one right after the other so that the ratios compare like with like on
a noisy machine:

- naive: the papermill command line once per run of the default grid, one after another, then
  `jupyter nbconvert --to html --execute` on the report notebook (no PDF: less work than ours);
- cold: `make report` from an empty reports/ (sweep, report notebook, HTML, PDF, run pages);
- unchanged: `make report` again, nothing changed;
- one rate changed: `make report LR=...` with one learning rate of the grid replaced;
- floor: the same trainings and figures (drawn in the same formats) in one Python process,
  without kernels, notebooks or renderings: the code cells of both notebooks, executed in order;
  and the same without drawing the figures (built, never drawn), for comparison.

Every measured command is timed twice: wall seconds, and CPU seconds (user + system) of all its
processes, kernels and workers included, from ``resource.getrusage(RUSAGE_CHILDREN)`` before and
after it. This process is the "child subreaper" of everything it starts (Linux ``prctl``), so
that a process left behind by its parent (a worker ending after the build exits) is still
reaped here and counted. Wall seconds depend on how busy the machine is; CPU seconds much less:
the ratios of both are given side by side, per repetition.

Then `training.train` alone: microseconds per iteration, and 20 seeds vectorised against a loop
of 20 runs. Memory: the peak of the sum of the proportional set sizes (PSS) of every process of a
build, sampled every 50 ms, and its largest single process (RSS). The table is printed in
Spanish, with the medians, the ratios measured side by side in each repetition, and each goal
marked as met or missed.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import ctypes
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# What a checkout needs to build the report: every file git tracks, except these folders.
NOT_FOR_THE_BUILD = ("tests/", "benchmarks/", "docs/", ".ci/", "reports/")
CHANGED_RATE = (0.5, 0.7)  # the grid change: this rate of lab.toml is replaced by that one

GOALS = {
    "cold_vs_naive": 0.10,  # cold build's wall seconds at most this fraction of the naive loop's (quiet machine)
    "cold_vs_naive_cpu": 0.15,  # ... and its CPU seconds at most this fraction of the naive loop's
    "cold_vs_floor": 1.3,  # cold build's wall seconds within this factor of the floor's divided by the cores
    "unchanged_s": 0.3,  # a rebuild with nothing changed under this many seconds
}
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


# ---------------------------------------------------------------- processes and memory


def _descendants(pid):
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            with contextlib.suppress(OSError, ValueError):
                kids = [int(k) for k in task.read_text().split()]
                found += kids
                todo += kids
    return found


def _memory_kib(pid):
    """(PSS, RSS) of a process in KiB. PSS divides shared pages among the processes sharing them,
    so that PSS adds up across processes (forked workers share much of their memory)."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        return int(fields["Pss"].split()[0]), int(fields["Rss"].split()[0])
    except (OSError, ValueError, KeyError):
        return 0, 0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KINDS = {  # the kinds of process of a build, by what their command line holds (first match)
    "kernels": ("ipykernel_launcher", "nnsimple_lab.kernel_start"),  # the naive loop's, ours (kernels.LAUNCHER)
    "pandoc": ("pandoc",),
    "python": ("python",),
}


def _stat(pid):
    """(parent pid, user + system seconds, kind) of a process, or None when it is gone; its kind is
    None when its command line is empty (a process that is ending)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, IndexError):
        return None
    kind = next((k for k, markers in KINDS.items() if any(m in command for m in markers)), "otros" if command else None)
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, kind


class MemorySampler(threading.Thread):
    """Samples a process and all its descendants: the peak of their summed PSS and the largest
    single RSS, in MiB (``peak_mib``, ``largest_mib``), after ``stop()``; and the CPU seconds each
    process had used when last seen (``cpu_by_kind()``: a process's last 50 ms may be missed)."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_mib = self.largest_mib = 0.0
        self.seen = {}  # pid -> (parent pid, CPU seconds when last sampled, kind)
        self._done = threading.Event()

    def run(self):
        while not self._done.is_set():
            pids = [self.pid, *_descendants(self.pid)]
            sizes = [_memory_kib(p) for p in pids]
            self.peak_mib = max(self.peak_mib, sum(pss for pss, _ in sizes) / 1024)
            self.largest_mib = max(self.largest_mib, max(rss for _, rss in sizes) / 1024)
            for pid in pids:
                stat = _stat(pid)
                if stat is not None:
                    known = self.seen.get(pid, (None, None, "otros"))[2]
                    self.seen[pid] = (*stat[:2], stat[2] or known)
            self._done.wait(self.interval)

    def cpu_by_kind(self):
        """CPU seconds per kind of process: the build's own process ("conductor"), the processes
        it forks ("procesos de trabajo"), its kernels, pandoc, and the rest (make, shells)."""
        drivers = {p for p, (_, _, kind) in self.seen.items() if kind == "python"}
        drivers = {p for p in drivers if self.seen[p][0] not in drivers}  # a forked worker's parent is a driver
        totals = {}
        for pid, (_, cpu, kind) in self.seen.items():
            if kind == "python":
                kind = "conductor" if pid in drivers else "procesos de trabajo"
            totals[kind] = totals.get(kind, 0.0) + cpu
        return totals

    def stop(self):
        self._done.set()
        self.join()
        return self


def become_subreaper():
    """Make this process adopt its orphaned descendants (Linux), so that ``run`` reaps and counts them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children_cpu():
    """User + system seconds of every reaped descendant of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_orphans():
    """Wait for the adopted descendants still alive (a worker killing its kernel): their CPU counts."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


# What a user's shell has: Python writes its bytecode caches (a sandbox that forbids it would
# make every build compile every module again, which no user's build does).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(command, cwd, *, check=True):
    """Run ``command``; return a dict: wall ``seconds``, ``cpu`` seconds of all its processes
    (user + system), ``stdout``, ``peak_mib`` of the process tree and its ``largest_mib`` process."""
    cpu = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = MemorySampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    _reap_orphans()
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} terminó con código {process.returncode}:\n{stderr}")
    return {
        "seconds": seconds,
        "cpu": _children_cpu() - cpu,
        "stdout": stdout,
        "peak_mib": sampler.peak_mib,
        "largest_mib": sampler.largest_mib,
        "cpu_by_kind": sampler.cpu_by_kind(),
    }


# ---------------------------------------------------------------- the project copies


def copy_project(target):
    """Copy what a build needs (the tracked files, ``NOT_FOR_THE_BUILD`` left out) into ``target``,
    keeping modification times: no list of the project's files to keep up to date here."""
    target = Path(target)
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if name.startswith(NOT_FOR_THE_BUILD) or not path.is_file():
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    (target / "reports").mkdir(exist_ok=True)
    return target


def make(project, *arguments):
    """``make`` in a copy, with the user's virtual environment (never reinstalled)."""
    venv = VENV_BIN.parent
    return run(["make", "-s", "-o", str(venv / ".instalado"), f"VENV={venv}", *arguments], project)


def manifest(grid, specs, folder):
    """The manifest the sweep writes (the report notebook reads it), for the naive runs."""
    from nnsimple_lab import files, results

    runs = [
        results.manifest_entry(spec.id, **{k: spec.parameters[k] for k in ("learning_rate", "init", "loss")})
        for spec in specs
    ]
    files.write_json_atomic(Path(folder) / results.MANIFEST, results.manifest(grid.as_dict(), runs))


def default_plan(project):
    """The grid of the copy's lab.toml and its runs (``cache.RunSpec``s)."""
    from nnsimple_lab import cache, grid

    default = grid.load_grid(Path(project) / "lab.toml")
    return default, cache.plan(default, project)


# ---------------------------------------------------------------- the measurements


def naive(project):
    """papermill's command line per run, then nbconvert executes the report notebook into HTML."""
    grid, specs = default_plan(project)
    runs = Path(project) / "reports" / "runs"
    runs.mkdir(parents=True)
    start, cpu = time.perf_counter(), _children_cpu()
    peaks = []
    for spec in specs:
        options = [a for k, v in spec.parameters.items() for a in ("-p", k, str(v))]
        command = [VENV_BIN / "papermill", "notebooks/experimento.ipynb", runs / f"{spec.id}.ipynb", *options]
        command += ["-p", "results_path", runs / f"{spec.id}.json", "--log-level", "ERROR", "--no-progress-bar"]
        peaks.append(run(command, project)["peak_mib"])
    runs_seconds, runs_cpu = time.perf_counter() - start, _children_cpu() - cpu
    manifest(grid, specs, runs)
    # The report notebook's defaults (../reports/runs, ../lab.toml) hold in notebooks/, where
    # nbconvert runs it; its kernel imports the project's modules through the editable install.
    command = [VENV_BIN / "jupyter", "nbconvert", "--to", "html", "--execute", "notebooks/informe.ipynb"]
    peaks.append(run([*command, "--output-dir", "reports", "--output", "informe"], project)["peak_mib"])
    return {
        "seconds": time.perf_counter() - start,
        "cpu": _children_cpu() - cpu,
        "runs_seconds": runs_seconds,
        "runs_cpu": runs_cpu,
        "peak_mib": max(peaks),
    }


def _counts(stdout):
    """The sweep summary's counts: {"ejecutadas ahora": n, "desde la caché": n, "fallidas": n}."""
    counts = {}
    for line in stdout.splitlines():
        for label in ("ejecutadas ahora", "desde la caché", "fallidas"):
            if line.strip().startswith(label + ":"):
                counts[label] = int(line.split(":")[1].split()[0])
    return counts


def _mtimes(folder):
    return {p: p.stat().st_mtime_ns for p in Path(folder).rglob("*") if p.is_file() and not p.name.startswith(".")}


def _measured(done, **extra):
    """What the table keeps of a ``run``: its wall and CPU seconds, the sweep's counts, and ``extra``."""
    return {"seconds": done["seconds"], "cpu": done["cpu"], "counts": _counts(done["stdout"]), **extra}


def ours(project):
    """Cold build, rebuild with nothing changed, rebuild after one changed learning rate."""
    reports = Path(project) / "reports"
    grid, specs = default_plan(project)
    done = make(project, "report")
    cold = _measured(done, peak_mib=done["peak_mib"], largest_mib=done["largest_mib"], by_kind=done["cpu_by_kind"])
    assert cold["counts"].get("ejecutadas ahora") == len(specs), done["stdout"]
    before = _mtimes(reports)
    done = make(project, "report")
    after = _mtimes(reports)
    rewritten = sum(after.get(p) != t for p, t in before.items()) + len(set(after) - set(before))
    unchanged = _measured(done, rewritten=rewritten)
    rates = " ".join(f"{CHANGED_RATE[1] if r == CHANGED_RATE[0] else r:g}" for r in grid.learning_rates)
    before = _mtimes(reports)
    done = make(project, "report", f"LR={rates}")
    after = _mtimes(reports)
    rewritten = sorted(str(p.relative_to(reports)) for p, t in after.items() if before.get(p) != t)
    changed = _measured(done, rewritten=rewritten)
    return cold, unchanged, changed


def floor(project, *, draw=True):
    """The compute floor, in a fresh Python process (imports included): see ``_floor_in_process``."""
    command = [sys.executable, __file__, "--floor-in", str(project), *([] if draw else ["--no-draw"])]
    done = run(command, project)
    parts = json.loads(done["stdout"].splitlines()[-1])
    return {"seconds": done["seconds"], "cpu": done["cpu"], "peak_mib": done["peak_mib"], "parts": parts}


def _floor_in_process(project, draw=True):
    """Both notebooks' code cells, executed here in order, for every run of the default grid.

    What a kernel would display is produced the same way: a Figure that ends a cell is encoded
    as the inline backend does (PNG, tight box); the report's figures are encoded by
    ``outputs.show_figure`` itself (SVG). Nothing is sent anywhere. Without ``draw`` the
    figures are built but never drawn (``savefig`` does nothing). Prints the CPU seconds of
    its parts as JSON (one process: they add up to its CPU time, however busy the machine).
    """
    start = time.process_time()  # CPU seconds of this one process: the parts hold under load
    project = Path(project)
    os.chdir(project)
    sys.path.insert(0, str(project))
    import matplotlib

    matplotlib.use("agg")
    from matplotlib.figure import Figure

    from nnsimple_lab import outputs, training

    outputs.display = lambda *args, **kwargs: None  # publish nowhere; figures are still encoded
    if not draw:  # nor laid out: a tight box is a layout pass, as costly as most of a draw
        Figure.savefig = lambda self, *args, **kwargs: None
        outputs.figure_svg = lambda fig: "<svg/>"
    spent = [0.0]  # seconds inside training.train and train_seeds

    def timed(function):
        def wrapper(*args, **kwargs):
            begin = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - begin

        return wrapper

    training.train, training.train_seeds = timed(training.train), timed(training.train_seeds)
    grid, specs = default_plan(project)
    runs = project / "reports" / "runs"
    runs.mkdir(parents=True)
    imported = time.process_time()

    def cells(name):
        notebook = json.loads((project / "notebooks" / name).read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
                source = "".join(cell["source"])
                yield "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))

    def execute(sources, namespace):
        for source in sources:
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<celda>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<celda>", "eval"), namespace)
                if isinstance(value, Figure):  # as the inline backend displays it
                    buffer = io.BytesIO()
                    value.savefig(buffer, format="png", bbox_inches="tight")
                    base64.b64encode(buffer.getvalue())

    experiment = list(cells("experimento.ipynb"))
    for spec in specs:
        parameters = {**spec.parameters, "results_path": str(runs / f"{spec.id}.json"), "cache_key": spec.cache_key}
        execute(experiment, dict(parameters))
    trained = time.process_time()
    manifest(grid, specs, runs)
    execute(cells("informe.ipynb"), {"runs_dir": str(runs), "lab_toml": str(project / "lab.toml")})
    done = time.process_time()
    parts = {"imports": imported - start, "runs": trained - imported, "report": done - trained}
    print(json.dumps({**parts, "training": spent[0]}))


def train_speed(repeats=7):
    """training.train: µs per iteration; 20 seeds vectorised (train_seeds) against 20 train calls."""
    sys.path.insert(0, str(ROOT))
    import nnsimple as nn
    from nnsimple_lab import training

    X, Y = nn.load_dataset("xor")
    kwargs = {"learning_rate": 0.5, "init": "random", "loss": "bce", "iterations": 1000}

    def timed(function):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    one = timed(lambda: training.train(X, Y, seed=2, **kwargs))
    vectorised = timed(lambda: training.train_seeds(X, Y, seeds=range(20), **kwargs))
    loop = timed(lambda: [training.train(X, Y, seed=s, **kwargs) for s in range(20)])
    return {"us_per_iteration": one / kwargs["iterations"] * 1e6, "seeds_vectorised": vectorised, "seeds_loop": loop}


# ---------------------------------------------------------------- the table


def _fmt(seconds):
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _spread(values, fmt=_fmt, around="{}"):
    return around.format(f"{fmt(min(values))} – {fmt(max(values))}") if len(values) > 1 else ""


def _verdict(ok):
    return "cumplido" if ok else "NO cumplido"


def _ratio(value):
    return f"{value:.2f}×"


def _times(rows, n):
    """The measured lines: (label, [wall seconds per repetition], [CPU seconds] or None)."""
    changed = rows[-1]["changed"]["counts"]
    # The floor's parts: CPU seconds only (measured inside its one process).
    part = lambda key: (None, [r["floor"]["parts"][key] for r in rows])  # noqa: E731
    both = lambda get: ([get(r)["seconds"] for r in rows], [get(r)["cpu"] for r in rows])  # noqa: E731
    return [
        ("ingenuo: papermill por ejecución + nbconvert --execute HTML", *both(lambda r: r["naive"])),
        (
            f"  de ello, las {n} ejecuciones ({n} × papermill)",
            [r["naive"]["runs_seconds"] for r in rows],
            [r["naive"]["runs_cpu"] for r in rows],
        ),
        ("compilación en frío: make report con reports/ vacío", *both(lambda r: r["cold"])),
        ("recompilación sin cambios: make report otra vez", *both(lambda r: r["unchanged"])),
        (
            f"tras cambiar una tasa ({CHANGED_RATE[0]:g} → {CHANGED_RATE[1]:g}): "
            f"{changed.get('ejecutadas ahora')} ejec. + informe",
            *both(lambda r: r["changed"]),
        ),
        ("piso de cómputo: mismos entrenamientos y figuras, 1 proceso", *both(lambda r: r["floor"])),
        (f"  de ello, las {n} ejecuciones (entrenar, dibujar, guardar)", *part("runs")),
        ("    de ello, solo entrenar (train y train_seeds)", *part("training")),
        ("  de ello, el código del informe (con sus figuras SVG)", *part("report")),
        ("piso sin dibujar: figuras construidas, sin maquetar ni dibujar", *both(lambda r: r["bare"])),
    ]


def _ratio_lines(rows):
    """Cold build against the naive loop and the floor, wall and CPU, per repetition, with the goals."""
    cores = os.cpu_count() or 1
    per = lambda f: [f(r) for r in rows]  # noqa: E731
    median = statistics.median
    lines = [
        f"{'':<30} {'pared':>8}  {'(mín – máx)':<17} {'CPU':>8}  {'(mín – máx)':<17} objetivo",
        "-" * 100,
    ]
    wall = per(lambda r: r["cold"]["seconds"] / r["naive"]["seconds"])
    cpu = per(lambda r: r["cold"]["cpu"] / r["naive"]["cpu"])
    ok = median(wall) <= GOALS["cold_vs_naive"] and median(cpu) <= GOALS["cold_vs_naive_cpu"]
    goal = f"pared ≤ {GOALS['cold_vs_naive']:.2f}×, CPU ≤ {GOALS['cold_vs_naive_cpu']:.2f}×: {_verdict(ok)}"
    lines.append(_ratio_line("en frío / ingenuo", wall, cpu, goal))
    wall = per(lambda r: r["cold"]["seconds"] / (r["floor"]["seconds"] / cores))
    cpu = per(lambda r: r["cold"]["cpu"] / r["floor"]["cpu"])
    goal = f"pared ≤ {GOALS['cold_vs_floor']:.1f}×: {_verdict(median(wall) <= GOALS['cold_vs_floor'])}"
    lines.append(_ratio_line(f"en frío / (piso / {cores} núcleos)", wall, None, goal))
    lines.append(
        _ratio_line("en frío / piso (1 proceso)", per(lambda r: r["cold"]["seconds"] / r["floor"]["seconds"]), cpu, "")
    )
    bare_wall = per(lambda r: r["cold"]["seconds"] / r["bare"]["seconds"])
    bare_cpu = per(lambda r: r["cold"]["cpu"] / r["bare"]["cpu"])
    lines.append(_ratio_line("en frío / piso sin dibujar", bare_wall, bare_cpu, ""))
    return lines


def _ratio_line(label, wall, cpu, goal):
    median = statistics.median
    cpu_text = f"{_ratio(median(cpu)):>8}  {_spread(cpu, _ratio, '({})'):<17}" if cpu else f"{'':>8}  {'':<17}"
    return f"{label:<30} {_ratio(median(wall)):>8}  {_spread(wall, _ratio, '({})'):<17} {cpu_text} {goal}"


def _per_repetition(rows):
    """Each repetition's cold-build ratios, wall and CPU side by side: the CPU one holds under load."""
    cores = os.cpu_count() or 1
    lines = [
        f"{'repetición':<12} {'carga':>6} {'frío/ingenuo pared':>19} {'CPU':>7} {'frío/(piso/núcleos)':>20}",
        "-" * 100,
    ]
    for i, r in enumerate(rows, 1):
        lines.append(
            f"{i:<12} {r['load']:>6.1f} {_ratio(r['cold']['seconds'] / r['naive']['seconds']):>19} "
            f"{_ratio(r['cold']['cpu'] / r['naive']['cpu']):>7} "
            f"{_ratio(r['cold']['seconds'] / (r['floor']['seconds'] / cores)):>20}"
        )
    return lines


BY_KIND = (  # the cold build's processes, as ``MemorySampler.cpu_by_kind`` names them
    ("conductor", "el proceso de la compilación (barrido, páginas, HTML, PDF)"),
    ("procesos de trabajo", "sus procesos de trabajo (papermill)"),
    ("kernels", "los kernels (el código de los cuadernos)"),
    ("pandoc", "pandoc"),
    ("otros", "make y otros"),
)


def _by_kind(rows):
    """Where the cold build's CPU seconds go, per kind of process (medians), and what sampling missed."""
    median = statistics.median
    lines = [
        "Dónde va la CPU de la compilación en frío (cada proceso, muestreado cada 50 ms; medianas)",
        "-" * 100,
    ]
    for kind, label in BY_KIND:
        lines.append(
            f"{label:<60} {'':>8}   {'':<17} {_fmt(median(r['cold']['by_kind'].get(kind, 0.0) for r in rows)):>8}"
        )
    missed = median(r["cold"]["cpu"] - sum(r["cold"]["by_kind"].values()) for r in rows)
    lines.append(f"{'sin atribuir (los últimos 50 ms de cada proceso)':<60} {'':>8}   {'':<17} {_fmt(missed):>8}")
    return lines


def table(rows, train, repeats, grid):
    """The Spanish table of ``rows`` (one per repetition) on the default ``grid`` (a ``grid.Grid``)."""
    median = statistics.median
    n = len(grid.learning_rates) * len(grid.inits) * len(grid.losses)
    loads = ", ".join(f"{r['load']:.1f}" for r in rows)
    lines = [
        f"Rendimiento de la compilación del informe: mediana de {repeats} "
        f"{'repetición' if repeats == 1 else 'repeticiones'}, {os.cpu_count()} núcleos",
        f"(carga del sistema, media de 1 min, al empezar cada repetición: {loads})",
        "pared: segundos de reloj; CPU: segundos de usuario + sistema de todos sus procesos",
        "",
        f"{'medición':<60} {'pared':>8}   {'mín – máx':<17} {'CPU':>8}",
        "-" * 100,
    ]
    for label, wall, cpu in _times(rows, n):
        wall_text = f"{_fmt(median(wall)):>8}   {_spread(wall):<17}" if wall else f"{'':>8}   {'':<17}"
        lines.append(f"{label:<60} {wall_text} {_fmt(median(cpu)):>8}")
    unchanged = [r["unchanged"]["seconds"] for r in rows]
    rewritten = max(r["unchanged"]["rewritten"] for r in rows)
    redone = rows[-1]["changed"]["rewritten"]
    runs_redone = sorted({Path(p).stem for p in redone if p.startswith("runs/lr")})
    expected = sorted({f"lr{CHANGED_RATE[1]!r}-{init}-{loss}" for init in grid.inits for loss in grid.losses})
    # The report's own files: the notebook and its renderings, and the studies it had computed ahead (studies/)
    only_those = runs_redone == expected and all(p.startswith(("runs/", "informe.", "studies/")) for p in redone)
    lines += [
        "",
        "Razones de la compilación en frío (mediana y extremos de las razones de cada repetición) y objetivos",
        *_ratio_lines(rows),
        f"{'sin cambios':<30} {_fmt(median(unchanged)):>8}  ({rewritten} archivos reescritos)"
        f"{'':<21} objetivo < {GOALS['unchanged_s']:.1f} s: "
        f"{_verdict(median(unchanged) < GOALS['unchanged_s'] and rewritten == 0)}",
        f"{'tras cambiar una tasa':<30} rehace {len(runs_redone)} de {n} ejecuciones (las de α = "
        f"{CHANGED_RATE[1]:g}) y el informe: {_verdict(only_those)}",
        "",
        *_by_kind(rows),
        "",
        "Cada repetición (carga: media de 1 min al empezar)",
        *_per_repetition(rows),
        "",
        "training.train (1000 iteraciones, XOR)",
        "-" * 100,
        f"{'µs por iteración':<60} {train['us_per_iteration']:>7.1f} µs",
        f"{'20 semillas vectorizadas (train_seeds)':<60} {train['seeds_vectorised'] * 1e3:>7.1f} ms",
        f"{'bucle de 20 llamadas a train':<60} {train['seeds_loop'] * 1e3:>7.1f} ms   "
        f"({train['seeds_loop'] / train['seeds_vectorised']:.1f}× más lento)",
        "",
        "Memoria pico (suma del PSS de todos los procesos, muestreada cada 50 ms)",
        "-" * 100,
        f"{'ingenuo (el mayor de sus pasos)':<60} {median(r['naive']['peak_mib'] for r in rows):>7.0f} MiB",
        f"{'compilación en frío (conductor + 2 procesos + 2 kernels)':<60} "
        f"{median(r['cold']['peak_mib'] for r in rows):>7.0f} MiB",
        f"{'piso de cómputo (1 proceso)':<60} {median(r['floor']['peak_mib'] for r in rows):>7.0f} MiB",
        f"{'su mayor proceso (RSS)':<60} {median(r['cold']['largest_mib'] for r in rows):>7.0f} MiB",
    ]
    return "\n".join(line.rstrip() for line in lines)


# ---------------------------------------------------------------- command line


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--floor-in"]:  # the floor's own process (see floor): imports from the copy
        _floor_in_process(argv[1], draw="--no-draw" not in argv)
        return 0
    sys.path.insert(0, str(ROOT))
    from nnsimple_lab import cli, grid

    parser = cli.parser(
        "bench_build.py",
        "Mide la compilación del informe frente a un bucle ingenuo de papermill, en carpetas temporales.",
    )
    parser.add_argument("--repeats", default="3", metavar="N", help="repeticiones (por defecto: 3)")
    args = parser.parse_args(argv)
    try:
        args.repeats = grid.as_int(args.repeats, 1, "--repeats")
    except grid.SweepInputError as error:
        parser.error(str(error))
    become_subreaper()
    rows = []
    with tempfile.TemporaryDirectory(prefix="nnsimple-bench-") as base:
        for i in range(args.repeats):
            print(f"Repetición {i + 1} de {args.repeats}…", file=sys.stderr, flush=True)
            row = {"load": os.getloadavg()[0]}
            steps = [
                ("naive", "ingenuo", naive),
                ("ours", "make report en frío", ours),
                ("floor", "piso de cómputo", floor),
                ("bare", "piso sin dibujar", lambda project: floor(project, draw=False)),
            ]
            if i % 2:  # alternate the order, so that neither always runs on a cooler machine
                steps.reverse()
            for name, label, step in steps:
                project = copy_project(Path(base) / f"{i}-{name}")
                result = step(project)
                if name == "ours":
                    row["cold"], row["unchanged"], row["changed"] = result
                    shown = row["cold"]
                else:
                    row[name] = shown = result
                print(f"  {label}: {_fmt(shown['seconds'])} (CPU {_fmt(shown['cpu'])})", file=sys.stderr, flush=True)
                shutil.rmtree(project, ignore_errors=True)
            rows.append(row)
    print(table(rows, train_speed(), args.repeats, grid.load_grid()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
