"""Question 1 from the grid's runs: do weights and biases converge differently from zeros and at random?

The rate it looks at, what the zero-initialised runs did (read bit for bit from their
histories), the main random run's descent, every other initialisation of the grid (Xavier)
against the random one, and the conclusion. Why zeros stand still (the saddle point, the
symmetry, the AND demo) is ``q1_zero``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnsimple_lab import vocab
from nnsimple_lab.report.es import (
    alpha,
    cap,
    finite,
    fmt_cost,
    fmt_int,
    fmt_pct,
    fmt_value,
    join_es,
    number_word,
    param_tex,
    plural,
    rates_phrase,
)
from nnsimple_lab.report.findings import best, compare_counts
from nnsimple_lab.report.runs import common, dataset, find, inits, learning_rates, losses, most_solving, select

ZEROS = "zeros"  # the question compares zero initialisation ...
RANDOM = vocab.REFERENCE_INIT  # ... with the course's random one
XAVIER = "xavier"  # the other seeded one: it chooses the rate when the grid has no random run
LN2 = math.log(2)


def ordered_inits(runs):
    """The grid's initialisations: zeros, random, then the others in grid order."""
    present = inits(runs)
    return [x for x in (ZEROS, RANDOM) if x in present] + [x for x in present if x not in (ZEROS, RANDOM)]


def choosing_init(runs, loss):
    """The initialisation whose finished runs choose question 1's rate: the course's random one,
    else Xavier's (seeded too), else the first the grid has; None when no run of ``loss`` finished."""
    finished = {r.init for r in select(runs, loss=loss, ok=True)}
    return next((x for x in (RANDOM, XAVIER, *ordered_inits(runs)) if x in finished), None)


def _solved_by_rate(runs, loss):
    """``[(rate, seeds solved)]`` of the finished runs of ``choosing_init``."""
    chooser = choosing_init(runs, loss)
    return [(r.learning_rate, r.record.seeds.n_solved) for r in select(runs, init=chooser, loss=loss, ok=True)]


def reference_rate(runs, loss):
    """The learning rate of question 1's close-up: the one that solves XOR best with random weights
    (with ``choosing_init``'s when the grid has no random run of ``loss`` that finished).

    ``runs.most_solving``: most seeds solved, then a main run that did not diverge, then the main run
    reaching 100 % first, then the larger rate. Falls back to the largest rate of the grid when no
    run of ``loss`` finished; None when the grid has no runs.
    """
    chooser = choosing_init(runs, loss)
    chosen = most_solving(select(runs, init=chooser, loss=loss, ok=True)) if chooser else None
    if chosen is not None:
        return chosen.learning_rate
    rates = learning_rates(runs)
    return rates[-1] if rates else None


def close_up_run(runs, loss, learning_rate):
    """The seeded run of question 1's close-up: ``choosing_init``'s at ``learning_rate`` (None when the
    grid has no seeded initialisation, or no such run)."""
    chooser = choosing_init(runs, loss)
    if chooser in (None, ZEROS) or learning_rate is None:
        return None
    return find(runs, learning_rate, chooser, loss)


def _why_this_rate(runs, loss, learning_rate):
    """Why ``reference_rate`` chose this rate, with its tie if it has one."""
    chooser = choosing_init(runs, loss)
    if chooser is None:
        return ": ninguna de sus ejecuciones terminó, así que tomamos la mayor tasa de la rejilla"
    ranking = best(_solved_by_rate(runs, loss))
    run = find(runs, learning_rate, chooser, loss)
    if not ranking.holds or ranking.best == 0 or run is None or not run.ok:
        return ""
    n = run.record.seeds.n_seeds
    with_init = "" if chooser == RANDOM else f" con la {vocab.init(chooser).long}"
    tied = [r for r in ranking.winners if r != learning_rate]
    if ranking.all_tied and len(ranking.values) > 1:
        seeds = plural(n, "semilla")
        why = f"todas las tasas de la rejilla resuelven {ranking.best} de {seeds}{with_init} y esta es la que"
        return f": {why} antes llega a 100 % de exactitud con la semilla principal"
    if tied:
        others = join_es(alpha(r) for r in tied)
        return (
            f": entre las tasas de la rejilla, resuelve más semillas{with_init} ({ranking.best} de {n}, igual que "
            f"{others}) y, de ellas, es la que antes llega a 100 % de exactitud con la semilla principal"
        )
    return f": entre las tasas de la rejilla, la que resuelve más semillas{with_init} ({ranking.best} de {n})"


def reference_rate_sentence(runs, loss, learning_rate):
    """Which rate and loss question 1 looks at, and why (as chosen by ``reference_rate``)."""
    if learning_rate is None:
        return "La rejilla no tiene ejecuciones."
    present = ordered_inits(runs)
    names = join_es(vocab.init(x).short for x in present)
    if len(present) == 1:
        text = f"La rejilla solo tiene la {vocab.init(present[0]).long}; la usamos con {alpha(learning_rate)}"
    else:
        text = (
            f"Comparamos las {number_word(len(present))} inicializaciones ({names}) con la misma tasa, "
            f"{alpha(learning_rate)}"
        )
    if len(learning_rates(runs)) == 1:
        text += ", la única de la rejilla"
    else:
        text += _why_this_rate(runs, loss, learning_rate)
    return text + (
        f". Usamos el costo {vocab.loss(loss).short}, y cada inicialización al azar usa la semilla principal. Cada "
        "ejecución de la rejilla tiene su propio cuaderno en el anexo."
    )


def columns(runs, learning_rate, loss):
    """``[(title, Run or None)]``: one column per initialisation of the grid at this rate."""
    return [(cap(vocab.init(x).long), find(runs, learning_rate, x, loss)) for x in ordered_inits(runs)]


def styles_phrase(runs):
    """``"inicialización en ceros (punteada) y aleatoria (continua)"``: how the cost figure draws them."""
    entries = [vocab.init(x) for x in ordered_inits(runs)]
    if len(entries) == 1:
        return f"{entries[0].long} ({vocab.style_name(entries[0].style)})"
    first, rest = entries[0], entries[1:]
    return join_es(
        [f"{first.long} ({vocab.style_name(first.style)})"] + [f"{e.short} ({vocab.style_name(e.style)})" for e in rest]
    )


# ---------------------------------------------------------------- zero initialisation in the grid


@dataclass(frozen=True)
class StillFacts:
    """What a run's history says about standing still (for a zero-initialised run)."""

    cost_constant: bool  # the cost is bit for bit the same at every stored state
    first_cost: float
    last_cost: float
    moved: tuple  # names of the parameters that changed at some state
    all_zero: bool  # every parameter is exactly 0 at every stored state
    outputs: tuple  # final A2 per example
    final_accuracy: float
    iterations: int  # updates made (from the run's summary, not from its curves)


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
        iterations=record.iterations,
    )


def cost_name(value):
    """``0.6931`` written as ``ln 2 = 0.6931`` when it is ln 2 (BCE's cost at A2 = 0.5), else plainly."""
    if finite(value) and abs(value - LN2) <= 1e-12:
        return f"$\\ln 2 = {fmt_cost(value)}$"
    return fmt_cost(value)


def with_rates(rates, among):
    """``"con α = 0.5"``, ``"con las tasas 0.01, 0.1 y 0.5"``, ``"con las 9 tasas de la rejilla (de 0.001 a 5.0)"``
    when ``rates`` are all of ``among`` (the grid's), else ``"con 6 de las 9 tasas de la rejilla, entre … y …"``."""
    if len(rates) == 1:
        return f"con {alpha(rates[0])}"
    if len(rates) <= 4:
        return "con las tasas " + rates_phrase(rates)
    low, high = rates_phrase([min(rates)]), rates_phrase([max(rates)])
    if len(set(rates)) == len(set(among)):
        return f"con las {len(rates)} tasas de la rejilla (de {low} a {high})"
    return f"con {len(rates)} de las {len(set(among))} tasas de la rejilla, entre {low} y {high}"


def _still_group(loss, done, among):
    """The shared facts of a loss's zero-initialised runs if none of them moved, else None."""
    facts = [still_facts(r) for r in done]
    if not all(f.cost_constant and f.all_zero for f in facts) or len({f.first_cost for f in facts}) != 1:
        return None
    outs = {round(o, 12) for f in facts for o in f.outputs}
    accs = {f.final_accuracy for f in facts}
    return {
        "loss": loss,
        "cost": facts[0].first_cost,
        "rates": tuple(sorted(r.learning_rate for r in done)),
        "among": tuple(among),
        "iterations": facts[0].iterations if len({f.iterations for f in facts}) == 1 else None,
        "output": outs.pop() if len(outs) == 1 else None,
        "accuracy": accs.pop() if len(accs) == 1 else None,
        "m": len(facts[0].outputs),
    }


def _still_text(groups):
    """One sentence for zero-initialised groups that share iterations, rates and outputs."""
    g = groups[0]
    when = (
        f"es el mismo en todas las iteraciones, de la 0 a la {fmt_int(g['iterations'])}"
        if g["iterations"] is not None
        else "es el mismo en todas las iteraciones"
    )
    values = join_es(
        cost_name(x["cost"]) + (f" con {vocab.loss(x['loss']).short}" if len(groups) > 1 else "") for x in groups
    )
    which = f" {vocab.loss(g['loss']).short}" if len(groups) == 1 else ""
    text = (
        f"Con {vocab.init(ZEROS).long}, el costo{which} {when}, {with_rates(list(g['rates']), g['among'])}: "
        f"exactamente {values}. Los pesos y sesgos siguen exactamente en 0"
    )
    if g["output"] is not None:
        acc = f" (exactitud {fmt_pct(g['accuracy'])})" if g["accuracy"] is not None else ""
        text += f" y la red responde $A_2 = {fmt_value(g['output'])}$ para las {number_word(g['m'])} entradas{acc}"
    return text + "."


def _moved_texts(done, loss, among):
    """The zero-initialised runs of ``loss`` that did move: one sentence per outcome, with its rates."""
    said = {}
    for run in done:
        f = still_facts(run)
        short = vocab.loss(loss).short
        if f.cost_constant:
            change = f"el costo {short} se queda en {cost_name(f.first_cost)}"
        elif not finite(f.last_cost):
            change = f"el costo {short} diverge (deja de ser finito)"
        else:
            change = f"el costo {short} pasa de {cost_name(f.first_cost)} a {fmt_cost(f.last_cost)}"
        names = [f"${param_tex(m)}$" for m in f.moved]
        moved = (
            "no cambia ningún parámetro"
            if not names
            else (f"solo cambia {names[0]}" if len(names) == 1 else f"cambian {join_es(names)}")
        )
        said.setdefault(f"{change}; {moved} (exactitud final {fmt_pct(f.final_accuracy)})", []).append(
            run.learning_rate
        )
    return [f"{cap(with_rates(rates, among))} e {vocab.init(ZEROS).long}, {what}." for what, rates in said.items()]


def zero_init_sentence(runs):
    """What zero initialisation did, per loss, over every rate (only what the data show)."""
    zeros = select(runs, init=ZEROS)
    if not zeros:
        return (
            f"La rejilla no incluye {vocab.init(ZEROS).long}: lo que le pasa se ve abajo, en los experimentos "
            "que el informe ejecuta aquí mismo."
        )
    parts, still = [], []
    for loss in losses(zeros):
        done, failed = select(zeros, loss=loss, ok=True), select(zeros, loss=loss, ok=False)
        if failed:
            parts.append(
                f"Con {vocab.init(ZEROS).long} y {vocab.loss(loss).short} no hay resultado para "
                + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed[:4])
                + "."
            )
        group = _still_group(loss, done, learning_rates(runs)) if done else None
        if group is not None:
            still.append(group)
        else:
            parts += _moved_texts(done, loss, learning_rates(runs))
    # Groups that share rates, iterations and outputs read as one sentence; otherwise one each.
    keys = {(g["rates"], g["iterations"], g["output"], g["accuracy"]) for g in still}
    if len(keys) == 1:
        parts.insert(0, _still_text(still))
    else:
        parts[:0] = [_still_text([g]) for g in still]
    return " ".join(parts)


def zero_init_stays(runs, loss=None):
    """True when every zero-initialised run that ran kept its cost and parameters exactly."""
    done = select(runs, init=ZEROS, loss=loss, ok=True)
    return bool(done) and all(f.cost_constant and f.all_zero for f in map(still_facts, done))


# ---------------------------------------------------------------- random (and other) initialisations


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
        return f"{cap(where)} (semilla {r.seed}), el entrenamiento divergió: el costo deja de ser finito."
    if r.diverged:
        return (
            f"{cap(where)} (semilla {r.seed}), el entrenamiento divergió: el costo sube de "
            f"{fmt_cost(r.costs[0])} a {fmt_cost(r.final_cost)} en {n} iteraciones."
        )
    text = (
        f"{cap(where)} (semilla {r.seed}), el costo baja de {fmt_cost(r.costs[0])} a "
        f"{fmt_cost(r.final_cost)} en {n} iteraciones"
    )
    if r.iterations_to_solve is not None:
        return (
            text + f" y la red clasifica bien las cuatro entradas desde la iteración {fmt_int(r.iterations_to_solve)}."
        )
    return text + f", pero no alcanza 100 % de exactitud (exactitud final {fmt_pct(r.final_accuracy)})."


def init_comparison(runs, other, *, loss):
    """``CountComparison`` of seeds solved per rate: the random initialisation against ``other``."""
    rows = []
    for lr in learning_rates(runs):
        a, b = find(runs, lr, RANDOM, loss), find(runs, lr, other, loss)
        if a is not None and b is not None and a.ok and b.ok:
            rows.append((lr, a.record.seeds.n_solved, b.record.seeds.n_solved))
    return compare_counts(rows)


def other_init_sentence(runs, other, *, loss):
    """An initialisation besides zeros and random: the seeds it solves against the random one, rate by rate."""
    entry, random = vocab.init(other), vocab.init(RANDOM)
    comparison = init_comparison(runs, other, loss=loss)
    if not comparison.holds:
        return f"No hay ejecuciones terminadas con {entry.long} y {random.long} a la misma tasa."
    n = common(select(runs, init=other, loss=loss, ok=True), lambda r: r.seeds.n_seeds)
    start = f"Con la {entry.long} ({plural(n, 'semilla')}, {vocab.loss(loss).short})" if n else f"Con la {entry.long}"
    rows = comparison.rows
    if comparison.same:
        where = (
            with_rates([lr for lr, _, _ in rows], learning_rates(runs))
            if len(rows) <= 4
            else f"en las {len(rows)} tasas (anexo)"
        )
        return f"{start} resuelven {dataset(runs).name} tantas semillas como con la {random.long}, {where}."
    if len(rows) <= 4:
        counts = join_es(f"{b} frente a {a} con {alpha(lr)}" for lr, a, b in rows)
        text = f"{start} resuelven {dataset(runs).name} {counts} de la {random.long}"
        if comparison.never_fewer:
            text += ": nunca menos"
        elif comparison.never_more:
            text += ": nunca más"
        return text + "."
    parts = [
        f"{word} con {len(keys)}"
        for keys, word in ((comparison.more, "más"), (comparison.fewer, "menos"), (comparison.equal, "las mismas"))
        if keys
    ]
    return f"{start}, frente a la aleatoria resuelve {join_es(parts)} de las {len(rows)} tasas (anexo)."


def xavier_scale_sentence(runs, n_h):
    """What the Xavier scheme does to the course's draws, when the grid has it."""
    if "xavier" not in inits(runs):
        return ""
    return (
        f"La {vocab.init('xavier').long} usa las mismas extracciones que la aleatoria, divididas por la raíz del "
        f"número de entradas de cada capa [@glorot2010]: "
        + ("$\\sqrt{2}$ en las dos capas" if n_h == 2 else f"$\\sqrt{{2}}$ en $W_1$ y $\\sqrt{{{n_h}}}$ en $W_2$")
        + ", así que parte con pesos más pequeños."
    )


def q1_lead(runs, loss, learning_rate, cost_ref, params_ref):
    """The first sentence of question 1's answer: what the two figures show, only if true."""
    random_run = find(runs, learning_rate, RANDOM, loss)
    zero_run = find(runs, learning_rate, ZEROS, loss)
    both = random_run is not None and zero_run is not None and random_run.ok and zero_run.ok
    if both and zero_init_stays([zero_run]) and not still_facts(random_run).cost_constant:
        return f"La {cost_ref} y la {params_ref} muestran dos comportamientos opuestos."
    shown = [x for x in ordered_inits(runs) if find(runs, learning_rate, x, loss) is not None]
    if len(shown) > 1:
        return (
            f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros de las "
            f"{number_word(len(shown))} inicializaciones."
        )
    if shown:
        return f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros con {vocab.init(shown[0]).long}."
    return ""
