"""Live exploration of the network: what the widgets of ``notebooks/explorar.ipynb`` call.

``explore(...)`` trains one configuration (the main seed, and every seed for the summary) and
returns an ``Exploration``: the numbers and one figure with the cost curve, the decision
boundary, the weights and biases over the iterations and the final costs of the seeds. It needs
no browser and no widget, so it is tested like any function. ``app(...)`` wires it to ipywidgets:
each change of a control retrains and redraws (a few tenths of a second), and a combination
that diverges shows the divergence instead of a traceback.
"""

from __future__ import annotations

import html
import io
import time
from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import figures, plotting, training, vocab
from nnsimple_lab.report import es

LR_RANGE = (1e-3, 10.0)  # the learning-rate slider, logarithmic
N_H_RANGE = (1, 8)
ITERATIONS = (100, 200, 500, 1000, 2000, 5000)
DEFAULTS = {
    "learning_rate": 0.5,
    "init": "random",
    "loss": "bce",
    "n_h": 2,
    "seed": 2,
    "iterations": 1000,
    "dataset": "xor",
    "seeds": 20,
}
FIGURE_DPI = 72  # a live picture: the screen's resolution, not the print's
MARGINS = plotting.Margins(left=0.7, right=0.2, bottom=0.55, top=0.35)


@dataclass(frozen=True)
class Exploration:
    """One configuration trained: its settings, the main run, the seeds and the figure."""

    settings: dict
    result: training.TrainResult
    seeds: training.SeedsResult
    figure: object  # matplotlib.figure.Figure
    seconds: float  # training and drawing, for the status line


def check_settings(**settings):
    """Complete ``settings`` with ``DEFAULTS`` and validate them; a Spanish ValueError names a bad one."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"Ajuste desconocido: {unknown[0]!r}. Ajustes válidos: {', '.join(DEFAULTS)}.")
    s = {**DEFAULTS, **settings}
    s["learning_rate"] = nn.check_learning_rate(s["learning_rate"])
    s["init"], s["loss"], s["dataset"] = (
        nn.check_init(s["init"]),
        nn.check_loss(s["loss"]),
        nn.check_dataset(s["dataset"]),
    )
    for key, low in (("n_h", 1), ("seed", 0), ("iterations", 1), ("seeds", 1)):
        value = s[key]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{key} inválido: {value!r}. Debe ser un entero mayor o igual que {low}.")
        s[key] = int(value)
    return s


def explore(**settings):
    """Train the configuration ``settings`` (see ``DEFAULTS``) and draw it; returns an ``Exploration``."""
    start = time.perf_counter()
    s = check_settings(**settings)
    X, Y = nn.load_dataset(s["dataset"])
    common = {"n_h": s["n_h"], "learning_rate": s["learning_rate"], "iterations": s["iterations"]}
    common |= {"init": s["init"], "loss": s["loss"]}
    result = training.train(X, Y, seed=s["seed"], **common)
    seeds = training.train_seeds(X, Y, seeds=range(s["seeds"]), **common)
    figure = draw(result, seeds, X, Y)
    return Exploration(s, result, seeds, figure, time.perf_counter() - start)


def draw(result, seeds, X, Y):
    """One figure, four panels: cost, decision boundary, weights and biases, seeds' final cost."""
    fig, axes = plotting.figure(9.5, 6.6, MARGINS, nrows=2, ncols=2, column_gap=0.9, row_gap=0.75)
    cost, boundary, params, spread = axes[0][0], axes[0][1], axes[1][0], axes[1][1]
    name = vocab.loss(result.loss)
    figures.plot_costs(cost, result.costs, color=name.color, lw=2)
    cost.set(title="Costo por iteración", xlabel="Iteración", ylabel=name.cost_label)
    if np.all(np.isfinite(result.costs)) and np.all(result.costs > 0):
        cost.set_yscale("log")
    cost.grid(alpha=0.3, which="both")
    figures.plot_decision_boundary(boundary, result.parameters, X, Y, resolution=61)
    boundary.set_title("Frontera de decisión")
    for key in nn.PARAMETER_NAMES:
        figures.plot_parameter(params, key, result.history[key])
    params.set(title="Pesos y sesgos", xlabel="Iteración", ylabel="Valor")
    params.legend(fontsize="x-small", ncols=2, loc="upper left")
    params.grid(alpha=0.3)
    figures.plot_seed_costs(spread, seeds.final_cost, seeds.solved)
    spread.set_title(f"Costo final de {seeds.seeds.size} semillas")
    spread.legend(fontsize="small")
    return fig


def status(exploration):
    """The key numbers of an exploration as one Spanish HTML paragraph (no traceback, ever)."""
    r, seeds = exploration.result, exploration.seeds
    parts = [f"Costo: {es.plain_cost(r.costs[0])} al inicio, {es.plain_cost(r.costs[-1])} al final"]
    if r.solved:
        parts.append(f"100 % de exactitud desde la iteración {r.iterations_to_solve}")
    else:
        parts.append(f"no alcanza 100 % en {r.iterations} iteraciones (exactitud final {es.fmt_pct(r.accuracy[-1])})")
    if r.diverged:
        parts.append("<strong>divergió</strong>: el costo terminó por encima de donde empezó o dejó de ser finito")
    q10, q50, q90 = np.nanquantile(seeds.final_cost, [0.1, 0.5, 0.9])
    parts.append(
        f"semillas que llegan a 100 %: {int(seeds.solved.sum())} de {seeds.seeds.size}; costo final mediano "
        f"{es.plain_cost(q50)} (percentiles 10 y 90: {es.plain_cost(q10)} y {es.plain_cost(q90)})"
    )
    text = "; ".join(parts) + f". Calculado y dibujado en {exploration.seconds:.2f} s."
    return f"<p>{text}</p>"


def figure_png(fig, dpi=FIGURE_DPI):
    """PNG bytes of a figure (what an ``ipywidgets.Image`` shows)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def controls(**initial):
    """The widgets, keyed by setting: a logarithmic α slider, menus and sliders for the rest."""
    import ipywidgets as w

    s = check_settings(**initial)
    low, high = (float(np.log10(v)) for v in LR_RANGE)
    style = {"description_width": "11em"}
    return {
        "learning_rate": w.FloatLogSlider(
            value=s["learning_rate"], base=10, min=low, max=high, step=0.05, description="Tasa α", style=style
        ),
        "init": w.Dropdown(
            options=[(vocab.init(k).short, k) for k in nn.INITS],
            value=s["init"],
            style=style,
            description="Inicialización",
        ),
        "loss": w.Dropdown(
            options=[(vocab.loss(k).short, k) for k in nn.LOSSES],
            value=s["loss"],
            style=style,
            description="Función de costo",
        ),
        "n_h": w.IntSlider(
            value=s["n_h"], min=N_H_RANGE[0], max=N_H_RANGE[1], description="Neuronas ocultas", style=style
        ),
        "seed": w.BoundedIntText(value=s["seed"], min=0, max=10_000, description="Semilla", style=style),
        "iterations": w.SelectionSlider(
            options=ITERATIONS, value=s["iterations"], description="Iteraciones", style=style
        ),
        "dataset": w.Dropdown(
            options=[(k.upper(), k) for k in nn.DATASETS], value=s["dataset"], style=style, description="Datos"
        ),
    }


def app(**initial):
    """The explorer: controls on the left, the figure and the numbers on the right; redraws on change.

    Returns the ``ipywidgets.HBox``; ``app.update`` (an attribute of it) redraws by hand.
    """
    import ipywidgets as w

    knobs = controls(**initial)
    picture = w.Image(format="png", layout=w.Layout(width="100%", max_width="760px"))
    numbers = w.HTML()

    def update(_change=None):
        try:
            found = explore(**{key: widget.value for key, widget in knobs.items()})
        except ValueError as error:  # a value the widgets should not allow: say it, keep the old picture
            numbers.value = f"<p><strong>Ajuste inválido:</strong> {html.escape(str(error))}</p>"
            return None
        picture.value = figure_png(found.figure)
        numbers.value = status(found)
        return found

    for widget in knobs.values():
        widget.observe(update, names="value")
    box = w.HBox([w.VBox(list(knobs.values())), w.VBox([picture, numbers])])
    box.update = update
    update()
    return box
