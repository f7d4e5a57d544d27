"""A two-layer network trained from scratch with numpy: the course's NNsimple, made exact.

Layout and names follow the course notebook: arrays are shaped (features, examples),
parameters live in a dict ``W1, b1, W2, b2`` and gradients in ``dW1, db1, dW2, db2``.

    Z1 = W1 @ X + b1        A1 = tanh(Z1)        (n_h, m)
    Z2 = W2 @ A1 + b2       A2 = sigmoid(Z2)     (1, m)

Every function also accepts a leading stack axis on the parameters (shape ``(S, n_h, n_x)``
and so on): ``train_seeds`` trains S independent networks at once that way, with the
very same code that trains one.

With the course's defaults (XOR, n_h = 2, seed 2, learning rate 0.3) ``train`` gives the
course notebook's cost after every update. What differs from the course is on purpose:
the random stream is a private ``np.random.RandomState(seed)`` (the legacy stream
``np.random.seed`` drives, without touching global state), ``mse`` has its true gradient,
and bad arguments raise ``ValueError`` with a Spanish message.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

import numpy as np

DATASETS = {
    # name: (X, Y); X is (2, 4), Y is (1, 4): the four corners of the unit square.
    "xor": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 0]]),
    "and": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 0, 0, 1]]),
    "or": ([[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 1]]),
}
INITS = ("zeros", "random", "xavier")

# BCE clips A2 to [_EPS, 1 - _EPS]: a saturated output costs -log(_EPS), never inf.
_EPS = 1e-15


# ---------------------------------------------------------------- validation


def _choice(value, valid, what, unknown="desconocido"):
    """Return ``value`` if it is one of ``valid``, else raise a Spanish ValueError.

    ``unknown``: the adjective agreeing with ``what`` ("desconocida" for "Función de costo").
    """
    if isinstance(value, str) and value in valid:
        return value
    options = ", ".join(repr(v) for v in valid)
    message = f"{what} {unknown}: {value!r}. Valores válidos: {options}."
    close = difflib.get_close_matches(str(value), valid, n=1)
    if close:
        message += f" ¿Quiso decir {close[0]!r}?"
    raise ValueError(message)


def check_init(init):
    """Validate an initialisation name."""
    return _choice(init, INITS, "Método de inicialización")


def check_loss(loss):
    """Validate a loss name (a key of ``LOSSES``)."""
    return _choice(loss, tuple(LOSSES), "Función de costo", "desconocida")


def check_dataset(name):
    """Validate a data-set name."""
    return _choice(name, tuple(DATASETS), "Conjunto de datos")


def check_learning_rate(learning_rate):
    """Validate a learning rate: a finite number > 0. Returns it as a float."""
    ok = isinstance(learning_rate, (int, float, np.number)) and not isinstance(learning_rate, bool)
    if not ok or not math.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(
            f"Tasa de aprendizaje inválida: {learning_rate!r}. "
            "Debe ser un número finito mayor que 0 (por ejemplo 0.01, 0.1 o 0.5)."
        )
    return float(learning_rate)


def _check_int(value, minimum, what):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what} inválido: {value!r}. Debe ser un entero mayor o igual que {minimum}.")
    return int(value)


def check_data(X, Y):
    """Validate and convert a data set. X: (n_x, m), Y: (1, m) of 0/1 -> float64 arrays."""
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if X.ndim != 2 or X.shape[1] < 1:
        raise ValueError(f"X debe tener forma (n_x, m) con m >= 1; se recibió la forma {X.shape}.")
    if Y.shape != (1, X.shape[1]):
        raise ValueError(f"Y debe tener forma (1, m) = (1, {X.shape[1]}); se recibió la forma {Y.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contiene valores no finitos (nan o inf).")
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError(f"Y solo puede contener 0 y 1; se recibió {np.unique(Y).tolist()}.")
    return X, Y


def load_dataset(name="xor"):
    """Return ``(X, Y)`` for ``"xor"``, ``"and"`` or ``"or"``. X: (2, 4), Y: (1, 4), float64."""
    X, Y = DATASETS[check_dataset(name)]
    return np.array(X, dtype=float), np.array(Y, dtype=float)


# ---------------------------------------------------------------- the network


def sigmoid(z):
    """Logistic function, elementwise. Saturates to exactly 0 or 1 for large |z|, never nan."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def initialize_parameters(n_x, n_h, n_y, init="random", seed=2):
    """Initial parameters: W1 (n_h, n_x), b1 (n_h, 1), W2 (n_y, n_h), b2 (n_y, 1).

    ``init``: ``"zeros"`` (everything 0); ``"random"`` (the course: standard normal weights,
    W1 drawn before W2 from ``RandomState(seed)``); ``"xavier"`` (the same draws scaled by
    ``1/sqrt(fan_in)``). Biases start at 0 in every scheme.
    """
    init = check_init(init)
    n_x = _check_int(n_x, 1, "n_x")
    n_h = _check_int(n_h, 1, "Número de neuronas ocultas n_h")
    n_y = _check_int(n_y, 1, "n_y")
    if init == "zeros":
        W1, W2 = np.zeros((n_h, n_x)), np.zeros((n_y, n_h))
    else:
        rng = np.random.RandomState(_check_int(seed, 0, "Semilla"))
        W1 = rng.randn(n_h, n_x)
        W2 = rng.randn(n_y, n_h)
        if init == "xavier":
            W1, W2 = W1 / np.sqrt(n_x), W2 / np.sqrt(n_h)
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_prop(X, parameters):
    """Forward pass. X: (n_x, m) -> A2: (1, m), cache with A1 (n_h, m) and A2.

    With stacked parameters (leading axis S) the outputs gain that axis: A2 is (S, 1, m).
    """
    A1 = np.tanh(parameters["W1"] @ X + parameters["b1"])
    A2 = sigmoid(parameters["W2"] @ A1 + parameters["b2"])
    return A2, {"A1": A1, "A2": A2}


# ---------------------------------------------------------------- losses
# Each loss: its cost J(A2, Y) and its dZ2 = dJ/dZ2, side by side. A2, Y: (1, m).
# Costs reduce the last two axes, so stacked inputs (S, 1, m) give one cost per network.


def bce_cost(A2, Y):
    """Binary cross-entropy: J = -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2))."""
    m = Y.shape[-1]
    A2 = np.clip(A2, _EPS, 1 - _EPS)
    return -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2), axis=(-2, -1)) / m


def bce_dZ2(A2, Y):
    """dJ/dZ2 for BCE with a sigmoid output: the sigmoid's derivative cancels, (A2 - Y) / m."""
    return (A2 - Y) / Y.shape[-1]


def mse_cost(A2, Y):
    """Mean squared error: J = (1/m) sum((Y - A2)^2)."""
    return np.sum((Y - A2) ** 2, axis=(-2, -1)) / Y.shape[-1]


def mse_dZ2(A2, Y):
    """dJ/dZ2 for MSE: dJ/dA2 = 2 (A2 - Y) / m, times the sigmoid's A2 (1 - A2)."""
    return 2 * (A2 - Y) * A2 * (1 - A2) / Y.shape[-1]


@dataclass(frozen=True)
class Loss:
    """A loss: its cost ``J(A2, Y)`` and its ``dZ2 = dJ/dZ2``, for A2 and Y shaped (..., 1, m)."""

    cost: object
    dZ2: object


# Every loss the network can train with; a new one is one entry here (and one in the vocabulary
# of nnsimple_lab, which names it in the report).
LOSSES = {"bce": Loss(bce_cost, bce_dZ2), "mse": Loss(mse_cost, mse_dZ2)}


def compute_cost(A2, Y, loss="bce"):
    """Cost of predictions A2 (1, m) against labels Y (1, m): a float (an (S,) array if stacked)."""
    cost = LOSSES[check_loss(loss)].cost(A2, Y)
    return float(cost) if np.ndim(cost) == 0 else cost


def backward_prop(X, Y, cache, parameters, loss="bce"):
    """Gradients of the cost: dW1 (n_h, n_x), db1 (n_h, 1), dW2 (1, n_h), db2 (1, 1).

    X: (n_x, m), Y: (1, m); ``cache`` from ``forward_prop``. The loss only changes dZ2;
    from there on the chain rule is the same for every loss.
    """
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = LOSSES[check_loss(loss)].dZ2(A2, Y)
    dW2 = dZ2 @ A1.mT  # .mT: transpose of the last two axes (.T for one network)
    db2 = np.sum(dZ2, axis=-1, keepdims=True)
    dZ1 = (parameters["W2"].mT @ dZ2) * (1 - A1**2)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=-1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step: a new dict ``p - learning_rate * dp``; inputs untouched."""
    return {k: p - learning_rate * grads["d" + k] for k, p in parameters.items()}


def predict(X, parameters):
    """Class predictions for X (n_x, m): a (1, m) int array of 0/1, 1 where A2 >= 0.5."""
    A2, _ = forward_prop(np.asarray(X, dtype=float), parameters)
    return (A2 >= 0.5).astype(int)


# ---------------------------------------------------------------- training

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
# The states held in memory at once while training: about this many bytes, whatever the number
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
        _check_int(n_h, 1, "Número de neuronas ocultas n_h"),
        check_learning_rate(learning_rate),
        _check_int(iterations, 0, "Número de iteraciones"),
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
    seeds = np.array([_check_int(s, 0, "Semilla") for s in seeds], dtype=int)
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


def model(X, Y, n_x, n_h, n_y, num_of_iters, learning_rate, *, init="random", loss="bce", seed=2):
    """The course's ``model``: the final parameters after its loop.

    The course loops ``for i in range(0, num_of_iters + 1)`` and updates in every pass, so it
    makes ``num_of_iters + 1`` updates; this keeps that count so its final parameters match.
    """
    X, Y = check_data(X, Y)
    if (n_x, n_y) != (X.shape[0], Y.shape[0]):
        raise ValueError(f"n_x = {n_x} y n_y = {n_y} no coinciden con X {X.shape} e Y {Y.shape}.")
    result = train(
        X, Y, n_h=n_h, learning_rate=learning_rate, iterations=num_of_iters + 1, init=init, loss=loss, seed=seed
    )
    return result.parameters


# ---------------------------------------------------------------- gradient check


def gradient_check(X, Y, parameters, loss="bce", *, grad_loss=None, epsilon=1e-6):
    """Relative error between ``backward_prop`` and central differences of ``compute_cost``.

    ``||g - g_num|| / (||g|| + ||g_num||)`` over all parameters; below 1e-7 means the
    backward pass is right. ``grad_loss`` takes the gradient of another loss against the
    cost of ``loss``: ``gradient_check(X, Y, p, "mse", grad_loss="bce")`` checks the naive
    MSE backward pass that reuses BCE's ``dZ2 = (A2 - Y) / m``.
    """
    X, Y = check_data(X, Y)
    loss = check_loss(loss)
    grad_loss = loss if grad_loss is None else check_loss(grad_loss)
    _, cache = forward_prop(X, parameters)
    grads = backward_prop(X, Y, cache, parameters, grad_loss)
    analytic, numeric = [], []
    for name in PARAMETER_NAMES:
        value = np.asarray(parameters[name], dtype=float)
        for index in np.ndindex(value.shape):
            costs = []
            for step in (epsilon, -epsilon):
                shifted = value.copy()
                shifted[index] += step
                trial = {**parameters, name: shifted}
                costs.append(compute_cost(forward_prop(X, trial)[0], Y, loss))
            numeric.append((costs[0] - costs[1]) / (2 * epsilon))
            analytic.append(grads["d" + name][index])
    analytic, numeric = np.array(analytic), np.array(numeric)
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)
