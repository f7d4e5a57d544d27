"""The report's figures of question 3 on the grid's runs: seeds solved per loss and rate, and the size
of each loss's dZ2 against the output. Each ``fig_*`` has its ``alt_*`` right below.
"""

from __future__ import annotations

import numpy as np

import nnsimple as nn
from nnsimple_lab import plotting, vocab
from nnsimple_lab.report.es import fmt_rate
from nnsimple_lab.report.figures import ALERT_COLOR, MARGINS, PAGE_WIDTH
from nnsimple_lab.report.runs import FAILED, common, dataset, find, learning_rates, losses


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
    task = dataset(runs).name
    ax.set_ylabel(f"Semillas que resuelven {task} (%)", fontsize=9)
    ax.set_ylim(0, 112)
    iters = common([r for r in runs if r.init == init], lambda r: r.iterations)
    within = f" en {iters} iteraciones" if iters is not None else ""
    ax.set_title(f"Semillas que resuelven {task}{within}, por función de costo", fontsize=10)
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
    return f"Semillas que resuelven {dataset(runs).name} por función de costo y tasa. " + "; ".join(parts) + "."


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
    # \ell from the math font: the text italic that mathtext uses for letters has no U+2113.
    ax.set_ylabel("$|\\partial \\mathrm{\\ell} / \\partial z_2|$ por ejemplo", fontsize=9)
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
