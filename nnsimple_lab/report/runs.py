"""The grid's runs as the report sees them: ``Run`` (coordinates, status, the results view) and
the helpers that pick runs out of the grid."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

import nnsimple as nn
from nnsimple_lab import results, vocab
from nnsimple_lab.report.es import cap, join_es, plural

FAILED = "ejecución fallida"  # what a table cell or a figure panel says in place of a failed run
NOT_IN_GRID = "no está en la rejilla"  # ... and in place of a run the grid does not have


def last_line(error):
    """The last non-empty line of an error text (the exception and its message)."""
    lines = [line.strip() for line in str(error or "").splitlines() if line.strip()]
    if not lines:
        return "error desconocido"
    return re.sub(r"(?:[A-Za-z]:)?[/\\][^\s:]*[/\\]([^/\\\s:]+)", r"\1", lines[-1])  # paths -> file names


@dataclass(frozen=True)
class Run:
    """One run of the grid: its coordinates, its status and (when it ran) its results."""

    id: str
    learning_rate: float
    init: str
    loss: str
    status: str
    error: str | None = None
    notebook: str | None = None  # the executed notebook, relative to the runs folder
    record: results.Record | None = field(default=None, repr=False)

    @property
    def ok(self):
        return self.status == "ok" and self.record is not None

    @property
    def failure(self):
        """``"ejecución fallida: <last line of the error>"``."""
        return f"{FAILED}: {last_line(self.error)}"


def _summarize(entry):
    """A manifest entry from ``results.load_runs`` -> ``Run``."""
    status = entry.get("status", "failed")
    record = entry.get("record")
    error = entry.get("error")
    if status == "ok" and record is None:
        status, error = "failed", error or "sin archivo de resultados"
    return Run(
        id=str(entry.get("id")),
        learning_rate=float(entry["learning_rate"]),
        init=str(entry["init"]),
        loss=str(entry["loss"]),
        status=status,
        error=error,
        notebook=entry.get("notebook"),
        record=record,
    )


def load(folder):
    """Every run of the runs folder's manifest -> ``Run``, in grid order."""
    return [_summarize(e) for e in results.load_runs(folder)]


def select(runs, *, learning_rate=None, init=None, loss=None, ok=None):
    """The runs matching every given coordinate (and status, if ``ok`` is given)."""
    out = []
    for run in runs:
        if learning_rate is not None and not math.isclose(run.learning_rate, learning_rate):
            continue
        if init is not None and run.init != init:
            continue
        if loss is not None and run.loss != loss:
            continue
        if ok is not None and run.ok != ok:
            continue
        out.append(run)
    return out


def find(runs, learning_rate, init, loss):
    """The run at these coordinates, or None when the grid does not have it."""
    found = select(runs, learning_rate=learning_rate, init=init, loss=loss)
    return found[0] if found else None


def most_solving(candidates):
    """The run of ``candidates`` that solves the most seeds; on a tie the one whose main run did not
    diverge, then the one whose main run reaches 100 % first, then the larger rate. None if there is none."""

    def score(run):
        k = run.record.iterations_to_solve
        return (-run.record.seeds.n_solved, bool(run.record.diverged), math.inf if k is None else k, -run.learning_rate)

    return min(candidates, key=score) if candidates else None


def unique(values):
    """The distinct values, in order of first appearance."""
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def learning_rates(runs):
    """The grid's learning rates, ascending."""
    return sorted(unique(r.learning_rate for r in runs))


def inits(runs):
    """The grid's initialisations, in grid order."""
    return unique(r.init for r in runs)


def losses(runs):
    """The grid's losses, in grid order."""
    return unique(r.loss for r in runs)


def primary_loss(runs):
    """The loss the lab's questions 1 and 2 use: the reference (the course's BCE) when the grid has it."""
    present = losses(runs)
    return vocab.REFERENCE_LOSS if vocab.REFERENCE_LOSS in present or not present else present[0]


def common(runs, getter):
    """The single value of ``getter(run.record)`` over the runs that ran, or None if they differ."""
    values = unique(getter(r.record) for r in runs if r.ok)
    return values[0] if len(values) == 1 else None


def dataset(runs):
    """The ``vocab.Dataset`` the runs were trained on (from their records' arrays; one per grid)."""
    done = [r for r in runs if r.ok]
    return vocab.dataset_of(done[0].record.X, done[0].record.Y) if done else vocab.UNKNOWN_DATASET


def dataset_arrays(runs, grid):
    """``(X, Y)`` from the first run that ran, else the grid's data set from nnsimple."""
    done = [r for r in runs if r.ok]
    if done:
        return done[0].record.X, done[0].record.Y
    return nn.load_dataset(grid.get("dataset", "xor"))


def failures_sentence(runs):
    """Which runs failed, with their error; empty when none did."""
    failed = [r for r in runs if not r.ok]
    if not failed:
        return ""
    return (
        cap(f"{plural(len(failed), 'ejecución fallida', 'ejecuciones fallidas')} en el barrido: ")
        + join_es(f"`{r.id}` ({last_line(r.error)})" for r in failed)
        + ". El informe sigue con las que sí terminaron; en cada tabla y figura su lugar dice «ejecución fallida»."
    )


def representative(rates, *, keep=(), limit=4):
    """At most ``limit`` of ``rates`` (ascending) for figures: the smallest, the largest, ``keep``, then the
    rate closest (in log scale) to the middle of the widest gap left. All of them when they are few."""
    rates = sorted(unique(rates))
    if len(rates) <= limit:
        return rates
    chosen = unique([rates[0], rates[-1], *(r for r in keep if r in rates)])[:limit]
    while len(chosen) < limit:
        ordered = sorted(chosen)
        gaps = [(math.log(b) - math.log(a), a, b) for a, b in zip(ordered, ordered[1:], strict=False)]
        _, a, b = max(gaps)
        middle = math.sqrt(a * b)
        candidates = [r for r in rates if a < r < b]
        if not candidates:
            break
        chosen.append(min(candidates, key=lambda r: abs(math.log(r) - math.log(middle))))
    return sorted(chosen)


def steps(record):
    """The iteration index of each stored state of a record's curves (``record.steps`` when the record
    stores a bounded history; else 0, 1, ..., as many as its costs)."""
    stored = getattr(record, "steps", None)
    if stored is not None:
        return np.asarray(stored)
    return np.arange(len(record.costs))
