"""Tests of report.symmetry: the zero start is a saddle point on XOR (not on AND), identical units stay one."""

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report import symmetry

X, Y = nn.load_dataset("xor")


@pytest.mark.parametrize("loss", nn.LOSSES)
def test_the_zero_start_on_xor_is_a_saddle(loss):
    probe = symmetry.probe_saddle(X, Y, loss=loss, n_h=2, directions=4000)
    assert probe.stationary and probe.saddle
    assert probe.lowest < 0 < probe.highest and 0 < probe.n_lower < probe.directions
    again = symmetry.probe_saddle(X, Y, loss=loss, n_h=2, directions=4000)
    assert again.n_lower == probe.n_lower and again.lowest == probe.lowest  # reproducible


def test_on_and_the_zero_start_is_not_stationary():
    Xa, Ya = nn.load_dataset("and")
    probe = symmetry.probe_saddle(Xa, Ya, loss="bce", n_h=2, directions=500)
    assert not probe.stationary and not probe.saddle


def test_the_cut_goes_down_one_way_and_up_the_other():
    probe = symmetry.probe_saddle(X, Y, loss="bce", n_h=2, directions=4000)
    t, down, up = symmetry.saddle_cut(X, Y, probe, n_h=2, points=41)
    assert t[20] == 0 and down[20] == 0 and up[20] == 0
    assert down.min() < 0 and up.min() >= 0 and up.max() > 0


def test_identical_hidden_units_stay_identical_and_cannot_solve_xor():
    start = symmetry.symmetric_start(X, Y, loss="bce", learning_rate=0.5, iterations=300, seeds=range(6), n_h=2)
    assert start.identical and start.best_accuracy <= 0.75
    assert start.n_solved_random == int(
        training.train_seeds(X, Y, seeds=range(6), learning_rate=0.5, iterations=300).solved.sum()
    )
    assert np.all(start.final_accuracy <= 0.75)
