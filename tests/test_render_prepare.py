"""Tests of render.prepare: the notebook as the report shows it, and the alignment of tables."""

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from nnsimple_lab.render import RenderError, prepare


def test_prepare_drops_hidden_cells_and_keeps_the_source_notebook(executed_report):
    nb = nbformat.read(executed_report, as_version=4)
    before = copy.deepcopy(nb)
    prepared, cover = prepare.prepare(nb)
    assert nb == before
    assert cover["title"] == "Laboratorio 1: #XOR_2 [red] $simple$"
    sources = "\n".join(cell.source for cell in prepared.cells)
    assert "texto-oculto" not in sources and "import outputs" not in sources


def test_prepare_shows_tagged_code_keeps_the_first_cover_and_drops_stderr():
    shown, hidden = new_code_cell("print(1)"), new_code_cell("x = 1")
    shown.metadata["tags"] = [prepare.SHOW_CODE_TAG]
    hidden.outputs = [
        new_output("stream", name="stderr", text="aviso\n"),
        new_output("display_data", data={"text/plain": "A"}, metadata={"nnsimple": {"kind": "cover"}}),
        new_output("display_data", data={"text/latex": "$$x$$", "text/plain": "<Math>"}),
    ]
    nb = new_notebook(cells=[new_raw_cell("crudo"), new_markdown_cell("  "), shown, hidden])
    prepared, cover = prepare.prepare(nb)
    assert [cell.source for cell in prepared.cells] == ["print(1)", "x = 1"]
    assert "transient" not in prepared.cells[0].metadata
    assert prepared.cells[1].metadata["transient"]["remove_source"] is True
    assert [output.data for output in prepared.cells[1].outputs] == [
        {"text/latex": "$$x$$", "text/plain": "<Math>", "text/markdown": "$$x$$"}
    ]
    assert cover == {key: "" for key in ("university", "faculty", "course", "title", "subtitle", "date")} | {
        "authors": []
    }
    every = prepare.prepare(nb, show_all_code=True, keep_stderr=True)[0]
    assert "transient" not in every.cells[1].metadata and every.cells[1].outputs[0].name == "stderr"


def test_notebooks_that_cannot_be_read_are_spanish_errors(tmp_path):
    with pytest.raises(RenderError, match="No existe el cuaderno"):
        prepare.load_notebook(tmp_path / "no-existe.ipynb")
    (tmp_path / "roto.ipynb").write_text("{ no es json")
    with pytest.raises(RenderError, match="No se pudo leer el cuaderno"):
        prepare.load_notebook(tmp_path / "roto.ipynb")
    with pytest.raises(RenderError, match="se recibió int"):
        prepare.load_notebook(3)


def test_numeric_columns_are_right_aligned_unless_aligned_already():
    table = "| a | b | c |\n|---|:-:|---|\n| x | 1 | 0.5 |\n| y | 2 | $1e-3$ |\n"
    assert prepare.align_numeric_columns(table).split("\n")[1] == "|---|:-:| ---: |"
    assert prepare.align_numeric_columns("sin tabla") == "sin tabla"


def test_fractions_and_dashes_count_as_numbers_and_tables_count_rows():
    table = "| a | b | c | d |\n|---|---|---|---|\n| x | 10/20 | — | — |\n| y | 2/20 | 633 | — |\n"
    assert prepare.align_numeric_columns(table).split("\n")[1] == "|---| ---: | ---: |---|"
    assert prepare.table_rows(table) == 2 and prepare.table_rows("texto\n\n" + table) == 2
    assert prepare.table_rows("sin tabla") == 0


def test_numeric_columns_take_remarks_and_the_true_minus_sign():
    table = (
        "| α | costo | iteraciones | salida |\n|---|---|---|---|\n"
        "| 0.01 | -1.0986 | no converge | 0.4228 → 0 |\n| 0.5 | **-0.0067** | 51 | $-1$ |\n"
    )
    lines = prepare.align_numeric_columns(table).split("\n")
    assert lines[1] == "| ---: | ---: | ---: | ---: |", "a remark without digits leaves a column numeric"
    assert lines[2] == "| 0.01 | −1.0986 | no converge | 0.4228 → 0 |"
    assert lines[3] == "| 0.5 | **−0.0067** | 51 | $-1$ |", "math keeps its TeX minus"
    ids = "| ejecución | x |\n|---|---|\n| lr0.5-random-bce | 1 |\n"
    assert prepare.align_numeric_columns(ids).split("\n")[1] == "|---| ---: |"


def _figure_cell(caption):
    cell = new_code_cell("figura()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"image/svg+xml": "<svg/>", "text/plain": "x"},
            metadata={"nnsimple": {"kind": "figure", "caption": caption, "alt": "Dos líneas."}},
        )
    ]
    return cell


def test_numbered_items_get_ids_and_mentions_become_links():
    prose = new_code_cell("prosa()")
    prose.outputs = [
        new_output(
            "display_data",
            data={"text/markdown": "La Figura 2 y la Ecuación (1)."},
            metadata={"nnsimple": {"kind": "prose"}},
        )
    ]
    nb = new_notebook(
        cells=[
            new_markdown_cell("$$a = b \\tag{1}$$\n\nComo en la Figura 1."),
            _figure_cell("Figura 1: Costo."),
            _figure_cell("Figura 2: Como la Figura 1."),
            prose,
        ]
    )
    prepared, _ = prepare.prepare(nb)
    assert prepare.number_items(prepared) == {"figura-1", "figura-2", "ecuacion-1"}
    metas = [c.outputs[0].metadata["nnsimple"] for c in prepared.cells[1:3]]
    assert [m["id"] for m in metas] == ["figura-1", "figura-2"]
    assert metas[1]["caption"] == "Figura 2: Como la [Figura\xa01](#figura-1)."
    assert prepared.cells[0].source.endswith("Como en la [Figura\xa01](#figura-1).")
    assert prepared.cells[3].outputs[0].data["text/markdown"] == (
        "La [Figura\xa02](#figura-2) y la [Ecuación\xa0(1)](#ecuacion-1)."
    )


def test_a_document_that_cites_gets_its_references_before_the_annex():
    nb = new_notebook(
        cells=[new_markdown_cell("# Uno\n\nComo en [@glorot2010]."), new_markdown_cell("# Anexo: todo {-}")]
    )
    prepared, _ = prepare.prepare(nb)
    assert [c.source.split("\n")[0] for c in prepared.cells] == ["# Uno", "# Referencias {-}", "# Anexo: todo {-}"]
    uncited, _ = prepare.prepare(new_notebook(cells=[new_markdown_cell("# Uno\n\nSin citas, jp@uvg.")]))
    assert len(uncited.cells) == 1


def test_captioned_listings_left_unnumbered_are_numbered_in_order():
    cells = []
    for caption in ("BCE y su gradiente.", "Listado 2: MSE.", None, "La retropropagación."):
        cell = new_code_cell("codigo()")
        meta = {"kind": "code", **({"caption": caption} if caption else {})}
        cell.outputs = [
            new_output("display_data", data={"text/markdown": "```python\nx\n```"}, metadata={"nnsimple": meta})
        ]
        cells.append(cell)
    prepared, _ = prepare.prepare(new_notebook(cells=cells))
    captions = [c.outputs[0].metadata["nnsimple"].get("caption") for c in prepared.cells]
    assert captions == ["Listado 1: BCE y su gradiente.", "Listado 2: MSE.", None, "Listado 3: La retropropagación."]
    assert [c.outputs[0].metadata["nnsimple"].get("id") for c in prepared.cells] == [
        "listado-1",
        "listado-2",
        None,
        "listado-3",
    ]
