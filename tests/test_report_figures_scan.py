"""Tests of report.figures_scan: the scan, matched-step and saddle figures on real (small) experiments:
what they draw, their text alternatives, and their printed text size."""

import re

import pytest

import nnsimple as nn
from nnsimple_lab.report import es, figures_scan, scan, symmetry
from tests.figurekit import figure_text as _figure_text
from tests.figurekit import printed_sizes

X, Y = nn.load_dataset("xor")


@pytest.fixture(scope="module")
def sweep():
    return scan.run_scan(
        X,
        Y,
        grid_rates=(0.1, 0.5),
        losses=("bce", "mse"),
        doubled_losses=("mse",),
        init="random",
        n_h=2,
        iterations=150,
        seeds=range(4),
        main_seed=2,
    )


def test_scan_window_figure(sweep):
    w = scan.window(sweep, "bce")
    fig = figures_scan.fig_scan_window(sweep, w, grid_rates=(0.1, 0.5))
    top = fig.axes[0]
    assert top.get_xscale() == "log" and "resuelven XOR" in _figure_text(fig)
    (solved,) = [line for line in top.get_lines() if line.get_label() == "resuelven XOR"]
    assert list(solved.get_ydata()) == [100 * p.n_solved / p.n_seeds for p in w.points]
    assert printed_sizes(fig)[0] >= 7.0
    alt = figures_scan.alt_scan_window(sweep, w)
    assert "\\" not in alt and f"Barrido de {len(w.points)} tasas" in alt and "4 semillas" in alt
    lo, hi = w.window[0], w.window[-1]
    assert f"De {es.fmt_rate(lo)} a {es.fmt_rate(hi)} resuelven {w.best_solved} de 4 semillas, el máximo" in alt
    assert "la mayoría" not in alt and "la más rápida" not in alt  # "at least half"; medians over different seeds


def test_scan_curves_and_matched_figures(sweep):
    w = scan.window(sweep, "bce")
    rates = [p.learning_rate for p in w.points[::12]]
    fig = figures_scan.fig_scan_curves(sweep, "bce", rates)
    assert len(fig.axes[0].get_lines()) == len(rates) and printed_sizes(fig)[0] >= 7.0
    assert re.search(r"\d", figures_scan.alt_scan_curves(sweep, "bce", rates))
    matched = figures_scan.fig_matched(sweep, reference="bce", other="mse")
    labels = [line.get_label() for line in matched.axes[0].get_lines()]
    assert labels == ["BCE con α", "MSE con α", "MSE con 2α (dibujado en α)"]
    assert printed_sizes(matched)[0] >= 7.0
    alt = figures_scan.alt_matched(sweep, reference="bce", other="mse")
    assert "\\" not in alt and "con BCE el máximo es" in alt
    top = max(p.n_solved for p in sweep.curve("bce"))
    first = min(p.learning_rate for p in sweep.curve("bce") if p.n_solved == top)
    assert f"la menor tasa que lo alcanza es {es.fmt_rate(first)}" in alt and "desde la tasa" not in alt


def test_saddle_figure():
    probe = symmetry.probe_saddle(X, Y, loss="bce", n_h=2, directions=2000)
    cut = symmetry.saddle_cut(X, Y, probe, n_h=2)
    fig = figures_scan.fig_saddle(cut, probe)
    assert "punto de silla" in fig.get_suptitle() and printed_sizes(fig)[0] >= 7.0
    alt = figures_scan.alt_saddle(cut, probe)
    assert "\\" not in alt and "0.6931" in alt
