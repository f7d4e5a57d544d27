"""Tests of kernels: a real warm kernel over private Unix sockets, its reset, its shutdown."""

import json
import os
import signal
import stat
import subprocess
import time

import pytest

from nnsimple_lab import kernels
from tests.projectcopy import alive, copy_project, wait_gone


def test_kernel_config_talks_over_private_unix_sockets(tmp_path):
    config = kernels.kernel_config(tmp_path / "kernel")
    assert config.KernelManager.transport == "ipc"
    assert config.KernelManager.ip == str(tmp_path / "kernel")
    folder = kernels.sockets_folder()
    try:
        assert folder.name.startswith("nnsimple-kernel-") and stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert len(str(folder / "kernel-1")) < 100  # a Unix socket path has about 100 bytes
    finally:
        folder.rmdir()


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("kernels") / "project")
    warm = kernels.WarmKernel(project)
    yield warm
    warm.shutdown()


def test_a_warm_kernel_runs_in_the_project_over_its_sockets(kernel):
    kernel.run_silently("import os, pathlib; pathlib.Path('aquí.txt').write_text(os.getcwd())")
    assert (kernel.root / "aquí.txt").read_text() == str(kernel.root)
    assert kernel.alive() and alive(kernel.pid)
    assert any(path.is_socket() for path in kernel.sockets.iterdir())
    with pytest.raises(RuntimeError, match=r"^ZeroDivisionError: division by zero$"):
        kernel.run_silently("1 / 0")
    before = kernel.notebooks
    kernel.run_silently("x = 1")
    kernel.reset()  # before every notebook: x is gone, the count goes up
    assert kernel.notebooks == before + 1
    with pytest.raises(RuntimeError, match=r"^NameError: "):
        kernel.run_silently("x")


def test_a_warm_kernel_starts_without_the_debugger_and_imports_the_project_from_its_folder(kernel):
    """``kernel_start``: ipykernel's launcher without debugpy (imported for nothing at every
    start); the notebooks still import the project's modules from the current folder."""
    (kernel.root / "sonda.txt").unlink(missing_ok=True)
    kernel.run_silently(
        "import json, sys, pathlib, nnsimple\n"
        "seen = [sys.modules.get('debugpy') is None, sys.path, nnsimple.__file__]\n"
        "pathlib.Path('sonda.txt').write_text(json.dumps(seen))"
    )
    no_debugger, path, nnsimple = json.loads((kernel.root / "sonda.txt").read_text())
    assert no_debugger
    assert "" in path and nnsimple == str(kernel.root / "nnsimple.py")  # as ipykernel_launcher: IPython puts "" back
    cmdline = open(f"/proc/{kernel.pid}/cmdline", "rb").read().split(b"\0")
    assert cmdline[1:3] == [b"-m", kernels.LAUNCHER.encode()]


def test_shutdown_kills_the_kernel_and_removes_its_sockets(tmp_path):
    kernel = kernels.WarmKernel(copy_project(tmp_path / "project"))
    kernel.ready()
    pid, sockets = kernel.pid, kernel.sockets
    kernel.shutdown()
    assert wait_gone([pid], timeout=5) == [] and not sockets.exists()


def test_a_killed_kernel_is_not_alive(tmp_path):
    kernel = kernels.WarmKernel(copy_project(tmp_path / "project"))
    try:
        kernel.ready()
        os.kill(kernel.pid, signal.SIGKILL)
        assert wait_gone([kernel.pid], timeout=5) == []
        deadline = time.monotonic() + 5  # the first look can come before the process is reaped
        while kernel.alive():
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        kernel.shutdown()


def test_the_next_build_removes_the_socket_folders_of_dead_builds(tmp_path):
    """The issue's case: `nnsimple-kernel-*` folders left after `kill -9` or a closed terminal."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    folders = {
        "dead": tmp_path / f"{kernels.SOCKETS_PREFIX}{dead.pid}-abc",
        "live": tmp_path / f"{kernels.SOCKETS_PREFIX}{os.getpid()}-def",
        "other": tmp_path / f"{kernels.SOCKETS_PREFIX}sin-pid",
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "kernel-1").write_text("")
    assert kernels.remove_dead_folders(tmp_path) == 1
    assert not folders["dead"].exists() and folders["live"].exists() and folders["other"].exists()
    made = kernels.sockets_folder()
    try:
        assert made.name.startswith(f"{kernels.SOCKETS_PREFIX}{os.getpid()}-")
    finally:
        made.rmdir()
