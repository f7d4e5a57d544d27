"""A copy of the project for a test to edit, a gate that holds a notebook mid-run, process helpers.

    project = copy_project(tmp_path / "project")       # modules, notebooks, lab.toml, templates
    gate = add_gate(project / cache.NOTEBOOK, "learning_rate")
    gate.hold(0.5)                                      # the run of lr 0.5 will wait in its gate cell
    process = subprocess.Popen([...], env=gate.env())  # or monkeypatch.setenv(GATE_VARIABLE, …)
    gate.wait_started(0.5)                              # it is executing now, for sure
    gate.release()

The gate is a code cell put right after the notebook's parameters (so after papermill's
injected ones): while a file ``espera-<key>`` exists in the gate's folder it waits, after
touching ``empezó-<key>``. The folder (``.compuerta`` in the copy) is named by the environment
variable ``GATE_VARIABLE``, which the kernel inherits (also through make, the build and its
workers); without it the cell does nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import nbformat

from nnsimple_lab.grid import ROOT

PROJECT = ("nnsimple.py", "lab.toml", "nnsimple_lab", "notebooks", "templates", "references.bib")
GATE_VARIABLE = "NNSIMPLE_PRUEBA_ESPERA"
GATE_CELL = """\
import os as _os, pathlib as _pathlib, time as _time
if _os.environ.get({variable!r}):
    _gate = _pathlib.Path(_os.environ[{variable!r}])
    (_gate / f"empezó-{{{key}}}").touch()
    while (_gate / f"espera-{{{key}}}").exists():
        _time.sleep(0.02)
"""


def copy_project(target):
    """What a sweep and a build read, copied into ``target`` with modification times kept."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(source, target / name)
    return target


class Gate:
    """The folder of a notebook's gate (see the module's docstring)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(exist_ok=True)

    def env(self):
        """This process's environment, with the gate's variable: for a subprocess."""
        return {**os.environ, GATE_VARIABLE: str(self.folder)}

    def hold(self, *keys):
        """From now on the notebooks whose key is in ``keys`` wait in their gate."""
        for key in keys:
            (self.folder / f"espera-{key}").touch()

    def release(self):
        for path in self.folder.glob("espera-*"):
            path.unlink(missing_ok=True)

    def started(self, key):
        return (self.folder / f"empezó-{key}").exists()

    def wait_started(self, key, timeout=60, alive=None):
        """Wait until the notebook with ``key`` is held in its gate; ``alive()`` False: give up."""
        deadline = time.monotonic() + timeout
        while not self.started(key):
            assert time.monotonic() < deadline, "el cuaderno no llegó a la compuerta a tiempo"
            assert alive is None or alive(), "el proceso terminó antes de llegar a la compuerta"
            time.sleep(0.02)


def add_gate(notebook, key):
    """Put a gate cell in ``notebook`` (a path) after its parameters; ``key``: a Python expression
    of the notebook's parameters naming the run (``"learning_rate"``), or a constant (``"'informe'"``)."""
    node = nbformat.read(notebook, as_version=4)
    where = next(i for i, c in enumerate(node.cells) if "parameters" in c.metadata.get("tags", []))
    node.cells.insert(where + 1, nbformat.v4.new_code_cell(GATE_CELL.format(variable=GATE_VARIABLE, key=key)))
    nbformat.write(node, notebook)
    return Gate(Path(notebook).parent.parent / ".compuerta")  # in the copy: removed with it


# ---------------------------------------------------------------- processes (Linux /proc)


def children(pid):
    """Direct children of a process."""
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            kids += [int(k) for k in task.read_text().split()]
    return kids


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def wait_gone(pids, timeout=10):
    """Wait until none of ``pids`` is alive; returns those still alive after ``timeout``."""
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


# ---------------------------------------------------------------- small or read-only folders (Linux mounts)


@contextlib.contextmanager
def small_folder(path, kib=256):
    """A tmpfs of ``kib`` KiB mounted at ``path`` for the block: a disk that fills up for real.

    Skips the test where mounting is not allowed (not root, no CAP_SYS_ADMIN, not Linux).
    ``remount_read_only(path)`` turns it read-only.
    """
    import pytest

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"no se puede montar un tmpfs aquí: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path, read_only=True):
    """Make the ``small_folder`` at ``path`` read-only (or writable again)."""
    mode = "ro" if read_only else "rw"
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)
