"""What the figure tests share: two real runs folders, the text a figure draws, and its printed size."""

from __future__ import annotations

import io
import re

from matplotlib.text import Text

from nnsimple_lab import outputs
from nnsimple_lab.report import figures
from nnsimple_lab.report import runs as run_view
from tests.runsfolder import write_runs_folder

COURSE = {"init": "random", "loss": "bce"}
RATES = (0.1, 0.5)


def grid_runs(folder):
    """BCE and MSE, zeros and random, at RATES: 150 iterations, 4 seeds."""
    write_runs_folder(folder, learning_rates=RATES, iterations=150, seeds=4)
    return run_view.load(folder)


def broken_runs(folder):
    """A failed zero run, a damaged random run and a diverging rate, BCE only."""
    write_runs_folder(
        folder,
        learning_rates=(0.5, 10.0),
        losses=("bce",),
        iterations=120,
        seeds=3,
        failed=("lr0.5-zeros-bce",),
        damaged=("lr0.5-random-bce",),
    )
    return run_view.load(folder)


def figure_text(fig):
    """Every title, label, annotation and legend entry a figure draws, joined."""
    texts = [fig.get_suptitle(), fig.get_supxlabel()]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()]
    return " ".join(texts)


def draws(fig):
    """The figure renders (to PNG) without an error."""
    fig.savefig(io.BytesIO(), format="png")
    return True


def printed_sizes(fig):
    """``(smallest font in points as printed, printed width in inches)``: the SVG the report embeds, cropped as
    shown, scaled down to the page's text width when wider."""
    svg = outputs.figure_svg(fig)
    width_pt = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
    scale = min(1.0, figures.PAGE_WIDTH * 72 / width_pt)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) * scale, width_pt / 72 * scale


def readable(fig):
    """No text under 7 points once printed, and no wider than the page's text."""
    smallest, width = printed_sizes(fig)
    return smallest >= 7.0 and width <= figures.PAGE_WIDTH + 1e-6


def plain_alt(alt):
    """A text alternative: no markup, no backslash, with a number from the data."""
    return "\\" not in alt and "$" not in alt and re.search(r"\d", alt) is not None
