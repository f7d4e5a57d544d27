"""The report's figures of its own experiments: the learning-rate scan, the matched step, the saddle point.

Each ``fig_*`` returns a matplotlib ``Figure`` as wide as the page's text at most
(``figures.PAGE_WIDTH``); its ``alt_*`` twin, right below it, the text alternative built from
the same data (plain Spanish with numbers, no markup).
"""

from __future__ import annotations

import math

import numpy as np

from nnsimple_lab import plotting, vocab
from nnsimple_lab.report.es import fmt_rate, plain_cost, plural
from nnsimple_lab.report.figures import ITERATION_LABEL, PAGE_WIDTH, plain_log_y, rate_color
from nnsimple_lab.report.scan import MATCH_FACTOR

WINDOW_COLOR = "#2ca02c"
OUTCOME_STYLES = (  # what the first panel of the scan figure draws, per seed outcome
    ("n_solved", "resuelven {data}", "#1b9e77", "-", "o"),
    ("n_plateau", "en una meseta (ajuste parcial)", "#7570b3", "--", "s"),
    ("n_oscillating", "el costo oscila", "#d95f02", "-.", "^"),
    ("n_diverged", "divergen", "#b22222", ":", "v"),
)


def _rate_axis(ax, *, label=True):
    ax.set_xscale("log")
    ax.grid(alpha=0.3, which="major")
    if label:
        ax.set_xlabel("Tasa de aprendizaje α (escala log)", fontsize=9)


def _shade(ax, window):
    if window.window:
        ax.axvspan(window.window[0], window.window[-1], color=WINDOW_COLOR, alpha=0.12, lw=0)


def fig_scan_window(scan, window, *, grid_rates):
    """Question 2: per scan rate, the share of seeds per outcome; median iterations; median largest weight."""
    margins = plotting.Margins(left=0.75, right=0.15, bottom=0.55, top=0.35)
    fig, axes = plotting.figure(PAGE_WIDTH, 6.4, margins, nrows=3, row_gap=0.45, sharex="col")
    top, middle, bottom = axes[:, 0]
    points = window.points
    x = [p.learning_rate for p in points]
    for field, label, color, style, marker in OUTCOME_STYLES:
        y = [100 * getattr(p, field) / p.n_seeds for p in points]
        top.plot(x, y, color=color, ls=style, marker=marker, ms=3.5, lw=1.6, label=label.format(data=scan.data.name))
    for r in grid_rates:
        top.axvline(r, color="0.45", lw=0.8, ls=(0, (2, 2)))
    top.plot([], [], color="0.45", lw=0.8, ls=(0, (2, 2)), label="tasas de la rejilla")
    top.fill_between([], [], color=WINDOW_COLOR, alpha=0.12, label="ventana de tasas buenas")
    top.set_ylabel("Semillas (%)", fontsize=9)
    top.set_ylim(-3, 103)
    top.legend(fontsize=7.5, loc="upper left", ncols=2)
    top.set_title(
        f"Barrido de tasas ({vocab.loss(window.loss).short}, {scan.n_seeds} semillas, {scan.iterations} iteraciones)",
        fontsize=10,
    )
    medians = [(p.learning_rate, p.median_iterations) for p in points if p.median_iterations is not None]
    if medians:
        middle.plot(*zip(*medians, strict=True), color="#1b9e77", marker="o", ms=3.5, lw=1.6)
        plain_log_y(middle)
    middle.set_ylabel("Mediana de iteraciones\nhasta 100 %", fontsize=9)
    weights = [(p.learning_rate, p.median_max_weight) for p in points if np.isfinite(p.median_max_weight)]
    if weights:
        bottom.plot(*zip(*weights, strict=True), color="#7570b3", marker="o", ms=3.5, lw=1.6)
        plain_log_y(bottom)
    bottom.set_ylabel("Mayor |peso| final\n(mediana)", fontsize=9)
    for ax in (top, middle, bottom):
        _shade(ax, window)
        _rate_axis(ax, label=ax is bottom)
        ax.tick_params(labelsize=8)
    return fig


def alt_scan_window(scan, window):
    """The text alternative of ``fig_scan_window``: the window, and what happens below and above it."""
    n = window.n_seeds
    seeds = plural(n, "semilla")
    text = f"Barrido de {len(window.points)} tasas de aprendizaje con {seeds} y {scan.iterations} iteraciones. "
    if window.window:
        lo, hi = window.window[0], window.window[-1]
        where = f"Con {fmt_rate(lo)} resuelve" if lo == hi else f"De {fmt_rate(lo)} a {fmt_rate(hi)} resuelven"
        text += f"{where} {window.best_solved} de {plural(n, 'semilla')}, el máximo entre las tasas estables"
        if window.fastest.holds and len(window.window) > 1:  # medians over each rate's own seeds: no "fastest"
            who = " y ".join(fmt_rate(r) for r in window.fastest.winners)
            text += f"; la mediana de iteraciones hasta 100 % más baja, {window.fastest.best:g}, es la de {who}"
        text += ". "
    if window.none_below:
        text += f"Hasta {fmt_rate(window.none_below[-1])} ninguna semilla resuelve. "
    if window.first_oscillating is not None:
        text += (
            f"{'Desde' if window.oscillating_onward else 'Con'} {fmt_rate(window.first_oscillating)} el "
            "costo oscila en al menos la mitad de las semillas. "
        )
    if window.first_diverging is not None:
        text += (
            f"{'Desde' if window.diverging_onward else 'Con'} {fmt_rate(window.first_diverging)} "
            "diverge al menos la mitad. "
        )
    last = window.points[-1]
    text += (
        f"El mayor peso final pasa de {window.points[0].median_max_weight:.2f} con la menor tasa a "
        f"{last.median_max_weight:.2f} con la mayor."
    )
    return text


def fig_scan_curves(scan, loss, rates):
    """The main seed's cost at a few scan rates, one per regime (log scale)."""
    margins = plotting.Margins(left=0.7, right=0.15, bottom=0.55, top=0.35)
    fig, axes = plotting.figure(PAGE_WIDTH, 3.4, margins)
    ax = axes[0][0]
    for lr in rates:
        point = scan.at(loss, lr)
        if point is None or point.main_costs is None:
            continue
        ax.plot(point.main_costs, color=rate_color(rates, lr), lw=1.4, label=f"α = {fmt_rate(lr)}")
    plain_log_y(ax)
    ax.set_xlabel(ITERATION_LABEL, fontsize=9)
    ax.set_ylabel(vocab.loss(loss).cost_label + ", escala log", fontsize=9)
    ax.set_title(
        f"Costo {vocab.loss(loss).short} de la semilla {scan.main_seed} en algunas tasas del barrido", fontsize=10
    )
    ax.legend(fontsize=8, ncols=2)
    ax.grid(alpha=0.3, which="both")
    return fig


def alt_scan_curves(scan, loss, rates):
    """The text alternative of ``fig_scan_curves``: each curve's first and last cost and how often it rose."""
    parts = []
    for lr in rates:
        point = scan.at(loss, lr)
        if point is None or point.main_costs is None:
            continue
        c = np.asarray(point.main_costs)
        rises = int(np.sum(np.diff(c) > 1e-9 * np.abs(c[:-1])))
        parts.append(f"con tasa {fmt_rate(lr)} pasa de {plain_cost(c[0])} a {plain_cost(c[-1])} y sube {rises} veces")
    return f"Costo {vocab.loss(loss).short} de la semilla {scan.main_seed}: " + "; ".join(parts) + "."


def fig_matched(scan, *, reference, other):
    """Question 3: seeds solved against the rate for both losses, and the other loss at twice the rate."""
    margins = plotting.Margins(left=0.7, right=0.15, bottom=0.55, top=0.35)
    fig, axes = plotting.figure(PAGE_WIDTH, 3.6, margins)
    ax = axes[0][0]
    for loss in (reference, other):
        entry = vocab.loss(loss)
        curve = scan.curve(loss)
        ax.plot(
            [p.learning_rate for p in curve],
            [100 * p.n_solved / p.n_seeds for p in curve],
            color=entry.color,
            ls=entry.style,
            lw=1.8,
            marker="o",
            ms=3,
            label=f"{entry.short} con α",
        )
    entry = vocab.loss(other)
    shifted = [(p.learning_rate / MATCH_FACTOR, p) for p in scan.curve(other)]
    shifted = [(x, p) for x, p in shifted if scan.at(reference, x) is not None]
    ax.plot(
        [x for x, _ in shifted],
        [100 * p.n_solved / p.n_seeds for _, p in shifted],
        color=entry.color,
        ls=":",
        lw=2.2,
        label=f"{entry.short} con {MATCH_FACTOR}α (dibujado en α)",
    )
    _rate_axis(ax)
    ax.set_ylim(-3, 103)
    ax.set_ylabel(f"Semillas que resuelven {scan.data.name} (%)", fontsize=9)
    ax.set_title(f"¿Paso igual o tasa igual? ({scan.n_seeds} semillas, {scan.iterations} iteraciones)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def alt_matched(scan, *, reference, other):
    """The text alternative of ``fig_matched``: the largest share solved by each curve and where."""
    parts = []
    for loss in (reference, other):
        curve = scan.curve(loss)
        top = max(curve, key=lambda p: (p.n_solved, -p.learning_rate))
        parts.append(
            f"con {vocab.loss(loss).short} el máximo es {top.n_solved} de {top.n_seeds}; la menor tasa que lo "
            f"alcanza es {fmt_rate(top.learning_rate)}"
        )
    return (
        f"Semillas que resuelven {scan.data.name} según la tasa, con {vocab.loss(reference).short} y con "
        f"{vocab.loss(other).short}, y con {vocab.loss(other).short} a tasa doble dibujado en la mitad: "
        + "; ".join(parts)
        + "."
    )


def _power(values):
    """The power of ten that brings the largest |value| between 1 and 10."""
    top = float(np.max(np.abs(values)))
    return math.floor(math.log10(top)) if top > 0 else 0


def fig_saddle(cut, probe):
    """Question 1: the cost minus the start's along the direction that goes down most and the one that goes up most."""
    t, down, up = cut
    margins = plotting.Margins(left=0.8, right=0.15, bottom=0.55, top=0.55)
    fig, axes = plotting.figure(PAGE_WIDTH, 2.9, margins, ncols=2, column_gap=0.85)
    panels = ((axes[0][0], down, "Dirección que más baja"), (axes[0][1], up, "Dirección que más sube"))
    for ax, values, title in panels:
        k = _power(values)
        ax.plot(t, values / 10.0**k, color="#1f77b4", lw=1.8)
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="0.5", lw=0.6)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Distancia al origen", fontsize=8.5)
        ax.set_ylabel(f"Costo {vocab.loss(probe.loss).short} menos el del origen\n($\\times 10^{{{k}}}$)", fontsize=8.5)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(
        "El origen (todos los parámetros en 0) es un punto de silla: hay direcciones que bajan y otras que suben",
        fontsize=9.5,
    )
    return fig


def alt_saddle(cut, probe):
    """The text alternative of ``fig_saddle``: the lowest and highest values of each cut."""
    _, down, up = cut
    return (
        f"Costo {vocab.loss(probe.loss).short} alrededor del origen, menos el del origen ({plain_cost(probe.cost)}). "
        f"En la dirección que más baja llega a {plain_cost(float(down.min()))}; en la que más sube, a "
        f"{plain_cost(float(up.max()))}. En el origen las dos valen 0 y tienen pendiente 0."
    )
