"""Tests of report.figures_loss: seeds solved per loss and rate, and dZ2 against the output, from the losses'
own functions: what they draw, their text alternatives, their printed text size."""

import logging

import pytest
from matplotlib.colors import to_hex

import nnsimple as nn
from nnsimple_lab import outputs
from nnsimple_lab.report import figures_loss
from tests import handmade
from tests.figurekit import broken_runs, draws, figure_text, grid_runs, plain_alt, readable


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return grid_runs(tmp_path_factory.mktemp("runs"))


def test_seeds_solved_bars_follow_the_vocabulary(runs):
    fig = figures_loss.fig_seeds_solved(runs, init="random")
    assert draws(fig) and readable(fig)
    bars = fig.axes[0]
    assert [t.get_text() for t in bars.get_legend().get_texts()] == ["BCE", "MSE"]
    assert sorted({to_hex(p.get_facecolor()) for p in bars.patches}) == ["#1f77b4", "#ff7f0e"]
    alt = figures_loss.alt_seeds_solved(runs, init="random")
    assert plain_alt(alt) and alt.count("de 4 con tasa") == 4


def test_many_rates_become_lines_against_the_rate():
    runs = [handmade.run(lr, loss=x) for lr in (0.01, 0.1, 0.5, 1.0, 3.0) for x in ("bce", "mse")]
    ax = figures_loss.fig_seeds_solved(runs, init="random").axes[0]
    assert ax.get_xscale() == "log" and not ax.patches and len(ax.get_lines()) == 2


def test_the_dz2_curves_are_the_losses_own_functions():
    fig = figures_loss.fig_dz2_vs_output(["bce", "mse"], about="mse")
    assert draws(fig) and readable(fig)
    assert fig.axes[0].get_title() == "Con MSE el gradiente se apaga cuando la salida está muy equivocada"
    curves = fig.axes[0].get_lines()
    assert [line.get_label() for line in curves] == ["BCE: $|a - y|$", "MSE: $|2(a - y)\\,a(1 - a)|$"]
    a = curves[1].get_xdata()
    assert curves[1].get_ydata() == pytest.approx(abs(nn.mse_dZ2(a[None, :], 1.0 + 0 * a[None, :]) * a.size).ravel())
    alt = figures_loss.alt_dz2_vs_output(["bce", "mse"])
    assert plain_alt(alt) and "BCE vale 1.00 con salida 0" in alt and "MSE vale 0.00 con salida 0" in alt


def test_every_glyph_of_the_dz2_figure_is_in_its_fonts(caplog):
    fig = figures_loss.fig_dz2_vs_output(["bce", "mse"], about="mse")
    with caplog.at_level(logging.WARNING, logger="matplotlib.mathtext"):
        svg = outputs.figure_svg(fig)
    assert "dummy symbol" not in caplog.text  # the ℓ of the axis label is drawn, not a box
    assert "ℓ" in svg or "&#8467;" in svg


def test_a_failed_run_is_shown_in_its_bar(tmp_path):
    fig = figures_loss.fig_seeds_solved(broken_runs(tmp_path), init="random")
    assert "ejecución fallida" in figure_text(fig) and draws(fig)
