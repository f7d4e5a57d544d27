"""Which runs must execute: the experiment notebook's check, cache keys, and each run's status.

A run's cache key is a SHA-256 over the experiment notebook's cell sources (code and
markdown, not outputs), the run's parameters and the project modules the notebook imports,
followed transitively (``deps``). A run is cached when its results file passes
``results.read_run``, is the run's (its id) and carries that key, and its executed notebook
is whole and sealed as that run's (``provenance.notebook_problem``): checked by content, so a
truncated, emptied or swapped file is executed again.

The runs folder (default ``reports/runs/``):

    <id>.ipynb, <id>.json   a finished run, with <id>.npz (its arrays, see results.py). The JSON
    <id>.npz                at its final path is the "finished" marker: it is renamed into place
                            last, after the arrays and the executed notebook.
    <id>.failed.ipynb       the executed notebook of a run that raised, kept for reading
    manifest.json           the grid and every run's status (format: see results.py)
    .lock, .tmp-*           the sweep's lock and its work in progress (see files.py)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from nnsimple_lab import deps, provenance, results
from nnsimple_lab.grid import ROOT, SweepInputError, expand

NOTEBOOK = Path("notebooks") / "experimento.ipynb"  # relative to the project root


class NotebookSyntaxError(SweepInputError):
    """The experiment notebook does not compile; the message names the cell."""


@dataclass(frozen=True)
class RunSpec:
    """One run: its id, the notebook parameters that define it, and its cache key."""

    id: str
    parameters: dict = field(hash=False)
    cache_key: str


def notebook_cells(root=ROOT):
    """``[(cell_type, source)]`` of the experiment notebook; ``SweepInputError`` if unreadable."""
    path = Path(root) / NOTEBOOK
    try:
        return deps.notebook_cells(path)
    except FileNotFoundError:
        raise SweepInputError(f"No se encuentra el cuaderno del experimento {path}.") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SweepInputError(f"El cuaderno {path} no es un notebook válido: {error}.") from None


def check_notebook(root=ROOT):
    """Compile every code cell of the experiment notebook before any kernel starts.

    A syntax error would fail every run the same way, after a kernel start each: it is bad
    input instead, reported with the cell that holds it. IPython syntax (``%magic``) is
    translated first, as the kernel would.
    """
    code_number, known = 0, deps.memo(root)
    for number, (kind, source) in enumerate(notebook_cells(root), start=1):
        if kind != "code":
            continue
        code_number += 1
        if known.knows(source, cell=True):  # compiled before, this very text
            continue
        try:
            compile(deps.python_code(source), f"celda {number}", "exec")
        except SyntaxError as error:
            line = (error.text or "").strip()
            raise NotebookSyntaxError(
                f"El cuaderno {NOTEBOOK} tiene un error de sintaxis en la celda {number} "
                f"(la celda de código n.º {code_number}), línea {error.lineno}: {error.msg}"
                + (f"\n    {line}" if line else "")
                + "\nCorríjalo y vuelva a lanzar el barrido; no se ejecutó ni se borró nada."
            ) from None


def code_fingerprint(root=ROOT):
    """SHA-256 of what a run's outputs depend on besides its parameters.

    The experiment notebook's cells (type and source: editing a markdown cell counts, outputs
    and metadata do not) and the project modules its code imports, followed transitively.
    """
    root = Path(root)
    digest = hashlib.sha256(json.dumps(notebook_cells(root), ensure_ascii=False).encode("utf-8"))
    digest.update(deps.fingerprint(deps.notebook_dependencies(root / NOTEBOOK, root), root).encode("ascii"))
    return digest.hexdigest()


def cache_key(parameters, fingerprint):
    """The cache key of a run: SHA-256 of the code fingerprint and the canonical parameters."""
    text = json.dumps({"code": fingerprint, "parameters": parameters}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan(grid, root=ROOT):
    """The ``RunSpec``s of a grid, in grid order, with their keys.

    Raises ``NotebookSyntaxError`` if the experiment notebook does not compile.
    """
    check_notebook(root)
    fingerprint = code_fingerprint(root)
    return [RunSpec(run, parameters, cache_key(parameters, fingerprint)) for run, parameters in expand(grid)]


def paths(out, run):
    """Final paths of a run (by id) in the runs folder ``out``: ``{"notebook", "results", "arrays", "failed"}``."""
    out = Path(out)
    return {
        "notebook": out / f"{run}.ipynb",
        "results": out / f"{run}.json",
        "arrays": results.arrays_path(out / f"{run}.json"),
        "failed": out / f"{run}.failed.ipynb",
    }


def made_from(spec):
    """What a run's executed notebook is sealed with (``provenance.seal``): its id and cache key."""
    return {"run": spec.id, "cache_key": spec.cache_key}


def status(spec, out, *, notebook=True):
    """Why a run is or is not cached: "cached", "missing", "stale" (other key) or "damaged"
    (a file truncated, edited by hand, or of another run). ``notebook=False``: its executed
    notebook is only required to exist, not verified (for an estimate; the sweep verifies it)."""
    final = paths(out, spec.id)
    if not final["results"].exists():
        return "missing"
    try:
        record = results.read_run(final["results"])
    except results.OtherSchema:  # an older format: executed again, like a changed key
        return "stale"
    except results.ResultsError:
        return "damaged"
    if record.get("id") != spec.id:
        return "damaged"
    if record.get("cache_key") != spec.cache_key:
        return "stale"
    if not final["notebook"].exists():
        return "missing"
    if not notebook:
        return "cached"
    return "damaged" if provenance.notebook_problem(final["notebook"], made_from(spec)) else "cached"
