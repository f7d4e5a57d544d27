"""Figures and tables of one run, in Spanish: small functions taking arrays, returning a Figure.

Each picture comes in two layers:

- a building block that draws on an Axes you pass and returns what it drew
  (``plot_costs(ax, costs, label="α = 0.1")``), to compose comparison figures;
- a wrapper that makes a whole ``matplotlib.figure.Figure`` for one run (``cost_figure``),
  laid out by ``plotting.figure``.

Inputs are plain arrays or nested lists, as found in a ``nnsimple_lab.training.TrainResult`` or in a results
record from ``results.read_run`` (where non-finite values are ``None``), so the report draws the
same pictures from stored results. In a notebook, ``%matplotlib inline`` displays a returned
Figure once; ``outputs.show_figure(fig, caption, alt=…)`` shows it with a caption and its text
alternative, which ``cost_alt``, ``parameters_alt``, ``decision_alt`` and ``seeds_alt`` write
from the same data (what the figure shows, with its numbers, in Spanish, no markup). Names of
inits and losses come from ``vocab``; parameters are written as in the report ($W_1$, $b_2$);
numbers keep matplotlib's decimal point (0.5) and the true minus sign.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import nnsimple
from nnsimple_lab import plotting, results, vocab

PARAMETER_TITLES = {
    "W1": "$W_1$: pesos de la capa oculta",
    "b1": "$b_1$: sesgos de la capa oculta",
    "W2": "$W_2$: pesos de la salida",
    "b2": "$b_2$: sesgo de la salida",
}
CLASS_COLORS = ("tab:blue", "tab:orange")  # class 0, class 1
FIGSIZE = (6.0, 3.6)  # inches; at 100 dpi a PNG of about 600 x 360 pixels
MARGINS = plotting.Margins(left=0.65, right=0.2, bottom=0.48, top=0.3)


def run_label(learning_rate, init, loss):
    """Legend label of a run: ``run_label(0.5, "random", "bce") == "α = 0.5, aleatoria, BCE"``.

    The rate as the grid writes it (``repr``: 0.01, 1.0), as in a run's id.
    """
    return f"α = {float(learning_rate)!r}, {vocab.init(init).short}, {vocab.loss(loss).short}"


def _cost_axis_label(loss):
    return "Costo $J$" if loss is None else f"Costo $J$ ({vocab.loss(loss).short})"


def _math_name(name):
    """A parameter's name as mathtext: ``"W1"`` -> ``"W_1"`` (written between dollars)."""
    return f"{name[0]}_{name[1:]}" if len(name) > 1 else name


# ---------------------------------------------------------------- cost curve


def _steps(steps, n):
    """The iteration of each of ``n`` states: ``steps`` (a run's kept states) or 0, 1, …, n - 1."""
    return np.arange(n) if steps is None else np.asarray(steps)


def plot_costs(ax, costs, *, steps=None, label=None, **style):
    """Draw a cost curve on ``ax``: ``costs[j]`` is the cost after ``steps[j]`` updates (default
    ``j``: every state). Returns the Line2D."""
    costs = results.array(costs)
    (line,) = ax.plot(_steps(steps, costs.size), costs, label=label, **style)
    return line


def cost_figure(costs, *, steps=None, loss=None, title="Costo durante el entrenamiento", log=False):
    """The cost over the iterations of one run, with its final value written on it.

    ``steps``: the iteration of each cost (a run's kept states); default 0, 1, ….
    """
    costs = results.array(costs)
    steps = _steps(steps, costs.size)
    fig, axes = plotting.figure(*FIGSIZE, MARGINS)
    ax = axes[0, 0]
    plot_costs(ax, costs, steps=steps, label="costo", color="tab:blue")
    ax.set(title=title, xlabel="Iteración (actualizaciones de los parámetros)", ylabel=_cost_axis_label(loss))
    ax.set_xlim(0, max(steps[-1] if costs.size else 0, 1))
    if log:
        ax.set_yscale("log")
    if costs.size and np.isfinite(costs[-1]):
        ax.annotate(
            f"costo final: {costs[-1]:.4g}",
            xy=(steps[-1], costs[-1]),
            xytext=(-8, 12),
            textcoords="offset points",
            ha="right",
        )
    ax.grid(alpha=0.3)
    return fig


# ---------------------------------------------------------------- parameters


def entry_labels(name, shape):
    """Labels of a parameter's entries in numpy's index order: ``$W_1[0,0]$``, ``$W_1[0,1]$``, …"""
    return [f"${_math_name(name)}[{','.join(str(i) for i in index)}]$" for index in np.ndindex(*shape)]


def plot_parameter(ax, name, values, *, steps=None):
    """Draw every entry of one parameter over the iterations. values: (K, rows, cols), at the
    iterations ``steps`` (default 0, 1, …).

    Returns the list of Line2D, labelled ``W1[0,1]`` and so on.
    """
    values = results.array(values)
    steps = _steps(steps, values.shape[0])
    flat = values.reshape(values.shape[0], -1)
    lines = []
    for column, label in zip(flat.T, entry_labels(name, values.shape[1:]), strict=True):
        (line,) = ax.plot(steps, column, label=label)
        lines.append(line)
    return lines


def parameters_figure(history, *, steps=None, title="Pesos y sesgos durante el entrenamiento"):
    """One panel per parameter (W1, b1, W2, b2), one line per entry, over the iterations.

    history: dict name -> (K, rows, cols), as ``TrainResult.history`` or a record's "history";
    ``steps``: the iteration of each of the K states (default 0, 1, …).
    """
    margins = replace(MARGINS, top=0.5)  # room for the suptitle over the panels' titles
    fig, axes = plotting.figure(7.5, 5.0, margins, nrows=2, ncols=2, column_gap=0.6, row_gap=0.33, sharex=True)
    for ax, name in zip(axes.flat, nnsimple.PARAMETER_NAMES, strict=True):
        values = results.array(history[name])
        at = _steps(steps, values.shape[0])
        plot_parameter(ax, name, values, steps=at)
        ax.set_title(PARAMETER_TITLES[name], fontsize="medium")
        ax.set_xlim(0, max(at[-1] if at.size else 0, 1))
        ax.legend(fontsize="small", ncols=2 if values[0].size > 2 else 1)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("Iteración")
    for ax in axes[:, 0]:
        ax.set_ylabel("Valor")
    fig.suptitle(title)
    return fig


# ---------------------------------------------------------------- decision boundary


def plot_decision_boundary(ax, parameters, X, Y, *, margin=0.5, resolution=121):
    """Draw the network's output A2 over the plane, its 0.5 level and the labelled examples.

    parameters: dict W1, b1, W2, b2 (arrays or nested lists); X: (2, m), Y: (1, m).
    Returns the filled contour set (for a colour bar). When A2 never crosses 0.5 on the plane
    (one class everywhere) there is no boundary line and a note says so.
    """
    parameters = {k: results.array(parameters[k]) for k in nnsimple.PARAMETER_NAMES}
    X, Y = results.array(X), results.array(Y)
    lo, hi = X.min(axis=1) - margin, X.max(axis=1) + margin
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    A2, _ = nnsimple.forward_prop(np.vstack([g1.ravel(), g2.ravel()]), parameters)
    A2 = A2.reshape(g1.shape)
    filled = ax.contourf(g1, g2, A2, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6, vmin=0, vmax=1)
    # The colour bands as one embedded picture, the 0.5 line, the points and the text as vectors:
    # the same look at the page's size, a fifth of the bytes and half the drawing of their paths.
    filled.set_rasterized(True)
    if np.nanmin(A2) < 0.5 < np.nanmax(A2):
        ax.contour(g1, g2, A2, levels=[0.5], colors="black", linewidths=1.5)
        ax.plot([], [], color="black", label="frontera ($A_2 = 0.5$)")
    else:
        predicted = int(np.nanmean(A2) >= 0.5)
        ax.text(
            0.5,
            0.5,
            f"Sin frontera:\nla red predice la clase {predicted}\nen todo el plano",
            transform=ax.transAxes,
            ha="center",
            va="center",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        )
    for label, color in enumerate(CLASS_COLORS):
        mask = Y[0] == label
        ax.scatter(X[0, mask], X[1, mask], s=90, color=color, edgecolors="black", label=f"clase {label}", zorder=3)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    return filled


def decision_figure(parameters, X, Y, *, title="Frontera de decisión"):
    """The decision boundary of the trained network over the plane, with the data set's points."""
    margins = replace(MARGINS, bottom=0.8, right=0.55)  # the legend below, the colour bar right
    fig, axes = plotting.figure(5.0, 4.0, margins)
    ax = axes[0, 0]
    filled = plot_decision_boundary(ax, parameters, X, Y)
    fig.colorbar(filled, ax=ax, label="$A_2$ (probabilidad de la clase 1)")
    ax.set_title(title)
    fig.legend(loc="lower center", ncols=3, fontsize="small")
    return fig


# ---------------------------------------------------------------- several seeds


def plot_seed_costs(ax, final_cost, solved, *, bins=12):
    """Stacked histogram of the seeds' final costs, split by whether each seed solves the task.

    Non-finite costs (diverged seeds) are left out. Returns the number of seeds drawn.
    """
    final_cost = results.array(final_cost)
    solved = np.asarray(solved, dtype=bool)
    finite = np.isfinite(final_cost)
    groups = [final_cost[finite & solved], final_cost[finite & ~solved]]
    labels = [f"resuelven la tarea ({groups[0].size})", f"no la resuelven ({groups[1].size})"]
    values = final_cost[finite]
    if values.size:
        low, high = values.min(), values.max()
        edges = np.linspace(low, high, bins + 1) if high > low else np.array([low - 0.05, low + 0.05])
        ax.hist(groups, bins=edges, stacked=True, label=labels, color=["tab:green", "tab:red"], edgecolor="white")
    ax.set(xlabel="Costo final", ylabel="Número de semillas")
    return int(finite.sum())


def seeds_figure(final_cost, solved, *, loss=None, title=None):
    """The distribution of the final cost over seeds, solved ones apart."""
    solved = np.asarray(solved, dtype=bool)
    fig, axes = plotting.figure(*FIGSIZE, MARGINS)
    ax = axes[0, 0]
    plot_seed_costs(ax, final_cost, solved)
    if title is None:
        n, k = solved.size, int(solved.sum())
        title = (
            f"Costo final con {n} semilla{'' if n == 1 else 's'}: {k} {'resuelve' if k == 1 else 'resuelven'} la tarea"
        )
    ax.set_title(title)
    if loss is not None:
        ax.set_xlabel(f"Costo final ({vocab.loss(loss).short})")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="y")
    return fig


# ---------------------------------------------------------------- text alternatives


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")  # "W1" -> "W₁" in plain text


def _num(value, digits=4):
    """A number for a sentence: ``digits`` significant figures, the true minus sign."""
    return f"{value:.{digits}g}".replace("-", "−")


def cost_alt(costs, *, loss=None, steps=None):
    """What ``cost_figure`` shows, in words: where the cost starts and ends, and in how many iterations.

    ``steps``: the iteration of each stored cost (a bounded history); default 0, 1, 2, …
    """
    costs = results.array(costs)
    name = "El costo" if loss is None else f"El costo {vocab.loss(loss).short}"
    at = np.arange(costs.size) if steps is None else np.asarray(steps)
    steps = int(at[-1]) if costs.size else 0
    finite = np.isfinite(costs)
    if costs.size == 0:
        return f"{name}: la ejecución no tiene iteraciones."
    if not finite.all():
        first = int(at[np.argmin(finite)])
        return f"{name} empieza en {_num(costs[0])} y deja de ser un número finito en la iteración {first}: diverge."
    start, end = costs[0], costs[-1]
    if np.allclose(costs, start, rtol=1e-4, atol=1e-6):  # every stored cost, not only the last
        return f"{name} se queda en {_num(end)} durante las {steps} iteraciones: no aprende."
    if np.isclose(start, end, rtol=1e-4, atol=1e-6):
        low, high = float(costs.min()), float(costs.max())
        return (
            f"{name} empieza y termina en {_num(end)} en {steps} iteraciones; entre medio va de {_num(low)} a "
            f"{_num(high)}."
        )
    verb = "baja" if end < start else "sube"
    return f"{name} {verb} de {_num(start)} a {_num(end)} en {steps} iteraciones."


def _range_words(values):
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    return f"en {_num(low, 3)}" if np.isclose(low, high) else f"entre {_num(low, 3)} y {_num(high, 3)}"


def parameters_alt(history, *, steps=None):
    """What ``parameters_figure`` shows: for each parameter, the range of its entries at the start and the end.

    ``steps``: the iteration of each stored state (a bounded history); default 0, 1, 2, …
    """
    parts = []
    for name in nnsimple.PARAMETER_NAMES:
        values = results.array(history[name])
        first, last = values[0], values[-1]
        count = first.size
        entries = "1 elemento" if count == 1 else f"{count} elementos"
        label = name.translate(_SUBSCRIPT_DIGITS)
        parts.append(f"{label} ({entries}) empieza {_range_words(first)} y termina {_range_words(last)}")
    states = results.array(history[nnsimple.PARAMETER_NAMES[0]]).shape[0]
    iterations = states - 1 if steps is None else int(np.asarray(steps)[-1])
    return f"Pesos y sesgos en {iterations} iteraciones, un panel por parámetro: " + "; ".join(parts) + "."


def decision_alt(parameters, X, Y):
    """What ``decision_figure`` shows: where the network says 1, and how it classifies each example."""
    parameters = {k: results.array(parameters[k]) for k in nnsimple.PARAMETER_NAMES}
    X, Y = results.array(X), results.array(Y)
    A2, _ = nnsimple.forward_prop(X, parameters)
    predicted = (A2[0] >= 0.5).astype(int)
    right = int((predicted == Y[0]).sum())
    examples = "; ".join(
        f"({X[0, j]:g}, {X[1, j]:g}): salida {_num(A2[0, j], 3)}, clase {predicted[j]}" for j in range(X.shape[1])
    )
    return (
        f"La salida de la red sobre el plano de entradas y los {X.shape[1]} ejemplos; "
        f"clasifica bien {right} de {X.shape[1]}. Cada ejemplo: {examples}."
    )


def seeds_alt(final_cost, solved):
    """What ``seeds_figure`` shows: how many seeds solve the task and where their final costs lie."""
    final_cost = results.array(final_cost)
    solved = np.asarray(solved, dtype=bool)
    finite = np.isfinite(final_cost)
    groups = (
        (solved & finite, ("resuelve", "resuelven"), "la tarea"),
        (~solved & finite, ("no la resuelve", "no la resuelven"), ""),
    )
    parts = []
    for mask, verbs, what in groups:
        k = int(mask.sum())
        costs = f", con costo final {_range_words(final_cost[mask])}" if mask.any() else ""
        parts.append(f"{k} {verbs[0] if k == 1 else verbs[1]}{' ' + what if what else ''}{costs}")
    diverged = int((~finite).sum())
    tail = f"; {diverged} {'diverge' if diverged == 1 else 'divergen'}" if diverged else ""
    seeds = "1 semilla" if solved.size == 1 else f"{solved.size} semillas"
    return f"Histograma del costo final de {seeds}: " + "; ".join(parts) + tail + "."


# ---------------------------------------------------------------- tables (Markdown)


def _number(value, digits=4):
    return "—" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def predictions_table(X, Y, A2):
    """Markdown table: each example's input, target, the output A2 and the prediction (A2 >= 0.5)."""
    X, Y, A2 = results.array(X), results.array(Y), results.array(A2)
    rows = [
        "| $x_1$ | $x_2$ | objetivo $y$ | $A_2$ | predicción | ¿acierta? |",
        "|---:|---:|---:|---:|---:|:---:|",
    ]
    for j in range(X.shape[1]):
        yhat = int(A2[0, j] >= 0.5)
        target = int(Y[0, j])
        ok = "sí" if yhat == target else "no"
        rows.append(f"| {X[0, j]:g} | {X[1, j]:g} | {target} | {_number(A2[0, j])} | {yhat} | {ok} |")
    return "\n".join(rows)


def seeds_table(final_cost, solved):
    """Markdown table summarising several seeds: how many solve the task, final cost quantiles."""
    final_cost = results.array(final_cost)
    solved = np.asarray(solved, dtype=bool)
    finite = final_cost[np.isfinite(final_cost)]
    if finite.size:
        q = np.quantile(finite, [0.0, 0.1, 0.5, 0.9, 1.0])
    else:
        q = [None] * 5
    rows = [
        "| semillas | resuelven la tarea | costo final: mínimo | percentil 10 | mediana | percentil 90 | máximo |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {solved.size} | {int(solved.sum())} ({100 * solved.mean():.0f} %) | "
        + " | ".join(_number(v) for v in q)
        + " |",
    ]
    return "\n".join(rows)
