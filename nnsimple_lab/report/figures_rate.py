"""The report's figures comparing the grid's rates (questions 2 and 3): cost curves of the main run, the
seeds' cost band, the share of seeds solved over the iterations. Each ``fig_*`` has its ``alt_*`` right below.

Every figure draws only the rates it is given (``q2_rate.shown_rates``: all of them when they are
few), as wide as the page's text at most (``figures.PAGE_WIDTH``).
"""

from __future__ import annotations

import numpy as np

from nnsimple_lab import plotting, vocab
from nnsimple_lab.report.es import fmt_rate, plain_cost
from nnsimple_lab.report.figures import (
    ITERATION_LABEL,
    MARGINS,
    PAGE_WIDTH,
    _failure_note,
    log_cost_axes,
    rate_color,
)
from nnsimple_lab.report.runs import FAILED, dataset, find, steps


def fig_cost_by_rate(runs, *, init, loss, rates):
    """Cost per iteration of the main run, one curve per rate of ``rates`` (log scale)."""
    fig, axes = plotting.figure(PAGE_WIDTH, 3.6, MARGINS)
    ax = axes[0][0]
    failed = []
    for lr in rates:
        run = find(runs, lr, init, loss)
        if run is None:
            continue
        color = rate_color(rates, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_rate(lr)}: {FAILED}")
            continue
        record = run.record
        ax.plot(
            steps(record),
            record.costs,
            color=color,
            lw=2,
            label=f"α = {fmt_rate(lr)}" + (" (divergió)" if record.diverged else ""),
        )
        k = record.iterations_to_solve
        if k is not None:
            index = int(np.searchsorted(steps(record), k))
            ax.plot([k], [record.costs[min(index, len(record.costs) - 1)]], "o", color=color, ms=6)
    _failure_note(ax, failed)
    log_cost_axes(ax, loss, f"Costo {vocab.loss(loss).short} por iteración según la tasa (semilla principal)")
    ax.plot([], [], "o", color="0.3", label="100 % de exactitud desde aquí")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def alt_cost_by_rate(runs, *, init, loss, rates):
    """The text alternative of ``fig_cost_by_rate``: each rate's cost at the start and the end, and when it solved."""
    parts = []
    for lr in rates:
        run = find(runs, lr, init, loss)
        if run is None:
            continue
        if not run.ok:
            parts.append(f"con tasa {fmt_rate(lr)}: {FAILED}")
            continue
        r = run.record
        when = (
            f", 100 % de exactitud desde la iteración {r.iterations_to_solve}"
            if r.iterations_to_solve is not None
            else ""
        )
        parts.append(f"con tasa {fmt_rate(lr)} pasa de {plain_cost(r.costs[0])} a {plain_cost(r.final_cost)}{when}")
    return f"Costo {vocab.loss(loss).short} por iteración de la semilla principal: " + "; ".join(parts) + "."


def fig_cost_band(runs, *, init, loss, rates):
    """Median cost over the seeds and the 10-90 % band, one colour per rate of ``rates``."""
    fig, axes = plotting.figure(PAGE_WIDTH, 3.6, MARGINS)
    ax = axes[0][0]
    failed, n_seeds = [], None
    for lr in rates:
        run = find(runs, lr, init, loss)
        if run is None:
            continue
        color = rate_color(rates, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_rate(lr)}: {FAILED}")
            continue
        q10, q50, q90 = run.record.seeds.cost_quantiles
        x = np.arange(len(q50)) if len(q50) != len(steps(run.record)) else steps(run.record)
        ax.fill_between(x, q10, q90, color=color, alpha=0.18, lw=0)
        ax.plot(x, q50, color=color, lw=2, label=f"α = {fmt_rate(lr)}: mediana")
        n_seeds = run.record.seeds.n_seeds
    _failure_note(ax, failed)
    ax.fill_between([], [], [], color="0.5", alpha=0.25, label="del percentil 10 al 90 de las semillas")
    seeds = f" sobre {n_seeds} semillas" if n_seeds else ""
    log_cost_axes(ax, loss, f"Costo {vocab.loss(loss).short}{seeds}: mediana y dispersión por tasa")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def alt_cost_band(runs, *, init, loss, rates):
    """The text alternative of ``fig_cost_band``: each rate's median final cost and its 10-90 % range."""
    parts = []
    for lr in rates:
        run = find(runs, lr, init, loss)
        if run is None or not run.ok:
            continue
        q10, q50, q90 = (q[-1] for q in run.record.seeds.cost_quantiles)
        parts.append(
            f"con tasa {fmt_rate(lr)}, mediana final {plain_cost(q50)} (de {plain_cost(q10)} a {plain_cost(q90)})"
        )
    return f"Costo {vocab.loss(loss).short} de todas las semillas: " + ("; ".join(parts) or FAILED) + "."


def solved_curve(record):
    """Share of seeds already solved for good at each iteration, (iterations + 1,)."""
    k = np.arange(record.iterations + 1)
    its = np.array([np.inf if i is None else i for i in record.seeds.iterations_to_solve], dtype=float)
    return (its[None, :] <= k[:, None]).mean(axis=1)


def fig_solved_over_iterations(runs, *, init, loss_keys, rates):
    """Share of seeds solved by each iteration, one colour per rate of ``rates``, one line style per loss."""
    fig, axes = plotting.figure(PAGE_WIDTH, 3.6, MARGINS)
    ax = axes[0][0]
    failed = []
    for loss in loss_keys:
        style = vocab.loss(loss).style
        for lr in rates:
            run = find(runs, lr, init, loss)
            if run is None:
                continue
            color = rate_color(rates, lr)
            name = f"α = {fmt_rate(lr)}" + (f", {vocab.loss(loss).short}" if len(loss_keys) > 1 else "")
            if not run.ok:
                failed.append(run)
                ax.plot([], [], color=color, ls=style, label=f"{name}: {FAILED}")
                continue
            ax.plot(100 * solved_curve(run.record), color=color, ls=style, lw=2, label=name)
    _failure_note(ax, failed)
    ax.set_ylim(-3, 103)
    ax.set_xlabel(ITERATION_LABEL, fontsize=9)
    ax.set_ylabel(f"Semillas que ya resolvieron {dataset(runs).name} (%)", fontsize=9)
    ax.set_title("Semillas con 100 % de exactitud (y hasta el final) en cada iteración", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", ncols=2 if len(loss_keys) * len(rates) > 4 else 1)
    ax.grid(alpha=0.3)
    return fig


def alt_solved_over_iterations(runs, *, init, loss_keys, rates):
    """The text alternative of ``fig_solved_over_iterations``: seeds solved at the end per curve."""
    parts = []
    for loss in loss_keys:
        for lr in rates:
            run = find(runs, lr, init, loss)
            if run is not None and run.ok:
                s = run.record.seeds
                parts.append(f"{vocab.loss(loss).short} con tasa {fmt_rate(lr)}: {s.n_solved} de {s.n_seeds} al final")
    task = dataset(runs).name
    return f"Porcentaje de semillas que ya resolvieron {task} en cada iteración. " + ("; ".join(parts) or FAILED) + "."
