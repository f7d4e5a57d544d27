"""The notebook as the report shows it, for every format: loading, what is kept, table alignment.

What the report shows: markdown cells; code cell inputs only in cells tagged ``mostrar-codigo``;
no cell tagged ``ocultar``; no stderr; the rich outputs of ``outputs.py`` (cover, figures,
tables, prose, code) as report elements, the cover out of the flow (the templates put it first).
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

from nnsimple_lab.outputs import COVER_FIELDS, COVER_MIME
from nnsimple_lab.render.errors import RenderError

SHOW_CODE_TAG = "mostrar-codigo"
HIDE_TAG = "ocultar"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"

# What the report says instead of papermill's English banners (the link one, then the anchor one).
PAPERMILL_BANNER = (
    "**Se produjo una excepción durante la ejecución.** [Ver la celda con el error](#papermill-error-cell)."
)
PAPERMILL_ANCHOR = '<span id="papermill-error-cell"></span>**La ejecución se detuvo aquí por una excepción:**'


def load_notebook(notebook):
    """Return ``(NotebookNode, folder)`` for a path or a NotebookNode (folder: for relative images)."""
    if isinstance(notebook, (str, os.PathLike)):
        import nbformat

        path = Path(notebook)
        if not path.is_file():
            raise RenderError(f"No existe el cuaderno: {path}")
        try:
            return nbformat.read(path, as_version=4), path.resolve().parent
        except Exception as error:  # nbformat raises several unrelated types
            raise RenderError(f"No se pudo leer el cuaderno {path}: {error}") from error
    if isinstance(notebook, dict) and "cells" in notebook:
        import nbformat

        return nbformat.from_dict(notebook), Path.cwd()
    raise RenderError(f"Se esperaba un cuaderno o la ruta de uno; se recibió {type(notebook).__name__}.")


def output_kind(output):
    """The ``nnsimple`` kind of an output ("cover", "figure", ...) or None."""
    return output.get("metadata", {}).get("nnsimple", {}).get("kind")


def clean_cover(data):
    """The cover dict with every field present: strings, ``authors`` a list of strings."""
    cover = {key: str(data.get(key, "") or "") for key in COVER_FIELDS if key != "authors"}
    authors = data.get("authors") or []
    cover["authors"] = [authors] if isinstance(authors, str) else [str(a) for a in authors]
    return cover


def prepare(nb, *, show_all_code=False, keep_stderr=False):
    """Return ``(copy of nb as the report shows it, cover dict or None)``.

    Drops cells tagged ``ocultar``, raw cells, empty cells and stderr streams; hides code
    inputs except in cells tagged ``mostrar-codigo`` (all of them with ``show_all_code``);
    takes the first cover output out of the flow; translates papermill's English error
    banners; right-aligns the numeric columns of tables. ``nb`` itself is left as it was.
    """
    nb = copy.deepcopy(nb)
    cover, cells = None, []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if HIDE_TAG in tags or cell.cell_type not in ("markdown", "code"):
            continue
        if PAPERMILL_ERROR_TAG in tags:
            cell.source = PAPERMILL_BANNER if "href=" in cell.source else PAPERMILL_ANCHOR
        if cell.cell_type == "markdown":
            if cell.source.strip():
                cells.append(cell)
            continue
        show_input = (show_all_code or SHOW_CODE_TAG in tags) and bool(cell.source.strip())
        if not show_input:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
        cell.outputs, covers = _report_outputs(cell.get("outputs", []), keep_stderr=keep_stderr)
        if cover is None and covers:
            cover = covers[0]
        if show_input or cell.outputs:
            cells.append(cell)
    nb.cells = cells
    return nb, cover


def _report_outputs(outputs, *, keep_stderr):
    """``(the outputs the report shows, the covers taken out of them)`` of one code cell."""
    shown, covers = [], []
    for output in outputs:
        if output.output_type == "stream" and output.name == "stderr" and not keep_stderr:
            continue
        kind = output_kind(output)
        data = output.get("data", {})
        if kind == "cover":
            covers.append(clean_cover(data.get(COVER_MIME, {})))
            continue
        if kind == "table" and "text/markdown" in data:
            data["text/markdown"] = align_numeric_columns(data["text/markdown"])
        if "text/latex" in data and "text/markdown" not in data and not kind:
            data["text/markdown"] = data["text/latex"]  # IPython's Math(): "$$…$$", read as markdown
        shown.append(output)
    return shown, covers


# ---------------------------------------------------------------- pipe tables

_NUMBER = re.compile(r"^[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*%?$|^\d+\s*/\s*\d+$")
_PLACEHOLDER = re.compile(r"^[—–-]$")
_DELIMITER_CELL = re.compile(r"^\s*:?-{1,}:?\s*$")


def _split_row(line):
    """The cells of one pipe-table row (outer pipes optional, ``\\|`` kept)."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return re.split(r"(?<!\\)\|", row)


def _is_number(cell):
    """True for "0.5", "-3", "1e-3", "12 %", "10/20", also wrapped in ``$…$`` or ``**…**``."""
    text = cell.strip().strip("*").strip()
    if len(text) > 2 and text[0] == "$" and text[-1] == "$":
        text = text[1:-1].strip().replace("\\%", "%")
    return bool(_NUMBER.match(text))


def _pipe_table(lines):
    """``(index of the delimiter row, body rows as cell lists)`` of the first pipe table, or None."""
    for i in range(1, len(lines)):
        delimiter = _split_row(lines[i])
        if "|" not in lines[i] or not all(_DELIMITER_CELL.match(c) for c in delimiter):
            continue
        body = []
        for line in lines[i + 1 :]:
            if "|" not in line or not line.strip():
                break
            body.append(_split_row(line))
        return i, body
    return None


def table_rows(markdown):
    """Number of body rows of the first pipe table in ``markdown`` (0 without one)."""
    found = _pipe_table(markdown.split("\n"))
    return len(found[1]) if found else 0


def align_numeric_columns(markdown):
    """Right-align (``---:``) the columns of a pipe table whose body cells are all numbers
    (or a dash, "—", for no value).

    Columns with an alignment of their own are left as they are; text that is not a pipe
    table comes back unchanged.
    """
    lines = markdown.split("\n")
    found = _pipe_table(lines)
    if not found or not found[1]:
        return markdown
    i, body = found
    delimiter = _split_row(lines[i])
    new = []
    for col, spec in enumerate(delimiter):
        column = [row[col] for row in body if col < len(row) and row[col].strip()]
        plain = ":" not in spec
        numbers = [cell for cell in column if not _PLACEHOLDER.match(cell.strip())]  # "—": no value
        new.append(" ---: " if plain and numbers and all(map(_is_number, numbers)) else spec)
    if new != delimiter:
        lead = "|" if lines[i].strip().startswith("|") else ""
        trail = "|" if lines[i].strip().endswith("|") else ""
        lines[i] = lead + "|".join(new) + trail
    return "\n".join(lines)
