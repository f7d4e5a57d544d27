"""The command line's shared pieces: a Spanish argparse, exit codes, signals, slow imports."""

from __future__ import annotations

import argparse
import difflib
import re
import signal
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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
        if add_help:
            self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def add_argument(self, *names, **kwargs):
        optional = bool(names) and names[0][:1] in self.prefix_chars
        action = (self.options if optional else self.arguments).add_argument(*names, **kwargs)
        self.long_options += [name for name in action.option_strings if name.startswith("--")]
        return action

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
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def parser(prog, description, epilog=""):
    """A ``SpanishArgumentParser`` with the project's layout: raw text, no abbreviations, Spanish help."""
    return SpanishArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=Formatter,
        allow_abbrev=False,
    )


def sigterm_as_interrupt():
    """From now on SIGTERM interrupts this process as Ctrl-C does (KeyboardInterrupt)."""
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)


def _sigterm_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def skip_slow_imports():
    """Keep jsonschema (via papermill and nbformat) from importing ``rfc3987_syntax``.

    jsonschema uses it only to check the "iri" string formats, which the notebook schema has
    none of. For command lines, before anything imports nbformat; forked workers inherit it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
