"""Tests of report.q3_loss: the gradient check and every loss against the reference, on real runs.

One grid registers an extra loss for real (the common mistake: MSE's cost, BCE's dZ2) in
``nnsimple.LOSSES`` and ``vocab.LOSSES``, trains it and checks the question compares it too.
"""

import pytest

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report import q3_loss
from nnsimple_lab.report import runs as run_view
from tests import figurekit, handmade
from tests.runsfolder import write_runs_folder

NAIVE = vocab.Loss(
    short="MSE ingenuo",
    long="error cuadrático medio con el gradiente de la BCE",
    article="el",
    dz2_tex="(A_2 - Y)/m",
    dz2_example_tex="a - y",
    cost_label="Costo MSE (adimensional)",
    color="#9467bd",
    style=":",
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return figurekit.grid_runs(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def naive(tmp_path_factory):
    """A grid with BCE, MSE and the naive MSE, while the naive loss is registered."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(nn.LOSSES, "naive", nn.Loss(nn.mse_cost, nn.bce_dZ2))
        patch.setitem(vocab.LOSSES, "naive", NAIVE)
        folder = tmp_path_factory.mktemp("naive")
        write_runs_folder(folder, learning_rates=(0.1, 0.5), losses=("bce", "mse", "naive"), iterations=150, seeds=4)
        yield run_view.load(folder)


@pytest.fixture
def check(runs):
    X, Y = run_view.dataset_arrays(runs, {})
    parameters = nn.initialize_parameters(2, 2, 1, seed=2)
    return lambda losses: q3_loss.gradient_check_rows(X, Y, parameters, loss_keys=losses)


def test_gradient_check_rows(runs, check):
    rows = check(q3_loss.checked_losses(runs))
    assert [(r.label, r.cost, r.gradient) for r in rows] == [
        ("BCE", "bce", "bce"),
        ("MSE correcto", "mse", "mse"),
        ("MSE con el $dZ_2$ de BCE", "mse", "bce"),
    ]
    assert [r.correct for r in rows] == [True, True, False] and rows[2].error > 1e-2
    table = q3_loss.gradient_check_table(rows)
    assert table.count("| correcto |") == 2 and table.count("| incorrecto |") == 1
    assert "| MSE con el $dZ_2$ de BCE | MSE | $(A_2 - Y)/m$ |" in table
    sentence = q3_loss.gradient_check_sentence(rows)
    assert sentence.startswith("La retropropagación de la BCE (error relativo ")
    assert "coinciden" in sentence and "La del MSE con el $dZ_2$ de BCE" in sentence


def test_a_grid_without_mse_still_checks_it(check):
    assert q3_loss.checked_losses([]) == ["bce", "mse"]
    assert len(check(["bce", "mse"])) == 3


def test_loss_comparison_uses_the_same_seeds(runs):
    assert q3_loss.compared_losses(runs) == ["mse"] and q3_loss.has_comparison(runs, init="random")
    sentence = q3_loss.loss_comparison_sentence(runs, init="random")
    n = run_view.common(runs, lambda record: record.seeds.n_seeds)
    scope = f"(inicialización aleatoria, {n} semillas)"
    assert f"Semillas que resuelven XOR con BCE y con MSE, respectivamente {scope}" in sentence
    for lr, b, m in q3_loss.loss_pairs(runs, init="random", loss="mse"):
        assert f"{b.record.seeds.n_solved} y {m.record.seeds.n_solved} con $\\alpha = {lr}$" in sentence
    assert "la BCE vale 0.6931 y el MSE 0.2500." in q3_loss.not_comparable_sentence(runs)
    table = q3_loss.loss_comparison_table(runs, init="random").splitlines()
    assert table[0] == (
        "| $\\alpha$ | Resueltas con BCE | Resueltas con MSE | Resueltas por ambos | Mediana BCE | Mediana MSE "
        "| Razón MSE/BCE |"
    )
    assert [line.split(" | ")[0] for line in table[2:]] == ["| 0.1", "| 0.5"]
    assert q3_loss.styles_phrase(runs) == "BCE (continua) y MSE (discontinua)"
    assert q3_loss.dz2_functions(runs) == "`bce_dZ2` y `mse_dZ2`"


def test_medians_in_the_table_are_over_the_seeds_both_solve():
    # MSE solves a fast seed BCE does not: over each loss's own seeds its median would look faster
    b = handmade.run(0.1, solved=(600, 700, None))
    m = handmade.run(0.1, "random", "mse", solved=(900, 1000, 100))
    table = q3_loss.loss_comparison_table([b, m], init="random")
    assert "| 0.1 | 2/3 | 3/3 | 2 | 650 | 950 | 1.46 |" in table  # median of 900/600 and 1000/700


def test_never_more_is_said_only_when_it_holds():
    fewer = [
        handmade.run(0.1, solved=(5, 6)),
        handmade.run(0.1, "random", "mse", solved=(5, None)),
        handmade.run(0.5, solved=(5, 6)),
        handmade.run(0.5, "random", "mse", solved=(7, 8)),
    ]
    assert "nunca resuelve más" in q3_loss.loss_comparison_sentence(fewer, init="random")
    more = fewer + [handmade.run(3.0, solved=(5, None)), handmade.run(3.0, "random", "mse", solved=(5, 6))]
    sentence = q3_loss.loss_comparison_sentence(more, init="random")
    assert "nunca" not in sentence  # MSE solves more at 3.0
    assert "tarda más en cada una de esas semillas" not in sentence  # equal at 0.1


def test_confidence_follows_the_outputs():
    b = handmade.run(0.5, A2=[0.004, 0.996, 0.996, 0.004], largest_weight=5.6)
    m = handmade.run(0.5, "random", "mse", A2=[0.04, 0.96, 0.96, 0.04], largest_weight=3.8)
    sentence = q3_loss.confidence_sentence([b, m], init="random", loss="mse", learning_rate=0.5)
    assert (
        "la entrenada con MSE termina menos segura" in sentence
        and "0.0400 de las etiquetas, frente a 0.0040" in sentence
    )
    assert "su mayor peso es 3.8000 frente a 5.6000" in sentence and "factor $a(1 - a)$" in sentence
    assert "más pequeños" in q3_loss.confidence_conclusion([b, m], init="random", loss="mse", learning_rate=0.5)
    unsolved = handmade.run(0.5, "random", "mse", main=None)
    assert q3_loss.confidence_sentence([b, unsolved], init="random", loss="mse", learning_rate=0.5) == ""


def test_without_a_second_loss_there_is_no_comparison(tmp_path):
    write_runs_folder(
        tmp_path, learning_rates=(0.5, 10.0), losses=("bce",), iterations=20, seeds=2, failed=("lr0.5-zeros-bce",)
    )
    runs = run_view.load(tmp_path)
    assert not q3_loss.has_comparison(runs, init="random")
    assert q3_loss.loss_comparison_sentence(runs, init="random") == (
        "La rejilla no tiene ejecuciones con MSE: la comparación entre BCE y MSE sale del barrido de abajo."
    )
    assert "nan" not in q3_loss.not_comparable_sentence(runs)


def test_both_losses_with_other_inits_only_is_no_comparison_with_the_questions_init(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5,), inits=("zeros", "xavier"), iterations=20, seeds=2)
    runs = run_view.load(tmp_path)
    assert not q3_loss.has_comparison(runs, init="random")
    assert q3_loss.loss_comparison_sentence(runs, init="random") == (
        "No hay ninguna tasa de la rejilla con ejecuciones terminadas de ambos costos con inicialización aleatoria: "
        "la comparación entre BCE y MSE con ella sale del barrido de abajo."
    )


def test_every_loss_of_the_grid_is_compared_with_the_reference(naive):
    assert q3_loss.compared_losses(naive) == ["mse", "naive"]
    sentence = q3_loss.loss_comparison_sentence(naive, init="random")
    assert "con BCE y con MSE, respectivamente" in sentence and "con BCE y con MSE ingenuo, respectivamente" in sentence
    for lr, b, m in q3_loss.loss_pairs(naive, init="random", loss="naive"):
        # BCE's gradient: the naive MSE descends exactly like BCE, seed for seed.
        assert m.record.seeds.iterations_to_solve == b.record.seeds.iterations_to_solve
        assert f"{b.record.seeds.n_solved} y {m.record.seeds.n_solved} con $\\alpha = {lr}$" in sentence
    table = q3_loss.loss_comparison_table(naive, init="random")
    assert table.count("| MSE ingenuo |") == 2 and "| Comparado |" in table
    assert q3_loss.styles_phrase(naive) == "BCE (continua), MSE (discontinua) y MSE ingenuo (punteada)"
    assert "la BCE vale 0.6931, el MSE 0.2500 y el MSE ingenuo 0.2500." in q3_loss.not_comparable_sentence(naive)


def test_the_naive_loss_of_the_grid_is_its_own_gradient_row(naive):
    X, Y = run_view.dataset_arrays(naive, {})
    rows = q3_loss.gradient_check_rows(
        X, Y, nn.initialize_parameters(2, 2, 1, seed=2), loss_keys=q3_loss.checked_losses(naive)
    )
    assert [(r.label, r.cost, r.gradient, r.correct) for r in rows] == [
        ("BCE", "bce", "bce", True),
        ("MSE correcto", "mse", "mse", True),
        ("MSE ingenuo", "naive", "naive", False),  # no second, identical naive row
    ]
