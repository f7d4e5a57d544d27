"""Render an executed notebook to one self-contained HTML file and one PDF, in one process.

    python render.py reports/informe.ipynb --html reports/informe.html --pdf reports/informe.pdf
    python render.py reports/informe.ipynb --html reports/informe.html --runs-html

HTML: an nbconvert ``HTMLExporter`` with ``templates/informe_html`` (extends ``lab``), math
pre-rendered to MathML with latex2mathml, images embedded, no external URL at all.
PDF: an nbconvert ``TemplateExporter`` writing Typst with ``templates/informe_typst``; all
markdown goes through pandoc's typst writer in a single call; compiled with ``typst``.

What the report shows (both formats): markdown cells; code cell inputs only in cells tagged
``mostrar-codigo``; no cell tagged ``ocultar``; no stderr; the rich outputs of ``outputs.py``
(cover, figures, tables, prose, code) as report elements. Every file is written atomically.
"""

from __future__ import annotations

import base64
import copy
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nnsimple_lab import cli, files

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

SHOW_CODE_TAG = "mostrar-codigo"
HIDE_TAG = "ocultar"
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
# Same value as outputs.COVER_MIME (not imported: outputs pulls in matplotlib).
COVER_MIME = "application/vnd.nnsimple.cover+json"
COVER_FIELDS = ("university", "faculty", "course", "title", "subtitle", "authors", "date")


class RenderError(Exception):
    """A rendering failure, with a Spanish message for the user."""


# ---------------------------------------------------------------- notebook preparation


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


def _clean_cover(data):
    """The cover dict with every field present: strings, ``authors`` a list of strings."""
    cover = {key: str(data.get(key, "") or "") for key in COVER_FIELDS if key != "authors"}
    authors = data.get("authors") or []
    cover["authors"] = [authors] if isinstance(authors, str) else [str(a) for a in authors]
    return cover


_PAPERMILL_BANNER = (
    "**Se produjo una excepción durante la ejecución.** [Ver la celda con el error](#papermill-error-cell)."
)
_PAPERMILL_ANCHOR = '<span id="papermill-error-cell"></span>**La ejecución se detuvo aquí por una excepción:**'


def prepare(nb, *, show_all_code=False, keep_stderr=False):
    """Return ``(copy of nb as the report shows it, cover dict or None)``.

    Drops cells tagged ``ocultar``, raw cells, empty cells and stderr streams; hides code
    inputs except in cells tagged ``mostrar-codigo`` (all of them with ``show_all_code``);
    takes the first cover output out of the flow (the templates put it first); translates
    papermill's English error banners; right-aligns the numeric columns of tables.
    """
    nb = copy.deepcopy(nb)
    cover, cells = None, []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if HIDE_TAG in tags or cell.cell_type not in ("markdown", "code"):
            continue
        if PAPERMILL_ERROR_TAG in tags:
            cell.source = _PAPERMILL_BANNER if "href=" in cell.source else _PAPERMILL_ANCHOR
        if cell.cell_type == "markdown":
            if cell.source.strip():
                cells.append(cell)
            continue
        show_input = (show_all_code or SHOW_CODE_TAG in tags) and bool(cell.source.strip())
        if not show_input:
            cell.metadata.setdefault("transient", {})["remove_source"] = True
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr" and not keep_stderr:
                continue
            kind = output_kind(output)
            if kind == "cover":
                if cover is None:
                    cover = _clean_cover(output.get("data", {}).get(COVER_MIME, {}))
                continue
            data = output.get("data", {})
            if kind == "table" and "text/markdown" in data:
                data["text/markdown"] = align_numeric_columns(data["text/markdown"])
            if "text/latex" in data and "text/markdown" not in data and not kind:
                data["text/markdown"] = data["text/latex"]  # IPython's Math(): "$$…$$", read as markdown
            outputs.append(output)
        cell.outputs = outputs
        if show_input or outputs:
            cells.append(cell)
    nb.cells = cells
    return nb, cover


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


# ---------------------------------------------------------------- math in markdown

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MATH_ENV = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray)(\*?)\}(.*?)\\end\{\1\2\}", re.S)
_ENV_AS = {"equation": None, "multline": "gathered", "gather": "gathered", "align": "aligned", "eqnarray": "aligned"}
_HEADING_UNNUMBERED = re.compile(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{(?:-|\.unnumbered)\}[ \t]*$", re.M)


def _environment_latex(match):
    """``\\begin{align}…`` outside dollars -> the display-math LaTeX both routes understand."""
    name, body = match.group(1), match.group(3)
    body = re.sub(r"\\(label|tag)\{[^}]*\}|\\nonumber|\\notag", "", body).strip()
    target = _ENV_AS[name]
    return body if target is None else f"\\begin{{{target}}}{body}\\end{{{target}}}"


def _close_inline(text, start):
    """Index of the ``$`` closing inline math opened just before ``start``, or -1 (pandoc's rule)."""
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "\n" and text[i + 1 : i + 2] == "\n":
            return -1
        if char == "$":
            if i > start and not text[i - 1].isspace() and not text[i + 1 : i + 2].isdigit():
                return i
            if i == start:
                return -1
        i += 1
    return -1


def _close_display(text, start):
    """Index of the ``$$`` closing display math opened just before ``start``, or -1 (no blank line)."""
    i, n = start, len(text)
    while i < n - 1:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "$" and text[i + 1] == "$":
            return i
        if text[i] == "\n" and text[i + 1 :].lstrip(" \t").startswith("\n"):
            return -1
        i += 1
    return -1


def _scan_text(text, on_math):
    """Replace the math of a stretch of markdown without fenced code (see ``scan_math``)."""
    out, i, n = [], 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            match = _MATH_ENV.match(text, i)
            if match:
                out.append(on_math(_environment_latex(match), True))
                i = match.end()
                continue
            out.append(text[i : i + 2])
            i += 2
            continue
        if char == "`":
            j = i
            while j < n and text[j] == "`":
                j += 1
            run = text[i:j]
            close = re.compile(rf"(?<!`){run}(?!`)").search(text, j)
            end = close.end() if close else j
            out.append(text[i:end])
            i = end
            continue
        if char == "$":
            if text.startswith("$$", i):
                end = _close_display(text, i + 2)
                if end != -1 and text[i + 2 : end].strip():
                    out.append(on_math(text[i + 2 : end].strip(), True))
                    i = end + 2
                    continue
                out.append("\\$\\$")
                i += 2
                continue
            if i + 1 < n and not text[i + 1].isspace():
                end = _close_inline(text, i + 1)
                if end != -1:
                    out.append(on_math(text[i + 1 : end], False))
                    i = end + 1
                    continue
            out.append("\\$")
            i += 1
            continue
        if char == " " and text[i + 1 : i + 2] == "%" and out and out[-1][-1:].isdigit():
            char = "\u00a0"  # "100 %" never splits across lines
        out.append(char)
        i += 1
    return "".join(out)


def scan_math(markdown, on_math):
    """Return ``markdown`` with each math span replaced by ``on_math(latex, display)``.

    Math: ``$…$`` by pandoc's rule (no space after the opening ``$``, none before the closing
    one, no digit after it), ``$$…$$`` and bare ``\\begin{align}``-like environments (these
    become ``aligned``/``gathered``). Code spans and fenced code blocks are left alone;
    a ``$`` that opens no math comes back escaped (``\\$``), so no later stage pairs it, and
    the space of "100 %" outside code and math comes back non-breaking.
    """
    out, prose, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        if fence is None:
            match = _FENCE_OPEN.match(line)
            if match:
                out.append(_scan_text("".join(prose), on_math))
                prose, fence = [], match.group(1)
                out.append(line)
            else:
                prose.append(line)
            continue
        out.append(line)
        stripped = line.strip()
        if stripped.startswith(fence) and set(stripped) == {fence[0]}:
            fence = None
    out.append(_scan_text("".join(prose), on_math))
    return "".join(out)


# ---------------------------------------------------------------- HTML

_TOKEN = "MATHPH{}X"
_TOKEN_RE = re.compile(r"MATHPH(\d+)X")
# The text right after a math token, up to a space, a tag or another token.
_GLUED_AFTER = re.compile(r"(?:(?!MATHPH\d+X)[^\s<>])*")
_NONUM = "NONUMPHX"
_MATHML_FIXES = (
    (re.compile(r"\\(begin|end)\{aligned\}"), r"\\\1{split}"),
    (re.compile(r"\\begin\{gathered\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{gathered\}"), r"\\end{array}"),
)


_MATHML_FUNCTION = re.compile(
    r"<mi>(log|ln|lg|exp|sin|cos|tan|cot|sec|csc|sinh|cosh|tanh|coth|arcsin|arccos|arctan|det|dim|ker|deg|arg|Pr)</mi>"
)


@functools.lru_cache(maxsize=4096)
def latex_to_mathml(latex, display=False):
    """MathML for one formula (latex2mathml), or a visible TeX fallback if it cannot convert."""
    import latex2mathml.converter

    source = latex
    for pattern, replacement in _MATHML_FIXES:
        source = pattern.sub(replacement, source)
    try:
        mathml = latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many exception types
        print(f"aviso: no se pudo convertir a MathML la fórmula {latex!r}: {error}", file=sys.stderr)
        return f'<code class="tex">{html.escape(latex)}</code>'
    mathml = mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)
    # \\log, \\tanh...: marked so that the CSS gives them TeX's thin spaces (latex2mathml gives none).
    return _MATHML_FUNCTION.sub(r'<mi class="fn">\1</mi>', mathml)


@functools.cache
def _html_exporter_class():
    """The HTML exporter class (built lazily: importing nbconvert takes a moment)."""
    import jinja2
    from nbconvert.exporters import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class InformeHTMLExporter(HTMLExporter):
        """HTMLExporter for the report: Spanish, no prompts, MathML, no external URL."""

        def __init__(self, **kw):
            kw.setdefault("template_name", "informe_html")
            kw.setdefault("extra_template_basedirs", [str(TEMPLATES)])
            super().__init__(**kw)
            self.language_code = "es"
            self.exclude_input_prompt = True
            self.exclude_output_prompt = True
            self.embed_images = True
            self.math, self._base_path = [], "."

        def protect(self, source):
            """Markdown with math replaced by placeholder tokens, remembered in ``self.math``."""

            def on_math(latex, display):
                self.math.append((latex, display))
                return _TOKEN.format(len(self.math) - 1)

            source = _HEADING_UNNUMBERED.sub(rf"\1 {_NONUM}", source)
            return scan_math(source, on_math)

        def markdown_to_html(self, source, context=None):
            """Markdown -> HTML as nbconvert renders it, with math protected."""
            context = context or {}
            renderer = IPythonRenderer(
                escape=False,
                attachments=context.get("cell", {}).get("attachments", {}),
                embed_images=True,
                path=self._base_path,
                anchor_link_text="¶",
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(self.protect(source))

        def default_filters(self):
            yield from super().default_filters()

            @jinja2.pass_context
            def markdown2html(context, source):
                return self.markdown_to_html(source, context)

            def md_inline(source):
                rendered = self.markdown_to_html(source).strip()
                match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S)
                return match.group(1) if match else rendered

            yield ("markdown2html", markdown2html)
            yield ("md_inline", md_inline)
            yield ("alt_text", lambda source: html.escape(re.sub(r"<[^>]+>", "", md_inline(source)).strip()))

        def export(self, nb, base_path, extra):
            """``(html, math)`` of a prepared notebook; math tokens still in place."""
            self.math, self._base_path = [], str(base_path)
            resources = {"metadata": {"name": "informe", "path": str(base_path)}, "nnsimple": extra}
            body, _ = self.from_notebook_node(nb, resources=resources)
            return body, self.math

    return InformeHTMLExporter


@functools.cache
def html_exporter():
    """One HTML exporter per process: building its Jinja environment is the slow part."""
    from traitlets.config import Config

    config = Config()
    # Our own pygments CSS instead (a user's custom.css must not leak into the report).
    config.CSSHTMLHeaderPreprocessor.enabled = False
    return _html_exporter_class()(config=config)


def _pygments_css():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">¶</a>')
TOC_MARKER = "<!-- nnsimple:indice -->"
# Short code in the text (a code span of one line, up to 24 characters): never split.
_SHORT_CODE = re.compile(r"<code>([^<\n]{1,24})</code>")


def _number_headings(document, toc_depth=2, number_depth=3):
    """Number the headings ("1.", "1.2.") like the PDF does; return the document and the TOC."""
    counters, entries, seen = [0] * 6, [], set()

    def number(match):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        numbered = _NONUM not in inner
        inner = inner.replace(f" {_NONUM}", "").replace(_NONUM, "").strip()
        anchor = anchor.replace(f"-{_NONUM}", "").replace(_NONUM, "")
        unique, n = anchor, 1
        while unique in seen:  # two headings with the same text: the index must reach both
            n += 1
            unique = f"{anchor}-{n}"
        seen.add(unique)
        anchor = unique
        label = ""
        if numbered and level <= number_depth:
            counters[level - 1] += 1
            counters[level:] = [0] * (6 - level)
            label = ".".join(str(c) for c in counters[:level]) + "."
        if level <= toc_depth:
            entries.append((level, anchor, label, inner))
        secnum = f'<span class="secnum">{label}</span> ' if label else ""
        return f'<h{level} id="{anchor}">{secnum}{inner}</h{level}>'

    return _HEADING.sub(number, document), entries


def _toc_html(entries):
    """A nested ``<ol>`` of links to the headings, under an "Índice" heading."""
    if not entries:
        return ""
    top = min(level for level, *_ in entries)
    parts, depth = ['<nav class="indice" aria-labelledby="indice-titulo">', '<h2 id="indice-titulo">Índice</h2>'], 0
    for level, anchor, label, inner in entries:
        want = level - top + 1
        if want > depth:
            parts.append("<ol>" * (want - depth))
        else:
            parts.append("</li>" + "</ol></li>" * (depth - want))
        depth = want
        text = re.sub(r"</?a\b[^>]*>", "", inner)
        number = f'<span class="secnum">{label}</span> ' if label else ""
        parts.append(f'<li><a href="#{anchor}">{number}{text}</a>')
    parts.append("</li>" + "</ol></li>" * (depth - 1) + "</ol></nav>")
    return "".join(parts)


def _substitute_math(document, math):
    """Put MathML where the tokens are (text) and the TeX source in attribute values."""

    def in_tag(match):  # a token inside a tag is in an attribute value (alt, id, href)
        return _TOKEN_RE.sub(lambda m: html.escape(math[int(m.group(1))][0]), match.group(0))

    document = re.sub(r"<[^<>]*MATHPH\d+X[^<>]*>", in_tag, document)
    # Inline math and the text touching it ("(", ")," ...) in a nowrap span: never split there.
    out, position = [], 0
    for match in _TOKEN_RE.finditer(document):
        start, end = match.span()
        latex, display = math[int(match.group(1))]
        mathml = latex_to_mathml(latex, display)
        before = start
        while before > position and document[before - 1] not in " \t\n<>":
            before -= 1
        after = _GLUED_AFTER.match(document, end).end()
        out.append(document[position:before])
        if display or (before == start and after == end):
            out.append(document[before:start] + mathml + document[end:after])
        else:
            out.append(f'<span class="junto">{document[before:start]}{mathml}{document[end:after]}</span>')
        position = after
    out.append(document[position:])
    document = "".join(out)
    # Display math alone in a paragraph: a block of its own.
    return re.sub(
        r'<p>\s*(<math display="block">.*?</math>)\s*</p>', r'<div class="ecuacion">\1</div>', document, flags=re.S
    )


def notebook_to_html(nb, base_path=".", *, show_all_code=False, keep_stderr=False):
    """The report's HTML document (a string) for a notebook node."""
    prepared, cover = prepare(nb, show_all_code=show_all_code, keep_stderr=keep_stderr)
    title = (cover or {}).get("title") or prepared.metadata.get("title") or "Informe"
    extra = {"cover": cover, "title": title, "pygments_css": _pygments_css(), "toc_marker": TOC_MARKER}
    document, math = html_exporter().export(prepared, base_path, extra)
    document = _ANCHOR_LINK.sub("", document)
    document = _SHORT_CODE.sub(r'<code class="junto">\1</code>', document)
    # nbconvert's own text for an <img> without alt, in English.
    document = document.replace('alt="No description has been provided for this image"', 'alt="Imagen sin descripción"')
    document, entries = _number_headings(document)
    document = document.replace(TOC_MARKER, _toc_html(entries), 1)
    return _substitute_math(document, math)


def render_html(nb, path, *, show_all_code=False, keep_stderr=False, base_path=None):
    """Render a notebook (node or path) to a self-contained HTML file at ``path``, atomically.

    ``show_all_code``/``keep_stderr``: the executed-notebook pages of the runs show both.
    ``base_path``: the folder relative image links start from (default: the notebook's).
    """
    node, folder = load_notebook(nb)
    base_path = base_path or folder
    try:
        document = notebook_to_html(node, base_path, show_all_code=show_all_code, keep_stderr=keep_stderr)
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"No se pudo generar el HTML: {type(error).__name__}: {error}") from error
    write_atomic(path, document.encode("utf-8"))
    return Path(path)


# ---------------------------------------------------------------- Typst and PDF

_SEPARATOR = "nnsimple-pieza"
# A table with more body rows than this may break across pages (its header repeated); a
# shorter one is kept whole with its title, on the next page if it does not fit.
LONG_TABLE_ROWS = 15


def typst_string(value):
    """A Typst string literal holding ``value`` exactly (safe to inject anywhere in code)."""
    out = []
    for char in str(value):
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


_TYPST_MARKUP_SPECIAL = re.compile(r"([\\#$*_@<>\[\]`~=/+\-'\"])")


def typst_escape(text):
    """Plain text made safe as Typst *markup* (every special character backslash-escaped)."""
    return _TYPST_MARKUP_SPECIAL.sub(r"\\\1", str(text))


def markdown_for_pandoc(markdown):
    """Markdown as pandoc's ``commonmark_x`` reads it the way Jupyter does (math, ``{-}``)."""
    markdown = re.sub(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{-\}[ \t]*$", r"\1 {.unnumbered}", markdown, flags=re.M)

    def on_math(latex, display):
        return f"$${latex}$$" if display else f"${latex}$"

    return scan_math(markdown, on_math)


@functools.cache
def pandoc_path():
    """The pandoc binary shipped by pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def markdown_to_typst(pieces):
    """Convert many markdown strings to Typst markup with ONE pandoc process; returns a dict."""
    unique = list(dict.fromkeys(pieces))
    if not unique:
        return {}
    document = "".join(f"{piece}\n\n```{{=typst}}\n// {_SEPARATOR} {i}\n```\n\n" for i, piece in enumerate(unique))
    command = [pandoc_path(), "--from=commonmark_x", "--to=typst", "--wrap=none"]
    try:
        result = subprocess.run(command, input=document.encode("utf-8"), capture_output=True, check=False)
    except OSError as error:
        raise RenderError(f"No se pudo ejecutar pandoc ({command[0]}): {error}") from error
    if result.returncode != 0:
        raise RenderError(f"pandoc no pudo convertir el markdown a Typst: {result.stderr.decode(errors='replace')}")
    parts = re.split(rf"^// {_SEPARATOR} (\d+)\n?", result.stdout.decode("utf-8"), flags=re.M)
    numbers = parts[1::2]
    if numbers != [str(i) for i in range(len(unique))]:
        broken = unique[int(numbers[-1]) + 1 if numbers else 0]
        raise RenderError(
            "No se pudo separar el markdown convertido por pandoc: ¿un bloque de código sin cerrar? "
            f"Revise este texto: {broken[:200]!r}"
        )
    return {piece: typst.strip() for piece, typst in zip(unique, parts[0::2], strict=False)}


# Symbols pandoc 3.9 writes that typst 0.15 renamed (found by compiling every common LaTeX command).
_TYPST_SYMBOLS = (
    (re.compile(r"\b(dot|times|minus|plus)\.circle\b"), r"\1.o"),
    (re.compile(r"(?<![\w.\"])sect\b"), "inter"),
)
_TYPST_MATH = re.compile(r"(?<!\\)\$.*?(?<!\\)\$", re.S)


def _fix_typst_math(typst):
    """Rename the symbols of ``_TYPST_SYMBOLS`` inside the math of pandoc's output."""

    def fix(match):
        math = match.group(0)
        for pattern, replacement in _TYPST_SYMBOLS:
            math = pattern.sub(replacement, math)
        return math

    return _TYPST_MATH.sub(fix, typst)


_TYPST_LINK_LABEL = re.compile(r"#link\(<([^>]+)>\)")
_TYPST_LABEL = re.compile(r"^<([^>\n]+)>$", re.M)
_TYPST_IMAGE = re.compile(r'image\("((?:[^"\\]|\\.)*)"')


def _fix_typst_pieces(converted, base_path, image_dir):
    """Make pandoc's Typst compile on its own: no dangling label links, images copied locally."""
    labels = set()
    for typst in converted.values():
        labels.update(_TYPST_LABEL.findall(typst))
    copied = {}

    def link(match):
        label = match.group(1)
        return match.group(0) if label in labels else f"#link({typst_string('#' + label)})"

    def image(match):
        source = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
        if source not in copied:
            found = (Path(base_path) / source) if "://" not in source and not source.startswith("attachment:") else None
            if found is not None and found.is_file():
                name = f"md-{len(copied):03d}{found.suffix.lower()}"
                shutil.copyfile(found, Path(image_dir) / name)
                copied[source] = name
            else:
                copied[source] = None
        if copied[source] is None:
            print(f"aviso: imagen no disponible para el PDF: {source}", file=sys.stderr)
            return f"nns-sin-imagen({typst_string(source)}"
        return f'image("{copied[source]}"'

    return {
        key: _fix_typst_math(_TYPST_IMAGE.sub(image, _TYPST_LINK_LABEL.sub(link, value)))
        for key, value in converted.items()
    }


_IMAGE_TYPES = (("image/svg+xml", ".svg"), ("image/png", ".png"), ("image/jpeg", ".jpg"))


def _write_images(nb, image_dir):
    """Write every image output to ``image_dir``; record its name in ``output.metadata.filenames``."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime, suffix in _IMAGE_TYPES:
                if mime not in data:
                    continue
                count += 1
                name = f"img-{count:03d}{suffix}"
                content = data[mime]
                if mime == "image/svg+xml":
                    raw = (content if isinstance(content, str) else "".join(content)).encode("utf-8")
                else:
                    raw = base64.b64decode(content)
                (Path(image_dir) / name).write_bytes(raw)
                output.setdefault("metadata", {}).setdefault("filenames", {})[mime] = name
                break


def _collect_markdown(nb):
    """Normalise in place, and list, every markdown string the Typst template converts."""
    pieces = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown_for_pandoc(cell.source)
            pieces.append(cell.source)
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = markdown_for_pandoc(data["text/markdown"])
                pieces.append(data["text/markdown"])
            meta = output.get("metadata", {}).get("nnsimple", {})
            for key in ("caption", "title"):
                if meta.get(key):
                    meta[key] = markdown_for_pandoc(meta[key])
                    pieces.append(meta[key])
    return pieces


@functools.cache
def typst_exporter():
    """One Typst exporter per process."""
    from nbconvert.exporters import TemplateExporter
    from traitlets.config import Config

    class InformeTypstExporter(TemplateExporter):
        """TemplateExporter writing the report as Typst source."""

        output_mimetype = "text/x-typst"

        def _file_extension_default(self):
            return ".typ"

        def __init__(self, **kw):
            kw.setdefault("template_name", "informe_typst")
            kw.setdefault("extra_template_basedirs", [str(TEMPLATES)])
            super().__init__(**kw)
            self.exclude_input_prompt = True
            self.exclude_output_prompt = True
            self.typst_markdown = {}

        def default_filters(self):
            yield from super().default_filters()

            def md2typst(source):
                try:
                    return self.typst_markdown[source]
                except KeyError:
                    raise RenderError(f"Markdown sin convertir a Typst: {source[:80]!r}") from None

            yield ("md2typst", md2typst)
            yield ("table_rows", table_rows)
            yield ("typst_str", typst_string)
            yield ("typst_escape", typst_escape)

    config = Config()
    config.NbConvertBase.display_data_priority = [
        "image/svg+xml",
        "image/png",
        "image/jpeg",
        "text/markdown",
        "text/plain",
    ]
    return InformeTypstExporter(config=config)


def notebook_to_typst(nb, image_dir, base_path="."):
    """Typst source of the report; images are written to ``image_dir`` (the compile root)."""
    prepared, cover = prepare(nb)
    _write_images(prepared, image_dir)
    converted = markdown_to_typst(_collect_markdown(prepared))
    exporter = typst_exporter()
    exporter.typst_markdown = _fix_typst_pieces(converted, base_path, image_dir)
    title = (cover or {}).get("title") or prepared.metadata.get("title") or "Informe"
    extra = {
        "cover": cover,
        "title": title,
        "authors": (cover or {}).get("authors", []),
        "long_table_rows": LONG_TABLE_ROWS,
    }
    resources = {"metadata": {"name": "informe", "path": str(base_path)}, "nnsimple": extra}
    source, _ = exporter.from_notebook_node(prepared, resources=resources)
    return source


def _typst_error_message(error):
    """A Spanish message around Typst's own diagnostic."""
    detail = getattr(error, "diagnostic", "") or getattr(error, "message", "") or str(error)
    hints = getattr(error, "hints", None) or []
    text = f"Typst no pudo compilar el PDF: {detail.strip()}"
    if hints:
        text += "\n" + "\n".join(f"  sugerencia: {hint}" for hint in hints)
    return text


def compile_typst(source, root):
    """PDF bytes of a Typst source whose files live in ``root``; only the fonts of the typst wheel."""
    import typst

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return typst.compile(
            source.encode("utf-8"),
            root=str(root),
            ignore_system_fonts=True,
            timestamp=int(epoch) if epoch and epoch.isdigit() else None,
        )
    except typst.TypstError as error:
        raise RenderError(_typst_error_message(error)) from error


def render_pdf(nb, path, *, keep_typst=None, base_path=None):
    """Render a notebook (node or path) to a PDF at ``path``, atomically.

    ``keep_typst``: a path where to also save the Typst source (for debugging), or None.
    ``base_path``: the folder relative image links start from (default: the notebook's).
    """
    node, folder = load_notebook(nb)
    base_path = base_path or folder
    with tempfile.TemporaryDirectory(prefix="nnsimple-typst-") as folder:
        try:
            source = notebook_to_typst(node, folder, base_path)
        except RenderError:
            raise
        except Exception as error:
            raise RenderError(f"No se pudo generar el Typst del PDF: {type(error).__name__}: {error}") from error
        if keep_typst:
            write_atomic(keep_typst, source.encode("utf-8"))
        pdf = compile_typst(source, folder)
    write_atomic(path, pdf)
    return Path(path)


# ---------------------------------------------------------------- files


def write_atomic(path, data):
    """``files.write_atomic``, with a failure reported as a ``RenderError`` that names the path."""
    try:
        files.write_atomic(path, data)
    except OSError as error:
        raise RenderError(f"No se pudo escribir {path}: {error.strerror or error}") from error


def render(nb_path, html=None, pdf=None):
    """Render one notebook to HTML and/or PDF, reading it once; returns the seconds each took.

    Both are attempted; if either fails, a RenderError with every message is raised after.
    """
    node, base_path = load_notebook(nb_path)
    timings, errors = {}, []
    for kind, target, function in (("html", html, render_html), ("pdf", pdf, render_pdf)):
        if target is None:
            continue
        start = time.perf_counter()
        try:
            function(node, target, base_path=base_path)
        except RenderError as error:
            errors.append(f"{kind.upper()}: {error}")
            continue
        timings[kind] = time.perf_counter() - start
    if errors:
        raise RenderError("\n".join(errors))
    return timings


def _renderer_mtime():
    """Newest modification time of the rendering code and the HTML template: a run page older is stale."""
    from nnsimple_lab import deps

    code = deps.module_dependencies(["nnsimple_lab.render"], TEMPLATES.parent)
    files = [*code, *(TEMPLATES / "informe_html").rglob("*")]
    return max(path.stat().st_mtime for path in files if path.is_file())


def render_runs(folder):
    """Render every ``*.ipynb`` in ``folder`` (failed runs too) to ``<name>.html``, all code shown.

    A page newer than its notebook (and than the renderer) is left alone. Returns the pages written.
    """
    written, errors = [], []
    renderer = _renderer_mtime()
    for notebook in sorted(Path(folder).glob("*.ipynb")):
        if notebook.name.startswith("."):
            continue
        page = notebook.with_suffix(".html")
        if page.exists() and page.stat().st_mtime > max(notebook.stat().st_mtime, renderer):
            continue
        try:
            node, base_path = load_notebook(notebook)
            node.metadata.setdefault("title", f"Cuaderno ejecutado: {notebook.stem}")
            render_html(node, page, show_all_code=True, keep_stderr=True, base_path=base_path)
        except RenderError as error:
            errors.append(f"{notebook.name}: {error}")
            continue
        written.append(page)
    if errors:
        raise RenderError("No se pudieron generar algunas páginas de ejecuciones:\n" + "\n".join(errors))
    return written


# ---------------------------------------------------------------- command line


def main(argv=None):
    """Command line: ``python render.py NOTEBOOK [--html OUT] [--pdf OUT] [--runs-html]``."""
    cli.skip_slow_imports()
    parser = cli.parser(
        "python -m nnsimple_lab.render",
        "Genera el informe HTML (sin conexión, MathML) y PDF (Typst) de un cuaderno ejecutado.\n"
        "Sin --html ni --pdf escribe ambos junto al cuaderno (mismo nombre, .html y .pdf).",
    )
    parser.add_argument("notebook", metavar="CUADERNO", help="cuaderno ejecutado (.ipynb)")
    parser.add_argument("--html", metavar="SALIDA.html", help="escribe el informe HTML en esta ruta")
    parser.add_argument("--pdf", metavar="SALIDA.pdf", help="escribe el informe PDF en esta ruta")
    parser.add_argument(
        "--runs-html",
        action="store_true",
        help="también genera runs/<id>.html (todo el código visible) junto al cuaderno",
    )
    args = parser.parse_args(argv)

    notebook = Path(args.notebook)
    html_path, pdf_path = args.html, args.pdf
    if html_path is None and pdf_path is None:
        html_path, pdf_path = notebook.with_suffix(".html"), notebook.with_suffix(".pdf")
    status = 0
    try:
        start = time.perf_counter()
        timings = render(notebook, html=html_path, pdf=pdf_path)
        for kind, target in (("html", html_path), ("pdf", pdf_path)):
            if kind in timings:
                print(f"{kind.upper()} escrito: {target} ({timings[kind]:.2f} s)")
        if args.runs_html:
            pages = render_runs(notebook.parent / "runs")
            print(f"Páginas de ejecuciones: {len(pages)} nuevas o actualizadas en {notebook.parent / 'runs'}")
        print(f"Listo en {time.perf_counter() - start:.2f} s.")
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
