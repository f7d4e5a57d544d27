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
import sys
import tempfile
import unicodedata
from pathlib import Path

import jinja2
from nbconvert.exporters import TemplateExporter
from traitlets import default
from traitlets.config import Config

from nnsimple_lab.render import formats, prepare, typst_markup
from nnsimple_lab.render.errors import RenderError, write_atomic

FORMAT = formats.FORMATS["pdf"]
# A table with more body rows than this may break across pages (its header repeated); a
# shorter one is kept whole with its title, on the next page if it does not fit.
LONG_TABLE_ROWS = 15


# Strings from the notebook enter Typst only through these (re-exported for the template's filters).
typst_string = typst_markup.typst_string
typst_escape = typst_markup.typst_escape
# The PDF is tagged and checked by Typst against these standards: PDF/UA-1 (accessible: alt text
# on every image and equation, a title, tables well formed) and PDF/A-3a (archival, tagged; the
# "3" allows attached files, the run pages of the annex).
PDF_STANDARDS = ("ua-1", "a-3a")


# ---------------------------------------------------------------- the exporter

_IMAGE_TYPES = (("image/svg+xml", ".svg"), ("image/png", ".png"), ("image/jpeg", ".jpg"))


def image_alt(output, number):
    """The alt text of image output ``number`` (``outputs.show_figure``'s ``alt``): PDF/UA-1 needs one.

    Raises a Spanish RenderError naming the figure (its caption) when there is none.
    """
    meta = output.get("metadata", {}).get("nnsimple", {})
    alt = meta.get("alt")
    if isinstance(alt, str) and alt.strip():
        return alt.strip()
    where = meta.get("caption") or f"la imagen {number} del cuaderno (una salida sin pie de figura)"
    raise RenderError(
        f"Falta el texto alternativo de {where!r}: el PDF accesible (PDF/UA-1) lo exige para cada imagen. "
        "Muestre la figura con outputs.show_figure(fig, pie, alt=...) y un texto que diga qué muestra, con sus cifras."
    )


def write_images(nb, image_dir):
    """Write every image output to ``image_dir``; record its name in ``output.metadata.filenames``
    and its alt text (``image_alt``) in ``output.metadata.nnsimple.alt``."""
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime, suffix in _IMAGE_TYPES:
                if mime not in data:
                    continue
                count += 1
                output.setdefault("metadata", {}).setdefault("nnsimple", {})["alt"] = image_alt(output, count)
                name = f"img-{count:03d}{suffix}"
                content = data[mime]
                if mime == "image/svg+xml":
                    raw = (content if isinstance(content, str) else "".join(content)).encode("utf-8")
                else:
                    raw = base64.b64decode(content)
                (Path(image_dir) / name).write_bytes(raw)
                output.setdefault("metadata", {}).setdefault("filenames", {})[mime] = name
                break


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
    authors, ``long_table_rows``, ``attachments``: the files attached to the PDF) and
    ``typst_markdown``, the Typst of every markdown piece (``typst_markup.convert``).
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
    config.Exporter.optimistic_validation = True  # one validation after the preprocessors, not one after each
    config.NbConvertBase.display_data_priority = [
        "image/svg+xml",
        "image/png",
        "image/jpeg",
        "text/markdown",
        "text/plain",
    ]
    return formats.cached_templates(ReportTypstExporter(config=config))


def notebook_to_typst(nb, image_dir, base_path="."):
    """Typst source of the report; images and attached files are written to ``image_dir`` (the compile root)."""
    prepared, cover = prepare.prepare(nb)
    write_images(prepared, image_dir)
    converted, attachments = typst_markup.convert(
        prepared, base_path, image_dir, targets=prepare.number_items(prepared)
    )
    title = (cover or {}).get("title") or prepared.metadata.get("title") or "Informe"
    extra = {
        "cover": cover,
        "title": title,
        "authors": (cover or {}).get("authors", []),
        "long_table_rows": LONG_TABLE_ROWS,
        "typst_markdown": converted,
        "attachments": sorted(attachments.values()),
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
    if "missing alt text" in detail:
        text += "\n  Falta el texto alternativo de una imagen o fórmula (PDF/UA-1): en markdown, ![texto](imagen)."
    if hints:
        text += "\n" + "\n".join(f"  sugerencia: {hint}" for hint in hints)
    return text


class GlyphsMissing(RenderError):
    """Typst refused the PDF: its ``standards`` forbid a text that none of its fonts can show."""


# How Typst says so (a PDF/A or PDF/UA error, for each such text).
_GLYPHS_MISSING = "could not be displayed with font"


def compile_pdf(source, root, standards=PDF_STANDARDS):
    """PDF bytes of a Typst source whose files live in ``root``; only the fonts of the typst wheel.

    ``SOURCE_DATE_EPOCH`` (seconds), if set, is the PDF's creation date: the same bytes every time.
    The PDF must pass ``standards``: Typst refuses to write one that does not (``GlyphsMissing``
    when it has a text its fonts cannot show, a ``RenderError`` for anything else).
    """
    import typst

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    try:
        return typst.compile(
            source.encode("utf-8"),
            root=str(root),
            ignore_system_fonts=True,
            pdf_standards=list(standards),
            timestamp=int(epoch) if epoch and epoch.isdigit() else None,
        )
    except typst.TypstError as error:
        refused = GlyphsMissing if _GLYPHS_MISSING in str(getattr(error, "message", "") or error) else RenderError
        raise refused(_typst_error_message(error)) from error


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
    # Without the standards: PDF/A refuses a glyph its fonts lack, and the probe is there to find them.
    probe = compile_pdf(f"#set page(width: auto, height: auto, margin: 2pt)\n{lines}\n", tempfile.gettempdir(), ())
    shown = dict(re.findall(r"(\d+):([^|\n]*)\|", PdfReader(io.BytesIO(probe)).pages[0].extract_text()))
    return [c for c in chars if shown.get(str(ord(c))) != c]


def warn_missing_glyphs(source):
    """Name on stderr the characters of a Typst ``source`` that the PDF cannot show (none: silent)."""
    missing = missing_glyphs(source)
    if missing:
        named = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:12]) + (", …" if len(missing) > 12 else "")
        print(
            f"Aviso: el PDF no puede mostrar {len(missing)} {'carácter' if len(missing) == 1 else 'caracteres'}: "
            f"sus fuentes no los tienen y en el PDF quedan como «?»: {named}. El HTML sí los muestra; para el PDF, "
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
        try:
            pdf = compile_pdf(source, root)
        except GlyphsMissing:  # which characters, found (and named) only then: ~0.1 s of a core
            for char in warn_missing_glyphs(source):  # a visible stand-in instead, which PDF/A accepts
                source = source.replace(char, "?")
            pdf = compile_pdf(source, root)
    write_atomic(path, pdf)
    return Path(path)
