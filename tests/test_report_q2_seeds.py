"""Tests of report.q2_seeds: why the failing seeds fail (budget or plateau), the other rates' budget, and
the hidden-layer ablation; the architecture is blamed only when the report tested it."""

import dataclasses

import numpy as np

from nnsimple_lab.report import outcomes, q2_seeds
from tests import handmade
from tests.handmade import ablation_of, seed_outcomes


def test_stuck_seeds_are_named_and_budget_limited_ones_are_not_blamed():
    stuck = outcomes.seed_outcomes(
        handmade.X, handmade.Y, learning_rate=0.5, init="random", loss="bce", n_h=2, iterations=300, seeds=range(6)
    )
    text = q2_seeds.failing_sentence(stuck, learning_rate=0.5, loss="bce")
    assert "y ninguna resuelve: no les faltan iteraciones" in text and "$\\ln 2 / 2 = 0.3466$" in text
    assert "tras 3000 iteraciones" in text and "mínimo local" in text
    late = outcomes.seed_outcomes(
        handmade.X, handmade.Y, learning_rate=0.1, init="random", loss="bce", n_h=2, iterations=100, seeds=range(6)
    )
    assert late.late  # at alpha = 0.1, 100 iterations are too few for some seeds
    text = q2_seeds.failing_sentence(late, learning_rate=0.1, loss="bce")
    assert "les faltaban iteraciones, no capacidad" in text and "no les faltan iteraciones" not in text


def test_the_architecture_is_blamed_only_when_tested():
    tested = ablation_of([(2, 10), (3, 17), (4, 20)], seed_outcomes(stuck=range(10)))
    text = q2_seeds.ablation_sentence(tested, "Tabla 8")
    assert "10 con $n_h = 2$, 17 con $n_h = 3$ y 20 con $n_h = 4$ (Tabla 8)" in text
    assert (
        "Con más neuronas ocultas se resuelven 10 de las 10 semillas que con $n_h = 2$ no se resuelven ni con 10000 "
        "iteraciones: para ellas, el límite es la arquitectura, no el número de iteraciones." in text
    )
    assert "de la tasa" not in text  # the rate was not varied: no claim about it
    # a larger size solves more seeds, but none of those more iterations leave unsolved: no architecture claim
    others = ablation_of([(2, 10), (4, 12)], seed_outcomes(stuck=range(5)))
    assert others.larger_solve_more and not others.architecture_limits
    assert "el límite es la arquitectura" not in q2_seeds.ablation_sentence(others, "Tabla 8")
    late = ablation_of([(2, 10), (3, 17), (4, 20)], seed_outcomes(late=range(10)))
    text = q2_seeds.ablation_sentence(late, "Tabla 8")
    assert "arquitectura" not in text.split("?", 1)[1] and "resuelven más semillas en las mismas iteraciones" in text
    table = q2_seeds.ablation_table(tested)
    assert "| 4 | 20/20 | 100 |" in table


def test_the_other_rates_budget_is_said_where_it_rescues():
    late = seed_outcomes(late=(1, 2))
    stuck = seed_outcomes(stuck=(3,))
    text = q2_seeds.budget_sentence([(0.01, late), (0.1, stuck)], after_failing=True)
    assert text.startswith(
        "Con las otras tasas de la rejilla, 10 veces más iteraciones rescatan las 2 que fallan con "
        "$\\alpha = 0.01$; no rescatan la única que falla con $\\alpha = 0.1$:"
    )
    mixed = [(0.01, seed_outcomes(late=(1,), stuck=(2, 3))), (0.1, stuck), (1.0, seed_outcomes(stuck=(4, 5)))]
    assert (
        "rescatan 1 de las 3 que fallan con $\\alpha = 0.01$; no rescatan ninguna de las que fallan con "
        "$\\alpha = 0.1$ y $\\alpha = 1.0$:"
    ) in q2_seeds.budget_sentence(mixed, after_failing=True)
    many = [(lr, seed_outcomes(late=(1,), stuck=(2,))) for lr in (0.01, 0.1, 1.0, 3.0, 10.0)]
    assert "(las 4 tasas que más rescatan, de las 5 que rescatan alguna)" in q2_seeds.budget_sentence(
        many, after_failing=True
    )
    nowhere = [(lr, seed_outcomes(stuck=(2, 3))) for lr in (0.01, 0.02, 0.05, 0.1, 0.5)]
    assert q2_seeds.budget_sentence(nowhere, after_failing=True) == (
        "Con las otras tasas de la rejilla, 10 veces más iteraciones no rescatan ninguna de las que fallan con 5 "
        "tasas, de 0.01 a 0.5."
    )
    assert "con $\\alpha = 0.01$, parte de lo que falla es el número de iteraciones" in text
    assert "0.1$, parte" not in text
    alone = q2_seeds.budget_sentence([(0.1, seed_outcomes(late=(3,)))], after_failing=False)
    assert alone.startswith("Con las tasas de la rejilla en que fallan semillas, 10 veces más iteraciones rescatan")
    assert "la única que falla con $\\alpha = 0.1$" in alone and "otras" not in alone
    assert q2_seeds.budget_sentence([], after_failing=True) == ""


def test_the_failing_rate_is_the_grid_best():
    runs = [handmade.run(0.4, solved=(1, 2)), handmade.run(0.1, solved=(1, None))]
    assert q2_seeds.failing_rate(runs, None, init="random", loss="bce") == 0.4
    # a tie in seeds solved (none): the rate whose main run does not diverge, not the larger one
    tied = [handmade.run(0.05, solved=(None, None)), handmade.run(30.0, solved=(None, None), diverged=True)]
    assert q2_seeds.failing_rate(tied, None, init="random", loss="bce") == 0.05
    assert q2_seeds.failing_rate([], None, init="random", loss="bce") is None


def test_seeds_conclusion_follows_the_tests():
    at = {"learning_rate": 0.5, "loss": "bce"}
    stuck = seed_outcomes(stuck=range(10))
    blamed = q2_seeds.seeds_conclusion(stuck, ablation_of([(2, 10), (4, 20)], stuck), **at)
    assert "el límite es la arquitectura" in blamed
    late = q2_seeds.seeds_conclusion(seed_outcomes(late=range(10)), None, **at)
    assert late == (
        "Las 10 semillas que fallan con $\\alpha = 0.5$ y BCE solo necesitan más iteraciones: con 10000 resuelven."
    )
    one = q2_seeds.seeds_conclusion(seed_outcomes(late=(3,)), None, **at)
    assert one == "La semilla que falla con $\\alpha = 0.5$ y BCE solo necesita más iteraciones: con 10000 resuelve."
    # some rescued, some stuck on ln 2 / 2: neither is said of all of them
    half = outcomes.find_plateau(np.array([[0.0, 0.5, 1.0, 0.5]]), np.array([[0, 1, 1, 0]]), loss="bce")
    assert half is not None and abs(half.limit_cost - np.log(2) / 2) < 1e-12
    mixed = dataclasses.replace(seed_outcomes(late=(1,), stuck=(2, 3)), plateaus={2: half, 3: half})
    text = q2_seeds.seeds_conclusion(mixed, None, **at)
    assert text.startswith("De las 3 semillas que fallan con $\\alpha = 0.5$ y BCE, 1 resuelve con 10000 iteraciones.")
    assert "Las otras 2 se estancan en un ajuste parcial de costo $\\ln 2 / 2$, que actúa como un mínimo local" in text
    # none rescued, some of them stuck: "none" first, the plateau of those it holds for
    some = dataclasses.replace(seed_outcomes(stuck=(2, 3, 4)), plateaus={2: half, 3: half})
    text = q2_seeds.seeds_conclusion(some, None, **at)
    assert text == (
        "Ninguna de las 3 semillas que fallan con $\\alpha = 0.5$ y BCE se arregla con 10000 iteraciones. 2 de ellas "
        "se estancan en un ajuste parcial de costo $\\ln 2 / 2$, que actúa como un mínimo local."
    )
    assert "Las semillas que fallan no se arreglan" not in text


def test_one_failing_seed_is_said_in_the_singular():
    text = q2_seeds.failing_sentence(seed_outcomes(late=(3,)), learning_rate=3.0, loss="mse")
    assert text.startswith("¿Por qué falla 1 semilla con $\\alpha = 3.0$ y MSE? La entrenamos de nuevo con 10000")
    assert text.endswith(": resuelve (le faltaban iteraciones, no capacidad).")
    some = q2_seeds.failing_sentence(seed_outcomes(late=(1, 2), stuck=(3,)), learning_rate=3.0, loss="mse")
    assert ": 2 de ellas resuelven (les faltaban iteraciones, no capacidad) y 1 sigue sin resolver." in some


def test_diverged_seeds_are_not_said_to_be_trained_again():
    mixed = dataclasses.replace(seed_outcomes(late=(1,), stuck=(2,)), diverged=(0,))
    text = q2_seeds.failing_sentence(mixed, learning_rate=8.0, loss="bce")
    assert text.startswith(
        "¿Por qué fallan 3 semillas con $\\alpha = 8.0$ y BCE? 1 diverge (el costo termina por encima de donde "
        "empezó). A las otras 2 las entrenamos de nuevo con 10000 iteraciones, 10 veces más: 1 de ellas resuelve "
        "(le faltaban iteraciones, no capacidad) y 1 sigue sin resolver."
    )
    budget = q2_seeds.budget_sentence([(8.0, mixed)], after_failing=False)
    assert "rescatan 1 de las 2 que fallan sin divergir con $\\alpha = 8.0$" in budget
    all_diverged = dataclasses.replace(seed_outcomes(), diverged=(0, 1), extension=1000)  # nothing trained again
    assert q2_seeds.budget_sentence([(32.0, all_diverged)], after_failing=False) == ""
