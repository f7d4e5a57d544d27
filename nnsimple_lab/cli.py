"""The command line's shared pieces: a Spanish argparse, exit codes, signals, slow imports."""

from __future__ import annotations

import argparse
import difflib
import re
import signal
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """argparse with its own messages in Spanish, and a suggestion for a mistyped option."""

    _PATTERNS = (
        (r"unrecognized arguments: (?P<args>.*)", "{unrecognized}"),
        (r"the following arguments are required: (?P<names>.*)", "faltan los argumentos obligatorios: {names}."),
        (r"argument (?P<opt>\S+): expected at least one argument", "{opt}: falta al menos un valor."),
        (r"argument (?P<opt>\S+): expected one argument", "{opt}: falta su valor."),
        (r"argument (?P<opt>\S+): ignored explicit argument (?P<val>.*)", "{opt} no lleva valor (se recibió {val})."),
        (r"argument (?P<opt>\S+): (?P<rest>.*)", "{opt}: {rest}"),
    )

    def _unrecognized(self, args):
        options = [s for action in self._actions for s in action.option_strings if s.startswith("--")]
        words = args.split()
        flags = [w for w in words if w.startswith("-")]
        if flags:
            message = f"opción desconocida: {flags[0].split('=')[0]}."
            close = difflib.get_close_matches(flags[0].split("=")[0], options, n=1, cutoff=0.5)
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
    made = SpanishArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=Formatter,
        add_help=False,
        allow_abbrev=False,
    )
    made._optionals.title = "opciones"  # argparse has no public way to name this group
    made._positionals.title = "argumentos"
    made.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    return made


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
