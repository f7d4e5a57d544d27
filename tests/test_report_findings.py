"""Tests of report.findings: each finding on hand-made values, where it holds and where it must not be stated."""

import math

from nnsimple_lab.report import findings


def test_best_keeps_ties_as_ties():
    tie = findings.best([(0.01, 0), (0.1, 10), (0.5, 10)])
    assert tie.holds and tie.tie and not tie.unique and tie.winners == (0.1, 0.5) and tie.best == 10
    assert tie.losers == (0.01,) and not tie.all_tied
    alone = findings.best([(0.01, 0), (0.1, 2), (0.5, 10)])
    assert alone.unique and alone.winners == (0.5,)
    everyone = findings.best([(0.1, 3), (0.5, 3)])
    assert everyone.all_tied and not everyone.unique


def test_best_of_one_value_or_of_nothing_finite_does_not_hold():
    assert not findings.best([(0.5, 10)]).holds
    assert not findings.best([(0.5, 10)]).unique
    nothing = findings.best([(0.1, None), (0.5, math.nan)])
    assert not nothing.holds and nothing.winners == ()
    fastest = findings.best([(0.1, 246), (0.5, 51), (1.0, None)], higher_is_better=False)
    assert fastest.unique and fastest.winners == (0.5,) and fastest.best == 51


def test_trend_needs_three_strictly_monotone_finite_points():
    down = findings.trend([(0.5, 0.0067), (0.01, 0.5467), (0.1, 0.0461)])  # given out of order
    assert down.holds and down.direction == "down" and down.first == (0.01, 0.5467) and down.last == (0.5, 0.0067)
    assert findings.trend([(1, 1.0), (2, 2.0), (3, 3.0)]).direction == "up"
    # the grid with alpha = 3.0: the cost ends higher there, so no "the larger the lower" law
    assert not findings.trend([(0.1, 0.0461), (0.5, 0.0067), (1.0, 0.0010), (3.0, 0.3467)]).holds
    assert not findings.trend([(0.1, 0.0461), (0.5, 0.0067)]).holds  # two points are no trend
    assert not findings.trend([(0.1, 1.0)]).holds  # nor is one
    assert not findings.trend([(1, 1.0), (2, 1.0), (3, 0.5)]).holds  # a tie breaks "strictly"
    assert not findings.trend([(1, 1.0), (2, math.nan), (3, 0.5)]).holds


def test_count_comparison_says_never_only_when_it_is_never():
    fewer = findings.compare_counts([(0.01, 0, 0), (0.1, 10, 2), (0.5, 10, 10)])
    assert fewer.never_more and not fewer.never_fewer and not fewer.same
    assert fewer.fewer == (0.1,) and fewer.equal == (0.01, 0.5) and fewer.more == ()
    # the alpha = 3.0: MSE solves more there, so "MSE never solves more" must not be said
    mixed = findings.compare_counts([(0.1, 10, 2), (3.0, 15, 19)])
    assert not mixed.never_more and not mixed.never_fewer and mixed.more == (3.0,)
    same = findings.compare_counts([(0.1, 5, 5), (0.5, 7, 7)])
    assert same.same and not same.never_more  # "never more" needs a "fewer" somewhere
    assert not findings.compare_counts([]).holds


def test_paired_ratio_compares_the_same_seeds():
    ratio = findings.paired_ratio([100, 200, None, 50], [200, 300, 40, None])
    assert ratio.n_both == 2 and ratio.n_slower == 2 and ratio.always_slower
    assert ratio.median_a == 150 and ratio.median_b == 250 and ratio.median_ratio == (2.0 + 1.5) / 2
    none = findings.paired_ratio([None, 10], [5, None])
    assert not none.holds and none.median_ratio is None
    faster = findings.paired_ratio([100, 100], [50, 100])
    assert faster.n_faster == 1 and not faster.always_faster and not faster.always_slower


def test_contiguous_block_is_the_longest_run():
    keys = [1, 2, 3, 4, 5, 6, 7]
    assert findings.contiguous_block(keys, {2, 3, 5, 6, 7}) == (5, 6, 7)
    assert findings.contiguous_block(keys, {1, 3}) == (1,)
    assert findings.contiguous_block(keys, set()) == ()
