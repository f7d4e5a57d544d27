"""The notebook as the report shows it, for every format: loading, what is kept, links, tables.

What the report shows: markdown cells; code cell inputs only in cells tagged ``mostrar-codigo``;
no cell tagged ``ocultar``; no stderr; the rich outputs of ``outputs.py`` (cover, figures,
tables, prose, code) as report elements, the cover out of the flow (the templates put it first).
Every numbered item gets its id (``metadata.nnsimple.id``, see ``xref``) and every mention of one
in the text becomes a link to it, so both formats link the same references.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

from nnsimple_lab.outputs import COVER_FIELDS, COVER_MIME
from nnsimple_lab.render import cite, math, xref
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
    """Return ``(NotebookNode, folder)`` for a path, a NotebookNode or a plain dict (folder: for
    relative images). A NotebookNode comes back as it is, not copied: ``prepare`` copies what it
    changes, so the formats, each in its thread, share the one read in ``render.render``."""
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

        if isinstance(notebook, nbformat.NotebookNode):
            return notebook, Path.cwd()
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
    link_references(nb)
    add_references(nb)
    return nb, cover


def markdown_fields(nb):
    """Every markdown string of ``nb`` in document order, as ``(holder, key)`` with ``holder[key]``
    the string: markdown cells, markdown outputs (prose, tables, listings), captions and titles."""
    fields = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            fields.append((cell, "source"))
            continue
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("nnsimple", {})
            for key in ("caption", "title"):
                if meta.get(key):
                    fields.append((meta, key))
            if "text/markdown" in output.get("data", {}):
                fields.append((output.data, "text/markdown"))
    return fields


_APPENDIX = re.compile(r"^ {0,3}# +(Anexo|Apéndice)", re.I | re.M)


def add_references(nb):
    """Add the section "Referencias" to a document that cites and has no reference list: before
    its first appendix, or at its end."""
    pieces = [holder[key] for holder, key in markdown_fields(nb)]
    if cite.has_references(pieces) or not any(cite.clusters(piece) for piece in pieces):
        return
    import nbformat

    cell = nbformat.v4.new_markdown_cell(cite.references_cell_source())
    where = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and _APPENDIX.search(c.source)), None)
    nb.cells.insert(len(nb.cells) if where is None else where, cell)


# ---------------------------------------------------------------- cross-references

_CAPTION_KEYS = {"figure": "caption", "table": "title", "code": "caption"}


def _markdown_outputs(cell):
    """The markdown data of a cell's outputs, as ``(data dict)`` entries holding "text/markdown"."""
    return [
        o.data for o in cell.get("outputs", []) if "text/markdown" in o.get("data", {}) and output_kind(o) != "code"
    ]


def number_items(nb):
    """Give every numbered figure, table and listing its id (``metadata.nnsimple.id``); return
    the ids of the document's targets, those of its numbered equations included."""
    targets = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            targets.update(xref.equation_id(n) for n in math.equation_numbers(cell.source))
            continue
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("nnsimple", {})
            key = _CAPTION_KEYS.get(meta.get("kind"))
            target = xref.caption_id(meta.get(key)) if key else None
            if target and target not in targets:  # a number used twice: the first one is the target
                meta["id"] = target
                targets.add(target)
        for data in _markdown_outputs(cell):
            targets.update(xref.equation_id(n) for n in math.equation_numbers(data["text/markdown"]))
    return targets


def number_listings(nb):
    """Number, in place, the captioned listings the notebook left unnumbered: "Listado N: …", N
    counting every captioned listing in order (a numbered one keeps its number)."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("nnsimple", {})
            if meta.get("kind") != "code" or not meta.get("caption"):
                continue
            count += 1
            if xref.caption_id(meta["caption"]) is None:
                meta["caption"] = f"Listado {count}: {meta['caption']}"


def link_references(nb):
    """Number the listings and the items of ``nb`` (``number_listings``, ``number_items``) and
    link, in place, every mention of one: in markdown cells, generated prose and tables, and
    captions (not in code)."""
    number_listings(nb)
    targets = number_items(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = xref.link_references(cell.source, targets)
            continue
        for data in _markdown_outputs(cell):
            data["text/markdown"] = xref.link_references(data["text/markdown"], targets)
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("nnsimple", {})
            key = _CAPTION_KEYS.get(meta.get("kind"))
            if key and meta.get(key):
                meta[key] = xref.link_caption(meta[key], targets)


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

_NUMBER = re.compile(
    r"^[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*%?$"  # 0.5, -3, 1e-3, 12 %
    r"|^\d+\s*/\s*\d+$"  # 10/20
    r"|^[-+−]?\d+(\.\d*)?\s*→\s*\d+$"  # 0.9812 → 1: a value and its class
)
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


def _is_note(cell):
    """A cell that is no number and holds no digit ("no converge", "divergió"): a numeric column's remark."""
    return not re.search(r"\d", cell)


def _true_minus(cell):
    """A number's hyphen-minus as the minus sign (U+2212): "-1.0986" -> "−1.0986" (math is left to TeX)."""
    return re.sub(r"^(\s*(?:\*\*)?)-(?=\d|\.\d)", "\\1−", cell)


def _joined(cells, template):
    """A row's cells joined back with the outer pipes of ``template`` (a row of the same table)."""
    lead = "|" if template.strip().startswith("|") else ""
    trail = "|" if template.strip().endswith("|") else ""
    return lead + "|".join(cells) + trail


def align_numeric_columns(markdown):
    """Typeset the numeric columns of a pipe table: right-aligned (``---:``), so that numbers with
    the same decimals align on their point, and with the true minus sign.

    A column is numeric when some body cell is a number and every other one is a dash ("—": no
    value) or a remark without digits ("no converge"). Columns with an alignment of their own
    keep it; text that is not a pipe table comes back unchanged.
    """
    lines = markdown.split("\n")
    found = _pipe_table(lines)
    if not found or not found[1]:
        return markdown
    i, body = found
    delimiter = _split_row(lines[i])
    new, numeric = [], []
    for col, spec in enumerate(delimiter):
        column = [row[col] for row in body if col < len(row) and row[col].strip()]
        numbers = [cell for cell in column if _is_number(cell)]
        is_numeric = bool(numbers) and all(
            _is_number(c) or _PLACEHOLDER.match(c.strip()) or _is_note(c) for c in column
        )
        numeric.append(is_numeric)
        new.append(" ---: " if is_numeric and ":" not in spec else spec)
    lines[i] = _joined(new, lines[i])
    for k, row in enumerate(body, start=i + 1):
        cells = [_true_minus(cell) if col < len(numeric) and numeric[col] else cell for col, cell in enumerate(row)]
        lines[k] = _joined(cells, lines[k])
    return "\n".join(lines)
