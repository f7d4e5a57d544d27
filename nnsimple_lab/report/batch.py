"""Many ``nnsimple.train_seeds`` calls as one: every (rate, seeds) job stacked along one axis.

The report trains the same network for dozens of learning rates (the scan) and of seed sets
(the failing seeds' extension). Each ``train_seeds`` call pays Python's loop once per update,
whatever the number of networks; stacked together, the loop is paid once for all of them.
The numbers are those of separate calls, bit for bit: every network follows its own
elementwise math and its own small matrix products (numpy multiplies each stacked slice on
its own), and the learning rate broadcasts per network (``test_report_batch`` checks it).

The stack is cut into chunks of at most ``CHUNK_BYTES`` of kept costs and accuracies, so that a
large scan (many seeds, many iterations) never holds more than that at once.
"""

from __future__ import annotations

import numpy as np

import nnsimple as nn

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
    starts = {
        int(s): nn.initialize_parameters(X.shape[0], n_h, 1, init=init, seed=int(s)) for _, ss in jobs for s in ss
    }
    order = [int(s) for _, ss in jobs for s in ss]
    stacked = {k: np.stack([starts[s][k] for s in order]) for k in nn.PARAMETER_NAMES}
    rates = np.concatenate([np.full(len(ss), rate) for rate, ss in jobs]).reshape(-1, 1, 1)
    states = nn._States(Y, loss, None, keep_history=False)
    final = nn._descend(X, Y, stacked, learning_rate=rates, iterations=iterations, states=states)
    kept, costs, accuracy, _, solve, nonfinite_at = states.result()  # costs: (K, N)
    out, at = [], 0
    for rate, ss in jobs:
        part = slice(at, at + len(ss))
        at += len(ss)
        config = {"n_h": n_h, "learning_rate": rate, "iterations": iterations, "init": init, "loss": loss}
        out.append(
            nn.SeedsResult(
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
    """``[nn.train_seeds(X, Y, seeds=seeds, learning_rate=rate, ...) for rate, seeds in jobs]``, trained at once.

    X: (n_x, m), Y: (1, m); ``jobs``: (learning rate, seeds) pairs, the same configuration
    otherwise. Returns one ``nnsimple.SeedsResult`` per job, in order, with every state kept;
    the inputs are checked as ``train_seeds`` checks them (Spanish ``ValueError``).
    """
    jobs = list(jobs)
    if not jobs:
        return []
    checked = []
    for rate, seeds in jobs:
        X, Y, n_h, rate, iterations, init, loss = nn._check_config(X, Y, n_h, rate, iterations, init, loss)
        seeds = np.array([nn._check_int(s, 0, "Semilla") for s in seeds], dtype=int)
        if seeds.size == 0:
            raise ValueError("Se necesita al menos una semilla.")
        checked.append((rate, seeds))
    per_network = 2 * 8 * (iterations + 1)  # a cost and an accuracy per state
    out = []
    for chunk in _chunks(checked, per_network):
        out += _train_chunk(X, Y, chunk, n_h=n_h, iterations=iterations, init=init, loss=loss)
    return out
