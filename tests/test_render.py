"""Tests of render (the package's API): one notebook to several formats, the pages of the runs."""

import os
import re

import nbformat
import pypdf
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnsimple_lab import render
from nnsimple_lab.render import formats
from tests.htmlpage import Page


def test_render_writes_each_format_asked_for(executed_report, tmp_path):
    timings = render.render(executed_report, html=tmp_path / "i.html", pdf=tmp_path / "i.pdf")
    assert list(timings) == ["html", "pdf"] and all(seconds > 0 for seconds in timings.values())
    assert (tmp_path / "i.pdf").read_bytes().startswith(b"%PDF")
    assert "<math" in (tmp_path / "i.html").read_text(encoding="utf-8")
    assert list(render.render(executed_report, pdf=tmp_path / "solo.pdf", html=None)) == ["pdf"]
    assert sorted(os.listdir(tmp_path)) == ["i.html", "i.pdf", "solo.pdf"]


def test_formats_written_together_are_those_written_alone(executed_report, tmp_path):
    """Both at once (one thread each) give the HTML of the HTML alone and the PDF of the PDF alone."""
    render.render(executed_report, html=tmp_path / "both.html", pdf=tmp_path / "both.pdf")
    render.render(executed_report, html=tmp_path / "alone.html")
    render.render(executed_report, pdf=tmp_path / "alone.pdf")
    assert (tmp_path / "both.html").read_bytes() == (tmp_path / "alone.html").read_bytes()
    text = [pypdf.PdfReader(tmp_path / f"{name}.pdf").pages for name in ("both", "alone")]
    assert [page.extract_text() for page in text[0]] == [page.extract_text() for page in text[1]]
    assert len(text[0]) > 1


def test_an_unknown_format_fails_before_anything_is_written(executed_report, tmp_path):
    with pytest.raises(render.RenderError, match="Los formatos válidos son: html, pdf"):
        render.render(executed_report, html=tmp_path / "i.html", docx=tmp_path / "i.docx")
    assert os.listdir(tmp_path) == []


def test_every_format_is_attempted_and_every_failure_reported(tmp_path):
    cell = new_code_cell("figura()")
    cell.outputs = [
        new_output(
            "display_data",
            data={"image/svg+xml": "<svg esto no es svg", "text/plain": "x"},
            metadata={"nnsimple": {"kind": "figure", "caption": "Figura 1: rota.", "alt": "Nada: 0 líneas."}},
        )
    ]
    nb = new_notebook(cells=[new_markdown_cell("# Uno"), cell])
    with pytest.raises(render.RenderError, match=r"^PDF: Typst no pudo compilar el PDF"):
        render.render(nb, html=tmp_path / "i.html", pdf=tmp_path / "i.pdf")
    assert sorted(os.listdir(tmp_path)) == ["i.html"]


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


def test_run_pages_older_than_the_html_code_or_templates_are_rendered_again(tmp_path):
    notebook = tmp_path / "lr0.5-random-bce.ipynb"
    nbformat.write(run_notebook(), notebook)
    assert len(render.render_runs(tmp_path)) == 1
    newest = max(path.stat().st_mtime for path in formats.sources("html"))
    os.utime(notebook, (newest - 20, newest - 20))
    os.utime(notebook.with_suffix(".html"), (newest - 10, newest - 10))
    assert [page.name for page in render.render_runs(tmp_path)] == ["lr0.5-random-bce.html"]
