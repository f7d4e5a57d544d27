"""The experiment grid: read from ``lab.toml`` and the command line, validated, expanded to runs.

``lab.toml``'s ``[grid]`` table is the one place where the default grid lives; the command
line (and make's ``LR=``, ``INIT=``, … variables) overrides it value by value. Every value
(and every key) is checked before any kernel starts: a bad one raises ``SweepInputError``
with a Spanish message that names where it came from (``--lr``, ``lab.toml [grid] seeds``).

    load_grid()                          -> Grid of lab.toml
    load_grid(learning_rates=["0.5"])    -> the same with one value replaced
    expand(grid)                         -> [(run id, notebook parameters)] in grid order
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nnsimple
from nnsimple_lab import results

ROOT = Path(__file__).resolve().parent.parent  # the project: lab.toml, notebooks/, reports/
CONFIG = ROOT / "lab.toml"

# Where each grid value comes from on the command line, for error messages.
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


def _where(key, where):
    return (where or {}).get(key) or FLAGS.get(key) or key


def as_int(value, minimum, label):
    """``value`` (an int, or its text as typed) as an int >= ``minimum``; ``label`` names it in the error."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SweepInputError(f"{label}: valor inválido {value!r}; debe ser un entero mayor o igual que {minimum}.")
    return value


def _as_learning_rate(value, label):
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
    try:
        return nnsimple.check_learning_rate(number)
    except ValueError as error:
        raise SweepInputError(f"{label}: {error}") from None


def _as_list(value, label):
    values = [value] if isinstance(value, (str, int, float)) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise SweepInputError(f"{label}: se necesita al menos un valor.")
    return list(values)


def _no_duplicates(raw, parsed, label):
    seen = {}
    for text, value in zip(raw, parsed, strict=True):
        if value in seen:
            same = "" if str(seen[value]) == str(text) else f" (es igual a {seen[value]})"
            raise SweepInputError(
                f"{label}: el valor {text} está repetido{same}; cada valor debe aparecer una sola vez."
            )
        seen[value] = text


def _checked_list(value, check, label):
    """A list of values (one or more, no repeats), each passed through ``check``."""
    raw = _as_list(value, label)
    try:
        parsed = [check(v) for v in raw]
    except ValueError as error:
        raise SweepInputError(f"{label}: {error}") from None
    _no_duplicates(raw, parsed, label)
    return tuple(parsed)


def _checked_keys(values, where):
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        valid = ", ".join(sorted(KEYS))
        raise SweepInputError(
            f"{_where(unknown[0], where)}: clave desconocida {unknown[0]!r}. Claves válidas: {valid}."
        )
    missing = [k for k in KEYS if k not in values]
    if missing:
        raise SweepInputError(f"{_where(missing[0], where)}: falta el valor. La rejilla necesita: {', '.join(KEYS)}.")


def make_grid(values, *, where=None):
    """Validate grid values and return a ``Grid``; raise ``SweepInputError`` (Spanish) on a bad one.

    ``values``: a dict with every ``Grid`` field name (``load_grid`` takes the missing ones
    from lab.toml); learning rates and the integers may be strings, as typed on the command
    line (``"1e-2"``). ``where`` names the source of each key in messages (default: its flag).
    """
    _checked_keys(values, where)
    label = _where("learning_rates", where)
    learning_rates = _checked_list(values["learning_rates"], lambda v: _as_learning_rate(v, label), label)
    try:
        dataset = nnsimple.check_dataset(values["dataset"])
    except ValueError as error:
        raise SweepInputError(f"{_where('dataset', where)}: {error}") from None
    return Grid(
        learning_rates=learning_rates,
        inits=_checked_list(values["inits"], nnsimple.check_init, _where("inits", where)),
        losses=_checked_list(values["losses"], nnsimple.check_loss, _where("losses", where)),
        dataset=dataset,
        n_h=as_int(values["n_h"], 1, _where("n_h", where)),
        iterations=as_int(values["iterations"], 1, _where("iterations", where)),
        seed=as_int(values["seed"], 0, _where("seed", where)),
        seeds=as_int(values["seeds"], 1, _where("seeds", where)),
    )


def read_config(path=None):
    """The ``[grid]`` table of ``path`` (default ``CONFIG``) as a dict, not validated; Spanish errors."""
    path = Path(CONFIG if path is None else path)
    try:
        with path.open("rb") as f:
            grid = tomllib.load(f).get("grid", {})
    except FileNotFoundError:
        raise SweepInputError(f"No existe el archivo de configuración {path}.") from None
    except OSError as error:
        raise SweepInputError(f"No se pudo leer el archivo de configuración {path}: {error.strerror}.") from None
    except tomllib.TOMLDecodeError as error:
        raise SweepInputError(f"{path.name} no es TOML válido: {error}.") from None
    if not isinstance(grid, dict):
        raise SweepInputError(f"{path.name}: [grid] debe ser una tabla.")
    return grid


def load_grid(path=None, **overrides):
    """The grid of ``path`` (default ``CONFIG``), with ``overrides`` (Grid field names; None = keep) on top."""
    path = Path(CONFIG if path is None else path)
    values = read_config(path)
    where = {k: f"{path.name} [grid] {k}" for k in {*KEYS, *values}}
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
            where[key] = FLAGS.get(key, key)
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


def _shown(values):
    return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def add_arguments(parser, defaults):
    """The grid's options (``--lr`` … ``--seeds``, ``--jobs``); ``defaults``: the Grid shown in the help."""
    d = defaults
    options = (  # flag, nargs, metavar, help, default shown
        ("--lr", "+", "TASA", "tasas de aprendizaje, números > 0 (0.01, 1e-2…)", _shown(d.learning_rates)),
        ("--init", "+", "INIC", f"inicializaciones: {', '.join(nnsimple.INITS)}", _shown(d.inits)),
        ("--loss", "+", "COSTO", f"funciones de costo: {', '.join(nnsimple.LOSSES)}", _shown(d.losses)),
        ("--dataset", None, "DATOS", f"conjunto de datos: {', '.join(nnsimple.DATASETS)}", d.dataset),
        ("--n-h", None, "N", "neuronas en la capa oculta", d.n_h),
        ("--iterations", None, "N", "actualizaciones de descenso de gradiente por ejecución", d.iterations),
        ("--seed", None, "S", "semilla de la ejecución principal", d.seed),
        ("--seeds", None, "K", "semillas 0..K-1 para las estadísticas de cada ejecución", d.seeds),
        ("--jobs", None, "J", "ejecuciones en paralelo", f"una por núcleo ({os.cpu_count()})"),
    )
    for flag, nargs, metavar, text, default in options:
        parser.add_argument(flag, nargs=nargs, metavar=metavar, help=f"{text}; por defecto: {default}")


def from_args(args, config=None):
    """``(grid, jobs)`` from the options of ``add_arguments`` over ``config``; raises ``SweepInputError``."""
    overrides = {key: getattr(args, flag[2:].replace("-", "_")) for key, flag in FLAGS.items()}
    grid = load_grid(config, **overrides)
    jobs = None if args.jobs is None else as_int(args.jobs, 1, "--jobs")
    return grid, jobs
