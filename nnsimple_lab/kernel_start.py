"""The command that starts a warm kernel: ipykernel's own launcher, without the debugger.

    python -m nnsimple_lab.kernel_start -f CONNECTION_FILE     # what kernels.WarmKernel runs

ipykernel imports debugpy (and its pydevd, ~0.1 s of a core) at every start, for a debugger
that nobody attaches to a build's kernel; without it importable, ipykernel runs without one.
Everything else is ``python -m ipykernel_launcher``.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # As ipykernel_launcher: the current folder off sys.path while ipykernel loads (its
    # InteractiveShellApp puts it back), so that no file there shadows a module it imports.
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]
    sys.modules["debugpy"] = None  # "import debugpy" raises ImportError: no debugger
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
