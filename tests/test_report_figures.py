"""Tests of report.figures: question 1's figures and the parameter trajectories, on real runs: what they
draw, how they name it, their text alternatives, and their printed text size."""

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from nnsimple_lab import vocab
from nnsimple_lab.report import figures
from nnsimple_lab.report import runs as run_view
from tests import handmade
from tests.figurekit import RATES, broken_runs, draws, figure_text, grid_runs, plain_alt, readable
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return broken_runs(tmp_path_factory.mktemp("broken"))


def _columns(runs):
    return [(f"α = {lr}", run_view.find(runs, lr, "random", "bce")) for lr in RATES]


def test_question_one_figures_say_what_holds(runs):
    cost = figures.fig_cost_by_init(runs, 0.5)
    assert isinstance(cost, Figure) and draws(cost) and readable(cost)
    assert cost.get_suptitle() == "Con inicialización en ceros el costo no se mueve; con la aleatoria baja"
    assert "Iteración" in figure_text(cost)
    moving = [handmade.run(0.5, "zeros", final_cost=0.3), handmade.run(0.5)]
    assert figures.fig_cost_by_init(moving, 0.5).get_suptitle() == "Costo por iteración según la inicialización"
    alone = [handmade.run(0.5)]
    assert figures.fig_cost_by_init(alone, 0.5).get_suptitle() == "Costo por iteración según la inicialización"


def test_inits_are_drawn_as_the_vocabulary_says(runs):
    panels = figures.fig_cost_by_init(runs, 0.5).axes
    assert [ax.get_title() for ax in panels] == ["BCE, α = 0.5", "MSE, α = 0.5"]
    assert [ax.get_ylabel() for ax in panels] == [vocab.loss("bce").cost_label, vocab.loss("mse").cost_label]
    for line in panels[0].get_lines():
        entry = next(vocab.init(k) for k in ("zeros", "random") if vocab.init(k).short == line.get_label())
        assert (to_hex(line.get_color()), line.get_linestyle()) == (entry.color, entry.style)


def test_parameters_fit_the_page_with_up_to_four_columns(runs):
    fig = figures.fig_parameters(_columns(runs), "Pesos")
    assert draws(fig) and readable(fig)
    four = [(f"α = {lr}", handmade.run(lr)) for lr in (0.01, 0.1, 0.5, 1.0)]
    assert readable(figures.fig_parameters(four, "Pesos"))
    zeros = figures.fig_parameters([("a", run_view.find(runs, 0.5, "zeros", "bce"))], "Pesos")
    assert "todos valen 0" in figure_text(zeros)


def test_alt_texts_say_what_the_figure_shows_with_numbers(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    cost = figures.alt_cost_by_init(runs, 0.5)
    assert plain_alt(cost)
    assert "con inicialización en ceros: el costo se queda en 0.6931 en 150 iteraciones" in cost
    assert f"pasa de {record.costs[0]:.4f} a {record.final_cost:.4f}" in cost
    params = figures.alt_parameters(_columns(runs))
    assert plain_alt(params) and "el mayor peso en valor absoluto pasa de" in params


def test_rates_captions_name_what_is_drawn():
    assert figures.rates_caption([0.01, 0.5, 3.0], [0.01, 0.1, 0.5, 1.0, 3.0]) == (
        "con las tasas 0.01, 0.5 y 3.0 (3 de las 5 de la rejilla)"
    )
    assert figures.rates_caption([0.1, 0.5], [0.1, 0.5]) == "con cada tasa de aprendizaje"
    assert figures.rates_caption([0.5], [0.5]) == "con $\\alpha = 0.5$"


def test_failures_are_shown_in_place(broken):
    for fig in (
        figures.fig_cost_by_init(broken, 0.5),
        figures.fig_parameters([("α = 0.5", run_view.find(broken, 0.5, "random", "bce"))], "Pesos"),
    ):
        assert "ejecución fallida" in figure_text(fig) and draws(fig)
    assert "no está en la rejilla" in figure_text(figures.fig_parameters([("α = 0.3", None)], "Pesos"))
    assert "ejecución fallida" in figures.alt_parameters([("α = 0.5", run_view.find(broken, 0.5, "random", "bce"))])


def test_nothing_ran_still_renders(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    fig = figures.fig_cost_by_init(run_view.load(tmp_path), 0.5)
    assert draws(fig) and "ejecución fallida" in figure_text(fig)
