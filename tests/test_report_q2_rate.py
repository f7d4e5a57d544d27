"""Tests of report.q2_rate: the grid's rates compared, on real runs and on hand-made records for the cases
where a claim must not be made (a tie, a non-monotone cost, one rate, many rates, failures)."""

import re

import numpy as np
import pytest

from nnsimple_lab.report import es, q2_rate
from nnsimple_lab.report import runs as run_view
from tests import figurekit, handmade
from tests.runsfolder import write_runs_folder

COURSE = {"init": "random", "loss": "bce"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return figurekit.grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A damaged random run at 0.5 and a diverging rate, BCE only."""
    folder = tmp_path_factory.mktemp("broken")
    write_runs_folder(
        folder, learning_rates=(0.5, 10.0), losses=("bce",), iterations=120, seeds=3, damaged=("lr0.5-random-bce",)
    )
    return run_view.load(folder)


def _alphas(text):
    """The largest number of values one sentence lists (alphas in it)."""
    return max(len(re.findall(r"\\alpha = ", s)) for s in text.split(". "))


def test_rates_and_columns(runs):
    assert q2_rate.rates(runs, **COURSE) == [0.1, 0.5]
    assert [title for title, _ in q2_rate.columns(runs, **COURSE)] == ["α = 0.1", "α = 0.5"]
    assert q2_rate.rates_intro_sentence(runs, **COURSE) == (
        "De la rejilla usamos la inicialización aleatoria y el costo BCE con las tasas 0.1 y 0.5."
    )
    assert "la responde solo el barrido" in q2_rate.rates_intro_sentence(runs, init="xavier", loss="bce")


def test_best_rate_is_the_first_to_solve(runs):
    solved = {r.learning_rate: r.record.iterations_to_solve for r in run_view.select(runs, **COURSE) if r.record.solved}
    expected = min(solved, key=lambda lr: (solved[lr], lr))
    assert q2_rate.best_rate(runs, **COURSE) == expected
    sentence = q2_rate.best_rate_sentence(runs, **COURSE)
    assert (
        f"{es.alpha(expected)} es la primera en alcanzar 100 % de exactitud (iteración {solved[expected]})" in sentence
    )
    assert sentence.startswith("Entre las tasas de la rejilla, en 150 iteraciones con la semilla 2,")


def test_a_tie_is_a_tie():
    runs = [handmade.run(0.1, main=80, solved=(80, 90, None)), handmade.run(0.5, main=80, solved=(40, 50, None))]
    sentence = q2_rate.best_rate_sentence(runs, **COURSE)
    assert "$\\alpha = 0.1$ y $\\alpha = 0.5$ empatan como las primeras" in sentence and "es la primera" not in sentence
    seeds = q2_rate.seeds_sentence(runs, **COURSE)
    assert "Todas las tasas de la rejilla resuelven el mismo número de semillas, 2." in seeds and "máximo" not in seeds
    three = runs + [handmade.run(0.01, main=None, solved=(None, None, None))]
    assert "El máximo entre las tasas de la rejilla, 2, lo alcanzan $\\alpha = 0.1$ y $\\alpha = 0.5$." in (
        q2_rate.seeds_sentence(three, **COURSE)
    )


def test_a_trend_only_where_the_data_are_monotone():
    monotone = [
        handmade.run(lr, final_cost=c, largest_weight=w)
        for lr, c, w in ((0.01, 0.5, 2), (0.1, 0.05, 3), (0.5, 0.007, 5))
    ]
    sentence = q2_rate.cost_by_rate_sentence(monotone, **COURSE)
    assert "Entre las tasas de la rejilla (de 0.01 a 0.5), cuanto mayor la tasa, más bajo el costo final" in sentence
    assert "cuanto mayor la tasa, más grande el mayor peso final" in sentence
    # the alpha = 3.0: a higher cost and a smaller weight there; no law
    bumpy = monotone + [handmade.run(3.0, final_cost=0.3467, largest_weight=4)]
    sentence = q2_rate.cost_by_rate_sentence(bumpy, **COURSE)
    assert "cuanto mayor" not in sentence
    two = q2_rate.cost_by_rate_sentence(monotone[1:], **COURSE)
    assert "cuanto mayor" not in two  # two values are no trend


def test_one_rate_reads_as_what_was_run():
    one = [handmade.run(0.5, main=51)]
    assert q2_rate.best_rate_sentence(one, **COURSE) == (
        "Con $\\alpha = 0.5$ y la semilla 2, la red alcanza 100 % de exactitud en la iteración 51."
    )
    seeds = q2_rate.seeds_sentence(one, **COURSE)
    assert "máximo" not in seeds and "Todas las tasas" not in seeds
    assert "cuanto mayor" not in q2_rate.cost_by_rate_sentence(one, **COURSE)


def test_many_rates_never_list_more_than_four_values():
    rates = (0.001, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 5.0)
    runs = [handmade.run(lr, main=int(100 / lr) if lr >= 0.1 else None, final_cost=0.1 / lr) for lr in rates]
    for text in (
        q2_rate.best_rate_sentence(runs, **COURSE, table_ref="Tabla 5"),
        q2_rate.cost_by_rate_sentence(runs, **COURSE, table_ref="Tabla 5"),
        q2_rate.parameter_motion_sentence(runs, **COURSE),
        q2_rate.seeds_sentence(runs, **COURSE, table_ref="Tabla 5"),
        q2_rate.rates_intro_sentence(runs, **COURSE),
    ):
        assert _alphas(text) <= 4, text
    assert "Tabla 5" in q2_rate.best_rate_sentence(runs, **COURSE, table_ref="Tabla 5")
    assert len(q2_rate.shown_rates(runs, **COURSE)) == 4 and len(q2_rate.rate_table(runs, **COURSE).splitlines()) == 11


def test_seeds_sentence_counts(runs):
    sentence = q2_rate.seeds_sentence(runs, **COURSE)
    for run in run_view.select(runs, **COURSE):
        assert f"{run.record.seeds.n_solved} con $\\alpha = {run.learning_rate}$" in sentence
    assert sentence.startswith("De las 4 semillas (0 a 3), resuelven XOR en 150 iteraciones: ")


def test_parameter_motion_is_measured(runs):
    sentence = q2_rate.parameter_motion_sentence(runs, **COURSE)
    assert sentence.startswith("En las últimas 15 iteraciones, el mayor cambio de un parámetro es ")
    for run in run_view.select(runs, **COURSE):
        move = max(float(np.max(np.abs(h[-1] - h[-16]))) for h in run.record.history.values())
        assert f"{es.fmt_value(move)} con $\\alpha = {run.learning_rate}$" in sentence


def test_parameter_motion_names_only_the_rates_it_measured(runs):
    measured = run_view.select(runs, **COURSE)
    everyone = q2_rate.parameter_motion_sentence(measured, **COURSE)
    assert "con ninguna tasa de la rejilla se quedan quietos en 150 iteraciones." in everyone
    # a diverged run's parameters are left out: the sentence does not speak for its rate
    with_diverged = [*measured, handmade.run(30.0, diverged=True)]
    sentence = q2_rate.parameter_motion_sentence(with_diverged, **COURSE)
    assert "30.0" not in sentence and "con ninguna de esas tasas se quedan quietos en 150 iteraciones." in sentence


def test_rate_table_defines_its_terms_in_cells(runs):
    table = q2_rate.rate_table([handmade.run(0.01, main=None), *run_view.select(runs, **COURSE)], **COURSE)
    assert table.splitlines()[0] == (
        "| $\\alpha$ | Costo final | Exactitud final | Iteraciones hasta 100 % | Semillas resueltas "
        "| Mediana de iteraciones hasta 100 % |"
    )
    assert "no alcanza 100 %" in table and "no converge" not in table


def test_failures_and_divergence_are_said_never_nan(broken):
    sentence = q2_rate.best_rate_sentence(broken, **COURSE)
    assert "Sin resultado: $\\alpha = 0.5$ (ejecución fallida" in sentence
    assert "ejecución fallida" in q2_rate.rate_table(broken, **COURSE)
    for text in (
        sentence,
        q2_rate.seeds_sentence(broken, **COURSE),
        q2_rate.cost_by_rate_sentence(broken, **COURSE),
        q2_rate.parameter_motion_sentence(broken, **COURSE),
    ):
        assert "nan" not in text


def test_one_seed_is_said_as_one(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5, 3.0), inits=("random",), losses=("bce",), iterations=80, seeds=1)
    runs = run_view.load(tmp_path)
    assert q2_rate.seeds_sentence(runs, **COURSE).startswith("Con la única semilla (la 0), resuelven XOR")
    lead = q2_rate.seeds_lead(runs, **COURSE, figures_ref="La Figura 5 y la Figura 6")
    assert lead.startswith("La Figura 5 y la Figura 6 muestran la única semilla de la rejilla") and "todas" not in lead
    many = q2_rate.seeds_lead(run_view.select(runs, **COURSE)[:0], **COURSE, figures_ref="La Figura 5")
    assert many.startswith("Una sola semilla no basta")
