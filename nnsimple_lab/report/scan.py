"""The learning-rate scan the report runs itself: many rates, every seed, in milliseconds each.

Rates run on a lattice of factor sqrt(2) from about 0.001 to about 90 (so twice any lattice
rate is on it too: the matched-step comparison of question 3 needs MSE at 2 alpha), plus the
grid's rates and, for the losses compared, twice the grid's rates. Each rate is trained with
``nnsimple_lab.training.train_seeds`` on the grid's seeds and iterations (all the rates of a loss at once,
``nnsimple_lab.training.train_many``, with the same numbers), so at a grid rate the scan gives the grid's own
numbers. ``RatePoint`` is what one rate did; ``Window`` the finding of question 2
(too small, good, too large); ``MatchedStep`` that of question 3 (equal alpha is not an equal
step).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import training, vocab
from nnsimple_lab.report.findings import Best, PairedRatio, Trend, best, contiguous_block, paired_ratio, trend
from nnsimple_lab.report.outcomes import find_plateau

LATTICE = tuple(2 ** (j / 2) for j in range(-20, 14))  # 0.00098 ... 90.5, factor sqrt(2)
MAX_SEEDS = 40  # the scan trains at most this many seeds per rate (the grid's first ones)
RISE_SHARE = 0.01  # a run "oscillates" when its cost rises in more than this share of its updates
MATCH_FACTOR = 2  # MSE's dZ2 is BCE's times 2a(1 - a) <= 1/2: twice the rate matches the first step
ON_PLATEAU = 0.02  # an unsolved seed is on its plateau when its cost is within 2 % of the plateau's cost


def scan_rates(grid_rates, *, doubled=False):
    """The scan's rates, ascending: the lattice and the grid's rates (and twice them if ``doubled``)."""
    rates = set(LATTICE) | {float(r) for r in grid_rates}
    if doubled:
        rates |= {MATCH_FACTOR * float(r) for r in grid_rates}
    return tuple(sorted(rates))


def _rises(costs):
    """(S,) number of updates after which the cost went up (beyond rounding)."""
    with np.errstate(invalid="ignore"):
        up = np.diff(costs, axis=1) > 1e-9 * np.abs(costs[:, :-1])
    return up.sum(axis=1)


@dataclass(frozen=True)
class RatePoint:
    """One rate of the scan: what its seeds did in the scan's iterations."""

    learning_rate: float
    loss: str
    seeds: tuple
    iterations_to_solve: tuple  # per seed; None where never solved for good
    n_solved: int
    n_diverged: int  # cost ended above where it started, or not finite
    n_oscillating: int  # cost rose in more than RISE_SHARE of the updates
    n_plateau: int  # unsolved, not diverged, on a plateau (outcomes.find_plateau) and at its cost (ON_PLATEAU)
    median_final_cost: float
    median_max_weight: float  # median over seeds of the largest final |weight| (W1, W2)
    main_costs: tuple | None  # the cost curve of the main seed, if it is among the seeds

    @property
    def n_seeds(self):
        return len(self.seeds)

    @property
    def median_iterations(self):
        solved = [k for k in self.iterations_to_solve if k is not None]
        return statistics.median(solved) if solved else None


def rate_point(X, Y, *, learning_rate, loss, init, n_h, iterations, seeds, main_seed):
    """Train one rate for every seed and summarise it as a ``RatePoint``."""
    result = training.train_seeds(
        X, Y, seeds=seeds, n_h=n_h, learning_rate=learning_rate, iterations=iterations, init=init, loss=loss
    )
    return summarise(result, Y, main_seed=main_seed)


def summarise(result, Y, *, main_seed):
    """The ``RatePoint`` of one rate's ``nnsimple.SeedsResult`` (every state kept) on labels Y (1, m)."""
    learning_rate, loss, iterations = (result.config[k] for k in ("learning_rate", "loss", "iterations"))
    plateau = 0
    for i in np.flatnonzero(~result.solved & ~result.diverged):
        found = find_plateau(result.A2[i], Y, loss=loss)
        plateau += found is not None and abs(result.final_cost[i] - found.limit_cost) <= ON_PLATEAU * found.limit_cost
    with np.errstate(invalid="ignore"):
        weights = np.maximum(
            np.nanmax(np.abs(result.parameters["W1"]), axis=(1, 2)),
            np.nanmax(np.abs(result.parameters["W2"]), axis=(1, 2)),
        )
    seeds = tuple(int(s) for s in result.seeds)
    main = seeds.index(main_seed) if main_seed in seeds else None
    return RatePoint(
        learning_rate=float(learning_rate),
        loss=loss,
        seeds=seeds,
        iterations_to_solve=tuple(None if k < 0 else int(k) for k in result.iterations_to_solve),
        n_solved=int(result.solved.sum()),
        n_diverged=int(result.diverged.sum()),
        n_oscillating=int((_rises(result.costs) > RISE_SHARE * max(iterations, 1)).sum()),
        n_plateau=int(plateau),
        median_final_cost=float(np.nanmedian(result.final_cost)) if np.isfinite(result.final_cost).any() else math.nan,
        median_max_weight=float(np.nanmedian(weights)) if np.isfinite(weights).any() else math.nan,
        main_costs=None if main is None else tuple(float(c) for c in result.costs[main]),
    )


@dataclass(frozen=True)
class Scan:
    """Every ``RatePoint`` of the scan, and the configuration they share."""

    points: tuple
    init: str
    n_h: int
    iterations: int
    seeds: tuple
    main_seed: int
    data: vocab.Dataset  # what the scan trained on

    def curve(self, loss):
        """The loss's points, ascending in rate."""
        return tuple(sorted((p for p in self.points if p.loss == loss), key=lambda p: p.learning_rate))

    def at(self, loss, learning_rate):
        """The point of this loss at this rate, or None."""
        for p in self.points:
            if p.loss == loss and math.isclose(p.learning_rate, learning_rate, rel_tol=1e-12):
                return p
        return None

    @property
    def losses(self):
        return tuple(dict.fromkeys(p.loss for p in self.points))

    @property
    def n_seeds(self):
        return len(self.seeds)


def run_scan(X, Y, *, grid_rates, losses, doubled_losses=(), init, n_h, iterations, seeds, main_seed):
    """The scan: every rate of ``scan_rates`` for every loss; ``doubled_losses`` also get twice the grid's rates."""
    seeds = tuple(int(s) for s in list(seeds)[:MAX_SEEDS])
    common = {"init": init, "n_h": n_h, "iterations": iterations}
    points = []
    for loss in losses:  # all the rates of one loss trained at once, as separate calls would
        jobs = [(lr, seeds) for lr in scan_rates(grid_rates, doubled=loss in doubled_losses)]
        trained = training.train_many(X, Y, jobs=jobs, loss=loss, **common)
        points += [summarise(result, Y, main_seed=main_seed) for result in trained]
    data = vocab.dataset_of(X, Y)
    return Scan(
        points=tuple(points), init=init, n_h=n_h, iterations=iterations, seeds=seeds, main_seed=main_seed, data=data
    )


# ---------------------------------------------------------------- question 2: the window


@dataclass(frozen=True)
class Window:
    """Too small, good, too large: the rates of one loss's scan by seeds solved.

    A rate is *stable* when fewer than half its seeds oscillate and fewer than half diverge.
    ``window``: the longest run of consecutive scan rates, all stable, that solve the most seeds
    of any stable rate (``best_solved``); ``fastest``: among them, the lowest median iterations to
    solve (ties kept); ``below``/``above``: the scan rates outside it; ``erratic``: unstable rates
    that solve more than ``best_solved`` (a lucky oscillation, not a usable rate);
    ``first_oscillating``/``first_diverging``: the smallest rate at which at least half the seeds
    oscillate / diverge (None if none).
    """

    loss: str
    points: tuple
    data: vocab.Dataset  # the scan's
    best_solved: int
    window: tuple
    fastest: Best
    below: tuple
    above: tuple
    erratic: tuple
    first_oscillating: float | None
    first_diverging: float | None

    @property
    def holds(self):
        return self.best_solved > 0 and len(self.points) >= 3

    @property
    def n_seeds(self):
        return self.points[0].n_seeds if self.points else 0

    def point(self, learning_rate):
        return next(p for p in self.points if math.isclose(p.learning_rate, learning_rate, rel_tol=1e-12))

    @property
    def none_below(self):
        """The smallest rates, up to the first where some seed solves: no seed solves at any of them."""
        out = []
        for r in self.below:
            if self.point(r).n_solved:
                break
            out.append(r)
        return tuple(out)

    def onward(self, rate, count):
        """True when at ``rate`` and every larger scan rate at least half the seeds satisfy ``count``."""
        return rate is not None and all(2 * count(p) >= p.n_seeds for p in self.points if p.learning_rate >= rate)

    @property
    def oscillating_onward(self):
        """From ``first_oscillating`` on, every rate oscillates or diverges in at least half its seeds."""
        return self.onward(self.first_oscillating, lambda p: max(p.n_oscillating, p.n_diverged))

    @property
    def diverging_onward(self):
        """From ``first_diverging`` on, every rate diverges in at least half its seeds."""
        return self.onward(self.first_diverging, lambda p: p.n_diverged)

    def contains(self, learning_rate):
        return bool(self.window) and self.window[0] <= learning_rate <= self.window[-1]


@dataclass(frozen=True)
class WindowSpeed:
    """The window's median iterations to solve, rate by rate, over the seeds that every rate of the
    window solves (``seeds``): a trend over the same seeds. ``same``: each window rate solves exactly
    those seeds, no other."""

    trend: Trend
    seeds: tuple
    same: bool


def window_speed(w):
    """``WindowSpeed`` of a ``Window``: medians over the seeds solved at every one of its rates."""
    points = [w.point(r) for r in w.window]
    solved = [{seed for seed, k in zip(p.seeds, p.iterations_to_solve, strict=True) if k is not None} for p in points]
    common = set.intersection(*solved) if solved else set()
    medians = []
    for p in points if common else ():
        kept = [k for seed, k in zip(p.seeds, p.iterations_to_solve, strict=True) if seed in common]
        medians.append((p.learning_rate, statistics.median(kept)))
    return WindowSpeed(
        trend=trend(medians), seeds=tuple(sorted(common)), same=bool(common) and all(s == common for s in solved)
    )


def _stable(point):
    return 2 * point.n_oscillating < point.n_seeds and 2 * point.n_diverged < point.n_seeds


def _first(points, count):
    """The smallest rate at which ``count(point)`` reaches half the seeds, or None."""
    return next((p.learning_rate for p in points if 2 * count(p) >= p.n_seeds), None)


def window(scan, loss):
    """``Window`` of ``loss`` in the scan."""
    points = scan.curve(loss)
    rates = [p.learning_rate for p in points]
    stable = [p for p in points if _stable(p)]
    top = max((p.n_solved for p in stable), default=0)
    block = contiguous_block(rates, {p.learning_rate for p in stable if p.n_solved == top}) if top else ()
    inside = [p for p in points if p.learning_rate in block]
    fastest = best([(p.learning_rate, p.median_iterations) for p in inside], higher_is_better=False)
    lo, hi = (block[0], block[-1]) if block else (math.inf, -math.inf)
    return Window(
        loss=loss,
        points=points,
        data=scan.data,
        best_solved=top,
        window=block,
        fastest=fastest,
        below=tuple(r for r in rates if r < lo),
        above=tuple(r for r in rates if r > hi),
        erratic=tuple(p.learning_rate for p in points if not _stable(p) and p.n_solved > top),
        first_oscillating=_first(points, lambda p: p.n_oscillating),
        first_diverging=_first(points, lambda p: p.n_diverged),
    )


# ---------------------------------------------------------------- question 3: matched steps


@dataclass(frozen=True)
class MatchedStep:
    """At a rate alpha: the reference loss at alpha against the other at alpha and at 2 alpha, same seeds."""

    learning_rate: float
    reference: RatePoint
    same: RatePoint  # the other loss at alpha
    doubled: RatePoint  # the other loss at MATCH_FACTOR * alpha
    same_ratio: PairedRatio  # iterations of `same` over `reference`, on the seeds both solve
    doubled_ratio: PairedRatio


def matched_steps(scan, rates, *, reference, other):
    """``[MatchedStep]`` for each rate of ``rates`` the scan has for both losses (and the other's at 2 alpha)."""
    out = []
    for lr in rates:
        ref, same, doubled = scan.at(reference, lr), scan.at(other, lr), scan.at(other, MATCH_FACTOR * lr)
        if ref is None or same is None or doubled is None:
            continue
        out.append(
            MatchedStep(
                learning_rate=float(lr),
                reference=ref,
                same=same,
                doubled=doubled,
                same_ratio=paired_ratio(ref.iterations_to_solve, same.iterations_to_solve),
                doubled_ratio=paired_ratio(ref.iterations_to_solve, doubled.iterations_to_solve),
            )
        )
    return out


def better_at_equal_rate(scan, *, reference, other):
    """The scan rates where ``other`` solves more seeds than ``reference`` at the same rate, ascending."""
    out = []
    for p in scan.curve(reference):
        q = scan.at(other, p.learning_rate)
        if q is not None and q.n_solved > p.n_solved:
            out.append(p.learning_rate)
    return tuple(out)


@dataclass(frozen=True)
class StepFactor:
    """The other loss's dZ2 over the reference's (MSE over BCE: 2a(1 - a)) at the initial outputs."""

    low: float
    median: float
    high: float


def initial_step_factor(X, Y, *, init, n_h, seeds, reference, other):
    """``StepFactor`` over every seed and example at initialisation, from the losses' own dZ2 functions."""
    starts = [nn.initialize_parameters(X.shape[0], n_h, 1, init=init, seed=int(s)) for s in seeds]
    stacked = {k: np.stack([p[k] for p in starts]) for k in nn.PARAMETER_NAMES}
    A2, _ = nn.forward_prop(X, stacked)
    with np.errstate(all="ignore"):
        factor = (nn.LOSSES[other].dZ2(A2, Y) / nn.LOSSES[reference].dZ2(A2, Y)).ravel()
    factor = factor[np.isfinite(factor)]
    if factor.size == 0:
        return None
    return StepFactor(low=float(factor.min()), median=float(np.median(factor)), high=float(factor.max()))


def counts_close(a, b):
    """Two configurations solve "the same number of seeds, give or take one"."""
    return abs(a - b) <= 1


@dataclass(frozen=True)
class MatchedScan:
    """Over the scan: the reference at alpha against the other loss at MATCH_FACTOR * alpha, every rate both have."""

    rows: tuple  # ((alpha, reference seeds solved, other's seeds solved at MATCH_FACTOR * alpha), ...)
    reference_oscillates: float | None  # the smallest rate at which half the reference's seeds oscillate
    other_oscillates: float | None  # the same for the other loss

    @property
    def holds(self):
        return len(self.rows) >= 3

    @property
    def n_close(self):
        """Rates where the two solve the same number of seeds, give or take one."""
        return sum(counts_close(a, b) for _, a, b in self.rows)

    @property
    def worst(self):
        """``(alpha, a, b)`` with the largest difference."""
        return max(self.rows, key=lambda row: (abs(row[1] - row[2]), -row[0]))

    @property
    def onset_matches(self):
        """The other loss starts oscillating at MATCH_FACTOR times the reference's rate."""
        a, b = self.reference_oscillates, self.other_oscillates
        return a is not None and b is not None and math.isclose(b, MATCH_FACTOR * a, rel_tol=1e-9)


def matched_scan(scan, *, reference, other):
    """``MatchedScan`` of the scan's lattice rates (the grid's own are in ``matched_steps``)."""
    rows = []
    for p in scan.curve(reference):
        q = scan.at(other, MATCH_FACTOR * p.learning_rate)
        if q is not None and any(math.isclose(p.learning_rate, r, rel_tol=1e-12) for r in LATTICE):
            rows.append((p.learning_rate, p.n_solved, q.n_solved))
    return MatchedScan(
        rows=tuple(rows),
        reference_oscillates=_first(scan.curve(reference), lambda p: p.n_oscillating),
        other_oscillates=_first(scan.curve(other), lambda p: p.n_oscillating),
    )
