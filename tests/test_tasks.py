"""Tests of tasks: one notebook or one run executed into temporary files, reported as an Outcome."""

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import nbformat
from papermill.exceptions import PapermillExecutionError

from nnsimple_lab import cache, results, tasks
from nnsimple_lab.grid import load_grid
from tests.projectcopy import copy_project


def test_error_line_is_the_notebooks_own_exception():
    error = PapermillExecutionError(
        cell_index=4, exec_count=3, source="x", ename="ValueError", evalue="valor malo", traceback=[]
    )
    assert tasks.error_line(error) == "ValueError: valor malo (celda de código n.º 3 del cuaderno ejecutado)"
    assert tasks.error_line(RuntimeError("primera línea\núltima línea")) == "última línea"
    assert tasks.error_line(KeyError("clave")) == "KeyError: 'clave'"


def test_outcome_of_a_future_that_raised():
    broken, raised = Future(), Future()
    broken.set_exception(BrokenProcessPool("se fue"))
    raised.set_exception(OSError("disco lleno"))
    assert tasks.outcome_of(broken, broken="el proceso murió") == tasks.Outcome(False, 0.0, error="el proceso murió")
    assert tasks.outcome_of(raised, broken="x") == tasks.Outcome(False, 0.0, error="OSError: disco lleno")
    done = Future()
    done.set_result(tasks.Outcome(True, 1.5, notebook="n.ipynb"))
    assert tasks.outcome_of(done, broken="x").ok


def test_a_run_executes_into_temporary_files_that_name_their_final_place(tmp_path):
    project = copy_project(tmp_path / "project")
    grid = load_grid(learning_rates=["0.5"], inits=["random"], losses=["bce"], iterations=20, seeds=2)
    spec = cache.plan(grid, project)[0]
    out = tmp_path / "runs"
    out.mkdir()
    outcome = tasks.execute_run(spec, out, project)  # outside a pool: in a kernel of its own
    assert outcome.ok and outcome.error is None and outcome.seconds > 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([outcome.notebook.rpartition("/")[2], outcome.results.rpartition("/")[2]])
    assert all(name.startswith(".tmp-lr0.5-random-bce-") for name in names)
    assert results.read_run(outcome.results)["cache_key"] == spec.cache_key
    notebook = nbformat.read(outcome.notebook, as_version=4)
    assert notebook.metadata.papermill.output_path == str(out / "lr0.5-random-bce.ipynb")


def test_a_failing_check_keeps_the_executed_notebook_for_reading(tmp_path):
    source = tmp_path / "n.ipynb"
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    node.cells = [nbformat.v4.new_code_cell("print('hecho')")]
    nbformat.write(node, source)

    def check():
        raise results.ResultsError("el cuaderno no guardó sus resultados")

    tmp = tmp_path / ".tmp-n.ipynb"
    outcome = tasks.execute(source, tmp, tmp_path / "n-final.ipynb", {}, root=tmp_path, check=check)
    assert not outcome.ok and outcome.notebook == str(tmp) and tmp.exists()
    assert outcome.error == "nnsimple_lab.results.ResultsError: el cuaderno no guardó sus resultados"
    executed = nbformat.read(tmp, as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "hecho\n"
