"""Why a seed does not solve the task: not yet (too few iterations), stuck (a partial fit), or diverged.

A seed that has not solved in the run's budget is trained again, here, for ``EXTENSION_FACTOR``
times as many iterations (milliseconds with ``nnsimple_lab.training.train_seeds``): if it solves then, the
budget was the limit ("le faltan iteraciones"). If it still does not, its final outputs say
where it is stuck: the network gives one output to a group of inputs it cannot tell apart,
and that output is the share of ones among their labels (0.5 for two inputs labelled 1 and
0) — the best fit of a network that does not separate them. For XOR with a pair of inputs
at 0.5 and the other two right, the BCE cost of that fit is ln(2)/2 = 0.3466 (``find_plateau``
computes it with the loss's own cost function, for any grouping and any loss).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import training
from nnsimple_lab.report.trained import budgets as trained_budgets

EXTENSION_FACTOR = 10  # a stuck seed is one that does not solve with this many times the iterations
EXTENSION_CAP = 100_000  # ... but never more iterations than this (a huge budget is extended less)
PLATEAU_TOL = 0.05  # outputs within this distance of their group's share of ones form a plateau


@dataclass(frozen=True)
class Plateau:
    """Final outputs that give one value to each group of inputs, its share of ones, with some group mixed.

    ``groups``: tuples of example indices sharing one output; ``shares``: each group's share of
    ones (the output it tends to); ``limit_cost``: the loss's cost of exactly that fit.
    """

    groups: tuple
    shares: tuple
    limit_cost: float

    @property
    def mixed(self):
        """The groups whose labels differ: the inputs the network does not tell apart."""
        return tuple(g for g, p in zip(self.groups, self.shares, strict=True) if 0 < p < 1)


def _clusters(a, tol):
    """Indices of ``a`` grouped by value: sorted, split where two neighbours differ by more than ``tol``."""
    order = np.argsort(a, kind="stable")
    groups, current = [], [int(order[0])]
    for i, j in zip(order, order[1:], strict=False):
        if a[j] - a[i] > tol:
            groups.append(tuple(sorted(current)))
            current = []
        current.append(int(j))
    groups.append(tuple(sorted(current)))
    return sorted(groups)


def find_plateau(A2, Y, *, loss, tol=PLATEAU_TOL):
    """The ``Plateau`` the final outputs ``A2`` (1, m) sit on for labels ``Y`` (1, m), or None.

    None when some output is farther than ``tol`` from its group's share of ones, when no group
    mixes labels (a solved network), or when no group is pure (one output for everything: the
    network has not learnt anything yet, it is not a partial fit).
    """
    a, y = np.asarray(A2, dtype=float).ravel(), np.asarray(Y, dtype=float).ravel()
    if not np.all(np.isfinite(a)):
        return None
    groups = _clusters(a, tol)
    shares = tuple(float(y[list(g)].mean()) for g in groups)
    fit = np.empty_like(a)
    for g, p in zip(groups, shares, strict=True):
        fit[list(g)] = p
    if np.max(np.abs(a - fit)) > tol or not any(0 < p < 1 for p in shares) or all(0 < p < 1 for p in shares):
        return None
    limit = nn.compute_cost(fit.reshape(1, -1), y.reshape(1, -1), loss)
    return Plateau(groups=tuple(groups), shares=shares, limit_cost=float(limit))


@dataclass(frozen=True)
class SeedOutcomes:
    """What became of each seed of one configuration, in ``iterations`` and in ``extension``.

    Seeds are split into: ``solved`` (in the budget), ``diverged``, ``late`` (not in the budget,
    yes in the extension: the budget was the limit), ``stuck`` (not even in the extension, on a
    plateau) and ``other`` (not in the extension, on no plateau).
    """

    iterations: int
    extension: int
    solved: tuple
    diverged: tuple
    late: tuple
    stuck: tuple
    other: tuple
    plateaus: dict  # stuck seed -> its Plateau, from the extension's final outputs
    final_cost: dict  # unsolved seed -> its cost at the end of the budget
    extended_cost: dict  # unsolved, non-diverged seed -> its cost at the end of the extension
    outputs: dict  # stuck seed -> its final outputs in the extension, (m,)
    gradient_norm: dict  # stuck seed -> the norm of its whole gradient at the end of the extension

    @property
    def unsolved(self):
        return tuple(sorted(self.diverged + self.late + self.stuck + self.other))

    @property
    def budget_limited(self):
        """Every unsolved seed solves with more iterations."""
        return bool(self.late) and not (self.stuck or self.other or self.diverged)


def _gradient_norms(result, X, Y, loss):
    """(S,) the norm of every network's whole gradient at the final parameters of a ``SeedsResult``."""
    if result.parameters is None:
        return np.full(len(result.seeds), np.nan)
    _, cache = nn.forward_prop(X, result.parameters)
    grads = nn.backward_prop(X, Y, cache, result.parameters, loss)
    return np.sqrt(sum(np.sum(g**2, axis=tuple(range(1, g.ndim))) for g in grads.values()))


def extension_for(iterations):
    """The iterations of the longer run: ``EXTENSION_FACTOR`` times the budget, capped (never below it)."""
    return max(int(iterations), min(EXTENSION_FACTOR * int(iterations), EXTENSION_CAP))


def classify(*, seeds, solved, diverged, budget_cost, iterations, extended, X, Y, loss):
    """``SeedOutcomes`` from the budget's results and the extension's (a ``training.SeedsResult`` or None).

    ``seeds``, ``solved``, ``diverged``, ``budget_cost``: per seed, in the budget. ``extended``:
    the unsolved, non-diverged seeds trained for longer (its ``seeds``, ``solved``, ``A2``,
    ``final_cost``, ``parameters``, ``config["iterations"]``), or None when there are none.
    X: (n_x, m), Y: (1, m): the data, for the stuck seeds' final gradient.
    """
    seeds = [int(s) for s in seeds]
    won = tuple(s for s, ok in zip(seeds, solved, strict=True) if ok)
    lost = tuple(s for s, ok, bad in zip(seeds, solved, diverged, strict=True) if bad and not ok)
    costs = {s: float(c) for s, c, ok in zip(seeds, budget_cost, solved, strict=True) if not ok}
    return SeedOutcomes(
        iterations=int(iterations),
        extension=int(extended.config["iterations"]) if extended is not None else int(iterations),
        solved=won,
        diverged=lost,
        final_cost=costs,
        **_extension_outcomes(extended, X, Y, loss),
    )


def _extension_outcomes(extended, X, Y, loss):
    """The ``SeedOutcomes`` fields the longer run decides: late, stuck (with their plateau, outputs
    and gradient norm) or other; each seed's cost there. ``extended`` as in ``classify``."""
    late, stuck, other, plateaus, extended_cost, outputs, norms = [], [], [], {}, {}, {}, {}
    if extended is not None:
        gradients = _gradient_norms(extended, X, Y, loss)
        for i, seed in enumerate(int(s) for s in extended.seeds):
            extended_cost[seed] = float(extended.final_cost[i])
            if extended.solved[i]:
                late.append(seed)
                continue
            plateau = find_plateau(extended.A2[i], Y, loss=loss)
            if plateau is None:
                other.append(seed)
            else:
                stuck.append(seed)
                plateaus[seed] = plateau
                outputs[seed] = np.asarray(extended.A2[i], dtype=float).ravel()
                norms[seed] = float(gradients[i])
    return {
        "late": tuple(late),
        "stuck": tuple(stuck),
        "other": tuple(other),
        "plateaus": plateaus,
        "extended_cost": extended_cost,
        "outputs": outputs,
        "gradient_norm": norms,
    }


def _retry_seeds(budget):
    """The seeds of a ``SeedsResult`` that neither solved nor diverged: those trained for longer."""
    return [
        int(s) for s, ok, bad in zip(budget.seeds, budget.solved, budget.diverged, strict=True) if not ok and not bad
    ]


def _classified(budget, extended, *, iterations, X, Y, loss):
    return classify(
        seeds=budget.seeds,
        solved=budget.solved,
        diverged=budget.diverged,
        budget_cost=budget.final_cost,
        iterations=iterations,
        extended=extended,
        X=X,
        Y=Y,
        loss=loss,
    )


def seed_outcomes(X, Y, *, learning_rate, init, loss, n_h, iterations, seeds):
    """Train the configuration for every seed (as the sweep did) and its unsolved seeds for longer.

    X: (n_x, m), Y: (1, m). Returns ``SeedOutcomes``; milliseconds for the lab's grid.
    """
    config = {"n_h": n_h, "learning_rate": learning_rate, "init": init, "loss": loss}
    budget = training.train_seeds(X, Y, seeds=seeds, iterations=iterations, **config)
    retry = _retry_seeds(budget)
    extended = None
    if retry:
        extended = training.train_seeds(X, Y, seeds=retry, iterations=extension_for(iterations), **config)
    return _classified(budget, extended, iterations=iterations, X=X, Y=Y, loss=loss)


def common_plateaus(outcomes):
    """``[(limit_cost, [seeds])]`` of the stuck seeds, grouped by limit cost (to 1e-9), most seeds first."""
    groups = {}
    for seed, plateau in outcomes.plateaus.items():
        key = round(plateau.limit_cost, 9)
        groups.setdefault(key, []).append(seed)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def outcomes_by_rate(X, Y, rates, *, init, loss, n_h, iterations, seeds, runs=()):
    """``[(rate, SeedOutcomes)]`` for each of ``rates``: which failing seeds only needed more iterations.

    The same as ``seed_outcomes`` for each rate, with the budgets of all the rates trained at once
    and then all their extensions (``nnsimple_lab.training.train_many``: the same numbers).
    ``runs``: the grid's runs (``report.runs.Run``); a budget one of them trained exactly is read
    from it (``trained.budgets``), not trained again.
    """
    rates = [float(lr) for lr in rates]
    config = {"init": init, "loss": loss, "n_h": n_h}
    known = trained_budgets(runs, rates, **config, iterations=iterations, seeds=seeds, X=X, Y=Y)
    missing = [lr for lr in dict.fromkeys(rates) if lr not in known]
    fresh = training.train_many(X, Y, jobs=[(lr, seeds) for lr in missing], iterations=iterations, **config)
    known.update(zip(missing, fresh, strict=True))
    budgets = [known[lr] for lr in rates]
    retries = [(lr, _retry_seeds(b)) for lr, b in zip(rates, budgets, strict=True)]
    trained = iter(
        training.train_many(X, Y, jobs=[j for j in retries if j[1]], iterations=extension_for(iterations), **config)
    )
    return [
        (lr, _classified(b, next(trained) if retry else None, iterations=iterations, X=X, Y=Y, loss=loss))
        for (lr, retry), b in zip(retries, budgets, strict=True)
    ]


def failing_and_others(X, Y, *, failing_rate, rates, init, loss, n_h, iterations, seeds, runs=()):
    """``(failing, others)``: ``seed_outcomes`` at ``failing_rate`` (None when it is None) and
    ``outcomes_by_rate`` of the other ``rates``, from one ``outcomes_by_rate`` call, so that every
    extension trains in one stack (the same numbers); ``runs`` as there."""
    others = [float(r) for r in rates if r != failing_rate]
    asked = others + ([] if failing_rate is None else [float(failing_rate)])
    found = outcomes_by_rate(X, Y, asked, init=init, loss=loss, n_h=n_h, iterations=iterations, seeds=seeds, runs=runs)
    return (found[-1][1] if failing_rate is not None else None), found[: len(others)]
