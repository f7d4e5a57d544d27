"""The command line's shared pieces: a Spanish argparse, exit codes, signals, slow imports.

Only the standard library, and nothing from the project: a command-line module run outside
the venv says so (``outside_environment``), and ``make clean`` runs without it.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import os
import re
import signal
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Set by the Makefile to the command the user typed ("make report"): messages then name the make
# variables (LR=) instead of the options (--lr) the user never saw.
MAKE_VARIABLE = "NNSIMPLE_LAB_MAKE"


class Formatter(argparse.RawDescriptionHelpFormatter):
    # argparse documents only the formatter classes' names; add_usage's prefix is how the
    # usage line says "uso:" with its continuation lines aligned (test_cli checks it).
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """argparse with its own messages in Spanish, and a suggestion for a mistyped option.

    Its arguments are listed under "argumentos" and "opciones": ``add_argument`` puts each in
    one of these two groups (argparse's own two, titled in English, stay empty and unshown).
    """

    def __init__(self, *args, add_help=True, **kwargs):
        super().__init__(*args, add_help=False, **kwargs)
        self.arguments = self.add_argument_group("argumentos")
        self.options = self.add_argument_group("opciones")
        self.long_options = []  # for suggestions: "¿Quiso decir --lr?"
        self.make_names = {}  # option -> its make variable ("--lr": "LR"), for messages under make
        if add_help:
            self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def add_argument(self, *names, **kwargs):
        optional = bool(names) and names[0][:1] in self.prefix_chars
        action = (self.options if optional else self.arguments).add_argument(*names, **kwargs)
        self.long_options += [name for name in action.option_strings if name.startswith("--")]
        return action

    def parse_known_args(self, args=None, namespace=None):
        """argparse's, after refusing an option given twice (argparse would keep the last one)."""
        self._refuse_repeated(sys.argv[1:] if args is None else list(args))
        return super().parse_known_args(args, namespace)

    def _refuse_repeated(self, args):
        """``error`` when an option comes twice, suggesting it once with all its values."""
        given = {}  # action -> [(the option as typed, its values)]
        for i, arg in enumerate(args):
            if arg == "--":
                break
            name, _, inline = arg.partition("=")
            action = self._option_string_actions.get(name)
            if action is None or not name.startswith("-"):
                continue
            values = [inline] if inline else list(_values_after(args[i + 1 :], self._option_string_actions))
            given.setdefault(action, []).append((name, values))
        for action, uses in given.items():
            if len(uses) > 1:
                flag = uses[0][0]
                message = f"la opción {flag} aparece {len(uses)} veces; dé cada opción una sola vez"
                if action.nargs in ("+", "*"):
                    joined = " ".join(v for _, values in uses for v in values)
                    message += f", con todos sus valores: {flag} {joined}"
                self.error(message)

    _PATTERNS = (
        (r"unrecognized arguments: (?P<args>.*)", "{unrecognized}"),
        (r"the following arguments are required: (?P<names>.*)", "faltan los argumentos obligatorios: {names}."),
        (r"argument (?P<opt>\S+): expected at least one argument", "{opt}: falta al menos un valor."),
        (r"argument (?P<opt>\S+): expected one argument", "{opt}: falta su valor."),
        (r"argument (?P<opt>\S+): ignored explicit argument (?P<val>.*)", "{opt} no lleva valor (se recibió {val})."),
        (r"argument (?P<opt>\S+): (?P<rest>.*)", "{opt}: {rest}"),
    )

    def _unrecognized(self, args):
        words = args.split()
        flags = [w for w in words if w.startswith("-")]
        if flags:
            message = f"opción desconocida: {flags[0].split('=')[0]}."
            close = difflib.get_close_matches(flags[0].split("=")[0], self.long_options, n=1, cutoff=0.5)
            if close:
                message += f" ¿Quiso decir {close[0]}?"
        else:
            message = f"valores que no corresponden a ninguna opción: {' '.join(words)}."
        return message + f" Vea las opciones con: {self.prog} --help"

    def error(self, message):
        for pattern, template in self._PATTERNS:
            match = re.fullmatch(pattern, message)
            if match:
                groups = match.groupdict()
                if "args" in groups:
                    message = self._unrecognized(groups["args"])
                else:
                    message = template.format(**groups)
                break
        if from_make() and self.make_names:
            self.exit(EXIT_USAGE, f"{from_make()}: error: {self._as_make(message)}\n")
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def _as_make(self, message):
        """A message about options, said of the make variables the user typed instead."""
        if message.startswith("valores que no corresponden"):
            values = message.split(": ", 1)[1].split(". Vea")[0]
            several = [name for flag, name in self.make_names.items() if self._nargs(flag) == "+"]
            if not several:
                return f"sobran valores: {values}; cada variable admite un solo valor."
            named = f"{', '.join(several[:-1])} y {several[-1]}" if len(several) > 1 else several[0]
            return (
                f"sobran valores: {values}. Solo {named} admiten varios, entre comillas "
                f'({several[0]}="0.1 0.5"); las demás variables, uno solo.'
            )
        for flag, name in sorted(self.make_names.items(), key=lambda item: -len(item[0])):
            message = re.sub(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", name, message)
        return re.sub(r" Vea las opciones con: .*$", " Vea las variables con: make help", message)

    def _nargs(self, flag):
        action = self._option_string_actions.get(flag)
        return None if action is None else action.nargs


def _values_after(args, options):
    """The values that follow an option: the arguments up to the next option."""
    for arg in args:
        if arg == "--" or arg.partition("=")[0] in options or (arg.startswith("--") and len(arg) > 2):
            return
        yield arg


def parser(prog, description, epilog=""):
    """A ``SpanishArgumentParser`` with the project's layout: raw text, no abbreviations, Spanish help."""
    return SpanishArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=Formatter,
        allow_abbrev=False,
    )


INTERRUPTIONS = (signal.SIGTERM, signal.SIGHUP)  # besides Ctrl-C (SIGINT): a kill, a closed terminal


def interrupt_on_signals():
    """From now on SIGTERM and SIGHUP (the terminal closed) interrupt this process as Ctrl-C does
    (KeyboardInterrupt): the same clean-up runs."""
    for signum in INTERRUPTIONS:
        signal.signal(signum, _as_interrupt)


def _as_interrupt(signum, frame):
    raise KeyboardInterrupt


def from_make():
    """The make command the user typed (``"make report"``) when make runs this, else None."""
    return os.environ.get(MAKE_VARIABLE) or None


def require(*names):
    """Raise ``ModuleNotFoundError`` for the first of ``names`` that cannot be imported (none is imported)."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def outside_environment(error, module, prog):
    """For a command-line module whose imports raised ``ModuleNotFoundError``: run as a program
    (``module`` is "__main__"), exit with a Spanish message saying to use make; imported, raise."""
    if module != "__main__":
        raise error
    print(
        f"{prog}: error: falta el módulo {error.name} en este Python ({sys.executable}). Este programa usa "
        "el entorno del proyecto: lance make report (o make runs, make html, make pdf), que crea .venv e "
        "instala lo necesario, o use .venv/bin/python.",
        file=sys.stderr,
    )
    sys.exit(EXIT_USAGE)


# What jsonschema's format checkers import when installed (jupyter-events pulls them in): only
# to check string formats ("iri", "uri", "color", "duration", …) that the notebook schema has
# none of, and nbformat validates with fastjsonschema anyway. rfc3987_syntax builds its grammars
# on import (~0.9 s of a core); the rest cost ~0.04 s more in every process that imports nbformat.
FORMAT_CHECKER_MODULES = (
    "rfc3987_syntax",
    "rfc3987",
    "rfc3986_validator",
    "rfc3339_validator",
    "webcolors",
    "jsonpointer",
    "uri_template",
    "isoduration",
    "fqdn",
)


def skip_slow_imports():
    """Keep jsonschema (via papermill and nbformat) from importing ``FORMAT_CHECKER_MODULES``.

    For command lines, before anything imports nbformat; forked workers inherit it.
    """
    for name in FORMAT_CHECKER_MODULES:
        sys.modules.setdefault(name, None)
