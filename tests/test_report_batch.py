"""Tests of report.batch: many train_seeds calls stacked into one give the same numbers, bit for bit."""

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab.report import batch, outcomes, scan

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
    stacked = batch.train_many(X, Y, jobs=jobs, n_h=3, iterations=150, init="xavier", loss=loss)
    for (rate, seeds), got in zip(jobs, stacked, strict=True):
        alone = nn.train_seeds(X, Y, seeds=seeds, n_h=3, learning_rate=rate, iterations=150, init="xavier", loss=loss)
        assert_same(got, alone)
    assert stacked[-1].diverged.all() and stacked[2].solved.any()  # the jobs did differ


def test_small_chunks_give_the_same_numbers(monkeypatch):
    jobs = [(0.1, range(4)), (0.3, range(4)), (1.0, range(4))]
    whole = batch.train_many(X, Y, jobs=jobs, iterations=100)
    monkeypatch.setattr(batch, "CHUNK_BYTES", 1)  # one job per chunk
    for a, b in zip(whole, batch.train_many(X, Y, jobs=jobs, iterations=100), strict=True):
        assert_same(a, b)


def test_bad_input_is_refused_as_train_seeds_refuses_it():
    with pytest.raises(ValueError, match="Se necesita al menos una semilla"):
        batch.train_many(X, Y, jobs=[(0.1, range(3)), (0.2, [])])
    with pytest.raises(ValueError) as stacked:
        batch.train_many(X, Y, jobs=[(0.1, range(3)), (-1.0, range(3))])
    with pytest.raises(ValueError) as alone:
        nn.train_seeds(X, Y, seeds=range(3), learning_rate=-1.0)
    assert str(stacked.value) == str(alone.value)
    assert batch.train_many(X, Y, jobs=[]) == []


def test_the_scan_is_its_rate_points_one_by_one():
    found = scan.run_scan(
        X, Y, grid_rates=[0.5], losses=("bce", "mse"), doubled_losses=("mse",), init="random", n_h=2,
        iterations=120, seeds=range(5), main_seed=2,
    )  # fmt: skip
    for p in found.points:
        alone = scan.rate_point(
            X, Y, learning_rate=p.learning_rate, loss=p.loss, init="random", n_h=2, iterations=120,
            seeds=range(5), main_seed=2,
        )  # fmt: skip
        assert repr(alone) == repr(p)  # repr: NaN medians compare equal


def test_outcomes_by_rate_is_seed_outcomes_rate_by_rate():
    common = {"init": "random", "loss": "bce", "n_h": 2, "iterations": 200, "seeds": range(8)}
    found = outcomes.outcomes_by_rate(X, Y, [0.01, 0.5, 3.0], **common)
    assert [lr for lr, _ in found] == [0.01, 0.5, 3.0]
    for lr, got in found:
        assert repr(got) == repr(outcomes.seed_outcomes(X, Y, learning_rate=lr, **common))
    assert any(got.late or got.stuck for _, got in found)  # some rate needed its extension
