"""Tests of training with a bounded history: the course's cost curve, seeds stacked, divergence,
the kept states and the blocks, bad input."""

import math

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import training
from tests.course import course_costs


@pytest.fixture
def xor():
    return nn.load_dataset("xor")


def test_zero_init_on_xor_is_a_stationary_point(xor):
    X, Y = xor
    parameters = nn.initialize_parameters(2, 2, 1, init="zeros")
    _, cache = nn.forward_prop(X, parameters)
    grads = nn.backward_prop(X, Y, cache, parameters, "bce")
    for name, grad in grads.items():
        assert np.all(grad == 0), name
    result = training.train(X, Y, init="zeros", iterations=500)
    for name in nn.PARAMETER_NAMES:
        assert np.all(result.history[name] == 0), name
    assert np.all(result.costs == np.log(2))
    assert np.all(result.A2 == 0.5)


def test_zero_init_on_xor_with_mse_also_stays_put(xor):
    X, Y = xor
    result = training.train(X, Y, init="zeros", loss="mse", iterations=200)
    assert np.all(result.costs == 0.25)
    assert all(np.all(result.parameters[k] == 0) for k in nn.PARAMETER_NAMES)


def test_zero_init_on_and_moves_only_b2():
    X, Y = nn.load_dataset("and")
    result = training.train(X, Y, init="zeros", iterations=300)
    for name in ("W1", "b1", "W2"):
        assert np.all(result.history[name] == 0), name
    b2 = result.history["b2"][:, 0, 0]
    assert np.all(np.diff(b2) < 0)  # one positive label in four: b2 goes down
    # the output tends to the label mean 1/4, whatever the input
    assert result.A2 == pytest.approx(np.full((1, 4), 0.25), abs=1e-2)


def test_course_default_reproduces_the_course_cost_curve(xor):
    X, Y = xor
    expected, _ = course_costs()
    result = training.train(X, Y)
    assert result.costs.shape == (1001,)
    np.testing.assert_allclose(result.costs, expected, rtol=0, atol=1e-12)
    # the values the course notebook printed
    printed = [0.856267, 0.347426, 0.101195, 0.053631, 0.036031, 0.027002]
    np.testing.assert_allclose(result.costs[:600:100], printed, atol=5e-7)


def test_history_index_is_the_state_after_k_updates(xor):
    X, Y = xor
    result = training.train(X, Y, iterations=5)
    start = nn.initialize_parameters(2, 2, 1)
    for name in nn.PARAMETER_NAMES:
        assert result.history[name].shape == (6, *start[name].shape)
        np.testing.assert_array_equal(result.history[name][0], start[name])
        np.testing.assert_array_equal(result.history[name][-1], result.parameters[name])
    one_step = nn.update_parameters(start, nn.backward_prop(X, Y, nn.forward_prop(X, start)[1], start), 0.3)
    np.testing.assert_array_equal(result.history["W1"][1], one_step["W1"])
    assert result.costs[1] == nn.compute_cost(nn.forward_prop(X, one_step)[0], Y)


def test_course_default_solves_xor_and_predicts_it(xor):
    X, Y = xor
    result = training.train(X, Y)
    assert result.solved and result.accuracy[-1] == 1.0
    assert 0 < result.iterations_to_solve < 1000
    assert np.all(result.accuracy[result.iterations_to_solve :] == 1.0)
    assert result.accuracy[result.iterations_to_solve - 1] < 1.0
    np.testing.assert_array_equal(nn.predict(X, result.parameters), Y.astype(int))


def test_predict_takes_any_number_of_examples(xor):
    X, Y = xor
    parameters = training.train(X, Y).parameters
    grid = np.random.RandomState(0).rand(2, 37)
    out = nn.predict(grid, parameters)
    assert out.shape == (1, 37) and set(np.unique(out)) <= {0, 1}
    assert nn.predict(np.array([[1.0], [0.0]]), parameters).tolist() == [[1]]


def test_same_arguments_give_identical_arrays_and_leave_global_state_alone(xor):
    X, Y = xor
    before = np.random.get_state()
    a = training.train(X, Y, learning_rate=0.5, loss="mse", seed=11, iterations=300)
    b = training.train(X, Y, learning_rate=0.5, loss="mse", seed=11, iterations=300)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    np.testing.assert_array_equal(a.costs, b.costs)
    for name in nn.PARAMETER_NAMES:
        np.testing.assert_array_equal(a.history[name], b.history[name])


@pytest.mark.parametrize("loss", nn.LOSSES)
def test_vectorised_seeds_agree_with_single_runs(xor, loss):
    X, Y = xor
    seeds = range(8)
    many = training.train_seeds(X, Y, seeds=seeds, learning_rate=0.5, iterations=400, loss=loss)
    assert many.costs.shape == (8, 401)
    for i, seed in enumerate(seeds):
        one = training.train(X, Y, learning_rate=0.5, iterations=400, loss=loss, seed=seed)
        np.testing.assert_allclose(many.costs[i], one.costs, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(many.accuracy[i], one.accuracy)
        assert many.iterations_to_solve[i] == one.iterations_to_solve
        np.testing.assert_allclose(many.A2[i], one.A2, rtol=0, atol=1e-12)  # the final outputs and parameters
        for name in nn.PARAMETER_NAMES:
            np.testing.assert_allclose(many.parameters[name][i], one.parameters[name], rtol=0, atol=1e-9)
    assert many.solved.dtype == bool and 0 < many.solved.sum() <= 8


def test_a_huge_learning_rate_diverges_with_finite_numbers(xor):
    """Units saturate: the cost ends far above where it started, and no nan appears."""
    X, Y = xor
    result = training.train(X, Y, learning_rate=1e308, iterations=50)
    assert result.diverged and result.nonfinite_at == -1
    assert np.all(np.isfinite(result.costs)) and result.costs[-1] > 10 * result.costs[0]
    seeds = training.train_seeds(X, Y, seeds=[0, 1], learning_rate=1e308, iterations=50)
    assert np.all(seeds.diverged) and np.all(seeds.nonfinite_at == -1)


def test_first_non_finite_state_is_found():
    costs = np.array([[1.0, 1.0], [0.5, np.inf], [np.nan, 0.2]])
    assert training._first_non_finite(costs).tolist() == [2, 1]
    history = {"W1": np.array([[[1.0]], [[np.nan]], [[1.0]]])}
    assert training._first_non_finite(costs[:, 0], history) == 1


def test_ordinary_runs_do_not_diverge(xor):
    X, Y = xor
    for loss in nn.LOSSES:
        result = training.train(X, Y, learning_rate=0.5, loss=loss)
        assert not result.diverged and result.nonfinite_at == -1


@pytest.mark.parametrize(
    "kwargs, shown",
    [
        ({"init": "zero"}, "'zero'"),
        ({"init": "he"}, "'he'"),
        ({"loss": "mae"}, "'mae'"),
        ({"learning_rate": -0.1}, "-0.1"),
        ({"learning_rate": 0}, "0"),
        ({"learning_rate": math.inf}, "inf"),
        ({"learning_rate": math.nan}, "nan"),
        ({"learning_rate": "0.1"}, "'0.1'"),
        ({"iterations": -1}, "-1"),
        ({"n_h": 0}, "0"),
    ],
)
def test_bad_arguments_raise_a_spanish_value_error(xor, kwargs, shown):
    X, Y = xor
    with pytest.raises(ValueError) as error:
        training.train(X, Y, **kwargs)
    message = str(error.value)
    assert shown in message
    assert any(word in message for word in ("válido", "Debe"))


@pytest.mark.parametrize(
    "X, Y, shown",
    [
        (np.zeros((2, 4)), np.zeros((4, 1)), "(4, 1)"),
        (np.zeros(4), np.zeros((1, 4)), "(4,)"),
        (np.zeros((2, 4)), np.zeros((1, 3)), "(1, 3)"),
        (np.zeros((2, 4)), np.full((1, 4), 2.0), "[2.0]"),
    ],
)
def test_badly_shaped_data_raises(X, Y, shown):
    with pytest.raises(ValueError) as error:
        training.train(X, Y)
    assert shown in str(error.value)


@pytest.mark.parametrize(("rate", "init"), [(0.5, "random"), (0.01, "random"), (2.0, "zeros"), (1e300, "random")])
def test_kept_states_equal_the_full_run_there_and_the_counts_stay_exact(xor, monkeypatch, rate, init):
    X, Y = xor
    full = training.train(X, Y, learning_rate=rate, init=init, iterations=600)
    seeds = training.train_seeds(X, Y, seeds=range(5), learning_rate=rate, init=init, iterations=600)
    monkeypatch.setattr(training, "BLOCK_BYTES", 800)  # a few states per block: many block boundaries
    steps = [0, 1, 2, 40, 333, 599]
    kept = training.train(X, Y, learning_rate=rate, init=init, iterations=600, steps=steps)
    expected = sorted({*steps, 600, *([full.iterations_to_solve] if full.solved else [])})
    assert kept.steps.tolist() == expected
    np.testing.assert_array_equal(kept.costs, full.costs[expected])
    np.testing.assert_array_equal(kept.accuracy, full.accuracy[expected])
    for name in nn.PARAMETER_NAMES:
        np.testing.assert_array_equal(kept.history[name], full.history[name][expected])
        np.testing.assert_array_equal(kept.parameters[name], full.parameters[name])
    assert (kept.iterations_to_solve, kept.nonfinite_at) == (full.iterations_to_solve, full.nonfinite_at)
    few = training.train_seeds(X, Y, seeds=range(5), learning_rate=rate, init=init, iterations=600, steps=steps)
    np.testing.assert_array_equal(few.costs, seeds.costs[:, sorted({*steps, 600})])
    np.testing.assert_array_equal(few.iterations_to_solve, seeds.iterations_to_solve)
    np.testing.assert_array_equal(few.nonfinite_at, seeds.nonfinite_at)


def test_training_in_blocks_gives_the_same_bits_as_in_one(xor, monkeypatch):
    X, Y = xor
    one = training.train(X, Y, learning_rate=0.5, loss="mse", iterations=500)
    many = training.train_seeds(X, Y, seeds=range(6), learning_rate=0.5, iterations=500)
    monkeypatch.setattr(training, "BLOCK_BYTES", 500)
    blocks = training.train(X, Y, learning_rate=0.5, loss="mse", iterations=500)
    np.testing.assert_array_equal(blocks.costs, one.costs)
    np.testing.assert_array_equal(blocks.history["W1"], one.history["W1"])
    np.testing.assert_array_equal(
        training.train_seeds(X, Y, seeds=range(6), learning_rate=0.5, iterations=500).costs, many.costs
    )
    assert blocks.steps.tolist() == list(range(501))


def test_bad_steps_are_refused_in_spanish(xor):
    X, Y = xor
    with pytest.raises(ValueError, match="los estados van de 0 a 10"):
        training.train(X, Y, iterations=10, steps=[0, 11])
    with pytest.raises(ValueError, match="lista de enteros"):
        training.train(X, Y, iterations=10, steps=[0.5])


# ---------------------------------------------------------------- many configurations at once

X, Y = nn.load_dataset("xor")
FIELDS = ("seeds", "costs", "accuracy", "iterations_to_solve", "nonfinite_at", "steps", "A2")


def assert_same(stacked, alone):
    for name in FIELDS:
        assert np.array_equal(getattr(stacked, name), getattr(alone, name), equal_nan=True), name
    for name, value in alone.parameters.items():
        assert np.array_equal(stacked.parameters[name], value, equal_nan=True), name
    assert stacked.config == alone.config


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_stacked_jobs_are_separate_calls_bit_for_bit(loss):
    # A rate too small to learn, good ones and one that overflows; seed sets of different sizes.
    jobs = [(0.01, range(5)), (0.5, [3, 1, 4]), (2.0, range(6)), (80.0, [0, 7])]
    stacked = training.train_many(X, Y, jobs=jobs, n_h=3, iterations=150, init="xavier", loss=loss)
    for (rate, seeds), got in zip(jobs, stacked, strict=True):
        alone = training.train_seeds(
            X, Y, seeds=seeds, n_h=3, learning_rate=rate, iterations=150, init="xavier", loss=loss
        )
        assert_same(got, alone)
    assert stacked[-1].diverged.all() and stacked[2].solved.any()  # the jobs did differ


def test_small_chunks_give_the_same_numbers(monkeypatch):
    jobs = [(0.1, range(4)), (0.3, range(4)), (1.0, range(4))]
    whole = training.train_many(X, Y, jobs=jobs, iterations=100)
    monkeypatch.setattr(training, "CHUNK_BYTES", 1)  # one job per chunk
    for a, b in zip(whole, training.train_many(X, Y, jobs=jobs, iterations=100), strict=True):
        assert_same(a, b)


def test_bad_input_is_refused_as_train_seeds_refuses_it():
    with pytest.raises(ValueError, match="Se necesita al menos una semilla"):
        training.train_many(X, Y, jobs=[(0.1, range(3)), (0.2, [])])
    with pytest.raises(ValueError) as stacked:
        training.train_many(X, Y, jobs=[(0.1, range(3)), (-1.0, range(3))])
    with pytest.raises(ValueError) as alone:
        training.train_seeds(X, Y, seeds=range(3), learning_rate=-1.0)
    assert str(stacked.value) == str(alone.value)
    assert training.train_many(X, Y, jobs=[]) == []
