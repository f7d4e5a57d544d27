"""What a notebook or a module depends on in the project: its imports, followed transitively.

A cached step (a run, the executed report, its renderings) is stale when any project file it
imports changes. Nobody keeps that list by hand: it is read from the code with ``ast``. Every
``import`` and ``from … import`` anywhere in a module (also inside functions) counts, and so do
the ``__init__.py`` of the packages on the way, since importing ``a.b.c`` runs them too.

    notebook_dependencies("notebooks/informe.ipynb", root)  ->  [root/nnsimple.py, root/nnsimple_lab/…]
    module_dependencies(["nnsimple_lab.render"], root)      ->  the files that package imports
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from pathlib import Path

PROJECT_PACKAGES = ("nnsimple_lab",)  # packages of the project, below the root
PROJECT_MODULES = ("nnsimple",)  # single-file modules at the root


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


@functools.lru_cache(maxsize=512)
def _module_imports(path, package, stamp):
    """``imported_names`` of a module file; ``stamp`` (mtime, size) makes an edited file be read again.

    A build asks for the dependencies of several steps, which share most modules: each is parsed once.
    """
    return frozenset(imported_names(Path(path).read_text(encoding="utf-8"), package))


def dependencies(sources, root, package=""):
    """The project files that the code in ``sources`` imports, directly or through others (sorted)."""
    modules = project_modules(root)
    seen, todo = {}, [imported_names(source, package) for source in sources]
    while todo:
        for name in todo.pop():
            path = modules.get(name)
            if path is None or name in seen:
                continue
            seen[name] = path
            inside = name if path.name == "__init__.py" else name.rpartition(".")[0]
            stat = path.stat()
            todo.append(_module_imports(str(path), inside, (stat.st_mtime_ns, stat.st_size)))
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
    code = [python_code(source) for kind, source in notebook_cells(path) if kind == "code"]
    return dependencies(code, root)


def fingerprint(paths, root):
    """SHA-256 over the files ``paths`` (their names relative to ``root`` and their bytes)."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        name = path.resolve().relative_to(Path(root).resolve()).as_posix()
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
