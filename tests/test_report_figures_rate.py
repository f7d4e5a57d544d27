"""Tests of report.figures_rate: the curves that compare rates, on real runs: what they draw, their text
alternatives, their printed text size, failures in place."""

import pytest

from nnsimple_lab.report import figures_rate
from nnsimple_lab.report import runs as run_view
from tests.figurekit import COURSE, RATES, broken_runs, draws, figure_text, grid_runs, plain_alt, readable
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return broken_runs(tmp_path_factory.mktemp("broken"))


def test_the_curves_are_labelled_and_readable(runs):
    for fig in (
        figures_rate.fig_cost_by_rate(runs, **COURSE, rates=RATES),
        figures_rate.fig_cost_band(runs, **COURSE, rates=RATES),
        figures_rate.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"), rates=RATES),
    ):
        assert draws(fig) and readable(fig) and "Iteración" in figure_text(fig)
    styles = {
        line.get_label(): line.get_linestyle()
        for line in figures_rate.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"), rates=RATES)
        .axes[0]
        .get_lines()
    }
    assert styles["α = 0.1, BCE"] == "-" and styles["α = 0.5, MSE"] == "--"
    (only,) = figures_rate.fig_cost_by_rate(runs, **COURSE, rates=(0.5,)).axes
    assert [line.get_label() for line in only.get_lines()][0] == "α = 0.5"  # only the rates it is given


def test_alt_texts_carry_the_numbers(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    by_rate = figures_rate.alt_cost_by_rate(runs, **COURSE, rates=RATES)
    assert plain_alt(by_rate) and f"con tasa 0.5 pasa de {record.costs[0]:.4f}" in by_rate
    assert plain_alt(figures_rate.alt_cost_band(runs, **COURSE, rates=RATES))
    solved = figures_rate.alt_solved_over_iterations(runs, init="random", loss_keys=("bce",), rates=RATES)
    assert f"BCE con tasa 0.5: {record.seeds.n_solved} de 4 al final" in solved


def test_failures_are_shown_in_place(broken):
    rates = (0.5, 10.0)
    drawn = [
        figures_rate.fig_cost_by_rate(broken, **COURSE, rates=rates),
        figures_rate.fig_cost_band(broken, **COURSE, rates=rates),
        figures_rate.fig_solved_over_iterations(broken, init="random", loss_keys=("bce",), rates=rates),
    ]
    for fig in drawn:
        assert "ejecución fallida" in figure_text(fig) and draws(fig)
    assert "ejecución fallida (α = 0.5, aleatoria, BCE): El archivo de resultados" in figure_text(drawn[0])
    assert "(divergió)" in figure_text(drawn[0])


def test_nothing_ran_still_renders(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    for fig in (
        figures_rate.fig_cost_by_rate(runs, **COURSE, rates=RATES),
        figures_rate.fig_cost_band(runs, **COURSE, rates=RATES),
    ):
        assert draws(fig) and "ejecución fallida" in figure_text(fig)
        assert all(ax.get_yscale() == "linear" for ax in fig.axes)  # nothing drawn: no log scale


def test_solved_curve_counts_the_seeds_solved_for_good(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    curve = figures_rate.solved_curve(record)
    assert curve.shape == (151,) and curve[0] == 0.0
    assert curve[-1] == pytest.approx(record.seeds.n_solved / record.seeds.n_seeds)
    assert all(a <= b for a, b in zip(curve, curve[1:], strict=False))
