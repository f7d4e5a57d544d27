"""The one way a figure of the project is laid out: fixed margins and gaps, in inches.

Both the run figures (``figures``) and the report's figures (``report.figures``) start from
``figure``. Margins are fixed instead of matplotlib's constrained layout, which measures every
label twice more to place the axes. Figures are shown cropped to what they draw
(``bbox_inches="tight"``), so a label longer than its margin is never cut off: the picture just
grows a little. Built with ``matplotlib.figure.Figure``, not pyplot: no global state, nothing
to close, safe in any process.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure


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
