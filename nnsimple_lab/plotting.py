"""The one way a figure of the project looks: the document's typeface, fixed margins and gaps.

Both the run figures (``figures``) and the report's figures (``report.figures``) start from
``figure``. Margins are fixed instead of matplotlib's constrained layout, which measures every
label twice more to place the axes. Figures are shown cropped to what they draw, as
``bbox_inches="tight"`` crops (``outputs.figure_svg``), so a label longer than its margin is
never cut off: the picture just grows a little. Built with ``matplotlib.figure.Figure``, not
pyplot: nothing to close, safe in any process.

Typography: the figures are set in the PDF's typeface, New Computer Modern (text and mathtext),
and keep their text as text in the SVG (``svg.fonttype = "none"``: searchable, read aloud).
matplotlib measures the text with the very font files Typst uses, copied once out of the
``typst`` wheel, which embeds them (``typeface.files``); Typst then
draws the SVG's text with its own copy, and a browser with the first font of
``outputs.FONT_STACKS`` it has. Importing this module sets those rcParams (``STYLE``) for the
process: the kernel reset restores them between notebooks, and the next import sets them again.

Speed: matplotlib caches each parsed mathtext label per parser, and every renderer has its own
parser (one per saved figure), so the same ``$W_1[0,0]$`` was parsed again and again.
``share_mathtext_cache`` keys that cache on the parse's inputs only (string, size, font,
flags): the same layouts, parsed once per process. The rest of what matplotlib repeats
while a figure is saved (ticks, text layouts and measurements) is ``layout_once``'s.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import font_manager, mathtext
from matplotlib.figure import Figure

from nnsimple_lab import typeface

# The families of ``typeface.FACES`` as matplotlib names them (the PDF: "New Computer Modern"
# and "New Computer Modern Math").
TEXT_FAMILY = "NewComputerModern"
MATH_FAMILY = "NewComputerModern Math"
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


def use_document_style():
    """Register the document's typeface (``typeface.files``) with matplotlib and set ``STYLE`` (idempotent)."""
    known = {Path(entry.fname).resolve() for entry in font_manager.fontManager.ttflist}
    for path in typeface.files().values():
        if path.resolve() not in known:
            font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams.update(STYLE)


use_document_style()

MATHTEXT_CACHE = 4096  # parsed mathtext layouts kept per process (a run's figures have ~40)


def share_mathtext_cache():
    """Make ``MathTextParser`` parses cached across parsers (idempotent; see the module's docstring).

    A parse depends on its parser only through the parser's output type ("vector" or "raster"),
    which is part of the new key; the first parser of each type does the parsing.
    """
    parser = mathtext.MathTextParser
    if getattr(parser._parse_cached, "shared", False):
        return
    parse = parser._parse_cached.__wrapped__  # the function under matplotlib's own lru_cache
    parsers = {}

    @functools.lru_cache(MATHTEXT_CACHE)
    def shared(output_type, *key):
        return parse(parsers[output_type], *key)

    def parse_cached(self, *key):
        parsers.setdefault(self._output_type, self)
        return shared(self._output_type, *key)

    parse_cached.shared = True
    parse_cached.cache_info = shared.cache_info  # hits and misses, for the tests
    parser._parse_cached = parse_cached


share_mathtext_cache()


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
