"""Tests of report.ablation: the architecture claim holds only when tested (more units solve more, more
iterations do not), on hand-made outcomes, and a real ablation."""

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report import ablation, outcomes, trained
from nnsimple_lab.report import runs as run_view
from tests.handmade import ablation_of, seed_outcomes
from tests.runsfolder import write_runs_folder

X, Y = nn.load_dataset("xor")


def test_architecture_limits_needs_both_tests():
    assert ablation_of([(2, 10), (3, 17), (4, 20)], seed_outcomes(stuck=range(10))).architecture_limits
    # budget-limited: the failing seeds solve with more iterations, so the architecture is not to blame
    late = ablation_of([(2, 10), (3, 17), (4, 20)], seed_outcomes(late=range(10)))
    assert late.larger_solve_more and not late.budget_does_not_rescue and not late.architecture_limits
    # more hidden units do not help
    flat = ablation_of([(2, 10), (3, 10), (4, 9)], seed_outcomes(stuck=range(10)))
    assert not flat.larger_solve_more and not flat.architecture_limits
    # no longer run (the budget already at the cap): nothing tested about the budget
    capped = ablation_of([(2, 10), (4, 20)], seed_outcomes(stuck=range(10), iterations=10**6, extension=10**6))
    assert not capped.architecture_limits


def test_sizes_include_the_grid_own():
    assert ablation.sizes_for(2) == (2, 3, 4) and ablation.sizes_for(6) == (2, 3, 4, 6)


def test_a_real_ablation_trains_each_size():
    found = outcomes.seed_outcomes(
        X, Y, learning_rate=0.5, init="random", loss="bce", n_h=2, iterations=300, seeds=range(8)
    )
    result = ablation.run_ablation(
        X, Y, learning_rate=0.5, loss="bce", init="random", iterations=300, seeds=range(8), grid_n_h=2, outcomes=found
    )
    for p in result.points:
        direct = training.train_seeds(X, Y, seeds=range(8), n_h=p.n_h, learning_rate=0.5, iterations=300)
        assert p.n_solved == int(direct.solved.sum()) and p.n_seeds == 8
    assert result.point(2).n_solved == len(found.solved)


def test_the_grid_size_read_from_its_run_is_the_trained_one(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5,), inits=("random",), losses=("bce",), iterations=300, seeds=8)
    runs = run_view.load(tmp_path)
    config = {"learning_rate": 0.5, "loss": "bce", "init": "random", "iterations": 300, "seeds": range(8)}
    assert trained.budget(runs, **config, n_h=2, X=X, Y=Y) is not None  # n_h = 2 is read, 3 and 4 trained
    found = outcomes.seed_outcomes(X, Y, **config, n_h=2)
    read = ablation.run_ablation(X, Y, **config, grid_n_h=2, outcomes=found, runs=runs)
    assert repr(read) == repr(ablation.run_ablation(X, Y, **config, grid_n_h=2, outcomes=found))
