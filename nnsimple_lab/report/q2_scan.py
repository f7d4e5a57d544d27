"""Question 2 beyond the grid: the scan's window (too small, good, too large), is the grid's best the best,
the weights across the scan; and question 2's conclusion.

Sentences of ``scan.window``; each is written only when its finding holds and says its scope (the
scan's rates, seeds and iterations). The failing seeds and the ablation are ``q2_seeds``.
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
    fmt_value,
    join_es,
    plural,
)
from nnsimple_lab.report.findings import paired_ratio, trend
from nnsimple_lab.report.q2_rate import best_rate, done_runs
from nnsimple_lab.report.q2_seeds import seeds_conclusion
from nnsimple_lab.report.scan import window_speed
from nnsimple_lab.report.tables import markdown_table


def scope_phrase(scan, loss):
    """``"BCE, inicialización aleatoria, 20 semillas, 1000 iteraciones"``: what every scan claim covers."""
    return (
        f"{vocab.loss(loss).short}, {vocab.init(scan.init).long}, {plural(scan.n_seeds, 'semilla')}, "
        f"{fmt_int(scan.iterations)} iteraciones"
    )


def scan_intro_sentence(scan, loss, *, grid_seeds, matches_grid=False):
    """What the scan is: how many rates, from where to where, with which seeds and iterations.

    ``grid_seeds``: how many seeds the grid has (the scan trains at most ``scan.MAX_SEEDS`` of them);
    ``matches_grid``: ``grid_matches_scan`` held, so the sentence may say the scan reproduces the grid.
    """
    rates = [p.learning_rate for p in scan.curve(loss)]
    seeds = "las semillas" if scan.n_seeds >= grid_seeds else f"las primeras {scan.n_seeds} semillas"
    text = (
        "Unas pocas tasas no bastan para ver dónde empieza y dónde termina una buena tasa. El informe entrena aquí "
        f"mismo {len(rates)} tasas, espaciadas por un factor $\\sqrt{{2}}$ de {alpha(rates[0])} a {alpha(rates[-1])} "
        f"(más las de la rejilla), con {seeds} e iteraciones de la rejilla ({scope_phrase(scan, loss)})."
    )
    if matches_grid:
        text += (
            " En las tasas de la rejilla el barrido resuelve exactamente las mismas semillas en las mismas iteraciones."
        )
    return text


def window_sentences(w, *, iterations):
    """The window of ``scan.window``: too small, good (with its fastest rate), too large. "" when it does not hold."""
    if not w.holds:
        return f"En el barrido ninguna tasa estable resuelve {w.data.name}."
    lo, hi = w.window[0], w.window[-1]
    n = w.n_seeds
    text = ""
    if w.none_below:
        top = w.none_below[-1]
        text += (
            f"Con $\\alpha \\leq {fmt_rate(top)}$ ninguna semilla resuelve {w.data.name} "
            f"en {fmt_int(iterations)} iteraciones: "
            f"el costo baja, pero despacio (mediana final {fmt_cost(w.point(top).median_final_cost)} con "
            f"{alpha(top)}). "
        )
    if len(w.window) == 1:
        text += (
            f"Solo {alpha(lo)} resuelve el máximo entre las tasas estables, {w.best_solved} de {plural(n, 'semilla')}."
        )
    else:
        text += (
            f"Todas las tasas del barrido de {alpha(lo)} a {alpha(hi)} resuelven el máximo entre las tasas estables, "
            f"{w.best_solved} de {plural(n, 'semilla')}: es la ventana de tasas buenas."
        )
        text += _speed_text(window_speed(w))
    return text + " " + _above_text(w)


def _speed_text(speed):
    """ "Dentro de ella, cuanto mayor la tasa, menos iteraciones", over the same seeds at every rate
    (``scan.WindowSpeed``), saying which seeds; "" unless the trend over those seeds holds, downwards."""
    found = speed.trend
    if not (found.holds and found.direction == "down"):
        return ""
    n = len(speed.seeds)
    if n == 1:
        over = "con la única semilla que resuelven todas ellas"
    elif speed.same:
        over = f"sobre las mismas {n} semillas en cada tasa"
    else:
        over = f"sobre las {n} semillas que resuelven todas ellas"
    what = "la mediana de iteraciones hasta 100 %" if n > 1 else "las iteraciones hasta 100 %"
    verb = "baja" if n > 1 else "bajan"
    return (
        f" Dentro de ella, cuanto mayor la tasa, menos iteraciones: {over}, {what} {verb} de "
        f"{fmt_median(found.first[1])} a {fmt_median(found.last[1])}."
    )


def _from(onward):
    """``"desde"`` when what happens at a rate goes on at every larger rate of the scan, else ``"con"``."""
    return "desde" if onward else "con"


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
            f"{_from(w.oscillating_onward)} {alpha(p.learning_rate)} el costo oscila (sube en más del 1 % de las "
            f"iteraciones) en {p.n_oscillating} de {plural(n, 'semilla')}"
        )
    if w.first_diverging is not None:
        p = w.point(w.first_diverging)
        parts.append(
            f"{_from(w.diverging_onward)} {alpha(p.learning_rate)} diverge (termina por encima de donde empezó) en "
            f"{p.n_diverged} de {n}"
        )
    text = "Por encima de la ventana, " + join_es(parts) + "." if parts else ""
    for r in w.erratic[:2]:
        p = w.point(r)
        text += (
            f" Con {alpha(r)} resuelven {p.n_solved}, más que en la ventana, pero oscilando "
            f"({p.n_oscillating} de {plural(n, 'semilla')})"
        )
        later = [q for q in w.points if q.learning_rate > r]
        if later and later[0].n_solved < p.n_solved:
            text += (
                f", y con la tasa siguiente del barrido, {fmt_rate(later[0].learning_rate)}, solo {later[0].n_solved}"
            )
        text += ": no es una tasa fiable."
    return text


def _both(n):
    """``"las 8 semillas que ambas resuelven"``, ``"la única semilla que ambas resuelven"``."""
    return "la única semilla que ambas resuelven" if n == 1 else f"las {n} semillas que ambas resuelven"


def _faster(ratio):
    """The second rate of a ``PairedRatio`` is faster on the same seeds: the median of the per-seed ratio is
    below 1 as the report prints it (2 decimals). A lower median over different seeds, or a ratio printed
    as 1.00, is no evidence of speed."""
    return ratio.holds and ratio.median_ratio is not None and round(ratio.median_ratio, 2) < 1


def _against_fastest(w, grid_best):
    """``PairedRatio`` of the window's lowest-median rate's iterations over ``grid_best``'s, seed by seed."""
    return paired_ratio(w.point(grid_best).iterations_to_solve, w.point(w.fastest.winners[-1]).iterations_to_solve)


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
        ours = w.point(grid_best).iterations_to_solve
        others = [r for r in w.window if r != grid_best]
        if all(_faster(paired_ratio(w.point(r).iterations_to_solve, ours)) for r in others):
            return (
                f"La tasa más rápida de la rejilla, {name}, es también la más rápida de la ventana del barrido, "
                "semilla por semilla."
            )
        shared = " (empatada)" if len(fastest) > 1 else ""
        return (
            f"La tasa más rápida de la rejilla, {name}, tiene también la mediana de iteraciones hasta 100 % más "
            f"baja de la ventana del barrido{shared}, {fmt_median(w.fastest.best)}; semilla por semilla no es más "
            "rápida que todas las otras tasas de la ventana."
        )
    quick, ours = w.point(fastest[-1]), w.point(grid_best)
    medians = (
        f"{alpha(quick.learning_rate)} resuelve en mediana en {fmt_median(quick.median_iterations)} iteraciones, "
        f"frente a {fmt_median(ours.median_iterations)} con {name}"
    )
    ratio = _against_fastest(w, grid_best)
    if not _faster(ratio):
        text = f"¿Es {name} la mejor? Está dentro de la ventana. En el barrido, {medians}"
        if ratio.holds and ratio.median_ratio is not None:
            text += (
                f", pero semilla por semilla ({_both(ratio.n_both)}) la "
                f"{'razón' if ratio.n_both == 1 else 'mediana de la razón'} es {fmt_ratio(ratio.median_ratio)}: "
                f"por esa medida, {alpha(quick.learning_rate)} no es más rápida que {name}"
            )
        return text + "."
    text = (
        f"¿Es {name} la mejor? Está dentro de la ventana, pero no es la más rápida del barrido: {medians}; sobre "
        f"{_both(ratio.n_both)}, tarda {fmt_ratio(ratio.median_ratio)} veces lo que {name}"
        + ("" if ratio.n_both == 1 else " (mediana de la razón)")
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
                f" Con las tasas que divergen, los pesos terminan mucho más grandes (mediana "
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


def _first_to_solve(done, scope):
    """The main seed's part of the conclusion: which grid rates reach 100 % first (ties as ties), which never."""
    iters = done[0].record.iterations
    solvers = sorted((r for r in done if r.record.solved), key=lambda r: r.record.iterations_to_solve)
    if not solvers:
        return f"{scope}, ninguna alcanza 100 % de exactitud en {fmt_int(iters)} iteraciones con la semilla principal."
    k = solvers[0].record.iterations_to_solve
    if len(done) == 1:
        return (
            f"Con {alpha(done[0].learning_rate)}, la única tasa de la rejilla, la red alcanza 100 % en "
            f"la iteración {fmt_int(k)}."
        )
    first = [r for r in solvers if r.record.iterations_to_solve == k]
    verb = "alcanzan" if len(first) > 1 else "alcanza"
    text = (
        f"{scope}, {join_es(alpha(r.learning_rate) for r in first)} {verb} 100 % primero con la semilla principal "
        f"(iteración {fmt_int(k)})"
    )
    never = [r for r in done if not r.record.solved]
    if never and len(never) <= 3:
        verb = "alcanzan" if len(never) > 1 else "alcanza"
        text += f"; {join_es(alpha(r.learning_rate) for r in never)} no lo {verb} en {fmt_int(iters)} iteraciones"
    return text + "."


def _most_seeds(done):
    """The seeds' part: the most seeds solved by a grid rate, and every rate that reaches it."""
    counts = [(r.learning_rate, r.record.seeds.n_solved) for r in done]
    top = max(c for _, c in counts)
    if len(done) < 2 or top == 0:
        return ""
    winners = [lr for lr, c in counts if c == top]
    who = join_es(alpha(r) for r in winners) if len(winners) <= 4 else f"{len(winners)} tasas"
    verb = "comparten" if len(winners) > 1 else "logra"
    seeds = plural(done[0].record.seeds.n_seeds, "semilla")
    return f" Con {seeds}, el máximo de semillas resueltas ({top}) lo {verb} {who}."


def _grid_conclusion(runs, *, init, loss):
    """The grid's part: which rate reaches 100 % first on the main seed, and the seeds solved (ties as ties)."""
    done = done_runs(runs, init=init, loss=loss)
    if not done:
        return f"La rejilla no tiene ejecuciones terminadas con {vocab.init(init).long} y {vocab.loss(loss).short}."
    rates = [r.learning_rate for r in done]
    if len(rates) <= 4:
        scope = f"Entre las tasas de la rejilla ({join_es(fmt_rate(r) for r in rates)})"
    else:
        scope = f"Entre las {len(rates)} tasas de la rejilla"
    return _first_to_solve(done, scope) + _most_seeds(done)


def _scan_conclusion(w, runs, *, init, loss, iterations):
    if not w.holds:
        return ""
    lo, hi = w.window[0], w.window[-1]
    good = (
        f"la única tasa buena es {fmt_rate(lo)}"
        if lo == hi
        else f"las tasas buenas van de {fmt_rate(lo)} a {fmt_rate(hi)}"
    )
    text = f"En el barrido, {good} ({w.best_solved} de {plural(w.n_seeds, 'semilla')})"
    grid_best = best_rate(runs, init=init, loss=loss)
    inside = grid_best is not None and w.contains(grid_best) and w.fastest.holds
    if inside and grid_best not in w.fastest.winners and _faster(_against_fastest(w, grid_best)):
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
        above.append(f"{_from(w.oscillating_onward)} {alpha(w.first_oscillating)} el costo oscila")
    if w.first_diverging is not None:
        above.append(f"{_from(w.diverging_onward)} {alpha(w.first_diverging)} diverge")
    pieces = [p for p in (below, "por encima, " + join_es(above) if above else "") if p]
    if pieces:
        text += " " + cap("; ".join(pieces)) + "."
    return text


def conclusion_q2(runs, *, init, loss, window, outcomes, ablation, iterations, failing_rate=None):
    """Question 2's answer: the grid, the scan's window, and why the seeds that fail at ``failing_rate`` fail."""
    parts = [
        _grid_conclusion(runs, init=init, loss=loss),
        _scan_conclusion(window, runs, init=init, loss=loss, iterations=iterations) if window is not None else "",
        seeds_conclusion(outcomes, ablation, learning_rate=failing_rate, loss=loss) if failing_rate else "",
    ]
    return " ".join(p for p in parts if p)
