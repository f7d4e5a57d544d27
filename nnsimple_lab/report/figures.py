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

import nnsimple as nn
from nnsimple_lab import plotting, vocab
from nnsimple_lab.figures import run_label
from nnsimple_lab.report.es import alpha, fmt_rate, param_tex, plain_cost, rates_phrase
from nnsimple_lab.report.runs import FAILED, NOT_IN_GRID, common, find, inits, last_line, learning_rates, losses, steps

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


# ---------------------------------------------------------------- question 2: cost per rate


def plain_log_y(ax):
    """A log y axis labelled 0.01, 0.1, 1 (no minor labels, no "6 x 10^-1")."""
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _log_cost_axes(ax, loss, title):
    """The y axis of a cost over the iterations, log scale once anything is drawn."""
    if any(len(line.get_xdata()) for line in ax.lines):
        plain_log_y(ax)
    ax.set_xlabel(ITERATION_LABEL, fontsize=9)
    ax.set_ylabel(vocab.loss(loss).cost_label + ", escala log", fontsize=9)
    ax.set_title(title, fontsize=10)


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
    _log_cost_axes(ax, loss, f"Costo {vocab.loss(loss).short} por iteración según la tasa (semilla principal)")
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
    _log_cost_axes(ax, loss, f"Costo {vocab.loss(loss).short}{seeds}: mediana y dispersión por tasa")
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
    ax.set_ylabel("Semillas que ya resolvieron XOR (%)", fontsize=9)
    ax.set_title("Semillas con 100 % de exactitud (para siempre) en cada iteración", fontsize=10)
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
    return "Porcentaje de semillas que ya resolvieron XOR en cada iteración. " + ("; ".join(parts) or FAILED) + "."


# ---------------------------------------------------------------- question 3


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
    """Share of seeds solved per configuration: bars per rate (lines against the rate when there are many)."""
    rates = learning_rates([r for r in runs if r.init == init])
    present = losses([r for r in runs if r.init == init])
    fig, axes = plotting.figure(PAGE_WIDTH, 3.4, MARGINS)
    ax = axes[0][0]
    many = len(rates) > 4
    width = 0.8 / max(len(present), 1)
    for j, loss in enumerate(present):
        entry = vocab.loss(loss)
        if many:
            done = [find(runs, lr, init, loss) for lr in rates]
            xs = [r.learning_rate for r in done if r is not None and r.ok]
            ys = [100 * r.record.seeds.n_solved / r.record.seeds.n_seeds for r in done if r is not None and r.ok]
            ax.plot(xs, ys, marker="o", color=entry.color, ls=entry.style, lw=2, label=entry.short)
            continue
        for i, lr in enumerate(rates):
            run = find(runs, lr, init, loss)
            if run is not None:
                x = i + (j - (len(present) - 1) / 2) * width
                _seed_bar(ax, x, width, run, entry.color, entry.short if i == 0 else None)
    if many:
        ax.set_xscale("log")
        ax.set_xlabel("Tasa de aprendizaje α (escala log)", fontsize=9)
    else:
        ax.set_xticks(range(len(rates)), [f"α = {fmt_rate(lr)}" for lr in rates])
        ax.set_xlabel("Tasa de aprendizaje", fontsize=9)
    ax.set_ylabel("Semillas que resuelven XOR (%)", fontsize=9)
    ax.set_ylim(0, 112)
    iters = common([r for r in runs if r.init == init], lambda r: r.iterations)
    within = f" en {iters} iteraciones" if iters is not None else ""
    ax.set_title(f"Semillas que resuelven XOR{within}, por función de costo", fontsize=10)
    ax.legend(title="Función de costo", fontsize=8, title_fontsize=8, loc="upper left")
    ax.grid(alpha=0.3, axis="y")
    return fig


def alt_seeds_solved(runs, *, init):
    """The text alternative of ``fig_seeds_solved``: seeds solved per loss and rate."""
    parts = []
    for loss in losses([r for r in runs if r.init == init]):
        counts = [
            f"{r.record.seeds.n_solved} de {r.record.seeds.n_seeds} con tasa {fmt_rate(r.learning_rate)}"
            for r in sorted(runs, key=lambda r: r.learning_rate)
            if r.init == init and r.loss == loss and r.ok
        ]
        parts.append(f"{vocab.loss(loss).short}: " + ", ".join(counts))
    return "Semillas que resuelven XOR por función de costo y tasa. " + "; ".join(parts) + "."


def fig_dz2_vs_output(loss_keys, *, about):
    """|dZ2| per example against the output A2 for a label y = 1, one curve per loss.

    Computed with each loss's own ``nnsimple`` dZ2 function (times m, so per example); the
    title says what the curve of ``about`` shows.
    """
    a = np.linspace(0.0, 1.0, 401)[None, :]
    y = np.ones_like(a)
    m = a.shape[-1]
    fig, axes = plotting.figure(PAGE_WIDTH, 3.4, MARGINS)
    ax = axes[0][0]
    for loss in loss_keys:
        entry = vocab.loss(loss)
        dz2 = np.abs(nn.LOSSES[loss].dZ2(a, y) * m).ravel()
        ax.plot(
            a.ravel(), dz2, lw=2, ls=entry.style, color=entry.color, label=f"{entry.short}: $|{entry.dz2_example_tex}|$"
        )
    ax.axvspan(0, 0.1, color=ALERT_COLOR, alpha=0.08, lw=0)
    ax.text(0.012, 0.55, "salida muy\nequivocada", fontsize=8, color=ALERT_COLOR)
    ax.set_xlabel("Salida de la red $a = A_2$ para un ejemplo con etiqueta $y = 1$", fontsize=9)
    ax.set_ylabel("$|\\partial \\ell / \\partial z_2|$ por ejemplo", fontsize=9)
    ax.set_title(
        f"Con {vocab.loss(about).short} el gradiente se apaga cuando la salida está muy equivocada", fontsize=10
    )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    return fig


def alt_dz2_vs_output(loss_keys):
    """The text alternative of ``fig_dz2_vs_output``: each curve at a = 0, 0.5 and 1."""
    parts = []
    for loss in loss_keys:
        a = np.array([[0.0, 0.05, 0.5, 1.0]])
        values = np.abs(nn.LOSSES[loss].dZ2(a, np.ones_like(a)) * a.shape[-1]).ravel()
        parts.append(
            f"{vocab.loss(loss).short} vale {values[0]:.2f} con salida 0, {values[1]:.2f} con 0.05, "
            f"{values[2]:.2f} con 0.5 y {values[3]:.2f} con 1"
        )
    return "Magnitud del gradiente por ejemplo según la salida, con etiqueta 1: " + "; ".join(parts) + "."


def rates_caption(rates, all_rates):
    """How a caption names the rates a figure draws: ``"con cada tasa de aprendizaje"``; ``"con $\\alpha = 0.5$"``
    for one; ``"con las tasas 0.01, 0.5 y 5.0 (3 de las 9 de la rejilla)"`` when it draws only some."""
    if len(all_rates) == 1:
        return f"con {alpha(all_rates[0])}"
    if len(rates) == len(all_rates):
        return "con cada tasa de aprendizaje"
    return f"con las tasas {rates_phrase(rates)} ({len(rates)} de las {len(all_rates)} de la rejilla)"
