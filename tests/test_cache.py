"""Tests of cache: the notebook's syntax check, what the key covers, a run's cache status."""

import json

import nbformat
import pytest

import nnsimple as nn
from nnsimple_lab import cache, deps, provenance, results, training
from nnsimple_lab.grid import SweepInputError, load_grid
from tests.projectcopy import copy_project


def small_grid(learning_rates=("0.5",)):
    return load_grid(learning_rates=list(learning_rates), inits=["random"], losses=["bce"], iterations=20, seeds=2)


def test_the_key_covers_cell_sources_and_modules_not_outputs(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / cache.NOTEBOOK
    key = cache.code_fingerprint(project)
    notebook = nbformat.read(path, as_version=4)
    code = next(c for c in notebook.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="hola")]
    code.execution_count = 7
    notebook.metadata["papermill"] = {"duration": 1.0}
    nbformat.write(notebook, path)
    assert cache.code_fingerprint(project) == key
    notebook.cells[0].source += "\nUna frase más."  # a markdown cell
    nbformat.write(notebook, path)
    assert cache.code_fingerprint(project) != key
    key = cache.code_fingerprint(project)
    # a project module the notebook imports (figures.py, say), found from the notebook itself
    imported = deps.notebook_dependencies(path, project)
    module = next(p for p in imported if p.parent.name == "nnsimple_lab" and p.name != "__init__.py")
    module.write_text(module.read_text() + "\n")
    assert cache.code_fingerprint(project) != key
    parameters = cache.plan(small_grid(), project)[0].parameters
    assert cache.cache_key(parameters, key) != cache.cache_key({**parameters, "seeds": 5}, key)


def test_a_module_the_notebook_does_not_import_is_not_in_the_key(tmp_path):
    project = copy_project(tmp_path / "project")
    key = cache.code_fingerprint(project)
    (project / "nnsimple_lab" / "sweep.py").write_text("# changed\n")
    (project / "notebooks" / "informe.ipynb").write_text("{}")
    assert cache.code_fingerprint(project) == key


def test_plan_gives_each_run_its_own_key():
    specs = cache.plan(load_grid(learning_rates=["0.1", "0.5"], inits=["random"], losses=["bce"]))
    assert [s.id for s in specs] == ["lr0.1-random-bce", "lr0.5-random-bce"]
    assert specs[0].cache_key != specs[1].cache_key
    assert specs[1].parameters["learning_rate"] == 0.5


def break_cell(project, code_index, line):
    path = project / cache.NOTEBOOK
    notebook = json.loads(path.read_text())
    code = [i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code"]
    cell = notebook["cells"][code[code_index]]
    cell["source"] = "".join(cell["source"]) + f"\n{line}\n"
    path.write_text(json.dumps(notebook))
    return code[code_index] + 1


def test_a_syntax_error_names_the_cell_before_any_kernel(tmp_path):
    project = copy_project(tmp_path / "project")
    cache.check_notebook(project)  # its %matplotlib line is IPython syntax, translated first
    number = break_cell(project, 2, "valores = (1, 2")
    with pytest.raises(cache.NotebookSyntaxError) as error:
        cache.plan(small_grid(), project)
    message = str(error.value)
    assert f"tiene un error de sintaxis en la celda {number} (la celda de código n.º 3), línea" in message
    assert "valores = (1, 2" in message and "no se ejecutó ni se borró nada" in message
    assert isinstance(error.value, SweepInputError)


@pytest.mark.parametrize("text, shown", [(None, "No se encuentra el cuaderno"), ("{", "no es un notebook válido")])
def test_an_unreadable_notebook_is_a_spanish_error(text, shown, tmp_path):
    project = copy_project(tmp_path / "project")
    if text is None:
        (project / cache.NOTEBOOK).unlink()
    else:
        (project / cache.NOTEBOOK).write_text(text)
    with pytest.raises(SweepInputError, match=shown):
        cache.plan(small_grid(), project)


def write_results(out, spec, cache_key=None):
    """A real results file for ``spec`` (trained here), carrying ``cache_key`` (default the spec's)."""
    X, Y = nn.load_dataset("xor")
    p = spec.parameters
    kwargs = {"learning_rate": p["learning_rate"], "init": p["init"], "loss": p["loss"], "iterations": p["iterations"]}
    one = training.train(X, Y, seed=p["seed"], **kwargs)
    many = training.train_seeds(X, Y, seeds=range(p["seeds"]), **kwargs)
    key = spec.cache_key if cache_key is None else cache_key
    record = results.run_record(one, many, dataset="xor", X=X, Y=Y, cache_key=key, duration_s=0.1)
    results.write_run(cache.paths(out, spec.id)["results"], record)


def write_notebook(path, made_from):
    node = nbformat.v4.new_notebook()
    node.cells = [nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1\n")])]
    nbformat.write(provenance.seal(node, made_from), path)


def test_status_of_a_run(tmp_path):
    spec = cache.plan(small_grid())[0]
    final = cache.paths(tmp_path, spec.id)
    assert {k: v.name for k, v in final.items()} == {
        "notebook": "lr0.5-random-bce.ipynb",
        "results": "lr0.5-random-bce.json",
        "arrays": "lr0.5-random-bce.npz",
        "failed": "lr0.5-random-bce.failed.ipynb",
    }
    assert cache.status(spec, tmp_path) == "missing"
    write_results(tmp_path, spec)
    assert cache.status(spec, tmp_path) == "missing"  # no executed notebook yet
    write_notebook(final["notebook"], cache.made_from(spec))
    assert cache.status(spec, tmp_path) == "cached"
    write_results(tmp_path, spec, cache_key="otra")
    assert cache.status(spec, tmp_path) == "stale"
    final["results"].write_text(final["results"].read_text()[:-50])
    assert cache.status(spec, tmp_path) == "damaged"
    write_results(tmp_path, spec)
    final["arrays"].write_bytes(final["arrays"].read_bytes()[:-50])  # the JSON whole, its arrays not
    assert cache.status(spec, tmp_path) == "damaged"


def test_a_results_file_of_the_earlier_format_is_stale_not_damaged(tmp_path):
    """Records written before the .npz (schema 1): executed again, and not reported as damaged."""
    spec = cache.plan(small_grid())[0]
    final = cache.paths(tmp_path, spec.id)
    write_results(tmp_path, spec)
    write_notebook(final["notebook"], cache.made_from(spec))
    old = {**json.loads(final["results"].read_text()), "schema": 1}
    del old["checksum"]
    final["results"].write_text(json.dumps({**old, "checksum": results._checksum(old)}))
    final["arrays"].unlink()
    assert cache.status(spec, tmp_path) == "stale"


def test_a_cached_notebook_is_trusted_only_when_whole_and_the_runs_own(tmp_path):
    """The issue's case: a truncated or emptied notebook was accepted as cached forever."""
    spec = cache.plan(small_grid())[0]
    final = cache.paths(tmp_path, spec.id)
    write_results(tmp_path, spec)
    write_notebook(final["notebook"], cache.made_from(spec))
    text = final["notebook"].read_text()
    final["notebook"].write_text(text[: len(text) // 2])  # truncated
    assert cache.status(spec, tmp_path) == "damaged"
    emptied = json.loads(text)
    emptied["cells"][0]["outputs"] = []  # still valid JSON, still a notebook
    final["notebook"].write_text(json.dumps(emptied))
    assert cache.status(spec, tmp_path) == "damaged"
    write_notebook(final["notebook"], {"run": "lr0.1-random-bce", "cache_key": spec.cache_key})  # another's
    assert cache.status(spec, tmp_path) == "damaged"
    nbformat.write(nbformat.v4.new_notebook(), final["notebook"])  # not sealed: an older or hand-made one
    assert cache.status(spec, tmp_path) == "damaged"


def test_a_results_file_of_another_run_is_damaged_not_stale(tmp_path):
    specs = cache.plan(small_grid(learning_rates=["0.5", "0.1"]))
    write_results(tmp_path, specs[1])
    cache.paths(tmp_path, specs[1].id)["results"].rename(cache.paths(tmp_path, specs[0].id)["results"])
    write_notebook(cache.paths(tmp_path, specs[0].id)["notebook"], cache.made_from(specs[0]))
    assert cache.status(specs[0], tmp_path) == "damaged"
