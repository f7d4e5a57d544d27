"""What a notebook or a module depends on in the project: its imports, followed transitively.

A cached step (a run, the executed report, its renderings) is stale when any project file it
imports changes. Nobody keeps that list by hand: it is read from the code with ``ast``. Every
``import`` and ``from … import`` anywhere in a module (also inside functions) counts, and so do
the ``__init__.py`` of the packages on the way, since importing ``a.b.c`` runs them too.

    notebook_dependencies("notebooks/informe.ipynb", root)  ->  [root/nnsimple.py, root/nnsimple_lab/…]
    module_dependencies(["nnsimple_lab.render"], root)      ->  the files that package imports

Parsing is the cost of a build with nothing to do, so what each piece of code imports is
remembered in ``reports/.importaciones.json`` under the root, keyed by the SHA-256 of the code
itself (never by a file's time): an edited module or cell has another key and is parsed again.
The memo is only a shortcut; without it (a read-only folder, a damaged file) everything is parsed.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import json
from pathlib import Path

PROJECT_PACKAGES = ("nnsimple_lab",)  # packages of the project, below the root
PROJECT_MODULES = ("nnsimple",)  # single-file modules at the root
MEMO = Path("reports") / ".importaciones.json"  # under the root: {code digest: imported names}


def project_modules(root):
    """``{module name: file}`` of every project module under ``root``."""
    root = Path(root)
    found = {name: root / f"{name}.py" for name in PROJECT_MODULES if (root / f"{name}.py").is_file()}
    for package in PROJECT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _prefixes(name):
    """``"a.b.c"`` -> ``["a", "a.b", "a.b.c"]``: importing a module runs its packages first."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _base(node, package):
    """The absolute module a ``from`` import names (``from .x import y`` inside ``package``)."""
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    parts = parts[: len(parts) - node.level + 1]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _statements(body):
    """Every statement in ``body``, nested ones too (in functions, classes, ``if``, ``try`` …).

    Imports are statements: expressions never hold one, so they are not visited.
    """
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from _statements(getattr(node, field, ()))


def imported_names(source, package=""):
    """Absolute names a piece of code may import: modules, their packages, ``from`` targets.

    ``package``: the package the code lives in, for relative imports ("" at the top level).
    """
    names = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # the notebook or module fails where it runs, and says so there
        return names
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.update(_prefixes(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _base(node, package)
            names.update(_prefixes(base))
            names.update(f"{base}.{alias.name}" for alias in node.names)  # a submodule, maybe
    return names


class _Memo:
    """``imported_names`` remembered by the digest of the code (and its package), in ``root/MEMO``."""

    def __init__(self, root):
        self.path, self.new = Path(root) / MEMO, False
        self.names = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.names = {k: v for k, v in loaded.items() if isinstance(v, list)} if isinstance(loaded, dict) else {}

    @staticmethod
    def _key(source, package, cell):
        return hashlib.sha256(f"{int(cell)}\0{package}\0{source}".encode()).hexdigest()

    def knows(self, source, package="", *, cell=False):
        """True when ``source`` compiled before (only code that compiles is remembered)."""
        return self._key(source, package, cell) in self.names

    def imports(self, source, package, *, cell=False):
        """The names ``source`` imports; a notebook ``cell`` is translated from IPython first."""
        key = self._key(source, package, cell)
        if key not in self.names:
            code = python_code(source) if cell else source
            names = sorted(imported_names(code, package))
            try:
                compile(code, "<celda>", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):  # said where it runs (or by cache.check_notebook): not remembered
                return names
            self.names[key], self.new = names, True
        return self.names[key]

    def save(self):
        """Write the memo when it learned something (atomically; a folder that refuses: no memo)."""
        from nnsimple_lab import files

        if self.new and self.path.parent.is_dir():
            with contextlib.suppress(OSError):
                files.write_json_atomic(self.path, self.names)
            self.new = False


@functools.lru_cache(maxsize=8)
def _memo(root):
    return _Memo(root)


def memo(root):
    """The memo of ``root`` (one per process): ``knows(source, cell=True)`` for a cell that compiled."""
    return _memo(str(Path(root).resolve()))


def dependencies(sources, root, package="", *, cells=False):
    """The project files that the code in ``sources`` imports, directly or through others (sorted).

    ``cells``: the sources are notebook code cells (IPython's ``%magic`` allowed).
    """
    modules, known = project_modules(root), memo(root)
    seen, todo = {}, [known.imports(source, package, cell=cells) for source in sources]
    while todo:
        for name in todo.pop():
            path = modules.get(name)
            if path is None or name in seen:
                continue
            seen[name] = path
            inside = name if path.name == "__init__.py" else name.rpartition(".")[0]
            todo.append(known.imports(path.read_text(encoding="utf-8"), inside))
    known.save()
    return sorted(set(seen.values()))


def module_dependencies(names, root):
    """The project files that importing the modules ``names`` reads, those modules included."""
    return dependencies([f"import {name}" for name in names], root)


def notebook_cells(path):
    """``[(cell_type, source)]`` of a notebook file, sources joined (outputs and metadata left out)."""
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    out = []
    for cell in cells:
        source = cell.get("source", "")
        out.append((cell.get("cell_type"), "".join(source) if isinstance(source, list) else source))
    return out


def python_code(source):
    """A code cell's source as plain Python (IPython's ``%magic`` and ``!shell`` translated)."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source  # nothing to translate: IPython's import is not needed
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def notebook_dependencies(path, root):
    """The project files the code cells of the notebook at ``path`` import, transitively."""
    return dependencies([source for kind, source in notebook_cells(path) if kind == "code"], root, cells=True)


def fingerprint(paths, root):
    """SHA-256 over the files ``paths`` (their names relative to ``root`` and their bytes)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        name = path.resolve().relative_to(Path(root).resolve()).as_posix()
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
