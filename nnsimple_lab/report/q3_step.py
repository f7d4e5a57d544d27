"""Question 3, equal alpha is not an equal step: the matched-step comparison, the scan, the common mistake.

MSE's dZ2 is BCE's times ``2a(1 - a) <= 1/2``, so at the same rate MSE takes shorter steps.
The report tests whether that explains MSE being slower: MSE at twice the rate against BCE at
the rate, over the same seeds (``scan.matched_steps``), and stated whichever way it comes out.
Then where MSE does better (large rates) and the evidence of the common mistake (MSE's cost
with BCE's gradient): the gradient check, and a trajectory identical to BCE's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import nnsimple as nn
from nnsimple_lab import vocab
from nnsimple_lab.report import trained
from nnsimple_lab.report.descent import descend
from nnsimple_lab.report.es import alpha, fmt_int, fmt_rate, fmt_ratio, fmt_sci, fmt_value, join_es, plural
from nnsimple_lab.report.q3_loss import NAIVE_COST, NAIVE_GRADIENT, QUESTION_LOSS, REFERENCE, is_naive
from nnsimple_lab.report.scan import MATCH_FACTOR, better_at_equal_rate, counts_close, window
from nnsimple_lab.report.tables import markdown_table

CLOSE = 0.2  # a median iteration ratio within 20 % of 1 is "about the same speed"
MANY = 4


def step_sentence(factor):
    """Why equal alpha is not an equal step: the factor, measured at the initial outputs."""
    text = (
        f"A la misma tasa, los dos costos no dan el mismo paso: el $dZ_2$ del {vocab.loss(QUESTION_LOSS).short} es el "
        f"de la {vocab.loss(REFERENCE).short} multiplicado por $2a(1 - a)$, que nunca pasa de 1/2 (lo alcanza en "
        "$a = 0.5$) y se hace cero cuando la salida se satura."
    )
    if factor is not None:
        text += (
            f" Al empezar, con los pesos aleatorios de las semillas, ese factor vale entre {fmt_value(factor.low)} y "
            f"{fmt_value(factor.high)} según el ejemplo (mediana {fmt_value(factor.median)}): el primer paso del "
            f"{vocab.loss(QUESTION_LOSS).short} es, como mucho, la mitad del de la {vocab.loss(REFERENCE).short}. Para "
            f"comparar pasos parecidos, entrenamos el {vocab.loss(QUESTION_LOSS).short} con el doble de la tasa."
        )
    return text


def _same(ratio):
    return ratio.holds and abs(ratio.median_ratio - 1) <= CLOSE


def matched_sentence(matches, table_ref):
    """The matched-step finding, whichever way it comes out."""
    usable = [m for m in matches if m.same_ratio.holds and m.doubled_ratio.holds]
    if not usable:
        return ""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(QUESTION_LOSS).short
    shown = usable if len(usable) <= MANY else [usable[0], usable[-1]]
    first, rest = shown[0], shown[1:]
    pieces = [
        f"con {alpha(first.learning_rate)}, el {name} tarda en mediana {fmt_ratio(first.same_ratio.median_ratio)} "
        f"veces lo que la {ref} a la misma tasa y {fmt_ratio(first.doubled_ratio.median_ratio)} veces con el doble"
    ]
    pieces += [
        f"con {alpha(m.learning_rate)}, {fmt_ratio(m.same_ratio.median_ratio)} y "
        f"{fmt_ratio(m.doubled_ratio.median_ratio)}"
        for m in rest
    ]
    text = f"La {table_ref} da el resultado, sobre las semillas que ambos resuelven: {'; '.join(pieces)}."
    slower_same = all(m.same_ratio.median_ratio > 1 + CLOSE for m in usable)
    matched = all(_same(m.doubled_ratio) for m in usable)
    if slower_same and matched:
        text += (
            f" Con el paso igualado la diferencia casi desaparece: la lentitud del {name} a la misma tasa "
            "es, sobre todo, "
            "un efecto del tamaño del paso, no de la forma del costo."
        )
    elif matched:
        text += f" Con el paso igualado, {name} y {ref} tardan casi lo mismo."
    elif all(m.doubled_ratio.median_ratio > 1 + CLOSE for m in usable):
        text += f" Aun con el paso igualado, {name} tarda más: el tamaño del paso no lo explica todo."
    else:
        text += " Con el paso igualado, el resultado depende de la tasa."
    if all(m.doubled.n_solved == m.reference.n_solved for m in usable):
        return text + f" Con el doble de la tasa, el {name} resuelve tantas semillas como la {ref} con cada tasa."
    solved = join_es(
        f"{m.doubled.n_solved} semillas frente a {m.reference.n_solved} con {alpha(m.learning_rate)}" for m in shown
    )
    text += f" Con el doble de la tasa, el {name} resuelve {solved} de la {ref}."
    return text


def matched_table(matches):
    """Per grid rate: BCE at alpha against MSE at alpha and at 2 alpha: seeds solved and median ratios."""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(QUESTION_LOSS).short
    rows = []
    for m in matches:
        n = m.reference.n_seeds
        rows.append(
            [
                fmt_rate(m.learning_rate),
                f"{m.reference.n_solved}/{n}",
                f"{m.same.n_solved}/{n}",
                fmt_ratio(m.same_ratio.median_ratio) if m.same_ratio.holds else "—",
                fmt_rate(m.doubled.learning_rate),
                f"{m.doubled.n_solved}/{n}",
                fmt_ratio(m.doubled_ratio.median_ratio) if m.doubled_ratio.holds else "—",
            ]
        )
    header = [
        "$\\alpha$",
        f"Resueltas {ref}",
        f"Resueltas {name} ($\\alpha$)",
        f"Razón {name}/{ref} ($\\alpha$)",
        f"{MATCH_FACTOR}$\\alpha$",
        f"Resueltas {name} ({MATCH_FACTOR}$\\alpha$)",
        f"Razón {name}/{ref} ({MATCH_FACTOR}$\\alpha$)",
    ]
    return markdown_table(header, rows)


def windows_sentence(scan):
    """The two losses' windows in the scan, and how far apart they are."""
    ref, other = window(scan, REFERENCE), window(scan, QUESTION_LOSS)
    if not (ref.holds and other.holds):
        return ""
    shift = other.window[-1] / ref.window[-1]
    why = (
        f": como a la misma tasa el paso del {vocab.loss(QUESTION_LOSS).short} es a lo sumo la mitad, necesita tasas "
        "al menos dobles"
        if shift >= MATCH_FACTOR
        else ""
    )
    return (
        f"En el barrido, la ventana de tasas buenas de la {vocab.loss(REFERENCE).short} {_extent(ref.window)} "
        f"({ref.best_solved} de {plural(ref.n_seeds, 'semilla')}) y la del {vocab.loss(QUESTION_LOSS).short} "
        f"{_extent(other.window)} ({other.best_solved} de {other.n_seeds}): su borde superior está "
        f"{fmt_ratio(shift)} veces más arriba{why}."
    )


def _extent(rates):
    """``"va de 0.2 a 1.41"``, or ``"es solo 4.0"`` for a window of one rate."""
    if len(rates) == 1:
        return f"es solo {fmt_rate(rates[0])}"
    return f"va de {fmt_rate(rates[0])} a {fmt_rate(rates[-1])}"


def matched_scan_sentence(found):
    """The matched step over the whole scan: how closely the other loss at twice the rate follows the reference,
    in words that match the count (every rate, three in four or more, or fewer)."""
    if not found.holds:
        return ""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(QUESTION_LOSS).short
    rate, a, b = found.worst
    n, close = len(found.rows), found.n_close
    if close == n:
        lead = f"sigue a la {ref} en todo el barrido: en las {n} tasas"
    elif 4 * close >= 3 * n:
        lead = f"sigue a la {ref} en casi todo el barrido: en {close} de las {n} tasas"
    else:
        lead = f"no sigue a la {ref} en el barrido: solo en {close} de las {n} tasas"
    text = (
        f"Con la tasa doble, el {name} {lead} resuelven el mismo número de semillas, más o menos una (la mayor "
        "diferencia, "
        f"con {alpha(rate)}: {a} de la {ref} frente a {b} del {name} con el doble)"
    )
    if found.onset_matches:
        text += (
            f", y el costo empieza a oscilar en la mitad de las semillas con {alpha(found.reference_oscillates)} en la "
            f"{ref} y con el doble, {alpha(found.other_oscillates)}, en el {name}"
        )
    return text + "."


@dataclass(frozen=True)
class Advantage:
    """Where the other loss solves more seeds than the reference at the same rate, and whether the matched step
    (the other loss at twice those rates) takes the advantage away."""

    rates: tuple  # ascending: the scan rates where the other loss solves more seeds (``scan.better_at_equal_rate``)
    compared: tuple  # the scan rates from rates[0] to rates[-1] where both losses were trained
    large: bool  # every one of ``rates`` is above the reference's window of good rates
    matched: tuple  # ((alpha, reference solved at alpha, other solved at 2 alpha), ...) for ``rates`` the scan has

    @property
    def n_close(self):
        """Rates of ``matched`` where the two solve the same number of seeds, give or take one."""
        return sum(counts_close(a, b) for _, a, b in self.matched)

    @property
    def step_explains(self):
        """The matched step takes the advantage away at three in four or more of the rates it can be tested at."""
        return bool(self.matched) and 4 * self.n_close >= 3 * len(self.matched)


def advantage(scan):
    """``Advantage`` of ``QUESTION_LOSS`` over ``REFERENCE`` in the scan, or None where it never solves more."""
    rates = better_at_equal_rate(scan, reference=REFERENCE, other=QUESTION_LOSS)
    if not rates:
        return None
    compared = tuple(
        p.learning_rate
        for p in scan.curve(REFERENCE)
        if rates[0] <= p.learning_rate <= rates[-1] and scan.at(QUESTION_LOSS, p.learning_rate) is not None
    )
    good = window(scan, REFERENCE)
    matched = []
    for r in rates:
        doubled = scan.at(QUESTION_LOSS, MATCH_FACTOR * r)
        if doubled is not None:
            matched.append((r, scan.at(REFERENCE, r).n_solved, doubled.n_solved))
    return Advantage(
        rates=rates,
        compared=compared,
        large=good.holds and all(r > good.window[-1] for r in rates),
        matched=tuple(matched),
    )


def _span(found):
    """Which rates: "con α", "en las 7 tasas del barrido de 11.3 a 90.5", or "en 7 de las 8 tasas … entre …"."""
    rates = found.rates
    lo, hi = fmt_rate(rates[0]), fmt_rate(rates[-1])
    if len(rates) == 1:
        return f"con {alpha(rates[0])}"
    if len(rates) == len(found.compared):
        return f"en las {len(rates)} tasas del barrido de {lo} a {hi}"
    return f"en {len(rates)} de las {len(found.compared)} tasas del barrido entre {lo} y {hi}"


def _matched_advantage_text(found):
    """Whether the advantage survives the matched step, at the rates where the scan has the doubled rate too."""
    name, n, close = vocab.loss(QUESTION_LOSS).short, len(found.matched), found.n_close
    if n == 0:
        return ""
    has = (
        "(la que el barrido tiene también con el doble)"
        if n == 1
        else "(las que el barrido tiene también con el doble)"
    )
    why = (
        f"a la misma tasa el {name} avanza a lo sumo la mitad, y los problemas de esas tasas le llegan con tasas del "
        "doble."
    )
    if close == n:
        where = "esa tasa" if n == 1 else f"las {n} tasas"
        return (
            f" Con la tasa igualada esa ventaja desaparece: en {where} {has}, el {name} con el doble resuelve el "
            f"mismo número de semillas que la {vocab.loss(REFERENCE).short}, más o menos una. Así que es el paso: {why}"
        )
    if found.step_explains:
        return (
            f" Con la tasa igualada esa ventaja casi desaparece: queda en a lo sumo una semilla en {close} de esas {n} "
            f"tasas {has}. Así que es sobre todo el paso: {why}"
        )
    if close == 0:
        where = "esa tasa" if n == 1 else f"las {n} tasas"
        return (
            f" Con la tasa igualada, la diferencia sigue siendo de más de una semilla en {where} {has}: el tamaño del "
            "paso no la explica."
        )
    return (
        f" Con la tasa igualada, la diferencia queda en a lo sumo una semilla solo en {close} de esas {n} tasas {has}: "
        "el tamaño del paso no lo explica todo."
    )


def large_rate_sentence(scan):
    """Where MSE solves more seeds than BCE at the same rate, with its exact scope; "why" only where the matched
    step at those same rates supports it."""
    found = advantage(scan)
    if found is None:
        return ""
    ref, name = vocab.loss(REFERENCE).short, vocab.loss(QUESTION_LOSS).short
    gap, rate = max((scan.at(QUESTION_LOSS, r).n_solved - scan.at(REFERENCE, r).n_solved, r) for r in found.rates)
    where = (
        f"Donde el {name} sí hace mejor es con tasas grandes, por encima de la ventana de la {ref}: {_span(found)}"
        if found.large
        else f"El {name} sí resuelve más semillas que la {ref} a la misma tasa {_span(found)}"
    )
    better = f", resuelve más semillas que la {ref} a la misma tasa" if found.large else ""
    text = (
        f"{where}{better} (la mayor diferencia, con {alpha(rate)}: {scan.at(QUESTION_LOSS, rate).n_solved} frente a "
        f"{scan.at(REFERENCE, rate).n_solved})."
    )
    return text + _matched_advantage_text(found)


# ---------------------------------------------------------------- the common mistake


@dataclass(frozen=True)
class NaiveEvidence:
    """The common mistake trained: MSE's printed cost with BCE's gradient, against BCE and the correct MSE."""

    iterations: int
    learning_rate: float
    seed: int
    gap_to_reference: float  # largest |difference| of any parameter, any state, against BCE
    gap_to_correct: float  # ... against the correct MSE


def naive_evidence(X, Y, *, learning_rate, iterations, seed, n_h, runs=()):
    """Train the mistake, BCE and the correct MSE from the same start (the course's loop) and compare.

    ``runs``: the grid's runs (``report.runs.Run``); BCE's or MSE's descent from this start, if one
    of them trained it exactly (``training.train`` is the same loop), is read from it
    (``trained.main_history``), not trained again. The mistake is always trained here.
    """
    start = nn.initialize_parameters(X.shape[0], n_h, 1, init="random", seed=seed)
    common = {"learning_rate": learning_rate, "iterations": iterations}

    def history(gradient_loss):
        config = {**common, "init": "random", "loss": gradient_loss, "n_h": n_h, "seed": seed}
        known = trained.main_history(runs, **config, X=X, Y=Y)
        return known if known is not None else descend(X, Y, start, gradient_loss=gradient_loss, **common).history

    naive = descend(X, Y, start, gradient_loss=NAIVE_GRADIENT, cost_loss=NAIVE_COST, **common).history
    reference, correct = history(REFERENCE), history(QUESTION_LOSS)

    def gap(a, b):
        return max(float(np.max(np.abs(a[k] - b[k]))) for k in nn.PARAMETER_NAMES)

    return NaiveEvidence(
        iterations=int(iterations),
        learning_rate=float(learning_rate),
        seed=int(seed),
        gap_to_reference=gap(naive, reference),
        gap_to_correct=gap(naive, correct),
    )


def naive_sentence(evidence, gradient_rows):
    """The common mistake, shown by its evidence: the failed check and a trajectory identical to BCE's."""
    naive = next((r for r in gradient_rows if is_naive(r.cost, r.gradient)), None)
    if naive is None or evidence is None:
        return ""
    ref = vocab.loss(REFERENCE).short
    text = (
        "Un error común al cambiar el costo es cambiar solo la función que se imprime y dejar el gradiente "
        f"de la {ref}, "
        f"$dZ_2 = {vocab.loss(NAIVE_GRADIENT).dz2_tex}$. La verificación lo detecta (error relativo "
        f"{fmt_sci(naive.error)}), y el entrenamiento lo confirma: desde los pesos de la semilla {evidence.seed}, con "
        f"{alpha(evidence.learning_rate)} y {fmt_int(evidence.iterations)} iteraciones, esa red pasa por "
    )
    if evidence.gap_to_reference == 0:
        text += f"exactamente los mismos pesos que la entrenada con {ref}, en cada iteración"
    else:
        text += f"pesos que difieren de los de la {ref} en a lo sumo {fmt_sci(evidence.gap_to_reference)}"
    return text + (
        f", y se separa de la del {vocab.loss(QUESTION_LOSS).short} correcto hasta en "
        f"{fmt_value(evidence.gap_to_correct)}. Solo cambia el número que se imprime: lo que se entrena es la {ref}. "
        f"Aquí el {vocab.loss(QUESTION_LOSS).short} usa su gradiente correcto."
    )


# ---------------------------------------------------------------- conclusion


def _gradient_conclusion(rows):
    """What the check says about MSE: its correct gradient passes, the mistaken one does not."""
    correct = [r for r in rows if r.cost == r.gradient == QUESTION_LOSS]
    naive = [r for r in rows if is_naive(r.cost, r.gradient)]
    if not correct or not naive:
        return ""
    return (
        f"Con {vocab.loss(QUESTION_LOSS).short} solo cambia $dZ_2$, que gana el factor $A_2(1 - A_2)$ de la "
        f"sigmoide: el gradiente correcto pasa la verificación (error relativo {fmt_sci(correct[0].error)}); usar "
        f"el $dZ_2$ de la {vocab.loss(NAIVE_GRADIENT).short} con el costo {vocab.loss(NAIVE_COST).short}, un error "
        f"común, no la pasa ({fmt_sci(naive[0].error)}): entrena la {vocab.loss(NAIVE_GRADIENT).short}."
    )


def _equal_rate_conclusion(matches, init=None):
    """MSE against BCE at the grid's rates (the scan's ``MatchedStep``s), with the scan's scope: its
    ``init`` (when given) and seeds. "más"/"menos" only when every printed ratio is above/below 1.00."""
    usable = [m for m in matches if m.same_ratio.holds]
    if not usable:
        return ""
    name = vocab.loss(QUESTION_LOSS).short
    ratios = [m.same_ratio.median_ratio for m in usable]
    low, high = min(ratios), max(ratios)
    spread = fmt_ratio(low) if fmt_ratio(low) == fmt_ratio(high) else f"de {fmt_ratio(low)} a {fmt_ratio(high)}"
    seeds = plural(usable[0].reference.n_seeds, "semilla")
    where = f"con {alpha(usable[0].learning_rate)}" if len(usable) == 1 else "entre las tasas de la rejilla"
    scope = f"{where} ({vocab.init(init).long + ', ' if init else ''}{seeds})"
    verb = "más" if round(low, 2) > 1 else ("menos" if round(high, 2) < 1 else None)
    if verb is None:
        return (
            f"A la misma tasa, {scope}, {name} tarda en mediana {spread} veces lo que la {vocab.loss(REFERENCE).short}."
        )
    text = f"A la misma tasa, {scope}, {name} tarda {verb} ({spread} veces, en mediana sobre las mismas semillas)"
    doubled = [m.doubled_ratio.median_ratio for m in matches if m.doubled_ratio.holds]
    if doubled and all(abs(r - 1) <= CLOSE for r in doubled) and low > 1 + CLOSE:
        spread2 = join_es(fmt_ratio(r) for r in doubled) if len(doubled) <= MANY else "cerca de 1"
        text += f", pero con el doble de tasa tarda {spread2} veces: es sobre todo el tamaño del paso"
    return text + "."


def conclusion_q3(runs, gradient_rows, *, matches, scan, confidence_text):
    """Question 3's answer: the gradient, the step size, confidence, and where MSE does better (its exact scope)."""
    init = scan.init if scan is not None else None
    parts = [_gradient_conclusion(gradient_rows), _equal_rate_conclusion(matches, init), confidence_text]
    found = advantage(scan) if scan is not None else None
    if found is not None:
        ref, name = vocab.loss(REFERENCE).short, vocab.loss(QUESTION_LOSS).short
        lead = "Con tasas grandes, por encima de la ventana de la " + ref if found.large else "A la misma tasa"
        text = f"{lead}, {_span(found)}, el {name} resuelve más semillas que la {ref}"
        text += " a la misma tasa" if found.large else ""
        parts.append(text + (": su paso más corto le retrasa los problemas." if found.step_explains else "."))
    return " ".join(p for p in parts if p)
