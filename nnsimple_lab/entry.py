"""What the sweep's and the build's command lines share: their grid options (defaults from
lab.toml), ``--si`` and ``--executor``, and how each kind of error is reported (exit codes in ``cli``).

    input_error     bad input that is no command-line mistake: the message, exit 2
    usage_error     a bad option value: argparse's error (or, under make, the message alone)
    storage_failed  a write the system refused: the message with what to do, exit 1
    executor        the executor ``--executor`` names, for the block (``cluster`` imported only for Dask)
"""

from __future__ import annotations

import contextlib
import re
import sys

from nnsimple_lab import budget, cli, files
from nnsimple_lab.grid import SweepInputError, add_arguments, command_line, load_grid

EXECUTORS = ("pool", "dask")  # besides tcp://HOST:PORT, an existing Dask scheduler
EXECUTOR_FORMS = (
    "pool (los procesos propios del proyecto, por defecto), dask (un LocalCluster de Dask en esta "
    "máquina, un proceso por núcleo) o tcp://MÁQUINA:PUERTO (un planificador de Dask ya en marcha, "
    "por ejemplo tcp://192.168.1.10:8786)"
)
ADDRESS = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})")


class ExecutorError(RuntimeError):
    """The executor named cannot be used (``cluster.ClusterError``: an unreachable scheduler, …); Spanish."""


def grid_parser(prog, description, epilog):
    """``cli.parser`` with the grid's options, their defaults read from lab.toml, and ``--si``.

    Raises ``SweepInputError`` when lab.toml cannot be read or holds a bad value.
    """
    parser = cli.parser(prog, description, epilog)
    add_arguments(parser, load_grid())
    parser.add_argument(
        "--si",
        action="store_true",
        help=f"empieza aunque la estimación pase de {budget.LONG_SECONDS // 60} minutos o de la memoria libre "
        "(en make: CONFIRM=1)",
    )
    parser.add_argument(
        "--executor",
        metavar="EJECUTOR",
        default="pool",
        help=f"dónde se ejecutan las ejecuciones: {EXECUTOR_FORMS} (en make: EXECUTOR=)",
    )
    return parser


def executor_choice(text):
    """``--executor``'s value checked: "pool", "dask" or "tcp://HOST:PORT"; ``SweepInputError``
    (Spanish, naming the value and the valid forms) for anything else."""
    value = str(text).strip()
    if value.lower() in EXECUTORS:
        return value.lower()
    match = ADDRESS.fullmatch(value)
    if match and 1 <= int(match["port"]) <= 65535:
        return value
    hint = ""
    if re.fullmatch(r"[A-Za-z0-9_.-]+:[0-9]+", value):
        hint = f" ¿Quiso decir tcp://{value}?"
    elif value.startswith("tcp://") and ":" not in value[len("tcp://") :]:
        hint = f" Falta el puerto: tcp://{value[len('tcp://') :]}:8786 (el de dask scheduler por defecto)."
    label = command_line("executor").label
    raise SweepInputError(f"{label}: ejecutor inválido {value!r}; use {EXECUTOR_FORMS}.{hint}")


@contextlib.contextmanager
def executor(choice, *, jobs):
    """For the block: None for the project's pool (``choice`` "pool": the sweep makes it), else a
    ``cluster.DaskExecutor``, shut down after. Raises ``ExecutorError`` when it cannot be used."""
    if choice == "pool":
        yield None
        return
    from nnsimple_lab import cluster  # dask takes a second to import: only when asked for

    with cluster.connect(choice, jobs=jobs) as dask_executor:
        yield dask_executor


def input_error(prog, error):
    """Report bad input that is not a command-line mistake (no usage line); returns exit code 2."""
    print(f"{prog}: error: {error}", file=sys.stderr)
    return cli.EXIT_USAGE


def usage_error(parser, error):
    """A bad command-line value: argparse's error (usage line, exit 2), or under make, where the
    user typed variables and never saw the options, the message alone."""
    if cli.from_make():
        sys.exit(input_error(cli.from_make(), error))
    parser.error(str(error))


def storage_failed(prog, error):
    """Report a write the system refused (Spanish, with what to do); returns exit code 1."""
    print(f"{prog}: error: {files.storage_error(error)}", file=sys.stderr)
    return cli.EXIT_FAILED


def confirm_budget(stale, *, jobs, confirmed):
    """``budget.check`` of the runs ``stale`` (those a sweep would execute now); the estimate of
    confirmed big work goes to stderr. Raises ``budget.BudgetError``."""
    budget.check(stale, jobs, confirmed=confirmed, say=lambda line: print(line, file=sys.stderr))
