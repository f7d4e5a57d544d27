"""The offline explorer of the HTML report: what its script draws, one entry per run of the grid.

The reader picks a learning rate, an initialisation and a loss among those of the grid; the
page's own script (``templates/informe_html/static/explorador.js``) draws that run's cost curve
and decision boundary as SVG from this data and shows its key numbers, with no request to
anything: the data travels inside the page. It is kept small: the cost curve at most ``POINTS``
points (every state when there are fewer), the boundary as ``GRID`` x ``GRID`` outputs.
"""

from __future__ import annotations

import numpy as np

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report import es
from nnsimple_lab.report.runs import NOT_IN_GRID, inits, learning_rates, losses

POINTS = 240  # cost-curve points sent per run: a curve as wide as the page has about that many pixels
GRID = 25  # outputs per axis of the decision-boundary picture
PLANE = (-0.5, 1.5)  # the plane shown, on both axes: the unit square and a margin


def key(learning_rate, init, loss):
    """The key of a run in the payload, as the page's script builds it from the three menus."""
    return f"{es.fmt_lr(learning_rate)}|{init}|{loss}"


def payload(runs, *, link_base="runs"):
    """The explorer's data: the menus' choices, one entry per run, the data set's points.

    ``runs``: ``report.runs.Run`` objects in grid order; ``link_base``: the folder of the run
    pages, relative to the report. Every string is Spanish and ready to show.
    """
    X, Y = _examples(runs)
    return {
        "rates": [es.fmt_lr(lr) for lr in learning_rates(runs)],
        "inits": [[k, vocab.init(k).short] for k in inits(runs)],
        "losses": [[k, vocab.loss(k).short] for k in losses(runs)],
        "runs": {key(r.learning_rate, r.init, r.loss): entry(r, link_base=link_base) for r in runs},
        "examples": {"x1": X[0].tolist(), "x2": X[1].tolist(), "y": Y[0].astype(int).tolist()},
        "plane": list(PLANE),
        "missing": NOT_IN_GRID,
    }


def _examples(runs):
    done = next((r.record for r in runs if r.ok), None)
    return (done.X, done.Y) if done is not None else nn.load_dataset("xor")


def entry(run, *, link_base="runs"):
    """One run for the explorer: its page, and (when it ran) its curve, boundary and numbers."""
    page = f"{link_base}/{run.id}.html" if run.notebook and run.ok else None
    if not run.ok:
        return {"id": run.id, "page": page, "error": run.failure}
    r = run.record
    steps = _steps(len(r.costs))
    return {
        "id": run.id,
        "page": page,
        "cost": [[int(k), _number(r.costs[k])] for k in steps],
        "costLabel": vocab.loss(r.loss).cost_label,
        "boundary": boundary(r.final_parameters),
        "numbers": numbers(r),
        "summary": summary(r),
    }


def _steps(states):
    """At most ``POINTS`` state indices from 0 to ``states - 1``, both ends included."""
    return np.unique(np.linspace(0, states - 1, min(states, POINTS)).round().astype(int))


def _number(x, digits=6):
    """A float for JSON: rounded to ``digits`` significant digits, None when not finite."""
    return float(f"{x:.{digits}g}") if np.isfinite(x) else None


def boundary(parameters):
    """The network's output A2 on a ``GRID`` x ``GRID`` lattice of the plane, row by row (x2 up)."""
    ticks = np.linspace(*PLANE, GRID)
    x1, x2 = np.meshgrid(ticks, ticks)
    with np.errstate(all="ignore"):
        A2, _ = nn.forward_prop(np.vstack([x1.ravel(), x2.ravel()]), parameters)
    return [_number(a, 3) for a in A2.ravel()]


def numbers(record):
    """The key numbers of a run as ``[label, value]`` pairs, in Spanish."""
    solved = record.iterations_to_solve
    return [
        ["Costo inicial", es.fmt_cost_text(record.costs[0])],
        ["Costo final", es.fmt_cost_text(record.final_cost) + (" (divergió)" if record.diverged else "")],
        ["Exactitud final", es.fmt_pct(record.final_accuracy)],
        ["Iteraciones hasta 100 %", "no alcanza 100 %" if solved is None else es.fmt_int(solved)],
        ["Semillas que alcanzan 100 %", f"{record.seeds.n_solved} de {record.seeds.n_seeds}"],
    ]


def summary(record):
    """What the pictures show, as one sentence: the text alternative of the explorer's SVG."""
    solved = record.iterations_to_solve
    reached = (
        f"clasifica bien los {record.Y.size} ejemplos desde la iteración {solved}"
        if solved is not None
        else f"no alcanza 100 % de exactitud en {record.iterations} iteraciones"
    )
    return (
        f"Con α = {es.fmt_lr(record.learning_rate)}, {vocab.init(record.init).long} y {vocab.loss(record.loss).short}, "
        f"el costo pasa de {es.fmt_cost_text(record.costs[0])} a {es.fmt_cost_text(record.final_cost)} "
        f"en {record.iterations} iteraciones y la red {reached}."
    )
