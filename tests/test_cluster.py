"""Tests of cluster: the sweep on a real Dask LocalCluster (2 worker processes) and on a real
``dask scheduler`` with a ``dask worker`` in another folder; results equal the pool's.

The cache, failure and interruption tests of ``test_sweep`` run on the Dask executor too.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nnsimple_lab import cache, cluster, deps, pool, results, sweep, tasks
from nnsimple_lab.grid import load_grid
from tests.projectcopy import add_gate, alive, copy_project, wait_gone
from tests.test_kernel_reset import POLLUTER, PROBE, cell_outputs, write_notebook

GRID = {"learning_rates": ["0.1", "0.5"], "inits": ["random"], "losses": ["bce", "mse"], "iterations": 30, "seeds": 4}
IDS = ["lr0.1-random-bce", "lr0.1-random-mse", "lr0.5-random-bce", "lr0.5-random-mse"]
VENV_BIN = Path(sys.executable).parent


def grid(**changes):
    return load_grid(**{**GRID, **changes})


def numbers(path):
    """A results record without what differs between two executions of the same run (timing)."""
    return {k: v for k, v in results.read_run(path).items() if k not in ("duration_s", "checksum")}


def leftovers(out):
    return sorted(p.name for p in Path(out).iterdir() if p.name.startswith(".") and p.name != ".lock")


@pytest.fixture(scope="module")
def swept(tmp_path_factory, dask_executor):
    """The same small grid swept on Dask and in the project's pool."""
    base = tmp_path_factory.mktemp("cluster")
    project = copy_project(base / "project")
    on_dask = sweep.run_sweep(grid(), out=base / "dask", root=project, executor=dask_executor)
    in_pool = sweep.run_sweep(grid(), out=base / "pool", root=project, jobs=2)
    return SimpleNamespace(project=project, base=base, dask=on_dask, pool=in_pool)


# ---------------------------------------------------------------- the code that travels


def test_the_code_shipped_is_the_notebook_and_the_modules_it_imports(tmp_path):
    root = Path(__file__).resolve().parent.parent
    code = cluster.project_code(root)
    imported = {p.relative_to(root).as_posix() for p in deps.notebook_dependencies(root / cache.NOTEBOOK, root)}
    assert set(code.files) == {cache.NOTEBOOK.as_posix(), *imported, *cluster.KERNEL_FILES}
    assert code.files["nnsimple.py"] == (root / "nnsimple.py").read_bytes()
    assert cluster.project_code(copy_project(tmp_path / "copia")).digest == code.digest  # same files, same digest


# ---------------------------------------------------------------- a sweep on Dask


def test_a_sweep_on_dask_gives_the_pools_numbers_bit_for_bit(swept):
    assert swept.dask.exit_code == 0 and sorted(swept.dask.executed) == IDS
    assert swept.dask.jobs == 2 and "con 2 procesos" in swept.dask.summary()
    for run in IDS:
        on_dask, in_pool = swept.base / "dask" / f"{run}.json", swept.base / "pool" / f"{run}.json"
        assert json.dumps(numbers(on_dask), sort_keys=True) == json.dumps(numbers(in_pool), sort_keys=True)
    assert results.read_manifest(swept.base / "dask") == results.read_manifest(swept.base / "pool")


def test_the_notebooks_from_dask_are_the_runs_own_and_name_no_worker_folder(swept):
    duration = r"\(\d+\.\d+ s de cálculo\)"
    for spec in cache.plan(grid(), swept.project):
        path = swept.base / "dask" / f"{spec.id}.ipynb"
        text = path.read_text(encoding="utf-8")
        assert "dask-scratch-space" not in text and "nnsimple-lab-" not in text
        notebook, in_pool = nbformat.reads(text, as_version=4), nbformat.read(swept.base / "pool" / path.name, 4)
        assert notebook.metadata.papermill.parameters == in_pool.metadata.papermill.parameters
        assert cell_outputs(notebook, mask=duration) == cell_outputs(in_pool, mask=duration)
        assert cache.status(spec, swept.base / "dask") == "cached"
    assert leftovers(swept.base / "dask") == []


def test_each_worker_executes_its_runs_in_one_warm_kernel(dask_executor, swept):
    kernels = dask_executor.client.run(lambda: (pool.current().kernel.pid, pool.current().kernel.notebooks))
    assert len(kernels) == 2 and sum(n for _, n in kernels.values()) >= len(IDS)
    assert all(alive(pid) for pid, _ in kernels.values())


def pollute_then_probe(polluter, probe, folder):
    """On a worker, in its warm kernel: a polluting notebook, then the probe; the probe executed."""
    from distributed import get_worker

    plugin = get_worker().plugins[cluster.PLUGIN]

    def both():
        kernel = pool.current().kernel_for(plugin.root)
        tasks.execute_notebook(polluter, Path(folder) / "polluted.ipynb", {}, root=plugin.root, kernel=kernel)
        node = tasks.execute_notebook(probe, Path(folder) / "probe.ipynb", {}, root=plugin.root, kernel=kernel)
        return nbformat.writes(node)

    return plugin.in_kernel_thread(both)


def test_a_workers_warm_kernel_forgets_the_previous_notebook(dask_executor, swept, tmp_path):
    polluter = write_notebook(tmp_path / "polluter.ipynb", POLLUTER)
    probe = write_notebook(tmp_path / "probe.ipynb", PROBE)
    fresh = tasks.execute_notebook(probe, tmp_path / "probe-fresh.ipynb", {}, root=swept.project)
    warm = nbformat.reads(dask_executor.submit(pollute_then_probe, polluter, probe, tmp_path).result(), 4)
    names = warm.cells[0].outputs[0]["text"]
    assert "secreto" not in names and "np" not in names
    # the working folder differs (the worker's own code folder), all else is as in a fresh kernel
    assert [c for i, c in enumerate(cell_outputs(warm)) if i != 2] == [
        c for i, c in enumerate(cell_outputs(fresh)) if i != 2
    ]
    assert warm.cells[2].outputs[0]["text"].split(" ", 1)[1] == fresh.cells[2].outputs[0]["text"].split(" ", 1)[1]


# ---------------------------------------------------------------- what cannot be used


def test_an_unreachable_scheduler_exits_2_with_a_spanish_message_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    out = tmp_path / "runs"
    argv = ["--lr", "0.5", "--init", "random", "--loss", "bce", "--executor", "tcp://127.0.0.1:9", "--out", str(out)]
    assert sweep.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m nnsimple_lab.sweep: error: No se pudo conectar con el planificador de Dask")
    assert "tcp://127.0.0.1:9" in err and "dask scheduler" in err and "Traceback" not in err
    assert not out.exists()


# ---------------------------------------------------------------- workers elsewhere, and dying


@pytest.fixture
def scheduler(tmp_path):
    """A real ``dask scheduler`` and one ``dask worker`` started in a folder of their own (another
    working folder, another local directory: nothing shared with the driver's folders)."""
    elsewhere = tmp_path / "otra-maquina"
    elsewhere.mkdir()
    address_file = tmp_path / "planificador.json"
    started = []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": elsewhere}
    try:
        started.append(
            subprocess.Popen(
                [VENV_BIN / "dask", "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", address_file],
                **quiet,
            )
        )
        deadline = time.monotonic() + 60
        while not address_file.exists():
            assert time.monotonic() < deadline and started[0].poll() is None
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        worker = [VENV_BIN / "dask", "worker", address, "--nthreads", "1", "--no-dashboard"]
        worker += ["--local-directory", elsewhere / "local"]
        started.append(subprocess.Popen(worker, **quiet))
        yield SimpleNamespace(address=address, folder=elsewhere)
    finally:
        for process in reversed(started):
            process.send_signal(signal.SIGINT)  # how a user stops them
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.slow
def test_a_worker_in_another_folder_fills_the_runs_folder(scheduler, swept, tmp_path):
    out = tmp_path / "reports" / "runs"
    executor = cluster.DaskExecutor(scheduler.address)
    try:
        assert executor.jobs == 1
        report = sweep.run_sweep(grid(), out=out, root=swept.project, executor=executor)
    finally:
        executor.shutdown()
    assert report.exit_code == 0 and sorted(report.executed) == IDS
    for run in IDS:
        assert numbers(out / f"{run}.json") == numbers(swept.base / "pool" / f"{run}.json")
    assert leftovers(out) == []
    # the worker's code folder went with its plugin; nothing of the run was left over there
    assert not list(scheduler.folder.rglob("nnsimple-lab-*")) and not list(scheduler.folder.rglob("lr*"))


@pytest.mark.slow
def test_a_worker_that_dies_fails_only_its_run_which_is_retried_once(tmp_path):
    project = copy_project(tmp_path / "project")
    gate = add_gate(project / cache.NOTEBOOK, "learning_rate")
    gate.hold(0.5)
    os.environ["NNSIMPLE_PRUEBA_ESPERA"] = str(gate.folder)  # the LocalCluster's workers inherit it
    executor = cluster.DaskExecutor(jobs=2)
    try:
        done = {}
        worker = {}

        def kill_the_worker_of_lr05():
            gate.wait_started(0.5)
            pids = executor.client.run(lambda: (os.getpid(), " ".join(map(str, pool.current().temporaries))))
            busy = [pid for pid, running in pids.values() if "lr0.5" in running]
            (gate.folder / "empezó-0.5").unlink()
            os.kill(busy[0], signal.SIGKILL)
            worker["pid"] = busy[0]
            gate.release()

        import threading

        killer = threading.Thread(target=kill_the_worker_of_lr05)
        killer.start()
        small = grid(losses=["bce"])
        done["report"] = sweep.run_sweep(small, out=tmp_path / "runs", root=project, executor=executor)
        killer.join()
    finally:
        del os.environ["NNSIMPLE_PRUEBA_ESPERA"]
        executor.shutdown()
    report = done["report"]
    assert report.exit_code == 0, report.summary()
    assert sorted(report.executed) == ["lr0.1-random-bce", "lr0.5-random-bce"]
    assert [run for run, _ in report.retried] == ["lr0.5-random-bce"]
    assert "repetida una vez: lr0.5-random-bce (el proceso de trabajo de Dask" in report.summary()
    assert not alive(worker["pid"])
    results.read_run(tmp_path / "runs" / "lr0.5-random-bce.json")
    assert leftovers(tmp_path / "runs") == []


@pytest.mark.slow
def test_ctrl_c_on_dask_stops_the_runs_kills_their_kernels_and_exits_130(tmp_path):
    from tests.projectcopy import children

    project = copy_project(tmp_path / "project")
    gate = add_gate(project / cache.NOTEBOOK, "learning_rate")
    gate.hold(0.5)
    out = tmp_path / "runs"
    args = ["--lr", "0.5", "0.1", "0.2", "--init", "random", "--loss", "bce", "--iterations", "30", "--seeds", "2"]
    command = [sys.executable, "-m", "nnsimple_lab.sweep", *args, "--executor", "dask", "--jobs", "2", "--out", out]
    process = subprocess.Popen(command, cwd=project, env=gate.env(), stderr=subprocess.PIPE, text=True)
    gate.wait_started(0.5, alive=lambda: process.poll() is None)
    workers = children(process.pid)
    descendants = [*workers, *(k for w in workers for k in children(w))]
    assert len(descendants) >= 4  # two workers, each with its kernel
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Barrido interrumpido: se detuvieron las ejecuciones en curso" in stderr
    for noise in ("Traceback", "Exception in thread", "InvalidStateError", "distributed."):
        assert noise not in stderr
    assert wait_gone(descendants, timeout=10) == []
    assert leftovers(out) == []
    for path in out.glob("lr*.json"):
        results.read_run(path)
    assert not (out / "lr0.5-random-bce.json").exists()
    shutil.rmtree(gate.folder, ignore_errors=True)


def pdf_text(path):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.slow
def test_a_build_on_dask_gives_the_same_report_as_in_the_pool(dask_executor, swept, tmp_path):
    from nnsimple_lab import build

    small = grid(losses=["bce"])
    specs = cache.plan(small, swept.project)
    texts = []
    for name, executor in (("dask", dask_executor), ("pool", None)):
        reports = tmp_path / name
        lines = []
        code = build.build(
            specs, small, reports=reports, root=swept.project, progress=False, say=lines.append, executor=executor
        )
        assert code == 0, "\n".join(lines)
        assert "ejecutadas ahora: 2" in "\n".join(lines)
        texts.append(pdf_text(reports / "informe.pdf"))
    assert texts[0] == texts[1] and "Laboratorio 1" in texts[0]
