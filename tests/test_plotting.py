"""Tests of plotting: margins and gaps in inches, titles at a fixed height, axes always 2-D, one mathtext cache."""

import re

import pytest
from matplotlib import mathtext
from matplotlib.figure import Figure

from nnsimple_lab import outputs, plotting

MARGINS = plotting.Margins(left=0.65, right=0.2, bottom=0.48, top=0.3)


def _inches(fig, ax):
    """``(left, bottom, right, top)`` of an axes, in inches from the figure's lower left corner."""
    width, height = fig.get_size_inches()
    box = ax.get_position()
    return box.x0 * width, box.y0 * height, box.x1 * width, box.y1 * height


def test_one_axes_with_the_margins_in_inches():
    fig, axes = plotting.figure(6.0, 3.6, MARGINS)
    assert isinstance(fig, Figure) and axes.shape == (1, 1)
    assert tuple(fig.get_size_inches()) == (6.0, 3.6)
    assert _inches(fig, axes[0, 0]) == pytest.approx((0.65, 0.48, 6.0 - 0.2, 3.6 - 0.3))


def test_a_grid_of_axes_with_gaps_in_inches():
    fig, axes = plotting.figure(7.5, 5.0, MARGINS, nrows=2, ncols=3, column_gap=0.6, row_gap=0.33, sharex=True)
    assert axes.shape == (2, 3)
    boxes = [[_inches(fig, ax) for ax in row] for row in axes]
    assert boxes[0][0][0] == pytest.approx(0.65) and boxes[0][2][2] == pytest.approx(7.5 - 0.2)
    assert boxes[1][0][1] == pytest.approx(0.48) and boxes[0][0][3] == pytest.approx(5.0 - 0.3)
    assert boxes[0][1][0] - boxes[0][0][2] == pytest.approx(0.6)  # gap between columns
    assert boxes[0][0][1] - boxes[1][0][3] == pytest.approx(0.33)  # gap between rows
    widths = {round(b[2] - b[0], 9) for row in boxes for b in row}
    assert len(widths) == 1  # every axes the same size
    assert axes[0, 0].get_shared_x_axes().joined(axes[0, 0], axes[1, 2])  # subplots' keywords pass through


def test_titles_stay_at_a_fixed_height():
    fig, axes = plotting.figure(6.0, 3.6, MARGINS)
    ax = axes[0, 0]
    ax.xaxis.tick_top()  # tick labels on top: an automatic title would move up over them
    ax.set_title("Título")
    fig.draw_without_rendering()
    assert ax.title.get_position()[1] == 1.0
    free = Figure(figsize=(6.0, 3.6)).add_subplot()
    free.xaxis.tick_top()
    free.set_title("Título")
    free.figure.draw_without_rendering()
    assert free.title.get_position()[1] > 1.0  # what the fixed height avoids measuring


# ---------------------------------------------------------------- the document's typeface


def test_figures_are_set_in_the_document_typeface_with_text_kept_as_text():
    import io

    import matplotlib

    assert matplotlib.rcParams["svg.fonttype"] == "none"
    fig, axes = plotting.figure(6.0, 3.6, MARGINS)
    ax = axes[0, 0]
    ax.plot([0, 1], [-1, 2])
    ax.set(title="Iteración: $W_1[0,1]$, $\\sum_i dZ_2 \\odot A_1$", xlabel="Costo $J$")
    svg = io.StringIO()
    fig.savefig(svg, format="svg")
    text = svg.getvalue()
    assert "<text" in text, "text as text, not paths"
    families = set(re.findall(r"font-family: '([^']+)'", text))
    assert families == {plotting.TEXT_FAMILY, plotting.MATH_FAMILY}, "no fallback font (Computer Modern's codes)"
    assert "−1" in text, "the true minus sign on the ticks"
    glyphs = "".join(re.findall(r">([^<>]*)</tspan>", text))  # mathtext: one tspan per glyph
    assert "Iteración:" in glyphs and "∑" in glyphs and "⊙" in glyphs


def test_a_mathtext_label_is_parsed_once_for_every_figure():
    def saved():
        fig, axes = plotting.figure(3.0, 2.0, plotting.Margins(0.5, 0.1, 0.4, 0.2))
        axes[0, 0].set_title("$W_1[0,7]$ y $b_2$")
        return outputs.figure_svg(fig)

    first = saved()
    before = mathtext.MathTextParser._parse_cached.cache_info()
    assert saved() == first  # the same bytes, from the shared layouts
    after = mathtext.MathTextParser._parse_cached.cache_info()
    assert after.misses == before.misses and after.hits > before.hits
    plotting.share_mathtext_cache()  # a second import of the module: still one cache
    assert mathtext.MathTextParser._parse_cached.cache_info().currsize == after.currsize
