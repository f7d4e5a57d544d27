"""Tests of render: what a reader sees in the HTML and the PDF, atomic writes, the CLI."""

import copy
import os
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from nnsimple_lab import render


class Page(HTMLParser):
    """What a browser would use from an HTML page: text, URLs, styles, tags."""

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.lang, self.tags, self.urls, self.styles = None, [], [], []
        self.text, self.code = [], []
        self._stack = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("src", "href", "data", "action"):
            if attrs.get(name):
                self.urls.append((tag, attrs[name]))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._stack.append(tag)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if "style" in self._stack:
            self.styles.append(data)
        elif "script" not in self._stack:
            self.text.append(data)
            if "pre" in self._stack or "code" in self._stack:
                self.code.append(data)

    @property
    def all_text(self):
        return re.sub(r"\s+", " ", "".join(self.text))


@pytest.fixture(scope="module")
def html_document(executed_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "informe.html"
    render.render_html(executed_report, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html_document):
    return Page(html_document)


@pytest.fixture(scope="module")
def pdf(executed_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "informe.pdf"
    render.render_pdf(executed_report, path)
    reader = PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


# ---------------------------------------------------------------- HTML


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
    assert len(targets) == 3
    for target in targets:
        assert f'id="{target}"' in html_document
    assert re.search(r'<h1 id="[^"]+"><span class="secnum">1\.</span> Introducción</h1>', html_document)
    assert re.search(r'<h2 id="[^"]+"><span class="secnum">1\.1\.</span> Resultados generados</h2>', html_document)
    assert re.search(r'<h1 id="[^"]+">Conclusiones</h1>', html_document)  # {-}: not numbered


def test_html_math_is_mathml_and_no_tex_is_left(page, html_document):
    assert html_document.count("<math") >= 8
    assert '<math display="block">' in html_document
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
    image = re.search(r'<figure class="figura">\s*<img ([^>]*)>', html_document).group(1)
    assert 'src="data:image/svg+xml;base64,' in image
    assert 'alt="Figura 1: Costo por iteración con \\alpha = 0.5."' in image
    table = re.search(r'<figure class="tabla">\s*<figcaption>Tabla 1:.*?</figcaption>\s*<table>', html_document, re.S)
    assert table, "the table's title goes above the table"
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
    assert "script" not in page.tags and "link" not in page.tags
    for style in page.styles:
        assert "@import" not in style
        for url in re.findall(r"url\(([^)]*)\)", style):
            assert url.strip("'\" ").startswith("data:"), url[:80]
    assert "&nbsp;[" not in html_document


def test_html_keeps_percent_with_its_number_formulas_with_punctuation_and_short_code_whole():
    nb = new_notebook(cells=[new_markdown_cell("Del 100 % con la salida equivocada ($a \\to 0$), y `5 % 3`.")])
    document = render.notebook_to_html(nb)
    assert "100\xa0%" in document and '<code class="junto">5 % 3</code>' in document
    assert re.search(r'<span class="junto">\(<math display="inline">.*?</math>\),</span>', document)


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
    render.render_html(executed_report, tmp_path / "a.html")
    render.render_html(executed_report, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


# ---------------------------------------------------------------- PDF


def test_pdf_has_cover_index_and_elements(pdf):
    reader, pages = pdf
    text = " ".join(pages)
    assert 4 <= len(pages) <= 6
    cover = pages[0]
    for value in ("Universidad del Valle de Guatemala", "Ana López", "José Pérez <jp@uvg>", "29 de noviembre de 2026"):
        assert value in cover
    assert "#XOR_2 [red]" in cover and "$simple$" in cover
    assert "Introducción" not in cover, "the cover is a page of its own"
    assert "Índice" in pages[1]
    for value in (
        "Figura 1: Costo por iteración",
        "Tabla 1: Costo final",
        "Listado 1",
        "la red resuelve XOR",
        "def funcion_visible",
        "salida-visible 42",
        "Conclusiones",
    ):
        assert value in text
    for absent in ("Figure", "Contents", "Table ", "texto-oculto", "aviso-secreto", "costos = ["):
        assert absent not in text
    assert reader.metadata["/Title"] == "Laboratorio 1: #XOR_2 [red] $simple$"
    assert reader.metadata["/Author"] == "Ana López, José Pérez <jp@uvg>"


def test_typst_source_injects_strings_only_as_literals(executed_report, tmp_path):
    nb = nbformat.read(executed_report, as_version=4)
    source = render.notebook_to_typst(nb, tmp_path)
    assert 'title: "Laboratorio 1: #XOR_2 [red] $simple$"' in source
    assert '#nns-figura("img-001.svg", [Figura 1: Costo por iteración con $alpha = 0.5$.])' in source
    assert (tmp_path / "img-001.svg").read_text().lstrip().startswith("<?xml")


# ---------------------------------------------------------------- failures leave files intact


def broken_figure_notebook():
    """A notebook whose figure is not an SVG: Typst refuses it."""
    cell = new_code_cell("figura()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"image/svg+xml": "<svg esto no es svg", "text/plain": "x"},
            metadata={"nnsimple": {"kind": "figure", "caption": "Figura 1: rota."}},
        )
    ]
    return new_notebook(cells=[new_markdown_cell("# Uno"), cell])


def test_failed_pdf_keeps_the_previous_file(tmp_path):
    target = tmp_path / "informe.pdf"
    target.write_bytes(b"%PDF anterior")
    with pytest.raises(render.RenderError, match="Typst no pudo compilar el PDF"):
        render.render_pdf(broken_figure_notebook(), target)
    assert target.read_bytes() == b"%PDF anterior"
    assert sorted(os.listdir(tmp_path)) == ["informe.pdf"]


def test_missing_notebook_keeps_the_previous_files(tmp_path, capsys):
    html_path, pdf_path = tmp_path / "informe.html", tmp_path / "informe.pdf"
    html_path.write_text("anterior")
    pdf_path.write_bytes(b"anterior")
    status = render.main([str(tmp_path / "no-existe.ipynb"), "--html", str(html_path), "--pdf", str(pdf_path)])
    assert status == 1
    assert "No existe el cuaderno" in capsys.readouterr().err
    assert html_path.read_text() == "anterior" and pdf_path.read_bytes() == b"anterior"
    assert sorted(os.listdir(tmp_path)) == ["informe.html", "informe.pdf"]


def test_cli_writes_both_formats(executed_report, tmp_path, capsys):
    status = render.main([str(executed_report), "--html", str(tmp_path / "i.html"), "--pdf", str(tmp_path / "i.pdf")])
    assert status == 0
    out = capsys.readouterr().out
    assert "HTML escrito" in out and "PDF escrito" in out
    assert (tmp_path / "i.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(os.listdir(tmp_path)) == ["i.html", "i.pdf"]


def test_cli_errors_are_spanish(capsys):
    with pytest.raises(SystemExit) as raised:
        render.main([])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "uso:" in err and "faltan los argumentos obligatorios" in err


# ---------------------------------------------------------------- run pages


def run_notebook(with_error=False):
    """An executed experiment notebook as papermill leaves it (code untagged)."""
    cells = [new_markdown_cell("# Ejecución lr0.5-random-bce"), new_code_cell("lr = 0.5  # parámetro")]
    cells[1].metadata["tags"] = ["parameters"]
    cells[1].outputs = [new_output("stream", name="stderr", text="aviso de la ejecución\n")]
    if with_error:
        banner = new_markdown_cell(
            '<span style="color:red">An Exception was encountered at \'<a href="#papermill-error-cell">In [2]</a>\'.'
            "</span>"
        )
        banner.metadata["tags"] = ["papermill-error-cell-tag"]
        failing = new_code_cell("1 / 0")
        failing.outputs = [
            new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=["\x1b[31mTraceback"])
        ]
        cells = [banner, *cells, failing]
    return new_notebook(cells=cells)


def test_run_pages_show_all_code_and_errors(tmp_path):
    nbformat.write(run_notebook(), tmp_path / "lr0.5-random-bce.ipynb")
    nbformat.write(run_notebook(with_error=True), tmp_path / "lr1.0-random-bce.failed.ipynb")
    written = render.render_runs(tmp_path)
    assert [p.name for p in written] == ["lr0.5-random-bce.html", "lr1.0-random-bce.failed.html"]
    ok = Page((tmp_path / "lr0.5-random-bce.html").read_text())
    assert "lr = 0.5 # parámetro" in re.sub(r"\s+", " ", "".join(ok.code))
    failed = Page((tmp_path / "lr1.0-random-bce.failed.html").read_text())
    assert "Error durante la ejecución: ZeroDivisionError: division by zero" in failed.all_text
    assert "Se produjo una excepción durante la ejecución" in failed.all_text
    assert "An Exception" not in failed.all_text and "In [" not in failed.all_text
    assert (
        "<title>Cuaderno ejecutado: lr1.0-random-bce.failed</title>"
        in (tmp_path / "lr1.0-random-bce.failed.html").read_text()
    )
    # Up to date pages are skipped.
    assert render.render_runs(tmp_path) == []


# ---------------------------------------------------------------- the pieces


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
    assert render.scan_math(markdown, lambda tex, display: f"[{tex}|{'d' if display else 'i'}]") == expected


def test_numeric_columns_are_right_aligned_unless_aligned_already():
    table = "| a | b | c |\n|---|:-:|---|\n| x | 1 | 0.5 |\n| y | 2 | $1e-3$ |\n"
    assert render.align_numeric_columns(table).split("\n")[1] == "|---|:-:| ---: |"
    assert render.align_numeric_columns("sin tabla") == "sin tabla"


def test_fractions_and_dashes_count_as_numbers_and_tables_count_rows():
    table = "| a | b | c | d |\n|---|---|---|---|\n| x | 10/20 | — | — |\n| y | 2/20 | 633 | — |\n"
    assert render.align_numeric_columns(table).split("\n")[1] == "|---| ---: | ---: |---|"
    assert render.table_rows(table) == 2 and render.table_rows("texto\n\n" + table) == 2
    assert render.table_rows("sin tabla") == 0


def test_typst_strings_escape_everything():
    assert render.typst_string('a "b" \\ #c\n') == '"a \\"b\\" \\\\ #c\\n"'
    assert render.typst_escape("#x_1 [a] $b$ @c <d>") == "\\#x\\_1 \\[a\\] \\$b\\$ \\@c \\<d\\>"


def test_prepare_drops_hidden_cells_and_keeps_the_source_notebook(executed_report):
    nb = nbformat.read(executed_report, as_version=4)
    before = copy.deepcopy(nb)
    prepared, cover = render.prepare(nb)
    assert nb == before
    assert cover["title"] == "Laboratorio 1: #XOR_2 [red] $simple$"
    sources = "\n".join(cell.source for cell in prepared.cells)
    assert "texto-oculto" not in sources and "import outputs" not in sources


def test_math_in_headings_repeated_headings_and_latex_outputs(tmp_path):
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
    document = render.notebook_to_html(nb)
    assert "MATHPH" not in document and "&lt;Math&gt;" not in document
    assert re.search(r'<h1 id="Costo-[^"]*"><span class="secnum">1\.</span> Costo <math', document)
    nav = re.search(r'<nav class="indice".*?</nav>', document, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert len(targets) == len(set(targets)) == 4
    assert all(f'id="{target}"' in document for target in targets)
    render.render_pdf(nb, tmp_path / "x.pdf")
    assert "2.1. Detalle" in PdfReader(tmp_path / "x.pdf").pages[-1].extract_text()


def test_pdf_is_deterministic_with_source_date_epoch(executed_report, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    render.render_pdf(executed_report, tmp_path / "a.pdf")
    render.render_pdf(executed_report, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert PdfReader(tmp_path / "a.pdf").metadata["/CreationDate"] == "D:20251130000000Z"


def test_long_tables_break_across_pages(tmp_path):
    rows = "".join(f"| {i} | {i / 7:.4f} |\n" for i in range(90))
    cell = new_code_cell("tabla()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"text/markdown": "| i | valor |\n|---|---|\n" + rows},
            metadata={"nnsimple": {"kind": "table", "title": "Tabla 9: Larga."}},
        )
    ]
    render.render_pdf(new_notebook(cells=[new_markdown_cell("# Uno"), cell]), tmp_path / "larga.pdf")
    pages = [page.extract_text() for page in PdfReader(tmp_path / "larga.pdf").pages]
    body = pages[1:]  # after the index
    assert len(body) >= 2 and "Tabla 9: Larga." in body[0] and "0.1429" in body[0] and "12.7143" in body[-1]


# ---------------------------------------------------------------- PDF typesetting of tables and pages


def table_output_cell(markdown, title):
    """A code cell whose output is a report table, as outputs.show_table makes it."""
    cell = new_code_cell("tabla()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"text/markdown": markdown},
            metadata={"nnsimple": {"kind": "table", "title": title}},
        )
    ]
    return cell


RUN_IDS = [f"lr{lr}-{init}-{loss}" for lr in ("0.01", "0.1") for init in ("zeros", "random") for loss in ("bce", "mse")]


def wide_tables_notebook():
    """The annex table with a ninth column, and the gradient-check table with its formulas."""
    header = (
        "| Ejecución | $\\alpha$ | Inicialización | Costo | Costo final | Exactitud | Iteraciones hasta 100 % "
        "| Semillas resueltas | Mediana de iteraciones |\n" + "|---" * 9 + "|\n"
    )
    rows = "".join(
        f"| [{run}](runs/{run}.html) | 0.01 | aleatoria | BCE | 0.6931 | 50 % | no converge | 10/20 | — |\n"
        for run in RUN_IDS
    )
    gradients = (
        "| Retropropagación | Costo derivado numéricamente | $dZ_2$ que usa | Error relativo | Veredicto |\n"
        "|---|---|---|---|---|\n"
        "| MSE correcto | MSE | $2(A_2 - Y)A_2(1 - A_2)/m$ | $1.7 \\times 10^{-10}$ | correcto |\n"
    )
    return new_notebook(
        cells=[
            new_markdown_cell("# Anexo"),
            table_output_cell(header + rows, "Tabla 1: Todas las ejecuciones."),
            table_output_cell(gradients, "Tabla 2: Verificación de gradientes."),
        ]
    )


def test_pdf_tables_never_hyphenate_or_break_ids_and_formulas(tmp_path):
    render.render_pdf(wide_tables_notebook(), tmp_path / "anchas.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "anchas.pdf").pages[1:])
    assert "\xad" not in text and not re.search(r"[a-záéíóúñ]-\s*\n", text), "a hyphenated word"
    lines = text.split("\n")
    for run in RUN_IDS:  # whole, and each on the line of its row
        assert any(line.startswith(f"{run} ") and line.endswith("10/20 —") for line in lines), run
    for word in ("Ejecución", "Inicialización", "Retropropagación", "numéricamente", "resueltas", "iteraciones"):
        assert word in lines or any(f" {word}" in line or line.startswith(word) for line in lines), word
    assert text.count("no converge") == len(RUN_IDS)
    assert any("2(𝐴2 − 𝑌 )𝐴2(1 − 𝐴2)/𝑚" in line for line in lines), "the formula of a cell on one line"


def test_typst_tables_are_set_without_hyphenation_and_short_ones_whole(tmp_path):
    long_rows = "".join(f"| {i} | {i / 7:.4f} |\n" for i in range(render.LONG_TABLE_ROWS + 1))
    nb = new_notebook(
        cells=[
            table_output_cell("| a | b |\n|---|---|\n| 1 | 2 |\n", "Tabla 1: Corta."),
            table_output_cell("| i | valor |\n|---|---|\n" + long_rows, "Tabla 2: Larga."),
        ]
    )
    source = render.notebook_to_typst(nb, tmp_path)
    assert "set text(hyphenate: false)" in source and "set par(justify: false)" in source
    assert "show math.equation.where(block: false): box" in source and "show link: box" in source
    assert "#show raw.where(block: false): it => if it.text.len() <= 24 { box(it) } else { it }" in source
    assert "#nns-tabla([Tabla 1: Corta.], partir: false," in source
    assert "#nns-tabla([Tabla 2: Larga.], partir: true," in source
    assert "#show figure.caption.where(position: top): set block(sticky: true)" in source


def spacer_cell(points):
    """A markdown cell that starts a new PDF page and fills ``points`` of it (raw Typst)."""
    return new_markdown_cell(f"```{{=typst}}\n#pagebreak(weak: true)\n#v({points}pt)\n```")


def test_pdf_never_ends_a_page_with_a_title_a_heading_or_a_formula_intro(tmp_path):
    # Each case starts a page and leaves less and less room at its bottom: somewhere a title,
    # a heading or the line before a formula fits there and what follows does not.
    cells, room = [new_markdown_cell("# Uno")], range(600, 690, 8)
    for k, points in enumerate(room):
        rows = 4 if k % 2 == 0 else 40  # short (whole) and long (breaks, header repeated) tables
        body = "| caso | valor |\n|---|---|\n" + "".join(f"| fila-{k}-{i} | {i} |\n" for i in range(rows))
        cells += [spacer_cell(points), table_output_cell(body, f"Tabla {k}: Título y tabla juntos.")]
    for k, points in enumerate(room):
        cells += [spacer_cell(points), new_markdown_cell(f"## Sección {k}\n\nPárrafo de la sección {k}.")]
    for k, points in enumerate(room):
        item = f"- Caso {k}: la derivada, así que\n\n  $$\\frac{{d \\ell}}{{d a}} = 2(a - y)$$\n\n  Fin {k}."
        cells += [spacer_cell(points), new_markdown_cell(item)]
    render.render_pdf(new_notebook(cells=cells), tmp_path / "cortes.pdf")
    pages = [page.extract_text() for page in PdfReader(tmp_path / "cortes.pdf").pages]
    for page in pages:
        for k in re.findall(r"Tabla (\d+): Título", page):
            assert f"fila-{k}-0 " in page, f"Tabla {k} without its first row"
        for k in re.findall(r"fila-(\d+)-\d+", page):
            assert "caso valor" in page, f"Tabla {k} continues without its header"
        for k in re.findall(r"Sección (\d+)\n", page):
            assert f"Párrafo de la sección {k}." in page, f"heading {k} ends a page"
        for k in re.findall(r"Caso (\d+): la derivada", page):
            assert f"Fin {k}." in page, f"list item {k} split from its formula"
