"""Tests of report.symmetry: the zero start is a saddle point on XOR (not on AND), identical units stay one."""

import dataclasses

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report import q1_zero, symmetry, trained
from nnsimple_lab.report import runs as run_view
from tests.runsfolder import write_runs_folder

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
    # one hidden unit: nothing to copy, no experiment (and no sentence, no conclusion)
    alone = symmetry.symmetric_start(X, Y, loss="bce", learning_rate=0.5, iterations=30, seeds=range(2), n_h=1)
    assert alone is None and q1_zero.symmetric_sentence(alone) == ""


def test_the_plain_start_read_from_its_run_is_the_trained_one(tmp_path):
    write_runs_folder(tmp_path, learning_rates=(0.5,), inits=("random",), losses=("bce",), iterations=300, seeds=6)
    runs = run_view.load(tmp_path)
    config = {"loss": "bce", "learning_rate": 0.5, "iterations": 300, "seeds": range(6), "n_h": 2}
    assert trained.budget(runs, **config, init="random", X=X, Y=Y) is not None  # read, not trained
    read = symmetry.symmetric_start(X, Y, **config, runs=runs)
    again = symmetry.symmetric_start(X, Y, **config)
    assert read.final_accuracy.tobytes() == again.final_accuracy.tobytes()
    assert dataclasses.replace(read, final_accuracy=None) == dataclasses.replace(again, final_accuracy=None)
