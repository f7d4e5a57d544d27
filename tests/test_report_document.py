"""Tests of report.document: the cover from lab.toml, figure and table numbering, code listings."""

import datetime as dt

import pytest

import nnsimple as nn
from nnsimple_lab.report import document


def test_cover_from_lab_toml(tmp_path):
    cover = document.load_cover("lab.toml", today=dt.date(2026, 3, 1))
    assert set(cover) == set(document.COVER_KEYS)
    assert cover["date"] == "1 de marzo de 2026"  # empty date in lab.toml: the build's date
    assert isinstance(cover["authors"], list) and cover["authors"]
    toml = tmp_path / "lab.toml"
    toml.write_text('[cover]\ntitle = "Lab"\nauthors = "Ana"\ndate = "2026-11-29"\n', encoding="utf-8")
    cover = document.load_cover(toml)
    assert cover["date"] == "29 de noviembre de 2026" and cover["authors"] == ["Ana"]
    toml.write_text('[cover]\ndate = "primer semestre"\n', encoding="utf-8")
    assert document.load_cover(toml)["date"] == "primer semestre"


def test_numbering_counts_and_remembers():
    num = document.Numbering()
    assert num.fig("Costo.", key="costo") == "Figura 1: Costo."
    assert num.table("Datos.") == "Tabla 1: Datos."
    assert num.fig("Pesos.", key="pesos") == "Figura 2: Pesos."
    assert num.ref("costo") == "Figura 1" and num.ref("pesos") == "Figura 2"
    assert (num.figures, num.tables) == (2, 1)
    with pytest.raises(ValueError):
        num.fig("Otra.", key="costo")


def test_prose_joins_the_sentences_that_say_something():
    assert document.prose("Uno.", "", None, "  Dos.  ") == "Uno. Dos."
    assert document.prose("", " ") == ""


def test_code_listing_shows_the_code_without_its_english_notes():
    listing = document.code_listing(nn.bce_dZ2, nn.mse_dZ2)
    assert listing.startswith("def bce_dZ2(A2, Y):\n")
    assert "return (A2 - Y) / Y.shape[-1]" in listing and "def mse_dZ2(A2, Y):" in listing
    assert '"""' not in listing and "#" not in listing
    assert "\n\n" in listing  # one blank line between the two functions
    backward = document.code_listing(nn.backward_prop)
    assert "dZ2 = " in backward and ".mT: transpose" not in backward  # the inline comment is gone
