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

from nnsimple_lab import build, cache, files, results
from nnsimple_lab.grid import load_grid
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
    return sorted(p.name for p in Path(folder).rglob(".*") if p.name != files.LOCK_NAME)


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
    paths = build.outputs(built.reports)
    assert built.code == 0
    for run in IDS:
        results.read_run(paths["runs"] / f"{run}.json")
        assert (paths["runs"] / f"{run}.html").stat().st_size > 0
    notebook = nbformat.read(paths["notebook"], as_version=4)
    assert notebook.metadata.papermill.output_path == str(paths["notebook"].resolve())
    assert notebook.metadata.papermill.parameters["runs_dir"] == str(paths["runs"].resolve())
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths["pdf"].read_bytes().startswith(b"%PDF")
    assert not paths["failed"].exists() and temporaries(built.reports) == []
    for line in ("ejecutadas ahora: 2", "Páginas de ejecuciones: 2 nuevas", "Informe ejecutado:", "HTML escrito:"):
        assert line in built.summary


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
    assert "Informe generado, pero hubo ejecuciones fallidas" in capfd.readouterr().err
    html = (rebuilt / "informe.html").read_text(encoding="utf-8")
    assert "ejecución fallida" in html
    assert (rebuilt / "runs" / "lr0.3-random-bce.failed.html").exists()


def broken_project(target, *, broken=True):
    """A copy of the project whose report notebook raises in its first code cell (if ``broken``)."""
    project = copy_project(target)
    if broken:
        notebook = nbformat.read(project / build.NOTEBOOK, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        cell = next(c for c in code if "parameters" not in c.metadata.get("tags", []))
        cell.source = 'raise RuntimeError("informe roto a propósito")\n' + cell.source
        nbformat.write(notebook, project / build.NOTEBOOK)
    os.utime(project / build.NOTEBOOK)  # edited now (a copy keeps the original's time)
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

    fixed = broken_project(tmp_path / "fixed", broken=False)
    code, summary = run_build(rebuilt, root=fixed, no_sweep=True)
    assert code == 0 and "Informe ejecutado:" in summary
    assert not (rebuilt / "informe.failed.ipynb").exists()


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
    gate = add_gate(project / build.NOTEBOOK, "'informe'")  # the report waits there, mid-run
    gate.hold("informe")
    (rebuilt / "runs" / "manifest.json").touch()  # the report is now stale
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
