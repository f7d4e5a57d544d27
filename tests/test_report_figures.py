"""Tests of report.figures: real figures, checked on what they draw, how they name it, their text
alternatives, and that no text is printed smaller than ``figures.MIN_FONT`` points."""

import io
import re

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

import nnsimple as nn
from nnsimple_lab import outputs, vocab
from nnsimple_lab.report import figures
from nnsimple_lab.report import runs as run_view
from tests import handmade
from tests.runsfolder import write_runs_folder

COURSE = {"init": "random", "loss": "bce"}
RATES = (0.1, 0.5)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(folder, learning_rates=RATES, iterations=150, seeds=4)
    return run_view.load(folder)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A failed zero run, a damaged random run and a diverging rate, BCE only."""
    folder = tmp_path_factory.mktemp("broken")
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


def _figure_text(fig):
    texts = [fig.get_suptitle(), fig.get_supxlabel()]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()]
    return " ".join(texts)


def _draws(fig):
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


def all_figures(runs):
    return [
        figures.fig_cost_by_init(runs, 0.5),
        figures.fig_parameters(run_view_columns(runs), "Pesos"),
        figures.fig_cost_by_rate(runs, **COURSE, rates=RATES),
        figures.fig_cost_band(runs, **COURSE, rates=RATES),
        figures.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"), rates=RATES),
        figures.fig_seeds_solved(runs, init="random"),
        figures.fig_dz2_vs_output(["bce", "mse"], about="mse"),
    ]


def run_view_columns(runs):
    return [(f"α = {lr}", run_view.find(runs, lr, "random", "bce")) for lr in RATES]


def test_figures_have_spanish_labels(runs):
    drawn = all_figures(runs)
    for fig in drawn:
        assert isinstance(fig, Figure) and _draws(fig)
        text = _figure_text(fig)
        assert "Iteración" in text or "Salida" in text or "Tasa de aprendizaje" in text
    assert drawn[0].get_suptitle() == "Con inicialización en ceros el costo no se mueve; con la aleatoria baja"
    assert drawn[6].axes[0].get_title() == "Con MSE el gradiente se apaga cuando la salida está muy equivocada"
    zeros = figures.fig_parameters([("a", run_view.find(runs, 0.5, "zeros", "bce"))], "Pesos")
    assert "todos valen 0" in _figure_text(zeros)


def test_no_text_is_printed_under_seven_points(runs):
    for fig in all_figures(runs):
        smallest, width = printed_sizes(fig)
        assert smallest >= 7.0 and width <= figures.PAGE_WIDTH + 1e-6, (_figure_text(fig)[:60], smallest)
    four = [(f"α = {lr}", handmade.run(lr)) for lr in (0.01, 0.1, 0.5, 1.0)]
    assert printed_sizes(figures.fig_parameters(four, "Pesos"))[0] >= 7.0


def test_the_title_only_claims_what_holds():
    moving = [handmade.run(0.5, "zeros", final_cost=0.3), handmade.run(0.5)]
    assert figures.fig_cost_by_init(moving, 0.5).get_suptitle() == "Costo por iteración según la inicialización"
    alone = [handmade.run(0.5)]
    assert figures.fig_cost_by_init(alone, 0.5).get_suptitle() == "Costo por iteración según la inicialización"


def test_alt_texts_say_what_the_figure_shows_with_numbers(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    alts = [
        figures.alt_cost_by_init(runs, 0.5),
        figures.alt_parameters(run_view_columns(runs)),
        figures.alt_cost_by_rate(runs, **COURSE, rates=RATES),
        figures.alt_cost_band(runs, **COURSE, rates=RATES),
        figures.alt_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"), rates=RATES),
        figures.alt_seeds_solved(runs, init="random"),
        figures.alt_dz2_vs_output(["bce", "mse"]),
    ]
    for alt in alts:
        assert "\\" not in alt and "$" not in alt and re.search(r"\d", alt)
    assert "con inicialización en ceros: el costo se queda en 0.6931 en 150 iteraciones" in alts[0]
    assert f"pasa de {record.costs[0]:.4f} a {record.final_cost:.4f}" in alts[0]
    assert f"{record.seeds.n_solved} de 4 con tasa 0.5" in alts[5]


def test_inits_and_losses_are_drawn_as_the_vocabulary_says(runs):
    panels = figures.fig_cost_by_init(runs, 0.5).axes
    assert [ax.get_title() for ax in panels] == ["BCE, α = 0.5", "MSE, α = 0.5"]
    assert [ax.get_ylabel() for ax in panels] == [vocab.loss("bce").cost_label, vocab.loss("mse").cost_label]
    for line in panels[0].get_lines():
        entry = next(vocab.init(k) for k in ("zeros", "random") if vocab.init(k).short == line.get_label())
        assert (to_hex(line.get_color()), line.get_linestyle()) == (entry.color, entry.style)
    curves = figures.fig_dz2_vs_output(["bce", "mse"], about="mse").axes[0].get_lines()
    assert [line.get_label() for line in curves] == ["BCE: $|a - y|$", "MSE: $|2(a - y)\\,a(1 - a)|$"]
    bars = figures.fig_seeds_solved(runs, init="random").axes[0]
    assert [t.get_text() for t in bars.get_legend().get_texts()] == ["BCE", "MSE"]
    assert sorted({to_hex(p.get_facecolor()) for p in bars.patches}) == ["#1f77b4", "#ff7f0e"]
    styles = {
        line.get_label(): line.get_linestyle()
        for line in figures.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"), rates=RATES)
        .axes[0]
        .get_lines()
    }
    assert styles["α = 0.1, BCE"] == "-" and styles["α = 0.5, MSE"] == "--"


def test_many_rates_become_lines_against_the_rate():
    runs = [handmade.run(lr, loss=x) for lr in (0.01, 0.1, 0.5, 1.0, 3.0) for x in ("bce", "mse")]
    ax = figures.fig_seeds_solved(runs, init="random").axes[0]
    assert ax.get_xscale() == "log" and not ax.patches and len(ax.get_lines()) == 2
    assert figures.rates_caption([0.01, 0.5, 3.0], [0.01, 0.1, 0.5, 1.0, 3.0]) == (
        "con las tasas 0.01, 0.5 y 3.0 (3 de las 5 de la rejilla)"
    )
    assert figures.rates_caption([0.1, 0.5], [0.1, 0.5]) == "con cada tasa de aprendizaje"
    assert figures.rates_caption([0.5], [0.5]) == "con $\\alpha = 0.5$"


def test_the_dz2_curves_are_the_losses_own_functions():
    (ax,) = figures.fig_dz2_vs_output(["mse"], about="mse").axes
    (line,) = ax.get_lines()
    a = line.get_xdata()
    assert line.get_ydata() == pytest.approx(abs(nn.mse_dZ2(a[None, :], 1.0 + 0 * a[None, :]) * a.size).ravel())


def test_failures_are_shown_in_place(broken):
    with_failures = [
        figures.fig_cost_by_init(broken, 0.5),
        figures.fig_parameters([("α = 0.5", run_view.find(broken, 0.5, "random", "bce"))], "Pesos"),
        figures.fig_cost_by_rate(broken, **COURSE, rates=(0.5, 10.0)),
        figures.fig_cost_band(broken, **COURSE, rates=(0.5, 10.0)),
        figures.fig_solved_over_iterations(broken, init="random", loss_keys=("bce",), rates=(0.5, 10.0)),
        figures.fig_seeds_solved(broken, init="random"),
    ]
    for fig in with_failures:
        assert "ejecución fallida" in _figure_text(fig) and _draws(fig)
    assert "ejecución fallida (α = 0.5, aleatoria, BCE): El archivo de resultados" in _figure_text(with_failures[2])
    assert "(divergió)" in _figure_text(with_failures[2])
    assert "no está en la rejilla" in _figure_text(figures.fig_parameters([("α = 0.3", None)], "Pesos"))
    assert "ejecución fallida" in figures.alt_parameters([("α = 0.5", run_view.find(broken, 0.5, "random", "bce"))])


def test_nothing_ran_still_renders(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    for fig in (
        figures.fig_cost_by_rate(runs, **COURSE, rates=RATES),
        figures.fig_cost_band(runs, **COURSE, rates=RATES),
        figures.fig_cost_by_init(runs, 0.5),
    ):
        assert _draws(fig) and "ejecución fallida" in _figure_text(fig)
        assert all(ax.get_yscale() == "linear" for ax in fig.axes)  # nothing drawn: no log scale


def test_solved_curve_counts_the_seeds_solved_for_good(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    curve = figures.solved_curve(record)
    assert curve.shape == (151,) and curve[0] == 0.0
    assert curve[-1] == pytest.approx(record.seeds.n_solved / record.seeds.n_seeds)
    assert all(a <= b for a, b in zip(curve, curve[1:], strict=False))
