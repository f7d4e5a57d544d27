"""What a built file was made from, by content: sealed executed notebooks, digests, renderings.

A cached file is trusted only when its content says it is current, never because of its
modification time (a copy, a clock, another build at the same time can all make times lie):

- an executed notebook (a run's, the report's) carries in its metadata what it was made from
  (``made_from``: the run's id and cache key; the report's input digests) and a checksum of
  everything else in it. ``notebook_problem`` reads it back: a truncated, emptied or edited
  notebook, or one made from something else, is executed again;
- ``digests`` are SHA-256 hashes of files by their names (the manifest and results a report was
  built from);
- a rendering (``informe.html``, ``informe.pdf``) is noted in ``reports/.renderings.json`` with
  the digest of what it was made from (the executed report and the format's code) and of its
  own bytes (``rendering_current``).

    seal(node, {"run": "lr0.5-random-bce", "cache_key": "…"})  # before writing the notebook
    notebook_problem(path, {"run": …, "cache_key": …})         # None when it can be trusted
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from nnsimple_lab import files

KEY = "nnsimple"  # notebook.metadata[KEY] = {"made_from": {...}, "checksum": "…"}
RENDERINGS = ".renderings.json"  # in the reports folder: {format name: {"made_from", "sha256"}}


def _canonical_sha256(obj):
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checksum(notebook):
    """SHA-256 of a notebook's JSON (a dict as read from its file) without its own checksum."""
    meta = dict(notebook.get("metadata", {}))
    meta[KEY] = {k: v for k, v in dict(meta.get(KEY, {})).items() if k != "checksum"}
    return _canonical_sha256({**notebook, "metadata": meta})


def seal(node, made_from, facts=None):
    """Note ``made_from`` and ``facts`` (JSON values) and the checksum in ``node``'s metadata, in place.

    ``facts``: what the notebook shows that its reader needs without re-reading its outputs (the
    report: its failed runs). ``node``: an nbformat NotebookNode, about to be written; the
    checksum is over its JSON as ``nbformat.writes`` gives it, so that reading the file back
    gives the same.
    """
    import nbformat

    node.metadata[KEY] = {"made_from": made_from, "facts": facts or {}}
    node.metadata[KEY]["checksum"] = _checksum(json.loads(nbformat.writes(node)))
    return node


def facts(path):
    """The ``facts`` of the sealed notebook at ``path`` ({} when unreadable or unsealed)."""
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))["metadata"][KEY]["facts"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def notebook_problem(path, expected=None):
    """Why the executed notebook at ``path`` cannot be trusted, in Spanish, or None if it can.

    It must parse, carry its seal, have the checksum of its content, and have been made from
    ``expected`` (if given).
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no existe {path.name}"
    except (OSError, ValueError) as error:
        return f"{path.name} está incompleto o dañado ({type(error).__name__})"
    seal_ = notebook.get("metadata", {}).get(KEY) if isinstance(notebook, dict) else None
    if not isinstance(seal_, dict) or "checksum" not in seal_:
        return f"{path.name} no lleva la marca de una ejecución completa"
    if seal_["checksum"] != _checksum(notebook):
        return f"{path.name} fue modificado tras ejecutarse (su suma no coincide)"
    if expected is not None and seal_.get("made_from") != expected:
        return f"{path.name} se hizo a partir de otros datos"
    return None


def digests(paths, base):
    """``{name relative to base: SHA-256 of its bytes, or None if missing}`` of ``paths`` (all below ``base``)."""
    out = {}
    for path in map(Path, paths):
        name = path.relative_to(base).as_posix()
        try:
            out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            out[name] = None
    return out


def digest(obj):
    """SHA-256 of a JSON value (a dict of digests, say)."""
    return _canonical_sha256(obj)


# ---------------------------------------------------------------- renderings


def _renderings(reports):
    try:
        state = json.loads((Path(reports) / RENDERINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def rendering_current(reports, name, output, made_from):
    """True when ``output`` (format ``name``) is whole and was rendered from ``made_from`` (a digest)."""
    noted = _renderings(reports).get(name)
    if not isinstance(noted, dict) or not Path(output).exists():
        return False
    return noted.get("made_from") == made_from and noted.get("sha256") == _file_sha256(output)


def note_rendering(reports, name, output, made_from):
    """Note that ``output`` (format ``name``) was rendered from ``made_from`` (a digest)."""
    state = _renderings(reports)
    state[name] = {"made_from": made_from, "sha256": _file_sha256(output)}
    files.write_json_atomic(Path(reports) / RENDERINGS, state)


def _file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
