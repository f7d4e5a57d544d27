"""Tests of sweep: real papermill runs (few iterations), the cache, failures, bad input, kills.

The sweeps here run on a copy of the project's notebook and modules (``projectcopy``), so that
a test can edit them; the kernel imports the copied modules, since it runs in that folder.
"""

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import nnsimple as nn
from nnsimple_lab import cache, files, provenance, results, sweep, training
from nnsimple_lab import grid as grid_module
from nnsimple_lab.grid import ROOT, load_grid
from tests.projectcopy import add_gate, children, copy_project, wait_gone

ITERATIONS, SEEDS = 30, 4
GRID = {"learning_rates": [0.1, 0.5], "inits": ["random"], "losses": ["bce", "mse"], "iterations": ITERATIONS}
IDS = ["lr0.1-random-bce", "lr0.1-random-mse", "lr0.5-random-bce", "lr0.5-random-mse"]
# The command-line sweeps: two runs, one worker, so one runs at a time; the second (lr 0.5)
# waits in a gate cell (projectcopy) until the test has interrupted it.
CLI_ARGS = ["--lr", "0.1", "0.5", "--init", "random", "--loss", "bce", "--iterations", "30", "--seeds", "3"]
CLI_IDS = {"lr0.1-random-bce", "lr0.5-random-bce"}


def grid(**changes):
    """The test grid: lab.toml's, with ``GRID``, ``SEEDS`` and ``changes`` on top."""
    return load_grid(**{**GRID, "seeds": SEEDS, **changes})


def finished_ids(out):
    """Runs whose results file is at its final path (pathlib's glob also matches .tmp-* names)."""
    return {p.stem for p in Path(out).glob("lr*.json")}


def temporaries(out):
    return sorted(p.name for p in Path(out).iterdir() if p.name.startswith(".") and p.name != files.LOCK_NAME)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """One real sweep of a 2 x 1 x 2 grid; ``snapshot`` is a copy of its folder to start from."""
    base = tmp_path_factory.mktemp("sweep")
    project = copy_project(base / "project")
    out = base / "runs"
    report = sweep.run_sweep(grid(), out=out, root=project, jobs=2)
    snapshot = base / "snapshot"
    shutil.copytree(out, snapshot)
    return SimpleNamespace(project=project, out=out, report=report, snapshot=snapshot)


@pytest.fixture
def runs(swept, tmp_path):
    """A fresh copy of the swept folder, for a test to change."""
    return Path(shutil.copytree(swept.snapshot, tmp_path / "runs"))


# ---------------------------------------------------------------- a sweep


def test_grid_gives_one_executed_notebook_and_one_results_file_per_run(swept):
    report = swept.report
    assert report.exit_code == 0 and report.failed == [] and report.cached == []
    assert sorted(report.executed) == IDS
    names = sorted(p.name for p in swept.out.iterdir())
    finished = [f"{i}{suffix}" for i in IDS for suffix in (".ipynb", ".json", ".npz")]
    assert names == sorted([".lock", results.MANIFEST, *finished])
    for spec in cache.plan(grid(), swept.project):
        notebook = nbformat.read(swept.out / f"{spec.id}.ipynb", as_version=4)
        papermill = notebook.metadata.papermill
        assert papermill.parameters == {
            **spec.parameters,
            "results_path": f"{spec.id}.json",
            "cache_key": spec.cache_key,
        }
        assert papermill.output_path == f"{spec.id}.ipynb"  # relative: no path of the builder's machine
        assert provenance.notebook_problem(swept.out / f"{spec.id}.ipynb", cache.made_from(spec)) is None
        assert papermill.exception is None
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        figures = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
        assert len(figures) == 4 and all(o.metadata["nnsimple"]["alt"] for o in figures)  # each with its alt
        injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and f"init = {spec.parameters['init']!r}".replace("'", '"') in injected[0].source


def test_results_equal_nnsimple_called_directly(swept):
    X, Y = nn.load_dataset("xor")
    for run in IDS:
        record = results.read_run(swept.out / f"{run}.json")
        p = record["parameters"]
        assert p == {
            "learning_rate": float(run[2:5]),
            "init": "random",
            "loss": run[-3:],
            "dataset": "xor",
            "n_h": 2,
            "iterations": ITERATIONS,
            "seed": 2,
            "seeds": SEEDS,
        }
        kwargs = {"learning_rate": p["learning_rate"], "init": p["init"], "loss": p["loss"], "iterations": ITERATIONS}
        direct = training.train(X, Y, seed=2, **kwargs)
        view = results.read_record(swept.out / f"{run}.json")  # bit for bit:
        assert view.costs.tobytes() == direct.costs.tobytes()
        assert view.accuracy.tobytes() == direct.accuracy.tobytes()
        assert view.history["W1"].tobytes() == direct.history["W1"].tobytes()
        assert view.final_parameters["W2"].tobytes() == direct.parameters["W2"].tobytes()
        assert view.A2.tobytes() == direct.A2.tobytes()
        by_seed = training.train_seeds(X, Y, seeds=range(SEEDS), **kwargs)
        assert view.seeds.final_cost.tobytes() == by_seed.final_cost.tobytes()
        assert record["seed_stats"]["n_solved"] == int(by_seed.solved.sum())
        assert record["duration_s"] > 0
        # the kernel imported the project copy's nnsimple.py, the one the cache key hashes
        nnsimple_bytes = (swept.project / "nnsimple.py").read_bytes()
        assert record["versions"]["nnsimple"] == hashlib.sha256(nnsimple_bytes).hexdigest()


def test_manifest_lists_the_grid_and_every_run(swept):
    manifest = results.read_manifest(swept.out)
    assert manifest["grid"] == {**GRID, "dataset": "xor", "n_h": 2, "seed": 2, "seeds": SEEDS}
    assert [r["id"] for r in manifest["runs"]] == IDS
    first = manifest["runs"][0]
    assert first == {
        "id": "lr0.1-random-bce",
        "learning_rate": 0.1,
        "init": "random",
        "loss": "bce",
        "status": "ok",
        "notebook": "lr0.1-random-bce.ipynb",
        "results": "lr0.1-random-bce.json",
        "cache_key": cache.plan(grid(), swept.project)[0].cache_key,
        "error": None,
    }
    assert all(r["record"] is not None for r in results.load_runs(swept.out))


# ---------------------------------------------------------------- the cache


def test_a_second_sweep_executes_nothing(swept, runs):
    before = {p.name: p.stat().st_mtime_ns for p in runs.iterdir()}
    report = sweep.run_sweep(grid(), out=runs, root=swept.project)
    assert report.executed == [] and sorted(report.cached) == IDS and report.exit_code == 0
    assert report.seconds < 2
    # nothing rewritten, the manifest included: a second `make report` then rebuilds nothing
    assert {p.name: p.stat().st_mtime_ns for p in runs.iterdir()} == before
    assert "desde la caché: 4" in report.summary()


@pytest.mark.parametrize("kind", ["threads", "dask"])
def test_a_changed_parameter_reexecutes_only_its_runs_on_any_executor(swept, runs, kind, request):
    """lr 0.5 -> 0.7 re-executes the two 0.7 runs, on a thread pool (any Executor works) or on Dask."""
    with contextlib.ExitStack() as stack:
        if kind == "threads":
            executor = stack.enter_context(ThreadPoolExecutor(2))
        else:
            executor = request.getfixturevalue("dask_executor")
        report = sweep.run_sweep(grid(learning_rates=[0.1, 0.7]), out=runs, root=swept.project, executor=executor)
    assert sorted(report.executed) == ["lr0.7-random-bce", "lr0.7-random-mse"]
    assert sorted(report.cached) == ["lr0.1-random-bce", "lr0.1-random-mse"]
    assert results.read_run(runs / "lr0.7-random-bce.json")["parameters"]["learning_rate"] == 0.7
    assert [r["id"] for r in results.read_manifest(runs)["runs"]][-1] == "lr0.7-random-mse"


@pytest.mark.slow
def test_touching_nnsimple_reexecutes_every_run(swept, runs, tmp_path):
    project = copy_project(tmp_path / "project")
    small = grid(learning_rates=[0.1])
    assert sweep.run_sweep(small, out=runs, root=project).executed == []
    with (project / "nnsimple.py").open("a") as f:
        f.write("\n# touched\n")
    report = sweep.run_sweep(small, out=runs, root=project)
    assert sorted(report.executed) == ["lr0.1-random-bce", "lr0.1-random-mse"] and report.cached == []
    record = results.read_run(runs / "lr0.1-random-bce.json")
    assert record["versions"]["nnsimple"] == results.file_sha256(project / "nnsimple.py")


def test_damaged_results_or_a_missing_notebook_are_redone(swept, runs):
    data = json.loads((runs / "lr0.1-random-bce.json").read_text())
    data["summary"]["final_cost"] = 0.0  # a hand edit: the checksum no longer matches
    (runs / "lr0.1-random-bce.json").write_text(json.dumps(data))
    (runs / "lr0.5-random-mse.ipynb").unlink()
    report = sweep.run_sweep(grid(), out=runs, root=swept.project, jobs=2)
    assert sorted(report.executed) == ["lr0.1-random-bce", "lr0.5-random-mse"]
    assert report.damaged == ["lr0.1-random-bce"]
    assert "dañados, editados a mano o de otra ejecución" in report.summary() and "lr0.1-random-bce" in report.summary()
    results.read_run(runs / "lr0.1-random-bce.json")
    assert (runs / "lr0.5-random-mse.ipynb").exists()


# ---------------------------------------------------------------- a failing run


@pytest.mark.parametrize("kind", ["pool", "dask"])
def test_a_failing_run_is_kept_for_reading_and_the_others_go_on(swept, runs, kind, request):
    executor = request.getfixturevalue("dask_executor") if kind == "dask" else None
    specs = cache.plan(grid(), swept.project)
    parameters = {**specs[0].parameters, "learning_rate": 0.3, "init": "he"}  # injected past validation
    bad = cache.RunSpec(results.run_id(0.3, "he", "bce"), parameters, cache.cache_key(parameters, "x"))
    new = dataclasses.replace(specs[1], id="lr0.1-random-mse-again")  # a good run executed alongside
    before = {p.name: p.read_bytes() for p in runs.glob("lr*")}
    report = sweep.run_specs([bad, new, *specs], grid=grid(), out=runs, root=swept.project, jobs=2, executor=executor)
    assert report.exit_code == 1
    assert report.failed == ["lr0.3-he-bce"] and report.executed == ["lr0.1-random-mse-again"]
    assert sorted(report.cached) == IDS
    assert {p.name: p.read_bytes() for p in runs.glob("lr*") if p.name in before} == before
    assert not (runs / "lr0.3-he-bce.json").exists() and not (runs / "lr0.3-he-bce.ipynb").exists()
    failed = nbformat.read(runs / "lr0.3-he-bce.failed.ipynb", as_version=4)
    errors = [o for c in failed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors[0].ename == "ValueError" and "Método de inicialización desconocido: 'he'" in errors[0].evalue
    entry = results.read_manifest(runs)["runs"][0]
    assert entry["status"] == "failed" and entry["results"] is None
    assert entry["notebook"] == "lr0.3-he-bce.failed.ipynb"
    assert entry["error"].startswith("ValueError: Método de inicialización desconocido: 'he'. Valores válidos:")
    summary = report.summary()
    assert "fallidas: 1" in summary and "lr0.3-he-bce: ValueError: Método de inicialización desconocido" in summary
    assert temporaries(runs) == []


# ---------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["--init", "he"], ["--init: Método de inicialización desconocido: 'he'", "'zeros', 'random', 'xavier'"]),
        (["--init", "zero"], ["¿Quiso decir 'zeros'?"]),
        (["--loss", "mae"], ["--loss:", "'mae'", "'bce', 'mse'"]),
        (["--dataset", "xnor"], ["--dataset:", "'xnor'", "'xor', 'and', 'or'"]),
        (["--lr", "0.1", "-0.5"], ["--lr: tasa de aprendizaje inválida: -0.5", "mayor que 0"]),
        (["--lr", "abc"], ["--lr: tasa de aprendizaje inválida: abc no es un número."]),
        (["--lr", "0"], ["--lr:", "0"]),
        (["--lr", "nan"], ["--lr:", "nan"]),
        (["--lr", "0.1", "1e-1"], ["--lr: el valor 1e-1 está repetido (es igual a 0.1)"]),
        (["--init", "zeros", "random", "zeros"], ["--init: el valor zeros está repetido"]),
        (["--iterations", "0"], ["--iterations: valor inválido 0"]),
        (["--seeds", "x"], ["--seeds: valor inválido x;", "entero"]),
        (["--seeds", "2", "--seeds", "3"], ["la opción --seeds aparece 2 veces"]),
        (["--jobs", "0"], ["--jobs: valor inválido 0"]),
        (["--lrs", "0.1"], ["opción desconocida: --lrs. ¿Quiso decir --lr?"]),
        (["--iteration", "5"], ["¿Quiso decir --iterations?"]),
        (["--lr"], ["--lr: falta al menos un valor."]),
        (["--force=1"], ["--force no lleva valor"]),
        (["0.1"], ["valores que no corresponden a ninguna opción: 0.1"]),
    ],
)
def test_bad_values_exit_2_with_a_spanish_message_and_touch_nothing(argv, shown, tmp_path, capsys):
    out = tmp_path / "runs"
    out.mkdir()
    (out / ".tmp-old.ipynb").write_text("{")  # a sweep would clean this up; bad input must not
    with pytest.raises(SystemExit) as stop:
        sweep.main([*argv, "--out", str(out)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("uso: python -m nnsimple_lab.sweep")
    for text in shown:
        assert text in err
    assert "usage" not in err and "invalid" not in err and "argument" not in err
    assert sorted(p.name for p in out.iterdir()) == [".tmp-old.ipynb"]


def test_bad_value_from_the_shell(tmp_path):
    out = tmp_path / "runs"
    done = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.sweep", "--loss", "bce", "mae", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "python -m nnsimple_lab.sweep: error: --loss: Función de costo" in done.stderr and "'mae'" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_help_is_in_spanish(capsys):
    with pytest.raises(SystemExit) as stop:
        sweep.main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("uso: python -m nnsimple_lab.sweep")
    for words in ("opciones:", "tasas de aprendizaje", "--force", "vuelve a ejecutar todo", "códigos de salida"):
        assert words in text
    assert "usage" not in text and "show this help" not in text


@pytest.mark.slow
def test_n_h_and_seed_on_the_command_line_reach_the_runs(tmp_path):
    project = copy_project(tmp_path / "project")
    out = tmp_path / "runs"
    argv = ["--lr", "0.5", "--init", "random", "--loss", "bce", "--iterations", "20", "--seeds", "2"]
    done = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.sweep", *argv, "--n-h", "3", "--seed", "7", "--out", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    record = results.read_run(out / "lr0.5-random-bce.json")
    assert record["parameters"]["n_h"] == 3 and record["parameters"]["seed"] == 7
    assert results.read_record(out / "lr0.5-random-bce.json").final_parameters["W1"].shape == (3, 2)
    assert results.read_manifest(out)["grid"]["n_h"] == 3


@pytest.mark.parametrize(
    "config, shown",
    [
        (None, "No existe el archivo de configuración"),
        ("[grid\n", "lab.toml no es TOML válido"),
        ("[grid]\nlearning_rates = [0.5]\n", "lab.toml [grid]: falta la clave inits."),
        ("learning_rates = [0]", "lab.toml [grid] learning_rates: tasa de aprendizaje inválida: 0;"),
        ("n_h = 0", "lab.toml [grid] n_h: valor inválido 0"),
    ],
)
def test_an_unreadable_lab_toml_is_a_spanish_error_not_a_silent_default(config, shown, tmp_path, monkeypatch, capsys):
    config_path = tmp_path / "lab.toml"
    if config is not None and "[" not in config.partition("=")[0]:  # one line of lab.toml replaced
        key = config.partition(" =")[0]
        lines = (ROOT / "lab.toml").read_text().splitlines()
        config = "\n".join(config if line.startswith(f"{key} =") else line for line in lines)
    if config is not None:
        config_path.write_text(config)
    monkeypatch.setattr(grid_module, "CONFIG", config_path)
    for argv in ([], ["--help"]):
        assert sweep.main([*argv, "--out", str(tmp_path / "runs")]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("python -m nnsimple_lab.sweep: error: ") and shown in err, err
    assert not (tmp_path / "runs").exists()


def test_no_lab_toml_from_the_shell(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "lab.toml").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.sweep"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr
        == f"python -m nnsimple_lab.sweep: error: No existe el archivo de configuración {project / 'lab.toml'}.\n"
    )
    assert not (project / "reports").exists()


# ---------------------------------------------------------------- interruptions


@pytest.fixture
def gated(tmp_path):
    """A copy of the project whose experiment notebook holds the run of lr 0.5 at its gate."""
    project = copy_project(tmp_path / "project")
    gate = add_gate(project / cache.NOTEBOOK, "learning_rate")
    gate.hold(0.5)
    return SimpleNamespace(project=project, gate=gate, out=tmp_path / "runs")


def start_cli_sweep(gated, *options):
    """``python -m nnsimple_lab.sweep`` on two runs with one worker (and ``options``); returns once
    the first run is finished and the second is executing (held in its gate), with the sweep's
    descendants."""
    command = [sys.executable, "-m", "nnsimple_lab.sweep", *CLI_ARGS, "--jobs", "1", *options, "--out", str(gated.out)]
    process = subprocess.Popen(
        command, cwd=gated.project, env=gated.gate.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    gated.gate.wait_started(0.5, alive=lambda: process.poll() is None)
    deadline = time.monotonic() + 30
    while not finished_ids(gated.out):  # the sweep renames the first run as the second starts
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    workers = children(process.pid)
    kernels = [k for w in workers for k in children(w)]
    assert workers and kernels
    return process, workers + kernels


@pytest.mark.slow
def test_a_killed_sweep_leaves_no_unfinished_results_and_the_next_completes_the_rest(gated):
    out = gated.out
    process, descendants = start_cli_sweep(gated)
    process.kill()  # SIGKILL: no clean-up at all in the sweep itself
    process.communicate(timeout=30)
    assert wait_gone(descendants) == []  # the worker dies with the sweep, and takes its kernel
    finished = finished_ids(out)
    assert finished and finished < CLI_IDS
    for run in finished:  # every results file at a final path is whole, with its notebook
        results.read_run(out / f"{run}.json")
        assert (out / f"{run}.ipynb").exists()
    gated.gate.release()
    again = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.sweep", *CLI_ARGS, "--out", str(out)],
        cwd=gated.project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert f"desde la caché: {len(finished)}" in again.stdout and "fallidas: 0" in again.stdout
    assert f"ejecutadas ahora: {len(CLI_IDS - finished)}" in again.stdout
    assert temporaries(out) == [] and finished_ids(out) == CLI_IDS


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["pool", "dask"])
def test_ctrl_c_stops_the_runs_cleans_up_and_exits_130(gated, executor):
    out = gated.out
    process, descendants = start_cli_sweep(gated, "--executor", executor)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Barrido interrumpido" in stderr and "Traceback" not in stderr
    assert "1 de 2 ejecuciones están completas" in stderr
    assert wait_gone(descendants, timeout=2) == []  # kernels shut down, not left to time out
    assert temporaries(out) == []
    finished = finished_ids(out)
    for run in finished:
        results.read_run(out / f"{run}.json")
    assert finished < CLI_IDS


def test_a_second_sweep_waits_for_the_first(swept, runs, capfd):
    fd = os.open(runs / files.LOCK_NAME, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "the first sweep"
    done = {}
    waiting = threading.Thread(
        target=lambda: done.update(report=sweep.run_sweep(grid(), out=runs, root=swept.project)), daemon=True
    )
    try:
        waiting.start()
        deadline = time.monotonic() + 10
        while "esperando" not in capfd.readouterr().err:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert "report" not in done
    finally:
        os.close(fd)  # the first sweep ends
    waiting.join(timeout=20)
    assert sorted(done["report"].cached) == IDS


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGHUP, signal.SIGINT])
def test_an_interruption_with_runs_queued_prints_no_thread_traceback(gated, signum):
    """The issue's case: Ctrl-C printed ``InvalidStateError: CANCELLED`` from a thread in 5 of 8
    trials (queued futures cancelled, then marked broken by the pool's own thread). SIGHUP (the
    terminal closed) is an interruption too."""
    args = ["--lr", "0.5", "0.1", "0.2", "0.3", "--init", "random", "--loss", "bce", "--iterations", "30"]
    command = [
        sys.executable,
        "-m",
        "nnsimple_lab.sweep",
        *args,
        "--seeds",
        "2",
        "--jobs",
        "1",
        "--out",
        str(gated.out),
    ]
    process = subprocess.Popen(
        command, cwd=gated.project, env=gated.gate.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    gated.gate.wait_started(0.5, alive=lambda: process.poll() is None)  # the first runs, three are queued
    descendants = [*children(process.pid), *(k for w in children(process.pid) for k in children(w))]
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Barrido interrumpido" in stderr and "0 de 4 ejecuciones están completas" in stderr
    for noise in ("Traceback", "Exception in thread", "InvalidStateError"):
        assert noise not in stderr
    assert wait_gone(descendants, timeout=5) == [] and temporaries(gated.out) == []


# ---------------------------------------------------------------- the disk refuses


def test_a_failed_rename_stops_the_queued_runs_leaves_no_temporaries_and_says_what_to_do(swept, tmp_path, capsys):
    """The issue's case: a failed rename of a finished run was a traceback, and the workers went
    on executing the queued runs, leaving their temporaries."""
    out = tmp_path / "runs"
    out.mkdir()
    (out / "lr0.1-random-bce.ipynb").mkdir()  # where the first run's notebook must go: a folder
    big = grid(learning_rates=[0.1, 0.2, 0.3, 0.4, 0.5])
    specs = cache.plan(big, swept.project)
    with pytest.raises(files.StorageError) as error:
        sweep.run_specs(specs, grid=big, out=out, root=swept.project, jobs=1)
    assert str(error.value).startswith(f"No se pudo poner en su sitio {out / 'lr0.1-random-bce.ipynb'}:")
    assert "Qué hacer:" in str(error.value)
    assert temporaries(out) == [] and len(finished_ids(out)) < len(specs) - 1  # stopped, not all executed
    assert not (out / results.MANIFEST).exists()


def test_a_full_disk_stops_the_sweep_with_a_spanish_message_and_exit_1(swept, tmp_path, capsys):
    """A real full disk (a small tmpfs) under the runs: the first runs that fit stay whole."""
    from tests.projectcopy import small_folder

    with small_folder(tmp_path / "disco", kib=600) as out:
        argv = ["--lr", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "--init", "random", "--loss", "bce"]
        argv += ["--iterations", "30", "--seeds", "2", "--jobs", "2", "--out", str(out)]
        monkey_root = swept.project
        code = subprocess.run(
            [sys.executable, "-m", "nnsimple_lab.sweep", *argv], cwd=monkey_root, capture_output=True, text=True
        )
        assert code.returncode == 1, code.stderr
        assert "el disco está lleno" in code.stderr and "libere espacio" in code.stderr
        assert "Traceback" not in code.stderr
        assert temporaries(out) == []
        for run in finished_ids(out):  # what is at a final path is whole
            results.read_run(out / f"{run}.json")
            assert provenance.notebook_problem(out / f"{run}.ipynb") is None
        assert not list(out.glob("*.failed.ipynb")) or all(p.stat().st_size > 0 for p in out.glob("*.failed.ipynb"))


def test_a_fixed_failure_leaves_no_failed_notebook_behind(swept, runs):
    specs = cache.plan(grid(), swept.project)
    parameters = {**specs[0].parameters, "learning_rate": 0.3, "init": "he"}
    bad = cache.RunSpec(results.run_id(0.3, "he", "bce"), parameters, cache.cache_key(parameters, "x"))
    sweep.run_specs([bad, *specs], grid=grid(), out=runs, root=swept.project, jobs=1)
    assert (runs / "lr0.3-he-bce.failed.ipynb").exists()
    (runs / "lr0.3-he-bce.failed.html").write_text("<html></html>")  # its page, as the build renders it
    report = sweep.run_specs(specs, grid=grid(), out=runs, root=swept.project, jobs=1)  # the grid without it
    assert report.exit_code == 0
    assert not list(runs.glob("*.failed.*"))
