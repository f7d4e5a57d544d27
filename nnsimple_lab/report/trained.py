"""What the grid's runs already trained, for the report to read instead of training it again.

Each run trained ``training.train`` from its main seed and ``training.train_seeds`` over the
grid's seeds, and stored the outcome. Some of the report's own experiments need exactly one of
those computations: the failing seeds' budget (``outcomes``), the grid's n_h in the ablation,
the ordinary random start beside the symmetric one, the correct BCE and MSE beside the common
mistake. These functions give what the run stored when it is provably the same computation:
the same code path with the same arguments (X, Y, init, loss, learning rate, n_h, iterations,
seeds or seed) and the same ``nnsimple.py`` and numpy, so the same bits; otherwise None, and
the caller trains as before (a failed run, a rate or a configuration the grid does not have).

What a run stores is what it trained, bit for bit, but for non-finite numbers (stored as nan):
a run with any among the numbers asked for is not used. The runs are the current code's: the
sweep runs every run whose code changed before the report (their cache keys cover it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import results
from nnsimple_lab.report.runs import select


@dataclass(frozen=True, eq=False)
class Budget:
    """The seeds' outcomes of one configuration, named and typed as a ``training.SeedsResult`` has them."""

    seeds: np.ndarray  # (S,) int
    solved: np.ndarray  # (S,) bool
    diverged: np.ndarray  # (S,) bool
    final_cost: np.ndarray  # (S,) float, all finite
    iterations_to_solve: np.ndarray  # (S,) int, -1 where never solved for good
    config: dict  # n_h, learning_rate, iterations, init, loss


@functools.cache
def _nnsimple_sha256():
    return results.file_sha256(nn.__file__)


def _same_bits(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


def _run_of(runs, *, learning_rate, init, loss, n_h, iterations, X, Y):
    """The finished run trained with exactly this configuration, data, nnsimple and numpy; or None."""
    for run in select(runs, init=init, loss=loss, ok=True):
        record = run.record
        same = (
            record.learning_rate == float(learning_rate)
            and (record.n_h, record.iterations) == (int(n_h), int(iterations))
            and record.versions.get("nnsimple") == _nnsimple_sha256()
            and record.versions.get("numpy") == np.__version__
        )
        if same and _same_bits(record.X, X) and _same_bits(record.Y, Y):
            return run
    return None


def budget(runs, *, learning_rate, init, loss, n_h, iterations, seeds, X, Y):
    """``train_seeds(X, Y, seeds=seeds, ...)``'s outcomes as the grid's run stored them (``Budget``), or None.

    X: (n_x, m), Y: (1, m). None unless a finished run has exactly that configuration and those
    seeds, and every seed's final cost is finite. The counts are exact whatever states the run kept.
    """
    run = _run_of(runs, learning_rate=learning_rate, init=init, loss=loss, n_h=n_h, iterations=iterations, X=X, Y=Y)
    if run is None or run.record.seeds.seeds != tuple(int(s) for s in seeds):
        return None
    stats = run.record.seeds
    if not np.isfinite(stats.final_cost).all():
        return None
    config = {"n_h": int(n_h), "learning_rate": float(learning_rate), "iterations": int(iterations)}
    return Budget(
        seeds=np.array(stats.seeds, dtype=int),
        solved=np.array(stats.solved, dtype=bool),
        diverged=np.array(stats.diverged, dtype=bool),
        final_cost=np.array(stats.final_cost, dtype=float),
        iterations_to_solve=np.array([-1 if k is None else k for k in stats.iterations_to_solve], dtype=int),
        config={**config, "init": init, "loss": loss},
    )


def budgets(runs, rates, **config):
    """``{rate: Budget}`` for the ``rates`` whose ``budget(runs, learning_rate=rate, **config)`` the runs have."""
    found = {float(lr): budget(runs, learning_rate=lr, **config) for lr in rates}
    return {lr: b for lr, b in found.items() if b is not None}


def main_history(runs, *, learning_rate, init, loss, n_h, iterations, seed, X, Y):
    """The parameters at every state of ``train(X, Y, seed=seed, ...)`` as the grid's run stored them, or None.

    Returns {W1: (iterations + 1, n_h, n_x), b1, W2, b2}: ``history[k]`` the state after k
    updates. None unless a finished run has exactly that configuration and main seed, kept every
    state, and all of them are finite.
    """
    run = _run_of(runs, learning_rate=learning_rate, init=init, loss=loss, n_h=n_h, iterations=iterations, X=X, Y=Y)
    if run is None or run.record.seed != int(seed) or not run.record.every_state:
        return None
    history = run.record.history
    if not all(np.isfinite(v).all() for v in history.values()):
        return None
    return {k: history[k] for k in nn.PARAMETER_NAMES}
