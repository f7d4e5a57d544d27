"""Jupyter kernels for the notebooks: private Unix sockets, and the warm kernel that runs many.

A ``WarmKernel`` executes several notebooks in turn, returned to a fresh state before each
by ``kernel_reset`` (a module the kernel imports at its start). A kernel started here talks
over Unix sockets in a private folder (``kernel_config``), never over TCP.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

KERNEL = "python3"  # the kernel the notebooks run in
WARM_STATE = "_nnsimple_warm_kernel"  # the module, inside a warm kernel, that holds reset()
SOCKETS_PREFIX = "nnsimple-kernel-"  # + the pid of the process that owns the kernel + "-" + random
LAUNCHER = "nnsimple_lab.kernel_start"  # what a warm kernel runs instead of ipykernel_launcher


def sockets_folder():
    """A new private folder for a kernel's sockets (short: a socket path has ~100 bytes), named
    after this process, which starts the kernel: ``remove_dead_folders`` knows when it is gone."""
    return Path(tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-"))


def _alive(pid):
    """True while process ``pid`` runs (a zombie, killed but not yet reaped, is dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    with contextlib.suppress(OSError, IndexError):  # Linux: the state after the command's name
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    return True


def remove_dead_folders(folder=None):
    """Remove the kernels' socket folders whose owner process is gone (a build killed with
    ``kill -9``, or whose terminal closed); returns how many. ``folder``: default the system's
    temporary folder. Folders of live processes, and other users', are left alone."""
    removed = 0
    for path in Path(folder or tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*"):
        pid = path.name[len(SOCKETS_PREFIX) :].split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and path.stat().st_uid == os.getuid() and not _alive(int(pid)):
                shutil.rmtree(path)
                removed += 1
    return removed


def kernel_config(sockets):
    """Kernel settings: talk over Unix sockets named ``sockets-1``, ``sockets-2``, …

    Over TCP (the default) the client picks free ports and the kernel binds them a moment later:
    another process starting kernels at the same time can take one first, and the kernel dies
    ("Address already in use"). A private socket path per kernel cannot collide; it also avoids
    ipykernel's warning about unencrypted TCP.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})


def warm_kernel_specs():
    """A kernelspec manager whose Python kernels start with ``LAUNCHER`` (``kernel_start``: no
    debugger) instead of ``ipykernel_launcher``; any other kernel as it is."""
    from jupyter_client.kernelspec import KernelSpecManager

    class WarmKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = super().get_kernel_spec(kernel_name)
            if spec.argv[1:3] == ["-m", "ipykernel_launcher"]:
                spec.argv = [spec.argv[0], "-m", LAUNCHER, *spec.argv[3:]]
            return spec

    return WarmKernelSpecs()


class WarmKernel:
    """A kernel that executes several notebooks in turn, returned to a fresh state before each.

    Started in ``root`` (the notebooks import the project's modules from there). What
    ``reset()`` restores is listed in ``kernel_reset``. A kernel serves one process for one
    sweep or build: the cache key covers the code, and the project's modules are re-read by
    every notebook, so nothing stale is ever executed. ``shutdown()`` kills it.

    Creating one launches the kernel and sends it the set-up (``kernel_reset.install``) without
    waiting: the caller can do something else meanwhile (a worker imports papermill). Every
    method that needs the kernel first waits for it (``ready()``).
    """

    def __init__(self, root, kernel_name=KERNEL, timeout=60):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.root, self.kernel_name, self.timeout = Path(root).resolve(), kernel_name, timeout
        self.sockets = sockets_folder()
        self.km = AsyncKernelManager(
            kernel_name=kernel_name,
            kernel_spec_manager=warm_kernel_specs(),
            config=kernel_config(self.sockets / "kernel"),
        )
        self.kc = None
        self.notebooks = 0  # executed (or begun) in this kernel
        try:
            # As nbclient does: no IPython history file for a kernel that executes notebooks.
            run_sync(self.km.start_kernel)(cwd=str(self.root), extra_arguments=["--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.allow_stdin = False
            self.kc.start_channels()
            # The kernel starts in root: it imports kernel_reset from there, as the notebooks do.
            setup = f"__import__('nnsimple_lab.kernel_reset').kernel_reset.install({str(self.root)!r}, {WARM_STATE!r})"
            self._setup = self._send(setup)  # queued until the kernel listens
        except BaseException:
            self.shutdown()
            raise

    def _send(self, code):
        return self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)

    async def _reply(self, msg_id):
        while True:
            reply = await self.kc.get_shell_msg(timeout=self.timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                content = reply["content"]
                if content["status"] != "ok":
                    raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
                return content

    async def _iopub_idle(self, msg_id, timeout):
        """Wait for the kernel's "idle" on IOPub after the request ``msg_id``; False if not seen in time."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await self.kc.get_iopub_msg(timeout=left)
            except Exception:  # queue.Empty: nothing more in time
                return False
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                return True
        return False

    def ready(self):
        """Wait until the set-up ran and IOPub delivers (outputs would be lost before): once."""
        if self._setup is None:
            return

        async def wait():
            await self._reply(self._setup)
            msg_id = self._setup
            # IOPub subscribes asynchronously; the set-up's "idle" proves it works. If it came too
            # early to be seen, ask again (jupyter_client's wait_for_ready sleeps instead).
            deadline = time.monotonic() + self.timeout
            while not await self._iopub_idle(msg_id, 0.5):
                if time.monotonic() > deadline:
                    raise RuntimeError("el kernel no envía sus salidas (IOPub)")
                msg_id = self.kc.kernel_info()
                await self._reply(msg_id)

        self._run_sync(wait)()
        self._setup = None

    def run_silently(self, code):
        """Execute ``code`` without outputs, history or execution count; raise if it fails."""
        self.ready()
        msg_id = self._send(code)
        self._run_sync(self._reply)(msg_id)

    def reset(self):
        """Return the kernel to its fresh state (see ``kernel_reset``), before a notebook."""
        self.run_silently(f"__import__('sys').modules[{WARM_STATE!r}].reset()")
        self.notebooks += 1

    def alive(self):
        return bool(self._run_sync(self.km.is_alive)())

    @property
    def pid(self):
        """The kernel's process id (None before it was launched)."""
        return getattr(self.km.provisioner, "pid", None)

    def shutdown(self):
        """Kill the kernel (the notebooks' results are on disk: nothing to wait for) and tidy up."""
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self._run_sync(self.km.shutdown_kernel)(now=True)
        shutil.rmtree(self.sockets, ignore_errors=True)
