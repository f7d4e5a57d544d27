"""Question 2, the seeds that fail: budget or plateau, the other rates' budget, the hidden-layer ablation.

Sentences of ``outcomes.SeedOutcomes`` and ``ablation.Ablation``. The architecture is blamed
only when ``Ablation.architecture_limits`` holds (more hidden units solve more seeds in the same
iterations, and more iterations do not rescue the failing ones); a budget-limited seed is said
to need iterations, never capacity.
"""

from __future__ import annotations

import math

from nnsimple_lab import vocab
from nnsimple_lab.report.es import (
    alpha,
    cap,
    finite,
    fmt_cost,
    fmt_int,
    fmt_median,
    fmt_rate,
    fmt_sci,
    fmt_value,
    join_es,
    plural,
)
from nnsimple_lab.report.outcomes import common_plateaus
from nnsimple_lab.report.q2_rate import done_runs
from nnsimple_lab.report.runs import most_solving
from nnsimple_lab.report.tables import markdown_table

LN2_HALF = math.log(2) / 2


def failing_rate(runs, w, *, init, loss):
    """The rate whose failing seeds the report explains: the grid's rate solving most seeds (``runs.most_solving``:
    on ties one that does not diverge, then the fastest), else the scan's fastest good rate; None when there is none."""
    chosen = most_solving(done_runs(runs, init=init, loss=loss))
    if chosen is not None:
        return chosen.learning_rate
    if w is not None and w.fastest.holds:
        return w.fastest.winners[-1]
    return None


def _plateau_text(outcomes, cost, seeds):
    """The most common plateau of the stuck seeds, named, with an example and how its cost evolves."""
    seed = seeds[0]
    plateau = outcomes.plateaus[seed]
    outs = ", ".join(fmt_value(a) for a in outcomes.outputs[seed])
    mixed = plateau.mixed[0]
    share = plateau.shares[plateau.groups.index(mixed)]
    named = f"$\\ln 2 / 2 = {fmt_cost(cost)}$" if abs(cost - LN2_HALF) < 1e-9 else fmt_cost(cost)
    text = (
        f" {cap(plural(len(seeds), 'semilla'))} {'queda' if len(seeds) == 1 else 'quedan'} en el mismo ajuste parcial: "
        f"la red acierta con seguridad unas entradas y a {len(mixed)} entradas de etiquetas distintas les responde "
        f"{fmt_value(share)}, la proporción de unos entre ellas (semilla {seed} tras {fmt_int(outcomes.extension)} "
        f"iteraciones: $A_2$ = {outs}). Es el mejor ajuste de una red que no distingue esas entradas, y su costo es "
        f"{named}."
    )
    before = [outcomes.final_cost[s] for s in seeds if s in outcomes.final_cost]
    after = [outcomes.extended_cost[s] for s in seeds if s in outcomes.extended_cost]
    if before and after and all(x >= cost for x in after):
        text += (
            f" Su costo se acerca a ese valor sin bajar de él: mediana {fmt_cost(_median(before))} en "
            f"{fmt_int(outcomes.iterations)} iteraciones y {fmt_cost(_median(after))} en {fmt_int(outcomes.extension)}."
        )
    return text


def _other_plateaus_text(outcomes, groups):
    """The less common plateaus, one sentence each: how many seeds, its cost, what it answers."""
    text = ""
    for cost, seeds in groups:
        other = outcomes.plateaus[seeds[0]]
        group = other.mixed[0]
        verb = "queda" if len(seeds) == 1 else "quedan"
        text += (
            f" {cap(plural(len(seeds), 'semilla'))} {verb} en otro ajuste parcial, de costo {fmt_cost(cost)}: a "
            f"{len(group)} entradas les responde {fmt_value(other.shares[other.groups.index(group)])}."
        )
    return text


def _fail_count(n):
    """``"falla 1 semilla"``, ``"fallan 3 semillas"``."""
    return "falla 1 semilla" if n == 1 else f"fallan {n} semillas"


def failing_sentence(outcomes, *, learning_rate, loss):
    """Why the seeds that fail at ``learning_rate`` fail: more iterations or not, and where they are stuck."""
    if outcomes is None or not outcomes.unsolved or outcomes.extension <= outcomes.iterations:
        return ""
    where = f"con {alpha(learning_rate)} y {vocab.loss(loss).short}"
    n, d, r = len(outcomes.unsolved), len(outcomes.diverged), len(_retried(outcomes))
    text = f"¿Por qué {_fail_count(n)} {where}?"
    if d:  # a diverged seed is not trained again: its cost already ended above where it started
        text += f" {'1 diverge' if d == 1 else f'{d} divergen'} (el costo termina por encima de donde empezó)."
        them = "A la otra la" if r == 1 else f"A las otras {r} las"
    else:
        them = "La" if r == 1 else "Las"
    factor = fmt_int(outcomes.extension // max(outcomes.iterations, 1))
    text += f" {them} entrenamos de nuevo con {fmt_int(outcomes.extension)} iteraciones, {factor} veces más"
    late, left = len(outcomes.late), len(outcomes.stuck) + len(outcomes.other)
    if late and r == 1:
        text += ": resuelve (le faltaban iteraciones, no capacidad)."
    elif late:
        verb = "resuelve (le faltaban" if late == 1 else "resuelven (les faltaban"
        text += f": {late} de ellas {verb} iteraciones, no capacidad)"
        text += f" y {left} {'sigue' if left == 1 else 'siguen'} sin resolver." if left else "."
    elif r == 1:
        text += ", y no resuelve: no le faltan iteraciones."
    else:
        text += ", y ninguna resuelve: no les faltan iteraciones."
    groups = common_plateaus(outcomes)
    if groups:
        text += _plateau_text(outcomes, *groups[0])
        norms = [outcomes.gradient_norm[s] for s in groups[0][1] if s in outcomes.gradient_norm]
        if norms and all(finite(x) for x in norms):
            text += (
                f" Ahí el gradiente casi se anula (norma mediana {fmt_sci(_median(norms))} al final) y la red no sale: "
                "en la práctica, un mínimo local [@goodfellow2016]."
            )
        text += _other_plateaus_text(outcomes, groups[1:3])
    return text


def _median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def _retried(outcomes):
    """The failing seeds trained again with more iterations: all but the diverged ones."""
    return outcomes.late + outcomes.stuck + outcomes.other


def _failing_phrase(n, learning_rate, outcomes):
    """``"que fallan con α = 8.0"``, ``"que fallan sin divergir con …"`` when some others diverged."""
    verb = "falla" if n == 1 else "fallan"
    return f"que {verb}{' sin divergir' if outcomes.diverged else ''} con {alpha(learning_rate)}"


def _rescued(learning_rate, outcomes):
    """``"1 de las 7 que fallan con α = 0.01"``, ``"las 2 que fallan con …"``, ``"la única que falla con …"``."""
    n, k = len(_retried(outcomes)), len(outcomes.late)
    phrase = _failing_phrase(n, learning_rate, outcomes)
    if n == 1:
        return f"la única {phrase}"
    return f"{'las' if k == n else f'{k} de las'} {n} {phrase}"


def _not_rescued(learning_rate, outcomes):
    """After "no rescatan": ``"la única que falla con α = 0.3"``, ``"ninguna de las 5 que fallan con …"``."""
    n = len(_retried(outcomes))
    phrase = _failing_phrase(n, learning_rate, outcomes)
    return f"la única {phrase}" if n == 1 else f"ninguna de las {n} {phrase}"


def budget_sentence(by_rate, *, after_failing):
    """The other grid rates' failing seeds: how many solve with more iterations (the budget was their limit).
    ``after_failing``: the failing rate's own sentence (``failing_sentence``) comes just before."""
    rows = [(lr, o) for lr, o in by_rate if _retried(o) and o.extension > o.iterations]
    if not rows:
        return ""
    factor = fmt_int(rows[0][1].extension // max(rows[0][1].iterations, 1))
    rescuing = [(lr, o) for lr, o in rows if o.late]
    shown = sorted(sorted(rescuing, key=lambda row: -len(row[1].late))[:4], key=lambda row: row[0])
    none = [(lr, o) for lr, o in rows if not o.late]
    lead = (
        "Con las otras tasas de la rejilla" if after_failing else "Con las tasas de la rejilla en que fallan semillas"
    )
    text = f"{lead}, {factor} veces más iteraciones"
    if shown:
        text += " rescatan " + join_es(_rescued(lr, o) for lr, o in shown)
        if len(shown) < len(rescuing):
            text += f" (las {len(shown)} tasas que más rescatan, de las {len(rescuing)} que rescatan alguna)"
    if none:
        text += "; no rescatan " if shown else " no rescatan "
        if len(none) == 1:
            text += _not_rescued(*none[0])
        elif len(none) <= 4:
            text += "ninguna de las que fallan con " + join_es(alpha(lr) for lr, _ in none)
        else:
            lo, hi = fmt_rate(min(lr for lr, _ in none)), fmt_rate(max(lr for lr, _ in none))
            text += f"ninguna de las que fallan con {len(none)} tasas, de {lo} a {hi}"
    rescued = [lr for lr, o in rows if o.late]
    if rescued:
        text += f": con {join_es(alpha(lr) for lr in rescued[:4])}, parte de lo que falla es el número de iteraciones"
    return text + "."


def _rescued_by_size_text(ablation):
    """``"Con más neuronas ocultas se resuelven 3 de las 9 semillas que con n_h = 2 no se resuelven ni con
    10000 iteraciones"``, seed for seed (``Ablation.rescued_by_size``)."""
    rescued, o = ablation.rescued_by_size, ablation.outcomes
    unrescued = len(o.stuck) + len(o.other)
    which = "la única semilla que" if unrescued == 1 else f"{len(rescued)} de las {unrescued} semillas que"
    verbs = ("se resuelve", "no se resuelve") if unrescued == 1 else ("se resuelven", "no se resuelven")
    if unrescued > 1 and len(rescued) == 1:
        verbs = ("se resuelve", "no se resuelven")
    return (
        f"Con más neuronas ocultas {verbs[0]} {which} con $n_h = {ablation.grid_n_h}$ {verbs[1]} ni con "
        f"{fmt_int(o.extension)} iteraciones"
    )


def ablation_sentence(ablation, table_ref):
    """The n_h ablation, and the architecture claim only when ``Ablation.architecture_limits`` holds."""
    if ablation is None:
        return ""
    points = ablation.points
    counts = join_es(f"{p.n_solved} con $n_h = {p.n_h}$" for p in points)
    n = points[0].n_seeds
    text = (
        f"¿Es culpa de la arquitectura? Lo probamos: con {alpha(ablation.learning_rate)}, "
        f"{vocab.loss(ablation.loss).short} y {fmt_int(ablation.iterations)} iteraciones, de "
        f"{plural(n, 'semilla')} resuelven {counts} ({table_ref})."
    )
    if ablation.architecture_limits:
        them = "ella" if len(ablation.rescued_by_size) == 1 else "ellas"
        limit = f"para {them}, el límite es la arquitectura, no el número de iteraciones"
        text += f" {_rescued_by_size_text(ablation)}: {limit}."
    elif ablation.larger_solve_more:
        text += " Más neuronas ocultas resuelven más semillas en las mismas iteraciones."
    else:
        text += " Más neuronas ocultas no resuelven más semillas aquí."
    return text


def ablation_table(ablation):
    """Seeds solved and median iterations to 100 % per hidden-layer size."""
    rows = [[f"{p.n_h}", f"{p.n_solved}/{p.n_seeds}", fmt_median(p.median_iterations)] for p in ablation.points]
    return markdown_table(["$n_h$", "Semillas resueltas", "Mediana de iteraciones hasta 100 %"], rows)


def seeds_conclusion(outcomes, ablation, *, learning_rate, loss):
    """Question 2's conclusion about the seeds that fail at ``learning_rate`` (``failing_sentence``'s
    rate) and were trained again: how many more iterations rescue, where the others stay, and the
    architecture, each said of the seeds it holds for."""
    if outcomes is None or not _retried(outcomes) or outcomes.extension <= outcomes.iterations:
        return ""
    r, late = len(_retried(outcomes)), len(outcomes.late)
    where = f"{' sin divergir' if outcomes.diverged else ''} con {alpha(learning_rate)} y {vocab.loss(loss).short}"
    failing = f"la semilla que falla{where}" if r == 1 else f"las {r} semillas que fallan{where}"
    extension = fmt_int(outcomes.extension)
    if late == r:
        verbs = ("necesita", "resuelve") if r == 1 else ("necesitan", "resuelven")
        return f"{cap(failing)} solo {verbs[0]} más iteraciones: con {extension} {verbs[1]}."
    if late:
        text = f"De {failing}, {late} {'resuelve' if late == 1 else 'resuelven'} con {extension} iteraciones."
    elif r == 1:
        text = f"{cap(failing)} no se arregla con {extension} iteraciones."
    else:
        text = f"Ninguna de {failing} se arregla con {extension} iteraciones."
    groups = common_plateaus(outcomes)
    if groups:
        cost, stuck = groups[0][0], len(groups[0][1])
        named = "$\\ln 2 / 2$" if abs(cost - LN2_HALF) < 1e-9 else fmt_cost(cost)
        left = r - late  # the seeds more iterations do not rescue
        if stuck == left:
            who = ("La otra" if late else "") if left == 1 else (f"Las otras {left}" if late else "Todas")
        else:
            who = f"{stuck} de {'las otras' if late else 'ellas'}"
        verb = "se estanca" if stuck == 1 else "se estancan"
        stays = cap(f"{who} {verb}".strip())
        text += f" {stays} en un ajuste parcial de costo {named}, que actúa como un mínimo local."
    if ablation is not None and ablation.architecture_limits:
        them = "ella" if len(ablation.rescued_by_size) == 1 else "ellas"
        text += f" {_rescued_by_size_text(ablation)}: para {them}, el límite es la arquitectura."
    return text.strip()
