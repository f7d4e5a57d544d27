"""The report as a document: its cover (from ``lab.toml``), "Figura N"/"Tabla N" numbering,
paragraphs joined from sentences, and code listings read from the source itself."""

from __future__ import annotations

import datetime as _dt
import inspect
import io
import tokenize

from nnsimple_lab import config
from nnsimple_lab.report.es import spanish_date

COVER_KEYS = config.COVER_KEYS


def load_cover(lab_toml, today=None):
    """The ``[cover]`` table of ``lab.toml`` as the dict ``outputs.show_cover`` takes.

    An empty ``date`` becomes ``today`` (default: the current date) in Spanish; an ISO date
    (``2026-11-29``) is written in Spanish too; any other text is kept as written.
    """
    cover = config.cover(config.read(lab_toml))  # checked: ConfigError (Spanish) on a bad key or value
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


def prose(*parts):
    """Join the non-empty sentences with a space."""
    return " ".join(p.strip() for p in parts if p and p.strip())


def code_listing(*functions):
    """The source of ``functions`` without docstrings and comments (the report shows code, not
    its English notes), separated by a blank line."""
    return "\n\n".join(_strip_notes(inspect.getsource(f)) for f in functions)


def _docstring_lines(tokens):
    """Line numbers of the docstrings: a string right after an indent."""
    drop, previous = set(), None
    for tok in tokens:
        if tok.type == tokenize.STRING and previous is not None and previous.type == tokenize.INDENT:
            drop.update(range(tok.start[0], tok.end[0] + 1))
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok
    return drop


def _strip_notes(source):
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    drop = _docstring_lines(tokens)
    comments = {tok.start[0]: tok.start[1] for tok in tokens if tok.type == tokenize.COMMENT}
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in drop:
            continue
        if number in comments:
            line = line[: comments[number]].rstrip()
            if not line.strip():
                continue
        out.append(line)
    return "\n".join(out).rstrip() + "\n"
