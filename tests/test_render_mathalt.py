"""Tests of render.mathalt: a formula's alt text is its linear Unicode form, with no TeX left."""

import pytest

from nnsimple_lab.render.mathalt import linear


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("\\frac{1}{1 + e^{-Z_2}}", "1/(1 + e^(−Z₂))"),
        ("J_{\\mathrm{BCE}} = -\\frac{1}{m} \\sum_{i=1}^{m} y_i \\ln a_i", "J_BCE = −1/m ∑ᵢ₌₁^m yᵢ ln aᵢ"),
        ("\\theta \\leftarrow \\theta - \\alpha\\, d\\theta", "θ ← θ − α dθ"),
        ("dW_2 = dZ_2 A_1^{\\top}", "dW₂ = dZ₂ A₁ᵀ"),
        ("A_1 = \\tanh(Z_1)", "A₁ = tanh(Z₁)"),
        ("2.0 \\times 10^{-10}", "2.0 × 10⁻¹⁰"),
        ("W^{[1]} \\in \\mathbb{R}^{n_h \\times n_x}", "W^[1] ∈ ℝ^(nₕ × nₓ)"),
        ("\\begin{aligned}a &= b \\\\ c &= d\\end{aligned}", "a = b; c = d"),
        ("\\lVert g \\rVert", "‖ g ‖"),
        ("\\unknowncommand{x}", "unknowncommandx"),
    ],
)
def test_linear_text_of_formulas(latex, text):
    assert linear(latex) == text


def test_the_text_never_holds_a_backslash_and_is_never_empty():
    assert "\\" not in linear("\\\\ \\{ \\} \\, \\% \\weird")
    assert linear("") == "fórmula"
