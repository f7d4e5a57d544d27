"""Gradient descent from a start the report chooses, with the course's own functions.

``nnsimple_lab.training.train`` always starts from ``initialize_parameters``; the report's small experiments
need other starts (two identical hidden units) and, once, the gradient of one loss with the
cost of another (the common mistake of question 3). This is the course's loop, ``forward_prop
-> backward_prop -> update_parameters``, nothing else: every formula stays in ``nnsimple``.
Parameters may be stacked (a leading axis of S networks), as everywhere in ``nnsimple``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnsimple as nn


@dataclass(frozen=True)
class Descent:
    """A descent from a chosen start. Index k of every array is the state after k updates."""

    costs: np.ndarray  # (iterations + 1,) or (iterations + 1, S): the cost of ``cost_loss``
    history: dict  # W1 (iterations + 1, ..., n_h, n_x), b1, W2, b2
    A2: np.ndarray  # final output, (1, m) or (S, 1, m)

    @property
    def parameters(self):
        """The final parameters."""
        return {k: v[-1] for k, v in self.history.items()}


def descend(X, Y, parameters, *, learning_rate, iterations, gradient_loss, cost_loss=None):
    """Descend ``iterations`` times from ``parameters`` with the dZ2 of ``gradient_loss``.

    X: (n_x, m), Y: (1, m). ``cost_loss`` (default: ``gradient_loss``) is the cost recorded at
    each state; with two different losses the run prints one cost and minimises another.
    """
    cost_loss = cost_loss or gradient_loss
    history = {k: [np.array(v, dtype=float)] for k, v in parameters.items()}
    costs = []
    current = {k: v[0] for k, v in history.items()}
    with np.errstate(all="ignore"):
        for k in range(iterations + 1):
            A2, cache = nn.forward_prop(X, current)
            costs.append(nn.LOSSES[cost_loss].cost(A2, Y))
            if k == iterations:
                break
            grads = nn.backward_prop(X, Y, cache, current, gradient_loss)
            current = nn.update_parameters(current, grads, learning_rate)
            for name, value in current.items():
                history[name].append(value)
    return Descent(costs=np.array(costs), history={k: np.stack(v) for k, v in history.items()}, A2=A2)
