"""Question 2: how do the cost and the parameters converge with different learning rates?

Its sentences, its table and its conclusion, over the runs of one initialisation and one loss
(the notebook passes the course's: random and BCE). The main seed answers "which rate is
fastest"; all the seeds answer "how often does a rate work".
"""

from __future__ import annotations

import numpy as np

from nnsimple_lab import vocab
from nnsimple_lab.report.es import (
    alpha,
    cap,
    finite,
    fmt_cost,
    fmt_factor,
    fmt_int,
    fmt_lr,
    fmt_pct,
    fmt_value,
    join_es,
    plural,
)
from nnsimple_lab.report.runs import common, find, learning_rates, select
from nnsimple_lab.report.tables import SUMMARY_HEADER, markdown_table, summary_row

# Cross-entropy keeps falling as a right answer grows more confident, so a network that already
# solves the task may keep growing its weights instead of settling: a claim about this loss only.
UNBOUNDED_LOSS = "bce"


def rates(runs, *, init, loss):
    """The learning rates the grid has for this initialisation and loss, ascending."""
    return learning_rates(select(runs, init=init, loss=loss))


def columns(runs, *, init, loss):
    """``[("α = 0.1", Run), …]``: one column per rate, for figures and tables."""
    return [(f"α = {fmt_lr(lr)}", find(runs, lr, init, loss)) for lr in rates(runs, init=init, loss=loss)]


def _where(init, loss):
    return f"{vocab.init(init).long} y {vocab.loss(loss).short}"


def rates_intro_sentence(runs, *, init, loss):
    """Which runs question 2 compares, or that the grid has none."""
    found = rates(runs, init=init, loss=loss)
    if not found:
        return (
            f"La rejilla no tiene ejecuciones con {_where(init, loss)}: "
            "esta pregunta no se puede responder con estos datos."
        )
    return (
        f"Usamos la {vocab.init(init).long} y el costo {vocab.loss(loss).short} con "
        + (f"la tasa {fmt_lr(found[0])}" if len(found) == 1 else "las tasas " + join_es(fmt_lr(r) for r in found))
        + "."
    )


def best_rate(runs, *, init, loss):
    """The rate whose main run reaches 100 % accuracy first; None if none does.

    Ties in iterations go to the smaller rate (the same speed with a gentler step).
    """
    solved = [r for r in select(runs, init=init, loss=loss, ok=True) if r.record.iterations_to_solve is not None]
    if not solved:
        return None
    return min(solved, key=lambda r: (r.record.iterations_to_solve, r.learning_rate)).learning_rate


def _no_rate_solves(done, seed_text):
    iters = common(done, lambda r: r.iterations)
    within = f"en {fmt_int(iters)} iteraciones" if iters is not None else "en las iteraciones de cada ejecución"
    text = f"Ninguna tasa de aprendizaje alcanza 100 % de exactitud {within}{seed_text}."
    diverged = [r for r in done if r.record.diverged]
    if diverged:
        text += " Divergió con " + join_es(alpha(r.learning_rate) for r in diverged) + "."
    return text


def _other_rate(run):
    """How a rate that was not the fastest did on the main seed."""
    r = run.record
    if r.diverged:
        return f"con {alpha(run.learning_rate)} el entrenamiento divergió"
    if r.iterations_to_solve is not None:
        return f"con {alpha(run.learning_rate)} lo alcanza en la iteración {fmt_int(r.iterations_to_solve)}"
    return (
        f"con {alpha(run.learning_rate)} no lo alcanza en {fmt_int(r.iterations)} iteraciones "
        f"(exactitud final {fmt_pct(r.final_accuracy)})"
    )


def _fastest(done, best, seed_text):
    """The fastest rate (or the rates tied with it) against the others."""
    winner = next(r for r in done if r.learning_rate == best)
    k = winner.record.iterations_to_solve
    ties = [r for r in done if r.record.iterations_to_solve == k and r is not winner]
    others = [r for r in done if r is not winner and r not in ties]
    if ties:
        text = (
            f"{join_es([alpha(best)] + [alpha(r.learning_rate) for r in ties])} empatan como las más rápidas"
            f"{seed_text}: alcanzan 100 % de exactitud en la iteración {fmt_int(k)}"
        )
    else:
        text = (
            f"La tasa {alpha(best)} es la primera en alcanzar 100 % de exactitud{seed_text}: "
            f"en la iteración {fmt_int(k)}"
        )
    pieces = [_other_rate(r) for r in sorted(others, key=lambda r: r.learning_rate)]
    return text + ("; " + join_es(pieces) if pieces else "") + "."


def best_rate_sentence(runs, *, init, loss):
    """Which learning rate reaches 100 % accuracy first on the main seed, against the others."""
    group = select(runs, init=init, loss=loss)
    if not group:
        return f"La rejilla no tiene ejecuciones con {_where(init, loss)}."
    done = [r for r in group if r.ok]
    failed = [r for r in group if not r.ok]
    tail = ""
    if failed:
        tail = " Sin resultado: " + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed) + "."
    if not done:
        return "Ninguna ejecución de esta comparación terminó." + tail
    seed = common(done, lambda r: r.seed)
    seed_text = f" con la semilla {seed}" if seed is not None else ""
    best = best_rate(runs, init=init, loss=loss)
    if best is None:
        return _no_rate_solves(done, seed_text) + tail
    return _fastest(done, best, seed_text) + tail


def _largest_weight(record, k=-1):
    """The largest |weight| (W1, W2) at state ``k``; nan is skipped (a diverged run's weights)."""
    return max(float(np.nanmax(np.abs(record.history[w][k]))) for w in ("W1", "W2"))


def cost_by_rate_sentence(runs, *, init, loss):
    """How fast the main run's cost falls at each rate, and how big the weights end up."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return ""
    first = common(done, lambda r: float(r.costs[0]))
    pieces = []
    for run in done:
        r = run.record
        if r.diverged and not finite(r.final_cost):
            pieces.append(f"con {alpha(run.learning_rate)} diverge")
        else:
            verb = "sube a" if r.final_cost > r.costs[0] else "llega a"
            note = " (divergió)" if r.diverged else ""
            pieces.append(f"con {alpha(run.learning_rate)} {verb} {fmt_cost(r.final_cost)}{note}")
    start = ""
    if first is not None:
        start = f"Todas parten del mismo costo, {fmt_cost(first)}, porque parten de los mismos pesos; "
    text = f"{start}tras {fmt_int(done[0].record.iterations)} iteraciones, {join_es(pieces)}."
    sizes = [(run.learning_rate, _largest_weight(run.record)) for run in done]
    if len(sizes) > 1 and all(finite(w) for _, w in sizes):
        increasing = all(a[1] < b[1] for a, b in zip(sizes, sizes[1:], strict=False))
        text += " El mayor peso final en valor absoluto es " + join_es(
            f"{fmt_value(w)} con {alpha(lr)}" for lr, w in sizes
        )
        text += (
            ": cuanto mayor la tasa, más lejos llegan los pesos en el mismo número de iteraciones."
            if increasing
            else "."
        )
    return text


def _still_growing(record, window):
    """Solved, yet over the last ``window`` iterations the cost still falls and the largest weight grows."""
    before = record.index_at_or_before(-1 - window)  # that state, or the kept one just before it
    falling = record.costs[-1] < record.costs[before]
    return record.solved and falling and _largest_weight(record) > _largest_weight(record, before)


def _change(history, before):
    """The largest |change| of a parameter's entries from the kept state ``before`` to the last."""
    return float(np.max(np.abs(history[-1] - history[before])))


def parameter_motion_sentence(runs, *, init, loss, tail=0.1):
    """Whether the parameters have stopped moving: their largest change over the last iterations."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    done = [r for r in done if not r.record.diverged and r.record.iterations >= 10]
    window = common(done, lambda r: max(1, int(r.iterations * tail))) if done else None
    if window is None:
        return ""
    moves = [
        (r.learning_rate, max(_change(h, r.record.index_at_or_before(-1 - window)) for h in r.record.history.values()))
        for r in done
    ]
    pieces = join_es(f"{fmt_value(m)} con {alpha(lr)}" for lr, m in moves)
    text = f"En las últimas {fmt_int(window)} iteraciones, el mayor cambio de un parámetro es {pieces}"
    if not all(m > 1e-3 for _, m in moves):
        return text + "."
    text += f": con ninguna tasa se quedan quietos en {fmt_int(done[0].record.iterations)} iteraciones."
    growing = [run for run in done if _still_growing(run.record, window)]
    if growing and loss == UNBOUNDED_LOSS:
        text += (
            f" Con {join_es(alpha(r.learning_rate) for r in growing)}, "
            f"{'que ya resolvió' if len(growing) == 1 else 'que ya resolvieron'} XOR, el costo sigue "
            f"bajando y el mayor peso sigue creciendo: con {vocab.loss(loss).short}, una red que ya acierta puede "
            "seguir ganando confianza sin límite, así que los pesos siguen creciendo en lugar de asentarse en un "
            "valor fijo."
        )
    return text


def _seed_counts(done):
    """How many seeds solve XOR at each rate, and how many diverge."""
    n = common(done, lambda r: r.seeds.n_seeds)
    iters = common(done, lambda r: r.iterations)
    seeds = common(done, lambda r: r.seeds.seeds)
    seeds_text = f" (0 a {len(seeds) - 1})" if seeds is not None and list(seeds) == list(range(len(seeds))) else ""
    within = f" en {fmt_int(iters)} iteraciones" if iters is not None else ""
    if n is not None:
        counts = join_es(f"{r.record.seeds.n_solved} con {alpha(r.learning_rate)}" for r in done)
        text = f"De las {n} semillas{seeds_text}, resuelven XOR{within}: {counts}."
    else:
        counts = join_es(
            f"{r.record.seeds.n_solved} de {r.record.seeds.n_seeds} con {alpha(r.learning_rate)}" for r in done
        )
        text = f"Semillas que resuelven XOR{within}: {counts}."
    diverged = [r for r in done if r.record.seeds.n_diverged]
    if diverged:
        text += (
            " Divergen "
            + join_es(f"{plural(r.record.seeds.n_diverged, 'semilla')} con {alpha(r.learning_rate)}" for r in diverged)
            + "."
        )
    return text


def _final_costs(stats, solved):
    """The finite final costs of the seeds that solve (``solved=True``) or do not."""
    return [c for c, ok in zip(stats.final_cost, stats.solved, strict=True) if ok == solved and finite(c)]


def _still_unsolved(slow, best, unsolved, bad):
    """When the best rate's failing seeds fail at the next smaller rate too: a larger step does not help."""
    slow_unsolved = {s for s, ok in zip(slow.record.seeds.seeds, slow.record.seeds.solved, strict=True) if not ok}
    if not set(unsolved) <= slow_unsolved:
        return ""
    text = (
        f" Son semillas que también fallan con {alpha(slow.learning_rate)}: multiplicar la tasa por "
        f"{fmt_factor(best.learning_rate / slow.learning_rate)} no las rescata."
    )
    index = {s: i for i, s in enumerate(slow.record.seeds.seeds)}
    before = [slow.record.seeds.final_cost[index[s]] for s in unsolved if s in index]
    before = [c for c in before if finite(c)]
    if bad and before:
        b0, b1 = float(np.median(before)), float(np.median(bad))
        if abs(b0 - b1) <= 0.1 * b0:
            text += (
                f" Su costo final mediano apenas cambia, de {fmt_cost(b0)} con "
                f"{alpha(slow.learning_rate)} a {fmt_cost(b1)} con {alpha(best.learning_rate)}: con solo "
                "dos neuronas ocultas, desde esos puntos de partida el descenso de gradiente se estanca "
                "sin separar las cuatro entradas."
            )
    return text


def _unsolved_seeds(done, best, unsolved):
    """The seeds even the best rate does not solve: how many, their cost, whether a smaller rate fails them too."""
    stats = best.record.seeds
    bad, good = _final_costs(stats, solved=False), _final_costs(stats, solved=True)
    text = (
        f" Ni siquiera la tasa con más éxitos, {alpha(best.learning_rate)}, resuelve todas: "
        if len(done) > 1
        else f" Con {alpha(best.learning_rate)}, "
    ) + f"{len(unsolved)} de {stats.n_seeds} semillas no lo logran"
    if bad and good:
        text += (
            f", con un costo final mediano de {fmt_cost(float(np.median(bad)))} frente a "
            f"{fmt_cost(float(np.median(good)))} de las que sí"
        )
    text += "."
    smaller = [r for r in done if r.learning_rate < best.learning_rate]
    return text + (_still_unsolved(smaller[-1], best, unsolved, bad) if smaller else "")


def seeds_sentence(runs, *, init, loss):
    """How many of the N seeds solve XOR at each rate, and what the failures look like."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return ""
    text = _seed_counts(done)
    best = max(done, key=lambda r: (r.record.seeds.n_solved, r.learning_rate))
    stats = best.record.seeds
    unsolved = [s for s, ok in zip(stats.seeds, stats.solved, strict=True) if not ok]
    if stats.n_solved == 0:
        return text + " Ninguna semilla lo resuelve con ninguna tasa."
    if unsolved:
        return text + _unsolved_seeds(done, best, unsolved)
    return text + f" Con {alpha(best.learning_rate)} lo resuelven todas."


def rate_table(runs, *, init, loss):
    """Per rate: iterations to 100 %, final cost and accuracy (main seed), seeds solved."""
    rows = [summary_row(run)[1:] for _, run in columns(runs, init=init, loss=loss)]
    return markdown_table(["$\\alpha$", "Costo final", *SUMMARY_HEADER], rows)


def _fastest_conclusion(done, best, within):
    """Which rate solves first, whether the cost ends lower the larger the rate, who never solves."""
    winner = next(r for r in done if r.learning_rate == best)
    slower = [r for r in done if r is not winner and not r.record.diverged]
    finals = [r.record.final_cost for r in done if not r.record.diverged]
    monotone = len(finals) > 1 and all(a > b for a, b in zip(finals, finals[1:], strict=False))
    lead = "Cuanto mayor la tasa, más bajo termina el costo en el mismo número de iteraciones" if monotone else ""
    first = f"{alpha(best)} alcanza 100 % de exactitud primero (iteración {fmt_int(winner.record.iterations_to_solve)}"
    later = sorted(
        (r for r in slower if r.record.iterations_to_solve is not None), key=lambda r: r.record.iterations_to_solve
    )
    if later:
        first += ", frente a " + join_es(
            f"{fmt_int(r.record.iterations_to_solve)} con {alpha(r.learning_rate)}" for r in later
        )
    text = f"{lead}: {first})" if lead else cap(first + ")")
    unsolved = [r for r in slower if r.record.iterations_to_solve is None]
    if unsolved:
        text += ", mientras " + join_es(alpha(r.learning_rate) for r in unsolved) + f" no lo logra {within}"
    text += "."
    diverged = [r for r in done if r.record.diverged]
    if diverged:
        text += " Divergió con " + join_es(alpha(r.learning_rate) for r in diverged) + "."
    return text


def conclusion_q2(runs, *, init, loss):
    """One sentence answering question 2 from the results."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return f"No hay ejecuciones terminadas con {vocab.init(init).long} para comparar tasas."
    best = best_rate(runs, init=init, loss=loss)
    iters = common(done, lambda r: r.iterations)
    within = f"en {fmt_int(iters)} iteraciones" if iters is not None else "en las iteraciones de cada ejecución"
    if best is None:
        text = f"Ninguna tasa alcanza 100 % de exactitud {within} con la semilla principal."
    else:
        text = _fastest_conclusion(done, best, within)
    n = common(done, lambda r: r.seeds.n_seeds)
    counts = join_es(f"{r.record.seeds.n_solved} con {alpha(r.learning_rate)}" for r in done)
    text += f" De {n} semillas, resuelven XOR {counts}" if n is not None else f" Resuelven XOR: {counts}"
    most = max(r.record.seeds.n_solved for r in done)
    text += ": ninguna tasa salva todas las semillas con dos neuronas ocultas." if n is not None and most < n else "."
    return text
