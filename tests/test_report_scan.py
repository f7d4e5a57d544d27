"""Tests of report.scan: the rates, one real rate point, and the window and matched-step findings on
hand-made points."""

import math

import numpy as np
import pytest

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report import scan
from tests.handmade import rate_point as point
from tests.handmade import scan_of as made

X, Y = nn.load_dataset("xor")


def test_rates_are_the_lattice_and_the_grid():
    rates = scan.scan_rates([0.01, 0.1, 0.5])
    assert rates[0] == pytest.approx(2**-10) and rates[-1] == pytest.approx(2**6.5)
    assert {0.01, 0.1, 0.5} <= set(rates) and list(rates) == sorted(rates)
    doubled = scan.scan_rates([0.1], doubled=True)
    assert 0.2 in doubled and 0.2 not in scan.scan_rates([0.1])
    assert all(any(math.isclose(2 * r, q) for q in scan.LATTICE) for r in scan.LATTICE[:-2])


def test_a_real_rate_point_is_train_seeds():
    p = scan.rate_point(
        X, Y, learning_rate=0.5, loss="bce", init="random", n_h=2, iterations=200, seeds=range(6), main_seed=2
    )
    direct = training.train_seeds(X, Y, seeds=range(6), learning_rate=0.5, iterations=200)
    assert p.n_solved == int(direct.solved.sum()) and p.n_diverged == int(direct.diverged.sum())
    assert p.iterations_to_solve == tuple(None if k < 0 else int(k) for k in direct.iterations_to_solve)
    assert p.main_costs == tuple(direct.costs[2])
    assert p.median_max_weight == pytest.approx(
        float(
            np.median(
                np.maximum(
                    np.abs(direct.parameters["W1"]).max(axis=(1, 2)), np.abs(direct.parameters["W2"]).max(axis=(1, 2))
                )
            )
        )
    )


def test_the_window_is_the_stable_run_of_most_seeds():
    points = [
        point(0.01, 0),
        point(0.1, 5),
        point(0.2, 8),
        point(0.4, 8),
        point(0.8, 8, its=10),
        point(1.6, 6),
        point(3.2, 9, osc=8),
        point(6.4, 0, osc=10, div=10),
    ]
    w = scan.window(made(points), "bce")
    assert w.holds and w.best_solved == 8 and w.window == (0.2, 0.4, 0.8)
    assert w.fastest.unique and w.fastest.winners == (0.8,)
    assert w.below == (0.01, 0.1) and w.none_below == (0.01,) and w.above == (1.6, 3.2, 6.4)
    assert w.erratic == (3.2,)  # more seeds, but oscillating: not in the window
    assert w.first_oscillating == 3.2 and w.first_diverging == 6.4
    assert w.contains(0.4) and not w.contains(1.6)


def test_ties_in_the_window_stay_ties_and_nothing_solved_holds_nothing():
    tie = scan.window(made([point(0.1, 4, its=50), point(0.2, 4, its=50), point(0.4, 2)]), "bce")
    assert tie.fastest.tie and tie.fastest.winners == (0.1, 0.2)
    assert not scan.window(made([point(0.1, 0), point(0.2, 0), point(0.4, 0)]), "bce").holds
    assert not scan.window(made([point(0.1, 3), point(0.2, 3)]), "bce").holds  # two rates are no window


def test_matched_steps_pair_the_same_seeds():
    points = [point(0.1, 10, its=100), point(0.1, 2, loss="mse", its=200), point(0.2, 9, loss="mse", its=95)]
    (m,) = scan.matched_steps(made(points), [0.1], reference="bce", other="mse")
    assert m.same_ratio.median_ratio == 2.0 and m.doubled_ratio.median_ratio == 0.95 and m.doubled_ratio.n_both == 9
    assert scan.matched_steps(made(points), [0.5], reference="bce", other="mse") == []


def test_matched_scan_and_where_the_other_loss_does_better():
    lattice = scan.LATTICE[10:18]
    points = [point(r, 5 + i, osc=10 if i >= 4 else 0) for i, r in enumerate(lattice)]
    points += [point(r, 5 + i - 2, loss="mse", osc=10 if i >= 6 else 0) for i, r in enumerate(lattice)]
    found = scan.matched_scan(made(points), reference="bce", other="mse")
    assert found.holds and len(found.rows) == 6 and found.n_close == 6
    assert found.onset_matches
    assert scan.better_at_equal_rate(made(points), reference="bce", other="mse") == ()


def test_the_initial_step_factor_is_at_most_a_half():
    factor = scan.initial_step_factor(X, Y, init="random", n_h=2, seeds=range(5), reference="bce", other="mse")
    assert 0 < factor.low <= factor.median <= factor.high == pytest.approx(0.5)


def test_zones_are_said_from_a_rate_on_only_when_they_last():
    points = [point(0.01, 0), point(0.02, 1), point(0.04, 0), point(0.1, 5), point(0.2, 5), point(0.4, 5),
              point(1.0, 0, osc=10), point(2.0, 0, div=10), point(4.0, 0, osc=2, div=4)]  # fmt: skip
    w = scan.window(made(points), "bce")
    assert w.none_below == (0.01,)  # 0.04 solves none too, but 0.02 solves one: "alpha <= 0.04" would be false
    assert w.first_oscillating == 1.0 and w.oscillating_onward is False  # at 4.0 fewer than half do either
    assert w.first_diverging == 2.0 and not w.diverging_onward
    lasting = scan.window(made(points[:-1]), "bce")
    assert lasting.oscillating_onward and lasting.diverging_onward


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
