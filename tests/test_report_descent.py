"""Tests of report.descent: the course's loop from a chosen start is nnsimple's training, bit for bit."""

import numpy as np

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report.descent import descend

X, Y = nn.load_dataset("xor")


def test_descend_from_the_random_start_is_train():
    start = nn.initialize_parameters(2, 2, 1, init="random", seed=3)
    ours = descend(X, Y, start, learning_rate=0.5, iterations=200, gradient_loss="mse")
    theirs = training.train(X, Y, learning_rate=0.5, iterations=200, loss="mse", seed=3)
    np.testing.assert_array_equal(ours.costs, theirs.costs)
    for name in nn.PARAMETER_NAMES:
        np.testing.assert_array_equal(ours.history[name], theirs.history[name])
    np.testing.assert_array_equal(ours.A2, theirs.A2)


def test_one_loss_printed_another_trained():
    start = nn.initialize_parameters(2, 2, 1, init="random", seed=2)
    naive = descend(X, Y, start, learning_rate=0.5, iterations=50, gradient_loss="bce", cost_loss="mse")
    bce = training.train(X, Y, learning_rate=0.5, iterations=50, loss="bce", seed=2)
    np.testing.assert_array_equal(naive.history["W1"], bce.history["W1"])
    np.testing.assert_allclose(naive.costs, [nn.compute_cost(a, Y, "mse") for a in nn.forward_prop(X, bce.history)[0]])


def test_stacked_starts_train_together():
    starts = [nn.initialize_parameters(2, 2, 1, seed=s) for s in range(3)]
    stacked = {k: np.stack([p[k] for p in starts]) for k in nn.PARAMETER_NAMES}
    run = descend(X, Y, stacked, learning_rate=0.5, iterations=30, gradient_loss="bce")
    assert run.costs.shape == (31, 3) and run.parameters["W1"].shape == (3, 2, 2)
