"""The PDF format: Typst source from an nbconvert template, compiled with the ``typst`` wheel.

An nbconvert ``TemplateExporter`` writes Typst with ``templates/informe_typst``. All markdown
(cells, outputs, captions) goes through pandoc's typst writer in a single call, before the
template runs; the template's ``md2typst`` filter looks each piece up. Images are written next
to the source, in a temporary folder that is the compile root; only the typst wheel's fonts
are used, so the PDF is the same on every machine.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import jinja2
from nbconvert.exporters import TemplateExporter
from traitlets import default
from traitlets.config import Config

from nnsimple_lab.render import formats, math, prepare
from nnsimple_lab.render.errors import RenderError, write_atomic

FORMAT = formats.FORMATS["pdf"]
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


# ---------------------------------------------------------------- markdown through pandoc

_SEPARATOR = "nnsimple-pieza"


def markdown_for_pandoc(markdown):
    """Markdown as pandoc's ``commonmark_x`` reads it the way Jupyter does (math, ``{-}``)."""
    markdown = re.sub(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{-\}[ \t]*$", r"\1 {.unnumbered}", markdown, flags=re.M)

    def on_math(latex, display):
        return f"$${latex}$$" if display else f"${latex}$"

    return math.scan_math(markdown, on_math)


@functools.cache
def pandoc_path():
    """The pandoc binary shipped by pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def markdown_to_typst(pieces):
    """``{markdown: Typst markup}`` for many markdown strings, converted by ONE pandoc process."""
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
_TYPST_LINK_LABEL = re.compile(r"#link\(<([^>]+)>\)")
_TYPST_LABEL = re.compile(r"^<([^>\n]+)>$", re.M)
_TYPST_IMAGE = re.compile(r'image\("((?:[^"\\]|\\.)*)"')


def _fix_typst_math(typst):
    """Rename the symbols of ``_TYPST_SYMBOLS`` inside the math of pandoc's output."""

    def fix(match):
        formula = match.group(0)
        for pattern, replacement in _TYPST_SYMBOLS:
            formula = pattern.sub(replacement, formula)
        return formula

    return _TYPST_MATH.sub(fix, typst)


def _local_image(source, base_path, image_dir, copied):
    """The name under ``image_dir`` of the markdown image ``source`` (copied there), or None."""
    if source not in copied:
        local = "://" not in source and not source.startswith("attachment:")
        found = Path(base_path) / source if local else None
        name = None
        if found is not None and found.is_file():
            name = f"md-{len(copied):03d}{found.suffix.lower()}"
            shutil.copyfile(found, Path(image_dir) / name)
        copied[source] = name
    return copied[source]


def fix_typst_pieces(converted, base_path, image_dir):
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
        name = _local_image(source, base_path, image_dir, copied)
        if name is None:
            print(f"aviso: imagen no disponible para el PDF: {source}", file=sys.stderr)
            return f"nns-sin-imagen({typst_string(source)}"
        return f'image("{name}"'

    return {
        key: _fix_typst_math(_TYPST_IMAGE.sub(image, _TYPST_LINK_LABEL.sub(link, value)))
        for key, value in converted.items()
    }


# ---------------------------------------------------------------- the exporter

_IMAGE_TYPES = (("image/svg+xml", ".svg"), ("image/png", ".png"), ("image/jpeg", ".jpg"))


def write_images(nb, image_dir):
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


def collect_markdown(nb):
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


@jinja2.pass_context
def md2typst(context, source):
    """The Typst of a markdown piece, converted before the template ran (``resources.nnsimple``)."""
    try:
        return context["resources"]["nnsimple"]["typst_markdown"][source]
    except KeyError:
        raise RenderError(f"Markdown sin convertir a Typst: {source[:80]!r}") from None


class ReportTypstExporter(TemplateExporter):
    """TemplateExporter writing the report as Typst source.

    Per document, ``resources["nnsimple"]`` holds what the template shows (cover, title,
    authors, ``long_table_rows``) and ``typst_markdown``, pandoc's Typst of every markdown piece.
    """

    output_mimetype = "text/x-typst"

    @default("file_extension")
    def _default_file_extension(self):
        return ".typ"

    @default("template_name")
    def _default_template_name(self):
        return FORMAT.templates[0]

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(formats.ROOT / formats.TEMPLATES)]

    @default("exclude_input_prompt")
    def _default_exclude_input_prompt(self):
        return True

    @default("exclude_output_prompt")
    def _default_exclude_output_prompt(self):
        return True

    def default_filters(self):
        yield from super().default_filters()
        yield ("md2typst", md2typst)
        yield ("table_rows", prepare.table_rows)
        yield ("typst_str", typst_string)
        yield ("typst_escape", typst_escape)


@functools.cache
def exporter():
    """The exporter, one per process."""
    config = Config()
    config.NbConvertBase.display_data_priority = [
        "image/svg+xml",
        "image/png",
        "image/jpeg",
        "text/markdown",
        "text/plain",
    ]
    return ReportTypstExporter(config=config)


def notebook_to_typst(nb, image_dir, base_path="."):
    """Typst source of the report; images are written to ``image_dir`` (the compile root)."""
    prepared, cover = prepare.prepare(nb)
    write_images(prepared, image_dir)
    converted = markdown_to_typst(collect_markdown(prepared))
    title = (cover or {}).get("title") or prepared.metadata.get("title") or "Informe"
    extra = {
        "cover": cover,
        "title": title,
        "authors": (cover or {}).get("authors", []),
        "long_table_rows": LONG_TABLE_ROWS,
        "typst_markdown": fix_typst_pieces(converted, base_path, image_dir),
    }
    resources = {"metadata": {"name": "informe", "path": str(base_path)}, "nnsimple": extra}
    source, _ = exporter().from_notebook_node(prepared, resources=resources)
    return source


# ---------------------------------------------------------------- compiling


def _typst_error_message(error):
    """A Spanish message around Typst's own diagnostic."""
    detail = getattr(error, "diagnostic", "") or getattr(error, "message", "") or str(error)
    hints = getattr(error, "hints", None) or []
    text = f"Typst no pudo compilar el PDF: {detail.strip()}"
    if hints:
        text += "\n" + "\n".join(f"  sugerencia: {hint}" for hint in hints)
    return text


def compile_pdf(source, root):
    """PDF bytes of a Typst source whose files live in ``root``; only the fonts of the typst wheel.

    ``SOURCE_DATE_EPOCH`` (seconds), if set, is the PDF's creation date: the same bytes every time.
    """
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


def missing_glyphs(text):
    """The characters of ``text`` that none of the PDF's fonts (the typst wheel's) can show.

    Typst sets them as blanks without a word; they are found by compiling each distinct
    non-ASCII character once, in a tiny probe, and reading it back from the PDF's text.
    """
    import io

    from pypdf import PdfReader

    chars = sorted({c for c in text if ord(c) > 0x7E and not c.isspace() and unicodedata.category(c)[0] not in "CZ"})
    if not chars:
        return []
    lines = "\n".join(f"{ord(c)}:#str.from-unicode({ord(c)})|\\" for c in chars)
    probe = compile_pdf(f"#set page(width: auto, height: auto, margin: 2pt)\n{lines}\n", tempfile.gettempdir())
    shown = dict(re.findall(r"(\d+):([^|\n]*)\|", PdfReader(io.BytesIO(probe)).pages[0].extract_text()))
    return [c for c in chars if shown.get(str(ord(c))) != c]


def warn_missing_glyphs(source):
    """Name on stderr the characters of a Typst ``source`` that the PDF cannot show (none: silent)."""
    missing = missing_glyphs(source)
    if missing:
        named = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:12]) + (", …" if len(missing) > 12 else "")
        print(
            f"Aviso: el PDF no puede mostrar {len(missing)} {'carácter' if len(missing) == 1 else 'caracteres'}: "
            f"sus fuentes no los tienen y quedan en blanco: {named}. El HTML sí los muestra; para el PDF, "
            "cámbielos (en lab.toml, si están en la portada).",
            file=sys.stderr,
        )
    return missing


def write(nb, path, *, base_path=None):
    """Render a notebook (node or path) to a PDF at ``path``, atomically.

    ``base_path``: the folder relative image links start from (default: the notebook's).
    """
    node, folder = prepare.load_notebook(nb)
    base_path = base_path or folder
    with tempfile.TemporaryDirectory(prefix="nnsimple-typst-") as root:
        try:
            source = notebook_to_typst(node, root, base_path)
        except RenderError:
            raise
        except Exception as error:
            raise RenderError(f"No se pudo generar el Typst del PDF: {type(error).__name__}: {error}") from error
        pdf = compile_pdf(source, root)
    warn_missing_glyphs(source)
    write_atomic(path, pdf)
    return Path(path)
