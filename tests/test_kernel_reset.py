"""Tests of kernel_reset: in a warm kernel, each notebook finds what a fresh kernel would give it.

Real kernels: the same notebooks are executed in fresh kernels and in one warm kernel after
notebooks that change every piece of state the reset restores, and their outputs compared.
"""

import importlib
import importlib.machinery
import json
import os
import re
import sys
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


# ---------------------------------------------------------------- what a warm kernel keeps of the project's modules


def _read_back(kernel, code):
    """Execute ``code`` (which sets ``seen``, JSON-able) in ``kernel`` after a reset; return ``seen``."""
    kernel.reset()
    kernel.run_silently(f"{code}\nimport json, pathlib\npathlib.Path('visto.json').write_text(json.dumps(seen))")
    return json.loads((kernel.root / "visto.json").read_text())


def _rewrite_keeping_size_and_time(path, old, new):
    """Replace ``old`` by ``new`` (as long) in ``path``, its size and modification time unchanged."""
    assert len(old) == len(new)
    times = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))


@pytest.fixture
def warm(tmp_path):
    project = copy_project(tmp_path / "project")
    kernel = kernels.WarmKernel(project)
    yield kernel
    kernel.shutdown()


def test_a_changed_module_is_never_served_stale_even_with_its_size_and_time(warm):
    """The code of a project module is compiled once per source bytes: the same bytes give the
    same code in the next notebook (in a new module); other bytes (same size, same time) their own."""
    source = warm.root / "nnsimple.py"
    source.write_text(source.read_text() + '\nVERSION_PRUEBA = "aaa"\n')
    probe = (
        "import nnsimple\n"
        "seen = [nnsimple.VERSION_PRUEBA, id(nnsimple.load_dataset.__code__), hasattr(nnsimple, 'marca')]\n"
        "nnsimple.marca = 1"
    )
    first, again = _read_back(warm, probe), _read_back(warm, probe)
    assert first == again == ["aaa", first[1], False]
    _rewrite_keeping_size_and_time(source, '"aaa"', '"bbb"')
    changed = _read_back(warm, probe)  # compiled while the old code is alive: another id
    assert changed[0] == "bbb" and changed[1] != first[1] and changed[2] is False


def test_layout_once_keeps_its_memo_caches_while_its_source_is_the_same(warm):
    """``MEMO_CACHES``: the next notebook finds them warm, and nothing else of the module; after
    its source changes (same size and time), it starts with empty ones."""
    probe = (
        "from nnsimple_lab import figures, layout_once, outputs, training\n"
        "import nnsimple as nn\n"
        "layouts = lambda: sum(len(cached) for _, cached in layout_once._by_settings.values())\n"
        "fonts = lambda: layout_once._font_entry.cache_info().currsize\n"
        "seen = [layouts(), fonts(), hasattr(layout_once, 'marca')]\n"
        "layout_once.marca = 1\n"
        "X, Y = nn.load_dataset('xor')\n"
        "outputs.figure_svg(figures.cost_figure(training.train(X, Y, iterations=20).costs, loss='bce'))\n"
        "seen.append(layouts())"
    )
    assert kernel_reset.MEMO_CACHES["nnsimple_lab.layout_once"] == ("_by_settings", "_font_entry")
    first, again = _read_back(warm, probe), _read_back(warm, probe)
    assert first[:3] == [0, 0, False] and first[3] > 0
    assert again == [first[3], again[1], False, first[3]]  # every layout found in the first's
    source = warm.root / "nnsimple_lab" / "layout_once.py"
    _rewrite_keeping_size_and_time(source, "METRICS_CACHE = 8192", "METRICS_CACHE = 8193")
    assert _read_back(warm, probe) == first  # filled again from empty: the same layouts


def test_project_imports_compile_once_per_source_and_carry_only_the_listed_caches(tmp_path, monkeypatch):
    """In this process: a module below the folder is loaded by a ``ProjectLoader``; executed again
    from the same bytes it gets the ``MEMO_CACHES`` of the module it replaces, from other bytes not."""
    (tmp_path / "sondeo.py").write_text("memo = {}\nother = []\n")
    imports = kernel_reset.ProjectImports(lambda path: path.startswith(str(tmp_path)))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", [imports, *sys.meta_path])
    monkeypatch.setitem(kernel_reset.MEMO_CACHES, "sondeo", ("memo",))
    monkeypatch.delitem(sys.modules, "sondeo", raising=False)

    def imported():
        module = importlib.import_module("sondeo")
        del sys.modules["sondeo"]
        imports.keep_caches("sondeo", module)
        return module

    first = imported()
    assert type(first.__loader__) is kernel_reset.ProjectLoader
    assert isinstance(first.__loader__, importlib.machinery.SourceFileLoader)
    first.memo["x"] = 1
    second = imported()
    assert second is not first and second.memo is first.memo and second.other is not first.other
    (tmp_path / "sondeo.py").write_text("memo = {}\nother = [1]\n")
    importlib.invalidate_caches()
    third = imported()
    assert third.memo == {} and third.other == [1]
    assert imports.find_spec("no_existe_este_modulo") is None
