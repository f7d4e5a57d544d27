"""The typed, read-only view of one run's results: what the report reads (via ``results``).

``Record.from_dict(read_run(path))`` (or ``results.read_record(path)``) turns a validated
results dict (its format: ``results``) into numpy arrays and plain Python values; a field
missing or of the wrong kind raises ``KeyError``, ``TypeError`` or ``ValueError``.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np


def array(values):
    """A stored list -> float array, with ``None`` (non-finite) back to nan."""
    return np.array(values, dtype=float)


def _float(value):
    """A stored number -> float, ``None`` (non-finite) -> nan."""
    return math.nan if value is None else float(value)


def _arrays(stored):
    """``{name: list}`` -> ``{name: float array}`` (parameters, their history)."""
    return {str(name): array(values) for name, values in stored.items()}


def _check_states(steps, iterations, arrays):
    """Raise ValueError unless ``steps`` runs from 0 to ``iterations``, increasing, with one
    entry per state in each of ``arrays``."""
    lengths = {len(a) for a in arrays}
    if lengths != {len(steps)} or steps[0] != 0 or steps[-1] != iterations or np.any(np.diff(steps) <= 0):
        raise ValueError(f"los estados guardados no concuerdan: {len(steps)} índices, longitudes {sorted(lengths)}")


# eq=False: numpy arrays have no single truth value, so field-by-field equality is meaningless.
@dataclass(frozen=True, eq=False)
class SeedStats:
    """The run's configuration trained from several seeds; arrays run over the S seeds."""

    seeds: tuple  # (S,) ints
    final_cost: np.ndarray  # (S,), nan where non-finite
    final_accuracy: np.ndarray  # (S,)
    iterations_to_solve: tuple  # (S,) int, or None where the seed never stays solved
    solved: np.ndarray  # (S,) bool
    diverged: np.ndarray  # (S,) bool
    n_solved: int
    n_seeds: int
    cost_quantiles: tuple  # (q10, q50, q90), each (K,): the cost over seeds at each kept state

    @property
    def n_diverged(self):
        return int(self.diverged.sum())

    @property
    def median_iterations_to_solve(self):
        """Median iterations to solve over the seeds that solve; None if none does."""
        solved = [k for k in self.iterations_to_solve if k is not None]
        return statistics.median(solved) if solved else None

    @classmethod
    def from_dict(cls, stats):
        q = stats["cost_quantiles"]
        return cls(
            seeds=tuple(int(s) for s in stats["seeds"]),
            final_cost=array(stats["final_cost"]),
            final_accuracy=array(stats["final_accuracy"]),
            iterations_to_solve=tuple(None if k is None else int(k) for k in stats["iterations_to_solve"]),
            solved=np.array(stats["solved"], dtype=bool),
            diverged=np.array(stats["diverged"], dtype=bool),
            n_solved=int(stats["n_solved"]),
            n_seeds=int(stats["n_seeds"]),
            cost_quantiles=tuple(array(q[k]) for k in ("q10", "q50", "q90")),
        )


@dataclass(frozen=True, eq=False)
class Record:
    """A typed view of one run's results (the dict of ``run_record``).

    Its arrays run over the K kept states, ``steps`` (0, 1, …, iterations unless the run had
    more than ``ALL_STATES`` states): ``costs[j]`` is the cost after ``steps[j]`` updates, and
    ``index_of(k)`` is where state k is. Counts (``iterations_to_solve``) are exact.
    """

    id: str
    learning_rate: float
    init: str
    loss: str
    dataset: str
    n_h: int
    iterations: int
    seed: int  # the main run's seed
    X: np.ndarray  # (n_x, m)
    Y: np.ndarray  # (1, m)
    steps: np.ndarray  # (K,) ints: the kept states, 0 first and iterations last
    costs: np.ndarray  # (K,), nan where non-finite; entry j: after steps[j] updates
    accuracy: np.ndarray  # (K,)
    history: dict  # W1 (K, n_h, n_x), b1 (K, n_h, 1), W2 (K, 1, n_h), b2 (K, 1, 1)
    final_parameters: dict  # W1 (n_h, n_x), b1, W2, b2
    A2: np.ndarray  # (1, m) final output
    final_cost: float  # nan when non-finite
    final_accuracy: float
    iterations_to_solve: int | None  # state from which accuracy stays 100 %; None if never
    solved: bool
    diverged: bool  # the cost ended higher than it started, or not finite
    seeds: SeedStats
    versions: dict  # python, numpy, nnsimple (SHA-256 of nnsimple.py)

    @property
    def every_state(self):
        """True when every state is kept (``steps`` is 0, 1, …, iterations)."""
        return len(self.steps) == self.iterations + 1

    def index_at_or_before(self, k):
        """Where the last kept state at or before state ``k`` is in the arrays (``k`` itself when
        every state is kept; negative: from the end)."""
        k = self.iterations + 1 + k if k < 0 else k
        return max(0, int(np.searchsorted(self.steps, k, side="right")) - 1)

    def index_of(self, k):
        """Where state ``k`` (after k updates; negative: from the end) is in the arrays; KeyError if not kept."""
        k = self.iterations + 1 + k if k < 0 else k
        j = int(np.searchsorted(self.steps, k))
        if j == len(self.steps) or self.steps[j] != k:
            raise KeyError(f"La ejecución {self.id} no guarda el estado {k} (guarda {len(self.steps)} estados).")
        return j

    @classmethod
    def from_dict(cls, record):
        """The view of a validated results dict. Raises ``KeyError``/``TypeError``/``ValueError``
        when a field is missing or of the wrong kind (``read_record`` turns them into ``ResultsError``)."""
        parameters, summary = record["parameters"], record["summary"]
        final_cost = _float(summary["final_cost"])
        iterations = int(parameters["iterations"])
        costs, accuracy = array(record["costs"]), array(record["accuracy"])
        steps = np.array(record.get("steps", range(len(costs))), dtype=int)
        seeds = SeedStats.from_dict(record["seed_stats"])
        history = _arrays(record["history"])
        _check_states(steps, iterations, [costs, accuracy, *history.values(), *seeds.cost_quantiles])
        return cls(
            id=str(record["id"]),
            learning_rate=float(parameters["learning_rate"]),
            init=str(parameters["init"]),
            loss=str(parameters["loss"]),
            dataset=str(parameters["dataset"]),
            n_h=int(parameters["n_h"]),
            iterations=iterations,
            seed=int(parameters["seed"]),
            X=array(record["data"]["X"]),
            Y=array(record["data"]["Y"]),
            steps=steps,
            costs=costs,
            accuracy=accuracy,
            history=history,
            final_parameters=_arrays(record["final_parameters"]),
            A2=array(record["predictions"]["A2"]),
            final_cost=final_cost,
            final_accuracy=_float(summary["final_accuracy"]),
            iterations_to_solve=None if summary["iterations_to_solve"] is None else int(summary["iterations_to_solve"]),
            solved=bool(summary["solved"]),
            diverged=bool(summary["diverged"]) or not math.isfinite(final_cost),  # a non-finite end is divergence
            seeds=seeds,
            versions={k: str(v) for k, v in record["versions"].items()},
        )
