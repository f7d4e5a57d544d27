"""Question 3 from the grid's runs: what changes when MSE is the cost and is backpropagated?

The gradient check (every loss of the grid, MSE, and the common mistake: MSE's cost with BCE's
dZ2), then every loss of the grid against the reference loss (BCE) on common ground: seeds
solved and, over the seeds both solve, iterations; and how confident the outputs end. Raw cost
values of two losses are never compared. The matched-step comparison and the scan are ``q3_step``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report.es import (
    alpha,
    cap,
    fmt_cost,
    fmt_median,
    fmt_rate,
    fmt_ratio,
    fmt_sci,
    fmt_value,
    join_es,
    plural,
)
from nnsimple_lab.report.findings import compare_counts, paired_ratio
from nnsimple_lab.report.q1_init import ZEROS, still_facts
from nnsimple_lab.report.runs import common, dataset, find, learning_rates, losses, select, unique
from nnsimple_lab.report.tables import markdown_table

QUESTION_LOSS = "mse"  # the question asks what changes with MSE
REFERENCE = vocab.REFERENCE_LOSS  # every other loss is compared against it
# The common mistake: MSE's cost, backpropagated with BCE's dZ2 = (A2 - Y) / m.
NAIVE_COST, NAIVE_GRADIENT = QUESTION_LOSS, REFERENCE
GRADIENT_TOLERANCE = 1e-7  # relative error below which a backward pass is right
MANY = 4  # more rates than this: sentences summarise and tables list


def compared_losses(runs):
    """The grid's losses other than the reference, in grid order."""
    return [x for x in losses(runs) if x != REFERENCE]


def comparison_losses(runs):
    """The reference loss, then every loss compared with it: the curves of the comparison figures."""
    return [REFERENCE, *compared_losses(runs)]


def checked_losses(runs):
    """The losses whose gradient the question checks and draws: the reference, MSE, every loss of the grid."""
    return unique([REFERENCE, QUESTION_LOSS, *losses(runs)])


def dz2_functions(runs):
    """``"`bce_dZ2` y `mse_dZ2`"``: the ``nnsimple`` functions behind the dZ2 of ``checked_losses``."""
    return join_es(unique(f"`{nn.LOSSES[x].dZ2.__name__}`" for x in checked_losses(runs)))


def styles_phrase(runs):
    """``"BCE (continua) y MSE (discontinua)"``: how the comparison figures draw each loss."""
    entries = [vocab.loss(x) for x in comparison_losses(runs)]
    return join_es(f"{e.short} ({vocab.style_name(e.style)})" for e in entries)


def names_phrase(runs):
    """``"BCE y MSE"``: the losses of the comparison."""
    return join_es(vocab.loss(x).short for x in comparison_losses(runs))


# ---------------------------------------------------------------- the gradient check


@dataclass(frozen=True)
class GradientCheck:
    """One backward pass checked against central differences of a cost."""

    label: str  # "BCE", "MSE correcto", "MSE con el dZ2 de la BCE"
    cost: str  # the loss whose cost is differentiated numerically
    gradient: str  # the loss whose dZ2 the backward pass uses
    error: float  # relative error

    @property
    def correct(self):
        return self.error < GRADIENT_TOLERANCE


def is_naive(cost, gradient):
    """True when the cost of ``cost`` and the dZ2 of ``gradient`` are MSE's cost and BCE's dZ2."""
    naive_cost, naive_dz2 = nn.LOSSES[NAIVE_COST].cost, nn.LOSSES[NAIVE_GRADIENT].dZ2
    return nn.LOSSES[cost].cost is naive_cost and nn.LOSSES[gradient].dZ2 is naive_dz2


def _label(cost, gradient):
    short = vocab.loss(cost).short
    if cost != gradient:  # the mistaken row: MSE's cost with BCE's gradient
        return f"{short} con el $dZ_2$ de {vocab.loss(gradient).short}"
    return f"{short} correcto" if cost == NAIVE_COST else short


def gradient_check_rows(X, Y, parameters, *, loss_keys):
    """``[GradientCheck]`` for every loss of ``loss_keys`` (``checked_losses``) and the naive MSE.

    X: (n_x, m), Y: (1, m), ``parameters`` W1, b1, W2, b2. The naive row is left out when a
    loss of ``loss_keys`` already is it (the same two functions): the same row twice says nothing.
    """
    cases = [(x, x) for x in loss_keys]
    if not any(is_naive(x, x) for x in loss_keys):
        cases.append((NAIVE_COST, NAIVE_GRADIENT))
    return [
        GradientCheck(label=_label(c, g), cost=c, gradient=g, error=nn.gradient_check(X, Y, parameters, c, grad_loss=g))
        for c, g in cases
    ]


def gradient_check_table(rows):
    """The gradient-check rows as pipe-markdown, with the verdict against the tolerance."""
    body = [
        [
            row.label,
            vocab.loss(row.cost).short,
            f"${vocab.loss(row.gradient).dz2_tex}$",
            fmt_sci(row.error),
            "correcto" if row.correct else "incorrecto",
        ]
        for row in rows
    ]
    header = ["Retropropagación", "Costo derivado numéricamente", "$dZ_2$ que usa", "Error relativo", "Veredicto"]
    return markdown_table(header, body)


def _of(row):
    """ "de la BCE" / "del MSE correcto": the preposition and article a row's name takes."""
    return f"del {row.label}" if vocab.loss(row.cost).article == "el" else f"de la {row.label}"


def gradient_check_sentence(rows):
    """What the gradient check says, with its numbers and the tolerance."""
    ok = [row for row in rows if row.correct]
    bad = [row for row in rows if not row.correct]
    tol = fmt_sci(GRADIENT_TOLERANCE, digits=1)
    parts = []
    if ok:
        names = join_es(f"la {_of(row)} (error relativo {fmt_sci(row.error)})" for row in ok)
        verb = "coincide" if len(ok) == 1 else "coinciden"
        parts.append(f"La retropropagación {names[3:]} {verb} con las diferencias finitas (umbral {tol}).")
    if bad:
        names = join_es(f"la {_of(row)} (error relativo {fmt_sci(row.error)})" for row in bad)
        parts.append(
            f"{cap(names)} no: su gradiente no es el del costo que se imprime, así que el descenso optimiza "
            "otra función."
        )
    return " ".join(parts)


# ---------------------------------------------------------------- training: each loss against the reference


def loss_pairs(runs, *, init, loss):
    """``[(lr, reference_run, run)]`` for every rate where the grid has both the reference and ``loss``, both done."""
    out = []
    for lr in learning_rates(runs):
        b, m = find(runs, lr, init, REFERENCE), find(runs, lr, init, loss)
        if b is not None and m is not None and b.ok and m.ok:
            out.append((lr, b, m))
    return out


def has_comparison(runs, *, init):
    """True when some rate has finished runs of the reference loss and of another loss."""
    return any(loss_pairs(runs, init=init, loss=x) for x in compared_losses(runs))


def _pair_cells(b, m):
    """Seeds solved by each and by both; medians over the seeds both solve; the median ratio."""
    ratio = paired_ratio(b.record.seeds.iterations_to_solve, m.record.seeds.iterations_to_solve)
    n = b.record.seeds.n_seeds
    return [
        f"{b.record.seeds.n_solved}/{n}",
        f"{m.record.seeds.n_solved}/{n}",
        str(ratio.n_both),
        fmt_median(ratio.median_a),
        fmt_median(ratio.median_b),
        fmt_ratio(ratio.median_ratio) if ratio.holds else "—",
    ]


def loss_comparison_table(runs, *, init):
    """Every loss against the reference, per rate, over the same seeds: solved, medians and their ratio."""
    others = compared_losses(runs)
    ref = vocab.loss(REFERENCE).short
    rows = []
    for x in others:
        for lr, b, m in loss_pairs(runs, init=init, loss=x):
            rows.append([fmt_rate(lr), *([vocab.loss(x).short] if len(others) > 1 else []), *_pair_cells(b, m)])
    name = vocab.loss(others[0]).short if len(others) == 1 else "el otro"
    header = ["$\\alpha$", *(["Comparado"] if len(others) > 1 else [])]
    header += [f"Resueltas con {ref}", f"Resueltas con {name}", "Resueltas por ambos"]
    header += [f"Mediana {ref}", f"Mediana {name}", f"Razón {name}/{ref}"]
    return markdown_table(header, rows)


def seed_count_comparison(runs, *, init, loss):
    """``CountComparison`` of seeds solved per rate: the reference against ``loss``."""
    rows = [
        (lr, b.record.seeds.n_solved, m.record.seeds.n_solved) for lr, b, m in loss_pairs(runs, init=init, loss=loss)
    ]
    return compare_counts(rows)


def _no_comparison(runs, loss, *, init):
    """Why ``loss`` cannot be compared with the reference on the grid, with ``init``."""
    present = losses(runs)
    missing = [vocab.loss(x).short for x in (REFERENCE, loss) if x not in present]
    if missing:
        return (
            f"La rejilla no tiene ejecuciones con {join_es(missing)}: la comparación entre "
            f"{vocab.loss(REFERENCE).short} y {vocab.loss(loss).short} sale del barrido de abajo."
        )
    # Both losses are in the grid, but not both finished at one rate with this init (the others
    # may have both: the sentence says which init it speaks of).
    return (
        f"No hay ninguna tasa de la rejilla con ejecuciones terminadas de ambos costos con {vocab.init(init).long}: "
        f"la comparación entre {vocab.loss(REFERENCE).short} y {vocab.loss(loss).short} con ella sale del barrido "
        "de abajo."
    )


def _counts_text(comparison, loss, task, *, scope):
    """Seeds solved with the reference and with ``loss``, rate by rate; ``scope``: ``"inicialización
    aleatoria, 20 semillas"``, what every count covers."""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(loss).short
    rows = comparison.rows
    if len(rows) <= MANY:
        counts = "; ".join(f"{a} y {b} con {alpha(lr)}" for lr, a, b in rows)
        text = f"Semillas que resuelven {task} con {ref} y con {name}, respectivamente ({scope}): {counts}."
    else:
        text = (
            f"En {len(rows)} tasas de la rejilla ({scope}), {name} resuelve más semillas que {ref} en "
            f"{len(comparison.more)}, menos en {len(comparison.fewer)} y el mismo número en {len(comparison.equal)}."
        )
    scope = "entre las tasas de la rejilla"
    if comparison.never_more:
        text += f" {cap(scope)}, {name} nunca resuelve más semillas que {ref}."
    elif comparison.never_fewer:
        text += f" {cap(scope)}, {name} nunca resuelve menos semillas que {ref}."
    elif comparison.same and len(rows) > 1:
        text += f" {cap(scope)}, ambos resuelven las mismas cantidades."
    return text


def _speed_text(pairs, loss):
    """At equal rate, over the seeds both solve: how much longer ``loss`` takes (median ratio)."""
    ratios = [
        (lr, paired_ratio(b.record.seeds.iterations_to_solve, m.record.seeds.iterations_to_solve)) for lr, b, m in pairs
    ]
    ratios = [(lr, r) for lr, r in ratios if r.holds]
    if not ratios:
        return ""
    name, ref = vocab.loss(loss).short, vocab.loss(REFERENCE).short
    shown = ratios if len(ratios) <= MANY else [ratios[0], ratios[-1]]
    first, rest = shown[0], shown[1:]
    pieces = [
        f"{fmt_ratio(first[1].median_ratio)} veces las iteraciones de {ref} con {alpha(first[0])} "
        f"({plural(first[1].n_both, 'semilla')})"
    ]
    pieces += [f"{fmt_ratio(r.median_ratio)} veces con {alpha(lr)} ({plural(r.n_both, 'semilla')})" for lr, r in rest]
    text = f" Sobre las semillas que ambos resuelven, a la misma tasa, {name} necesita en mediana {join_es(pieces)}"
    if all(r.always_slower for _, r in ratios):
        text += "; tarda más en cada una de esas semillas"
    elif all(r.always_faster for _, r in ratios):
        text += "; tarda menos en cada una de esas semillas"
    return text + "."


def loss_comparison_sentence(runs, *, init):
    """Each loss against the reference on the grid: seeds solved per rate and, on shared seeds, the speed."""
    parts = []
    for loss in compared_losses(runs) or [QUESTION_LOSS]:
        pairs = loss_pairs(runs, init=init, loss=loss)
        if not pairs:
            parts.append(_no_comparison(runs, loss, init=init))
            continue
        n = common([run for _, *both in pairs for run in both], lambda record: record.seeds.n_seeds)
        scope = vocab.init(init).long + (f", {plural(n, 'semilla')}" if n else "")
        comparison = seed_count_comparison(runs, init=init, loss=loss)
        parts.append(_counts_text(comparison, loss, dataset(runs).name, scope=scope) + _speed_text(pairs, loss))
    return " ".join(parts)


def not_comparable_sentence(runs):
    """Why raw cost values of two losses cannot be compared, with the zero-init example."""
    text = (
        "Los valores del costo de dos funciones distintas no se comparan entre sí: miden cosas diferentes "
        "en escalas diferentes."
    )
    found = [(x, select(runs, init=ZEROS, loss=x, ok=True)) for x in comparison_losses(runs)]
    zero_runs = [(x, done[0]) for x, done in found if done]
    if len(zero_runs) > 1 and zero_runs[0][0] == REFERENCE:
        outputs = [o for _, run in zero_runs for o in still_facts(run).outputs]
        if len(set(outputs)) == 1:
            (reference, first), others = zero_runs[0], zero_runs[1:]
            values = [f"{vocab.with_article(reference)} vale {fmt_cost(first.record.costs[0])}"]
            values += [f"{vocab.with_article(x)} {fmt_cost(run.record.costs[0])}" for x, run in others]
            text += (
                f" Con la misma salida ($A_2 = {fmt_value(outputs[0])}$ en todas las entradas, "
                f"{vocab.init(ZEROS).long}) {join_es(values)}."
            )
    return text + " Por eso comparamos semillas resueltas e iteraciones hasta 100 %, sobre las mismas semillas."


# ---------------------------------------------------------------- confidence and weights


@dataclass(frozen=True)
class Confidence:
    """How sure a run's final outputs are, and how large its weights end."""

    learning_rate: float
    loss: str
    distance: float  # mean |A2 - Y| over the examples
    largest_weight: float  # max |W| of W1, W2 at the end


def confidence(run):
    """``Confidence`` of a finished run (its main seed)."""
    record = run.record
    return Confidence(
        learning_rate=run.learning_rate,
        loss=run.loss,
        distance=float(np.mean(np.abs(record.A2 - record.Y))),
        largest_weight=max(float(np.nanmax(np.abs(record.final_parameters[w]))) for w in ("W1", "W2")),
    )


def confidence_pairs(runs, *, init, loss):
    """``[(reference Confidence, loss Confidence)]`` at every rate where both main runs solved XOR."""
    return [
        (confidence(b), confidence(m))
        for _, b, m in loss_pairs(runs, init=init, loss=loss)
        if b.record.solved and m.record.solved
    ]


def confidence_sentence(runs, *, init, loss, learning_rate):
    """At ``learning_rate``: the loss's outputs against the reference's (distance to the labels, weights)."""
    pairs = confidence_pairs(runs, init=init, loss=loss)
    here = [(b, m) for b, m in pairs if b.learning_rate == learning_rate]
    if not here:
        return ""
    b, m = here[0]
    name, ref = vocab.loss(loss).short, vocab.loss(REFERENCE).short
    seed = find(runs, learning_rate, init, loss).record.seed
    less = m.distance > b.distance
    text = (
        f"Con {alpha(learning_rate)} y la semilla {seed}, las dos redes clasifican bien {dataset(runs).name}, "
        "pero la entrenada con "
        f"{name} termina {'menos' if less else 'más'} segura: sus salidas quedan en promedio a "
        f"{fmt_value(m.distance)} de las "
        f"etiquetas, frente a {fmt_value(b.distance)} con {ref}, y su mayor peso es {fmt_value(m.largest_weight)} "
        f"frente a {fmt_value(b.largest_weight)}."
    )
    same_way = [(x, y) for x, y in pairs if (y.distance > x.distance) == less]
    if len(pairs) > 1 and len(same_way) == len(pairs):
        rates = join_es(fmt_rate(x.learning_rate) for x, _ in pairs) if len(pairs) <= MANY else f"{len(pairs)} tasas"
        text += f" Lo mismo pasa con cada tasa de la rejilla en que ambas resuelven ({rates})."
    if less:
        text += (
            f" Es lo que predice el factor $a(1 - a)$: cerca de la etiqueta el gradiente de {name} se apaga y la red "
            "deja de empujar sus salidas hacia 0 y 1."
        )
    return text


def confidence_conclusion(runs, *, init, loss, learning_rate):
    """The confidence finding in one clause for the conclusion; "" when it does not hold."""
    here = [(b, m) for b, m in confidence_pairs(runs, init=init, loss=loss) if b.learning_rate == learning_rate]
    if not here:
        return ""
    b, m = here[0]
    less, smaller = m.distance > b.distance, m.largest_weight < b.largest_weight
    name = vocab.loss(loss).short
    return (
        f"Con {alpha(learning_rate)}, la red entrenada con {name} termina {'menos' if less else 'más'} "
        "segura (salidas a "
        f"{fmt_value(m.distance)} de las etiquetas frente a {fmt_value(b.distance)}) y con pesos "
        f"{'más pequeños' if smaller else 'más grandes'} ({fmt_value(m.largest_weight)} frente a "
        f"{fmt_value(b.largest_weight)})."
    )


def confidence_columns(runs, *, init, learning_rate):
    """``[(title, Run)]``: the reference and every compared loss at one rate, for the figure and table."""
    out = []
    for x in comparison_losses(runs):
        run = find(runs, learning_rate, init, x)
        if run is not None:
            out.append((f"{vocab.loss(x).short}, α = {fmt_rate(learning_rate)}", run))
    return out


def common_seeds(runs, *, init):
    """The number of seeds every finished run of this initialisation used, or None."""
    return common(select(runs, init=init, ok=True), lambda r: r.seeds.n_seeds)
