"""A two-layer network trained from scratch with numpy: the course's NNsimple, made exact.

Layout and names follow the course notebook: arrays are shaped (features, examples),
parameters live in a dict ``W1, b1, W2, b2`` and gradients in ``dW1, db1, dW2, db2``.

    Z1 = W1 @ X + b1        A1 = tanh(Z1)        (n_h, m)
    Z2 = W2 @ A1 + b2       A2 = sigmoid(Z2)     (1, m)

Every function also accepts a leading stack axis on the parameters (shape ``(S, n_h, n_x)``
and so on): ``nnsimple_lab.training.train_seeds`` trains S independent networks at once that
way, with the very same code that trains one. Training with a history (``train``) lives there
too; this file is the course's network alone, numpy only, and runs on its own.

With the course's defaults (XOR, n_h = 2, seed 2, learning rate 0.3) ``model`` makes the
course notebook's updates, to the last bit. What differs from the course is on purpose:
the random stream is a private ``np.random.RandomState(seed)`` (the legacy stream
``np.random.seed`` drives, without touching global state), ``mse`` has its true gradient,
and bad arguments raise ``ValueError`` with a Spanish message.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

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


def check_count(value, minimum, what):
    """Validate a whole number >= ``minimum`` (``what`` names it in the Spanish error). Returns an int."""
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
    n_x = check_count(n_x, 1, "n_x")
    n_h = check_count(n_h, 1, "Número de neuronas ocultas n_h")
    n_y = check_count(n_y, 1, "n_y")
    if init == "zeros":
        W1, W2 = np.zeros((n_h, n_x)), np.zeros((n_y, n_h))
    else:
        rng = np.random.RandomState(check_count(seed, 0, "Semilla"))
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


def model(X, Y, n_x, n_h, n_y, num_of_iters, learning_rate, *, init="random", loss="bce", seed=2):
    """The course's ``model``: the final parameters after its loop.

    The course loops ``for i in range(0, num_of_iters + 1)`` and updates in every pass, so it
    makes ``num_of_iters + 1`` updates; this keeps that count so its final parameters match.
    """
    X, Y = check_data(X, Y)
    if (n_x, n_y) != (X.shape[0], Y.shape[0]):
        raise ValueError(f"n_x = {n_x} y n_y = {n_y} no coinciden con X {X.shape} e Y {Y.shape}.")
    loss, learning_rate = check_loss(loss), check_learning_rate(learning_rate)
    parameters = initialize_parameters(n_x, n_h, n_y, init=check_init(init), seed=seed)
    for _ in range(check_count(num_of_iters, 0, "Número de iteraciones") + 1):
        _, cache = forward_prop(X, parameters)
        grads = backward_prop(X, Y, cache, parameters, loss=loss)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


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
