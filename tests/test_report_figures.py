"""Tests of report.figures: real figures, checked on what they draw and how they name it."""

import io

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report import figures
from nnsimple_lab.report import runs as run_view
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(folder, learning_rates=(0.1, 0.5), iterations=150, seeds=4)
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


COURSE = {"init": "random", "loss": "bce"}


def test_figures_have_spanish_labels(runs):
    drawn = [
        figures.fig_cost_by_init(runs, 0.5),
        figures.fig_parameters([("a", run_view.find(runs, 0.5, "zeros", "bce"))], "Pesos"),
        figures.fig_cost_by_rate(runs, **COURSE),
        figures.fig_cost_band(runs, **COURSE),
        figures.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse")),
        figures.fig_seeds_solved(runs, init="random"),
        figures.fig_dz2_vs_output(["bce", "mse"], about="mse"),
    ]
    for fig in drawn:
        assert isinstance(fig, Figure) and _draws(fig)
        text = _figure_text(fig)
        assert "Iteración" in text or "Salida" in text or "Tasa de aprendizaje" in text
    assert "todos valen 0" in _figure_text(drawn[1])
    assert drawn[0].get_suptitle() == (
        "El costo con inicialización en ceros no se mueve; con inicialización aleatoria baja"
    )
    assert drawn[6].axes[0].get_title() == "Con MSE el gradiente se apaga cuando la salida está muy equivocada"


def test_inits_and_losses_are_drawn_as_the_vocabulary_says(runs):
    panels = figures.fig_cost_by_init(runs, 0.5).axes
    assert [ax.get_title() for ax in panels] == ["BCE, α = 0.5", "MSE, α = 0.5"]
    assert [ax.get_ylabel() for ax in panels] == [vocab.loss("bce").cost_label, vocab.loss("mse").cost_label]
    for line in panels[0].get_lines():
        entry = next(vocab.init(k) for k in ("zeros", "random") if vocab.init(k).short == line.get_label())
        assert (to_hex(line.get_color()), line.get_linestyle()) == (entry.color, entry.style)
    curves = figures.fig_dz2_vs_output(["bce", "mse"], about="mse").axes[0].get_lines()
    assert [line.get_label() for line in curves] == ["BCE: $|a - y|$", "MSE: $|2(a - y)\\,a(1 - a)|$"]
    assert [(to_hex(c.get_color()), c.get_linestyle()) for c in curves] == [("#1f77b4", "-"), ("#ff7f0e", "--")]
    bars = figures.fig_seeds_solved(runs, init="random").axes[0]
    legend = bars.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["BCE", "MSE"]
    assert sorted({to_hex(p.get_facecolor()) for p in bars.patches}) == ["#1f77b4", "#ff7f0e"]
    styles = {
        line.get_label(): line.get_linestyle()
        for line in figures.fig_solved_over_iterations(runs, init="random", loss_keys=("bce", "mse"))
        .axes[0]
        .get_lines()
    }
    assert styles["α = 0.1, BCE"] == "-" and styles["α = 0.5, MSE"] == "--"


def test_the_dz2_curves_are_the_losses_own_functions():
    (ax,) = figures.fig_dz2_vs_output(["mse"], about="mse").axes
    (line,) = ax.get_lines()
    a = line.get_xdata()
    assert line.get_ydata() == pytest.approx(abs(nn.mse_dZ2(a[None, :], 1.0 + 0 * a[None, :]) * a.size).ravel())


def test_failures_are_shown_in_place(broken):
    with_failures = [
        figures.fig_cost_by_init(broken, 0.5),
        figures.fig_parameters([("α = 0.5", run_view.find(broken, 0.5, "random", "bce"))], "Pesos"),
        figures.fig_cost_by_rate(broken, **COURSE),
        figures.fig_cost_band(broken, **COURSE),
        figures.fig_solved_over_iterations(broken, init="random", loss_keys=("bce",)),
        figures.fig_seeds_solved(broken, init="random"),
    ]
    for fig in with_failures:
        assert "ejecución fallida" in _figure_text(fig)
        assert _draws(fig)
    assert "ejecución fallida (α = 0.5, aleatoria, BCE): El archivo de resultados" in _figure_text(with_failures[2])
    assert "(divergió)" in _figure_text(with_failures[2])
    missing = figures.fig_parameters([("α = 0.3", None)], "Pesos")
    assert "no está en la rejilla" in _figure_text(missing)


def test_nothing_ran_still_renders(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    assert not any(r.ok for r in runs)
    for fig in (
        figures.fig_cost_by_rate(runs, **COURSE),
        figures.fig_cost_band(runs, **COURSE),
        figures.fig_cost_by_init(runs, 0.5),
    ):
        assert _draws(fig)
        assert "ejecución fallida" in _figure_text(fig)
        assert all(ax.get_yscale() == "linear" for ax in fig.axes)  # nothing drawn: no log scale


def test_solved_curve_counts_the_seeds_solved_for_good(runs):
    record = run_view.find(runs, 0.5, "random", "bce").record
    curve = figures.solved_curve(record)
    assert curve.shape == (151,) and curve[0] == 0.0
    assert curve[-1] == pytest.approx(record.seeds.n_solved / record.seeds.n_seeds)
    assert all(a <= b for a, b in zip(curve, curve[1:], strict=False))
