"""pandoc (shipped by pypandoc-binary): many markdown pieces converted by ONE process, citations too.

A document's markdown comes in many pieces (cells, captions, formulas); starting pandoc for each
would cost ~50 ms a piece. ``convert`` joins them with a raw marker between pieces, converts once
and splits the output at the markers. With a bibliography (``cite.pandoc_arguments``) pandoc's
citeproc formats the citations of every piece and writes the reference list where the piece
``cite.REFS_DIV`` is.

    convert(["*a*", "$x$"], to="typst")   ->  {"*a*": "#emph[a]", "$x$": "$x$"}
"""

from __future__ import annotations

import functools
import re
import subprocess
import threading

from nnsimple_lab.render.errors import RenderError

_SEPARATOR = "nnsimple-pieza"
# Per output format: the raw block between two pieces, and how it reads in the output.
_MARKERS = {
    "typst": ("```{{=typst}}\n// {sep} {i}\n```", r"^// {sep} (\d+)\n?"),
    "html": ("```{{=html}}\n<!-- {sep} {i} -->\n```", r"^<!-- {sep} (\d+) -->\n?"),
}


_PATH_LOCK = threading.Lock()


@functools.cache
def _found_pandoc():
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_path():
    """The pandoc binary shipped by pypandoc-binary, looked for once per process: pypandoc runs
    ``pandoc --version`` to find it, and the formats' threads ask at the same time."""
    with _PATH_LOCK:
        return _found_pandoc()


def run(document, arguments, source="commonmark_x"):
    """pandoc's output (text) for the ``source``-flavoured markdown ``document`` and ``arguments``."""
    command = [pandoc_path(), f"--from={source}", "--wrap=none", *arguments]
    try:
        result = subprocess.run(command, input=document.encode("utf-8"), capture_output=True, check=False)
    except OSError as error:
        raise RenderError(f"No se pudo ejecutar pandoc ({command[0]}): {error}") from error
    if result.returncode != 0:
        raise RenderError(f"pandoc no pudo convertir el markdown: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode("utf-8")


def convert(pieces, *, to, source="commonmark_x", arguments=()):
    """``{markdown piece: its conversion}`` for many pieces, by one pandoc process.

    ``to``: "typst" or "html"; ``source``: the markdown flavour (commonmark_x reads markdown as
    Jupyter does; pandoc's "markdown" reads citations); ``arguments``: more of pandoc's options.
    """
    unique = list(dict.fromkeys(pieces))
    if not unique:
        return {}
    raw, pattern = _MARKERS[to]
    document = "".join(f"{piece}\n\n{raw.format(sep=_SEPARATOR, i=i)}\n\n" for i, piece in enumerate(unique))
    output = run(document, [f"--to={to}", *arguments], source=source)
    parts = re.split(pattern.format(sep=_SEPARATOR), output, flags=re.M)
    numbers = parts[1::2]
    if numbers != [str(i) for i in range(len(unique))]:
        broken = unique[int(numbers[-1]) + 1 if numbers else 0]
        raise RenderError(
            "No se pudo separar el markdown convertido por pandoc: ¿un bloque de código sin cerrar? "
            f"Revise este texto: {broken[:200]!r}"
        )
    return {piece: text.strip() for piece, text in zip(unique, parts[0::2], strict=False)}
