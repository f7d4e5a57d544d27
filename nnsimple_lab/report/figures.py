"""The report's figures of the grid's runs: each function returns a matplotlib ``Figure``; its ``alt_*``
twin, right below it, the figure's text alternative built from the same data.

Spanish titles, axis labels with units, legends; every init and loss is named, coloured and
styled by ``vocab``; a failed run shows "ejecución fallida" (and why) in its place. Every figure
fits the page's text width (``PAGE_WIDTH``), so it is printed at its own size and no text is
smaller than ``MIN_FONT`` points. Curves are drawn against the record's stored iterations
(``runs.steps``). The scan's figures are ``figures_scan``.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

from nnsimple_lab import plotting, vocab
from nnsimple_lab.figures import run_label
from nnsimple_lab.report.es import alpha, fmt_rate, param_tex, plain_cost, rates_phrase
from nnsimple_lab.report.runs import FAILED, NOT_IN_GRID, find, inits, last_line, losses, steps

PAGE_WIDTH = 6.3  # inches: the PDF's text width (A4 with 2.5 cm margins)
MIN_FONT = 7.5  # points: the smallest text any report figure draws
RATE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
PARAM_COLORS = {"W1": ("#08519c", "#3182bd", "#6baed6", "#9ecae1"), "W2": ("#a50f15", "#fb6a4a")}
BIAS_COLORS = {"b1": ("#006d2c", "#74c476"), "b2": ("#54278f",)}
ALERT_COLOR = "#b22222"  # failed runs, and the wrong-output zone of the dZ2 figure
MARGINS = plotting.Margins(left=0.7, right=0.15, bottom=0.55, top=0.35)
ITERATION_LABEL = "Iteración (actualizaciones del descenso de gradiente)"
ORDER = ("zeros", "random")  # question 1's initialisations come first, then the grid's others


def _ordered_inits(runs):
    present = inits(runs)
    return [x for x in ORDER if x in present] + [x for x in present if x not in ORDER]


def rate_color(rates, lr):
    """The colour of a rate among ``rates`` (the rates a figure draws)."""
    index = list(rates).index(lr) if lr in rates else 0
    return RATE_COLORS[index % len(RATE_COLORS)]


def _failure_panel(ax, run, title):
    ax.set_title(title, fontsize=9)
    text = "\n".join([FAILED] + textwrap.wrap(last_line(run.error), 30)) if run is not None else NOT_IN_GRID
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=8, color=ALERT_COLOR)
    ax.set_xticks([])
    ax.set_yticks([])


def _failure_note(ax, failed):
    if not failed:
        return
    lines = [
        f"{FAILED} ({run_label(r.learning_rate, r.init, r.loss)}): {textwrap.shorten(last_line(r.error), 50)}"
        for r in failed
    ]
    ax.text(0.02, 0.02, "\n".join(lines), transform=ax.transAxes, fontsize=7.5, color=ALERT_COLOR, va="bottom")


# ---------------------------------------------------------------- question 1: cost per initialisation


def _cost_panel(ax, runs, learning_rate, loss):
    """One loss's panel of ``fig_cost_by_init``: a curve per initialisation at this rate."""
    failed = []
    for init in _ordered_inits(runs):
        run = find(runs, learning_rate, init, loss)
        if run is None:
            continue
        entry = vocab.init(init)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=entry.color, label=f"{entry.short}: {FAILED}")
            continue
        ax.plot(steps(run.record), run.record.costs, color=entry.color, lw=2, ls=entry.style, label=entry.short)
    _failure_note(ax, failed)
    ax.set_title(f"{vocab.loss(loss).short}, α = {fmt_rate(learning_rate)}", fontsize=10)
    ax.set_ylabel(vocab.loss(loss).cost_label, fontsize=9)
    ax.set_ylim(bottom=0)
    ax.legend(title="Inicialización", fontsize=8, title_fontsize=8)
    ax.grid(alpha=0.3)


def _zeros_still(runs, learning_rate):
    """Every zero run at this rate kept its cost, and every random one moved: the title may say so."""
    zeros = [find(runs, learning_rate, "zeros", x) for x in losses(runs)]
    randoms = [find(runs, learning_rate, "random", x) for x in losses(runs)]
    ok = [r for r in zeros if r is not None and r.ok], [r for r in randoms if r is not None and r.ok]
    still = ok[0] and all(np.all(r.record.costs == r.record.costs[0]) for r in ok[0])
    moved = ok[1] and all(r.record.costs[-1] < r.record.costs[0] for r in ok[1])
    return bool(still and moved)


def fig_cost_by_init(runs, learning_rate):
    """Question 1: cost per iteration, one curve per initialisation, one panel per loss, at one rate."""
    present = losses(runs)
    n = max(len(present), 1)
    margins = plotting.Margins(left=0.62, right=0.1, bottom=0.5, top=0.6)
    fig, axes = plotting.figure(PAGE_WIDTH if n > 1 else 4.6, 3.2, margins, ncols=n, column_gap=0.75)
    for ax, loss in zip(axes[0], present, strict=False):
        _cost_panel(ax, runs, learning_rate, loss)
    fig.supxlabel(ITERATION_LABEL, fontsize=9)
    if _zeros_still(runs, learning_rate):
        title = f"Con {vocab.init('zeros').long} el costo no se mueve; con la aleatoria baja"
    else:
        title = "Costo por iteración según la inicialización"
    fig.suptitle(title, fontsize=11)
    return fig


def alt_cost_by_init(runs, learning_rate):
    """The text alternative of ``fig_cost_by_init``: each curve's first and last cost."""
    parts = []
    for loss in losses(runs):
        for init in _ordered_inits(runs):
            run = find(runs, learning_rate, init, loss)
            if run is None:
                continue
            name = f"{vocab.loss(loss).short} con {vocab.init(init).long}"
            if not run.ok:
                parts.append(f"{name}: {FAILED}")
                continue
            c = run.record.costs
            verb = "se queda en" if np.all(c == c[0]) else f"pasa de {plain_cost(c[0])} a"
            last = plain_cost(c[0]) if np.all(c == c[0]) else plain_cost(c[-1])
            parts.append(f"{name}: el costo {verb} {last} en {run.record.iterations} iteraciones")
    return f"Costo por iteración con tasa de aprendizaje {fmt_rate(learning_rate)}. " + "; ".join(parts) + "."


# ---------------------------------------------------------------- parameters over the iterations


def _param_lines(ax, record, names, colors):
    x = steps(record)
    for name in names:
        h = record.history[name]
        for j, index in enumerate(np.ndindex(h.shape[1:])):
            series = h[(slice(None), *index)]
            label = f"${param_tex(name)}[{','.join(map(str, index))}]$"
            ax.plot(x, series, color=colors[name][j % len(colors[name])], lw=1.5, label=label)


def _parameter_panels(top, bottom, record):
    """A run's weights on ``top`` and biases on ``bottom``; a note where they are all 0."""
    _param_lines(top, record, ("W1", "W2"), PARAM_COLORS)
    _param_lines(bottom, record, ("b1", "b2"), BIAS_COLORS)
    for ax, names in ((top, ("W1", "W2")), (bottom, ("b1", "b2"))):
        ax.grid(alpha=0.3)
        ax.axhline(0, color="k", lw=0.6)
        if all(np.all(record.history[k] == 0) for k in names):
            ax.text(
                0.5,
                0.85,
                "todos valen 0\nen todas las iteraciones",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=8,
                color="0.25",
            )


def _row_legend(axes_row):
    """One legend right of the row, from the first axes that drew anything."""
    for ax in axes_row:
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            axes_row[-1].legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
            return


def fig_parameters(columns, suptitle):
    """Weights (top row) and biases (bottom row) over the iterations, one column per run.

    ``columns``: list of ``(title, Run or None)``, at most four; a failed or missing run shows why.
    """
    n = max(len(columns), 1)
    margins = plotting.Margins(left=0.62, right=0.95, bottom=0.5, top=0.55)
    width = PAGE_WIDTH if n > 1 else 4.2
    fig, axes = plotting.figure(
        width, 4.8, margins, ncols=n, nrows=2, column_gap=0.15, row_gap=0.15, sharey="row", sharex="col"
    )
    for col, (title, run) in enumerate(columns):
        top, bottom = axes[0][col], axes[1][col]
        if run is None or not run.ok:
            _failure_panel(top, run, title)
            _failure_panel(bottom, run, "")
            continue
        _parameter_panels(top, bottom, run.record)
        top.set_title(title, fontsize=9)
    for ax in axes.ravel():
        ax.tick_params(labelsize=8)
    axes[0][0].set_ylabel("Valor del peso", fontsize=9)
    axes[1][0].set_ylabel("Valor del sesgo", fontsize=9)
    fig.supxlabel(ITERATION_LABEL, fontsize=9)
    for row in (0, 1):
        _row_legend(axes[row])
    fig.suptitle(suptitle, fontsize=10)
    return fig


def alt_parameters(columns):
    """The text alternative of ``fig_parameters``: per column, the largest weight at the start and the end."""
    parts = []
    for title, run in columns:
        if run is None or not run.ok:
            parts.append(f"{title}: {FAILED if run is not None else NOT_IN_GRID}")
            continue
        h = run.record.history
        start = max(float(np.nanmax(np.abs(h[w][0]))) for w in ("W1", "W2"))
        end = max(float(np.nanmax(np.abs(h[w][-1]))) for w in ("W1", "W2"))
        if all(np.all(v == 0) for v in h.values()):
            parts.append(f"{title}: todos los pesos y sesgos valen 0 en todas las iteraciones")
        else:
            parts.append(f"{title}: el mayor peso en valor absoluto pasa de {start:.2f} a {end:.2f}")
    return "Pesos y sesgos por iteración. " + "; ".join(parts) + "."


# ---------------------------------------------------------------- shared by the curves of every question


def plain_log_y(ax):
    """A log y axis labelled 0.01, 0.1, 1 (no minor labels, no "6 x 10^-1")."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def log_cost_axes(ax, loss, title):
    """The y axis of a cost over the iterations, log scale once anything is drawn."""
    if any(len(line.get_xdata()) for line in ax.lines):
        plain_log_y(ax)
    ax.set_xlabel(ITERATION_LABEL, fontsize=9)
    ax.set_ylabel(vocab.loss(loss).cost_label + ", escala log", fontsize=9)
    ax.set_title(title, fontsize=10)


def rates_caption(rates, all_rates):
    """How a caption names the rates a figure draws: ``"con cada tasa de aprendizaje"``; ``"con $\\alpha = 0.5$"``
    for one; ``"con las tasas 0.01, 0.5 y 5.0 (3 de las 9 de la rejilla)"`` when it draws only some."""
    if len(all_rates) == 1:
        return f"con {alpha(all_rates[0])}"
    if len(rates) == len(all_rates):
        return "con cada tasa de aprendizaje"
    return f"con las tasas {rates_phrase(rates)} ({len(rates)} de las {len(all_rates)} de la rejilla)"
