"""The check of the variables given on make's command line: a mistyped one is refused.

make accepts any ``NAME=value``: ``make report lr=0.7`` or ``make report INITS=xavier`` would
build the default grid without a word. The Makefile lists the variables it documents and
calls this (with the system's Python, before anything is built) for the others:

    python3 -m nnsimple_lab.makevars --valid "LR INIT …" --given "lr INITS"

It prints, on stderr, one Spanish line per unknown variable with the closest valid name, and
exits 2 when there is any. Only the standard library.
"""

from __future__ import annotations

import difflib
import sys

from nnsimple_lab import cli

PROG = "make"


def closest(name, valid):
    """The valid variable ``name`` was meant as: the same in another case, else the closest spelling."""
    for candidate in valid:
        if candidate.upper() == name.upper():
            return candidate
    close = difflib.get_close_matches(name.upper(), valid, n=1, cutoff=0.6)
    return close[0] if close else None


def problems(given, valid):
    """One Spanish line per variable of ``given`` that is not in ``valid``."""
    lines = []
    for name in given:
        if name in valid:
            continue
        guess = closest(name, valid)
        hint = f" ¿Quiso decir {guess}?" if guess else ""
        lines.append(f"variable desconocida en la línea de make: {name}.{hint}")
    if lines:
        lines.append(f"Variables válidas: {', '.join(valid)}.")
    return lines


def main(argv=None):
    parser = cli.parser("python -m nnsimple_lab.makevars", "Comprueba las variables dadas a make.")
    parser.add_argument("--valid", required=True, metavar="NOMBRES", help="las variables documentadas")
    parser.add_argument("--given", default="", metavar="NOMBRES", help="las dadas en la línea de make")
    args = parser.parse_args(argv)
    lines = problems(args.given.split(), args.valid.split())
    for line in lines:
        print(f"{PROG}: error: {line}" if not line.startswith("Variables") else f"  {line}", file=sys.stderr)
    return cli.EXIT_USAGE if lines else cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
