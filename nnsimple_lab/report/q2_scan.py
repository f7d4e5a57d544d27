"""Question 2 beyond the grid: the scan's window, the failing seeds, the hidden-layer ablation, the conclusion.

Sentences of the findings of ``scan.window``, ``outcomes.seed_outcomes`` and ``ablation``; each
sentence is written only when its finding holds, and says its scope (the scan's rates, seeds
and iterations).
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
    fmt_ratio,
    fmt_sci,
    fmt_value,
    join_es,
    plural,
)
from nnsimple_lab.report.findings import paired_ratio, trend
from nnsimple_lab.report.outcomes import common_plateaus
from nnsimple_lab.report.q2_rate import best_rate, done_runs
from nnsimple_lab.report.tables import markdown_table

LN2_HALF = math.log(2) / 2


def scope_phrase(scan, loss):
    """``"BCE, inicialización aleatoria, 20 semillas, 1000 iteraciones"``: what every scan claim covers."""
    return (
        f"{vocab.loss(loss).short}, {vocab.init(scan.init).long}, {plural(scan.n_seeds, 'semilla')}, "
        f"{fmt_int(scan.iterations)} iteraciones"
    )


def scan_intro_sentence(scan, loss, *, matches_grid=False):
    """What the scan is: how many rates, from where to where, with which seeds and iterations.

    ``matches_grid``: ``grid_matches_scan`` held, so the sentence may say the scan reproduces the grid.
    """
    rates = [p.learning_rate for p in scan.curve(loss)]
    return (
        "Unas pocas tasas no bastan para ver dónde empieza y dónde termina una buena tasa. El informe "
        "entrena aquí mismo "
        f"{len(rates)} tasas, espaciadas por un factor $\\sqrt{{2}}$ de {alpha(rates[0])} a {alpha(rates[-1])} "
        f"(más las de la rejilla), con las semillas e iteraciones de la rejilla ({scope_phrase(scan, loss)})."
        + (
            " En las tasas de la rejilla el barrido resuelve exactamente las mismas semillas en las mismas iteraciones."
            if matches_grid
            else ""
        )
    )


def window_sentences(w, *, iterations):
    """The window of ``scan.window``: too small, good (with its fastest rate), too large. "" when it does not hold."""
    if not w.holds:
        return "En el barrido ninguna tasa estable resuelve XOR."
    lo, hi = w.window[0], w.window[-1]
    n = w.n_seeds
    text = ""
    if w.none_below:
        top = w.none_below[-1]
        text += (
            f"Con $\\alpha \\leq {fmt_rate(top)}$ ninguna semilla resuelve XOR en {fmt_int(iterations)} iteraciones: "
            f"el costo baja, pero despacio (mediana final {fmt_cost(w.point(top).median_final_cost)} con "
            f"{alpha(top)}). "
        )
    if len(w.window) == 1:
        text += f"Solo {alpha(lo)} resuelve el máximo entre las tasas estables, {w.best_solved} de {n} semillas."
    else:
        text += (
            f"Todas las tasas del barrido de {alpha(lo)} a {alpha(hi)} resuelven el máximo entre las tasas estables, "
            f"{w.best_solved} de {n} semillas: es la ventana de tasas buenas."
        )
        speed = trend([(r, w.point(r).median_iterations) for r in w.window])
        if speed.holds and speed.direction == "down":
            text += (
                f" Dentro de ella, cuanto mayor la tasa, menos iteraciones: la mediana hasta 100 % baja de "
                f"{fmt_median(speed.first[1])} a {fmt_median(speed.last[1])}."
            )
    return text + " " + _above_text(w)


def _above_text(w):
    """What goes wrong above the window: fewer seeds, erratic luck, oscillation, divergence."""
    if not w.above:
        return "El barrido no llega a tasas por encima de la ventana."
    n = w.n_seeds
    first = w.point(w.above[0])
    parts = []
    if first.n_solved < w.best_solved:
        parts.append(f"con {alpha(first.learning_rate)} ya resuelven {first.n_solved} de {n}")
    if w.first_oscillating is not None:
        p = w.point(w.first_oscillating)
        parts.append(
            f"desde {alpha(p.learning_rate)} el costo oscila (sube en más del 1 % de las iteraciones) en "
            f"{p.n_oscillating} de {n} semillas"
        )
    if w.first_diverging is not None:
        p = w.point(w.first_diverging)
        parts.append(
            f"desde {alpha(p.learning_rate)} diverge (termina por encima de donde empezó) en {p.n_diverged} de {n}"
        )
    text = "Por encima de la ventana, " + join_es(parts) + "." if parts else ""
    for r in w.erratic[:2]:
        p = w.point(r)
        text += (
            f" Con {alpha(r)} resuelven {p.n_solved}, más que en la ventana, pero oscilando "
            f"({p.n_oscillating} de {n} semillas)"
        )
        later = [q for q in w.points if q.learning_rate > r]
        if later and later[0].n_solved < p.n_solved:
            text += (
                f", y con la tasa siguiente del barrido, {fmt_rate(later[0].learning_rate)}, solo {later[0].n_solved}"
            )
        text += ": no es una tasa fiable."
    return text


def best_question_sentence(w, runs, *, init, loss):
    """Is the grid's best rate the best? Its place in the window and the fastest rate there, on the same seeds."""
    grid_best = best_rate(runs, init=init, loss=loss)
    if grid_best is None or not w.holds or not w.fastest.holds and len(w.window) != 1:
        return ""
    name = alpha(grid_best)
    if not w.contains(grid_best):
        side = "por debajo" if grid_best < w.window[0] else "por encima"
        return f"La tasa más rápida de la rejilla, {name}, queda {side} de esa ventana."
    fastest = w.fastest.winners
    if grid_best in fastest:
        return f"La tasa más rápida de la rejilla, {name}, es también la más rápida de la ventana del barrido."
    quick = w.point(fastest[-1])
    ours = w.point(grid_best)
    ratio = paired_ratio(ours.iterations_to_solve, quick.iterations_to_solve)
    text = (
        f"¿Es {name} la mejor? Está dentro de la ventana, pero no es la más rápida del barrido: "
        f"{alpha(quick.learning_rate)} "
        f"resuelve en mediana en {fmt_median(quick.median_iterations)} iteraciones, frente a "
        f"{fmt_median(ours.median_iterations)} con {name}"
    )
    if ratio.holds:
        text += (
            f"; sobre las {plural(ratio.n_both, 'semilla')} que ambas resuelven, tarda {fmt_ratio(ratio.median_ratio)} "
            f"veces lo que {name} (mediana de la razón)"
        )
    return text + ". Una tasa mayor no es siempre mejor: más allá de la ventana se pierde lo ganado."


def parameters_sentence(w):
    """What happens to the weights across the scan: inside the window, just above it, and where it diverges."""
    inside = trend([(r, w.point(r).median_max_weight) for r in w.window])
    text = ""
    if inside.holds:
        verb = "crece" if inside.direction == "up" else "baja"
        text = (
            f"El mayor peso final en valor absoluto (mediana de las semillas) {verb} con la tasa dentro de la ventana, "
            f"de {fmt_value(inside.first[1])} con {alpha(inside.first[0])} a {fmt_value(inside.last[1])} con "
            f"{alpha(inside.last[0])}: en las mismas iteraciones, pasos más largos llevan los pesos más lejos."
        )
        after = w.point(w.above[0]) if w.above else None
        if after is not None and finite(after.median_max_weight):
            broken = (
                after.median_max_weight < inside.last[1]
                if inside.direction == "up"
                else after.median_max_weight > inside.last[1]
            )
            if broken:
                text += (
                    f" La tendencia no sigue fuera de ella: con {alpha(after.learning_rate)} la mediana es "
                    f"{fmt_value(after.median_max_weight)}."
                )
    if w.first_diverging is not None:
        last = w.points[-1]
        if finite(last.median_max_weight):
            text += (
                f" Con las tasas que divergen los pesos no se asientan y terminan mucho más grandes (mediana "
                f"{fmt_value(last.median_max_weight)} con {alpha(last.learning_rate)})."
            )
    return text.strip()


def curve_rates(w, limit=5):
    """A few scan rates for the cost curves, one per zone: too small, the fastest good one, just above,
    oscillating, diverging (those that exist, ascending)."""
    picks = []
    if w.none_below:
        picks.append(w.none_below[-1])
    elif w.below:
        picks.append(w.below[0])
    if w.fastest.holds:
        picks.append(w.fastest.winners[-1])
    elif w.window:
        picks.append(w.window[-1])
    if w.above:
        picks.append(w.above[0])
    picks += [r for r in (w.first_oscillating, w.first_diverging) if r is not None]
    return sorted(dict.fromkeys(picks))[:limit]


# ---------------------------------------------------------------- the failing seeds


def failing_rate(runs, w, *, init, loss):
    """The rate whose failing seeds the report explains: the grid's rate solving most seeds (fastest on ties),
    else the scan's fastest good rate; None when there is none."""
    done = done_runs(runs, init=init, loss=loss)
    if done:

        def score(run):
            k = run.record.iterations_to_solve
            return (-run.record.seeds.n_solved, math.inf if k is None else k, -run.learning_rate)

        return min(done, key=score).learning_rate
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
    pieces = []
    for cost, seeds in groups:
        other = outcomes.plateaus[seeds[0]]
        group = other.mixed[0]
        pieces.append(
            f"{plural(len(seeds), 'semilla')} en otro, de costo {fmt_cost(cost)}, que a {len(group)} entradas les "
            f"responde {fmt_value(other.shares[other.groups.index(group)])}"
        )
    return f" {cap(join_es(pieces))}." if pieces else ""


def failing_sentence(outcomes, *, learning_rate, loss):
    """Why the seeds that fail at ``learning_rate`` fail: more iterations or not, and where they are stuck."""
    if outcomes is None or not outcomes.unsolved or outcomes.extension <= outcomes.iterations:
        return ""
    where = f"con {alpha(learning_rate)} y {vocab.loss(loss).short}"
    text = (
        f"¿Por qué fallan {len(outcomes.unsolved)} semillas {where}? Las entrenamos de nuevo con "
        f"{fmt_int(outcomes.extension)} iteraciones, {fmt_int(outcomes.extension // max(outcomes.iterations, 1))} "
        "veces más"
    )
    if outcomes.late:
        text += f": {len(outcomes.late)} de ellas resuelven (les faltaban iteraciones, no capacidad)"
        stuck_n = len(outcomes.stuck) + len(outcomes.other)
        text += f" y {stuck_n} siguen sin resolver." if stuck_n else "."
    else:
        text += ", y ninguna resuelve: no les faltan iteraciones."
    if outcomes.diverged:
        text += f" Otras {len(outcomes.diverged)} divergieron."
    groups = common_plateaus(outcomes)
    if groups:
        text += _plateau_text(outcomes, *groups[0]) + _other_plateaus_text(outcomes, groups[1:3])
        norms = [outcomes.gradient_norm[s] for _, seeds in groups for s in seeds if s in outcomes.gradient_norm]
        if norms and all(finite(x) for x in norms):
            text += (
                f" Ahí el gradiente casi se anula (norma mediana {fmt_sci(_median(norms))} al final) y la red no sale: "
                "en la práctica, un mínimo local [@goodfellow2016]."
            )
    return text


def _median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def budget_sentence(by_rate):
    """The other grid rates' failing seeds: how many solve with more iterations (the budget was their limit)."""
    rows = [(lr, o) for lr, o in by_rate if o.unsolved and o.extension > o.iterations]
    if not rows:
        return ""
    factor = rows[0][1].extension // max(rows[0][1].iterations, 1)
    shown = sorted(rows, key=lambda row: -len(row[1].late))[:4]
    pieces = join_es(
        f"{len(o.late)} de las {len(o.unsolved)} que fallan con {alpha(lr)}"
        for lr, o in sorted(shown, key=lambda r: r[0])
    )
    text = f"Con las otras tasas de la rejilla, {fmt_int(factor)} veces más iteraciones rescatan {pieces}"
    rescued = [lr for lr, o in rows if o.late]
    if rescued:
        text += f": con {join_es(alpha(lr) for lr in rescued[:4])}, parte de lo que falla es el número de iteraciones"
    return text + "."


def ablation_sentence(ablation, table_ref):
    """The n_h ablation, and the architecture claim only when ``Ablation.architecture_limits`` holds."""
    if ablation is None:
        return ""
    points = ablation.points
    counts = join_es(f"{p.n_solved} con $n_h = {p.n_h}$" for p in points)
    n = points[0].n_seeds
    text = (
        f"¿Es culpa de la arquitectura? Lo probamos: con {alpha(ablation.learning_rate)}, "
        f"{vocab.loss(ablation.loss).short} y {fmt_int(ablation.iterations)} iteraciones, de {n} semillas resuelven "
        f"{counts} ({table_ref})."
    )
    if ablation.architecture_limits:
        text += (
            f" Con más neuronas ocultas se resuelven semillas que con $n_h = {ablation.grid_n_h}$ no se resuelven ni "
            f"con {fmt_int(ablation.outcomes.extension)} iteraciones: esas fallas son de la arquitectura, no de la "
            "tasa ni del número de iteraciones."
        )
    elif ablation.larger_solve_more:
        text += " Más neuronas ocultas resuelven más semillas en las mismas iteraciones."
    else:
        text += " Más neuronas ocultas no resuelven más semillas aquí."
    return text


def ablation_table(ablation):
    """Seeds solved and median iterations to 100 % per hidden-layer size."""
    rows = [[f"{p.n_h}", f"{p.n_solved}/{p.n_seeds}", fmt_median(p.median_iterations)] for p in ablation.points]
    return markdown_table(["$n_h$", "Semillas resueltas", "Mediana de iteraciones hasta 100 %"], rows)


def scan_table(w, *, grid_rates):
    """Some of the scan's rates, one per regime (the figure shows all): seeds solved and what went wrong."""
    keep = {w.points[0].learning_rate, w.points[-1].learning_rate, *grid_rates}
    if w.window:
        keep |= {w.window[0], w.window[-1], *w.fastest.winners}
    if w.none_below:
        keep.add(w.none_below[-1])
    for r in (w.first_oscillating, w.first_diverging, *w.erratic[:1]):
        if r is not None:
            keep.add(r)
    rows = []
    for p in w.points:
        if not any(math.isclose(p.learning_rate, r, rel_tol=1e-12) for r in keep):
            continue
        rows.append(
            [
                fmt_rate(p.learning_rate),
                f"{p.n_solved}/{p.n_seeds}",
                fmt_median(p.median_iterations),
                str(p.n_plateau),
                str(p.n_oscillating),
                str(p.n_diverged),
                fmt_value(p.median_max_weight),
            ]
        )
    header = [
        "$\\alpha$",
        "Resueltas",
        "Mediana de iteraciones",
        "En una meseta",
        "Oscilan",
        "Divergen",
        "Mayor $\\lvert W \\rvert$",
    ]
    return markdown_table(header, rows)


def grid_matches_scan(scan, runs, *, init, loss):
    """True when at some grid rate, and at every one, the scan solved exactly the seeds the grid's record did,
    in the same iterations (the scan's seeds are the grid's first ones)."""
    compared = 0
    for run in done_runs(runs, init=init, loss=loss):
        point = scan.at(loss, run.learning_rate)
        if point is None or point.seeds != run.record.seeds.seeds[: len(point.seeds)]:
            continue
        if point.iterations_to_solve != run.record.seeds.iterations_to_solve[: len(point.seeds)]:
            return False
        compared += 1
    return compared > 0


# ---------------------------------------------------------------- conclusion


def _grid_conclusion(runs, *, init, loss):
    """The grid's part: which rate reaches 100 % first on the main seed, and the seeds solved (ties as ties)."""
    done = done_runs(runs, init=init, loss=loss)
    if not done:
        return f"La rejilla no tiene ejecuciones terminadas con {vocab.init(init).long} y {vocab.loss(loss).short}."
    rates = [r.learning_rate for r in done]
    scope = (
        f"Entre las tasas de la rejilla ({join_es(fmt_rate(r) for r in rates)})"
        if len(rates) <= 4
        else (f"Entre las {len(rates)} tasas de la rejilla")
    )
    iters = done[0].record.iterations
    solvers = sorted(
        (r for r in done if r.record.iterations_to_solve is not None), key=lambda r: r.record.iterations_to_solve
    )
    if not solvers:
        text = f"{scope}, ninguna alcanza 100 % de exactitud en {fmt_int(iters)} iteraciones con la semilla principal."
    elif len(done) == 1:
        text = (
            f"Con {alpha(rates[0])}, la única tasa de la rejilla, la red alcanza 100 % en la iteración "
            f"{fmt_int(solvers[0].record.iterations_to_solve)}."
        )
    else:
        k = solvers[0].record.iterations_to_solve
        first = [r for r in solvers if r.record.iterations_to_solve == k]
        verb = "alcanzan" if len(first) > 1 else "alcanza"
        text = (
            f"{scope}, {join_es(alpha(r.learning_rate) for r in first)} {verb} 100 % primero con la "
            f"semilla principal (iteración {fmt_int(k)})"
        )
        never = [r for r in done if r.record.iterations_to_solve is None]
        if never and len(never) <= 3:
            text += (
                f"; {join_es(alpha(r.learning_rate) for r in never)} no lo "
                f"{'alcanzan' if len(never) > 1 else 'alcanza'} en {fmt_int(iters)} iteraciones"
            )
        text += "."
    n = done[0].record.seeds.n_seeds
    counts = [(r.learning_rate, r.record.seeds.n_solved) for r in done]
    top = max(c for _, c in counts)
    winners = [lr for lr, c in counts if c == top]
    if len(done) > 1 and top > 0:
        who = join_es(alpha(r) for r in winners) if len(winners) <= 4 else f"{len(winners)} tasas"
        text += (
            f" Con {n} semillas, el máximo de semillas resueltas ({top}) lo "
            f"{'comparten' if len(winners) > 1 else 'logra'} {who}."
        )
    return text


def _scan_conclusion(w, runs, *, init, loss, iterations):
    if not w.holds:
        return ""
    lo, hi = w.window[0], w.window[-1]
    text = (
        f"En el barrido, las tasas buenas van de {fmt_rate(lo)} a {fmt_rate(hi)} ({w.best_solved} de "
        f"{w.n_seeds} semillas)"
    )
    grid_best = best_rate(runs, init=init, loss=loss)
    if grid_best is not None and w.contains(grid_best) and w.fastest.holds and grid_best not in w.fastest.winners:
        text += f"; {alpha(grid_best)} está dentro, pero {alpha(w.fastest.winners[-1])} resuelve más rápido"
    text += "."
    below = ""
    if w.none_below:
        below = (
            f"por debajo, con $\\alpha \\leq {fmt_rate(w.none_below[-1])}$, ninguna semilla resuelve en "
            f"{fmt_int(iterations)} iteraciones"
        )
    above = []
    if w.first_oscillating is not None:
        above.append(f"desde {alpha(w.first_oscillating)} el costo oscila")
    if w.first_diverging is not None:
        above.append(f"desde {alpha(w.first_diverging)} diverge")
    pieces = [p for p in (below, "por encima, " + join_es(above) if above else "") if p]
    if pieces:
        text += " " + cap("; ".join(pieces)) + "."
    return text


def _seeds_conclusion(outcomes, ablation):
    if outcomes is None or not outcomes.unsolved or outcomes.extension <= outcomes.iterations:
        return ""
    if outcomes.budget_limited:
        return f"Las semillas que fallan solo necesitan más iteraciones: con {fmt_int(outcomes.extension)} resuelven."
    text = ""
    groups = common_plateaus(outcomes)
    if groups:
        cost = groups[0][0]
        named = "$\\ln 2 / 2$" if abs(cost - LN2_HALF) < 1e-9 else fmt_cost(cost)
        text = (
            f"Las semillas que fallan no se arreglan con más iteraciones: se estancan en un ajuste parcial de costo "
            f"{named}, que actúa como un mínimo local."
        )
    if ablation is not None and ablation.architecture_limits:
        largest = ablation.points[-1]
        text += (
            f" Con $n_h = {largest.n_h}$ neuronas ocultas se resuelven {largest.n_solved} de {largest.n_seeds}: el "
            "límite es la arquitectura."
        )
    return text.strip()


def conclusion_q2(runs, *, init, loss, window, outcomes, ablation, iterations):
    """Question 2's answer: the grid, the scan's window, and why the failing seeds fail."""
    parts = [
        _grid_conclusion(runs, init=init, loss=loss),
        _scan_conclusion(window, runs, init=init, loss=loss, iterations=iterations) if window is not None else "",
        _seeds_conclusion(outcomes, ablation),
    ]
    return " ".join(p for p in parts if p)
