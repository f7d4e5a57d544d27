"""Tests of engine: papermill finds the warm engine by its entry point and executes in the kernel given."""

import importlib.metadata

import nbformat
import papermill
from papermill.engines import papermill_engines

from nnsimple_lab import engine, kernels, tasks
from tests.projectcopy import copy_project


def test_papermill_finds_the_engine_through_its_entry_point():
    points = importlib.metadata.entry_points(group="papermill.engine")
    assert {p.name: p.value for p in points}[tasks.ENGINE] == "nnsimple_lab.engine:WarmEngine"
    assert papermill_engines.get_engine(tasks.ENGINE) is engine.WarmEngine


def notebook(path, *sources):
    node = nbformat.v4.new_notebook()
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    node.cells = [nbformat.v4.new_code_cell(sources[0], metadata={"tags": ["parameters"]})]
    node.cells += [nbformat.v4.new_code_cell(source) for source in sources[1:]]
    nbformat.write(node, path)
    return path


def test_notebooks_execute_one_after_another_in_the_kernel_given(tmp_path):
    project = copy_project(tmp_path / "project")
    source = notebook(tmp_path / "n.ipynb", "valor = 0", "import os\nprint(valor, os.getpid())")
    kernel = kernels.WarmKernel(project)
    try:
        printed = []
        for value in (1, 2):
            kernel.reset()
            done = papermill.execute_notebook(
                str(source),
                str(tmp_path / f"out-{value}.ipynb"),
                parameters={"valor": value},
                engine_name=tasks.ENGINE,
                kernel=kernel,
                kernel_name=kernel.kernel_name,
                progress_bar=False,
            )
            cell = done.cells[-1]
            printed.append(cell.outputs[0]["text"].split())
            assert cell.execution_count == 3  # parameters, injected parameters, this one: from 1 again
        assert [p[0] for p in printed] == ["1", "2"]
        assert printed[0][1] == printed[1][1] == str(kernel.pid)  # the same kernel
        assert kernel.alive()  # papermill did not shut it down
    finally:
        kernel.shutdown()
