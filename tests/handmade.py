"""Hand-made run records: a ``Run`` whose ``results.Record`` holds exactly the numbers a test chooses.

The findings' unit tests need cases the real network seldom gives on demand (a tie, a
non-monotone cost, a budget-limited seed): each record is built here from a few numbers, in
the format ``results.run_record`` writes, and read back through ``results.Record.from_dict``.

    run(0.5, solved=[120, None, 80], main=60, final_cost=0.01, largest_weight=5.0)
"""

from __future__ import annotations

import numpy as np

import nnsimple as nn
from nnsimple_lab import results, vocab
from nnsimple_lab.report import ablation, outcomes, scan
from nnsimple_lab.report.runs import Run

X, Y = nn.load_dataset("xor")


def _history(iterations, largest_weight, *, zeros=False):
    """W1, b1, W2, b2 over iterations + 1 states: 0 when ``zeros``, else growing linearly to ``largest_weight``."""
    k = np.linspace(0.0, 1.0, iterations + 1)
    scale = 0.0 if zeros else 1.0
    w = scale * (0.5 + (largest_weight - 0.5) * k)
    return {
        "W1": w[:, None, None] * np.array([[1.0, -0.5], [-0.5, 1.0]])[None],
        "b1": scale * np.full((iterations + 1, 2, 1), 0.1),
        "W2": w[:, None, None] * np.array([[1.0, -1.0]])[None],
        "b2": scale * np.full((iterations + 1, 1, 1), -0.1),
    }


def record_dict(
    learning_rate,
    init="random",
    loss="bce",
    *,
    iterations=100,
    solved=(50, None),
    seed_costs=None,
    main=50,
    final_cost=0.05,
    start_cost=0.8,
    costs=None,
    largest_weight=4.0,
    A2=None,
    diverged=False,
    seed=2,
):
    """The results dict of a hand-made run; ``solved``: per seed, its iterations to 100 % or None."""
    zeros = init == "zeros"
    costs = np.linspace(start_cost, final_cost, iterations + 1) if costs is None else np.asarray(costs, dtype=float)
    history = _history(iterations, largest_weight, zeros=zeros)
    a2 = np.where(Y == 1, 0.95, 0.05) if A2 is None else np.asarray(A2, dtype=float).reshape(1, -1)
    accuracy = np.ones(iterations + 1) if main is not None else np.full(iterations + 1, 0.75)
    if main is not None:
        accuracy[:main] = 0.75
    n = len(solved)
    seed_costs = [0.01 if k is not None else 0.35 for k in solved] if seed_costs is None else list(seed_costs)
    finals = np.array(seed_costs, dtype=float)
    quantiles = {
        name: np.linspace(start_cost, np.quantile(finals, q), iterations + 1)
        for name, q in (("q10", 0.1), ("q50", 0.5), ("q90", 0.9))
    }
    record = {
        "schema": results.SCHEMA,
        "id": results.run_id(learning_rate, init, loss),
        "parameters": {
            "learning_rate": float(learning_rate),
            "init": init,
            "loss": loss,
            "dataset": "xor",
            "n_h": 2,
            "iterations": iterations,
            "seed": seed,
            "seeds": n,
        },
        "data": {"X": X, "Y": Y},
        "costs": costs,
        "accuracy": accuracy,
        "history": history,
        "final_parameters": {k: v[-1] for k, v in history.items()},
        "predictions": {"A2": a2, "yhat": (a2 >= 0.5).astype(int)},
        "summary": {
            "final_cost": costs[-1],
            "final_accuracy": accuracy[-1],
            "iterations_to_solve": main,
            "solved": main is not None,
            "diverged": diverged,
            "nonfinite_at": None,
        },
        "seed_stats": {
            "seeds": list(range(n)),
            "final_cost": seed_costs,
            "final_accuracy": [1.0 if k is not None else 0.75 for k in solved],
            "iterations_to_solve": list(solved),
            "solved": [k is not None for k in solved],
            "diverged": [False] * n,
            "n_solved": sum(k is not None for k in solved),
            "n_seeds": n,
            "cost_quantiles": quantiles,
        },
        "versions": {"python": "3", "numpy": "2", "nnsimple": "0" * 64},
    }
    return results._plain(record)


def run(learning_rate, init="random", loss="bce", **fields):
    """A finished ``Run`` at these coordinates with a hand-made record (``record_dict``'s fields)."""
    record = results.Record.from_dict(record_dict(learning_rate, init, loss, **fields))
    return Run(
        id=record.id,
        learning_rate=float(learning_rate),
        init=init,
        loss=loss,
        status="ok",
        notebook=f"{record.id}.ipynb",
        record=record,
    )


def failed(learning_rate, init="random", loss="bce"):
    """A failed ``Run`` at these coordinates."""
    rid = results.run_id(learning_rate, init, loss)
    return Run(
        id=rid, learning_rate=float(learning_rate), init=init, loss=loss, status="failed", error="RuntimeError: x"
    )


# ---------------------------------------------------------------- hand-made findings of the report's experiments


def seed_outcomes(*, stuck=(), late=(), iterations=1000, extension=10_000):
    """Hand-made ``outcomes.SeedOutcomes``: which seeds solved later (``late``) and which stayed ``stuck``."""
    return outcomes.SeedOutcomes(
        iterations=iterations,
        extension=extension,
        solved=(),
        diverged=(),
        late=tuple(late),
        stuck=tuple(stuck),
        other=(),
        plateaus={},
        final_cost={},
        extended_cost={},
        outputs={},
        gradient_norm={},
    )


def ablation_of(counts, found):
    """A hand-made ``ablation.Ablation``: ``counts`` are ``[(n_h, seeds solved of 20)]``."""
    points = tuple(
        ablation.SizePoint(n_h=n, n_solved=k, n_seeds=20, median_iterations=100, solved_seeds=tuple(range(20 - k, 20)))
        for n, k in counts
    )
    return ablation.Ablation(
        learning_rate=0.5, loss="bce", init="random", iterations=1000, grid_n_h=2, points=points, outcomes=found
    )


def rate_point(lr, solved, *, n=10, loss="bce", its=None, osc=0, div=0, plateau=0, weight=3.0):
    """A hand-made RatePoint: ``solved`` seeds of ``n`` solve, in ``its`` iterations each (default 100 / lr)."""
    k = int(its if its is not None else max(1, 100 / lr))
    return scan.RatePoint(
        learning_rate=lr,
        loss=loss,
        seeds=tuple(range(n)),
        iterations_to_solve=tuple([k] * solved + [None] * (n - solved)),
        n_solved=solved,
        n_diverged=div,
        n_oscillating=osc,
        n_plateau=plateau,
        median_final_cost=0.1,
        median_max_weight=weight,
        main_costs=None,
    )


def scan_of(points):
    """A hand-made ``scan.Scan`` of ``rate_point``s (10 seeds, 1000 iterations)."""
    return scan.Scan(
        points=tuple(points),
        init="random",
        n_h=2,
        iterations=1000,
        seeds=tuple(range(10)),
        main_seed=2,
        data=vocab.dataset("xor"),
    )
