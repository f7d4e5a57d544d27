"""Tests of kernel_reset: in a warm kernel, each notebook finds what a fresh kernel would give it.

Real kernels: the same notebooks are executed in fresh kernels and in one warm kernel after
notebooks that change every piece of state the reset restores, and their outputs compared.
"""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nnsimple_lab import cache, kernel_reset, kernels, tasks
from nnsimple_lab.grid import load_grid
from tests.projectcopy import alive, copy_project

GRID = load_grid(learning_rates=["0.1", "0.5"], inits=["random"], losses=["bce", "mse"], iterations=30, seeds=4)

POLLUTER = [
    "%matplotlib inline",
    "secreto = 42",
    "import os, sys, random, warnings\n"
    "import matplotlib, matplotlib.pyplot as plt, numpy as np\n"
    "import nnsimple\n"
    "nnsimple.LOAD_DATASET_CALLS = 'cambiado'  # module state that must not survive\n"
    "matplotlib.rcParams['lines.linewidth'] = 9\n"
    "plt.figure()\n"
    "np.seterr(all='raise')\n"
    "np.set_printoptions(precision=2)\n"
    "np.random.seed(0)\n"
    "os.environ['NNSIMPLE_PRUEBA'] = '1'\n"
    "os.chdir('/')\n"
    "sys.path.insert(0, '/nada')\n"
    "warnings.simplefilter('error')\n"
    "%config InlineBackend.figure_formats = ['svg']",
    "plt.plot([1, 2])\nplt.ion()",
    "secreto * 2\nmatplotlib.use('agg')",
]
PROBE = [
    "import os, sys, warnings\n"
    "print(sorted(name for name in dir() if not name.startswith('_')))\n"
    "print(len(In), len(Out))",
    "import matplotlib\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "print(matplotlib.rcParams['lines.linewidth'], plt.get_fignums(), np.geterr(), np.get_printoptions()['precision'])",
    "print(os.getcwd(), os.environ.get('NNSIMPLE_PRUEBA'), sys.path == [p for p in sys.path if p != '/nada'])\n"
    "print([f[:1] + f[2:] for f in warnings.filters])",
    "import nnsimple\nprint(hasattr(nnsimple, 'LOAD_DATASET_CALLS'))",
    "from matplotlib.figure import Figure\nfig = Figure(figsize=(2, 1))\nfig.add_subplot().plot([0, 1])\nfig",
    # after %matplotlib inline: pyplot's and the inline backend's hooks, and a figure as PNG
    "%matplotlib inline\nprint(sorted(c.__name__ for c in get_ipython().events.callbacks['post_execute']))",
    "fig",
]


def write_notebook(path, sources):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


def cell_outputs(notebook, mask=None):
    """Each code cell's execution count and outputs, with ``mask`` (a regex) blanked in texts."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = json.loads(json.dumps(cell.outputs))
        for output in outputs:
            if mask and "text" in output:
                output["text"] = re.sub(mask, "…", output["text"])
        cells.append((cell.execution_count, outputs))
    return cells


def record_without_timing(path):
    record = json.loads(Path(path).read_text())
    return {k: v for k, v in record.items() if k not in ("duration_s", "checksum")}


@pytest.fixture(scope="module")
def warm_and_fresh(tmp_path_factory):
    """The same notebooks executed in fresh kernels and in one warm kernel after a polluting one."""
    base = tmp_path_factory.mktemp("warm")
    project = copy_project(base / "project")
    polluter = write_notebook(base / "polluter.ipynb", POLLUTER)
    probe = write_notebook(base / "probe.ipynb", PROBE)
    spec, other = cache.plan(GRID, project)[1:3]

    def run(spec, name, kernel=None):
        parameters = {**spec.parameters, "results_path": str(base / f"{name}.json"), "cache_key": spec.cache_key}
        target = base / f"{name}.ipynb"
        notebook = tasks.execute_notebook(project / cache.NOTEBOOK, target, parameters, root=project, kernel=kernel)
        return notebook, base / f"{name}.json"

    fresh = {
        "probe": tasks.execute_notebook(probe, base / "probe-fresh.ipynb", {}, root=project),
        "run": run(spec, "run-fresh"),
    }
    kernel = kernels.WarmKernel(project)
    try:
        tasks.execute_notebook(polluter, base / "polluter-warm.ipynb", {}, root=project, kernel=kernel)
        warm = {"probe": tasks.execute_notebook(probe, base / "probe-warm.ipynb", {}, root=project, kernel=kernel)}
        run(other, "other-warm", kernel)
        tasks.execute_notebook(polluter, base / "polluter-warm-2.ipynb", {}, root=project, kernel=kernel)
        warm["run"] = run(spec, "run-warm", kernel)
        notebooks = kernel.notebooks
        pid = kernel.pid
    finally:
        kernel.shutdown()
    return SimpleNamespace(fresh=fresh, warm=warm, notebooks=notebooks, kernel_pid=pid)


@pytest.mark.slow
def test_a_warm_kernel_forgets_the_previous_notebook(warm_and_fresh):
    """A variable, settings and module state from one notebook are not visible in the next."""
    fresh, warm = warm_and_fresh.fresh["probe"], warm_and_fresh.warm["probe"]
    names = warm.cells[0].outputs[0]["text"]
    assert "secreto" not in names and "plt" not in names and "np" not in names
    assert cell_outputs(warm) == cell_outputs(fresh)
    assert "text/plain" in warm.cells[-3].outputs[0]["data"] and "image/png" not in warm.cells[-3].outputs[0]["data"]
    assert "image/png" in warm.cells[-1].outputs[0]["data"]  # %matplotlib inline set the backend up again
    assert warm_and_fresh.notebooks == 5  # all of them in the one kernel
    assert not alive(warm_and_fresh.kernel_pid)  # and shutdown() ended it


@pytest.mark.slow
def test_a_run_in_a_warm_kernel_equals_a_run_in_a_fresh_one(warm_and_fresh):
    (fresh, fresh_results), (warm, warm_results) = warm_and_fresh.fresh["run"], warm_and_fresh.warm["run"]
    duration = r"\(\d+\.\d+ s de cálculo\)"
    assert cell_outputs(warm, mask=duration) == cell_outputs(fresh, mask=duration)
    assert sum("image/svg+xml" in o.get("data", {}) for _, outputs in cell_outputs(warm) for o in outputs) == 4
    assert record_without_timing(warm_results) == record_without_timing(fresh_results)
    assert (
        json.dumps(record_without_timing(warm_results), sort_keys=True).encode()
        == json.dumps(record_without_timing(fresh_results), sort_keys=True).encode()
    )


def test_the_reset_forgets_the_project_modules_only(tmp_path):
    fresh = kernel_reset.FreshState.__new__(kernel_reset.FreshState)  # just its module filter
    fresh.root = str(tmp_path / "project")
    assert fresh.from_project(SimpleNamespace(__file__=str(tmp_path / "project" / "nnsimple.py")))
    assert fresh.from_project(SimpleNamespace(__file__=str(tmp_path / "project" / "nnsimple_lab" / "x.py")))
    assert not fresh.from_project(SimpleNamespace(__file__=str(tmp_path / "project-2" / "nnsimple.py")))
    venv = tmp_path / "project" / ".venv" / "lib" / "site-packages" / "numpy" / "__init__.py"
    assert not fresh.from_project(SimpleNamespace(__file__=str(venv)))
    assert not fresh.from_project(SimpleNamespace(__file__=None))
