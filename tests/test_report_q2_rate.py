"""Tests of report.q2_rate: the learning-rate comparison, read from real runs' records."""

import numpy as np
import pytest

from nnsimple_lab.report import es, q2_rate
from nnsimple_lab.report import runs as run_view
from tests.runsfolder import write_runs_folder

COURSE = {"init": "random", "loss": "bce"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(folder, learning_rates=(0.1, 0.5), iterations=150, seeds=4)
    return run_view.load(folder)


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """A damaged random run at 0.5 and a diverging rate, BCE only."""
    folder = tmp_path_factory.mktemp("broken")
    write_runs_folder(
        folder, learning_rates=(0.5, 10.0), losses=("bce",), iterations=120, seeds=3, damaged=("lr0.5-random-bce",)
    )
    return run_view.load(folder)


def _group(runs):
    return run_view.select(runs, **COURSE)


def test_rates_and_columns(runs):
    assert q2_rate.rates(runs, **COURSE) == [0.1, 0.5]
    assert [title for title, _ in q2_rate.columns(runs, **COURSE)] == ["α = 0.1", "α = 0.5"]
    assert q2_rate.rates_intro_sentence(runs, **COURSE) == (
        "Usamos la inicialización aleatoria y el costo BCE con las tasas 0.1 y 0.5."
    )
    assert "no tiene ejecuciones con inicialización de Xavier y BCE" in q2_rate.rates_intro_sentence(
        runs, init="xavier", loss="bce"
    )


def test_best_rate_is_the_first_to_solve(runs):
    solved = {r.learning_rate: r.record.iterations_to_solve for r in _group(runs) if r.record.solved}
    expected = min(solved, key=lambda lr: (solved[lr], lr)) if solved else None
    assert q2_rate.best_rate(runs, **COURSE) == expected
    sentence = q2_rate.best_rate_sentence(runs, **COURSE)
    if expected is None:
        assert "Ninguna tasa" in sentence
    else:
        assert f"La tasa $\\alpha = {expected}$ es la primera" in sentence
        assert f"iteración {solved[expected]}" in sentence


def test_seeds_sentence_counts(runs):
    sentence = q2_rate.seeds_sentence(runs, **COURSE)
    for run in _group(runs):
        n = int(run.record.seeds.solved.sum())
        assert f"{n} con $\\alpha = {run.learning_rate}$" in sentence
    assert "De las 4 semillas (0 a 3), resuelven XOR en 150 iteraciones" in sentence


def test_parameter_motion_is_measured(runs):
    sentence = q2_rate.parameter_motion_sentence(runs, **COURSE)
    assert sentence.startswith("En las últimas 15 iteraciones, el mayor cambio de un parámetro es ")
    for run in _group(runs):
        move = max(float(np.max(np.abs(h[-1] - h[-16]))) for h in run.record.history.values())
        assert f"{es.fmt_value(move)} con $\\alpha = {run.learning_rate}$" in sentence


def test_cost_by_rate_starts_from_the_same_weights(runs):
    sentence = q2_rate.cost_by_rate_sentence(runs, **COURSE)
    first = run_view.find(runs, 0.1, "random", "bce").record.costs[0]
    assert sentence.startswith(f"Todas parten del mismo costo, {es.fmt_cost(first)}, porque parten de los mismos pesos")
    for run in _group(runs):
        assert f"con $\\alpha = {run.learning_rate}$ llega a {es.fmt_cost(run.record.final_cost)}" in sentence


def test_rate_table_and_conclusion(runs):
    table = q2_rate.rate_table(runs, **COURSE).splitlines()
    assert table[0] == (
        "| $\\alpha$ | Costo final | Exactitud final | Iteraciones hasta 100 % | Semillas resueltas "
        "| Mediana de iteraciones |"
    )
    assert [line.split(" | ")[0] for line in table[2:]] == ["| 0.1", "| 0.5"]
    conclusion = q2_rate.conclusion_q2(runs, **COURSE)
    counts = es.join_es(f"{r.record.seeds.n_solved} con $\\alpha = {r.learning_rate}$" for r in _group(runs))
    assert f"De 4 semillas, resuelven XOR {counts}" in conclusion


def test_failures_and_divergence_are_said_never_nan(broken):
    sentence = q2_rate.best_rate_sentence(broken, **COURSE)
    assert "divergió" in sentence.lower() and "Sin resultado: $\\alpha = 0.5$ (ejecución fallida" in sentence
    assert "ejecución fallida" in q2_rate.rate_table(broken, **COURSE)
    for text in (
        sentence,
        q2_rate.seeds_sentence(broken, **COURSE),
        q2_rate.cost_by_rate_sentence(broken, **COURSE),
        q2_rate.parameter_motion_sentence(broken, **COURSE),
        q2_rate.conclusion_q2(broken, **COURSE),
    ):
        assert "nan" not in text


def test_nothing_ran(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    assert "Ninguna ejecución" in q2_rate.best_rate_sentence(runs, **COURSE)
    assert q2_rate.seeds_sentence(runs, **COURSE) == "" and q2_rate.parameter_motion_sentence(runs, **COURSE) == ""
    assert q2_rate.conclusion_q2(runs, **COURSE) == (
        "No hay ejecuciones terminadas con inicialización aleatoria para comparar tasas."
    )
