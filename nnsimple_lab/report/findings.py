"""Findings: what the data say, as small value objects computed by pure functions.

A finding keeps its numbers and says whether it may be stated (``holds``); the sentence that
states it is a separate function, in the question modules. The rules every sentence obeys
live here, once:

- ``best``: the best of several values; ties are ties (``winners`` holds every key that
  reaches the best value), and nothing is "the best" of one value.
- ``trend``: a monotone trend only over at least ``MIN_TREND_POINTS`` values, all finite and
  strictly monotone; it says nothing outside the keys it was measured on.
- ``compare_counts``: two series of counts over the same keys (seeds solved per rate by two
  losses): where the second has more, fewer or the same.
- ``paired_ratio``: iterations of two configurations over the seeds both solve, the same seeds.

Nothing here writes Spanish or reads a run: inputs are plain numbers.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

MIN_TREND_POINTS = 3  # fewer points than this never make a trend


def _finite(x):
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


@dataclass(frozen=True)
class Best:
    """The best of several measured values (e.g. seeds solved per rate), ties kept as ties.

    ``values``: ``((key, value), ...)`` in the order given; ``winners``: every key whose value is
    the best one. It holds (something may be called the best) with at least two finite values.
    """

    values: tuple
    best: float | None
    winners: tuple
    higher_is_better: bool

    @property
    def holds(self):
        return self.best is not None and sum(_finite(v) for _, v in self.values) >= 2

    @property
    def tie(self):
        """Several keys share the best value."""
        return len(self.winners) > 1

    @property
    def unique(self):
        """One key alone is the best: "X es la mejor" may be said."""
        return self.holds and len(self.winners) == 1

    @property
    def all_tied(self):
        """Every key has the best value: nothing is better than anything."""
        return self.holds and len(self.winners) == len(self.values)

    @property
    def losers(self):
        """The keys below the best, in the order given."""
        return tuple(k for k, _ in self.values if k not in self.winners)


def best(values, *, higher_is_better=True):
    """``Best`` of ``[(key, value)]``; None or non-finite values never win."""
    values = tuple((k, v) for k, v in values)
    finite = [v for _, v in values if _finite(v)]
    if not finite:
        return Best(values=values, best=None, winners=(), higher_is_better=higher_is_better)
    top = max(finite) if higher_is_better else min(finite)
    winners = tuple(k for k, v in values if _finite(v) and v == top)
    return Best(values=values, best=top, winners=winners, higher_is_better=higher_is_better)


@dataclass(frozen=True)
class Trend:
    """How a value changes along an ordered key (e.g. the final cost against the rate).

    ``points``: ``((x, y), ...)`` sorted by x; ``direction``: ``"up"`` (y grows with x), ``"down"``,
    or None when the points are too few, not finite or not strictly monotone.
    """

    points: tuple
    direction: str | None

    @property
    def holds(self):
        return self.direction is not None

    @property
    def first(self):
        return self.points[0]

    @property
    def last(self):
        return self.points[-1]


def trend(points):
    """``Trend`` of ``[(x, y)]``: monotone only over >= ``MIN_TREND_POINTS`` finite, strictly monotone points."""
    points = tuple(sorted(((x, y) for x, y in points), key=lambda p: p[0]))
    ys = [y for _, y in points]
    direction = None
    if len(points) >= MIN_TREND_POINTS and all(_finite(y) for y in ys):
        steps = list(zip(ys, ys[1:], strict=False))
        if all(b > a for a, b in steps):
            direction = "up"
        elif all(b < a for a, b in steps):
            direction = "down"
    return Trend(points=points, direction=direction)


@dataclass(frozen=True)
class CountComparison:
    """Counts of a second configuration against a first over the same keys: ``((key, a, b), ...)``."""

    rows: tuple

    @property
    def more(self):
        """Keys where the second has more."""
        return tuple(k for k, a, b in self.rows if b > a)

    @property
    def fewer(self):
        return tuple(k for k, a, b in self.rows if b < a)

    @property
    def equal(self):
        return tuple(k for k, a, b in self.rows if b == a)

    @property
    def holds(self):
        return bool(self.rows)

    @property
    def never_more(self):
        """The second never has more, and has fewer somewhere."""
        return self.holds and not self.more and bool(self.fewer)

    @property
    def never_fewer(self):
        return self.holds and not self.fewer and bool(self.more)

    @property
    def same(self):
        return self.holds and len(self.equal) == len(self.rows)


def compare_counts(rows):
    """``CountComparison`` of ``[(key, count_a, count_b)]``."""
    return CountComparison(rows=tuple((k, int(a), int(b)) for k, a, b in rows))


@dataclass(frozen=True)
class PairedRatio:
    """Iterations to solve of a second configuration over a first, on the seeds both solve."""

    n_both: int
    n_slower: int  # seeds where the second takes more iterations
    n_faster: int
    median_a: float | None  # median iterations of the first, over those same seeds
    median_b: float | None
    median_ratio: float | None  # median over the seeds of b / a

    @property
    def holds(self):
        return self.n_both > 0

    @property
    def always_slower(self):
        return self.holds and self.n_slower == self.n_both

    @property
    def always_faster(self):
        return self.holds and self.n_faster == self.n_both


def paired_ratio(iterations_a, iterations_b):
    """``PairedRatio`` of two per-seed sequences of iterations to solve (None: never solved).

    Both sequences run over the same seeds, in the same order.
    """
    pairs = [(a, b) for a, b in zip(iterations_a, iterations_b, strict=True) if a is not None and b is not None]
    if not pairs:
        return PairedRatio(0, 0, 0, None, None, None)
    ratios = [b / a for a, b in pairs if a > 0]
    return PairedRatio(
        n_both=len(pairs),
        n_slower=sum(b > a for a, b in pairs),
        n_faster=sum(b < a for a, b in pairs),
        median_a=statistics.median(a for a, _ in pairs),
        median_b=statistics.median(b for _, b in pairs),
        median_ratio=statistics.median(ratios) if ratios else None,
    )


def contiguous_block(keys, members):
    """The longest run of consecutive ``keys`` that are all in ``members`` (the first if several), as a tuple."""
    best_block, current = (), []
    for key in keys:
        if key in members:
            current.append(key)
            if len(current) > len(best_block):
                best_block = tuple(current)
        else:
            current = []
    return best_block
