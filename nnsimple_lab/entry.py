"""What the sweep's and the build's command lines share: their grid options (defaults from
lab.toml) and ``--si``, and how each kind of error is reported (exit codes in ``cli``).

    input_error     bad input that is no command-line mistake: the message, exit 2
    usage_error     a bad option value: argparse's error (or, under make, the message alone)
    storage_failed  a write the system refused: the message with what to do, exit 1
"""

from __future__ import annotations

import sys

from nnsimple_lab import budget, cli, files
from nnsimple_lab.grid import add_arguments, load_grid


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
    return parser


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
