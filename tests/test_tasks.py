"""Tests of tasks: one notebook or one run executed into temporary files, reported as an Outcome."""

import errno
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import nbformat
from papermill.exceptions import PapermillExecutionError

from nnsimple_lab import cache, provenance, results, tasks
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
    temporaries = (outcome.notebook, outcome.results, outcome.arrays)
    assert names == sorted(path.rpartition("/")[2] for path in temporaries)
    assert all(name.startswith(".tmp-lr0.5-random-bce-") for name in names)
    assert results.read_run(outcome.results)["cache_key"] == spec.cache_key
    notebook = nbformat.read(outcome.notebook, as_version=4)
    # the builder's paths are kept out: names relative to the notebook's own folder
    assert notebook.metadata.papermill.output_path == "lr0.5-random-bce.ipynb"
    assert notebook.metadata.papermill.parameters["results_path"] == "lr0.5-random-bce.json"
    assert notebook.metadata.papermill.input_path == "notebooks/experimento.ipynb"
    text = open(outcome.notebook, encoding="utf-8").read()
    assert str(tmp_path) not in text and str(project) not in text
    injected = next(c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'results_path = "lr0.5-random-bce.json"' in injected.source
    assert provenance.notebook_problem(outcome.notebook, cache.made_from(spec)) is None  # sealed as this run


def test_without_paths_replaces_paths_everywhere_but_in_images():
    node = nbformat.v4.new_notebook(metadata={"papermill": {"input_path": "/casa/ana/proyecto/notebooks/x.ipynb"}})
    image = nbformat.v4.new_output("display_data", data={"image/png": "/casa/ana/proyecto/", "text/plain": "x"})
    stream = nbformat.v4.new_output("stream", text='File "/casa/ana/proyecto/nnsimple.py", line 3\n')
    node.cells = [
        nbformat.v4.new_code_cell("p = '/casa/ana/proyecto/reports/runs/.tmp-1.json'", outputs=[image, stream])
    ]
    pairs = tasks.path_replacements("/casa/ana/proyecto/reports/runs", "/casa/ana/proyecto")
    pairs.append(("/casa/ana/proyecto/reports/runs/.tmp-1.json", "lr0.5-random-bce.json"))
    tasks.without_paths(node, pairs)
    assert node.metadata.papermill.input_path == "notebooks/x.ipynb"
    assert node.cells[0].source == "p = 'lr0.5-random-bce.json'"
    assert node.cells[0].outputs[1].text == 'File "nnsimple.py", line 3\n'
    assert node.cells[0].outputs[0].data["image/png"] == "/casa/ana/proyecto/"  # base64: never touched


def test_a_full_disk_or_a_read_only_folder_is_a_storage_failure_that_stops_the_sweep():
    full = OSError(errno.ENOSPC, "No space left on device", "/x/lr.json")
    assert "el disco está lleno" in tasks.storage_failure(full) and "/x/lr.json" in tasks.storage_failure(full)
    in_notebook = PapermillExecutionError(
        cell_index=1,
        exec_count=1,
        source="",
        ename="OSError",
        evalue="[Errno 30] Read-only file system: 'a'",
        traceback=[],
    )
    assert "solo lectura" in tasks.storage_failure(in_notebook)
    ours = PapermillExecutionError(
        cell_index=1, exec_count=1, source="", ename="StorageError", evalue="No se pudo escribir a: …", traceback=[]
    )
    assert tasks.storage_failure(ours) == "No se pudo escribir a: …"
    assert tasks.storage_failure(ValueError("x")) is None
    assert tasks.storage_failure(OSError(errno.ENOENT, "No such file", "a")) is None


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


def test_a_failed_notebook_that_is_not_whole_is_removed_not_kept(tmp_path):
    """After a full disk papermill can leave an empty file: it is no notebook to read."""
    tmp = tmp_path / ".tmp-n.ipynb"
    tmp.write_bytes(b"")  # what a full disk leaves
    assert tasks._whole_failed_notebook(tmp, []) is None and not tmp.exists()
    assert tasks._whole_failed_notebook(tmp, []) is None  # none written at all


def test_what_a_cell_prints_is_one_output_however_the_kernel_sent_it(tmp_path):
    source = tmp_path / "n.ipynb"
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    # Three messages on stdout (each flush sends one), one on stderr between them.
    code = "import sys, time\nprint('uno', flush=True)\ntime.sleep(0.2)\nprint('dos', file=sys.stderr, flush=True)\n"
    code += "time.sleep(0.2)\nprint('tres', end='', flush=True)\ntime.sleep(0.2)\nprint()"
    node.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(node, source)
    tmp = tmp_path / ".tmp-n.ipynb"
    outcome = tasks.execute(source, tmp, tmp_path / "n-final.ipynb", {}, root=tmp_path)
    assert outcome.ok, outcome.error
    outputs = nbformat.read(tmp, as_version=4).cells[0].outputs
    assert [(o["name"], o["text"]) for o in outputs] == [("stdout", "uno\ntres\n"), ("stderr", "dos\n")]


def test_a_full_disk_met_by_the_check_stops_all_with_its_spanish_message(tmp_path):
    source = tmp_path / "n.ipynb"
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    node.cells = [nbformat.v4.new_code_cell("print('hecho')")]
    nbformat.write(node, source)
    tmp = tmp_path / ".tmp-n.ipynb"

    def check():
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "r.json"))

    outcome = tasks.execute(source, tmp, tmp_path / "n-final.ipynb", {}, root=tmp_path, check=check)
    assert not outcome.ok and outcome.storage and "el disco está lleno" in outcome.storage
    assert provenance.KEY not in nbformat.read(outcome.notebook, as_version=4).metadata  # kept, not sealed


def test_a_notebook_whose_cell_fails_after_the_check_passed_is_kept_unsealed(tmp_path):
    """The seal goes on before papermill writes the notebook (``finish``), when it does not know
    yet that a cell failed: the failed notebook must not carry it."""
    source = tmp_path / "n.ipynb"
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    node.cells = [nbformat.v4.new_code_cell("print('hecho')"), nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(node, source)
    tmp = tmp_path / ".tmp-n.ipynb"
    outcome = tasks.execute(
        source, tmp, tmp_path / "n.ipynb", {}, root=tmp_path, check=lambda: None, made_from={"x": 1}
    )
    assert not outcome.ok and outcome.error.startswith("ZeroDivisionError")
    executed = nbformat.read(outcome.notebook, as_version=4)
    assert provenance.KEY not in executed.metadata
    assert provenance.notebook_problem(outcome.notebook) == f"{tmp.name} no lleva la marca de una ejecución completa"
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in executed.cells)  # papermill's banner


def test_an_outcomes_files_travel_as_data_and_come_back_as_temporaries(tmp_path):
    (tmp_path / ".tmp-r-1.ipynb").write_text("cuaderno")
    (tmp_path / ".tmp-r-1.json").write_bytes(b"\x00datos")
    outcome = tasks.Outcome(
        True, 1.0, notebook=str(tmp_path / ".tmp-r-1.ipynb"), results=str(tmp_path / ".tmp-r-1.json")
    )
    assert outcome.files() == {"notebook": outcome.notebook, "results": outcome.results}
    packed = outcome.packed()
    assert packed.files() == {} and list(tmp_path.iterdir()) == []  # the worker keeps nothing
    assert packed.data == {"notebook": (".tmp-r-1.ipynb", b"cuaderno"), "results": (".tmp-r-1.json", b"\x00datos")}
    driver = tmp_path / "driver"
    driver.mkdir()
    back = packed.unpacked(driver)
    assert back.data is None and back.ok and back.seconds == 1.0
    assert open(back.results, "rb").read() == b"\x00datos" and back.notebook == str(driver / ".tmp-r-1.ipynb")


def test_received_files_that_are_not_the_runs_make_it_a_failure_and_are_removed(tmp_path):
    project = copy_project(tmp_path / "project")
    spec = cache.plan(load_grid(learning_rates=["0.5"], inits=["random"], losses=["bce"]), project)[0]
    forged = tasks.Outcome(True, 1.0, data={"notebook": (".tmp-a.ipynb", b"{}"), "results": (".tmp-a.json", b"{}")})
    out = tmp_path / "runs"
    out.mkdir()
    outcome = tasks.received_run(forged, spec, out)
    assert not outcome.ok and outcome.error.startswith("los archivos recibidos de la ejecución no son los suyos:")
    assert list(out.iterdir()) == []
