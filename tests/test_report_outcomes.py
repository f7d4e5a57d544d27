"""Tests of report.outcomes: plateaus from hand-made outputs, seeds classified from hand-made results, a
real run."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report import outcomes, trained
from nnsimple_lab.report import runs as run_view
from tests.runsfolder import write_runs_folder

X, Y = nn.load_dataset("xor")


def test_the_pair_plateau_is_ln2_over_2():
    plateau = outcomes.find_plateau(np.array([[0.003, 0.499, 0.996, 0.502]]), Y, loss="bce")
    assert plateau is not None and plateau.mixed == ((1, 3),)
    assert plateau.limit_cost == pytest.approx(math.log(2) / 2, abs=1e-12)
    assert outcomes.find_plateau(np.array([[0.003, 0.499, 0.996, 0.502]]), Y, loss="mse").limit_cost == pytest.approx(
        0.125
    )


def test_three_inputs_at_two_thirds_are_another_plateau():
    plateau = outcomes.find_plateau(np.array([[0.001, 0.667, 0.667, 0.667]]), Y, loss="bce")
    assert plateau.mixed == ((1, 2, 3),) and plateau.shares[-1] == pytest.approx(2 / 3)
    expected = -(2 * math.log(2 / 3) + math.log(1 / 3)) / 4
    assert plateau.limit_cost == pytest.approx(expected, abs=1e-9)


def test_what_is_not_a_plateau():
    assert outcomes.find_plateau(np.array([[0.01, 0.99, 0.98, 0.02]]), Y, loss="bce") is None  # solved
    assert outcomes.find_plateau(np.array([[0.5, 0.5, 0.5, 0.5]]), Y, loss="bce") is None  # nothing learnt yet
    assert outcomes.find_plateau(np.array([[0.2, 0.45, 0.8, 0.6]]), Y, loss="bce") is None  # on the way
    assert outcomes.find_plateau(np.array([[np.nan, 0.5, 1.0, 0.5]]), Y, loss="bce") is None


def _extended(seeds, solved, A2, iterations=1000):
    A2 = np.asarray(A2, dtype=float).reshape(len(seeds), 1, 4)
    return SimpleNamespace(
        seeds=np.array(seeds),
        solved=np.array(solved),
        A2=A2,
        final_cost=np.array([nn.compute_cost(a, Y) for a in A2]),
        parameters=None,
        config={"iterations": iterations},
    )


def test_classify_separates_late_stuck_other_and_diverged():
    extended = _extended(
        [1, 2, 3],
        [True, False, False],
        [[0.01, 0.99, 0.99, 0.01], [0.0, 0.5, 1.0, 0.5], [0.3, 0.5, 0.7, 0.4]],
    )
    found = outcomes.classify(
        seeds=[0, 1, 2, 3, 4],
        solved=[True, False, False, False, False],
        diverged=[False, False, False, False, True],
        budget_cost=[0.01, 0.4, 0.36, 0.5, 3.0],
        iterations=100,
        extended=extended,
        X=X,
        Y=Y,
        loss="bce",
    )
    assert found.solved == (0,) and found.late == (1,) and found.stuck == (2,) and found.other == (3,)
    assert found.diverged == (4,) and found.unsolved == (1, 2, 3, 4) and found.extension == 1000
    assert not found.budget_limited
    assert outcomes.common_plateaus(found) == [(round(math.log(2) / 2, 9), [2])]


def test_budget_limited_only_when_every_failing_seed_solves_later():
    late = outcomes.classify(
        seeds=[0, 1],
        solved=[False, True],
        diverged=[False, False],
        budget_cost=[0.5, 0.01],
        iterations=200,
        extended=_extended([0], [True], [[0.01, 0.99, 0.99, 0.01]], iterations=2000),
        X=X,
        Y=Y,
        loss="bce",
    )
    assert late.budget_limited and late.late == (0,) and late.stuck == ()


def test_extension_is_capped_and_never_below_the_budget():
    assert outcomes.extension_for(1000) == 10_000
    assert outcomes.extension_for(50_000) == outcomes.EXTENSION_CAP
    assert outcomes.extension_for(10**6) == 10**6


def test_real_seeds_at_half_are_stuck_not_late():
    found = outcomes.seed_outcomes(
        X, Y, learning_rate=0.5, init="random", loss="bce", n_h=2, iterations=300, seeds=range(6)
    )
    direct = training.train_seeds(X, Y, seeds=range(6), learning_rate=0.5, iterations=300)
    assert found.solved == tuple(int(s) for s in np.flatnonzero(direct.solved))
    for seed in found.stuck:
        assert found.plateaus[seed].limit_cost <= found.extended_cost[seed] <= found.final_cost[seed]
        assert found.gradient_norm[seed] < 1e-2
    assert found.stuck and found.extension == 3000


def test_outcomes_by_rate_is_seed_outcomes_rate_by_rate():
    common = {"init": "random", "loss": "bce", "n_h": 2, "iterations": 200, "seeds": range(8)}
    found = outcomes.outcomes_by_rate(X, Y, [0.01, 0.5, 3.0], **common)
    assert [lr for lr, _ in found] == [0.01, 0.5, 3.0]
    for lr, got in found:
        assert repr(got) == repr(outcomes.seed_outcomes(X, Y, learning_rate=lr, **common))
    assert any(got.late or got.stuck for _, got in found)  # some rate needed its extension


def _same_outcomes(got, expected):
    """Equal to the last bit: every number of the repr (floats print exactly) and every output array."""
    assert repr(got) == repr(expected)
    assert got.outputs.keys() == expected.outputs.keys()
    assert all(got.outputs[s].tobytes() == expected.outputs[s].tobytes() for s in got.outputs)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    write_runs_folder(
        folder, learning_rates=(0.01, 0.5, 3.0), inits=("random",), losses=("bce",), iterations=200, seeds=8
    )
    return run_view.load(folder)


def test_budgets_read_from_the_runs_give_the_same_outcomes(runs):
    common = {"init": "random", "loss": "bce", "n_h": 2, "iterations": 200, "seeds": range(8)}
    assert len(trained.budgets(runs, [0.01, 0.5, 3.0], **common, X=X, Y=Y)) == 3  # all read, none trained
    read = outcomes.outcomes_by_rate(X, Y, [0.01, 0.5, 3.0, 0.2], **common, runs=runs)  # 0.2: trained here
    again = outcomes.outcomes_by_rate(X, Y, [0.01, 0.5, 3.0, 0.2], **common)  # everything trained
    for (lr, got), (_, expected) in zip(read, again, strict=True):
        _same_outcomes(got, expected)
        _same_outcomes(got, outcomes.seed_outcomes(X, Y, learning_rate=lr, **common))
    assert any(got.late or got.stuck for _, got in read)


@pytest.mark.parametrize("failing_rate", [0.5, 0.2, None])
def test_the_failing_rate_and_the_others_are_each_rate_on_its_own(runs, failing_rate):
    common = {"init": "random", "loss": "bce", "n_h": 2, "iterations": 200, "seeds": range(8)}
    rates = [0.01, 0.5, 3.0]
    failing, others = outcomes.failing_and_others(X, Y, failing_rate=failing_rate, rates=rates, **common, runs=runs)
    if failing_rate is None:
        assert failing is None
    else:
        _same_outcomes(failing, outcomes.seed_outcomes(X, Y, learning_rate=failing_rate, **common))
    assert [lr for lr, _ in others] == [r for r in rates if r != failing_rate]
    for lr, got in others:
        _same_outcomes(got, outcomes.seed_outcomes(X, Y, learning_rate=lr, **common))
