"""Tests of report.trained: what a run stored stands for its training bit for bit, and only then.

The runs are trained for real and written with results (tests/runsfolder.py); every comparison
is against the same training done here.
"""

import dataclasses

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import results, training
from nnsimple_lab.report import runs as run_view
from nnsimple_lab.report import trained
from nnsimple_lab.report.descent import descend
from nnsimple_lab.report.runs import Run
from tests.runsfolder import write_runs_folder

X, Y = nn.load_dataset("xor")
GRID = {"n_h": 2, "iterations": 300, "seeds": range(8), "X": X, "Y": Y}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(
        folder, learning_rates=(0.1, 0.5), inits=("random",), iterations=300, seeds=8, failed=("lr0.1-random-mse",)
    )
    return run_view.load(folder)


def _same_bits(got, expected):
    return got.dtype == expected.dtype and got.shape == expected.shape and got.tobytes() == expected.tobytes()


def test_a_budget_is_the_runs_train_seeds_bit_for_bit(runs):
    done = [r for r in runs if r.ok]
    assert len(done) == 3
    for run in done:
        config = {"learning_rate": run.learning_rate, "init": run.init, "loss": run.loss}
        found = trained.budget(runs, **config, **GRID)
        direct = training.train_seeds(X, Y, **config, n_h=2, iterations=300, seeds=range(8))
        for name in ("seeds", "solved", "diverged", "final_cost", "iterations_to_solve"):
            assert _same_bits(getattr(found, name), getattr(direct, name)), name
        assert found.config == direct.config
    assert list(trained.budgets(runs, [0.5, 0.1, 0.2], init="random", loss="mse", **GRID)) == [0.5]


@pytest.mark.parametrize(
    "change",
    [
        {"learning_rate": 0.2},  # a rate the grid does not have
        {"learning_rate": 0.1, "loss": "mse"},  # the failed run
        {"init": "zeros"},
        {"n_h": 3},
        {"iterations": 299},
        {"seeds": range(7)},
        {"seeds": range(1, 9)},
        {"X": nn.load_dataset("and")[0], "Y": nn.load_dataset("and")[1]},  # other data
    ],
)
def test_another_computation_is_never_read(runs, change):
    asked = {"learning_rate": 0.5, "init": "random", "loss": "bce", **GRID}
    assert trained.budget(runs, **asked) is not None
    assert trained.budget(runs, **{**asked, **change}) is None
    if "seeds" not in change:  # the main run does not depend on the seeds
        history = {k: v for k, v in {**asked, **change}.items() if k != "seeds"}
        assert trained.main_history(runs, **history, seed=2) is None


def _run_of(one, many, **versions):
    with np.errstate(invalid="ignore"):  # the quantiles of an infinite cost
        record = results.run_record(one, many, dataset="xor", X=X, Y=Y)
    record["versions"].update(versions)
    view = results.Record.from_dict(record)
    return Run(id=record["id"], learning_rate=one.learning_rate, init=one.init, loss=one.loss, status="ok", record=view)


def test_a_non_finite_number_or_other_code_is_never_read():
    config = {"learning_rate": 0.5, "init": "random", "loss": "bce", "n_h": 2, "iterations": 50}
    one = training.train(X, Y, **config)
    many = training.train_seeds(X, Y, seeds=range(3), **config)
    asked = {**config, "X": X, "Y": Y}
    assert trained.budget([_run_of(one, many)], **asked, seeds=range(3)) is not None
    assert trained.main_history([_run_of(one, many)], **asked, seed=2) is not None
    costs = many.costs.copy()
    costs[1, -1] = np.inf  # stored as nan: not the trained number
    bad = _run_of(one, dataclasses.replace(many, costs=costs))
    assert trained.budget([bad], **asked, seeds=range(3)) is None
    history = {**one.history, "W2": one.history["W2"].copy()}
    history["W2"][7, 0, 1] = -np.inf
    assert trained.main_history([_run_of(dataclasses.replace(one, history=history), many)], **asked, seed=2) is None
    for other in ({"numpy": "0.0"}, {"nnsimple": "0" * 64}):
        assert trained.budget([_run_of(one, many, **other)], **asked, seeds=range(3)) is None
        assert trained.main_history([_run_of(one, many, **other)], **asked, seed=2) is None


def test_the_main_history_is_the_descent_from_the_same_start_bit_for_bit(runs):
    for loss in ("bce", "mse"):
        found = trained.main_history(
            runs, learning_rate=0.5, init="random", loss=loss, seed=2, n_h=2, iterations=300, X=X, Y=Y
        )
        start = nn.initialize_parameters(2, 2, 1, init="random", seed=2)
        direct = descend(X, Y, start, learning_rate=0.5, iterations=300, gradient_loss=loss).history
        assert list(found) == list(nn.PARAMETER_NAMES)
        assert all(_same_bits(found[k], direct[k]) for k in nn.PARAMETER_NAMES)
    asked = {"learning_rate": 0.5, "init": "random", "loss": "bce", "n_h": 2, "iterations": 300, "X": X, "Y": Y}
    assert trained.main_history(runs, **asked, seed=3) is None  # not the run's main seed


def test_a_run_that_kept_some_states_gives_its_budget_not_its_history():
    config = {"learning_rate": 0.5, "init": "random", "loss": "bce", "n_h": 2, "iterations": 2500}
    one = training.train(X, Y, **config, steps=results.stored_steps(2500))
    many = training.train_seeds(X, Y, seeds=range(3), **config, steps=one.steps)
    run = _run_of(one, many)
    assert not run.record.every_state
    found = trained.budget([run], **config, seeds=range(3), X=X, Y=Y)
    direct = training.train_seeds(X, Y, seeds=range(3), **config)  # every state: the counts are the same
    assert _same_bits(found.iterations_to_solve, direct.iterations_to_solve)
    assert _same_bits(found.final_cost, direct.final_cost) and _same_bits(found.diverged, direct.diverged)
    assert trained.main_history([run], **config, seed=2, X=X, Y=Y) is None
