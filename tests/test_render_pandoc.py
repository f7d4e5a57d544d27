"""Tests of render.pandoc: many pieces through one real pandoc process, split back exactly."""

import pytest

from nnsimple_lab.render import RenderError, pandoc


def test_many_pieces_one_conversion_each_format():
    pieces = ["*a*", "$x^2$", "| a |\n|---|\n| 1 |", "*a*"]
    typst = pandoc.convert(pieces, to="typst")
    assert list(typst) == pieces[:3] and typst["*a*"] == "#emph[a]"
    html = pandoc.convert(pieces, to="html")
    assert html["*a*"] == "<p><em>a</em></p>"
    assert pandoc.convert([], to="html") == {}


def test_a_pandoc_failure_is_a_spanish_error():
    with pytest.raises(RenderError, match="pandoc no pudo convertir el markdown"):
        pandoc.run("x", ["--to=formato-que-no-existe"])
