"""The HTML's fonts: the PDF's own, New Computer Modern and its Math, cut down and embedded.

A browser draws MathML with a math font it has (an OpenType font with a MATH table); without
one a display sum comes out the size of a letter. So every page carries its own: the PDF's math
font (``typeface.files``), subset with fontTools to the characters of the page's formulas (with
the math-italic letters MathML draws single-letter identifiers with, and the big variants of
the operators, which the MATH table keeps). The report's page also carries the text faces
(regular, italic, bold) for a fixed set of characters (Latin-1 and the punctuation and signs of
Spanish prose), subset once per machine into the typeface's cache folder. Each is a WOFF in a
``data:`` URL: no request leaves the page. The CSS names them first, the fallbacks after.

    math_font_face(document)  ->  '@font-face { font-family: "NNS Math"; src: url(data:font/woff;base64,…) }'
    text_font_faces()         ->  three @font-face rules of "NNS Serif"
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re

from nnsimple_lab import files, typeface

FAMILY = "NNS Math"  # the page's own names: never taken for a font of the reader's system
TEXT_FAMILY = "NNS Serif"
TEXT_FACES = {  # face -> (font-style, font-weight); bold italic is left to the browser
    ("NewComputerModern10", "Regular"): ("normal", 400),
    ("NewComputerModern10", "Italic"): ("italic", 400),
    ("NewComputerModern10", "Bold"): ("normal", 700),
}
TEXT_CHARACTERS = frozenset(
    {chr(c) for c in range(0x20, 0x7F)}
    | {chr(c) for c in range(0xA0, 0x100)}
    | set("–—‘’“”«»…•−×·→←≤≥≈±√∞αβγδεθλμσφωΔΣΩ′″")
)
_MATH = re.compile(r"<math\b.*?</math>", re.S)
_MI = re.compile(r"<mi(?![^>]*mathvariant)[^>]*>([^<]+)</mi>")
# Where Unicode keeps the math italic letters (MathML's default for a one-letter <mi>).
_ITALIC = ((ord("A"), 26, 0x1D434), (ord("a"), 26, 0x1D44E), (0x391, 25, 0x1D6E2), (0x3B1, 25, 0x1D6FC))
_HOLES = {"h": "\u210e"}  # the one italic letter Unicode keeps elsewhere: ℎ


def _math_italic(char):
    if char in _HOLES:
        return _HOLES[char]
    for first, count, italic in _ITALIC:
        if first <= ord(char) < first + count:
            return chr(italic + ord(char) - first)
    return char


def formula_characters(document):
    """Every character the formulas of an HTML ``document`` may draw."""
    chars = set()
    for formula in _MATH.findall(document):
        chars |= set(html.unescape(re.sub(r"<[^>]+>", "", formula)))
        letters = (html.unescape(c) for c in _MI.findall(formula))
        chars |= {_math_italic(c) for c in letters if len(c) == 1}  # one letter: MathML sets it italic
    return frozenset(chars - {"\n", "\t"})


@functools.lru_cache(maxsize=16)
def subset_woff(chars, face=typeface.MATH):
    """WOFF bytes of ``face`` with only ``chars`` (a frozenset) and what its tables need (the MATH
    table's big operators, the features' ligatures)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "PfEd"]  # a font editor's notes, which fontTools cannot subset
    font = TTFont(typeface.files()[face], recalcTimestamp=False)  # the same bytes every time
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def math_font_face(document):
    """The ``@font-face`` rule of ``FAMILY`` for the formulas of ``document`` ("" without any)."""
    chars = formula_characters(document)
    if not chars:
        return ""
    return f'@font-face {{ font-family: "{FAMILY}"; src: {_woff_url(cached_woff(chars))}; }}'


def _woff_url(data):
    return f'url(data:font/woff;base64,{base64.b64encode(data).decode("ascii")}) format("woff")'


def cached_woff(chars, face=typeface.MATH):
    """``subset_woff(chars, face)``, kept in the typeface's cache folder: made once per machine
    for each set of characters (subsetting takes a few tenths of a second)."""
    import hashlib

    key = hashlib.sha256("".join(sorted(chars)).encode()).hexdigest()[:16]
    path = typeface.cache_folder() / "web" / f"{typeface.file_name(face)[:-4]}-{key}.woff"
    if not path.is_file():
        files.write_atomic(path, subset_woff(chars, face))
    return path.read_bytes()


@functools.cache
def text_font_faces():
    """The ``@font-face`` rules of ``TEXT_FAMILY``: the PDF's text faces for ``TEXT_CHARACTERS``."""
    rules = []
    for face, (style, weight) in TEXT_FACES.items():
        src = _woff_url(cached_woff(TEXT_CHARACTERS, face))
        rules.append(
            f'@font-face {{ font-family: "{TEXT_FAMILY}"; font-style: {style}; font-weight: {weight}; src: {src}; }}'
        )
    return "\n".join(rules)
