"""Tests of render.errors: a file that cannot be written is a Spanish RenderError naming it."""

import pytest

from nnsimple_lab.render import RenderError, errors


def test_a_write_failure_names_the_path_and_leaves_no_temporary(tmp_path):
    (tmp_path / "archivo").write_text("no es una carpeta")
    target = tmp_path / "archivo" / "informe.html"
    with pytest.raises(RenderError, match=f"No se pudo escribir {target}"):
        errors.write_atomic(target, "<html>")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archivo"]


def test_a_write_is_whole_text_or_bytes(tmp_path):
    errors.write_atomic(tmp_path / "a.html", "ñ")
    errors.write_atomic(tmp_path / "b.pdf", b"%PDF")
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == "ñ" and (tmp_path / "b.pdf").read_bytes() == b"%PDF"
