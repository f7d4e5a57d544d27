"""Fault tests: whatever happens mid-build, nothing is lost and nothing half-written passes as done.

Each test builds a copy of the project with the real ``make report`` (papermill, nbconvert,
Typst) on a small grid, breaks something, and checks what a user would find afterwards.
A watcher thread reads every final path while the builds run, so a partial file that
appeared there even for a moment is caught.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pypdf
import pytest

from nnsimple_lab import kernels, results
from tests.projectcopy import add_gate

pytestmark = pytest.mark.slow  # every test here builds the report, most of them twice

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
GRID = ["LR=0.5 0.1", "INIT=random", "LOSS=bce", "ITERATIONS=150", "SEEDS=3", "JOBS=2"]
RUN_IDS = {"lr0.5-random-bce", "lr0.1-random-bce"}


# ---------------------------------------------------------------- helpers


def copy_project(target):
    """The project's tracked files, mtimes kept (so make sees the shared venv as up to date)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def make_command(*grid):
    # -o: the shared venv is ready (built by this very test run): never rebuild it from a copy
    return ["make", "--no-print-directory", "-o", f"{VENV}/.instalado", "report", f"VENV={VENV}", *(grid or GRID)]


def make_report(project, *grid, timeout=300):
    return subprocess.run(make_command(*grid), cwd=project, capture_output=True, text=True, timeout=timeout)


def start_report(project, *grid, env=None):
    return subprocess.Popen(
        make_command(*grid),
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def processes_in(project, needle):
    """PIDs of processes whose command line holds ``needle`` and whose cwd is ``project``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if needle in cmdline and Path(cwd) == Path(project):
            found.append(int(proc.name))
    return found


def wait_for(condition, timeout=120, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("la condición no se cumplió a tiempo")


def kernel_folders():
    """The kernels' socket folders in the temporary folder (``kernels.sockets_folder``)."""
    return list(Path(tempfile.gettempdir()).glob(f"{kernels.SOCKETS_PREFIX}*"))


def runs_dir(project):
    return project / "reports" / "runs"


def final_paths(project):
    """Every file at a final path of the build: what a user (or the next build) trusts."""
    reports = project / "reports"
    paths = [reports / n for n in ("informe.ipynb", "informe.html", "informe.pdf")]
    if runs_dir(project).exists():
        paths += [p for p in runs_dir(project).iterdir() if not p.name.startswith(".")]
    return [p for p in paths if p.exists()]


def whole(path):
    """Why ``path`` is not a whole file of its kind, or None if it is."""
    data = path.read_bytes()
    try:
        if path.name == results.MANIFEST:
            json.loads(data)
        elif path.suffix == ".json":
            results.read_run(path)
        elif path.suffix == ".ipynb":
            notebook = json.loads(data)
            assert notebook["cells"] and notebook["metadata"]
        elif path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>")
        elif path.suffix == ".pdf":
            assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    except (ValueError, AssertionError, KeyError) as error:
        return f"{path.name}: {error!r}"
    return None


class Watcher(threading.Thread):
    """Reads every new version of every final path while a build runs; keeps what was broken."""

    def __init__(self, project):
        super().__init__(daemon=True)
        self.project, self.seen, self.broken, self.reads = project, {}, [], 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.scan()
            time.sleep(0.01)

    def scan(self):
        for path in final_paths(self.project):
            try:
                stamp = (path.stat().st_mtime_ns, path.stat().st_size)
                if self.seen.get(path) == stamp:
                    continue
                self.seen[path] = stamp
                problem = whole(path)
            except FileNotFoundError:  # replaced between listing and reading: read the next one
                continue
            self.reads += 1
            if problem and whole(path):  # a rename may land mid-read: a second look decides
                self.broken.append(problem)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.join()
        self.scan()


def numbers(project):
    """Every run's results without the wall-clock fields: what must equal a clean build's."""
    out = {}
    for path in sorted(runs_dir(project).glob("lr*.json")):
        record = results.read_run(path)
        out[path.stem] = {k: v for k, v in record.items() if k not in ("duration_s", "checksum")}
    return out


def report_text(project):
    html = (project / "reports" / "informe.html").read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    pdf = "\n".join(page.extract_text() for page in pypdf.PdfReader(project / "reports" / "informe.pdf").pages)
    return text, pdf


def tree(project):
    """Bytes of every file under reports/ (lock files aside)."""
    reports = project / "reports"
    return {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file() and "lock" not in p.name}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A clean build of the small grid: the reference every faulty build must end equal to."""
    project = copy_project(tmp_path_factory.mktemp("clean"))
    with Watcher(project) as watcher:
        done = make_report(project)
    assert done.returncode == 0, done.stderr
    assert watcher.broken == []
    return project


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


# ---------------------------------------------------------------- kills


def _kernel_folders_of(project):
    """``(build processes, their kernels' socket folders)`` once there is such a folder, else None."""
    drivers = processes_in(project, "nnsimple_lab.build")
    owned = [p for p in kernel_folders() if p.name.split("-")[2] in {str(d) for d in drivers}]
    return (drivers, owned) if owned else None


def test_sigkill_to_the_build_then_rebuild_equals_a_clean_build(clean, project):
    with Watcher(project) as watcher:
        build = start_report(project)
        wait_for(lambda: processes_in(project, kernels.LAUNCHER))  # a run is executing
        drivers, owned = wait_for(lambda: _kernel_folders_of(project))  # its workers' kernels have their folders
        for pid in drivers:  # the build's driver and its forked workers
            os.kill(pid, signal.SIGKILL)
        build.communicate(timeout=120)
        assert build.returncode != 0
        wait_for(lambda: not processes_in(project, kernels.LAUNCHER), timeout=30)
        assert not (project / "reports" / "informe.html").exists()
        orphans = [p for p in owned if p.exists()]
        assert orphans  # kill -9 leaves the kernels' socket folders behind…
        again = make_report(project)
    assert not [p for p in orphans if p.exists()]  # …and the next build removes them
    assert again.returncode == 0, again.stderr
    assert watcher.broken == [], watcher.broken
    assert numbers(project) == numbers(clean)
    assert report_text(project) == report_text(clean)
    assert not [p for p in runs_dir(project).iterdir() if p.name.startswith(".tmp")]


def test_sigkill_to_the_kernels_mid_run_loses_nothing_and_a_rebuild_completes(project):
    gate = add_gate(project / "notebooks" / "experimento.ipynb", "learning_rate")
    gate.hold(0.5, 0.1)  # both runs wait in their gate cell: the kills land mid-run
    with Watcher(project) as watcher:
        build = start_report(project, env=gate.env())
        for rate in (0.5, 0.1):
            gate.wait_started(rate, timeout=120, alive=lambda: build.poll() is None)
        killed = 0
        for kernel in processes_in(project, kernels.LAUNCHER):
            os.kill(kernel, signal.SIGKILL)
            killed += 1
        gate.release()
        out, err = build.communicate(timeout=300)
        assert killed > 0
        assert build.returncode != 0, out + err  # make says 2 for the build's 1
        if build.returncode != 0:  # a run lost its kernel: the report says so and the exit code too
            assert "Informe generado, pero muestra 2 ejecuciones fallidas" in err or "El informe falló" in err, (
                out + err
            )
        assert "fallidas: 2" in out
        again = make_report(project)
    assert again.returncode == 0, again.stderr
    assert "fallidas: 0" in again.stdout and "ejecutadas ahora: 2" in again.stdout
    assert watcher.broken == [], watcher.broken
    assert {p.stem for p in runs_dir(project).glob("lr*.json")} == RUN_IDS
    text, pdf = report_text(project)
    assert "ejecución fallida" not in text and "ejecución fallida" not in pdf


# ---------------------------------------------------------------- two builds at once


def test_two_builds_at_once_wait_for_each_other(clean, project):
    with Watcher(project) as watcher:
        first = start_report(project)
        wait_for(lambda: processes_in(project, kernels.LAUNCHER))  # the first is sweeping
        second = start_report(project)
        (_, err1), (out2, err2) = first.communicate(timeout=300), second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    assert "esperando a que termine" in err2
    assert "desde la caché: 2" in out2  # the second found the first's runs finished
    assert watcher.broken == [] and watcher.reads > 0
    assert numbers(project) == numbers(clean)
    assert report_text(project) == report_text(clean)


# ---------------------------------------------------------------- damaged results


def test_truncated_or_hand_edited_results_are_rerun_not_used(clean, project):
    assert make_report(project).returncode == 0
    truncated, edited = runs_dir(project) / "lr0.5-random-bce.json", runs_dir(project) / "lr0.1-random-bce.json"
    truncated.write_bytes(truncated.read_bytes()[:-500])
    data = json.loads(edited.read_text())
    data["summary"]["final_cost"] = 0.000123  # a "better" number typed in by hand
    edited.write_text(json.dumps(data))
    again = make_report(project)
    assert again.returncode == 0, again.stderr
    assert "ejecutadas ahora: 2" in again.stdout
    assert numbers(project) == numbers(clean)
    text, pdf = report_text(project)
    assert "0.000123" not in text and "1.23" not in pdf


# ---------------------------------------------------------------- divergence


def test_a_huge_learning_rate_is_reported_as_divergence_never_as_nan(project):
    done = make_report(project, "LR=0.5 1e300", "INIT=random", "LOSS=bce", "ITERATIONS=150", "SEEDS=3")
    assert done.returncode == 0, done.stderr
    record = results.read_run(runs_dir(project) / "lr1e+300-random-bce.json")
    assert record["summary"]["diverged"] is True
    text, pdf = report_text(project)
    for shown in (text, pdf):
        assert "divergió" in shown
        assert not re.search(r"\bnan\b|\binf\b", shown, flags=re.I)


# ---------------------------------------------------------------- a broken notebook


def test_a_syntax_error_in_the_experiment_notebook_names_the_cell_and_keeps_everything(project):
    assert make_report(project).returncode == 0
    before = tree(project)
    path = project / "notebooks" / "experimento.ipynb"
    notebook = json.loads(path.read_text())
    code = [i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]
    cell = notebook["cells"][code[2]]
    cell["source"] = "".join(cell["source"]) + "\nvalores = (1, 2\n"
    path.write_text(json.dumps(notebook))
    broken = make_report(project)
    assert broken.returncode == 2
    assert f"celda {code[2] + 1}" in broken.stderr and "error de sintaxis" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert tree(project) == before  # every earlier result and the report, byte for byte


# ---------------------------------------------------------------- one build, one lock


def linked_runs(project):
    """The runs the report's annex links to: the runs the report shows."""
    html = (project / "reports" / "informe.html").read_text(encoding="utf-8")
    return set(re.findall(r'href="runs/(lr[^"]+?)(?:\.failed)?\.html"', html))


def manifest_runs(project):
    return {e["id"] for e in results.read_manifest(runs_dir(project))["runs"]}


def test_two_builds_of_different_grids_at_once_never_leave_a_wrong_report(project):
    """The issue's race: two `make report` of different grids started ~0.5 s apart; the sweep and
    the report step took different locks, staleness went by file times, and the second build said
    "al día" of a report of the first grid. Now one lock covers a whole build."""
    a = ["LR=0.5 0.1", "INIT=random", "LOSS=bce mse", "ITERATIONS=150", "SEEDS=3"]
    b = ["LR=0.5", "INIT=zeros", "LOSS=bce", "ITERATIONS=150", "SEEDS=3"]
    assert make_report(project, *a).returncode == 0 and make_report(project, *b).returncode == 0
    gate = add_gate(project / "notebooks" / "informe.ipynb", "'informe'")  # A's report waits mid-run
    gate.hold("informe")
    with Watcher(project) as watcher:
        first = start_report(project, *a, env=gate.env())
        gate.wait_started("informe", timeout=120, alive=lambda: first.poll() is None)
        second = start_report(project, *b, env=gate.env())
        time.sleep(1.5)  # the second is waiting for the lock now, not sweeping under the first
        assert second.poll() is None
        gate.release()
        (_, err1), (_, err2) = first.communicate(timeout=300), second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    assert "esperando a que termine" in err2
    assert watcher.broken == [], watcher.broken
    assert linked_runs(project) == manifest_runs(project) == {"lr0.5-zeros-bce"}
    again = make_report(project, *b)
    assert again.returncode == 0 and "El informe está al día" in again.stdout
    assert linked_runs(project) == manifest_runs(project)


def test_make_clean_during_a_build_waits_and_the_build_ends_whole(project):
    """The issue's case: `make clean` (which took no lock) during `make report` ended in
    "fallidas: 0", exit 0, and a PDF saying "12 (4 terminadas, 8 fallidas)"."""
    gate = add_gate(project / "notebooks" / "informe.ipynb", "'informe'")
    gate.hold("informe")
    build = start_report(project, env=gate.env())
    gate.wait_started("informe", timeout=120, alive=lambda: build.poll() is None)
    cleaner = subprocess.Popen(
        ["make", "--no-print-directory", "clean", f"VENV={VENV}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    assert cleaner.poll() is None and all(whole(p) is None for p in final_paths(project))  # it waits
    assert {p.stem for p in runs_dir(project).glob("lr*.json")} == RUN_IDS
    gate.release()
    out, err = build.communicate(timeout=300)
    clean_out, clean_err = cleaner.communicate(timeout=60)
    assert build.returncode == 0, err
    assert "fallidas: 0" in out and "HTML escrito" in out and "muestra" not in err
    assert cleaner.returncode == 0 and "se borrará cuando termine" in clean_err
    assert {p.name for p in (project / "reports").rglob("*") if p.is_file()} <= {".gitkeep", ".lock"}


# ---------------------------------------------------------------- caches checked by content


def test_a_truncated_or_emptied_run_notebook_is_executed_again(clean, project):
    assert make_report(project).returncode == 0
    truncated = runs_dir(project) / "lr0.5-random-bce.ipynb"
    truncated.write_bytes(truncated.read_bytes()[:3000])
    emptied = runs_dir(project) / "lr0.1-random-bce.ipynb"
    notebook = json.loads(emptied.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []  # still a valid notebook, without what the run showed
    emptied.write_text(json.dumps(notebook))
    again = make_report(project)
    assert again.returncode == 0, again.stderr
    assert "ejecutadas ahora: 2" in again.stdout and "de otra ejecución (se volvieron a ejecutar)" in again.stdout
    assert numbers(project) == numbers(clean)
    for name in ("lr0.5-random-bce.ipynb", "lr0.1-random-bce.ipynb"):
        assert json.loads((runs_dir(project) / name).read_text())["cells"]


# ---------------------------------------------------------------- every input checked before work


@pytest.mark.parametrize(
    "key, cover, shown",
    [
        ("authors", "authors = [1, 2]", "lab.toml [cover] authors[0]: debe ser un texto entre comillas"),
        ("authors", 'autores = ["Ana"]', "lab.toml [cover]: clave desconocida 'autores'. ¿Quiso decir authors?"),
        ("title", "title = {a = 1}", "lab.toml [cover] title: debe ser un texto entre comillas"),
    ],
)
def test_a_bad_cover_stops_the_build_before_the_sweep(project, key, cover, shown):
    """The issue's case: `authors = [1, 2]` failed after the whole sweep, in English; `autores`
    gave a cover without author and `title = {a=1}` printed {'a': 1}."""
    config = project / "lab.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(rf"^{key} = .*$", cover, text, flags=re.M), encoding="utf-8")
    done = make_report(project)
    assert done.returncode == 2
    assert f"make report: error: {shown}" in done.stderr and "Traceback" not in done.stderr
    assert not runs_dir(project).exists() or not list(runs_dir(project).glob("lr*"))


def test_a_latin1_lab_toml_says_to_save_it_as_utf8(project):
    config = project / "lab.toml"
    config.write_bytes(config.read_text(encoding="utf-8").encode("latin-1"))  # "Ingeniería": one byte 0xED
    done = make_report(project)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "lab.toml no está guardado en UTF-8" in done.stderr and "guárdelo con la codificación UTF-8" in done.stderr


@pytest.mark.parametrize(
    "variables, shown",
    [
        (["LR=1,5"], "LR: tasa de aprendizaje inválida: 1,5 no es un número. Si es un decimal, use punto: 1.5"),
        (["LR=0.1,0.5"], 'Para dar varios valores, sepárelos así: LR="0.1 0.5".'),
        (["LR=1e-400"], "LR: tasa de aprendizaje inválida: 1e-400; es tan pequeña que en coma flotante vale 0"),
        (["ITERATIONS=10000000", "LR=0.5", "INIT=random", "LOSS=bce"], "CONFIRM=1"),
    ],
)
def test_bad_or_huge_values_through_make_name_what_the_user_typed(project, variables, shown):
    done = make_report(project, *variables)
    assert done.returncode == 2 and shown in done.stderr, done.stderr
    assert "--lr" not in done.stderr and "uso:" not in done.stderr and "Traceback" not in done.stderr
    assert not (project / "reports" / "informe.html").exists()


# ---------------------------------------------------------------- privacy


def test_no_path_of_the_builders_machine_under_reports(clean):
    for path in (clean / "reports").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert str(clean).encode() not in data and str(Path.home()).encode() + b"/" not in data, path
