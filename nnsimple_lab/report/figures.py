"""The report's figures: each function returns a matplotlib ``Figure`` laid out by ``plotting.figure``.

Spanish titles, axis labels with units, legends; every init and loss is named, coloured and
styled by ``vocab``; a failed run shows "ejecución fallida" (and why) in its place.
"""

from __future__ import annotations

import textwrap

import numpy as np

import nnsimple as nn
from nnsimple_lab import plotting, vocab
from nnsimple_lab.figures import run_label
from nnsimple_lab.report.es import fmt_lr, param_tex
from nnsimple_lab.report.q1_init import RANDOM, ZEROS
from nnsimple_lab.report.runs import FAILED, NOT_IN_GRID, common, find, inits, last_line, learning_rates, losses, select

RATE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
PARAM_COLORS = {"W1": ("#08519c", "#3182bd", "#6baed6", "#9ecae1"), "W2": ("#a50f15", "#fb6a4a")}
BIAS_COLORS = {"b1": ("#006d2c", "#74c476"), "b2": ("#54278f",)}
ALERT_COLOR = "#b22222"  # failed runs, and the wrong-output zone of the dZ2 figure
MARGINS = plotting.Margins(left=0.65, right=0.1, bottom=0.48, top=0.28)
ITERATION_LABEL = "Iteración (n.º de actualizaciones del descenso de gradiente)"


def _rate_color(runs, lr):
    rates = learning_rates(runs)
    index = rates.index(lr) if lr in rates else 0
    return RATE_COLORS[index % len(RATE_COLORS)]


def _failure_panel(ax, run, title):
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        "\n".join([FAILED] + textwrap.wrap(last_line(run.error), 38)) if run is not None else NOT_IN_GRID,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=9,
        color=ALERT_COLOR,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _failure_note(ax, failed):
    if not failed:
        return
    lines = [
        f"{FAILED} ({run_label(r.learning_rate, r.init, r.loss)}): {textwrap.shorten(last_line(r.error), 60)}"
        for r in failed
    ]
    ax.text(
        0.02, 0.02, "\n".join(lines), transform=ax.transAxes, fontsize=7.5, color=ALERT_COLOR, va="bottom", ha="left"
    )


def _cost_panel(ax, runs, learning_rate, loss):
    """One loss's panel of ``fig_cost_by_init``: a curve per initialisation at this rate."""
    failed = []
    for init in inits(runs):
        run = find(runs, learning_rate, init, loss)
        if run is None:
            continue
        entry = vocab.init(init)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=entry.color, label=f"{entry.short}: {FAILED}")
            continue
        ax.plot(run.record.steps, run.record.costs, color=entry.color, lw=2, ls=entry.style, label=entry.short)
    _failure_note(ax, failed)
    ax.set_title(f"{vocab.loss(loss).short}, α = {fmt_lr(learning_rate)}")
    ax.set_ylabel(vocab.loss(loss).cost_label)
    ax.set_ylim(bottom=0)
    ax.legend(title="Inicialización", fontsize=8, title_fontsize=8)
    ax.grid(alpha=0.3)


def fig_cost_by_init(runs, learning_rate):
    """Question 1: cost per iteration, one curve per initialisation, one panel per loss, at one rate."""
    present = losses(runs)
    n = max(len(present), 1)
    # a title over each panel and one over all, each panel its own y label; the x label below all
    margins = plotting.Margins(left=0.56, right=MARGINS.right, bottom=0.5, top=0.58)
    fig, axes = plotting.figure(4.1 * n, 3.5, margins, ncols=n, column_gap=0.72)
    for ax, loss in zip(axes[0], present, strict=False):
        _cost_panel(ax, runs, learning_rate, loss)
    fig.supxlabel(ITERATION_LABEL, fontsize=10)
    fig.suptitle(f"El costo con {vocab.init(ZEROS).long} no se mueve; con {vocab.init(RANDOM).long} baja")
    return fig


def _param_lines(ax, history, names, colors, steps=None):
    for name in names:
        h = history[name]
        x = np.arange(len(h)) if steps is None else steps  # the kept states (results.stored_steps)
        for j, index in enumerate(np.ndindex(h.shape[1:])):
            series = h[(slice(None), *index)]
            label = f"${param_tex(name)}[{','.join(map(str, index))}]$"
            ax.plot(x, series, color=colors[name][j % len(colors[name])], lw=1.5, label=label)


def _parameter_panels(top, bottom, history, steps=None):
    """A run's weights on ``top`` and biases on ``bottom`` at the iterations ``steps``; a note
    where they are all 0."""
    _param_lines(top, history, ("W1", "W2"), PARAM_COLORS, steps)
    _param_lines(bottom, history, ("b1", "b2"), BIAS_COLORS, steps)
    for ax, names in ((top, ("W1", "W2")), (bottom, ("b1", "b2"))):
        ax.grid(alpha=0.3)
        ax.axhline(0, color="k", lw=0.6)
        if all(np.all(history[k] == 0) for k in names):
            ax.text(
                0.5,
                0.88,
                "todos valen 0 en todas las iteraciones",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=8.5,
                color="0.25",
            )


def _row_legend(axes_row):
    """One legend right of the row, from its last axes (or the first that drew anything)."""
    handles, labels = axes_row[-1].get_legend_handles_labels()
    if not handles:
        for ax in axes_row:
            handles, labels = ax.get_legend_handles_labels()
            if handles:
                break
    if handles:
        axes_row[-1].legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)


def fig_parameters(columns, suptitle):
    """Weights (top row) and biases (bottom row) over the iterations, one column per run.

    ``columns``: list of ``(title, Run or None)``; a failed or missing run shows why.
    """
    n = max(len(columns), 1)
    # y labels on the left column only, the legends right of the last one; the x label below all
    margins = plotting.Margins(left=0.55, right=1.0, bottom=0.5, top=0.58)
    fig, axes = plotting.figure(
        3.3 * n + 1.4, 5.6, margins, ncols=n, nrows=2, column_gap=0.17, row_gap=0.16, sharey="row", sharex="col"
    )
    for col, (title, run) in enumerate(columns):
        top, bottom = axes[0][col], axes[1][col]
        if run is None or not run.ok:
            _failure_panel(top, run, title)
            _failure_panel(bottom, run, "")
            continue
        _parameter_panels(top, bottom, run.record.history, run.record.steps)
        top.set_title(title)
    axes[0][0].set_ylabel("Valor del peso")
    axes[1][0].set_ylabel("Valor del sesgo")
    fig.supxlabel(ITERATION_LABEL, fontsize=10)
    for row in (0, 1):
        _row_legend(axes[row])
    fig.suptitle(suptitle)
    return fig


def _log_cost_axes(ax, loss, title):
    """The y axis of a cost over the iterations, log scale once anything is drawn."""
    if any(len(line.get_xdata()) for line in ax.lines):
        ax.set_yscale("log")
    ax.set_xlabel(ITERATION_LABEL)
    ax.set_ylabel(vocab.loss(loss).cost_label + ", escala log")
    ax.set_title(title)


def fig_cost_by_rate(runs, *, init, loss):
    """Question 2: cost per iteration of the main run, one curve per rate (log scale)."""
    fig, axes = plotting.figure(7.5, 4.0, MARGINS)
    ax = axes[0][0]
    failed = []
    for lr in learning_rates(select(runs, init=init, loss=loss)):
        run = find(runs, lr, init, loss)
        color = _rate_color(runs, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_lr(lr)}: {FAILED}")
            continue
        record = run.record
        label = f"α = {fmt_lr(lr)}" + (" (divergió)" if record.diverged else "")
        ax.plot(record.steps, record.costs, color=color, lw=2, label=label)
        if record.iterations_to_solve is not None:
            k = record.iterations_to_solve  # always a kept state (nnsimple.train keeps it)
            ax.plot([k], [record.costs[record.index_of(k)]], "o", color=color, ms=6)
    _failure_note(ax, failed)
    title = f"Costo por iteración según la tasa de aprendizaje ({vocab.loss(loss).short}, semilla principal)"
    _log_cost_axes(ax, loss, title)
    ax.plot([], [], "o", color="0.3", label="100 % de exactitud desde aquí")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def fig_cost_band(runs, *, init, loss):
    """Question 2: median cost over the seeds and the 10-90 % band, one colour per rate."""
    fig, axes = plotting.figure(7.5, 4.0, MARGINS)
    ax = axes[0][0]
    failed = []
    n_seeds = None
    for lr in learning_rates(select(runs, init=init, loss=loss)):
        run = find(runs, lr, init, loss)
        color = _rate_color(runs, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_lr(lr)}: {FAILED}")
            continue
        q10, q50, q90 = run.record.seeds.cost_quantiles
        x = run.record.steps
        ax.fill_between(x, q10, q90, color=color, alpha=0.18, lw=0)
        ax.plot(x, q50, color=color, lw=2, label=f"α = {fmt_lr(lr)}: mediana")
        n_seeds = run.record.seeds.n_seeds
    _failure_note(ax, failed)
    ax.fill_between([], [], [], color="0.5", alpha=0.25, label="banda del 10 % al 90 % de las semillas")
    seeds = f" sobre {n_seeds} semillas" if n_seeds else ""
    _log_cost_axes(ax, loss, f"Costo {vocab.loss(loss).short}{seeds}: mediana y dispersión por tasa")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def solved_curve(record):
    """Share of seeds already solved for good at each kept state (``record.steps``), (K,)."""
    k = record.steps
    its = np.array([np.inf if i is None else i for i in record.seeds.iterations_to_solve], dtype=float)
    return (its[None, :] <= k[:, None]).mean(axis=1)


def fig_solved_over_iterations(runs, *, init, loss_keys):
    """Share of seeds solved by each iteration, one colour per rate, one line style per loss."""
    fig, axes = plotting.figure(7.5, 4.0, MARGINS)
    ax = axes[0][0]
    failed = []
    for loss in loss_keys:
        style = vocab.loss(loss).style
        for lr in learning_rates(select(runs, init=init, loss=loss)):
            run = find(runs, lr, init, loss)
            color = _rate_color(runs, lr)
            name = f"α = {fmt_lr(lr)}" + (f", {vocab.loss(loss).short}" if len(loss_keys) > 1 else "")
            if not run.ok:
                failed.append(run)
                ax.plot([], [], color=color, ls=style, label=f"{name}: {FAILED}")
                continue
            ax.plot(run.record.steps, 100 * solved_curve(run.record), color=color, ls=style, lw=2, label=name)
    _failure_note(ax, failed)
    ax.set_ylim(-3, 103)
    ax.set_xlabel(ITERATION_LABEL)
    ax.set_ylabel("Semillas que ya resolvieron XOR (%)")
    ax.set_title("Proporción de semillas con 100 % de exactitud en cada iteración")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def _seed_bar(ax, x, width, run, color, label):
    """One configuration's bar: the share of seeds solved, n/N on top, or why it failed."""
    if not run.ok:
        ax.bar(x, 0, width, color=color, label=label)
        ax.text(x, 3, FAILED, rotation=90, ha="center", va="bottom", fontsize=7.5, color=ALERT_COLOR)
        return
    seeds = run.record.seeds
    share = 100 * seeds.n_solved / seeds.n_seeds
    ax.bar(x, share, width, color=color, label=label)
    ax.text(x, share + 1.5, f"{seeds.n_solved}/{seeds.n_seeds}", ha="center", va="bottom", fontsize=8)


def fig_seeds_solved(runs, *, init):
    """Share of seeds solved per configuration: bars per rate, one bar per loss, n/N on top."""
    rates = learning_rates(select(runs, init=init))
    present = losses(select(runs, init=init))
    fig, axes = plotting.figure(7.0, 3.8, MARGINS)
    ax = axes[0][0]
    width = 0.8 / max(len(present), 1)
    for j, loss in enumerate(present):
        for i, lr in enumerate(rates):
            run = find(runs, lr, init, loss)
            if run is not None:
                x = i + (j - (len(present) - 1) / 2) * width
                _seed_bar(ax, x, width, run, vocab.loss(loss).color, vocab.loss(loss).short if i == 0 else None)
    ax.set_xticks(range(len(rates)), [f"α = {fmt_lr(lr)}" for lr in rates])
    ax.set_xlabel("Tasa de aprendizaje")
    ax.set_ylabel("Semillas que resuelven XOR (%)")
    ax.set_ylim(0, 112)
    iters = common(select(runs, init=init), lambda r: r.iterations)
    within = f" en {iters} iteraciones" if iters is not None else ""
    ax.set_title(f"Semillas que resuelven XOR{within}, por función de costo")
    ax.legend(title="Función de costo", fontsize=8, title_fontsize=8, loc="upper left")
    ax.grid(alpha=0.3, axis="y")
    return fig


def fig_dz2_vs_output(loss_keys, *, about):
    """Question 3: |dZ2| per example against the output A2 for a label y = 1, one curve per loss.

    Computed with each loss's own ``nnsimple`` dZ2 function (times m, so per example); the
    title says what the curve of ``about`` shows.
    """
    a = np.linspace(0.0, 1.0, 401)[None, :]
    y = np.ones_like(a)
    m = a.shape[-1]
    fig, axes = plotting.figure(7.0, 3.8, MARGINS)
    ax = axes[0][0]
    for loss in loss_keys:
        entry = vocab.loss(loss)
        dz2 = np.abs(nn.LOSSES[loss].dZ2(a, y) * m).ravel()
        label = f"{entry.short}: $|{entry.dz2_example_tex}|$"
        ax.plot(a.ravel(), dz2, lw=2, ls=entry.style, color=entry.color, label=label)
    ax.axvspan(0, 0.1, color=ALERT_COLOR, alpha=0.08, lw=0)
    ax.text(0.012, 0.55, "salida muy\nequivocada", fontsize=8, color=ALERT_COLOR)
    ax.set_xlabel("Salida de la red $a = A_2$ para un ejemplo con etiqueta $y = 1$")
    ax.set_ylabel("$|\\partial \\ell / \\partial z_2|$ por ejemplo")
    ax.set_title(f"Con {vocab.loss(about).short} el gradiente se apaga cuando la salida está muy equivocada")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    return fig
