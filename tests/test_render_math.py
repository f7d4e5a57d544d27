"""Tests of render.math: math found as pandoc finds it, MathML, the HTML's placeholder round trip."""

import pytest

from nnsimple_lab.render import math


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("$x$ y $$y$$", "[x|i] y [y|d]"),
        ("cuesta $5 y $6 más", "cuesta \\$5 y \\$6 más"),
        ("un \\$ escapado y `$codigo$`", "un \\$ escapado y `$codigo$`"),
        ("```python\nx = '$a$'\n```\n$b$", "```python\nx = '$a$'\n```\n[b|i]"),
        ("\\begin{align}a &= b \\label{x}\\end{align}", "[\\begin{aligned}a &= b\\end{aligned}|d]"),
        ("$ no es$", "\\$ no es\\$"),
        ("el 100 % y `5 % 3` y $7 %$", "el 100\xa0% y `5 % 3` y [7 %|i]"),
    ],
)
def test_scan_math_finds_math_like_pandoc(markdown, expected):
    assert math.scan_math(markdown, lambda tex, display: f"[{tex}|{'d' if display else 'i'}]") == expected


def test_mathml_of_a_formula_and_a_visible_fallback(capsys):
    assert "<mfrac>" in math.latex_to_mathml("\\frac{a}{b}")
    assert '<mi class="fn">tanh</mi>' in math.latex_to_mathml("\\tanh(z)")
    assert math.latex_to_mathml("x", display=True).startswith('<math display="block" alttext="x">')
    assert 'alttext="1/(1 + e^(−z))"' in math.latex_to_mathml("\\frac{1}{1 + e^{-z}}"), "the linear text, no TeX"
    assert math.latex_to_mathml("\\frac{a}{") == '<code class="tex">\\frac{a}{</code>'
    assert "no se pudo convertir a MathML" in capsys.readouterr().err


def test_tokens_become_mathml_glued_to_their_punctuation():
    formulas = []
    protected = math.protect("Sea ($x$), y:\n\n$$y$$", formulas)
    assert "$" not in protected and formulas == [("x", False), ("y", True)]
    paragraphs = "<p>" + protected.replace("\n\n", "</p>\n<p>") + "</p>"
    document = math.substitute(paragraphs, formulas)
    assert document.startswith('<p>Sea <span class="junto">(<math display="inline" alttext="x">')
    assert "</math>),</span> y:</p>" in document
    assert document.endswith(
        '<div class="ecuacion"><math display="block" alttext="y"><mrow><mi>y</mi></mrow></math></div>'
    )
    # In an attribute (an alt, an id), a formula is its linear text.
    assert math.substitute(f'<img alt="{protected.split(",")[0]}">', formulas) == '<img alt="Sea (x)">'
