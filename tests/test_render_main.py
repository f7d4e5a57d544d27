"""Tests of ``python -m nnsimple_lab.render``: Spanish help and errors, files written or left intact."""

import os
import shutil
import subprocess
import sys

import pytest

from nnsimple_lab.render.__main__ import main


def test_help_is_spanish_with_one_option_per_format():
    result = subprocess.run(
        [sys.executable, "-m", "nnsimple_lab.render", "--help"], capture_output=True, text=True, check=True
    )
    help_text = result.stdout
    assert help_text.startswith("uso: python -m nnsimple_lab.render")
    assert "Genera el informe HTML (sin conexión, MathML) y PDF (Typst) de un cuaderno ejecutado." in help_text
    assert "Sin --html ni --pdf escribe ambos junto al cuaderno (mismo nombre, .html y .pdf)." in help_text
    assert "--html SALIDA.html" in help_text and "escribe el informe PDF en esta ruta" in help_text
    assert "muestra esta ayuda y termina" in help_text


def test_missing_notebook_keeps_the_previous_files(tmp_path, capsys):
    html_path, pdf_path = tmp_path / "informe.html", tmp_path / "informe.pdf"
    html_path.write_text("anterior")
    pdf_path.write_bytes(b"anterior")
    status = main([str(tmp_path / "no-existe.ipynb"), "--html", str(html_path), "--pdf", str(pdf_path)])
    assert status == 1
    assert "No existe el cuaderno" in capsys.readouterr().err
    assert html_path.read_text() == "anterior" and pdf_path.read_bytes() == b"anterior"
    assert sorted(os.listdir(tmp_path)) == ["informe.html", "informe.pdf"]


def test_cli_writes_both_formats(executed_report, tmp_path, capsys):
    status = main([str(executed_report), "--html", str(tmp_path / "i.html"), "--pdf", str(tmp_path / "i.pdf")])
    assert status == 0
    out = capsys.readouterr().out
    assert "HTML escrito" in out and "PDF escrito" in out
    assert (tmp_path / "i.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(os.listdir(tmp_path)) == ["i.html", "i.pdf"]


def test_cli_without_targets_writes_every_format_next_to_the_notebook(executed_report, tmp_path, capsys):
    notebook = shutil.copy(executed_report, tmp_path / "informe.ipynb")
    assert main([str(notebook)]) == 0
    assert sorted(os.listdir(tmp_path)) == ["informe.html", "informe.ipynb", "informe.pdf"]
    assert "Listo en" in capsys.readouterr().out


def test_cli_errors_are_spanish(capsys):
    with pytest.raises(SystemExit) as raised:
        main([])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "uso:" in err and "faltan los argumentos obligatorios" in err
