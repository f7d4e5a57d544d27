"""Tests of report.q2_seeds: why the failing seeds fail (budget or plateau), the other rates' budget, and
the hidden-layer ablation; the architecture is blamed only when the report tested it."""

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
        "Con las otras tasas de la rejilla, 10 veces más iteraciones rescatan 2 de las 2 que fallan con "
        "$\\alpha = 0.01$ y no la única que falla con $\\alpha = 0.1$:"
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
    blamed = q2_seeds.seeds_conclusion(
        seed_outcomes(stuck=range(10)), ablation_of([(2, 10), (4, 20)], seed_outcomes(stuck=range(10)))
    )
    assert "el límite es la arquitectura" in blamed
    late = q2_seeds.seeds_conclusion(seed_outcomes(late=range(10)), None)
    assert "solo necesitan más iteraciones" in late and "arquitectura" not in late
