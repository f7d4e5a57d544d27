"""Tests of render.html: what a reader sees in the HTML report, offline, with MathML."""

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnsimple_lab.render import html
from tests.htmlpage import Page


@pytest.fixture(scope="module")
def html_document(executed_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "informe.html"
    html.write(executed_report, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html_document):
    return Page(html_document)


def test_html_is_spanish_and_has_cover_and_index(page):
    assert page.lang == "es"
    text = page.all_text
    for value in (
        "Universidad del Valle de Guatemala",
        "Laboratorio 1: #XOR_2 [red] $simple$",
        "Ana López",
        "José Pérez <jp@uvg>",
        "29 de noviembre de 2026",
        "Índice",
    ):
        assert value in text
    assert text.index("Índice") < text.index("La red usa la sigmoide")


def test_html_index_links_to_numbered_headings(html_document):
    nav = re.search(r'<nav class="indice".*?</nav>', html_document, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) == 4 and targets[-1] == "Referencias"  # added by the renderer: the report cites
    for target in targets:
        assert f'id="{target}"' in html_document
    assert re.search(r'<h1 id="[^"]+"><span class="secnum">1\.</span> Introducción</h1>', html_document)
    assert re.search(r'<h2 id="[^"]+"><span class="secnum">1\.1\.</span> Resultados generados</h2>', html_document)
    assert re.search(r'<h1 id="[^"]+">Conclusiones</h1>', html_document)  # {-}: not numbered


def test_html_math_is_mathml_and_no_tex_is_left(page, html_document):
    assert html_document.count("<math") >= 8
    assert '<math display="block" alttext="' in html_document
    text = page.all_text
    for tex in ("\\frac", "\\sigma", "\\begin{aligned}", "\\tanh", "\\text{", "\\alpha", "$$"):
        assert tex not in text
    # The dollars left are the reader's: an escaped price, a shell variable in code, the cover.
    assert "Un precio de $5 no es matemática." in text
    assert "$PATH" in "".join(page.code)
    assert "$" not in text.replace("$simple$", "").replace("$5", "").replace("$PATH", "")


def test_html_has_the_report_elements(page, html_document):
    text = page.all_text
    assert "Figura 1: Costo por iteración con" in text
    assert "Tabla 1: Costo final por tasa de aprendizaje" in text
    assert "Listado 1: la función" in text
    assert "El costo final es" in text and "la red resuelve XOR" in text
    image = re.search(
        r'<figure class="figura" id="figura-1">\s*<div class="lienzo"[^>]*>\s*<img ([^>]*)>', html_document
    )
    assert 'src="data:image/svg+xml;base64,' in image.group(1)
    assert 'alt="El costo baja de 0.86 a 0.05 en 3 iteraciones."' in image.group(1), "its own alt, not its caption"
    table = re.search(
        r'<figure class="tabla" id="tabla-1">\s*<figcaption id="tabla-1-titulo">Tabla 1:.*?</figcaption>\s*'
        r"<div ([^>]*)>\s*<table>",
        html_document,
        re.S,
    )
    assert table, "the table's title goes above the table"
    box = set(table.group(1).split())  # it scrolls in a box named by the title
    assert box == {'aria-labelledby="tabla-1-titulo"', 'class="desplazable"', 'role="group"'}
    assert 'style="text-align:right"' in html_document  # numeric columns


def test_html_shows_only_the_tagged_code_and_no_stderr(page):
    code = "".join(page.code)
    assert "def funcion_visible(n):" in code
    assert "salida-visible 42" in code
    assert "costos = [" not in code and "outputs.show_figure" not in code
    assert "texto-oculto" not in page.all_text
    assert "aviso-secreto-de-stderr" not in page.all_text
    for english in ("In [", "In\xa0[", "Out[", "Figure", "Table ", "Contents"):
        assert english not in page.all_text


def test_html_has_no_external_url(page, html_document):
    assert page.urls, "there are images and links"
    for tag, url in page.urls:
        if tag in ("script", "link", "img", "iframe", "source", "video", "audio", "object"):
            assert url.startswith("data:"), (tag, url[:80])
    assert "link" not in page.tags and not any(tag == "script" for tag, _ in page.urls)  # scripts are inline
    for style in page.styles:
        assert "@import" not in style
        for url in re.findall(r"url\(([^)]*)\)", style):
            assert url.strip("'\" ").startswith("data:"), url[:80]
    assert "&nbsp;[" not in html_document


def test_html_keeps_percent_with_its_number_formulas_with_punctuation_and_short_code_whole():
    nb = new_notebook(cells=[new_markdown_cell("Del 100 % con la salida equivocada ($a \\to 0$), y `5 % 3`.")])
    document = html.notebook_to_html(nb)
    assert "100\xa0%" in document and '<code class="junto">5 % 3</code>' in document
    assert re.search(r'<span class="junto">\(<math display="inline" alttext="a → 0">.*?</math>\),</span>', document)


def test_html_tables_do_not_hyphenate_keep_ids_whole_and_scroll_on_narrow_screens(html_document):
    table = re.search(r"^table \{([^}]*)\}", html_document, re.M).group(1)
    css = re.sub(r"\s+", " ", html_document)
    for declaration in ("overflow-x: auto", "max-width: 100%", "hyphens: manual"):
        assert declaration in table
    assert re.search(r"td a, td code, td math, th math \{ white-space: nowrap; \}", css)
    assert re.search(r"th, td \{[^}]*text-align: left", css), "header cells align with their column"
    assert ".highlight pre { margin: 0; background: none; border: 0; padding: 0; white-space: pre; }" in css
    assert "@media (max-width: 600px)" in css


def test_html_is_deterministic(executed_report, tmp_path):
    html.write(executed_report, tmp_path / "a.html")
    html.write(executed_report, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_math_in_headings_repeated_headings_and_latex_outputs():
    latex = new_code_cell("Math(...)")
    latex.outputs = [
        new_output("display_data", data={"text/latex": "$$\\hat{y} = \\sigma(z)$$", "text/plain": "<Math>"})
    ]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Costo $J(\\theta)$\n\n## Detalle\n\n# Otra\n\n## Detalle"),
            latex,
        ]
    )
    document = html.notebook_to_html(nb)
    assert "MATHPH" not in document and "&lt;Math&gt;" not in document
    assert re.search(r'<h1 id="Costo-[^"]*"><span class="secnum">1\.</span> Costo <math', document)
    nav = re.search(r'<nav class="indice".*?</nav>', document, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) == len(set(targets)) == 4
    assert all(f'id="{target}"' in document for target in targets)


def test_one_exporter_keeps_no_state_between_documents(executed_report):
    """The formulas of one document never reach the next: they travel in its resources."""
    small = new_notebook(cells=[new_markdown_cell("# Uno\n\nSea $x^2$.")])
    first = html.notebook_to_html(small)
    html.notebook_to_html(nbformat.read(executed_report, as_version=4))  # many formulas
    assert html.notebook_to_html(small) == first
    assert first.count("<math") == 1 and "<msup>" in first


def test_an_image_without_alt_gets_a_spanish_one():
    """nbconvert gives an <img> without alt an English text of its own (NBCONVERT_MISSING_ALT),
    which the renderer replaces: if nbconvert changes that text, this fails."""
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    nb = new_notebook(cells=[new_markdown_cell(f'Un punto: <img src="data:image/png;base64,{pixel}">')])
    document = html.notebook_to_html(nb)
    assert 'alt="Imagen sin descripción"' in document
    assert "No description" not in document


def test_headings_are_numbered_and_the_index_nests_them():
    document = '<h1 id="a">A</h1><h2 id="b">B</h2><h2 id="b">B</h2><h1 id="c">C NONUMPHX</h1>'
    numbered, entries = html.number_headings(document)
    assert numbered == (
        '<h1 id="a"><span class="secnum">1.</span> A</h1><h2 id="b"><span class="secnum">1.1.</span> B</h2>'
        '<h2 id="b-2"><span class="secnum">1.2.</span> B</h2><h1 id="c">C</h1>'
    )
    toc = html.toc_html(entries)
    assert re.findall(r'href="#([^"]+)"', toc) == ["a", "b", "b-2", "c"]
    assert toc.count("<ol>") == 2 and html.toc_html([]) == ""


# ---------------------------------------------------------------- links, citations, accessibility


def test_every_internal_link_reaches_an_element(html_document):
    ids = set(re.findall(r'\sid="([^"]+)"', html_document))
    targets = re.findall(r'href="#([^"]+)"', html_document)
    assert {"figura-1", "tabla-1", "ecuacion-1", "ref-rumelhart1986", "ref-glorot2010"} <= set(targets)
    assert not [t for t in targets if t not in ids]
    assert "Figura 7" in html_document and 'href="#figura-7"' not in html_document, "no link to nothing"


def test_the_numbered_equation_carries_its_number_and_id(html_document):
    equation = re.search(r'<div class="ecuacion numerada" id="ecuacion-1">(.*?)</div>', html_document, re.S)
    assert equation and '<span class="numero-ecuacion">(1)</span>' in equation.group(1)
    assert "\\tag" not in html_document


def test_citations_link_to_the_reference_list_in_apa(page, html_document):
    text = page.all_text
    assert "(Rumelhart et al., 1986)" in text.replace("\xa0", " ")
    references = re.search(r'<div id="refs".*?</div>\s*</div>', html_document, re.S).group(0)
    assert re.findall(r'id="ref-([\w-]+)"', references) == ["glorot2010", "rumelhart1986"]
    assert "Rumelhart, D. E., Hinton, G. E., y Williams, R. J. (1986)." in references


def test_a_figure_without_its_own_alt_falls_back_to_its_caption_without_tex():
    cell = new_code_cell("figura()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="10pt"/>', "text/plain": "x"},
            metadata={"nnsimple": {"kind": "figure", "caption": "Figura 2: Costo con $\\alpha = 0.5$."}},
        )
    ]
    document = html.notebook_to_html(new_notebook(cells=[cell]))
    assert 'alt="Figura 2: Costo con α = 0.5."' in document


def test_code_colours_reach_wcag_contrast():
    css = html.pygments_css()
    colours = re.findall(r"(?<![-\w])color: (#[0-9a-f]{6})", css)
    assert colours and all(html.contrast(c, html.CODE_BACKGROUND) >= 4.5 for c in colours)
    assert (
        html.readable("#ffffff") != "#ffffff" and html.contrast(html.readable("#ffffff"), html.CODE_BACKGROUND) >= 4.5
    )


class _WholePageExporter(html.ReportHTMLExporter):
    """The exporter with the code cells highlighted in the page itself (nbconvert's filter), as
    before ``code_block``: its BeautifulSoup pass goes over the code too."""

    @html.jinja2.pass_context
    def code_block(self, context, source, metadata=None):
        return context.environment.filters["highlight_code"](source, metadata=metadata)


def test_code_put_back_after_nbconvert_is_what_its_whole_page_pass_gives(executed_report, monkeypatch, tmp_path):
    """``code_block`` skips BeautifulSoup for the code (worked out once per distinct code): the
    page must be byte for byte the one nbconvert's pass over the whole page gives, also for code
    with quotes, entities, tags, blank lines around, a magic and an empty cell, all twice."""

    def cells():
        odd = new_code_cell("%%bash\necho \"a & b\" '<tag>' &amp; é\n\n", metadata={"magics_language": "bash"})
        return [new_markdown_cell("# Código"), new_code_cell('\n\nx = 1  # "uno" <b>&\n\n'), odd, new_code_cell("")]

    documents = [nbformat.read(executed_report, as_version=4), new_notebook(cells=cells() + cells())]
    ours = [html.notebook_to_html(nb, show_all_code=True, keep_stderr=True) for nb in documents]
    monkeypatch.setattr(html, "exporter", lambda: _WholePageExporter())
    whole = [html.notebook_to_html(nb, show_all_code=True, keep_stderr=True) for nb in documents]
    assert ours == whole
    assert html.normalized_code.cache_info().hits > 0  # the repeated code was worked out once
    assert "nnsimple-codigo" not in ours[1]
    assert ours[1].count('<div class="highlight') == 4  # two cells with code, twice (the empty one is not shown)


def test_markdown_kept_from_page_to_page_is_what_a_fresh_exporter_gives(executed_report, monkeypatch, tmp_path):
    """The pages of the runs share their markdown: nbconvert's HTML of a markdown already seen
    (its formula and citation tokens, its folder the same) is reused; the pages must be those of
    an exporter that converts everything anew, markdown with an image too (never reused)."""
    (tmp_path / "punto.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>')
    shared = "## Resultado\n\nCon $\\alpha = 0.5$ y [@glorot2010], la pérdida *baja*."

    def run(number):
        image = new_markdown_cell(f"![Punto {number}](punto.svg)")
        return new_notebook(
            cells=[new_markdown_cell(shared), new_markdown_cell(f"Ejecución {number}: $x_{number}$."), image]
        )

    documents = [run(1), run(2), nbformat.read(executed_report, as_version=4), run(1)]
    ours = [html.notebook_to_html(nb, tmp_path) for nb in documents]
    kept = html.exporter()._markdown_seen
    assert sum(shared.split(" $")[0] in key[0] for key in kept) == 1, "the shared cell converted once"
    assert not any("punto.svg" in key[0] for key in kept)
    monkeypatch.setattr(html, "exporter", html.exporter.__wrapped__)  # a new one each time: nothing kept
    assert [html.notebook_to_html(nb, tmp_path) for nb in documents] == ours
    assert ours[0] == ours[3] and "data:image/svg+xml;base64" in ours[0]


class _SelectorExporter(html.ReportHTMLExporter):
    """The exporter with nbconvert's own BeautifulSoup pass (its CSS selectors), as before ``_soup_pass``."""

    def from_notebook_node(self, nb, resources=None, **kw):
        return html.HTMLExporter.from_notebook_node(self, nb, resources, **kw)


def test_the_soup_pass_gives_the_bytes_of_nbconvert_selectors(executed_report, monkeypatch, caplog):
    """``ReportHTMLExporter.from_notebook_node`` walks the soup instead of nbconvert's selectors:
    the same pages, byte for byte, with code shown and hidden, an image without ``alt`` (its
    warning too), one with an empty ``alt``, and the boxes nbconvert makes focusable (only inside
    a ``jp-Notebook``, which the report's template has not: here they come in the markdown)."""
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    images = new_markdown_cell(f'<img src="data:image/png;base64,{pixel}"> y <img alt="" src="data:,x">')
    boxes = new_markdown_cell(
        '<div class="a jp-Notebook"><section><div class="jp-Cell-inputWrapper x">1</div></section>'
        '<DIV CLASS="jp-OutputArea-output">2</DIV><p class="jp-OutputArea-output">3</p></div>'
        '<div class="jp-Cell-inputWrapper">4</div>'
    )
    printed = new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")])
    documents = [nbformat.read(executed_report, as_version=4), new_notebook(cells=[images, boxes, printed])]
    options = [{}, {"show_all_code": True, "keep_stderr": True}]
    ours = [html.notebook_to_html(nb, **o) for nb in documents for o in options]
    warned = [r.getMessage() for r in caplog.records if "Alternative text" in r.getMessage()]
    caplog.clear()
    selectors = _SelectorExporter(config=html.exporter().config)
    monkeypatch.setattr(html, "exporter", lambda: selectors)
    theirs = [html.notebook_to_html(nb, **o) for nb in documents for o in options]
    assert ours == theirs
    assert warned == [r.getMessage() for r in caplog.records if "Alternative text" in r.getMessage()] != []
    assert re.findall(r'<div class="[^"]*" tabindex="0">(\d)', ours[3]) == ["1", "2"]
    assert ours[3].count('alt="Imagen sin descripción"') == 1 and 'alt=""' in ours[3]
