"""Report elements a notebook emits as rich outputs, for the renderer (``render/``) to recognise.

Every function publishes one display whose metadata carries ``{"nnsimple": {"kind": ...}}``;
the renderer turns each kind into the matching element of the HTML and PDF report:

    show_cover(cover)              kind "cover"   the cover page (PDF) / title block (HTML)
    show_figure(fig, caption, alt) kind "figure"  centred vector image, caption below, text alternative
    show_table(markdown, title)    kind "table"   pipe table, title above
    show_explorer(data)            kind "explorer" the HTML's interactive explorer of the runs (not in the PDF)
    show_markdown(text)            kind "prose"   generated prose, rendered like a markdown cell
    show_code(source, caption)     kind "code"    a Python listing, caption above

Captions and titles are complete as given ("Figura 3: ...", "Tabla 2: ..."): the notebook
numbers figures and tables; the renderer gives each numbered item an id, links every mention
of it ("la Figura 3") and numbers the captioned listings left unnumbered ("Listado N: ...").
They are inline markdown, so ``$math$`` works there.
Figures are saved as SVG only, deterministically (no dates, fixed SVG ids), so the same data
gives the same bytes, drawn once and cropped to what they draw (``figure_svg``). No PNG copy:
both renderings of the report use the SVG and JupyterLab shows it. Their text stays text
(``plotting.STYLE``), named by a font stack (``FONT_STACKS``): the document's typeface first,
which Typst has, then what a browser may have instead.
matplotlib and IPython are imported only by the functions that use them: the renderer imports
this module for ``COVER_MIME`` and ``COVER_FIELDS``.
"""

from __future__ import annotations

import contextlib
import io
import re

EXPLORER_MIME = "application/vnd.nnsimple.explorer+json"
COVER_MIME = "application/vnd.nnsimple.cover+json"
COVER_FIELDS = ("university", "faculty", "course", "title", "subtitle", "authors", "date")
# Fixed salt for matplotlib's SVG ids: without it they change on every save.
SVG_HASHSALT = "nnsimple"
# The PDF carries the pages of the runs it links (attached files) up to this many; beyond, a PDF
# of hundreds of runs would weigh hundreds of megabytes: it names them, and the HTML links them.
PDF_ATTACHMENTS_MAX = 100
# How an SVG names the fonts matplotlib set its text in (``plotting``): Typst's name of the
# document's typeface first, then look-alikes a browser may have, then a generic family.
FONT_STACKS = {
    "NewComputerModern": "'New Computer Modern', 'NewComputerModern', 'Latin Modern Roman', 'CMU Serif', "
    "'Computer Modern Serif', 'TeX Gyre Termes', Georgia, serif",
    "NewComputerModern Math": "'New Computer Modern Math', 'Latin Modern Math', 'STIX Two Math', 'Cambria Math', "
    "math, serif",
}
_SVG_FONT = re.compile(r"font-family: '([^']+)'(?:, (?:'[^']*'|[a-z-]+))*")


def _check_text(value, what):
    """Return ``value`` if it is a non-empty string, else raise a Spanish ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} debe ser un texto no vacío; se recibió {value!r}.")
    return value


def display(*objs, **kwargs):
    """``IPython.display.display``, imported on the first call."""
    from IPython.display import display as ipython_display

    ipython_display(*objs, **kwargs)


def _publish(data, kind, **extra):
    """Display one mime bundle with the ``nnsimple`` metadata the renderer reads."""
    display(data, raw=True, metadata={"nnsimple": {"kind": kind, **extra}})


def show_cover(cover: dict) -> None:
    """Emit the report's cover.

    ``cover`` has the keys ``university, faculty, course, title, subtitle, authors, date``:
    strings (plain text, not markdown), ``authors`` a list of strings, ``date`` already in
    Spanish ("29 de noviembre de 2026"). A markdown version is the fallback Jupyter shows.
    """
    if not isinstance(cover, dict):
        raise ValueError(f"La portada debe ser un diccionario; se recibió {type(cover).__name__}.")
    missing = [key for key in COVER_FIELDS if key not in cover]
    if missing:
        raise ValueError(f"A la portada le faltan los campos: {', '.join(missing)}.")
    authors = cover["authors"]
    if isinstance(authors, str) or not all(isinstance(a, str) for a in authors):
        raise ValueError(f"authors debe ser una lista de textos; se recibió {authors!r}.")
    clean = {key: (list(authors) if key == "authors" else str(cover[key])) for key in COVER_FIELDS}
    lines = [clean["university"], clean["faculty"], clean["course"], "", f"**{clean['title']}**"]
    lines += [f"*{clean['subtitle']}*" if clean["subtitle"] else "", "", *clean["authors"], "", clean["date"]]
    fallback = "  \n".join(lines).strip()
    _publish({COVER_MIME: clean, "text/markdown": fallback, "text/plain": clean["title"]}, "cover")


def tight_box(fig, fmt="svg"):
    """The box ``fig.savefig(..., format=fmt, bbox_inches="tight")`` crops to, padded, in inches.

    savefig with "tight" lays the figure out three times: a draw that renders nothing, the
    tight box, the real draw. This measures the box with the same renderer but without the
    first draw (``get_tightbbox`` updates the ticks and places the legends itself). Saving with
    it as ``bbox_inches`` gives the same drawing; ``figure_svg`` needs it only for a figure that
    draws beyond its canvas (it measures the box after its one draw otherwise).
    """
    from matplotlib import cbook, rcParams
    from matplotlib.backend_bases import _get_renderer

    with (
        fig.canvas._switch_canvas_and_return_print_method(fmt) as print_method,
        cbook._setattr_cm(fig.canvas, _is_saving=True),
    ):
        box = fig.get_tightbbox(_get_renderer(fig, print_method))
    return box.padded(rcParams["savefig.pad_inches"])


def _points(value):
    """A length as matplotlib's SVG writes it: up to 6 decimals, no trailing zeros."""
    return f"{value:f}".rstrip("0").rstrip(".")


_SVG_SIZE = re.compile(r'width="[\d.]+pt" height="[\d.]+pt" viewBox="0 0 [\d.]+ [\d.]+"')


def _figure_legends(fig):
    """The figure's own visible legends, if ``_drawn_once`` can draw them as matplotlib's crop does
    (anchored on the figure's box, drawn after every other figure-level artist); else None."""
    legends = [legend for legend in fig.legends if legend.get_visible()]
    if any(legend._bbox_to_anchor is not None for legend in legends):
        return None
    lowest = min((legend.get_zorder() for legend in legends), default=None)
    others = [a for a in fig.get_children() if a not in legends and a is not fig.patch]
    if lowest is not None and any(a.get_zorder() >= lowest for a in others):
        return None
    return legends


def _drawn_once(fig, pad, legends):
    """``(svg, box)``: ``fig`` saved as SVG at its canvas size, its background grown by ``pad``
    inches on every side, and the tight box (inches, unpadded) measured right after that draw,
    with the same renderer: what ``bbox_inches="tight"`` measures after its own first draw.

    ``legends`` (the figure's own) are drawn last, anchored on the padded box: matplotlib's crop
    anchors them on the cropped figure (``"lower center"``: centred under what is shown).
    """
    from matplotlib import cbook
    from matplotlib.transforms import Bbox

    buffer, measured = io.StringIO(), []

    def draw_and_measure(renderer):
        with contextlib.ExitStack() as hidden:
            for legend in legends:
                hidden.enter_context(cbook._setattr_cm(legend, _visible=False))
            type(fig).draw(fig, renderer)
        box = fig.get_tightbbox(renderer)  # the legends where matplotlib measures them
        measured.append(box)
        crop = Bbox(box.padded(pad).get_points() * fig.dpi)
        with cbook._setattr_cm(fig, bbox=crop):
            for legend in legends:
                legend.draw(renderer)

    width, height = fig.get_size_inches()
    bounds = fig.patch.get_bbox().bounds
    # The background (figure fractions) reaches as far as the padded crop may (it covers the crop).
    fig.patch.set_bounds(-pad / width, -pad / height, 1 + 2 * pad / width, 1 + 2 * pad / height)
    try:
        with cbook._setattr_cm(fig, draw=draw_and_measure):  # as matplotlib's own _get_renderer hooks it
            fig.savefig(buffer, format="svg", bbox_inches=None, metadata={"Date": None})
    finally:
        fig.patch.set_bounds(*bounds)
    return buffer.getvalue(), measured[-1]  # the last: a layout engine's first draw draws nothing


def _cropped(svg, padded, height):
    """``svg`` (drawn at its canvas size, ``height`` inches high) showing only the box ``padded``
    (inches, from the canvas' lower left corner): its size and ``viewBox``. None if the SVG's
    header is not the one matplotlib writes."""
    w, h = _points(padded.width * 72), _points(padded.height * 72)
    x, y = _points(padded.x0 * 72), _points((height - padded.y1) * 72)  # SVG's y runs down
    svg, found = _SVG_SIZE.subn(f'width="{w}pt" height="{h}pt" viewBox="{x} {y} {w} {h}"', svg, count=1)
    return svg if found else None


def figure_svg(fig) -> str:
    """Return the SVG text of a matplotlib figure, cropped as ``bbox_inches="tight"`` crops it,
    deterministic (no date, fixed ids), its fonts named by their ``FONT_STACKS``.

    Drawn once (and ``layout_once``): the tight box is measured after the draw at the canvas
    size, and the SVG shows just that box (its ``viewBox``; the background grown by the
    padding). A figure that draws beyond its canvas (a label longer than its margin), or whose
    legends ``_drawn_once`` cannot place as matplotlib would, is drawn again, cropped by
    matplotlib itself: nothing is ever cut off.
    """
    import matplotlib

    from nnsimple_lab import layout_once

    pad = float(matplotlib.rcParams["savefig.pad_inches"])
    width, height = fig.get_size_inches()
    legends = _figure_legends(fig)
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "savefig.bbox": None}), layout_once.scope():
        svg, padded = None, None
        if legends is not None:
            drawn, box = _drawn_once(fig, pad, legends)
            padded = box.padded(pad)
            if box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height:  # all on the canvas
                svg = _cropped(drawn, padded, height)
        if svg is None:
            buffer = io.StringIO()
            box = tight_box(fig) if padded is None else padded
            fig.savefig(buffer, format="svg", bbox_inches=box, metadata={"Date": None})
            svg = buffer.getvalue()
    return _SVG_FONT.sub(
        lambda m: f"font-family: {FONT_STACKS[m.group(1)]}" if m.group(1) in FONT_STACKS else m.group(0),
        svg,
    )


def show_figure(fig, caption: str, alt: str | None = None) -> None:
    """Emit a matplotlib figure (SVG) with its complete caption and its text alternative, then close it.

    ``caption``: "Figura N: ..." as it should read, below the image; inline markdown.
    ``alt``: plain Spanish text saying what the figure shows, with its numbers (no markup, no
    LaTeX), for a reader who cannot see it; the renderings use it as the image's alternative.
    Closing the figure keeps the inline backend from showing it a second time.
    """
    _check_text(caption, "El pie de figura")
    extra = {} if alt is None else {"alt": _check_text(alt, "El texto alternativo de la figura")}
    svg = figure_svg(fig)
    import matplotlib.pyplot as plt

    plt.close(fig)
    data = {"image/svg+xml": svg, "text/plain": alt or caption}
    _publish(data, "figure", caption=caption, **extra)


def show_explorer(data: dict) -> None:
    """Emit the offline explorer of the runs (``report.explorer.payload``): drawn by the HTML
    report's own script, left out of the PDF, whose annex lists the same runs."""
    if not isinstance(data, dict) or not data.get("runs"):
        raise ValueError("El explorador necesita al menos una ejecución.")
    _publish({EXPLORER_MIME: data, "text/plain": "Explorador de las ejecuciones (en la versión HTML)"}, "explorer")


def show_table(markdown: str, title: str) -> None:
    """Emit a GitHub pipe table (``$math$``, links and bold allowed) with its title above.

    ``title``: "Tabla N: ..." as it should read; inline markdown. Columns whose cells are all
    numbers are right-aligned by the renderer unless the table sets an alignment itself.
    """
    _check_text(markdown, "La tabla")
    _check_text(title, "El título de la tabla")
    _publish({"text/markdown": markdown.strip() + "\n"}, "table", title=title)


def show_markdown(text: str) -> None:
    """Emit generated prose (markdown with ``$…$``/``$$…$$`` math, headings, lists)."""
    _check_text(text, "El texto")
    _publish({"text/markdown": text}, "prose")


def code_markdown(source: str) -> str:
    """A fenced ```python block holding ``source``, with a fence longer than any inside it."""
    longest, run = 0, 0
    for char in source:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}python\n{source.rstrip()}\n{fence}\n"


def show_code(source: str, caption: str | None = None) -> None:
    """Emit a Python listing, e.g. ``inspect.getsource(nnsimple.forward_prop)``.

    ``caption`` (optional, inline markdown) goes above the listing; without "Listado N:" the
    renderer numbers it, counting the captioned listings in order.
    """
    _check_text(source, "El código")
    extra = {}
    if caption is not None:
        extra["caption"] = _check_text(caption, "El título del código")
    _publish({"text/markdown": code_markdown(source)}, "code", **extra)
