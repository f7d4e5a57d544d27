"""The document's typeface as font files: New Computer Modern, copied out of the ``typst`` wheel.

The PDF is set in New Computer Modern (text) and New Computer Modern Math, which the ``typst``
wheel embeds in its compiled library. The figures (``plotting``) must be measured and named in
the same fonts, and the HTML embeds the math font (``render.webfont``): both read the font files
``files()`` copies out of that library once per typst version, into a cache folder. Nothing is
downloaded or installed; fontTools (a dependency of matplotlib) reads the fonts' names.

    files()  ->  {("NewComputerModern10", "Regular"): Path(".../NewComputerModern10-Regular.otf"), …}
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import struct
from pathlib import Path

from nnsimple_lab import files as atomic

# (family, style) as the fonts' name tables say (Typst calls them "New Computer Modern" and
# "New Computer Modern Math"; matplotlib "NewComputerModern" and "NewComputerModern Math").
MATH = ("NewComputerModernMath", "Regular")
FACES = (
    ("NewComputerModern10", "Regular"),
    ("NewComputerModern10", "Italic"),
    ("NewComputerModern10", "Bold"),
    ("NewComputerModern10", "BoldItalic"),
    MATH,
)


def cache_folder():
    """Where the copies live: ``$XDG_CACHE_HOME/nnsimple-lab/typst-<version>`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnsimple-lab" / f"typst-{importlib.metadata.version('typst')}"


def _name(face):
    """``(family, style)`` of a fontTools font, from its name table (IDs 1 and 2)."""
    names = face["name"]
    return str(names.getDebugName(1)), str(names.getDebugName(2))


def embedded_fonts(data):
    """``{(family, style): font bytes}`` of the OpenType (CFF) fonts stored whole inside ``data``."""
    from fontTools.ttLib import TTFont, TTLibError

    found, start = {}, 0
    while (start := data.find(b"OTTO", start)) >= 0:
        tables = struct.unpack(">H", data[start + 4 : start + 6])[0]
        if 4 <= tables <= 64:
            records = [struct.unpack(">II", data[start + 20 + 16 * t : start + 28 + 16 * t]) for t in range(tables)]
            font = data[start : start + max(offset + length for offset, length in records)]
            try:
                found.setdefault(_name(TTFont(io.BytesIO(font), lazy=True)), font)
            except (TTLibError, KeyError, struct.error, AssertionError):  # "OTTO" that starts no font
                pass
        start += 4
    return found


def file_name(face):
    """The cached file of a face: ``("NewComputerModern10", "Regular")`` -> ``NewComputerModern10-Regular.otf``."""
    return f"{face[0]}-{face[1]}".replace(" ", "") + ".otf"


def files(folder=None):
    """``{face: path}`` of every face of ``FACES``, copied out of the ``typst`` wheel into ``folder``
    (default ``cache_folder()``) the first time; a Spanish RuntimeError if the wheel lacks one."""
    folder = Path(folder or cache_folder())
    paths = {face: folder / file_name(face) for face in FACES}
    if not all(path.is_file() for path in paths.values()):
        library = next(Path(importlib.util.find_spec("typst").submodule_search_locations[0]).glob("_typst*"))
        fonts = embedded_fonts(library.read_bytes())
        for face, path in paths.items():
            if face not in fonts:
                version = importlib.metadata.version("typst")
                raise RuntimeError(f"El paquete typst {version} no trae la fuente {face[0]} {face[1]}.")
            atomic.write_atomic(path, fonts[face])
    return paths
