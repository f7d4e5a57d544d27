"""Inside a warm kernel: note its fresh state, and ``reset()`` back to it before every notebook.

``kernels.WarmKernel`` starts a kernel in the project root and runs ``install(root, name)``
there before anything else; before every notebook it calls ``sys.modules[name].reset()``.
numpy and matplotlib are imported with this module: every notebook imports them, and that
import is what a warm kernel saves. ``reset()`` gives the next notebook what a fresh kernel
would give:

- an empty namespace, empty In/Out and the execution count back at 1 (IPython's ``reset``);
- none of the project's modules (the ``.py`` files in ``root``, this one included) imported:
  the notebook reads them from disk again, so a changed ``nnsimple.py`` is never served stale;
- no figure open and matplotlib's rcParams as they were; figures displayed as a fresh kernel
  displays them: IPython's display formatters, post-execute hooks and ``%config`` settings as
  they were, and the inline backend not imported yet, so that ``%matplotlib inline`` (and only
  it) imports and sets it up again, with its default formats;
- numpy's error and print settings, the warnings filters (and which warnings were already
  shown), the working folder, ``sys.path`` and the environment as they were;
- the random generators (``random``, numpy's global one) reseeded from the system, as at a start.

Third-party modules stay imported (but the inline backend): that is the point of a warm
kernel. What their import did (a warnings filter numpy adds, say) happens once, as in a fresh
kernel that imports them; numpy's and matplotlib's is part of the state noted here. pyplot
keeps the backend module it loaded first: a notebook that draws with pyplot selects its
backend with ``%matplotlib inline``, as the project's do. The objects alive after these
imports are frozen out of the garbage collector's sight (``gc.freeze``): that changes no
output, and makes every later collection (IPython's ``reset`` does one) cheap.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import linecache
import os
import random
import sys
import types
import warnings

import matplotlib
import matplotlib.pyplot as plt  # without choosing a backend: a fresh kernel has none yet
import numpy as np

# Its import sets the inline backend up (formats, hooks): a fresh kernel has not imported it.
INLINE_BACKEND = "matplotlib_inline"
PRINTERS = ("type_printers", "deferred_printers", "singleton_printers")  # of each display formatter


def install(root, name):
    """Note the kernel's fresh state; put ``reset()`` in the new module ``sys.modules[name]``.

    ``root``: the project folder; modules loaded from files below it are forgotten by ``reset``.
    """
    from IPython import get_ipython

    fresh = FreshState(get_ipython(), os.path.abspath(root))
    state = types.ModuleType(name)
    state.reset = fresh.reset
    sys.modules[name] = state
    # What is imported now stays: keep the garbage collector from scanning it again and again.
    gc.collect()
    gc.freeze()


class FreshState:
    """The state of a kernel that has executed nothing yet, and ``reset()`` to return to it."""

    def __init__(self, shell, root):
        self.shell, self.root = shell, root
        self.formatters = list(shell.display_formatter.formatters.values())
        self.printers = [{kind: dict(getattr(f, kind)) for kind in PRINTERS} for f in self.formatters]
        self.events = {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()}
        self.config = copy.deepcopy(shell.config)
        self.configurables = list(shell.configurables)
        self.cwd, self.path, self.environ = os.getcwd(), list(sys.path), dict(os.environ)

        self.rc = contextlib.ExitStack()  # rc_context restores every rcParam but the backend
        self.rc.enter_context(matplotlib.rc_context())
        self.backend = matplotlib.get_backend(auto_select=False)  # None: not chosen yet
        self.draw_if_interactive = plt.draw_if_interactive  # %matplotlib wraps it once more each time
        self.numpy_err, self.numpy_print = np.geterr(), np.get_printoptions()
        self.warnings = list(warnings.filters)  # with the filters numpy and matplotlib add

    def reset(self):
        """Return the kernel to the state noted by ``__init__`` (see the module's docstring)."""
        self.shell.reset(new_session=True)
        self.forget_modules()
        os.chdir(self.cwd)
        sys.path[:] = self.path
        os.environ.clear()
        os.environ.update(self.environ)
        self.reset_display()
        warnings.resetwarnings()  # also forgets which warnings were already shown
        warnings.filters[:] = self.warnings
        np.seterr(**self.numpy_err)
        np.set_printoptions(**self.numpy_print)
        np.random.seed()  # noqa: NPY002 - the legacy global generator, reseeded as at a start
        random.seed()

    def forget_modules(self):
        """Drop the project's modules and the inline backend from ``sys.modules``: imported anew."""
        for name, module in list(sys.modules.items()):
            if self.from_project(module) or name.partition(".")[0] == INLINE_BACKEND:
                del sys.modules[name]
        importlib.invalidate_caches()
        linecache.clearcache()

    def from_project(self, module):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str):
            return False
        path = os.path.abspath(path)
        return path.startswith(self.root + os.sep) and "site-packages" not in path

    def reset_display(self):
        """No figure, rcParams, pyplot's hooks, display formatters, events and config as they were."""
        shell = self.shell
        plt.close("all")
        with contextlib.suppress(ValueError):  # a notebook may have unregistered the hook itself
            plt.uninstall_repl_displayhook()  # none in a fresh kernel: only a backend switch installs it
        self.rc.close()
        self.rc.enter_context(matplotlib.rc_context())
        if self.backend is not None and matplotlib.get_backend(auto_select=False) != self.backend:
            matplotlib.rcParams["backend"] = self.backend
        plt.draw_if_interactive = self.draw_if_interactive
        for formatter, saved in zip(self.formatters, self.printers, strict=True):
            for kind, entries in saved.items():
                getattr(formatter, kind).clear()
                getattr(formatter, kind).update(entries)
        for event, callbacks in self.events.items():
            shell.events.callbacks[event][:] = callbacks
        if shell.config != self.config:  # %config InlineBackend.figure_formats = …, say
            shell.config = copy.deepcopy(self.config)
        shell.configurables[:] = self.configurables
