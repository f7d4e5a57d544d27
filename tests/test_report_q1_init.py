"""Tests of report.q1_init: zero vs random (and every other) initialisation, claims read from the histories.

Real runs (tests/runsfolder.py) where the network's own numbers are the point; hand-made records
(tests/handmade.py) for the cases a finding must not be stated: a tie, one rate, a failure.
"""

import pytest

from nnsimple_lab.report import es, q1_init
from nnsimple_lab.report import runs as run_view
from tests import figurekit, handmade
from tests.runsfolder import write_runs_folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return figurekit.grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return figurekit.broken_runs(tmp_path_factory.mktemp("broken"))


def test_styles_and_columns_follow_the_grid(runs):
    assert q1_init.styles_phrase(runs) == "inicialización en ceros (punteada) y aleatoria (continua)"
    columns = q1_init.columns(runs, 0.5, "mse")
    assert [title for title, _ in columns] == ["Inicialización en ceros", "Inicialización aleatoria"]
    assert [run.id for _, run in columns] == ["lr0.5-zeros-mse", "lr0.5-random-mse"]
    xavier = [handmade.run(0.5, "xavier"), handmade.run(0.5, "zeros"), handmade.run(0.5)]
    assert q1_init.ordered_inits(xavier) == ["zeros", "random", "xavier"]
    assert q1_init.styles_phrase(xavier).endswith("aleatoria (continua) y Xavier (de rayas y puntos)")


def test_the_reference_rate_states_its_tie():
    slow = handmade.run(0.01, solved=(None, None, None), main=None)
    tied = [slow, handmade.run(0.1, solved=(10, 20, None), main=246), handmade.run(0.5, solved=(10, 20, None), main=51)]
    assert q1_init.reference_rate(tied, "bce") == 0.5
    sentence = q1_init.reference_rate_sentence(tied, "bce", 0.5)
    assert "resuelve más semillas (2 de 3, igual que $\\alpha = 0.1$)" in sentence
    assert "la que antes llega a 100 %" in sentence
    everyone = q1_init.reference_rate_sentence(tied[1:], "bce", 0.5)
    assert "todas las tasas de la rejilla resuelven 2 de 3 semillas y esta es la que antes llega" in everyone
    alone = [handmade.run(0.1, solved=(None, None, 5)), handmade.run(0.5, solved=(10, 20, None))]
    assert "la que resuelve más semillas (2 de 3)" in q1_init.reference_rate_sentence(alone, "bce", 0.5)
    one = [handmade.run(0.5)]
    sentence = q1_init.reference_rate_sentence(one, "bce", 0.5)
    assert "la única de la rejilla" in sentence and "resuelve más" not in sentence
    assert sentence.startswith("La rejilla solo tiene la inicialización aleatoria")


def test_zero_init_is_described_exactly(runs):
    sentence = q1_init.zero_init_sentence(runs)
    assert "$\\ln 2 = 0.6931$ con BCE y 0.2500 con MSE" in sentence
    assert "es el mismo en todas las iteraciones, de la 0 a la 150" in sentence
    assert "$A_2 = 0.5000$" in sentence and "exactitud 50 %" in sentence
    assert q1_init.zero_init_stays(runs)
    facts = q1_init.still_facts(run_view.find(runs, 0.5, "zeros", "bce"))
    assert facts.cost_constant and facts.all_zero and facts.moved == () and facts.iterations == 150


def test_many_rates_are_summarised():
    six = [0.001, 0.01, 0.1, 0.5, 1.0, 5.0]
    assert q1_init.with_rates([0.5], six) == "con $\\alpha = 0.5$"
    assert q1_init.with_rates([0.01, 0.1, 0.5], six) == "con las tasas 0.01, 0.1 y 0.5"
    assert q1_init.with_rates(six, six) == "con las 6 tasas de la rejilla (de 0.001 a 5.0)"
    # a part of the grid's rates is not called "the grid's rates"
    assert q1_init.with_rates(six[:5], [*six, 9.0]) == "con 5 de las 7 tasas de la rejilla, entre 0.001 y 1.0"


def test_zero_init_claim_follows_the_data(tmp_path):
    # On AND the zero-initialised network does move (b2): no claim that it stands still.
    folder = tmp_path / "and"
    write_runs_folder(folder, dataset="and", learning_rates=(0.5,), losses=("bce",), iterations=60, seeds=2)
    runs = run_view.load(folder)
    sentence = q1_init.zero_init_sentence(runs)
    assert not q1_init.zero_init_stays(runs)
    assert "es el mismo" not in sentence and "exactamente en 0" not in sentence
    assert "pasa de $\\ln 2 = 0.6931$" in sentence and "solo cambia $b_2$ (exactitud final 75 %)" in sentence
    assert sentence.startswith("Con $\\alpha = 0.5$ e inicialización en ceros, el costo BCE pasa de")


def test_zero_runs_that_end_alike_read_as_one_sentence(tmp_path):
    # AND, 300 iterations: with 2.0 and 8.0 b2 settles at ln(1/3), the cost at 0.5623 (printed alike)
    write_runs_folder(tmp_path, dataset="and", learning_rates=(2.0, 8.0), losses=("bce",), iterations=300, seeds=2)
    sentence = q1_init.zero_init_sentence(run_view.load(tmp_path))
    assert sentence == (
        "Con las tasas 2.0 y 8.0 e inicialización en ceros, el costo BCE pasa de $\\ln 2 = 0.6931$ a 0.5623; solo "
        "cambia $b_2$ (exactitud final 75 %)."
    )


def test_without_zero_runs_nothing_is_claimed():
    runs = [handmade.run(0.5)]
    assert "no incluye inicialización en ceros" in q1_init.zero_init_sentence(runs)
    assert q1_init.q1_lead(runs, "bce", 0.5, "Figura 1", "Figura 2").endswith("con inicialización aleatoria.")


def test_q1_lead_only_claims_what_holds(runs, broken):
    lead = q1_init.q1_lead(runs, "bce", 0.5, "Figura 1", "Figura 2")
    assert lead == "La Figura 1 y la Figura 2 muestran dos comportamientos opuestos."
    lead = q1_init.q1_lead(broken, "bce", 0.5, "Figura 1", "Figura 2")
    assert lead == "La Figura 1 y la Figura 2 muestran el costo y los parámetros de las dos inicializaciones."


def test_descent_sentence_reads_the_main_run(runs, broken):
    run = run_view.find(runs, 0.5, "random", "bce")
    sentence = q1_init.descent_sentence(run)
    assert sentence.startswith("Con $\\alpha = 0.5$, inicialización aleatoria y BCE (semilla 2), el costo baja de ")
    assert f"a {es.fmt_cost(run.record.final_cost)} en 150 iteraciones" in sentence
    diverged = run_view.find(broken, 10.0, "random", "bce")
    assert diverged.ok and diverged.record.diverged and "divergió" in q1_init.descent_sentence(diverged)
    assert "ejecución fallida" in q1_init.descent_sentence(run_view.find(broken, 0.5, "random", "bce"))
    unsolved = q1_init.descent_sentence(handmade.run(0.5, main=None))
    assert "no alcanza 100 % de exactitud" in unsolved and "no converge" not in unsolved


def test_xavier_is_compared_with_random_rate_by_rate():
    runs = [
        handmade.run(0.1, solved=(5, None, None)),
        handmade.run(0.5, solved=(5, 6, None)),
        handmade.run(0.1, "xavier", solved=(5, 7, None)),
        handmade.run(0.5, "xavier", solved=(5, 6, None)),
    ]
    sentence = q1_init.other_init_sentence(runs, "xavier", loss="bce")
    assert sentence == (
        "Con la inicialización de Xavier (3 semillas, BCE) resuelven XOR 2 frente a 1 con $\\alpha = 0.1$ y 2 frente "
        "a 2 con $\\alpha = 0.5$ de la inicialización aleatoria: nunca menos."
    )
    scale = q1_init.xavier_scale_sentence(runs, 2)
    assert "divididas por la raíz" in scale and "[@glorot2010]" in scale and "en las dos capas" in scale
    assert q1_init.xavier_scale_sentence([handmade.run(0.5)], 2) == ""
    tie = [handmade.run(0.5, solved=(5, None)), handmade.run(0.5, "xavier", solved=(5, None))]
    assert q1_init.other_init_sentence(tie, "xavier", loss="bce") == (
        "Con la inicialización de Xavier (2 semillas, BCE) resuelven XOR tantas semillas como con la inicialización "
        "aleatoria, con $\\alpha = 0.5$."
    )
    many = [handmade.run(lr, x, solved=(5, None)) for lr in (0.01, 0.1, 0.5, 1.0, 3.0) for x in ("random", "xavier")]
    assert "tantas semillas como con la inicialización aleatoria, en las 5 tasas (anexo)." in (
        q1_init.other_init_sentence(many, "xavier", loss="bce")
    )


def test_without_random_runs_xavier_chooses_the_rate_and_the_text_says_so():
    runs = [
        handmade.run(0.1, "xavier", solved=(10, 20, None)),
        handmade.run(0.5, "xavier", solved=(None, 20, None)),
        handmade.run(0.1, "zeros", solved=(None,) * 3, main=None),
        handmade.run(0.5, "zeros", solved=(None,) * 3, main=None),
    ]
    assert q1_init.choosing_init(runs, "bce") == "xavier"
    assert q1_init.reference_rate(runs, "bce") == 0.1  # not the largest rate
    sentence = q1_init.reference_rate_sentence(runs, "bce", 0.1)
    assert "la que resuelve más semillas con la inicialización de Xavier (2 de 3)" in sentence


def test_nothing_ran():
    runs = [handmade.failed(lr, init) for lr in (0.1, 0.5) for init in ("zeros", "random")]
    assert q1_init.choosing_init(runs, "bce") is None
    assert q1_init.reference_rate(runs, "bce") == 0.5  # the largest rate of the grid
    assert "ninguna de sus ejecuciones terminó, así que tomamos la mayor tasa de la rejilla" in (
        q1_init.reference_rate_sentence(runs, "bce", 0.5)
    )
    sentence = q1_init.zero_init_sentence(runs)
    assert "nan" not in sentence and sentence.count("ejecución fallida") == 2
    assert "ejecución fallida" in q1_init.descent_sentence(runs[1])
