"""Question 1: do weights and biases converge differently from zeros and from random values?

Its sentences, its AND demo (trained here, in milliseconds), its table and its conclusion.
Every claim is read from the runs' histories: a zero-initialised run is said to stand still
only when its cost and every parameter are bit for bit the same at every iteration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report.es import (
    alpha,
    cap,
    finite,
    fmt_cost,
    fmt_int,
    fmt_lr,
    fmt_pct,
    fmt_value,
    join_es,
    number_word,
    param_tex,
    plural,
)
from nnsimple_lab.report.runs import find, learning_rates, losses, select
from nnsimple_lab.report.tables import markdown_table

ZEROS = "zeros"  # the question compares zero initialisation ...
RANDOM = vocab.REFERENCE_INIT  # ... with the course's random one
AND = "and"  # the demo's data set: unbalanced labels, where the last gradient does not vanish
LN2 = math.log(2)


def reference_rate(runs, loss):
    """The learning rate for question 1's close-up: the one that solves XOR best.

    Most seeds solved with random initialisation, then fastest main run, then the larger
    rate. Falls back to the largest rate the grid has; None when there are no runs.
    """
    candidates = select(runs, init=RANDOM, loss=loss, ok=True)
    if candidates:

        def score(run):
            k = run.record.iterations_to_solve
            return (-run.record.seeds.n_solved, math.inf if k is None else k, -run.learning_rate)

        return min(candidates, key=score).learning_rate
    rates = learning_rates(runs)
    return rates[-1] if rates else None


def reference_rate_sentence(runs, loss, learning_rate):
    """Why question 1 looks at this rate (as chosen by ``reference_rate``)."""
    if learning_rate is None:
        return "La rejilla no tiene ejecuciones."
    text = f"Comparamos las dos inicializaciones con la misma tasa, {alpha(learning_rate)}"
    if select(runs, init=RANDOM, loss=loss, ok=True):
        text += ", la que mejor resuelve XOR en la Pregunta 2 (más semillas resueltas y, a igualdad, la más rápida)"
    text += (
        f", y el costo {vocab.loss(loss).short}; la {vocab.init(RANDOM).long} usa la semilla principal. Cada "
        "ejecución de la rejilla, con cualquier tasa, tiene su propio cuaderno en el anexo."
    )
    return text


def columns(runs, learning_rate, loss):
    """``[(title, Run or None)]``: the zero and the random run at this rate, for figures and tables."""
    return [(cap(vocab.init(init).long), find(runs, learning_rate, init, loss)) for init in (ZEROS, RANDOM)]


def styles_phrase():
    """``"inicialización en ceros (punteada) y aleatoria (continua)"``: how the cost figure draws them."""
    zeros, random = vocab.init(ZEROS), vocab.init(RANDOM)
    return f"{zeros.long} ({vocab.style_name(zeros.style)}) y {random.short} ({vocab.style_name(random.style)})"


@dataclass(frozen=True)
class StillFacts:
    """What a run's history says about standing still (for a zero-initialised run)."""

    cost_constant: bool  # the cost is bit for bit the same at every iteration
    first_cost: float
    last_cost: float
    moved: tuple  # names of the parameters that changed at some iteration
    all_zero: bool  # every parameter is exactly 0 at every iteration
    outputs: tuple  # final A2 per example
    final_accuracy: float
    states: int  # number of evaluated states kept (iterations + 1, or results.stored_steps)
    last_state: int  # the last one: the number of iterations


def still_facts(run):
    """Read from the run's history whether it moved at all."""
    record = run.record
    costs = record.costs
    return StillFacts(
        cost_constant=bool(np.all(costs == costs[0])),
        first_cost=float(costs[0]),
        last_cost=float(costs[-1]),
        moved=tuple(name for name, h in record.history.items() if not np.all(h == h[0])),
        all_zero=all(np.all(h == 0) for h in record.history.values()),
        outputs=tuple(float(a) for a in record.A2.ravel()),
        final_accuracy=record.final_accuracy,
        states=len(costs),
        last_state=record.iterations,
    )


def _cost_name(value):
    """``0.6931`` written as ``ln 2 = 0.6931`` when it is ln 2 (BCE's cost at A2 = 0.5), else plainly."""
    if finite(value) and abs(value - LN2) <= 1e-12:
        return f"$\\ln 2 = {fmt_cost(value)}$"
    return fmt_cost(value)


def _rates_phrase(rates):
    if len(rates) == 1:
        return f"con {alpha(rates[0])}"
    return "con las tasas " + join_es(fmt_lr(r) for r in rates)


def _still_group(loss, done):
    """The shared facts of a loss's zero-initialised runs if none of them moved, else None."""
    facts = [still_facts(r) for r in done]
    if not all(f.cost_constant and f.all_zero for f in facts) or len({f.first_cost for f in facts}) != 1:
        return None
    outs = {round(o, 12) for f in facts for o in f.outputs}
    accs = {f.final_accuracy for f in facts}
    return {
        "loss": loss,
        "cost": facts[0].first_cost,
        "rates": tuple(r.learning_rate for r in done),
        "states": facts[0].states if len({(f.states, f.last_state) for f in facts}) == 1 else None,
        "last": facts[0].last_state,
        "output": outs.pop() if len(outs) == 1 else None,
        "accuracy": accs.pop() if len(accs) == 1 else None,
        "m": len(facts[0].outputs),
    }


def _still_text(groups):
    """One sentence for zero-initialised groups that share iterations, rates and outputs."""
    g = groups[0]
    when = (
        f"es el mismo en las {g['states']} evaluaciones (de la iteración 0 a la {g['last']})"
        if g["states"] is not None
        else "es el mismo en todas las iteraciones"
    )
    values = join_es(
        _cost_name(x["cost"]) + (f" con {vocab.loss(x['loss']).short}" if len(groups) > 1 else "") for x in groups
    )
    which = f" {vocab.loss(g['loss']).short}" if len(groups) == 1 else ""
    text = (
        f"Con {vocab.init(ZEROS).long}, el costo{which} {when}, {_rates_phrase(list(g['rates']))}: "
        f"exactamente {values}. Los pesos y sesgos siguen exactamente en 0"
    )
    if g["output"] is not None:
        acc = f" (exactitud {fmt_pct(g['accuracy'])})" if g["accuracy"] is not None else ""
        text += f" y la red responde $A_2 = {fmt_value(g['output'])}$ para las {number_word(g['m'])} entradas{acc}"
    return text + "."


def _moved_text(run, loss):
    """One sentence for a zero-initialised run that did move: its cost and what changed."""
    f = still_facts(run)
    short = vocab.loss(loss).short
    moved = join_es(f"${param_tex(m)}$" for m in f.moved) if f.moved else "ningún parámetro"
    if f.cost_constant:
        change = f"el costo {short} se queda en {_cost_name(f.first_cost)}"
    elif not finite(f.last_cost):
        change = f"el costo {short} diverge (deja de ser finito)"
    else:
        change = f"el costo {short} pasa de {_cost_name(f.first_cost)} a {fmt_cost(f.last_cost)}"
    return (
        f"Con {vocab.init(ZEROS).long} y {alpha(run.learning_rate)}, {change}; "
        f"cambian: {moved} (exactitud final {fmt_pct(f.final_accuracy)})."
    )


def zero_init_sentence(runs):
    """What zero initialisation did, per loss, over every rate (only what the data show)."""
    zeros = select(runs, init=ZEROS)
    if not zeros:
        return f"La rejilla no incluye {vocab.init(ZEROS).long}, así que esta pregunta no se puede responder con datos."
    parts, still = [], []
    for loss in losses(zeros):
        done, failed = select(zeros, loss=loss, ok=True), select(zeros, loss=loss, ok=False)
        if failed:
            parts.append(
                f"Con {vocab.init(ZEROS).long} y {vocab.loss(loss).short} no hay resultado para "
                + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed)
                + "."
            )
        group = _still_group(loss, done) if done else None
        if group is not None:
            still.append(group)
        else:
            parts += [_moved_text(run, loss) for run in done]
    # Groups that share rates, iterations and outputs read as one sentence; otherwise one each.
    keys = {(g["rates"], g["states"], g["output"], g["accuracy"]) for g in still}
    if len(keys) == 1:
        parts.insert(0, _still_text(still))
    else:
        parts[:0] = [_still_text([g]) for g in still]
    return " ".join(parts)


def zero_init_stays(runs, loss=None):
    """True when every zero-initialised run that ran kept its cost and parameters exactly."""
    done = select(runs, init=ZEROS, loss=loss, ok=True)
    return bool(done) and all(f.cost_constant and f.all_zero for f in map(still_facts, done))


def descent_sentence(run):
    """One run's cost from start to end and when (if ever) it reached 100 % accuracy."""
    if run is None:
        return ""
    where = f"con {alpha(run.learning_rate)}, {vocab.init(run.init).long} y {vocab.loss(run.loss).short}"
    if not run.ok:
        return f"No hay resultado {where}: {run.failure}."
    r = run.record
    n = fmt_int(r.iterations)
    if r.diverged and not finite(r.final_cost):
        return (
            f"{cap(where)} (semilla {r.seed}), el entrenamiento divergió: el costo deja de ser finito "
            "y la red no converge."
        )
    if r.diverged:
        return (
            f"{cap(where)} (semilla {r.seed}), el entrenamiento divergió: el costo sube de "
            f"{fmt_cost(r.costs[0])} a {fmt_cost(r.final_cost)} en {n} iteraciones."
        )
    text = (
        f"{cap(where)} (semilla {r.seed}), el costo baja de {fmt_cost(r.costs[0])} "
        f"a {fmt_cost(r.final_cost)} en {n} iteraciones"
    )
    if r.iterations_to_solve is not None:
        return (
            text + f" y la red clasifica bien las cuatro entradas desde la iteración {fmt_int(r.iterations_to_solve)}."
        )
    return (
        text
        + f", pero no converge a 100 % de exactitud en {n} iteraciones (exactitud final {fmt_pct(r.final_accuracy)})."
    )


def symmetry_sentence(Y):
    """Why db2 is zero at zero init for these labels: sum(A2 - Y) with A2 = 0.5 everywhere."""
    Y = np.asarray(Y).ravel()
    ones, m = int(Y.sum()), Y.size
    db2 = float(np.sum(0.5 - Y) / m)
    labels = f"Las etiquetas tienen {plural(ones, 'uno')} y {plural(m - ones, 'cero')}, así que "
    if db2 == 0:
        return labels + (
            "$\\partial J/\\partial b_2 = \\frac{1}{m}\\sum_i (0.5 - y_i) = 0$ también: "
            "ningún gradiente es distinto de cero y el descenso no se mueve. El punto de partida es un "
            "punto estacionario del costo."
        )
    return labels + (
        f"$\\partial J/\\partial b_2 = \\frac{{1}}{{m}}\\sum_i (0.5 - y_i) = {fmt_value(db2)} \\neq 0$: "
        "solo $b_2$ recibe gradiente."
    )


def q1_lead(runs, loss, learning_rate, cost_ref, params_ref):
    """The first sentence of question 1's answer: what the two figures show, only if true."""
    random_run = find(runs, learning_rate, RANDOM, loss)
    zero_run = find(runs, learning_rate, ZEROS, loss)
    both = random_run is not None and zero_run is not None and random_run.ok and zero_run.ok
    if both and zero_init_stays([zero_run]) and not still_facts(random_run).cost_constant:
        return f"La {cost_ref} y la {params_ref} muestran dos comportamientos opuestos."
    shown = [init for init, run in ((ZEROS, zero_run), (RANDOM, random_run)) if run is not None]
    if len(shown) == 2:
        return f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros de las dos inicializaciones."
    if shown:
        return f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros con {vocab.init(shown[0]).long}."
    return ""


def and_demo(learning_rate, iterations, *, loss):
    """Train on AND from zeros (milliseconds): the unbalanced-labels case of question 1."""
    X, Y = nn.load_dataset(AND)
    return nn.train(X, Y, learning_rate=learning_rate, iterations=iterations, init=ZEROS, loss=loss)


def parameter_change_table(result):
    """Per parameter entry of a ``nnsimple.TrainResult``: initial, final, largest |change|."""
    rows = []
    for name in nn.PARAMETER_NAMES:
        h = result.history[name]
        for index in np.ndindex(h.shape[1:]):
            series = h[(slice(None), *index)]
            change = float(np.max(np.abs(series - series[0])))
            entry = f"${param_tex(name)}[{','.join(map(str, index))}]$"
            rows.append([entry, fmt_value(series[0]), fmt_value(series[-1]), fmt_value(change)])
    return markdown_table(["Parámetro", "Inicial", "Final", "Mayor cambio $\\lvert\\Delta\\rvert$"], rows)


def _and_outputs_text(result, Y):
    """When only b2 moved: one output for every input, and the cost it reached."""
    outs = np.unique(np.round(result.A2.ravel(), 12))
    if len(outs) != 1:
        return ""
    return (
        f" La salida es la misma para las {number_word(Y.size)} entradas "
        f"($A_2 = {fmt_value(outs[0])}$; la proporción de unos "
        f"en las etiquetas es {fmt_value(float(Y.mean()))}) y el costo baja de {_cost_name(result.costs[0])} a "
        f"{fmt_cost(result.costs[-1])}: sin pesos que distingan las entradas, la red solo aprende "
        "cuántos unos hay. "
        f"Su exactitud queda en {fmt_pct(result.accuracy[-1])}."
    )


def and_sentence(result):
    """What moved when training AND from zeros, read from the history."""
    moved = [k for k in nn.PARAMETER_NAMES if not np.all(result.history[k] == result.history[k][0])]
    still = [k for k in nn.PARAMETER_NAMES if k not in moved]
    Y = nn.load_dataset(AND)[1].ravel()
    labels = ", ".join(str(int(y)) for y in Y)
    start = f"En AND (etiquetas {labels}) con {vocab.init(ZEROS).long} y {alpha(result.learning_rate)}, "
    if not moved:
        return start + "ningún parámetro se mueve."
    moved_tex = join_es(f"${param_tex(k)}$" for k in moved)
    text = start + f"solo se mueve {moved_tex}" if len(moved) == 1 else start + f"se mueven {moved_tex}"
    if moved == ["b2"]:
        b2 = result.history["b2"].ravel()
        text += f": pasa de {fmt_value(b2[0])} a {fmt_value(b2[-1])} en {fmt_int(result.iterations)} iteraciones"
    if still:
        text += ", mientras " + join_es(f"${param_tex(k)}$" for k in still) + " siguen exactamente en 0"
    return text + "." + (_and_outputs_text(result, Y) if moved == ["b2"] else "")


def _zeros_conclusion(runs):
    """Question 1's conclusion about the zero-initialised runs."""
    zeros = select(runs, init=ZEROS, ok=True)
    if zeros and zero_init_stays(runs):
        values = join_es(
            f"{_cost_name(still_facts(select(zeros, loss=x)[0]).first_cost)} con {vocab.loss(x).short}"
            for x in losses(zeros)
        )
        return (
            "Sí convergen distinto: inicializados en ceros, los pesos y sesgos no se mueven nunca, porque todos "
            f"los gradientes son exactamente cero; el costo se queda en {values}, con cualquier tasa."
        )
    if zeros:
        return (
            "Inicializados en ceros, los parámetros no se quedan quietos en todas las ejecuciones: "
            + zero_init_sentence(runs)
        )
    if select(runs, init=ZEROS):
        return f"Ninguna ejecución con {vocab.init(ZEROS).long} terminó, así que no hay datos para esa parte."
    return f"La rejilla no tiene ejecuciones con {vocab.init(ZEROS).long}."


def conclusion_q1(runs, loss, learning_rate):
    """One sentence answering question 1 from the results."""
    parts = [_zeros_conclusion(runs)]
    random_run = find(runs, learning_rate, RANDOM, loss) if learning_rate is not None else None
    if random_run is not None and random_run.ok and not random_run.record.diverged:
        r = random_run.record
        reached = (
            f"clasifica XOR sin errores desde la iteración {fmt_int(r.iterations_to_solve)}"
            if r.iterations_to_solve is not None
            else f"no llega a 100 % de exactitud en {fmt_int(r.iterations)} iteraciones"
        )
        parts.append(
            f"Inicializados al azar, rompen la simetría: con {alpha(learning_rate)} el costo "
            f"{vocab.loss(loss).short} baja de {fmt_cost(r.costs[0])} a {fmt_cost(r.final_cost)} "
            f"y la red {reached}."
        )
    return " ".join(parts)
