"""Tests of render.typst_markup: the report's markdown as Typst markup that Typst checks as PDF/UA-1."""

from concurrent.futures import Future

import typst as typst_compiler
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnsimple_lab.render import cite, pandoc, prepare, typst_markup


def test_an_equation_carries_its_alt_and_a_number_when_tagged():
    inline = typst_markup.equation("\\alpha = 0.5", False, "alpha = 0.5")
    assert inline == '#math.equation(block: false, alt: "α = 0.5", $alpha = 0.5$.body);'
    numbered = typst_markup.equation("a = b \\tag{3}", True, "a = b")
    assert numbered == ('#math.equation(block: true, alt: "a = b", numbering: _ => "(3)", $a = b$.body) <ecuacion-3>')


def _table_cell(markdown, title):
    cell = new_code_cell("tabla()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"text/markdown": markdown},
            metadata={"nnsimple": {"kind": "table", "title": title}},
        )
    ]
    return cell


def test_a_document_converts_in_one_call_and_compiles_as_pdf_ua(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Uno\n\nSea $f$(x) y\n\n$$\\frac{1}{m} \\tag{1}$$\n\nla Ecuación (1) [@glorot2010]."),
            _table_cell("| $x$ | y |\n|---|---|\n| 1 | 2 |\n", "Tabla 1: Una tabla."),
            new_markdown_cell("# Referencias {-}\n\n::: {#refs}\n:::"),
        ]
    )
    nb, _ = prepare.prepare(nb)  # ids and links, as both formats see the notebook
    converted, attachments = typst_markup.convert(nb, tmp_path, tmp_path)
    assert attachments == {}
    body = "\n\n".join(converted[c.source] for c in nb.cells if c.cell_type == "markdown")
    assert '#math.equation(block: false, alt: "f", $f$.body);(x)' in body, "the call ends before (x)"
    assert "<ecuacion-1>" in body and "#link(<ecuacion-1>)[Ecuación~(1)]" in body  # ~: no line break there
    assert "#link(<ref-glorot2010>)[Glorot y Bengio, 2010]" in body and "<ref-glorot2010>" in body
    table = converted[nb.cells[1].outputs[0].data["text/markdown"]]
    assert "#nns-table(" in table and "#table(" not in table
    source = (
        '#set document(title: "t")\n#set text(lang: "es")\n'
        "#let nns-table(..args) = table(..args)\n" + body + "\n\n" + table
    )
    typst_compiler.compile(source.encode(), root=str(tmp_path), ignore_system_fonts=True, pdf_standards=["ua-1"])


def test_strings_are_literals_and_markup_is_escaped():
    assert typst_markup.typst_string('a "b" \\ #c\n') == '"a \\"b\\" \\\\ #c\\n"'
    assert typst_markup.typst_escape("#x_1 [a]") == "\\#x\\_1 \\[a\\]"


def test_absolute_values_are_set_tight():
    """pandoc writes ``|\\Delta|`` as ``\\| Delta \\|``: Typst would space the bars out ("| Δ |")."""
    assert typst_markup._typst_formula("$ \\| Delta \\| + \\|x - y\\| $") == "abs(Delta) + abs(x - y)"


# Citations where the report or a user may write them, the reference list among other blocks.
CITING = [
    "Como en [@glorot2010]; @goodfellow2016 dice (algo) y [@rumelhart1986] (véase) o [@rumelhart1986](.",
    '*según [@glorot2010]* y **[@goodfellow2016, sec. 6.2.2]**, "[@glorot2010]"',
    "## Xavier [@glorot2010] {-}\n\n# [@goodfellow2016]\n\nTexto.",
    "| a | b |\n|---|---|\n| [@glorot2010] | $x$ |\n",
    "- uno [@glorot2010]\n- dos @rumelhart1986\n  1. tres [@curso-nnsimple]\n\n> cita [@goodfellow2016]",
    "[ver [@glorot2010]](http://x.org), ![Figura [@glorot2010]](fig.png) y nota.[^1]\n\n[^1]: Según [@glorot2010].",
    "# Referencias {-}\n\n::: {#refs}\n:::\n",
    "Texto [@glorot2010].\n\n::: {#refs}\n:::\n\nMás texto.\n::: {#refs}\n:::\n# Siguiente\n\n- a",
    "::: nota\n::: {#refs}\n:::\n:::\n\n::: {#refs}\n:::\n$$x^2$$\n\n```python\nx = 1\n```",
]


def test_citations_as_tokens_give_the_typst_of_citations_as_raw_typst():
    """The PDF's two pandoc calls run at once: the markdown goes with a token for each citation,
    whose Typst is put in after; the Typst is the one of the citations converted in the markdown."""
    found = cite.citations(CITING, to="typst")
    formulas = []
    raw = [typst_markup.markdown_for_pandoc(markdown, formulas, found) for markdown in CITING]
    one_by_one = pandoc.convert([*raw, *(typst_markup._formula_piece(latex) for latex, _ in formulas)], to="typst")
    formatting = Future()
    formatting.set_result(found)
    pieces, _, converted = typst_markup._pandoc_typst(CITING, cite.numbered(CITING), formatting)
    assert all("CITATYPH" in piece for piece in pieces), "the tokens, not a second conversion"
    assert [converted[piece] for piece in pieces] == [one_by_one[piece] for piece in raw]


def test_where_a_token_would_not_come_out_as_raw_typst_the_citations_go_in_the_markdown(monkeypatch):
    """No markdown the report reads puts the reference list where pandoc indents it (its div
    starts a line); if one did, ``cite.restore_typst`` says so and the markdown is converted again."""
    found = cite.citations(CITING, to="typst")
    formulas = []
    raw = [typst_markup.markdown_for_pandoc(markdown, formulas, found) for markdown in CITING]
    formatting = Future()
    formatting.set_result(found)
    monkeypatch.setattr(cite, "restore_typst", lambda typst, found, cited: None)
    pieces, _, converted = typst_markup._pandoc_typst(CITING, cite.numbered(CITING), formatting)
    assert pieces == raw and all(piece in converted for piece in raw)
