"""Tests of figures: real figures, checked on what is drawn (lines, labels, titles, limits)."""

import io
import re

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

import nnsimple as nn
from nnsimple_lab import figures, outputs, results, training


@pytest.fixture(scope="module")
def run():
    X, Y = nn.load_dataset("xor")
    result = training.train(X, Y, iterations=200, learning_rate=0.5)
    seeds = training.train_seeds(X, Y, seeds=range(8), iterations=200, learning_rate=0.5)
    return X, Y, result, seeds


def renders(fig):
    """The figure draws to PNG without error."""
    fig.savefig(io.BytesIO(), format="png")
    return True


def test_cost_figure_draws_one_curve_over_every_iteration(run):
    _, _, result, _ = run
    fig = figures.cost_figure(result.costs, loss="bce")
    assert isinstance(fig, Figure) and renders(fig)
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), result.costs)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(201))
    assert ax.get_xlim() == (0, 200)
    assert ax.get_title() == "Costo durante el entrenamiento"
    assert ax.get_xlabel().startswith("Iteración")
    assert ax.get_ylabel() == "Costo $J$ (BCE)"
    assert any(t.get_text() == f"costo final: {result.costs[-1]:.4g}" for t in ax.texts)


def test_cost_figure_takes_a_stored_record_with_nulls():
    """A record's costs are lists with None for non-finite values: they plot as gaps."""
    fig = figures.cost_figure([0.7, 0.5, None, 0.2], loss="mse", log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "Costo $J$ (MSE)"
    assert np.isnan(ax.get_lines()[0].get_ydata()[2])
    assert renders(fig)


def test_plot_costs_is_a_building_block_for_comparisons(run):
    _, _, result, seeds = run
    fig = Figure()
    ax = fig.add_subplot()
    for i in range(3):
        figures.plot_costs(ax, seeds.costs[i], label=figures.run_label(0.5, "random", "bce") + f", semilla {i}")
    assert len(ax.get_lines()) == 3
    assert ax.get_lines()[0].get_label() == "α = 0.5, aleatoria, BCE, semilla 0"
    assert figures.run_label(1, "zeros", "mse") == "α = 1.0, ceros, MSE"  # the rate as the grid writes it


def test_run_figures_are_laid_out_by_plotting(run):
    _, _, result, _ = run
    fig = figures.cost_figure(result.costs, loss="mse")
    box = fig.axes[0].get_position()
    width, height = fig.get_size_inches()
    assert (width, height) == figures.FIGSIZE
    margins = figures.MARGINS
    assert box.x0 * width == pytest.approx(margins.left) and (1 - box.y1) * height == pytest.approx(margins.top)
    assert fig.axes[0].get_ylabel() == "Costo $J$ (MSE)"


def test_parameters_figure_has_one_panel_per_parameter_and_one_line_per_entry(run):
    _, _, result, _ = run
    fig = figures.parameters_figure(result.history)
    assert renders(fig)
    assert fig.get_suptitle() == "Pesos y sesgos durante el entrenamiento"
    panels = fig.axes
    assert [ax.get_title() for ax in panels] == [figures.PARAMETER_TITLES[k] for k in nn.PARAMETER_NAMES]
    labels = [[line.get_label() for line in ax.get_lines()] for ax in panels]
    assert labels == [
        ["$W_1[0,0]$", "$W_1[0,1]$", "$W_1[1,0]$", "$W_1[1,1]$"],
        ["$b_1[0,0]$", "$b_1[1,0]$"],
        ["$W_2[0,0]$", "$W_2[0,1]$"],
        ["$b_2[0,0]$"],
    ]
    w1_01 = panels[0].get_lines()[1]
    np.testing.assert_array_equal(w1_01.get_ydata(), result.history["W1"][:, 0, 1])
    assert panels[2].get_xlabel() == "Iteración" and panels[0].get_ylabel() == "Valor"
    for ax in panels:
        assert ax.get_xlim() == (0, 200)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [line.get_label() for line in ax.get_lines()]


def test_entry_labels_follow_numpy_index_order():
    labels = ["$W_1[0,0]$", "$W_1[0,1]$", "$W_1[1,0]$", "$W_1[1,1]$", "$W_1[2,0]$", "$W_1[2,1]$"]
    assert figures.entry_labels("W1", (3, 2)) == labels  # the report's notation


def test_decision_figure_shows_the_boundary_and_the_four_points(run):
    X, Y, result, _ = run
    fig = figures.decision_figure(result.parameters, X, Y)
    assert renders(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "Frontera de decisión"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    assert ax.get_xlim() == (-0.5, 1.5) and ax.get_ylim() == (-0.5, 1.5)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sorted(len(p.get_offsets()) for p in points) == [2, 2]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["frontera ($A_2 = 0.5$)", "clase 0", "clase 1"]
    assert fig.axes[1].get_ylabel() == "$A_2$ (probabilidad de la clase 1)"  # the colour bar
    svg = outputs.figure_svg(fig)
    assert svg.count("<image") == 1  # the colour bands, as one picture; the line and points stay vectors
    assert len(svg) < 60_000 and re.search(r'<path d="M [^"]*" clip-path', svg)


def test_decision_figure_without_a_boundary_says_so():
    """Zero initialisation on XOR: A2 = 0.5 everywhere, one class predicted on the whole plane."""
    X, Y = nn.load_dataset("xor")
    result = training.train(X, Y, init="zeros", iterations=10)
    record = results.run_record(
        result, training.train_seeds(X, Y, seeds=[0], init="zeros", iterations=10), dataset="xor", X=X, Y=Y
    )
    fig = figures.decision_figure(record["final_parameters"], record["data"]["X"], record["data"]["Y"])
    assert renders(fig)
    ax = fig.axes[0]
    assert any("Sin frontera" in t.get_text() and "clase 1" in t.get_text() for t in ax.texts)
    assert "frontera ($A_2 = 0.5$)" not in [t.get_text() for t in fig.legends[0].get_texts()]


def test_seeds_figure_counts_solved_and_unsolved_seeds(run):
    _, _, _, seeds = run
    fig = figures.seeds_figure(seeds.final_cost, seeds.solved, loss="bce")
    assert renders(fig)
    ax = fig.axes[0]
    n_solved = int(seeds.solved.sum())
    assert ax.get_title() == f"Costo final con 8 semillas: {n_solved} resuelven la tarea"
    assert ax.get_xlabel() == "Costo final (BCE)" and ax.get_ylabel() == "Número de semillas"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"resuelven la tarea ({n_solved})", f"no la resuelven ({8 - n_solved})"]
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == 8


def test_seeds_figure_with_identical_costs_and_a_diverged_seed():
    fig = figures.seeds_figure([0.6931, 0.6931, None], [False, False, False])
    assert renders(fig)
    ax = fig.axes[0]
    assert sum(p.get_height() for p in ax.patches) == 2  # the non-finite cost is left out
    assert ax.get_title() == "Costo final con 3 semillas: 0 resuelven la tarea"


def test_predictions_table_lists_inputs_targets_outputs_and_predictions():
    X, Y = nn.load_dataset("xor")
    A2 = np.array([[0.1, 0.9, 0.4, 0.5]])
    table = figures.predictions_table(X, Y, A2).splitlines()
    assert table[0] == "| $x_1$ | $x_2$ | objetivo $y$ | $A_2$ | predicción | ¿acierta? |"
    assert table[2:] == [
        "| 0 | 0 | 0 | 0.1000 | 0 | sí |",
        "| 0 | 1 | 1 | 0.9000 | 1 | sí |",
        "| 1 | 0 | 1 | 0.4000 | 0 | no |",
        "| 1 | 1 | 0 | 0.5000 | 1 | no |",
    ]


def test_seeds_table_summarises_the_distribution():
    table = figures.seeds_table([0.1, 0.2, 0.3, None], [True, True, False, False]).splitlines()
    assert table[0].startswith("| semillas | resuelven la tarea | costo final: mínimo")
    assert table[2] == "| 4 | 2 (50 %) | 0.1000 | 0.1200 | 0.2000 | 0.2800 | 0.3000 |"


# ---------------------------------------------------------------- text alternatives


def _plain_spanish_with_numbers(alt, caption_like=""):
    assert alt and alt != caption_like
    assert "\\" not in alt and "$" not in alt, "no markup, no LaTeX"
    assert re.search(r"\d", alt), "numbers from the data"
    return alt


def test_cost_alt_says_where_the_cost_starts_and_ends(run):
    _, _, result, _ = run
    alt = _plain_spanish_with_numbers(figures.cost_alt(result.costs, loss="bce"))
    assert alt == f"El costo BCE baja de {result.costs[0]:.4g} a {result.costs[-1]:.4g} en 200 iteraciones."
    flat = figures.cost_alt([0.6931, 0.6931, 0.6931])
    assert flat == "El costo se queda en 0.6931 durante las 2 iteraciones: no aprende."
    # back where it started, but not still: it is not said to stay
    there_and_back = figures.cost_alt([0.6931, 0.9, 0.2, 0.6931])
    assert there_and_back == "El costo empieza y termina en 0.6931 en 3 iteraciones; entre medio va de 0.2 a 0.9."
    assert "diverge" in figures.cost_alt([0.7, 3.0, None]) and "iteración 2" in figures.cost_alt([0.7, 3.0, None])


def test_parameters_alt_gives_each_parameter_at_the_start_and_the_end(run):
    _, _, result, _ = run
    alt = _plain_spanish_with_numbers(figures.parameters_alt(result.history))
    assert alt.startswith("Pesos y sesgos en 200 iteraciones, un panel por parámetro: W₁ (4 elementos) empieza entre")
    last = result.history["b2"][-1, 0, 0]
    assert f"b₂ (1 elemento) empieza en 0 y termina en {last:.3g}".replace("-", "−") in alt


def test_decision_alt_counts_the_examples_it_classifies_right():
    X, Y = nn.load_dataset("xor")
    result = training.train(X, Y, iterations=1000, learning_rate=0.5)
    alt = _plain_spanish_with_numbers(figures.decision_alt(result.parameters, X, Y))
    right = int(((result.A2[0] >= 0.5).astype(int) == Y[0]).sum())
    assert f"clasifica bien {right} de 4" in alt and "(0, 1): salida" in alt


def test_seeds_alt_counts_solved_seeds_and_their_costs():
    alt = figures.seeds_alt([0.01, 0.02, 0.5, None], [True, True, False, False])
    assert alt == (
        "Histograma del costo final de 4 semillas: 2 resuelven la tarea, con costo final entre 0.01 y 0.02; "
        "1 no la resuelve, con costo final en 0.5; 1 diverge."
    )
