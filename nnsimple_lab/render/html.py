"""The HTML format: one self-contained page, offline, with MathML; numbered headings and an index.

An nbconvert ``HTMLExporter`` with ``templates/informe_html`` (extends ``lab``), images
embedded, no external URL at all. nbconvert renders the markdown with every formula replaced
by a token (``math.protect``) and every citation already formatted (``cite``, the same
citeproc call as the PDF's); after it, the headings are numbered as in the PDF, the index goes
where the template left its marker, and MathML goes where the tokens are. Every figure's
``alt`` is its own text alternative (``outputs.show_figure(…, alt=…)``), never its caption
unless it has none; the code's colours are darkened where they would not reach WCAG's 4.5:1.

Speed (the pages of the runs share their code): each code cell's highlighted HTML goes into the
page as a token (``code_block``), and is put back after nbconvert's BeautifulSoup pass already
in the form that pass gives it, worked out once per distinct code (``normalized_code``): the
same bytes, without pygments and the HTML parser going over the same code on every page.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import jinja2
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import default
from traitlets.config import Config

from nnsimple_lab.render import cite, formats, math, prepare, webfont
from nnsimple_lab.render.errors import RenderError, write_atomic

FORMAT = formats.FORMATS["html"]
TOC_MARKER = "<!-- nnsimple:indice -->"
# Put in the text of a heading marked {-} (not numbered) before nbconvert makes its id of it.
_NONUM = "NONUMPHX"
_HEADING_UNNUMBERED = re.compile(r"^( {0,3}#{1,6}[ \t].*?)[ \t]+\{(?:-|\.unnumbered)\}[ \t]*$", re.M)
_HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="[^"]*">¶</a>')
# Short code in the text (a code span of one line, up to 24 characters): never split.
_SHORT_CODE = re.compile(r"<code>([^<\n]{1,24})</code>")
# What nbconvert's HTMLExporter writes (in English) as the alt of an <img> without one.
NBCONVERT_ALT = "No description has been provided for this image"
NBCONVERT_MISSING_ALT = f'alt="{NBCONVERT_ALT}"'
_SPACES = " \t\n\r\f"  # what BeautifulSoup counts as whitespace between elements (ASCII)
_CODE_TAG = "nnsimple-codigo"  # stands for a code cell's highlighted HTML until ``restore_code``
_CODE_PLACEHOLDER = re.compile(rf"<{_CODE_TAG}>(\d+)</{_CODE_TAG}>")
# Markdown that shows an image (a file's bytes embedded in the page): converted every time.
_IMAGE = re.compile(r"!\[|<img\b", re.I)
_MARKDOWN_KEPT = 4096  # markdown conversions kept per process (then forgotten, all at once)


class ReportHTMLExporter(HTMLExporter):
    """HTMLExporter for the report: Spanish, no prompts, MathML, no external URL.

    Per document, ``resources["nnsimple"]`` holds what the template shows (cover, title, CSS,
    the index marker) and ``math``, the list the markdown filters fill with the formulas whose
    tokens they leave; the exporter itself keeps no state between documents.
    """

    @default("template_name")
    def _default_template_name(self):
        return FORMAT.templates[0]

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(formats.ROOT / formats.TEMPLATES)]

    @default("language_code")
    def _default_language_code(self):
        return "es"

    @default("exclude_input_prompt")
    def _default_exclude_input_prompt(self):
        return True

    @default("exclude_output_prompt")
    def _default_exclude_output_prompt(self):
        return True

    @default("embed_images")
    def _default_embed_images(self):
        return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._markdown_seen = {}  # (markdown with its tokens, images' folder) -> nbconvert's HTML

    # HTMLExporter.default_filters registers this method as the "markdown2html" filter; nbconvert's
    # own reads the images' folder from resources["metadata"]["path"]. If either changes, the
    # math tests of tests/test_render_html.py fail (no MathML, tokens left).
    @jinja2.pass_context
    def markdown2html(self, context, source):
        """nbconvert's markdown filter, with the math of ``source`` replaced by tokens first.

        The pages of the runs share their markdown cells (and the tokens in them: the same cells
        in the same order), so nbconvert's HTML of each markdown without images is kept: the
        same text, its tokens and folder the same, is the same HTML (mistune keeps no state)."""
        source = _HEADING_UNNUMBERED.sub(rf"\1 {_NONUM}", source)
        extra = context["resources"]["nnsimple"]
        source = cite.substitute(source, extra["citations"], to="html", store=extra["cited"])
        source = math.protect(source, extra["math"])
        cell = context.get("cell", {})
        if cell.get("attachments") or _IMAGE.search(source):  # images: embedded from files, never reused
            return super().markdown2html(context, source)
        key = (source, context["resources"]["metadata"]["path"])
        if key not in self._markdown_seen:
            if len(self._markdown_seen) >= _MARKDOWN_KEPT:
                self._markdown_seen.clear()
            self._markdown_seen[key] = super().markdown2html(context, source)
        return self._markdown_seen[key]

    @jinja2.pass_context
    def code_block(self, context, source, metadata=None):
        """A code cell's ``source`` highlighted as nbconvert's ``highlight_code`` filter does, as a
        placeholder element (``restore_code`` puts the HTML back; it goes in
        ``resources["nnsimple"]["code"]``) and the whitespace around the HTML, as it was."""
        language = context.environment.filters["highlight_code"].pygments_lexer  # this document's
        before, block, after = normalized_code(source, language, (metadata or {}).get("magics_language"))
        code = context["resources"]["nnsimple"]["code"]
        code.append(block)
        return f"{before}<{_CODE_TAG}>{len(code) - 1}</{_CODE_TAG}>{after}"

    @jinja2.pass_context
    def md_inline(self, context, source):
        """Inline markdown (a caption, a title) as HTML without its paragraph."""
        rendered = self.markdown2html(context, source).strip()
        match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S)
        return match.group(1) if match else rendered

    @jinja2.pass_context
    def alt_text(self, context, source):
        """Inline markdown as the plain text of an ``alt`` attribute."""
        return html.escape(re.sub(r"<[^>]+>", "", self.md_inline(context, source)).strip())

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's, its BeautifulSoup pass done with plain tree walks instead of CSS
        selectors: soupsieve compiles its patterns for them (~0.13 s of a core, once per process).
        The same bytes: tests/test_render_html.py compares with nbconvert's own pass."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", data_type)
        document, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        soup = BeautifulSoup(document, features="html.parser")
        missing_alt = _soup_pass(soup)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return str(soup), resources

    def default_filters(self):
        yield from super().default_filters()  # markdown2html among them: the method above
        yield ("code_block", self.code_block)
        yield ("md_inline", self.md_inline)
        yield ("alt_text", self.alt_text)
        yield ("svg_width", svg_width)


def _soup_pass(soup):
    """What HTMLExporter does to its page's soup, in place: an ``alt`` for every ``img`` without one
    (``img:not([alt])``), ``tabindex="0"`` on the input and output boxes inside the notebook
    (``.jp-Notebook div.jp-Cell-inputWrapper``, ``… div.jp-OutputArea-output``); returns how
    many images had no ``alt``."""
    missing_alt = 0
    focusable = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}
    for tag in soup.find_all(True):
        if tag.name == "img" and "alt" not in tag.attrs:
            tag.attrs["alt"] = NBCONVERT_ALT
            missing_alt += 1
        elif tag.name == "div" and not focusable.isdisjoint(tag.get("class", ())):
            if any("jp-Notebook" in parent.get("class", ()) for parent in tag.parents):
                tag.attrs["tabindex"] = "0"
    return missing_alt


@functools.lru_cache(maxsize=1024)
def normalized_code(source, language, magics_language=None):
    """``(whitespace before, HTML, whitespace after)`` of ``source`` highlighted in ``language``
    (nbconvert's ``Highlight2HTML``), the HTML as HTMLExporter's BeautifulSoup pass writes it back.

    That pass treats an element the same wherever it stands; only the whitespace between
    elements depends on its neighbours (bs4 collapses a run of it), so it stays in the page.
    """
    metadata = {"magics_language": magics_language} if magics_language else None
    highlighted = Highlight2HTML(pygments_lexer=language)(source, metadata=metadata)
    block = highlighted.strip(_SPACES)
    before, after = highlighted[: highlighted.index(block)], highlighted[highlighted.index(block) + len(block) :]
    return before, str(BeautifulSoup(block, "html.parser")), after


def restore_code(document, code):
    """``document`` with each ``code_block`` placeholder replaced by its HTML (``code``: the document's list)."""
    return _CODE_PLACEHOLDER.sub(lambda m: code[int(m.group(1))], document)


_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"')


def svg_width(svg):
    """The natural width of an SVG image in CSS pixels (matplotlib writes it in points), or 0."""
    match = _SVG_WIDTH.search(svg if isinstance(svg, str) else "".join(svg))
    if not match:
        return 0
    return round(float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1))


@functools.cache
def exporter():
    """The exporter, one per process: building its Jinja environment is the slow part."""
    config = Config()
    # The notebook validated once, after nbconvert's preprocessors (not once after each: a dozen full passes).
    config.Exporter.optimistic_validation = True
    # Our own pygments CSS instead (a user's custom.css must not leak into the report).
    config.CSSHTMLHeaderPreprocessor.enabled = False
    return formats.cached_templates(ReportHTMLExporter(config=config))


CODE_BACKGROUND = "#f6f6f3"  # the code blocks' background (static/informe.css: --fondo-codigo)
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text


def _luminance(hex_colour):
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour, background=CODE_BACKGROUND):
    """``colour`` darkened in steps of 5 % until it reaches ``MIN_CONTRAST`` on ``background``."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    while contrast("#" + "".join(f"{c:02x}" for c in channels), background) < MIN_CONTRAST:
        channels = [int(c * 0.95) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in channels)


@functools.cache
def pygments_css():
    """The CSS of the code highlighting (pygments' default style, every colour readable), put in the page."""
    from pygments.formatters import HtmlFormatter

    css = HtmlFormatter(style="default").get_style_defs(".highlight")
    css = re.sub(r"#([0-9a-fA-F]{3})\b(?![0-9a-fA-F])", lambda m: "#" + "".join(c * 2 for c in m.group(1)), css)
    return re.sub(r"(?<![-\w])color: (#[0-9a-fA-F]{6})", lambda m: f"color: {readable(m.group(1).lower())}", css)


def number_headings(document, toc_depth=2, number_depth=3):
    """Number the headings ("1.", "1.2.") like the PDF does; return the document and the index
    entries ``[(level, anchor, number label, inner HTML)]``. Anchors are made unique."""
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
        label = ""
        if numbered and level <= number_depth:
            counters[level - 1] += 1
            counters[level:] = [0] * (6 - level)
            label = ".".join(str(c) for c in counters[:level]) + "."
        if level <= toc_depth:
            entries.append((level, unique, label, inner))
        secnum = f'<span class="secnum">{label}</span> ' if label else ""
        return f'<h{level} id="{unique}">{secnum}{inner}</h{level}>'

    return _HEADING.sub(number, document), entries


def toc_html(entries):
    """A nested ``<ol>`` of links to the headings of ``entries``, under an "Índice" heading."""
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


def notebook_to_html(nb, base_path=".", *, show_all_code=False, keep_stderr=False, text_fonts=True):
    """The report's HTML document (a string) for a notebook node.

    ``base_path``: the folder relative image links start from; ``show_all_code``/``keep_stderr``:
    see ``prepare.prepare``; ``text_fonts``: embed the PDF's text faces (``webfont``).
    """
    prepared, cover = prepare.prepare(nb, show_all_code=show_all_code, keep_stderr=keep_stderr)
    title = (cover or {}).get("title") or prepared.metadata.get("title") or "Informe"
    found = cite.citations([holder[key] for holder, key in prepare.markdown_fields(prepared)], to="html")
    extra = {"cover": cover, "title": title, "pygments_css": pygments_css(), "toc_marker": TOC_MARKER}
    extra.update(math=[], code=[], citations=found, cited=[])
    resources = {"metadata": {"name": "informe", "path": str(base_path)}, "nnsimple": extra}
    document, resources = exporter().from_notebook_node(prepared, resources=resources)
    document = restore_code(document, resources["nnsimple"]["code"])
    document = _ANCHOR_LINK.sub("", document)
    document = _SHORT_CODE.sub(r'<code class="junto">\1</code>', document)
    document = document.replace(NBCONVERT_MISSING_ALT, 'alt="Imagen sin descripción"')
    document, entries = number_headings(document)
    document = document.replace(TOC_MARKER, toc_html(entries), 1)
    document = cite.restore(document, resources["nnsimple"]["cited"])
    document = math.substitute(document, resources["nnsimple"]["math"])
    # The PDF's fonts: its math font for this page's formulas; its text faces for the report.
    faces = [webfont.math_font_face(document), webfont.text_font_faces() if text_fonts else ""]
    faces = "\n".join(face for face in faces if face)
    return document.replace("</head>", f"<style>\n{faces}\n</style>\n</head>", 1) if faces else document


def write(nb, path, *, base_path=None, show_all_code=False, keep_stderr=False, text_fonts=True):
    """Render a notebook (node or path) to a self-contained HTML file at ``path``, atomically.

    ``show_all_code``/``keep_stderr``: the executed-notebook pages of the runs show both;
    ``text_fonts``: embed the PDF's text faces (the runs' pages leave them to the reader's fonts).
    ``base_path``: the folder relative image links start from (default: the notebook's).
    """
    node, folder = prepare.load_notebook(nb)
    try:
        document = notebook_to_html(
            node, base_path or folder, show_all_code=show_all_code, keep_stderr=keep_stderr, text_fonts=text_fonts
        )
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"No se pudo generar el HTML: {type(error).__name__}: {error}") from error
    write_atomic(path, document.encode("utf-8"))
    return Path(path)
