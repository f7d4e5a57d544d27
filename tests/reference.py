"""An independent implementation of the lab, for checking the report's numbers end to end.

Written from the course notebook, not from ``nnsimple.py`` (nothing here imports it): the course's
parameter layout (W1 drawn before W2 from ``RandomState(seed)``), ``tanh`` hidden layer, sigmoid
output, BCE or MSE with its own gradient, plain gradient descent. Parameters may carry a leading
axis of S networks (one per seed), so a whole configuration trains at once; the maths is the
course's line for line. A run "solves" XOR from the first iteration after which its four answers
stay right to the end. On top of that, the few experiments the report runs: the learning-rate
scan, the longer run of the failing seeds, the hidden-layer ablation.
"""

from __future__ import annotations

import math

import numpy as np

XOR = (np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]]), np.array([[0.0, 1.0, 1.0, 0.0]]))
LATTICE = [2 ** (j / 2) for j in range(-20, 14)]  # the report's documented scan: factor sqrt(2), 0.001 to 90


def initialize_parameters(seeds, n_h=2, init="random"):
    """Stacked parameters, one network per seed: W1 (S, n_h, 2), b1 (S, n_h, 1), W2 (S, 1, n_h), b2 (S, 1, 1)."""
    W1, W2 = [], []
    for seed in seeds:
        rng = np.random.RandomState(seed)
        w1, w2 = rng.randn(n_h, 2), rng.randn(1, n_h)
        if init == "xavier":
            w1, w2 = w1 / np.sqrt(2), w2 / np.sqrt(n_h)
        if init == "zeros":
            w1, w2 = np.zeros((n_h, 2)), np.zeros((1, n_h))
        W1.append(w1)
        W2.append(w2)
    S = len(seeds)
    return {"W1": np.array(W1), "b1": np.zeros((S, n_h, 1)), "W2": np.array(W2), "b2": np.zeros((S, 1, 1))}


def forward(X, p):
    A1 = np.tanh(p["W1"] @ X + p["b1"])
    A2 = 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"])))
    return A1, A2


def cost(A2, Y, loss):
    """(S,) costs."""
    if loss == "bce":
        A2 = np.clip(A2, 1e-15, 1 - 1e-15)
        return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2), axis=(-2, -1))
    return np.mean((Y - A2) ** 2, axis=(-2, -1))


def step(X, Y, p, lr, loss):
    """One update of every network."""
    m = X.shape[1]
    A1, A2 = forward(X, p)
    dZ2 = (A2 - Y) if loss == "bce" else 2 * (A2 - Y) * A2 * (1 - A2)
    dW2 = dZ2 @ np.swapaxes(A1, -1, -2) / m
    db2 = np.sum(dZ2, axis=-1, keepdims=True) / m
    dZ1 = (np.swapaxes(p["W2"], -1, -2) @ dZ2) * (1 - A1**2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=-1, keepdims=True) / m
    return {"W1": p["W1"] - lr * dW1, "b1": p["b1"] - lr * db1, "W2": p["W2"] - lr * dW2, "b2": p["b2"] - lr * db2}


def train(lr, *, seeds, iterations, init="random", loss="bce", n_h=2, data=XOR):
    """Train one network per seed. Returns a dict of per-seed arrays: costs (S, K), solved_at (S,) (-1: never),
    final A2 (S, 4), final parameters, and whether the cost ended above where it started."""
    X, Y = data
    p = initialize_parameters(seeds, n_h, init)
    costs, right = [], []
    with np.errstate(all="ignore"):
        for k in range(iterations + 1):
            _, A2 = forward(X, p)
            costs.append(cost(A2, Y, loss))
            right.append(np.all((A2 >= 0.5) == (Y == 1), axis=(-2, -1)))
            if k < iterations:
                p = step(X, Y, p, lr, loss)
    costs, right = np.array(costs).T, np.array(right).T  # (S, K)
    solved_at = []
    for row in right:
        if not row[-1]:
            solved_at.append(-1)
            continue
        wrong = np.flatnonzero(~row)
        solved_at.append(int(wrong[-1]) + 1 if wrong.size else 0)
    return {
        "costs": costs,
        "solved_at": np.array(solved_at),
        "A2": A2[:, 0, :],
        "parameters": p,
        "diverged": ~(costs[:, -1] <= costs[:, 0]),
    }


def run_row(lr, init, loss, *, iterations, seeds, seed=2):
    """What the annex states for one run: final cost, accuracy, iterations to 100 %, seeds solved."""
    one = train(lr, seeds=[seed], iterations=iterations, init=init, loss=loss)
    many = train(lr, seeds=range(seeds), iterations=iterations, init=init, loss=loss)
    X, Y = XOR
    accuracy = np.mean((one["A2"][0] >= 0.5) == (Y[0] == 1))
    k = int(one["solved_at"][0])
    return {
        "final_cost": float(one["costs"][0, -1]),
        "accuracy": f"{round(100 * accuracy)} %",
        "solved_at": k,
        "iterations": "no alcanza 100 %" if k < 0 else str(k),
        "n_solved": int((many["solved_at"] >= 0).sum()),
        "seed_solved_at": many["solved_at"],
    }


def stuck_on_half_ln2(lr, *, iterations, seeds, loss="bce", factor=10):
    """Seeds that do not solve in ``iterations`` nor in ``factor`` times as many, with two inputs of different
    labels at 0.5 and the other two right: the ln(2)/2 fit."""
    budget = train(lr, seeds=range(seeds), iterations=iterations, loss=loss)
    failing = [s for s in range(seeds) if budget["solved_at"][s] < 0 and not budget["diverged"][s]]
    if not failing:
        return [], []
    longer = train(lr, seeds=failing, iterations=factor * iterations, loss=loss)
    Y = XOR[1][0]
    late, stuck = [], []
    for i, s in enumerate(failing):
        a = longer["A2"][i]
        if longer["solved_at"][i] >= 0:
            late.append(s)
        half = np.abs(a - 0.5) < 0.05
        if half.sum() == 2 and Y[half].sum() == 1 and np.all(np.abs(a[~half] - Y[~half]) < 0.05):
            stuck.append(s)
    return late, stuck


def half_ln2():
    return math.log(2) / 2


def rises(costs):
    """(S,) updates after which the cost went up (beyond rounding)."""
    with np.errstate(invalid="ignore"):
        return (np.diff(costs, axis=1) > 1e-9 * np.abs(costs[:, :-1])).sum(axis=1)


def scan_window(grid_rates, *, iterations, seeds, loss="bce"):
    """The documented window: among rates where fewer than half the seeds oscillate (cost rising in more than
    1 % of the updates) and fewer than half diverge, the longest run of consecutive rates solving the most."""
    rates = sorted(set(LATTICE) | set(grid_rates))
    rows = []
    for lr in rates:
        r = train(lr, seeds=range(seeds), iterations=iterations, loss=loss)
        oscillating = int((rises(r["costs"]) > 0.01 * iterations).sum())
        stable = 2 * oscillating < seeds and 2 * int(r["diverged"].sum()) < seeds
        rows.append((lr, int((r["solved_at"] >= 0).sum()), stable))
    top = max(n for _, n, ok in rows if ok)
    best, current = [], []
    for lr, n, ok in rows:
        current = current + [lr] if ok and n == top else []
        if len(current) > len(best):
            best = list(current)
    return best[0], best[-1], top


def window_speed(lo, hi, grid_rates, *, iterations, seeds, loss="bce"):
    """Median iterations to solve at each scan rate from lo to hi, over the seeds every one of them solves:
    ``(medians, n_common, same)``; same: each of those rates solves exactly those seeds."""
    rates = [lr for lr in sorted(set(LATTICE) | set(grid_rates)) if lo <= lr <= hi]
    solved = [train(lr, seeds=range(seeds), iterations=iterations, loss=loss)["solved_at"] for lr in rates]
    common = np.logical_and.reduce([s >= 0 for s in solved])
    medians = [float(np.median(s[common])) for s in solved] if common.any() else []
    return medians, int(common.sum()), all(np.array_equal(s >= 0, common) for s in solved)


def paired_median_ratio(a, b):
    """Median over the seeds both solve of b / a (iterations to solve), or None."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x >= 0 and y >= 0 and x > 0]
    return float(np.median([y / x for x, y in pairs])) if pairs else None


def fmt_ratio(x):
    return "—" if x is None else (f"{x:.2f}" if x < 1.5 else f"{x:.1f}")
