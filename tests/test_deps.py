"""Tests of deps: the project files a notebook or module imports, followed transitively.

Fast tests on a small made-up project; then real builds in a copy of the project (slow): a
new module imported by the report code, edited, re-executes the report; one imported by the
run code re-executes the runs; a module nothing uses re-executes nothing.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nnsimple_lab import build, cache, deps, report_notebook
from nnsimple_lab.grid import load_grid
from nnsimple_lab.render import formats
from tests.projectcopy import copy_project

TOY = {
    "nnsimple.py": "import numpy as np\n",
    "nnsimple_lab/__init__.py": "",
    "nnsimple_lab/a.py": "from . import b\nimport json\n",
    "nnsimple_lab/b.py": "def later():\n    from nnsimple_lab import c\n    return c\n",
    "nnsimple_lab/c.py": "import nnsimple\n",
    "nnsimple_lab/d.py": "",
    "nnsimple_lab/pkg/__init__.py": "from .inner import x\n",
    "nnsimple_lab/pkg/inner.py": "from .. import d\nx = 1\n",
    "nnsimple_lab/pkg/other.py": "",
    "nnsimple_lab/broken.py": "import nnsimple\ndef (:\n",
    "nnsimple_lab/cycle_one.py": "from nnsimple_lab import cycle_two\n",
    "nnsimple_lab/cycle_two.py": "import nnsimple_lab.cycle_one\n",
    "nnsimple_lab/unused.py": "import nnsimple_lab.a\n",
    "elsewhere.py": "",
}


@pytest.fixture
def toy(tmp_path):
    for name, source in TOY.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    return tmp_path


def names(paths, root):
    return sorted(Path(p).relative_to(root).as_posix() for p in paths)


def test_project_modules_are_the_package_and_the_top_level_module(toy):
    found = deps.project_modules(toy)
    assert found["nnsimple"] == toy / "nnsimple.py" and found["nnsimple_lab"] == toy / "nnsimple_lab/__init__.py"
    assert found["nnsimple_lab.pkg.inner"] == toy / "nnsimple_lab/pkg/inner.py"
    assert "elsewhere" not in found  # not a project module: the root holds other files too


def test_relative_imports_and_imports_inside_functions_are_followed(toy):
    found = deps.module_dependencies(["nnsimple_lab.a"], toy)
    assert names(found, toy) == ["nnsimple.py", "nnsimple_lab/__init__.py", "nnsimple_lab/a.py"] + [
        "nnsimple_lab/b.py",
        "nnsimple_lab/c.py",
    ]


def test_from_a_package_import_a_submodule(toy):
    found = deps.dependencies(["from nnsimple_lab.pkg import other"], toy)
    assert names(found, toy) == [
        "nnsimple_lab/__init__.py",
        "nnsimple_lab/d.py",  # from .. import d, in inner.py, which pkg/__init__.py imports
        "nnsimple_lab/pkg/__init__.py",
        "nnsimple_lab/pkg/inner.py",
        "nnsimple_lab/pkg/other.py",
    ]


def test_importing_a_submodule_runs_its_packages_init_files(toy):
    found = deps.dependencies(["import nnsimple_lab.pkg.inner as inner"], toy)
    assert "nnsimple_lab/__init__.py" in names(found, toy) and "nnsimple_lab/pkg/__init__.py" in names(found, toy)


def test_a_syntax_error_stops_only_there(toy):
    assert names(deps.dependencies(["from nnsimple_lab import broken"], toy), toy) == [
        "nnsimple_lab/__init__.py",
        "nnsimple_lab/broken.py",  # itself, but not what it would import: it cannot run anyway
    ]
    assert deps.dependencies(["def (:"], toy) == []


def test_a_cycle_ends(toy):
    found = deps.module_dependencies(["nnsimple_lab.cycle_one"], toy)
    assert names(found, toy) == ["nnsimple_lab/__init__.py", "nnsimple_lab/cycle_one.py", "nnsimple_lab/cycle_two.py"]


def test_a_notebooks_code_cells_with_ipython_syntax(toy):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("import nnsimple_lab.unused  (prose, not code)"),
        nbformat.v4.new_code_cell("%matplotlib inline\n!echo hola\nfrom nnsimple_lab import c"),
    ]
    path = toy / "n.ipynb"
    nbformat.write(notebook, path)
    assert names(deps.notebook_dependencies(path, toy), toy) == [
        "nnsimple.py",
        "nnsimple_lab/__init__.py",
        "nnsimple_lab/c.py",
    ]


def _in_new_process(root, code):
    """``code``'s printed JSON, run in a fresh Python (its own memo, read from ``root``'s file)."""
    program = f"import json, sys\nfrom nnsimple_lab import deps, cache\nroot = sys.argv[1]\n{code}"
    done = subprocess.run([sys.executable, "-c", program, str(root)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_what_code_imports_is_remembered_by_its_content_never_its_time(toy):
    (toy / "reports").mkdir()
    ask = 'print(json.dumps([str(p) for p in deps.module_dependencies(["nnsimple_lab.a"], root)]))'
    first = _in_new_process(toy, ask)
    assert "nnsimple.py" in " ".join(first) and json.loads((toy / deps.MEMO).read_text())  # learned
    assert _in_new_process(toy, ask) == first  # read from the memo
    c = toy / "nnsimple_lab/c.py"
    stat = c.stat()
    c.write_text("from . import d\n")  # as long as "import nnsimple\n", and given the same time:
    os.utime(c, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert c.stat().st_size == stat.st_size and c.stat().st_mtime_ns == stat.st_mtime_ns
    again = _in_new_process(toy, ask)
    assert str(toy / "nnsimple_lab/d.py") in again and str(toy / "nnsimple.py") not in again
    (toy / deps.MEMO).write_text("{no es json")  # a damaged memo is no memo
    assert _in_new_process(toy, ask) == again


def test_a_cell_broken_after_it_compiled_is_still_refused(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "reports").mkdir(exist_ok=True)
    check = "cache.check_notebook(root)\ncache.code_fingerprint(root)\nprint(json.dumps(len(deps.memo(root).names)))"
    assert _in_new_process(project, check) > 0  # it compiles, and the memo now knows its cells
    notebook = nbformat.read(project / cache.NOTEBOOK, as_version=4)
    code = next(c for c in notebook.cells if c.cell_type == "code" and "import" in c.source)
    code.source += "\ndef (:\n"
    nbformat.write(notebook, project / cache.NOTEBOOK)
    with pytest.raises(cache.NotebookSyntaxError, match="error de sintaxis"):
        cache.check_notebook(project)


def test_the_fingerprint_is_of_names_and_bytes(toy):
    paths = deps.module_dependencies(["nnsimple_lab.a"], toy)
    first = deps.fingerprint(paths, toy)
    assert deps.fingerprint(list(reversed(paths)), toy) == first
    copy = Path(shutil.copytree(toy, toy.parent / "copia"))
    assert deps.fingerprint(deps.module_dependencies(["nnsimple_lab.a"], copy), copy) == first  # another folder
    (toy / "nnsimple_lab/c.py").write_text("import nnsimple  \n")
    assert deps.fingerprint(paths, toy) != first


# ---------------------------------------------------------------- real builds


GRID = {"learning_rates": ["0.1", "0.5"], "inits": ["random"], "losses": ["bce"], "iterations": 30, "seeds": 3}


def run_build(project, reports):
    lines = []
    grid = load_grid(**GRID)
    specs = cache.plan(grid, project)
    code = build.build(specs, grid, reports=reports, root=project, jobs=2, progress=False, say=lines.append)
    assert code == 0, lines
    return "\n".join(lines)


def module_in(paths, avoid=()):
    """The first of ``paths`` not in ``avoid``, packages' ``__init__.py`` aside."""
    return next(p for p in sorted(set(paths) - set(avoid)) if p.name != "__init__.py")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project with three new modules, built once: one the report code imports,
    one the run code imports, one nothing imports (picked from the derived dependencies)."""
    base = tmp_path_factory.mktemp("deps")
    project = copy_project(base / "project")
    package = project / "nnsimple_lab"
    report = deps.notebook_dependencies(project / report_notebook.NOTEBOOK, project)
    runs = deps.notebook_dependencies(project / cache.NOTEBOOK, project)
    # report-only, e.g. report.py; the run code's own module if it has one (figures.py), else any
    report_module = module_in([p for p in report if p.is_relative_to(package)], avoid=runs)
    run_candidates = [p for p in runs if p.is_relative_to(package)]
    try:
        run_module = module_in(run_candidates, avoid=report)
    except StopIteration:  # the report imports every module the runs import
        run_module = module_in(run_candidates)
    for module, name in ((report_module, "ayuda_informe"), (run_module, "ayuda_barrido")):
        (package / f"{name}.py").write_text("VALOR = 1\n")
        module.write_text(module.read_text() + f"\nfrom nnsimple_lab import {name}  # a new helper module\n")
    report = deps.notebook_dependencies(project / report_notebook.NOTEBOOK, project)
    runs = deps.notebook_dependencies(project / cache.NOTEBOOK, project)
    assert package / "ayuda_informe.py" in report and package / "ayuda_barrido.py" in runs
    rendering = [path for name in formats.FORMATS for path in formats.sources(name, project)]
    used = {*report, *runs, *rendering}
    unused = sorted(set(deps.project_modules(project).values()) - used)  # sweep.py, say
    (package / "ayuda_nadie.py").write_text("VALOR = 1\n")
    run_build(project, base / "reports")
    return SimpleNamespace(base=base, unused=[package / "ayuda_nadie.py", *unused[:1]])


@pytest.fixture
def again(built, tmp_path):
    """Copies of the built project and its reports (modification times kept), for a test to edit."""
    project = Path(shutil.copytree(built.base / "project", tmp_path / "project"))
    reports = Path(shutil.copytree(built.base / "reports", tmp_path / "reports"))
    unused = [project / p.relative_to(built.base / "project") for p in built.unused]
    return SimpleNamespace(project=project, reports=reports, unused=unused)


def edit(path):
    path.write_text(path.read_text() + "VALOR_NUEVO = 2\n")


@pytest.mark.slow
def test_a_module_nothing_imports_reexecutes_nothing(again):
    for module in again.unused:
        edit(module)
    summary = run_build(again.project, again.reports)
    assert "ejecutadas ahora: 0" in summary and "desde la caché: 2" in summary
    assert "El informe está al día" in summary


@pytest.mark.slow
def test_a_module_the_report_imports_reexecutes_the_report_not_the_runs(again):
    edit(again.project / "nnsimple_lab" / "ayuda_informe.py")
    summary = run_build(again.project, again.reports)
    assert "ejecutadas ahora: 0" in summary and "desde la caché: 2" in summary
    assert "Informe ejecutado:" in summary and "HTML escrito:" in summary


@pytest.mark.slow
def test_a_module_the_runs_import_reexecutes_the_runs(again):
    edit(again.project / "nnsimple_lab" / "ayuda_barrido.py")
    summary = run_build(again.project, again.reports)
    assert "ejecutadas ahora: 2" in summary and "desde la caché: 0" in summary
    assert "Informe ejecutado:" in summary  # made from the runs' results, which are new
