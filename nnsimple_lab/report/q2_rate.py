"""Question 2 from the grid's runs: how do the cost and the parameters converge with each learning rate?

Over the runs of one initialisation and one loss (the notebook passes the course's: random and
BCE). The main seed answers "which rate is fastest"; all the seeds answer "how often does a rate
work". Every comparison says its scope ("entre las tasas de la rejilla", "en 1000
iterations"); a trend is stated only when ``findings.trend`` holds. The scan the report runs
itself, the failing seeds and the hidden-layer ablation are ``q2_scan``.
"""

from __future__ import annotations

import numpy as np

from nnsimple_lab import vocab
from nnsimple_lab.report.es import alpha, cap, finite, fmt_cost, fmt_int, fmt_pct, fmt_rate, fmt_value, join_es, plural
from nnsimple_lab.report.findings import best, trend
from nnsimple_lab.report.runs import common, dataset, find, learning_rates, representative, select, steps
from nnsimple_lab.report.tables import SUMMARY_HEADER, markdown_table, summary_row

# Cross-entropy keeps falling as a right answer grows more confident, so a network that already
# solves the task may keep growing its weights instead of settling: a claim about this loss only.
UNBOUNDED_LOSS = "bce"
MOTION_TAIL = 0.1  # "the last iterations": this share of the budget
MANY = 4  # more rates than this: sentences summarise and tables list


def rates(runs, *, init, loss):
    """The learning rates the grid has for this initialisation and loss, ascending."""
    return learning_rates(select(runs, init=init, loss=loss))


def done_runs(runs, *, init, loss):
    """The finished runs of this initialisation and loss, ascending in rate."""
    return sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)


def shown_rates(runs, *, init, loss):
    """The rates the per-rate figures draw: all when few, else the smallest, the largest and the best."""
    keep = [best_rate(runs, init=init, loss=loss)] if best_rate(runs, init=init, loss=loss) is not None else []
    return representative(rates(runs, init=init, loss=loss), keep=keep, limit=MANY)


def columns(runs, *, init, loss, limit=MANY):
    """``[("α = 0.1", Run), …]``: one column per shown rate, for figures and tables."""
    shown = shown_rates(runs, init=init, loss=loss) if limit else rates(runs, init=init, loss=loss)
    return [(f"α = {fmt_rate(lr)}", find(runs, lr, init, loss)) for lr in shown]


def _where(init, loss):
    return f"{vocab.init(init).long} y {vocab.loss(loss).short}"


def _within(done):
    iters = common(done, lambda r: r.iterations)
    return f"en {fmt_int(iters)} iteraciones" if iters is not None else "en las iteraciones de cada ejecución"


def rates_intro_sentence(runs, *, init, loss):
    """Which runs question 2 compares, or that the grid has none."""
    found = rates(runs, init=init, loss=loss)
    if not found:
        return f"La rejilla no tiene ejecuciones con {_where(init, loss)}: la responde solo el barrido de abajo."
    which = f"la tasa {fmt_rate(found[0])}" if len(found) == 1 else "las tasas " + join_es(fmt_rate(r) for r in found)
    if len(found) > MANY:
        which = f"sus {len(found)} tasas (de {fmt_rate(found[0])} a {fmt_rate(found[-1])})"
    return f"De la rejilla usamos la {vocab.init(init).long} y el costo {vocab.loss(loss).short} con {which}."


def best_rate(runs, *, init, loss):
    """The rate whose main run reaches 100 % accuracy first; None if none does.

    Ties in iterations go to the smaller rate (the same speed with a gentler step).
    """
    solved = [r for r in done_runs(runs, init=init, loss=loss) if r.record.iterations_to_solve is not None]
    if not solved:
        return None
    return min(solved, key=lambda r: (r.record.iterations_to_solve, r.learning_rate)).learning_rate


def _other_rate(run):
    """How a rate that was not the fastest did on the main seed."""
    r = run.record
    if r.diverged:
        return f"con {alpha(run.learning_rate)} el entrenamiento diverge"
    if r.iterations_to_solve is not None:
        return f"{alpha(run.learning_rate)} lo alcanza en la iteración {fmt_int(r.iterations_to_solve)}"
    return f"{alpha(run.learning_rate)} no lo alcanza (exactitud final {fmt_pct(r.final_accuracy)})"


def _fastest(done, seed_text, within, table_ref):
    """The rates that reach 100 % first on the main seed (ties as ties) against the others."""
    speed = best(
        [(r.learning_rate, r.record.iterations_to_solve) for r in done if r.record.iterations_to_solve is not None],
        higher_is_better=False,
    )
    k = fmt_int(speed.best)
    scope = f"Entre las tasas de la rejilla, {within}{seed_text}"
    if speed.tie:
        text = (
            f"{scope}, {join_es(alpha(r) for r in speed.winners)} empatan como las primeras en alcanzar "
            f"100 % de exactitud (iteración {k})"
        )
    else:
        text = f"{scope}, {alpha(speed.winners[0])} es la primera en alcanzar 100 % de exactitud (iteración {k})"
    others = sorted((r for r in done if r.learning_rate not in speed.winners), key=_solve_order)
    if not others:
        return text + "."
    if len(others) <= MANY - 1:
        return text + "; " + join_es(_other_rate(r) for r in others) + "."
    reached = sum(r.record.iterations_to_solve is not None for r in others)
    verb = "lo alcanza" if reached == 1 else "lo alcanzan"
    return text + f"; de las otras {len(others)} tasas, {reached} {verb} ({table_ref})."


def _solve_order(run):
    """Runs that reach 100 % first, then those that never do (by rate)."""
    k = run.record.iterations_to_solve
    return (k is None, k if k is not None else 0, run.learning_rate)


def best_rate_sentence(runs, *, init, loss, table_ref="la tabla de resultados"):
    """Which learning rate reaches 100 % accuracy first on the main seed, against the others."""
    group = select(runs, init=init, loss=loss)
    if not group:
        return f"La rejilla no tiene ejecuciones con {_where(init, loss)}."
    done = done_runs(runs, init=init, loss=loss)
    failed = [r for r in group if not r.ok]
    tail = ""
    if failed:
        tail = " Sin resultado: " + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed[:MANY]) + "."
    if not done:
        return "Ninguna ejecución de esta comparación terminó." + tail
    seed = common(done, lambda r: r.seed)
    seed_text = f" con la semilla {seed}" if seed is not None else ""
    if best_rate(runs, init=init, loss=loss) is None:
        text = f"Ninguna tasa de la rejilla alcanza 100 % de exactitud {_within(done)}{seed_text}."
        diverged = [r for r in done if r.record.diverged]
        if diverged:
            text += " Divergió con " + join_es(alpha(r.learning_rate) for r in diverged[:MANY]) + "."
        return text + tail
    if len(done) == 1:
        k = done[0].record.iterations_to_solve
        return (
            f"Con {alpha(done[0].learning_rate)}{seed_text.replace(' con ', ' y ')}, la red alcanza 100 % "
            "de exactitud en la "
            f"iteración {fmt_int(k)}." + tail
        )
    return _fastest(done, seed_text, _within(done), table_ref) + tail


def largest_weight(record, k=-1):
    """The largest |weight| (W1, W2) at stored state ``k``; nan is skipped (a diverged run's weights)."""
    return max(float(np.nanmax(np.abs(record.history[w][k]))) for w in ("W1", "W2"))


def _trend_text(points, *, what, up, down, within):
    """A sentence for a trend over the grid's rates, or "" when ``findings.trend`` does not hold."""
    found = trend(points)
    if not found.holds:
        return ""
    low, high = fmt_rate(found.first[0]), fmt_rate(found.last[0])
    return (
        f" Entre las tasas de la rejilla (de {low} a {high}), cuanto mayor la tasa, "
        f"{up if found.direction == 'up' else down} {what} {within}."
    )


def cost_by_rate_sentence(runs, *, init, loss, table_ref="la tabla de resultados"):
    """The main run's final cost at each rate, and the largest final weight; trends only where they hold."""
    done = done_runs(runs, init=init, loss=loss)
    if not done:
        return ""
    first = common(done, lambda r: float(r.costs[0]))
    within = _within(done)
    start = (
        f"Todas parten del mismo costo, {fmt_cost(first)}, porque parten de los mismos pesos. "
        if first is not None and len(done) > 1
        else ""
    )
    finals = [(r.learning_rate, r.record.final_cost) for r in done]
    if len(done) <= MANY:
        pieces = [
            (f"diverge con {alpha(lr)}" if not finite(c) else f"{fmt_cost(c)} con {alpha(lr)}")
            + (" (más alto que al empezar)" if finite(c) and c > r.record.costs[0] else "")
            for (lr, c), r in zip(finals, done, strict=True)
        ]
        text = f"{start}El costo final, {within}, es {join_es(pieces)}."
    else:
        low = min((c, lr) for lr, c in finals if finite(c))
        text = f"{start}El costo final más bajo {within} es {fmt_cost(low[0])}, con {alpha(low[1])} ({table_ref})."
    text += _trend_text(finals, what="el costo final", up="más alto", down="más bajo", within=within)
    weights = [(r.learning_rate, largest_weight(r.record)) for r in done]
    if len(done) > 1 and all(finite(w) for _, w in weights):
        if len(done) <= MANY:
            text += (
                " El mayor peso final en valor absoluto es "
                + join_es(f"{fmt_value(w)} con {alpha(lr)}" for lr, w in weights)
                + "."
            )
        text += _trend_text(weights, what="el mayor peso final", up="más grande", down="más pequeño", within=within)
    return text


def _state_before(record, back):
    """The stored state index of iteration ``iterations - back`` (or the latest stored before it)."""
    index = np.flatnonzero(steps(record) <= record.iterations - back)
    return int(index[-1]) if index.size else 0


def _motion(record, window):
    """The largest change of any parameter over the last ``window`` iterations."""
    k = _state_before(record, window)
    return max(float(np.max(np.abs(h[-1] - h[k]))) for h in record.history.values())


def _still_growing(record, window):
    """Solved, yet over the last ``window`` iterations the cost still falls and the largest weight grows."""
    k = _state_before(record, window)
    return record.solved and record.costs[-1] < record.costs[k] and largest_weight(record) > largest_weight(record, k)


def parameter_motion_sentence(runs, *, init, loss):
    """Whether the parameters have stopped moving: their largest change over the last iterations."""
    finished = done_runs(runs, init=init, loss=loss)
    done = [r for r in finished if not r.record.diverged and r.record.iterations >= 10]
    window = common(done, lambda r: max(1, int(r.iterations * MOTION_TAIL))) if done else None
    if window is None:
        return ""
    moves = [(r.learning_rate, _motion(r.record, window)) for r in done]
    if len(moves) <= MANY:
        pieces = join_es(f"{fmt_value(m)} con {alpha(lr)}" for lr, m in moves)
    else:
        pieces = f"de {fmt_value(min(m for _, m in moves))} a {fmt_value(max(m for _, m in moves))} según la tasa"
    text = f"En las últimas {fmt_int(window)} iteraciones, el mayor cambio de un parámetro es {pieces}"
    if not all(m > 1e-3 for _, m in moves):
        return text + "."
    if len(done) == 1:
        which = f"con {alpha(done[0].learning_rate)} no"
    else:  # the rates listed: a diverged run's parameters are left out of the sentence
        which = "con ninguna tasa de la rejilla" if len(done) == len(finished) else "con ninguna de esas tasas"
    text += f": {which} se quedan quietos en {fmt_int(done[0].record.iterations)} iteraciones."
    growing = [run for run in done if _still_growing(run.record, window)]
    if growing and loss == UNBOUNDED_LOSS:
        which = join_es(alpha(r.learning_rate) for r in growing) if len(growing) <= MANY else f"{len(growing)} tasas"
        text += (
            f" Con {which}, {'que ya resolvió' if len(growing) == 1 else 'que ya resolvieron'} {dataset(runs).name}, "
            f"el costo sigue bajando y el mayor peso sigue creciendo: con {vocab.loss(loss).short}, una red que ya "
            "acierta puede seguir ganando confianza sin límite, así que los pesos siguen creciendo en lugar de "
            "asentarse en un valor fijo."
        )
    return text


def seeds_lead(runs, *, init, loss, figures_ref):
    """What the all-seeds figures (``figures_ref``: ``"La Figura 5 y la Figura 6"``) add to the main seed's."""
    n = common(done_runs(runs, init=init, loss=loss), lambda r: r.seeds.n_seeds)
    if n == 1:
        return (
            f"{figures_ref} muestran la única semilla de la rejilla: con una sola semilla no se puede saber cuánto "
            "depende el resultado de los pesos iniciales."
        )
    return (
        f"Una sola semilla no basta para juzgar una tasa. {figures_ref} repiten el experimento con todas las semillas."
    )


def seeds_sentence(runs, *, init, loss, table_ref="la tabla de resultados"):
    """How many of the N seeds solve the data set at each rate, the best with its ties, and how many diverge."""
    done = done_runs(runs, init=init, loss=loss)
    if not done:
        return ""
    n = common(done, lambda r: r.seeds.n_seeds)
    seeds = common(done, lambda r: r.seeds.seeds)
    span = f" (0 a {len(seeds) - 1})" if seeds is not None and list(seeds) == list(range(len(seeds))) else ""
    if n == 1:
        of = f"Con la única semilla (la {seeds[0]}), " if seeds is not None else "Con la única semilla, "
    else:
        of = f"De las {n} semillas{span}, " if n is not None else ""
    solved = [(r.learning_rate, r.record.seeds.n_solved) for r in done]
    if len(done) <= MANY:
        counts = join_es(f"{k} con {alpha(lr)}" for lr, k in solved)
        text = cap(f"{of}resuelven {dataset(runs).name} {_within(done)}: {counts}.")
    else:
        text = cap(
            f"{of}resuelven {dataset(runs).name} {_within(done)} entre {min(k for _, k in solved)} y "
            f"{max(k for _, k in solved)}, según la tasa ({table_ref})."
        )
    ranking = best(solved)
    if ranking.holds and ranking.best > 0 and not ranking.all_tied:
        who = (
            join_es(alpha(r) for r in ranking.winners)
            if len(ranking.winners) <= MANY
            else f"{len(ranking.winners)} tasas"
        )
        verb = "lo alcanzan" if ranking.tie else "lo alcanza"
        text += f" El máximo entre las tasas de la rejilla, {ranking.best}, {verb} {who}."
    elif ranking.all_tied and len(done) > 1 and ranking.best > 0:
        text += f" Todas las tasas de la rejilla resuelven el mismo número de semillas, {ranking.best}."
    if ranking.best == 0:
        text += " Ninguna semilla lo resuelve con ninguna tasa de la rejilla."
    diverged = [r for r in done if r.record.seeds.n_diverged]
    if diverged:
        pieces = [
            f"{plural(r.record.seeds.n_diverged, 'semilla')} con {alpha(r.learning_rate)}" for r in diverged[:MANY]
        ]
        text += " Divergen " + join_es(pieces) + ("" if len(diverged) <= MANY else " y otras") + "."
    return text


def rate_table(runs, *, init, loss):
    """Per rate: final cost, accuracy and iterations to 100 % (main seed), seeds solved and their median."""
    rows = [summary_row(run)[1:] for _, run in columns(runs, init=init, loss=loss, limit=0)]
    return markdown_table(["$\\alpha$", "Costo final", *SUMMARY_HEADER], rows)
