"""The one way a figure of the project looks: the document's typeface, fixed margins and gaps.

Both the run figures (``figures``) and the report's figures (``report.figures``) start from
``figure``. Margins are fixed instead of matplotlib's constrained layout, which measures every
label twice more to place the axes. Figures are shown cropped to what they draw
(``bbox_inches="tight"``), so a label longer than its margin is never cut off: the picture just
grows a little. Built with ``matplotlib.figure.Figure``, not pyplot: nothing to close, safe in
any process.

Typography: the figures are set in the PDF's typeface, New Computer Modern (text and mathtext),
and keep their text as text in the SVG (``svg.fonttype = "none"``: searchable, read aloud, and
drawn in half the time of paths). matplotlib measures the text with the very font files Typst
uses, copied once out of the ``typst`` wheel, which embeds them (``typeface_files``); Typst then
draws the SVG's text with its own copy, and a browser with the first font of
``outputs.FONT_STACKS`` it has. Importing this module sets those rcParams (``STYLE``) for the
process: the kernel reset restores them between notebooks, and the next import sets them again.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import struct
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from nnsimple_lab import files

# The families as matplotlib names them (the PDF calls them "New Computer Modern" and
# "New Computer Modern Math"), and the faces of them the figures use.
TEXT_FAMILY = "NewComputerModern"
MATH_FAMILY = "NewComputerModern Math"
FACES = {
    (TEXT_FAMILY, "10 Regular"),
    (TEXT_FAMILY, "10 Italic"),
    (TEXT_FAMILY, "10 Bold"),
    (TEXT_FAMILY, "10 BoldItalic"),
    (MATH_FAMILY, "Regular"),
}
STYLE = {
    "font.family": "serif",
    "font.serif": [TEXT_FAMILY, "DejaVu Serif"],
    "svg.fonttype": "none",
    "axes.unicode_minus": True,  # "−1.0", the true minus sign
    # mathtext in the same fonts: upright symbols and operators from the math font, letters in
    # the text italic; no fallback to matplotlib's Computer Modern, whose private code points
    # would be written into the SVG as wrong characters ("X" for a sum).
    "mathtext.fontset": "custom",
    "mathtext.rm": MATH_FAMILY,
    "mathtext.sf": MATH_FAMILY,
    "mathtext.cal": MATH_FAMILY,
    "mathtext.it": f"{TEXT_FAMILY}:italic",
    "mathtext.bf": f"{TEXT_FAMILY}:bold",
    "mathtext.tt": "DejaVu Sans Mono",
    "mathtext.fallback": None,
}


def _embedded_fonts(data):
    """``[(family, style, bytes)]`` of the OpenType (CFF) fonts stored whole inside ``data``."""
    from matplotlib.ft2font import FT2Font

    found, start = [], 0
    while (start := data.find(b"OTTO", start)) >= 0:
        tables = struct.unpack(">H", data[start + 4 : start + 6])[0]
        if 4 <= tables <= 64:
            records = (struct.unpack(">II", data[start + 20 + 16 * t : start + 28 + 16 * t]) for t in range(tables))
            font = data[start : start + max(offset + length for offset, length in records)]
            try:
                face = FT2Font(io.BytesIO(font))
                found.append((face.family_name, face.style_name, font))
            except (RuntimeError, ValueError):  # four bytes "OTTO" that start no font
                pass
        start += 4
    return found


def typeface_files(cache=None):
    """The font files of ``FACES``, copied out of the ``typst`` wheel into ``cache`` once per version.

    ``cache``: default ``<matplotlib's cache folder>/nnsimple-lab/typst-<version>``. The wheel's
    compiled library holds the fonts Typst embeds; nothing is downloaded or installed.
    """
    version = importlib.metadata.version("typst")
    folder = Path(cache or Path(matplotlib.get_cachedir()) / "nnsimple-lab" / f"typst-{version}")
    wanted = {f"{family}-{style}".replace(" ", "") + ".otf": (family, style) for family, style in FACES}
    if not all((folder / name).is_file() for name in wanted):
        library = next(Path(importlib.util.find_spec("typst").submodule_search_locations[0]).glob("_typst*"))
        fonts = {(family, style): font for family, style, font in _embedded_fonts(library.read_bytes())}
        for name, face in wanted.items():
            if face not in fonts:
                raise RuntimeError(f"El paquete typst {version} no trae la fuente {face[0]} {face[1]}.")
            files.write_atomic(folder / name, fonts[face])
    return sorted(folder / name for name in wanted)


def use_document_style():
    """Register the document's typeface with matplotlib and set ``STYLE`` (idempotent)."""
    known = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    for path in typeface_files():
        if path.resolve() not in known:
            font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams.update(STYLE)


use_document_style()


@dataclass(frozen=True)
class Margins:
    """Space around the axes, in inches: room for tick and axis labels (left, bottom), a title (top)."""

    left: float
    right: float
    bottom: float
    top: float


def figure(width, height, margins, *, nrows=1, ncols=1, column_gap=0.0, row_gap=0.0, **subplots):
    """``(fig, axes)``: a ``width`` x ``height`` inch Figure with ``nrows`` x ``ncols`` axes.

    ``axes`` is always a 2-D array (nrows, ncols). ``margins``: a ``Margins``; ``column_gap``,
    ``row_gap``: inches between axes; ``subplots`` go to ``Figure.subplots`` (``sharex``, …).
    Titles sit at a fixed height over their axes (``axes.titley`` = 1), which is where matplotlib
    would put them anyway (no axes here has tick labels on top), without measuring every axes'
    decorations at each draw to find out.
    """
    axes_width = (width - margins.left - margins.right - (ncols - 1) * column_gap) / ncols
    axes_height = (height - margins.bottom - margins.top - (nrows - 1) * row_gap) / nrows
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=margins.left / width,
        right=1 - margins.right / width,
        bottom=margins.bottom / height,
        top=1 - margins.top / height,
        wspace=column_gap / axes_width,
        hspace=row_gap / axes_height,
    )
    with matplotlib.rc_context({"axes.titley": 1.0}):
        axes = fig.subplots(nrows, ncols, squeeze=False, **subplots)
    return fig, axes
