"""Tests of report.q1_zero: why zeros stand still (labels, saddle, symmetry, AND) and question 1's conclusion."""

from dataclasses import replace

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab.report import es, q1_zero, symmetry
from nnsimple_lab.report import runs as run_view
from tests import figurekit, handmade
from tests.runsfolder import write_runs_folder

X, Y = nn.load_dataset("xor")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return figurekit.grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def probes():
    return [symmetry.probe_saddle(X, Y, loss=x, n_h=2, directions=3000) for x in ("bce", "mse")]


def test_symmetry_sentence_follows_the_labels_and_the_losss_own_gradient():
    assert "= 0$ también" in q1_zero.symmetry_sentence(X, np.array([[0, 1, 1, 0]]), loss="bce", n_h=2)
    ones = np.array([[0, 1, 1, 1]])
    bce = q1_zero.symmetry_sentence(X, ones, loss="bce", n_h=3)
    mse = q1_zero.symmetry_sentence(X, ones, loss="mse", n_h=3)
    assert "solo $b_2$ recibe gradiente" in bce and "con BCE" in bce and "= -0.2500" in bce  # mean(0.5 - y)
    assert "con MSE" in mse and "= -0.1250" in mse  # times a(1 - a) * 2 = 0.5 at a = 0.5


def test_the_saddle_is_stated_with_its_numbers(probes):
    bce = probes[0]
    sentence = q1_zero.saddle_sentence(probes, "Figura 3")
    assert f"en {bce.n_lower} es menor que en el origen" in sentence and f"otros {bce.n_higher} es mayor" in sentence
    assert "a distancia 0.1 del origen" in sentence and "punto de silla" in sentence and "Figura 3" in sentence
    assert "Con MSE" in sentence
    not_a_saddle = replace(bce, n_lower=0)
    assert q1_zero.saddle_sentence([not_a_saddle], "Figura 3") == ""  # no lower point found: not said


def test_identical_units_are_said_only_when_they_stayed_identical():
    start = symmetry.symmetric_start(X, Y, loss="bce", learning_rate=0.5, iterations=200, seeds=range(4), n_h=2)
    sentence = q1_zero.symmetric_sentence(start)
    assert "siguen idénticas bit a bit" in sentence and "ninguna red pasa de 75 %" in sentence
    assert f"resuelven XOR {start.n_solved_random} de 4" in sentence and "una recta" in sentence
    assert q1_zero.symmetric_sentence(replace(start, identical=False)) == ""
    assert "ninguna recta" not in q1_zero.symmetric_sentence(replace(start, best_accuracy=1.0))


def test_and_demo_moves_only_b2():
    result = q1_zero.and_demo(0.5, 300, loss="bce", n_h=2)
    sentence = q1_zero.and_sentence(result)
    assert "solo se mueve $b_2$" in sentence
    assert f"a {es.fmt_value(result.history['b2'][-1, 0, 0])}" in sentence
    assert "$W_1$, $b_1$ y $W_2$ siguen exactamente en 0" in sentence
    assert "el costo baja de $\\ln 2 = 0.6931$" in sentence
    assert q1_zero.parameter_change_table(result).count("| 0.0000 | 0.0000 | 0.0000 |") == 8


def test_and_demo_with_a_rate_too_large_says_what_it_does():
    # alpha = 30: b2 overshoots; the output is not the share of ones and the cost rises
    result = q1_zero.and_demo(30.0, 100, loss="bce", n_h=2)
    sentence = q1_zero.and_sentence(result)
    assert "solo se mueve $b_2$" in sentence and "el costo sube de $\\ln 2 = 0.6931$" in sentence
    assert "solo aprende cuántos unos hay" not in sentence
    assert "en 100 iteraciones su salida no llega a esa proporción" in sentence


def test_and_demo_is_the_grids_network():
    # n_h = 4: W1 is 4 x 2, b1 4 x 1, W2 1 x 4; all 16 stay at 0, only b2 moves
    table = q1_zero.parameter_change_table(q1_zero.and_demo(0.5, 50, loss="mse", n_h=4))
    assert "$W_1[3,1]$" in table and "$W_2[0,3]$" in table
    assert table.count("| 0.0000 | 0.0000 | 0.0000 |") == 16


def test_conclusion_follows_the_data(runs, probes):
    start = symmetry.symmetric_start(X, Y, loss="bce", learning_rate=0.5, iterations=150, seeds=range(4), n_h=2)
    q1 = q1_zero.conclusion_q1(runs, "bce", 0.5, probes=probes, symmetric=start)
    assert "en 150 iteraciones y con las tasas 0.1 y 0.5" in q1
    assert "$\\ln 2 = 0.6931$ con BCE y 0.2500 con MSE" in q1 and "punto de silla" in q1
    assert "Inicializados al azar, los parámetros rompen la simetría: con $\\alpha = 0.5$ y la semilla 2" in q1
    assert "valen por una" in q1
    bare = q1_zero.conclusion_q1(runs, "bce", 0.5)
    assert "punto de silla" not in bare and "valen por una" not in bare  # not tested: not said


def test_conclusion_without_zero_runs_uses_the_experiments(probes):
    runs = [handmade.run(0.5)]
    assert "el informe comprueba aquí" in q1_zero.conclusion_q1(runs, "bce", 0.5, probes=probes)
    assert q1_zero.conclusion_q1(runs, "bce", 0.5).startswith(
        "La rejilla no tiene ejecuciones con inicialización en ceros."
    )
    failed = [handmade.failed(0.5, "zeros"), handmade.run(0.5)]
    assert "Ninguna ejecución con inicialización en ceros terminó" in q1_zero.conclusion_q1(failed, "bce", 0.5)


def test_without_random_runs_the_conclusion_uses_xavier_and_says_converge_differently_only_then(tmp_path):
    write_runs_folder(tmp_path / "x", learning_rates=(0.5,), inits=("zeros", "xavier"), losses=("bce",), iterations=150)
    runs = run_view.load(tmp_path / "x")
    q1 = q1_zero.conclusion_q1(runs, "bce", 0.5)
    assert q1.startswith("Sí convergen distinto. Inicializados en ceros")
    assert "Con la inicialización de Xavier, los parámetros rompen la simetría: con $\\alpha = 0.5$" in q1
    write_runs_folder(tmp_path / "z", learning_rates=(0.5,), inits=("zeros",), losses=("bce",), iterations=150)
    alone = q1_zero.conclusion_q1(run_view.load(tmp_path / "z"), "bce", 0.5)
    assert alone.startswith("Inicializados en ceros") and "convergen distinto" not in alone  # nothing to compare


def test_on_and_the_conclusion_says_only_b2_moves(tmp_path):
    write_runs_folder(tmp_path, dataset="and", learning_rates=(0.5,), losses=("bce",), iterations=150, seeds=2)
    q1 = q1_zero.conclusion_q1(run_view.load(tmp_path), "bce", 0.5)
    assert q1.startswith(
        "Sí convergen distinto. Inicializados en ceros, en 150 iteraciones y con $\\alpha = 0.5$, $W_1$, $b_1$ y "
        "$W_2$ no se mueven nunca; solo cambia $b_2$, así que la red da la misma salida a las cuatro entradas y no "
        "puede distinguirlas (exactitud final 75 %)."
    )
    assert "los pesos y sesgos no se mueven nunca" not in q1


def test_other_inits_in_the_conclusion_say_the_largest_difference():
    runs = [handmade.run(0.5, solved=(5, None)), handmade.run(0.5, "xavier", solved=(5, 6))]
    assert "a lo sumo 1 semilla más o menos que la aleatoria" in q1_zero.conclusion_q1(runs, "bce", 0.5)


def test_one_seed_reads_in_the_singular(tmp_path):
    grid = {"learning_rates": (0.5,), "inits": ("zeros", "random"), "losses": ("bce",), "iterations": 150}
    write_runs_folder(tmp_path, **grid, seeds=1)
    runs = run_view.load(tmp_path)
    start = symmetry.symmetric_start(X, Y, loss="bce", learning_rate=0.5, iterations=150, seeds=range(1), n_h=2)
    text = q1_zero.symmetric_sentence(start) + " " + q1_zero.conclusion_q1(runs, "bce", 0.5, symmetric=start)
    assert "de la semilla 0, pero con cada neurona oculta copia de la primera" in text and "en la red" in text
    assert "1 semillas" not in text and "todas las redes" not in text and "de 1 semilla" not in text
