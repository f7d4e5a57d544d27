"""Pipe-markdown tables of the report (for ``outputs.show_table``) and the rows the questions share."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnsimple_lab import vocab
from nnsimple_lab.report.es import finite, fmt_cost, fmt_int, fmt_lr, fmt_median, fmt_pct, fmt_value, join_es, plural
from nnsimple_lab.report.runs import NOT_IN_GRID, common, inits, learning_rates, losses, unique

NOT_SOLVED = "no alcanza 100 %"  # a table cell of iterations to 100 % when accuracy never stays there


def _cell(text):
    """Text safe inside a pipe-markdown table cell."""
    return str(text).replace("\n", " ").replace("|", "\\|")


def markdown_table(header, rows):
    """A pipe-markdown table from a header list and rows of cells."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_row(run, link_base=None):
    """``[id, α, cost, accuracy, iterations to solve, seeds n/N, median]`` cells of a run.

    "no alcanza 100 %" where the main run never reaches 100 % accuracy for good (the table's title
    says within how many iterations): it may have converged somewhere else, or still be descending.
    """
    name = run.id
    if link_base is not None and run.notebook:
        name = f"[{run.id}]({link_base}/{Path(run.notebook).with_suffix('.html').name})"
    if not run.ok:
        return [name, fmt_lr(run.learning_rate), run.failure, "—", "—", "—", "—"]
    record = run.record
    if record.diverged:
        cost = "divergió" if not finite(record.final_cost) else f"{fmt_cost(record.final_cost)} (divergió)"
    else:
        cost = fmt_cost(record.final_cost)
    iters = fmt_int(record.iterations_to_solve) if record.iterations_to_solve is not None else NOT_SOLVED
    median = record.seeds.median_iterations_to_solve
    return [
        name,
        fmt_lr(run.learning_rate),
        cost,
        fmt_pct(record.final_accuracy),
        iters,
        f"{record.seeds.n_solved}/{record.seeds.n_seeds}",
        fmt_median(median),
    ]


SUMMARY_HEADER = [
    "Exactitud final",
    "Iteraciones hasta 100 %",
    "Semillas resueltas",
    "Mediana de iteraciones hasta 100 %",
]


def outputs_table(columns, X, Y):
    """Final outputs A2 (and the class) per example, one column per ``(title, Run or None)``.

    X: (2, m), Y: (1, m), as ``runs.dataset_arrays`` returns them.
    """
    X, Y = np.asarray(X), np.asarray(Y).ravel()
    header = ["$x_1$", "$x_2$", "$y$"] + [title for title, _ in columns]
    rows = []
    for i in range(Y.size):
        row = [fmt_int(X[0, i]), fmt_int(X[1, i]), fmt_int(Y[i])]
        for _, run in columns:
            if run is None:
                row.append(NOT_IN_GRID)
            elif not run.ok:
                row.append(run.failure if i == 0 else "—")
            else:
                a = run.record.A2[0, i]
                row.append(f"{fmt_value(a)} → {int(a >= 0.5)}" if finite(a) else "no finito")
        rows.append(row)
    return markdown_table(header, rows)


def data_table(X, Y):
    """The data set as a table: inputs X (2, m) and label Y (1, m)."""
    X, Y = np.asarray(X), np.asarray(Y).ravel()
    rows = [[fmt_int(X[0, i]), fmt_int(X[1, i]), fmt_int(Y[i])] for i in range(Y.size)]
    return markdown_table(["$x_1$", "$x_2$", "$y$"], rows)


def _grid_rows(runs, grid):
    """The setup table's rows about the grid: data set, network, rates, inits, losses."""
    rates = grid.get("learning_rates") or learning_rates(runs)
    return [
        ["Conjunto de datos", str(grid.get("dataset", common(runs, lambda r: r.dataset))).upper()],
        ["Neuronas ocultas $n_h$", str(grid.get("n_h", "—"))],
        ["Tasas de aprendizaje $\\alpha$", join_es(fmt_lr(x) for x in rates)],
        ["Inicializaciones", join_es(vocab.init(x).short for x in grid.get("inits", inits(runs)))],
        ["Funciones de costo", join_es(vocab.loss(x).short for x in grid.get("losses", losses(runs)))],
    ]


def setup_table(runs, grid):
    """The experimental setup: grid, seeds, iterations and software versions from the records."""
    done = [r.record for r in runs if r.ok]
    versions = {k: unique(r.versions[k] for r in done) for k in ("python", "numpy", "nnsimple")}
    iters = unique(r.iterations for r in done) or [grid.get("iterations")]
    seeds = unique(r.seeds.n_seeds for r in done) or [grid.get("seeds")]
    main_seed = unique(r.seed for r in done) or [grid.get("seed")]
    failed = f", {plural(len(runs) - len(done), 'fallida')})" if len(runs) > len(done) else ")"
    rows = _grid_rows(runs, grid) + [
        ["Iteraciones por ejecución", join_es(fmt_int(x) for x in iters if x is not None)],
        ["Semilla de la ejecución principal", join_es(str(x) for x in main_seed if x is not None)],
        ["Semillas por configuración", join_es(f"{x} (0 a {x - 1})" for x in seeds if x)],
        ["Ejecuciones", f"{len(runs)} ({plural(len(done), 'terminada')}" + failed],
        ["Python", join_es(versions["python"]) or "—"],
        ["NumPy", join_es(versions["numpy"]) or "—"],
        ["`nnsimple.py` (SHA-256)", join_es(f"`{v[:12]}`" for v in versions["nnsimple"]) or "—"],
    ]
    return markdown_table(["Elemento", "Valor"], rows)


def runs_table(runs, link_base="runs"):
    """Every run of the grid: id (linked to its executed notebook), lr, init, loss, results."""
    rows = []
    for run in runs:
        cells = summary_row(run, link_base=link_base)
        rows.append([cells[0], cells[1], vocab.init(run.init).short, vocab.loss(run.loss).short, *cells[2:6]])
    header = [
        "Ejecución",
        "$\\alpha$",
        "Inicialización",
        "Costo",
        "Costo final",
        "Exactitud",
        "Iteraciones hasta 100 %",
        "Semillas resueltas",
    ]
    return markdown_table(header, rows)
