"""Tests of build: the whole report from a small real sweep, what a rebuild redoes, failures, Ctrl-C.

The builds write into temporary folders (``reports=``); the notebooks and modules are the
project's, except where a test breaks the report notebook in a copy of the project.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nnsimple_lab import build, cache, files, provenance, report_notebook, results, sweep
from nnsimple_lab.grid import load_grid
from nnsimple_lab.report import runs as run_view
from nnsimple_lab.report import studies
from tests.projectcopy import add_gate, alive, children, copy_project, wait_gone

GRID = {"learning_rates": [0.1, 0.5], "inits": ["random"], "losses": ["bce"], "iterations": 30, "seeds": 3}
IDS = ["lr0.1-random-bce", "lr0.5-random-bce"]


def grid(**changes):
    """The test grid: lab.toml's, with ``GRID`` and ``changes`` on top."""
    return load_grid(**{**GRID, **changes})


def run_build(reports, grid_=None, *, specs=None, root=build.ROOT, no_sweep=False):
    """Build into ``reports``; returns (exit code, the summary lines)."""
    lines = []
    grid_ = grid_ or grid()
    if not no_sweep and specs is None:
        specs = cache.plan(grid_, root)
    code = build.build(
        None if no_sweep else specs, grid_, reports=reports, root=root, jobs=2, progress=False, say=lines.append
    )
    return code, "\n".join(lines)


def mtimes(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in Path(folder).rglob("*") if p.is_file()}


def temporaries(folder):
    return sorted(p.name for p in Path(folder).rglob(".*") if p.name not in (files.LOCK_NAME, provenance.RENDERINGS))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("build")
    reports = base / "reports"
    code, summary = run_build(reports)
    return SimpleNamespace(base=base, reports=reports, code=code, summary=summary)


@pytest.fixture
def rebuilt(built, tmp_path):
    """A copy of the built folder (mtimes kept), for a test to change."""
    return Path(shutil.copytree(built.reports, tmp_path / "reports"))


@pytest.mark.slow
def test_a_build_makes_the_runs_the_report_and_its_renderings(built):
    paths = report_notebook.outputs(built.reports)
    assert built.code == 0
    for run in IDS:
        results.read_run(paths["runs"] / f"{run}.json")
        assert (paths["runs"] / f"{run}.html").stat().st_size > 0
    notebook = nbformat.read(paths["notebook"], as_version=4)
    # relative names: no path of the builder's machine in reports/
    assert notebook.metadata.papermill.output_path == "informe.ipynb"
    assert notebook.metadata.papermill.parameters["runs_dir"] == "runs"
    for path in built.reports.rglob("*"):
        if path.is_file():
            assert str(built.base).encode() not in path.read_bytes(), path
            assert str(build.ROOT).encode() not in path.read_bytes(), path
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert not paths["failed"].exists() and temporaries(built.reports) == []
    for line in ("ejecutadas ahora: 2", "Páginas de ejecuciones: 2 nuevas", "Informe ejecutado:", "HTML escrito:"):
        assert line in built.summary


@pytest.mark.slow
def test_a_build_prefetches_the_reports_studies_under_the_keys_its_cells_ask_for(built):
    """The scan (from the grid, in the sweep's tail) and the failing seeds' study (from the runs) are
    stored under the keys of the arguments the report notebook's cells give (``report.studies``)."""
    from tests.test_report_studies import _failing_arguments, _scan_arguments

    runs = run_view.load(built.reports / "runs")
    s = studies.setting(runs, results.read_manifest(built.reports / "runs")["grid"])
    name = studies.key(studies.SCAN, studies._scan_arguments(s.X, s.Y, **_scan_arguments(runs, s)))
    sweep = studies.read(built.reports, studies.SCAN, name)
    assert sweep is not None
    failing = studies._failing_arguments(s.X, s.Y, **_failing_arguments(runs, s, sweep))
    assert studies.read(built.reports, studies.FAILING, studies.key(studies.FAILING, failing)) is not None
    assert [len(list(studies.folder(built.reports, x).glob("*.json"))) for x in (studies.SCAN, studies.FAILING)] == [
        1,
        1,
    ]


@pytest.mark.slow
def test_a_second_build_rewrites_nothing(built, rebuilt):
    before = mtimes(rebuilt)
    code, summary = run_build(rebuilt)
    assert code == 0
    assert mtimes(rebuilt) == before
    assert "desde la caché: 2" in summary and "El informe está al día" in summary


@pytest.mark.slow
def test_one_changed_rate_redoes_its_run_and_the_report_only(built, rebuilt):
    before = mtimes(rebuilt)
    code, summary = run_build(rebuilt, grid(learning_rates=[0.1, 0.7]))
    assert code == 0
    assert "ejecutadas ahora: 1" in summary and "desde la caché: 1" in summary
    after = mtimes(rebuilt)
    kept = [Path("runs") / f"lr0.1-random-bce.{ext}" for ext in ("ipynb", "json", "html")]
    assert all(after[name] == before[name] for name in kept)
    redone = [Path(name) for name in ("informe.ipynb", "informe.html", "informe.pdf", "runs/manifest.json")]
    assert all(after[name] > before[name] for name in redone)
    assert (rebuilt / "runs" / "lr0.7-random-bce.html").exists()
    assert "Páginas de ejecuciones: 1 nuevas" in summary


@pytest.mark.slow
def test_a_failed_run_still_builds_the_report_and_exits_1(built, rebuilt, capfd):
    specs = cache.plan(grid(), build.ROOT)
    parameters = {**specs[0].parameters, "learning_rate": 0.3, "dataset": "xnor"}  # past validation
    bad = cache.RunSpec(results.run_id(0.3, "random", "bce"), parameters, cache.cache_key(parameters, "x"))
    code, summary = run_build(rebuilt, specs=[*specs, bad])
    assert code == 1
    assert "fallidas: 1" in summary and "Informe ejecutado:" in summary and "HTML escrito:" in summary
    assert "Informe generado, pero muestra 1 ejecución fallida: lr0.3-random-bce" in capfd.readouterr().err
    html = (rebuilt / "informe.html").read_text(encoding="utf-8")
    assert "ejecución fallida" in html
    assert (rebuilt / "runs" / "lr0.3-random-bce.failed.html").exists()


def broken_project(target, *, broken=True):
    """A copy of the project whose report notebook raises in its first code cell (if ``broken``)."""
    project = copy_project(target)
    if broken:
        notebook = nbformat.read(project / report_notebook.NOTEBOOK, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        cell = next(c for c in code if "parameters" not in c.metadata.get("tags", []))
        cell.source = 'raise RuntimeError("informe roto a propósito")\n' + cell.source
        nbformat.write(notebook, project / report_notebook.NOTEBOOK)
    os.utime(project / report_notebook.NOTEBOOK)  # edited now (a copy keeps the original's time)
    return project


@pytest.mark.slow
def test_a_failing_report_notebook_is_kept_and_the_earlier_report_stays(built, rebuilt, tmp_path, capfd):
    project = broken_project(tmp_path / "project")
    before = {name: (rebuilt / name).read_bytes() for name in ("informe.ipynb", "informe.html", "informe.pdf")}
    times = mtimes(rebuilt)
    code, summary = run_build(rebuilt, root=project, no_sweep=True)
    assert code == 1
    err = capfd.readouterr().err
    assert "El informe falló: vea" in err and "informe.failed.ipynb" in err
    assert "RuntimeError: informe roto a propósito" in err
    assert "Informe generado" not in err
    failed = nbformat.read(rebuilt / "informe.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors[0].evalue == "informe roto a propósito"
    for name, data in before.items():
        assert (rebuilt / name).read_bytes() == data and (rebuilt / name).stat().st_mtime_ns == times[Path(name)]
    assert temporaries(rebuilt) == []

    fixed = broken_project(tmp_path / "fixed", broken=False)  # the notebook as it was: the report is current
    code, summary = run_build(rebuilt, root=fixed, no_sweep=True)
    assert code == 0 and "El informe está al día" in summary
    assert not (rebuilt / "informe.failed.ipynb").exists()  # the failure is over: nothing to mislead


def test_no_sweep_without_runs_is_a_spanish_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.build", "--no-sweep", "--reports", str(tmp_path / "reports")],
        cwd=build.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "python -m nnsimple_lab.build: error: No hay ejecuciones en" in done.stderr and "make runs" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_and_bad_values_are_spanish(capsys):
    with pytest.raises(SystemExit) as stop:
        build.main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("uso: python -m nnsimple_lab.build")
    for words in ("opciones:", "--no-sweep", "--lr", "códigos de salida"):
        assert words in text
    with pytest.raises(SystemExit) as stop:
        build.main(["--lr", "0"])
    assert stop.value.code == 2
    assert "python -m nnsimple_lab.build: error: --lr:" in capsys.readouterr().err


@pytest.mark.slow
def test_ctrl_c_while_the_report_executes_stops_it_and_keeps_the_earlier_one(built, rebuilt, tmp_path):
    project = copy_project(tmp_path / "project")
    gate = add_gate(project / report_notebook.NOTEBOOK, "'informe'")  # the report waits there, mid-run
    gate.hold("informe")  # the report is stale: its notebook has a new cell (the gate)
    before = {name: (rebuilt / name).read_bytes() for name in ("informe.ipynb", "informe.html", "informe.pdf")}
    process = subprocess.Popen(
        [sys.executable, "-m", "nnsimple_lab.build", "--no-sweep", "--reports", str(rebuilt)],
        cwd=project,
        env=gate.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    gate.wait_started("informe", alive=lambda: process.poll() is None)
    workers = children(process.pid)
    kernels = [k for w in workers for k in children(w)]
    assert workers and kernels
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Interrumpido" in stderr and "Traceback" not in stderr
    assert wait_gone(workers + kernels, timeout=2) == []
    assert temporaries(rebuilt) == []
    for name, data in before.items():
        assert (rebuilt / name).read_bytes() == data


@pytest.mark.slow
def test_a_build_leaves_no_process_behind(built):
    assert [pid for pid in children(os.getpid()) if alive(pid)] == []
    assert json.loads((built.reports / "runs" / "manifest.json").read_text())["grid"]["iterations"] == 30


# ---------------------------------------------------------------- staleness by content, never by time


@pytest.mark.slow
def test_a_truncated_executed_report_or_rendering_is_made_again(built, rebuilt):
    """The issue's case: a truncated reports/informe.ipynb failed every later build until deleted."""
    notebook = rebuilt / "informe.ipynb"
    notebook.write_bytes(notebook.read_bytes()[:5000])
    (rebuilt / "informe.html").write_text("<html>")
    code, summary = run_build(rebuilt, no_sweep=True)
    assert code == 0 and "Informe ejecutado:" in summary and "HTML escrito:" in summary
    assert provenance.notebook_problem(notebook) is None
    assert (rebuilt / "informe.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.mark.slow
def test_a_report_made_from_other_runs_is_never_al_dia_whatever_the_file_times(built, rebuilt):
    """The race's outcome (two builds at once): reports/ holding a report of one grid and the runs
    of another, with times that make the report look newer. Content decides: it is rebuilt."""
    times = mtimes(rebuilt)
    other = grid(learning_rates=[0.7])
    sweep.run_specs(cache.plan(other, build.ROOT), grid=other, out=rebuilt / "runs", root=build.ROOT, jobs=1)
    for name, ns in times.items():  # every file back at its old time: the report looks current
        if (rebuilt / name).exists():
            os.utime(rebuilt / name, ns=(ns, ns))
    code, summary = run_build(rebuilt, no_sweep=True)
    assert code == 0 and "El informe está al día" not in summary and "Informe ejecutado:" in summary
    shown = (rebuilt / "informe.html").read_text(encoding="utf-8")
    assert "lr0.7-random-bce" in shown and "lr0.5-random-bce.html" not in shown


@pytest.mark.slow
def test_html_refuses_a_results_file_that_is_another_runs_and_names_it(built, rebuilt):
    """The issue's case: `make html` after copying one run's JSON over another's showed α = 0.01's
    numbers in α = 0.5's rows."""
    runs = rebuilt / "runs"
    before = {p: p.read_bytes() for p in rebuilt.glob("informe.*")}
    shutil.copy2(runs / "lr0.1-random-bce.json", runs / "lr0.5-random-bce.json")  # the JSON alone
    with pytest.raises(build.BuildInputError, match=r"lr0\.5-random-bce\.json \(su suma no coincide\)"):
        run_build(rebuilt, no_sweep=True)
    shutil.copy2(runs / "lr0.1-random-bce.npz", runs / "lr0.5-random-bce.npz")  # and its arrays: a whole record
    with pytest.raises(build.BuildInputError) as error:
        run_build(rebuilt, no_sweep=True)
    message = str(error.value)
    assert "lr0.5-random-bce.json contiene los resultados de la ejecución lr0.1-random-bce" in message
    assert "make report" in message
    assert {p: p.read_bytes() for p in rebuilt.glob("informe.*")} == before  # nothing rewritten
    code, summary = run_build(rebuilt)  # make report: the swapped run is computed again
    assert code == 0 and "ejecutadas ahora: 1" in summary and "Informe ejecutado:" in summary


@pytest.mark.slow
def test_the_exit_code_is_1_whenever_the_report_shows_a_failed_run(built, rebuilt, capfd):
    manifest = json.loads((rebuilt / "runs" / "manifest.json").read_text())
    manifest["runs"][0].update(status="failed", notebook=None, results=None, cache_key=None, error="RuntimeError: x")
    files.write_json_atomic(rebuilt / "runs" / "manifest.json", manifest)
    for attempt in range(2):  # built now, and "al día" the second time: the same report, the same code
        code, summary = run_build(rebuilt, no_sweep=True)
        assert code == 1, summary
        assert ("El informe está al día" in summary) == (attempt == 1)
        assert "Informe generado, pero muestra 1 ejecución fallida: lr0.1-random-bce" in capfd.readouterr().err


# ---------------------------------------------------------------- a disk that refuses writes


@pytest.mark.slow
def test_read_only_reports_are_al_dia_when_nothing_is_stale_and_a_message_otherwise(built, tmp_path):
    """The issue's case: a read-only reports/ gave a traceback even with nothing to rebuild."""
    from tests.projectcopy import remount_read_only, small_folder

    with small_folder(tmp_path / "reports", kib=8192) as reports:
        shutil.copytree(built.reports, reports, dirs_exist_ok=True, copy_function=shutil.copy2)
        remount_read_only(reports)
        args = ["--lr", "0.1", "0.5", "--init", "random", "--loss", "bce", "--iterations", "30", "--seeds", "3"]
        again = subprocess.run(
            [sys.executable, "-m", "nnsimple_lab.build", *args, "--jobs", "2", "--reports", str(reports)],
            cwd=build.ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert "El informe está al día" in again.stdout and "Traceback" not in again.stderr
        other = subprocess.run(
            [sys.executable, "-m", "nnsimple_lab.build", *args[:2], "0.7", *args[3:], "--reports", str(reports)],
            cwd=build.ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert other.returncode == 1 and "Traceback" not in other.stderr
        assert "sistema de archivos de solo lectura" in other.stderr and "Qué hacer:" in other.stderr


@pytest.mark.slow
def test_a_full_disk_while_the_manifest_is_written_is_a_message_and_nothing_is_left_half_done(
    built, rebuilt, monkeypatch, capsys
):
    """The manifest is the sweep's last write; the disk fills up just then (injected: the same
    ``OSError`` a full disk gives, at that very write)."""

    def full(path, obj):
        raise files.storage_error(OSError(28, "No space left on device", str(path)))

    monkeypatch.setattr(files, "write_json_if_changed", full)
    argv = ["--lr", "0.1", "0.7", "--init", "random", "--loss", "bce", "--iterations", "30", "--seeds", "3"]
    before = {p.name: p.read_bytes() for p in rebuilt.glob("informe.*")}
    assert build.main([*argv, "--jobs", "2", "--reports", str(rebuilt)]) == 1
    err = capsys.readouterr().err
    assert f"No se pudo escribir {rebuilt.resolve() / 'runs' / 'manifest.json'}: el disco está lleno." in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in rebuilt.glob("informe.*")} == before
    assert temporaries(rebuilt) == []
