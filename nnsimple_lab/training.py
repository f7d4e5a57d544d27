"""Training with a bounded history: ``train`` (one network) and ``train_seeds`` (S at once).

The network itself, its losses and their gradients are ``nnsimple``'s, the course's code: this
module runs gradient descent with them and keeps what the lab's figures and records need. Every
``nnsimple`` function accepts a leading stack axis on the parameters (``(S, n_h, n_x)`` and so
on), so ``train_seeds`` trains S independent networks with the very same code that trains one.

With the course's defaults (XOR, n_h = 2, seed 2, learning rate 0.3) ``train`` gives the course
notebook's cost after every update. A long run does not hold every state: ``steps`` chooses the
states kept, and the states in memory at once are about ``BLOCK_BYTES``, whatever the number of
iterations; the counts (``iterations_to_solve``, ``nonfinite_at``) are exact over every state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nnsimple import (
    LOSSES,
    PARAMETER_NAMES,
    backward_prop,
    check_count,
    check_data,
    check_init,
    check_learning_rate,
    check_loss,
    forward_prop,
    initialize_parameters,
    update_parameters,
)

# of iterations. What a run keeps is chosen by ``steps``; its counts are exact over every state.
BLOCK_BYTES = 1 << 23


def _check_steps(steps, iterations):
    """The states to keep as a sorted int array with the first (0) and the last one; None: all."""
    if steps is None:
        return None
    kept = np.asarray(steps)
    if kept.ndim != 1 or not np.issubdtype(kept.dtype, np.integer):
        raise ValueError(f"steps debe ser una lista de enteros (índices de estados); se recibió {steps!r}.")
    if kept.size and (kept.min() < 0 or kept.max() > iterations):
        raise ValueError(f"steps: los estados van de 0 a {iterations}; se recibió {int(kept.min())}–{int(kept.max())}.")
    kept = np.union1d(kept, [0, iterations]).astype(int)
    return None if kept.size == iterations + 1 else kept


class _States:
    """What training keeps of its states, handed over in blocks (``add``): the costs, accuracies
    and parameters of the states in ``steps`` (None: all), and counts exact over every state.

    With ``follow_solve`` (one network, with its parameters) the state from which accuracy
    stays at 100 % is kept too, wherever it falls: it is the one noted after the last state
    that was not solved, as the blocks go by.
    """

    def __init__(self, Y, loss, steps, *, keep_history, follow_solve=False):
        self.Y, self.loss, self.steps = Y, loss, steps
        self.costs, self.accuracy, self.history = [], [], {} if keep_history else None
        self.last_unsolved = self.nonfinite_at = -1  # become (S,) arrays for stacked networks
        self.follow_solve = follow_solve and steps is not None
        self.solve_state, self.pending = None, False
        self.A2 = None  # the last state's output

    def add(self, start, A2s, history):
        """Take the states ``start`` … ``start + len(A2s) - 1``; their arrays are reused after."""
        with np.errstate(all="ignore"):
            costs = LOSSES[self.loss].cost(A2s, self.Y)
        accuracy = _accuracy(A2s, self.Y)
        bad = _first_non_finite(costs, history)
        self.nonfinite_at = np.where((self.nonfinite_at < 0) & (bad >= 0), start + bad, self.nonfinite_at)
        unsolved = accuracy != 1.0
        last = len(costs) - 1 - np.argmax(np.flip(unsolved, 0), axis=0)
        self.last_unsolved = np.where(unsolved.any(axis=0), start + last, self.last_unsolved)
        if self.steps is None:
            keep = slice(None)
        else:
            inside = self.steps[(self.steps >= start) & (self.steps < start + len(costs))]
            keep = inside - start
        self.costs.append(costs[keep])
        self.accuracy.append(accuracy[keep])
        if history is not None:
            for name, values in history.items():
                self.history.setdefault(name, []).append(values[keep].copy())
        if self.follow_solve:
            self._note_solve_state(start, costs, accuracy, history, bool(unsolved.any()))
        self.A2 = A2s[-1].copy()

    def _note_solve_state(self, start, costs, accuracy, history, unsolved):
        """Note the state right after the last unsolved one: the first solved one, if no later one fails."""
        if unsolved:
            at = int(self.last_unsolved) + 1 - start
            self.pending = at == len(costs)  # it is the next block's first state
        elif self.pending:
            at, self.pending = 0, False
        else:
            return
        if at < len(costs):
            self.solve_state = (start + at, costs[at], accuracy[at], {k: v[at].copy() for k, v in history.items()})

    def result(self):
        """``(steps, costs, accuracy, history, iterations_to_solve, nonfinite_at)`` over the kept states."""
        costs, accuracy = np.concatenate(self.costs), np.concatenate(self.accuracy)
        history = None if self.history is None else {k: np.concatenate(v) for k, v in self.history.items()}
        steps = np.arange(len(costs)) if self.steps is None else self.steps
        solve = np.where(accuracy[-1] == 1.0, self.last_unsolved + 1, -1)
        if self.solve_state is not None and solve >= 0 and solve not in steps:
            steps, costs, accuracy, history = _insert_state(self.solve_state, steps, costs, accuracy, history)
        return steps, costs, accuracy, history, solve, self.nonfinite_at


def _insert_state(state, steps, costs, accuracy, history):
    """The kept arrays with one more state, ``(index, cost, accuracy, parameters)``, in its place."""
    at, cost, acc, parameters = state
    where = int(np.searchsorted(steps, at))
    history = {k: np.insert(v, where, parameters[k], axis=0) for k, v in history.items()}
    return np.insert(steps, where, at), np.insert(costs, where, cost), np.insert(accuracy, where, acc), history


def _descend(X, Y, parameters, *, learning_rate, iterations, states):
    """Run ``iterations`` gradient-descent updates from ``parameters`` (maybe stacked).

    Hands the ``iterations + 1`` states to ``states`` (a ``_States``) in blocks of consecutive
    states: their outputs A2 (shape (n, ..., 1, m)) and, if it keeps a history, their
    parameters. A block holds about ``BLOCK_BYTES``; costs and accuracies are computed from it
    in one vectorised pass, so the loop holds only the math of one step. Returns the final
    parameters.
    """
    shape = (*parameters["b2"].shape[:-1], X.shape[1])
    keep = states.history is not None
    per_state = 8 * (math.prod(shape) + (sum(v.size for v in parameters.values()) if keep else 0))
    block = max(1, min(iterations + 1, BLOCK_BYTES // per_state))
    A2s = np.empty((block, *shape))
    history = {k: np.empty((block, *v.shape)) for k, v in parameters.items()} if keep else None
    with np.errstate(all="ignore"):  # divergence is detected afterwards, from the outputs
        for k in range(iterations + 1):
            i = k % block
            A2, cache = forward_prop(X, parameters)
            A2s[i] = A2
            if keep:
                for name, value in parameters.items():
                    history[name][i] = value
            if i == block - 1 or k == iterations:
                states.add(k - i, A2s[: i + 1], {n: h[: i + 1] for n, h in history.items()} if keep else None)
            if k < iterations:
                grads = backward_prop(X, Y, cache, parameters, loss=states.loss)
                parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def _accuracy(A2s, Y):
    """Fraction of examples classified right, over the last two axes of A2s (..., 1, m)."""
    return np.mean((A2s >= 0.5) == (Y == 1), axis=(-2, -1))


def _first_non_finite(costs, history=None):
    """Index of the first state whose cost (or parameters) is not finite, or -1.

    costs: (K,) or (K, S) -> int or (S,) array of ints.
    """
    bad = ~np.isfinite(costs)
    if history is not None:
        for value in history.values():
            bad |= ~np.isfinite(value).reshape(value.shape[0], -1).all(axis=1)
    return np.where(bad.any(axis=0), np.argmax(bad, axis=0), -1)


def _check_config(X, Y, n_h, learning_rate, iterations, init, loss):
    X, Y = check_data(X, Y)
    return (
        X,
        Y,
        check_count(n_h, 1, "Número de neuronas ocultas n_h"),
        check_learning_rate(learning_rate),
        check_count(iterations, 0, "Número de iteraciones"),
        check_init(init),
        check_loss(loss),
    )


@dataclass(frozen=True)
class TrainResult:
    """One training run. Entry j of every array is the state after ``steps[j]`` updates.

    By default every state is kept (``steps`` is 0, 1, …, iterations); ``train(steps=…)`` keeps
    fewer. The counts (``iterations_to_solve``, ``nonfinite_at``) are exact either way.
    """

    costs: np.ndarray  # (K,) over the kept states; K = iterations + 1 when all are kept
    accuracy: np.ndarray  # (K,) fraction of examples right
    history: dict  # W1 (K, n_h, n_x), b1, W2, b2 likewise
    parameters: dict  # final: W1 (n_h, n_x), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1)
    A2: np.ndarray  # (1, m) final output
    n_h: int
    learning_rate: float
    iterations: int
    init: str
    loss: str
    seed: int
    iterations_to_solve: int  # first state from which accuracy stays 1.0; -1 if never
    nonfinite_at: int  # first state with a non-finite cost or parameter; -1 if none
    steps: np.ndarray  # (K,) the kept states' indices: 0 first, iterations last

    @property
    def diverged(self):
        """True when descent overflowed or ended at a higher cost than it started."""
        return self.nonfinite_at >= 0 or not self.costs[-1] <= self.costs[0]

    @property
    def solved(self):
        return self.iterations_to_solve >= 0


def train(X, Y, *, n_h=2, learning_rate=0.3, iterations=1000, init="random", loss="bce", seed=2, steps=None):
    """Train the network by gradient descent and keep its history.

    X: (n_x, m), Y: (1, m). Returns a ``TrainResult``; ``costs[k]`` is the cost after
    k updates, so ``costs[0]`` is the cost at initialisation and there are
    ``iterations + 1`` states. A run that goes wrong is not silent: ``diverged`` is True
    when the cost ends above where it started (a step so large that the units saturate),
    and ``nonfinite_at`` says from which state on the numbers stopped being finite.

    ``steps``: the indices of the states to keep (the first, the last and the one from which
    accuracy stays at 100 % are always kept); None keeps every state. Memory then grows with
    the kept states only.
    """
    X, Y, n_h, learning_rate, iterations, init, loss = _check_config(X, Y, n_h, learning_rate, iterations, init, loss)
    states = _States(Y, loss, _check_steps(steps, iterations), keep_history=True, follow_solve=True)
    parameters = initialize_parameters(X.shape[0], n_h, 1, init=init, seed=seed)
    final = _descend(X, Y, parameters, learning_rate=learning_rate, iterations=iterations, states=states)
    kept, costs, accuracy, history, solve, nonfinite_at = states.result()
    return TrainResult(
        costs=costs,
        accuracy=accuracy,
        history=history,
        parameters=final,
        A2=states.A2,
        n_h=n_h,
        learning_rate=learning_rate,
        iterations=iterations,
        init=init,
        loss=loss,
        seed=int(seed),
        iterations_to_solve=int(solve),
        nonfinite_at=int(nonfinite_at),
        steps=kept,
    )


@dataclass(frozen=True)
class SeedsResult:
    """The same configuration trained from several seeds. Arrays run over ``seeds``; the costs
    and accuracies over the kept states, ``steps`` (every state by default)."""

    seeds: np.ndarray  # (S,)
    costs: np.ndarray  # (S, K)
    accuracy: np.ndarray  # (S, K)
    iterations_to_solve: np.ndarray  # (S,) -1 where never solved
    nonfinite_at: np.ndarray  # (S,) -1 where finite to the end
    config: dict = field(default_factory=dict)
    steps: np.ndarray = None  # (K,) the kept states' indices
    A2: np.ndarray | None = None  # (S, 1, m) final output of each network
    parameters: dict | None = None  # final W1 (S, n_h, n_x), b1 (S, n_h, 1), W2 (S, 1, n_h), b2 (S, 1, 1)

    @property
    def final_cost(self):
        return self.costs[:, -1]

    @property
    def final_accuracy(self):
        return self.accuracy[:, -1]

    @property
    def solved(self):
        """(S,) bool: accuracy 1.0 at the last state and from some state on."""
        return self.iterations_to_solve >= 0

    @property
    def diverged(self):
        """(S,) bool: overflowed, or ended at a higher cost than it started."""
        return (self.nonfinite_at >= 0) | ~(self.costs[:, -1] <= self.costs[:, 0])


def train_seeds(X, Y, *, seeds, n_h=2, learning_rate=0.3, iterations=1000, init="random", loss="bce", steps=None):
    """Train one independent network per seed, all at once along a leading stack axis.

    Seed s starts exactly where ``train(..., seed=s)`` starts, and follows the same math.
    ``steps``: the states to keep in ``costs`` and ``accuracy``, as in ``train``.
    """
    X, Y, n_h, learning_rate, iterations, init, loss = _check_config(X, Y, n_h, learning_rate, iterations, init, loss)
    seeds = np.array([check_count(s, 0, "Semilla") for s in seeds], dtype=int)
    if seeds.size == 0:
        raise ValueError("Se necesita al menos una semilla.")
    states = _States(Y, loss, _check_steps(steps, iterations), keep_history=False)
    starts = [initialize_parameters(X.shape[0], n_h, 1, init=init, seed=int(s)) for s in seeds]
    stacked = {k: np.stack([p[k] for p in starts]) for k in PARAMETER_NAMES}
    final = _descend(X, Y, stacked, learning_rate=learning_rate, iterations=iterations, states=states)
    kept, costs, accuracy, _, solve, nonfinite_at = states.result()  # costs: (K, S)
    config = {"n_h": n_h, "learning_rate": learning_rate, "iterations": iterations, "init": init, "loss": loss}
    return SeedsResult(
        seeds=seeds,
        costs=costs.T.copy(),
        accuracy=accuracy.T.copy(),
        iterations_to_solve=solve,
        nonfinite_at=nonfinite_at,
        config=config,
        steps=kept,
        A2=states.A2,
        parameters=final,
    )


# ---------------------------------------------------------------- many configurations at once
#
# The report trains the same network for dozens of learning rates (its scan) and of seed sets
# (the failing seeds' extension). Each ``train_seeds`` call pays Python's loop once per update,
# whatever the number of networks; stacked together, the loop is paid once for all of them.
# The numbers are those of separate calls, bit for bit: every network follows its own
# elementwise math and its own small matrix products (numpy multiplies each stacked slice on
# its own), and the learning rate broadcasts per network. The stack is cut into chunks of at
# most ``CHUNK_BYTES`` of kept costs and accuracies, so that a large scan never holds more.

CHUNK_BYTES = 1 << 26  # kept costs and accuracies of one stacked training: at most 64 MiB


def _chunks(jobs, per_network):
    """``jobs`` split into consecutive lists whose networks keep at most ``CHUNK_BYTES`` (one job at least)."""
    chunk, size = [], 0
    for job in jobs:
        n = len(job[1]) * per_network
        if chunk and size + n > CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(job)
        size += n
    if chunk:
        yield chunk


def _train_chunk(X, Y, jobs, *, n_h, iterations, init, loss):
    """[SeedsResult] of ``jobs`` [(rate, seed array)], trained in one stack."""
    order = [int(s) for _, ss in jobs for s in ss]
    # One start per distinct seed (the jobs share their seeds): a RandomState each is not free.
    starts = {s: initialize_parameters(X.shape[0], n_h, 1, init=init, seed=s) for s in dict.fromkeys(order)}
    stacked = {k: np.stack([starts[s][k] for s in order]) for k in PARAMETER_NAMES}
    rates = np.concatenate([np.full(len(ss), rate) for rate, ss in jobs]).reshape(-1, 1, 1)
    states = _States(Y, loss, None, keep_history=False)
    final = _descend(X, Y, stacked, learning_rate=rates, iterations=iterations, states=states)
    kept, costs, accuracy, _, solve, nonfinite_at = states.result()  # costs: (K, N)
    out, at = [], 0
    for rate, ss in jobs:
        part = slice(at, at + len(ss))
        at += len(ss)
        config = {"n_h": n_h, "learning_rate": rate, "iterations": iterations, "init": init, "loss": loss}
        out.append(
            SeedsResult(
                seeds=ss,
                costs=costs[:, part].T.copy(),
                accuracy=accuracy[:, part].T.copy(),
                iterations_to_solve=solve[part].copy(),
                nonfinite_at=nonfinite_at[part].copy(),
                config=config,
                steps=kept,
                A2=states.A2[part].copy(),
                parameters={k: v[part].copy() for k, v in final.items()},
            )
        )
    return out


def train_many(X, Y, *, jobs, n_h=2, iterations=1000, init="random", loss="bce"):
    """``[train_seeds(X, Y, seeds=seeds, learning_rate=rate, ...) for rate, seeds in jobs]``, trained at once.

    X: (n_x, m), Y: (1, m); ``jobs``: (learning rate, seeds) pairs, the same configuration
    otherwise. Returns one ``SeedsResult`` per job, in order, with every state kept;
    the inputs are checked as ``train_seeds`` checks them (Spanish ``ValueError``).
    """
    jobs = list(jobs)
    if not jobs:
        return []
    checked = []
    for rate, seeds in jobs:
        X, Y, n_h, rate, iterations, init, loss = _check_config(X, Y, n_h, rate, iterations, init, loss)
        seeds = np.array([check_count(s, 0, "Semilla") for s in seeds], dtype=int)
        if seeds.size == 0:
            raise ValueError("Se necesita al menos una semilla.")
        checked.append((rate, seeds))
    per_network = 2 * 8 * (iterations + 1)  # a cost and an accuracy per state
    out = []
    for chunk in _chunks(checked, per_network):
        out += _train_chunk(X, Y, chunk, n_h=n_h, iterations=iterations, init=init, loss=loss)
    return out
