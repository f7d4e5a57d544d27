"""Tests of report.q1_init: zero vs random initialisation, claims read from the histories.

Every run is trained for real (tests/runsfolder.py); expected numbers come from the records.
"""

import numpy as np
import pytest

from nnsimple_lab import vocab
from nnsimple_lab.report import es, q1_init
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


def test_the_question_is_about_zeros_against_the_course_init():
    assert q1_init.ZEROS in vocab.INITS and q1_init.RANDOM == vocab.REFERENCE_INIT
    assert q1_init.styles_phrase() == "inicialización en ceros (punteada) y aleatoria (continua)"


def test_reference_rate_solves_best(runs):
    def score(lr):
        record = run_view.find(runs, lr, "random", "bce").record
        k = record.iterations_to_solve
        return (-record.seeds.n_solved, np.inf if k is None else k, -lr)

    expected = min((0.1, 0.5), key=score)
    assert q1_init.reference_rate(runs, "bce") == expected
    sentence = q1_init.reference_rate_sentence(runs, "bce", expected)
    assert sentence.startswith(f"Comparamos las dos inicializaciones con la misma tasa, $\\alpha = {expected}$")
    assert "y el costo BCE; la inicialización aleatoria usa la semilla principal" in sentence


def test_columns_zero_then_random(runs):
    columns = q1_init.columns(runs, 0.5, "mse")
    assert [title for title, _ in columns] == ["Inicialización en ceros", "Inicialización aleatoria"]
    assert [run.id for _, run in columns] == ["lr0.5-zeros-mse", "lr0.5-random-mse"]


def test_zero_init_is_described_exactly(runs):
    sentence = q1_init.zero_init_sentence(runs)
    assert "$\\ln 2 = 0.6931$ con BCE y 0.2500 con MSE" in sentence
    assert "es el mismo en las 151 evaluaciones" in sentence
    assert "$A_2 = 0.5000$" in sentence and "exactitud 50 %" in sentence
    assert q1_init.zero_init_stays(runs)
    facts = q1_init.still_facts(run_view.find(runs, 0.5, "zeros", "bce"))
    assert facts.cost_constant and facts.all_zero and facts.moved == () and facts.states == 151


def test_zero_init_claim_follows_the_data(tmp_path):
    # On AND the zero-initialised network does move (b2): no claim that it stands still.
    folder = tmp_path / "and"
    write_runs_folder(folder, dataset="and", learning_rates=(0.5,), losses=("bce",), iterations=60, seeds=2)
    runs = run_view.load(folder)
    sentence = q1_init.zero_init_sentence(runs)
    assert not q1_init.zero_init_stays(runs)
    assert "es el mismo" not in sentence and "exactamente en 0" not in sentence
    assert "pasa de $\\ln 2 = 0.6931$" in sentence and "$b_2$" in sentence


def test_without_zero_runs_nothing_is_claimed(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5,), inits=("random",), losses=("bce",), iterations=20, seeds=2)
    runs = run_view.load(tmp_path)
    assert "no incluye inicialización en ceros" in q1_init.zero_init_sentence(runs)
    assert "La rejilla no tiene ejecuciones con inicialización en ceros." in q1_init.conclusion_q1(runs, "bce", 0.5)
    assert q1_init.q1_lead(runs, "bce", 0.5, "Figura 1", "Figura 2").endswith("con inicialización aleatoria.")


def test_q1_lead_only_claims_what_holds(runs, broken):
    lead = q1_init.q1_lead(runs, "bce", 0.5, "Figura 1", "Figura 2")
    assert lead == "La Figura 1 y la Figura 2 muestran dos comportamientos opuestos."
    lead = q1_init.q1_lead(broken, "bce", 0.5, "Figura 1", "Figura 2")
    assert lead == "La Figura 1 y la Figura 2 muestran el costo y los parámetros de las dos inicializaciones."


def test_descent_sentence_reads_the_main_run(runs, broken):
    run = run_view.find(runs, 0.5, "random", "bce")
    record = run.record
    sentence = q1_init.descent_sentence(run)
    assert sentence.startswith("Con $\\alpha = 0.5$, inicialización aleatoria y BCE (semilla 2), el costo baja de ")
    assert f"a {es.fmt_cost(record.final_cost)} en 150 iteraciones" in sentence
    diverged = run_view.find(broken, 10.0, "random", "bce")
    assert diverged.ok and diverged.record.diverged
    assert "divergió" in q1_init.descent_sentence(diverged)
    assert "ejecución fallida" in q1_init.descent_sentence(run_view.find(broken, 0.5, "random", "bce"))


def test_symmetry_sentence_follows_the_labels():
    assert "= 0$ también" in q1_init.symmetry_sentence(np.array([[0, 1, 1, 0]]))
    assert "solo $b_2$ recibe gradiente" in q1_init.symmetry_sentence(np.array([[0, 0, 0, 1]]))


def test_and_demo_moves_only_b2():
    result = q1_init.and_demo(0.5, 300, loss="bce")
    sentence = q1_init.and_sentence(result)
    assert "solo se mueve $b_2$" in sentence
    assert f"a {es.fmt_value(result.history['b2'][-1, 0, 0])}" in sentence
    assert "$W_1$, $b_1$ y $W_2$ siguen exactamente en 0" in sentence
    assert "el costo baja de $\\ln 2 = 0.6931$" in sentence
    table = q1_init.parameter_change_table(result)
    assert table.count("| 0.0000 | 0.0000 | 0.0000 |") == 8


def test_conclusion_follows_the_data(runs, broken):
    q1 = q1_init.conclusion_q1(runs, "bce", 0.5)
    assert "$\\ln 2 = 0.6931$ con BCE y 0.2500 con MSE" in q1
    assert "Inicializados al azar, rompen la simetría: con $\\alpha = 0.5$ el costo BCE baja de" in q1
    for text in (q1_init.zero_init_sentence(broken), q1_init.conclusion_q1(broken, "bce", 0.5)):
        assert "nan" not in text


def test_nothing_ran(tmp_path):
    ids = [f"lr{lr}-{init}-bce" for lr in (0.1, 0.5) for init in ("zeros", "random")]
    write_runs_folder(tmp_path, losses=("bce",), iterations=20, seeds=2, failed=ids)
    runs = run_view.load(tmp_path)
    assert "Ninguna ejecución con inicialización en ceros terminó" in q1_init.conclusion_q1(runs, "bce", 0.5)
    assert q1_init.reference_rate(runs, "bce") == 0.5  # the largest rate of the grid
