"""Question 3: what changes when MSE is the cost and is backpropagated?

The gradient check (every loss of the grid, MSE, and the students' naive MSE), then every loss
of the grid against the reference loss (BCE) on common ground: seeds solved and, on the seeds
both solve, iterations. Raw cost values of two losses are never compared.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report.document import prose
from nnsimple_lab.report.es import alpha, cap, fmt_cost, fmt_lr, fmt_sci, fmt_value, join_es, plural
from nnsimple_lab.report.q1_init import ZEROS, still_facts
from nnsimple_lab.report.runs import common, find, learning_rates, losses, select, unique
from nnsimple_lab.report.tables import SUMMARY_HEADER, markdown_table, summary_row

QUESTION_LOSS = "mse"  # the question asks what changes with MSE
REFERENCE = vocab.REFERENCE_LOSS  # every other loss is compared against it
# The students' mistake: MSE's cost, backpropagated with BCE's dZ2 = (A2 - Y) / m.
NAIVE_COST, NAIVE_GRADIENT = QUESTION_LOSS, REFERENCE
GRADIENT_TOLERANCE = 1e-7  # relative error below which a backward pass is right


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

    label: str  # "BCE", "MSE correcto", "MSE ingenuo"
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
    if cost != gradient:  # the naive row: MSE's cost with BCE's gradient
        return f"{short} ingenuo"
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
    """``[(lr, reference_run, run)]`` for every rate where the grid has both the reference and ``loss``."""
    out = []
    for lr in learning_rates(runs):
        b, m = find(runs, lr, init, REFERENCE), find(runs, lr, init, loss)
        if b is not None and m is not None:
            out.append((lr, b, m))
    return out


def has_comparison(runs, *, init):
    """True when some rate has the reference loss and another loss: the comparison can be shown."""
    return any(loss_pairs(runs, init=init, loss=x) for x in compared_losses(runs))


def loss_comparison_table(runs, *, init):
    """Every loss against the reference on common ground: accuracy, iterations to solve, seeds solved."""
    rows = []
    for lr in learning_rates(runs):
        reference = find(runs, lr, init, REFERENCE)
        others = [run for x in compared_losses(runs) if (run := find(runs, lr, init, x)) is not None]
        if reference is None or not others:
            continue
        for run in (reference, *others):
            cells = [run.failure, "—", "—", "—"] if not run.ok else summary_row(run)[3:7]
            rows.append([fmt_lr(lr), vocab.loss(run.loss).short, *cells])
    return markdown_table(["$\\alpha$", "Costo", *SUMMARY_HEADER], rows)


def paired_speed(reference_run, run):
    """Over the seeds both losses solve: ``(n_both, n_slower, n_faster, median ratio)`` of ``run``."""
    pairs = [
        (b, m)
        for b, m in zip(
            reference_run.record.seeds.iterations_to_solve, run.record.seeds.iterations_to_solve, strict=True
        )
        if b is not None and m is not None
    ]
    if not pairs:
        return 0, 0, 0, None
    slower = sum(m > b for b, m in pairs)
    faster = sum(m < b for b, m in pairs)
    ratios = [m / b for b, m in pairs if b > 0]
    return len(pairs), slower, faster, (statistics.median(ratios) if ratios else None)


def _finished_pairs(runs, init, loss):
    return [(lr, b, m) for lr, b, m in loss_pairs(runs, init=init, loss=loss) if b.ok and m.ok]


def _no_comparison(runs, loss):
    """Why ``loss`` cannot be compared with the reference: a loss missing, or no rate where both finished."""
    present = losses(runs)
    missing = [vocab.loss(x).short for x in (REFERENCE, loss) if x not in present]
    if missing:
        return (
            f"La rejilla no tiene ejecuciones con {join_es(missing)}, así que no hay comparación "
            f"entre {vocab.loss(REFERENCE).short} y {vocab.loss(loss).short} con estos datos."
        )
    return "No hay ninguna tasa con ejecuciones terminadas de ambos costos, así que no hay comparación."


def _seed_counts(pairs, loss):
    """Seeds solved per rate by the reference and by ``loss``, and which never solves more."""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(loss).short
    solved = [(lr, b.record.seeds.n_solved, m.record.seeds.n_solved) for lr, b, m in pairs]
    counts = "; ".join(f"{nb} y {nm} con {alpha(lr)}" for lr, nb, nm in solved)
    n = common([b for _, b, _ in pairs] + [m for _, _, m in pairs], lambda r: r.seeds.n_seeds)
    of = f" (de {n})" if n is not None else ""
    text = f"Semillas que resuelven XOR{of}, con {ref} y con {name} respectivamente: {counts}."
    more_ref = sum(nb > nm for _, nb, nm in solved)
    more_loss = sum(nm > nb for _, nb, nm in solved)
    if more_ref and not more_loss:
        text += f" {name} nunca resuelve más semillas que {ref}"
        text += "." if more_ref < len(pairs) else " y resuelve menos en todas las tasas."
    elif more_loss and not more_ref:
        text += f" {name} nunca resuelve menos semillas que {ref}."
    return text


def _speed_piece(lr, loss, both, slower, ratio):
    name = vocab.loss(loss).short
    if slower == both == 1:
        piece = f"con {alpha(lr)}, {name} tarda más en la única semilla"
    elif slower == both:
        piece = f"con {alpha(lr)}, {name} tarda más en las {plural(both, 'semilla')}"
    else:
        piece = f"con {alpha(lr)}, {name} tarda más en {slower} de {plural(both, 'semilla')}"
    piece += " que ambos costos resuelven"
    if ratio is not None:
        which = "en mediana, " if both > 1 else ""
        piece += f" ({which}{ratio:.1f} veces las iteraciones de {vocab.loss(REFERENCE).short})"
    return piece


def _speed(pairs, loss):
    """On the seeds both losses solve, at each rate: how often ``loss`` takes longer."""
    speed, all_slower = [], True
    for lr, b, m in pairs:
        both, slower, _, ratio = paired_speed(b, m)
        if both:
            all_slower &= slower == both
            speed.append(_speed_piece(lr, loss, both, slower, ratio))
    if not speed:
        return ""
    text = " Sobre las mismas semillas, " + join_es(speed) + "."
    if all_slower:
        text += f" {vocab.loss(loss).short} aprende más lento en todos los casos comparables."
    return text


def loss_comparison_sentence(runs, *, init):
    """Each loss against the reference: seeds solved per rate and, on the seeds both solve, which is faster."""
    parts = []
    for loss in compared_losses(runs) or [QUESTION_LOSS]:
        pairs = _finished_pairs(runs, init, loss)
        parts.append(_seed_counts(pairs, loss) + _speed(pairs, loss) if pairs else _no_comparison(runs, loss))
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
    return text + " Por eso comparamos exactitud, iteraciones hasta resolver y semillas resueltas."


# ---------------------------------------------------------------- conclusion


def _gradient_conclusion(rows):
    """What the check says about MSE: its correct gradient passes, the naive one does not."""
    correct = [r for r in rows if r.cost == r.gradient == QUESTION_LOSS]
    naive = [r for r in rows if is_naive(r.cost, r.gradient)]
    if not correct or not naive:
        return ""
    return (
        f"Con {vocab.loss(QUESTION_LOSS).short} solo cambia $dZ_2$, que gana el factor $A_2(1 - A_2)$ de la "
        f"sigmoide: el gradiente correcto pasa la verificación (error relativo {fmt_sci(correct[0].error)}) y el "
        f"ingenuo ${vocab.loss(NAIVE_GRADIENT).dz2_tex}$ no ({fmt_sci(naive[0].error)}), porque es el "
        f"{vocab.with_article(NAIVE_GRADIENT, 'de')}."
    )


def _training_conclusion(pairs, loss):
    """Seeds solved by ``loss`` against the reference, and whether it is slower on every shared seed."""
    counts = [(lr, b.record.seeds.n_solved, m.record.seeds.n_solved) for lr, b, m in pairs]
    fewer = [(lr, nb, nm) for lr, nb, nm in counts if nm < nb]
    more = [(lr, nb, nm) for lr, nb, nm in counts if nm > nb]
    if fewer and not more:
        piece = "resuelve menos semillas con " + join_es(f"{alpha(lr)} ({nm} frente a {nb})" for lr, nb, nm in fewer)
    elif more and not fewer:
        piece = "resuelve más semillas con " + join_es(f"{alpha(lr)} ({nm} frente a {nb})" for lr, nb, nm in more)
    elif fewer and more:
        piece = "resuelve más semillas con unas tasas y menos con otras"
    else:
        piece = f"resuelve las mismas semillas que {vocab.loss(REFERENCE).short}"
    pieces = [piece]
    speeds = [paired_speed(b, m) for _, b, m in pairs]
    shared = [(both, slower) for both, slower, _, _ in speeds if both]
    if shared and all(slower == both for both, slower in shared):
        pieces.append("tarda más en cada semilla que ambos resuelven")
    return f"Entrenando, {vocab.loss(loss).short} {join_es(pieces)}."


def conclusion_q3(runs, gradient_rows, *, init):
    """One sentence answering question 3 from the results."""
    text = _gradient_conclusion(gradient_rows)
    training = [_training_conclusion(p, x) for x in compared_losses(runs) if (p := _finished_pairs(runs, init, x))]
    return prose(text, *(training or ["No hay ejecuciones de ambos costos para comparar su entrenamiento."]))
