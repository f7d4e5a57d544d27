"""The experiment grid: read from ``lab.toml`` and the command line, validated, expanded to runs.

``lab.toml``'s ``[grid]`` table is the one place where the default grid lives; the command
line (and make's ``LR=``, ``INIT=``, … variables) overrides it value by value. Every value
(and every key, also of lab.toml's other tables: ``config``) is checked before any kernel
starts: a bad one raises ``SweepInputError`` with a Spanish message that names where it came
from as the user gave it (``LR`` under make, ``--lr``, ``lab.toml [grid] seeds``), shows the
value as typed (``1e-400``, not 0.0) and hints at the usual slips (``1,5``, ``0.1,0.5``).

    load_grid()                          -> Grid of lab.toml
    load_grid(learning_rates=["0.5"])    -> the same with one value replaced
    expand(grid)                         -> [(run id, notebook parameters)] in grid order
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from pathlib import Path

import nnsimple
from nnsimple_lab import cli, config, results

ROOT = config.ROOT  # the project: lab.toml, notebooks/, reports/
CONFIG = config.CONFIG

# Where each grid value comes from on the command line, for error messages: the option, or the
# make variable when make runs the command (the user typed LR=, never --lr).
FLAGS = {
    "learning_rates": "--lr",
    "inits": "--init",
    "losses": "--loss",
    "dataset": "--dataset",
    "n_h": "--n-h",
    "iterations": "--iterations",
    "seed": "--seed",
    "seeds": "--seeds",
}
MAKE_VARIABLES = {
    "learning_rates": "LR",
    "inits": "INIT",
    "losses": "LOSS",
    "dataset": "DATASET",
    "n_h": "N_H",
    "iterations": "ITERATIONS",
    "seed": "SEED",
    "seeds": "SEEDS",
    "jobs": "JOBS",
    "executor": "EXECUTOR",
}


class SweepInputError(ValueError):
    """A bad value in the grid or on the command line; the message is Spanish and names it."""


@dataclass(frozen=True)
class Grid:
    """The values to sweep over. Build it with ``make_grid`` (which validates) or ``load_grid``."""

    learning_rates: tuple  # floats > 0
    inits: tuple  # names of nnsimple.INITS
    losses: tuple  # names of nnsimple.LOSSES
    dataset: str  # a name of nnsimple.DATASETS
    n_h: int  # hidden units, >= 1
    iterations: int  # gradient-descent updates per run, >= 1
    seed: int  # the main run's seed, >= 0
    seeds: int  # seeds 0..seeds-1 for each run's statistics, >= 1

    def as_dict(self):
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


KEYS = tuple(f.name for f in dataclasses.fields(Grid))
assert KEYS == config.GRID_KEYS  # lab.toml's [grid] keys are the Grid's fields


@dataclass(frozen=True)
class Origin:
    """Where a grid value was given, for messages: ``label`` names it there, ``kind`` is
    "make", "flag" (an option), "toml" (lab.toml) or "code" (a dict given to ``make_grid``)."""

    key: str
    label: str
    kind: str

    def example(self, values):
        """How a list of ``values`` (as text) is written there: LR="0.1 0.5", --lr 0.1 0.5, …"""
        if self.kind == "make":
            return f'{self.label}="{" ".join(values)}"'
        if self.kind == "flag":
            return f"{self.label} {' '.join(values)}"
        if self.kind == "toml":
            return f"{self.key} = [{', '.join(values)}]"
        return repr(list(values))


def command_line(key):
    """The ``Origin`` of a value given on the command line: a make variable under make, else an option."""
    if cli.from_make():
        return Origin(key, MAKE_VARIABLES[key], "make")
    return Origin(key, FLAGS.get(key, f"--{key}"), "flag")


def _origin(key, where):
    return (where or {}).get(key) or Origin(key, key, "code")


def _shown(value):
    """A value as the user wrote it: the text typed, or lab.toml's (``1e-400``, not 0.0)."""
    if isinstance(value, str):
        return value.strip()
    return getattr(value, "text", None) or repr(value)


def _int_hint(text):
    """A hint for an integer written as a decimal, with an exponent or with separators."""
    if text is None or text.lstrip("+-").isdigit():
        return ""
    if "," in text or "_" in text:
        plain = text.replace(",", "").replace("_", "").replace(" ", "")
        if plain.isdigit():
            return f" Escríbalo sin separadores: {plain}."
    try:
        number = float(text)
    except ValueError:
        return ""
    if math.isfinite(number) and number == int(number) and abs(number) < 1e18:
        return f" Escríbalo como entero: {int(number)}."
    return ""


def as_int(value, minimum, label):
    """``value`` (an int, or its text as typed) as an int >= ``minimum``; ``label`` names it in the error."""
    text = _shown(value) if isinstance(value, str) or hasattr(value, "text") else None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        shown = text if text is not None else repr(value)
        raise SweepInputError(
            f"{label}: valor inválido {shown}; debe ser un entero mayor o igual que {minimum}.{_int_hint(text)}"
        )
    return value


def _comma_hint(text, origin):
    """A hint for numbers joined by commas: a decimal comma (1,5) or a list (0.1,0.5)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2 or not all(p.replace(".", "", 1).isdigit() for p in parts):
        return ""
    as_list = origin.example(parts)
    if len(parts) == 2 and "." not in text:
        return f" Si es un decimal, use punto: {parts[0]}.{parts[1]}; si son dos valores, sepárelos así: {as_list}."
    return f" Para dar varios valores, sepárelos así: {as_list}."


def _as_learning_rate(value, origin):
    """A learning rate, as typed (text) or as read from lab.toml; the message shows it as written."""
    shown, number = _shown(value), value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise SweepInputError(
                f"{origin.label}: tasa de aprendizaje inválida: {shown} no es un número.{_comma_hint(shown, origin)}"
            ) from None
    try:
        return nnsimple.check_learning_rate(number)
    except ValueError:
        pass
    why = "debe ser un número finito mayor que 0 (por ejemplo 0.01, 0.1 o 0.5)"
    if isinstance(number, float) and number == 0 and any(c in "123456789" for c in shown.split("e")[0]):
        why = f"es tan pequeña que en coma flotante vale 0; {why}"
    elif isinstance(number, float) and math.isinf(number) and "inf" not in shown.lower():
        why = f"es tan grande que en coma flotante es infinita; {why}"
    raise SweepInputError(f"{origin.label}: tasa de aprendizaje inválida: {shown}; {why}.")


def _as_list(value, origin):
    values = [value] if isinstance(value, (str, int, float)) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise SweepInputError(f"{origin.label}: se necesita al menos un valor, por ejemplo {origin.example(['0.5'])}.")
    return list(values)


def _no_duplicates(raw, parsed, origin):
    seen = {}
    for text, value in zip(raw, parsed, strict=True):
        if value in seen:
            same = "" if _shown(seen[value]) == _shown(text) else f" (es igual a {_shown(seen[value])})"
            raise SweepInputError(
                f"{origin.label}: el valor {_shown(text)} está repetido{same}; cada valor debe aparecer una sola vez."
            )
        seen[value] = text


def _checked_list(value, check, origin):
    """A list of values (one or more, no repeats), each passed through ``check``."""
    raw = _as_list(value, origin)
    try:
        parsed = [check(v) for v in raw]
    except SweepInputError:
        raise
    except ValueError as error:
        raise SweepInputError(f"{origin.label}: {error}") from None
    _no_duplicates(raw, parsed, origin)
    return tuple(parsed)


def _checked_keys(values, where):
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise SweepInputError(config.unknown_key(_origin(unknown[0], where).label, unknown[0], KEYS))
    missing = [k for k in KEYS if k not in values]
    if missing:
        origin = _origin(missing[0], where)
        table = f"{origin.label.rsplit(' ', 1)[0]}: " if origin.kind == "toml" else ""
        raise SweepInputError(f"{table}falta la clave {missing[0]}. La rejilla necesita: {', '.join(KEYS)}.")


def make_grid(values, *, where=None):
    """Validate grid values and return a ``Grid``; raise ``SweepInputError`` (Spanish) on a bad one.

    ``values``: a dict with every ``Grid`` field name (``load_grid`` takes the missing ones
    from lab.toml); learning rates and the integers may be strings, as typed on the command
    line (``"1e-2"``). ``where``: ``{key: Origin}``, where each value was given (default: in code).
    """
    _checked_keys(values, where)
    rates = _origin("learning_rates", where)
    learning_rates = _checked_list(values["learning_rates"], lambda v: _as_learning_rate(v, rates), rates)
    try:
        dataset = nnsimple.check_dataset(values["dataset"])
    except ValueError as error:
        raise SweepInputError(f"{_origin('dataset', where).label}: {error}") from None
    return Grid(
        learning_rates=learning_rates,
        inits=_checked_list(values["inits"], nnsimple.check_init, _origin("inits", where)),
        losses=_checked_list(values["losses"], nnsimple.check_loss, _origin("losses", where)),
        dataset=dataset,
        n_h=as_int(values["n_h"], 1, _origin("n_h", where).label),
        iterations=as_int(values["iterations"], 1, _origin("iterations", where).label),
        seed=as_int(values["seed"], 0, _origin("seed", where).label),
        seeds=as_int(values["seeds"], 1, _origin("seeds", where).label),
    )


def read_config(path=None):
    """The ``[grid]`` table of ``path`` (default ``CONFIG``) as a dict, its keys checked; Spanish errors.

    The whole file is checked (``config.read``): a bad ``[cover]`` is found before any work too.
    """
    try:
        tables = config.read(path)
        config.cover(tables)
    except config.ConfigError as error:
        raise SweepInputError(str(error)) from None
    return tables["grid"]


def load_grid(path=None, **overrides):
    """The grid of ``path`` (default ``CONFIG``), with ``overrides`` (Grid field names; None = keep) on top."""
    path = Path(CONFIG if path is None else path)
    values = read_config(path)
    where = {k: Origin(k, f"{path.name} [grid] {k}", "toml") for k in KEYS}
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
            where[key] = command_line(key)
    return make_grid(values, where=where)


def expand(grid):
    """The runs of a grid, in grid order (learning rate, then init, then loss): ``[(id, parameters)]``.

    ``parameters`` are the experiment notebook's (``learning_rate`` … ``seeds``).
    """
    expanded = []
    for learning_rate in grid.learning_rates:
        for init in grid.inits:
            for loss in grid.losses:
                parameters = {
                    "learning_rate": learning_rate,
                    "init": init,
                    "loss": loss,
                    "dataset": grid.dataset,
                    "n_h": grid.n_h,
                    "iterations": grid.iterations,
                    "seed": grid.seed,
                    "seeds": grid.seeds,
                }
                expanded.append((results.run_id(learning_rate, init, loss), parameters))
    return expanded


# ---------------------------------------------------------------- command line


def _defaults(values):
    return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def add_arguments(parser, defaults):
    """The grid's options (``--lr`` … ``--seeds``, ``--jobs``); ``defaults``: the Grid shown in the help."""
    d = defaults
    options = (  # flag, nargs, metavar, help, default shown
        ("--lr", "+", "TASA", "tasas de aprendizaje, números > 0 (0.01, 1e-2…)", _defaults(d.learning_rates)),
        ("--init", "+", "INIC", f"inicializaciones: {', '.join(nnsimple.INITS)}", _defaults(d.inits)),
        ("--loss", "+", "COSTO", f"funciones de costo: {', '.join(nnsimple.LOSSES)}", _defaults(d.losses)),
        ("--dataset", None, "DATOS", f"conjunto de datos: {', '.join(nnsimple.DATASETS)}", d.dataset),
        ("--n-h", None, "N", "neuronas en la capa oculta", d.n_h),
        ("--iterations", None, "N", "actualizaciones de descenso de gradiente por ejecución", d.iterations),
        ("--seed", None, "S", "semilla de la ejecución principal", d.seed),
        ("--seeds", None, "K", "semillas 0..K-1 para las estadísticas de cada ejecución", d.seeds),
        ("--jobs", None, "J", "ejecuciones en paralelo", f"una por núcleo ({os.cpu_count()})"),
    )
    for flag, nargs, metavar, text, default in options:
        parser.add_argument(flag, nargs=nargs, metavar=metavar, help=f"{text}; por defecto: {default}")
    if hasattr(parser, "make_names"):  # cli.SpanishArgumentParser: under make, messages name LR=, …
        parser.make_names.update({FLAGS.get(k, f"--{k}"): name for k, name in MAKE_VARIABLES.items()})


def from_args(args, config=None):
    """``(grid, jobs)`` from the options of ``add_arguments`` over ``config``; raises ``SweepInputError``."""
    overrides = {key: getattr(args, flag[2:].replace("-", "_")) for key, flag in FLAGS.items()}
    grid = load_grid(config, **overrides)
    jobs = None if args.jobs is None else as_int(args.jobs, 1, command_line("jobs").label)
    return grid, jobs
