"""Tests of render.typst: what a reader sees in the PDF, its typesetting, failures that keep files."""

import os
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from nnsimple_lab import outputs
from nnsimple_lab.render import RenderError, typst


@pytest.fixture(scope="module")
def pdf(executed_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "informe.pdf"
    typst.write(executed_report, path)
    reader = PdfReader(path)
    return reader, [page.extract_text() for page in reader.pages]


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
    source = typst.notebook_to_typst(nb, tmp_path)
    assert 'title: "Laboratorio 1: #XOR_2 [red] $simple$"' in source
    assert (
        '#nns-figura("img-001.svg", [Figura 1: Costo por iteración con '
        '#math.equation(block: false, alt: "α = 0.5", $alpha = 0.5$.body);.], '
        '"El costo baja de 0.86 a 0.05 en 3 iteraciones.") <figura-1>'
    ) in source
    assert (tmp_path / "img-001.svg").read_text().lstrip().startswith("<?xml")


def test_typst_strings_escape_everything():
    assert typst.typst_string('a "b" \\ #c\n') == '"a \\"b\\" \\\\ #c\\n"'
    assert typst.typst_escape("#x_1 [a] $b$ @c <d>") == "\\#x\\_1 \\[a\\] \\$b\\$ \\@c \\<d\\>"


def test_pdf_is_deterministic_with_source_date_epoch(executed_report, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    typst.write(executed_report, tmp_path / "a.pdf")
    typst.write(executed_report, tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert PdfReader(tmp_path / "a.pdf").metadata["/CreationDate"] == "D:20251130000000Z"


def test_pdf_numbers_repeated_headings_and_headings_with_math(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# Costo $J(\\theta)$\n\n## Detalle\n\n# Otra\n\n## Detalle")])
    typst.write(nb, tmp_path / "x.pdf")
    assert "2.1. Detalle" in PdfReader(tmp_path / "x.pdf").pages[-1].extract_text()


def test_symbols_pandoc_writes_that_typst_renamed_still_compile(tmp_path):
    """pandoc writes ``dot.circle``/``sect`` for these; the renderer renames them for typst."""
    nb = new_notebook(cells=[new_markdown_cell("# Uno\n\n$a \\odot b \\otimes c \\ominus d \\oplus e \\cap f$")])
    typst.write(nb, tmp_path / "simbolos.pdf")
    assert "⊙" in PdfReader(tmp_path / "simbolos.pdf").pages[-1].extract_text()


# ---------------------------------------------------------------- failures leave files intact


def broken_figure_notebook():
    """A notebook whose figure is not an SVG: Typst refuses it."""
    cell = new_code_cell("figura()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"image/svg+xml": "<svg esto no es svg", "text/plain": "x"},
            metadata={
                "nnsimple": {"kind": "figure", "caption": "Figura 1: rota.", "alt": "Una figura rota: 0 líneas."}
            },
        )
    ]
    return new_notebook(cells=[new_markdown_cell("# Uno"), cell])


def test_failed_pdf_keeps_the_previous_file(tmp_path):
    target = tmp_path / "informe.pdf"
    target.write_bytes(b"%PDF anterior")
    with pytest.raises(RenderError, match="Typst no pudo compilar el PDF"):
        typst.write(broken_figure_notebook(), target)
    assert target.read_bytes() == b"%PDF anterior"
    assert sorted(os.listdir(tmp_path)) == ["informe.pdf"]


# ---------------------------------------------------------------- typesetting of tables and pages


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


def test_long_tables_break_across_pages(tmp_path):
    rows = "".join(f"| {i} | {i / 7:.4f} |\n" for i in range(90))
    cell = table_output_cell("| i | valor |\n|---|---|\n" + rows, "Tabla 9: Larga.")
    typst.write(new_notebook(cells=[new_markdown_cell("# Uno"), cell]), tmp_path / "larga.pdf")
    pages = [page.extract_text() for page in PdfReader(tmp_path / "larga.pdf").pages]
    body = pages[1:]  # after the index
    assert len(body) >= 2 and "Tabla 9: Larga." in body[0] and "0.1429" in body[0] and "12.7143" in body[-1]


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
    typst.write(wide_tables_notebook(), tmp_path / "anchas.pdf")
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
    long_rows = "".join(f"| {i} | {i / 7:.4f} |\n" for i in range(typst.LONG_TABLE_ROWS + 1))
    nb = new_notebook(
        cells=[
            table_output_cell("| a | b |\n|---|---|\n| 1 | 2 |\n", "Tabla 1: Corta."),
            table_output_cell("| i | valor |\n|---|---|\n" + long_rows, "Tabla 2: Larga."),
        ]
    )
    source = typst.notebook_to_typst(nb, tmp_path)
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
    typst.write(new_notebook(cells=cells), tmp_path / "cortes.pdf")
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


def test_characters_the_pdf_fonts_lack_are_named_in_a_warning(tmp_path, capsys):
    """The issue's case: Japanese or an emoji in the cover vanished from the PDF without a word."""
    assert typst.missing_glyphs("Diseño → ∑ α “x” — 日本 😀") == ["日", "本", "😀"]
    assert typst.missing_glyphs("Laboratorio de redes: ñ, á, ≤") == []
    node = new_notebook(metadata={"title": "Prueba"})
    node.cells = [new_markdown_cell("# Portada\n\nAutora: 山田 花子 😀")]
    typst.write(node, tmp_path / "x.pdf")
    err = capsys.readouterr().err
    assert "Aviso: el PDF no puede mostrar 5 caracteres" in err
    assert "山 (U+5C71)" in err and "😀 (U+1F600)" in err and "lab.toml" in err
    assert "Autora: ?? ?? ?" in "".join(page.extract_text() for page in PdfReader(tmp_path / "x.pdf").pages)


def test_the_characters_are_looked_for_only_when_typst_refuses_one(tmp_path, monkeypatch, capsys):
    """The search (a probe PDF read back, ~0.1 s) runs only after Typst refused the PDF for a
    text its fonts cannot show: a report they can show is compiled once, without it."""
    probes = []
    monkeypatch.setattr(typst, "missing_glyphs", lambda text: probes.append(text) or [])
    node = new_notebook(metadata={"title": "Prueba"})
    node.cells = [new_markdown_cell("# Portada\n\nDiseño → ∑ α “x” — ñ, á, ≤")]
    typst.write(node, tmp_path / "x.pdf")
    assert probes == [] and capsys.readouterr().err == ""
    with pytest.raises(typst.GlyphsMissing, match="Typst no pudo compilar el PDF"):
        typst.compile_pdf("#set document(title: [x])\nAutora: 😀", tmp_path)
    with pytest.raises(RenderError) as refused:
        typst.compile_pdf("#set document(title: [x])\n#image()", tmp_path)
    assert not isinstance(refused.value, typst.GlyphsMissing)


# ---------------------------------------------------------------- accessibility, links, citations


def structure_alts(reader):
    """``[(structure type, alt text)]`` of the PDF's tagged structure, in order."""
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/Alt" in node:
            found.append((str(node.get("/S")), str(node["/Alt"])))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_declares_pdf_ua_1_and_pdf_a_3a(pdf):
    reader, _ = pdf
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata
    assert "<pdfaid:part>3</pdfaid:part>" in metadata and "<pdfaid:conformance>A</pdfaid:conformance>" in metadata
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_every_figure_and_formula_carries_its_alt_text(pdf):
    reader, _ = pdf
    alts = structure_alts(reader)
    assert ("/Figure", "El costo baja de 0.86 a 0.05 en 3 iteraciones.") in alts
    formulas = [alt for kind, alt in alts if kind == "/Formula"]
    assert "σ(z) = 1/(1+e^(−z))" in formulas and "α = 0.5" in formulas
    assert len(formulas) >= 8 and all(alt and "\\" not in alt for alt in formulas)


def test_references_are_links_to_their_targets(pdf):
    reader, pages = pdf
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            if annotation.get("/Subtype") == "/Link" and dest:
                if isinstance(dest, str):  # a named destination
                    links.append(reader.get_destination_page_number(reader.named_destinations[dest]))
                else:
                    links.append(reader.get_page_number(dest[0].get_object()))
    caption_page = next(i for i, text in enumerate(pages) if "Figura 1: Costo" in text)
    assert caption_page in links, "'la Figura 1' leads to the figure's page"
    references_page = next(i for i, text in enumerate(pages) if "Rumelhart, D. E., Hinton" in text)
    assert references_page in links, "a citation leads to its entry"
    assert len(links) >= 6  # Ecuación (1), Figura 1, Tabla 1 twice, two citations


def test_citations_are_apa_and_listed_in_referencias(pdf):
    _, pages = pdf
    text = re.sub(r"\s+", " ", " ".join(pages))
    assert "(Rumelhart et al., 1986)" in text and "Glorot y Bengio (2010)" in text
    references = text[text.rindex("Referencias") :]
    assert "Glorot, X., y Bengio, Y. (2010)." in references
    assert "Rumelhart, D. E., Hinton, G. E., y Williams, R. J. (1986)." in references
    assert "Goodfellow" not in references, "only what is cited"


def test_a_figure_without_alt_text_is_a_spanish_error_and_keeps_the_previous_file(tmp_path):
    nb = broken_figure_notebook()
    del nb.cells[1].outputs[0].metadata["nnsimple"]["alt"]
    target = tmp_path / "informe.pdf"
    target.write_bytes(b"%PDF anterior")
    with pytest.raises(RenderError, match=r"Falta el texto alternativo de 'Figura 1: rota\.'.*PDF/UA-1.*alt="):
        typst.write(nb, target)
    assert target.read_bytes() == b"%PDF anterior"


def test_a_local_link_attaches_its_file_and_stays_as_text(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "lr0.5-random-bce.html").write_text("<p>cuaderno ejecutado</p>", encoding="utf-8")
    nb = new_notebook(
        cells=[new_markdown_cell("# Anexo\n\n[lr0.5-random-bce](runs/lr0.5-random-bce.html) y [otra](runs/no.html).")]
    )
    typst.write(nb, tmp_path / "informe.pdf", base_path=tmp_path)
    reader = PdfReader(tmp_path / "informe.pdf")
    assert reader.attachments == {"lr0.5-random-bce.html": [b"<p>cuaderno ejecutado</p>"]}
    uris = [
        a.get_object()["/A"].get("/URI")
        for page in reader.pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object()
    ]
    assert uris == [], "no link that depends on the PDF's folder"
    assert "lr0.5-random-bce y otra." in reader.pages[-1].extract_text()
    assert "runs/no.html no lleva a ningún archivo" in capsys.readouterr().err


def test_beyond_the_limit_the_linked_pages_are_named_not_attached(tmp_path, monkeypatch):
    (tmp_path / "runs").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "runs" / f"{name}.html").write_text(f"<p>{name}</p>", encoding="utf-8")
    links = " ".join(f"[{name}](runs/{name}.html)" for name in ("a", "b", "c"))
    nb = new_notebook(cells=[new_markdown_cell(f"# Anexo\n\n{links}")])
    monkeypatch.setattr(outputs, "PDF_ATTACHMENTS_MAX", 3)
    typst.write(nb, tmp_path / "tres.pdf", base_path=tmp_path)
    assert sorted(PdfReader(tmp_path / "tres.pdf").attachments) == ["a.html", "b.html", "c.html"]
    monkeypatch.setattr(outputs, "PDF_ATTACHMENTS_MAX", 2)
    typst.write(nb, tmp_path / "dos.pdf", base_path=tmp_path)
    reader = PdfReader(tmp_path / "dos.pdf")
    assert reader.attachments == {} and "a b c" in reader.pages[-1].extract_text()
