"""Question 1's two experiments: the zero start is a saddle point, and identical hidden units stay one.

- ``probe_saddle``: at the zero start every gradient is exactly zero (a stationary point). Is it
  a minimum? The cost is evaluated on ``DIRECTIONS`` random points at distance ``RADIUS`` from
  it: if some are lower and some higher, it is a saddle point, not a minimum.
- ``symmetric_start``: start from random weights, but with every hidden unit a copy of the
  first. The units receive the same gradient, so they stay bit-for-bit equal, and the network
  is one hidden unit: its output grows with a single ``w . x + b``, a straight decision
  boundary, which cannot separate XOR (at most 3 of 4 right).
Both take milliseconds (stacked networks, ``descent.descend``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import training, vocab
from nnsimple_lab.report import trained
from nnsimple_lab.report.descent import descend

RADIUS = 0.1  # distance from the zero start of the probed points
DIRECTIONS = 20_000  # random directions probed
PROBE_SEED = 0  # the directions' own random stream, so the report is reproducible


def _zeros(X, n_h):
    return nn.initialize_parameters(X.shape[0], n_h, 1, init="zeros")


def _unflatten(vectors, like):
    """(N, P) rows -> stacked parameters shaped like ``like`` with a leading axis N."""
    out, start = {}, 0
    for name in nn.PARAMETER_NAMES:
        size = like[name].size
        out[name] = vectors[:, start : start + size].reshape(len(vectors), *like[name].shape)
        start += size
    return out


@dataclass(frozen=True)
class SaddleProbe:
    """The cost around the zero start, for one loss."""

    loss: str
    cost: float  # at the zero start
    stationary: bool  # every gradient is exactly 0 there
    radius: float
    directions: int
    n_lower: int  # probed points with a lower cost than the start
    lowest: float  # the lowest cost minus the start's (negative when some point is lower)
    highest: float
    down: np.ndarray  # (P,) unit direction of the lowest point
    up: np.ndarray  # (P,) unit direction of the highest point

    @property
    def saddle(self):
        """Stationary, with lower and higher points around it: a saddle point, not a minimum."""
        return self.stationary and self.n_lower > 0 and self.highest > 0

    @property
    def n_higher(self):
        return self.directions - self.n_lower


def probe_saddle(X, Y, *, loss, n_h, radius=RADIUS, directions=DIRECTIONS):
    """``SaddleProbe`` of the zero start: its gradient and the cost at ``directions`` points around it."""
    zero = _zeros(X, n_h)
    A2, cache = nn.forward_prop(X, zero)
    grads = nn.backward_prop(X, Y, cache, zero, loss)
    start = nn.compute_cost(A2, Y, loss)
    size = sum(v.size for v in zero.values())
    vectors = np.random.default_rng(PROBE_SEED).standard_normal((directions, size))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    costs = nn.compute_cost(nn.forward_prop(X, _unflatten(radius * vectors, zero))[0], Y, loss) - start
    return SaddleProbe(
        loss=loss,
        cost=float(start),
        stationary=all(np.all(g == 0) for g in grads.values()),
        radius=radius,
        directions=directions,
        n_lower=int((costs < 0).sum()),
        lowest=float(costs.min()),
        highest=float(costs.max()),
        down=vectors[int(np.argmin(costs))],
        up=vectors[int(np.argmax(costs))],
    )


def saddle_cut(X, Y, probe, *, n_h, points=201):
    """``(t, cost_down, cost_up)``: the cost minus the start's along ``t * down`` and ``t * up``, |t| <= 2 radius."""
    zero = _zeros(X, n_h)
    t = np.linspace(-2 * probe.radius, 2 * probe.radius, points)
    out = []
    for direction in (probe.down, probe.up):
        stacked = _unflatten(t[:, None] * direction[None, :], zero)
        out.append(nn.compute_cost(nn.forward_prop(X, stacked)[0], Y, probe.loss) - probe.cost)
    return t, out[0], out[1]


@dataclass(frozen=True)
class SymmetricStart:
    """Random starts with every hidden unit a copy of the first, trained together."""

    loss: str
    learning_rate: float
    iterations: int
    seeds: tuple
    identical: bool  # in every network, at every state, all hidden units are bit-for-bit equal
    best_accuracy: float  # the highest accuracy any network reached at any state
    final_accuracy: np.ndarray  # (S,)
    n_solved_random: int | None  # the same seeds from the ordinary random start (no copy), solved
    data: vocab.Dataset  # what they were trained on


def _copy_first_unit(parameters):
    """Stacked parameters with every hidden unit replaced by the first one (W1 rows, b1, W2 columns)."""
    out = dict(parameters)
    out["W1"] = np.repeat(parameters["W1"][:, :1, :], parameters["W1"].shape[1], axis=1)
    out["b1"] = np.repeat(parameters["b1"][:, :1, :], parameters["b1"].shape[1], axis=1)
    out["W2"] = np.repeat(parameters["W2"][:, :, :1], parameters["W2"].shape[2], axis=2)
    return out


def _all_units_equal(history):
    """Every hidden unit equals the first at every state (W1 rows, b1 entries, W2 columns)."""
    W1, b1, W2 = history["W1"], history["b1"], history["W2"]
    return bool(np.all(W1 == W1[..., :1, :]) and np.all(b1 == b1[..., :1, :]) and np.all(W2 == W2[..., :, :1]))


def symmetric_start(X, Y, *, loss, learning_rate, iterations, seeds, n_h, runs=()):
    """``SymmetricStart`` for ``seeds``: each seed's random start with its hidden units made identical.

    ``runs``: the grid's runs (``report.runs.Run``); the ordinary random start of these seeds, if
    one of them trained it exactly, is read from it (``trained.budget``), not trained again.
    None when ``n_h`` is 1: with one hidden unit there is nothing to make identical.
    """
    if n_h < 2:
        return None
    starts = [nn.initialize_parameters(X.shape[0], n_h, 1, init="random", seed=int(s)) for s in seeds]
    stacked = _copy_first_unit({k: np.stack([p[k] for p in starts]) for k in nn.PARAMETER_NAMES})
    run = descend(X, Y, stacked, learning_rate=learning_rate, iterations=iterations, gradient_loss=loss)
    A2_all, _ = nn.forward_prop(X, run.history)  # (iterations + 1, S, 1, m)
    accuracy = np.mean((A2_all >= 0.5) == (Y == 1), axis=(-2, -1))
    config = {"n_h": n_h, "learning_rate": learning_rate, "iterations": iterations, "init": "random", "loss": loss}
    plain = trained.budget(runs, **config, seeds=seeds, X=X, Y=Y)
    if plain is None:
        plain = training.train_seeds(X, Y, seeds=seeds, **config)
    return SymmetricStart(
        loss=loss,
        learning_rate=float(learning_rate),
        iterations=int(iterations),
        seeds=tuple(int(s) for s in seeds),
        identical=_all_units_equal(run.history),
        best_accuracy=float(accuracy.max()),
        final_accuracy=accuracy[-1],
        n_solved_random=int(plain.solved.sum()),
        data=vocab.dataset_of(X, Y),
    )
