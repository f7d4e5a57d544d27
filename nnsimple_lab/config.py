"""``lab.toml`` as a whole: read once (UTF-8 TOML), every table and key checked before any work.

    [grid]    the default experiment grid: its keys here, its values in ``grid.make_grid``
    [cover]   the report's cover: ``university``, ``faculty``, ``course``, ``title``, ``subtitle``
              (text), ``authors`` (a list of names, or one name) and ``date`` (text, or a TOML date)

Every message is Spanish and names ``lab.toml``, the table and the key, and for an unknown key
the closest valid one (also for a Spanish name: ``autores`` -> ``authors``). Only the
standard library.

    read()          -> {"grid": {...}, "cover": {...}} of lab.toml, checked
    cover(read())   -> the [cover] with every key, as ``report.document.load_cover`` shows it
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "lab.toml"

GRID_KEYS = ("learning_rates", "inits", "losses", "dataset", "n_h", "iterations", "seed", "seeds")
COVER_TEXT = ("university", "faculty", "course", "title", "subtitle")
COVER_KEYS = (*COVER_TEXT, "authors", "date")
TABLES = {"grid": GRID_KEYS, "cover": COVER_KEYS}
# Spanish (and singular/plural) names a user may write for a key: suggested as the key they mean.
ALIASES = {
    "tasas": "learning_rates",
    "tasa": "learning_rates",
    "learning_rate": "learning_rates",
    "lr": "learning_rates",
    "inicializaciones": "inits",
    "init": "inits",
    "costos": "losses",
    "loss": "losses",
    "datos": "dataset",
    "neuronas": "n_h",
    "iteraciones": "iterations",
    "semilla": "seed",
    "semillas": "seeds",
    "universidad": "university",
    "facultad": "faculty",
    "curso": "course",
    "titulo": "title",
    "título": "title",
    "subtitulo": "subtitle",
    "subtítulo": "subtitle",
    "autores": "authors",
    "autor": "authors",
    "author": "authors",
    "fecha": "date",
    "rejilla": "grid",
    "portada": "cover",
}


class ConfigError(ValueError):
    """lab.toml cannot be read or holds a bad table, key or value; the message is Spanish."""


class Typed(float):
    """A float of lab.toml that remembers how it was written (``1e-400``, which is 0.0)."""

    text: str

    def __new__(cls, text):
        number = super().__new__(cls, text)
        number.text = text
        return number


def closest(name, valid):
    """The key of ``valid`` that ``name`` was meant as (an alias or a close spelling), or None."""
    alias = ALIASES.get(str(name).lower())
    if alias in valid:
        return alias
    close = difflib.get_close_matches(str(name), valid, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_key(where, name, valid):
    """The Spanish message for a key ``name`` not in ``valid``, found in ``where``."""
    guess = closest(name, valid)
    hint = f" ¿Quiso decir {guess}?" if guess else ""
    return f"{where}: clave desconocida {name!r}.{hint} Claves válidas: {', '.join(valid)}."


def read(path=None):
    """The tables of ``path`` (default ``CONFIG``), their keys checked; ``ConfigError`` if bad.

    Floats are ``Typed``: messages show them as written.
    """
    path = Path(CONFIG if path is None else path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"No existe el archivo de configuración {path}.") from None
    except OSError as error:
        raise ConfigError(f"No se pudo leer el archivo de configuración {path}: {error.strerror}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path.name} no está guardado en UTF-8 (byte 0x{data[error.start]:02X} en la línea {line}, "
            "quizá Latin-1 o Windows-1252): ábralo en su editor y guárdelo con la codificación UTF-8."
        ) from None
    try:
        tables = tomllib.loads(text, parse_float=Typed)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name} no es TOML válido: {toml_error(error)}.") from None
    for name, value in tables.items():
        if name not in TABLES:
            guess = closest(name, tuple(TABLES))
            hint = f" ¿Quiso decir [{guess}]?" if guess else ""
            raise ConfigError(f"{path.name}: tabla desconocida [{name}].{hint} Tablas válidas: [grid], [cover].")
        if not isinstance(value, dict):
            raise ConfigError(f"{path.name}: {name} debe ser una tabla, [{name}], con sus claves debajo.")
        for key in value:
            if key not in TABLES[name]:
                raise ConfigError(unknown_key(f"{path.name} [{name}]", key, TABLES[name]))
    return {name: dict(tables.get(name, {})) for name in TABLES}


# tomllib's messages (Python 3.11-3.13), in Spanish; one it adds later is shown as it comes.
TOML_MESSAGES = (
    (r"Cannot declare (.+) twice", r"la tabla \1 está declarada dos veces"),
    (r"Cannot overwrite a value", "una clave tiene dos valores (está repetida)"),
    (r"Cannot (?:mutate immutable|redefine) namespace (.+)", r"\1 ya está definido con otro valor"),
    (r"Duplicate inline table key (.+)", r"la clave \1 está repetida en la tabla"),
    (r"Expected '=' after a key in a key/value pair", "falta el = después de una clave"),
    (r"Expected '\]' at the end of a table declaration", "falta el ] que cierra el nombre de la tabla"),
    (r"Expected '\]\]' at the end of an array declaration", "falta el ]] que cierra el nombre"),
    (r"Expected newline or end of document after a statement", "sobra algo después de un valor en la misma línea"),
    (r"Unclosed array", "falta el ] que cierra la lista"),
    (r"Unclosed inline table", "falta la } que cierra la tabla"),
    (r"Unterminated string", "falta la comilla que cierra un texto"),
    (r"Invalid value", "un valor no es válido (¿un texto sin comillas?)"),
    (r"Invalid statement", "una línea no es ni clave = valor ni [tabla]"),
    (r"Invalid date or datetime", "una fecha no es válida (se escribe 2026-11-29)"),
    (r"Invalid initial character for a key part", "una clave empieza con un carácter no válido"),
    (r"(?:Found invalid|Illegal) character (.+)", r"hay un carácter no válido, \1"),
)


def toml_error(error):
    """A ``TOMLDecodeError``'s message in Spanish, with its line and column."""
    text = str(error)
    where = re.search(r"\(at (?:line (\d+), column (\d+)|end of document)\)$", text)
    head = text[: where.start()].strip() if where else text
    for pattern, spanish in TOML_MESSAGES:
        if re.fullmatch(pattern, head):
            head = re.sub(pattern, spanish, head)
            break
    if where is None:
        return head
    return head + (f" (línea {where[1]}, columna {where[2]})" if where[1] else " (al final del archivo)")


def cover(tables, *, name="lab.toml"):
    """The ``[cover]`` of ``tables`` (from ``read``) checked, with every key: text is stripped
    text, ``authors`` a list of text, ``date`` text (empty: the build's date) or a ``date``."""
    given = tables.get("cover", {})
    out = {}
    for key in COVER_TEXT:
        out[key] = _text(given.get(key, ""), f"{name} [cover] {key}")
    authors = given.get("authors", [])
    authors = [authors] if isinstance(authors, str) else authors
    if not isinstance(authors, list):
        raise ConfigError(f'{name} [cover] authors: debe ser una lista de nombres, authors = ["Ana", "Luis"].')
    out["authors"] = [_text(a, f"{name} [cover] authors[{i}]") for i, a in enumerate(authors)]
    date = given.get("date", "")
    if isinstance(date, dt.datetime) or not isinstance(date, str | dt.date):
        raise ConfigError(f'{name} [cover] date: debe ser un texto o una fecha (date = 2026-11-29 o date = "").')
    out["date"] = date.strip() if isinstance(date, str) else date
    return out


def _text(value, where):
    if not isinstance(value, str):
        shown = getattr(value, "text", None) or repr(value)
        raise ConfigError(f'{where}: debe ser un texto entre comillas ("…"); se encontró {shown}.')
    return value.strip()
