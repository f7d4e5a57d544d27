"""Inside a warm kernel: note its fresh state, and ``reset()`` back to it before every notebook.

``kernels.WarmKernel`` starts a kernel in the project root and runs ``install(root, name)``
there before anything else; before every notebook it calls ``sys.modules[name].reset()``.
numpy and matplotlib are imported with this module: every notebook imports them, and that
import is what a warm kernel saves. ``reset()`` gives the next notebook what a fresh kernel
would give:

- an empty namespace, empty In/Out and the execution count back at 1 (IPython's ``reset``);
- none of the project's modules (the ``.py`` files in ``root``, this one included) imported:
  the notebook reads them from disk again, so a changed ``nnsimple.py`` is never served stale
  (see "Imports" below for what a warm kernel keeps of them);
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

Imports (``ProjectImports``, the first finder of ``sys.meta_path``): a notebook imports the
project's modules anew, and every import reads the module's source from disk and executes it
in a new module, as in a fresh kernel. Two things are kept for the kernel's life, both keyed by
the exact source bytes just read, so a changed file is never served stale:

- the code compiled from a source (``compile`` of the same bytes gives the same code: Python
  compiles it again otherwise when it writes no ``__pycache__``, ``PYTHONDONTWRITEBYTECODE``);
- ``MEMO_CACHES``: module attributes that are pure memoisation, each result a function of its
  key alone (``layout_once``'s text metrics and layouts, keyed by the text and the rcParams
  that choose fonts). A module executed from the same bytes as the one the previous notebook
  used gets those attributes back, warm, as they stay in a process that saves many figures
  (the report's, or ``test_layout_once``'s "same bytes with it as without"); from other bytes
  it keeps its own, empty ones. Nothing else of a module outlives its notebook.

The modules' ``__loader__`` is a ``ProjectLoader`` (a ``SourceFileLoader``): the one
difference a notebook could see from a fresh kernel, and no notebook of the project looks.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import importlib
import importlib.machinery
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
# {module: its attributes that only memoise a pure function of their keys}: warm across notebooks
# while the module's source is unchanged (see the module's docstring). ``layout_once``: text
# metrics and layouts keyed by the text and the font rcParams; font entries keyed by font object.
MEMO_CACHES = {"nnsimple_lab.layout_once": ("_by_settings", "_font_entry")}


def install(root, name):
    """Note the kernel's fresh state; put ``reset()`` in the new module ``sys.modules[name]``.

    ``root``: the project folder; modules loaded from files below it are forgotten by ``reset``.
    """
    from IPython import get_ipython

    fresh = FreshState(get_ipython(), os.path.abspath(root))
    sys.meta_path.insert(0, fresh.imports)
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
        self.imports = ProjectImports(self.from_path)
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
        """Drop the project's modules and the inline backend from ``sys.modules``: imported anew
        (their ``MEMO_CACHES`` noted first, for a module executed again from the same source)."""
        for name, module in list(sys.modules.items()):
            if self.from_project(module):
                self.imports.keep_caches(name, module)
                del sys.modules[name]
            elif name.partition(".")[0] == INLINE_BACKEND:
                del sys.modules[name]
        importlib.invalidate_caches()
        linecache.clearcache()

    def from_project(self, module):
        """True if ``module`` was loaded from a file below the project's folder (not a venv's)."""
        path = getattr(module, "__file__", None)
        return isinstance(path, str) and self.from_path(path)

    def from_path(self, path):
        """True if the file ``path`` is below the project's folder and not in a venv's site-packages."""
        return _in_folder(self.root, path if os.path.isabs(path) else os.path.abspath(path))

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


@functools.lru_cache(maxsize=4096)
def _in_folder(root, path):
    """``FreshState.from_path`` of an absolute ``path``, memoised: every reset asks it of every
    module's file (~800 of them)."""
    path = os.path.normpath(path)
    return path.startswith(root + os.sep) and "site-packages" not in path


class ProjectImports:
    """A meta path finder: the spec the other finders give, with a ``ProjectLoader`` for a
    project's source file (``is_project(path)``); it keeps, for the kernel's life, each file's
    last source and code, and the ``MEMO_CACHES`` of the last module executed from it."""

    def __init__(self, is_project):
        self.is_project = is_project
        self.codes = {}  # {path: (source bytes, code compiled from them)}: the last source only
        self.caches = {}  # {module name: (source bytes, {attribute: value})}

    def find_spec(self, name, path=None, target=None):
        """The spec of the finders after this one (as Python's import would find it), its loader
        a ``ProjectLoader`` if it loads a project's ``.py`` file; None if none finds ``name``."""
        finders = sys.meta_path[sys.meta_path.index(self) + 1 :] if self in sys.meta_path else sys.meta_path
        for finder in finders:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if type(loader) is importlib.machinery.SourceFileLoader and self.is_project(loader.path):
            spec.loader = ProjectLoader(loader.name, loader.path, self)
        return spec

    def invalidate_caches(self):
        """Nothing to forget: every import reads the source again and looks its bytes up."""

    def code(self, path, source, compile_source):
        """The code of ``source`` (bytes of ``path``): compiled by ``compile_source`` unless the
        last source of ``path`` had these very bytes."""
        last = self.codes.get(path)
        if last is not None and last[0] == source:
            return last[1]
        code = compile_source(source, path)
        self.codes[path] = (source, code)
        return code

    def keep_caches(self, name, module):
        """Note the ``MEMO_CACHES`` of ``module`` (about to be forgotten) with the source it ran."""
        loader = getattr(module, "__loader__", None)
        attributes = MEMO_CACHES.get(name, ())
        if isinstance(loader, ProjectLoader) and loader.source is not None and attributes:
            values = {attribute: module.__dict__[attribute] for attribute in attributes if attribute in module.__dict__}
            self.caches[name] = (loader.source, values)

    def warm(self, module, source):
        """Give ``module``, just executed from ``source``, the caches noted from the same bytes."""
        kept = self.caches.pop(module.__name__, None)
        if kept is not None and kept[0] == source:
            for attribute, value in kept[1].items():
                if attribute in module.__dict__:  # an attribute the module still has
                    module.__dict__[attribute] = value


class ProjectLoader(importlib.machinery.SourceFileLoader):
    """A project module's loader: its source read from disk at every import, as Python's, and
    compiled once per source bytes; executed, the module gets its warm ``MEMO_CACHES`` back."""

    def __init__(self, fullname, path, imports):
        super().__init__(fullname, path)
        self.imports, self.source = imports, None

    def get_code(self, fullname):
        """The module's code, from the source bytes on disk now (never a ``.pyc``)."""
        path = self.get_filename(fullname)
        self.source = self.get_data(path)
        return self.imports.code(path, self.source, self.source_to_code)

    def exec_module(self, module):
        super().exec_module(module)
        self.imports.warm(module, self.source)
