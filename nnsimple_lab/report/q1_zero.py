"""Question 1, why zeros stand still: the labels' gradient, the saddle point, the symmetry, AND; the conclusion.

Sentences of the findings of ``symmetry`` (computed in the report) and of the grid's runs
(``q1_init``). Each says only what its finding holds.
"""

from __future__ import annotations

import numpy as np

import nnsimple as nn
from nnsimple_lab import training, vocab
from nnsimple_lab.report.es import (
    alpha,
    fmt_cost,
    fmt_int,
    fmt_pct,
    fmt_sci,
    fmt_value,
    join_es,
    number_word,
    param_tex,
    plural,
)
from nnsimple_lab.report.q1_init import (
    RANDOM,
    ZEROS,
    close_up_run,
    cost_name,
    init_comparison,
    losses,
    ordered_inits,
    select,
    still_facts,
    with_rates,
    zero_init_sentence,
    zero_init_stays,
)
from nnsimple_lab.report.runs import dataset, learning_rates
from nnsimple_lab.report.tables import markdown_table

AND = "and"  # the demo's data set: unbalanced labels, where the last gradient does not vanish


def symmetry_sentence(X, Y, *, loss, n_h):
    """Why db2 is or is not zero at zero init for these labels (A2 = 0.5 everywhere), with ``loss``'s
    own gradient: the backward pass itself at the zero start. X: (n_x, m), Y: (1, m)."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    zeros = nn.initialize_parameters(X.shape[0], n_h, 1, init=ZEROS)
    _, cache = nn.forward_prop(X, zeros)
    db2 = float(nn.backward_prop(X, Y, cache, zeros, loss)["db2"][0, 0])
    ones, m = int(Y.sum()), Y.size
    labels = (
        f"Las etiquetas tienen {plural(ones, 'uno')} y {plural(m - ones, 'cero')}, así que con "
        f"{vocab.loss(loss).short} "
    )
    if db2 == 0:
        return labels + (
            "$\\partial J/\\partial b_2 = \\frac{1}{m}\\sum_i dZ_2^{(i)} = 0$ también: "
            "ningún gradiente es distinto de cero y el descenso no se mueve. El punto de partida es un "
            "punto estacionario del costo."
        )
    return labels + (
        f"$\\partial J/\\partial b_2 = \\frac{{1}}{{m}}\\sum_i dZ_2^{{(i)}} = {fmt_value(db2)} \\neq 0$: "
        "solo $b_2$ recibe gradiente."
    )


def saddle_sentence(probes, figure_ref):
    """The saddle finding of ``symmetry.probe_saddle``, one probe per loss; empty when nothing holds."""
    saddles = [p for p in probes if p.saddle]
    if not saddles:
        return ""
    first = saddles[0]
    text = (
        f"Pero un punto estacionario no es necesariamente un mínimo. Evaluamos el costo "
        f"{vocab.loss(first.loss).short} en {fmt_int(first.directions)} puntos al azar a distancia "
        f"{fmt_value(first.radius).rstrip('0')} del origen: en {fmt_int(first.n_lower)} es menor que en el origen "
        f"(hasta {fmt_sci(-first.lowest)} menos) y en los otros {fmt_int(first.n_higher)} es mayor (hasta "
        f"{fmt_sci(first.highest)} más)."
    )
    for p in saddles[1:]:
        text += (
            f" Con {vocab.loss(p.loss).short}, {fmt_int(p.n_lower)} de {fmt_int(p.directions)} son más bajos "
            f"(hasta {fmt_sci(-p.lowest)} menos)."
        )
    return text + (
        f" La {figure_ref} muestra el costo a lo largo de la dirección que más baja y de la que más sube. Con "
        "puntos más bajos y más altos alrededor, el origen es un punto de silla: el descenso de gradiente se queda "
        "en él solo porque parte exactamente de él, donde el gradiente vale cero."
    )


def symmetric_sentence(start):
    """The identical-units finding of ``symmetry.symmetric_start``; empty when the units did not stay equal."""
    if start is None or not start.identical:
        return ""
    n = len(start.seeds)
    text = (
        "Tampoco basta con pesos distintos de cero si las neuronas ocultas son iguales. Partimos de los pesos "
        + (f"aleatorios de la semilla {start.seeds[0]}" if n == 1 else f"aleatorios de cada una de {n} semillas")
        + f", pero con cada neurona oculta copia de la primera, y entrenamos con {alpha(start.learning_rate)} y "
        f"{vocab.loss(start.loss).short}: en las {fmt_int(start.iterations)} iteraciones las neuronas siguen "
        f"idénticas bit a bit {'en la red' if n == 1 else 'en todas las redes'}, porque reciben el mismo gradiente"
    )
    if start.best_accuracy < 1:
        no_net = "la red no" if n == 1 else "ninguna red"
        text += f", y {no_net} pasa de {fmt_pct(start.best_accuracy)} de exactitud en ninguna iteración"
        if start.n_solved_random is not None:
            k, name = start.n_solved_random, start.data.name
            plain = f"la red {'resuelve' if k else 'no resuelve'} {name}" if n == 1 else f"resuelven {name} {k} de {n}"
            text += f" (desde los mismos pesos sin copiar, {plain})"
        if start.data.separable is False:  # the reason holds only for data no straight line splits
            text += (
                ". Neuronas ocultas idénticas valen por una sola: la salida depende de la entrada solo a través de "
                f"$w \\cdot x + b$, la frontera de decisión es una recta, y ninguna recta separa {start.data.name}"
            )
    return text + "."


def and_demo(learning_rate, iterations, *, loss, n_h):
    """Train the grid's network (``n_h`` hidden neurons) on AND from zeros (milliseconds): the unbalanced-labels
    case of question 1."""
    X, Y = nn.load_dataset(AND)
    return training.train(X, Y, n_h=n_h, learning_rate=learning_rate, iterations=iterations, init=ZEROS, loss=loss)


def parameter_change_table(result):
    """Per parameter entry of a ``training.TrainResult``: initial, final, largest |change|."""
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
    """When only b2 moved: one output for every input, and the cost it reached; "it learns how many ones there
    are" only when that output is, as printed, the share of ones (a rate too large or a budget too short may
    leave it elsewhere, and the cost may even rise)."""
    outs = np.unique(np.round(result.A2.ravel(), 12))
    if len(outs) != 1:
        return ""
    share = float(Y.mean())
    first, last = result.costs[0], result.costs[-1]
    text = (
        f" La salida es la misma para las {number_word(Y.size)} entradas "
        f"($A_2 = {fmt_value(outs[0])}$; la proporción de unos en las etiquetas es {fmt_value(share)}) "
        f"y el costo {'baja' if last < first else 'sube'} de {cost_name(first)} a {fmt_cost(last)}: sin pesos que "
        "distingan las entradas, "
    )
    if fmt_value(outs[0]) == fmt_value(share):
        text += "la red solo aprende cuántos unos hay."
    else:
        text += (
            f"lo más que la red puede aprender es cuántos unos hay, pero en {fmt_int(result.iterations)} iteraciones "
            "su salida no llega a esa proporción."
        )
    return text + f" Su exactitud queda en {fmt_pct(result.accuracy[-1])}."


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
    text = start + (f"solo se mueve {moved_tex}" if len(moved) == 1 else f"se mueven {moved_tex}")
    if moved == ["b2"]:
        b2 = result.history["b2"].ravel()
        text += f": pasa de {fmt_value(b2[0])} a {fmt_value(b2[-1])} en {fmt_int(result.iterations)} iteraciones"
    if still:
        text += ", mientras " + join_es(f"${param_tex(k)}$" for k in still) + " siguen exactamente en 0"
    return text + "." + (_and_outputs_text(result, Y) if moved == ["b2"] else "")


# ---------------------------------------------------------------- conclusion


def _zeros_conclusion(runs, probes, seeded_moves):
    """Question 1's conclusion about zero initialisation: the grid's runs, then the saddle if it holds.
    ``seeded_moves``: the close-up's seeded run moved, so "they converge differently" is shown."""
    zeros = select(runs, init=ZEROS, ok=True)
    saddle = any(p.saddle for p in probes)
    tail = " El origen es un punto de silla del costo, no un mínimo." if saddle else ""
    still = bool(zeros) and zero_init_stays(runs)
    if still or (zeros and _only_output_bias_moves(zeros)):
        rates = sorted({r.learning_rate for r in zeros})
        iterations = sorted({r.record.iterations for r in zeros})
        budget = f"en {fmt_int(iterations[0])} iteraciones" if len(iterations) == 1 else "en cada ejecución"
        lead = ("Sí convergen distinto. " if seeded_moves else "") + (
            f"Inicializados en ceros, {budget} y {with_rates(rates, learning_rates(runs))}, "
        )
        if still:
            values = join_es(
                f"{cost_name(still_facts(select(zeros, loss=x)[0]).first_cost)} con {vocab.loss(x).short}"
                for x in losses(zeros)
            )
            return (
                f"{lead}los pesos y sesgos no se mueven nunca, porque todos los gradientes son exactamente cero; el "
                f"costo se queda en {values}." + tail
            )
        accuracies = sorted({still_facts(r).final_accuracy for r in zeros})
        accuracy = fmt_pct(accuracies[0])
        if len(accuracies) > 1:
            accuracy = f"de {fmt_pct(accuracies[0])} a {fmt_pct(accuracies[-1])}"
        m = len(still_facts(zeros[0]).outputs)
        return (
            f"{lead}$W_1$, $b_1$ y $W_2$ no se mueven nunca; solo cambia $b_2$, así que la red da la misma salida a "
            f"las {number_word(m)} entradas y no puede distinguirlas (exactitud final {accuracy})." + tail
        )
    if zeros:
        return "Inicializados en ceros, los parámetros no se quedan quietos en todas las ejecuciones. " + (
            zero_init_sentence(runs)
        )
    if select(runs, init=ZEROS):
        return f"Ninguna ejecución con {vocab.init(ZEROS).long} terminó, así que la rejilla no da datos de esa parte."
    probe = next((p for p in probes if p.saddle), None)
    if probe is not None:
        return (
            f"La rejilla no tiene ejecuciones con {vocab.init(ZEROS).long}; el informe comprueba aquí que en ese "
            "punto todos los gradientes valen cero y que es un punto de silla del costo, no un mínimo."
        )
    return f"La rejilla no tiene ejecuciones con {vocab.init(ZEROS).long}."


def _only_output_bias_moves(zeros):
    """Every finished zero-initialised run kept W1, b1 and W2 at 0 (only b2 moved, if anything) and
    gave one output to every input: read from the runs' histories and outputs."""
    facts = [still_facts(r) for r in zeros]
    return all(set(f.moved) <= {"b2"} and len({round(o, 12) for o in f.outputs}) == 1 for f in facts)


def _seeded_conclusion(run):
    """What the close-up's seeded run (``close_up_run``) did, when it finished without diverging."""
    if run is None or not run.ok or run.record.diverged:
        return ""
    r = run.record
    reached = (
        f"clasifica {dataset([run]).name} sin errores desde la iteración {fmt_int(r.iterations_to_solve)}"
        if r.iterations_to_solve is not None
        else f"no alcanza 100 % de exactitud en {fmt_int(r.iterations)} iteraciones"
    )
    start = "Inicializados al azar" if run.init == RANDOM else f"Con la {vocab.init(run.init).long}"
    return (
        f"{start}, los parámetros rompen la simetría: con {alpha(run.learning_rate)} y la semilla "
        f"{r.seed} el costo {vocab.loss(run.loss).short} baja de {fmt_cost(r.costs[0])} a {fmt_cost(r.final_cost)} "
        f"y la red {reached}"
        + (f"; de {r.seeds.n_seeds} semillas resuelven {r.seeds.n_solved}." if r.seeds.n_seeds > 1 else ".")
    )


def _others_conclusion(runs, loss):
    parts = []
    for other in ordered_inits(runs):
        if other in (ZEROS, RANDOM):
            continue
        comparison = init_comparison(runs, other, loss=loss)
        if not comparison.holds:
            continue
        rates = [lr for lr, _, _ in comparison.rows]
        name = vocab.init(other).long
        if comparison.same:
            parts.append(
                f"La {name} resuelve tantas semillas como la aleatoria {with_rates(rates, learning_rates(runs))}."
            )
        else:
            diff = max(abs(a - b) for _, a, b in comparison.rows)
            parts.append(
                f"La {name} resuelve a lo sumo {plural(diff, 'semilla')} más o menos que la aleatoria "
                f"{with_rates(rates, learning_rates(runs))}."
            )
    return " ".join(parts)


def conclusion_q1(runs, loss, learning_rate, *, probes=(), symmetric=None):
    """Question 1's answer from the grid's runs and the report's experiments."""
    seeded = close_up_run(runs, loss, learning_rate)
    moved = seeded is not None and seeded.ok and not still_facts(seeded).cost_constant
    parts = [_zeros_conclusion(runs, probes, moved)]
    if symmetric is not None and symmetric.identical and symmetric.best_accuracy < 1:
        parts.append("Tampoco aprende una red cuyas neuronas ocultas empiezan iguales: siguen iguales y valen por una.")
    parts.append(_seeded_conclusion(seeded))
    parts.append(_others_conclusion(runs, loss))
    return " ".join(p for p in parts if p)


def init_columns_phrase(runs):
    """``"una columna por inicialización (ceros y aleatoria)"``, or ``"con la inicialización aleatoria"`` for one."""
    present = ordered_inits(runs)
    if len(present) == 1:
        return f"con la {vocab.init(present[0]).long}"
    return "una columna por inicialización (" + join_es(vocab.init(x).short for x in present) + ")"
