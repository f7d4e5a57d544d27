"""Tests of render.webfont: the PDF's fonts, cut down to what a page draws, embedded in it."""

import base64
import io
import re

from fontTools.ttLib import TTFont

from nnsimple_lab.render import math, webfont


def _font(rule):
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", rule).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_the_math_font_keeps_the_page_formulas_math_italics_and_big_operators():
    document = "<p>" + math.latex_to_mathml("\\sum_i x_i") + math.latex_to_mathml("\\alpha", True) + "</p>"
    chars = webfont.formula_characters(document)
    assert {"∑", "x", "i", "\U0001d465", "\U0001d456", "\U0001d6fc"} <= chars  # x, i, α as MathML draws them
    font = _font(webfont.math_font_face(document))
    assert "MATH" in font, "the table that gives the big sum of a display formula"
    cmap = font.getBestCmap()
    assert {ord(c) for c in chars} <= set(cmap) and len(cmap) < 40
    assert webfont.math_font_face("<p>sin fórmulas</p>") == ""


def test_the_text_faces_cover_spanish_prose_and_are_the_same_bytes_every_time():
    rules = webfont.text_font_faces()
    assert rules.count("@font-face") == 3 and 'font-family: "NNS Serif"' in rules
    cmap = _font(rules.split("\n")[0]).getBestCmap()
    assert {ord(c) for c in "¿Qué pasó con la señal? «Sí» — 0.5 −1 × 10"} <= set(cmap)
    webfont.text_font_faces.cache_clear()
    assert webfont.text_font_faces() == rules
