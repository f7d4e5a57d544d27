"""Tests of render.formats: the registry of output formats, and what each output is made from."""

import dataclasses
import importlib
import subprocess
import sys

import jinja2
import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from nnsimple_lab import render
from nnsimple_lab.render import formats
from nnsimple_lab.render.__main__ import main

ROOT = formats.ROOT


def test_the_registry_names_html_and_pdf():
    assert list(formats.FORMATS) == ["html", "pdf"]
    html, pdf = formats.FORMATS["html"], formats.FORMATS["pdf"]
    assert (html.label, html.suffix, html.module, html.templates) == (
        "HTML",
        ".html",
        "nnsimple_lab.render.html",
        ("informe_html",),
    )
    assert (pdf.label, pdf.suffix, pdf.module) == ("PDF", ".pdf", "nnsimple_lab.render.typst")
    assert pdf.templates == ("informe_typst",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        html.suffix = ".htm"


def test_an_unknown_format_is_a_spanish_error_naming_the_valid_ones():
    message = r"Formato desconocido: 'docx'\. Los formatos válidos son: html, pdf\."
    with pytest.raises(render.RenderError, match=message):
        formats.get("docx")


def test_each_output_is_made_from_its_own_code_and_templates():
    html = {path.relative_to(ROOT).as_posix() for path in formats.sources("html", ROOT)}
    pdf = {path.relative_to(ROOT).as_posix() for path in formats.sources("pdf", ROOT)}
    for shared in ("nnsimple_lab/render/__init__.py", "nnsimple_lab/render/prepare.py", "nnsimple_lab/outputs.py"):
        assert shared in html and shared in pdf
    assert {"nnsimple_lab/render/html.py", "nnsimple_lab/render/math.py"} <= html
    assert {
        "templates/informe_html/conf.json",
        "templates/informe_html/index.html.j2",
        "templates/informe_html/static/informe.css",
    } <= html
    assert {"nnsimple_lab/render/typst.py", "templates/informe_typst/index.typ.j2"} <= pdf
    assert not any("typst" in path for path in html), "a change to the PDF's code leaves the HTML current"
    assert "nnsimple_lab/render/html.py" not in pdf and not any("informe_html" in path for path in pdf)
    assert "nnsimple_lab/render/__main__.py" not in html | pdf


def test_importing_the_package_and_its_registry_imports_no_renderer():
    slow = ("nbconvert", "typst", "matplotlib")
    code = f"import sys, nnsimple_lab.render; print([m for m in {slow} if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


TEXT_FORMAT = """
from pathlib import Path

from nnsimple_lab.render import errors, prepare


def write(nb, path, *, base_path=None):
    node, _ = prepare.load_notebook(nb)
    errors.write_atomic(path, "\\n".join(cell.source for cell in prepare.prepare(node)[0].cells))
    return Path(path)
"""


def test_a_new_format_is_one_module_and_one_registry_entry(tmp_path, monkeypatch, capsys):
    (tmp_path / "formato_texto.py").write_text(TEXT_FORMAT)
    monkeypatch.syspath_prepend(str(tmp_path))
    extra = formats.Format("txt", "Texto", ".txt", "texto plano", "formato_texto", ())
    monkeypatch.setitem(formats.FORMATS, "txt", extra)
    nb = new_notebook(cells=[new_markdown_cell("# Uno"), new_markdown_cell("Dos.")])
    assert list(render.render(nb, txt=tmp_path / "a.txt")) == ["txt"]
    assert (tmp_path / "a.txt").read_text() == "# Uno\nDos."
    nbformat.write(nb, tmp_path / "b.ipynb")
    assert main([str(tmp_path / "b.ipynb"), "--txt", str(tmp_path / "b.txt")]) == 0
    assert "Texto escrito:" in capsys.readouterr().out and (tmp_path / "b.txt").exists()


def _document(name, nb, folder):
    """The document the exporter of format ``name`` makes of ``nb`` (HTML, or the PDF's Typst source)."""
    if name == "html":
        return importlib.import_module(formats.FORMATS[name].module).notebook_to_html(nb)
    return importlib.import_module(formats.FORMATS[name].module).notebook_to_typst(nb, folder)


@pytest.mark.parametrize("name", list(formats.FORMATS))
def test_templates_are_compiled_once_and_give_the_same_document_from_the_cache(name, tmp_path, monkeypatch):
    """A second exporter (as in another process) takes its compiled templates from
    ``template_cache`` instead of compiling them, and writes the same bytes."""
    module = importlib.import_module(formats.FORMATS[name].module)
    cache = jinja2.FileSystemBytecodeCache(str(tmp_path))
    monkeypatch.setattr(formats, "template_cache", lambda: cache)
    compiled, compile_template = [], jinja2.Environment.compile

    def counted(self, source, template=None, *args, **kwargs):
        compiled.append(template)
        return compile_template(self, source, template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    config, kind = module.exporter().config, type(module.exporter())
    nb = new_notebook(cells=[new_markdown_cell("# Uno\n\nSea $x^2$.")])
    documents, counts = [], []
    for _ in range(2):
        fresh = formats.cached_templates(kind(config=config))
        monkeypatch.setattr(module, "exporter", lambda fresh=fresh: fresh)
        documents.append(_document(name, nb, tmp_path))
        counts.append(len(compiled))
    assert counts[0] > 0 and counts[1] == counts[0], compiled
    assert documents[0] == documents[1]


def test_a_template_cache_that_cannot_be_written_still_renders(tmp_path, monkeypatch):
    """A full or missing temporary folder only makes the cache miss: the document is the same."""
    module = importlib.import_module(formats.FORMATS["html"].module)
    nb = new_notebook(cells=[new_markdown_cell("# Uno\n\nSea $x^2$.")])
    expected = module.notebook_to_html(nb)
    cache = formats.template_cache()
    monkeypatch.setattr(cache, "directory", str(tmp_path / "no-such-folder"))  # every write fails
    fresh = formats.cached_templates(type(module.exporter())(config=module.exporter().config))
    monkeypatch.setattr(module, "exporter", lambda: fresh)
    assert module.notebook_to_html(nb) == expected
    assert not (tmp_path / "no-such-folder").exists()
