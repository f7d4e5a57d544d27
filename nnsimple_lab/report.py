"""The logic of the lab report (``notebooks/informe.ipynb``), out of the notebook.

The notebook reads the sweep's runs with ``results.load_runs`` and calls these functions:

- cover and numbering: ``spanish_date``, ``load_cover``, ``Numbering`` ("Figura N: …");
- number formatting, one convention everywhere: ``fmt_cost`` (4 decimals), ``fmt_int``,
  ``fmt_pct`` ("85 %"), ``fmt_lr``, ``fmt_sci``; nothing here ever prints ``nan``;
- run summaries: ``summarize_runs`` turns manifest entries into ``Run`` objects (final cost,
  accuracy, iterations until 100 % accuracy, seeds solved n/N, diverged, or the failure);
- facts and sentences: functions named ``*_sentence`` turn those numbers into Spanish prose
  whose claim is chosen by the data (a claim is only made when the numbers support it);
- tables: functions named ``*_table`` return pipe-markdown for ``outputs.show_table``;
- figures: functions named ``fig_*`` return a matplotlib ``Figure`` (Spanish titles, axis
  labels with units, legends); a failed run shows "ejecución fallida" in its place.

Every word a reader sees is Spanish; decimal point as in Guatemala (0.5).
"""

from __future__ import annotations

import datetime as _dt
import inspect
import io
import math
import re
import statistics
import textwrap
import tokenize
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

import nnsimple as nn
from nnsimple_lab import results

LN2 = math.log(2)
GRADIENT_TOLERANCE = 1e-7  # relative error below which a backward pass is right
FAILED = "ejecución fallida"

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
INIT_NAMES = {"zeros": "ceros", "random": "aleatoria", "xavier": "Xavier"}
LOSS_NAMES = {"bce": "BCE", "mse": "MSE"}
LOSS_LONG = {"bce": "entropía cruzada binaria (BCE)", "mse": "error cuadrático medio (MSE)"}
COVER_KEYS = ("university", "faculty", "course", "title", "subtitle", "authors", "date")


# ---------------------------------------------------------------- cover and numbering


def spanish_date(day):
    """``date(2026, 11, 29)`` -> ``"29 de noviembre de 2026"``."""
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def load_cover(lab_toml, today=None):
    """The ``[cover]`` table of ``lab.toml`` as the dict ``outputs.show_cover`` takes.

    An empty ``date`` becomes ``today`` (default: the current date) in Spanish; an ISO date
    (``2026-11-29``) is written in Spanish too; any other text is kept as written.
    """
    with open(lab_toml, "rb") as f:
        cover = dict(tomllib.load(f).get("cover", {}))
    cover = {key: cover.get(key, [] if key == "authors" else "") for key in COVER_KEYS}
    if isinstance(cover["authors"], str):
        cover["authors"] = [cover["authors"]]
    date = str(cover["date"]).strip()
    if not date:
        cover["date"] = spanish_date(today or _dt.date.today())
    else:
        try:
            cover["date"] = spanish_date(_dt.date.fromisoformat(date))
        except ValueError:
            cover["date"] = date
    return cover


class Numbering:
    """Numbers figures and tables in the order they are shown, and remembers them.

    ``num.fig("Costo por iteración.", key="costo")`` -> ``"Figura 1: Costo por iteración."``;
    later ``num.ref("costo")`` -> ``"Figura 1"`` so prose can say "la Figura 1".
    """

    def __init__(self):
        self._count = {"Figura": 0, "Tabla": 0}
        self._refs = {}

    def _next(self, kind, caption, key):
        self._count[kind] += 1
        label = f"{kind} {self._count[kind]}"
        if key is not None:
            if key in self._refs:
                raise ValueError(f"La clave {key!r} ya se usó para la {self._refs[key]}.")
            self._refs[key] = label
        return f"{label}: {caption}"

    def fig(self, caption, key=None):
        """The next figure's complete caption, "Figura N: caption"."""
        return self._next("Figura", caption, key)

    def table(self, caption, key=None):
        """The next table's complete title, "Tabla N: caption"."""
        return self._next("Tabla", caption, key)

    def ref(self, key):
        """ "Figura N" / "Tabla N" of an already numbered item."""
        return self._refs[key]

    @property
    def figures(self):
        return self._count["Figura"]

    @property
    def tables(self):
        return self._count["Tabla"]


# ---------------------------------------------------------------- number formatting


def _finite(x):
    return x is not None and isinstance(x, (int, float, np.number)) and math.isfinite(x)


def fmt_sci(x, digits=2, math_mode=True):
    """``2.0e-10`` -> ``"$2.0 \\times 10^{-10}$"`` (or ``"2.0 × 10^-10"`` without math)."""
    if not _finite(x):
        return "no finito"
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    mantissa = x / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:  # 9.99e-5 rounds to 10.0: renormalise
        mantissa, exponent = mantissa / 10, exponent + 1
    if -2 <= exponent <= 1:  # 0.01 to 99: plain decimals are easier to read
        return f"{x:.{max(digits - 1 - exponent, 0)}f}"
    if math_mode:
        return f"${mantissa:.{digits - 1}f} \\times 10^{{{exponent}}}$"
    return f"{mantissa:.{digits - 1}f} × 10^{exponent}"


def fmt_cost(x):
    """A cost with 4 decimals (``0.6931``); below 0.001, scientific in math; never ``nan``."""
    if not _finite(x):
        return "no finito"
    if x != 0 and abs(x) < 1e-3:
        return fmt_sci(x, digits=3)
    return f"{x:.4f}"


def fmt_value(x):
    """A parameter or output value: 4 decimals, ``-0.0000`` written as ``0.0000``.

    Values of 10 000 or more (a diverged run's weights) are written in scientific notation.
    """
    if not _finite(x):
        return "no finito"
    if abs(x) >= 1e4:
        return fmt_sci(x, digits=3)
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def fmt_int(n):
    """An integer count, no separators: ``1000``."""
    return str(int(n))


def fmt_pct(fraction):
    """A fraction as a whole percentage: ``0.85`` -> ``"85 %"``."""
    if not _finite(fraction):
        return "no finito"
    return f"{round(100 * fraction)} %"


def fmt_lr(learning_rate):
    """A learning rate as written in the grid: ``0.01``, ``0.5``, ``1.0``."""
    return repr(float(learning_rate))


def alpha(learning_rate):
    """The learning rate in math: ``$\\alpha = 0.5$``; ``$\\alpha = 1 \\times 10^{300}$`` when extreme."""
    text = fmt_lr(learning_rate)
    if "e" in text:  # repr's scientific form: 1e+300, 1e-05
        mantissa, exponent = text.split("e")
        mantissa = mantissa.removesuffix(".0")
        text = f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return f"$\\alpha = {text}$"


def join_es(items, conjunction="y"):
    """``["a", "b", "c"]`` -> ``"a, b y c"``; "y" becomes "e" before an /i/ sound."""
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    last = items[-1]
    word = conjunction
    if conjunction == "y" and last.lower().lstrip("$").startswith(("i", "hi")) and not last.lower().startswith("hie"):
        word = "e"
    return f"{', '.join(items[:-1])} {word} {last}"


def _cap(text):
    """First letter upper case, the rest untouched (unlike ``str.capitalize``)."""
    return text[:1].upper() + text[1:]


NUMBER_WORDS = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez")


def number_word(n):
    """Small counts in words (``4`` -> ``"cuatro"``), larger ones in digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else fmt_int(n)


def plural(n, singular, plural_form=None):
    """``plural(1, "semilla")`` -> ``"1 semilla"``; ``plural(3, "semilla")`` -> ``"3 semillas"``."""
    return f"{n} {singular if n == 1 else (plural_form or singular + 's')}"


def _cell(text):
    """Text safe inside a pipe-markdown table cell."""
    return str(text).replace("\n", " ").replace("|", "\\|")


def markdown_table(header, rows):
    """A pipe-markdown table from a header list and rows of cells."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- runs


def last_line(error):
    """The last non-empty line of an error text (the exception and its message)."""
    lines = [line.strip() for line in str(error or "").splitlines() if line.strip()]
    if not lines:
        return "error desconocido"
    return re.sub(r"(?:[A-Za-z]:)?[/\\][^\s:]*[/\\]([^/\\\s:]+)", r"\1", lines[-1])  # paths -> file names


@dataclass(frozen=True)
class Run:
    """One run of the grid: its coordinates, its status and (when it ran) its record."""

    id: str
    learning_rate: float
    init: str
    loss: str
    status: str
    error: str | None = None
    notebook: str | None = None
    record: dict | None = field(default=None, repr=False)

    @property
    def ok(self):
        return self.status == "ok" and self.record is not None

    @property
    def failure(self):
        """``"ejecución fallida: <last line of the error>"``."""
        return f"{FAILED}: {last_line(self.error)}"

    @property
    def label(self):
        return f"α = {fmt_lr(self.learning_rate)}, {INIT_NAMES.get(self.init, self.init)}, {LOSS_NAMES[self.loss]}"

    # --- the main run (seed ``seed``)
    @cached_property
    def costs(self):
        return results.array(self.record["costs"])

    @cached_property
    def accuracy(self):
        return results.array(self.record["accuracy"])

    @cached_property
    def history(self):
        return {k: results.array(v) for k, v in self.record["history"].items()}

    @property
    def iterations(self):
        return int(self.record["parameters"]["iterations"])

    @property
    def seed(self):
        return int(self.record["parameters"]["seed"])

    @property
    def dataset(self):
        return self.record["parameters"]["dataset"]

    @property
    def final_cost(self):
        value = self.record["summary"]["final_cost"]
        return math.nan if value is None else float(value)

    @property
    def final_accuracy(self):
        value = self.record["summary"]["final_accuracy"]
        return math.nan if value is None else float(value)

    @property
    def iterations_to_solve(self):
        """Iteration from which accuracy stays at 100 %; None if never within the run."""
        return self.record["summary"]["iterations_to_solve"]

    @property
    def solved(self):
        return bool(self.record["summary"]["solved"])

    @property
    def diverged(self):
        return bool(self.record["summary"]["diverged"]) or not _finite(self.final_cost)

    @cached_property
    def outputs(self):
        """Final A2 for each example, (m,)."""
        return results.array(self.record["predictions"]["A2"]).ravel()

    # --- the seeds
    @property
    def seed_stats(self):
        return self.record["seed_stats"]

    @property
    def n_solved(self):
        return int(self.seed_stats["n_solved"])

    @property
    def n_seeds(self):
        return int(self.seed_stats["n_seeds"])

    @property
    def seed_list(self):
        return [int(s) for s in self.seed_stats["seeds"]]

    @property
    def seed_iterations(self):
        """Per seed: iteration from which it stays solved, or None."""
        return list(self.seed_stats["iterations_to_solve"])

    @property
    def seed_solved(self):
        return [bool(s) for s in self.seed_stats["solved"]]

    @property
    def seed_final_cost(self):
        return results.array(self.seed_stats["final_cost"])

    @property
    def n_diverged_seeds(self):
        return int(sum(bool(d) for d in self.seed_stats["diverged"]))

    @property
    def median_iterations_solved(self):
        """Median iterations to solve over the seeds that solve; None if none does."""
        solved = [k for k in self.seed_iterations if k is not None]
        return statistics.median(solved) if solved else None

    def cost_quantiles(self):
        """``(q10, q50, q90)`` arrays of the cost over the seeds, per iteration."""
        q = self.seed_stats["cost_quantiles"]
        return tuple(results.array(q[k]) for k in ("q10", "q50", "q90"))


def summarize(entry):
    """A manifest entry from ``results.load_runs`` -> ``Run``."""
    status = entry.get("status", "failed")
    record = entry.get("record")
    error = entry.get("error")
    if status == "ok" and record is None:
        status, error = "failed", error or "sin archivo de resultados"
    return Run(
        id=str(entry.get("id")),
        learning_rate=float(entry["learning_rate"]),
        init=str(entry["init"]),
        loss=str(entry["loss"]),
        status=status,
        error=error,
        notebook=entry.get("notebook"),
        record=record,
    )


def summarize_runs(entries):
    """Every manifest entry -> ``Run``, in grid order."""
    return [summarize(e) for e in entries]


def select(runs, *, learning_rate=None, init=None, loss=None, ok=None):
    """The runs matching every given coordinate (and status, if ``ok`` is given)."""
    out = []
    for run in runs:
        if learning_rate is not None and not math.isclose(run.learning_rate, learning_rate):
            continue
        if init is not None and run.init != init:
            continue
        if loss is not None and run.loss != loss:
            continue
        if ok is not None and run.ok != ok:
            continue
        out.append(run)
    return out


def find(runs, learning_rate, init, loss):
    """The run at these coordinates, or None when the grid does not have it."""
    found = select(runs, learning_rate=learning_rate, init=init, loss=loss)
    return found[0] if found else None


def _unique(values):
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def learning_rates(runs):
    """The grid's learning rates, ascending."""
    return sorted(_unique(r.learning_rate for r in runs))


def inits(runs):
    return _unique(r.init for r in runs)


def losses(runs):
    return _unique(r.loss for r in runs)


def primary_loss(runs):
    """The loss the lab's questions 1 and 2 use: BCE (the course's) when the grid has it."""
    present = losses(runs)
    return "bce" if "bce" in present or not present else present[0]


def common(runs, getter):
    """The single value of ``getter(run)`` over the runs that ran, or None if they differ."""
    values = _unique(getter(r) for r in runs if r.ok)
    return values[0] if len(values) == 1 else None


def reference_rate(runs, loss):
    """The learning rate for question 1's close-up: the one that solves XOR best.

    Most seeds solved with random initialisation, then fastest main run, then the larger
    rate. Falls back to the largest rate the grid has; None when there are no runs.
    """
    candidates = select(runs, init="random", loss=loss, ok=True)
    if candidates:

        def score(run):
            speed = run.iterations_to_solve if run.iterations_to_solve is not None else math.inf
            return (-run.n_solved, speed, -run.learning_rate)

        return min(candidates, key=score).learning_rate
    rates = learning_rates(runs)
    return rates[-1] if rates else None


def reference_rate_sentence(runs, loss, learning_rate):
    """Why question 1 looks at this rate (as chosen by ``reference_rate``)."""
    if learning_rate is None:
        return "La rejilla no tiene ejecuciones."
    text = f"Comparamos las dos inicializaciones con la misma tasa, {alpha(learning_rate)}"
    if select(runs, init="random", loss=loss, ok=True):
        text += ", la que mejor resuelve XOR en la Pregunta 2 (más semillas resueltas y, a igualdad, la más rápida)"
    text += (
        f", y el costo {LOSS_NAMES[loss]}; la inicialización aleatoria usa la semilla principal. Cada ejecución "
        "de la rejilla, con cualquier tasa, tiene su propio cuaderno en el anexo."
    )
    return text


# ---------------------------------------------------------------- question 1: zero init


@dataclass(frozen=True)
class StillFacts:
    """What a run's history says about standing still (for a zero-initialised run)."""

    cost_constant: bool  # the cost is bit for bit the same at every iteration
    first_cost: float
    last_cost: float
    moved: tuple  # names of the parameters that changed at some iteration
    all_zero: bool  # every parameter is exactly 0 at every iteration
    outputs: tuple  # final A2 per example
    final_accuracy: float
    states: int  # number of evaluated states (iterations + 1)


def still_facts(run):
    """Read from the run's history whether it moved at all."""
    costs = run.costs
    moved = tuple(name for name, h in run.history.items() if not np.all(h == h[0]))
    all_zero = all(np.all(h == 0) for h in run.history.values())
    return StillFacts(
        cost_constant=bool(np.all(costs == costs[0])),
        first_cost=float(costs[0]),
        last_cost=float(costs[-1]),
        moved=moved,
        all_zero=all_zero,
        outputs=tuple(float(a) for a in run.outputs),
        final_accuracy=run.final_accuracy,
        states=len(costs),
    )


def _is_ln2(x):
    return _finite(x) and abs(x - LN2) <= 1e-12


def _cost_name(value, loss):
    """``0.6931`` written as ``ln 2 = 0.6931`` when it is ln 2 (BCE), else plainly."""
    if loss == "bce" and _is_ln2(value):
        return f"$\\ln 2 = {fmt_cost(value)}$"
    return fmt_cost(value)


def _rates_phrase(rates):
    if len(rates) == 1:
        return f"con {alpha(rates[0])}"
    return "con las tasas " + join_es(fmt_lr(r) for r in rates)


def _still_group(loss, done):
    """The shared facts of a loss's zero-initialised runs if none of them moved, else None."""
    facts = [still_facts(r) for r in done]
    if not all(f.cost_constant and f.all_zero for f in facts) or len({f.first_cost for f in facts}) != 1:
        return None
    outs = {round(o, 12) for f in facts for o in f.outputs}
    accs = {f.final_accuracy for f in facts}
    return {
        "loss": loss,
        "cost": facts[0].first_cost,
        "rates": tuple(r.learning_rate for r in done),
        "states": facts[0].states if len({f.states for f in facts}) == 1 else None,
        "output": outs.pop() if len(outs) == 1 else None,
        "accuracy": accs.pop() if len(accs) == 1 else None,
        "m": len(facts[0].outputs),
    }


def _still_text(groups):
    """One sentence for zero-initialised groups that share iterations, rates and outputs."""
    g = groups[0]
    when = (
        f"es el mismo en las {g['states']} evaluaciones (de la iteración 0 a la {g['states'] - 1})"
        if g["states"] is not None
        else "es el mismo en todas las iteraciones"
    )
    values = join_es(
        f"{_cost_name(x['cost'], x['loss'])}" + (f" con {LOSS_NAMES[x['loss']]}" if len(groups) > 1 else "")
        for x in groups
    )
    which = f" {LOSS_NAMES[g['loss']]}" if len(groups) == 1 else ""
    text = (
        f"Con inicialización en ceros, el costo{which} {when}, {_rates_phrase(list(g['rates']))}: "
        f"exactamente {values}. Los pesos y sesgos siguen exactamente en 0"
    )
    if g["output"] is not None:
        acc = f" (exactitud {fmt_pct(g['accuracy'])})" if g["accuracy"] is not None else ""
        text += f" y la red responde $A_2 = {fmt_value(g['output'])}$ para las {number_word(g['m'])} entradas{acc}"
    return text + "."


def zero_init_sentence(runs):
    """What zero initialisation did, per loss, over every rate (only what the data show)."""
    zeros = select(runs, init="zeros")
    if not zeros:
        return "La rejilla no incluye inicialización en ceros, así que esta pregunta no se puede responder con datos."
    parts, still = [], []
    for loss in losses(zeros):
        done = select(zeros, loss=loss, ok=True)
        failed = select(zeros, loss=loss, ok=False)
        if failed:
            parts.append(
                f"Con inicialización en ceros y {LOSS_NAMES[loss]} no hay resultado para "
                + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed)
                + "."
            )
        if not done:
            continue
        group = _still_group(loss, done)
        if group is not None:
            still.append(group)
            continue
        for run, f in zip(done, map(still_facts, done), strict=True):
            moved = join_es(f"${_param_tex(m)}$" for m in f.moved) if f.moved else "ningún parámetro"
            if f.cost_constant:
                change = f"el costo {LOSS_NAMES[loss]} se queda en {_cost_name(f.first_cost, loss)}"
            elif not _finite(f.last_cost):
                change = f"el costo {LOSS_NAMES[loss]} diverge (deja de ser finito)"
            else:
                change = (
                    f"el costo {LOSS_NAMES[loss]} pasa de {_cost_name(f.first_cost, loss)} a {fmt_cost(f.last_cost)}"
                )
            parts.append(
                f"Con inicialización en ceros y {alpha(run.learning_rate)}, {change}; "
                f"cambian: {moved} (exactitud final {fmt_pct(f.final_accuracy)})."
            )
    keys = {(g["rates"], g["states"], g["output"], g["accuracy"]) for g in still}
    if len(keys) == 1:
        parts.insert(0, _still_text(still))
    else:
        parts[:0] = [_still_text([g]) for g in still]
    return " ".join(parts)


def zero_init_stays(runs, loss=None):
    """True when every zero-initialised run that ran kept its cost and parameters exactly."""
    done = select(runs, init="zeros", loss=loss, ok=True)
    return bool(done) and all(f.cost_constant and f.all_zero for f in map(still_facts, done))


def _param_tex(name):
    """``"W1"`` -> ``"W_1"`` for math."""
    return f"{name[0]}_{name[1:]}" if len(name) > 1 else name


def descent_sentence(run):
    """One run's cost from start to end and when (if ever) it reached 100 % accuracy."""
    if run is None:
        return ""
    init = INIT_NAMES.get(run.init, run.init)
    where = f"con {alpha(run.learning_rate)}, inicialización {init} y {LOSS_NAMES[run.loss]}"
    if not run.ok:
        return f"No hay resultado {where}: {run.failure}."
    first = run.costs[0]
    if run.diverged:
        if not _finite(run.final_cost):
            return (
                f"{_cap(where)} (semilla {run.seed}), el entrenamiento divergió: el costo deja de ser finito "
                "y la red no converge."
            )
        return (
            f"{_cap(where)} (semilla {run.seed}), el entrenamiento divergió: el costo sube de "
            f"{fmt_cost(first)} a {fmt_cost(run.final_cost)} en {fmt_int(run.iterations)} iteraciones."
        )
    text = (
        f"{_cap(where)} (semilla {run.seed}), el costo baja de {fmt_cost(first)} "
        f"a {fmt_cost(run.final_cost)} en {fmt_int(run.iterations)} iteraciones"
    )
    if run.iterations_to_solve is not None:
        k = fmt_int(run.iterations_to_solve)
        return text + f" y la red clasifica bien las cuatro entradas desde la iteración {k}."
    return (
        text + f", pero no converge a 100 % de exactitud en {fmt_int(run.iterations)} iteraciones "
        f"(exactitud final {fmt_pct(run.final_accuracy)})."
    )


def symmetry_sentence(Y):
    """Why db2 is zero at zero init for these labels: sum(A2 - Y) with A2 = 0.5 everywhere."""
    Y = np.asarray(Y).ravel()
    ones, m = int(Y.sum()), Y.size
    db2 = float(np.sum(0.5 - Y) / m)
    if db2 == 0:
        return (
            f"Las etiquetas tienen {plural(ones, 'uno')} y {plural(m - ones, 'cero')}, así que "
            f"$\\partial J/\\partial b_2 = \\frac{{1}}{{m}}\\sum_i (0.5 - y_i) = 0$ también: "
            "ningún gradiente es distinto de cero y el descenso no se mueve. El punto de partida es un "
            "punto estacionario del costo."
        )
    return (
        f"Las etiquetas tienen {plural(ones, 'uno')} y {plural(m - ones, 'cero')}, así que "
        f"$\\partial J/\\partial b_2 = \\frac{{1}}{{m}}\\sum_i (0.5 - y_i) = {fmt_value(db2)} \\neq 0$: "
        "solo $b_2$ recibe gradiente."
    )


def q1_lead(runs, loss, learning_rate, cost_ref, params_ref):
    """The first sentence of question 1's answer: what the two figures show, only if true."""
    random_run = find(runs, learning_rate, "random", loss)
    zero_run = find(runs, learning_rate, "zeros", loss)
    both = random_run is not None and zero_run is not None and random_run.ok and zero_run.ok
    if both and zero_init_stays([zero_run]) and not still_facts(random_run).cost_constant:
        return f"La {cost_ref} y la {params_ref} muestran dos comportamientos opuestos."
    shown = [name for name, run in (("en ceros", zero_run), ("aleatoria", random_run)) if run is not None]
    if len(shown) == 2:
        return f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros de las dos inicializaciones."
    if shown:
        return f"La {cost_ref} y la {params_ref} muestran el costo y los parámetros con inicialización {shown[0]}."
    return ""


def and_demo(learning_rate, iterations, loss="bce"):
    """Train on AND from zeros (milliseconds): the unbalanced-labels case of question 1."""
    X, Y = nn.load_dataset("and")
    return nn.train(X, Y, learning_rate=learning_rate, iterations=iterations, init="zeros", loss=loss)


def parameter_change_table(result):
    """Per parameter entry of a ``nnsimple.TrainResult``: initial, final, largest |change|."""
    rows = []
    for name in nn.PARAMETER_NAMES:
        h = result.history[name]
        for index in np.ndindex(h.shape[1:]):
            series = h[(slice(None), *index)]
            change = float(np.max(np.abs(series - series[0])))
            entry = f"${_param_tex(name)}[{','.join(map(str, index))}]$"
            rows.append([entry, fmt_value(series[0]), fmt_value(series[-1]), fmt_value(change)])
    return markdown_table(["Parámetro", "Inicial", "Final", "Mayor cambio $\\lvert\\Delta\\rvert$"], rows)


def and_sentence(result):
    """What moved when training AND from zeros, read from the history."""
    moved = [k for k in nn.PARAMETER_NAMES if not np.all(result.history[k] == result.history[k][0])]
    still = [k for k in nn.PARAMETER_NAMES if k not in moved]
    Y = nn.load_dataset("and")[1].ravel()
    labels = ", ".join(str(int(y)) for y in Y)
    start = f"En AND (etiquetas {labels}) con inicialización en ceros y {alpha(result.learning_rate)}, "
    if not moved:
        return start + "ningún parámetro se mueve."
    moved_tex = join_es(f"${_param_tex(k)}$" for k in moved)
    text = start + f"solo se mueve {moved_tex}" if len(moved) == 1 else start + f"se mueven {moved_tex}"
    if moved == ["b2"]:
        b2 = result.history["b2"].ravel()
        text += f": pasa de {fmt_value(b2[0])} a {fmt_value(b2[-1])} en {fmt_int(result.iterations)} iteraciones"
    if still:
        text += ", mientras " + join_es(f"${_param_tex(k)}$" for k in still) + " siguen exactamente en 0"
    text += "."
    outs = np.unique(np.round(result.A2.ravel(), 12))
    if len(outs) == 1 and moved == ["b2"]:
        share = float(Y.mean())
        text += (
            f" La salida es la misma para las {number_word(Y.size)} entradas "
            f"($A_2 = {fmt_value(outs[0])}$; la proporción de unos "
            f"en las etiquetas es {fmt_value(share)}) y el costo baja de {_cost_name(result.costs[0], result.loss)} a "
            f"{fmt_cost(result.costs[-1])}: sin pesos que distingan las entradas, la red solo aprende "
            "cuántos unos hay. "
            f"Su exactitud queda en {fmt_pct(result.accuracy[-1])}."
        )
    return text


def predictions_table(runs_by_column, X, Y):
    """Final outputs A2 (and the class) per example, one column per (title, Run)."""
    X, Y = np.asarray(X), np.asarray(Y).ravel()
    header = ["$x_1$", "$x_2$", "$y$"] + [title for title, _ in runs_by_column]
    rows = []
    for i in range(Y.size):
        row = [fmt_int(X[0, i]), fmt_int(X[1, i]), fmt_int(Y[i])]
        for _, run in runs_by_column:
            if run is None:
                row.append("no está en la rejilla")
            elif not run.ok:
                row.append(run.failure if i == 0 else "—")
            else:
                a = run.outputs[i]
                row.append(f"{fmt_value(a)} → {int(a >= 0.5)}" if _finite(a) else "no finito")
        rows.append(row)
    return markdown_table(header, rows)


# ---------------------------------------------------------------- question 2: learning rate


def rates_intro_sentence(runs, init="random", loss="bce"):
    """Which runs question 2 compares, or that the grid has none."""
    rates = learning_rates(select(runs, init=init, loss=loss))
    if not rates:
        return (
            f"La rejilla no tiene ejecuciones con inicialización {INIT_NAMES.get(init, init)} y {LOSS_NAMES[loss]}: "
            "esta pregunta no se puede responder con estos datos."
        )
    return (
        f"Usamos la inicialización {INIT_NAMES.get(init, init)} y el costo {LOSS_NAMES[loss]} con "
        + (f"la tasa {fmt_lr(rates[0])}" if len(rates) == 1 else "las tasas " + join_es(fmt_lr(r) for r in rates))
        + "."
    )


def best_rate(runs, init="random", loss="bce"):
    """The rate whose main run reaches 100 % accuracy first; None if none does.

    Ties in iterations go to the smaller rate (the same speed with a gentler step).
    """
    solved = [r for r in select(runs, init=init, loss=loss, ok=True) if r.iterations_to_solve is not None]
    if not solved:
        return None
    return min(solved, key=lambda r: (r.iterations_to_solve, r.learning_rate)).learning_rate


def best_rate_sentence(runs, init="random", loss="bce"):
    """Which learning rate reaches 100 % accuracy first on the main seed, against the others."""
    group = select(runs, init=init, loss=loss)
    if not group:
        return f"La rejilla no tiene ejecuciones con inicialización {INIT_NAMES.get(init, init)} y {LOSS_NAMES[loss]}."
    done = [r for r in group if r.ok]
    failed = [r for r in group if not r.ok]
    tail = ""
    if failed:
        tail = " Sin resultado: " + join_es(f"{alpha(r.learning_rate)} ({r.failure})" for r in failed) + "."
    if not done:
        return "Ninguna ejecución de esta comparación terminó." + tail
    seed = common(done, lambda r: r.seed)
    iters = common(done, lambda r: r.iterations)
    seed_text = f" con la semilla {seed}" if seed is not None else ""
    best = best_rate(runs, init, loss)
    if best is None:
        within = f"en {fmt_int(iters)} iteraciones" if iters is not None else "en las iteraciones de cada ejecución"
        text = f"Ninguna tasa de aprendizaje alcanza 100 % de exactitud {within}{seed_text}."
        diverged = [r for r in done if r.diverged]
        if diverged:
            text += " Divergió con " + join_es(alpha(r.learning_rate) for r in diverged) + "."
        return text + tail
    winner = find(done, best, init, loss)
    ties = [r for r in done if r.iterations_to_solve == winner.iterations_to_solve and r is not winner]
    others = [r for r in done if r is not winner and r not in ties]
    if ties:
        text = (
            f"{join_es([alpha(best)] + [alpha(r.learning_rate) for r in ties])} empatan como las más rápidas"
            f"{seed_text}: "
            f"alcanzan 100 % de exactitud en la iteración {fmt_int(winner.iterations_to_solve)}"
        )
    else:
        text = (
            f"La tasa {alpha(best)} es la primera en alcanzar 100 % de exactitud{seed_text}: "
            f"en la iteración {fmt_int(winner.iterations_to_solve)}"
        )
    pieces = []
    for r in sorted(others, key=lambda r: r.learning_rate):
        if r.diverged:
            pieces.append(f"con {alpha(r.learning_rate)} el entrenamiento divergió")
        elif r.iterations_to_solve is not None:
            pieces.append(f"con {alpha(r.learning_rate)} lo alcanza en la iteración {fmt_int(r.iterations_to_solve)}")
        else:
            pieces.append(
                f"con {alpha(r.learning_rate)} no lo alcanza en {fmt_int(r.iterations)} iteraciones "
                f"(exactitud final {fmt_pct(r.final_accuracy)})"
            )
    if pieces:
        text += "; " + join_es(pieces)
    return text + "." + tail


def cost_by_rate_sentence(runs, init="random", loss="bce"):
    """How fast the main run's cost falls at each rate, and how big the weights end up."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return ""
    first = common(done, lambda r: float(r.costs[0]))
    pieces = []
    for r in done:
        if r.diverged and not _finite(r.final_cost):
            pieces.append(f"con {alpha(r.learning_rate)} diverge")
        else:
            verb = "sube a" if r.final_cost > r.costs[0] else "llega a"
            note = " (divergió)" if r.diverged else ""
            pieces.append(f"con {alpha(r.learning_rate)} {verb} {fmt_cost(r.final_cost)}{note}")
    start = ""
    if first is not None:
        start = f"Todas parten del mismo costo, {fmt_cost(first)}, porque parten de los mismos pesos; "
    text = f"{start}tras {fmt_int(done[0].iterations)} iteraciones, {join_es(pieces)}."
    sizes = []
    for r in done:
        w = max(float(np.nanmax(np.abs(r.history[k][-1]))) for k in ("W1", "W2"))
        sizes.append((r.learning_rate, w))
    if len(sizes) > 1 and all(_finite(w) for _, w in sizes):
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


def parameter_motion_sentence(runs, init="random", loss="bce", tail=0.1):
    """Whether the parameters have stopped moving: their largest change over the last iterations."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    done = [r for r in done if not r.diverged and r.iterations >= 10]
    if not done:
        return ""
    window = common(done, lambda r: max(1, int(r.iterations * tail)))
    if window is None:
        return ""
    moves = []
    for r in done:
        moves.append((r.learning_rate, max(float(np.max(np.abs(h[-1] - h[-1 - window]))) for h in r.history.values())))
    pieces = join_es(f"{fmt_value(m)} con {alpha(lr)}" for lr, m in moves)
    text = f"En las últimas {fmt_int(window)} iteraciones, el mayor cambio de un parámetro es {pieces}"
    if not all(m > 1e-3 for _, m in moves):
        return text + "."
    text += f": con ninguna tasa se quedan quietos en {fmt_int(done[0].iterations)} iteraciones."

    def biggest_weight(run, k):
        return max(float(np.max(np.abs(run.history[w][k]))) for w in ("W1", "W2"))

    growing = [
        r
        for r in done
        if r.solved and r.costs[-1] < r.costs[-1 - window] and biggest_weight(r, -1) > biggest_weight(r, -1 - window)
    ]
    if growing and loss == "bce":
        text += (
            f" Con {join_es(alpha(r.learning_rate) for r in growing)}, "
            f"{'que ya resolvió' if len(growing) == 1 else 'que ya resolvieron'} XOR, el costo sigue "
            "bajando y el mayor peso sigue creciendo: con BCE, una red que ya acierta puede seguir ganando "
            "confianza sin límite, así que los pesos siguen creciendo en lugar de asentarse en un valor fijo."
        )
    return text


def seeds_solved(runs, init="random", loss="bce"):
    """``{learning_rate: (n_solved, n_seeds)}`` for the runs that ran."""
    return {r.learning_rate: (r.n_solved, r.n_seeds) for r in select(runs, init=init, loss=loss, ok=True)}


def seeds_sentence(runs, init="random", loss="bce"):
    """How many of the N seeds solve XOR at each rate, and what the failures look like."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return ""
    n = common(done, lambda r: r.n_seeds)
    iters = common(done, lambda r: r.iterations)
    seeds = common(done, lambda r: tuple(r.seed_list))
    seeds_text = ""
    if seeds is not None and list(seeds) == list(range(len(seeds))):
        seeds_text = f" (0 a {len(seeds) - 1})"
    within = f" en {fmt_int(iters)} iteraciones" if iters is not None else ""
    if n is not None:
        counts = join_es(f"{r.n_solved} con {alpha(r.learning_rate)}" for r in done)
        text = f"De las {n} semillas{seeds_text}, resuelven XOR{within}: {counts}."
    else:
        counts = join_es(f"{r.n_solved} de {r.n_seeds} con {alpha(r.learning_rate)}" for r in done)
        text = f"Semillas que resuelven XOR{within}: {counts}."
    diverged = [r for r in done if r.n_diverged_seeds]
    if diverged:
        text += (
            " Divergen "
            + join_es(f"{plural(r.n_diverged_seeds, 'semilla')} con {alpha(r.learning_rate)}" for r in diverged)
            + "."
        )
    best = max(done, key=lambda r: (r.n_solved, r.learning_rate))
    unsolved = [s for s, ok in zip(best.seed_list, best.seed_solved, strict=True) if not ok]
    if best.n_solved == 0:
        return text + " Ninguna semilla lo resuelve con ninguna tasa."
    if unsolved:
        costs = best.seed_final_cost
        bad = [c for c, ok in zip(costs, best.seed_solved, strict=True) if not ok and _finite(c)]
        good = [c for c, ok in zip(costs, best.seed_solved, strict=True) if ok and _finite(c)]
        text += (
            f" Ni siquiera la tasa con más éxitos, {alpha(best.learning_rate)}, resuelve todas: "
            if len(done) > 1
            else f" Con {alpha(best.learning_rate)}, "
        ) + f"{len(unsolved)} de {best.n_seeds} semillas no lo logran"
        if bad and good:
            text += (
                f", con un costo final mediano de {fmt_cost(float(np.median(bad)))} frente a "
                f"{fmt_cost(float(np.median(good)))} de las que sí"
            )
        text += "."
        smaller = [r for r in done if r.learning_rate < best.learning_rate]
        if smaller:
            slow = smaller[-1]
            slow_unsolved = {s for s, ok in zip(slow.seed_list, slow.seed_solved, strict=True) if not ok}
            if set(unsolved) <= slow_unsolved:
                factor = best.learning_rate / slow.learning_rate
                text += (
                    f" Son semillas que también fallan con {alpha(slow.learning_rate)}: multiplicar la tasa por "
                    f"{_fmt_factor(factor)} no las rescata."
                )
                index = {s: i for i, s in enumerate(slow.seed_list)}
                before = [slow.seed_final_cost[index[s]] for s in unsolved if s in index]
                before = [c for c in before if _finite(c)]
                if bad and before:
                    b0, b1 = float(np.median(before)), float(np.median(bad))
                    if abs(b0 - b1) <= 0.1 * b0:
                        text += (
                            f" Su costo final mediano apenas cambia, de {fmt_cost(b0)} con "
                            f"{alpha(slow.learning_rate)} a {fmt_cost(b1)} con {alpha(best.learning_rate)}: con solo "
                            "dos neuronas ocultas, desde esos puntos de partida el descenso de gradiente se estanca "
                            "sin separar las cuatro entradas."
                        )
    else:
        text += f" Con {alpha(best.learning_rate)} lo resuelven todas."
    return text


def _fmt_factor(x):
    return fmt_int(x) if abs(x - round(x)) < 1e-9 else f"{x:.1f}"


def rate_table(runs, init="random", loss="bce"):
    """Per rate: iterations to 100 %, final cost and accuracy (main seed), seeds solved."""
    rows = []
    for lr in learning_rates(select(runs, init=init, loss=loss)):
        run = find(runs, lr, init, loss)
        rows.append(summary_row(run)[1:])
    header = [
        "$\\alpha$",
        "Costo final",
        "Exactitud final",
        "Iteraciones hasta 100 %",
        "Semillas resueltas",
        "Mediana de iteraciones",
    ]
    return markdown_table(header, rows)


def summary_row(run, link_base=None):
    """``[id, α, cost, accuracy, iterations to solve, seeds n/N, median]`` cells of a run.

    "no converge" where the main run never reaches 100 % accuracy (the table's title says
    within how many iterations).
    """
    name = run.id
    if link_base is not None and run.notebook:
        name = f"[{run.id}]({link_base}/{Path(run.notebook).with_suffix('.html').name})"
    if not run.ok:
        return [name, fmt_lr(run.learning_rate), run.failure, "—", "—", "—", "—"]
    if run.diverged:
        cost = "divergió" if not _finite(run.final_cost) else f"{fmt_cost(run.final_cost)} (divergió)"
    else:
        cost = fmt_cost(run.final_cost)
    iters = fmt_int(run.iterations_to_solve) if run.iterations_to_solve is not None else "no converge"
    median = run.median_iterations_solved
    return [
        name,
        fmt_lr(run.learning_rate),
        cost,
        fmt_pct(run.final_accuracy),
        iters,
        f"{run.n_solved}/{run.n_seeds}",
        fmt_int(round(median)) if median is not None else "—",
    ]


# ---------------------------------------------------------------- question 3: MSE


def code_listing(*functions):
    """The source of ``functions`` without docstrings and comments (the report shows code, not
    its English notes), separated by a blank line."""
    return "\n\n".join(_strip_notes(inspect.getsource(f)) for f in functions)


def _strip_notes(source):
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    drop = set()  # line numbers of docstrings
    previous = None
    for tok in tokens:
        if tok.type == tokenize.STRING and previous is not None and previous.type == tokenize.INDENT:
            drop.update(range(tok.start[0], tok.end[0] + 1))
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok
    lines = source.splitlines()
    comments = {tok.start[0]: tok.start[1] for tok in tokens if tok.type == tokenize.COMMENT}
    out = []
    for number, line in enumerate(lines, start=1):
        if number in drop:
            continue
        if number in comments:
            line = line[: comments[number]].rstrip()
            if not line.strip():
                continue
        out.append(line)
    return "\n".join(out).rstrip() + "\n"


def gradient_check_rows(X, Y, parameters):
    """``[(label, cost, gradient, relative error)]`` for BCE, correct MSE and the naive MSE."""
    cases = [("BCE", "bce", "bce"), ("MSE correcto", "mse", "mse"), ("MSE ingenuo", "mse", "bce")]
    return [
        (label, loss, grad, nn.gradient_check(X, Y, parameters, loss, grad_loss=grad)) for label, loss, grad in cases
    ]


DZ2_TEX = {"bce": "$(A_2 - Y)/m$", "mse": "$2(A_2 - Y)A_2(1 - A_2)/m$"}


def gradient_check_table(rows):
    """The gradient-check rows as pipe-markdown, with the verdict against the tolerance."""
    body = []
    for label, loss, grad, error in rows:
        verdict = "correcto" if error < GRADIENT_TOLERANCE else "incorrecto"
        body.append([label, LOSS_NAMES[loss], DZ2_TEX[grad], fmt_sci(error), verdict])
    header = ["Retropropagación", "Costo derivado numéricamente", "$dZ_2$ que usa", "Error relativo", "Veredicto"]
    return markdown_table(header, body)


def _of(name):
    """ "de la BCE" / "del MSE correcto": the preposition and article a loss name takes."""
    return f"de la {name}" if name.startswith("BCE") else f"del {name}"


def gradient_check_sentence(rows):
    """What the gradient check says, with its numbers and the tolerance."""
    short = [(label, e) for label, _, _, e in rows]
    ok = [(name, e) for name, e in short if e < GRADIENT_TOLERANCE]
    bad = [(name, e) for name, e in short if e >= GRADIENT_TOLERANCE]
    tol = fmt_sci(GRADIENT_TOLERANCE, digits=1)
    parts = []
    if ok:
        names = join_es(f"la {_of(name)} (error relativo {fmt_sci(e)})" for name, e in ok)
        verb = "coincide" if len(ok) == 1 else "coinciden"
        parts.append(f"La retropropagación {names[3:]} {verb} con las diferencias finitas (umbral {tol}).")
    if bad:
        names = join_es(f"la {_of(name)} (error relativo {fmt_sci(e)})" for name, e in bad)
        parts.append(
            f"{_cap(names)} no: su gradiente no es el del costo que se imprime, así que el descenso optimiza "
            "otra función."
        )
    return " ".join(parts)


def loss_pairs(runs, init="random"):
    """``[(lr, bce_run, mse_run)]`` for every rate where the grid has both losses."""
    out = []
    for lr in learning_rates(runs):
        b, m = find(runs, lr, init, "bce"), find(runs, lr, init, "mse")
        if b is not None and m is not None:
            out.append((lr, b, m))
    return out


def loss_comparison_table(runs, init="random"):
    """BCE against MSE on common ground: accuracy, iterations to solve, seeds solved."""
    rows = []
    for lr, b, m in loss_pairs(runs, init):
        for run in (b, m):
            if not run.ok:
                rows.append([fmt_lr(lr), LOSS_NAMES[run.loss], run.failure, "—", "—", "—"])
                continue
            cells = summary_row(run)
            rows.append([fmt_lr(lr), LOSS_NAMES[run.loss], cells[3], cells[4], cells[5], cells[6]])
    header = [
        "$\\alpha$",
        "Costo",
        "Exactitud final",
        "Iteraciones hasta 100 %",
        "Semillas resueltas",
        "Mediana de iteraciones",
    ]
    return markdown_table(header, rows)


def paired_speed(bce_run, mse_run):
    """Over the seeds both losses solve: ``(n_both, n_mse_slower, n_bce_slower, median ratio)``."""
    pairs = [
        (b, m)
        for b, m in zip(bce_run.seed_iterations, mse_run.seed_iterations, strict=True)
        if b is not None and m is not None
    ]
    if not pairs:
        return 0, 0, 0, None
    slower = sum(m > b for b, m in pairs)
    faster = sum(m < b for b, m in pairs)
    ratios = [m / b for b, m in pairs if b > 0]
    return len(pairs), slower, faster, (statistics.median(ratios) if ratios else None)


def loss_comparison_sentence(runs, init="random"):
    """BCE against MSE: seeds solved per rate and, on the seeds both solve, which is faster."""
    pairs = [(lr, b, m) for lr, b, m in loss_pairs(runs, init) if b.ok and m.ok]
    if not pairs:
        present = losses(runs)
        missing = [LOSS_NAMES[x] for x in ("bce", "mse") if x not in present]
        if missing:
            return (
                f"La rejilla no tiene ejecuciones con {join_es(missing)}, así que no hay comparación "
                "entre BCE y MSE con estos datos."
            )
        return "No hay ninguna tasa con ejecuciones terminadas de ambos costos, así que no hay comparación."
    counts = "; ".join(f"{b.n_solved} y {m.n_solved} con {alpha(lr)}" for lr, b, m in pairs)
    n = common([b for _, b, _ in pairs] + [m for _, _, m in pairs], lambda r: r.n_seeds)
    of = f" (de {n})" if n is not None else ""
    text = f"Semillas que resuelven XOR{of}, con BCE y con MSE respectivamente: {counts}."
    more_bce = sum(b.n_solved > m.n_solved for _, b, m in pairs)
    more_mse = sum(m.n_solved > b.n_solved for _, b, m in pairs)
    if more_bce and not more_mse:
        text += " MSE nunca resuelve más semillas que BCE"
        text += "." if more_bce < len(pairs) else " y resuelve menos en todas las tasas."
    elif more_mse and not more_bce:
        text += " MSE nunca resuelve menos semillas que BCE."
    speed = []
    all_slower = True
    any_pair = False
    for lr, b, m in pairs:
        both, slower, faster, ratio = paired_speed(b, m)
        if not both:
            continue
        any_pair = True
        all_slower &= slower == both
        if slower == both == 1:
            piece = f"con {alpha(lr)}, MSE tarda más en la única semilla"
        elif slower == both:
            piece = f"con {alpha(lr)}, MSE tarda más en las {plural(both, 'semilla')}"
        else:
            piece = f"con {alpha(lr)}, MSE tarda más en {slower} de {plural(both, 'semilla')}"
        piece += " que ambos costos resuelven"
        if ratio is not None:
            piece += f" ({'en mediana, ' if both > 1 else ''}{ratio:.1f} veces las iteraciones de BCE)"
        speed.append(piece)
    if any_pair:
        text += " Sobre las mismas semillas, " + join_es(speed) + "."
        if all_slower:
            text += " MSE aprende más lento en todos los casos comparables."
    return text


def not_comparable_sentence(runs):
    """Why raw cost values of BCE and MSE cannot be compared, with the zero-init example."""
    b = [r for r in select(runs, init="zeros", loss="bce", ok=True)]
    m = [r for r in select(runs, init="zeros", loss="mse", ok=True)]
    text = (
        "Los valores del costo de dos funciones distintas no se comparan entre sí: miden cosas diferentes "
        "en escalas diferentes."
    )
    if b and m:
        ob, om = still_facts(b[0]).outputs, still_facts(m[0]).outputs
        if len(set(ob + om)) == 1:
            text += (
                f" Con la misma salida ($A_2 = {fmt_value(ob[0])}$ en todas las entradas, inicialización en ceros) "
                f"la BCE vale {fmt_cost(b[0].costs[0])} y el MSE {fmt_cost(m[0].costs[0])}."
            )
    return text + " Por eso comparamos exactitud, iteraciones hasta resolver y semillas resueltas."


# ---------------------------------------------------------------- setup and annex


def setup_table(runs, grid):
    """The experimental setup: grid, seeds, iterations and software versions from the records."""
    done = [r for r in runs if r.ok]
    versions = {k: _unique(r.record["versions"][k] for r in done) for k in ("python", "numpy", "nnsimple")}
    iters = _unique(r.iterations for r in done) or [grid.get("iterations")]
    seeds = _unique(r.n_seeds for r in done) or [grid.get("seeds")]
    main_seed = _unique(r.seed for r in done) or [grid.get("seed")]
    rates = grid.get("learning_rates") or learning_rates(runs)
    rows = [
        ["Conjunto de datos", str(grid.get("dataset", common(runs, lambda r: r.dataset))).upper()],
        ["Neuronas ocultas $n_h$", str(grid.get("n_h", "—"))],
        ["Tasas de aprendizaje $\\alpha$", join_es(fmt_lr(x) for x in rates)],
        ["Inicializaciones", join_es(INIT_NAMES.get(x, x) for x in grid.get("inits", inits(runs)))],
        ["Funciones de costo", join_es(LOSS_NAMES.get(x, x) for x in grid.get("losses", losses(runs)))],
        ["Iteraciones por ejecución", join_es(fmt_int(x) for x in iters if x is not None)],
        ["Semilla de la ejecución principal", join_es(str(x) for x in main_seed if x is not None)],
        ["Semillas por configuración", join_es(f"{x} (0 a {x - 1})" for x in seeds if x)],
        [
            "Ejecuciones",
            f"{len(runs)} ({len(done)} terminadas"
            + (f", {len(runs) - len(done)} fallidas)" if len(runs) > len(done) else ")"),
        ],
        ["Python", join_es(versions["python"]) or "—"],
        ["NumPy", join_es(versions["numpy"]) or "—"],
        ["`nnsimple.py` (SHA-256)", join_es(f"`{v[:12]}`" for v in versions["nnsimple"]) or "—"],
    ]
    return markdown_table(["Elemento", "Valor"], rows)


def data_table(X, Y):
    """The data set as a table: inputs and label."""
    X, Y = np.asarray(X), np.asarray(Y).ravel()
    rows = [[fmt_int(X[0, i]), fmt_int(X[1, i]), fmt_int(Y[i])] for i in range(Y.size)]
    return markdown_table(["$x_1$", "$x_2$", "$y$"], rows)


def first_record(runs):
    """The record of the first run that ran, or None."""
    return next((r.record for r in runs if r.ok), None)


def runs_table(runs, link_base="runs"):
    """Every run of the grid: id (linked to its executed notebook), lr, init, loss, results."""
    rows = []
    for run in runs:
        cells = summary_row(run, link_base=link_base)
        rows.append([cells[0], cells[1], INIT_NAMES.get(run.init, run.init), LOSS_NAMES[run.loss], *cells[2:6]])
    header = [
        "Ejecución",
        "$\\alpha$",
        "Inicialización",
        "Costo",
        "Costo final",
        "Exactitud",
        "Iteraciones hasta 100 %",
        "Semillas resueltas",
    ]
    return markdown_table(header, rows)


def failures_sentence(runs):
    """Which runs failed, with their error; empty when none did."""
    failed = [r for r in runs if not r.ok]
    if not failed:
        return ""
    return (
        _cap(f"{plural(len(failed), 'ejecución fallida', 'ejecuciones fallidas')} en el barrido: ")
        + join_es(f"`{r.id}` ({last_line(r.error)})" for r in failed)
        + ". El informe sigue con las que sí terminaron; en cada tabla y figura su lugar dice «ejecución fallida»."
    )


# ---------------------------------------------------------------- figures

RATE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
INIT_COLORS = {"zeros": "#7f7f7f", "random": "#1f77b4", "xavier": "#2ca02c"}
LOSS_STYLES = {"bce": "-", "mse": "--"}
PARAM_COLORS = {"W1": ("#08519c", "#3182bd", "#6baed6", "#9ecae1"), "W2": ("#a50f15", "#fb6a4a")}
BIAS_COLORS = {"b1": ("#006d2c", "#74c476"), "b2": ("#54278f",)}


def _rate_color(runs, lr):
    rates = learning_rates(runs)
    index = rates.index(lr) if lr in rates else 0
    return RATE_COLORS[index % len(RATE_COLORS)]


def _figure(
    ncols=1,
    nrows=1,
    width=7.5,
    height=3.6,
    *,
    left=0.65,
    right=0.1,
    bottom=0.48,
    top=0.28,
    column_gap=0.0,
    row_gap=0.0,
    **kwargs,
):
    """A Figure with ``nrows`` x ``ncols`` axes (always a 2-D array); ``kwargs`` go to ``subplots``.

    The margins and the gaps between axes are fixed, in inches: room for tick and axis labels
    (``left``, ``bottom``) and a title (``top``). matplotlib's constrained layout placed them
    as well, but measured every label twice more: about a quarter of each figure's time. The
    report saves figures cropped to what they draw (bbox_inches="tight"), so a label longer
    than its margin is never cut off. Titles sit at a fixed height over their axes
    (``axes.titley`` = 1), where matplotlib would put them anyway (no axes has tick labels on
    top), without measuring each axes' decorations at every draw: the same pixels, faster.
    """
    inner_width = (width - left - right - (ncols - 1) * column_gap) / ncols
    inner_height = (height - bottom - top - (nrows - 1) * row_gap) / nrows
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=column_gap / inner_width,
        hspace=row_gap / inner_height,
    )
    with matplotlib.rc_context({"axes.titley": 1.0}):
        axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def _failure_panel(ax, run, title):
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        "\n".join([FAILED] + textwrap.wrap(last_line(run.error), 38)) if run is not None else "no está en la rejilla",
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=9,
        color="#b22222",
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _failure_note(ax, failed):
    if not failed:
        return
    lines = [f"{FAILED} ({r.label}): {textwrap.shorten(last_line(r.error), 60)}" for r in failed]
    ax.text(0.02, 0.02, "\n".join(lines), transform=ax.transAxes, fontsize=7.5, color="#b22222", va="bottom", ha="left")


ITERATION_LABEL = "Iteración (n.º de actualizaciones del descenso de gradiente)"


def _iterations_axis(ax):
    ax.set_xlabel(ITERATION_LABEL)


def _cost_label(loss):
    return "Costo BCE (nats)" if loss == "bce" else "Costo MSE (adimensional)"


def fig_cost_by_init(runs, learning_rate):
    """Question 1: cost per iteration, zeros vs random, one panel per loss, at one rate."""
    present = losses(runs)
    n = max(len(present), 1)
    # a title over each panel and one over all, each panel its own y label; the x label below all
    fig, axes = _figure(ncols=n, width=4.1 * n, height=3.5, left=0.56, bottom=0.5, top=0.58, column_gap=0.72)
    for ax, loss in zip(axes[0], present, strict=False):
        failed = []
        for init in inits(runs):
            run = find(runs, learning_rate, init, loss)
            if run is None:
                continue
            if not run.ok:
                failed.append(run)
                ax.plot([], [], color=INIT_COLORS.get(init, "k"), label=f"{INIT_NAMES.get(init, init)}: {FAILED}")
                continue
            ls = ":" if init == "zeros" else "-"
            ax.plot(run.costs, color=INIT_COLORS.get(init, "k"), lw=2, ls=ls, label=f"{INIT_NAMES.get(init, init)}")
        _failure_note(ax, failed)
        ax.set_title(f"{LOSS_NAMES[loss]}, α = {fmt_lr(learning_rate)}")
        ax.set_ylabel(_cost_label(loss))
        ax.set_ylim(bottom=0)
        ax.legend(title="Inicialización", fontsize=8, title_fontsize=8)
        ax.grid(alpha=0.3)
    fig.supxlabel(ITERATION_LABEL, fontsize=10)
    fig.suptitle("El costo con inicialización en ceros no se mueve; con inicialización aleatoria baja")
    return fig


def _param_lines(ax, run, names, colors):
    for name in names:
        h = run.history[name]
        for j, index in enumerate(np.ndindex(h.shape[1:])):
            series = h[(slice(None), *index)]
            label = f"${_param_tex(name)}[{','.join(map(str, index))}]$"
            ax.plot(series, color=colors[name][j % len(colors[name])], lw=1.5, label=label)


def fig_parameters(columns, suptitle):
    """Weights (top row) and biases (bottom row) over the iterations, one column per run.

    ``columns``: list of ``(title, Run or None)``; a failed or missing run shows why.
    """
    n = max(len(columns), 1)
    # y labels on the left column only, the legends right of the last one; the x label below all
    fig, axes = _figure(
        ncols=n,
        nrows=2,
        width=3.3 * n + 1.4,
        height=5.6,
        sharey="row",
        sharex="col",
        left=0.55,
        right=1.0,
        bottom=0.5,
        top=0.58,
        column_gap=0.17,
        row_gap=0.16,
    )
    for col, (title, run) in enumerate(columns):
        top, bottom = axes[0][col], axes[1][col]
        if run is None or not run.ok:
            _failure_panel(top, run, title)
            _failure_panel(bottom, run, "")
            continue
        _param_lines(top, run, ("W1", "W2"), PARAM_COLORS)
        _param_lines(bottom, run, ("b1", "b2"), BIAS_COLORS)
        top.set_title(title)
        for ax, names in ((top, ("W1", "W2")), (bottom, ("b1", "b2"))):
            ax.grid(alpha=0.3)
            ax.axhline(0, color="k", lw=0.6)
            if all(np.all(run.history[k] == 0) for k in names):
                ax.text(
                    0.5,
                    0.88,
                    "todos valen 0 en todas las iteraciones",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color="0.25",
                )
    axes[0][0].set_ylabel("Valor del peso")
    axes[1][0].set_ylabel("Valor del sesgo")
    fig.supxlabel(ITERATION_LABEL, fontsize=10)
    for row in (0, 1):
        handles, labels = axes[row][-1].get_legend_handles_labels()
        if not handles:
            for ax in axes[row]:
                handles, labels = ax.get_legend_handles_labels()
                if handles:
                    break
        if handles:
            axes[row][-1].legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=8)
    fig.suptitle(suptitle)
    return fig


def fig_cost_by_rate(runs, init="random", loss="bce"):
    """Question 2: cost per iteration of the main run, one curve per rate (log scale)."""
    fig, axes = _figure(width=7.5, height=4.0)
    ax = axes[0][0]
    failed = []
    for lr in learning_rates(select(runs, init=init, loss=loss)):
        run = find(runs, lr, init, loss)
        color = _rate_color(runs, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_lr(lr)}: {FAILED}")
            continue
        label = f"α = {fmt_lr(lr)}" + (" (divergió)" if run.diverged else "")
        ax.plot(run.costs, color=color, lw=2, label=label)
        if run.iterations_to_solve is not None:
            k = run.iterations_to_solve
            ax.plot([k], [run.costs[k]], "o", color=color, ms=6)
    _failure_note(ax, failed)
    if ax.lines and any(len(line.get_xdata()) for line in ax.lines):
        ax.set_yscale("log")
    _iterations_axis(ax)
    ax.set_ylabel(_cost_label(loss) + ", escala log")
    ax.set_title(f"Costo por iteración según la tasa de aprendizaje ({LOSS_NAMES[loss]}, semilla principal)")
    ax.plot([], [], "o", color="0.3", label="100 % de exactitud desde aquí")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def fig_cost_band(runs, init="random", loss="bce"):
    """Question 2: median cost over the seeds and the 10-90 % band, one colour per rate."""
    fig, axes = _figure(width=7.5, height=4.0)
    ax = axes[0][0]
    failed = []
    n_seeds = None
    for lr in learning_rates(select(runs, init=init, loss=loss)):
        run = find(runs, lr, init, loss)
        color = _rate_color(runs, lr)
        if not run.ok:
            failed.append(run)
            ax.plot([], [], color=color, label=f"α = {fmt_lr(lr)}: {FAILED}")
            continue
        q10, q50, q90 = run.cost_quantiles()
        x = np.arange(len(q50))
        ax.fill_between(x, q10, q90, color=color, alpha=0.18, lw=0)
        ax.plot(x, q50, color=color, lw=2, label=f"α = {fmt_lr(lr)}: mediana")
        n_seeds = run.n_seeds
    _failure_note(ax, failed)
    ax.fill_between([], [], [], color="0.5", alpha=0.25, label="banda del 10 % al 90 % de las semillas")
    if any(len(line.get_xdata()) for line in ax.lines):
        ax.set_yscale("log")
    _iterations_axis(ax)
    ax.set_ylabel(_cost_label(loss) + ", escala log")
    seeds = f" sobre {n_seeds} semillas" if n_seeds else ""
    ax.set_title(f"Costo {LOSS_NAMES[loss]}{seeds}: mediana y dispersión por tasa")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig


def solved_curve(run):
    """Share of seeds already solved for good at each iteration, (iterations + 1,)."""
    k = np.arange(run.iterations + 1)
    its = np.array([np.inf if i is None else i for i in run.seed_iterations], dtype=float)
    return (its[None, :] <= k[:, None]).mean(axis=1)


def fig_solved_over_iterations(runs, init="random", loss_list=("bce",)):
    """Share of seeds solved by each iteration, one colour per rate, one line style per loss."""
    fig, axes = _figure(width=7.5, height=4.0)
    ax = axes[0][0]
    failed = []
    for loss in loss_list:
        for lr in learning_rates(select(runs, init=init, loss=loss)):
            run = find(runs, lr, init, loss)
            color = _rate_color(runs, lr)
            name = f"α = {fmt_lr(lr)}" + (f", {LOSS_NAMES[loss]}" if len(loss_list) > 1 else "")
            if not run.ok:
                failed.append(run)
                ax.plot([], [], color=color, ls=LOSS_STYLES.get(loss, "-"), label=f"{name}: {FAILED}")
                continue
            ax.plot(100 * solved_curve(run), color=color, ls=LOSS_STYLES.get(loss, "-"), lw=2, label=name)
    _failure_note(ax, failed)
    ax.set_ylim(-3, 103)
    _iterations_axis(ax)
    ax.set_ylabel("Semillas que ya resolvieron XOR (%)")
    ax.set_title("Proporción de semillas con 100 % de exactitud en cada iteración")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def fig_seeds_solved(runs, init="random"):
    """Share of seeds solved per configuration: bars per rate, one bar per loss, n/N on top."""
    rates = learning_rates(select(runs, init=init))
    present = losses(select(runs, init=init))
    fig, axes = _figure(width=7.0, height=3.8)
    ax = axes[0][0]
    width = 0.8 / max(len(present), 1)
    colors = {"bce": "#1f77b4", "mse": "#ff7f0e"}
    for j, loss in enumerate(present):
        for i, lr in enumerate(rates):
            run = find(runs, lr, init, loss)
            x = i + (j - (len(present) - 1) / 2) * width
            label = LOSS_NAMES[loss] if i == 0 else None
            if run is None:
                continue
            if not run.ok:
                ax.bar(x, 0, width, color=colors.get(loss, "0.5"), label=label)
                ax.text(x, 3, FAILED, rotation=90, ha="center", va="bottom", fontsize=7.5, color="#b22222")
                continue
            share = 100 * run.n_solved / run.n_seeds
            ax.bar(x, share, width, color=colors.get(loss, "0.5"), label=label)
            ax.text(x, share + 1.5, f"{run.n_solved}/{run.n_seeds}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(rates)), [f"α = {fmt_lr(lr)}" for lr in rates])
    ax.set_xlabel("Tasa de aprendizaje")
    ax.set_ylabel("Semillas que resuelven XOR (%)")
    ax.set_ylim(0, 112)
    iters = common(select(runs, init=init), lambda r: r.iterations)
    within = f" en {iters} iteraciones" if iters is not None else ""
    ax.set_title(f"Semillas que resuelven XOR{within}, por función de costo")
    ax.legend(title="Función de costo", fontsize=8, title_fontsize=8, loc="upper left")
    ax.grid(alpha=0.3, axis="y")
    return fig


def fig_dz2_vs_output():
    """Question 3: |dZ2| per example against the output A2 for a label y = 1, BCE vs MSE.

    Computed with ``nnsimple.bce_dZ2`` and ``nnsimple.mse_dZ2`` themselves (times m, so per
    example).
    """
    a = np.linspace(0.0, 1.0, 401)[None, :]
    y = np.ones_like(a)
    m = a.shape[-1]
    bce = np.abs(nn.bce_dZ2(a, y) * m).ravel()
    mse = np.abs(nn.mse_dZ2(a, y) * m).ravel()
    fig, axes = _figure(width=7.0, height=3.8)
    ax = axes[0][0]
    ax.plot(a.ravel(), bce, lw=2, color="#1f77b4", label="BCE: $|a - y|$")
    ax.plot(a.ravel(), mse, lw=2, ls="--", color="#ff7f0e", label="MSE: $|2(a - y)\\,a(1 - a)|$")
    ax.axvspan(0, 0.1, color="#b22222", alpha=0.08, lw=0)
    ax.text(0.012, 0.55, "salida muy\nequivocada", fontsize=8, color="#b22222")
    ax.set_xlabel("Salida de la red $a = A_2$ para un ejemplo con etiqueta $y = 1$")
    ax.set_ylabel("$|\\partial \\ell / \\partial z_2|$ por ejemplo")
    ax.set_title("Con MSE el gradiente se apaga cuando la salida está muy equivocada")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    return fig


# ---------------------------------------------------------------- conclusions


def prose(*parts):
    """Join the non-empty sentences with a space."""
    return " ".join(p.strip() for p in parts if p and p.strip())


def dataset_arrays(runs, grid):
    """``(X, Y)`` from the first record that ran, else the grid's data set from nnsimple."""
    record = first_record(runs)
    if record is not None:
        return results.array(record["data"]["X"]), results.array(record["data"]["Y"])
    return nn.load_dataset(grid.get("dataset", "xor"))


def conclusion_q1(runs, loss, learning_rate):
    """One sentence answering question 1 from the results."""
    zeros = select(runs, init="zeros", ok=True)
    random_run = find(runs, learning_rate, "random", loss) if learning_rate is not None else None
    parts = []
    if zeros and zero_init_stays(runs):
        values = join_es(
            f"{_cost_name(still_facts(select(zeros, loss=x)[0]).first_cost, x)} con {LOSS_NAMES[x]}"
            for x in losses(zeros)
        )
        parts.append(
            "Sí convergen distinto: inicializados en ceros, los pesos y sesgos no se mueven nunca, porque todos "
            f"los gradientes son exactamente cero; el costo se queda en {values}, con cualquier tasa."
        )
    elif zeros:
        parts.append(
            "Inicializados en ceros, los parámetros no se quedan quietos en todas las ejecuciones: "
            + (zero_init_sentence(runs))
        )
    else:
        parts.append(
            "Ninguna ejecución con inicialización en ceros terminó, así que no hay datos para esa parte."
            if select(runs, init="zeros")
            else "La rejilla no tiene ejecuciones con inicialización en ceros."
        )
    if random_run is not None and random_run.ok and not random_run.diverged:
        reached = (
            f"clasifica XOR sin errores desde la iteración {fmt_int(random_run.iterations_to_solve)}"
            if random_run.iterations_to_solve is not None
            else f"no llega a 100 % de exactitud en {fmt_int(random_run.iterations)} iteraciones"
        )
        parts.append(
            f"Inicializados al azar, rompen la simetría: con {alpha(learning_rate)} el costo "
            f"{LOSS_NAMES[loss]} baja de {fmt_cost(random_run.costs[0])} a {fmt_cost(random_run.final_cost)} "
            f"y la red {reached}."
        )
    return " ".join(parts)


def conclusion_q2(runs, init="random", loss="bce"):
    """One sentence answering question 2 from the results."""
    done = sorted(select(runs, init=init, loss=loss, ok=True), key=lambda r: r.learning_rate)
    if not done:
        return "No hay ejecuciones terminadas con inicialización aleatoria para comparar tasas."
    best = best_rate(runs, init, loss)
    iters = common(done, lambda r: r.iterations)
    within = f"en {fmt_int(iters)} iteraciones" if iters is not None else "en las iteraciones de cada ejecución"
    if best is None:
        text = f"Ninguna tasa alcanza 100 % de exactitud {within} con la semilla principal."
    else:
        winner = find(done, best, init, loss)
        slower = [r for r in done if r is not winner and not r.diverged]
        calm = [r for r in done if not r.diverged]
        finals = [r.final_cost for r in calm]
        monotone = len(calm) > 1 and all(a > b for a, b in zip(finals, finals[1:], strict=False))
        lead = "Cuanto mayor la tasa, más bajo termina el costo en el mismo número de iteraciones" if monotone else ""
        first = f"{alpha(best)} alcanza 100 % de exactitud primero (iteración {fmt_int(winner.iterations_to_solve)}"
        later = sorted((r for r in slower if r.iterations_to_solve is not None), key=lambda r: r.iterations_to_solve)
        if later:
            first += ", frente a " + join_es(
                f"{fmt_int(r.iterations_to_solve)} con {alpha(r.learning_rate)}" for r in later
            )
        first += ")"
        text = f"{lead}: {first}" if lead else _cap(first)
        unsolved = [r for r in slower if r.iterations_to_solve is None]
        if unsolved:
            text += ", mientras " + join_es(alpha(r.learning_rate) for r in unsolved) + f" no lo logra {within}"
        text += "."
        diverged = [r for r in done if r.diverged]
        if diverged:
            text += " Divergió con " + join_es(alpha(r.learning_rate) for r in diverged) + "."
    n = common(done, lambda r: r.n_seeds)
    counts = join_es(f"{r.n_solved} con {alpha(r.learning_rate)}" for r in done)
    text += f" De {n} semillas, resuelven XOR {counts}" if n is not None else f" Resuelven XOR: {counts}"
    most = max(r.n_solved for r in done)
    text += ": ninguna tasa salva todas las semillas con dos neuronas ocultas." if n is not None and most < n else "."
    return text


def conclusion_q3(runs, gradient_rows, init="random"):
    """One sentence answering question 3 from the results."""
    errors = {grad: e for _, loss, grad, e in gradient_rows if loss == "mse"}
    text = ""
    if "mse" in errors and "bce" in errors:
        text = (
            "Con MSE solo cambia $dZ_2$, que gana el factor $A_2(1 - A_2)$ de la sigmoide: el gradiente correcto "
            f"pasa la verificación (error relativo {fmt_sci(errors['mse'])}) y el ingenuo $(A_2 - Y)/m$ no "
            f"({fmt_sci(errors['bce'])}), porque es el de la BCE."
        )
    pairs = [(lr, b, m) for lr, b, m in loss_pairs(runs, init) if b.ok and m.ok]
    if not pairs:
        return prose(text, "No hay ejecuciones de ambos costos para comparar su entrenamiento.")
    fewer = [lr for lr, b, m in pairs if m.n_solved < b.n_solved]
    more = [lr for lr, b, m in pairs if m.n_solved > b.n_solved]
    slower_everywhere = True
    comparable = False
    for _, b, m in pairs:
        both, slower, _, _ = paired_speed(b, m)
        if both:
            comparable = True
            slower_everywhere &= slower == both
    pieces = []
    if fewer and not more:
        pieces.append(
            "resuelve menos semillas con "
            + join_es(f"{alpha(lr)} ({m.n_solved} frente a {b.n_solved})" for lr, b, m in pairs if lr in fewer)
        )
    elif more and not fewer:
        pieces.append(
            "resuelve más semillas con "
            + join_es(f"{alpha(lr)} ({m.n_solved} frente a {b.n_solved})" for lr, b, m in pairs if lr in more)
        )
    elif fewer and more:
        pieces.append("resuelve más semillas con unas tasas y menos con otras")
    else:
        pieces.append("resuelve las mismas semillas que BCE")
    if comparable and slower_everywhere:
        pieces.append("tarda más en cada semilla que ambos resuelven")
    return prose(text, f"Entrenando, MSE {join_es(pieces)}.")
