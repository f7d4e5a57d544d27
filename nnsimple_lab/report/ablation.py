"""The hidden-layer ablation: the same rate, seeds and iterations with 2, 3 and 4 hidden units.

Before the report blames the architecture for the seeds that fail, it tests it: if more hidden
units solve more of the same seeds in the same iterations, and the failing seeds with the
grid's units do not solve with ``outcomes.EXTENSION_FACTOR`` times the iterations either, the
limit is the architecture, not the budget. ``Ablation.architecture_limits`` is that condition.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from nnsimple_lab import training
from nnsimple_lab.report import trained
from nnsimple_lab.report.outcomes import SeedOutcomes

SIZES = (2, 3, 4)  # hidden units tried (plus the grid's own)


@dataclass(frozen=True)
class SizePoint:
    """One hidden-layer size: seeds solved in the budget and their median iterations to solve."""

    n_h: int
    n_solved: int
    n_seeds: int
    median_iterations: float | None
    solved_seeds: tuple = ()  # the seeds solved in the budget


@dataclass(frozen=True)
class Ablation:
    """Seeds solved per hidden-layer size, at one rate, loss and init, in one budget."""

    learning_rate: float
    loss: str
    init: str
    iterations: int
    grid_n_h: int
    points: tuple  # SizePoint, ascending n_h
    outcomes: SeedOutcomes | None  # the grid's n_h: its failing seeds, and whether more iterations rescue them

    def point(self, n_h):
        return next((p for p in self.points if p.n_h == n_h), None)

    @property
    def larger_solve_more(self):
        """Some size above the grid's solves more seeds than the grid's."""
        grid = self.point(self.grid_n_h)
        return grid is not None and any(p.n_h > self.grid_n_h and p.n_solved > grid.n_solved for p in self.points)

    @property
    def budget_does_not_rescue(self):
        """The grid's n_h has failing seeds and some still fail with the extended budget."""
        o = self.outcomes
        return o is not None and o.extension > o.iterations and bool(o.stuck or o.other)

    @property
    def rescued_by_size(self):
        """The seeds the grid's n_h does not solve even in the extended budget that a larger size solves, sorted."""
        if not self.budget_does_not_rescue:
            return ()
        unrescued = set(self.outcomes.stuck) | set(self.outcomes.other)
        larger = {s for p in self.points if p.n_h > self.grid_n_h for s in p.solved_seeds}
        return tuple(sorted(unrescued & larger))

    @property
    def architecture_limits(self):
        """The claim "with n_h hidden units these seeds cannot be solved, with more they can" may be made:
        some seed that more iterations do not rescue is solved, seed for seed, by a larger size."""
        return bool(self.rescued_by_size)


def sizes_for(n_h):
    """The sizes to try: ``SIZES`` and the grid's own, ascending."""
    return tuple(sorted({*SIZES, int(n_h)}))


def run_ablation(X, Y, *, learning_rate, loss, init, iterations, seeds, grid_n_h, outcomes, runs=()):
    """Train every size of ``sizes_for(grid_n_h)`` for every seed; ``outcomes`` are the grid n_h's ``SeedOutcomes``.

    ``runs``: the grid's runs (``report.runs.Run``); a size one of them trained exactly (the grid's
    n_h) is read from it (``trained.budget``), not trained again.
    """
    points = []
    for n_h in sizes_for(grid_n_h):
        config = {"learning_rate": learning_rate, "iterations": iterations, "init": init, "loss": loss, "n_h": n_h}
        result = trained.budget(runs, **config, seeds=seeds, X=X, Y=Y)
        if result is None:
            result = training.train_seeds(X, Y, seeds=seeds, **config)
        solved = [int(k) for k in result.iterations_to_solve if k >= 0]
        points.append(
            SizePoint(
                n_h=n_h,
                n_solved=len(solved),
                n_seeds=len(result.seeds),
                median_iterations=statistics.median(solved) if solved else None,
                solved_seeds=tuple(
                    int(s) for s, k in zip(result.seeds, result.iterations_to_solve, strict=True) if k >= 0
                ),
            )
        )
    return Ablation(
        learning_rate=float(learning_rate),
        loss=loss,
        init=init,
        iterations=int(iterations),
        grid_n_h=int(grid_n_h),
        points=tuple(points),
        outcomes=outcomes,
    )
